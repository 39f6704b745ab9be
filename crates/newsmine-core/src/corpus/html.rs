//! Main-text and metadata extraction from HTML pages.
//!
//! The article body is found by `dom_smoothie` (a port of Mozilla's Readability) after the page
//! is pre-cleaned of what is never article text (share bars, "read more" and related-story boxes,
//! newsletter sign-ups, `<noscript>`, `<template>`); its content is then written out as plain text
//! by [`text`]: one paragraph per block (`<p>`, headings, list items, `<br>` breaks), captions and
//! bylines kept but marked as junk spans. Metadata (title, date, authors, site, canonical URL,
//! language) comes from [`meta`]. A page nested deeper than [`MAX_DEPTH`] is refused before any
//! parser sees it ([`depth`]).
use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};

pub mod depth;
pub mod meta;
pub mod text;

pub use depth::MAX_DEPTH;

/// What a page yields. Empty strings mean "not found".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: String,
    /// the article's plain text, paragraphs separated by blank lines: what offsets refer to
    pub text: String,
    /// ISO 8601 (`2025-11-07`, or `2025-11-07T10:00:00Z` when the page gives the time)
    pub published: String,
    /// canonical URL (`<link rel=canonical>`, else `og:url`)
    pub url: String,
    /// author names, `; `-separated
    pub authors: String,
    pub site_name: String,
    /// the page's language tag (`en`, `en-GB`)
    pub language: String,
    /// char spans of `text` that are kept but are not article prose (captions, bylines)
    pub junk: Vec<(usize, usize, &'static str)>,
}

/// Stack for the extraction thread. The depth bound keeps recursion in the parser and in
/// Readability small; the large stack is a second line of defence for markup the flat depth
/// scan under-counts, since a stack overflow aborts the process and cannot be caught.
const EXTRACT_STACK: usize = 256 << 20;

/// Extracts the main text and metadata of a page. The error is a message for `errors.csv`.
pub fn extract(html: &str) -> Result<Extracted, String> {
    let deepest = depth::max_depth(html, MAX_DEPTH);
    if deepest > MAX_DEPTH {
        return Err(format!(
            "the page nests elements more than {MAX_DEPTH} levels deep (broken or hostile markup; \
             real pages nest a few dozen); not extracted"
        ));
    }
    // Third-party code run on arbitrary pages: a panic in it must cost this page, not the run.
    let guarded = || {
        std::panic::catch_unwind(|| extract_unchecked(html))
            .unwrap_or_else(|_| Err("the HTML extractor failed on this page".into()))
    };
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("html-extract".into())
            .stack_size(EXTRACT_STACK)
            .spawn_scoped(s, guarded)
        {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err("the HTML extractor failed on this page".into())),
            // no thread to be had (resource limits): the depth bound alone keeps this safe
            Err(_) => guarded(),
        }
    })
}

/// The extraction proper, without the depth check.
fn extract_unchecked(html: &str) -> Result<Extracted, String> {
    let doc = Document::from(html);
    let page_meta = meta::read(&doc);
    text::preclean(&doc);
    let config = Config {
        text_mode: TextMode::Formatted,
        // classes and ids tell captions and bylines apart in the content
        keep_classes: true,
        ..Config::default()
    };
    let mut readability = Readability::with_document(doc, None, Some(config))
        .map_err(|e| format!("no article found in the page: {e}"))?;
    let article = readability
        .parse()
        .map_err(|e| format!("no article found in the page: {e}"))?;
    let content = Document::fragment(article.content.to_string());
    let body = text::render(&content);

    let title = first_non_empty(&[&one_line(&article.title), &page_meta.title]);
    let byline = article.byline.as_deref().map(one_line).unwrap_or_default();
    let authors = if page_meta.authors.is_empty() {
        meta::clean_byline(&byline)
    } else {
        page_meta.authors.join("; ")
    };
    let published = first_non_empty(&[
        &page_meta.published,
        &article
            .published_time
            .as_deref()
            .and_then(meta::iso_date)
            .unwrap_or_default(),
        &meta::date_from_url(&page_meta.url),
    ]);
    let site_name = first_non_empty(&[
        &page_meta.site_name,
        &article
            .site_name
            .as_deref()
            .map(one_line)
            .unwrap_or_default(),
    ]);
    let language = first_non_empty(&[
        &page_meta.language,
        &article.lang.as_deref().map(one_line).unwrap_or_default(),
    ]);
    Ok(Extracted {
        title,
        text: body.text,
        published,
        url: page_meta.url,
        authors,
        site_name,
        language,
        junk: body.junk,
    })
}

fn first_non_empty(candidates: &[&str]) -> String {
    candidates
        .iter()
        .find(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_string())
        .unwrap_or_default()
}

/// Whitespace runs collapsed to single spaces, as a browser renders them.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` without its junk spans: the prose the analysis stages read (used to score extraction).
pub fn prose(extracted: &Extracted) -> String {
    let mut out = String::with_capacity(extracted.text.len());
    let mut junk = extracted.junk.iter().peekable();
    for (i, c) in extracted.text.chars().enumerate() {
        while junk.peek().is_some_and(|(_, end, _)| *end <= i) {
            junk.next();
        }
        if junk.peek().is_some_and(|(start, _, _)| *start <= i) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html><html lang="en"><head><title>Talks resume | Example News</title>
<meta property="article:published_time" content="2025-11-07T10:00:00Z">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://example.com/2025/11/07/talks"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks resume</h1>
<p>The foreign ministers   met on Friday in Washington, officials said, and agreed to continue
the talks next month in a neutral country.</p>
<figure><img src="a.jpg"><figcaption>The ministers in Washington. Photo: Reuters</figcaption></figure>
<p>“We are ready,” the minister said. The statement added that both sides would keep working on
the border delimitation and on transport links through the region.</p>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Analysts said the agreement was fragile but that it marked the most serious progress in years,
with both governments under pressure at home to show results.</p>
<noscript><p>Please enable JavaScript to read the comments.</p></noscript>
</article><footer>Share Print Comments</footer></body></html>"##;

    #[test]
    fn extracts_paragraphs_and_metadata() {
        let page = extract(PAGE).unwrap_or_default();
        assert!(page.title.contains("Talks resume"), "{page:?}");
        assert_eq!(page.published, "2025-11-07T10:00:00Z");
        assert_eq!(page.site_name, "Example News");
        assert_eq!(page.language, "en");
        assert_eq!(page.url, "https://example.com/2025/11/07/talks");
        let body = prose(&page);
        assert!(
            body.contains("The foreign ministers met on Friday"),
            "{body:?}"
        );
        assert!(body.contains("most serious progress"), "{body:?}");
        assert!(!page.text.contains("Home"));
        assert!(!page.text.contains("Share"), "{:?}", page.text);
        assert!(!page.text.contains("JavaScript"), "{:?}", page.text);
        // the caption is in the text, marked
        assert!(page.text.contains("The ministers in Washington"));
        assert!(!body.contains("The ministers in Washington"), "{body:?}");
        assert_eq!(page.junk.len(), 1, "{:?}", page.junk);
        assert_eq!(page.junk[0].2, "caption");
    }

    #[test]
    fn pages_without_text() {
        assert!(extract("").map(|p| p.text.is_empty()).unwrap_or(true));
        assert!(extract("<html><body></body></html>")
            .map(|p| p.text.is_empty())
            .unwrap_or(true));
    }
}
