//! Rendering explanations (`redflag explain`): text for people and JSON
//! (schema `redflag.explain/1`).
//!
//! The explanation arrives typed from `crate::explain`; this module only
//! lays it out and words the why-not reasons. Amounts are written with
//! thousands separators from their decimals, never through a float.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::escape::{push_line as line, visible};
use super::json::{condition_json, finding_json};
use crate::explain::*;
use crate::findings::*;
use crate::rules::model::Cmp;

/// The schema identifier of the JSON document.
pub const SCHEMA: &str = "redflag.explain/1";

fn mark(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "✔",
        Truth::False => "✘",
        Truth::Unknown => "?",
    }
}

/// A rule in plain words, as text. Every line is made visible (see [`super::escape`]): rule
/// packs, test names and order data cannot act on the terminal.
pub fn rule_text(r: &RuleExplanation) -> String {
    let mut out = String::new();
    out.push_str(&header(r));
    let mut facts = vec![format!("severity {}", r.severity)];
    if r.on_unknown != r.severity {
        facts.push(format!("{} when undecided", r.on_unknown));
    }
    if !r.family.is_empty() {
        facts.push(format!("family {}", r.family));
    }
    facts.push(format!("status {}", r.status));
    facts.push(format!("{} line {}", r.file, r.line));
    line(&mut out, &facts.join(" · "));
    out.push('\n');

    out.push_str(&what_it_checks(r));

    if !r.escalations.is_empty() {
        out.push('\n');
        for e in &r.escalations {
            let reason = if e.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", e.reason)
            };
            line(
                &mut out,
                &format!(
                    "raised to {} when `{}` holds or cannot be ruled out{reason}",
                    e.severity, e.condition
                ),
            );
        }
    }
    out.push('\n');
    if !r.why.is_empty() {
        line(&mut out, &format!("why: {}", r.why));
    }
    if !r.action.is_empty() {
        line(&mut out, &format!("action: {}", r.action));
    }
    line(&mut out, &format!("message: {}", r.message));
    if !r.red_flags.is_empty() {
        line(&mut out, &format!("red flags: {}", r.red_flags.join(", ")));
    }
    if !r.icp.is_empty() {
        line(&mut out, &format!("ICP elements: {}", r.icp.join(", ")));
    }
    if r.references.is_empty() {
        line(&mut out, "references: none");
    } else {
        line(&mut out, "references:");
        for reference in &r.references {
            match &reference.url {
                Some(url) => line(&mut out, &format!("  - {} <{url}>", reference.cite)),
                None => line(&mut out, &format!("  - {}", reference.cite)),
            }
        }
    }
    out.push_str(&tests_text(&r.tests));
    out
}

fn header(r: &RuleExplanation) -> String {
    let mut out = String::new();
    line(&mut out, &format!("{} v{}: {}", r.id, r.version, r.title));
    out
}

/// Names made visible, and the width of the widest, for aligned columns.
fn aligned<'a>(names: impl Iterator<Item = &'a str>) -> (Vec<Cow<'a, str>>, usize) {
    let names: Vec<Cow<str>> = names.map(visible).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    (names, width)
}

fn what_it_checks(r: &RuleExplanation) -> String {
    let mut out = String::new();
    if !r.bindings.is_empty() {
        line(&mut out, "for each combination of");
        let (names, width) = aligned(r.bindings.iter().map(|b| b.name.as_str()));
        for (b, name) in r.bindings.iter().zip(&names) {
            line(
                &mut out,
                &format!("  {name:<width$}  {} ({})", b.takes, b.sources.join(", ")),
            );
        }
        line(
            &mut out,
            &format!(
                "it fires when, for some combination, `{}` holds, where",
                r.condition
            ),
        );
    } else {
        line(
            &mut out,
            &format!("it fires when `{}` holds, where", r.condition),
        );
    }
    let (names, width) = aligned(r.conditions.iter().map(|c| c.name.as_str()));
    for (c, name) in r.conditions.iter().zip(&names) {
        line(&mut out, &format!("  {name:<width$}  {}", c.sentence));
        line(
            &mut out,
            &format!("  {:<width$}  ({} {}; {})", "", c.path, c.op, c.if_missing),
        );
    }
    out
}

