//! Stance targets and their relevance terms, read from the run's config file (TOML; the bundled
//! `corpus/newsmine.toml` is the default).
//!
//! # Relevance
//!
//! A unit (quote, sentence, paragraph) is scored against a target in two steps:
//!
//! 1. **scope gate** — if the target lists `require_any` terms, the *article* (or, for
//!    [`StanceConfig::relevance`], the text itself) must mention at least one of them; otherwise the
//!    relevance is 0. This keeps generic terms ("peace treaty") from firing in unrelated stories.
//! 2. **noisy-or of term weights** — `relevance = 1 − Π (1 − wₜ)` over the *distinct* terms `t`
//!    found in the unit. One strong term (`peace treaty` = 0.9) is enough on its own, weak terms
//!    (`Armenia` = 0.2) only add up when several co-occur, repeats of one term do not inflate the
//!    score, and the result stays in `0..=1` without any normalisation.
//!
//! # Term matching
//!
//! Case-insensitive, on word boundaries. The words of a multi-word term may be separated by any
//! run of spaces or hyphens ("peace-treaty", "peace\ntreaty"). The last word also matches its
//! plural / possessive forms (`s`, `es`, `'s`, `’s`); a trailing `*` matches any word ending
//! (`normali*` → normalization, normalise, …).
use crate::stance::aggregate::{AggregateParams, AggregateSettings};
use crate::stance::UnitKind;
use crate::{Error, Result};
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Where the bundled file lives, for error messages.
use crate::config::DEFAULT_PATH as DEFAULT_TARGETS_PATH;
/// The bundled default targets file.
pub use crate::config::DEFAULT_TOML as DEFAULT_TARGETS_TOML;

/// One weighted relevance term.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// as written in the config
    pub text: String,
    /// in `(0, 1]`
    pub weight: f32,
}

/// A target's relevance terms, compiled for matching.
#[derive(Clone, Debug)]
pub struct Terms {
    /// sorted by text (the order of `set`'s patterns)
    pub weighted: Vec<Term>,
    /// scope gate: at least one must occur in the article; empty = no gate
    pub require_any: Vec<String>,
    set: Option<RegexSet>,
    gate: Option<RegexSet>,
}

impl Terms {
    /// Indices into `weighted` of the distinct terms found in `text`.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        self.set
            .as_ref()
            .map(|s| s.matches(text).into_iter().collect())
            .unwrap_or_default()
    }
    /// Whether `text` passes the scope gate (always true without `require_any`).
    pub fn in_scope(&self, text: &str) -> bool {
        self.gate.as_ref().is_none_or(|g| g.is_match(text))
    }
    /// The noisy-or score of the terms in `text`, ignoring the gate.
    pub fn score(&self, text: &str) -> f32 {
        let miss: f32 = self
            .matches(text)
            .iter()
            .map(|&i| 1.0 - self.weighted[i].weight)
            .product();
        (1.0 - miss).clamp(0.0, 1.0)
    }
}

/// A stance target.
#[derive(Clone, Debug)]
pub struct Target {
    /// identifier written to the CSV files
    pub name: String,
    /// what the stance model reads as the target
    pub description: String,
    pub terms: Terms,
}

/// Which units get a stance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UnitSwitches {
    pub quote: bool,
    pub sentence: bool,
    pub paragraph: bool,
}

impl Default for UnitSwitches {
    fn default() -> Self {
        UnitSwitches {
            quote: true,
            sentence: true,
            paragraph: false,
        }
    }
}

impl UnitSwitches {
    pub fn enabled(&self, kind: UnitKind) -> bool {
        match kind {
            UnitKind::Quote => self.quote,
            UnitKind::Sentence => self.sentence,
            UnitKind::Paragraph => self.paragraph,
        }
    }
}

/// The stance stage's settings.
#[derive(Clone, Debug)]
pub struct StanceConfig {
    pub targets: Vec<Target>,
    /// units below this relevance are `not_relevant` and do not count toward article stance
    pub min_relevance: f32,
    pub units: UnitSwitches,
    pub aggregate: AggregateParams,
    /// things worth telling the user at start-up (e.g. a target with no terms)
    pub warnings: Vec<String>,
}

// The file as written; `deny_unknown_fields` turns typos ("min_relevence") into errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_min_relevance")]
    min_relevance: f32,
    #[serde(default)]
    units: UnitSwitches,
    #[serde(default)]
    aggregate: AggregateParams,
    #[serde(default)]
    target: Vec<RawTarget>,
    /// the quotes stage's `[quotes]` table: read and checked by `crate::quotes::settings` (the
    /// app checks it whichever stages run)
    #[serde(default, rename = "quotes")]
    _quotes: Option<toml::Table>,
    /// the run settings: read and checked by the app
    #[serde(default, rename = "run")]
    _run: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    description: String,
    #[serde(default)]
    require_any: Vec<String>,
    #[serde(default)]
    terms: BTreeMap<String, f32>,
}

fn default_min_relevance() -> f32 {
    0.35
}

