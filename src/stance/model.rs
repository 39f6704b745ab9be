//! The stance cross-encoder: `[CLS] target [SEP] text [SEP]` → favor / against / neutral, with a
//! temperature fitted on dev data so that probabilities are calibrated.
use super::data::mark::Marker;
use super::Probs;
use crate::encoder;
use crate::encoder::pair::{self, PairClassifier};
pub use crate::encoder::pair::{fit_temperature, make_batch as make_pair_batch, Pair, PairBatch};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tch::{nn, Device};
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
    /// the model was trained with each unit's headline as context (`train stance
    /// --title-context`); absent in models from before, which read the unit alone
    #[serde(default)]
    pub title_context: bool,
}

/// How a model reads its inputs, as it was trained (from its `config.json`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputStyle {
    /// mark the target's mentions in the text (`stance::data::mark`)
    pub mark_targets: bool,
    /// give the unit's headline as context (`[CLS] target [SEP] headline [SEP] text [SEP]`)
    pub title_context: bool,
}

impl StanceModelFile {
    pub fn style(&self) -> InputStyle {
        InputStyle {
            mark_targets: self.mark_targets,
            title_context: self.title_context,
        }
    }
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

/// The stance network: a pair classifier over `target | text` with three classes.
pub type StanceNet = PairClassifier;

/// A new stance network (its head named `stance_head`, as in every saved stance model).
pub fn stance_net(root: &nn::Path, bert: &rust_bert::bert::BertConfig) -> StanceNet {
    PairClassifier::new(root, bert, "stance_head", CLASSES.len())
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

/// `[CLS] target [SEP] text [SEP]` (with a context the style reads: `[CLS] target [SEP]
/// context [SEP] text [SEP]`), the text cut to fit `max_tokens` (the target is kept whole up to
/// half the room). With `mark_targets`, the target's mentions in the text are marked first.
pub fn encode_pair(
    tok: &Tokenizer,
    target: &str,
    context: &str,
    text: &str,
    max_tokens: usize,
    style: InputStyle,
) -> Result<Pair> {
    let context = if style.title_context { context } else { "" };
    if style.mark_targets {
        let marked = mark_target(target, text);
        pair::encode_with_context(tok, target, context, &marked, max_tokens)
    } else {
        pair::encode_with_context(tok, target, context, text, max_tokens)
    }
}

/// Calibrated class probabilities of one row of logits.
pub fn probs(logits: &[f32], temperature: f64) -> Probs {
    let p = pair::softmax(logits, temperature);
    let at = |i: usize| p.get(i).copied().unwrap_or(0.0);
    Probs {
        favor: at(0),
        against: at(1),
        neutral: at(2),
    }
}

/// A loaded stance model.
pub struct StanceModel {
    _vs: nn::VarStore,
    net: StanceNet,
    tokenizer: Tokenizer,
    config: StanceModelConfig,
    pub temperature: f64,
    pub style: InputStyle,
    pub files: Vec<PathBuf>,
}

impl StanceModel {
    pub fn new(config: StanceModelConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<StanceModelFile>(
            "Stance",
            "--stance-model",
            "stance",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        folder.expect_classes(&folder.file.classes, &CLASSES)?;
        let (_vs, net) = folder.load(
            config.device,
            config.bf16,
            |root| stance_net(root, &folder.bert),
            |n| &mut n.backbone,
        )?;
        let (tokenizer, files, temperature, style) = (
            folder.tokenizer,
            folder.files,
            folder.file.temperature,
            folder.file.style(),
        );
        Ok(StanceModel {
            _vs,
            net,
            tokenizer,
            config,
            temperature,
            style,
            files,
        })
    }

    /// Calibrated probabilities for each `(target, text)` pair.
    pub fn predict<S: AsRef<str>, T: AsRef<str>>(&self, pairs: &[(S, T)]) -> Result<Vec<Probs>> {
        let inputs: Vec<(&str, &str, &str)> = pairs
            .iter()
            .map(|(t, x)| (t.as_ref(), "", x.as_ref()))
            .collect();
        self.predict_in_context(&inputs)
    }

    /// Calibrated probabilities for each `(target, context, text)`; the context (the unit's
    /// headline) is read only by a model trained with it (`InputStyle::title_context`).
    pub fn predict_in_context(&self, inputs: &[(&str, &str, &str)]) -> Result<Vec<Probs>> {
        let encoded = inputs
            .iter()
            .map(|(t, c, x)| {
                encode_pair(&self.tokenizer, t, c, x, self.config.max_tokens, self.style)
            })
            .collect::<Result<Vec<_>>>()?;
        let l = self
            .net
            .logits(&encoded, self.config.batch_size, self.config.device)?;
        Ok(l.iter().map(|l| probs(l, self.temperature)).collect())
    }
}

/// Does `dir` hold a stance model?
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file() && dir.join("config.json").is_file()
}
