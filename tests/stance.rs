//! Stance: targets config, relevance, aggregation, dataset loaders, scores (the HTML report:
//! tests/report.rs).
//! Nothing here needs a model or /work/shared; tests that read the shared data skip without it.
use newsmine::eval::stance::score;
use newsmine::output::read_rows;
use newsmine::stance::aggregate::{
    article_stance, bootstrap_ci, outlet_stance, speaker_stance, AggregateParams, ArticleStanceRow,
    OutletRow, QuoteStanceRow,
};
use newsmine::stance::config::StanceConfig;
use newsmine::stance::data::{self, DataFormat, StanceExample};
use newsmine::stance::{Probs, StanceLabel, UnitKind, UnitStance};
use newsmine::text::Span;
use newsmine::Error;
use std::path::{Path, PathBuf};

/// Writes rows as a CSV table with a header (as the pipeline's tables are).
fn write_rows<T: serde::Serialize>(path: &Path, rows: &[T]) -> newsmine::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| newsmine::Error::Other(e.to_string()))?;
    for row in rows {
        w.serialize(row)
            .map_err(|e| newsmine::Error::Other(e.to_string()))?;
    }
    w.flush().map_err(|e| newsmine::Error::io(path, e))
}

// ---------------------------------------------------------------------------------------------
// Config

fn parse(toml: &str) -> newsmine::Result<StanceConfig> {
    StanceConfig::from_toml_str(toml, Path::new("my-targets.toml"))
}

fn config_error(toml: &str) -> String {
    match parse(toml) {
        Err(e @ Error::Config { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("my-targets.toml"),
                "error names the file: {msg}"
            );
            assert_eq!(e.exit_code(), 2);
            msg
        }
        Err(e) => panic!("expected a config error, got {e}"),
        Ok(_) => panic!("expected an error for:\n{toml}"),
    }
}

const ONE_TARGET: &str = r#"
min_relevance = 0.3
[[target]]
name = "peace"
description = "the peace process"
require_any = ["Armenia", "Azerbaijan"]
[target.terms]
"peace treaty" = 0.9
"Armenia" = 0.2
"Azerbaijan" = 0.2
"#;

#[test]
fn config_parses_targets_units_and_defaults() {
    let c = parse(ONE_TARGET).unwrap();
    assert_eq!(c.targets.len(), 1);
    assert_eq!(c.targets[0].name, "peace");
    assert_eq!(c.targets[0].description, "the peace process");
    assert_eq!(c.min_relevance, 0.3);
    assert!(c.units.enabled(UnitKind::Quote) && c.units.enabled(UnitKind::Sentence));
    assert!(!c.units.enabled(UnitKind::Paragraph));
    assert_eq!(c.aggregate, AggregateParams::default());
    assert_eq!(c.target_index("peace"), Some(0));

    // `[units]` is a top-level table wherever it stands
    let c = parse(&format!(
        "{ONE_TARGET}\n[units]\nparagraph = true\nquote = false\n"
    ))
    .unwrap();
    assert!(c.units.paragraph && !c.units.quote && c.units.sentence);
}

#[test]
fn bundled_targets_file_is_the_default() {
    let c = StanceConfig::default();
    let from_file =
        StanceConfig::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/targets.toml"))
            .unwrap();
    assert_eq!(c.targets.len(), from_file.targets.len());
    let t = &c.targets[0];
    assert_eq!(t.name, "peace_process");
    assert!(t.description.contains("Azerbaijan"));
    assert!(c.min_relevance > 0.0 && c.min_relevance < 1.0);
}

#[test]
fn config_errors_are_clear() {
    let e = config_error("[[target]]\nname = \"a\"\ndescription = \"d\"\ncolour = 1\n");
    assert!(e.contains("colour"), "{e}");
    let e = config_error("min_relevence = 0.3\n[[target]]\nname = \"a\"\ndescription = \"d\"\n");
    assert!(e.contains("min_relevence"), "{e}");
    let e = config_error("min_relevance = 0.3\n");
    assert!(e.contains("no targets"), "{e}");
    let e = config_error("[[target]]\nname = \"a\"\ndescription = \"d\"\n[[target]]\nname = \"A\"\ndescription = \"e\"\n");
    assert!(e.contains("duplicate"), "{e}");
    let e = config_error("[[target]]\nname = \"a\"\n");
    assert!(e.contains("description"), "{e}");
    let e = config_error("[[target]]\nname = \"a\"\ndescription = \"  \"\n");
    assert!(e.contains("description is empty"), "{e}");
    let e = config_error("min_relevance = 1.5\n[[target]]\nname = \"a\"\ndescription = \"d\"\n");
    assert!(e.contains("min_relevance"), "{e}");
    let e =
        config_error("min_relevance = \"high\"\n[[target]]\nname = \"a\"\ndescription = \"d\"\n");
    assert!(
        e.contains("min_relevance") || e.contains("invalid type"),
        "{e}"
    );
    let e = config_error(
        "[[target]]\nname = \"a\"\ndescription = \"d\"\n[target.terms]\n\"peace\" = 1.2\n",
    );
    assert!(e.contains("peace") && e.contains("weight"), "{e}");
    let e = config_error("[[target]]\nname = \"a\"\ndescription = \"d\"\n[target.terms]\n\"Peace\" = 0.2\n\"peace\" = 0.3\n");
    assert!(e.contains("twice"), "{e}");
    let e = config_error("[[target]]\nname = \"a b\"\ndescription = \"d\"\n");
    assert!(e.contains("name"), "{e}");
    let e = config_error(
        "[[target]]\nname = \"a\"\ndescription = \"d\"\n[target.terms]\n\"--\" = 0.3\n",
    );
    assert!(e.contains("no letters"), "{e}");
    let e =
        config_error("[aggregate]\nmargin = -1\n[[target]]\nname = \"a\"\ndescription = \"d\"\n");
    assert!(e.contains("margin"), "{e}");
    let e = config_error("this is not toml");
    assert!(!e.is_empty());
}

