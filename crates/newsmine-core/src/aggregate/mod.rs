//! From unit stances to article, speaker and outlet stances. Pure arithmetic and the small
//! learned article model ([`article`]); no libtorch, depends on `doc` only.
//!
//! # Article stance
//!
//! 1. **Relevant units** are the units of the target with `relevance ≥ min_relevance`, a stance
//!    other than `not_relevant` and finite probabilities. No relevant unit → `not_relevant`.
//! 2. **No words twice**: the article's own text (sentences, else paragraphs) and the statements
//!    it reports (quotes) both count, but a sentence or paragraph that contains a relevant quote
//!    is represented by that quote alone: the statement is what the sentence conveys, and its
//!    words are not counted twice. Paragraphs are used only when no sentence is relevant.
//! 3. **Weights**: `w = relevance × confidence`, with `confidence = max(p_favor, p_against,
//!    p_neutral)`. Units that are on topic *and* read clearly by the model count most; a hedged,
//!    barely relevant sentence counts least. (If every weight is 0 the units count equally.)
//! 4. **Probabilities**: the weighted mean of the units' probabilities, renormalised to sum to 1.
//! 5. **Label** (the *margin rule*): the arg-max class, except that `favor` or `against` must beat
//!    the runner-up class by at least `margin` (default 0.10); otherwise `neutral`. An article
//!    that is evenly split between favor and against, or only slightly tilted away from neutral,
//!    is reported as neutral rather than as a coin flip.
//!
//! The **score** of a unit, article or speaker is `p_favor − p_against` in `-1..=1`.
//!
//! # Speakers and outlets
//!
//! Both are computed from rows that can be read back from CSV files ([`ArticleStanceRow`],
//! [`QuoteStanceRow`]), so shard outputs can be concatenated and aggregated afterwards; results do
//! not depend on row order (groups are sorted, bootstrap samples are drawn from sorted scores with a
//! seed derived from the group's key).
use crate::doc::Analysis;
pub mod article;

use crate::doc::{ArticleStance, Probs, StanceLabel, UnitKind, UnitStance};
use article::{evidence, ArticleModel};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Confidence level of the outlet intervals.
pub const CI_LEVEL: f64 = 0.95;

/// Settings of the aggregation (`[aggregate]` in the targets file).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AggregateParams {
    /// how much favor/against must beat the runner-up class by (margin rule)
    pub margin: f32,
    /// bootstrap resamples for the outlet interval
    pub bootstrap_resamples: usize,
    /// base seed of the bootstrap (each outlet × target group derives its own from it)
    pub seed: u64,
}

impl Default for AggregateParams {
    fn default() -> Self {
        AggregateParams {
            margin: 0.10,
            bootstrap_resamples: 1000,
            seed: 20251127,
        }
    }
}

impl AggregateParams {
    /// Checks ranges; the message names the bad key.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(0.0..=1.0).contains(&self.margin) {
            return Err(format!(
                "aggregate.margin must be in 0..=1, got {}",
                self.margin
            ));
        }
        if !(1..=1_000_000).contains(&self.bootstrap_resamples) {
            return Err(format!(
                "aggregate.bootstrap_resamples must be in 1..=1000000, got {}",
                self.bootstrap_resamples
            ));
        }
        Ok(())
    }
}

/// How a run aggregates: the stance config's `min_relevance` and its `[aggregate]` table, as
/// run.json records them (`merge` recomputes outlets and speakers with exactly these). The JSON
/// is the 2-element array `[min_relevance, {params}]` that run.json has always held.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "(f32, AggregateParams)", into = "(f32, AggregateParams)")]
pub struct AggregateSettings {
    /// the relevance a unit needs to count (the stance config's `min_relevance`)
    pub min_relevance: f32,
    pub params: AggregateParams,
}

impl From<(f32, AggregateParams)> for AggregateSettings {
    fn from((min_relevance, params): (f32, AggregateParams)) -> Self {
        AggregateSettings {
            min_relevance,
            params,
        }
    }
}

impl From<AggregateSettings> for (f32, AggregateParams) {
    fn from(s: AggregateSettings) -> Self {
        (s.min_relevance, s.params)
    }
}

// ---------------------------------------------------------------------------------------------
// Units → article

/// `p_favor − p_against`.
pub fn score(p: &Probs) -> f32 {
    p.favor - p.against
}

/// How sure the model is: the largest class probability.
pub fn confidence(p: &Probs) -> f32 {
    p.favor.max(p.against).max(p.neutral)
}

