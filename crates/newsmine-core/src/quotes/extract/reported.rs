//! Pass 2: reported speech. Every cue outside quotations that no statement took yet, sentence by
//! sentence: a subject before it and a content clause after it (`X said on Friday that …`, `X
//! told reporters …`), or a clause before it (`…, sources said.`, `…, said X.`, `A, he said,
//! B`), or `according to X` before or after its clause; complement cues take an infinitive or
//! an object (`complement`). What only looks like speech is kept out by `not_speech`.
use super::super::layout::{Kind, Tok};
use super::super::lexicon::{class, CueClass};
use super::super::not_speech;
use super::super::speaker::{self, Np, NpKind};
use super::super::QuoteKind;
use super::clause::{clause, content_start, push_content};
use super::complement::complement;
use super::context::{ends_clause, Ctx, CLAUSE_PRONOUNS, MAX_CLAUSE_TOKENS, NOT_CONTENT};
use super::cues::{Cue, Roles};
use super::subject::speaker_of;
use super::{CueToks, Found, Stmt};

/// Where an attribution that follows its content ends (`after_attribution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrEnd {
    /// at the sentence end: all the content is before the cue ("…, sources said.")
    SentenceEnd,
    /// at this comma, with more content after it ("A, he said, B")
    Comma(usize),
}

/// Records the reported speech of every sentence.
pub(super) fn find(cx: &Ctx, found: &mut Found) {
    for s in 0..cx.l.sentences.len() {
        let (lo, hi) = cx.l.sentence_toks(s);
        let mut i = lo;
        while i < hi {
            // clauses are read within a window around the cue (see MAX_CLAUSE_TOKENS)
            let (wlo, whi) = (
                lo.max(i.saturating_sub(MAX_CLAUSE_TOKENS)),
                hi.min(i + MAX_CLAUSE_TOKENS),
            );
            if found.is_used(i) {
                i += 1;
                continue;
            }
            if let Some(cue) = cx.complement_at(i) {
                let sp =
                    speaker_of(cx, found, i, wlo).filter(|sp| !sp.kind.first_or_second_person());
                if let Some(sp) = sp {
                    complement(cx, found, i, cue, sp, whi);
                }
                i = cue.last + 1;
                continue;
            }
            let Some(cue) = cx.cue_at(i) else {
                i += 1;
                continue;
            };
            if cue.roles.prep() {
                according(cx, found, (i, cue.last), wlo, whi);
            } else {
                reported(cx, found, i, cue, wlo, whi);
            }
            i = cue.last + 1;
        }
    }
}

/// A speech, belief or quoting cue at `i` in sentence tokens `[lo, hi)`.
fn reported(cx: &Ctx, found: &mut Found, i: usize, cue: Cue, lo: usize, hi: usize) {
    let toks = cx.toks;
    let (e, f) = (cue.last, cue.roles);
    if not_speech::adjectival(toks, i, lo) {
        return;
    }
    let speaker = speaker_of(cx, found, i, lo);
    let (a, that) = content_start(cx, e + 1, hi, f.told());
    // "A, he said, B": a parenthetical attribution inside its content
    let parenthetical = speaker
        .as_ref()
        .is_some_and(|sp| parenthetical(toks, sp, e, lo));
    let after = if parenthetical {
        None
    } else if a < hi && (that || !NOT_CONTENT.contains(&toks[a].lower.as_str())) {
        clause(cx, a, hi)
    } else {
        None
    };
    // "I think", "you know", "we want to": in the running text, a writer's or a transcribed
    // speaker's own words, not reported ones (speech verbs keep them: "I said no")
    let speaker = speaker.filter(|sp| f.verb() || !sp.kind.first_or_second_person());
    if let (Some(sp), true) = (&speaker, f.complement()) {
        // "promised to …", "urged him to …": an infinitive is the content (a content clause
        // of the same cue is read below)
        let clause_follows =
            after.is_some_and(|(a, _)| !NOT_CONTENT.contains(&toks[a].lower.as_str()));
        if !clause_follows && complement(cx, found, i, cue, sp.clone(), hi) {
            return;
        }
    }
    match (speaker, after) {
        (Some(sp), Some(range)) => {
            let speech = f.verb();
            let ok = takes_content(toks, (i, e), f, &sp, range, that);
            if ok && !(speech && not_speech::thing_speaks(toks, (i, e), &sp)) {
                found.mark_used((i, e));
                let cc = cx.class_of((i, e), f.clause_roles());
                push_content(cx, found, range, (i, e), cc, sp);
            }
        }
        (Some(sp), None) if f.speech() || f.belief() => {
            clause_before(cx, found, (i, cue), sp, lo, hi);
        }
        (None, _) if i > lo && toks[i - 1].is_punct(",") && !cx.participle(i) && f.speech() => {
            inverted_after_clause(cx, found, (i, e), f, lo, hi);
        }
        _ => {}
    }
}

