//! Pass 1: quotations and the attribution next to them. A quotation looks right after itself
//! (`“…,” the ministry said`, `“…,” said Hill`, `“…,” according to X`, `“…” ― Sonya Herridge`),
//! else right before itself behind a colon, comma or dash (`Hill said: “…”`, `Hill said:¶“…”`,
//! `According to Hill, “…”`, `President Clinton released the following statement: “…”`).
use super::super::layout::Kind;
use super::super::lexicon::class;
use super::super::speaker::{self, namey, Np, NpKind};
use super::super::QuoteKind;
use super::context::{is_adverbial_conjunction, is_dash, is_separator, Ctx};
use super::cues::{Cue, Roles};
use super::subject::{main_subject, subject};
use super::{CueToks, Found, Stmt};

/// An attribution found for a quotation.
#[derive(Debug)]
struct Attr {
    cue: CueToks,
    speaker: Np,
}

/// The longest attribution after a quotation, in tokens.
const MAX_ATTRIBUTION_TOKENS: usize = 30;

/// Attributes every quotation that has its attribution next to it.
pub(super) fn find(cx: &Ctx, found: &mut Found) {
    for q in 0..cx.l.quotes.len() {
        let Some(attr) = after(cx, found, q).or_else(|| before(cx, found, q)) else {
            continue;
        };
        found.mark_used(attr.cue);
        found.consumed[q] = true;
        let class = cx.class_of(attr.cue, Roles::QUOTATION);
        let span = cx.l.quotes[q].inner;
        found.push(Stmt::attributed(
            QuoteKind::Direct,
            span,
            attr.cue,
            class,
            attr.speaker,
        ));
    }
}

/// `“…,” the ministry said` / `“…,” said Hill` / `“…,” according to X`.
fn after(cx: &Ctx, found: &Found, q: usize) -> Option<Attr> {
    let toks = cx.toks;
    let c = cx.close_of(q)?;
    let para = toks[c].para;
    let mut i = c + 1;
    while i < toks.len() && i <= c + 2 && toks[i].para == para && is_separator(&toks[i]) {
        i += 1;
    }
    let first = toks.get(i).filter(|t| t.para == para && t.is_word())?;
    let tail = Tail {
        hi: attribution_end(cx, i, para),
        // a new sentence after the quote attributes it only when it is no more than the
        // attribution ("“Stop!” Hill said.")
        crosses: first.sent != toks[c].sent,
    };
    if let Some(cue) = cx.cue_at(i) {
        return inverted(cx, found, i, cue, tail);
    }
    let Some(k) = (i..tail.hi).find(|&k| cx.cue_at(k).is_some()) else {
        return by_dash(cx, c, i, tail.hi);
    };
    let cue = cx.cue_at(k)?;
    if !cue.roles.speech() || found.is_used(k) {
        return None;
    }
    let np = subject(cx, found, k, i)?;
    // the subject starts the attribution, or a name's modifiers do ("Tulsa police Chief …")
    let starts = np.first == i || (np.first > i && (i..np.first).all(|m| namey(toks, m)));
    (starts && tail.ends_at(cx, cue.last + 1)).then_some(Attr {
        cue: (k, cue.last),
        speaker: np,
    })
}

/// Where an attribution after a quotation can end at the latest: before a long quotation, a
/// mark of a quotation left open, a sentence end or the paragraph end.
fn attribution_end(cx: &Ctx, i: usize, para: usize) -> usize {
    let toks = cx.toks;
    let mut hi = i;
    while hi < toks.len()
        && hi < i + MAX_ATTRIBUTION_TOKENS
        && toks[hi].para == para
        && !cx.long_quote_opens(hi)
        && !cx.marks_unclosed(hi)
        && !toks[hi].ends_sentence()
    {
        hi += 1;
    }
    hi
}

/// "said Hill" / "according to Hill" after a quotation (cue first); never a participle
/// ("“…,” adding that …").
fn inverted(cx: &Ctx, found: &Found, i: usize, cue: Cue, tail: Tail) -> Option<Attr> {
    let r = cue.roles;
    let participle = !r.prep() && cx.participle(i);
    if !(r.speech() || r.prep()) || found.is_used(i) || participle {
        return None;
    }
    let np = speaker::starting_at(cx.toks, cue.last + 1, tail.hi)?;
    // after an inverted speaker, what follows describes them ("said a source involved in the
    // talks", "said Golvach when asked about it")
    let describes = (np.last + 1..tail.hi).all(|k| opens_nothing(cx, k));
    (tail.ends_at(cx, np.last + 1) || describes).then_some(Attr {
        cue: (i, cue.last),
        speaker: np,
    })
}

