//! The outlet chart of a target: each outlet's mean article score with its 95 % interval, the
//! relevant / all article counts and the favor / neutral / against shares; and its table.
use super::{escape, fmt_opt, pct, svg_open, truncate, AGAINST_COLOR, FAVOR_COLOR, NEUTRAL_COLOR};
use crate::aggregate::OutletRow;
use std::fmt::Write;

/// Outlets with a mean first, highest score on top; then the others by name.
pub(super) fn chart_order<'a>(rows: &[&'a OutletRow]) -> Vec<&'a OutletRow> {
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

/// The outlet chart of target `t`: one row per outlet, in `rows`' order (`chart_order`).
pub(super) fn chart(h: &mut String, t: usize, target: &str, rows: &[&OutletRow]) {
    let height = TOP + ROW * rows.len().max(1) as f64 + 26.0;
    svg_open(
        h,
        &format!("outlets-t{t}"),
        W,
        height,
        &format!("Stance toward {target} by outlet"),
    );
    let bottom = TOP + ROW * rows.len().max(1) as f64;
    axes(h, bottom);
    if rows.is_empty() {
        let _ = writeln!(h, "<text class=\"muted\" x=\"{SCORE_X0}\" y=\"{:.1}\">no outlet rows for this target</text>", TOP + 18.0);
    }
    for (i, r) in rows.iter().enumerate() {
        row(h, i, r);
    }
    h.push_str("</svg>\n");
}

/// Panel titles, the score grid with its tick labels (top and bottom) and the share ticks.
fn axes(h: &mut String, bottom: f64) {
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
}

/// One outlet's row: name, score bar with whiskers, mean, counts and share bar.
fn row(h: &mut String, i: usize, r: &OutletRow) {
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
    score_mark(h, r, mid);
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

/// The mean score bar from 0 with the interval's whiskers, or a note without relevant articles.
fn score_mark(h: &mut String, r: &OutletRow, mid: f64) {
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

/// The exact numbers of the outlet chart, in its order.
pub(super) fn table(h: &mut String, rows: &[&OutletRow]) {
    if rows.is_empty() {
        return;
    }
    h.push_str("<h3>Outlets</h3>\n<table>\n<tr><th class=\"l\">outlet</th><th>articles</th><th>relevant</th><th>favor</th><th>neutral</th><th>against</th><th>mean score</th><th>95 % interval</th></tr>\n");
    for r in rows {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_axis_maps_and_clamps() {
        assert_eq!(score_x(-1.0), SCORE_X0);
        assert_eq!(score_x(1.0), SCORE_X1);
        assert_eq!(score_x(5.0), SCORE_X1);
    }
}
