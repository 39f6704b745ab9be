//! What only looks like reported speech: the tests that tell a speech act from an event, a
//! figure or a thing ("the CAC 40 added 0.3 per cent", "reported a profit of $3.3-billion",
//! "maintained a lead", "the building suggests", "feeling it rise and fall", "20 pledged
//! delegates"). The extraction (`extract`) asks them before it keeps a content clause; they read
//! tokens only.
use super::layout::{Kind, Tok};
use super::lexicon::class;
use super::speaker::{Np, NpKind};

/// Nouns of results and figures: "reported a profit", "posted a loss", "a 5 per cent rise".
pub(super) const RESULTS: [&str; 34] = [
    "profit",
    "profits",
    "loss",
    "losses",
    "revenue",
    "revenues",
    "earnings",
    "sales",
    "income",
    "gain",
    "gains",
    "deficit",
    "surplus",
    "growth",
    "decline",
    "drop",
    "increase",
    "rise",
    "fall",
    "dividend",
    "dividends",
    "points",
    "point",
    "goals",
    "goal",
    "runs",
    "win",
    "wins",
    "victory",
    "defeat",
    "percent",
    "per",
    "cent",
    "quarter",
];
/// Speech verbs that also say what a thing shows ("the building suggests", "the move signals"):
/// with a subject that is a thing, no one speaks.
pub(super) const EVIDENCE_VERBS: [&str; 31] = [
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "signals",
    "signaled",
    "signaling",
    "imply",
    "implies",
    "implied",
    "implying",
    "underline",
    "underlines",
    "underlined",
    "underscore",
    "underscores",
    "underscored",
    "highlights",
    "highlighted",
    "reveal",
    "reveals",
    "revealed",
    "confirms",
    "confirmed",
    "shows",
    "showed",
    "indicates",
    "emphasised",
    "emphasized",
    "emphasises",
    "emphasizes",
];
/// Speech verbs with a sense that is no speech when an object follows them ("maintained a lead",
/// "declared war", "charged his campaign rent", "added another facet", "reported a loss"): without
/// "that" their content must be a clause. "Pleaded guilty to fraud" is a plea in court, no
/// statement.
pub(super) const CLAUSE_ONLY: [&str; 24] = [
    "maintain",
    "maintains",
    "maintained",
    "maintaining",
    "declare",
    "declares",
    "declared",
    "declaring",
    "charges",
    "charged",
    "charging",
    "add",
    "adds",
    "added",
    "adding",
    "reports",
    "reported",
    "reporting",
    "posted",
    "recorded",
    "plead",
    "pleads",
    "pleaded",
    "pleading",
];
/// Forms of "say": they take any content.
pub(super) const SAY: [&str; 4] = ["say", "says", "said", "saying"];
/// Forms of "tell": the words after them are the hearer or a clause.
pub(super) const TELL: [&str; 4] = ["tell", "tells", "told", "telling"];

/// The cue word at `i` is a plural noun, the subject of the verb at `a` right after it: a past
/// form or another cue ("Initial reports suggested …", "some reports claim …"): no one speaks
/// through it.
pub(super) fn noun_cue(toks: &[Tok], (i, e): (usize, usize), a: usize) -> bool {
    let verb = |t: &Tok| {
        t.is_word()
            && !t.cap
            && t.quote.is_none()
            && (t.lower.ends_with("ed")
                || IRREGULAR_PAST.contains(&t.lower.as_str())
                || t.is(class::CUE))
    };
    i == e && a == e + 1 && toks[i].lower.ends_with('s') && toks.get(a).is_some_and(verb)
}

/// Tokens from `a` open an idiom, not a content: "says it all", "says a lot about".
pub(super) fn idiom_object(toks: &[Tok], a: usize) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower.as_str());
    matches!(
        (word(a), word(a + 1)),
        ("it", "all") | ("a", "lot") | ("volumes", _)
    )
}

/// Belief cues of perception: "feeling it rise and fall", "heard him shout" are no beliefs; they
/// take a clause only with "that" or a finite verb ("felt he was wrong").
pub(super) const PERCEPTION: [&str; 12] = [
    "feel", "feels", "felt", "feeling", "sense", "senses", "sensed", "hears", "heard", "hearing",
    "see", "saw",
];

/// One of the words of cue `[i, e]` is in `list`.
pub(super) fn any_of(toks: &[Tok], (i, e): (usize, usize), list: &[&str]) -> bool {
    toks[i..=e.min(toks.len().saturating_sub(1))]
        .iter()
        .any(|t| list.contains(&t.lower.as_str()))
}