#[test]
fn load_reports_missing_file() {
    let e = StanceConfig::load(Path::new("/nonexistent/targets.toml")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
}

#[test]
fn relevance_formula() {
    let c = parse(ONE_TARGET).unwrap();
    // noisy-or: 1 − (1 − 0.9)
    let r = c.relevance(0, "Armenia: the peace treaty is near.");
    assert!((r - (1.0 - 0.1 * 0.8)).abs() < 1e-6, "{r}");
    assert!((c.relevance(0, "Armenia held elections.") - 0.2).abs() < 1e-6);
    let both = c.relevance(0, "Armenia and Azerbaijan met.");
    assert!((both - 0.36).abs() < 1e-6, "{both}");
    // repeats do not add up
    assert!((c.relevance(0, "Armenia, Armenia, Armenia's") - 0.2).abs() < 1e-6);
    // out of scope: a peace treaty elsewhere
    assert_eq!(c.relevance(0, "The Ukraine peace treaty was signed."), 0.0);
    // in scope via the article, not the sentence
    assert!(c.in_scope(0, "Armenia and Azerbaijan. The peace treaty was initialed."));
    assert!((c.unit_relevance(0, "The peace treaty was initialed.", true) - 0.9).abs() < 1e-6);
    assert_eq!(
        c.unit_relevance(0, "The peace treaty was initialed.", false),
        0.0
    );
    // bad index
    assert_eq!(c.relevance(7, "peace treaty Armenia"), 0.0);
    assert_eq!(c.relevance(0, ""), 0.0);
}

#[test]
fn bundled_relevance_prefers_the_treaty_over_the_country() {
    let c = StanceConfig::default();
    let country = c.relevance(0, "Armenia is a country in the South Caucasus.");
    let treaty = c.relevance(
        0,
        "Armenia and Azerbaijan initialed the peace treaty in Washington.",
    );
    let links = c.relevance(
        0,
        "Baku says reopening transport links through Armenia depends on the TRIPP route.",
    );
    assert!(country < c.min_relevance, "country alone {country}");
    assert!(treaty > 0.9 && treaty <= 1.0, "treaty {treaty}");
    assert!(links >= c.min_relevance, "links {links}");
    assert!(treaty > country);
    assert_eq!(c.relevance(0, "The Gaza ceasefire held."), 0.0);
    assert!(
        c.relevance(
            0,
            "Border delimitation and demarcation commissions of Armenia and Azerbaijan met."
        ) > 0.9
    );
    assert!(c.relevance(0, "Yerevan and Baku moved toward normalization.") > c.min_relevance);
}

// ---------------------------------------------------------------------------------------------
// Aggregation

fn unit(
    kind: UnitKind,
    id: usize,
    target: &str,
    probs: (f32, f32, f32),
    relevance: f32,
) -> UnitStance {
    let probs = Probs {
        favor: probs.0,
        against: probs.1,
        neutral: probs.2,
    };
    UnitStance {
        unit: kind,
        unit_id: id,
        span: Span::new(id * 10, id * 10 + 5),
        target: target.to_string(),
        stance: if relevance >= 0.3 {
            StanceLabel::Neutral
        } else {
            StanceLabel::NotRelevant
        },
        probs,
        relevance,
    }
}

#[test]
fn article_stance_no_relevant_units() {
    let params = AggregateParams::default();
    let a = article_stance("peace", &[], 0.3, &params);
    assert_eq!(a.stance, StanceLabel::NotRelevant);
    assert_eq!(a.relevant_units, 0);
    assert_eq!(a.target, "peace");
    let units = [
        unit(UnitKind::Sentence, 0, "peace", (0.9, 0.05, 0.05), 0.1),
        unit(UnitKind::Sentence, 1, "other", (0.9, 0.05, 0.05), 1.0),
    ];
    let a = article_stance("peace", &units, 0.3, &params);
    assert_eq!(a.stance, StanceLabel::NotRelevant);
    let row = ArticleStanceRow::new("a1", "RFE/RL", &a);
    assert_eq!((row.score, row.p_favor), (None, None));
}

#[test]
fn article_stance_single_unit_and_weighting() {
    let params = AggregateParams::default();
    let one = [unit(UnitKind::Sentence, 0, "peace", (0.8, 0.1, 0.1), 0.9)];
    let a = article_stance("peace", &one, 0.3, &params);
    assert_eq!(a.stance, StanceLabel::Favor);
    assert_eq!(a.relevant_units, 1);
    assert!((a.probs.favor - 0.8).abs() < 1e-6);

    // a confident, very relevant against unit beats two hesitant, marginal favor units
    let units = [
        unit(UnitKind::Sentence, 0, "peace", (0.1, 0.85, 0.05), 1.0),
        unit(UnitKind::Sentence, 1, "peace", (0.5, 0.2, 0.3), 0.35),
        unit(UnitKind::Sentence, 2, "peace", (0.5, 0.2, 0.3), 0.35),
        unit(UnitKind::Sentence, 3, "peace", (0.9, 0.05, 0.05), 0.05), // not relevant
    ];
    let a = article_stance("peace", &units, 0.3, &params);
    assert_eq!(a.relevant_units, 3);
    let (w0, w1) = (1.0 * 0.85, 0.35 * 0.5);
    let favor = (0.1 * w0 + 2.0 * 0.5 * w1) / (w0 + 2.0 * w1);
    let against = (0.85 * w0 + 2.0 * 0.2 * w1) / (w0 + 2.0 * w1);
    assert!((a.probs.favor - favor).abs() < 1e-5 && (a.probs.against - against).abs() < 1e-5);
    assert_eq!(a.stance, StanceLabel::Against);
    let sum = a.probs.favor + a.probs.against + a.probs.neutral;
    assert!((sum - 1.0).abs() < 1e-5);
}

#[test]
fn article_stance_margin_rule_and_unit_kinds() {
    let params = AggregateParams::default();
    // favor and against nearly even: neutral, not a coin flip
    let units = [
        unit(UnitKind::Sentence, 0, "peace", (0.9, 0.05, 0.05), 1.0),
        unit(UnitKind::Sentence, 1, "peace", (0.05, 0.9, 0.05), 1.0),
    ];
    assert_eq!(
        article_stance("peace", &units, 0.3, &params).stance,
        StanceLabel::Neutral
    );
    // a sentence holding a quote is represented by the quote alone (no words counted twice);
    // other sentences count beside it
    let units = [
        unit(UnitKind::Sentence, 0, "peace", (0.1, 0.1, 0.8), 1.0),
        unit(UnitKind::Quote, 0, "peace", (0.9, 0.05, 0.05), 1.0),
    ];
    let a = article_stance("peace", &units, 0.3, &params);
    assert_eq!((a.stance, a.relevant_units), (StanceLabel::Favor, 1));
    let units = [
        unit(UnitKind::Sentence, 0, "peace", (0.1, 0.1, 0.8), 1.0),
        unit(UnitKind::Sentence, 1, "peace", (0.1, 0.1, 0.8), 1.0),
        unit(UnitKind::Quote, 0, "peace", (0.9, 0.05, 0.05), 1.0),
    ];
    let a = article_stance("peace", &units, 0.3, &params);
    assert_eq!(a.relevant_units, 2);
    // quotes alone do count
    let a = article_stance("peace", &units[1..], 0.3, &params);
    assert_eq!(a.stance, StanceLabel::Favor);
    // NaN probabilities are ignored, never propagated
    let units = [unit(
        UnitKind::Sentence,
        0,
        "peace",
        (f32::NAN, 0.1, 0.1),
        1.0,
    )];
    assert_eq!(
        article_stance("peace", &units, 0.3, &params).stance,
        StanceLabel::NotRelevant
    );
}

fn arow(outlet: &str, id: &str, stance: StanceLabel, score: Option<f32>) -> ArticleStanceRow {
    ArticleStanceRow {
        article_id: id.to_string(),
        outlet: outlet.to_string(),
        target: "peace".to_string(),
        stance,
        relevant_units: usize::from(score.is_some()),
        p_favor: None,
        p_against: None,
        p_neutral: None,
        score,
        voice_score: None,
    }
}

#[test]
fn outlet_stance_shares_and_edge_cases() {
    use StanceLabel::*;
    let rows = vec![
        arow("A", "1", Favor, Some(0.6)),
        arow("A", "2", Against, Some(-0.4)),
        arow("A", "3", Neutral, Some(0.1)),
        arow("A", "4", Favor, Some(0.5)),
        arow("A", "5", NotRelevant, None),
        arow("B", "6", NotRelevant, None),
        arow("C", "7", Against, Some(-0.7)),
    ];
    let out = outlet_stance(&rows, &AggregateParams::default());
    assert_eq!(out.len(), 3);
    let a = &out[0];
    assert_eq!(
        (a.outlet.as_str(), a.articles, a.relevant_articles),
        ("A", 5, 4)
    );
    assert_eq!(
        (a.share_favor, a.share_against, a.share_neutral),
        (Some(0.5), Some(0.25), Some(0.25))
    );
    assert_eq!(a.mean_score, Some(0.2));
    let (lo, hi) = (a.ci_low.unwrap(), a.ci_high.unwrap());
    assert!(
        lo <= 0.2 && 0.2 <= hi && lo >= -0.4 && hi <= 0.6,
        "{lo} {hi}"
    );
    // no relevant articles: everything undefined is empty
    let b = &out[1];
    assert_eq!((b.articles, b.relevant_articles), (1, 0));
    assert_eq!(
        (b.share_favor, b.mean_score, b.ci_low, b.ci_high),
        (None, None, None, None)
    );
    // one relevant article: a mean, but no interval
    let c = &out[2];
    assert_eq!(
        (c.mean_score, c.share_against, c.ci_low),
        (Some(-0.7), Some(1.0), None)
    );

    // order does not matter (shards can be concatenated in any order)
    let mut rev = rows.clone();
    rev.reverse();
    assert_eq!(outlet_stance(&rev, &AggregateParams::default()), out);
    assert!(outlet_stance(&[], &AggregateParams::default()).is_empty());
}

#[test]
fn bootstrap_interval_is_deterministic_contains_mean_and_shrinks() {
    let small: Vec<f64> = (0..10)
        .map(|i| ((i * 37 % 11) as f64 / 5.0) - 1.0)
        .collect();
    let large: Vec<f64> = (0..400)
        .map(|i| ((i * 37 % 11) as f64 / 5.0) - 1.0)
        .collect();
    let m_small = small.iter().sum::<f64>() / small.len() as f64;
    let m_large = large.iter().sum::<f64>() / large.len() as f64;
    let a = bootstrap_ci(&small, 1000, 7, 0.95).unwrap();
    let b = bootstrap_ci(&small, 1000, 7, 0.95).unwrap();
    assert_eq!(a, b, "same seed, same interval");
    let mut shuffled = small.clone();
    shuffled.reverse();
    assert_eq!(
        bootstrap_ci(&shuffled, 1000, 7, 0.95).unwrap(),
        a,
        "input order does not matter"
    );
    assert!(a.0 <= m_small && m_small <= a.1, "{a:?} ∌ {m_small}");
    let l = bootstrap_ci(&large, 1000, 7, 0.95).unwrap();
    assert!(l.0 <= m_large && m_large <= l.1);
    assert!(
        l.1 - l.0 < (a.1 - a.0) / 3.0,
        "width shrinks with n: {l:?} vs {a:?}"
    );
    assert_ne!(
        bootstrap_ci(&small, 1000, 8, 0.95).unwrap(),
        a,
        "another seed, another draw"
    );
    // undefined cases
    assert_eq!(bootstrap_ci(&[], 1000, 7, 0.95), None);
    assert_eq!(bootstrap_ci(&[0.3], 1000, 7, 0.95), None);
    assert_eq!(bootstrap_ci(&[0.3, f64::NAN], 1000, 7, 0.95), None);
    // constant scores: a zero-width interval at the value
    assert_eq!(
        bootstrap_ci(&[0.5, 0.5, 0.5], 100, 7, 0.95),
        Some((0.5, 0.5))
    );
}

fn qrow(
    outlet: &str,
    speaker: Option<&str>,
    probs: (f32, f32, f32),
    relevance: f32,
) -> QuoteStanceRow {
    QuoteStanceRow {
        article_id: "a".into(),
        outlet: outlet.into(),
        quote_id: 0,
        speaker_canonical: speaker.map(str::to_string),
        target: "peace".into(),
        stance: if relevance >= 0.3 {
            StanceLabel::Favor
        } else {
            StanceLabel::NotRelevant
        },
        relevance,
        p_favor: probs.0,
        p_against: probs.1,
        p_neutral: probs.2,
    }
}

#[test]
fn speaker_stance_per_outlet_and_speaker() {
    let rows = vec![
        qrow("A", Some("Nikol Pashinyan"), (0.8, 0.1, 0.1), 0.9),
        qrow("A", Some("Nikol Pashinyan"), (0.6, 0.2, 0.2), 0.9),
        qrow("A", Some("Nikol Pashinyan"), (0.0, 1.0, 0.0), 0.1), // not relevant
        qrow("A", Some("Maria Zakharova"), (0.1, 0.7, 0.2), 0.8),
        qrow("A", None, (0.9, 0.0, 0.1), 0.9), // no speaker
        qrow("B", Some("Nikol Pashinyan"), (0.2, 0.2, 0.6), 0.9),
    ];
    let out = speaker_stance(&rows, 0.3, &AggregateParams::default());
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].speaker_canonical, "Nikol Pashinyan");
    assert_eq!((out[0].quotes, out[0].stance), (2, StanceLabel::Favor));
    assert!((out[0].mean_score - 0.55).abs() < 1e-4);
    assert_eq!(
        (out[1].speaker_canonical.as_str(), out[1].stance),
        ("Maria Zakharova", StanceLabel::Against)
    );
    assert_eq!(
        (out[2].outlet.as_str(), out[2].quotes, out[2].stance),
        ("B", 1, StanceLabel::Neutral)
    );
    assert!(speaker_stance(&[], 0.3, &AggregateParams::default()).is_empty());
}

