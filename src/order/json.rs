//! Readers for JSON Lines (one order per line, streamed) and JSON files (one
//! order object, or an array of them, read whole).
//!
//! This module owns locating records: the 1-based line each record starts on,
//! and turning syntax errors into `O101` error records with serde_json's
//! position. Values are normalised by `normalize.rs`. A record with a key
//! repeated in one object is `O115` (see `duplicates.rs`); a line over
//! [`MAX_LINE_BYTES`] is `O116`. A repeated order id is `O111`: in JSON Lines
//! the later record names the first line (the first was judged already, as
//! the input streams); in a JSON document, read whole, every record with
//! that id is refused, since which one is the order cannot be told.

use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value as Json;

use super::direct;
use super::duplicates::repeated_keys;
use super::limits::{read_line, size_text, Line, MAX_LINE_BYTES};
use super::normalize::{
    codes, error_record, id_text, json_record, json_syntax_problem, order_id, quote, record_problem,
};
use super::seen_ids::SeenIds;
use super::{FieldProblem, Order, Origin, Record};

/// Parses the text of one record (a line, or an element of a document) and normalises it;
/// `id_problem` says what is wrong with the record's id in its input (a repeat), if anything.
fn text_record(
    text: &str,
    origin: Origin,
    id_problem: impl FnOnce(&str) -> Option<FieldProblem>,
) -> Record {
    // Most records read cleanly in one pass; any other is read again below, which reports it.
    if let Some((id, root)) = direct::read(text) {
        // As `parsed_record` decides for a record without repeated keys or other problems.
        return match id_problem(&id) {
            None => Record::Order(Order { id, origin, root }),
            Some(problem) => error_record(origin, Some(id), vec![problem]),
        };
    }
    long_way(text, origin, id_problem)
}

/// [`text_record`] through a `serde_json::Value`: the reader of every record that has
/// something to report, and the reference `direct::read` agrees with.
pub(super) fn long_way(
    text: &str,
    origin: Origin,
    id_problem: impl FnOnce(&str) -> Option<FieldProblem>,
) -> Record {
    match serde_json::from_str::<Json>(text) {
        Ok(raw) => parsed_record(&raw, text, origin, id_problem),
        Err(error) => error_record(origin, None, vec![json_syntax_problem(&error, false)]),
    }
}

/// Normalises a record already parsed from `text`, with the problems only its text shows.
fn parsed_record(
    raw: &Json,
    text: &str,
    origin: Origin,
    id_problem: impl FnOnce(&str) -> Option<FieldProblem>,
) -> Record {
    let mut found: Vec<FieldProblem> = repeated_keys(text)
        .into_iter()
        .map(|path| {
            let key = path.rsplit('.').next().unwrap_or(&path).to_string();
            FieldProblem {
                code: codes::DUPLICATE_KEY,
                message: format!(
                    "key `{}` appears more than once in one object: readers keep different values, so the record is ambiguous",
                    quote(&key)
                ),
                path,
                column: None,
                line: None,
            }
        })
        .collect();
    if let Some(id) = order_id(raw) {
        found.extend(id_problem(&id));
    }
    json_record(raw, origin, found)
}

/// A record of an input that may not be parsed yet: a JSON Lines line is framed by the reader
/// and parsed where it is judged, so parsing runs on every core (see `pipeline`).
#[derive(Debug)]
pub enum Pending {
    /// A record already read.
    Ready(Record),
    /// The text of one JSON Lines record and where it starts; its id is not yet checked
    /// against the input's earlier ids.
    Line {
        /// The line, without its line break or byte-order mark.
        text: String,
        /// Where it starts.
        origin: Origin,
    },
}

impl Pending {
    /// The record: parsed and normalised now if it was not yet.
    pub fn parse(self) -> Record {
        match self {
            Pending::Ready(record) => record,
            Pending::Line { text, origin } => text_record(&text, origin, |_| None),
        }
    }

    /// True for a record whose id must still be checked against the input's earlier ids
    /// ([`RepeatedIds`]), in input order.
    pub fn id_unchecked(&self) -> bool {
        matches!(self, Pending::Line { .. })
    }
}

/// The ids of a streamed input seen so far: a later record with the same id is an error
/// naming the first (the first was judged already, as the input streams).
#[derive(Debug, Default)]
pub struct RepeatedIds(SeenIds);

impl RepeatedIds {
    /// The `O111` problem of the record with `id` on `line`, if an earlier record had that id.
    pub fn problem(&mut self, id: &str, line: usize) -> Option<FieldProblem> {
        self.0.problem(id, line)
    }

    /// `record` as the input yields it: an error when its id repeated an earlier record's.
    pub fn check(&mut self, record: Record) -> Record {
        match record {
            Record::Order(order) => match self.problem(&order.id, order.origin.line) {
                None => Record::Order(order),
                Some(problem) => error_record(order.origin, Some(order.id), vec![problem]),
            },
            Record::Error(mut error) => {
                if let Some(id) = error.order_id.clone() {
                    error.problems.extend(self.problem(&id, error.origin.line));
                }
                Record::Error(error)
            }
        }
    }
}

