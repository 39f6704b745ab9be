//! `eval html`: the HTML extractor scored on the article-extraction benchmark exactly as the
//! benchmark's `evaluate.py` scores it, with trafilatura (Python) run in the same command when it
//! is installed; and page metadata checked against Readability's expected metadata.
//!
//! Scoring (scrapinghub/article-extraction-benchmark `evaluate.py`): tokens are `\w+` runs; a
//! page's shingles are its 4-token windows (one shorter window when it has fewer tokens);
//! TP/FP/FN are multiset overlaps of predicted and gold shingles, normalised by their sum so that
//! every page weighs the same; precision and recall are averaged over the pages where they are
//! defined and F1 is their harmonic mean; accuracy is the share of pages whose token lists are
//! identical; ± is the standard deviation over 1,000 bootstrap resamples of the pages. (`\w` here
//! is a char that is alphanumeric or `_`, as in Python's `re`; the two differ only on combining
//! marks of some scripts.)
use crate::corpus::html;
use crate::{Error, Result};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

const NGRAM: usize = 4;
/// Fixed, so the ± of a run can be reproduced.
const BOOTSTRAP_SEED: u64 = 13;

/// One page's normalised (tp, fp, fn).
type TpFpFn = (f64, f64, f64);

/// Scores of one extractor on the benchmark.
#[derive(Clone, Debug, Serialize)]
pub struct Scores {
    pub name: String,
    pub pages: usize,
    pub f1: f64,
    pub precision: f64,
    pub recall: f64,
    pub accuracy: f64,
    pub f1_std: f64,
    pub precision_std: f64,
    pub recall_std: f64,
    pub accuracy_std: f64,
    /// extraction only (no reading or decompression), one thread
    pub pages_per_s: f64,
    #[serde(skip)]
    pub per_page: Vec<(String, TpFpFn)>,
}

fn tokenize(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles<'a>(tokens: &[&'a str]) -> HashMap<Vec<&'a str>, usize> {
    let mut out = HashMap::new();
    let windows = tokens.len().saturating_sub(NGRAM) + 1;
    for i in 0..windows.max(1) {
        let end = (i + NGRAM).min(tokens.len());
        if i < end {
            *out.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
        }
    }
    out
}

/// The benchmark's `string_shingle_matching`.
pub fn shingle_match(gold: &str, pred: &str) -> TpFpFn {
    let (gt, pt) = (tokenize(gold), tokenize(pred));
    let (g, p) = (shingles(&gt), shingles(&pt));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc) as f64;
        fn_ += gc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(g.get(k).copied().unwrap_or(0)) as f64;
    }
    let s = tp + fp + fn_;
    if s > 0.0 {
        (tp / s, fp / s, fn_ / s)
    } else {
        (tp, fp, fn_)
    }
}

fn precision_score((tp, fp, fn_): TpFpFn) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

