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

/// Entities of one article from the word labels of its sentences.
pub fn entities_from_tags(
    text: &str,
    doc: &crate::text::Doc,
    tags: &[Vec<model::WordTag>],
) -> Vec<Entity> {
    let mut out = Vec::new();
    for (s, sent_tags) in tags.iter().enumerate() {
        let toks = doc.sentence_tokens(s);
        let labels: Vec<usize> = sent_tags.iter().map(|t| t.label).collect();
        for (lo, hi, label) in decode::spans(&labels) {
            let (Some(first), Some(last)) = (toks.get(lo), toks.get(hi - 1)) else {
                continue;
            };
            let span = Span::new(first.span.start, last.span.end);
            let score = sent_tags[lo..hi].iter().map(|t| t.prob).sum::<f32>() / (hi - lo) as f32;
            out.push(Entity {
                id: out.len(),
                sentence: s,
                span,
                text: doc.chars.slice(text, span).to_string(),
                label,
                score,
                canonical: String::new(),
                key: String::new(),
            });
        }
    }
    canonical::merge_demonym_orgs(text, &doc.chars, &mut out);
    canonical::link(&mut out);
    canonical::add_nominal_mentions(text, doc, &mut out);
    out
}

impl crate::component::Component for NerModel {
    fn name(&self) -> &'static str {
        "ner"
    }

    /// All sentences of the batch go through the model together (length-bucketed inside).
    fn process(&self, batch: &mut [crate::doc::Analysis]) -> crate::Result<()> {
        let mut sentences: Vec<Vec<std::borrow::Cow<'_, str>>> = Vec::new();
        let mut owner = Vec::new();
        for (a, an) in batch.iter().enumerate() {
            for s in 0..an.doc.sentences.len() {
                let words = an
                    .doc
                    .sentence_tokens(s)
                    .iter()
                    .map(|t| model_word(an.doc.chars.slice(&an.article.text, t.span)))
                    .collect();
                sentences.push(words);
                owner.push(a);
            }
        }
        let tags = self.predict(&sentences)?;
        drop(sentences);
        let mut per_article: Vec<Vec<Vec<model::WordTag>>> =
            batch.iter().map(|_| Vec::new()).collect();
        for (t, a) in tags.into_iter().zip(owner) {
            per_article[a].push(t);
        }
        for (an, tags) in batch.iter_mut().zip(per_article) {
            an.entities = entities_from_tags(&an.article.text, &an.doc, &tags);
        }
        Ok(())
    }
}
