//! How many records an order input holds, written from the formats' definitions (a JSON
//! Lines record is a non-blank line; a JSON document is its top-level array's elements, else
//! one record; a CSV order is a run of rows sharing an id), not by calling the readers, so a
//! reader that drops or invents a record disagrees with them. Shared by the property tests
//! (`properties.rs`) and the fuzz targets (`fuzz/src/lib.rs` includes this file).

use redflag::order::ColumnMap;

/// The records a JSON Lines input holds: one per line that is not blank (a line that is
/// not UTF-8 is a record too, an unreadable one). A byte-order mark opens the first line.
pub fn jsonl_count(bytes: &[u8]) -> usize {
    let mut count = 0;
    for (index, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Err(_) => count += 1,
            Ok(text) => {
                let text = if index == 0 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    text
                };
                if !text.trim().is_empty() {
                    count += 1;
                }
            }
        }
    }
    count
}

/// The records a JSON document holds: each element of a top-level array, or one record
/// for anything else (a single order, or the error that says why the file is unreadable).
pub fn json_count(bytes: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 1;
    };
    let body = text.trim_start_matches('\u{feff}');
    if body.trim_start().starts_with('[') {
        if let Ok(elements) = serde_json::from_str::<Vec<Box<serde_json::value::RawValue>>>(body) {
            return elements.len();
        }
    }
    1
}

/// The orders a CSV input holds, once its header is accepted: runs of rows that share a
/// non-empty id, where a row without an id stands alone; rows whose cells are all blank
/// count for nothing; a read failure adds one error record. `id_column` is the column that
/// feeds `id` (after the map), if any.
pub fn csv_count(bytes: &[u8], id_column: Option<usize>) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let mut count = 0;
    let mut previous: Option<String> = None;
    let mut row = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                count += 1;
                break;
            }
        }
        let cell = |field: &[u8]| match std::str::from_utf8(field) {
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(Ok(text.trim().to_string())),
            Err(_) => Some(Err(())),
        };
        let header_len = reader.byte_headers().map(|h| h.len()).unwrap_or(0);
        let blank = row.len() == header_len
            && (0..header_len).all(|i| cell(row.get(i).unwrap_or_default()).is_none());
        if blank {
            continue;
        }
        let id = id_column
            .and_then(|i| row.get(i))
            .and_then(cell)
            .and_then(Result::ok);
        if id.is_some() && id == previous {
            continue;
        }
        count += 1;
        previous = id;
    }
    count
}

/// The column whose cells become the order id: the first header (trimmed, with the
/// byte-order mark taken off the first) that the map renames to `id`, or that is `id`
/// itself and is neither renamed nor ignored.
pub fn csv_id_column(bytes: &[u8], map: Option<&ColumnMap>) -> Option<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader.byte_headers().ok()?.clone();
    headers.iter().enumerate().position(|(i, raw)| {
        let text = String::from_utf8_lossy(raw);
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            &text
        };
        let header = text.trim();
        if map.is_some_and(|m| m.ignores(header)) {
            return false;
        }
        match map.and_then(|m| m.target(header)) {
            Some(target) => target == "id",
            None => header == "id",
        }
    })
}
