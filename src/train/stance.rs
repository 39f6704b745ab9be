//! `newsmine train stance`: fine-tunes the base encoder as a target-conditioned cross-encoder on
//! several stance datasets at once, so that it carries over to unseen targets.
use super::{learning_rate, set_threads, write_atomic, Checkpoint, EpochLog, Progress, TrainOptions};
use crate::encoder::{self, clip_grad_norm, load_weights, save_weights};
use crate::eval::stance::{score, StanceReport};
use crate::stance::data::{self, DataFormat, StanceExample};
use crate::stance::model::{encode_pair, fit_temperature, logits, make_pair_batch, Pair, StanceModelFile, StanceNet, CLASSES};
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Tensor};

/// Parses `FORMAT=PATH`.
pub fn parse_spec(spec: &str) -> Result<(DataFormat, PathBuf)> {
    let (f, p) = spec.split_once('=').ok_or_else(|| Error::Usage(format!("--data {spec:?}: expected FORMAT=PATH, e.g. vast=../shared/data/stance/vast/vast_dev.csv")))?;
    Ok((f.parse()?, PathBuf::from(p)))
}

pub struct StanceTrainData {
    pub specs: Vec<(DataFormat, PathBuf)>,
    /// keep at most this many training examples per dataset (balances the mix, bounds time)
    pub max_per_dataset: Option<usize>,
    pub dev_fraction: f32,
}

/// Dev scores per dataset and their mean macro-F1 (the model-selection figure).
#[derive(Clone, Debug, Default, Serialize)]
pub struct DevReport {
    pub per_dataset: BTreeMap<String, StanceReport>,
    pub mean_macro_f1: f64,
    pub temperature: f64,
}

fn dev_report(net: &StanceNet, dev: &[(String, Vec<Pair>, Vec<usize>)], device: tch::Device) -> Result<(DevReport, Vec<[f32; 3]>, Vec<usize>)> {
    let mut report = DevReport::default();
    let (mut all_logits, mut all_gold) = (Vec::new(), Vec::new());
    for (name, pairs, gold) in dev {
        let l = logits(net, pairs, 64, device)?;
        let pred: Vec<usize> = l.iter().map(|r| (0..3).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap_or(2)).collect();
        report.per_dataset.insert(name.clone(), score(gold, &pred));
        all_logits.extend(l);
        all_gold.extend(gold.iter().copied());
    }
    report.mean_macro_f1 = report.per_dataset.values().map(|r| r.macro_f1).sum::<f64>() / report.per_dataset.len().max(1) as f64;
    Ok((report, all_logits, all_gold))
}

