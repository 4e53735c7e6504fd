//! The CSV reader: one row per item, rows of one order contiguous and sharing
//! its `id`, headers that are order paths (or renamed to them by a map file).
//!
//! This module owns the CSV layout: reading one row per line (`line.rs`, so an
//! unbalanced quote spoils one row, not the rest of the file), checking every
//! header against the schema before any row is read (`headers.rs`; an unknown
//! header is an input error, with a did-you-mean), grouping rows into orders
//! while streaming, checking that order-level columns agree across an order's
//! rows, building the nested record from numbered paths (`tree.rs`), and
//! pointing every problem at its column and line. Values are normalised by
//! `normalize.rs`.

mod headers;
mod line;
mod tree;

pub(crate) use headers::check_path;
pub(crate) use headers::ColumnPath;

use std::collections::HashMap;
use std::io::BufRead;

use serde_json::Value as Json;

use super::input::{ColumnMap, InputError};
use super::limits::{read_line, size_text, Line, MAX_LINE_BYTES, MAX_LIST_MEMBERS};
use super::map::CellKind;
use super::normalize::{codes, error_record, normalize_order, quote, record_problem};
use super::{FieldProblem, Order, Origin, Record};
use headers::{add_map_fills, resolve_headers, Column, Fill};
use line::{LineParser, Parsed};
use tree::{Cell, CellIndex, Node};

/// A cell as read, before its column's value format.
pub(crate) enum RawCell {
    /// Nothing, or only spaces.
    Empty,
    /// Trimmed text, and what the cell held (CSV cells are all text).
    Value(String, CellKind),
    /// A cell that cannot be read, and why (lowercase).
    Unreadable(String),
}

/// One row of a workbook sheet, cells in column order.
pub(crate) struct SheetRow {
    /// 1-based row number in the sheet.
    pub(crate) line: usize,
    pub(crate) cells: Vec<RawCell>,
}

/// One data row: its line, its order id when it could be read, trimmed
/// non-empty cells by column, and problems found while reading it.
struct Row {
    line: usize,
    id: Option<String>,
    cells: Vec<Option<String>>,
    problems: Vec<FieldProblem>,
    /// The row could not be read at all (its cells are empty).
    broken: bool,
}

/// Rows of one order being collected.
struct Group {
    id: Option<String>,
    rows: Vec<Row>,
    /// The line where this id's earlier rows started, when it reappears.
    reappears: Option<usize>,
    /// Rows read past, not kept, once the order had [`MAX_LIST_MEMBERS`] rows.
    dropped: usize,
}

/// True for a line of spaces, line breaks and leading byte-order marks only: skipped, like an
/// empty row (a mark carries no data; `LineParser::parse` takes them off a row's start).
fn blank(line: &[u8]) -> bool {
    line::without_marks(line)
        .iter()
        .all(u8::is_ascii_whitespace)
}

/// Streams orders from a CSV input: rows are read one line at a time and an
/// order is yielded when the next row has another id, so memory holds one
/// order (plus the set of ids seen, to catch rows that are not contiguous).
pub struct CsvRecords<R> {
    reader: R,
    parser: LineParser,
    buf: Vec<u8>,
    /// The number of the last line read.
    line: usize,
    file: String,
    /// The header row as written (trimmed), to recognise it repeated below.
    headers: Vec<String>,
    columns: Vec<Column>,
    id_column: Option<usize>,
    current: Option<Group>,
    /// A read failure, yielded after the order in progress.
    failure: Option<Record>,
    seen: HashMap<String, usize>,
    done: bool,
    /// How many columns the file has; the map's joins and defaults come after them.
    width: usize,
    /// The rows of a workbook sheet, when the input is one (then `reader` is not read).
    sheet: Option<std::vec::IntoIter<SheetRow>>,
}

