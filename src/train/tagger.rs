//! The training of a BIO token tagger (`encoder::tagger::TaggerNet`) on documents of tagged
//! sentences: the NER model (`train::ner`) and the quote tagger (`train::quote_tagger`) are
//! each a [`TagTask`] (labels, data, dev score, model file) over this one loop.
use super::{fit, Task, TrainOptions};
use crate::encoder::tagger::{
    concat, encode_words, label_index, make_batch, pack, predict_documents, Batching, Encoded,
    TaggerNet, WordTag,
};
use crate::ner::conll::ConllSentence;
use crate::{Error, Result};
use tch::{nn, Tensor};

/// A training sentence as word pieces with `[CLS]`/`[SEP]` and one label per word.
struct Example {
    enc: Encoded,
    labels: Vec<i64>,
}

/// Training examples of each document: each sentence alone, or (`documents`) runs of
/// consecutive sentences packed into one example of at most `max_tokens` pieces, as prediction
/// then packs them (`encoder::tagger::predict_documents`). Tags are looked up in `labels`.
fn encode_examples(
    tok: &tokenizers::Tokenizer,
    labels: &[&str],
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
                .map(|t| label_index(labels, t).unwrap_or(0) as i64)
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

/// Scores dev predictions (`[document][sentence]` word tags against the gold documents): the
/// figure that selects the epoch, and the report written beside the model.
pub type DevScore =
    fn(&[Vec<ConllSentence>], &[Vec<Vec<WordTag>>]) -> Result<(f64, serde_json::Value)>;

/// A BIO tagging task on the token classifier (`TaggerNet`): the NER model, and the quote tagger
/// (`train::quote_tagger`) over the same code with its own labels and dev score.
pub struct TagTask {
    pub name: &'static str,
    pub labels: &'static [&'static str],
    pub train: Vec<Vec<ConllSentence>>,
    pub dev: Vec<Vec<ConllSentence>>,
    /// pack consecutive sentences (document context) in training and prediction
    pub documents: bool,
    pub also_sentences: bool,
    pub score: DevScore,
    /// `config.json` of the trained model, given the base encoder's BERT config and the
    /// document context in pieces (0: none)
    pub model_file: Box<dyn Fn(serde_json::Value, usize) -> Result<serde_json::Value>>,
}

/// The network with its training and dev data.
struct Tagging {
    net: TaggerNet,
    tok: tokenizers::Tokenizer,
    examples: Vec<Example>,
    task: TagTask,
    eval_config: Batching,
    context_tokens: usize,
    model_file: serde_json::Value,
}

impl Task for Tagging {
    fn backbone(&mut self) -> &mut crate::encoder::Backbone {
        &mut self.net.backbone
    }
    fn name(&self) -> &'static str {
        self.task.name
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
        Ok(crate::encoder::training_loss(&logits, &labels))
    }
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)> {
        let words = crate::ner::conll::document_words(&self.task.dev);
        let pred = predict_documents(
            &self.net,
            &self.tok,
            &self.eval_config,
            self.context_tokens,
            &words,
        )?;
        let (score, report) = (self.task.score)(&self.task.dev, &pred)?;
        Ok((score, report, self.model_file.clone()))
    }
}

/// Fine-tunes the base encoder on a tagging task (see [`TagTask`]).
pub fn train_tagger(mut task: TagTask, opts: &TrainOptions) -> Result<()> {
    let super::Base {
        device,
        dir: base_dir,
        tok,
        bert,
    } = super::Base::load(opts)?;
    tch::manual_seed(opts.seed as i64);
    if let Some(n) = opts.limit {
        // the first n sentences, by document
        let mut left = n;
        for d in &mut task.train {
            d.truncate(left);
            left -= d.len();
        }
        task.train.retain(|d| !d.is_empty());
    }
    let count = |d: &[Vec<ConllSentence>]| d.iter().map(Vec::len).sum::<usize>();
    if count(&task.train) == 0 || count(&task.dev) == 0 {
        return Err(Error::Usage(
            "training and dev files must contain sentences".into(),
        ));
    }
    let examples = encode_examples(
        &tok,
        task.labels,
        &task.train,
        opts.max_tokens,
        task.documents,
        task.also_sentences,
    )?;
    eprintln!(
        "train {}: {} training sentences of {} documents in {} examples{}, {} dev sentences, device {device:?}",
        task.name,
        count(&task.train),
        task.train.len(),
        examples.len(),
        match (task.documents, task.also_sentences) {
            (true, true) => " (document context, and every sentence alone)",
            (true, false) => " (document context)",
            _ => "",
        },
        count(&task.dev)
    );
    let mut vs = nn::VarStore::new(device);
    let mut net = TaggerNet::new(&vs.root(), &bert, task.labels);
    super::prepare_network(&mut vs, &mut net.backbone, &base_dir, opts, task.name)?;
    let context_tokens = if task.documents { opts.max_tokens } else { 0 };
    let model_file = (task.model_file)(serde_json::to_value(&bert)?, context_tokens)?;
    let eval_config = Batching {
        device,
        batch_size: 64,
        max_tokens: opts.max_tokens,
    };
    let mut tagging = Tagging {
        net,
        tok,
        examples,
        task,
        eval_config,
        context_tokens,
        model_file,
    };
    fit(&mut tagging, &mut vs, opts)?;
    Ok(())
}
