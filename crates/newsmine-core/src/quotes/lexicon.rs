//! The cue lexicon: speech verbs, prepositional cues, speaker nouns and the few closed word classes
//! the quotes stage needs, read from `data/cues.txt` (compiled into the binary with `include_str!`
//! so that it is self-contained; a config may point at another file).
//!
//! Each entry is a lower-case word or phrase with straight apostrophes and one type; a word may
//! have several types ("told" is a speech verb and a verb whose object is the hearer). A cue
//! entry (a type of `class::CUE | class::COMPLEMENT`) also has a [`CueClass`]: what kind of
//! attribution it makes in that role ("vowed" is `speech` as a verb with a clause, `intention`
//! with an infinitive).
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub use crate::doc::CueClass;

/// The built-in lexicon file.
pub const BUILTIN: &str = include_str!("../../../../data/cues.txt");

/// Word classes, as bit flags (a word can be in several).
pub mod class {
    pub const VERB: u32 = 1 << 0;
    pub const BELIEF: u32 = 1 << 1;
    pub const PREP: u32 = 1 << 2;
    pub const TOLD: u32 = 1 << 3;
    pub const NOM_PER: u32 = 1 << 4;
    pub const NOM_ORG: u32 = 1 << 5;
    pub const NOM_DOC: u32 = 1 << 6;
    pub const PRON_M: u32 = 1 << 7;
    pub const PRON_F: u32 = 1 << 8;
    pub const PRON_N: u32 = 1 << 9;
    pub const PRON_P: u32 = 1 << 10;
    pub const PRON_X: u32 = 1 << 11;
    pub const RELATIVE: u32 = 1 << 12;
    pub const AUX: u32 = 1 << 13;
    pub const TIME: u32 = 1 << 14;
    pub const DET: u32 = 1 << 15;
    pub const TITLE: u32 = 1 << 16;
    pub const STOP: u32 = 1 << 17;
    pub const NOM_REP: u32 = 1 << 18;
    pub const QUOTING: u32 = 1 << 19;
    pub const INTENT: u32 = 1 << 20;
    pub const OBJECT: u32 = 1 << 21;
    pub const FINITE: u32 = 1 << 22;
    pub const BE: u32 = 1 << 23;

    pub const CUE: u32 = VERB | BELIEF | PREP | QUOTING;
    /// cues that attribute a quotation next to them
    pub const SPEECH: u32 = VERB | QUOTING;
    pub const NOMINAL: u32 = NOM_PER | NOM_REP | NOM_ORG | NOM_DOC;
    /// cues whose content is a complement other than a clause: an infinitive or an object
    pub const COMPLEMENT: u32 = INTENT | OBJECT;
    /// person nouns, speaking for themselves or for another
    pub const PERSON: u32 = NOM_PER | NOM_REP;
    pub const PRONOUN: u32 = PRON_M | PRON_F | PRON_N | PRON_P | PRON_X;

    /// The type names of the data file.
    pub const NAMES: [(&str, u32); 24] = [
        ("verb", VERB),
        ("belief", BELIEF),
        ("prep", PREP),
        ("quoting", QUOTING),
        ("told", TOLD),
        ("intent", INTENT),
        ("object", OBJECT),
        ("nominal-per", NOM_PER),
        ("nominal-org", NOM_ORG),
        ("nominal-doc", NOM_DOC),
        ("nominal-rep", NOM_REP),
        ("pronoun-m", PRON_M),
        ("pronoun-f", PRON_F),
        ("pronoun-n", PRON_N),
        ("pronoun-p", PRON_P),
        ("pronoun-x", PRON_X),
        ("relative", RELATIVE),
        ("aux", AUX),
        ("finite", FINITE),
        ("be", BE),
        ("time", TIME),
        ("det", DET),
        ("title", TITLE),
        ("stop", STOP),
    ];
}

