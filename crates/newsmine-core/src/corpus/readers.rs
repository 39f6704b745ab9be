//! Streaming readers: files and folders in, one `Result<Article, InputError>` per record out.
//!
//! Nothing here holds more than one record (one file for `.txt` and `.html`) in memory, so a JSONL
//! corpus larger than RAM streams through. Every problem with the input becomes an `InputError`
//! and reading goes on with the next record; nothing here panics on bad data.
use super::html;
use super::{Article, InputError, InputErrorKind};
use crate::text::{clean, CharIndex};
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Default limit on one article's text, in bytes (`--max-article-bytes`).
pub const DEFAULT_MAX_BYTES: usize = 5_000_000;

/// The source name of standard input.
pub const STDIN_SOURCE: &str = "<stdin>";

/// Bytes looked at to tell a binary file from text.
const SNIFF_BYTES: usize = 8192;
/// An HTML page carries markup around its text: it may be this many times the text limit.
const HTML_SIZE_FACTOR: usize = 4;
/// A JSONL line holds the text JSON-escaped plus the other fields: allow this many times the limit
/// before giving up on the line unparsed.
const JSON_LINE_FACTOR: usize = 3;
const JSON_LINE_SLACK: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// outlet for records that name none (before the folder-name fallback)
    pub outlet: Option<String>,
    /// largest article text accepted, in bytes
    pub max_bytes: usize,
    /// read stdin and explicitly named files as this format instead of guessing from the
    /// extension; files found in folders are always picked by extension
    pub format: Option<Format>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            outlet: None,
            max_bytes: DEFAULT_MAX_BYTES,
            format: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Txt,
    Jsonl,
    Csv,
    Html,
}

impl Format {
    /// The format of a file name's extension, if it is one newsmine reads.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        ext.parse().ok()
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "txt" | "text" => Ok(Format::Txt),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "html" | "htm" | "xhtml" => Ok(Format::Html),
            other => Err(format!(
                "unknown input format `{other}` (expected txt, jsonl, csv or html)"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Txt => "txt",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
        })
    }
}

pub type Record = Result<Article, InputError>;
type Records = Box<dyn Iterator<Item = Record> + Send>;
type Input = Box<dyn BufRead + Send>;

/// Streams records from files and folders (recursively, in sorted path order); "-" is stdin
/// (JSONL unless `opts.format` says otherwise). `Article::index` counts successful articles only.
pub fn read_inputs(
    paths: &[PathBuf],
    opts: &ReadOptions,
) -> Box<dyn Iterator<Item = Record> + Send> {
    Box::new(Inputs {
        opts: opts.clone(),
        pending: paths.iter().cloned().collect(),
        walk: None,
        current: None,
        index: 0,
    })
}

