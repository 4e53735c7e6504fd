//! Raw rules to the validated model: every name resolved, every problem reported.
//!
//! Validation never stops at the first problem. A condition that cannot be
//! resolved is still checked as far as possible, and a rule with any error is
//! left out of the model (the pack as a whole is then rejected by the loader).

mod condition;
mod paths;
mod screen;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use regex::Regex;

use super::pattern_set::PatternSet;
use rust_decimal::Decimal;

use super::expr::{self, Expr};
use super::lists::ListTable;
use super::model::*;
use super::raw::{RawCondition, RawRule, Scalar, Sp};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::order::normalize;
use crate::order::{Path, Segment, Shape};

/// Operator names and what they do, for did-you-mean and documentation.
pub const OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "before",
    "after",
    "on_or_before",
    "on_or_after",
    "within",
    "in",
    "in_list",
    "in_field",
    "matches",
    "matches_list",
    "contains_any",
    "starts_with",
    "exists",
    "missing",
    "blank",
    "count_eq",
    "count_gt",
    "count_gte",
    "count_lt",
    "count_lte",
    "sum_gt",
    "sum_gte",
    "sum_lt",
    "sum_lte",
    "is_true",
    "is_false",
    "screen",
    "invalid_id",
];

/// Values of a condition's `quantifier`.
pub const QUANTIFIERS: &[&str] = &["any", "all"];

/// The operator an author most likely meant by a name from another rule language (`>=`,
/// `contains`, `in` with a list), which spelling distance alone would not find.
fn operator_meant(op: &str, has_list: bool) -> Option<&'static str> {
    Some(match op.trim().to_lowercase().as_str() {
        ">=" | "=>" | "ge" | "greater_or_equal" | "at_least" => "gte",
        ">" | "greater" | "greater_than" | "more_than" => "gt",
        "<=" | "=<" | "le" | "less_or_equal" | "at_most" => "lte",
        "<" | "less" | "less_than" => "lt",
        "=" | "==" | "===" | "is" | "equals" | "equal" => "eq",
        "!=" | "<>" | "!==" | "not_eq" | "not_equal" | "neq" => "ne",
        "in" | "one_of" | "any_of" if has_list => "in_list",
        "one_of" | "any_of" => "in",
        "contains" | "includes" | "has" | "contains_word" => "contains_any",
        "regex" | "match" | "re" | "like" | "regexp" if has_list => "matches_list",
        "regex" | "match" | "re" | "like" | "regexp" => "matches",
        "startswith" | "starts" | "prefix" | "begins_with" => "starts_with",
        "present" | "is_set" | "defined" => "exists",
        "absent" | "is_missing" | "undefined" | "null" => "missing",
        "empty" | "is_empty" => "blank",
        "true" => "is_true",
        "false" => "is_false",
        "sanctioned" | "listed" | "screening" | "denied" => "screen",
        _ => return None,
    })
}

/// The longest span of time a rule may give (`within`, `offset`): 100 years.
pub const MAX_SPAN_DAYS: i64 = 36_525;
/// The same limit in months.
pub const MAX_SPAN_MONTHS: i32 = 1_200;
/// The most memory a compiled set of patterns (`matches_list`, `contains_any`) may take.
const PATTERN_SET_LIMIT: usize = 8 << 20;

/// Values of a condition's `rate_date`.
pub const RATE_DATES: &[&str] = &["date", "ship_date"];

/// What validation needs to know about the pack besides the rule itself.
pub struct PackContext<'a> {
    /// Lists by name.
    pub lists: &'a BTreeMap<String, Arc<ListTable>>,
    /// True when the pack has a rates table.
    pub has_rates: bool,
    /// Every list `pack.toml` declares, loaded or not: a list whose file is
    /// broken has been reported once and is not "unknown" at each use.
    pub declared_lists: Vec<String>,
    /// Pattern sets compiled so far, by their patterns: the default pack matches one list of
    /// patterns from four conditions, and compiling a set is most of building the pack.
    pub pattern_sets: PatternSets,
}

