//! Sentence-pair classification on the base encoder, shared by the models that read two texts
//! (stance: `target | unit`; the quote model: `cue and speaker | the statement in context`):
//! the pair as word pieces, padded batches, a mean-pooled linear head, batched logits and a
//! temperature fitted on dev data so that the probabilities are calibrated.
use super::{Backbone, Special};
use crate::{Error, Result};
use tch::{nn, nn::Module, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// `[CLS] a [SEP] b [SEP]` as word pieces with their segment ids.
#[derive(Clone, Debug)]
pub struct Pair {
    pub ids: Vec<i64>,
    pub types: Vec<i64>,
}

/// `[CLS] a [SEP] b [SEP]`, cut to fit `max_tokens`: `a` keeps up to half the room, `b` the rest.
pub fn encode(tok: &Tokenizer, a: &str, b: &str, max_tokens: usize) -> Result<Pair> {
    encode_with_context(tok, a, "", b, max_tokens)
}

/// `[CLS] a [SEP] context [SEP] b [SEP]` (without a context: `[CLS] a [SEP] b [SEP]`), cut to
/// fit `max_tokens`: `a` then its context keep up to half the room, `b` the rest. The context
/// (a unit's headline) sits on `a`'s side so that it never takes room from the text judged.
pub fn encode_with_context(
    tok: &Tokenizer,
    a: &str,
    context: &str,
    b: &str,
    max_tokens: usize,
) -> Result<Pair> {
    let special = Special::of(tok)?;
    let a = tok.encode(a, false)?;
    let b = tok.encode(b, false)?;
    let c = match context.trim() {
        "" => None,
        c => Some(tok.encode(c, false)?),
    };
    let room = max_tokens
        .saturating_sub(3 + usize::from(c.is_some()))
        .max(2);
    let a_len = a.get_ids().len().min(room / 2);
    let c_len = c
        .as_ref()
        .map_or(0, |c| c.get_ids().len().min(room / 2 - a_len));
    let b_len = b.get_ids().len().min(room - a_len - c_len);
    let mut ids = vec![special.cls];
    ids.extend(a.get_ids()[..a_len].iter().map(|&i| i64::from(i)));
    ids.push(special.sep);
    if let Some(c) = &c {
        ids.extend(c.get_ids()[..c_len].iter().map(|&i| i64::from(i)));
        ids.push(special.sep);
    }
    let first = ids.len();
    ids.extend(b.get_ids()[..b_len].iter().map(|&i| i64::from(i)));
    ids.push(special.sep);
    let types = (0..ids.len()).map(|i| i64::from(i >= first)).collect();
    Ok(Pair { ids, types })
}

/// A padded batch of pairs.
pub struct PairBatch {
    pub ids: Tensor,
    pub types: Tensor,
    pub mask: Tensor,
}

pub fn make_batch(items: &[&Pair], device: Device) -> PairBatch {
    let t = items
        .iter()
        .map(|p| p.ids.len())
        .max()
        .unwrap_or(1)
        .next_multiple_of(8); // fewer distinct shapes for the kernel caches
    let b = items.len();
    let (mut ids, mut types, mut mask) = (vec![0i64; b * t], vec![0i64; b * t], vec![0i64; b * t]);
    for (r, p) in items.iter().enumerate() {
        ids[r * t..r * t + p.ids.len()].copy_from_slice(&p.ids);
        types[r * t..r * t + p.types.len()].copy_from_slice(&p.types);
        mask[r * t..r * t + p.ids.len()]
            .iter_mut()
            .for_each(|m| *m = 1);
    }
    let s = [b as i64, t as i64];
    PairBatch {
        ids: Tensor::from_slice(&ids).view(s).to_device(device),
        types: Tensor::from_slice(&types).view(s).to_device(device),
        mask: Tensor::from_slice(&mask).view(s).to_device(device),
    }
}

/// Encoder body, mean pooling over the pair, dropout, one linear layer of `n_classes`.
pub struct PairClassifier {
    pub backbone: Backbone,
    head: nn::Linear,
    pub n_classes: usize,
}

impl PairClassifier {
    /// `head` names the output layer's variables (kept per task so that saved files stay
    /// readable: the stance model's is `stance_head`).
    pub fn new(
        root: &nn::Path,
        bert: &rust_bert::bert::BertConfig,
        head: &str,
        n_classes: usize,
    ) -> Self {
        let backbone = Backbone::new(root, bert, 0);
        let head = nn::linear(
            root / head,
            bert.hidden_size,
            n_classes as i64,
            Default::default(),
        );
        PairClassifier {
            backbone,
            head,
            n_classes,
        }
    }

    /// Logits `[batch, n_classes]`.
    pub fn forward(&self, batch: &PairBatch, train: bool) -> Result<Tensor> {
        let hidden =
            self.backbone
                .forward(&batch.ids, &batch.mask, Some(&batch.types), None, train)?;
        // Mean over real tokens: the base encoder was trained for mean-pooled sentence vectors.
        let m = batch.mask.unsqueeze(-1).to_kind(Kind::Float);
        let pooled = (hidden * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            / m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
                .clamp_min(1.0);
        Ok(self
            .head
            .forward(&pooled.dropout(0.1, train).to_kind(self.head.ws.kind())))
    }

    /// Mean cross-entropy of the training examples `batch` (indices into `examples`).
    pub fn loss(
        &self,
        examples: &[(Pair, i64)],
        batch: &[usize],
        device: Device,
    ) -> Result<Tensor> {
        let items: Vec<&Pair> = batch.iter().map(|&i| &examples[i].0).collect();
        let labels: Vec<i64> = batch.iter().map(|&i| examples[i].1).collect();
        let logits = self.forward(&make_batch(&items, device), true)?;
        Ok(super::training_loss(&logits, &labels))
    }

    /// Raw logits of many pairs, batched by length; rows in input order.
    pub fn logits(
        &self,
        pairs: &[Pair],
        batch_size: usize,
        device: Device,
    ) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.sort_by_key(|&i| pairs[i].ids.len());
        let mut out = vec![Vec::new(); pairs.len()];
        for chunk in order.chunks(batch_size.max(1)) {
            let items: Vec<&Pair> = chunk.iter().map(|&i| &pairs[i]).collect();
            let batch = make_batch(&items, device);
            let l = tch::no_grad(|| self.forward(&batch, false))?
                .to_device(Device::Cpu)
                .to_kind(Kind::Float);
            let rows: Vec<Vec<f32>> =
                Vec::<Vec<f32>>::try_from(&l).map_err(|e| Error::Other(e.to_string()))?;
            for (&i, row) in chunk.iter().zip(rows) {
                out[i] = row;
            }
        }
        Ok(out)
    }
}

/// Softmax of `logits / temperature`.
pub fn softmax(logits: &[f32], temperature: f64) -> Vec<f32> {
    let t = temperature.max(1e-3) as f32;
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = logits.iter().map(|l| ((l - m) / t).exp()).collect();
    let z: f32 = e.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    e.iter().map(|v| v / z).collect()
}

/// The temperature that minimises the negative log-likelihood of `gold` (grid search; the NLL is
/// convex in 1/T, so a fine grid is enough).
pub fn fit_temperature(logits: &[Vec<f32>], gold: &[usize]) -> f64 {
    let nll = |t: f64| -> f64 {
        logits
            .iter()
            .zip(gold)
            .map(|(l, &g)| {
                let p = softmax(l, t);
                -f64::from(p.get(g).copied().unwrap_or(0.0)).max(1e-12).ln()
            })
            .sum()
    };
    let mut best = (1.0, nll(1.0));
    for i in 1..=100 {
        let t = 0.25 + 0.05 * i as f64;
        let v = nll(t);
        if v < best.1 {
            best = (t, v);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_softens_overconfident_logits() {
        // Confident logits that are right only 60% of the time call for T > 1.
        let logits: Vec<Vec<f32>> = (0..100).map(|_| vec![5.0, 0.0, 0.0]).collect();
        let gold: Vec<usize> = (0..100)
            .map(|i| if i < 60 { 0 } else { 1 + i % 2 })
            .collect();
        let t = fit_temperature(&logits, &gold);
        assert!(t > 1.5, "{t}");
        let p = softmax(&logits[0], t);
        assert!((p[0] - 0.6).abs() < 0.05, "{p:?}");
    }

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax(&[1.0, -2.0, 0.5], 1.3);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
