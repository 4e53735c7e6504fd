//! The entry point the CLI uses to read orders: picks the format (from the
//! extension, by sniffing standard input, or as told), loads the CSV column
//! map, and opens the matching streaming reader.
//!
//! This module owns the input-level errors (`I001`–`I006`): problems that
//! stop a whole input before any record is read, as opposed to the per-record
//! `O1xx` problems, which never stop the run.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::sync::{Arc, Mutex};

use miette::{NamedSource, SourceSpan};
use sha2::{Digest, Sha256};

use super::csv::CsvRecords;
use super::json::{JsonDocument, JsonLineFrames, JsonLines, Pending};
use super::limits::{size_text, MAX_DOCUMENT_BYTES};
pub use super::map::ColumnMap;
use super::normalize::quote;
use super::Record;

/// Bytes read from an input file or standard input at a time: a run reads tens of megabytes,
/// and with the default 8 KiB the reader thread made a read call for every nine records.
const READ_BUFFER: usize = 256 * 1024;

/// The formats an input can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// JSON Lines: one order object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A JSON document: one order object or an array of them (`.json`).
    Json,
    /// CSV with one row per item (`.csv`).
    Csv,
    /// A spreadsheet workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), one row per item
    /// like CSV, from one sheet.
    Workbook,
}

impl InputFormat {
    /// The format a file name's extension stands for (case-insensitive).
    pub fn from_extension(path: &str) -> Option<InputFormat> {
        let extension = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match extension.as_str() {
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            "json" => Some(InputFormat::Json),
            "csv" => Some(InputFormat::Csv),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(InputFormat::Workbook),
            _ => None,
        }
    }

    /// Parses a format name as a user would give it (`jsonl`, `ndjson`, `json`, `csv`).
    pub fn from_name(name: &str) -> Option<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            "json" => Some(InputFormat::Json),
            "csv" => Some(InputFormat::Csv),
            "workbook" | "xlsx" | "xls" | "ods" => Some(InputFormat::Workbook),
            _ => None,
        }
    }
}

/// One CSV header that cannot be used, with a suggestion when one is near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderProblem {
    /// The header as written in the file.
    pub header: String,
    /// 1-based column number.
    pub column: usize,
    /// Why it cannot be used, lowercase, completing "`header` ...".
    pub reason: String,
    /// The path the user probably meant.
    pub suggestion: Option<String>,
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column {} `{}` {}",
            self.column,
            quote(&self.header),
            self.reason
        )?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

/// The unusable headers for the message: every one up to a screenful, then how many more
/// (the error itself keeps them all).
fn list_headers(headers: &[HeaderProblem]) -> String {
    const SHOWN: usize = 50;
    let mut text = headers
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if headers.len() > SHOWN {
        text.push_str(&format!("; and {} more", headers.len() - SHOWN));
    }
    text
}

