//! `--table-format parquet|both`: DuckDB reads every table with the codebook's types, the raw
//! (unguarded) values, the same rows as the CSV, and joins them; Parquet shards merge.
//!
//! DuckDB comes from PyPI (`scripts/setup_duckdb.sh`, into .deps/duckdb-venv); where it cannot
//! be installed (no network) the DuckDB checks are skipped with a message, never failed.
mod common;
use common::succeed;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsmine"));
    c.current_dir(root());
    c
}

const TABLES: [&str; 9] = [
    "articles",
    "entities",
    "entity_counts",
    "quotes",
    "stance",
    "article_stance",
    "speakers",
    "outlets",
    "errors",
];

/// The Python of .deps/duckdb-venv, installed on first use; None (with a message) when it
/// cannot be had.
fn duckdb() -> Option<PathBuf> {
    static PY: OnceLock<Option<PathBuf>> = OnceLock::new();
    PY.get_or_init(|| {
        let py = root().join(".deps/duckdb-venv/bin/python");
        let setup = Command::new("bash")
            .arg(root().join("scripts/setup_duckdb.sh"))
            .output();
        match setup {
            Ok(o) if o.status.success() && py.is_file() => Some(py),
            Ok(o) => {
                eprintln!(
                    "skipping DuckDB checks: scripts/setup_duckdb.sh failed (no PyPI?): {}",
                    String::from_utf8_lossy(&o.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                );
                None
            }
            Err(e) => {
                eprintln!("skipping DuckDB checks: cannot run bash: {e}");
                None
            }
        }
    })
    .clone()
}

fn models_present() -> bool {
    let ok = ["ner", "stance", "quotes"].iter().all(|m| {
        root()
            .join("models")
            .join(m)
            .join("model.safetensors")
            .is_file()
    }) && root().join(".deps/libtorch").is_dir();
    if !ok {
        eprintln!("models or libtorch not present: running without ner and stance (article_stance is empty, the join has no rows)");
    }
    ok
}

/// A corpus with ids and outlets a spreadsheet would run, commas, quotes and newlines, plus the
/// bundled article (which passes the default target's scope gate).
fn make_corpus(dir: &Path) -> PathBuf {
    let c = dir.join("corpus");
    std::fs::create_dir_all(c.join("rferl")).unwrap();
    for f in std::fs::read_dir(root().join("corpus/rferl")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, c.join("rferl").join(f.file_name().unwrap())).unwrap();
    }
    let records = [
        serde_json::json!({"id": "=1+1", "outlet": "Daily, \"Herald\"", "title": "-minus",
            "text": "Talks resume\n\n\"We are ready to sign the peace treaty with Azerbaijan,\" Prime Minister Nikol Pashinian said on Monday.\nOfficials declined to comment."}),
        serde_json::json!({"id": "plain-2", "outlet": "Gazette",
            "text": "Armenia and Azerbaijan met in Brussels.\n\nThe foreign minister said the border talks were \"constructive\". According to the ministry, a second round is planned."}),
        serde_json::json!({"id": "no-quotes", "text": "A short note about the weather in Yerevan, without any statement."}),
    ];
    let jsonl: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(c.join("extra.jsonl"), jsonl).unwrap();
    c
}

fn run(corpus: &Path, out: &Path, extra: &[&str], models: bool) {
    let mut cmd = bin();
    cmd.arg("run").arg(corpus).arg("--out").arg(out).arg("-q");
    if !models {
        cmd.args(["--skip", "ner", "--skip", "quote-model", "--skip", "stance"]);
    }
    let o = cmd.args(extra).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Rows of a CSV table as header → cell maps, with the formula guard taken off (the raw values
/// Parquet holds).
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.to_string(), unguard(v).to_string()))
                .collect()
        })
        .collect()
}

fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.trim_start_matches('\'').chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r')
            ) =>
        {
            rest
        }
        _ => s,
    }
}

/// What DuckDB reads from the folder's Parquet files: per table the column types, the rows (as
/// JSON, nulls as null) and the three-table join.
const PROBE: &str = r#"
import duckdb, json, sys
d = sys.argv[1]
out = {"tables": {}}
for t in sys.argv[2].split(","):
    rel = duckdb.sql(f"select * from read_parquet('{d}/{t}.parquet')")
    out["tables"][t] = {
        "types": dict(zip(rel.columns, [str(x) for x in rel.types])),
        "rows": [dict(zip(rel.columns, r)) for r in rel.fetchall()],
    }
out["join"] = duckdb.sql(f"""
    select q.article_id, q.quote_id, a.outlet, s.target, s.stance
    from read_parquet('{d}/quotes.parquet') q
    join read_parquet('{d}/articles.parquet') a on a.article_id = q.article_id
    join read_parquet('{d}/article_stance.parquet') s on s.article_id = q.article_id
    order by all""").fetchall()
print(json.dumps(out, default=str))
"#;

