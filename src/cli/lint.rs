//! `redflag lint [PATH]`: arguments, output and exit status of the lint
//! subcommand. The checks themselves are in `crate::lint`.
//!
//! The report (rendered diagnostics, or JSON) goes to stdout because it is
//! what the command was asked for; a path that cannot be read is a usage
//! problem and goes to stderr.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;
use serde_json::{json, Value};

use super::{print_diagnostics, render_each, Color, Status};
use crate::diag::{Diagnostic, Diagnostics, Level};
use crate::lint::{lint, LintOptions};
use crate::rules::PackFiles;

/// Exit statuses of `lint`, shown in its `--help`.
pub const EXIT_CODES: &str = "Exit codes:
  0  no error (warnings allowed unless --deny warnings)
  1  at least one error, or a warning with --deny warnings
  2  bad usage, or PATH is not a readable rule pack";

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Each problem with the lines it points at, for people.
    Human,
    /// One JSON document (schema `redflag.lint/1`).
    Json,
}

/// What `--deny` can turn into failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Every warning fails the run.
    Warnings,
}

/// Arguments of `redflag lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Rule pack directory (default: the pack built into redflag).
    #[arg(value_name = "PATH")]
    path: Option<PathBuf>,
    /// Make warnings fail the run (exit 1).
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Option<Deny>,
    /// Oldest `as_of` date of a list or rates table accepted, in days.
    #[arg(long, value_name = "DAYS", default_value_t = crate::lint::DEFAULT_MAX_AGE_DAYS)]
    max_age: u32,
    /// The date ages are measured from, `YYYY-MM-DD` (default: today).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    today: Option<NaiveDate>,
    /// Report errors only; warnings are counted but not shown.
    #[arg(long, conflicts_with = "deny")]
    errors_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: LintFormat,
    /// Colour of human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

/// Runs `redflag lint`.
pub fn run(args: LintArgs) -> Status {
    super::set_diagnostics_color(args.color);
    let files = match &args.path {
        None => PackFiles::embedded(),
        Some(dir) => match PackFiles::read_dir(dir) {
            Ok(files) => files,
            Err(d) => return usage(*d),
        },
    };
    if !files.files.contains_key("pack.toml") {
        return usage(
            Diagnostic::error("R050", format!("`{}` has no `pack.toml`", files.origin))
                .with_help("lint takes the directory that holds `pack.toml`".to_string()),
        );
    }
    let options = LintOptions {
        today: args.today.unwrap_or_else(super::age_reference_day),
        max_age_days: args.max_age,
    };
    let diagnostics = lint(&files, &options).errors_first();
    let (errors, warnings) = counts(&diagnostics);
    let shown = if args.errors_only {
        diagnostics.clone().errors_only()
    } else {
        diagnostics.clone()
    };
    let text = match args.format {
        LintFormat::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal(),
            };
            let hidden = if args.errors_only { warnings } else { 0 };
            render_human(&shown, &files.origin, color, hidden)
        }
        LintFormat::Json => render_json(&shown, &files.origin),
    };
    let mut out = io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {error}");
            return Status::Error;
        }
    }
    let denied = args.deny == Some(Deny::Warnings) && warnings > 0;
    if errors > 0 || denied {
        Status::Findings
    } else {
        Status::Clean
    }
}

fn usage(diagnostic: Diagnostic) -> Status {
    let mut acc = Diagnostics::new();
    acc.push(diagnostic);
    print_diagnostics(&acc);
    Status::Error
}

fn counts(diagnostics: &Diagnostics) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.level() == Level::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

/// The human report: every diagnostic rendered by miette, then one summary
/// line naming the pack.
/// `hidden` warnings were left out (`--errors-only`) and are only counted.
pub fn render_human(diagnostics: &Diagnostics, origin: &str, color: bool, hidden: usize) -> String {
    let mut out = render_each(diagnostics, color);
    let (errors, warnings) = counts(diagnostics);
    let warnings = if hidden > 0 {
        format!("{hidden} warning(s) not shown (--errors-only)")
    } else {
        format!("{warnings} warning(s)")
    };
    if diagnostics.is_empty() && hidden == 0 {
        out.push_str(&format!("`{origin}`: no problems\n"));
    } else {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("`{origin}`: {errors} error(s), {warnings}\n"));
    }
    out
}

/// The JSON report (`redflag.lint/1`): the pack, the counts and each
/// diagnostic with its file, 1-based line and column, byte span, label and
/// help.
pub fn render_json(diagnostics: &Diagnostics, origin: &str) -> String {
    let (errors, warnings) = counts(diagnostics);
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.line_col().unzip();
            json!({
                "code": d.code(),
                "level": match d.level() {
                    Level::Error => "error",
                    Level::Warning => "warning",
                },
                "message": d.message(),
                "file": d.file_name(),
                "line": line,
                "column": column,
                "span": d.span().map(|s| json!({ "start": s.start, "end": s.end })),
                "label": d.label(),
                "help": d.help(),
            })
        })
        .collect();
    let doc = json!({
        "schema": "redflag.lint/1",
        "pack": origin,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": items,
    });
    crate::report::json::pretty_text(&doc)
}
