//! Pass 3: the quotations no attribution took. Titles and scare quotes (one or two words) are
//! dropped; the others keep the speaker of the previous statement in their paragraph
//! (consecutive quotes) or, opening a paragraph, of the previous paragraph's last statement;
//! else they have no speaker and say why.
use super::super::layout::Tok;
use super::super::lexicon::class;
use super::super::{QuoteKind, SpeakerReason};
use super::context::Ctx;
use super::{Found, Stmt};

/// Function words allowed lower-case in a title ("The Art of the Deal").
const TITLE_SMALL: [&str; 15] = [
    "of", "the", "a", "an", "and", "or", "in", "on", "for", "to", "with", "at", "by", "from", "vs",
];
/// Quoted words inside a sentence with no cue or speaker near them, at most this many, are a
/// term, not a statement (PolNeAR train: two thirds of them matched no attribution).
const MIXED_SCARE_WORDS: usize = 4;
/// How many statements before and after a quotation are looked at for a consecutive source.
const CONSECUTIVE_REACH: usize = 8;

/// Where a quotation without attribution gets its speaker from.
enum Source<'s> {
    /// the previous (else the next) statement of its paragraph: its cue and speaker
    Consecutive(&'s Stmt),
    /// the last statement of the previous paragraph, which the quotation goes on: its speaker
    Continued(&'s Stmt),
    /// nobody: a row without a speaker
    Nobody,
    /// a few quoted words inside the writer's sentence with nobody to say them: no statement
    Term,
}

/// Records the quotations that are statements without an attribution of their own.
pub(super) fn find(cx: &Ctx, found: &mut Found) {
    // the statements with a speaker so far, in text order: the sources of consecutive quotes
    let mut attributed: Vec<Stmt> = found
        .stmts
        .iter()
        .filter(|s| s.speaker.is_some())
        .cloned()
        .collect();
    attributed.sort_by_key(|s| s.span.start);
    for q in 0..cx.l.quotes.len() {
        if found.consumed[q] {
            continue;
        }
        let Some(o) = cx.open_of(q) else { continue };
        let words = cx.quote_words(q, o);
        if words <= cx.cfg.scare_quote_words || is_title(cx, q, o) {
            continue;
        }
        let kind = kind_of(cx, q, o);
        let mut stmt = Stmt {
            kind,
            span: cx.l.quotes[q].inner,
            cue: None,
            class: None,
            speaker: None,
            reason: Some(SpeakerReason::NoCueOrSpeakerNear),
        };
        match source(cx, &attributed, (q, o), kind, words) {
            Source::Consecutive(src) => {
                stmt.cue = src.cue;
                stmt.class = src.class;
                stmt.speaker = src.speaker.clone();
                stmt.reason = None;
            }
            Source::Continued(src) => {
                stmt.speaker = src.speaker.clone();
                stmt.reason = None;
            }
            Source::Nobody => {}
            Source::Term => continue,
        }
        found.consumed[q] = true;
        found.push(stmt);
    }
}

/// A quotation that opens its sentence (or follows a colon or dash) or starts with a capital is
/// direct; one inside the writer's sentence is mixed.
fn kind_of(cx: &Ctx, q: usize, o: usize) -> QuoteKind {
    let toks = cx.toks;
    let (plo, _) = cx.l.para_toks(toks[o].para);
    let opens_sentence = o == plo
        || toks[o - 1].sent != toks[o].sent
        || matches!(toks[o - 1].lower.as_str(), ":" | "—" | "–");
    let upper =
        cx.l.chars
            .get(cx.l.quotes[q].inner.start)
            .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic());
    if opens_sentence || upper {
        QuoteKind::Direct
    } else {
        QuoteKind::Mixed
    }
}

/// The source of quotation `q` whose opening mark is token `o` (`words` words, of `kind`).
fn source<'s>(
    cx: &Ctx,
    attributed: &'s [Stmt],
    (q, o): (usize, usize),
    kind: QuoteKind,
    words: usize,
) -> Source<'s> {
    let toks = cx.toks;
    let para = toks[o].para;
    let start = cx.l.quotes[q].inner.start;
    let (plo, _) = cx.l.para_toks(para);
    if let Some(src) = consecutive_source(cx, attributed, para, start) {
        return Source::Consecutive(src);
    }
    if kind == QuoteKind::Mixed && words <= MIXED_SCARE_WORDS {
        // "law and order", "cover-up in plain sight": a term, not a statement
        return Source::Term;
    }
    if cx.cfg.inherit_across_paragraphs && o == plo && para > 0 {
        // a quotation that opens a paragraph goes on with the previous paragraph's speaker
        let before = attributed.partition_point(|s| s.span.start < start);
        let last = attributed[..before]
            .iter()
            .rev()
            .take_while(|s| cx.l.paragraph_at(s.span.start) + 1 >= para)
            .find(|s| cx.l.paragraph_at(s.span.end.saturating_sub(1)) + 1 == para);
        if let Some(src) = last {
            return Source::Continued(src);
        }
    }
    Source::Nobody
}

