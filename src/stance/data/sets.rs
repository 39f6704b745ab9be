//! Readers of the stance sets added in the second round, each mapped to favor / against / neutral:
//!
//! | set | file | target | text | favor / against / neutral | dev part |
//! |---|---|---|---|---|---|
//! | PerSenT | CSV, one article a row | `TARGET_ENTITY` | each paragraph (its `ParagraphN` label) and the title + lede (the document label) | Positive / Negative / Neutral | random, by article |
//! | P-Stance | CSV `Tweet Target Stance` | Target (a candidate) | Tweet | FAVOR / AGAINST / NONE | `raw_val_*` files |
//! | COVID-19-Stance | CSV `Tweet Target Stance …` | Target (`face_masks` → "face masks", `fauci` → "Anthony Fauci") | Tweet | FAVOR / AGAINST / NONE | `*_val` files |
//! | IBM ArgQ-30k | CSV `Tweet, Target 1, Stance 1, set` | the debate topic | the argument | FAVOR / AGAINST (no neutral) | `set = dev` |
//! | GWSD | TSV, 8 crowd votes + model probabilities | "climate change is a serious concern" | the news sentence | agrees / disagrees / neutral (top probability, else majority vote) | `in_held_out_test` |
//! | IBM claim stance | IBM's CSV | `topicText` | `claims.claimCorrectedText` | PRO / CON (no neutral) | `split = test` |
//! | SICK (NLI) | TSV | sentence B (the hypothesis, read as a claim) | sentence A | ENTAILMENT / CONTRADICTION / NEUTRAL | `SemEval_set` TRIAL, TEST |
//!
//! A malformed row (unknown label, missing text) is counted and skipped, not fatal: the count is
//! printed once per file, so a damaged copy of a 20,000-row set still trains.
use super::DataFormat;
use super::{data_err, field, read_csv, StanceExample, AGAINST, FAVOR, NEUTRAL};
use crate::Result;
use std::path::Path;

/// The target whose stance GWSD annotates.
pub const GWSD_TARGET: &str = "climate change is a serious concern";

/// Reports skipped rows of one file on stderr.
fn report_skipped(path: &Path, skipped: usize, first: Option<String>) {
    if skipped > 0 {
        eprintln!(
            "stance data: {}: {skipped} malformed row(s) skipped (first: {})",
            path.display(),
            first.unwrap_or_default()
        );
    }
}

