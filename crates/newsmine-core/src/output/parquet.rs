//! Typed Parquet copies of the finished CSV tables (`--table-format parquet|both`).
//!
//! A run (and `merge`) writes CSV as always and converts each finished table at the very end,
//! so batching, checkpoints, `--resume` and `merge` stay one code path. The types are declared
//! once, per table and column, in `COLUMNS` (docs/SCHEMA.md lists them): integers are INT64,
//! floats DOUBLE, strings UTF-8 BYTE_ARRAY; an empty CSV cell is a null in a nullable column.
//! Parquet holds raw values: the CSV formula guard is taken off every string cell (it is not a
//! spreadsheet format), and put back when `merge` or `compare` reads a Parquet table as CSV.
use super::{safe_cell, unguard};
use crate::{Error, Result};
use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::Field;
use parquet::schema::types::Type;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which files hold the tables of a run.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// `NAME.csv` only
    #[default]
    Csv,
    /// `NAME.parquet` only (the CSVs are removed once converted)
    Parquet,
    /// both
    Both,
}

impl TableFormat {
    pub fn parquet(self) -> bool {
        self != TableFormat::Csv
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
}

/// One column's Parquet type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    /// an empty cell is a null; in a required string column it is `""`
    pub nullable: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool) -> Col {
    Col {
        name,
        kind,
        nullable,
    }
}
use Kind::{Float as F, Int as I, Str as S};

/// Every table's columns with their types, as the codebook defines them. Nullable = the codebook
/// allows an empty cell.
pub const COLUMNS: &[(&str, &[Col])] = &[
    (
        "articles",
        &[
            col("article_id", S, false),
            col("outlet", S, true),
            col("published", S, true),
            col("title", S, true),
            col("url", S, true),
            col("authors", S, true),
            col("language", S, true),
            col("source", S, false),
            col("n_chars", I, false),
            col("n_skipped_chars", I, false),
            col("n_paragraphs", I, false),
            col("n_sentences", I, false),
            col("n_tokens", I, false),
            col("n_entities", I, false),
            col("n_quotes", I, false),
            col("status", S, false),
            col("stance", S, true),
            col("p_favor", F, true),
            col("p_against", F, true),
            col("p_neutral", F, true),
        ],
    ),
    (
        "entities",
        &[
            col("article_id", S, false),
            col("entity_id", I, false),
            col("sentence", I, false),
            col("start", I, false),
            col("end", I, false),
            col("text", S, false),
            col("label", S, false),
            col("score", F, false),
            col("canonical", S, false),
            col("key", S, false),
        ],
    ),
    (
        "entity_counts",
        &[
            col("article_id", S, false),
            col("canonical", S, false),
            col("key", S, false),
            col("label", S, false),
            col("mentions", I, false),
            col("first_start", I, false),
        ],
    ),
    (
        "quotes",
        &[
            col("article_id", S, false),
            col("quote_id", I, false),
            col("kind", S, false),
            col("start", I, false),
            col("end", I, false),
            col("text", S, false),
            col("cue", S, true),
            col("cue_start", I, true),
            col("cue_end", I, true),
            col("cue_class", S, true),
            col("speaker", S, true),
            col("speaker_start", I, true),
            col("speaker_end", I, true),
            col("speaker_canonical", S, true),
            col("speaker_label", S, true),
            col("speaker_reason", S, true),
            col("paragraph", I, false),
            col("sentence", I, false),
            col("confidence", F, true),
        ],
    ),
    (
        "stance",
        &[
            col("article_id", S, false),
            col("unit", S, false),
            col("unit_id", I, false),
            col("start", I, false),
            col("end", I, false),
            col("target", S, false),
            col("stance", S, false),
            col("p_favor", F, false),
            col("p_against", F, false),
            col("p_neutral", F, false),
            col("relevance", F, false),
            col("speaker_canonical", S, true),
        ],
    ),
    (
        "article_stance",
        &[
            col("article_id", S, false),
            col("outlet", S, true),
            col("target", S, false),
            col("stance", S, false),
            col("relevant_units", I, false),
            col("p_favor", F, true),
            col("p_against", F, true),
            col("p_neutral", F, true),
            col("score", F, true),
            col("voice_score", F, true),
        ],
    ),
    (
        "speakers",
        &[
            col("outlet", S, true),
            col("speaker_canonical", S, false),
            col("target", S, false),
            col("quotes", I, false),
            col("stance", S, false),
            col("mean_score", F, false),
        ],
    ),
    (
        "outlets",
        &[
            col("outlet", S, true),
            col("target", S, true),
            col("articles", I, false),
            col("relevant_articles", I, false),
            col("share_favor", F, true),
            col("share_against", F, true),
            col("share_neutral", F, true),
            col("mean_score", F, true),
            col("ci_low", F, true),
            col("ci_high", F, true),
        ],
    ),
    (
        "errors",
        &[
            col("source", S, false),
            col("record", S, true),
            col("article_id", S, true),
            col("kind", S, false),
            col("message", S, true),
        ],
    ),
];

