//! Page metadata: title, publication date, authors, site name, canonical URL, language.
//!
//! Sources in order of trust: JSON-LD (`NewsArticle` and kin), `<meta>` tags (Open Graph,
//! `article:*`, Dublin Core, Parse.ly, Sailthru), `<time datetime>`, and last the URL.
use dom_query::Document;
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub title: String,
    /// ISO 8601
    pub published: String,
    pub url: String,
    pub authors: Vec<String>,
    pub site_name: String,
    pub language: String,
}

/// JSON-LD types that describe the article itself.
const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "webpage",
];

/// `<meta>` names and properties that give the publication date, best first.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "og:published_time",
    "article.published",
    "ptime",
];

const AUTHOR_META: &[&str] = &[
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
    "citation_author",
];

/// Reads what the page says about itself. Call before anything removes `<script>` elements.
pub fn read(doc: &Document) -> PageMeta {
    let mut meta = PageMeta::default();
    let mut ld = LdMeta::default();
    for script in doc.select(r#"script[type="application/ld+json"]"#).nodes() {
        let text = script.text();
        if let Ok(value) = serde_json::from_str::<Value>(text.trim()) {
            ld.visit(&value, 0);
        }
    }
    let metas = meta_tags(doc);
    let get = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .find(|(name, value)| name == k && !value.trim().is_empty())
                .map(|(_, v)| super::one_line(v))
        })
    };

    meta.title = ld
        .headline
        .clone()
        .or_else(|| get(&["og:title", "twitter:title"]))
        .unwrap_or_default();

    meta.published = ld
        .published
        .iter()
        .chain(DATE_META.iter().filter_map(|k| {
            metas
                .iter()
                .find(|(name, v)| name == k && iso_date(v).is_some())
                .map(|(_, v)| v)
        }))
        .find_map(|v| iso_date(v))
        .or_else(|| {
            doc.select("time[datetime], [itemprop=datePublished]")
                .nodes()
                .iter()
                .find_map(|t| {
                    t.attr("datetime")
                        .or_else(|| t.attr("content"))
                        .and_then(|v| iso_date(&v))
                })
        })
        .unwrap_or_default();

    meta.url = doc
        .select(r#"link[rel="canonical"]"#)
        .attr("href")
        .map(|h| h.trim().to_string())
        .filter(|h| h.starts_with("http"))
        .or_else(|| get(&["og:url"]))
        .or(ld.url.clone())
        .unwrap_or_default();
    if meta.published.is_empty() {
        meta.published = date_from_url(&meta.url);
    }

    let mut authors: Vec<String> = ld.authors.clone();
    if authors.is_empty() {
        for key in AUTHOR_META {
            for (name, value) in &metas {
                // `article:author` is often a profile URL, not a name
                if name == key && !value.contains("://") && !value.trim().is_empty() {
                    authors.extend(split_names(&clean_byline(value)));
                }
            }
            if !authors.is_empty() {
                break;
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    authors.retain(|a| !a.is_empty() && seen.insert(a.to_lowercase()));
    meta.authors = authors;

    meta.site_name = get(&["og:site_name", "application-name", "twitter:site"])
        .map(|s| s.trim_start_matches('@').to_string())
        .or(ld.publisher.clone())
        .unwrap_or_default();

    meta.language = doc
        .select("html")
        .attr("lang")
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .or_else(|| get(&["content-language", "og:locale", "dc.language", "language"]))
        .or(ld.language.clone())
        .map(|l| l.replace('_', "-"))
        .unwrap_or_default();
    meta
}

/// All `<meta>` name/property (lower-cased) and content pairs, in page order.
fn meta_tags(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in doc.select("meta").nodes() {
        let Some(content) = m.attr("content") else {
            continue;
        };
        for attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(name) = m.attr(attr) {
                out.push((name.trim().to_ascii_lowercase(), content.to_string()));
            }
        }
    }
    out
}

#[derive(Default)]
struct LdMeta {
    headline: Option<String>,
    published: Vec<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
    language: Option<String>,
}

/// JSON-LD nests (`@graph`, arrays, `mainEntity`): this far and no further.
const MAX_LD_DEPTH: usize = 8;

impl LdMeta {
    fn visit(&mut self, v: &Value, depth: usize) {
        if depth > MAX_LD_DEPTH {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.visit(i, depth + 1)),
            Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    self.visit(graph, depth + 1);
                }
                if let Some(main) = map.get("mainEntity") {
                    self.visit(main, depth + 1);
                }
                let is_article = match map.get("@type") {
                    Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.to_lowercase().as_str()),
                    Some(Value::Array(ts)) => ts.iter().any(|t| {
                        t.as_str()
                            .is_some_and(|t| ARTICLE_TYPES.contains(&t.to_lowercase().as_str()))
                    }),
                    _ => false,
                };
                if !is_article {
                    return;
                }
                let webpage = map
                    .get("@type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("webpage"));
                // an article's fields win over a WebPage's
                if self.headline.is_none() || !webpage {
                    if let Some(h) = str_of(map.get("headline")) {
                        if self.headline.is_none() {
                            self.headline = Some(h);
                        }
                    }
                }
                if let Some(d) = str_of(map.get("datePublished")) {
                    self.published.push(d);
                }
                if self.authors.is_empty() {
                    if let Some(a) = map.get("author").or_else(|| map.get("creator")) {
                        self.authors = names(a);
                    }
                }
                if self.publisher.is_none() {
                    self.publisher = map
                        .get("publisher")
                        .and_then(|p| names(p).into_iter().next());
                }
                if self.url.is_none() {
                    self.url = str_of(map.get("url")).filter(|u| u.starts_with("http"));
                }
                if self.language.is_none() {
                    self.language = str_of(map.get("inLanguage"));
                }
            }
            _ => {}
        }
    }
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(super::one_line(s)),
        Value::Array(items) => items.iter().find_map(|i| str_of(Some(i))),
        _ => None,
    }
}

