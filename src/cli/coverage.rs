//! `redflag coverage`: the pack's catalogue against its rules, its tests and,
//! given orders, how each rule and condition came out.
//!
//! Reads the pack and the orders, calls the library (`crate::coverage`),
//! renders with `report::coverage`, and turns `--require` into the exit
//! status.

use std::io;
use std::path::PathBuf;

use clap::ValueEnum;
use rayon::prelude::*;

use super::{print_diagnostics, Status};
use crate::coverage::{self, catalogue, ruletests, Outcomes};
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::Engine;
use crate::order::{self, Record};
use crate::report;
use crate::rules::{self, PackFiles};

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  every item named by --require is covered by some rule (or none was named)
  1  an item named by --require is covered by no rule
  2  bad usage, an id --require names that is not in the catalogue, a rule pack or
     catalogue with errors, or an order file that cannot be opened";

/// Output formats of `coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum CoverageFormat {
    /// Aligned text, for people.
    Human,
    /// One JSON document (schema `redflag.coverage/1`).
    Json,
    /// Markdown tables, for a compliance file or a pull request.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub(super) struct CoverageArgs {
    /// Order files (`.jsonl`, `.json`, `.csv`) to judge: counts how often each
    /// rule fired and each condition was true, false or unknown.
    orders: Vec<String>,
    /// Rule pack directory (default: the pack built into redflag).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: CoverageFormat,
    /// A catalogue item that some rule must cover, else the exit status is 1;
    /// repeat the option or give a comma-separated list.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    require: Vec<String>,
    /// Write the report to FILE instead of standard output (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Records judged per batch, as in `check`.
const BATCH: usize = 1024;

pub(super) fn run(mut args: CoverageArgs) -> Status {
    args.output = super::output::dash_is_stdout(args.output.take());
    let files = match &args.rules {
        None => PackFiles::embedded(),
        Some(dir) => match PackFiles::read_dir(dir) {
            Ok(files) => files,
            Err(d) => {
                let mut acc = Diagnostics::new();
                acc.push(*d);
                print_diagnostics(&acc);
                return Status::Error;
            }
        },
    };
    let (pack, mut acc) = rules::build(&files);
    let (catalogue, catalogue_problems) = catalogue::load(&files);
    acc.extend(catalogue_problems);
    let (tests, test_problems) = ruletests::read(&files);
    acc.extend(test_problems);
    let pack = match pack {
        Some(pack) if !acc.has_errors() => pack,
        _ => {
            print_diagnostics(&acc);
            return Status::Error;
        }
    };
    acc.extend(catalogue::check_tags(&files, &catalogue));
    acc.extend(tests.check_rules(&pack));
    if !acc.is_empty() {
        print_diagnostics(&acc);
    }

    let mut unknown = Diagnostics::new();
    for id in &args.require {
        if catalogue.item(id).is_none() {
            let help = catalogue.suggest(id).or_else(|| {
                Some("`redflag coverage --format json` lists every item id".to_string())
            });
            unknown.push(
                Diagnostic::error(
                    "C040",
                    format!("`--require {id}`: the catalogue has no item `{id}`"),
                )
                .with_help(help),
            );
        }
    }
    if !unknown.is_empty() {
        super::print_each(&unknown);
        return Status::Error;
    }

    let mut sources = Vec::new();
    for input in &args.orders {
        match order::open(input, None, None) {
            Ok(records) => sources.push(records),
            Err(error) => {
                eprintln!(
                    "{:?}",
                    miette::Report::new(crate::diag::Rendered::of(&error))
                );
                return Status::Error;
            }
        }
    }
    let matrix = coverage::matrix(&pack, &catalogue, &tests);
    let outcomes = if args.orders.is_empty() {
        None
    } else {
        let engine = Engine::new(pack).run_day(crate::cli::age_reference_day());
        let mut outcomes = Outcomes::new(engine.pack());
        for source in sources {
            let mut source = source.peekable();
            while source.peek().is_some() {
                let batch: Vec<Record> = source.by_ref().take(BATCH).collect();
                // Counts are sums, so the parallel reduction gives the same
                // result for any split of the batch.
                let tally = batch
                    .par_iter()
                    .fold(
                        || Outcomes::new(engine.pack()),
                        |mut t, r| {
                            t.add(&engine, r);
                            t
                        },
                    )
                    .reduce(
                        || Outcomes::new(engine.pack()),
                        |mut a, b| {
                            a.merge(&b);
                            a
                        },
                    );
                outcomes.merge(&tally);
            }
        }
        Some(outcomes)
    };

    if let Some(path) = &args.output {
        let reads: Vec<PathBuf> = args
            .orders
            .iter()
            .filter(|o| *o != "-")
            .map(PathBuf::from)
            .collect();
        if let Err(d) = super::output::refuse_overwrite(path, &reads, args.rules.as_slice()) {
            super::print_one(*d);
            return Status::Error;
        }
    }
    let mut out = match super::output::Destination::open(args.output.as_deref()) {
        Ok(out) => out,
        Err(d) => {
            super::print_one(*d);
            return Status::Error;
        }
    };
    let written = match args.format {
        CoverageFormat::Human => report::coverage::human(out.writer(), &matrix, outcomes.as_ref()),
        CoverageFormat::Json => report::coverage::json(out.writer(), &matrix, outcomes.as_ref()),
        CoverageFormat::Markdown => {
            report::coverage::markdown(out.writer(), &matrix, outcomes.as_ref())
        }
    }
    .and_then(|()| out.finish());
    match written {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
        Err(error) => {
            eprintln!("error: cannot write the report: {error}");
            return Status::Error;
        }
    }

    let mut uncovered = Diagnostics::new();
    for id in &args.require {
        if matrix.item(id).is_some_and(|i| !i.is_covered()) {
            uncovered.push(
                Diagnostic::error(
                    "C041",
                    format!("required item `{id}` is covered by no rule"),
                )
                .with_help(
                    "tag a rule that checks it with the id in `red_flags` or `icp`, or write one"
                        .to_string(),
                ),
            );
        }
    }
    if uncovered.is_empty() {
        Status::Clean
    } else {
        super::print_each(&uncovered);
        Status::Findings
    }
}
