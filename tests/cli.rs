//! The binary end to end: `newsmine run` on the bundled corpus and on broken inputs, exit codes,
//! and the tables' invariants (offsets slice the input text exactly).

mod common;
use common::{bin, close_rows, models_present, read_table, root};

/// Undo the spreadsheet-formula guard the writer adds.
fn cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

fn slice(text: &str, start: &str, end: &str) -> String {
    let (s, e): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
    text.chars().skip(s).take(e - s).collect()
}

const SEED: &str = "corpus/rferl/rferl-russia-trilateral-agreements.txt";

#[test]
fn run_on_corpus_without_models_writes_every_table() {
    let out = tempfile::tempdir().unwrap();
    let status = bin()
        .current_dir(root())
        .args(["run", "corpus/", "--out"])
        .arg(out.path())
        .args(["--skip", "ner", "--skip", "stance", "--quiet"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    for t in [
        "articles",
        "entities",
        "entity_counts",
        "quotes",
        "stance",
        "article_stance",
        "outlets",
        "speakers",
        "errors",
    ] {
        assert!(
            out.path().join(format!("{t}.csv")).is_file(),
            "{t}.csv missing"
        );
        assert!(!out.path().join(format!("{t}.csv.tmp")).exists());
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["articles"], 1);
    let articles = read_table(out.path(), "articles");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    assert_eq!(a["outlet"], "rferl");
    assert_eq!(
        a["title"],
        "Russia Says Trilateral Agreements With Armenia, Azerbaijan ‘Still Valid’"
    );
    assert!(
        a["n_skipped_chars"].parse::<usize>().unwrap() > 0,
        "junk lines must be skipped"
    );
    // quotes found by rule: their offsets slice the input exactly
    let text = std::fs::read_to_string(root().join(SEED)).unwrap();
    let quotes = read_table(out.path(), "quotes");
    assert!(!quotes.is_empty());
    for q in &quotes {
        assert_eq!(slice(&text, &q["start"], &q["end"]), cell(&q["text"]));
    }
}

#[test]
fn broken_inputs_become_error_rows_and_the_rest_is_processed() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .current_dir(root())
        .args(["run", "tests/data/broken", "tests/data/good", "--out"])
        .arg(out.path())
        .args(["--skip", "ner", "--skip", "stance", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "some records failed: exit 1");
    let errors = read_table(out.path(), "errors");
    let kinds: Vec<&str> = errors.iter().map(|e| e["kind"].as_str()).collect();
    for k in ["empty", "binary", "malformed_json", "unsupported"] {
        assert!(kinds.contains(&k), "no {k} error in {kinds:?}");
    }
    assert!(errors.iter().all(|e| !e["message"].is_empty()));
    let articles = read_table(out.path(), "articles");
    // every good article and every good record of a partly broken file is there
    assert!(articles.len() >= 7, "{}", articles.len());
    assert!(articles.iter().any(|a| a["source"].contains("mixed.jsonl")));
}

/// Runs newsmine with `args` and a fresh `--out`, checks exit 2 and returns its stderr.
fn exit_2_stderr(args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .current_dir(root())
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_flag_and_missing_model_exit_2_with_one_message() {
    let status = bin()
        .args(["run", "corpus/", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    let err = exit_2_stderr(&[
        "run",
        "corpus/",
        "--skip",
        "stance",
        "--ner-model",
        "/nonexistent/ner",
    ]);
    assert!(
        err.contains("NER model not found") && err.contains("make setup"),
        "{err}"
    );
    let missing_input = bin().args(["run", "/nonexistent/corpus"]).output().unwrap();
    assert_eq!(missing_input.status.code(), Some(2));
}

#[test]
fn an_article_model_weight_outside_0_to_1_is_exit_2() {
    let o = bin()
        .args(["train", "article-stance", "--persent", "/nonexistent.csv"])
        .args(["--model-weight", "1.5"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--model-weight") && err.contains("from 0 to 1"),
        "{err}"
    );
}

/// A NER training whose data files do not exist: a check that stops it comes before any read.
const NER_TRAINING_WITHOUT_DATA: [&str; 6] = [
    "train",
    "ner",
    "--train",
    "/nonexistent/eng.train",
    "--dev",
    "/nonexistent/eng.testa",
];

#[test]
fn a_mistyped_init_folder_stops_a_training_before_it_reads_data() {
    // the --init check comes first, so nothing is trained
    let err = exit_2_stderr(
        &[
            &NER_TRAINING_WITHOUT_DATA[..],
            &["--init", "/nonexistent/ner"],
        ]
        .concat(),
    );
    assert!(
        err.contains("--init /nonexistent/ner") && err.contains("model.safetensors"),
        "{err}"
    );
}

#[test]
fn an_unknown_training_precision_or_no_layers_is_exit_2() {
    // clap checks the value before anything is read or trained
    let err = exit_2_stderr(&[&NER_TRAINING_WITHOUT_DATA[..], &["--precision", "fp16"]].concat());
    assert!(err.contains("--precision") && err.contains("bf16"), "{err}");
    let err = exit_2_stderr(&[&NER_TRAINING_WITHOUT_DATA[..], &["--layers", "0"]].concat());
    assert!(err.contains("--layers"), "{err}");
}

#[test]
fn output_is_the_same_for_any_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        let st = bin()
            .current_dir(root())
            .args([
                "run",
                "tests/data/good",
                "corpus/",
                "--batch",
                "2",
                "--skip",
                "ner",
                "--skip",
                "stance",
                "-q",
                "-j",
                threads,
                "--out",
            ])
            .arg(dir.path())
            .status()
            .unwrap();
        assert_eq!(st.code(), Some(0));
    }
    for t in ["articles", "errors"] {
        let x = std::fs::read_to_string(a.path().join(format!("{t}.csv"))).unwrap();
        let y = std::fs::read_to_string(b.path().join(format!("{t}.csv"))).unwrap();
        assert_eq!(x, y, "{t}.csv differs between -j1 and -j2");
    }
    // the same rows; a model's confidence to the float32 rounding of libtorch's thread count
    close_rows(a.path(), b.path(), "quotes", &["confidence"], 1e-5);
}

#[test]
fn full_pipeline_on_the_seed_with_shipped_models() {
    if !models_present() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = bin()
        .current_dir(root())
        .args(["run", "corpus/", "-q", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(root().join(SEED)).unwrap();
    let entities = read_table(out.path(), "entities");
    for e in &entities {
        assert_eq!(
            slice(&text, &e["start"], &e["end"]),
            cell(&e["text"]),
            "entity offsets"
        );
    }
    let has = |canonical: &str, label: &str| {
        entities
            .iter()
            .any(|e| e["canonical"] == canonical && e["label"] == label)
    };
    for name in [
        "Nikol Pashinian",
        "Ilham Aliyev",
        "Donald Trump",
        "Vladimir Putin",
    ] {
        assert!(has(name, "PER"), "{name} PER missing");
    }
    for name in [
        "Russia",
        "Armenia",
        "Azerbaijan",
        "Moscow",
        "Nagorno-Karabakh",
    ] {
        assert!(has(name, "LOC"), "{name} LOC missing");
    }
    assert!(
        has("Russian Foreign Ministry", "ORG"),
        "Russian Foreign Ministry ORG missing"
    );
    let stance = read_table(out.path(), "stance");
    for s in &stance {
        assert!(["favor", "against", "neutral"].contains(&s["stance"].as_str()));
    }
    let articles = read_table(out.path(), "articles");
    assert_eq!(
        articles[0]["stance"], "favor",
        "the seed article favours the peace process"
    );
    // the ministry's three statements: speaker resolved, stance favor
    let quotes = read_table(out.path(), "quotes");
    for opening in [
        "The agreements remain valid",
        "This includes signing a peace treaty",
        "Russia is ready to continue",
    ] {
        let q = quotes
            .iter()
            .find(|q| q["text"].starts_with(opening))
            .unwrap_or_else(|| panic!("no quote {opening}"));
        assert_eq!(
            q["speaker_canonical"], "Russian Foreign Ministry",
            "{opening}"
        );
        let s = stance
            .iter()
            .find(|s| s["unit"] == "quote" && s["unit_id"] == q["quote_id"])
            .expect("quote classified");
        assert_eq!(s["stance"], "favor", "{opening}");
    }
}
