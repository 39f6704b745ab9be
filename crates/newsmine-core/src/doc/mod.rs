//! The document model at the bottom of newsmine: an [`Article`] as read, its text with its
//! segmentation ([`Doc`]: paragraphs, sentences, tokens), what the stages assign to it ([`Entity`], [`Quote`],
//! [`UnitStance`], [`ArticleStance`]) and the [`Analysis`] that carries them through the pipeline.
//!
//! This module imports no other module of the crate (a test in `tests/architecture.rs` keeps it
//! so): every stage depends on it, it depends on none of them, as spaCy's `Doc` sits below its
//! components.
//!
//! Every offset is a Unicode-scalar (char) offset, end-exclusive, into `Article::text` exactly as
//! given (see docs/SCHEMA.md).
mod entity;
mod quote;
mod stance;

pub use entity::{Entity, EntityLabel};
pub use quote::{statements, CueClass, Quote, QuoteKind, SpeakerReason};
pub use stance::{ArticleStance, Probs, StanceLabel, UnitKind, UnitStance};

use serde::Serialize;
use std::sync::Arc;

/// A char-offset range `[start, end)` into an article's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// Number of chars shared by both spans.
    pub fn overlap(&self, other: &Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// Maps char offsets to byte offsets of one text (and back), so that spans slice in O(1).
#[derive(Clone, Debug, Default)]
pub struct CharIndex {
    /// byte offset of each char, plus the text's byte length at the end.
    bytes: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        CharIndex { bytes }
    }
    /// Number of chars in the text.
    pub fn len(&self) -> usize {
        self.bytes.len() - 1
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Byte offset of char offset `c` (clamped to the text's end).
    pub fn byte(&self, c: usize) -> usize {
        self.bytes[c.min(self.bytes.len() - 1)]
    }
    /// Char offset of byte offset `b` (the char that contains it).
    pub fn char_of_byte(&self, b: usize) -> usize {
        match self.bytes.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
    /// The text of a char span.
    pub fn slice<'t>(&self, text: &'t str, span: Span) -> &'t str {
        &text[self.byte(span.start)..self.byte(span.end.max(span.start))]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub span: Span,
    /// index into `Doc::paragraphs`
    pub paragraph: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Token {
    pub span: Span,
    /// index into `Doc::sentences`
    pub sentence: usize,
}

/// One article's text and its segmentation, as spaCy's `Doc`: a stage reads the text and the
/// segmentation from one value. The text is the article text exactly as given (every offset
/// refers to it); junk spans are excluded from paragraphs, sentences and tokens. The text stage
/// (`text::analyse*`) makes the Doc of an article; [`Doc::new`] is one with no segmentation yet.
#[derive(Clone, Debug)]
pub struct Doc {
    /// the text the offsets refer to (the Doc's own copy: a clone of the Doc shares it)
    text: Arc<str>,
    chars: CharIndex,
    /// page junk (navigation, size pickers, repeated captions), each with its reason
    pub skipped: Vec<(Span, &'static str)>,
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
}

impl Default for Doc {
    /// The Doc of the empty text.
    fn default() -> Self {
        Doc::new("")
    }
}

impl Doc {
    /// The Doc of `text` with no segmentation (no junk, paragraphs, sentences or tokens).
    pub fn new(text: &str) -> Self {
        Doc {
            text: Arc::from(text),
            chars: CharIndex::new(text),
            skipped: Vec::new(),
            paragraphs: Vec::new(),
            sentences: Vec::new(),
            tokens: Vec::new(),
        }
    }
    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The char index of the text.
    pub fn chars(&self) -> &CharIndex {
        &self.chars
    }
    /// The text of a char span (clamped to the text's end).
    pub fn slice(&self, span: Span) -> &str {
        self.chars.slice(&self.text, span)
    }
    /// The text of sentence `s`.
    pub fn sentence_text(&self, s: usize) -> &str {
        self.slice(self.sentences[s].span)
    }
    /// Tokens of sentence `s` (tokens are sorted, so this is a contiguous range).
    pub fn sentence_tokens(&self, s: usize) -> &[Token] {
        let lo = self.tokens.partition_point(|t| t.sentence < s);
        let hi = self.tokens.partition_point(|t| t.sentence <= s);
        &self.tokens[lo..hi]
    }
    /// Index of the sentence that contains char offset `c`, if any.
    pub fn sentence_at(&self, c: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= c);
        (i < self.sentences.len() && self.sentences[i].span.start <= c).then_some(i)
    }
    /// Index of the paragraph that contains char offset `c`, if any.
    pub fn paragraph_at(&self, c: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.end <= c);
        (i < self.paragraphs.len() && self.paragraphs[i].start <= c).then_some(i)
    }
}

/// One article as read from the input. `text` is what every offset refers to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Article {
    /// position in the input stream (0-based); output order follows it
    pub index: u64,
    /// the given id, else a content hash
    pub id: String,
    pub outlet: String,
    pub published: String,
    pub title: String,
    pub url: String,
    /// where it came from: file path, plus `:LINE` for JSONL and CSV records
    pub source: String,
    pub text: String,
    /// notes on the input that did not stop it (e.g. invalid UTF-8 decoded lossily)
    pub warnings: Vec<String>,
    /// `text` was extracted from markup (HTML), so it is not in the input as such: it is written
    /// to `texts.jsonl`, which the offsets refer to
    pub extracted: bool,
    /// author names, `; `-separated (from HTML metadata; empty when unknown)
    pub authors: String,
    /// the language the page declares (`en`, `en-GB`; HTML only, empty when unknown)
    pub language: String,
    /// char spans of `text` the reader knows are not prose (HTML captions and bylines): the text
    /// stage marks them as junk, like the page junk it finds itself
    pub junk: Vec<(usize, usize, &'static str)>,
}

impl StageFailure {
    pub fn new(stage: &str, message: impl Into<String>) -> Self {
        StageFailure {
            stage: stage.to_string(),
            message: message.into(),
        }
    }
}

/// A stage that failed on one article; the article still gets its rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageFailure {
    pub stage: String,
    pub message: String,
}

/// Everything known about one article as it moves through the stages.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub article: Article,
    /// the article's text (`doc.text() == article.text`) and its segmentation
    pub doc: Doc,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub stance: Vec<UnitStance>,
    /// one per target, in config order
    pub article_stance: Vec<ArticleStance>,
    /// the stages that failed on this article; the article still gets its rows
    pub failures: Vec<StageFailure>,
}
