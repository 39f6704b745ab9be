//! The quotes stage end to end: quotation styles and kinds, attribution, speaker resolution,
//! robustness, and (when the shared data is there) the PolNeAR dev scores.
use newsmine::corpus::Article;
use newsmine::eval::quotes::{load_polnear, score, GoldArticle, GoldQuote};
use newsmine::ner::{Entity, EntityLabel};
use newsmine::pipeline::{Analysis, Component};
use newsmine::quotes::lexicon::class::CUE;
use newsmine::quotes::{
    CueClass, CueClasses, Quote, QuoteExtractor, QuoteKind, QuotesConfig, SpeakerReason,
};
use newsmine::text::{analyse, CharIndex, Span, TextConfig};
use std::path::{Path, PathBuf};

fn extractor() -> QuoteExtractor {
    QuoteExtractor::new(QuotesConfig::default()).unwrap()
}

/// The quotes of `text` (real segmentation) with the given entities, invariants checked.
fn quotes_with(text: &str, entities: &[Entity]) -> Vec<Quote> {
    let doc = analyse(text, &TextConfig::default());
    let qs = extractor().extract(&doc, entities);
    check_invariants(&doc, &qs);
    qs
}

fn quotes(text: &str) -> Vec<Quote> {
    quotes_with(text, &[])
}

/// The quotes of `text` with every cue class kept (beliefs and intentions too), no entities.
fn quotes_all(text: &str) -> Vec<Quote> {
    let doc = analyse(text, &TextConfig::default());
    let x = QuoteExtractor::new(QuotesConfig {
        classes: CueClasses::ALL,
        ..QuotesConfig::default()
    })
    .unwrap();
    let qs = x.extract(&doc, &[]);
    check_invariants(&doc, &qs);
    qs
}

/// Texts equal their spans' slices; ids run in order; paragraph and sentence are the Doc's.
fn check_invariants(doc: &newsmine::text::Doc, qs: &[Quote]) {
    for (i, q) in qs.iter().enumerate() {
        assert_eq!(q.id, i);
        assert!(
            !q.span.is_empty() && q.span.end <= doc.chars().len(),
            "{q:?}"
        );
        assert_eq!(q.text, doc.slice(q.span), "{q:?}");
        if let Some((cue, span)) = &q.cue {
            assert_eq!(cue, doc.slice(*span));
        }
        assert_eq!(q.cue.is_some(), q.cue_class.is_some(), "{q:?}");
        if let Some((speaker, span)) = &q.speaker {
            assert_eq!(speaker, doc.slice(*span));
        }
        if q.speaker.is_none() || q.speaker_canonical.is_none() {
            assert!(
                q.reason.is_some_and(|r| !r.as_str().is_empty()),
                "no reason: {q:?}"
            );
        }
        if let Some(p) = doc.paragraph_at(q.span.start) {
            assert_eq!(q.paragraph, p);
        }
        if let Some(s) = doc.sentence_at(q.span.start) {
            assert_eq!(q.sentence, s);
        }
    }
}

/// Entities at every occurrence of each needle (longest needles first, no overlaps).
fn entities(text: &str, needles: &[(&str, EntityLabel, &str)]) -> Vec<Entity> {
    let chars = CharIndex::new(text);
    let mut sorted: Vec<&(&str, EntityLabel, &str)> = needles.iter().collect();
    sorted.sort_by_key(|(n, _, _)| std::cmp::Reverse(n.len()));
    let mut out: Vec<Entity> = Vec::new();
    for (needle, label, canonical) in sorted {
        for (b, _) in text.match_indices(needle) {
            let span = Span::new(chars.char_of_byte(b), chars.char_of_byte(b + needle.len()));
            if out.iter().any(|e| e.span.overlaps(&span)) {
                continue;
            }
            out.push(Entity {
                id: 0,
                sentence: 0,
                span,
                text: needle.to_string(),
                label: *label,
                score: 1.0,
                canonical: canonical.to_string(),
                key: canonical.to_lowercase(),
            });
        }
    }
    out.sort_by_key(|e| e.span.start);
    let doc = analyse(text, &TextConfig::default());
    for (i, e) in out.iter_mut().enumerate() {
        e.id = i;
        e.sentence = doc.sentence_at(e.span.start).unwrap_or(0);
    }
    out
}

/// The quote whose text starts with `prefix`.
fn find<'q>(qs: &'q [Quote], prefix: &str) -> &'q Quote {
    qs.iter()
        .find(|q| q.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("no quote starting {prefix:?} in {qs:#?}"))
}

fn speaker(q: &Quote) -> Option<&str> {
    q.speaker.as_ref().map(|s| s.0.as_str())
}

