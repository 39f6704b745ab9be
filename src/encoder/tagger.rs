//! The token tagger both BIO taggers share — the NER model (`ner/`) and the quote tagger
//! (`quote_tagger/`): the encoder body with word-shape embeddings and a linear head over each
//! word's first piece, word-piece encoding, packing of consecutive sentences, windowing,
//! length-bucketed batching and constrained Viterbi decoding over a BIO label set.
use crate::encoder::{self, shape, Backbone};
use crate::{Error, Result};
use tch::{nn, nn::Module, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// A trained tagger from its folder: its labels must be `labels` (in order), its network is
/// built over them and loaded frozen (in bfloat16 when asked).
pub fn load_tagger<F>(
    folder: &encoder::TaskFolder<F>,
    file_labels: &[String],
    labels: &'static [&'static str],
    device: Device,
    bf16: bool,
) -> Result<(nn::VarStore, TaggerNet)> {
    folder.expect_classes(file_labels, labels)?;
    folder.load(
        device,
        bf16,
        |root| TaggerNet::new(root, &folder.bert, labels),
        |n| &mut n.backbone,
    )
}

/// How prediction batches the windows of its inputs.
#[derive(Clone, Copy, Debug)]
pub struct Batching {
    /// windows per forward pass (more while they are short, see [`plan_batches`])
    pub batch_size: usize,
    /// longest window in word pieces, special tokens included; longer inputs are windowed
    pub max_tokens: usize,
    pub device: Device,
}

/// Index of `tag` in a BIO label set.
pub fn label_index(labels: &[&str], tag: &str) -> Option<usize> {
    labels.iter().position(|l| *l == tag)
}

/// May label `to` follow label `from` (None = sentence start)? `I-X` only continues `B-X`/`I-X`.
pub fn allowed(labels: &[&str], from: Option<usize>, to: usize) -> bool {
    match labels[to].strip_prefix("I-") {
        None => true,
        Some(t) => from.is_some_and(|f| labels[f].len() > 2 && &labels[f][2..] == t),
    }
}

/// Best label sequence (indexes into `labels`, a BIO set) under the BIO constraints, from
/// per-word log-probabilities.
pub fn viterbi(labels: &[&str], emissions: &[Vec<f32>]) -> Vec<usize> {
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    let k = labels.len();
    let allowed = |from, to| allowed(labels, from, to);
    let score = |row: &Vec<f32>, j: usize| row.get(j).copied().unwrap_or(f32::NEG_INFINITY);
    let mut best: Vec<f32> = (0..k)
        .map(|j| {
            if allowed(None, j) {
                score(&emissions[0], j)
            } else {
                f32::NEG_INFINITY
            }
        })
        .collect();
    let mut back = vec![vec![0usize; k]; n];
    for t in 1..n {
        let mut next = vec![f32::NEG_INFINITY; k];
        for j in 0..k {
            for (i, &b) in best.iter().enumerate() {
                if allowed(Some(i), j) && b > next[j] {
                    next[j] = b;
                    back[t][j] = i;
                }
            }
            next[j] += score(&emissions[t], j);
        }
        best = next;
    }
    let mut j = (0..k)
        .max_by(|&a, &b| best[a].total_cmp(&best[b]))
        .unwrap_or(0);
    let mut path = vec![0; n];
    for t in (0..n).rev() {
        path[t] = j;
        j = back[t][j];
    }
    path
}

/// The network: encoder body with shape embeddings, dropout, and a linear layer over the first
/// word piece of each word, over a BIO label set (`ner::decode::LABELS`,
/// `quote_tagger::LABELS`). The head's variables are named `ner_head` in every tagger: the
/// name the first model files were saved under.
pub struct TaggerNet {
    pub backbone: Backbone,
    head: nn::Linear,
    dropout: f64,
    /// the BIO label set of the head's outputs, in order
    pub labels: &'static [&'static str],
}

impl TaggerNet {
    pub fn new(
        root: &nn::Path,
        bert: &rust_bert::bert::BertConfig,
        labels: &'static [&'static str],
    ) -> Self {
        let backbone = Backbone::new(root, bert, shape::COUNT);
        let head = nn::linear(
            root / "ner_head",
            bert.hidden_size,
            labels.len() as i64,
            Default::default(),
        );
        TaggerNet {
            backbone,
            head,
            dropout: 0.1,
            labels,
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

/// A word's predicted label (index into the tagger's labels) and its probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordTag {
    pub label: usize,
    pub prob: f32,
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
    net: &TaggerNet,
    tokenizer: &Tokenizer,
    config: &Batching,
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
            out[d][first + k] = decode(net.labels, &em[at..at + n]);
            at += n;
        }
    }
    Ok(out)
}

/// Labels for each word of each sentence, every sentence its own input (BIO-valid,
/// Viterbi-decoded), with `net` in eval mode.
pub fn predict_words<W: AsRef<[S]>, S: AsRef<str>>(
    net: &TaggerNet,
    tokenizer: &Tokenizer,
    config: &Batching,
    sentences: &[W],
) -> Result<Vec<Vec<WordTag>>> {
    Ok(predict_documents(net, tokenizer, config, 0, &[sentences])?
        .pop()
        .unwrap_or_default())
}

/// The best label path of one sentence and each word's probability of its label.
fn decode(labels: &[&str], em: &[Vec<f32>]) -> Vec<WordTag> {
    viterbi(labels, em)
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
    net: &TaggerNet,
    tokenizer: &Tokenizer,
    config: &Batching,
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
