//! Rendering the coverage matrix: human text, Markdown and JSON (schema
//! `redflag.coverage/1`).
//!
//! Everything comes from [`CoverageMatrix`] and, when orders were judged,
//! [`Outcomes`]; both are already in a fixed order (catalogue order, rules by
//! id), so the output is deterministic. The JSON is built by hand here, like
//! the check report's, so the library types stay free of serde.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use super::escape::write_line as line;
use crate::coverage::{CoverageMatrix, ItemRow, Outcomes, Status, TestCounts};

/// The schema identifier of the JSON output.
pub const SCHEMA: &str = "redflag.coverage/1";

fn short(digest: &str) -> &str {
    &digest[..12.min(digest.len())]
}

fn tests_text(t: &TestCounts) -> String {
    let mut text = format!("{} fire, {} do not fire", t.fires, t.does_not_fire);
    if t.undecided > 0 {
        text.push_str(&format!(", {} undecided", t.undecided));
    }
    if t.todo > 0 {
        text.push_str(&format!(", {} todo", t.todo));
    }
    text
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn status_suffix(status: Status) -> String {
    match status {
        Status::Verified => String::new(),
        other => format!(" ({})", other.as_str()),
    }
}

/// Human-readable text: the rules with what they cover and their tests, the
/// catalogue group by group, the gaps, and the order counts if any.
pub fn human(
    out: &mut dyn Write,
    m: &CoverageMatrix,
    outcomes: Option<&Outcomes>,
) -> io::Result<()> {
    let totals = m.totals();
    line(
        out,
        &format!(
            "coverage of pack {} {} ({} rules, sha256 {})",
            m.pack.name,
            m.pack.version,
            m.rules.len(),
            short(&m.pack.digest)
        ),
    )?;
    line(
        out,
        &format!(
            "catalogue: {} ({} items in {} groups)",
            m.catalogue_files.join(", "),
            totals.items,
            m.groups.len()
        ),
    )?;
    let cases: usize = m
        .rules
        .iter()
        .map(|r| &r.tests)
        .chain(m.orphan_tests.values())
        .map(|t| t.fires + t.does_not_fire + t.undecided + t.todo)
        .sum();
    line(
        out,
        &format!(
            "tests: {} in {}",
            plural(cases, "case", "cases"),
            plural(m.test_files.len(), "file", "files")
        ),
    )?;
    line(
        out,
        &format!(
            "items: {} covered, {}, {} out of scope",
            totals.covered,
            plural(totals.gaps, "gap", "gaps"),
            totals.out_of_scope
        ),
    )?;

    writeln!(out, "\nrules")?;
    let width = m.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in &m.rules {
        let covers = if r.covers.is_empty() {
            "nothing in the catalogue".to_string()
        } else {
            r.covers.join(", ")
        };
        line(out, &format!("  {:width$}  covers {covers}", r.id))?;
        if !r.unknown.is_empty() {
            line(
                out,
                &format!(
                    "  {:width$}  not in the catalogue: {}",
                    "",
                    r.unknown.join(", ")
                ),
            )?;
        }
        line(
            out,
            &format!("  {:width$}  tests: {}", "", tests_text(&r.tests)),
        )?;
    }
    for (id, t) in &m.orphan_tests {
        line(
            out,
            &format!(
                "  tests name `{id}`, which the pack does not have: {}",
                tests_text(t)
            ),
        )?;
    }

    writeln!(out, "\ncatalogue")?;
    for g in &m.groups {
        line(
            out,
            &format!(
                "  {}: {} · {} of {} covered, {}, {} out of scope",
                g.id,
                g.title,
                g.covered(),
                g.items.len(),
                plural(g.gaps(), "gap", "gaps"),
                g.out_of_scope()
            ),
        )?;
        let width = g.items.iter().map(|i| i.id.len()).max().unwrap_or(0);
        for i in &g.items {
            let (mark, tail) = item_mark(i);
            line(
                out,
                &format!(
                    "    {mark} {:width$}  {}{}{tail}",
                    i.id,
                    i.title,
                    status_suffix(i.status)
                ),
            )?;
        }
    }

    writeln!(out, "\ngaps")?;
    if totals.gaps == 0 {
        writeln!(out, "  none: every item a rule can cover is covered")?;
    }
    for g in m.groups.iter().filter(|g| g.gaps() > 0) {
        let ids: Vec<&str> = g
            .items
            .iter()
            .filter(|i| i.is_gap())
            .map(|i| i.id.as_str())
            .collect();
        line(
            out,
            &format!("  {} ({}): {}", g.id, ids.len(), ids.join(", ")),
        )?;
    }

    if let Some(o) = outcomes {
        writeln!(out)?;
        line(
            out,
            &format!(
                "orders: {} read, {} judged, {} rejected",
                o.read, o.judged, o.rejected
            ),
        )?;
        let width = o
            .rules
            .iter()
            .flat_map(|r| {
                std::iter::once(r.id.len()).chain(r.conditions.iter().map(|c| c.name.len() + 2))
            })
            .max()
            .unwrap_or(0);
        for r in &o.rules {
            line(
                out,
                &format!(
                    "  {:width$}  fired {}, not fired {}, undecided {}",
                    r.id, r.fired, r.not_fired, r.undecided
                ),
            )?;
            for c in &r.conditions {
                let name = format!("  {}", c.name);
                line(
                    out,
                    &format!(
                        "  {name:width$}  true {}, false {}, unknown {}, unbound {}",
                        c.held, c.failed, c.unknown, c.unbound
                    ),
                )?;
            }
        }
    }
    Ok(())
}

fn item_mark(i: &ItemRow) -> (&'static str, String) {
    if i.is_covered() {
        ("✔", format!(" · {}", i.rules.join(", ")))
    } else if let Some(why) = &i.out_of_scope {
        ("–", format!(" · out of scope: {why}"))
    } else {
        ("✘", String::new())
    }
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// Markdown: a summary table, the rules, one table per catalogue group, the
/// gaps, and the order counts if any.
pub fn markdown(
    out: &mut dyn Write,
    m: &CoverageMatrix,
    outcomes: Option<&Outcomes>,
) -> io::Result<()> {
    let totals = m.totals();
    line(
        out,
        &format!(
            "# Coverage of {} {}",
            cell(&m.pack.name),
            cell(&m.pack.version)
        ),
    )?;
    writeln!(out)?;
    line(
        out,
        &format!(
            "Pack sha256 `{}`, {}. Catalogue: {}. Tests: {}.",
            m.pack.digest,
            plural(m.rules.len(), "rule", "rules"),
            m.catalogue_files
                .iter()
                .map(|f| format!("`{}`", f))
                .collect::<Vec<_>>()
                .join(", "),
            plural(m.test_files.len(), "file", "files")
        ),
    )?;
    writeln!(out)?;
    writeln!(out, "| group | items | covered | gaps | out of scope |")?;
    writeln!(out, "| --- | ---: | ---: | ---: | ---: |")?;
    for g in &m.groups {
        line(
            out,
            &format!(
                "| {} ({}) | {} | {} | {} | {} |",
                cell(&g.title),
                g.id,
                g.items.len(),
                g.covered(),
                g.gaps(),
                g.out_of_scope()
            ),
        )?;
    }
    line(
        out,
        &format!(
            "| **all** | {} | {} | {} | {} |",
            totals.items, totals.covered, totals.gaps, totals.out_of_scope
        ),
    )?;
    writeln!(out)?;

    writeln!(out, "## Rules\n")?;
    writeln!(
        out,
        "| rule | title | covers | tests that fire | tests that do not fire |"
    )?;
    writeln!(out, "| --- | --- | --- | ---: | ---: |")?;
    for r in &m.rules {
        let mut covers = r.covers.join(", ");
        if !r.unknown.is_empty() {
            covers.push_str(&format!(
                " (not in the catalogue: {})",
                r.unknown.join(", ")
            ));
        }
        if covers.is_empty() {
            covers = "—".into();
        }
        let todo = if r.tests.todo > 0 {
            format!(" (+{} todo)", r.tests.todo)
        } else {
            String::new()
        };
        line(
            out,
            &format!(
                "| {} | {} | {} | {}{todo} | {} |",
                r.id,
                cell(&r.title),
                cell(&covers),
                r.tests.fires,
                r.tests.does_not_fire
            ),
        )?;
    }
    writeln!(out)?;

    writeln!(out, "## Catalogue\n")?;
    for g in &m.groups {
        line(
            out,
            &format!(
                "### {} ({}): {} of {} covered",
                cell(&g.title),
                g.id,
                g.covered(),
                g.items.len()
            ),
        )?;
        writeln!(out)?;
        writeln!(out, "| item | title | status | covered by |")?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for i in &g.items {
            let by = if i.is_covered() {
                i.rules.join(", ")
            } else if let Some(why) = &i.out_of_scope {
                format!("out of scope: {}", cell(why))
            } else {
                "**gap**".to_string()
            };
            line(
                out,
                &format!(
                    "| {} | {} | {} | {} |",
                    i.id,
                    cell(&i.title),
                    i.status.as_str(),
                    by
                ),
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "## Gaps\n")?;
    if totals.gaps == 0 {
        writeln!(out, "None: every item a rule can cover is covered.")?;
    }
    for g in m.groups.iter().filter(|g| g.gaps() > 0) {
        let ids: Vec<String> = g
            .items
            .iter()
            .filter(|i| i.is_gap())
            .map(|i| format!("`{}`", i.id))
            .collect();
        line(
            out,
            &format!("- {} ({}): {}", cell(&g.title), g.id, ids.join(", ")),
        )?;
    }

    if let Some(o) = outcomes {
        writeln!(out, "\n## Orders\n")?;
        line(
            out,
            &format!(
                "{} read, {} judged, {} rejected.",
                o.read, o.judged, o.rejected
            ),
        )?;
        writeln!(out)?;
        writeln!(out, "| rule | condition | fired / true | not fired / false | undecided / unknown | unbound |")?;
        writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: |")?;
        for r in &o.rules {
            line(
                out,
                &format!(
                    "| {} | | {} | {} | {} | |",
                    r.id, r.fired, r.not_fired, r.undecided
                ),
            )?;
            for c in &r.conditions {
                line(
                    out,
                    &format!(
                        "| | {} | {} | {} | {} | {} |",
                        cell(&c.name),
                        c.held,
                        c.failed,
                        c.unknown,
                        c.unbound
                    ),
                )?;
            }
        }
    }
    Ok(())
}

/// The JSON document (schema `redflag.coverage/1`).
pub fn json_value(m: &CoverageMatrix, outcomes: Option<&Outcomes>) -> Json {
    let totals = m.totals();
    let groups: Vec<Json> = m
        .groups
        .iter()
        .map(|g| {
            json!({
                "id": g.id,
                "title": g.title,
                "kind": g.kind.as_str(),
                "source": g.source,
                "covered": g.covered(),
                "gaps": g.gaps(),
                "out_of_scope": g.out_of_scope(),
                "items": g.items.iter().map(|i| json!({
                    "id": i.id,
                    "title": i.title,
                    "text": i.text,
                    "source": i.source,
                    "status": i.status.as_str(),
                    "out_of_scope": i.out_of_scope,
                    "rules": i.rules,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let tests = |t: &TestCounts| json!({"fires": t.fires, "does_not_fire": t.does_not_fire, "undecided": t.undecided, "todo": t.todo});
    let rules: Vec<Json> = m
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "title": r.title,
                "family": r.family,
                "severity": r.severity.as_str(),
                "covers": r.covers,
                "unknown_tags": r.unknown,
                "tests": tests(&r.tests),
            })
        })
        .collect();
    let orphans: Vec<Json> = m
        .orphan_tests
        .iter()
        .map(|(id, t)| json!({"rule": id, "tests": tests(t)}))
        .collect();
    let gaps: Vec<&str> = m.gaps().map(|(_, i)| i.id.as_str()).collect();
    let orders = outcomes.map(|o| {
        json!({
            "read": o.read,
            "judged": o.judged,
            "rejected": o.rejected,
            "rules": o.rules.iter().map(|r| json!({
                "id": r.id,
                "fired": r.fired,
                "not_fired": r.not_fired,
                "undecided": r.undecided,
                "conditions": r.conditions.iter().map(|c| json!({
                    "name": c.name,
                    "true": c.held,
                    "false": c.failed,
                    "unknown": c.unknown,
                    "unbound": c.unbound,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "schema": SCHEMA,
        "redflag_version": env!("CARGO_PKG_VERSION"),
        "pack": {
            "name": m.pack.name,
            "version": m.pack.version,
            "sha256": m.pack.digest,
            "rules": m.rules.len(),
        },
        "catalogue": {"files": m.catalogue_files, "groups": m.groups.len(), "items": totals.items},
        "test_files": m.test_files,
        "summary": {
            "items": totals.items,
            "covered": totals.covered,
            "gaps": totals.gaps,
            "out_of_scope": totals.out_of_scope,
        },
        "rules": rules,
        "orphan_tests": orphans,
        "groups": groups,
        "gaps": gaps,
        "orders": orders,
    })
}

/// Writes the JSON document, pretty-printed, with a final newline.
pub fn json(
    out: &mut dyn Write,
    m: &CoverageMatrix,
    outcomes: Option<&Outcomes>,
) -> io::Result<()> {
    super::json::write(out, &json_value(m, outcomes), true)?;
    out.write_all(b"\n")
}