fn cue(q: &Quote) -> Option<&str> {
    q.cue.as_ref().map(|c| c.0.as_str())
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn shared(rel: &str) -> Option<PathBuf> {
    [
        manifest("../shared").join(rel),
        PathBuf::from("/work/shared").join(rel),
    ]
    .into_iter()
    .find(|p| p.exists())
}

// ---------------------------------------------------------------------------------------------
// The seed article

#[test]
fn seed_article_statements_are_the_russian_foreign_ministry_s() {
    let text = std::fs::read_to_string(manifest(
        "corpus/rferl/rferl-russia-trilateral-agreements.txt",
    ))
    .unwrap();
    use EntityLabel::*;
    let ents = entities(
        &text,
        &[
            ("Russia’s Foreign Ministry", ORG, "Russian Foreign Ministry"),
            ("Russian Foreign Ministry", ORG, "Russian Foreign Ministry"),
            ("Russia", LOC, "Russia"),
            ("Moscow", LOC, "Moscow"),
            ("Armenia", LOC, "Armenia"),
            ("Azerbaijan", LOC, "Azerbaijan"),
            ("Baku", LOC, "Baku"),
            ("Yerevan", LOC, "Yerevan"),
            ("Nikol Pashinian", PER, "Nikol Pashinian"),
            ("Ilham Aliyev", PER, "Ilham Aliyev"),
            ("Donald Trump", PER, "Donald Trump"),
            ("Trump", PER, "Donald Trump"),
            ("Vladimir Putin", PER, "Vladimir Putin"),
            ("White House", LOC, "White House"),
        ],
    );
    let qs = quotes_with(&text, &ents);
    for (prefix, cue_word, speaker_text) in [
        (
            "The agreements remain valid and relevant.",
            "said",
            "the statement",
        ),
        ("This includes signing a peace treaty", "said", "it"),
        ("Russia is ready to continue", "concluded", "the statement"),
    ] {
        let q = find(&qs, prefix);
        assert_eq!(q.kind, QuoteKind::Direct, "{q:?}");
        assert_eq!(cue(q), Some(cue_word));
        assert_eq!(speaker(q), Some(speaker_text));
        assert_eq!(
            q.speaker_canonical.as_deref(),
            Some("Russian Foreign Ministry"),
            "{q:?}"
        );
        assert_eq!(q.speaker_label, Some(EntityLabel::ORG));
        assert_eq!(q.reason, None);
    }
    // the quotation runs over two sentences, inside the marks
    assert!(find(&qs, "The agreements remain valid")
        .text
        .ends_with("including in their direct dialogue,"));
    // the partial quote of the first paragraph is a mixed quote of the ministry
    let mixed = qs
        .iter()
        .find(|q| q.text.contains("“valid and relevant,”"))
        .expect("mixed quote");
    assert_eq!(mixed.kind, QuoteKind::Mixed);
    assert_eq!(speaker(mixed), Some("Russia’s Foreign Ministry"));
    assert_eq!(
        mixed.speaker_canonical.as_deref(),
        Some("Russian Foreign Ministry")
    );
    // "unimpeded connectivity" is a two-word fragment with no cue: no statement
    assert!(!qs.iter().any(|q| q.text == "unimpeded connectivity"));
    // the page junk lines hold no quote
    assert!(!qs
        .iter()
        .any(|q| q.text.contains("XS") || q.text.contains("file photo")));
}

#[test]
fn seed_article_without_ner_still_names_the_ministry() {
    let text = std::fs::read_to_string(manifest(
        "corpus/rferl/rferl-russia-trilateral-agreements.txt",
    ))
    .unwrap();
    let qs = quotes(&text);
    for prefix in [
        "The agreements remain valid",
        "This includes signing",
        "Russia is ready to continue",
    ] {
        let q = find(&qs, prefix);
        assert_eq!(
            q.speaker_canonical.as_deref(),
            Some("Russian Foreign Ministry"),
            "{q:?}"
        );
        assert_eq!(q.speaker_label, None, "no label without NER");
    }
}

// ---------------------------------------------------------------------------------------------
// Quotation styles

#[test]
fn every_quotation_mark_style() {
    for (text, inner) in [
        ("“We will win,” Hill said.", "We will win,"),
        ("\"We will win,\" Hill said.", "We will win,"),
        ("‘We will win,’ Hill said.", "We will win,"),
        ("«We will win», Hill said.", "We will win"),
        ("„We will win“, Hill said.", "We will win"),
        ("‹We will win›, Hill said.", "We will win"),
        ("''We will win,'' Hill said.", "We will win,"),
        ("``We will win,'' Hill said.", "We will win,"),
    ] {
        let qs = quotes(text);
        assert_eq!(qs.len(), 1, "{text}: {qs:#?}");
        assert_eq!(qs[0].text, inner, "{text}");
        assert_eq!(qs[0].kind, QuoteKind::Direct);
        assert_eq!(speaker(&qs[0]), Some("Hill"), "{text}");
        assert_eq!(cue(&qs[0]), Some("said"));
    }
}

#[test]
fn quotations_introduced_by_colon_or_dash_and_inverted_attribution() {
    let q = &quotes("Hill said on Friday: “The plan is dead.”")[0];
    assert_eq!(
        (q.text.as_str(), speaker(q), cue(q)),
        ("The plan is dead.", Some("Hill"), Some("said"))
    );
    let q = &quotes("The minister added — “We will not sign it.”")[0];
    assert_eq!(
        (q.text.as_str(), speaker(q)),
        ("We will not sign it.", Some("The minister"))
    );
    let qs = quotes("The senator told reporters:\n\n“We have the votes.”");
    assert_eq!(speaker(find(&qs, "We have the votes")), Some("The senator"));
    let q = &quotes("“The plan is dead,” said Hugh Hill, a doctor at the clinic.")[0];
    assert_eq!(speaker(q), Some("Hugh Hill"));
    let q = &quotes("“No comment,” according to a spokesman for the ministry.")[0];
    assert_eq!(
        (cue(q), speaker(q)),
        (Some("according to"), Some("a spokesman for the ministry"))
    );
}

#[test]
fn quotation_over_several_paragraphs() {
    let text = "Mary Jones spoke at length.\n\n“The first part of what I said is here.\n\n“And the second part comes after it,” she said.\n\nThen she left.";
    let qs = quotes(text);
    assert_eq!(qs.len(), 1, "{qs:#?}");
    assert!(qs[0].text.starts_with("The first part") && qs[0].text.ends_with("comes after it,"));
    assert!(qs[0].text.contains("\n\n“And"));
    assert_eq!(speaker(&qs[0]), Some("she"));
    assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Mary Jones"));
    assert_eq!(qs[0].paragraph, 1);
}

// ---------------------------------------------------------------------------------------------
// Kinds

#[test]
fn mixed_and_indirect_kinds() {
    let qs = quotes("The ministry said on Friday that the agreements remain “valid and relevant,” emphasizing its interest.");
    let mixed = find(&qs, "the agreements remain");
    assert_eq!(mixed.kind, QuoteKind::Mixed);
    assert_eq!(mixed.text, "the agreements remain “valid and relevant,”");
    assert_eq!(
        (cue(mixed), speaker(mixed)),
        (Some("said"), Some("The ministry"))
    );
    let participle = find(&qs, "its interest");
    assert_eq!(
        (participle.kind, cue(participle), speaker(participle)),
        (
            QuoteKind::Indirect,
            Some("emphasizing"),
            Some("The ministry")
        )
    );

    let q = &quotes("Hill said on Friday that the talks had failed.")[0];
    assert_eq!(
        (q.kind, q.text.as_str(), cue(q), speaker(q)),
        (
            QuoteKind::Indirect,
            "the talks had failed",
            Some("said"),
            Some("Hill")
        )
    );

    let q =
        &quotes("According to the Russian Foreign Ministry, the agreements remain in force.")[0];
    assert_eq!(
        (q.kind, q.text.as_str(), cue(q)),
        (
            QuoteKind::Indirect,
            "the agreements remain in force",
            Some("According to")
        )
    );
    assert_eq!(speaker(q), Some("Russian Foreign Ministry"));

    let q = &quotes("The agreements remain in force, according to the ministry.")[0];
    assert_eq!(
        (q.text.as_str(), speaker(q)),
        ("The agreements remain in force", Some("the ministry"))
    );

    let q = &quotes("The ministry’s statement said the talks would resume in May.")[0];
    assert_eq!(
        (q.text.as_str(), speaker(q)),
        (
            "the talks would resume in May",
            Some("The ministry’s statement")
        )
    );

    let q = &quotes("The talks will resume in May, officials said.")[0];
    assert_eq!(
        (q.kind, q.text.as_str(), speaker(q)),
        (
            QuoteKind::Indirect,
            "The talks will resume in May",
            Some("officials")
        )
    );
    assert_eq!(q.speaker_canonical, None);
    assert_eq!(q.reason, Some(SpeakerReason::UnnamedSpeaker));

    let q = &quotes("Hill told reporters in Moscow that the deal was off.")[0];
    assert_eq!(
        (q.text.as_str(), cue(q)),
        ("the deal was off", Some("told"))
    );
}

#[test]
fn include_indirect_switch() {
    let text = "Hill said that the talks had failed. “We tried,” she said.";
    let config = QuotesConfig {
        include_indirect: false,
        ..QuotesConfig::default()
    };
    let x = QuoteExtractor::new(config).unwrap();
    let qs = x.extract(&analyse(text, &TextConfig::default()), &[]);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "We tried,");
}