/// A stable id for a text: the first 16 hex chars of its SHA-256.
pub fn content_id(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Inputs: paths → files → records

struct Inputs {
    opts: ReadOptions,
    pending: VecDeque<PathBuf>,
    walk: Option<Walk>,
    current: Option<Records>,
    index: u64,
}

impl Iterator for Inputs {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(records) = &mut self.current {
                match records.next() {
                    Some(Ok(mut article)) => {
                        article.index = self.index;
                        self.index += 1;
                        return Some(Ok(article));
                    }
                    Some(Err(e)) => return Some(Err(e)),
                    None => self.current = None,
                }
            }
            match self.next_file()? {
                Ok(file) => self.current = Some(file.records(&self.opts)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Inputs {
    /// The next file to read, from the folder being walked or the next named path.
    fn next_file(&mut self) -> Option<Result<InputFile, InputError>> {
        loop {
            if let Some(walk) = &mut self.walk {
                match walk.next() {
                    Some(item) => return Some(item),
                    None => self.walk = None,
                }
            }
            let path = self.pending.pop_front()?;
            if path.as_os_str() == "-" {
                return Some(Ok(InputFile::stdin(
                    self.opts.format.unwrap_or(Format::Jsonl),
                )));
            }
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() && is_run_folder(&path) => note_run_folder(&path),
                Ok(meta) if meta.is_dir() => self.walk = Some(Walk::new(path)),
                Ok(meta) => return Some(named_file(path, meta.len(), self.opts.format)),
                Err(e) => return Some(Err(io_error(&path.display().to_string(), &e))),
            }
        }
    }
}

/// A file named on the command line: unknown extensions are read as text.
fn named_file(path: PathBuf, size: u64, forced: Option<Format>) -> Result<InputFile, InputError> {
    if is_compressed(&path) {
        return Err(unsupported(&path));
    }
    let format = forced
        .or_else(|| Format::from_path(&path))
        .unwrap_or(Format::Txt);
    Ok(InputFile {
        source: path.display().to_string(),
        path: Some(path),
        size: Some(size),
        format,
        outlet: None,
    })
}

fn is_compressed(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some("gz" | "bz2" | "xz" | "zst" | "zip" | "7z")
    )
}

fn unsupported(path: &Path) -> InputError {
    InputError {
        source: path.display().to_string(),
        record: String::new(),
        kind: InputErrorKind::Unsupported,
        message: "compressed files are not read; decompress them first (e.g. `gunzip -k`)".into(),
    }
}

fn io_error(source: &str, e: &io::Error) -> InputError {
    InputError {
        source: source.to_owned(),
        record: String::new(),
        kind: InputErrorKind::Io,
        message: e.to_string(),
    }
}

/// Whether a folder holds a newsmine run (finished: `run.json` with `articles.csv`; running or
/// killed: its progress file or temporary tables). Its tables are output, not articles: reading
/// them would add hundreds of fake articles.
fn is_run_folder(dir: &Path) -> bool {
    (dir.join("run.json").is_file() && dir.join("articles.csv").is_file())
        || dir.join(".newsmine-progress.json").is_file()
        || dir.join("articles.csv.tmp").is_file()
}

fn note_run_folder(dir: &Path) {
    eprintln!(
        "newsmine: skipping {}: it holds a newsmine run (run.json or its tables), not articles",
        dir.display()
    );
}

/// A recursive folder walk in sorted path order. Hidden entries are skipped, files with unknown
/// extensions are ignored, and each folder is entered once (symlink loops end there).
struct Walk {
    root: PathBuf,
    /// paths still to visit, the next one last
    stack: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
}

impl Walk {
    fn new(root: PathBuf) -> Self {
        Walk {
            stack: vec![root.clone()],
            root,
            visited: HashSet::new(),
        }
    }

    fn push_dir(&mut self, dir: &Path) -> io::Result<()> {
        let canonical = fs::canonicalize(dir)?;
        if !self.visited.insert(canonical) {
            return Ok(());
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            if !name.to_string_lossy().starts_with('.') {
                names.push(name);
            }
        }
        names.sort();
        self.stack
            .extend(names.into_iter().rev().map(|n| dir.join(n)));
        Ok(())
    }

    /// The outlet a folder layout implies: the first folder below the root (`root/rferl/x.txt`).
    fn outlet(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = rel.components();
        let first = parts.next()?;
        parts.next()?;
        Some(first.as_os_str().to_string_lossy().into_owned())
    }
}

impl Iterator for Walk {
    type Item = Result<InputFile, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let path = self.stack.pop()?;
            let source = path.display().to_string();
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => return Some(Err(io_error(&source, &e))),
            };
            if meta.is_dir() {
                if is_run_folder(&path) {
                    note_run_folder(&path);
                    continue;
                }
                if let Err(e) = self.push_dir(&path) {
                    return Some(Err(io_error(&source, &e)));
                }
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            if is_compressed(&path) {
                return Some(Err(unsupported(&path)));
            }
            let Some(format) = Format::from_path(&path) else {
                continue;
            };
            let outlet = self.outlet(&path);
            return Some(Ok(InputFile {
                source,
                path: Some(path),
                size: Some(meta.len()),
                format,
                outlet,
            }));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One input file

struct InputFile {
    source: String,
    /// None for stdin
    path: Option<PathBuf>,
    size: Option<u64>,
    format: Format,
    /// outlet implied by the folder layout
    outlet: Option<String>,
}

impl InputFile {
    fn stdin(format: Format) -> Self {
        InputFile {
            source: STDIN_SOURCE.into(),
            path: None,
            size: None,
            format,
            outlet: None,
        }
    }

    /// The file's records, opened lazily (only when the walk gets to it).
    fn records(self, opts: &ReadOptions) -> Records {
        let ctx = Context {
            outlet: opts.outlet.clone().or(self.outlet).unwrap_or_default(),
            max_bytes: opts.max_bytes,
            size: self.size,
            source: self.source,
        };
        let input: Input = match &self.path {
            None => Box::new(BufReader::new(io::stdin())),
            Some(path) => match File::open(path) {
                Ok(file) => Box::new(BufReader::with_capacity(64 * 1024, file)),
                Err(e) => return one(Err(ctx.file_error(InputErrorKind::Io, e.to_string()))),
            },
        };
        match self.format {
            Format::Txt => one(read_txt(input, &ctx)),
            Format::Html => one(read_html(input, &ctx)),
            Format::Jsonl => Box::new(JsonlRecords::new(input, ctx)),
            Format::Csv => Box::new(CsvRecords::new(input, ctx)),
        }
    }
}

fn one(record: Record) -> Records {
    Box::new(std::iter::once(record))
}

/// What every record of one file shares.
struct Context {
    source: String,
    /// fallback outlet: `--outlet`, else the folder name, else ""
    outlet: String,
    max_bytes: usize,
    /// file size in bytes, when known
    size: Option<u64>,
}

/// Metadata fields of a record; empty strings mean "not given".
#[derive(Default)]
struct Fields {
    id: String,
    outlet: String,
    published: String,
    title: String,
    url: String,
}

impl Context {
    fn error(
        &self,
        record: Option<u64>,
        kind: InputErrorKind,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            source: self.source.clone(),
            record: record.map(|r| r.to_string()).unwrap_or_default(),
            kind,
            message: message.into(),
        }
    }

    fn file_error(&self, kind: InputErrorKind, message: impl Into<String>) -> InputError {
        self.error(None, kind, message)
    }

    fn too_large(&self, record: Option<u64>, what: &str, bytes: u64, limit: usize) -> InputError {
        let message = format!(
            "{what} is {bytes} bytes, over the limit of {limit} bytes; raise it with --max-article-bytes"
        );
        self.error(record, InputErrorKind::TooLarge, message)
    }

    /// Checks a record's text: not blank, not over the limit.
    fn check_text(&self, record: Option<u64>, text: &str) -> Result<(), InputError> {
        if text.trim().is_empty() {
            return Err(self.error(
                record,
                InputErrorKind::Empty,
                "the text is empty or only whitespace",
            ));
        }
        if text.len() > self.max_bytes {
            return Err(self.too_large(record, "the text", text.len() as u64, self.max_bytes));
        }
        Ok(())
    }

    fn article(
        &self,
        record: Option<u64>,
        text: String,
        fields: Fields,
        warnings: Vec<String>,
    ) -> Article {
        let id = if fields.id.trim().is_empty() {
            content_id(&text)
        } else {
            fields.id
        };
        let outlet = if fields.outlet.trim().is_empty() {
            self.outlet.clone()
        } else {
            fields.outlet
        };
        let source = match record {
            Some(r) => format!("{}:{r}", self.source),
            None => self.source.clone(),
        };
        Article {
            index: 0,
            id,
            outlet,
            published: fields.published,
            title: fields.title,
            url: fields.url,
            source,
            text,
            warnings,
            extracted: false,
            ..Article::default()
        }
    }

    /// Reads a whole file of at most `limit` bytes.
    fn read_all(&self, mut input: Input, limit: usize) -> Result<Vec<u8>, InputError> {
        if let Some(size) = self.size.filter(|&s| s > limit as u64) {
            return Err(self.too_large(None, "the file", size, limit));
        }
        let mut bytes = Vec::new();
        let cap = (limit as u64).saturating_add(1);
        if let Err(e) = input.by_ref().take(cap).read_to_end(&mut bytes) {
            return Err(self.file_error(InputErrorKind::Io, e.to_string()));
        }
        if bytes.len() > limit {
            // a file that grew since it was listed, or stdin: the true size is unknown
            let message = format!(
                "the input is over the limit of {limit} bytes; raise it with --max-article-bytes"
            );
            return Err(self.file_error(InputErrorKind::TooLarge, message));
        }
        Ok(bytes)
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Text from raw bytes: BOMs dropped, UTF-16 decoded, invalid UTF-8 replaced (with a warning).
/// Binary data is refused.
fn decode(bytes: Vec<u8>) -> Result<(String, Vec<String>), String> {
    if let Some(text) = decode_utf16(&bytes) {
        if looks_binary(text.as_bytes()) {
            return Err(binary_message(text.as_bytes()));
        }
        return Ok((text, vec!["decoded from UTF-16".into()]));
    }
    if looks_binary(&bytes) {
        return Err(binary_message(&bytes));
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Vec::new())),
        Err(e) => {
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Ok((text, vec![invalid_utf8_warning()]))
        }
    }
}

fn invalid_utf8_warning() -> String {
    "invalid UTF-8: decoded lossily, invalid bytes replaced by U+FFFD".into()
}

/// Decodes text that starts with a UTF-16 byte-order mark.
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// NUL bytes anywhere, or mostly control bytes and invalid UTF-8 at the start.
fn looks_binary(bytes: &[u8]) -> bool {
    if memchr::memchr(0, bytes).is_some() {
        return true;
    }
    let sample = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIFF_BYTES)]);
    let (mut total, mut odd) = (0usize, 0usize);
    for c in sample.chars() {
        total += 1;
        let control = c.is_control() && !c.is_whitespace() && c != '\u{1B}';
        if control || c == char::REPLACEMENT_CHARACTER {
            odd += 1;
        }
    }
    // a few stray bytes are a damaged text; a third is not a text at all
    odd * 3 > total
}

