//! Command-line interface: every flag is defined once, here.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "newsmine",
    version,
    about = "News articles in, research-grade CSV tables out: entities, quotes with speakers, stance.",
    long_about = "newsmine reads a corpus of news articles (txt, JSONL, CSV, HTML), cleans and segments them, finds named \
entities, quoted statements with their speakers, and the stance of quotes, speakers, articles and outlets toward configured \
targets, and writes CSV tables plus a run manifest.\n\nExit codes: 0 ok, 1 some articles failed (see errors.csv), 2 usage or set-up error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the pipeline over files and folders and write the tables to --out.
    #[command(after_help = RUN_AFTER_HELP)]
    Run(Box<RunArgs>),
    /// Train a task model on annotated data (fine-tunes the base encoder).
    #[command(subcommand)]
    Train(TrainCommand),
    /// Score a model or stage against annotated data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Concatenate shard outputs and recompute the outlet and speaker aggregates.
    Merge(MergeArgs),
    /// Draw the outlet comparison of a run's output as a self-contained HTML page.
    Compare(CompareArgs),
    /// Write a commented copy of the bundled config file (run settings, stance targets, quotes)
    /// to edit and pass as `run --config FILE`.
    Init(InitArgs),
}

/// The end of `run --help`: what lands in --out, exit codes, the hidden files.
const RUN_AFTER_HELP: &str = "\
Tables written to --out (columns: docs/SCHEMA.md; NAME.csv, NAME.parquet or both, --table-format):
  articles        one row per article: metadata, counts, status, stance toward the first target
  entities        one row per entity mention (offsets, label, canonical name)
  entity_counts   mentions per canonical entity per article
  quotes          one row per statement: kind, text, cue, speaker and how it was resolved
  stance          one row per classified unit (quote, sentence, paragraph) x target
  article_stance  one row per article x target
  speakers        one row per outlet x speaker x target
  outlets         one row per outlet x target, with a bootstrap interval
  errors          one row per record or stage that failed
  texts.jsonl     the text every offset refers to (HTML inputs; all with --write-text)
  run.json        the manifest: inputs, settings, model sha256s, counts, seconds per stage