#[test]
fn rows_round_trip_through_csv() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        arow("A, \"quoted\"", "1", StanceLabel::Favor, Some(0.5)),
        arow("B", "2", StanceLabel::NotRelevant, None),
    ];
    let path = dir.path().join("article_stance.csv");
    write_rows(&path, &rows).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("not_relevant") && !text.contains("NaN"));
    let back: Vec<ArticleStanceRow> = read_rows(&path).unwrap();
    assert_eq!(back, rows);
    let outlets = outlet_stance(&back, &AggregateParams::default());
    let p = dir.path().join("outlets.csv");
    write_rows(&p, &outlets).unwrap();
    let header = std::fs::read_to_string(&p).unwrap();
    assert!(header.starts_with(
        "outlet,target,articles,relevant_articles,share_favor,share_against,share_neutral,mean_score,ci_low,ci_high\n"
    ));
    let back: Vec<OutletRow> = read_rows(&p).unwrap();
    assert_eq!(back, outlets);
    // a bad label is a data error that names the file
    std::fs::write(&path, "article_id,outlet,target,stance,relevant_units,p_favor,p_against,p_neutral,score\n1,A,peace,pro,1,,,,\n").unwrap();
    let e = read_rows::<ArticleStanceRow>(&path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("article_stance.csv") && e.contains("pro"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Dataset loaders

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn semeval_loader_decodes_cp1252() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"ID\tTarget\tTweet\tStance\r\n\
        101\tAtheism\tGod is \x93great\x94 \x96 amen #SemST\tAGAINST\r\n\
        102\tHillary Clinton\tShe said \"vote\" caf\xe9\tFAVOR\r\n\
        103\tFeminist Movement\tjust a tweet\tNONE\r\n";
    let p = write(dir.path(), "semeval.txt", bytes);
    let ex = data::load(&p, DataFormat::Semeval).unwrap();
    assert_eq!(ex.len(), 3);
    assert_eq!(ex[0].text, "God is “great” – amen #SemST");
    assert_eq!(
        (ex[0].target.as_str(), ex[0].label),
        ("Atheism", data::AGAINST)
    );
    assert_eq!(ex[1].text, "She said \"vote\" café");
    assert_eq!(ex[1].label, data::FAVOR);
    assert_eq!(ex[2].label, data::NEUTRAL);
    assert_eq!(ex[0].source, "semeval");

    let p = write(
        dir.path(),
        "bad.txt",
        b"ID\tTarget\tTweet\tStance\n1\tX\ty\tMAYBE\n",
    );
    let e = data::load(&p, DataFormat::Semeval).unwrap_err().to_string();
    assert!(e.contains("line 2") && e.contains("MAYBE"), "{e}");
}

#[test]
fn vast_loader() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "Tweet,Target,Stance,seen?\n\"A comment, with \"\"quotes\"\"\",obesity,0,1\nAnother,personal health,1,0\nThird,weight gain,2,0\n";
    let p = write(dir.path(), "vast.csv", csv.as_bytes());
    let ex = data::load(&p, DataFormat::Vast).unwrap();
    assert_eq!(ex.len(), 3);
    assert_eq!(ex[0].text, "A comment, with \"quotes\"");
    assert_eq!((ex[0].label, ex[0].zero_shot), (data::AGAINST, Some(false)));
    assert_eq!((ex[1].label, ex[1].zero_shot), (data::FAVOR, Some(true)));
    assert_eq!(ex[2].label, data::NEUTRAL);
    let p = write(dir.path(), "bad.csv", b"Tweet,Target,Stance\nx,y,9\n");
    assert!(data::load(&p, DataFormat::Vast)
        .unwrap_err()
        .to_string()
        .contains("line 2"));
}