fn tests_text(tests: &[TestCase]) -> String {
    let mut out = String::new();
    if tests.is_empty() {
        line(&mut out, "tests: no tests");
        return out;
    }
    line(&mut out, &format!("tests ({}):", tests.len()));
    for t in tests {
        let expect = match t.fires {
            Some(true) => "fires",
            Some(false) => "does not fire",
            None => "no expectation",
        };
        let todo = t
            .todo
            .as_ref()
            .map(|r| format!(" (todo: {r})"))
            .unwrap_or_default();
        line(
            &mut out,
            &format!("  {}: {} ({expect}){todo}", t.file, t.name),
        );
    }
    out
}

/// A rule's run on one order, as text; every line made visible, as in [`rule_text`].
pub fn order_text(e: &OrderExplanation) -> String {
    let r = &e.rule;
    let mut out = header(r);
    line(
        &mut out,
        &format!("order {} ({}:{})", e.order_id, e.origin.file, e.origin.line),
    );
    out.push_str(&result_text(e));
    out.push('\n');
    out.push_str(&what_it_checks(r));
    let total = e.combinations.len();
    for (i, c) in e.combinations.iter().enumerate() {
        out.push('\n');
        let state = match (c.truth, c.bindings.is_empty()) {
            (Truth::True, false) => "fires",
            (Truth::False, false) => "does not fire",
            (Truth::True, true) => "is true",
            (Truth::False, true) => "is false",
            (Truth::Unknown, _) => "cannot be decided",
        };
        if c.bindings.is_empty() {
            line(&mut out, &format!("`{}` {state}:", r.condition));
        } else {
            line(
                &mut out,
                &format!("combination {} of {total}: {state}", i + 1),
            );
            for b in &c.bindings {
                line(
                    &mut out,
                    &format!("  {} = {} ({})", b.name, b.path, b.label),
                );
            }
        }
        out.push_str(&combination_text(c));
    }
    out
}

fn result_text(e: &OrderExplanation) -> String {
    let r = &e.rule;
    let total = e.combinations.len();
    let mut out = String::new();
    match e.outcome {
        Outcome::Fired => {
            let fired = e
                .combinations
                .iter()
                .filter(|c| c.truth == Truth::True)
                .count();
            let severity = e.finding.as_ref().map(|f| f.severity).unwrap_or(r.severity);
            let of = match (&e.finding, e.overflow) {
                (Some(f), Some(_)) => format!(" in {} combinations", f.matches),
                _ if total > 1 => format!(" in {fired} of {total} combinations"),
                _ => String::new(),
            };
            line(&mut out, &format!("result: fired{of} · {severity}"));
            if let Some(f) = &e.finding {
                line(&mut out, &format!("message: {}", f.message));
                if let Some(reason) = &f.escalation {
                    line(
                        &mut out,
                        &format!("raised from {} to {}: {reason}", r.severity, f.severity),
                    );
                }
            }
        }
        Outcome::Undecided => {
            let severity = e
                .finding
                .as_ref()
                .map(|f| f.severity)
                .unwrap_or(r.on_unknown);
            line(
                &mut out,
                &format!("result: undecided · {severity} (fails closed)"),
            );
            if let Some(f) = &e.finding {
                line(&mut out, &format!("message: {}", f.message));
            }
        }
        Outcome::NotFired if total == 0 => {
            line(
                &mut out,
                "result: not fired: there is no combination to evaluate",
            );
            for b in &e.empty {
                line(
                    &mut out,
                    &format!(
                        "  `{}` had nothing to take ({}: {})",
                        b.name,
                        b.takes,
                        b.sources.join(", ")
                    ),
                );
            }
        }
        Outcome::NotFired => {
            let every = if e.overflow.is_some() {
                " in every combination".to_string()
            } else if total > 1 {
                format!(" in all {total} combinations")
            } else {
                String::new()
            };
            line(
                &mut out,
                &format!("result: not fired: `{}` is false{every}", r.condition),
            );
        }
    }
    if let Some(why) = e.finding.as_ref().and_then(|f| f.later.as_ref()) {
        line(
            &mut out,
            &format!("lookback, not the law at shipment: {why}"),
        );
    }
    if e.lookback {
        line(
            &mut out,
            "with the rows in force at shipment it does not fire; the combinations below also count rows that came into force after the shipment",
        );
    }
    if let Some(limit) = e.overflow {
        line(
            &mut out,
            &format!(
                "the order has more than {limit} combinations; only the first {limit} are shown, and the result comes from all of them"
            ),
        );
    }
    out
}

