//! Rendering a run: human text, JSON and JSON Lines.
//!
//! The only module that knows output formats. Reporters stream: they get the
//! run's header, then each judgement in input order, then the summary, so a
//! million orders never sit in memory. Wire structures are built here by hand
//! from the domain types, which are deliberately not `Serialize`.

pub mod explain;
pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::findings::{Judgement, Verdict};
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
