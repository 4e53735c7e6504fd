//! CSV output (`--format csv`): one row per finding, one per clear order and
//! one per problem of an unreadable record, for spreadsheets and BI tools.
//! Columns are documented in docs/output.md and never reordered within a
//! version; the pack digest and as-of date ride on every row so a row copied
//! out of the file still says what judged it.

use std::io::{self, Write};

use super::{evidence_line, kind_str, references_line, Reporter, RunInfo, Summary};
use crate::findings::{Judgement, Verdict};

/// The header row.
pub const COLUMNS: [&str; 16] = [
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

/// Guards a cell against spreadsheet formula injection: order data is
/// untrusted, and a cell starting with `=`, `+`, `-`, `@`, tab or carriage
/// return may run as a formula when the file is opened in a spreadsheet.
/// Such a cell gets a leading `'`, which spreadsheets hide. A lone `-`
/// (standard input) is left alone.
pub fn guard(cell: &str) -> String {
    let risky = matches!(
        cell.as_bytes(),
        [b'=' | b'+' | b'@' | b'\t' | b'\r', ..] | [b'-', _, ..]
    );
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
        let order = [
            guard(j.order_id.as_deref().unwrap_or("")),
            guard(&j.origin.file),
            j.origin.line.to_string(),
            j.verdict.as_str().to_string(),
        ];
        let tail = [self.as_of.clone(), self.pack_sha256.clone()];
        let row = |rest: [String; 9], waiver: String| -> Vec<String> {
            order
                .iter()
                .cloned()
                .chain(rest)
                .chain(tail.iter().cloned())
                .chain(std::iter::once(waiver))
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
                        guard(&message),
                        String::new(),
                        String::new(),
                    ],
                    String::new(),
                ));
            }
        } else if j.findings.is_empty() {
            rows.push(row(Default::default(), String::new()));
        } else {
            for f in &j.findings {
                rows.push(row(
                    [
                        guard(&f.rule_id),
                        f.rule_version.to_string(),
                        f.severity.as_str().to_string(),
                        kind_str(f).to_string(),
                        guard(&f.family),
                        guard(&f.title),
                        guard(&f.message),
                        guard(&evidence_line(f)),
                        guard(&references_line(f)),
                    ],
                    f.waiver
                        .as_ref()
                        .map(|w| {
                            guard(&format!(
                                "{}: {} ({}, until {})",
                                w.id, w.reason, w.approver, w.expires
                            ))
                        })
                        .unwrap_or_default(),
                ));
            }
        }
        self.write_rows(out, &rows)
    }

    fn finish(&mut self, _out: &mut dyn Write, _run: &RunInfo, _s: &Summary) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn formulas_are_defused_and_plain_text_is_not() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+1"), "'+1");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("-2+3"), "'-2+3");
        assert_eq!(guard("-"), "-");
        assert_eq!(guard("SO-1"), "SO-1");
        assert_eq!(guard(""), "");
    }
}