fn combination_text(c: &Combination) -> String {
    let mut out = String::new();
    for e in &c.conditions {
        line(&mut out, &format!("  {} {}", mark(e.truth), e.name));
        if e.observations.is_empty() {
            line(&mut out, &format!("      {}: no value", e.path));
        }
        for o in &e.observations {
            line(
                &mut out,
                &format!("      {} {}", mark(o.holds), super::observation_line(o)),
            );
        }
        if e.more > 0 {
            line(&mut out, &format!("      (+{} more)", e.more));
        }
    }
    for (esc, truth) in &c.escalations {
        let how = if *truth == Truth::Unknown {
            "cannot be ruled out"
        } else {
            "holds"
        };
        line(
            &mut out,
            &format!(
                "  escalation to {}: `{}` {how}",
                esc.severity, esc.condition
            ),
        );
    }
    if !c.why_not.is_empty() {
        line(&mut out, "  why not:");
        for w in &c.why_not {
            for text in why_not_lines(w) {
                line(&mut out, &format!("    {text}"));
            }
        }
    }
    out
}

/// The why-not of one condition, one line per value.
pub fn why_not_lines(w: &WhyNot) -> Vec<String> {
    let lead = match (w.wanted, w.truth) {
        (true, Truth::Unknown) => format!("`{}` cannot be decided", w.condition),
        (true, _) => format!("`{}` does not hold", w.condition),
        (false, Truth::Unknown) => format!(
            "`{}` cannot be ruled out, and the rule needs it not to hold",
            w.condition
        ),
        (false, _) => format!("`{}` holds, and the rule needs it not to", w.condition),
    };
    if w.reasons.is_empty() {
        return vec![lead];
    }
    w.reasons
        .iter()
        .map(|r| format!("{lead}: {}", reason_text(r)))
        .collect()
}

/// One why-not reason in words: "`payment.amount` 8,000 EUR (8,659.03 USD)
/// is below the 10,000 USD threshold by 1,340.97 USD".
pub fn reason_text(r: &Reason) -> String {
    match r {
        Reason::Compared {
            path,
            comparison,
            operand,
            literal,
            offset,
        } => compared_text(path, comparison, operand, *literal, *offset),
        Reason::NotInList {
            path,
            seen,
            list,
            column,
        } => format!("`{path}` = `{seen}` is not a `{column}` in list `{list}`"),
        Reason::Mismatch {
            path,
            seen,
            expected,
            note,
        } => match note {
            Some(note) => format!("`{path}` = `{seen}`, expected {expected}; {note}"),
            None => format!("`{path}` = `{seen}`, expected {expected}"),
        },
        Reason::Held {
            path,
            seen,
            expected,
        } => match seen {
            Some(seen) => format!("`{path}` = `{seen}` is {expected}"),
            None => format!("`{path}` is {expected}"),
        },
        Reason::Missing { path, counted_as } => match counted_as {
            Some(b) => format!("`{path}` is missing, which the rule counts as {b}"),
            None => format!("`{path}` is missing"),
        },
        Reason::Unknown { path, seen, note } => match seen {
            Some(seen) => format!("`{path}` = `{seen}` {note}"),
            None => format!("`{path}` {note}"),
        },
        Reason::NoValue { path } => format!("`{path}` reaches no value"),
    }
}

