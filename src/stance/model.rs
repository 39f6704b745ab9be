//! The stance cross-encoder: `[CLS] target [SEP] text [SEP]` → favor / against / neutral, with a
//! temperature fitted on dev data so that probabilities are calibrated.
use super::data::mark::Marker;
use super::Probs;
use crate::encoder::{self, Backbone};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tch::{nn, nn::Module, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// Class order of the model's output.
pub const CLASSES: [&str; 3] = ["favor", "against", "neutral"];

/// `config.json` of a trained stance model folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StanceModelFile {
    pub task: String,
    pub classes: Vec<String>,
    pub bert: serde_json::Value,
    pub max_tokens: usize,
    /// logits are divided by this before the softmax (fitted on dev)
    pub temperature: f64,
    /// the model was trained with target mentions marked `« … »` (see `stance::data::mark`);
    /// absent in models from before the markers, which read plain text
    #[serde(default)]
    pub mark_targets: bool,
}

#[derive(Clone, Debug)]
pub struct StanceModelConfig {
    pub model_dir: PathBuf,
    pub base_dir: Option<PathBuf>,
    pub batch_size: usize,
    pub max_tokens: usize,
    pub device: Device,
    /// run the encoder in bfloat16 (faster on CPUs with AMX/AVX512-BF16)
    pub bf16: bool,
}

impl Default for StanceModelConfig {
    fn default() -> Self {
        StanceModelConfig {
            model_dir: encoder::default_model_dir("stance"),
            base_dir: None,
            batch_size: 32,
            max_tokens: 192,
            device: encoder::device(),
            bf16: false,
        }
    }
}

/// Encoder body, mean pooling over the pair, dropout, linear layer.
pub struct StanceNet {
    pub backbone: Backbone,
    head: nn::Linear,
}

impl StanceNet {
    pub fn new(root: &nn::Path, bert: &rust_bert::bert::BertConfig) -> Self {
        let backbone = Backbone::new(root, bert, 0);
        let head = nn::linear(
            root / "stance_head",
            bert.hidden_size,
            CLASSES.len() as i64,
            Default::default(),
        );
        StanceNet { backbone, head }
    }

    /// Logits `[batch, 3]`.
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
}

/// A `(target, text)` pair as word pieces.
#[derive(Clone, Debug)]
pub struct Pair {
    pub ids: Vec<i64>,
    pub types: Vec<i64>,
}

thread_local! {
    /// Compiled mention markers by target: a run classifies thousands of units per target.
    static MARKERS: std::cell::RefCell<std::collections::HashMap<String, Marker>> =
        Default::default();
}

/// `text` with the target's mentions marked (the rule of [`Marker`]).
pub fn mark_target(target: &str, text: &str) -> String {
    MARKERS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() > 10_000 {
            m.clear(); // training sets have ~10k distinct targets; bound the cache anyway
        }
        m.entry(target.to_string())
            .or_insert_with(|| Marker::new(target))
            .mark(text)
    })
}

/// `[CLS] target [SEP] text [SEP]`, the text cut to fit `max_tokens` (the target is kept whole up
/// to half the room). With `mark`, the target's mentions in the text are marked first.
pub fn encode_pair(
    tok: &Tokenizer,
    target: &str,
    text: &str,
    max_tokens: usize,
    mark: bool,
) -> Result<Pair> {
    let cls = tok.token_to_id("[CLS]").unwrap_or(101) as i64;
    let sep = tok.token_to_id("[SEP]").unwrap_or(102) as i64;
    let t = tok.encode(target, false)?;
    let x = if mark {
        tok.encode(mark_target(target, text), false)?
    } else {
        tok.encode(text, false)?
    };
    let room = max_tokens.saturating_sub(3).max(2);
    let t_len = t.get_ids().len().min(room / 2);
    let x_len = x.get_ids().len().min(room - t_len);
    let mut ids = vec![cls];
    ids.extend(t.get_ids()[..t_len].iter().map(|&i| i as i64));
    ids.push(sep);
    let first = ids.len();
    ids.extend(x.get_ids()[..x_len].iter().map(|&i| i as i64));
    ids.push(sep);
    let types = (0..ids.len())
        .map(|i| if i < first { 0 } else { 1 })
        .collect();
    Ok(Pair { ids, types })
}

pub struct PairBatch {
    pub ids: Tensor,
    pub types: Tensor,
    pub mask: Tensor,
}