/// A problem that stops a whole input before any record is read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("cannot open `{file}`: {reason}")]
    #[diagnostic(
        code(I001),
        help("check the path and that the file is readable; use `-` for standard input")
    )]
    Open {
        /// The file as the user named it.
        file: String,
        /// Why, lowercase.
        reason: String,
    },
    /// CSV headers that are neither order paths, nor mapped, nor ignored.
    #[error("{} unusable CSV header(s) in `{file}`: {}", headers.len(), list_headers(headers))]
    #[diagnostic(
        code(I002),
        help("rename each header to an order path, or map it in a map file's `[columns]` table, or list it in `ignore`")
    )]
    UnknownHeaders {
        /// The CSV file.
        file: String,
        /// Every unusable header, in column order.
        headers: Vec<HeaderProblem>,
    },
    /// The column map file is not valid: its first problem, and every problem in `problems`.
    #[error("bad map file `{file}`: {message}")]
    #[diagnostic(
        code(I003),
        help("a map file has a `[columns]` table of `\"ERP header\" = \"order.path\"` (or `{{ path = ..., date = ... }}`), and optional `ignore`, `sheet`, `[defaults]` and `[join]`; docs/orders.md describes each")
    )]
    BadMap {
        /// The map file.
        file: String,
        /// What is wrong, lowercase.
        message: String,
        /// The map file's text, for the label.
        #[source_code]
        source_code: Arc<NamedSource<String>>,
        /// Where in the map file, when known.
        #[label("here")]
        span: Option<SourceSpan>,
        /// Every problem of the map file, each with its `M0xx` code.
        problems: Vec<crate::diag::Diagnostic>,
    },
    /// The input is over a reader limit (`order::limits`).
    #[error("`{file}` is too large to read: {message}")]
    #[diagnostic(
        code(I005),
        help("split the input, or write a large JSON document as JSON Lines (one order per line, streamed); docs/orders.md lists every limit")
    )]
    TooLarge {
        /// The file as the user named it.
        file: String,
        /// Which limit, lowercase.
        message: String,
    },
    /// The input is not UTF-8 text.
    #[error("`{file}` is not UTF-8 text: {reason}")]
    #[diagnostic(
        code(I006),
        help("name its encoding with `--encoding` (`utf-16le`, `windows-1251`; or `encoding` in the map file), or save the export as UTF-8")
    )]
    NotText {
        /// The file as the user named it.
        file: String,
        /// What gives it away, lowercase.
        reason: String,
    },
    /// Columns the map joins that the export does not have.
    #[error("`{file}` lacks column(s) the map joins: {}", columns.join(", "))]
    #[diagnostic(
        code(I007),
        help("a join reads every column it names, so a missing one would leave the field cut short; add the columns to the export or change the map's `[join]`")
    )]
    MissingColumns {
        /// The input.
        file: String,
        /// Each missing header with the field it joins into (`` `STRAS` (buyer.address) ``).
        columns: Vec<String>,
    },
    /// The workbook has no sheet by that name or at that place.
    #[error("`{file}` has no sheet {sheet} (its sheets: {})", sheets.join(", "))]
    #[diagnostic(
        code(I008),
        help("name the sheet with `--sheet NAME` or `--sheet N` (1 for the first), or `sheet` in the map file")
    )]
    NoSheet {
        /// The workbook.
        file: String,
        /// The sheet asked for, as words.
        sheet: String,
        /// The sheets it has, quoted.
        sheets: Vec<String>,
    },
    /// No sheet was chosen and the workbook's data is not on exactly one visible sheet: on
    /// more than one sheet, or only on hidden ones.
    #[error("no sheet of `{file}` was chosen, and {}", sheets_holding_data(sheets, *hidden_only))]
    #[diagnostic(
        code(I010),
        help("a workbook is read without a choice only when one visible sheet holds data; choose the sheet of the orders with `--sheet NAME` or `--sheet N` (1 for the first), or `sheet` in the map file, and check each other sheet in a run of its own")
    )]
    SheetNotChosen {
        /// The workbook.
        file: String,
        /// Every sheet holding data, quoted, a hidden one marked `(hidden)`.
        sheets: Vec<String>,
        /// Whether every one of them is hidden.
        hidden_only: bool,
    },
    /// An encoding was named for an input that reads as UTF-8 with letters outside ASCII.
    #[error("`{file}` reads as UTF-8 text with letters outside ASCII, which `{encoding}` would turn into other letters (`Москва` into `РњРѕСЃРєРІР°`), and names no screening list holds")]
    #[diagnostic(
        code(I012),
        help(
            "leave out `--encoding` (and the map's `encoding`) for this input: it is UTF-8 already"
        )
    )]
    NamedEncodingIsNotIt {
        /// The file as the user named it.
        file: String,
        /// The encoding named.
        encoding: String,
    },
    /// The workbook cannot be read as a workbook.
    #[error("cannot read `{file}` as a workbook: {reason}")]
    #[diagnostic(
        code(I009),
        help("save it again as .xlsx, .xls or .ods (or export CSV); a password-protected workbook cannot be read")
    )]
    BadWorkbook {
        /// The workbook.
        file: String,
        /// Why, lowercase.
        reason: String,
    },
    /// The input's format cannot be told from its extension.
    #[error("cannot tell the format of `{file}` from its extension")]
    #[diagnostic(
        code(I004),
        help("use a `.jsonl`, `.ndjson`, `.json`, `.csv`, `.xlsx`, `.xls` or `.ods` file, or name the format explicitly")
    )]
    UnknownExtension {
        /// The file as the user named it.
        file: String,
    },
}

