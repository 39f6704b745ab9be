//! `newsmine run`: streams articles through the components in batches and writes the tables.
use super::{Analysis, Component};
use crate::corpus::{readers, Article, InputError};
use crate::output::Tables;
use crate::text::{self, TextConfig};
use crate::{Error, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// The components of a pipeline and the text settings they share.
pub struct Pipeline {
    pub text: TextConfig,
    pub components: Vec<Box<dyn Component>>,
}

impl Pipeline {
    /// Cleans and segments articles (in parallel) and runs every component over them.
    /// Returns the analyses in input order and the seconds spent per stage.
    pub fn annotate(&self, articles: Vec<Article>, times: &mut BTreeMap<String, f64>) -> Vec<Analysis> {
        let t = Instant::now();
        let text_config = &self.text; // components are not Sync: capture only what the workers need
        let mut batch: Vec<Analysis> = articles
            .into_par_iter()
            .map(|article| {
                let doc = text::analyse(&article.text, text_config);
                Analysis { article, doc, ..Default::default() }
            })
            .collect();
        *times.entry("text".into()).or_default() += t.elapsed().as_secs_f64();
        for c in &self.components {
            let t = Instant::now();
            if let Err(e) = c.process(&mut batch) {
                // A component that fails on a whole batch marks each article; the run goes on.
                for a in batch.iter_mut() {
                    a.failures.push((c.name().to_string(), e.to_string()));
                }
            }
            *times.entry(c.name().into()).or_default() += t.elapsed().as_secs_f64();
        }
        batch
    }
}

/// What a run did, printed at the end and written into `run.json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunSummary {
    pub version: String,
    pub inputs: Vec<String>,
    pub out: String,
    pub components: Vec<String>,
    pub models: Vec<ModelFile>,
    pub articles: usize,
    pub failed_records: usize,
    pub articles_with_failures: usize,
    pub words: usize,
    pub rows: BTreeMap<String, usize>,
    pub seconds: f64,
    pub stage_seconds: BTreeMap<String, f64>,
    pub threads: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModelFile {
    pub path: String,
    pub sha256: String,
}

impl RunSummary {
    /// 0 when every record became a fully processed article, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.failed_records > 0 || self.articles_with_failures > 0 {
            1
        } else {
            0
        }
    }
}

impl std::fmt::Display for RunSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let wps = self.words as f64 / self.seconds.max(1e-9);
        write!(
            f,
            "newsmine: {} articles ({} words) in {:.1} s ({:.0} words/s) with {}; {} entities, {} quotes, {} stance rows; \
             {} records failed and {} articles had a stage fail (see errors.csv). Tables in {}",
            self.articles,
            self.words,
            self.seconds,
            wps,
            if self.components.is_empty() { "no model stages".to_string() } else { self.components.join(", ") },
            self.rows.get("entities").copied().unwrap_or(0),
            self.rows.get("quotes").copied().unwrap_or(0),
            self.rows.get("stance").copied().unwrap_or(0),
            self.failed_records,
            self.articles_with_failures,
            self.out
        )
    }
}

/// Settings of a run.
pub struct RunConfig {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub read: readers::ReadOptions,
    pub batch: usize,
    pub threads: usize,
    pub quiet: bool,
    /// model files to record (path, sha256) in run.json
    pub model_files: Vec<PathBuf>,
}

fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} articles, {per_sec}, {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb
}

/// Runs the pipeline over the inputs and writes every table into `config.out`.
pub fn run(pipeline: &Pipeline, config: &RunConfig) -> Result<RunSummary> {
    let start = Instant::now();
    let mut tables = Tables::create(&config.out)?;
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION").into(),
        inputs: config.inputs.iter().map(|p| p.display().to_string()).collect(),
        out: config.out.display().to_string(),
        components: pipeline.components.iter().map(|c| c.name().to_string()).collect(),
        threads: rayon::current_num_threads(),
        ..Default::default()
    };
    for p in &config.model_files {
        summary.models.push(ModelFile { path: p.display().to_string(), sha256: crate::encoder::file_sha256(p)? });
    }
    let pb = progress_bar(config.quiet);
    // Reading runs ahead in its own thread, bounded to two batches: memory stays flat however
    // large the corpus.
    let (tx, rx) = crossbeam_channel::bounded::<std::result::Result<Article, InputError>>(config.batch.max(1) * 2);
    let inputs = config.inputs.clone();
    let read = config.read.clone();
    let reader = std::thread::spawn(move || {
        for record in readers::read_inputs(&inputs, &read) {
            if tx.send(record).is_err() {
                break;
            }
        }
    });
    let mut pending: Vec<Article> = Vec::with_capacity(config.batch);
    let flush = |pending: &mut Vec<Article>, tables: &mut Tables, summary: &mut RunSummary| -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        let batch = pipeline.annotate(std::mem::take(pending), &mut summary.stage_seconds);
        for a in &batch {
            tables.write_analysis(a)?;
            summary.articles += 1;
            summary.words += a.doc.tokens.len();
            if !a.failures.is_empty() {
                summary.articles_with_failures += 1;
            }
        }
        pb.inc(batch.len() as u64);
        Ok(())
    };
    for record in rx {
        match record {
            Ok(article) => {
                pending.push(article);
                if pending.len() >= config.batch.max(1) {
                    flush(&mut pending, &mut tables, &mut summary)?;
                }
            }
            Err(e) => {
                summary.failed_records += 1;
                tables.write_input_error(&e)?;
            }
        }
    }
    flush(&mut pending, &mut tables, &mut summary)?;
    reader.join().map_err(|_| Error::Other("the reader thread panicked".into()))?;
    pb.finish_and_clear();
    summary.rows.insert("articles".into(), tables.articles.rows);
    summary.rows.insert("entities".into(), tables.entities.rows);
    summary.rows.insert("quotes".into(), tables.quotes.rows);
    summary.rows.insert("stance".into(), tables.stance.rows);
    summary.rows.insert("errors".into(), tables.errors.rows);
    tables.finish()?;
    summary.seconds = start.elapsed().as_secs_f64();
    crate::train::write_atomic(&config.out.join("run.json"), serde_json::to_string_pretty(&summary)?.as_bytes())?;
    Ok(summary)
}
