//! BIS Denied Persons List, tab-separated with a header. The file has one row per address, so
//! rows with the same name, effective date and Federal Register citation are one entry; the
//! entry id is a short hash of those three, stable across downloads. `Effective_Date` and
//! `Expiration_Date` (MM/DD/YYYY) become the listing and end dates.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::super::countries;
use super::super::model::{Entry, EntryKind, ListFile, ListFormat};
use super::super::ScreeningError;
use super::{check_yield, parse_us_date, placeholder_names, problem, read_table};

const SOURCE: &str = "Denied Persons List (DPL) - Bureau of Industry and Security";

/// Imports a DPL tab-separated file.
pub fn import_dpl(file_name: &str, text: &str) -> Result<ListFile, ScreeningError> {
    let mut problems = Vec::new();
    let table = read_table(
        file_name,
        text,
        b'\t',
        "tab-separated text",
        false,
        &mut problems,
    )?;
    let mut tally = table.tally;
    let headers = &table.headers;
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(name_col), Some(eff_col)) = (col("Name"), col("Effective_Date")) else {
        return Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the header lacks `Name` or `Effective_Date`, so this is not a dpl file"
                .to_string(),
        });
    };
    let cols = [
        col("Street_Address"),
        col("City"),
        col("State"),
        col("Postal_Code"),
    ];
    let (country_col, exp_col, fr_col) =
        (col("Country"), col("Expiration_Date"), col("FR_Citation"));
    let get = |r: &csv::StringRecord, c: Option<usize>| -> String {
        c.and_then(|i| r.get(i)).unwrap_or("").trim().to_string()
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // Addresses already on each entry: a name with many rows stays linear.
    let mut addresses: HashSet<(usize, String)> = HashSet::new();
    for (line, r) in &table.rows {
        let line = *line;
        let name = get(r, Some(name_col));
        if name.is_empty() {
            tally.skip(line);
            problems.push(problem(file_name, line, "row has no name".to_string()));
            continue;
        }
        let effective = get(r, Some(eff_col));
        let listed_on = if effective.is_empty() {
            None
        } else {
            let d = parse_us_date(&effective);
            if d.is_none() {
                problems.push(problem(
                    file_name,
                    line,
                    format!(
                        "effective date `{effective}` is not a mm/dd/yyyy date, so it is ignored"
                    ),
                ));
            }
            d
        };
        let expiration = get(r, exp_col);
        let ends_on = if expiration.is_empty() {
            None
        } else {
            let d = parse_us_date(&expiration);
            if d.is_none() {
                problems.push(problem(
                    file_name,
                    line,
                    format!(
                        "expiration date `{expiration}` is not a mm/dd/yyyy date, so it is ignored"
                    ),
                ));
            }
            d
        };
        let fr = get(r, fr_col);
        let key = format!("{}|{}|{}", name.to_uppercase(), effective, fr);
        let idx = match by_key.get(&key) {
            Some(&i) => i,
            None => {
                let digest = Sha256::digest(key.as_bytes());
                let id = hex::encode(&digest[..6]);
                let mut e = Entry::new(
                    "DPL",
                    SOURCE,
                    &format!("DPL-{id}"),
                    EntryKind::Unknown,
                    &name,
                );
                e.listed_on = listed_on;
                e.ends_on = ends_on;
                e.remarks = fr.clone();
                // A DPL row has no identifier, so a name without a letter or digit is a bad
                // row (reported on each row that names it).
                if let Err(bad) = placeholder_names(&e, file_name, line) {
                    tally.skip(line);
                    problems.push(bad);
                    continue;
                }
                by_key.insert(key, entries.len());
                entries.push(e);
                entries.len() - 1
            }
        };
        let e = &mut entries[idx];
        let country = get(r, country_col);
        if let Some(code) = countries::to_iso2(&country) {
            e.add_country(code);
        }
        let mut parts: Vec<String> = cols
            .iter()
            .map(|c| get(r, *c))
            .filter(|p| !p.is_empty())
            .collect();
        if !country.is_empty() {
            parts.push(country);
        }
        if !parts.is_empty() {
            let address = parts.join(", ");
            if addresses.insert((idx, address.clone())) {
                e.addresses.push(address);
            }
        }
    }
    check_yield(file_name, text, entries.len(), &tally)?;
    Ok(ListFile {
        name: file_name.to_string(),
        format: ListFormat::Dpl,
        entries,
        problems,
    })
}
