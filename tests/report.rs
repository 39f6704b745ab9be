//! The HTML report (`newsmine compare`): its structure on a small synthetic output folder, and
//! the page as headless Chromium renders it (skipped, saying so, where no Chromium is installed).
//! Nothing here needs ../shared; the one check that runs the pipeline skips without models.
mod common;

use newsmine::output::{
    report, ARTICLE_HEADER, ARTICLE_STANCE_HEADER, OUTLET_HEADER, QUOTE_HEADER, SPEAKER_HEADER,
    STANCE_HEADER,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Writes `NAME.csv` with the crate's own header for that table; cells a row does not name are
/// empty. Cells are written as given (a test of the formula guard writes a guarded cell).
fn table(dir: &Path, name: &str, header: &[&str], rows: &[&[(&str, &str)]]) {
    let mut w = csv::Writer::from_path(dir.join(format!("{name}.csv"))).unwrap();
    w.write_record(header).unwrap();
    for row in rows {
        let cells: HashMap<&str, &str> = row.iter().copied().collect();
        for k in cells.keys() {
            assert!(header.contains(k), "{name}.csv has no column {k}");
        }
        w.write_record(header.iter().map(|h| cells.get(h).copied().unwrap_or("")))
            .unwrap();
    }
    w.flush().unwrap();
}

const RFE: &str = "RFE/RL <Azatutyun> & \"Co\"";

fn outlets(dir: &Path) {
    let row = |o: &'static str, t: &'static str, n: [&'static str; 8]| {
        let keys = &OUTLET_HEADER[2..];
        let mut v: Vec<(&str, &str)> = vec![("outlet", o), ("target", t)];
        v.extend(keys.iter().copied().zip(n));
        v
    };
    let rows = [
        row(
            RFE,
            "peace_process",
            ["40", "30", "0.5", "0.2", "0.3", "0.31", "0.18", "0.44"],
        ),
        row(
            "TASS",
            "peace_process",
            ["25", "20", "0.1", "0.55", "0.35", "-0.38", "-0.52", "-0.22"],
        ),
        row(
            "Empty Gazette",
            "peace_process",
            ["3", "0", "", "", "", "", "", ""],
        ),
        row(
            "TASS",
            "sanctions",
            ["25", "1", "0.0", "1.0", "0.0", "-0.6", "", ""],
        ),
    ];
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "outlets", OUTLET_HEADER, &refs);
}

fn speakers(dir: &Path) {
    let mut rows: Vec<[(&str, &str); 6]> = vec![];
    let mut add = |o: &'static str, s: &'static str, t: &'static str, q, st, m| {
        rows.push([
            ("outlet", o),
            ("speaker_canonical", s),
            ("target", t),
            ("quotes", q),
            ("stance", st),
            ("mean_score", m),
        ])
    };
    add(
        RFE,
        "Nikol Pashinyan",
        "peace_process",
        "2",
        "favor",
        "0.45",
    );
    add(
        RFE,
        "<script>alert(1)</script>",
        "peace_process",
        "1",
        "favor",
        "0.52",
    );
    add(
        "TASS",
        "Maria Zakharova",
        "peace_process",
        "3",
        "against",
        "-0.41",
    );
    add(
        "TASS",
        "Maria Zakharova",
        "sanctions",
        "1",
        "against",
        "-0.5",
    );
    // more speakers than a panel lists (their quotes are not in stance.csv: the page copes)
    const EXTRA: [&str; 11] = [
        "Speaker 01",
        "Speaker 02",
        "Speaker 03",
        "Speaker 04",
        "Speaker 05",
        "Speaker 06",
        "Speaker 07",
        "Speaker 08",
        "Speaker 09",
        "Speaker 10",
        "Speaker 11",
    ];
    for s in EXTRA {
        add("TASS", s, "peace_process", "1", "neutral", "0.0");
    }
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "speakers", SPEAKER_HEADER, &refs);
}

