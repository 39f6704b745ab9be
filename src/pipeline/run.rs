//! `newsmine run`: streams articles through the components in batches and writes the tables.
use super::finish::write_run_json;
use super::{Analysis, Component};
use crate::aggregate::AggregateSettings;
use crate::corpus::{readers, Article, InputError};
use crate::output::Tables;
use crate::text::{self, TextConfig};
use crate::{Error, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

// `merge` and the folder finishing it shares with `run` have their own files; callers have
// always found them here
pub use super::finish::{finish_dir, write_aggregates};
pub use super::merge::merge;

/// The components of a pipeline and the text settings they share.
pub struct Pipeline {
    pub text: TextConfig,
    pub components: Vec<Box<dyn Component>>,
}

impl Pipeline {
    /// Checks the stage order before a run (`component::check_order`): a stage whose
    /// requirement no earlier stage fills in is a usage error; the notes say what runs without
    /// what it could use.
    pub fn check(&self) -> Result<Vec<String>> {
        crate::component::check_order(self.components.iter().map(|c| c.as_ref()))
    }

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
                // segmentation runs on arbitrary text: a panic in it costs this article only
                let analysed = std::panic::catch_unwind(|| {
                    text::analyse_marked(&article.text, text_config, &article.junk)
                });
                let (doc, failures) = match analysed {
                    Ok(doc) => (doc, Vec::new()),
                    // the text without segmentation: later stages still read it
                    Err(panic) => (
                        text::Doc::new(&article.text),
                        vec![crate::doc::StageFailure::new("text", panic_message(&panic))],
                    ),
                };
                Analysis {
                    article,
                    doc,
                    failures,
                    ..Default::default()
                }
            })
            .collect();
        *times.entry("text".into()).or_default() += t.elapsed().as_secs_f64();
        for c in &self.components {
            let t = Instant::now();
            // A component that fails (or panics inside libtorch) on a batch may have left it half
            // done: put the batch back as it was and run the component on each article alone, so
            // that one bad article is the only one marked.
            let before = (batch.len() > 1).then(|| batch.clone());
            if let Some(msg) = run_component(c.as_ref(), &mut batch) {
                match before {
                    Some(before) => {
                        batch = before;
                        for a in batch.iter_mut() {
                            let mut alone = a.clone();
                            match run_component(c.as_ref(), std::slice::from_mut(&mut alone)) {
                                None => *a = alone,
                                Some(msg) => a
                                    .failures
                                    .push(crate::doc::StageFailure::new(c.name(), msg)),
                            }
                        }
                    }
                    None => {
                        for a in batch.iter_mut() {
                            a.failures
                                .push(crate::doc::StageFailure::new(c.name(), msg.clone()));
                        }
                    }
                }
            }
            *times.entry(c.name().into()).or_default() += t.elapsed().as_secs_f64();
        }
        batch
    }
}