impl Default for StanceConfig {
    /// The bundled `corpus/newsmine.toml`.
    fn default() -> Self {
        // The bundled file is checked by a test, so this cannot fail in a released build.
        Self::from_toml_str(DEFAULT_TARGETS_TOML, Path::new(DEFAULT_TARGETS_PATH))
            .expect("bundled corpus/newsmine.toml is valid")
    }
}

impl StanceConfig {
    /// How speakers and outlets are aggregated (`min_relevance` and `[aggregate]`), as run.json
    /// records it for `merge`.
    pub fn aggregate_settings(&self) -> AggregateSettings {
        AggregateSettings {
            min_relevance: self.min_relevance,
            params: self.aggregate,
        }
    }

    /// The targets file given on the command line, else the bundled default.
    pub fn load_or_default(path: Option<&Path>) -> Result<Self> {
        path.map_or_else(|| Ok(Self::default()), Self::load)
    }

    /// Reads a targets file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&text, path)
    }

    /// Parses and checks a targets file; `path` only names the file in errors.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self> {
        let err = |msg: String| Error::Config {
            path: PathBuf::from(path),
            msg,
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;

        if !(0.0..=1.0).contains(&raw.min_relevance) {
            return Err(err(format!(
                "min_relevance must be in 0..=1, got {}",
                raw.min_relevance
            )));
        }
        raw.aggregate.check().map_err(err)?;
        if raw.target.is_empty() {
            return Err(err(
                "no targets: add at least one [[target]] with a name and a description".into(),
            ));
        }
        let mut names = HashSet::new();
        let mut warnings = Vec::new();
        let mut targets = Vec::with_capacity(raw.target.len());
        for (i, t) in raw.target.into_iter().enumerate() {
            let at = format!("target #{} ({:?})", i + 1, t.name);
            if !valid_name(&t.name) {
                return Err(err(format!(
                    "{at}: name must be non-empty and use only letters, digits, `_`, `-`, `.`"
                )));
            }
            if !names.insert(t.name.to_lowercase()) {
                return Err(err(format!("{at}: duplicate target name")));
            }
            if t.description.trim().is_empty() {
                return Err(err(format!(
                    "{at}: description is empty; the stance model reads it as the target"
                )));
            }
            let mut require_any = t.require_any;
            let weights = if t.terms.is_empty() {
                let w = name_terms(&require_any);
                // the same names open the gate: many articles name a person by surname alone
                // ("President Trump"), and with the full name required those had no relevant unit
                require_any = w.keys().cloned().collect();
                warnings.push(if w.is_empty() {
                    format!("{at}: no terms and no require_any: no unit can be relevant, so every article is not_relevant")
                } else {
                    format!(
                        "{at}: no [target.terms]; an article is in scope and a unit relevant when it names one of: {}",
                        require_any.join(", ")
                    )
                });
                w
            } else {
                t.terms
            };
            let terms =
                compile_terms(weights, require_any).map_err(|m| err(format!("{at}: {m}")))?;
            targets.push(Target {
                name: t.name,
                description: t.description.trim().to_string(),
                terms,
            });
        }
        Ok(StanceConfig {
            targets,
            min_relevance: raw.min_relevance,
            units: raw.units,
            aggregate: raw.aggregate,
            warnings,
        })
    }

    /// Index of the target called `name`.
    pub fn target_index(&self, name: &str) -> Option<usize> {
        self.targets.iter().position(|t| t.name == name)
    }

    /// Relevance in `0..=1` of a stand-alone `text` to target `target_idx`: the scope gate is
    /// checked on `text` itself. An out-of-range index gives 0.
    pub fn relevance(&self, target_idx: usize, text: &str) -> f32 {
        match self.targets.get(target_idx) {
            Some(t) if t.terms.in_scope(text) => t.terms.score(text),
            _ => 0.0,
        }
    }

    /// Whether an article passes target `target_idx`'s scope gate (compute once per article).
    pub fn in_scope(&self, target_idx: usize, article_text: &str) -> bool {
        self.targets
            .get(target_idx)
            .is_some_and(|t| t.terms.in_scope(article_text))
    }

    /// Relevance of one unit of an article whose gate result is `article_in_scope`: a sentence
    /// about "the treaty" counts when its article names Armenia or Azerbaijan elsewhere.
    pub fn unit_relevance(
        &self,
        target_idx: usize,
        unit_text: &str,
        article_in_scope: bool,
    ) -> f32 {
        match self.targets.get(target_idx) {
            Some(t) if article_in_scope => t.terms.score(unit_text),
            _ => 0.0,
        }
    }
}

