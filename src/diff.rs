//! Comparing two runs of `redflag check --format json` (or `jsonl`): which
//! orders changed verdict or findings, which were added or removed, and how
//! the provenance (tool version, pack digest, lists) differs.
//!
//! Reads reports from any `BufRead` (a file, standard input, text in memory)
//! and prints nothing; `cli` opens the files and `report::diff` renders.
//! `read` reads a report record by record; the first
//! run is held as the few fields a comparison needs per order (strings orders
//! share held once), the second is compared with it as it is read, so only its
//! changed and added orders are kept. Orders are matched by id; an order
//! without one (an unreadable record) by its file and line; a repeated key by
//! its occurrence (`ID#2`).

mod document;
mod lines;
mod read;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diag::{Diagnostic, SourceFile};

pub use read::{excerpt, Unreadable};

/// What identifies a finding for comparison: rule, severity and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// One order of a run. Orders of one report share their file, verdict and
/// findings texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOrder {
    /// The key it is matched by (its id, else `file:line`, with `#N` for a repeat).
    pub key: Arc<str>,
    /// The order id, if it was read.
    pub id: Option<Arc<str>>,
    /// The input file.
    pub file: Arc<str>,
    /// The line the record starts on.
    pub line: u64,
    /// `block`, `hold`, `review`, `info`, `clear` or `error`.
    pub verdict: Arc<str>,
    /// Findings, by rule id.
    pub findings: Arc<[Arc<FindingKey>]>,
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

/// Reads a `check --format json` document or `--format jsonl` stream held in
/// memory. An unreadable report is one diagnostic (`D002` invalid JSON, `D003`
/// not a complete `redflag.check/1` report), located where possible.
pub fn parse(text: &str, name: &str) -> Result<Run, Box<Diagnostic>> {
    read(text.as_bytes(), name)
        .map_err(|problem| Box::new(problem.diagnostic(Some(&SourceFile::new(name, text)))))
}

/// Reads a report from `reader` record by record, holding each order as a
/// [`RunOrder`]. The problem is located by line; [`Unreadable::diagnostic`]
/// quotes the line.
pub fn read<R: BufRead>(reader: R, name: &str) -> Result<Run, Unreadable> {
    let mut orders = Vec::new();
    let header = read::read(reader, &mut |order| orders.push(order), name)?;
    Ok(Run {
        name: name.to_string(),
        provenance: header.provenance,
        summary: header.summary,
        orders,
    })
}

/// Compares run `a` with the report `reader` holds as it is read, keeping only
/// what differs; the second report is never held whole. A second report that
/// cannot be read yields no comparison at all, not one of the orders read
/// before the problem.
pub fn diff_read<R: BufRead>(a: &Run, reader: R, name: &str) -> Result<RunDiff, Unreadable> {
    let mut comparison = Comparison::new(a);
    let header = read::read(reader, &mut |order| comparison.order(order), name)?;
    Ok(comparison.finish(name, &header.provenance, &header.summary))
}

/// Compares two runs.
pub fn diff(a: &Run, b: &Run) -> RunDiff {
    let mut comparison = Comparison::new(a);
    for order in &b.orders {
        comparison.order(order.clone());
    }
    comparison.finish(&b.name, &b.provenance, &b.summary)
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
    pub verdict_a: Arc<str>,
    /// Findings only the second run has.
    pub added: Vec<Arc<FindingKey>>,
    /// Findings only the first run has.
    pub removed: Vec<Arc<FindingKey>>,
    /// Rules that fired in both with another severity or kind: (first, second).
    pub changed: Vec<(Arc<FindingKey>, Arc<FindingKey>)>,
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
    /// An order was added, removed or judged differently, or the counts of what was judged
    /// differ (`counts_changed`). Provenance and the rest of the summary do not count: a list
    /// update that changes no judgement is not a change to act on.
    pub fn has_changes(&self) -> bool {
        !self.changed.is_empty()
            || !self.added.is_empty()
            || !self.removed.is_empty()
            || self.counts_changed()
    }

    /// The summary's counts of what was judged differ (records read, judged and rejected, each
    /// verdict, findings, undecided, waived). Both reports filtered alike (`--min-verdict
    /// block`) leave out the orders below the filter, so an order that went from `hold` to
    /// `clear` is in neither, and only these counts show it: the comparison said "no order
    /// changed" with exit 0.
    pub fn counts_changed(&self) -> bool {
        self.summary.iter().any(|c| {
            let field = c.field.strip_prefix("summary.").unwrap_or(&c.field);
            let head = field.split('.').next().unwrap_or(field);
            JUDGED_COUNTS.contains(&head)
        })
    }
}