/// Tokens `[a, b)` are a figure, not a clause: they open with a number or an amount ("0.3
/// per cent", "$3.3-billion") or a determiner before one or a result noun ("a profit of …",
/// "a loss"), and no verb follows up to a comma ("50 people died" is a clause).
pub(super) fn figure_object(toks: &[Tok], a: usize, b: usize) -> bool {
    let end = (a..b)
        .find(|&k| toks[k].is_punct(",") || toks[k].is_punct(";") || toks[k].is_mark())
        .unwrap_or(b)
        .min(a + 14);
    // "0.3", "4,512", "$", "3.3-billion"; not "83-year-old"
    let figure = |t: &Tok| {
        let w = t.lower.as_str();
        let amount = ["-billion", "-million", "-trillion", "bn"]
            .iter()
            .find_map(|s| w.strip_suffix(s))
            .unwrap_or(w);
        (t.kind == Kind::Punct && matches!(w, "$" | "€" | "£" | "¥" | "%"))
            || (t.is_word()
                && amount.starts_with(|c: char| c.is_ascii_digit())
                && amount
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',')))
    };
    let Some(first) = toks.get(a).filter(|_| a < end) else {
        return false;
    };
    let opens = figure(first)
        || (first.is(class::DET)
            && toks[a + 1..end]
                .iter()
                .take(3)
                .any(|t| figure(t) || RESULTS.contains(&t.lower.as_str())));
    let verb = toks[a + 1..end].iter().any(|t| {
        t.is_word()
            && t.quote.is_none()
            && (t.is(class::AUX | class::CUE)
                || t.is(class::FINITE)
                || (t.lower.ends_with("ed") && !t.cap)
                || IRREGULAR_PAST.contains(&t.lower.as_str()))
    });
    opens && !verb
}

/// The participle at `i` modifies a noun ("the announced expansion", "20 pledged delegates",
/// "a politically charged visit"): after an article, a number or a possessive.
pub(super) fn adjectival(toks: &[Tok], i: usize, lo: usize) -> bool {
    if i == lo || !toks[i].lower.ends_with("ed") {
        return false;
    }
    let article = |t: &Tok| t.is_word() && matches!(t.lower.as_str(), "a" | "an" | "the");
    let p = &toks[i - 1];
    // a count, not a year ending the subject ("an ad in 2008 questioned whether …")
    let year = p.lower.len() == 4 && (p.lower.starts_with("19") || p.lower.starts_with("20"));
    let number = p.is_word() && p.lower.chars().all(|c| c.is_ascii_digit() || c == ',') && !year;
    let modifier_after_article = (p.lower.ends_with("ly")
        || matches!(p.lower.as_str(), "most" | "more"))
        && i - 1 > lo
        && article(&toks[i - 2]);
    p.quote.is_none() && (article(p) || number || p.possessive() || modifier_after_article)
}

/// Tokens `[a, b)` hold a verb within their first 20 tokens, before a full stop or a quotation:
/// a finite auxiliary or a lower-case past form ("the deal collapsed"; an irregular past such
/// as "sales rose" is missed, and kept only after "that"). A participle after "than" or "as"
/// is no verb of a clause ("added more jobs than expected", "as planned").
pub(super) fn clause_like(toks: &[Tok], a: usize, b: usize) -> bool {
    finite_clause(toks, a, b)
        || (a + 1..b.min(a + 20))
            .take_while(|&k| toks[k].quote.is_none() && !toks[k].ends_sentence())
            .any(|k| {
                let t = &toks[k];
                let compared = matches!(toks[k - 1].lower.as_str(), "than" | "as");
                t.is_word()
                    && !t.cap
                    && (t.is(class::AUX)
                        || t.is(class::FINITE)
                        || (t.lower.ends_with("ed") && !compared)
                        || IRREGULAR_PAST.contains(&t.lower.as_str()))
            })
}

/// Irregular past forms that say a clause has its verb ("the economy grew 0.3 per cent").
const IRREGULAR_PAST: [&str; 40] = [
    "grew", "rose", "fell", "won", "lost", "made", "took", "came", "went", "gave", "got", "held",
    "kept", "left", "led", "met", "paid", "ran", "sold", "spent", "stood", "began", "became",
    "brought", "bought", "built", "chose", "fought", "found", "knew", "meant", "sent", "shot",
    "spoke", "struck", "threw", "broke", "drew", "hit", "cut",
];

/// A thing is the subject of a verb that also says what things show ("the building
/// suggests", "the move signals", "the restoration of the old films revealed"): a noun phrase
/// that names no person, group or document, nor does the phrase after its "of" ("one of the
/// officials", "the head of the agency" speak).
pub(super) fn thing_speaks(toks: &[Tok], (i, e): (usize, usize), sp: &Np) -> bool {
    // the verb ends the cue: "revealed", "also revealed", "has revealed"
    let evidence = i <= e && EVIDENCE_VERBS.contains(&toks[e].lower.as_str());
    evidence && is_thing(toks, sp) && sp.of.as_deref().is_none_or(|of| is_thing(toks, of))
}

/// A common-noun phrase whose head is in no speaker list of the lexicon and counts no one
/// ("the two", "the 45-year-old" are people).
fn is_thing(toks: &[Tok], np: &Np) -> bool {
    let head = &toks[np.head];
    let counted = head.is(class::DET) || head.lower.starts_with(|c: char| c.is_ascii_digit());
    matches!(np.kind, NpKind::Nominal(0)) && !counted
}

/// Tokens `[a, b)` open with a subject and a finite verb ("the deal will hold").
pub(super) fn finite_clause(toks: &[Tok], a: usize, b: usize) -> bool {
    if a >= b || toks[a].is(class::FINITE) {
        return false;
    }
    (a + 1..b.min(a + 8))
        .take_while(|&k| toks[k].is_word() && toks[k].quote.is_none())
        .any(|k| toks[k].is(class::FINITE))
}