fn probe(py: &Path, dir: &Path) -> serde_json::Value {
    let o = Command::new(py)
        .arg("-c")
        .arg(PROBE)
        .arg(dir)
        .arg(TABLES.join(","))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A CSV cell as the JSON value DuckDB gives for the column's Parquet type.
fn expected_value(cell: &str, ty: &str) -> serde_json::Value {
    use serde_json::Value;
    match ty {
        "BIGINT" if !cell.is_empty() => Value::from(cell.parse::<i64>().unwrap()),
        "DOUBLE" if !cell.is_empty() => Value::from(cell.parse::<f64>().unwrap()),
        "VARCHAR" if !cell.is_empty() => Value::from(cell),
        _ => Value::Null,
    }
}

#[test]
fn duckdb_reads_every_table_typed_with_the_csv_rows_and_joins_them() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = make_corpus(tmp.path());
    let models = models_present();
    let out = tmp.path().join("out");
    run(&corpus, &out, &["--table-format", "both"], models);
    for t in TABLES {
        assert!(out.join(format!("{t}.csv")).is_file(), "{t}.csv");
        assert!(out.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
    }
    let Some(py) = duckdb() else { return };
    let got = probe(&py, &out);
    for t in TABLES {
        let table = &got["tables"][t];
        let types = table["types"].as_object().unwrap();
        let rows = table["rows"].as_array().unwrap();
        let csv = csv_rows(&out.join(format!("{t}.csv")));
        assert_eq!(rows.len(), csv.len(), "{t}: rows");
        // same rows in the same order; integers and floats typed, empty cells null
        for (i, (pq, cv)) in rows.iter().zip(&csv).enumerate() {
            for (col, cell) in cv {
                let ty = types[col].as_str().unwrap();
                let want = expected_value(cell, ty);
                let have = &pq[col];
                let same = match (have.as_f64(), want.as_f64()) {
                    (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                    _ => *have == want,
                };
                // an empty cell is null, but "" in a required string column
                let empty_string = cell.is_empty() && have == "";
                assert!(
                    same || empty_string,
                    "{t} row {i} {col}: {have} vs CSV {cell:?}"
                );
            }
        }
    }
    let types = |t: &str| got["tables"][t]["types"].clone();
    for t in ["quotes", "entities", "stance"] {
        assert_eq!(types(t)["start"], "BIGINT", "{t}.start");
        assert_eq!(types(t)["end"], "BIGINT", "{t}.end");
    }
    assert_eq!(types("quotes")["cue_start"], "BIGINT");
    assert_eq!(types("articles")["n_chars"], "BIGINT");
    assert_eq!(types("articles")["p_favor"], "DOUBLE");
    assert_eq!(types("outlets")["ci_low"], "DOUBLE");
    assert_eq!(types("quotes")["text"], "VARCHAR");
    // no formula guard in Parquet: the id is what the input said
    let ids: Vec<&str> = got["tables"]["articles"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["article_id"].as_str())
        .collect();
    assert!(ids.contains(&"=1+1"), "{ids:?}");
    // the three-table join, computed from the CSVs
    let articles = csv_rows(&out.join("articles.csv"));
    let stance = csv_rows(&out.join("article_stance.csv"));
    let mut want: Vec<serde_json::Value> = Vec::new();
    for q in csv_rows(&out.join("quotes.csv")) {
        for a in articles
            .iter()
            .filter(|a| a["article_id"] == q["article_id"])
        {
            for s in stance.iter().filter(|s| s["article_id"] == q["article_id"]) {
                want.push(serde_json::json!([
                    q["article_id"],
                    q["quote_id"].parse::<i64>().unwrap(),
                    a["outlet"],
                    s["target"],
                    s["stance"]
                ]));
            }
        }
    }
    let key = |v: &serde_json::Value| v.to_string();
    want.sort_by_key(key);
    let mut have = got["join"].as_array().unwrap().clone();
    have.sort_by_key(key);
    assert_eq!(have, want);
    if models {
        assert!(
            !want.is_empty(),
            "the bundled article has quotes and a stance"
        );
    }
}

#[test]
fn parquet_only_shards_merge_into_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = make_corpus(tmp.path());
    let single = tmp.path().join("single");
    run(&corpus, &single, &[], false);
    let mut shards = Vec::new();
    for i in 0..2 {
        let d = tmp.path().join(format!("shard{i}"));
        run(
            &corpus,
            &d,
            &["--table-format", "parquet", "--shard", &format!("{i}/2")],
            false,
        );
        for t in TABLES {
            assert!(
                !d.join(format!("{t}.csv")).exists(),
                "parquet only: {t}.csv"
            );
            assert!(d.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
        }
        shards.push(d);
    }
    // merged as CSV, so it compares with the single run cell for cell (guard included)
    let merged = tmp.path().join("merged");
    succeed(
        bin()
            .arg("merge")
            .args(&shards)
            .arg("--out")
            .arg(&merged)
            .args(["--table-format", "both"]),
    );
    let sorted = |p: &Path| {
        let mut rows = csv_rows(p);
        rows.sort();
        rows
    };
    for t in TABLES {
        assert_eq!(
            sorted(&single.join(format!("{t}.csv"))),
            sorted(&merged.join(format!("{t}.csv"))),
            "{t}"
        );
        assert!(merged.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
    }
    // by default merge writes what the shards were written as
    let merged2 = tmp.path().join("merged2");
    let st = bin()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged2)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    assert!(merged2.join("quotes.parquet").is_file());
    assert!(!merged2.join("quotes.csv").exists());
    // the report reads Parquet-only output too
    let html = tmp.path().join("report.html");
    let st = bin()
        .arg("compare")
        .arg(&merged2)
        .arg("--html")
        .arg(&html)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    assert!(html.is_file());
}
