//! Rendering a comparison of two runs: human text and JSON (schema
//! `redflag.diff/1`).
//!
//! The order of everything comes from [`RunDiff`]: changed and added orders
//! in the second run's order, removed ones in the first's, findings by rule
//! id, provenance fields in document order.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use super::escape::write_line as line;
use crate::diff::{FieldChange, FindingKey, OrderChange, RunDiff, RunOrder};

/// The schema identifier of the JSON output.
pub const SCHEMA: &str = "redflag.diff/1";

fn side(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(absent)")
}

fn finding_text(f: &FindingKey) -> String {
    let mut text = format!("{} {} {}", f.severity.to_uppercase(), f.rule_id, f.kind);
    if !f.title.is_empty() {
        text.push_str(&format!(": {}", f.title));
    }
    text
}

fn fields(out: &mut dyn Write, title: &str, changes: &[FieldChange]) -> io::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title}")?;
    for c in changes {
        line(
            out,
            &format!("  {}: {} → {}", c.field, side(&c.a), side(&c.b)),
        )?;
    }
    Ok(())
}

fn place(o: &RunOrder) -> String {
    format!("{}:{}", o.file, o.line)
}

/// Human-readable text: counts, changed, added and removed orders, summary differences,
/// then provenance differences. The two reports are data (order ids, files, titles):
/// every line is made visible (see [`super::escape`]).
pub fn human(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    line(out, &format!("redflag diff: {} → {}", d.a, d.b))?;
    line(
        out,
        &format!(
            "orders: {} in {}, {} in {} · {} changed, {} added, {} removed, {} unchanged",
            d.orders_a,
            d.a,
            d.orders_b,
            d.b,
            d.changed.len(),
            d.added.len(),
            d.removed.len(),
            d.unchanged
        ),
    )?;
    if !d.changed.is_empty() {
        writeln!(out, "\nchanged")?;
        for c in &d.changed {
            let verdict = if c.verdict_a == c.order.verdict {
                format!("{} (verdict unchanged)", c.order.verdict.to_uppercase())
            } else {
                format!(
                    "{} → {}",
                    c.verdict_a.to_uppercase(),
                    c.order.verdict.to_uppercase()
                )
            };
            line(
                out,
                &format!("  {}  {verdict}  {}", c.order.key, place(&c.order)),
            )?;
            for f in &c.added {
                line(out, &format!("    + {}", finding_text(f)))?;
            }
            for f in &c.removed {
                line(out, &format!("    - {}", finding_text(f)))?;
            }
            for (a, b) in &c.changed {
                line(
                    out,
                    &format!(
                        "    ~ {}: {} {} → {} {}",
                        b.rule_id,
                        a.severity.to_uppercase(),
                        a.kind,
                        b.severity.to_uppercase(),
                        b.kind
                    ),
                )?;
            }
        }
    }
    for (title, orders) in [("added", &d.added), ("removed", &d.removed)] {
        if orders.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}")?;
        for o in orders {
            line(
                out,
                &format!(
                    "  {}  {}  {} ({} findings)",
                    o.key,
                    o.verdict.to_uppercase(),
                    place(o),
                    o.findings.len()
                ),
            )?;
        }
    }
    fields(out, "counts", &d.summary)?;
    // What the runs were made with comes after what changed: it explains the changes.
    fields(out, "provenance", &d.provenance)?;
    writeln!(out)?;
    if d.has_changes() {
        // The same three numbers as the header, so the two lines can never disagree.
        writeln!(
            out,
            "{} changed, {} added, {} removed",
            d.changed.len(),
            d.added.len(),
            d.removed.len()
        )?;
        if d.counts_changed() && d.changed.is_empty() && d.added.is_empty() && d.removed.is_empty()
        {
            writeln!(
                out,
                "the counts of what was judged differ, so orders the reports leave out \
                 (`--min-verdict`, `--only`) were judged otherwise: compare unfiltered reports"
            )?;
        }
        Ok(())
    } else {
        writeln!(out, "no order changed")
    }
}

