//! The command line: arguments in, exit status out.
//!
//! stdout carries data (the report), stderr carries diagnostics. Only this
//! module and `report` write output.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Diagnostic, Diagnostics, Level, Rendered};
use crate::order::{self, ColumnMap, InputFormat};
use crate::report::csv::CsvReporter;
use crate::report::filter::{Filtered, ReportFilter};
use crate::report::html::HtmlReporter;
use crate::report::human::HumanReporter;
use crate::report::json::JsonReporter;
use crate::report::sarif::SarifReporter;
use crate::report::{ProvenanceFile, Reporter, RunInfo, Summary};
use crate::rules::{self, PackFiles, RulePack, Severity};
use crate::waivers::Waivers;
use chrono::NaiveDate;

pub mod lint;
pub mod output;

pub use crate::pipeline::{judge_or_error, run_check, run_check_observed, Source};

mod ruletest;

mod audit;
mod check;
mod explain;
mod lists;
pub use lists::{
    cache_dir, load_indexed, load_indexed_ahead, read_ahead, screening_provenance, IndexedLists,
    ListsAhead,
};
mod init;
mod rates;
pub use rates::replace_rates;
mod schema;
mod serve;

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

mod coverage;
mod diff;

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge orders against a rule pack and report explained findings.
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Lay the red-flag catalogue against the rules: what each rule covers,
    /// what no rule covers, each rule's tests and, given orders, how often
    /// each rule and condition held.
    #[command(after_help = coverage::EXIT_CODES)]
    Coverage(coverage::CoverageArgs),
    /// Compare two `check --format json` reports: orders whose verdict or
    /// findings changed, added and removed orders, provenance differences.
    #[command(after_help = diff::EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Report every problem of a rule pack at once: errors and warnings.
    #[command(after_help = lint::EXIT_CODES)]
    Lint(lint::LintArgs),
    /// Write a starter pack that extends the default pack into a new or empty DIR.
    #[command(after_help = init::EXIT_CODES)]
    Init(init::InitArgs),
    /// Run the rule tests (`*.test.toml`) of a pack and report each case.
    #[command(after_help = ruletest::EXIT_CODES)]
    Test(ruletest::TestArgs),
    /// Explain a rule in plain words, or what it made of one order and why.
    #[command(after_help = explain::EXIT_CODES)]
    Explain(ExplainArgs),
    /// Print the JSON Schema of rule files (or `pack.toml`, or rule tests) for editors.
    #[command(after_help = schema::EXIT_CODES)]
    Schema(SchemaArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or a man directory.
    Manpage,
    /// Serve checks over HTTP, keep a queue of held orders and an audit trail of decisions.
    #[command(after_help = serve::EXIT_CODES)]
    Serve(Box<serve::ServeArgs>),
    /// Verify or export the audit trail of a `serve` database.
    #[command(subcommand, after_help = audit::EXIT_CODES)]
    Audit(audit::AuditCommand),
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

/// `--only`: which orders the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Only {
    /// Orders with a finding (waived ones count) and unreadable records.
    Flagged,
}

/// `--min-verdict`: the lowest severity an order's findings must reach to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MinVerdict {
    Info,
    Review,
    Hold,
    Block,
}

/// `--sort`: the order of orders in the human report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SortOrder {
    /// As read.
    Input,
    /// Unreadable records, then block, hold, review, info, clear; input order within each.
    Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputKind {
    Jsonl,
    Json,
    Csv,
    /// An `.xlsx`, `.xlsm`, `.xlsb`, `.xls` or `.ods` workbook.
    Workbook,
}

/// The most worker threads `--threads` may ask for: each holds a batch of judgements.
const MAX_THREADS: i64 = 256;

