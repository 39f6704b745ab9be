//! The stage interface: every component of the pipeline (text is run by the pipeline itself,
//! then NER, quotes, stance) implements [`Component`] over a batch of [`Analysis`].
use crate::doc::Analysis;
use crate::Result;

/// A pipeline stage (`Send`, not `Sync`: libtorch tensors are not shareable). Components see
/// whole batches so that model calls can be batched; when `process` fails, the pipeline runs
/// each article of the batch alone, so a bad article marks only itself.
pub trait Component: Send {
    fn name(&self) -> &'static str;
    fn process(&self, batch: &mut [Analysis]) -> Result<()>;
    /// How the stage's run-wide cache of model outputs was used (None: it has none).
    fn cache_stats(&self) -> Option<crate::cache::Stats> {
        None
    }
}