#[test]
fn titles_scare_quotes_and_nested_quotes_are_not_statements() {
    assert!(quotes("She starred in the film “The Long Goodbye Again” last year.").is_empty());
    assert!(quotes("The so-called “reform” passed the senate.").is_empty());
    assert!(quotes("He watched “Fox and Friends” on Sunday morning.").is_empty());
    let qs = quotes("“He told me ‘no way,’ and then he left,” she said.");
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "He told me ‘no way,’ and then he left,");
}

// ---------------------------------------------------------------------------------------------
// Marks that are no quotation marks, and marks that do not pair

#[test]
fn apostrophes_are_not_quotation_marks() {
    let text = "It’s the ’90s again, rock ’n’ roll is back and the soldiers’ lives matter, the band’s manager said on Friday.";
    let qs = quotes(text);
    assert_eq!(qs.len(), 1, "{qs:#?}");
    assert_eq!(qs[0].kind, QuoteKind::Indirect);
    assert!(qs[0].text.starts_with("It’s the ’90s again, rock ’n’ roll"));
    assert_eq!(speaker(&qs[0]), Some("the band’s manager"));
    let qs = quotes("“It’s the ’90s and rock ’n’ roll,” he said of the soldiers’ songs.");
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "It’s the ’90s and rock ’n’ roll,");
    let qs = quotes("''I tell them, 'the Fed doesn't care,''' said Mr. Meyer.");
    assert_eq!(qs.len(), 1, "{qs:#?}");
    assert_eq!(qs[0].text, "I tell them, 'the Fed doesn't care,'");
    assert_eq!(speaker(&qs[0]), Some("Mr. Meyer"));
}

#[test]
fn unbalanced_marks_never_run_away() {
    let text = "He said “this is never closed and goes on.\n\nThe next paragraph has no mark. It is long enough to matter.\n\n“Another one,” she said.";
    let qs = quotes(text);
    for q in &qs {
        assert!(!q.text.contains("next paragraph"), "runaway: {q:?}");
    }
    assert_eq!(speaker(find(&qs, "Another one")), Some("she"));
    // a stray closing mark and inch marks
    let qs = quotes("The 6\" pipe” was laid. He is 5'10\" tall, officials said.");
    assert!(qs.iter().all(|q| q.text.len() < 60));
    // an opening mark at a paragraph start with no closing mark ends with its paragraph
    let qs =
        quotes("“We will fight on until the end, whatever it costs us\n\nThe mayor left the room.");
    assert_eq!(qs.len(), 1);
    assert_eq!(
        qs[0].text,
        "We will fight on until the end, whatever it costs us"
    );
}

#[test]
fn random_marks_never_panic() {
    let alphabet: Vec<char> = "\"'`“”„«»‘’‚‹›〝〞 \n\n.,:;—-aZ said he “ ”ü中😀"
        .chars()
        .collect();
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let x = extractor();
    for round in 0..600 {
        let len = (next() % 200) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let doc = analyse(&text, &TextConfig::default());
        let qs = x.extract(&doc, &[]);
        check_invariants(&doc, &qs);
        // and with a Doc that has no segmentation at all (the stage segments it itself)
        let empty = newsmine::text::Doc::new(&text);
        let qs = x.extract(&empty, &[]);
        assert!(
            qs.iter().all(|q| q.text == empty.slice(q.span)),
            "round {round}: {text:?}"
        );
    }
}

#[test]
fn random_sentences_never_panic() {
    // words and marks that drive every attribution rule, shuffled into nonsense
    let vocab = [
        "said",
        "says",
        "told",
        "adding",
        "according",
        "to",
        "he",
        "she",
        "it",
        "who",
        "Hill",
        "Mr.",
        "Jane Smith",
        "the",
        "ministry",
        "statement",
        "spokesman",
        "for",
        "that",
        "and",
        "but",
        "on",
        "Friday",
        ",",
        ",",
        ":",
        ".",
        "?",
        "—",
        "―",
        "(",
        ")",
        "“",
        "”",
        "\"",
        "'",
        "''",
        "’",
        "‘",
        "«",
        "»",
        "\n",
        "\n\n",
        "reporters",
        "of",
        "calling",
        "before",
        "asking",
        "in",
        "a",
        "statement:",
        "noted",
        "officials",
        "6 in 10",
        "Tulsa police Chief",
    ];
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let x = extractor();
    for _ in 0..1500 {
        let len = (next() % 40) as usize;
        let text: Vec<&str> = (0..len)
            .map(|_| vocab[(next() % vocab.len() as u64) as usize])
            .collect();
        let text = text.join(if next() % 3 == 0 { "" } else { " " });
        let doc = analyse(&text, &TextConfig::default());
        let qs = x.extract(&doc, &[]);
        check_invariants(&doc, &qs);
    }
}

