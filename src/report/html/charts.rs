//! The charts of the summary: inline SVG bar charts, no script.

use std::io::{self, Write};

use std::collections::BTreeMap;

use super::text::esc;
use super::{severity_index, SEVERITIES};
use crate::report::Summary;
use crate::rules::Severity;

/// Findings counted by severity (info, review, hold, block).
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    pub(crate) title: String,
    pub(crate) counts: [usize; 4],
}

impl Tally {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// The charts section: orders by verdict, findings by rule and by family, and the findings by
/// rule as a table.
pub(crate) fn charts(
    out: &mut dyn Write,
    s: &Summary,
    by_rule: &BTreeMap<String, Tally>,
    by_family: &BTreeMap<String, Tally>,
) -> io::Result<()> {
    // Charts.
    writeln!(
        out,
        "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">"
    )?;
    verdict_chart(out, s)?;
    let mut rules: Vec<(String, [usize; 4])> = by_rule
        .iter()
        .map(|(id, t)| (id.clone(), t.counts))
        .collect();
    // Most findings first; ties by id, so the order is deterministic.
    rules.sort_by(|a, b| {
        b.1.iter()
            .sum::<usize>()
            .cmp(&a.1.iter().sum::<usize>())
            .then_with(|| a.0.cmp(&b.0))
    });
    bar_chart(out, "chart-rules", "Findings by rule", &rules)?;
    let mut families: Vec<(String, [usize; 4])> = by_family
        .iter()
        .map(|(family, t)| (family.clone(), t.counts))
        .collect();
    families.sort_by(|a, b| {
        b.1.iter()
            .sum::<usize>()
            .cmp(&a.1.iter().sum::<usize>())
            .then_with(|| a.0.cmp(&b.0))
    });
    bar_chart(
        out,
        "chart-families",
        "Findings by red-flag family",
        &families,
    )?;
    writeln!(out, "</div>")?;
    if !by_rule.is_empty() {
        writeln!(out, "<details><summary>Findings by rule as a table</summary><table><thead><tr><th>rule</th><th>title</th><th>block</th><th>hold</th><th>review</th><th>info</th><th>total</th></tr></thead><tbody>")?;
        for (id, t) in by_rule {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(id),
                esc(&t.title),
                t.counts[3],
                t.counts[2],
                t.counts[1],
                t.counts[0],
                t.total()
            )?;
        }
        writeln!(out, "</tbody></table></details>")?;
    }
    writeln!(out, "</section>")
}

/// The colour of a severity in charts (the same as the CSS variables).
fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Block => "#b42318",
        Severity::Hold => "#c4570a",
        Severity::Review => "#a37b00",
        Severity::Info => "#2470a6",
    }
}

/// A horizontal bar chart, one bar per row, stacked by severity (most
/// severe first). `labels` are escaped here.
pub(crate) fn bar_chart(
    out: &mut dyn Write,
    id: &str,
    caption: &str,
    rows: &[(String, [usize; 4])],
) -> io::Result<()> {
    const LABEL: usize = 200;
    const BAR: usize = 380;
    const ROW: usize = 24;
    const WIDTH: usize = LABEL + BAR + 60;
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = (rows.len().max(1)) * ROW + 8;
    writeln!(
        out,
        "<figure id=\"{id}\"><figcaption>{}</figcaption>",
        esc(caption)
    )?;
    writeln!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">",
        esc(caption)
    )?;
    if rows.is_empty() {
        writeln!(out, "<text x=\"0\" y=\"18\" class=\"c\">no findings</text>")?;
    }
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = i * ROW + 4;
        let total: usize = counts.iter().sum();
        // Long labels are cut for the axis; the full text is in the title.
        let shown: String = if label.chars().count() > 28 {
            let cut: String = label.chars().take(27).collect();
            format!("{cut}…")
        } else {
            label.clone()
        };
        writeln!(
            out,
            "<g><title>{}: {total}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            esc(label),
            LABEL - 8,
            y + 15,
            esc(&shown)
        )?;
        let mut x = LABEL;
        for s in SEVERITIES.iter().rev() {
            let n = counts[severity_index(*s)];
            if n == 0 {
                continue;
            }
            let w = (n * BAR / max).max(2);
            writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\" rx=\"2\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                ROW - 6,
                severity_color(*s),
                esc(label),
                s.as_str()
            )?;
            x += w;
        }
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" class=\"c\">{total}</text></g>",
            x + 6,
            y + 15
        )?;
    }
    writeln!(out, "</svg>")?;
    write!(out, "<div class=\"legend\">")?;
    for s in SEVERITIES.iter().rev() {
        write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            severity_color(*s),
            s.as_str()
        )?;
    }
    writeln!(out, "</div></figure>")
}

/// The verdict chart: one bar per verdict, in its own colour.
pub(crate) fn verdict_chart(out: &mut dyn Write, s: &Summary) -> io::Result<()> {
    const LABEL: usize = 80;
    const BAR: usize = 500;
    const ROW: usize = 24;
    let rows: [(&str, &str, usize); 6] = [
        ("block", "#b42318", s.block),
        ("hold", "#c4570a", s.hold),
        ("review", "#a37b00", s.review),
        ("info", "#2470a6", s.info),
        ("clear", "#2f7d32", s.clear),
        ("error", "#6e2c91", s.rejected),
    ];
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let height = rows.len() * ROW + 8;
    writeln!(
        out,
        "<figure id=\"chart-verdicts\"><figcaption>Orders by verdict</figcaption>"
    )?;
    writeln!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"Orders by verdict\">",
        LABEL + BAR + 60
    )?;
    for (i, (name, color, n)) in rows.iter().enumerate() {
        let y = i * ROW + 4;
        let w = if *n == 0 { 0 } else { (n * BAR / max).max(2) };
        writeln!(
            out,
            "<g><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{name}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{}\" rx=\"2\" fill=\"{color}\"><title>{name}: {n}</title></rect><text x=\"{}\" y=\"{}\" class=\"c\">{n}</text></g>",
            LABEL - 8,
            y + 15,
            ROW - 6,
            LABEL + w + 6,
            y + 15
        )?;
    }
    writeln!(out, "</svg></figure>")
}