impl<R: BufRead> CsvRecords<R> {
    /// Reads the header row and checks every header; an unknown header (not
    /// an order path, not mapped, not ignored) is an input error listing them all.
    pub fn new(
        mut reader: R,
        file: impl Into<String>,
        map: Option<&ColumnMap>,
    ) -> Result<CsvRecords<R>, InputError> {
        let file = file.into();
        let mut parser = LineParser::new();
        let mut buf = Vec::new();
        let mut line = 0;
        let cannot_read = |reason: String| InputError::Open {
            file: file.clone(),
            reason: format!("cannot read the header row: {reason}"),
        };
        // The header is the first line that is not blank.
        let headers: Vec<String> = loop {
            match read_line(&mut reader, &mut buf, MAX_LINE_BYTES) {
                Err(error) => return Err(cannot_read(error.to_string())),
                Ok(Line::End) => break Vec::new(),
                Ok(Line::TooLong { bytes }) => {
                    return Err(InputError::TooLarge {
                        file: file.clone(),
                        message: format!(
                            "the header row is {bytes} bytes long, over the limit of {} per line",
                            size_text(MAX_LINE_BYTES as u64)
                        ),
                    })
                }
                Ok(Line::Whole) => {
                    line += 1;
                    if blank(&buf) {
                        continue;
                    }
                    if buf.contains(&0) {
                        return Err(InputError::NotText {
                            file: file.clone(),
                            reason:
                                "its header row holds NUL bytes (UTF-16 text, or not text at all)"
                                    .into(),
                        });
                    }
                    parser = LineParser::with_delimiter(line::delimiter_of(&buf));
                    if let Parsed::Unclosed { cell } = parser.parse(&buf) {
                        return Err(cannot_read(format!(
                            "a quote opened in column {} is never closed",
                            cell + 1
                        )));
                    }
                    break parser
                        .cells()
                        .map(|raw| {
                            String::from_utf8_lossy(raw)
                                .trim_start_matches('\u{feff}')
                                .trim()
                                .to_string()
                        })
                        .collect();
                }
            }
        };
        CsvRecords::assemble(reader, parser, buf, line, file, headers, map, None)
    }

