//! What every pass reads and none changes: the article's tokens and quotations (with the token of
//! each quotation's marks), the lexicon and the settings; and the small token tests the passes
//! share (adverbials, participles, separators, long quotations).
use super::super::layout::{Kind, Layout, Tok};
use super::super::lexicon::{class, Lexicon};
use super::super::speaker::{self, namey};
use super::super::QuotesConfig;

/// Words that may stand between a cue and a late "that" ("said in an interview with CNN that").
pub(super) const LINK_WORDS: [&str; 6] = ["with", "to", "from", "for", "of", "by"];
/// Object pronouns after "told" and the like.
pub(super) const HEARER_PRONOUNS: [&str; 6] = ["him", "her", "them", "me", "us", "you"];
/// A content clause never starts with these: the cue was used otherwise ("asked about", "told to").
pub(super) const NOT_CONTENT: [&str; 20] = [
    "to", "about", "for", "with", "by", "of", "on", "in", "at", "from", "into", "as", "up", "out",
    "over", "off", "so", "and", "or", "but",
];
/// Subject pronouns that open a content clause without "that" ("she believes they ...").
pub(super) const CLAUSE_PRONOUNS: [&str; 7] = ["he", "she", "it", "they", "we", "i", "you"];
/// The longest clause considered, in tokens: bounds the work on text without sentence breaks.
pub(super) const MAX_CLAUSE_TOKENS: usize = 200;

pub(super) struct Ctx<'a> {
    pub cfg: &'a QuotesConfig,
    pub lex: &'a Lexicon,
    pub l: &'a Layout,
    pub toks: &'a [Tok],
    /// the token of each quotation's opening mark
    open_tok: Vec<Option<usize>>,
    /// the token of each quotation's closing mark (`None` for a quotation left open)
    close_tok: Vec<Option<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn new(cfg: &'a QuotesConfig, lex: &'a Lexicon, l: &'a Layout) -> Ctx<'a> {
        let n = l.quotes.len();
        let mut open_tok = vec![None; n];
        let mut close_tok = vec![None; n];
        for (k, t) in l.toks.iter().enumerate() {
            match (t.kind, t.quote) {
                (Kind::Open, Some(q)) => open_tok[q] = Some(k),
                (Kind::Close, Some(q)) => close_tok[q] = Some(k),
                _ => {}
            }
        }
        Ctx {
            cfg,
            lex,
            l,
            toks: &l.toks,
            open_tok,
            close_tok,
        }
    }

    /// The token of quotation `q`'s opening mark.
    pub fn open_of(&self, q: usize) -> Option<usize> {
        self.open_tok[q]
    }

    /// The token of quotation `q`'s closing mark.
    pub fn close_of(&self, q: usize) -> Option<usize> {
        self.close_tok[q]
    }

    /// Token `m` is a mark of a quotation with no closing mark.
    pub fn marks_unclosed(&self, m: usize) -> bool {
        let t = &self.toks[m];
        t.is_mark() && t.quote.is_some_and(|q| self.close_tok[q].is_none())
    }

    /// The number of word tokens inside quotation `q`, whose opening mark is token `o`.
    pub fn quote_words(&self, q: usize, o: usize) -> usize {
        let inner = self.l.quotes[q].inner;
        self.toks[o + 1..]
            .iter()
            .take_while(|w| w.span.end <= inner.end)
            .filter(|w| w.is_word())
            .count()
    }

    /// Token `m` opens a quotation of more than four words (a statement, not a title).
    pub fn long_quote_opens(&self, m: usize) -> bool {
        let t = &self.toks[m];
        match (t.kind, t.quote) {
            (Kind::Open, Some(q)) => self.quote_words(q, m) > 4,
            _ => false,
        }
    }

    /// The quotation that tokens `[a, b)` are, marks included, if they are one.
    pub fn whole_quote(&self, a: usize, b: usize) -> Option<usize> {
        let q = self.toks[a]
            .quote
            .filter(|_| self.toks[a].kind == Kind::Open)?;
        (self.close_tok[q] == Some(b - 1)).then_some(q)
    }

    /// Token `i` is a participle ("adding", "saying"): its subject is another clause's.
    pub fn participle(&self, i: usize) -> bool {
        self.toks[i].lower.ends_with("ing")
    }

    /// Token `m` may be part of an adverbial or a hearer between a cue and its content: a time
    /// or determiner word, a name, a possessive, a number or a linking preposition.
    pub fn adverbial_word(&self, m: usize) -> bool {
        let t = &self.toks[m];
        t.is_word()
            && (t.is(class::TIME | class::DET)
                || namey(self.toks, m)
                || t.possessive()
                || t.lower.chars().all(|c| c.is_ascii_digit())
                || LINK_WORDS.contains(&t.lower.as_str()))
    }

    /// Token `m` opens a prepositional phrase or a conjunction ("in introducing Mr. Cruz", "as
    /// he launched", "on the other hand"): a stop word that is no determiner, pronoun or relative.
    pub fn opens_adjunct(&self, m: usize) -> bool {
        let t = &self.toks[m];
        t.is(class::STOP) && !t.is(class::DET | class::PRONOUN | class::RELATIVE)
    }

    /// Where a hearer after a "told" verb ends: after an object pronoun or a speaker phrase
    /// starting at `k` (not reaching `hi`); `k` itself when there is none.
    pub fn after_hearer(&self, k: usize, hi: usize) -> usize {
        if HEARER_PRONOUNS.contains(&self.toks[k].lower.as_str()) {
            k + 1
        } else if let Some(np) = speaker::starting_at(self.toks, k, hi) {
            np.last + 1
        } else {
            k
        }
    }

    /// Tokens `[a, b)` hold only adverbials, names, numbers and commas ("Thursday morning on Fox
    /// News", "in a statement"), after a hearer for "told" verbs.
    pub fn skippable(&self, a: usize, b: usize, told: bool) -> bool {
        let k = if told && a < b {
            self.after_hearer(a, b)
        } else {
            a
        };
        b - k <= 10 && (k..b).all(|m| self.adverbial_word(m) || self.toks[m].is_punct(","))
    }
}

