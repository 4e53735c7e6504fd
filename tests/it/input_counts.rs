//! How many records an order input holds, written from the formats' definitions in
//! docs/orders.md, not by calling the readers, so a reader that drops or invents a record
//! disagrees with them. Shared by the property tests (`properties.rs`) and the fuzz targets
//! (`fuzz/src/lib.rs` includes this file, so it may use only `redflag`, `csv` and
//! `serde_json`).
//!
//! The definitions, as docs/orders.md gives them:
//!
//! - An input that starts with a UTF-16 or UTF-32 byte-order mark, or holds a NUL byte in its
//!   first 4 KiB, is refused whole (`I006`): no record.
//! - A line ends after `\n`; a lone `\r` is text, unless the input's first line break is a
//!   lone `\r` (not followed by `\n`, not the input's last byte, within the first 16 MiB):
//!   then every `\r` ends a line, as a `\n` does. Byte-order marks at the start of a line
//!   carry no data (files joined with `cat` keep one each, so several can meet), and a line
//!   that is blank once they are taken off carries nothing.
//! - A line over 16 MiB (its line break included) is one record (`O116`) whatever it holds.
//! - JSON Lines: one record per line that is not blank; a line that is not UTF-8 is one.
//! - A JSON document: one record per element of a top-level array, else one record (a single
//!   order, or the error that says why the document cannot be read). Over 256 MiB it is
//!   refused whole (`I005`).
//! - CSV: one row per line. The header is the first line that is not blank; a header with a
//!   NUL byte, a quote that never closes or over 16 MiB refuses the input. Every later line
//!   that is not blank is a row, except a row of as many cells as the header, all empty after
//!   trimming, which carries nothing. A row whose quote never closes is broken: its id is read
//!   from the cells before the quote. A row that repeats the header is an error record of its
//!   own. Rows that follow each other and share a non-empty id are one order; any other row
//!   starts a record.
//!
//! Where docs/orders.md is silent, the readers' choice is taken and named here: "blank" is
//! Unicode white space for a JSON Lines line and ASCII white space for a CSV line (a CSV line
//! of other white space is a row of empty cells); a header cell, and a cell compared with
//! one to find a repeated header, is read with byte-order marks taken off its start.

use redflag::order::ColumnMap;

/// The longest line read (docs/orders.md, Limits): 16 MiB, its line break included.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The largest JSON document read (docs/orders.md, Limits).
const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

const BOM: char = '\u{feff}';
const BOM_BYTES: &[u8] = "\u{feff}".as_bytes();

/// True when the input is refused whole as not UTF-8 text (`I006`): a UTF-16 or UTF-32
/// byte-order mark at its start, or a NUL byte in its first 4 KiB.
pub fn refused_as_not_text(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || bytes.starts_with(&[0, 0, 0xFE, 0xFF])
        || bytes.iter().take(4096).any(|b| *b == 0)
}

/// The input as its lines are read: every `\r` a `\n` when the first line break is a lone `\r`
/// before the line limit.
fn as_read(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let first = bytes.iter().position(|b| *b == b'\r' || *b == b'\n');
    let lone_cr = first.is_some_and(|at| {
        bytes[at] == b'\r' && at < MAX_LINE_BYTES && bytes.get(at + 1).is_some_and(|b| *b != b'\n')
    });
    if lone_cr {
        bytes
            .iter()
            .map(|&b| if b == b'\r' { b'\n' } else { b })
            .collect()
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// The lines of an input, each with its `\n` if it has one.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split_inclusive(|b| *b == b'\n')
}

/// A line without the byte-order marks at its start.
fn without_boms(mut line: &[u8]) -> &[u8] {
    while let Some(rest) = line.strip_prefix(BOM_BYTES) {
        line = rest;
    }
    line
}

/// The records a JSON Lines input holds: one per line that is not blank (a line that is not
/// UTF-8, or is over the line limit, is a record too, an unreadable one). `None` when the
/// input is refused whole.
pub fn jsonl_count(bytes: &[u8]) -> Option<usize> {
    if refused_as_not_text(bytes) {
        return None;
    }
    let read = as_read(bytes);
    let bytes = &read[..];
    let holds_a_record = |line: &[u8]| {
        line.len() > MAX_LINE_BYTES
            || match std::str::from_utf8(without_boms(line)) {
                Err(_) => true,
                Ok(text) => !text.trim().is_empty(),
            }
    };
    Some(lines(bytes).filter(|line| holds_a_record(line)).count())
}

/// The records a JSON document holds: each element of a top-level array, or one record for
/// anything else (a single order, or the error that says why the document is unreadable).
/// `None` when the input is refused whole.
pub fn json_count(bytes: &[u8]) -> Option<usize> {
    if refused_as_not_text(bytes) || bytes.len() > MAX_DOCUMENT_BYTES {
        return None;
    }
    let Ok(text) = std::str::from_utf8(without_boms(bytes)) else {
        return Some(1);
    };
    if text.trim_start().starts_with('[') {
        if let Ok(elements) = serde_json::from_str::<Vec<Box<serde_json::value::RawValue>>>(text) {
            return Some(elements.len());
        }
    }
    Some(1)
}

/// True for a CSV line that carries nothing: ASCII white space once byte-order marks are
/// taken off its start.
fn blank_csv_line(line: &[u8]) -> bool {
    without_boms(line).iter().all(u8::is_ascii_whitespace)
}

/// The cells of one CSV line, and whether a quote opened in its last cell never closes.
///
/// The csv crate splits the cells (the format's quoting is RFC 4180's; only `\n` ends a
/// row). It lets a quoted cell run over line breaks, so the line is given with its `\n`
/// and nothing after it: a quote that stays open swallows that `\n`, and no cell of a line
/// that parses whole can hold one.
fn split_line(line: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let mut input = without_boms(body).to_vec();
    input.push(b'\n');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(&input[..]);
    let mut record = csv::ByteRecord::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        return (Vec::new(), false);
    }
    let cells: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
    let unclosed = cells.last().is_some_and(|cell| cell.contains(&b'\n'));
    (cells, unclosed)
}

