//! The article as the quotes stage reads it: paragraphs and sentences (the text stage's; when the
//! Doc has none, the text stage's segmentation made here without junk marking), and word tokens
//! that know their lexicon classes and whether they lie inside a quotation.
//!
//! The stage tokenises on its own rather than using `Doc::tokens` because it needs quote marks
//! as tokens of their own (paired by `marks`) and apostrophes inside words (it’s, Russia’s).
use super::lexicon::{normalise, Lexicon};
use super::marks::{self, Quoted};
use crate::text::{Doc, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Punct,
    /// the opening mark of quote `Tok::quote`
    Open,
    /// the closing mark of quote `Tok::quote`
    Close,
    /// a paragraph-opening mark inside a continued quote
    Cont,
}

#[derive(Clone, Debug)]
pub struct Tok {
    pub span: Span,
    pub kind: Kind,
    /// lower case, straight apostrophes
    pub lower: String,
    /// starts with an upper-case letter
    pub cap: bool,
    /// two or more letters, all upper case ("FBI", "NYPD")
    pub upper: bool,
    /// the word also appears in lower case in the article (so capitalised it may be no name)
    pub common: bool,
    /// lexicon classes of `lower`
    pub flags: u32,
    pub para: usize,
    pub sent: usize,
    /// the quote whose marks or inner text this token belongs to
    pub quote: Option<usize>,
}

impl Tok {
    pub fn is(&self, flags: u32) -> bool {
        self.flags & flags != 0
    }
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
    pub fn is_punct(&self, s: &str) -> bool {
        self.kind == Kind::Punct && self.lower == s
    }
    /// '.', '!', '?' or '…'
    pub fn ends_sentence(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.lower.as_str(), "." | "!" | "?" | "…")
    }
    pub fn is_mark(&self) -> bool {
        matches!(self.kind, Kind::Open | Kind::Close | Kind::Cont)
    }
    /// A possessive word ("Russia’s", "soldiers'").
    pub fn possessive(&self) -> bool {
        self.lower.ends_with("'s")
    }
}

pub struct Layout {
    pub chars: Vec<char>,
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Span>,
    pub quotes: Vec<Quoted>,
    pub toks: Vec<Tok>,
}

/// Abbreviations whose full stop belongs to the word ("Mr.", "Sen.", "Jan.").
const ABBREVIATIONS: [&str; 35] = [
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "cmdr",
    "adm", "maj", "jr", "sr", "prof", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "aug",
    "sept", "oct", "nov", "dec", "rev", "hon", "v",
];

impl Layout {
    pub fn new(doc: &Doc, lex: &Lexicon, limits: marks::Limits) -> Layout {
        let chars: Vec<char> = doc.text().chars().collect();
        // a Doc without segmentation (the caller ran no text stage, or all of it was junk): the
        // text stage's segmenter, without junk marking, rather than a second one of our own
        let own;
        let doc = if doc.sentences.is_empty() || doc.paragraphs.is_empty() {
            own = crate::text::analyse(doc.text(), &crate::text::TextConfig { clean: false });
            &own
        } else {
            doc
        };
        let n = chars.len();
        let clamp = |s: Span| Span::new(s.start.min(n), s.end.min(n));
        let paragraphs: Vec<Span> = doc.paragraphs.iter().map(|&p| clamp(p)).collect();
        let sentences: Vec<Span> = doc.sentences.iter().map(|s| clamp(s.span)).collect();
        let quotes = marks::find(&chars, &paragraphs, limits);
        let mut layout = Layout {
            chars,
            paragraphs,
            sentences,
            quotes,
            toks: Vec::new(),
        };
        layout.tokenize(lex);
        layout
    }

    /// The layout the default quotes stage reads: the built-in lexicon and the default quote
    /// limits (for work on rows made elsewhere, e.g. the quote tagger's).
    pub fn builtin(doc: &Doc) -> Option<Layout> {
        let lex = Lexicon::builtin().ok()?;
        let defaults = super::QuotesConfig::default();
        let limits = marks::Limits {
            max_chars: defaults.max_quote_chars,
            max_paragraphs: defaults.max_quote_paragraphs,
        };
        Some(Layout::new(doc, lex, limits))
    }

    /// Index of the sentence at char `c`: the one containing it, else the last one before it.
    pub fn sentence_at(&self, c: usize) -> usize {
        self.sentences
            .partition_point(|s| s.start <= c)
            .saturating_sub(1)
    }

    /// Index of the paragraph at char `c`: the one containing it, else the last one before it.
    pub fn paragraph_at(&self, c: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.start <= c)
            .saturating_sub(1)
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> String {
        let end = span.end.min(self.chars.len());
        self.chars[span.start.min(end)..end].iter().collect()
    }

    /// Token range `[lo, hi)` of sentence `s`.
    pub fn sentence_toks(&self, s: usize) -> (usize, usize) {
        (
            self.toks.partition_point(|t| t.sent < s),
            self.toks.partition_point(|t| t.sent <= s),
        )
    }

    /// Token range of paragraph `p`.
    pub fn para_toks(&self, p: usize) -> (usize, usize) {
        (
            self.toks.partition_point(|t| t.para < p),
            self.toks.partition_point(|t| t.para <= p),
        )
    }

