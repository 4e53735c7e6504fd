//! The CSV reader: one row per item, rows of one order contiguous and sharing
//! its `id`, headers that are order paths (or renamed to them by a map file).
//!
//! This module owns the CSV layout: checking every header against the schema
//! before any row is read (an unknown header is an input error, with a
//! did-you-mean), grouping rows into orders while streaming, checking that
//! order-level columns agree across an order's rows, building the nested
//! record from numbered paths (`consignees.1.city`), and pointing every
//! problem at its column and line. Values are normalised by `normalize.rs`.

use crate::diag::did_you_mean;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::OnceLock;

use serde_json::{Map as JsonMap, Value as Json};

use super::input::{ColumnMap, HeaderProblem, InputError};
use super::normalize::{codes, covers, error_record, normalize_order, record_problem};
use super::{FieldProblem, Order, Origin, Record, Shape};

/// One step of a column path: a member name or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Where a column's cells go: into the order, or into the row's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnPath {
    item: bool,
    steps: Vec<Step>,
}

impl ColumnPath {
    /// The path as normalisation problems name it (`consignees[1].city`),
    /// before numbered members are compacted.
    fn display(&self) -> String {
        let mut out = if self.item {
            "items[*]".to_string()
        } else {
            String::new()
        };
        for step in &self.steps {
            match step {
                Step::Key(key) if out.is_empty() => out.push_str(key),
                Step::Key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// True when `self` is a strict prefix of `other` (both cannot hold a value).
    fn is_prefix_of(&self, other: &ColumnPath) -> bool {
        self.item == other.item
            && self.steps.len() < other.steps.len()
            && other.steps.starts_with(&self.steps)
    }
}

/// Why a header is not a usable path, and what it might have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathIssue {
    pub(crate) reason: String,
    pub(crate) suggestion: Option<String>,
}

fn issue(reason: String, suggestion: Option<String>) -> PathIssue {
    PathIssue { reason, suggestion }
}

/// Checks a dotted column path against the schema: its first segment is an
/// order field or `item`, list members are numbered, `attributes` below any
/// object is open, and it ends at a value (a scalar or a list of scalars).
pub(crate) fn check_path(text: &str) -> Result<ColumnPath, PathIssue> {
    let segments: Vec<&str> = text.split('.').collect();
    if text.is_empty() || segments.iter().any(|s| s.is_empty()) {
        return Err(issue(
            "is not a path (empty segment)".into(),
            suggest_template(text),
        ));
    }
    if segments[0] == "items" {
        let rest: Vec<&str> = segments[1..]
            .iter()
            .skip_while(|s| s.parse::<usize>().is_ok())
            .copied()
            .collect();
        let suggestion = (!rest.is_empty()).then(|| format!("item.{}", rest.join(".")));
        return Err(issue(
            "is not a column path (item columns start with `item.`)".into(),
            suggestion,
        ));
    }
    let (item, mut shape, rest) = if segments[0] == "item" {
        (true, Shape::Item, &segments[1..])
    } else {
        (false, Shape::Order, &segments[..])
    };
    let mut steps = Vec::new();
    let mut open = false;
    for (i, segment) in rest.iter().enumerate() {
        if open {
            // Attribute names are free; every segment below is a key.
            steps.push(Step::Key(segment.to_string()));
            continue;
        }
        match shape {
            Shape::ListOf(inner) => match segment.parse::<usize>() {
                Ok(index) => {
                    steps.push(Step::Index(index));
                    shape = *inner;
                }
                Err(_) => {
                    let mut fixed: Vec<&str> = segments[..segments.len() - rest.len() + i].to_vec();
                    fixed.push("0");
                    fixed.extend(&rest[i..]);
                    return Err(issue(
                        "needs a list index (list members are numbered from 0)".into(),
                        check_path(&fixed.join(".")).ok().map(|_| fixed.join(".")),
                    ));
                }
            },
            Shape::Attributes => {
                steps.push(Step::Key(segment.to_string()));
                open = true;
            }
            _ if shape.is_object() => match shape.field(segment) {
                Some(field) => {
                    steps.push(Step::Key(segment.to_string()));
                    shape = field;
                }
                None => {
                    let mut names: Vec<&str> = shape.fields().iter().map(|(n, _)| *n).collect();
                    if shape == Shape::Order {
                        names.push("item");
                    }
                    let prefix = &segments[..segments.len() - rest.len() + i];
                    let fixed = did_you_mean(segment, names.iter().copied()).map(|name| {
                        let mut parts: Vec<&str> = prefix.to_vec();
                        parts.push(name);
                        parts.extend(&rest[i + 1..]);
                        parts.join(".")
                    });
                    let place = if prefix.is_empty() {
                        "an order field".to_string()
                    } else {
                        format!("a field of `{}`", prefix.join("."))
                    };
                    return Err(issue(
                        format!("is not a known path (`{segment}` is not {place})"),
                        fixed.or_else(|| suggest_template(text)),
                    ));
                }
            },
            _ => {
                let prefix = segments[..segments.len() - rest.len() + i].join(".");
                return Err(issue(
                    format!("is not a known path (`{prefix}` holds a value, not fields)"),
                    Some(prefix),
                ));
            }
        }
    }
    if !open {
        match shape {
            Shape::ListOf(inner) if inner.is_object() => {
                return Err(issue(
                    format!(
                        "names a list of {}, not a value (number its members)",
                        inner.name()
                    ),
                    None,
                ))
            }
            Shape::ListOf(_) => {}
            _ if shape.is_object() => {
                return Err(issue(
                    format!("names {} object, not a value", article(&shape.name())),
                    None,
                ))
            }
            _ => {}
        }
    }
    Ok(ColumnPath { item, steps })
}

fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// Every valid leaf path with lists numbered `0`, for whole-header suggestions.
fn templates() -> &'static [String] {
    static TEMPLATES: OnceLock<Vec<String>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut out = Vec::new();
        collect_templates(Shape::Order, "", &mut out);
        collect_templates(Shape::Item, "item", &mut out);
        out.retain(|t| !t.starts_with("items."));
        out
    })
}

