//! The speakers of a target: each outlet's most quoted speakers on the score axis (dot size and
//! number: relevant quotes), the speakers with most quotes overall, and their quotes.
//!
//! Every listed speaker's name links to `#tT-sK`, the `<tbody>` of their quotes in the quote
//! table: the page's script then shows that speaker's quotes only; without scripts the link
//! still jumps there.
use super::{
    escape, fmt_opt, label_class, label_color, svg_open, truncate, QuoteLine, Report,
    SPEAKERS_PER_OUTLET, TOP_SPEAKERS,
};
use crate::aggregate::SpeakerRow;
use std::collections::HashMap;
use std::fmt::Write;

/// An outlet's speakers with most quotes first (then by name), at most `SPEAKERS_PER_OUTLET`:
/// the ones drawn and given quotes (`load` keeps quotes for exactly these).
pub(super) fn top_of_outlet<'a>(rows: impl Iterator<Item = &'a SpeakerRow>) -> Vec<&'a SpeakerRow> {
    let mut v: Vec<&SpeakerRow> = rows.collect();
    v.sort_by(|a, b| {
        b.quotes
            .cmp(&a.quotes)
            .then_with(|| a.speaker_canonical.cmp(&b.speaker_canonical))
    });
    v.truncate(SPEAKERS_PER_OUTLET);
    v
}

/// The listed speakers of a target: per outlet (in chart order) its top speakers, and each
/// (outlet, speaker)'s anchor number.
struct Listing<'a> {
    panels: Vec<(&'a str, Vec<&'a SpeakerRow>, usize)>,
    ids: HashMap<(&'a str, &'a str), usize>,
}

