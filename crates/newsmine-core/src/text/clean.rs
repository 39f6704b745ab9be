//! Page-junk detection. Marks spans; never edits text.
//!
//! Scraped articles carry bits of the page around them: navigation in the site's other language,
//! photo captions repeated as alt text, size pickers, share buttons, cookie banners. Each rule here
//! works on whole lines and is deliberately narrow: marking real prose as junk would silently drop
//! entities and quotes, which is worse than keeping a stray "Share".
use super::{CharIndex, Span};

/// A line in another script than the article's is navigation only when it is this short.
const MAX_FOREIGN_NAV_WORDS: usize = 12;
/// UI labels are short; longer lines are never compared against the label lists.
const MAX_UI_LINE_CHARS: usize = 60;
/// Cookie banners are a sentence or two.
const MAX_COOKIE_LINE_CHARS: usize = 400;

/// Labels that are junk on a line of their own, even alone.
const UI_LABELS: &[&str] = &[
    "accessibility links",
    "skip to main content",
    "skip to content",
    "skip to navigation",
    "skip navigation",
    "jump to content",
    "advertisement",
    "advertisement scroll to continue",
    "scroll to continue with content",
    "sponsored content",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this page",
    "share on facebook",
    "share on twitter",
    "share on whatsapp",
    "share via email",
    "print",
    "print this page",
    "print this article",
    "comments",
    "show comments",
    "view comments",
    "leave a comment",
    "related",
    "related articles",
    "related stories",
    "related content",
    "related topics",
    "related coverage",
    "read more",
    "see also",
    "more on this story",
    "back to top",
    "copy link",
    "link copied",
    "email this",
    "listen to this article",
    "cookie settings",
    "cookie policy",
    "manage cookies",
    "accept cookies",
    "accept all cookies",
    "reject all cookies",
    "accept all",
    "reject all",
    "continue reading",
    "continue reading the main story",
    "story continues below",
    "story continues below advertisement",
    "article continues below",
    "article continues below advertisement",
    "view photo",
    "view gallery",
    "view image",
    "enlarge this image",
    "toggle caption",
    "hide caption",
    "image caption",
    "media caption",
    "image source",
    "photo",
    "video",
    "audio",
    "image",
];

/// Labels that are too ordinary to mark alone ("Twitter" can be a one-line list item); they are
/// junk in a run of at least two UI lines, or several on one line.
const WEAK_UI_LABELS: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "telegram",
    "linkedin",
    "reddit",
    "pinterest",
    "email",
    "e-mail",
    "mail",
    "messenger",
    "vk",
    "menu",
    "search",
    "close",
    "home",
    "next",
    "previous",
    "more",
    "subscribe",
    "sign in",
    "sign up",
    "log in",
    "login",
    "follow",
    "follow us",
    "ok",
    "accept",
    "reject",
    "tweet",
    "embed",
    "download",
    "listen",
    "watch",
];

/// Size-picker labels (text size or image size).
const SIZE_TOKENS: &[&str] = &[
    "xxs", "xs", "s", "sm", "m", "md", "l", "lg", "xl", "xxl", "xxxl",
];

/// Phrases that only cookie banners use.
const COOKIE_PHRASES: &[&str] = &[
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "our site uses cookies",
    "our website uses cookies",
    "uses cookies to",
    "use of cookies",
];

/// A non-blank line: its trimmed char span and text.
struct Line<'t> {
    span: Span,
    text: &'t str,
}

/// What one line looks like on its own, before runs are considered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Prose,
    /// only size tokens, with how many
    Size(usize),
    /// a UI label that is junk even alone
    Ui,
    /// a UI label that is junk only next to other UI lines
    WeakUi,
    Cookie,
}

