//! The map file (`--map`): how an ERP export's columns become order paths. It renames headers,
//! drops headers on purpose, says how each column writes its values (date pattern, number
//! separators, country names, currency symbols), fills absent columns with constants, joins
//! several columns into one field, and picks a workbook's sheet. Every problem of a map file
//! is found at load time and reported at once, each with its own `M0xx` code, a span and a
//! help line, under the input error `I003`; see docs/orders.md.

mod entry;
mod formats;

pub(crate) use formats::CellKind;
pub use formats::ValueFormat;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

use super::csv::{check_path, ColumnPath};
use super::input::InputError;
use super::Shape;
use crate::diag::{did_you_mean, Diagnostic, SourceFile};
use entry::read_format;
use formats::iso_currency;

/// The stable codes of map-file problems.
pub mod codes {
    /// The file is not TOML.
    pub const SYNTAX: &str = "M001";
    /// A key the map file does not have.
    pub const UNKNOWN_KEY: &str = "M002";
    /// A value of the wrong type.
    pub const WRONG_TYPE: &str = "M003";
    /// A target that is not an order path.
    pub const BAD_TARGET: &str = "M004";
    /// A header mapped twice.
    pub const MAPPED_TWICE: &str = "M005";
    /// A header both mapped and ignored.
    pub const MAPPED_AND_IGNORED: &str = "M006";
    /// Two columns (or joins) fill one path, or a path and one of its members.
    pub const CLASH: &str = "M007";
    /// A date format that cannot be used.
    pub const DATE_FORMAT: &str = "M008";
    /// A number format that cannot be used.
    pub const NUMBER_FORMAT: &str = "M009";
    /// A value format that does not fit the target's type, or two formats on one column.
    pub const FORMAT_MISFIT: &str = "M010";
    /// A currency symbol choice that cannot be used.
    pub const SYMBOL: &str = "M011";
    /// A default value that cannot be used.
    pub const DEFAULT: &str = "M012";
    /// A join that cannot be used.
    pub const JOIN: &str = "M013";
    /// A sheet choice that cannot be used.
    pub const SHEET: &str = "M014";
    /// A `names` entry that reads a country's own code or name as another country.
    pub const NAME_REMAPPED: &str = "M015";
    /// An encoding that is not known.
    pub const ENCODING: &str = "M016";
}

/// Several columns joined into one text field, non-empty cells in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The order path filled.
    pub target: String,
    /// The headers joined, in order.
    pub columns: Vec<String>,
    /// Put between two non-empty cells.
    pub separator: String,
}

/// Which sheet of a workbook holds the orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetChoice {
    /// By its name, exactly.
    Name(String),
    /// By its place, 1 for the first sheet.
    Index(usize),
}

impl std::fmt::Display for SheetChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SheetChoice::Name(name) => write!(f, "`{name}`"),
            SheetChoice::Index(index) => write!(f, "number {index}"),
        }
    }
}

impl SheetChoice {
    /// Reads `--sheet`: a number is a place (from 1), anything else a name.
    pub fn parse(text: &str) -> SheetChoice {
        match text.parse::<usize>() {
            Ok(index) if index >= 1 => SheetChoice::Index(index),
            _ => SheetChoice::Name(text.to_string()),
        }
    }
}

/// Renames ERP headers to order paths, with each column's value format, defaults, joins and
/// the sheet of a workbook.
///
/// ```toml
/// ignore = ["MANDT", "ERNAM"]
/// sheet = "Orders"
///
/// [columns]
/// VBELN = "id"
/// AUDAT = { path = "date", date = "%d.%m.%Y" }
/// NETWR = { path = "item.value", decimal = ",", thousands = "." }
/// LAND1 = { path = "buyer.country", country = "name" }
/// WAERK = { path = "item.currency", currency = "symbol", symbols = { "$" = "USD" } }
///
/// [defaults]
/// "seller.country" = "DE"
///
/// [join."buyer.address"]
/// columns = ["STRAS", "PSTLZ"]
/// separator = ", "
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    columns: Vec<(String, String)>,
    ignore: Vec<String>,
    /// Header to its place in `columns`, so an export of many columns is resolved in
    /// linear time.
    target_of: HashMap<String, usize>,
    ignored: HashSet<String>,
    formats: HashMap<String, ValueFormat>,
    defaults: Vec<(String, String)>,
    joins: Vec<Join>,
    sheet: Option<SheetChoice>,
    encoding: Option<&'static encoding_rs::Encoding>,
}

