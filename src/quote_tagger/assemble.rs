//! From tagged spans to quote rows: each content span takes the nearest cue span (in its own
//! sentences or the one next to them), the cue the nearest source span; a content without a cue
//! is no attribution. Rows the rules found win: a tagged attribution whose content or cue
//! overlaps a rule row is left out — except that a rule row of reported speech the tagger reads
//! (with the same cue) as the start of a longer content takes the tagger's extent.
use super::{chunks, Chunk, Role};
use crate::doc::{Doc, Entity, Quote, QuoteKind, SpeakerReason};
use crate::encoder::tagger::WordTag;
use crate::quotes::lexicon::Lexicon;
use crate::quotes::marks;
use crate::quotes::{CueClass, CueClasses};
use crate::text::Span;

/// Most words between a content and its cue, and between a cue and its source.
const MAX_GAP: usize = 12;

/// One tagged attribution, in chars.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub content: Span,
    pub cue: Span,
    pub source: Option<Span>,
    /// mean probability of the content's and the cue's word labels
    pub confidence: f32,
}

/// Words between two chunks (0 when they touch or overlap).
fn gap(a: &Chunk, b: &Chunk) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// The chunk of `role` nearest to `to` within `MAX_GAP` words among those `ok` allows.
fn nearest<'c>(
    all: &'c [Chunk],
    role: Role,
    to: &Chunk,
    ok: impl Fn(&Chunk) -> bool,
) -> Option<&'c Chunk> {
    all.iter()
        .filter(|c| c.role == role && ok(c) && gap(c, to) <= MAX_GAP)
        .min_by_key(|c| (gap(c, to), c.start))
}

/// The attributions of one article from its sentences' word labels.
pub fn attributions(doc: &Doc, tags: &[Vec<WordTag>]) -> Vec<Found> {
    let labels: Vec<Vec<usize>> = tags
        .iter()
        .map(|s| s.iter().map(|t| t.label).collect())
        .collect();
    let probs: Vec<f32> = tags.iter().flatten().map(|t| t.prob).collect();
    // the words laid end to end are the doc's tokens, sentence after sentence
    let words: Vec<&crate::doc::Token> = (0..tags.len())
        .flat_map(|s| doc.sentence_tokens(s).iter().take(tags[s].len()))
        .collect();
    if words.len() != probs.len() {
        return Vec::new();
    }
    // a content goes on into the next sentence only within its paragraph
    let paragraph = |s: usize| doc.sentences.get(s).map(|x| x.paragraph);
    let all = chunks(&labels, |s| {
        s > 0 && paragraph(s).is_some() && paragraph(s) == paragraph(s - 1)
    });
    let sentence = |w: usize| words[w].sentence;
    let span = |c: &Chunk| Span::new(words[c.start].span.start, words[c.end - 1].span.end);
    let mut out = Vec::new();
    for content in all.iter().filter(|c| c.role == Role::Content) {
        let (first, last) = (sentence(content.start), sentence(content.end - 1));
        // the content's own sentences or the one before or after them
        let near = |c: &Chunk| sentence(c.start) + 1 >= first && sentence(c.end - 1) <= last + 1;
        let Some(cue) = nearest(&all, Role::Cue, content, near) else {
            continue;
        };
        let source = nearest(&all, Role::Source, cue, |c| {
            sentence(c.start) == sentence(cue.start)
        });
        let scored: Vec<f32> = (content.start..content.end)
            .chain(cue.start..cue.end)
            .map(|w| probs[w])
            .collect();
        out.push(Found {
            content: span(content),
            cue: span(cue),
            source: source.map(span),
            confidence: scored.iter().sum::<f32>() / scored.len().max(1) as f32,
        });
    }
    out
}

/// How far the tagger agrees with a row it did not find: the mean, over the words of the row's
/// content and cue, of the tagger's probability that the word has that role (its label's
/// probability when it labelled the word so, else one minus it). `None` for a row without words.
pub fn agreement(doc: &Doc, tags: &[Vec<WordTag>], quote: &Quote) -> Option<f32> {
    let mut sum = 0.0;
    let mut n = 0usize;
    for (s, words) in tags.iter().enumerate() {
        for (t, tag) in doc.sentence_tokens(s).iter().zip(words) {
            let role = if quote.span.overlaps(&t.span) {
                Role::Content
            } else if quote.cue.as_ref().is_some_and(|(_, c)| c.overlaps(&t.span)) {
                Role::Cue
            } else {
                continue;
            };
            let agrees = Role::of_label(tag.label) == Some(role);
            sum += if agrees { tag.prob } else { 1.0 - tag.prob };
            n += 1;
        }
    }
    (n > 0).then(|| sum / n as f32)
}

