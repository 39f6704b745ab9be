//! Reading inputs: good files become articles, each bad record becomes exactly one error, and
//! reading goes on.
use newsmine_core::corpus::{
    content_id, read_inputs, Article, Format, InputError, InputErrorKind, ReadOptions,
};
use std::fs;
use std::path::{Path, PathBuf};

fn data(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("tests/data")
        .join(dir)
}

fn read(paths: &[PathBuf], opts: &ReadOptions) -> (Vec<Article>, Vec<InputError>) {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for record in read_inputs(paths, opts) {
        match record {
            Ok(a) => articles.push(a),
            Err(e) => errors.push(e),
        }
    }
    (articles, errors)
}

/// The path of `source` relative to the test data folder, with `/` separators.
fn rel(source: &str) -> String {
    let base = data("").display().to_string();
    match source.strip_prefix(&base) {
        Some(rest) => rest.trim_start_matches(['/', '\\']).replace('\\', "/"),
        None => source.to_owned(),
    }
}

fn kinds(errors: &[InputError]) -> Vec<(String, String, String)> {
    errors
        .iter()
        .map(|e| {
            (
                rel(&e.source),
                e.record.clone(),
                e.kind.as_str().to_string(),
            )
        })
        .collect()
}

#[test]
fn good_folder_reads_in_sorted_order_with_outlets_and_ids() {
    let (articles, errors) = read(&[data("good")], &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:#?}");
    let sources: Vec<String> = articles.iter().map(|a| rel(&a.source)).collect();
    assert_eq!(
        sources,
        [
            "good/outlet_a/nested/two.txt",
            "good/outlet_a/one.txt",
            "good/outlet_b/feed.jsonl:1",
            "good/outlet_b/feed.jsonl:2",
            "good/outlet_b/page.html",
            "good/outlet_b/table.csv:1",
            "good/top.txt",
        ]
    );
    let indexes: Vec<u64> = articles.iter().map(|a| a.index).collect();
    assert_eq!(indexes, [0, 1, 2, 3, 4, 5, 6]);

    let outlets: Vec<&str> = articles.iter().map(|a| a.outlet.as_str()).collect();
    assert_eq!(
        outlets,
        [
            "outlet_a",
            "outlet_a",
            "Wire Service",
            "outlet_b",
            "outlet_b",
            "Table Times",
            ""
        ]
    );

    let [two, one, feed1, feed2, page, table, top] = &articles[..] else {
        panic!("7 articles")
    };
    assert_eq!(two.title, "Second Story Title");
    assert_eq!(one.title, "Talks Resume In Geneva");
    assert!(
        one.text.starts_with("Talks Resume In Geneva\n\nDiplomats"),
        "txt text is the whole file"
    );
    assert_eq!(one.id, content_id(&one.text));

    assert_eq!(feed1.id, "feed-1");
    assert_eq!(
        (feed1.published.as_str(), feed1.title.as_str()),
        ("2025-11-07", "Ministers meet")
    );
    assert_eq!(feed1.url, "https://example.org/a");
    assert_eq!(feed2.id, content_id(&feed2.text));
    assert_eq!(feed2.id.len(), 16);

    assert!(
        page.title.contains("Bridge reopens after repairs"),
        "{:?}",
        page.title
    );
    let paragraphs: Vec<&str> = page.text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 3, "{:?}", page.text);
    assert!(paragraphs[0].starts_with("The city's main bridge reopened on Saturday"));
    assert!(!page.text.contains("Home") && !page.text.contains("Share"));

    assert_eq!(
        (table.id.as_str(), table.published.as_str()),
        ("row-1", "2024-03-01")
    );
    assert_eq!(
        table.text,
        "Officials said, in a statement, that the bridge would reopen."
    );

    assert!(
        top.text.starts_with("A Top-Level Story"),
        "the byte-order mark is dropped"
    );
    assert_eq!(top.title, "A Top-Level Story");
    assert!(articles.iter().all(|a| a.warnings.is_empty()));
}

