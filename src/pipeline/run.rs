//! `newsmine run`: streams articles through the components in batches and writes the tables.
use super::{Analysis, Component};
use crate::corpus::{readers, Article, InputError};
use crate::output::{Table, Tables};
use crate::stance::aggregate::{
    self, AggregateParams, ArticleStanceRow, OutletRow, QuoteStanceRow,
};
use crate::text::{self, TextConfig};
use crate::{Error, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The components of a pipeline and the text settings they share.
pub struct Pipeline {
    pub text: TextConfig,
    pub components: Vec<Box<dyn Component>>,
}

impl Pipeline {
    /// Cleans and segments articles (in parallel) and runs every component over them.
    /// Returns the analyses in input order and the seconds spent per stage.
    pub fn annotate(
        &self,
        articles: Vec<Article>,
        times: &mut BTreeMap<String, f64>,
    ) -> Vec<Analysis> {
        let t = Instant::now();
        let text_config = &self.text; // components are not Sync: capture only what the workers need
        let mut batch: Vec<Analysis> = articles
            .into_par_iter()
            .map(|article| {
                let doc = text::analyse(&article.text, text_config);
                Analysis {
                    article,
                    doc,
                    ..Default::default()
                }
            })
            .collect();
        *times.entry("text".into()).or_default() += t.elapsed().as_secs_f64();
        for c in &self.components {
            let t = Instant::now();
            // A component that fails (or panics inside libtorch) on a batch marks each of its
            // articles; the run goes on.
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.process(&mut batch)));
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
    let msg = panic
        .downcast_ref::<String>()
        .map(|s| s.as_str())
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("panic");
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
    /// table folder; None writes JSON lines to stdout instead (for Spark, Hadoop streaming, Ray)
    pub out: Option<PathBuf>,
    pub read: readers::ReadOptions,
    pub batch: usize,
    pub threads: usize,
    pub quiet: bool,
    /// model files to record (path, sha256) in run.json
    pub model_files: Vec<PathBuf>,
    /// how unit stances become speaker and outlet stances (None when stance is off)
    pub aggregate: Option<(f32, AggregateParams)>,
    /// process only articles whose id hashes to shard `.0` of `.1`
    pub shard: Option<(u64, u64)>,
    /// continue an interrupted run in the same folder
    pub resume: bool,
}

/// Stable shard of a key: sha256, first 8 bytes, modulo `n` (same on every machine and version).
pub fn shard_of(key: &str, n: u64) -> u64 {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(key.as_bytes());
    u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]) % n.max(1)
}

/// Parses `I/N` (0 ≤ I < N).
pub fn parse_shard(s: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::Usage(format!(
            "--shard {s:?}: expected I/N with 0 <= I < N, e.g. 3/16"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} articles, {per_sec}, {elapsed} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb
}

/// Where results go: CSV tables in a folder, or JSON lines on stdout.
enum Sink {
    Tables(Box<Tables>),
    Jsonl(std::io::BufWriter<std::io::Stdout>),
}

/// One article's results as a JSON line.
#[derive(Serialize)]
struct JsonResult<'a> {
    article_id: &'a str,
    outlet: &'a str,
    published: &'a str,
    title: &'a str,
    url: &'a str,
    source: &'a str,
    n_paragraphs: usize,
    n_sentences: usize,
    n_tokens: usize,
    entities: &'a [crate::ner::Entity],
    quotes: &'a [crate::quotes::Quote],
    stance: &'a [crate::stance::UnitStance],
    article_stance: &'a [crate::stance::ArticleStance],
    warnings: &'a [String],
    failures: &'a [(String, String)],
}

impl Sink {
    fn write_analysis(&mut self, a: &Analysis) -> Result<()> {
        match self {
            Sink::Tables(t) => t.write_analysis(a),
            Sink::Jsonl(w) => {
                let art = &a.article;
                let row = JsonResult {
                    article_id: &art.id,
                    outlet: &art.outlet,
                    published: &art.published,
                    title: &art.title,
                    url: &art.url,
                    source: &art.source,
                    n_paragraphs: a.doc.paragraphs.len(),
                    n_sentences: a.doc.sentences.len(),
                    n_tokens: a.doc.tokens.len(),
                    entities: &a.entities,
                    quotes: &a.quotes,
                    stance: &a.stance,
                    article_stance: &a.article_stance,
                    warnings: &art.warnings,
                    failures: &a.failures,
                };
                serde_json::to_writer(&mut *w, &row)?;
                writeln!(w).map_err(|e| Error::io("<stdout>", e))
            }
        }
    }

