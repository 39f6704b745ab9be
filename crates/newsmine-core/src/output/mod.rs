//! CSV tables (RFC 4180, UTF-8, header row) and the run manifest.
//!
//! Every table is written under a temporary name and renamed when the run finishes, so a killed
//! run never leaves a half-written table. Cells that a spreadsheet would evaluate as a formula
//! (first char `=`, `+`, `-`, `@`, tab or CR) get a leading `'`, as OWASP recommends: in one
//! place, `Table::write`, for every string cell of every table (ids too), so that the same value
//! reads the same in every table and joins line up. Rows hold raw values.
mod guard;
pub mod parquet;
pub use parquet::TableFormat;
pub mod report;
use crate::corpus::InputError;
use crate::doc::Analysis;
use crate::{Error, Result};
use serde::Serialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Whether a value needs the formula guard: its first char after any leading `'` is one a
/// spreadsheet would run. Counting the leading `'`s makes the guard reversible (`unguard`), so a
/// value that itself starts with `'=` survives a round trip (merge, aggregates).
fn needs_guard(s: &str) -> bool {
    matches!(
        s.trim_start_matches('\'').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// Neutralises a cell a spreadsheet would run as a formula (one leading `'`).
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    if needs_guard(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The value a guarded cell stands for (the inverse of `safe_cell`).
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => s,
    }
}

/// Writes a file through a temporary name, so a killed process never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Reads a table written by `Table`, with the formula guard taken off every cell: the program
/// works on raw values only (joins between tables compare what the input said).
pub fn read_rows<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let bad = |e: csv::Error| Error::Data {
        path: path.to_path_buf(),
        msg: e.to_string(),
    };
    let (headers, records) = table_records(path)?;
    let mut rows = Vec::new();
    for rec in records {
        let raw: csv::StringRecord = rec?.iter().map(unguard).collect();
        rows.push(raw.deserialize(Some(&headers)).map_err(bad)?);
    }
    Ok(rows)
}

/// Records of a finished table, one at a time.
pub type Records = Box<dyn Iterator<Item = Result<csv::StringRecord>>>;

/// The header and records of the table `NAME.csv` at `path`, cells as the CSV holds them
/// (guarded). A run with `--table-format parquet` keeps only `NAME.parquet`: then that is read.
pub fn table_records(path: &Path) -> Result<(csv::StringRecord, Records)> {
    let parquet_path = path.with_extension("parquet");
    if !path.is_file() && parquet_path.is_file() {
        let (header, records) = parquet::read_as_csv(&parquet_path)?;
        return Ok((header.into(), Box::new(records.into_iter().map(Ok))));
    }
    let p = path.to_path_buf();
    let bad = move |e: csv::Error| Error::Data {
        path: p.clone(),
        msg: e.to_string(),
    };
    let mut r = csv::Reader::from_path(path).map_err(&bad)?;
    let headers = r.headers().map_err(&bad)?.clone();
    Ok((
        headers,
        Box::new(r.into_records().map(move |rec| rec.map_err(&bad))),
    ))
}

/// One CSV table being written to `NAME.csv.tmp`, renamed to `NAME.csv` by `finish`.
pub struct Table {
    path: PathBuf,
    tmp: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
    pub rows: usize,
}

