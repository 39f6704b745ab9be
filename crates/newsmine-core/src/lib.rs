//! newsmine's model-free layer: the document model every stage reads and assigns (`doc`), the
//! stage interface (`component`), reading (`corpus`), cleaning and segmentation (`text`), the
//! rule-based quotes and speakers (`quotes`), aggregation (`aggregate`) and the tables
//! (`output`). Nothing here links libtorch; the `newsmine` crate adds the models on top and
//! re-exports these modules under the same names.
pub mod aggregate;
pub mod cache;
pub mod component;
pub mod config;
pub mod corpus;
pub mod doc;
pub mod error;
pub mod machine;
pub mod output;
pub mod quotes;
pub mod text;

pub use error::{Error, Result};
