//! The NER network (base encoder + word shapes + linear head) and batched, windowed prediction.
use super::decode::{viterbi, LABELS};
use crate::cache::Cache;
use crate::encoder::{self, shape, Backbone};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tch::{nn, nn::Module, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// `config.json` of a trained NER model folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NerModelFile {
    pub task: String,
    pub labels: Vec<String>,
    pub n_shapes: i64,
    /// the base encoder's BERT config (architecture of the body)
    pub bert: serde_json::Value,
    pub max_tokens: usize,
    /// Document context: consecutive sentences of an article are packed into one model input of
    /// at most this many word pieces, as in training (`train ner --documents`); 0: each sentence
    /// alone (models trained before this existed).
    #[serde(default)]
    pub context_tokens: usize,
}

/// Settings of the NER stage.
#[derive(Clone, Debug)]
pub struct NerConfig {
    /// folder with `model.safetensors` and `config.json` (default: the shipped `models/ner`)
    pub model_dir: PathBuf,
    /// base encoder folder (default: installed by set-up)
    pub base_dir: Option<PathBuf>,
    /// sentences (windows) per forward pass
    pub batch_size: usize,
    /// longest window in word pieces, special tokens included; longer sentences are windowed
    pub max_tokens: usize,
    pub device: Device,
    /// run the encoder in bfloat16 (faster on CPUs with AMX/AVX512-BF16)
    pub bf16: bool,
    /// sentences whose labels the stage keeps for the rest of the run (0: no cache)
    pub cache_entries: usize,
}

/// Sentences the NER stage remembers by default: about 16 MB with news-length sentences (a digest
/// and a label per word each), more than the distinct sentences of the 2,225 BBC articles.
pub const CACHE_ENTRIES: usize = 1 << 16;

impl Default for NerConfig {
    fn default() -> Self {
        NerConfig {
            model_dir: crate::encoder::default_model_dir("ner"),
            base_dir: None,
            batch_size: 32,
            max_tokens: 256,
            device: encoder::device(),
            bf16: false,
            cache_entries: CACHE_ENTRIES,
        }
    }
}

/// The network: encoder body with shape embeddings, dropout, and a linear layer over the first
/// word piece of each word.
pub struct NerNet {
    pub backbone: Backbone,
    head: nn::Linear,
    dropout: f64,
}

impl NerNet {
    pub fn new(root: &nn::Path, bert: &rust_bert::bert::BertConfig, n_labels: i64) -> Self {
        let backbone = Backbone::new(root, bert, shape::COUNT);
        let head = nn::linear(
            root / "ner_head",
            bert.hidden_size,
            n_labels,
            Default::default(),
        );
        NerNet {
            backbone,
            head,
            dropout: 0.1,
        }
    }

    /// Label logits of each word: `[n_words_in_batch, n_labels]`, rows in `batch.word_index` order.
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let hidden =
            self.backbone
                .forward(&batch.ids, &batch.mask, None, Some(&batch.shapes), train)?;
        let flat = hidden.view([-1, self.backbone.hidden]);
        let words = flat
            .index_select(0, &batch.word_index)
            .dropout(self.dropout, train);
        Ok(self.head.forward(&words.to_kind(self.head.ws.kind())))
    }
}

/// One sentence (or window of one) as word pieces.
#[derive(Clone, Debug, Default)]
pub struct Encoded {
    pub ids: Vec<i64>,
    pub shapes: Vec<i64>,
    /// position (in `ids`) of the first word piece of each word
    pub word_starts: Vec<usize>,
}

/// Word pieces of `words` (no special tokens); a word that yields no piece becomes `[UNK]`.
pub fn encode_words(tok: &Tokenizer, words: &[&str]) -> Result<Encoded> {
    let enc = tok.encode(words.to_vec(), false)?;
    let unk = encoder::Special::of(tok)?.unk;
    let mut out = Encoded::default();
    let mut next = 0usize; // next word index expected
    for (i, wid) in enc.get_word_ids().iter().enumerate() {
        let Some(w) = wid.map(|w| w as usize) else {
            continue;
        };
        while next < w {
            // words without any piece (zero-width, control chars)
            out.word_starts.push(out.ids.len());
            out.ids.push(unk);
            out.shapes.push(shape::OTHER);
            next += 1;
        }
        if w == next {
            out.word_starts.push(out.ids.len());
            next += 1;
        }
        out.ids.push(enc.get_ids()[i] as i64);
        out.shapes.push(shape::of(words[w], w == 0));
    }
    while next < words.len() {
        out.word_starts.push(out.ids.len());
        out.ids.push(unk);
        out.shapes.push(shape::OTHER);
        next += 1;
    }
    Ok(out)
}