/// Names in a JSON-LD person/organisation value: a string, an object with `name`, or a list.
fn names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) if !s.contains("://") => split_names(&clean_byline(s)),
        Value::Object(map) => str_of(map.get("name"))
            .map(|n| vec![clean_byline(&n)])
            .unwrap_or_default(),
        Value::Array(items) => items.iter().take(20).flat_map(names).collect(),
        _ => Vec::new(),
    }
}

/// A byline as names: "By Ann Lee and Bo Chen" → "Ann Lee; Bo Chen".
pub fn clean_byline(byline: &str) -> String {
    let b = super::one_line(byline);
    let lower = b.to_lowercase();
    let b = if lower.starts_with("by ") {
        b[3..].trim().to_string()
    } else {
        b
    };
    // a byline often runs on into its date: "Lucas Nolan22 Dec 2016", "Ann Lee March 11, 2015"
    let mut name = b
        .split(|c: char| c.is_ascii_digit())
        .next()
        .unwrap_or("")
        .trim();
    loop {
        let trimmed = name.trim_end_matches([' ', ',', '-', '|', '–', '—', '·']);
        let last = trimmed.rsplit(' ').next().unwrap_or("");
        let is_month = last.len() >= 3
            && MONTHS
                .iter()
                .any(|m| last.to_lowercase().starts_with(m) && last.len() <= 9);
        // only a date's month: "Theresa May" keeps her name when no date follows
        let dated = b.len() > name.len();
        if dated && is_month && trimmed.len() > last.len() {
            name = trimmed[..trimmed.len() - last.len()].trim_end();
        } else {
            name = trimmed;
            break;
        }
    }
    split_names(name).join("; ")
}

