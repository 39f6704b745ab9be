//! Stance over time: each outlet's mean article score per week or month of `published`, with a
//! 95 % bootstrap interval per bucket, one small panel per outlet on a shared time axis.
//!
//! Weeks (Monday to Sunday) when the dated articles span at most `WEEKLY_MAX_DAYS`, else
//! calendar months, so a month of news gets a few points and a year about a dozen.
use super::{escape, svg_open, Report, AGAINST_COLOR, FAVOR_COLOR};
use crate::aggregate::{bootstrap_ci, group_seed, mean, CI_LEVEL};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Longest span (first to last dated article) drawn in weeks.
const WEEKLY_MAX_DAYS: i64 = 26 * 7;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `2016-09-12` for a day number.
pub(super) fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y}-{m:02}-{d:02}")
}

/// A real calendar date as a day number; `None` for 2016-02-30 or a year out of range.
fn day(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1800..=2200).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let z = days_from_civil(y, m, d);
    (civil_from_days(z) == (y, m, d)).then_some(z)
}

/// Reads `published` as a day: ISO 8601 (`2016-09-12`, `2016-09-12T10:00:00Z`, `2016/09/12`)
/// or day, month name and year in any order a feed writes them (`Mon, 12 Sep 2016 10:00 GMT`,
/// `September 12, 2016`). Anything else is no date (the article is left out of the chart).
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let head = s.split(['T', ' ']).next().unwrap_or("");
    let parts: Vec<&str> = head.split(['-', '/']).collect();
    if parts.len() == 3 && parts[0].len() == 4 {
        let (y, m, d) = (
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        );
        return day(y, m, d);
    }
    let tokens: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let year = tokens
        .iter()
        .position(|t| t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()))?;
    // a month name or its first letters (`Sep`, `Sept`), not any word that starts like one
    let month = tokens.iter().find_map(|t| {
        let t = t.to_ascii_lowercase();
        (t.len() >= 3)
            .then(|| MONTH_NAMES.iter().position(|m| m.starts_with(&t)))
            .flatten()
    })?;
    // the day: the first short number before the year (times come after it)
    let d = tokens[..year]
        .iter()
        .find(|t| t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit()))?;
    day(
        tokens[year].parse().ok()?,
        month as u32 + 1,
        d.parse().ok()?,
    )
}

/// How dates are grouped.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Week,
    Month,
}

/// Consecutive buckets from the first dated article's to the last one's.
#[derive(Clone, Debug)]
struct Axis {
    unit: Unit,
    /// key of the first bucket: the Monday's day number, or year × 12 + month − 1
    first: i64,
    len: usize,
}

impl Axis {
    fn new(days: impl Iterator<Item = i64>) -> Option<Axis> {
        let (lo, hi) = days.fold(None, |acc: Option<(i64, i64)>, d| match acc {
            None => Some((d, d)),
            Some((lo, hi)) => Some((lo.min(d), hi.max(d))),
        })?;
        let unit = if hi - lo <= WEEKLY_MAX_DAYS {
            Unit::Week
        } else {
            Unit::Month
        };
        let (first, last) = (key(unit, lo), key(unit, hi));
        let step = if unit == Unit::Week { 7 } else { 1 };
        Some(Axis {
            unit,
            first,
            len: ((last - first) / step) as usize + 1,
        })
    }

    /// The bucket of a day.
    fn index(&self, day: i64) -> usize {
        let step = if self.unit == Unit::Week { 7 } else { 1 };
        ((key(self.unit, day) - self.first) / step).max(0) as usize
    }

