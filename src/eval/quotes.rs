//! Scoring quotes against PolNeAR attribution relations (source / cue / content spans).
//!
//! **Statements.** A PolNeAR relation is one statement, possibly in several pieces ("“A,” he
//! said, “B.”" is one content of two spans). newsmine writes one row per piece, so predicted rows
//! that share a cue span form one predicted statement (their spans united); rows without a cue
//! stand alone.
//!
//! **Normalising.** Before comparing, every span is trimmed of white space, quotation marks and
//! the punctuation `. , ; : — –` at both ends (PolNeAR keeps the marks and trailing commas of a
//! quotation, newsmine gives its text inside the marks); gold and predicted alike.
//!
//! **Overlap** of a predicted and a gold statement, each a set of chars:
//! `overlap = |pred ∩ gold| / max(|pred|, |gold|)`, so both a too-short and a too-long
//! prediction lose. Pairs with `overlap ≥ t` are matched one-to-one, greedily by decreasing
//! overlap (ties: text order). Scores are given at `t = 0.3` (the Gender Gap Tracker's
//! threshold), `t = 0.8`, and **exact** (equal normalised char sets).
//!
//! **Direct / indirect.** A statement is *direct* when its text (trimmed of white space) starts
//! or ends with a quotation mark or at least half of its chars lie inside quotation marks;
//! otherwise *indirect*. The same test classifies gold content and predicted statements, so a
//! mixed quote counts where its text puts it. Per class, precision counts the predictions of that
//! class and recall the gold statements of that class (a match may cross classes).
//!
//! **Cue classes.** A predicted statement has its cue's class (`no_cue` without a cue); a gold
//! relation the class of the first lexicon cue in its cue text in the lexicon's role order (verb,
//! quoting, prep, belief, intent, object), `speech` for a colon or dash, `not_in_lexicon` when its
//! cue has no lexicon word, `no_cue` when it has no cue. Per class, as for direct / indirect,
//! precision counts that class's predictions and recall that class's gold relations.
//!
//! **Speaker accuracy**, on the statements matched at overlap 0.3 whose gold relation has a
//! source: correct when the predicted speaker span overlaps a gold source span, or when the
//! predicted canonical speaker names it (shares a capitalised word of three letters or more with
//! the gold source text: "he" → "Donald Trump" is not checkable and counts as wrong unless the
//! spans overlap).
use crate::corpus::Article;
use crate::eval::metrics::Prf;
use crate::quotes::lexicon::Lexicon;
use crate::quotes::marks;
use crate::quotes::{CueClass, Quote};
use crate::text::Span;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// One gold attribution relation. Spans are char offsets into the article text, end exclusive.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldQuote {
    pub content: Vec<Span>,
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    /// content starts or ends with a quotation mark or is mostly inside quotation marks
    pub direct: bool,
    /// the class of the cue (see the module docs): a cue class, `not_in_lexicon` or `no_cue`
    pub cue_class: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoldArticle {
    pub article: Article,
    pub quotes: Vec<GoldQuote>,
}

#[derive(Deserialize)]
struct RawArticle {
    id: String,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    title: Option<String>,
    text: String,
    #[serde(default)]
    attributions: Option<Vec<RawRelation>>,
}

#[derive(Deserialize)]
struct RawRelation {
    #[serde(default)]
    source: Option<Vec<RawPart>>,
    #[serde(default)]
    cue: Option<Vec<RawPart>>,
    #[serde(default)]
    content: Option<Vec<RawPart>>,
}

#[derive(Deserialize)]
struct RawPart {
    #[serde(default)]
    spans: Vec<(usize, usize)>,
    #[serde(default)]
    text: Option<String>,
}

