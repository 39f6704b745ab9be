//! `newsmine eval quotes`: the rules alone and the rules with the quote model, side by side, in
//! one run over PolNeAR (NER once, the rules with the default and with every cue class, the model
//! over both), plus the model's reliability: per confidence bucket, how many of the statements
//! are gold attributions (overlap ≥ 0.3 with a gold content). With the quote tagger, a third
//! column: rules + model + the attributions the tagger adds (at its threshold, and a sweep of
//! thresholds to choose it by).
use super::quotes::{score, statement_is_gold, GoldArticle, QuoteReport};
use crate::doc::{statements, Quote};
use crate::doc::{Doc, Entity};
use crate::pipeline::Pipeline;
use crate::quote_model::{keep_confident, QuoteModel};
use crate::quote_tagger::assemble::{self, Found};
use crate::quote_tagger::QuoteTagger;
use crate::quotes::{CueClasses, QuoteExtractor, QuotesConfig};
use crate::Result;
use serde::Serialize;
use std::fmt;

/// One confidence bucket `[lo, hi)` of the reliability table.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Bucket {
    pub lo: f32,
    pub hi: f32,
    pub statements: usize,
    pub gold: usize,
}

/// Scores of one cue-class setting: rules, and rules with the model when it ran.
#[derive(Serialize)]
pub struct Setting {
    pub name: &'static str,
    pub rules: QuoteReport,
    pub with_model: Option<QuoteReport>,
    /// rules + model (when it ran) + the tagger's additions at its threshold
    pub with_tagger: Option<QuoteReport>,
    /// what a default run writes: the rules' rows scored by the tagger (those under its rule
    /// threshold dropped) and the tagger's additions at its threshold, no quote model
    pub rules_tagger: Option<QuoteReport>,
    /// the same at other rule thresholds (0: no rule row dropped): (threshold, report)
    pub rule_sweep: Vec<(f32, QuoteReport)>,
    /// every statement of the default run by its confidence
    pub default_reliability: Vec<Bucket>,
    /// the default run's statements with confidence ≥ 0.8, and the share of them that are gold
    pub default_confident: Option<(usize, f64)>,
    /// the tagger's additions at other thresholds: (threshold, report)
    pub tagger_sweep: Vec<(f32, QuoteReport)>,
    /// the statements the tagger adds (at any confidence) by their confidence
    pub tagger_reliability: Vec<Bucket>,
    pub reliability: Vec<Bucket>,
    /// statements with confidence ≥ 0.8, and the share of them that are gold
    pub confident: Option<(usize, f64)>,
}

#[derive(Serialize)]
pub struct QuoteEval {
    pub articles: usize,
    pub threshold: Option<f32>,
    pub tagger_threshold: Option<f32>,
    /// the tagger's threshold for the rules' rows
    pub rule_threshold: Option<f32>,
    pub settings: Vec<Setting>,
}

/// What the tagger found in one article, with what merging it needs.
struct Tagged {
    doc: Doc,
    tags: Vec<Vec<crate::encoder::tagger::WordTag>>,
    entities: Vec<Entity>,
    found: Vec<Found>,
}

/// Thresholds of the tagger sweep.
const SWEEP: [f32; 5] = [0.3, 0.5, 0.6, 0.7, 0.8];

/// Thresholds of the sweep over the tagger's agreement with the rules' rows.
const RULE_SWEEP: [f32; 6] = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6];

