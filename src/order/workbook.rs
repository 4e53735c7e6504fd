//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with calamine: one sheet (the
//! first, or the one the map or `--sheet` names), laid out like a CSV export (the first
//! non-empty row holds the headers, each row after it is one item), and read by the CSV
//! reader's row machinery through the same map. Typed cells keep what they are: a date cell
//! (an Excel serial number with a date style, or an ODS date) becomes `YYYY-MM-DD`, a number
//! its shortest decimal. Records are located as `file[sheet]:row`.

use std::io::{BufRead, Cursor};

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::csv::{CsvRecords, RawCell, SheetRow};
use super::input::{read_whole, InputError, Records};
use super::map::{CellKind, ColumnMap, SheetChoice};

/// The records of a workbook's sheet; the whole file is read first (a workbook is a zip or
/// compound file, read from its directory at the end), up to the JSON document limit.
pub(crate) fn records<R: BufRead>(
    reader: R,
    name: &str,
    map: Option<&ColumnMap>,
) -> Result<Records, InputError> {
    let bytes = read_whole(reader, name, "a workbook")?;
    let unreadable = |error: calamine::Error| InputError::BadWorkbook {
        file: name.to_string(),
        reason: lowercase_first(&error.to_string()),
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let names = book.sheet_names();
    let choice = map
        .and_then(ColumnMap::sheet)
        .cloned()
        .unwrap_or(SheetChoice::Index(1));
    let sheet = match &choice {
        SheetChoice::Name(wanted) => names.iter().find(|n| *n == wanted),
        SheetChoice::Index(at) => at.checked_sub(1).and_then(|i| names.get(i)),
    }
    .cloned()
    .ok_or_else(|| InputError::NoSheet {
        file: name.to_string(),
        sheet: choice.to_string(),
        sheets: names.iter().map(|n| format!("`{n}`")).collect(),
    })?;
    let range = book.worksheet_range(&sheet).map_err(unreadable)?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells));
    let mut header_line = 0;
    let mut headers: Vec<String> = Vec::new();
    for (line, cells) in rows.by_ref() {
        let texts: Vec<String> = cells.iter().map(header_text).collect();
        if let Some(last) = texts.iter().rposition(|t| !t.is_empty()) {
            header_line = line;
            headers = texts[..=last].to_vec();
            break;
        }
    }
    let body = rows
        .map(|(line, cells)| {
            let mut cells: Vec<RawCell> = cells.iter().map(raw_cell).collect();
            // Empty cells past the header's last column are nothing; a value there is kept,
            // so the row's width tells of it.
            let filled = cells
                .iter()
                .rposition(|c| !matches!(c, RawCell::Empty))
                .map_or(0, |last| last + 1);
            cells.truncate(filled.max(headers.len()));
            SheetRow { line, cells }
        })
        .collect();
    let file = format!("{name}[{sheet}]");
    let records = CsvRecords::from_sheet(file, header_line, headers, body, map)?;
    Ok(Box::new(records))
}

/// A header cell as text (headers are names; a number or date header is written as such).
fn header_text(cell: &Data) -> String {
    match raw_cell(cell) {
        RawCell::Value(text, _) => text,
        _ => String::new(),
    }
}

/// A workbook cell as the CSV reader's raw cell.
fn raw_cell(cell: &Data) -> RawCell {
    match cell {
        Data::Empty => RawCell::Empty,
        Data::String(text) if text.trim().is_empty() => RawCell::Empty,
        Data::String(text) => RawCell::Value(text.trim().to_string(), CellKind::Text),
        Data::Int(n) => RawCell::Value(n.to_string(), CellKind::Number),
        Data::Float(f) if f.is_finite() => RawCell::Value(f.to_string(), CellKind::Number),
        Data::Float(_) => RawCell::Unreadable("the cell holds a number that is not finite".into()),
        Data::Bool(b) => RawCell::Value(b.to_string(), CellKind::Text),
        Data::DateTime(when) if when.is_duration() => {
            RawCell::Unreadable("the cell holds a duration, not a date".into())
        }
        Data::DateTime(when) => match when.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => {
                RawCell::Value(at.format("%Y-%m-%d").to_string(), CellKind::Date)
            }
            Some(at) => RawCell::Value(at.format("%Y-%m-%dT%H:%M:%S").to_string(), CellKind::Date),
            None => RawCell::Unreadable(format!(
                "the cell holds the date serial {}, which is no calendar date",
                when.as_f64()
            )),
        },
        Data::DateTimeIso(text) => RawCell::Value(text.trim().to_string(), CellKind::Date),
        Data::DurationIso(_) => RawCell::Unreadable("the cell holds a duration, not a date".into()),
        Data::Error(error) => RawCell::Unreadable(format!("the cell holds the error `{error}`")),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
