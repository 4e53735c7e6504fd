//! Human-readable output: grouped by order, verdict first, each finding with
//! its message, evidence and references, then a summary with the counts.
//!
//! Colour is an option the caller decides (terminal, `NO_COLOR`, `--color`);
//! without it the text carries the same information.
//!
//! Every line that holds data is written through [`line`] (or, for the lines that carry
//! colour, with each piece of data made [`visible`]), so no order, list or file name can move
//! the cursor, recolour, link or reorder the report (see [`super::escape`]).

use std::borrow::Cow;
use std::io::{self, Write};

use super::escape::{visible, write_line as line};
use super::{Reporter, RunInfo, Summary};
use crate::findings::*;
use crate::rules::Severity;

/// The human reporter.
pub struct HumanReporter {
    color: bool,
    /// `--sort severity`: orders are held, with their rank, until the summary.
    by_severity: bool,
    held: Vec<(u8, Vec<u8>)>,
}

impl HumanReporter {
    /// A reporter; `color` adds ANSI colours. Orders come in input order.
    pub fn new(color: bool) -> HumanReporter {
        HumanReporter {
            color,
            by_severity: false,
            held: Vec::new(),
        }
    }

    /// A reporter that writes orders most severe first (unreadable records, then block, hold,
    /// review, info, clear), in input order within a verdict. It holds the report's orders in
    /// memory until the run ends.
    pub fn by_severity(color: bool) -> HumanReporter {
        HumanReporter {
            by_severity: true,
            ..HumanReporter::new(color)
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn verdict(&self, verdict: Verdict) -> String {
        let text = verdict.as_str().to_uppercase();
        let code = match verdict {
            Verdict::Clear => "32",
            Verdict::Flagged(Severity::Info) => "36",
            Verdict::Flagged(Severity::Review) => "33",
            Verdict::Flagged(Severity::Hold) => "1;33",
            Verdict::Flagged(Severity::Block) | Verdict::Error => "1;31",
        };
        self.paint(code, &text)
    }
}

/// Where a verdict sorts with `--sort severity`: higher first.
fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Clear => 0,
        Verdict::Flagged(Severity::Info) => 1,
        Verdict::Flagged(Severity::Review) => 2,
        Verdict::Flagged(Severity::Hold) => 3,
        Verdict::Flagged(Severity::Block) => 4,
        Verdict::Error => 5,
    }
}

fn mark(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "✔",
        Truth::False => "✘",
        Truth::Unknown => "?",
    }
}

