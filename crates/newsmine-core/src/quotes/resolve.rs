//! Linking a speaker phrase to the entity it refers to.
//!
//! - names: the NER entity under the phrase's head, else an entity whose name ends in the same
//!   word ("Pashinian" → "Nikol Pashinian"), else (NER off or missed it) the fullest form of the
//!   name in the article, without a label;
//! - nominals: "a spokesman for the ministry" / "Trump's lawyer" → the one spoken for; "the
//!   ministry" → the nearest entity whose name has the head noun; "the doctor" → the name it was an
//!   apposition of ("Hugh Hill, a doctor"); "the statement" → its issuer where the article named
//!   it ("the ministry issued a statement", "a statement from the ministry", "the ministry's
//!   report", "the Fed said in its latest report", "a report published by the WHO"), else the
//!   organisation that spoke last nearby ("his report": the last person); unnamed people ("a
//!   source", "officials") stay without a name (`unnamed speaker`);
//! - pronouns: the most recent earlier speaker of a fitting sort (person for he / she, group for
//!   it / they) within two paragraphs, else the most recent fitting entity mention.
//!
//! Nothing is guessed beyond that: a speaker that resolves to nothing keeps its phrase, no
//! canonical name, and the reason `unresolved` (`SpeakerReason::Unresolved`).
use super::layout::{Layout, Tok};
use super::lexicon::class;
use super::speaker::{namey, sentence_initial, Np, NpKind};
use crate::doc::{Entity, EntityLabel, SpeakerReason};
use crate::text::Span;
use std::collections::HashMap;

/// What a speaker refers to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolved {
    pub canonical: Option<String>,
    pub label: Option<EntityLabel>,
    /// why `canonical` is `None`
    pub reason: Option<SpeakerReason>,
}

impl Resolved {
    fn unresolved(reason: SpeakerReason) -> Resolved {
        Resolved {
            canonical: None,
            label: None,
            reason: Some(reason),
        }
    }
    fn entity(e: &Entity) -> Resolved {
        Resolved {
            canonical: Some(entity_name(e).to_string()),
            label: Some(e.label),
            reason: None,
        }
    }
}

fn entity_name(e: &Entity) -> &str {
    if e.canonical.is_empty() {
        &e.text
    } else {
        &e.canonical
    }
}

/// The sort of referent, for pronoun agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Person,
    /// organisations, places, documents
    Group,
    /// plural people ("officials")
    People,
}

struct Seen {
    pos: usize,
    para: usize,
    sort: Sort,
    resolved: Resolved,
    /// the words of the phrase and its canonical name, lower case
    words: Vec<String>,
}

pub struct Resolver<'a> {
    layout: &'a Layout,
    entities: Vec<&'a Entity>,
    seen: Vec<Seen>,
    /// ("doctor", the name it described), in text order
    aliases: Vec<(String, Np)>,
    /// runs of name words in the article, for the fullest form of a name when NER is off
    names: Vec<(usize, usize)>,
    /// those runs without titles, by their last word
    by_last: HashMap<String, Vec<(usize, usize)>>,
}

/// How many earlier speakers, entity mentions and aliases a lookup considers: bounds the work on
/// very long texts (an article names far fewer).
const WINDOW: usize = 400;
/// How far back (in paragraphs) a pronoun or "the statement" looks for its referent.
const PRONOUN_REACH: usize = 2;
const DOCUMENT_REACH: usize = 3;
/// Nominal heads that speak for another: a representative, an organisation, a document.
const SPEAKS_FOR_ANOTHER: u32 = class::NOM_REP | class::NOM_ORG | class::NOM_DOC;

