//! Rendering a run: human text, JSON, JSON Lines, HTML, SARIF and CSV.
//!
//! The only module that knows output formats. Reporters stream: they get the
//! run's header, then each judgement in input order, then the summary, so a
//! million orders never sit in memory. Wire structures are built here by hand
//! from the domain types, which are deliberately not `Serialize`.

pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use chrono::NaiveDate;

use crate::findings::{Finding, Judgement, Truth, Verdict};
use crate::rules::{RulePack, Severity};

/// What a report says about the run before any order.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    /// The pack used.
    pub pack: &'a RulePack,
    /// Where the pack came from (`<default pack>` or a directory).
    pub pack_origin: String,
    /// The inputs, as named on the command line.
    pub inputs: Vec<String>,
    /// The `--fail-on` threshold.
    pub fail_on: Severity,
    /// The date the orders are judged as of (`--as-of`), when one was given.
    pub as_of: Option<NaiveDate>,
    /// Further files the run depends on (a waiver file, say), shown with the
    /// provenance in every format.
    pub other_files: Vec<ProvenanceFile>,
    /// The coverage matrix, when the caller computed one; the HTML report
    /// shows it as a section of its own.
    pub coverage: Option<ReportSection>,
    /// Waivers applied, expired and unused, when the caller has them; the
    /// HTML report shows them as a section of its own.
    pub waivers: Option<ReportSection>,
}

impl<'a> RunInfo<'a> {
    /// A run with no as-of date, no other files and no extra sections.
    pub fn new(
        pack: &'a RulePack,
        pack_origin: impl Into<String>,
        inputs: Vec<String>,
        fail_on: Severity,
    ) -> RunInfo<'a> {
        RunInfo {
            pack,
            pack_origin: pack_origin.into(),
            inputs,
            fail_on,
            as_of: None,
            other_files: Vec::new(),
            coverage: None,
            waivers: None,
        }
    }
}

/// A file that is part of a run's provenance besides the pack and inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceFile {
    /// What the file is for (`waivers`).
    pub role: String,
    /// The file as named on the command line.
    pub file: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// A table computed outside the reporters (coverage, waivers), rendered as
/// it is: the reporters add no meaning to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSection {
    /// Heading.
    pub title: String,
    /// A sentence shown above the table, if any.
    pub note: Option<String>,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, as many as `columns`.
    pub rows: Vec<Vec<String>>,
}

/// What the run read from one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// The input as named on the command line (`-` for standard input).
    pub file: String,
    /// Records read from it.
    pub records: usize,
    /// Lowercase hex SHA-256 of its bytes; `None` when it was not read from a
    /// file or standard input, or not to its end.
    pub sha256: Option<String>,
    /// Bytes read, with the digest.
    pub bytes: Option<u64>,
}

/// Counts that always add up: `read == judged + rejected`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read.
    pub read: usize,
    /// Orders judged.
    pub judged: usize,
    /// Records rejected as unreadable.
    pub rejected: usize,
    /// Orders per verdict: clear, info, review, hold, block, error.
    pub clear: usize,
    /// Orders whose worst finding is `info`.
    pub info: usize,
    /// Orders whose worst finding is `review`.
    pub review: usize,
    /// Orders whose worst finding is `hold`.
    pub hold: usize,
    /// Orders whose worst finding is `block`.
    pub block: usize,
    /// Findings in all.
    pub findings: usize,
    /// Findings that could not be decided.
    pub undecided: usize,
    /// Records at or above `--fail-on` (error records always count).
    pub failing: usize,
    /// Each input, in the order given.
    pub inputs: Vec<InputSummary>,
}

impl Summary {
    /// Counts one judgement.
    pub fn add(&mut self, judgement: &Judgement, fail_on: Severity) {
        self.read += 1;
        match judgement.verdict {
            Verdict::Error => {
                self.rejected += 1;
                self.failing += 1;
                return;
            }
            Verdict::Clear => self.clear += 1,
            Verdict::Flagged(Severity::Info) => self.info += 1,
            Verdict::Flagged(Severity::Review) => self.review += 1,
            Verdict::Flagged(Severity::Hold) => self.hold += 1,
            Verdict::Flagged(Severity::Block) => self.block += 1,
        }
        self.judged += 1;
        self.findings += judgement.findings.len();
        self.undecided += judgement
            .findings
            .iter()
            .filter(|f| f.kind == crate::findings::FindingKind::Undecided)
            .count();
        if matches!(judgement.verdict, Verdict::Flagged(s) if s >= fail_on) {
            self.failing += 1;
        }
    }
}

/// A streaming output format.
pub trait Reporter {
    /// Writes whatever precedes the orders.
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()>;
    /// Writes one judgement.
    fn judgement(&mut self, out: &mut dyn Write, judgement: &Judgement) -> io::Result<()>;
    /// Writes the closing summary.
    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()>;
}

/// The first twelve hex digits of a digest, for text meant for people.
pub(crate) fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// `fired` or `undecided`.
pub(crate) fn kind_str(f: &Finding) -> &'static str {
    match f.kind {
        crate::findings::FindingKind::Fired => "fired",
        crate::findings::FindingKind::Undecided => "undecided",
    }
}

/// A finding's evidence on one line: each condition with its truth and the
/// first value it read, and the list row that value matched.
pub(crate) fn evidence_line(f: &Finding) -> String {
    f.conditions
        .iter()
        .map(|c| {
            let mut text = format!("{} {}", c.name, c.truth.as_str());
            if let Some(o) = c.observations.first() {
                match &o.seen {
                    Some(seen) => text.push_str(&format!(": {} = `{seen}`", o.path)),
                    None => text.push_str(&format!(": {} missing", o.path)),
                }
                if let Some(row) = &o.row {
                    text.push_str(&format!(" (matched {} line {})", row.list, row.line));
                }
                if o.holds == Truth::Unknown {
                    if let Some(note) = &o.note {
                        text.push_str(&format!(" ({note})"));
                    }
                }
            }
            let others = c.observations.len().saturating_sub(1) + c.more;
            if others > 0 {
                text.push_str(&format!(" (+{others} more)"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A finding's references on one line: `cite <url>`, separated by ` | `.
pub(crate) fn references_line(f: &Finding) -> String {
    f.references
        .iter()
        .map(|r| match &r.url {
            Some(url) => format!("{} <{url}>", r.cite),
            None => r.cite.clone(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
