//! newsmine: news articles in, research-grade CSV tables out.
//!
//! Stages, each a module: `corpus` (read) → `text` (clean, segment) → `ner` → `quotes` → `stance`
//! → `output`; `pipeline` runs them, `train` and `eval` build and measure the models.
pub mod corpus;
pub mod error;
pub mod eval;
pub mod ner;
pub mod pipeline;
pub mod quotes;
pub mod stance;
pub mod text;

pub use error::{Error, Result};
