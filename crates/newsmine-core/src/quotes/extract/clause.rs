//! A cue's content clause: where it starts (after a hearer, adverbials and "that"), where it ends
//! (a semicolon, the sentence end, a new attribution or a clause of its own), and the statement
//! it makes: direct when it is one whole quotation of a full sentence, mixed when it holds
//! quoted words (which it takes in), indirect otherwise.
use super::super::layout::Kind;
use super::super::lexicon::{class, CueClass};
use super::super::speaker::Np;
use super::super::QuoteKind;
use super::context::{Ctx, CLAUSE_PRONOUNS, LINK_WORDS};
use super::{CueToks, Found, Stmt};
use crate::text::Span;

/// Prepositions that open an adverbial between a cue and its content ("said on Friday that").
const ADVERBIAL_PREPS: [&str; 7] = ["on", "in", "at", "during", "via", "through", "over"];
/// Conjunctions that open a clause of its own after a comma ("…, while others said …").
const CONTRAST: [&str; 6] = ["while", "whereas", "but", "although", "though", "and"];

/// Where the content of a cue starts, after a hearer ("told reporters"), adverbials ("on
/// Friday", "in a statement") and "that"; and whether "that" was there.
pub(super) fn content_start(cx: &Ctx, j: usize, hi: usize, told: bool) -> (usize, bool) {
    let toks = cx.toks;
    if let Some(that) = late_that(cx, j, hi, told) {
        return (that + 1, true);
    }
    let mut k = j;
    if told && k < hi && toks[k].is_word() {
        k = cx.after_hearer(k, hi);
    }
    let k = past_adverbials(cx, k, hi);
    if k < hi && toks[k].lower == "that" {
        (k + 1, true)
    } else {
        (k, false)
    }
}

/// A "that" a little after `j`: after a comma (a parenthetical), or after adverbials, or after a
/// hearer or a prepositional phrase ("told The Post and Courier newspaper of Charleston on
/// Saturday that", "says on its website that"), before any quotation, sentence end or cue.
fn late_that(cx: &Ctx, j: usize, hi: usize, told: bool) -> Option<usize> {
    let toks = cx.toks;
    let pp = j < hi && cx.opens_adjunct(j);
    for m in j..hi.min(j + 16) {
        let t = &toks[m];
        if t.lower == "that" && m > j && toks[m - 1].is_punct(",") {
            return Some(m);
        }
        if t.lower == "that"
            && (j..m).all(|k| {
                cx.adverbial_word(k) || toks[k].is_punct(",") || ((told || pp) && toks[k].is_word())
            })
        {
            return Some(m);
        }
        if t.is_mark() || t.ends_sentence() || cx.cue_at(m).is_some() {
            break;
        }
    }
    None
}

/// The first token from `k` on that is not part of a time word or an adverbial phrase ("on
/// Friday", "in a statement", "at the White House"), a dozen words at most.
fn past_adverbials(cx: &Ctx, mut k: usize, hi: usize) -> usize {
    let toks = cx.toks;
    let mut guard = 0;
    while k < hi && guard < 12 {
        guard += 1;
        let t = &toks[k];
        if !t.is_word() {
            break;
        }
        let prep = ADVERBIAL_PREPS.contains(&t.lower.as_str());
        if t.is(class::TIME) && !t.is(class::DET) && !prep {
            k += 1;
            continue;
        }
        match prep.then(|| adverbial_phrase_end(cx, k, hi)).flatten() {
            Some(end) => k = end,
            None => break,
        }
    }
    k
}

/// The end of the adverbial phrase that the preposition at `k` opens, when it is made of
/// adverbial words only and has more than a determiner ("on Friday", not "in the").
fn adverbial_phrase_end(cx: &Ctx, k: usize, hi: usize) -> Option<usize> {
    let toks = cx.toks;
    let mut m = k + 1;
    let mut good = false;
    while m < hi
        && m - k <= 6
        && cx.adverbial_word(m)
        && !LINK_WORDS.contains(&toks[m].lower.as_str())
    {
        good |= !toks[m].is(class::DET);
        m += 1;
    }
    good.then_some(m)
}

/// The clause of tokens `[a, b)`: cut before a participle cue or "according to" after a
/// comma, at a semicolon or a sentence end outside quotes; punctuation trimmed; a quotation
/// cut in the middle taken in whole. `None` when fewer than two words are left.
pub(super) fn clause(cx: &Ctx, a: usize, b: usize) -> Option<(usize, usize)> {
    let toks = cx.toks;
    let b = b.min(toks.len());
    let mut b = (a..b).find_map(|k| clause_break(cx, a, k, b)).unwrap_or(b);
    let mut a = a;
    while a < b && toks[a].kind == Kind::Punct {
        a += 1;
    }
    while b > a && (toks[b - 1].kind == Kind::Punct || toks[b - 1].kind == Kind::Open) {
        b -= 1;
    }
    if b > a {
        if let Some(q) = toks[b - 1].quote {
            if let Some(c) = cx.close_of(q) {
                if c >= b && toks[c].para == toks[a].para {
                    b = c + 1;
                }
            }
        }
    }
    let words = (a..b).filter(|&k| toks[k].is_word()).count();
    (words >= 2).then_some((a, b))
}