/// Word pieces of consecutive sentences as one input: each sentence is encoded as by
/// [`encode_words`] (its first word shaped as sentence-initial), then appended.
pub fn concat(parts: &[&Encoded]) -> Encoded {
    let mut out = Encoded::default();
    for e in parts {
        let base = out.ids.len();
        out.ids.extend_from_slice(&e.ids);
        out.shapes.extend_from_slice(&e.shapes);
        out.word_starts
            .extend(e.word_starts.iter().map(|p| p + base));
    }
    out
}

/// Groups consecutive items of the given lengths into runs of at most `room` in all (an item
/// longer than `room` is a run alone): sentences of a document into one model input.
pub fn pack(lens: &[usize], room: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut lo, mut used) = (0, 0);
    for (i, &n) in lens.iter().enumerate() {
        if i > lo && used + n > room {
            out.push(lo..i);
            (lo, used) = (i, 0);
        }
        used += n;
    }
    if lo < lens.len() {
        out.push(lo..lens.len());
    }
    out
}

/// A padded batch of windows.
pub struct Batch {
    pub ids: Tensor,
    pub mask: Tensor,
    pub shapes: Tensor,
    /// flat index (row × seq_len + col) of each word's first piece
    pub word_index: Tensor,
}

/// Pads windows (each already `[CLS] … [SEP]`) into one batch.
pub fn make_batch(items: &[&Encoded], device: Device) -> Batch {
    let t = items
        .iter()
        .map(|e| e.ids.len())
        .max()
        .unwrap_or(1)
        .next_multiple_of(8); // fewer distinct shapes for the kernel caches
    let b = items.len();
    let mut ids = vec![0i64; b * t];
    let mut mask = vec![0i64; b * t];
    let mut shapes = vec![shape::PAD; b * t];
    let mut word_index = Vec::new();
    for (r, e) in items.iter().enumerate() {
        ids[r * t..r * t + e.ids.len()].copy_from_slice(&e.ids);
        shapes[r * t..r * t + e.shapes.len()].copy_from_slice(&e.shapes);
        mask[r * t..r * t + e.ids.len()]
            .iter_mut()
            .for_each(|m| *m = 1);
        word_index.extend(e.word_starts.iter().map(|&s| (r * t + s) as i64));
    }
    let shape2 = [b as i64, t as i64];
    Batch {
        ids: Tensor::from_slice(&ids).view(shape2).to_device(device),
        mask: Tensor::from_slice(&mask).view(shape2).to_device(device),
        shapes: Tensor::from_slice(&shapes).view(shape2).to_device(device),
        word_index: Tensor::from_slice(&word_index).to_device(device),
    }
}

/// A window of a model input: words from `word_lo`, already with special tokens.
struct Window {
    input: usize,
    word_lo: usize,
    enc: Encoded,
}

/// Splits an encoded sentence into windows of at most `max_tokens` pieces (special tokens
/// included) that overlap by half, so every word is labelled with context on both sides.
fn windows(input: usize, enc: &Encoded, max_tokens: usize, cls: i64, sep: i64) -> Vec<Window> {
    let room = max_tokens.saturating_sub(2).max(8);
    let n_words = enc.word_starts.len();
    let piece_end = |w: usize| {
        if w + 1 < n_words {
            enc.word_starts[w + 1]
        } else {
            enc.ids.len()
        }
    };
    let mut out = Vec::new();
    let mut lo = 0usize;
    while lo < n_words {
        let start_piece = enc.word_starts[lo];
        let mut hi = lo;
        while hi < n_words && piece_end(hi) - start_piece <= room {
            hi += 1;
        }
        let hi = hi.max(lo + 1); // a single word longer than the room is cut to the room
        let end_piece = piece_end(hi - 1).min(start_piece + room);
        let mut ids = vec![cls];
        ids.extend_from_slice(&enc.ids[start_piece..end_piece]);
        ids.push(sep);
        let mut shapes = vec![shape::PAD];
        shapes.extend_from_slice(&enc.shapes[start_piece..end_piece]);
        shapes.push(shape::PAD);
        let word_starts = (lo..hi)
            .map(|w| (enc.word_starts[w] - start_piece + 1).min(ids.len() - 2))
            .collect();
        out.push(Window {
            input,
            word_lo: lo,
            enc: Encoded {
                ids,
                shapes,
                word_starts,
            },
        });
        if hi >= n_words {
            break;
        }
        // next window starts half-way through this one
        lo = (lo + (hi - lo) / 2).max(lo + 1);
    }
    out
}

/// A word's predicted label (index into `LABELS`) and its probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordTag {
    pub label: usize,
    pub prob: f32,
}