With input `-` and no --out: one JSON line per article on stdout instead (errors as
{\"error\": ...} lines), no files.

Files of the run itself in --out:
  .newsmine-progress.json  checkpoint after every batch (table lengths, counts, fingerprint);
                           present while running or after a kill, removed when the run ends.
                           `--resume` continues from it
  .newsmine-ledger.jsonl   the articles and input errors already done, by id (what --resume
                           skips); kept after the run, replaced by the next fresh run
  .newsmine-write-test     probe that --out is writable, removed at once
  NAME.csv.tmp, NAME.parquet.tmp
                           tables being written, renamed to NAME.csv / NAME.parquet at the end

Config file (--config FILE, else the bundled corpus/newsmine.toml; `newsmine init` writes a copy):
  its [run] table holds outlet, skip, threads, batch, ner_model, stance_model, quote_model,
  quote_tagger, max_article_bytes,
  format, precision, write_text and table_format, under the flags' names (`batch = 32`). A flag
  given on the command line overrides the file; run.json records the settings used in full, and
  `run --like OUT/run.json INPUT...` repeats them (flags given beside --like override).

Exit codes:
  0  every record processed
  1  some records or stages failed: each is a row of errors.csv, every other article is processed
  2  usage or set-up error (bad flag, missing input, model, libtorch or --config, unwritable
     --out, a --resume or merge that does not match): one message naming the flag and the fix";

/// Pipeline components that can be switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")] // as clap spells them
pub enum Stage {
    Clean,
    Ner,
    Quotes,
    /// the lighter learned check of the rule stage's statements (confidence, threshold), run
    /// in the tagger's place when it is skipped; skipping it skips the quote tagger too: rules
    /// alone
    QuoteModel,
    /// the learned tagger that checks the rules' statements and adds the attributions they
    /// miss (about two thirds of an NER pass)
    QuoteTagger,
    Stance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    Txt,
    Jsonl,
    Csv,
    Html,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Input files and folders (read recursively); `-` reads JSONL articles from stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder for the tables (created if missing). Default `out`, or JSON lines on stdout
    /// when the input is `-` (for Spark `RDD.pipe`, Hadoop streaming, Ray).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Process only shard I of N: the articles whose id hashes to I (stable across machines).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::pipeline::Shard>,
    /// Continue an interrupted run in the same --out folder, skipping finished articles.
    #[arg(long)]
    pub resume: bool,
    /// The run's config file (TOML): a `[run]` table of settings, the stance targets, `[units]`,
    /// `[aggregate]`, `[quotes]` (default: the bundled corpus/newsmine.toml; `newsmine init`
    /// writes a commented copy). A flag given on the command line overrides the file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Re-run with exactly the settings of an earlier run, as its run.json (or the folder holding
    /// it) recorded them: config file and flags. --config and flags given beside it override.
    #[arg(long, value_name = "RUN.JSON")]
    pub like: Option<PathBuf>,
    #[command(flatten)]
    pub settings: RunSettings,
    /// Same as `--precision bf16`.
    #[arg(long)]
    pub bf16: bool,
    /// Encode every sentence and stance unit, even those seen before in the run (by default
    /// each distinct one is encoded once; run.json `cache` has the hit rates).
    #[arg(long)]
    pub no_cache: bool,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    // The values the run uses, not flags: `settings` (the flags) over the config file's `[run]`
    // over these defaults, set by `RunArgs::apply` before anything reads them.
    #[arg(skip)]
    pub outlet: Option<String>,
    #[arg(skip)]
    pub skip: Vec<Stage>,
    #[arg(skip)]
    pub threads: usize,
    #[arg(skip = 64usize)]
    pub batch: usize,
    #[arg(skip)]
    pub ner_model: Option<PathBuf>,
    #[arg(skip)]
    pub stance_model: Option<PathBuf>,
    #[arg(skip)]
    pub quote_model: Option<PathBuf>,
    #[arg(skip)]
    pub quote_tagger: Option<PathBuf>,
    #[arg(skip = 5_000_000usize)]
    pub max_article_bytes: usize,
    #[arg(skip)]
    pub format: Option<InputFormat>,
    #[arg(skip = crate::machine::Precision::Auto)]
    pub precision: crate::machine::Precision,
    #[arg(skip)]
    pub write_text: bool,
    #[arg(skip)]
    pub table_format: crate::output::TableFormat,
}

/// The settings of `run` that a config file's `[run]` table holds too, under the flag's name
/// with `_` for `-` (`table_format = "parquet"`); None: not given here.
#[derive(Args, Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Outlet name for articles that carry none (else the sub-folder name is used).
    #[arg(long, value_name = "NAME")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Switch a stage off (repeatable): clean, ner, quotes, quote-model (the rules alone: no
    /// confidence), quote-tagger (the quote model checks the rules instead), stance. Replaces the config file's
    /// list; `--skip` with no stage skips none.
    #[arg(long, value_enum, value_name = "STAGE", num_args = 0..=1)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<Vec<Stage>>,
    /// Threads (0, the default: the cores this process may use, less those other processes keep
    /// busy at start). Labels do not depend on it; scores may in their last digits (README).
    #[arg(long, short = 'j', value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Articles per batch: the unit of streaming, memory and model batching (default 64).
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<usize>,
    /// NER model folder (default: the shipped models/ner).
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ner_model: Option<PathBuf>,
    /// Stance model folder (default: the shipped models/stance).
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance_model: Option<PathBuf>,
    /// Quote model folder (default: the shipped models/quotes, run only with
    /// `--skip quote-tagger`): naming one runs it beside the tagger.
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_model: Option<PathBuf>,
    /// Quote tagger folder (default: the shipped models/quote_tagger): checks the rules'
    /// statements and adds the attributions they miss; `--skip quote-tagger` turns it off,
    /// `--skip quote-model` every learned quote stage.
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_tagger: Option<PathBuf>,
    /// Articles larger than this many bytes go to errors.csv instead of being processed
    /// (default 5000000).
    #[arg(long, value_name = "N")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_article_bytes: Option<usize>,
    /// Read every input as this format regardless of extension (stdin defaults to jsonl).
    #[arg(long, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<InputFormat>,
    /// Model precision: `auto` (default) is bf16 where the CPU computes it natively (AMX /
    /// AVX512-BF16), fp32 elsewhere; the README has the accuracy of both.
    #[arg(long, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::machine::Precision>,
    /// Also write every article's text to texts.jsonl (always done for HTML inputs, whose text
    /// is extracted): the text all offsets refer to. `--write-text=false` undoes a file's `true`.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_text: Option<bool>,
    /// Table files: `csv` (default), `parquet` (typed: integers, floats, nulls, UTF-8 strings;
    /// no formula guard) or `both`. Parquet is written from the finished CSVs at the end.
    #[arg(long, value_enum, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_format: Option<crate::output::TableFormat>,
}

impl RunSettings {
    /// Each setting given here, else the one of `under` (the flags over a config file).
    pub fn or(self, under: RunSettings) -> RunSettings {
        RunSettings {
            outlet: self.outlet.or(under.outlet),
            skip: self.skip.or(under.skip),
            threads: self.threads.or(under.threads),
            batch: self.batch.or(under.batch),
            ner_model: self.ner_model.or(under.ner_model),
            stance_model: self.stance_model.or(under.stance_model),
            quote_model: self.quote_model.or(under.quote_model),
            quote_tagger: self.quote_tagger.or(under.quote_tagger),
            max_article_bytes: self.max_article_bytes.or(under.max_article_bytes),
            format: self.format.or(under.format),
            precision: self.precision.or(under.precision),
            write_text: self.write_text.or(under.write_text),
            table_format: self.table_format.or(under.table_format),
        }
    }
}

impl RunArgs {
    /// Makes the settings `s` gives the ones the run uses (the others keep their defaults).
    pub fn apply(&mut self, s: RunSettings) {
        // destructured so that a new setting cannot be forgotten here
        let RunSettings {
            outlet,
            skip,
            threads,
            batch,
            ner_model,
            stance_model,
            quote_model,
            quote_tagger,
            max_article_bytes,
            format,
            precision,
            write_text,
            table_format,
        } = s;
        self.outlet = outlet.or(self.outlet.take());
        self.skip = skip.unwrap_or(std::mem::take(&mut self.skip));
        self.threads = threads.unwrap_or(self.threads);
        self.batch = batch.unwrap_or(self.batch);
        self.ner_model = ner_model.or(self.ner_model.take());
        self.stance_model = stance_model.or(self.stance_model.take());
        self.quote_model = quote_model.or(self.quote_model.take());
        self.quote_tagger = quote_tagger.or(self.quote_tagger.take());
        self.max_article_bytes = max_article_bytes.unwrap_or(self.max_article_bytes);
        self.format = format.or(self.format);
        self.precision = precision.unwrap_or(self.precision);
        self.write_text = write_text.unwrap_or(self.write_text);
        self.table_format = table_format.unwrap_or(self.table_format);
    }

    /// Every setting the run uses, as a `[run]` table holds them (unset options left out).
    pub fn settings_used(&self) -> RunSettings {
        RunSettings {
            outlet: self.outlet.clone(),
            skip: Some(self.skip.clone()),
            threads: Some(self.threads),
            batch: Some(self.batch),
            ner_model: self.ner_model.clone(),
            stance_model: self.stance_model.clone(),
            quote_model: self.quote_model.clone(),
            quote_tagger: self.quote_tagger.clone(),
            max_article_bytes: Some(self.max_article_bytes),
            format: self.format,
            precision: Some(self.precision),
            write_text: Some(self.write_text),
            table_format: Some(self.table_format),
        }
    }
}

/// `newsmine init [FILE]`.
#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// File to write.
    #[arg(default_value = "newsmine.toml", value_name = "FILE")]
    pub file: PathBuf,
    /// Overwrite FILE when it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// Train the NER token classifier on CoNLL column files (IOB1 or IOB2).
    Ner(TrainNerArgs),
    /// Train the stance cross-encoder on several stance datasets at once.
    Stance(TrainStanceArgs),
    /// Train the quote model (scores the rules' statements) on PolNeAR attributions.
    Quotes(TrainQuotesArgs),
    /// Fit the learned article-level stance model on PerSenT document labels (half 0 of the
    /// file; half 1 measures it) and store it as article_model.json in the stance model folder.
    ArticleStance(TrainArticleStanceArgs),
}