pub fn make_pair_batch(items: &[&Pair], device: Device) -> PairBatch {
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

/// Raw logits of many pairs, batched by length; rows in input order.
pub fn logits(
    net: &StanceNet,
    pairs: &[Pair],
    batch_size: usize,
    device: Device,
) -> Result<Vec<[f32; 3]>> {
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by_key(|&i| pairs[i].ids.len());
    let mut out = vec![[0f32; 3]; pairs.len()];
    for chunk in order.chunks(batch_size.max(1)) {
        let items: Vec<&Pair> = chunk.iter().map(|&i| &pairs[i]).collect();
        let batch = make_pair_batch(&items, device);
        let l = tch::no_grad(|| net.forward(&batch, false))?
            .to_device(Device::Cpu)
            .to_kind(Kind::Float);
        let rows: Vec<Vec<f32>> =
            Vec::<Vec<f32>>::try_from(&l).map_err(|e| Error::Other(e.to_string()))?;
        for (&i, row) in chunk.iter().zip(rows) {
            out[i] = [row[0], row[1], row[2]];
        }
    }
    Ok(out)
}

/// Softmax of logits divided by `temperature`.
pub fn probs(logits: &[f32; 3], temperature: f64) -> Probs {
    let t = temperature.max(1e-3) as f32;
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = logits.iter().map(|l| ((l - m) / t).exp()).collect();
    let z: f32 = e.iter().sum();
    Probs {
        favor: e[0] / z,
        against: e[1] / z,
        neutral: e[2] / z,
    }
}

/// The temperature that minimises the negative log-likelihood of `gold` (grid search; the NLL is
/// convex in 1/T, so a fine grid is enough).
pub fn fit_temperature(logits: &[[f32; 3]], gold: &[usize]) -> f64 {
    let nll = |t: f64| -> f64 {
        logits
            .iter()
            .zip(gold)
            .map(|(l, &g)| {
                let p = probs(l, t);
                -(f64::from([p.favor, p.against, p.neutral][g.min(2)]).max(1e-12)).ln()
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

/// A loaded stance model.
pub struct StanceModel {
    _vs: nn::VarStore,
    net: StanceNet,
    tokenizer: Tokenizer,
    config: StanceModelConfig,
    pub temperature: f64,
    pub mark_targets: bool,
    pub files: Vec<PathBuf>,
}

impl StanceModel {
    pub fn new(config: StanceModelConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<StanceModelFile>(
            "Stance",
            "--stance-model",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        if folder.file.classes != CLASSES {
            return Err(Error::Model {
                path: config.model_dir.join("config.json"),
                msg: format!(
                    "classes {:?} differ from {:?}",
                    folder.file.classes, CLASSES
                ),
            });
        }
        let (_vs, net) = folder.load(
            config.device,
            config.bf16,
            |root| StanceNet::new(root, &folder.bert),
            |n| &mut n.backbone,
        )?;
        let (tokenizer, files, temperature, mark_targets) = (
            folder.tokenizer,
            folder.files,
            folder.file.temperature,
            folder.file.mark_targets,
        );
        Ok(StanceModel {
            _vs,
            net,
            tokenizer,
            config,
            temperature,
            mark_targets,
            files,
        })
    }

    /// Calibrated probabilities for each `(target, text)` pair.
    pub fn predict<S: AsRef<str>, T: AsRef<str>>(&self, pairs: &[(S, T)]) -> Result<Vec<Probs>> {
        let encoded = pairs
            .iter()
            .map(|(t, x)| {
                encode_pair(
                    &self.tokenizer,
                    t.as_ref(),
                    x.as_ref(),
                    self.config.max_tokens,
                    self.mark_targets,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let l = logits(
            &self.net,
            &encoded,
            self.config.batch_size,
            self.config.device,
        )?;
        Ok(l.iter().map(|l| probs(l, self.temperature)).collect())
    }
}

/// Does `dir` hold a stance model?
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file() && dir.join("config.json").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_softens_overconfident_logits() {
        // Confident logits that are right only 60% of the time call for T > 1.
        let logits: Vec<[f32; 3]> = (0..100).map(|_| [5.0, 0.0, 0.0]).collect();
        let gold: Vec<usize> = (0..100)
            .map(|i| if i < 60 { 0 } else { 1 + i % 2 })
            .collect();
        let t = fit_temperature(&logits, &gold);
        assert!(t > 1.5, "{t}");
        let p = probs(&logits[0], t);
        assert!((p.favor - 0.6).abs() < 0.05, "{p:?}");
    }

    #[test]
    fn probs_sum_to_one() {
        let p = probs(&[1.0, -2.0, 0.5], 1.3);
        assert!((p.favor + p.against + p.neutral - 1.0).abs() < 1e-5);
    }
}