/// Speaker `sp` of the cue ending at `e` is a parenthetical inside its content ("A, he said,
/// B"): a comma before it after two words or more, and a comma after the cue.
fn parenthetical(toks: &[Tok], sp: &Np, e: usize, lo: usize) -> bool {
    sp.first > lo + 1
        && ends_clause(toks, sp.first - 1)
        && toks.get(e + 1).is_some_and(|t| t.is_punct(","))
        && sp.first - 1 > lo
        && (lo..sp.first - 1).filter(|&k| toks[k].is_word()).count() >= 2
}

/// The words `range` after cue `(i, e)` (roles `f`, speaker `sp`) are content the cue takes.
/// A cue with no clause role (quoting only) takes quoted words only ("called the plan “a
/// disgrace”"); a belief or finding takes a clause; a speech verb takes any clause but a figure
/// or result after a verb of results ("reported a loss").
fn takes_content(
    toks: &[Tok],
    (i, e): CueToks,
    f: Roles,
    sp: &Np,
    range: (usize, usize),
    that: bool,
) -> bool {
    let t = &toks[range.0];
    let quoted = (range.0..range.1).any(|k| toks[k].kind == Kind::Open);
    if not_speech::noun_cue(toks, (i, e), range.0) || not_speech::idiom_object(toks, range.0) {
        // "Initial reports suggested …", "the name says it all"
        return false;
    }
    if !f.verb() && !f.belief() {
        quoted // "called the plan “a disgrace”"
    } else if !f.verb() {
        // a belief or finding takes a clause: "that …", a subject pronoun, a subject and a
        // finite verb ("thinks the deal will hold"), or anything a poll or report shows ("the
        // poll showed Trump leading")
        let perception = not_speech::any_of(toks, (i, e), &not_speech::PERCEPTION);
        that || (CLAUSE_PRONOUNS.contains(&t.lower.as_str()) && !perception)
            || not_speech::finite_clause(toks, range.0, range.1)
            || sp.kind.document()
    } else if quoted || that {
        true
    } else if not_speech::any_of(toks, (i, e), &not_speech::CLAUSE_ONLY) {
        // "maintained a commanding lead", "reported a loss": an object, not a clause
        CLAUSE_PRONOUNS.contains(&t.lower.as_str())
            || not_speech::clause_like(toks, range.0, range.1)
    } else {
        // "claimed a victory", "noted the 2016 figures": a figure or a result for an object,
        // not a clause ("said" takes any: "said 50,000 cast votes"); "told" names its hearer,
        // so what follows it is content only as a clause ("…," he told BBC One's programme),
        // as after a quotation the speaker closes ("…," Gibson said backstage at the event)
        let after_quotation = sp
            .first
            .checked_sub(1)
            .is_some_and(|k| toks[k].kind == Kind::Close);
        if after_quotation || not_speech::any_of(toks, (i, e), &not_speech::TELL) {
            return CLAUSE_PRONOUNS.contains(&t.lower.as_str())
                || not_speech::clause_like(toks, range.0, range.1);
        }
        let say = not_speech::any_of(toks, (i, e), &not_speech::SAY);
        say || !not_speech::figure_object(toks, range.0, range.1)
    }
}

