//! Command dispatch: turns parsed flags into library calls and an exit code.
use crate::cli::{
    Cli, Command, CompareArgs, EvalArticleStanceArgs, EvalCommand, EvalHtmlArgs, EvalNerArgs,
    EvalQuotesArgs, EvalStanceArgs, InputFormat, MergeArgs, RunArgs, Stage, ThreadsArg, TrainArgs,
    TrainArticleStanceArgs, TrainCommand, TrainNerArgs, TrainQuotesArgs, TrainStanceArgs,
};
use crate::corpus::{Format, ReadOptions};
use crate::ner::EntityLabel;
use crate::pipeline::{Component, Pipeline, RunConfig};
use crate::stance::config::StanceConfig;
use crate::stance::data::DataSpec;
use crate::train::TrainOptions;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Runs a command; returns the process exit code (0 ok, 1 some articles failed).
///
/// Each command has one function below, which takes that command's flags (its `…Args` struct).
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(mut args) => {
            let doc = resolve_run(&mut args)?;
            run_pipeline(&args, &doc)
        }
        Command::Init(args) => init_config(&args),
        Command::Merge(args) => merge(&args),
        Command::Compare(args) => compare(&args),
        Command::Train(TrainCommand::Ner(a)) => train_ner(a),
        Command::Train(TrainCommand::Stance(a)) => train_stance(a),
        Command::Train(TrainCommand::Quotes(a)) => train_quotes(a),
        Command::Train(TrainCommand::ArticleStance(a)) => train_article_stance(a),
        Command::Eval(EvalCommand::Ner(a)) => eval_ner(a),
        Command::Eval(EvalCommand::Stance(a)) => eval_stance(a),
        Command::Eval(EvalCommand::ArticleStance(a)) => eval_article_stance(a),
        Command::Eval(EvalCommand::Quotes(a)) => eval_quotes(a),
        Command::Eval(EvalCommand::Html(a)) => eval_html(a),
    }
}

/// `merge DIR...`: the shards' tables as one run.
fn merge(args: &MergeArgs) -> Result<i32> {
    // the shards' run.json carry their configuration; --config, if given, must agree
    let config = match &args.config {
        Some(path) => {
            check_config(path)?;
            let c = StanceConfig::load_or_default(Some(path))?;
            Some(c.aggregate_settings())
        }
        None => None,
    };
    let summary =
        crate::pipeline::run::merge(&args.dirs, &args.out, config.as_ref(), args.table_format)?;
    eprintln!(
        "merged {} folders: {} articles into {}",
        args.dirs.len(),
        summary.articles,
        args.out.display()
    );
    Ok(summary.exit_code())
}

/// `compare OUT_DIR`: the HTML report of a run's tables.
fn compare(args: &CompareArgs) -> Result<i32> {
    crate::output::report::compare(&args.out_dir, &args.html)?;
    eprintln!("report written to {}", args.html.display());
    Ok(0)
}

/// `train ner`: the token classifier on CoNLL files.
fn train_ner(args: TrainNerArgs) -> Result<i32> {
    let TrainNerArgs {
        train,
        dev,
        documents,
        also_sentences,
        common,
    } = args;
    let data = crate::train::ner::NerTrainData {
        train,
        dev,
        documents,
        also_sentences,
    };
    fit(&common, |opts| crate::train::ner::train(&data, opts))
}

/// `train stance`: the cross-encoder on a mixture of stance sets.
fn train_stance(args: TrainStanceArgs) -> Result<i32> {
    let TrainStanceArgs {
        data,
        dev,
        max_per_dataset,
        max_dev_per_dataset,
        epoch_size,
        sample_power,
        news_weight,
        no_mark_targets,
        title_context,
        dev_fraction,
        common,
    } = args;
    let data = crate::train::stance::StanceTrainData {
        specs: data,
        dev_specs: dev,
        max_per_dataset,
        max_dev_per_dataset,
        epoch_size,
        sample_power,
        news_weight,
        mark_targets: !no_mark_targets,
        title_context,
        dev_fraction,
    };
    fit(&common, |opts| crate::train::stance::train(&data, opts))
}

