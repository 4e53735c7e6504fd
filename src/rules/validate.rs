//! Raw rules to the validated model: every name resolved, every problem reported.
//!
//! Validation never stops at the first problem. A condition that cannot be
//! resolved is still checked as far as possible, and a rule with any error is
//! left out of the model (the pack as a whole is then rejected by the loader).

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use regex::{Regex, RegexBuilder, RegexSetBuilder};
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
        "gt" | "after" | "count_gt" => Cmp::Gt,
        "gte" | "on_or_after" | "count_gte" => Cmp::Gte,
        "lt" | "before" | "count_lt" => Cmp::Lt,
        "lte" | "on_or_before" | "count_lte" => Cmp::Lte,
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

    /// Resolves a path text against the schema; `@` references are handled
    /// by the caller.
    fn path(
        &mut self,
        text: &Sp<String>,
        bindings: &[Binding],
        _conds: &[RawCondition],
    ) -> Option<PathRef> {
        let parsed = match Path::parse(&text.value) {
            Ok(p) => p,
            Err(e) => {
                let at = text.span.start + 1 + e.offset;
                self.acc.push(
                    Diagnostic::error(
                        "R022",
                        format!("invalid path `{}`: {}", text.value, e.message),
                    )
                    .at(
                        self.file,
                        at.min(text.span.end)..(at + 1).min(text.span.end),
                        "here",
                    ),
                );
                return None;
            }
        };
        let segments = parsed.segments();
        let (base, shapes, rest): (Base, Vec<Shape>, &[Segment]) = match segments.first() {
            Some(Segment::Field(first)) => match bindings.iter().position(|b| &b.name == first) {
                Some(var) => (Base::Var(var), bindings[var].shapes.clone(), &segments[1..]),
                None => (Base::Order, vec![Shape::Order], segments),
            },
            _ => (Base::Order, vec![Shape::Order], segments),
        };
        let mut result: Option<Shape> = None;
        for start in shapes {
            let shape = self.walk(start, rest, text, bindings, base)?;
            match result {
                None => result = Some(shape),
                Some(prev) if prev == shape => {}
                Some(prev) => {
                    self.err(
                        "R023",
                        format!(
                            "`{}` is {} for one source of the variable and {} for another",
                            text.value,
                            prev.name(),
                            shape.name()
                        ),
                        text.span.clone(),
                        "ambiguous type",
                    );
                    return None;
                }
            }
        }
        let rest_path = Path::from_segments(rest.to_vec());
        Some(PathRef {
            base,
            path: rest_path,
            text: text.value.clone(),
            shape: result.unwrap_or(Shape::Order),
        })
    }

    fn walk(
        &mut self,
        start: Shape,
        segments: &[Segment],
        text: &Sp<String>,
        bindings: &[Binding],
        base: Base,
    ) -> Option<Shape> {
        let mut shape = start;
        for segment in segments {
            shape = match segment {
                Segment::Field(name) => {
                    match shape.field(name) {
                        Some(next) => next,
                        None => {
                            let (what, candidates): (String, Vec<&str>) = match shape {
                                Shape::ListOf(_) => {
                                    self.err(
                                    "R024",
                                    format!("`{}` steps into a list without `[*]` or an index before `{name}`", text.value),
                                    text.span.clone(),
                                    "add `[*]` or `[0]` before this field",
                                );
                                    return None;
                                }
                                s if s.is_object() => {
                                    (s.name(), s.fields().iter().map(|(f, _)| *f).collect())
                                }
                                s => {
                                    self.err(
                                    "R024",
                                    format!("`{}` has no fields, so `{name}` cannot be read from it", s.name()),
                                    text.span.clone(),
                                    "not an object",
                                );
                                    return None;
                                }
                            };
                            let mut all = candidates.clone();
                            if matches!(base, Base::Order) && shape == Shape::Order {
                                all.extend(bindings.iter().map(|b| b.name.as_str()));
                            }
                            self.acc.push(
                                Diagnostic::error(
                                    "R024",
                                    format!("unknown field `{name}` in path `{}`", text.value),
                                )
                                .at(
                                    self.file,
                                    text.span.clone(),
                                    format!("{what} has no field `{name}`"),
                                )
                                .with_help(
                                    suggest(name, all.iter().copied()).or(Some(format!(
                                        "fields of {what}: {}",
                                        candidates.join(", ")
                                    ))),
                                ),
                            );
                            return None;
                        }
                    }
                }
                Segment::Each | Segment::Index(_) => match shape.element() {
                    Some(inner) => inner,
                    None => {
                        self.err(
                            "R024",
                            format!(
                                "`{}` indexes {}, which is not a list",
                                text.value,
                                shape.name()
                            ),
                            text.span.clone(),
                            "not a list",
                        );
                        return None;
                    }
                },
            };
        }
        Some(shape)
    }

    fn target(
        &mut self,
        text: &Sp<String>,
        index: usize,
        all: &[RawCondition],
        bindings: &[Binding],
    ) -> Option<Target> {
        if let Some(reference) = text.value.strip_prefix('@') {
            let Some((name, column)) = reference.split_once('.') else {
                self.err(
                    "R025",
                    format!(
                        "`{}` must name a condition and a column, like `@border.faces`",
                        text.value
                    ),
                    text.span.clone(),
                    "incomplete reference",
                );
                return None;
            };
            let Some(condition) = all.iter().position(|c| c.name.value == name) else {
                self.acc.push(
                    Diagnostic::error(
                        "R025",
                        format!("`@{name}` refers to no condition of this rule"),
                    )
                    .at(self.file, text.span.clone(), "unknown condition")
                    .with_help(suggest(name, all.iter().map(|c| c.name.value.as_str()))),
                );
                return None;
            };
            if condition == index {
                self.err(
                    "R025",
                    format!("condition `{name}` cannot read its own matched row"),
                    text.span.clone(),
                    "self reference",
                );
                return None;
            }
            let referenced = &all[condition];
            // An unknown or missing operator there has been reported already.
            if !referenced
                .op
                .as_ref()
                .is_some_and(|o| OPERATORS.contains(&o.value.as_str()))
            {
                return None;
            }
            let list_name = referenced.list.as_ref().map(|l| l.value.clone());
            let op = referenced
                .op
                .as_ref()
                .map(|o| o.value.as_str())
                .unwrap_or("");
            let Some(list_name) = list_name.filter(|_| {
                matches!(
                    op,
                    "in_list" | "matches_list" | "contains_any" | "starts_with"
                )
            }) else {
                self.err(
                    "R025",
                    format!("`@{name}` reads a matched list row, but condition `{name}` does not match against a list"),
                    text.span.clone(),
                    "no list row here",
                );
                return None;
            };
            if let Some(list) = self.cx.lists.get(&list_name) {
                if list.column_index(column).is_none() {
                    self.acc.push(
                        Diagnostic::error(
                            "R041",
                            format!("list `{list_name}` has no column `{column}`"),
                        )
                        .at(self.file, text.span.clone(), "unknown column")
                        .with_help(
                            suggest(column, list.columns.iter().map(String::as_str))
                                .or(Some(format!("columns: {}", list.columns.join(", ")))),
                        ),
                    );
                    return None;
                }
            }
            return Some(Target::Row {
                condition,
                condition_name: name.to_string(),
                column: column.to_string(),
                list: list_name,
            });
        }
        self.path(text, bindings, all).map(Target::Path)
    }

    fn list(&mut self, name: &Sp<String>) -> Option<Arc<ListTable>> {
        match self.cx.lists.get(&name.value) {
            Some(list) => Some(list.clone()),
            None if self.cx.declared_lists.contains(&name.value) => None,
            None => {
                self.acc.push(
                    Diagnostic::error("R030", format!("unknown list `{}`", name.value))
                        .at(self.file, name.span.clone(), "not declared in `pack.toml`")
                        .with_help(
                            suggest(&name.value, self.cx.lists.keys().map(String::as_str)).or(
                                Some(format!(
                                    "declared lists: {}",
                                    self.cx.lists.keys().cloned().collect::<Vec<_>>().join(", ")
                                )),
                            ),
                        ),
                );
                None
            }
        }
    }

    fn column(&mut self, list: &ListTable, column: Option<&Sp<String>>) -> Option<String> {
        match column {
            None => Some(list.key.clone()),
            Some(c) if list.column_index(&c.value).is_some() => Some(c.value.clone()),
            Some(c) => {
                self.acc.push(
                    Diagnostic::error(
                        "R041",
                        format!("list `{}` has no column `{}`", list.meta.name, c.value),
                    )
                    .at(self.file, c.span.clone(), "unknown column")
                    .with_help(
                        suggest(&c.value, list.columns.iter().map(String::as_str))
                            .or(Some(format!("columns: {}", list.columns.join(", ")))),
                    ),
                );
                None
            }
        }
    }

    fn members(&mut self, c: &RawCondition, op: &str) -> Option<Members> {
        match (&c.values, &c.list) {
            (Some(values), None) => {
                let mut out = Vec::new();
                for v in &values.value {
                    match &v.value {
                        Scalar::Str(s) | Scalar::Num(s) => out.push(s.clone()),
                        other => self.err(
                            "R026",
                            format!("`{op}` needs strings in `values`, not a {}", other.kind()),
                            v.span.clone(),
                            "not a string",
                        ),
                    }
                }
                Some(Members::Values(out))
            }
            (None, Some(list_name)) => {
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                Some(Members::List {
                    list: list.meta.name.clone(),
                    column,
                })
            }
            (Some(values), Some(_)) => {
                self.err(
                    "R026",
                    format!("`{op}` takes `values` or `list`, not both"),
                    values.span.clone(),
                    "one of these",
                );
                None
            }
            (None, None) => {
                self.err(
                    "R026",
                    format!("`{op}` needs `values` or `list`"),
                    c.span.clone(),
                    "incomplete condition",
                );
                None
            }
        }
    }

    fn member_strings(&self, members: &Members) -> Vec<String> {
        match members {
            Members::Values(v) => v.clone(),
            Members::List { list, column } => self
                .cx
                .lists
                .get(list)
                .map(|l| l.cells(column).map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }

    fn literal(&mut self, value: &Sp<Scalar>, shape: Shape, op: &str) -> Option<Literal> {
        let bad = |v: &mut Self, expected: &str| {
            v.acc.push(
                Diagnostic::error(
                    "R027",
                    format!(
                        "`{op}` on {} needs {expected}, not the {} `{}`",
                        shape.name(),
                        value.value.kind(),
                        value.value.text()
                    ),
                )
                .at(v.file, value.span.clone(), format!("expected {expected}")),
            );
            None
        };
        match (shape, &value.value) {
            (Shape::Date, Scalar::Date(d) | Scalar::Str(d)) => {
                match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(date) => Some(Literal::Date(date)),
                    Err(_) => bad(self, "a date `YYYY-MM-DD`"),
                }
            }
            (Shape::Date, _) => bad(self, "a date `YYYY-MM-DD`"),
            (Shape::Number, Scalar::Num(n)) => match parse_decimal(n) {
                Some(d) => Some(Literal::Number(d)),
                None => bad(self, "a number"),
            },
            (Shape::Number, _) => bad(self, "a number"),
            (Shape::Money, Scalar::Str(s)) => {
                let mut parts = s.split_whitespace();
                let amount = parts.next().and_then(parse_decimal);
                let currency = parts.next().and_then(normalize::currency);
                match (amount, currency, parts.next()) {
                    (Some(amount), Some(currency), None) => {
                        if !self.cx.has_rates {
                            self.acc.push(
                                Diagnostic::error(
                                    "R031",
                                    format!(
                                        "`{op}` compares money, but the pack has no rates table"
                                    ),
                                )
                                .at(
                                    self.file,
                                    value.span.clone(),
                                    "needs `[rates]` in `pack.toml`",
                                ),
                            );
                        }
                        Some(Literal::Money(amount, currency))
                    }
                    _ => bad(
                        self,
                        "an amount and an ISO 4217 currency like `\"10000 USD\"`",
                    ),
                }
            }
            (Shape::Money, _) => bad(
                self,
                "an amount and an ISO 4217 currency like `\"10000 USD\"`",
            ),
            (Shape::Bool, Scalar::Bool(b)) => Some(Literal::Bool(*b)),
            (Shape::Bool, _) => bad(self, "`true` or `false`"),
            (Shape::Country, Scalar::Str(s)) => match normalize::country(s) {
                Some(code) => Some(Literal::Text(code)),
                None => bad(self, "an ISO 3166-1 alpha-2 country code"),
            },
            (Shape::Hs, Scalar::Str(s) | Scalar::Num(s)) => {
                let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
                if !digits.is_empty()
                    && digits.len() <= 10
                    && digits.chars().all(|c| c.is_ascii_digit())
                {
                    Some(Literal::Text(digits))
                } else {
                    bad(self, "HS code digits")
                }
            }
            (Shape::Any, Scalar::Bool(b)) => Some(Literal::Bool(*b)),
            (Shape::Any, Scalar::Num(n)) => parse_decimal(n)
                .map(Literal::Number)
                .or_else(|| bad(self, "a number")),
            (Shape::Any, Scalar::Date(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .map(Literal::Date)
                .or_else(|| bad(self, "a date")),
            (_, Scalar::Str(s)) => Some(Literal::Text(s.clone())),
            (s, _) if s.is_textual() => bad(self, "a string"),
            _ => bad(self, "a value it can compare"),
        }
    }

    fn condition(
        &mut self,
        c: &RawCondition,
        index: usize,
        all: &[RawCondition],
        bindings: &[Binding],
    ) -> Option<Condition> {
        let Some(op_name) = &c.op else {
            self.acc.push(
                Diagnostic::error("R003", format!("condition `{}` has no `op`", c.name.value))
                    .at(self.file, c.name.span.clone(), "in this condition")
                    .with_help(format!("operators: {}", OPERATORS.join(", "))),
            );
            return None;
        };
        let op = op_name.value.as_str();
        if !OPERATORS.contains(&op) {
            let help = operator_meant(op, c.list.is_some())
                .map(|meant| format!("did you mean `{meant}`?"))
                .or_else(|| suggest(op, OPERATORS.iter().copied()))
                .unwrap_or_else(|| format!("operators: {}", OPERATORS.join(", ")));
            self.acc.push(
                Diagnostic::error("R028", format!("unknown operator `{op}`"))
                    .at(self.file, op_name.span.clone(), "not an operator")
                    .with_help(Some(help)),
            );
            return None;
        }
        let Some(path_text) = &c.path else {
            self.acc.push(
                Diagnostic::error(
                    "R003",
                    format!("condition `{}` has no `path`", c.name.value),
                )
                .at(self.file, c.name.span.clone(), "in this condition"),
            );
            return None;
        };
        let target = self.target(path_text, index, all, bindings)?;
        let shape = target.shape();
        let quantifier = match c.quantifier.as_ref().map(|q| q.value.as_str()) {
            None | Some("any") => Quantifier::Any,
            Some("all") => Quantifier::All,
            Some(other) => {
                let span = c
                    .quantifier
                    .as_ref()
                    .map(|q| q.span.clone())
                    .unwrap_or(c.span.clone());
                self.err(
                    "R029",
                    format!("unknown quantifier `{other}`; use `any` or `all`"),
                    span,
                    "not a quantifier",
                );
                return None;
            }
        };
        let if_missing = match &c.if_missing {
            None => None,
            Some(Sp {
                value: Scalar::Bool(b),
                ..
            }) => Some(*b),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "false" => Some(false),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "true" => Some(true),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "unknown" => None,
            Some(other) => {
                self.err(
                    "R029",
                    "`if_missing` must be `false`, `true` or `\"unknown\"`".to_string(),
                    other.span.clone(),
                    "invalid",
                );
                return None;
            }
        };
        let scalar = !matches!(shape, Shape::ListOf(_)) && !shape.is_object();
        let need = |v: &mut Self, ok: bool, what: &str| -> Option<()> {
            if ok {
                Some(())
            } else {
                v.acc.push(
                    Diagnostic::error(
                        "R027",
                        format!(
                            "`{op}` needs {what}, but `{}` is {}",
                            target.text(),
                            shape.name()
                        ),
                    )
                    .at(
                        v.file,
                        path_text.span.clone(),
                        format!("{} here", shape.name()),
                    )
                    .with_help(operator_hint(shape)),
                );
                None
            }
        };
        let rate_date = match c.rate_date.as_ref().map(|r| r.value.as_str()) {
            None | Some("date") => RateDate::OrderDate,
            Some("ship_date") => RateDate::ShipDate,
            Some(other) => {
                let span = c
                    .rate_date
                    .as_ref()
                    .map(|r| r.span.clone())
                    .unwrap_or(c.span.clone());
                self.err(
                    "R029",
                    format!("`rate_date` must be `date` or `ship_date`, not `{other}`"),
                    span,
                    "invalid",
                );
                return None;
            }
        };
        let offset = match &c.offset {
            None => None,
            Some(o) => match parse_offset(&o.value) {
                Some(off) => Some(off),
                None => {
                    self.err(
                        "R027",
                        format!(
                            "invalid offset `{}`; write it like `-6 months` or `30 days`, at most 100 years",
                            o.value
                        ),
                        o.span.clone(),
                        "invalid offset",
                    );
                    return None;
                }
            },
        };
        let op_model = match op {
            "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "before" | "after" | "on_or_before"
            | "on_or_after" => {
                let cmp = op_cmp(op)?;
                let ordered = matches!(op, "gt" | "gte" | "lt" | "lte");
                let dated = matches!(op, "before" | "after" | "on_or_before" | "on_or_after");
                if dated {
                    need(self, matches!(shape, Shape::Date | Shape::Any), "a date")?;
                } else if ordered {
                    need(
                        self,
                        matches!(
                            shape,
                            Shape::Number | Shape::Money | Shape::Date | Shape::Any
                        ),
                        "a number, amount or date",
                    )?;
                } else {
                    need(self, scalar, "a single value")?;
                }
                if offset.is_some() && !matches!(shape, Shape::Date) {
                    let span = c
                        .offset
                        .as_ref()
                        .map(|o| o.span.clone())
                        .unwrap_or(c.span.clone());
                    self.err(
                        "R027",
                        "`offset` only applies to dates".to_string(),
                        span,
                        "not a date comparison",
                    );
                }
                let compare_shape = if dated { Shape::Date } else { shape };
                let operand = match (&c.value, &c.field) {
                    (Some(value), None) => {
                        Operand::Literal(self.literal(value, compare_shape, op)?)
                    }
                    (None, Some(field)) => {
                        let other = self.target(field, index, all, bindings)?;
                        let compatible = other.shape() == compare_shape
                            || (other.shape().is_textual() && compare_shape.is_textual())
                            || other.shape() == Shape::Any
                            || compare_shape == Shape::Any;
                        if !compatible {
                            self.err(
                                "R027",
                                format!(
                                    "cannot compare {} `{}` with {} `{}`",
                                    compare_shape.name(),
                                    target.text(),
                                    other.shape().name(),
                                    other.text()
                                ),
                                field.span.clone(),
                                "incompatible types",
                            );
                            return None;
                        }
                        Operand::Field(other)
                    }
                    (Some(value), Some(_)) => {
                        self.err(
                            "R026",
                            format!("`{op}` takes `value` or `field`, not both"),
                            value.span.clone(),
                            "one of these",
                        );
                        return None;
                    }
                    (None, None) => {
                        self.err(
                            "R026",
                            format!("`{op}` needs `value` or `field`"),
                            c.span.clone(),
                            "incomplete condition",
                        );
                        return None;
                    }
                };
                if let Operand::Literal(Literal::Money(..)) = operand {
                    if !matches!(cmp, Cmp::Gt | Cmp::Gte | Cmp::Lt | Cmp::Lte)
                        && shape == Shape::Money
                    {
                        // Equality of converted amounts is almost never what an author means.
                        let span = c
                            .value
                            .as_ref()
                            .map(|v| v.span.clone())
                            .unwrap_or(c.span.clone());
                        self.acc.push(
                            Diagnostic::warning(
                                "R032",
                                "money compared for equality after conversion rarely holds",
                            )
                            .at(self.file, span, "use `gte` or `lte`"),
                        );
                    }
                }
                Op::Compare {
                    cmp,
                    operand,
                    case_sensitive: c.case_sensitive.as_ref().map(|b| b.value).unwrap_or(false),
                    offset,
                    rate_date,
                }
            }
            "in" => {
                need(self, scalar, "a single value")?;
                let Some(values) = &c.values else {
                    let help = if c.list.is_some() {
                        "to look a value up in a list, use `op = \"in_list\"`"
                    } else {
                        "give the accepted values: `values = [\"KP\", \"IR\"]`"
                    };
                    self.acc.push(
                        Diagnostic::error("R026", "`in` needs `values`")
                            .at(self.file, c.span.clone(), "incomplete condition")
                            .with_help(Some(help.to_string())),
                    );
                    return None;
                };
                let mut out = Vec::new();
                for v in &values.value {
                    out.push(self.literal(v, shape, op)?);
                }
                Op::In { values: out }
            }
            "in_list" => {
                need(self, shape.is_textual(), "text or a code")?;
                let Some(list_name) = &c.list else {
                    self.err(
                        "R026",
                        "`in_list` needs `list`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                let mut also = Vec::new();
                for (col, path) in &c.match_columns {
                    let col_name = self.column(&list, Some(col))?;
                    let t = self.target(path, index, all, bindings)?;
                    also.push((col_name, t));
                }
                Op::InList {
                    list: list.meta.name.clone(),
                    column,
                    also,
                }
            }
            "in_field" => {
                need(self, scalar, "a single value")?;
                let Some(field) = &c.field else {
                    self.err(
                        "R026",
                        "`in_field` needs `field`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let other = self.target(field, index, all, bindings)?;
                Op::InField { field: other }
            }
            "matches" => {
                need(self, shape.is_textual(), "text")?;
                let Some(pattern) = &c.pattern else {
                    self.err(
                        "R026",
                        "`matches` needs `pattern`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let case_sensitive = c.case_sensitive.as_ref().map(|b| b.value).unwrap_or(false);
                match RegexBuilder::new(&pattern.value)
                    .case_insensitive(!case_sensitive)
                    .size_limit(1 << 20)
                    .build()
                {
                    Ok(regex) => Op::Matches { regex },
                    Err(e) => {
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!("pattern `{}` does not compile", pattern.value),
                            )
                            .at(
                                self.file,
                                pattern.span.clone(),
                                "invalid regular expression",
                            )
                            .with_help(first_error_line(&e.to_string())),
                        );
                        return None;
                    }
                }
            }
            "matches_list" => {
                need(self, shape.is_textual(), "text")?;
                let Some(list_name) = &c.list else {
                    self.err(
                        "R026",
                        "`matches_list` needs `list`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                let patterns: Vec<&str> = list.cells(&column).collect();
                for (row, p) in list.rows.iter().zip(&patterns) {
                    if let Err(e) = Regex::new(p) {
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!(
                                    "pattern `{p}` on line {} of list `{}` does not compile",
                                    row.line, list.meta.name
                                ),
                            )
                            .at(self.file, list_name.span.clone(), "list used here")
                            .with_help(first_error_line(&e.to_string())),
                        );
                        return None;
                    }
                }
                let set = match RegexSetBuilder::new(&patterns)
                    .case_insensitive(true)
                    .size_limit(PATTERN_SET_LIMIT)
                    .build()
                {
                    Ok(set) => set,
                    Err(e) => {
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!(
                                    "the {} patterns of list `{}` do not compile together",
                                    patterns.len(),
                                    list.meta.name
                                ),
                            )
                            .at(self.file, list_name.span.clone(), "list used here")
                            .with_help(Some(format!(
                                "{}; split the list, or simplify its patterns (the compiled set may take at most {} MiB)",
                                first_error_line(&e.to_string()).trim_end_matches('.'),
                                PATTERN_SET_LIMIT >> 20
                            ))),
                        );
                        return None;
                    }
                };
                Op::MatchesList {
                    list: list.meta.name.clone(),
                    column,
                    set,
                }
            }
            "contains_any" => {
                need(self, shape.is_textual(), "text")?;
                let members = self.members(c, op)?;
                let words = self.member_strings(&members);
                let patterns: Vec<String> = words
                    .iter()
                    .map(|w| {
                        format!(
                            r"\b{}\b",
                            regex::escape(w.trim())
                                .replace(r"\ ", r"\s+")
                                .replace(' ', r"\s+")
                        )
                    })
                    .collect();
                match RegexSetBuilder::new(&patterns)
                    .case_insensitive(true)
                    .size_limit(PATTERN_SET_LIMIT)
                    .build()
                {
                    Ok(set) => Op::ContainsAny { members, set },
                    Err(e) => {
                        self.err(
                            "R033",
                            format!(
                                "the words of `{}` do not make a valid pattern: {}",
                                c.name.value,
                                first_error_line(&e.to_string())
                            ),
                            c.span.clone(),
                            "here",
                        );
                        return None;
                    }
                }
            }
            "starts_with" => {
                need(self, shape.is_textual(), "text or a code")?;
                let members = self.members(c, op)?;
                Op::StartsWith { members }
            }
            "within" => {
                need(self, shape == Shape::Date, "a date")?;
                let Some(field) = &c.field else {
                    self.err(
                        "R026",
                        "`within` needs `field` and `days` or `months`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let other = self.target(field, index, all, bindings)?;
                if other.shape() != Shape::Date {
                    self.err(
                        "R027",
                        format!(
                            "`within` compares dates, but `{}` is {}",
                            other.text(),
                            other.shape().name()
                        ),
                        field.span.clone(),
                        "not a date",
                    );
                    return None;
                }
                let days = c.days.as_ref().map(|d| d.value).unwrap_or(0);
                let months = c.months.as_ref().map(|m| m.value).unwrap_or(0);
                if days < 0 || months < 0 || (days == 0 && months == 0) {
                    self.err(
                        "R027",
                        "`within` needs a positive `days` or `months`".to_string(),
                        c.span.clone(),
                        "no span of time",
                    );
                    return None;
                }
                if days > MAX_SPAN_DAYS || months > i64::from(MAX_SPAN_MONTHS) {
                    self.err(
                        "R027",
                        format!("`within` spans at most {MAX_SPAN_MONTHS} months or {MAX_SPAN_DAYS} days (100 years)"),
                        c.span.clone(),
                        "too long a span",
                    );
                    return None;
                }
                Op::Within {
                    field: other,
                    months: months as i32,
                    days,
                }
            }
            "exists" => Op::Exists,
            "missing" => Op::Missing,
            "blank" => Op::Blank,
            "screen" => {
                need(self, shape == Shape::Party, "a party")?;
                self.screen(c)?
            }
            "invalid_id" => {
                need(self, shape == Shape::PartyId, "a party identifier")?;
                Op::InvalidId
            }
            "is_true" | "is_false" => {
                need(self, matches!(shape, Shape::Bool | Shape::Any), "a boolean")?;
                if op == "is_true" {
                    Op::IsTrue
                } else {
                    Op::IsFalse
                }
            }
            _ => {
                // count_* operators.
                let cmp = op_cmp(op)?;
                need(
                    self,
                    matches!(shape, Shape::ListOf(_) | Shape::Attributes | Shape::Any),
                    "a list",
                )?;
                let n = match &c.value {
                    Some(Sp {
                        value: Scalar::Num(n),
                        ..
                    }) => n.parse::<u64>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    self.err(
                        "R026",
                        format!("`{op}` needs a whole number `value`"),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                Op::Count { cmp, n }
            }
        };
        if !matches!(op_model, Op::Screen(_)) {
            let stray = [
                c.lists.as_ref().map(|l| ("lists", l.span.clone())),
                c.min_score.as_ref().map(|l| ("min_score", l.span.clone())),
                c.below_score
                    .as_ref()
                    .map(|l| ("below_score", l.span.clone())),
                c.listed.as_ref().map(|l| ("listed", l.span.clone())),
                c.match_on.as_ref().map(|l| ("match_on", l.span.clone())),
            ];
            for (key, span) in stray.into_iter().flatten() {
                self.acc.push(
                    Diagnostic::warning(
                        "R034",
                        format!("`{key}` has no effect on `{op}`; it belongs to `screen`"),
                    )
                    .at(self.file, span, "no effect"),
                );
            }
        }
        if matches!(op_model, Op::Exists | Op::Missing | Op::Blank) && c.if_missing.is_some() {
            let span = c
                .if_missing
                .as_ref()
                .map(|m| m.span.clone())
                .unwrap_or(c.span.clone());
            self.acc.push(
                Diagnostic::warning(
                    "R034",
                    format!("`if_missing` has no effect on `{op}`, which is never unknown"),
                )
                .at(self.file, span, "no effect"),
            );
        }
        if quantifier == Quantifier::All
            && !matches!(&target, Target::Path(p) if p.path.has_wildcard())
        {
            let span = c
                .quantifier
                .as_ref()
                .map(|q| q.span.clone())
                .unwrap_or(c.span.clone());
            self.acc.push(
                Diagnostic::warning(
                    "R034",
                    "`quantifier = \"all\"` has no effect on a path without `[*]`",
                )
                .at(self.file, span, "no effect"),
            );
        }
        Some(Condition {
            name: c.name.value.clone(),
            op_name: op.to_string(),
            target,
            op: op_model,
            quantifier,
            if_missing,
        })
    }

    /// The operands of `screen`: thresholds in `0..=1`, the listing filter and what a match
    /// may rest on.
    fn screen(&mut self, c: &RawCondition) -> Option<Op> {
        let score =
            |v: &mut Self, raw: &Option<Sp<Scalar>>, key: &str| -> Result<Option<Decimal>, ()> {
                let Some(raw) = raw else {
                    return Ok(None);
                };
                let parsed = match &raw.value {
                    Scalar::Num(n) => parse_decimal(n),
                    _ => None,
                };
                match parsed {
                    Some(d) if d >= Decimal::ZERO && d <= Decimal::ONE => Ok(Some(d)),
                    _ => {
                        v.err(
                            "R035",
                            format!(
                                "`{key}` must be a number from 0 to 1, not `{}`",
                                raw.value.text()
                            ),
                            raw.span.clone(),
                            "not a score",
                        );
                        Err(())
                    }
                }
            };
        let min_score = score(self, &c.min_score, "min_score");
        let below_score = score(self, &c.below_score, "below_score");
        let listed = match c.listed.as_ref().map(|l| l.value.as_str()) {
            None | Some("at_shipment") => Some(ListedFilter::AtShipment),
            Some("after_shipment") => Some(ListedFilter::AfterShipment),
            Some("any") => Some(ListedFilter::Any),
            Some(other) => {
                let span = c
                    .listed
                    .as_ref()
                    .map(|l| l.span.clone())
                    .unwrap_or(c.span.clone());
                self.acc.push(
                    Diagnostic::error("R035", format!("unknown listing filter `{other}`"))
                        .at(self.file, span, "not a filter")
                        .with_help(Some(
                            "use `at_shipment`, `after_shipment` or `any`".to_string(),
                        )),
                );
                None
            }
        };
        let match_on = match c.match_on.as_ref().map(|m| m.value.as_str()) {
            None | Some("any") => Some(MatchOn::Any),
            Some("id") => Some(MatchOn::Id),
            Some("name") => Some(MatchOn::Name),
            Some(other) => {
                let span = c
                    .match_on
                    .as_ref()
                    .map(|m| m.span.clone())
                    .unwrap_or(c.span.clone());
                self.acc.push(
                    Diagnostic::error("R035", format!("unknown match basis `{other}`"))
                        .at(self.file, span, "not a basis")
                        .with_help(Some("use `any`, `id` or `name`".to_string())),
                );
                None
            }
        };
        // Every problem above is reported before giving up on the condition.
        let (Ok(min_score), Ok(below_score), Some(listed), Some(match_on)) =
            (min_score, below_score, listed, match_on)
        else {
            return None;
        };
        let Some(min_score) = min_score else {
            self.err(
                "R026",
                "`screen` needs `min_score`, the lowest score that counts as a match".to_string(),
                c.span.clone(),
                "incomplete condition",
            );
            return None;
        };
        if let (Some(below), Some(raw)) = (below_score, &c.below_score) {
            if below <= min_score {
                self.err(
                    "R035",
                    format!("`below_score` `{below}` must be above `min_score` `{min_score}`"),
                    raw.span.clone(),
                    "empty band",
                );
                return None;
            }
        }
        let mut lists = Vec::new();
        for item in c.lists.iter().flat_map(|l| l.value.iter()) {
            match &item.value {
                Scalar::Str(name) if !name.trim().is_empty() => lists.push(name.trim().to_string()),
                other => self.err(
                    "R035",
                    format!("`lists` names screening lists, not `{}`", other.text()),
                    item.span.clone(),
                    "not a list name",
                ),
            }
        }
        Some(Op::Screen(ScreenSpec {
            lists,
            min_score,
            below_score,
            listed,
            match_on,
        }))
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
        Shape::Number | Shape::Money => "eq, ne, gt, gte, lt, lte, exists, missing",
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
