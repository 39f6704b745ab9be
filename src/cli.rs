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
    Run(RunArgs),
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
}

/// Pipeline components that can be switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    Clean,
    Ner,
    Quotes,
    Stance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
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
    pub shard: Option<String>,
    /// Continue an interrupted run in the same --out folder, skipping finished articles.
    #[arg(long)]
    pub resume: bool,
    /// Outlet name for articles that carry none (else the sub-folder name is used).
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,
    /// Switch a stage off (repeatable): clean, ner, quotes, stance.
    #[arg(long, value_enum, value_name = "STAGE")]
    pub skip: Vec<Stage>,
    /// Worker threads (0 = all cores). Output is identical for any value.
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Articles per batch: the unit of streaming, memory and model batching.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// NER model folder (default: the shipped models/ner).
    #[arg(long, value_name = "DIR")]
    pub ner_model: Option<PathBuf>,
    /// Stance model folder (default: the shipped models/stance).
    #[arg(long, value_name = "DIR")]
    pub stance_model: Option<PathBuf>,
    /// Stance targets (TOML; default: the bundled corpus/targets.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Articles larger than this many bytes go to errors.csv instead of being processed.
    #[arg(long, default_value_t = 5_000_000)]
    pub max_article_bytes: usize,
    /// Read every input as this format regardless of extension (stdin defaults to jsonl).
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Run the models in bfloat16: faster on CPUs with AMX/AVX512-BF16 (see README for the
    /// accuracy measured both ways).
    #[arg(long)]
    pub bf16: bool,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// Train the NER token classifier on CoNLL column files (IOB1 or IOB2).
    Ner {
        /// Training file (e.g. ../shared/data/ner/conll2003/eng.train).
        #[arg(long)]
        train: PathBuf,
        /// Dev file for model selection (e.g. eng.testa).
        #[arg(long)]
        dev: PathBuf,
        #[command(flatten)]
        common: TrainArgs,
    },
    /// Train the stance cross-encoder on several stance datasets at once.
    Stance {
        /// Datasets as FORMAT=PATH (formats: semeval, vast, newsmtsc, fnc1, emergent); repeatable.
        #[arg(long = "data", value_name = "FORMAT=PATH", required = true)]
        data: Vec<String>,
        /// Keep at most this many training examples per dataset (balances the mix).
        #[arg(long)]
        max_per_dataset: Option<usize>,
        /// Share of each dataset held out as dev (VAST by topic).
        #[arg(long, default_value_t = 0.1)]
        dev_fraction: f32,
        #[command(flatten)]
        common: TrainArgs,
    },
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
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// NER precision, recall and F1 per type (exact spans, as conlleval).
    Ner {
        /// CoNLL column file (CoNLL-2003 or WNUT-17).
        #[arg(long)]
        conll: PathBuf,
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// Types to score, comma-separated (WNUT-17: PER,LOC,ORG).
        #[arg(long, value_delimiter = ',', default_value = "PER,ORG,LOC,MISC")]
        types: Vec<String>,
        /// Run the model in bfloat16.
        #[arg(long)]
        bf16: bool,
        #[arg(long)]
        json: bool,
        /// libtorch threads (0 = all cores; 1 is fastest on a busy machine).
        #[arg(long, short = 'j', default_value_t = 0)]
        threads: usize,
    },
    /// Quote and speaker scores against PolNeAR attributions.
    Quotes {
        #[arg(long)]
        polnear: PathBuf,
        #[arg(long, value_name = "DIR")]
        ner_model: Option<PathBuf>,
        /// Score without NER (speakers as spans only).
        #[arg(long)]
        no_ner: bool,
        /// Score at most this many articles.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
        /// libtorch threads (0 = all cores; 1 is fastest on a busy machine).
        #[arg(long, short = 'j', default_value_t = 0)]
        threads: usize,
    },
    /// Stance per-class P/R/F1, F_avg (favor/against) and macro-F1.
    Stance {
        #[arg(long)]
        data: PathBuf,
        /// semeval, vast, newsmtsc, fnc1 or emergent
        #[arg(long)]
        format: String,
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// VAST: score zero-shot topics only.
        #[arg(long)]
        zero_shot: bool,
        /// Run the model in bfloat16.
        #[arg(long)]
        bf16: bool,
        /// Score only the dev part that `train stance --seed SEED` held out of this file
        /// (the file was otherwise used for training).
        #[arg(long, value_name = "SEED")]
        heldout: Option<u64>,
        /// Dev share used with --heldout (as in training).
        #[arg(long, default_value_t = 0.1)]
        dev_fraction: f32,
        #[arg(long)]
        json: bool,
        /// libtorch threads (0 = all cores; 1 is fastest on a busy machine).
        #[arg(long, short = 'j', default_value_t = 0)]
        threads: usize,
    },
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
}
