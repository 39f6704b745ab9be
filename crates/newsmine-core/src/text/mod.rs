//! Text analysis without models: page-junk marking, paragraphs, sentences and tokens.
//!
//! Every offset in newsmine is a Unicode-scalar (char) offset, end-exclusive, into the article text
//! exactly as given. Cleaning never edits the text: it marks spans to skip.
pub mod clean;
pub mod segment;

pub use crate::doc::{CharIndex, Doc, Sentence, Span, Token};

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

/// The Doc of one text: the text, cleaned and segmented.
pub fn analyse(text: &str, config: &TextConfig) -> Doc {
    analyse_marked(text, config, &[])
}

/// The Doc of one text, cleaned and segmented, also skipping `marked` (char spans the reader
/// knows are junk, such as HTML captions and bylines) when cleaning is on.
pub fn analyse_marked(
    text: &str,
    config: &TextConfig,
    marked: &[(usize, usize, &'static str)],
) -> Doc {
    let mut doc = Doc::new(text);
    if config.clean {
        let n = doc.chars().len();
        let mut spans = clean::junk_spans(doc.text(), doc.chars());
        spans.extend(
            marked
                .iter()
                .map(|&(s, e, why)| (Span::new(s.min(n), e.min(n)), why))
                .filter(|(span, _)| span.start < span.end),
        );
        doc.skipped = disjoint(spans);
    }
    segment::segment(&mut doc);
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