/// Spans of page junk in `text`, each with a short reason, sorted by position.
///
/// Reasons: `foreign_script_nav`, `repeated_line`, `size_picker`, `ui_nav`, `cookie_banner`.
pub fn junk_spans(text: &str, chars: &CharIndex) -> Vec<(Span, &'static str)> {
    let lines = lines(text, chars);
    let kinds: Vec<LineKind> = lines.iter().map(|l| line_kind(l.text)).collect();
    let dominant = dominant_script(text);
    let mut reasons: Vec<Option<&'static str>> = vec![None; lines.len()];

    for (i, line) in lines.iter().enumerate() {
        reasons[i] = ui_reason(&kinds, i)
            .or_else(|| {
                dominant
                    .filter(|&d| is_foreign_nav(line.text, d))
                    .map(|_| "foreign_script_nav")
            })
            .or_else(|| (i > 0 && is_repeat(&lines[i - 1], line)).then_some("repeated_line"));
    }
    lines
        .iter()
        .zip(reasons)
        .filter_map(|(l, r)| r.map(|r| (l.span, r)))
        .collect()
}

/// The non-blank lines of `text` with trimmed char spans. One pass, no allocation per char.
fn lines<'t>(text: &'t str, chars: &CharIndex) -> Vec<Line<'t>> {
    let mut out = Vec::new();
    let mut byte = 0;
    for raw in text.split_inclusive(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        let start_byte = byte;
        byte += raw.len();
        let trimmed_start = raw.trim_start();
        let trimmed = trimmed_start.trim_end();
        if trimmed.is_empty() {
            continue;
        }
        let lead = raw.len() - trimmed_start.len();
        let b0 = start_byte + lead;
        let b1 = b0 + trimmed.len();
        let span = Span::new(chars.char_of_byte(b0), chars.char_of_byte(b1));
        out.push(Line {
            span,
            text: trimmed,
        });
    }
    out
}

fn line_kind(line: &str) -> LineKind {
    if line.len() <= MAX_UI_LINE_CHARS * 4 && line.chars().count() <= MAX_UI_LINE_CHARS {
        let norm = normalise_label(line);
        if let Some(kind) = label_kind(&norm) {
            return kind;
        }
        if let Some(n) = size_token_count(&norm) {
            return LineKind::Size(n);
        }
        if let Some(kind) = label_list_kind(line) {
            return kind;
        }
    }
    if line.len() <= MAX_COOKIE_LINE_CHARS * 4 && is_cookie_banner(line) {
        return LineKind::Cookie;
    }
    LineKind::Prose
}

/// Lowercase, inner whitespace collapsed, decoration and trailing punctuation stripped
/// ("Share »", "SHARE:", "Related Articles ›" → the bare label).
fn normalise_label(line: &str) -> String {
    let cleaned: String = line
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                ' '
            }
        })
        .flat_map(char::to_lowercase)
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn label_kind(norm: &str) -> Option<LineKind> {
    if UI_LABELS.contains(&norm) {
        Some(LineKind::Ui)
    } else if WEAK_UI_LABELS.contains(&norm) {
        Some(LineKind::WeakUi)
    } else {
        None
    }
}

/// Number of words when every word of the line is a size token ("XS SM MD LG" → 4).
fn size_token_count(norm: &str) -> Option<usize> {
    let words: Vec<&str> = norm.split_whitespace().collect();
    (!words.is_empty() && words.iter().all(|w| SIZE_TOKENS.contains(w))).then_some(words.len())
}