/// Compiled case-insensitive pattern sets, shared by the conditions of one pack that use the
/// same patterns (a `PatternSet` is a cheap handle to one compiled set).
#[derive(Default)]
pub struct PatternSets(std::cell::RefCell<std::collections::HashMap<PatternSetKey, PatternSet>>);

/// A set's patterns and their exceptions (`unless`), by pattern index.
type PatternSetKey = (Vec<String>, Vec<(usize, String)>);

impl PatternSets {
    /// The set of `patterns` (case-insensitive, at most [`PATTERN_SET_LIMIT`] compiled),
    /// compiled once per pack.
    pub(super) fn get<S: AsRef<str>>(&self, patterns: &[S]) -> Result<PatternSet, String> {
        self.get_with_exceptions(patterns, &[])
    }

    /// Compiles, at once on rayon's threads, the set of each list in `lists` whose key column
    /// holds patterns (`pattern`), as `matches_list` asks for it by default
    /// ([`list_patterns`]): building the pack compiled the sets one after another, and they
    /// are most of its cost (the end-use patterns alone a third). A set that does not compile
    /// is left for the condition that asks for it to report (`R033`). Given a layer's own
    /// lists: a pack that extends another has the base's sets compiled with the base, and
    /// compiles again only those its own rules ask for.
    pub(crate) fn warm(&self, lists: &BTreeMap<String, Arc<ListTable>>) {
        use rayon::prelude::*;
        let keys: Vec<PatternSetKey> = lists
            .values()
            .filter(|list| list.key == "pattern")
            .map(|list| {
                let (patterns, unless) = list_patterns(list, &list.key);
                (
                    patterns.into_iter().map(str::to_string).collect(),
                    unless
                        .into_iter()
                        .map(|(at, _, except)| (at, except.to_string()))
                        .collect(),
                )
            })
            .filter(|key| !self.0.borrow().contains_key(key))
            .collect();
        let compiled: Vec<(PatternSetKey, PatternSet)> = keys
            .into_par_iter()
            .filter_map(|key| {
                let set = compile_set(&key.0, &key.1).ok()?;
                Some((key, set))
            })
            .collect();
        self.0.borrow_mut().extend(compiled);
    }

    /// [`PatternSets::get`] with exceptions: pattern `i` of `unless` matches only outside the
    /// text's matches of its exception (`PatternSet::with_exceptions`).
    pub(super) fn get_with_exceptions<S: AsRef<str>>(
        &self,
        patterns: &[S],
        unless: &[(usize, String)],
    ) -> Result<PatternSet, String> {
        let key: PatternSetKey = (
            patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            unless.to_vec(),
        );
        if let Some(set) = self.0.borrow().get(&key) {
            return Ok(set.clone());
        }
        let set = compile_set(&key.0, unless)?;
        self.0.borrow_mut().insert(key, set.clone());
        Ok(set)
    }
}

fn compile_set<S: AsRef<str>>(
    patterns: &[S],
    unless: &[(usize, String)],
) -> Result<PatternSet, String> {
    if unless.is_empty() {
        PatternSet::new(patterns, PATTERN_SET_LIMIT)
    } else {
        PatternSet::with_exceptions(patterns, unless, PATTERN_SET_LIMIT)
    }
}

/// An exception of a pattern list's `unless` column: the index of its pattern, its row's line
/// (for `R033`) and its text.
pub(crate) type ListException<'l> = (usize, usize, &'l str);

