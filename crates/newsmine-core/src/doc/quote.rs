//! Quoted statements with their attribution (assigned by the `quotes` stage).
use super::{EntityLabel, Span};
use serde::{Deserialize, Serialize};

/// What kind of attribution a cue makes. The default output keeps the first three (what quote
/// datasets mean by a quote); `belief`, `intention` and `other` are attributions in PolNeAR's
/// wide sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueClass {
    /// say, tell, announce, deny, warn; a colon or dash before quoted words
    Speech,
    /// write, tweet, post, report
    Written,
    /// "according to X"
    AccordingTo,
    /// think, believe, hope, found, showed; an attitude toward an object (endorse, condemn)
    Belief,
    /// plan, decide, vow to, want, call for: a plan is no statement unless it was announced
    Intention,
    /// a cue the lexicon does not list, found by the quote tagger ("the poll shows", "described
    /// it as", "in a statement"), before words that are not in quotation marks
    Other,
}

impl CueClass {
    pub const ALL: [CueClass; 6] = [
        CueClass::Speech,
        CueClass::Written,
        CueClass::AccordingTo,
        CueClass::Belief,
        CueClass::Intention,
        CueClass::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            CueClass::Speech => "speech",
            CueClass::Written => "written",
            CueClass::AccordingTo => "according_to",
            CueClass::Belief => "belief",
            CueClass::Intention => "intention",
            CueClass::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<CueClass> {
        CueClass::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

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

/// Why a quote has no (resolved) speaker: `speaker_reason` in quotes.csv (docs/SCHEMA.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpeakerReason {
    /// a speaker phrase that resolves to nothing: a pronoun without an antecedent, a noun phrase
    /// ("the ministry", "the statement") the article ties to no name
    Unresolved,
    /// an anonymous source: "a source", "officials"
    UnnamedSpeaker,
    /// "I", "we", "you"
    FirstOrSecondPerson,
    /// a quotation with no attribution of its own and none to borrow
    NoCueOrSpeakerNear,
    /// a statement without a speaker whose pass gave no reason (no pass leaves one so today)
    NoSpeakerFound,
}

impl SpeakerReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            SpeakerReason::Unresolved => "unresolved",
            SpeakerReason::UnnamedSpeaker => "unnamed speaker",
            SpeakerReason::FirstOrSecondPerson => "first- or second-person pronoun",
            SpeakerReason::NoCueOrSpeakerNear => "no cue or speaker near the quote",
            SpeakerReason::NoSpeakerFound => "no speaker found",
        }
    }
}

/// Serialized as its `as_str()`, the text quotes.csv has.
impl Serialize for SpeakerReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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
    /// the class of the cue in the role it played (`None` without a cue)
    pub cue_class: Option<CueClass>,
    /// the speaker mention as written ("the ministry", "he", "Hugh Hill")
    pub speaker: Option<(String, Span)>,
    /// the entity the speaker refers to, if resolved
    pub speaker_canonical: Option<String>,
    /// the label of that entity (`None` when it is no NER entity)
    pub speaker_label: Option<EntityLabel>,
    /// why there is no (resolved) speaker, when there is none
    pub reason: Option<SpeakerReason>,
    pub paragraph: usize,
    pub sentence: usize,
    /// the quote model's probability that this is a real attribution (`None` when the model
    /// did not run: rules only)
    pub confidence: Option<f32>,
}

/// The rows of `quotes` grouped into statements: a quotation interrupted by its attribution
/// ("“A,” he said, “B.”") is one row per piece sharing one cue, so rows with the same cue span
/// are one statement; a row without a cue stands alone. Groups in order of their first row, rows
/// in text order within a group.
pub fn statements(quotes: &[Quote]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_cue: std::collections::HashMap<(usize, usize), usize> = Default::default();
    for (k, q) in quotes.iter().enumerate() {
        match &q.cue {
            Some((_, c)) => match by_cue.get(&(c.start, c.end)) {
                Some(&g) => groups[g].push(k),
                None => {
                    by_cue.insert((c.start, c.end), groups.len());
                    groups.push(vec![k]);
                }
            },
            None => groups.push(vec![k]),
        }
    }
    groups
}
