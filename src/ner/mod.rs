//! Named entities: a token classifier fine-tuned by newsmine on the base encoder (see `train::ner`).
pub mod canonical;
pub mod conll;
pub mod decode;
pub mod model;

pub use model::{NerConfig, NerModel};

pub use crate::doc::{Entity, EntityLabel};
use crate::text::Span;

/// Normalises a token for the model (curly quotes as plain ones, as in the training data); the
/// text that offsets refer to is untouched.
fn model_word(w: &str) -> std::borrow::Cow<'_, str> {
    if w.contains(['’', '‘', '“', '”']) {
        std::borrow::Cow::Owned(w.replace(['’', '‘'], "'").replace(['“', '”'], "\""))
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

/// What follows the model's labels on the run path (all on in `run`; `eval ner --run-path`
/// switches them one at a time to show what each does).
#[derive(Clone, Copy, Debug)]
pub struct PostProcess {
    /// a name never starts with a token without a letter or digit: "1. Michelle Freeman" (a
    /// results list) tokenised "1" "." had "." tagged PER (CoNLL's own tokens keep "1." whole)
    pub trim_punctuation: bool,
    /// one label for all mentions of a name within the article (`canonical::harmonise_labels`)
    pub consistent_labels: bool,
    /// "Russian" + "Foreign Ministry" → one organisation (`canonical::merge_demonym_orgs`)
    pub merge_demonyms: bool,
    /// "the ministry" as a mention of an earlier organisation (`canonical::add_nominal_mentions`)
    pub nominal_mentions: bool,
}

impl PostProcess {
    /// What `run` does.
    pub const RUN: PostProcess = PostProcess {
        trim_punctuation: true,
        consistent_labels: true,
        merge_demonyms: true,
        nominal_mentions: true,
    };
}

/// Entities of one article from the word labels of its sentences.
pub fn entities_from_tags(doc: &crate::text::Doc, tags: &[Vec<model::WordTag>]) -> Vec<Entity> {
    entities_with(doc, tags, PostProcess::RUN)
}

/// Entities of one article from the word labels of its sentences, with the given post-processing.
pub fn entities_with(
    doc: &crate::text::Doc,
    tags: &[Vec<model::WordTag>],
    post: PostProcess,
) -> Vec<Entity> {
    let mut out = Vec::new();
    for (s, sent_tags) in tags.iter().enumerate() {
        let toks = doc.sentence_tokens(s);
        let labels: Vec<usize> = sent_tags.iter().map(|t| t.label).collect();
        for (mut lo, hi, label) in decode::spans(&labels) {
            let word = |i: usize| toks.get(i).map_or("", |t| doc.slice(t.span));
            while post.trim_punctuation && lo < hi && !word(lo).chars().any(char::is_alphanumeric) {
                lo += 1;
            }
            if lo >= hi {
                continue;
            }
            let (Some(first), Some(last)) = (toks.get(lo), toks.get(hi - 1)) else {
                continue;
            };
            let span = Span::new(first.span.start, last.span.end);
            let score = sent_tags[lo..hi].iter().map(|t| t.prob).sum::<f32>() / (hi - lo) as f32;
            out.push(Entity {
                id: out.len(),
                sentence: s,
                span,
                text: doc.slice(span).to_string(),
                label,
                score,
                canonical: String::new(),
                key: String::new(),
            });
        }
    }
    if post.consistent_labels {
        canonical::harmonise_labels(&mut out);
    }
    if post.merge_demonyms {
        canonical::merge_demonym_orgs(doc, &mut out);
    }
    canonical::link(&mut out);
    if post.nominal_mentions {
        canonical::add_nominal_mentions(doc, &mut out);
    }
    out
}

impl NerModel {
    /// Word labels of every sentence of every article of the batch (`[article][sentence]`), all
    /// inputs in one length-bucketed model call. An input is what the model sees at once: one
    /// sentence, or with a document-context model the whole article (packed into runs of
    /// sentences). An input met before in the run (or earlier in the batch) takes the labels it
    /// got then: its words are the whole model input (the first-word shapes included), so the
    /// labels are the same, less the encoder work.
    pub fn tag_batch(
        &self,
        batch: &[crate::doc::Analysis],
    ) -> crate::Result<Vec<Vec<Vec<model::WordTag>>>> {
        type Words<'a> = Vec<std::borrow::Cow<'a, str>>;
        let mut inputs: Vec<Vec<Words<'_>>> = Vec::new();
        let mut owner = Vec::new();
        for (a, an) in batch.iter().enumerate() {
            let sentences = (0..an.doc.sentences.len()).map(|s| {
                an.doc
                    .sentence_tokens(s)
                    .iter()
                    .map(|t| model_word(an.doc.slice(t.span)))
                    .collect::<Words<'_>>()
            });
            if self.context_tokens == 0 {
                for s in sentences {
                    inputs.push(vec![s]);
                    owner.push(a);
                }
            } else {
                inputs.push(sentences.collect());
                owner.push(a);
            }
        }
        let plan = self.cache.plan(
            inputs
                .iter()
                .map(|sentences| {
                    // a sentence break is part of the input: "\n" cannot be a token
                    let parts: Vec<&str> = sentences
                        .iter()
                        .flat_map(|w| w.iter().map(|w| w.as_ref()).chain(["\n"]))
                        .collect();
                    crate::cache::key(&parts)
                })
                .collect(),
        );
        let todo: Vec<&[Words<'_>]> = plan.compute.iter().map(|&i| inputs[i].as_slice()).collect();
        let computed = self.predict_documents(&todo)?;
        let tags = self
            .cache
            .fill(plan, computed)
            .ok_or_else(|| crate::Error::Other("NER: fewer results than sentences".into()))?;
        let mut per_article: Vec<Vec<Vec<model::WordTag>>> =
            batch.iter().map(|_| Vec::new()).collect();
        for (t, a) in tags.into_iter().zip(owner) {
            per_article[a].extend(t);
        }
        Ok(per_article)
    }
}

impl crate::component::Component for NerModel {
    fn name(&self) -> &'static str {
        "ner"
    }

    fn assigns(&self) -> &'static [crate::component::Field] {
        &[crate::component::Field::Entities]
    }

    fn process(&self, batch: &mut [crate::doc::Analysis]) -> crate::Result<()> {
        let tags = self.tag_batch(batch)?;
        for (an, tags) in batch.iter_mut().zip(tags) {
            an.entities = entities_from_tags(&an.doc, &tags);
        }
        Ok(())
    }

    fn cache_stats(&self) -> Option<crate::cache::Stats> {
        Some(self.cache.stats())
    }
}