fn listing<'a>(outlets: &'a [String], speakers: &[&'a SpeakerRow]) -> Listing<'a> {
    let mut l = Listing {
        panels: Vec::new(),
        ids: HashMap::new(),
    };
    for o in outlets {
        let all = speakers.iter().filter(|s| s.outlet == *o).copied();
        let total = all.clone().count();
        let top = top_of_outlet(all);
        if top.is_empty() {
            continue;
        }
        for s in &top {
            let k = l.ids.len();
            l.ids.insert((&s.outlet, &s.speaker_canonical), k);
        }
        l.panels.push((o.as_str(), top, total));
    }
    l
}

/// The speakers part of a target's section.
pub(super) fn section(
    h: &mut String,
    r: &Report,
    t: usize,
    target: &str,
    outlets: &[String],
    speakers: &[&SpeakerRow],
) {
    let l = listing(outlets, speakers);
    h.push_str("<h3>Speakers by outlet</h3>\n");
    if l.panels.is_empty() {
        h.push_str("<p class=\"note\">No speaker rows for this target.</p>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Each outlet's {SPEAKERS_PER_OUTLET} speakers with most relevant quotes at their mean quote score; dot size and number: relevant quotes; color: the speaker's stance. A name shows that speaker's quotes below.</p>"
    );
    chart(h, t, target, &l);
    top_table(h, t, speakers, &l);
    quote_table(h, r, t, target, &l);
}

// Geometry of the speaker panels, in SVG user units: two columns.
const W: f64 = 1080.0;
const COLS: usize = 2;
const PANEL_W: f64 = W / COLS as f64;
const NAME_X: f64 = 176.0;
const AXIS_X0: f64 = 190.0;
const AXIS_X1: f64 = 470.0;
const COUNT_X: f64 = 512.0;
const HEAD: f64 = 30.0;
const ROW: f64 = 20.0;
const FOOT: f64 = 30.0;

fn score_x(s: f64) -> f64 {
    AXIS_X0 + (s.clamp(-1.0, 1.0) + 1.0) / 2.0 * (AXIS_X1 - AXIS_X0)
}

fn chart(h: &mut String, t: usize, target: &str, l: &Listing) {
    let max_quotes = l
        .panels
        .iter()
        .flat_map(|p| p.1.iter().map(|s| s.quotes))
        .max()
        .unwrap_or(1)
        .max(1);
    // panels side by side share the height of the taller one
    let heights: Vec<f64> = l
        .panels
        .chunks(COLS)
        .map(|c| HEAD + ROW * c.iter().map(|p| p.1.len()).max().unwrap_or(1) as f64 + FOOT)
        .collect();
    svg_open(
        h,
        &format!("speakers-t{t}"),
        W,
        heights.iter().sum::<f64>(),
        &format!("Speakers on {target} by outlet"),
    );
    let mut y = 0.0;
    for (row, chunk) in l.panels.chunks(COLS).enumerate() {
        for (col, (outlet, top, total)) in chunk.iter().enumerate() {
            let x = col as f64 * PANEL_W;
            panel(h, t, l, (outlet, top, *total), (x, y), max_quotes);
        }
        y += heights[row];
    }
    h.push_str("</svg>\n");
}

fn panel(
    h: &mut String,
    t: usize,
    l: &Listing,
    (outlet, top, total): (&str, &[&SpeakerRow], usize),
    (x, y): (f64, f64),
    max_quotes: usize,
) {
    let bottom = HEAD + ROW * top.len() as f64;
    let more = if total > top.len() {
        format!("top {} of {total} speakers", top.len())
    } else {
        format!("{total} speakers")
    };
    let _ = writeln!(
        h,
        "<g class=\"speaker-panel\" data-outlet=\"{}\" transform=\"translate({x:.1},{y:.1})\">\
         <text x=\"12\" y=\"18\"><tspan font-weight=\"600\">{}</tspan><tspan class=\"axis\" dx=\"10\">{more}</tspan></text>\
         <text class=\"axis\" x=\"{COUNT_X}\" y=\"18\" text-anchor=\"end\">quotes</text>",
        escape(outlet),
        escape(&truncate(outlet, 34))
    );
    for tick in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let tx = score_x(tick);
        let stroke = if tick == 0.0 { "#555" } else { "#e6e6e6" };
        let label = if tick == 0.0 {
            "0".into()
        } else {
            format!("{tick:+}")
        };
        let _ = writeln!(
            h,
            "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{bottom:.1}\" stroke=\"{stroke}\"/>\
             <text class=\"axis\" x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            HEAD - 6.0,
            bottom + 14.0
        );
    }
    for (i, s) in top.iter().enumerate() {
        let mid = HEAD + ROW * i as f64 + ROW / 2.0;
        let k = l.ids[&(s.outlet.as_str(), s.speaker_canonical.as_str())];
        let radius = 2.5 + 5.5 * (s.quotes as f64 / max_quotes as f64).sqrt();
        let _ = writeln!(
            h,
            "<a class=\"speaker\" href=\"#t{t}-s{k}\"><title>{name} ({outlet}): {q} relevant quotes, mean score {m:+.2}, {st}</title>\
             <text class=\"name\" x=\"{NAME_X}\" y=\"{:.1}\" text-anchor=\"end\">{short}</text>\
             <line x1=\"{AXIS_X0}\" y1=\"{mid:.1}\" x2=\"{AXIS_X1}\" y2=\"{mid:.1}\" stroke=\"#f0f0f0\"/>\
             <circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"{radius:.1}\" fill=\"{color}\" fill-opacity=\"0.8\" stroke=\"#fff\"/>\
             <text x=\"{COUNT_X}\" y=\"{:.1}\" text-anchor=\"end\">{q}</text></a>",
            mid + 4.0,
            score_x(s.mean_score),
            mid + 4.0,
            name = escape(&s.speaker_canonical),
            outlet = escape(outlet),
            q = s.quotes,
            m = s.mean_score,
            st = s.stance.as_str(),
            short = escape(&truncate(&s.speaker_canonical, 26)),
            color = label_color(s.stance),
        );
    }
    h.push_str("</g>\n");
}

/// The speakers with most relevant quotes over all outlets, linked to their quotes.
fn top_table(h: &mut String, t: usize, speakers: &[&SpeakerRow], l: &Listing) {
    let mut rows = speakers.to_vec();
    rows.sort_by(|a, b| {
        b.quotes
            .cmp(&a.quotes)
            .then_with(|| a.speaker_canonical.cmp(&b.speaker_canonical))
            .then_with(|| a.outlet.cmp(&b.outlet))
    });
    h.push_str("<h3>Speakers with most relevant quotes</h3>\n<table>\n<tr><th class=\"l\">speaker</th><th class=\"l\">outlet</th><th>quotes</th><th class=\"l\">stance</th><th>mean score</th></tr>\n");
    for r in rows.iter().take(TOP_SPEAKERS) {
        let name = escape(&r.speaker_canonical);
        let name = match l
            .ids
            .get(&(r.outlet.as_str(), r.speaker_canonical.as_str()))
        {
            Some(k) => format!("<a href=\"#t{t}-s{k}\">{name}</a>"),
            None => name,
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{name}</td><td class=\"l\">{}</td><td>{}</td><td class=\"l {}\">{}</td><td>{}</td></tr>",
            escape(&r.outlet),
            r.quotes,
            label_class(r.stance),
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

/// The listed speakers' quotes, one `<tbody>` per speaker (the target of the speaker links).
fn quote_table(h: &mut String, r: &Report, t: usize, target: &str, l: &Listing) {
    let _ = writeln!(h, "<h3 id=\"quotes-t{t}-all\">Quotes by speaker</h3>");
    let mut by_speaker: HashMap<(&str, &str), Vec<&QuoteLine>> = HashMap::new();
    for q in r.quotes.iter().filter(|q| q.target == target) {
        by_speaker
            .entry((q.outlet.as_str(), q.speaker.as_str()))
            .or_default()
            .push(q);
    }
    if by_speaker.is_empty() {
        h.push_str("<p class=\"note\">No quotes to list (stance.csv and quotes.csv hold the listed speakers' quotes).</p>\n");
        return;
    }
    picker(h, t, l);
    let _ = writeln!(
        h,
        "<table class=\"quotes\" id=\"quotes-t{t}\">\n<thead><tr><th class=\"l\">published</th><th class=\"l\">article</th><th class=\"l\">quote</th><th>score</th></tr></thead>"
    );
    for (outlet, top, _) in &l.panels {
        for s in top {
            let key = (*outlet, s.speaker_canonical.as_str());
            let k = l.ids[&key];
            let mut quotes = by_speaker.remove(&key).unwrap_or_default();
            speaker_body(h, r, t, k, s, target, &mut quotes);
        }
    }
    h.push_str("</table>\n");
}

fn picker(h: &mut String, t: usize, l: &Listing) {
    let _ = write!(
        h,
        "<p><label>Speaker: <select class=\"pick\" id=\"quotes-t{t}-pick\" data-all=\"#quotes-t{t}-all\"><option value=\"\">every listed speaker</option>"
    );
    for (outlet, top, _) in &l.panels {
        for s in top {
            let k = l.ids[&(*outlet, s.speaker_canonical.as_str())];
            let _ = write!(
                h,
                "<option value=\"t{t}-s{k}\">{} ({}, {})</option>",
                escape(&s.speaker_canonical),
                escape(outlet),
                s.quotes
            );
        }
    }
    let _ = writeln!(
        h,
        "</select></label> <span class=\"note\" id=\"quotes-t{t}-state\">showing every listed speaker</span> · <a href=\"#quotes-t{t}-all\">show all</a></p>"
    );
}

fn speaker_body(
    h: &mut String,
    r: &Report,
    t: usize,
    k: usize,
    s: &SpeakerRow,
    target: &str,
    quotes: &mut [&QuoteLine],
) {
    let info = |q: &QuoteLine| r.articles.get(&q.article_id);
    quotes.sort_by_key(|q| {
        (
            info(q).and_then(|a| a.day),
            q.article_id.clone(),
            q.quote_id,
        )
    });
    let _ = writeln!(
        h,
        "<tbody id=\"t{t}-s{k}\" data-speaker=\"{name}\" data-outlet=\"{outlet}\"><tr class=\"grp\"><th colspan=\"4\">{name} · {outlet} · {} relevant quotes · mean score {} · <span class=\"{}\">{}</span></th></tr>",
        s.quotes,
        fmt_opt(Some(s.mean_score), true),
        label_class(s.stance),
        s.stance.as_str(),
        name = escape(&s.speaker_canonical),
        outlet = escape(&s.outlet),
    );
    for q in quotes.iter() {
        let (date, title) = match info(q) {
            Some(a) => (
                a.day.map(super::timeline::iso_date).unwrap_or_default(),
                a.title.as_str(),
            ),
            None => (String::new(), ""),
        };
        let title = if title.is_empty() {
            &q.article_id
        } else {
            title
        };
        let _ = writeln!(
            h,
            "<tr><td class=\"l d\">{date}</td><td class=\"l t\" title=\"{}\">{}</td><td class=\"q\">{}</td><td class=\"{}\">{:+.2}</td></tr>",
            escape(&q.article_id),
            escape(&truncate(title, 60)),
            escape(&q.text),
            label_class(q.stance),
            q.score
        );
    }
    let key = (
        target.to_string(),
        s.outlet.clone(),
        s.speaker_canonical.clone(),
    );
    let found = r.quote_counts.get(&key).copied().unwrap_or(0);
    if found > quotes.len() {
        let _ = writeln!(
            h,
            "<tr><td colspan=\"4\" class=\"l note\">{} more in stance.csv (unit = quote) and quotes.csv</td></tr>",
            found - quotes.len()
        );
    }
    h.push_str("</tbody>\n");
}