#[test]
fn newsmtsc_loader_uses_offsets_and_resolves_pronouns() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = r#"{"primary_gid": "g", "sentence_normalized": "She also called President Trump a “disgrace”.", "targets": [{"Input.gid": "allsides_1000_401_3_Reality Leigh Winner_0_3", "from": 0, "to": 3, "mention": "She", "polarity": 2.0}, {"Input.gid": "allsides_1000_401_3_’ Trump_16_31", "from": 16, "to": 31, "mention": "President Trump", "polarity": 6.0}]}

{"primary_gid": "h", "sentence_normalized": "Café owner Müller spoke.", "targets": [{"Input.gid": "x", "from": 11, "to": 17, "mention": "Müller", "polarity": 4.0}]}
"#;
    let p = write(dir.path(), "train.jsonl", jsonl.as_bytes());
    let ex = data::load(&p, DataFormat::Newsmtsc).unwrap();
    assert_eq!(ex.len(), 3);
    assert_eq!(
        (ex[0].target.as_str(), ex[0].label),
        ("Reality Leigh Winner", data::AGAINST)
    );
    assert_eq!(
        (ex[1].target.as_str(), ex[1].label),
        ("President Trump", data::FAVOR)
    );
    assert_eq!(ex[0].text, "She also called President Trump a “disgrace”.");
    assert_eq!(
        (ex[2].target.as_str(), ex[2].label),
        ("Müller", data::NEUTRAL),
        "char offsets, not bytes"
    );
    let p = write(dir.path(), "bad.jsonl", b"{\"sentence_normalized\": \"x\", \"targets\": [{\"from\":0,\"to\":1,\"polarity\":3.0}]}\n");
    assert!(data::load(&p, DataFormat::Newsmtsc)
        .unwrap_err()
        .to_string()
        .contains("polarity"));
}