/// Runs one component; the failure message if it returned an error or panicked.
fn run_component(c: &dyn Component, batch: &mut [Analysis]) -> Option<String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.process(batch))) {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(panic) => Some(panic_message(&panic)),
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

/// What a run did, printed at the end and written into `run.json` (read back by `--resume` and
/// `merge`).
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
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
    /// what the tables depend on besides the texts; `--resume` and `merge` refuse a mismatch
    pub fingerprint: Fingerprint,
    /// min_relevance and `[aggregate]` of the stance config (None when stance is off): `merge`
    /// recomputes outlets and speakers with exactly these
    pub aggregate: Option<AggregateSettings>,
    /// the cue classes the quotes stage kept (the config's `[quotes] include`); empty when it did not run
    pub quote_classes: Vec<String>,
    /// quotes whose speaker resolves to nothing (`speaker_reason = unresolved`)
    pub unresolved_speakers: usize,
    /// the files the tables were written as (`--table-format`); `merge` writes the same
    pub table_format: crate::output::TableFormat,
    /// per model stage: model inputs looked up and served from the run-wide cache (this
    /// invocation only; `--no-cache` shows capacity 0)
    pub cache: BTreeMap<String, crate::cache::Stats>,
    /// the config the run used in full (its tables, `[run]` with every setting): what
    /// `run --like` repeats; `merge` keeps the first shard's
    pub config: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
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
        let stdout = self.out == "<stdout>";
        write!(
            f,
            "newsmine: {} articles ({} words) in {:.1} s ({:.0} words/s) with {}; {} entities, {} quotes ({} with an unresolved speaker), {} stance rows; \
             {} records failed and {} articles had a stage fail ({}). {}",
            self.articles,
            self.words,
            self.seconds,
            wps,
            if self.components.is_empty() { "no model stages".to_string() } else { self.components.join(", ") },
            self.rows.get("entities").copied().unwrap_or(0),
            self.rows.get("quotes").copied().unwrap_or(0),
            self.unresolved_speakers,
            self.rows.get("stance").copied().unwrap_or(0),
            self.failed_records,
            self.articles_with_failures,
            // stdin mode writes no errors.csv: errors are JSON lines among the results
            if stdout { "see the {\"error\": …} lines on stdout" } else { "see errors.csv" },
            if stdout { "Results as JSON lines on stdout".to_string() } else { format!("Tables in {}", self.out) }
        )?;
        // every BBC-like corpus with the bundled targets: say why stance is empty, and the fix
        let stance_ran = self.components.iter().any(|c| c == "stance");
        if stance_ran && self.articles > 0 && self.rows.get("stance").copied().unwrap_or(0) == 0 {
            write!(
                f,
                "\nnewsmine: no article passed any stance target's scope gate (`require_any`) \
                 and `min_relevance`, so every article is not_relevant. The targets come from {}; \
                 for another topic give your own targets file with --config FILE \
                 (copy corpus/targets.toml and edit it)",
                self.fingerprint
                    .options
                    .get("--config")
                    // the path without its sha256
                    .and_then(|v| v.split(" (sha256").next())
                    .unwrap_or("the bundled corpus/targets.toml")
            )?;
        }
        Ok(())
    }
}

/// What a run's tables depend on besides the input texts. A resume (or a merge) whose
/// fingerprint differs would mix two configurations in one set of tables, so it is refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Fingerprint {
    /// the inputs as given on the command line
    pub inputs: Vec<String>,
    pub shard: Option<Shard>,
    pub components: Vec<String>,
    /// settings that change the tables, flag → value (the config file with its sha256)
    pub options: BTreeMap<String, String>,
    pub models: Vec<ModelFile>,
}

