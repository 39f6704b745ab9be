//! BIO label set, constrained Viterbi decoding and span extraction.
use super::EntityLabel;
pub use crate::encoder::tagger::{allowed, label_index, viterbi};

/// The label set (IOB2), in the model's output order.
pub const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// Entity spans over word indexes `[start, end)` from IOB2 labels (indexes into `LABELS`).
/// A stray `I-X` (only possible without Viterbi) starts a new entity, as conlleval does.
pub fn spans(labels: &[usize]) -> Vec<(usize, usize, EntityLabel)> {
    spans_from_tags(
        &labels
            .iter()
            .map(|&l| LABELS.get(l).copied().unwrap_or("O"))
            .collect::<Vec<_>>(),
    )
}

/// Entity spans from string tags in IOB1 or IOB2 (conlleval's chunk rules).
pub fn spans_from_tags(tags: &[&str]) -> Vec<(usize, usize, EntityLabel)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let close = |open: &mut Option<(usize, &str)>,
                 end: usize,
                 out: &mut Vec<(usize, usize, EntityLabel)>| {
        if let Some((s, t)) = open.take() {
            if let Some(l) = EntityLabel::parse(t) {
                out.push((s, end, l));
            }
        }
    };
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, ty) = match tag.split_once('-') {
            Some((p, t)) => (p, t),
            None => ("O", ""),
        };
        match prefix {
            "B" => {
                close(&mut open, i, &mut out);
                open = Some((i, ty));
            }
            "I" => {
                if open.map(|(_, t)| t) != Some(ty) {
                    close(&mut open, i, &mut out);
                    open = Some((i, ty));
                }
            }
            _ => close(&mut open, i, &mut out),
        }
    }
    close(&mut open, tags.len(), &mut out);
    out
}

/// IOB1 (CoNLL-2003 files: `I-X` starts an entity unless it continues one) to IOB2 tags.
pub fn iob1_to_iob2(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        let new = match tag.strip_prefix("I-") {
            Some(ty) => {
                let prev = if i > 0 { tags[i - 1].as_str() } else { "O" };
                let continues = prev.len() > 2 && &prev[2..] == ty;
                if continues {
                    tag.clone()
                } else {
                    format!("B-{ty}")
                }
            }
            None => tag.clone(),
        };
        out.push(new);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(probs: &[f32]) -> Vec<f32> {
        let mut row = vec![(1e-6f32).ln(); LABELS.len()];
        for (i, p) in probs.iter().enumerate() {
            row[i] = p.ln();
        }
        row
    }

    #[test]
    fn viterbi_repairs_invalid_i() {
        // argmax would be O, I-PER: invalid; Viterbi must choose B-PER or O.
        let em = vec![lp(&[0.9, 0.0, 0.1]), lp(&[0.1, 0.3, 0.6])];
        let path = viterbi(&LABELS, &em);
        assert!(allowed(&LABELS, None, path[0]));
        assert!(allowed(&LABELS, Some(path[0]), path[1]));
    }

    #[test]
    fn spans_iob2_and_iob1() {
        let iob1: Vec<String> = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let iob2 = iob1_to_iob2(&iob1);
        assert_eq!(iob2, ["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]);
        let tags: Vec<&str> = iob2.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            spans_from_tags(&tags),
            vec![
                (0, 2, EntityLabel::PER),
                (3, 4, EntityLabel::LOC),
                (4, 5, EntityLabel::LOC)
            ]
        );
        assert_eq!(
            spans(&[1, 2, 0, 5]),
            vec![(0, 2, EntityLabel::PER), (3, 4, EntityLabel::LOC)]
        );
    }

    #[test]
    fn empty() {
        assert!(viterbi(&LABELS, &[]).is_empty());
        assert!(spans(&[]).is_empty());
    }
}