/// Token `k` opens no statement of its own: no "that", no cue other than a participle, no long
/// quotation.
fn opens_nothing(cx: &Ctx, k: usize) -> bool {
    cx.toks[k].lower != "that"
        && cx.cue_at(k).is_none_or(|_| cx.participle(k))
        && !cx.long_quote_opens(k)
}

/// The rest of the sentence after a quotation, where its attribution must end.
#[derive(Clone, Copy, Debug)]
struct Tail {
    /// the attribution ends before this token at the latest (`attribution_end`)
    hi: usize,
    /// the attribution is in the next sentence, so it must be all of it
    crosses: bool,
}

impl Tail {
    /// The attribution can end at token `k`: after it only adverbials ("on Friday"), a hearer
    /// ("told reporters") and then punctuation; a cue followed by a clause of its own attributes
    /// that clause instead (“Sunday Morning Futures,” Issa said Clinton’s “judgment” …).
    fn ends_at(self, cx: &Ctx, k: usize) -> bool {
        let toks = cx.toks;
        let hi = self.hi;
        let told = toks
            .get(k.wrapping_sub(1))
            .is_some_and(|t| t.is(class::TOLD));
        let mut m = if told && k < hi {
            cx.after_hearer(k, hi)
        } else {
            k
        };
        // an adjunct that starts with a preposition or conjunction ("said in introducing Mr.
        // Cruz", "said as he launched the process", "asked in the video’s description") may run
        // on to the sentence end, if it holds no "that" clause or quotation of its own
        let adjunct_at = |m: usize| m < hi && cx.opens_adjunct(m);
        let mut adjunct = adjunct_at(m);
        while !adjunct && m < hi && m < k + 10 && (cx.adverbial_word(m) || toks[m].is(class::TIME))
        {
            m += 1;
            adjunct = adjunct_at(m);
        }
        if adjunct {
            while m < hi && opens_nothing(cx, m) {
                m += 1;
            }
        }
        // a title in quotation marks ends the attribution too ("said on “Meet the Press.”")
        if m < hi && toks[m].kind == Kind::Open && !cx.long_quote_opens(m) {
            if let Some(c) = toks[m].quote.and_then(|q| cx.close_of(q)) {
                m = c + 1;
            }
        }
        let end = m >= hi || (!toks[m].is_word() && toks[m].kind != Kind::Open);
        end && (!self.crosses || (m..hi).all(|m| toks[m].is_punct(",")))
    }
}

/// "“…” ― Sonya Herridge": a dash after a quotation and a name that ends the paragraph or
/// sentence (a caption or reader-comment style); the dash is the cue.
fn by_dash(cx: &Ctx, c: usize, i: usize, hi: usize) -> Option<Attr> {
    let toks = cx.toks;
    let dash = (c + 1..i).find(|&k| is_dash(&toks[k]))?;
    let np = speaker::starting_at(toks, i, hi).filter(|np| np.kind == NpKind::Name)?;
    let next = toks.get(np.last + 1).filter(|t| t.para == toks[i].para);
    next.is_none_or(|t| t.ends_sentence() || t.is_punct(","))
        .then_some(Attr {
            cue: (dash, dash),
            speaker: np,
        })
}

/// `Hill said: “…”`, `Hill said, “…”`, `Hill said:¶“…”`, `According to Hill, “…”`.
fn before(cx: &Ctx, found: &Found, q: usize) -> Option<Attr> {
    let toks = cx.toks;
    let o = cx.open_of(q)?;
    let para = toks[o].para;
    let (plo, _) = cx.l.para_toks(para);
    if o == plo {
        // the quote opens its paragraph: the previous one may end "Hill said:"
        let (pplo, pphi) = cx.l.para_toks(para.checked_sub(1)?);
        let colon = pphi
            .checked_sub(1)
            .filter(|&k| k >= pplo && toks[k].is_punct(":"))?;
        let lo = cx.l.sentence_toks(toks[colon].sent).0.max(pplo);
        return before_separator(cx, found, colon, lo);
    }
    if !is_separator(&toks[o - 1]) && !toks[o - 1].is_punct(":") {
        return None;
    }
    let sep = o - 1;
    let lo = cx.l.sentence_toks(toks[sep].sent).0.max(plo);
    before_separator(cx, found, sep, lo)
}

