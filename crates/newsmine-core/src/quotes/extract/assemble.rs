//! Pass 4: the rows. Statements are put in text order (one per span: the first found wins),
//! speakers are resolved in the order they are mentioned, so that a pronoun sees what came
//! before it, and each statement becomes a [`Quote`].
use super::super::resolve::{Resolved, Resolver};
use super::super::speaker::Np;
use super::super::{Quote, SpeakerReason};
use super::context::Ctx;
use super::{CueToks, Found, Stmt};
use crate::doc::Entity;
use crate::text::Span;
use std::collections::HashMap;

/// The quotes of the statements found, in text order.
pub(super) fn quotes(cx: &Ctx, found: Found, entities: &[Entity]) -> Vec<Quote> {
    let mut stmts = found.stmts;
    stmts.sort_by_key(|s| (s.span.start, s.span.end));
    stmts.dedup_by_key(|s| s.span);
    let resolved = resolve_speakers(cx, &stmts, entities);
    stmts
        .iter()
        .enumerate()
        .map(|(id, s)| {
            let r = s
                .speaker
                .as_ref()
                .and_then(|np| resolved.get(&(np.first, np.last)))
                .cloned()
                .unwrap_or_default();
            row(cx, id, s, r)
        })
        .collect()
}

/// Each speaker phrase resolved, by its first and last token, in the order of the text.
fn resolve_speakers(
    cx: &Ctx,
    stmts: &[Stmt],
    entities: &[Entity],
) -> HashMap<(usize, usize), Resolved> {
    let mut resolver = Resolver::new(cx.l, entities);
    let mut mentions: Vec<&Np> = stmts.iter().filter_map(|s| s.speaker.as_ref()).collect();
    mentions.sort_by_key(|np| (np.first, np.last));
    mentions.dedup_by_key(|np| (np.first, np.last));
    mentions
        .into_iter()
        .map(|np| ((np.first, np.last), resolver.resolve(np)))
        .collect()
}

/// The row of statement `s` (number `id`) whose speaker resolved to `r`.
fn row(cx: &Ctx, id: usize, s: &Stmt, r: Resolved) -> Quote {
    let (toks, l) = (cx.toks, cx.l);
    let span_of = |(a, b): CueToks| Span::new(toks[a].span.start, toks[b].span.end);
    let cue = s.cue.map(|c| (l.text(span_of(c)), span_of(c)));
    // as written ("who" too: its canonical name says whom it stands for)
    let speaker = s.speaker.as_ref().map(|np| {
        let span = np.span(toks);
        (l.text(span), span)
    });
    let reason = match &speaker {
        None => Some(s.reason.unwrap_or(SpeakerReason::NoSpeakerFound)),
        Some(_) => r.reason,
    };
    Quote {
        id,
        kind: s.kind,
        span: s.span,
        text: l.text(s.span),
        cue,
        cue_class: s.class.filter(|_| s.cue.is_some()),
        speaker,
        speaker_canonical: r.canonical,
        speaker_label: r.label,
        reason,
        paragraph: l.paragraph_at(s.span.start),
        sentence: l.sentence_at(s.span.start),
        confidence: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::quotes;
    use crate::quotes::{CueClasses, SpeakerReason};

    #[test]
    fn rows_are_in_text_order_with_resolved_speakers() {
        let qs = quotes(
            "Jane Smith spoke first. “We will rebuild,” she said. Officials said the bridge was safe.",
            CueClasses::DEFAULT,
        );
        let rows: Vec<(usize, &str, Option<&str>, Option<SpeakerReason>)> = qs
            .iter()
            .map(|q| {
                (
                    q.id,
                    q.text.as_str(),
                    q.speaker_canonical.as_deref(),
                    q.reason,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (0, "We will rebuild,", Some("Jane Smith"), None),
                (
                    1,
                    "the bridge was safe",
                    None,
                    Some(SpeakerReason::UnnamedSpeaker),
                ),
            ]
        );
        assert!(qs.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        assert_eq!(qs[0].paragraph, 0);
        assert_eq!(qs[0].sentence, 1);
    }
}