/// Runs the pipeline (text, NER) over the gold articles once, then each cue-class setting.
pub fn evaluate(
    gold: &[GoldArticle],
    pipeline: &Pipeline,
    model: Option<&QuoteModel>,
    tagger: Option<&QuoteTagger>,
) -> Result<QuoteEval> {
    let kept = QuoteExtractor::new(Default::default())?;
    let wide = QuoteExtractor::new(QuotesConfig {
        classes: CueClasses::ALL,
        ..Default::default()
    })?;
    let mut times = Default::default();
    let (mut default, mut all, mut tagged) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in gold.chunks(32) {
        let mut batch = pipeline.annotate(
            chunk.iter().map(|g| g.article.clone()).collect(),
            &mut times,
        );
        let mut d: Vec<Vec<Quote>> = Vec::new();
        let mut w: Vec<Vec<Quote>> = Vec::new();
        for a in &batch {
            d.push(kept.extract(&a.doc, &a.entities));
            w.push(wide.extract(&a.doc, &a.entities));
        }
        if let Some(m) = model {
            for quotes in [&mut d, &mut w] {
                let mut items: Vec<_> = batch
                    .iter_mut()
                    .zip(quotes.iter_mut())
                    .map(|(a, q)| (&a.doc, q))
                    .collect();
                m.score(&mut items)?;
            }
        }
        if let Some(t) = tagger {
            for (a, tags) in batch.iter().zip(t.tag(&batch)?) {
                tagged.push(Tagged {
                    found: assemble::attributions(&a.doc, &tags),
                    tags,
                    doc: a.doc.clone(),
                    entities: a.entities.clone(),
                });
            }
        }
        default.extend(d);
        all.extend(w);
    }
    let threshold = model.map(|m| m.threshold);
    let tagging = tagger.map(|t| (t.threshold, t.rule_threshold, tagged.as_slice()));
    let settings = vec![
        setting(
            "default cue classes (speech, written, according_to)",
            CueClasses::DEFAULT,
            gold,
            default,
            threshold,
            tagging,
        ),
        setting(
            "all cue classes (belief, intention and other added)",
            CueClasses::ALL,
            gold,
            all,
            threshold,
            tagging,
        ),
    ];
    Ok(QuoteEval {
        articles: gold.len(),
        threshold,
        tagger_threshold: tagger.map(|t| t.threshold),
        rule_threshold: tagger.map(|t| t.rule_threshold),
        settings,
    })
}

/// Each article's rows, copied and changed by `edit` with what the tagger found in it.
fn per_article(
    predicted: &[Vec<Quote>],
    tagged: &[Tagged],
    edit: impl Fn(&mut Vec<Quote>, &Tagged),
) -> Vec<Vec<Quote>> {
    predicted
        .iter()
        .zip(tagged)
        .map(|(q, t)| {
            let mut q = q.clone();
            edit(&mut q, t);
            q
        })
        .collect()
}

/// The rows of each article with the tagger's additions at `threshold`.
fn with_tagged(
    predicted: &[Vec<Quote>],
    tagged: &[Tagged],
    classes: CueClasses,
    threshold: f32,
) -> Vec<Vec<Quote>> {
    per_article(predicted, tagged, |q, t| {
        assemble::merge(&t.doc, &t.entities, q, t.found.clone(), classes, threshold)
    })
}

