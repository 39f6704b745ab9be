//! Who speaks for a cue in its sentence: the subject before a finite cue (not a passive: "Smith
//! was told"), and for a participle or a second verb ("…, adding", "X thanked Miami and said")
//! the subject of the main clause, which is the speaker of an earlier cue of the sentence when
//! there is one.
use super::super::layout::Tok;
use super::super::lexicon::class;
use super::super::speaker::{self, Np, NpKind};
use super::context::MAX_CLAUSE_TOKENS;
use super::context::{ends_clause, is_adverbial_conjunction, is_dash, is_separator, Ctx};
use super::Found;

/// The subject of a finite cue, rejecting passives ("Smith was told") for past participles;
/// in "X thanked Miami and said …" the subject of the first verb.
pub(super) fn subject(cx: &Ctx, found: &Found, cue: usize, lo: usize) -> Option<Np> {
    let toks = cx.toks;
    let mut k = cue;
    while k > lo && cue - k < 4 && toks[k - 1].is_word() && toks[k - 1].is(class::AUX) {
        k -= 1;
    }
    if k > lo + 1
        && toks[k - 1].is_word()
        && matches!(toks[k - 1].lower.as_str(), "and" | "but")
        && !speaker::namey(toks, k - 2)
    {
        return main_subject(cx, found, lo, k - 1);
    }
    // passive: a form of "be" among the auxiliaries right before the cue ("was told"), not
    // in an apposition ("Verveer, who was her chief of staff, said")
    let passive = !cx.participle(cue) && (k..cue).any(|m| toks[m].is(class::BE));
    if passive {
        return None;
    }
    speaker::subject_before(toks, cue, lo)
}

/// The speaker of the cue at `i`: its subject, or for a participle after a comma or an
/// adverbial conjunction ("…, adding", "before saying") the main clause's.
pub(super) fn speaker_of(cx: &Ctx, found: &Found, i: usize, lo: usize) -> Option<Np> {
    let toks = cx.toks;
    let after_comma = i > lo && (ends_clause(toks, i - 1) || is_dash(&toks[i - 1]));
    if cx.participle(i) {
        if after_comma || (i > lo && is_adverbial_conjunction(&toks[i - 1])) {
            main_subject(cx, found, lo, i)
        } else if i > lo && toks[i - 1].is(class::AUX) {
            subject(cx, found, i, lo) // "is saying"
        } else {
            None
        }
    } else {
        subject(cx, found, i, lo)
    }
}

/// The subject of the main clause, for a participle cue at `i` ("the ministry …, adding"):
/// the speaker of an earlier cue in the sentence, else the sentence's first phrase.
pub(super) fn main_subject(cx: &Ctx, found: &Found, lo: usize, i: usize) -> Option<Np> {
    if let Some(np) = found.last_speaker_in(lo, i) {
        return Some(np.clone());
    }
    // a window: a sentence without full stops may be a whole page
    let lo = lo.max(i.saturating_sub(MAX_CLAUSE_TOKENS));
    // the first phrase at the start of the sentence or after a comma or dash that a verb
    // follows: not "Speaking at a rally", "Hours after the vote" or "WASHINGTON (AP) —". A
    // plain verb form (an auxiliary, a cue, "-ed", "-s") is preferred to any other word.
    let toks = cx.toks;
    let starts: Vec<usize> = std::iter::once(lo)
        .chain((lo..i).filter(|&k| is_separator(&toks[k])).map(|k| k + 1))
        .collect();
    let opens = |k: usize| {
        toks[k].is_word()
            && toks[k].quote.is_none()
            && (!toks[k].is(class::STOP) || toks[k].is(class::DET | class::PRONOUN))
    };
    let mut loose = None;
    for &start in &starts {
        // the phrase may follow a word or two ("But", "Rival Hillary Clinton")
        for k in (start..i.min(start + 3)).filter(|&k| opens(k)) {
            let Some(np) =
                speaker::starting_at(toks, k, i).filter(|np| np.kind != NpKind::Relative)
            else {
                continue;
            };
            let Some(next) = toks
                .get(np.last + 1)
                .filter(|t| np.last + 1 < i && t.is_word() && !t.possessive())
            else {
                continue;
            };
            if verb_form(next) {
                return Some(np);
            }
            if loose.is_none() && !next.is(class::STOP | class::NOMINAL | class::TIME) {
                loose = Some(np);
            }
        }
    }
    loose
}

/// A plain verb form after a subject: an auxiliary, a cue, or a lower-case "-ed" or "-s" word
/// that is no noun of the lexicon.
fn verb_form(next: &Tok) -> bool {
    next.is(class::AUX | class::CUE | class::TOLD)
        || (!next.cap
            && (next.lower.ends_with("ed") || next.lower.ends_with('s'))
            && !next.is(class::NOMINAL | class::TIME))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{layout, tok};
    use super::*;
    use crate::quotes::{Lexicon, QuotesConfig};

    /// The text of the speaker `f` finds for the first token `cue` of `text`.
    fn speaker(text: &str, cue: &str, f: fn(&Ctx, &Found, usize, usize) -> Option<Np>) -> String {
        let l = layout(text);
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let found = Found::new(&cx);
        f(&cx, &found, tok(&l, cue), 0)
            .map(|np| l.text(np.span(&l.toks)))
            .unwrap_or_default()
    }

    #[test]
    fn subjects_and_passives() {
        assert_eq!(
            speaker("The ministry has also said it.", "said", subject),
            "The ministry"
        );
        assert_eq!(speaker("Smith was told to leave.", "told", subject), "");
        assert_eq!(
            speaker(
                "Hill thanked the fans and said it was over.",
                "said",
                subject
            ),
            "Hill"
        );
    }

    #[test]
    fn participles_take_the_main_clause_s_subject() {
        assert_eq!(
            speaker(
                "The ministry welcomed the deal, adding that talks go on.",
                "adding",
                speaker_of
            ),
            "The ministry"
        );
        assert_eq!(
            speaker(
                "Hill left before saying that it was over.",
                "saying",
                speaker_of
            ),
            "Hill"
        );
        assert_eq!(
            speaker("Hill is saying that it was over.", "saying", speaker_of),
            "Hill"
        );
        // a participle without a comma, conjunction or auxiliary has no speaker
        assert_eq!(
            speaker("Saying that it was over.", "saying", speaker_of),
            ""
        );
    }

    #[test]
    fn an_earlier_cue_s_speaker_comes_first() {
        let text = "Speaking at a rally, Hill said it was over, adding that it was time.";
        let l = layout(text);
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let mut found = Found::new(&cx);
        let adding = tok(&l, "adding");
        let main = main_subject(&cx, &found, 0, adding).unwrap();
        assert_eq!(l.text(main.span(&l.toks)), "Hill");
        let said = tok(&l, "said");
        let mut other = main.clone();
        other.first = tok(&l, "rally");
        other.last = other.first;
        found.cue_speakers.insert(said, other);
        let np = main_subject(&cx, &found, 0, adding).unwrap();
        assert_eq!(l.text(np.span(&l.toks)), "rally");
    }
}
