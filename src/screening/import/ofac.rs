//! OFAC legacy CSV set: `sdn.csv` (or `cons_prim.csv`) joined on `ent_num` with `alt.csv`
//! (aliases), `add.csv` (addresses) and `sdn_comments.csv` (remarks overflow).
//!
//! The files have no header and write `-0-` for empty. The remarks carry identifiers, weak
//! a.k.a.s and nationalities (see [`super::remarks`]); the comments file continues a remark
//! mid-word, so it is appended without a separator before the remarks are parsed. The legacy
//! format has no listing date, so `listed_on` stays `None`.

use std::collections::HashMap;

use super::super::countries;
use super::super::model::{Entry, EntryKind, ListFile, ListFormat, PartyId, RowProblem};
use super::super::ScreeningError;
use super::remarks::parse_remarks;
use super::{check_companion, check_yield, file_stem, placeholder_names, problem, Tally};

/// A file's display name and its text.
#[derive(Debug, Clone, Copy)]
pub struct NamedText<'a> {
    /// Display name used in problems.
    pub name: &'a str,
    /// The content.
    pub text: &'a str,
}

/// The OFAC CSV set; only `sdn` is required.
#[derive(Debug, Clone, Copy)]
pub struct OfacFiles<'a> {
    /// `sdn.csv` or `cons_prim.csv`.
    pub sdn: NamedText<'a>,
    /// `alt.csv`.
    pub alt: Option<NamedText<'a>>,
    /// `add.csv`.
    pub add: Option<NamedText<'a>>,
    /// `sdn_comments.csv`.
    pub comments: Option<NamedText<'a>>,
}

fn cell(record: &csv::StringRecord, i: usize) -> &str {
    let v = record.get(i).unwrap_or("").trim();
    if v == "-0-" {
        ""
    } else {
        v
    }
}

/// Reads headerless OFAC CSV rows, reporting unreadable rows and rows with too few columns,
/// and counting them in `tally`.
fn rows(
    file: &NamedText<'_>,
    min_cols: usize,
    problems: &mut Vec<RowProblem>,
    tally: &mut Tally,
) -> Vec<(u64, csv::StringRecord)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file.text.as_bytes());
    let mut out = Vec::new();
    tally.quoted = true;
    for result in reader.records() {
        match result {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                // OFAC files end with a DOS end-of-file byte on some downloads.
                if r.len() == 1
                    && r.get(0)
                        .is_some_and(|c| c.trim_matches('\u{1a}').trim().is_empty())
                {
                    continue;
                }
                tally.row(line);
                if r.len() < min_cols {
                    tally.skip(line);
                    problems.push(problem(
                        file.name,
                        line,
                        format!("row has {} columns, expected at least {min_cols}", r.len()),
                    ));
                    continue;
                }
                out.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                tally.row(line);
                tally.skip(line);
                problems.push(problem(file.name, line, "row is not valid csv".to_string()));
            }
        }
    }
    out
}

/// The fewest entries a companion must lack rows for before it counts as cut off: a set made
/// by hand for a test has a few entries, some without aliases or addresses; a download cut
/// off loses thousands.
const CUT_MIN: usize = 10;

/// What a companion file (`alt.csv`, `add.csv`) says of how whole the set is: OFAC writes the
/// files of one download from the same entries, each in `ent_num` order, so a companion row
/// for an entry after `sdn.csv`'s last proves `sdn.csv` cut off (or another day's download),
/// and a companion that stops long before `sdn.csv` does proves the companion cut off.
#[derive(Debug, Default)]
struct Companion {
    /// The highest entry number of its rows.
    last: Option<u64>,
    /// Its rows for entries after `sdn.csv`'s last, found once that is known.
    nums: Vec<u64>,
}

impl Companion {
    fn row(&mut self, num: &str) {
        if let Ok(n) = num.parse::<u64>() {
            self.last = self.last.max(Some(n));
            self.nums.push(n);
        }
    }

    /// Refuses the set when rows of this companion name entries after the last of `sdn.csv`
    /// (`sdn_nums`, sorted): `sdn.csv` was cut at a row boundary, or the files are of two
    /// downloads. Rows for unknown entries below it are left to the mostly-bad count.
    fn check_sdn_whole(
        &self,
        sdn: &str,
        companion: &str,
        sdn_nums: &[u64],
    ) -> Result<(), ScreeningError> {
        let Some(&sdn_last) = sdn_nums.last() else {
            return Ok(());
        };
        let after: Vec<u64> = self
            .nums
            .iter()
            .copied()
            .filter(|n| *n > sdn_last)
            .collect();
        let Some(&furthest) = after.iter().max() else {
            return Ok(());
        };
        Err(ScreeningError::Unreadable {
            file: sdn.to_string(),
            message: format!(
                "its last entry is `{sdn_last}`, but {} rows of `{}` are for entries after it (up to `{furthest}`): the file looks cut off at a row boundary, or the files are of different downloads, so entries are missing; fetch the ofac set again",
                after.len(),
                file_base(companion)
            ),
        })
    }