fn binary_message(bytes: &[u8]) -> String {
    if memchr::memchr(0, bytes).is_some() {
        "binary data (NUL bytes), not text".into()
    } else {
        "not UTF-8 text (mostly control bytes or invalid UTF-8); convert text in other encodings to UTF-8"
            .into()
    }
}

/// Titles longer than this are cut (at a space): a text without line breaks has no real title.
const MAX_TITLE_CHARS: usize = 300;

/// First non-empty line, trimmed.
fn first_line(text: &str) -> String {
    short_title(
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default(),
    )
}

fn short_title(line: &str) -> String {
    match line.char_indices().nth(MAX_TITLE_CHARS) {
        None => line.to_owned(),
        Some((cut, _)) => {
            let head = &line[..cut];
            head.rfind(char::is_whitespace)
                .map_or(head, |space| &head[..space])
                .trim_end()
                .to_owned()
        }
    }
}

/// The title of a plain-text article: its first line that is not page junk (a scraped page may
/// open with navigation). Only the start of the text is looked at.
fn title_line(text: &str) -> String {
    const HEAD_BYTES: usize = 16 * 1024;
    let mut end = text.len().min(HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let chars = CharIndex::new(head);
    let junk = clean::junk_spans(head, &chars);
    let mut byte = 0;
    for raw in head.split_inclusive('\n') {
        let start = byte;
        byte += raw.len();
        let line = raw.trim();
        let lead = raw.len() - raw.trim_start().len();
        let first_char = chars.char_of_byte(start + lead);
        if !line.is_empty() && !junk.iter().any(|(span, _)| span.start == first_char) {
            return short_title(line);
        }
    }
    first_line(text)
}

// ---------------------------------------------------------------------------------------------
// .txt and .html: one article per file

fn read_txt(input: Input, ctx: &Context) -> Record {
    let bytes = ctx.read_all(input, ctx.max_bytes)?;
    let (text, warnings) = decode(bytes).map_err(|m| ctx.file_error(InputErrorKind::Binary, m))?;
    ctx.check_text(None, &text)?;
    let fields = Fields {
        title: title_line(&text),
        ..Fields::default()
    };
    Ok(ctx.article(None, text, fields, warnings))
}

fn read_html(input: Input, ctx: &Context) -> Record {
    let bytes = ctx.read_all(input, ctx.max_bytes.saturating_mul(HTML_SIZE_FACTOR))?;
    let (page, warnings) = decode(bytes).map_err(|m| ctx.file_error(InputErrorKind::Binary, m))?;
    if page.trim().is_empty() {
        return Err(ctx.file_error(
            InputErrorKind::Empty,
            "the file is empty or only whitespace",
        ));
    }
    let extracted = html::extract(&page).map_err(|m| ctx.file_error(InputErrorKind::Html, m))?;
    if extracted.text.trim().is_empty() {
        return Err(ctx.file_error(InputErrorKind::Empty, "no article text found in the page"));
    }
    ctx.check_text(None, &extracted.text)?;
    let title = if extracted.title.is_empty() {
        first_line(&extracted.text)
    } else {
        extracted.title
    };
    let fields = Fields {
        title,
        published: extracted.published,
        url: extracted.url,
        // the page's site name is the outlet only when neither --outlet nor a sub-folder names one
        outlet: if ctx.outlet.trim().is_empty() {
            extracted.site_name
        } else {
            String::new()
        },
        ..Fields::default()
    };
    let mut article = ctx.article(None, extracted.text, fields, warnings);
    article.extracted = true;
    article.authors = extracted.authors;
    article.language = extracted.language;
    article.junk = extracted.junk;
    Ok(article)
}

// ---------------------------------------------------------------------------------------------
// Shared by JSONL and CSV

/// Refuses a binary file before its "lines" become a flood of errors. Looks at the buffered start
/// of the input without consuming it.
fn sniff_binary(input: &mut Input, ctx: &Context) -> Option<InputError> {
    let start = match input.fill_buf() {
        Ok(buf) => buf,
        Err(e) => return Some(ctx.file_error(InputErrorKind::Io, e.to_string())),
    };
    let start = &start[..start.len().min(SNIFF_BYTES)];
    let utf16 = start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]);
    if utf16 {
        return Some(ctx.file_error(
            InputErrorKind::Binary,
            "UTF-16 text: convert JSONL and CSV files to UTF-8",
        ));
    }
    looks_binary(start).then(|| ctx.file_error(InputErrorKind::Binary, binary_message(start)))
}

