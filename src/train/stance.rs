//! `newsmine train stance`: fine-tunes the base encoder as a target-conditioned cross-encoder on
//! several stance datasets at once, so that it carries over to unseen targets.
use super::{fit, Task, TrainOptions};
use crate::eval::stance::{score, StanceReport};
use crate::stance::data::{self, DataFormat, DataSpec, StanceExample};
use crate::stance::model::{
    encode_pair, fit_temperature, stance_net, InputStyle, Pair, StanceModelFile, StanceNet, CLASSES,
};
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use tch::{nn, Tensor};

pub struct StanceTrainData {
    pub specs: Vec<DataSpec>,
    /// sets read only as dev data (their held-out part, as `eval stance --heldout` takes it)
    pub dev_specs: Vec<DataSpec>,
    /// keep at most this many training examples per dataset (balances the mix, bounds time)
    pub max_per_dataset: Option<usize>,
    pub dev_fraction: f32,
    /// score at most this many dev examples per set (dev runs after every epoch)
    pub max_dev_per_dataset: usize,
    /// examples drawn per epoch across all sets (`None`: every example once)
    pub epoch_size: Option<usize>,
    /// each set's share of an epoch is proportional to `weight × n^power`
    pub sample_power: f64,
    /// the weight of news sets (`DataFormat::is_news`); others weigh 1
    pub news_weight: f64,
    /// mark the target's mentions in the text (`stance::data::mark`)
    pub mark_targets: bool,
    /// give each example its headline as context where the set has one (PerSenT paragraphs)
    pub title_context: bool,
}

/// Dev scores per dataset and their mean macro-F1 (the model-selection figure).
#[derive(Clone, Debug, Default, Serialize)]
pub struct DevReport {
    pub per_dataset: BTreeMap<String, StanceReport>,
    pub mean_macro_f1: f64,
    /// mean macro-F1 of the news sets alone
    pub news_macro_f1: f64,
    pub temperature: f64,
}

fn dev_report(
    net: &StanceNet,
    dev: &[DevSet],
    device: tch::Device,
) -> Result<(DevReport, Vec<Vec<f32>>, Vec<usize>)> {
    let mut report = DevReport::default();
    let (mut all_logits, mut all_gold) = (Vec::new(), Vec::new());
    let (mut news, mut all) = (Vec::new(), Vec::new());
    for set in dev {
        let l = net.logits(&set.pairs, 64, device)?;
        let pred: Vec<usize> = l
            .iter()
            .map(|r| (0..3).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap_or(2))
            .collect();
        let r = score(&set.gold, &pred);
        // Two-class sets (ArgQ, IBM claims) have no neutral gold: their figure is F_avg.
        let figure = if r.neutral.support == 0 {
            r.f_avg
        } else {
            r.macro_f1
        };
        if set.news {
            news.push(figure);
        }
        all.push(figure);
        report.per_dataset.insert(set.name.clone(), r);
        all_logits.extend(l);
        all_gold.extend(set.gold.iter().copied());
    }
    report.mean_macro_f1 = all.iter().sum::<f64>() / all.len().max(1) as f64;
    report.news_macro_f1 = news.iter().sum::<f64>() / news.len().max(1) as f64;
    Ok((report, all_logits, all_gold))
}

/// One set's dev examples, encoded.
struct DevSet {
    name: String,
    news: bool,
    pairs: Vec<Pair>,
    gold: Vec<usize>,
}

/// How many examples of each set an epoch draws: `epoch_size × w·n^p / Σ w·n^p`, a set never
/// giving more than it has (what it cannot give goes to the others).
pub fn epoch_quotas(sizes: &[(usize, f64)], epoch_size: usize, power: f64) -> Vec<usize> {
    let mut quota = vec![0usize; sizes.len()];
    let mut open: Vec<usize> = (0..sizes.len()).filter(|&i| sizes[i].0 > 0).collect();
    let mut left = epoch_size;
    while !open.is_empty() && left > 0 {
        let mass: f64 = open
            .iter()
            .map(|&i| sizes[i].1 * (sizes[i].0 as f64).powf(power))
            .sum();
        let mut capped = false;
        let share: Vec<(usize, usize)> = open
            .iter()
            .map(|&i| {
                let w = sizes[i].1 * (sizes[i].0 as f64).powf(power) / mass.max(1e-12);
                (i, (w * left as f64).round() as usize)
            })
            .collect();
        for &(i, q) in &share {
            if quota[i] + q >= sizes[i].0 {
                capped = true;
            }
        }
        if !capped {
            for (i, q) in share {
                quota[i] += q;
            }
            break;
        }
        // give the capped sets everything they have, then share the rest among the others
        for &(i, q) in &share {
            if quota[i] + q >= sizes[i].0 {
                left = left.saturating_sub(sizes[i].0 - quota[i]);
                quota[i] = sizes[i].0;
            }
        }
        open.retain(|&i| quota[i] < sizes[i].0);
    }
    quota
}