/// `train quotes`: the quote model on PolNeAR attributions.
fn train_quotes(args: TrainQuotesArgs) -> Result<i32> {
    let TrainQuotesArgs {
        polnear,
        dev,
        no_ner,
        tagger,
        common,
    } = args;
    if tagger {
        return fit(&common, |opts| {
            crate::train::quote_tagger::train(&polnear, &dev, opts)
        });
    }
    let data = crate::train::quotes::QuoteTrainData {
        train: polnear,
        dev,
        ner: !no_ner,
    };
    fit(&common, |opts| crate::train::quotes::train(&data, opts))
}

/// Runs one of the encoder trainings with the shared flags (`TrainArgs`) and names the folder
/// the model went to.
fn fit(common: &TrainArgs, train: impl FnOnce(&TrainOptions) -> Result<()>) -> Result<i32> {
    let opts = train_options(common);
    // checked before the data is read: a mistyped folder should not cost minutes of loading
    if let Some(init) = &opts.init {
        let weights = init.join("model.safetensors");
        if !weights.is_file() {
            return Err(Error::Usage(format!(
                "--init {}: no model.safetensors there (give a model folder of the same task, \
                 e.g. models/ner)",
                init.display()
            )));
        }
    }
    train(&opts)?;
    eprintln!("model written to {}", opts.out.display());
    Ok(0)
}

/// `train article-stance`: the article-level model on PerSenT, written beside the stance model
/// whose unit scores it reads.
fn train_article_stance(args: TrainArticleStanceArgs) -> Result<i32> {
    let TrainArticleStanceArgs {
        persent,
        model,
        l2,
        class_power,
        model_weight,
        precision,
        threads,
    } = args;
    let config = stance_setup(threads, model, crate::machine::use_bf16(precision));
    let dir = config.model_dir.clone();
    let fit = crate::eval::article_stance::fit(&persent, config, l2, class_power, model_weight)?;
    for r in fit {
        println!("{r}");
    }
    eprintln!(
        "article model written to {}",
        dir.join(crate::stance::article::FILE_NAME).display()
    );
    Ok(0)
}

/// `eval ner`: scores the model's tags per sentence, or with `--run-path` the entities that
/// `run` itself would find in the same text.
fn eval_ner(args: EvalNerArgs) -> Result<i32> {
    let EvalNerArgs {
        conll,
        model,
        types,
        bf16,
        run_path,
        no_cache,
        json,
        threads,
    } = args;
    let types = types
        .iter()
        .map(|t| {
            EntityLabel::parse(t.trim()).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown entity type {t:?} (use PER, ORG, LOC, MISC)"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let cache_entries = if no_cache {
        0
    } else {
        crate::ner::model::CACHE_ENTRIES
    };
    crate::train::set_threads(threads.n);
    let model = crate::ner::NerModel::new(ner_config(model, bf16, cache_entries))?;
    let started = std::time::Instant::now();
    let docs = crate::ner::conll::read_conll_documents(&conll)?;
    if run_path {
        let report = crate::eval::ner::run_path(&model, &docs, &types, &Default::default())?;
        eprintln!(
            "run path: {:.1} s{}",
            started.elapsed().as_secs_f64(),
            if bf16 { ", bf16" } else { "" }
        );
        return print_ner_report(&conll, &report, json);
    }
    let report = ner_tag_report(&model, docs, &types, started, bf16)?;
    print_ner_report(&conll, &report, json)
}

/// Tags the CoNLL documents and scores the tags; logs the speed since `started`.
fn ner_tag_report(
    model: &crate::ner::NerModel,
    docs: Vec<Vec<crate::ner::conll::ConllSentence>>,
    types: &[EntityLabel],
    started: std::time::Instant,
    bf16: bool,
) -> Result<crate::eval::ner::NerReport> {
    // by document, so that a document-context model sees each sentence's neighbours
    let words = crate::ner::conll::document_words(&docs);
    let pred: Vec<_> = model
        .predict_documents(&words)?
        .into_iter()
        .flatten()
        .collect();
    let sentences: Vec<_> = docs.into_iter().flatten().collect();
    let seconds = started.elapsed().as_secs_f64();
    let report = crate::eval::ner::score_tags(&sentences, &pred, types);
    eprintln!(
        "tagged {} tokens in {seconds:.1} s ({:.0} tokens/s{})",
        report.tokens,
        report.tokens as f64 / seconds,
        if bf16 { ", bf16" } else { "" }
    );
    Ok(report)
}

/// Prints an `eval ner` report: as JSON, or under the name of the file it scored.
fn print_ner_report(
    conll: &Path,
    report: &(impl std::fmt::Display + serde::Serialize),
    json: bool,
) -> Result<i32> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{}\n{report}", conll.display());
    }
    Ok(0)
}

