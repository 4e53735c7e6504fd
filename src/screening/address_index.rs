//! The index of listed addresses: every street-level address of every entry, filed under its
//! country and each of its premise numbers, so a party's address is compared only with listed
//! addresses of its country that hold its house number.

use rustc_hash::FxHashMap;

use super::address::{compare, parse_listed, parse_party, AddressForm};
use super::model::Entry;

/// A listed address that matched a party's address.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressMatch {
    /// Index of the entry in [`super::Screener::entries`].
    pub entry_index: usize,
    /// The listed address as the list writes it.
    pub listed_address: String,
    /// Address score in `0..=1` ([`compare`]).
    pub score: f64,
    /// Party words and the listed words they met.
    pub pairs: Vec<(String, String)>,
    /// How many entries list this same address (after normalisation): more than one is a
    /// shared address (registered agent, business centre), which the reviewer should see.
    pub shared_by: usize,
}

/// Listed addresses, parsed once.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct AddressIndex {
    /// (entry, address index within the entry, parsed form).
    forms: Vec<(u32, u32, AddressForm)>,
    /// `country \u{1f} premise number` → indexes into `forms`.
    postings: FxHashMap<String, Vec<u32>>,
    /// Normalised address key → how many distinct entries give it.
    shared: FxHashMap<String, usize>,
}

fn key(form: &AddressForm) -> String {
    let mut words = form.words.clone();
    words.sort_unstable();
    let mut premises = form.premises.clone();
    premises.sort_unstable();
    format!(
        "{}|{}|{}",
        form.country.as_deref().unwrap_or(""),
        words.join(" "),
        premises.join(" ")
    )
}

impl AddressIndex {
    /// Parses and files every street-level address of `entries`; bare cities, countries and
    /// addresses without a premise number are left out (they would meet every party there).
    pub fn build(entries: &[Entry]) -> AddressIndex {
        let mut index = AddressIndex::default();
        let mut owners: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (ei, e) in entries.iter().enumerate() {
            for (ai, text) in e.addresses.iter().enumerate() {
                let form = parse_listed(text, &e.countries);
                if !form.street_level() {
                    continue;
                }
                let Some(country) = form.country.clone() else {
                    continue;
                };
                let fi = index.forms.len() as u32;
                for n in &form.premises {
                    index
                        .postings
                        .entry(format!("{country}\u{1f}{n}"))
                        .or_default()
                        .push(fi);
                }
                let owners_of = owners.entry(key(&form)).or_default();
                if !owners_of.contains(&(ei as u32)) {
                    owners_of.push(ei as u32);
                }
                index.forms.push((ei as u32, ai as u32, form));
            }
        }
        index.shared = owners.into_iter().map(|(k, v)| (k, v.len())).collect();
        index
    }

    /// Whether every form refers to an address of `entries` and every posting to a form (an
    /// index read back from a cache file, [`super::persist`]).
    pub(crate) fn consistent(&self, entries: &[Entry]) -> bool {
        self.forms.iter().all(|(ei, ai, _)| {
            entries
                .get(*ei as usize)
                .is_some_and(|e| (*ai as usize) < e.addresses.len())
        }) && self
            .postings
            .values()
            .flatten()
            .all(|&fi| (fi as usize) < self.forms.len())
    }

    /// How many listed addresses are indexed.
    pub fn len(&self) -> usize {
        self.forms.len()
    }

    /// Whether no address is indexed.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// The listed addresses a party's address matches at `min_score` or more, best first, then
    /// by entry and address order: one match per entry (its best address).
    pub fn screen(
        &self,
        entries: &[Entry],
        party: &AddressForm,
        min_score: f64,
    ) -> Vec<AddressMatch> {
        let Some(country) = party.country.as_deref() else {
            return Vec::new();
        };
        if !party.street_level() {
            return Vec::new();
        }
        // Every candidate must hold all the party's premise numbers, so the shortest posting
        // of any one of them holds all candidates.
        let Some(candidates) = party
            .premises
            .iter()
            .filter_map(|n| self.postings.get(&format!("{country}\u{1f}{n}")))
            .min_by_key(|p| p.len())
        else {
            return Vec::new();
        };
        if party
            .premises
            .iter()
            .any(|n| !self.postings.contains_key(&format!("{country}\u{1f}{n}")))
        {
            return Vec::new();
        }
        let mut best: FxHashMap<u32, AddressMatch> = FxHashMap::default();
        for &fi in candidates {
            let Some((ei, ai, form)) = self.forms.get(fi as usize) else {
                continue;
            };
            let scored = compare(party, form);
            if scored.score < min_score || scored.score <= 0.0 {
                continue;
            }
            let Some(text) = entries
                .get(*ei as usize)
                .and_then(|e| e.addresses.get(*ai as usize))
            else {
                continue;
            };
            let m = AddressMatch {
                entry_index: *ei as usize,
                listed_address: text.clone(),
                score: scored.score,
                pairs: scored.pairs,
                shared_by: self.shared.get(&key(form)).copied().unwrap_or(1),
            };
            // The first address of an entry wins ties: candidates are in entry and address order.
            match best.get(ei) {
                Some(old) if old.score >= m.score => {}
                _ => {
                    best.insert(*ei, m);
                }
            }
        }
        let mut out: Vec<AddressMatch> = best.into_values().collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.entry_index.cmp(&b.entry_index))
        });
        out
    }

    /// [`AddressIndex::screen`] for an order party's `address`, `city` and `country`.
    pub fn screen_party(
        &self,
        entries: &[Entry],
        address: &str,
        city: Option<&str>,
        country: Option<&str>,
        min_score: f64,
    ) -> Vec<AddressMatch> {
        self.screen(entries, &parse_party(address, city, country), min_score)
    }
}
