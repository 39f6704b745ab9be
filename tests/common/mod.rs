//! Helpers the end-to-end test files share (each test file compiles this module on its own, so
//! a helper one file does not call is not dead code).
#![allow(dead_code)]
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The built `newsmine` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsmine"))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the shipped models are here (a clone without them skips the model checks, saying so).
pub fn models_present() -> bool {
    let ok = ["ner", "stance", "quotes", "quote_tagger"].iter().all(|m| {
        root()
            .join("models")
            .join(m)
            .join("model.safetensors")
            .is_file()
    });
    if !ok {
        eprintln!(
            "skipping model checks: models/ner, models/stance, models/quotes or models/quote_tagger not present"
        );
    }
    ok
}

/// Rows of a table as header → raw cell (the formula guard left on).
pub fn read_table(dir: &Path, name: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join(format!("{name}.csv")))
        .unwrap_or_else(|e| panic!("{name}.csv: {e}"));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Rows equal but for the probability columns `probs`, which agree to `tolerance`.
pub fn close_rows(a: &Path, b: &Path, table: &str, probs: &[&str], tolerance: f64) {
    let (x, y) = (read_table(a, table), read_table(b, table));
    assert!(!x.is_empty(), "{table}");
    assert_eq!(x.len(), y.len(), "{table}");
    for (r, s) in x.iter().zip(&y) {
        for (col, v) in r {
            if probs.contains(&col.as_str()) && *v != s[col] {
                // both present (an empty cell on one side only is a difference)
                let d = (v.parse::<f64>().unwrap() - s[col].parse::<f64>().unwrap()).abs();
                assert!(d < tolerance, "{table} {col}: {r:?} vs {s:?}");
            } else {
                assert_eq!(*v, s[col], "{table} {col}: {r:?} vs {s:?}");
            }
        }
    }
}

/// Runs `cmd` and returns its output, failing the test with its stderr unless it exits 0.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}
