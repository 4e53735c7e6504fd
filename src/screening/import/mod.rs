//! List importers: format detection, the per-format readers (each from text to a
//! [`ListFile`]), and the one thin function that touches the file system, [`load_file`].

use std::path::Path;

use chrono::NaiveDate;

use super::model::{Entry, EntryKind, ListFile, ListFormat, RowProblem, RowProblemKind};
use super::normalize::has_folded_text;
use super::ScreeningError;
use crate::order::misdecoded::misdecoded;

pub mod csl;
pub mod dpl;
pub mod ftm;
mod ftm_links;
pub mod ofac;
pub mod remarks;
pub mod watchlist;

pub use ofac::{import_ofac, NamedText, OfacFiles};

/// Guesses the format of a list file from its name and its first bytes.
///
/// OFAC companion files are recognised by name only (they have no header); everything else by
/// its header line or first character, with the file extension as a fallback.
pub fn detect_format(file_name: &str, first_bytes: &[u8]) -> Option<ListFormat> {
    detect_text_format(file_name, &String::from_utf8_lossy(first_bytes))
}

/// [`detect_format`] for text already read: a list of megabytes is not checked for UTF-8 again
/// (a cold run would spend milliseconds on it).
fn detect_text_format(file_name: &str, head: &str) -> Option<ListFormat> {
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
    if is_watchlist_header(&lower) {
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

/// A watch list's header: `id` and `name` among its cells, in any order, each cell maybe
/// quoted (as Excel saves it) or padded.
fn is_watchlist_header(lower: &str) -> bool {
    let cells: Vec<&str> = lower
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim())
        .collect();
    cells.contains(&"id") && cells.contains(&"name")
}

fn looks_like_sdn_row(line: &str) -> bool {
    let mut parts = line.splitn(2, ',');
    let num = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with('"')
}

/// Imports text of a known format. An OFAC set cannot be imported from one text: use
/// [`load_file`] on its `sdn.csv` (which reads the companions beside it), or [`import_ofac`]
/// with the files in hand.
pub fn import_str(
    format: ListFormat,
    file_name: &str,
    text: &str,
) -> Result<ListFile, ScreeningError> {
    match format {
        ListFormat::OfacSdn => Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: format!(
                "an ofac `sdn.csv` is read with {} beside it, or its aliases and addresses are lost; load it from its directory",
                companion_list(file_name)
            ),
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
/// `cons_prim.csv`) the companion files beside it are read too, and must be there.
pub fn load_file(path: &Path) -> Result<ListFile, ScreeningError> {
    let text = read_text(path)?;
    load_text(path, &text, None)
}

/// The companions of an OFAC main file (`sdn.csv` or `cons_prim.csv`), in the order alias,
/// address, comments: the set is one list, and a main file without them loses aliases,
/// addresses and the ends of long remarks without a word.
pub fn ofac_companions(main_file: &str) -> [&'static str; 3] {
    let base = main_file.rsplit(['/', '\\']).next().unwrap_or(main_file);
    if base.to_ascii_lowercase().starts_with("cons_") {
        ["cons_alt.csv", "cons_add.csv", "cons_comments.csv"]
    } else {
        ["alt.csv", "add.csv", "sdn_comments.csv"]
    }
}

fn companion_list(main_file: &str) -> String {
    let [alt, add, comments] = ofac_companions(main_file);
    format!("`{alt}`, `{add}` and `{comments}`")
}

/// The error for an OFAC main file whose companion is missing.
pub fn missing_companion(main_file: &str, companion: &str) -> ScreeningError {
    ScreeningError::Unreadable {
        file: main_file.to_string(),
        message: format!(
            "`{companion}` is not beside it: an ofac list is the set of {}, and without one its entries lose aliases, addresses or remarks; keep the files of one download together",
            companion_list(main_file)
        ),
    }
}

/// Imports the text read from `path`, in `format` or the detected one; an OFAC `sdn.csv`
/// reads its companions beside it.
fn load_text(
    path: &Path,
    text: &str,
    format: Option<ListFormat>,
) -> Result<ListFile, ScreeningError> {
    let display = path.display().to_string();
    let format = format_of(&display, text, format)?;
    if format != ListFormat::OfacSdn {
        return import_str(format, &display, text);
    }
    import_ofac_set(&display, text, &read_companions(path)?)
}

/// The format named, else the one detected.
fn format_of(
    display: &str,
    text: &str,
    format: Option<ListFormat>,
) -> Result<ListFormat, ScreeningError> {
    format
        .or_else(|| detect_text_format(display, text))
        .ok_or_else(|| ScreeningError::Unreadable {
            file: display.to_string(),
            message: "the file is in no list format this tool knows".to_string(),
        })
}

/// The companions of the OFAC main file at `path` (name and text), read from beside it.
fn read_companions(path: &Path) -> Result<[(String, String); 3], ScreeningError> {
    Ok(read_companions_digested(path)?.0)
}

/// An OFAC set's companions (name and text each) with the SHA-256 of each one's bytes.
type DigestedCompanions = ([(String, String); 3], [String; 3]);

/// [`read_companions`], with the SHA-256 of each companion's bytes.
fn read_companions_digested(path: &Path) -> Result<DigestedCompanions, ScreeningError> {
    let display = path.display().to_string();
    let [alt, add, comments] = ofac_companions(&display);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let companion = |name: &str| -> Result<((String, String), String), ScreeningError> {
        let p = dir.join(name);
        if !p.exists() {
            return Err(missing_companion(&display, name));
        }
        let bytes = read_bytes(&p)?;
        let digest = crate::digest::sha256_hex(&bytes);
        let shown = p.display().to_string();
        let text = text_of(&shown, &bytes)?;
        Ok(((shown, text), digest))
    };
    let (alt, alt_digest) = companion(alt)?;
    let (add, add_digest) = companion(add)?;
    let (comments, comments_digest) = companion(comments)?;
    Ok((
        [alt, add, comments],
        [alt_digest, add_digest, comments_digest],
    ))
}

/// The digest of an OFAC set, which reports give as the list's `sha256`: the SHA-256 of the
/// SHA-256 (hex) of each file's bytes, in the order `sdn.csv`, `alt.csv`, `add.csv`,
/// `sdn_comments.csv` (`cons_prim.csv`, `cons_alt.csv`, `cons_add.csv`, `cons_comments.csv`),
/// each followed by a line break. Every file changes the entries, so every file changes it:
/// `sha256sum sdn.csv alt.csv add.csv sdn_comments.csv | cut -c1-64 | sha256sum` gives it.
pub fn ofac_set_digest(main: &str, companions: &[String]) -> String {
    let mut text = String::new();
    for digest in std::iter::once(main).chain(companions.iter().map(String::as_str)) {
        text.push_str(digest);
        text.push('\n');
    }
    crate::digest::sha256_hex(text.as_bytes())
}

/// Imports an OFAC set from its main file's text and its companions'.
fn import_ofac_set(
    display: &str,
    text: &str,
    [alt, add, comments]: &[(String, String); 3],
) -> Result<ListFile, ScreeningError> {
    fn named((name, text): &(String, String)) -> NamedText<'_> {
        NamedText { name, text }
    }
    import_ofac(&OfacFiles {
        sdn: NamedText {
            name: display,
            text,
        },
        alt: Some(named(alt)),
        add: Some(named(add)),
        comments: Some(named(comments)),
    })
}

/// Reads a file as text (see [`text_of`]).
fn read_text(path: &Path) -> Result<String, ScreeningError> {
    text_of(&path.display().to_string(), &read_bytes(path)?)
}

/// The text of a list file: refused when it is plainly not text in a byte encoding (a UTF-16
/// or UTF-32 byte-order mark, NUL bytes), else [`decode`]d.
pub fn text_of(file_name: &str, bytes: &[u8]) -> Result<String, ScreeningError> {
    let why = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        "it starts with a UTF-16 byte-order mark"
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        "it starts with a UTF-32 byte-order mark"
    } else if bytes.contains(&0) {
        "it holds NUL bytes (UTF-16 text without a byte-order mark, or not text at all)"
    } else {
        return Ok(decode(bytes));
    };
    Err(ScreeningError::Unreadable {
        file: file_name.to_string(),
        message: format!("the file is not text this tool reads: {why}; save it as UTF-8"),
    })
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ScreeningError> {
    std::fs::read(path).map_err(|source| ScreeningError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// [`text_of`] for bytes the caller no longer needs: valid UTF-8 (the usual case) becomes the
/// text without a copy of the file.
fn owned_text_of(file_name: &str, bytes: Vec<u8>) -> Result<String, ScreeningError> {
    if bytes.contains(&0) || bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return text_of(file_name, &bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Ok(decode(e.as_bytes())),
    }
}

/// Bytes as UTF-8 text, falling back to Latin-1 (older OFAC and BIS files are not UTF-8) line
/// by line: one stray byte in a UTF-8 file spoils its own line only, instead of turning every
/// accented name of the file into mojibake that no query would match.
pub fn decode(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let mut out = String::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(text) => out.push_str(text),
            Err(_) => out.extend(line.iter().map(|&b| char::from(b))),
        }
    }
    out
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

/// Imports a list from bytes already read (a rule test's file), detecting its format. An
/// OFAC set cannot be read this way (see [`import_str`]).
pub fn import_bytes(file_name: &str, bytes: &[u8]) -> Result<ListFile, ScreeningError> {
    let text = text_of(file_name, bytes)?;
    match detect_format(file_name, text.as_bytes()) {
        Some(format) => import_str(format, file_name, &text),
        None => Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the file is in no list format this tool knows".to_string(),
        }),
    }
}

/// Loads a list named on the command line: `FILE`, or `FORMAT:FILE` to skip detection. The
/// file is read once; its SHA-256 (of every file, for an OFAC set: [`ofac_set_digest`]) comes
/// back with it for the run's provenance.
pub fn load_spec(spec: &str) -> Result<(ListFile, String), ScreeningError> {
    let source = read_spec(spec)?;
    let digest = source.digest.clone();
    Ok((source.import()?, digest))
}

/// A list named on the command line, read but not imported yet: its digest is known before
/// the costly import, so that a persisted index ([`crate::screening::persist`]) can be looked
/// up by it. An OFAC set's companions are read with it, so that the import reads the bytes the
/// digest of its input covers.
#[derive(Debug)]
pub struct ListSource {
    display: String,
    /// The format named or detected; `Err` is the import's error.
    format: Result<ListFormat, ScreeningError>,
    text: String,
    /// An OFAC set's companion files, when the format is OFAC.
    companions: Option<Result<[(String, String); 3], ScreeningError>>,
    /// SHA-256 of the file's bytes, for the run's provenance; for an OFAC set, of all its
    /// files ([`ofac_set_digest`]).
    pub digest: String,
}

/// Reads the list `spec` names (`FILE` or `FORMAT:FILE`), without importing it.
pub fn read_spec(spec: &str) -> Result<ListSource, ScreeningError> {
    let (format, path) = match spec.split_once(':') {
        Some((prefix, rest)) if parse_format_name(prefix).is_some() => {
            (parse_format_name(prefix), rest)
        }
        _ => (None, spec),
    };
    let path = Path::new(path);
    let bytes = read_bytes(path)?;
    let digest = crate::digest::sha256_hex(&bytes);
    let display = path.display().to_string();
    let text = owned_text_of(&display, bytes)?;
    let format = format_of(&display, &text, format);
    let companions =
        matches!(format, Ok(ListFormat::OfacSdn)).then(|| read_companions_digested(path));
    let digest = match &companions {
        Some(Ok((_, digests))) => ofac_set_digest(&digest, digests),
        _ => digest,
    };
    let companions = companions.map(|read| read.map(|(companions, _)| companions));
    Ok(ListSource {
        display,
        format,
        text,
        companions,
        digest,
    })
}

impl ListSource {
    /// Imports the list (for an OFAC `sdn.csv`, with the companions read beside it).
    pub fn import(self) -> Result<ListFile, ScreeningError> {
        let format = self.format?;
        match self.companions {
            None => import_str(format, &self.display, &self.text),
            Some(companions) => import_ofac_set(&self.display, &self.text, &companions?),
        }
    }

    /// The digest of everything [`ListSource::import`] reads, as the import reads it: the
    /// file's digest (an OFAC set's covers its companions' bytes), and for an OFAC set the
    /// companions' names and texts too. `None` when the import will fail.
    pub fn input_digest(&self) -> Option<String> {
        self.format.as_ref().ok()?;
        match &self.companions {
            None => Some(self.digest.clone()),
            Some(Err(_)) => None,
            Some(Ok(companions)) => {
                let mut all = self.digest.clone();
                for (name, text) in companions {
                    all.push(' ');
                    all.push_str(&crate::digest::sha256_hex(name.as_bytes()));
                    all.push(' ');
                    all.push_str(&crate::digest::sha256_hex(text.as_bytes()));
                }
                Some(crate::digest::sha256_hex(all.as_bytes()))
            }
        }
    }
}

/// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (partial dates take the first day); a timestamp's
/// time part is ignored. A slash date is not read: `01/12/2025` is 1 December to one office and
/// 12 January to another, and a list format that writes dates so says which (the DPL's
/// `MM/DD/YYYY`, [`parse_us_date`]); elsewhere a guess could end an entry before its time.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.contains('/') {
        return None;
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

/// Parses `MM/DD/YYYY`, as the BIS Denied Persons List writes its dates, or a date
/// [`parse_date`] reads.
pub(crate) fn parse_us_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let Some((m, rest)) = t.split_once('/') else {
        return parse_date(t);
    };
    let (d, y) = rest.split_once('/')?;
    let y: i32 = y.trim().parse().ok()?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// A delimited file read whole: its header, its data rows with their lines, and the tally of
/// rows read and left out so far.
pub(crate) struct Table {
    pub(crate) headers: csv::StringRecord,
    pub(crate) rows: Vec<(u64, csv::StringRecord)>,
    pub(crate) tally: Tally,
}

/// How the rows of one list file fared: the importers count every row they read and every
/// row they leave out, so a list that is empty, mostly bad or cut off is refused whole
/// ([`check_yield`]) instead of screening against what happened to be left.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Data rows (lines of JSON, `[[entry]]` tables) read.
    pub(crate) rows: u64,
    /// Rows left out: unreadable, or lacking what an entry needs.
    pub(crate) skipped: u64,
    /// The line of the last row read.
    pub(crate) last_line: u64,
    /// The last row was left out, or has fewer cells than the header.
    pub(crate) last_bad: bool,
    /// Cells are quoted CSV, so an odd number of quotes on the last line means it was cut.
    pub(crate) quoted: bool,
}

