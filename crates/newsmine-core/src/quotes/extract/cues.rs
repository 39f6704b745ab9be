//! Cues where they stand: the lexicon entry (word or phrase) at a token, the roles it may play
//! there ([`Roles`]: the cue types of the entry that the run keeps) and the class of the
//! attribution it makes in the role it played.
use super::super::lexicon::{class, CueClass};
use super::context::Ctx;
use super::CueToks;

/// The roles a cue may play where it stands: the cue types of its lexicon entry whose class the
/// run keeps, and whether its object is the hearer. Named tests instead of bit masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Roles(u32);

impl Roles {
    /// the roles that attribute a quotation next to the cue: a speech verb or "according to"
    pub const QUOTATION: Roles = Roles(class::SPEECH | class::PREP);
    pub const PREP: Roles = Roles(class::PREP);
    pub const INTENT: Roles = Roles(class::INTENT);
    pub const OBJECT: Roles = Roles(class::OBJECT);

    /// A speech verb form ("said"): attributes quotations and content clauses.
    pub fn verb(self) -> bool {
        self.0 & class::VERB != 0
    }
    /// A verb that attributes a quotation (a speech verb or a quoting verb: "said", "continued").
    pub fn speech(self) -> bool {
        self.0 & class::SPEECH != 0
    }
    /// A cognition or finding verb ("believes", "found"): attributes a content clause only.
    pub fn belief(self) -> bool {
        self.0 & class::BELIEF != 0
    }
    /// A prepositional cue ("according to").
    pub fn prep(self) -> bool {
        self.0 & class::PREP != 0
    }
    /// The verb's object is the hearer ("told reporters that").
    pub fn told(self) -> bool {
        self.0 & class::TOLD != 0
    }
    /// Its content is an infinitive ("wants to", "urged him to").
    pub fn intent(self) -> bool {
        self.0 & class::INTENT != 0
    }
    /// Its content is its object ("endorsed Cruz", "called for a recount").
    pub fn object(self) -> bool {
        self.0 & class::OBJECT != 0
    }
    /// Its content is an infinitive or an object.
    pub fn complement(self) -> bool {
        self.0 & class::COMPLEMENT != 0
    }
    /// The roles in which it takes a content clause (speech, quoting, belief).
    pub fn clause_roles(self) -> Roles {
        Roles(self.0 & (class::VERB | class::QUOTING | class::BELIEF))
    }
    /// The roles in which it attributes a quotation (speech, quoting).
    pub fn speech_roles(self) -> Roles {
        Roles(self.0 & class::SPEECH)
    }
}

/// A cue found at a token: its last token and the roles it may play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cue {
    pub last: usize,
    pub roles: Roles,
}

impl Ctx<'_> {
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

    /// The lexicon entry at token `i` (a phrase whose types meet `phrase_types`, else the word):
    /// its last token and types, less the cue types whose class the run leaves out.
    fn entry_at(&self, i: usize, phrase_types: u32) -> Option<(usize, u32)> {
        let t = self.toks.get(i)?;
        if !t.is_word() || t.quote.is_some() {
            return None;
        }
        let words = self.phrase_window(i);
        let (last, flags) = match self.lex.phrase_at(&words) {
            Some((len, f)) if f & phrase_types != 0 => (i + len - 1, f),
            _ => (i, t.flags),
        };
        // a role whose cue class the run leaves out is no cue at all: it neither attributes nor
        // takes a quotation or a clause from a cue of another class
        Some((last, flags & !self.dropped_types(i, last)))
    }

    /// The cue (speech, quoting, belief or prepositional) starting at token `i`.
    pub fn cue_at(&self, i: usize) -> Option<Cue> {
        let (last, flags) = self.entry_at(i, class::CUE)?;
        (flags & class::CUE != 0).then_some(Cue {
            last,
            roles: Roles(flags & (class::CUE | class::TOLD | class::COMPLEMENT)),
        })
    }

    /// A cue at `i` whose content is only an infinitive or an object (`class::COMPLEMENT`, no
    /// other cue class: "wants", "endorsed", "called for").
    pub fn complement_at(&self, i: usize) -> Option<Cue> {
        let (last, flags) = self.entry_at(i, class::CUE | class::COMPLEMENT)?;
        (flags & class::CUE == 0 && flags & class::COMPLEMENT != 0).then_some(Cue {
            last,
            roles: Roles(flags & (class::COMPLEMENT | class::TOLD)),
        })
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

    /// The class of cue `[i, e]` in the role of `roles`; a colon or dash (no lexicon entry)
    /// introduces words said.
    pub fn class_of(&self, (i, e): CueToks, roles: Roles) -> CueClass {
        self.lex
            .cue_class(&self.cue_key(i, e), roles.0)
            .unwrap_or(CueClass::Speech)
    }

    /// A participle cue ("adding", "noting") or "according to" at `i`: these start a new
    /// statement, so a content clause ends before them.
    pub fn starts_attribution(&self, i: usize) -> bool {
        self.cue_at(i)
            .is_some_and(|c| c.roles.prep() || (c.roles.speech() && self.participle(i)))
    }

    /// A speech or belief cue starts at token `i` (one that opens a clause of its own).
    pub fn says_or_thinks(&self, i: usize) -> bool {
        self.cue_at(i)
            .is_some_and(|c| c.roles.speech() || c.roles.belief())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{layout, tok};
    use super::*;
    use crate::quotes::{CueClasses, Lexicon, QuotesConfig};

    #[test]
    fn cues_phrases_and_roles() {
        let l =
            layout("Hill told him, according to aides, that she wants to go and endorsed Cruz.");
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let told = cx.cue_at(tok(&l, "told")).unwrap();
        assert!(told.roles.verb() && told.roles.speech() && told.roles.told());
        assert!(!told.roles.prep() && !told.roles.belief());
        let according = tok(&l, "according");
        let prep = cx.cue_at(according).unwrap();
        assert_eq!(prep.last, according + 1);
        assert!(prep.roles.prep() && !prep.roles.speech());
        assert_eq!(
            cx.class_of((according, prep.last), Roles::PREP),
            CueClass::AccordingTo
        );
        assert!(cx.starts_attribution(according));
        assert!(cx.cue_at(tok(&l, "hill")).is_none());
        // "wants" and "endorsed" take a complement, not a clause; the default classes leave
        // intentions and beliefs out, so that they are no cues at all
        assert!(cx.complement_at(tok(&l, "wants")).is_none());
        assert!(cx.complement_at(tok(&l, "endorsed")).is_none());
        let all = QuotesConfig {
            classes: CueClasses::ALL,
            ..QuotesConfig::default()
        };
        let cx = Ctx::new(&all, Lexicon::builtin().unwrap(), &l);
        assert!(cx.complement_at(tok(&l, "wants")).unwrap().roles.intent());
        let endorsed = cx.complement_at(tok(&l, "endorsed")).unwrap();
        assert!(endorsed.roles.object() && endorsed.roles.complement());
        assert!(cx.cue_at(tok(&l, "endorsed")).is_none());
    }

    #[test]
    fn a_cue_inside_a_quotation_is_no_cue() {
        let l = layout("“He said no,” she said.");
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        assert!(cx.cue_at(tok(&l, "said")).is_none());
        assert!(cx.says_or_thinks(l.toks.iter().rposition(|t| t.lower == "said").unwrap()));
    }
}