impl<'a> Resolver<'a> {
    pub fn new(layout: &'a Layout, entities: &'a [Entity]) -> Resolver<'a> {
        let mut entities: Vec<&Entity> = entities.iter().collect();
        entities.sort_by_key(|e| (e.span.start, e.span.end));
        let toks = &layout.toks;
        let names = name_runs(toks);
        let mut aliases = Vec::new();
        for &(first, last) in &names {
            let np = Np {
                kind: NpKind::Name,
                ..super::speaker::ending_at(toks, last, first).unwrap_or_else(|| np_of(first, last))
            };
            // "spokeswoman Melezia Figueroa"
            if first > 0
                && toks[first - 1].is(class::PERSON)
                && !toks[first - 1].cap
                && toks[first - 1].is_word()
            {
                aliases.push((toks[first - 1].lower.clone(), np.clone()));
            }
            // "Hugh Hill, a doctor, ..."
            if toks.get(last + 1).is_some_and(|t| t.is_punct(",")) {
                let seg = toks[last + 2..]
                    .iter()
                    .take(8)
                    .take_while(|t| t.is_word() && t.para == toks[last].para);
                if let Some(noun) = seg.filter(|t| t.is(class::PERSON)).last() {
                    aliases.push((noun.lower.clone(), np.clone()));
                }
            }
        }
        let mut by_last: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for &(a, b) in &names {
            let (a, b) = trimmed_name(toks, a, b);
            by_last
                .entry(strip_possessive(&toks[b].lower))
                .or_default()
                .push((a, b));
        }
        Resolver {
            layout,
            entities,
            seen: Vec::new(),
            aliases,
            names,
            by_last,
        }
    }

    /// Resolves a speaker phrase and remembers it for later pronouns.
    pub fn resolve(&mut self, np: &Np) -> Resolved {
        let r = self.lookup(np, 0);
        if r.canonical.is_some() {
            let toks = &self.layout.toks;
            let t = &toks[np.first];
            let mut words: Vec<String> = (np.first..=np.last)
                .map(|k| strip_possessive(&toks[k].lower))
                .collect();
            words.extend(r.canonical.iter().flat_map(|c| {
                c.split_whitespace()
                    .map(|w| strip_possessive(&w.to_lowercase()))
            }));
            let sort = self.sort_of(np, &r);
            self.seen.push(Seen {
                pos: t.span.start,
                para: t.para,
                sort,
                resolved: r.clone(),
                words,
            });
        }
        r
    }

    fn lookup(&self, np: &Np, depth: usize) -> Resolved {
        if depth > 3 {
            return Resolved::unresolved(SpeakerReason::Unresolved); // refers in a circle
        }
        match np.kind {
            NpKind::Relative => match &np.antecedent {
                Some(a) => self.lookup(a, depth + 1),
                None => Resolved::unresolved(SpeakerReason::Unresolved),
            },
            NpKind::Pronoun(f) => self.pronoun(np, f),
            NpKind::Name => self.name(np),
            NpKind::Nominal(f) => self.nominal(np, f, depth),
        }
    }

    fn sort_of(&self, np: &Np, r: &Resolved) -> Sort {
        let toks = &self.layout.toks;
        match (r.label, np.kind) {
            (Some(EntityLabel::PER), _) => Sort::Person,
            (Some(_), _) => Sort::Group,
            (None, NpKind::Nominal(f)) if f & class::PERSON != 0 => {
                if toks[np.head].lower.ends_with('s') {
                    Sort::People
                } else {
                    Sort::Person
                }
            }
            (None, NpKind::Nominal(_)) => Sort::Group,
            (None, NpKind::Pronoun(f)) if f & (class::PRON_M | class::PRON_F) != 0 => Sort::Person,
            (None, NpKind::Pronoun(f)) if f & class::PRON_P != 0 => Sort::People,
            (None, NpKind::Pronoun(_)) => Sort::Group,
            (None, _) => {
                // a name without NER: a group when it has an organisation or document word
                // ("Russian Foreign Ministry", "the Post") or is an acronym
                let group = (np.first..=np.last)
                    .any(|k| toks[k].is(class::NOM_ORG | class::NOM_DOC) || toks[k].upper);
                if group {
                    Sort::Group
                } else {
                    Sort::Person
                }
            }
        }
    }

    fn name(&self, np: &Np) -> Resolved {
        let toks = &self.layout.toks;
        // the phrase without its owner: "Foreign Ministry" in "Russia’s Foreign Ministry"
        let first = match np.possessor {
            Some((_, p)) if p < np.last => p + 1,
            _ => np.first,
        };
        let core = crate::text::Span::new(toks[first].span.start, toks[np.last].span.end);
        let head = toks[np.head].span;
        let upto = self.entities.partition_point(|e| e.span.start < core.end);
        let mut over: Vec<&&Entity> = self.entities[..upto]
            .iter()
            .rev()
            .take(16)
            .filter(|e| e.span.overlaps(&core))
            .collect();
        over.reverse();
        if let Some(e) = over.iter().find(|e| e.span.overlaps(&head)).or(over.last()) {
            return Resolved::entity(e);
        }
        // an entity with the same last name elsewhere in the article
        let last = strip_possessive(&toks[np.last].lower);
        let same = |e: &Entity| {
            matches!(e.label, EntityLabel::PER | EntityLabel::ORG)
                && entity_name(e)
                    .split_whitespace()
                    .last()
                    .is_some_and(|w| strip_possessive(&w.to_lowercase()) == last)
        };
        let pos = toks[np.first].span.start;
        let earlier = self.entities_before(pos).find(|e| same(e));
        if let Some(e) = earlier.or_else(|| self.entities_after(pos).find(|e| same(e))) {
            return Resolved::entity(e);
        }
        Resolved {
            canonical: Some(self.fullest_name(first, np.last)),
            label: None,
            reason: None,
        }
    }

    /// The name as written, titles and the possessive ending dropped, in its fullest form in the
    /// article ("Pashinian" → "Nikol Pashinian").
    fn fullest_name(&self, first: usize, last: usize) -> String {
        let toks = &self.layout.toks;
        let (f, l) = trimmed_name(toks, first, last);
        let text_of = |(a, b): (usize, usize)| {
            strip_possessive_text(
                &self
                    .layout
                    .text(crate::text::Span::new(toks[a].span.start, toks[b].span.end)),
            )
        };
        let key = strip_possessive(&toks[l].lower);
        let mut fuller: Vec<String> = self
            .by_last
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|&&(a, b)| b - a > l - f)
            .take(WINDOW)
            .map(|&r| text_of(r))
            .collect();
        fuller.sort_by_key(|t| std::cmp::Reverse(t.len()));
        // filled in only when the article's fuller forms agree (not "Clinton" with both "Hillary
        // Clinton" and "Bill Clinton")
        let own = text_of((f, l));
        match fuller.first() {
            Some(best) if fuller.iter().all(|t| best.ends_with(t.as_str())) => best.clone(),
            _ => own,
        }
    }

    /// Entity mentions that end before char `pos`, nearest first (a window of them).
    fn entities_before(&self, pos: usize) -> impl Iterator<Item = &'a Entity> + '_ {
        let upto = self.entities.partition_point(|e| e.span.start < pos);
        self.entities[..upto]
            .iter()
            .rev()
            .filter(move |e| e.span.end <= pos)
            .take(WINDOW)
            .copied()
    }

    /// Entity mentions that start at or after char `pos`, nearest first (a window of them).
    fn entities_after(&self, pos: usize) -> impl Iterator<Item = &'a Entity> + '_ {
        let from = self.entities.partition_point(|e| e.span.start < pos);
        self.entities[from..].iter().take(WINDOW).copied()
    }

    fn pronoun(&self, np: &Np, f: u32) -> Resolved {
        if f & class::PRON_X != 0 {
            return Resolved::unresolved(SpeakerReason::FirstOrSecondPerson);
        }
        let toks = &self.layout.toks;
        let t = &toks[np.first];
        let fits = |s: Sort| match f {
            _ if f & (class::PRON_M | class::PRON_F) != 0 => s == Sort::Person,
            _ if f & class::PRON_N != 0 => s == Sort::Group,
            _ => s != Sort::Person,
        };
        // "they" is read within its paragraph only: it so often means a group never named as such
        let reach = if f & class::PRON_P != 0 {
            0
        } else {
            PRONOUN_REACH
        };
        let recent = self
            .seen
            .iter()
            .rev()
            .find(|s| s.pos < t.span.start && s.para + reach >= t.para && fits(s.sort));
        if let Some(s) = recent {
            return s.resolved.clone();
        }
        if self.entities.is_empty() && f & (class::PRON_M | class::PRON_F) != 0 {
            // without NER: the last person-like name that opened a sentence nearby ("Mary Jones
            // spoke at length. … she said")
            let upto = self
                .names
                .partition_point(|&(a, _)| toks[a].span.start < t.span.start);
            let subject = self.names[..upto]
                .iter()
                .rev()
                .take(WINDOW)
                .find(|&&(a, b)| {
                    toks[a].span.end <= t.span.start
                        && toks[a].para + reach >= t.para
                        && b > a
                        && sentence_initial(toks, a)
                        && !(a..=b)
                            .any(|k| toks[k].is(class::NOM_ORG | class::NOM_DOC) || toks[k].upper)
                });
            if let Some(&(a, b)) = subject {
                return Resolved {
                    canonical: Some(self.fullest_name(a, b)),
                    label: None,
                    reason: None,
                };
            }
        }
        let label_fits = |l: EntityLabel| match f {
            _ if f & (class::PRON_M | class::PRON_F) != 0 => l == EntityLabel::PER,
            _ => l == EntityLabel::ORG,
        };
        let mention = self.entities_before(t.span.start).find(|e| {
            label_fits(e.label) && self.layout.paragraph_at(e.span.start) + reach.min(1) >= t.para
        });
        match mention {
            Some(e) => Resolved::entity(e),
            None => Resolved::unresolved(SpeakerReason::Unresolved),
        }
    }

    /// A nominal phrase with the `class::NOM_*` flags `f` of its head.
    fn nominal(&self, np: &Np, f: u32, depth: usize) -> Resolved {
        if let Some(r) = self.spoken_for(np, f, depth) {
            return r;
        }
        if let Some(r) = self.by_head(np, f, depth) {
            return r;
        }
        if let Some(r) = self.issuer_of_document(np, f, depth) {
            return r;
        }
        Resolved::unresolved(if f & class::PERSON != 0 {
            SpeakerReason::UnnamedSpeaker
        } else {
            SpeakerReason::Unresolved
        })
    }

    /// "a spokesman for the ministry", "a source at the ministry", "Trump's lawyer", "the
    /// ministry’s statement": the one spoken for, or the owner.
    fn spoken_for(&self, np: &Np, f: u32, depth: usize) -> Option<Resolved> {
        let toks = &self.layout.toks;
        let for_another = f & SPEAKS_FOR_ANOTHER != 0;
        if let Some(of) = &np.of {
            let r = self.lookup(of, depth + 1);
            if r.canonical.is_some() && for_another {
                return Some(r);
            }
        }
        let (a, b) = np.possessor.filter(|_| for_another)?;
        let owner = super::speaker::ending_at(toks, b, a).unwrap_or_else(|| np_of(a, b));
        let r = self.lookup(&owner, depth + 1);
        r.canonical.is_some().then_some(r)
    }

    /// "the ministry" → the nearest entity (else earlier speaker) whose name has the head noun,
    /// earlier ones first; "the doctor" → the name it was an apposition of ("Hugh Hill, a
    /// doctor").
    fn by_head(&self, np: &Np, f: u32, depth: usize) -> Option<Resolved> {
        let toks = &self.layout.toks;
        let t = &toks[np.first];
        let head = strip_possessive(&toks[np.head].lower);
        if f & class::PERSON != 0 {
            let (_, name) =
                self.aliases.iter().rev().find(|(noun, name)| {
                    *noun == head && toks[name.first].span.start < t.span.start
                })?;
            return Some(self.lookup(name, depth + 1));
        }
        let has_head = |name: &str| {
            name.split_whitespace()
                .any(|w| strip_possessive(&w.to_lowercase()) == head)
        };
        let before = self.entities_before(t.span.start);
        let after = self.entities_after(t.span.start);
        let hit = before.chain(after).find(|e| {
            e.label != EntityLabel::PER && (has_head(entity_name(e)) || has_head(&e.text))
        });
        if let Some(e) = hit {
            return Some(Resolved::entity(e));
        }
        self.seen
            .iter()
            .rev()
            .find(|s| s.pos < t.span.start && s.words.contains(&head))
            .map(|s| s.resolved.clone())
    }

    /// A document or organisation phrase: the name in it ("a New York Times/CBS News poll",
    /// "the Clinton campaign"); for a definite document ("the statement") its issuer where the
    /// article named it, else whoever spoke last nearby.
    fn issuer_of_document(&self, np: &Np, f: u32, depth: usize) -> Option<Resolved> {
        let toks = &self.layout.toks;
        let t = &toks[np.first];
        if f & (class::NOM_DOC | class::NOM_ORG) != 0 {
            let names: Vec<usize> = (np.first..np.head).filter(|&k| namey(toks, k)).collect();
            if let (Some(&a), Some(&b)) = (names.first(), names.last()) {
                return Some(self.name(&Np::new(a, b, b, NpKind::Name)));
            }
        }
        let definite = matches!(
            t.lower.as_str(),
            "the" | "this" | "that" | "these" | "its" | "their" | "his" | "her"
        );
        if f & class::NOM_DOC == 0 || !definite {
            return None;
        }
        if let Some(r) = self.issuer(np, depth) {
            return Some(r);
        }
        // "the report said" with no issuer named: the organisation that spoke last nearby; "his
        // report", "their statement": the last fitting speaker, as for a pronoun. A person who
        // spoke last is rather someone quoted about "the report" than its author.
        let fits = |s: Sort| match t.lower.as_str() {
            "his" | "her" => s == Sort::Person,
            "their" => s != Sort::Person,
            _ => s == Sort::Group,
        };
        self.seen
            .iter()
            .rev()
            .find(|s| s.pos < t.span.start && s.para + DOCUMENT_REACH >= t.para && fits(s.sort))
            .map(|s| s.resolved.clone())
    }

    /// The issuer of a document the article named before `np` ("the statement"), within
    /// `DOCUMENT_REACH` paragraphs: at the nearest earlier mention of the same noun that names
    /// one (`issuer_at`) and resolves.
    fn issuer(&self, np: &Np, depth: usize) -> Option<Resolved> {
        let toks = &self.layout.toks;
        let head = strip_possessive(&toks[np.head].lower);
        let para = toks[np.first].para;
        (0..np.first)
            .rev()
            .take(WINDOW * 4)
            .take_while(|&k| toks[k].para + DOCUMENT_REACH >= para)
            .filter(|&k| toks[k].is_word() && toks[k].quote.is_none() && toks[k].lower == head)
            .filter_map(|k| self.issuer_at(k))
            .find_map(|issuer| {
                // a document naming a document goes on to its issuer, within the depth bound
                let r = self.lookup(&issuer, depth + 1);
                r.canonical.is_some().then_some(r)
            })
    }

    /// The phrase that issued the document mentioned at token `k`, by the first of these that
    /// fits: its owner ("the ministry's statement"), the one after "from", "by" or "of" ("a
    /// statement from the ministry"), the subject of the verb that issued it ("the ministry
    /// issued a statement"), the agent of a participle ("a report published on Thursday by the
    /// WHO", "the survey is published by Context"), or the one who spoke in it ("the Fed said in its
    /// latest report", "In a statement, the club said").
    fn issuer_at(&self, k: usize) -> Option<Np> {
        let toks = &self.layout.toks;
        let (lo, hi) = self.layout.sentence_toks(toks[k].sent);
        let speaking = |o: &Np| !matches!(o.kind, NpKind::Pronoun(_) | NpKind::Relative);
        owner_of(toks, k, lo)
            .or_else(|| {
                let by = k + 2 < hi && matches!(toks[k + 1].lower.as_str(), "from" | "by" | "of");
                by.then(|| super::speaker::starting_at(toks, k + 2, hi).filter(speaking))
                    .flatten()
            })
            .or_else(|| issuing_subject(toks, k, lo))
            .or_else(|| agent_of(toks, k, hi).filter(speaking))
            .or_else(|| spoke_in(toks, k, lo, hi))
    }
}