fn finite(p: &Probs) -> bool {
    p.favor.is_finite() && p.against.is_finite() && p.neutral.is_finite()
}

/// The margin rule (see the module docs).
pub fn decide(p: &Probs, margin: f32) -> StanceLabel {
    let mut classes = [
        (p.favor, StanceLabel::Favor),
        (p.against, StanceLabel::Against),
        (p.neutral, StanceLabel::Neutral),
    ];
    // Stable sort, descending: on exact ties favor/against come before neutral, and the margin
    // check below then sends them to neutral.
    classes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (top, label) = classes[0];
    match label {
        StanceLabel::Favor | StanceLabel::Against if top - classes[1].0 >= margin && top > 0.0 => {
            label
        }
        _ => StanceLabel::Neutral,
    }
}

/// Weighted mean of `(probs, relevance)` pairs with `w = relevance × confidence`, renormalised to
/// sum to 1. `None` when there are no pairs with finite values.
pub fn combine<I: IntoIterator<Item = (Probs, f32)>>(units: I) -> Option<Probs> {
    let units: Vec<(Probs, f32)> = units
        .into_iter()
        .filter(|(p, r)| finite(p) && r.is_finite() && *r >= 0.0)
        .collect();
    if units.is_empty() {
        return None;
    }
    let weights: Vec<f64> = units
        .iter()
        .map(|(p, r)| f64::from(*r) * f64::from(confidence(p).max(0.0)))
        .collect();
    // Inputs are finite and weights non-negative, so `total` and `sum` below are finite and ≥ 0.
    let total: f64 = weights.iter().sum();
    let equal = total <= 0.0;
    let (mut f, mut a, mut n) = (0.0f64, 0.0f64, 0.0f64);
    for ((p, _), w) in units.iter().zip(&weights) {
        let w = if equal { 1.0 } else { *w };
        f += w * f64::from(p.favor.max(0.0));
        a += w * f64::from(p.against.max(0.0));
        n += w * f64::from(p.neutral.max(0.0));
    }
    let sum = f + a + n;
    if sum <= 0.0 {
        // All-zero probabilities carry no information: call it neutral.
        return Some(Probs {
            favor: 0.0,
            against: 0.0,
            neutral: 1.0,
        });
    }
    Some(Probs {
        favor: (f / sum) as f32,
        against: (a / sum) as f32,
        neutral: (n / sum) as f32,
    })
}

/// Whether a unit counts toward aggregates.
pub fn is_relevant(u: &UnitStance, min_relevance: f32) -> bool {
    u.stance != StanceLabel::NotRelevant
        && u.relevance.is_finite()
        && u.relevance >= min_relevance
        && u.relevance > 0.0
        && finite(&u.probs)
}

/// The stance of an article toward `target` from its unit stances (any targets; others are
/// ignored). See the module docs for the rule.
pub fn article_stance(
    target: &str,
    units: &[UnitStance],
    min_relevance: f32,
    params: &AggregateParams,
) -> ArticleStance {
    article_stance_with(target, units, min_relevance, params, None)
}

/// [`article_stance`], decided by the learned article model when one is given (see
/// `newsmine::stance::article`, in the model crate); the margin rule stays the fallback.
pub fn article_stance_with(
    target: &str,
    units: &[UnitStance],
    min_relevance: f32,
    params: &AggregateParams,
    model: Option<&ArticleModel>,
) -> ArticleStance {
    let mut a = margin_rule_stance(target, units, min_relevance, params);
    let mine: Vec<&UnitStance> = units.iter().filter(|u| u.target == target).collect();
    if let Some(ev) = evidence(&mine, min_relevance) {
        a.voice_score = ev.voice_score;
        if let Some(m) = model {
            a.probs = m.predict(&ev.features);
            a.stance = a.probs.label();
            a.learned = true;
        }
    }
    a
}

/// The units an article aggregate counts, in the order of `relevant`: its quotes, and the
/// author's voice — sentences (else paragraphs) holding no relevant quote. A sentence with a quote
/// in it is represented by the quote, so no words count twice.
pub fn chosen_units<'a>(relevant: &[&'a UnitStance]) -> Vec<&'a UnitStance> {
    let text_kind = [UnitKind::Sentence, UnitKind::Paragraph]
        .into_iter()
        .find(|k| relevant.iter().any(|u| u.unit == *k));
    let is_quote = |u: &UnitStance| u.unit == UnitKind::Quote;
    relevant
        .iter()
        .copied()
        .filter(|u| {
            is_quote(u)
                || (Some(u.unit) == text_kind
                    && !relevant
                        .iter()
                        .any(|q| is_quote(q) && q.span.overlaps(&u.span)))
        })
        .collect()
}