const TOP_KEYS: &[&str] = &["columns", "ignore", "defaults", "join", "sheet", "encoding"];
const COLUMN_KEYS: &[&str] = &[
    "path",
    "date",
    "decimal",
    "thousands",
    "country",
    "names",
    "currency",
    "symbols",
];
const JOIN_KEYS: &[&str] = &["columns", "separator"];

/// Collects the problems of one map file.
struct Check<'t> {
    text: &'t str,
    file: SourceFile,
    problems: Vec<Diagnostic>,
    /// Texts found in turn before the one a problem points at (`[columns]`, then the
    /// header), so a label lands in the entry at fault rather than on an earlier mention.
    scope: Vec<String>,
}

impl Check<'_> {
    /// Records a problem at the first place `needle` appears (the whole file if nowhere).
    fn at(&mut self, code: &'static str, needle: &str, message: String, help: &str) {
        let mut problem = Diagnostic::error(code, message).with_help(help.to_string());
        problem = match find_in_scope(self.text, &self.scope, needle) {
            Some(span) => problem.at(&self.file, span, "here"),
            None => problem.in_file(&self.file),
        };
        self.problems.push(problem);
    }

    fn unknown_key(&mut self, key: &str, known: &[&str], table: &str) {
        let hint = did_you_mean(key, known.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.at(
            codes::UNKNOWN_KEY,
            key,
            format!("unknown key `{key}` in {table}{hint}"),
            &format!("{table} has the keys {}", list(known)),
        );
    }

    /// A target path, checked against the schema.
    fn target(&mut self, owner: &str, target: &str) -> Option<ColumnPath> {
        match check_path(target) {
            Ok(path) => Some(path),
            Err(found) => {
                let hint = found
                    .suggestion
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.at(
                    codes::BAD_TARGET,
                    target,
                    format!("`{owner}` maps to `{target}`, which {}{hint}", found.reason),
                    "targets are order paths: `buyer.country`, `consignees.0.name`, `item.value`; docs/order-fields.md lists them",
                );
                None
            }
        }
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The type of the value at a column path (`item.` paths are items' members).
pub(crate) fn target_shape(target: &str) -> Option<Shape> {
    let mut segments = target.split('.');
    let mut shape = match segments.next()? {
        "item" => Shape::Item,
        first => Shape::Order.field(first)?,
    };
    for segment in segments {
        shape = match shape {
            Shape::ListOf(inner) if segment.parse::<usize>().is_ok() => *inner,
            Shape::Attributes | Shape::Any => Shape::Any,
            _ => shape.field(segment)?,
        };
    }
    Some(shape)
}

/// A scalar as the text a cell would hold, for defaults.
fn scalar_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

impl ColumnMap {
    /// Parses and checks a map file; every problem is reported at once (`I003`, each problem
    /// with its `M0xx` code).
    pub fn from_toml(text: &str, file_name: &str) -> Result<ColumnMap, InputError> {
        let mut check = Check {
            text,
            file: SourceFile::new(file_name, text),
            problems: Vec::new(),
            scope: Vec::new(),
        };
        let map = match toml::from_str::<toml::Table>(text) {
            Ok(table) => ColumnMap::read(&table, &mut check),
            Err(error) => {
                let message = error.message().trim().trim_end_matches('.').to_string();
                let mut problem = Diagnostic::error(codes::SYNTAX, lowercase_first(&message))
                    .with_help("a map file is TOML: docs/orders.md shows one".to_string());
                problem = match error.span() {
                    Some(span) => problem.at(&check.file, span, "here"),
                    None => problem.in_file(&check.file),
                };
                check.problems.push(problem);
                ColumnMap::default()
            }
        };
        if check.problems.is_empty() {
            return Ok(map);
        }
        let first = &check.problems[0];
        let more = match check.problems.len() {
            1 => String::new(),
            n => format!(" (and {} more problem(s))", n - 1),
        };
        Err(InputError::BadMap {
            file: file_name.to_string(),
            message: format!("{}: {}{more}", first.code(), first.message()),
            source_code: Arc::new(NamedSource::new(file_name, text.to_string())),
            span: first.span().map(SourceSpan::from),
            problems: check.problems,
        })
    }

    fn read(table: &toml::Table, check: &mut Check) -> ColumnMap {
        let mut map = ColumnMap::default();
        for (key, value) in table {
            match (key.as_str(), value) {
                ("columns", toml::Value::Table(columns)) => {
                    for (header, entry) in columns {
                        check.scope = vec!["[columns]".into(), header.clone()];
                        map.read_column(header, entry, check);
                    }
                    check.scope.clear();
                }
                ("ignore", toml::Value::Array(headers)) => {
                    for header in headers {
                        let toml::Value::String(header) = header else {
                            check.at(
                                codes::WRONG_TYPE,
                                "ignore",
                                "`ignore` must be a list of header strings".into(),
                                "ignore = [\"MANDT\", \"ERNAM\"]",
                            );
                            continue;
                        };
                        let trimmed = header.trim().to_string();
                        if map.ignored.insert(trimmed.clone()) {
                            map.ignore.push(trimmed);
                        }
                    }
                }
                ("defaults", toml::Value::Table(defaults)) => {
                    for (target, value) in defaults {
                        check.scope = vec!["[defaults]".into(), target.clone()];
                        map.read_default(target, value, check);
                    }
                    check.scope.clear();
                }
                ("join", toml::Value::Table(joins)) => {
                    for (target, entry) in joins {
                        check.scope = vec!["[join".into(), target.clone()];
                        map.read_join(target, entry, check);
                    }
                    check.scope.clear();
                }
                ("sheet", toml::Value::String(name)) if !name.is_empty() => {
                    map.sheet = Some(SheetChoice::Name(name.clone()));
                }
                ("sheet", toml::Value::Integer(index)) if *index >= 1 => {
                    map.sheet = usize::try_from(*index).ok().map(SheetChoice::Index);
                }
                ("encoding", toml::Value::String(label)) if encoding_named(label).is_some() => {
                    map.encoding = encoding_named(label);
                }
                ("encoding", _) => check.at(
                    codes::ENCODING,
                    "encoding",
                    "`encoding` must name a text encoding (a WHATWG label)".into(),
                    "encoding = \"windows-1251\" (also windows-1252, utf-16le, gbk, shift_jis, koi8-r, iso-8859-2)",
                ),
                ("sheet", _) => check.at(
                    codes::SHEET,
                    "sheet",
                    "`sheet` must be a sheet's name or its place (1 for the first sheet)".into(),
                    "sheet = \"Orders\" or sheet = 2",
                ),
                (key @ ("columns" | "defaults" | "join"), _) => check.at(
                    codes::WRONG_TYPE,
                    key,
                    format!("`{key}` must be a table"),
                    "write it as a `[table]` section",
                ),
                ("ignore", _) => check.at(
                    codes::WRONG_TYPE,
                    "ignore",
                    "`ignore` must be a list of header strings".into(),
                    "ignore = [\"MANDT\", \"ERNAM\"]",
                ),
                (other, _) => check.unknown_key(other, TOP_KEYS, "a map file"),
            }
        }
        for (header, _) in &map.columns {
            if map.ignored.contains(header) {
                check.at(
                    codes::MAPPED_AND_IGNORED,
                    header,
                    format!("`{header}` is both mapped and ignored"),
                    "keep the header in `[columns]` or in `ignore`, not both",
                );
            }
        }
        for join in &map.joins {
            for header in &join.columns {
                if map.ignored.contains(header) {
                    check.at(
                        codes::JOIN,
                        header,
                        format!("`{header}` is joined into `{}` and ignored", join.target),
                        "a joined column is read; take it out of `ignore`",
                    );
                }
            }
        }
        if let Some((a, b, target)) = map.clashing_targets() {
            check.at(
                codes::CLASH,
                &b,
                format!("`{a}` and `{b}` both fill `{target}`: which column holds the value cannot be told"),
                "map one column to each path; to combine columns use `[join]`",
            );
        }
        map
    }

    fn read_column(&mut self, header: &str, entry: &toml::Value, check: &mut Check) {
        let (target, format) = match entry {
            toml::Value::String(target) => (target.clone(), None),
            toml::Value::Table(spec) => {
                let Some(target) = spec.get("path").and_then(toml::Value::as_str) else {
                    check.at(
                        codes::WRONG_TYPE,
                        header,
                        format!("the entry of `{header}` needs a `path` string"),
                        "HEADER = { path = \"buyer.country\", country = \"name\" }",
                    );
                    return;
                };
                for key in spec.keys() {
                    if !COLUMN_KEYS.contains(&key.as_str()) {
                        check.unknown_key(key, COLUMN_KEYS, "a column entry");
                    }
                }
                (target.to_string(), read_format(header, target, spec, check))
            }
            _ => {
                check.at(
                    codes::WRONG_TYPE,
                    header,
                    format!("the target of `{header}` must be a string path or a table"),
                    "HEADER = \"buyer.name\" or HEADER = { path = \"date\", date = \"%d/%m/%Y\" }",
                );
                return;
            }
        };
        if check.target(header, &target).is_none() {
            return;
        }
        let trimmed = header.trim().to_string();
        if let Some(&at) = self.target_of.get(&trimmed) {
            let first = &self.columns[at].0;
            check.at(
                codes::MAPPED_TWICE,
                header,
                format!("`{header}` is mapped twice (as `{first}` too): header names match after trimming"),
                "keep one entry per header",
            );
            return;
        }
        if let Some(format) = format {
            self.formats.insert(trimmed.clone(), format);
        }
        self.target_of.insert(trimmed.clone(), self.columns.len());
        self.columns.push((trimmed, target));
    }

    fn read_default(&mut self, target: &str, value: &toml::Value, check: &mut Check) {
        if check.target("defaults", target).is_none() {
            return;
        }
        let help = "a default is a constant for a column the export lacks, written as the record holds it: `\"DE\"`, `\"EUR\"`, `\"2025-02-05\"`, `\"1000.00\"`, `true`";
        let Some(text) = scalar_text(value) else {
            check.at(
                codes::DEFAULT,
                target,
                format!("the default of `{target}` must be a string, a whole number or a boolean (decimals as strings)"),
                help,
            );
            return;
        };
        if target == "id" {
            check.at(
                codes::DEFAULT,
                target,
                "`id` cannot have a default: every order would share it".into(),
                "map the export's order-number column to `id`",
            );
            return;
        }
        let fits = match target_shape(target) {
            Some(Shape::Country) => {
                super::country_names::country_of_name(&text).is_ok_and(|_| text.trim().len() <= 3)
            }
            Some(Shape::Currency) => iso_currency(&text).is_some(),
            Some(Shape::Date) => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
            Some(Shape::Number | Shape::Money) => {
                text.parse::<rust_decimal::Decimal>().is_ok()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            }
            Some(Shape::Bool) => matches!(text.as_str(), "true" | "false"),
            _ => !text.trim().is_empty(),
        };
        if !fits {
            let shape = target_shape(target).map(Shape::name).unwrap_or_default();
            check.at(
                codes::DEFAULT,
                target,
                format!("the default `{text}` of `{target}` is not a {shape} as records hold it"),
                help,
            );
            return;
        }
        self.defaults.push((target.to_string(), text));
    }

    fn read_join(&mut self, target: &str, entry: &toml::Value, check: &mut Check) {
        let help = "[join.\"buyer.address\"] with columns = [\"STREET\", \"CITY\"] and an optional separator = \", \"";
        let toml::Value::Table(spec) = entry else {
            check.at(
                codes::JOIN,
                target,
                format!("the join into `{target}` must be a table"),
                help,
            );
            return;
        };
        for key in spec.keys() {
            if !JOIN_KEYS.contains(&key.as_str()) {
                check.unknown_key(key, JOIN_KEYS, "a join");
            }
        }
        if check.target("join", target).is_none() {
            return;
        }
        if target == "id" {
            check.at(
                codes::JOIN,
                target,
                "`id` cannot be joined: rows are grouped into orders by the id column as written"
                    .into(),
                "map the export's order-number column to `id`",
            );
            return;
        }
        if !matches!(target_shape(target), Some(Shape::Text | Shape::Any)) {
            check.at(
                codes::JOIN,
                target,
                format!("`{target}` is not a text field, so columns cannot be joined into it"),
                "join into text fields such as `buyer.address` or `item.description`",
            );
            return;
        }
        let columns: Option<Vec<String>> = spec
            .get("columns")
            .and_then(toml::Value::as_array)
            .and_then(|cells| {
                cells
                    .iter()
                    .map(|c| c.as_str().map(|s| s.trim().to_string()))
                    .collect()
            });
        let Some(columns) = columns.filter(|c| c.len() >= 2) else {
            check.at(
                codes::JOIN,
                target,
                format!("the join into `{target}` needs `columns`, a list of two or more headers"),
                help,
            );
            return;
        };
        let separator = match spec.get("separator") {
            None => " ".to_string(),
            Some(toml::Value::String(separator)) => separator.clone(),
            Some(_) => {
                check.at(
                    codes::JOIN,
                    "separator",
                    "`separator` must be a string".into(),
                    help,
                );
                return;
            }
        };
        let mut seen = HashSet::new();
        for header in &columns {
            if !seen.insert(header) {
                check.at(
                    codes::JOIN,
                    header,
                    format!("`{header}` is joined into `{target}` twice"),
                    help,
                );
                return;
            }
        }
        self.joins.push(Join {
            target: target.to_string(),
            columns,
            separator,
        });
    }

    /// Two headers (or joins) whose targets are one path, or a path and one of its members:
    /// an export that has both columns would be refused anyway (`I002`), one that has either
    /// would be read differently by whoever reads the map. Sorted, a path comes right before
    /// the paths it encloses, so neighbours are enough.
    fn clashing_targets(&self) -> Option<(String, String, String)> {
        let fillers: Vec<(String, &str)> = self
            .columns
            .iter()
            .map(|(header, target)| (header.clone(), target.as_str()))
            .chain(
                self.joins
                    .iter()
                    .map(|j| (format!("join into {}", j.target), j.target.as_str())),
            )
            .collect();
        let mut paths: Vec<(ColumnPath, usize)> = fillers
            .iter()
            .enumerate()
            .filter_map(|(i, (_, target))| check_path(target).ok().map(|p| (p, i)))
            .collect();
        paths.sort();
        paths.windows(2).find_map(|pair| {
            let ((a, i), (b, j)) = (&pair[0], &pair[1]);
            a.encloses(b).then(|| {
                let (first, second) = if i < j { (*i, *j) } else { (*j, *i) };
                (
                    fillers[first].0.clone(),
                    fillers[second].0.clone(),
                    fillers[*i].1.to_string(),
                )
            })
        })
    }

    /// Reads and parses a map file.
    pub fn load(path: &str) -> Result<ColumnMap, InputError> {
        let text = std::fs::read_to_string(path).map_err(|error| InputError::Open {
            file: path.to_string(),
            reason: super::input::io_reason(&error),
        })?;
        ColumnMap::from_toml(&text, path)
    }

    /// The order path a header is renamed to, if the map renames it.
    pub fn target(&self, header: &str) -> Option<&str> {
        self.target_of
            .get(header)
            .and_then(|at| self.columns.get(*at))
            .map(|(_, target)| target.as_str())
    }

    /// True when the map drops this header on purpose.
    pub fn ignores(&self, header: &str) -> bool {
        self.ignored.contains(header)
    }

    /// True when a join reads this header.
    pub fn joins_header(&self, header: &str) -> bool {
        self.joins
            .iter()
            .any(|j| j.columns.iter().any(|c| c == header))
    }

    /// How a header's cells are written, when the map says.
    pub fn format(&self, header: &str) -> Option<&ValueFormat> {
        self.formats.get(header)
    }

    /// The renamings, in file order.
    pub fn columns(&self) -> &[(String, String)] {
        &self.columns
    }

    /// The ignored headers, in file order.
    pub fn ignored(&self) -> &[String] {
        &self.ignore
    }

    /// Constants for paths no column fills, in file order.
    pub fn defaults(&self) -> &[(String, String)] {
        &self.defaults
    }

    /// The joins, in file order.
    pub fn joins(&self) -> &[Join] {
        &self.joins
    }

    /// The workbook sheet the map names.
    pub fn sheet(&self) -> Option<&SheetChoice> {
        self.sheet.as_ref()
    }

    /// The same map reading another sheet (`--sheet` wins over the map file).
    pub fn with_sheet(mut self, sheet: SheetChoice) -> ColumnMap {
        self.sheet = Some(sheet);
        self
    }

    /// The encoding the input's text is written in, when not UTF-8.
    pub fn encoding(&self) -> Option<&'static encoding_rs::Encoding> {
        self.encoding
    }

    /// The same map reading text in `encoding` (`--encoding` wins over the map file).
    pub fn with_encoding(mut self, encoding: &'static encoding_rs::Encoding) -> ColumnMap {
        self.encoding = Some(encoding);
        self
    }
}

/// The encoding a label names (WHATWG labels: `windows-1251`, `cp1252`, `latin1`, `utf-16le`,
/// `gbk`, `shift_jis`), or `None`. `utf-16` alone is read as UTF-16LE, as Windows writes it.
/// `replacement` (a label of broken encodings) and `x-user-defined` name no text an export is
/// written in.
pub fn encoding_named(label: &str) -> Option<&'static encoding_rs::Encoding> {
    let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    (encoding != encoding_rs::REPLACEMENT && encoding != encoding_rs::X_USER_DEFINED)
        .then_some(encoding)
}

/// The byte range of `needle` after each text of `scope` in turn, for a label; where the
/// scope cannot be followed (a map written with dotted keys, say), its first occurrence.
fn find_in_scope(text: &str, scope: &[String], needle: &str) -> Option<Range<usize>> {
    let mut from = 0;
    for anchor in scope {
        match find(&text[from..], anchor) {
            Some(found) => from += found.start,
            None => return find(text, needle),
        }
    }
    find(&text[from..], needle)
        .map(|r| r.start + from..r.end + from)
        .or_else(|| find(text, needle))
}

/// The byte range of the first occurrence of `needle`, for a label.
fn find(text: &str, needle: &str) -> Option<Range<usize>> {
    if needle.is_empty() {
        return None;
    }
    text.find(needle).map(|at| at..at + needle.len())
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