    fn write_input_error(&mut self, e: &InputError) -> Result<()> {
        match self {
            Sink::Tables(t) => t.write_input_error(e),
            Sink::Jsonl(w) => {
                serde_json::to_writer(&mut *w, &serde_json::json!({ "error": e }))?;
                writeln!(w).map_err(|e| Error::io("<stdout>", e))
            }
        }
    }
}

/// Progress of an interrupted run: how many input records were done and how long each table
/// was at that point (bytes written after it are a partial batch and are cut on resume).
#[derive(Serialize, serde::Deserialize, Default)]
struct Progress {
    inputs: Vec<String>,
    shard: Option<(u64, u64)>,
    records_done: usize,
    table_bytes: BTreeMap<String, u64>,
    summary_articles: usize,
    summary_failed_records: usize,
    summary_failures: usize,
    summary_words: usize,
}

const PROGRESS: &str = ".newsmine-progress.json";
/// The manifest of finished article ids, one per line, appended after each batch.
const DONE_IDS: &str = ".newsmine-done-ids.txt";

/// Runs the pipeline over the inputs and writes every table (or JSON lines).
pub fn run(pipeline: &Pipeline, config: &RunConfig) -> Result<RunSummary> {
    let start = Instant::now();
    let inputs_str: Vec<String> = config
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION").into(),
        inputs: inputs_str.clone(),
        out: config
            .out
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<stdout>".into()),
        components: pipeline
            .components
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
        threads: rayon::current_num_threads(),
        ..Default::default()
    };
    for p in &config.model_files {
        summary.models.push(ModelFile {
            path: p.display().to_string(),
            sha256: crate::encoder::file_sha256(p)?,
        });
    }
    // A resumable run continues from its last finished batch.
    let mut resumed: Option<Progress> = None;
    let mut sink = match &config.out {
        None => Sink::Jsonl(std::io::BufWriter::new(std::io::stdout())),
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let progress_path = dir.join(PROGRESS);
            if config.resume && progress_path.is_file() {
                let raw = std::fs::read_to_string(&progress_path)
                    .map_err(|e| Error::io(&progress_path, e))?;
                let p: Progress = serde_json::from_str(&raw)?;
                if p.inputs != inputs_str || p.shard != config.shard {
                    return Err(Error::Usage(format!(
                        "--resume: {} was started with inputs {:?} and shard {:?}; run again with the same inputs or without --resume",
                        dir.display(),
                        p.inputs,
                        p.shard
                    )));
                }
                let tables = Tables::resume(dir, &p.table_bytes)?;
                summary.articles = p.summary_articles;
                summary.failed_records = p.summary_failed_records;
                summary.articles_with_failures = p.summary_failures;
                summary.words = p.summary_words;
                if !config.quiet {
                    eprintln!(
                        "newsmine: resuming {} after {} records",
                        dir.display(),
                        p.records_done
                    );
                }
                resumed = Some(p);
                Sink::Tables(Box::new(tables))
            } else {
                let _ = std::fs::remove_file(dir.join(DONE_IDS));
                Sink::Tables(Box::new(Tables::create(dir)?))
            }
        }
    };
    let skip_records = resumed.as_ref().map(|p| p.records_done).unwrap_or(0);
    let pb = progress_bar(config.quiet);
    // Reading runs ahead in its own thread, bounded to two batches: memory stays flat however
    // large the corpus.
    let (tx, rx) = crossbeam_channel::bounded::<std::result::Result<Article, InputError>>(
        config.batch.max(1) * 2,
    );
    let inputs = config.inputs.clone();
    let read = config.read.clone();
    let reader = std::thread::spawn(move || {
        for record in readers::read_inputs(&inputs, &read).skip(skip_records) {
            if tx.send(record).is_err() {
                break;
            }
        }
    });
    let mut records_done = skip_records;
    let mut pending: Vec<Article> = Vec::with_capacity(config.batch);
    let flush = |pending: &mut Vec<Article>,
                 sink: &mut Sink,
                 summary: &mut RunSummary,
                 records_done: usize|
     -> Result<()> {
        let batch = pipeline.annotate(std::mem::take(pending), &mut summary.stage_seconds);
        for a in &batch {
            sink.write_analysis(a)?;
            if let Sink::Jsonl(_) = sink {
                for (k, n) in [
                    ("entities", a.entities.len()),
                    ("quotes", a.quotes.len()),
                    ("stance", a.stance.len()),
                ] {
                    *summary.rows.entry(k.into()).or_default() += n;
                }
            }
            summary.articles += 1;
            summary.words += a.doc.tokens.len();
            if !a.failures.is_empty() {
                summary.articles_with_failures += 1;
            }
        }
        pb.inc(batch.len() as u64);
        if let (Sink::Tables(tables), Some(dir)) = (sink, &config.out) {
            // Checkpoint after every batch: flush tables, then record where they end.
            let table_bytes = tables.flush()?;
            let ids: String = batch
                .iter()
                .map(|a| format!("{}\n", a.article.id))
                .collect();
            let done = dir.join(DONE_IDS);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&done)
                .and_then(|mut f| f.write_all(ids.as_bytes()))
                .map_err(|e| Error::io(&done, e))?;
            let p = Progress {
                inputs: inputs_str.clone(),
                shard: config.shard,
                records_done,
                table_bytes,
                summary_articles: summary.articles,
                summary_failed_records: summary.failed_records,
                summary_failures: summary.articles_with_failures,
                summary_words: summary.words,
            };
            crate::train::write_atomic(&dir.join(PROGRESS), serde_json::to_string(&p)?.as_bytes())?;
        }
        Ok(())
    };
    for record in rx {
        records_done += 1;
        match record {
            Ok(article) => {
                if config
                    .shard
                    .is_some_and(|(i, n)| shard_of(&article.id, n) != i)
                {
                    continue;
                }
                pending.push(article);
                if pending.len() >= config.batch.max(1) {
                    flush(&mut pending, &mut sink, &mut summary, records_done)?;
                }
            }
            Err(e) => {
                // each failed record is reported by exactly one shard
                if config.shard.is_some_and(|(i, n)| {
                    shard_of(&format!("{}\u{0}{}", e.source, e.record), n) != i
                }) {
                    continue;
                }
                summary.failed_records += 1;
                sink.write_input_error(&e)?;
            }
        }
    }
    if !pending.is_empty() {
        flush(&mut pending, &mut sink, &mut summary, records_done)?;
    }
    reader
        .join()
        .map_err(|_| Error::Other("the reader thread panicked".into()))?;
    pb.finish_and_clear();
    match sink {
        Sink::Jsonl(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e))?,
        Sink::Tables(tables) => {
            let dir = config.out.as_deref().unwrap_or(Path::new("."));
            tables.finish()?;
            finish_dir(dir, config.aggregate.as_ref(), &mut summary)?;
        }
    }
    summary.seconds = start.elapsed().as_secs_f64();
    if let Some(dir) = &config.out {
        crate::train::write_atomic(
            &dir.join("run.json"),
            serde_json::to_string_pretty(&summary)?.as_bytes(),
        )?;
        let _ = std::fs::remove_file(dir.join(PROGRESS));
    }
    Ok(summary)
}

