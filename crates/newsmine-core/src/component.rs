//! The stage interface: every component of the pipeline (text is run by the pipeline itself,
//! then NER, quotes, stance) implements [`Component`] over a batch of [`Analysis`], and says
//! which parts of it it needs and which it fills in, so that a pipeline can be checked before
//! it starts (as spaCy's `requires` / `assigns`).
use crate::doc::Analysis;
use crate::{Error, Result};

/// A part of [`Analysis`] that a stage fills in (the document itself, paragraphs, sentences and
/// tokens, is always there: the pipeline's text stage makes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Entities,
    Quotes,
    /// `confidence` of each quote (and the quotes below the threshold dropped)
    QuoteConfidence,
    Stance,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Entities => "entities",
            Field::Quotes => "quotes",
            Field::QuoteConfidence => "quote confidence",
            Field::Stance => "stance",
        }
    }
}

/// A pipeline stage (`Send`, not `Sync`: libtorch tensors are not shareable). Components see
/// whole batches so that model calls can be batched; when `process` fails, the pipeline runs
/// each article of the batch alone, so a bad article marks only itself.
pub trait Component: Send {
    fn name(&self) -> &'static str;
    /// What an earlier stage must have filled in: without it the run does not start.
    fn requires(&self) -> &'static [Field] {
        &[]
    }
    /// What the stage reads when an earlier stage filled it in, and does without otherwise
    /// (the run starts, with a note saying what is lost).
    fn uses(&self) -> &'static [(Field, &'static str)] {
        &[]
    }
    /// What the stage fills in.
    fn assigns(&self) -> &'static [Field];
    fn process(&self, batch: &mut [Analysis]) -> Result<()>;
    /// How the stage's run-wide cache of model outputs was used (None: it has none).
    fn cache_stats(&self) -> Option<crate::cache::Stats> {
        None
    }
}

/// Checks the order of `stages` before a run: each stage's `requires` must be assigned by an
/// earlier stage (else a usage error naming both). Returns one note per `uses` left unfilled.
pub fn check_order<'a>(stages: impl IntoIterator<Item = &'a dyn Component>) -> Result<Vec<String>> {
    let mut filled: Vec<Field> = Vec::new();
    let mut notes = Vec::new();
    for stage in stages {
        if let Some(missing) = stage.requires().iter().find(|f| !filled.contains(f)) {
            return Err(Error::Usage(format!(
                "the {} stage needs {}, which no stage before it fills in (is the stage that \
                 makes them skipped?)",
                stage.name(),
                missing.name()
            )));
        }
        for (field, lost) in stage.uses() {
            if !filled.contains(field) {
                notes.push(format!(
                    "{} runs without {}: {lost}",
                    stage.name(),
                    field.name()
                ));
            }
        }
        filled.extend_from_slice(stage.assigns());
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Stage(&'static str, &'static [Field], &'static [Field]);
    impl Component for Stage {
        fn name(&self) -> &'static str {
            self.0
        }
        fn requires(&self) -> &'static [Field] {
            self.1
        }
        fn uses(&self) -> &'static [(Field, &'static str)] {
            match self.0 {
                "quotes" => &[(Field::Entities, "names are not linked")],
                _ => &[],
            }
        }
        fn assigns(&self) -> &'static [Field] {
            self.2
        }
        fn process(&self, _: &mut [Analysis]) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_missing_requirement_stops_and_a_missing_use_is_a_note() {
        let quotes = Stage("quotes", &[], &[Field::Quotes]);
        let model = Stage("quote-model", &[Field::Quotes], &[Field::QuoteConfidence]);
        let ner = Stage("ner", &[], &[Field::Entities]);
        let notes = check_order([&quotes as &dyn Component, &model]).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("quotes runs without entities"));
        let ok = check_order([&ner as &dyn Component, &quotes, &model]).unwrap();
        assert!(ok.is_empty());
        let err = check_order([&model as &dyn Component, &quotes]).unwrap_err();
        assert!(
            err.to_string().contains("quote-model stage needs quotes"),
            "{err}"
        );
        assert_eq!(err.exit_code(), 2);
    }
}