fn compared_text(
    path: &str,
    c: &Comparison,
    operand: &str,
    literal: bool,
    offset: Option<crate::rules::model::DateOffset>,
) -> String {
    if let (Quantity::Count(n), Quantity::Count(m)) = (&c.left, &c.right) {
        let members = if *n == 1 { "member" } else { "members" };
        return format!(
            "`{path}` has {n} {members}; the rule needs {} {m}",
            cmp_words(c.cmp, false)
        );
    }
    let dated = matches!(c.left, Quantity::Date(_));
    let base = c.converted.as_ref().map(|(_, _, b)| b.as_str());
    let left = match (&c.left, &c.converted) {
        (Quantity::Money(amount, currency), Some((converted, _, base))) if currency != base => {
            format!(
                "`{path}` {} {currency} ({} {base})",
                money(amount),
                money(converted)
            )
        }
        (q, _) => format!("`{path}` {}", quantity(q)),
    };
    let right_value = match (&c.right, &c.converted) {
        (Quantity::Money(amount, currency), Some((_, converted, base))) if currency != base => {
            format!("{} {currency} ({} {base})", money(amount), money(converted))
        }
        (q, _) => quantity(q),
    };
    let right = if literal {
        match &c.right {
            Quantity::Money(..) | Quantity::Number(_) => format!("the {right_value} threshold"),
            _ => right_value,
        }
    } else {
        match offset {
            Some(o) => format!("{right_value} (`{operand}` {o})"),
            None => format!("`{operand}` {right_value}"),
        }
    };
    // What was actually compared: the converted amounts for money.
    let (l, r) = match (&c.converted, &c.left, &c.right) {
        (Some((l, r, _)), _, _) => (Side::Num(*l), Side::Num(*r)),
        (None, Quantity::Number(l), Quantity::Number(r)) => (Side::Num(*l), Side::Num(*r)),
        (None, Quantity::Date(l), Quantity::Date(r)) => (Side::Date(*l), Side::Date(*r)),
        _ => return format!("{left} compared with {right}"),
    };
    let (relation, by) = match (l, r) {
        (Side::Num(l), Side::Num(r)) => {
            // Amounts near the limits of a decimal cannot be subtracted: say so, do not panic.
            let by = match (l.checked_sub(r).map(|d| d.abs()), base) {
                (Some(diff), Some(b)) => format!("{} {b}", money(&diff)),
                (Some(diff), None) => crate::explain::amount_text(&diff),
                (None, _) => "more than redflag can count".to_string(),
            };
            (l.cmp(&r), by)
        }
        (Side::Date(l), Side::Date(r)) => {
            let days = (l - r).num_days().abs();
            let by = if days == 1 {
                "1 day".to_string()
            } else {
                format!("{} days", crate::explain::amount_text(&Decimal::from(days)))
            };
            (l.cmp(&r), by)
        }
        _ => return format!("{left} compared with {right}"),
    };
    use std::cmp::Ordering::*;
    let (below, above) = if dated {
        ("before", "after")
    } else {
        ("below", "above")
    };
    match relation {
        Less => format!("{left} is {below} {right} by {by}"),
        Greater => format!("{left} is {above} {right} by {by}"),
        Equal => match c.cmp {
            Cmp::Gt | Cmp::Lt => format!(
                "{left} equals {right}; the rule needs {} it",
                cmp_words(c.cmp, dated)
            ),
            _ => format!("{left} equals {right}"),
        },
    }
}

#[derive(Clone, Copy)]
enum Side {
    Num(Decimal),
    Date(chrono::NaiveDate),
}

fn cmp_words(cmp: Cmp, dated: bool) -> &'static str {
    match (cmp, dated) {
        (Cmp::Eq, _) => "exactly",
        (Cmp::Ne, _) => "other than",
        (Cmp::Gt, false) => "more than",
        (Cmp::Gte, false) => "at least",
        (Cmp::Lt, false) => "less than",
        (Cmp::Lte, false) => "at most",
        (Cmp::Gt, true) => "after",
        (Cmp::Gte, true) => "on or after",
        (Cmp::Lt, true) => "before",
        (Cmp::Lte, true) => "on or before",
    }
}

/// An amount of money: at most two decimals, grouped.
fn money(amount: &Decimal) -> String {
    crate::explain::amount_text(&amount.round_dp(2))
}

fn quantity(q: &Quantity) -> String {
    match q {
        Quantity::Number(n) => crate::explain::amount_text(n),
        Quantity::Money(n, currency) => format!("{} {currency}", money(n)),
        Quantity::Date(d) => d.format("%Y-%m-%d").to_string(),
        Quantity::Count(n) => n.to_string(),
    }
}

/// A rule in plain words, as JSON.
pub fn rule_json(r: &RuleExplanation) -> Json {
    json!({
        "schema": SCHEMA,
        "rule": rule_fields(r),
    })
}

fn rule_fields(r: &RuleExplanation) -> Json {
    json!({
        "id": r.id,
        "version": r.version,
        "title": r.title,
        "severity": r.severity.as_str(),
        "on_unknown": r.on_unknown.as_str(),
        "family": r.family,
        "status": r.status,
        "file": r.file,
        "line": r.line,
        "for_each": r.bindings.iter().map(|b| json!({
            "name": b.name,
            "sources": b.sources,
            "takes": b.takes,
        })).collect::<Vec<_>>(),
        "condition": r.condition,
        "conditions": r.conditions.iter().map(|c| json!({
            "name": c.name,
            "op": c.op,
            "path": c.path,
            "sentence": c.sentence,
            "if_missing": c.if_missing,
        })).collect::<Vec<_>>(),
        "escalate": r.escalations.iter().map(|e| json!({
            "condition": e.condition,
            "severity": e.severity.as_str(),
            "reason": e.reason,
        })).collect::<Vec<_>>(),
        "message": r.message,
        "why": r.why,
        "action": r.action,
        "red_flags": r.red_flags,
        "icp": r.icp,
        "references": r.references.iter().map(|x| json!({"cite": x.cite, "url": x.url})).collect::<Vec<_>>(),
        "tests": r.tests.iter().map(|t| json!({
            "file": t.file,
            "name": t.name,
            "fires": t.fires,
            "todo": t.todo,
        })).collect::<Vec<_>>(),
    })
}

