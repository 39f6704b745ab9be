//! `newsmine compare`: one self-contained HTML page comparing outlets' stance per target.
//!
//! The page has no scripts and no external resources (inline CSS and SVG only), so it can be
//! mailed, archived or opened offline. Per target: a chart with each outlet's mean score and its
//! 95 % interval (whiskers) next to the shares of favor / neutral / against among its relevant
//! articles, a table with the exact numbers, and the speakers with most relevant quotes.
use super::read_rows;
use crate::aggregate::{OutletRow, SpeakerRow};
use crate::doc::StanceLabel;
use crate::{Error, Result};
use std::fmt::Write;
use std::path::Path;

/// Speakers listed per target.
pub const TOP_SPEAKERS: usize = 15;

/// Reads `outlets.csv` (required) and `speakers.csv` (optional) from `out_dir` and writes the page.
pub fn compare(out_dir: &Path, html: &Path) -> Result<()> {
    let outlets_path = out_dir.join("outlets.csv");
    // a run with `--table-format parquet` has outlets.parquet instead (read_rows reads either)
    if !outlets_path.exists() && !outlets_path.with_extension("parquet").exists() {
        return Err(Error::Usage(format!(
            "{} not found: `compare` reads the outlets.csv and speakers.csv of a newsmine output folder",
            outlets_path.display()
        )));
    }
    let outlets: Vec<OutletRow> = read_rows(&outlets_path)?;
    let speakers_path = out_dir.join("speakers.csv");
    let speakers: Vec<SpeakerRow> =
        if speakers_path.exists() || speakers_path.with_extension("parquet").exists() {
            read_rows(&speakers_path)?
        } else {
            Vec::new()
        };
    let page = render(&outlets, &speakers, &out_dir.display().to_string());
    std::fs::write(html, page).map_err(|e| Error::io(html, e))
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

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:1em;margin:18px 0 6px}
p.meta{color:#666;margin:0 0 12px;font-size:.9em}
.legend span{display:inline-block;margin-right:16px;font-size:.9em}
.sw{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;border-radius:2px}
svg{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #e4e4e4;border-radius:4px}
svg text{font-family:inherit;font-size:12px;fill:#222}
svg .axis{fill:#666;font-size:11px}svg .muted{fill:#999;font-style:italic}
table{border-collapse:collapse;font-size:.88em;margin:6px 0;background:#fff}
th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:right}th{background:#f0f0f0}
td.l,th.l{text-align:left}
.favor{color:#2166ac;font-weight:600}.against{color:#b2182b;font-weight:600}.neutral{color:#666}
.note{color:#666;font-size:.85em}
";

/// The whole page.
pub fn render(outlets: &[OutletRow], speakers: &[SpeakerRow], source: &str) -> String {
    let mut targets: Vec<&str> = Vec::new();
    for t in outlets
        .iter()
        .map(|r| r.target.as_str())
        .chain(speakers.iter().map(|r| r.target.as_str()))
    {
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>newsmine: stance by outlet</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<main>\n<h1>Stance by outlet</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"meta\">from <code>{}</code> · {} outlet × target rows · {} speaker rows</p>",
        escape(source),
        outlets.len(),
        speakers.len()
    );
    let _ = writeln!(
        h,
        "<p class=\"legend\"><span><i class=\"sw\" style=\"background:{FAVOR_COLOR}\"></i>favor</span>\
         <span><i class=\"sw\" style=\"background:{NEUTRAL_COLOR}\"></i>neutral</span>\
         <span><i class=\"sw\" style=\"background:{AGAINST_COLOR}\"></i>against</span>\
         <span class=\"note\">score = p(favor) − p(against), from −1 to +1; whiskers: 95 % bootstrap interval of the mean over relevant articles</span></p>"
    );
    if targets.is_empty() {
        h.push_str("<p>No rows in outlets.csv: nothing to compare.</p>\n");
    }
    for (i, target) in targets.iter().enumerate() {
        let rows: Vec<&OutletRow> = outlets.iter().filter(|r| r.target == *target).collect();
        let _ = writeln!(
            h,
            "<section id=\"target-{i}\">\n<h2>{}</h2>",
            escape(target)
        );
        chart(&mut h, target, &rows);
        outlet_table(&mut h, &rows);
        speaker_table(
            &mut h,
            speakers.iter().filter(|r| r.target == *target).collect(),
        );
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
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
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// Outlets with a mean first, highest score on top; then the others by name.
fn chart_order<'a>(rows: &[&'a OutletRow]) -> Vec<&'a OutletRow> {
    let mut v = rows.to_vec();
    v.sort_by(|a, b| match (a.mean_score, b.mean_score) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.outlet.cmp(&b.outlet)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.outlet.cmp(&b.outlet),
    });
    v
}

// Geometry of the chart, in SVG user units.
const W: f64 = 1080.0;
const LABEL_W: f64 = 220.0;
const SCORE_X0: f64 = 240.0;
const SCORE_X1: f64 = 640.0;
const COUNT_X: f64 = 660.0;
const SHARE_X0: f64 = 790.0;
const SHARE_X1: f64 = 1060.0;
const TOP: f64 = 46.0;
const ROW: f64 = 28.0;
const BAR: f64 = 14.0;

fn score_x(s: f64) -> f64 {
    SCORE_X0 + (s.clamp(-1.0, 1.0) + 1.0) / 2.0 * (SCORE_X1 - SCORE_X0)
}

fn chart(h: &mut String, target: &str, rows: &[&OutletRow]) {
    let rows = chart_order(rows);
    let height = TOP + ROW * rows.len().max(1) as f64 + 26.0;
    let _ = writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {height}\" width=\"{W}\" height=\"{height}\" role=\"img\">"
    );
    let _ = writeln!(
        h,
        "<title>Stance toward {} by outlet</title>",
        escape(target)
    );
    // panel titles
    let _ = writeln!(
        h,
        "<text x=\"{SCORE_X0}\" y=\"16\" font-weight=\"600\">mean score with 95 % interval</text>"
    );
    let _ = writeln!(
        h,
        "<text x=\"{COUNT_X}\" y=\"16\" font-weight=\"600\">mean</text>"
    );
    let _ = writeln!(
        h,
        "<text x=\"{:.1}\" y=\"16\" font-weight=\"600\"><title>relevant articles / all articles</title>n / all</text>",
        COUNT_X + 48.0
    );
    let _ = writeln!(h, "<text x=\"{SHARE_X0}\" y=\"16\" font-weight=\"600\">share favor · neutral · against</text>");
    // score grid and axis labels (top and bottom)
    let bottom = TOP + ROW * rows.len().max(1) as f64;
    for tick in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let x = score_x(tick);
        let (stroke, w) = if tick == 0.0 {
            ("#555", 1.2)
        } else {
            ("#e2e2e2", 1.0)
        };
        let _ = writeln!(h, "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{stroke}\" stroke-width=\"{w}\"/>", TOP - 8.0);
        let label = if tick == 0.0 {
            "0".to_string()
        } else {
            format!("{tick:+}")
        };
        for y in [TOP - 12.0, bottom + 16.0] {
            let _ = writeln!(h, "<text class=\"axis\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{label}</text>");
        }
    }
    // direction hints between the outer ticks, where they cannot collide with tick labels
    for (at, label) in [(-0.75, "← against"), (0.75, "favor →")] {
        let _ = writeln!(
            h,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            score_x(at),
            bottom + 16.0
        );
    }
    for tick in [0.0, 0.5, 1.0] {
        let x = SHARE_X0 + tick * (SHARE_X1 - SHARE_X0);
        let _ = writeln!(
            h,
            "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{:.0} %</text>",
            bottom + 16.0,
            tick * 100.0
        );
    }
    if rows.is_empty() {
        let _ = writeln!(h, "<text class=\"muted\" x=\"{SCORE_X0}\" y=\"{:.1}\">no outlet rows for this target</text>", TOP + 18.0);
    }
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid = y + ROW / 2.0;
        if i % 2 == 1 {
            let _ = writeln!(
                h,
                "<rect x=\"0\" y=\"{y:.1}\" width=\"{W}\" height=\"{ROW}\" fill=\"#f6f6f6\"/>"
            );
        }
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>",
            LABEL_W,
            mid + 4.0,
            escape(&r.outlet),
            escape(&truncate(&r.outlet, 32))
        );
        match r.mean_score.filter(|m| m.is_finite()) {
            Some(m) => {
                let (x0, x1) = (score_x(0.0), score_x(m));
                let color = if m >= 0.0 { FAVOR_COLOR } else { AGAINST_COLOR };
                let _ = writeln!(
                    h,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{color}\" fill-opacity=\"0.85\"><title>{}: mean score {m:+.3}</title></rect>",
                    x0.min(x1),
                    mid - BAR / 2.0,
                    (x1 - x0).abs().max(1.0),
                    escape(&r.outlet)
                );
                if let (Some(lo), Some(hi)) = (r.ci_low, r.ci_high) {
                    if lo.is_finite() && hi.is_finite() {
                        let (a, b) = (score_x(lo), score_x(hi));
                        let _ = writeln!(
                            h,
                            "<g stroke=\"#222\" stroke-width=\"1.4\"><title>95 % interval {lo:+.3} … {hi:+.3}</title>\
                             <line x1=\"{a:.1}\" y1=\"{mid:.1}\" x2=\"{b:.1}\" y2=\"{mid:.1}\"/>\
                             <line x1=\"{a:.1}\" y1=\"{:.1}\" x2=\"{a:.1}\" y2=\"{:.1}\"/>\
                             <line x1=\"{b:.1}\" y1=\"{:.1}\" x2=\"{b:.1}\" y2=\"{:.1}\"/></g>",
                            mid - 6.0,
                            mid + 6.0,
                            mid - 6.0,
                            mid + 6.0
                        );
                    }
                }
                let _ = writeln!(
                    h,
                    "<circle cx=\"{x1:.1}\" cy=\"{mid:.1}\" r=\"3\" fill=\"#222\"/>"
                );
            }
            None => {
                let _ = writeln!(
                    h,
                    "<text class=\"muted\" x=\"{:.1}\" y=\"{:.1}\">no relevant articles</text>",
                    score_x(-0.95),
                    mid + 4.0
                );
            }
        }
        let _ = writeln!(
            h,
            "<text x=\"{COUNT_X}\" y=\"{:.1}\" font-weight=\"600\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\">{} / {}</text>",
            mid + 4.0,
            fmt_opt(r.mean_score, true),
            COUNT_X + 48.0,
            mid + 4.0,
            r.relevant_articles,
            r.articles
        );
        share_bar(h, r, mid);
    }
    h.push_str("</svg>\n");
}

fn share_bar(h: &mut String, r: &OutletRow, mid: f64) {
    let width = SHARE_X1 - SHARE_X0;
    let y = mid - BAR / 2.0;
    let parts = [
        (r.share_favor, FAVOR_COLOR, "favor"),
        (r.share_neutral, NEUTRAL_COLOR, "neutral"),
        (r.share_against, AGAINST_COLOR, "against"),
    ];
    if parts.iter().all(|p| p.0.is_none()) {
        let _ = writeln!(
            h,
            "<rect x=\"{SHARE_X0}\" y=\"{y:.1}\" width=\"{width}\" height=\"{BAR}\" fill=\"none\" stroke=\"#ccc\" stroke-dasharray=\"3 3\"/>"
        );
        return;
    }
    let mut x = SHARE_X0;
    for (share, color, name) in parts {
        let s = share
            .filter(|s| s.is_finite())
            .unwrap_or(0.0)
            .clamp(0.0, 1.0);
        if s <= 0.0 {
            continue;
        }
        let w = s * width;
        let _ = writeln!(
            h,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{color}\"><title>{}: {name} {:.0} %</title></rect>",
            escape(&r.outlet),
            s * 100.0
        );
        if w >= 30.0 {
            let fill = if name == "neutral" { "#333" } else { "#fff" };
            let _ = writeln!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" style=\"fill:{fill};font-size:10px\">{:.0}%</text>",
                x + w / 2.0,
                mid + 3.5,
                s * 100.0
            );
        }
        x += w;
    }
}

