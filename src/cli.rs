//! The command line: arguments in, exit status out.
//!
//! stdout carries data (the report), stderr carries diagnostics. Only this
//! module and `report` write output.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Level, Rendered};
use crate::engine::Engine;
use crate::order::{self, ColumnMap, InputFormat, Record};
use crate::report::csv::CsvReporter;
use crate::report::html::HtmlReporter;
use crate::report::human::HumanReporter;
use crate::report::json::JsonReporter;
use crate::report::sarif::SarifReporter;
use crate::report::{InputSummary, Reporter, RunInfo, Summary};
use crate::rules::{self, PackFiles, RulePack, Severity};

/// Exit statuses, documented in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Findings (or unreadable records) at or above `--fail-on`.
    Findings = 1,
    /// Bad usage, an unreadable or invalid rule pack, an input that cannot be opened.
    Error = 2,
}

const EXIT_CODES: &str = "Exit codes:
  0  no order at or above --fail-on
  1  at least one order at or above --fail-on, or a record that could not be read
  2  bad usage, a rule pack with errors, a missing list, or an input that cannot be opened";

/// redflag: export-compliance red flags over order records, explained.
#[derive(Debug, Parser)]
#[command(name = "redflag", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge orders against a rule pack and report explained findings.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped by order, for people.
    Human,
    /// One JSON document (schema `redflag.check/1`).
    Json,
    /// One JSON object per line: run, orders, summary.
    Jsonl,
    /// One self-contained HTML file for auditors (no network, no scripts).
    Html,
    /// SARIF 2.1.0, for code-scanning and review tools.
    Sarif,
    /// One CSV row per finding and per clear order, for spreadsheets.
    Csv,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Block,
    Hold,
    Review,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputKind {
    Jsonl,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Order files (`.jsonl`, `.json`, `.csv`), or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Rule pack directory (default: the pack built into redflag).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "hold")]
    fail_on: FailOn,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Format of the inputs, when the file extension does not say it.
    #[arg(long, value_enum)]
    input_format: Option<InputKind>,
    /// TOML file renaming CSV headers to order paths.
    #[arg(long, value_name = "FILE")]
    map: Option<String>,
    /// Worker threads (default: all cores); output is the same for any value.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Colour of human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

/// Parses arguments and runs; the whole program.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                Status::Error as u8
            } else {
                0
            });
        }
    };
    let status = match cli.command {
        Command::Check(args) => check(args),
    };
    ExitCode::from(status as u8)
}

/// Renders diagnostics to stderr with miette.
pub fn print_diagnostics(diagnostics: &Diagnostics) {
    let mut stderr = io::stderr().lock();
    let text = render_diagnostics(diagnostics, stderr_color());
    let _ = stderr.write_all(text.as_bytes());
}

fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal()
}

/// Renders diagnostics as miette's graphical report, 100 columns wide.
pub fn render_diagnostics(diagnostics: &Diagnostics, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for d in diagnostics.iter() {
        let rendered = Rendered::new(d.clone());
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&format!("{}: {}\n", d.code(), d.message()));
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.level() == Level::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        out.push_str(&format!("\nthe rule pack has {errors} error(s) and {warnings} warning(s); nothing was evaluated\n"));
    }
    out
}

/// Loads and validates a pack: the embedded one or a directory.
pub fn load_pack(
    dir: Option<&std::path::Path>,
) -> Result<(RulePack, String, Diagnostics), Diagnostics> {
    let files = match dir {
        None => PackFiles::embedded(),
        Some(dir) => match PackFiles::read_dir(dir) {
            Ok(files) => files,
            Err(d) => {
                let mut acc = Diagnostics::new();
                acc.push(*d);
                return Err(acc);
            }
        },
    };
    let origin = files.origin.clone();
    match rules::build(&files) {
        (Some(pack), warnings) => Ok((pack, origin, warnings)),
        (None, diagnostics) => Err(diagnostics),
    }
}

