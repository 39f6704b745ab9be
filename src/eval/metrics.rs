//! Small metric helpers shared by the evaluation commands. Undefined ratios (0/0) are 0, so that
//! reports never carry NaN.
use serde::Serialize;

/// True positives, false positives and false negatives of one class or task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

/// Harmonic mean of a precision and a recall, 0 when both are 0.
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Prf {
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Self {
        Prf { tp, fp, fn_ }
    }
    /// tp / (tp + fp), 0 when nothing was predicted
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn), 0 when there is nothing to find
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// harmonic mean of precision and recall, 0 when both are 0
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// Adds another count (micro-averaging).
    pub fn add(&mut self, other: Prf) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

impl std::ops::Add for Prf {
    type Output = Prf;
    fn add(mut self, other: Prf) -> Prf {
        Prf::add(&mut self, other);
        self
    }
}

/// Counts of (gold, predicted) class pairs for `n` classes; `counts[gold][pred]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    pub counts: Vec<Vec<usize>>,
    /// pairs left out because a label was not below `n`
    pub skipped: usize,
}

impl ConfusionMatrix {
    pub fn new(n: usize) -> Self {
        ConfusionMatrix {
            counts: vec![vec![0; n]; n],
            skipped: 0,
        }
    }

    /// Counts pairs; a label out of range is counted in `skipped` instead.
    pub fn from_pairs(n: usize, gold: &[usize], pred: &[usize]) -> Self {
        let mut m = ConfusionMatrix::new(n);
        for (&g, &p) in gold.iter().zip(pred) {
            m.add(g, p);
        }
        m.skipped += gold.len().abs_diff(pred.len());
        m
    }

    /// Counts one pair; returns false (and counts it as skipped) when a label is out of range.
    pub fn add(&mut self, gold: usize, pred: usize) -> bool {
        let n = self.classes();
        if gold < n && pred < n {
            self.counts[gold][pred] += 1;
            true
        } else {
            self.skipped += 1;
            false
        }
    }

    pub fn classes(&self) -> usize {
        self.counts.len()
    }

    /// Number of counted pairs.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// One-vs-rest counts of class `c` (all zero for an unknown class).
    pub fn prf(&self, c: usize) -> Prf {
        if c >= self.classes() {
            return Prf::default();
        }
        let tp = self.counts[c][c];
        let predicted: usize = self.counts.iter().map(|row| row[c]).sum();
        let gold: usize = self.counts[c].iter().sum();
        Prf {
            tp,
            fp: predicted - tp,
            fn_: gold - tp,
        }
    }

    /// Gold examples of class `c`.
    pub fn support(&self, c: usize) -> usize {
        self.counts.get(c).map_or(0, |row| row.iter().sum())
    }

    pub fn precision(&self, c: usize) -> f64 {
        self.prf(c).precision()
    }
    pub fn recall(&self, c: usize) -> f64 {
        self.prf(c).recall()
    }
    pub fn f1(&self, c: usize) -> f64 {
        self.prf(c).f1()
    }

    /// Unweighted mean of the classes' F1 (0 for no classes).
    pub fn macro_f1(&self) -> f64 {
        let n = self.classes();
        if n == 0 {
            0.0
        } else {
            (0..n).map(|c| self.f1(c)).sum::<f64>() / n as f64
        }
    }

    /// Share of counted pairs on the diagonal (0 for none).
    pub fn accuracy(&self) -> f64 {
        ratio(
            (0..self.classes()).map(|c| self.counts[c][c]).sum(),
            self.total(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_undefined_is_zero() {
        let p = Prf::default();
        assert_eq!((p.precision(), p.recall(), p.f1()), (0.0, 0.0, 0.0));
        let p = Prf::new(2, 2, 0);
        assert_eq!(p.precision(), 0.5);
        assert_eq!(p.recall(), 1.0);
        assert!((p.f1() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(p + Prf::new(1, 0, 1), Prf::new(3, 2, 1));
    }

    #[test]
    fn confusion_matrix_per_class() {
        // gold: 0 0 1 1 2 ; pred: 0 1 1 1 0
        let m = ConfusionMatrix::from_pairs(3, &[0, 0, 1, 1, 2, 7], &[0, 1, 1, 1, 0, 0]);
        assert_eq!(m.skipped, 1);
        assert_eq!(m.total(), 5);
        assert_eq!(m.prf(0), Prf::new(1, 1, 1));
        assert_eq!(m.prf(1), Prf::new(2, 1, 0));
        assert_eq!(m.prf(2), Prf::new(0, 0, 1));
        assert!((m.accuracy() - 0.6).abs() < 1e-12);
        let macro_f1 = (0.5 + 0.8 + 0.0) / 3.0;
        assert!((m.macro_f1() - macro_f1).abs() < 1e-12);
    }
}
