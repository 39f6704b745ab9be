//! HTML input: hostile nesting never aborts a run, news-page structure (paragraphs, headings,
//! captions, share bars, `<noscript>`) is handled, metadata reaches articles.csv, and (when
//! `../shared` is present) the benchmark figures hold.
use newsmine::corpus::html::{self, MAX_DEPTH};
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod common;
use common::{bin, read_table, root};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data/news").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not present", p.display());
        None
    }
}

fn nested(levels: usize) -> String {
    format!(
        "<html><body>{}<p>x</p>{}</body></html>",
        "<div>".repeat(levels),
        "</div>".repeat(levels)
    )
}

const ARTICLE: &str = r##"<!DOCTYPE html><html lang="en"><head>
<title>Talks resume in Washington | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2025-11-07T10:00:00+01:00">
<link rel="canonical" href="https://example.com/world/talks-resume">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="social-share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<article>
<h1>Talks resume in Washington</h1>
<p class="byline">By Ann Lee</p>
<p>The foreign ministers of Armenia and Azerbaijan met on Friday in Washington, officials said,
and agreed to continue the talks next month in a neutral country.</p>
<h2>A fragile agreement</h2>
<p>“We are ready,” the minister said.<br>The statement added that both sides would keep working
on the border delimitation and on transport links through the region.</p>
<figure><img src="a.jpg" alt=""><figcaption>The ministers in Washington. Photo: Reuters</figcaption></figure>
<p>Analysts said the agreement was fragile but that it marked the most serious progress in years,
with both governments under pressure at home to show results before the elections.</p>
<noscript><p>Please enable JavaScript to view the comments powered by Disqus.</p></noscript>
<template><p>Template text that is never shown.</p></template>
<p><a href="/more">Read more</a></p>
</article>
<aside class="related-stories"><h3>Related stories</h3><ul><li><a href="/a">Other story one</a></li>
<li><a href="/b">Other story two</a></li></ul></aside>
<footer>Share Print Comments</footer></body></html>"##;

#[test]
fn deeply_nested_page_is_refused_fast_without_aborting() {
    for levels in [10_000, 30_000, 200_000] {
        let page = nested(levels);
        let start = Instant::now();
        let got = html::extract(&page);
        let err = got.expect_err("a page nested this deep is refused");
        assert!(err.contains("levels deep"), "{err}");
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{levels} levels took {:?}",
            start.elapsed()
        );
    }
    // `<b>` and `<div/>` nest in HTML as well
    assert!(html::extract(&"<b>".repeat(50_000)).is_err());
    assert!(html::extract(&"<div/>".repeat(50_000)).is_err());
}

#[test]
fn nesting_up_to_the_limit_is_extracted() {
    let levels = MAX_DEPTH - 10;
    let body = "<p>The ministers met on Friday in Washington and agreed to keep talking about \
                the border and the transport links between the two countries.</p>"
        .repeat(4);
    let page = format!(
        "<html><body>{}{body}{}</body></html>",
        "<div>".repeat(levels),
        "</div>".repeat(levels)
    );
    let start = Instant::now();
    let got = html::extract(&page).expect("within the limit");
    assert!(
        got.text.contains("The ministers met on Friday"),
        "{:?}",
        got.text
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn deep_page_is_an_error_row_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("n.html"), nested(30_000)).unwrap();
    std::fs::write(input.join("good.html"), ARTICLE).unwrap();
    let out = dir.path().join("out");
    let status = bin()
        .args(["run"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args([
            "--skip", "ner", "--skip", "quotes", "--skip", "stance", "--quiet",
        ])
        .status()
        .unwrap();
    // 1: some records failed, every other one processed
    assert_eq!(status.code(), Some(1));
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(errors.contains("n.html"), "{errors}");
    assert!(errors.contains("levels deep"), "{errors}");
    let articles = read_table(&out, "articles");
    assert_eq!(articles.len(), 1, "{articles:?}");
    assert!(articles[0]["source"].ends_with("good.html"));
}

#[test]
fn news_page_structure() {
    let page = html::extract(ARTICLE).expect("an article");
    let paras: Vec<&str> = page.text.split("\n\n").collect();
    // headings are paragraphs; <br> splits a paragraph
    assert!(paras.contains(&"A fragile agreement"), "{paras:?}");
    assert!(
        paras.contains(&"“We are ready,” the minister said."),
        "{paras:?}"
    );
    assert!(paras
        .iter()
        .any(|p| p.starts_with("The statement added that both sides")));
    // never text: navigation, share bars, related stories, read more, noscript, template
    for never in [
        "Home",
        "Share on Facebook",
        "Tweet",
        "Other story",
        "Read more",
        "JavaScript",
        "Template text",
        "Print",
    ] {
        assert!(!page.text.contains(never), "{never:?} in {:?}", page.text);
    }
    // captions and bylines stay in the text (offsets keep their meaning) but are marked
    let marked: Vec<(String, &str)> = page
        .junk
        .iter()
        .map(|&(s, e, why)| (page.text.chars().skip(s).take(e - s).collect(), why))
        .collect();
    assert!(
        marked.contains(&(
            "The ministers in Washington. Photo: Reuters".into(),
            "caption"
        )),
        "{marked:?}"
    );
    let prose = html::prose(&page);
    assert!(!prose.contains("Photo: Reuters"));
    assert!(prose.contains("most serious progress in years"));
    // metadata
    assert_eq!(page.published, "2025-11-07T10:00:00+01:00");
    assert_eq!(page.authors, "Ann Lee");
    assert_eq!(page.site_name, "Example News");
    assert_eq!(page.url, "https://example.com/world/talks-resume");
    assert_eq!(page.language, "en");
    assert!(
        page.title.starts_with("Talks resume in Washington"),
        "{}",
        page.title
    );
}

#[test]
fn published_date_from_time_element_or_url() {
    let body = "<p>The ministers met on Friday in Washington and agreed to keep talking about the \
                border and the transport links between the two countries, officials said.</p>"
        .repeat(3);
    let page = format!(
        "<html><head><link rel=canonical href='https://x.org/news/2024/03/05/talks'></head>\
         <body><article>{body}</article></body></html>"
    );
    assert_eq!(html::extract(&page).unwrap().published, "2024-03-05");
    let page = format!(
        "<html><body><article><time datetime='2023-12-01T08:30:00Z'>1 Dec</time>{body}</article></body></html>"
    );
    assert_eq!(
        html::extract(&page).unwrap().published,
        "2023-12-01T08:30:00Z"
    );
}

#[test]
fn metadata_reaches_articles_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.html"), ARTICLE).unwrap();
    let out = dir.path().join("out");
    let status = bin()
        .args(["run"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args([
            "--skip", "ner", "--skip", "quotes", "--skip", "stance", "--quiet",
        ])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let rows = read_table(&out, "articles");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["published"], "2025-11-07T10:00:00+01:00");
    assert_eq!(row["authors"], "Ann Lee");
    // the site name is the outlet when none is given
    assert_eq!(row["outlet"], "Example News");
    assert_eq!(row["url"], "https://example.com/world/talks-resume");
    assert_eq!(row["language"], "en");
}

#[test]
fn readability_pages_metadata() {
    let Some(dir) = shared("readability_news_pages") else {
        return;
    };
    let s = newsmine::eval::html::metadata(&dir).unwrap();
    assert_eq!(s.pages, 19);
    assert!(s.title_exact >= 18, "{s:?}");
    assert_eq!(s.date_match, s.date_pages, "{s:?}");
}
