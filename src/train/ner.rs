//! `newsmine train ner`: fine-tunes the base encoder as a BIO token classifier on CoNLL files.
use super::{fit, set_threads, Task, TrainOptions};
use crate::encoder;
use crate::eval::ner::{score_tags, NerReport};
use crate::ner::conll::{read_conll_documents, ConllSentence};
use crate::ner::decode::{label_index, LABELS};
use crate::ner::model::{
    concat, encode_words, make_batch, pack, predict_documents, Encoded, NerConfig, NerModelFile,
    NerNet,
};
use crate::ner::EntityLabel;
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use tch::{nn, Tensor};

/// A training sentence as word pieces with `[CLS]`/`[SEP]` and one label per word.
struct Example {
    enc: Encoded,
    labels: Vec<i64>,
}

/// Training examples of each document: each sentence alone, or (`documents`) runs of
/// consecutive sentences packed into one example of at most `max_tokens` pieces, as prediction
/// then packs them (`ner::model::predict_documents`).
fn encode_examples(
    tok: &tokenizers::Tokenizer,
    docs: &[Vec<ConllSentence>],
    max_tokens: usize,
    documents: bool,
    also_sentences: bool,
) -> Result<Vec<Example>> {
    let crate::encoder::Special { cls, sep, .. } = crate::encoder::Special::of(tok)?;
    let room = max_tokens - 2;
    let mut out = Vec::new();
    for doc in docs {
        let mut encs = Vec::with_capacity(doc.len());
        for s in doc {
            let words: Vec<&str> = s.words.iter().map(|w| w.as_str()).collect();
            encs.push(encode_words(tok, &words)?);
        }
        let alone = (0..encs.len()).map(|i| i..i + 1);
        let runs: Vec<std::ops::Range<usize>> = if documents {
            let packed = pack(&encs.iter().map(|e| e.ids.len()).collect::<Vec<_>>(), room);
            // a document of one sentence is already its sentence alone
            let extra = alone.filter(|_| also_sentences && doc.len() > 1);
            packed.into_iter().chain(extra).collect()
        } else {
            alone.collect()
        };
        for r in runs {
            let enc = concat(&encs[r.clone()].iter().collect::<Vec<_>>());
            let tags: Vec<&String> = doc[r].iter().flat_map(|s| &s.tags).collect();
            // A sentence longer than the room is cut (CoNLL has almost none); prediction windows it.
            let n_words = enc.word_starts.iter().take_while(|&&p| p < room).count();
            let end_piece = if n_words < enc.word_starts.len() {
                enc.word_starts[n_words]
            } else {
                enc.ids.len().min(room)
            };
            let mut ids = vec![cls];
            ids.extend_from_slice(&enc.ids[..end_piece]);
            ids.push(sep);
            let mut shapes = vec![0];
            shapes.extend_from_slice(&enc.shapes[..end_piece]);
            shapes.push(0);
            let word_starts = enc.word_starts[..n_words].iter().map(|p| p + 1).collect();
            let labels = tags[..n_words]
                .iter()
                .map(|t| label_index(t).unwrap_or(0) as i64)
                .collect();
            out.push(Example {
                enc: Encoded {
                    ids,
                    shapes,
                    word_starts,
                },
                labels,
            });
        }
    }
    Ok(out)
}

pub struct NerTrainData {
    pub train: PathBuf,
    pub dev: PathBuf,
    /// train on runs of consecutive sentences of a document (document context), not sentences
    pub documents: bool,
    /// with `documents`: every sentence alone as well
    pub also_sentences: bool,
}

/// Dev-set F1 (all four types) of the network as it is now.
fn dev_report(
    net: &NerNet,
    tok: &tokenizers::Tokenizer,
    config: &NerConfig,
    context_tokens: usize,
    dev: &[Vec<ConllSentence>],
) -> Result<NerReport> {
    let words: Vec<Vec<Vec<&str>>> = dev
        .iter()
        .map(|d| {
            d.iter()
                .map(|s| s.words.iter().map(|w| w.as_str()).collect())
                .collect()
        })
        .collect();
    let pred: Vec<_> = predict_documents(net, tok, config, context_tokens, &words)?
        .into_iter()
        .flatten()
        .collect();
    let gold: Vec<ConllSentence> = dev.iter().flatten().cloned().collect();
    Ok(score_tags(&gold, &pred, &EntityLabel::ALL))
}