/// "the ministry's statement", "Russia's Foreign Ministry's statement": the name that owns the
/// document mentioned at `k`.
fn owner_of(toks: &[Tok], k: usize, lo: usize) -> Option<Np> {
    if k == lo || !toks[k - 1].possessive() || !namey(toks, k - 1) {
        return None;
    }
    let mut a = k - 1;
    while a > lo && namey(toks, a - 1) && !toks[a - 1].possessive() {
        a -= 1;
    }
    Some(Np::new(a, k - 1, k - 1, NpKind::Name))
}

/// "a report published on Thursday by the World Economic Forum", "the survey is published by
/// Context", "a study carried out by Ipsos": the phrase after "by" that follows a participle of
/// issuing within a few words of the mention at `k`.
fn agent_of(toks: &[Tok], k: usize, hi: usize) -> Option<Np> {
    let by = (k + 1..hi.min(k + 8))
        .take_while(|&m| toks[m].is_word() || toks[m].is_punct(","))
        .find(|&m| toks[m].lower == "by")?;
    let issued = (k + 1..by).any(|m| {
        let w = toks[m].lower.as_str();
        ISSUING.contains(&w) || PRODUCED.contains(&w)
    });
    issued
        .then(|| super::speaker::starting_at(toks, by + 1, hi))
        .flatten()
}

