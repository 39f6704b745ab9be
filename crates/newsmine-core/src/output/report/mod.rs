//! `newsmine compare`: one self-contained HTML page comparing outlets' stance per target.
//!
//! The page has no external resources (inline CSS, SVG and one small script), so it can be
//! mailed, archived or opened offline. Per target, under its name and description (from
//! `run.json`): each outlet's mean score with its 95 % interval next to its favor / neutral /
//! against shares (`outlets.rs`); the mean score per week or month from `published`
//! (`timeline.rs`); each outlet's speakers on the score axis, and their quotes in a table that a
//! speaker link filters (`speakers.rs`). Every table but `outlets.csv` is optional: what is
//! missing is said on the page, not an error.
mod load;
mod outlets;
mod speakers;
mod timeline;

use crate::aggregate::{OutletRow, SpeakerRow};
use crate::doc::StanceLabel;
use crate::{Error, Result};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

pub use load::load;
pub use timeline::parse_date;

/// A stance target's name and the description the stance model read (a `[[target]]` table of
/// the config run.json records).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetDescription {
    pub name: String,
    pub description: String,
}

/// Speakers listed in the table of most quoted speakers, per target.
pub const TOP_SPEAKERS: usize = 15;
/// Speakers drawn per outlet on the speaker chart (with their quotes in the quote table).
pub const SPEAKERS_PER_OUTLET: usize = 10;
/// Quotes listed per speaker in the quote table (quotes.csv has them all).
pub const QUOTES_PER_SPEAKER: usize = 20;

/// One article's publication date and title, from `articles.csv`.
#[derive(Clone, Debug, Default)]
pub struct ArticleInfo {
    pub outlet: String,
    /// days since 1970-01-01 of `published`, when it reads as a date
    pub day: Option<i64>,
    pub title: String,
}

/// A relevant article score toward a target, from `article_stance.csv`.
#[derive(Clone, Debug)]
pub struct ArticleScore {
    pub article_id: String,
    pub outlet: String,
    pub target: String,
    pub score: f64,
}

/// A relevant quote of a listed speaker toward a target: `stance.csv` ⋈ `quotes.csv`.
#[derive(Clone, Debug)]
pub struct QuoteLine {
    pub article_id: String,
    pub quote_id: usize,
    pub outlet: String,
    pub speaker: String,
    pub target: String,
    pub stance: StanceLabel,
    pub score: f64,
    pub text: String,
}

/// Everything the page is drawn from: the tables of one output folder.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// the folder, as shown on the page
    pub source: String,
    pub outlets: Vec<OutletRow>,
    pub speakers: Vec<SpeakerRow>,
    /// from run.json, in config order; empty for a run from before run.json recorded them
    pub targets: Vec<TargetDescription>,
    pub articles: HashMap<String, ArticleInfo>,
    pub scores: Vec<ArticleScore>,
    /// the listed speakers' quotes, at most `QUOTES_PER_SPEAKER` each
    pub quotes: Vec<QuoteLine>,
    /// relevant quotes per (target, outlet, speaker), including those not kept in `quotes`
    pub quote_counts: HashMap<(String, String, String), usize>,
    /// bootstrap settings of the run (run.json `[aggregate]`), for the intervals over time
    pub resamples: usize,
    pub seed: u64,
    /// tables the page would use but the folder lacks, named on the page
    pub missing: Vec<String>,
}

/// Reads the tables of `out_dir` and writes the page to `html`.
pub fn compare(out_dir: &Path, html: &Path) -> Result<()> {
    let report = load(out_dir)?;
    std::fs::write(html, render(&report)).map_err(|e| Error::io(html, e))
}

/// Escapes text for HTML element content and attribute values (also inside inline SVG).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // control characters are not allowed in HTML text; CSV cells may carry them
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const FAVOR_COLOR: &str = "#2166ac";
const AGAINST_COLOR: &str = "#b2182b";
const NEUTRAL_COLOR: &str = "#c8c8c8";

fn label_color(l: StanceLabel) -> &'static str {
    match l {
        StanceLabel::Favor => FAVOR_COLOR,
        StanceLabel::Against => AGAINST_COLOR,
        _ => "#888",
    }
}

