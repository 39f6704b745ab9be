//! The quote model and quote tagger stages: a confidence on every quote row where they run,
//! none with `--skip quote-model`, the same rows as the rules minus the dropped ones, the
//! tagger's rows added beside them (never replacing one), and a missing model folder as one
//! set-up error.
mod common;
use common::{bin, models_present, read_table, root};

fn run(
    extra: &[&str],
) -> (
    tempfile::TempDir,
    Vec<std::collections::HashMap<String, String>>,
) {
    let out = tempfile::tempdir().unwrap();
    let status = bin()
        .arg("run")
        .arg(root().join("corpus"))
        .arg("--out")
        .arg(out.path())
        .args(["--skip", "stance", "-q", "-j", "1"])
        .args(extra)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let quotes = read_table(out.path(), "quotes");
    (out, quotes)
}

#[test]
fn every_row_has_a_confidence_and_the_rules_alone_have_none() {
    if !models_present() {
        return;
    }
    let (_a, scored) = run(&["--skip", "quote-tagger"]);
    let (_b, rules) = run(&["--skip", "quote-model"]);
    assert!(!scored.is_empty());
    for q in &scored {
        let c: f32 = q["confidence"].parse().expect("a confidence");
        assert!((0.0..=1.0).contains(&c), "{c}");
    }
    assert!(rules.iter().all(|q| q["confidence"].is_empty()));
    // the model only drops statements: every scored row is a rules row
    for q in &scored {
        assert!(
            rules
                .iter()
                .any(|r| r["start"] == q["start"] && r["end"] == q["end"]),
            "{q:?} not proposed by the rules"
        );
    }
    // quote ids stay 0..n in text order after the drops
    let ids: Vec<usize> = scored
        .iter()
        .map(|q| q["quote_id"].parse().unwrap())
        .collect();
    assert_eq!(ids, (0..scored.len()).collect::<Vec<_>>());
}

#[test]
fn the_tagger_adds_rows_and_keeps_every_row_of_the_model() {
    if !models_present() {
        return;
    }
    let (_a, tagged) = run(&[]);
    let (_b, scored) = run(&["--skip", "quote-tagger"]);
    type Row = std::collections::HashMap<String, String>;
    let num = |r: &Row, c: &str| r[c].parse::<usize>().unwrap_or(usize::MAX);
    // the same statement: the same article and cue (rows without a cue: the same span); the
    // tagger may only lengthen a rule row (reported speech it reads further)
    let same = |a: &Row, b: &Row| {
        a["article_id"] == b["article_id"]
            && if b["cue"].is_empty() {
                a["start"] == b["start"] && a["end"] == b["end"]
            } else {
                a["cue_start"] == b["cue_start"]
            }
    };
    for q in &scored {
        let kept = tagged.iter().any(|t| {
            same(t, q) && num(t, "start") <= num(q, "start") && num(t, "end") >= num(q, "end")
        });
        assert!(kept, "{q:?} lost or shortened by the tagger");
    }
    for t in tagged.iter().filter(|t| !scored.iter().any(|q| same(t, q))) {
        // an added row has its cue, a confidence and a default cue class
        assert!(!t["cue"].is_empty(), "{t:?}");
        let c: f32 = t["confidence"].parse().expect("a confidence");
        assert!((0.0..=1.0).contains(&c), "{c}");
        assert!(
            ["speech", "written", "according_to"].contains(&t["cue_class"].as_str()),
            "{t:?}"
        );
    }
    let ids: Vec<usize> = tagged
        .iter()
        .map(|q| q["quote_id"].parse().unwrap())
        .collect();
    assert_eq!(ids, (0..tagged.len()).collect::<Vec<_>>());
}

/// `run` with `flag` naming no model folder: one set-up error (exit 2) that names the flag.
fn missing_model_is_one_setup_error(flag: &str) {
    let out = tempfile::tempdir().unwrap();
    let o = bin()
        .arg("run")
        .arg(root().join("corpus"))
        .arg("--out")
        .arg(out.path())
        .args(["--skip", "ner", "--skip", "stance", flag])
        .arg(out.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(flag), "{err}");
}

#[test]
fn a_missing_quote_model_or_tagger_is_one_setup_error() {
    missing_model_is_one_setup_error("--quote-model");
    missing_model_is_one_setup_error("--quote-tagger");
}
