//! Article-level stance on PerSenT through the ordinary pipeline path: each article is cleaned,
//! segmented, its quotes found, and its units classified toward one target, the article's main
//! person (the person's name as description and as `require_any`, no hand-written terms — what a
//! user writes for a person target). Used by `eval article-stance` (scores) and by
//! `train article-stance` (features to fit the learned article model on).
//!
//! The split: PerSenT articles are cut in two halves by a stable hash of their DOCUMENT_INDEX
//! (`shard_of(id, 2)`): half 0 fits the article model, half 1 measures it. The unit model is
//! trained on the other file (dev.csv), so neither half was seen by it.
use crate::aggregate::article::{evidence, ArticleModel, Features};
use crate::aggregate::{self, article_stance_with};
use crate::component::Component;
use crate::corpus::Article;
use crate::doc::Analysis;
use crate::doc::StanceLabel;
use crate::eval::stance::{score, StanceReport};
use crate::pipeline::Pipeline;
use crate::stance::component::StanceStage;
use crate::stance::config::StanceConfig;
use crate::stance::data::sets::{read_persent_articles, PersentArticle};
use crate::stance::model::{StanceModel, StanceModelConfig};
use crate::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The half of PerSenT an article belongs to (0 fits, 1 measures).
pub fn half(a: &PersentArticle) -> u64 {
    crate::pipeline::run::shard_of(&format!("persent{}", a.id), 2)
}

/// A person target as a user would write it.
pub fn person_config(name: &str) -> Result<StanceConfig> {
    let q = name.replace(['\\', '"'], " ");
    let toml =
        format!("[[target]]\nname = \"person\"\ndescription = \"{q}\"\nrequire_any = [\"{q}\"]\n");
    StanceConfig::from_toml_str(&toml, Path::new("(PerSenT person target)"))
}

/// One PerSenT article after the pipeline: its units toward its person.
pub struct Scored {
    pub article: PersentArticle,
    pub analysis: Analysis,
    pub features: Option<Features>,
}

/// Runs the articles through text, quotes and the stance stage (one person target each).
pub fn analyse(
    articles: Vec<PersentArticle>,
    text: &Pipeline,
    stage: &mut StanceStage,
) -> Result<Vec<Scored>> {
    let mut out = Vec::with_capacity(articles.len());
    let mut times = BTreeMap::new();
    for chunk in articles.chunks(32) {
        let inputs: Vec<Article> = chunk
            .iter()
            .enumerate()
            .map(|(i, a)| Article {
                index: i as u64,
                id: a.id.clone(),
                title: a.title.clone(),
                // the headline is the first paragraph, as in a scraped text file
                text: format!("{}\n\n{}", a.title.trim(), a.text.replace('\n', "\n\n")),
                ..Default::default()
            })
            .collect();
        let mut analyses = text.annotate(inputs, &mut times);
        for (a, analysis) in chunk.iter().zip(analyses.iter_mut()) {
            stage.config = person_config(&a.target)?;
            stage.process(std::slice::from_mut(analysis))?;
        }
        for (a, analysis) in chunk.iter().zip(analyses) {
            let units: Vec<_> = analysis.stance.iter().collect();
            let features = evidence(&units, stage.config.min_relevance).map(|e| e.features);
            out.push(Scored {
                article: a.clone(),
                analysis,
                features,
            });
        }
    }
    Ok(out)
}

/// Scores of one way of deciding the article label.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleReport {
    pub method: String,
    pub stance: StanceReport,
    /// Spearman correlation of the article score (p_favor − p_against) with gold (+1/0/−1)
    pub spearman: f64,
    /// articles with no relevant unit (scored as neutral, score 0)
    pub not_relevant: usize,
}

/// Label index (0 favor, 1 against, 2 neutral) and score of each article under `model`.
fn decide(s: &Scored, stage: &StanceStage, model: Option<&ArticleModel>) -> (usize, f64) {
    let cfg = &stage.config;
    let a = article_stance_with(
        "person",
        &s.analysis.stance,
        cfg.min_relevance,
        &cfg.aggregate,
        model,
    );
    let label = match a.stance {
        StanceLabel::Favor => 0,
        StanceLabel::Against => 1,
        _ => 2,
    };
    let sc = if a.stance == StanceLabel::NotRelevant {
        0.0
    } else {
        f64::from(aggregate::score(&a.probs))
    };
    (label, sc)
}

pub fn report(
    scored: &[&Scored],
    stage: &StanceStage,
    model: Option<&ArticleModel>,
    method: &str,
) -> ArticleReport {
    let gold: Vec<usize> = scored.iter().map(|s| s.article.label).collect();
    let decided: Vec<(usize, f64)> = scored.iter().map(|s| decide(s, stage, model)).collect();
    let pred: Vec<usize> = decided.iter().map(|d| d.0).collect();
    let gold_value: Vec<f64> = gold.iter().map(|&g| [1.0, -1.0, 0.0][g.min(2)]).collect();
    let scores: Vec<f64> = decided.iter().map(|d| d.1).collect();
    ArticleReport {
        method: method.to_string(),
        stance: score(&gold, &pred),
        spearman: spearman(&scores, &gold_value),
        not_relevant: scored.iter().filter(|s| s.features.is_none()).count(),
    }
}

/// Average ranks (ties share the mean rank).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson of the average ranks); 0 when undefined.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va <= 0.0 || vb <= 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