/// Row counts of the finished per-article tables, then `outlets.csv` and `speakers.csv`
/// computed from them (the same code serves `merge`).
pub fn finish_dir(
    dir: &Path,
    aggregate: Option<&(f32, AggregateParams)>,
    summary: &mut RunSummary,
) -> Result<()> {
    for t in crate::output::PER_ARTICLE_TABLES {
        summary.rows.insert(
            t.to_string(),
            crate::output::count_rows(&dir.join(format!("{t}.csv")))?,
        );
    }
    write_aggregates(dir, aggregate)?;
    for t in ["outlets", "speakers"] {
        summary.rows.insert(
            t.to_string(),
            crate::output::count_rows(&dir.join(format!("{t}.csv")))?,
        );
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct ArticleOutlet {
    article_id: String,
    outlet: String,
}

#[derive(serde::Deserialize)]
struct StanceUnitRow {
    article_id: String,
    unit: String,
    unit_id: usize,
    target: String,
    stance: String,
    p_favor: f32,
    p_against: f32,
    p_neutral: f32,
    relevance: f32,
    speaker_canonical: Option<String>,
}

/// `outlets.csv` and `speakers.csv` from a folder's `articles.csv`, `article_stance.csv` and
/// `stance.csv`. Without stance, outlets.csv still counts articles per outlet (target empty).
pub fn write_aggregates(dir: &Path, aggregate: Option<&(f32, AggregateParams)>) -> Result<()> {
    let articles: Vec<ArticleOutlet> = aggregate::read_rows(&dir.join("articles.csv"))?;
    let article_rows: Vec<ArticleStanceRow> =
        aggregate::read_rows(&dir.join("article_stance.csv"))?;
    let outlet_of: std::collections::HashMap<&str, &str> = articles
        .iter()
        .map(|a| (a.article_id.as_str(), a.outlet.as_str()))
        .collect();
    let mut outlets = Table::create(dir, "outlets", crate::output::OUTLET_HEADER)?;
    let mut speakers = Table::create(dir, "speakers", crate::output::SPEAKER_HEADER)?;
    match aggregate {
        Some((min_relevance, params)) if !article_rows.is_empty() => {
            for r in aggregate::outlet_stance(&article_rows, params) {
                outlets.write(&r)?;
            }
            let units: Vec<StanceUnitRow> = aggregate::read_rows(&dir.join("stance.csv"))?;
            let quote_rows: Vec<QuoteStanceRow> = units
                .into_iter()
                .filter(|u| u.unit == "quote")
                .filter_map(|u| {
                    Some(QuoteStanceRow {
                        outlet: outlet_of.get(u.article_id.as_str())?.to_string(),
                        article_id: u.article_id,
                        quote_id: u.unit_id,
                        speaker_canonical: u.speaker_canonical.filter(|s| !s.is_empty()),
                        target: u.target,
                        stance: aggregate::parse_label(&u.stance)?,
                        relevance: u.relevance,
                        p_favor: u.p_favor,
                        p_against: u.p_against,
                        p_neutral: u.p_neutral,
                    })
                })
                .collect();
            for r in aggregate::speaker_stance(&quote_rows, *min_relevance, params) {
                speakers.write(&r)?;
            }
        }
        _ => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for a in &articles {
                *counts.entry(a.outlet.as_str()).or_default() += 1;
            }
            for (outlet, n) in counts {
                outlets.write(&OutletRow {
                    outlet: outlet.to_string(),
                    target: String::new(),
                    articles: n,
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
    outlets.finish()?;
    speakers.finish()?;
    Ok(())
}

/// `newsmine merge`: concatenates the per-article tables of shard folders (in the order given)
/// and recomputes the outlet and speaker aggregates, as one run over the whole corpus would.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    aggregate: Option<&(f32, AggregateParams)>,
) -> Result<RunSummary> {
    let start = Instant::now();
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION").into(),
        out: out.display().to_string(),
        ..Default::default()
    };
    for t in crate::output::PER_ARTICLE_TABLES {
        let mut table: Option<Table> = None;
        for d in dirs {
            let path = d.join(format!("{t}.csv"));
            let mut r = csv::Reader::from_path(&path).map_err(|e| Error::Data {
                path: path.clone(),
                msg: e.to_string(),
            })?;
            let header: Vec<String> = r.headers()?.iter().map(|h| h.to_string()).collect();
            let tbl = match &mut table {
                Some(tb) => tb,
                None => table.insert(Table::create(
                    out,
                    t,
                    &header.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                )?),
            };
            for rec in r.records() {
                tbl.write_record(&rec?)?;
            }
        }
        if let Some(tb) = table {
            tb.finish()?;
        }
    }
    for d in dirs {
        let path = d.join("run.json");
        if let Ok(raw) = std::fs::read_to_string(&path) {
            let v: serde_json::Value = serde_json::from_str(&raw)?;
            summary.inputs.push(d.display().to_string());
            summary.articles += v["articles"].as_u64().unwrap_or(0) as usize;
            summary.words += v["words"].as_u64().unwrap_or(0) as usize;
            summary.failed_records += v["failed_records"].as_u64().unwrap_or(0) as usize;
            summary.articles_with_failures +=
                v["articles_with_failures"].as_u64().unwrap_or(0) as usize;
            if summary.components.is_empty() {
                summary.components =
                    serde_json::from_value(v["components"].clone()).unwrap_or_default();
                summary.models = v["models"]
                    .as_array()
                    .map(|m| {
                        m.iter()
                            .filter_map(|x| {
                                Some(ModelFile {
                                    path: x["path"].as_str()?.into(),
                                    sha256: x["sha256"].as_str()?.into(),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
            }
        }
    }
    finish_dir(out, aggregate, &mut summary)?;
    summary.seconds = start.elapsed().as_secs_f64();
    crate::train::write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    Ok(summary)
}
