//! Rendering a run: human text, JSON and JSON Lines; and the coverage matrix
//! and run comparisons (`coverage.rs`, `diff.rs`).
//!
//! The only module that knows output formats. Reporters stream: they get the
//! run's header, then each judgement in input order, then the summary, so a
//! million orders never sit in memory. Wire structures are built here by hand
//! from the domain types, which are deliberately not `Serialize`.

pub mod coverage;
pub mod diff;
pub mod explain;
pub mod human;
pub mod json;
pub mod ruletest;

use std::io::{self, Write};

use crate::findings::{Judgement, ListingStatus, MatchBasis, ScreeningEvidence, Verdict};
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
    /// The screening lists parties were screened against (empty: none given).
    pub screening: Vec<ScreeningInfo>,
    /// The date the run judges as of: screening-list entries listed later are not known yet,
    /// and waivers must be in force on it.
    pub as_of: chrono::NaiveDate,
    /// Whether `as_of` was given (`--as-of`) or is the day of the run.
    pub as_of_given: bool,
    /// The waiver file, if one was given.
    pub waivers: Option<&'a crate::waivers::Waivers>,
}

/// Provenance of one screening list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningInfo {
    /// The list's name.
    pub name: String,
    /// The file read.
    pub file: String,
    /// The format it was read as.
    pub format: String,
    /// When it was last checked against its source, if stated.
    pub as_of: Option<chrono::NaiveDate>,
    /// Where it comes from, if stated.
    pub source: String,
    /// SHA-256 of the file.
    pub digest: String,
    /// Entries read.
    pub entries: usize,
    /// Rows that could not be read (reported as warnings).
    pub problems: usize,
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
    /// Findings cleared by a waiver (still reported, and counted in `findings`).
    pub waived: usize,
    /// Waivers that matched a finding but were not in force on the as-of date.
    pub waivers_expired: Vec<String>,
    /// Waivers that matched no finding.
    pub waivers_unused: Vec<String>,
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
        self.waived += judgement
            .findings
            .iter()
            .filter(|f| f.waiver.is_some())
            .count();
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

/// A screening match in words: which entry, how it matched, how strongly, when it was listed.
/// Shared by the text formats so they say the same thing.
pub fn screening_lines(s: &ScreeningEvidence) -> [String; 2] {
    let programs = if s.programs.is_empty() {
        String::new()
    } else {
        format!(", programs {}", s.programs.join(", "))
    };
    let listed = match (s.listed_on, s.shipment_date) {
        (Some(on), Some(ship)) => format!("listed {on}, shipment {ship}: {}", s.status.as_str()),
        (Some(on), None) => format!("listed {on}; {}", s.status.as_str()),
        (None, _) if s.status == ListingStatus::OrderUndated => s.status.as_str().to_string(),
        (None, _) => "listing date not given: counted as listed".to_string(),
    };
    let ended = s
        .ends_on
        .map(|d| format!(", listing ends {d}"))
        .unwrap_or_default();
    let basis = match &s.basis {
        MatchBasis::Name => "the entry's name".to_string(),
        MatchBasis::Alias(a) => format!("alias `{a}`"),
        MatchBasis::Id { scheme, value } => format!("identifier {scheme} `{value}`"),
    };
    let country = match s.country_match {
        Some(true) => "; countries agree",
        Some(false) => "; countries differ",
        None => "",
    };
    let others = if s.other_matches > 0 {
        format!(
            "; {} more entr{} matched",
            s.other_matches,
            if s.other_matches == 1 { "y" } else { "ies" }
        )
    } else {
        String::new()
    };
    [
        format!(
            "{} `{}` matches {} entry {} `{}`{programs} ({listed}{ended})",
            s.role, s.party, s.list, s.entry_id, s.primary_name
        ),
        format!(
            "on {basis}, score {}; compared `{}` with `{}`{country}{others}",
            s.score, s.query_normalized, s.entry_normalized
        ),
    ]
}