    /// A bucket's label (`12 Sep`, `Sep`) and, where the year changes or on the first, the year.
    fn label(&self, i: usize) -> (String, Option<i64>) {
        match self.unit {
            Unit::Week => {
                let (y, m, d) = civil_from_days(self.first + 7 * i as i64);
                let prev = civil_from_days(self.first + 7 * i as i64 - 7).0;
                let name = MONTHS[(m - 1) as usize];
                (format!("{d} {name}"), (i == 0 || prev != y).then_some(y))
            }
            Unit::Month => {
                let k = self.first + i as i64;
                let (y, m) = (k.div_euclid(12), k.rem_euclid(12));
                (
                    MONTHS[m as usize].to_string(),
                    (i == 0 || m == 0).then_some(y),
                )
            }
        }
    }

    /// `week of 2016-09-12` or `Sep 2016`, for tooltips.
    fn long_label(&self, i: usize) -> String {
        match self.unit {
            Unit::Week => {
                let (y, m, d) = civil_from_days(self.first + 7 * i as i64);
                format!("week of {y}-{m:02}-{d:02}")
            }
            Unit::Month => {
                let k = self.first + i as i64;
                format!("{} {}", MONTHS[k.rem_euclid(12) as usize], k.div_euclid(12))
            }
        }
    }
}

/// The key of a day's bucket.
fn key(unit: Unit, day: i64) -> i64 {
    match unit {
        // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday
        Unit::Week => day - (day + 3).rem_euclid(7),
        Unit::Month => {
            let (y, m, _) = civil_from_days(day);
            y * 12 + i64::from(m) - 1
        }
    }
}

/// One bucket of one outlet.
#[derive(Clone, Debug, PartialEq)]
struct Point {
    n: usize,
    mean: f64,
    ci: Option<(f64, f64)>,
}

/// Per outlet (in `outlets`' order), the points of its non-empty buckets.
type Series = Vec<(String, BTreeMap<usize, Point>)>;

fn series(r: &Report, target: &str, axis: &Axis, outlets: &[String]) -> Series {
    let mut values: BTreeMap<(&str, usize), Vec<f64>> = BTreeMap::new();
    for s in r.scores.iter().filter(|s| s.target == target) {
        if let Some(d) = r.articles.get(&s.article_id).and_then(|a| a.day) {
            values
                .entry((s.outlet.as_str(), axis.index(d)))
                .or_default()
                .push(s.score);
        }
    }
    outlets
        .iter()
        .filter_map(|o| {
            let points: BTreeMap<usize, Point> = values
                .range((o.as_str(), 0)..=(o.as_str(), usize::MAX))
                .filter_map(|((_, b), v)| {
                    let bucket = axis.long_label(*b);
                    let seed = group_seed(r.seed, &[o, target, &bucket]);
                    let ci = bootstrap_ci(v, r.resamples, seed, CI_LEVEL);
                    Some((
                        *b,
                        Point {
                            n: v.len(),
                            mean: mean(v)?,
                            ci,
                        },
                    ))
                })
                .collect();
            (!points.is_empty()).then(|| (o.clone(), points))
        })
        .collect()
}

// Geometry of the panels, in SVG user units: two columns.
const W: f64 = 1080.0;
const COLS: usize = 2;
const PANEL_W: f64 = W / COLS as f64;
const PLOT_X0: f64 = 44.0;
const PLOT_X1: f64 = PANEL_W - 18.0;
const PLOT_TOP: f64 = 26.0;
const PLOT_H: f64 = 110.0;
const PANEL_H: f64 = PLOT_TOP + PLOT_H + 40.0;

