//! Hostile input and interrupted runs (issue 11): nothing aborts a run, nothing is lost, mixed or
//! mis-joined. Each case of the issue is a test here; the last one feeds every broken kind at once.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{bin, models_present, read_table, root};

/// Undo the spreadsheet-formula guard (docs/SCHEMA.md).
fn cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(['=', '+', '-', '@', '\t', '\r']) =>
        {
            rest
        }
        _ => s,
    }
}

fn slice(text: &str, start: &str, end: &str) -> String {
    let (s, e): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
    text.chars().skip(s).take(e - s).collect()
}

/// `newsmine run ARGS… --out OUT -q`, run in the source tree.
fn run(args: &[&str], out: &Path) -> Output {
    bin()
        .current_dir(root())
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const NO_MODELS: [&str; 6] = ["--skip", "ner", "--skip", "quote-model", "--skip", "stance"];

/// Articles on the peace process with quotes, under hostile ids and outlets.
fn hostile_jsonl(dir: &Path) -> PathBuf {
    let rows = [
        serde_json::json!({"id": "=1+1", "outlet": "+972 Magazine", "title": "-minus",
            "text": "Armenia and Azerbaijan resumed peace talks on Friday. \u{201c}The peace treaty is close,\u{201d} Nikol Pashinian said. The talks on the peace process will go on."}),
        serde_json::json!({"id": "-2", "outlet": "+972 Magazine",
            "text": "Azerbaijan and Armenia agreed on the border. \u{201c}Peace with Armenia is within reach,\u{201d} Ilham Aliyev said at the peace talks."}),
        serde_json::json!({"id": "@3", "outlet": "=cmd|/C calc",
            "text": "The peace process between Armenia and Azerbaijan moves on. \u{201c}We welcome the peace agreement,\u{201d} Antony Blinken said."}),
    ];
    let path = dir.join("hostile.jsonl");
    let body: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, body).unwrap();
    path
}

/// Whether a raw CSV cell would run as a spreadsheet formula (numbers may be negative).
fn is_formula(c: &str) -> bool {
    c.starts_with(['=', '+', '@', '\t', '\r']) || (c.starts_with('-') && c.parse::<f64>().is_err())
}

const TABLES: [&str; 9] = [
    "articles",
    "entities",
    "entity_counts",
    "quotes",
    "stance",
    "article_stance",
    "outlets",
    "speakers",
    "errors",
];

/// No cell of any table is a live formula.
fn assert_no_formula(dir: &Path) {
    for t in TABLES {
        for row in read_table(dir, t) {
            for (col, v) in &row {
                assert!(!is_formula(v), "{t}.{col} = {v:?} is a live formula");
            }
        }
    }
}

// --- item 2: the formula guard, once, in the writer, for every table -------------------------