impl Table {
    /// Reopens the temporary file of an interrupted run, cut to `len` bytes (what was written up
    /// to its last finished batch), for appending.
    pub fn resume(dir: &Path, name: &str, len: u64) -> Result<Self> {
        let path = dir.join(format!("{name}.csv"));
        let tmp = dir.join(format!("{name}.csv.tmp"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))?;
        file.set_len(len).map_err(|e| Error::io(&tmp, e))?;
        let mut file = file;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))
            .map_err(|e| Error::io(&tmp, e))?;
        let writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(BufWriter::new(file));
        Ok(Table {
            path,
            tmp,
            writer,
            rows: 0,
        })
    }

    /// Flushes and returns the bytes written so far.
    pub fn flush(&mut self) -> Result<u64> {
        self.writer.flush().map_err(|e| Error::io(&self.tmp, e))?;
        let meta = self
            .writer
            .get_ref()
            .get_ref()
            .metadata()
            .map_err(|e| Error::io(&self.tmp, e))?;
        Ok(meta.len())
    }

    /// Creates the table and writes its header.
    pub fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Self> {
        let path = dir.join(format!("{name}.csv"));
        let tmp = dir.join(format!("{name}.csv.tmp"));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(BufWriter::new(file));
        writer.write_record(header)?;
        Ok(Table {
            path,
            tmp,
            writer,
            rows: 0,
        })
    }

    /// Writes one row; every string cell gets the formula guard here, and only here.
    pub fn write<R: Serialize>(&mut self, row: &R) -> Result<()> {
        self.writer.serialize(guard::Guarded(row))?;
        self.rows += 1;
        Ok(())
    }

    /// Writes a record as read from another table: its cells are already guarded.
    pub fn write_record(&mut self, rec: &csv::StringRecord) -> Result<()> {
        self.writer.write_record(rec)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes and moves the table into place.
    pub fn finish(mut self) -> Result<PathBuf> {
        self.writer.flush().map_err(|e| Error::io(&self.tmp, e))?;
        drop(self.writer);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(self.path)
    }
}

/// The extracted texts: one JSON line per article (`article_id`, `source`, `text`), the text
/// every offset of that article refers to. Written for HTML inputs, and for all with
/// `--write-text`.
pub const TEXTS: &str = "texts.jsonl";

/// A JSON-lines file written as `NAME.tmp` and renamed by `finish`, like the tables.
pub struct LinesFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: BufWriter<File>,
}

impl LinesFile {
    pub fn create(path: PathBuf) -> Result<Self> {
        let tmp = path.with_extension("jsonl.tmp");
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(LinesFile {
            path,
            tmp,
            writer: BufWriter::new(file),
        })
    }

    /// Reopens the file of an interrupted run cut to `len` bytes.
    pub fn resume(path: PathBuf, len: u64) -> Result<Self> {
        let tmp = path.with_extension("jsonl.tmp");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))?;
        file.set_len(len).map_err(|e| Error::io(&tmp, e))?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))
            .map_err(|e| Error::io(&tmp, e))?;
        Ok(LinesFile {
            path,
            tmp,
            writer: BufWriter::new(file),
        })
    }

    pub fn write<T: Serialize>(&mut self, value: &T) -> Result<()> {
        let mut line = serde_json::to_vec(value)?;
        line.push(b'\n');
        std::io::Write::write_all(&mut self.writer, &line).map_err(|e| Error::io(&self.tmp, e))
    }

    pub fn flush(&mut self) -> Result<u64> {
        std::io::Write::flush(&mut self.writer).map_err(|e| Error::io(&self.tmp, e))?;
        let meta = self
            .writer
            .get_ref()
            .metadata()
            .map_err(|e| Error::io(&self.tmp, e))?;
        Ok(meta.len())
    }

    pub fn finish(mut self) -> Result<PathBuf> {
        self.flush()?;
        drop(self.writer);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(self.path)
    }
}

/// Concatenates the files that exist of `parts` into `out` (for `merge`).
pub fn concat_files(parts: &[PathBuf], out: &Path) -> Result<()> {
    let mut w = LinesFile::create(out.to_path_buf())?;
    for p in parts.iter().filter(|p| p.is_file()) {
        let mut f = File::open(p).map_err(|e| Error::io(p, e))?;
        std::io::copy(&mut f, &mut w.writer).map_err(|e| Error::io(out, e))?;
    }
    w.finish()?;
    Ok(())
}

/// One line of `texts.jsonl`.
#[derive(Serialize)]
struct TextLine<'a> {
    article_id: &'a str,
    source: &'a str,
    text: &'a str,
}

/// Header of a row type, from a serde struct's field names.
macro_rules! header {
    ($($f:ident),* $(,)?) => { &[$(stringify!($f)),*] };
}