/// A record's bytes as text, replacing invalid UTF-8 (and noting it).
fn lossy(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            if warnings.is_empty() {
                warnings.push(invalid_utf8_warning());
            }
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSONL: one record per line

struct JsonlRecords {
    input: Input,
    ctx: Context,
    line: u64,
    buf: Vec<u8>,
    /// a record (good or bad) was seen: an input with none is `empty`
    seen: bool,
    done: bool,
}

enum LineRead {
    Eof,
    Line,
    /// a line longer than the cap, with its length; its bytes were skipped
    TooLong(usize),
}

impl JsonlRecords {
    fn new(input: Input, ctx: Context) -> Self {
        JsonlRecords {
            input,
            ctx,
            line: 0,
            buf: Vec::new(),
            seen: false,
            done: false,
        }
    }

    fn line_cap(&self) -> usize {
        self.ctx
            .max_bytes
            .saturating_mul(JSON_LINE_FACTOR)
            .saturating_add(JSON_LINE_SLACK)
    }

    fn parse(&self, record: u64) -> Record {
        let mut warnings = Vec::new();
        let mut bytes = self.buf.as_slice();
        if record == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let line = lossy(bytes, &mut warnings);
        let malformed = |m: String| {
            self.ctx
                .error(Some(record), InputErrorKind::MalformedJson, m)
        };
        let value: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| malformed(e.to_string()))?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(malformed(format!(
                "expected a JSON object, found {}",
                json_kind(&value)
            )));
        };
        let text = match map.remove("text") {
            Some(serde_json::Value::String(text)) => text,
            None | Some(serde_json::Value::Null) => {
                return Err(self.ctx.error(
                    Some(record),
                    InputErrorKind::MissingText,
                    "the record has no `text` field",
                ))
            }
            Some(other) => {
                let message = format!("`text` is {}, not a string", json_kind(&other));
                return Err(self
                    .ctx
                    .error(Some(record), InputErrorKind::MissingText, message));
            }
        };
        self.ctx.check_text(Some(record), &text)?;
        // an id or outlet that is an object or array would silently become a content hash or
        // the folder name: refuse the record instead
        for key in [
            "id",
            "outlet",
            "publisher",
            "published",
            "date",
            "title",
            "url",
        ] {
            if let Some(v) = map.get(key).filter(|v| v.is_object() || v.is_array()) {
                return Err(malformed(format!(
                    "`{key}` is {}, not a string or number",
                    json_kind(v)
                )));
            }
        }
        let get = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| map.get(*k).and_then(json_scalar))
                .unwrap_or_default()
        };
        let fields = Fields {
            id: get(&["id"]),
            outlet: get(&["outlet", "publisher"]),
            published: get(&["published", "date"]),
            title: get(&["title"]),
            url: get(&["url"]),
        };
        Ok(self.ctx.article(Some(record), text, fields, warnings))
    }
}

