//! Linking mentions within an article to one canonical name, and a key for counting across
//! articles: "Pashinian" → "Nikol Pashinian", "Russia's" → "Russia", "TWG" → "Trilateral Working
//! Group", and "the ministry" → "Russian Foreign Ministry" when an earlier ORG ends in "Ministry".
use super::{Entity, EntityLabel};
use crate::text::{CharIndex, Doc, Span};

/// Head nouns that a definite description ("the ministry") uses to refer back to an organisation
/// or place named earlier in the article.
const NOMINAL_HEADS: &[&str] = &[
    "ministry",
    "government",
    "company",
    "party",
    "court",
    "council",
    "committee",
    "agency",
    "bank",
    "army",
    "commission",
    "parliament",
    "office",
    "department",
    "union",
    "organization",
    "organisation",
    "administration",
    "embassy",
    "alliance",
    "group",
    "firm",
    "club",
    "university",
    "senate",
    "assembly",
    "cabinet",
    "kremlin",
    "coalition",
    "federation",
    "league",
    "institute",
    "foundation",
    "corporation",
    "court",
    "police",
    "navy",
];

/// Strips a trailing possessive and surrounding punctuation: "Russia’s" → "Russia".
pub fn strip_possessive(name: &str) -> &str {
    let n = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')' && c != '(');
    for suffix in ["'s", "’s", "'", "’"] {
        if let Some(s) = n.strip_suffix(suffix) {
            return s.trim_end();
        }
    }
    n
}

/// A normalised form for counting across articles: lower case, curly marks made plain, no
/// leading "the", punctuation other than inner hyphens removed, single spaces.
pub fn key(name: &str) -> String {
    let lower = strip_possessive(name)
        .to_lowercase()
        .replace(['’', '‘'], "'");
    let words: Vec<String> = lower
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let words: &[String] = if words.first().is_some_and(|w| w == "the") && words.len() > 1 {
        &words[1..]
    } else {
        &words
    };
    words.join(" ")
}

fn words(name: &str) -> Vec<String> {
    key(name).split(' ').map(|s| s.to_string()).collect()
}