fn recall_score((tp, fp, fn_): TpFpFn) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in xs {
        sum += x;
        n += 1;
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// (f1, precision, recall) of a set of pages: `metrics_from_tp_fp_fns`.
fn metrics(pages: &[TpFpFn]) -> (f64, f64, f64) {
    let p = mean(
        pages
            .iter()
            .filter(|t| t.0 + t.1 > 0.0)
            .map(|&t| precision_score(t)),
    );
    let r = mean(
        pages
            .iter()
            .filter(|t| t.0 + t.2 > 0.0)
            .map(|&t| recall_score(t)),
    );
    (crate::eval::metrics::f1(p, r), p, r)
}

fn stdev(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs.iter().copied());
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// Scores predictions (page id → text) against the gold bodies, as `evaluate.py` does.
pub fn score(
    name: &str,
    gold: &[(String, String)],
    predicted: &HashMap<String, String>,
    n_bootstrap: usize,
    seconds: f64,
) -> Scores {
    let mut per_page = Vec::with_capacity(gold.len());
    let mut accuracies = Vec::with_capacity(gold.len());
    for (id, body) in gold {
        let pred = predicted.get(id).map(String::as_str).unwrap_or("");
        per_page.push((id.clone(), shingle_match(body, pred)));
        accuracies.push(f64::from(u8::from(tokenize(body) == tokenize(pred))));
    }
    let tps: Vec<TpFpFn> = per_page.iter().map(|(_, t)| *t).collect();
    let (f1, precision, recall) = metrics(&tps);
    let accuracy = mean(accuracies.iter().copied());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(BOOTSTRAP_SEED);
    let (mut bf, mut bp, mut br, mut ba) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let n = tps.len();
    if n > 0 {
        for _ in 0..n_bootstrap {
            let idx: Vec<usize> = (0..n).map(|_| rng.gen_range(0..n)).collect();
            let sample: Vec<TpFpFn> = idx.iter().map(|&i| tps[i]).collect();
            let (f, p, r) = metrics(&sample);
            bf.push(f);
            bp.push(p);
            br.push(r);
            ba.push(mean(idx.iter().map(|&i| accuracies[i])));
        }
    }
    Scores {
        name: name.to_string(),
        pages: n,
        f1,
        precision,
        recall,
        accuracy,
        f1_std: stdev(&bf),
        precision_std: stdev(&bp),
        recall_std: stdev(&br),
        accuracy_std: stdev(&ba),
        pages_per_s: if seconds > 0.0 {
            n as f64 / seconds
        } else {
            0.0
        },
        per_page,
    }
}

/// A benchmark page: id, gold body, URL, HTML.
struct Page {
    id: String,
    body: String,
    url: String,
    html: String,
}

fn load_benchmark(dir: &Path) -> Result<Vec<Page>> {
    let gt_path = dir.join("ground-truth.json");
    let raw = std::fs::read_to_string(&gt_path).map_err(|e| Error::io(&gt_path, e))?;
    let gt: HashMap<String, serde_json::Value> =
        serde_json::from_str(&raw).map_err(|e| Error::Data {
            path: gt_path.clone(),
            msg: e.to_string(),
        })?;
    let mut ids: Vec<&String> = gt.keys().collect();
    ids.sort();
    let mut pages = Vec::with_capacity(ids.len());
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&path, e))?;
        let field = |k: &str| {
            gt[id]
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        pages.push(Page {
            id: id.clone(),
            body: field("articleBody"),
            url: field("url"),
            html: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    Ok(pages)
}

/// Where trafilatura comes from, if anywhere.
#[derive(Clone, Debug)]
pub struct Trafilatura {
    pub python: PathBuf,
    pub script: PathBuf,
}

impl Trafilatura {
    /// The venv that `scripts/setup_trafilatura.sh` makes, found from the working folder or from
    /// the binary's place in `target/release/`.
    pub fn find(python: Option<PathBuf>) -> Option<Trafilatura> {
        let mut roots = vec![PathBuf::from(".")];
        if let Ok(exe) = std::env::current_exe() {
            if let Some(root) = exe.ancestors().nth(3) {
                roots.push(root.to_path_buf());
            }
        }
        roots.into_iter().find_map(|root| {
            let script = root.join("scripts/trafilatura_extract.py");
            let python = python
                .clone()
                .unwrap_or_else(|| root.join(".deps/trafilatura-venv/bin/python"));
            (script.is_file() && python.is_file()).then_some(Trafilatura { python, script })
        })
    }

    /// (version, seconds of extraction, page id → text)
    fn run(
        &self,
        dir: &Path,
    ) -> std::result::Result<(String, f64, HashMap<String, String>), String> {
        let out = std::process::Command::new(&self.python)
            .arg(&self.script)
            .arg(dir)
            .output()
            .map_err(|e| format!("{}: {e}", self.python.display()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err.lines().last().unwrap_or("").to_string();
            return Err(format!("trafilatura failed: {last}"));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| format!("trafilatura output: {e}"))?;
        let version = v["version"].as_str().unwrap_or("?").to_string();
        let seconds = v["seconds"].as_f64().unwrap_or(0.0);
        let pages = v["pages"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, t)| (k.clone(), t.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Ok((version, seconds, pages))
    }
}

/// Options of `eval html --benchmark`.
pub struct BenchOptions {
    pub n_bootstrap: usize,
    pub trafilatura: Option<Trafilatura>,
    /// list this many worst pages of newsmine's extraction
    pub worst: usize,
}

/// Runs the benchmark and prints its table; returns the rows.
pub fn benchmark(dir: &Path, opts: &BenchOptions) -> Result<Vec<Scores>> {
    let pages = load_benchmark(dir)?;
    let gold: Vec<(String, String)> = pages
        .iter()
        .map(|p| (p.id.clone(), p.body.clone()))
        .collect();
    let mut prose = HashMap::new();
    let mut whole = HashMap::new();
    let mut failed = 0;
    let start = Instant::now();
    for p in &pages {
        match html::extract(&p.html) {
            Ok(x) => {
                prose.insert(p.id.clone(), html::prose(&x));
                whole.insert(p.id.clone(), x.text);
            }
            Err(_) => failed += 1,
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let mb = pages.iter().map(|p| p.html.len()).sum::<usize>() as f64 / 1e6;
    let mut rows = vec![
        score(
            "newsmine (prose: text minus captions/bylines)",
            &gold,
            &prose,
            opts.n_bootstrap,
            seconds,
        ),
        score(
            "newsmine (whole written text)",
            &gold,
            &whole,
            opts.n_bootstrap,
            seconds,
        ),
    ];
    let mut notes =
        vec![format!(
        "newsmine: {} pages in {seconds:.2} s ({:.1} pages/s, {:.1} MB/s of HTML, one thread){}",
        pages.len(),
        pages.len() as f64 / seconds.max(1e-9),
        mb / seconds.max(1e-9),
        if failed > 0 { format!("; {failed} pages gave no text") } else { String::new() }
    )];
    match &opts.trafilatura {
        None => notes.push(
            "trafilatura: not installed (bash scripts/setup_trafilatura.sh, or make eval-html)"
                .into(),
        ),
        Some(t) => match t.run(dir) {
            Ok((version, secs, texts)) => {
                rows.push(score(
                    &format!("trafilatura {version} (Python)"),
                    &gold,
                    &texts,
                    opts.n_bootstrap,
                    secs,
                ));
                notes.push(format!(
                    "trafilatura: extract(html, include_comments=False), {secs:.2} s of extraction ({:.1} pages/s)",
                    pages.len() as f64 / secs.max(1e-9)
                ));
            }
            Err(e) => notes.push(format!("trafilatura: {e}")),
        },
    }
    println!(
        "article-extraction benchmark, {} pages ({})",
        pages.len(),
        dir.display()
    );
    println!(
        "{:<48} {:<14} {:<14} {:<14} {:<14} {:>8}",
        "extractor", "F1", "precision", "recall", "accuracy", "pages/s"
    );
    for r in &rows {
        println!(
            "{:<48} {:.3} ± {:.3}  {:.3} ± {:.3}  {:.3} ± {:.3}  {:.3} ± {:.3}  {:>8.1}",
            r.name,
            r.f1,
            r.f1_std,
            r.precision,
            r.precision_std,
            r.recall,
            r.recall_std,
            r.accuracy,
            r.accuracy_std,
            r.pages_per_s
        );
    }
    for n in &notes {
        println!("{n}");
    }
    if opts.worst > 0 {
        let mut worst: Vec<(f64, f64, &str, &str)> = rows[0]
            .per_page
            .iter()
            .zip(&pages)
            .map(|((_, t), p)| {
                (
                    precision_score(*t),
                    recall_score(*t),
                    p.id.as_str(),
                    p.url.as_str(),
                )
            })
            .collect();
        worst.sort_by(|a, b| {
            crate::eval::metrics::f1(a.0, a.1).total_cmp(&crate::eval::metrics::f1(b.0, b.1))
        });
        println!("worst pages (newsmine prose): P R id url");
        for (p, r, id, url) in worst.iter().take(opts.worst) {
            println!("  {p:.3} {r:.3} {} {url}", &id[..id.len().min(12)]);
        }
    }
    Ok(rows)
}

/// Metadata agreement with Readability's expected output on its test pages.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MetaScores {
    pub pages: usize,
    pub title_exact: usize,
    pub byline_pages: usize,
    pub byline_match: usize,
    pub date_pages: usize,
    pub date_match: usize,
    /// pages where Readability found no date and newsmine found one
    pub date_extra: usize,
}

fn norm_name(s: &str) -> String {
    html::meta::clean_byline(s).to_lowercase()
}

/// Checks title, byline and publication date on `DIR/*/source.html` against
/// `DIR/*/expected-metadata.json`, printing one line per page.
pub fn metadata(dir: &Path) -> Result<MetaScores> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file() && p.join("expected-metadata.json").is_file())
        .collect();
    entries.sort();
    let mut s = MetaScores::default();
    println!(
        "metadata vs Readability's expected-metadata.json ({})",
        dir.display()
    );
    for page in &entries {
        let name = page
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let src = page.join("source.html");
        let html_text = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
        let exp_path = page.join("expected-metadata.json");
        let exp_raw = std::fs::read_to_string(&exp_path).map_err(|e| Error::io(&exp_path, e))?;
        let exp: serde_json::Value = serde_json::from_str(&exp_raw).map_err(|e| Error::Data {
            path: exp_path.clone(),
            msg: e.to_string(),
        })?;
        let got = html::extract(&String::from_utf8_lossy(&html_text)).unwrap_or_default();
        s.pages += 1;
        let field = |k: &str| {
            exp[k]
                .as_str()
                .map(html::one_line)
                .filter(|v| !v.is_empty())
        };
        let title_ok = field("title").as_deref().unwrap_or("") == got.title;
        s.title_exact += usize::from(title_ok);
        let mut line = format!(
            "  {name:<16} title {}",
            if title_ok { "ok" } else { "DIFF" }
        );
        if !title_ok {
            line.push_str(&format!(
                " (expected {:?}, got {:?})",
                field("title").unwrap_or_default(),
                got.title
            ));
        }
        if let Some(by) = field("byline") {
            s.byline_pages += 1;
            let ok = norm_name(&by) == got.authors.to_lowercase();
            s.byline_match += usize::from(ok);
            line.push_str(&format!(
                "; byline {} ({by:?} / {:?})",
                if ok { "ok" } else { "DIFF" },
                got.authors
            ));
        } else if !got.authors.is_empty() {
            line.push_str(&format!("; authors {:?} (none expected)", got.authors));
        }
        match field("publishedTime").and_then(|d| html::meta::iso_date(&d)) {
            Some(want) => {
                s.date_pages += 1;
                let ok = got.published.get(..10) == want.get(..10);
                s.date_match += usize::from(ok);
                line.push_str(&format!(
                    "; date {} ({want} / {:?})",
                    if ok { "ok" } else { "DIFF" },
                    got.published
                ));
            }
            None if !got.published.is_empty() => {
                s.date_extra += 1;
                line.push_str(&format!("; date {:?} (none expected)", got.published));
            }
            None => {}
        }
        println!("{line}");
    }
    println!(
        "title exact {}/{}; byline {}/{} (names, case and \"By\" ignored); published date {}/{} \
         (same day); dates found where Readability found none: {}",
        s.title_exact,
        s.pages,
        s.byline_match,
        s.byline_pages,
        s.date_match,
        s.date_pages,
        s.date_extra
    );
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_as_the_benchmark() {
        assert_eq!(shingle_match("a b c d e", "a b c d e"), (1.0, 0.0, 0.0));
        let (tp, fp, fn_) = shingle_match("a b c d e", "a b c d");
        // gold: abcd, bcde; pred: abcd → tp 1, fn 1
        assert_eq!((tp, fp, fn_), (0.5, 0.0, 0.5));
        assert_eq!(shingle_match("", ""), (0.0, 0.0, 0.0));
        // short texts are one shorter shingle
        assert_eq!(
            shingle_match("Hello, world", "hello world"),
            (0.0, 0.5, 0.5)
        );
        assert_eq!(precision_score((0.0, 0.0, 0.0)), 1.0);
        assert_eq!(recall_score((0.0, 0.5, 0.5)), 0.0);
    }

    #[test]
    fn score_averages_pages() {
        let gold = vec![
            ("a".to_string(), "w x y z".to_string()),
            ("b".to_string(), "p q r s t".to_string()),
        ];
        let mut pred = HashMap::new();
        pred.insert("a".to_string(), "w x y z".to_string());
        let s = score("t", &gold, &pred, 50, 1.0);
        assert_eq!(s.pages, 2);
        // page b has no prediction: precision undefined there (tp + fp = 0), recall 0
        assert!((s.precision - 1.0).abs() < 1e-12);
        assert!((s.recall - 0.5).abs() < 1e-12);
        assert!((s.accuracy - 0.5).abs() < 1e-12);
    }
}
