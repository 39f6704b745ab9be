//! Page-junk detection. Marks spans; never edits text.
use super::{CharIndex, Span};

/// Spans of page junk in `text`, each with a short reason.
pub fn junk_spans(_text: &str, _chars: &CharIndex) -> Vec<(Span, &'static str)> {
    Vec::new()
}
