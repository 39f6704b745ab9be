//! NER scores with exact-span matching, as conlleval computes them.
use super::metrics::Prf;
use crate::ner::conll::ConllSentence;
use crate::ner::decode::{spans, spans_from_tags};
use crate::ner::model::WordTag;
use crate::ner::EntityLabel;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

#[derive(Clone, Debug, Default, Serialize)]
pub struct NerReport {
    pub sentences: usize,
    pub tokens: usize,
    pub per_type: BTreeMap<String, Prf>,
    pub overall: Prf,
    /// types scored (others are removed from gold and predictions alike)
    pub types: Vec<String>,
}

/// Scores predicted spans against gold spans, sentence by sentence; an entity counts only when
/// type, start and end all match.
pub fn score(
    gold: &[Vec<(usize, usize, EntityLabel)>],
    pred: &[Vec<(usize, usize, EntityLabel)>],
    types: &[EntityLabel],
) -> NerReport {
    let mut report = NerReport {
        sentences: gold.len(),
        types: types.iter().map(|t| t.as_str().to_string()).collect(),
        ..Default::default()
    };
    for t in types {
        report
            .per_type
            .insert(t.as_str().to_string(), Prf::default());
    }
    for (g, p) in gold.iter().zip(pred) {
        let g: HashSet<_> = g.iter().filter(|e| types.contains(&e.2)).collect();
        let p: HashSet<_> = p.iter().filter(|e| types.contains(&e.2)).collect();
        for e in &p {
            let c = report.per_type.entry(e.2.as_str().to_string()).or_default();
            if g.contains(e) {
                c.tp += 1;
            } else {
                c.fp += 1;
            }
        }
        for e in g.difference(&p) {
            report
                .per_type
                .entry(e.2.as_str().to_string())
                .or_default()
                .fn_ += 1;
        }
    }
    for c in report.per_type.values() {
        report.overall.tp += c.tp;
        report.overall.fp += c.fp;
        report.overall.fn_ += c.fn_;
    }
    report
}

/// Gold and predicted spans of annotated sentences.
pub fn score_tags(
    sentences: &[ConllSentence],
    predicted: &[Vec<WordTag>],
    types: &[EntityLabel],
) -> NerReport {
    let gold: Vec<_> = sentences
        .iter()
        .map(|s| spans_from_tags(&s.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>()))
        .collect();
    let pred: Vec<_> = predicted
        .iter()
        .map(|p| spans(&p.iter().map(|w| w.label).collect::<Vec<_>>()))
        .collect();
    let mut r = score(&gold, &pred, types);
    r.tokens = sentences.iter().map(|s| s.words.len()).sum();
    r
}

impl fmt::Display for NerReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "sentences {}  tokens {}  (exact span match, types {})",
            self.sentences,
            self.tokens,
            self.types.join(",")
        )?;
        writeln!(
            f,
            "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "type", "precision", "recall", "f1", "tp", "fp", "fn"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, c: &Prf| {
            writeln!(
                f,
                "{:<8} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {:>7}",
                name,
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1(),
                c.tp,
                c.fp,
                c.fn_
            )
        };
        for (t, c) in &self.per_type {
            row(f, t, c)?;
        }
        row(f, "overall", &self.overall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityLabel::*;

    #[test]
    fn exact_match_only() {
        let gold = vec![vec![(0, 2, PER), (3, 4, LOC)]];
        let pred = vec![vec![(0, 2, PER), (3, 5, LOC), (6, 7, ORG)]];
        let r = score(&gold, &pred, &EntityLabel::ALL);
        assert_eq!((r.overall.tp, r.overall.fp, r.overall.fn_), (1, 2, 1));
        assert!((r.overall.f1() - 0.4).abs() < 1e-9);
        let only_per = score(&gold, &pred, &[PER]);
        assert_eq!(
            (
                only_per.overall.tp,
                only_per.overall.fp,
                only_per.overall.fn_
            ),
            (1, 0, 0)
        );
    }
}