/// `eval stance`: one score row per data set, each on the part that training did not see
/// when `--heldout` or `--all` asks for it.
fn eval_stance(args: EvalStanceArgs) -> Result<i32> {
    let EvalStanceArgs {
        data,
        format,
        all,
        max_per_set,
        model,
        zero_shot,
        bf16,
        heldout,
        dev_fraction,
        json,
        threads,
    } = args;
    let mut sets = Vec::new();
    for d in &data {
        sets.push(match &format {
            Some(f) => DataSpec {
                format: f.parse().map_err(Error::Usage)?,
                path: PathBuf::from(d),
            },
            None => d.parse().map_err(Error::Usage)?,
        });
    }
    if let Some(dir) = &all {
        sets.extend(crate::eval::stance::sets_under(dir));
    }
    if sets.is_empty() {
        return Err(Error::Usage(
            "eval stance: give --data NAME=PATH (repeatable) or --all DIR".into(),
        ));
    }
    let sel = crate::eval::stance::SetSelection {
        // --all scores what training held out; the full files were trained on
        heldout: heldout.or(all.as_ref().map(|_| 13)),
        dev_fraction,
        zero_shot,
        max_per_set,
    };
    let model = crate::stance::model::StanceModel::new(stance_setup(threads, model, bf16))?;
    let rows = crate::eval::stance::score_sets(&model, &sets, &sel)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if let [one] = rows.as_slice() {
        println!("{} ({})\n{}", one.path.display(), one.set, one.report);
    } else {
        print!("{}", crate::eval::stance::table(&rows));
    }
    if let (Some(seed), false) = (sel.heldout, json) {
        println!("(dev parts: each set's own dev/val split, else the part `train stance --seed {seed}` held out)");
    }
    Ok(0)
}

/// `eval article-stance`: article-level stance on PerSenT through the run path.
fn eval_article_stance(args: EvalArticleStanceArgs) -> Result<i32> {
    let EvalArticleStanceArgs {
        persent,
        model,
        all_articles,
        limit,
        precision,
        json,
        threads,
    } = args;
    let reports = crate::eval::article_stance::evaluate(
        &persent,
        stance_setup(threads, model, crate::machine::use_bf16(precision)),
        all_articles,
        limit,
    )?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        println!(
            "{} ({} articles)",
            persent.display(),
            if all_articles {
                "all"
            } else {
                "measuring half"
            }
        );
        for r in &reports {
            println!("{r}");
        }
    }
    Ok(0)
}

