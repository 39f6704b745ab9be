//! Command dispatch: turns parsed flags into library calls and an exit code.
use crate::cli::{Cli, Command, EvalCommand, TrainArgs, TrainCommand};
use crate::ner::EntityLabel;
use crate::train::TrainOptions;
use crate::{Error, Result};

/// Runs a command; returns the process exit code (0 ok, 1 some articles failed).
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Train(TrainCommand::Ner { train, dev, common }) => {
            let opts = train_options(&common);
            crate::train::ner::train(&crate::train::ner::NerTrainData { train, dev }, &opts)?;
            eprintln!("model written to {}", opts.out.display());
            Ok(0)
        }
        Command::Train(TrainCommand::Stance { data, max_per_dataset, dev_fraction, common }) => {
            let opts = train_options(&common);
            let specs = data.iter().map(|s| crate::train::stance::parse_spec(s)).collect::<Result<Vec<_>>>()?;
            let data = crate::train::stance::StanceTrainData { specs, max_per_dataset, dev_fraction };
            crate::train::stance::train(&data, &opts)?;
            eprintln!("model written to {}", opts.out.display());
            Ok(0)
        }
        Command::Eval(EvalCommand::Ner { conll, model, types, json }) => {
            let types = types
                .iter()
                .map(|t| EntityLabel::parse(t.trim()).ok_or_else(|| Error::Usage(format!("unknown entity type {t:?} (use PER, ORG, LOC, MISC)"))))
                .collect::<Result<Vec<_>>>()?;
            let mut config = crate::ner::NerConfig::default();
            if let Some(m) = model {
                config.model_dir = m;
            }
            crate::train::set_threads(0);
            let model = crate::ner::NerModel::new(config)?;
            let sentences = crate::ner::conll::read_conll(&conll)?;
            let words: Vec<Vec<&str>> = sentences.iter().map(|s| s.words.iter().map(|w| w.as_str()).collect()).collect();
            let pred = model.predict(&words)?;
            let report = crate::eval::ner::score_tags(&sentences, &pred, &types);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{}\n{report}", conll.display());
            }
            Ok(0)
        }
        other => Err(Error::Usage(format!("{other:?}: not available yet"))),
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
