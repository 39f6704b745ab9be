//! The extraction proper, in four passes over one article:
//!
//! 1. **quotations** (`direct`): each quoted span looks for its attribution right after it
//!    (`“…,” the ministry said` / `“…,” said Hill` / `“…,” according to X`) or right before it
//!    behind a colon, comma or dash (`Hill said: “…”`, `Hill said:¶“…”`);
//! 2. **reported speech** (`indirect`): every cue outside quotations with a subject before it and
//!    a content clause after it (`X said on Friday that …`, `X told reporters …`), or a clause
//!    before it (`…, sources said.`, `…, said X.`), or `according to X`; participles after a
//!    comma (`…, adding that …`) take the subject of their main clause; intent and object cues
//!    take an infinitive (`X wants to …`, `X urged Y to …`) or their object (`X endorsed Y`, `X
//!    called for Y`) as content. A clause that contains
//!    quoted text is a **mixed** quote and takes those quotations in;
//! 3. **the rest of the quotations** (`unattributed`): titles and scare quotes (one or two words)
//!    are dropped; the others keep the speaker of the previous statement in their paragraph
//!    (consecutive quotes) or, opening a paragraph, of the previous paragraph; else they have no
//!    speaker and say why;
//! 4. **output** (`finish`): speakers are resolved in text order and the rows built.
use super::layout::{Kind, Layout, Tok};
use super::lexicon::{class, CueClass, Lexicon};
use super::marks::Limits;
use super::not_speech;
use super::resolve::{Resolved, Resolver};
use super::speaker::{self, namey, Np, NpKind};
use super::{Quote, QuoteKind, QuotesConfig};
use crate::doc::Entity;
use crate::text::{Doc, Span};
use std::collections::HashMap;

/// One statement before output.
#[derive(Clone, Debug)]
struct Stmt {
    kind: QuoteKind,
    span: Span,
    /// first and last token of the cue
    cue: Option<(usize, usize)>,
    /// the class of the cue in the role it played here
    class: Option<CueClass>,
    speaker: Option<Np>,
    reason: Option<&'static str>,
}

/// Where an attribution that follows its content ends (`after_attribution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrEnd {
    /// at the sentence end: all the content is before the cue ("…, sources said.")
    SentenceEnd,
    /// at this comma, with more content after it ("A, he said, B")
    Comma(usize),
}

/// An attribution found for a quotation.
struct Attr {
    cue: (usize, usize),
    speaker: Np,
}

/// Prepositions that open an adverbial between a cue and its content ("said on Friday that").
const ADVERBIAL_PREPS: [&str; 7] = ["on", "in", "at", "during", "via", "through", "over"];
/// Words that may stand between a cue and a late "that" ("said in an interview with CNN that").
const LINK_WORDS: [&str; 6] = ["with", "to", "from", "for", "of", "by"];
/// Object pronouns after "told" and the like.
const HEARER_PRONOUNS: [&str; 6] = ["him", "her", "them", "me", "us", "you"];
/// A content clause never starts with these: the cue was used otherwise ("asked about", "told to").
const NOT_CONTENT: [&str; 20] = [
    "to", "about", "for", "with", "by", "of", "on", "in", "at", "from", "into", "as", "up", "out",
    "over", "off", "so", "and", "or", "but",
];
/// Subject pronouns that open a content clause without "that" ("she believes they ...").
const CLAUSE_PRONOUNS: [&str; 7] = ["he", "she", "it", "they", "we", "i", "you"];
/// Function words allowed lower-case in a title ("The Art of the Deal").
const TITLE_SMALL: [&str; 15] = [
    "of", "the", "a", "an", "and", "or", "in", "on", "for", "to", "with", "at", "by", "from", "vs",
];
/// The longest clause considered, in tokens: bounds the work on text without sentence breaks.
const MAX_CLAUSE_TOKENS: usize = 200;
/// Conjunctions that open a clause of its own after a comma ("…, while others said …").
const CONTRAST: [&str; 6] = ["while", "whereas", "but", "although", "though", "and"];
/// Forms of "be": an auxiliary that makes a past participle passive ("was told").
const BE: [&str; 8] = ["is", "was", "were", "are", "be", "been", "being", "am"];
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
/// Words that end an object content ("endorsed Cruz because …", "referring to Y, who …").
const OBJECT_END: [&str; 14] = [
    "because", "after", "before", "when", "while", "as", "if", "since", "though", "although",
    "who", "which", "whose", "where",
];
/// Quoted words inside a sentence with no cue or speaker near them, at most this many, are a
/// term, not a statement (PolNeAR train: two thirds of them matched no attribution).
const MIXED_SCARE_WORDS: usize = 4;
/// The longest object content, in tokens.
const MAX_OBJECT_TOKENS: usize = 30;
pub fn extract(
    cfg: &QuotesConfig,
    lex: &Lexicon,
    text: &str,
    doc: &Doc,
    entities: &[Entity],
) -> Vec<Quote> {
    let limits = Limits {
        max_chars: cfg.max_quote_chars.max(1),
        max_paragraphs: cfg.max_quote_paragraphs.max(1),
    };
    let layout = Layout::new(text, doc, lex, limits);
    let n = layout.quotes.len();
    let mut open_tok = vec![None; n];
    let mut close_tok = vec![None; n];
    for (k, t) in layout.toks.iter().enumerate() {
        match (t.kind, t.quote) {
            (Kind::Open, Some(q)) => open_tok[q] = Some(k),
            (Kind::Close, Some(q)) => close_tok[q] = Some(k),
            _ => {}
        }
    }
    let mut x = Extraction {
        cfg,
        lex,
        l: &layout,
        toks: &layout.toks,
        stmts: Vec::new(),
        cue_speakers: std::collections::BTreeMap::new(),
        used: vec![false; layout.toks.len()],
        consumed: vec![false; n],
        open_tok,
        close_tok,
    };
    x.direct();
    x.colon_heads();
    if cfg.include_indirect {
        x.indirect();
    }
    x.unattributed();
    x.finish(entities)
}

struct Extraction<'a> {
    cfg: &'a QuotesConfig,
    lex: &'a Lexicon,
    l: &'a Layout,
    toks: &'a [Tok],
    stmts: Vec<Stmt>,
    /// the speaker of each cue token used so far, for participles in the same sentence
    cue_speakers: std::collections::BTreeMap<usize, Np>,
    /// tokens that are the cue of a statement already
    used: Vec<bool>,
    /// quotations that are a statement or part of one already
    consumed: Vec<bool>,
    open_tok: Vec<Option<usize>>,
    close_tok: Vec<Option<usize>>,
}