impl Iterator for JsonlRecords {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.done {
            return None;
        }
        if self.line == 0 && !self.seen {
            if let Some(e) = sniff_binary(&mut self.input, &self.ctx) {
                self.done = true;
                return Some(Err(e));
            }
        }
        loop {
            self.buf.clear();
            let cap = self.line_cap();
            let read = match read_line_capped(&mut self.input, &mut self.buf, cap) {
                Ok(read) => read,
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.ctx.error(
                        Some(self.line + 1),
                        InputErrorKind::Io,
                        e.to_string(),
                    )));
                }
            };
            match read {
                LineRead::Eof => {
                    self.done = true;
                    let empty = self.ctx.file_error(
                        InputErrorKind::Empty,
                        "no records: the file is empty or only whitespace",
                    );
                    return (!self.seen).then_some(Err(empty));
                }
                LineRead::TooLong(len) => {
                    self.line += 1;
                    self.seen = true;
                    let message = format!(
                        "the line is {len} bytes, over the limit for one JSONL line ({cap} bytes \
                         = {JSON_LINE_FACTOR} × --max-article-bytes {} + {JSON_LINE_SLACK} for \
                         escapes and other fields); raise --max-article-bytes",
                        self.ctx.max_bytes
                    );
                    return Some(Err(self.ctx.error(
                        Some(self.line),
                        InputErrorKind::TooLarge,
                        message,
                    )));
                }
                LineRead::Line => {
                    self.line += 1;
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    self.seen = true;
                    return Some(self.parse(self.line));
                }
            }
        }
    }
}