/// The relevance terms (and scope gate) of a target that lists none: its `require_any` terms, each
/// enough on its own (weight 1), plus the last word of each capitalised two- or three-word name,
/// since news names a person in full once and then by surname ("Donald Trump" … "Trump said"),
/// and some articles by surname only ("President Trump").
fn name_terms(require_any: &[String]) -> BTreeMap<String, f32> {
    let mut out = BTreeMap::new();
    let mut seen = HashSet::new();
    let mut add = |t: &str, out: &mut BTreeMap<String, f32>| {
        if !t.trim().is_empty() && seen.insert(normalise_term(t)) {
            out.insert(t.trim().to_string(), 1.0);
        }
    };
    for t in require_any {
        add(t, &mut out);
        let words: Vec<&str> = t.split_whitespace().collect();
        let is_name = (2..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if let Some(last) = words.last().filter(|w| is_name && w.chars().count() >= 3) {
            add(last, &mut out);
        }
    }
    out
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn compile_terms(
    weights: BTreeMap<String, f32>,
    require_any: Vec<String>,
) -> Result<Terms, String> {
    let mut seen = HashSet::new();
    let mut weighted = Vec::with_capacity(weights.len());
    for (text, weight) in weights {
        let text = text.trim().to_string();
        if !(weight.is_finite() && weight > 0.0 && weight <= 1.0) {
            return Err(format!(
                "term {text:?}: weight must be in (0, 1], got {weight}"
            ));
        }
        if !seen.insert(normalise_term(&text)) {
            return Err(format!(
                "term {text:?} is listed twice (terms are case-insensitive)"
            ));
        }
        weighted.push(Term { text, weight });
    }
    let require_any: Vec<String> = require_any
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    let patterns = weighted
        .iter()
        .map(|t| term_pattern(&t.text))
        .collect::<Result<Vec<_>, _>>()?;
    let gate_patterns = require_any
        .iter()
        .map(|t| term_pattern(t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Terms {
        set: build_set(&patterns)?,
        gate: build_set(&gate_patterns)?,
        weighted,
        require_any,
    })
}

fn build_set(patterns: &[String]) -> Result<Option<RegexSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    RegexSetBuilder::new(patterns)
        .case_insensitive(true)
        .build()
        .map(Some)
        .map_err(|e| format!("cannot compile terms: {e}"))
}

fn normalise_term(t: &str) -> String {
    t.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The regex of one term (see the module docs for the rules).
pub fn term_pattern(term: &str) -> Result<String, String> {
    let (body, wildcard) = match term.strip_suffix('*') {
        Some(b) => (b, true),
        None => (term, false),
    };
    let words: Vec<&str> = body
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let Some((last, init)) = words
        .split_last()
        .filter(|_| body.chars().any(char::is_alphanumeric))
    else {
        return Err(format!("term {term:?} has no letters or digits"));
    };
    let mut joined = init
        .iter()
        .map(|w| regex::escape(w) + r"[\s\-‐‑–]+")
        .collect::<String>();
    // A boundary is only meaningful next to a word character: "C++" or "U.S." must not demand one
    // after their punctuation.
    let starts_word = init
        .first()
        .unwrap_or(last)
        .chars()
        .next()
        .is_some_and(is_word_char);
    let ends_word = body.chars().next_back().is_some_and(is_word_char);
    let mut p = String::new();
    if starts_word {
        p.push_str(r"\b");
    }
    let lower = last.to_lowercase();
    match lower.strip_suffix('y') {
        Some(stem)
            if !wildcard
                && stem
                    .chars()
                    .next_back()
                    .is_some_and(|c| !"aeiou".contains(c)) =>
        {
            joined.push_str(&regex::escape(&last[..last.len() - 1]));
            joined.push_str("(?:ies|y)");
        }
        _ => joined.push_str(&regex::escape(last)),
    }
    p.push_str(&joined);
    if wildcard {
        p.push_str(r"\w*");
    } else if ends_word {
        // plural and possessive of the last word; "treaty" → "treaties" as well
        p.push_str("(?:s|es|'s|’s)?");
    }
    if ends_word || wildcard {
        p.push_str(r"\b");
    }
    // Validate early so that the error names the term, not the whole set.
    Regex::new(&p).map_err(|e| format!("term {term:?}: {e}"))?;
    Ok(p)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<StanceConfig> {
        StanceConfig::from_toml_str(text, Path::new("t.toml"))
    }

    #[test]
    fn bundled_default_parses() {
        let c = StanceConfig::default();
        assert_eq!(c.targets.len(), 1);
        assert_eq!(c.targets[0].name, "peace_process");
        assert!(c.units.quote && c.units.sentence);
    }

    #[test]
    fn term_matching_rules() {
        let c = cfg(r#"
            [[target]]
            name = "t"
            description = "d"
            [target.terms]
            "peace treaty" = 0.9
            "normali*" = 0.5
            "U.S." = 0.1
            "Armenia" = 0.2
        "#)
        .unwrap();
        let t = &c.targets[0].terms;
        let names = |s: &str| {
            t.matches(s)
                .into_iter()
                .map(|i| t.weighted[i].text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("the Peace-Treaty was"), ["peace treaty"]);
        assert_eq!(names("PEACE\n treaties"), ["peace treaty"]);
        assert_eq!(names("Armenia's border"), ["Armenia"]);
        assert!(names("Armenian troops").is_empty());
        assert_eq!(names("normalisation talks"), ["normali*"]);
        assert_eq!(names("the U.S. said"), ["U.S."]);
        assert!(names("peacetreaty").is_empty());
    }
}