/// The tables a run writes, in the order they are converted.
pub use super::TABLES;

/// The type of `table.column`; a column not declared above is a nullable string, so a column
/// added to a table still converts (the unit test keeps the declarations complete).
pub fn column_type(table: &str, column: &str) -> Col {
    COLUMNS
        .iter()
        .find(|(t, _)| *t == table)
        .and_then(|(_, cols)| cols.iter().find(|c| c.name == column))
        .copied()
        .unwrap_or(Col {
            name: "",
            kind: Kind::Str,
            nullable: true,
        })
}

/// Rows per row group: bounds memory on large tables (each group is built in memory).
const ROW_GROUP: usize = 50_000;

fn pq_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::Data {
        path: path.to_path_buf(),
        msg: format!("parquet: {e}"),
    }
}

/// One column of a row group being built.
enum Values {
    Str(Vec<ByteArray>),
    Int(Vec<i64>),
    Float(Vec<f64>),
}

/// Writes `table`'s CSV at `csv_path` as typed Parquet at `out` (through `out.tmp`, renamed when
/// complete, like the CSVs). Same rows, same order. Returns the row count.
pub fn csv_to_parquet(csv_path: &Path, out: &Path, table: &str) -> Result<usize> {
    let data_error = |msg: String| Error::Data {
        path: csv_path.to_path_buf(),
        msg,
    };
    let mut reader = csv::Reader::from_path(csv_path).map_err(|e| data_error(e.to_string()))?;
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let cols: Vec<(String, Col)> = header
        .iter()
        .map(|h| (h.clone(), column_type(table, h)))
        .collect();
    let mut fields = Vec::with_capacity(cols.len());
    for (name, c) in &cols {
        let physical = match c.kind {
            Kind::Str => PhysicalType::BYTE_ARRAY,
            Kind::Int => PhysicalType::INT64,
            Kind::Float => PhysicalType::DOUBLE,
        };
        let field = Type::primitive_type_builder(name, physical)
            .with_repetition(if c.nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            })
            .with_logical_type((c.kind == Kind::Str).then_some(LogicalType::String))
            .build()
            .map_err(pq_error(out))?;
        fields.push(Arc::new(field));
    }
    let schema = Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .map_err(pq_error(out))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("newsmine {}", env!("CARGO_PKG_VERSION")))
        .build();
    let tmp = PathBuf::from(format!("{}.tmp", out.display()));
    let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
        .map_err(pq_error(out))?;
    let mut records = reader.records();
    let mut rows = 0usize;
    loop {
        // one row group: every column's values and definition levels (1 = value, 0 = null)
        let mut values: Vec<Values> = cols
            .iter()
            .map(|(_, c)| match c.kind {
                Kind::Str => Values::Str(Vec::new()),
                Kind::Int => Values::Int(Vec::new()),
                Kind::Float => Values::Float(Vec::new()),
            })
            .collect();
        let mut defs: Vec<Vec<i16>> = vec![Vec::new(); cols.len()];
        let mut n = 0;
        for rec in records.by_ref() {
            let rec = rec.map_err(|e| data_error(e.to_string()))?;
            rows += 1;
            n += 1;
            for (i, (name, c)) in cols.iter().enumerate() {
                let cell = rec.get(i).unwrap_or("");
                if cell.is_empty() && c.nullable {
                    defs[i].push(0);
                    continue;
                }
                defs[i].push(1);
                let bad = |what: &str| {
                    data_error(format!(
                        "row {rows}, column {name}: {cell:?} is not {what} (the codebook's type)"
                    ))
                };
                match &mut values[i] {
                    Values::Str(v) => v.push(ByteArray::from(unguard(cell).as_bytes().to_vec())),
                    Values::Int(v) => v.push(cell.parse().map_err(|_| bad("an integer"))?),
                    Values::Float(v) => v.push(cell.parse().map_err(|_| bad("a number"))?),
                }
            }
            if n == ROW_GROUP {
                break;
            }
        }
        // an empty table still gets its schema (no row group); otherwise stop after the last one
        if n == 0 {
            break;
        }
        let mut group = writer.next_row_group().map_err(pq_error(out))?;
        let mut i = 0;
        while let Some(mut column) = group.next_column().map_err(pq_error(out))? {
            let levels = cols[i].1.nullable.then_some(defs[i].as_slice());
            let written = match &values[i] {
                Values::Str(v) => column.typed::<ByteArrayType>().write_batch(v, levels, None),
                Values::Int(v) => column.typed::<Int64Type>().write_batch(v, levels, None),
                Values::Float(v) => column.typed::<DoubleType>().write_batch(v, levels, None),
            };
            written.map_err(pq_error(out))?;
            column.close().map_err(pq_error(out))?;
            i += 1;
        }
        group.close().map_err(pq_error(out))?;
        if n < ROW_GROUP {
            break;
        }
    }
    writer.close().map_err(pq_error(out))?;
    std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
    Ok(rows)
}