/// The patterns of `list`'s `column`, row by row (a row without the column has none), and the
/// exceptions of its `unless` column: what `matches_list` compiles.
pub(crate) fn list_patterns<'l>(
    list: &'l ListTable,
    column: &str,
) -> (Vec<&'l str>, Vec<ListException<'l>>) {
    let mut patterns: Vec<&str> = Vec::with_capacity(list.rows.len());
    let mut unless = Vec::new();
    for row in &list.rows {
        let Some(pattern) = list.cell(row, column) else {
            continue;
        };
        if let Some(except) = list
            .cell(row, crate::rules::lists::UNLESS_COLUMN)
            .filter(|u| !u.trim().is_empty())
        {
            unless.push((patterns.len(), row.line, except));
        }
        patterns.push(pattern);
    }
    (patterns, unless)
}

/// Validates one raw rule; `None` when it has errors (all of them reported, here or, for a
/// list that did not load, where the list is declared).
pub fn validate_rule(
    raw: &RawRule,
    file: &SourceFile,
    cx: &PackContext,
    acc: &mut Diagnostics,
) -> Option<Rule> {
    compile_rule(raw, file, cx, acc)
}

fn error_count(acc: &Diagnostics) -> usize {
    acc.iter()
        .filter(|d| d.level() == crate::diag::Level::Error)
        .count()
}

