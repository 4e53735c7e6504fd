//! Comparing two runs of `redflag check --format json` (or `jsonl`): which
//! orders changed verdict or findings, which were added or removed, and how
//! the provenance (tool version, pack digest, lists) differs.
//!
//! Reads report text, not files, and prints nothing; `cli` reads and
//! `report::diff` renders. The wire structs below are our own reading of
//! schema `redflag.check/1` and ignore fields they do not know, so a report
//! with added fields (allowed within a schema version) still compares.
//! Orders are matched by id; an order without one (an unreadable record) by
//! its file and line; a repeated key by its occurrence (`ID#2`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value as Json;

use crate::diag::{Diagnostic, SourceFile};

/// The schema family this module reads.
const SCHEMA_PREFIX: &str = "redflag.check/";
/// The schema version this module reads.
const SCHEMA: &str = "redflag.check/1";

#[derive(Debug, Deserialize)]
struct WireOrder {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    line: Option<u64>,
    verdict: String,
    #[serde(default)]
    findings: Vec<WireFinding>,
}

#[derive(Debug, Deserialize)]
struct WireFinding {
    rule_id: String,
    severity: String,
    kind: String,
    #[serde(default)]
    title: String,
}

/// What identifies a finding for comparison: rule, severity and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingKey {
    /// Rule id.
    pub rule_id: String,
    /// Severity after escalation.
    pub severity: String,
    /// `fired` or `undecided`.
    pub kind: String,
    /// The rule's title, for readers; not compared.
    pub title: String,
}

impl FindingKey {
    fn same(&self, other: &FindingKey) -> bool {
        self.severity == other.severity && self.kind == other.kind
    }
}

/// One order of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOrder {
    /// The key it is matched by (its id, else `file:line`, with `#N` for a repeat).
    pub key: String,
    /// The order id, if it was read.
    pub id: Option<String>,
    /// The input file.
    pub file: String,
    /// The line the record starts on.
    pub line: u64,
    /// `block`, `hold`, `review`, `info`, `clear` or `error`.
    pub verdict: String,
    /// Findings, by rule id.
    pub findings: Vec<FindingKey>,
}

/// A run read from a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The report's name, as given.
    pub name: String,
    /// Every field of the run header, flattened (`pack.lists[chpl].sha256`),
    /// in document order.
    pub provenance: Vec<(String, String)>,
    /// The summary's fields, flattened.
    pub summary: Vec<(String, String)>,
    /// Orders in report order.
    pub orders: Vec<RunOrder>,
}

/// Reads a `check --format json` document or `--format jsonl` stream.
/// An unreadable report is one diagnostic (`D002` invalid JSON, `D003` not
/// a `redflag.check/1` report), located where possible.
pub fn parse(text: &str, name: &str) -> Result<Run, Box<Diagnostic>> {
    let file = SourceFile::new(name, text);
    let (header, orders, summary) = match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(mut doc)) => {
            let orders = doc.remove("orders");
            let summary = doc.remove("summary");
            (Json::Object(doc), orders, summary)
        }
        Ok(_) => return Err(not_a_report(&file, "the report is not a JSON object")),
        Err(whole) => match lines(text) {
            Some(parts) => parts,
            None => return Err(Box::new(json_error(&file, &whole))),
        },
    };
    match header.get("schema").and_then(Json::as_str) {
        Some(SCHEMA) => {}
        Some(other) if other.starts_with(SCHEMA_PREFIX) => {
            return Err(not_a_report(
                &file,
                &format!("schema `{other}` is not `{SCHEMA}`, the version this redflag reads"),
            ))
        }
        Some(other) => return Err(not_a_report(&file, &format!("its schema is `{other}`"))),
        None => return Err(not_a_report(&file, "the report has no `schema`")),
    }
    let orders: Vec<WireOrder> = match orders {
        None => Vec::new(),
        Some(value) => match serde_json::from_value(value) {
            Ok(orders) => orders,
            Err(e) => {
                return Err(not_a_report(
                    &file,
                    &format!("its `orders` cannot be read: {e}"),
                ))
            }
        },
    };
    let mut provenance = Vec::new();
    flatten("", &header, &mut provenance);
    let mut summary_fields = Vec::new();
    if let Some(summary) = &summary {
        flatten("summary", summary, &mut summary_fields);
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let orders = orders
        .into_iter()
        .map(|o| {
            let file = o.file.unwrap_or_default();
            let line = o.line.unwrap_or(0);
            let base = o.id.clone().unwrap_or_else(|| format!("{file}:{line}"));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 { base } else { format!("{base}#{n}") };
            let mut findings: Vec<FindingKey> = o
                .findings
                .into_iter()
                .map(|f| FindingKey {
                    rule_id: f.rule_id,
                    severity: f.severity,
                    kind: f.kind,
                    title: f.title,
                })
                .collect();
            findings.sort();
            RunOrder {
                key,
                id: o.id,
                file,
                line,
                verdict: o.verdict,
                findings,
            }
        })
        .collect();
    Ok(Run {
        name: name.to_string(),
        provenance,
        summary: summary_fields,
        orders,
    })
}