/// `eval quotes`: the rules' quotes and speakers (with NER unless `--no-ner`) and, beside
/// them, the quote model's, against PolNeAR.
fn eval_quotes(args: EvalQuotesArgs) -> Result<i32> {
    let EvalQuotesArgs {
        polnear,
        ner_model,
        no_ner,
        quote_model,
        no_quote_model,
        quote_tagger,
        tagger_threshold,
        limit,
        json,
        threads,
    } = args;
    let mut gold = crate::eval::quotes::load_polnear(&polnear)?;
    if let Some(n) = limit {
        gold.truncate(n);
    }
    crate::train::set_threads(threads.n);
    let mut components: Vec<Box<dyn Component>> = Vec::new();
    if !no_ner {
        // fp32 and the cache on: the settings of a plain `run`
        let config = ner_config(ner_model, false, crate::ner::model::CACHE_ENTRIES);
        components.push(Box::new(crate::ner::NerModel::new(config)?));
    }
    let pipeline = Pipeline {
        text: Default::default(),
        components,
    };
    let model = quote_model_for_eval(quote_model, no_quote_model)?;
    let tagger = quote_tagger_for_eval(quote_tagger, tagger_threshold, no_quote_model)?;
    let report =
        crate::eval::quote_model::evaluate(&gold, &pipeline, model.as_ref(), tagger.as_ref())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} ({} articles{})\n\n{report}",
            polnear.display(),
            gold.len(),
            if no_ner { ", without NER" } else { "" }
        );
    }
    Ok(0)
}

/// `eval html`: the extraction benchmark (beside trafilatura when it is installed) and/or the
/// page metadata tests.
fn eval_html(args: EvalHtmlArgs) -> Result<i32> {
    let EvalHtmlArgs {
        benchmark,
        metadata,
        python,
        no_trafilatura,
        bootstrap,
        worst,
    } = args;
    if benchmark.is_none() && metadata.is_none() {
        return Err(Error::Usage(
            "eval html needs --benchmark DIR and/or --metadata DIR".into(),
        ));
    }
    if let Some(dir) = benchmark {
        let trafilatura = if no_trafilatura {
            None
        } else {
            crate::eval::html::Trafilatura::find(python)
        };
        let opts = crate::eval::html::BenchOptions {
            n_bootstrap: bootstrap,
            trafilatura,
            worst,
        };
        crate::eval::html::benchmark(&dir, &opts)?;
    }
    if let Some(dir) = metadata {
        crate::eval::html::metadata(&dir)?;
    }
    Ok(0)
}

/// The quote model `eval quotes` scores beside the rules: the given folder (an error when it
/// is not a model), else the shipped one when present, none with `--no-quote-model`.
fn quote_model_for_eval(
    dir: Option<PathBuf>,
    off: bool,
) -> Result<Option<crate::quote_model::QuoteModel>> {
    if off {
        return Ok(None);
    }
    let mut config = crate::quote_model::QuoteModelConfig::default();
    match dir {
        Some(d) => config.model_dir = d,
        None if !config.model_dir.join("config.json").is_file() => {
            eprintln!(
                "newsmine: no quote model in {}: rules only",
                config.model_dir.display()
            );
            return Ok(None);
        }
        None => {}
    }
    crate::quote_model::QuoteModel::new(config).map(Some)
}

/// The quote tagger `eval quotes` adds: the given folder, else the shipped one when present,
/// none with `--no-quote-model`.
fn quote_tagger_for_eval(
    dir: Option<PathBuf>,
    threshold: Option<f32>,
    off: bool,
) -> Result<Option<crate::quote_tagger::QuoteTagger>> {
    if off {
        return Ok(None);
    }
    let mut config = crate::quote_tagger::QuoteTaggerConfig {
        threshold,
        ..Default::default()
    };
    match dir {
        Some(d) => config.model_dir = d,
        None if !config.model_dir.join("config.json").is_file() => return Ok(None),
        None => {}
    }
    crate::quote_tagger::QuoteTagger::new(config).map(Some)
}

fn train_options(a: &TrainArgs) -> TrainOptions {
    TrainOptions {
        out: a.out.clone(),
        epochs: a.epochs,
        lr: a.lr,
        batch: a.batch,
        seed: a.seed,
        max_minutes: a.max_minutes,
        warmup: a.warmup,
        weight_decay: a.weight_decay,
        threads: a.threads,
        max_tokens: a.max_tokens,
        limit: a.limit,
        freeze_layers: a.freeze_layers,
        init: a.init.clone(),
        bf16: crate::machine::use_bf16(a.precision),
        layers: a.layers.map(usize::from),
    }
}

