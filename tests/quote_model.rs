//! The quote model and quote tagger stages: a confidence on every quote row where they run,
//! none with `--skip quote-model`, the same rows as the rules minus the dropped ones, the
//! tagger's rows added beside them (never replacing one), the tagger alone scoring the rules'
//! rows by default, and a missing model folder as one set-up error.
mod common;
use common::{bin, models_present, read_table, root, succeed};

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

type Row = std::collections::HashMap<String, String>;

fn num(r: &Row, c: &str) -> usize {
    r[c].parse::<usize>().unwrap_or(usize::MAX)
}

/// The same statement: the same article and cue (rows without a cue: the same span).
fn same(a: &Row, b: &Row) -> bool {
    a["article_id"] == b["article_id"]
        && if b["cue"].is_empty() {
            a["start"] == b["start"] && a["end"] == b["end"]
        } else {
            a["cue_start"] == b["cue_start"]
        }
}

#[test]
fn by_default_the_tagger_scores_the_rules_rows_and_the_quote_model_does_not_run() {
    if !models_present() {
        return;
    }
    let (out, tagged) = run(&[]);
    let (_b, rules) = run(&["--skip", "quote-model"]);
    let run_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    let components = run_json["components"].to_string();
    assert!(!components.contains("\"quote-model\""), "{components}");
    assert!(components.contains("\"quote-tagger\""), "{components}");
    for t in &tagged {
        let c: f32 = t["confidence"].parse().expect("a confidence");
        // a rules row the tagger kept has at least its rule threshold (0.4)
        if rules.iter().any(|r| same(t, r)) {
            assert!(c >= 0.4, "{t:?}");
        }
    }
    // the seed's three named ministry statements are kept
    let ministry = tagged
        .iter()
        .filter(|t| t["speaker_canonical"].contains("Ministry"))
        .count();
    assert!(ministry >= 3, "{ministry} ministry rows");
}

#[test]
fn the_tagger_adds_rows_and_keeps_every_row_of_the_model() {
    if !models_present() {
        return;
    }
    // naming the quote model runs it beside the tagger, which then scores no rule row itself
    let model = root().join("models").join("quotes");
    let (_a, tagged) = run(&["--quote-model", model.to_str().unwrap()]);
    let (_b, scored) = run(&["--skip", "quote-tagger"]);
    // the tagger may only lengthen a rule row (reported speech it reads further)
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

#[test]
fn eval_quotes_scores_the_default_run_beside_the_quote_model() {
    if !models_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = "Talks resume.\n\nThe minister said the talks would resume on Monday. The index added 0.3 per cent.";
    let start = text.find("the talks").unwrap();
    let end = text.find(" on Monday").unwrap() + " on Monday".len();
    let cue = text.find("said").unwrap();
    let record = serde_json::json!({
        "id": "a1",
        "text": text,
        "attributions": [{
            "source": [{"spans": [[text.find("The minister").unwrap(), cue - 1]]}],
            "cue": [{"spans": [[cue, cue + 4]]}],
            "content": [{"spans": [[start, end]]}],
        }],
    });
    let file = dir.path().join("gold.jsonl");
    std::fs::write(&file, format!("{record}\n")).unwrap();
    let args = [
        "eval",
        "quotes",
        "--no-ner",
        "--json",
        "-j",
        "1",
        "--polnear",
    ];
    let o = succeed(bin().args(args).arg(&file));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["rule_threshold"], serde_json::json!(0.4));
    for s in report["settings"].as_array().unwrap() {
        // the default run (rules checked by the tagger) beside the quote model's rows
        assert!(s["rules_tagger"].is_object(), "{s}");
        assert!(s["with_model"].is_object(), "{s}");
        assert_eq!(s["rule_sweep"].as_array().unwrap().len(), 6);
        let statements: u64 = s["default_reliability"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["statements"].as_u64().unwrap())
            .sum();
        assert!(statements >= 1, "{s}");
    }
}
