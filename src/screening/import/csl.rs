//! US Consolidated Screening List bulk CSV (trade.gov): one row per entry, a header row,
//! multi-valued cells joined with `; `, `start_date`/`end_date` as listing and end dates, and
//! identifiers as `Type, Number, Country` items.

use super::super::countries;
use super::super::model::{Entry, EntryKind, ListFile, ListFormat};
use super::super::ScreeningError;
use super::remarks::parse_id_item;
use super::{check_yield, parse_date, placeholder_names, problem, read_table, split_multi};

/// The columns of the CSL that screening reads, besides `name` and the id (`_id`, else
/// `entity_number`); a file without one of them is refused.
pub const READ_COLUMNS: &[&str] = &[
    "source",
    "type",
    "programs",
    "addresses",
    "start_date",
    "end_date",
    "remarks",
    "alt_names",
    "citizenships",
    "nationalities",
    "ids",
];

fn missing_column(file_name: &str, column: &str) -> ScreeningError {
    ScreeningError::Unreadable {
        file: file_name.to_string(),
        message: format!(
            "the header has no {column} column, which screening reads: without it every entry would lose what that column holds, and a party found only by it would be clear; use the csl as trade.gov publishes it, with every column"
        ),
    }
}

/// Imports a CSL CSV file.
pub fn import_csl(file_name: &str, text: &str) -> Result<ListFile, ScreeningError> {
    let mut problems = Vec::new();
    let table = read_table(file_name, text, b',', "csv", true, &mut problems)?;
    let mut tally = table.tally;
    let headers = &table.headers;
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let Some(name_col) = col("name") else {
        return Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the header has no `name` column, so this is not a csl file".to_string(),
        });
    };
    // Every column read below: a CSL saved without one (a column dropped in a spreadsheet)
    // would load silently and lose its identifiers, addresses, aliases, countries or dates,
    // clearing the parties found only by them. trade.gov's file has them all.
    if col("_id").is_none() && col("entity_number").is_none() {
        return Err(missing_column(file_name, "`_id` or `entity_number`"));
    }
    for column in READ_COLUMNS {
        if col(column).is_none() {
            return Err(missing_column(file_name, &format!("`{column}`")));
        }
    }
    let get = |r: &csv::StringRecord, c: Option<usize>| -> String {
        c.and_then(|i| r.get(i)).unwrap_or("").trim().to_string()
    };
    let (id_col, num_col, source_col, type_col) =
        (col("_id"), col("entity_number"), col("source"), col("type"));
    let (programs_col, addresses_col, start_col, end_col) = (
        col("programs"),
        col("addresses"),
        col("start_date"),
        col("end_date"),
    );
    let (remarks_col, alt_col, ids_col) = (col("remarks"), col("alt_names"), col("ids"));
    let (cit_col, nat_col) = (col("citizenships"), col("nationalities"));
    let mut entries = Vec::new();
    for (line, r) in &table.rows {
        let line = *line;
        let full_name = get(r, Some(name_col));
        let mut names = split_multi(&full_name, "; ").filter(|n| !n.starts_with("and any "));
        let Some(primary) = names.next() else {
            tally.skip(line);
            problems.push(problem(file_name, line, "row has no name".to_string()));
            continue;
        };
        let entry_id = [get(r, id_col), get(r, num_col)]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| format!("line-{line}"));
        let kind = match get(r, type_col).to_ascii_lowercase().as_str() {
            "individual" => EntryKind::Person,
            "entity" => EntryKind::Entity,
            "vessel" => EntryKind::Vessel,
            "aircraft" => EntryKind::Aircraft,
            _ => EntryKind::Unknown,
        };
        let mut e = Entry::new("CSL", &get(r, source_col), &entry_id, kind, primary);
        for n in names {
            e.add_alias(n, false);
        }
        for a in split_multi(&get(r, alt_col), "; ") {
            let a = a.strip_prefix("and ").unwrap_or(a);
            e.add_alias(a, false);
        }
        e.programs = split_multi(&get(r, programs_col), "; ")
            .map(str::to_string)
            .collect();
        for a in split_multi(&get(r, addresses_col), "; ") {
            let last = a.rsplit(',').next().unwrap_or("").trim();
            if last.len() == 2 {
                if let Some(code) = countries::to_iso2(last) {
                    e.add_country(code);
                }
            }
            e.addresses.push(a.to_string());
        }
        for c in split_multi(&get(r, cit_col), "; ").chain(split_multi(&get(r, nat_col), "; ")) {
            if let Some(code) = countries::to_iso2(c) {
                e.add_country(code);
            }
        }
        let fallback = e.countries.first().cloned();
        for item in split_multi(&get(r, ids_col), "; ") {
            if let Some(id) = parse_id_item(item, true, fallback.as_deref()) {
                e.add_id(id);
            }
        }
        for (col_name, c, slot) in [("start_date", start_col, 0), ("end_date", end_col, 1)] {
            let v = get(r, c);
            if v.is_empty() {
                continue;
            }
            match parse_date(&v) {
                Some(d) if slot == 0 => e.listed_on = Some(d),
                Some(d) => e.ends_on = Some(d),
                None => problems.push(problem(
                    file_name,
                    line,
                    format!("{col_name} `{v}` is not a yyyy-mm-dd date, so it is ignored"),
                )),
            }
        }
        e.remarks = get(r, remarks_col);
        match placeholder_names(&e, file_name, line) {
            Ok(warning) => problems.extend(warning),
            Err(bad) => {
                tally.skip(line);
                problems.push(bad);
                continue;
            }
        }
        entries.push(e);
    }
    check_yield(file_name, text, entries.len(), &tally)?;
    Ok(ListFile {
        name: file_name.to_string(),
        format: ListFormat::Csl,
        entries,
        problems,
    })
}
