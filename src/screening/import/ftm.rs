//! OpenSanctions FollowTheMoney JSON lines: one entity per line. Person, Company,
//! Organization, LegalEntity (and PublicBody, Vessel, Airplane) become entries; Sanction
//! entities give listing dates, end dates and programmes to the entity they point to
//! (`entity` property). `Address` entities give addresses to the parties that point to them
//! (`addressEntity`); `Ownership` entities make unlisted entities owned 50 % or more by listed
//! parties count as listed (`ftm_links`). Other schemata are passed over.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::Value;

use super::super::countries;
use super::super::ids::{canonical_scheme, refine_scheme};
use super::super::model::{Entry, EntryKind, ListFile, ListFormat, PartyId};
use super::super::ScreeningError;
use super::ftm_links::Links;
use super::{check_yield, file_stem, parse_date, placeholder_names, problem, Tally};

/// FtM identifier properties and the scheme each stands for.
const ID_PROPS: &[(&str, &str)] = &[
    ("innCode", "RU-INN"),
    ("ogrnCode", "RU-OGRN"),
    ("leiCode", "LEI"),
    ("imoNumber", "IMO"),
    ("mmsi", "MMSI"),
    ("swiftBic", "SWIFT-BIC"),
    ("vatCode", "VAT"),
    ("dunsCode", "DUNS"),
    ("taxNumber", "TAX-ID"),
    ("registrationNumber", "REGISTRATION"),
    ("idNumber", "ID"),
    ("passportNumber", "PASSPORT"),
];

const COUNTRY_PROPS: &[&str] = &[
    "country",
    "jurisdiction",
    "nationality",
    "citizenship",
    "flag",
    "mainCountry",
];

/// The values of a property, trimmed; blank values carry nothing and are left out (a name
/// `[""]` is no name, not an empty one).
pub(super) fn strings<'a>(props: &'a Value, key: &str) -> Vec<&'a str> {
    let values: Vec<&str> = match props.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    values
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Debug, Default)]
struct SanctionInfo {
    starts: Vec<NaiveDate>,
    ends: Vec<Option<NaiveDate>>,
    programs: Vec<String>,
}