/// Splits a JSON Lines report into (run header, orders, summary); `None`
/// when the text is not one.
fn lines(text: &str) -> Option<(Json, Option<Json>, Option<Json>)> {
    let mut header = None;
    let mut orders = Vec::new();
    let mut summary = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(Json::Object(mut object)) = serde_json::from_str::<Json>(line) else {
            return None;
        };
        let kind = object.remove("type");
        match kind.as_ref().and_then(Json::as_str) {
            Some("run") => header = Some(Json::Object(object)),
            Some("order") => orders.push(Json::Object(object)),
            Some("summary") => summary = Some(Json::Object(object)),
            _ => return None,
        }
    }
    Some((header?, Some(Json::Array(orders)), summary))
}

fn json_error(file: &SourceFile, error: &serde_json::Error) -> Diagnostic {
    let span = file.line_span(error.line());
    let at = (span.start + error.column().saturating_sub(1)).min(span.end);
    let message = error.to_string();
    // serde_json appends " at line L column C"; the span says that already.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    Diagnostic::error(
        "D002",
        format!("`{}` is not valid JSON: {message}", file.name()),
    )
    .at(file, at..at, "here")
    .with_help("give two reports written by `redflag check --format json`".to_string())
}

fn not_a_report(file: &SourceFile, why: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "D003",
            format!("`{}` is not a `redflag check` report: {why}", file.name()),
        )
        .with_help("give two reports written by `redflag check --format json`".to_string()),
    )
}

/// Flattens a JSON value into `(path, text)` pairs. Arrays of objects that
/// all have a unique string `name` (or else `path`) are keyed by it
/// (`lists[chpl]`, `files[lists/chpl.csv]`), so a file added to a pack does not
/// shift every other one's index; arrays of scalars become one comma-separated value.
fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Json::Object(map) => {
            for (key, v) in map {
                flatten(&join(key), v, out);
            }
        }
        // An empty list has no fields: its first member shows as added, not as the list
        // itself changing from "" to absent.
        Json::Array(items) if items.is_empty() => {}
        Json::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let texts: Vec<String> = items.iter().map(scalar_text).collect();
            out.push((prefix.to_string(), texts.join(", ")));
        }
        Json::Array(items) => {
            let keyed_by = |field: &str| -> Option<Vec<&str>> {
                let names: Vec<&str> = items
                    .iter()
                    .map(|i| i.get(field).and_then(Json::as_str))
                    .collect::<Option<_>>()?;
                (names.iter().collect::<BTreeSet<_>>().len() == names.len()).then_some(names)
            };
            // Inputs stay keyed by position: comparing a run on `a.jsonl` with one on
            // `b.jsonl` is the usual case, and the files are then the same slot.
            let names = keyed_by("name").or_else(|| keyed_by("path"));
            let unique = names.is_some();
            for (i, item) in items.iter().enumerate() {
                let key = match (&names, unique) {
                    (Some(names), true) => format!("{prefix}[{}]", names[i]),
                    _ => format!("{prefix}[{i}]"),
                };
                flatten(&key, item, out);
            }
        }
        scalar => out.push((prefix.to_string(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A field whose value differs; `None` where one side lacks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Flattened path (`pack.sha256`).
    pub field: String,
    /// The value in the first run.
    pub a: Option<String>,
    /// The value in the second run.
    pub b: Option<String>,
}

/// How one order's judgement changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChange {
    /// The order as the second run has it.
    pub order: RunOrder,
    /// The verdict in the first run.
    pub verdict_a: String,
    /// Findings only the second run has.
    pub added: Vec<FindingKey>,
    /// Findings only the first run has.
    pub removed: Vec<FindingKey>,
    /// Rules that fired in both with another severity or kind: (first, second).
    pub changed: Vec<(FindingKey, FindingKey)>,
}

/// The differences between two runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDiff {
    /// The first report's name.
    pub a: String,
    /// The second report's name.
    pub b: String,
    /// Orders in each.
    pub orders_a: usize,
    /// Orders in the second.
    pub orders_b: usize,
    /// Run header fields that differ, in the second run's order, then fields
    /// only the first has.
    pub provenance: Vec<FieldChange>,
    /// Summary counts that differ.
    pub summary: Vec<FieldChange>,
    /// Orders in both whose verdict or findings changed, in the second run's order.
    pub changed: Vec<OrderChange>,
    /// Orders only in the second run.
    pub added: Vec<RunOrder>,
    /// Orders only in the first run.
    pub removed: Vec<RunOrder>,
    /// Orders in both with the same verdict and findings.
    pub unchanged: usize,
}