fn compile_rule(
    raw: &RawRule,
    file: &SourceFile,
    cx: &PackContext,
    acc: &mut Diagnostics,
) -> Option<Rule> {
    let errors_before = error_count(acc);
    let mut v = Validator {
        file,
        present: &raw.keys,
        cx,
        acc,
    };
    let id = v.required(&raw.id, "id", raw.span.clone());
    if let Some(id) = &id {
        if id.value.is_empty() || id.value.chars().any(char::is_whitespace) {
            v.acc.push(
                Diagnostic::error(
                    "R010",
                    format!(
                        "rule id `{}` must be non-empty and have no spaces",
                        id.value
                    ),
                )
                .at(file, id.span.clone(), "invalid id"),
            );
        }
    }
    let title = v.required(&raw.title, "title", raw.span.clone());
    let message_raw = v.required(&raw.message, "message", raw.span.clone());
    let condition_raw = v.required(&raw.condition, "condition", raw.span.clone());
    let severity = v.severity(raw.severity.as_ref(), raw.span.clone(), true);
    let on_unknown = match &raw.on_unknown {
        None => Some(Severity::Hold),
        Some(s) => match Severity::parse(&s.value) {
            Some(sev) if sev >= Severity::Hold => Some(sev),
            _ => {
                v.acc.push(
                    Diagnostic::error("R011", format!("`on_unknown` must be `hold` or `block`, not `{}`", s.value))
                        .at(file, s.span.clone(), "an undecided rule must stop the shipment")
                        .with_help("to treat a missing value as false, set `if_missing = false` on the condition".to_string()),
                );
                None
            }
        },
    };
    let version = match &raw.version {
        None => 1,
        Some(n) if n.value >= 1 && n.value <= i64::from(u32::MAX) => n.value as u32,
        Some(n) => {
            v.acc.push(
                Diagnostic::error(
                    "R011",
                    format!("rule version `{}` must be a positive integer", n.value),
                )
                .at(file, n.span.clone(), "invalid version"),
            );
            1
        }
    };

    let bindings = v.bindings(&raw.for_each);

    // Names first, so that `@name` references and the expression resolve
    // whatever order the conditions are written in.
    let mut names: Vec<&str> = Vec::new();
    for c in &raw.when {
        if names.contains(&c.name.value.as_str()) {
            v.acc.push(
                Diagnostic::error(
                    "R012",
                    format!("condition `{}` is defined twice", c.name.value),
                )
                .at(file, c.name.span.clone(), "second definition"),
            );
        }
        names.push(&c.name.value);
    }
    let mut conditions = Vec::new();
    for (index, c) in raw.when.iter().enumerate() {
        if let Some(condition) = v.condition(c, index, &raw.when, &bindings) {
            conditions.push(condition);
        }
    }
    if raw.when.is_empty() {
        v.acc.push(
            Diagnostic::error("R003", "the rule has no conditions")
                .at(
                    file,
                    raw.id
                        .as_ref()
                        .map(|i| i.span.clone())
                        .unwrap_or(raw.span.clone()),
                    "in this rule",
                )
                .with_help("add at least one `[rule.when.NAME]` table".to_string()),
        );
    }

    let lookup = |name: &str| raw.when.iter().position(|c| c.name.value == name);
    let condition = condition_raw.and_then(|c| v.expression(c, &lookup, &names));
    let mut escalations = Vec::new();
    for e in &raw.escalate {
        let severity = v.severity(Some(&e.severity), e.severity.span.clone(), false);
        let expr = v.expression(&e.condition, &lookup, &names);
        if let (Some(severity), Some(expr)) = (severity, expr) {
            escalations.push(Escalation {
                condition: expr,
                condition_text: e.condition.value.clone(),
                severity,
                reason: e
                    .reason
                    .as_ref()
                    .map(|r| r.value.clone())
                    .unwrap_or_default(),
            });
        }
    }
    if let Some(expr) = &condition {
        let mut used = Vec::new();
        expr.leaves(&mut used);
        for e in &escalations {
            e.condition.leaves(&mut used);
        }
        for (index, c) in raw.when.iter().enumerate() {
            let referenced = raw.when.iter().any(|other| {
                [&other.path, &other.field]
                    .into_iter()
                    .flatten()
                    .any(|p| p.value.starts_with(&format!("@{}.", c.name.value)))
            });
            if !used.contains(&index) && !referenced {
                v.acc.push(
                    Diagnostic::warning(
                        "R013",
                        format!("condition `{}` is never used", c.name.value),
                    )
                    .at(
                        file,
                        c.name.span.clone(),
                        "not in `condition` or any escalation",
                    )
                    .with_help(
                        "an unused condition is evaluated but cannot change the outcome"
                            .to_string(),
                    ),
                );
            }
        }
    }
    let message = message_raw.and_then(|m| v.template(m, &raw.when, &bindings));

    let errors_after = error_count(v.acc);
    if errors_after > errors_before || conditions.len() != raw.when.len() {
        return None;
    }
    let line = file
        .line_col(
            raw.id
                .as_ref()
                .map(|i| i.span.start)
                .unwrap_or(raw.span.start),
        )
        .0;
    Some(Rule {
        id: id?.value.clone(),
        version,
        title: title?.value.clone(),
        severity: severity?,
        family: raw
            .family
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default(),
        status: raw
            .status
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_else(|| "stable".into()),
        red_flags: raw.red_flags.iter().map(|s| s.value.clone()).collect(),
        icp: raw.icp.iter().map(|s| s.value.clone()).collect(),
        references: raw
            .references
            .iter()
            .map(|r| Reference {
                cite: r.cite.value.clone(),
                url: r.url.as_ref().map(|u| u.value.clone()),
            })
            .collect(),
        why: raw
            .why
            .as_ref()
            .map(|w| w.value.clone())
            .unwrap_or_default(),
        action: raw
            .action
            .as_ref()
            .map(|a| a.value.clone())
            .unwrap_or_default(),
        bindings,
        conditions,
        condition: condition?,
        condition_text: raw
            .condition
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        escalations,
        message: message?,
        on_unknown: on_unknown?,
        valid_from: raw.valid_from.as_ref().map(|d| d.value),
        file: file.name().to_string(),
        line,
    })
}

struct Validator<'a, 'c> {
    file: &'a SourceFile,
    present: &'a [String],
    cx: &'a PackContext<'c>,
    acc: &'a mut Diagnostics,
}

