//! `newsmine train quotes --tagger`: fine-tunes the base encoder as a BIO tagger of PolNeAR's
//! attribution spans (source, cue, content; `quote_tagger::LABELS`) over runs of consecutive
//! sentences (contents often cross a sentence end), on the NER network and training code
//! (`train::tagger`).
//!
//! Labels: each article is segmented by the text stage, as a run segments it, and each token
//! takes the role of the gold spans it overlaps — cue before source before content, so a
//! nested attribution's source and cue stay visible inside the content around it. A token
//! continues (`I-`) a span of the same role of the same relation, else begins one (`B-`).
//!
//! Dev: contents predicted (after `quote_tagger::assemble`'s merging across sentence ends)
//! against the gold contents at word overlap ≥ 0.5 (`|pred ∩ gold| / max`), one-to-one.
use super::tagger::{train_tagger, TagTask};
use super::TrainOptions;
use crate::encoder::tagger::WordTag;
use crate::eval::quotes::{load_polnear, GoldArticle};
use crate::ner::conll::ConllSentence;
use crate::quote_tagger::{chunks, QuoteTaggerFile, Role, LABELS};
use crate::text::{Span, TextConfig};
use crate::Result;
use std::path::Path;

/// The tagged sentences of each article (`[article][sentence]`).
pub fn tagged_documents(gold: &[GoldArticle]) -> Vec<Vec<ConllSentence>> {
    gold.iter().map(tagged_document).collect()
}

fn tagged_document(g: &GoldArticle) -> Vec<ConllSentence> {
    let doc = crate::text::analyse(&g.article.text, &TextConfig::default());
    // the role a token takes, and which relation it belongs to
    let role_of = |t: Span| -> Option<(Role, usize)> {
        for (role, pick) in [
            (
                Role::Cue,
                (|q| &q.cue) as fn(&crate::eval::quotes::GoldQuote) -> &Vec<Span>,
            ),
            (Role::Source, |q| &q.source),
            (Role::Content, |q| &q.content),
        ] {
            if let Some(r) = g
                .quotes
                .iter()
                .position(|q| pick(q).iter().any(|s| s.overlaps(&t)))
            {
                return Some((role, r));
            }
        }
        None
    };
    (0..doc.sentences.len())
        .map(|s| {
            let toks = doc.sentence_tokens(s);
            let mut prev = None;
            let mut words = Vec::with_capacity(toks.len());
            let mut tags = Vec::with_capacity(toks.len());
            for t in toks {
                words.push(doc.slice(t.span).to_string());
                let now = role_of(t.span);
                tags.push(match now {
                    None => "O".to_string(),
                    Some((role, _)) => {
                        let b = if prev == now { "I" } else { "B" };
                        format!("{b}-{}", role.as_str())
                    }
                });
                prev = now;
            }
            ConllSentence { words, tags }
        })
        .collect()
}

/// Content chunks of one document as `(first word, end word)` over its words laid end to end.
fn contents(tags: impl Iterator<Item = Vec<usize>>) -> Vec<(usize, usize)> {
    let sentences: Vec<Vec<usize>> = tags.collect();
    // as training saw them: PolNeAR contents run over paragraphs too
    chunks(&sentences, |_| true)
        .into_iter()
        .filter(|c| c.role == Role::Content)
        .map(|c| (c.start, c.end))
        .collect()
}

/// Dev F1 of the contents at word overlap ≥ 0.5, printed.
fn dev_score(
    dev: &[Vec<ConllSentence>],
    pred: &[Vec<Vec<WordTag>>],
) -> Result<(f64, serde_json::Value)> {
    let (mut n_gold, mut n_pred, mut hit) = (0usize, 0usize, 0usize);
    for (d, p) in dev.iter().zip(pred) {
        let gold = contents(d.iter().map(|s| {
            s.tags
                .iter()
                .map(|t| crate::encoder::tagger::label_index(&LABELS, t).unwrap_or(0))
                .collect()
        }));
        let predicted = contents(p.iter().map(|s| s.iter().map(|t| t.label).collect()));
        n_gold += gold.len();
        n_pred += predicted.len();
        let mut used = vec![false; gold.len()];
        for &(ps, pe) in &predicted {
            let best = gold.iter().enumerate().find(|&(k, &(gs, ge))| {
                let inter = pe.min(ge).saturating_sub(ps.max(gs));
                !used[k] && 2 * inter >= (pe - ps).max(ge - gs)
            });
            if let Some((k, _)) = best {
                used[k] = true;
                hit += 1;
            }
        }
    }
    let p = hit as f64 / n_pred.max(1) as f64;
    let r = hit as f64 / n_gold.max(1) as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    eprintln!(
        "dev contents @0.5 words: P {:.1} R {:.1} F1 {:.1} ({n_pred} predicted, {n_gold} gold)",
        100.0 * p,
        100.0 * r,
        100.0 * f1
    );
    Ok((
        f1,
        serde_json::json!({"precision": p, "recall": r, "f1": f1, "predicted": n_pred, "gold": n_gold}),
    ))
}

/// Trains the tagger on a PolNeAR training file, selecting the epoch on the dev file.
pub fn train(train: &Path, dev: &Path, opts: &TrainOptions) -> Result<()> {
    let task = TagTask {
        name: "quote-tagger",
        labels: &LABELS,
        train: tagged_documents(&load_polnear(train)?),
        dev: tagged_documents(&load_polnear(dev)?),
        documents: true,
        also_sentences: false,
        score: dev_score,
        model_file: Box::new(|bert, context_tokens| {
            Ok(serde_json::to_value(QuoteTaggerFile {
                task: "quote-tagger".into(),
                labels: LABELS.iter().map(|s| s.to_string()).collect(),
                n_shapes: crate::encoder::shape::COUNT,
                bert,
                max_tokens: 256,
                context_tokens,
                threshold: crate::quote_tagger::DEFAULT_THRESHOLD,
                rule_threshold: crate::quote_tagger::DEFAULT_RULE_THRESHOLD,
            })?)
        }),
    };
    train_tagger(task, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::quotes::GoldQuote;

    #[test]
    fn tokens_take_the_role_of_the_gold_span_cue_first() {
        // "Aides said he told them to wait."  outer: Aides said [he told them to wait];
        // inner: he told [them to wait]
        let text = "Aides said he told them to wait.";
        let sp = |a: &str| {
            let s = text.find(a).unwrap();
            Span::new(s, s + a.len())
        };
        let quote = |content, source, cue| GoldQuote {
            content: vec![sp(content)],
            source: vec![sp(source)],
            cue: vec![sp(cue)],
            direct: false,
            cue_class: "speech".into(),
        };
        let gold = GoldArticle {
            article: crate::corpus::Article {
                text: text.into(),
                ..Default::default()
            },
            quotes: vec![
                quote("he told them to wait", "Aides", "said"),
                quote("them to wait", "he", "told"),
            ],
        };
        let docs = tagged_documents(&[gold]);
        assert_eq!(docs.len(), 1);
        let s = &docs[0][0];
        assert_eq!(
            s.words,
            ["Aides", "said", "he", "told", "them", "to", "wait", "."]
        );
        assert_eq!(
            s.tags,
            [
                "B-SOURCE",
                "B-CUE",
                "B-SOURCE",
                "B-CUE",
                "B-CONTENT",
                "I-CONTENT",
                "I-CONTENT",
                "O"
            ]
        );
    }
}
