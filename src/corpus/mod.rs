//! Reading articles: `.txt`, `.jsonl`, `.csv` and `.html` files, recursively from folders.
//!
//! A reader yields `Result<Article, InputError>` per record: a bad record becomes an `errors.csv`
//! row and the run goes on.
pub mod html;
pub mod readers;

pub use readers::{content_id, read_inputs, Format, ReadOptions, DEFAULT_MAX_BYTES};

use serde::Serialize;

/// One article as read from the input. `text` is what every offset refers to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Article {
    /// position in the input stream (0-based); output order follows it
    pub index: u64,
    /// the given id, else a content hash
    pub id: String,
    pub outlet: String,
    pub published: String,
    pub title: String,
    pub url: String,
    /// where it came from: file path, plus `:LINE` for JSONL and CSV records
    pub source: String,
    pub text: String,
    /// notes on the input that did not stop it (e.g. invalid UTF-8 decoded lossily)
    pub warnings: Vec<String>,
    /// `text` was extracted from markup (HTML), so it is not in the input as such: it is written
    /// to `texts.jsonl`, which the offsets refer to
    pub extracted: bool,
    /// author names, `; `-separated (from HTML metadata; empty when unknown)
    pub authors: String,
    /// the language the page declares (`en`, `en-GB`; HTML only, empty when unknown)
    pub language: String,
    /// char spans of `text` the reader knows are not prose (HTML captions and bylines): the text
    /// stage marks them as junk, like the page junk it finds itself
    pub junk: Vec<(usize, usize, &'static str)>,
}

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
