//! Target mention markers: `Critics say « Trump » lied` tells the model which name in the unit the
//! stance is about (NewsMTSC and PerSenT sentences name several people). The same rule runs at
//! training and at prediction time, so the model sees marked text in both.
//!
//! What is marked: whole-word, case-insensitive occurrences of the target when it is short (at
//! most [`MAX_TARGET_WORDS`] words: a name or a short topic, not a claim or a description), and
//! for a capitalised name of two or three words also its first and last word ("Trump",
//! "Bernie"). A long target marks nothing.
use regex::Regex;

/// Longer targets are claims or descriptions, which never appear verbatim.
pub const MAX_TARGET_WORDS: usize = 5;

pub const OPEN: &str = "«";
pub const CLOSE: &str = "»";

/// A compiled marker for one target.
#[derive(Clone, Debug)]
pub struct Marker {
    re: Option<Regex>,
}

impl Marker {
    pub fn new(target: &str) -> Self {
        let words: Vec<&str> = target.split_whitespace().collect();
        if words.is_empty() || words.len() > MAX_TARGET_WORDS {
            return Marker { re: None };
        }
        let mut forms = vec![words.join(" ")];
        let is_name = (2..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if is_name {
            let (first, last) = (words[0], words[words.len() - 1]);
            for w in [last, first] {
                // "Mr" or "J." say nothing about who is meant
                if w.trim_end_matches('.').chars().count() >= 3 {
                    forms.push(w.to_string());
                }
            }
        }
        // longest first, so "Donald Trump" is one mark, not a mark around "Trump" inside it
        forms.sort_by_key(|f| std::cmp::Reverse(f.chars().count()));
        forms.dedup();
        let alternatives: Vec<String> = forms
            .iter()
            .map(|f| {
                f.split(' ')
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(r"[\s\-]+")
            })
            .collect();
        let pattern = format!(r"(?i)\b(?:{})\b", alternatives.join("|"));
        Marker {
            re: Regex::new(&pattern).ok(),
        }
    }

    /// `text` with every mention wrapped in `« … »`.
    pub fn mark(&self, text: &str) -> String {
        match &self.re {
            Some(re) => re
                .replace_all(text, |c: &regex::Captures| {
                    format!("{OPEN} {} {CLOSE}", &c[0])
                })
                .into_owned(),
            None => text.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_short_topics() {
        let m = Marker::new("Donald Trump");
        assert_eq!(
            m.mark("Donald Trump met Biden; trump's aides"),
            "« Donald Trump » met Biden; « trump »'s aides"
        );
        assert_eq!(
            Marker::new("gun control").mark("Gun control works"),
            "« Gun control » works"
        );
        // a long description marks nothing
        let long = "the Armenia–Azerbaijan peace process: the peace treaty and more";
        assert_eq!(Marker::new(long).mark("peace treaty"), "peace treaty");
        // no partial words
        assert_eq!(Marker::new("Al Gore").mark("Algorithms"), "Algorithms");
    }
}