/// Imports an FtM JSON-lines file.
pub fn import_ftm(file_name: &str, text: &str) -> Result<ListFile, ScreeningError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // Entities left out because no name of theirs could ever match.
    let mut unmatchable: HashSet<String> = HashSet::new();
    let mut sanctions: Vec<(u64, String, String, SanctionInfo)> = Vec::new();
    let mut problems = Vec::new();
    let stem = file_stem(file_name);
    let mut parsed_any = false;
    let mut tally = Tally::default();
    let mut links = Links::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let raw = raw.trim().trim_start_matches('\u{feff}');
        if raw.is_empty() {
            continue;
        }
        tally.row(line);
        let v: Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(_) => {
                tally.skip(line);
                problems.push(problem(
                    file_name,
                    line,
                    "line is not a json object".to_string(),
                ));
                continue;
            }
        };
        parsed_any = true;
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let schema = v.get("schema").and_then(Value::as_str).unwrap_or("");
        let props = v.get("properties").cloned().unwrap_or(Value::Null);
        if id.is_empty() || schema.is_empty() {
            tally.skip(line);
            problems.push(problem(
                file_name,
                line,
                "entity has no `id` or no `schema`".to_string(),
            ));
            continue;
        }
        if schema == "Sanction" {
            let mut info = SanctionInfo::default();
            for key in ["listingDate", "startDate"] {
                for d in strings(&props, key) {
                    match parse_date(d) {
                        Some(date) => info.starts.push(date),
                        None => problems.push(problem(
                            file_name,
                            line,
                            format!("{key} `{d}` is not a date, so it is ignored"),
                        )),
                    }
                }
            }
            let ends = strings(&props, "endDate");
            info.ends
                .push(ends.iter().filter_map(|d| parse_date(d)).max());
            info.programs = strings(&props, "program")
                .iter()
                .map(|s| s.to_string())
                .collect();
            let targets = strings(&props, "entity");
            if targets.is_empty() {
                tally.skip(line);
                problems.push(problem(
                    file_name,
                    line,
                    format!("sanction `{id}` names no `entity`"),
                ));
            }
            for t in targets {
                sanctions.push((
                    line,
                    id.clone(),
                    t.to_string(),
                    SanctionInfo {
                        starts: info.starts.clone(),
                        ends: info.ends.clone(),
                        programs: info.programs.clone(),
                    },
                ));
            }
            continue;
        }
        if schema == "Address" {
            links.address(&id, &props);
            continue;
        }
        if schema == "Ownership" {
            if let Err(bad) = links.ownership(file_name, line, &id, &props, &mut problems) {
                tally.skip(line);
                problems.push(bad);
            }
            continue;
        }
        let kind = match schema {
            "Person" => EntryKind::Person,
            "Company" | "Organization" | "LegalEntity" | "PublicBody" => EntryKind::Entity,
            "Vessel" => EntryKind::Vessel,
            "Airplane" => EntryKind::Aircraft,
            _ => continue,
        };
        let names = strings(&props, "name");
        let Some(primary) = names.first() else {
            tally.skip(line);
            problems.push(problem(
                file_name,
                line,
                format!("entity `{id}` has no `name`"),
            ));
            continue;
        };
        let datasets: Vec<&str> = match v.get("datasets") {
            Some(Value::Array(d)) => d.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let list = datasets.first().map_or(stem.clone(), |d| d.to_string());
        let source = if datasets.is_empty() {
            file_name.to_string()
        } else {
            datasets.join(", ")
        };
        let mut e = Entry::new(&list, &source, &id, kind, primary);
        for n in names.iter().skip(1) {
            e.add_alias(n, false);
        }
        for key in ["alias", "previousName"] {
            for n in strings(&props, key) {
                e.add_alias(n, false);
            }
        }
        for n in strings(&props, "weakAlias") {
            e.add_alias(n, true);
        }
        for key in COUNTRY_PROPS {
            for c in strings(&props, key) {
                if let Some(code) = countries::to_iso2(c) {
                    e.add_country(code);
                }
            }
        }
        let country = e.countries.first().cloned();
        for (key, scheme) in ID_PROPS {
            for value in strings(&props, key) {
                let scheme = refine_scheme(&canonical_scheme(scheme), value, country.as_deref());
                e.add_id(PartyId {
                    scheme,
                    value: value.to_string(),
                    country: country.clone(),
                });
            }
        }
        e.addresses = strings(&props, "address")
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut remarks: Vec<String> = strings(&props, "notes")
            .iter()
            .map(|s| s.to_string())
            .collect();
        let topics = strings(&props, "topics");
        if !topics.is_empty() {
            remarks.push(format!("topics: {}", topics.join(", ")));
        }
        e.remarks = remarks.join("; ");
        match placeholder_names(&e, file_name, line) {
            Ok(warning) => problems.extend(warning),
            Err(bad) => {
                tally.skip(line);
                problems.push(bad);
                unmatchable.insert(id);
                continue;
            }
        }
        if by_id.contains_key(&id) || links.related.contains_key(&id) {
            tally.skip(line);
            problems.push(problem(
                file_name,
                line,
                format!("entity `{id}` appears again, so this line is skipped"),
            ));
            continue;
        }
        links.refer(&id, line, &props);
        // OpenSanctions exports the owners, subsidiaries and associates of listed parties as
        // context, marked `"target": false`: not listed, screened only if owned (below).
        if v.get("target").and_then(Value::as_bool) == Some(false) {
            links.related.insert(id, (line, e));
            continue;
        }
        by_id.insert(id, entries.len());
        entries.push(e);
    }
    // A sanction on an entity marked as context makes it listed after all.
    for (_, _, target, _) in &sanctions {
        if let Some((_, e)) = links.related.remove(target) {
            by_id.insert(target.clone(), entries.len());
            entries.push(e);
        }
    }
    if !parsed_any && !text.trim().is_empty() {
        return Err(ScreeningError::Unreadable {
            file: file_name.to_string(),
            message: "no line is a json object, so this is not an ftm file".to_string(),
        });
    }
    let mut collected: HashMap<usize, SanctionInfo> = HashMap::new();
    for (line, sid, target, info) in sanctions {
        let Some(&i) = by_id.get(&target) else {
            if unmatchable.contains(&target) {
                // The entity's own line says why it was left out.
                continue;
            }
            // Valid JSON, so not a cut line: counted as left out, not as the last row bad.
            tally.skipped += 1;
            problems.push(problem(
                file_name,
                line,
                format!("sanction `{sid}` points to entity `{target}`, which is not in the file"),
            ));
            continue;
        };
        let c = collected.entry(i).or_default();
        c.starts.extend(info.starts);
        c.ends.extend(info.ends);
        c.programs.extend(info.programs);
    }
    for (i, info) in collected {
        let e = &mut entries[i];
        e.listed_on = info.starts.iter().min().copied();
        // The listing ends only when every sanction on the entity has ended.
        e.ends_on = if info.ends.iter().all(Option::is_some) {
            info.ends.iter().flatten().max().copied()
        } else {
            None
        };
        for p in info.programs {
            if !e.programs.contains(&p) {
                e.programs.push(p);
            }
        }
    }
    let owned = links.finish(file_name, &mut entries, &mut problems);
    entries.extend(owned);
    check_yield(file_name, text, entries.len(), &tally)?;
    problems.sort();
    Ok(ListFile {
        name: file_name.to_string(),
        format: ListFormat::Ftm,
        entries,
        problems,
    })
}
