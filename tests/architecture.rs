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

/// `module → used module → first place`, from `crate::NAME` outside comments.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(k) = rest.find("crate::") {
                rest = &rest[k + 7..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    g.entry(top.clone())
                        .or_default()
                        .entry(name)
                        .or_insert_with(|| format!("src/{rel}:{}", i + 1));
                }
            }
        }
        g.entry(top).or_default();
    }
    g
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