pub fn train(data: &StanceTrainData, opts: &TrainOptions) -> Result<()> {
    let super::Base {
        device,
        dir: base_dir,
        tok,
        bert,
    } = super::Base::load(opts)?;
    tch::manual_seed(opts.seed as i64);
    let style = InputStyle {
        mark_targets: data.mark_targets,
        title_context: data.title_context,
    };

    // Training examples grouped by set (a set may come from several files).
    let mut by_set: BTreeMap<DataFormat, Vec<StanceExample>> = BTreeMap::new();
    let mut dev_by_set: BTreeMap<DataFormat, Vec<StanceExample>> = BTreeMap::new();
    let dev_only: Vec<DataFormat> = data.dev_specs.iter().map(|d| d.format).collect();
    for DataSpec { format, path } in &data.specs {
        let all = data::load(path, *format)?;
        // A set with a --dev file trains on all of this one.
        let (mut tr, dv) = if dev_only.contains(format) {
            (all, Vec::new())
        } else {
            data::split_dev(all, data.dev_fraction, opts.seed)
        };
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        tr.shuffle(&mut rng);
        if let Some(n) = data.max_per_dataset {
            tr.truncate(n);
        }
        by_set.entry(*format).or_default().extend(tr);
        dev_by_set.entry(*format).or_default().extend(dv);
    }
    for DataSpec { format, path } in &data.dev_specs {
        let all = data::load(path, *format)?;
        dev_by_set
            .entry(*format)
            .or_default()
            .extend(data::split_dev(all, data.dev_fraction, opts.seed).1);
    }
    let mut dev = Vec::new();
    for (format, mut dv) in dev_by_set {
        if dv.is_empty() {
            continue;
        }
        if dv.len() > data.max_dev_per_dataset {
            dv.shuffle(&mut ChaCha8Rng::seed_from_u64(opts.seed));
            dv.truncate(data.max_dev_per_dataset);
        }
        let tr = by_set.get(&format).map_or(&[][..], |v| v.as_slice());
        eprintln!(
            "train stance: {format}: {} train {:?}, {} dev {:?} (favor, against, neutral)",
            tr.len(),
            data::label_counts(tr),
            dv.len(),
            data::label_counts(&dv)
        );
        let pairs = dv
            .iter()
            .map(|e| encode_pair(&tok, &e.target, &e.context, &e.text, opts.max_tokens, style))
            .collect::<Result<Vec<_>>>()?;
        dev.push(DevSet {
            name: format.name().to_string(),
            news: format.is_news(),
            pairs,
            gold: dv.iter().map(|e| e.label).collect(),
        });
    }
    let mut examples: Vec<(Pair, i64)> = Vec::new();
    let mut sets: Vec<(usize, usize, f64)> = Vec::new(); // (first index, count, weight)
    for (format, tr) in &by_set {
        let tr = &tr[..opts.limit.map_or(tr.len(), |n| n.min(tr.len()))];
        let first = examples.len();
        for e in tr {
            examples.push((
                encode_pair(&tok, &e.target, &e.context, &e.text, opts.max_tokens, style)?,
                e.label as i64,
            ));
        }
        let w = if format.is_news() {
            data.news_weight
        } else {
            1.0
        };
        sets.push((first, tr.len(), w));
    }
    if examples.is_empty() {
        return Err(Error::Usage("no training examples".into()));
    }
    let epoch_size = data.epoch_size.unwrap_or(examples.len());
    let quotas = epoch_quotas(
        &sets.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>(),
        epoch_size,
        data.sample_power,
    );
    for ((format, _), q) in by_set.iter().zip(&quotas) {
        eprintln!("train stance: {format}: {q} examples per epoch");
    }

    let mut vs = nn::VarStore::new(device);
    let mut net = stance_net(&vs.root(), &bert);
    super::prepare_network(&mut vs, &mut net.backbone, &base_dir, opts, "stance")?;
    let mut task = StanceTask {
        net,
        examples,
        sets: sets
            .iter()
            .zip(&quotas)
            .map(|(s, &q)| (s.0, s.1, q))
            .collect(),
        seed: opts.seed,
        dev,
        device,
        bert: serde_json::to_value(&bert)?,
        max_tokens: opts.max_tokens,
        style,
    };
    fit(&mut task, &mut vs, opts)?;
    Ok(())
}

