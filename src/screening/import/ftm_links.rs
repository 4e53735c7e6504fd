//! What FtM entities say about each other beyond sanctions: `Address` entities that parties
//! point to with `addressEntity`, and `Ownership` entities (owner, asset, percentage) from
//! which OFAC's 50 % rule is derived ([`crate::screening::ownership`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::super::countries;
use super::super::model::{Entry, RowProblem};
use super::super::ownership::{derive, parse_percent, Holding, OwnerLink};
use super::{ownership_note, problem};

/// Addresses, holdings and related (unlisted) entities met while reading an FtM file.
#[derive(Debug, Default)]
pub(super) struct Links {
    /// Address entity id → one address line.
    addresses: HashMap<String, String>,
    /// Entity id → (line, address entity ids it points to).
    refs: Vec<(String, u64, Vec<String>)>,
    holdings: Vec<(u64, String, Holding)>,
    /// Entities marked `"target": false`: in the file as context (owners, subsidiaries,
    /// associates), not listed. They are screened only if ownership makes them listed.
    pub(super) related: BTreeMap<String, (u64, Entry)>,
}

fn first<'a>(props: &'a Value, key: &str) -> Option<&'a str> {
    super::ftm::strings(props, key).into_iter().next()
}

impl Links {
    /// An `Address` entity: its `full` line, else its parts joined from street to country.
    pub(super) fn address(&mut self, id: &str, props: &Value) {
        let text = match first(props, "full") {
            Some(full) => {
                // `full` may leave the country out; the parser needs it last.
                let country = first(props, "country").and_then(countries::to_iso2);
                match country {
                    Some(code)
                        if countries::to_iso2(full.rsplit(',').next().unwrap_or(""))
                            != Some(code) =>
                    {
                        format!("{full}, {code}")
                    }
                    _ => full.to_string(),
                }
            }
            None => {
                let mut parts: Vec<String> = Vec::new();
                for key in ["street", "street2", "remarks", "postOfficeBox"] {
                    parts.extend(
                        super::ftm::strings(props, key)
                            .iter()
                            .map(|s| s.to_string()),
                    );
                }
                let city: Vec<&str> = ["postalCode", "city"]
                    .iter()
                    .filter_map(|k| first(props, k))
                    .collect();
                if !city.is_empty() {
                    parts.push(city.join(" "));
                }
                parts.extend(first(props, "region").map(str::to_string));
                parts.extend(
                    first(props, "country")
                        .and_then(countries::to_iso2)
                        .map(str::to_string),
                );
                parts.join(", ")
            }
        };
        if !text.is_empty() {
            self.addresses.insert(id.to_string(), text);
        }
    }

    /// A party's `addressEntity` references, resolved once every line is read.
    pub(super) fn refer(&mut self, id: &str, line: u64, props: &Value) {
        let refs: Vec<String> = super::ftm::strings(props, "addressEntity")
            .iter()
            .map(|s| s.to_string())
            .collect();
        if !refs.is_empty() {
            self.refs.push((id.to_string(), line, refs));
        }
    }

    /// An `Ownership` entity. `Err` when it names no owner or no asset (the line is left
    /// out); a percentage that is not a number is a warning, and the holding counts as one of
    /// unknown size.
    pub(super) fn ownership(
        &mut self,
        file: &str,
        line: u64,
        id: &str,
        props: &Value,
        problems: &mut Vec<RowProblem>,
    ) -> Result<(), RowProblem> {
        let owners = super::ftm::strings(props, "owner");
        let assets = super::ftm::strings(props, "asset");
        if owners.is_empty() || assets.is_empty() {
            return Err(problem(
                file,
                line,
                format!("ownership `{id}` names no `owner` or no `asset`"),
            ));
        }
        let mut share = None;
        for p in super::ftm::strings(props, "percentage") {
            match parse_percent(p) {
                Ok(s) => share = Some(share.map_or(s, |old: u64| old.max(s))),
                Err(msg) => problems.push(ownership_note(
                    file,
                    line,
                    format!(
                        "ownership `{id}`: {msg}, so the holding counts as one of unknown size"
                    ),
                )),
            }
        }
        for owner in &owners {
            for asset in &assets {
                self.holdings.push((
                    line,
                    id.to_string(),
                    Holding {
                        owner: owner.to_string(),
                        asset: asset.to_string(),
                        share,
                    },
                ));
            }
        }
        Ok(())
    }