impl Tally {
    /// Counts a row starting on `line`.
    pub(crate) fn row(&mut self, line: u64) {
        self.rows += 1;
        self.last_line = line;
        self.last_bad = false;
    }

    /// Counts the row starting on `line` as left out.
    pub(crate) fn skip(&mut self, line: u64) {
        self.skipped += 1;
        if line == self.last_line {
            self.last_bad = true;
        }
    }
}

/// Refuses a list that cannot be trusted whole: a file that ends in the middle of a row (a
/// download or copy cut off), one that yields no entry (an empty file, a header alone, every
/// row bad: a failed download leaves just that, and screening against nothing clears every
/// party), and one whose rows are mostly bad (more than half left out: a damaged file, or
/// another file than it looks like). A few bad rows stay located problems (warnings).
pub(crate) fn check_yield(
    file_name: &str,
    text: &str,
    entries: usize,
    tally: &Tally,
) -> Result<(), ScreeningError> {
    let refuse = |message: String| {
        Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message,
        })
    };
    if ends_mid_row(text, tally) {
        return refuse(format!(
            "the file ends in the middle of a row (line {}): it looks cut off, so part of the list is missing; fetch it again",
            tally.last_line
        ));
    }
    if entries == 0 {
        let why = if text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{1a}' || c == '\u{feff}')
            .is_empty()
        {
            "the file is empty".to_string()
        } else if tally.rows == 0 {
            "the file holds no data row".to_string()
        } else {
            format!("none of its {} rows gives an entry", tally.rows)
        };
        return refuse(format!(
            "{why}, so the list has no entry to screen against (a failed download?); fetch it again"
        ));
    }
    if tally.skipped.saturating_mul(2) > tally.rows {
        return refuse(format!(
            "{} of its {} rows could not be read, more than half: the file is damaged or not the list it looks like",
            tally.skipped, tally.rows
        ));
    }
    Ok(())
}