/// "the ministry issued a statement", "Amnesty published its report on Monday": the subject of
/// an issuing verb a few words before the mention at `k`.
fn issuing_subject(toks: &[Tok], k: usize, lo: usize) -> Option<Np> {
    let v = (lo..k)
        .rev()
        .take(4)
        .find(|&v| toks[v].is_word() && ISSUING.contains(&toks[v].lower.as_str()))?;
    let between_ok =
        (v + 1..k).all(|m| toks[m].is(class::DET) || toks[m].possessive() || !toks[m].cap);
    between_ok
        .then(|| super::speaker::subject_before(toks, v, lo))
        .flatten()
        .filter(|o| !o.kind.first_or_second_person())
}

/// "the US Federal Reserve said in its latest Beige Book report", "In a statement, the club
/// said": the speaker of a speech verb right before "in … <document>", or the phrase after the
/// comma when "in … <document>" opens the sentence.
fn spoke_in(toks: &[Tok], k: usize, lo: usize, hi: usize) -> Option<Np> {
    let p = (lo..k)
        .rev()
        .take(6)
        .take_while(|&m| toks[m].is_word() && toks[m].quote.is_none())
        .find(|&m| toks[m].lower == "in")?;
    let phrase_ok = (p + 1..k).all(|m| !toks[m].is(class::CUE | class::TOLD));
    if !phrase_ok {
        return None;
    }
    let speaker = if p == lo {
        if k + 2 >= hi || !toks[k + 1].is_punct(",") {
            return None;
        }
        super::speaker::starting_at(toks, k + 2, hi)
    } else {
        let v = p - 1;
        let verb = toks[v].is_word() && toks[v].is(class::VERB) && !toks[v].cap;
        verb.then(|| super::speaker::subject_before(toks, v, lo))
            .flatten()
    };
    speaker.filter(|o| o.kind != NpKind::Relative && !o.kind.first_or_second_person())
}

