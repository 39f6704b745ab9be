//! Text analysis without models: page-junk marking, paragraphs, sentences and tokens.
//!
//! Every offset in newsmine is a Unicode-scalar (char) offset, end-exclusive, into the article text
//! exactly as given. Cleaning never edits the text: it marks spans to skip.
pub mod clean;
pub mod segment;

use serde::Serialize;

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

/// The segmentation of one article. Junk spans are excluded from paragraphs, sentences and tokens.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub chars: CharIndex,
    /// page junk (navigation, size pickers, repeated captions), each with its reason
    pub skipped: Vec<(Span, &'static str)>,
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
}

impl Doc {
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

/// Settings of the text stage.
#[derive(Clone, Debug)]
pub struct TextConfig {
    /// mark page junk (navigation in another script, size pickers, doubled captions)
    pub clean: bool,
}

impl Default for TextConfig {
    fn default() -> Self {
        TextConfig { clean: true }
    }
}

/// Cleans and segments one text.
pub fn analyse(text: &str, config: &TextConfig) -> Doc {
    analyse_marked(text, config, &[])
}

/// Cleans and segments one text, also skipping `marked` (char spans the reader knows are junk,
/// such as HTML captions and bylines) when cleaning is on.
pub fn analyse_marked(
    text: &str,
    config: &TextConfig,
    marked: &[(usize, usize, &'static str)],
) -> Doc {
    let chars = CharIndex::new(text);
    let skipped = if config.clean {
        let mut spans = clean::junk_spans(text, &chars);
        spans.extend(
            marked
                .iter()
                .map(|&(s, e, why)| (Span::new(s.min(chars.len()), e.min(chars.len())), why))
                .filter(|(span, _)| span.start < span.end),
        );
        disjoint(spans)
    } else {
        Vec::new()
    };
    let mut doc = Doc {
        chars,
        skipped,
        ..Doc::default()
    };
    segment::segment(text, &mut doc);
    doc
}

/// Junk spans sorted and merged where they overlap (the first reason is kept), so that their
/// lengths add up to the chars skipped.
fn disjoint(mut spans: Vec<(Span, &'static str)>) -> Vec<(Span, &'static str)> {
    spans.sort_by_key(|(s, _)| (s.start, s.end));
    let mut out: Vec<(Span, &'static str)> = Vec::with_capacity(spans.len());
    for (span, why) in spans {
        match out.last_mut() {
            Some((last, _)) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push((span, why)),
        }
    }
    out
}
