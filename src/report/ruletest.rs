//! Rendering a `redflag test` run: human text, and JUnit XML for CI.
//!
//! Both are built from [`RunReport`] alone, in file and case order, with no
//! clock or absolute path, so the same run renders the same bytes.

use std::io::{self, Write};

use super::escape::{visible, write_line as line};
use crate::ruletest::{CaseResult, Counts, Outcome, RunReport, TodoStatus};

/// Writes the human report: each file, each case with its outcome and, for
/// a failure, every reason; then `N passed, N failed, N todo`. Test files and the orders in
/// them are data: every piece of them is made visible (see [`super::escape`]), and only the
/// status words are painted.
pub fn write_human(out: &mut dyn Write, report: &RunReport, color: bool) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    line(
        out,
        &format!(
            "pack {} {} ({})",
            report.pack, report.version, report.origin
        ),
    )?;
    for file in &report.files {
        writeln!(out)?;
        writeln!(out, "{}", paint("1", &visible(&file.path)))?;
        for case in &file.cases {
            let label = visible(&case_label(case)).into_owned();
            match &case.outcome {
                Outcome::Passed => writeln!(out, "  {}    {label}", paint("32", "ok"))?,
                Outcome::Failed(reasons) => {
                    writeln!(out, "  {}  {label}", paint("1;31", "FAIL"))?;
                    for reason in reasons {
                        line(out, &format!("        {reason}"))?;
                    }
                }
                Outcome::Todo { reason, status } => {
                    let now = match status {
                        TodoStatus::Passes => "passes now: remove `todo`".to_string(),
                        TodoStatus::Fails(_) => "fails, as expected for now".to_string(),
                        TodoStatus::NotRun(why) => format!("not run: {why}"),
                    };
                    writeln!(
                        out,
                        "  {}  {label}: {}",
                        paint("33", "todo"),
                        visible(&format!("{reason} ({now})"))
                    )?;
                }
                Outcome::Error { code, message } => {
                    writeln!(out, "  {} {label}", paint("1;31", "ERROR"))?;
                    line(out, &format!("        {code} {message}"))?;
                }
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary(&report.counts()))
}

/// `N passed, N failed, N todo`, and `, N errors` when some case could not
/// be run.
pub fn summary(counts: &Counts) -> String {
    let mut line = format!(
        "{} passed, {} failed, {} todo",
        counts.passed, counts.failed, counts.todo
    );
    if counts.errors > 0 {
        line.push_str(&format!(", {} errors", counts.errors));
    }
    line
}

fn case_label(case: &CaseResult) -> String {
    match case.as_of {
        Some(date) => format!("{} ({}, as of {date})", case.name, case.rule),
        None => format!("{} ({})", case.name, case.rule),
    }
}

/// Writes JUnit XML: one `<testsuite>` per test file, one `<testcase>` per
/// case (`classname` is the rule id), `<failure>` with every reason,
/// `<skipped>` for `todo`, `<error>` for a case that could not be run.
pub fn write_junit(out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
    let counts = report.counts();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        escape(&format!(
            "redflag test: pack {} {}",
            report.pack, report.version
        )),
        counts.total(),
        counts.failed,
        counts.errors,
        counts.todo
    )?;
    for file in &report.files {
        let mut c = Counts::default();
        file.cases.iter().for_each(|case| c.add(&case.outcome));
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            escape(&file.path),
            c.total(),
            c.failed,
            c.errors,
            c.todo
        )?;
        for case in &file.cases {
            write!(
                out,
                r#"    <testcase name="{}" classname="{}" file="{}" line="{}""#,
                escape(&case.name),
                escape(&case.rule),
                escape(&file.path),
                case.line
            )?;
            let properties = case.as_of.map(|date| {
                format!(
                    "      <properties>\n        <property name=\"as_of\" value=\"{date}\"/>\n      </properties>\n"
                )
            });
            let body = match &case.outcome {
                Outcome::Passed => None,
                Outcome::Failed(reasons) => Some(format!(
                    "      <failure message=\"{}\" type=\"failure\">{}</failure>\n",
                    escape(reasons.first().map(String::as_str).unwrap_or("failed")),
                    escape_lines(reasons)
                )),
                Outcome::Todo { reason, status } => {
                    let now = match status {
                        TodoStatus::Passes => "passes now: remove `todo`".to_string(),
                        TodoStatus::Fails(_) => "fails, as expected for now".to_string(),
                        TodoStatus::NotRun(why) => format!("not run: {why}"),
                    };
                    Some(format!(
                        "      <skipped message=\"{}\"/>\n",
                        escape(&format!("todo: {reason} ({now})"))
                    ))
                }
                Outcome::Error { code, message } => Some(format!(
                    "      <error message=\"{}\" type=\"{code}\"/>\n",
                    escape(message)
                )),
            };
            if properties.is_none() && body.is_none() {
                writeln!(out, "/>")?;
                continue;
            }
            writeln!(out, ">")?;
            out.write_all(properties.unwrap_or_default().as_bytes())?;
            out.write_all(body.unwrap_or_default().as_bytes())?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Element text of several lines of data: each line escaped as [`escape`] would, joined by
/// line breaks.
fn escape_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| markup(&visible(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes data for an XML attribute or element: controls (which XML 1.0 cannot hold),
/// bidirectional and invisible characters are made visible as `\u{HEX}` (see
/// [`super::escape`]), so no line break or stray byte from an order reaches the CI page; then
/// markup is escaped.
fn escape(text: &str) -> String {
    markup(&visible(text))
}

/// Escapes `&`, `<`, `>` and both quotes; the two non-characters XML cannot hold become
/// U+FFFD.
fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{7}\u{ffff}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{7}\u{FFFD}&lt;/a&gt;"
        );
        assert_eq!(escape("a\nb\r\u{202e}"), "a\\u{a}b\\u{d}\\u{202e}");
    }
}
