//! Cleaning and segmentation on the seed article and on hand-made texts.
use newsmine_core::text::{analyse, CharIndex, Doc, Span, TextConfig};
use std::path::Path;
use std::time::{Duration, Instant};

fn seed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("corpus/rferl/rferl-russia-trilateral-agreements.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn slices(doc: &Doc, spans: impl Iterator<Item = Span>) -> Vec<String> {
    spans.map(|s| doc.slice(s).to_owned()).collect()
}

fn sentences(text: &str) -> Vec<String> {
    let doc = analyse(text, &TextConfig::default());
    slices(&doc, doc.sentences.iter().map(|s| s.span))
}

fn tokens(text: &str) -> Vec<String> {
    let doc = analyse(text, &TextConfig::default());
    slices(&doc, doc.tokens.iter().map(|t| t.span))
}

/// Every invariant the later stages rely on.
fn check_invariants(text: &str, doc: &Doc) {
    assert_eq!(doc.text(), text, "the Doc's text is the text given");
    assert_eq!(doc.chars().len(), text.chars().count());
    let trimmed = |s: &str| !s.is_empty() && s.trim() == s;
    for p in &doc.paragraphs {
        assert!(trimmed(doc.slice(*p)), "paragraph {p:?}");
    }
    for (i, s) in doc.sentences.iter().enumerate() {
        assert!(trimmed(doc.slice(s.span)), "sentence {s:?}");
        assert!(
            doc.paragraphs[s.paragraph].contains(&s.span),
            "sentence {i} outside its paragraph"
        );
        let toks = doc.sentence_tokens(i);
        assert!(!toks.is_empty(), "sentence {i} has no tokens");
        assert_eq!(
            (toks[0].span.start, toks[toks.len() - 1].span.end),
            (s.span.start, s.span.end)
        );
    }
    for t in &doc.tokens {
        assert!(trimmed(doc.slice(t.span)), "token {t:?}");
        // skipped spans are sorted: only the first one ending after the token can overlap it
        let k = doc.skipped.partition_point(|(s, _)| s.end <= t.span.start);
        assert!(
            doc.skipped.get(k).is_none_or(|(s, _)| !s.overlaps(&t.span)),
            "token {t:?} in junk"
        );
    }
    let sorted = |spans: Vec<Span>| spans.windows(2).all(|w| w[0].end <= w[1].start);
    assert!(sorted(doc.paragraphs.clone()));
    assert!(sorted(doc.sentences.iter().map(|s| s.span).collect()));
    assert!(sorted(doc.tokens.iter().map(|t| t.span).collect()));
    assert!(doc
        .sentences
        .windows(2)
        .all(|w| w[0].paragraph <= w[1].paragraph));
}

#[test]
fn seed_article_junk_is_skipped() {
    let text = seed();
    let doc = analyse(&text, &TextConfig::default());
    let junk: Vec<(String, &str)> = doc
        .skipped
        .iter()
        .map(|(s, r)| (doc.slice(*s).to_owned(), *r))
        .collect();
    let caption = "A view of the Russian Foreign Ministry building in Moscow (file photo)";
    assert_eq!(
        junk,
        [
            ("Մատչելիության հղումներ".to_owned(), "foreign_script_nav"),
            (caption.to_owned(), "repeated_line"),
            ("XS".to_owned(), "size_picker"),
            ("SM".to_owned(), "size_picker"),
            ("MD".to_owned(), "size_picker"),
            ("LG".to_owned(), "size_picker"),
        ]
    );
    // the second copy of the caption is the skipped one
    let first_caption = text.find(caption).map(|b| doc.chars().char_of_byte(b));
    assert!(first_caption.is_some_and(|c| c < doc.skipped[1].0.start));
    check_invariants(&text, &doc);
}

#[test]
fn seed_article_paragraphs_and_sentences() {
    let text = seed();
    let doc = analyse(&text, &TextConfig::default());
    let paragraphs = slices(&doc, doc.paragraphs.iter().copied());
    assert_eq!(paragraphs.len(), 13, "{paragraphs:#?}");
    assert_eq!(
        paragraphs[0],
        "Russia Says Trilateral Agreements With Armenia, Azerbaijan ‘Still Valid’"
    );
    assert_eq!(
        paragraphs[1],
        "A view of the Russian Foreign Ministry building in Moscow (file photo)"
    );
    assert!(paragraphs[12].ends_with("Iran, and Türkiye."));

    let sentences = slices(&doc, doc.sentences.iter().map(|s| s.span));
    let trump = "In August 2025, Armenian Prime Minister Nikol Pashinian and Azerbaijani President Ilham \
                 Aliyev witnessed their foreign ministers initial a peace agreement at the White House in \
                 Washington in the presence of U.S. President Donald Trump.";
    assert!(sentences.iter().any(|s| s == trump), "{sentences:#?}");
    assert!(sentences
        .iter()
        .any(|s| s.ends_with("at the cost of our soldiers’ lives.”")));
    assert!(sentences.contains(&"“The agreements remain valid and relevant.".to_owned()));
    assert_eq!(sentences.len(), 21);
    assert!(sentences
        .iter()
        .all(|s| !s.contains("XS") && !s.contains("հղումներ")));
}

#[test]
fn unclean_analysis_keeps_everything() {
    let text = seed();
    let doc = analyse(&text, &TextConfig { clean: false });
    assert!(doc.skipped.is_empty());
    // back: the navigation line, the size lines (one paragraph each) and the doubled caption, which
    // reads as one hard-wrapped paragraph of two lines
    assert_eq!(doc.paragraphs.len(), 18);
    check_invariants(&text, &doc);
}

