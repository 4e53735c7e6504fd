//! List importers: format detection, the per-format readers (each from text to a
//! [`ListFile`]), and the one thin function that touches the file system, [`load_file`].

use std::path::Path;

use chrono::NaiveDate;

use super::model::{ListFile, ListFormat, RowProblem};
use super::ScreeningError;

pub mod csl;
pub mod dpl;
pub mod ftm;
pub mod ofac;
pub mod remarks;
pub mod watchlist;

pub use ofac::{import_ofac, NamedText, OfacFiles};

/// Guesses the format of a list file from its name and its first bytes.
///
/// OFAC companion files are recognised by name only (they have no header); everything else by
/// its header line or first character, with the file extension as a fallback.
pub fn detect_format(file_name: &str, first_bytes: &[u8]) -> Option<ListFormat> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    match base.as_str() {
        "sdn.csv" | "cons_prim.csv" => return Some(ListFormat::OfacSdn),
        "alt.csv" | "cons_alt.csv" => return Some(ListFormat::OfacAlt),
        "add.csv" | "cons_add.csv" => return Some(ListFormat::OfacAdd),
        "sdn_comments.csv" | "cons_comments.csv" => return Some(ListFormat::OfacComments),
        _ => {}
    }
    let head = String::from_utf8_lossy(first_bytes);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let first_line = head.lines().next().unwrap_or("");
    let lower = first_line.to_ascii_lowercase();
    if lower.starts_with("_id,source") || (lower.contains("source") && lower.contains("alt_names"))
    {
        return Some(ListFormat::Csl);
    }
    if lower.contains("street_address") && lower.contains("effective_date") {
        return Some(ListFormat::Dpl);
    }
    if lower.starts_with("id,name") {
        return Some(ListFormat::WatchlistCsv);
    }
    if head.starts_with('{') {
        return Some(ListFormat::Ftm);
    }
    if head.contains("[[entry]]") || base.ends_with(".toml") {
        return Some(ListFormat::WatchlistToml);
    }
    if looks_like_sdn_row(first_line) {
        return Some(ListFormat::OfacSdn);
    }
    None
}

fn looks_like_sdn_row(line: &str) -> bool {
    let mut parts = line.splitn(2, ',');
    let num = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with('"')
}

/// Imports text of a known format. OFAC companion files cannot be imported alone: use
/// [`import_ofac`] with the whole set.
pub fn import_str(
    format: ListFormat,
    file_name: &str,
    text: &str,
) -> Result<ListFile, ScreeningError> {
    match format {
        ListFormat::OfacSdn => import_ofac(&OfacFiles {
            sdn: NamedText {
                name: file_name,
                text,
            },
            alt: None,
            add: None,
            comments: None,
        }),
        ListFormat::OfacAlt | ListFormat::OfacAdd | ListFormat::OfacComments => {
            Err(ScreeningError::Unreadable {
                file: file_name.to_string(),
                message: "this is an ofac companion file; load the matching `sdn.csv` instead"
                    .to_string(),
            })
        }
        ListFormat::Csl => csl::import_csl(file_name, text),
        ListFormat::Dpl => dpl::import_dpl(file_name, text),
        ListFormat::Ftm => ftm::import_ftm(file_name, text),
        ListFormat::WatchlistCsv => watchlist::import_watchlist_csv(file_name, text),
        ListFormat::WatchlistToml => watchlist::import_watchlist_toml(file_name, text),
    }
}

/// Reads a list file from disk, detects its format and imports it. For an OFAC `sdn.csv` (or
/// `cons_prim.csv`) the companion files beside it are read too when present.
pub fn load_file(path: &Path) -> Result<ListFile, ScreeningError> {
    let text = read_text(path)?;
    load_text(path, &text, None)
}

/// Imports the text read from `path`, in `format` or the detected one; an OFAC `sdn.csv`
/// reads its companions beside it.
fn load_text(
    path: &Path,
    text: &str,
    format: Option<ListFormat>,
) -> Result<ListFile, ScreeningError> {
    let display = path.display().to_string();
    let Some(format) = format.or_else(|| detect_format(&display, text.as_bytes())) else {
        return Err(ScreeningError::Unreadable {
            file: display,
            message: "the file is in no list format this tool knows".to_string(),
        });
    };
    if format != ListFormat::OfacSdn {
        return import_str(format, &display, text);
    }
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (alt, add, comments) = if base.starts_with("cons_") {
        ("cons_alt.csv", "cons_add.csv", "cons_comments.csv")
    } else {
        ("alt.csv", "add.csv", "sdn_comments.csv")
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let companion = |name: &str| -> Result<Option<(String, String)>, ScreeningError> {
        let p = dir.join(name);
        if p.exists() {
            Ok(Some((p.display().to_string(), read_text(&p)?)))
        } else {
            Ok(None)
        }
    };
    let alt = companion(alt)?;
    let add = companion(add)?;
    let comments = companion(comments)?;
    fn named(c: &Option<(String, String)>) -> Option<NamedText<'_>> {
        c.as_ref().map(|(n, t)| NamedText {
            name: n.as_str(),
            text: t.as_str(),
        })
    }
    import_ofac(&OfacFiles {
        sdn: NamedText {
            name: &display,
            text,
        },
        alt: named(&alt),
        add: named(&add),
        comments: named(&comments),
    })
}

