//! Headlines and transcripts: "Graham: Trump’s ‘Hateful Rhetoric’ Destroying GOP’s Chance" (a
//! headline), "TRUMP: We will win." (a transcript): a short name or noun phrase opening a
//! paragraph, a colon (the cue), and what was said. Labels ("Editor’s note:") and tallies
//! ("Clinton: 1,769.") are no statements.
use super::super::lexicon::{class, CueClass};
use super::super::speaker::{self, Np, NpKind};
use super::clause::{clause, push_content};
use super::context::Ctx;
use super::Found;

/// Heads of paragraph labels before a colon ("Editor’s note:", "Correction:"): no speakers.
const LABELS: [&str; 12] = [
    "note",
    "notes",
    "notice",
    "update",
    "updates",
    "correction",
    "clarification",
    "disclosure",
    "disclaimer",
    "related",
    "source",
    "sources",
];
/// The longest speaker phrase before the colon, in tokens less one.
const MAX_HEAD_TOKENS: usize = 9;

/// Records the statement of every paragraph that opens with a speaker and a colon.
pub(super) fn find(cx: &Ctx, found: &mut Found) {
    let toks = cx.toks;
    for p in 0..cx.l.paragraphs.len() {
        let (_, phi) = cx.l.para_toks(p);
        let Some((np, colon)) = speaker_and_colon(cx, p) else {
            continue;
        };
        let hi =
            cx.l.sentence_toks(toks[colon + 1].sent)
                .1
                .clamp(colon + 1, phi);
        // "Editor’s note: …", "Update: …": a label, not a speaker
        if LABELS.contains(&toks[np.last].lower.as_str()) {
            continue;
        }
        // "Clinton: 1,769.": a tally, not a statement
        let words = |(a, b): (usize, usize)| {
            (a..b)
                .filter(|&k| toks[k].is_word() && toks[k].lower.chars().any(char::is_alphabetic))
                .count()
        };
        if let Some(range) = clause(cx, colon + 1, hi).filter(|&r| words(r) >= 2) {
            found.mark_used((colon, colon));
            push_content(cx, found, range, (colon, colon), CueClass::Speech, np);
        }
    }
}

/// The speaker phrase that opens paragraph `p` and the colon after it, with words after the
/// colon: a name or a nominal of the lexicon, not a pronoun or a time ("Monday:").
fn speaker_and_colon(cx: &Ctx, p: usize) -> Option<(Np, usize)> {
    let toks = cx.toks;
    let (plo, phi) = cx.l.para_toks(p);
    let np = speaker::starting_at(toks, plo, phi)?;
    let mut colon = np.last + 1;
    // "CNN President On Trump: …"
    if colon < phi && toks[colon].lower == "on" {
        if let Some(topic) = speaker::starting_at(toks, colon + 1, phi) {
            colon = topic.last + 1;
        }
    }
    if np.first != plo
        || colon + 1 >= phi
        || !toks[colon].is_punct(":")
        || colon - np.first > MAX_HEAD_TOKENS
    {
        return None;
    }
    let no_speaker = matches!(
        np.kind,
        NpKind::Nominal(0) | NpKind::Pronoun(_) | NpKind::Relative
    );
    (!no_speaker && !toks[np.head].is(class::TIME)).then_some((np, colon))
}

#[cfg(test)]
mod tests {
    use super::super::testing::kinds;

    fn heads(text: &str) -> Vec<(String, String)> {
        kinds(text)
            .into_iter()
            .filter(|r| r.2 == ":")
            .map(|r| (r.1, r.3))
            .collect()
    }

    #[test]
    fn a_speaker_and_a_colon_open_a_statement() {
        assert_eq!(
            heads("TRUMP: We will win the state.\n\nCLINTON: No, you will not."),
            [
                ("We will win the state".to_string(), "TRUMP".to_string()),
                ("No, you will not".to_string(), "CLINTON".to_string())
            ]
        );
        assert_eq!(
            heads("CNN President On Trump: He is a great candidate."),
            [(
                "He is a great candidate".to_string(),
                "CNN President".to_string()
            )]
        );
    }

    #[test]
    fn labels_tallies_and_times_are_no_speakers() {
        assert!(heads("Editor’s note: This story was updated.").is_empty());
        assert!(heads("Clinton: 1,769.").is_empty());
        assert!(heads("Monday: The talks go on.").is_empty());
        assert!(heads("He: We will win the state.").is_empty());
    }
}
