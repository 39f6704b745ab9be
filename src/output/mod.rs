//! CSV tables (RFC 4180, UTF-8, header row) and the run manifest.
//!
//! Every table is written under a temporary name and renamed when the run finishes, so a killed
//! run never leaves a half-written table. Cells that a spreadsheet would evaluate as a formula
//! (first char `=`, `+`, `-`, `@`, tab or CR) get a leading `'`, as OWASP recommends.
use crate::corpus::InputError;
use crate::pipeline::Analysis;
use crate::{Error, Result};
use serde::Serialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Neutralises a cell a spreadsheet would run as a formula.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
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

    pub fn write<R: Serialize>(&mut self, row: &R) -> Result<()> {
        self.writer.serialize(row)?;
        self.rows += 1;
        Ok(())
    }

    /// Writes a raw record (as read from another table).
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
    pub speaker: Option<Cow<'a, str>>,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub speaker_canonical: Option<Cow<'a, str>>,
    pub speaker_label: Option<&'a str>,
    pub speaker_reason: Option<&'a str>,
    pub paragraph: usize,
    pub sentence: usize,
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
    speaker,
    speaker_start,
    speaker_end,
    speaker_canonical,
    speaker_label,
    speaker_reason,
    paragraph,
    sentence
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
    score
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
        self.all_mut()
            .into_iter()
            .map(|(n, t)| Ok((n.to_string(), t.flush()?)))
            .collect()
    }

    /// Reopens the tables of an interrupted run at their recorded lengths.
    pub fn resume(dir: &Path, lengths: &std::collections::BTreeMap<String, u64>) -> Result<Self> {
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
        })
    }

    pub fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Tables {
            articles: Table::create(dir, "articles", ARTICLE_HEADER)?,
            entities: Table::create(dir, "entities", ENTITY_HEADER)?,
            entity_counts: Table::create(dir, "entity_counts", ENTITY_COUNT_HEADER)?,
            quotes: Table::create(dir, "quotes", QUOTE_HEADER)?,
            stance: Table::create(dir, "stance", STANCE_HEADER)?,
            article_stance: Table::create(dir, "article_stance", ARTICLE_STANCE_HEADER)?,
            errors: Table::create(dir, "errors", ERROR_HEADER)?,
        })
    }

    pub fn write_input_error(&mut self, e: &InputError) -> Result<()> {
        self.errors.write(&ErrorRow {
            source: safe_cell(&e.source),
            record: safe_cell(&e.record),
            article_id: "",
            kind: &e.kind,
            message: safe_cell(&e.message),
        })
    }

    /// Writes every row that one analysed article contributes.
    pub fn write_analysis(&mut self, a: &Analysis) -> Result<()> {
        for r in crate::stance::aggregate::article_rows(a) {
            self.article_stance.write(&r)?;
        }
        let art = &a.article;
        let id = art.id.as_str();
        for w in &art.warnings {
            self.errors.write(&ErrorRow {
                source: safe_cell(&art.source),
                record: "".into(),
                article_id: id,
                kind: "warning",
                message: safe_cell(w),
            })?;
        }
        for (stage, msg) in &a.failures {
            self.errors.write(&ErrorRow {
                source: safe_cell(&art.source),
                record: "".into(),
                article_id: id,
                kind: stage,
                message: safe_cell(msg),
            })?;
        }
        let first = a.article_stance.first();
        let status = if !a.failures.is_empty() {
            "partial"
        } else if !art.warnings.is_empty() {
            "warning"
        } else {
            "ok"
        };
        self.articles.write(&ArticleRow {
            article_id: safe_cell(id),
            outlet: safe_cell(&art.outlet),
            published: safe_cell(&art.published),
            title: safe_cell(&art.title),
            url: safe_cell(&art.url),
            source: safe_cell(&art.source),
            n_chars: a.doc.chars.len(),
            n_skipped_chars: a.doc.skipped.iter().map(|(s, _)| s.len()).sum(),
            n_paragraphs: a.doc.paragraphs.len(),
            n_sentences: a.doc.sentences.len(),
            n_tokens: a.doc.tokens.len(),
            n_entities: a.entities.len(),
            n_quotes: a.quotes.len(),
            status,
            stance: first.map(|s| s.stance.as_str()).unwrap_or(""),
            p_favor: first.map(|s| s.probs.favor),
            p_against: first.map(|s| s.probs.against),
            p_neutral: first.map(|s| s.probs.neutral),
        })?;
        for e in &a.entities {
            self.entities.write(&EntityRow {
                article_id: id,
                entity_id: e.id,
                sentence: e.sentence,
                start: e.span.start,
                end: e.span.end,
                text: safe_cell(&e.text),
                label: e.label.as_str(),
                score: e.score,
                canonical: safe_cell(&e.canonical),
                key: safe_cell(&e.key),
            })?;
        }
        // Entity summary: mentions per canonical entity, in order of first mention.
        let mut counts: Vec<(&str, &str, &'static str, usize, usize)> = Vec::new();
        for e in &a.entities {
            match counts
                .iter_mut()
                .find(|c| c.1 == e.key && c.2 == e.label.as_str())
            {
                Some(c) => c.3 += 1,
                None => counts.push((&e.canonical, &e.key, e.label.as_str(), 1, e.span.start)),
            }
        }
        for (canonical, key, label, mentions, first_start) in counts {
            self.entity_counts.write(&EntityCountRow {
                article_id: id,
                canonical: safe_cell(canonical),
                key: safe_cell(key),
                label,
                mentions,
                first_start,
            })?;
        }
        for q in &a.quotes {
            self.quotes.write(&QuoteRow {
                article_id: id,
                quote_id: q.id,
                kind: q.kind.as_str(),
                start: q.span.start,
                end: q.span.end,
                text: safe_cell(&q.text),
                cue: q.cue.as_ref().map(|c| safe_cell(&c.0)),
                cue_start: q.cue.as_ref().map(|c| c.1.start),
                cue_end: q.cue.as_ref().map(|c| c.1.end),
                speaker: q.speaker.as_ref().map(|s| safe_cell(&s.0)),
                speaker_start: q.speaker.as_ref().map(|s| s.1.start),
                speaker_end: q.speaker.as_ref().map(|s| s.1.end),
                speaker_canonical: q.speaker_canonical.as_deref().map(safe_cell),
                speaker_label: q.speaker_label.as_deref(),
                speaker_reason: q.reason.as_deref(),
                paragraph: q.paragraph,
                sentence: q.sentence,
            })?;
        }
        for s in &a.stance {
            let speaker = match s.unit {
                crate::stance::UnitKind::Quote => a
                    .quotes
                    .iter()
                    .find(|q| q.id == s.unit_id)
                    .and_then(|q| q.speaker_canonical.as_deref()),
                _ => None,
            };
            self.stance.write(&StanceRow {
                article_id: id,
                unit: match s.unit {
                    crate::stance::UnitKind::Quote => "quote",
                    crate::stance::UnitKind::Sentence => "sentence",
                    crate::stance::UnitKind::Paragraph => "paragraph",
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
                speaker_canonical: speaker.map(safe_cell),
            })?;
        }
        Ok(())
    }

    /// Moves every table into place; returns their paths.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
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
