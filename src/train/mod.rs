//! Training commands: fine-tune the base encoder for a task, in Rust with tch autograd.
//!
//! Shared here: the learning-rate schedule, the resumable checkpoint and the progress log.
pub mod ner;
pub mod quote_tagger;
pub mod quotes;
pub mod stance;
pub mod tagger;

use crate::encoder::{clip_grad_norm, load_weights, save_named, save_weights};
pub use crate::output::write_atomic;
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Tensor};

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
    /// start from this model folder of the same task instead of the bare base encoder
    #[serde(default)]
    pub init: Option<PathBuf>,
    /// forward and backward passes in bfloat16, fp32 master weights ([`MixedPrecision`])
    #[serde(default)]
    pub bf16: bool,
    /// keep only the lowest this many transformer layers (the model's config records it)
    #[serde(default)]
    pub layers: Option<usize>,
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
        write_atomic(
            &dir.join("state.json"),
            serde_json::to_string_pretty(self)?.as_bytes(),
        )
    }
}

/// Progress lines on stderr with loss, speed and time left.
pub struct Progress {
    start: Instant,
    pub total_steps: usize,
    /// examples per step (the last batch of an epoch may hold fewer)
    pub batch: usize,
}

impl Progress {
    pub fn new(total_steps: usize, batch: usize) -> Self {
        Progress {
            start: Instant::now(),
            total_steps,
            batch,
        }
    }
    pub fn elapsed_minutes(&self) -> f64 {
        self.start.elapsed().as_secs_f64() / 60.0
    }
    pub fn log(&self, epoch: usize, step: usize, steps_this_run: usize, loss: f64, lr: f64) {
        let secs = self.start.elapsed().as_secs_f64();
        let per_step = secs / steps_this_run.max(1) as f64;
        let left = per_step * self.total_steps.saturating_sub(step) as f64;
        eprintln!(
            "epoch {epoch} step {step}/{} loss {loss:.4} lr {lr:.2e} {:.2}s/step ({:.0} examples/s) eta {:.0} min",
            self.total_steps,
            per_step,
            self.batch as f64 / per_step.max(1e-9),
            left / 60.0
        );
    }
}

/// Sets libtorch's intra-op threads (0 = the usable cores not kept busy by others, see
/// [`crate::machine::threads`]).
pub fn set_threads(n: usize) {
    tch::set_num_threads(crate::machine::threads(n).n as i32);
}

/// A model being trained, as the shared loop (`fit`) sees it.
/// What every encoder training starts from: libtorch's threads set, the device, the base
/// encoder's folder, tokenizer and BERT config.
pub struct Base {
    pub device: tch::Device,
    pub dir: PathBuf,
    pub tok: tokenizers::Tokenizer,
    pub bert: rust_bert::bert::BertConfig,
}

impl Base {
    pub fn load(opts: &TrainOptions) -> Result<Base> {
        set_threads(opts.threads);
        let dir = crate::encoder::base_model_dir(None)?;
        let mut bert = crate::encoder::load_bert_config(&dir)?;
        if let Some(n) = opts.layers {
            if n as i64 > bert.num_hidden_layers {
                return Err(Error::Usage(format!(
                    "--layers {n}: the base encoder has {} layers",
                    bert.num_hidden_layers
                )));
            }
            // the network is built from this config and saves it: inference builds the same
            bert.num_hidden_layers = n as i64;
        }
        Ok(Base {
            device: crate::encoder::device(),
            tok: crate::encoder::load_tokenizer(&dir)?,
            bert,
            dir,
        })
    }
}

