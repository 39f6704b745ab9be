//! Command dispatch: turns parsed flags into library calls and an exit code.
use crate::cli::{Cli, Command, EvalCommand, InputFormat, RunArgs, Stage, TrainArgs, TrainCommand};
use crate::corpus::{Format, ReadOptions};
use crate::ner::EntityLabel;
use crate::pipeline::{Component, Pipeline, RunConfig};
use crate::stance::config::StanceConfig;
use crate::train::TrainOptions;
use crate::{Error, Result};
use std::path::PathBuf;

/// Runs a command; returns the process exit code (0 ok, 1 some articles failed).
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(args) => run_pipeline(&args),
        Command::Train(TrainCommand::Ner { train, dev, common }) => {
            let opts = train_options(&common);
            crate::train::ner::train(&crate::train::ner::NerTrainData { train, dev }, &opts)?;
            eprintln!("model written to {}", opts.out.display());
            Ok(0)
        }
        Command::Train(TrainCommand::Stance {
            data,
            max_per_dataset,
            dev_fraction,
            common,
        }) => {
            let opts = train_options(&common);
            let specs = data
                .iter()
                .map(|s| crate::train::stance::parse_spec(s))
                .collect::<Result<Vec<_>>>()?;
            let data = crate::train::stance::StanceTrainData {
                specs,
                max_per_dataset,
                dev_fraction,
            };
            crate::train::stance::train(&data, &opts)?;
            eprintln!("model written to {}", opts.out.display());
            Ok(0)
        }
        Command::Eval(EvalCommand::Ner {
            conll,
            model,
            types,
            bf16,
            json,
            threads,
        }) => {
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
            let mut config = crate::ner::NerConfig {
                bf16,
                ..Default::default()
            };
            if let Some(m) = model {
                config.model_dir = m;
            }
            crate::train::set_threads(threads);
            let model = crate::ner::NerModel::new(config)?;
            let started = std::time::Instant::now();
            let sentences = crate::ner::conll::read_conll(&conll)?;
            let words: Vec<Vec<&str>> = sentences
                .iter()
                .map(|s| s.words.iter().map(|w| w.as_str()).collect())
                .collect();
            let pred = model.predict(&words)?;
            let seconds = started.elapsed().as_secs_f64();
            let report = crate::eval::ner::score_tags(&sentences, &pred, &types);
            eprintln!(
                "tagged {} tokens in {seconds:.1} s ({:.0} tokens/s{})",
                report.tokens,
                report.tokens as f64 / seconds,
                if bf16 { ", bf16" } else { "" }
            );
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{}\n{report}", conll.display());
            }
            Ok(0)
        }
        Command::Merge(args) => {
            let config = StanceConfig::load_or_default(args.config.as_deref())?;
            let summary = crate::pipeline::run::merge(
                &args.dirs,
                &args.out,
                Some(&(config.min_relevance, config.aggregate)),
            )?;
            eprintln!(
                "merged {} folders: {} articles into {}",
                args.dirs.len(),
                summary.articles,
                args.out.display()
            );
            Ok(summary.exit_code())
        }
        Command::Compare(args) => {
            crate::stance::report::compare(&args.out_dir, &args.html)?;
            eprintln!("report written to {}", args.html.display());
            Ok(0)
        }
        Command::Eval(EvalCommand::Stance {
            data,
            format,
            model,
            zero_shot,
            bf16,
            heldout,
            dev_fraction,
            json,
            threads,
        }) => {
            let format: crate::stance::data::DataFormat = format.parse()?;
            let mut examples = crate::stance::data::load(&data, format)?;
            if let Some(seed) = heldout {
                examples = crate::stance::data::split_dev(examples, dev_fraction, seed).1;
            }
            if zero_shot {
                examples.retain(|e| e.zero_shot == Some(true));
            }
            let mut config = crate::stance::model::StanceModelConfig {
                bf16,
                ..Default::default()
            };
            if let Some(m) = model {
                config.model_dir = m;
            }
            crate::train::set_threads(threads);
            let model = crate::stance::model::StanceModel::new(config)?;
            let pairs: Vec<(&str, &str)> = examples
                .iter()
                .map(|e| (e.target.as_str(), e.text.as_str()))
                .collect();
            let probs = model.predict(&pairs)?;
            let pred: Vec<usize> = probs
                .iter()
                .map(|p| {
                    if p.favor >= p.against && p.favor >= p.neutral {
                        0
                    } else if p.against >= p.neutral {
                        1
                    } else {
                        2
                    }
                })
                .collect();
            let gold: Vec<usize> = examples.iter().map(|e| e.label).collect();
            let report = crate::eval::stance::score(&gold, &pred);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "{} ({format}{})\n{report}",
                    data.display(),
                    if zero_shot { ", zero-shot topics" } else { "" }
                );
                if heldout.is_some() {
                    println!("(held-out dev split of the training file)");
                }
            }
            Ok(0)
        }
        Command::Eval(EvalCommand::Quotes {
            polnear,
            ner_model,
            no_ner,
            limit,
            json,
            threads,
        }) => {
            let mut gold = crate::eval::quotes::load_polnear(&polnear)?;
            if let Some(n) = limit {
                gold.truncate(n);
            }
            crate::train::set_threads(threads);
            let mut components: Vec<Box<dyn Component>> = Vec::new();
            if !no_ner {
                let mut config = crate::ner::NerConfig::default();
                if let Some(dir) = ner_model {
                    config.model_dir = dir;
                }
                components.push(Box::new(crate::ner::NerModel::new(config)?));
            }
            components.push(Box::new(crate::quotes::QuoteExtractor::new(
                Default::default(),
            )?));
            let pipeline = Pipeline {
                text: Default::default(),
                components,
            };
            let mut times = Default::default();
            let mut predicted = Vec::with_capacity(gold.len());
            for chunk in gold.chunks(32) {
                let batch = pipeline.annotate(
                    chunk.iter().map(|g| g.article.clone()).collect(),
                    &mut times,
                );
                predicted.extend(batch.into_iter().map(|a| a.quotes));
            }
            let report = crate::eval::quotes::score(&gold, &predicted);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "{} ({} articles{})\n{report}",
                    polnear.display(),
                    gold.len(),
                    if no_ner { ", without NER" } else { "" }
                );
            }
            Ok(0)
        }
    }
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
    }
}

