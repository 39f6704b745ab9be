//! The extraction proper, in passes over one article that share what they found (`Found`) and
//! read one context (`Ctx`: the tokens, the quotations, the lexicon and the settings):
//!
//! 1. **quotations** (`direct`): each quoted span looks for its attribution right after it
//!    (`“…,” the ministry said` / `“…,” said Hill` / `“…,” according to X`) or right before it
//!    behind a colon, comma or dash (`Hill said: “…”`, `Hill said:¶“…”`); then headlines and
//!    transcripts that open a paragraph with a speaker and a colon (`heads`);
//! 2. **reported speech** (`reported`): every cue outside quotations with a subject before it and
//!    a content clause after it (`X said on Friday that …`, `X told reporters …`), or a clause
//!    before it (`…, sources said.`, `…, said X.`), or `according to X`; participles after a
//!    comma (`…, adding that …`) take the subject of their main clause (`subject`); intent and
//!    object cues take an infinitive (`X wants to …`, `X urged Y to …`) or their object (`X
//!    endorsed Y`, `X called for Y`) as content (`complement`). Where a content clause starts and
//!    ends, and whether it is direct, mixed or indirect, is `clause`'s; a clause that contains
//!    quoted text is a **mixed** quote and takes those quotations in;
//! 3. **the rest of the quotations** (`unattributed`): titles and scare quotes (one or two words)
//!    are dropped; the others keep the speaker of the previous statement in their paragraph
//!    (consecutive quotes) or, opening a paragraph, of the previous paragraph; else they have no
//!    speaker and say why;
//! 4. **output** (`assemble`): speakers are resolved in text order and the rows built.
//!
//! The order matters: a pass sees the cues and quotations the earlier ones took (`Found`), and
//! the rows keep the order in which statements were found when two have the same span.
mod assemble;
mod clause;
mod complement;
mod context;
mod cues;
mod direct;
mod heads;
mod reported;
mod subject;
mod unattributed;

use super::lexicon::{CueClass, Lexicon};
use super::marks::Limits;
use super::speaker::Np;
use super::{Quote, QuoteKind, QuotesConfig, SpeakerReason};
use crate::doc::Entity;
use crate::text::{Doc, Span};
use context::Ctx;
use std::collections::BTreeMap;

/// The quotes of one article, in text order (see the module header for the passes).
pub fn extract(cfg: &QuotesConfig, lex: &Lexicon, doc: &Doc, entities: &[Entity]) -> Vec<Quote> {
    let limits = Limits {
        max_chars: cfg.max_quote_chars.max(1),
        max_paragraphs: cfg.max_quote_paragraphs.max(1),
    };
    let layout = super::layout::Layout::new(doc, lex, limits);
    let cx = Ctx::new(cfg, lex, &layout);
    let mut found = Found::new(&cx);
    direct::find(&cx, &mut found);
    heads::find(&cx, &mut found);
    if cfg.include_indirect {
        reported::find(&cx, &mut found);
    }
    unattributed::find(&cx, &mut found);
    assemble::quotes(&cx, found, entities)
}

/// The first and last token of a cue (inclusive).
type CueToks = (usize, usize);

/// One statement before output.
#[derive(Clone, Debug)]
struct Stmt {
    kind: QuoteKind,
    span: Span,
    /// first and last token of the cue
    cue: Option<CueToks>,
    /// the class of the cue in the role it played here
    class: Option<CueClass>,
    speaker: Option<Np>,
    /// why there is no speaker
    reason: Option<SpeakerReason>,
}

impl Stmt {
    /// A statement with its cue and speaker.
    fn attributed(kind: QuoteKind, span: Span, cue: CueToks, class: CueClass, speaker: Np) -> Stmt {
        Stmt {
            kind,
            span,
            cue: Some(cue),
            class: Some(class),
            speaker: Some(speaker),
            reason: None,
        }
    }
}

/// What the passes have found so far: the statements, and the cue tokens and quotations they
/// took (a later pass leaves those alone).
struct Found {
    stmts: Vec<Stmt>,
    /// the speaker of each cue token used so far, for participles in the same sentence
    cue_speakers: BTreeMap<usize, Np>,
    /// tokens that are the cue of a statement already
    used: Vec<bool>,
    /// quotations that are a statement or part of one already
    consumed: Vec<bool>,
}

impl Found {
    fn new(cx: &Ctx) -> Found {
        Found {
            stmts: Vec::new(),
            cue_speakers: BTreeMap::new(),
            used: vec![false; cx.toks.len()],
            consumed: vec![false; cx.l.quotes.len()],
        }
    }

