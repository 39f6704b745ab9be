//! The base encoder (all-MiniLM-L6-v2, BERT, uncased) shared by the task models, and how task
//! models are stored: the fine-tuned weights in fp16 without the frozen word-embedding table,
//! which is loaded from the base at start-up (keeps each committed file under 25 MB).
pub mod pair;
pub mod tagger;

use crate::{Error, Result};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use std::path::{Path, PathBuf};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// The ids of the special word pieces, read from the tokenizer (a vocabulary without them is
/// not a BERT vocabulary: an error, not a guessed id).
#[derive(Clone, Copy, Debug)]
pub struct Special {
    pub cls: i64,
    pub sep: i64,
    pub unk: i64,
}

impl Special {
    pub fn of(tok: &Tokenizer) -> Result<Self> {
        let id = |t: &str| {
            tok.token_to_id(t)
                .map(i64::from)
                .ok_or_else(|| Error::Other(format!("tokenizer has no {t} word piece")))
        };
        Ok(Special {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            unk: id("[UNK]")?,
        })
    }
}

/// Name of the frozen word-embedding table in the base checkpoint.
pub const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";
/// Longest input the encoder takes (absolute position embeddings), special tokens included.
pub const MAX_POSITIONS: usize = 512;

/// Where the base encoder is: `NEWSMINE_BASE_MODEL`, else `.deps/models/minilm` in the current
/// folder or in the source tree this binary was built from.
pub fn base_model_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => match std::env::var_os("NEWSMINE_BASE_MODEL") {
            Some(p) => vec![PathBuf::from(p)],
            None => vec![
                PathBuf::from(".deps/models/minilm"),
                Path::new(env!("CARGO_MANIFEST_DIR")).join(".deps/models/minilm"),
            ],
        },
    };
    for dir in &candidates {
        if dir.join("model.safetensors").is_file() && dir.join("tokenizer.json").is_file() {
            return Ok(dir.clone());
        }
    }
    Err(Error::Setup(format!(
        "base encoder all-MiniLM-L6-v2 not found (looked in {})",
        candidates
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// `models/NAME` in the current folder, else in the source tree the binary was built from.
pub fn default_model_dir(name: &str) -> PathBuf {
    let local = Path::new("models").join(name);
    if local.join("config.json").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name)
}

/// The device models run on: CUDA when libtorch has it and a GPU is present, else CPU.
pub fn device() -> Device {
    Device::cuda_if_available()
}

/// Loads `tokenizer.json` with padding and truncation switched off: the sentence-transformers
/// file pads and truncates to 128 tokens, and newsmine windows long texts itself.
pub fn load_tokenizer(dir: &Path) -> Result<Tokenizer> {
    let path = dir.join("tokenizer.json");
    let mut tok = Tokenizer::from_file(&path).map_err(|e| Error::Model {
        path: path.clone(),
        msg: e.to_string(),
    })?;
    tok.with_padding(None);
    tok.with_truncation(None).map_err(|e| Error::Model {
        path,
        msg: e.to_string(),
    })?;
    Ok(tok)
}

/// Reads a BERT `config.json` without panicking on a bad file.
pub fn load_bert_config(dir: &Path) -> Result<BertConfig> {
    let path = dir.join("config.json");
    let raw = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_str(&raw).map_err(|e| Error::Model {
        path,
        msg: e.to_string(),
    })
}

/// The BERT body of a task model, with an optional word-shape embedding that gives the uncased
/// encoder the casing back (added to the word-piece embeddings, so every layer sees it).
///
/// The word-piece table is frozen and kept out of the `VarStore`: it comes from the base checkpoint
/// at load time, so task checkpoints stay small and the optimizer never sees it.
pub struct Backbone {
    pub bert: BertModel<BertEmbeddings>,
    word_embeddings: Tensor,
    shape_embeddings: Option<nn::Embedding>,
    pub hidden: i64,
}

impl Backbone {
    /// Builds the variables under `root` (names as in the base checkpoint) and a shape embedding of
    /// `n_shapes` rows under `shape` when `n_shapes > 0`. Call `load_base` before use.
    pub fn new(root: &nn::Path, config: &BertConfig, n_shapes: i64) -> Self {
        // A one-row stand-in: rust-bert's own table is never used, we pass embeddings in.
        let body = BertConfig {
            vocab_size: 1,
            ..config.clone()
        };
        let bert = BertModel::<BertEmbeddings>::new_with_optional_pooler(root, &body, false);
        let shape_embeddings = (n_shapes > 0).then(|| {
            // Zero-initialised: training starts from exactly the base encoder's behaviour.
            let cfg = nn::EmbeddingConfig {
                ws_init: nn::Init::Const(0.0),
                ..Default::default()
            };
            nn::embedding(root / "shape", n_shapes, config.hidden_size, cfg)
        });
        Backbone {
            bert,
            word_embeddings: Tensor::new(),
            shape_embeddings,
            hidden: config.hidden_size,
        }
    }

    /// Copies the base checkpoint into the variables it shares with `vs` and keeps its word-piece
    /// table. Variables of the task head are left as initialised.
    pub fn load_base(&mut self, vs: &mut nn::VarStore, base_dir: &Path) -> Result<()> {
        let path = base_dir.join("model.safetensors");
        let model_err = |msg: String| Error::Model {
            path: path.clone(),
            msg,
        };
        let tensors = Tensor::read_safetensors(&path).map_err(|e| model_err(e.to_string()))?;
        let vars = vs.variables();
        tch::no_grad(|| -> Result<()> {
            for (name, t) in &tensors {
                if name == WORD_EMBEDDINGS {
                    self.word_embeddings = t.to_kind(Kind::Float).to_device(vs.device());
                } else if let Some(var) = vars.get(name) {
                    if var.size() != t.size() {
                        return Err(model_err(format!(
                            "{name}: shape {:?}, expected {:?}",
                            t.size(),
                            var.size()
                        )));
                    }
                    var.shallow_clone().f_copy_(t)?;
                }
            }
            Ok(())
        })?;
        if !self.word_embeddings.defined() {
            return Err(model_err(format!(
                "no {WORD_EMBEDDINGS}: not a BERT checkpoint"
            )));
        }
        Ok(())
    }

    /// Runs the body in bfloat16 (after `vs.bfloat16()`): on CPUs with AMX/AVX512-BF16 matrix
    /// products are several times faster. Use only where the eval commands show accuracy holds.
    pub fn set_bf16(&mut self) {
        self.word_embeddings = self.word_embeddings.to_kind(Kind::BFloat16);
    }

    /// Hidden states `[batch, seq, hidden]`.
    pub fn forward(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        type_ids: Option<&Tensor>,
        shapes: Option<&Tensor>,
        train: bool,
    ) -> Result<Tensor> {
        let mut embeds = Tensor::embedding(&self.word_embeddings, ids, 0, false, false);
        if let (Some(emb), Some(shapes)) = (&self.shape_embeddings, shapes) {
            embeds += shapes.apply(emb);
        }
        let out = self
            .bert
            .forward_t(
                None,
                Some(mask),
                type_ids,
                None,
                Some(&embeds),
                None,
                None,
                train,
            )
            .map_err(|e| Error::Other(format!("encoder: {e}")))?;
        Ok(out.hidden_state)
    }
}

/// Mean cross-entropy of `logits` against `labels`, computed in fp32 whatever precision the
/// network ran in (a bf16 log-softmax would lose the small differences the loss is made of).
pub fn training_loss(logits: &Tensor, labels: &[i64]) -> Tensor {
    logits
        .to_kind(Kind::Float)
        .cross_entropy_for_logits(&Tensor::from_slice(labels).to_device(logits.device()))
}

/// Writes every variable of a task model as fp16 safetensors (atomically: temp file, rename).
pub fn save_weights(vs: &nn::VarStore, path: &Path) -> Result<()> {
    save_named(vs.variables().into_iter().collect(), path)
}

/// Writes named tensors as `save_weights` does.
pub fn save_named(named: Vec<(String, Tensor)>, path: &Path) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = named
        .into_iter()
        .map(|(name, t)| (name, t.detach().to_device(Device::Cpu).to_kind(Kind::Half)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let tmp = path.with_extension("safetensors.tmp");
    Tensor::write_safetensors(&named, &tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Loads a task checkpoint written by `save_weights` over `vs` (after `Backbone::load_base`).
pub fn load_weights(vs: &mut nn::VarStore, path: &Path) -> Result<()> {
    let model_err = |msg: String| Error::Model {
        path: path.to_path_buf(),
        msg,
    };
    if !path.is_file() {
        return Err(model_err("file not found".into()));
    }
    let missing = vs
        .load_partial(path)
        .map_err(|e| model_err(e.to_string()))?;
    // tch adopts the file's precision (fp16); compute stays in fp32.
    vs.float();
    if !missing.is_empty() {
        return Err(model_err(format!(
            "missing variables {missing:?}: not a model for this task"
        )));
    }
    Ok(())
}

/// Freezes the embeddings and the first `layers` transformer layers: cheaper training (no
/// gradients below them) and less forgetting of the base encoder on small data.
pub fn freeze_lower_layers(vs: &nn::VarStore, layers: usize) {
    if layers == 0 {
        return;
    }
    for (name, t) in vs.variables() {
        let frozen = name.starts_with("embeddings.")
            || (0..layers).any(|l| name.starts_with(&format!("encoder.layer.{l}.")));
        if frozen {
            let _ = t.shallow_clone().set_requires_grad(false);
        }
    }
}

/// Clips the global gradient norm, skipping variables without a gradient (tch's own clipping
/// fails on those).
pub fn clip_grad_norm(vs: &nn::VarStore, max_norm: f64) {
    tch::no_grad(|| {
        let grads: Vec<Tensor> = vs
            .trainable_variables()
            .iter()
            .map(|v| v.grad())
            .filter(|g| g.defined())
            .collect();
        if grads.is_empty() {
            return;
        }
        let total = Tensor::stack(&grads.iter().map(|g| g.norm()).collect::<Vec<_>>(), 0)
            .norm()
            .double_value(&[]);
        if total > max_norm {
            let scale = max_norm / (total + 1e-6);
            for mut g in grads {
                let _ = g.g_mul_scalar_(scale);
            }
        }
    })
}

/// A task model folder opened for inference: its `config.json` (of type `F`) and what the
/// network needs to be built.
pub struct TaskFolder<F> {
    pub file: F,
    pub bert: BertConfig,
    pub base_dir: PathBuf,
    pub tokenizer: Tokenizer,
    /// model, config and base files (recorded with their sha256 in run.json)
    pub files: Vec<PathBuf>,
    model_file: PathBuf,
}

/// Reads `dir/config.json` as `F` (whose `bert` field is given by `bert_of`), finds the base
/// encoder and its tokenizer. A missing folder is a set-up error naming `flag` and the `stage`
/// to skip.
pub fn open_task_folder<F: serde::de::DeserializeOwned>(
    what: &str,
    flag: &str,
    stage: &str,
    dir: &Path,
    base: Option<&Path>,
    bert_of: impl Fn(&F) -> &serde_json::Value,
) -> Result<TaskFolder<F>> {
    let model_file = dir.join("model.safetensors");
    let cfg_path = dir.join("config.json");
    if !model_file.is_file() || !cfg_path.is_file() {
        return Err(Error::Setup(format!(
            "{what} model not found in {} (expected model.safetensors and config.json; pass {flag} DIR or --skip {stage})",
            dir.display(),
        )));
    }
    let model_err = |msg: String| Error::Model {
        path: cfg_path.clone(),
        msg,
    };
    let raw = std::fs::read_to_string(&cfg_path).map_err(|e| Error::io(&cfg_path, e))?;
    let file: F = serde_json::from_str(&raw).map_err(|e| model_err(e.to_string()))?;
    let bert: BertConfig =
        serde_json::from_value(bert_of(&file).clone()).map_err(|e| model_err(e.to_string()))?;
    let base_dir = base_model_dir(base)?;
    let tokenizer = load_tokenizer(&base_dir)?;
    let files = vec![
        model_file.clone(),
        cfg_path.clone(),
        base_dir.join("model.safetensors"),
    ];
    Ok(TaskFolder {
        file,
        bert,
        base_dir,
        tokenizer,
        files,
        model_file,
    })
}

impl<F> TaskFolder<F> {
    /// The folder's model must have been trained for `expected` classes, in that order.
    pub fn expect_classes(&self, classes: &[String], expected: &[&str]) -> Result<()> {
        if classes != expected {
            return Err(Error::Model {
                path: self.model_file.with_file_name("config.json"),
                msg: format!("classes (labels) {classes:?} differ from {expected:?}"),
            });
        }
        Ok(())
    }

    /// Loads base and task weights into a network built by `build`, frozen for inference, in
    /// bfloat16 when asked.
    pub fn load<N>(
        &self,
        device: Device,
        bf16: bool,
        build: impl FnOnce(&nn::Path) -> N,
        backbone: impl Fn(&mut N) -> &mut Backbone,
    ) -> Result<(nn::VarStore, N)> {
        let mut vs = nn::VarStore::new(device);
        let mut net = build(&vs.root());
        backbone(&mut net).load_base(&mut vs, &self.base_dir)?;
        load_weights(&mut vs, &self.model_file)?;
        vs.freeze();
        if bf16 {
            vs.bfloat16();
            backbone(&mut net).set_bf16();
        }
        Ok((vs, net))
    }
}

/// sha256 of a file, hex, for the run manifest and model cards.
pub fn file_sha256(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok(format!("{:x}", h.finalize()))
}

/// Word shape classes for the uncased encoder: the casing it cannot see.
pub mod shape {
    pub const PAD: i64 = 0;
    pub const LOWER: i64 = 1;
    pub const CAPITALIZED: i64 = 2;
    pub const ALL_CAPS: i64 = 3;
    pub const MIXED: i64 = 4;
    pub const DIGIT: i64 = 5;
    pub const PUNCT: i64 = 6;
    pub const OTHER: i64 = 7;
    /// Capitalized as the first word of a sentence, where casing says little.
    pub const CAPITALIZED_FIRST: i64 = 8;
    pub const COUNT: i64 = 9;

    /// Shape of one word; `first` is true for the first word of its sentence.
    pub fn of(word: &str, first: bool) -> i64 {
        let mut upper = 0usize;
        let mut lower = 0usize;
        let mut digit = 0usize;
        let mut letters = 0usize;
        for c in word.chars() {
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                } else if c.is_lowercase() {
                    lower += 1;
                }
            } else if c.is_numeric() {
                digit += 1;
            }
        }
        if letters == 0 {
            return if digit > 0 {
                DIGIT
            } else if word
                .chars()
                .all(|c| c.is_ascii_punctuation() || !c.is_alphanumeric())
            {
                PUNCT
            } else {
                OTHER
            };
        }
        if digit > 0 {
            return DIGIT;
        }
        let first_upper = word
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(|c| c.is_uppercase());
        if upper == 0 {
            LOWER
        } else if lower == 0 {
            if letters == 1 {
                if first {
                    CAPITALIZED_FIRST
                } else {
                    CAPITALIZED
                }
            } else {
                ALL_CAPS
            }
        } else if first_upper && upper == 1 {
            if first {
                CAPITALIZED_FIRST
            } else {
                CAPITALIZED
            }
        } else {
            MIXED
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn shapes() {
        assert_eq!(shape::of("the", false), shape::LOWER);
        assert_eq!(shape::of("Moscow", false), shape::CAPITALIZED);
        assert_eq!(shape::of("Moscow", true), shape::CAPITALIZED_FIRST);
        assert_eq!(shape::of("NATO", false), shape::ALL_CAPS);
        assert_eq!(shape::of("McDonald", false), shape::MIXED);
        assert_eq!(shape::of("2020", false), shape::DIGIT);
        assert_eq!(shape::of("“", false), shape::PUNCT);
        assert_eq!(shape::of("U.S.", false), shape::ALL_CAPS);
    }
}