/// Readies a task network for training: the base encoder's weights into its `backbone`, then
/// those of `opts.init` (a model folder of the same task) over the whole network, if given,
/// then the lowest layers frozen as `opts.freeze_layers` asks. The word-piece table is not in a
/// task model file: it stays the base's.
pub fn prepare_network(
    vs: &mut tch::nn::VarStore,
    backbone: &mut crate::encoder::Backbone,
    base_dir: &Path,
    opts: &TrainOptions,
    task: &str,
) -> Result<()> {
    backbone.load_base(vs, base_dir)?;
    if let Some(init) = &opts.init {
        let path = init.join("model.safetensors");
        vs.load_partial(&path).map_err(|e| Error::Model {
            path: path.clone(),
            msg: e.to_string(),
        })?;
        // a shipped model may be stored in half precision
        vs.float();
        eprintln!("train {task}: starting from {}", init.display());
    }
    crate::encoder::freeze_lower_layers(vs, opts.freeze_layers);
    Ok(())
}

pub trait Task {
    /// Short name for log lines ("ner", "stance").
    fn name(&self) -> &'static str;
    /// Number of training examples.
    fn n_examples(&self) -> usize;
    /// Word pieces of example `i` (batches group similar lengths to save padding).
    fn example_len(&self, i: usize) -> usize;
    /// Mean loss of a batch of examples, in training mode.
    fn loss(&self, batch: &[usize]) -> Result<Tensor>;
    /// The network's encoder body (bfloat16 training casts its word-piece table too).
    fn backbone(&mut self) -> &mut crate::encoder::Backbone;
    /// The examples of epoch `epoch` (0-based): all of them unless the task samples a mixture.
    fn epoch_examples(&self, _epoch: usize) -> Vec<usize> {
        (0..self.n_examples()).collect()
    }
    /// Examples per epoch (for the step count of the learning-rate schedule).
    fn epoch_len(&self) -> usize {
        self.n_examples()
    }
    /// Scores the dev data after an epoch: the model-selection figure (higher is better), the
    /// report saved as `dev_report.json`, and the `config.json` of a model saved from this epoch.
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)>;
}

/// Batches of similar length, in shuffled order.
pub fn length_batches(
    task: &dyn Task,
    mut idx: Vec<usize>,
    batch: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<Vec<usize>> {
    idx.shuffle(rng);
    let mut out = Vec::new();
    for pool in idx.chunks(batch * 50) {
        let mut pool = pool.to_vec();
        pool.sort_by_key(|&i| task.example_len(i));
        out.extend(pool.chunks(batch).map(|c| c.to_vec()));
    }
    out.shuffle(rng);
    out
}

/// bfloat16 training with fp32 master weights. The network's own variables hold bf16 copies, so
/// the forward and backward passes run on the CPU's bf16 matrix units (AMX / AVX512-BF16); the
/// optimizer steps the fp32 masters, because an update a thousand times smaller than its weight
/// (the usual case at a learning rate of 1e-5) would round away in bf16's 8-bit mantissa.
pub struct MixedPrecision {
    /// the masters, under the network's variable names (the optimizer is built over these)
    pub vs: nn::VarStore,
    /// (the network's bf16 variable, its fp32 master)
    pairs: Vec<(Tensor, Tensor)>,
}

impl MixedPrecision {
    /// Copies the trainable variables of `vs` (fp32, weights loaded) as masters, then casts
    /// `vs` to bf16 (the caller casts what lives outside it: the backbone's word-piece table).
    pub fn new(vs: &mut nn::VarStore) -> Result<Self> {
        let master = nn::VarStore::new(vs.device());
        let mut pairs = Vec::new();
        let mut named: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, var) in named.into_iter().filter(|(_, v)| v.requires_grad()) {
            // tch names a variable by its path; a path part may not contain the separator
            let (dirs, leaf) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
            let path = dirs
                .split('.')
                .filter(|p| !p.is_empty())
                .fold(master.root(), |p, part| p / part);
            let m = path.f_var_copy(leaf, &var.detach().to_kind(tch::Kind::Float))?;
            pairs.push((var, m));
        }
        // every master gets a gradient tensor to copy the network's into (the optimizer reads it)
        if let Some(total) = pairs
            .iter()
            .map(|(_, m)| m.sum(tch::Kind::Float))
            .reduce(|a, b| a + b)
        {
            (total * 0.0).backward();
        }
        vs.bfloat16();
        Ok(MixedPrecision { vs: master, pairs })
    }

    /// After the backward pass: the network's gradients into the masters, the network's cleared.
    pub fn take_gradients(&self) {
        tch::no_grad(|| {
            for (var, master) in &self.pairs {
                let mut g = master.grad();
                let from = var.grad();
                if from.defined() {
                    g.copy_(&from);
                    var.shallow_clone().zero_grad();
                } else {
                    let _ = g.zero_();
                }
            }
        })
    }

    /// After the optimizer step: the masters into the network.
    pub fn put_weights(&self) {
        tch::no_grad(|| {
            for (var, master) in &self.pairs {
                var.shallow_clone().copy_(master);
            }
        })
    }

    /// Every variable of the network, the trained ones at master precision, for saving.
    fn weights(&self, vs: &nn::VarStore) -> Vec<(String, Tensor)> {
        let mut all = vs.variables();
        all.extend(self.vs.variables());
        all.into_iter().collect()
    }
}

