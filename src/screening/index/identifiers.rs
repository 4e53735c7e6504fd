//! Matches by identifier: each number a party gives, read as written and as the numbers
//! written in it (`ids::readings`), and the numbers written in its name, aliases and address
//! (`ids::in_text`), against the listed identifiers.

use super::*;

/// Where a query identifier was found.
#[derive(Clone, Copy)]
enum Found<'q> {
    /// Under `ids`, with the scheme the party named.
    Declared(&'q str),
    /// Written in the party's name or one of its aliases.
    InName,
    /// Written in the party's address.
    InAddress,
}

impl Screener {
    pub(super) fn id_matches(&self, query: &Query) -> Vec<Match> {
        let mut out = Vec::new();
        for (scheme, value) in &query.ids {
            let qs = ids::canonical_scheme(scheme);
            for reading in ids::readings(&qs, value) {
                self.match_id(query, Found::Declared(&qs), &reading, &mut out);
            }
        }
        let names = std::iter::once(&query.name).chain(&query.aliases);
        for number in names.flat_map(|name| ids::in_text(name)) {
            self.match_id(query, Found::InName, &number, &mut out);
        }
        for number in query.address.iter().flat_map(|a| ids::in_text(a)) {
            self.match_id(query, Found::InAddress, &number, &mut out);
        }
        out
    }

    fn match_id(&self, query: &Query, found: Found<'_>, value: &str, out: &mut Vec<Match>) {
        let Some(hits) = self.id_map.get(value) else {
            return;
        };
        // A number found in free text has no scheme of its own: it is any identifier.
        let (scheme, label, step) = match found {
            Found::Declared(scheme) => (scheme, scheme, StepKind::Identifier),
            Found::InName => ("ID", "written in name", StepKind::IdentifierInText),
            Found::InAddress => ("ID", "written in address", StepKind::IdentifierInText),
        };
        let query_country = query.country.as_deref().and_then(countries::to_iso2);
        for &(ei, ii) in hits {
            let entry = &self.entries[ei as usize];
            let Some(id) = entry.ids.get(ii as usize) else {
                continue;
            };
            if !ids::schemes_compatible(scheme, &id.scheme, value) {
                continue;
            }
            let country_match = match (query_country, entry.countries.is_empty()) {
                (Some(c), false) => Some(entry.countries.iter().any(|x| x == c)),
                _ => None,
            };
            out.push(Match {
                entry_index: ei as usize,
                list: entry.list.clone(),
                entry_id: entry.entry_id.clone(),
                score: 1.0,
                name_score: 1.0,
                matched_on: MatchedOn::Id {
                    scheme: id.scheme.clone(),
                    value: id.value.clone(),
                },
                query_normalized: format!("{label}:{value}"),
                entry_normalized: format!(
                    "{}:{}",
                    id.scheme,
                    ids::normalize_value(&id.scheme, &id.value)
                ),
                country_match,
                address_match: false,
                kind_conflict: false,
                legal_forms: (None, None),
                pairs: Vec::new(),
                steps: smallvec::smallvec![steps::ScoreStep {
                    kind: step,
                    score: 1.0,
                }],
            });
        }
    }
}
