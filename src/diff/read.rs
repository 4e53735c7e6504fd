//! Reading a `redflag.check/1` report record by record: the run header and summary as small
//! JSON values, each order as the few fields a comparison needs, handed to the caller one at a
//! time. Neither form is held whole: a JSON document is read by a serde visitor over its
//! `orders` array (`document.rs`), JSON Lines one line at a time (`lines.rs`), so reading a
//! report of any size takes the memory of one order.
//!
//! The wire structs are our own reading of the schema and ignore fields they do not know, so
//! a report with added fields (allowed within a schema version) still compares.

use std::collections::BTreeSet;
use std::io::{self, BufRead, Read};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::document::read_document;
use super::lines::read_lines;
use super::{FindingKey, RunOrder};
use crate::diag::{Diagnostic, SourceFile};
use crate::order::limits::{read_line, Line};

/// The schema family this module reads.
const SCHEMA_PREFIX: &str = "redflag.check/";
/// The schema version this module reads.
const SCHEMA: &str = "redflag.check/1";

/// The longest first line looked at to tell JSON Lines from a document. A JSON Lines run
/// header is far shorter; a longer first line is read as the start of a document.
const PEEK_BYTES: usize = 16 * 1024 * 1024;

/// The longest line quoted in a diagnostic; a longer one is named by line and column only.
const QUOTED_LINE_BYTES: usize = 64 * 1024;

const HELP: &str = "give two reports written by `redflag check --format json`";

#[derive(Debug, Deserialize)]
pub(super) struct WireOrder {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    line: Option<u64>,
    verdict: String,
    #[serde(default)]
    findings: Vec<WireFinding>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Hash)]
struct WireFinding {
    rule_id: String,
    severity: String,
    kind: String,
    #[serde(default)]
    title: String,
}

/// A report's run header and summary, each flattened to `(path, text)` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) provenance: Vec<(String, String)>,
    pub(super) summary: Vec<(String, String)>,
}

/// Why a report could not be read, and where, before it is located in the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    code: &'static str,
    message: String,
    /// 1-based line and column (0: the line as a whole).
    at: Option<(usize, usize)>,
}

impl Unreadable {
    fn new(code: &'static str, message: String) -> Unreadable {
        Unreadable {
            code,
            message,
            at: None,
        }
    }

    /// The problem, placed on 1-based `line` as a whole.
    pub(super) fn on_line(self, line: usize) -> Unreadable {
        Unreadable {
            at: Some((line, 0)),
            ..self
        }
    }

    /// The 1-based line the problem is on, if it is on one.
    pub fn line(&self) -> Option<usize> {
        self.at.map(|(line, _)| line)
    }

    /// The diagnostic, pointing into `file` (the report's text, or the lines of it around
    /// [`Unreadable::line`], see [`excerpt`]) where the problem has a place; without `file`,
    /// or with a file that does not hold the line, the message names line and column.
    pub fn diagnostic(self, file: Option<&SourceFile>) -> Diagnostic {
        let mut message = self.message;
        let mut place = None;
        match (self.at, file) {
            (Some((line, column)), Some(file)) => {
                let span = file.line_span(line);
                place = Some((file, (span.start + column.saturating_sub(1)).min(span.end)));
            }
            (Some((line, 0)), None) => message.push_str(&format!(" (line {line})")),
            (Some((line, column)), None) => {
                message.push_str(&format!(" (line {line}, column {column})"))
            }
            (None, _) => {}
        }
        let diagnostic = Diagnostic::error(self.code, message);
        match place {
            Some((file, at)) => diagnostic.at(file, at..at, "here"),
            None => diagnostic,
        }
        .with_help(HELP.to_string())
    }
}

/// The lines of a report around 1-based `line` (the one before, the line, the one after),
/// earlier lines left empty so that the quoted lines keep their numbers: what a diagnostic
/// about a report that is read once, without keeping it, quotes. `None` when a quoted line is
/// too long to quote, or the text cannot be read again.
pub fn excerpt<R: BufRead>(mut reader: R, name: &str, line: usize) -> Option<SourceFile> {
    let first = line.saturating_sub(1).max(1);
    let last = line.saturating_add(1);
    let mut quoted = String::new();
    let mut buf = Vec::new();
    let mut lines = 0;
    while lines < last {
        match read_line(&mut reader, &mut buf, QUOTED_LINE_BYTES).ok()? {
            Line::End => break,
            Line::TooLong { .. } if lines + 1 >= first => return None,
            Line::TooLong { .. } => {}
            Line::Whole if lines + 1 >= first => quoted.push_str(std::str::from_utf8(&buf).ok()?),
            Line::Whole => {}
        }
        lines += 1;
    }
    // A problem at the end of the text is on the line after the last; a text that ends
    // sooner is not the one that was read (a stream read up already, a file since changed).
    if lines + 1 < line {
        return None;
    }
    Some(SourceFile::new(name, "\n".repeat(first - 1) + &quoted))
}

