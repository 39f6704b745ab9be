//! Reading articles: `.txt`, `.jsonl`, `.csv` and `.html` files, recursively from folders.
//!
//! A reader yields `Result<Article, InputError>` per record: a bad record becomes an `errors.csv`
//! row and the run goes on.
pub mod html;
pub mod readers;

pub use readers::{content_id, read_inputs, Format, ReadOptions, DEFAULT_MAX_BYTES};

pub use crate::doc::Article;
use serde::Serialize;

/// A record that could not become an article (or a warning about one that did).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputError {
    pub source: String,
    /// record number within the file (line of JSONL, row of CSV), empty for whole files
    pub record: String,
    /// short machine-readable kind: `empty`, `binary`, `too_large`, `malformed_json`, …
    pub kind: String,
    pub message: String,
}