/// Verbs that issue a document ("the ministry issued a statement").
const ISSUING: [&str; 12] = [
    "issued",
    "released",
    "published",
    "posted",
    "sent",
    "circulated",
    "distributed",
    "put",
    "produced",
    "filed",
    "unveiled",
    "issues",
];

/// Participles that name the maker of a document before "by" ("a survey carried out by Ipsos").
const PRODUCED: [&str; 7] = [
    "commissioned",
    "conducted",
    "compiled",
    "carried",
    "prepared",
    "written",
    "undertaken",
];

fn np_of(first: usize, last: usize) -> Np {
    Np::new(first, last, last, NpKind::Name)
}

/// A person's name without the titles before it ("Armenian Prime Minister Nikol Pashinian",
/// "Sen. Elizabeth Warren"); initials stay ("Robert E. Lee"); organisations stay whole.
fn trimmed_name(toks: &[Tok], first: usize, last: usize) -> (usize, usize) {
    let person = !(first..=last).any(|k| toks[k].is(class::NOM_ORG | class::NOM_DOC));
    let title = |k: usize| {
        toks[k].is(class::NOMINAL)
            || (toks[k].lower.ends_with('.') && toks[k].lower.chars().count() > 2)
    };
    match (first..last).rev().find(|&k| title(k)) {
        Some(k) if person => (k + 1, last),
        _ => (first, last),
    }
}