/// Reads PolNeAR JSONL (one article a line; `text` includes the title as its first paragraph).
/// Spans are char offsets; a part whose char slice does not give its text but whose byte slice
/// does is converted from bytes. Relations without content are left out.
pub fn load_polnear(path: &Path) -> crate::Result<Vec<GoldArticle>> {
    let data = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
    let mut out = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawArticle = serde_json::from_str(line).map_err(|e| crate::Error::Data {
            path: path.to_path_buf(),
            msg: format!("line {}: {e}", n + 1),
        })?;
        let chars = crate::text::CharIndex::new(&raw.text);
        let convert = |parts: &Option<Vec<RawPart>>| -> Vec<Span> {
            let mut spans = Vec::new();
            for part in parts.iter().flatten() {
                spans.extend(part_spans(&raw.text, &chars, part));
            }
            spans.sort();
            spans
        };
        let mut quotes = Vec::new();
        for rel in raw.attributions.iter().flatten() {
            let content = convert(&rel.content);
            if content.is_empty() {
                continue;
            }
            let text: Vec<&str> = content.iter().map(|&s| chars.slice(&raw.text, s)).collect();
            let cue = convert(&rel.cue);
            let cue_text: Vec<&str> = cue.iter().map(|&s| chars.slice(&raw.text, s)).collect();
            quotes.push(GoldQuote {
                direct: marks::is_direct(&text.join(" ")),
                cue_class: gold_cue_class(&cue_text),
                content,
                source: convert(&rel.source),
                cue,
            });
        }
        let article = Article {
            index: out.len() as u64,
            id: raw.id,
            outlet: raw.publisher.unwrap_or_default(),
            published: raw.date.unwrap_or_default(),
            title: raw.title.unwrap_or_default(),
            source: format!("{}:{}", path.display(), n + 1),
            text: raw.text,
            ..Article::default()
        };
        out.push(GoldArticle { article, quotes });
    }
    Ok(out)
}

/// The class of a gold cue (its text pieces), by the built-in lexicon (see the module docs).
pub fn gold_cue_class(pieces: &[&str]) -> String {
    let joined = pieces.join(" ");
    if joined.trim().is_empty() {
        return NO_CUE.into();
    }
    match Lexicon::builtin()
        .ok()
        .and_then(|lex| lex.class_of_cue_text(&joined))
    {
        Some(c) => c.as_str().into(),
        None => NOT_IN_LEXICON.into(),
    }
}

/// Class of a statement without a cue.
pub const NO_CUE: &str = "no_cue";
/// Class of a gold cue with no lexicon word.
pub const NOT_IN_LEXICON: &str = "not_in_lexicon";

