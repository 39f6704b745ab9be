//! CoNLL column files: CoNLL-2003 (`token POS chunk tag`, IOB1 or IOB2) and WNUT-17 (`token\ttag`).
use super::decode::iob1_to_iob2;
use crate::{Error, Result};
use std::path::Path;

/// One annotated sentence; tags are IOB2 over PER/ORG/LOC/MISC (other types become `O`).
#[derive(Clone, Debug, PartialEq)]
pub struct ConllSentence {
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

/// The words of each sentence of each document (`[document][sentence][word]`), as the taggers'
/// `predict_documents` reads them.
pub fn document_words(docs: &[Vec<ConllSentence>]) -> Vec<Vec<Vec<&str>>> {
    docs.iter()
        .map(|d| {
            d.iter()
                .map(|s| s.words.iter().map(|w| w.as_str()).collect())
                .collect()
        })
        .collect()
}

/// Maps a file's entity type to newsmine's: CoNLL types as they are, WNUT-17's person/location/
/// corporation/group to PER/LOC/ORG; types with no counterpart (creative-work, product) to none.
fn map_type(t: &str) -> Option<&'static str> {
    match t {
        "PER" | "person" => Some("PER"),
        "LOC" | "location" => Some("LOC"),
        "ORG" | "corporation" | "group" => Some("ORG"),
        "MISC" => Some("MISC"),
        _ => None,
    }
}

/// The sentences of a CoNLL file by document (`-DOCSTART-` lines). A file without them, such as
/// WNUT-17 (unrelated tweets), has no documents: each sentence is one alone, so a document-context
/// model is not shown strangers' tweets as context.
pub fn read_conll_documents(path: &Path) -> Result<Vec<Vec<ConllSentence>>> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&raw);
    let mut docs: Vec<Vec<ConllSentence>> = vec![Vec::new()];
    let mut words = Vec::new();
    let mut tags = Vec::new();
    let flush =
        |docs: &mut Vec<Vec<ConllSentence>>, words: &mut Vec<String>, tags: &mut Vec<String>| {
            if !words.is_empty() {
                let tags = iob1_to_iob2(&std::mem::take(tags));
                if let Some(d) = docs.last_mut() {
                    d.push(ConllSentence {
                        words: std::mem::take(words),
                        tags,
                    });
                }
            }
        };
    let mut has_documents = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        let docstart = line.starts_with("-DOCSTART-");
        if line.is_empty() || docstart {
            flush(&mut docs, &mut words, &mut tags);
            has_documents |= docstart;
            if docstart && docs.last().is_some_and(|d| !d.is_empty()) {
                docs.push(Vec::new());
            }
            continue;
        }
        let cols: Vec<&str> = line.split(['\t', ' ']).filter(|c| !c.is_empty()).collect();
        if cols.len() < 2 {
            return Err(Error::Data {
                path: path.to_path_buf(),
                msg: format!("line {}: expected `token … tag`", n + 1),
            });
        }
        let tag = cols[cols.len() - 1];
        let tag = match tag.split_once('-') {
            Some((p, t)) if p == "B" || p == "I" => match map_type(t) {
                Some(t) => format!("{p}-{t}"),
                None => "O".to_string(),
            },
            _ => "O".to_string(),
        };
        words.push(cols[0].to_string());
        tags.push(tag);
    }
    // IOB1 → IOB2 (in `flush`) is a no-op on IOB2 input, so it is always safe.
    flush(&mut docs, &mut words, &mut tags);
    if !has_documents {
        docs = docs.into_iter().flatten().map(|s| vec![s]).collect();
    }
    docs.retain(|d| !d.is_empty());
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_conll_and_wnut() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.conll");
        std::fs::write(&p, "-DOCSTART- -X- -X- O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter\tB-person\nsaw\tO\niPhone\tB-product\n").unwrap();
        let s: Vec<ConllSentence> = read_conll_documents(&p)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tags, ["B-ORG", "O"]);
        assert_eq!(s[1].tags, ["B-PER", "O", "O"]);
        std::fs::write(
            &p,
            "-DOCSTART- -X- O O\n\nA B C I-LOC\n\nD B C O\n-DOCSTART- -X- O O\n\nE B C I-PER\n",
        )
        .unwrap();
        let docs = read_conll_documents(&p).unwrap();
        assert_eq!(docs.iter().map(|d| d.len()).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(docs[1][0].tags, ["B-PER"]);
        std::fs::write(&p, "Peter\tB-person\n\nsaw\tO\n").unwrap();
        let tweets = read_conll_documents(&p).unwrap();
        assert_eq!(tweets.iter().map(|d| d.len()).collect::<Vec<_>>(), [1, 1]);
    }
}
