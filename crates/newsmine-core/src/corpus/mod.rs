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
    pub kind: InputErrorKind,
    pub message: String,
}

/// What went wrong with a record, as `errors.csv` `kind` names it (docs/SCHEMA.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputErrorKind {
    /// the text, the file or the page's article text is empty or only whitespace
    Empty,
    /// not text (NUL bytes, UTF-16, undecodable)
    Binary,
    /// a record or file over the size limit
    TooLarge,
    MalformedJson,
    MalformedCsv,
    /// no usable `text` field or column
    MissingText,
    /// a file whose format is not known
    Unsupported,
    /// the HTML page could not be read
    Html,
    Io,
    /// an id already used by an earlier record (which is kept)
    DuplicateId,
}

impl InputErrorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            InputErrorKind::Empty => "empty",
            InputErrorKind::Binary => "binary",
            InputErrorKind::TooLarge => "too_large",
            InputErrorKind::MalformedJson => "malformed_json",
            InputErrorKind::MalformedCsv => "malformed_csv",
            InputErrorKind::MissingText => "missing_text",
            InputErrorKind::Unsupported => "unsupported",
            InputErrorKind::Html => "html",
            InputErrorKind::Io => "io",
            InputErrorKind::DuplicateId => "duplicate_id",
        }
    }
}

impl std::fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialized as its `as_str()` (the `--format jsonl` error lines).
impl Serialize for InputErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