#[test]
fn multibyte_offsets_are_exact() {
    let text = "Հայաստան said: “We agree.” 🇦🇲👍🏽 Moscow’s reply came later.\n\nՊաշտոնական 😀 end.";
    let doc = analyse(text, &TextConfig::default());
    check_invariants(text, &doc);
    let chars: Vec<char> = text.chars().collect();
    for t in &doc.tokens {
        let by_chars: String = chars[t.span.start..t.span.end].iter().collect();
        assert_eq!(doc.slice(t.span), by_chars);
    }
    let toks = slices(&doc, doc.tokens.iter().map(|t| t.span));
    assert_eq!(
        toks,
        [
            "Հայաստան",
            "said",
            ":",
            "“",
            "We",
            "agree",
            ".",
            "”",
            "🇦🇲",
            "👍🏽",
            "Moscow",
            "’s",
            "reply",
            "came",
            "later",
            ".",
            "Պաշտոնական",
            "😀",
            "end",
            "."
        ]
    );
    // "Հայաստան" is 8 chars (16 bytes): offsets are in chars
    assert_eq!(doc.tokens[0].span, Span::new(0, 8));
    assert_eq!(doc.tokens[1].span, Span::new(9, 13));
    let sentences = slices(&doc, doc.sentences.iter().map(|s| s.span));
    assert_eq!(
        sentences,
        [
            "Հայաստան said: “We agree.”",
            "🇦🇲👍🏽 Moscow’s reply came later.",
            "Պաշտոնական 😀 end."
        ]
    );
    assert_eq!(doc.sentences[2].paragraph, 1);
}

#[test]
fn abbreviations_and_initials() {
    let text = "Mr. Smith and Dr. Jones met Gen. Lee, Sen. Brown and J. R. R. Tolkien’s heirs on Jan. 5 at \
                10 a.m. at St. Mary’s, Acme Inc. and Widget Corp. said. Prices rose 3.5 percent vs. 2.1 in \
                the U.K., etc. The U.S. economy grew. Then it slowed... But not much.";
    assert_eq!(
        sentences(text),
        [
            "Mr. Smith and Dr. Jones met Gen. Lee, Sen. Brown and J. R. R. Tolkien’s heirs on Jan. 5 at 10 \
             a.m. at St. Mary’s, Acme Inc. and Widget Corp. said.",
            "Prices rose 3.5 percent vs. 2.1 in the U.K., etc.",
            "The U.S. economy grew.",
            "Then it slowed...",
            "But not much.",
        ]
    );
    let toks = tokens("Mr. Trump’s U.S.-Russia talks, 3,000 troops.");
    assert_eq!(
        toks,
        [
            "Mr.",
            "Trump",
            "’s",
            "U.S.-Russia",
            "talks",
            ",",
            "3,000",
            "troops",
            "."
        ]
    );
}

#[test]
fn quotes_and_sentence_ends() {
    let text =
        "“It is over,” he said. “Really?” she asked. He said it was “a roadmap.” Later he left.";
    assert_eq!(
        sentences(text),
        [
            "“It is over,” he said.",
            "“Really?” she asked.",
            "He said it was “a roadmap.”",
            "Later he left."
        ]
    );
}

#[test]
fn one_paragraph_per_line_and_hard_wrapped_text() {
    let per_line =
        "Headline Without Stop\nFirst paragraph on one line, as scrapers write it.\nSecond one.";
    let doc = analyse(per_line, &TextConfig::default());
    assert_eq!(doc.paragraphs.len(), 3);

    let wrapped = "This paragraph was wrapped at a fixed width by an old mail client so\n\
                   that every line is about as long as the others and runs on into the\n\
                   next one without a blank line.\n\nA second paragraph follows.";
    let doc = analyse(wrapped, &TextConfig::default());
    assert_eq!(doc.paragraphs.len(), 2);
    assert_eq!(doc.sentences.len(), 2);
}

fn timed(text: &str) -> (Doc, Duration) {
    let start = Instant::now();
    let doc = analyse(text, &TextConfig::default());
    (doc, start.elapsed())
}

#[test]
fn one_megabyte_runs_fast() {
    let text = seed();
    let big = text.repeat(1_000_000 / text.len() + 1);
    let (doc, elapsed) = timed(&big);
    assert!(doc.sentences.len() > 5000);
    check_invariants(&big, &doc);
    // linear and quick: a few ms in release; generous for debug builds and busy machines
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn pathological_inputs_stay_linear() {
    // ~100k chars each: quadratic behaviour would take minutes, linear takes milliseconds
    let cases = [
        ".".repeat(100_000),
        "a".repeat(100_000),
        "U.S. ".repeat(20_000),
        "A.-".repeat(30_000),
        "’s".repeat(50_000),
        "\n".repeat(100_000),
        "- item\n".repeat(15_000),
        "“".repeat(100_000),
        "No. ".repeat(25_000) + &" ".repeat(50_000),
        "👨\u{200D}".repeat(50_000),
    ];
    for text in &cases {
        let (doc, elapsed) = timed(text);
        check_invariants(text, &doc);
        assert!(
            elapsed < Duration::from_secs(5),
            "{:?}…: {elapsed:?}",
            &text.chars().take(10).collect::<String>()
        );
    }
}

#[test]
fn char_index_round_trip_on_skipped_spans() {
    let text = seed();
    let chars = CharIndex::new(&text);
    let doc = analyse(&text, &TextConfig::default());
    for (span, _) in &doc.skipped {
        let s = chars.slice(&text, *span);
        assert!(!s.is_empty() && s.trim() == s && !s.contains('\n'));
    }
}
