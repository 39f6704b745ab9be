//! Quoted statements (direct, mixed, indirect) and their speakers.
use crate::text::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Mixed,
    Indirect,
}

impl QuoteKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Mixed => "mixed",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// One statement with its attribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// 0-based index within the article, in text order
    pub id: usize,
    pub kind: QuoteKind,
    /// the statement's content (for direct quotes: inside the marks)
    pub span: Span,
    pub text: String,
    /// the cue word or phrase ("said", "according to") and where it is
    pub cue: Option<(String, Span)>,
    /// the speaker mention as written ("the ministry", "he", "Hugh Hill")
    pub speaker: Option<(String, Span)>,
    /// the entity the speaker refers to, if resolved
    pub speaker_canonical: Option<String>,
    pub speaker_label: Option<String>,
    /// why there is no (resolved) speaker, when there is none
    pub reason: Option<String>,
    pub paragraph: usize,
    pub sentence: usize,
}

pub mod lexicon;
