//! The cue lexicon: speech verbs, prepositional cues, speaker nouns and the few closed word classes
//! the quotes stage needs, read from `data/cues.txt` (compiled into the binary with `include_str!`
//! so that it is self-contained; a config may point at another file).
//!
//! Each entry is a lower-case word or phrase with straight apostrophes and one type; a word may
//! have several types ("told" is a speech verb and a verb whose object is the hearer).
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The built-in lexicon file.
pub const BUILTIN: &str = include_str!("../../data/cues.txt");

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
    pub const NAMES: [(&str, u32); 22] = [
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
        ("time", TIME),
        ("det", DET),
        ("title", TITLE),
        ("stop", STOP),
    ];
}

/// The parsed lexicon.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// one-word entries
    words: HashMap<String, u32>,
    /// phrases of two or more words, by their first word, longest first
    phrases: HashMap<String, Vec<(Vec<String>, u32)>>,
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

    /// Parses the lexicon format: `word-or-phrase type` per line, `#` comments.
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut lex = Lexicon::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((phrase, ty)) = line.rsplit_once(char::is_whitespace) else {
                return Err(format!("line {}: expected `cue type`, got {line:?}", n + 1));
            };
            let Some(&(_, flag)) = class::NAMES.iter().find(|(name, _)| *name == ty) else {
                return Err(format!("line {}: unknown cue type {ty:?}", n + 1));
            };
            let words: Vec<String> = phrase.split_whitespace().map(normalise).collect();
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
    fn bad_lines_are_errors() {
        assert!(Lexicon::parse("said").is_err());
        assert!(Lexicon::parse("said noun-ish").is_err());
        assert_eq!(
            Lexicon::parse("# c\n\nSaid verb\n").unwrap().flags("said"),
            class::VERB
        );
    }
}