#[test]
fn reading_is_deterministic() {
    let first = read(&[data("good"), data("broken")], &ReadOptions::default());
    let second = read(&[data("good"), data("broken")], &ReadOptions::default());
    assert_eq!(first, second);
}

#[test]
fn broken_folder_gives_one_error_per_bad_record() {
    let (articles, errors) = read(&[data("broken")], &ReadOptions::default());
    assert_eq!(
        kinds(&errors),
        [
            ("broken/archive.txt.gz", "", "unsupported"),
            ("broken/binary.txt", "", "binary"),
            ("broken/empty.txt", "", "empty"),
            ("broken/mixed.jsonl", "2", "malformed_json"),
            ("broken/mixed.jsonl", "5", "missing_text"),
            ("broken/mixed.jsonl", "6", "malformed_json"),
            ("broken/mixed.jsonl", "7", "empty"),
            ("broken/mixed.jsonl", "8", "missing_text"),
            ("broken/no_text_column.csv", "", "missing_text"),
            ("broken/rows.csv", "2", "missing_text"),
            ("broken/rows.csv", "3", "malformed_csv"),
            ("broken/whitespace.txt", "", "empty"),
        ]
        .map(|(s, r, k)| (s.to_owned(), r.to_owned(), k.to_owned()))
    );
    assert!(errors.iter().all(|e| !e.message.is_empty()));

    let sources: Vec<String> = articles.iter().map(|a| rel(&a.source)).collect();
    assert_eq!(
        sources,
        [
            "broken/invalid_utf8.txt",
            "broken/latin1.jsonl:1",
            "broken/mixed.jsonl:1",
            "broken/mixed.jsonl:4",
            "broken/rows.csv:1",
            "broken/rows.csv:4"
        ]
    );
    // indexes count articles only, not errors
    assert_eq!(
        articles.iter().map(|a| a.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );

    let lossy = &articles[0];
    assert_eq!(
        lossy.warnings.len(),
        1,
        "invalid UTF-8 is a warning, not an error"
    );
    assert!(lossy.text.starts_with("Caf\u{FFFD} owners"));
    assert_eq!(lossy.title, "Caf\u{FFFD} owners protested on Monday.");
    let latin1 = &articles[1];
    assert_eq!(latin1.text, "Caf\u{FFFD} society, in Latin-1.");
    assert_eq!(latin1.warnings.len(), 1);

    let polnear = &articles[3];
    assert_eq!(
        (polnear.outlet.as_str(), polnear.published.as_str()),
        ("polnear", "2016-05-01")
    );
    assert_eq!(
        articles[5].text,
        "A quoted text\nover two lines, with a comma."
    );
}

#[test]
fn malformed_json_error_carries_the_serde_message() {
    let (_, errors) = read(&[data("broken/mixed.jsonl")], &ReadOptions::default());
    let e = &errors[0];
    assert_eq!(e.kind, InputErrorKind::MalformedJson);
    assert!(
        e.message.contains("EOF") || e.message.contains("line 1"),
        "{}",
        e.message
    );
}

#[test]
fn eleven_megabyte_article_is_too_large() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.txt");
    let line = "The ministry said the agreements remain valid and relevant to the process.\n";
    fs::write(&big, line.repeat(11 * 1024 * 1024 / line.len() + 1)).expect("write");
    fs::write(dir.path().join("small.txt"), "A small story.\n").expect("write");

    let (articles, errors) = read(&[dir.path().to_path_buf()], &ReadOptions::default());
    assert_eq!(articles.len(), 1, "the small file is still read");
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(e.kind, InputErrorKind::TooLarge);
    let size = fs::metadata(&big).expect("metadata").len().to_string();
    assert!(
        e.message.contains(&size) && e.message.contains("5000000"),
        "{}",
        e.message
    );
    assert!(e.message.contains("--max-article-bytes"), "{}", e.message);

    let opts = ReadOptions {
        max_bytes: 20_000_000,
        ..ReadOptions::default()
    };
    let (articles, errors) = read(&[big], &opts);
    assert!(
        errors.is_empty() && articles.len() == 1,
        "a higher limit lets it through"
    );
}

