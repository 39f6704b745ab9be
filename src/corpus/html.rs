//! Main-text extraction from HTML pages with `dom_smoothie` (a port of Mozilla's Readability).
use dom_smoothie::{Config, Readability, TextMode};

/// What a page yields: the article's plain text (paragraphs separated by blank lines) and the
/// metadata Readability finds. Empty strings mean "not found".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: String,
    pub text: String,
    pub published: String,
    pub url: String,
}

/// Extracts the main text of a page. The error is a message for `errors.csv`.
pub fn extract(html: &str) -> Result<Extracted, String> {
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    // Readability is third-party code run on arbitrary pages: a panic in it must cost this page,
    // not the run.
    let parsed = std::panic::catch_unwind(|| {
        let mut readability = Readability::new(html, None, Some(config))?;
        readability.parse()
    });
    let article = match parsed {
        Ok(Ok(article)) => article,
        Ok(Err(e)) => return Err(format!("no article found in the page: {e}")),
        Err(_) => return Err("the HTML extractor failed on this page".into()),
    };
    Ok(Extracted {
        title: one_line(&article.title),
        text: paragraphs(&article.text_content),
        published: article
            .published_time
            .as_deref()
            .map(one_line)
            .unwrap_or_default(),
        url: article.url.as_deref().map(one_line).unwrap_or_default(),
    })
}

/// Whitespace runs collapsed to single spaces, as a browser renders them.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The extracted text as paragraphs: each non-blank line becomes one, with its whitespace
/// collapsed, and paragraphs are separated by one blank line.
fn paragraphs(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(one_line)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Talks resume | Example News</title>
<meta property="article:published_time" content="2025-11-07T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks resume</h1>
<p>The foreign ministers   met on Friday in Washington, officials said, and agreed to continue
the talks next month in a neutral country.</p>
<p>“We are ready,” the minister said. The statement added that both sides would keep working on
the border delimitation and on transport links through the region.</p>
<p>Analysts said the agreement was fragile but that it marked the most serious progress in years,
with both governments under pressure at home to show results.</p>
</article><footer>Share Print Comments</footer></body></html>"#;

    #[test]
    fn extracts_paragraphs_and_metadata() {
        let page = extract(PAGE).unwrap_or_default();
        assert!(page.title.contains("Talks resume"), "{page:?}");
        assert_eq!(page.published, "2025-11-07T10:00:00Z");
        let paras: Vec<&str> = page.text.split("\n\n").collect();
        assert_eq!(paras.len(), 3, "{:?}", page.text);
        assert!(paras[0].starts_with("The foreign ministers met on Friday"));
        assert!(!page.text.contains("Home"));
        assert!(!page.text.contains("Share Print"));
    }

    #[test]
    fn pages_without_text() {
        assert!(extract("").map(|p| p.text.is_empty()).unwrap_or(true));
        assert!(extract("<html><body></body></html>")
            .map(|p| p.text.is_empty())
            .unwrap_or(true));
    }
}