fn margin_rule_stance(
    target: &str,
    units: &[UnitStance],
    min_relevance: f32,
    params: &AggregateParams,
) -> ArticleStance {
    let relevant: Vec<&UnitStance> = units
        .iter()
        .filter(|u| u.target == target && is_relevant(u, min_relevance))
        .collect();
    let chosen = chosen_units(&relevant);
    match combine(chosen.iter().map(|u| (u.probs, u.relevance))) {
        Some(probs) => ArticleStance {
            target: target.to_string(),
            stance: decide(&probs, params.margin),
            probs,
            relevant_units: chosen.len(),
            voice_score: None,
            learned: false,
        },
        None => ArticleStance {
            target: target.to_string(),
            stance: StanceLabel::NotRelevant,
            probs: Probs::default(),
            relevant_units: 0,
            voice_score: None,
            learned: false,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Rows that survive a round trip through CSV

/// Parses a label as written by `StanceLabel`'s serialisation (case-insensitive).
pub fn parse_label(s: &str) -> Option<StanceLabel> {
    match s.trim().to_ascii_lowercase().as_str() {
        "favor" => Some(StanceLabel::Favor),
        "against" => Some(StanceLabel::Against),
        "neutral" => Some(StanceLabel::Neutral),
        "not_relevant" => Some(StanceLabel::NotRelevant),
        _ => None,
    }
}

fn de_label<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<StanceLabel, D::Error> {
    let s = String::deserialize(d)?;
    parse_label(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown stance {s:?} (expected favor, against, neutral or not_relevant)"
        ))
    })
}

/// One article's stance toward one target: the input of the outlet aggregate. Every article gets
/// one row per target, `not_relevant` ones included (they count in `articles`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleStanceRow {
    pub article_id: String,
    pub outlet: String,
    pub target: String,
    #[serde(deserialize_with = "de_label")]
    pub stance: StanceLabel,
    pub relevant_units: usize,
    /// empty for `not_relevant`
    pub p_favor: Option<f32>,
    pub p_against: Option<f32>,
    pub p_neutral: Option<f32>,
    /// `p_favor − p_against`; empty for `not_relevant`
    pub score: Option<f32>,
    /// the same score over the author's own sentences only; empty when none is relevant
    #[serde(default)]
    pub voice_score: Option<f32>,
}

impl ArticleStanceRow {
    pub fn new(article_id: &str, outlet: &str, a: &ArticleStance) -> Self {
        let relevant = a.stance != StanceLabel::NotRelevant;
        let some = |v: f32| (relevant && v.is_finite()).then_some(v);
        ArticleStanceRow {
            article_id: article_id.to_string(),
            outlet: outlet.to_string(),
            target: a.target.clone(),
            stance: a.stance,
            relevant_units: a.relevant_units,
            p_favor: some(a.probs.favor),
            p_against: some(a.probs.against),
            p_neutral: some(a.probs.neutral),
            score: some(score(&a.probs)),
            voice_score: a.voice_score.and_then(some),
        }
    }
}

/// One quote's stance toward one target with its speaker: the input of the speaker aggregate.
/// It joins a quote unit of `stance.csv` with the quote's row (speaker) and the article (outlet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteStanceRow {
    pub article_id: String,
    pub outlet: String,
    pub quote_id: usize,
    /// empty when the speaker is unresolved; such quotes are left out of `speakers.csv`
    pub speaker_canonical: Option<String>,
    pub target: String,
    #[serde(deserialize_with = "de_label")]
    pub stance: StanceLabel,
    pub relevance: f32,
    pub p_favor: f32,
    pub p_against: f32,
    pub p_neutral: f32,
}

impl QuoteStanceRow {
    fn probs(&self) -> Probs {
        Probs {
            favor: self.p_favor,
            against: self.p_against,
            neutral: self.p_neutral,
        }
    }
}

/// The article rows of one analysed article (one per target in `article_stance`).
pub fn article_rows(a: &Analysis) -> Vec<ArticleStanceRow> {
    a.article_stance
        .iter()
        .map(|s| ArticleStanceRow::new(&a.article.id, &a.article.outlet, s))
        .collect()
}

