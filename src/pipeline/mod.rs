//! The pipeline: a list of named components run over batches of analysed articles.
pub mod run;

pub use run::{run, Pipeline, RunConfig, RunSummary};

use crate::corpus::Article;
use crate::ner::Entity;
use crate::quotes::Quote;
use crate::stance::{ArticleStance, UnitStance};
use crate::text::Doc;
use crate::Result;

/// Everything known about one article as it moves through the stages.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub article: Article,
    pub doc: Doc,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub stance: Vec<UnitStance>,
    /// one per target, in config order
    pub article_stance: Vec<ArticleStance>,
    /// (stage, message) for a stage that failed on this article; the article still gets its rows
    pub failures: Vec<(String, String)>,
}

/// A pipeline stage (`Send`, not `Sync`: libtorch tensors are not shareable). Components see whole batches so that model calls can be batched; a problem
/// with one article goes to its `failures`, never fails the batch.
pub trait Component: Send {
    fn name(&self) -> &'static str;
    fn process(&self, batch: &mut [Analysis]) -> Result<()>;
}
