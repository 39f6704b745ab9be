//! NER scores with exact-span matching, as conlleval computes them: on the file's own sentences
//! (`eval ner`), and through the run path (`eval ner --run-path`: each CoNLL document becomes an
//! article text that `run` segments and tags itself, scored on char spans).
use super::metrics::Prf;
use crate::doc::{Analysis, Article, Entity};
use crate::ner::conll::ConllSentence;
use crate::ner::decode::{spans, spans_from_tags};
use crate::ner::model::WordTag;
use crate::ner::{EntityLabel, NerModel, PostProcess};
use crate::text::Span;
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
        for (t, c) in &self.per_type {
            prf_row(f, 8, t, c)?;
        }
        prf_row(f, 8, "overall", &self.overall)
    }
}

/// One row of a precision / recall / F1 table, the name in a column of `width`.
fn prf_row(f: &mut fmt::Formatter<'_>, width: usize, name: &str, c: &Prf) -> fmt::Result {
    writeln!(
        f,
        "{:<width$} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {:>7}",
        name,
        100.0 * c.precision(),
        100.0 * c.recall(),
        100.0 * c.f1(),
        c.tp,
        c.fp,
        c.fn_
    )
}

/// Articles per model batch, as `run` (its `--batch` default).
const RUN_BATCH: usize = 64;

/// A CoNLL document as an article text: its sentences one per line (as news `.txt` files put one
/// paragraph per line), tokens joined by spaces; and the char span of every token.
pub fn join_document(doc: &[ConllSentence]) -> (String, Vec<Vec<Span>>) {
    let mut text = String::new();
    let mut at = 0usize; // chars so far
    let mut spans = Vec::with_capacity(doc.len());
    for (i, s) in doc.iter().enumerate() {
        if i > 0 {
            text.push('\n');
            at += 1;
        }
        let mut row = Vec::with_capacity(s.words.len());
        for (k, w) in s.words.iter().enumerate() {
            if k > 0 {
                text.push(' ');
                at += 1;
            }
            let n = w.chars().count();
            row.push(Span::new(at, at + n));
            text.push_str(w);
            at += n;
        }
        spans.push(row);
    }
    (text, spans)
}

/// Gold entities of a joined document as char spans.
fn gold_spans(doc: &[ConllSentence], tokens: &[Vec<Span>]) -> Vec<(usize, usize, EntityLabel)> {
    let mut out = Vec::new();
    for (s, t) in doc.iter().zip(tokens) {
        let tags: Vec<&str> = s.tags.iter().map(|t| t.as_str()).collect();
        for (lo, hi, l) in spans_from_tags(&tags) {
            if let (Some(a), Some(b)) = (t.get(lo), t.get(hi - 1)) {
                out.push((a.start, b.end, l));
            }
        }
    }
    out
}

fn char_spans(entities: &[Entity]) -> Vec<(usize, usize, EntityLabel)> {
    entities
        .iter()
        .map(|e| (e.span.start, e.span.end, e.label))
        .collect()
}

/// How the run path's segmentation meets the gold annotation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Segmentation {
    pub documents: usize,
    pub conll_sentences: usize,
    pub run_sentences: usize,
    pub conll_tokens: usize,
    pub run_tokens: usize,
    pub gold_entities: usize,
    /// gold entities whose first or last char is not a run token boundary (cannot be matched)
    pub gold_off_token_boundaries: usize,
    /// gold entities that run over a run sentence boundary
    pub gold_across_sentences: usize,
    /// gold entities inside text the junk marker skipped
    pub gold_in_junk: usize,
    /// run sentences that join two or more CoNLL lines
    pub run_sentences_over_lines: usize,
}

/// `eval ner --run-path`: scores side by side, each a step of the run path.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunPathReport {
    /// (what, report) in the order printed
    pub rows: Vec<(String, NerReport)>,
    pub segmentation: Segmentation,
    /// the NER stage's cache over the whole evaluation
    pub cache: crate::cache::Stats,
}

