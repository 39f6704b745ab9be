//! `newsmine train ner`: fine-tunes the base encoder as a BIO token classifier on CoNLL files
//! (the shared tagger training, `train::tagger`, over `ner::decode::LABELS`).
use super::tagger::{train_tagger, TagTask};
use super::TrainOptions;
use crate::encoder;
use crate::encoder::tagger::WordTag;
use crate::eval::ner::score_tags;
use crate::ner::conll::{read_conll_documents, ConllSentence};
use crate::ner::decode::LABELS;
use crate::ner::model::NerModelFile;
use crate::ner::EntityLabel;
use crate::Result;
use std::path::{Path, PathBuf};

pub struct NerTrainData {
    /// read one after the other; their documents are trained on together
    pub train: Vec<PathBuf>,
    pub dev: PathBuf,
    /// train on runs of consecutive sentences of a document (document context), not sentences
    pub documents: bool,
    /// with `documents`: every sentence alone as well
    pub also_sentences: bool,
}

/// Dev F1 of the NER model (all four types), printed as the table `eval ner` prints.
fn ner_dev_score(
    dev: &[Vec<ConllSentence>],
    pred: &[Vec<Vec<WordTag>>],
) -> Result<(f64, serde_json::Value)> {
    let gold: Vec<ConllSentence> = dev.iter().flatten().cloned().collect();
    let pred: Vec<Vec<WordTag>> = pred.iter().flatten().cloned().collect();
    let report = score_tags(&gold, &pred, &EntityLabel::ALL);
    eprintln!("{report}");
    Ok((report.overall.f1(), serde_json::to_value(&report)?))
}

pub fn train(data: &NerTrainData, opts: &TrainOptions) -> Result<()> {
    let mut train = Vec::new();
    for path in &data.train {
        train.extend(read_conll_documents(path)?);
    }
    let task = TagTask {
        name: "ner",
        labels: &LABELS,
        train,
        dev: read_conll_documents(&data.dev)?,
        documents: data.documents,
        also_sentences: data.also_sentences,
        score: ner_dev_score,
        model_file: Box::new(|bert, context_tokens| {
            Ok(serde_json::to_value(NerModelFile {
                task: "ner".into(),
                labels: LABELS.iter().map(|s| s.to_string()).collect(),
                n_shapes: encoder::shape::COUNT,
                bert,
                max_tokens: 256,
                context_tokens,
            })?)
        }),
    };
    train_tagger(task, opts)
}

/// Does `dir` hold a finished model (not only a checkpoint)?
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file() && dir.join("config.json").is_file()
}
