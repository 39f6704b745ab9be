//! NER: offsets of mentions (multi-byte text, many word pieces, windows), canonical linking, and
//! the shipped model on one sentence. Model-dependent checks skip when the model is absent.
use newsmine::ner::model::{encode_words, WordTag};
use newsmine::ner::{entities_from_tags, EntityLabel, NerConfig, NerModel};
use newsmine::text::{analyse, TextConfig};
use std::path::Path;

fn base_tokenizer() -> Option<tokenizers::Tokenizer> {
    match newsmine::encoder::base_model_dir(None) {
        Ok(dir) => newsmine::encoder::load_tokenizer(&dir).ok(),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

fn tag(label: usize) -> WordTag {
    WordTag { label, prob: 0.9 }
}

#[test]
fn mention_offsets_are_exact_in_multibyte_text() {
    let text = "Մատչելիություն\n\n“Ilham Aliyev’s envoy met Nikol Pashinian in Yerevan,” 😀 officials said.\n";
    let doc = analyse(text, &TextConfig::default());
    let s = (0..doc.sentences.len())
        .position(|s| doc.sentence_text(s).contains("Aliyev"))
        .unwrap();
    let words: Vec<&str> = doc
        .sentence_tokens(s)
        .iter()
        .map(|t| doc.slice(t.span))
        .collect();
    // O for everything, then B-PER I-PER on "Ilham Aliyev", B-PER I-PER on "Nikol Pashinian", B-LOC on Yerevan
    let mut tags: Vec<WordTag> = words.iter().map(|_| tag(0)).collect();
    let at = |w: &str| words.iter().position(|x| *x == w).unwrap();
    tags[at("Ilham")] = tag(1);
    tags[at("Aliyev")] = tag(2);
    tags[at("Nikol")] = tag(1);
    tags[at("Pashinian")] = tag(2);
    tags[at("Yerevan")] = tag(5);
    let mut per_sentence = vec![Vec::new(); doc.sentences.len()];
    per_sentence[s] = tags;
    for (i, t) in per_sentence.iter_mut().enumerate() {
        if i != s {
            *t = doc.sentence_tokens(i).iter().map(|_| tag(0)).collect();
        }
    }
    let ents = entities_from_tags(&doc, &per_sentence);
    let names: Vec<(&str, EntityLabel)> = ents.iter().map(|e| (e.text.as_str(), e.label)).collect();
    assert_eq!(
        names,
        [
            ("Ilham Aliyev", EntityLabel::PER),
            ("Nikol Pashinian", EntityLabel::PER),
            ("Yerevan", EntityLabel::LOC)
        ]
    );
    for e in &ents {
        let sliced: String = text
            .chars()
            .skip(e.span.start)
            .take(e.span.end - e.span.start)
            .collect();
        assert_eq!(sliced, e.text);
    }
}

#[test]
fn words_split_into_many_pieces_keep_one_label_slot() {
    let Some(tok) = base_tokenizer() else { return };
    let words = [
        "Supercalifragilisticexpialidocious",
        "Nagorno-Karabakh",
        "’s",
        "😀",
        "\u{200b}",
        "x",
    ];
    let enc = encode_words(&tok, &words).unwrap();
    assert_eq!(
        enc.word_starts.len(),
        words.len(),
        "one slot per word, even a word with no piece"
    );
    assert!(enc.word_starts.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(enc.ids.len(), enc.shapes.len());
}

#[test]
fn shipped_model_tags_a_sentence_and_long_sentences_are_windowed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner");
    if !dir.join("model.safetensors").is_file() || base_tokenizer().is_none() {
        eprintln!("skipping: models/ner or the base encoder is not installed");
        return;
    }
    let model = NerModel::new(NerConfig {
        model_dir: dir.clone(),
        ..Default::default()
    })
    .unwrap();
    let words: Vec<&str> =
        "Armenian Prime Minister Nikol Pashinian met Vladimir Putin in Moscow on Friday ."
            .split(' ')
            .collect();
    let tags = model.predict(std::slice::from_ref(&words)).unwrap();
    let labels: Vec<&str> = tags[0]
        .iter()
        .map(|t| newsmine::ner::decode::LABELS[t.label])
        .collect();
    assert_eq!(labels[3..5], ["B-PER", "I-PER"], "{labels:?}");
    assert_eq!(labels[6..8], ["B-PER", "I-PER"], "{labels:?}");
    assert_eq!(labels[9], "B-LOC", "{labels:?}");
    // The same sentence repeated far beyond one window: every copy is tagged, none truncated.
    let long: Vec<&str> = words
        .iter()
        .copied()
        .cycle()
        .take(words.len() * 60)
        .collect();
    let small = NerModel::new(NerConfig {
        model_dir: dir,
        max_tokens: 64,
        ..Default::default()
    })
    .unwrap();
    let tags = small.predict(std::slice::from_ref(&long)).unwrap();
    assert_eq!(tags[0].len(), long.len());
    let per = tags[0]
        .iter()
        .filter(|t| newsmine::ner::decode::LABELS[t.label] == "B-PER")
        .count();
    assert!(per >= 100, "B-PER found {per} times of 120");
}