/// Where a clause that starts at `a` and may run to `b` ends because of token `k`, if it does.
fn clause_break(cx: &Ctx, a: usize, k: usize, b: usize) -> Option<usize> {
    let toks = cx.toks;
    let t = &toks[k];
    // a full stop ends the clause where the text stage ends the sentence ("Roe v. Wade" goes on)
    let sentence_end = t.ends_sentence() && (k + 1 >= toks.len() || toks[k + 1].sent != t.sent);
    if t.quote.is_none() && (t.is_punct(";") || sentence_end) {
        return Some(k);
    }
    let comma = (t.is_punct(",") && t.quote.is_none())
        || (t.kind == Kind::Close && k > 0 && toks[k - 1].is_punct(","));
    if comma && k + 1 < b && cx.starts_attribution(k + 1) {
        return Some(if t.kind == Kind::Close { k + 1 } else { k });
    }
    // "…, while other voters said …": a contrasting clause with a cue of its own
    let contrast = comma && k + 2 < b && CONTRAST.contains(&toks[k + 1].lower.as_str());
    if contrast && (k + 2..b.min(k + 12)).any(|n| cx.says_or_thinks(n)) {
        return Some(k);
    }
    // "said A, and reminded the audience …", "said A, and he railed …": the narrator goes on
    if comma && k + 2 < b && matches!(toks[k + 1].lower.as_str(), "and" | "but") {
        let n = &toks[k + 2];
        let verb_like = (n.lower.ends_with("ed") && !n.cap) || n.is(class::AUX);
        if n.is_word() && (CLAUSE_PRONOUNS.contains(&n.lower.as_str()) || verb_like) {
            return Some(k);
        }
    }
    // "says A but argues B": the second cue starts a statement of its own
    if t.is_word() && t.quote.is_none() && (t.lower == "and" || t.lower == "but") && k > a {
        let mut n = k + 1;
        while n < b && n < k + 4 && toks[n].is(class::AUX) {
            n += 1;
        }
        if n < b && cx.says_or_thinks(n) {
            return Some(k);
        }
    }
    None
}

/// Records content clause `[a, b)` of cue `cue`: direct when it is one whole quotation of a full
/// sentence, mixed when it has quoted text (which it takes in), indirect otherwise.
pub(super) fn push_content(
    cx: &Ctx,
    found: &mut Found,
    (a, b): (usize, usize),
    cue: CueToks,
    cue_class: CueClass,
    sp: Np,
) {
    let toks = cx.toks;
    if let Some(q) = cx.whole_quote(a, b) {
        let inner = cx.l.quotes[q].inner;
        if cx
            .l
            .chars
            .get(inner.start)
            .is_some_and(|c| c.is_uppercase())
        {
            found.consumed[q] = true;
            found.push(Stmt::attributed(
                QuoteKind::Direct,
                inner,
                cue,
                cue_class,
                sp,
            ));
            return;
        }
    }
    let span = Span::new(toks[a].span.start, toks[b - 1].span.end);
    let mut mixed = false;
    for t in &toks[a..b] {
        if let (Kind::Open, Some(q)) = (t.kind, t.quote) {
            if span.contains(&cx.l.quotes[q].inner) {
                mixed = true;
                found.consumed[q] = true;
            }
        }
    }
    let kind = if mixed {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    };
    found.push(Stmt::attributed(kind, span, cue, cue_class, sp));
}

#[cfg(test)]
mod tests {
    use super::super::testing::{layout, tok};
    use super::*;
    use crate::quotes::{Lexicon, QuotesConfig};

    /// The content of the first `cue` of `text`: where it starts (as text, and whether "that"
    /// was there) and the clause from there.
    fn content(text: &str, cue: &str, told: bool) -> (String, bool, String) {
        let l = layout(text);
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let hi = l.toks.len();
        let (a, that) = content_start(&cx, tok(&l, cue) + 1, hi, told);
        let clause = clause(&cx, a, hi)
            .map(|(a, b)| l.text(Span::new(l.toks[a].span.start, l.toks[b - 1].span.end)))
            .unwrap_or_default();
        (l.toks[a].lower.clone(), that, clause)
    }

    #[test]
    fn where_content_starts() {
        let (first, that, _) = content("Hill said on Friday that the talks failed.", "said", false);
        assert_eq!((first.as_str(), that), ("the", true));
        let (first, that, _) = content("Hill told reporters the talks failed.", "told", true);
        assert_eq!((first.as_str(), that), ("the", false));
        let (first, that, _) = content(
            "Hill said in an interview with CNN that it failed.",
            "said",
            false,
        );
        assert_eq!((first.as_str(), that), ("it", true));
        let (first, that, _) = content("Hill said in the end it failed.", "said", false);
        assert_eq!((first.as_str(), that), ("in", false));
    }

    #[test]
    fn where_content_ends() {
        let (.., c) = content(
            "Hill said the talks failed; others disagreed.",
            "said",
            false,
        );
        assert_eq!(c, "the talks failed");
        let (.., c) = content(
            "Hill said the talks failed, adding that it hurt.",
            "said",
            false,
        );
        assert_eq!(c, "the talks failed");
        let (.., c) = content(
            "Hill said the deal held, while Lee said it broke.",
            "said",
            false,
        );
        assert_eq!(c, "the deal held");
        let (.., c) = content(
            "Hill said the deal held, and he railed at it.",
            "said",
            false,
        );
        assert_eq!(c, "the deal held");
        let (.., c) = content("Hill says it holds but argues it is weak.", "says", false);
        assert_eq!(c, "it holds");
        let (.., c) = content("Hill said it “failed badly” and then left.", "said", false);
        assert_eq!(c, "it “failed badly” and then left");
        let (.., c) = content("Hill said no.", "said", false);
        assert_eq!(c, "");
    }

    #[test]
    fn a_clause_is_direct_mixed_or_indirect() {
        let kinds = |text: &str| {
            super::super::testing::kinds(text)
                .into_iter()
                .map(|r| (r.0, r.1))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds("Hill said that the talks failed."),
            [(QuoteKind::Indirect, "the talks failed".to_string())]
        );
        assert_eq!(
            kinds("Hill said the talks “failed badly.”"),
            [(QuoteKind::Mixed, "the talks “failed badly.”".to_string())]
        );
    }
}
