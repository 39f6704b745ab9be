//! The pipeline: a list of named components run over batches of analysed articles.
mod finish;
mod merge;
pub mod progress;
pub mod run;

pub use run::{run, Pipeline, RunConfig, RunSummary, Shard};

pub use crate::component::Component;
pub use crate::doc::Analysis;