/// `train ner`.
#[derive(Args, Debug)]
pub struct TrainNerArgs {
    /// Training file (e.g. ../shared/data/ner/conll2003/eng.train); repeat to train on several
    /// (e.g. train and dev for a final model, with the recipe chosen on dev beforehand).
    #[arg(long, required = true)]
    pub train: Vec<PathBuf>,
    /// Dev file for model selection (e.g. eng.testa).
    #[arg(long)]
    pub dev: PathBuf,
    /// Document context: train on runs of consecutive sentences of a document (up to
    /// --max-tokens pieces), which the model then also sees together when it predicts.
    #[arg(long)]
    pub documents: bool,
    /// With --documents: also train on every sentence alone, so that short texts (a headline,
    /// a one-line post) look like something the model has seen.
    #[arg(long, requires = "documents")]
    pub also_sentences: bool,
    #[command(flatten)]
    pub common: TrainArgs,
}

/// `train stance`.
#[derive(Args, Debug)]
pub struct TrainStanceArgs {
    /// Datasets as NAME=PATH, repeatable. NAME: semeval, vast, newsmtsc, fnc1, emergent,
    /// persent, pstance, covid19, arc, gwsd, ibm_claim, argq, sick (a folder for pstance,
    /// covid19, argq).
    #[arg(long = "data", value_name = "NAME=PATH", required = true)]
    pub data: Vec<crate::stance::data::DataSpec>,
    /// Dev-only sets as NAME=PATH (their held-out part, as `eval stance --heldout SEED`);
    /// a --data set of the same NAME then trains on all its rows.
    #[arg(long = "dev", value_name = "NAME=PATH")]
    pub dev: Vec<crate::stance::data::DataSpec>,
    /// Keep at most this many training examples per dataset.
    #[arg(long)]
    pub max_per_dataset: Option<usize>,
    /// Score at most this many dev examples per set after each epoch.
    #[arg(long, default_value_t = 400)]
    pub max_dev_per_dataset: usize,
    /// Examples drawn per epoch across all sets (default: every example once).
    #[arg(long)]
    pub epoch_size: Option<usize>,
    /// A set's share of an epoch is proportional to weight × n^POWER (0: equal, 1: by size).
    #[arg(long, default_value_t = 0.5)]
    pub sample_power: f64,
    /// Weight of the news sets (PerSenT, NewsMTSC, GWSD, FNC-1, Emergent) in the mix.
    #[arg(long, default_value_t = 2.0)]
    pub news_weight: f64,
    /// Do not mark the target's mentions in the text (models before 2026-12 had none).
    #[arg(long)]
    pub no_mark_targets: bool,
    /// Give each example its article's headline as context where the set has one (PerSenT
    /// paragraphs); the model then reads each run unit with its article's title.
    #[arg(long)]
    pub title_context: bool,
    /// Share of each dataset held out as dev (VAST by topic).
    #[arg(long, default_value_t = 0.1)]
    pub dev_fraction: f32,
    #[command(flatten)]
    pub common: TrainArgs,
}