impl Fingerprint {
    /// The first difference between `self` (now) and `then`, in words; None when they agree.
    /// `settings_only` leaves out inputs and shard (shards of one corpus differ in those).
    pub fn difference(&self, then: &Fingerprint, settings_only: bool) -> Option<String> {
        let show = |v: &dyn std::fmt::Debug| format!("{v:?}");
        // as the (index, count) pair run.json holds
        let pair = |s: &Option<Shard>| s.map(<(u64, u64)>::from);
        if !settings_only && self.inputs != then.inputs {
            return Some(format!(
                "inputs: {} then, {} now",
                show(&then.inputs),
                show(&self.inputs)
            ));
        }
        if !settings_only && self.shard != then.shard {
            return Some(format!(
                "--shard: {} then, {} now",
                show(&pair(&then.shard)),
                show(&pair(&self.shard))
            ));
        }
        if self.components != then.components {
            return Some(format!(
                "stages (--skip): {} then, {} now",
                show(&then.components),
                show(&self.components)
            ));
        }
        let keys: std::collections::BTreeSet<&String> =
            self.options.keys().chain(then.options.keys()).collect();
        for k in keys {
            let (a, b) = (then.options.get(k), self.options.get(k));
            if a != b {
                let v = |x: Option<&String>| x.cloned().unwrap_or_else(|| "(none)".into());
                return Some(format!("{k}: {} then, {} now", v(a), v(b)));
            }
        }
        if self.models != then.models {
            let name = |m: &[ModelFile]| {
                m.iter()
                    .map(|f| format!("{} sha256 {}", f.path, &f.sha256[..f.sha256.len().min(12)]))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Some(format!(
                "model files: {} then, {} now",
                name(&then.models),
                name(&self.models)
            ));
        }
        None
    }
}

/// Settings of a run.
pub struct RunConfig {
    pub inputs: Vec<PathBuf>,
    /// table folder; None writes JSON lines to stdout instead (for Spark, Hadoop streaming, Ray)
    pub out: Option<PathBuf>,
    pub read: readers::ReadOptions,
    pub batch: usize,
    pub quiet: bool,
    /// model files to record (path, sha256) in run.json
    pub model_files: Vec<PathBuf>,
    /// how unit stances become speaker and outlet stances (None when stance is off)
    pub aggregate: Option<AggregateSettings>,
    /// process only the articles of this shard (`--shard I/N`)
    pub shard: Option<Shard>,
    /// continue an interrupted run in the same folder
    pub resume: bool,
    /// the quotes stage's cue classes, recorded in run.json
    pub quote_classes: Vec<String>,
    /// settings that change the tables (flag → value) for the fingerprint; see `Fingerprint`
    pub options: BTreeMap<String, String>,
    /// write `texts.jsonl` for every article, not only for extracted (HTML) ones
    pub write_text: bool,
    /// CSV, Parquet or both (Parquet is converted from the finished CSVs)
    pub table_format: crate::output::TableFormat,
    /// the resolved config, recorded in run.json (see `RunSummary::config`)
    pub config: serde_json::Value,
}

/// Stable shard of a key: sha256, first 8 bytes, modulo `n` (same on every machine and version).
pub fn shard_of(key: &str, n: u64) -> u64 {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(key.as_bytes());
    u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]) % n.max(1)
}

/// `--shard I/N`: the articles whose id hashes to shard `index` of `count` (0 ≤ index < count).
/// run.json and the progress file hold it as the pair `[index, count]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(from = "(u64, u64)", into = "(u64, u64)")]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether `key` hashes to this shard ([`shard_of`]).
    pub fn holds(&self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }
}

impl std::str::FromStr for Shard {
    /// the message clap shows (a usage error, exit 2)
    type Err = String;
    /// Parses `I/N` (0 ≤ I < N).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 3/16");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl From<(u64, u64)> for Shard {
    fn from((index, count): (u64, u64)) -> Self {
        Shard { index, count }
    }
}

impl From<Shard> for (u64, u64) {
    fn from(s: Shard) -> Self {
        (s.index, s.count)
    }
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
    entities: &'a [crate::doc::Entity],
    quotes: &'a [crate::doc::Quote],
    stance: &'a [crate::doc::UnitStance],
    article_stance: &'a [crate::doc::ArticleStance],
    warnings: &'a [String],
    failures: &'a [crate::doc::StageFailure],
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
                write_json_line(w, &row)
            }
        }
    }

    fn write_input_error(&mut self, e: &InputError) -> Result<()> {
        match self {
            Sink::Tables(t) => t.write_input_error(e),
            Sink::Jsonl(w) => write_json_line(w, &serde_json::json!({ "error": e })),
        }
    }
}

/// One JSON value and a line end, written whole: a closed pipe surfaces as an io error (which
/// `main` turns into a quiet exit).
fn write_json_line<W: Write, T: Serialize>(w: &mut W, value: &T) -> Result<()> {
    let mut line = serde_json::to_vec(value)?;
    line.push(b'\n');
    w.write_all(&line).map_err(|e| Error::io("<stdout>", e))
}