fn initials(name: &str) -> String {
    strip_possessive(name)
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Is `word` a nationality adjective ("Russian", "Azerbaijani", "Chinese", "Turkish")?
fn is_demonym(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
        && !word.contains(' ')
        && ["an", "ese", "ish", "i", "ic", "ch"]
            .iter()
            .any(|s| word.ends_with(s))
}

/// Joins a nationality adjective to the organisation right after it: "Russian" (MISC) +
/// "Foreign Ministry" (ORG) is one organisation, "the Russian Foreign Ministry".
pub fn merge_demonym_orgs(text: &str, chars: &CharIndex, entities: &mut Vec<Entity>) {
    let mut i = 0;
    while i + 1 < entities.len() {
        let (a, b) = (&entities[i], &entities[i + 1]);
        let gap = chars.slice(text, Span::new(a.span.end, b.span.start));
        if a.label == EntityLabel::MISC
            && b.label == EntityLabel::ORG
            && gap == " "
            && is_demonym(&a.text)
            && a.sentence == b.sentence
        {
            let span = Span::new(a.span.start, b.span.end);
            let merged = Entity {
                span,
                text: chars.slice(text, span).to_string(),
                score: (a.score + b.score) / 2.0,
                ..b.clone()
            };
            entities[i] = merged;
            entities.remove(i + 1);
        }
        i += 1;
    }
    for (k, e) in entities.iter_mut().enumerate() {
        e.id = k;
    }
}

/// Fills `canonical` and `key` of every mention. Entities must be in text order.
pub fn link(entities: &mut [Entity]) {
    // Full names first seen in the article, by label: longer names absorb shorter ones.
    let names: Vec<(EntityLabel, String)> = entities
        .iter()
        .map(|e| (e.label, strip_possessive(&e.text).to_string()))
        .collect();
    for i in 0..entities.len() {
        let (label, ref name) = names[i];
        let my_words = words(name);
        let mut best: Option<&str> = None;
        for (other_label, other) in &names {
            if *other_label != label {
                continue;
            }
            let other_words = words(other);
            if other_words.len() <= my_words.len() {
                continue;
            }
            let is_part = match label {
                // a person is referred to by the last name, or first and last
                EntityLabel::PER => {
                    other_words.ends_with(&my_words)
                        || (my_words.len() == 1 && other_words.first() == my_words.first())
                }
                // "Foreign Ministry" in "Russian Foreign Ministry"; an acronym of the longer name
                _ => {
                    other_words.ends_with(&my_words)
                        || (my_words.len() == 1
                            && name.len() >= 2
                            && name.chars().all(|c| c.is_uppercase())
                            && initials(other) == *name)
                }
            };
            if is_part && best.is_none_or(|b| words(b).len() < other_words.len()) {
                best = Some(other);
            }
        }
        let canonical = best.unwrap_or(name).to_string();
        entities[i].key = key(&canonical);
        entities[i].canonical = canonical;
    }
}

/// Adds definite descriptions ("the ministry") that refer back to an earlier ORG/LOC whose name
/// ends in the same head noun, as mentions of that entity (score 0: found by rule, not model).
pub fn add_nominal_mentions(text: &str, doc: &Doc, entities: &mut Vec<Entity>) {
    if entities.is_empty() {
        return;
    }
    let chars: &CharIndex = &doc.chars;
    let mut added = Vec::new();
    for (i, tok) in doc.tokens.iter().enumerate() {
        if i == 0 {
            continue;
        }
        let word = chars.slice(text, tok.span);
        let prev = chars.slice(text, doc.tokens[i - 1].span);
        if !(prev == "the" || prev == "The") || !NOMINAL_HEADS.contains(&word) {
            continue;
        }
        // a following capitalised word means a new name ("the Ministry of Defence"), not a reference
        if let Some(next) = doc.tokens.get(i + 1) {
            let nw = chars.slice(text, next.span);
            if nw == "of" || nw.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
        }
        let span = Span::new(doc.tokens[i - 1].span.start, tok.span.end);
        if entities.iter().any(|e| e.span.overlaps(&span)) {
            continue;
        }
        let antecedent = entities
            .iter()
            .rev()
            .filter(|e| {
                e.span.end <= span.start && matches!(e.label, EntityLabel::ORG | EntityLabel::LOC)
            })
            .find(|e| key(&e.canonical).rsplit(' ').next() == Some(word));
        if let Some(a) = antecedent {
            added.push(Entity {
                id: 0,
                sentence: tok.sentence,
                span,
                text: chars.slice(text, span).to_string(),
                label: a.label,
                score: 0.0,
                canonical: a.canonical.clone(),
                key: a.key.clone(),
            });
        }
    }
    if !added.is_empty() {
        entities.extend(added);
        entities.sort_by_key(|e| e.span);
        for (i, e) in entities.iter_mut().enumerate() {
            e.id = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(text: &str, label: EntityLabel, start: usize) -> Entity {
        Entity {
            id: 0,
            sentence: 0,
            span: Span::new(start, start + text.chars().count()),
            text: text.into(),
            label,
            score: 1.0,
            canonical: String::new(),
            key: String::new(),
        }
    }

    #[test]
    fn links_last_names_possessives_acronyms() {
        let mut es = vec![
            ent("Nikol Pashinian", EntityLabel::PER, 0),
            ent("Pashinian", EntityLabel::PER, 100),
            ent("Russia", EntityLabel::LOC, 200),
            ent("Russia’s", EntityLabel::LOC, 300),
            ent("Trilateral Working Group", EntityLabel::ORG, 400),
            ent("TWG", EntityLabel::ORG, 500),
            ent("Foreign Ministry", EntityLabel::ORG, 600),
            ent("Russian Foreign Ministry", EntityLabel::ORG, 700),
        ];
        link(&mut es);
        assert_eq!(es[1].canonical, "Nikol Pashinian");
        assert_eq!(es[1].key, "nikol pashinian");
        assert_eq!(es[3].canonical, "Russia");
        assert_eq!(es[5].canonical, "Trilateral Working Group");
        assert_eq!(es[6].canonical, "Russian Foreign Ministry");
    }

    #[test]
    fn keys() {
        assert_eq!(key("the Kremlin’s"), "kremlin");
        assert_eq!(key("U.S."), "us");
        assert_eq!(key("  Ilham   Aliyev "), "ilham aliyev");
    }
}
