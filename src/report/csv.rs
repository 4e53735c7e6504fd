//! CSV output (`--format csv`): one row per finding, one per clear order and
//! one per problem of an unreadable record, for spreadsheets and BI tools.
//! Columns are documented in docs/output.md and never reordered within a
//! version; the pack digest and as-of date ride on every row so a row copied
//! out of the file still says what judged it.

use std::io::{self, Write};

use super::escape::visible;
use super::{evidence_line, kind_str, references_line, Reporter, RunInfo, Summary};
use crate::findings::{Judgement, Verdict};

/// The header row. Columns are only ever added at the end, so every column keeps its place:
/// the order's context (buyer, destination, value), then `lookback`.
pub const COLUMNS: [&str; 22] = [
    "order_id",
    "file",
    "line",
    "verdict",
    "rule_id",
    "rule_version",
    "severity",
    "kind",
    "family",
    "title",
    "message",
    "evidence",
    "references",
    "as_of",
    "pack_sha256",
    "waiver",
    "buyer_name",
    "buyer_country",
    "destination",
    "value",
    "currency",
    "lookback",
];

/// The CSV reporter.
#[derive(Default)]
pub struct CsvReporter {
    buffer: Vec<u8>,
    as_of: String,
    pack_sha256: String,
}

impl CsvReporter {
    /// A reporter writing a header, then rows as orders are judged.
    pub fn new() -> CsvReporter {
        CsvReporter::default()
    }

    /// Writes rows through the csv crate into the reused buffer, then to `out`.
    fn write_rows(&mut self, out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1024)
            .from_writer(std::mem::take(&mut self.buffer));
        for row in rows {
            writer.write_record(row).map_err(io::Error::other)?;
        }
        let mut buffer = writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(&buffer)?;
        buffer.clear();
        self.buffer = buffer;
        Ok(())
    }
}

/// A cell as written: data made visible (controls, bidirectional and invisible characters as
/// `\u{HEX}`, see [`super::escape`]), then [`guard`]ed against formulas. Every cell goes
/// through here, so a value in a row cannot act on a terminal showing the file, break the row
/// into lines or run in a spreadsheet.
pub fn cell(text: &str) -> String {
    guard(&visible(text))
}

/// Guards a cell against spreadsheet formula injection (OWASP "CSV injection"): order data is
/// untrusted, and a cell starting with `=`, `+`, `-`, `@`, tab or carriage return may run as a
/// formula when the file is opened in a spreadsheet. Such a cell gets a leading `'`, which
/// spreadsheets read as "text". Leading spaces are looked through (some importers trim them),
/// and the full-width `＝＋－＠` count too (some spreadsheets fold them to ASCII). A lone `-`
/// (standard input) is left alone.
pub fn guard(cell: &str) -> String {
    let rest = cell.trim_start_matches(' ');
    let mut chars = rest.chars();
    let risky = match chars.next() {
        Some('=' | '+' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF20}') => true,
        Some('-' | '\u{FF0D}') => chars.next().is_some(),
        _ => false,
    };
    if risky {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

impl Reporter for CsvReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        self.as_of = run.as_of.map(|d| d.to_string()).unwrap_or_default();
        self.pack_sha256 = run.pack.digest.clone();
        let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        self.write_rows(out, &[header])
    }

    fn judgement(&mut self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        let rows = self.rows(j);
        self.write_rows(out, &rows)
    }

    fn render(&self, j: &Judgement) -> Option<Vec<u8>> {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1024)
            .from_writer(Vec::new());
        for row in self.rows(j) {
            writer.write_record(&row).ok()?;
        }
        writer.into_inner().ok()
    }

    fn renderer(&self) -> Option<super::Renderer> {
        let copy = CsvReporter {
            buffer: Vec::new(),
            as_of: self.as_of.clone(),
            pack_sha256: self.pack_sha256.clone(),
        };
        Some(Box::new(move |j| copy.render(j)))
    }

    fn finish(&mut self, _out: &mut dyn Write, _run: &RunInfo, _s: &Summary) -> io::Result<()> {
        Ok(())
    }
}

impl CsvReporter {
    /// The rows of one judgement: one per finding, per problem, or one for a clear order.
    fn rows(&self, j: &Judgement) -> Vec<Vec<String>> {
        let order = [
            cell(j.order_id.as_deref().unwrap_or("")),
            cell(&j.origin.file),
            j.origin.line.to_string(),
            j.verdict.as_str().to_string(),
        ];
        let tail = [self.as_of.clone(), self.pack_sha256.clone()];
        let context: [String; 5] = match &j.context {
            Some(c) => [
                cell(c.buyer_name.as_deref().unwrap_or("")),
                cell(c.buyer_country.as_deref().unwrap_or("")),
                cell(c.destination.as_deref().unwrap_or("")),
                cell(&c.value.map(|v| v.to_string()).unwrap_or_default()),
                cell(c.currency.as_deref().unwrap_or("")),
            ],
            None => Default::default(),
        };
        let row = |rest: [String; 9], waiver: String, lookback: String| -> Vec<String> {
            order
                .iter()
                .cloned()
                .chain(rest)
                .chain(tail.iter().cloned())
                .chain(std::iter::once(waiver))
                .chain(context.iter().cloned())
                .chain(std::iter::once(lookback))
                .collect()
        };
        let mut rows = Vec::new();
        if j.verdict == Verdict::Error {
            for p in &j.problems {
                let mut message = format!("{} ", p.code);
                if !p.path.is_empty() {
                    message.push_str(&format!("{}: ", p.path));
                }
                message.push_str(&p.message);
                if let Some(column) = &p.column {
                    message.push_str(&format!(" (column `{column}`)"));
                }
                if let Some(line) = p.line {
                    message.push_str(&format!(" (line {line})"));
                }
                rows.push(row(
                    [
                        String::new(),
                        String::new(),
                        String::new(),
                        "error".into(),
                        String::new(),
                        String::new(),
                        cell(&message),
                        String::new(),
                        String::new(),
                    ],
                    String::new(),
                    String::new(),
                ));
            }
        } else if j.findings.is_empty() {
            rows.push(row(Default::default(), String::new(), String::new()));
        } else {
            for f in &j.findings {
                rows.push(row(
                    [
                        cell(&f.rule.id),
                        f.rule.version.to_string(),
                        f.severity.as_str().to_string(),
                        kind_str(f).to_string(),
                        cell(&f.rule.family),
                        cell(&f.rule.title),
                        cell(&f.message),
                        cell(&evidence_line(f)),
                        cell(&references_line(f)),
                    ],
                    f.waiver
                        .as_ref()
                        .map(|w| {
                            cell(&format!(
                                "{}: {} ({}, until {})",
                                w.id, w.reason, w.approver, w.expires
                            ))
                        })
                        .unwrap_or_default(),
                    f.later.as_deref().map(cell).unwrap_or_default(),
                ));
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::{cell, guard};

    #[test]
    fn formulas_are_defused_and_plain_text_is_not() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("  =1+1"), "'  =1+1");
        assert_eq!(cell("\u{FF1D}1+1"), "'\u{FF1D}1+1");
        assert_eq!(guard("\t=1"), "'\t=1");
        assert_eq!(guard("\r=1"), "'\r=1");
        assert_eq!(cell("-"), "-");
        assert_eq!(cell("SO-1"), "SO-1");
        assert_eq!(cell("a = b"), "a = b");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn controls_are_escaped_before_the_formula_check() {
        assert_eq!(cell("\t=1"), "\\u{9}=1");
        assert_eq!(cell("a\nb\u{1b}[2K"), "a\\u{a}b\\u{1b}[2K");
    }
}