#[test]
fn fnc1_loader_pairs_bodies_and_drops_unrelated() {
    let dir = tempfile::tempdir().unwrap();
    let bodies = "Body ID,articleBody\n7,\"A small meteorite crashed in Managua, officials said. Residents heard a boom.\n\nExperts doubt the meteorite story and call it a hoax.\"\n8,Other text.\n";
    write(dir.path(), "competition_test_bodies.csv", bodies.as_bytes());
    let stances = "Headline,Body ID,Stance\nMeteorite hits Managua,7,agree\nMeteorite was a hoax,7,disagree\nSomething,7,discuss\nCat saves dog,8,unrelated\n";
    let p = write(
        dir.path(),
        "competition_test_stances.csv",
        stances.as_bytes(),
    );
    let ex = data::load(&p, DataFormat::Fnc1).unwrap();
    assert_eq!(
        ex.iter().map(|e| e.label).collect::<Vec<_>>(),
        [data::FAVOR, data::AGAINST, data::NEUTRAL]
    );
    assert_eq!(ex[0].target, "Meteorite hits Managua");
    assert!(ex[0]
        .text
        .starts_with("A small meteorite crashed in Managua"));
    assert!(ex[1].text.contains("hoax"));
    assert!(ex
        .iter()
        .all(|e| e.text.chars().count() <= data::FNC_TEXT_CHARS));

    // the stances file that is not there, and a bodies file given by mistake
    let e = data::load(&dir.path().join("train_stances.csv"), DataFormat::Fnc1)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not found") && e.contains("competition_test_stances.csv"),
        "{e}"
    );
    let e = data::load(
        &dir.path().join("competition_test_bodies.csv"),
        DataFormat::Fnc1,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("bodies file"), "{e}");
    // a body that is missing
    let p = write(
        dir.path(),
        "x_stances.csv",
        b"Headline,Body ID,Stance\nH,99,agree\n",
    );
    write(dir.path(), "x_bodies.csv", bodies.as_bytes());
    assert!(data::load(&p, DataFormat::Fnc1)
        .unwrap_err()
        .to_string()
        .contains("99"));
}

