//! redflag's own watch-list format, as CSV (`id,name,aliases,country,ids,listed_on,ends_on,
//! program,notes`, optional `kind`) or as TOML (`[[entry]]` tables with the same keys). Both
//! are described in docs/screening.md. The list name is the file name without extension.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::super::countries;
use super::super::ids::{canonical_scheme, refine_scheme};
use super::super::model::{Entry, EntryKind, ListFile, ListFormat, PartyId, RowProblem};
use super::super::ScreeningError;
use super::{
    check_yield, file_stem, parse_date, placeholder_names, problem, read_table, split_multi, Tally,
};

const SOURCE: &str = "redflag watch list";

/// One watch-list record before validation, shared by the CSV and TOML readers.
#[derive(Debug, Default)]
struct Raw {
    id: String,
    name: String,
    kind: String,
    aliases: Vec<String>,
    countries: Vec<String>,
    ids: Vec<String>,
    listed_on: String,
    ends_on: String,
    programs: Vec<String>,
    notes: String,
}

fn parse_kind(kind: &str) -> Option<EntryKind> {
    Some(match kind.trim().to_ascii_lowercase().as_str() {
        "" | "unknown" => EntryKind::Unknown,
        "person" | "individual" => EntryKind::Person,
        "entity" | "company" | "organization" | "organisation" => EntryKind::Entity,
        "vessel" => EntryKind::Vessel,
        "aircraft" => EntryKind::Aircraft,
        _ => return None,
    })
}

fn date(
    field: &str,
    value: &str,
    file: &str,
    line: u64,
    problems: &mut Vec<RowProblem>,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        return None;
    }
    let d = parse_date(value);
    if d.is_none() {
        problems.push(problem(
            file,
            line,
            format!("{field} `{value}` is not a yyyy-mm-dd date, so it is ignored"),
        ));
    }
    d
}

/// Turns a raw record into an entry, reporting bad fields; `None` if the record is unusable.
fn build(
    raw: Raw,
    list: &str,
    file: &str,
    line: u64,
    seen: &mut HashSet<String>,
    problems: &mut Vec<RowProblem>,
) -> Option<Entry> {
    let id = raw.id.trim();
    let name = raw.name.trim();
    if id.is_empty() {
        problems.push(problem(file, line, "entry has no `id`".to_string()));
        return None;
    }
    if name.is_empty() {
        problems.push(problem(file, line, format!("entry `{id}` has no name")));
        return None;
    }
    if !seen.insert(id.to_string()) {
        problems.push(problem(
            file,
            line,
            format!("entry id `{id}` appears again, so this entry is skipped"),
        ));
        return None;
    }
    let kind = parse_kind(&raw.kind).unwrap_or_else(|| {
        problems.push(problem(
            file,
            line,
            format!(
                "kind `{}` is not person, entity, vessel or aircraft, so it is ignored",
                raw.kind
            ),
        ));
        EntryKind::Unknown
    });
    let mut e = Entry::new(list, SOURCE, id, kind, name);
    for a in &raw.aliases {
        e.add_alias(a, false);
    }
    for c in &raw.countries {
        match countries::to_iso2(c) {
            Some(code) => e.add_country(code),
            None => problems.push(problem(
                file,
                line,
                format!("country `{c}` is not a known country name or code"),
            )),
        }
    }
    let country = e.countries.first().cloned();
    for item in &raw.ids {
        match item.split_once(':') {
            Some((scheme, value)) if !scheme.trim().is_empty() && !value.trim().is_empty() => {
                let scheme = refine_scheme(&canonical_scheme(scheme), value, country.as_deref());
                e.add_id(PartyId {
                    scheme,
                    value: value.trim().to_string(),
                    country: country.clone(),
                });
            }
            _ => problems.push(problem(
                file,
                line,
                format!("identifier `{item}` is not written as `SCHEME:VALUE`"),
            )),
        }
    }
    e.listed_on = date("listed_on", &raw.listed_on, file, line, problems);
    e.ends_on = date("ends_on", &raw.ends_on, file, line, problems);
    // An end before the listing is a typo in one of the two dates; which one cannot be told,
    // and taking the end would leave the party never in force, so the entry stays in force.
    if let (Some(listed), Some(ends)) = (e.listed_on, e.ends_on) {
        if ends < listed {
            problems.push(problem(
                file,
                line,
                format!(
                    "ends_on `{ends}` is before listed_on `{listed}`, so it is ignored and the entry stays in force"
                ),
            ));
            e.ends_on = None;
        }
    }
    e.programs = raw.programs;
    e.remarks = raw.notes;
    match placeholder_names(&e, file, line) {
        Ok(warning) => problems.extend(warning),
        Err(bad) => {
            problems.push(bad);
            return None;
        }
    }
    Some(e)
}

