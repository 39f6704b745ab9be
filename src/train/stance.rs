//! `newsmine train stance`: fine-tunes the base encoder as a target-conditioned cross-encoder on
//! several stance datasets at once, so that it carries over to unseen targets.
use super::{fit, set_threads, Task, TrainOptions};
use crate::encoder;
use crate::eval::stance::{score, StanceReport};
use crate::stance::data::{self, DataFormat, StanceExample};
use crate::stance::model::{
    encode_pair, fit_temperature, logits, make_pair_batch, Pair, StanceModelFile, StanceNet,
    CLASSES,
};
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tch::{nn, Tensor};

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

fn dev_report(
    net: &StanceNet,
    dev: &[(String, Vec<Pair>, Vec<usize>)],
    device: tch::Device,
) -> Result<(DevReport, Vec<[f32; 3]>, Vec<usize>)> {
    let mut report = DevReport::default();
    let (mut all_logits, mut all_gold) = (Vec::new(), Vec::new());
    for (name, pairs, gold) in dev {
        let l = logits(net, pairs, 64, device)?;
        let pred: Vec<usize> = l
            .iter()
            .map(|r| (0..3).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap_or(2))
            .collect();
        report.per_dataset.insert(name.clone(), score(gold, &pred));
        all_logits.extend(l);
        all_gold.extend(gold.iter().copied());
    }
    report.mean_macro_f1 = report.per_dataset.values().map(|r| r.macro_f1).sum::<f64>()
        / report.per_dataset.len().max(1) as f64;
    Ok((report, all_logits, all_gold))
}

pub fn train(data: &StanceTrainData, opts: &TrainOptions) -> Result<()> {
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
        eprintln!(
            "train stance: {format}: {} train {:?}, {} dev {:?} (favor, against, neutral)",
            tr.len(),
            data::label_counts(&tr),
            dv.len(),
            data::label_counts(&dv)
        );
        let pairs = dv
            .iter()
            .map(|e| encode_pair(&tok, &e.target, &e.text, opts.max_tokens))
            .collect::<Result<Vec<_>>>()?;
        dev.push((
            format.name().to_string(),
            pairs,
            dv.iter().map(|e| e.label).collect::<Vec<_>>(),
        ));
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
        .map(|e| {
            Ok((
                encode_pair(&tok, &e.target, &e.text, opts.max_tokens)?,
                e.label as i64,
            ))
        })
        .collect::<Result<Vec<_>>>()?;

    let mut vs = nn::VarStore::new(device);
    let mut net = StanceNet::new(&vs.root(), &bert);
    net.backbone.load_base(&mut vs, &base_dir)?;
    encoder::freeze_lower_layers(&vs, opts.freeze_layers);
    let mut task = StanceTask {
        net,
        examples,
        dev,
        device,
        bert: serde_json::to_value(&bert)?,
        max_tokens: opts.max_tokens,
    };
    fit(&mut task, &mut vs, opts)?;
    Ok(())
}

/// The stance network with its training and dev data.
struct StanceTask {
    net: StanceNet,
    examples: Vec<(Pair, i64)>,
    /// (dataset name, encoded pairs, gold labels)
    dev: Vec<(String, Vec<Pair>, Vec<usize>)>,
    device: tch::Device,
    bert: serde_json::Value,
    max_tokens: usize,
}

impl Task for StanceTask {
    fn name(&self) -> &'static str {
        "stance"
    }
    fn n_examples(&self) -> usize {
        self.examples.len()
    }
    fn example_len(&self, i: usize) -> usize {
        self.examples[i].0.ids.len()
    }
    fn loss(&self, batch: &[usize]) -> Result<Tensor> {
        let items: Vec<&Pair> = batch.iter().map(|&i| &self.examples[i].0).collect();
        let labels: Vec<i64> = batch.iter().map(|&i| self.examples[i].1).collect();
        let logits = self
            .net
            .forward(&make_pair_batch(&items, self.device), true)?;
        Ok(logits.cross_entropy_for_logits(&Tensor::from_slice(&labels).to_device(self.device)))
    }
    /// Mean macro-F1 over the datasets' dev splits; the temperature is fitted on all of them.
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)> {
        let (mut report, dev_logits, dev_gold) = dev_report(&self.net, &self.dev, self.device)?;
        report.temperature = fit_temperature(&dev_logits, &dev_gold);
        eprintln!(
            "dev mean macro-F1 {:.2}, temperature {:.2}",
            100.0 * report.mean_macro_f1,
            report.temperature
        );
        for (name, r) in &report.per_dataset {
            eprintln!(
                "  {name}: macro-F1 {:.2} F_avg {:.2} acc {:.2} (n {})",
                100.0 * r.macro_f1,
                100.0 * r.f_avg,
                100.0 * r.accuracy,
                r.n
            );
        }
        let file = StanceModelFile {
            task: "stance".into(),
            classes: CLASSES.iter().map(|s| s.to_string()).collect(),
            bert: self.bert.clone(),
            max_tokens: self.max_tokens,
            temperature: report.temperature,
        };
        Ok((
            report.mean_macro_f1,
            serde_json::to_value(&report)?,
            serde_json::to_value(&file)?,
        ))
    }
}