/// Scores `model` on CoNLL documents through the run path: each document is an article (its
/// sentences one per line), cleaned and segmented by `text` as `run` does, tagged in batches of
/// 64 articles by the NER stage, its entities post-processed step by step; every row is scored on
/// char spans (type, start and end must match). The first row tags the file's own sentences.
pub fn run_path(
    model: &NerModel,
    docs: &[Vec<ConllSentence>],
    types: &[EntityLabel],
    text: &crate::text::TextConfig,
) -> crate::Result<RunPathReport> {
    let mut report = RunPathReport::default();
    let seg = &mut report.segmentation;
    let mut gold = Vec::new();
    let mut analyses = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let (joined, tokens) = join_document(d);
        gold.push(gold_spans(d, &tokens));
        let article = Article {
            index: i as u64,
            id: format!("doc{i}"),
            text: joined,
            ..Default::default()
        };
        let doc = crate::text::analyse(&article.text, text);
        count_segmentation(seg, d, &gold[i], &doc);
        analyses.push(Analysis {
            article,
            doc,
            ..Default::default()
        });
    }
    let (own, own_consistent) = own_sentences(model, docs)?;
    report.rows.push((
        "CoNLL sentences (= eval ner)".into(),
        score(&gold, &own, types),
    ));
    report.rows.push((
        "CoNLL sentences + one label per name".into(),
        score(&gold, &own_consistent, types),
    ));
    let steps = run_path_steps();
    let mut pred: Vec<Vec<Vec<_>>> = vec![Vec::new(); steps.len()];
    for batch in analyses.chunks(RUN_BATCH) {
        let tags = model.tag_batch(batch)?;
        for (a, t) in batch.iter().zip(&tags) {
            for (k, (_, post)) in steps.iter().enumerate() {
                let ents = crate::ner::entities_with(&a.doc, t, *post);
                pred[k].push(char_spans(&ents));
            }
        }
    }
    for ((name, _), p) in steps.iter().zip(&pred) {
        report.rows.push((name.to_string(), score(&gold, p, types)));
    }
    let tokens: usize = docs.iter().flatten().map(|s| s.words.len()).sum();
    let sentences: usize = docs.iter().map(|d| d.len()).sum();
    for (_, r) in report.rows.iter_mut() {
        r.tokens = tokens;
        r.sentences = sentences;
    }
    report.cache = crate::component::Component::cache_stats(model).unwrap_or_default();
    Ok(report)
}

