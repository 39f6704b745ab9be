//! `newsmine train ner`: fine-tunes the base encoder as a BIO token classifier on CoNLL files.
use super::{learning_rate, set_threads, write_atomic, Checkpoint, EpochLog, Progress, TrainOptions};
use crate::encoder::{self, clip_grad_norm, load_weights, save_weights};
use crate::eval::ner::{score_tags, NerReport};
use crate::ner::conll::{read_conll, ConllSentence};
use crate::ner::decode::{label_index, LABELS};
use crate::ner::model::{encode_words, make_batch, predict_words, Encoded, NerConfig, NerModelFile, NerNet};
use crate::ner::EntityLabel;
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Tensor};

/// A training sentence as word pieces with `[CLS]`/`[SEP]` and one label per word.
struct Example {
    enc: Encoded,
    labels: Vec<i64>,
}

fn encode_examples(tok: &tokenizers::Tokenizer, sentences: &[ConllSentence], max_tokens: usize) -> Result<Vec<Example>> {
    let cls = tok.token_to_id("[CLS]").unwrap_or(101) as i64;
    let sep = tok.token_to_id("[SEP]").unwrap_or(102) as i64;
    let mut out = Vec::with_capacity(sentences.len());
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.as_str()).collect();
        let enc = encode_words(tok, &words)?;
        // Training sentences longer than the window are cut (CoNLL has almost none); prediction windows them.
        let room = max_tokens - 2;
        let n_words = enc.word_starts.iter().take_while(|&&p| p < room).count();
        let end_piece = if n_words < enc.word_starts.len() { enc.word_starts[n_words] } else { enc.ids.len().min(room) };
        let mut ids = vec![cls];
        ids.extend_from_slice(&enc.ids[..end_piece]);
        ids.push(sep);
        let mut shapes = vec![0];
        shapes.extend_from_slice(&enc.shapes[..end_piece]);
        shapes.push(0);
        let word_starts = enc.word_starts[..n_words].iter().map(|p| p + 1).collect();
        let labels = s.tags[..n_words].iter().map(|t| label_index(t).unwrap_or(0) as i64).collect();
        out.push(Example { enc: Encoded { ids, shapes, word_starts }, labels });
    }
    Ok(out)
}

/// Batches of similar length (less padding), in shuffled order.
fn batches(examples: &[Example], batch: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..examples.len()).collect();
    idx.shuffle(rng);
    let mut out = Vec::new();
    for pool in idx.chunks(batch * 50) {
        let mut pool = pool.to_vec();
        pool.sort_by_key(|&i| examples[i].enc.ids.len());
        out.extend(pool.chunks(batch).map(|c| c.to_vec()));
    }
    out.shuffle(rng);
    out
}

pub struct NerTrainData {
    pub train: PathBuf,
    pub dev: PathBuf,
}

/// Dev-set F1 (all four types) of the network as it is now.
fn dev_report(net: &NerNet, tok: &tokenizers::Tokenizer, config: &NerConfig, dev: &[ConllSentence]) -> Result<NerReport> {
    let words: Vec<Vec<&str>> = dev.iter().map(|s| s.words.iter().map(|w| w.as_str()).collect()).collect();
    let pred = predict_words(net, tok, config, &words)?;
    Ok(score_tags(dev, &pred, &EntityLabel::ALL))
}