/// The attribution that ends at separator token `sep` (the nearest cue before it decides).
fn before_separator(cx: &Ctx, found: &Found, sep: usize, lo: usize) -> Option<Attr> {
    let toks = cx.toks;
    for c in (lo..sep).rev().take(12) {
        if toks[c].is_mark() || toks[c].ends_sentence() {
            return None;
        }
        let Some(cue) = cx.cue_at(c) else {
            continue;
        };
        let (r, e) = (cue.roles, cue.last);
        if e >= sep || found.is_used(c) || !(r.speech() || r.prep()) {
            return None;
        }
        if !r.prep() {
            if let Some(attr) = subject_first(cx, found, (c, cue), sep, lo) {
                return Some(attr);
            }
        }
        // "According to Hill, “…”", "added Hill, “…”"
        let np = speaker::starting_at(toks, e + 1, sep)?;
        return (np.last + 1 == sep).then_some(Attr {
            cue: (c, e),
            speaker: np,
        });
    }
    // "President Clinton released the following statement: “…”": a colon with no cue word
    // before it introduces the words of the sentence's subject
    if toks[sep].is_punct(":") {
        let np = main_subject(cx, found, lo, sep)?;
        return Some(Attr {
            cue: (sep, sep),
            speaker: np,
        });
    }
    None
}

/// "Hill said on Friday, “…”": the subject of the speech cue `cue` at token `c`, when only
/// adverbials, a hearer, a parenthetical, an adjunct or an object before a colon lie between
/// the cue and separator `sep`.
fn subject_first(
    cx: &Ctx,
    found: &Found,
    (c, cue): (usize, Cue),
    sep: usize,
    lo: usize,
) -> Option<Attr> {
    let toks = cx.toks;
    let e = cue.last;
    let after_clause =
        c > lo && (toks[c - 1].is_punct(",") || is_adverbial_conjunction(&toks[c - 1]));
    let np = if cx.participle(c) && after_clause {
        main_subject(cx, found, lo, c)
    } else {
        subject(cx, found, c, lo)
    }?;
    // "Beck joked, again using a Southern accent, “…”": a parenthetical may come between
    let parenthetical = toks[e + 1].is_punct(",") && toks[sep].is_punct(",") && sep - e < 14;
    // "Clinton said on the other hand, “…”": a prepositional phrase may come between
    let plain_words = || (e + 1..sep).all(|k| toks[k].is_word() && cx.cue_at(k).is_none());
    let adjunct = sep - e <= 7 && cx.opens_adjunct(e + 1) && plain_words();
    // "Politico reveals a few relevant facts: “…”": an object before a colon
    let object = toks[sep].is_punct(":") && sep - e <= 10 && plain_words();
    (cx.skippable(e + 1, sep, cue.roles.told()) || parenthetical || adjunct || object).then_some(
        Attr {
            cue: (c, e),
            speaker: np,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::kinds;
    use crate::quotes::QuoteKind::Direct;

    fn direct(text: &str) -> Vec<(String, String, String)> {
        kinds(text)
            .into_iter()
            .filter(|r| r.0 == Direct)
            .map(|(_, t, c, s)| (t, c, s))
            .collect()
    }

    fn one(t: &str, c: &str, s: &str) -> Vec<(String, String, String)> {
        vec![(t.into(), c.into(), s.into())]
    }

    #[test]
    fn attributions_after_the_quotation() {
        assert_eq!(
            direct("“We will win,” Hill said."),
            one("We will win,", "said", "Hill")
        );
        assert_eq!(
            direct("“We will win,” said Hill."),
            one("We will win,", "said", "Hill")
        );
        assert_eq!(
            direct("“We will win,” Hill told reporters on Friday."),
            one("We will win,", "told", "Hill")
        );
        assert_eq!(
            direct("“We will win,” according to the ministry."),
            one("We will win,", "according to", "the ministry")
        );
        assert_eq!(
            direct("“We will win” ― Sonya Herridge"),
            one("We will win", "―", "Sonya Herridge")
        );
        assert_eq!(
            direct("“We will win,” said Hill as he launched the campaign."),
            one("We will win,", "said", "Hill")
        );
        // a participle after a quotation starts a statement of its own: it attributes nothing
        let r = kinds("“We will win,” adding that it was time.");
        assert_eq!(r[0].2, "");
    }

    #[test]
    fn attributions_before_the_quotation() {
        assert_eq!(
            direct("Hill said: “We will win.”"),
            one("We will win.", "said", "Hill")
        );
        assert_eq!(
            direct("Hill said on Friday, “We will win.”"),
            one("We will win.", "said", "Hill")
        );
        assert_eq!(
            direct("Hill said:\n\n“We will win.”"),
            one("We will win.", "said", "Hill")
        );
        assert_eq!(
            direct("According to Hill, “We will win.”"),
            one("We will win.", "According to", "Hill")
        );
        assert_eq!(
            direct("President Clinton released the following statement: “We will win.”"),
            one("We will win.", ":", "President Clinton")
        );
    }
}