/// The quote rows of one analysed article: its quote units, with their quotes' speakers.
pub fn quote_rows(a: &Analysis) -> Vec<QuoteStanceRow> {
    a.stance
        .iter()
        .filter(|u| u.unit == UnitKind::Quote)
        .map(|u| QuoteStanceRow {
            article_id: a.article.id.clone(),
            outlet: a.article.outlet.clone(),
            quote_id: u.unit_id,
            speaker_canonical: a
                .quotes
                .iter()
                .find(|q| q.id == u.unit_id)
                .and_then(|q| q.speaker_canonical.clone()),
            target: u.target.clone(),
            stance: u.stance,
            relevance: u.relevance,
            p_favor: u.probs.favor,
            p_against: u.probs.against,
            p_neutral: u.probs.neutral,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Speakers

/// A row of `speakers.csv`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRow {
    pub outlet: String,
    pub speaker_canonical: String,
    pub target: String,
    /// relevant quotes toward the target
    pub quotes: usize,
    /// margin rule over the relevance × confidence weighted mean of the quotes' probabilities
    #[serde(deserialize_with = "de_label")]
    pub stance: StanceLabel,
    /// plain mean of the quotes' scores
    pub mean_score: f64,
}

/// Stance per (outlet, speaker, target) from relevant quotes with a resolved speaker. Groups
/// without a relevant quote get no row. Sorted by outlet, target, then quotes (descending), then
/// speaker.
pub fn speaker_stance(
    rows: &[QuoteStanceRow],
    min_relevance: f32,
    params: &AggregateParams,
) -> Vec<SpeakerRow> {
    let mut groups: BTreeMap<(&str, &str, &str), Vec<&QuoteStanceRow>> = BTreeMap::new();
    for r in rows {
        let Some(speaker) = r
            .speaker_canonical
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let relevant = r.stance != StanceLabel::NotRelevant
            && r.relevance.is_finite()
            && r.relevance >= min_relevance
            && r.relevance > 0.0
            && finite(&r.probs());
        if relevant {
            groups
                .entry((r.outlet.as_str(), speaker, r.target.as_str()))
                .or_default()
                .push(r);
        }
    }
    let mut out: Vec<SpeakerRow> = groups
        .into_iter()
        .filter_map(|((outlet, speaker, target), qs)| {
            let probs = combine(qs.iter().map(|q| (q.probs(), q.relevance)))?;
            let scores: Vec<f64> = qs.iter().map(|q| f64::from(score(&q.probs()))).collect();
            Some(SpeakerRow {
                outlet: outlet.to_string(),
                speaker_canonical: speaker.to_string(),
                target: target.to_string(),
                quotes: qs.len(),
                stance: decide(&probs, params.margin),
                mean_score: round4(mean(&scores)?),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (
            &a.outlet,
            &a.target,
            std::cmp::Reverse(a.quotes),
            &a.speaker_canonical,
        )
            .cmp(&(
                &b.outlet,
                &b.target,
                std::cmp::Reverse(b.quotes),
                &b.speaker_canonical,
            ))
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Outlets

/// A row of `outlets.csv`. Undefined values (no relevant article; an interval from one article)
/// are empty cells, never NaN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutletRow {
    pub outlet: String,
    pub target: String,
    pub articles: usize,
    pub relevant_articles: usize,
    /// shares among relevant articles
    pub share_favor: Option<f64>,
    pub share_against: Option<f64>,
    pub share_neutral: Option<f64>,
    /// mean article score over relevant articles
    pub mean_score: Option<f64>,
    /// 95 % bootstrap percentile interval of `mean_score`; empty below two relevant articles
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// Stance per (outlet, target), sorted by outlet then target.
pub fn outlet_stance(rows: &[ArticleStanceRow], params: &AggregateParams) -> Vec<OutletRow> {
    let mut groups: BTreeMap<(&str, &str), Vec<&ArticleStanceRow>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.outlet.as_str(), r.target.as_str()))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((outlet, target), rs)| {
            let relevant: Vec<&&ArticleStanceRow> = rs
                .iter()
                .filter(|r| r.stance != StanceLabel::NotRelevant)
                .collect();
            let n = relevant.len();
            let share = |l: StanceLabel| {
                (n > 0).then(|| {
                    round4(relevant.iter().filter(|r| r.stance == l).count() as f64 / n as f64)
                })
            };
            let scores: Vec<f64> = relevant
                .iter()
                .filter_map(|r| r.score)
                .filter(|s| s.is_finite())
                .map(f64::from)
                .collect();
            let seed = group_seed(params.seed, &[outlet, target]);
            let ci = bootstrap_ci(&scores, params.bootstrap_resamples, seed, CI_LEVEL);
            OutletRow {
                outlet: outlet.to_string(),
                target: target.to_string(),
                articles: rs.len(),
                relevant_articles: n,
                share_favor: share(StanceLabel::Favor),
                share_against: share(StanceLabel::Against),
                share_neutral: share(StanceLabel::Neutral),
                mean_score: mean(&scores).map(round4),
                ci_low: ci.map(|c| round4(c.0)),
                ci_high: ci.map(|c| round4(c.1)),
            }
        })
        .collect()
}

/// Arithmetic mean; `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Percentile bootstrap interval of the mean at `level` (e.g. 0.95): `resamples` means of `n`
/// values drawn with replacement, cut at the `(1−level)/2` and `(1+level)/2` quantiles (linear
/// interpolation between order statistics). `None` with fewer than two finite values (one value
/// says nothing about spread) or no resamples. Deterministic for a seed, whatever the input order.
pub fn bootstrap_ci(values: &[f64], resamples: usize, seed: u64, level: f64) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 || resamples == 0 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = v.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| v[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    Some((quantile(&means, alpha), quantile(&means, 1.0 - alpha)))
}

/// Quantile of sorted, non-empty values by linear interpolation (Hyndman–Fan type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A seed for one group, so that a group's interval does not depend on which other groups (shards,
/// outlets) were aggregated with it. FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
pub fn group_seed(seed: u64, key: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for part in key {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(favor: f32, against: f32, neutral: f32) -> Probs {
        Probs {
            favor,
            against,
            neutral,
        }
    }

    #[test]
    fn aggregate_settings_json_is_the_tuple() {
        let json = r#"[0.35,{"margin":0.1,"bootstrap_resamples":200,"seed":7}]"#;
        let s: AggregateSettings = serde_json::from_str(json).unwrap();
        assert_eq!(
            s,
            AggregateSettings {
                min_relevance: 0.35,
                params: AggregateParams {
                    margin: 0.1,
                    bootstrap_resamples: 200,
                    seed: 7,
                },
            }
        );
        assert_eq!(serde_json::to_string(&s).unwrap(), json);
        // as run.json holds it: `null` when stance is off
        let none: Option<AggregateSettings> = serde_json::from_str("null").unwrap();
        assert_eq!(none, None);
        assert_eq!(serde_json::to_string(&Some(s)).unwrap(), json);
    }

    #[test]
    fn margin_rule() {
        assert_eq!(decide(&p(0.6, 0.1, 0.3), 0.1), StanceLabel::Favor);
        assert_eq!(decide(&p(0.1, 0.6, 0.3), 0.1), StanceLabel::Against);
        // favor wins, but not clearly
        assert_eq!(decide(&p(0.45, 0.40, 0.15), 0.1), StanceLabel::Neutral);
        assert_eq!(decide(&p(0.2, 0.1, 0.7), 0.1), StanceLabel::Neutral);
        assert_eq!(decide(&p(0.0, 0.0, 0.0), 0.0), StanceLabel::Neutral);
    }

    #[test]
    fn combine_weights_by_relevance_and_confidence() {
        // a sure, fully relevant favor unit outweighs an unsure, half-relevant against unit
        let c = combine([(p(0.9, 0.05, 0.05), 1.0), (p(0.2, 0.5, 0.3), 0.5)]).unwrap();
        let w1 = 0.9f32;
        let w2 = 0.25f32;
        let expect = (0.9 * w1 + 0.2 * w2) / (w1 + w2);
        assert!((c.favor - expect).abs() < 1e-5);
        assert!(((c.favor + c.against + c.neutral) - 1.0).abs() < 1e-5);
        assert!(combine(std::iter::empty()).is_none());
        assert!(combine([(p(f32::NAN, 0.0, 1.0), 1.0)]).is_none());
    }

    #[test]
    fn quantile_interpolates() {
        let v = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(quantile(&v, 0.0), 0.0);
        assert_eq!(quantile(&v, 1.0), 3.0);
        assert!((quantile(&v, 0.5) - 1.5).abs() < 1e-12);
    }

    #[test]
    fn group_seed_depends_on_key_parts() {
        assert_ne!(group_seed(1, &["ab", "c"]), group_seed(1, &["a", "bc"]));
        assert_eq!(group_seed(1, &["x"]), group_seed(1, &["x"]));
    }
}
