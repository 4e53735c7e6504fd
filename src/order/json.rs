//! Readers for JSON Lines (one order per line, streamed) and JSON files (one
//! order object, or an array of them, read whole).
//!
//! This module owns locating records: the 1-based line each record starts on,
//! and turning syntax errors into `O101` error records with serde_json's
//! position. Values are normalised by `normalize.rs`; duplicate ids in one
//! input become `O111` errors naming the first line.

use std::io::BufRead;

use serde_json::value::RawValue;
use serde_json::Value as Json;

use super::normalize::{
    codes, error_record, json_record, json_syntax_problem, record_problem, SeenIds,
};
use super::{Origin, Record};

/// Streams a JSON Lines input: one record per non-blank line. Memory holds
/// one line at a time, plus the set of ids seen (for duplicate detection).
pub struct JsonLines<R> {
    reader: R,
    file: String,
    line: usize,
    buf: Vec<u8>,
    seen: SeenIds,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads JSON Lines from `reader`; `file` names the input in origins
    /// (`-` for standard input).
    pub fn new(reader: R, file: impl Into<String>) -> JsonLines<R> {
        JsonLines {
            reader,
            file: file.into(),
            line: 0,
            buf: Vec::new(),
            seen: SeenIds::default(),
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

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
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
                            return Some(error_record(origin, None, vec![problem]));
                        }
                    };
                    // Editors on Windows write a byte-order mark at the start.
                    let text = if self.line == 1 {
                        text.trim_start_matches('\u{feff}')
                    } else {
                        text
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    return Some(match serde_json::from_str::<Json>(text) {
                        Ok(raw) => json_record(&raw, origin, &mut self.seen),
                        Err(error) => {
                            error_record(origin, None, vec![json_syntax_problem(&error, false)])
                        }
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
                    return Some(error_record(self.origin(), None, vec![problem]));
                }
            }
        }
        None
    }
}

/// What is left to yield from a JSON document.
enum Pending {
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
    pending: std::vec::IntoIter<Pending>,
    seen: SeenIds,
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
                    pending: vec![Pending::Ready(Box::new(record))].into_iter(),
                    seen: SeenIds::default(),
                }
            }
        }
    }

    /// Reads a JSON document from its text; `file` names it in origins.
    pub fn from_text(text: String, file: impl Into<String>) -> JsonDocument {
        let file = file.into();
        let pending = locate(&text, &file);
        JsonDocument {
            text,
            file,
            pending: pending.into_iter(),
            seen: SeenIds::default(),
        }
    }
}

/// Splits the document into pending records without building value trees.
fn locate(text: &str, file: &str) -> Vec<Pending> {
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
        vec![Pending::Ready(Box::new(error_record(
            origin(line),
            None,
            vec![json_syntax_problem(&error, true)],
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
                    pending.push(Pending::Element {
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
                let line = start_line(skipped + first.unwrap_or(0));
                vec![Pending::Ready(Box::new(json_record_fresh(
                    &raw,
                    origin(line),
                )))]
            }
            Err(error) => syntax_error(error),
        },
        None => {
            let problem = record_problem(codes::UNREADABLE, "the file is empty".into());
            vec![Pending::Ready(Box::new(error_record(
                origin(1),
                None,
                vec![problem],
            )))]
        }
    }
}

/// A single-object document: no other record to clash with.
fn json_record_fresh(raw: &Json, origin: Origin) -> Record {
    json_record(raw, origin, &mut SeenIds::default())
}

impl Iterator for JsonDocument {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        match self.pending.next()? {
            Pending::Ready(record) => Some(*record),
            Pending::Element { start, end, line } => {
                let origin = Origin {
                    file: self.file.clone(),
                    line,
                };
                let slice = self.text.get(start..end).unwrap_or_default();
                Some(match serde_json::from_str::<Json>(slice) {
                    Ok(raw) => json_record(&raw, origin, &mut self.seen),
                    Err(error) => {
                        error_record(origin, None, vec![json_syntax_problem(&error, false)])
                    }
                })
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pending.size_hint()
    }
}