/// Runs of name words in the whole article.
fn name_runs(toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if !namey(toks, k) || toks[k].quote.is_some() {
            k += 1;
            continue;
        }
        let mut e = k;
        while e + 1 < toks.len()
            && toks[e + 1].para == toks[k].para
            && namey(toks, e + 1)
            && !toks[e].possessive()
        {
            e += 1;
        }
        out.push((k, e));
        k = e + 1;
    }
    out
}

fn strip_possessive(w: &str) -> String {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
        .to_string()
}

fn strip_possessive_text(w: &str) -> String {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .or_else(|| w.strip_suffix("'S"))
        .unwrap_or(w)
        .to_string()
}

/// Resolves the speakers of the rows `redo` marks as the rule stage resolves its own: every
/// row's speaker phrase is read in text order (so a pronoun sees the speakers before it), and
/// the marked rows take the result — canonical name, label and reason. For rows another stage
/// added (the quote tagger) beside the rules' rows; the others are left as they are.
pub fn resolve_speakers(
    doc: &crate::doc::Doc,
    entities: &[Entity],
    quotes: &mut [crate::doc::Quote],
    redo: &[bool],
) {
    let Some(layout) = Layout::builtin(doc) else {
        return;
    };
    let toks = &layout.toks;
    let mut order: Vec<(Span, usize)> = quotes
        .iter()
        .enumerate()
        .filter_map(|(k, q)| q.speaker.as_ref().map(|(_, s)| (*s, k)))
        .collect();
    order.sort_by_key(|&(s, k)| (s.start, s.end, k));
    let mut resolver = Resolver::new(&layout, entities);
    for (span, k) in order {
        // the tokens of the phrase
        let first = toks.partition_point(|t| t.span.end <= span.start);
        let end = toks.partition_point(|t| t.span.start < span.end);
        if first >= end {
            continue;
        }
        let np = super::speaker::ending_at(toks, end - 1, first)
            .unwrap_or_else(|| np_of(first, end - 1));
        let r = resolver.resolve(&np);
        if redo.get(k).copied().unwrap_or(false) {
            let q = &mut quotes[k];
            q.speaker_canonical = r.canonical;
            q.speaker_label = r.label;
            q.reason = r.reason;
        }
    }
}