#[derive(Serialize)]
pub struct ArticleRow<'a> {
    pub article_id: Cow<'a, str>,
    pub outlet: Cow<'a, str>,
    pub published: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub url: Cow<'a, str>,
    pub authors: Cow<'a, str>,
    pub language: Cow<'a, str>,
    pub source: Cow<'a, str>,
    pub n_chars: usize,
    pub n_skipped_chars: usize,
    pub n_paragraphs: usize,
    pub n_sentences: usize,
    pub n_tokens: usize,
    pub n_entities: usize,
    pub n_quotes: usize,
    pub status: &'static str,
    pub stance: &'static str,
    pub p_favor: Option<f32>,
    pub p_against: Option<f32>,
    pub p_neutral: Option<f32>,
}
pub const ARTICLE_HEADER: &[&str] = header!(
    article_id,
    outlet,
    published,
    title,
    url,
    authors,
    language,
    source,
    n_chars,
    n_skipped_chars,
    n_paragraphs,
    n_sentences,
    n_tokens,
    n_entities,
    n_quotes,
    status,
    stance,
    p_favor,
    p_against,
    p_neutral
);

#[derive(Serialize)]
pub struct EntityRow<'a> {
    pub article_id: &'a str,
    pub entity_id: usize,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: Cow<'a, str>,
    pub label: &'static str,
    pub score: f32,
    pub canonical: Cow<'a, str>,
    pub key: Cow<'a, str>,
}
pub const ENTITY_HEADER: &[&str] =
    header!(article_id, entity_id, sentence, start, end, text, label, score, canonical, key);

/// Mentions per canonical entity per article (the article's entity summary).
#[derive(Serialize)]
pub struct EntityCountRow<'a> {
    pub article_id: &'a str,
    pub canonical: Cow<'a, str>,
    pub key: Cow<'a, str>,
    pub label: &'static str,
    pub mentions: usize,
    pub first_start: usize,
}
pub const ENTITY_COUNT_HEADER: &[&str] =
    header!(article_id, canonical, key, label, mentions, first_start);

#[derive(Serialize)]
pub struct QuoteRow<'a> {
    pub article_id: &'a str,
    pub quote_id: usize,
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
    pub text: Cow<'a, str>,
    pub cue: Option<Cow<'a, str>>,
    pub cue_start: Option<usize>,
    pub cue_end: Option<usize>,
    pub cue_class: Option<&'static str>,
    pub speaker: Option<Cow<'a, str>>,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub speaker_canonical: Option<Cow<'a, str>>,
    pub speaker_label: Option<&'a str>,
    pub speaker_reason: Option<&'a str>,
    pub paragraph: usize,
    pub sentence: usize,
    pub confidence: Option<f32>,
}
pub const QUOTE_HEADER: &[&str] = header!(
    article_id,
    quote_id,
    kind,
    start,
    end,
    text,
    cue,
    cue_start,
    cue_end,
    cue_class,
    speaker,
    speaker_start,
    speaker_end,
    speaker_canonical,
    speaker_label,
    speaker_reason,
    paragraph,
    sentence,
    confidence
);

#[derive(Serialize)]
pub struct StanceRow<'a> {
    pub article_id: &'a str,
    pub unit: &'static str,
    pub unit_id: usize,
    pub start: usize,
    pub end: usize,
    pub target: &'a str,
    pub stance: &'static str,
    pub p_favor: f32,
    pub p_against: f32,
    pub p_neutral: f32,
    pub relevance: f32,
    pub speaker_canonical: Option<Cow<'a, str>>,
}
pub const STANCE_HEADER: &[&str] = header!(
    article_id,
    unit,
    unit_id,
    start,
    end,
    target,
    stance,
    p_favor,
    p_against,
    p_neutral,
    relevance,
    speaker_canonical
);

#[derive(Serialize)]
pub struct ErrorRow<'a> {
    pub source: Cow<'a, str>,
    pub record: Cow<'a, str>,
    pub article_id: &'a str,
    pub kind: &'a str,
    pub message: Cow<'a, str>,
}
pub const ERROR_HEADER: &[&str] = header!(source, record, article_id, kind, message);

pub const ARTICLE_STANCE_HEADER: &[&str] = header!(
    article_id,
    outlet,
    target,
    stance,
    relevant_units,
    p_favor,
    p_against,
    p_neutral,
    score,
    voice_score
);
pub const OUTLET_HEADER: &[&str] = header!(
    outlet,
    target,
    articles,
    relevant_articles,
    share_favor,
    share_against,
    share_neutral,
    mean_score,
    ci_low,
    ci_high
);
pub const SPEAKER_HEADER: &[&str] = header!(
    outlet,
    speaker_canonical,
    target,
    quotes,
    stance,
    mean_score
);