/// A loaded NER model.
pub struct NerModel {
    // Kept alive: the network's tensors live in it.
    _vs: nn::VarStore,
    net: NerNet,
    tokenizer: Tokenizer,
    config: NerConfig,
    /// pieces of document context per model input (`NerModelFile::context_tokens`; 0: none)
    pub context_tokens: usize,
    pub files: Vec<PathBuf>,
    /// labels of the inputs seen so far in the run, by their words (see `ner::tag_batch`)
    pub(super) cache: Cache<Vec<Vec<WordTag>>>,
}

impl NerModel {
    pub fn new(config: NerConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<NerModelFile>(
            "NER",
            "--ner-model",
            "ner",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        if folder.file.labels != LABELS {
            return Err(Error::Model {
                path: config.model_dir.join("config.json"),
                msg: format!("labels {:?} differ from {:?}", folder.file.labels, LABELS),
            });
        }
        let (vs, net) = folder.load(
            config.device,
            config.bf16,
            |root| NerNet::new(root, &folder.bert, LABELS.len() as i64),
            |n| &mut n.backbone,
        )?;
        let (tokenizer, files) = (folder.tokenizer, folder.files);
        Ok(NerModel {
            _vs: vs,
            net,
            tokenizer,
            cache: Cache::new(config.cache_entries),
            config,
            context_tokens: folder.file.context_tokens,
            files,
        })
    }

    /// Labels for each word of each sentence, the sentences unrelated (each its own input).
    pub fn predict<W: AsRef<[S]>, S: AsRef<str>>(
        &self,
        sentences: &[W],
    ) -> Result<Vec<Vec<WordTag>>> {
        predict_words(&self.net, &self.tokenizer, &self.config, sentences)
    }

    /// Labels for each word of each sentence of each document (`[document][sentence]`), the
    /// sentences of a document seen together as the model was trained (see `context_tokens`).
    pub fn predict_documents<D: AsRef<[W]>, W: AsRef<[S]>, S: AsRef<str>>(
        &self,
        docs: &[D],
    ) -> Result<Vec<Vec<Vec<WordTag>>>> {
        predict_documents(
            &self.net,
            &self.tokenizer,
            &self.config,
            self.context_tokens,
            docs,
        )
    }
}

/// Padded word pieces one forward pass may hold when its windows are short: a pass costs a
/// roughly fixed overhead, so a file of one-line paragraphs (thousands of 10-piece sentences)
/// would otherwise cost several times more per word than ordinary articles.
pub const TOKENS_PER_CALL: usize = 2048;

/// Model calls for windows of the given lengths (sorted ascending, as the caller orders them):
/// `batch_size` windows per call, and more while the padded size (longest × count) stays within
/// `budget` pieces. Returns index ranges into `lens`.
pub fn plan_batches(
    lens: &[usize],
    batch_size: usize,
    budget: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut lo = 0;
    while lo < lens.len() {
        let mut hi = lo + 1;
        while hi < lens.len() {
            let n = hi + 1 - lo;
            // sorted ascending: the window being added is the longest so far
            if n > batch_size.max(1) && lens[hi] * n > budget {
                break;
            }
            hi += 1;
        }
        out.push(lo..hi);
        lo = hi;
    }
    out
}

/// Labels for each word of each sentence of each document (BIO-valid, Viterbi-decoded per
/// sentence), with `net` in eval mode. With `context_tokens` > 0 consecutive sentences of a
/// document share one input of at most that many pieces; else each sentence is its own input.
pub fn predict_documents<D: AsRef<[W]>, W: AsRef<[S]>, S: AsRef<str>>(
    net: &NerNet,
    tokenizer: &Tokenizer,
    config: &NerConfig,
    context_tokens: usize,
    docs: &[D],
) -> Result<Vec<Vec<Vec<WordTag>>>> {
    // inputs, and for each: (document, first sentence, word count of each of its sentences)
    let mut inputs = Vec::new();
    let mut layout: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut encs = Vec::new();
        for words in doc.as_ref() {
            let words: Vec<&str> = words.as_ref().iter().map(|w| w.as_ref()).collect();
            encs.push(encode_words(tokenizer, &words)?);
        }
        let lens: Vec<usize> = encs.iter().map(|e| e.ids.len()).collect();
        let runs = if context_tokens == 0 {
            (0..encs.len()).map(|i| i..i + 1).collect()
        } else {
            pack(&lens, context_tokens.saturating_sub(2))
        };
        for r in runs {
            let parts: Vec<&Encoded> = encs[r.clone()].iter().collect();
            inputs.push(concat(&parts));
            let words = parts.iter().map(|e| e.word_starts.len()).collect();
            layout.push((d, r.start, words));
        }
    }
    let emissions = emissions(net, tokenizer, config, &inputs)?;
    let mut out: Vec<Vec<Vec<WordTag>>> = docs
        .iter()
        .map(|d| vec![Vec::new(); d.as_ref().len()])
        .collect();
    for ((d, first, words), em) in layout.into_iter().zip(emissions) {
        let mut at = 0;
        for (k, n) in words.into_iter().enumerate() {
            out[d][first + k] = decode(&em[at..at + n]);
            at += n;
        }
    }
    Ok(out)
}