fn collect_templates(shape: Shape, prefix: &str, out: &mut Vec<String>) {
    for (name, field) in shape.fields() {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match field {
            Shape::ListOf(inner) if inner.is_object() => {
                collect_templates(**inner, &format!("{path}.0"), out)
            }
            Shape::Attributes => {}
            _ if field.is_object() => collect_templates(*field, &path, out),
            _ => out.push(path),
        }
    }
}

/// A suggestion for a header that is not path-like at all: `buyer_country`
/// for `buyer.country`, `HS` for `item.hs`, or a near miss of a whole path.
fn suggest_template(header: &str) -> Option<String> {
    let wanted = header.trim().to_lowercase().replace(['_', ' ', '-'], ".");
    let all = templates();
    let by_last: Vec<&String> = all
        .iter()
        .filter(|t| t.rsplit('.').next() == Some(wanted.as_str()))
        .collect();
    if let [only] = by_last.as_slice() {
        return Some((*only).clone());
    }
    did_you_mean(&wanted, all.iter().map(String::as_str)).map(str::to_string)
}

/// One CSV column: its header and where its cells go (`None`: ignored).
#[derive(Debug, Clone)]
struct Column {
    header: String,
    target: Option<ColumnPath>,
}

/// Resolves every header through the map and the schema; all problems at once.
fn resolve_headers(
    headers: &[String],
    map: Option<&ColumnMap>,
) -> Result<Vec<Column>, Vec<HeaderProblem>> {
    let mut columns = Vec::with_capacity(headers.len());
    let mut problems = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let problem = |reason: String, suggestion: Option<String>| HeaderProblem {
            header: header.clone(),
            column: i + 1,
            reason,
            suggestion,
        };
        if map.is_some_and(|m| m.ignores(header)) {
            columns.push(Column {
                header: header.clone(),
                target: None,
            });
            continue;
        }
        let (text, mapped) = match map.and_then(|m| m.target(header)) {
            Some(target) => (target, true),
            None => (header.as_str(), false),
        };
        match check_path(text) {
            Ok(path) => columns.push(Column {
                header: header.clone(),
                target: Some(path),
            }),
            Err(found) if mapped => problems.push(problem(
                format!("is mapped to `{text}`, which {}", found.reason),
                found.suggestion,
            )),
            Err(found) => problems.push(problem(found.reason, found.suggestion)),
        }
    }
    // Two columns feeding one value, or a value and its members, cannot both hold.
    for (i, a) in columns.iter().enumerate() {
        let Some(pa) = &a.target else { continue };
        for b in &columns[..i] {
            let Some(pb) = &b.target else { continue };
            if pa == pb || pa.is_prefix_of(pb) || pb.is_prefix_of(pa) {
                problems.push(HeaderProblem {
                    header: a.header.clone(),
                    column: i + 1,
                    reason: format!(
                        "clashes with column `{}` (same or enclosing path)",
                        b.header
                    ),
                    suggestion: None,
                });
            }
        }
    }
    problems.sort_by_key(|p| p.column);
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// One data row: its line, trimmed non-empty cells by column, and problems
/// found while reading it.
struct Row {
    line: usize,
    cells: Vec<Option<String>>,
    problems: Vec<FieldProblem>,
}