/// A rule's run on one order, as JSON.
pub fn order_json(e: &OrderExplanation) -> Json {
    json!({
        "schema": SCHEMA,
        "rule": rule_fields(&e.rule),
        "order": {
            "id": e.order_id,
            "file": e.origin.file,
            "line": e.origin.line,
        },
        "outcome": match e.outcome {
            Outcome::Fired => "fired",
            Outcome::NotFired => "not_fired",
            Outcome::Undecided => "undecided",
        },
        "finding": e.finding.as_ref().map(finding_json),
        "overflow": e.overflow,
        "lookback": e.lookback,
        "empty": e.empty.iter().map(|b| b.name.clone()).collect::<Vec<_>>(),
        "combinations": e.combinations.iter().map(|c| json!({
            "bindings": c.bindings.iter().map(|b| json!({"name": b.name, "path": b.path, "label": b.label})).collect::<Vec<_>>(),
            "truth": c.truth.as_str(),
            "evidence": c.conditions.iter().map(condition_json).collect::<Vec<_>>(),
            "escalations": c.escalations.iter().map(|(e, t)| json!({
                "condition": e.condition,
                "severity": e.severity.as_str(),
                "truth": t.as_str(),
            })).collect::<Vec<_>>(),
            "why_not": c.why_not.iter().map(why_not_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn why_not_json(w: &WhyNot) -> Json {
    json!({
        "condition": w.condition,
        "wanted": w.wanted,
        "truth": w.truth.as_str(),
        "reasons": w.reasons.iter().map(|r| {
            let mut value = reason_json(r);
            if let Json::Object(m) = &mut value {
                m.insert("text".into(), json!(reason_text(r)));
            }
            value
        }).collect::<Vec<_>>(),
    })
}

fn reason_json(r: &Reason) -> Json {
    match r {
        Reason::Compared {
            path,
            comparison,
            operand,
            literal,
            offset,
        } => json!({
            "kind": "compared",
            "path": path,
            "cmp": comparison.cmp.symbol(),
            "left": quantity_json(&comparison.left),
            "right": quantity_json(&comparison.right),
            "converted": comparison.converted.as_ref().map(|(l, r, base)| json!({
                "left": l.round_dp(2).normalize().to_string(),
                "right": r.round_dp(2).normalize().to_string(),
                "currency": base,
            })),
            "operand": operand,
            "literal": literal,
            "offset": offset.map(|o| o.to_string()),
        }),
        Reason::NotInList {
            path,
            seen,
            list,
            column,
        } => {
            json!({"kind": "not_in_list", "path": path, "seen": seen, "list": list, "column": column})
        }
        Reason::Mismatch {
            path,
            seen,
            expected,
            note,
        } => {
            json!({"kind": "mismatch", "path": path, "seen": seen, "expected": expected, "note": note})
        }
        Reason::Held {
            path,
            seen,
            expected,
        } => json!({"kind": "held", "path": path, "seen": seen, "expected": expected}),
        Reason::Missing { path, counted_as } => {
            json!({"kind": "missing", "path": path, "counted_as": counted_as})
        }
        Reason::Unknown { path, seen, note } => {
            json!({"kind": "unknown", "path": path, "seen": seen, "note": note})
        }
        Reason::NoValue { path } => json!({"kind": "no_value", "path": path}),
    }
}

fn quantity_json(q: &Quantity) -> Json {
    match q {
        Quantity::Number(n) => json!({"number": n.normalize().to_string()}),
        Quantity::Money(n, c) => json!({"amount": n.normalize().to_string(), "currency": c}),
        Quantity::Date(d) => json!({"date": d.format("%Y-%m-%d").to_string()}),
        Quantity::Count(n) => json!({"count": n}),
    }
}