/// "…, sources said." / "…, the Post has learned." / "…, X said, …": the content before the
/// subject `sp` of the cue at `i`.
fn clause_before(
    cx: &Ctx,
    found: &mut Found,
    (i, cue): (usize, Cue),
    sp: Np,
    lo: usize,
    hi: usize,
) {
    let toks = cx.toks;
    let (e, f) = (cue.last, cue.roles);
    let sep = sp
        .first
        .checked_sub(1)
        .filter(|&k| k > lo && ends_clause(toks, k));
    let tail = after_attribution(cx, e + 1, hi);
    // "…, who added to her lead.": the words before "who" are its antecedent, not what it said
    let speech = f.verb();
    if (speech && not_speech::thing_speaks(toks, (i, e), &sp)) || sp.kind == NpKind::Relative {
        return;
    }
    if let (Some(sep), Some(tail)) = (sep, tail) {
        let cc = cx.class_of((i, e), f.clause_roles());
        attribute_around(cx, found, ((i, e), cc, sp), lo, sep, tail, hi);
    }
}

/// "…, said Hill." ("…, said he had …" is no attribution: a pronoun ends it).
fn inverted_after_clause(
    cx: &Ctx,
    found: &mut Found,
    (i, e): CueToks,
    f: Roles,
    lo: usize,
    hi: usize,
) {
    let toks = cx.toks;
    let Some(np) = speaker::starting_at(toks, e + 1, hi) else {
        return;
    };
    let next = toks.get(np.last + 1).filter(|_| np.last + 1 < hi);
    if matches!(np.kind, NpKind::Pronoun(_)) && next.is_some_and(|t| t.is_word()) {
        return;
    }
    if let Some(tail) = after_attribution(cx, np.last + 1, hi) {
        let cc = cx.class_of((i, e), f.speech_roles());
        attribute_around(cx, found, ((i, e), cc, np), lo, i - 1, tail, hi);
    }
}

/// "According to X, …" / "…, according to X." / "…, according to X, …".
fn according(cx: &Ctx, found: &mut Found, (i, e): CueToks, lo: usize, hi: usize) {
    let toks = cx.toks;
    let Some(np) = speaker::starting_at(toks, e + 1, hi) else {
        return;
    };
    let j = np.last + 1;
    let cc = cx.class_of((i, e), Roles::PREP);
    let opening = (lo..i).all(|k| !toks[k].is_word() || toks[k].is(class::STOP));
    if opening {
        if let Some(range) = clause(cx, j, hi) {
            found.mark_used((i, e));
            push_content(cx, found, range, (i, e), cc, np);
        }
        return;
    }
    let Some(tail) = after_attribution(cx, j, hi) else {
        return;
    };
    let sep = if i > lo && toks[i - 1].is_punct(",") {
        i - 1
    } else {
        i
    };
    attribute_around(cx, found, ((i, e), cc, np), lo, sep, tail, hi);
}

/// Where the attribution ends: at the sentence end, or at a comma `k` with more content after
/// it; `None` when other words follow. Words after the speaker up to the sentence end belong to
/// the attribution ("…, according to a poll by Gallup."); what follows a comma is content
/// unless it is an apposition ("…, said Hill, a doctor who …").
fn after_attribution(cx: &Ctx, j: usize, hi: usize) -> Option<AttrEnd> {
    let toks = cx.toks;
    let mut k = j;
    while k < hi && k < j + 12 && toks[k].is_word() && cx.cue_at(k).is_none() {
        k += 1;
    }
    if k >= hi || toks[k].ends_sentence() {
        return Some(AttrEnd::SentenceEnd);
    }
    if !toks[k].is_punct(",") || k + 1 >= hi {
        return None;
    }
    let n = &toks[k + 1];
    let appositive = n.is(class::RELATIVE)
        || (n.is(class::DET) && (k + 1..hi.min(k + 7)).any(|m| toks[m].is(class::NOMINAL)));
    if appositive {
        let next = (k + 1..hi).find(|&m| toks[m].is_punct(","));
        return match next {
            Some(m) if !n.is(class::RELATIVE) => Some(AttrEnd::Comma(m)),
            _ => Some(AttrEnd::SentenceEnd),
        };
    }
    Some(AttrEnd::Comma(k))
}