/// Makes each order's key and holds the strings orders share (files, verdicts, findings) once.
#[derive(Default)]
pub(super) struct Orders {
    /// Occurrences of each id (or place) so far, for `ID#2`.
    seen: FxHashMap<Arc<str>, u32>,
    files: FxHashMap<Arc<str>, ()>,
    verdicts: FxHashMap<Arc<str>, ()>,
    findings: FxHashMap<WireFinding, Arc<FindingKey>>,
    /// Sets of findings by the addresses of their members, each held in `findings`.
    finding_sets: FxHashMap<Vec<usize>, Arc<[Arc<FindingKey>]>>,
    count: usize,
}

fn shared(table: &mut FxHashMap<Arc<str>, ()>, text: String) -> Arc<str> {
    if let Some((held, ())) = table.get_key_value(text.as_str()) {
        return held.clone();
    }
    let held: Arc<str> = text.into();
    table.insert(held.clone(), ());
    held
}

impl Orders {
    fn order(&mut self, wire: WireOrder) -> RunOrder {
        self.count += 1;
        let file = shared(&mut self.files, wire.file.unwrap_or_default());
        let line = wire.line.unwrap_or(0);
        let id: Option<Arc<str>> = wire.id.map(Arc::from);
        let base: Arc<str> = match &id {
            Some(id) => id.clone(),
            None => format!("{file}:{line}").into(),
        };
        let n = match self.seen.get_mut(&*base) {
            Some(n) => {
                *n = n.saturating_add(1);
                *n
            }
            None => {
                self.seen.insert(base.clone(), 1);
                1
            }
        };
        let key = if n == 1 {
            base
        } else {
            format!("{base}#{n}").into()
        };
        let mut findings: Vec<Arc<FindingKey>> = wire
            .findings
            .into_iter()
            .map(|f| match self.findings.get(&f) {
                Some(held) => held.clone(),
                None => {
                    let held = Arc::new(FindingKey {
                        rule_id: f.rule_id.clone(),
                        severity: f.severity.clone(),
                        kind: f.kind.clone(),
                        title: f.title.clone(),
                    });
                    self.findings.insert(f, held.clone());
                    held
                }
            })
            .collect();
        findings.sort();
        // Most orders share their set of findings with many others (none, above all).
        let identity: Vec<usize> = findings.iter().map(|f| Arc::as_ptr(f) as usize).collect();
        let findings = match self.finding_sets.get(&identity) {
            Some(set) => set.clone(),
            None => {
                let set: Arc<[Arc<FindingKey>]> = findings.into();
                self.finding_sets.insert(identity, set.clone());
                set
            }
        };
        RunOrder {
            key,
            id,
            file,
            line,
            verdict: shared(&mut self.verdicts, wire.verdict),
            findings,
        }
    }
}

/// Reads a `check --format json` document or `--format jsonl` stream, handing each order to
/// `each` in report order, and returns the run header and summary. A report that cannot be
/// read is refused whole, wherever the problem is: `D001` (the file fails), `D002` (invalid
/// JSON), `D003` (not a complete `redflag.check/1` report). The caller has had orders by then;
/// it must drop what it made of them.
pub(super) fn read<R: BufRead>(
    mut reader: R,
    each: &mut dyn FnMut(RunOrder),
    name: &str,
) -> Result<Header, Unreadable> {
    let mut orders = Orders::default();
    let mut sink = |wire: WireOrder, orders: &mut Orders| each(orders.order(wire));
    let (first, lines_before) = peek(&mut reader, name)?;
    let (header, summary) = match first {
        First::Lines(head) => read_lines(reader, head, lines_before, &mut orders, &mut sink, name)?,
        First::Document(start) => read_document(
            io::Cursor::new(start).chain(reader),
            &mut orders,
            &mut sink,
            name,
        )?,
    };
    check_count(summary.as_ref(), orders.count, name)?;
    let mut provenance = Vec::new();
    flatten("", &header, &mut provenance);
    let mut summary_fields = Vec::new();
    if let Some(summary) = &summary {
        flatten("summary", summary, &mut summary_fields);
    }
    Ok(Header {
        provenance,
        summary: summary_fields,
    })
}

pub(super) type Sink<'a> = dyn FnMut(WireOrder, &mut Orders) + 'a;

enum First {
    /// A JSON Lines report: its first record, a JSON object with a `type`.
    Lines(Map<String, Json>),
    /// Anything else: the bytes read so far, to be read again as the start of a document.
    Document(Vec<u8>),
}

/// Reads the first line that is not blank and tells the two forms apart: a JSON Lines report
/// starts with a whole JSON object that has a `type`, a document does not (its first line
/// opens the document and holds the start of the run header).
fn peek<R: BufRead>(reader: &mut R, name: &str) -> Result<(First, usize), Unreadable> {
    let mut start = Vec::new();
    let mut lines = 0;
    loop {
        let line_start = start.len();
        let ended = loop {
            let available = reader.fill_buf().map_err(|e| cannot_read(name, &e))?;
            if available.is_empty() {
                break true;
            }
            let (take, ends) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            start.extend_from_slice(&available[..take]);
            reader.consume(take);
            if ends {
                break false;
            }
            if start.len() > PEEK_BYTES {
                return Ok((First::Document(start), lines));
            }
        };
        let line = &start[line_start..];
        if line.iter().all(u8::is_ascii_whitespace) {
            if ended {
                return Ok((First::Document(start), lines));
            }
            lines += 1;
            continue;
        }
        lines += 1;
        return Ok(match serde_json::from_slice::<Json>(line) {
            Ok(Json::Object(object)) if object.get("type").is_some_and(Json::is_string) => {
                (First::Lines(object), lines)
            }
            _ => (First::Document(start), lines),
        });
    }
}