#[test]
fn emergent_loader() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,claimHeadline,articleHeadline,articleHeadlineStance,articleId,claimId\n\
        0,Apple will sell 19 million Apple Watches,BMO forecasts 19M Apple Watch sales,observing,a,c1\n\
        1,Burger kept 20 years,World's oldest burger,for,b,c2\n\
        2,Burger kept 20 years,Burger story is fake,against,c,c2\n";
    let p = write(dir.path(), "emergent.csv", csv.as_bytes());
    let ex = data::load(&p, DataFormat::Emergent).unwrap();
    assert_eq!(
        ex.iter().map(|e| e.label).collect::<Vec<_>>(),
        [data::NEUTRAL, data::FAVOR, data::AGAINST]
    );
    assert_eq!(ex[1].target, "Burger kept 20 years");
    assert_eq!(ex[1].text, "World's oldest burger");
}

#[test]
fn data_format_from_str() {
    for f in DataFormat::ALL {
        assert_eq!(f.name().parse::<DataFormat>().unwrap(), f);
    }
    assert_eq!(
        "SemEval-2016".parse::<DataFormat>().unwrap(),
        DataFormat::Semeval
    );
    assert_eq!("FNC-1".parse::<DataFormat>().unwrap(), DataFormat::Fnc1);
    let e = "tweets".parse::<DataFormat>().unwrap_err();
    assert!(e.to_string().contains("semeval, vast"), "{e}");
}

fn ex(source: &'static str, target: &str, text: &str, label: usize) -> StanceExample {
    StanceExample::new(source, target, text, label)
}

#[test]
fn split_dev_is_deterministic_and_keeps_topics_apart() {
    let examples: Vec<StanceExample> = (0..200)
        .map(|i| {
            ex(
                "vast",
                &format!("topic {}", i % 25),
                &format!("comment {i}"),
                i % 3,
            )
        })
        .chain((0..100).map(|i| ex("semeval", "Atheism", &format!("tweet {i}"), i % 3)))
        .collect();
    let (train, dev) = data::split_dev(examples.clone(), 0.2, 42);
    assert_eq!(train.len() + dev.len(), 300);
    assert!((50..=80).contains(&dev.len()), "about 20 %: {}", dev.len());
    let dev_topics: std::collections::HashSet<_> = dev
        .iter()
        .filter(|e| e.source == "vast")
        .map(|e| e.target.clone())
        .collect();
    assert!(!dev_topics.is_empty());
    assert!(
        train
            .iter()
            .filter(|e| e.source == "vast")
            .all(|e| !dev_topics.contains(&e.target)),
        "dev topics are unseen"
    );
    assert_eq!(
        data::split_dev(examples.clone(), 0.2, 42),
        (train.clone(), dev.clone())
    );
    assert_ne!(data::split_dev(examples.clone(), 0.2, 43).1, dev);
    let (t, d) = data::split_dev(examples.clone(), 0.0, 1);
    assert_eq!((t.len(), d.len()), (300, 0));
    let (t, d) = data::split_dev(examples, f32::NAN, 1);
    assert_eq!((t.len(), d.len()), (300, 0));
    assert_eq!(
        data::split_dev(Vec::new(), 0.5, 1),
        (Vec::new(), Vec::new())
    );

    // the same comment under two topics: purging removes it from train
    let pair = vec![
        ex("vast", "topic a", "same comment", 0),
        ex("vast", "topic b", "same comment", 1),
    ];
    let (train, dev) = data::split_dev(pair, 0.5, 3);
    assert_eq!((train.len(), dev.len()), (1, 1));
    assert_ne!(train[0].target, dev[0].target);
    let (train, dropped) = data::purge_text_overlap(train, &dev);
    assert_eq!((train.len(), dropped), (0, 1));
}