/// Several labels on one line, split by separators ("Facebook | Twitter | Email") or by spaces
/// ("Share Print Comments"). Needs two or more labels so that a lone word stays prose.
fn label_list_kind(line: &str) -> Option<LineKind> {
    let by_separator: Vec<String> = line
        .split(['|', '•', '·', '/', ',', ';'])
        .map(normalise_label)
        .filter(|p| !p.is_empty())
        .collect();
    let parts = if by_separator.len() >= 2 {
        by_separator
    } else {
        normalise_label(line)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let all_labels = parts.iter().all(|p| label_kind(p).is_some());
    (parts.len() >= 2 && all_labels).then_some(LineKind::Ui)
}

fn is_cookie_banner(line: &str) -> bool {
    if line.chars().count() > MAX_COOKIE_LINE_CHARS {
        return false;
    }
    let lower = line.to_lowercase();
    lower.contains("cookie") && COOKIE_PHRASES.iter().any(|p| lower.contains(p))
}

/// The reason for line `i` from the UI rules, looking at its neighbours for runs.
fn ui_reason(kinds: &[LineKind], i: usize) -> Option<&'static str> {
    let is_ui = |k: LineKind| matches!(k, LineKind::Ui | LineKind::WeakUi | LineKind::Cookie);
    let is_size = |k: LineKind| matches!(k, LineKind::Size(_));
    let prev = i.checked_sub(1).and_then(|p| kinds.get(p)).copied();
    let next = kinds.get(i + 1).copied();
    match kinds[i] {
        LineKind::Ui => Some("ui_nav"),
        LineKind::Cookie => Some("cookie_banner"),
        LineKind::WeakUi => {
            (prev.is_some_and(is_ui) || next.is_some_and(is_ui)).then_some("ui_nav")
        }
        // one "M" alone is a letter; "XS SM" or a column of sizes is a picker
        LineKind::Size(n) => (n >= 2 || prev.is_some_and(is_size) || next.is_some_and(is_size))
            .then_some("size_picker"),
        LineKind::Prose => None,
    }
}

/// The same line again right after itself (blank lines between allowed): a caption doubled by
/// alt text, a repeated banner. Needs a letter or digit so that rules like "***" stay.
fn is_repeat(prev: &Line, line: &Line) -> bool {
    prev.text == line.text && line.text.chars().any(char::is_alphanumeric)
}

/// Writing systems told apart for the foreign-navigation rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Indic,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    Other,
}

const SCRIPTS: [Script; 13] = [
    Script::Latin,
    Script::Greek,
    Script::Cyrillic,
    Script::Armenian,
    Script::Hebrew,
    Script::Arabic,
    Script::Indic,
    Script::Thai,
    Script::Georgian,
    Script::Hangul,
    Script::Kana,
    Script::Han,
    Script::Other,
];

/// The script of a letter (None for anything that is not a letter).
fn script(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    let s = match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF5A => {
            Script::Latin
        }
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F | 0xFB13..=0xFB17 => Script::Armenian,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0900..=0x0DFF => Script::Indic,
        0x0E00..=0x0E7F => Script::Thai,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Han,
        _ => Script::Other,
    };
    Some(s)
}

fn script_slot(s: Script) -> usize {
    SCRIPTS
        .iter()
        .position(|&x| x == s)
        .unwrap_or(SCRIPTS.len() - 1)
}

/// Letter counts per script.
fn script_counts(text: &str) -> [usize; SCRIPTS.len()] {
    let mut counts = [0; SCRIPTS.len()];
    for s in text.chars().filter_map(script) {
        counts[script_slot(s)] += 1;
    }
    counts
}

/// The article's script, when one clearly dominates (at least 3/4 of the letters). Mixed-script
/// texts get no foreign-navigation marks at all: there the "other" script is content.
fn dominant_script(text: &str) -> Option<Script> {
    let counts = script_counts(text);
    let total: usize = counts.iter().sum();
    let (slot, &top) = counts.iter().enumerate().max_by_key(|&(_, n)| *n)?;
    (total > 0 && top * 4 >= total * 3).then(|| SCRIPTS[slot])
}

/// A short line mostly in another script than the article's, not ending like a sentence.
fn is_foreign_nav(line: &str, dominant: Script) -> bool {
    if line.split_whitespace().count() > MAX_FOREIGN_NAV_WORDS || ends_like_sentence(line) {
        return false;
    }
    let counts = script_counts(line);
    let letters: usize = counts.iter().sum();
    let own = counts[script_slot(dominant)];
    letters > 0 && own * 2 < letters
}