/// Articles a1–a3 (RFE), a4–a5 (TASS), a6 (Empty Gazette, undated), published on `dates`.
fn articles(dir: &Path, dates: [&str; 6]) {
    let outlet = [RFE, RFE, RFE, "TASS", "TASS", "Empty Gazette"];
    let ids = ["a1", "a2", "a3", "a4", "a5", "a6"];
    let rows: Vec<[(&str, &str); 5]> = (0..6)
        .map(|i| {
            [
                ("article_id", ids[i]),
                ("outlet", outlet[i]),
                ("published", dates[i]),
                ("title", if i == 3 { "Zakharova on the talks" } else { "" }),
                ("status", "ok"),
            ]
        })
        .collect();
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "articles", ARTICLE_HEADER, &refs);
    let stance = |id, o, t, st, score| -> [(&str, &str); 6] {
        let units = if st == "not_relevant" { "0" } else { "2" };
        [
            ("article_id", id),
            ("outlet", o),
            ("target", t),
            ("stance", st),
            ("relevant_units", units),
            ("score", score),
        ]
    };
    let rows = [
        stance("a1", RFE, "peace_process", "favor", "0.5"),
        stance("a2", RFE, "peace_process", "favor", "0.3"),
        stance("a3", RFE, "peace_process", "against", "-0.2"),
        stance("a4", "TASS", "peace_process", "against", "-0.6"),
        stance("a5", "TASS", "peace_process", "neutral", "0.0"),
        stance("a6", "Empty Gazette", "peace_process", "not_relevant", ""),
        stance("a4", "TASS", "sanctions", "against", "-0.4"),
        stance("a5", "TASS", "sanctions", "not_relevant", ""),
    ];
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "article_stance", ARTICLE_STANCE_HEADER, &refs);
}

/// Quote units of stance.csv and their texts in quotes.csv: relevant ones, one below
/// min_relevance, one not relevant, one sentence unit.
fn quotes(dir: &Path) {
    #[rustfmt::skip]
    let units: [[&str; 9]; 9] = [
        // article, unit, id, target, stance, p_favor, p_against, relevance, speaker
        ["a1", "quote", "0", "peace_process", "favor", "0.6", "0.1", "0.9", "Nikol Pashinyan"],
        ["a2", "quote", "0", "peace_process", "favor", "0.5", "0.2", "0.8", "Nikol Pashinyan"],
        ["a1", "quote", "1", "peace_process", "favor", "0.7", "0.1", "0.9", "<script>alert(1)</script>"],
        ["a4", "quote", "0", "peace_process", "against", "0.1", "0.6", "0.9", "Maria Zakharova"],
        ["a4", "quote", "1", "peace_process", "against", "0.2", "0.5", "0.7", "Maria Zakharova"],
        ["a4", "quote", "2", "peace_process", "against", "0.1", "0.5", "0.6", "Maria Zakharova"],
        ["a4", "quote", "3", "peace_process", "neutral", "0.3", "0.3", "0.2", "Maria Zakharova"],
        ["a5", "quote", "0", "peace_process", "not_relevant", "0.3", "0.3", "0.0", "Maria Zakharova"],
        ["a4", "quote", "0", "sanctions", "against", "0.1", "0.6", "0.9", "Maria Zakharova"],
    ];
    let rows: Vec<[(&str, &str); 9]> = units
        .iter()
        .map(|u| {
            [
                ("article_id", u[0]),
                ("unit", u[1]),
                ("unit_id", u[2]),
                ("target", u[3]),
                ("stance", u[4]),
                ("p_favor", u[5]),
                ("p_against", u[6]),
                ("relevance", u[7]),
                ("speaker_canonical", u[8]),
            ]
        })
        .chain(std::iter::once([
            ("article_id", "a1"),
            ("unit", "sentence"),
            ("unit_id", "0"),
            ("target", "peace_process"),
            ("stance", "favor"),
            ("p_favor", "0.9"),
            ("p_against", "0.0"),
            ("relevance", "0.9"),
            ("speaker_canonical", ""),
        ]))
        .collect();
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "stance", STANCE_HEADER, &refs);
    #[rustfmt::skip]
    let texts = [
        ("a1", "0", "the treaty is within reach", "Nikol Pashinyan"),
        ("a2", "0", "we initialed the text", "Nikol Pashinyan"),
        ("a1", "1", "<b>bold</b> & brave", "<script>alert(1)</script>"),
        // as the writer guards it: the page shows the value without the `'`
        ("a4", "0", "'-1 point for the West", "Maria Zakharova"),
        ("a4", "1", "the talks are a show", "Maria Zakharova"),
        ("a4", "2", "nothing will come of it", "Maria Zakharova"),
        ("a4", "3", "BELOW THE RELEVANCE CUT", "Maria Zakharova"),
        ("a5", "0", "NOT RELEVANT AT ALL", "Maria Zakharova"),
    ];
    let rows: Vec<[(&str, &str); 5]> = texts
        .iter()
        .map(|q| {
            [
                ("article_id", q.0),
                ("quote_id", q.1),
                ("kind", "direct"),
                ("text", q.2),
                ("speaker_canonical", q.3),
            ]
        })
        .collect();
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
    table(dir, "quotes", QUOTE_HEADER, &refs);
}

