//! Stance scores: per-class precision / recall / F1, SemEval-2016's F_avg and 3-class macro-F1.
//!
//! Labels are `0` favor, `1` against, `2` neutral (as in [`crate::stance::data::StanceExample`]).
use crate::eval::metrics::ConfusionMatrix;
use crate::stance::data::{self, DataFormat, DataSpec, StanceExample};
use crate::stance::model::StanceModel;
use crate::Result;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub const LABELS: [&str; 3] = ["favor", "against", "neutral"];

/// Scores of one class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// gold examples of the class
    pub support: usize,
    /// examples predicted as the class
    pub predicted: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StanceReport {
    pub favor: ClassScores,
    pub against: ClassScores,
    pub neutral: ClassScores,
    /// mean F1 of favor and against: the official SemEval-2016 Task 6 metric
    pub f_avg: f64,
    /// mean F1 of the three classes (VAST's metric)
    pub macro_f1: f64,
    pub accuracy: f64,
    /// scored pairs
    pub n: usize,
    /// pairs left out: a label above 2, or the lists differ in length
    pub skipped: usize,
    /// `confusion[gold][pred]`
    pub confusion: [[usize; 3]; 3],
}

/// Scores predictions against gold labels, pair by pair.
pub fn score(gold: &[usize], pred: &[usize]) -> StanceReport {
    let m = ConfusionMatrix::from_pairs(3, gold, pred);
    let class = |c: usize| ClassScores {
        precision: m.precision(c),
        recall: m.recall(c),
        f1: m.f1(c),
        support: m.support(c),
        predicted: (0..3).map(|g| m.counts[g][c]).sum(),
    };
    let (favor, against, neutral) = (class(0), class(1), class(2));
    let mut confusion = [[0; 3]; 3];
    for (g, row) in confusion.iter_mut().enumerate() {
        row.copy_from_slice(&m.counts[g]);
    }
    StanceReport {
        favor,
        against,
        neutral,
        f_avg: (favor.f1 + against.f1) / 2.0,
        macro_f1: m.macro_f1(),
        accuracy: m.accuracy(),
        n: m.total(),
        skipped: m.skipped,
        confusion,
    }
}

impl fmt::Display for StanceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "class", "precision", "recall", "f1", "gold", "predicted"
        )?;
        for (name, c) in LABELS
            .iter()
            .zip([&self.favor, &self.against, &self.neutral])
        {
            writeln!(
                f,
                "{:<10} {:>9.4} {:>9.4} {:>9.4} {:>9} {:>9}",
                name, c.precision, c.recall, c.f1, c.support, c.predicted
            )?;
        }
        writeln!(f, "F_avg (favor, against) {:.4}", self.f_avg)?;
        writeln!(f, "macro-F1 (3 classes)   {:.4}", self.macro_f1)?;
        writeln!(
            f,
            "accuracy               {:.4}   n = {}",
            self.accuracy, self.n
        )?;
        if self.skipped > 0 {
            writeln!(f, "skipped pairs          {}", self.skipped)?;
        }
        writeln!(
            f,
            "confusion (rows gold, columns predicted: favor against neutral)"
        )?;
        for (name, row) in LABELS.iter().zip(&self.confusion) {
            writeln!(f, "  {:<8} {:>7} {:>7} {:>7}", name, row[0], row[1], row[2])?;
        }
        Ok(())
    }
}

/// Which examples of each set `eval stance` scores.
#[derive(Clone, Debug)]
pub struct SetSelection {
    /// the dev part held out by `train stance --seed SEED` (or the set's own dev part)
    pub heldout: Option<u64>,
    pub dev_fraction: f32,
    /// VAST: zero-shot topics only
    pub zero_shot: bool,
    /// at most this many examples (a fixed sample)
    pub max_per_set: Option<usize>,
}

/// One row of the `eval stance` table.
#[derive(Clone, Debug, Serialize)]
pub struct SetScore {
    pub set: String,
    pub path: PathBuf,
    pub report: StanceReport,
}

