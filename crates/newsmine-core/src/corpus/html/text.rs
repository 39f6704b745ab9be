//! The page's boilerplate removed before Readability scores it, and the chosen content written
//! out as plain text: one paragraph per block, captions and bylines marked.
use dom_query::{Document, NodeRef};

/// Never text: dropped with everything inside.
const DROP: &[&str] = &[
    "script", "style", "noscript", "template", "button", "svg", "select", "textarea", "iframe",
    "object", "embed", "canvas", "audio", "video", "input", "math", "head", "map", "dialog",
];

/// Elements that start and end a paragraph.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
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
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
    "caption",
    "summary",
    "center",
    "tbody",
    "thead",
    "tfoot",
];

/// Pieces of `class`/`id` that name page furniture rather than the article.
const BOILERPLATE: &[&str] = &[
    "share",
    "sharing",
    "social",
    "related",
    "newsletter",
    "readmore",
    "read-more",
    "recommend",
    "outbrain",
    "taboola",
    "promo",
    "subscri",
    "signup",
    "sign-up",
    "comment",
    "cookie",
    "breadcrumb",
    "advert",
    "ad-container",
    "ad-slot",
    "adslot",
    "sponsor",
    "popular",
    "most-read",
    "trending",
    "paywall",
    "inline-ad",
    "tags",
    "toolbar",
];

/// A boilerplate-named element is removed only when it is this short or mostly links: a
/// wrapper whose class happens to say "social" may hold the whole article.
const MAX_BOILERPLATE_CHARS: usize = 400;

/// Short paragraphs that are calls to action, not prose.
const CALLS_TO_ACTION: &[&str] = &[
    "read more",
    "continue reading",
    "read the full story",
    "read the full article",
    "click here",
    "see also",
    "related:",
    "related stories",
    "related articles",
    "advertisement",
    "sign up",
    "subscribe",
    "follow us",
    "share this",
    "share on",
    "most read",
    "recommended",
    "more from",
    "more on this",
    "watch:",
    "listen:",
    "you may also like",
    "join the conversation",
    "more news from",
    "also read",
    "recommended for you",
];
const MAX_CALL_TO_ACTION_CHARS: usize = 80;

/// Removes what is never article text, in place, before Readability scores the page.
pub fn preclean(doc: &Document) {
    doc.select("noscript, template, [hidden], [aria-hidden=true], dialog")
        .remove();
    let mut doomed = Vec::new();
    for node in doc.select("[class], [id]").nodes() {
        if !is_boilerplate_name(node) {
            continue;
        }
        if matches!(
            node.node_name().as_deref(),
            Some("html" | "body" | "article" | "main")
        ) {
            continue;
        }
        let text = node.text();
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        let link_chars: usize = node
            .find(&["a"])
            .iter()
            .map(|a| a.text().chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        if chars <= MAX_BOILERPLATE_CHARS || link_chars * 2 >= chars {
            doomed.push(*node);
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

fn is_boilerplate_name(node: &NodeRef) -> bool {
    let mut names = String::new();
    for attr in ["class", "id"] {
        if let Some(v) = node.attr(attr) {
            names.push_str(&v.to_ascii_lowercase());
            names.push(' ');
        }
    }
    // The article's own wrappers often carry "article-body post-share" style names: a name that
    // also says "body", "content" or "article-text" is not furniture.
    if [
        "article-body",
        "story-body",
        "entry-content",
        "post-content",
        "article-content",
    ]
    .iter()
    .any(|k| names.contains(k))
    {
        return false;
    }
    BOILERPLATE.iter().any(|k| names.contains(k))
}

/// Why a subtree is kept but marked.
fn junk_kind(node: &NodeRef, name: &str) -> Option<&'static str> {
    if name == "figcaption" {
        return Some("caption");
    }
    if name == "time" {
        return Some("byline");
    }
    let mut names = String::new();
    for attr in ["class", "id", "rel", "itemprop"] {
        if let Some(v) = node.attr(attr) {
            names.push_str(&v.to_ascii_lowercase());
            names.push(' ');
        }
    }
    if names.trim().is_empty() {
        return None;
    }
    if ["caption", "credit"].iter().any(|k| names.contains(k)) {
        return Some("caption");
    }
    if [
        "byline",
        "author",
        "dateline",
        "timestamp",
        "pubdate",
        "published",
    ]
    .iter()
    .any(|k| names.contains(k))
    {
        return Some("byline");
    }
    None
}

/// The text of a content tree and its marked spans (char offsets).
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    pub junk: Vec<(usize, usize, &'static str)>,
}

struct Para {
    text: String,
    /// chars appended under a junk mark
    junk_chars: usize,
    junk: Option<&'static str>,
    /// most of it is link text (a list of other stories, a tag cloud)
    links: bool,
}

#[derive(Default)]
struct Writer {
    paras: Vec<Para>,
    current: String,
    chars: usize,
    junk_chars: usize,
    link_chars: usize,
    junk: Option<&'static str>,
    /// the current text ends in whitespace (or is empty)
    space: bool,
}

impl Writer {
    fn push_text(&mut self, s: &str, junk: Option<&'static str>, link: bool) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if self.space && !self.current.is_empty() {
                self.current.push(' ');
            }
            self.space = false;
            self.current.push(c);
            self.chars += 1;
            self.link_chars += usize::from(link);
            if let Some(kind) = junk {
                self.junk_chars += 1;
                self.junk = Some(kind);
            }
        }
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            // a paragraph is junk when most of it was written under a caption or byline mark
            let junk = (self.junk_chars * 2 >= self.chars)
                .then_some(self.junk)
                .flatten();
            self.paras.push(Para {
                text: std::mem::take(&mut self.current),
                junk_chars: self.junk_chars,
                junk,
                links: self.link_chars * 10 >= self.chars * 9,
            });
        }
        self.chars = 0;
        self.junk_chars = 0;
        self.link_chars = 0;
        self.junk = None;
        self.space = true;
    }
}