/// The NER network with its training and dev data.
struct NerTask {
    net: NerNet,
    tok: tokenizers::Tokenizer,
    examples: Vec<Example>,
    dev: Vec<Vec<ConllSentence>>,
    eval_config: NerConfig,
    model_file: NerModelFile,
}

impl Task for NerTask {
    fn name(&self) -> &'static str {
        "ner"
    }
    fn n_examples(&self) -> usize {
        self.examples.len()
    }
    fn example_len(&self, i: usize) -> usize {
        self.examples[i].enc.ids.len()
    }
    fn loss(&self, batch: &[usize]) -> Result<Tensor> {
        let items: Vec<&Encoded> = batch.iter().map(|&i| &self.examples[i].enc).collect();
        let labels: Vec<i64> = batch
            .iter()
            .flat_map(|&i| self.examples[i].labels.iter().copied())
            .collect();
        let logits = self
            .net
            .forward(&make_batch(&items, self.eval_config.device), true)?;
        Ok(logits.cross_entropy_for_logits(
            &Tensor::from_slice(&labels).to_device(self.eval_config.device),
        ))
    }
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)> {
        let report = dev_report(
            &self.net,
            &self.tok,
            &self.eval_config,
            self.model_file.context_tokens,
            &self.dev,
        )?;
        eprintln!("{report}");
        Ok((
            report.overall.f1(),
            serde_json::to_value(&report)?,
            serde_json::to_value(&self.model_file)?,
        ))
    }
}

pub fn train(data: &NerTrainData, opts: &TrainOptions) -> Result<()> {
    set_threads(opts.threads);
    tch::manual_seed(opts.seed as i64);
    let device = encoder::device();
    let base_dir = encoder::base_model_dir(None)?;
    let tok = encoder::load_tokenizer(&base_dir)?;
    let bert = encoder::load_bert_config(&base_dir)?;
    let mut train_d = read_conll_documents(&data.train)?;
    if let Some(n) = opts.limit {
        // the first n sentences, by document
        let mut left = n;
        for d in &mut train_d {
            d.truncate(left);
            left -= d.len();
        }
        train_d.retain(|d| !d.is_empty());
    }
    let dev = read_conll_documents(&data.dev)?;
    let count = |d: &[Vec<ConllSentence>]| d.iter().map(Vec::len).sum::<usize>();
    if count(&train_d) == 0 || count(&dev) == 0 {
        return Err(Error::Usage(
            "training and dev files must contain sentences".into(),
        ));
    }
    let examples = encode_examples(
        &tok,
        &train_d,
        opts.max_tokens,
        data.documents,
        data.also_sentences,
    )?;
    eprintln!(
        "train ner: {} training sentences of {} documents in {} examples{}, {} dev sentences, device {device:?}",
        count(&train_d),
        train_d.len(),
        examples.len(),
        match (data.documents, data.also_sentences) {
            (true, true) => " (document context, and every sentence alone)",
            (true, false) => " (document context)",
            _ => "",
        },
        count(&dev)
    );
    let mut vs = nn::VarStore::new(device);
    let mut net = NerNet::new(&vs.root(), &bert, LABELS.len() as i64);
    net.backbone.load_base(&mut vs, &base_dir)?;
    encoder::freeze_lower_layers(&vs, opts.freeze_layers);
    let model_file = NerModelFile {
        task: "ner".into(),
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        n_shapes: encoder::shape::COUNT,
        bert: serde_json::to_value(&bert)?,
        max_tokens: 256,
        context_tokens: if data.documents { opts.max_tokens } else { 0 },
    };
    let eval_config = NerConfig {
        device,
        batch_size: 64,
        max_tokens: opts.max_tokens,
        ..NerConfig::default()
    };
    let mut task = NerTask {
        net,
        tok,
        examples,
        dev,
        eval_config,
        model_file,
    };
    fit(&mut task, &mut vs, opts)?;
    Ok(())
}

/// Does `dir` hold a finished model (not only a checkpoint)?
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file() && dir.join("config.json").is_file()
}
