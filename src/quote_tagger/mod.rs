//! The quote tagger: a BIO token classifier (the token tagger NER uses too, [`TaggerNet`]) over PolNeAR's
//! attribution spans — source, cue, content — trained by `newsmine train quotes --tagger`. It
//! finds the attributions the rules (`quotes/`) miss, most of them with a cue the lexicon does
//! not list ("the poll shows", "described", "in a statement"): the rules propose, the tagger
//! adds what they did not find (`assemble`), and every added row carries the tagger's
//! confidence. Rows the rules found stay theirs.
pub mod assemble;

use crate::component::{Component, Field};
use crate::doc::Analysis;
use crate::encoder;
use crate::encoder::tagger::{predict_documents, Batching, TaggerNet, WordTag};
use crate::quotes::CueClasses;
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tch::{nn, Device};
use tokenizers::Tokenizer;

/// The label set (IOB2), in the model's output order.
pub const LABELS: [&str; 7] = [
    "O",
    "B-SOURCE",
    "I-SOURCE",
    "B-CUE",
    "I-CUE",
    "B-CONTENT",
    "I-CONTENT",
];

/// Added statements under this confidence are dropped unless the model folder says otherwise:
/// the best of the threshold sweep on PolNeAR dev for all cue classes (where the tagger adds
/// most), which also keeps precision in the default classes (`models/quote_tagger/MODEL_CARD.md`).
pub const DEFAULT_THRESHOLD: f32 = 0.7;

/// A rule row no other model scored is dropped when the tagger's agreement with it
/// ([`assemble::agreement`]) is under this: the best of the sweep on PolNeAR dev in the default
/// classes (`eval quotes`; `models/quote_tagger/MODEL_CARD.md`), where it keeps more precision
/// than the quote model did at no cost in recall.
pub const DEFAULT_RULE_THRESHOLD: f32 = 0.4;

fn default_rule_threshold() -> f32 {
    DEFAULT_RULE_THRESHOLD
}

/// The part of an attribution a span is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl Role {
    /// The name in the labels (`B-SOURCE` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "SOURCE",
            Role::Cue => "CUE",
            Role::Content => "CONTENT",
        }
    }
    pub(crate) fn of_label(label: usize) -> Option<Role> {
        match LABELS.get(label)?.get(2..)? {
            "SOURCE" => Some(Role::Source),
            "CUE" => Some(Role::Cue),
            "CONTENT" => Some(Role::Content),
            _ => None,
        }
    }
}

/// One tagged span over a document's words laid end to end (`[start, end)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    pub role: Role,
    pub start: usize,
    pub end: usize,
}

/// The spans of a document's sentences' labels (indexes into [`LABELS`]). A content that ends
/// its sentence and one that begins the next are one span when `joins(s)` says sentence `s`
/// goes on from sentence `s - 1` (in a run: the same paragraph, so that a headline never runs
/// into the lede): the model labels each sentence's first word `B-`, but PolNeAR's contents
/// often run over several sentences.
pub fn chunks(sentences: &[Vec<usize>], joins: impl Fn(usize) -> bool) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut at = 0;
    for (s, labels) in sentences.iter().enumerate() {
        let mut open: Option<Chunk> = None;
        for (i, &l) in labels.iter().enumerate() {
            let role = Role::of_label(l);
            let begins = LABELS.get(l).is_some_and(|t| t.starts_with("B-"));
            match (&mut open, role) {
                (Some(c), Some(r)) if c.role == r && !begins => c.end = at + i + 1,
                _ => {
                    out.extend(open.take());
                    if let Some(role) = role {
                        let continues = i == 0
                            && joins(s)
                            && role == Role::Content
                            && out
                                .last()
                                .is_some_and(|c| c.role == Role::Content && c.end == at);
                        if continues {
                            open = out.pop().map(|mut c| {
                                c.end = at + 1;
                                c
                            });
                        } else {
                            open = Some(Chunk {
                                role,
                                start: at + i,
                                end: at + i + 1,
                            });
                        }
                    }
                }
            }
        }
        out.extend(open);
        at += labels.len();
    }
    out
}

/// `config.json` of a trained quote tagger folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuoteTaggerFile {
    pub task: String,
    pub labels: Vec<String>,
    pub n_shapes: i64,
    pub bert: serde_json::Value,
    pub max_tokens: usize,
    /// consecutive sentences share one input of at most this many pieces, as in training
    pub context_tokens: usize,
    /// added statements under this confidence are dropped
    pub threshold: f32,
    /// the rules' statements the tagger agrees with less than this are dropped
    #[serde(default = "default_rule_threshold")]
    pub rule_threshold: f32,
}

#[derive(Clone, Debug)]
pub struct QuoteTaggerConfig {
    pub model_dir: PathBuf,
    pub base_dir: Option<PathBuf>,
    pub batch_size: usize,
    pub device: Device,
    /// run the encoder in bfloat16 (faster on CPUs with AMX/AVX512-BF16)
    pub bf16: bool,
    /// drop added statements under this confidence instead of the model's own threshold
    pub threshold: Option<f32>,
    /// the cue classes a run keeps (`[quotes] include`): added rows of other classes are dropped
    pub classes: CueClasses,
}

