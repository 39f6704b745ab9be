//! How deeply a page nests its elements, measured by a flat scan before any parser sees it.
//!
//! The HTML parser and Readability recurse and scan ancestor chains: a page of 30,000 nested
//! `<div>`s overflows the stack (an abort no `catch_unwind` can stop) and 10,000 take seconds.
//! Real pages nest a few dozen levels; browsers cap the tree at 512 (Blink). This scan is linear,
//! allocates one small stack, and models just enough of HTML (void elements, raw-text elements,
//! comments, end tags that may be left out) that ordinary sloppy markup is not counted as deep.

/// Deeper pages are refused (Blink's parser stops nesting at 512; no news page comes close).
pub const MAX_DEPTH: usize = 512;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound",
];

/// Elements whose content is text up to their end tag: markup inside is not markup.
/// (`<noscript>` is left out: a parser may read its content as markup, and over-counting is safe.)
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Elements whose end tag is optional: a start tag of the same group closes the open one.
fn group(name: &str) -> Option<u8> {
    Some(match name {
        "p" => 0,
        "li" => 1,
        "dt" | "dd" => 2,
        "td" | "th" => 3,
        "tr" => 4,
        "option" => 5,
        "thead" | "tbody" | "tfoot" => 6,
        "rb" | "rt" | "rp" | "rtc" => 7,
        "optgroup" => 8,
        _ => return None,
    })
}

/// Start tags that close an open `<p>` (HTML's "close a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "listing",
];

/// The deepest element nesting in `html`, stopping as soon as it passes `limit` (so the cost of
/// a hostile page is bounded by the limit, not the page).
pub fn max_depth(html: &str, limit: usize) -> usize {
    let b = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut deepest = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if i >= b.len() {
            break;
        }
        match b[i] {
            b'!' => {
                // comment, doctype or CDATA: skip to its end
                if b[i..].starts_with(b"!--") {
                    i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
                } else {
                    i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
                }
            }
            b'/' => {
                let (name, end) = tag_name(b, i + 1);
                i = tag_end(b, end).0;
                if name.is_empty() {
                    continue;
                }
                // an end tag closes the nearest open element of its name; a stray one is ignored
                if let Some(pos) = stack.iter().rposition(|n| *n == name) {
                    stack.truncate(pos);
                }
            }
            c if c.is_ascii_alphabetic() => {
                let (name, end) = tag_name(b, i);
                let (after, self_closing) = tag_end(b, end);
                i = after;
                if VOID.contains(&name.as_str()) {
                    continue;
                }
                if RAW_TEXT.contains(&name.as_str()) {
                    // skip the content: up to `</name`
                    let close = format!("</{name}");
                    i = find_ci(b, i, close.as_bytes()).unwrap_or(b.len());
                    continue;
                }
                if name == "plaintext" {
                    break;
                }
                if let Some(g) = group(&name) {
                    // `<li>` closes an open `<li>` up to the list it is in, and so on
                    if let Some(pos) = stack.iter().rposition(|n| group(n) == Some(g)) {
                        if stack[pos + 1..].iter().all(|n| !is_container(n)) {
                            stack.truncate(pos);
                        }
                    }
                }
                if CLOSES_P.contains(&name.as_str()) && stack.last().is_some_and(|n| n == "p") {
                    stack.pop();
                }
                // `/>` closes only void and foreign (SVG, MathML) elements; `<div/>` nests
                let foreign = stack.iter().any(|n| n == "svg" || n == "math");
                if self_closing && foreign {
                    continue;
                }
                stack.push(name);
                deepest = deepest.max(stack.len());
                if deepest > limit {
                    return deepest;
                }
            }
            _ => {}
        }
    }
    deepest
}

/// Elements that bound the optional-end-tag rule: `<li>` inside a nested `<ul>` does not close
/// the outer `<li>`.
fn is_container(name: &str) -> bool {
    matches!(
        name,
        "ul" | "ol" | "dl" | "table" | "select" | "datalist" | "menu" | "div" | "ruby"
    )
}

/// The lower-cased tag name starting at `start`, and where it ends.
fn tag_name(b: &[u8], start: usize) -> (String, usize) {
    let mut end = start;
    while end < b.len() && !matches!(b[end], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>') {
        end += 1;
    }
    // Bounded: a tag name longer than this is junk and is compared only by its start.
    let name = &b[start..end.min(start + 32)];
    (String::from_utf8_lossy(name).to_ascii_lowercase(), end)
}

/// Skips the attributes (quotes respected) to just after `>`; whether the tag ended in `/>`.
fn tag_end(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut quote = 0u8;
    let mut last = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return (i + 1, last == b'/');
        } else if !c.is_ascii_whitespace() {
            last = c;
        }
        i += 1;
    }
    (b.len(), false)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from.min(b.len())..], needle).map(|p| from + p)
}

/// Case-insensitive search for an ASCII needle that starts with `<`.
fn find_ci(b: &[u8], mut from: usize, needle: &[u8]) -> Option<usize> {
    while let Some(off) = memchr::memchr(b'<', &b[from.min(b.len())..]) {
        let at = from + off;
        if b.len() - at >= needle.len() && b[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_markup_is_shallow() {
        assert_eq!(
            max_depth("<html><body><div><p>a<p>b<p>c</div></body></html>", 99),
            4
        );
        assert_eq!(max_depth("<ul><li>a<li>b<li>c</ul>", 99), 2);
        assert_eq!(max_depth("<p>a<br><img src=x><p>b", 99), 1);
        let svg = format!("<svg>{}</svg>", "<path d='x'/>".repeat(1000));
        assert_eq!(max_depth(&svg, 99), 1);
        let script = format!("<script>{}</script><p>x", "<div>".repeat(1000));
        assert_eq!(max_depth(&script, 99), 1);
        assert_eq!(max_depth("<!-- <div><div> --><p>x", 99), 1);
    }

    #[test]
    fn nesting_is_counted_and_bounded() {
        let deep = format!(
            "{}<p>x</p>{}",
            "<div>".repeat(30_000),
            "</div>".repeat(30_000)
        );
        assert_eq!(max_depth(&deep, MAX_DEPTH), MAX_DEPTH + 1);
        // `<div/>` is not self-closing in HTML: it nests
        assert!(max_depth(&"<div/>".repeat(2000), MAX_DEPTH) > MAX_DEPTH);
        assert!(max_depth(&"<b>".repeat(2000), MAX_DEPTH) > MAX_DEPTH);
    }
}