/// Gives every row without a confidence (the rules', when the quote model did not score them)
/// the tagger's [`agreement`] with it as its confidence, and drops those under `threshold`:
/// a rule row the tagger reads as no attribution ("the index added 0.3 per cent") is one the
/// rules took for one. Renumbers the rows.
pub fn score_rows(doc: &Doc, tags: &[Vec<WordTag>], quotes: &mut Vec<Quote>, threshold: f32) {
    quotes.retain_mut(|q| {
        if q.confidence.is_some() {
            return true;
        }
        q.confidence = agreement(doc, tags, q);
        q.confidence.is_none_or(|c| c >= threshold)
    });
    for (i, q) in quotes.iter_mut().enumerate() {
        q.id = i;
    }
}

/// `span` without the white space, quotation marks and `, ; :` at its ends (the rules give a
/// direct quote's text inside its marks).
fn trimmed(doc: &Doc, span: Span) -> Span {
    let text: Vec<char> = doc.slice(span).chars().collect();
    let junk =
        |c: char| c.is_whitespace() || marks::is_mark_char(c) || matches!(c, ',' | ';' | ':');
    let lead = text.iter().take_while(|&&c| junk(c)).count();
    let trail = text[lead..].iter().rev().take_while(|&&c| junk(c)).count();
    Span::new(span.start + lead, span.end - trail)
}

/// The row of one tagged attribution, its speaker as written (resolved by [`merge`]).
fn quote_of(doc: &Doc, found: &Found) -> Option<Quote> {
    let content = trimmed(doc, found.content);
    if content.is_empty() {
        return None;
    }
    let sentence = doc.sentence_at(content.start)?;
    let cue_text = doc.slice(found.cue).to_string();
    let whole = doc.slice(found.content);
    let direct = marks::is_direct(whole);
    // a cue the lexicon does not list: a quotation with a cue is speech by any definition,
    // other words are an attribution only in PolNeAR's wide sense ("the poll shows that …")
    let cue_class = Lexicon::builtin()
        .ok()
        .and_then(|l| l.class_of_cue_text(&cue_text))
        .unwrap_or(if direct {
            CueClass::Speech
        } else {
            CueClass::Other
        });
    // resolved by `merge` as the rules resolve a speaker; until then: unresolved
    let reason = Some(match found.source {
        None => SpeakerReason::NoSpeakerFound,
        Some(_) => SpeakerReason::Unresolved,
    });
    Some(Quote {
        id: 0,
        kind: if direct {
            QuoteKind::Direct
        } else {
            QuoteKind::Indirect
        },
        span: content,
        text: doc.slice(content).to_string(),
        cue: Some((cue_text, found.cue)),
        cue_class: Some(cue_class),
        speaker: found.source.map(|s| (doc.slice(s).to_string(), s)),
        speaker_canonical: None,
        speaker_label: None,
        reason,
        paragraph: doc.sentences[sentence].paragraph,
        sentence,
        confidence: Some(found.confidence),
    })
}