/// Reads a file as UTF-8, falling back to Latin-1 (older OFAC and BIS files are not UTF-8).
fn read_text(path: &Path) -> Result<String, ScreeningError> {
    Ok(decode(&read_bytes(path)?))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ScreeningError> {
    std::fs::read(path).map_err(|source| ScreeningError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Bytes as UTF-8 text, falling back to Latin-1 (older OFAC and BIS files are not UTF-8).
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The names a user gives formats (`--list csl:FILE`, `format = "csl"` in a pack).
pub const FORMAT_NAMES: &[&str] = &[
    "ofac",
    "csl",
    "dpl",
    "ftm",
    "watchlist-csv",
    "watchlist-toml",
];

/// The format a user names, in any case.
pub fn parse_format_name(name: &str) -> Option<ListFormat> {
    Some(match name.to_ascii_lowercase().as_str() {
        "ofac" | "sdn" | "ofac-sdn" => ListFormat::OfacSdn,
        "csl" => ListFormat::Csl,
        "dpl" => ListFormat::Dpl,
        "ftm" | "opensanctions" => ListFormat::Ftm,
        "watchlist-csv" | "watchlist" => ListFormat::WatchlistCsv,
        "watchlist-toml" => ListFormat::WatchlistToml,
        _ => return None,
    })
}

/// Imports a list from bytes already read (a file of a rule pack), detecting its format. An
/// OFAC `sdn.csv` is read without companions.
pub fn import_bytes(file_name: &str, bytes: &[u8]) -> Result<ListFile, ScreeningError> {
    let text = decode(bytes);
    match detect_format(file_name, text.as_bytes()) {
        Some(format) => import_str(format, file_name, &text),
        None => Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the file is in no list format this tool knows".to_string(),
        }),
    }
}

/// Loads a list named on the command line: `FILE`, or `FORMAT:FILE` to skip detection. The
/// file is read once; its SHA-256 (of the main file, for an OFAC set) comes back with it for
/// the run's provenance.
pub fn load_spec(spec: &str) -> Result<(ListFile, String), ScreeningError> {
    let (format, path) = match spec.split_once(':') {
        Some((prefix, rest)) if parse_format_name(prefix).is_some() => {
            (parse_format_name(prefix), rest)
        }
        _ => (None, spec),
    };
    let path = Path::new(path);
    let bytes = read_bytes(path)?;
    let digest = crate::digest::sha256_hex(&bytes);
    Ok((load_text(path, &decode(&bytes), format)?, digest))
}

/// Parses `YYYY-MM-DD`, `YYYY-MM`, `YYYY` (partial dates take the first day) or
/// `MM/DD/YYYY`; a timestamp's time part is ignored.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Some((m, rest)) = t.split_once('/') {
        let (d, y) = rest.split_once('/')?;
        return NaiveDate::from_ymd_opt(y.trim().parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    let day = t.get(..10).unwrap_or(t);
    let mut parts = day.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 1,
    };
    let d: u32 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 1,
    };
    if parts.next().is_some() || !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A delimited file read whole: its header and its data rows with their lines.
pub(crate) struct Table {
    pub(crate) headers: csv::StringRecord,
    pub(crate) rows: Vec<(u64, csv::StringRecord)>,
}

/// Reads a delimited file with a header row. A row that cannot be read, or
/// (with `same_width`) has another number of cells than the header, becomes
/// a located problem instead of an entry; `what` names the format in messages.
pub(crate) fn read_table(
    file_name: &str,
    text: &str,
    delimiter: u8,
    what: &str,
    same_width: bool,
    problems: &mut Vec<RowProblem>,
) -> Result<Table, ScreeningError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: format!("the header row is not valid {what}"),
        })?
        .clone();
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(problem(file_name, line, format!("row is not valid {what}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if same_width && record.len() != headers.len() {
            problems.push(problem(
                file_name,
                line,
                format!(
                    "row has {} columns, the header has {}",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        rows.push((line, record));
    }
    Ok(Table { headers, rows })
}

/// Builds a located problem.
pub(crate) fn problem(file: &str, line: u64, message: String) -> RowProblem {
    RowProblem {
        file: file.to_string(),
        line,
        message,
    }
}

/// Splits a multi-valued cell on `separator`, trimming and dropping empty parts.
pub(crate) fn split_multi<'a>(cell: &'a str, separator: &'a str) -> impl Iterator<Item = &'a str> {
    cell.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The file name without directories and extensions, for list names.
pub(crate) fn file_stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.split('.').next().unwrap_or(base).to_string()
}
