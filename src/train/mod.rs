//! Training commands: fine-tune the base encoder for a task, in Rust with tch autograd.
//!
//! Shared here: the learning-rate schedule, the resumable checkpoint and the progress log.
pub mod ner;
pub mod stance;

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options every training command takes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainOptions {
    pub out: PathBuf,
    pub epochs: usize,
    pub lr: f64,
    pub batch: usize,
    pub seed: u64,
    /// stop (after saving a checkpoint) when this much time has passed
    pub max_minutes: Option<f64>,
    /// share of the steps used for linear warm-up
    pub warmup: f64,
    pub weight_decay: f64,
    /// libtorch intra-op threads (0 = all cores)
    pub threads: usize,
    /// longest training example in word pieces
    pub max_tokens: usize,
    /// train on at most this many examples (quick trials)
    pub limit: Option<usize>,
    /// freeze the embeddings and this many lower encoder layers
    #[serde(default)]
    pub freeze_layers: usize,
}

/// Linear warm-up then linear decay to zero.
pub fn learning_rate(step: usize, total: usize, warmup: usize, peak: f64) -> f64 {
    if step < warmup {
        peak * (step + 1) as f64 / warmup.max(1) as f64
    } else {
        peak * (total.saturating_sub(step)) as f64 / (total.saturating_sub(warmup)).max(1) as f64
    }
}

/// One epoch's record, kept in the checkpoint and copied into the model card.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EpochLog {
    pub epoch: usize,
    pub train_loss: f64,
    pub dev_score: f64,
    pub seconds: f64,
}

/// The resumable state of a run: the weights live beside it in `last.safetensors`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    /// epochs completed
    pub epoch: usize,
    pub step: usize,
    pub best_dev: f64,
    pub best_epoch: usize,
    pub history: Vec<EpochLog>,
    /// partial epoch: batches done in `epoch` (resume skips them)
    pub batches_done: usize,
}

impl Checkpoint {
    pub fn dir(out: &Path) -> PathBuf {
        out.join("checkpoint")
    }
    pub fn load(out: &Path) -> Result<Option<Self>> {
        let path = Self::dir(out).join("state.json");
        if !path.is_file() {
            return Ok(None);
        }
        let raw = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Some(serde_json::from_str(&raw)?))
    }
    pub fn save(&self, out: &Path) -> Result<()> {
        let dir = Self::dir(out);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write_atomic(&dir.join("state.json"), serde_json::to_string_pretty(self)?.as_bytes())
    }
}

/// Writes a file through a temporary name, so a killed process never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Progress lines on stderr with loss, speed and time left.
pub struct Progress {
    start: Instant,
    pub total_steps: usize,
}

impl Progress {
    pub fn new(total_steps: usize) -> Self {
        Progress { start: Instant::now(), total_steps }
    }
    pub fn elapsed_minutes(&self) -> f64 {
        self.start.elapsed().as_secs_f64() / 60.0
    }
    pub fn log(&self, epoch: usize, step: usize, steps_this_run: usize, loss: f64, lr: f64) {
        let secs = self.start.elapsed().as_secs_f64();
        let per_step = secs / steps_this_run.max(1) as f64;
        let left = per_step * self.total_steps.saturating_sub(step) as f64;
        eprintln!(
            "epoch {epoch} step {step}/{} loss {loss:.4} lr {lr:.2e} {:.2}s/step eta {:.0} min",
            self.total_steps,
            per_step,
            left / 60.0
        );
    }
}

/// Sets libtorch's intra-op threads (0 = all cores).
pub fn set_threads(n: usize) {
    let n = if n == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { n };
    tch::set_num_threads(n as i32);
}

#[cfg(test)]
mod tests {
    use super::learning_rate;

    #[test]
    fn schedule() {
        assert!((learning_rate(0, 100, 10, 1.0) - 0.1).abs() < 1e-9);
        assert!((learning_rate(9, 100, 10, 1.0) - 1.0).abs() < 1e-9);
        assert!((learning_rate(55, 100, 10, 1.0) - 0.5).abs() < 1e-9);
        assert_eq!(learning_rate(100, 100, 10, 1.0), 0.0);
    }
}