fn check(args: CheckArgs) -> Status {
    let (pack, origin, warnings) = match load_pack(args.rules.as_deref()) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return Status::Error;
        }
    };
    if !warnings.is_empty() {
        print_diagnostics(&warnings);
    }
    let fail_on = match args.fail_on {
        FailOn::Block => Severity::Block,
        FailOn::Hold => Severity::Hold,
        FailOn::Review => Severity::Review,
        FailOn::Info => Severity::Info,
    };
    let map = match &args.map {
        None => None,
        Some(path) => match ColumnMap::load(path) {
            Ok(map) => Some(map),
            Err(error) => {
                eprintln!("{:?}", miette::Report::new(error));
                return Status::Error;
            }
        },
    };
    let format = args.input_format.map(|k| match k {
        InputKind::Jsonl => InputFormat::Jsonl,
        InputKind::Json => InputFormat::Json,
        InputKind::Csv => InputFormat::Csv,
    });
    // Open every input before writing anything, so a typo in the last file
    // name does not leave half a report behind.
    let mut sources = Vec::new();
    for input in &args.inputs {
        match order::open_digested(input, format, map.as_ref()) {
            Ok((records, digest)) => sources.push(Source {
                records,
                digest: Some(digest),
            }),
            Err(error) => {
                eprintln!("{:?}", miette::Report::new(error));
                return Status::Error;
            }
        }
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(error) => {
            let mut acc = Diagnostics::new();
            acc.push(Diagnostic::error(
                "C001",
                format!("cannot start worker threads: {error}"),
            ));
            print_diagnostics(&acc);
            return Status::Error;
        }
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none()
                && io::stdout().is_terminal()
        }
    };
    let mut reporter: Box<dyn Reporter> = match args.format {
        Format::Human => Box::new(HumanReporter::new(color)),
        Format::Json => Box::new(JsonReporter::document()),
        Format::Jsonl => Box::new(JsonReporter::lines()),
        Format::Html => Box::new(HtmlReporter::new()),
        Format::Sarif => Box::new(SarifReporter::new()),
        Format::Csv => Box::new(CsvReporter::new()),
    };
    let mut out: Box<dyn Write> = match &args.output {
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(io::BufWriter::new(file)),
            Err(error) => {
                eprintln!("error: cannot write `{}`: {error}", path.display());
                return Status::Error;
            }
        },
    };
    let engine = Engine::new(pack);
    let run = RunInfo::new(engine.pack(), origin, args.inputs.clone(), fail_on);
    match run_check(
        &engine,
        &run,
        sources,
        &pool,
        reporter.as_mut(),
        out.as_mut(),
    ) {
        Ok(summary) => {
            if summary.failing > 0 {
                Status::Findings
            } else {
                Status::Clean
            }
        }
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Status::Findings,
        Err(error) => {
            eprintln!("error: cannot write the report: {error}");
            Status::Error
        }
    }
}

/// Records judged per batch: enough to keep every core busy, few enough that
/// memory does not grow with the input.
const BATCH: usize = 1024;

/// One input of a run: its records and, when it was opened with
/// [`order::open_digested`], the digest of its bytes.
pub struct Source {
    /// The records, in input order.
    pub records: order::Records,
    /// The digest, complete once the records are read.
    pub digest: Option<order::InputDigest>,
}

impl From<order::Records> for Source {
    fn from(records: order::Records) -> Source {
        Source {
            records,
            digest: None,
        }
    }
}

/// Judges every record of every source in order and streams the report.
/// Sources pair with `run.inputs` by position.
pub fn run_check<S: Into<Source>>(
    engine: &Engine,
    run: &RunInfo,
    sources: Vec<S>,
    pool: &rayon::ThreadPool,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    reporter.begin(out, run)?;
    for (index, source) in sources.into_iter().enumerate() {
        let Source { records, digest } = source.into();
        let mut input = InputSummary {
            file: run.inputs.get(index).cloned().unwrap_or_default(),
            ..InputSummary::default()
        };
        let mut source = records.peekable();
        while source.peek().is_some() {
            let batch: Vec<Record> = source.by_ref().take(BATCH).collect();
            // INVARIANT (deterministic output): par_iter + collect keeps input
            // order, so the report is the same for any thread count.
            let judged: Vec<_> =
                pool.install(|| batch.par_iter().map(|r| engine.judge(r)).collect());
            input.records += judged.len();
            for judgement in &judged {
                summary.add(judgement, run.fail_on);
                reporter.judgement(out, judgement)?;
            }
        }
        if let Some(hash) = digest.and_then(|d| d.result()) {
            input.sha256 = Some(hash.sha256);
            input.bytes = Some(hash.bytes);
        }
        summary.inputs.push(input);
    }
    reporter.finish(out, run, &summary)?;
    out.flush()?;
    Ok(summary)
}