/// Sentence-final punctuation at the end, before any closing quotes or brackets.
fn ends_like_sentence(line: &str) -> bool {
    let closers = ['"', '\'', '”', '’', '»', '›', ')', ']'];
    let core = line.trim_end_matches(closers);
    core.ends_with(['.', '!', '?', '…', '։', '。', '！', '？', '؟', '।'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn junk(text: &str) -> Vec<(String, &'static str)> {
        let chars = CharIndex::new(text);
        junk_spans(text, &chars)
            .into_iter()
            .map(|(s, r)| (chars.slice(text, s).to_owned(), r))
            .collect()
    }

    const PROSE: &str = "The minister said the talks would continue next week in the capital.";

    #[test]
    fn foreign_script_navigation_line() {
        let text = format!("Մատչելիության հղումներ\n\nTitle of the story\n\n{PROSE}\n");
        assert_eq!(
            junk(&text),
            vec![("Մատչելիության հղումներ".to_owned(), "foreign_script_nav")]
        );
    }

    #[test]
    fn foreign_sentence_is_kept() {
        let text = format!("{PROSE}\n«Мы готовы к переговорам».\n{PROSE}\n");
        assert!(junk(&text).is_empty());
    }

    #[test]
    fn mixed_script_text_has_no_foreign_lines() {
        let text =
            "Москва заявила о переговорах в пятницу.\nWashington said it welcomed the talks.\n";
        assert!(junk(text).is_empty());
    }

    #[test]
    fn repeated_line_marks_the_second_copy() {
        let text = "A caption (file photo)\nA caption (file photo)\n\nBody text here.\n";
        let chars = CharIndex::new(text);
        let spans = junk_spans(text, &chars);
        assert_eq!(spans, vec![(Span::new(23, 45), "repeated_line")]);
    }

    #[test]
    fn separators_are_not_repeats() {
        assert!(junk("One.\n***\n***\nTwo.\n").is_empty());
    }

    #[test]
    fn size_picker_column_and_row() {
        let text = format!("{PROSE}\n\nXS\nSM\nMD\nLG");
        let reasons = junk(&text);
        assert_eq!(reasons.len(), 4);
        assert!(reasons.iter().all(|(_, r)| *r == "size_picker"));
        assert_eq!(
            junk("XS SM MD LG\n"),
            vec![("XS SM MD LG".to_owned(), "size_picker")]
        );
    }

    #[test]
    fn a_lone_letter_is_not_a_size_picker() {
        assert!(junk(&format!("{PROSE}\nM\n{PROSE}")).is_empty());
    }

    #[test]
    fn ui_labels() {
        let text = format!("Skip to main content\n{PROSE}\nShare\nFacebook\nTwitter\nPrint\n");
        let got = junk(&text);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got.iter().all(|(_, r)| *r == "ui_nav"));
        assert_eq!(junk("Share | Print | Comments\n").len(), 1);
    }

    #[test]
    fn weak_label_alone_is_kept() {
        assert!(junk(&format!("{PROSE}\nTwitter\n{PROSE}")).is_empty());
    }

    #[test]
    fn cookie_banner() {
        let banner =
            "We use cookies to improve your experience. By continuing you accept our policy.";
        assert_eq!(
            junk(&format!("{banner}\n{PROSE}")),
            vec![(banner.to_owned(), "cookie_banner")]
        );
        let article =
            "The EU's cookie rules require sites to ask before tracking users, regulators said.";
        assert!(junk(article).is_empty());
    }

    #[test]
    fn crlf_and_empty_inputs() {
        assert!(junk("").is_empty());
        assert!(junk("\n\n  \n").is_empty());
        let got = junk("Body.\r\nShare\r\nPrint\r\n");
        assert_eq!(
            got,
            vec![
                ("Share".to_owned(), "ui_nav"),
                ("Print".to_owned(), "ui_nav")
            ]
        );
    }
}