    /// Resolves addresses, applies the 50 % rule and returns the related entities that count
    /// as listed by ownership, with `owned_by` set. `entries` are the listed entities (with
    /// their sanctions applied, so listing dates are known).
    pub(super) fn finish(
        mut self,
        file: &str,
        entries: &mut [Entry],
        problems: &mut Vec<RowProblem>,
    ) -> Vec<Entry> {
        let index: HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entry_id.clone(), i))
            .collect();
        for (id, line, refs) in std::mem::take(&mut self.refs) {
            for r in refs {
                let Some(text) = self.addresses.get(&r) else {
                    problems.push(problem(
                        file,
                        line,
                        format!("entity `{id}` points to address `{r}`, which is not in the file"),
                    ));
                    continue;
                };
                let entry = match index.get(&id) {
                    Some(&i) => entries.get_mut(i),
                    None => self.related.get_mut(&id).map(|(_, e)| e),
                };
                if let Some(e) = entry {
                    if !e.addresses.contains(text) {
                        e.addresses.push(text.clone());
                    }
                    if let Some(code) = text.rsplit(',').next().and_then(countries::to_iso2) {
                        e.add_country(code);
                    }
                }
            }
        }
        let known = |id: &str| index.contains_key(id) || self.related.contains_key(id);
        for (line, oid, h) in &self.holdings {
            for (role, who) in [("owner", &h.owner), ("asset", &h.asset)] {
                if !known(who) {
                    problems.push(ownership_note(
                        file,
                        *line,
                        format!("ownership `{oid}` names {role} `{who}`, which is not in the file"),
                    ));
                }
            }
        }
        let listed: BTreeSet<&str> = entries.iter().map(|e| e.entry_id.as_str()).collect();
        let mut names: BTreeMap<&str, &str> = entries
            .iter()
            .map(|e| (e.entry_id.as_str(), e.primary_name.as_str()))
            .collect();
        for (id, (_, e)) in &self.related {
            names.insert(id.as_str(), e.primary_name.as_str());
        }
        let holdings: Vec<Holding> = self.holdings.iter().map(|(_, _, h)| h.clone()).collect();
        let (owned, notes) = derive(&listed, &names, &holdings);
        let dates: HashMap<&str, Option<chrono::NaiveDate>> = entries
            .iter()
            .map(|e| (e.entry_id.as_str(), e.listed_on))
            .collect();
        let mut out = Vec::new();
        for (id, owned_by) in owned {
            let Some((line, mut e)) = self.related.remove(&id) else {
                let line = self
                    .holdings
                    .iter()
                    .find(|(_, _, h)| h.asset == id)
                    .map_or(1, |(line, _, _)| *line);
                problems.push(ownership_note(
                    file,
                    line,
                    format!(
                        "entity `{id}` is owned 50 % or more by listed parties but is not in the file with a name, so it cannot be screened"
                    ),
                ));
                continue;
            };
            if let Some(note) = notes
                .iter()
                .find(|n| n.starts_with(&format!("entity `{id}` ")))
            {
                problems.push(ownership_note(file, line, note.clone()));
            }
            e.listed_on = owners_listed_on(&owned_by.links, &dates);
            e.owned_by = Some(owned_by);
            out.push(e);
        }
        out
    }
}

/// The date from which the owners counted were all listed: the latest listing date among the
/// listed owners of the chain, or `None` (counted as listed at shipment) if any has none.
fn owners_listed_on(
    links: &[OwnerLink],
    dates: &HashMap<&str, Option<chrono::NaiveDate>>,
) -> Option<chrono::NaiveDate> {
    let mut latest = None;
    for l in links.iter().filter(|l| l.owner_listed) {
        let d = dates.get(l.owner_id.as_str()).copied().flatten()?;
        latest = latest.max(Some(d));
    }
    latest
}