impl Default for QuoteTaggerConfig {
    fn default() -> Self {
        QuoteTaggerConfig {
            model_dir: encoder::default_model_dir("quote_tagger"),
            base_dir: None,
            batch_size: 32,
            device: encoder::device(),
            bf16: false,
            threshold: None,
            classes: CueClasses::DEFAULT,
        }
    }
}

/// A loaded quote tagger.
pub struct QuoteTagger {
    _vs: nn::VarStore,
    net: TaggerNet,
    tokenizer: Tokenizer,
    batching: Batching,
    context_tokens: usize,
    classes: CueClasses,
    /// the threshold in force (the config's, else the model's)
    pub threshold: f32,
    /// rule rows under this agreement are dropped (the model file's)
    pub rule_threshold: f32,
    pub files: Vec<PathBuf>,
}

impl QuoteTagger {
    pub fn new(config: QuoteTaggerConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<QuoteTaggerFile>(
            "Quote tagger",
            "--quote-tagger",
            "quote-tagger",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        let (vs, net) = crate::encoder::tagger::load_tagger(
            &folder,
            &folder.file.labels,
            &LABELS,
            config.device,
            config.bf16,
        )?;
        Ok(QuoteTagger {
            _vs: vs,
            net,
            tokenizer: folder.tokenizer,
            batching: Batching {
                batch_size: config.batch_size,
                max_tokens: folder.file.max_tokens,
                device: config.device,
            },
            context_tokens: folder.file.context_tokens,
            classes: config.classes,
            threshold: config.threshold.unwrap_or(folder.file.threshold),
            rule_threshold: folder.file.rule_threshold,
            files: folder.files,
        })
    }

    /// Word labels of every sentence of every article (`[article][sentence]`), in one call.
    pub fn tag(&self, batch: &[Analysis]) -> Result<Vec<Vec<Vec<WordTag>>>> {
        let docs: Vec<Vec<Vec<&str>>> = batch
            .iter()
            .map(|a| {
                (0..a.doc.sentences.len())
                    .map(|s| {
                        a.doc
                            .sentence_tokens(s)
                            .iter()
                            .map(|t| a.doc.slice(t.span))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        predict_documents(
            &self.net,
            &self.tokenizer,
            &self.batching,
            self.context_tokens,
            &docs,
        )
    }

    /// Scores each rule row no model scored by the tagger's agreement with it (dropping those
    /// under the rule threshold), then adds the tagged attributions the rules did not find, each
    /// with its confidence, those under the threshold left out.
    pub fn add(&self, batch: &mut [Analysis]) -> Result<()> {
        let tags = self.tag(batch)?;
        for (a, t) in batch.iter_mut().zip(tags) {
            assemble::score_rows(&a.doc, &t, &mut a.quotes, self.rule_threshold);
            let found = assemble::attributions(&a.doc, &t);
            assemble::merge(
                &a.doc,
                &a.entities,
                &mut a.quotes,
                found,
                self.classes,
                self.threshold,
            );
        }
        Ok(())
    }
}

impl Component for QuoteTagger {
    fn name(&self) -> &'static str {
        "quote-tagger"
    }

    fn requires(&self) -> &'static [Field] {
        &[Field::Quotes]
    }

    fn uses(&self) -> &'static [(Field, &'static str)] {
        &[(
            Field::Entities,
            "quote-tagger runs without entities: added speakers stay unresolved",
        )]
    }

    fn assigns(&self) -> &'static [Field] {
        &[Field::Quotes, Field::QuoteConfidence]
    }

    fn process(&self, batch: &mut [Analysis]) -> Result<()> {
        self.add(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(tag: &str) -> usize {
        crate::encoder::tagger::label_index(&LABELS, tag).unwrap()
    }

    #[test]
    fn chunks_join_a_content_across_a_sentence_end() {
        let s1 = vec![l("B-SOURCE"), l("B-CUE"), l("B-CONTENT"), l("I-CONTENT")];
        let s2 = vec![l("B-CONTENT"), l("I-CONTENT"), l("O")];
        let c = chunks(&[s1.clone(), s2.clone()], |_| true);
        // not across a paragraph break
        assert_eq!(chunks(&[s1, s2], |_| false).len(), 4);
        assert_eq!(
            c,
            vec![
                Chunk {
                    role: Role::Source,
                    start: 0,
                    end: 1
                },
                Chunk {
                    role: Role::Cue,
                    start: 1,
                    end: 2
                },
                Chunk {
                    role: Role::Content,
                    start: 2,
                    end: 6
                },
            ]
        );
    }

    #[test]
    fn chunks_keep_two_contents_of_one_sentence_apart() {
        let s = vec![l("B-CONTENT"), l("B-CONTENT"), l("O"), l("B-CONTENT")];
        assert_eq!(chunks(&[s], |_| true).len(), 3);
        assert!(chunks(&[], |_| true).is_empty());
    }
}
