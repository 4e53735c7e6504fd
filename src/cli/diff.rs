//! `redflag diff A B`: what changed between two `check` reports.
//!
//! Reads the two files, calls `crate::diff`, renders with `report::diff`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::print_each;
use super::Status;
use crate::diag::{Diagnostic, Diagnostics};
use crate::diff::{self, Run};
use crate::report;

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  no order changed (provenance differences are shown but do not count)
  1  an order was added or removed, or its verdict or findings changed
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

fn read(path: &PathBuf, acc: &mut Diagnostics) -> Option<Run> {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            acc.push(Diagnostic::error(
                "D001",
                format!("cannot read `{name}`: {error}"),
            ));
            return None;
        }
    };
    match diff::parse(&text, &name) {
        Ok(run) => Some(run),
        Err(d) => {
            acc.push(*d);
            None
        }
    }
}

pub(super) fn run(args: DiffArgs) -> Status {
    let mut acc = Diagnostics::new();
    let a = read(&args.a, &mut acc);
    let b = read(&args.b, &mut acc);
    let (Some(a), Some(b)) = (a, b) else {
        print_each(&acc);
        return Status::Error;
    };
    let d = diff::diff(&a, &b);
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
