//! HTML output (`--format html`): one self-contained file an auditor can
//! file. No network and no script: styles are inline, charts are inline SVG,
//! and a Content-Security-Policy forbids scripts and remote loads, so even a
//! hostile order cannot make the page fetch or run anything.
//!
//! Every string that comes from an order, a rule or a list goes through
//! [`esc`] (the `html-escape` crate), and links are made only from `http`
//! and `https` references.
//!
//! The page reads top to bottom: summary, charts, an index of the orders (one row each: id,
//! buyer, destination, value, verdict, rules), each order's evidence, the coverage matrix,
//! waivers, provenance. The summary needs every order, so the index and the evidence are
//! kept aside while the run streams and written at the end. A run of at most [`LARGE_RUN`]
//! orders keeps its judgements and writes each order in full: an index table, and each
//! order's entry with its evidence tables. A larger run spools its index rows and the evidence
//! of orders with findings or problems to temporary files, as text in `<pre>` blocks (see
//! [`index::text_row`] and [`order::compact_order_html`]): a browser builds one text node where
//! a table needs a dozen elements a row, which is what lets a report of 200,000 orders open in
//! seconds (docs/performance.md). Clear orders are in the index only; memory does not grow
//! with the number of orders.

mod charts;
mod index;
mod order;
mod sections;
mod style;
mod text;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use super::{short, Reporter, RunInfo, Summary};
use crate::findings::*;
use crate::rules::Severity;
use charts::Tally;
use style::STYLE;

pub use order::{compact_order_html, order_html};
pub use style::style;
pub use text::esc;

/// Orders a report writes in full; a report of more orders is a large run: every order in the
/// index, compact evidence for orders with findings or problems, clear orders in the index only.
pub const LARGE_RUN: usize = 2000;

/// Index rows, and entries of a large run, per block the browser lays out only when it is
/// scrolled to (`content-visibility: auto`).
const BLOCK: usize = 500;

/// The HTML reporter.
#[derive(Default)]
pub struct HtmlReporter {
    /// Orders in the report so far.
    orders: usize,
    by_rule: BTreeMap<String, Tally>,
    by_family: BTreeMap<String, Tally>,
    /// The index rows of a large run, as text.
    index: Option<Spool>,
    /// Index rows written to `index`.
    rows: usize,
    /// What each condition of each rule that fired expects, for the rules section of a large
    /// run (compact entries leave it out).
    expected: BTreeMap<(String, String), String>,
    /// The judgements of a run not (yet) large, written in full at the end.
    held: Vec<(usize, Judgement)>,
    /// The compact entries of a large run.
    evidence: Option<Spool>,
    /// Entries written to `evidence`.
    entries: usize,
}

/// Bytes of a large run kept aside until the end, in an anonymous temporary file.
struct Spool(BufWriter<File>);

impl Spool {
    fn file() -> io::Result<Spool> {
        Ok(Spool(BufWriter::with_capacity(
            1 << 16,
            tempfile::tempfile()?,
        )))
    }

    fn writer(&mut self) -> &mut dyn Write {
        &mut self.0
    }

    /// Writes everything kept to `out`.
    fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        let mut file = self.0.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file, out).map(|_| ())
    }
}

impl HtmlReporter {
    /// A reporter writing one HTML document.
    pub fn new() -> HtmlReporter {
        HtmlReporter::default()
    }

    /// Whether the report has more orders than it writes in full.
    fn large(&self) -> bool {
        self.orders > LARGE_RUN
    }

    /// An order of a large run: its index row, and its compact entry when it has findings or
    /// problems. Both are text in blocks of [`BLOCK`] (see [`index::text_row`]).
    fn spool(&mut self, number: usize, j: &Judgement) -> io::Result<()> {
        let index = match &mut self.index {
            Some(spool) => spool,
            None => self.index.insert(Spool::file()?),
        };
        let out = index.writer();
        if self.rows.is_multiple_of(BLOCK) {
            if self.rows > 0 {
                writeln!(out, "</pre></div>")?;
            }
            write!(out, "<div class=\"block\"><pre class=\"ix\">")?;
        }
        self.rows += 1;
        let linked = !j.findings.is_empty() || !j.problems.is_empty();
        index::text_row(out, number, j, linked)?;
        if !linked {
            return Ok(());
        }
        for f in &j.findings {
            for c in &f.conditions {
                if let Some(o) = c.observations.first() {
                    self.expected
                        .entry((f.rule.id.clone(), c.name.to_string()))
                        .or_insert_with(|| o.expected.to_string());
                }
            }
        }
        let evidence = match &mut self.evidence {
            Some(spool) => spool,
            None => self.evidence.insert(Spool::file()?),
        };
        let out = evidence.writer();
        if self.entries.is_multiple_of(BLOCK) {
            if self.entries > 0 {
                writeln!(out, "</pre></div>")?;
            }
            write!(out, "<div class=\"block\"><pre class=\"ev\">")?;
        }
        self.entries += 1;
        compact_order_html(out, number, j)
    }
}