impl RunDiff {
    /// An order was added, removed or judged differently. Provenance and
    /// summary differences alone do not count: a list update that changes no
    /// judgement is not a change to act on.
    pub fn has_changes(&self) -> bool {
        !self.changed.is_empty() || !self.added.is_empty() || !self.removed.is_empty()
    }
}

fn field_changes(a: &[(String, String)], b: &[(String, String)]) -> Vec<FieldChange> {
    let a_map: BTreeMap<&str, &str> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let b_map: BTreeMap<&str, &str> = b.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut out = Vec::new();
    for (field, value) in b {
        match a_map.get(field.as_str()) {
            Some(old) if *old == value => {}
            old => out.push(FieldChange {
                field: field.clone(),
                a: old.map(|s| s.to_string()),
                b: Some(value.clone()),
            }),
        }
    }
    for (field, value) in a {
        if !b_map.contains_key(field.as_str()) {
            out.push(FieldChange {
                field: field.clone(),
                a: Some(value.clone()),
                b: None,
            });
        }
    }
    out
}

/// Compares two runs.
pub fn diff(a: &Run, b: &Run) -> RunDiff {
    let a_orders: BTreeMap<&str, &RunOrder> =
        a.orders.iter().map(|o| (o.key.as_str(), o)).collect();
    let b_keys: BTreeSet<&str> = b.orders.iter().map(|o| o.key.as_str()).collect();
    let mut changed = Vec::new();
    let mut added = Vec::new();
    let mut unchanged = 0;
    for order in &b.orders {
        let Some(old) = a_orders.get(order.key.as_str()) else {
            added.push(order.clone());
            continue;
        };
        let old_by_rule: BTreeMap<&str, &FindingKey> = old
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        let new_by_rule: BTreeMap<&str, &FindingKey> = order
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        let mut change = OrderChange {
            order: order.clone(),
            verdict_a: old.verdict.clone(),
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
        };
        for (rule, new) in &new_by_rule {
            match old_by_rule.get(rule) {
                None => change.added.push((*new).clone()),
                Some(old) if !old.same(new) => {
                    change.changed.push(((*old).clone(), (*new).clone()))
                }
                Some(_) => {}
            }
        }
        for (rule, old) in &old_by_rule {
            if !new_by_rule.contains_key(rule) {
                change.removed.push((*old).clone());
            }
        }
        if change.verdict_a == order.verdict
            && change.added.is_empty()
            && change.removed.is_empty()
            && change.changed.is_empty()
        {
            unchanged += 1;
        } else {
            changed.push(change);
        }
    }
    let removed = a
        .orders
        .iter()
        .filter(|o| !b_keys.contains(o.key.as_str()))
        .cloned()
        .collect();
    RunDiff {
        a: a.name.clone(),
        b: b.name.clone(),
        orders_a: a.orders.len(),
        orders_b: b.orders.len(),
        provenance: field_changes(&a.provenance, &b.provenance),
        summary: field_changes(&a.summary, &b.summary),
        changed,
        added,
        removed,
        unchanged,
    }
}