/// Frames a JSON Lines input: one pending record per non-blank line. Memory holds one line
/// at a time (at most [`MAX_LINE_BYTES`]).
pub struct JsonLineFrames<R> {
    reader: R,
    file: String,
    line: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonLineFrames<R> {
    /// Frames JSON Lines from `reader`; `file` names the input in origins
    /// (`-` for standard input).
    pub fn new(reader: R, file: impl Into<String>) -> JsonLineFrames<R> {
        JsonLineFrames {
            reader,
            file: file.into(),
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    fn origin(&self) -> Origin {
        Origin {
            file: self.file.clone(),
            line: self.line,
        }
    }
}

impl<R: BufRead> Iterator for JsonLineFrames<R> {
    type Item = Pending;

    fn next(&mut self) -> Option<Pending> {
        let ready = |record| Some(Pending::Ready(record));
        while !self.done {
            match read_line(&mut self.reader, &mut self.buf, MAX_LINE_BYTES) {
                Ok(Line::End) => self.done = true,
                Ok(Line::TooLong { bytes }) => {
                    self.line += 1;
                    let problem = record_problem(
                        codes::LIMIT,
                        format!(
                            "the line is {bytes} bytes long, over the limit of {} per record, so it was not read",
                            size_text(MAX_LINE_BYTES as u64)
                        ),
                    );
                    return ready(error_record(self.origin(), None, vec![problem]));
                }
                Ok(Line::Whole) => {
                    self.line += 1;
                    let origin = self.origin();
                    let text = match std::str::from_utf8(&self.buf) {
                        Ok(text) => text,
                        Err(error) => {
                            let problem = record_problem(
                                codes::UNREADABLE,
                                format!(
                                    "the line is not UTF-8 text (bad byte at column {})",
                                    error.valid_up_to() + 1
                                ),
                            );
                            return ready(error_record(origin, None, vec![problem]));
                        }
                    };
                    // Editors on Windows write a byte-order mark at the start, and
                    // files joined with `cat` keep each one's; it carries no data.
                    let text = text.trim_start_matches('\u{feff}');
                    if text.trim().is_empty() {
                        continue;
                    }
                    return Some(Pending::Line {
                        text: text.to_string(),
                        origin,
                    });
                }
                Err(error) => {
                    // The rest of the input is lost; say so once, as a record,
                    // so the counts show it.
                    self.done = true;
                    self.line += 1;
                    let problem = record_problem(
                        codes::UNREADABLE,
                        format!("cannot read the input after this point: {error}"),
                    );
                    return ready(error_record(self.origin(), None, vec![problem]));
                }
            }
        }
        None
    }
}

/// Streams a JSON Lines input: one record per non-blank line, parsed as it is read. Memory
/// holds one line at a time (at most [`MAX_LINE_BYTES`]), plus the set of ids seen (for
/// duplicate detection).
pub struct JsonLines<R> {
    frames: JsonLineFrames<R>,
    seen: RepeatedIds,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads JSON Lines from `reader`; `file` names the input in origins
    /// (`-` for standard input).
    pub fn new(reader: R, file: impl Into<String>) -> JsonLines<R> {
        JsonLines {
            frames: JsonLineFrames::new(reader, file),
            seen: RepeatedIds::default(),
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let pending = self.frames.next()?;
        let unchecked = pending.id_unchecked();
        let record = pending.parse();
        Some(if unchecked {
            self.seen.check(record)
        } else {
            record
        })
    }
}

/// What is left to yield from a JSON document.
enum Slot {
    /// An array element: byte range in the text and its starting line.
    Element {
        start: usize,
        end: usize,
        line: usize,
    },
    /// A record already decided (a single object, or a file-level error).
    Ready(Box<Record>),
}

/// The records of a JSON file: a single order object, or an array of order
/// objects each located on the line where it starts. The text is held whole;
/// elements are parsed into values one at a time as they are yielded.
pub struct JsonDocument {
    text: String,
    file: String,
    pending: std::vec::IntoIter<Slot>,
    /// Ids that more than one element has, with the lines of those elements.
    repeated: HashMap<String, Vec<usize>>,
}

impl JsonDocument {
    /// Reads a JSON document from its bytes; `file` names it in origins.
    /// Bytes that are not UTF-8, or text that is not JSON, yield one error record.
    pub fn from_bytes(bytes: Vec<u8>, file: impl Into<String>) -> JsonDocument {
        let file = file.into();
        match String::from_utf8(bytes) {
            Ok(text) => JsonDocument::from_text(text, file),
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
                let problem = record_problem(
                    codes::UNREADABLE,
                    format!("the file is not UTF-8 text (bad byte on line {line})"),
                );
                let record = error_record(
                    Origin {
                        file: file.clone(),
                        line,
                    },
                    None,
                    vec![problem],
                );
                JsonDocument {
                    text: String::new(),
                    file,
                    pending: vec![Slot::Ready(Box::new(record))].into_iter(),
                    repeated: HashMap::new(),
                }
            }
        }
    }

    /// Reads a JSON document from its text; `file` names it in origins.
    pub fn from_text(text: String, file: impl Into<String>) -> JsonDocument {
        let file = file.into();
        let pending = locate(&text, &file);
        let repeated = repeated_ids(&text, &pending);
        JsonDocument {
            text,
            file,
            pending: pending.into_iter(),
            repeated,
        }
    }
}

/// Splits the document into pending records without building value trees.
fn locate(text: &str, file: &str) -> Vec<Slot> {
    let origin = |line| Origin {
        file: file.to_string(),
        line,
    };
    let body = text.trim_start_matches('\u{feff}');
    let skipped = text.len() - body.len();
    let first = body.find(|c: char| !c.is_whitespace());
    let start_line = |offset: usize| 1 + text[..offset].matches('\n').count();
    let syntax_error = |error: serde_json::Error| {
        let line = error.line().max(1);
        let mut problem = json_syntax_problem(&error, true);
        if error.to_string().starts_with("trailing characters") {
            problem.message.push_str(
                " (the file holds more than one JSON value: if it is JSON Lines, name it `.jsonl`)",
            );
        }
        vec![Slot::Ready(Box::new(error_record(
            origin(line),
            None,
            vec![problem],
        )))]
    };
    match first.map(|at| body.as_bytes()[at]) {
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(body) {
            Ok(elements) => {
                // Each raw slice borrows from `body`, so its address gives its
                // byte offset; lines are counted incrementally between them.
                let mut line = 1;
                let mut counted = 0;
                let mut pending = Vec::with_capacity(elements.len());
                for raw in elements {
                    let slice = raw.get();
                    let start = skipped + (slice.as_ptr() as usize - body.as_ptr() as usize);
                    line += text[counted..start].matches('\n').count();
                    counted = start;
                    pending.push(Slot::Element {
                        start,
                        end: start + slice.len(),
                        line,
                    });
                }
                pending
            }
            Err(error) => syntax_error(error),
        },
        Some(_) => match serde_json::from_str::<Json>(body) {
            Ok(raw) => {
                // A single object: no other record to clash with.
                let line = start_line(skipped + first.unwrap_or(0));
                vec![Slot::Ready(Box::new(parsed_record(
                    &raw,
                    body,
                    origin(line),
                    |_| None,
                )))]
            }
            Err(error) => syntax_error(error),
        },
        None => {
            let problem = record_problem(codes::UNREADABLE, "the file is empty".into());
            vec![Slot::Ready(Box::new(error_record(
                origin(1),
                None,
                vec![problem],
            )))]
        }
    }
}

/// Just the `id` of an element, read without building the rest.
#[derive(Deserialize)]
struct IdProbe {
    #[serde(default)]
    id: Option<Json>,
}

/// The ids more than one element of the document has, each with the lines of its elements.
fn repeated_ids(text: &str, pending: &[Slot]) -> HashMap<String, Vec<usize>> {
    let mut lines: HashMap<String, Vec<usize>> = HashMap::new();
    for p in pending {
        let Slot::Element { start, end, line } = p else {
            continue;
        };
        let id = text
            .get(*start..*end)
            .and_then(|slice| serde_json::from_str::<IdProbe>(slice).ok())
            .and_then(|probe| id_text(probe.id.as_ref()));
        if let Some(id) = id {
            lines.entry(id).or_default().push(*line);
        }
    }
    lines.retain(|_, at| at.len() > 1);
    lines
}

/// `2, 9 and 14`, or the first five and how many more.
fn line_list(lines: &[usize]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(ToString::to_string).collect();
    match lines.len() {
        n if n > SHOWN => format!("{} and {} more", shown.join(", "), n - SHOWN),
        _ => match shown.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => shown.join(""),
        },
    }
}

impl Iterator for JsonDocument {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        match self.pending.next()? {
            Slot::Ready(record) => Some(*record),
            Slot::Element { start, end, line } => {
                let origin = Origin {
                    file: self.file.clone(),
                    line,
                };
                let slice = self.text.get(start..end).unwrap_or_default();
                let repeated = &self.repeated;
                Some(text_record(slice, origin, |id| {
                    repeated.get(id).map(|lines| {
                        record_problem(
                            codes::DUPLICATE_ID,
                            format!(
                                "order id `{}` is used by {} records of this document (lines {}): which one is the order cannot be told, so none is judged",
                                quote(id),
                                lines.len(),
                                line_list(lines)
                            ),
                        )
                    })
                }))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pending.size_hint()
    }
}