/// A Parquet table read back as the CSV would hold it: header, then records with the formula
/// guard on every string cell and numbers written as the csv crate writes them.
pub fn read_as_csv(path: &Path) -> Result<(Vec<String>, Vec<csv::StringRecord>)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(pq_error(path))?;
    let header: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let mut records = Vec::new();
    for row in reader.get_row_iter(None).map_err(pq_error(path))? {
        let row = row.map_err(pq_error(path))?;
        let mut rec = csv::StringRecord::new();
        for (_, field) in row.get_column_iter() {
            match field {
                Field::Null => rec.push_field(""),
                Field::Str(s) => rec.push_field(&safe_cell(s)),
                Field::Long(v) => rec.push_field(&v.to_string()),
                Field::Double(v) => rec.push_field(ryu::Buffer::new().format(*v)),
                other => rec.push_field(&other.to_string()),
            }
        }
        records.push(rec);
    }
    Ok((header, records))
}

/// After a run or merge: writes `NAME.parquet` for every table in `dir` (when `format` asks for
/// Parquet) and removes the CSVs when only Parquet is wanted.
pub fn write_tables(dir: &Path, format: TableFormat) -> Result<()> {
    if !format.parquet() {
        return Ok(());
    }
    for t in TABLES {
        let csv_path = dir.join(format!("{t}.csv"));
        if !csv_path.is_file() {
            continue;
        }
        csv_to_parquet(&csv_path, &dir.join(format!("{t}.parquet")), t)?;
    }
    if format == TableFormat::Parquet {
        for t in TABLES {
            let csv_path = dir.join(format!("{t}.csv"));
            if csv_path.is_file() {
                std::fs::remove_file(&csv_path).map_err(|e| Error::io(&csv_path, e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_table_has_a_declared_type() {
        use crate::output as o;
        for (table, header) in [
            ("articles", o::ARTICLE_HEADER),
            ("entities", o::ENTITY_HEADER),
            ("entity_counts", o::ENTITY_COUNT_HEADER),
            ("quotes", o::QUOTE_HEADER),
            ("stance", o::STANCE_HEADER),
            ("article_stance", o::ARTICLE_STANCE_HEADER),
            ("speakers", o::SPEAKER_HEADER),
            ("outlets", o::OUTLET_HEADER),
            ("errors", o::ERROR_HEADER),
        ] {
            let declared: Vec<&str> = COLUMNS
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, c)| c.iter().map(|c| c.name).collect())
                .unwrap_or_default();
            assert_eq!(declared, header, "{table}");
        }
    }

    #[test]
    fn csv_round_trips_through_parquet() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("quotes.csv");
        let mut raw = String::from(
            "article_id,quote_id,kind,start,end,text,cue,cue_start,cue_end,cue_class,speaker,\
             speaker_start,speaker_end,speaker_canonical,speaker_label,speaker_reason,paragraph,sentence,\
             confidence\n",
        );
        raw += "'=1+1,0,direct,3,10,\"a, \"\"b\"\"\",said,12,16,speech,,,,,,no speaker found,0,0,0.875\n";
        raw += "x,1,indirect,20,42,'-minus,,,,,he,1,3,Hugh Hill,PER,,1,2,\n";
        std::fs::write(&csv_path, &raw).unwrap();
        let pq = dir.path().join("quotes.parquet");
        assert_eq!(csv_to_parquet(&csv_path, &pq, "quotes").unwrap(), 2);
        let (header, recs) = read_as_csv(&pq).unwrap();
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(&header).unwrap();
        for r in &recs {
            w.write_record(r).unwrap();
        }
        assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), raw);
    }

    #[test]
    fn a_bad_number_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("speakers.csv");
        std::fs::write(
            &csv_path,
            "outlet,speaker_canonical,target,quotes,stance,mean_score\na,b,c,many,favor,0.5\n",
        )
        .unwrap();
        let e = csv_to_parquet(&csv_path, &dir.path().join("s.parquet"), "speakers").unwrap_err();
        assert!(e.to_string().contains("column quotes"), "{e}");
    }
}