fn op_cmp(op: &str) -> Option<Cmp> {
    Some(match op {
        "eq" => Cmp::Eq,
        "ne" => Cmp::Ne,
        "gt" | "after" | "count_gt" | "sum_gt" => Cmp::Gt,
        "gte" | "on_or_after" | "count_gte" | "sum_gte" => Cmp::Gte,
        "lt" | "before" | "count_lt" | "sum_lt" => Cmp::Lt,
        "lte" | "on_or_before" | "count_lte" | "sum_lte" => Cmp::Lte,
        "count_eq" => Cmp::Eq,
        _ => return None,
    })
}

impl Validator<'_, '_> {
    fn err(
        &mut self,
        code: &'static str,
        message: String,
        span: std::ops::Range<usize>,
        label: &str,
    ) {
        self.acc
            .push(Diagnostic::error(code, message).at(self.file, span, label));
    }

    fn required<'r, T>(
        &mut self,
        value: &'r Option<Sp<T>>,
        key: &str,
        span: std::ops::Range<usize>,
    ) -> Option<&'r Sp<T>> {
        if value.is_none() && !self.present.iter().any(|k| k == key) {
            let start = span.start;
            self.acc.push(
                Diagnostic::error("R003", format!("the rule has no `{key}`"))
                    .at(self.file, start..start + 6, "this rule")
                    .with_help(format!("add `{key} = ...` to the rule")),
            );
        }
        value.as_ref()
    }

    fn severity(
        &mut self,
        raw: Option<&Sp<String>>,
        span: std::ops::Range<usize>,
        required: bool,
    ) -> Option<Severity> {
        let Some(raw) = raw else {
            if required {
                self.required::<String>(&None, "severity", span);
            }
            return None;
        };
        let parsed = Severity::parse(&raw.value);
        if parsed.is_none() {
            self.acc.push(
                Diagnostic::error("R011", format!("unknown severity `{}`", raw.value))
                    .at(self.file, raw.span.clone(), "not a severity")
                    .with_help(
                        suggest(&raw.value, Severity::ALL.iter().map(|s| s.as_str()))
                            .or(Some("severities: block, hold, review, info".to_string())),
                    ),
            );
        }
        parsed
    }

    fn bindings(&mut self, raw: &[(Sp<String>, Vec<Sp<String>>)]) -> Vec<Binding> {
        let mut out: Vec<Binding> = Vec::new();
        for (name, sources) in raw {
            if Shape::Order.field(&name.value).is_some() {
                self.err(
                    "R020",
                    format!(
                        "variable `{}` hides the order field of the same name",
                        name.value
                    ),
                    name.span.clone(),
                    "choose another name",
                );
                continue;
            }
            let mut refs = Vec::new();
            let mut shapes = Vec::new();
            for source in sources {
                let Some(path) = self.path(source, &out, &[]) else {
                    continue;
                };
                let element = match path.shape {
                    Shape::ListOf(inner) if path.path.segments().last() != Some(&Segment::Each) => {
                        self.acc.push(
                            Diagnostic::error(
                                "R021",
                                format!(
                                    "`{}` is a list; bind its members with `{}[*]`",
                                    source.value, source.value
                                ),
                            )
                            .at(
                                self.file,
                                source.span.clone(),
                                "a list, not its members",
                            ),
                        );
                        *inner
                    }
                    shape => shape,
                };
                if !element.is_object() {
                    self.err(
                        "R021",
                        format!(
                            "a variable must range over objects, but `{}` is {}",
                            source.value,
                            element.name()
                        ),
                        source.span.clone(),
                        "not an object",
                    );
                    continue;
                }
                shapes.push(element);
                refs.push(path);
            }
            out.push(Binding {
                name: name.value.clone(),
                sources: refs,
                shapes,
            });
        }
        out
    }

    fn expression(
        &mut self,
        text: &Sp<String>,
        lookup: &dyn Fn(&str) -> Option<usize>,
        names: &[&str],
    ) -> Option<Expr> {
        match expr::parse(&text.value, lookup) {
            Ok(e) => Some(e),
            Err(e) => {
                // +1 skips the opening quote of a basic string.
                let start = (text.span.start + 1 + e.span.start).min(text.span.end);
                let end =
                    (text.span.start + 1 + e.span.end.max(e.span.start + 1)).min(text.span.end);
                let help = e
                    .unknown_name
                    .as_deref()
                    .and_then(|n| suggest(n, names.iter().copied()));
                let code = if e.unknown_name.is_some() {
                    "R015"
                } else {
                    "R014"
                };
                self.acc.push(
                    Diagnostic::error(code, e.message)
                        .at(self.file, start..end, "here")
                        .with_help(help),
                );
                None
            }
        }
    }

    fn template(
        &mut self,
        text: &Sp<String>,
        all: &[RawCondition],
        bindings: &[Binding],
    ) -> Option<Template> {
        let mut pieces = Vec::new();
        let mut rest = text.value.as_str();
        let mut offset = 0;
        let mut ok = true;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                let at = text.span.start + 1 + offset + open;
                self.err(
                    "R016",
                    "unclosed `{` in the message".to_string(),
                    at..at + 1,
                    "opened here",
                );
                return None;
            };
            let inner = rest[open + 1..open + close].trim();
            let inner_span = {
                let at = text.span.start + 1 + offset + open;
                at..at + close + 1
            };
            if let Some(var) = bindings.iter().position(|b| b.name == inner) {
                pieces.push(Piece::Var(var));
            } else {
                let sp = Sp::new(inner.to_string(), inner_span);
                // `usize::MAX`: a template is no condition, so any `@name` is another's.
                match self.target(&sp, usize::MAX, all, bindings) {
                    Some(t) => pieces.push(Piece::Value(t)),
                    None => ok = false,
                }
            }
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        ok.then(|| Template {
            pieces,
            text: text.value.clone(),
        })
    }
}