impl InputError {
    /// The stable code (`I001`...).
    pub fn code_str(&self) -> &'static str {
        match self {
            InputError::Open { .. } => "I001",
            InputError::UnknownHeaders { .. } => "I002",
            InputError::BadMap { .. } => "I003",
            InputError::UnknownExtension { .. } => "I004",
            InputError::TooLarge { .. } => "I005",
            InputError::NotText { .. } => "I006",
            InputError::MissingColumns { .. } => "I007",
            InputError::NoSheet { .. } => "I008",
            InputError::BadWorkbook { .. } => "I009",
            InputError::SheetNotChosen { .. } => "I010",
            InputError::NamedEncodingIsNotIt { .. } => "I012",
        }
    }
}

/// The sheets of `I010`, in words.
fn sheets_holding_data(sheets: &[String], hidden_only: bool) -> String {
    let list = sheets.join(", ");
    match (hidden_only, sheets.len()) {
        (true, 1) => format!("its only data is on a hidden sheet: {list}"),
        (true, _) => format!("its only data is on hidden sheets: {list}"),
        (false, n) => format!("{n} sheets hold data: {list}"),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => lowercase_first(&error.to_string()),
    }
}

/// The records of one input.
pub type Records = Box<dyn Iterator<Item = Record> + Send>;

/// The records of an input, some perhaps not yet parsed (see [`Pending`]).
pub type PendingRecords = Box<dyn Iterator<Item = Pending> + Send>;

/// The SHA-256 of an input's bytes, computed while the records are read, so
/// the digest names exactly the bytes that were judged (standard input
/// included) without reading a file twice.
#[derive(Debug, Clone, Default)]
pub struct InputDigest {
    state: Arc<Mutex<DigestState>>,
}

#[derive(Debug, Default)]
struct DigestState {
    hasher: Sha256,
    bytes: u64,
    ended: bool,
}

/// The digest of a whole input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputHash {
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// How many bytes were read.
    pub bytes: u64,
}

impl InputDigest {
    /// The digest, once the input has been read to its end; `None` before
    /// (a digest of part of a file would name bytes nobody can reproduce).
    pub fn result(&self) -> Option<InputHash> {
        let state = self.state.lock().ok()?;
        state.ended.then(|| InputHash {
            sha256: format!("{:x}", state.hasher.clone().finalize()),
            bytes: state.bytes,
        })
    }

    fn tap<R: Read>(&self, inner: R) -> Hashing<R> {
        Hashing {
            inner,
            digest: self.clone(),
        }
    }
}

/// A reader that feeds every byte it passes on into an [`InputDigest`].
struct Hashing<R> {
    inner: R,
    digest: InputDigest,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut state) = self.digest.state.lock() {
            if n == 0 && !buf.is_empty() {
                state.ended = true;
            } else {
                state.hasher.update(&buf[..n]);
                state.bytes += n as u64;
            }
        }
        Ok(n)
    }
}

/// Opens an input (`-` is standard input) and returns its records, one per
/// record in the input, in order. `format` overrides detection; `map` renames
/// CSV headers (it is not used for other formats).
pub fn open(
    path: &str,
    format: Option<InputFormat>,
    map: Option<&ColumnMap>,
) -> Result<Records, InputError> {
    open_digested(path, format, map).map(|(records, _)| records)
}

/// Like [`open`], and also returns the digest of the input's bytes, complete
/// once the records have all been read.
pub fn open_digested(
    path: &str,
    format: Option<InputFormat>,
    map: Option<&ColumnMap>,
) -> Result<(Records, InputDigest), InputError> {
    open_with(path, format, map, from_reader, InputDigest::default())
}

/// Like [`open_digested`], with JSON Lines records left unparsed until [`Pending::parse`], so
/// the caller can parse them on several threads (`pipeline`); ids of such records are still to
/// be checked in input order ([`RepeatedIds`]).
pub fn open_pending_digested(
    path: &str,
    format: Option<InputFormat>,
    map: Option<&ColumnMap>,
) -> Result<(PendingRecords, InputDigest), InputError> {
    open_with(
        path,
        format,
        map,
        pending_from_reader,
        InputDigest::default(),
    )
}