/// True when the text stops inside its last row: no line break at the end, and that row was
/// left out, is short, or has a quote that never closes.
fn ends_mid_row(text: &str, tally: &Tally) -> bool {
    // OFAC downloads may end with a DOS end-of-file byte.
    let body = text.trim_end_matches(['\u{1a}', ' ', '\t']);
    if body.is_empty() || body.ends_with('\n') {
        return false;
    }
    let last_line = body.rsplit('\n').next().unwrap_or(body);
    tally.last_bad || (tally.quoted && last_line.matches('"').count() % 2 == 1)
}

/// Checks an OFAC companion file on its own: the rows that refer to no entry or lack cells
/// are left out, and a companion that is empty, cut off or mostly bad means the set does not
/// belong together.
pub(crate) fn check_companion(
    file_name: &str,
    text: &str,
    tally: &Tally,
) -> Result<(), ScreeningError> {
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{1a}')
        .is_empty()
    {
        return Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the file is empty (a failed download?); fetch the ofac set again".into(),
        });
    }
    // A companion yields no entries of its own; its rows are what counts.
    check_yield(file_name, text, 1, tally)
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
    let mut tally = Tally {
        quoted: true,
        ..Tally::default()
    };
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                tally.row(line);
                tally.skip(line);
                problems.push(problem(file_name, line, format!("row is not valid {what}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        tally.row(line);
        if same_width && record.len() != headers.len() {
            tally.skip(line);
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
        // Kept (some lists omit empty trailing cells), but a short last row without a line
        // break is a file cut off.
        tally.last_bad = record.len() < headers.len();
        rows.push((line, record));
    }
    Ok(Table {
        headers,
        rows,
        tally,
    })
}

/// False when a name has no letter or digit once folded (`-`, `***`, a zero-width space): the
/// index keys names by their folded letters and digits, so such a name matches nothing.
fn screenable_name(name: &str, kind: EntryKind) -> bool {
    has_folded_text(name, kind)
}

/// What to make of an entry none of whose names can be screened: a placeholder where a sloppy
/// export masked or lost the name (no letter or digit), or a name decoded in another encoding
/// than it was written in (`Ð¡Ñ‚Ð°Ð½ÐºÐ¾...` for `Станко...`, a list saved from a spreadsheet
/// in the wrong encoding), which no party's name would ever be. Without an identifier such an
/// entry can never match: it is a bad row, located and counted (`Err`, the problem to report),
/// so a list of such rows is refused as mostly bad instead of screening every party clear.
/// With an identifier it still matches by that and is kept, with a located warning
/// (`Ok(Some)`). `Ok(None)`: a name can be screened.
pub(crate) fn placeholder_names(
    entry: &Entry,
    file: &str,
    line: u64,
) -> Result<Option<RowProblem>, RowProblem> {
    let names = std::iter::once(entry.primary_name.as_str())
        .chain(entry.aliases.iter().map(|a| a.name.as_str()));
    if names
        .clone()
        .any(|n| screenable_name(n, entry.kind) && misdecoded(n).is_none())
    {
        return Ok(None);
    }
    // A few names say what the row holds; a row of thousands must not make a huge message.
    let count = 1 + entry.aliases.len();
    let mut shown: Vec<String> = names.clone().take(3).map(|n| format!("`{n}`")).collect();
    if count > shown.len() {
        shown.push(format!("and {} more", count - shown.len()));
    }
    let names_shown = shown.join(", ");
    let why = match names.clone().find_map(misdecoded) {
        Some(stretch) => format!(
            "has only names decoded in another encoding than they were written in (`{stretch}` in {names_shown}; save the list as UTF-8 from the system that wrote it)"
        ),
        None => format!("has no name with a letter or digit ({names_shown})"),
    };
    if entry.ids.is_empty() {
        Err(problem(
            file,
            line,
            format!(
                "entry `{}` {why} and no identifier, so it could never match",
                entry.entry_id
            ),
        ))
    } else {
        Ok(Some(problem(
            file,
            line,
            format!(
                "entry `{}` {why}, so it matches by identifier only",
                entry.entry_id
            ),
        )))
    }
}

/// Builds a located problem: a row left out or only partly read.
pub(crate) fn problem(file: &str, line: u64, message: String) -> RowProblem {
    RowProblem {
        file: file.to_string(),
        line,
        message,
        kind: RowProblemKind::Unread,
    }
}

/// Builds a located note on what the 50 % rule could not settle.
pub(crate) fn ownership_note(file: &str, line: u64, message: String) -> RowProblem {
    RowProblem {
        kind: RowProblemKind::Ownership,
        ..problem(file, line, message)
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
