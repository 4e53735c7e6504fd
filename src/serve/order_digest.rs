//! The digest of each order a check judges, which ties a reviewer's decision to the order it
//! answered: a release carries over to a later judgement only when the order and its result
//! are both the same (`store::after_judgement`), so an ERP that sends the same id again with
//! another end user, route or quantity gets a fresh review even when the rules happen to judge
//! it alike.
//!
//! A readable order is digested in its normalised form, the tree the engine judged: the same
//! order sent again, formatted otherwise or at another place in a body, has the same digest. A
//! record that could not be read has no such form; its text as received is digested instead,
//! found in the body as the JSON readers frame it. When its text cannot be told, the digest is
//! empty, which no judgement matches (fail closed: nothing decided carries over to it). Nothing
//! here judges or writes.

use sha2::{Digest, Sha256};

use crate::order::{InputFormat, Order, Record, Value};

/// The digest of each record, in the records' order (one per record, as the judgements come).
pub fn record_digests(body: &[u8], format: InputFormat, records: &[Record]) -> Vec<String> {
    // Framed only when a record needs its text: most bodies read whole.
    let unread = records
        .iter()
        .any(|r| matches!(r, Record::Error(e) if e.order_id.is_some()));
    let frames = match format {
        InputFormat::Json if unread => json_frames(body),
        _ => None,
    };
    records
        .iter()
        .enumerate()
        .map(|(at, record)| match record {
            Record::Order(order) => order_sha256(order),
            // A record without an id is recorded but never queued: nothing carries over to it.
            Record::Error(error) if error.order_id.is_none() => String::new(),
            Record::Error(error) => {
                let line = error.origin.line;
                let text = match format {
                    InputFormat::Jsonl => jsonl_line(body, line),
                    // The document's records come one per element, in order, each on the line
                    // its element starts: any other pairing is not trusted.
                    _ => frames
                        .as_ref()
                        .filter(|frames| frames.len() == records.len())
                        .and_then(|frames| frames.get(at))
                        .filter(|(start, _)| *start == line)
                        .map(|(_, text)| *text),
                };
                text.map(record_sha256).unwrap_or_default()
            }
        })
        .collect()
}

/// The digest of an order's normalised form: every member of every object in name order, each
/// value with its kind, texts and names length-prefixed, so no two different trees are written
/// as the same bytes. Where the record sat (file, line) is not part of it.
pub fn order_sha256(order: &Order) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"redflag.order/1\n");
    value(&mut hasher, &order.root);
    hex::encode(hasher.finalize())
}

fn value(hasher: &mut Sha256, v: &Value) {
    match v {
        Value::Null => hasher.update(b"n"),
        Value::Bool(true) => hasher.update(b"t"),
        Value::Bool(false) => hasher.update(b"f"),
        Value::Text(t) => {
            hasher.update(b"s");
            text(hasher, t);
        }
        // The number, not how it was written: `200` and `200.00` are one quantity.
        Value::Number(n) => {
            hasher.update(b"d");
            text(hasher, &n.normalize().to_string());
        }
        Value::Date(d) => {
            hasher.update(b"D");
            text(hasher, &d.format("%Y-%m-%d").to_string());
        }
        Value::List(items) => {
            hasher.update(b"l");
            hasher.update((items.len() as u64).to_be_bytes());
            for item in items {
                value(hasher, item);
            }
        }
        Value::Map(fields) => {
            hasher.update(b"m");
            hasher.update((fields.len() as u64).to_be_bytes());
            for (name, member) in fields.iter() {
                text(hasher, name);
                value(hasher, member);
            }
        }
    }
}

fn text(hasher: &mut Sha256, t: &str) {
    hasher.update((t.len() as u64).to_be_bytes());
    hasher.update(t.as_bytes());
}

/// The digest of a record's text as received, without the whitespace around it.
fn record_sha256(text: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"redflag.record/1\n");
    hasher.update(text.trim_ascii());
    hex::encode(hasher.finalize())
}

/// Line `line` (from 1) of a JSON Lines body, as its reader reads it: lines end at `\n`, and a
/// byte-order mark at the start of one carries no data.
fn jsonl_line(body: &[u8], line: usize) -> Option<&[u8]> {
    let text = body.split(|b| *b == b'\n').nth(line.checked_sub(1)?)?;
    Some(text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text))
}

/// A JSON document's records as its reader frames them (`order::json`): each element of an
/// array, or the one object, with the line it starts on. `None` for a body that is not a
/// document of records (it was refused before anything was judged).
fn json_frames(body: &[u8]) -> Option<Vec<(usize, &[u8])>> {
    let text = std::str::from_utf8(body).ok()?;
    let trimmed = text.trim_start_matches('\u{feff}');
    let skipped = text.len() - trimmed.len();
    let first = trimmed.find(|c: char| !c.is_whitespace())?;
    let lines_in =
        |from: usize, to: usize| text.get(from..to).map_or(0, |t| t.matches('\n').count());
    if trimmed.as_bytes().get(first) != Some(&b'[') {
        let line = 1 + lines_in(0, skipped + first);
        return Some(vec![(line, trimmed.as_bytes())]);
    }
    let elements: Vec<&serde_json::value::RawValue> = serde_json::from_str(trimmed).ok()?;
    // Lines are counted between one element's start and the next, as the reader counts them.
    let (mut line, mut counted) = (1, 0);
    let mut frames = Vec::with_capacity(elements.len());
    for raw in elements {
        let slice = raw.get();
        // Each raw slice borrows from the text, so its address gives its offset.
        let start = slice.as_ptr() as usize - text.as_ptr() as usize;
        line += lines_in(counted, start);
        counted = start;
        frames.push((line, slice.as_bytes()));
    }
    Some(frames)
}