/// Like [`open_pending_digested`], but holds nothing open: the input is opened and checked
/// as that does (it opens, is text, its headers or sheet are known), closed again, and opened
/// a second time when the reader first asks for a record. A run of thousands of inputs keeps
/// one open at a time instead of a file descriptor and a read buffer for each, which ran a
/// run of 12,000 one-order files to 3 GB, or out of descriptors at the 251st under
/// `ulimit -n 256`; and every input is still known to open before anything is written.
/// Standard input cannot be opened twice and is opened at once. If the second opening fails
/// (the file was removed or changed in the meantime), the input yields one unreadable record
/// (`O101`) that says so, so the run cannot end clear.
pub fn open_pending_deferred(
    path: &str,
    format: Option<InputFormat>,
    map: Option<&ColumnMap>,
) -> Result<(PendingRecords, InputDigest), InputError> {
    if path == "-" {
        return open_pending_digested(path, format, map);
    }
    // Checked, then dropped here: the file is closed until its turn.
    let (checked, _) = open_with(
        path,
        format,
        map,
        pending_from_reader,
        InputDigest::default(),
    )?;
    drop(checked);
    let digest = InputDigest::default();
    let deferred = Deferred {
        path: path.to_string(),
        format,
        map: map.cloned(),
        digest: digest.clone(),
        state: DeferredState::Waiting,
    };
    Ok((Box::new(deferred), digest))
}

/// An input opened when its first record is asked for ([`open_pending_deferred`]).
struct Deferred {
    path: String,
    format: Option<InputFormat>,
    map: Option<ColumnMap>,
    digest: InputDigest,
    state: DeferredState,
}

enum DeferredState {
    Waiting,
    Open(PendingRecords),
    Done,
}

impl Iterator for Deferred {
    type Item = Pending;

    fn next(&mut self) -> Option<Pending> {
        loop {
            match &mut self.state {
                DeferredState::Waiting => {
                    match open_with(
                        &self.path,
                        self.format,
                        self.map.as_ref(),
                        pending_from_reader,
                        self.digest.clone(),
                    ) {
                        Ok((records, _)) => self.state = DeferredState::Open(records),
                        Err(error) => {
                            self.state = DeferredState::Done;
                            let problem = super::normalize::record_problem(
                                super::normalize::codes::UNREADABLE,
                                format!(
                                    "the input opened when the run started, and could not be \
                                     read when its turn came: {error}"
                                ),
                            );
                            let origin = super::Origin {
                                file: self.path.clone(),
                                line: 1,
                            };
                            return Some(Pending::Ready(super::normalize::error_record(
                                origin,
                                None,
                                vec![problem],
                            )));
                        }
                    }
                }
                DeferredState::Open(records) => {
                    let next = records.next();
                    if next.is_none() {
                        // Closes the file as soon as it is read, not when the run ends.
                        self.state = DeferredState::Done;
                    }
                    return next;
                }
                DeferredState::Done => return None,
            }
        }
    }
}

/// A reader of one opened input: the bytes, the name to cite, its format and the CSV map.
type ReadInput<T> =
    fn(Box<dyn BufRead + Send>, &str, InputFormat, Option<&ColumnMap>) -> Result<T, InputError>;

/// Opens `path` (`-` is standard input, its format sniffed when not given) and reads it with
/// `read`, hashing every byte read.
fn open_with<T>(
    path: &str,
    format: Option<InputFormat>,
    map: Option<&ColumnMap>,
    read: ReadInput<T>,
    digest: InputDigest,
) -> Result<(T, InputDigest), InputError> {
    let cannot_open = |error: std::io::Error| InputError::Open {
        file: path.to_string(),
        reason: io_reason(&error),
    };
    let encoding = map.and_then(ColumnMap::encoding);
    if path == "-" {
        // Hashed below the buffer, so bytes consumed by sniffing count too.
        let mut stdin = BufReader::with_capacity(
            READ_BUFFER,
            decoded(digest.tap(std::io::stdin()), encoding, format, path)?,
        );
        let (format, prefix) = match format {
            Some(format) => (format, Vec::new()),
            None => sniff(&mut stdin).map_err(cannot_open)?,
        };
        let records = read(
            Box::new(Cursor::new(prefix).chain(stdin)),
            path,
            format,
            map,
        )?;
        return Ok((records, digest));
    }
    let format = match format {
        Some(format) => format,
        None => InputFormat::from_extension(path).ok_or_else(|| InputError::UnknownExtension {
            file: path.to_string(),
        })?,
    };
    let file = File::open(path).map_err(cannot_open)?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(InputError::Open {
            file: path.to_string(),
            reason: "it is a directory".into(),
        });
    }
    let records = read(
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            decoded(digest.tap(file), encoding, Some(format), path)?,
        )),
        path,
        format,
        map,
    )?;
    Ok((records, digest))
}