/// The per-article tables of a run.
pub struct Tables {
    pub articles: Table,
    pub entities: Table,
    pub entity_counts: Table,
    pub quotes: Table,
    pub stance: Table,
    /// article × target stance, the input of the outlet aggregate (and of `merge`)
    pub article_stance: Table,
    pub errors: Table,
    /// `texts.jsonl`
    pub texts: LinesFile,
    /// write every article's text to `texts.jsonl`, not only extracted ones
    pub write_text: bool,
}

/// The tables with one or more rows per article, as `merge` concatenates them.
pub const PER_ARTICLE_TABLES: [&str; 7] = [
    "articles",
    "entities",
    "entity_counts",
    "quotes",
    "stance",
    "article_stance",
    "errors",
];

/// Every table a run writes: the per-article ones and the two aggregates.
pub const TABLES: [&str; 9] = [
    PER_ARTICLE_TABLES[0],
    PER_ARTICLE_TABLES[1],
    PER_ARTICLE_TABLES[2],
    PER_ARTICLE_TABLES[3],
    PER_ARTICLE_TABLES[4],
    PER_ARTICLE_TABLES[5],
    "speakers",
    "outlets",
    PER_ARTICLE_TABLES[6],
];

/// Data rows of a finished CSV table (0 when it is missing).
pub fn count_rows(path: &Path) -> Result<usize> {
    if !path.is_file() {
        return Ok(0);
    }
    let mut r = csv::Reader::from_path(path)?;
    let mut n = 0;
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec)? {
        n += 1;
    }
    Ok(n)
}