    fn push(&mut self, stmt: Stmt) {
        if let (Some((c, _)), Some(np)) = (stmt.cue, &stmt.speaker) {
            self.cue_speakers.entry(c).or_insert_with(|| np.clone());
        }
        self.stmts.push(stmt);
    }

    /// Token `i` is the cue (or part of the cue) of a statement already.
    fn is_used(&self, i: usize) -> bool {
        self.used[i]
    }

    fn mark_used(&mut self, (a, b): CueToks) {
        for u in &mut self.used[a..=b] {
            *u = true;
        }
    }

    /// The speaker of the last cue in tokens `[lo, i)` that has one.
    fn last_speaker_in(&self, lo: usize, i: usize) -> Option<&Np> {
        self.cue_speakers.range(lo..i).next_back().map(|(_, np)| np)
    }
}

/// Test helpers shared by the passes' unit tests.
#[cfg(test)]
mod testing {
    use super::*;
    use crate::quotes::CueClasses;
    use crate::text::{analyse, TextConfig};

    /// (text, cue class) of the statements of `text`, with the cue classes `classes`.
    pub fn rows(text: &str, classes: CueClasses) -> Vec<(String, Option<CueClass>)> {
        quotes(text, classes)
            .into_iter()
            .map(|q| (q.text, q.cue_class))
            .collect()
    }

    /// The quotes of `text` with the cue classes `classes`, no entities.
    pub fn quotes(text: &str, classes: CueClasses) -> Vec<Quote> {
        let cfg = QuotesConfig {
            classes,
            ..QuotesConfig::default()
        };
        let doc = analyse(text, &TextConfig::default());
        extract(&cfg, Lexicon::builtin().unwrap(), &doc, &[])
    }

    /// (kind, text, cue, speaker) of the statements of `text` with the default classes.
    pub fn kinds(text: &str) -> Vec<(QuoteKind, String, String, String)> {
        quotes(text, CueClasses::DEFAULT)
            .into_iter()
            .map(|q| {
                let cue = q.cue.map(|c| c.0).unwrap_or_default();
                let sp = q.speaker.map(|s| s.0).unwrap_or_default();
                (q.kind, q.text, cue, sp)
            })
            .collect()
    }

    /// The layout of `text` with the built-in lexicon, for tests of one pass's helpers.
    pub fn layout(text: &str) -> crate::quotes::layout::Layout {
        let doc = analyse(text, &TextConfig::default());
        let limits = Limits {
            max_chars: 6000,
            max_paragraphs: 12,
        };
        crate::quotes::layout::Layout::new(&doc, Lexicon::builtin().unwrap(), limits)
    }

    /// The index of the first token whose lower-case text is `word`.
    pub fn tok(l: &crate::quotes::layout::Layout, word: &str) -> usize {
        l.toks.iter().position(|t| t.lower == word).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::rows;
    use super::*;
    use crate::quotes::CueClasses;

    #[test]
    fn figures_objects_and_things_are_no_statements() {
        for text in [
            "The CAC 40 added 0.3 per cent to 4,512.33 points.",
            "Royal Bank reported a profit of $3.3-billion.",
            "The airline reported a loss.",
            "Clinton maintains a commanding lead in the polls.",
            "The building suggests that the architect loved light.",
            "She stood on the deck, feeling it rise and fall.",
            "She won 20 pledged delegates in the state.",
            "Sanders lost Ohio to Hillary Clinton, who added to her delegate lead.",
        ] {
            assert!(rows(text, CueClasses::ALL).is_empty(), "{text}");
        }
        assert_eq!(
            rows(
                "Police said 50 people died in the attack.",
                CueClasses::DEFAULT
            ),
            [(
                "50 people died in the attack".into(),
                Some(CueClass::Speech)
            )]
        );
        assert_eq!(
            rows(
                "An ad in 2008 questioned whether Obama was ready.",
                CueClasses::DEFAULT
            ),
            [("whether Obama was ready".into(), Some(CueClass::Speech))]
        );
    }

    #[test]
    fn a_left_out_class_is_no_cue() {
        let text = "The hikers decided to grab a bite before the climb.";
        assert!(rows(text, CueClasses::DEFAULT).is_empty());
        assert_eq!(
            rows(text, CueClasses::ALL),
            [(
                "to grab a bite before the climb".into(),
                Some(CueClass::Intention)
            )]
        );
    }

    #[test]
    fn the_passes_share_what_they_took() {
        // pass 1 takes the quotation and its cue; pass 2 does not attribute it a second time
        let qs = super::testing::quotes("“We will win,” Hill said.", CueClasses::DEFAULT);
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].kind, QuoteKind::Direct);
        assert_eq!(qs[0].text, "We will win,");
    }
}