fn run_json(dir: &Path) {
    let json = r#"{
  "version": "0.1.0",
  "config": {"target": [
    {"name": "peace_process", "description": "the Armenia–Azerbaijan peace process", "terms": ["peace"]},
    {"name": "sanctions", "description": "sanctions <on> Russia & co"}
  ]},
  "aggregate": [0.35, {"margin": 0.1, "bootstrap_resamples": 200, "seed": 7}],
  "a_field_from_a_later_version": {"x": 1}
}"#;
    std::fs::write(dir.join("run.json"), json).unwrap();
}

/// A whole output folder; weekly dates (3–20 November 2025), a6 undated.
const WEEKLY: [&str; 6] = [
    "2025-11-03",
    "2025-11-05T10:00:00Z",
    "2025-11-12",
    "Tue, 04 Nov 2025 08:00:00 GMT",
    "2025-11-20",
    "",
];

fn fixture(dir: &Path, dates: [&str; 6]) {
    outlets(dir);
    speakers(dir);
    articles(dir, dates);
    quotes(dir);
    run_json(dir);
}

fn render(dir: &Path) -> String {
    let html = dir.join("report.html");
    report::compare(dir, &html).unwrap();
    std::fs::read_to_string(html).unwrap()
}

/// The text of the element with `id` up to its closing `</tag>` (no nesting of the same tag).
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let open = format!("<{tag} id=\"{id}\"");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag} id=\"{id}\">"));
    let end = html[start..].find(&format!("</{tag}>")).unwrap() + start;
    &html[start..end]
}

/// The `<tbody>` of each listed speaker: (speaker, outlet, id) as the page escapes them.
fn speaker_ids(html: &str) -> Vec<(String, String, String)> {
    let attr = |s: &str, name: &str| {
        let k = format!("{name}=\"");
        let i = s.find(&k).unwrap() + k.len();
        s[i..i + s[i..].find('"').unwrap()].to_string()
    };
    html.match_indices("<tbody id=\"")
        .map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            (
                attr(tag, "data-speaker"),
                attr(tag, "data-outlet"),
                attr(tag, "id"),
            )
        })
        .collect()
}

/// The anchor of `speaker` of `outlet` in the section of target `t`.
fn speaker_id(html: &str, speaker: &str, outlet: &str, t: usize) -> String {
    speaker_ids(html)
        .into_iter()
        .find(|(s, o, id)| s == speaker && o == outlet && id.starts_with(&format!("t{t}-")))
        .unwrap_or_else(|| panic!("no quotes of {speaker} ({outlet}) for target {t}"))
        .2
}