/// `train quotes`.
#[derive(Args, Debug)]
pub struct TrainQuotesArgs {
    /// PolNeAR training file (../shared/data/quotes/polnear/polnear_train.jsonl).
    #[arg(long)]
    pub polnear: PathBuf,
    /// PolNeAR dev file for the threshold, temperature and model selection.
    #[arg(long)]
    pub dev: PathBuf,
    /// Propose statements without NER (faster; speakers as spans only).
    #[arg(long)]
    pub no_ner: bool,
    /// Train the quote tagger (source / cue / content spans over runs of sentences, which finds
    /// the attributions the rules miss) instead of the statement scorer; out: models/quote_tagger.
    #[arg(long)]
    pub tagger: bool,
    #[command(flatten)]
    pub common: TrainArgs,
}

/// `train article-stance`.
#[derive(Args, Debug)]
pub struct TrainArticleStanceArgs {
    /// PerSenT CSV (e.g. ../shared/data/stance/persent/random_test.csv).
    #[arg(long)]
    pub persent: PathBuf,
    /// Stance model folder to read units with and to write article_model.json into.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// L2 penalty of the logistic regression.
    #[arg(long, default_value_t = 0.01)]
    pub l2: f32,
    /// Class weight (n / (3 n_c))^POWER: 0 none, 1 fully balanced.
    #[arg(long, default_value_t = 0.5)]
    pub class_power: f32,
    /// Share of the regression in the article's probabilities, the rest the units' mean (0–1).
    #[arg(long, default_value_t = 0.75, value_parser = unit_interval)]
    pub model_weight: f32,
    /// Model precision, as `run --precision` (the features must be those of a run).
    #[arg(long, value_enum, default_value = "auto")]
    pub precision: crate::machine::Precision,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Output model folder (checkpoints go to DIR/checkpoint; an existing checkpoint is resumed).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 3)]
    pub epochs: usize,
    /// Peak learning rate (AdamW, linear warm-up and decay).
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Stop after this many minutes, with a checkpoint to resume from.
    #[arg(long)]
    pub max_minutes: Option<f64>,
    /// Share of steps used for warm-up.
    #[arg(long, default_value_t = 0.1)]
    pub warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// libtorch threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Longest training example in word pieces.
    #[arg(long, default_value_t = 128)]
    pub max_tokens: usize,
    /// Use at most this many training examples (for quick trials).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Freeze the embeddings and this many lower encoder layers (faster, less forgetting).
    #[arg(long, default_value_t = 0)]
    pub freeze_layers: usize,
    /// Start from this model folder of the same task (its model.safetensors) instead of the
    /// bare base encoder, e.g. to train a shipped model further.
    #[arg(long, value_name = "DIR")]
    pub init: Option<PathBuf>,
    /// Keep only the lowest N transformer layers of the base encoder (a smaller, faster model;
    /// `--init` then loads those layers of the folder it names).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub layers: Option<u16>,
    /// Training precision: `bf16` runs the forward and backward passes in bfloat16 with fp32
    /// master weights (about 1.8x faster where the CPU has AMX / AVX512-BF16, same dev scores);
    /// `auto` (default) picks it there, fp32 elsewhere.
    #[arg(long, value_enum, default_value = "auto")]
    pub precision: crate::machine::Precision,
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// NER precision, recall and F1 per type (exact spans, as conlleval).
    Ner(EvalNerArgs),
    /// Quote and speaker scores against PolNeAR attributions.
    Quotes(EvalQuotesArgs),
    /// HTML extraction: the article-extraction benchmark (scored as its evaluate.py, with
    /// trafilatura from the same run when installed) and page metadata.
    Html(EvalHtmlArgs),
    /// Stance per-class P/R/F1, F_avg (favor/against) and macro-F1, one row per data set.
    Stance(EvalStanceArgs),
    /// Article-level stance on PerSenT through the run path (one target per article's main
    /// person): macro-F1, accuracy, Spearman, prediction shares; margin rule vs learned model.
    ArticleStance(EvalArticleStanceArgs),
}