/// The run path's post-processing switched on one step at a time, in the order `run` applies them.
fn run_path_steps() -> [(&'static str, PostProcess); 5] {
    let off = PostProcess {
        trim_punctuation: false,
        consistent_labels: false,
        merge_demonyms: false,
        nominal_mentions: false,
    };
    [
        ("run path: model labels only", off),
        (
            "  + demonym-organisation merge",
            PostProcess {
                merge_demonyms: true,
                ..off
            },
        ),
        (
            "  + nominal mentions (= run before issue 13)",
            PostProcess {
                merge_demonyms: true,
                nominal_mentions: true,
                ..off
            },
        ),
        (
            "  + no name starts with punctuation",
            PostProcess {
                consistent_labels: false,
                ..PostProcess::RUN
            },
        ),
        ("  + one label per name (= run)", PostProcess::RUN),
    ]
}

/// Char-span entities per document from the file's own sentences (as `eval ner` tags them), and
/// the same with one label per name within the document.
#[allow(clippy::type_complexity)]
fn own_sentences(
    model: &NerModel,
    docs: &[Vec<ConllSentence>],
) -> crate::Result<(
    Vec<Vec<(usize, usize, EntityLabel)>>,
    Vec<Vec<(usize, usize, EntityLabel)>>,
)> {
    let words = crate::ner::conll::document_words(docs);
    let mut tags = model.predict_documents(&words)?.into_iter().flatten();
    let (mut own, mut consistent) = (Vec::new(), Vec::new());
    for d in docs {
        let (_, tokens) = join_document(d);
        let mut ents = Vec::new();
        for (k, (t, sentence)) in tokens.iter().zip(d).enumerate() {
            let tags = tags.next().unwrap_or_default();
            let labels: Vec<usize> = tags.iter().map(|w| w.label).collect();
            for (lo, hi, label) in spans(&labels) {
                let (Some(a), Some(b), Some(p)) = (t.get(lo), t.get(hi - 1), tags.get(lo..hi))
                else {
                    continue;
                };
                ents.push(Entity {
                    id: ents.len(),
                    sentence: k,
                    span: Span::new(a.start, b.end),
                    text: sentence.words.get(lo..hi).unwrap_or_default().join(" "),
                    label,
                    score: p.iter().map(|w| w.prob).sum::<f32>() / p.len() as f32,
                    canonical: String::new(),
                    key: String::new(),
                });
            }
        }
        own.push(char_spans(&ents));
        crate::ner::canonical::harmonise_labels(&mut ents);
        consistent.push(char_spans(&ents));
    }
    Ok((own, consistent))
}

/// Adds one document's segmentation figures to `seg`.
fn count_segmentation(
    seg: &mut Segmentation,
    doc: &[ConllSentence],
    gold: &[(usize, usize, EntityLabel)],
    run: &crate::text::Doc,
) {
    seg.documents += 1;
    seg.conll_sentences += doc.len();
    seg.conll_tokens += doc.iter().map(|s| s.words.len()).sum::<usize>();
    seg.run_sentences += run.sentences.len();
    seg.run_tokens += run.tokens.len();
    seg.gold_entities += gold.len();
    let starts: HashSet<usize> = run.tokens.iter().map(|t| t.span.start).collect();
    let ends: HashSet<usize> = run.tokens.iter().map(|t| t.span.end).collect();
    for &(a, b, _) in gold {
        if !starts.contains(&a) || !ends.contains(&b) {
            seg.gold_off_token_boundaries += 1;
        } else if run.sentence_at(a) != run.sentence_at(b.saturating_sub(1)) {
            seg.gold_across_sentences += 1;
        }
        if run.skipped.iter().any(|(s, _)| s.start < b && a < s.end) {
            seg.gold_in_junk += 1;
        }
    }
    seg.run_sentences_over_lines += run
        .sentences
        .iter()
        .filter(|s| run.slice(s.span).contains('\n'))
        .count();
}

impl fmt::Display for RunPathReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.segmentation;
        writeln!(
            f,
            "{} documents, {} CoNLL sentences as lines -> {} run sentences ({} over a line break), \
             {} CoNLL tokens -> {} run tokens",
            s.documents,
            s.conll_sentences,
            s.run_sentences,
            s.run_sentences_over_lines,
            s.conll_tokens,
            s.run_tokens
        )?;
        writeln!(
            f,
            "{} gold entities: {} end off a run token boundary, {} cross a run sentence boundary, {} in junk",
            s.gold_entities, s.gold_off_token_boundaries, s.gold_across_sentences, s.gold_in_junk
        )?;
        writeln!(
            f,
            "NER cache: {} model inputs looked up (sentences; whole articles with a document-context model), {} hits",
            self.cache.lookups, self.cache.hits
        )?;
        writeln!(
            f,
            "{:<48} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "exact char spans", "precision", "recall", "f1", "tp", "fp", "fn"
        )?;
        for (name, r) in &self.rows {
            prf_row(f, 48, name, &r.overall)?;
        }
        let per_type = |r: &NerReport| {
            r.per_type
                .iter()
                .map(|(t, c)| format!("{t} {:.2}", 100.0 * c.f1()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (name, r) in [self.rows.first(), self.rows.last()].into_iter().flatten() {
            writeln!(f, "per type, {}: {}", name.trim(), per_type(r))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityLabel::*;

    #[test]
    fn joined_documents_keep_token_spans() {
        let doc = vec![
            ConllSentence {
                words: vec!["EU".into(), "rejects".into()],
                tags: vec!["B-ORG".into(), "O".into()],
            },
            ConllSentence {
                words: vec!["Peter".into(), "Blackburn".into()],
                tags: vec!["B-PER".into(), "I-PER".into()],
            },
        ];
        let (text, tokens) = join_document(&doc);
        assert_eq!(text, "EU rejects\nPeter Blackburn");
        assert_eq!(gold_spans(&doc, &tokens), vec![(0, 2, ORG), (11, 26, PER)]);
    }

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
