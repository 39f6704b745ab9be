//! The run-wide cache of model outputs (issue 13): a corpus whose articles repeat sentences, run
//! with the cache, without it (`--no-cache`) and one article per batch, gives the same tables;
//! run.json counts the lookups and hits of each model stage. Needs the shipped models (skipped,
//! saying so, without them).
//!
//! A cached result is the model's own result for that input, from the batch that first met it.
//! libtorch's CPU kernels pick their blocking by the shape of a call, so the same input can come
//! out a few ulps apart in another batch, cache or no cache: the NER network in float32 does not
//! (its tables must be byte-identical), the stance network in float32 does by about 1e-7 (as with
//! `--batch 1` against the default without any cache), and bfloat16 by up to 1e-2 in a score.
mod common;
use common::{bin, close_rows, models_present, read_table, root, succeed};
use std::path::Path;

/// The bundled article, a syndicated copy of it under another headline, an article that quotes
/// two of its paragraphs (every sentence of the copy and some of the third repeat: the stance
/// units), and one wire story that two outlets publish word for word under their own ids (the
/// NER model reads a whole article as its input, so only a whole repeated text is a NER hit).
fn corpus(dir: &Path) -> String {
    let src = root().join("corpus/rferl/rferl-russia-trilateral-agreements.txt");
    let text = std::fs::read_to_string(src).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("a.txt"), &text).unwrap();
    std::fs::write(
        dir.join("b.txt"),
        format!("Moscow Upholds Deals With Yerevan and Baku\n\n{text}"),
    )
    .unwrap();
    let paragraphs: Vec<&str> = text.split("\n\n").filter(|p| p.len() > 200).collect();
    std::fs::write(
        dir.join("c.txt"),
        format!(
            "Armenia and Azerbaijan Talk Again\n\nDiplomats met in Vienna on Monday.\n\n{}\n\n\
             Officials in Yerevan declined to comment on Tuesday.\n\n{}\n",
            paragraphs[0],
            paragraphs[paragraphs.len() / 2]
        ),
    )
    .unwrap();
    let wire = "Armenian and Azerbaijani diplomats met in Vienna on Monday. Officials in Yerevan \
                said the talks would go on in Moscow.";
    let record = |id: &str, outlet: &str| {
        serde_json::json!({"id": id, "outlet": outlet, "text": wire}).to_string()
    };
    std::fs::write(
        dir.join("d.jsonl"),
        format!("{}\n{}\n", record("ap-1", "ap"), record("other-1", "other")),
    )
    .unwrap();
    dir.display().to_string()
}

fn run(input: &str, out: &Path, extra: &[&str]) -> serde_json::Value {
    succeed(
        bin()
            .args(["run", input, "--out"])
            .arg(out)
            .args(["-j", "1", "-q"])
            .args(extra),
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Tables that only text and NER fill (articles.csv also holds the article stance, quotes.csv
/// the quote models' confidence: compared to float32 rounding below, as a batch of other
/// lengths rounds them differently).
const NER_TABLES: [&str; 2] = ["entities", "entity_counts"];

fn same_tables(a: &Path, b: &Path) {
    for t in NER_TABLES {
        let (x, y) = (
            std::fs::read(a.join(format!("{t}.csv"))).unwrap(),
            std::fs::read(b.join(format!("{t}.csv"))).unwrap(),
        );
        assert!(x == y, "{t}.csv differs between {a:?} and {b:?}");
    }
    // the same units and labels, probabilities to the float32 rounding of the network
    close_rows(a, b, "quotes", &["confidence"], 1e-5);
    let p = ["p_favor", "p_against", "p_neutral"];
    close_rows(a, b, "articles", &p, 1e-5);
    close_rows(a, b, "stance", &p, 1e-5);
    let stances = |d: &Path| -> Vec<String> {
        read_table(d, "article_stance")
            .iter()
            .map(|r| format!("{} {} {}", r["article_id"], r["target"], r["stance"]))
            .collect()
    };
    assert_eq!(stances(a), stances(b));
}

#[test]
fn cached_run_gives_the_tables_of_an_uncached_one() {
    if !models_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("in"));
    let o = |name: &str| tmp.path().join(name);
    // float32: the encoder gives a sentence the same numbers in any batch, so a cached result is
    // exactly the one the model would give again
    let fp32 = ["--precision", "fp32"];
    let cached = run(&input, &o("cached"), &fp32);
    let uncached = run(
        &input,
        &o("uncached"),
        &[&fp32[..], &["--no-cache"]].concat(),
    );
    let one_by_one = run(
        &input,
        &o("batch1"),
        &[&fp32[..], &["--batch", "1"]].concat(),
    );
    same_tables(&o("cached"), &o("uncached"));
    same_tables(&o("cached"), &o("batch1"));
    assert!(!read_table(&o("cached"), "entities").is_empty());
    for stage in ["ner", "stance"] {
        let c = &cached["cache"][stage];
        let (lookups, hits) = (c["lookups"].as_u64().unwrap(), c["hits"].as_u64().unwrap());
        assert!(hits > 0 && hits < lookups, "{stage}: {c}");
        // the same inputs looked up whatever the batches: the same ones served from the cache
        assert_eq!(one_by_one["cache"][stage], *c, "{stage}");
        let off = &uncached["cache"][stage];
        assert_eq!(off["capacity"].as_u64(), Some(0), "{stage}: {off}");
        assert_eq!(off["lookups"].as_u64(), Some(0), "{stage}: {off}");
    }
    // the second outlet's copy of the wire story is served from the cache
    let ner = &cached["cache"]["ner"];
    assert!(ner["hits"].as_u64().unwrap() >= 1, "{ner}");
}

/// In bfloat16 (the default on CPUs with AMX / AVX512-BF16) the kernels round differently with
/// the batch's shape, so scores move in their last digits with what else is in the batch (as with
/// `--batch`); names, spans, labels and quotes stay the same.
#[test]
fn cached_run_finds_the_same_entities_in_the_default_precision() {
    if !models_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("in"));
    let (a, b) = (tmp.path().join("cached"), tmp.path().join("uncached"));
    run(&input, &a, &[]);
    run(&input, &b, &["--no-cache"]);
    let (x, y) = (read_table(&a, "entities"), read_table(&b, "entities"));
    assert_eq!(x.len(), y.len());
    for (r, s) in x.iter().zip(&y) {
        for col in ["article_id", "start", "end", "text", "label", "canonical"] {
            assert_eq!(r[col], s[col], "{col}: {r:?} vs {s:?}");
        }
        let d = (r["score"].parse::<f64>().unwrap() - s["score"].parse::<f64>().unwrap()).abs();
        assert!(d < 0.02, "score {r:?} vs {s:?}");
    }
    close_rows(&a, &b, "quotes", &["confidence"], 0.02);
}
