//! Evaluation commands: scores of each stage against annotated data.
pub mod metrics;
pub mod ner;
pub mod quotes;
pub mod stance;
