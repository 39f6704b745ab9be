//! Evaluation commands: scores of each stage against annotated data.
pub mod article_stance;
pub mod html;
pub mod metrics;
pub mod ner;
pub mod quote_model;
pub mod quotes;
pub mod stance;