/// A part's spans as char spans (from byte offsets where only those give the part's text).
fn part_spans(text: &str, chars: &crate::text::CharIndex, part: &RawPart) -> Vec<Span> {
    let n = chars.len();
    let as_chars: Vec<Span> = part
        .spans
        .iter()
        .map(|&(a, b)| Span::new(a.min(n), b.min(n).max(a.min(n))))
        .collect();
    let Some(expected) = part.text.as_deref() else {
        return as_chars;
    };
    let joined = |spans: &[Span]| {
        spans
            .iter()
            .map(|&s| chars.slice(text, s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if joined(&as_chars) == expected {
        return as_chars;
    }
    let as_bytes: Option<Vec<Span>> = part
        .spans
        .iter()
        .map(|&(a, b)| {
            (b <= text.len() && a <= b && text.is_char_boundary(a) && text.is_char_boundary(b))
                .then(|| Span::new(chars.char_of_byte(a), chars.char_of_byte(b)))
        })
        .collect();
    match as_bytes {
        Some(spans) if joined(&spans) == expected => spans,
        _ => as_chars,
    }
}

/// Scores at one matching criterion. A match may pair statements of different classes, so within
/// a class the predicted and the gold statements matched may differ in number: each side has its
/// own counts, precision comes from the predicted side and recall from the gold side. Serialised
/// as `matched_gold`, `matched_pred`, `precision`, `recall`, `f1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MatchScore {
    /// the predicted statements: `tp` matched, `fp` not
    pub predicted: Prf,
    /// the gold statements: `tp` matched, `fn_` not
    pub gold: Prf,
}

impl MatchScore {
    pub fn precision(&self) -> f64 {
        self.predicted.precision()
    }
    pub fn recall(&self) -> f64 {
        self.gold.recall()
    }
    pub fn f1(&self) -> f64 {
        crate::eval::metrics::f1(self.precision(), self.recall())
    }
}

impl Serialize for MatchScore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("MatchScore", 5)?;
        st.serialize_field("matched_gold", &self.gold.tp)?;
        st.serialize_field("matched_pred", &self.predicted.tp)?;
        st.serialize_field("precision", &self.precision())?;
        st.serialize_field("recall", &self.recall())?;
        st.serialize_field("f1", &self.f1())?;
        st.end()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SpeakerScore {
    /// matched statements (overlap ≥ 0.3) whose gold relation has a source
    pub evaluated: usize,
    pub correct: usize,
    pub accuracy: f64,
}

/// Scores of one class of statements (all, direct or indirect).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuoteScores {
    pub gold: usize,
    pub predicted: usize,
    pub overlap_0_3: MatchScore,
    pub overlap_0_8: MatchScore,
    pub exact: MatchScore,
    pub speaker: SpeakerScore,
}

/// Scores of the statements of one cue class.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClassScores {
    pub gold: usize,
    pub predicted: usize,
    pub overlap_0_3: MatchScore,
    pub overlap_0_8: MatchScore,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuoteReport {
    pub articles: usize,
    pub all: QuoteScores,
    pub direct: QuoteScores,
    pub indirect: QuoteScores,
    /// by cue class (see the module docs)
    pub by_cue_class: BTreeMap<String, ClassScores>,
}

/// A statement reduced to what is compared.
struct Unit {
    /// normalised spans, sorted and disjoint
    chars: Vec<Span>,
    direct: bool,
}

struct Predicted {
    unit: Unit,
    speaker: Option<Span>,
    canonical: Option<String>,
    cue_class: String,
}

/// Per-class tallies: gold, predicted, and matched gold / predicted at overlap 0.3 and 0.8.
#[derive(Default)]
struct ClassCounts {
    gold: usize,
    predicted: usize,
    matched_gold: [usize; 2],
    matched_pred: [usize; 2],
}

/// Scores predicted quotes (`predicted[i]` for `gold[i]`; missing entries count as none).
pub fn score(gold: &[GoldArticle], predicted: &[Vec<Quote>]) -> QuoteReport {
    let mut counts = [Counts::default(), Counts::default(), Counts::default()];
    let mut by_class: BTreeMap<String, ClassCounts> = BTreeMap::new();
    for (i, g) in gold.iter().enumerate() {
        let text = &g.article.text;
        let chars: Vec<char> = text.chars().collect();
        let golds: Vec<(Unit, &GoldQuote)> = g
            .quotes
            .iter()
            .map(|q| {
                (
                    Unit {
                        chars: normalise(&chars, &q.content),
                        direct: q.direct,
                    },
                    q,
                )
            })
            .filter(|(u, _)| !u.chars.is_empty())
            .collect();
        let preds = statements(&chars, predicted.get(i).map(Vec::as_slice).unwrap_or(&[]));
        for (_, q) in &golds {
            by_class.entry(q.cue_class.clone()).or_default().gold += 1;
        }
        for p in &preds {
            by_class.entry(p.cue_class.clone()).or_default().predicted += 1;
        }
        for (k, c) in counts.iter_mut().enumerate() {
            let keep = |direct: bool| k == 0 || (k == 1) == direct;
            c.gold += golds.iter().filter(|(u, _)| keep(u.direct)).count();
            c.predicted += preds.iter().filter(|p| keep(p.unit.direct)).count();
        }
        for (t, threshold) in [Some(0.3), Some(0.8), None].into_iter().enumerate() {
            for (gi, pi) in matching(&golds, &preds, threshold) {
                let (gu, gq) = &golds[gi];
                let p = &preds[pi];
                if t < 2 {
                    by_class
                        .entry(gq.cue_class.clone())
                        .or_default()
                        .matched_gold[t] += 1;
                    by_class
                        .entry(p.cue_class.clone())
                        .or_default()
                        .matched_pred[t] += 1;
                }
                for (k, c) in counts.iter_mut().enumerate() {
                    let keep = |direct: bool| k == 0 || (k == 1) == direct;
                    c.matched_gold[t] += keep(gu.direct) as usize;
                    c.matched_pred[t] += keep(p.unit.direct) as usize;
                    if t == 0 && keep(gu.direct) && !gq.source.is_empty() {
                        c.speaker_evaluated += 1;
                        c.speaker_correct += speaker_correct(text, gq, p) as usize;
                    }
                }
            }
        }
    }
    let [all, direct, indirect] = counts.map(|c| c.scores());
    let by_cue_class = by_class
        .into_iter()
        .map(|(name, c)| {
            let prf = |t: usize| MatchScore {
                predicted: Prf::new(c.matched_pred[t], c.predicted - c.matched_pred[t], 0),
                gold: Prf::new(c.matched_gold[t], 0, c.gold - c.matched_gold[t]),
            };
            let scores = ClassScores {
                gold: c.gold,
                predicted: c.predicted,
                overlap_0_3: prf(0),
                overlap_0_8: prf(1),
            };
            (name, scores)
        })
        .collect();
    QuoteReport {
        articles: gold.len(),
        all,
        direct,
        indirect,
        by_cue_class,
    }
}

#[derive(Default)]
struct Counts {
    gold: usize,
    predicted: usize,
    matched_gold: [usize; 3],
    matched_pred: [usize; 3],
    speaker_evaluated: usize,
    speaker_correct: usize,
}

impl Counts {
    fn scores(&self) -> QuoteScores {
        let prf = |t: usize| MatchScore {
            predicted: Prf::new(
                self.matched_pred[t],
                self.predicted - self.matched_pred[t],
                0,
            ),
            gold: Prf::new(self.matched_gold[t], 0, self.gold - self.matched_gold[t]),
        };
        QuoteScores {
            gold: self.gold,
            predicted: self.predicted,
            overlap_0_3: prf(0),
            overlap_0_8: prf(1),
            exact: prf(2),
            speaker: SpeakerScore {
                evaluated: self.speaker_evaluated,
                correct: self.speaker_correct,
                accuracy: ratio(self.speaker_correct, self.speaker_evaluated),
            },
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Predicted rows grouped into statements by their cue span ([`crate::doc::statements`]), in
/// the order of their cue spans, cueless rows last.
fn statements(chars: &[char], quotes: &[Quote]) -> Vec<Predicted> {
    let mut groups = crate::doc::statements(quotes);
    groups.sort_by_key(|g| match &quotes[g[0]].cue {
        Some((_, c)) => (c.start, c.end, usize::MAX),
        None => (usize::MAX, usize::MAX, g[0]),
    });
    groups
        .iter()
        .map(|g| predicted(chars, &g.iter().map(|&k| &quotes[k]).collect::<Vec<_>>()))
        .filter(|p| !p.unit.chars.is_empty())
        .collect()
}

/// One predicted statement out of its rows.
fn predicted(chars: &[char], qs: &[&Quote]) -> Predicted {
    let spans: Vec<Span> = qs.iter().map(|q| q.span).collect();
    let text: Vec<String> = spans.iter().map(|s| slice(chars, *s)).collect();
    Predicted {
        unit: Unit {
            chars: normalise(chars, &spans),
            direct: marks::is_direct(&text.join(" ")) || is_quoted(chars, &spans),
        },
        speaker: qs[0].speaker.as_ref().map(|s| s.1),
        canonical: qs[0].speaker_canonical.clone(),
        cue_class: qs[0]
            .cue_class
            .map_or_else(|| NO_CUE.to_string(), |c| c.as_str().to_string()),
    }
}

/// For each statement of `groups` (rows of `quotes`), whether it is a gold attribution of the
/// article: overlap ≥ `threshold` with some gold content (not one-to-one: the quote model's
/// training label, and the "right" of its reliability table).
pub fn statement_is_gold(
    gold: &GoldArticle,
    quotes: &[Quote],
    groups: &[Vec<usize>],
    threshold: f64,
) -> Vec<bool> {
    let chars: Vec<char> = gold.article.text.chars().collect();
    let golds: Vec<Vec<Span>> = gold
        .quotes
        .iter()
        .map(|q| normalise(&chars, &q.content))
        .filter(|c| !c.is_empty())
        .collect();
    groups
        .iter()
        .map(|g| {
            let p = predicted(&chars, &g.iter().map(|&k| &quotes[k]).collect::<Vec<_>>());
            !p.unit.chars.is_empty()
                && golds
                    .iter()
                    .any(|gc| overlap(gc, &p.unit.chars) >= threshold)
        })
        .collect()
}

/// The spans lie between quotation marks in the text (newsmine's direct quotes exclude them).
fn is_quoted(chars: &[char], spans: &[Span]) -> bool {
    spans.iter().all(|s| {
        let before = chars[..s.start.min(chars.len())]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace());
        let after = chars
            .get(s.end..)
            .and_then(|r| r.iter().find(|c| !c.is_whitespace()));
        before.is_some_and(|&c| marks::is_mark_char(c))
            && after.is_some_and(|&c| marks::is_mark_char(c))
    })
}

fn slice(chars: &[char], s: Span) -> String {
    let end = s.end.min(chars.len());
    chars[s.start.min(end)..end].iter().collect()
}

/// Spans trimmed of white space, quotation marks and edge punctuation, sorted and merged.
fn normalise(chars: &[char], spans: &[Span]) -> Vec<Span> {
    let trim = |c: char| {
        c.is_whitespace()
            || marks::is_mark_char(c)
            || matches!(c, '.' | ',' | ';' | ':' | '—' | '–')
    };
    let mut out: Vec<Span> = spans
        .iter()
        .filter_map(|s| {
            let mut a = s.start.min(chars.len());
            let mut b = s.end.min(chars.len());
            while a < b && trim(chars[a]) {
                a += 1;
            }
            while b > a && trim(chars[b - 1]) {
                b -= 1;
            }
            (a < b).then(|| Span::new(a, b))
        })
        .collect();
    out.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(out.len());
    for s in out {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

fn size(spans: &[Span]) -> usize {
    spans.iter().map(Span::len).sum()
}

fn intersection(a: &[Span], b: &[Span]) -> usize {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| x.overlap(y)))
        .sum()
}

/// The overlap measure of the module docs.
fn overlap(a: &[Span], b: &[Span]) -> f64 {
    ratio(intersection(a, b), size(a).max(size(b)))
}

/// One-to-one greedy matching at `threshold` (`None`: exact), as (gold, predicted) indexes.
fn matching(
    golds: &[(Unit, &GoldQuote)],
    preds: &[Predicted],
    threshold: Option<f64>,
) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (gi, (g, _)) in golds.iter().enumerate() {
        for (pi, p) in preds.iter().enumerate() {
            let ov = match threshold {
                Some(_) => overlap(&g.chars, &p.unit.chars),
                None => f64::from(u8::from(g.chars == p.unit.chars)),
            };
            if ov > 0.0 && ov >= threshold.unwrap_or(1.0) {
                pairs.push((ov, gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gold_used = vec![false; golds.len()];
    let mut pred_used = vec![false; preds.len()];
    let mut out = Vec::new();
    for (_, gi, pi) in pairs {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
            out.push((gi, pi));
        }
    }
    out
}

/// Words that name nobody.
const NAMELESS: [&str; 12] = [
    "the", "and", "his", "her", "its", "their", "this", "that", "our", "new", "mr.", "mrs.",
];

fn speaker_correct(text: &str, gold: &GoldQuote, p: &Predicted) -> bool {
    if let Some(s) = p.speaker {
        if gold.source.iter().any(|g| g.overlaps(&s)) {
            return true;
        }
    }
    let Some(canonical) = &p.canonical else {
        return false;
    };
    let canon: Vec<String> = canonical.split_whitespace().map(word_key).collect();
    let index = crate::text::CharIndex::new(text);
    gold.source.iter().any(|&s| {
        index.slice(text, s).split_whitespace().any(|w| {
            let k = word_key(w);
            w.chars().next().is_some_and(char::is_uppercase)
                && k.chars().count() >= 3
                && !NAMELESS.contains(&k.as_str())
                && canon.contains(&k)
        })
    })
}

/// A word for comparing names: lower case, possessive and edge punctuation dropped.
fn word_key(w: &str) -> String {
    let w = w
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(&w);
    w.to_string()
}

impl fmt::Display for QuoteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "quotes: {} articles (overlap = |pred ∩ gold| / max(|pred|, |gold|), one-to-one)",
            self.articles
        )?;
        writeln!(
            f,
            "{:<9} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>8}",
            "class",
            "gold",
            "pred",
            "P@.3",
            "R@.3",
            "F1@.3",
            "P@.8",
            "R@.8",
            "F1@.8",
            "P=",
            "R=",
            "F1=",
            "speaker"
        )?;
        for (name, s) in [
            ("all", &self.all),
            ("direct", &self.direct),
            ("indirect", &self.indirect),
        ] {
            let p = |x: f64| format!("{:.1}", 100.0 * x);
            writeln!(
                f,
                "{:<9} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>7}%",
                name,
                s.gold,
                s.predicted,
                p(s.overlap_0_3.precision()),
                p(s.overlap_0_3.recall()),
                p(s.overlap_0_3.f1()),
                p(s.overlap_0_8.precision()),
                p(s.overlap_0_8.recall()),
                p(s.overlap_0_8.f1()),
                p(s.exact.precision()),
                p(s.exact.recall()),
                p(s.exact.f1()),
                p(s.speaker.accuracy),
            )?;
        }
        writeln!(
            f,
            "speaker accuracy on {} matched statements with a gold source (direct {}, indirect {})",
            self.all.speaker.evaluated,
            self.direct.speaker.evaluated,
            self.indirect.speaker.evaluated
        )?;
        writeln!(
            f,
            "by cue class (gold: the class of the gold cue's lexicon word; a match may cross classes)"
        )?;
        writeln!(
            f,
            "{:<15} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "cue class", "gold", "pred", "P@.3", "R@.3", "F1@.3", "P@.8", "R@.8", "F1@.8"
        )?;
        let p = |x: f64| format!("{:.1}", 100.0 * x);
        let order = |name: &str| {
            CueClass::parse(name)
                .map(|c| c as usize)
                .unwrap_or(if name == NO_CUE { 10 } else { 11 })
        };
        let mut rows: Vec<(&String, &ClassScores)> = self.by_cue_class.iter().collect();
        rows.sort_by_key(|(name, _)| order(name));
        for (k, (name, s)) in rows.iter().enumerate() {
            let row = format!(
                "{:<15} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
                name,
                s.gold,
                s.predicted,
                p(s.overlap_0_3.precision()),
                p(s.overlap_0_3.recall()),
                p(s.overlap_0_3.f1()),
                p(s.overlap_0_8.precision()),
                p(s.overlap_0_8.recall()),
                p(s.overlap_0_8.f1()),
            );
            if k + 1 < rows.len() {
                writeln!(f, "{row}")?;
            } else {
                write!(f, "{row}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::QuoteKind;

    fn quote(text: &str, span: Span, cue: Option<Span>, speaker: Option<Span>) -> Quote {
        let chars: Vec<char> = text.chars().collect();
        Quote {
            id: 0,
            kind: QuoteKind::Direct,
            span,
            text: slice(&chars, span),
            cue: cue.map(|c| (slice(&chars, c), c)),
            cue_class: cue.map(|_| CueClass::Speech),
            speaker: speaker.map(|s| (slice(&chars, s), s)),
            speaker_canonical: None,
            speaker_label: None,
            reason: None,
            paragraph: 0,
            sentence: 0,
            confidence: None,
        }
    }

    #[test]
    fn direct_test() {
        assert!(marks::is_direct("“We were there,”"));
        assert!(marks::is_direct(
            "Trump represents the “same rigged system.”"
        ));
        assert!(!marks::is_direct("the candidate was headed to the venue"));
        assert!(marks::is_direct(
            "he said “this is a long quoted part of it” ok"
        ));
    }

    #[test]
    fn scoring_groups_pieces_and_matches_one_to_one() {
        let text = "“We were there,” Flynn said. “I mean it.” Other words here.";
        let gold = GoldArticle {
            article: Article {
                text: text.into(),
                ..Article::default()
            },
            quotes: vec![GoldQuote {
                content: vec![Span::new(0, 16), Span::new(29, 41)],
                source: vec![Span::new(17, 22)],
                cue: vec![Span::new(23, 27)],
                direct: true,
                cue_class: "speech".into(),
            }],
        };
        let cue = Some(Span::new(23, 27));
        let pred = vec![
            quote(text, Span::new(1, 15), cue, Some(Span::new(17, 22))),
            quote(text, Span::new(30, 40), cue, Some(Span::new(17, 22))),
            quote(text, Span::new(42, 59), None, None),
        ];
        let r = score(&[gold], &[pred]);
        assert_eq!((r.all.gold, r.all.predicted), (1, 2));
        assert_eq!(r.all.exact.gold.tp, 1);
        assert_eq!(r.all.overlap_0_3.precision(), 0.5);
        let json = serde_json::to_value(r.all.overlap_0_3).unwrap();
        assert_eq!(json["matched_pred"], 1);
        assert_eq!(json["precision"], 0.5);
        assert_eq!(r.all.speaker.correct, 1);
        assert_eq!(r.direct.gold, 1);
        assert_eq!(r.indirect.predicted, 1);
        assert!(r.to_string().contains("direct"));
        let speech = &r.by_cue_class["speech"];
        assert_eq!((speech.gold, speech.predicted), (1, 1));
        assert_eq!(speech.overlap_0_3.gold.tp, 1);
        assert_eq!(r.by_cue_class[NO_CUE].predicted, 1);
    }

    #[test]
    fn gold_cues_get_the_lexicon_class() {
        assert_eq!(gold_cue_class(&["said"]), "speech");
        assert_eq!(gold_cue_class(&["According", "to"]), "according_to");
        assert_eq!(gold_cue_class(&["believes"]), "belief");
        assert_eq!(gold_cue_class(&["wants"]), "intention");
        assert_eq!(gold_cue_class(&["tweeted"]), "written");
        assert_eq!(gold_cue_class(&[":"]), "speech");
        assert_eq!(gold_cue_class(&["supported"]), NOT_IN_LEXICON);
        assert_eq!(gold_cue_class(&[]), NO_CUE);
    }

    #[test]
    fn overlap_is_symmetric_on_the_longer_side() {
        assert_eq!(overlap(&[Span::new(0, 10)], &[Span::new(0, 5)]), 0.5);
        assert_eq!(overlap(&[Span::new(0, 10)], &[Span::new(20, 25)]), 0.0);
    }
}