/// The summary members that count what was judged, as opposed to how the run was made
/// (`fail_on`, `inputs`, `left_out`, the waivers that expired or went unused on its day).
const JUDGED_COUNTS: [&str; 7] = [
    "read",
    "judged",
    "rejected",
    "verdicts",
    "findings",
    "undecided",
    "waived",
];

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

/// The second run's orders compared with the first's one at a time.
struct Comparison<'a> {
    a: &'a Run,
    /// The first run's orders by key (a key given twice: the later order), and whether the
    /// second run has the key.
    index: FxHashMap<&'a str, (usize, bool)>,
    orders_b: usize,
    changed: Vec<OrderChange>,
    added: Vec<RunOrder>,
    unchanged: usize,
}

impl<'a> Comparison<'a> {
    fn new(a: &'a Run) -> Comparison<'a> {
        let mut index = FxHashMap::default();
        index.reserve(a.orders.len());
        for (i, order) in a.orders.iter().enumerate() {
            index.insert(&*order.key, (i, false));
        }
        Comparison {
            a,
            index,
            orders_b: 0,
            changed: Vec::new(),
            added: Vec::new(),
            unchanged: 0,
        }
    }

    fn order(&mut self, order: RunOrder) {
        self.orders_b += 1;
        let Some((at, in_b)) = self.index.get_mut(&*order.key) else {
            self.added.push(order);
            return;
        };
        *in_b = true;
        let Some(old) = self.a.orders.get(*at) else {
            return;
        };
        if old.verdict == order.verdict && old.findings == order.findings {
            self.unchanged += 1;
            return;
        }
        let old_by_rule: BTreeMap<&str, &Arc<FindingKey>> = old
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        let new_by_rule: BTreeMap<&str, &Arc<FindingKey>> = order
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f))
            .collect();
        let mut added = Vec::new();
        let mut removed = Vec::new();
        let mut changed = Vec::new();
        for (rule, new) in &new_by_rule {
            match old_by_rule.get(rule) {
                None => added.push(Arc::clone(new)),
                Some(old) if !old.same(new) => changed.push((Arc::clone(old), Arc::clone(new))),
                Some(_) => {}
            }
        }
        for (rule, old) in &old_by_rule {
            if !new_by_rule.contains_key(rule) {
                removed.push(Arc::clone(old));
            }
        }
        if old.verdict == order.verdict
            && added.is_empty()
            && removed.is_empty()
            && changed.is_empty()
        {
            self.unchanged += 1;
            return;
        }
        self.changed.push(OrderChange {
            verdict_a: old.verdict.clone(),
            order,
            added,
            removed,
            changed,
        });
    }

    fn finish(
        self,
        name_b: &str,
        provenance_b: &[(String, String)],
        summary_b: &[(String, String)],
    ) -> RunDiff {
        let removed = self
            .a
            .orders
            .iter()
            .filter(|o| !self.index.get(&*o.key).is_some_and(|(_, in_b)| *in_b))
            .cloned()
            .collect();
        RunDiff {
            a: self.a.name.clone(),
            b: name_b.to_string(),
            orders_a: self.a.orders.len(),
            orders_b: self.orders_b,
            provenance: field_changes(&self.a.provenance, provenance_b),
            summary: field_changes(&self.a.summary, summary_b),
            changed: self.changed,
            added: self.added,
            removed,
            unchanged: self.unchanged,
        }
    }
}