#[test]
fn page_has_every_chart_and_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), WEEKLY);
    let html = render(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<section").count(), 2);
    // targets in run.json's order, each with its description (escaped)
    let p = html.find("<h2>peace_process</h2>").unwrap();
    let s = html.find("<h2>sanctions</h2>").unwrap();
    assert!(p < s);
    assert!(html.contains("<p class=\"desc\">the Armenia–Azerbaijan peace process</p>"));
    assert!(html.contains("<p class=\"desc\">sanctions &lt;on&gt; Russia &amp; co</p>"));
    for t in 0..2 {
        for chart in ["outlets", "time", "speakers"] {
            assert!(
                html.contains(&format!("<svg id=\"{chart}-t{t}\"")),
                "{chart}-t{t}"
            );
        }
        assert!(html.contains(&format!("<table class=\"quotes\" id=\"quotes-t{t}\"")));
    }
    // the outlet chart as before: bars, whiskers, counts, undefined cells
    assert!(html.contains("mean score +0.310"));
    assert!(html.contains("95 % interval -0.520 … -0.220"));
    assert!(html.contains("no relevant articles"));
    assert!(html.contains("30 / 40"));
    assert!(!html.contains("NaN"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert_eq!(html.matches("<svg").count(), 6, "three charts per target");
}

#[test]
fn stance_over_time_has_weekly_buckets_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), WEEKLY);
    let html = render(dir.path());
    let t0 = element(&html, "svg", "time-t0");
    // RFE and TASS have dated relevant articles; Empty Gazette none
    assert_eq!(t0.matches("class=\"time-panel\"").count(), 2);
    assert!(!t0.contains("Empty Gazette"));
    // RFE: week of 3 Nov (0.5, 0.3) and of 10 Nov (−0.2); TASS: 3 Nov (−0.6), 17 Nov (0.0)
    assert_eq!(t0.matches("class=\"bucket\"").count(), 4);
    assert!(t0.contains("week of 2025-11-03: mean score +0.40 over 2 articles, 95 % interval"));
    assert!(t0.contains("week of 2025-11-10: mean score -0.20 over 1 articles</title>"));
    assert!(t0.contains("TASS, week of 2025-11-17: mean score +0.00 over 1 articles"));
    assert!(html.contains("per week (Monday to Sunday)"));
    assert!(html.contains("5 of 5 relevant articles have a date"));
    let t1 = element(&html, "svg", "time-t1");
    assert_eq!(t1.matches("class=\"bucket\"").count(), 1);
}

#[test]
fn a_long_span_is_drawn_in_months_and_no_dates_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut dates = WEEKLY;
    dates[4] = "June 1, 2026";
    fixture(dir.path(), dates);
    let html = render(dir.path());
    assert!(html.contains("per month"));
    assert!(element(&html, "svg", "time-t0").contains("TASS, Jun 2026: mean score"));
    fixture(dir.path(), ["", "", "not a date", "", "", ""]);
    let html = render(dir.path());
    assert!(!html.contains("id=\"time-t0\""));
    assert!(html.contains("No article has a publication date"));
    // the other charts do not depend on dates
    assert!(html.contains("id=\"speakers-t0\"") && html.contains("id=\"outlets-t0\""));
}

