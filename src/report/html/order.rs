//! One order's entry in the report: its verdict, problems and findings with their evidence.

use std::io::{self, Write};

use super::text::{bdi, esc, esc_code, link};
use super::verdict_class;
use crate::findings::*;

fn mark(truth: Truth) -> (&'static str, &'static str) {
    match truth {
        Truth::True => ("✔", "held"),
        Truth::False => ("✘", "did not hold"),
        Truth::Unknown => ("?", "unknown"),
    }
}

fn observation_html(o: &Observation) -> String {
    let seen = match &o.seen {
        Some(s) => format!("<code>{}</code> = <q>{}</q>", esc(&o.path), esc(s)),
        None => format!("<code>{}</code> missing", esc(&o.path)),
    };
    let mut html = seen;
    if let Some(note) = &o.note {
        html.push_str(&format!("<div class=\"row\">{}</div>", esc(note)));
    }
    if let Some(s) = &o.screening {
        for line in crate::report::screening_lines(s) {
            html.push_str(&format!("<div class=\"row\">{}</div>", esc_code(&line)));
        }
    }
    html
}

fn row_html(row: &RowEvidence) -> String {
    let cells: Vec<String> = row
        .cells
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
        .collect();
    format!(
        "<code>{}</code> line {}<div class=\"row\">{}</div>",
        esc(&row.list),
        row.line,
        cells.join(", ")
    )
}

