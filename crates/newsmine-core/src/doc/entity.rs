//! Named-entity mentions (assigned by the `ner` stage).
use super::Span;
use serde::Serialize;

/// Entity types (CoNLL-2003).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityLabel {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityLabel {
    pub const ALL: [EntityLabel; 4] = [
        EntityLabel::PER,
        EntityLabel::ORG,
        EntityLabel::LOC,
        EntityLabel::MISC,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityLabel::PER => "PER",
            EntityLabel::ORG => "ORG",
            EntityLabel::LOC => "LOC",
            EntityLabel::MISC => "MISC",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PER" => Some(EntityLabel::PER),
            "ORG" => Some(EntityLabel::ORG),
            "LOC" => Some(EntityLabel::LOC),
            "MISC" => Some(EntityLabel::MISC),
            _ => None,
        }
    }
}

/// One entity mention in an article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// 0-based index within the article, in text order
    pub id: usize,
    /// index into `Doc::sentences`
    pub sentence: usize,
    pub span: Span,
    /// `text == article.text[span]`, always
    pub text: String,
    pub label: EntityLabel,
    /// mean probability of the mention's word labels
    pub score: f32,
    /// the fullest name of this entity in the article ("Pashinian" → "Nikol Pashinian")
    pub canonical: String,
    /// normalised form of `canonical`, for counting across articles
    pub key: String,
}
