//! `newsmine train quotes`: fine-tunes the base encoder to score the rule stage's statements
//! (`quote_model`) on PolNeAR.
//!
//! Examples: the rules run over each training article with every cue class (PolNeAR's wide
//! sense: beliefs and intentions too, so the model sees them) and each proposed statement is
//! labelled by the gold attributions: an attribution when it overlaps a gold content by ≥ 0.3
//! (the evaluation's threshold), else not. PolNeAR annotates some articles more than once; a
//! statement of such an article is one example, labelled by the majority of its annotators.
//!
//! Dev: after each epoch the rules (default cue classes, as a run) plus the model score the dev
//! articles with the evaluation's own matching; the temperature is fitted, then the threshold
//! chosen: the highest up to 0.5 whose F1 at overlap 0.3 is within [`F1_SLACK`] of the best. The
//! selection figure of an epoch is its best F1.
use super::{fit, Task, TrainOptions};
use crate::encoder::pair::{self, fit_temperature, Pair, PairClassifier};
use crate::eval::quotes::{load_polnear, score, statement_is_gold, GoldArticle};
use crate::pipeline::Pipeline;
use crate::quote_model::{article_pairs, keep_confident, quote_net, QuoteModelFile, CLASSES};
use crate::quotes::{CueClasses, QuoteExtractor, QuotesConfig};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use tch::{nn, Tensor};
use tokenizers::Tokenizer;

pub struct QuoteTrainData {
    pub train: PathBuf,
    pub dev: PathBuf,
    /// run NER first, as a run does (speakers resolved to names); off: spans only, faster
    pub ner: bool,
}

/// One article's statements as the rules propose them, as model input.
struct Proposed {
    gold: GoldArticle,
    quotes: Vec<crate::doc::Quote>,
    groups: Vec<Vec<usize>>,
    pairs: Vec<Pair>,
}

/// Annotates the articles (text stage, NER if asked) and runs the rules of `classes`.
fn propose(
    gold: Vec<GoldArticle>,
    pipeline: &Pipeline,
    classes: CueClasses,
    tok: &Tokenizer,
    max_tokens: usize,
) -> Result<Vec<Proposed>> {
    let rules = QuoteExtractor::new(QuotesConfig {
        classes,
        ..Default::default()
    })?;
    let mut out = Vec::with_capacity(gold.len());
    let mut times = Default::default();
    for chunk in gold.chunks(32) {
        let batch = pipeline.annotate(
            chunk.iter().map(|g| g.article.clone()).collect(),
            &mut times,
        );
        for (g, a) in chunk.iter().zip(batch) {
            let quotes = rules.extract(&a.doc, &a.entities);
            let (groups, texts) = article_pairs(&a.doc, &quotes);
            let pairs = texts
                .iter()
                .map(|(x, y)| pair::encode(tok, x, y, max_tokens))
                .collect::<Result<Vec<_>>>()?;
            out.push(Proposed {
                gold: g.clone(),
                quotes,
                groups,
                pairs,
            });
        }
    }
    Ok(out)
}

/// Training examples: one per distinct (article text, statement), majority label.
fn examples(train: &[Proposed]) -> Vec<(Pair, i64)> {
    let mut votes: HashMap<(u64, Vec<i64>), (Pair, usize, usize)> = HashMap::new();
    let mut order = Vec::new();
    for p in train {
        let key_text = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            p.gold.article.text.hash(&mut h);
            h.finish()
        };
        let labels = statement_is_gold(&p.gold, &p.quotes, &p.groups, 0.3);
        for (pair, gold) in p.pairs.iter().zip(labels) {
            let key = (key_text, pair.ids.clone());
            let e = votes.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                (pair.clone(), 0, 0)
            });
            e.1 += usize::from(gold);
            e.2 += 1;
        }
    }
    order
        .into_iter()
        .filter_map(|k| votes.remove(&k))
        .map(|(pair, yes, n)| (pair, i64::from(2 * yes >= n)))
        .collect()
}