// ---------------------------------------------------------------------------------------------
// Speakers

#[test]
fn pronoun_speakers_resolve_to_entities() {
    use EntityLabel::*;
    let text = "Jane Smith is the mayor of Springfield. “We will rebuild the bridge,” she said.\n\nAcme Corp disagreed. “The bridge is safe,” it said in a statement.\n\nThe unions met on Monday. “We will strike,” they said.";
    let ents = entities(
        text,
        &[
            ("Jane Smith", PER, "Jane Smith"),
            ("Springfield", LOC, "Springfield"),
            ("Acme Corp", ORG, "Acme Corp"),
        ],
    );
    let qs = quotes_with(text, &ents);
    let she = find(&qs, "We will rebuild");
    assert_eq!(
        (
            speaker(she),
            she.speaker_canonical.as_deref(),
            she.speaker_label.map(|l| l.as_str())
        ),
        (Some("she"), Some("Jane Smith"), Some("PER"))
    );
    let it = find(&qs, "The bridge is safe");
    assert_eq!(
        (
            speaker(it),
            it.speaker_canonical.as_deref(),
            it.speaker_label.map(|l| l.as_str())
        ),
        (Some("it"), Some("Acme Corp"), Some("ORG"))
    );
    let they = find(&qs, "We will strike");
    assert_eq!(speaker(they), Some("they"));
    // no group entity before "they": unresolved, and said so
    assert_eq!(they.speaker_canonical, None);
    assert!(they.reason.is_some());
}

#[test]
fn nominal_speakers_and_appositions() {
    use EntityLabel::*;
    let text = "Hugh Hill, a doctor, said the clinic would close. Later the doctor added that “nothing can be done.”\n\nThe Health Ministry issued new rules on Monday. The ministry said they were needed.\n\nMinistry spokesman Ivan Petrov defended them. “They save lives,” the spokesman said.";
    let ents = entities(
        text,
        &[
            ("Hugh Hill", PER, "Hugh Hill"),
            ("Health Ministry", ORG, "Health Ministry"),
            ("Ivan Petrov", PER, "Ivan Petrov"),
        ],
    );
    let qs = quotes_with(text, &ents);
    let q = find(&qs, "the clinic would close");
    assert_eq!(
        (speaker(q), q.speaker_canonical.as_deref()),
        (Some("Hugh Hill"), Some("Hugh Hill"))
    );
    let q = qs
        .iter()
        .find(|q| q.text.contains("nothing can be done"))
        .unwrap();
    assert_eq!(
        (speaker(q), q.speaker_canonical.as_deref()),
        (Some("the doctor"), Some("Hugh Hill"))
    );
    let q = find(&qs, "they were needed");
    assert_eq!(
        (
            speaker(q),
            q.speaker_canonical.as_deref(),
            q.speaker_label.map(|l| l.as_str())
        ),
        (Some("The ministry"), Some("Health Ministry"), Some("ORG"))
    );
    let q = find(&qs, "They save lives");
    assert_eq!(
        (speaker(q), q.speaker_canonical.as_deref()),
        (Some("the spokesman"), Some("Ivan Petrov"))
    );
}

#[test]
fn consecutive_quotes_keep_their_speaker() {
    let text = "“The first thing,” Hill said. “And the second thing.” “And a third one for good measure.”\n\nMeanwhile the rain went on.";
    let qs = quotes(text);
    assert_eq!(qs.len(), 3, "{qs:#?}");
    for q in &qs {
        assert_eq!(speaker(q), Some("Hill"), "{q:?}");
        assert_eq!(cue(q), Some("said"));
        assert_eq!(
            q.speaker.as_ref().unwrap().1,
            qs[0].speaker.as_ref().unwrap().1
        );
    }
}

#[test]
fn no_speaker_is_never_guessed() {
    let qs = quotes(
        "The rain went on all day.\n\n“This is a long quotation that nobody in the text says.”",
    );
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].speaker, None);
    assert_eq!(qs[0].speaker_canonical, None);
    assert_eq!(qs[0].cue, None);
    assert_eq!(qs[0].reason, Some(SpeakerReason::NoCueOrSpeakerNear));
    // "I" cannot be resolved
    let q = &quotes("“I was there,” I said.")[0];
    assert_eq!(
        (speaker(q), q.speaker_canonical.as_deref()),
        (Some("I"), None)
    );
    assert_eq!(q.reason, Some(SpeakerReason::FirstOrSecondPerson));
}

#[test]
fn names_resolve_without_ner_to_their_fullest_form() {
    let text = "Armenian Prime Minister Nikol Pashinian met the press. Pashinian said the border deal would hold.";
    let q = &quotes(text)[0];
    assert_eq!(
        (
            speaker(q),
            q.speaker_canonical.as_deref(),
            q.speaker_label.map(|l| l.as_str())
        ),
        (Some("Pashinian"), Some("Nikol Pashinian"), None)
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration and the pipeline component

#[test]
fn cue_lexicon_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cues.txt");
    std::fs::write(&path, "# only one cue\nsaid verb\nhe pronoun-m\n").unwrap();
    let x = QuoteExtractor::new(QuotesConfig {
        cue_file: Some(path.clone()),
        ..QuotesConfig::default()
    })
    .unwrap();
    let text = "Hill stated that the talks failed. Hill said that the talks resumed.";
    let qs = x.extract(&analyse(text, &TextConfig::default()), &[]);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "the talks resumed");
    std::fs::write(&path, "said noun-ish\n").unwrap();
    assert!(QuoteExtractor::new(QuotesConfig {
        cue_file: Some(path),
        ..QuotesConfig::default()
    })
    .is_err());
}

#[test]
fn component_fills_every_analysis() {
    let x = extractor();
    assert_eq!(x.name(), "quotes");
    let mut batch: Vec<Analysis> = [
        "“One,” Hill said.",
        "No quotes here.",
        "Jones said that it rained.",
    ]
    .iter()
    .map(|t| Analysis {
        article: Article {
            text: t.to_string(),
            ..Article::default()
        },
        doc: analyse(t, &TextConfig::default()),
        ..Analysis::default()
    })
    .collect();
    x.process(&mut batch).unwrap();
    assert_eq!(
        batch.iter().map(|a| a.quotes.len()).collect::<Vec<_>>(),
        [1, 0, 1]
    );
}