impl Tables {
    fn all_mut(&mut self) -> [(&'static str, &mut Table); 7] {
        [
            ("articles", &mut self.articles),
            ("entities", &mut self.entities),
            ("entity_counts", &mut self.entity_counts),
            ("quotes", &mut self.quotes),
            ("stance", &mut self.stance),
            ("article_stance", &mut self.article_stance),
            ("errors", &mut self.errors),
        ]
    }

    /// Flushes every table; returns each one's length in bytes (the resume point).
    pub fn flush(&mut self) -> Result<std::collections::BTreeMap<String, u64>> {
        let mut lengths: std::collections::BTreeMap<String, u64> = self
            .all_mut()
            .into_iter()
            .map(|(n, t)| Ok((n.to_string(), t.flush()?)))
            .collect::<Result<_>>()?;
        lengths.insert(TEXTS.into(), self.texts.flush()?);
        Ok(lengths)
    }

    /// Reopens the tables of an interrupted run at their recorded lengths.
    pub fn resume(
        dir: &Path,
        lengths: &std::collections::BTreeMap<String, u64>,
        write_text: bool,
    ) -> Result<Self> {
        let len = |n: &str| {
            lengths.get(n).copied().ok_or_else(|| Error::Data {
                path: dir.to_path_buf(),
                msg: format!("progress file lacks {n}.csv"),
            })
        };
        Ok(Tables {
            articles: Table::resume(dir, "articles", len("articles")?)?,
            entities: Table::resume(dir, "entities", len("entities")?)?,
            entity_counts: Table::resume(dir, "entity_counts", len("entity_counts")?)?,
            quotes: Table::resume(dir, "quotes", len("quotes")?)?,
            stance: Table::resume(dir, "stance", len("stance")?)?,
            article_stance: Table::resume(dir, "article_stance", len("article_stance")?)?,
            errors: Table::resume(dir, "errors", len("errors")?)?,
            texts: LinesFile::resume(dir.join(TEXTS), len(TEXTS)?)?,
            write_text,
        })
    }

    pub fn create(dir: &Path, write_text: bool) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Tables {
            articles: Table::create(dir, "articles", ARTICLE_HEADER)?,
            entities: Table::create(dir, "entities", ENTITY_HEADER)?,
            entity_counts: Table::create(dir, "entity_counts", ENTITY_COUNT_HEADER)?,
            quotes: Table::create(dir, "quotes", QUOTE_HEADER)?,
            stance: Table::create(dir, "stance", STANCE_HEADER)?,
            article_stance: Table::create(dir, "article_stance", ARTICLE_STANCE_HEADER)?,
            errors: Table::create(dir, "errors", ERROR_HEADER)?,
            texts: LinesFile::create(dir.join(TEXTS))?,
            write_text,
        })
    }

    pub fn write_input_error(&mut self, e: &InputError) -> Result<()> {
        self.errors.write(&ErrorRow {
            source: Cow::from(&e.source),
            record: Cow::from(&e.record),
            article_id: "",
            kind: e.kind.as_str(),
            message: Cow::from(&e.message),
        })
    }

    /// Writes every row that one analysed article contributes.
    pub fn write_analysis(&mut self, a: &Analysis) -> Result<()> {
        for r in crate::aggregate::article_rows(a) {
            self.article_stance.write(&r)?;
        }
        self.write_diagnostics(a)?;
        self.articles.write(&article_row(a))?;
        let id = a.article.id.as_str();
        for e in &a.entities {
            self.entities.write(&entity_row(id, e))?;
        }
        for c in entity_counts(id, &a.entities) {
            self.entity_counts.write(&c)?;
        }
        for q in &a.quotes {
            self.quotes.write(&quote_row(id, q))?;
        }
        for s in &a.stance {
            self.stance.write(&stance_row(a, s))?;
        }
        Ok(())
    }

    /// The article's text when offsets need it (`texts.jsonl`), and its warnings and stage
    /// failures as rows of `errors.csv`.
    fn write_diagnostics(&mut self, a: &Analysis) -> Result<()> {
        let art = &a.article;
        let id = art.id.as_str();
        // offsets refer to this text: when it is not in the input as such, write it out
        if art.extracted || self.write_text {
            self.texts.write(&TextLine {
                article_id: id,
                source: &art.source,
                text: &art.text,
            })?;
        }
        let warnings = art.warnings.iter().map(|w| ("warning", w));
        let failures = a.failures.iter().map(|f| (f.stage.as_str(), &f.message));
        for (kind, message) in warnings.chain(failures) {
            self.errors.write(&ErrorRow {
                source: Cow::from(&art.source),
                record: "".into(),
                article_id: id,
                kind,
                message: Cow::from(message),
            })?;
        }
        Ok(())
    }

    /// Moves every table into place; returns their paths.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
        self.texts.finish()?;
        [
            self.articles,
            self.entities,
            self.entity_counts,
            self.quotes,
            self.stance,
            self.article_stance,
            self.errors,
        ]
        .into_iter()
        .map(Table::finish)
        .collect()
    }
}

/// The article's row of `articles.csv`.
fn article_row(a: &Analysis) -> ArticleRow<'_> {
    let art = &a.article;
    let first = a.article_stance.first();
    let relevant = first.filter(|s| s.stance != crate::doc::StanceLabel::NotRelevant);
    let status = if !a.failures.is_empty() {
        "partial"
    } else if !art.warnings.is_empty() {
        "warning"
    } else {
        "ok"
    };
    ArticleRow {
        article_id: Cow::from(&art.id),
        outlet: Cow::from(&art.outlet),
        published: Cow::from(&art.published),
        title: Cow::from(&art.title),
        url: Cow::from(&art.url),
        authors: Cow::from(&art.authors),
        language: Cow::from(&art.language),
        source: Cow::from(&art.source),
        n_chars: a.doc.chars().len(),
        n_skipped_chars: a.doc.skipped.iter().map(|(s, _)| s.len()).sum(),
        n_paragraphs: a.doc.paragraphs.len(),
        n_sentences: a.doc.sentences.len(),
        n_tokens: a.doc.tokens.len(),
        n_entities: a.entities.len(),
        n_quotes: a.quotes.len(),
        status,
        stance: first.map(|s| s.stance.as_str()).unwrap_or(""),
        // the codebook: probabilities are empty for a `not_relevant` article
        p_favor: relevant.map(|s| s.probs.favor),
        p_against: relevant.map(|s| s.probs.against),
        p_neutral: relevant.map(|s| s.probs.neutral),
    }
}

