//! Speaker phrases next to a cue: names ("Russia’s Foreign Ministry", "Sen. Elizabeth Warren"),
//! nominal phrases ("the ministry", "a spokesman for the ministry", "two senior officials"),
//! pronouns and relative pronouns, with appositions and parentheses stepped over ("Hugh Hill, a
//! doctor, said", "Rand Paul (R-Ky.) said").
//!
//! A tiny chunker over the stage's own tokens, driven by capitalisation and the lexicon classes;
//! it never crosses punctuation or a quotation mark except where an apposition is recognised.
use super::layout::{Kind, Tok};
use super::lexicon::class;
use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NpKind {
    /// capitalised words
    Name,
    /// a speaker pronoun; the `class::PRON_*` flag
    Pronoun(u32),
    /// a common-noun phrase; the `class::NOM_*` flag of its head, 0 for a noun not in the lexicon
    Nominal(u32),
    /// "who" / "which": stands for the phrase before it
    Relative,
}

impl NpKind {
    /// "I", "we", "you": a speaker of the first or second person.
    pub fn first_or_second_person(self) -> bool {
        matches!(self, NpKind::Pronoun(f) if f & class::PRON_X != 0)
    }
    /// A nominal headed by a document noun ("the statement", "the poll"), which speaks for its
    /// issuer.
    pub fn document(self) -> bool {
        matches!(self, NpKind::Nominal(n) if n & class::NOM_DOC != 0)
    }
    /// A nominal headed by a person noun ("the official", "a spokesman").
    pub fn person_noun(self) -> bool {
        matches!(self, NpKind::Nominal(n) if n & class::PERSON != 0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Np {
    /// first and last token (inclusive)
    pub first: usize,
    pub last: usize,
    pub head: usize,
    pub kind: NpKind,
    /// the owner in "X's statement", "Russia’s Foreign Ministry": first and last token
    pub possessor: Option<(usize, usize)>,
    /// "a spokesman for the ministry": the phrase after for / of / at
    pub of: Option<Box<Np>>,
    /// the phrase a relative pronoun stands for
    pub antecedent: Option<Box<Np>>,
    /// a descriptive apposition after the phrase ("a doctor" in "Hugh Hill, a doctor, said")
    pub appos: Option<(usize, usize)>,
    /// a phrase that speaks only as the affiliation of a person before it ("stem cell research"
    /// in "advocates for stem cell research"); never returned alone
    pub(super) needs_person: bool,
}

impl Np {
    pub fn new(first: usize, last: usize, head: usize, kind: NpKind) -> Np {
        Np {
            first,
            last,
            head,
            kind,
            possessor: None,
            of: None,
            antecedent: None,
            appos: None,
            needs_person: false,
        }
    }
    pub fn span(&self, toks: &[Tok]) -> Span {
        Span::new(toks[self.first].span.start, toks[self.last].span.end)
    }
}

/// Subject pronouns (object forms never speak).
const SUBJECT_PRONOUNS: [&str; 7] = ["he", "she", "it", "they", "we", "i", "you"];
/// Words that join the parts of one name ("Secretary of State", "Department of the Treasury").
const NAME_JOINERS: [&str; 11] = [
    "of", "de", "del", "da", "van", "von", "al", "bin", "la", "le", "du",
];
/// Prepositions that attach an affiliation to a person noun ("a spokesman for the ministry").
const AFFILIATION: [&str; 8] = ["for", "of", "at", "to", "in", "with", "from", "on"];
/// Words that can stand alone as an indefinite speaker ("some say", "others argued").
const QUANTIFIER_SPEAKERS: [&str; 7] =
    ["some", "many", "others", "most", "few", "several", "those"];

/// Numbers written as digits or as the words people use in poll results ("six in 10").
const NUMBER_WORDS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

fn is_number(t: &Tok) -> bool {
    t.is_word()
        && (t.lower.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&t.lower.as_str()))
}

/// The first word token of a sentence: capitalised for grammar, not because it is a name.
pub fn sentence_initial(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    (0..i)
        .rev()
        .map(|k| &toks[k])
        .take_while(|p| p.sent == t.sent)
        .all(|p| !p.is_word())
}

/// A word that can be part of a name.
pub fn namey(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    if !t.is_word() || !t.cap {
        return false;
    }
    if t.is(class::STOP
        | class::DET
        | class::PRONOUN
        | class::RELATIVE
        | class::AUX
        | class::CUE
        | class::TOLD)
    {
        // "Says" in a headline, "The" or "But" at a sentence start; all-caps acronyms stay names
        return t.upper && !t.is(class::STOP | class::DET | class::PRONOUN);
    }
    // a common word at a sentence start ("Officials said", "Speaking at a rally") is no name,
    // unless a name goes on after it ("Bill Clinton", "Hacker Guccifer")
    if (t.is(class::NOMINAL | class::TIME) || t.common) && sentence_initial(toks, i) {
        return t.is(class::NOMINAL | class::TIME)
            && toks.get(i + 1).is_some_and(|n| {
                n.is_word()
                    && n.cap
                    && n.sent == t.sent
                    && !n.is(class::STOP | class::DET | class::CUE | class::AUX | class::PRONOUN)
            });
    }
    true
}

/// A word that may modify a nominal head ("senior", "campaign", "30-second", "State Department").
fn modifier(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    t.is_word()
        && t.quote.is_none()
        && !t.is(class::STOP
            | class::AUX
            | class::CUE
            | class::TOLD
            | class::RELATIVE
            | class::PRONOUN)
        && !t.possessive()
}

/// A lower-case word that can stand between two names as a title ("Tulsa police Chief Chuck
/// Jordan", "Cruz constituent Dan Golvach"), not a verb ("Russia attacked Ukraine").
fn title_word(toks: &[Tok], k: usize) -> bool {
    let t = &toks[k];
    let verb_like = t.lower.ends_with("ed") || t.lower.ends_with("ing") || t.lower.ends_with('s');
    modifier(toks, k) && !t.cap && (t.is(class::NOMINAL) || !verb_like)
}

/// The phrase whose last token is `e` (not reaching before `lo`).
pub fn ending_at(toks: &[Tok], e: usize, lo: usize) -> Option<Np> {
    let t = toks.get(e)?;
    if e < lo {
        return None;
    }
    // "26% say"
    if t.is_punct("%") && e > lo && is_number(&toks[e - 1]) {
        return Some(Np::new(e - 1, e, e - 1, NpKind::Nominal(class::NOM_PER)));
    }
    if !t.is_word() {
        return None;
    }
    if t.is(class::PRONOUN) && SUBJECT_PRONOUNS.contains(&t.lower.as_str()) {
        return Some(Np::new(e, e, e, NpKind::Pronoun(t.flags & class::PRONOUN)));
    }
    if t.is(class::RELATIVE) && (t.lower == "who" || t.lower == "which") {
        return Some(Np::new(e, e, e, NpKind::Relative));
    }
    if t.possessive() {
        return None; // "Moscow’s continued interest": an owner, not a subject
    }
    let np = if namey(toks, e) {
        name_ending_at(toks, e, lo)
    } else {
        nominal_ending_at(toks, e, lo)?
    };
    with_affiliation_before(toks, np, lo)
}

fn name_ending_at(toks: &[Tok], e: usize, lo: usize) -> Np {
    let mut s = e;
    while s > lo {
        let p = s - 1;
        // a name word, a joiner inside a name ("Secretary of State"), or "the" after one
        // ("Department of the Treasury")
        let joiner = p > lo
            && toks[p].is_word()
            && NAME_JOINERS.contains(&toks[p].lower.as_str())
            && namey(toks, p - 1)
            && !toks[p - 1].possessive();
        let article =
            p > lo + 1 && toks[p].lower == "the" && toks[p - 1].lower == "of" && namey(toks, p - 2);
        if namey(toks, p) || joiner || article {
            s = p;
            continue;
        }
        // "Tulsa police Chief Chuck Jordan", "White House spokesman Josh Earnest": a title noun
        // between two names joins them
        let gap = (lo..=p)
            .rev()
            .take(2)
            .take_while(|&k| title_word(toks, k))
            .count();
        let before = p + 1 - gap;
        let titled = gap > 0;
        if titled && before > lo && namey(toks, before - 1) && !toks[before - 1].possessive() {
            s = before - 1;
        } else {
            break;
        }
    }
    let mut np = Np::new(s, e, e, NpKind::Name);
    np.possessor = (s..e).rev().find(|&k| toks[k].possessive()).map(|k| (s, k));
    // "Clinton campaign spokesman" is no name: the head decides
    np
}

fn nominal_ending_at(toks: &[Tok], e: usize, lo: usize) -> Option<Np> {
    let t = &toks[e];
    let nom = t.flags & class::NOMINAL;
    if t.is(class::DET) && QUANTIFIER_SPEAKERS.contains(&t.lower.as_str()) {
        return Some(Np::new(e, e, e, NpKind::Nominal(class::NOM_PER)));
    }
    // "six in 10 (voters)", "4 in 10"
    if is_number(t) && e >= lo + 2 && toks[e - 1].lower == "in" && is_number(&toks[e - 2]) {
        return Some(Np::new(e - 2, e, e, NpKind::Nominal(class::NOM_PER)));
    }
    if !modifier(toks, e) {
        return None;
    }
    let mut s = e;
    let mut det = false;
    let mut possessor = None;
    while s > lo && e - s < 6 {
        let p = s - 1;
        let pt = &toks[p];
        if pt.is_word() && pt.is(class::DET) && pt.quote.is_none() {
            s = p;
            det = true;
            break;
        }
        if pt.is_word() && pt.possessive() && pt.quote.is_none() {
            // "Connecticut’s tax commissioner", "the ad’s narrator": the owner's own determiner too
            s = p;
            possessor = Some((p, p));
            if p > lo && toks[p - 1].is(class::DET) {
                s = p - 1;
            } else if namey(toks, p) {
                let owner = name_ending_at(toks, p, lo);
                s = owner.first;
                possessor = Some((owner.first, p));
            }
            det = true;
            break;
        }
        if modifier(toks, p) {
            s = p;
        } else {
            break;
        }
    }
    let affiliated = s > lo + 1 && AFFILIATION.contains(&toks[s - 1].lower.as_str());
    if !(det || nom == 0 && affiliated) {
        // no determiner: keep only capitalised modifiers ("State Department officials"), as
        // lower-case words before a bare plural are more likely the end of another clause
        while s < e && !toks[s].cap {
            s += 1;
        }
    }
    if nom == 0 && !det {
        // "stem cell research" is a speaker only as the affiliation of a person before it
        // ("advocates for stem cell research"), which the caller attaches
        if !affiliated {
            return None;
        }
        let mut np = Np::new(s, e, e, NpKind::Nominal(0));
        np.needs_person = true;
        return Some(np);
    }
    let mut np = Np::new(s, e, e, NpKind::Nominal(nom));
    np.possessor = possessor;
    Some(np)
}

/// "a spokesman for the ministry": `np` is "the ministry"; a person noun before for / of / at
/// takes it as its affiliation.
fn with_affiliation_before(toks: &[Tok], np: Np, lo: usize) -> Option<Np> {
    let weak = np.needs_person;
    let f = np.first;
    if f < lo + 2 || !AFFILIATION.contains(&toks[f - 1].lower.as_str()) {
        return (!weak).then_some(np);
    }
    match nominal_ending_at(toks, f - 2, lo) {
        // "a spokesman for the ministry", and any noun with a determiner ("the pitch on
        // Kickstarter", "a letter from the American Legion")
        Some(mut person)
            if person.kind.person_noun()
                || (matches!(person.kind, NpKind::Nominal(_))
                    && toks[person.first].is(class::DET)) =>
        {
            person.last = np.last;
            let mut of = np;
            of.needs_person = false;
            person.of = Some(Box::new(of));
            Some(person)
        }
        _ => (!weak).then_some(np),
    }
}

/// The phrase that starts at `s` (not reaching `hi`), for inverted attributions ("said Smith",
/// "according to the ministry").
pub fn starting_at(toks: &[Tok], s: usize, hi: usize) -> Option<Np> {
    let t = toks.get(s)?;
    if s >= hi || !t.is_word() || t.quote.is_some() {
        return None;
    }
    if t.is(class::PRONOUN) && SUBJECT_PRONOUNS.contains(&t.lower.as_str()) {
        return Some(Np::new(s, s, s, NpKind::Pronoun(t.flags & class::PRONOUN)));
    }
    let np = if namey(toks, s) && !t.possessive() {
        name_starting_at(toks, s, hi)?
    } else if t.is(class::DET) || t.possessive() {
        determined_starting_at(toks, s, hi)?
    } else if t.is(class::NOMINAL) {
        bare_nominal_at(toks, s, hi)
    } else {
        return None;
    };
    Some(with_affiliation_after(toks, np, hi))
}

/// A name at `s`, and the noun it may modify ("Trump campaign officials").
fn name_starting_at(toks: &[Tok], s: usize, hi: usize) -> Option<Np> {
    let name_end = name_end(toks, s, hi);
    let head = (name_end + 1..hi.min(name_end + 4))
        .take_while(|&k| modifier(toks, k))
        .find(|&k| toks[k].is(class::NOMINAL) && !(k + 1 < hi && toks[k + 1].is(class::NOMINAL)));
    let (last, kind) = match head {
        Some(h) => (h, NpKind::Nominal(toks[h].flags & class::NOMINAL)),
        None => (name_end, NpKind::Name),
    };
    let mut np = Np::new(s, last, last, kind);
    np.possessor = (s..last).find(|&k| toks[k].possessive()).map(|k| (s, k));
    // "Russia’s" alone owns something that follows
    (!toks[np.last].possessive()).then_some(np)
}

/// The last word of the name that starts at `s`: name words, joiners inside a name ("Secretary
/// of State"), and a title noun between two names ("Virginia delegate Beau Correll"); a
/// possessive ends it.
fn name_end(toks: &[Tok], s: usize, hi: usize) -> usize {
    let mut e = s;
    while e + 1 < hi
        && (namey(toks, e + 1)
            || (NAME_JOINERS.contains(&toks[e + 1].lower.as_str())
                && e + 2 < hi
                && namey(toks, e + 2)))
        && !toks[e].possessive()
    {
        e += 1;
    }
    while !toks[e].possessive() {
        let gap = (e + 1..hi.min(e + 3))
            .take_while(|&k| title_word(toks, k))
            .count();
        let n = e + 1 + gap;
        if gap == 0 || n >= hi || !namey(toks, n) {
            break;
        }
        e = n;
        while e + 1 < hi && namey(toks, e + 1) && !toks[e].possessive() {
            e += 1;
        }
    }
    e
}

/// A phrase opened by a determiner or a possessive at `s`: a run of modifiers and names whose
/// head is its last word ("the ministry", "Russia's Foreign Ministry", "the Kremlin").
fn determined_starting_at(toks: &[Tok], s: usize, hi: usize) -> Option<Np> {
    let t = &toks[s];
    let mut e = s;
    let mut names = namey(toks, s);
    while e + 1 < hi && e - s < 7 {
        let n = e + 1;
        let joiner = NAME_JOINERS.contains(&toks[n].lower.as_str());
        let ok = namey(toks, n)
            || (modifier(toks, n) && !toks[n].is(class::TIME))
            || (joiner && n + 1 < hi && namey(toks, n + 1));
        if !ok || toks[e].possessive() && !namey(toks, n) && !modifier(toks, n) {
            break;
        }
        names &= namey(toks, n) || joiner;
        e = n;
        if !names && toks[e].is(class::NOMINAL) && !(e + 1 < hi && toks[e + 1].is(class::NOMINAL)) {
            break; // "the ministry said": stop at the head noun
        }
    }
    if t.is(class::DET) && e == s {
        return None;
    }
    let all_names =
        (s..=e).all(|k| namey(toks, k) || NAME_JOINERS.contains(&toks[k].lower.as_str()));
    let first = if t.is(class::DET) && (s + 1..=e).all(|k| namey(toks, k)) {
        s + 1
    } else {
        s
    };
    let kind = if all_names || (first > s) {
        NpKind::Name
    } else {
        NpKind::Nominal(toks[e].flags & class::NOMINAL)
    };
    if matches!(kind, NpKind::Nominal(0)) && !t.is(class::DET) && !t.possessive() {
        return None;
    }
    let mut np = Np::new(first, e, e, kind);
    np.possessor = (first..e)
        .find(|&k| toks[k].possessive())
        .map(|k| (first, k));
    Some(np)
}

/// Nouns of the lexicon without a determiner at `s` ("officials", "police officials").
fn bare_nominal_at(toks: &[Tok], s: usize, hi: usize) -> Np {
    let mut e = s;
    let mut kind = NpKind::Nominal(toks[s].flags & class::NOMINAL);
    while e + 1 < hi && toks[e + 1].is(class::NOMINAL) && e - s < 3 {
        e += 1;
        kind = NpKind::Nominal(toks[e].flags & class::NOMINAL);
    }
    Np::new(s, e, e, kind)
}

fn with_affiliation_after(toks: &[Tok], np: Np, hi: usize) -> Np {
    let n = np.last + 1;
    if !np.kind.person_noun() || n + 1 >= hi || !AFFILIATION.contains(&toks[n].lower.as_str()) {
        return np;
    }
    match starting_at(toks, n + 1, hi) {
        Some(of) if !matches!(of.kind, NpKind::Pronoun(_)) => {
            let mut person = np;
            person.last = of.last;
            person.of = Some(Box::new(of));
            person
        }
        _ => np,
    }
}

/// The subject of the cue at token `cue`: the phrase before it, over adverbs and auxiliaries
/// ("has also said"), an apposition ("Hugh Hill, a doctor, said") or a parenthesis.
pub fn subject_before(toks: &[Tok], cue: usize, lo: usize) -> Option<Np> {
    let mut k = cue;
    let mut skipped = 0;
    // "has also said", "published Wednesday said"
    while k > lo
        && skipped < 4
        && toks[k - 1].is_word()
        && (toks[k - 1].is(class::AUX)
            || (toks[k - 1].is(class::TIME)
                && toks[k - 1].is(class::STOP)
                && !toks[k - 1].is(class::DET)))
    {
        k -= 1;
        skipped += 1;
    }
    // "who has in the past described", "at the time said": a time phrase after its preposition
    let mut m = k;
    while m > lo && k - m < 5 && toks[m - 1].is_word() && toks[m - 1].is(class::TIME | class::DET) {
        m -= 1;
        if matches!(
            toks[m].lower.as_str(),
            "in" | "on" | "at" | "during" | "over" | "for"
        ) {
            k = m;
            while k > lo && cue - k < 9 && toks[k - 1].is_word() && toks[k - 1].is(class::AUX) {
                k -= 1;
            }
            break;
        }
    }
    if k == lo {
        return None;
    }
    let p = k - 1;
    if toks[p].is_punct(")") {
        let open = (lo..p).rev().take(10).find(|&j| toks[j].is_punct("("))?;
        return open
            .checked_sub(1)
            .and_then(|e| ending_at(toks, e, lo))
            .filter(|np| np.kind != NpKind::Relative);
    }
    if toks[p].is_punct(",") || is_dash(&toks[p]) {
        return clause_subject(toks, p, lo).or_else(|| apposition_before(toks, p, lo));
    }
    let mut np = ending_at(toks, p, lo)?;
    // "some who have seen him on the trail say": the phrase before "who" speaks
    if !matches!(np.kind, NpKind::Relative | NpKind::Pronoun(_)) {
        let who = (lo..np.first)
            .rev()
            .take(10)
            .take_while(|&k| toks[k].is_word())
            .find(|&k| toks[k].lower == "who");
        if let Some(ante) = who
            .and_then(|w| w.checked_sub(1))
            .filter(|&a| a >= lo)
            .and_then(|a| ending_at(toks, a, lo))
        {
            if !matches!(ante.kind, NpKind::Relative | NpKind::Pronoun(_)) {
                return Some(ante);
            }
        }
    }
    if np.kind == NpKind::Relative {
        // "Hill, who said …", "64 percent who say …": the phrase before stands for it
        let mut c = np.first.checked_sub(1).filter(|&c| c >= lo)?;
        if toks[c].is_punct(",") {
            c = c.checked_sub(1).filter(|&c| c >= lo)?;
        }
        let ante = ending_at(toks, c, lo)
            .filter(|a| !matches!(a.kind, NpKind::Relative | NpKind::Pronoun(_)))?;
        np.antecedent = Some(Box::new(ante));
    }
    Some(np)
}

fn is_dash(t: &Tok) -> bool {
    t.kind == Kind::Punct && matches!(t.lower.as_str(), "—" | "–" | "―")
}

/// "Christopher Harvey, an African-American delegate from Houston, Texas, said", "Ted Cruz, by
/// contrast, wrote", "Jason Sims — a teacher — says": the phrase that opens the clause, when
/// commas or dashes run from it to the cue (`comma`, the one before the cue). Where the phrase
/// is a description and what follows it a name ("One hopeful, Carly Fiorina, says"), the name.
fn clause_subject(toks: &[Tok], comma: usize, lo: usize) -> Option<Np> {
    let mut cs = comma;
    while cs > lo && comma - cs < 40 {
        let p = &toks[cs - 1];
        // a quotation that ends with punctuation ends a clause ("“…,” Flynn, a surrogate, said");
        // a title in quotation marks does not ("wearing “Ted Cruz” pins")
        let statement_end = p.kind == Kind::Close && cs >= 2 && toks[cs - 2].kind == Kind::Punct;
        // (the sentence start bounds the scan: a full stop inside it ends an abbreviation, "R-Fla.")
        if p.is_punct(";") || p.is_punct(":") || statement_end {
            break;
        }
        cs -= 1;
    }
    while cs < comma && (!toks[cs].is_word() || (toks[cs].is(class::STOP) && !namey(toks, cs))) {
        cs += 1;
    }
    let np = starting_at(toks, cs, comma)?;
    let after = np.last + 1;
    let opens = |t: &Tok| {
        t.is_punct(",")
            || is_dash(t)
            || t.is_punct("(")
            || (t.is(class::RELATIVE) && t.lower != "that")
    };
    if after + 1 >= comma || !opens(&toks[after]) {
        return None;
    }
    // the words between are a description, not a clause with a cue of its own
    if (after..comma).any(|k| toks[k].is(class::CUE) && toks[k].quote.is_none()) {
        return None;
    }
    let seg_end = (after + 1..comma)
        .find(|&k| !toks[k].is_word())
        .unwrap_or(comma);
    if matches!(np.kind, NpKind::Nominal(_))
        && seg_end > after + 1
        && (after + 1..seg_end).all(|k| namey(toks, k))
    {
        let mut name = Np::new(after + 1, seg_end - 1, seg_end - 1, NpKind::Name);
        name.possessor = None;
        return Some(name);
    }
    let mut np = np;
    np.appos = Some((after + 1, comma - 1));
    Some(np)
}

/// "X, a doctor, said" / "X, who chairs the panel, said" / "X, 43, said": `comma` is the comma
/// before the cue.
fn apposition_before(toks: &[Tok], comma: usize, lo: usize) -> Option<Np> {
    // "Gov. John Kasich (R-OH), said"
    if comma > lo && toks[comma - 1].is_punct(")") {
        let open = (lo..comma - 1)
            .rev()
            .take(10)
            .find(|&j| toks[j].is_punct("("))?;
        let e = open.checked_sub(1).filter(|&e| e >= lo)?;
        return ending_at(toks, e, lo).filter(|np| np.kind == NpKind::Name);
    }
    let start = (lo..comma)
        .rev()
        .take(16)
        .find(|&j| toks[j].is_punct(",") || toks[j].is_mark())?;
    if !toks[start].is_punct(",") || start <= lo || start + 1 >= comma {
        return None;
    }
    let first = &toks[start + 1];
    let looks_appositive = first.is(class::DET | class::RELATIVE)
        || first.lower.chars().all(|c| c.is_ascii_digit())
        || first.possessive()
        || (start + 1..comma).any(|k| toks[k].is(class::PERSON));
    if !looks_appositive || (start + 1..comma).any(|k| !toks[k].is_word() && !toks[k].is_punct("-"))
    {
        return None;
    }
    let mut np = ending_at(toks, start - 1, lo)
        .filter(|np| !matches!(np.kind, NpKind::Relative | NpKind::Pronoun(_)))?;
    np.appos = Some((start + 1, comma - 1));
    Some(np)
}

#[cfg(test)]
mod tests {
    use super::super::layout::Layout;
    use super::super::lexicon::Lexicon;
    use super::super::marks::Limits;
    use super::*;
    use crate::text::Doc;

    fn layout(text: &str) -> Layout {
        Layout::new(
            &Doc::new(text),
            Lexicon::builtin().unwrap(),
            Limits {
                max_chars: 5000,
                max_paragraphs: 10,
            },
        )
    }

    /// The subject phrase of the first "said" in `text`.
    fn subject(text: &str) -> Option<String> {
        let l = layout(text);
        let cue = l.toks.iter().position(|t| t.lower == "said")?;
        subject_before(&l.toks, cue, 0).map(|np| l.text(np.span(&l.toks)))
    }

    fn after(text: &str) -> Option<String> {
        let l = layout(text);
        let cue = l
            .toks
            .iter()
            .position(|t| t.lower == "said" || t.lower == "to")?;
        starting_at(&l.toks, cue + 1, l.toks.len()).map(|np| l.text(np.span(&l.toks)))
    }

    #[test]
    fn subjects() {
        assert_eq!(
            subject("Russia’s Foreign Ministry said on Friday").as_deref(),
            Some("Russia’s Foreign Ministry")
        );
        assert_eq!(
            subject("The ministry said the TWG").as_deref(),
            Some("The ministry")
        );
        assert_eq!(
            subject("Hugh Hill, a doctor, said it").as_deref(),
            Some("Hugh Hill")
        );
        assert_eq!(subject("Flynn, 43, said it").as_deref(), Some("Flynn"));
        assert_eq!(subject("“No,” he said.").as_deref(), Some("he"));
        assert_eq!(
            subject("Secretary of State John Kerry has also said").as_deref(),
            Some("Secretary of State John Kerry")
        );
        assert_eq!(
            subject("Two senior officials said").as_deref(),
            Some("Two senior officials")
        );
        assert_eq!(
            subject("But a spokesman for the ministry said").as_deref(),
            Some("a spokesman for the ministry")
        );
        assert_eq!(
            subject("The ad’s narrator said").as_deref(),
            Some("The ad’s narrator")
        );
        assert_eq!(
            subject("Sen. Rand Paul (R-Ky.) said").as_deref(),
            Some("Sen. Rand Paul")
        );
        assert_eq!(subject("In Moscow, said").as_deref(), None);
        assert_eq!(
            subject("The agreements remain valid and said").as_deref(),
            None
        );
    }

    #[test]
    fn inverted() {
        assert_eq!(
            after("“No,” said Hugh Hill, a doctor.").as_deref(),
            Some("Hugh Hill")
        );
        assert_eq!(
            after("“No,” said the ministry.").as_deref(),
            Some("the ministry")
        );
        assert_eq!(
            after("according to the Russian Foreign Ministry.").as_deref(),
            Some("Russian Foreign Ministry")
        );
        assert_eq!(
            after("according to sources familiar with it.").as_deref(),
            Some("sources")
        );
        assert_eq!(
            after("according to a spokesman for the ministry.").as_deref(),
            Some("a spokesman for the ministry")
        );
        assert_eq!(after("“No,” said he.").as_deref(), Some("he"));
    }
}
