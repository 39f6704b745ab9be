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