pub(crate) fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Review => 1,
        Severity::Hold => 2,
        Severity::Block => 3,
    }
}

pub(crate) const SEVERITIES: [Severity; 4] = Severity::ALL;

pub(crate) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Clear => "clear",
        Verdict::Flagged(s) => s.as_str(),
        Verdict::Error => "error",
    }
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
        if run.shipped {
            write!(out, " · judged as shipped")?;
        }
        write!(
            out,
            " · redflag {}</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#index\">Index</a><a href=\"#orders\">Orders</a>",
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
            "<a href=\"#provenance\">Provenance</a></nav></header>\n<main>"
        )
    }

    fn judgement(&mut self, _out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        self.orders += 1;
        let number = self.orders;
        for f in &j.findings {
            let i = severity_index(f.severity);
            let rule = self.by_rule.entry(f.rule.id.clone()).or_default();
            rule.title.clone_from(&f.rule.title);
            rule.counts[i] += 1;
            self.by_family
                .entry(f.rule.family.clone())
                .or_default()
                .counts[i] += 1;
        }
        if !self.large() {
            self.held.push((number, j.clone()));
            return Ok(());
        }
        // The run has just become large: what was held goes to files, in the compact form.
        for (n, held) in std::mem::take(&mut self.held) {
            self.spool(n, &held)?;
        }
        self.spool(number, j)
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, s: &Summary) -> io::Result<()> {
        let mut notes = Vec::new();
        if let (Some(option), Some(holds)) = (run.filter.option(), run.filter.describe()) {
            notes.push(format!(
                "This report shows {holds} (`{option}`): {} of {} records are left out of it. The counts below cover every record.",
                s.left_out, s.read
            ));
        }
        if self.large() {
            notes.push(format!(
                "A large run: {} orders, more than {LARGE_RUN}. The index lists every order in the report, as text; the evidence is shown, in a compact form, for the {} orders with findings or problems only, and clear orders are in the index alone. Each rule's title, what each of its conditions expects, why, action and references are under Rules that fired.",
                self.orders, self.entries
            ));
        }
        sections::summary(out, run, s, &notes)?;
        charts::charts(out, s, &self.by_rule, &self.by_family)?;

        match self.index.take() {
            Some(rows) => {
                index::begin_text(out, self.orders)?;
                rows.copy_to(out)?;
                index::end_text(out)?;
            }
            None => {
                index::begin(out, self.orders)?;
                for (number, (n, j)) in self.held.iter().enumerate() {
                    if number > 0 && number.is_multiple_of(BLOCK) {
                        index::next_block(out)?;
                    }
                    index::row(out, *n, j, !j.findings.is_empty() || !j.problems.is_empty())?;
                }
                index::end(out)?;
            }
        }

        writeln!(out, "<section id=\"orders\"><h2>Orders</h2>")?;
        if self.orders == 0 {
            writeln!(out, "<p>No records were read.</p>")?;
        }
        for (number, j) in std::mem::take(&mut self.held) {
            order_html(out, number, &j)?;
        }
        if let Some(evidence) = self.evidence.take() {
            evidence.copy_to(out)?;
            writeln!(out, "</pre></div>")?;
        } else if self.large() {
            writeln!(out, "<p>No order has a finding or a problem.</p>")?;
        }
        writeln!(out, "</section>")?;
        if self.large() {
            sections::rules_that_fired(out, run, &self.by_rule, &self.expected)?;
        }

        // Sections computed by the caller.
        if let Some(coverage) = &run.coverage {
            sections::section_table(out, "coverage", coverage)?;
        }
        if let Some(waivers) = &run.waivers {
            sections::section_table(out, "waivers", waivers)?;
        } else if let Some(file) = run.waiver_file {
            sections::section_table(out, "waivers", &super::waiver_section(file, s))?;
        }

        sections::provenance(out, run, s)?;
        writeln!(
            out,
            "</main>\n<footer>redflag {}: the same inputs, pack and options give the same file, byte for byte.</footer>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        )
    }
}