pub fn train(data: &QuoteTrainData, opts: &TrainOptions) -> Result<()> {
    let super::Base {
        device,
        dir: base_dir,
        tok,
        bert,
    } = super::Base::load(opts)?;
    let mut components: Vec<Box<dyn crate::component::Component>> = Vec::new();
    if data.ner {
        components.push(Box::new(crate::ner::NerModel::new(Default::default())?));
    }
    let pipeline = Pipeline {
        text: Default::default(),
        components,
    };
    let mut train_gold = load_polnear(&data.train)?;
    if let Some(n) = opts.limit {
        train_gold.truncate(n);
    }
    let t0 = std::time::Instant::now();
    let train = propose(
        train_gold,
        &pipeline,
        CueClasses::ALL,
        &tok,
        opts.max_tokens,
    )?;
    let dev = propose(
        load_polnear(&data.dev)?,
        &pipeline,
        CueClasses::DEFAULT,
        &tok,
        opts.max_tokens,
    )?;
    let examples = examples(&train);
    if examples.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no statements proposed",
            data.train.display()
        )));
    }
    let positive = examples.iter().filter(|e| e.1 == 1).count();
    eprintln!(
        "train quotes: {} articles → {} statements ({positive} attributions, {} not); {} dev articles; {:.0} s",
        train.len(),
        examples.len(),
        examples.len() - positive,
        dev.len(),
        t0.elapsed().as_secs_f64()
    );
    let mut vs = nn::VarStore::new(device);
    let mut net = quote_net(&vs.root(), &bert);
    super::prepare_network(&mut vs, &mut net.backbone, &base_dir, opts, "quotes")?;
    let mut task = QuoteTask {
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

struct QuoteTask {
    net: PairClassifier,
    examples: Vec<(Pair, i64)>,
    dev: Vec<Proposed>,
    device: tch::Device,
    bert: serde_json::Value,
    max_tokens: usize,
}

/// F1 points (at overlap 0.3) the chosen threshold may give up on dev against the best one.
pub const F1_SLACK: f64 = 0.5;

/// The dev figures of one epoch (`dev_report.json`).
#[derive(Serialize)]
pub struct QuoteDevReport {
    pub temperature: f64,
    pub threshold: f32,
    /// the threshold of the best dev F1 (the chosen one may be higher, see [`F1_SLACK`])
    pub f1_best_threshold: f32,
    /// F1, precision, recall at overlap 0.3: rules alone, then with the model
    pub rules: [f64; 3],
    pub with_model: [f64; 3],
    /// F1 at overlap 0.3 for each threshold tried
    pub by_threshold: Vec<(f32, f64)>,
}

fn prf(r: &crate::eval::quotes::QuoteReport) -> [f64; 3] {
    let s = &r.all.overlap_0_3;
    [100.0 * s.f1(), 100.0 * s.precision(), 100.0 * s.recall()]
}

impl QuoteTask {
    /// Dev quotes with their confidence from the current weights and `temperature`.
    fn dev_quotes(&self, logits: &[Vec<f32>], temperature: f64) -> Vec<Vec<crate::doc::Quote>> {
        let mut next = logits.iter();
        self.dev
            .iter()
            .map(|p| {
                let mut quotes = p.quotes.clone();
                for rows in &p.groups {
                    let c = next
                        .next()
                        .map_or(0.0, |l| pair::softmax(l, temperature)[1]);
                    for &k in rows {
                        quotes[k].confidence = Some(c);
                    }
                }
                quotes
            })
            .collect()
    }
}

impl Task for QuoteTask {
    fn backbone(&mut self) -> &mut crate::encoder::Backbone {
        &mut self.net.backbone
    }
    fn name(&self) -> &'static str {
        "quotes"
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
    fn evaluate(&mut self) -> Result<(f64, serde_json::Value, serde_json::Value)> {
        let pairs: Vec<Pair> = self
            .dev
            .iter()
            .flat_map(|p| p.pairs.iter().cloned())
            .collect();
        let logits = self.net.logits(&pairs, 64, self.device)?;
        let gold_of: Vec<usize> = self
            .dev
            .iter()
            .flat_map(|p| statement_is_gold(&p.gold, &p.quotes, &p.groups, 0.3))
            .map(usize::from)
            .collect();
        let temperature = fit_temperature(&logits, &gold_of);
        let gold: Vec<GoldArticle> = self.dev.iter().map(|p| p.gold.clone()).collect();
        let scored = self.dev_quotes(&logits, temperature);
        let rules = prf(&score(&gold, &scored));
        let mut by_threshold = Vec::new();
        for t in (1..20).map(|i| i as f32 * 0.05) {
            let kept: Vec<_> = scored
                .iter()
                .map(|q| {
                    let mut q = q.clone();
                    keep_confident(&mut q, t);
                    q
                })
                .collect();
            by_threshold.push((t, prf(&score(&gold, &kept))));
        }
        let (f1_best_threshold, best) = by_threshold
            .iter()
            .copied()
            .max_by(|a, b| a.1[0].total_cmp(&b.1[0]))
            .unwrap_or((0.5, rules));
        // The dev F1 curve is flat over a wide range; within it, prefer the highest threshold up
        // to 0.5 (calibrated: "more likely an attribution than not"), as news with more
        // non-statements than PolNeAR gains precision from it.
        let (threshold, with_model) = by_threshold
            .iter()
            .copied()
            .filter(|(t, s)| *t <= 0.5 + 1e-6 && s[0] >= best[0] - F1_SLACK)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or((f1_best_threshold, best));
        eprintln!(
            "dev F1/P/R @0.3: rules {:.1}/{:.1}/{:.1}, with the model {:.1}/{:.1}/{:.1} at threshold {threshold:.2}, temperature {temperature:.2}",
            rules[0], rules[1], rules[2], with_model[0], with_model[1], with_model[2]
        );
        let report = QuoteDevReport {
            temperature,
            threshold,
            f1_best_threshold,
            rules,
            with_model,
            by_threshold: by_threshold.iter().map(|(t, s)| (*t, s[0])).collect(),
        };
        let file = QuoteModelFile {
            task: "quotes".into(),
            classes: CLASSES.iter().map(|s| s.to_string()).collect(),
            bert: self.bert.clone(),
            max_tokens: self.max_tokens,
            temperature,
            threshold,
        };
        // epochs are compared on their best F1, whatever threshold it takes
        Ok((
            best[0] / 100.0,
            serde_json::to_value(&report)?,
            serde_json::to_value(&file)?,
        ))
    }
}