fn setting(
    name: &'static str,
    classes: CueClasses,
    gold: &[GoldArticle],
    predicted: Vec<Vec<Quote>>,
    threshold: Option<f32>,
    tagging: Option<(f32, f32, &[Tagged])>,
) -> Setting {
    let rules = score(gold, &predicted);
    let (rules_tagger, rule_sweep, default_reliability, default_confident) = match tagging {
        None => (None, Vec::new(), Vec::new(), None),
        Some((t, rule_threshold, tagged)) => {
            let at =
                |x: f32| with_tagged(&tagger_scored(&predicted, tagged, x), tagged, classes, t);
            let run = at(rule_threshold);
            let rel = reliability(gold, &run);
            let confident = share_confident(&rel);
            let sweep = RULE_SWEEP
                .iter()
                .map(|&x| (x, score(gold, &at(x))))
                .collect();
            (Some(score(gold, &run)), sweep, rel, Some(confident))
        }
    };
    let (reliability, confident, kept) = match threshold {
        None => (Vec::new(), None, predicted),
        Some(t) => {
            let reliability = reliability(gold, &predicted);
            let confident = share_confident(&reliability);
            let kept: Vec<Vec<Quote>> = predicted
                .into_iter()
                .map(|mut q| {
                    keep_confident(&mut q, t);
                    q
                })
                .collect();
            (reliability, Some(confident), kept)
        }
    };
    let with_model = threshold.map(|_| score(gold, &kept));
    let (with_tagger, tagger_sweep, tagger_reliability) = match tagging {
        None => (None, Vec::new(), Vec::new()),
        Some((t, _, tagged)) => {
            let everything = with_tagged(&kept, tagged, classes, 0.0);
            // an added row is one whose cue no kept row has (a kept row the tagger extended
            // keeps its cue)
            let added: Vec<Vec<Quote>> = everything
                .iter()
                .zip(&kept)
                .map(|(all, k)| {
                    all.iter()
                        .map(|q| {
                            let mut q = q.clone();
                            let cue = |r: &Quote| r.cue.as_ref().map(|(_, c)| *c);
                            if cue(&q).is_none() || k.iter().any(|r| cue(r) == cue(&q)) {
                                q.confidence = None;
                            }
                            q
                        })
                        .collect()
                })
                .collect();
            let sweep: Vec<(f32, QuoteReport)> = SWEEP
                .iter()
                .map(|&x| (x, score(gold, &with_tagged(&kept, tagged, classes, x))))
                .collect();
            // the threshold in force is scored once: taken from the sweep when it is one
            let at_t = match sweep.iter().find(|(x, _)| (x - t).abs() < 1e-6) {
                Some((_, r)) => r.clone(),
                None => score(gold, &with_tagged(&kept, tagged, classes, t)),
            };
            (
                Some(at_t),
                sweep,
                reliability_of(gold, &added, |q| q.confidence.is_some()),
            )
        }
    };
    Setting {
        name,
        rules,
        with_model,
        with_tagger,
        rules_tagger,
        rule_sweep,
        default_reliability,
        default_confident,
        tagger_sweep,
        tagger_reliability,
        reliability,
        confident,
    }
}

/// The rule rows of each article scored by the tagger as a run scores them (any quote model's
/// confidence set aside), those under `rule_threshold` dropped.
fn tagger_scored(
    predicted: &[Vec<Quote>],
    tagged: &[Tagged],
    rule_threshold: f32,
) -> Vec<Vec<Quote>> {
    per_article(predicted, tagged, |q, t| {
        q.iter_mut().for_each(|r| r.confidence = None);
        assemble::score_rows(&t.doc, &t.tags, q, rule_threshold);
    })
}

/// Statements with confidence ≥ 0.8, and the share of them that are gold.
fn share_confident(buckets: &[Bucket]) -> (usize, f64) {
    let (n, right) = buckets
        .iter()
        .filter(|b| b.lo >= 0.8 - 1e-6)
        .fold((0, 0), |(n, r), b| (n + b.statements, r + b.gold));
    (n, right as f64 / n.max(1) as f64)
}

/// Statements by confidence in tenths, with how many are gold attributions.
pub fn reliability(gold: &[GoldArticle], predicted: &[Vec<Quote>]) -> Vec<Bucket> {
    reliability_of(gold, predicted, |_| true)
}

/// [`reliability`] of the statements whose first row `counts`.
fn reliability_of(
    gold: &[GoldArticle],
    predicted: &[Vec<Quote>],
    counts: impl Fn(&Quote) -> bool,
) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = (0..10)
        .map(|i| Bucket {
            lo: i as f32 / 10.0,
            hi: (i + 1) as f32 / 10.0,
            ..Default::default()
        })
        .collect();
    for (g, quotes) in gold.iter().zip(predicted) {
        let groups = statements(quotes);
        let right = statement_is_gold(g, quotes, &groups, 0.3);
        for (rows, ok) in groups.iter().zip(right) {
            if !counts(&quotes[rows[0]]) {
                continue;
            }
            let c = quotes[rows[0]].confidence.unwrap_or(0.0);
            let b = &mut buckets[((c * 10.0) as usize).min(9)];
            b.statements += 1;
            b.gold += usize::from(ok);
        }
    }
    buckets
}