/// A comma or dash between a quotation and its attribution.
pub(super) fn is_separator(t: &Tok) -> bool {
    t.is_punct(",") || is_dash(t)
}

/// "before asking", "while saying", "after telling": the participle's subject is the main clause's.
pub(super) fn is_adverbial_conjunction(t: &Tok) -> bool {
    t.is_word()
        && matches!(
            t.lower.as_str(),
            "before" | "after" | "while" | "when" | "by" | "in" | "without"
        )
}

pub(super) fn is_dash(t: &Tok) -> bool {
    t.kind == Kind::Punct && matches!(t.lower.as_str(), "—" | "–" | "-" | "―")
}

/// Token `k` ends the clause before an attribution: a comma, or a closing mark after a comma.
pub(super) fn ends_clause(toks: &[Tok], k: usize) -> bool {
    toks[k].is_punct(",") || (toks[k].kind == Kind::Close && k > 0 && toks[k - 1].is_punct(","))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{layout, tok};
    use super::*;
    use crate::quotes::QuotesConfig;

    #[test]
    fn quotation_marks_and_their_tokens() {
        let l = layout("“Stop it now, all of you,” she said, “or “else.”");
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let o = cx.open_of(0).unwrap();
        assert_eq!(o, 0);
        assert_eq!(cx.quote_words(0, o), 6);
        assert!(cx.long_quote_opens(o));
        let c = cx.close_of(0).unwrap();
        assert_eq!(cx.whole_quote(o, c + 1), Some(0));
        assert_eq!(cx.whole_quote(o, c), None);
    }

    #[test]
    fn adverbials_and_hearers() {
        let l = layout("Hill told reporters on Friday morning in Paris that it was over.");
        let cfg = QuotesConfig::default();
        let cx = Ctx::new(&cfg, Lexicon::builtin().unwrap(), &l);
        let told = tok(&l, "told");
        let that = tok(&l, "that");
        assert_eq!(cx.after_hearer(told + 1, that), told + 2);
        assert!(cx.skippable(told + 1, that, true));
        assert!(!cx.skippable(told + 1, that, false));
        assert!(cx.opens_adjunct(tok(&l, "on")));
        assert!(!cx.opens_adjunct(tok(&l, "it")));
        assert!(!is_separator(&l.toks[that]));
        assert!(ends_clause(&layout("A, b").toks, 1));
    }
}
