//! `newsmine run`: streams articles through the components in batches and writes the tables.
use super::{Analysis, Component};
use crate::corpus::{readers, Article, InputError};
use crate::output::{Table, Tables};
use crate::stance::aggregate::{self, AggregateParams, ArticleStanceRow, OutletRow, QuoteStanceRow, SpeakerRow};
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
            // A component that fails (or panics inside libtorch) on a batch marks each of its
            // articles; the run goes on.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.process(&mut batch)));
            let failure = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(panic) => Some(panic_message(&panic)),
            };
            if let Some(msg) = failure {
                for a in batch.iter_mut() {
                    a.failures.push((c.name().to_string(), msg.clone()));
                }
            }
            *times.entry(c.name().into()).or_default() += t.elapsed().as_secs_f64();
        }
        batch
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let msg = panic.downcast_ref::<String>().map(|s| s.as_str()).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("panic");
    // libtorch messages carry a C++ backtrace: the first line says what went wrong
    format!("internal error: {}", msg.lines().next().unwrap_or(msg))
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
    /// how unit stances become speaker and outlet stances (None when stance is off)
    pub aggregate: Option<(f32, AggregateParams)>,
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
    // Compact per-article rows for the corpus-level aggregates (a few dozen bytes an article).
    let mut article_rows: Vec<ArticleStanceRow> = Vec::new();
    let mut quote_rows: Vec<QuoteStanceRow> = Vec::new();
    let mut outlet_articles: BTreeMap<String, usize> = BTreeMap::new();
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
    let mut flush = |pending: &mut Vec<Article>, tables: &mut Tables, summary: &mut RunSummary| -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        let batch = pipeline.annotate(std::mem::take(pending), &mut summary.stage_seconds);
        for a in &batch {
            tables.write_analysis(a)?;
            *outlet_articles.entry(a.article.outlet.clone()).or_default() += 1;
            article_rows.extend(aggregate::article_rows(a));
            quote_rows.extend(aggregate::quote_rows(a));
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
    for r in &article_rows {
        tables.article_stance.write(r)?;
    }
    write_aggregates(&config.out, config.aggregate.as_ref(), &article_rows, &quote_rows, &outlet_articles, &mut summary)?;
    tables.finish()?;
    summary.seconds = start.elapsed().as_secs_f64();
    crate::train::write_atomic(&config.out.join("run.json"), serde_json::to_string_pretty(&summary)?.as_bytes())?;
    Ok(summary)
}

/// `outlets.csv` and `speakers.csv` from the per-article rows. Without stance, outlets.csv still
/// counts articles per outlet (target empty).
pub fn write_aggregates(
    out: &std::path::Path,
    aggregate: Option<&(f32, AggregateParams)>,
    article_rows: &[ArticleStanceRow],
    quote_rows: &[QuoteStanceRow],
    outlet_articles: &BTreeMap<String, usize>,
    summary: &mut RunSummary,
) -> Result<()> {
    let mut outlets = Table::create(out, "outlets", crate::output::OUTLET_HEADER)?;
    let mut speakers = Table::create(out, "speakers", crate::output::SPEAKER_HEADER)?;
    match aggregate {
        Some((min_relevance, params)) => {
            for r in aggregate::outlet_stance(article_rows, params) {
                outlets.write(&r)?;
            }
            for r in aggregate::speaker_stance(quote_rows, *min_relevance, params) {
                speakers.write::<SpeakerRow>(&r)?;
            }
        }
        None => {
            for (outlet, n) in outlet_articles {
                outlets.write(&OutletRow {
                    outlet: outlet.clone(),
                    target: String::new(),
                    articles: *n,
                    relevant_articles: 0,
                    share_favor: None,
                    share_against: None,
                    share_neutral: None,
                    mean_score: None,
                    ci_low: None,
                    ci_high: None,
                })?;
            }
        }
    }
    summary.rows.insert("outlets".into(), outlets.rows);
    summary.rows.insert("speakers".into(), speakers.rows);
    outlets.finish()?;
    speakers.finish()?;
    Ok(())
}
