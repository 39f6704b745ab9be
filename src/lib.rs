//! newsmine: news articles in, research-grade CSV tables out.
//!
//! Stages, each a module: `corpus` (read) → `text` (clean, segment) → `ner` → `quotes` → `stance`
//! → `output`; `pipeline` runs them, `train` and `eval` build and measure the models.
pub mod aggregate;
pub mod app;
pub mod cache;
pub mod cli;
pub mod component;
pub mod config;
pub mod corpus;
pub mod doc;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod machine;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod quote_model;
pub mod quotes;
pub mod stance;
pub mod text;
pub mod train;

pub use error::{Error, Result};