/// Loads the real datasets when /work/shared is present and prints counts and label shares.
#[test]
fn shared_stance_datasets_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/stance");
    if !root.exists() {
        eprintln!(
            "SKIP shared_stance_datasets_load: {} not found",
            root.display()
        );
        return;
    }
    // every set at its default place, plus the old FNC-1 competition file and VAST train
    let sets: Vec<(PathBuf, DataFormat)> = DataFormat::ALL
        .iter()
        .map(|f| (root.join(f.default_path()), *f))
        .chain([
            (
                root.join("fnc1/competition_test_stances.csv"),
                DataFormat::Fnc1,
            ),
            (root.join("vast_train/vast_train.csv"), DataFormat::Vast),
        ])
        .collect();
    for (path, format) in sets {
        if !path.exists() {
            eprintln!("SKIP {format}: {} not found", path.display());
            continue;
        }
        let examples = data::load(&path, format).unwrap_or_else(|e| panic!("{format}: {e}"));
        let [f, a, n] = data::label_counts(&examples);
        let zero = examples
            .iter()
            .filter(|e| e.zero_shot == Some(true))
            .count();
        let targets: std::collections::HashSet<_> = examples.iter().map(|e| &e.target).collect();
        eprintln!(
            "{format:<9} {:>6} examples  favor {f:>5}  against {a:>5}  neutral {n:>5}  targets {:>5}  zero-shot {zero}",
            examples.len(),
            targets.len()
        );
        assert!(examples.len() > 1000, "{format}: {}", examples.len());
        // ArgQ and IBM claims are two-class sets
        let two_class = matches!(format, DataFormat::Argq | DataFormat::IbmClaim);
        assert!(
            f > 0 && a > 0 && (n > 0 || two_class),
            "{format}: {f} {a} {n}"
        );
        let (train, dev) = data::split_dev(examples.clone(), 0.1, 13);
        assert!(!train.is_empty() && !dev.is_empty(), "{format}: a dev part");
        assert!(examples
            .iter()
            .all(|e| !e.text.is_empty() && !e.target.is_empty()));
        if format == DataFormat::Semeval {
            assert_eq!(examples.len(), 2814);
            assert!(
                examples.iter().any(|e| e.text.contains('‘')),
                "cp1252 0x91 decoded"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scores

#[test]
fn stance_report_scores() {
    let gold = [0, 0, 0, 1, 1, 2, 2, 2];
    let pred = [0, 0, 1, 1, 2, 2, 2, 0];
    let r = score(&gold, &pred);
    assert_eq!(r.n, 8);
    // favor: tp 2, fp 1, fn 1 → P = R = F = 2/3; against: tp 1, fp 1, fn 1 → 0.5
    assert!((r.favor.f1 - 2.0 / 3.0).abs() < 1e-12);
    assert!((r.against.f1 - 0.5).abs() < 1e-12);
    assert!((r.f_avg - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
    assert!((r.neutral.f1 - 2.0 / 3.0).abs() < 1e-12);
    assert!((r.macro_f1 - (2.0 / 3.0 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    assert!((r.accuracy - 5.0 / 8.0).abs() < 1e-12);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"f_avg\""));
    let perfect = score(&gold, &gold);
    assert_eq!(
        (perfect.f_avg, perfect.macro_f1, perfect.accuracy),
        (1.0, 1.0, 1.0)
    );
}

// ---------------------------------------------------------------------------------------------
// Round 2: sets with their own dev part, target markers, epoch mixture, learned article model

#[test]
fn a_set_with_its_own_dev_part_is_split_that_way() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "raw_train_x.csv",
        b"Tweet,Target,Stance\na,Joe Biden,FAVOR\nb,Joe Biden,AGAINST\n",
    );
    write(
        dir.path(),
        "raw_val_x.csv",
        b"Tweet,Target,Stance\nc,Joe Biden,NONE\n",
    );
    let all = data::load(dir.path(), DataFormat::Pstance).unwrap();
    assert_eq!(all.len(), 3);
    let (train, dev) = data::split_dev(all, 0.5, 1);
    assert_eq!((train.len(), dev.len()), (2, 1));
    assert_eq!(dev[0].text, "c");
}

#[test]
fn target_markers_wrap_names_only() {
    use newsmine::stance::model::mark_target;
    assert_eq!(
        mark_target("Joe Biden", "Biden met Joe Biden."),
        "« Biden » met « Joe Biden »."
    );
    assert_eq!(
        mark_target("We should abolish zoos, says the long claim here", "zoos"),
        "zoos"
    );
}

#[test]
fn epoch_quotas_follow_the_square_root_and_never_exceed_a_set() {
    use newsmine::train::stance::epoch_quotas;
    // sizes 100 and 10,000: sqrt shares 10 : 100
    let q = epoch_quotas(&[(100, 1.0), (10_000, 1.0)], 1100, 0.5);
    assert_eq!(q, vec![100, 1000]);
    // a small set gives all it has, the rest goes to the others
    let q = epoch_quotas(&[(5, 1.0), (10_000, 1.0)], 1000, 0.5);
    assert_eq!(q[0], 5);
    assert_eq!(q.iter().sum::<usize>(), 1000);
    // news weight doubles a set's share
    let q = epoch_quotas(&[(400, 2.0), (400, 1.0)], 300, 0.5);
    assert_eq!(q, vec![200, 100]);
}

fn punit(kind: UnitKind, id: usize, start: usize, end: usize, p: [f32; 3]) -> UnitStance {
    UnitStance {
        unit: kind,
        unit_id: id,
        span: Span::new(start, end),
        target: "person".into(),
        stance: StanceLabel::Favor,
        probs: Probs {
            favor: p[0],
            against: p[1],
            neutral: p[2],
        },
        relevance: 1.0,
    }
}

#[test]
fn article_evidence_separates_the_author_from_quoted_speakers() {
    use newsmine::stance::article::evidence;
    let units = [
        punit(UnitKind::Sentence, 0, 0, 50, [0.8, 0.1, 0.1]),
        // a sentence that holds a quote is represented by the quote
        punit(UnitKind::Sentence, 5, 100, 200, [0.1, 0.8, 0.1]),
        punit(UnitKind::Quote, 0, 120, 180, [0.1, 0.8, 0.1]),
    ];
    let refs: Vec<&UnitStance> = units.iter().collect();
    let ev = evidence(&refs, 0.3).unwrap();
    let voice = ev.voice_score.unwrap();
    assert!((voice - 0.7).abs() < 1e-5, "{voice}");
    assert!(evidence(&[], 0.3).is_none());
}

#[test]
fn learned_article_model_decides_and_round_trips() {
    use newsmine::stance::aggregate::article_stance_with;
    use newsmine::stance::article::{ArticleModel, Features, FEATURES, FILE_NAME};
    // fit on features where the voice score tells the class
    let mut x: Vec<Features> = Vec::new();
    let mut y = Vec::new();
    for i in 0..90 {
        let c = i % 3;
        let mut f = [0.0; FEATURES.len()];
        f[3] = [0.6, -0.6, 0.0][c] + 0.001 * i as f32;
        x.push(f);
        y.push(c);
    }
    let model = ArticleModel::fit(&x, &y, 1e-3, 0.5);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(FILE_NAME),
        serde_json::to_string(&model).unwrap(),
    )
    .unwrap();
    let loaded = ArticleModel::load(dir.path()).unwrap().unwrap();
    assert!(ArticleModel::load(Path::new("/nonexistent"))
        .unwrap()
        .is_none());
    let units = [punit(UnitKind::Sentence, 0, 0, 50, [0.1, 0.85, 0.05])];
    let params = AggregateParams::default();
    let a = article_stance_with("person", &units, 0.3, &params, Some(&loaded));
    assert!(a.learned);
    assert_eq!(a.stance, StanceLabel::Against);
    assert!((a.probs.favor + a.probs.against + a.probs.neutral - 1.0).abs() < 1e-4);
    let rule = article_stance_with("person", &units, 0.3, &params, None);
    assert!(!rule.learned);
    assert_eq!(rule.voice_score, a.voice_score);
    // a file from another feature set is a clear model error
    std::fs::write(
        dir.path().join(FILE_NAME),
        r#"{"features":["x"],"mean":[],"std":[],"weights":[],"bias":[]}"#,
    )
    .unwrap();
    assert!(ArticleModel::load(dir.path()).is_err());
}

/// A person target without terms: its name and surname make a unit relevant and open the scope
/// gate; a target with terms keeps `require_any` as written.
#[test]
fn a_person_target_without_terms_matches_the_name_and_surname() {
    let c = parse(
        r#"
[[target]]
name = "trump"
description = "Donald Trump"
require_any = ["Donald Trump"]

[[target]]
name = "biden"
description = "Joe Biden"
require_any = ["Joe Biden"]
[target.terms]
"Joe Biden" = 1.0
"President Biden" = 1.0
"#,
    )
    .unwrap();
    assert!(c.unit_relevance(0, "Trump said so.", true) > 0.99);
    assert!(c.unit_relevance(0, "Donald Trump said so.", true) > 0.99);
    assert_eq!(c.unit_relevance(0, "Biden said so.", true), 0.0);
    // an article may name him by surname alone
    assert!(c.in_scope(0, "President Trump said so."));
    assert!(!c.in_scope(0, "President Biden said so."));
    assert!(c.in_scope(1, "Joe Biden spoke. President Biden said so."));
    assert!(!c.in_scope(1, "Hunter Biden said so."));
}

/// A model trained with `--title-context` reads `[CLS] target [SEP] headline [SEP] text [SEP]`;
/// one trained without reads the unit alone, whatever context it is handed.
#[test]
fn the_headline_is_a_third_segment_only_for_a_model_trained_with_it() {
    use newsmine::stance::model::{encode_pair, InputStyle};
    let Ok(tok) =
        newsmine::encoder::base_model_dir(None).and_then(|d| newsmine::encoder::load_tokenizer(&d))
    else {
        eprintln!("skipped: the base encoder is not installed (make setup)");
        return;
    };
    let sep = tok.token_to_id("[SEP]").unwrap() as i64;
    let style = InputStyle {
        mark_targets: true,
        title_context: true,
    };
    let with = encode_pair(
        &tok,
        "Joe Biden",
        "Biden talks peace",
        "He spoke.",
        64,
        style,
    )
    .unwrap();
    assert_eq!(with.ids.iter().filter(|&&i| i == sep).count(), 3);
    // the headline sits with the target (segment 0); the text is segment 1
    let first_text = with.types.iter().position(|&t| t == 1).unwrap();
    assert_eq!(with.ids[first_text - 1], sep);
    let plain = InputStyle {
        title_context: false,
        ..style
    };
    let without = encode_pair(
        &tok,
        "Joe Biden",
        "Biden talks peace",
        "He spoke.",
        64,
        plain,
    )
    .unwrap();
    let alone = encode_pair(&tok, "Joe Biden", "", "He spoke.", 64, style).unwrap();
    assert_eq!(without.ids, alone.ids);
    assert_eq!(without.ids.iter().filter(|&&i| i == sep).count(), 2);
    // a long headline never takes the text's room: the text keeps the second half
    let long_title = "word ".repeat(200);
    let cut = encode_pair(&tok, "Joe Biden", &long_title, "He spoke.", 32, style).unwrap();
    assert!(cut.ids.len() <= 32);
    assert_eq!(cut.ids.iter().filter(|&&i| i == sep).count(), 3);
    assert!(
        cut.types.iter().filter(|&&t| t == 1).count() >= 4,
        "{:?}",
        cut.types
    );
}