fn field_json(c: &FieldChange) -> Json {
    json!({"field": c.field, "a": c.a, "b": c.b})
}

fn finding_json(f: &FindingKey) -> Json {
    json!({"rule_id": f.rule_id, "severity": f.severity, "kind": f.kind, "title": f.title})
}

fn order_json(o: &RunOrder) -> Json {
    json!({
        "key": &*o.key,
        "id": o.id.as_deref(),
        "file": &*o.file,
        "line": o.line,
        "verdict": &*o.verdict,
        "findings": o.findings.iter().map(|f| finding_json(f)).collect::<Vec<_>>(),
    })
}

fn change_json(c: &OrderChange) -> Json {
    json!({
        "key": &*c.order.key,
        "id": c.order.id.as_deref(),
        "file": &*c.order.file,
        "line": c.order.line,
        "verdict": {"a": &*c.verdict_a, "b": &*c.order.verdict},
        "added": c.added.iter().map(|f| finding_json(f)).collect::<Vec<_>>(),
        "removed": c.removed.iter().map(|f| finding_json(f)).collect::<Vec<_>>(),
        "changed": c.changed.iter().map(|(a, b)| json!({
            "rule_id": b.rule_id,
            "a": {"severity": a.severity, "kind": a.kind},
            "b": {"severity": b.severity, "kind": b.kind},
        })).collect::<Vec<_>>(),
    })
}

/// Writes `value` pretty-printed as a member of an object or array `depth` levels deep: the
/// standalone text with each line after the first indented by the depth, which is what
/// serde_json's pretty printer writes for the value in place (strings hold no line breaks).
fn nested(out: &mut dyn Write, value: &Json, depth: usize) -> io::Result<()> {
    let mut text = Vec::new();
    super::json::write(&mut text, value, true)?;
    let indent = "  ".repeat(depth);
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

/// Writes a member of the top-level object, after the ones before it.
fn member(out: &mut dyn Write, first: bool, key: &str) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    super::json::write(out, &Json::String(key.to_string()), false)?;
    out.write_all(b": ")
}

/// Writes a list of the top-level object one element at a time.
fn list<T>(out: &mut dyn Write, items: &[T], element: impl Fn(&T) -> Json) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        nested(out, &element(item), 2)?;
    }
    out.write_all(b"\n  ]")
}

/// Writes the JSON document (schema `redflag.diff/1`), pretty-printed, with a final newline.
/// The lists of orders are written element by element, so a comparison of large runs is
/// never held as one JSON tree; the bytes are those of serde_json's pretty printer.
pub fn json(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    out.write_all(b"{")?;
    let head = [
        ("schema", json!(SCHEMA)),
        ("redflag_version", json!(env!("CARGO_PKG_VERSION"))),
        ("a", json!(d.a)),
        ("b", json!(d.b)),
        (
            "orders",
            json!({
                "a": d.orders_a,
                "b": d.orders_b,
                "changed": d.changed.len(),
                "added": d.added.len(),
                "removed": d.removed.len(),
                "unchanged": d.unchanged,
            }),
        ),
        (
            "provenance",
            Json::Array(d.provenance.iter().map(field_json).collect()),
        ),
    ];
    for (i, (key, value)) in head.iter().enumerate() {
        member(out, i == 0, key)?;
        nested(out, value, 1)?;
    }
    member(out, false, "changed")?;
    list(out, &d.changed, change_json)?;
    member(out, false, "added")?;
    list(out, &d.added, order_json)?;
    member(out, false, "removed")?;
    list(out, &d.removed, order_json)?;
    member(out, false, "summary")?;
    nested(
        out,
        &Json::Array(d.summary.iter().map(field_json).collect()),
        1,
    )?;
    member(out, false, "has_changes")?;
    nested(out, &json!(d.has_changes()), 1)?;
    out.write_all(b"\n}\n")
}
