//! Rendering a comparison of two runs: human text and JSON (schema
//! `redflag.diff/1`).
//!
//! The order of everything comes from [`RunDiff`]: changed and added orders
//! in the second run's order, removed ones in the first's, findings by rule
//! id, provenance fields in document order.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use super::escape::write_line as line;
use crate::diff::{FieldChange, FindingKey, RunDiff, RunOrder};

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
        )
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
        "key": o.key,
        "id": o.id,
        "file": o.file,
        "line": o.line,
        "verdict": o.verdict,
        "findings": o.findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

/// The JSON document (schema `redflag.diff/1`).
pub fn json_value(d: &RunDiff) -> Json {
    json!({
        "schema": SCHEMA,
        "redflag_version": env!("CARGO_PKG_VERSION"),
        "a": d.a,
        "b": d.b,
        "orders": {
            "a": d.orders_a,
            "b": d.orders_b,
            "changed": d.changed.len(),
            "added": d.added.len(),
            "removed": d.removed.len(),
            "unchanged": d.unchanged,
        },
        "provenance": d.provenance.iter().map(field_json).collect::<Vec<_>>(),
        "changed": d.changed.iter().map(|c| json!({
            "key": c.order.key,
            "id": c.order.id,
            "file": c.order.file,
            "line": c.order.line,
            "verdict": {"a": c.verdict_a, "b": c.order.verdict},
            "added": c.added.iter().map(finding_json).collect::<Vec<_>>(),
            "removed": c.removed.iter().map(finding_json).collect::<Vec<_>>(),
            "changed": c.changed.iter().map(|(a, b)| json!({
                "rule_id": b.rule_id,
                "a": {"severity": a.severity, "kind": a.kind},
                "b": {"severity": b.severity, "kind": b.kind},
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "added": d.added.iter().map(order_json).collect::<Vec<_>>(),
        "removed": d.removed.iter().map(order_json).collect::<Vec<_>>(),
        "summary": d.summary.iter().map(field_json).collect::<Vec<_>>(),
        "has_changes": d.has_changes(),
    })
}

/// Writes the JSON document, pretty-printed, with a final newline.
pub fn json(out: &mut dyn Write, d: &RunDiff) -> io::Result<()> {
    super::json::write(out, &json_value(d), true)?;
    out.write_all(b"\n")
}