/// A cell's text, trimmed; `None` when it is empty after trimming or not UTF-8.
fn cell_text(cell: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(cell).ok()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A header cell as the header row holds it: trimmed, byte-order marks off its start.
fn header_text(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell)
        .trim_start_matches(BOM)
        .trim()
        .to_string()
}

/// The header cells of a CSV input and the rest of the input after the header line; `None`
/// when the input is refused whole before any record (not text, or a header row that
/// cannot be read), `Some` with no headers when the input holds no line that is not blank.
fn csv_header(bytes: &[u8]) -> Option<(Vec<String>, &[u8])> {
    if refused_as_not_text(bytes) {
        return None;
    }
    let mut offset = 0;
    for line in lines(bytes) {
        offset += line.len();
        if blank_csv_line(line) {
            continue;
        }
        if line.len() > MAX_LINE_BYTES || line.contains(&0) {
            return None;
        }
        let (cells, unclosed) = split_line(line);
        if unclosed {
            return None;
        }
        let headers = cells.iter().map(|c| header_text(c)).collect();
        return Some((headers, &bytes[offset..]));
    }
    Some((Vec::new(), &[]))
}

/// The column whose cells become the order id: the first header that the map renames to
/// `id`, or that is `id` itself and is neither renamed nor ignored.
pub fn csv_id_column(bytes: &[u8], map: Option<&ColumnMap>) -> Option<usize> {
    let read = as_read(bytes);
    let (headers, _) = csv_header(&read)?;
    headers.iter().position(|header| {
        if map.is_some_and(|m| m.ignores(header)) {
            return false;
        }
        match map.and_then(|m| m.target(header)) {
            Some(target) => target == "id",
            None => header == "id",
        }
    })
}

/// One CSV row, as far as counting goes: whether it carries anything, and its order id.
enum Row {
    /// A row of as many cells as the header, all empty: nothing.
    Empty,
    /// A row with this id (`None`: no id, or a repeated header row, which stands alone).
    Of(Option<String>),
}

fn csv_row(line: &[u8], headers: &[String], id_column: Option<usize>) -> Row {
    let id_among = |cells: &[Vec<u8>]| {
        id_column
            .and_then(|at| cells.get(at))
            .and_then(|c| cell_text(c))
    };
    if line.len() > MAX_LINE_BYTES {
        // Only the line's first 16 MiB are kept; its last cell there is cut short.
        let (cells, _) = split_line(&line[..MAX_LINE_BYTES]);
        let readable = cells.len().saturating_sub(1);
        return Row::Of(id_among(&cells[..readable]));
    }
    let (cells, unclosed) = split_line(line);
    if unclosed {
        let readable = cells.len().saturating_sub(1);
        return Row::Of(id_among(&cells[..readable]));
    }
    if cells.len() == headers.len() && cells.iter().zip(headers).all(|(c, h)| header_text(c) == *h)
    {
        return Row::Of(None);
    }
    if cells.len() == headers.len()
        && cells
            .iter()
            .all(|c| std::str::from_utf8(c).is_ok_and(|t| t.trim().is_empty()))
    {
        return Row::Empty;
    }
    Row::Of(id_among(&cells))
}

/// The records a CSV input holds once its headers are accepted as order paths (which
/// depends on the schema, not the format: the reader may still refuse them with `I002`):
/// runs of rows that follow each other and share a non-empty id; any other row stands
/// alone. `None` when the input is refused whole for a reason of the format.
pub fn csv_count(bytes: &[u8], map: Option<&ColumnMap>) -> Option<usize> {
    let read = as_read(bytes);
    let bytes = &read[..];
    let (headers, rows) = csv_header(bytes)?;
    let id_column = csv_id_column(bytes, map);
    let mut count = 0;
    let mut run: Option<String> = None;
    for line in lines(rows) {
        if blank_csv_line(line) {
            continue;
        }
        let Row::Of(id) = csv_row(line, &headers, id_column) else {
            continue;
        };
        if id.is_some() && id == run {
            continue;
        }
        count += 1;
        run = id;
    }
    Some(count)
}
