//! The quote model stage: a confidence on every quote row where it runs, none with
//! `--skip quote-model`, the same rows as the rules minus the dropped ones, and a missing model
//! folder as one set-up error.
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
    let (_a, scored) = run(&[]);
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
fn a_missing_quote_model_is_one_setup_error() {
    let out = tempfile::tempdir().unwrap();
    let o = bin()
        .arg("run")
        .arg(root().join("corpus"))
        .arg("--out")
        .arg(out.path())
        .args(["--skip", "ner", "--skip", "stance", "--quote-model"])
        .arg(out.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--quote-model"), "{err}");
}
