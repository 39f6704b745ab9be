//! Reads what the report draws from an output folder: `outlets.csv` (required), `speakers.csv`,
//! `articles.csv`, `article_stance.csv`, `stance.csv` ⋈ `quotes.csv` and `run.json` (optional).
//!
//! The per-unit tables can be large: they are streamed, and only what the page shows is kept
//! (relevant article scores; the quotes of the listed speakers, `QUOTES_PER_SPEAKER` each).
use super::{ArticleInfo, ArticleScore, QuoteLine, Report, TargetDescription, QUOTES_PER_SPEAKER};
use crate::aggregate::{AggregateParams, AggregateSettings, OutletRow, SpeakerRow};
use crate::doc::StanceLabel;
use crate::output::{read_rows, table_records, unguard};
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Deserialize)]
struct ArticleLine {
    article_id: String,
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    published: String,
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct StanceLine {
    article_id: String,
    unit: String,
    unit_id: usize,
    target: String,
    stance: String,
    // optional so that one odd row leaves the quote out instead of failing the page
    p_favor: Option<f32>,
    p_against: Option<f32>,
    relevance: Option<f32>,
    speaker_canonical: Option<String>,
}

#[derive(Deserialize)]
struct QuoteText {
    article_id: String,
    quote_id: usize,
    text: String,
}

/// A table is there as `NAME.csv` or, after `--table-format parquet`, as `NAME.parquet`.
fn has_table(dir: &Path, name: &str) -> bool {
    let p = dir.join(format!("{name}.csv"));
    p.is_file() || p.with_extension("parquet").is_file()
}

/// Calls `f` on each row of a finished table, formula guard removed, without holding them all.
fn each_row<T: serde::de::DeserializeOwned>(path: &Path, mut f: impl FnMut(T)) -> Result<()> {
    let (headers, records) = table_records(path)?;
    for rec in records {
        let raw: csv::StringRecord = rec?.iter().map(unguard).collect();
        let row: T = raw.deserialize(Some(&headers)).map_err(|e| Error::Data {
            path: path.to_path_buf(),
            msg: e.to_string(),
        })?;
        f(row);
    }
    Ok(())
}

/// Reads the folder `out_dir` into a `Report`.
pub fn load(out_dir: &Path) -> Result<Report> {
    let outlets_path = out_dir.join("outlets.csv");
    if !has_table(out_dir, "outlets") {
        return Err(Error::Usage(format!(
            "{} not found: `compare` reads the outlets.csv and speakers.csv of a newsmine output folder",
            outlets_path.display()
        )));
    }
    let defaults = AggregateParams::default();
    let mut r = Report {
        source: out_dir.display().to_string(),
        outlets: read_rows::<OutletRow>(&outlets_path)?,
        resamples: defaults.bootstrap_resamples,
        seed: defaults.seed,
        ..Default::default()
    };
    let mut min_relevance = 0.0;
    // run.json is optional here (a folder of tables copied without it still gets a page), and
    // each field is read on its own, so one this version does not know spoils nothing else
    let run: Option<serde_json::Value> = std::fs::read_to_string(out_dir.join("run.json"))
        .ok()
        .and_then(|raw| serde_json::from_str(&raw).ok());
    let field = |k: &str| run.as_ref().and_then(|v| v.get(k)).cloned();
    // the `[[target]]` tables of the recorded config (`config`); run.json of the version before
    // kept a copy of them as `targets`
    r.targets = field("config")
        .and_then(|c| c.get("target").cloned())
        .or_else(|| field("targets"))
        .and_then(|v| serde_json::from_value::<Vec<TargetDescription>>(v).ok())
        .unwrap_or_default();
    for t in &mut r.targets {
        t.description = t.description.trim().to_string();
    }
    if let Some(a) = field("aggregate")
        .and_then(|v| serde_json::from_value::<Option<AggregateSettings>>(v).ok())
        .flatten()
    {
        min_relevance = a.min_relevance;
        r.resamples = a.params.bootstrap_resamples;
        r.seed = a.params.seed;
    }
    if r.targets.is_empty() {
        r.missing
            .push("the targets' descriptions (run.json of a run from this version)".into());
    }
    if has_table(out_dir, "speakers") {
        r.speakers = read_rows::<SpeakerRow>(&out_dir.join("speakers.csv"))?;
    }
    if has_table(out_dir, "articles") {
        each_row(&out_dir.join("articles.csv"), |a: ArticleLine| {
            let info = ArticleInfo {
                outlet: a.outlet,
                day: super::parse_date(&a.published),
                title: a.title,
            };
            r.articles.insert(a.article_id, info);
        })?;
    } else {
        r.missing
            .push("articles.csv (dates for the stance over time)".into());
    }
    if has_table(out_dir, "article_stance") {
        r.scores = load_scores(out_dir)?;
    } else {
        r.missing
            .push("article_stance.csv (the stance over time)".into());
    }
    if has_table(out_dir, "stance") && has_table(out_dir, "quotes") {
        load_quotes(out_dir, &mut r, min_relevance)?;
    } else if !r.speakers.is_empty() {
        r.missing
            .push("stance.csv or quotes.csv (the speakers' quotes)".into());
    }
    Ok(r)
}

/// The columns of `article_stance.csv` the page reads (the others may be anything).
#[derive(Deserialize)]
struct ArticleStanceLine {
    article_id: String,
    outlet: String,
    target: String,
    stance: String,
    score: Option<f32>,
}

/// The relevant article scores of `article_stance.csv`.
fn load_scores(out_dir: &Path) -> Result<Vec<ArticleScore>> {
    let mut scores = Vec::new();
    each_row(
        &out_dir.join("article_stance.csv"),
        |a: ArticleStanceLine| {
            let relevant = matches!(
                crate::aggregate::parse_label(&a.stance),
                Some(StanceLabel::Favor | StanceLabel::Against | StanceLabel::Neutral)
            );
            if let Some(s) = a.score.filter(|s| relevant && s.is_finite()) {
                scores.push(ArticleScore {
                    article_id: a.article_id,
                    outlet: a.outlet,
                    target: a.target,
                    score: f64::from(s),
                });
            }
        },
    )?;
    Ok(scores)
}

/// The speakers the page lists, as (target, outlet, speaker): each outlet's top speakers per
/// target (`speakers::top_of_outlet`).
fn listed_speakers(speakers: &[SpeakerRow]) -> HashSet<(String, String, String)> {
    let mut groups: HashMap<(&str, &str), Vec<&SpeakerRow>> = HashMap::new();
    for s in speakers {
        groups.entry((&s.target, &s.outlet)).or_default().push(s);
    }
    groups
        .into_values()
        .flat_map(|rows| super::speakers::top_of_outlet(rows.into_iter()))
        .map(|s| {
            (
                s.target.clone(),
                s.outlet.clone(),
                s.speaker_canonical.clone(),
            )
        })
        .collect()
}

/// The relevant quote units of the listed speakers (as `speakers.csv` counts them: a resolved
/// speaker, relevance at least `min_relevance`), with their text from quotes.csv.
fn load_quotes(out_dir: &Path, r: &mut Report, min_relevance: f32) -> Result<()> {
    let listed = listed_speakers(&r.speakers);
    let outlet_of: HashMap<&str, &str> = r
        .articles
        .iter()
        .map(|(id, a)| (id.as_str(), a.outlet.as_str()))
        .collect();
    let mut quotes: Vec<QuoteLine> = Vec::new();
    let counts = &mut r.quote_counts;
    each_row(&out_dir.join("stance.csv"), |u: StanceLine| {
        let Some(speaker) = u.speaker_canonical.as_deref().map(str::trim) else {
            return;
        };
        let stance = crate::aggregate::parse_label(&u.stance).unwrap_or(StanceLabel::NotRelevant);
        let (Some(rel), Some(pf), Some(pa)) = (u.relevance, u.p_favor, u.p_against) else {
            return;
        };
        let relevant = u.unit == "quote"
            && !speaker.is_empty()
            && stance != StanceLabel::NotRelevant
            && rel.is_finite()
            && rel > 0.0
            && rel >= min_relevance
            && pf.is_finite()
            && pa.is_finite();
        let Some(outlet) = outlet_of.get(u.article_id.as_str()) else {
            return;
        };
        if !relevant {
            return;
        }
        let key = (u.target.clone(), outlet.to_string(), speaker.to_string());
        if !listed.contains(&key) {
            return;
        }
        let n = counts.entry(key).or_default();
        *n += 1;
        if *n <= QUOTES_PER_SPEAKER {
            quotes.push(QuoteLine {
                article_id: u.article_id,
                quote_id: u.unit_id,
                outlet: outlet.to_string(),
                speaker: speaker.to_string(),
                target: u.target,
                stance,
                score: f64::from(pf - pa),
                text: String::new(),
            });
        }
    })?;
    let mut wanted: HashMap<(String, usize), Vec<usize>> = HashMap::new();
    for (i, q) in quotes.iter().enumerate() {
        wanted
            .entry((q.article_id.clone(), q.quote_id))
            .or_default()
            .push(i);
    }
    each_row(&out_dir.join("quotes.csv"), |q: QuoteText| {
        if let Some(ix) = wanted.get(&(q.article_id, q.quote_id)) {
            for &i in ix {
                quotes[i].text.clone_from(&q.text);
            }
        }
    })?;
    r.quotes = quotes;
    Ok(())
}