/// The day list ages are measured from: `REDFLAG_TODAY` (`YYYY-MM-DD`, so that tests and
/// reproducible runs do not depend on the calendar) or the local date. Only warnings about
/// ages read it: waivers are judged on `--as-of`, which the report records.
pub(crate) fn age_reference_day() -> NaiveDate {
    std::env::var("REDFLAG_TODAY")
        .ok()
        .and_then(|text| parse_date(text.trim()).ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// How a run takes stated ship dates: as the shipment with `--shipped`, or in a lookback as of
/// a day (`--as-of`), which re-screens past shipments; else as plans, as at a gate before
/// shipment (`check` and `explain` alike).
pub(crate) fn ship_dates(shipped: bool, as_of: Option<NaiveDate>) -> crate::engine::ShipDates {
    if shipped || as_of.is_some() {
        crate::engine::ShipDates::Shipped
    } else {
        crate::engine::ShipDates::Planned
    }
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date `YYYY-MM-DD`"))
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    /// The rule's id (`RF-CASH-001`).
    rule: String,
    /// Rule pack directory (default: the pack built into redflag); repeatable, as in `check`.
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Run the rule on an order from FILE (`.jsonl`, `.json`, `.csv`, a workbook, or `-`) and show each condition's outcome.
    #[arg(long, value_name = "FILE")]
    order: Option<String>,
    /// The order's id; may be left out when FILE holds one order.
    #[arg(long, value_name = "ID", requires = "order")]
    id: Option<String>,
    /// Format of FILE, when its extension does not say it.
    #[arg(long, value_enum, requires = "order")]
    input_format: Option<InputKind>,
    /// TOML file mapping CSV or workbook columns to order paths, with value formats.
    #[arg(long, value_name = "MAP", requires = "order")]
    map: Option<String>,
    /// Workbook sheet to read, by name or by place (1 for the first).
    #[arg(long, value_name = "NAME|N", requires = "order")]
    sheet: Option<String>,
    /// Text encoding of the input when not UTF-8, as a WHATWG label (`windows-1251`, `utf-16le`).
    #[arg(long, value_name = "LABEL", requires = "order")]
    encoding: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: explain::ExplainFormat,
    /// Screening list for `screen` conditions, as in `check` (repeatable).
    #[arg(long = "list", value_name = "[FORMAT:]FILE", requires = "order")]
    lists: Vec<String>,
    /// Import and index the `--list` files afresh, without the list index cache (see `check
    /// --no-list-cache`); results are the same either way.
    #[arg(long)]
    no_list_cache: bool,
    /// Judge as of this date, as in `check`.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, requires = "order")]
    as_of: Option<NaiveDate>,
    /// The order has shipped: its `ship_date` is the day the goods left, as in `check
    /// --shipped`. Without it the order has not shipped yet, as in `check`.
    #[arg(long, requires = "order")]
    shipped: bool,
    /// Accepted for scripts written for it: an order not shipped yet is the default.
    #[arg(long, hide = true, requires = "order", conflicts_with_all = ["shipped", "as_of"])]
    pending: bool,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Which file the schema describes.
    #[arg(long, value_enum, default_value = "rules")]
    kind: schema::Kind,
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
        Command::Check(args) => check::check(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Test(args) => ruletest::test(args),
        Command::Explain(args) => explain::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Init(args) => init::run(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // Generated into memory: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "redflag", &mut script);
            write_stdout(&script)
        }
        Command::Manpage => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => write_stdout(&page),
                Err(error) => {
                    eprintln!("error: cannot render the manual page: {error}");
                    Status::Error
                }
            }
        }
        Command::Serve(args) => serve::run(*args),
        Command::Audit(command) => audit::run(command),
    };
    ExitCode::from(status as u8)
}

/// Writes generated text to stdout; a reader that stops early is not an error.
fn write_stdout(bytes: &[u8]) -> Status {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Status::Clean,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            Status::Error
        }
    }
}

/// Renders diagnostics to stderr with miette.
pub fn print_diagnostics(diagnostics: &Diagnostics) {
    let mut stderr = io::stderr().lock();
    let text = render_diagnostics(diagnostics, stderr_color());
    let _ = stderr.write_all(text.as_bytes());
}

