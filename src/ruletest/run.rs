//! Running cases: each order judged by the pack's engine (or by one built
//! with the case's list overrides), the rule's finding compared with the
//! expectation, every mismatch put in words.

use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::{
    Case, CaseResult, FileResult, Fires, Input, Outcome, RunReport, Suite, TestFile, TodoStatus,
};
use crate::diag::{Diagnostics, SourceFile};
use crate::engine::{Engine, Trace};
use crate::findings::{BoundEvidence, ConditionEvidence, Finding, FindingKind, Truth};
use crate::order::{self, InputFormat, Order, Record};
use crate::rules::lists::{ListTable, TableMeta};
use crate::rules::{PackFiles, RulePack};

/// Runs every case of `suite` against `pack`, whose files (for order files
/// and list overrides) are `files`. The suite must have loaded and checked
/// without errors; a name that still does not resolve makes its case an
/// error rather than a panic.
pub fn run(suite: &Suite, pack: &RulePack, files: &PackFiles) -> RunReport {
    let engine =
        Engine::with_screening(pack.clone(), Vec::new()).run_day(crate::cli::age_reference_day());
    RunReport {
        pack: pack.name.clone(),
        version: pack.version.clone(),
        origin: files.origin.clone(),
        files: suite
            .files
            .iter()
            .map(|file| run_file(file, &engine, files))
            .collect(),
    }
}

fn run_file(file: &TestFile, engine: &Engine, files: &PackFiles) -> FileResult {
    FileResult {
        path: file.path.clone(),
        cases: file
            .cases
            .iter()
            .map(|case| {
                let (orders, outcome) = run_case(case, engine, files);
                CaseResult {
                    name: case.name.clone(),
                    rule: case.rule.clone(),
                    line: case.line,
                    as_of: case.as_of,
                    orders,
                    outcome,
                }
            })
            .collect(),
    }
}

fn run_case(case: &Case, engine: &Engine, files: &PackFiles) -> (usize, Outcome) {
    let unresolved = unresolved(case, engine.pack());
    let Some(reason) = &case.todo else {
        if let Some(message) = unresolved {
            return (
                0,
                Outcome::Error {
                    code: "T020",
                    message,
                },
            );
        }
        return evaluate(case, engine, files);
    };
    let (orders, status) = match unresolved {
        Some(why) => (0, TodoStatus::NotRun(why)),
        None => match evaluate(case, engine, files) {
            (n, Outcome::Passed) => (n, TodoStatus::Passes),
            (n, Outcome::Failed(reasons)) => (n, TodoStatus::Fails(reasons)),
            (n, Outcome::Error { message, .. }) => (n, TodoStatus::NotRun(message)),
            (n, Outcome::Todo { status, .. }) => (n, status),
        },
    };
    (
        orders,
        Outcome::Todo {
            reason: reason.clone(),
            status,
        },
    )
}

/// Why the case's names do not resolve in the pack, if they do not.
fn unresolved(case: &Case, pack: &RulePack) -> Option<String> {
    let Some(rule) = pack.rules.iter().find(|r| r.id == case.rule) else {
        return Some(format!("the pack has no rule `{}` yet", case.rule));
    };
    let named = case
        .expect
        .conditions
        .iter()
        .map(|(n, _)| n)
        .chain(case.expect.values.iter().map(|(n, _)| n));
    for name in named {
        if !rule.conditions.iter().any(|c| &c.name == name) {
            return Some(format!(
                "rule `{}` has no condition `{name}` yet",
                case.rule
            ));
        }
    }
    case.lists
        .iter()
        .find(|o| !pack.lists.contains_key(&o.list))
        .map(|o| format!("the pack has no list `{}`", o.list))
}