/// Writes a content tree as paragraphs separated by blank lines. Iterative, so no page depth
/// can exhaust the stack here.
pub fn render(doc: &Document) -> Rendered {
    enum Step<'a> {
        /// node, junk mark, inside a link
        Enter(NodeRef<'a>, Option<&'static str>, bool),
        Leave(bool),
    }
    let mut w = Writer {
        space: true,
        ..Writer::default()
    };
    let mut stack = vec![Step::Enter(doc.root(), None, false)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    w.flush();
                }
            }
            Step::Enter(node, junk, link) => {
                if node.is_text() {
                    w.push_text(&node.text(), junk, link);
                    continue;
                }
                let name = node.node_name().map(|n| n.to_ascii_lowercase());
                let name = name.as_deref().unwrap_or("");
                if node.is_element() {
                    if DROP.contains(&name) {
                        continue;
                    }
                    if name == "br" {
                        w.flush();
                        continue;
                    }
                    if matches!(name, "td" | "th") {
                        w.space = true;
                    }
                }
                let block = BLOCK.contains(&name);
                if block {
                    w.flush();
                }
                let junk = if node.is_element() {
                    junk.or_else(|| junk_kind(&node, name))
                } else {
                    junk
                };
                stack.push(Step::Leave(block));
                let link = link || name == "a";
                let children: Vec<NodeRef> = node.children_it(true).collect();
                for child in children {
                    stack.push(Step::Enter(child, junk, link));
                }
            }
        }
    }
    w.flush();
    let mut paras = w.paras;
    drop_furniture(&mut paras);
    let mut out = Rendered::default();
    let mut chars = 0;
    for mut p in paras {
        if is_call_to_action(&p.text) {
            continue;
        }
        if p.junk.is_none() {
            p.junk = text_junk(&p.text);
            p.junk_chars = usize::from(p.junk.is_some());
        }
        if !out.text.is_empty() {
            out.text.push_str("\n\n");
            chars += 2;
        }
        let len = p.text.chars().count();
        if let Some(kind) = p.junk {
            debug_assert!(p.junk_chars > 0);
            out.junk.push((chars, chars + len, kind));
        }
        out.text.push_str(&p.text);
        chars += len;
    }
    out
}

/// Paragraphs of one or two short lines that are nothing but links, in a run of at least this
/// many, are a list of other stories.
const MIN_LINK_RUN: usize = 3;
const MAX_LINK_PARA_CHARS: usize = 200;
/// The same short line this often is a share bar or label repeated per item.
const MIN_REPEATS: usize = 3;