/// Progress of an interrupted run, rewritten after every batch: the run's fingerprint, how long
/// each table and the ledger were at that point (bytes after it are a partial batch, cut on
/// resume) and the counts so far.
#[derive(Serialize, serde::Deserialize, Default)]
#[serde(default)]
struct Progress {
    fingerprint: Fingerprint,
    table_bytes: BTreeMap<String, u64>,
    ledger_bytes: u64,
    summary_articles: usize,
    summary_failed_records: usize,
    summary_failures: usize,
    summary_words: usize,
    summary_unresolved: usize,
}

impl Progress {
    /// The checkpoint of `summary` with the tables and the ledger at these lengths.
    fn of(summary: &RunSummary, table_bytes: BTreeMap<String, u64>, ledger_bytes: u64) -> Progress {
        Progress {
            fingerprint: summary.fingerprint.clone(),
            table_bytes,
            ledger_bytes,
            summary_articles: summary.articles,
            summary_failed_records: summary.failed_records,
            summary_failures: summary.articles_with_failures,
            summary_words: summary.words,
            summary_unresolved: summary.unresolved_speakers,
        }
    }

    /// Puts the checkpoint's counts back into the summary of the run that resumes it.
    fn restore(&self, summary: &mut RunSummary) {
        summary.articles = self.summary_articles;
        summary.failed_records = self.summary_failed_records;
        summary.articles_with_failures = self.summary_failures;
        summary.words = self.summary_words;
        summary.unresolved_speakers = self.summary_unresolved;
    }
}

pub(super) const PROGRESS: &str = ".newsmine-progress.json";
/// The ledger of a run: one JSON line per finished article and per reported input error,
/// appended after each batch. A resume skips what it lists, by article id, not by count, so added
/// or reordered input files neither lose nor repeat an article.
const LEDGER: &str = ".newsmine-ledger.jsonl";

#[derive(Serialize, serde::Deserialize)]
#[serde(untagged)]
enum LedgerEntry {
    Article { id: String, source: String },
    Error { error: String },
}

/// What a run has dealt with: the first source of every article id (a second use of an id is a
/// `duplicate_id` error) and the keys of the input errors reported (a resume reports none twice).
#[derive(Default)]
struct Seen {
    ids: std::collections::HashMap<String, String>,
    errors: std::collections::HashSet<String>,
    /// entries since the last checkpoint, appended to the ledger with it
    new: Vec<LedgerEntry>,
}

impl Seen {
    fn add(&mut self, entry: LedgerEntry) {
        match &entry {
            LedgerEntry::Article { id, source } => {
                self.ids.insert(id.clone(), source.clone());
            }
            LedgerEntry::Error { error } => {
                self.errors.insert(error.clone());
            }
        }
        self.new.push(entry);
    }

    /// Reads a ledger up to `len` bytes (what the last checkpoint covered).
    fn load(path: &Path, len: u64) -> Result<Seen> {
        let mut seen = Seen::default();
        let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let raw = &raw[..(len as usize).min(raw.len())];
        for line in raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            seen.add(serde_json::from_slice(line)?);
        }
        seen.new.clear();
        Ok(seen)
    }

    /// Appends the entries since the last checkpoint to the ledger; its length after them.
    fn append_new(&mut self, ledger: &Path) -> Result<u64> {
        let mut lines = Vec::new();
        for entry in self.new.drain(..) {
            lines.extend(serde_json::to_vec(&entry)?);
            lines.push(b'\n');
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(ledger)
            .map_err(|e| Error::io(ledger, e))?;
        f.write_all(&lines).map_err(|e| Error::io(ledger, e))?;
        Ok(f.metadata().map_err(|e| Error::io(ledger, e))?.len())
    }
}

fn error_key(e: &InputError) -> String {
    format!("{}\u{0}{}\u{0}{}", e.source, e.record, e.kind)
}