impl std::fmt::Display for CueClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of cue classes: the ones a run keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CueClasses(u8);

impl CueClasses {
    /// speech, written, according_to
    pub const DEFAULT: CueClasses = CueClasses(0b00111);
    pub const ALL: CueClasses = CueClasses(0b111111);

    pub fn contains(&self, c: CueClass) -> bool {
        self.0 & (1 << c as u8) != 0
    }
    pub fn with(self, c: CueClass) -> CueClasses {
        CueClasses(self.0 | (1 << c as u8))
    }
    /// The classes in order, for run.json and messages.
    pub fn names(&self) -> Vec<&'static str> {
        CueClass::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .map(|c| c.as_str())
            .collect()
    }
}

impl Default for CueClasses {
    fn default() -> Self {
        CueClasses::DEFAULT
    }
}

/// The cue types, in the order a class is looked up when a cue has several in one role.
const CUE_TYPES: [u32; 6] = [
    class::VERB,
    class::QUOTING,
    class::PREP,
    class::BELIEF,
    class::INTENT,
    class::OBJECT,
];

/// The parsed lexicon.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// one-word entries
    words: HashMap<String, u32>,
    /// phrases of two or more words, by their first word, longest first
    phrases: HashMap<String, Vec<(Vec<String>, u32)>>,
    /// the class of each cue entry per cue type, by the entry's words joined with spaces
    classes: HashMap<String, Vec<(u32, CueClass)>>,
}