pub(crate) fn finding_html(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let sev = f.severity.as_str();
    write!(
        out,
        "<div class=\"finding s-{sev}\"><h4><span class=\"badge b-{sev}\">{sev}</span><code>{}</code><span class=\"count\">v{}</span><span class=\"title\">{}</span>",
        esc(&f.rule.id),
        f.rule.version,
        bdi(&f.rule.title)
    )?;
    if f.kind == FindingKind::Undecided {
        write!(out, "<span class=\"undecided\">could not be decided</span>")?;
    }
    writeln!(out, "</h4>")?;
    writeln!(out, "<p class=\"msg\">{}</p>", esc_code(&f.message))?;
    if let Some(w) = &f.waiver {
        writeln!(
            out,
            "<p class=\"note\"><b>waived</b> by {} ({}, decided {}, in force until {}): {}</p>",
            esc(&w.id),
            esc(&w.approver),
            w.date,
            w.expires,
            esc(&w.reason)
        )?;
    }
    if let Some(reason) = &f.escalation {
        writeln!(
            out,
            "<p class=\"note\">raised to {sev}: {}</p>",
            esc(reason)
        )?;
    }
    if let Some(why) = &f.later {
        writeln!(
            out,
            "<p class=\"note\"><b>lookback</b>, not the law at shipment: {}</p>",
            esc(why)
        )?;
    }
    if f.matches > 1 {
        writeln!(
            out,
            "<p class=\"note\">{} combinations matched; the first is shown</p>",
            f.matches
        )?;
    }
    if !f.bindings.is_empty() {
        let bound: Vec<String> = f
            .bindings
            .iter()
            .map(|b| {
                format!(
                    "<code>{}</code> = <code>{}</code> ({})",
                    esc(&b.name),
                    esc(&b.path),
                    esc(&b.label)
                )
            })
            .collect();
        writeln!(out, "<p class=\"note\">for {}</p>", bound.join(", "))?;
    }
    writeln!(
        out,
        "<table class=\"ev\"><thead><tr><th></th><th>condition</th><th>value read</th><th>expected</th><th>list row</th></tr></thead><tbody>"
    )?;
    for c in &f.conditions {
        let (symbol, words) = mark(c.truth);
        let values: Vec<String> = c.observations.iter().map(observation_html).collect();
        let expected: Vec<String> = c
            .observations
            .iter()
            .map(|o| esc_code(&o.expected))
            .collect();
        let rows: Vec<String> = c
            .observations
            .iter()
            .filter_map(|o| o.row.as_deref().map(row_html))
            .collect();
        let list = |items: Vec<String>| -> String {
            match items.len() {
                0 => String::new(),
                1 => items.into_iter().collect(),
                _ => format!("<ul><li>{}</li></ul>", items.join("</li><li>")),
            }
        };
        let mut value_cell = if values.is_empty() {
            format!("<code>{}</code>", esc(&c.path))
        } else {
            list(values)
        };
        if c.more > 0 {
            value_cell.push_str(&format!("<div class=\"row\">+{} more</div>", c.more));
        }
        // Each observation usually repeats the same expectation; show it once.
        let mut expected_unique = expected.clone();
        expected_unique.dedup();
        writeln!(
            out,
            "<tr class=\"t-{}\"><td class=\"m\" title=\"{words}\">{symbol}</td><td><code>{}</code><div class=\"row\">{}</div></td><td>{value_cell}</td><td>{}</td><td>{}</td></tr>",
            c.truth.as_str(),
            esc(&c.name),
            esc(&c.op),
            list(expected_unique),
            list(rows)
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(out, "<dl class=\"meta\">")?;
    writeln!(
        out,
        "<dt>condition</dt><dd><code>{}</code></dd>",
        esc(&f.rule.condition)
    )?;
    if !f.rule.why.is_empty() {
        writeln!(out, "<dt>why</dt><dd>{}</dd>", esc(&f.rule.why))?;
    }
    if !f.rule.action.is_empty() {
        writeln!(out, "<dt>action</dt><dd>{}</dd>", esc(&f.rule.action))?;
    }
    for r in &f.rule.references {
        let text = match &r.url {
            Some(url) => link(url, &r.cite),
            None => esc(&r.cite).into_owned(),
        };
        writeln!(out, "<dt>reference</dt><dd>{text}</dd>")?;
    }
    let tags: Vec<String> = std::iter::once(&f.rule.family)
        .chain(&f.rule.red_flags)
        .chain(&f.rule.icp)
        .filter(|t| !t.is_empty())
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect();
    if !tags.is_empty() {
        writeln!(out, "<dt>tags</dt><dd>{}</dd>", tags.join(" "))?;
    }
    writeln!(out, "</dl></div>")
}

/// The opening of an order's entry: its verdict, id and location, and how many findings.
fn heading(out: &mut dyn Write, number: usize, j: &Judgement, context: bool) -> io::Result<()> {
    let class = verdict_class(j.verdict);
    let id = j.order_id.as_deref().unwrap_or("(no id)");
    write!(
        out,
        "<article class=\"order v-{class}\" id=\"o-{number}\"><h3><span class=\"badge b-{class}\">{class}</span><span class=\"oid\">{}</span><span class=\"loc\">{}:{}</span>",
        bdi(id),
        bdi(&j.origin.file),
        j.origin.line
    )?;
    if !j.findings.is_empty() {
        let n = j.findings.len();
        write!(
            out,
            "<span class=\"count\">{n} finding{}</span>",
            if n == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out, "</h3>")?;
    if let Some(line) = j
        .context
        .as_ref()
        .filter(|_| context)
        .and_then(crate::report::context_line)
    {
        writeln!(out, "<p class=\"ctx\">{}</p>", esc(&line))?;
    }
    if !j.problems.is_empty() {
        writeln!(out, "<ul class=\"problems\">")?;
        for p in &j.problems {
            let mut at = String::new();
            if !p.path.is_empty() {
                at.push_str(&format!(" <code>{}</code>", esc(&p.path)));
            }
            if let Some(column) = &p.column {
                at.push_str(&format!(" (column <code>{}</code>)", esc(column)));
            }
            if let Some(line) = p.line {
                at.push_str(&format!(" (line {line})"));
            }
            if !at.is_empty() {
                at.push(':');
            }
            writeln!(
                out,
                "<li><code>{}</code>{at} {}</li>",
                esc(p.code),
                esc_code(&p.message)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

/// An order's full entry: heading, problems, and each finding with its evidence table, why,
/// action, references and tags. `number` is its place in the report (the anchor `o-N`).
pub fn order_html(out: &mut dyn Write, number: usize, j: &Judgement) -> io::Result<()> {
    heading(out, number, j, true)?;
    for f in &j.findings {
        finding_html(out, f)?;
    }
    writeln!(out, "</article>")
}

/// An order's entry in a large run, as text inside the `<pre>` block the caller opened: a
/// heading line (verdict, id, file and line; the anchor `o-N` its index row links to), the
/// problems of an unreadable record, and for each finding its severity, rule, waiver and
/// message, then each condition with the value it read and the list line it matched. What is
/// the same for every finding of a rule (title, what each condition expects, why, action,
/// references) is in the rules section, once; the order's context is in its index row. Every
/// line is escaped whole, so a line feed in data shows as `\u{a}` and cannot start a line.
pub fn compact_order_html(out: &mut dyn Write, number: usize, j: &Judgement) -> io::Result<()> {
    let class = verdict_class(j.verdict);
    writeln!(
        out,
        "<b id=\"o-{number}\" class=\"v-{class}\">{}  <bdi>{}</bdi>  {}:{}</b>",
        class.to_uppercase(),
        esc(j.order_id.as_deref().unwrap_or("(no id)")),
        esc(&j.origin.file),
        j.origin.line
    )?;
    let mut lines: Vec<String> = Vec::new();
    for p in &j.problems {
        let at = match (&p.path, &p.column) {
            (path, Some(column)) if !path.is_empty() => format!(" {path} (column `{column}`):"),
            (path, None) if !path.is_empty() => format!(" {path}:"),
            (_, Some(column)) => format!(" (column `{column}`):"),
            _ => String::new(),
        };
        lines.push(format!("  {}{at} {}", p.code, p.message));
    }
    for f in &j.findings {
        let mut head = format!("  {} {}", f.severity.as_str().to_uppercase(), f.rule.id);
        if f.kind == FindingKind::Undecided {
            head.push_str(" (could not be decided)");
        }
        if let Some(w) = &f.waiver {
            head.push_str(&format!(" [waived by {}: {}]", w.id, w.reason));
        }
        lines.push(head);
        lines.push(format!("    {}", f.message));
        for c in &f.conditions {
            let detail = match c.observations.first() {
                Some(o) => observation_text(o),
                None => c.path.to_string(),
            };
            let others = c.observations.len().saturating_sub(1) + c.more;
            let extra = if others > 0 {
                format!(" (+{others} more)")
            } else {
                String::new()
            };
            lines.push(format!(
                "    {} {}  {detail}{extra}",
                mark(c.truth).0,
                c.name
            ));
        }
    }
    for line in &lines {
        writeln!(out, "{}", esc(line))?;
    }
    writeln!(out)
}

/// One value read, on one line: path, value, the list line it matched, the note. The
/// expectation is the rule's (in the rules section) and the matched row's cells are left out
/// (the list and its digest are in the provenance).
fn observation_text(o: &Observation) -> String {
    let seen = match &o.seen {
        Some(s) => format!("`{s}`"),
        None => "missing".into(),
    };
    let mut text = format!("{} = {seen}", o.path);
    if let Some(row) = &o.row {
        text.push_str(&format!("; matched {} line {}", row.list, row.line));
    }
    if let Some(s) = &o.screening {
        text.push_str(&format!(
            "; {} entry {} `{}`, score {}",
            s.list, s.entry_id, s.primary_name, s.score
        ));
    }
    if let Some(note) = &o.note {
        text.push_str(&format!("; {note}"));
    }
    text
}