/// Creates `--out` and checks that tables can be written there: a set-up error (exit 2) if not.
fn prepare_out(dir: &Path) -> Result<()> {
    let bad = |e: std::io::Error| {
        Error::Usage(format!(
            "--out {}: cannot write the tables there ({e}); give a writable folder",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(bad)?;
    let probe = dir.join(".newsmine-write-test");
    std::fs::write(&probe, b"").map_err(bad)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Runs the pipeline over the inputs and writes every table (or JSON lines).
pub fn run(pipeline: &Pipeline, config: &RunConfig) -> Result<RunSummary> {
    let start = Instant::now();
    let mut summary = new_summary(pipeline, config)?;
    let (sink, seen) = match open_sink(config, &mut summary)? {
        Start::Sink(sink, seen) => (sink, seen),
        Start::Finished(done) => return Ok(*done),
    };
    let mut batches = Batches {
        pipeline,
        config,
        sink,
        summary,
        seen,
        progress: super::progress::Progress::start(
            config.quiet,
            &config.inputs,
            config.read.format,
        ),
        pending: Vec::with_capacity(config.batch),
    };
    let (records, reader) = spawn_reader(config);
    for record in records {
        batches.take(record)?;
    }
    if !batches.pending.is_empty() {
        batches.flush()?;
    }
    reader
        .join()
        .map_err(|_| Error::Other("the reader thread panicked".into()))?;
    batches.finish(start)
}

/// The summary a run starts from: what it runs with, the model files' sha256 and the
/// fingerprint a resume or merge compares.
fn new_summary(pipeline: &Pipeline, config: &RunConfig) -> Result<RunSummary> {
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
        quote_classes: config.quote_classes.clone(),
        aggregate: config.aggregate,
        table_format: config.table_format,
        config: config.config.clone(),
        ..Default::default()
    };
    for p in &config.model_files {
        summary.models.push(ModelFile {
            path: p.display().to_string(),
            sha256: crate::encoder::file_sha256(p)?,
        });
    }
    summary.fingerprint = Fingerprint {
        inputs: inputs_str,
        shard: config.shard,
        components: summary.components.clone(),
        options: config.options.clone(),
        models: summary.models.clone(),
    };
    Ok(summary)
}

/// Where a run starts: a sink (with what a resumed run has dealt with already), or, for
/// `--resume` on a finished folder, that run's summary.
enum Start {
    Sink(Sink, Seen),
    Finished(Box<RunSummary>),
}

/// Opens where results go. In a folder, `--resume` continues from the last checkpoint (or finds
/// the run finished); otherwise the tables start empty.
fn open_sink(config: &RunConfig, summary: &mut RunSummary) -> Result<Start> {
    let Some(dir) = &config.out else {
        let stdout = std::io::BufWriter::new(std::io::stdout());
        return Ok(Start::Sink(Sink::Jsonl(stdout), Seen::default()));
    };
    prepare_out(dir)?;
    let progress_path = dir.join(PROGRESS);
    if config.resume && progress_path.is_file() {
        let (tables, seen) = resume_tables(dir, &progress_path, config, summary)?;
        Ok(Start::Sink(Sink::Tables(Box::new(tables)), seen))
    } else if config.resume && dir.join("run.json").is_file() {
        Ok(Start::Finished(Box::new(finished_run(dir, summary)?)))
    } else {
        let _ = std::fs::remove_file(dir.join(LEDGER));
        let _ = std::fs::remove_file(dir.join("run.json"));
        // Parquet tables of an earlier run here would look like this run's
        for t in crate::output::parquet::TABLES {
            let _ = std::fs::remove_file(dir.join(format!("{t}.parquet")));
        }
        let tables = Tables::create(dir, config.write_text)?;
        Ok(Start::Sink(Sink::Tables(Box::new(tables)), Seen::default()))
    }
}

/// Reopens the tables of an interrupted run at its last checkpoint, reads back its ledger and
/// puts its counts into `summary`; refused when the settings differ.
fn resume_tables(
    dir: &Path,
    progress_path: &Path,
    config: &RunConfig,
    summary: &mut RunSummary,
) -> Result<(Tables, Seen)> {
    let raw = std::fs::read_to_string(progress_path).map_err(|e| Error::io(progress_path, e))?;
    let p: Progress = serde_json::from_str(&raw).map_err(|e| {
        Error::Usage(format!(
            "--resume: {} is unreadable ({e}); start again without --resume",
            progress_path.display()
        ))
    })?;
    if let Some(diff) = summary.fingerprint.difference(&p.fingerprint, false) {
        return Err(refuse_resume(dir, diff));
    }
    let tables = Tables::resume(dir, &p.table_bytes, config.write_text)?;
    let seen = Seen::load(&dir.join(LEDGER), p.ledger_bytes)?;
    p.restore(summary);
    if !config.quiet {
        eprintln!(
            "newsmine: resuming {} after {} articles",
            dir.display(),
            seen.ids.len()
        );
    }
    Ok((tables, seen))
}

/// `--resume` on a folder whose run finished: its summary, when the settings agree.
fn finished_run(dir: &Path, summary: &RunSummary) -> Result<RunSummary> {
    let path = dir.join("run.json");
    let raw = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let done: RunSummary = serde_json::from_str(&raw)?;
    if let Some(diff) = summary.fingerprint.difference(&done.fingerprint, false) {
        return Err(refuse_resume(dir, diff));
    }
    eprintln!(
        "newsmine: {} is a finished run: nothing to do",
        dir.display()
    );
    Ok(done)
}

fn refuse_resume(dir: &Path, diff: String) -> Error {
    Error::Usage(format!(
        "--resume: {} was run with other settings: {diff}. Resume with the same \
         settings, or start again without --resume (or in another --out)",
        dir.display()
    ))
}

type Record = std::result::Result<Article, InputError>;

/// Reading runs ahead in its own thread, bounded to two batches: memory stays flat however
/// large the corpus.
fn spawn_reader(
    config: &RunConfig,
) -> (
    crossbeam_channel::Receiver<Record>,
    std::thread::JoinHandle<()>,
) {
    let (tx, rx) = crossbeam_channel::bounded::<Record>(config.batch.max(1) * 2);
    let inputs = config.inputs.clone();
    let read = config.read.clone();
    let reader = std::thread::spawn(move || {
        for record in readers::read_inputs(&inputs, &read) {
            if tx.send(record).is_err() {
                break;
            }
        }
    });
    (rx, reader)
}

/// A run between batches: the articles read but not yet annotated, where results go, the
/// counts so far and what the next checkpoint adds to the ledger.
struct Batches<'a> {
    pipeline: &'a Pipeline,
    config: &'a RunConfig,
    sink: Sink,
    summary: RunSummary,
    seen: Seen,
    /// advanced per article written
    progress: super::progress::Progress,
    pending: Vec<Article>,
}

impl Batches<'_> {
    /// One record from the reader: an article is queued, an input error reported; records of
    /// other shards are left to those.
    fn take(&mut self, record: Record) -> Result<()> {
        match record {
            Ok(article) => self.take_article(article),
            // each failed record is reported by exactly one shard
            Err(e) if other_shard(self.config.shard, &format!("{}\u{0}{}", e.source, e.record)) => {
                Ok(())
            }
            Err(e) => self.report(e),
        }
    }

    /// Queues a new article and runs the batch once it is full; a second use of an id is a
    /// `duplicate_id` error.
    fn take_article(&mut self, article: Article) -> Result<()> {
        if other_shard(self.config.shard, &article.id) {
            return Ok(());
        }
        match self.seen.ids.get(&article.id) {
            // finished before the interruption this run resumes
            Some(first) if *first == article.source => Ok(()),
            Some(first) => {
                let error = InputError {
                    source: article.source.clone(),
                    record: String::new(),
                    kind: crate::corpus::InputErrorKind::DuplicateId,
                    message: format!(
                        "article id {:?} is already the id of {first} (kept); this record is left out",
                        article.id
                    ),
                };
                self.report(error)
            }
            None => {
                self.seen.add(LedgerEntry::Article {
                    id: article.id.clone(),
                    source: article.source.clone(),
                });
                self.pending.push(article);
                if self.pending.len() >= self.config.batch.max(1) {
                    self.flush()?;
                }
                Ok(())
            }
        }
    }

    /// Writes an input error once: a resume skips those reported before the interruption.
    fn report(&mut self, error: InputError) -> Result<()> {
        let key = error_key(&error);
        if self.seen.errors.contains(&key) {
            return Ok(());
        }
        self.seen.add(LedgerEntry::Error { error: key });
        self.summary.failed_records += 1;
        self.sink.write_input_error(&error)
    }

    /// Annotates the queued articles and writes them; tables are checkpointed after every batch.
    fn flush(&mut self) -> Result<()> {
        let articles = std::mem::take(&mut self.pending);
        let batch = self
            .pipeline
            .annotate(articles, &mut self.summary.stage_seconds);
        for a in &batch {
            self.sink.write_analysis(a)?;
            self.progress.article(&a.article);
            self.count(a);
        }
        if let (Sink::Tables(tables), Some(dir)) = (&mut self.sink, &self.config.out) {
            checkpoint(tables, dir, &self.summary, &mut self.seen)?;
        }
        drop(batch);
        crate::machine::release_freed_memory();
        Ok(())
    }

    /// Adds an article to the counts. Tables are counted when finished; JSON lines only here.
    fn count(&mut self, a: &Analysis) {
        let summary = &mut self.summary;
        if let Sink::Jsonl(_) = self.sink {
            for (k, n) in [
                ("entities", a.entities.len()),
                ("quotes", a.quotes.len()),
                ("stance", a.stance.len()),
            ] {
                *summary.rows.entry(k.into()).or_default() += n;
            }
            summary.unresolved_speakers += a
                .quotes
                .iter()
                .filter(|q| q.reason == Some(crate::doc::SpeakerReason::Unresolved))
                .count();
        }
        summary.articles += 1;
        summary.words += a.doc.tokens.len();
        if !a.failures.is_empty() {
            summary.articles_with_failures += 1;
        }
    }

    /// Ends the run: closes the sink (tables: row counts, aggregates, Parquet), then writes
    /// run.json and removes the checkpoint.
    fn finish(self, start: Instant) -> Result<RunSummary> {
        let Batches {
            pipeline,
            config,
            sink,
            mut summary,
            progress,
            ..
        } = self;
        progress.finish();
        match sink {
            Sink::Jsonl(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e))?,
            Sink::Tables(tables) => {
                let dir = config.out.as_deref().unwrap_or(Path::new("."));
                tables.finish()?;
                finish_dir(dir, config.aggregate.as_ref(), &mut summary)?;
                crate::output::parquet::write_tables(dir, config.table_format)?;
            }
        }
        summary.cache = pipeline
            .components
            .iter()
            .filter_map(|c| Some((c.name().to_string(), c.cache_stats()?)))
            .collect();
        summary.seconds = start.elapsed().as_secs_f64();
        if let Some(dir) = &config.out {
            write_run_json(dir, &summary)?;
            let _ = std::fs::remove_file(dir.join(PROGRESS));
        }
        Ok(summary)
    }
}

/// Whether `key` belongs to another shard than this run's (`--shard`).
fn other_shard(shard: Option<Shard>, key: &str) -> bool {
    shard.is_some_and(|s| !s.holds(key))
}

/// Checkpoint after a batch: flush the tables, append to the ledger, then record where both end
/// (the progress file is replaced atomically), so that a resume cuts a partial batch.
fn checkpoint(
    tables: &mut Tables,
    dir: &Path,
    summary: &RunSummary,
    seen: &mut Seen,
) -> Result<()> {
    let table_bytes = tables.flush()?;
    let ledger_bytes = seen.append_new(&dir.join(LEDGER))?;
    let p = Progress::of(summary, table_bytes, ledger_bytes);
    crate::output::write_atomic(&dir.join(PROGRESS), serde_json::to_string(&p)?.as_bytes())
}
