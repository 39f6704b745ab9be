//! Cues whose content is not a clause: an infinitive ("X wants to …", "X urged Y to …", after
//! the person addressed) or an object ("X endorsed Y", "X called for Y", up to a comma, an
//! adverbial, a relative or a new clause).
use super::super::layout::Kind;
use super::super::lexicon::class;
use super::super::speaker::Np;
use super::clause::{clause, push_content};
use super::context::{Ctx, CLAUSE_PRONOUNS, NOT_CONTENT};
use super::cues::{Cue, Roles};
use super::Found;

/// Words that end an object content ("endorsed Cruz because …", "referring to Y, who …").
const OBJECT_END: [&str; 14] = [
    "because", "after", "before", "when", "while", "as", "if", "since", "though", "although",
    "who", "which", "whose", "where",
];
/// The longest object content, in tokens.
const MAX_OBJECT_TOKENS: usize = 30;

/// A complement cue at `i` with speaker `sp`: "wants to …", "urged Y to …" (an infinitive, with
/// the person addressed) or "endorsed Y", "called for Y" (an object). Whether a statement was
/// recorded.
pub(super) fn complement(
    cx: &Ctx,
    found: &mut Found,
    i: usize,
    cue: Cue,
    sp: Np,
    hi: usize,
) -> bool {
    let e = cue.last;
    let infinitive = if cue.roles.intent() {
        infinitive(cx, e + 1, hi)
    } else {
        None
    };
    let role = if infinitive.is_some() {
        Roles::INTENT
    } else {
        Roles::OBJECT
    };
    let range = infinitive.or_else(|| {
        cue.roles
            .object()
            .then(|| object_phrase(cx, e + 1, hi))
            .flatten()
    });
    let Some(range) = range else {
        return false;
    };
    found.mark_used((i, e));
    let cc = cx.class_of((i, e), role);
    push_content(cx, found, range, (i, e), cc, sp);
    true
}

/// "to …" at `j` or after an object of a few words ("him to resign", "Silicon Valley to find
/// a compromise"): the clause from `j`, when a verb follows "to" ("agreed to a deal" is
/// none).
fn infinitive(cx: &Ctx, j: usize, hi: usize) -> Option<(usize, usize)> {
    let toks = cx.toks;
    let to = (j..hi.min(j + 8))
        .find(|&m| toks[m].lower == "to" || !toks[m].is_word() || toks[m].quote.is_some())?;
    if toks[to].lower != "to" || toks[to].quote.is_some() {
        return None;
    }
    let object_ok = (j..to).all(|m| {
        let adverbial = m == j && toks[m].is(class::TIME) && !toks[m].is(class::DET);
        !(adverbial
            || toks[m].is(class::RELATIVE | class::CUE | class::COMPLEMENT)
            || NOT_CONTENT.contains(&toks[m].lower.as_str()))
    });
    let verb = toks.get(to + 1).filter(|_| to + 1 < hi).is_some_and(|t| {
        t.is_word()
            && t.quote.is_none()
            && !t.cap
            && !t.is(class::DET | class::PRONOUN)
            && !t.lower.chars().any(|c| c.is_ascii_digit())
    });
    if !object_ok || !verb {
        return None;
    }
    clause(cx, j, hi)
}

/// The object at `j`, up to a comma, an adverbial, a relative or a new clause ("endorsed
/// Cruz last week, saying …" → "Cruz"); a quotation inside is taken in whole.
fn object_phrase(cx: &Ctx, j: usize, hi: usize) -> Option<(usize, usize)> {
    let toks = cx.toks;
    let first = toks.get(j).filter(|_| j < hi)?;
    if first.is_word()
        && (NOT_CONTENT.contains(&first.lower.as_str())
            || first.lower == "that"
            || (first.is(class::TIME) && !first.is(class::DET))
            || OBJECT_END.contains(&first.lower.as_str()))
    {
        return None;
    }
    let mut b = j;
    while b < hi && b < j + MAX_OBJECT_TOKENS {
        let t = &toks[b];
        if t.kind == Kind::Open {
            match t.quote.and_then(|q| cx.close_of(q)) {
                Some(c) if c < hi && toks[c].para == t.para => {
                    b = c + 1;
                    continue;
                }
                _ => break,
            }
        }
        if !t.is_word() {
            // "Sanders’ approach", "U.S.-backed", "Clinton’s plan": marks inside words go on
            if t.is_punct("-") || t.is_punct("/") || t.is_punct("&") || t.is_punct("%") {
                b += 1;
                continue;
            }
            break;
        }
        if b > j && ends_object(cx, b) {
            break;
        }
        b += 1;
    }
    while b > j && !toks[b - 1].is_word() && toks[b - 1].kind != Kind::Close {
        b -= 1;
    }
    (b > j && toks[j].is_word() || b > j + 1).then_some((j, b))
}

/// The word at `b` ends an object: a time adverbial, a conjunction or relative, "that", a new
/// attribution, or "and" / "but" / "or" before a verb or a subject pronoun (a new clause).
fn ends_object(cx: &Ctx, b: usize) -> bool {
    let toks = cx.toks;
    let t = &toks[b];
    let w = t.lower.as_str();
    let adverbial = t.is(class::TIME) && !t.is(class::DET);
    let new_clause = matches!(w, "and" | "but" | "or")
        && toks.get(b + 1).is_some_and(|n| {
            n.is_word()
                && (n.is(class::AUX | class::CUE | class::COMPLEMENT)
                    || CLAUSE_PRONOUNS.contains(&n.lower.as_str())
                    || (n.lower.ends_with("ed") && !n.cap))
        });
    adverbial || new_clause || OBJECT_END.contains(&w) || w == "that" || cx.starts_attribution(b)
}

#[cfg(test)]
mod tests {
    use crate::quotes::extract::testing::quotes;
    use crate::quotes::{CueClass, CueClasses};

    fn rows(text: &str) -> Vec<(String, String, Option<CueClass>)> {
        quotes(text, CueClasses::ALL)
            .into_iter()
            .map(|q| (q.text, q.cue.map(|c| c.0).unwrap_or_default(), q.cue_class))
            .collect()
    }

    #[test]
    fn infinitives() {
        assert_eq!(
            rows("The senator urged him to resign before the vote."),
            [(
                "him to resign before the vote".into(),
                "urged".into(),
                Some(CueClass::Speech)
            )]
        );
        assert_eq!(
            rows("The company plans to reorganize its European operations."),
            [(
                "to reorganize its European operations".into(),
                "plans".into(),
                Some(CueClass::Intention)
            )]
        );
        // no verb after "to": no infinitive
        assert!(rows("The company agreed to a deal.").is_empty());
    }

    #[test]
    fn objects() {
        assert_eq!(
            rows("Palin endorsed Cruz last week, saying he was right."),
            [
                ("Cruz".into(), "endorsed".into(), Some(CueClass::Belief)),
                (
                    "he was right".into(),
                    "saying".into(),
                    Some(CueClass::Speech)
                )
            ]
        );
        assert_eq!(
            rows("The union called for a recount because the count was wrong."),
            [(
                "a recount".into(),
                "called for".into(),
                Some(CueClass::Intention)
            )]
        );
    }
}