fn split_names(s: &str) -> Vec<String> {
    static SEP: OnceLock<Regex> = OnceLock::new();
    let sep =
        SEP.get_or_init(|| Regex::new(r"(?i)\s*(?:,|;|\s&\s|\sand\s)\s*").expect("valid regex"));
    sep.split(s)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A date (and time, when given) as ISO 8601, from the forms pages use: ISO itself
/// (`2019-11-20T10:00:00.000Z`, `2019-11-20 10:00`), `2019/11/20`, `20 Nov 2019`,
/// `November 20, 2019`, RFC 2822. `None` when it is none of them or not a real date.
pub fn iso_date(s: &str) -> Option<String> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    static DMY: OnceLock<Regex> = OnceLock::new();
    static MDY: OnceLock<Regex> = OnceLock::new();
    let s = s.trim();
    let iso = ISO.get_or_init(|| {
        Regex::new(
            r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
        )
        .expect("valid regex")
    });
    if let Some(c) = iso.captures(s) {
        let date = ymd(&c[1], &c[2], &c[3])?;
        let (Some(h), Some(m)) = (c.get(4), c.get(5)) else {
            return Some(date);
        };
        let (h, m): (u32, u32) = (h.as_str().parse().ok()?, m.as_str().parse().ok()?);
        let sec: u32 = c.get(6).map_or(Some(0), |x| x.as_str().parse().ok())?;
        if h > 23 || m > 59 || sec > 60 {
            return Some(date);
        }
        let zone = match c.get(7).map(|z| z.as_str()) {
            None => String::new(),
            Some("Z") => "Z".into(),
            Some(z) if z.len() == 5 => format!("{}:{}", &z[..3], &z[3..]),
            Some(z) => z.to_string(),
        };
        return Some(format!("{date}T{h:02}:{m:02}:{sec:02}{zone}"));
    }
    let dmy = DMY.get_or_init(|| {
        Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})\b")
            .expect("valid regex")
    });
    let mdy = MDY.get_or_init(|| {
        Regex::new(r"(?i)\b([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
            .expect("valid regex")
    });
    let month = |m: &str| {
        MONTHS
            .iter()
            .position(|x| x.eq_ignore_ascii_case(m))
            .map(|i| (i + 1).to_string())
    };
    if let Some(c) = dmy.captures(s) {
        if let Some(m) = month(&c[2]) {
            return ymd(&c[3], &m, &c[1]);
        }
    }
    if let Some(c) = mdy.captures(s) {
        if let Some(m) = month(&c[1]) {
            return ymd(&c[3], &m, &c[2]);
        }
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The date in a URL path (`/2019/11/20/`, `/2019-11-20-`, `/20191120/`), else empty.
pub fn date_from_url(url: &str) -> String {
    static URL_DATE: OnceLock<Regex> = OnceLock::new();
    let re = URL_DATE.get_or_init(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})/")
            .expect("valid regex")
    });
    re.captures(url)
        .and_then(|c| match (c.get(1), c.get(4)) {
            (Some(y), _) => ymd(y.as_str(), &c[2], &c[3]),
            (None, Some(y)) => ymd(y.as_str(), &c[5], &c[6]),
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_iso() {
        assert_eq!(
            iso_date("2019-01-03T07:00:02.000Z").as_deref(),
            Some("2019-01-03T07:00:02Z")
        );
        assert_eq!(
            iso_date("2015-07-24T05:36:09+0100").as_deref(),
            Some("2015-07-24T05:36:09+01:00")
        );
        assert_eq!(
            iso_date("2019-04-28 06:01:07").as_deref(),
            Some("2019-04-28T06:01:07")
        );
        assert_eq!(
            iso_date("Wed, 20 Nov 2019 10:00:00 GMT").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(iso_date("November 20, 2019").as_deref(), Some("2019-11-20"));
        assert_eq!(iso_date("2019-13-40"), None);
        assert_eq!(iso_date("soon"), None);
        assert_eq!(
            date_from_url("https://x.com/2019/11/20/story.html"),
            "2019-11-20"
        );
        assert_eq!(date_from_url("https://x.com/news/story-123"), "");
        assert_eq!(
            clean_byline("By GILLIAN MOHNEY March 11, 2015 3:46 PM"),
            "GILLIAN MOHNEY"
        );
        assert_eq!(clean_byline("by Lucas Nolan22 Dec 2016651"), "Lucas Nolan");
        assert_eq!(clean_byline("By Ann Lee and Bo Chen"), "Ann Lee; Bo Chen");
    }

    #[test]
    fn json_ld_and_meta() {
        let doc = Document::from(
            r#"<html lang="en-GB"><head>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle",
"headline":"Talks resume","datePublished":"2025-11-07T10:00:00Z","author":[{"@type":"Person","name":"Ann Lee"},{"name":"Bo Chen"}],
"publisher":{"@type":"Organization","name":"Example News"}}]}</script>
<link rel="canonical" href="https://example.com/a"></head><body></body></html>"#,
        );
        let m = read(&doc);
        assert_eq!(m.title, "Talks resume");
        assert_eq!(m.published, "2025-11-07T10:00:00Z");
        assert_eq!(m.authors, vec!["Ann Lee", "Bo Chen"]);
        assert_eq!(m.site_name, "Example News");
        assert_eq!(m.url, "https://example.com/a");
        assert_eq!(m.language, "en-GB");
    }
}