fn first_error_line(text: &str) -> String {
    text.lines().last().unwrap_or(text).trim().to_string()
}

fn operator_hint(shape: Shape) -> String {
    let ops = match shape {
        Shape::Date => "eq, ne, before, after, on_or_before, on_or_after, within, exists, missing",
        Shape::Number | Shape::Money => {
            "eq, ne, gt, gte, lt, lte, exists, missing; over `[*]`, sum_gt, sum_gte, sum_lt, sum_lte"
        }
        Shape::Bool => "is_true, is_false, eq, exists, missing",
        Shape::ListOf(_) => "count_eq, count_gt, count_gte, count_lt, count_lte, exists, missing, blank; or add `[*]` to test each member",
        s if s.is_textual() => "eq, ne, in, in_list, in_field, matches, matches_list, contains_any, starts_with, exists, missing, blank",
        Shape::Party => "screen, exists, missing, blank",
        Shape::PartyId => "invalid_id, exists, missing, blank",
        _ => "exists, missing, blank",
    };
    format!("operators for {}: {ops}", shape.name())
}

/// Parses a decimal literal without going through floating point.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// Parses `-6 months`, `30 days`, `1 year`, `-2 weeks`, up to 100 years either way: beyond
/// that a date offset is a typo, and it must not wrap or overflow the calendar.
pub fn parse_offset(text: &str) -> Option<DateOffset> {
    let mut parts = text.split_whitespace();
    let n: i64 = parts.next()?.trim_start_matches('+').parse().ok()?;
    let unit = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let months = |m: i64| {
        (m.abs() <= i64::from(MAX_SPAN_MONTHS))
            .then(|| i32::try_from(m).ok())
            .flatten()
            .map(|months| DateOffset { months, days: 0 })
    };
    let days = |d: i64| (d.abs() <= MAX_SPAN_DAYS).then_some(DateOffset { months: 0, days: d });
    match unit.trim_end_matches('s') {
        "day" => days(n),
        "week" => days(n.checked_mul(7)?),
        "month" => months(n),
        "year" => months(n.checked_mul(12)?),
        _ => None,
    }
}