/// Steps between checkpoints inside an epoch.
const CHECKPOINT_EVERY: usize = 300;

/// The training loop every task shares: AdamW with warm-up and linear decay, gradient clipping,
/// a checkpoint every few hundred steps and after each epoch (resumed by the same command), dev
/// evaluation per epoch, and the best epoch's weights saved as the model.
pub fn fit(task: &mut dyn Task, vs: &mut nn::VarStore, opts: &TrainOptions) -> Result<Checkpoint> {
    let name = task.name();
    let ckpt_dir = Checkpoint::dir(&opts.out);
    std::fs::create_dir_all(&ckpt_dir).map_err(|e| Error::io(&ckpt_dir, e))?;
    let mut state = match Checkpoint::load(&opts.out)? {
        Some(s) => {
            load_weights(vs, &ckpt_dir.join("last.safetensors"))?;
            eprintln!(
                "train {name}: resuming after epoch {} (+{} batches), best dev {:.2}",
                s.epoch,
                s.batches_done,
                100.0 * s.best_dev
            );
            s
        }
        None => Checkpoint::default(),
    };
    let mixed = match opts.bf16 {
        true => {
            eprintln!("train {name}: bfloat16 passes, fp32 master weights");
            let m = MixedPrecision::new(vs)?;
            task.backbone().set_bf16();
            Some(m)
        }
        false => None,
    };
    let mut opt = nn::AdamW {
        wd: opts.weight_decay,
        ..Default::default()
    }
    .build(mixed.as_ref().map_or(&*vs, |m| &m.vs), opts.lr)?;
    let save = |vs: &nn::VarStore, path: &Path| match &mixed {
        Some(m) => save_named(m.weights(vs), path),
        None => save_weights(vs, path),
    };
    let total = task.epoch_len().div_ceil(opts.batch) * opts.epochs;
    let warmup = (opts.warmup * total as f64) as usize;
    let progress = Progress::new(total, opts.batch);
    let mut steps_this_run = 0usize;
    let checkpoint = |state: &Checkpoint, vs: &nn::VarStore| -> Result<()> {
        save(vs, &ckpt_dir.join("last.safetensors"))?;
        state.save(&opts.out)
    };
    for epoch in state.epoch..opts.epochs {
        let started = Instant::now();
        // The shuffle of epoch e is the same whether or not the run was resumed.
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(epoch as u64));
        let order = length_batches(task, task.epoch_examples(epoch), opts.batch, &mut rng);
        let (mut loss_sum, mut loss_n) = (0.0, 0usize);
        for (b, batch) in order.iter().enumerate().skip(state.batches_done) {
            let loss = task.loss(batch)?;
            let lr = learning_rate(state.step, total, warmup, opts.lr);
            opt.set_lr(lr);
            match &mixed {
                None => {
                    opt.zero_grad();
                    loss.backward();
                    clip_grad_norm(vs, 1.0);
                    opt.step();
                }
                Some(m) => {
                    // the masters' gradients are overwritten each step, never cleared
                    loss.backward();
                    m.take_gradients();
                    clip_grad_norm(&m.vs, 1.0);
                    opt.step();
                    m.put_weights();
                }
            }
            state.step += 1;
            steps_this_run += 1;
            loss_sum += loss.double_value(&[]);
            loss_n += 1;
            state.batches_done = b + 1;
            if state.step % 50 == 0 {
                progress.log(
                    epoch + 1,
                    state.step,
                    steps_this_run,
                    loss_sum / loss_n as f64,
                    lr,
                );
            }
            if state.step % CHECKPOINT_EVERY == 0 {
                checkpoint(&state, vs)?;
            }
            if opts
                .max_minutes
                .is_some_and(|m| progress.elapsed_minutes() >= m)
            {
                eprintln!("train {name}: --max-minutes reached, checkpoint saved (resume with the same command)");
                checkpoint(&state, vs)?;
                return Ok(state);
            }
        }
        let (score, report, model_config) = task.evaluate()?;
        let train_loss = loss_sum / loss_n.max(1) as f64;
        eprintln!(
            "train {name}: epoch {} done: train loss {train_loss:.4}, dev {:.2}",
            epoch + 1,
            100.0 * score
        );
        state.history.push(EpochLog {
            epoch: epoch + 1,
            train_loss,
            dev_score: score,
            seconds: started.elapsed().as_secs_f64(),
        });
        state.epoch = epoch + 1;
        state.batches_done = 0;
        if score > state.best_dev {
            state.best_dev = score;
            state.best_epoch = epoch + 1;
            save(vs, &opts.out.join("model.safetensors"))?;
            write_atomic(
                &opts.out.join("config.json"),
                serde_json::to_string_pretty(&model_config)?.as_bytes(),
            )?;
            write_atomic(
                &opts.out.join("dev_report.json"),
                serde_json::to_string_pretty(&report)?.as_bytes(),
            )?;
        }
        checkpoint(&state, vs)?;
        let log = serde_json::json!({ "options": opts, "state": &state });
        write_atomic(
            &opts.out.join("training.json"),
            serde_json::to_string_pretty(&log)?.as_bytes(),
        )?;
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::{learning_rate, MixedPrecision};
    use tch::nn::{Module, OptimizerConfig};
    use tch::{nn, Kind, Tensor};

    #[test]
    fn bf16_training_keeps_updates_too_small_for_bf16() {
        let mut vs = nn::VarStore::new(tch::Device::Cpu);
        let layer = nn::linear(vs.root() / "head", 4, 2, Default::default());
        let _ = tch::no_grad(|| layer.ws.shallow_clone().fill_(1.0));
        let m = MixedPrecision::new(&mut vs).unwrap();
        assert_eq!(layer.ws.kind(), Kind::BFloat16);
        let mut opt = nn::Sgd::default().build(&m.vs, 1e-4).unwrap();
        let x = Tensor::ones([3, 4], (Kind::BFloat16, tch::Device::Cpu));
        for _ in 0..10 {
            let loss = layer.forward(&x).to_kind(Kind::Float).sum(Kind::Float);
            loss.backward();
            m.take_gradients();
            opt.step();
            m.put_weights();
        }
        // each step moves a weight by 3e-4, under half of bf16's spacing at 1.0 (2^-7): alone
        // bf16 would stay at 1.0; the master has moved by 3e-3 and the network follows it
        let master = m.vs.variables()["head.weight"].double_value(&[0, 0]);
        assert!((master - (1.0 - 3e-3)).abs() < 1e-5, "{master}");
        assert!(layer.ws.double_value(&[0, 0]) < 1.0);
        assert!(layer.ws.grad().abs().sum(Kind::Float).double_value(&[]) == 0.0);
    }

    #[test]
    fn schedule() {
        assert!((learning_rate(0, 100, 10, 1.0) - 0.1).abs() < 1e-9);
        assert!((learning_rate(9, 100, 10, 1.0) - 1.0).abs() < 1e-9);
        assert!((learning_rate(55, 100, 10, 1.0) - 0.5).abs() < 1e-9);
        assert_eq!(learning_rate(100, 100, 10, 1.0), 0.0);
    }
}