/// Drops lists of links (related stories, tag clouds), the heading that introduces a trailing
/// one ("You may also like…"), repeated labels, and copyright footers.
fn drop_furniture(paras: &mut Vec<Para>) {
    let n = paras.len();
    let linky: Vec<bool> = paras
        .iter()
        // a bare URL written out is text the reader is meant to see
        .map(|p| {
            p.links && p.text.chars().count() <= MAX_LINK_PARA_CHARS && !p.text.starts_with("http")
        })
        .collect();
    let mut drop = vec![false; n];
    let mut i = 0;
    while i < n {
        if !linky[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && linky[i] {
            i += 1;
        }
        if i - start >= MIN_LINK_RUN {
            drop[start..i].iter_mut().for_each(|d| *d = true);
            // the run's heading: a short line without sentence punctuation just before it
            if start > 0 && is_label(&paras[start - 1].text) {
                drop[start - 1] = true;
            }
        }
    }
    // a trailing run of labels and links after the last sentence of prose
    let mut end = n;
    while end > 0 && (drop[end - 1] || linky[end - 1] || is_label(&paras[end - 1].text)) {
        end -= 1;
    }
    if (end..n).filter(|&j| linky[j]).count() >= 2 {
        drop[end..n].iter_mut().for_each(|d| *d = true);
    }
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    // only links repeat as furniture: repeated plain labels can be a table's row heads
    for p in paras
        .iter()
        .filter(|p| p.links && p.text.chars().count() <= MAX_CALL_TO_ACTION_CHARS)
    {
        *counts.entry(p.text.as_str()).or_default() += 1;
    }
    for (j, p) in paras.iter().enumerate() {
        if counts
            .get(p.text.as_str())
            .is_some_and(|&c| c >= MIN_REPEATS)
            || is_footer(&p.text)
        {
            drop[j] = true;
        }
    }
    let mut j = 0;
    paras.retain(|_| {
        j += 1;
        !drop[j - 1]
    });
}

/// A short line that is not a sentence: a heading or label.
fn is_label(para: &str) -> bool {
    para.chars().count() <= MAX_CALL_TO_ACTION_CHARS
        && !para.trim_end().ends_with(['.', '!', '?', '"', '”', ':'])
}

/// A copyright or imprint line.
fn is_footer(para: &str) -> bool {
    if para.chars().count() > 300 {
        return false;
    }
    let lower = para.to_lowercase();
    lower.contains("all rights reserved")
        || lower.contains("contents of this site are ©")
        || (lower.starts_with('©') || lower.starts_with("copyright ©")) && !lower.contains("photo")
}

/// Bylines, datelines and credits written as their own paragraph, recognised by their words.
fn text_junk(para: &str) -> Option<&'static str> {
    if para.chars().count() > 120 {
        return None;
    }
    let lower = para.to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    if starts(&[
        "by ",
        "posted ",
        "updated ",
        "published ",
        "last updated",
        "first published",
    ]) {
        return Some("byline");
    }
    if starts(&[
        "©", "(c) ", "photo:", "photo by", "image:", "credit:", "source:",
    ]) || lower.ends_with("/getty images")
        || lower.ends_with("(getty images)")
    {
        return Some("caption");
    }
    None
}

fn is_call_to_action(para: &str) -> bool {
    if para.chars().count() > MAX_CALL_TO_ACTION_CHARS {
        return false;
    }
    let lower = para.to_lowercase();
    let lower = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    CALLS_TO_ACTION.iter().any(|k| lower.starts_with(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> Rendered {
        render(&Document::fragment(html.to_string()))
    }

    #[test]
    fn blocks_and_breaks_are_paragraphs() {
        let r = text_of(
            "<h2>Head</h2><p>One <b>bold</b>\n word.<br>Two</p><ul><li>a</li><li>b</li></ul>",
        );
        assert_eq!(r.text, "Head\n\nOne bold word.\n\nTwo\n\na\n\nb");
    }

    #[test]
    fn captions_and_bylines_are_marked() {
        let r = text_of(
            "<p class='byline'>By Ann Lee</p><p>Body text.</p>\
             <figure><img src=x><figcaption>A caption</figcaption></figure><p>Read more</p>",
        );
        assert_eq!(r.text, "By Ann Lee\n\nBody text.\n\nA caption");
        assert_eq!(r.junk, vec![(0, 10, "byline"), (24, 33, "caption")]);
    }
}
