//! newsmine: news articles in, research-grade CSV tables out.
//!
//! Stages, each a module: `corpus` (read) → `text` (clean, segment) → `ner` → `quotes` → `stance`
//! → `output`; `pipeline` runs them, `train` and `eval` build and measure the models. The
//! model-free modules live in the `newsmine-core` crate (crates/newsmine-core, no libtorch) and
//! are re-exported here under their own names, so `newsmine::doc` is `newsmine_core::doc`.
pub use newsmine_core::{
    aggregate, cache, component, config, corpus, doc, error, machine, output, quotes, text,
};
pub mod app;
pub mod cli;
pub mod encoder;
pub mod eval;
pub mod ner;
pub mod pipeline;
pub mod quote_model;
pub mod quote_tagger;
pub mod stance;
pub mod train;

pub use error::{Error, Result};