/// The "Stance over time" part of a target's section.
pub(super) fn section(h: &mut String, r: &Report, t: usize, target: &str, outlets: &[String]) {
    h.push_str("<h3>Stance over time</h3>\n");
    let relevant = r.scores.iter().filter(|s| s.target == target).count();
    let dated = || {
        r.scores
            .iter()
            .filter(|s| s.target == target)
            .filter_map(|s| r.articles.get(&s.article_id).and_then(|a| a.day))
    };
    // one axis for the whole run, so the targets' charts line up
    let all_days = r.articles.values().filter_map(|a| a.day);
    let (Some(axis), n_dated) = (Axis::new(all_days), dated().count()) else {
        let _ = writeln!(
            h,
            "<p class=\"note\">No article has a publication date (articles.csv <code>published</code> is empty or not a date), so there is no stance over time.</p>"
        );
        return;
    };
    if n_dated == 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">None of the {relevant} relevant articles has a publication date: no stance over time for this target.</p>"
        );
        return;
    }
    let series = series(r, target, &axis, outlets);
    let unit = if axis.unit == Unit::Week {
        "week (Monday to Sunday)"
    } else {
        "month"
    };
    let _ = writeln!(
        h,
        "<p class=\"note\">Mean article score per {unit} of <code>published</code>, {} to {}; whiskers: 95 % bootstrap interval (buckets with two or more articles); {n_dated} of {relevant} relevant articles have a date.</p>",
        axis.long_label(0),
        axis.long_label(axis.len - 1)
    );
    let rows = series.len().div_ceil(COLS).max(1);
    svg_open(
        h,
        &format!("time-t{t}"),
        W,
        rows as f64 * PANEL_H,
        &format!("Stance toward {target} over time, by outlet"),
    );
    for (i, (outlet, points)) in series.iter().enumerate() {
        let (x, y) = ((i % COLS) as f64 * PANEL_W, (i / COLS) as f64 * PANEL_H);
        panel(h, &axis, outlet, points, x, y);
    }
    h.push_str("</svg>\n");
}

fn bucket_x(axis: &Axis, i: usize) -> f64 {
    let span = PLOT_X1 - PLOT_X0;
    PLOT_X0 + span * (i as f64 + 0.5) / axis.len as f64
}

fn score_y(s: f64) -> f64 {
    PLOT_TOP + (1.0 - s.clamp(-1.0, 1.0)) / 2.0 * PLOT_H
}

/// One outlet's panel, its top left corner at (`x`, `y`).
fn panel(
    h: &mut String,
    axis: &Axis,
    outlet: &str,
    points: &BTreeMap<usize, Point>,
    x: f64,
    y: f64,
) {
    let n: usize = points.values().map(|p| p.n).sum();
    let _ = writeln!(
        h,
        "<g class=\"time-panel\" data-outlet=\"{}\" transform=\"translate({x:.1},{y:.1})\">\
         <text x=\"{PLOT_X0}\" y=\"16\" font-weight=\"600\">{}</text>\
         <text class=\"axis\" x=\"{PLOT_X1}\" y=\"16\" text-anchor=\"end\">{n} dated articles</text>",
        escape(outlet),
        escape(&super::truncate(outlet, 40))
    );
    for tick in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let ty = score_y(tick);
        let stroke = if tick == 0.0 { "#555" } else { "#e6e6e6" };
        let _ = writeln!(
            h,
            "<line x1=\"{PLOT_X0}\" y1=\"{ty:.1}\" x2=\"{PLOT_X1}\" y2=\"{ty:.1}\" stroke=\"{stroke}\"/>"
        );
        if tick != 0.5 && tick != -0.5 {
            let label = if tick == 0.0 {
                "0".into()
            } else {
                format!("{tick:+}")
            };
            let _ = writeln!(
                h,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
                PLOT_X0 - 6.0,
                ty + 4.0
            );
        }
    }
    x_labels(h, axis);
    line(h, axis, points);
    for (&b, p) in points {
        point(h, axis, outlet, b, p);
    }
    h.push_str("</g>\n");
}

/// Bucket labels under the plot, thinned so that they do not overlap.
fn x_labels(h: &mut String, axis: &Axis) {
    let room = (PLOT_X1 - PLOT_X0) / axis.len as f64;
    let every = (44.0 / room).ceil().max(1.0) as usize;
    let base = PLOT_TOP + PLOT_H + 14.0;
    for i in (0..axis.len).step_by(every) {
        let (label, year) = axis.label(i);
        let bx = bucket_x(axis, i);
        let _ = writeln!(
            h,
            "<text class=\"axis\" x=\"{bx:.1}\" y=\"{base:.1}\" text-anchor=\"middle\">{label}</text>"
        );
        if let Some(y) = year {
            let _ = writeln!(
                h,
                "<text class=\"axis\" x=\"{bx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{y}</text>",
                base + 13.0
            );
        }
    }
}