impl HumanReporter {
    /// One order's block: the verdict line, its problems or findings with their evidence.
    fn write_judgement(&self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        let id = j.order_id.as_deref().unwrap_or("(no id)");
        // The verdict line carries colour, so its data is escaped piece by piece; every other
        // line is escaped whole by `line`.
        writeln!(
            out,
            "{}  {}  {}",
            self.verdict(j.verdict),
            self.paint("1", &visible(id)),
            visible(&format!("{}:{}", j.origin.file, j.origin.line))
        )?;
        if let Some(context) = j.context.as_ref().and_then(super::context_line) {
            line(out, &format!("  {context}"))?;
        }
        for p in &j.problems {
            let mut at = p.path.clone();
            if let Some(column) = &p.column {
                at = format!("{at} (column `{column}`)");
            }
            if let Some(line) = p.line {
                at = format!("{at} (line {line})");
            }
            let at = at.trim().to_string();
            if at.is_empty() {
                line(out, &format!("  {} {}", p.code, p.message))?;
            } else {
                line(out, &format!("  {} {at}: {}", p.code, p.message))?;
            }
        }
        for f in &j.findings {
            let mut kind = match f.kind {
                FindingKind::Fired => "",
                FindingKind::Undecided => " (could not evaluate)",
            }
            .to_string();
            if let Some(w) = &f.waiver {
                kind.push_str(&format!(" [waived by {}]", w.id));
            }
            writeln!(
                out,
                "  {} {}",
                self.verdict(Verdict::Flagged(f.severity)),
                visible(&format!(
                    "{} v{}{kind}: {}",
                    f.rule.id, f.rule.version, f.rule.title
                ))
            )?;
            line(out, &format!("    {}", f.message))?;
            if let Some(w) = &f.waiver {
                line(
                    out,
                    &format!(
                        "    waived: {} (approved by {} on {}, until {}; waiver {})",
                        w.reason, w.approver, w.date, w.expires, w.id
                    ),
                )?;
            }
            if !f.waived_in_part.is_empty() {
                line(
                    out,
                    &format!(
                        "    waived in part by {}: what is shown is not covered by it",
                        f.waived_in_part.join(", ")
                    ),
                )?;
            }
            if f.matches > 1 {
                line(
                    out,
                    &format!(
                        "    ({} combinations matched; the first is shown)",
                        f.matches
                    ),
                )?;
            }
            if let Some(reason) = &f.escalation {
                line(out, &format!("    raised to {}: {reason}", f.severity))?;
            }
            if let Some(why) = &f.later {
                line(
                    out,
                    &format!("    lookback, not the law at shipment: {why}"),
                )?;
            }
            line(out, &format!("    evidence ({}):", f.rule.condition))?;
            let names: Vec<Cow<str>> = f.conditions.iter().map(|c| visible(&c.name)).collect();
            let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
            for (c, name) in f.conditions.iter().zip(&names) {
                let first = c.observations.first();
                let detail = match first {
                    Some(o) => super::observation_line(o),
                    None => c.path.to_string(),
                };
                let others = c.observations.len().saturating_sub(1) + c.more;
                let extra = if others > 0 {
                    format!(" (+{others} more)")
                } else {
                    String::new()
                };
                line(
                    out,
                    &format!("      {} {name:<width$}  {detail}{extra}", mark(c.truth)),
                )?;
                if let Some(s) = c.observations.iter().find_map(|o| o.screening.as_deref()) {
                    for text in super::screening_lines(s) {
                        line(out, &format!("        {text}"))?;
                    }
                }
            }
            if !f.rule.why.is_empty() {
                line(out, &format!("    why: {}", f.rule.why))?;
            }
            if !f.rule.action.is_empty() {
                line(out, &format!("    action: {}", f.rule.action))?;
            }
            for r in &f.rule.references {
                match &r.url {
                    Some(url) => line(out, &format!("    ref: {} <{url}>", r.cite))?,
                    None => line(out, &format!("    ref: {}", r.cite))?,
                }
            }
            if !f.rule.red_flags.is_empty() || !f.rule.icp.is_empty() {
                line(
                    out,
                    &format!(
                        "    tags: {}",
                        f.rule
                            .red_flags
                            .iter()
                            .chain(&f.rule.icp)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )?;
            }
        }
        writeln!(out)
    }
}

impl Reporter for HumanReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        let pack = run.pack;
        line(
            out,
            &format!(
                "redflag {} · pack {} {} ({} rules, sha256 {}) · fail on {}",
                env!("CARGO_PKG_VERSION"),
                pack.name,
                pack.version,
                pack.rules.len(),
                super::short(&pack.digest),
                run.fail_on
            ),
        )?;
        // Without `--as-of` nothing is printed: the day of the run would make the same inputs
        // give other bytes tomorrow.
        if let Some(as_of) = run.as_of {
            line(out, &format!("judged as of {as_of}"))?;
        }
        if run.shipped {
            line(
                out,
                "judged as shipped: a ship_date is the day the goods left, and what came into force after it is a lookback",
            )?;
        }
        // One line per table, aligned, so an auditor can read dates and
        // digests down a column. Names are escaped before they are measured.
        let mut tables: Vec<(String, String, usize, &str)> = pack
            .lists
            .values()
            .map(|l| {
                (
                    visible(&format!("list {}", l.meta.name)).into_owned(),
                    l.meta.as_of.to_string(),
                    l.rows.len(),
                    l.meta.digest.as_str(),
                )
            })
            .collect();
        if let Some(r) = &pack.rates {
            tables.push((
                "rates".into(),
                r.meta.as_of.to_string(),
                r.row_count(),
                r.meta.digest.as_str(),
            ));
        }
        let width = tables
            .iter()
            .map(|t| t.0.chars().count())
            .max()
            .unwrap_or(0);
        let rows_width = tables
            .iter()
            .map(|t| t.2.to_string().len())
            .max()
            .unwrap_or(0);
        for (name, as_of, rows, digest) in &tables {
            line(
                out,
                &format!(
                    "  {name:<width$}  as of {as_of}  {rows:>rows_width$} rows  sha256 {}",
                    super::short(digest)
                ),
            )?;
        }
        if super::json::is_layered(pack) {
            for l in &pack.layers {
                line(
                    out,
                    &format!(
                        "  layer {} {} ({})  sha256 {}",
                        l.name,
                        l.version,
                        l.origin,
                        super::short(&l.digest)
                    ),
                )?;
            }
            for o in &pack.overrides {
                line(
                    out,
                    &format!(
                        "  override {} {} by {}: {}",
                        o.rule,
                        o.change.describe(),
                        o.layer,
                        o.reason
                    ),
                )?;
            }
        }
        for f in &run.other_files {
            line(
                out,
                &format!(
                    "  {} {}  sha256 {}",
                    f.role,
                    f.file,
                    super::short(&f.sha256)
                ),
            )?;
        }
        for l in &run.screening {
            let as_of = l.as_of.map(|d| format!("  as of {d}")).unwrap_or_default();
            line(
                out,
                &format!(
                    "  screening {}{as_of}  {} entries, {} bad rows  sha256 {}",
                    l.name,
                    l.entries,
                    l.problems,
                    super::short(&l.digest)
                ),
            )?;
        }
        writeln!(out)
    }

    fn judgement(&mut self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        if self.by_severity {
            let mut text = Vec::with_capacity(2048);
            self.write_judgement(&mut text, j)?;
            self.held.push((rank(j.verdict), text));
            return Ok(());
        }
        self.write_judgement(out, j)
    }

    fn render(&self, j: &Judgement) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(2048);
        if self.by_severity {
            // The rank rides in front, for `write_rendered`.
            out.push(rank(j.verdict));
        }
        self.write_judgement(&mut out, j).ok()?;
        Some(out)
    }

    fn write_rendered(&mut self, out: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        match (self.by_severity, rendered.split_first()) {
            (true, Some((&rank, text))) => {
                self.held.push((rank, text.to_vec()));
                Ok(())
            }
            _ => out.write_all(rendered),
        }
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, s: &Summary) -> io::Result<()> {
        // A stable sort: input order within a verdict, so the output is deterministic.
        self.held.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
        for (_, text) in std::mem::take(&mut self.held) {
            out.write_all(&text)?;
        }
        if let (Some(option), Some(holds)) = (run.filter.option(), run.filter.describe()) {
            writeln!(
                out,
                "{} of {} records left out of this report by `{option}`, which shows {holds}; the counts below cover every record",
                s.left_out, s.read
            )?;
        }
        writeln!(
            out,
            "{} read: {} judged, {} rejected · verdicts: {} block, {} hold, {} review, {} info, {} clear, {} error · {} findings ({} undecided)",
            s.read, s.judged, s.rejected, s.block, s.hold, s.review, s.info, s.clear, s.rejected, s.findings, s.undecided
        )?;
        if run.waiver_file.is_some() {
            writeln!(out, "{} findings waived", s.waived)?;
            if !s.waivers_expired.is_empty() {
                line(
                    out,
                    &format!(
                        "waivers matched but not in force on {}: {}",
                        run.judged_on,
                        s.waivers_expired.join(", ")
                    ),
                )?;
            }
            if !s.waivers_unused.is_empty() {
                line(
                    out,
                    &format!(
                        "waivers that matched nothing: {}",
                        s.waivers_unused.join(", ")
                    ),
                )?;
            }
        }
        writeln!(
            out,
            "{} at or above `{}` (errors count)",
            s.failing, run.fail_on
        )?;
        for input in &s.inputs {
            let digest = match &input.sha256 {
                Some(d) => format!("sha256 {}", super::short(d)),
                None => "no digest".into(),
            };
            let plural = if input.records == 1 { "" } else { "s" };
            line(
                out,
                &format!(
                    "input {}: {} record{plural}, {digest}",
                    input.file, input.records
                ),
            )?;
        }
        Ok(())
    }
}