/// Whether the run's models compute in bfloat16 (`--precision`, `--bf16`).
fn run_bf16(args: &RunArgs) -> bool {
    // `--bf16` is folded into `precision` by `resolve_run`
    crate::machine::use_bf16(args.precision)
}

/// The set-up every command that runs the stance model outside `run` shares: libtorch's
/// threads (`-j`), then the model settings.
fn stance_setup(
    threads: ThreadsArg,
    model: Option<PathBuf>,
    bf16: bool,
) -> crate::stance::model::StanceModelConfig {
    crate::train::set_threads(threads.n);
    stance_model_config(model, bf16)
}

/// The stance model settings: the shipped model unless a folder is given.
fn stance_model_config(
    model: Option<PathBuf>,
    bf16: bool,
) -> crate::stance::model::StanceModelConfig {
    let mut config = crate::stance::model::StanceModelConfig {
        bf16,
        ..Default::default()
    };
    if let Some(m) = model {
        config.model_dir = m;
    }
    config
}

/// The NER model settings: the shipped model unless a folder is given.
fn ner_config(model: Option<PathBuf>, bf16: bool, cache_entries: usize) -> crate::ner::NerConfig {
    let mut config = crate::ner::NerConfig {
        bf16,
        cache_entries,
        ..Default::default()
    };
    if let Some(m) = model {
        config.model_dir = m;
    }
    config
}

/// The components `args` asks for, loaded and checked in order; a missing model is a set-up
/// error (exit 2). `--skip quotes` takes the quote model with it (it judges the rules' quotes).
pub fn build_pipeline(
    args: &RunArgs,
    doc: &ConfigDoc,
) -> Result<(Pipeline, Vec<PathBuf>, Option<StanceConfig>)> {
    let on = |s: Stage| !args.skip.contains(&s);
    let mut components: Vec<Box<dyn Component>> = Vec::new();
    let mut files = Vec::new();
    if on(Stage::Ner) {
        let config = ner_config(
            args.ner_model.clone(),
            run_bf16(args),
            cache_entries(args, crate::ner::model::CACHE_ENTRIES),
        );
        let model = crate::ner::NerModel::new(config)?;
        files.extend(model.files.iter().cloned());
        components.push(Box::new(model));
    }
    // the `[quotes]` table of the config file: which cue classes count
    let settings = crate::quotes::settings::QuotesSettings::from_toml_str(&doc.text, &doc.path)?;
    if on(Stage::Quotes) {
        components.push(Box::new(crate::quotes::QuoteExtractor::new(
            crate::quotes::QuotesConfig {
                classes: settings.classes(),
                ..Default::default()
            },
        )?));
    }
    // The tagger scores the rules' rows itself; the quote model runs in its place when it is
    // skipped, or beside it when a run names one (`--quote-model DIR`).
    let learned_quotes = on(Stage::Quotes) && on(Stage::QuoteModel);
    let tagger_on = learned_quotes && on(Stage::QuoteTagger);
    if learned_quotes && (!tagger_on || args.quote_model.is_some()) {
        let mut config = crate::quote_model::QuoteModelConfig {
            bf16: run_bf16(args),
            ..Default::default()
        };
        if let Some(dir) = &args.quote_model {
            config.model_dir = dir.clone();
        }
        let model = crate::quote_model::QuoteModel::new(config)?;
        files.extend(model.files.iter().cloned());
        components.push(Box::new(model));
    }
    if tagger_on {
        let mut config = crate::quote_tagger::QuoteTaggerConfig {
            bf16: run_bf16(args),
            classes: settings.classes(),
            ..Default::default()
        };
        if let Some(dir) = &args.quote_tagger {
            config.model_dir = dir.clone();
        }
        let tagger = crate::quote_tagger::QuoteTagger::new(config)?;
        files.extend(tagger.files.iter().cloned());
        components.push(Box::new(tagger));
    }
    let mut stance_config = None;
    if on(Stage::Stance) {
        let config = StanceConfig::from_toml_str(&doc.text, &doc.path)?;
        if !args.quiet {
            for w in &config.warnings {
                eprintln!("newsmine: warning: {w}");
            }
        }
        let mc = stance_model_config(args.stance_model.clone(), run_bf16(args));
        let article_model = crate::stance::article::ArticleModel::load(&mc.model_dir)?;
        let article_file = mc.model_dir.join(crate::stance::article::FILE_NAME);
        let model = crate::stance::model::StanceModel::new(mc)?;
        files.extend(model.files.iter().cloned());
        if article_model.is_some() {
            files.push(article_file);
        }
        stance_config = Some(config.clone());
        components.push(Box::new(crate::stance::component::StanceStage::new(
            model,
            config,
            article_model,
            cache_entries(args, crate::stance::component::CACHE_ENTRIES),
        )));
    }
    files.sort();
    files.dedup();
    let text = crate::text::TextConfig {
        clean: on(Stage::Clean),
    };
    let pipeline = Pipeline { text, components };
    for note in pipeline.check()? {
        if !args.quiet {
            eprintln!("newsmine: note: {note}");
        }
    }
    Ok((pipeline, files, stance_config))
}