#[test]
fn overlong_jsonl_line_is_skipped_without_losing_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.jsonl");
    let long = "word ".repeat(200_000);
    let lines = [
        r#"{"text": "Before the long line."}"#.to_owned(),
        format!(r#"{{"text": "{long}"}}"#),
        r#"{"text": "After the long line."}"#.to_owned(),
    ];
    fs::write(&path, lines.join("\n")).expect("write");
    let opts = ReadOptions {
        max_bytes: 1000,
        ..ReadOptions::default()
    };
    let (articles, errors) = read(&[path], &opts);
    assert_eq!(
        articles.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
        ["Before the long line.", "After the long line."]
    );
    assert_eq!(
        kinds(&errors)
            .iter()
            .map(|(_, r, k)| (r.as_str(), k.as_str()))
            .collect::<Vec<_>>(),
        [("2", "too_large")]
    );
}

#[test]
fn large_jsonl_streams_record_by_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("many.jsonl");
    let mut body = String::new();
    for i in 0..20_000 {
        body.push_str(&format!(
            "{{\"id\": \"a{i}\", \"text\": \"Article number {i} is here.\"}}\n"
        ));
    }
    fs::write(&path, body).expect("write");
    let mut records = read_inputs(&[path], &ReadOptions::default());
    let first = records.next().and_then(Result::ok).expect("first record");
    assert_eq!((first.id.as_str(), first.index), ("a0", 0));
    let rest: Vec<_> = records.collect();
    assert_eq!(rest.len(), 19_999);
    assert!(rest.iter().all(Result::is_ok));
}

#[test]
fn named_files_options_and_missing_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notes = dir.path().join("story.dat");
    fs::write(&notes, "A Story Without Extension\n\nIt is read as text.\n").expect("write");
    let feed = dir.path().join("feed.dump");
    fs::write(&feed, "{\"text\": \"Forced to JSONL.\"}\n").expect("write");
    let missing = dir.path().join("missing.txt");

    let opts = ReadOptions {
        outlet: Some("cli-outlet".into()),
        ..ReadOptions::default()
    };
    let (articles, errors) = read(
        &[
            notes.clone(),
            missing.clone(),
            data("good/outlet_b/feed.jsonl"),
        ],
        &opts,
    );
    assert_eq!(articles.len(), 3);
    assert_eq!(articles[0].title, "A Story Without Extension");
    assert_eq!(articles[0].outlet, "cli-outlet");
    assert_eq!(
        articles[1].outlet, "Wire Service",
        "the record's own outlet wins"
    );
    assert_eq!(
        articles[2].outlet, "cli-outlet",
        "--outlet wins over the folder name"
    );
    assert_eq!(
        kinds(&errors),
        [(
            missing.display().to_string(),
            String::new(),
            "io".to_owned()
        )]
    );

    let opts = ReadOptions {
        format: Some(Format::Jsonl),
        ..ReadOptions::default()
    };
    let (articles, errors) = read(&[feed], &opts);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(articles[0].text, "Forced to JSONL.");
}

#[test]
fn the_reader_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let records = read_inputs(&[data("good")], &ReadOptions::default());
    assert_send(&records);
    let handle = std::thread::spawn(move || records.count());
    assert_eq!(handle.join().ok(), Some(7));
}

#[test]
fn seed_article_reads_with_a_clean_title() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("corpus");
    let (articles, errors) = read(&[corpus], &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let seed = articles
        .iter()
        .find(|a| a.source.ends_with("rferl-russia-trilateral-agreements.txt"));
    let seed = seed.expect("the seed article is in corpus/rferl");
    assert_eq!(seed.outlet, "rferl");
    assert_eq!(
        seed.title,
        "Russia Says Trilateral Agreements With Armenia, Azerbaijan ‘Still Valid’"
    );
    assert!(
        seed.text.starts_with("Մատչելիության"),
        "the text is kept as given"
    );
}
