//! CSV headers: checking each one as a column path against the schema (with a did-you-mean),
//! renaming through the map file, and refusing two columns that would fill one value. Every
//! step is linear in the number of columns, so an export with 100,000 columns is read as
//! fast as its bytes allow.

use std::sync::OnceLock;

use crate::diag::did_you_mean;

use super::super::input::{ColumnMap, HeaderProblem};
use super::super::limits::MAX_PATH_SEGMENTS;
use super::super::map::ValueFormat;
use super::super::Shape;

/// One step of a column path: a member name or a list index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Where a column's cells go: into the order, or into the row's item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ColumnPath {
    pub(crate) item: bool,
    pub(crate) steps: Vec<Step>,
}

impl ColumnPath {
    /// The path as normalisation problems name it (`consignees[1].city`),
    /// before numbered members are compacted.
    pub(crate) fn display(&self) -> String {
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

    /// True when `self` is `other` or encloses it (both cannot hold a value).
    pub(crate) fn encloses(&self, other: &ColumnPath) -> bool {
        self.item == other.item
            && self.steps.len() <= other.steps.len()
            && other.steps.starts_with(&self.steps)
    }

    /// True when this is the order's `id`.
    pub(crate) fn is_id(&self) -> bool {
        !self.item && matches!(self.steps.as_slice(), [Step::Key(key)] if key == "id")
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

/// Suggestions are worked out for this many unusable headers at most, and only for headers
/// this short: a did-you-mean costs an edit distance against every known path, which an
/// export of 100,000 junk headers would multiply into minutes.
const MAX_SUGGESTIONS: usize = 100;
const MAX_SUGGESTED_LEN: usize = 64;

/// Checks a dotted column path against the schema: its first segment is an
/// order field or `item`, list members are numbered, `attributes` below any
/// object is open, and it ends at a value (a scalar or a list of scalars).
pub(crate) fn check_path(text: &str) -> Result<ColumnPath, PathIssue> {
    check_path_with(text, text.len() <= MAX_SUGGESTED_LEN)
}

fn check_path_with(text: &str, suggest: bool) -> Result<ColumnPath, PathIssue> {
    let template = |text: &str| {
        if suggest {
            suggest_template(text)
        } else {
            None
        }
    };
    let segments: Vec<&str> = text.split('.').collect();
    if segments.len() > MAX_PATH_SEGMENTS {
        return Err(issue(
            format!(
                "is not a column path ({} segments, over the limit of {MAX_PATH_SEGMENTS})",
                segments.len()
            ),
            None,
        ));
    }
    if text.is_empty() || segments.iter().any(|s| s.is_empty()) {
        return Err(issue(
            "is not a path (empty segment)".into(),
            template(text),
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
                    let fixed = fixed.join(".");
                    let suggestion =
                        (suggest && check_path_with(&fixed, false).is_ok()).then_some(fixed);
                    return Err(issue(
                        "needs a list index (list members are numbered from 0)".into(),
                        suggestion,
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
                    let fixed = suggest
                        .then(|| did_you_mean(segment, names.iter().copied()))
                        .flatten()
                        .map(|name| {
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
                        fixed.or_else(|| template(text)),
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
pub(crate) fn suggest_template(header: &str) -> Option<String> {
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

/// One CSV column: its header, where its cells go (`None`: ignored, or read only by a join),
/// how its cells are written, and where they come from.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) header: String,
    pub(crate) target: Option<ColumnPath>,
    pub(crate) format: Option<ValueFormat>,
    pub(crate) fill: Fill,
}

/// Where a column's cells come from: the file, or the map file (after the file's columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fill {
    /// The file's cell in this column.
    Cell,
    /// The non-empty cells of these file columns, joined by the separator.
    Join {
        sources: Vec<usize>,
        separator: String,
    },
    /// The same text on every row.
    Constant(String),
}

/// The map file's joins and defaults as columns after the file's own: a join reads its
/// columns (every one must be in the file), a default fills a path no column fills.
/// Returns the joined headers that are missing, each with its target.
pub(crate) fn add_map_fills(columns: &mut Vec<Column>, map: &ColumnMap) -> Vec<String> {
    let mut missing = Vec::new();
    for join in map.joins() {
        let mut sources = Vec::new();
        for header in &join.columns {
            match columns
                .iter()
                .position(|c| c.fill == Fill::Cell && &c.header == header)
            {
                Some(at) => sources.push(at),
                None => missing.push(format!("`{header}` ({})", join.target)),
            }
        }
        if let Ok(target) = check_path(&join.target) {
            columns.push(Column {
                header: join.columns.join(" + "),
                target: Some(target),
                format: None,
                fill: Fill::Join {
                    sources,
                    separator: join.separator.clone(),
                },
            });
        }
    }
    for (path, value) in map.defaults() {
        let Ok(target) = check_path(path) else {
            continue;
        };
        let filled = columns.iter().any(|c| {
            c.target
                .as_ref()
                .is_some_and(|t| t.encloses(&target) || target.encloses(t))
        });
        if !filled {
            columns.push(Column {
                header: format!("default {path}"),
                target: Some(target),
                format: None,
                fill: Fill::Constant(value.clone()),
            });
        }
    }
    missing
}

/// Resolves every header through the map and the schema; all problems at once.
pub(crate) fn resolve_headers(
    headers: &[String],
    map: Option<&ColumnMap>,
) -> Result<Vec<Column>, Vec<HeaderProblem>> {
    let mut columns = Vec::with_capacity(headers.len());
    let mut problems = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let format = map.and_then(|m| m.format(header)).cloned();
        let mapped_here = map.is_some_and(|m| m.target(header).is_some());
        if map.is_some_and(|m| m.ignores(header) || (m.joins_header(header) && !mapped_here)) {
            columns.push(Column {
                header: header.clone(),
                target: None,
                format,
                fill: Fill::Cell,
            });
            continue;
        }
        let (text, mapped) = match map.and_then(|m| m.target(header)) {
            Some(target) => (target, true),
            None => (header.as_str(), false),
        };
        let suggest = problems.len() < MAX_SUGGESTIONS && text.len() <= MAX_SUGGESTED_LEN;
        let (reason, suggestion) = match check_path_with(text, suggest) {
            Ok(path) => {
                columns.push(Column {
                    header: header.clone(),
                    target: Some(path),
                    format,
                    fill: Fill::Cell,
                });
                continue;
            }
            Err(found) if mapped => (
                format!("is mapped to `{text}`, which {}", found.reason),
                found.suggestion,
            ),
            Err(found) => (found.reason, found.suggestion),
        };
        problems.push(HeaderProblem {
            header: header.clone(),
            column: i + 1,
            reason,
            suggestion,
        });
    }
    problems.extend(clashes(&columns));
    problems.sort_by_key(|p| p.column);
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// Two columns feeding one value, or a value and its members, cannot both hold. Sorted by
/// path, the paths a path encloses follow it in one block, so a single pass with a stack of
/// open ancestors sees the whole tree: each column learns the earliest column (in file order)
/// among the columns that enclose it and among those it encloses. A column is reported once,
/// naming that earliest column, when it comes before it in the file.
fn clashes(columns: &[Column]) -> Vec<HeaderProblem> {
    struct Open<'c> {
        column: usize,
        path: &'c ColumnPath,
        /// The earliest column among the open ones below (which enclose this one).
        above: Option<usize>,
        /// The earliest column among those this one encloses.
        below: Option<usize>,
    }
    let mut order: Vec<(usize, &ColumnPath)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.target.as_ref().map(|t| (i, t)))
        .collect();
    order.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
    let min = |a: Option<usize>, b: Option<usize>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut earliest: Vec<Option<usize>> = vec![None; columns.len()];
    let mut open: Vec<Open> = Vec::new();
    let close = |open: &mut Vec<Open>, earliest: &mut Vec<Option<usize>>| {
        if let Some(done) = open.pop() {
            earliest[done.column] = min(done.above, done.below);
            if let Some(parent) = open.last_mut() {
                parent.below = min(parent.below, min(done.below, Some(done.column)));
            }
        }
    };
    for &(column, path) in &order {
        while open.last().is_some_and(|top| !top.path.encloses(path)) {
            close(&mut open, &mut earliest);
        }
        let above = open.last().and_then(|top| min(top.above, Some(top.column)));
        open.push(Open {
            column,
            path,
            above,
            below: None,
        });
    }
    while !open.is_empty() {
        close(&mut open, &mut earliest);
    }
    earliest
        .iter()
        .enumerate()
        .filter_map(|(later, earlier)| {
            let earlier = (*earlier).filter(|e| *e < later)?;
            Some(HeaderProblem {
                header: columns[later].header.clone(),
                column: later + 1,
                reason: format!(
                    "clashes with column `{}` (same or enclosing path)",
                    columns[earlier].header
                ),
                suggestion: None,
            })
        })
        .collect()
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
        assert!(check_path(&format!("attributes{}", ".a".repeat(MAX_PATH_SEGMENTS))).is_err());
        assert_eq!(suggest_template("HS").as_deref(), Some("item.hs"));
        assert_eq!(
            suggest_template("buyer_country").as_deref(),
            Some("buyer.country")
        );
    }

    fn column(header: &str) -> Column {
        Column {
            header: header.to_string(),
            target: check_path(header).ok(),
            format: None,
            fill: Fill::Cell,
        }
    }

    #[test]
    fn clashes_name_an_earlier_column() {
        let columns: Vec<Column> = [
            "attributes.a.b",
            "id",
            "attributes.a",
            "attributes.ab",
            "attributes.a.b",
            "attributes.a.c",
        ]
        .into_iter()
        .map(column)
        .collect();
        let found: Vec<(usize, String)> = clashes(&columns)
            .into_iter()
            .map(|p| (p.column, p.reason))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    3,
                    "clashes with column `attributes.a.b` (same or enclosing path)".into()
                ),
                (
                    5,
                    "clashes with column `attributes.a.b` (same or enclosing path)".into()
                ),
                (
                    6,
                    "clashes with column `attributes.a` (same or enclosing path)".into()
                ),
            ]
        );
    }
}
