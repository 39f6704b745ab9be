//! The layering of docs/ARCHITECTURE.md, checked on the source: which top-level module may use
//! which. A new `use crate::…` that breaks a layer (or makes a cycle) fails here, naming the line.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules without libtorch: they may use each other as listed, and nothing with a model.
const MODEL_FREE: &[(&str, &[&str])] = &[
    ("doc", &[]),
    ("config", &[]),
    ("error", &[]),
    ("machine", &[]),
    ("cache", &[]),
    ("component", &["doc", "cache"]),
    ("text", &["doc"]),
    ("corpus", &["doc", "text"]),
    ("quotes", &["doc", "component", "config", "text"]),
    ("aggregate", &["doc"]),
    ("output", &["doc", "corpus", "aggregate"]),
];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `module → used module → first place`, from `crate::NAME` (and, in the root crate,
/// `newsmine_core::NAME`) outside comments, over both crates: the model-free modules live in
/// crates/newsmine-core and the root crate re-exports them under the same names.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (src, prefixes) in [
        (root.join("src"), &["crate::", "newsmine_core::"][..]),
        (root.join("crates/newsmine-core/src"), &["crate::"][..]),
    ] {
        let mut files = Vec::new();
        rs_files(&src, &mut files);
        for f in files {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            let shown = f.strip_prefix(root).unwrap().display().to_string();
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for prefix in prefixes {
                    let mut rest = code;
                    while let Some(k) = rest.find(prefix) {
                        rest = &rest[k + prefix.len()..];
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                            .collect();
                        if !name.is_empty() && name != top {
                            g.entry(top.clone())
                                .or_default()
                                .entry(name)
                                .or_insert_with(|| format!("{shown}:{}", i + 1));
                        }
                    }
                }
            }
            g.entry(top).or_default();
        }
    }
    g
}

/// The model-free crate must build without libtorch: no model crate among its plain
/// dependencies (tch and tokenizers only behind its `models` feature).
#[test]
fn core_crate_has_no_model_dependency() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/newsmine-core/Cargo.toml"),
    )
    .unwrap();
    let table: toml::Table = manifest.parse().unwrap();
    let deps = table["dependencies"].as_table().unwrap();
    for name in ["tch", "tokenizers", "rust-bert", "torch-sys"] {
        if let Some(d) = deps.get(name) {
            assert_eq!(
                d.get("optional").and_then(|o| o.as_bool()),
                Some(true),
                "newsmine-core depends on {name} unconditionally"
            );
        }
    }
    let core_modules: Vec<&str> = MODEL_FREE.iter().map(|(m, _)| *m).collect();
    let lib = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/newsmine-core/src/lib.rs"),
    )
    .unwrap();
    for m in &core_modules {
        assert!(
            lib.contains(&format!("pub mod {m};")),
            "{m} is listed as model-free but is not in newsmine-core"
        );
    }
}

#[test]
fn model_free_modules_stay_in_their_layer() {
    let g = graph();
    let mut bad = Vec::new();
    for (module, allowed) in MODEL_FREE {
        for (used, at) in g.get(*module).into_iter().flatten() {
            if !allowed.contains(&used.as_str()) {
                bad.push(format!("{module} uses {used} at {at}"));
            }
        }
    }
    assert!(bad.is_empty(), "layer rule broken:\n{}", bad.join("\n"));
}

#[test]
fn no_module_cycles() {
    let g = graph();
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for n in g.get(&m).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(n.clone()) {
                    stack.push(n.clone());
                }
            }
        }
        seen
    };
    let mut cycles = Vec::new();
    for (a, uses) in &g {
        for (b, at) in uses {
            if reach(b).contains(a) {
                cycles.push(format!("{a} → {b} (at {at}) and back"));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn only_app_names_the_cli() {
    let g = graph();
    for (m, uses) in &g {
        if m != "app" && m != "main" {
            assert!(!uses.contains_key("app"), "{m} uses app");
        }
    }
}

/// Every shipped model folder has its card, and no file over 25 MB (the repository's limit).
#[test]
fn model_folders_have_a_card_and_small_files() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let Ok(dirs) = std::fs::read_dir(&models) else {
        eprintln!("skipping: no models/ folder");
        return;
    };
    for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
        let dir = dir.path();
        assert!(
            dir.join("MODEL_CARD.md").is_file(),
            "{} has no MODEL_CARD.md",
            dir.display()
        );
        for f in std::fs::read_dir(&dir).unwrap().flatten() {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            assert!(
                len <= 25 * 1024 * 1024,
                "{} is {len} bytes, over 25 MB",
                f.path().display()
            );
        }
    }
}