/// Content before `sep` (from the sentence start `lo`) and, for a parenthetical cue, after the
/// comma where the attribution ends: one statement in one or two pieces sharing the cue.
fn attribute_around(
    cx: &Ctx,
    found: &mut Found,
    (cue, cue_class, sp): (CueToks, CueClass, Np),
    lo: usize,
    sep: usize,
    tail: AttrEnd,
    hi: usize,
) {
    let toks = cx.toks;
    // the clause ends at the comma, or after a closing mark that follows one
    let end = if toks[sep].kind == Kind::Close {
        sep + 1
    } else {
        sep
    };
    let before = clause(cx, lo, end);
    // a quotation before the cue is attributed in pass 1, or now if pass 1 missed it
    if let Some((a, b)) = before {
        if let Some(q) = cx.whole_quote(a, b) {
            if found.consumed[q] {
                return;
            }
            found.consumed[q] = true;
            found.mark_used(cue);
            let inner = cx.l.quotes[q].inner;
            found.push(Stmt::attributed(
                QuoteKind::Direct,
                inner,
                cue,
                cue_class,
                sp,
            ));
            return;
        }
        let takes_consumed = (a..b).any(|k| {
            toks[k].kind == Kind::Close && toks[k].quote.is_some_and(|q| found.consumed[q])
        });
        if takes_consumed {
            return;
        }
    }
    let after = match tail {
        AttrEnd::Comma(t) => clause(cx, t + 1, hi),
        AttrEnd::SentenceEnd => None,
    };
    if before.is_none() && after.is_none() {
        return;
    }
    found.mark_used(cue);
    for range in [before, after].into_iter().flatten() {
        push_content(cx, found, range, cue, cue_class, sp.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::kinds;
    use crate::quotes::QuoteKind::{self, Indirect, Mixed};

    fn rows(text: &str) -> Vec<(QuoteKind, String, String, String)> {
        kinds(text)
    }

    fn row(k: QuoteKind, t: &str, c: &str, s: &str) -> (QuoteKind, String, String, String) {
        (k, t.into(), c.into(), s.into())
    }

    #[test]
    fn clauses_after_the_cue() {
        assert_eq!(
            rows("The ministry said on Friday that the talks would resume."),
            [row(
                Indirect,
                "the talks would resume",
                "said",
                "The ministry"
            )]
        );
        assert_eq!(
            rows("Hill told reporters the talks had failed."),
            [row(Indirect, "the talks had failed", "told", "Hill")]
        );
        assert_eq!(
            rows("The ministry welcomed the deal, adding that talks would go on."),
            [row(Indirect, "talks would go on", "adding", "The ministry")]
        );
    }

    #[test]
    fn clauses_before_the_cue() {
        assert_eq!(
            rows("The talks would resume in May, sources said."),
            [row(
                Indirect,
                "The talks would resume in May",
                "said",
                "sources"
            )]
        );
        assert_eq!(
            rows("The talks would resume in May, said Hill."),
            [row(
                Indirect,
                "The talks would resume in May",
                "said",
                "Hill"
            )]
        );
        assert_eq!(
            rows("The talks, he said, would resume in May."),
            [
                row(Indirect, "The talks", "said", "he"),
                row(Indirect, "would resume in May", "said", "he")
            ]
        );
    }

    #[test]
    fn according_to() {
        assert_eq!(
            rows("According to the ministry, the talks would resume in May."),
            [row(
                Indirect,
                "the talks would resume in May",
                "According to",
                "the ministry"
            )]
        );
        assert_eq!(
            rows("The talks would resume in May, according to a poll by Gallup."),
            [row(
                Indirect,
                "The talks would resume in May",
                "according to",
                "a poll"
            )]
        );
    }

    #[test]
    fn a_quotation_in_the_clause_makes_it_mixed() {
        assert_eq!(
            rows("The ministry said the agreements remain “valid and relevant.”"),
            [row(
                Mixed,
                "the agreements remain “valid and relevant.”",
                "said",
                "The ministry"
            )]
        );
    }
}
