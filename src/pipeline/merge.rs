//! `newsmine merge`: the shard folders of one corpus into the tables one run would have written.
use super::finish::{finish_dir, write_run_json};
use super::run::{Fingerprint, RunSummary, PROGRESS};
use crate::aggregate::AggregateSettings;
use crate::output::Table;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `newsmine merge`: concatenates the per-article tables of shard folders (in the order given)
/// and recomputes the outlet and speaker aggregates, as one run over the whole corpus would.
///
/// Every folder must be a finished run (its `run.json`) with the same settings; the aggregation
/// settings come from those run.json files, so the result equals the single run. `config` (from
/// `--config`) must agree with them. The same shard twice, or an article in two folders, is
/// refused.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    config: Option<&AggregateSettings>,
    table_format: Option<crate::output::TableFormat>,
) -> Result<RunSummary> {
    let start = Instant::now();
    if dirs.is_empty() {
        return Err(Error::Usage("merge: give at least one run folder".into()));
    }
    let runs = read_runs(dirs)?;
    check_runs_agree(dirs, &runs)?;
    let aggregate = merged_aggregate(&runs[0], config)?;
    std::fs::create_dir_all(out)
        .map_err(|e| Error::Usage(format!("--out {}: cannot write there ({e})", out.display())))?;
    let mut summary = merged_summary(dirs, &runs, out, aggregate, table_format);
    for t in crate::output::PER_ARTICLE_TABLES {
        concat_table(dirs, out, t)?;
    }
    crate::output::concat_files(
        &dirs
            .iter()
            .map(|d| d.join(crate::output::TEXTS))
            .collect::<Vec<_>>(),
        &out.join(crate::output::TEXTS),
    )?;
    finish_dir(out, aggregate.as_ref(), &mut summary)?;
    crate::output::parquet::write_tables(out, summary.table_format)?;
    summary.seconds = start.elapsed().as_secs_f64();
    write_run_json(out, &summary)?;
    Ok(summary)
}

/// The run.json of every folder; a folder that is not a finished run, or is given twice, is
/// refused.
fn read_runs(dirs: &[PathBuf]) -> Result<Vec<RunSummary>> {
    let mut runs: Vec<RunSummary> = Vec::new();
    let mut folders = HashMap::new();
    for d in dirs {
        let path = d.join("run.json");
        if !path.is_file() || d.join(PROGRESS).exists() {
            return Err(Error::Usage(format!(
                "merge: {} is not a finished run (no run.json); finish it first (`newsmine run … --resume --out {}`)",
                d.display(),
                d.display()
            )));
        }
        let canonical = std::fs::canonicalize(d).map_err(|e| Error::io(d, e))?;
        if let Some(other) = folders.insert(canonical, d) {
            return Err(Error::Usage(format!(
                "merge: {} is given twice (also as {})",
                d.display(),
                other.display()
            )));
        }
        let raw = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        runs.push(serde_json::from_str(&raw).map_err(|e| Error::Data {
            path: path.clone(),
            msg: e.to_string(),
        })?);
    }
    Ok(runs)
}

/// Every run must have the first one's settings and stance aggregation, and be another shard.
fn check_runs_agree(dirs: &[PathBuf], runs: &[RunSummary]) -> Result<()> {
    let first = &runs[0];
    let mut shards = HashMap::new();
    for (d, r) in dirs.iter().zip(runs) {
        if let Some(diff) = r.fingerprint.difference(&first.fingerprint, true) {
            return Err(Error::Usage(format!(
                "merge: {} was run with other settings than {}: {diff}",
                d.display(),
                dirs[0].display()
            )));
        }
        if r.aggregate != first.aggregate {
            return Err(Error::Usage(format!(
                "merge: {} was run with another stance aggregation (min_relevance / [aggregate] of --config) than {}",
                d.display(),
                dirs[0].display()
            )));
        }
        if let Some(shard) = r.fingerprint.shard {
            let key = (r.fingerprint.inputs.clone(), shard);
            if let Some(other) = shards.insert(key, d) {
                return Err(Error::Usage(format!(
                    "merge: {} and {} are the same shard {shard}",
                    other.display(),
                    d.display()
                )));
            }
        }
    }
    Ok(())
}

/// The stance aggregation the shards ran with; `--config` may only repeat it.
fn merged_aggregate(
    first: &RunSummary,
    config: Option<&AggregateSettings>,
) -> Result<Option<AggregateSettings>> {
    let mut aggregate = first.aggregate;
    if aggregate.is_none() && first.components.iter().any(|c| c == "stance") {
        // shards from before run.json recorded it: --config, else the bundled targets
        aggregate = match config {
            Some(c) => Some(*c),
            None => {
                let c = crate::stance::config::StanceConfig::load_or_default(None)?;
                Some(c.aggregate_settings())
            }
        };
    }
    if let (Some(given), Some(used)) = (config, aggregate.as_ref()) {
        if given != used {
            return Err(Error::Usage(
                "merge: --config differs from the stance configuration the shards ran with \
                 (their run.json); leave --config out to use theirs"
                    .into(),
            ));
        }
    }
    Ok(aggregate)
}

/// The merged folder's summary: the first run's settings (without its shard) and the counts of
/// all; row counts follow from the merged tables.
fn merged_summary(
    dirs: &[PathBuf],
    runs: &[RunSummary],
    out: &Path,
    aggregate: Option<AggregateSettings>,
    table_format: Option<crate::output::TableFormat>,
) -> RunSummary {
    let first = &runs[0];
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION").into(),
        out: out.display().to_string(),
        components: first.components.clone(),
        models: first.models.clone(),
        quote_classes: first.quote_classes.clone(),
        threads: first.threads,
        aggregate,
        fingerprint: Fingerprint {
            shard: None,
            ..first.fingerprint.clone()
        },
        table_format: table_format.unwrap_or(first.table_format),
        config: first.config.clone(),
        ..Default::default()
    };
    for (d, r) in dirs.iter().zip(runs) {
        summary.inputs.push(d.display().to_string());
        summary.articles += r.articles;
        summary.words += r.words;
        summary.failed_records += r.failed_records;
        summary.articles_with_failures += r.articles_with_failures;
    }
    summary
}

/// Table `t` of every folder, in order, into `out`; an article in two folders is refused (it
/// would count twice in every aggregate).
fn concat_table(dirs: &[PathBuf], out: &Path, t: &str) -> Result<()> {
    let mut table: Option<Table> = None;
    let mut ids: HashMap<String, &PathBuf> = Default::default();
    for d in dirs {
        // NAME.csv, else the NAME.parquet of a `--table-format parquet` shard
        let (header, records) = crate::output::table_records(&d.join(format!("{t}.csv")))?;
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let tbl = match &mut table {
            Some(tb) => tb,
            None => table.insert(Table::create(
                out,
                t,
                &header.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            )?),
        };
        for rec in records {
            let rec = rec?;
            if t == "articles" {
                let id = rec.get(0).unwrap_or_default().to_string();
                if let Some(other) = ids.insert(id.clone(), d) {
                    return Err(Error::Usage(format!(
                        "merge: article {id} is in both {} and {}",
                        other.display(),
                        d.display()
                    )));
                }
            }
            tbl.write_record(&rec)?;
        }
    }
    if let Some(tb) = table {
        tb.finish()?;
    }
    Ok(())
}