/// The components `args` asks for, loaded; a missing model is a set-up error (exit 2).
pub fn build_pipeline(args: &RunArgs) -> Result<(Pipeline, Vec<PathBuf>, Option<StanceConfig>)> {
    let on = |s: Stage| !args.skip.contains(&s);
    let mut components: Vec<Box<dyn Component>> = Vec::new();
    let mut files = Vec::new();
    if on(Stage::Ner) {
        let mut config = crate::ner::NerConfig {
            bf16: args.bf16,
            ..Default::default()
        };
        if let Some(dir) = &args.ner_model {
            config.model_dir = dir.clone();
        }
        let model = crate::ner::NerModel::new(config)?;
        files.extend(model.files.iter().cloned());
        components.push(Box::new(model));
    }
    if on(Stage::Quotes) {
        components.push(Box::new(crate::quotes::QuoteExtractor::new(
            Default::default(),
        )?));
    }
    let mut stance_config = None;
    if on(Stage::Stance) {
        let config = StanceConfig::load_or_default(args.config.as_deref())?;
        let mut mc = crate::stance::model::StanceModelConfig {
            bf16: args.bf16,
            ..Default::default()
        };
        if let Some(dir) = &args.stance_model {
            mc.model_dir = dir.clone();
        }
        let model = crate::stance::model::StanceModel::new(mc)?;
        files.extend(model.files.iter().cloned());
        stance_config = Some(config.clone());
        components.push(Box::new(crate::stance::component::StanceStage {
            model,
            config,
        }));
    }
    files.sort();
    files.dedup();
    let text = crate::text::TextConfig {
        clean: on(Stage::Clean),
    };
    Ok((Pipeline { text, components }, files, stance_config))
}

fn run_pipeline(args: &RunArgs) -> Result<i32> {
    let threads = if args.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        args.threads
    };
    // rayon runs the CPU stages and libtorch the model calls, one after the other, each with
    // `threads` threads (main sets OMP_WAIT_POLICY=passive so idle OpenMP threads do not spin).
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .ok();
    tch::set_num_threads(threads as i32);
    let (pipeline, model_files, stance) = build_pipeline(args)?;
    let read = ReadOptions {
        outlet: args.outlet.clone(),
        max_bytes: args.max_article_bytes,
        format: args.format.map(|f| match f {
            InputFormat::Txt => Format::Txt,
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
            InputFormat::Html => Format::Html,
        }),
    };
    let config = RunConfig {
        inputs: args.inputs.clone(),
        out: match (&args.out, args.inputs.iter().any(|i| i.as_os_str() == "-")) {
            (Some(dir), _) => Some(dir.clone()),
            (None, true) => None,
            (None, false) => Some(PathBuf::from("out")),
        },
        shard: args
            .shard
            .as_deref()
            .map(crate::pipeline::run::parse_shard)
            .transpose()?,
        resume: args.resume,
        read,
        batch: args.batch.max(1),
        threads,
        quiet: args.quiet,
        model_files,
        aggregate: stance.map(|s| (s.min_relevance, s.aggregate)),
    };
    for input in &args.inputs {
        if input.as_os_str() != "-" && !input.exists() {
            return Err(Error::Usage(format!(
                "input {} does not exist",
                input.display()
            )));
        }
    }
    let summary = crate::pipeline::run(&pipeline, &config)?;
    if !args.quiet {
        eprintln!("{summary}");
    }
    Ok(summary.exit_code())
}