/// Entries of a stage's run-wide cache of model outputs: 0 with `--no-cache`.
fn cache_entries(args: &RunArgs, entries: usize) -> usize {
    if args.no_cache {
        0
    } else {
        entries
    }
}

/// A `--config` that is not a readable file is a set-up error (exit 2) naming the flag.
fn check_config(path: &std::path::Path) -> Result<()> {
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "--config {}: no such file (give a config TOML file: `newsmine init` writes one, \
             corpus/targets.toml has targets only)",
            path.display()
        )));
    }
    Ok(())
}

/// The run's config file, whichever way it was given.
pub struct ConfigDoc {
    /// the TOML text every stage reads its tables from
    pub text: String,
    /// names the file in error messages
    pub path: PathBuf,
    /// names it in run.json's fingerprint (with the text's sha256)
    pub source: String,
}

/// Settles the settings of a run: the flags, over the config file's `[run]` (--config, else
/// --like's recorded config, else the bundled file), over --like's `[run]`, over the defaults.
/// The file's tables are checked here whichever stages run, so a typo is an error either way.
fn resolve_run(args: &mut RunArgs) -> Result<ConfigDoc> {
    let like = args.like.as_deref().map(like_config).transpose()?;
    let doc = match (&args.config, &like) {
        (Some(path), _) => {
            check_config(path)?;
            ConfigDoc {
                text: std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?,
                path: path.clone(),
                source: path.display().to_string(),
            }
        }
        (None, Some((run_json, table))) => ConfigDoc {
            text: toml::to_string(table)
                .map_err(|e| Error::Other(format!("{}: {e}", run_json.display())))?,
            path: run_json.clone(),
            source: format!("{} (its recorded config)", run_json.display()),
        },
        (None, None) => ConfigDoc {
            text: crate::config::DEFAULT_TOML.into(),
            path: crate::config::DEFAULT_PATH.into(),
            source: format!("bundled {}", crate::config::DEFAULT_PATH),
        },
    };
    let config_error = |path: &std::path::Path, msg: String| Error::Config {
        path: path.to_path_buf(),
        msg,
    };
    crate::config::check_tables(&doc.text).map_err(|m| config_error(&doc.path, m))?;
    let file_run = run_table(&doc.text).map_err(|m| config_error(&doc.path, m))?;
    let like_run = match like
        .as_ref()
        .and_then(|(path, t)| Some((path, t.get("run")?)))
    {
        Some((path, run)) => run
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| config_error(path, format!("[run]: {e}")))?,
        None => Default::default(),
    };
    let mut flags = args.settings.clone();
    if args.bf16 {
        flags.precision = Some(crate::machine::Precision::Bf16);
    }
    args.apply(flags.or(file_run).or(like_run));
    Ok(doc)
}