/// `eval ner`.
#[derive(Args, Debug)]
pub struct EvalNerArgs {
    /// CoNLL column file (CoNLL-2003 or WNUT-17).
    #[arg(long)]
    pub conll: PathBuf,
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Types to score, comma-separated (WNUT-17: PER,LOC,ORG).
    #[arg(long, value_delimiter = ',', default_value = "PER,ORG,LOC,MISC")]
    pub types: Vec<String>,
    /// Run the model in bfloat16.
    #[arg(long)]
    pub bf16: bool,
    /// Also through the run path: each document as an article text (one line per
    /// sentence) that `run` segments, tags and post-processes, scored on char spans.
    #[arg(long)]
    pub run_path: bool,
    /// With --run-path: tag every sentence, repeated or not (as `run --no-cache`).
    #[arg(long)]
    pub no_cache: bool,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// `eval quotes`.
#[derive(Args, Debug)]
pub struct EvalQuotesArgs {
    #[arg(long)]
    pub polnear: PathBuf,
    #[arg(long, value_name = "DIR")]
    pub ner_model: Option<PathBuf>,
    /// Score without NER (speakers as spans only).
    #[arg(long)]
    pub no_ner: bool,
    /// Quote model folder to score beside the rules (default: models/quotes if present).
    #[arg(long, value_name = "DIR")]
    pub quote_model: Option<PathBuf>,
    /// Score the rules only.
    #[arg(long)]
    pub no_quote_model: bool,
    /// Quote tagger folder whose additions to score (default: models/quote_tagger if present).
    #[arg(long, value_name = "DIR")]
    pub quote_tagger: Option<PathBuf>,
    /// Add the tagger's attributions from this confidence on, instead of its own threshold.
    #[arg(long, value_name = "P")]
    pub tagger_threshold: Option<f32>,
    /// Score at most this many articles.
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// `eval html`.
#[derive(Args, Debug)]
pub struct EvalHtmlArgs {
    /// article-extraction-benchmark folder (html/*.html.gz, ground-truth.json)
    #[arg(long, value_name = "DIR")]
    pub benchmark: Option<PathBuf>,
    /// folder of pages with source.html and expected-metadata.json (Readability's tests)
    #[arg(long, value_name = "DIR")]
    pub metadata: Option<PathBuf>,
    /// Python with trafilatura (default: .deps/trafilatura-venv, from scripts/setup_trafilatura.sh)
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Do not run trafilatura.
    #[arg(long)]
    pub no_trafilatura: bool,
    /// Bootstrap resamples for the ± figures.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Also list this many worst-scored benchmark pages.
    #[arg(long, default_value_t = 0)]
    pub worst: usize,
}

/// `eval stance`.
#[derive(Args, Debug)]
pub struct EvalStanceArgs {
    /// Data as NAME=PATH (repeatable; NAME as in `train stance --data`), or a PATH with
    /// --format NAME.
    #[arg(long, value_name = "NAME=PATH")]
    pub data: Vec<String>,
    /// The set's name when --data is a bare path (semeval, vast, newsmtsc, fnc1, …).
    #[arg(long)]
    pub format: Option<String>,
    /// Score every set found under this folder (../shared/data/stance), each on its dev part
    /// (the held-out split of --heldout, default seed 13).
    #[arg(long, value_name = "DIR")]
    pub all: Option<PathBuf>,
    /// Score at most this many examples per set (a fixed random sample).
    #[arg(long)]
    pub max_per_set: Option<usize>,
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// VAST: score zero-shot topics only.
    #[arg(long)]
    pub zero_shot: bool,
    /// Run the model in bfloat16.
    #[arg(long)]
    pub bf16: bool,
    /// Score only the dev part that `train stance --seed SEED` held out of each file (the
    /// set's own dev/val part where it has one).
    #[arg(long, value_name = "SEED")]
    pub heldout: Option<u64>,
    /// Dev share used with --heldout (as in training).
    #[arg(long, default_value_t = 0.1)]
    pub dev_fraction: f32,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// `eval article-stance`.
#[derive(Args, Debug)]
pub struct EvalArticleStanceArgs {
    /// PerSenT CSV (e.g. ../shared/data/stance/persent/random_test.csv).
    #[arg(long)]
    pub persent: PathBuf,
    /// Stance model folder (default: the shipped models/stance).
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Score every article, not only the measuring half (half 0 fits the article model).
    #[arg(long)]
    pub all_articles: bool,
    /// Score at most this many articles.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Model precision, as `run --precision` (the features must be those of a run).
    #[arg(long, value_enum, default_value = "auto")]
    pub precision: crate::machine::Precision,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// A newsmine output folder (with outlets.csv and speakers.csv).
    pub out_dir: PathBuf,
    /// HTML file to write.
    #[arg(long, default_value = "report.html")]
    pub html: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct MergeArgs {
    /// Output folders of `newsmine run --shard I/N`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged tables.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Stance targets used by the shards (for the aggregation settings; default: the bundled file).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Table files of the merged run: csv, parquet or both (default: those of the first shard).
    /// Shards may be CSV or Parquet.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub table_format: Option<crate::output::TableFormat>,
}

/// `-j/--threads`, shared by the eval and fit commands.
#[derive(Args, Debug, Clone, Copy)]
pub struct ThreadsArg {
    /// libtorch threads (0 = the usable cores not kept busy by other processes).
    #[arg(long = "threads", short = 'j', default_value_t = 0)]
    pub n: usize,
}

/// A number in `0..=1` (clap reports anything else as a usage error, exit 2).
fn unit_interval(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}