/// The sets found under a data folder laid out as `../shared/data/stance` (missing ones skipped).
pub fn sets_under(dir: &Path) -> Vec<DataSpec> {
    DataFormat::ALL
        .iter()
        .map(|&format| DataSpec {
            format,
            path: dir.join(format.default_path()),
        })
        .filter(|s| s.path.exists())
        .collect()
}

/// The examples of one set that `sel` picks.
pub fn select(mut examples: Vec<StanceExample>, sel: &SetSelection) -> Vec<StanceExample> {
    if let Some(seed) = sel.heldout {
        examples = data::split_dev(examples, sel.dev_fraction, seed).1;
    }
    if sel.zero_shot {
        examples.retain(|e| e.zero_shot != Some(false));
    }
    if let Some(n) = sel.max_per_set.filter(|&n| n < examples.len()) {
        examples.shuffle(&mut ChaCha8Rng::seed_from_u64(sel.heldout.unwrap_or(13)));
        examples.truncate(n);
    }
    examples
}

/// Scores `model` on each set.
pub fn score_sets(
    model: &StanceModel,
    sets: &[DataSpec],
    sel: &SetSelection,
) -> Result<Vec<SetScore>> {
    let mut out = Vec::new();
    for DataSpec { format, path } in sets {
        let examples = select(data::load(path, *format)?, sel);
        let inputs: Vec<(&str, &str, &str)> = examples
            .iter()
            .map(|e| (e.target.as_str(), e.context.as_str(), e.text.as_str()))
            .collect();
        let pred: Vec<usize> = model
            .predict_in_context(&inputs)?
            .iter()
            .map(|p| p.argmax())
            .collect();
        let gold: Vec<usize> = examples.iter().map(|e| e.label).collect();
        out.push(SetScore {
            set: format.name().to_string(),
            path: path.clone(),
            report: score(&gold, &pred),
        });
    }
    Ok(out)
}

/// The one table of `eval stance`: set × macro-F1, F_avg, accuracy, predicted vs gold shares, n.
pub fn table(rows: &[SetScore]) -> String {
    let mut s = format!(
        "{:<10} {:>8} {:>6} {:>6} {:>15} {:>15} {:>15} {:>6}\n",
        "set", "macro-F1", "F_avg", "acc", "favor pred/gold", "against p/g", "neutral p/g", "n"
    );
    for r in rows {
        let m = &r.report;
        let pct = |x: usize| 100.0 * x as f64 / m.n.max(1) as f64;
        let share = |c: &ClassScores| format!("{:.0}/{:.0}", pct(c.predicted), pct(c.support));
        s.push_str(&format!(
            "{:<10} {:>8.2} {:>6.2} {:>6.2} {:>15} {:>15} {:>15} {:>6}\n",
            r.set,
            100.0 * m.macro_f1,
            100.0 * m.f_avg,
            100.0 * m.accuracy,
            share(&m.favor),
            share(&m.against),
            share(&m.neutral),
            m.n
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_scores() {
        // gold favor favor against neutral; pred favor against against favor
        let r = score(&[0, 0, 1, 2], &[0, 1, 1, 0]);
        assert_eq!(r.n, 4);
        assert_eq!(r.favor.precision, 0.5);
        assert_eq!(r.favor.recall, 0.5);
        assert_eq!(r.against.precision, 0.5);
        assert_eq!(r.against.recall, 1.0);
        assert_eq!(r.neutral.f1, 0.0);
        let f_against = 2.0 * 0.5 / 1.5;
        assert!((r.f_avg - (0.5 + f_against) / 2.0).abs() < 1e-12);
        assert!((r.macro_f1 - (0.5 + f_against) / 3.0).abs() < 1e-12);
        assert_eq!(r.accuracy, 0.5);
        assert_eq!(r.confusion[0], [1, 1, 0]);
        let table = r.to_string();
        assert!(table.contains("F_avg") && table.contains("against"));
    }

    #[test]
    fn stance_scores_empty_and_bad_labels() {
        let r = score(&[], &[]);
        assert_eq!((r.n, r.f_avg, r.macro_f1, r.accuracy), (0, 0.0, 0.0, 0.0));
        let r = score(&[0, 5], &[0]);
        assert_eq!((r.n, r.skipped), (1, 1));
    }
}