fn row(r: &QuoteReport) -> String {
    let (a, b) = (&r.all.overlap_0_3, &r.all.overlap_0_8);
    format!(
        "P {:.1} R {:.1} F1 {:.1} @0.3 | P {:.1} R {:.1} F1 {:.1} @0.8 | speaker {:.1}%",
        100.0 * a.precision(),
        100.0 * a.recall(),
        100.0 * a.f1(),
        100.0 * b.precision(),
        100.0 * b.recall(),
        100.0 * b.f1(),
        100.0 * r.all.speaker.accuracy
    )
}

/// The non-empty buckets, one line each: range, statements, share gold.
fn write_buckets(f: &mut fmt::Formatter<'_>, buckets: &[Bucket]) -> fmt::Result {
    for b in buckets.iter().filter(|b| b.statements > 0) {
        writeln!(
            f,
            "  [{:.1}, {:.1}) {:>5}  {:.1}%",
            b.lo,
            b.hi,
            b.statements,
            100.0 * b.gold as f64 / b.statements as f64
        )?;
    }
    Ok(())
}

impl fmt::Display for QuoteEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.settings {
            writeln!(f, "== {}: rules\n{}", s.name, s.rules)?;
            if let Some(m) = &s.with_model {
                writeln!(f, "== {}: rules + quote model\n{m}", s.name)?;
            }
            if let Some(m) = &s.with_tagger {
                writeln!(f, "== {}: rules + quote model + quote tagger\n{m}", s.name)?;
            }
            if let Some(m) = &s.rules_tagger {
                writeln!(
                    f,
                    "== {}: rules + quote tagger (a default run)\n{m}",
                    s.name
                )?;
            }
        }
        let (t, rt) = (
            self.tagger_threshold.unwrap_or(0.0),
            self.rule_threshold.unwrap_or(0.0),
        );
        writeln!(f, "summary ({} articles)", self.articles)?;
        for s in &self.settings {
            writeln!(f, "  {}\n    rules:         {}", s.name, row(&s.rules))?;
            if let Some(m) = &s.with_model {
                let mt = self.threshold.unwrap_or(0.0);
                writeln!(f, "    + quote model: {} (threshold {mt:.2})", row(m))?;
            }
            if let Some(m) = &s.with_tagger {
                writeln!(f, "    + tagger:      {} (threshold {t:.2})", row(m))?;
                for (x, r) in &s.tagger_sweep {
                    writeln!(f, "      tagger at {x:.2}: {}", row(r))?;
                }
            }
            if let Some(r) = &s.rules_tagger {
                writeln!(
                    f,
                    "    rules + tagger (default run): {} (rules' rows under {rt:.2} dropped, added rows under {t:.2})",
                    row(r)
                )?;
                for (x, r) in &s.rule_sweep {
                    writeln!(f, "      rules' rows under {x:.2} dropped: {}", row(r))?;
                }
            }
        }
        let reliability = |f: &mut fmt::Formatter<'_>,
                           what: &str,
                           buckets: &[Bucket],
                           confident: Option<(usize, f64)>|
         -> fmt::Result {
            writeln!(
                f,
                "reliability ({what}): confidence → statements, share gold @0.3"
            )?;
            write_buckets(f, buckets)?;
            if let Some((n, share)) = confident {
                writeln!(
                    f,
                    "  confidence ≥ 0.8: {n} statements, {:.1}% gold",
                    100.0 * share
                )?;
            }
            Ok(())
        };
        if let Some(s) = self.settings.first() {
            if !s.default_reliability.is_empty() {
                let what = format!("{}, default run: rules + tagger", s.name);
                reliability(f, &what, &s.default_reliability, s.default_confident)?;
            }
            if s.with_model.is_some() {
                let what = format!("{}, the quote model on the rules' rows", s.name);
                reliability(f, &what, &s.reliability, s.confident)?;
            }
        }
        for s in self
            .settings
            .iter()
            .filter(|s| !s.tagger_reliability.is_empty())
        {
            writeln!(
                f,
                "tagger reliability ({}): the statements it adds by confidence, share gold @0.3",
                s.name
            )?;
            write_buckets(f, &s.tagger_reliability)?;
        }
        Ok(())
    }
}