// ---------------------------------------------------------------------------------------------
// PolNeAR

/// PolNeAR dev with entities = [] (no NER model needed): prints the scores. Skipped when the
/// shared data is not there.
#[test]
fn polnear_dev_scores() {
    let Some(path) = shared("data/quotes/polnear/polnear_dev.jsonl") else {
        eprintln!(
            "skipped: PolNeAR dev (../shared/data/quotes/polnear/polnear_dev.jsonl) is not there"
        );
        return;
    };
    let gold = load_polnear(&path).unwrap();
    let x = extractor();
    let predicted: Vec<Vec<Quote>> = gold
        .iter()
        .map(|g| {
            let doc = analyse(&g.article.text, &TextConfig::default());
            let qs = x.extract(&doc, &[]);
            check_invariants(&doc, &qs);
            qs
        })
        .collect();
    let report = score(&gold, &predicted);
    eprintln!("PolNeAR dev ({}), entities = []:\n{report}", path.display());
    // PolNeAR annotates every attribution relation ("wants", "refused", "endorsed" …); the recall
    // on the relations whose cue is a speech, belief or prepositional cue of the lexicon (or a
    // colon or dash) shows how much of the rest is out of the stage's scope
    let lex = newsmine::quotes::lexicon::Lexicon::builtin().unwrap();
    let speechlike = |g: &GoldQuote, text: &str| {
        let chars = CharIndex::new(text);
        g.cue.iter().any(|&c| {
            let cue = chars.slice(text, c);
            let words: Vec<String> = cue
                .split_whitespace()
                .map(newsmine::quotes::lexicon::normalise)
                .collect();
            cue.trim()
                .chars()
                .all(|c| matches!(c, ':' | '—' | '―' | '–'))
                || words
                    .iter()
                    .any(|w| lex.flags(w.trim_matches(|c: char| !c.is_alphanumeric())) & CUE != 0)
                || words
                    .windows(2)
                    .any(|w| lex.phrase_at(w).is_some_and(|(_, f)| f & CUE != 0))
        })
    };
    let subset: Vec<GoldArticle> = gold
        .iter()
        .map(|g| GoldArticle {
            article: g.article.clone(),
            quotes: g
                .quotes
                .iter()
                .filter(|q| speechlike(q, &g.article.text))
                .cloned()
                .collect(),
        })
        .collect();
    let sub = score(&subset, &predicted);
    eprintln!(
        "recall on the {} relations with a lexicon cue: {:.1} % at overlap 0.3 (direct {:.1} %, indirect {:.1} %)",
        sub.all.gold,
        100.0 * sub.all.overlap_0_3.recall(),
        100.0 * sub.direct.overlap_0_3.recall(),
        100.0 * sub.indirect.overlap_0_3.recall()
    );
    // floors well below the measured figures, to catch regressions
    assert!(report.direct.overlap_0_3.f1() > 0.85, "{report}");
    assert!(report.all.speaker.accuracy > 0.8, "{report}");
}

#[derive(Default)]
struct Pair(usize, usize);

impl std::ops::AddAssign<(usize, usize)> for Pair {
    fn add_assign(&mut self, (a, b): (usize, usize)) {
        self.0 += a;
        self.1 += b;
    }
}