/// Rows of one order being collected.
struct Group {
    id: Option<String>,
    rows: Vec<Row>,
    /// The line where this id's earlier rows started, when it reappears.
    reappears: Option<usize>,
}

/// Streams orders from a CSV input: rows are read one at a time and an order
/// is yielded when the next row has another id, so memory holds one order
/// (plus the set of ids seen, to catch rows that are not contiguous).
pub struct CsvRecords<R: Read> {
    reader: csv::Reader<R>,
    file: String,
    columns: Vec<Column>,
    id_column: Option<usize>,
    current: Option<Group>,
    /// A read failure, yielded after the order in progress.
    failure: Option<Record>,
    seen: HashMap<String, usize>,
    done: bool,
}

impl<R: Read> CsvRecords<R> {
    /// Reads the header row and checks every header; an unknown header (not
    /// an order path, not mapped, not ignored) is an input error listing them all.
    pub fn new(
        reader: R,
        file: impl Into<String>,
        map: Option<&ColumnMap>,
    ) -> Result<CsvRecords<R>, InputError> {
        let file = file.into();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(reader);
        let headers: Vec<String> = reader
            .byte_headers()
            .map_err(|error| InputError::Open {
                file: file.clone(),
                reason: format!("cannot read the header row: {error}"),
            })?
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let text = String::from_utf8_lossy(raw);
                let text = if i == 0 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    &text
                };
                text.trim().to_string()
            })
            .collect();
        let columns =
            resolve_headers(&headers, map).map_err(|headers| InputError::UnknownHeaders {
                file: file.clone(),
                headers,
            })?;
        let id_column = columns.iter().position(|c| {
            c.target
                .as_ref()
                .is_some_and(|t| !t.item && t.steps == [Step::Key("id".into())])
        });
        Ok(CsvRecords {
            reader,
            file,
            columns,
            id_column,
            current: None,
            failure: None,
            seen: HashMap::new(),
            done: false,
        })
    }

    /// The next non-empty row, `None` at the end; a read failure ends the input.
    fn read_row(&mut self) -> Option<Row> {
        let mut raw = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut raw) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(error) => {
                    let line = error.position().map_or(0, |p| p.line() as usize);
                    let problem = record_problem(
                        codes::UNREADABLE,
                        format!("cannot read the input after this point: {error}"),
                    );
                    let origin = Origin {
                        file: self.file.clone(),
                        line,
                    };
                    self.failure = Some(error_record(origin, None, vec![problem]));
                    return None;
                }
            }
            let line = raw.position().map_or(0, |p| p.line() as usize);
            let mut problems = Vec::new();
            if raw.len() != self.columns.len() {
                problems.push(FieldProblem {
                    code: codes::CSV_CELL,
                    path: String::new(),
                    column: None,
                    line: Some(line),
                    message: format!(
                        "the row has {} cells but the header has {}",
                        raw.len(),
                        self.columns.len()
                    ),
                });
            }
            let mut cells = Vec::with_capacity(self.columns.len());
            for (i, column) in self.columns.iter().enumerate() {
                let cell = raw.get(i).unwrap_or_default();
                match std::str::from_utf8(cell) {
                    Ok(text) if !text.trim().is_empty() => {
                        cells.push(Some(text.trim().to_string()))
                    }
                    Ok(_) => cells.push(None),
                    Err(_) => {
                        problems.push(FieldProblem {
                            code: codes::CSV_CELL,
                            path: column
                                .target
                                .as_ref()
                                .map(ColumnPath::display)
                                .unwrap_or_default(),
                            column: Some(column.header.clone()),
                            line: Some(line),
                            message: "the cell is not UTF-8 text".into(),
                        });
                        cells.push(None);
                    }
                }
            }
            if cells.iter().all(Option::is_none) && problems.is_empty() {
                // A row of empty cells carries nothing; like a blank line.
                continue;
            }
            return Some(Row {
                line,
                cells,
                problems,
            });
        }
    }

    fn start_group(&mut self, row: Row) -> Group {
        let id = self
            .id_column
            .and_then(|i| row.cells.get(i).cloned().flatten());
        let reappears = id.as_ref().and_then(|id| match self.seen.get(id) {
            Some(first) => Some(*first),
            None => {
                self.seen.insert(id.clone(), row.line);
                None
            }
        });
        Group {
            id,
            rows: vec![row],
            reappears,
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
        for row in &group.rows {
            problems.extend(row.problems.iter().cloned());
        }
        if let (Some(first), Some(id)) = (group.reappears, &group.id) {
            problems.push(record_problem(
                codes::NOT_CONTIGUOUS,
                format!(
                    "rows of order `{id}` resume after other orders (its first rows start on line {first})"
                ),
            ));
        }
        // Order-level cells: the first non-empty value, and every other
        // non-empty value must equal it.
        let mut root = Node::Map(Vec::new());
        let mut items = Vec::new();
        for (c, column) in self.columns.iter().enumerate() {
            let Some(target) = &column.target else {
                continue;
            };
            if target.item {
                continue;
            }
            let mut chosen: Option<(&str, usize)> = None;
            for row in &group.rows {
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
                            "column `{}` is `{first}` on line {first_row} but `{value}` on line {}",
                            column.header, row.line
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
        for row in &group.rows {
            let mut item = Node::Map(Vec::new());
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
                any = true;
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
        let mut cells = Vec::new();
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
        let result = normalize_order(&json);
        let normalize_problems = match &result {
            Ok(_) => Vec::new(),
            Err(found) => found.clone(),
        };
        for mut p in normalize_problems {
            if let Some((_, column, line)) = cells
                .iter()
                .filter(|(path, _, _)| covers(path, &p.path))
                .max_by_key(|(path, _, _)| path.len())
            {
                p.column = Some(column.clone());
                p.line = Some(*line);
            }
            problems.push(p);
        }
        // A problem on the record's first line needs no second mention.
        for p in &mut problems {
            if p.line == Some(first_line) {
                p.line = None;
            }
        }
        match result {
            Ok((id, root)) if problems.is_empty() => Record::Order(Order { id, origin, root }),
            _ => error_record(origin, group.id, problems),
        }
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
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
            let id = self
                .id_column
                .and_then(|i| row.cells.get(i).cloned().flatten());
            if let Some(group) = &mut self.current {
                if group.id.is_some() && group.id == id {
                    group.rows.push(row);
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

/// One cell on its way into the record tree.
struct Cell {
    text: String,
    column: String,
    line: usize,
}

/// The record being built from cells; numbered members are kept by number
/// and compacted (in order) when the tree becomes JSON, so gaps are allowed.
enum Node {
    Leaf(Cell),
    Map(Vec<(String, Node)>),
    List(BTreeMap<usize, Node>),
}

impl Node {
    fn insert(&mut self, steps: &[Step], cell: Cell) -> Result<(), FieldProblem> {
        let Some((step, rest)) = steps.split_first() else {
            return Err(clash(&cell));
        };
        let fresh = || match rest.first() {
            Some(Step::Index(_)) => Node::List(BTreeMap::new()),
            _ => Node::Map(Vec::new()),
        };
        let child = match (self, step) {
            (Node::Map(members), Step::Key(key)) => {
                let at = match members.iter().position(|(k, _)| k == key) {
                    Some(at) => at,
                    None => {
                        let node = if rest.is_empty() {
                            members.push((key.clone(), Node::Leaf(cell)));
                            return Ok(());
                        } else {
                            fresh()
                        };
                        members.push((key.clone(), node));
                        members.len() - 1
                    }
                };
                &mut members[at].1
            }
            (Node::List(members), Step::Index(index)) => {
                if rest.is_empty() {
                    if members.contains_key(index) {
                        return Err(clash(&cell));
                    }
                    members.insert(*index, Node::Leaf(cell));
                    return Ok(());
                }
                members.entry(*index).or_insert_with(fresh)
            }
            _ => return Err(clash(&cell)),
        };
        if rest.is_empty() {
            return Err(clash(&cell));
        }
        child.insert(rest, cell)
    }

    /// Converts to JSON, noting the final path, column and line of every cell.
    fn into_json(self, path: &str, cells: &mut Vec<(String, String, usize)>) -> Json {
        match self {
            Node::Leaf(cell) => {
                cells.push((path.to_string(), cell.column, cell.line));
                Json::String(cell.text)
            }
            Node::Map(members) => {
                let mut out = JsonMap::new();
                for (key, node) in members {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.insert(key, node.into_json(&child, cells));
                }
                Json::Object(out)
            }
            Node::List(members) => Json::Array(
                members
                    .into_values()
                    .enumerate()
                    .map(|(k, node)| node.into_json(&format!("{path}[{k}]"), cells))
                    .collect(),
            ),
        }
    }
}

fn clash(cell: &Cell) -> FieldProblem {
    FieldProblem {
        code: codes::CSV_CELL,
        path: String::new(),
        column: Some(cell.column.clone()),
        line: Some(cell.line),
        message: format!("column `{}` overlaps another column's value", cell.column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_paths() {
        assert!(check_path("buyer.country").is_ok());
        assert!(check_path("item.restrictions.0.destinations").is_ok());
        assert!(check_path("consignees.1.city").is_ok());
        assert!(check_path("attributes.anything.at.all").is_ok());
        assert!(check_path("buyer.attributes.x").is_ok());
        let typo = check_path("buyer.contry").err();
        assert_eq!(
            typo.and_then(|i| i.suggestion).as_deref(),
            Some("buyer.country")
        );
        let unnumbered = check_path("consignees.city").err();
        assert_eq!(
            unnumbered.and_then(|i| i.suggestion).as_deref(),
            Some("consignees.0.city")
        );
        assert!(check_path("buyer").is_err());
        assert!(check_path("buyer.country.x").is_err());
        assert_eq!(suggest_template("HS").as_deref(), Some("item.hs"));
        assert_eq!(
            suggest_template("buyer_country").as_deref(),
            Some("buyer.country")
        );
    }
}