#[test]
fn speakers_link_to_their_quotes() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), WEEKLY);
    let html = render(dir.path());
    let chart = element(&html, "svg", "speakers-t0");
    assert_eq!(chart.matches("class=\"speaker-panel\"").count(), 2);
    assert!(
        chart.contains("top 10 of 12 speakers"),
        "TASS lists 10 of 12"
    );
    assert!(!chart.contains("Speaker 10") && !chart.contains("Speaker 11"));
    // every link has its target, and every listed speaker a link
    let ids: Vec<String> = speaker_ids(&html).into_iter().map(|x| x.2).collect();
    assert_eq!(
        ids.len(),
        2 + 10 + 1,
        "RFE 2 + TASS 10 (peace), TASS 1 (sanctions)"
    );
    for id in &ids {
        assert!(html.contains(&format!("href=\"#{id}\"")), "{id}");
    }
    for (i, _) in html.match_indices("href=\"#t") {
        let id = &html[i + 7..i + 7 + html[i + 7..].find('"').unwrap()];
        if !id.starts_with("target-") {
            assert!(ids.iter().any(|v| v == id), "dangling link #{id}");
        }
    }
    // Zakharova's peace_process quotes: the three relevant ones, unguarded, sorted; not the one
    // below min_relevance (run.json), nor the not-relevant one, nor her sanctions quote
    let z = speaker_id(&html, "Maria Zakharova", "TASS", 0);
    let body = element(&html, "tbody", &z);
    assert_eq!(body.matches("<td class=\"q\">").count(), 3);
    assert!(body.contains("<td class=\"q\">-1 point for the West</td>"));
    assert!(body.contains("Zakharova on the talks"), "the article title");
    assert!(
        body.contains("2025-11-04"),
        "the date, read from an RFC 2822 one"
    );
    assert!(!html.contains("BELOW THE RELEVANCE CUT") && !html.contains("NOT RELEVANT AT ALL"));
    let zs = speaker_id(&html, "Maria Zakharova", "TASS", 1);
    let quotes = element(&html, "tbody", &zs).matches("<td class=\"q\">");
    assert_eq!(quotes.count(), 1);
    // an extra speaker counted in speakers.csv whose quotes are not in stance.csv: no rows
    let s1 = speaker_id(&html, "Speaker 01", "TASS", 0);
    let quotes = element(&html, "tbody", &s1).matches("<td class=\"q\">");
    assert_eq!(quotes.count(), 0);
    // the most quoted speakers table links too
    assert!(html.contains(&format!("<a href=\"#{z}\">Maria Zakharova</a>")));
}

#[test]
fn page_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), WEEKLY);
    let html = render(dir.path());
    assert!(html.contains("RFE/RL &lt;Azatutyun&gt; &amp; &quot;Co&quot;"));
    assert!(!html.contains("<Azatutyun>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; brave"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "the page's own script only"
    );
    assert!(!html.contains("<b>"));
    for bad in [
        "https://",
        "src=",
        "<link",
        "@import",
        "url(",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert_eq!(html.matches(bad).count(), 0, "{bad}");
    }
    // the SVG namespace, once per chart, is the only URL
    assert_eq!(
        html.matches("http://").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

#[test]
fn only_outlets_csv_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    outlets(dir.path());
    let html = render(dir.path());
    assert!(html.contains("id=\"outlets-t0\"") && html.contains("id=\"outlets-t1\""));
    assert!(html.contains("No speaker rows for this target."));
    assert!(html.contains("Not in the folder:"));
    assert!(html.contains("article_stance.csv"));
    assert!(
        !html.contains("<p class=\"desc\">"),
        "no run.json, no descriptions"
    );
    let e = report::compare(&dir.path().join("nope"), &dir.path().join("r.html")).unwrap_err();
    assert!(e.to_string().contains("outlets.csv"), "{e}");
}

#[test]
fn descriptions_come_from_the_recorded_config_too() {
    let dir = tempfile::tempdir().unwrap();
    outlets(dir.path());
    // a run.json with the resolved config but no `targets` list
    let json = r#"{"config": {"min_relevance": 0.35, "target": [
        {"name": "sanctions", "description": "sanctions on Russia", "require_any": ["Russia"]},
        {"name": "peace_process", "description": "the peace process", "terms": {"peace": 0.9}}
    ]}}"#;
    std::fs::write(dir.path().join("run.json"), json).unwrap();
    let html = render(dir.path());
    assert!(html.contains("<p class=\"desc\">the peace process</p>"));
    // the config's order
    assert!(
        html.find("<h2>sanctions</h2>").unwrap() < html.find("<h2>peace_process</h2>").unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|c| {
            let out = std::process::Command::new("which").arg(c).output().ok()?;
            let p = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !p.is_empty()).then(|| PathBuf::from(p))
        })
}

