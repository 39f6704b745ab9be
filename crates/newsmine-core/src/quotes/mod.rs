//! Quoted statements (direct, mixed, indirect) and their speakers.
//!
//! Rule-based and deterministic: quotation marks are paired (`marks`), the text is tokenised
//! with the marks as tokens (`layout`), attributions are read around cue words from the lexicon
//! in `data/cues.txt` (`extract`, with speaker phrases from `speaker`; `not_speech` keeps out
//! what only looks like speech: figures, objects of result verbs, things, perceptions), and
//! speakers are linked to the NER stage's entities, or without NER to the fullest form of their
//! name (`resolve`).
//!
//! - **direct**: the text inside quotation marks (the span excludes the marks), with its
//!   attribution before or after it, or kept from the previous statement of the paragraph;
//! - **mixed**: a content clause of reported speech that holds quoted words (the span is the
//!   clause, marks included: `the agreements remain “valid and relevant,”`);
//! - **indirect**: a content clause of reported speech without quoted words.
//!
//! A quotation interrupted by its attribution ("“A,” he said, “B.”") gives one row per piece,
//! sharing cue and speaker. `paragraph` and `sentence` index the Doc's segmentation; when the
//! Doc has none (no text stage ran), the text stage's segmentation made here without junk
//! marking.
//!
//! Every cue has a class ([`CueClass`]: `speech`, `written`, `according_to`, `belief`,
//! `intention`, in `data/cues.txt`); a run keeps the classes of [`QuotesConfig::classes`]
//! (speech, written, according_to unless a `[quotes] include = [...]` setting adds others), and a
//! cue of a class left out is no cue at all.
pub mod lexicon;
pub mod settings;
pub use crate::doc::{CueClass, Quote, QuoteKind, SpeakerReason};
pub use lexicon::CueClasses;

mod extract;
mod layout;
pub mod marks;
mod not_speech;
pub mod resolve;
mod speaker;

use lexicon::Lexicon;
use rayon::prelude::*;
use std::path::PathBuf;

/// Settings of the quotes stage.
#[derive(Clone, Debug)]
pub struct QuotesConfig {
    /// report reported speech ("X said that …") besides quotations
    pub include_indirect: bool,
    /// the cue classes kept: a cue of another class attributes nothing (default: speech,
    /// written, according_to; `CueClasses::ALL` for attributions in PolNeAR's wide sense)
    pub classes: CueClasses,
    /// longest quotation kept, in chars: a pairing of stray marks that long is no quote
    pub max_quote_chars: usize,
    /// most paragraphs one quotation may run over
    pub max_quote_paragraphs: usize,
    /// quoted text of at most this many words with no attribution is a scare quote, not a statement
    pub scare_quote_words: usize,
    /// a quotation that opens a paragraph, with no attribution, keeps the speaker of the previous
    /// paragraph's last statement (the usual way a long quotation goes on)
    pub inherit_across_paragraphs: bool,
    /// a cue lexicon to use instead of the built-in `data/cues.txt`
    pub cue_file: Option<PathBuf>,
}

impl Default for QuotesConfig {
    fn default() -> Self {
        QuotesConfig {
            include_indirect: true,
            classes: CueClasses::DEFAULT,
            max_quote_chars: 6000,
            max_quote_paragraphs: 12,
            scare_quote_words: 2,
            inherit_across_paragraphs: true,
            cue_file: None,
        }
    }
}

/// Finds the quotes of an article and their speakers. Rule-based: no model, deterministic, and
/// total (any input gives a result, never a panic).
#[derive(Clone, Debug)]
pub struct QuoteExtractor {
    config: QuotesConfig,
    lexicon: Lexicon,
}

impl QuoteExtractor {
    pub fn new(config: QuotesConfig) -> crate::Result<Self> {
        let lexicon = match &config.cue_file {
            Some(path) => Lexicon::load(path)?,
            None => Lexicon::builtin()
                .map_err(|msg| crate::Error::Other(format!("built-in cue lexicon: {msg}")))?
                .clone(),
        };
        Ok(QuoteExtractor { config, lexicon })
    }

    pub fn config(&self) -> &QuotesConfig {
        &self.config
    }

    /// The quotes of one article, in text order. `entities` are the NER stage's mentions (may be
    /// empty: speakers are then found as name or noun phrases, and a name's canonical form is its
    /// fullest form in the article, without a label).
    pub fn extract(&self, doc: &crate::text::Doc, entities: &[crate::doc::Entity]) -> Vec<Quote> {
        extract::extract(&self.config, &self.lexicon, doc, entities)
    }
}

/// Whether each of `spans` (contents in `doc`) reads as something said: it holds a quotation,
/// opens with "that" / "whether" / "if", or is a clause (a finite verb or a past form in its
/// first words). A bare noun phrase ("the package" was announced, denied "any wrongdoing",
/// pleaded "guilty") is an attribution only in PolNeAR's wide sense, never a quote.
pub fn reads_as_statement(doc: &crate::text::Doc, spans: &[crate::text::Span]) -> Vec<bool> {
    let Some(layout) = layout::Layout::builtin(doc) else {
        return vec![true; spans.len()];
    };
    let toks = &layout.toks;
    spans
        .iter()
        .map(|span| {
            let a = toks.partition_point(|t| t.span.start < span.start);
            let b = toks.partition_point(|t| t.span.start < span.end);
            if a >= b {
                return false;
            }
            let quoted = toks[a..b].iter().any(|t| t.quote.is_some());
            let opener = matches!(toks[a].lower.as_str(), "that" | "whether" | "if");
            quoted || opener || not_speech::clause_like(toks, a, b)
        })
        .collect()
}

impl crate::component::Component for QuoteExtractor {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn uses(&self) -> &'static [(crate::component::Field, &'static str)] {
        &[(
            crate::component::Field::Entities,
            "speakers are not linked to named entities (a name is taken as written)",
        )]
    }

    fn assigns(&self) -> &'static [crate::component::Field] {
        &[crate::component::Field::Quotes]
    }

    fn process(&self, batch: &mut [crate::doc::Analysis]) -> crate::Result<()> {
        batch
            .par_iter_mut()
            .for_each(|a| a.quotes = self.extract(&a.doc, &a.entities));
        Ok(())
    }
}
