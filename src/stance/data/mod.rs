//! Loaders of the public stance datasets, all mapped onto one shape: (target, text, label).
//!
//! Labels are `0` favor, `1` against, `2` neutral. Per format:
//!
//! | format | file | target | text | labels |
//! |---|---|---|---|---|
//! | SemEval-2016 t6 | TSV `ID Target Tweet Stance`, cp1252 | Target | Tweet | FAVOR / AGAINST / NONE |
//! | VAST | CSV `Tweet Target Stance seen?` | Target (topic) | Tweet (a comment) | 1 pro / 0 con / 2 neutral; `seen? = 0` → zero-shot |
//! | NewsMTSC | JSONL, one line per sentence, one example per target | the person's mention (offsets) | the sentence | 6 positive / 2 negative / 4 neutral |
//! | FNC-1 | `*_stances.csv` + `*_bodies.csv` | headline | headline-related sentences of the body | agree / disagree / discuss; `unrelated` dropped |
//! | Emergent | CSV `claimHeadline articleHeadline articleHeadlineStance` | claim | article headline | for / against / observing |
//!
//! Decisions worth knowing:
//! - **NewsMTSC** is sentiment toward a person, read here as stance toward that person. When the
//!   mention is a pronoun ("she"), the target is the person's name from the record's `Input.gid`
//!   (e.g. `allsides_1000_401_3_Reality Leigh Winner_0_3`), since "she" says nothing to the model.
//! - **FNC-1 `unrelated`** pairs are dropped: their headline is about a different story, so they
//!   teach topic mismatch, which is the relevance filter's job (`not_relevant`), not stance.
//!   Labelling them neutral would also swamp the data (72 % of pairs).
//! - **FNC-1 text**: bodies are long; the text is the lede plus the sentences that share most
//!   content words with the headline, in body order, up to [`FNC_TEXT_CHARS`] characters, so that
//!   the evidence for agree/disagree survives the model's length limit.
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub mod mark;
pub mod sets;

/// Budget of an FNC-1 example's text, in characters (≈ 200 word pieces).
pub const FNC_TEXT_CHARS: usize = 1000;

pub const FAVOR: usize = 0;
pub const AGAINST: usize = 1;
pub const NEUTRAL: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFormat {
    Semeval,
    Vast,
    Newsmtsc,
    Fnc1,
    Emergent,
    Persent,
    Pstance,
    Covid19,
    Arc,
    Gwsd,
    IbmClaim,
    Argq,
    Sick,
}

impl DataFormat {
    pub const ALL: [DataFormat; 13] = [
        DataFormat::Semeval,
        DataFormat::Vast,
        DataFormat::Newsmtsc,
        DataFormat::Fnc1,
        DataFormat::Emergent,
        DataFormat::Persent,
        DataFormat::Pstance,
        DataFormat::Covid19,
        DataFormat::Arc,
        DataFormat::Gwsd,
        DataFormat::IbmClaim,
        DataFormat::Argq,
        DataFormat::Sick,
    ];

    /// The name used by `--data NAME=PATH` and in `StanceExample::source`.
    pub fn name(&self) -> &'static str {
        match self {
            DataFormat::Semeval => "semeval",
            DataFormat::Vast => "vast",
            DataFormat::Newsmtsc => "newsmtsc",
            DataFormat::Fnc1 => "fnc1",
            DataFormat::Emergent => "emergent",
            DataFormat::Persent => "persent",
            DataFormat::Pstance => "pstance",
            DataFormat::Covid19 => "covid19",
            DataFormat::Arc => "arc",
            DataFormat::Gwsd => "gwsd",
            DataFormat::IbmClaim => "ibm_claim",
            DataFormat::Argq => "argq",
            DataFormat::Sick => "sick",
        }
    }

    /// Whether the set is news text (the home domain: training weights it up, see
    /// `train stance --news-weight`).
    pub fn is_news(&self) -> bool {
        matches!(
            self,
            DataFormat::Newsmtsc
                | DataFormat::Fnc1
                | DataFormat::Emergent
                | DataFormat::Persent
                | DataFormat::Gwsd
        )
    }

    /// Where the set's files live under `../shared/data/stance` (for `eval stance --all DIR`).
    pub fn default_path(&self) -> &'static str {
        match self {
            DataFormat::Semeval => "semeval2016_t6/semeval2016-task6-trainingdata.txt",
            DataFormat::Vast => "vast/vast_dev.csv",
            DataFormat::Newsmtsc => "newsmtsc/train.jsonl",
            DataFormat::Fnc1 => "fnc1/train_stances.csv",
            DataFormat::Emergent => "emergent/url-versions-2015-06-14-clean.csv",
            DataFormat::Persent => "persent/random_test.csv",
            DataFormat::Pstance => "pstance",
            DataFormat::Covid19 => "covid19_stance",
            DataFormat::Arc => "arc/arc_stances_train.no_vast_test.csv",
            DataFormat::Gwsd => "gwsd/GWSD.tsv",
            DataFormat::IbmClaim => "ibm_claim_stance/claim_stance_dataset_v1.csv",
            DataFormat::Argq => "ibm_argq30k",
            DataFormat::Sick => "../nli/sick/SICK.txt",
        }
    }
}