/// The input's bytes as UTF-8: as they are, or decoded from `encoding` (`--encoding`, or the
/// map's `encoding`; a byte-order mark in the input wins over it). Hashed below the decoding,
/// so the digest names the file's own bytes. A byte the encoding cannot read becomes U+FFFD,
/// which makes its record unreadable (`O117`), never a name with a letter missing. A workbook
/// is a binary container, whose cells are text once read, and is never decoded.
///
/// An input whose first block is UTF-8 with letters outside ASCII is refused when another
/// encoding is named (`I012`): read as windows-1251, `Москва` is `РњРѕСЃРєРІР°` and a listed
/// name is no longer one, so a wrong `--encoding` made a listed buyer clear. Text in a
/// legacy encoding is valid UTF-8 only by rare chance (a Cyrillic capital in windows-1251 is
/// a UTF-8 lead byte, the lower-case letter after it no continuation byte). Only the first
/// block is looked at: an input whose letters outside ASCII all come later is not caught.
fn decoded<R: Read + Send + 'static>(
    inner: R,
    encoding: Option<&'static encoding_rs::Encoding>,
    format: Option<InputFormat>,
    name: &str,
) -> Result<Box<dyn Read + Send>, InputError> {
    let Some(encoding) = encoding.filter(|_| format != Some(InputFormat::Workbook)) else {
        return Ok(Box::new(inner));
    };
    let mut raw = BufReader::with_capacity(READ_BUFFER, inner);
    let head = raw.fill_buf().map_err(|error| InputError::Open {
        file: name.to_string(),
        reason: io_reason(&error),
    })?;
    if misnamed_utf8(head, encoding) {
        return Err(InputError::NamedEncodingIsNotIt {
            file: name.to_string(),
            encoding: encoding.name().to_string(),
        });
    }
    Ok(Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .bom_override(true)
            .strip_bom(true)
            .build(raw),
    ))
}

/// Whether `bytes` (an input's first block, or a request body) read as UTF-8 with letters
/// outside ASCII under no byte-order mark while another `encoding` is named: decoded in it,
/// `Москва` would be `РњРѕСЃРєРІР°` (`I012`, and `serve`'s 415). A character the block cuts at
/// its end is no sign against UTF-8.
pub(crate) fn misnamed_utf8(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> bool {
    let marked = [&[0xEF, 0xBB, 0xBF][..], &[0xFF, 0xFE], &[0xFE, 0xFF]]
        .iter()
        .any(|mark| bytes.starts_with(mark));
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return false,
    };
    encoding != encoding_rs::UTF_8
        && !marked
        && bytes.get(..valid).is_some_and(|text| !text.is_ascii())
}

/// Like [`from_reader`], with JSON Lines records framed but not parsed.
pub fn pending_from_reader<R: BufRead + Send + 'static>(
    mut reader: R,
    name: &str,
    format: InputFormat,
    map: Option<&ColumnMap>,
) -> Result<PendingRecords, InputError> {
    if format == InputFormat::Jsonl {
        check_text(&mut reader, name)?;
        let reader = super::cr_lines::lines_ended_by_cr(reader, name)?;
        return Ok(Box::new(JsonLineFrames::new(reader, name)));
    }
    let records = from_reader(reader, name, format, map)?;
    Ok(Box::new(records.map(Pending::Ready)))
}

/// Reads records of a known format from any reader; `name` names the input
/// in origins. Used by [`open`], and by callers that already hold the bytes.
pub fn from_reader<R: BufRead + Send + 'static>(
    mut reader: R,
    name: &str,
    format: InputFormat,
    map: Option<&ColumnMap>,
) -> Result<Records, InputError> {
    // A workbook is a binary container; its cells are text once calamine has read them.
    if format != InputFormat::Workbook {
        check_text(&mut reader, name)?;
    }
    match format {
        InputFormat::Jsonl => Ok(Box::new(JsonLines::new(
            super::cr_lines::lines_ended_by_cr(reader, name)?,
            name,
        ))),
        InputFormat::Json => {
            let bytes = read_whole(reader, name, "a JSON document")?;
            Ok(Box::new(JsonDocument::from_bytes(bytes, name)))
        }
        InputFormat::Csv => Ok(Box::new(CsvRecords::new(
            super::cr_lines::lines_ended_by_cr(reader, name)?,
            name,
            map,
        )?)),
        InputFormat::Workbook => super::workbook::records(reader, name, map),
    }
}