    fn tokenize(&mut self, lex: &Lexicon) {
        // where each quote's marks are, so that they become tokens of their own
        let mut marks: Vec<(Span, Kind, usize)> = Vec::new();
        for (q, quote) in self.quotes.iter().enumerate() {
            marks.push((quote.open, Kind::Open, q));
            if let Some(c) = quote.close {
                marks.push((c, Kind::Close, q));
            }
            marks.extend(quote.continued.iter().map(|&c| (c, Kind::Cont, q)));
        }
        marks.sort_by_key(|m| m.0.start);
        let chars = &self.chars;
        let mut toks = Vec::new();
        for (p, para) in self.paragraphs.iter().enumerate() {
            let end = para.end.min(chars.len());
            let mut i = para.start;
            while i < end {
                let c = chars[i];
                if c.is_whitespace() {
                    i += 1;
                    continue;
                }
                let (span, kind, quote) = match marks.binary_search_by_key(&i, |m| m.0.start) {
                    Ok(k) => (marks[k].0, marks[k].1, Some(marks[k].2)),
                    Err(_) if c.is_alphanumeric() => (
                        Span::new(i, word_end(chars, i, end, &marks)),
                        Kind::Word,
                        None,
                    ),
                    Err(_) => (Span::new(i, i + 1), Kind::Punct, None),
                };
                i = span.end.max(i + 1);
                let text: String = chars[span.start..span.end.min(end)].iter().collect();
                let lower = normalise(&text);
                let flags = if kind == Kind::Word {
                    lex.flags(&lower)
                } else {
                    0
                };
                let letters = text.chars().filter(|c| c.is_alphabetic());
                let upper = letters.clone().count() >= 2 && letters.clone().all(char::is_uppercase);
                toks.push(Tok {
                    span,
                    kind,
                    cap: c.is_uppercase(),
                    upper,
                    common: false,
                    lower,
                    flags,
                    para: p,
                    sent: 0,
                    quote,
                });
            }
        }
        let lower_words: std::collections::HashSet<String> = toks
            .iter()
            .filter(|t| t.kind == Kind::Word && !t.cap)
            .map(|t| t.lower.clone())
            .collect();
        for t in &mut toks {
            t.common = t.cap && lower_words.contains(&t.lower);
            t.sent = self
                .sentences
                .partition_point(|s| s.start <= t.span.start)
                .saturating_sub(1);
            if t.quote.is_none() {
                // quotes are sorted and disjoint (nested ones were dropped)
                let q = self
                    .quotes
                    .partition_point(|q| q.inner.start <= t.span.start);
                t.quote = q
                    .checked_sub(1)
                    .filter(|&q| self.quotes[q].inner.contains(&t.span));
            }
        }
        // a sentence of the text stage that ends inside a token would split it: keep tokens whole
        self.toks = toks;
    }
}

/// End of the word starting at `start`: letters and digits, joined by apostrophes, hyphens, full
/// stops, ampersands and slashes that have a letter or digit on both sides ("it’s", "U.S.",
/// "Armenian-Azerbaijani", "AT&T", "3.5"); a trailing full stop after an initial or an
/// abbreviation belongs to the word ("U.S.", "Mr.").
fn word_end(chars: &[char], start: usize, end: usize, marks: &[(Span, Kind, usize)]) -> usize {
    let is_mark = |i: usize| marks.binary_search_by_key(&i, |m| m.0.start).is_ok();
    let mut i = start;
    let mut has_dot = false;
    while i < end {
        let c = chars[i];
        if c.is_alphanumeric() || is_combining(c) {
            i += 1;
        } else if matches!(c, '\'' | '’' | '-' | '‐' | '.' | '&' | '/')
            && i + 1 < end
            && chars[i + 1].is_alphanumeric()
            && !is_mark(i)
        {
            has_dot |= c == '.';
            i += 1;
        } else {
            break;
        }
    }
    if i < end && chars[i] == '.' {
        let word: String = chars[start..i]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect();
        let initial = i - start == 1 && chars[start].is_uppercase();
        if has_dot || initial || ABBREVIATIONS.contains(&word.as_str()) {
            i += 1;
        }
    }
    // a possessive after a plural ("soldiers’ lives") stays outside: it may be a closing mark
    i
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x200C..=0x200D | 0xFE00..=0xFE0F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str) -> Layout {
        let limits = marks::Limits {
            max_chars: 5000,
            max_paragraphs: 10,
        };
        Layout::new(&Doc::new(text), Lexicon::builtin().unwrap(), limits)
    }

    #[test]
    fn a_doc_without_segmentation_gets_the_text_stage_s() {
        let l =
            layout("Mr. Smith went to the U.S. on Friday. He said “Yes.” Then left.\n\nNext one.");
        let texts: Vec<String> = l.sentences.iter().map(|&s| l.text(s)).collect();
        assert_eq!(
            texts,
            [
                "Mr. Smith went to the U.S. on Friday.",
                "He said “Yes.”",
                "Then left.",
                "Next one."
            ]
        );
        assert_eq!(l.paragraphs.len(), 2);
    }

    #[test]
    fn tokens_keep_apostrophes_and_marks() {
        let l = layout("“It’s Russia’s call,” the U.S. envoy said.");
        let words: Vec<&str> = l.toks.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            words,
            ["“", "it's", "russia's", "call", ",", "”", "the", "u.s.", "envoy", "said", "."]
        );
        assert_eq!(l.toks[0].kind, Kind::Open);
        assert_eq!(l.toks[5].kind, Kind::Close);
        assert_eq!(l.toks[2].quote, Some(0));
        assert!(l.toks[9].is(crate::quotes::lexicon::class::VERB));
    }
}