impl fmt::Display for DataFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DataFormat {
    /// the message a usage error shows
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        match key.as_str() {
            "semeval" | "semeval2016" | "semeval2016t6" | "semevalt6" => Ok(DataFormat::Semeval),
            "vast" | "vasttrain" | "vastdev" => Ok(DataFormat::Vast),
            "newsmtsc" => Ok(DataFormat::Newsmtsc),
            "fnc1" | "fnc" => Ok(DataFormat::Fnc1),
            "emergent" => Ok(DataFormat::Emergent),
            "persent" => Ok(DataFormat::Persent),
            "pstance" => Ok(DataFormat::Pstance),
            "covid19" | "covid19stance" | "covid" => Ok(DataFormat::Covid19),
            "arc" => Ok(DataFormat::Arc),
            "gwsd" => Ok(DataFormat::Gwsd),
            "ibmclaim" | "ibmclaimstance" | "claimstance" => Ok(DataFormat::IbmClaim),
            "argq" | "ibmargq" | "ibmargq30k" | "argq30k" => Ok(DataFormat::Argq),
            "sick" => Ok(DataFormat::Sick),
            _ => Err(format!(
                "unknown stance data set {s:?}; expected one of: {}",
                DataFormat::ALL.map(|f| f.name()).join(", ")
            )),
        }
    }
}

/// A stance set's file or folder and its format: `--data NAME=PATH` (and `--dev`) of
/// `train stance` and `eval stance`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSpec {
    pub format: DataFormat,
    pub path: PathBuf,
}

impl FromStr for DataSpec {
    /// the message clap shows (a usage error, exit 2)
    type Err = String;
    /// Parses `NAME=PATH` (NAME: a [`DataFormat`]).
    fn from_str(spec: &str) -> std::result::Result<Self, String> {
        let (f, p) = spec.split_once('=').ok_or_else(|| {
            format!("--data {spec:?}: expected FORMAT=PATH, e.g. vast=../shared/data/stance/vast/vast_dev.csv")
        })?;
        Ok(DataSpec {
            format: f.parse()?,
            path: PathBuf::from(p),
        })
    }
}

/// One training or evaluation example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StanceExample {
    pub target: String,
    pub text: String,
    /// 0 favor, 1 against, 2 neutral
    pub label: usize,
    /// the format's name (`DataFormat::name`)
    pub source: &'static str,
    /// VAST only: whether the topic is zero-shot (`seen? = 0`)
    pub zero_shot: Option<bool>,
    /// `Some(true)` when the data set itself puts the row in its dev/val/test part (used as dev
    /// instead of a random split), `Some(false)` for its train part, `None` when it has no split
    pub dev: Option<bool>,
    /// what must not straddle train and dev when the split is random (e.g. a PerSenT article)
    pub group: Option<String>,
    /// the headline of the article the text is from, where the set has one (PerSenT
    /// paragraphs); empty otherwise. A model trained with `--title-context` reads it.
    pub context: String,
}

impl StanceExample {
    /// An example with no split, group or zero-shot flag.
    pub fn new(source: &'static str, target: &str, text: &str, label: usize) -> Self {
        StanceExample {
            target: target.trim().to_string(),
            text: text.trim().to_string(),
            label,
            source,
            zero_shot: None,
            dev: None,
            group: None,
            context: String::new(),
        }
    }
}

