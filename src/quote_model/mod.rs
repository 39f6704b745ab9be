//! The quote model: a pair classifier on the base encoder that scores each statement the rule
//! stage proposes (`quotes/`) as a real attribution or not, trained on PolNeAR by
//! `newsmine train quotes`. Rules propose, the model disposes: every row gets a calibrated
//! `confidence`, and statements under the model's threshold (chosen on dev for F1) are dropped.
//! The rules alone stay available (`--skip quote-model`).
pub mod input;

use crate::component::Component;
use crate::doc::{statements, Analysis, Doc, Quote};
use crate::encoder::pair::{self, PairClassifier};
use crate::encoder::{self};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tch::{nn, Device};
use tokenizers::Tokenizer;

/// Class order of the model's output.
pub const CLASSES: [&str; 2] = ["other", "attribution"];
/// Name of the output layer's variables.
pub const HEAD: &str = "quote_head";

/// `config.json` of a trained quote model folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuoteModelFile {
    pub task: String,
    pub classes: Vec<String>,
    pub bert: serde_json::Value,
    pub max_tokens: usize,
    /// logits are divided by this before the softmax (fitted on dev)
    pub temperature: f64,
    /// statements with a lower confidence are dropped (chosen on dev for F1 at overlap 0.3)
    pub threshold: f32,
}

#[derive(Clone, Debug)]
pub struct QuoteModelConfig {
    pub model_dir: PathBuf,
    pub base_dir: Option<PathBuf>,
    pub batch_size: usize,
    pub device: Device,
    /// run the encoder in bfloat16 (faster on CPUs with AMX/AVX512-BF16)
    pub bf16: bool,
    /// drop statements under this confidence instead of the model's own threshold
    pub threshold: Option<f32>,
}

impl Default for QuoteModelConfig {
    fn default() -> Self {
        QuoteModelConfig {
            model_dir: encoder::default_model_dir("quotes"),
            base_dir: None,
            batch_size: 32,
            device: encoder::device(),
            bf16: false,
            threshold: None,
        }
    }
}

/// A new quote network.
pub fn quote_net(root: &nn::Path, bert: &rust_bert::bert::BertConfig) -> PairClassifier {
    PairClassifier::new(root, bert, HEAD, CLASSES.len())
}

/// The pairs of an article's statements (grouped by [`statements`]), with the groups.
pub fn article_pairs(doc: &Doc, quotes: &[Quote]) -> (Vec<Vec<usize>>, Vec<(String, String)>) {
    let groups = statements(quotes);
    let pairs = groups
        .iter()
        .map(|g| input::statement_pair(doc, quotes, g))
        .collect();
    (groups, pairs)
}

/// A loaded quote model.
pub struct QuoteModel {
    _vs: nn::VarStore,
    net: PairClassifier,
    tokenizer: Tokenizer,
    config: QuoteModelConfig,
    max_tokens: usize,
    pub temperature: f64,
    /// the threshold in force (the config's, else the model's)
    pub threshold: f32,
    pub files: Vec<PathBuf>,
}

impl QuoteModel {
    pub fn new(config: QuoteModelConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<QuoteModelFile>(
            "Quote",
            "--quote-model",
            "quote-model",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        folder.expect_classes(&folder.file.classes, &CLASSES)?;
        let (_vs, net) = folder.load(
            config.device,
            config.bf16,
            |root| quote_net(root, &folder.bert),
            |n| &mut n.backbone,
        )?;
        Ok(QuoteModel {
            _vs,
            net,
            tokenizer: folder.tokenizer,
            max_tokens: folder.file.max_tokens,
            temperature: folder.file.temperature,
            threshold: config.threshold.unwrap_or(folder.file.threshold),
            files: folder.files,
            config,
        })
    }

    /// The calibrated probability that each pair is a real attribution.
    pub fn predict(&self, pairs: &[(String, String)]) -> Result<Vec<f32>> {
        let encoded = pairs
            .iter()
            .map(|(a, b)| pair::encode(&self.tokenizer, a, b, self.max_tokens))
            .collect::<Result<Vec<_>>>()?;
        let logits = self
            .net
            .logits(&encoded, self.config.batch_size, self.config.device)?;
        Ok(logits
            .iter()
            .map(|l| {
                pair::softmax(l, self.temperature)
                    .get(1)
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect())
    }

    /// Sets each row's `confidence` (its statement's) in every article, all statements of the
    /// batch in one model call.
    pub fn score(&self, articles: &mut [(&Doc, &mut Vec<Quote>)]) -> Result<()> {
        let mut all = Vec::new();
        let mut groups = Vec::new();
        for (doc, quotes) in articles.iter() {
            let (g, p) = article_pairs(doc, quotes);
            all.extend(p);
            groups.push(g);
        }
        let conf = self.predict(&all)?;
        let mut next = conf.iter();
        for ((_, quotes), g) in articles.iter_mut().zip(groups) {
            for rows in g {
                let c = next.next().copied().unwrap_or(0.0);
                for k in rows {
                    quotes[k].confidence = Some(c);
                }
            }
        }
        Ok(())
    }
}

/// Keeps the rows whose confidence reaches `threshold` (rows without one stay) and renumbers
/// them in text order.
pub fn keep_confident(quotes: &mut Vec<Quote>, threshold: f32) {
    quotes.retain(|q| q.confidence.is_none_or(|c| c >= threshold));
    for (i, q) in quotes.iter_mut().enumerate() {
        q.id = i;
    }
}

impl Component for QuoteModel {
    fn name(&self) -> &'static str {
        "quote-model"
    }

    fn requires(&self) -> &'static [crate::component::Field] {
        &[crate::component::Field::Quotes]
    }

    fn assigns(&self) -> &'static [crate::component::Field] {
        &[crate::component::Field::QuoteConfidence]
    }

    fn process(&self, batch: &mut [Analysis]) -> Result<()> {
        let mut items: Vec<(&Doc, &mut Vec<Quote>)> =
            batch.iter_mut().map(|a| (&a.doc, &mut a.quotes)).collect();
        self.score(&mut items)?;
        for a in batch.iter_mut() {
            keep_confident(&mut a.quotes, self.threshold);
        }
        Ok(())
    }
}