/// Like [`from_reader`], and also returns the digest of the bytes read, complete once the
/// records are: for callers that hold an input in memory (`redflag serve`'s request bodies).
pub fn from_reader_digested<R: Read + Send + 'static>(
    reader: R,
    name: &str,
    format: InputFormat,
    map: Option<&ColumnMap>,
) -> Result<(Records, InputDigest), InputError> {
    let digest = InputDigest::default();
    let records = from_reader(BufReader::new(digest.tap(reader)), name, format, map)?;
    Ok((records, digest))
}

/// Refuses an input that is plainly not UTF-8 text, by its first bytes: a UTF-16 or UTF-32
/// byte-order mark, or NUL bytes (UTF-16 without a mark puts one beside every ASCII letter).
/// Read as UTF-8, such a file would be one unreadable record per line at best; said once,
/// the cause is clear. Nothing is consumed.
fn check_text<R: BufRead>(reader: &mut R, name: &str) -> Result<(), InputError> {
    let head = reader.fill_buf().map_err(|error| InputError::Open {
        file: name.to_string(),
        reason: io_reason(&error),
    })?;
    let reason = if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        "it starts with a UTF-16 byte-order mark"
    } else if head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        "it starts with a UTF-32 byte-order mark"
    } else if head.iter().take(4096).any(|b| *b == 0) {
        "it holds NUL bytes near its start (UTF-16 text without a byte-order mark, or not text at all)"
    } else {
        return Ok(());
    };
    Err(InputError::NotText {
        file: name.to_string(),
        reason: reason.to_string(),
    })
}

/// Tells JSON from JSON Lines on a stream that has no name: a document that
/// starts with `[` is a JSON array, anything else is read as JSON Lines
/// (a single object on one line is both). Returns the format and the bytes
/// it had to consume (leading whitespace), which the caller puts back so
/// line numbers stay right.
fn sniff<R: BufRead>(reader: &mut R) -> std::io::Result<(InputFormat, Vec<u8>)> {
    let mut consumed = Vec::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((InputFormat::Jsonl, consumed));
        }
        // Skip whitespace and a byte-order mark; they carry no format.
        let skip = buf
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF))
            .count();
        if skip < buf.len() {
            let format = if buf[skip] == b'[' {
                InputFormat::Json
            } else {
                InputFormat::Jsonl
            };
            return Ok((format, consumed));
        }
        consumed.extend_from_slice(buf);
        let len = buf.len();
        reader.consume(len);
    }
}

/// Reads records from text already in memory (tests, and rule-pack examples).
pub fn from_text(
    text: &str,
    name: &str,
    format: InputFormat,
    map: Option<&ColumnMap>,
) -> Result<Records, InputError> {
    from_reader(Cursor::new(text.as_bytes().to_vec()), name, format, map)
}

/// Reads an input that is parsed whole (`what`, for the message), refusing one over
/// `MAX_DOCUMENT_BYTES`: one byte past the limit tells a file at the limit from one over it.
pub(crate) fn read_whole(reader: impl Read, name: &str, what: &str) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| InputError::Open {
            file: name.to_string(),
            reason: io_reason(&error),
        })?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(InputError::TooLarge {
            file: name.to_string(),
            message: format!(
                "{what} is read whole, and this one is over the limit of {}",
                size_text(MAX_DOCUMENT_BYTES)
            ),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_keeps_what_it_consumed() -> std::io::Result<()> {
        let (format, prefix) = sniff(&mut Cursor::new(b"  \n [{}]".to_vec()))?;
        assert_eq!((format, prefix.len()), (InputFormat::Json, 0));
        let (format, _) = sniff(&mut Cursor::new(b"{\"id\": 1}\n".to_vec()))?;
        assert_eq!(format, InputFormat::Jsonl);
        // A reader with a tiny buffer forces whitespace to be consumed first.
        let mut small = BufReader::with_capacity(2, Cursor::new(b"\n\n\n[1]".to_vec()));
        let (format, prefix) = sniff(&mut small)?;
        assert_eq!((format, prefix), (InputFormat::Json, b"\n\n".to_vec()));
        Ok(())
    }
}