/// Imports a watch list in CSV form.
pub fn import_watchlist_csv(file_name: &str, text: &str) -> Result<ListFile, ScreeningError> {
    let mut problems = Vec::new();
    let table = read_table(file_name, text, b',', "csv", true, &mut problems)?;
    let mut tally = table.tally;
    let headers = &table.headers;
    let col = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    if col("id").is_none() || col("name").is_none() {
        return Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "the header lacks `id` or `name`, so this is not a watch list".to_string(),
        });
    }
    let list = file_stem(file_name);
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    // Column positions once, not per cell.
    let columns: std::collections::HashMap<&str, usize> = [
        "id",
        "name",
        "kind",
        "aliases",
        "country",
        "ids",
        "listed_on",
        "ends_on",
        "program",
        "notes",
    ]
    .into_iter()
    .filter_map(|name| col(name).map(|i| (name, i)))
    .collect();
    for (line, r) in &table.rows {
        let line = *line;
        let get = |name: &str| -> String {
            columns
                .get(name)
                .copied()
                .and_then(|i| r.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let multi = |name: &str| -> Vec<String> {
            split_multi(&get(name), ";").map(str::to_string).collect()
        };
        let raw = Raw {
            id: get("id"),
            name: get("name"),
            kind: get("kind"),
            aliases: multi("aliases"),
            countries: multi("country"),
            ids: multi("ids"),
            listed_on: get("listed_on"),
            ends_on: get("ends_on"),
            programs: multi("program"),
            notes: get("notes"),
        };
        match build(raw, &list, file_name, line, &mut seen, &mut problems) {
            Some(e) => entries.push(e),
            None => tally.skip(line),
        }
    }
    check_yield(file_name, text, entries.len(), &tally)?;
    Ok(ListFile {
        name: file_name.to_string(),
        format: ListFormat::WatchlistCsv,
        entries,
        problems,
    })
}

/// A TOML value as a list of strings: an array of strings, or one string split on `;`.
fn toml_strings(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect(),
        Some(toml::Value::String(s)) => split_multi(s, ";").map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn toml_string(v: Option<&toml::Value>) -> String {
    match v {
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Datetime(d)) => d.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Imports a watch list in TOML form (`[[entry]]` tables).
pub fn import_watchlist_toml(file_name: &str, text: &str) -> Result<ListFile, ScreeningError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].lines().count().max(1)
        });
        ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: format!("the file is not valid toml (near line {line})"),
        }
    })?;
    // Lines of the `[[entry]]` headers, to locate problems in the n-th entry.
    let header_lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim().starts_with("[[entry]]"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let list = file_stem(file_name);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut tally = Tally::default();
    let items: &[toml::Value] = match table.get("entry") {
        Some(toml::Value::Array(a)) => a,
        Some(_) => {
            return Err(ScreeningError::Unreadable {
                file: file_name.to_string(),
                message: "`entry` must be an array of tables written as `[[entry]]`".to_string(),
            })
        }
        None => &[],
    };
    for (n, item) in items.iter().enumerate() {
        let line = header_lines.get(n).copied().unwrap_or(0);
        tally.row(line);
        let Some(t) = item.as_table() else {
            tally.skip(line);
            problems.push(problem(file_name, line, "entry is not a table".to_string()));
            continue;
        };
        let raw = Raw {
            id: toml_string(t.get("id")),
            name: toml_string(t.get("name")),
            kind: toml_string(t.get("kind")),
            aliases: toml_strings(t.get("aliases")),
            countries: toml_strings(t.get("country")),
            ids: toml_strings(t.get("ids")),
            listed_on: toml_string(t.get("listed_on")),
            ends_on: toml_string(t.get("ends_on")),
            programs: toml_strings(t.get("program")),
            notes: toml_string(t.get("notes")),
        };
        match build(raw, &list, file_name, line, &mut seen, &mut problems) {
            Some(e) => entries.push(e),
            None => tally.skip(line),
        }
    }
    // A TOML file that parsed is not cut off, whatever its last entry.
    tally.last_bad = false;
    check_yield(file_name, text, entries.len(), &tally)?;
    Ok(ListFile {
        name: file_name.to_string(),
        format: ListFormat::WatchlistToml,
        entries,
        problems,
    })
}
