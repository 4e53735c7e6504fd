//! What a report holds: `--only flagged` and `--min-verdict` (docs/output.md, Choosing what a
//! report holds).
//!
//! A filter chooses which orders a report shows, never what the run counts: the summary's
//! counts and the exit status cover every order, and every format says how many orders were
//! left out and why. Unreadable records are always shown. An order is kept when any of its
//! findings is at or above the threshold, waived findings included: a waiver is shown, never
//! hidden, and a filter must not become a way to hide one.

use std::io::{self, Write};

use super::{Reporter, RunInfo, Summary};
use crate::findings::{Judgement, Verdict};
use crate::rules::Severity;

/// Which orders a report shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// Orders with a finding at or above this severity (and unreadable records); `None`: every
    /// order. `--only flagged` is `Some(Info)`.
    pub min: Option<Severity>,
}

impl ReportFilter {
    /// Every order.
    pub fn all() -> ReportFilter {
        ReportFilter::default()
    }

    /// Orders with a finding at or above `min`, and unreadable records.
    pub fn at_least(min: Severity) -> ReportFilter {
        ReportFilter { min: Some(min) }
    }

    /// Whether the report shows this judgement.
    pub fn keeps(&self, j: &Judgement) -> bool {
        match self.min {
            None => true,
            Some(min) => {
                j.verdict == Verdict::Error || j.findings.iter().any(|f| f.severity >= min)
            }
        }
    }

    /// What a filtered report holds, in words; `None` when it holds every order.
    pub fn describe(&self) -> Option<String> {
        self.min.map(|min| {
            let what = if min == Severity::Info {
                "orders with a finding".to_string()
            } else {
                format!("orders with a finding at or above {min}")
            };
            format!("{what} (waived findings count) and every unreadable record")
        })
    }

    /// The option that chose the filter, as given on the command line.
    pub fn option(&self) -> Option<String> {
        self.min.map(|min| match min {
            Severity::Info => "--only flagged".to_string(),
            other => format!("--min-verdict {other}"),
        })
    }

    /// The lowest severity kept, as written in JSON (`null`: every order).
    pub fn min_str(&self) -> Option<&'static str> {
        self.min.map(Severity::as_str)
    }
}

/// Wraps a reporter and hands it only the judgements `filter` keeps; the summary it gets covers
/// every order, with [`Summary::left_out`] set.
pub struct Filtered<R> {
    inner: R,
    filter: ReportFilter,
    left_out: usize,
}

/// The byte that ends a rendering [`Filtered`] passes on; a left-out judgement is the other.
const KEPT: u8 = 1;
const LEFT_OUT: u8 = 0;

impl<R: Reporter> Filtered<R> {
    /// `inner`, showing only what `filter` keeps.
    pub fn new(inner: R, filter: ReportFilter) -> Filtered<R> {
        Filtered {
            inner,
            filter,
            left_out: 0,
        }
    }

    /// Orders left out so far.
    pub fn left_out(&self) -> usize {
        self.left_out
    }
}

impl<R: Reporter> Reporter for Filtered<R> {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        self.inner.begin(out, run)
    }

    fn judgement(&mut self, out: &mut dyn Write, judgement: &Judgement) -> io::Result<()> {
        if self.filter.keeps(judgement) {
            self.inner.judgement(out, judgement)
        } else {
            self.left_out += 1;
            Ok(())
        }
    }

    fn render(&self, judgement: &Judgement) -> Option<Vec<u8>> {
        if !self.filter.keeps(judgement) {
            return Some(vec![LEFT_OUT]);
        }
        // The inner rendering with a last byte saying it is kept, so `write_rendered` can tell
        // it from a left-out judgement whatever the inner reporter renders (even nothing).
        let mut bytes = self.inner.render(judgement)?;
        bytes.push(KEPT);
        Some(bytes)
    }

    fn renderer(&self) -> Option<super::Renderer> {
        let inner = self.inner.renderer()?;
        let filter = self.filter;
        Some(Box::new(move |judgement| {
            if !filter.keeps(judgement) {
                return Some(vec![LEFT_OUT]);
            }
            let mut bytes = inner(judgement)?;
            bytes.push(KEPT);
            Some(bytes)
        }))
    }

    fn write_rendered(&mut self, out: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        match rendered.split_last() {
            Some((&KEPT, bytes)) => self.inner.write_rendered(out, bytes),
            _ => {
                self.left_out += 1;
                Ok(())
            }
        }
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let mut summary = summary.clone();
        summary.left_out = self.left_out;
        self.inner.finish(out, run, &summary)
    }
}