/// The `[run]` table of a config file's text (none: every setting left to the defaults).
fn run_table(text: &str) -> std::result::Result<crate::cli::RunSettings, String> {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        run: crate::cli::RunSettings,
    }
    toml::from_str::<File>(text)
        .map(|f| f.run)
        .map_err(|e| format!("[run]: {}", e.to_string().trim_end()))
}

/// The config an earlier run recorded in its run.json (`--like FILE`, or the folder holding it).
fn like_config(path: &std::path::Path) -> Result<(PathBuf, toml::Table)> {
    let file = if path.is_dir() {
        path.join("run.json")
    } else {
        path.to_path_buf()
    };
    let bad = |why: String| Error::Usage(format!("--like {}: {why}", path.display()));
    let raw = std::fs::read_to_string(&file).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let json: serde_json::Value =
        serde_json::from_str(&raw).map_err(|e| bad(format!("not a run.json ({e})")))?;
    match json.get("config") {
        Some(c @ serde_json::Value::Object(_)) => serde_json::from_value(c.clone())
            .map(|t| (file.clone(), t))
            .map_err(|e| bad(format!("its recorded config is not a config ({e})"))),
        _ => Err(bad(
            "it records no config (written by an older newsmine, or by `merge`); \
             give the settings with --config FILE and flags instead"
                .into(),
        )),
    }
}

/// The config a run used, in full, for run.json: the file's tables with `[run]` holding every
/// setting (precision as resolved, so that `--like` on another CPU computes the same).
fn config_record(args: &RunArgs, doc: &ConfigDoc) -> Result<serde_json::Value> {
    let mut table: toml::Table = doc
        .text
        .parse()
        .map_err(|e: toml::de::Error| Error::Other(e.to_string()))?;
    let mut used = args.settings_used();
    used.precision = Some(if run_bf16(args) {
        crate::machine::Precision::Bf16
    } else {
        crate::machine::Precision::Fp32
    });
    let run = toml::Value::try_from(used).map_err(|e| Error::Other(e.to_string()))?;
    table.insert("run".into(), run);
    Ok(serde_json::to_value(table)?)
}

/// `newsmine init [FILE]`: the bundled config file, comments and all, to edit.
fn init_config(args: &crate::cli::InitArgs) -> Result<i32> {
    let path = &args.file;
    if path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "init: {} exists; pass --force to overwrite it",
            path.display()
        )));
    }
    std::fs::write(path, crate::config::DEFAULT_TOML)
        .map_err(|e| Error::Usage(format!("init: cannot write {} ({e})", path.display())))?;
    eprintln!(
        "wrote {}: edit it, then `newsmine run --config {} INPUT...`",
        path.display(),
        path.display()
    );
    Ok(0)
}

/// The settings that change the tables, for the run's fingerprint (`--resume`, `merge`).
fn fingerprint_options(
    args: &RunArgs,
    doc: &ConfigDoc,
) -> Result<std::collections::BTreeMap<String, String>> {
    use sha2::Digest;
    let mut o = std::collections::BTreeMap::new();
    let digest = sha2::Sha256::digest(&doc.text);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    o.insert("--config".into(), format!("{} (sha256 {hex})", doc.source));
    let mut skip: Vec<String> = args
        .skip
        .iter()
        .map(|s| format!("{s:?}").to_lowercase())
        .collect();
    skip.sort();
    o.insert("--skip".into(), skip.join(","));
    o.insert("--outlet".into(), args.outlet.clone().unwrap_or_default());
    o.insert(
        "--max-article-bytes".into(),
        args.max_article_bytes.to_string(),
    );
    o.insert(
        "--format".into(),
        args.format
            .map(|f| format!("{f:?}").to_lowercase())
            .unwrap_or_default(),
    );
    o.insert(
        "precision".into(),
        if run_bf16(args) { "bf16" } else { "fp32" }.into(),
    );
    o.insert("--write-text".into(), args.write_text.to_string());
    Ok(o)
}

