//! HTML output (`--format html`): one self-contained file an auditor can
//! file. No network and no script: styles are inline, charts are inline SVG,
//! and a Content-Security-Policy forbids scripts and remote loads, so even a
//! hostile order cannot make the page fetch or run anything.
//!
//! Every string that comes from an order, a rule or a list goes through
//! [`esc`] (the `html-escape` crate), and links are made only from `http`
//! and `https` references.
//!
//! The report streams: orders are written as they are judged; the summary,
//! charts and provenance are written at the end and shown first through
//! CSS flex `order`, so memory does not grow with the number of orders.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::escape::visible;
use super::{short, ReportSection, Reporter, RunInfo, Summary};
use crate::findings::*;
use crate::rules::Severity;

/// The HTML reporter.
#[derive(Default)]
pub struct HtmlReporter {
    orders: usize,
    by_rule: BTreeMap<String, Tally>,
    by_family: BTreeMap<String, Tally>,
}

/// Findings counted by severity (info, review, hold, block).
#[derive(Debug, Default, Clone)]
struct Tally {
    title: String,
    counts: [usize; 4],
}

impl Tally {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

impl HtmlReporter {
    /// A reporter writing one HTML document.
    pub fn new() -> HtmlReporter {
        HtmlReporter::default()
    }
}

/// Escapes text for HTML text and quoted attribute values alike: `&`, `<`,
/// `>`, `"` and `'`. Every value in this report sits in one of those two
/// places (never in a script, style or unquoted attribute). Controls, bidirectional and
/// invisible characters are first made visible as `\u{HEX}` (see [`super::escape`]), as in
/// every other format for people, so a name cannot reorder or hide the text around it.
pub fn esc(text: &str) -> Cow<'_, str> {
    match visible(text) {
        Cow::Borrowed(text) => html_escape::encode_quoted_attribute(text),
        Cow::Owned(text) => Cow::Owned(html_escape::encode_quoted_attribute(&text).into_owned()),
    }
}

/// Escaped text in a `<bdi>`: its direction is isolated from the text around it, so a
/// right-to-left name (with no control character at all) cannot reorder the verdict, the
/// order id or the words next to it.
fn bdi(text: &str) -> String {
    format!("<bdi>{}</bdi>", esc(text))
}

/// Escapes text, then shows spans in backticks (how messages quote values)
/// as code. Escaping first means no markup can come from the text itself.
fn esc_code(text: &str) -> String {
    let escaped = esc(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() < 3 {
        return escaped.into_owned();
    }
    let mut html = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        // An unpaired last backtick stays a backtick.
        if i % 2 == 1 && i == parts.len() - 1 {
            html.push('`');
            html.push_str(part);
        } else if i % 2 == 1 {
            html.push_str("<code>");
            html.push_str(part);
            html.push_str("</code>");
        } else {
            html.push_str(part);
        }
    }
    html
}

/// A link for `http(s)` URLs only; anything else (a `javascript:` URL in a
/// rule file, say) is shown as text.
fn link(url: &str, label: &str) -> String {
    match super::web_url(url) {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(url),
            esc(label)
        ),
        None => format!("{} &lt;{}&gt;", esc(label), esc(url)),
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Review => 1,
        Severity::Hold => 2,
        Severity::Block => 3,
    }
}

const SEVERITIES: [Severity; 4] = Severity::ALL;

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Clear => "clear",
        Verdict::Flagged(s) => s.as_str(),
        Verdict::Error => "error",
    }
}

fn mark(truth: Truth) -> (&'static str, &'static str) {
    match truth {
        Truth::True => ("✔", "held"),
        Truth::False => ("✘", "did not hold"),
        Truth::Unknown => ("?", "unknown"),
    }
}