/// Joins points of adjacent buckets; a gap (a bucket without articles) breaks the line.
fn line(h: &mut String, axis: &Axis, points: &BTreeMap<usize, Point>) {
    let mut prev: Option<(usize, f64)> = None;
    for (&b, p) in points {
        if let Some((pb, pm)) = prev.filter(|(pb, _)| pb + 1 == b) {
            let _ = writeln!(
                h,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#777\" stroke-width=\"1.2\"/>",
                bucket_x(axis, pb),
                score_y(pm),
                bucket_x(axis, b),
                score_y(p.mean)
            );
        }
        prev = Some((b, p.mean));
    }
}

fn point(h: &mut String, axis: &Axis, outlet: &str, b: usize, p: &Point) {
    let bx = bucket_x(axis, b);
    let ci = match p.ci {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() => {
            let _ = writeln!(
                h,
                "<line x1=\"{bx:.1}\" y1=\"{:.1}\" x2=\"{bx:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-width=\"1.2\"/>",
                score_y(lo),
                score_y(hi)
            );
            format!(", 95 % interval {lo:+.2} … {hi:+.2}")
        }
        _ => String::new(),
    };
    let color = if p.mean >= 0.0 {
        FAVOR_COLOR
    } else {
        AGAINST_COLOR
    };
    let _ = writeln!(
        h,
        "<circle class=\"bucket\" cx=\"{bx:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{color}\"><title>{}, {}: mean score {:+.2} over {} articles{ci}</title></circle>",
        score_y(p.mean),
        (2.5 + (p.n as f64).sqrt()).min(7.0),
        escape(outlet),
        axis.long_label(b),
        p.mean,
        p.n
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2016, 9, 12), 17_056);
        for z in [-800_000, -1, 0, 1, 17_056, 60_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn dates_parse_or_not() {
        let sep12 = Some(17_056);
        for s in [
            "2016-09-12",
            "2016-09-12T10:00:00Z",
            "2016/9/12",
            " 2016-09-12 08:00 ",
            "Mon, 12 Sep 2016 10:00:00 GMT",
            "September 12, 2016",
            "12 September 2016",
        ] {
            assert_eq!(parse_date(s), sep12, "{s}");
        }
        for s in [
            "",
            "2016-02-30",
            "yesterday",
            "9/12/16",
            "2016",
            "0001-01-01",
            "Mayor, 12 2016",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn weeks_for_a_short_span_months_for_a_long_one() {
        let d = |s| parse_date(s).unwrap();
        let short = Axis::new([d("2016-09-08"), d("2016-10-07")].into_iter()).unwrap();
        assert_eq!(short.unit, Unit::Week);
        // Monday 5 Sep to Monday 3 Oct
        assert_eq!((short.len, short.label(0).0), (5, "5 Sep".to_string()));
        assert_eq!(short.index(d("2016-09-11")), 0);
        assert_eq!(short.index(d("2016-09-12")), 1);
        let long = Axis::new([d("2015-11-08"), d("2016-10-07")].into_iter()).unwrap();
        assert_eq!(long.unit, Unit::Month);
        assert_eq!(long.len, 12);
        assert_eq!(long.label(0), ("Nov".to_string(), Some(2015)));
        assert_eq!(long.label(2), ("Jan".to_string(), Some(2016)));
        assert_eq!(long.label(3).1, None);
        assert_eq!(long.long_label(11), "Oct 2016");
        assert!(Axis::new(std::iter::empty()).is_none());
    }
}