#[test]
fn formula_guard_is_the_same_in_every_table_without_models() {
    let tmp = tempfile::tempdir().unwrap();
    let input = hostile_jsonl(tmp.path());
    let out = tmp.path().join("out");
    let o = run(
        &[input.to_str().unwrap(), "--skip", "ner", "--skip", "stance"],
        &out,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_no_formula(&out);
    let articles = read_table(&out, "articles");
    let ids: BTreeSet<&str> = articles.iter().map(|a| a["article_id"].as_str()).collect();
    assert_eq!(ids, BTreeSet::from(["'=1+1", "'-2", "'@3"]));
    assert_eq!(articles[0]["outlet"], "'+972 Magazine");
    assert_eq!(articles[0]["title"], "'-minus");
    let quotes = read_table(&out, "quotes");
    assert!(quotes.iter().any(|q| q["article_id"] == "'=1+1"));
    for q in &quotes {
        assert!(ids.contains(q["article_id"].as_str()), "{q:?}");
    }
    let outlets = read_table(&out, "outlets");
    let names: BTreeSet<&str> = outlets.iter().map(|o| o["outlet"].as_str()).collect();
    assert_eq!(names, BTreeSet::from(["'+972 Magazine", "'=cmd|/C calc"]));
    let counts: HashMap<&str, &str> = outlets
        .iter()
        .map(|o| (o["outlet"].as_str(), o["articles"].as_str()))
        .collect();
    assert_eq!(counts["'+972 Magazine"], "2");
}

#[test]
fn formula_guard_keeps_every_join_with_models() {
    if !models_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = hostile_jsonl(tmp.path());
    let out = tmp.path().join("out");
    let o = run(&[input.to_str().unwrap(), "-j", "1"], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_no_formula(&out);
    let articles = read_table(&out, "articles");
    let ids: BTreeSet<String> = articles.iter().map(|a| a["article_id"].clone()).collect();
    let outlet_of: HashMap<String, String> = articles
        .iter()
        .map(|a| (a["article_id"].clone(), a["outlet"].clone()))
        .collect();
    // every per-article table carries the id exactly as articles.csv does
    for t in [
        "entities",
        "entity_counts",
        "quotes",
        "stance",
        "article_stance",
    ] {
        let rows = read_table(&out, t);
        assert!(
            rows.iter().any(|r| r["article_id"] == "'=1+1"),
            "{t}: no '=1+1 row"
        );
        for r in &rows {
            assert!(
                ids.contains(&r["article_id"]),
                "{t}: {:?} not in articles.csv",
                r["article_id"]
            );
        }
    }
    for r in read_table(&out, "article_stance") {
        assert_eq!(r["outlet"], outlet_of[&r["article_id"]]);
    }
    // speakers.csv joins stance.csv with articles.csv: no outlet may be lost
    let speakers = read_table(&out, "speakers");
    let with_speaker: BTreeSet<String> = read_table(&out, "stance")
        .iter()
        .filter(|s| s["unit"] == "quote" && !s["speaker_canonical"].is_empty())
        .map(|s| outlet_of[&s["article_id"]].clone())
        .collect();
    assert!(with_speaker.contains("'+972 Magazine"), "{with_speaker:?}");
    let speaker_outlets: BTreeSet<String> = speakers.iter().map(|s| s["outlet"].clone()).collect();
    assert_eq!(speaker_outlets, with_speaker);
    // a speaker named like a formula: guarded in speakers.csv, joined all the same
    let stance_path = out.join("stance.csv");
    let mut r = csv::Reader::from_path(&stance_path).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h == "speaker_canonical")
        .unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let mut w = csv::Writer::from_path(&stance_path).unwrap();
    w.write_record(&headers).unwrap();
    for rec in rows {
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == col && !c.is_empty() {
                    "'@home".to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
    let aggregate = newsmine::stance::aggregate::AggregateSettings {
        min_relevance: 0.35,
        params: newsmine::stance::aggregate::AggregateParams::default(),
    };
    newsmine::pipeline::run::write_aggregates(&out, Some(&aggregate)).unwrap();
    let speakers = read_table(&out, "speakers");
    assert!(
        speakers
            .iter()
            .any(|s| s["speaker_canonical"] == "'@home" && s["outlet"] == "'+972 Magazine"),
        "{speakers:?}"
    );
    assert_no_formula(&out);
}

// --- item 7: set-up errors exit 2 and name the flag -----------------------------------------

#[test]
fn setup_errors_exit_2_and_name_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = run(
        &[
            "tests/data/good/top.txt",
            "--skip",
            "ner",
            "--skip",
            "stance",
        ],
        &file,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));

    let out = tmp.path().join("out");
    let o = run(
        &[
            "tests/data/good/top.txt",
            "--skip",
            "ner",
            "--config",
            "/nonexistent/targets.toml",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--config"), "{}", stderr(&o));

    let o = run(&["tests/data/good/top.txt", "--batch", "0"], &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--batch"), "{}", stderr(&o));

    // a shard that has not finished (no run.json) cannot be merged
    let shard = tmp.path().join("shard");
    std::fs::create_dir_all(&shard).unwrap();
    let o = bin()
        .args(["merge"])
        .arg(&shard)
        .arg("--out")
        .arg(tmp.path().join("merged"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a finished run"), "{}", stderr(&o));

    // read-only --out (root can write anywhere: then there is nothing to test)
    let ro = tmp.path().join("ro");
    std::fs::create_dir_all(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "x").is_err() {
        let o = run(
            &[
                "tests/data/good/top.txt",
                "--skip",
                "ner",
                "--skip",
                "stance",
            ],
            &ro,
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

// --- item 8: a closed pipe is a quiet exit 0 --------------------------------------------------

#[test]
fn broken_pipe_is_a_quiet_exit_0() {
    let mut child = bin()
        .current_dir(root())
        .args(["run", "-", "-q", "--batch", "4"])
        .args(NO_MODELS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for i in 0..3000 {
            let line = serde_json::json!({"id": format!("a{i}"),
                "text": format!("\u{201c}We are ready for talks number {i},\u{201d} the minister said on Friday in the capital.")});
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("\"article_id\":\"a0\""), "{first}");
    drop(reader); // like `| head -1`
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("error"),
        "{err}"
    );
}

// --- item 12: the smaller cases ---------------------------------------------------------------

#[test]
fn odd_fields_delimiters_and_long_lines_are_error_rows_with_clear_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("fields.jsonl"),
        concat!(
            "{\"id\": {}, \"text\": \"An article with an object for an id.\"}\n",
            "{\"id\": \"ok1\", \"outlet\": [\"a\", \"b\"], \"text\": \"An article with a list for an outlet.\"}\n",
            "{\"id\": \"ok2\", \"text\": \"A good article.\"}\n",
        ),
    )
    .unwrap();
    std::fs::write(dir.join("semi.csv"), "id;title;text\n1;T;Some text here\n").unwrap();
    let long = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "long", "text": "word ".repeat(20_000)}),
        serde_json::json!({"id": "after", "text": "The record after the long line."})
    );
    std::fs::write(dir.join("long.jsonl"), long).unwrap();
    let out = tmp.path().join("out");
    let o = run(
        &[
            dir.to_str().unwrap(),
            "--max-article-bytes",
            "1000",
            "--skip",
            "ner",
            "--skip",
            "stance",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let errors = read_table(&out, "errors");
    let find = |source: &str, record: &str| {
        errors
            .iter()
            .find(|e| e["source"].ends_with(source) && e["record"] == record)
            .unwrap_or_else(|| panic!("no error for {source}:{record} in {errors:?}"))
    };
    assert!(find("fields.jsonl", "1")["message"].contains("`id` is an object"));
    assert!(find("fields.jsonl", "2")["message"].contains("`outlet` is an array"));
    let semi = find("semi.csv", "");
    assert!(semi["message"].contains("`;`-delimited"), "{semi:?}");
    let long = find("long.jsonl", "1");
    assert_eq!(long["kind"], "too_large");
    // the limit it names is the one the flag sets: 3 × 1000 + 65536
    assert!(
        long["message"].contains("68536") && long["message"].contains("--max-article-bytes 1000"),
        "{long:?}"
    );
    assert_eq!(errors.len(), 4, "{errors:?}");
    let ids: BTreeSet<String> = read_table(&out, "articles")
        .iter()
        .map(|a| a["article_id"].clone())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from(["ok2".to_string(), "after".to_string()])
    );

    // --batch 0 is refused, not silently 1
    let o = run(&[dir.to_str().unwrap(), "--batch", "0"], &out);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_unterminated_csv_quote_costs_only_its_own_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    // the quote pairs with a later one: the rows between must not be swallowed
    std::fs::write(
        dir.join("paired.csv"),
        "id,text\nc1,\"an unterminated text\nc2,a good row\nc3,\"a good, quoted row\"\nc4,\"two\nlines\"\n",
    )
    .unwrap();
    // the quote never closes
    std::fs::write(
        dir.join("open.csv"),
        "id,text\nd1,a good row\nd2,\"never closed\nd3,another good row\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(
        &[dir.to_str().unwrap(), "--skip", "ner", "--skip", "stance"],
        &out,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let articles = read_table(&out, "articles");
    let ids: BTreeSet<String> = articles.iter().map(|a| a["article_id"].clone()).collect();
    let want: BTreeSet<String> = ["c2", "c3", "c4", "d1", "d3"].map(String::from).into();
    assert_eq!(ids, want);
    let errors = read_table(&out, "errors");
    let rows: BTreeSet<(String, String)> = errors
        .iter()
        .map(|e| {
            (
                e["source"].rsplit('/').next().unwrap().to_string(),
                e["record"].clone(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [("paired.csv", "1"), ("open.csv", "2")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into();
    assert_eq!(rows, want, "{errors:?}");
    for e in &errors {
        assert_eq!(e["kind"], "malformed_csv");
        assert!(e["message"].contains("unterminated"), "{e:?}");
    }
    let c4 = articles.iter().find(|a| a["article_id"] == "c4").unwrap();
    assert_eq!(
        c4["n_chars"], "9",
        "a quoted field over two lines is one field"
    );
}

#[test]
fn offsets_of_a_bom_file_count_from_after_the_bom() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "Talks resume\n\n\u{201c}The peace treaty is close,\u{201d} the minister said.\n";
    let txt = tmp.path().join("bom.txt");
    std::fs::write(&txt, format!("\u{feff}{text}")).unwrap();
    let jsonl = tmp.path().join("bom.jsonl");
    std::fs::write(
        &jsonl,
        format!("\u{feff}{}\n", serde_json::json!({"id": "j", "text": text})),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(
        &[
            txt.to_str().unwrap(),
            jsonl.to_str().unwrap(),
            "--skip",
            "ner",
            "--skip",
            "stance",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let articles = read_table(&out, "articles");
    assert_eq!(articles.len(), 2);
    for a in &articles {
        assert_eq!(
            a["n_chars"],
            text.chars().count().to_string(),
            "the BOM is not a char of the text"
        );
    }
    let quotes = read_table(&out, "quotes");
    assert_eq!(quotes.len(), 2, "{quotes:?}");
    for q in &quotes {
        assert_eq!(slice(text, &q["start"], &q["end"]), cell(&q["text"]));
    }
}

#[test]
fn not_relevant_articles_have_empty_probabilities() {
    if !models_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("weather.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n",
            serde_json::json!({"id": "w", "text": "It was sunny in Lisbon on Sunday. \u{201c}A lovely day,\u{201d} a baker said."})
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(&[input.to_str().unwrap(), "--skip", "ner"], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a = &read_table(&out, "articles")[0];
    assert_eq!(a["stance"], "not_relevant");
    for p in ["p_favor", "p_against", "p_neutral"] {
        assert_eq!(a[p], "", "{p} must be empty for not_relevant");
    }
}

// --- item 5: duplicate ids --------------------------------------------------------------------

#[test]
fn duplicate_ids_keep_the_first_and_name_both_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.jsonl"),
        "{\"id\": \"x1\", \"text\": \"The first text.\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.jsonl"),
        "{\"id\": \"x1\", \"text\": \"Another text with the same id.\"}\n{\"id\": \"x2\", \"text\": \"A fine one.\"}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(
        &[dir.to_str().unwrap(), "--skip", "ner", "--skip", "stance"],
        &out,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let articles = read_table(&out, "articles");
    assert_eq!(articles.len(), 2);
    let first = articles.iter().find(|a| a["article_id"] == "x1").unwrap();
    assert!(first["source"].ends_with("a.jsonl:1"), "the first is kept");
    let errors = read_table(&out, "errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e["kind"], "duplicate_id");
    assert!(e["source"].ends_with("b.jsonl:1"), "{e:?}");
    assert!(
        e["message"].contains("a.jsonl:1") && e["message"].contains("x1"),
        "{e:?}"
    );
}

// --- item 4: an output folder inside the input tree -------------------------------------------

#[test]
fn folders_holding_a_run_are_skipped_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("wire")).unwrap();
    std::fs::copy(
        root().join("tests/data/good/top.txt"),
        dir.join("wire/top.txt"),
    )
    .unwrap();
    let old = dir.join("old-out");
    let o = run(
        &[dir.to_str().unwrap(), "--skip", "ner", "--skip", "stance"],
        &old,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // the second run reads in/ again, which now holds the first run's tables
    let out = tmp.path().join("out");
    let o = bin()
        .current_dir(root())
        .arg("run")
        .arg(&dir)
        .args(NO_MODELS)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipping") && stderr(&o).contains("old-out"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read_table(&out, "articles").len(), 1);
}

// --- item 6: texts.jsonl ----------------------------------------------------------------------

fn texts(dir: &Path) -> HashMap<String, (String, String)> {
    std::fs::read_to_string(dir.join("texts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["article_id"].as_str().unwrap().to_string(),
                (
                    v["source"].as_str().unwrap().to_string(),
                    v["text"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn texts_jsonl_holds_the_text_the_offsets_refer_to() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("page.html");
    std::fs::write(
        &page,
        "<html><head><title>Talks</title></head><body><nav>Home World</nav><article><h1>Talks</h1>\
         <p>The ministers met on Friday in Washington and agreed to continue the talks next month in a neutral country, officials said.</p>\
         <p>\u{201c}We are ready for a peace treaty,\u{201d} the minister said. Both sides would keep working on the border delimitation and transport links.</p>\
         <p>Analysts said the agreement was fragile but marked the most serious progress in years, with both governments under pressure.</p>\
         </article></body></html>",
    )
    .unwrap();
    let txt = root().join("tests/data/good/top.txt");
    let out = tmp.path().join("out");
    let o = run(
        &[
            page.to_str().unwrap(),
            txt.to_str().unwrap(),
            "--skip",
            "ner",
            "--skip",
            "stance",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = texts(&out);
    assert_eq!(
        t.len(),
        1,
        "only the HTML page: its text is not in the input as such"
    );
    let articles = read_table(&out, "articles");
    let html = articles
        .iter()
        .find(|a| a["source"].ends_with("page.html"))
        .unwrap();
    let (source, text) = &t[cell(&html["article_id"])];
    assert!(source.ends_with("page.html"));
    assert_eq!(html["n_chars"], text.chars().count().to_string());
    let quotes = read_table(&out, "quotes");
    let q: Vec<_> = quotes
        .iter()
        .filter(|q| q["article_id"] == html["article_id"])
        .collect();
    assert!(!q.is_empty(), "{quotes:?}");
    for q in q {
        assert_eq!(slice(text, &q["start"], &q["end"]), cell(&q["text"]));
    }
    // --write-text: every article
    let out2 = tmp.path().join("out2");
    let o = run(
        &[
            page.to_str().unwrap(),
            txt.to_str().unwrap(),
            "--write-text",
            "--skip",
            "ner",
            "--skip",
            "stance",
        ],
        &out2,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = texts(&out2);
    assert_eq!(t.len(), 2);
    let top = articles
        .iter()
        .find(|a| a["source"].ends_with("top.txt"))
        .unwrap();
    // top.txt opens with a byte-order mark, which is not part of the text (docs/SCHEMA.md)
    let file = std::fs::read_to_string(&txt).unwrap();
    assert_eq!(
        t[cell(&top["article_id"])].1,
        file.trim_start_matches('\u{feff}')
    );
}

// --- item 10: one article's failure touches that article only ---------------------------------

struct Poison;

impl newsmine::pipeline::Component for Poison {
    fn name(&self) -> &'static str {
        "poison"
    }
    fn assigns(&self) -> &'static [newsmine::component::Field] {
        &[]
    }
    fn process(&self, batch: &mut [newsmine::pipeline::Analysis]) -> newsmine::Result<()> {
        for a in batch.iter_mut() {
            a.article.title = "seen".into(); // a half-done batch must not leak
        }
        for a in batch.iter() {
            if a.article.text.contains("PANIC") {
                panic!("poisoned article");
            }
            if a.article.text.contains("ERROR") {
                return Err(newsmine::Error::Other("bad article".into()));
            }
        }
        Ok(())
    }
}

#[test]
fn one_failing_article_does_not_fail_its_batch() {
    let pipeline = newsmine::pipeline::Pipeline {
        text: Default::default(),
        components: vec![Box::new(Poison)],
    };
    let texts = [
        "A fine text.",
        "This one has PANIC in it.",
        "Fine too.",
        "An ERROR here.",
        "Last.",
    ];
    let articles = texts
        .iter()
        .map(|t| newsmine::corpus::Article {
            text: t.to_string(),
            ..Default::default()
        })
        .collect();
    let batch = pipeline.annotate(articles, &mut BTreeMap::new());
    assert_eq!(batch.len(), 5);
    for (a, t) in batch.iter().zip(texts) {
        let bad = t.contains("PANIC") || t.contains("ERROR");
        assert_eq!(!a.failures.is_empty(), bad, "{t}: {:?}", a.failures);
        if bad {
            assert_eq!(a.failures[0].stage, "poison");
            assert_eq!(
                a.article.title, "",
                "a failed article keeps its state from before"
            );
        } else {
            assert_eq!(a.article.title, "seen", "{t}");
            assert!(!a.doc.tokens.is_empty());
        }
    }
}

// --- item 3: resume by article id, refusing other settings ------------------------------------

/// Starts a run over `dir` and stdin, waits until `n` articles are checkpointed, and kills it
/// (stdin held open, so the run cannot finish on its own).
fn interrupted_run(dir: &Path, out: &Path, n: usize) {
    let mut child = bin()
        .current_dir(root())
        .arg("run")
        .arg(dir)
        .arg("-")
        .args(["--batch", "1", "-q"])
        .args(NO_MODELS)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ledger = out.join(".newsmine-ledger.jsonl");
    let start = Instant::now();
    loop {
        let lines = std::fs::read_to_string(&ledger)
            .map(|s| s.lines().count())
            .unwrap_or(0);
        if lines >= n && out.join(".newsmine-progress.json").is_file() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the run did not get going"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn resume(dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut child = bin()
        .current_dir(root())
        .arg("run")
        .arg(dir)
        .arg("-")
        .args(["--batch", "1", "-q", "--resume"])
        .args(NO_MODELS)
        .args(extra)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // stdin brings one more article, the same each time
    let mut stdin = child.stdin.take().unwrap();
    let record = serde_json::json!({"id": "s1", "title": "From stdin",
        "text": "\u{201c}We will talk again,\u{201d} the minister said on stdin."});
    writeln!(stdin, "{record}").unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn write_article(dir: &Path, name: &str, body: &str) {
    std::fs::write(
        dir.join(name),
        format!("{body}\n\n\u{201c}We will talk again,\u{201d} the minister said about {body}.\n"),
    )
    .unwrap();
}

#[test]
fn resume_knows_articles_by_id_and_refuses_other_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for n in ["b", "c", "d"] {
        write_article(&dir, &format!("{n}.txt"), &format!("Article {n}"));
    }
    let out = tmp.path().join("out");
    interrupted_run(&dir, &out, 3);
    assert!(
        !out.join("articles.csv").exists(),
        "an interrupted run has no finished table"
    );
    // a file added before the resume sorts first: counting records would lose one article
    write_article(&dir, "a.txt", "Article a");

    let o = resume(&dir, &out, &["--skip", "quotes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stages") && stderr(&o).contains("quotes"),
        "{}",
        stderr(&o)
    );
    let config = tmp.path().join("targets.toml");
    let mut toml = std::fs::read_to_string(root().join("corpus/targets.toml")).unwrap();
    toml.push_str("\n# edited\n");
    std::fs::write(&config, toml).unwrap();
    let o = resume(&dir, &out, &["--config", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--config"), "{}", stderr(&o));

    let o = resume(&dir, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let articles = read_table(&out, "articles");
    let titles: Vec<&str> = articles.iter().map(|a| a["title"].as_str()).collect();
    let unique: BTreeSet<&str> = titles.iter().copied().collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert_eq!(unique.len(), 5, "{titles:?}");
    let quotes = read_table(&out, "quotes");
    assert_eq!(quotes.len(), 5, "one quote per article, none twice");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["articles"], 5);

    let o = resume(&dir, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing to do"), "{}", stderr(&o));
    assert_eq!(read_table(&out, "articles").len(), 5);
}

// --- item 9: merge ----------------------------------------------------------------------------

fn peace_corpus(dir: &Path) -> PathBuf {
    let speakers = ["Nikol Pashinian", "Ilham Aliyev", "Antony Blinken"];
    let mut body = String::new();
    for i in 0..8 {
        let outlet = if i % 2 == 0 { "+972 Magazine" } else { "wire" };
        let who = speakers[i % 3];
        let text = format!(
            "Armenia and Azerbaijan held peace talks in round {i}. \u{201c}The peace treaty is within reach,\u{201d} {who} said. \
             The peace process between Armenia and Azerbaijan continues."
        );
        body.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": format!("p{i}"), "outlet": outlet, "text": text})
        ));
    }
    let path = dir.join("peace.jsonl");
    std::fs::write(&path, body).unwrap();
    path
}

fn merge(dirs: &[&Path], out: &Path) -> Output {
    bin()
        .current_dir(root())
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn merge_equals_the_single_run_and_refuses_bad_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let input = peace_corpus(tmp.path());
    let input = input.to_str().unwrap();
    // with the stance model the aggregates have intervals to compare; else only counts
    let stages: &[&str] = if models_present() {
        &["--skip", "ner", "-j", "1"]
    } else {
        &NO_MODELS
    };
    let config = tmp.path().join("targets.toml");
    let toml = std::fs::read_to_string(root().join("corpus/targets.toml"))
        .unwrap()
        .replace("seed = 20251127", "seed = 7");
    std::fs::write(&config, toml).unwrap();
    let config = config.to_str().unwrap();
    let single = tmp.path().join("single");
    let s0 = tmp.path().join("s0");
    let s1 = tmp.path().join("s1");
    for (out, shard) in [(&single, None), (&s0, Some("0/2")), (&s1, Some("1/2"))] {
        let mut args = vec![input, "--config", config];
        args.extend(stages);
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        let o = run(&args, out);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let merged = tmp.path().join("merged");
    let o = merge(&[&s0, &s1], &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // no --config given: the shards' own configuration (bootstrap seed 7) is used
    for t in ["outlets", "speakers"] {
        let a = std::fs::read_to_string(single.join(format!("{t}.csv"))).unwrap();
        let b = std::fs::read_to_string(merged.join(format!("{t}.csv"))).unwrap();
        assert_eq!(a, b, "{t}.csv differs from the single run");
    }
    for t in ["articles", "quotes", "stance", "article_stance"] {
        // quotes.csv ends with the quote model's confidence, whose last digits depend on the
        // batch a statement was scored in (README, reproducibility): compared to 0.01
        let sorted = |d: &Path| {
            let mut v: Vec<(String, f64)> = std::fs::read_to_string(d.join(format!("{t}.csv")))
                .unwrap()
                .lines()
                .map(|l| match (t, l.rsplit_once(',')) {
                    ("quotes", Some((rest, c))) => (rest.to_string(), c.parse().unwrap_or(-1.0)),
                    _ => (l.to_string(), 0.0),
                })
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let (a, b) = (sorted(&single), sorted(&merged));
        assert_eq!(a.len(), b.len(), "{t}.csv rows differ");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.0, y.0, "{t}.csv rows differ");
            assert!((x.1 - y.1).abs() < 0.01, "{t}.csv: {x:?} vs {y:?}");
        }
    }
    // the same shard twice, under another name
    let copy = tmp.path().join("s0-copy");
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&s0).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let o = merge(&[&s0, &s1, &copy], &tmp.path().join("m2"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("same shard"), "{}", stderr(&o));
    let o = merge(&[&s0, &s0], &tmp.path().join("m3"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // a shard run with other settings
    let other = tmp.path().join("other");
    let mut args = vec![
        input, "--config", config, "--shard", "1/2", "--skip", "quotes",
    ];
    args.extend(stages);
    let o = run(&args, &other);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = merge(&[&s0, &other], &tmp.path().join("m4"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("other settings"), "{}", stderr(&o));
}

// --- item 11: cost per word does not depend on line length ------------------------------------

/// Model calls and padded word pieces for sentences of `words` words (about 1.3 pieces a word
/// plus [CLS] and [SEP]), 120,000 words in all, as the NER stage plans them.
fn ner_cost(words: usize) -> (usize, usize) {
    let n = 120_000 / words;
    let lens = vec![words * 13 / 10 + 2; n];
    let config = newsmine::ner::NerConfig::default();
    let calls = newsmine::ner::model::plan_batches(
        &lens,
        config.batch_size,
        newsmine::ner::model::TOKENS_PER_CALL,
    );
    let padded = calls
        .iter()
        .map(|r| lens[r.clone()].iter().max().unwrap() * r.len())
        .sum();
    (calls.len(), padded)
}

#[test]
fn cost_per_word_does_not_depend_on_line_length() {
    // 20,000 one-line paragraphs of 6 words against ordinary 25-word sentences and long ones
    let (short_calls, short_pieces) = ner_cost(6);
    let (news_calls, news_pieces) = ner_cost(25);
    let (long_calls, _) = ner_cost(120);
    // a model call has a fixed cost: short lines must not need many more calls per word
    assert!(
        short_calls <= news_calls * 2,
        "short lines: {short_calls} calls, news sentences: {news_calls}"
    );
    assert!(
        short_calls <= long_calls * 4,
        "{short_calls} vs {long_calls}"
    );
    // and only their [CLS]/[SEP] pieces more to compute
    assert!(
        (short_pieces as f64) < news_pieces as f64 * 1.4,
        "{short_pieces} vs {news_pieces}"
    );
}

// --- everything at once -----------------------------------------------------------------------

#[test]
fn a_folder_of_every_broken_kind_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    let w = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    let good = |i: usize| {
        format!(
            "Armenia and Azerbaijan held peace talks, round {i}. \u{201c}The peace treaty is close,\u{201d} Nikol Pashinian said in round {i}."
        )
    };
    // good articles: (file, id or None for a content id)
    w(
        "wire/one.txt",
        format!("Title one\n\n{}", good(1)).as_bytes(),
    );
    w(
        "wire/bom.txt",
        format!("\u{feff}Title bom\n\n{}", good(2)).as_bytes(),
    );
    w(
        "wire/latin.txt",
        format!("Caf\u{e9}\n\n{}", good(3)).as_bytes(),
    );
    let mut bad_utf8 = format!("Bad bytes\n\n{}", good(4)).into_bytes();
    bad_utf8.extend(b" caf\xE9.");
    w("wire/bad_utf8.txt", &bad_utf8); // processed, with a warning row
    let jsonl = [
        serde_json::json!({"id": "=1+1", "outlet": "+972 Magazine", "text": good(5)}).to_string(),
        "{\"id\": \"broken\", \"text\": \"no end".to_string(),
        serde_json::json!({"id": "notext"}).to_string(),
        serde_json::json!({"id": {}, "text": good(6)}).to_string(),
        serde_json::json!({"id": "=1+1", "text": good(7)}).to_string(),
        serde_json::json!({"id": "big", "text": "word ".repeat(3000)}).to_string(),
        serde_json::json!({"id": "@ok", "outlet": "=cmd|/C calc", "text": good(8)}).to_string(),
    ]
    .join("\n");
    w("feed/a.jsonl", jsonl.as_bytes());
    w("feed/semi.csv", b"id;text\n1;some text\n");
    w(
        "feed/rows.csv",
        format!("id,text\nc1,\"{}\"\nc2,x,extra\n", good(9)).as_bytes(),
    );
    w(
        "feed/quote.csv",
        format!("id,text\nq1,\"never closed\nq2,\"{}\"\n", good(10)).as_bytes(),
    );
    w(
        "feed/page.html",
        format!(
            "<html><head><title>Page</title></head><body><nav>Home</nav><article><h1>Page</h1>\
             <p>{}</p><p>The ministers met on Friday in Washington and agreed to continue the talks \
             next month in a neutral country, officials said on Saturday.</p></article></body></html>",
            good(11)
        )
        .as_bytes(),
    );
    w("feed/blank.html", b"<html><body></body></html>");
    w("feed/binary.txt", b"\x00\x01\x02binary\x00");
    w("feed/empty.txt", b"");
    w("feed/archive.txt.gz", b"\x1f\x8b\x08\x00");
    w("feed/empty.jsonl", b"\n\n");
    w("old-run/run.json", b"{}");
    w("old-run/articles.csv", b"article_id\nfake\n");
    w(
        "old-run/quotes.csv",
        b"article_id,text\nfake,\"fake quote\"\n",
    );
    let out = tmp.path().join("out");
    let stages: &[&str] = if models_present() {
        &["-j", "1"]
    } else {
        &NO_MODELS
    };
    let mut args = vec![dir.to_str().unwrap(), "--max-article-bytes", "10000"];
    args.extend(stages);
    let o = run(&args, &out);
    let code = o.status.code();
    assert_eq!(code, Some(1), "{}", stderr(&o));

    let errors = read_table(&out, "errors");
    let mut kinds: Vec<(String, String, String)> = errors
        .iter()
        .map(|e| {
            let file = Path::new(e["source"].split(':').next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            // a page without text: `html` (no article found) or `empty`, by the extractor
            let kind = match (file.as_str(), e["kind"].as_str()) {
                ("blank.html", "html" | "empty") => "no_text".to_string(),
                _ => e["kind"].clone(),
            };
            (file, e["record"].clone(), kind)
        })
        .collect();
    kinds.sort();
    let expected: Vec<(String, String, String)> = [
        ("a.jsonl", "2", "malformed_json"),
        ("a.jsonl", "3", "missing_text"),
        ("a.jsonl", "4", "malformed_json"),
        ("a.jsonl", "", "duplicate_id"),
        ("a.jsonl", "6", "too_large"),
        ("archive.txt.gz", "", "unsupported"),
        ("bad_utf8.txt", "", "warning"),
        ("binary.txt", "", "binary"),
        ("blank.html", "", "no_text"),
        ("empty.jsonl", "", "empty"),
        ("empty.txt", "", "empty"),
        ("quote.csv", "1", "malformed_csv"),
        ("rows.csv", "2", "malformed_csv"),
        ("semi.csv", "", "missing_text"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect::<BTreeSet<_>>()
    .into_iter()
    .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(kinds, expected, "one error row per bad record");
    assert!(errors.iter().all(|e| !e["message"].is_empty()));

    let articles = read_table(&out, "articles");
    assert_eq!(
        articles.len(),
        9,
        "{:?}",
        articles.iter().map(|a| &a["source"]).collect::<Vec<_>>()
    );
    assert!(!articles.iter().any(|a| a["source"].contains("old-run")));
    let ids: BTreeSet<String> = articles.iter().map(|a| a["article_id"].clone()).collect();
    assert_eq!(ids.len(), 9, "ids are unique");
    // the page's extracted text is written out, and its offsets slice it
    let texts = texts(&out);
    let page = articles
        .iter()
        .find(|a| a["source"].ends_with("page.html"))
        .unwrap();
    let text = &texts[cell(&page["article_id"])].1;
    for q in read_table(&out, "quotes") {
        if q["article_id"] == page["article_id"] {
            assert_eq!(slice(text, &q["start"], &q["end"]), cell(&q["text"]));
        }
    }
    assert!(ids.contains("'=1+1") && ids.contains("'@ok"));
    // every good article is in every per-article table, and every id there joins articles.csv
    let mut tables = vec!["quotes", "entity_counts"];
    if models_present() {
        tables.extend(["entities", "stance", "article_stance"]);
    }
    for t in tables {
        let rows = read_table(&out, t);
        let seen: BTreeSet<String> = rows.iter().map(|r| r["article_id"].clone()).collect();
        if t != "entity_counts" || models_present() {
            assert_eq!(seen, ids, "{t}: not every article is there");
        }
        assert!(seen.is_subset(&ids), "{t}");
    }
    for e in &errors {
        if !e["article_id"].is_empty() {
            assert!(ids.contains(&e["article_id"]), "{e:?}");
        }
    }
    let outlets: BTreeSet<String> = articles.iter().map(|a| a["outlet"].clone()).collect();
    let listed: BTreeSet<String> = read_table(&out, "outlets")
        .iter()
        .map(|o| o["outlet"].clone())
        .collect();
    assert_eq!(outlets, listed);
    for s in read_table(&out, "speakers") {
        assert!(outlets.contains(&s["outlet"]), "{s:?}");
    }
    assert_no_formula(&out);
}
