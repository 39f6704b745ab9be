//! What the quote model reads of one statement: a text pair built from the rule stage's rows.
//!
//! - first text: `cue | speaker` as written (`none` for a missing part), so the model sees which
//!   verb attributes and to whom;
//! - second text: the sentences that hold the statement, its cue and its speaker, with the
//!   content pieces inside `«…»` and the cue inside `{…}`: whether "reported a profit of
//!   $3.3 billion" or "decided to grab a bite" is a statement depends on the cue's object and
//!   subject, which this context holds.
//!
//! Long pieces keep their start and end (the middle becomes `…`) so that an attribution after a
//! long quotation still fits in the model's window. Pure text work: no model, no libtorch.
use crate::doc::{Doc, Quote, Span};

/// Context kept on each side of the statement, in chars, within its sentences.
const SIDE_CHARS: usize = 300;
/// A content piece longer than this keeps its first and last [`KEEP_CHARS`] chars.
const LONG_PIECE: usize = 400;
const KEEP_CHARS: usize = 160;

/// The pair for the statement made of `rows` (indices into `quotes`, as grouped by
/// [`crate::doc::statements`]).
pub fn statement_pair(doc: &Doc, quotes: &[Quote], rows: &[usize]) -> (String, String) {
    let qs: Vec<&Quote> = rows.iter().filter_map(|&k| quotes.get(k)).collect();
    let Some(first) = qs.first() else {
        return (String::new(), String::new());
    };
    let cue = first.cue.as_ref();
    let speaker = first.speaker.as_ref();
    let a = format!(
        "{} | {}",
        cue.map_or("none", |c| c.0.as_str()),
        speaker.map_or("none", |s| s.0.as_str())
    );
    let mut marks: Vec<(Span, char, char)> = qs.iter().map(|q| (q.span, '«', '»')).collect();
    if let Some((_, c)) = cue {
        marks.push((*c, '{', '}'));
    }
    let mut all: Vec<Span> = marks.iter().map(|m| m.0).collect();
    all.extend(speaker.map(|s| s.1));
    let len = doc.chars().len();
    let lo = all.iter().map(|s| s.start).min().unwrap_or(0).min(len);
    let hi = all
        .iter()
        .map(|s| s.end)
        .max()
        .unwrap_or(0)
        .min(len)
        .max(lo);
    let (start, end) = window(doc, lo, hi, len);
    (a, render(doc, Span::new(start, end), &mut marks))
}

/// The sentences around `[lo, hi)`, at most [`SIDE_CHARS`] beyond it on each side.
fn window(doc: &Doc, lo: usize, hi: usize, len: usize) -> (usize, usize) {
    let sentence_start = doc
        .sentence_at(lo)
        .and_then(|s| doc.sentences.get(s))
        .map_or(lo, |s| s.span.start.min(lo));
    let sentence_end = doc
        .sentence_at(hi.saturating_sub(1))
        .and_then(|s| doc.sentences.get(s))
        .map_or(hi, |s| s.span.end.max(hi));
    (
        sentence_start.max(lo.saturating_sub(SIDE_CHARS)),
        sentence_end.min(hi + SIDE_CHARS).min(len),
    )
}

/// The text of `window` with each mark's span wrapped in its open/close chars; long content
/// pieces shortened in the middle. Marks that overlap a previous one are left out (rows never
/// overlap; a cue inside a content piece would).
fn render(doc: &Doc, window: Span, marks: &mut [(Span, char, char)]) -> String {
    let text = |s: usize, e: usize| doc.slice(Span::new(s, e));
    marks.sort_by_key(|m| (m.0.start, m.0.end));
    let mut out = String::new();
    let mut at = window.start;
    for &(span, open, close) in marks.iter() {
        let (s, e) = (span.start.max(window.start), span.end.min(window.end));
        if s < at || s >= e {
            continue;
        }
        out.push_str(text(at, s));
        out.push(open);
        if open == '«' && e - s > LONG_PIECE {
            out.push_str(text(s, s + KEEP_CHARS));
            out.push_str(" … ");
            out.push_str(text(e - KEEP_CHARS, e));
        } else {
            out.push_str(text(s, e));
        }
        out.push(close);
        at = e;
    }
    if at < window.end {
        out.push_str(text(at, window.end));
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{CueClass, QuoteKind, Sentence};

    fn quote(text: &str, content: &str, cue: &str, speaker: &str) -> Quote {
        let find = |needle: &str| {
            let b = text.find(needle).unwrap();
            let s = text[..b].chars().count();
            Span::new(s, s + needle.chars().count())
        };
        Quote {
            id: 0,
            kind: QuoteKind::Indirect,
            span: find(content),
            text: content.into(),
            cue: Some((cue.into(), find(cue))),
            cue_class: Some(CueClass::Speech),
            speaker: Some((speaker.into(), find(speaker))),
            speaker_canonical: None,
            speaker_label: None,
            reason: None,
            paragraph: 0,
            sentence: 1,
            confidence: None,
        }
    }

    fn doc(text: &str, sentences: &[&str]) -> Doc {
        let mut d = Doc::new(text);
        for s in sentences {
            let b = text.find(s).unwrap();
            let start = text[..b].chars().count();
            d.sentences.push(Sentence {
                span: Span::new(start, start + s.chars().count()),
                paragraph: 0,
            });
        }
        d
    }

    #[test]
    fn marks_content_and_cue_within_the_sentence() {
        let text = "It rained. The company reported a profit of $3 billion. Shares rose.";
        let d = doc(
            text,
            &[
                "It rained.",
                "The company reported a profit of $3 billion.",
                "Shares rose.",
            ],
        );
        let q = quote(text, "a profit of $3 billion", "reported", "The company");
        let (a, b) = statement_pair(&d, &[q], &[0]);
        assert_eq!(a, "reported | The company");
        assert_eq!(b, "The company {reported} «a profit of $3 billion».");
    }

    #[test]
    fn a_long_piece_keeps_its_ends() {
        let long = format!("start {} end", "word ".repeat(200));
        let text = format!("He said {long}.");
        let d = doc(&text, &[&text]);
        let q = quote(&text, &long, "said", "He");
        let (_, b) = statement_pair(&d, &[q], &[0]);
        assert!(b.starts_with("He {said} «start word"), "{b}");
        assert!(b.contains(" … ") && b.ends_with("word end»."), "{b}");
        assert!(b.chars().count() < 400);
    }

    #[test]
    fn no_rows_is_an_empty_pair_not_a_panic() {
        assert_eq!(
            statement_pair(&Doc::default(), &[], &[3]),
            (String::new(), String::new())
        );
    }
}