fn entity_row<'a>(id: &'a str, e: &'a crate::doc::Entity) -> EntityRow<'a> {
    EntityRow {
        article_id: id,
        entity_id: e.id,
        sentence: e.sentence,
        start: e.span.start,
        end: e.span.end,
        text: Cow::from(&e.text),
        label: e.label.as_str(),
        score: e.score,
        canonical: Cow::from(&e.canonical),
        key: Cow::from(&e.key),
    }
}

/// Mentions per canonical entity (and label), in order of first mention.
fn entity_counts<'a>(id: &'a str, entities: &'a [crate::doc::Entity]) -> Vec<EntityCountRow<'a>> {
    let mut counts: Vec<EntityCountRow<'a>> = Vec::new();
    for e in entities {
        match counts
            .iter_mut()
            .find(|c| c.key == e.key.as_str() && c.label == e.label.as_str())
        {
            Some(c) => c.mentions += 1,
            None => counts.push(EntityCountRow {
                article_id: id,
                canonical: Cow::from(&e.canonical),
                key: Cow::from(&e.key),
                label: e.label.as_str(),
                mentions: 1,
                first_start: e.span.start,
            }),
        }
    }
    counts
}

fn quote_row<'a>(id: &'a str, q: &'a crate::doc::Quote) -> QuoteRow<'a> {
    QuoteRow {
        article_id: id,
        quote_id: q.id,
        kind: q.kind.as_str(),
        start: q.span.start,
        end: q.span.end,
        text: Cow::from(&q.text),
        cue: q.cue.as_ref().map(|c| Cow::from(&c.0)),
        cue_start: q.cue.as_ref().map(|c| c.1.start),
        cue_end: q.cue.as_ref().map(|c| c.1.end),
        cue_class: q.cue_class.map(|c| c.as_str()),
        speaker: q.speaker.as_ref().map(|s| Cow::from(&s.0)),
        speaker_start: q.speaker.as_ref().map(|s| s.1.start),
        speaker_end: q.speaker.as_ref().map(|s| s.1.end),
        speaker_canonical: q.speaker_canonical.as_deref().map(Cow::from),
        speaker_label: q.speaker_label.as_ref().map(|l| l.as_str()),
        speaker_reason: q.reason.as_ref().map(|r| r.as_str()),
        paragraph: q.paragraph,
        sentence: q.sentence,
        confidence: q.confidence,
    }
}

/// A unit's row of `stance.csv`; a quote unit carries its speaker.
fn stance_row<'a>(a: &'a Analysis, s: &'a crate::doc::UnitStance) -> StanceRow<'a> {
    let speaker = match s.unit {
        crate::doc::UnitKind::Quote => a
            .quotes
            .iter()
            .find(|q| q.id == s.unit_id)
            .and_then(|q| q.speaker_canonical.as_deref()),
        _ => None,
    };
    StanceRow {
        article_id: &a.article.id,
        unit: match s.unit {
            crate::doc::UnitKind::Quote => "quote",
            crate::doc::UnitKind::Sentence => "sentence",
            crate::doc::UnitKind::Paragraph => "paragraph",
        },
        unit_id: s.unit_id,
        start: s.span.start,
        end: s.span.end,
        target: &s.target,
        stance: s.stance.as_str(),
        p_favor: s.probs.favor,
        p_against: s.probs.against,
        p_neutral: s.probs.neutral,
        relevance: s.relevance,
        speaker_canonical: speaker.map(Cow::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-x"), "'-x");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("plain"), "plain");
        assert_eq!(safe_cell(""), "");
        assert_eq!(safe_cell("'=x"), "''=x");
        assert_eq!(safe_cell("'Tis"), "'Tis");
        for v in ["=1+1", "'=x", "''@a", "'Tis", "plain", "", "-", "'"] {
            assert_eq!(unguard(&safe_cell(v)), v, "{v:?}");
        }
    }

    #[test]
    fn table_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Table::create(dir.path(), "x", &["a", "b"]).unwrap();
        t.write(&("1", "two, with comma")).unwrap();
        assert!(!dir.path().join("x.csv").exists());
        let p = t.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(p).unwrap(),
            "a,b\n1,\"two, with comma\"\n"
        );
    }
}