/// Labels for each word of each sentence, every sentence its own input (BIO-valid,
/// Viterbi-decoded), with `net` in eval mode.
pub fn predict_words<W: AsRef<[S]>, S: AsRef<str>>(
    net: &NerNet,
    tokenizer: &Tokenizer,
    config: &NerConfig,
    sentences: &[W],
) -> Result<Vec<Vec<WordTag>>> {
    Ok(predict_documents(net, tokenizer, config, 0, &[sentences])?
        .pop()
        .unwrap_or_default())
}

/// The best label path of one sentence and each word's probability of its label.
fn decode(em: &[Vec<f32>]) -> Vec<WordTag> {
    viterbi(em)
        .iter()
        .zip(em)
        .map(|(&l, e)| WordTag {
            label: l,
            prob: e[l].exp(),
        })
        .collect()
}

/// Label log-probabilities of each word of each input, the inputs windowed and batched by length.
fn emissions(
    net: &NerNet,
    tokenizer: &Tokenizer,
    config: &NerConfig,
    inputs: &[Encoded],
) -> Result<Vec<Vec<Vec<f32>>>> {
    let encoder::Special { cls, sep, .. } = encoder::Special::of(tokenizer)?;
    let mut wins = Vec::new();
    for (i, enc) in inputs.iter().enumerate() {
        if !enc.word_starts.is_empty() {
            wins.extend(windows(i, enc, config.max_tokens, cls, sep));
        }
    }
    // Length-bucketed batches: sort by length so padding is minimal.
    let mut order: Vec<usize> = (0..wins.len()).collect();
    order.sort_by_key(|&w| wins[w].enc.ids.len());
    let mut scores: Vec<Option<Tensor>> = (0..wins.len()).map(|_| None).collect();
    let lens: Vec<usize> = order.iter().map(|&w| wins[w].enc.ids.len()).collect();
    for range in plan_batches(&lens, config.batch_size, TOKENS_PER_CALL) {
        let chunk = &order[range];
        let items: Vec<&Encoded> = chunk.iter().map(|&w| &wins[w].enc).collect();
        let batch = make_batch(&items, config.device);
        let logp = tch::no_grad(|| net.forward(&batch, false))?
            .log_softmax(-1, Kind::Float)
            .to_device(Device::Cpu);
        let mut row = 0i64;
        for &w in chunk {
            let n = wins[w].enc.word_starts.len() as i64;
            scores[w] = Some(logp.narrow(0, row, n));
            row += n;
        }
    }
    // Each word takes the window where it sits farthest from an edge.
    let mut emissions: Vec<Vec<Vec<f32>>> = inputs
        .iter()
        .map(|e| vec![Vec::new(); e.word_starts.len()])
        .collect();
    let mut best_margin: Vec<Vec<i64>> = inputs
        .iter()
        .map(|e| vec![-1; e.word_starts.len()])
        .collect();
    for (w, win) in wins.iter().enumerate() {
        let Some(t) = &scores[w] else { continue };
        let rows: Vec<Vec<f32>> =
            Vec::<Vec<f32>>::try_from(t).map_err(|e| Error::Other(e.to_string()))?;
        let n = rows.len() as i64;
        for (k, row) in rows.into_iter().enumerate() {
            let margin = (k as i64).min(n - 1 - k as i64);
            let word = win.word_lo + k;
            if margin > best_margin[win.input][word] {
                best_margin[win.input][word] = margin;
                emissions[win.input][word] = row;
            }
        }
    }
    Ok(emissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_consecutive_sentences_within_the_room() {
        assert_eq!(pack(&[3, 4, 5, 20, 1, 1], 10), vec![0..2, 2..3, 3..4, 4..6]);
        assert_eq!(pack(&[], 10), Vec::<std::ops::Range<usize>>::new());
        let a = Encoded {
            ids: vec![1, 2],
            shapes: vec![0, 0],
            word_starts: vec![0],
        };
        let b = Encoded {
            ids: vec![3],
            shapes: vec![1],
            word_starts: vec![0],
        };
        let c = concat(&[&a, &b]);
        assert_eq!((c.ids, c.word_starts), (vec![1, 2, 3], vec![0, 2]));
    }
}