/// The statement whose speaker a quotation of paragraph `para` starting at `start` keeps:
/// the previous one of the paragraph, else the next (a quotation run over paragraphs belongs
/// to its first and its last).
fn consecutive_source<'s>(
    cx: &Ctx,
    attributed: &'s [Stmt],
    para: usize,
    start: usize,
) -> Option<&'s Stmt> {
    let in_para = |s: &Stmt| {
        cx.l.paragraph_at(s.span.start) == para
            || cx.l.paragraph_at(s.span.end.saturating_sub(1)) == para
    };
    let at = attributed.partition_point(|s| s.span.start < start);
    let prev = attributed[..at]
        .iter()
        .rev()
        .take(CONSECUTIVE_REACH)
        .find(|s| in_para(s));
    prev.or_else(|| {
        attributed[at..]
            .iter()
            .take(CONSECUTIVE_REACH)
            .find(|s| in_para(s))
    })
}

/// The title of a work: announced ("the book “…”", "titled “…”") or in Title Case in the
/// middle of a sentence, short and without a full stop.
fn is_title(cx: &Ctx, q: usize, o: usize) -> bool {
    let toks = cx.toks;
    for k in (o.saturating_sub(3)..o).rev() {
        if toks[k].is(class::TITLE) {
            return true;
        }
        if !(toks[k].is(class::DET) || toks[k].possessive() || toks[k].is_punct(",")) {
            break;
        }
    }
    let quote = &cx.l.quotes[q];
    let inner: Vec<&Tok> = toks[o + 1..]
        .iter()
        .take_while(|t| t.span.end <= quote.inner.end)
        .collect();
    let mid_sentence = o > 0 && toks[o - 1].sent == toks[o].sent && toks[o - 1].is_word();
    let words: Vec<&&Tok> = inner.iter().filter(|t| t.is_word()).collect();
    let title_case = words.iter().all(|t| {
        t.cap
            || TITLE_SMALL.contains(&t.lower.as_str())
            || t.lower.chars().all(|c| !c.is_alphabetic())
    });
    let full_stop = inner.iter().any(|t| t.ends_sentence());
    mid_sentence && title_case && words.len() <= 8 && !full_stop
}

#[cfg(test)]
mod tests {
    use super::super::testing::kinds;
    use crate::quotes::QuoteKind::{self, Direct};

    fn rows(text: &str) -> Vec<(QuoteKind, String, String, String)> {
        kinds(text)
    }

    #[test]
    fn consecutive_quotes_keep_their_speaker() {
        let r = rows("“We will win,” Hill said. “We always do.”");
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[1],
            (Direct, "We always do.".into(), "said".into(), "Hill".into())
        );
    }

    #[test]
    fn a_quotation_opening_a_paragraph_goes_on_with_the_last_speaker() {
        let r = rows("Hill said: “We will win.”\n\n“We always do, and we always will.”");
        assert_eq!(r.len(), 2);
        // the speaker is kept, the cue is not (it is in another paragraph)
        assert_eq!(
            r[1],
            (
                Direct,
                "We always do, and we always will.".into(),
                "".into(),
                "Hill".into()
            )
        );
    }

    #[test]
    fn titles_terms_and_scare_quotes_are_no_statements() {
        assert!(rows("She read the book “The Art of the Deal” on the plane.").is_empty());
        assert!(rows("It was a “cover-up in plain sight” on the plane.").is_empty());
        assert!(rows("It was “fine” by then.").is_empty());
    }

    #[test]
    fn a_quotation_with_nobody_near_says_so() {
        let qs = super::super::testing::quotes(
            "The weather was bad.\n\n“Nobody knows what comes next for the town.”",
            crate::quotes::CueClasses::DEFAULT,
        );
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].speaker, None);
        assert_eq!(
            qs[0].reason,
            Some(crate::quotes::SpeakerReason::NoCueOrSpeakerNear)
        );
    }
}
