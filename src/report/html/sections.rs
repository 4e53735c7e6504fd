//! The report's tables besides the orders: sections computed by the caller and provenance.

use std::io::{self, Write};

use std::collections::BTreeMap;

use super::charts::Tally;
use super::text::{esc, link};
use crate::report::{ReportSection, RunInfo, Summary};

/// The summary section: counts of every record, whatever the report shows; `notes` (what the
/// report leaves out, and why) come first.
pub(crate) fn summary(
    out: &mut dyn Write,
    run: &RunInfo,
    s: &Summary,
    notes: &[String],
) -> io::Result<()> {
    writeln!(out, "<section id=\"summary\"><h2>Summary</h2>")?;
    for note in notes {
        writeln!(out, "<p class=\"notice\">{}</p>", esc(note))?;
    }
    writeln!(out, "<div class=\"cards\">")?;
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
    )
}

pub(crate) fn section_table(
    out: &mut dyn Write,
    id: &str,
    section: &ReportSection,
) -> io::Result<()> {
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

pub(crate) fn provenance(out: &mut dyn Write, run: &RunInfo, s: &Summary) -> io::Result<()> {
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
    if crate::report::json::is_layered(pack) {
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
    if run.shipped {
        writeln!(
            out,
            "<dt>ship dates</dt><dd>read as the day the goods left: what came into force after one is a lookback finding</dd>"
        )?;
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

/// The rules that fired in a large run, each once: what the compact entries leave out (why,
/// action, references, tags).
pub(crate) fn rules_that_fired(
    out: &mut dyn Write,
    run: &RunInfo,
    by_rule: &BTreeMap<String, Tally>,
    expected: &BTreeMap<(String, String), String>,
) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"rules\"><h2>Rules that fired</h2><dl class=\"meta\">"
    )?;
    for rule in run
        .pack
        .rules
        .iter()
        .filter(|r| by_rule.contains_key(&r.id))
    {
        writeln!(
            out,
            "<dt><code>{}</code> v{}</dt><dd><b>{}</b>",
            esc(&rule.id),
            rule.version,
            esc(&rule.title)
        )?;
        for ((of, condition), what) in expected.range((rule.id.clone(), String::new())..) {
            if *of != rule.id {
                break;
            }
            writeln!(
                out,
                "<div><code>{}</code> expects {}</div>",
                esc(condition),
                esc(what)
            )?;
        }
        if !rule.why.is_empty() {
            writeln!(out, "<div>why: {}</div>", esc(&rule.why))?;
        }
        if !rule.action.is_empty() {
            writeln!(out, "<div>action: {}</div>", esc(&rule.action))?;
        }
        for r in &rule.references {
            let text = match &r.url {
                Some(url) => link(url, &r.cite),
                None => esc(&r.cite).into_owned(),
            };
            writeln!(out, "<div>reference: {text}</div>")?;
        }
        writeln!(out, "</dd>")?;
    }
    writeln!(out, "</dl></section>")
}
