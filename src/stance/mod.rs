//! Stance toward configured targets, per unit (quote, sentence, paragraph), article, speaker, outlet.
pub use crate::doc::{ArticleStance, Probs, StanceLabel, UnitKind, UnitStance};

pub use crate::aggregate::{self, article};
pub mod component;
pub mod config;
pub mod data;
pub mod model;