/// The stance network with its training and dev data.
struct StanceTask {
    net: StanceNet,
    examples: Vec<(Pair, i64)>,
    /// per set: (first example index, examples, examples drawn per epoch)
    sets: Vec<(usize, usize, usize)>,
    seed: u64,
    dev: Vec<DevSet>,
    device: tch::Device,
    bert: serde_json::Value,
    max_tokens: usize,
    style: InputStyle,
}

impl Task for StanceTask {
    fn backbone(&mut self) -> &mut crate::encoder::Backbone {
        &mut self.net.backbone
    }
    /// Each set's quota, taken from a fixed shuffle of the set and moving on every epoch, so
    /// successive epochs see new examples of a large set before any repeats.
    fn epoch_examples(&self, epoch: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (k, &(first, n, quota)) in self.sets.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let mut perm: Vec<usize> = (first..first + n).collect();
            perm.shuffle(&mut ChaCha8Rng::seed_from_u64(
                self.seed ^ (k as u64 + 1) << 8,
            ));
            out.extend((0..quota).map(|j| perm[(epoch * quota + j) % n]));
        }
        out
    }
    fn epoch_len(&self) -> usize {
        self.sets.iter().map(|s| s.2).sum()
    }
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
        self.net.loss(&self.examples, batch, self.device)
    }
    /// Mean macro-F1 over the datasets' dev splits; the temperature is fitted on all of them.
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)> {
        let (mut report, dev_logits, dev_gold) = dev_report(&self.net, &self.dev, self.device)?;
        report.temperature = fit_temperature(&dev_logits, &dev_gold);
        eprintln!(
            "dev mean macro-F1 {:.2} (news sets {:.2}), temperature {:.2}",
            100.0 * report.mean_macro_f1,
            100.0 * report.news_macro_f1,
            report.temperature
        );
        for (name, r) in &report.per_dataset {
            let share = |c: &crate::eval::stance::ClassScores| {
                (
                    100.0 * c.predicted as f64 / r.n.max(1) as f64,
                    100.0 * c.support as f64 / r.n.max(1) as f64,
                )
            };
            let (fa, ag, ne) = (share(&r.favor), share(&r.against), share(&r.neutral));
            eprintln!(
                "  {name}: macro-F1 {:.2} F_avg {:.2} acc {:.2} (n {}); predicted/gold % favor {:.0}/{:.0} against {:.0}/{:.0} neutral {:.0}/{:.0}",
                100.0 * r.macro_f1,
                100.0 * r.f_avg,
                100.0 * r.accuracy,
                r.n,
                fa.0, fa.1, ag.0, ag.1, ne.0, ne.1
            );
        }
        let file = StanceModelFile {
            task: "stance".into(),
            classes: CLASSES.iter().map(|s| s.to_string()).collect(),
            bert: self.bert.clone(),
            max_tokens: self.max_tokens,
            temperature: report.temperature,
            mark_targets: self.style.mark_targets,
            title_context: self.style.title_context,
        };
        // Selection leans to the news sets (the product's home) without ignoring the rest.
        let select = if report.news_macro_f1 > 0.0 {
            0.5 * (report.mean_macro_f1 + report.news_macro_f1)
        } else {
            report.mean_macro_f1
        };
        Ok((
            select,
            serde_json::to_value(&report)?,
            serde_json::to_value(&file)?,
        ))
    }
}