/// Reads one line (without its line ending) into `buf`, keeping at most `cap` bytes of it:
/// a longer line is consumed and reported, never held.
fn read_line_capped(input: &mut Input, buf: &mut Vec<u8>, cap: usize) -> io::Result<LineRead> {
    let mut len = 0usize;
    let mut any = false;
    let mut newline = false;
    while !newline {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let take = match memchr::memchr(b'\n', available) {
            Some(i) => {
                newline = true;
                i + 1
            }
            None => available.len(),
        };
        // room for the line ending on top of `cap`
        if len + take <= cap.saturating_add(2) {
            buf.extend_from_slice(&available[..take]);
        }
        len += take;
        input.consume(take);
    }
    if !any {
        return Ok(LineRead::Eof);
    }
    if newline {
        len -= 1;
        buf.pop_if(|b| *b == b'\n');
        if buf.pop_if(|b| *b == b'\r').is_some() {
            len -= 1;
        }
    }
    Ok(if len > cap {
        LineRead::TooLong(len)
    } else {
        LineRead::Line
    })
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A metadata field as a string: ids and dates are sometimes numbers.
fn json_scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// CSV: a header row, then one record per row

/// Column positions of the fields newsmine reads.
struct Columns {
    count: usize,
    text: usize,
    id: Option<usize>,
    outlet: Option<usize>,
    published: Option<usize>,
    title: Option<usize>,
    url: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::ByteRecord) -> Result<Columns, String> {
        let names: Vec<String> = header
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim()
                    .trim_start_matches('\u{FEFF}')
                    .to_lowercase()
            })
            .collect();
        let find = |keys: &[&str]| keys.iter().find_map(|k| names.iter().position(|n| n == k));
        let Some(text) = find(&["text", "body"]) else {
            // a header read as one column that holds the names: another delimiter
            if let [only] = names.as_slice() {
                if let Some(d) = [';', '\t', '|'].into_iter().find(|d| only.contains(*d)) {
                    let shown = if d == '\t' {
                        "tab".to_string()
                    } else {
                        format!("`{d}`")
                    };
                    return Err(format!(
                        "the header has no `text` column: it is one column {only:?}, so the file \
                         looks {shown}-delimited; newsmine reads comma-separated CSV (convert it, \
                         or save it as .jsonl)"
                    ));
                }
            }
            return Err(format!(
                "the header has no `text` column (columns: {})",
                names.join(", ")
            ));
        };
        Ok(Columns {
            count: names.len(),
            text,
            id: find(&["id"]),
            outlet: find(&["outlet", "publisher"]),
            published: find(&["published", "date"]),
            title: find(&["title"]),
            url: find(&["url"]),
        })
    }
}

struct CsvRecords {
    input: Input,
    ctx: Context,
    columns: Option<Columns>,
    row: u64,
    record: csv::ByteRecord,
    /// lines read ahead while a quoted field was open, to be read again after it turned out to
    /// be unterminated
    replay: VecDeque<Vec<u8>>,
    done: bool,
}

/// One row's bytes, or why there is none.
enum RawRow {
    /// its physical lines, with their line endings
    Row(Vec<Vec<u8>>),
    /// a quoted field that never closes (by the end of the input or within the size cap)
    Unterminated,
    /// a line over the size cap, skipped
    TooLong(usize),
}

/// Where a CSV row stands after some of its bytes, by RFC 4180 as the `csv` crate reads it: a
/// quote opens a quoted field only at the start of a field, `""` inside one is a literal quote.
struct QuoteScan {
    open: bool,
    /// inside a quoted field, the last byte was a quote (it closes the field unless doubled)
    after_quote: bool,
    field_start: bool,
}

impl QuoteScan {
    fn new() -> Self {
        QuoteScan {
            open: false,
            after_quote: false,
            field_start: true,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.open {
                if !self.after_quote {
                    self.after_quote = b == b'"';
                    continue;
                }
                self.after_quote = false;
                if b == b'"' {
                    continue;
                }
                self.open = false;
            }
            match b {
                b'"' if self.field_start => {
                    self.open = true;
                    self.field_start = false;
                }
                b',' | b'\n' => self.field_start = true,
                _ => self.field_start = false,
            }
        }
    }

    fn is_open(&self) -> bool {
        self.open && !self.after_quote
    }
}

impl CsvRecords {
    fn new(input: Input, ctx: Context) -> Self {
        CsvRecords {
            input,
            ctx,
            columns: None,
            row: 0,
            record: csv::ByteRecord::new(),
            replay: VecDeque::new(),
            done: false,
        }
    }

    fn cap(&self) -> usize {
        self.ctx
            .max_bytes
            .saturating_mul(JSON_LINE_FACTOR)
            .saturating_add(JSON_LINE_SLACK)
    }

