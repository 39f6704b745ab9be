//! Finishing a table folder, the same for `run` and `merge`: row counts, the outlet and speaker
//! aggregates computed from the per-article tables, and run.json.
use super::run::RunSummary;
use crate::aggregate::{self, AggregateSettings, ArticleStanceRow, OutletRow, QuoteStanceRow};
use crate::output::Table;
use crate::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// Row counts of the finished per-article tables, then `outlets.csv` and `speakers.csv`
/// computed from them (the same code serves `merge`).
pub fn finish_dir(
    dir: &Path,
    aggregate: Option<&AggregateSettings>,
    summary: &mut RunSummary,
) -> Result<()> {
    for t in crate::output::PER_ARTICLE_TABLES {
        summary.rows.insert(
            t.to_string(),
            crate::output::count_rows(&dir.join(format!("{t}.csv")))?,
        );
    }
    summary.unresolved_speakers =
        crate::quotes::settings::count_unresolved(&dir.join("quotes.csv"))?;
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
pub fn write_aggregates(dir: &Path, aggregate: Option<&AggregateSettings>) -> Result<()> {
    let articles: Vec<ArticleOutlet> = crate::output::read_rows(&dir.join("articles.csv"))?;
    let article_rows: Vec<ArticleStanceRow> =
        crate::output::read_rows(&dir.join("article_stance.csv"))?;
    let outlet_of: std::collections::HashMap<&str, &str> = articles
        .iter()
        .map(|a| (a.article_id.as_str(), a.outlet.as_str()))
        .collect();
    let mut outlets = Table::create(dir, "outlets", crate::output::OUTLET_HEADER)?;
    let mut speakers = Table::create(dir, "speakers", crate::output::SPEAKER_HEADER)?;
    match aggregate {
        Some(a) if !article_rows.is_empty() => {
            for r in aggregate::outlet_stance(&article_rows, &a.params) {
                outlets.write(&r)?;
            }
            let units: Vec<StanceUnitRow> = crate::output::read_rows(&dir.join("stance.csv"))?;
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
            for r in aggregate::speaker_stance(&quote_rows, a.min_relevance, &a.params) {
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

/// Writes `run.json`, the summary that `--resume` and `merge` read back.
pub(super) fn write_run_json(dir: &Path, summary: &RunSummary) -> Result<()> {
    crate::output::write_atomic(
        &dir.join("run.json"),
        serde_json::to_string_pretty(summary)?.as_bytes(),
    )
}