/// Loads a dataset. For FNC-1 and ARC `path` is the stances CSV; its bodies are the file next to
/// it with `stances` replaced by `bodies` in the name. P-Stance, COVID-19-Stance and ArgQ may be
/// given as their folder: every CSV in it is read, and files named `*val*`/`*dev*` are the dev part.
pub fn load(path: &Path, format: DataFormat) -> Result<Vec<StanceExample>> {
    if path.is_dir() {
        return load_folder(path, format);
    }
    match format {
        DataFormat::Semeval => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            parse_semeval(&decode_text(&bytes), path)
        }
        DataFormat::Vast => parse_vast(&read_utf8(path)?, path),
        DataFormat::Newsmtsc => parse_newsmtsc(&read_utf8(path)?, path),
        DataFormat::Emergent => parse_emergent(&read_utf8(path)?, path),
        DataFormat::Fnc1 | DataFormat::Arc => {
            let bodies_path = fnc_bodies_path(path)?;
            let stances = read_utf8(path)?;
            let bodies = read_utf8(&bodies_path)?;
            let mut out = parse_fnc1(&stances, &bodies, path, &bodies_path)?;
            if format == DataFormat::Arc {
                out.iter_mut().for_each(|e| e.source = "arc");
            }
            Ok(out)
        }
        DataFormat::Persent => sets::parse_persent(&read_utf8(path)?, path),
        DataFormat::Pstance | DataFormat::Covid19 | DataFormat::Argq => {
            sets::parse_target_csv(&read_utf8(path)?, path, format)
        }
        DataFormat::Gwsd => sets::parse_gwsd(&read_utf8(path)?, path),
        DataFormat::IbmClaim => sets::parse_ibm_claim(&read_utf8(path)?, path),
        DataFormat::Sick => sets::parse_sick(&read_utf8(path)?, path),
    }
}

/// Every data file of a folder, in name order; the file name says train or dev.
fn load_folder(dir: &Path, format: DataFormat) -> Result<Vec<StanceExample>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "csv" | "tsv" | "txt" | "jsonl"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(data_err(
            dir,
            "no .csv/.tsv/.txt/.jsonl files in this folder",
        ));
    }
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let is_dev = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "val" | "dev" | "valid" | "test"));
        let mut rows = load(&f, format)?;
        for r in &mut rows {
            r.dev.get_or_insert(is_dev);
        }
        out.extend(rows);
    }
    Ok(out)
}

/// Label counts `[favor, against, neutral]`.
pub fn label_counts(examples: &[StanceExample]) -> [usize; 3] {
    let mut c = [0; 3];
    for e in examples {
        if let Some(n) = c.get_mut(e.label) {
            *n += 1;
        }
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Windows-1252 code points of bytes 0x80–0x9F; `None` for the five bytes cp1252 leaves undefined
/// (they decode as their Latin-1 control characters, as Python's and WHATWG's decoders do).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// Decodes Windows-1252: 0x80–0x9F through the cp1252 table, every other byte as Latin-1.
pub fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)].unwrap_or(char::from(b)),
            _ => char::from(b),
        })
        .collect()
}

/// UTF-8 when the whole file is valid UTF-8 (a re-saved copy), else cp1252 (the original release).
/// A BOM is dropped.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => decode_cp1252(bytes),
    }
}

fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Lossy rather than failing: one bad byte in 25,000 rows should not stop training.
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