/// Renders diagnostics about `subject` (`the screening lists`) to stderr, with a closing count
/// when there are errors.
pub fn print_about(diagnostics: &Diagnostics, subject: &str) {
    let text = render_diagnostics_of(diagnostics, stderr_color(), subject);
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Renders diagnostics to stderr with no closing line: for problems that are not a broken
/// rule pack (usage, test files, catalogue warnings).
pub fn print_each(diagnostics: &Diagnostics) {
    let text = render_each(diagnostics, stderr_color());
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Renders one diagnostic to stderr with no closing line.
pub fn print_one(diagnostic: Diagnostic) {
    let mut acc = Diagnostics::new();
    acc.push(diagnostic);
    print_each(&acc);
}

/// `--color` as given to the running subcommand; diagnostics on stderr follow it too.
static DIAGNOSTICS_COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Makes diagnostics on stderr follow `--color`.
pub fn set_diagnostics_color(color: Color) {
    let value = match color {
        Color::Auto => 0,
        Color::Always => 1,
        Color::Never => 2,
    };
    DIAGNOSTICS_COLOR.store(value, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn stderr_color() -> bool {
    match DIAGNOSTICS_COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal(),
    }
}

/// Renders diagnostics as miette's graphical report, 100 columns wide.
pub fn render_diagnostics(diagnostics: &Diagnostics, color: bool) -> String {
    render_diagnostics_of(diagnostics, color, "the rule pack")
}

/// Renders diagnostics about `subject` (`the rule pack`, `the waiver file`), with a closing
/// count when there are errors.
pub fn render_diagnostics_of(diagnostics: &Diagnostics, color: bool, subject: &str) -> String {
    let mut out = render_each(diagnostics, color);
    let errors = diagnostics
        .iter()
        .filter(|d| d.level() == Level::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        out.push_str(&format!(
            "\n{subject} has {errors} error(s) and {warnings} warning(s); nothing was evaluated\n"
        ));
    }
    out
}

/// Renders each diagnostic with miette, 100 columns wide, with no summary.
pub fn render_each(diagnostics: &Diagnostics, color: bool) -> String {
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
            out.push_str(&format!(
                "{}: {}\n",
                d.code(),
                crate::report::escape::visible(d.message())
            ));
        }
    }
    out
}

/// Loads and validates a pack (the embedded one, or each `--rules` directory layered over the
/// ones before it), keeping the top pack's files for what reads them besides the rules (tests,
/// catalogue), and the warnings. A rule whose condition can never hold (lint's L010) is an
/// error of its pack here too; the embedded pack is not judged again at each start, since a
/// test keeps it free of lint errors (`the_default_pack_has_no_errors` in `tests/it/lint.rs`).
pub fn load_pack(dirs: &[PathBuf]) -> Result<(RulePack, PackFiles, Diagnostics), Diagnostics> {
    let mut loaded: Option<(RulePack, PackFiles)> = None;
    let mut warnings = Diagnostics::new();
    let read = |dir: &std::path::Path| {
        PackFiles::read_dir(dir).map_err(|d| {
            let mut acc = Diagnostics::new();
            acc.push(*d);
            acc
        })
    };
    if dirs.is_empty() {
        let files = PackFiles::embedded();
        return match rules::build(&files) {
            (Some(pack), warnings) => Ok((pack, files, warnings)),
            (None, diagnostics) => Err(diagnostics),
        };
    }
    for dir in dirs {
        let files = read(dir)?;
        let analysis = match &loaded {
            None => rules::pack::analyse(&files),
            Some((under, _)) => rules::pack::analyse_over(&files, under),
        };
        let dead = crate::lint::dead_rules(&analysis);
        let Some(pack) = analysis.pack else {
            return Err(analysis.diagnostics);
        };
        if !dead.is_empty() {
            return Err(dead);
        }
        warnings.extend(analysis.diagnostics);
        loaded = Some((pack, files));
    }
    let Some((pack, files)) = loaded else {
        return Err(Diagnostics::new());
    };
    Ok((pack, files, warnings))
}

/// Reads and checks a waiver file; any problem stops the run, since a broken waiver file must
/// not silently clear or fail to clear findings.
pub fn load_waivers(path: &std::path::Path, pack: &RulePack) -> Result<Waivers, Diagnostics> {
    let mut acc = Diagnostics::new();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            acc.push(Diagnostic::error(
                "W005",
                format!("cannot read waiver file `{}`: {e}", path.display()),
            ));
            return Err(acc);
        }
    };
    match Waivers::parse(&path.display().to_string(), &text, &mut acc) {
        Some(w) if !acc.has_errors() => {
            // A waiver for a rule the pack does not have can never apply: say so now.
            for waiver in &w.waivers {
                if !pack.rules.iter().any(|r| r.id == waiver.rule) {
                    acc.push(
                        Diagnostic::warning(
                            "W006",
                            format!(
                                "waiver `{}` (line {}) names rule `{}`, which the pack does not have",
                                waiver.id, waiver.line, waiver.rule
                            ),
                        )
                        .with_help(crate::diag::suggest(
                            &waiver.rule,
                            pack.rules.iter().map(|r| r.id.as_str()),
                        )),
                    );
                }
            }
            if !acc.is_empty() {
                print_each(&acc);
            }
            Ok(w)
        }
        _ => Err(acc),
    }
}
