//! The researcher's toolbox: one config file (the bundled `corpus/newsmine.toml`, `init`, flags
//! over the file, run.json's record of it and `run --like`), and the Slurm and Kubernetes
//! examples, parsed and run for one shard on the bundled corpus. Without the shipped models the
//! runs use the model-free stages (saying so).
mod common;

use clap::Parser;
use common::{bin, models_present, read_table, root};
use newsmine::cli::{Cli, Command, RunArgs, RunSettings, Stage};
use std::path::{Path, PathBuf};
use std::process::Output;

fn run_args(argv: &[&str]) -> RunArgs {
    let mut all = vec!["newsmine", "run"];
    all.extend(argv);
    match Cli::try_parse_from(all).unwrap().command {
        Command::Run(args) => *args,
        other => panic!("not a run: {other:?}"),
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `newsmine ARGS…`; `code` is the exit status expected.
fn newsmine(args: &[&str], code: i32) -> Output {
    let o = bin().args(args).current_dir(root()).output().unwrap();
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    o
}

/// The stages of the end-to-end runs: all of them with the models, else the model-free ones.
fn stage_flags() -> Vec<&'static str> {
    if models_present() {
        vec![]
    } else {
        vec!["--skip", "ner", "--skip", "quote-model", "--skip", "stance"]
    }
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bundled_run_table_states_every_default() {
    // the defaults live in `RunArgs`; the bundled file must show the same values
    let table: toml::Table = newsmine::config::DEFAULT_TOML.parse().unwrap();
    let run: RunSettings = table["run"].clone().try_into().unwrap();
    assert_eq!(run, run_args(&["x"]).settings_used());
}

#[test]
fn targets_file_holds_the_bundled_stance_tables() {
    let mut bundled: toml::Table = newsmine::config::DEFAULT_TOML.parse().unwrap();
    bundled.remove("run");
    bundled.remove("quotes");
    let targets: toml::Table = std::fs::read_to_string(root().join("corpus/targets.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        bundled, targets,
        "corpus/targets.toml drifted from corpus/newsmine.toml"
    );
}

#[test]
fn flags_parse_as_settings_over_the_file() {
    let a = run_args(&["x", "--skip", "--write-text", "--batch", "3"]);
    assert_eq!(a.settings.skip, Some(vec![]), "a bare --skip skips none");
    assert_eq!(a.settings.write_text, Some(true));
    assert_eq!(a.settings.batch, Some(3));
    let a = run_args(&[
        "x",
        "--skip",
        "ner",
        "--skip",
        "stance",
        "--write-text=false",
    ]);
    assert_eq!(a.settings.skip, Some(vec![Stage::Ner, Stage::Stance]));
    assert_eq!(a.settings.write_text, Some(false));
    let a = run_args(&["x"]);
    assert_eq!(a.settings, RunSettings::default(), "nothing given");
    // flags over the file over the defaults
    let file = RunSettings {
        batch: Some(7),
        threads: Some(3),
        ..Default::default()
    };
    let mut args = run_args(&["x", "--batch", "5"]);
    args.apply(args.settings.clone().or(file));
    assert_eq!(
        (args.batch, args.threads, args.max_article_bytes),
        (5, 3, 5_000_000)
    );
}

#[test]
fn init_writes_the_bundled_file_and_keeps_an_existing_one() {
    let tmp = tempfile::tempdir().unwrap();
    let init = |args: &[&str]| {
        bin()
            .arg("init")
            .args(args)
            .current_dir(tmp.path())
            .output()
    };
    let o = init(&[]).unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let written = tmp.path().join("newsmine.toml");
    assert_eq!(
        std::fs::read_to_string(&written).unwrap(),
        newsmine::config::DEFAULT_TOML
    );
    let o = init(&[]).unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = init(&["study.toml", "--force"]).unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("study.toml").is_file());
    // the written file runs as it is
    let out = tmp.path().join("out");
    let mut args = vec!["run", "corpus/", "-q", "-j", "1", "--config", s(&written)];
    args.extend(["--out", s(&out)]);
    args.extend(stage_flags());
    newsmine(&args, 0);
}

#[test]
fn config_errors_name_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let file = tmp.path().join("c.toml");
    // model-free unless `more` holds a --skip of its own (which replaces these)
    let with = |toml: &str, more: &[&str], code: i32| {
        std::fs::write(&file, toml).unwrap();
        let mut args = vec![
            "run",
            "corpus/",
            "-q",
            "--config",
            s(&file),
            "--out",
            s(&out),
        ];
        if !more.contains(&"--skip") && !toml.contains("skip") {
            args.extend(["--skip", "ner", "--skip", "stance"]);
        }
        args.extend(more);
        stderr(&newsmine(&args, code))
    };
    let e = with("[run]\nbatchsize = 3\n", &[], 2);
    assert!(e.contains("batchsize"), "{e}");
    let e = with("[runs]\nbatch = 3\n", &[], 2);
    assert!(e.contains("`runs`"), "{e}");
    let e = with("[run]\nprecision = \"fp16\"\n", &[], 2);
    assert!(e.contains("fp16"), "{e}");
    let e = with("[run]\nbatch = 0\n", &[], 2);
    assert!(e.contains("--batch"), "{e}");
    // a flag overrides the file
    with("[run]\nbatch = 0\n", &["--batch", "2"], 0);
    // the file's skip list, replaced by the flags': quotes runs
    with(
        "[run]\nskip = [\"quotes\", \"ner\", \"stance\"]\n",
        &["--skip", "ner", "--skip", "stance"],
        0,
    );
    assert_eq!(
        run_json(&out)["components"],
        serde_json::json!(["quotes", "quote-tagger"])
    );
    with("[run]\nskip = [\"quotes\", \"ner\", \"stance\"]\n", &[], 0);
    assert_eq!(run_json(&out)["components"], serde_json::json!([]));

    let like = |path: &Path| {
        let args = ["run", "--like", s(path), "corpus/", "-q", "--out", s(&out)];
        stderr(&newsmine(&args, 2))
    };
    let e = like(&tmp.path().join("nothing-here"));
    assert!(e.contains("--like"), "{e}");
    let old = tmp.path().join("old.json");
    std::fs::write(&old, "{\"version\": \"0.1.0\"}").unwrap();
    let e = like(&old);
    assert!(e.contains("--like") && e.contains("no config"), "{e}");
}

/// Every file of a run folder but run.json (which holds times), by name.
fn tables(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "run.json")
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn like_repeats_a_run_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let models = models_present();
    // a study's config: not the defaults anywhere it can matter
    let study = tmp.path().join("study.toml");
    let toml = newsmine::config::DEFAULT_TOML
        .replace("batch = 64", "batch = 1")
        .replace("write_text = false", "write_text = true")
        .replace("threads = 0", "threads = 1")
        .replace("include = []", "include = [\"belief\", \"intention\"]")
        .replace("seed = 20251127", "seed = 7")
        .replace(
            "skip = []",
            if models {
                "skip = []"
            } else {
                "skip = [\"ner\", \"stance\"]"
            },
        );
    std::fs::write(&study, toml).unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    newsmine(
        &[
            "run",
            "corpus/",
            "-q",
            "--config",
            s(&study),
            "--out",
            s(&a),
        ],
        0,
    );
    // the record is the whole config: the file itself is not needed again
    std::fs::remove_file(&study).unwrap();
    let a_json = a.join("run.json");
    newsmine(
        &["run", "--like", s(&a_json), "corpus/", "-q", "--out", s(&b)],
        0,
    );
    let (ta, tb) = (tables(&a), tables(&b));
    assert!(
        ta.iter().any(|(n, _)| n == "texts.jsonl"),
        "write_text kept"
    );
    assert_eq!(
        ta.iter().map(|t| &t.0).collect::<Vec<_>>(),
        tb.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in ta.iter().zip(&tb) {
        assert!(
            x == y,
            "{name} differs between the run and its --like repeat"
        );
    }
    let (ja, jb) = (run_json(&a), run_json(&b));
    assert_eq!(
        ja["config"], jb["config"],
        "the repeat records the same config"
    );
    assert_eq!(ja["components"], jb["components"]);
    let run = &ja["config"]["run"];
    assert_eq!(run["batch"], 1);
    assert_eq!(run["write_text"], true);
    assert!(["fp32", "bf16"].contains(&run["precision"].as_str().unwrap()));
    assert_eq!(
        ja["config"]["quotes"]["include"],
        serde_json::json!(["belief", "intention"])
    );
    assert_eq!(ja["config"]["aggregate"]["seed"], 7);
    assert_eq!(
        ja["config"]["target"][0]["name"],
        serde_json::json!("peace_process")
    );

    // a flag beside --like overrides the recorded setting; the folder names its run.json too
    newsmine(
        &["run", "--like", s(&a), "corpus/", "-q", "--out", s(&c)],
        0,
    );
    let c2 = tmp.path().join("c2");
    newsmine(
        &[
            "run",
            "--like",
            s(&a),
            "corpus/",
            "-q",
            "--out",
            s(&c2),
            "--table-format",
            "both",
        ],
        0,
    );
    assert_eq!(run_json(&c2)["config"]["run"]["table_format"], "both");
    assert!(c2.join("articles.parquet").is_file());
    for t in ["articles", "quotes", "stance", "article_stance"] {
        let name = format!("{t}.csv");
        assert_eq!(
            std::fs::read(c.join(&name)).unwrap(),
            std::fs::read(c2.join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// The bundled corpus's one article: its id and the shard of it among `n`.
fn bundled_article_shard(n: u64) -> (String, u64) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ids");
    newsmine(
        &[
            "run",
            "corpus/",
            "-q",
            "--skip",
            "ner",
            "--skip",
            "stance",
            "--skip",
            "quotes",
            "--out",
            s(&out),
        ],
        0,
    );
    let articles = read_table(&out, "articles");
    assert_eq!(articles.len(), 1, "the bundled corpus has one article");
    let id = articles[0]["article_id"].clone();
    let shard = newsmine::pipeline::run::shard_of(&id, n);
    (id, shard)
}

/// PATH with the built binary first, as the job files call plain `newsmine`.
fn path_with_binary() -> String {
    let dir = PathBuf::from(env!("CARGO_BIN_EXE_newsmine"));
    format!(
        "{}:{}",
        dir.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The shard folder a job wrote: a finished run of shard `i` of `n` holding the article.
fn check_shard(dir: &Path, id: &str, i: u64, n: u64) {
    let j = run_json(dir);
    assert_eq!(j["fingerprint"]["shard"], serde_json::json!([i, n]));
    let articles = read_table(dir, "articles");
    assert_eq!(articles.len(), 1, "shard {i}/{n} holds the article");
    assert_eq!(articles[0]["article_id"], id);
}

#[test]
fn slurm_example_parses_and_runs_one_shard() {
    let script = root().join("examples/slurm_array.sh");
    let o = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(o.status.success(), "bash -n: {}", stderr(&o));
    let text = std::fs::read_to_string(&script).unwrap();
    for needle in [
        "#SBATCH --cpus-per-task",
        "SLURM_ARRAY_TASK_ID",
        "What it assumes",
    ] {
        assert!(text.contains(needle), "slurm_array.sh lacks {needle:?}");
    }
    let n = 2;
    let (id, i) = bundled_article_shard(n);
    let tmp = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("bash")
        .arg(&script)
        .arg(root().join("corpus"))
        .arg(tmp.path())
        .args(stage_flags())
        .env("SLURM_ARRAY_TASK_ID", i.to_string())
        .env("SLURM_ARRAY_TASK_COUNT", n.to_string())
        .env("SLURM_CPUS_PER_TASK", "1")
        .env("PATH", path_with_binary())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "slurm_array.sh: {}", stderr(&o));
    check_shard(&tmp.path().join(format!("shard-{i}")), &id, i, n);
}

/// The value of `key: VALUE` on a line of a YAML text (first match, any indentation).
fn yaml_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or(l).trim())
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(str::trim)
}

#[test]
fn k8s_example_parses_and_runs_one_shard() {
    let text = std::fs::read_to_string(root().join("examples/k8s_indexed_job.yaml")).unwrap();
    // a light structural check (no YAML crate here): spaces only, even indents, the keys an
    // Indexed Job needs, and shard count = completions
    for (no, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        assert!(!line.contains('\t'), "line {}: a tab", no + 1);
        assert!(indent % 2 == 0, "line {}: odd indentation", no + 1);
    }
    assert_eq!(yaml_value(&text, "apiVersion"), Some("batch/v1"));
    assert_eq!(yaml_value(&text, "kind"), Some("Job"));
    assert_eq!(yaml_value(&text, "completionMode"), Some("Indexed"));
    assert!(text.contains("What it assumes"));
    let n: u64 = yaml_value(&text, "completions").unwrap().parse().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.trim() == "args:").unwrap();
    let command = lines[at + 1].trim().strip_prefix("- ").unwrap();
    assert!(command.starts_with("newsmine run "), "{command}");
    assert!(
        command.contains(&format!("--shard $JOB_COMPLETION_INDEX/{n}")),
        "the shard count must equal completions ({n}): {command}"
    );
    let (id, i) = bundled_article_shard(n);
    let tmp = tempfile::tempdir().unwrap();
    // the pod's paths mapped onto this machine: /data/corpus → corpus/, /data/out → a temp dir
    let local = command
        .replace("/data/corpus", s(&root().join("corpus")))
        .replace("/data/out", s(tmp.path()))
        .replace("--threads 2", "--threads 1");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{local} {}", stage_flags().join(" ")))
        .env("JOB_COMPLETION_INDEX", i.to_string())
        .env("PATH", path_with_binary())
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{local}: {}", stderr(&o));
    check_shard(&tmp.path().join(format!("shard-{i}")), &id, i, n);
}