/// `run INPUT...`: the pipeline over the inputs, writing the tables to --out (or JSON lines to
/// stdout). The settings are those `resolve_run` settled.
fn run_pipeline(args: &RunArgs, doc: &ConfigDoc) -> Result<i32> {
    if args.batch == 0 {
        return Err(Error::Usage(
            "--batch 0: a batch holds at least 1 article".into(),
        ));
    }
    // the `[quotes]` table is checked whichever stages run: a typo is an error either way
    let quotes = crate::quotes::settings::QuotesSettings::from_toml_str(&doc.text, &doc.path)?;
    init_threads(args);
    let (pipeline, model_files, stance) = build_pipeline(args, doc)?;
    let config = run_config(args, doc, &quotes, model_files, stance)?;
    check_inputs(&args.inputs)?;
    let summary = crate::pipeline::run(&pipeline, &config)?;
    if !args.quiet {
        eprintln!("{summary}");
    }
    Ok(summary.exit_code())
}

/// Sizes rayon's pool and libtorch to the run's threads (`-j`, else the free cores) and says so
/// unless `--quiet`.
fn init_threads(args: &RunArgs) {
    let resolved = crate::machine::threads(args.threads);
    let threads = resolved.n;
    if !args.quiet {
        eprintln!(
            "newsmine: {threads} thread(s) ({}), precision {}",
            resolved.reason,
            if run_bf16(args) { "bf16" } else { "fp32" }
        );
    }
    // rayon runs the CPU stages and libtorch the model calls, one after the other, each with
    // `threads` threads (main sets OMP_WAIT_POLICY=passive so idle OpenMP threads do not spin).
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .ok();
    tch::set_num_threads(threads as i32);
}

/// What `pipeline::run` needs besides the pipeline: inputs, output, shard, reading options,
/// the models' files, the stance targets and aggregation, and the run's fingerprint and record.
fn run_config(
    args: &RunArgs,
    doc: &ConfigDoc,
    quotes: &crate::quotes::settings::QuotesSettings,
    model_files: Vec<PathBuf>,
    stance: Option<StanceConfig>,
) -> Result<RunConfig> {
    Ok(RunConfig {
        inputs: args.inputs.clone(),
        out: out_dir(args),
        shard: args.shard,
        resume: args.resume,
        read: read_options(args),
        batch: args.batch,
        quiet: args.quiet,
        model_files,
        aggregate: stance.map(|s| s.aggregate_settings()),
        quote_classes: if args.skip.contains(&Stage::Quotes) {
            Vec::new()
        } else {
            quotes
                .classes()
                .names()
                .into_iter()
                .map(String::from)
                .collect()
        },
        options: fingerprint_options(args, doc)?,
        config: config_record(args, doc)?,
        write_text: args.write_text,
        table_format: args.table_format,
    })
}

/// The output folder: --out, else none (JSON lines on stdout) when an input is `-`, else `out`.
fn out_dir(args: &RunArgs) -> Option<PathBuf> {
    match (&args.out, args.inputs.iter().any(|i| i.as_os_str() == "-")) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => None,
        (None, false) => Some(PathBuf::from("out")),
    }
}

/// How the inputs are read: the default outlet, the size limit and a forced format.
fn read_options(args: &RunArgs) -> ReadOptions {
    ReadOptions {
        outlet: args.outlet.clone(),
        max_bytes: args.max_article_bytes,
        format: args.format.map(|f| match f {
            InputFormat::Txt => Format::Txt,
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
            InputFormat::Html => Format::Html,
        }),
    }
}

/// Every input but `-` (stdin) must exist: a set-up error (exit 2) otherwise.
fn check_inputs(inputs: &[PathBuf]) -> Result<()> {
    for input in inputs {
        if input.as_os_str() != "-" && !input.exists() {
            return Err(Error::Usage(format!(
                "input {} does not exist",
                input.display()
            )));
        }
    }
    Ok(())
}