const STYLE: &str = r#"
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#f5f7fa;--card:#fff;
--block:#b42318;--hold:#c4570a;--review:#a37b00;--info:#2470a6;--clear:#2f7d32;--error:#6e2c91}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
code{overflow-wrap:break-word}
code,q,td,dd,li,.row,.msg,.note{unicode-bidi:isolate}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
header.top{background:#1d2330;color:#fff;padding:18px 28px 0}
header.top h1{margin:0;font-size:20px;font-weight:600}
header.top .sub{margin:4px 0 12px;color:#c9d1e0;font-size:13px}
header.top nav{display:flex;gap:4px;flex-wrap:wrap}
header.top nav a{color:#fff;text-decoration:none;padding:7px 12px;border-radius:6px 6px 0 0;background:#2c3446;font-size:13px}
header.top nav a:hover{background:#3a445a}
main{display:flex;flex-direction:column;gap:18px;padding:20px 28px 28px;max-width:1200px;margin:0 auto}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px}
section h2{margin:0 0 12px;font-size:17px}
#summary{order:1}#charts{order:2}#coverage{order:3}#waivers{order:4}#orders{order:5}#provenance{order:6}
.cards{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:10px}
@media (max-width:720px){.cards{grid-template-columns:repeat(3,minmax(0,1fr))}}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;border-top:4px solid var(--line)}
.card .n{font-size:22px;font-weight:650;display:block}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.block{border-top-color:var(--block)}.card.hold{border-top-color:var(--hold)}.card.review{border-top-color:var(--review)}
.card.info{border-top-color:var(--info)}.card.clear{border-top-color:var(--clear)}.card.error{border-top-color:var(--error)}
.verdicts{margin-top:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font:12px system-ui,sans-serif;fill:var(--ink)}
svg.chart text.c{fill:var(--muted)}
.legend{display:flex;gap:14px;color:var(--muted);font-size:12px;margin-top:6px;flex-wrap:wrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.badge{display:inline-block;min-width:58px;text-align:center;padding:1px 7px;border-radius:4px;color:#fff;font-size:11px;font-weight:700;letter-spacing:.05em;text-transform:uppercase}
.b-block{background:var(--block)}.b-hold{background:var(--hold)}.b-review{background:var(--review)}.b-info{background:var(--info)}.b-clear{background:var(--clear)}.b-error{background:var(--error)}
.order{border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;margin:10px 0;padding:10px 14px;background:#fff}
.order.v-block{border-left-color:var(--block)}.order.v-hold{border-left-color:var(--hold)}.order.v-review{border-left-color:var(--review)}
.order.v-info{border-left-color:var(--info)}.order.v-error{border-left-color:var(--error)}
.order.v-clear{border-left-color:var(--clear);padding:5px 14px;margin:4px 0}
.order h3{margin:0;font-size:15px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.order .oid{font-weight:650;word-break:break-all}
.order .loc,.order .count{color:var(--muted);font-weight:400;font-size:12.5px}
.finding{border-top:1px solid var(--line);margin-top:10px;padding-top:10px;overflow-x:auto}
.finding h4{margin:0 0 4px;font-size:14px;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.finding .title{font-weight:500}
.finding .msg{margin:4px 0 8px;font-size:14px}
.finding .note{color:var(--muted);margin:2px 0}
.undecided{color:var(--error);font-weight:600;font-size:12.5px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600;background:#f8f9fb}
td.m{width:1.5em;text-align:center;font-weight:700}
tr.t-true td.m{color:var(--clear)}tr.t-false td.m{color:var(--muted)}tr.t-unknown td.m{color:var(--error)}
td ul{margin:0;padding-left:16px}
.row{color:var(--muted);font-size:12.5px;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0 0}
dl.meta dt{color:var(--muted);font-size:12.5px}dl.meta dd{margin:0}
details>summary{cursor:pointer;color:var(--muted);margin:8px 0}
.problems{margin:6px 0 0;padding-left:18px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}
@media print{header.top nav{display:none}main{display:block}section{break-inside:auto;margin-bottom:14px}}
"#;

/// The report's style sheet, for pages that show its order cards (`redflag serve`'s review page).
pub fn style() -> &'static str {
    STYLE
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
fn bar_chart(
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
fn verdict_chart(out: &mut dyn Write, s: &Summary) -> io::Result<()> {
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

fn section_table(out: &mut dyn Write, id: &str, section: &ReportSection) -> io::Result<()> {
    writeln!(out, "<section id=\"{id}\"><h2>{}</h2>", esc(&section.title))?;
    if let Some(note) = &section.note {
        writeln!(out, "<p>{}</p>", esc(note))?;
    }
    write!(out, "<table><thead><tr>")?;
    for c in &section.columns {
        write!(out, "<th>{}</th>", esc(c))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for row in &section.rows {
        write!(out, "<tr>")?;
        for cell in row {
            write!(out, "<td>{}</td>", esc(cell))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></section>")
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
        for line in super::screening_lines(s) {
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

fn finding_html(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let sev = f.severity.as_str();
    write!(
        out,
        "<div class=\"finding s-{sev}\"><h4><span class=\"badge b-{sev}\">{sev}</span><code>{}</code><span class=\"count\">v{}</span><span class=\"title\">{}</span>",
        esc(&f.rule_id),
        f.rule_version,
        bdi(&f.title)
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
            .filter_map(|o| o.row.as_ref().map(row_html))
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
        esc(&f.condition)
    )?;
    if !f.why.is_empty() {
        writeln!(out, "<dt>why</dt><dd>{}</dd>", esc(&f.why))?;
    }
    if !f.action.is_empty() {
        writeln!(out, "<dt>action</dt><dd>{}</dd>", esc(&f.action))?;
    }
    for r in &f.references {
        let text = match &r.url {
            Some(url) => link(url, &r.cite),
            None => esc(&r.cite).into_owned(),
        };
        writeln!(out, "<dt>reference</dt><dd>{text}</dd>")?;
    }
    let tags: Vec<String> = std::iter::once(&f.family)
        .chain(&f.red_flags)
        .chain(&f.icp)
        .filter(|t| !t.is_empty())
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect();
    if !tags.is_empty() {
        writeln!(out, "<dt>tags</dt><dd>{}</dd>", tags.join(" "))?;
    }
    writeln!(out, "</dl></div>")
}

impl Reporter for HtmlReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        let pack = run.pack;
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
        )?;
        // Defence in depth: escaping keeps data out of markup, and the policy
        // stops any script or remote load should something slip through.
        writeln!(
            out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
        )?;
        writeln!(
            out,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"redflag {}\">",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            out,
            "<title>redflag report · {} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
            esc(&pack.name),
            esc(&pack.version)
        )?;
        write!(
            out,
            "<header class=\"top\"><h1>redflag audit report</h1><p class=\"sub\">pack <b>{}</b> {} · {} rules · sha256 <span class=\"mono\">{}</span> · fail on {}",
            esc(&pack.name),
            esc(&pack.version),
            pack.rules.len(),
            short(&pack.digest),
            run.fail_on
        )?;
        if let Some(as_of) = run.as_of {
            write!(out, " · judged as of {as_of}")?;
        }
        write!(
            out,
            " · redflag {}</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a>",
            env!("CARGO_PKG_VERSION")
        )?;
        if run.coverage.is_some() {
            write!(out, "<a href=\"#coverage\">Coverage</a>")?;
        }
        if run.waivers.is_some() || run.waiver_file.is_some() {
            write!(out, "<a href=\"#waivers\">Waivers</a>")?;
        }
        writeln!(
            out,
            "<a href=\"#orders\">Orders</a><a href=\"#provenance\">Provenance</a></nav></header>\n<main>"
        )?;
        writeln!(out, "<section id=\"orders\"><h2>Orders</h2>")
    }

    fn judgement(&mut self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        self.orders += 1;
        for f in &j.findings {
            let i = severity_index(f.severity);
            let rule = self.by_rule.entry(f.rule_id.clone()).or_default();
            rule.title.clone_from(&f.title);
            rule.counts[i] += 1;
            self.by_family.entry(f.family.clone()).or_default().counts[i] += 1;
        }
        let class = verdict_class(j.verdict);
        let id = j.order_id.as_deref().unwrap_or("(no id)");
        write!(
            out,
            "<article class=\"order v-{class}\" id=\"o-{}\"><h3><span class=\"badge b-{class}\">{class}</span><span class=\"oid\">{}</span><span class=\"loc\">{}:{}</span>",
            self.orders,
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
        for f in &j.findings {
            finding_html(out, f)?;
        }
        writeln!(out, "</article>")
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, s: &Summary) -> io::Result<()> {
        if self.orders == 0 {
            writeln!(out, "<p>No records were read.</p>")?;
        }
        writeln!(out, "</section>")?;

        // Summary.
        writeln!(
            out,
            "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
        )?;
        let cards: [(&str, usize, &str); 6] = [
            ("records read", s.read, ""),
            ("orders judged", s.judged, ""),
            ("rejected", s.rejected, "error"),
            ("findings", s.findings, ""),
            ("undecided", s.undecided, ""),
            ("at or above fail-on", s.failing, ""),
        ];
        for (label, n, class) in cards {
            writeln!(
                out,
                "<div class=\"card {class}\"><span class=\"n\">{n}</span><span class=\"l\">{label}</span></div>"
            )?;
        }
        writeln!(out, "</div><div class=\"cards verdicts\">")?;
        let verdicts: [(&str, usize); 6] = [
            ("block", s.block),
            ("hold", s.hold),
            ("review", s.review),
            ("info", s.info),
            ("clear", s.clear),
            ("error", s.rejected),
        ];
        for (name, n) in verdicts {
            writeln!(
                out,
                "<div class=\"card {name}\"><span class=\"n\">{n}</span><span class=\"l\">{name}</span></div>"
            )?;
        }
        writeln!(
            out,
            "</div><p>Fail-on threshold <b>{}</b>: {} of {} records are at or above it (unreadable records always count).</p></section>",
            run.fail_on, s.failing, s.read
        )?;

        // Charts.
        writeln!(
            out,
            "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">"
        )?;
        verdict_chart(out, s)?;
        let mut rules: Vec<(String, [usize; 4])> = self
            .by_rule
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
        let mut families: Vec<(String, [usize; 4])> = self
            .by_family
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
        if !self.by_rule.is_empty() {
            writeln!(out, "<details><summary>Findings by rule as a table</summary><table><thead><tr><th>rule</th><th>title</th><th>block</th><th>hold</th><th>review</th><th>info</th><th>total</th></tr></thead><tbody>")?;
            for (id, t) in &self.by_rule {
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
        writeln!(out, "</section>")?;

        // Sections computed by the caller.
        if let Some(coverage) = &run.coverage {
            section_table(out, "coverage", coverage)?;
        }
        if let Some(waivers) = &run.waivers {
            section_table(out, "waivers", waivers)?;
        } else if let Some(file) = run.waiver_file {
            section_table(out, "waivers", &super::waiver_section(file, s))?;
        }

        provenance(out, run, s)?;
        writeln!(
            out,
            "</main>\n<footer>redflag {}: the same inputs, pack and options give the same file, byte for byte.</footer>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        )
    }
}

fn provenance(out: &mut dyn Write, run: &RunInfo, s: &Summary) -> io::Result<()> {
    let pack = run.pack;
    writeln!(
        out,
        "<section id=\"provenance\"><h2>Provenance</h2><dl class=\"meta\">"
    )?;
    writeln!(
        out,
        "<dt>redflag</dt><dd>{}</dd>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        out,
        "<dt>rule pack</dt><dd>{} {} ({} rules) from {}</dd>",
        esc(&pack.name),
        esc(&pack.version),
        pack.rules.len(),
        esc(&run.pack_origin)
    )?;
    writeln!(
        out,
        "<dt>pack sha256</dt><dd class=\"hash\">{}</dd>",
        esc(&pack.digest)
    )?;
    // A layered pack names each layer and every base rule it changed, with the reason.
    if super::json::is_layered(pack) {
        for l in &pack.layers {
            writeln!(
                out,
                "<dt>layer</dt><dd>{} {} from {} <span class=\"hash\">{}</span></dd>",
                esc(&l.name),
                esc(&l.version),
                esc(&l.origin),
                esc(&l.digest)
            )?;
        }
        for o in &pack.overrides {
            writeln!(
                out,
                "<dt>override</dt><dd><code>{}</code> {} by {}: {}</dd>",
                esc(&o.rule),
                esc(&o.change.describe()),
                esc(&o.layer),
                esc(&o.reason)
            )?;
        }
    }
    if let Some(as_of) = run.as_of {
        writeln!(out, "<dt>judged as of</dt><dd>{as_of}</dd>")?;
    }
    writeln!(out, "<dt>fail on</dt><dd>{}</dd>", run.fail_on)?;
    writeln!(
        out,
        "<dt>counts</dt><dd>{} read = {} judged + {} rejected; {} findings ({} undecided)</dd></dl>",
        s.read, s.judged, s.rejected, s.findings, s.undecided
    )?;

    writeln!(out, "<h3>Inputs</h3><table><thead><tr><th>file</th><th>records</th><th>bytes</th><th>sha256</th></tr></thead><tbody>")?;
    for input in &s.inputs {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
            esc(&input.file),
            input.records,
            input.bytes.map(|b| b.to_string()).unwrap_or_default(),
            esc(input.sha256.as_deref().unwrap_or("not computed"))
        )?;
    }
    writeln!(out, "</tbody></table>")?;

    writeln!(out, "<h3>Lists and rates</h3><table><thead><tr><th>name</th><th>file</th><th>as of</th><th>rows</th><th>source</th><th>sha256</th></tr></thead><tbody>")?;
    let mut tables: Vec<(&crate::rules::lists::TableMeta, usize)> = pack
        .lists
        .values()
        .map(|l| (&l.meta, l.rows.len()))
        .collect();
    if let Some(r) = &pack.rates {
        tables.push((&r.meta, r.row_count()));
    }
    for (meta, rows) in tables {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"nowrap\">{}</td><td>{rows}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
            esc(&meta.name),
            esc(&meta.file),
            meta.as_of,
            esc(&meta.source),
            esc(&meta.digest)
        )?;
    }
    writeln!(out, "</tbody></table>")?;

    if !run.screening.is_empty() {
        writeln!(out, "<h3>Screening lists</h3><table><thead><tr><th>name</th><th>file</th><th>format</th><th>as of</th><th>entries</th><th>bad rows</th><th>sha256</th></tr></thead><tbody>")?;
        for l in &run.screening {
            writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
                esc(&l.name),
                esc(&l.file),
                esc(&l.format),
                l.as_of.map(|d| d.to_string()).unwrap_or_else(|| "not stated".into()),
                l.entries,
                l.problems,
                esc(&l.digest)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    } else if !run.pack.screening_rules().is_empty() {
        writeln!(out, "<h3>Screening lists</h3><p>None given: parties were not screened against denied-party lists.</p>")?;
    }

    if !run.other_files.is_empty() {
        writeln!(out, "<h3>Other files</h3><table><thead><tr><th>role</th><th>file</th><th>sha256</th></tr></thead><tbody>")?;
        for f in &run.other_files {
            writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"hash\">{}</td></tr>",
                esc(&f.role),
                esc(&f.file),
                esc(&f.sha256)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }

    writeln!(out, "<details><summary>Rules of the pack ({})</summary><table><thead><tr><th>rule</th><th>version</th><th>severity</th><th>family</th><th>title</th></tr></thead><tbody>", pack.rules.len())?;
    for rule in &pack.rules {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&rule.id),
            rule.version,
            rule.severity,
            esc(&rule.family),
            esc(&rule.title)
        )?;
    }
    writeln!(out, "</tbody></table></details>")?;
    writeln!(out, "<details><summary>Files of the pack ({}); the pack sha256 is the SHA-256 of their <code>sha256&#x20;&#x20;path</code> lines, sorted by path</summary><table><thead><tr><th>path</th><th>sha256</th></tr></thead><tbody>", pack.files.len())?;
    for (path, digest) in &pack.files {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"hash\">{}</td></tr>",
            esc(path),
            esc(digest)
        )?;
    }
    writeln!(out, "</tbody></table></details></section>")
}