/// Runs headless Chromium on `url` with `args`; its stdout. A hung browser fails the test
/// instead of hanging the suite.
fn headless(chromium: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match child.try_wait().unwrap() {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s");
            }
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    reader.join().unwrap()
}

#[test]
fn renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIP renders_in_headless_chromium: no chromium binary (`which chromium` found nothing)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), WEEKLY);
    let html = render(dir.path());
    let z = speaker_id(&html, "Maria Zakharova", "TASS", 0);
    let page = dir.path().join("report.html");
    let profile = dir.path().join("profile");
    // the DOM after the page's script ran, opened on a speaker link
    let url = format!("file://{}#{z}", page.display());
    let dom = headless(&chromium, &profile, &["--dump-dom".to_string()], &url);
    for id in [
        "outlets-t0",
        "time-t0",
        "speakers-t0",
        "outlets-t1",
        "time-t1",
    ] {
        assert!(
            dom.contains(&format!("<svg id=\"{id}\"")),
            "{id} in the DOM"
        );
    }
    assert_eq!(dom.matches("class=\"time-panel\"").count(), 3);
    assert!(dom.matches("class=\"speaker-panel\"").count() >= 3);
    // the script filtered the quote table to the speaker of the link
    assert!(
        dom.contains("<table class=\"quotes filtered\" id=\"quotes-t0\""),
        "quote table filtered"
    );
    assert!(dom.contains(&format!(
        "<tbody id=\"{z}\" data-speaker=\"Maria Zakharova\" data-outlet=\"TASS\" class=\"on\">"
    )));
    assert!(dom.contains("showing the quotes of Maria Zakharova (TASS)"));
    assert!(!dom.contains("class=\"quotes filtered\" id=\"quotes-t1\""));
    // and it draws: a picture of some size
    let png = dir.path().join("shot.png");
    let args = [
        format!("--screenshot={}", png.display()),
        "--window-size=1200,1800".to_string(),
    ];
    headless(
        &chromium,
        &profile,
        &args,
        &format!("file://{}", page.display()),
    );
    let bytes = std::fs::read(&png).expect("chromium wrote a screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 20_000,
        "a non-trivial picture ({} bytes)",
        bytes.len()
    );
    if let Ok(keep) = std::env::var("NEWSMINE_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// The README's example and the targets run.json records for the page

#[test]
fn the_election_example_config_loads() {
    let path = common::root().join("docs/examples/election.toml");
    let c = newsmine::stance::config::StanceConfig::load_or_default(Some(&path)).unwrap();
    let targets: Vec<(&str, &str)> = c
        .targets
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_str()))
        .collect();
    assert_eq!(
        targets,
        [("trump", "Donald Trump"), ("clinton", "Hillary Clinton")]
    );
}

#[test]
fn run_json_records_the_targets_for_the_page() {
    if !common::models_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"x1\", \"publisher\": \"nyt\", \"date\": \"2016-09-12\", \"text\": \"Donald Trump said he would win. Hillary Clinton said she would.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let st = common::bin()
        .args(["run", "-q", "-j", "1", "--out"])
        .arg(&out)
        .arg("--config")
        .arg(common::root().join("docs/examples/election.toml"))
        .arg(&input)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    // the targets are those of the recorded config (said once, not copied beside it)
    assert!(run.get("targets").is_none());
    assert_eq!(run["config"]["target"][0]["name"], "trump");
    assert_eq!(run["config"]["target"][1]["description"], "Hillary Clinton");
    let html = out.join("report.html");
    let st = common::bin()
        .arg("compare")
        .arg(&out)
        .arg("--html")
        .arg(&html)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains("<p class=\"desc\">Donald Trump</p>"));
    assert!(page.contains("id=\"time-t0\""), "the article has a date");
}