fn label_word(s: &str) -> Option<usize> {
    match s.trim().to_ascii_lowercase().as_str() {
        "favor" | "favour" | "pro" | "positive" | "pos" | "agree" | "agrees" | "entailment" => {
            Some(FAVOR)
        }
        "against" | "con" | "negative" | "neg" | "disagree" | "disagrees" | "contradiction" => {
            Some(AGAINST)
        }
        "none" | "neutral" | "neu" | "discuss" => Some(NEUTRAL),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// PerSenT

/// Title and lede of a PerSenT document, the text of its document-level example (the model
/// reads at most ~128 word pieces, so the rest would be cut anyway).
const PERSENT_LEDE_CHARS: usize = 600;

pub fn parse_persent(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let t = read_csv(text, path)?;
    let id_c = t.col(&["DOCUMENT_INDEX"], path)?;
    let title_c = t.col(&["TITLE"], path)?;
    let target_c = t.col(&["TARGET_ENTITY"], path)?;
    let doc_c = t.col(&["DOCUMENT"], path)?;
    let label_c = t.col(&["TRUE_SENTIMENT"], path)?;
    let para_cs: Vec<usize> = (0..16)
        .filter_map(|i| t.col(&[&format!("Paragraph{i}")], path).ok())
        .collect();
    let (mut out, mut skipped, mut first) = (Vec::new(), 0, None);
    for (line, rec) in &t.rows {
        let target = field(rec, target_c);
        let doc = rec.get(doc_c).unwrap_or_default();
        let Some(doc_label) = label_word(field(rec, label_c)) else {
            skipped += 1;
            first.get_or_insert(format!("line {line}: sentiment {:?}", field(rec, label_c)));
            continue;
        };
        if target.is_empty() || doc.trim().is_empty() {
            skipped += 1;
            first.get_or_insert(format!("line {line}: no target or document"));
            continue;
        }
        let group = Some(format!("doc{}", field(rec, id_c)));
        let paragraphs: Vec<&str> = doc.split('\n').collect();
        let labels: Vec<&str> = para_cs
            .iter()
            .map(|&c| field(rec, c))
            .filter(|l| !l.is_empty())
            .collect();
        // Paragraph labels count only when they line up with the paragraphs (they do not in
        // about 8 % of the articles; those keep their document label only).
        if labels.len() == paragraphs.len() {
            for (p, l) in paragraphs.iter().zip(&labels) {
                if let (Some(label), false) = (label_word(l), p.trim().is_empty()) {
                    let mut e = StanceExample::new("persent", target, p, label);
                    e.group = group.clone();
                    e.context = field(rec, title_c).trim().to_string();
                    out.push(e);
                }
            }
        }
        let mut lede = format!("{}. {}", field(rec, title_c), doc.replace('\n', " "));
        if let Some((cut, _)) = lede.char_indices().nth(PERSENT_LEDE_CHARS) {
            lede.truncate(cut);
        }
        let mut e = StanceExample::new("persent", target, &lede, doc_label);
        e.group = group;
        out.push(e);
    }
    report_skipped(path, skipped, first);
    Ok(out)
}

/// One PerSenT article: what `eval article-stance` runs through the pipeline.
#[derive(Clone, Debug)]
pub struct PersentArticle {
    pub id: String,
    pub title: String,
    pub target: String,
    pub text: String,
    /// 0 favor (Positive), 1 against (Negative), 2 neutral
    pub label: usize,
}

pub fn read_persent_articles(path: &Path) -> Result<Vec<PersentArticle>> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let t = read_csv(&text, path)?;
    let id_c = t.col(&["DOCUMENT_INDEX"], path)?;
    let title_c = t.col(&["TITLE"], path)?;
    let target_c = t.col(&["TARGET_ENTITY"], path)?;
    let doc_c = t.col(&["DOCUMENT"], path)?;
    let label_c = t.col(&["TRUE_SENTIMENT"], path)?;
    let mut out = Vec::new();
    for (_, rec) in &t.rows {
        let (Some(label), target) = (label_word(field(rec, label_c)), field(rec, target_c)) else {
            continue;
        };
        if target.is_empty() {
            continue;
        }
        out.push(PersentArticle {
            id: field(rec, id_c).to_string(),
            title: field(rec, title_c).to_string(),
            target: target.to_string(),
            text: rec.get(doc_c).unwrap_or_default().to_string(),
            label,
        });
    }
    if out.is_empty() {
        return Err(data_err(path, "no PerSenT articles with a label"));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Tweet-style CSVs: P-Stance, COVID-19-Stance, ArgQ

/// COVID-19-Stance's target ids as the words a model can read.
fn covid_target(t: &str) -> String {
    match t {
        "fauci" => "Anthony Fauci".to_string(),
        "face_masks" => "wearing face masks".to_string(),
        "school_closures" => "school closures".to_string(),
        "stay_at_home_orders" => "stay at home orders".to_string(),
        other => other.replace('_', " "),
    }
}

pub fn parse_target_csv(text: &str, path: &Path, format: DataFormat) -> Result<Vec<StanceExample>> {
    let t = read_csv(text, path)?;
    let text_c = t.col(&["Tweet", "argument", "text"], path)?;
    let target_c = t.col(&["Target", "Target 1", "topic"], path)?;
    let stance_c = t.col(&["Stance", "Stance 1", "label"], path)?;
    let set_c = t.col(&["set", "split"], path).ok();
    let (mut out, mut skipped, mut first) = (Vec::new(), 0, None);
    for (line, rec) in &t.rows {
        let (target, body) = (field(rec, target_c), field(rec, text_c));
        let Some(label) = label_word(field(rec, stance_c)) else {
            skipped += 1;
            first.get_or_insert(format!("line {line}: stance {:?}", field(rec, stance_c)));
            continue;
        };
        if target.is_empty() || body.is_empty() {
            skipped += 1;
            first.get_or_insert(format!("line {line}: empty target or text"));
            continue;
        }
        let target = match format {
            DataFormat::Covid19 => covid_target(target),
            _ => target.to_string(),
        };
        let mut e = StanceExample::new(format.name(), &target, body, label);
        if let Some(c) = set_c {
            e.dev = Some(!field(rec, c).eq_ignore_ascii_case("train"));
        }
        out.push(e);
    }
    report_skipped(path, skipped, first);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// GWSD

pub fn parse_gwsd(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .quoting(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| data_err(path, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let sent_c = col("sentence").ok_or_else(|| data_err(path, "no `sentence` column"))?;
    let probs_c = [col("agree"), col("disagree"), col("neutral")];
    let workers: Vec<usize> = (0..8).filter_map(|i| col(&format!("worker_{i}"))).collect();
    let test_c = col("in_held_out_test");
    let (mut out, mut skipped, mut first) = (Vec::new(), 0, None);
    for (i, rec) in r.records().enumerate() {
        let Ok(rec) = rec else {
            skipped += 1;
            continue;
        };
        let sentence = field(&rec, sent_c);
        // The authors' label probabilities where given, else the crowd's majority vote.
        let probs: Vec<f64> = probs_c
            .iter()
            .filter_map(|c| c.and_then(|c| field(&rec, c).parse::<f64>().ok()))
            .collect();
        let label = if probs.len() == 3 {
            let best = (0..3).max_by(|&a, &b| probs[a].total_cmp(&probs[b]));
            best.map(|b| [FAVOR, AGAINST, NEUTRAL][b])
        } else {
            let mut votes = [0usize; 3];
            for &w in &workers {
                if let Some(l) = label_word(field(&rec, w)) {
                    votes[l] += 1;
                }
            }
            let max = *votes.iter().max().unwrap_or(&0);
            // a tie or no vote is not a label
            (max > 0 && votes.iter().filter(|&&v| v == max).count() == 1)
                .then(|| votes.iter().position(|&v| v == max))
                .flatten()
        };
        let (Some(label), false) = (label, sentence.is_empty()) else {
            skipped += 1;
            first.get_or_insert(format!("row {}: no label or no sentence", i + 2));
            continue;
        };
        let mut e = StanceExample::new("gwsd", GWSD_TARGET, sentence, label);
        e.dev = test_c.map(|c| field(&rec, c).eq_ignore_ascii_case("true"));
        out.push(e);
    }
    report_skipped(path, skipped, first);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// IBM claim stance

pub fn parse_ibm_claim(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let t = read_csv(text, path)?;
    let topic_c = t.col(&["topicText"], path)?;
    let claim_c = t.col(
        &["claims.claimCorrectedText", "claims.claimOriginalText"],
        path,
    )?;
    let stance_c = t.col(&["claims.stance"], path)?;
    let split_c = t.col(&["split"], path).ok();
    let (mut out, mut skipped, mut first) = (Vec::new(), 0, None);
    for (line, rec) in &t.rows {
        let Some(label) = label_word(field(rec, stance_c)) else {
            skipped += 1;
            first.get_or_insert(format!("line {line}: stance {:?}", field(rec, stance_c)));
            continue;
        };
        let mut e =
            StanceExample::new("ibm_claim", field(rec, topic_c), field(rec, claim_c), label);
        if e.text.is_empty() || e.target.is_empty() {
            skipped += 1;
            continue;
        }
        e.dev = split_c.map(|c| !field(rec, c).eq_ignore_ascii_case("train"));
        out.push(e);
    }
    report_skipped(path, skipped, first);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// SICK

pub fn parse_sick(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| data_err(path, "empty file"))?
        .split('\t')
        .map(str::trim)
        .collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .ok_or_else(|| data_err(path, format!("no {n:?} column")))
    };
    let (a_c, b_c, l_c) = (
        col("sentence_A")?,
        col("sentence_B")?,
        col("entailment_label")?,
    );
    let set_c = col("SemEval_set").ok();
    let (mut out, mut skipped) = (Vec::new(), 0);
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |c: usize| f.get(c).copied().unwrap_or_default();
        let Some(label) = label_word(get(l_c)) else {
            skipped += 1;
            continue;
        };
        // premise = the text, hypothesis = the claim it supports or contradicts
        let mut e = StanceExample::new("sick", get(b_c), get(a_c), label);
        e.dev = set_c.map(|c| !get(c).eq_ignore_ascii_case("TRAIN"));
        out.push(e);
    }
    report_skipped(path, skipped, None);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persent_paragraphs_and_document() {
        let csv = "DOCUMENT_INDEX,TITLE,TARGET_ENTITY,DOCUMENT,MASKED_DOCUMENT,TRUE_SENTIMENT,Paragraph0,Paragraph1\n\
                   7,A title,Jane Roe,\"Jane Roe won.\nCritics hate Roe.\",x,Positive,Positive,Negative\n\
                   8,T,Bob,\"One.\nTwo.\nThree.\",x,Neutral,Neutral,Neutral\n\
                   9,T,Bob,text,x,Bogus,,\n";
        let ex = parse_persent(csv, Path::new("p.csv")).unwrap();
        // doc 7: two paragraphs + document; doc 8: misaligned → document only; doc 9 skipped
        assert_eq!(ex.len(), 4);
        assert_eq!(ex[0].label, FAVOR);
        assert_eq!(ex[1].label, AGAINST);
        assert!(ex[2].text.starts_with("A title. Jane Roe won."));
        assert_eq!(ex[0].group, ex[2].group);
        assert_ne!(ex[2].group, ex[3].group);
    }

    #[test]
    fn tweet_csv_covid_and_argq() {
        let csv = "Tweet,Target,Stance\nMasks work,face_masks,FAVOR\nbad,face_masks,??\n";
        let ex = parse_target_csv(csv, Path::new("c.csv"), DataFormat::Covid19).unwrap();
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].target, "wearing face masks");
        let csv =
            "Tweet,Target 1,Stance 1,set\nx,We should y,AGAINST,dev\nz,We should y,FAVOR,train\n";
        let ex = parse_target_csv(csv, Path::new("a.csv"), DataFormat::Argq).unwrap();
        assert_eq!((ex[0].dev, ex[1].dev), (Some(true), Some(false)));
    }

    #[test]
    fn gwsd_probabilities_then_votes() {
        let tsv = "\tsentence\tworker_0\tworker_1\tworker_2\tdisagree\tagree\tneutral\tin_held_out_test\n\
                   0\tIt is a hoax.\tdisagrees\tdisagrees\tneutral\t\t\t\tFalse\n\
                   1\tSeas rise.\tneutral\tagrees\tagrees\t0.1\t0.2\t0.7\tTrue\n\
                   2\tTie.\tagrees\tdisagrees\t\t\t\t\tFalse\n";
        let ex = parse_gwsd(tsv, Path::new("g.tsv")).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].label, AGAINST);
        assert_eq!((ex[1].label, ex[1].dev), (NEUTRAL, Some(true)));
    }

    #[test]
    fn sick_as_claims() {
        let tsv = "pair_ID\tsentence_A\tsentence_B\tentailment_label\tSemEval_set\n\
                   1\tA man runs\tA person moves\tENTAILMENT\tTRAIN\n\
                   2\tA man runs\tNobody moves\tCONTRADICTION\tTEST\n";
        let ex = parse_sick(tsv, Path::new("s.txt")).unwrap();
        assert_eq!(
            (ex[0].label, ex[0].target.as_str()),
            (FAVOR, "A person moves")
        );
        assert_eq!((ex[1].label, ex[1].dev), (AGAINST, Some(true)));
    }
}