pub(crate) fn data_err(path: &Path, msg: impl Into<String>) -> Error {
    Error::Data {
        path: path.to_path_buf(),
        msg: msg.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// SemEval-2016 Task 6

/// Parses the SemEval TSV (already decoded). Tabs are the only separator; quotes are literal.
pub fn parse_semeval(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(data_err(path, "empty file"));
    };
    let cols: Vec<String> = header
        .split('\t')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| {
        cols.iter().position(|c| c == name).ok_or_else(|| {
            data_err(path, format!("header has no {name:?} column (expected ID, Target, Tweet, Stance; got {header:?})"))
        })
    };
    let (target_col, tweet_col, stance_col) = (col("target")?, col("tweet")?, col("stance")?);
    let mut out = Vec::new();
    for (i, line) in lines {
        let mut fields: Vec<&str> = line.split('\t').collect();
        // A tab inside a tweet would shift the columns after it: fold the extras into the tweet.
        let extra = fields.len().saturating_sub(cols.len());
        let tweet = if extra > 0 && tweet_col + extra < fields.len() {
            let t = fields[tweet_col..=tweet_col + extra].join(" ");
            fields.drain(tweet_col + 1..=tweet_col + extra);
            t
        } else {
            fields
                .get(tweet_col)
                .copied()
                .unwrap_or_default()
                .to_string()
        };
        let get = |c: usize| fields.get(c).map(|s| s.trim()).unwrap_or_default();
        if fields.len() < cols.len() {
            return Err(data_err(
                path,
                format!(
                    "line {}: {} fields, expected {}",
                    i + 1,
                    fields.len(),
                    cols.len()
                ),
            ));
        }
        let label = match get(stance_col).to_ascii_uppercase().as_str() {
            "FAVOR" => FAVOR,
            "AGAINST" => AGAINST,
            "NONE" | "NEUTRAL" => NEUTRAL,
            other => {
                return Err(data_err(
                    path,
                    format!("line {}: unknown stance {other:?}", i + 1),
                ))
            }
        };
        out.push(StanceExample {
            target: get(target_col).to_string(),
            text: tweet.trim().to_string(),
            label,
            source: "semeval",
            zero_shot: None,
            dev: None,
            group: None,
            context: String::new(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// CSV helpers

pub(crate) struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, csv::StringRecord)>,
}

pub(crate) fn read_csv(text: &str, path: &Path) -> Result<CsvTable> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| data_err(path, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| data_err(path, e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    Ok(CsvTable { headers, rows })
}

impl CsvTable {
    /// Index of the first column whose name is one of `names` (case-insensitive).
    pub fn col(&self, names: &[&str], path: &Path) -> Result<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
            .ok_or_else(|| {
                data_err(
                    path,
                    format!(
                        "no {:?} column; the header is {:?}",
                        names[0],
                        self.headers.join(",")
                    ),
                )
            })
    }
}

pub(crate) fn field(rec: &csv::StringRecord, c: usize) -> &str {
    rec.get(c).map(str::trim).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// VAST

pub fn parse_vast(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let t = read_csv(text, path)?;
    let text_c = t.col(&["Tweet", "post", "text"], path)?;
    let target_c = t.col(&["Target", "topic_str", "new_topic", "topic"], path)?;
    let stance_c = t.col(&["Stance", "label"], path)?;
    let seen_c = t.col(&["seen?", "seen"], path).ok();
    let mut out = Vec::with_capacity(t.rows.len());
    for (line, rec) in &t.rows {
        let label = match field(rec, stance_c) {
            "1" => FAVOR,
            "0" => AGAINST,
            "2" => NEUTRAL,
            other => {
                return Err(data_err(
                    path,
                    format!("line {line}: stance {other:?}, expected 0, 1 or 2"),
                ))
            }
        };
        let zero_shot = match seen_c.map(|c| field(rec, c)) {
            Some("0") => Some(true),
            Some("1") => Some(false),
            _ => None,
        };
        out.push(StanceExample {
            target: field(rec, target_c).to_string(),
            text: field(rec, text_c).to_string(),
            label,
            source: "vast",
            zero_shot,
            dev: None,
            group: None,
            context: String::new(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// NewsMTSC

#[derive(serde::Deserialize)]
struct MtscLine {
    sentence_normalized: String,
    targets: Vec<MtscTarget>,
}

#[derive(serde::Deserialize)]
struct MtscTarget {
    #[serde(rename = "Input.gid", default)]
    gid: String,
    from: usize,
    to: usize,
    #[serde(default)]
    mention: String,
    polarity: f64,
}

const PRONOUNS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "us",
    "our",
    "ourselves",
    "you",
    "your",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "they",
    "them",
    "their",
    "themselves",
];

/// The person's name inside a NewsMTSC `Input.gid`: `allsides_1000_401_3_NAME_0_3` or
/// `polusa_v1_113705206_-1_7_NAME_63_68`.
fn gid_name(gid: &str) -> Option<&str> {
    let mut parts: Vec<&str> = gid.split('_').collect();
    // the mention's offsets
    for _ in 0..2 {
        parts.pop().filter(|p| p.parse::<i64>().is_ok())?;
    }
    let skip = parts
        .iter()
        .take_while(|p| matches!(**p, "allsides" | "polusa" | "v1") || p.parse::<i64>().is_ok())
        .count();
    let start = parts[..skip].iter().map(|p| p.len() + 1).sum::<usize>();
    let len = parts
        .iter()
        .map(|p| p.len() + 1)
        .sum::<usize>()
        .saturating_sub(1);
    let name = gid
        .get(start..len)?
        .trim_matches(|c: char| !c.is_alphanumeric());
    (!name.is_empty()).then_some(name)
}

pub fn parse_newsmtsc(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: MtscLine = serde_json::from_str(line)
            .map_err(|e| data_err(path, format!("line {}: {e}", i + 1)))?;
        let chars: Vec<char> = rec.sentence_normalized.chars().collect();
        for t in rec.targets {
            let label = match t.polarity.round() as i64 {
                6 => FAVOR,
                2 => AGAINST,
                4 => NEUTRAL,
                _ => {
                    return Err(data_err(
                        path,
                        format!(
                            "line {}: polarity {}, expected 2, 4 or 6",
                            i + 1,
                            t.polarity
                        ),
                    ))
                }
            };
            // The offsets are char offsets into the sentence; the `mention` field is the fallback.
            let mention = if t.from < t.to && t.to <= chars.len() {
                chars[t.from..t.to].iter().collect::<String>()
            } else {
                t.mention.clone()
            };
            let mention = mention.trim();
            let target = if PRONOUNS.contains(&mention.to_lowercase().as_str()) {
                gid_name(&t.gid).unwrap_or(mention)
            } else {
                mention
            };
            if target.is_empty() {
                continue;
            }
            out.push(StanceExample {
                target: target.to_string(),
                text: rec.sentence_normalized.trim().to_string(),
                label,
                source: "newsmtsc",
                zero_shot: None,
                dev: None,
                group: None,
                context: String::new(),
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Emergent

pub fn parse_emergent(text: &str, path: &Path) -> Result<Vec<StanceExample>> {
    let t = read_csv(text, path)?;
    let claim_c = t.col(&["claimHeadline", "claim"], path)?;
    let head_c = t.col(&["articleHeadline", "headline"], path)?;
    let stance_c = t.col(&["articleHeadlineStance", "stance"], path)?;
    let mut out = Vec::with_capacity(t.rows.len());
    for (line, rec) in &t.rows {
        let label = match field(rec, stance_c).to_ascii_lowercase().as_str() {
            "for" => FAVOR,
            "against" => AGAINST,
            "observing" => NEUTRAL,
            other => {
                return Err(data_err(
                    path,
                    format!("line {line}: stance {other:?}, expected for, against or observing"),
                ))
            }
        };
        let (target, text) = (field(rec, claim_c), field(rec, head_c));
        if target.is_empty() || text.is_empty() {
            continue;
        }
        out.push(StanceExample {
            target: target.to_string(),
            text: text.to_string(),
            label,
            source: "emergent",
            zero_shot: None,
            dev: None,
            group: None,
            context: String::new(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// FNC-1

/// `…/competition_test_stances.csv` → `…/competition_test_bodies.csv`.
pub fn fnc_bodies_path(stances: &Path) -> Result<PathBuf> {
    let name = stances
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.contains("bodies") {
        return Err(Error::Usage(format!(
            "{}: this is an FNC-1 bodies file; pass the stances file (e.g. competition_test_stances.csv), the bodies are found next to it",
            stances.display()
        )));
    }
    if !name.contains("stances") {
        return Err(Error::Usage(format!(
            "{}: an FNC-1 stances file name contains `stances` (e.g. train_stances.csv)",
            stances.display()
        )));
    }
    if !stances.exists() {
        let dir = stances.parent().unwrap_or(Path::new("."));
        let present: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| n.contains("stances"))
                    .collect()
            })
            .unwrap_or_default();
        return Err(data_err(
            stances,
            format!(
                "FNC-1 stances file not found; stances files in {}: {present:?}",
                dir.display()
            ),
        ));
    }
    // FNC-1: train_stances.csv → train_bodies.csv; ARC: arc_stances_train.x.csv → arc_bodies.x.csv
    let candidates = [
        name.replace("stances", "bodies"),
        name.replace("stances_train", "bodies")
            .replace("stances_test", "bodies"),
    ];
    let found = candidates
        .iter()
        .map(|c| stances.with_file_name(c))
        .find(|p| p.is_file());
    Ok(found.unwrap_or_else(|| stances.with_file_name(&candidates[0])))
}

/// Parses FNC-1 stances against their bodies (both CSV texts).
pub fn parse_fnc1(
    stances: &str,
    bodies: &str,
    stances_path: &Path,
    bodies_path: &Path,
) -> Result<Vec<StanceExample>> {
    let b = read_csv(bodies, bodies_path)?;
    let (id_c, body_c) = (
        b.col(&["Body ID"], bodies_path)?,
        b.col(&["articleBody"], bodies_path)?,
    );
    let bodies: HashMap<&str, &str> = b
        .rows
        .iter()
        .map(|(_, r)| (field(r, id_c), r.get(body_c).unwrap_or_default()))
        .collect();

    let s = read_csv(stances, stances_path)?;
    let head_c = s.col(&["Headline"], stances_path)?;
    let sid_c = s.col(&["Body ID"], stances_path)?;
    let stance_c = s.col(&["Stance"], stances_path)?;
    // Many headlines share a body: cut each body into sentences once.
    let mut sentences: HashMap<&str, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    for (line, rec) in &s.rows {
        let label = match field(rec, stance_c).to_ascii_lowercase().as_str() {
            "agree" => FAVOR,
            "disagree" => AGAINST,
            "discuss" => NEUTRAL,
            "unrelated" => continue,
            other => {
                return Err(data_err(
                    stances_path,
                    format!(
                    "line {line}: stance {other:?}, expected agree, disagree, discuss or unrelated"
                ),
                ))
            }
        };
        let id = field(rec, sid_c);
        let Some(body) = bodies.get(id) else {
            return Err(data_err(
                stances_path,
                format!(
                    "line {line}: Body ID {id:?} is not in {}",
                    bodies_path.display()
                ),
            ));
        };
        let sents = sentences.entry(id).or_insert_with(|| split_sentences(body));
        let headline = field(rec, head_c);
        out.push(StanceExample {
            target: headline.to_string(),
            text: select_sentences(headline, sents, FNC_TEXT_CHARS),
            label,
            source: "fnc1",
            zero_shot: None,
            dev: None,
            group: None,
            context: String::new(),
        });
    }
    Ok(out)
}

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "that", "with", "was", "are", "has", "have", "had", "this", "from", "but",
    "not", "his", "her", "its", "their", "they", "will", "would", "been", "were", "after", "over",
    "into", "about", "says", "said", "who", "what", "when", "than", "then", "out", "new", "you",
    "your", "our", "all", "can",
];

fn content_words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Sentences of a body, as the run's text stage splits them (`text::segment`: one splitter for
/// training data and articles alike).
pub fn split_sentences(body: &str) -> Vec<String> {
    let doc = crate::text::analyse(body, &crate::text::TextConfig { clean: false });
    (0..doc.sentences.len())
        .map(|i| doc.sentence_text(i).trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The lede plus the sentences sharing most content words with `headline`, in body order, within
/// `budget` chars (the lede alone is cut to the budget when it is longer).
pub fn select_sentences(headline: &str, sentences: &[String], budget: usize) -> String {
    let Some(first) = sentences.first() else {
        return String::new();
    };
    let head = content_words(headline);
    let mut ranked: Vec<(usize, usize)> = sentences
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, s)| (content_words(s).intersection(&head).count(), i))
        .collect();
    // most shared words first, then earlier sentences: unrelated sentences fill up in body order
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen = vec![0];
    let mut used = first.chars().count();
    // scraped bodies repeat sentences (pull quotes, captions): each text once
    let mut seen: HashSet<&str> = HashSet::from([first.as_str()]);
    for (_, i) in ranked {
        let len = sentences[i].chars().count() + 1;
        if used + len <= budget && seen.insert(sentences[i].as_str()) {
            chosen.push(i);
            used += len;
        }
    }
    chosen.sort_unstable();
    let text = chosen
        .iter()
        .map(|&i| sentences[i].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > budget {
        // only the lede, and it is over budget: cut at a word boundary
        let cut: String = text.chars().take(budget).collect();
        match cut.rfind(char::is_whitespace) {
            Some(b) if b > budget / 2 => cut[..b].to_string(),
            _ => cut,
        }
    } else {
        text
    }
}

// ---------------------------------------------------------------------------------------------
// Dev split

/// What must not straddle train and dev: VAST topics and Emergent claims (so dev targets are
/// unseen), FNC-1 headlines, NewsMTSC sentences (one sentence, several targets); SemEval tweets
/// stand alone (its five targets are all seen).
fn group_key(e: &StanceExample, index: usize) -> String {
    if let Some(g) = &e.group {
        return format!("{}\u{1}{g}", e.source);
    }
    match e.source {
        "vast" | "emergent" | "fnc1" => {
            format!("{}\u{1}{}", e.source, e.target.trim().to_lowercase())
        }
        "newsmtsc" => format!("{}\u{1}{}", e.source, e.text),
        _ => format!("{}\u{1}#{index}", e.source),
    }
}

/// Splits off a dev set of about `dev_fraction` of the examples (clamped to `0..=1`), keeping
/// whole groups together (see [`group_key`]: for VAST whole topics, so dev topics are unseen).
/// Deterministic for a seed and the same input; both halves keep the input order.
pub fn split_dev(
    examples: Vec<StanceExample>,
    dev_fraction: f32,
    seed: u64,
) -> (Vec<StanceExample>, Vec<StanceExample>) {
    // A set that names its own dev part (P-Stance val files, ArgQ `set`, GWSD's held-out test,
    // SICK's TRIAL/TEST) is split that way: the published split, and no leak between the parts.
    if examples.iter().any(|e| e.dev == Some(true)) {
        return examples.into_iter().partition(|e| e.dev != Some(true));
    }
    let fraction = if dev_fraction.is_finite() {
        dev_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let want = (f64::from(fraction) * examples.len() as f64).round() as usize;
    let keys: Vec<String> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| group_key(e, i))
        .collect();
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for k in &keys {
        *sizes.entry(k.as_str()).or_default() += 1;
    }
    // Sorted before shuffling, so the split does not depend on hash-map order.
    let mut groups: Vec<&str> = sizes.keys().copied().collect();
    groups.sort_unstable();
    groups.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut dev_groups = HashSet::new();
    let mut taken = 0;
    for g in groups {
        if taken >= want {
            break;
        }
        taken += sizes[g];
        dev_groups.insert(g.to_string());
    }
    let (mut train, mut dev) = (Vec::new(), Vec::new());
    for (e, k) in examples.into_iter().zip(&keys) {
        if dev_groups.contains(k) {
            dev.push(e);
        } else {
            train.push(e);
        }
    }
    (train, dev)
}

/// Drops from `train` the examples whose text also occurs in `dev`; returns the new train set and
/// the number dropped. For VAST, where one comment is paired with several topics: a topic split
/// keeps dev *topics* unseen, but most dev comments still occur in train under other topics
/// (on `vast_dev.csv` with a 20 % split, about 9 in 10 dev examples). Purging makes dev fully
/// unseen at the cost of a large part of train (about 45 % there), so it is a separate choice.
pub fn purge_text_overlap(
    train: Vec<StanceExample>,
    dev: &[StanceExample],
) -> (Vec<StanceExample>, usize) {
    let dev_texts: HashSet<&str> = dev.iter().map(|e| e.text.as_str()).collect();
    let before = train.len();
    let kept: Vec<StanceExample> = train
        .into_iter()
        .filter(|e| !dev_texts.contains(e.text.as_str()))
        .collect();
    let dropped = before - kept.len();
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_table() {
        assert_eq!(
            decode_cp1252(b"\x80\x91x\x92\x93\x94\x96\x97\x85"),
            "€‘x’“”–—…"
        );
        // undefined bytes stay Latin-1 controls; high Latin-1 letters pass through
        assert_eq!(decode_cp1252(b"\x81\xe9"), "\u{81}é");
        assert_eq!(decode_text("é".as_bytes()), "é");
    }

    #[test]
    fn gid_names() {
        assert_eq!(
            gid_name("allsides_1000_401_3_Reality Leigh Winner_0_3"),
            Some("Reality Leigh Winner")
        );
        assert_eq!(
            gid_name("polusa_v1_113705206_-1_7_Donald Trump_63_68"),
            Some("Donald Trump")
        );
        assert_eq!(gid_name("allsides_1073_428_16_\"Roger_0_2"), Some("Roger"));
        assert_eq!(gid_name("garbage"), None);
    }

    #[test]
    fn sentences_and_selection() {
        let s = split_sentences(
            "Dr. Smith said so. “Really,” he said! The cat sat.\n\nSecond para about cats.",
        );
        assert_eq!(
            s,
            [
                "Dr. Smith said so.",
                "“Really,” he said!",
                "The cat sat.",
                "Second para about cats."
            ]
        );
        let picked = select_sentences("Cat sat on mat", &s, 45);
        assert_eq!(picked, "Dr. Smith said so. The cat sat.");
    }
}