fn label_class(l: StanceLabel) -> &'static str {
    match l {
        StanceLabel::Favor => "favor",
        StanceLabel::Against => "against",
        _ => "neutral",
    }
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:32px 0 2px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:1em;margin:18px 0 6px}
p.meta{color:#666;margin:0 0 12px;font-size:.9em}p.desc{margin:4px 0 10px;color:#444}
nav a{margin-right:14px}
.legend span{display:inline-block;margin-right:16px;font-size:.9em}
.sw{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;border-radius:2px}
svg{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #e4e4e4;border-radius:4px}
svg text{font-family:inherit;font-size:12px;fill:#222}
svg .axis{fill:#666;font-size:11px}svg .muted{fill:#999;font-style:italic}svg a text.name{fill:#1d4e89}svg a:hover text.name{text-decoration:underline}
table{border-collapse:collapse;font-size:.88em;margin:6px 0;background:#fff}
th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:right;vertical-align:top}th{background:#f0f0f0}
td.l,th.l{text-align:left}td.q{text-align:left;max-width:620px}td.d{white-space:nowrap}td.t{max-width:260px}
tr.grp th{text-align:left;background:#e8eef5}
table.quotes.filtered tbody:not(.on){display:none}
.favor{color:#2166ac;font-weight:600}.against{color:#b2182b;font-weight:600}.neutral{color:#666}
.note{color:#666;font-size:.85em}
";

// Filters a quote table to one speaker: the link `#t0-s3` names the speaker's <tbody>. Without
// scripts the link still jumps to that speaker's quotes.
const SCRIPT: &str = "
(function(){
function show(){
  var id=decodeURIComponent(location.hash.slice(1)),b=id?document.getElementById(id):null;
  document.querySelectorAll('table.quotes').forEach(function(t){
    var on=!!b&&b.parentNode===t;
    t.classList.toggle('filtered',on);
    t.querySelectorAll('tbody').forEach(function(x){x.classList.toggle('on',x===b);});
    var s=document.getElementById(t.id+'-state');
    if(s){s.textContent=on?'showing the quotes of '+b.getAttribute('data-speaker')+' ('+b.getAttribute('data-outlet')+')':'showing every listed speaker';}
    var sel=document.getElementById(t.id+'-pick');
    if(sel){sel.value=on?id:'';}
  });
}
document.querySelectorAll('select.pick').forEach(function(s){
  s.addEventListener('change',function(){location.hash=s.value||s.getAttribute('data-all');});
});
window.addEventListener('hashchange',show);show();
})();
";

/// Target names in the order of run.json, then as they first appear in the tables.
fn target_order(r: &Report) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    let found = r.outlets.iter().map(|o| &o.target);
    let found = found.chain(r.speakers.iter().map(|s| &s.target));
    let recorded: Vec<&String> = r.targets.iter().map(|t| &t.name).collect();
    for t in found {
        if !targets.contains(t) {
            targets.push(t.clone());
        }
    }
    // recorded targets with rows first, in config order (a target without rows shows nothing)
    targets.sort_by_key(|t| recorded.iter().position(|r| *r == t).unwrap_or(usize::MAX));
    targets
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let targets = target_order(r);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>newsmine: stance by outlet</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<main>\n<h1>Stance by outlet</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"meta\">from <code>{}</code> · {} outlet × target rows · {} speaker rows · {} articles</p>",
        escape(&r.source),
        r.outlets.len(),
        r.speakers.len(),
        r.articles.len()
    );
    if !r.missing.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\">Not in the folder: {} (the parts drawn from them are left out).</p>",
            escape(&r.missing.join(", "))
        );
    }
    if targets.len() > 1 {
        h.push_str("<nav>");
        for (i, t) in targets.iter().enumerate() {
            let _ = write!(h, "<a href=\"#target-{i}\">{}</a>", escape(t));
        }
        h.push_str("</nav>\n");
    }
    legend(&mut h);
    if targets.is_empty() {
        h.push_str("<p>No rows in outlets.csv: nothing to compare.</p>\n");
    }
    for (i, target) in targets.iter().enumerate() {
        section(&mut h, r, i, target);
    }
    let _ = write!(h, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

fn legend(h: &mut String) {
    let _ = writeln!(
        h,
        "<p class=\"legend\"><span><i class=\"sw\" style=\"background:{FAVOR_COLOR}\"></i>favor</span>\
         <span><i class=\"sw\" style=\"background:{NEUTRAL_COLOR}\"></i>neutral</span>\
         <span><i class=\"sw\" style=\"background:{AGAINST_COLOR}\"></i>against</span>\
         <span class=\"note\">score = p(favor) − p(against), from −1 to +1; whiskers: 95 % bootstrap interval of the mean over relevant articles</span></p>"
    );
}

/// One target: its charts and tables.
fn section(h: &mut String, r: &Report, i: usize, target: &str) {
    let rows: Vec<&OutletRow> = r.outlets.iter().filter(|o| o.target == target).collect();
    let _ = writeln!(
        h,
        "<section id=\"target-{i}\">\n<h2>{}</h2>",
        escape(target)
    );
    if let Some(t) = r.targets.iter().find(|t| t.name == target) {
        let _ = writeln!(h, "<p class=\"desc\">{}</p>", escape(&t.description));
    }
    let order = outlets::chart_order(&rows);
    outlets::chart(h, i, target, &order);
    outlets::table(h, &order);
    let outlet_names = outlet_names(r, target, &order);
    timeline::section(h, r, i, target, &outlet_names);
    let speakers: Vec<&SpeakerRow> = r.speakers.iter().filter(|s| s.target == target).collect();
    speakers::section(h, r, i, target, &outlet_names, &speakers);
    h.push_str("</section>\n");
}

/// The outlets of a target in the order of its outlet chart, then any only the speakers name.
fn outlet_names(r: &Report, target: &str, order: &[&OutletRow]) -> Vec<String> {
    let mut names: Vec<String> = order.iter().map(|o| o.outlet.clone()).collect();
    let mut rest: Vec<String> = r
        .speakers
        .iter()
        .filter(|s| s.target == target && !names.contains(&s.outlet))
        .map(|s| s.outlet.clone())
        .collect();
    rest.sort();
    rest.dedup();
    names.extend(rest);
    names
}

fn fmt_opt(v: Option<f64>, signed: bool) -> String {
    match v {
        Some(x) if x.is_finite() && signed => format!("{x:+.2}"),
        Some(x) if x.is_finite() => format!("{x:.2}"),
        _ => "—".to_string(),
    }
}

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or("—".to_string(), |x| format!("{:.0} %", x * 100.0))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Writes the opening tag of a chart: fixed width, scaled down by CSS on narrow screens.
fn svg_open(h: &mut String, id: &str, width: f64, height: f64, title: &str) {
    let _ = writeln!(
        h,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" width=\"{width}\" height=\"{height:.0}\" role=\"img\">\n<title>{}</title>",
        escape(title)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">R&D's</a>"),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn truncates_on_chars() {
        assert_eq!(truncate("Zakharova", 5), "Zakh…");
        assert_eq!(truncate("ab", 5), "ab");
        assert_eq!(truncate("ab", 0), "…");
    }
}