pub(super) fn cannot_read(name: &str, error: &io::Error) -> Unreadable {
    Unreadable::new("D001", format!("cannot read `{name}`: {error}"))
}

pub(super) fn not_a_report(name: &str, why: &str) -> Unreadable {
    Unreadable::new(
        "D003",
        format!("`{name}` is not a `redflag check` report: {why}"),
    )
}

/// The schema a report states, checked.
pub(super) fn check_schema(schema: Option<&Json>, name: &str) -> Result<(), Unreadable> {
    match schema.and_then(Json::as_str) {
        Some(SCHEMA) => Ok(()),
        Some(other) if other.starts_with(SCHEMA_PREFIX) => Err(not_a_report(
            name,
            &format!("schema `{other}` is not `{SCHEMA}`, the version this redflag reads"),
        )),
        Some(other) => Err(not_a_report(name, &format!("its schema is `{other}`"))),
        None => Err(not_a_report(name, "the report has no `schema`")),
    }
}

/// A report whose summary counts more or fewer orders than it holds was cut off or edited:
/// compared, its missing orders would show as removed, or its extra ones as added, from a run
/// that never judged them so.
fn check_count(summary: Option<&Json>, held: usize, name: &str) -> Result<(), Unreadable> {
    let Some(read) = summary.and_then(|s| s.get("read")).and_then(Json::as_u64) else {
        return Ok(());
    };
    let left_out = summary
        .and_then(|s| s.get("left_out"))
        .and_then(Json::as_u64)
        .unwrap_or(0);
    let expected = read.checked_sub(left_out);
    if expected == u64::try_from(held).ok() {
        return Ok(());
    }
    Err(not_a_report(
        name,
        &format!(
            "its summary counts {read} records read and {left_out} left out of the report, but the report holds {held}: it is incomplete or was edited"
        ),
    ))
}

/// A serde_json error as a problem: invalid JSON is `D002`, valid JSON of the wrong shape
/// `D003`, a failing file `D001`. `line` is the line serde_json counted from (0 for a
/// document, the line's number for a JSON Lines record).
pub(super) fn json_problem(
    error: &serde_json::Error,
    name: &str,
    line: usize,
    what: &str,
) -> Unreadable {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the place says that already.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    let at = (error.line() > 0).then(|| (line + error.line(), error.column()));
    let at = at.or((line > 0).then_some((line + 1, 0)));
    let mut problem = match error.classify() {
        serde_json::error::Category::Io => {
            Unreadable::new("D001", format!("cannot read `{name}`: {message}"))
        }
        serde_json::error::Category::Data => {
            not_a_report(name, &format!("{what} cannot be read: {message}"))
        }
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            Unreadable::new("D002", format!("`{name}` is not valid JSON: {message}"))
        }
    };
    problem.at = at;
    problem
}

/// Flattens a JSON value into `(path, text)` pairs. Arrays of objects that
/// all have a unique string `name` (or else `path`) are keyed by it
/// (`lists[chpl]`, `files[lists/chpl.csv]`), so a file added to a pack does not
/// shift every other one's index; arrays of scalars become one comma-separated value.
fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Json::Object(map) => {
            for (key, v) in map {
                flatten(&join(key), v, out);
            }
        }
        // An empty list has no fields: its first member shows as added, not as the list
        // itself changing from "" to absent.
        Json::Array(items) if items.is_empty() => {}
        Json::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let texts: Vec<String> = items.iter().map(scalar_text).collect();
            out.push((prefix.to_string(), texts.join(", ")));
        }
        Json::Array(items) => {
            let keyed_by = |field: &str| -> Option<Vec<&str>> {
                let names: Vec<&str> = items
                    .iter()
                    .map(|i| i.get(field).and_then(Json::as_str))
                    .collect::<Option<_>>()?;
                (names.iter().collect::<BTreeSet<_>>().len() == names.len()).then_some(names)
            };
            // Inputs stay keyed by position: comparing a run on `a.jsonl` with one on
            // `b.jsonl` is the usual case, and the files are then the same slot.
            let names = keyed_by("name").or_else(|| keyed_by("path"));
            let unique = names.is_some();
            for (i, item) in items.iter().enumerate() {
                let key = match (&names, unique) {
                    (Some(names), true) => format!("{prefix}[{}]", names[i]),
                    _ => format!("{prefix}[{i}]"),
                };
                flatten(&key, item, out);
            }
        }
        scalar => out.push((prefix.to_string(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}