    /// Checks the headers, adds the map's joins and defaults, and starts reading.
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        reader: R,
        parser: LineParser,
        buf: Vec<u8>,
        line: usize,
        file: String,
        headers: Vec<String>,
        map: Option<&ColumnMap>,
        sheet: Option<Vec<SheetRow>>,
    ) -> Result<CsvRecords<R>, InputError> {
        let mut columns =
            resolve_headers(&headers, map).map_err(|headers| InputError::UnknownHeaders {
                file: file.clone(),
                headers,
            })?;
        let width = columns.len();
        if let Some(map) = map {
            let missing = add_map_fills(&mut columns, map);
            if !missing.is_empty() {
                return Err(InputError::MissingColumns {
                    file,
                    columns: missing,
                });
            }
        }
        let id_column = columns
            .iter()
            .position(|c| c.target.as_ref().is_some_and(ColumnPath::is_id));
        Ok(CsvRecords {
            reader,
            parser,
            buf,
            line,
            file,
            headers,
            columns,
            id_column,
            current: None,
            failure: None,
            seen: HashMap::new(),
            done: false,
            width,
            sheet: sheet.map(Vec::into_iter),
        })
    }

    /// The header of a 0-based column, for messages.
    fn header(&self, column: usize) -> String {
        self.columns
            .get(column)
            .map_or_else(|| (column + 1).to_string(), |c| c.header.clone())
    }

    /// The order id among the first `readable` cells of the last parsed line.
    fn id_among(&self, readable: usize) -> Option<String> {
        let at = self.id_column.filter(|at| *at < readable)?;
        let raw = self.parser.cells().nth(at)?;
        let text = std::str::from_utf8(raw).ok()?.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// A row that could not be read: no cells, one problem, the id if it was readable.
    fn broken_row(&self, id: Option<String>, problem: FieldProblem) -> Row {
        Row {
            line: self.line,
            id,
            cells: vec![None; self.columns.len()],
            problems: vec![problem],
            broken: true,
        }
    }

    /// True when the last parsed line repeats the header row.
    fn repeats_header(&self) -> bool {
        let mut cells = self.parser.cells();
        let mut headers = self.headers.iter();
        loop {
            match (cells.next(), headers.next()) {
                (None, None) => return true,
                (Some(cell), Some(header)) => {
                    let text = String::from_utf8_lossy(cell);
                    if text.trim_start_matches('\u{feff}').trim() != header {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// The next non-empty row, `None` at the end; a read failure ends the input.
    fn read_row(&mut self) -> Option<Row> {
        if self.sheet.is_some() {
            return self.read_sheet_row();
        }
        loop {
            match read_line(&mut self.reader, &mut self.buf, MAX_LINE_BYTES) {
                Ok(Line::End) => return None,
                Err(error) => {
                    let problem = record_problem(
                        codes::UNREADABLE,
                        format!("cannot read the input after this point: {error}"),
                    );
                    let origin = Origin {
                        file: self.file.clone(),
                        line: self.line + 1,
                    };
                    self.failure = Some(error_record(origin, None, vec![problem]));
                    return None;
                }
                Ok(Line::TooLong { bytes }) => {
                    self.line += 1;
                    // The id is read from the part kept, so the row still spoils its
                    // order instead of the order being judged without it.
                    let readable = match self.parser.parse(&self.buf) {
                        Parsed::Whole => self.parser.cells().count().saturating_sub(1),
                        Parsed::Unclosed { cell } => cell,
                    };
                    let problem = row_problem(
                        codes::LIMIT,
                        self.line,
                        format!(
                            "line {} is {bytes} bytes long, over the limit of {} per row, so it was not read",
                            self.line,
                            size_text(MAX_LINE_BYTES as u64)
                        ),
                    );
                    return Some(self.broken_row(self.id_among(readable), problem));
                }
                Ok(Line::Whole) => {
                    self.line += 1;
                    if blank(&self.buf) {
                        continue;
                    }
                    if let Parsed::Unclosed { cell } = self.parser.parse(&self.buf) {
                        let mut problem = row_problem(
                            codes::CSV_CELL,
                            self.line,
                            format!(
                                "a quote opened in column `{}` is never closed on line {}, so the row cannot be read",
                                quote(&self.header(cell)),
                                self.line
                            ),
                        );
                        problem.column = Some(self.header(cell));
                        return Some(self.broken_row(self.id_among(cell), problem));
                    }
                    if self.repeats_header() {
                        let problem = row_problem(
                            codes::CSV_CELL,
                            self.line,
                            format!(
                                "line {} repeats the header row (were two exports joined?)",
                                self.line
                            ),
                        );
                        return Some(self.broken_row(None, problem));
                    }
                    if let Some(row) = self.row_of_cells() {
                        return Some(row);
                    }
                }
            }
        }
    }

    /// The next non-empty row of a workbook sheet.
    fn read_sheet_row(&mut self) -> Option<Row> {
        loop {
            let row = self.sheet.as_mut()?.next()?;
            self.line = row.line;
            let repeats = row.cells.len() >= self.headers.len()
                && row.cells.iter().enumerate().all(|(i, cell)| match cell {
                    RawCell::Value(text, _) => self.headers.get(i) == Some(text),
                    _ => self.headers.get(i).is_none_or(String::is_empty),
                });
            if repeats {
                let problem = row_problem(
                    codes::CSV_CELL,
                    row.line,
                    format!(
                        "row {} repeats the header row (were two exports joined?)",
                        row.line
                    ),
                );
                return Some(self.broken_row(None, problem));
            }
            let width = row.cells.len();
            if let Some(row) = self.row_from(row.line, width, row.cells) {
                return Some(row);
            }
        }
    }

    /// The row of the last parsed line; `None` for a row of empty cells, which
    /// carries nothing (like a blank line).
    fn row_of_cells(&self) -> Option<Row> {
        let raw: Vec<RawCell> = self
            .parser
            .cells()
            .map(|cell| match std::str::from_utf8(cell) {
                Ok(text) if !text.trim().is_empty() => {
                    RawCell::Value(text.trim().to_string(), CellKind::Text)
                }
                Ok(_) => RawCell::Empty,
                Err(_) => RawCell::Unreadable("the cell is not UTF-8 text".into()),
            })
            .collect();
        self.row_from(self.line, raw.len(), raw)
    }

    /// A row of `width` cells read on `line`: each cell through its column's value format,
    /// then the map's joins and defaults. `None` for a row of empty cells.
    fn row_from(&self, line: usize, width: usize, raw: Vec<RawCell>) -> Option<Row> {
        let mut problems = Vec::new();
        if width != self.width {
            problems.push(row_problem(
                codes::CSV_CELL,
                line,
                format!(
                    "the row has {width} cells but the header has {}",
                    self.width
                ),
            ));
        }
        let mut cells = Vec::with_capacity(self.columns.len());
        let mut raw = raw.into_iter();
        for column in self.columns.iter().take(self.width) {
            let path = || {
                column
                    .target
                    .as_ref()
                    .map(ColumnPath::display)
                    .unwrap_or_default()
            };
            let (text, kind) = match raw.next().unwrap_or(RawCell::Empty) {
                RawCell::Empty => {
                    cells.push(None);
                    continue;
                }
                RawCell::Unreadable(message) => {
                    problems.push(FieldProblem {
                        code: codes::CSV_CELL,
                        path: path(),
                        column: Some(column.header.clone()),
                        line: Some(line),
                        message,
                    });
                    cells.push(None);
                    continue;
                }
                RawCell::Value(text, kind) => (text, kind),
            };
            match column.format.as_ref().map(|f| f.convert(&text, kind)) {
                None => cells.push(Some(text)),
                Some(Ok(converted)) => cells.push(Some(converted)),
                Some(Err(misfit)) => {
                    // The cell is kept out, and the record is an error: never blank, never guessed.
                    problems.push(FieldProblem {
                        code: misfit.code,
                        path: path(),
                        column: Some(column.header.clone()),
                        line: Some(line),
                        message: misfit.message,
                    });
                    cells.push(None);
                }
            }
        }
        if cells.iter().all(Option::is_none) && problems.is_empty() {
            return None;
        }
        for column in self.columns.iter().skip(self.width) {
            cells.push(match &column.fill {
                Fill::Cell => None,
                Fill::Join { sources, separator } => {
                    let parts: Vec<&str> = sources
                        .iter()
                        .filter_map(|at| cells.get(*at).and_then(|c| c.as_deref()))
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(separator))
                }
                Fill::Constant(text) => Some(text.clone()),
            });
        }
        let id = self.id_column.and_then(|i| cells.get(i).cloned().flatten());
        Some(Row {
            line,
            id,
            cells,
            problems,
            broken: false,
        })
    }

    fn start_group(&mut self, row: Row) -> Group {
        let reappears = row.id.as_ref().and_then(|id| match self.seen.get(id) {
            Some(first) => Some(*first),
            None => {
                self.seen.insert(id.clone(), row.line);
                None
            }
        });
        Group {
            id: row.id.clone(),
            rows: vec![row],
            reappears,
            dropped: 0,
        }
    }

    /// Builds the record of a complete group of rows.
    fn finish(&self, group: Group) -> Record {
        let first_line = group.rows.first().map_or(0, |r| r.line);
        let origin = Origin {
            file: self.file.clone(),
            line: first_line,
        };
        let mut problems: Vec<FieldProblem> = Vec::new();
        if group.dropped > 0 {
            problems.push(record_problem(
                codes::LIMIT,
                format!(
                    "the order has {} rows, over the limit of {MAX_LIST_MEMBERS} rows per order, so it was not read",
                    group.rows.len() + group.dropped
                ),
            ));
        }
        if let (Some(first), Some(id)) = (group.reappears, &group.id) {
            problems.push(record_problem(
                codes::NOT_CONTIGUOUS,
                format!(
                    "rows of order `{}` resume after other orders (its first rows start on line {first})",
                    quote(id)
                ),
            ));
        }
        if group.dropped > 0 {
            return error_record(origin, group.id, problems);
        }
        for row in &group.rows {
            problems.extend(row.problems.iter().cloned());
        }
        if group.rows.iter().all(|row| row.broken) {
            // Nothing was read, so there is nothing to normalise: only the reasons.
            return error_record(origin, group.id, without_first_line(problems, first_line));
        }
        let (json, cells) = self.build(&group.rows, &mut problems);
        let result = normalize_order(&json);
        let normalize_problems = match &result {
            Ok(_) => Vec::new(),
            Err(found) => found.clone(),
        };
        // A cell refused by its column's format was kept out; that its field is then missing
        // says nothing new.
        let refused: Vec<&str> = problems
            .iter()
            .filter(|p| p.column.is_some() && !p.path.is_empty())
            .map(|p| p.path.as_str())
            .collect();
        let refused: std::collections::HashSet<String> =
            refused.into_iter().map(str::to_string).collect();
        for mut p in normalize_problems {
            if p.code == codes::MISSING && refused.contains(&any_item(&p.path)) {
                continue;
            }
            if let Some((column, line)) = cells.find(&p.path) {
                p.column = Some(column.clone());
                p.line = Some(*line);
            }
            problems.push(p);
        }
        let problems = without_first_line(problems, first_line);
        match result {
            Ok((id, root)) if problems.is_empty() => Record::Order(Order { id, origin, root }),
            _ => error_record(origin, group.id, problems),
        }
    }

    /// The raw record of an order's rows: order-level cells once (every
    /// non-empty value must equal the first), one item per row with item cells.
    fn build(&self, rows: &[Row], problems: &mut Vec<FieldProblem>) -> (Json, CellIndex) {
        let mut root = Node::map();
        let mut items = Vec::new();
        for (c, column) in self.columns.iter().enumerate() {
            let Some(target) = &column.target else {
                continue;
            };
            if target.item {
                continue;
            }
            let mut chosen: Option<(&str, usize)> = None;
            for row in rows {
                let Some(Some(value)) = row.cells.get(c) else {
                    continue;
                };
                match chosen {
                    None => chosen = Some((value, row.line)),
                    Some((first, first_row)) if first != value => problems.push(FieldProblem {
                        code: codes::ROWS_DISAGREE,
                        path: target.display(),
                        column: Some(column.header.clone()),
                        line: Some(row.line),
                        message: format!(
                            "column `{}` is `{}` on line {first_row} but `{}` on line {}",
                            column.header,
                            quote(first),
                            quote(value),
                            row.line
                        ),
                    }),
                    Some(_) => {}
                }
            }
            if let Some((value, line)) = chosen {
                let cell = Cell {
                    text: value.to_string(),
                    column: column.header.clone(),
                    line,
                };
                if let Err(p) = root.insert(&target.steps, cell) {
                    problems.push(p);
                }
            }
        }
        for row in rows {
            let mut item = Node::map();
            let mut any = false;
            for (c, column) in self.columns.iter().enumerate() {
                let Some(target) = &column.target else {
                    continue;
                };
                let Some(Some(value)) = row.cells.get(c) else {
                    continue;
                };
                if !target.item {
                    continue;
                }
                // A default alone does not make an item of a row.
                any |= !matches!(column.fill, Fill::Constant(_));
                let cell = Cell {
                    text: value.clone(),
                    column: column.header.clone(),
                    line: row.line,
                };
                if let Err(p) = item.insert(&target.steps, cell) {
                    problems.push(p);
                }
            }
            // A row with no item cells adds no item (an order may then have none).
            if any {
                items.push(item);
            }
        }
        let mut cells = CellIndex::default();
        let mut json = root.into_json("", &mut cells);
        if !items.is_empty() {
            let list = items
                .into_iter()
                .enumerate()
                .map(|(k, item)| item.into_json(&format!("items[{k}]"), &mut cells))
                .collect();
            if let Json::Object(members) = &mut json {
                members.insert("items".into(), Json::Array(list));
            }
        }
        (json, cells)
    }
}

impl CsvRecords<std::io::Empty> {
    /// The records of a workbook sheet's rows, its headers read from `header_line`.
    pub(crate) fn from_sheet(
        file: String,
        header_line: usize,
        headers: Vec<String>,
        rows: Vec<SheetRow>,
        map: Option<&ColumnMap>,
    ) -> Result<Self, InputError> {
        CsvRecords::assemble(
            std::io::empty(),
            LineParser::new(),
            Vec::new(),
            header_line,
            file,
            headers,
            map,
            Some(rows),
        )
    }
}

/// A normalised path with its item's place written as a column path writes it
/// (`items[2].value` → `items[*].value`).
fn any_item(path: &str) -> String {
    match path
        .strip_prefix("items[")
        .and_then(|rest| rest.split_once(']'))
    {
        Some((index, rest)) if index.bytes().all(|b| b.is_ascii_digit()) => {
            format!("items[*]{rest}")
        }
        _ => path.to_string(),
    }
}

/// A problem on the record's first line needs no second mention.
fn without_first_line(mut problems: Vec<FieldProblem>, first_line: usize) -> Vec<FieldProblem> {
    for p in &mut problems {
        if p.line == Some(first_line) {
            p.line = None;
        }
    }
    problems
}

/// A problem of one row as a whole, located on its line.
fn row_problem(code: &'static str, line: usize, message: String) -> FieldProblem {
    FieldProblem {
        code,
        path: String::new(),
        column: None,
        line: Some(line),
        message,
    }
}

impl<R: BufRead> Iterator for CsvRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if self.done {
                if let Some(group) = self.current.take() {
                    return Some(self.finish(group));
                }
                return self.failure.take();
            }
            let Some(row) = self.read_row() else {
                self.done = true;
                continue;
            };
            if let Some(group) = &mut self.current {
                if group.id.is_some() && group.id == row.id {
                    // Past the bound, rows are counted but not kept.
                    if group.rows.len() >= MAX_LIST_MEMBERS {
                        group.dropped += 1;
                    } else {
                        group.rows.push(row);
                    }
                    continue;
                }
            }
            let next = self.start_group(row);
            if let Some(done) = self.current.replace(next) {
                return Some(self.finish(done));
            }
        }
    }
}
