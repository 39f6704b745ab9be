//! The NER model: its file, its settings and the loaded model (a [`TaggerNet`] over `LABELS`).
use super::decode::LABELS;
use crate::cache::Cache;
use crate::encoder;
pub use crate::encoder::tagger::{
    concat, encode_words, make_batch, pack, plan_batches, predict_documents, predict_words,
    Batching, Encoded, TaggerNet, WordTag, TOKENS_PER_CALL,
};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tch::{nn, Device};
use tokenizers::Tokenizer;

/// `config.json` of a trained NER model folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NerModelFile {
    pub task: String,
    pub labels: Vec<String>,
    pub n_shapes: i64,
    /// the base encoder's BERT config (architecture of the body)
    pub bert: serde_json::Value,
    pub max_tokens: usize,
    /// Document context: consecutive sentences of an article are packed into one model input of
    /// at most this many word pieces, as in training (`train ner --documents`); 0: each sentence
    /// alone (models trained before this existed).
    #[serde(default)]
    pub context_tokens: usize,
}

/// Settings of the NER stage.
#[derive(Clone, Debug)]
pub struct NerConfig {
    /// folder with `model.safetensors` and `config.json` (default: the shipped `models/ner`)
    pub model_dir: PathBuf,
    /// base encoder folder (default: installed by set-up)
    pub base_dir: Option<PathBuf>,
    /// sentences (windows) per forward pass
    pub batch_size: usize,
    /// longest window in word pieces, special tokens included; longer sentences are windowed
    pub max_tokens: usize,
    pub device: Device,
    /// run the encoder in bfloat16 (faster on CPUs with AMX/AVX512-BF16)
    pub bf16: bool,
    /// sentences whose labels the stage keeps for the rest of the run (0: no cache)
    pub cache_entries: usize,
}

/// Sentences the NER stage remembers by default: about 16 MB with news-length sentences (a digest
/// and a label per word each), more than the distinct sentences of the 2,225 BBC articles.
pub const CACHE_ENTRIES: usize = 1 << 16;

impl NerConfig {
    /// How prediction batches (the part of the settings the tagger reads).
    pub fn batching(&self) -> Batching {
        Batching {
            batch_size: self.batch_size,
            max_tokens: self.max_tokens,
            device: self.device,
        }
    }
}

impl Default for NerConfig {
    fn default() -> Self {
        NerConfig {
            model_dir: crate::encoder::default_model_dir("ner"),
            base_dir: None,
            batch_size: 32,
            max_tokens: 256,
            device: encoder::device(),
            bf16: false,
            cache_entries: CACHE_ENTRIES,
        }
    }
}

/// A loaded NER model.
pub struct NerModel {
    // Kept alive: the network's tensors live in it.
    _vs: nn::VarStore,
    net: TaggerNet,
    tokenizer: Tokenizer,
    config: NerConfig,
    /// pieces of document context per model input (`NerModelFile::context_tokens`; 0: none)
    pub context_tokens: usize,
    pub files: Vec<PathBuf>,
    /// labels of the inputs seen so far in the run, by their words (see `ner::tag_batch`)
    pub(super) cache: Cache<Vec<Vec<WordTag>>>,
}

impl NerModel {
    pub fn new(config: NerConfig) -> Result<Self> {
        let folder = encoder::open_task_folder::<NerModelFile>(
            "NER",
            "--ner-model",
            "ner",
            &config.model_dir,
            config.base_dir.as_deref(),
            |f| &f.bert,
        )?;
        let (vs, net) = crate::encoder::tagger::load_tagger(
            &folder,
            &folder.file.labels,
            &LABELS,
            config.device,
            config.bf16,
        )?;
        let (tokenizer, files) = (folder.tokenizer, folder.files);
        Ok(NerModel {
            _vs: vs,
            net,
            tokenizer,
            cache: Cache::new(config.cache_entries),
            config,
            context_tokens: folder.file.context_tokens,
            files,
        })
    }

    /// Labels for each word of each sentence, the sentences unrelated (each its own input).
    pub fn predict<W: AsRef<[S]>, S: AsRef<str>>(
        &self,
        sentences: &[W],
    ) -> Result<Vec<Vec<WordTag>>> {
        predict_words(
            &self.net,
            &self.tokenizer,
            &self.config.batching(),
            sentences,
        )
    }

    /// Labels for each word of each sentence of each document (`[document][sentence]`), the
    /// sentences of a document seen together as the model was trained (see `context_tokens`).
    pub fn predict_documents<D: AsRef<[W]>, W: AsRef<[S]>, S: AsRef<str>>(
        &self,
        docs: &[D],
    ) -> Result<Vec<Vec<Vec<WordTag>>>> {
        predict_documents(
            &self.net,
            &self.tokenizer,
            &self.config.batching(),
            self.context_tokens,
            docs,
        )
    }
}