fn outlet_table(h: &mut String, rows: &[&OutletRow]) {
    if rows.is_empty() {
        return;
    }
    h.push_str("<h3>Outlets</h3>\n<table>\n<tr><th class=\"l\">outlet</th><th>articles</th><th>relevant</th><th>favor</th><th>neutral</th><th>against</th><th>mean score</th><th>95 % interval</th></tr>\n");
    for r in chart_order(rows) {
        let ci = match (r.ci_low, r.ci_high) {
            (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => {
                format!("{lo:+.2} … {hi:+.2}")
            }
            _ => "—".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.outlet),
            r.articles,
            r.relevant_articles,
            pct(r.share_favor),
            pct(r.share_neutral),
            pct(r.share_against),
            fmt_opt(r.mean_score, true),
            ci
        );
    }
    h.push_str("</table>\n");
}

fn speaker_table(h: &mut String, mut rows: Vec<&SpeakerRow>) {
    h.push_str("<h3>Speakers with most relevant quotes</h3>\n");
    if rows.is_empty() {
        h.push_str("<p class=\"note\">No speaker rows for this target.</p>\n");
        return;
    }
    rows.sort_by(|a, b| {
        b.quotes
            .cmp(&a.quotes)
            .then_with(|| a.speaker_canonical.cmp(&b.speaker_canonical))
            .then_with(|| a.outlet.cmp(&b.outlet))
    });
    h.push_str("<table>\n<tr><th class=\"l\">speaker</th><th class=\"l\">outlet</th><th>quotes</th><th class=\"l\">stance</th><th>mean score</th></tr>\n");
    for r in rows.iter().take(TOP_SPEAKERS) {
        let class = match r.stance {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            _ => "neutral",
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td class=\"l {class}\">{}</td><td>{}</td></tr>",
            escape(&r.speaker_canonical),
            escape(&r.outlet),
            r.quotes,
            r.stance.as_str(),
            fmt_opt(Some(r.mean_score), true)
        );
    }
    h.push_str("</table>\n");
    if rows.len() > TOP_SPEAKERS {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} more in speakers.csv.</p>",
            rows.len() - TOP_SPEAKERS
        );
    }
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
    fn score_axis_maps_and_clamps() {
        assert_eq!(score_x(-1.0), SCORE_X0);
        assert_eq!(score_x(1.0), SCORE_X1);
        assert_eq!(score_x(5.0), SCORE_X1);
    }
}