/// Adds the tagged attributions that reach `threshold`, whose cue is of one of `classes`, and
/// that no row of `quotes` covers (content or cue overlapping), then renumbers the rows in text
/// order.
pub fn merge(
    doc: &Doc,
    entities: &[Entity],
    quotes: &mut Vec<Quote>,
    found: Vec<Found>,
    classes: CueClasses,
    threshold: f32,
) {
    let covered = |q: &[Quote], f: &Found| {
        q.iter().any(|r| {
            r.span.overlaps(&f.content) || r.cue.as_ref().is_some_and(|(_, c)| c.overlaps(&f.cue))
        })
    };
    // a rule row of reported speech whose content the tagger reads, with the same cue, as the
    // start of a longer one takes the tagger's extent
    for f in found.iter().filter(|f| f.confidence >= threshold) {
        let t = trimmed(doc, f.content);
        let hits: Vec<usize> = (0..quotes.len())
            .filter(|&k| quotes[k].span.overlaps(&t))
            .collect();
        if let [k] = hits[..] {
            let r = &mut quotes[k];
            let same_cue = r.cue.as_ref().is_some_and(|(_, c)| c.overlaps(&f.cue));
            if r.kind == QuoteKind::Indirect && same_cue && t.contains(&r.span) && t != r.span {
                r.span = t;
                r.text = doc.slice(t).to_string();
            }
        }
    }
    let mut added: Vec<Quote> = Vec::new();
    for f in found.iter().filter(|f| f.confidence >= threshold) {
        if covered(quotes, f) || covered(&added, f) {
            continue;
        }
        added.extend(quote_of(doc, f));
    }
    // what the tagger reads as said but is no clause ("the package was announced", "denied any
    // wrongdoing") is PolNeAR's wide sense: class other, whatever its cue
    let spans: Vec<Span> = added.iter().map(|q| q.span).collect();
    for (q, said) in added
        .iter_mut()
        .zip(crate::quotes::reads_as_statement(doc, &spans))
    {
        if !said {
            q.cue_class = Some(CueClass::Other);
        }
    }
    added.retain(|q| q.cue_class.is_some_and(|c| classes.contains(c)));
    if added.is_empty() {
        return;
    }
    let n_rules = quotes.len();
    quotes.extend(added);
    let mut rows: Vec<(Quote, bool)> = quotes
        .drain(..)
        .enumerate()
        .map(|(i, q)| (q, i >= n_rules))
        .collect();
    rows.sort_by_key(|(q, _)| (q.span.start, q.span.end));
    let added: Vec<bool> = rows.iter().map(|(_, a)| *a).collect();
    quotes.extend(rows.into_iter().map(|(q, _)| q));
    for (i, q) in quotes.iter_mut().enumerate() {
        q.id = i;
    }
    // the added speakers resolved as the rules resolve theirs (pronouns, nominals, names)
    crate::quotes::resolve::resolve_speakers(doc, entities, quotes, &added);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::tagger::label_index;
    use crate::quote_tagger::LABELS;

    /// A sentence and its words' tags as one attribution: source, cue, content.
    const OFFICIALS_SAID: &str = "Officials said the plan would fail.";
    const SAID: [&str; 7] = [
        "B-SOURCE",
        "B-CUE",
        "B-CONTENT",
        "I-CONTENT",
        "I-CONTENT",
        "I-CONTENT",
        "O",
    ];

    /// The doc of `text` and its words tagged as `tags` says (one tag per token, all sentences).
    fn tagged(text: &str, tags: &[&str]) -> (Doc, Vec<Vec<WordTag>>) {
        let doc = crate::text::analyse(text, &Default::default());
        let mut it = tags.iter();
        let per_sentence = (0..doc.sentences.len())
            .map(|s| {
                doc.sentence_tokens(s)
                    .iter()
                    .map(|_| WordTag {
                        label: label_index(&LABELS, it.next().copied().unwrap_or("O")).unwrap(),
                        prob: 0.9,
                    })
                    .collect()
            })
            .collect();
        assert!(it.next().is_none(), "more tags than tokens");
        (doc, per_sentence)
    }

    /// The rows `merge` adds to none at threshold 0.5.
    fn merged(doc: &Doc, entities: &[Entity], found: &[Found], classes: CueClasses) -> Vec<Quote> {
        let mut quotes = Vec::new();
        merge(doc, entities, &mut quotes, found.to_vec(), classes, 0.5);
        quotes
    }

    #[test]
    fn a_noun_phrase_said_is_no_quote_by_default() {
        // "denied any wrongdoing": an attribution in PolNeAR's sense, class other
        let (doc, tags) = tagged(
            "The ministers denied any wrongdoing.",
            &["O", "B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O"],
        );
        let found = attributions(&doc, &tags);
        assert_eq!(found.len(), 1);
        for (classes, kept) in [(CueClasses::DEFAULT, 0), (CueClasses::ALL, 1)] {
            let quotes = merged(&doc, &[], &found, classes);
            assert_eq!(quotes.len(), kept, "{quotes:#?}");
            assert!(quotes.iter().all(|q| q.cue_class == Some(CueClass::Other)));
        }
    }

    #[test]
    fn a_content_takes_its_cue_and_source() {
        let tags = [&SAID[..], &["O"; 3]].concat();
        let (doc, tags) = tagged("Officials said the plan would fail. It rained.", &tags);
        let found = attributions(&doc, &tags);
        assert_eq!(found.len(), 1);
        assert_eq!(doc.slice(found[0].content), "the plan would fail");
        assert_eq!(doc.slice(found[0].cue), "said");
        assert_eq!(found[0].source.map(|s| doc.slice(s)), Some("Officials"));
        let mut quotes = merged(&doc, &[], &found, CueClasses::DEFAULT);
        assert_eq!(quotes.len(), 1);
        let q = &quotes[0];
        assert_eq!(
            (q.kind, q.text.as_str()),
            (QuoteKind::Indirect, "the plan would fail")
        );
        assert_eq!(q.cue_class, Some(CueClass::Speech));
        // resolved as the rules resolve a speaker: "officials" name nobody
        assert_eq!(q.reason, Some(SpeakerReason::UnnamedSpeaker));
        assert_eq!(q.confidence, Some(0.9));
        // a rule row over the same words keeps them: nothing is added
        merge(
            &doc,
            &[],
            &mut quotes,
            found.clone(),
            CueClasses::DEFAULT,
            0.5,
        );
        assert_eq!(quotes.len(), 1);
        // under the threshold nothing is added
        let mut none = Vec::new();
        merge(&doc, &[], &mut none, found, CueClasses::DEFAULT, 0.95);
        assert!(none.is_empty());
    }

    #[test]
    fn a_pronoun_speaker_takes_the_person_before_it() {
        let text = "Nikol Pashinian spoke on Monday. He warned the plan would fail.";
        // "Nikol Pashinian spoke on Monday." is six words, then an attribution like SAID's
        let (doc, tags) = tagged(text, &[&["O"; 6][..], &SAID].concat());
        let entities = vec![Entity {
            id: 0,
            sentence: 0,
            span: Span::new(0, 15),
            text: "Nikol Pashinian".into(),
            label: crate::doc::EntityLabel::PER,
            score: 0.9,
            canonical: "Nikol Pashinian".into(),
            key: "nikol pashinian".into(),
        }];
        let found = attributions(&doc, &tags);
        let quotes = merged(&doc, &entities, &found, CueClasses::DEFAULT);
        assert_eq!(quotes.len(), 1, "{quotes:?}");
        assert_eq!(quotes[0].speaker.as_ref().map(|s| s.0.as_str()), Some("He"));
        assert_eq!(
            quotes[0].speaker_canonical.as_deref(),
            Some("Nikol Pashinian")
        );
        assert_eq!(quotes[0].reason, None);
    }

    #[test]
    fn a_rule_row_cut_short_takes_the_tagged_extent() {
        let (doc, tags) = tagged(OFFICIALS_SAID, &SAID);
        let found = attributions(&doc, &tags);
        let quotes = merged(&doc, &[], &found, CueClasses::DEFAULT);
        // the same row as the rules would give it, cut after "plan"
        let mut short = quotes[0].clone();
        short.span = Span::new(short.span.start, short.span.start + "the plan".len());
        short.text = "the plan".into();
        let mut rules = vec![short];
        merge(&doc, &[], &mut rules, found, CueClasses::DEFAULT, 0.5);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].text, "the plan would fail");
    }

    #[test]
    fn a_content_without_a_cue_is_no_attribution() {
        let (doc, tags) = tagged(
            "The plan would fail.",
            &["B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "O"],
        );
        assert!(attributions(&doc, &tags).is_empty());
        // and tags that do not fit the doc give nothing rather than a panic
        assert!(attributions(&doc, &[vec![]]).is_empty());
    }

    #[test]
    fn a_rule_row_the_tagger_does_not_read_as_said_is_dropped() {
        let (doc, agrees) = tagged(OFFICIALS_SAID, &SAID);
        let (_, disagrees) = tagged(OFFICIALS_SAID, &["O"; 7]);
        // the rules' row, with no confidence yet (no quote model ran)
        let mut row = merged(&doc, &[], &attributions(&doc, &agrees), CueClasses::DEFAULT);
        row[0].confidence = None;
        let mut kept = row.clone();
        score_rows(&doc, &agrees, &mut kept, 0.4);
        assert_eq!(kept.len(), 1);
        assert!((kept[0].confidence.unwrap() - 0.9).abs() < 1e-6);
        let mut dropped = row.clone();
        score_rows(&doc, &disagrees, &mut dropped, 0.4);
        assert!(dropped.is_empty(), "agreement 0.1 is under 0.4");
        // a row another model scored keeps its confidence, whatever the tagger says
        let mut scored = row;
        scored[0].confidence = Some(0.8);
        score_rows(&doc, &disagrees, &mut scored, 0.4);
        assert_eq!(scored[0].confidence, Some(0.8));
    }
}
