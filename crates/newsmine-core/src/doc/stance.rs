//! Stance of units and articles toward targets (assigned by the `stance` stage).
use super::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceLabel {
    Favor,
    Against,
    Neutral,
    NotRelevant,
}

impl StanceLabel {
    pub fn as_str(&self) -> &'static str {
        match self {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            StanceLabel::Neutral => "neutral",
            StanceLabel::NotRelevant => "not_relevant",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Quote,
    Sentence,
    Paragraph,
}

/// Class probabilities (favor, against, neutral), summing to 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Probs {
    pub favor: f32,
    pub against: f32,
    pub neutral: f32,
}

impl Probs {
    /// The most probable class: 0 favor, 1 against, 2 neutral (ties go to favor, then against).
    pub fn argmax(&self) -> usize {
        if self.favor >= self.against && self.favor >= self.neutral {
            0
        } else if self.against >= self.neutral {
            1
        } else {
            2
        }
    }

    /// [`Probs::argmax`] as a label.
    pub fn label(&self) -> StanceLabel {
        [
            StanceLabel::Favor,
            StanceLabel::Against,
            StanceLabel::Neutral,
        ][self.argmax()]
    }
}

/// Stance of one unit toward one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitStance {
    pub unit: UnitKind,
    /// quote id for quotes, sentence or paragraph index otherwise
    pub unit_id: usize,
    pub span: Span,
    pub target: String,
    pub stance: StanceLabel,
    pub probs: Probs,
    /// 0..1, how relevant the unit is to the target
    pub relevance: f32,
}

/// Stance of a whole article toward one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleStance {
    pub target: String,
    pub stance: StanceLabel,
    pub probs: Probs,
    pub relevant_units: usize,
    /// relevance-weighted `p_favor − p_against` of the author's own sentences (not quotes)
    pub voice_score: Option<f32>,
    /// whether the learned article model decided (else the margin rule)
    pub learned: bool,
}