    /// The next physical line with its line ending; Ok(None) at the end of the input.
    fn next_line(&mut self) -> io::Result<Option<Result<Vec<u8>, usize>>> {
        if let Some(line) = self.replay.pop_front() {
            return Ok(Some(Ok(line)));
        }
        let cap = self.cap();
        let mut line = Vec::new();
        let n = (&mut self.input)
            .take(cap as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if line.len() > cap && !line.ends_with(b"\n") {
            // skip the rest of an overlong line without holding it
            let mut len = line.len();
            drop(line);
            loop {
                let buf = self.input.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                match memchr::memchr(b'\n', buf) {
                    Some(i) => {
                        len += i + 1;
                        self.input.consume(i + 1);
                        break;
                    }
                    None => {
                        let k = buf.len();
                        len += k;
                        self.input.consume(k);
                    }
                }
            }
            return Ok(Some(Err(len)));
        }
        Ok(Some(Ok(line)))
    }

    /// The next row's bytes: lines are joined while a quoted field is open. A quote still open
    /// at the end of the input (or past the size cap) is unterminated: the row is reported and
    /// reading goes on at the line after the row's first line, so the next good row survives.
    fn next_raw_row(&mut self) -> io::Result<Option<RawRow>> {
        let first = match self.next_line()? {
            None => return Ok(None),
            Some(Err(len)) => return Ok(Some(RawRow::TooLong(len))),
            Some(Ok(line)) => line,
        };
        let mut scan = QuoteScan::new();
        scan.feed(&first);
        let mut lines = vec![first];
        let mut total = lines[0].len();
        while scan.is_open() && total <= self.cap() {
            match self.next_line()? {
                None => break,
                // an overlong line inside the field: skipped, so the field cannot close
                Some(Err(_)) => break,
                Some(Ok(line)) => {
                    scan.feed(&line);
                    total += line.len();
                    lines.push(line);
                }
            }
        }
        if scan.is_open() {
            for line in lines.drain(1..).rev() {
                self.replay.push_front(line);
            }
            return Ok(Some(RawRow::Unterminated));
        }
        Ok(Some(RawRow::Row(lines)))
    }

    /// Reads the next row into `self.record`; `None` at the end of the input.
    fn read_row(&mut self) -> Option<Result<(), InputError>> {
        let row = (self.columns.is_some()).then_some(self.row + 1);
        let raw = match self.next_raw_row() {
            Ok(None) => return None,
            Ok(Some(raw)) => raw,
            Err(e) => {
                self.done = true;
                return Some(Err(self.ctx.error(row, InputErrorKind::Io, e.to_string())));
            }
        };
        let mut lines = match raw {
            RawRow::Row(lines) => lines,
            RawRow::TooLong(len) => {
                let message = format!(
                    "the row is over {len} bytes, over the limit for one CSV row ({} bytes = \
                     {JSON_LINE_FACTOR} × --max-article-bytes {} + {JSON_LINE_SLACK}); raise \
                     --max-article-bytes",
                    self.cap(),
                    self.ctx.max_bytes
                );
                return Some(Err(self.ctx.error(row, InputErrorKind::TooLarge, message)));
            }
            RawRow::Unterminated => return Some(Err(self.unterminated(row))),
        };
        // one row's bytes, parsed by the csv crate (quotes, escapes, CRLF)
        let bytes = lines.concat();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        if let Err(e) = reader.read_byte_record(&mut self.record) {
            return Some(Err(self.ctx.error(
                row,
                InputErrorKind::MalformedCsv,
                e.to_string(),
            )));
        }
        // A row over several lines with the wrong field count: its quote most likely paired with
        // one in a later row. Read those rows again from the line after this row's first.
        let expected = self.columns.as_ref().map(|c| c.count);
        if lines.len() > 1 && expected.is_some_and(|n| n != self.record.len()) {
            for line in lines.drain(1..).rev() {
                self.replay.push_front(line);
            }
            return Some(Err(self.unterminated(row)));
        }
        Some(Ok(()))
    }

    fn unterminated(&self, row: Option<u64>) -> InputError {
        self.ctx.error(
            row,
            InputErrorKind::MalformedCsv,
            "a quoted field opened in this row is not closed where the row ends (unterminated \
             quote); reading went on at the next line",
        )
    }

    fn header(&mut self) -> Result<(), InputError> {
        let mut input_error = None;
        if let Some(e) = sniff_binary(&mut self.input, &self.ctx) {
            input_error = Some(e);
        } else {
            match self.read_row() {
                None => {
                    input_error = Some(self.ctx.file_error(
                        InputErrorKind::Empty,
                        "no header and no records: the file is empty",
                    ))
                }
                Some(Err(e)) => input_error = Some(e),
                Some(Ok(())) => match Columns::from_header(&self.record) {
                    Ok(columns) => self.columns = Some(columns),
                    Err(m) => {
                        input_error = Some(self.ctx.file_error(InputErrorKind::MissingText, m))
                    }
                },
            }
        }
        match input_error {
            Some(e) => {
                self.done = true;
                Err(e)
            }
            None => Ok(()),
        }
    }

    fn parse(&self, columns: &Columns, row: u64) -> Record {
        let rec = &self.record;
        if rec.len() != columns.count {
            let message = format!(
                "the row has {} fields, the header has {}",
                rec.len(),
                columns.count
            );
            return Err(self
                .ctx
                .error(Some(row), InputErrorKind::MalformedCsv, message));
        }
        let mut warnings = Vec::new();
        let mut get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(|f| lossy(f, &mut warnings).trim().to_owned())
                .unwrap_or_default()
        };
        let fields = Fields {
            id: get(columns.id),
            outlet: get(columns.outlet),
            published: get(columns.published),
            title: get(columns.title),
            url: get(columns.url),
        };
        let raw = rec.get(columns.text).unwrap_or_default();
        // CSV cannot tell an absent text from an empty one: both are "missing"
        if raw.is_empty() {
            return Err(self.ctx.error(
                Some(row),
                InputErrorKind::MissingText,
                "the `text` field is empty",
            ));
        }
        let text = lossy(raw, &mut warnings);
        self.ctx.check_text(Some(row), &text)?;
        Ok(self.ctx.article(Some(row), text, fields, warnings))
    }
}