impl Extraction<'_> {
    // -----------------------------------------------------------------------------------------
    // Cues

    /// Up to five lower-cased words from token `i` on, outside quotes: where a multi-word cue
    /// ("according to", "called for") can start.
    fn phrase_window(&self, i: usize) -> Vec<&str> {
        self.toks[i..]
            .iter()
            .take(5)
            .take_while(|w| w.is_word() && w.quote.is_none())
            .map(|w| w.lower.as_str())
            .collect()
    }

    /// The cue starting at token `i`: its last token and classes (`class::CUE` and `TOLD` bits).
    fn cue_at(&self, i: usize) -> Option<(usize, u32)> {
        let t = self.toks.get(i)?;
        if !t.is_word() || t.quote.is_some() {
            return None;
        }
        let words = self.phrase_window(i);
        let (last, flags) = match self.lex.phrase_at(&words) {
            Some((len, f)) if f & class::CUE != 0 => (i + len - 1, f),
            _ => (i, t.flags),
        };
        // a role whose cue class the run leaves out is no cue at all: it neither attributes nor
        // takes a quotation or a clause from a cue of another class
        let flags = flags & !self.dropped_types(i, last);
        let cue = flags & class::CUE;
        (cue != 0).then_some((last, flags & (class::CUE | class::TOLD | class::COMPLEMENT)))
    }

    /// The key of the cue `[i, e]` in the lexicon's class table: its words, lower case.
    fn cue_key(&self, i: usize, e: usize) -> String {
        let words: Vec<&str> = self.toks[i..=e].iter().map(|t| t.lower.as_str()).collect();
        words.join(" ")
    }

    /// The cue-type bits of cue `[i, e]` whose class the run leaves out.
    fn dropped_types(&self, i: usize, e: usize) -> u32 {
        if i == e {
            self.lex
                .dropped_types(&self.toks[i].lower, self.cfg.classes)
        } else {
            self.lex
                .dropped_types(&self.cue_key(i, e), self.cfg.classes)
        }
    }

    /// The class of cue `[i, e]` in the role of cue types `types`; a colon or dash (no lexicon
    /// entry) introduces words said.
    fn class_of(&self, (i, e): (usize, usize), types: u32) -> CueClass {
        self.lex
            .cue_class(&self.cue_key(i, e), types)
            .unwrap_or(CueClass::Speech)
    }

    /// A cue at `i` whose content is only an infinitive or an object (`class::COMPLEMENT`, no
    /// other cue class: "wants", "endorsed", "called for"): its last token and classes.
    fn complement_at(&self, i: usize) -> Option<(usize, u32)> {
        let t = self.toks.get(i)?;
        if !t.is_word() || t.quote.is_some() {
            return None;
        }
        let words = self.phrase_window(i);
        let (last, flags) = match self.lex.phrase_at(&words) {
            Some((len, f)) if f & (class::CUE | class::COMPLEMENT) != 0 => (i + len - 1, f),
            _ => (i, t.flags),
        };
        let flags = flags & !self.dropped_types(i, last);
        (flags & class::CUE == 0 && flags & class::COMPLEMENT != 0)
            .then_some((last, flags & (class::COMPLEMENT | class::TOLD)))
    }

    fn participle(&self, i: usize) -> bool {
        self.toks[i].lower.ends_with("ing")
    }

    /// A participle cue ("adding", "noting") or "according to" at `i`: these start a new
    /// statement, so a content clause ends before them.
    fn starts_attribution(&self, i: usize) -> bool {
        match self.cue_at(i) {
            Some((_, f)) => f & class::PREP != 0 || (f & class::SPEECH != 0 && self.participle(i)),
            None => false,
        }
    }

    fn push_stmt(&mut self, stmt: Stmt) {
        if let (Some((c, _)), Some(np)) = (stmt.cue, &stmt.speaker) {
            self.cue_speakers.entry(c).or_insert_with(|| np.clone());
        }
        self.stmts.push(stmt);
    }

    fn mark_used(&mut self, (a, b): (usize, usize)) {
        for u in &mut self.used[a..=b] {
            *u = true;
        }
    }

    /// The subject of a finite cue, rejecting passives ("Smith was told") for past participles;
    /// in "X thanked Miami and said …" the subject of the first verb.
    fn subject(&self, cue: usize, lo: usize) -> Option<Np> {
        let toks = self.toks;
        let mut k = cue;
        while k > lo && cue - k < 4 && toks[k - 1].is_word() && toks[k - 1].is(class::AUX) {
            k -= 1;
        }
        if k > lo + 1
            && toks[k - 1].is_word()
            && matches!(toks[k - 1].lower.as_str(), "and" | "but")
            && !speaker::namey(toks, k - 2)
        {
            return self.main_subject(lo, k - 1);
        }
        // passive: a form of "be" among the auxiliaries right before the cue ("was told"), not
        // in an apposition ("Verveer, who was her chief of staff, said")
        let passive =
            !self.participle(cue) && (k..cue).any(|m| BE.contains(&toks[m].lower.as_str()));
        if passive {
            return None;
        }
        speaker::subject_before(toks, cue, lo)
    }

    /// Tokens `[a, b)` hold only adverbials, names, numbers and commas ("Thursday morning on Fox
    /// News", "in a statement"), after a hearer for "told" verbs.
    fn skippable(&self, a: usize, b: usize, told: bool) -> bool {
        let toks = self.toks;
        let mut k = a;
        if told && k < b {
            if HEARER_PRONOUNS.contains(&toks[k].lower.as_str()) {
                k += 1;
            } else if let Some(np) = speaker::starting_at(toks, k, b) {
                k = np.last + 1;
            }
        }
        b - k <= 10 && (k..b).all(|m| self.adverbial_word(m) || toks[m].is_punct(","))
    }

    fn adverbial_word(&self, m: usize) -> bool {
        let t = &self.toks[m];
        t.is_word()
            && (t.is(class::TIME | class::DET)
                || namey(self.toks, m)
                || t.possessive()
                || t.lower.chars().all(|c| c.is_ascii_digit())
                || LINK_WORDS.contains(&t.lower.as_str()))
    }

    // -----------------------------------------------------------------------------------------
    // 1. Quotations

    fn direct(&mut self) {
        for q in 0..self.l.quotes.len() {
            let Some(attr) = self.attr_after(q).or_else(|| self.attr_before(q)) else {
                continue;
            };
            self.mark_used(attr.cue);
            self.consumed[q] = true;
            self.push_stmt(Stmt {
                kind: QuoteKind::Direct,
                span: self.l.quotes[q].inner,
                cue: Some(attr.cue),
                class: Some(self.class_of(attr.cue, class::SPEECH | class::PREP)),
                speaker: Some(attr.speaker),
                reason: None,
            });
        }
    }

    /// `“…,” the ministry said` / `“…,” said Hill` / `“…,” according to X`.
    fn attr_after(&self, q: usize) -> Option<Attr> {
        let toks = self.toks;
        let c = self.close_tok[q]?;
        let para = toks[c].para;
        let mut i = c + 1;
        while i < toks.len() && i <= c + 2 && toks[i].para == para && is_separator(&toks[i]) {
            i += 1;
        }
        let first = toks.get(i).filter(|t| t.para == para && t.is_word())?;
        // a new sentence after the quote attributes it only when it is no more than the
        // attribution ("“Stop!” Hill said.")
        let crosses = first.sent != toks[c].sent;
        let mut hi = i;
        while hi < toks.len()
            && hi < i + 30
            && toks[hi].para == para
            && !self.long_quote_opens(hi)
            && !(toks[hi].is_mark() && toks[hi].quote.is_some_and(|q| self.close_tok[q].is_none()))
            && !toks[hi].ends_sentence()
        {
            hi += 1;
        }
        // after the attribution only adverbials ("on Friday"), a hearer ("told reporters") and then
        // punctuation: a cue followed by a clause of its own attributes that clause instead
        // (“Sunday Morning Futures,” Issa said Clinton’s “judgment” …)
        let ends_here = |k: usize| {
            let told = toks
                .get(k.wrapping_sub(1))
                .is_some_and(|t| t.is(class::TOLD));
            let mut m = k;
            if told && m < hi && (HEARER_PRONOUNS.contains(&toks[m].lower.as_str())) {
                m += 1;
            } else if told {
                if let Some(np) = speaker::starting_at(toks, m, hi) {
                    m = np.last + 1;
                }
            }
            // an adjunct that starts with a preposition or conjunction ("said in introducing Mr.
            // Cruz", "said as he launched the process", "asked in the video’s description") may run
            // on to the sentence end, if it holds no "that" clause or quotation of its own
            let adjunct_at = |m: usize| {
                m < hi
                    && toks[m].is(class::STOP)
                    && !toks[m].is(class::DET | class::PRONOUN | class::RELATIVE)
            };
            let mut adjunct = adjunct_at(m);
            while !adjunct
                && m < hi
                && m < k + 10
                && (self.adverbial_word(m) || toks[m].is(class::TIME))
            {
                m += 1;
                adjunct = adjunct_at(m);
            }
            if adjunct {
                while m < hi
                    && toks[m].lower != "that"
                    && self.cue_at(m).is_none_or(|_| self.participle(m))
                    && !self.long_quote_opens(m)
                {
                    m += 1;
                }
            }
            // a title in quotation marks ends the attribution too ("said on “Meet the Press.”")
            if m < hi && toks[m].kind == Kind::Open && !self.long_quote_opens(m) {
                if let Some(c) = toks[m].quote.and_then(|q| self.close_tok[q]) {
                    m = c + 1;
                }
            }
            let end = m >= hi || (!toks[m].is_word() && toks[m].kind != Kind::Open);
            end && (!crosses || (m..hi).all(|m| toks[m].is_punct(",")))
        };
        if let Some((e, f)) = self.cue_at(i) {
            // "said Hill" / "according to Hill"; never a participle ("“…,” adding that …")
            if f & (class::SPEECH | class::PREP) != 0
                && !self.used[i]
                && (f & class::PREP != 0 || !self.participle(i))
            {
                if let Some(np) = speaker::starting_at(toks, e + 1, hi) {
                    // after an inverted speaker, what follows describes them ("said a source
                    // involved in the talks", "said Golvach when asked about it")
                    let describes = (np.last + 1..hi).all(|k| {
                        toks[k].lower != "that"
                            && self.cue_at(k).is_none_or(|_| self.participle(k))
                            && !self.long_quote_opens(k)
                    });
                    if ends_here(np.last + 1) || describes {
                        return Some(Attr {
                            cue: (i, e),
                            speaker: np,
                        });
                    }
                }
            }
            return None;
        }
        let Some(k) = (i..hi).find(|&k| self.cue_at(k).is_some()) else {
            return self.attr_by_dash(c, i, hi);
        };
        let (e, f) = self.cue_at(k)?;
        if f & class::SPEECH == 0 || self.used[k] {
            return None;
        }
        let np = self.subject(k, i)?;
        // the subject starts the attribution, or a name's modifiers do ("Tulsa police Chief …")
        let starts =
            np.first == i || (np.first > i && (i..np.first).all(|m| speaker::namey(toks, m)));
        (starts && ends_here(e + 1)).then_some(Attr {
            cue: (k, e),
            speaker: np,
        })
    }

    /// "“…” ― Sonya Herridge": a dash after a quotation and a name that ends the paragraph or
    /// sentence (a caption or reader-comment style); the dash is the cue.
    fn attr_by_dash(&self, c: usize, i: usize, hi: usize) -> Option<Attr> {
        let toks = self.toks;
        let dash = (c + 1..i).find(|&k| is_dash(&toks[k]))?;
        let np = speaker::starting_at(toks, i, hi).filter(|np| np.kind == NpKind::Name)?;
        let next = toks.get(np.last + 1).filter(|t| t.para == toks[i].para);
        next.is_none_or(|t| t.ends_sentence() || t.is_punct(","))
            .then_some(Attr {
                cue: (dash, dash),
                speaker: np,
            })
    }

    /// Token `m` opens a quotation of more than four words (a statement, not a title).
    fn long_quote_opens(&self, m: usize) -> bool {
        let t = &self.toks[m];
        match (t.kind, t.quote) {
            (Kind::Open, Some(q)) => {
                let inner = self.l.quotes[q].inner;
                self.toks[m + 1..]
                    .iter()
                    .take_while(|w| w.span.end <= inner.end)
                    .filter(|w| w.is_word())
                    .count()
                    > 4
            }
            _ => false,
        }
    }

    /// `Hill said: “…”`, `Hill said, “…”`, `Hill said:¶“…”`, `According to Hill, “…”`.
    fn attr_before(&self, q: usize) -> Option<Attr> {
        let toks = self.toks;
        let o = self.open_tok[q]?;
        let para = toks[o].para;
        let (plo, _) = self.l.para_toks(para);
        if o == plo {
            // the quote opens its paragraph: the previous one may end "Hill said:"
            let (pplo, pphi) = self.l.para_toks(para.checked_sub(1)?);
            let colon = pphi
                .checked_sub(1)
                .filter(|&k| k >= pplo && toks[k].is_punct(":"))?;
            return self.attr_before_sep(colon, self.l.sentence_toks(toks[colon].sent).0.max(pplo));
        }
        if !is_separator(&toks[o - 1]) && !toks[o - 1].is_punct(":") {
            return None;
        }
        let sep = o - 1;
        let lo = self.l.sentence_toks(toks[sep].sent).0.max(plo);
        self.attr_before_sep(sep, lo)
    }

    /// The attribution that ends at separator token `sep` (the nearest cue before it decides).
    fn attr_before_sep(&self, sep: usize, lo: usize) -> Option<Attr> {
        let toks = self.toks;
        for c in (lo..sep).rev().take(12) {
            if toks[c].is_mark() || toks[c].ends_sentence() {
                return None;
            }
            let Some((e, f)) = self.cue_at(c) else {
                continue;
            };
            if e >= sep || self.used[c] || f & (class::SPEECH | class::PREP) == 0 {
                return None;
            }
            if f & class::PREP != 0 {
                let np = speaker::starting_at(toks, e + 1, sep)?;
                return (np.last + 1 == sep).then_some(Attr {
                    cue: (c, e),
                    speaker: np,
                });
            }
            let told = f & class::TOLD != 0;
            let after_clause =
                c > lo && (toks[c - 1].is_punct(",") || is_adverbial_conjunction(&toks[c - 1]));
            let subject = if self.participle(c) && after_clause {
                self.main_subject(lo, c)
            } else {
                self.subject(c, lo)
            };
            if let Some(np) = subject {
                // "Beck joked, again using a Southern accent, “…”": a parenthetical may come between
                let parenthetical =
                    toks[e + 1].is_punct(",") && toks[sep].is_punct(",") && sep - e < 14;
                // "Clinton said on the other hand, “…”": a prepositional phrase may come between
                let adjunct = sep - e <= 7
                    && toks[e + 1].is(class::STOP)
                    && !toks[e + 1].is(class::DET | class::PRONOUN | class::RELATIVE)
                    && (e + 1..sep).all(|k| toks[k].is_word() && self.cue_at(k).is_none());
                // "Politico reveals a few relevant facts: “…”": an object before a colon
                let object = toks[sep].is_punct(":")
                    && sep - e <= 10
                    && (e + 1..sep).all(|k| toks[k].is_word() && self.cue_at(k).is_none());
                if self.skippable(e + 1, sep, told) || parenthetical || adjunct || object {
                    return Some(Attr {
                        cue: (c, e),
                        speaker: np,
                    });
                }
            }
            // "added Hill, “…”"
            let np = speaker::starting_at(toks, e + 1, sep)?;
            return (np.last + 1 == sep).then_some(Attr {
                cue: (c, e),
                speaker: np,
            });
        }
        // "President Clinton released the following statement: “…”": a colon with no cue word
        // before it introduces the words of the sentence's subject
        if toks[sep].is_punct(":") {
            let np = self.main_subject(lo, sep)?;
            return Some(Attr {
                cue: (sep, sep),
                speaker: np,
            });
        }
        None
    }

    /// "Graham: Trump’s ‘Hateful Rhetoric’ Destroying GOP’s Chance" (a headline), "TRUMP: We will
    /// win." (a transcript): a short name or noun phrase opening a paragraph, a colon (the cue),
    /// and what was said.
    fn colon_heads(&mut self) {
        let toks = self.toks;
        for p in 0..self.l.paragraphs.len() {
            let (plo, phi) = self.l.para_toks(p);
            let Some(np) = speaker::starting_at(toks, plo, phi) else {
                continue;
            };
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
                || colon - np.first > 9
            {
                continue;
            }
            if matches!(
                np.kind,
                NpKind::Nominal(0) | NpKind::Pronoun(_) | NpKind::Relative
            ) || toks[np.head].is(class::TIME)
            {
                continue;
            }
            let hi = self
                .l
                .sentence_toks(toks[colon + 1].sent)
                .1
                .clamp(colon + 1, phi);
            // "Editor’s note: …", "Update: …": a label, not a speaker
            if LABELS.contains(&toks[np.last].lower.as_str()) {
                continue;
            }
            // "Clinton: 1,769.": a tally, not a statement
            let words = |(a, b): (usize, usize)| {
                (a..b)
                    .filter(|&k| {
                        toks[k].is_word() && toks[k].lower.chars().any(char::is_alphabetic)
                    })
                    .count()
            };
            if let Some(range) = self.clause(colon + 1, hi).filter(|&r| words(r) >= 2) {
                self.used[colon] = true;
                self.push_content(range, (colon, colon), CueClass::Speech, np);
            }
        }
    }

    /// The subject of the main clause, for a participle cue at `i` ("the ministry …, adding"):
    /// the speaker of an earlier cue in the sentence, else the sentence's first phrase.
    fn main_subject(&self, lo: usize, i: usize) -> Option<Np> {
        if let Some((_, np)) = self.cue_speakers.range(lo..i).next_back() {
            return Some(np.clone());
        }
        // a window: a sentence without full stops may be a whole page
        let lo = lo.max(i.saturating_sub(MAX_CLAUSE_TOKENS));
        // the first phrase at the start of the sentence or after a comma or dash that a verb
        // follows: not "Speaking at a rally", "Hours after the vote" or "WASHINGTON (AP) —". A
        // plain verb form (an auxiliary, a cue, "-ed", "-s") is preferred to any other word.
        let toks = self.toks;
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
                let strict = next.is(class::AUX | class::CUE | class::TOLD)
                    || (!next.cap
                        && (next.lower.ends_with("ed") || next.lower.ends_with('s'))
                        && !next.is(class::NOMINAL | class::TIME));
                if strict {
                    return Some(np);
                }
                if loose.is_none() && !next.is(class::STOP | class::NOMINAL | class::TIME) {
                    loose = Some(np);
                }
            }
        }
        loose
    }

    // -----------------------------------------------------------------------------------------
    // 2. Reported speech

    fn indirect(&mut self) {
        for s in 0..self.l.sentences.len() {
            let (lo, hi) = self.l.sentence_toks(s);
            let mut i = lo;
            while i < hi {
                if !self.used[i] {
                    if let Some((e, f)) = self.complement_at(i) {
                        let (wlo, whi) = (
                            lo.max(i.saturating_sub(MAX_CLAUSE_TOKENS)),
                            hi.min(i + MAX_CLAUSE_TOKENS),
                        );
                        if let Some(sp) = self.speaker_of(i, wlo).filter(|sp| !first_person(sp)) {
                            self.complement(i, e, f, sp, whi);
                        }
                        i = e + 1;
                        continue;
                    }
                }
                let cue = if self.used[i] { None } else { self.cue_at(i) };
                // clauses are read within a window around the cue (see MAX_CLAUSE_TOKENS)
                let (wlo, whi) = (
                    lo.max(i.saturating_sub(MAX_CLAUSE_TOKENS)),
                    hi.min(i + MAX_CLAUSE_TOKENS),
                );
                match cue {
                    Some((e, f)) if f & class::PREP != 0 => {
                        self.according(i, e, wlo, whi);
                        i = e + 1;
                    }
                    Some((e, f)) => {
                        self.reported(i, e, f, wlo, whi);
                        i = e + 1;
                    }
                    None => i += 1,
                }
            }
        }
    }

    /// A speech, belief or quoting verb at `[i, e]` in sentence tokens `[lo, hi)`.
    /// The speaker of the cue at `i`: its subject, or for a participle after a comma or an
    /// adverbial conjunction ("…, adding", "before saying") the main clause's.
    fn speaker_of(&self, i: usize, lo: usize) -> Option<Np> {
        let toks = self.toks;
        let after_comma = i > lo && (ends_clause(toks, i - 1) || is_dash(&toks[i - 1]));
        if self.participle(i) {
            if after_comma || (i > lo && is_adverbial_conjunction(&toks[i - 1])) {
                self.main_subject(lo, i)
            } else if i > lo && toks[i - 1].is(class::AUX) {
                self.subject(i, lo) // "is saying"
            } else {
                None
            }
        } else {
            self.subject(i, lo)
        }
    }

    fn reported(&mut self, i: usize, e: usize, f: u32, lo: usize, hi: usize) {
        let toks = self.toks;
        if not_speech::adjectival(toks, i, lo) {
            return;
        }
        let speaker = self.speaker_of(i, lo);
        let (a, that) = self.content_start(e + 1, hi, f & class::TOLD != 0);
        // "A, he said, B": a parenthetical attribution inside its content
        let parenthetical = speaker.as_ref().is_some_and(|sp| {
            sp.first > lo + 1
                && ends_clause(toks, sp.first - 1)
                && toks.get(e + 1).is_some_and(|t| t.is_punct(","))
                && sp.first - 1 > lo
                && (lo..sp.first - 1).filter(|&k| toks[k].is_word()).count() >= 2
        });
        let after = if parenthetical {
            None
        } else if a < hi && (that || !NOT_CONTENT.contains(&toks[a].lower.as_str())) {
            self.clause(a, hi)
        } else {
            None
        };
        // "I think", "you know", "we want to": in the running text, a writer's or a transcribed
        // speaker's own words, not reported ones (speech verbs keep them: "I said no")
        let speaker = speaker.filter(|sp| f & class::VERB != 0 || !first_person(sp));
        if let (Some(sp), true) = (&speaker, f & class::COMPLEMENT != 0) {
            // "promised to …", "urged him to …": an infinitive is the content (a content clause
            // of the same cue is read below)
            let clause_follows =
                after.is_some_and(|(a, _)| !NOT_CONTENT.contains(&toks[a].lower.as_str()));
            if !clause_follows && self.complement(i, e, f, sp.clone(), hi) {
                return;
            }
        }
        match (speaker, after) {
            (Some(sp), Some(range)) => {
                let t = &toks[range.0];
                let quoted = (range.0..range.1).any(|k| toks[k].kind == Kind::Open);
                let ok = if f & (class::VERB | class::BELIEF) == 0 {
                    quoted // "called the plan “a disgrace”"
                } else if f & class::VERB == 0 {
                    // a belief or finding takes a clause: "that …", a subject pronoun, a subject
                    // and a finite verb ("thinks the deal will hold"), or anything a poll or
                    // report shows ("the poll showed Trump leading")
                    let document = matches!(sp.kind, NpKind::Nominal(n) if n & class::NOM_DOC != 0);
                    let perception = not_speech::any_of(toks, (i, e), &not_speech::PERCEPTION);
                    that || (CLAUSE_PRONOUNS.contains(&t.lower.as_str()) && !perception)
                        || not_speech::finite_clause(toks, range.0, range.1)
                        || document
                } else if quoted || that {
                    true
                } else if not_speech::any_of(toks, (i, e), &not_speech::CLAUSE_ONLY) {
                    // "maintained a commanding lead", "reported a loss": an object, not a clause
                    CLAUSE_PRONOUNS.contains(&t.lower.as_str())
                        || not_speech::clause_like(toks, range.0, range.1)
                } else {
                    // "claimed a victory", "noted the 2016 figures": a figure or a result for an
                    // object, not a clause ("said" takes any: "said 50,000 cast votes")
                    let say = not_speech::any_of(toks, (i, e), &not_speech::SAY);
                    say || !not_speech::figure_object(toks, range.0, range.1)
                };
                let speech = f & class::VERB != 0;
                if ok && !(speech && not_speech::thing_speaks(toks, (i, e), &sp)) {
                    self.mark_used((i, e));
                    let cc =
                        self.class_of((i, e), f & (class::VERB | class::QUOTING | class::BELIEF));
                    self.push_content(range, (i, e), cc, sp);
                }
            }
            (Some(sp), None) if f & class::SPEECH != 0 || f & class::BELIEF != 0 => {
                // "…, sources said." / "…, the Post has learned." / "…, X said, …"
                let sep = sp
                    .first
                    .checked_sub(1)
                    .filter(|&k| k > lo && ends_clause(toks, k));
                let tail = self.after_attribution(e + 1, hi);
                // "…, who added to her lead.": the words before "who" are its antecedent, not
                // what it said
                let speech = f & class::VERB != 0;
                if (speech && not_speech::thing_speaks(toks, (i, e), &sp))
                    || sp.kind == NpKind::Relative
                {
                    return;
                }
                if let (Some(sep), Some(tail)) = (sep, tail) {
                    let cc =
                        self.class_of((i, e), f & (class::VERB | class::QUOTING | class::BELIEF));
                    self.attribute_around((i, e), cc, sp, lo, sep, tail, hi);
                }
            }
            (None, _)
                if i > lo
                    && toks[i - 1].is_punct(",")
                    && !self.participle(i)
                    && f & class::SPEECH != 0 =>
            {
                // "…, said Hill." ("…, said he had …" is no attribution: a pronoun ends it)
                let Some(np) = speaker::starting_at(toks, e + 1, hi) else {
                    return;
                };
                let next = toks.get(np.last + 1).filter(|_| np.last + 1 < hi);
                if matches!(np.kind, NpKind::Pronoun(_)) && next.is_some_and(|t| t.is_word()) {
                    return;
                }
                if let Some(tail) = self.after_attribution(np.last + 1, hi) {
                    let cc = self.class_of((i, e), f & class::SPEECH);
                    self.attribute_around((i, e), cc, np, lo, i - 1, tail, hi);
                }
            }
            _ => {}
        }
    }

    /// A complement cue at `[i, e]` with speaker `sp`: "wants to …", "urged Y to …" (an
    /// infinitive, with the person addressed) or "endorsed Y", "called for Y" (an object).
    /// Whether a statement was pushed.
    fn complement(&mut self, i: usize, e: usize, f: u32, sp: Np, hi: usize) -> bool {
        let infinitive = if f & class::INTENT != 0 {
            self.infinitive(e + 1, hi)
        } else {
            None
        };
        let role = if infinitive.is_some() {
            class::INTENT
        } else {
            class::OBJECT
        };
        let range = infinitive.or_else(|| {
            (f & class::OBJECT != 0)
                .then(|| self.object_phrase(e + 1, hi))
                .flatten()
        });
        let Some(range) = range else {
            return false;
        };
        self.mark_used((i, e));
        let cc = self.class_of((i, e), role);
        self.push_content(range, (i, e), cc, sp);
        true
    }

    /// "to …" at `j` or after an object of a few words ("him to resign", "Silicon Valley to find
    /// a compromise"): the clause from `j`, when a verb follows "to" ("agreed to a deal" is
    /// none).
    fn infinitive(&self, j: usize, hi: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
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
        self.clause(j, hi)
    }

    /// The object at `j`, up to a comma, an adverbial, a relative or a new clause ("endorsed
    /// Cruz last week, saying …" → "Cruz"); a quotation inside is taken in whole.
    fn object_phrase(&self, j: usize, hi: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
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
                match t.quote.and_then(|q| self.close_tok[q]) {
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
            if b > j {
                let w = t.lower.as_str();
                let adverbial = t.is(class::TIME) && !t.is(class::DET);
                let new_clause = matches!(w, "and" | "but" | "or")
                    && toks.get(b + 1).is_some_and(|n| {
                        n.is_word()
                            && (n.is(class::AUX | class::CUE | class::COMPLEMENT)
                                || CLAUSE_PRONOUNS.contains(&n.lower.as_str())
                                || (n.lower.ends_with("ed") && !n.cap))
                    });
                if adverbial
                    || new_clause
                    || OBJECT_END.contains(&w)
                    || w == "that"
                    || self.starts_attribution(b)
                {
                    break;
                }
            }
            b += 1;
        }
        while b > j && !toks[b - 1].is_word() && toks[b - 1].kind != Kind::Close {
            b -= 1;
        }
        (b > j && toks[j].is_word() || b > j + 1).then_some((j, b))
    }

    /// "According to X, …" / "…, according to X." / "…, according to X, …".
    fn according(&mut self, i: usize, e: usize, lo: usize, hi: usize) {
        let toks = self.toks;
        let Some(np) = speaker::starting_at(toks, e + 1, hi) else {
            return;
        };
        let j = np.last + 1;
        let opening = (lo..i).all(|k| !toks[k].is_word() || toks[k].is(class::STOP));
        if opening {
            if let Some(range) = self.clause(j, hi) {
                self.mark_used((i, e));
                let cc = self.class_of((i, e), class::PREP);
                self.push_content(range, (i, e), cc, np);
            }
            return;
        }
        let Some(tail) = self.after_attribution(j, hi) else {
            return;
        };
        let sep = if i > lo && toks[i - 1].is_punct(",") {
            i - 1
        } else {
            i
        };
        let cc = self.class_of((i, e), class::PREP);
        self.attribute_around((i, e), cc, np, lo, sep, tail, hi);
    }

    /// Where the attribution ends: at the sentence end, or at a comma `k` with more content after
    /// it; `None` when other words follow. Words after the speaker
    /// up to the sentence end belong to the attribution ("…, according to a poll by Gallup.");
    /// what follows a comma is content unless it is an apposition ("…, said Hill, a doctor
    /// who …").
    fn after_attribution(&self, j: usize, hi: usize) -> Option<AttrEnd> {
        let toks = self.toks;
        let mut k = j;
        while k < hi && k < j + 12 && toks[k].is_word() && self.cue_at(k).is_none() {
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

    /// Content before `sep` (from the sentence start) and, for a parenthetical cue, after the comma
    /// where the attribution ends: one statement in one or two pieces sharing the cue.
    #[allow(clippy::too_many_arguments)]
    fn attribute_around(
        &mut self,
        cue: (usize, usize),
        cue_class: CueClass,
        sp: Np,
        lo: usize,
        sep: usize,
        tail: AttrEnd,
        hi: usize,
    ) {
        let toks = self.toks;
        // the clause ends at the comma, or after a closing mark that follows one
        let end = if toks[sep].kind == Kind::Close {
            sep + 1
        } else {
            sep
        };
        let before = self.clause(lo, end);
        // a quotation before the cue is attributed in pass 1, or now if pass 1 missed it
        if let Some((a, b)) = before {
            if let Some(q) = self.whole_quote(a, b) {
                if self.consumed[q] {
                    return;
                }
                self.consumed[q] = true;
                self.mark_used(cue);
                let kind = QuoteKind::Direct;
                self.push_stmt(Stmt {
                    kind,
                    span: self.l.quotes[q].inner,
                    cue: Some(cue),
                    class: Some(cue_class),
                    speaker: Some(sp),
                    reason: None,
                });
                return;
            }
            if (a..b).any(|k| {
                toks[k].kind == Kind::Close && toks[k].quote.is_some_and(|q| self.consumed[q])
            }) {
                return;
            }
        }
        let after = match tail {
            AttrEnd::Comma(t) => self.clause(t + 1, hi),
            AttrEnd::SentenceEnd => None,
        };
        if before.is_none() && after.is_none() {
            return;
        }
        self.mark_used(cue);
        for range in [before, after].into_iter().flatten() {
            self.push_content(range, cue, cue_class, sp.clone());
        }
    }

    /// The quotation that tokens `[a, b)` are, marks included, if they are one.
    fn whole_quote(&self, a: usize, b: usize) -> Option<usize> {
        let toks = self.toks;
        let q = toks[a].quote.filter(|_| toks[a].kind == Kind::Open)?;
        (self.close_tok[q] == Some(b - 1)).then_some(q)
    }

    /// Pushes a content clause: direct when it is one whole quotation of a full sentence, mixed
    /// when it has quoted text (which it takes in), indirect otherwise.
    fn push_content(
        &mut self,
        (a, b): (usize, usize),
        cue: (usize, usize),
        cue_class: CueClass,
        sp: Np,
    ) {
        let toks = self.toks;
        if let Some(q) = self.whole_quote(a, b) {
            let inner = self.l.quotes[q].inner;
            if self
                .l
                .chars
                .get(inner.start)
                .is_some_and(|c| c.is_uppercase())
            {
                self.consumed[q] = true;
                self.push_stmt(Stmt {
                    kind: QuoteKind::Direct,
                    span: inner,
                    cue: Some(cue),
                    class: Some(cue_class),
                    speaker: Some(sp),
                    reason: None,
                });
                return;
            }
        }
        let span = Span::new(toks[a].span.start, toks[b - 1].span.end);
        let mut mixed = false;
        for t in &toks[a..b] {
            if let (Kind::Open, Some(q)) = (t.kind, t.quote) {
                if span.contains(&self.l.quotes[q].inner) {
                    mixed = true;
                    self.consumed[q] = true;
                }
            }
        }
        let kind = if mixed {
            QuoteKind::Mixed
        } else {
            QuoteKind::Indirect
        };
        self.push_stmt(Stmt {
            kind,
            span,
            cue: Some(cue),
            class: Some(cue_class),
            speaker: Some(sp),
            reason: None,
        });
    }

    /// Where the content of a cue starts, after a hearer ("told reporters"), adverbials ("on
    /// Friday", "in a statement") and "that"; and whether "that" was there.
    fn content_start(&self, j: usize, hi: usize, told: bool) -> (usize, bool) {
        let toks = self.toks;
        // a "that" a little further on, after adverbials or a parenthetical with commas
        for m in j..hi.min(j + 16) {
            let t = &toks[m];
            if t.lower == "that" && m > j && toks[m - 1].is_punct(",") {
                return (m + 1, true);
            }
            // "told The Post and Courier newspaper of Charleston on Saturday that", "says on its
            // website that": after a hearer or a prepositional phrase, any words up to "that"
            let pp = toks[j].is(class::STOP)
                && !toks[j].is(class::DET | class::PRONOUN | class::RELATIVE);
            if t.lower == "that"
                && (j..m).all(|k| {
                    self.adverbial_word(k)
                        || toks[k].is_punct(",")
                        || ((told || pp) && toks[k].is_word())
                })
            {
                return (m + 1, true);
            }
            if t.is_mark() || t.ends_sentence() || self.cue_at(m).is_some() {
                break;
            }
        }
        let mut k = j;
        if told && k < hi && toks[k].is_word() {
            if HEARER_PRONOUNS.contains(&toks[k].lower.as_str()) {
                k += 1;
            } else if let Some(np) = speaker::starting_at(toks, k, hi) {
                k = np.last + 1;
            }
        }
        let mut guard = 0;
        while k < hi && guard < 12 {
            guard += 1;
            let t = &toks[k];
            if !t.is_word() {
                break;
            }
            if t.is(class::TIME)
                && !t.is(class::DET)
                && !ADVERBIAL_PREPS.contains(&t.lower.as_str())
            {
                k += 1;
                continue;
            }
            if ADVERBIAL_PREPS.contains(&t.lower.as_str()) {
                // "on Friday", "in a statement", "at the White House": the phrase is skipped only
                // when it is made of such words
                let mut m = k + 1;
                let mut good = false;
                while m < hi
                    && m - k <= 6
                    && self.adverbial_word(m)
                    && !LINK_WORDS.contains(&toks[m].lower.as_str())
                {
                    good |= !toks[m].is(class::DET);
                    m += 1;
                }
                if good {
                    k = m;
                    continue;
                }
            }
            break;
        }
        if k < hi && toks[k].lower == "that" {
            (k + 1, true)
        } else {
            (k, false)
        }
    }

    /// The clause of tokens `[a, b)`: cut before a participle cue or "according to" after a
    /// comma, at a semicolon or a sentence end outside quotes; punctuation trimmed; a quotation
    /// cut in the middle taken in whole. `None` when fewer than two words are left.
    fn clause(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
        let mut b = b.min(toks.len());
        for k in a..b {
            let t = &toks[k];
            // a full stop ends the clause where the text stage ends the sentence ("Roe v. Wade" goes on)
            let sentence_end =
                t.ends_sentence() && (k + 1 >= toks.len() || toks[k + 1].sent != t.sent);
            if t.quote.is_none() && (t.is_punct(";") || sentence_end) {
                b = k;
                break;
            }
            let comma = (t.is_punct(",") && t.quote.is_none())
                || (t.kind == Kind::Close && k > 0 && toks[k - 1].is_punct(","));
            if comma && k + 1 < b && self.starts_attribution(k + 1) {
                b = if t.kind == Kind::Close { k + 1 } else { k };
                break;
            }
            // "…, while other voters said …": a contrasting clause with a cue of its own
            let contrast = comma && k + 2 < b && CONTRAST.contains(&toks[k + 1].lower.as_str());
            if contrast
                && (k + 2..b.min(k + 12)).any(|n| {
                    self.cue_at(n)
                        .is_some_and(|(_, f)| f & (class::SPEECH | class::BELIEF) != 0)
                })
            {
                b = k;
                break;
            }
            // "said A, and reminded the audience …", "said A, and he railed …": the narrator goes on
            if comma && k + 2 < b && matches!(toks[k + 1].lower.as_str(), "and" | "but") {
                let n = &toks[k + 2];
                let verb_like = (n.lower.ends_with("ed") && !n.cap) || n.is(class::AUX);
                if n.is_word() && (CLAUSE_PRONOUNS.contains(&n.lower.as_str()) || verb_like) {
                    b = k;
                    break;
                }
            }
            // "says A but argues B": the second cue starts a statement of its own
            if t.is_word() && t.quote.is_none() && (t.lower == "and" || t.lower == "but") && k > a {
                let mut n = k + 1;
                while n < b && n < k + 4 && toks[n].is(class::AUX) {
                    n += 1;
                }
                if n < b
                    && self
                        .cue_at(n)
                        .is_some_and(|(_, f)| f & (class::SPEECH | class::BELIEF) != 0)
                {
                    b = k;
                    break;
                }
            }
        }
        let mut a = a;
        while a < b && toks[a].kind == Kind::Punct {
            a += 1;
        }
        while b > a && (toks[b - 1].kind == Kind::Punct || toks[b - 1].kind == Kind::Open) {
            b -= 1;
        }
        if b > a {
            if let Some(q) = toks[b - 1].quote {
                if let Some(c) = self.close_tok[q] {
                    if c >= b && toks[c].para == toks[a].para {
                        b = c + 1;
                    }
                }
            }
        }
        let words = (a..b).filter(|&k| toks[k].is_word()).count();
        (words >= 2).then_some((a, b))
    }

    // -----------------------------------------------------------------------------------------
    // 3. Quotations without attribution

    fn unattributed(&mut self) {
        let toks = self.toks;
        // the statements with a speaker so far, in text order: the sources of consecutive quotes
        let mut attributed: Vec<Stmt> = self
            .stmts
            .iter()
            .filter(|s| s.speaker.is_some())
            .cloned()
            .collect();
        attributed.sort_by_key(|s| s.span.start);
        for q in 0..self.l.quotes.len() {
            if self.consumed[q] {
                continue;
            }
            let quote = &self.l.quotes[q];
            let Some(o) = self.open_tok[q] else { continue };
            let words = toks
                .iter()
                .skip(o + 1)
                .take_while(|t| t.span.end <= quote.inner.end)
                .filter(|t| t.is_word())
                .count();
            if words <= self.cfg.scare_quote_words || self.is_title(q, o) {
                continue;
            }
            let (plo, _) = self.l.para_toks(toks[o].para);
            let opens_sentence = o == plo
                || toks[o - 1].sent != toks[o].sent
                || matches!(toks[o - 1].lower.as_str(), ":" | "—" | "–");
            let upper = self
                .l
                .chars
                .get(quote.inner.start)
                .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic());
            let kind = if opens_sentence || upper {
                QuoteKind::Direct
            } else {
                QuoteKind::Mixed
            };
            let para = toks[o].para;
            let start = quote.inner.start;
            let mut stmt = Stmt {
                kind,
                span: quote.inner,
                cue: None,
                class: None,
                speaker: None,
                reason: Some("no cue or speaker near the quote"),
            };
            if let Some(src) = self.consecutive_source(&attributed, para, start) {
                stmt.cue = src.cue;
                stmt.class = src.class;
                stmt.speaker = src.speaker.clone();
                stmt.reason = None;
            } else if kind == QuoteKind::Mixed && words <= MIXED_SCARE_WORDS {
                // "law and order", "cover-up in plain sight": a few quoted words inside the
                // writer's sentence with nobody to say them are a term, not a statement
                continue;
            } else if self.cfg.inherit_across_paragraphs && o == plo && para > 0 {
                // a quotation that opens a paragraph goes on with the previous paragraph's speaker
                let before = attributed.partition_point(|s| s.span.start < start);
                let last = attributed[..before]
                    .iter()
                    .rev()
                    .take_while(|s| self.l.paragraph_at(s.span.start) + 1 >= para)
                    .find(|s| {
                        let last_para = self.l.paragraph_at(s.span.end.saturating_sub(1));
                        last_para + 1 == para
                    });
                if let Some(src) = last {
                    stmt.speaker = src.speaker.clone();
                    stmt.reason = None;
                }
            }
            self.consumed[q] = true;
            self.push_stmt(stmt);
        }
    }

    /// The statement whose speaker a quotation of paragraph `para` starting at `start` keeps:
    /// the previous one of the paragraph, else the next (a quotation run over paragraphs belongs
    /// to its first and its last).
    fn consecutive_source<'s>(
        &self,
        attributed: &'s [Stmt],
        para: usize,
        start: usize,
    ) -> Option<&'s Stmt> {
        let in_para = |s: &Stmt| {
            self.l.paragraph_at(s.span.start) == para
                || self.l.paragraph_at(s.span.end.saturating_sub(1)) == para
        };
        let at = attributed.partition_point(|s| s.span.start < start);
        let prev = attributed[..at].iter().rev().take(8).find(|s| in_para(s));
        prev.or_else(|| attributed[at..].iter().take(8).find(|s| in_para(s)))
    }

    /// The title of a work: announced ("the book “…”", "titled “…”") or in Title Case in the
    /// middle of a sentence, short and without a full stop.
    fn is_title(&self, q: usize, o: usize) -> bool {
        let toks = self.toks;
        for k in (o.saturating_sub(3)..o).rev() {
            if toks[k].is(class::TITLE) {
                return true;
            }
            if !(toks[k].is(class::DET) || toks[k].possessive() || toks[k].is_punct(",")) {
                break;
            }
        }
        let quote = &self.l.quotes[q];
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

    // -----------------------------------------------------------------------------------------
    // 4. Output

    fn finish(mut self, entities: &[Entity]) -> Vec<Quote> {
        let toks = self.toks;
        let l = self.l;
        self.stmts.sort_by_key(|s| (s.span.start, s.span.end));
        self.stmts.dedup_by_key(|s| s.span);
        // resolve speakers in the order they are mentioned, so that pronouns see what came before
        let mut resolver = Resolver::new(l, entities);
        let mut mentions: Vec<&Np> = self
            .stmts
            .iter()
            .filter_map(|s| s.speaker.as_ref())
            .collect();
        mentions.sort_by_key(|np| (np.first, np.last));
        mentions.dedup_by_key(|np| (np.first, np.last));
        let resolved: HashMap<(usize, usize), Resolved> = mentions
            .into_iter()
            .map(|np| ((np.first, np.last), resolver.resolve(np)))
            .collect();
        let span_of = |(a, b): (usize, usize)| Span::new(toks[a].span.start, toks[b].span.end);
        self.stmts
            .iter()
            .enumerate()
            .map(|(id, s)| {
                let cue = s.cue.map(|c| (l.text(span_of(c)), span_of(c)));
                let r = s
                    .speaker
                    .as_ref()
                    .and_then(|np| resolved.get(&(np.first, np.last)))
                    .cloned()
                    .unwrap_or_default();
                // as written ("who" too: its canonical name says whom it stands for)
                let speaker = s.speaker.as_ref().map(|np| {
                    let span = np.span(toks);
                    (l.text(span), span)
                });
                let reason = match &speaker {
                    None => Some(s.reason.unwrap_or("no speaker found").to_string()),
                    Some(_) => r.reason,
                };
                Quote {
                    id,
                    kind: s.kind,
                    span: s.span,
                    text: l.text(s.span),
                    cue,
                    cue_class: s.class.filter(|_| s.cue.is_some()),
                    speaker,
                    speaker_canonical: r.canonical,
                    speaker_label: r.label,
                    reason,
                    paragraph: l.paragraph_at(s.span.start),
                    sentence: l.sentence_at(s.span.start),
                    confidence: None,
                }
            })
            .collect()
    }
}