impl std::fmt::Display for ArticleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.stance;
        let pct = |x: usize| 100.0 * x as f64 / s.n.max(1) as f64;
        write!(
            f,
            "{:<22} macro-F1 {:>5.1}  acc {:>5.1}  Spearman {:>5.2}  n {:>4}  predicted/gold %: favor {:.0}/{:.0} against {:.0}/{:.0} neutral {:.0}/{:.0}  (no relevant unit: {})",
            self.method,
            100.0 * s.macro_f1,
            100.0 * s.accuracy,
            self.spearman,
            s.n,
            pct(s.favor.predicted),
            pct(s.favor.support),
            pct(s.against.predicted),
            pct(s.against.support),
            pct(s.neutral.predicted),
            pct(s.neutral.support),
            self.not_relevant
        )
    }
}

/// Loads the stance stage and the text, NER and rule-based quotes pipeline the run path uses.
fn stages(config: StanceModelConfig) -> Result<(Pipeline, StanceStage)> {
    let article_model = ArticleModel::load(&config.model_dir)?;
    let bf16 = config.bf16;
    let model = StanceModel::new(config)?;
    let stage = StanceStage::new(
        model,
        person_config("Nobody")?,
        article_model,
        crate::stance::component::CACHE_ENTRIES,
    );
    // NER as in a run: the stance stage reads entities (a pronoun after a relevant sentence
    // counts unless its sentence names another person), the quotes their speakers
    let ner = crate::ner::NerModel::new(crate::ner::NerConfig {
        bf16,
        ..Default::default()
    })?;
    let quotes = crate::quotes::QuoteExtractor::new(crate::quotes::QuotesConfig::default())?;
    let text = Pipeline {
        text: crate::text::TextConfig { clean: true },
        components: vec![Box::new(ner), Box::new(quotes)],
    };
    Ok((text, stage))
}

/// `eval article-stance`: the margin rule and (when the folder has one) the learned model, on
/// the measuring half of `persent` (or all of it), from one pass of the unit model.
pub fn evaluate(
    persent: &Path,
    config: StanceModelConfig,
    all_articles: bool,
    limit: Option<usize>,
) -> Result<Vec<ArticleReport>> {
    let mut articles = read_persent_articles(persent)?;
    if !all_articles {
        articles.retain(|a| half(a) == 1);
    }
    if let Some(n) = limit {
        articles.truncate(n);
    }
    let (text, mut stage) = stages(config)?;
    let scored = analyse(articles, &text, &mut stage)?;
    let refs: Vec<&Scored> = scored.iter().collect();
    let mut out = vec![report(&refs, &stage, None, "margin rule")];
    if let Some(m) = &stage.article_model {
        out.push(report(&refs, &stage, Some(m), "learned article model"));
    }
    Ok(out)
}

/// Model weights `train article-stance` also scores on the measuring half.
const MODEL_WEIGHTS: [f32; 5] = [1.0, 0.75, 0.5, 0.25, 0.0];

/// `train article-stance`: fits on half 0, reports both halves, writes `article_model.json`.
pub fn fit(
    persent: &Path,
    config: StanceModelConfig,
    l2: f32,
    class_power: f32,
    model_weight: f32,
) -> Result<Vec<ArticleReport>> {
    let dir = config.model_dir.clone();
    let articles = read_persent_articles(persent)?;
    let (text, mut stage) = stages(config)?;
    let scored = analyse(articles, &text, &mut stage)?;
    let (fit_half, measure): (Vec<&Scored>, Vec<&Scored>) =
        scored.iter().partition(|s| half(&s.article) == 0);
    let (x, y): (Vec<Features>, Vec<usize>) = fit_half
        .iter()
        .filter_map(|s| Some((s.features?, s.article.label)))
        .unzip();
    if x.len() < 30 {
        return Err(crate::Error::Usage(format!(
            "{}: only {} articles with a relevant unit to fit on",
            persent.display(),
            x.len()
        )));
    }
    let mut model = ArticleModel::fit(&x, &y, l2, class_power);
    model.model_weight = model_weight;
    let mut reports = vec![
        report(&measure, &stage, None, "margin rule (measure)"),
        report(&measure, &stage, Some(&model), "learned (measure)"),
        report(&fit_half, &stage, Some(&model), "learned (fit half)"),
    ];
    // how the mix with the units' mean moves the measuring half (the same regression)
    for w in MODEL_WEIGHTS {
        let m = ArticleModel {
            model_weight: w,
            ..model.clone()
        };
        let name = format!("model weight {w:.2} (measure)");
        reports.push(report(&measure, &stage, Some(&m), &name));
    }
    model.provenance = serde_json::json!({
        "data": persent.display().to_string(),
        "fit": "half 0 of the articles by shard_of(\"persent\" + DOCUMENT_INDEX, 2)",
        "fit_articles": x.len(),
        "l2": l2,
        "class_power": class_power,
        "model_weight": model_weight,
        "reports": &reports,
    });
    crate::output::write_atomic(
        &dir.join(crate::aggregate::article::FILE_NAME),
        serde_json::to_string_pretty(&model)?.as_bytes(),
    )?;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_basics() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[0.0, 1.0]), 0.0);
    }

    #[test]
    fn person_target_matches_surname() {
        let c = person_config("Donald Trump").unwrap();
        assert!(c.in_scope(0, "Donald Trump came. Trump said so."));
        // an article that names him by surname alone is in scope too
        assert!(c.in_scope(0, "President Trump said so."));
        assert!(!c.in_scope(0, "Nobody said so."));
        assert!(c.unit_relevance(0, "Trump said so.", true) > 0.9);
        assert_eq!(c.unit_relevance(0, "Nobody said so.", true), 0.0);
    }
}