impl Lexicon {
    /// The lexicon compiled into the binary (parsed once).
    pub fn builtin() -> Result<&'static Lexicon, String> {
        static LEX: OnceLock<Result<Lexicon, String>> = OnceLock::new();
        LEX.get_or_init(|| Lexicon::parse(BUILTIN))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a lexicon file in the format of `data/cues.txt`.
    pub fn load(path: &Path) -> crate::Result<Lexicon> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
        Lexicon::parse(&text).map_err(|msg| crate::Error::Config {
            path: path.to_path_buf(),
            msg,
        })
    }

    /// Parses the lexicon format: `word-or-phrase type [class]` per line, `#` comments. A cue
    /// entry without a class gets its type's usual one (verb, quoting → speech; prep →
    /// according_to; belief, object → belief; intent → intention).
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut lex = Lexicon::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let type_flag = |ty: &str| {
                class::NAMES
                    .iter()
                    .find(|(name, _)| *name == ty)
                    .map(|x| x.1)
            };
            // `phrase type class` when the last two fields are a type and a class, else `phrase type`
            let (phrase, ty, cue_class) = match fields.as_slice() {
                [phrase @ .., ty, c]
                    if !phrase.is_empty()
                        && type_flag(ty).is_some()
                        && CueClass::parse(c).is_some() =>
                {
                    (phrase, *ty, CueClass::parse(c))
                }
                [phrase @ .., ty] if !phrase.is_empty() => (phrase, *ty, None),
                _ => return Err(format!("line {}: expected `cue type`, got {line:?}", n + 1)),
            };
            let Some(flag) = type_flag(ty) else {
                return Err(format!("line {}: unknown cue type {ty:?}", n + 1));
            };
            let is_cue = flag & (class::CUE | class::COMPLEMENT) != 0;
            if cue_class.is_some() && !is_cue {
                return Err(format!(
                    "line {}: only cue types (verb, belief, quoting, intent, object, prep) take a class",
                    n + 1
                ));
            }
            let words: Vec<String> = phrase.iter().map(|w| normalise(w)).collect();
            if is_cue {
                let c = cue_class.unwrap_or_else(|| default_class(flag));
                let list = lex.classes.entry(words.join(" ")).or_default();
                match list.iter_mut().find(|(f, _)| *f == flag) {
                    Some(entry) => entry.1 = c,
                    None => list.push((flag, c)),
                }
            }
            match words.as_slice() {
                [] => return Err(format!("line {}: empty cue", n + 1)),
                [w] => *lex.words.entry(w.clone()).or_default() |= flag,
                [first, ..] => {
                    let list = lex.phrases.entry(first.clone()).or_default();
                    match list.iter_mut().find(|(p, _)| *p == words) {
                        Some((_, f)) => *f |= flag,
                        None => list.push((words, flag)),
                    }
                }
            }
        }
        for list in lex.phrases.values_mut() {
            list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
        Ok(lex)
    }

    /// Classes of one (normalised, lower-case) word; 0 when unknown.
    pub fn flags(&self, word: &str) -> u32 {
        self.words.get(word).copied().unwrap_or(0)
    }

    /// The longest phrase of two or more words starting at `words[0]`: its length in words and classes.
    pub fn phrase_at<S: AsRef<str>>(&self, words: &[S]) -> Option<(usize, u32)> {
        let first = words.first()?.as_ref();
        self.phrases.get(first)?.iter().find_map(|(p, f)| {
            (p.len() <= words.len() && p.iter().zip(words).all(|(a, b)| a == b.as_ref()))
                .then_some((p.len(), *f))
        })
    }

    /// The class of a cue as written ("said in a statement", "according to"): the first lexicon
    /// cue among its words in the lexicon's role order; a colon or dash alone is speech; `None`
    /// when no word of it is a lexicon cue.
    pub fn class_of_cue_text(&self, text: &str) -> Option<CueClass> {
        if !text.trim().is_empty()
            && text
                .chars()
                .all(|c| c.is_whitespace() || matches!(c, ':' | '—' | '―' | '–' | '-'))
        {
            return Some(CueClass::Speech);
        }
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| normalise(w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')))
            .filter(|w| !w.is_empty())
            .collect();
        let cue_types = class::CUE | class::COMPLEMENT;
        for k in 0..words.len() {
            let found = match self.phrase_at(&words[k..]) {
                Some((len, f)) if f & cue_types != 0 => Some((words[k..k + len].join(" "), f)),
                _ => Some((words[k].clone(), self.flags(&words[k])))
                    .filter(|(_, f)| f & cue_types != 0),
            };
            if let Some(c) = found.and_then(|(key, f)| self.cue_class(&key, f & cue_types)) {
                return Some(c);
            }
        }
        None
    }

    /// The class of the cue `key` (its words joined with spaces) in the role of cue types
    /// `types`; the first of `CUE_TYPES` it has decides.
    pub fn cue_class(&self, key: &str, types: u32) -> Option<CueClass> {
        let list = self.classes.get(key)?;
        CUE_TYPES
            .iter()
            .filter(|&&t| types & t != 0)
            .find_map(|&t| list.iter().find(|(f, _)| *f == t).map(|(_, c)| *c))
    }

    /// The cue-type bits of entry `key` whose class `keep` leaves out.
    pub fn dropped_types(&self, key: &str, keep: CueClasses) -> u32 {
        self.classes.get(key).map_or(0, |list| {
            list.iter()
                .filter(|(_, c)| !keep.contains(*c))
                .fold(0, |acc, (f, _)| acc | f)
        })
    }

    /// Number of entries (words and phrases).
    pub fn len(&self) -> usize {
        self.words.len() + self.phrases.values().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Lower case with typographic apostrophes made straight, as lexicon entries are written.
pub fn normalise(word: &str) -> String {
    word.chars()
        .map(|c| {
            if matches!(c, '’' | 'ʼ' | '‘') {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The class of an entry of cue type `ty` that names none (a lexicon file of one's own).
fn default_class(ty: u32) -> CueClass {
    match ty {
        class::PREP => CueClass::AccordingTo,
        class::BELIEF | class::OBJECT => CueClass::Belief,
        class::INTENT => CueClass::Intention,
        _ => CueClass::Speech,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_with_every_class() {
        let lex = Lexicon::builtin().unwrap();
        assert!(lex.flags("said") & class::VERB != 0);
        assert!(lex.flags("told") & class::TOLD != 0);
        assert!(lex.flags("ministry") & class::NOM_ORG != 0);
        assert!(lex.flags("statement") & class::NOM_DOC != 0);
        assert!(lex.flags("he") & class::PRON_M != 0);
        assert_eq!(
            lex.phrase_at(&["according", "to", "x"]),
            Some((2, class::PREP))
        );
        assert_eq!(lex.phrase_at(&["according"]), None);
        for (_, flag) in class::NAMES {
            assert!(lex
                .words
                .values()
                .chain(lex.phrases.values().flatten().map(|(_, f)| f))
                .any(|f| f & flag != 0));
        }
    }

    #[test]
    fn every_builtin_cue_names_its_class() {
        for line in BUILTIN.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let ty = fields[fields.len() - 2..]
                .iter()
                .find_map(|t| class::NAMES.iter().find(|(n, _)| n == t))
                .map(|x| x.1)
                .unwrap_or(0);
            if ty & (class::CUE | class::COMPLEMENT) != 0 {
                assert!(
                    CueClass::parse(fields[fields.len() - 1]).is_some(),
                    "cue without a class: {line:?}"
                );
            }
        }
        let lex = Lexicon::builtin().unwrap();
        assert_eq!(lex.cue_class("said", class::VERB), Some(CueClass::Speech));
        assert_eq!(lex.cue_class("wrote", class::VERB), Some(CueClass::Written));
        assert_eq!(
            lex.cue_class("according to", class::PREP),
            Some(CueClass::AccordingTo)
        );
        assert_eq!(
            lex.cue_class("believes", class::BELIEF),
            Some(CueClass::Belief)
        );
        assert_eq!(
            lex.cue_class("decided", class::INTENT),
            Some(CueClass::Intention)
        );
        // one word, two roles: a vow in a clause is said, a vow to act is a plan
        assert_eq!(lex.cue_class("vowed", class::VERB), Some(CueClass::Speech));
        assert_eq!(
            lex.cue_class("vowed", class::INTENT),
            Some(CueClass::Intention)
        );
        assert_eq!(
            lex.dropped_types("vowed", CueClasses::DEFAULT),
            class::INTENT
        );
        assert_eq!(lex.dropped_types("said", CueClasses::DEFAULT), 0);
        assert_eq!(lex.dropped_types("believes", CueClasses::ALL), 0);
    }

    #[test]
    fn classes_parse_and_default_by_type() {
        let lex = Lexicon::parse("said verb\nhopes belief\nput it quoting written\nhe pronoun-m\n")
            .unwrap();
        assert_eq!(lex.cue_class("said", class::VERB), Some(CueClass::Speech));
        assert_eq!(
            lex.cue_class("hopes", class::BELIEF),
            Some(CueClass::Belief)
        );
        assert_eq!(
            lex.cue_class("put it", class::QUOTING),
            Some(CueClass::Written)
        );
        assert_eq!(lex.phrase_at(&["put", "it"]), Some((2, class::QUOTING)));
        assert_eq!(lex.cue_class("he", class::VERB), None);
        // a class on a word that is no cue, or an unknown class, is an error
        assert!(Lexicon::parse("he pronoun-m speech").is_err());
        assert!(Lexicon::parse("said verb loud").is_err());
        let keep = CueClasses::DEFAULT.with(CueClass::Belief);
        assert!(keep.contains(CueClass::Belief) && !keep.contains(CueClass::Intention));
        assert_eq!(
            keep.names(),
            ["speech", "written", "according_to", "belief"]
        );
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(Lexicon::parse("said").is_err());
        assert!(Lexicon::parse("said noun-ish").is_err());
        assert_eq!(
            Lexicon::parse("# c\n\nSaid verb\n").unwrap().flags("said"),
            class::VERB
        );
    }
}
