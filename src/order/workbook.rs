//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with calamine: one sheet, laid
//! out like a CSV export (the first non-empty row holds the headers, each row after it is one
//! item), and read by the CSV reader's row machinery through the same map. The sheet is the
//! one the map or `--sheet` names; without a choice it is the one visible sheet that holds
//! data, and a workbook with data on more than one sheet, or only on hidden ones, is refused
//! (`I010`) rather than read in part. Typed cells keep what they are: a date cell (an Excel
//! serial number with a date style, or an ODS date) becomes `YYYY-MM-DD`, a number its
//! shortest decimal. A formula saved without its computed value is a problem of its record,
//! never an empty cell. Records are located as `file[sheet]:row`.

use std::collections::BTreeMap;
use std::io::{BufRead, Cursor, Read, Seek};

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader, SheetType, SheetVisible, Sheets};

use super::csv::{CsvRecords, RawCell, SheetRow};
use super::input::{read_whole, InputError, Records};
use super::map::{CellKind, ColumnMap, SheetChoice};

/// The longest formula a problem quotes, in characters.
const FORMULA_SHOWN: usize = 100;

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
    let (sheet, cells) = match map.and_then(ColumnMap::sheet) {
        Some(choice) => {
            let names = book.sheet_names();
            let sheet = match choice {
                SheetChoice::Name(wanted) => names.iter().find(|n| *n == wanted),
                SheetChoice::Index(at) => at.checked_sub(1).and_then(|i| names.get(i)),
            }
            .cloned()
            .ok_or_else(|| InputError::NoSheet {
                file: name.to_string(),
                sheet: choice.to_string(),
                sheets: names.iter().map(|n| format!("`{n}`")).collect(),
            })?;
            let cells = SheetCells::read(&mut book, &sheet).map_err(unreadable)?;
            (sheet, cells)
        }
        None => unchosen_sheet(&mut book, name)?,
    };
    let mut rows = cells.rows();
    let mut header_line = 0;
    let mut headers: Vec<String> = Vec::new();
    for (line, cells) in rows.by_ref() {
        let texts: Vec<String> = cells.into_iter().map(header_text).collect();
        if let Some(last) = texts.iter().rposition(|t| !t.is_empty()) {
            header_line = line;
            headers = texts[..=last].to_vec();
            break;
        }
    }
    let body = rows
        .map(|(line, mut cells)| {
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

/// The sheet read when neither the map nor `--sheet` chooses one: the one visible sheet that
/// holds data. A hidden sheet is never read unless named; data on more than one sheet, hidden
/// or not, is `I010`, naming them. A workbook with no data at all reads its
/// first visible sheet (no records).
fn unchosen_sheet<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    file: &str,
) -> Result<(String, SheetCells), InputError> {
    let unreadable = |error: calamine::Error| InputError::BadWorkbook {
        file: file.to_string(),
        reason: lowercase_first(&error.to_string()),
    };
    // Chart sheets and VBA modules hold no cells.
    let sheets: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .filter(|s| !matches!(s.typ, SheetType::ChartSheet | SheetType::Vba))
        .map(|s| (s.name.clone(), !matches!(s.visible, SheetVisible::Visible)))
        .collect();
    let mut found: Option<(String, SheetCells)> = None;
    let mut holding: Vec<String> = Vec::new();
    for (sheet, _) in sheets.iter().filter(|(_, hidden)| !hidden) {
        let cells = SheetCells::read(book, sheet).map_err(unreadable)?;
        if cells.holds_data() {
            holding.push(format!("`{sheet}`"));
            if found.is_none() {
                found = Some((sheet.clone(), cells));
            }
        }
    }
    // Hidden sheets are looked at too: orders on a `veryHidden` sheet beside a visible one of
    // harmless orders were skipped without a word.
    let visible = holding.len();
    for (sheet, _) in sheets.iter().filter(|(_, hidden)| *hidden) {
        if SheetCells::read(book, sheet)
            .map_err(unreadable)?
            .holds_data()
        {
            holding.push(format!("`{sheet}` (hidden)"));
        }
    }
    if let (Some(found), 1) = (found, holding.len()) {
        return Ok(found);
    }
    if !holding.is_empty() {
        return Err(InputError::SheetNotChosen {
            file: file.to_string(),
            hidden_only: visible == 0,
            sheets: holding,
        });
    }
    let first = sheets
        .iter()
        .find(|(_, hidden)| !hidden)
        .map(|(sheet, _)| sheet.clone())
        .or_else(|| book.sheet_names().first().cloned())
        .ok_or_else(|| InputError::NoSheet {
            file: file.to_string(),
            sheet: SheetChoice::Index(1).to_string(),
            sheets: Vec::new(),
        })?;
    let cells = SheetCells::read(book, &first).map_err(unreadable)?;
    Ok((first, cells))
}

/// A sheet's cells, and the cells holding a formula saved without its computed value (by
/// absolute position, with the formula).
struct SheetCells {
    values: Range<Data>,
    uncalculated: BTreeMap<(u32, u32), String>,
}

impl SheetCells {
    fn read<RS: Read + Seek>(
        book: &mut Sheets<RS>,
        sheet: &str,
    ) -> Result<SheetCells, calamine::Error> {
        let values = book.worksheet_range(sheet)?;
        let formulas = book.worksheet_formula(sheet)?;
        // A formula cell without a value is left out of the values, or empty there; a formula
        // that computed an empty text has its value (an empty text), and is no problem.
        let uncalculated = match formulas.start() {
            None => BTreeMap::new(),
            Some((top, left)) => formulas
                .used_cells()
                .filter_map(|(row, col, formula)| {
                    let at = (top + row as u32, left + col as u32);
                    let computed = values
                        .get_value(at)
                        .is_some_and(|value| !matches!(value, Data::Empty));
                    (!computed && !formula.trim().is_empty()).then(|| (at, formula.clone()))
                })
                .collect(),
        };
        Ok(SheetCells {
            values,
            uncalculated,
        })
    }

    /// Whether any cell holds something: a value other than blank text, or a formula without
    /// a value.
    fn holds_data(&self) -> bool {
        !self.uncalculated.is_empty()
            || self.values.used_cells().any(|(_, _, value)| match value {
                Data::Empty => false,
                Data::String(text) => !text.trim().is_empty(),
                _ => true,
            })
    }

    /// The rows the values and the formulas without one span, each with its 1-based row
    /// number and its cells from the first column either spans.
    fn rows(&self) -> impl Iterator<Item = (usize, Vec<RawCell>)> + '_ {
        let corners = self
            .values
            .start()
            .zip(self.values.end())
            .into_iter()
            .chain(self.uncalculated.keys().map(|&at| (at, at)));
        let span = corners.reduce(|(start, end), (from, to)| {
            (
                (start.0.min(from.0), start.1.min(from.1)),
                (end.0.max(to.0), end.1.max(to.1)),
            )
        });
        span.into_iter()
            .flat_map(move |((top, left), (bottom, right))| {
                (top..=bottom).map(move |row| {
                    let cells = (left..=right).map(|col| self.cell((row, col))).collect();
                    (row as usize + 1, cells)
                })
            })
    }

    fn cell(&self, at: (u32, u32)) -> RawCell {
        match self.uncalculated.get(&at) {
            Some(formula) => RawCell::Unreadable(format!(
                "the cell {} holds the formula `{}` but no value: the workbook was saved without \
                 calculating it, so what the cell says is not known; recalculate and save it",
                cell_name(at),
                shortened(formula)
            )),
            None => self.values.get_value(at).map_or(RawCell::Empty, raw_cell),
        }
    }
}

/// A cell's name as a spreadsheet shows it (`M3`).
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut rest = u64::from(col) + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// A formula as quoted in a problem: its first characters, marked when cut.
fn shortened(formula: &str) -> String {
    let mut chars = formula.chars();
    let head: String = chars.by_ref().take(FORMULA_SHOWN).collect();
    if chars.next().is_some() {
        head + "…"
    } else {
        head
    }
}

/// A header cell as text (headers are names; a number or date header is written as such).
fn header_text(cell: RawCell) -> String {
    match cell {
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