fn evaluate(case: &Case, engine: &Engine, files: &PackFiles) -> (usize, Outcome) {
    let orders = match load_orders(case, files) {
        Ok(orders) => orders,
        Err(outcome) => return (0, outcome),
    };
    let replaced;
    let engine = if case.lists.is_empty() && case.screening.is_empty() && case.as_of.is_none() {
        engine
    } else {
        match with_lists(case, engine.pack(), files) {
            Ok(e) => {
                replaced = e;
                &replaced
            }
            Err(outcome) => return (orders.len(), outcome),
        }
    };
    let several = orders.len() > 1;
    let mut reasons = Vec::new();
    for order in &orders {
        for reason in check_order(case, engine, order) {
            reasons.push(if several {
                format!("order `{}`: {reason}", order.id)
            } else {
                reason
            });
        }
    }
    let outcome = if reasons.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(reasons)
    };
    (orders.len(), outcome)
}

fn error(code: &'static str, message: String) -> Outcome {
    Outcome::Error { code, message }
}

fn load_orders(case: &Case, files: &PackFiles) -> Result<Vec<Order>, Outcome> {
    let (text, name, format, id) = match &case.input {
        Input::Inline { json, .. } => (
            json.clone(),
            format!("{} [{}]", case.file, case.name),
            InputFormat::Json,
            None,
        ),
        Input::File { path, id } => {
            let text = files
                .files
                .get(path)
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or_else(|| error("T040", format!("order file `{path}` is not UTF-8 text")))?;
            let format = InputFormat::from_extension(path).ok_or_else(|| {
                error(
                    "T040",
                    format!("cannot tell the format of order file `{path}`"),
                )
            })?;
            (text.to_string(), path.clone(), format, id.as_deref())
        }
    };
    let records = order::from_text(&text, &name, format, None)
        .map_err(|e| error("T040", format!("cannot read `{name}`: {e}")))?;
    let mut orders = Vec::new();
    let mut problems = Vec::new();
    for record in records {
        match record {
            Record::Order(o) => {
                if id.is_none_or(|id| o.id == id) {
                    orders.push(o);
                }
            }
            Record::Error(e) => {
                if id.is_none() || e.order_id.as_deref() == id {
                    let which = match &e.order_id {
                        Some(id) => format!("order `{id}`"),
                        None => format!("the record on line {} of `{name}`", e.origin.line),
                    };
                    let details: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
                    problems.push(format!("{which} cannot be read: {}", details.join("; ")));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(error("T040", problems.join("; ")));
    }
    if orders.is_empty() {
        return Err(error(
            "T041",
            match id {
                Some(id) => format!("`{name}` has no order with id `{id}`"),
                None => format!("`{name}` holds no order"),
            },
        ));
    }
    Ok(orders)
}

/// An engine over `pack` with the case's lists replaced, its screening lists added and its
/// as-of date set.
fn with_lists(case: &Case, pack: &RulePack, files: &PackFiles) -> Result<Engine, Outcome> {
    let mut pack = pack.clone();
    for o in &case.lists {
        let unusable = |why: String| {
            error(
                "T042",
                format!(
                    "list file `{}` cannot replace list `{}`: {why}",
                    o.file, o.list
                ),
            )
        };
        let Some(original) = pack.lists.get(&o.list).cloned() else {
            return Err(unusable("the pack has no such list".into()));
        };
        let Some(text) = files
            .files
            .get(&o.file)
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            return Err(unusable("it is not UTF-8 text".into()));
        };
        let source = SourceFile::new(o.file.as_str(), text);
        let meta = TableMeta {
            file: o.file.clone(),
            digest: crate::digest::sha256_hex(text.as_bytes()),
            ..original.meta.clone()
        };
        let mut acc = Diagnostics::new();
        let parsed = ListTable::parse(
            meta,
            Some(&original.key),
            original.aliases.as_deref(),
            &source,
            &mut acc,
        );
        let Some(table) = parsed else {
            let why: Vec<String> = acc
                .iter()
                .map(|d| match d.line_col() {
                    Some((line, _)) => format!("line {line}: {}", d.message()),
                    None => d.message().to_string(),
                })
                .collect();
            return Err(unusable(why.join("; ")));
        };
        let missing: Vec<&str> = original
            .columns
            .iter()
            .filter(|c| !table.columns.contains(c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(unusable(format!(
                "it lacks column(s) `{}` the rules may read",
                missing.join("`, `")
            )));
        }
        pack.lists.insert(o.list.clone(), Arc::new(table));
    }
    let mut screening = Vec::new();
    for file in &case.screening {
        let bytes = files.files.get(file).map(Vec::as_slice).unwrap_or_default();
        match crate::screening::import::import_bytes(file, bytes) {
            Ok(list) => screening.push(list),
            Err(e) => {
                return Err(error(
                    "T043",
                    format!("screening-list file `{file}` cannot be read: {e}"),
                ))
            }
        }
    }
    let engine = Engine::with_screening(
        pack,
        screening.into_iter().flat_map(|l| l.entries).collect(),
    )
    .run_day(crate::cli::age_reference_day());
    Ok(match case.as_of {
        Some(date) => engine.as_of(date),
        None => engine,
    })
}

/// Every way one order's judgement differs from the case's expectation.
fn check_order(case: &Case, engine: &Engine, order: &Order) -> Vec<String> {
    let rule = case.rule.as_str();
    let judgement = engine.judge_order(order);
    let finding = judgement.findings.iter().find(|f| f.rule.id == rule);
    let traces = || {
        engine
            .trace(rule, order)
            .map(|t| t.combinations)
            .unwrap_or_default()
    };
    let variables = || variables(engine, rule);
    let kind = finding.map(|f| f.kind);
    let matched = matches!(
        (case.expect.fires, kind),
        (Fires::Yes, Some(FindingKind::Fired))
            | (Fires::No, None)
            | (Fires::Unknown, Some(FindingKind::Undecided))
    );
    if !matched {
        let expected = match case.expect.fires {
            Fires::Yes => format!("expected `{rule}` to fire"),
            Fires::No => format!("expected no finding of `{rule}`"),
            Fires::Unknown => format!("expected `{rule}` to be undecided"),
        };
        let got = match finding {
            Some(f) => got_finding(f),
            None => format!("got no finding: {}", why_not(&traces(), &variables())),
        };
        return vec![format!("{expected}, {got}")];
    }
    let mut reasons = Vec::new();
    if let (Some(expected), Some(f)) = (case.expect.severity, finding) {
        if f.severity != expected {
            let escalated = f
                .escalation
                .as_ref()
                .map(|e| format!(" (escalated: {e})"))
                .unwrap_or_default();
            reasons.push(format!(
                "expected severity `{expected}`, got `{}`{escalated}",
                f.severity
            ));
        }
    }
    if case.expect.conditions.is_empty() && case.expect.values.is_empty() {
        return reasons;
    }
    // The combinations that gave the outcome: those that fired, those that
    // were undecided, or (no finding) every one, all of them false.
    let want = kind.map(|k| match k {
        FindingKind::Fired => Truth::True,
        FindingKind::Undecided => Truth::Unknown,
    });
    let candidates: Vec<Trace> = traces()
        .into_iter()
        .filter(|t| want.is_none_or(|w| t.truth == w))
        .collect();
    if candidates.is_empty() {
        reasons.push(format!(
            "expected condition outcomes, got none: the order has no combination of {} to evaluate",
            variables()
        ));
        return reasons;
    }
    let Some((closest, mismatches)) = candidates
        .iter()
        .map(|t| (t, mismatches(case, t)))
        .min_by_key(|(_, m)| m.len())
    else {
        return reasons;
    };
    let at = bindings_text(&closest.bindings);
    for m in mismatches {
        reasons.push(match &at {
            Some(at) => format!("{m} (with {at})"),
            None => m,
        });
    }
    reasons
}

fn got_finding(f: &Finding) -> String {
    match f.kind {
        FindingKind::Fired => format!("got it fired ({}): {}", f.severity, f.message),
        FindingKind::Undecided => {
            format!("got an undecided finding ({}): {}", f.severity, f.message)
        }
    }
}

/// The rule's variables as `` `place`, `item` ``, or "bindings" for a rule
/// that has none.
fn variables(engine: &Engine, rule: &str) -> String {
    let names: Vec<String> = engine
        .pack()
        .rules
        .iter()
        .find(|r| r.id == rule)
        .map(|r| r.bindings.iter().map(|b| format!("`{}`", b.name)).collect())
        .unwrap_or_default();
    if names.is_empty() {
        "bindings".to_string()
    } else {
        names.join(", ")
    }
}

/// A short why-not: the combination with the most conditions true, each
/// condition's outcome and, where it did not hold, the value read.
fn why_not(traces: &[Trace], variables: &str) -> String {
    let Some(closest) = traces.iter().enumerate().max_by_key(|(i, t)| {
        let held = t
            .conditions
            .iter()
            .filter(|c| c.truth == Truth::True)
            .count();
        (held, std::cmp::Reverse(*i))
    }) else {
        return format!("the order has no combination of {variables} to evaluate");
    };
    let conditions: Vec<String> = closest.1.conditions.iter().map(outcome_text).collect();
    let conditions = conditions.join(", ");
    match (bindings_text(&closest.1.bindings), traces.len()) {
        (None, _) => conditions,
        (Some(at), 1) => format!("with {at}: {conditions}"),
        (Some(at), n) => format!("closest of {n} combinations, with {at}: {conditions}"),
    }
}

fn outcome_text(c: &ConditionEvidence) -> String {
    if c.truth == Truth::True {
        return format!("{} true", c.name);
    }
    format!("{} {}{}", c.name, c.truth.as_str(), seen_text(c))
}

/// What the condition read, for a reason: `` (`payment.amount` = `9999`) ``.
fn seen_text(c: &ConditionEvidence) -> String {
    match c.observations.first() {
        None => String::new(),
        Some(o) => match (&o.seen, &o.note) {
            (Some(seen), _) => format!(" (`{}` = `{seen}`)", o.path),
            (None, Some(note)) => format!(" (`{}` {note})", o.path),
            (None, None) => format!(" (`{}` is missing)", o.path),
        },
    }
}

fn bindings_text(bindings: &[BoundEvidence]) -> Option<String> {
    if bindings.is_empty() {
        return None;
    }
    Some(
        bindings
            .iter()
            .map(|b| format!("{} = `{}`", b.name, b.path))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The expected condition outcomes and values one combination does not show.
fn mismatches(case: &Case, trace: &Trace) -> Vec<String> {
    let evidence = |name: &str| trace.conditions.iter().find(|c| &*c.name == name);
    let mut out = Vec::new();
    for (name, expected) in &case.expect.conditions {
        match evidence(name) {
            None => out.push(format!("condition `{name}` was not evaluated")),
            Some(c) if c.truth != *expected => out.push(format!(
                "condition `{name}`: expected {}, got {}{}",
                expected.as_str(),
                c.truth.as_str(),
                seen_text(c)
            )),
            Some(_) => {}
        }
    }
    for (name, expected) in &case.expect.values {
        let Some(c) = evidence(name) else {
            out.push(format!("condition `{name}` was not evaluated"));
            continue;
        };
        let seen: Vec<&str> = c
            .observations
            .iter()
            .filter_map(|o| o.seen.as_deref())
            .collect();
        if seen.iter().any(|s| same_value(s, expected)) {
            continue;
        }
        let got = if seen.is_empty() {
            "read no value".to_string()
        } else {
            format!("read `{}`", seen.join("`, `"))
        };
        out.push(format!(
            "condition `{name}`: expected to read `{expected}`, {got}"
        ));
    }
    out
}

/// Text equal, or the same number however written (`12500.00` and `12500`).
fn same_value(seen: &str, expected: &str) -> bool {
    if seen == expected {
        return true;
    }
    match (Decimal::from_str(seen), Decimal::from_str(expected)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