/// "I", "we", "you": a speaker of the first or second person.
fn first_person(np: &Np) -> bool {
    matches!(np.kind, NpKind::Pronoun(f) if f & class::PRON_X != 0)
}

/// A comma or dash between a quotation and its attribution.
fn is_separator(t: &Tok) -> bool {
    t.is_punct(",") || is_dash(t)
}

/// "before asking", "while saying", "after telling": the participle's subject is the main clause's.
fn is_adverbial_conjunction(t: &Tok) -> bool {
    t.is_word()
        && matches!(
            t.lower.as_str(),
            "before" | "after" | "while" | "when" | "by" | "in" | "without"
        )
}

fn is_dash(t: &Tok) -> bool {
    t.kind == Kind::Punct && matches!(t.lower.as_str(), "—" | "–" | "-" | "―")
}

/// Token `k` ends the clause before an attribution: a comma, or a closing mark after a comma.
fn ends_clause(toks: &[Tok], k: usize) -> bool {
    toks[k].is_punct(",") || (toks[k].kind == Kind::Close && k > 0 && toks[k - 1].is_punct(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::CueClasses;
    use crate::text::{analyse, TextConfig};

    /// (text, cue class) of the statements of `text`, with the cue classes `classes`.
    fn rows(text: &str, classes: CueClasses) -> Vec<(String, Option<CueClass>)> {
        let cfg = QuotesConfig {
            classes,
            ..QuotesConfig::default()
        };
        let lex = Lexicon::builtin().unwrap();
        let doc = analyse(text, &TextConfig::default());
        extract(&cfg, lex, text, &doc, &[])
            .into_iter()
            .map(|q| (q.text, q.cue_class))
            .collect()
    }

    #[test]
    fn figures_objects_and_things_are_no_statements() {
        for text in [
            "The CAC 40 added 0.3 per cent to 4,512.33 points.",
            "Royal Bank reported a profit of $3.3-billion.",
            "The airline reported a loss.",
            "Clinton maintains a commanding lead in the polls.",
            "The building suggests that the architect loved light.",
            "She stood on the deck, feeling it rise and fall.",
            "She won 20 pledged delegates in the state.",
            "Sanders lost Ohio to Hillary Clinton, who added to her delegate lead.",
        ] {
            assert!(rows(text, CueClasses::ALL).is_empty(), "{text}");
        }
        assert_eq!(
            rows(
                "Police said 50 people died in the attack.",
                CueClasses::DEFAULT
            ),
            [(
                "50 people died in the attack".into(),
                Some(CueClass::Speech)
            )]
        );
        assert_eq!(
            rows(
                "An ad in 2008 questioned whether Obama was ready.",
                CueClasses::DEFAULT
            ),
            [("whether Obama was ready".into(), Some(CueClass::Speech))]
        );
    }

    #[test]
    fn a_left_out_class_is_no_cue() {
        let text = "The hikers decided to grab a bite before the climb.";
        assert!(rows(text, CueClasses::DEFAULT).is_empty());
        assert_eq!(
            rows(text, CueClasses::ALL),
            [(
                "to grab a bite before the climb".into(),
                Some(CueClass::Intention)
            )]
        );
    }
}