pub fn train(data: &NerTrainData, opts: &TrainOptions) -> Result<NerReport> {
    set_threads(opts.threads);
    tch::manual_seed(opts.seed as i64);
    let device = encoder::device();
    let base_dir = encoder::base_model_dir(None)?;
    let tok = encoder::load_tokenizer(&base_dir)?;
    let bert = encoder::load_bert_config(&base_dir)?;
    let mut train_s = read_conll(&data.train)?;
    if let Some(n) = opts.limit {
        train_s.truncate(n);
    }
    let dev_s = read_conll(&data.dev)?;
    if train_s.is_empty() || dev_s.is_empty() {
        return Err(Error::Usage("training and dev files must contain sentences".into()));
    }
    eprintln!("train ner: {} training sentences, {} dev sentences, device {device:?}", train_s.len(), dev_s.len());
    let examples = encode_examples(&tok, &train_s, opts.max_tokens)?;

    let mut vs = nn::VarStore::new(device);
    let mut net = NerNet::new(&vs.root(), &bert, LABELS.len() as i64);
    net.backbone.load_base(&mut vs, &base_dir)?;
    encoder::freeze_lower_layers(&vs, opts.freeze_layers);
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    let ckpt_dir = Checkpoint::dir(&opts.out);
    std::fs::create_dir_all(&ckpt_dir).map_err(|e| Error::io(&ckpt_dir, e))?;
    let mut state = match Checkpoint::load(&opts.out)? {
        Some(s) => {
            load_weights(&mut vs, &ckpt_dir.join("last.safetensors"))?;
            eprintln!("train ner: resuming after epoch {} (+{} batches), best dev F1 {:.2}", s.epoch, s.batches_done, 100.0 * s.best_dev);
            s
        }
        None => Checkpoint::default(),
    };
    let mut opt = nn::AdamW { wd: opts.weight_decay, ..Default::default() }.build(&vs, opts.lr)?;
    let steps_per_epoch = examples.len().div_ceil(opts.batch);
    let total = steps_per_epoch * opts.epochs;
    let warmup = (opts.warmup * total as f64) as usize;
    let eval_config = NerConfig { device, batch_size: 64, max_tokens: opts.max_tokens, ..NerConfig::default() };
    let progress = Progress::new(total);
    let mut steps_this_run = 0usize;
    let model_cfg = NerModelFile {
        task: "ner".into(),
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        n_shapes: encoder::shape::COUNT,
        bert: serde_json::to_value(&bert)?,
        max_tokens: 256,
    };
    let mut last_report = NerReport::default();
    'epochs: for epoch in state.epoch..opts.epochs {
        let started = Instant::now();
        // The shuffle of epoch e is the same whether or not the run was resumed.
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(epoch as u64));
        let order = batches(&examples, opts.batch, &mut rng);
        let (mut loss_sum, mut loss_n) = (0.0, 0usize);
        for (b, batch_idx) in order.iter().enumerate().skip(state.batches_done) {
            let items: Vec<&Encoded> = batch_idx.iter().map(|&i| &examples[i].enc).collect();
            let labels: Vec<i64> = batch_idx.iter().flat_map(|&i| examples[i].labels.iter().copied()).collect();
            let batch = make_batch(&items, device);
            let logits = net.forward(&batch, true)?;
            let target = Tensor::from_slice(&labels).to_device(device);
            let loss = logits.cross_entropy_for_logits(&target);
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
            if state.step % 500 == 0 {
                save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
                state.save(&opts.out)?;
            }
            if opts.max_minutes.is_some_and(|m| progress.elapsed_minutes() >= m) {
                eprintln!("train ner: --max-minutes reached, saving checkpoint (resume with the same command)");
                save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
                state.save(&opts.out)?;
                break 'epochs;
            }
        }
        let t_dev = Instant::now();
        let report = dev_report(&net, &tok, &eval_config, &dev_s)?;
        eprintln!("dev evaluation took {:.0} s", t_dev.elapsed().as_secs_f64());
        let f1 = report.overall.f1();
        eprintln!("epoch {} done: train loss {:.4}, dev F1 {:.2}\n{report}", epoch + 1, loss_sum / loss_n.max(1) as f64, 100.0 * f1);
        state.history.push(EpochLog { epoch: epoch + 1, train_loss: loss_sum / loss_n.max(1) as f64, dev_score: f1, seconds: started.elapsed().as_secs_f64() });
        state.epoch = epoch + 1;
        state.batches_done = 0;
        if f1 > state.best_dev {
            state.best_dev = f1;
            state.best_epoch = epoch + 1;
            save_weights(&vs, &opts.out.join("model.safetensors"))?;
            write_atomic(&opts.out.join("config.json"), serde_json::to_string_pretty(&model_cfg)?.as_bytes())?;
            write_atomic(&opts.out.join("dev_report.json"), serde_json::to_string_pretty(&report)?.as_bytes())?;
        }
        save_weights(&vs, &ckpt_dir.join("last.safetensors"))?;
        state.save(&opts.out)?;
        write_atomic(&opts.out.join("training.json"), serde_json::to_string_pretty(&serde_json::json!({"options": opts, "state": &state}))?.as_bytes())?;
        last_report = report;
    }
    Ok(last_report)
}

/// Does `dir` hold a finished model (not only a checkpoint)?
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file() && dir.join("config.json").is_file()
}