pub fn train(data: &StanceTrainData, opts: &TrainOptions) -> Result<DevReport> {
    set_threads(opts.threads);
    tch::manual_seed(opts.seed as i64);
    let device = encoder::device();
    let base_dir = encoder::base_model_dir(None)?;
    let tok = encoder::load_tokenizer(&base_dir)?;
    let bert = encoder::load_bert_config(&base_dir)?;

    let mut train_ex: Vec<StanceExample> = Vec::new();
    let mut dev = Vec::new();
    for (format, path) in &data.specs {
        let all = data::load(path, *format)?;
        let (mut tr, dv) = data::split_dev(all, data.dev_fraction, opts.seed);
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        tr.shuffle(&mut rng);
        if let Some(n) = data.max_per_dataset {
            tr.truncate(n);
        }
        eprintln!("train stance: {format}: {} train {:?}, {} dev {:?} (favor, against, neutral)", tr.len(), data::label_counts(&tr), dv.len(), data::label_counts(&dv));
        let pairs = dv.iter().map(|e| encode_pair(&tok, &e.target, &e.text, opts.max_tokens)).collect::<Result<Vec<_>>>()?;
        dev.push((format.name().to_string(), pairs, dv.iter().map(|e| e.label).collect::<Vec<_>>()));
        train_ex.extend(tr);
    }
    if let Some(n) = opts.limit {
        train_ex.truncate(n);
    }
    if train_ex.is_empty() {
        return Err(Error::Usage("no training examples".into()));
    }
    let examples: Vec<(Pair, i64)> = train_ex
        .iter()
        .map(|e| Ok((encode_pair(&tok, &e.target, &e.text, opts.max_tokens)?, e.label as i64)))
        .collect::<Result<Vec<_>>>()?;

    let mut vs = nn::VarStore::new(device);
    let mut net = StanceNet::new(&vs.root(), &bert);
    net.backbone.load_base(&mut vs, &base_dir)?;
    encoder::freeze_lower_layers(&vs, opts.freeze_layers);
    let ckpt_dir = Checkpoint::dir(&opts.out);
    std::fs::create_dir_all(&ckpt_dir).map_err(|e| Error::io(&ckpt_dir, e))?;
    let mut state = match Checkpoint::load(&opts.out)? {
        Some(s) => {
            load_weights(&mut vs, &ckpt_dir.join("last.safetensors"))?;
            eprintln!("train stance: resuming after epoch {} (+{} batches)", s.epoch, s.batches_done);
            s
        }
        None => Checkpoint::default(),
    };
    let mut opt = nn::AdamW { wd: opts.weight_decay, ..Default::default() }.build(&vs, opts.lr)?;
    let steps_per_epoch = examples.len().div_ceil(opts.batch);
    let total = steps_per_epoch * opts.epochs;
    let warmup = (opts.warmup * total as f64) as usize;
    let progress = Progress::new(total);
    let mut steps_this_run = 0usize;
    let mut last = DevReport::default();
    'epochs: for epoch in state.epoch..opts.epochs {
        let started = Instant::now();
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(epoch as u64));
        let mut idx: Vec<usize> = (0..examples.len()).collect();
        idx.shuffle(&mut rng);
        // length-sorted pools → batches of similar length, then shuffled
        let mut order: Vec<Vec<usize>> = Vec::new();
        for pool in idx.chunks(opts.batch * 50) {
            let mut pool = pool.to_vec();
            pool.sort_by_key(|&i| examples[i].0.ids.len());
            order.extend(pool.chunks(opts.batch).map(|c| c.to_vec()));
        }
        order.shuffle(&mut rng);
        let (mut loss_sum, mut loss_n) = (0.0, 0usize);
        for (b, batch_idx) in order.iter().enumerate().skip(state.batches_done) {
            let items: Vec<&Pair> = batch_idx.iter().map(|&i| &examples[i].0).collect();
            let labels: Vec<i64> = batch_idx.iter().map(|&i| examples[i].1).collect();
            let batch = make_pair_batch(&items, device);
            let loss = net.forward(&batch, true)?.cross_entropy_for_logits(&Tensor::from_slice(&labels).to_device(device));
            opt.zero_grad();
            loss.backward();
            clip_grad_norm(&vs, 1.0);
            let lr = learning_rate(state.step, total, warmup, opts.lr);
            opt.set_lr(lr);
            opt.step();
            state.step += 1;
            steps_this_run += 1;
            loss_sum += loss.double_value(&[]);
            loss_n += 1;
            state.batches_done = b + 1;
            if state.step % 50 == 0 {
                progress.log(epoch + 1, state.step, steps_this_run, loss_sum / loss_n as f64, lr);
            }
            if state.step % 300 == 0 {
                save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
                state.save(&opts.out)?;
            }
            if opts.max_minutes.is_some_and(|m| progress.elapsed_minutes() >= m) {
                eprintln!("train stance: --max-minutes reached, saving checkpoint (resume with the same command)");
                save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
                state.save(&opts.out)?;
                break 'epochs;
            }
        }
        let (mut report, dev_logits, dev_gold) = dev_report(&net, &dev, device)?;
        report.temperature = fit_temperature(&dev_logits, &dev_gold);
        let f = report.mean_macro_f1;
        eprintln!("epoch {} done: train loss {:.4}, dev mean macro-F1 {:.2}, temperature {:.2}", epoch + 1, loss_sum / loss_n.max(1) as f64, 100.0 * f, report.temperature);
        for (name, r) in &report.per_dataset {
            eprintln!("  {name}: macro-F1 {:.2} F_avg {:.2} acc {:.2} (n {})", 100.0 * r.macro_f1, 100.0 * r.f_avg, 100.0 * r.accuracy, r.n);
        }
        state.history.push(EpochLog { epoch: epoch + 1, train_loss: loss_sum / loss_n.max(1) as f64, dev_score: f, seconds: started.elapsed().as_secs_f64() });
        state.epoch = epoch + 1;
        state.batches_done = 0;
        if f > state.best_dev {
            state.best_dev = f;
            state.best_epoch = epoch + 1;
            save_weights(&vs, &opts.out.join("model.safetensors"))?;
            let file = StanceModelFile {
                task: "stance".into(),
                classes: CLASSES.iter().map(|s| s.to_string()).collect(),
                bert: serde_json::to_value(&bert)?,
                max_tokens: opts.max_tokens,
                temperature: report.temperature,
            };
            write_atomic(&opts.out.join("config.json"), serde_json::to_string_pretty(&file)?.as_bytes())?;
            write_atomic(&opts.out.join("dev_report.json"), serde_json::to_string_pretty(&report)?.as_bytes())?;
        }
        save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
        state.save(&opts.out)?;
        write_atomic(&opts.out.join("training.json"), serde_json::to_string_pretty(&serde_json::json!({"options": opts, "state": &state}))?.as_bytes())?;
        last = report;
    }
    Ok(last)
}
