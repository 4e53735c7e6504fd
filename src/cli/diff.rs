//! `redflag diff A B`: what changed between two `check` reports.
//!
//! Opens the two files, reads and compares them with `crate::diff` (the first held
//! compactly, the second compared as it is read), renders with `report::diff`.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::print_each;
use super::Status;
use crate::diag::{Diagnostic, Diagnostics};
use crate::diff::{self, Unreadable};
use crate::report;

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  no order changed (provenance differences are shown but do not count)
  1  an order was added or removed, or its verdict or findings changed, or the summary's
     counts of what was judged differ (orders left out of filtered reports)
  2  bad usage, or a file that is not a `redflag check --format json` (or jsonl) report";

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DiffFormat {
    /// Text, for people.
    Human,
    /// One JSON document (schema `redflag.diff/1`).
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct DiffArgs {
    /// The earlier report, written by `redflag check --format json` (or `jsonl`).
    a: PathBuf,
    /// The later report.
    b: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
}

fn open(path: &Path, acc: &mut Diagnostics) -> Option<BufReader<File>> {
    match File::open(path) {
        Ok(file) => Some(BufReader::with_capacity(READ_BUFFER, file)),
        Err(error) => {
            acc.push(Diagnostic::error(
                "D001",
                format!("cannot read `{}`: {error}", path.display()),
            ));
            None
        }
    }
}

/// The report's problem as a diagnostic, quoting the lines around it: the report is read
/// once and not kept, so those lines are read again (a stream that cannot be read twice gets
/// its place named in words).
fn unreadable(problem: Unreadable, path: &Path, name: &str) -> Diagnostic {
    let quoted = problem.line().and_then(|line| {
        let file = File::open(path).ok()?;
        diff::excerpt(BufReader::new(file), name, line)
    });
    problem.diagnostic(quoted.as_ref())
}

/// The size of each file's read buffer: large reads, few system calls.
const READ_BUFFER: usize = 256 * 1024;

pub(super) fn run(args: DiffArgs) -> Status {
    let mut acc = Diagnostics::new();
    let name_a = args.a.display().to_string();
    let name_b = args.b.display().to_string();
    // The first report is held, compactly; the second is compared with it as it is read.
    let a = open(&args.a, &mut acc).and_then(|reader| match diff::read(reader, &name_a) {
        Ok(run) => Some(run),
        Err(problem) => {
            acc.push(unreadable(problem, &args.a, &name_a));
            None
        }
    });
    let d = open(&args.b, &mut acc).and_then(|reader| {
        let compared = match &a {
            Some(a) => diff::diff_read(a, reader, &name_b).map(Some),
            // Read anyway, so both reports' problems are reported at once.
            None => diff::read(reader, &name_b).map(|_| None),
        };
        match compared {
            Ok(d) => d,
            Err(problem) => {
                acc.push(unreadable(problem, &args.b, &name_b));
                None
            }
        }
    });
    drop(a);
    let Some(d) = d else {
        print_each(&acc);
        return Status::Error;
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        DiffFormat::Human => report::diff::human(&mut out, &d),
        DiffFormat::Json => report::diff::json(&mut out, &d),
    }
    .and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the report: {error}");
            Status::Error
        }
        _ if d.has_changes() => Status::Findings,
        _ => Status::Clean,
    }
}
