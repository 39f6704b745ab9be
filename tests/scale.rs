//! Scale-out: shards merge into the single-machine output, a killed run resumes to the same
//! tables, and JSON lines flow through stdin/stdout.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsmine"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Model-free stages, so the tests need no trained model.
const LIGHT: [&str; 5] = ["--skip", "ner", "--skip", "stance", "-q"];

fn sorted_lines(path: &Path) -> Vec<String> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines: Vec<String> = raw.lines().map(|l| l.to_string()).collect();
    let header = lines.remove(0);
    lines.sort();
    lines.insert(0, header);
    lines
}

/// A corpus of `n` small articles in two outlets, written into `dir`.
fn make_corpus(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("corpus");
    for i in 0..n {
        let outlet = root.join(if i % 2 == 0 { "daily" } else { "herald" });
        std::fs::create_dir_all(&outlet).unwrap();
        let text = format!(
            "Story number {i}\n\nThe minister said on Monday that talks would resume. \"We are ready to sign the treaty {i},\" he told reporters.\n\nOfficials in the capital declined to comment on story {i}.\n"
        );
        std::fs::write(outlet.join(format!("a{i:05}.txt")), text).unwrap();
    }
    root
}

#[test]
fn merged_shards_equal_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = make_corpus(tmp.path(), 40);
    let full = tmp.path().join("full");
    assert!(
        bin()
            .arg("run")
            .arg(&corpus)
            .arg("tests/data/broken")
            .args(LIGHT)
            .arg("--out")
            .arg(&full)
            .status()
            .unwrap()
            .code()
            == Some(1)
    );
    let mut shards = Vec::new();
    for i in 0..3 {
        let d = tmp.path().join(format!("shard{i}"));
        bin()
            .arg("run")
            .arg(&corpus)
            .arg("tests/data/broken")
            .args(LIGHT)
            .args(["--shard", &format!("{i}/3"), "--out"])
            .arg(&d)
            .status()
            .unwrap();
        shards.push(d);
    }
    let merged = tmp.path().join("merged");
    let st = bin()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(1), "the merged corpus has failed records");
    for t in [
        "articles",
        "entities",
        "quotes",
        "stance",
        "article_stance",
        "errors",
        "outlets",
        "speakers",
    ] {
        assert_eq!(
            sorted_lines(&full.join(format!("{t}.csv"))),
            sorted_lines(&merged.join(format!("{t}.csv"))),
            "{t}.csv"
        );
    }
    // every article is in exactly one shard
    let per_shard: usize = shards
        .iter()
        .map(|d| sorted_lines(&d.join("articles.csv")).len() - 1)
        .sum();
    assert_eq!(
        per_shard,
        40 + sorted_lines(&full.join("articles.csv")).len() - 1 - 40
    );
}

#[test]
fn a_killed_run_resumes_to_the_same_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = make_corpus(tmp.path(), 3000);
    let whole = tmp.path().join("whole");
    assert_eq!(
        bin()
            .arg("run")
            .arg(&corpus)
            .args(LIGHT)
            .args(["--batch", "8", "--out"])
            .arg(&whole)
            .status()
            .unwrap()
            .code(),
        Some(0)
    );

    let broken = tmp.path().join("broken");
    let mut killed = false;
    for attempt in 0..5 {
        let _ = std::fs::remove_dir_all(&broken);
        let mut child = bin()
            .arg("run")
            .arg(&corpus)
            .args(LIGHT)
            .args(["--batch", "8", "--out"])
            .arg(&broken)
            .spawn()
            .unwrap();
        // kill once some batches are done but well before the end
        let progress = broken.join(".newsmine-progress.json");
        let start = std::time::Instant::now();
        while !progress.exists() && start.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
        child.kill().unwrap();
        child.wait().unwrap();
        if !broken.join("run.json").exists() && progress.exists() {
            killed = true;
            break;
        }
    }
    assert!(killed, "could not interrupt the run mid-way");
    assert!(
        !broken.join("articles.csv").exists(),
        "no finished table after a kill"
    );
    let st = bin()
        .arg("run")
        .arg(&corpus)
        .args(LIGHT)
        .args(["--batch", "8", "--resume", "--out"])
        .arg(&broken)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    for t in ["articles", "quotes", "stance", "errors", "outlets"] {
        let a = std::fs::read_to_string(whole.join(format!("{t}.csv"))).unwrap();
        let b = std::fs::read_to_string(broken.join(format!("{t}.csv"))).unwrap();
        assert!(a == b, "{t}.csv differs after resume");
    }
}

#[test]
fn jsonl_on_stdin_gives_jsonl_on_stdout() {
    let mut child = bin()
        .args(["run", "-"])
        .args(LIGHT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"a1\",\"outlet\":\"x\",\"text\":\"The minister said: \\\"We will sign.\\\"\"}\nnot json\n{\"id\":\"a2\",\"text\":\"Plain.\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let ids: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["article_id"].as_str())
        .collect();
    assert_eq!(ids, ["a1", "a2"]);
    assert_eq!(lines.iter().filter(|l| l.get("error").is_some()).count(), 1);
    let a1 = lines.iter().find(|l| l["article_id"] == "a1").unwrap();
    assert_eq!(a1["quotes"].as_array().unwrap().len(), 1);
}

#[test]
fn bad_shard_is_a_usage_error() {
    let out = bin()
        .args(["run", "corpus/", "--shard", "3/3"])
        .args(LIGHT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