impl Iterator for CsvRecords {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.done {
            return None;
        }
        if self.columns.is_none() {
            if let Err(e) = self.header() {
                return Some(Err(e));
            }
        }
        loop {
            match self.read_row()? {
                Err(e) => {
                    self.row += 1;
                    return Some(Err(e));
                }
                Ok(()) => {
                    if self
                        .record
                        .iter()
                        .all(|f| f.iter().all(u8::is_ascii_whitespace))
                    {
                        continue; // a blank line between rows
                    }
                    self.row += 1;
                    let columns = self.columns.as_ref()?;
                    return Some(self.parse(columns, self.row));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_is_stable() {
        assert_eq!(content_id("abc"), "ba7816bf8f01cfea");
        assert_eq!(content_id("abc").len(), 16);
    }

    #[test]
    fn format_from_names() {
        assert_eq!(
            Format::from_path(Path::new("a/b.JSONL")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("a.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("README")), None);
        assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn decoding() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFhi".to_vec()),
            Ok(("hi".to_owned(), vec![]))
        );
        let (text, warnings) = decode(b"caf\xE9 au lait".to_vec()).unwrap_or_default();
        assert_eq!(text, "caf\u{FFFD} au lait");
        assert_eq!(warnings.len(), 1);
        assert!(decode(b"a\0b".to_vec()).is_err());
        assert!(decode(vec![0x01, 0x02, 0x03, 0x80, 0x81, b'a']).is_err());
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(utf16).map(|(t, _)| t), Ok("hé".to_owned()));
    }

    #[test]
    fn titles() {
        assert_eq!(first_line("\n\n  Title here \nbody"), "Title here");
        let body =
            "The body of the article follows here, long enough to set its script. ".repeat(3);
        let page = format!("Մատչելիության հղումներ\nThe Real Title\n\n{body}");
        assert_eq!(title_line(&page), "The Real Title");
        let long = "word ".repeat(100);
        let title = first_line(&long);
        assert!(
            title.chars().count() <= MAX_TITLE_CHARS && title.ends_with("word"),
            "{title}"
        );
    }

    #[test]
    fn capped_lines() {
        let mut input: Input = Box::new(io::Cursor::new(b"short\r\n0123456789\nlast".to_vec()));
        let mut buf = Vec::new();
        assert!(matches!(
            read_line_capped(&mut input, &mut buf, 8),
            Ok(LineRead::Line)
        ));
        assert_eq!(buf, b"short");
        buf.clear();
        assert!(matches!(
            read_line_capped(&mut input, &mut buf, 8),
            Ok(LineRead::TooLong(10))
        ));
        buf.clear();
        assert!(matches!(
            read_line_capped(&mut input, &mut buf, 8),
            Ok(LineRead::Line)
        ));
        assert_eq!(buf, b"last");
        assert!(matches!(
            read_line_capped(&mut input, &mut buf, 8),
            Ok(LineRead::Eof)
        ));
    }
}