/// Error analysis on PolNeAR train (run by hand: `NEWSMINE_DIAG_LIMIT=150 cargo test --release
/// --test quotes -- --ignored --nocapture polnear_train_diagnosis`): prints the gold indirect
/// relations that no prediction overlaps by 0.3, grouped by cue, and the unmatched indirect
/// predictions grouped by cue.
#[test]
#[ignore]
fn polnear_train_diagnosis() {
    let Some(path) = shared("data/quotes/polnear/polnear_train.jsonl") else {
        return;
    };
    let limit: usize = std::env::var("NEWSMINE_DIAG_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let show: usize = std::env::var("NEWSMINE_DIAG_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let groups: usize = std::env::var("NEWSMINE_DIAG_GROUPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let mut gold = load_polnear(&path).unwrap();
    gold.truncate(limit);
    let x = extractor();
    let ov = |a: Span, b: Span| a.overlap(&b) as f64 / a.len().max(b.len()).max(1) as f64;
    let mut missed: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut wrong: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut tally: std::collections::BTreeMap<String, Pair> = Default::default();
    for g in &gold {
        let doc = analyse(&g.article.text, &TextConfig::default());
        let qs = x.extract(&doc, &[]);
        let ctx = |s: Span| {
            let a = s.start.saturating_sub(60);
            let b = (s.end + 40).min(doc.chars().len());
            doc.slice(Span::new(a, b)).replace('\n', " ")
        };
        for q in g.quotes.iter().filter(|q| !q.direct) {
            let (lo, hi) = (q.content[0].start, q.content.last().unwrap().end);
            let c = Span::new(lo, hi);
            if qs.iter().any(|p| ov(c, p.span) >= 0.3) {
                continue;
            }
            let cue: Vec<String> = q.cue.iter().map(|&s| doc.slice(s).to_lowercase()).collect();
            let src: Vec<&str> = q.source.iter().map(|&s| doc.slice(s)).collect();
            let whole = Span::new(lo.min(q.cue.first().map_or(lo, |s| s.start)), hi);
            missed.entry(cue.join(" ")).or_default().push(format!(
                "[{}] <{}> {}",
                src.join(" "),
                doc.slice(c).chars().take(60).collect::<String>(),
                ctx(whole)
            ));
        }
        for p in qs.iter().filter(|p| p.kind == QuoteKind::Indirect) {
            let hit = g.quotes.iter().any(|q| {
                let c = Span::new(q.content[0].start, q.content.last().unwrap().end);
                ov(c, p.span) >= 0.3
            });
            *tally
                .entry(cue(p).unwrap_or("-").to_lowercase())
                .or_default() += (1, hit as usize);
            if !hit {
                wrong
                    .entry(cue(p).unwrap_or("-").to_lowercase())
                    .or_default()
                    .push(format!("[{}] {}", speaker(p).unwrap_or("-"), ctx(p.span)));
            }
        }
    }
    let mut t: Vec<_> = tally.iter().collect();
    t.sort_by_key(|(_, p)| std::cmp::Reverse(p.0));
    eprintln!("==== predicted indirect by cue: predicted, matched");
    for (cue, p) in t.iter().take(groups) {
        eprintln!(
            "{:>5} {:>5} {:>4.0}% {cue}",
            p.0,
            p.1,
            100.0 * p.1 as f64 / p.0 as f64
        );
    }
    for (name, map) in [
        ("MISSED gold indirect", &missed),
        ("UNMATCHED predicted indirect", &wrong),
    ] {
        let mut v: Vec<_> = map.iter().collect();
        v.sort_by_key(|(_, xs)| std::cmp::Reverse(xs.len()));
        let total: usize = v.iter().map(|(_, xs)| xs.len()).sum();
        eprintln!("==== {name}: {total}");
        for (cue, xs) in v.iter().take(groups) {
            eprintln!("-- {:?} ×{}", cue, xs.len());
            for x in xs.iter().take(show) {
                eprintln!("     {x}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Complements: infinitives, objects, clauses without "that"

/// The (kind, text, cue, speaker) rows of `text`, every cue class kept (these tests are about
/// PolNeAR's wide attributions: infinitives, objects, beliefs).
fn rows(text: &str) -> Vec<(QuoteKind, String, String, String)> {
    quotes_all(text)
        .iter()
        .map(|q| {
            (
                q.kind,
                q.text.clone(),
                cue(q).unwrap_or("").to_string(),
                speaker(q).unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn row(
    kind: QuoteKind,
    text: &str,
    cue: &str,
    speaker: &str,
) -> (QuoteKind, String, String, String) {
    (kind, text.into(), cue.into(), speaker.into())
}

#[test]
fn infinitive_complements() {
    use QuoteKind::Indirect;
    assert_eq!(
        rows("Governor Smith wants to raise taxes on the rich."),
        [row(
            Indirect,
            "to raise taxes on the rich",
            "wants",
            "Governor Smith"
        )]
    );
    assert_eq!(
        rows("The senator urged Congress to pass the bill before the recess."),
        [row(
            Indirect,
            "Congress to pass the bill before the recess",
            "urged",
            "The senator"
        )]
    );
    assert_eq!(
        rows("Mr. Trump promised to build a wall."),
        [row(Indirect, "to build a wall", "promised", "Mr. Trump")]
    );
    assert_eq!(
        rows("The campaign declined to comment on the report."),
        [row(
            Indirect,
            "to comment on the report",
            "declined",
            "The campaign"
        )]
    );
    // no verb after "to", a passive, a first person: no statement
    assert!(rows("The company agreed to a settlement with the states.").is_empty());
    assert!(rows("Trump is expected to win the primary.").is_empty());
    assert!(rows("If you want to win the state, look at the map.").is_empty());
}

#[test]
fn object_complements() {
    use QuoteKind::Indirect;
    assert_eq!(
        rows("Christie endorsed Trump last week, ending his own campaign."),
        [row(Indirect, "Trump", "endorsed", "Christie")]
    );
    assert_eq!(
        rows("Sanders called for a higher minimum wage on Monday."),
        [row(
            Indirect,
            "a higher minimum wage",
            "called for",
            "Sanders"
        )]
    );
    let qs = rows("“He is a divider,” Trump said, referring to Barack Obama.");
    assert!(
        qs.contains(&row(Indirect, "Barack Obama", "referring to", "Trump")),
        "{qs:?}"
    );
    assert!(
        qs.contains(&row(QuoteKind::Direct, "He is a divider,", "said", "Trump")),
        "{qs:?}"
    );
    assert!(rows("The troops backed away from the border.").is_empty());
}

#[test]
fn belief_clauses_without_that() {
    use QuoteKind::Indirect;
    assert_eq!(
        rows("Ms. Warren believes the deal will hold."),
        [row(
            Indirect,
            "the deal will hold",
            "believes",
            "Ms. Warren"
        )]
    );
    assert!(rows("Ms. Warren believes the story.").is_empty());
    assert_eq!(
        rows("A new poll showed Clinton leading in Ohio."),
        [row(
            Indirect,
            "Clinton leading in Ohio",
            "showed",
            "A new poll"
        )]
    );
    // the writer's own "I think" is no reported statement
    assert!(rows("I think the deal will hold.").is_empty());
}

#[test]
fn accused_and_told_clauses() {
    use QuoteKind::Indirect;
    assert_eq!(
        rows("Sanders accused Clinton of taking money from Wall Street."),
        [row(
            Indirect,
            "Clinton of taking money from Wall Street",
            "accused",
            "Sanders"
        )]
    );
    assert_eq!(
        rows("Priebus told Fox News on Sunday that Trump will do better."),
        [row(Indirect, "Trump will do better", "told", "Priebus")]
    );
    assert_eq!(
        rows("The ministry’s statement said the talks would resume."),
        [row(
            Indirect,
            "the talks would resume",
            "said",
            "The ministry’s statement"
        )]
    );
}

#[test]
fn parenthetical_attribution_splits_its_content() {
    let qs = quotes("The golf industry, she said, is doing much better than it was in 2009.");
    assert_eq!(qs.len(), 2, "{qs:#?}");
    assert_eq!(qs[0].text, "The golf industry");
    assert_eq!(qs[1].text, "is doing much better than it was in 2009");
    assert!(qs
        .iter()
        .all(|q| cue(q) == Some("said") && speaker(q) == Some("she")));
}

#[test]
fn paragraph_labels_and_tallies_are_no_statements() {
    let qs = quotes(
        "Editor’s note: Donald Trump is a serial liar.\n\nClinton: 1,769.\n\nSanders: 1,501.",
    );
    assert!(qs.is_empty(), "{qs:#?}");
    let qs = quotes("Graham: Trump’s rhetoric is destroying the party.");
    assert_eq!(speaker(&qs[0]), Some("Graham"));
}

// ---------------------------------------------------------------------------------------------
// Cue classes and the false statements they and the precision rules keep out

/// (text, cue class) of the rows of `qs`.
fn classes(qs: &[Quote]) -> Vec<(String, Option<&'static str>)> {
    qs.iter()
        .map(|q| (q.text.clone(), q.cue_class.map(|c| c.as_str())))
        .collect()
}

#[test]
fn every_row_has_its_cue_class() {
    let c = |text: &str| classes(&quotes(text));
    assert_eq!(
        c("Hill said that the talks had failed."),
        [("the talks had failed".into(), Some("speech"))]
    );
    assert_eq!(
        c("Hill wrote that the talks had failed."),
        [("the talks had failed".into(), Some("written"))]
    );
    assert_eq!(
        c("According to Hill, the talks had failed."),
        [("the talks had failed".into(), Some("according_to"))]
    );
    assert_eq!(
        c("“We tried,” Hill said."),
        [("We tried,".into(), Some("speech"))]
    );
    // a quotation with no attribution has no cue and no class
    let qs = quotes("The day was long.\n\n“We tried everything we could,” the note began.");
    assert!(qs.iter().all(|q| q.cue.is_some() == q.cue_class.is_some()));
    // one word, two roles: a vow in a clause is a statement, a vow to act a plan
    assert_eq!(
        c("Trump vowed that he would build a wall."),
        [("he would build a wall".into(), Some("speech"))]
    );
    assert!(c("Trump vowed to build a wall.").is_empty());
    assert_eq!(
        classes(&quotes_all("Trump vowed to build a wall.")),
        [("to build a wall".into(), Some("intention"))]
    );
}

#[test]
fn beliefs_and_intentions_only_when_included() {
    for (text, class) in [
        ("Ms. Warren believes the deal will hold.", "belief"),
        ("The Post has learned that the deal collapsed.", "belief"),
        (
            "Governor Smith wants to raise taxes on the rich.",
            "intention",
        ),
        (
            "The company plans to reorganize its European operations.",
            "intention",
        ),
        (
            "The hikers decided to grab a bite before the climb.",
            "intention",
        ),
        ("Christie endorsed Trump last week.", "belief"),
    ] {
        assert!(quotes(text).is_empty(), "{text}: {:#?}", quotes(text));
        let all = quotes_all(text);
        assert_eq!(all.len(), 1, "{text}: {all:#?}");
        assert_eq!(all[0].cue_class.map(|c| c.as_str()), Some(class), "{text}");
    }
    // a speech verb with an infinitive stays a statement by default ("urged Y to …")
    assert_eq!(
        quotes("The senator urged Congress to pass the bill before the recess.")[0].cue_class,
        Some(CueClass::Speech)
    );
}

#[test]
fn figures_after_verbs_of_results_are_no_statements() {
    for text in [
        "The CAC 40 added 0.3 per cent to 4,512.33 points.",
        "In Paris, the CAC 40 added 0.3 per cent, while London's FTSE 100 fell.",
        "Royal Bank reported a profit of $3.3-billion for the quarter.",
        "The airline reported a loss.",
        "The company reported a 5 per cent rise in sales.",
        "The Flames scored twice in the third period.",
    ] {
        for qs in [quotes(text), quotes_all(text)] {
            assert!(qs.is_empty(), "{text}: {qs:#?}");
        }
    }
    // a figure that opens a clause is said
    assert_eq!(
        quotes("Police said 50 people died in the attack.")[0].text,
        "50 people died in the attack"
    );
    assert_eq!(
        quotes("The company reported that sales rose 5 per cent.")[0].text,
        "sales rose 5 per cent"
    );
    assert_eq!(
        quotes("Statistics Canada reported the economy grew 0.3 per cent in the third quarter.")[0]
            .text,
        "the economy grew 0.3 per cent in the third quarter"
    );
    assert!(quotes("Manulife reported net income of $1.5 billion.").is_empty());
}

#[test]
fn things_and_perceptions_say_nothing() {
    for text in [
        "The building suggests that the architect loved light.",
        "The new design suggests a return to older forms.",
        "She stood on the deck, feeling it rise and fall.",
        "The restoration of the older films revealed some interesting items too.",
        "The months of surveillance revealed that the networks were used for spam.",
        "The firm's chairman pleaded guilty to criminal charges in connection with the probe.",
        "All those indicted pleaded their innocence.",
        "The economy added more jobs than expected in March.",
        "Initial reports suggested the group may be responsible for the threat.",
        "Some reports say the coach wanted a new contract.",
        "A spell of kicking emphasised the caution on both sides.",
        "The comprehensive tests also revealed how quickly the printers produced images.",
        "The name says it all: it is web-based radio.",
    ] {
        for qs in [quotes(text), quotes_all(text)] {
            assert!(qs.is_empty(), "{text}: {qs:#?}");
        }
    }
    // a few quoted words inside the writer's sentence, with nobody to say them, are a term
    assert!(
        quotes("Critics see the plan as a “cover-up in plain sight” and little more.").is_empty()
    );
    let qs = quotes(
        "Critics see the plan as “a cover-up in plain sight that nobody in the city will stop” today.",
    );
    assert_eq!(qs.len(), 1, "{qs:#?}");
    // "told" names its hearer: after a quotation, no second content
    let qs = quotes(
        "\u{201c}He is a strong member,\u{201d} Mr Prescott told BBC One's Breakfast programme.",
    );
    assert_eq!(qs.len(), 1, "{qs:#?}");
    assert_eq!(qs[0].text, "He is a strong member,");
    let qs = quotes("\u{201c}This is the goal,\u{201d} Gibson said backstage at the event.");
    assert_eq!(qs.len(), 1, "{qs:#?}");
    // people inside or before an "of" phrase speak; a plea with a clause is a statement
    for (text, content) in [
        (
            "One of the officials revealed that the talks had failed.",
            "the talks had failed",
        ),
        (
            "The head of the agency revealed that the budget would be cut.",
            "the budget would be cut",
        ),
        (
            "He pleaded that he had never seen the documents.",
            "he had never seen the documents",
        ),
        (
            "She told reporters the plan would fail.",
            "the plan would fail",
        ),
        ("He told them he was leaving.", "he was leaving"),
    ] {
        let qs = quotes(text);
        assert_eq!(qs.len(), 1, "{text}: {qs:#?}");
        assert_eq!(qs[0].text, content, "{text}");
    }
    // a person who suggests, a feeling with a finite clause
    assert_eq!(
        quotes("The senator suggested that the vote be delayed.")[0].text,
        "the vote be delayed"
    );
    assert_eq!(
        quotes_all("Hill felt he was wrong about the deal.")[0].text,
        "he was wrong about the deal"
    );
}

#[test]
fn unresolved_speakers_say_so() {
    let q = &quotes("He said the talks had failed.")[0];
    assert_eq!(speaker(q), Some("He"));
    assert_eq!(q.reason, Some(SpeakerReason::Unresolved));
    let q = &quotes("The ministry said the talks had failed.")[0];
    assert_eq!(q.speaker_canonical, None);
    assert_eq!(q.reason, Some(SpeakerReason::Unresolved));
    // an anonymous source is unnamed, not unresolved
    let q = &quotes("A source said the talks had failed.")[0];
    assert_eq!(q.reason, Some(SpeakerReason::UnnamedSpeaker));
}

#[test]
fn a_statement_speaks_for_its_issuer() {
    for text in [
        "Amnesty International issued a statement on Monday. Police chief John Smith said the \
         claims were false. The statement said the prisoners had been tortured.",
        "A statement from Amnesty International came on Monday. Police chief John Smith said \
         the claims were false. The statement said the prisoners had been tortured.",
        "Amnesty International’s report came on Monday. Police chief John Smith said the claims \
         were false. The report said the prisoners had been tortured.",
    ] {
        let qs = quotes(text);
        let q = find(&qs, "the prisoners");
        assert_eq!(
            speaker(q).map(str::to_lowercase),
            Some(format!(
                "the {}",
                if text.contains("report said") {
                    "report"
                } else {
                    "statement"
                }
            ))
        );
        assert_eq!(
            q.speaker_canonical.as_deref(),
            Some("Amnesty International"),
            "{text}: {q:#?}"
        );
    }
}

#[test]
fn a_document_s_issuer_is_found_where_the_article_names_it() {
    // (text, the speaker of "the prisoners …", its canonical name)
    for (text, issuer) in [
        (
            "The Russian Foreign Ministry issued a statement on Friday. Officials met in Baku. \
             The statement said the prisoners had been released.",
            "Russian Foreign Ministry",
        ),
        (
            "Amnesty International said in its latest annual report that jails were full. \
             The report said the prisoners had been tortured.",
            "Amnesty International",
        ),
        (
            "In a statement, Amnesty International said jails were full. Police chief John \
             Smith said the claims were false. The statement said the prisoners had been \
             tortured.",
            "Amnesty International",
        ),
        (
            "The finding comes in a report published on Thursday by Amnesty International. \
             Police chief John Smith said the claims were false. The report said the prisoners \
             had been tortured.",
            "Amnesty International",
        ),
        (
            "The survey is published by Amnesty International. Police chief John Smith said \
             the claims were false. The survey said the prisoners had been tortured.",
            "Amnesty International",
        ),
    ] {
        let qs = quotes(text);
        let q = find(&qs, "the prisoners");
        assert_eq!(
            q.speaker_canonical.as_deref(),
            Some(issuer),
            "{text}: {q:#?}"
        );
        assert_eq!(q.reason, None);
    }
}

#[test]
fn an_unnamed_document_speaks_for_the_organisation_that_spoke_last_or_nobody() {
    // an organisation that spoke nearby issued it
    let qs = quotes("The OECD said growth would slow. The report said the prisoners were safe.");
    assert_eq!(
        find(&qs, "the prisoners").speaker_canonical.as_deref(),
        Some("OECD")
    );
    // "his report": the last person, as for "he"
    let qs = quotes(
        "Amitai Etzioni says the priority is misplaced. His report said the prisoners were safe.",
    );
    assert_eq!(
        find(&qs, "the prisoners").speaker_canonical.as_deref(),
        Some("Amitai Etzioni")
    );
    // a person quoted last is rather someone commenting on "the statement" than its author: the
    // speaker resolves to nothing, says so, and counts as unresolved
    let qs = quotes(
        "Police chief John Smith said the claims were false. The statement said the prisoners \
         were safe.",
    );
    let q = find(&qs, "the prisoners");
    assert_eq!(speaker(q), Some("The statement"));
    assert_eq!(q.speaker_canonical, None);
    assert_eq!(q.reason, Some(SpeakerReason::Unresolved));
}

#[test]
fn run_keeps_the_configured_classes_and_records_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(
        &input,
        "Title\n\nHe said nothing else was planned. Ms. Warren believes the deal will hold. Hill \
         said that the talks had failed.\n",
    )
    .unwrap();
    let run = |config: Option<&Path>, out: &Path| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_newsmine"));
        cmd.arg("run")
            .arg(&input)
            .arg("--out")
            .arg(out)
            .args(["--skip", "ner", "--skip", "stance", "--quiet"]);
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let run_json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        let mut r = csv::Reader::from_path(out.join("quotes.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let col = h
            .iter()
            .position(|c| c == "cue_class")
            .expect("cue_class column");
        let classes: Vec<String> = r.records().map(|x| x.unwrap()[col].to_string()).collect();
        (run_json, classes)
    };
    let out = dir.path().join("default");
    let (run_json, classes) = run(None, &out);
    assert_eq!(
        run_json["quote_classes"],
        serde_json::json!(["speech", "written", "according_to"])
    );
    assert_eq!(classes, ["speech", "speech"]);
    assert_eq!(run_json["unresolved_speakers"], 1);
    let config = dir.path().join("study.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[quotes]\ninclude = [\"belief\", \"intention\"]\n",
            std::fs::read_to_string(manifest("corpus/targets.toml")).unwrap()
        ),
    )
    .unwrap();
    let out = dir.path().join("wide");
    let (run_json, classes) = run(Some(&config), &out);
    assert_eq!(
        run_json["quote_classes"],
        serde_json::json!(["speech", "written", "according_to", "belief", "intention"])
    );
    assert_eq!(classes, ["speech", "belief", "speech"]);
    // a typo in the table is a set-up error
    std::fs::write(&config, "[quotes]\ninclude = [\"beliefs\"]\n").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_newsmine"))
        .arg("run")
        .arg(&input)
        .arg("--out")
        .arg(dir.path().join("bad"))
        .args(["--skip", "ner", "--skip", "stance", "--quiet", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