    /// Refuses a companion whose last row comes before more than a tenth of `sdn.csv`'s
    /// entries (`sdn_nums`, sorted; and at least [`CUT_MIN`]): the rows after it were cut off.
    /// Aliases are common in every part of the list, so a whole file never stops so early (the
    /// 2019 set's `alt.csv` ends before 3 of its 7,379 entries); with half as the bound, an
    /// `alt.csv` cut to its first 60 % loaded, and `Gazprom Drilling`, an alias, was clear.
    fn check_tail(&self, companion: &str, sdn_nums: &[u64]) -> Result<(), ScreeningError> {
        let Some(last) = self.last else {
            return Ok(());
        };
        let after = sdn_nums.len() - sdn_nums.partition_point(|n| *n <= last);
        if after < CUT_MIN || after.saturating_mul(10) <= sdn_nums.len() {
            return Ok(());
        }
        Err(ScreeningError::Unreadable {
            file: companion.to_string(),
            message: format!(
                "its last row is for entry `{last}`, but {after} of the {} entries of the set come after it, more than a tenth: the file looks cut off at a row boundary (ofac writes it in entry order), so their rows are missing; fetch the ofac set again",
                sdn_nums.len()
            ),
        })
    }
}

/// A file's name without its directories.
fn file_base(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn kind_of(sdn_type: &str) -> EntryKind {
    match sdn_type.to_ascii_lowercase().as_str() {
        "individual" => EntryKind::Person,
        "vessel" => EntryKind::Vessel,
        "aircraft" => EntryKind::Aircraft,
        _ => EntryKind::Entity,
    }
}

/// Imports an OFAC CSV set.
pub fn import_ofac(files: &OfacFiles<'_>) -> Result<ListFile, ScreeningError> {
    let consolidated = file_stem(files.sdn.name)
        .to_ascii_lowercase()
        .starts_with("cons");
    let (list, source) = if consolidated {
        (
            "OFAC-CONS",
            "OFAC Consolidated (non-SDN) List - Treasury Department",
        )
    } else {
        (
            "OFAC-SDN",
            "Specially Designated Nationals (SDN) - Treasury Department",
        )
    };
    let mut problems = Vec::new();
    let mut tally = Tally::default();
    let sdn_rows = rows(&files.sdn, 12, &mut problems, &mut tally);
    if sdn_rows.is_empty() && !files.sdn.text.trim().is_empty() && !problems.is_empty() {
        return Err(ScreeningError::Unreadable {
            file: files.sdn.name.to_string(),
            message: "no row has the 12 columns of an ofac sdn file".to_string(),
        });
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(sdn_rows.len());
    let mut entry_lines: Vec<u64> = Vec::with_capacity(sdn_rows.len());
    let mut by_num: HashMap<String, usize> = HashMap::new();
    let mut vessel_flags: Vec<String> = Vec::new();
    for (line, r) in &sdn_rows {
        let num = cell(r, 0);
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            tally.skip(*line);
            problems.push(problem(
                files.sdn.name,
                *line,
                format!("entry number `{num}` is not a number"),
            ));
            continue;
        }
        let name = cell(r, 1);
        if name.is_empty() {
            tally.skip(*line);
            problems.push(problem(
                files.sdn.name,
                *line,
                format!("entry `{num}` has no name"),
            ));
            continue;
        }
        if by_num.contains_key(num) {
            tally.skip(*line);
            problems.push(problem(
                files.sdn.name,
                *line,
                format!("entry number `{num}` appears again, so this row is skipped"),
            ));
            continue;
        }
        let mut e = Entry::new(list, source, num, kind_of(cell(r, 2)), name);
        e.programs = cell(r, 3)
            .split("] [")
            .map(|p| p.trim_matches(['[', ']', ' ']).to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let call_sign = cell(r, 5);
        if !call_sign.is_empty() {
            e.add_id(PartyId {
                scheme: "CALL-SIGN".to_string(),
                value: call_sign.to_string(),
                country: None,
            });
        }
        vessel_flags.push(cell(r, 9).to_string());
        e.remarks = cell(r, 11).to_string();
        by_num.insert(num.to_string(), entries.len());
        entries.push(e);
        entry_lines.push(*line);
    }
    check_yield(files.sdn.name, files.sdn.text, entries.len(), &tally)?;
    let mut sdn_nums: Vec<u64> = entries
        .iter()
        .filter_map(|e| e.entry_id.parse().ok())
        .collect();
    sdn_nums.sort_unstable();
    if let Some(comments) = &files.comments {
        let mut tally = Tally::default();
        for (line, r) in rows(comments, 2, &mut problems, &mut tally) {
            let num = cell(&r, 0);
            match by_num.get(num) {
                Some(&i) => entries[i].remarks.push_str(r.get(1).unwrap_or("")),
                None => {
                    tally.skip(line);
                    problems.push(problem(
                        comments.name,
                        line,
                        format!("comment row refers to unknown entry `{num}`"),
                    ))
                }
            }
        }
        check_companion(comments.name, comments.text, &tally)?;
    }
    for (e, flag) in entries.iter_mut().zip(&vessel_flags) {
        if let Some(code) = countries::to_iso2(flag) {
            e.add_country(code);
        }
        let facts = parse_remarks(&e.remarks);
        for id in facts.ids {
            if let Some(c) = &id.country {
                e.add_country(c);
            }
            e.add_id(id);
        }
        for c in &facts.countries {
            e.add_country(c);
        }
        for a in &facts.weak_aliases {
            e.add_alias(a, true);
        }
    }
    if let Some(alt) = &files.alt {
        let mut tally = Tally::default();
        let mut seen = Companion::default();
        for (line, r) in rows(alt, 4, &mut problems, &mut tally) {
            let num = cell(&r, 0);
            seen.row(num);
            let name = cell(&r, 3);
            match by_num.get(num) {
                Some(&i) if !name.is_empty() => entries[i].add_alias(name, false),
                Some(_) => {
                    tally.skip(line);
                    problems.push(problem(
                        alt.name,
                        line,
                        format!("alias row for entry `{num}` has no name"),
                    ))
                }
                None => {
                    tally.skip(line);
                    problems.push(problem(
                        alt.name,
                        line,
                        format!("alias row refers to unknown entry `{num}`"),
                    ))
                }
            }
        }
        check_companion(alt.name, alt.text, &tally)?;
        seen.check_sdn_whole(files.sdn.name, alt.name, &sdn_nums)?;
        seen.check_tail(alt.name, &sdn_nums)?;
    }
    if let Some(add) = &files.add {
        let mut tally = Tally::default();
        let mut seen = Companion::default();
        let mut with_address = vec![false; entries.len()];
        for (line, r) in rows(add, 5, &mut problems, &mut tally) {
            let num = cell(&r, 0);
            seen.row(num);
            let Some(&i) = by_num.get(num) else {
                tally.skip(line);
                problems.push(problem(
                    add.name,
                    line,
                    format!("address row refers to unknown entry `{num}`"),
                ));
                continue;
            };
            let parts: Vec<&str> = [cell(&r, 2), cell(&r, 3), cell(&r, 4)]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            with_address[i] = true;
            if let Some(code) = countries::to_iso2(cell(&r, 4)) {
                entries[i].add_country(code);
            }
            if !parts.is_empty() {
                entries[i].addresses.push(parts.join(", "));
            }
        }
        check_companion(add.name, add.text, &tally)?;
        seen.check_sdn_whole(files.sdn.name, add.name, &sdn_nums)?;
        let without = with_address.iter().filter(|has| !**has).count();
        if without >= CUT_MIN && without.saturating_mul(10) > entries.len() {
            return Err(ScreeningError::Unreadable {
                file: add.name.to_string(),
                message: format!(
                    "{without} of the {} entries of `{}` have no row in it, more than a tenth (ofac gives every entry an address row, if only its country): the file looks cut off, so their addresses and countries are missing; fetch the ofac set again",
                    entries.len(),
                    file_base(files.sdn.name)
                ),
            });
        }
    }
    // Only now, with aliases and identifiers from every file of the set, can an entry be
    // known to have no name that could match and nothing else to match by.
    let mut kept = Vec::with_capacity(entries.len());
    for (e, line) in entries.into_iter().zip(entry_lines) {
        match placeholder_names(&e, files.sdn.name, line) {
            Ok(warning) => {
                problems.extend(warning);
                kept.push(e);
            }
            Err(bad) => {
                // Left out, but read whole: not a sign of a file cut off.
                tally.skipped = tally.skipped.saturating_add(1);
                problems.push(bad);
            }
        }
    }
    let entries = kept;
    check_yield(files.sdn.name, files.sdn.text, entries.len(), &tally)?;
    problems.sort();
    Ok(ListFile {
        name: files.sdn.name.to_string(),
        format: ListFormat::OfacSdn,
        entries,
        problems,
    })
}
