//! `redflag test [PATH]`: finds the pack and the test files PATH stands for,
//! loads and checks them, runs them and writes the report.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{print_diagnostics, Color, Status};
use crate::diag::{Diagnostic, Diagnostics, Level};
use crate::report::ruletest::{write_human, write_junit};
use crate::rules::{self, PackFiles};
use crate::ruletest::{self, Suite};

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  every case passed (todo cases are reported, never failed)
  1  at least one case failed
  2  bad usage, a rule pack with errors, a broken test file, a case that could not be run,
     or a PATH (or --filter) that selects no test";

/// Output formats of `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum TestFormat {
    /// Per file and case, for people.
    Human,
    /// JUnit XML, for CI.
    Junit,
}

#[derive(Debug, clap::Args)]
pub(super) struct TestArgs {
    /// A rule pack directory, a directory inside one, or one `*.test.toml`
    /// file (default: the pack built into redflag).
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: TestFormat,
    /// Write the report to FILE instead of standard output (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Run only the cases whose rule id, or `FILE: NAME`, contains TEXT.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Colour of human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

/// What PATH stands for: the pack's files and which test files to run.
struct Selection {
    files: PackFiles,
    /// Pack-relative path of the one test file, or of the directory whose
    /// test files run (empty: the whole pack).
    prefix: String,
    /// True when `prefix` names a single file.
    single: bool,
    /// PATH as the user gave it, in backticks, for messages.
    shown: String,
}

impl Selection {
    fn accepts(&self, path: &str) -> bool {
        if self.single {
            path == self.prefix
        } else {
            self.prefix.is_empty() || path.starts_with(&format!("{}/", self.prefix))
        }
    }
}

/// Like `print_diagnostics`, with a closing line about tests rather than
/// the pack.
fn print_test_diagnostics(acc: &Diagnostics) {
    let mut text = super::render_each(acc, super::stderr_color());
    let errors = acc.iter().filter(|d| d.level() == Level::Error).count();
    if errors > 0 {
        text.push_str(&format!(
            "\nthe rule tests have {errors} error(s); no case was run\n"
        ));
    }
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

fn fail(code: &'static str, message: String, help: &str) -> Status {
    let mut acc = Diagnostics::new();
    acc.push(Diagnostic::error(code, message).with_help(help.to_string()));
    print_diagnostics(&acc);
    Status::Error
}

pub(super) fn test(mut args: TestArgs) -> Status {
    args.output = super::output::dash_is_stdout(args.output.take());
    super::set_diagnostics_color(args.color);
    let selection = match &args.path {
        None => Selection {
            files: PackFiles::embedded(),
            prefix: String::new(),
            single: false,
            shown: "the default pack".into(),
        },
        Some(path) => match select(path) {
            Ok(selection) => selection,
            Err(status) => return status,
        },
    };
    let pack = match rules::build(&selection.files) {
        (Some(pack), warnings) => {
            if !warnings.is_empty() {
                print_diagnostics(&warnings);
            }
            pack
        }
        (None, diagnostics) => {
            print_diagnostics(&diagnostics);
            return Status::Error;
        }
    };
    let accepts = |p: &str| selection.accepts(p);
    if ruletest::test_files(&selection.files, &accepts).is_empty() {
        return fail(
            "T030",
            format!("{} holds no rule tests", selection.shown),
            "rule tests are `*.test.toml` files in the pack; see docs/testing-rules.md",
        );
    }
    let (mut suite, mut acc) = Suite::load(&selection.files, &accepts);
    acc.extend(suite.check(&pack));
    acc.sort();
    if !acc.is_empty() {
        print_test_diagnostics(&acc);
    }
    if acc.has_errors() {
        return Status::Error;
    }
    if let Some(text) = &args.filter {
        if suite.retain_matching(text) == 0 {
            return fail(
                "T032",
                format!("no case matches `--filter {text}`"),
                "the filter matches part of a rule id, or of `FILE: CASE NAME`",
            );
        }
    }
    let report = ruletest::run(&suite, &pack, &selection.files);
    let counts = report.counts();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output.is_none()
                && args.format == TestFormat::Human
                && std::env::var_os("NO_COLOR").is_none()
                && io::stdout().is_terminal()
        }
    };
    if let Some(path) = &args.output {
        if let Err(d) = super::output::refuse_overwrite(path, &[], args.path.as_slice()) {
            super::print_one(*d);
            return Status::Error;
        }
    }
    let written = match super::output::Destination::open(args.output.as_deref()) {
        Ok(mut out) => {
            render(out.writer(), &report, args.format, color).and_then(|()| out.finish())
        }
        Err(d) => {
            super::print_one(*d);
            return Status::Error;
        }
    };
    if let Err(error) = written {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {error}");
            return Status::Error;
        }
    }
    if counts.errors > 0 {
        Status::Error
    } else if counts.failed > 0 {
        Status::Findings
    } else {
        Status::Clean
    }
}

fn render(
    out: &mut dyn Write,
    report: &ruletest::RunReport,
    format: TestFormat,
    color: bool,
) -> io::Result<()> {
    match format {
        TestFormat::Human => write_human(out, report, color),
        TestFormat::Junit => write_junit(out, report),
    }
}

/// Finds the pack PATH is in (the nearest directory at or above it with a
/// `pack.toml`) and reads it.
fn select(path: &Path) -> Result<Selection, Status> {
    let shown = path.display().to_string();
    let Ok(absolute) = path.canonicalize() else {
        return Err(fail(
            "T031",
            format!("`{shown}` does not exist"),
            "give a rule pack directory, a directory inside one, or a `*.test.toml` file",
        ));
    };
    let single = absolute.is_file();
    if single && !ruletest::is_test_file(&absolute.to_string_lossy()) {
        return Err(fail(
            "T031",
            format!("`{shown}` is not a rule test file"),
            "rule test files are named `*.test.toml`; give one, or a directory",
        ));
    }
    let start = if single {
        absolute.parent().unwrap_or(&absolute)
    } else {
        &absolute
    };
    let Some(root) = start.ancestors().find(|d| d.join("pack.toml").is_file()) else {
        return Err(fail(
            "T031",
            format!("`{shown}` is not inside a rule pack"),
            "no directory at or above it has a `pack.toml`",
        ));
    };
    let prefix = absolute
        .strip_prefix(root)
        .unwrap_or(Path::new(""))
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    // Name the pack as the user would: PATH itself, or its part up to the root.
    let origin = if prefix.is_empty() {
        shown.clone()
    } else {
        let depth = prefix.split('/').count();
        let mut p = path.to_path_buf();
        for _ in 0..depth {
            p = p.parent().map(Path::to_path_buf).unwrap_or_default();
        }
        let text = p.display().to_string();
        if text.is_empty() {
            ".".to_string()
        } else {
            text
        }
    };
    let mut files = match PackFiles::read_dir(root) {
        Ok(files) => files,
        Err(d) => {
            let mut acc = Diagnostics::new();
            acc.push(*d);
            print_diagnostics(&acc);
            return Err(Status::Error);
        }
    };
    files.origin = origin;
    Ok(Selection {
        files,
        prefix,
        single,
        shown: format!("`{shown}`"),
    })
}
