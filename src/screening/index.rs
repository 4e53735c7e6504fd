//! The in-memory screening index: normalised names and aliases of all entries with token and
//! character-trigram postings for candidate generation, an exact identifier map, a per-run
//! cache of name scores, and the [`Screener::screen`] entry point that turns a [`Query`] into
//! ranked, explained [`Match`]es.
//!
//! Only candidates are scored: records sharing a (not too common) token with the query, plus
//! the records sharing the most trigrams. The cache is keyed by the normalised query name and
//! kind and lives behind an `RwLock`, so one `&Screener` can serve rayon threads: a recurring
//! customer name is aligned against its candidates once per run, and country, kind, address
//! and ID evidence (cheap, query-specific) is applied afterwards.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::address_index::AddressIndex;
use super::candidates::{name_grams, Postings};
use super::compact::{compact_hash, compact_keys, glued_legal_form_cuts, legal_form_cuts};
use super::countries;
use super::ids;
use super::model::{Entry, EntryKind};
use super::name_bound::{CeilingMemo, ListedIds};
use super::normalize::{fold, normalize, NormalizedName};
use super::score::{
    compare_listed_at_least, is_generic, query_variants, variants_below_floor, Pruning, QueryName,
    TokenPair, TokenStats, WeightedTokens,
};
use super::similarity::TokenFacts;
use super::steps::{self, ScoreSteps, StepKind};
use super::translit;

mod cache;
mod firm_words;
mod identifiers;
mod initials;
mod joined;
mod mentions;
mod names;
mod scored;
mod scores;
mod search;
mod sections;

use cache::{Cached, NameCache};
use names::Names;
use scored::{NameCap, NameOrigin, Scored};
pub use scores::*;

/// Most records one cut name is matched with (the first in folded order): a prefix of 25
/// characters or more is shared by few names of a real list.
const MAX_CUT_MATCHES: usize = 256;
/// Name scores below this are not kept in the name cache: a screen with a lower `min_score`
/// (less the address bonus) is computed afresh, so the cache holds only the few candidates
/// that can matter and its answers are the same as a fresh computation's. Above it, an entry
/// keeps the names from the lowest floor screens of the run have asked for so far
/// ([`NameCache::lowest`]), which is what lets the score ceiling drop most candidates.
pub const CACHE_MIN_SCORE: f64 = 0.5;

/// Tuning of candidate generation and caching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenerConfig {
    /// How many trigram candidates to score per query name.
    pub max_candidates: usize,
    /// Trigrams with longer posting lists are too common to select candidates.
    pub max_postings: usize,
    /// Tokens with longer posting lists are too common to select candidates by themselves
    /// (they still count in the score and through their trigrams).
    pub max_token_postings: usize,
    /// At most this many query names are cached (0: no cache).
    pub cache_capacity: usize,
    /// At most about this many bytes of cached scores (keys and entries, estimated).
    pub cache_bytes: usize,
    /// Whether candidates are scored with the bounds that skip token pairs and merges below
    /// their thresholds ([`Pruning::Bounded`], the default) or in full (the reference that
    /// tests compare the bounded path with: the same results, slower).
    pub pruning: Pruning,
}

impl Default for ScreenerConfig {
    fn default() -> Self {
        ScreenerConfig {
            max_candidates: 200,
            max_postings: 20_000,
            max_token_postings: 200,
            cache_capacity: 100_000,
            cache_bytes: 64 << 20,
            pruning: Pruning::Bounded,
        }
    }
}

/// A party to screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// The party's name.
    pub name: String,
    /// Other names of the party.
    pub aliases: Vec<String>,
    /// Country (ISO alpha-2 code or English name).
    pub country: Option<String>,
    /// Identifiers as `(scheme, value)`; schemes in any spelling `canonical_scheme` accepts.
    pub ids: Vec<(String, String)>,
    /// Person or entity, when known: a contradiction with the entry lowers the score.
    pub kind: Option<EntryKind>,
    /// Address line(s), when known: shared place words are evidence.
    pub address: Option<String>,
}

impl Query {
    /// A query with only a name.
    pub fn new(name: &str) -> Query {
        Query {
            name: name.to_string(),
            ..Query::default()
        }
    }
}

/// A reading of one of a query's names ([`super::readings::name_readings`]), screened as
/// another name of the party.
struct Reading {
    text: String,
    /// Where the name read was given for another party (`c/o`), if it was.
    given_for: Option<StepKind>,
    read: StepKind,
    /// For a reading with vowels, the tokens of the name as written (its skeleton), which
    /// the reading's candidates are also scored on.
    written: Option<Vec<String>>,
    /// A reading of look-alikes of a Cyrillic name without a Latin letter: capped against
    /// another country ([`LOOK_ALIKE_READING_MAX`]).
    capped: bool,
}

/// What a match rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchedOn {
    /// The entry's primary name.
    Name,
    /// One of the entry's aliases (the alias as written in the list).
    Alias(String),
    /// An identifier equal after normalisation, under compatible schemes.
    Id {
        /// The entry's scheme.
        scheme: String,
        /// The entry's value as written in the list.
        value: String,
    },
}

impl MatchedOn {
    /// The entry's primary name, or its alias number `alias` as the list writes it.
    fn of_name(entry: &Entry, alias: Option<u32>) -> MatchedOn {
        match alias {
            None => MatchedOn::Name,
            Some(ai) => MatchedOn::Alias(
                entry
                    .aliases
                    .get(ai as usize)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
            ),
        }
    }
}

/// One screening hit, with the evidence a reviewer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the entry in [`Screener::entries`].
    pub entry_index: usize,
    /// The entry's list.
    pub list: String,
    /// The entry's id in its list.
    pub entry_id: String,
    /// Final score in `0..=1`.
    pub score: f64,
    /// Name score before country, kind and address evidence (1.0 for ID matches).
    pub name_score: f64,
    /// What matched.
    pub matched_on: MatchedOn,
    /// The query name (or alias) that matched, normalised.
    pub query_normalized: String,
    /// The entry name or alias that matched, normalised.
    pub entry_normalized: String,
    /// `Some(true)` if the query country is among the entry's, `Some(false)` if both are
    /// known and differ, `None` if either is unknown.
    pub country_match: Option<bool>,
    /// Whether the query address shares place words with an entry address.
    pub address_match: bool,
    /// Whether the query kind contradicts the entry kind.
    pub kind_conflict: bool,
    /// Legal forms removed from the query name and the entry name.
    pub legal_forms: (Option<String>, Option<String>),
    /// The aligned token pairs behind the name score.
    pub pairs: Vec<TokenPair>,
    /// How the score was reached: the name score, then each step after it, in order.
    pub steps: ScoreSteps,
}

#[derive(Debug, Clone)]
struct NameRecord {
    entry: u32,
    alias: Option<u32>,
    weak: bool,
    name: NormalizedName,
    weighted: WeightedTokens,
    /// What the similarity rules ask of each token, worked out once at build time instead of
    /// for every query the name is a candidate of.
    facts: Box<[TokenFacts]>,
    /// Each token's id among the distinct tokens of the index's names ([`names`]), so that a
    /// query works out its bounds against a listed token once for all its candidates (empty
    /// when the names could not be packed: then each candidate works them out).
    ids: ListedIds,
}

thread_local! {
    /// Per-thread memos of the score ceilings' token bounds, one per reading of the query
    /// being aligned, reused from query to query.
    static CEILING_MEMOS: std::cell::RefCell<Vec<CeilingMemo>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The screening index over a set of list entries.
///
/// Persisted in the list index cache ([`super::persist`]) as the sections of
/// [`sections`]: everything derived from the entries, not the configuration (a persisted index
/// is always built with the default one) nor the runtime name cache.
#[derive(Debug)]
pub struct Screener {
    entries: Vec<Entry>,
    /// The names of the entries (primary names and aliases with tokens), numbered as the
    /// postings and lookups below number them.
    names: Names,
    stats: TokenStats,
    postings: Postings,
    /// (hash of a compact form, record), sorted: the compact forms (folded letters and digits
    /// without spaces, before and after removals) of every record, so that names that differ
    /// only in spacing meet. Hashes keep it at 16 bytes a form on a list of millions of
    /// names; a hit is confirmed against the record's own forms.
    compact_index: Vec<(u64, u32)>,
    /// Every record, in the order of its folded name (`NormalizedName::folded`), so that the
    /// names a cut query begins are one range.
    folded_order: Vec<u32>,
    id_map: FxHashMap<String, Vec<(u32, u32)>>,
    addresses: AddressIndex,
    config: ScreenerConfig,
    cache: RwLock<NameCache>,
}

impl Screener {
    /// Builds the index with the default configuration.
    pub fn build(entries: Vec<Entry>) -> Screener {
        Screener::build_with(entries, ScreenerConfig::default())
    }

    /// Builds the index with an explicit configuration.
    pub fn build_with(entries: Vec<Entry>, config: ScreenerConfig) -> Screener {
        use rayon::prelude::*;
        let mut raw: Vec<(u32, Option<u32>, bool, &str, EntryKind)> = Vec::new();
        for (ei, e) in entries.iter().enumerate() {
            raw.push((ei as u32, None, false, &e.primary_name, e.kind));
            for (ai, a) in e.aliases.iter().enumerate() {
                raw.push((ei as u32, Some(ai as u32), a.weak, &a.name, e.kind));
            }
        }
        let normalized: Vec<NormalizedName> = raw
            .par_iter()
            .map(|(_, _, _, name, kind)| normalize(name, *kind))
            .collect();
        let mut stats = TokenStats::new();
        for n in &normalized {
            if !n.tokens.is_empty() {
                stats.add_name(&n.tokens);
            }
        }
        let records: Vec<NameRecord> = raw
            .iter()
            .zip(normalized)
            .filter(|(_, n)| !n.tokens.is_empty())
            .map(|((entry, alias, weak, _, _), name)| NameRecord {
                entry: *entry,
                alias: *alias,
                weak: *weak,
                weighted: WeightedTokens::new(&name.tokens, &stats),
                facts: name.tokens.iter().map(|t| TokenFacts::of(t)).collect(),
                ids: ListedIds::default(),
                name,
            })
            .collect();
        // Fx hashing: the keys are the list's own short tokens and trigrams, looked up by the
        // million in a run; no order of these maps reaches a result.
        let mut token_postings: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut gram_postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut compact_index: Vec<(u64, u32)> = Vec::with_capacity(records.len());
        for (ri, r) in records.iter().enumerate() {
            let mut seen: Vec<&str> = r.name.tokens.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                token_postings
                    .entry(t.to_string())
                    .or_default()
                    .push(ri as u32);
            }
            for g in name_grams(&r.name.tokens) {
                gram_postings.entry(g).or_default().push(ri as u32);
            }
            for key in compact_keys(&r.name) {
                compact_index.push((compact_hash(&key), ri as u32));
            }
        }
        compact_index.sort_unstable();
        compact_index.dedup();
        let mut folded_order: Vec<u32> = (0..records.len() as u32).collect();
        folded_order.sort_by(|&a, &b| {
            let name = |ri: u32| records.get(ri as usize).map(|r| r.name.folded.as_str());
            name(a).cmp(&name(b)).then(a.cmp(&b))
        });
        let mut id_map: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        for (ei, e) in entries.iter().enumerate() {
            for (ii, id) in e.ids.iter().enumerate() {
                for key in ids::listed_keys(&id.scheme, &id.value, &e.countries) {
                    id_map.entry(key).or_default().push((ei as u32, ii as u32));
                }
            }
        }
        let addresses = AddressIndex::build(&entries);
        let postings = Postings::new(token_postings, gram_postings, records.len());
        Screener {
            addresses,
            entries,
            names: Names::new(records),
            stats,
            postings,
            compact_index,
            folded_order,
            id_map,
            config,
            cache: RwLock::new(NameCache::default()),
        }
    }

    /// Whether the index was built with the default configuration (the only one a persisted
    /// index is written with, and read back with).
    pub(crate) fn default_config(&self) -> bool {
        self.config == ScreenerConfig::default()
    }

    /// Whether every number the index holds refers to an entry, alias, identifier, name or
    /// address it holds, and each name's token lists agree: checked on an index read back from
    /// a cache file ([`super::persist`]), since screening indexes by these numbers.
    pub(crate) fn consistent(&self) -> bool {
        let records = self.names.len();
        let entries = &self.entries;
        let below = |ri: &u32| (*ri as usize) < records;
        let mut seen = vec![false; records];
        let permutation = self.folded_order.len() == records
            && self.folded_order.iter().all(|&ri| {
                seen.get_mut(ri as usize)
                    .is_some_and(|s| !std::mem::replace(s, true))
            });
        self.names.consistent(entries)
            && permutation
            && self.postings.records == records
            && self.postings.lists.iter().flat_map(|l| l.iter()).all(below)
            && self
                .postings
                .tokens
                .values()
                .chain(self.postings.grams.values())
                .all(|&list| (list as usize) < self.postings.lists.len())
            && self.compact_index.iter().all(|(_, ri)| below(ri))
            && self.id_map.values().flatten().all(|&(ei, ii)| {
                entries
                    .get(ei as usize)
                    .is_some_and(|e| (ii as usize) < e.ids.len())
            })
            && self.addresses.consistent(entries)
    }

    /// The listed addresses, for screening a party by its address alone.
    pub fn addresses(&self) -> &AddressIndex {
        &self.addresses
    }

    /// The indexed entries, in the order given to [`Screener::build`].
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Builds now what the index builds when it is first screened against (the tie order of
    /// the candidate vote): `check` does it on the thread that read the index from the cache,
    /// while the pack loads. Screening gives the same results either way.
    pub fn warm(&self) {
        self.postings.warm();
    }

    /// Number of indexed names (primary names plus aliases).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The indexed names a query name is aligned against (numbered as the index numbers its
    /// names: primary names and aliases in list order, names without tokens left out), for
    /// each reading of the name ([`QueryName`]), in increasing order. With `reference`, the
    /// plain vote that tests compare the index's own with: the two must select the same
    /// names.
    pub fn candidate_names(&self, name: &str, kind: EntryKind, reference: bool) -> Vec<u32> {
        let normalized = normalize(name, kind);
        if normalized.tokens.is_empty() {
            return Vec::new();
        }
        let query = QueryName::new(&normalized.tokens, &self.stats);
        let mut out = Vec::new();
        for v in query.variants() {
            if reference {
                out.extend(self.postings.select_reference(&v.tokens, &self.config));
            } else {
                out.extend(self.postings.select(&v.tokens, &self.config));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Token statistics over the indexed names (for weights).
    pub fn token_stats(&self) -> &TokenStats {
        &self.stats
    }

    /// Number of query names whose scores are cached.
    pub fn cache_len(&self) -> usize {
        self.cache.read().map(|c| c.len()).unwrap_or(0)
    }

    /// Estimated bytes held by the name-score cache (keys, candidates and pair strings).
    pub fn cache_bytes(&self) -> usize {
        self.cache
            .read()
            .map(|c| c.young_bytes + c.old_bytes)
            .unwrap_or(0)
    }

    /// Empties the name-score cache (for example between runs).
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.cache.write() {
            c.clear();
        }
    }

    /// Screens one party and returns every entry scoring at least `min_score`, best first
    /// (score descending, then list, then entry id). One match per entry: its best name,
    /// alias or identifier.
    pub fn screen(&self, query: &Query, min_score: f64) -> Vec<Match> {
        let mut best: BTreeMap<u32, Match> = BTreeMap::new();
        let keep = |best: &mut BTreeMap<u32, Match>, m: Match| {
            let e = m.entry_index as u32;
            match best.get(&e) {
                Some(old) if old.score >= m.score => {}
                _ => {
                    best.insert(e, m);
                }
            }
        };
        for m in self.id_matches(query) {
            keep(&mut best, m);
        }
        let query_kind = query.kind.unwrap_or(EntryKind::Unknown);
        let query_country = query.country.as_deref().and_then(countries::to_iso2);
        let query_address = query.address.as_deref().map(fold);
        // Each name with the step that says where another party's name was given (`c/o ...`
        // in the address or in the party's own name or aliases), and the step that says it is
        // a reading of the party's name in another script: trade words in English, Korean,
        // Arabic with its long vowels.
        let mut names: Vec<(&str, Option<StepKind>, Option<StepKind>)> =
            vec![(query.name.as_str(), None, None)];
        names.extend(
            query
                .aliases
                .iter()
                .map(|alias| (alias.as_str(), None, None)),
        );
        let named_in_address = query
            .address
            .as_deref()
            .map(super::care_of::names_in_address)
            .unwrap_or_default();
        names.extend(
            named_in_address
                .iter()
                .map(|name| (name.as_str(), Some(StepKind::NamedInAddress), None)),
        );
        // Names the party's own name and aliases give: a listed one written after `c/o`
        // (`Weserland GmbH c/o ...`), whose whole name holds the listed one, but a listed name
        // of one word once its legal form is left out is not held by the rule that finds names
        // inside longer ones; and a former or other name (`Stankotrade (formerly
        // Stankoimport)`), a name of the party itself.
        let given_in_own_names = |find: fn(&str) -> Vec<String>, step: StepKind| {
            std::iter::once(&query.name)
                .chain(&query.aliases)
                .flat_map(|name| find(name))
                .map(move |found| (found, step))
                .collect::<Vec<_>>()
        };
        let given: Vec<(String, StepKind)> = [
            given_in_own_names(super::care_of::names_care_of, StepKind::NamedCareOf),
            given_in_own_names(
                super::other_names::other_names_in,
                StepKind::OtherNameInName,
            ),
        ]
        .concat();
        names.extend(
            given
                .iter()
                .map(|(name, step)| (name.as_str(), Some(*step), None)),
        );
        // Each name is normalised once: for its screening, its words joined, and the skeleton a
        // reading with vowels is also scored on.
        let normalized: Vec<NormalizedName> = names
            .iter()
            .map(|&(name, _, _)| normalize(name, query_kind))
            .collect();
        let readings: Vec<Reading> = names
            .iter()
            .zip(&normalized)
            .flat_map(|(&(name, given_for, _), normal)| {
                let mut readings = super::readings::name_readings(name, query_kind);
                readings.extend(
                    self.words_joined(&normal.tokens)
                        .map(|joined| (joined, StepKind::ReadWithWordsJoined)),
                );
                readings.into_iter().map(move |(text, read)| Reading {
                    text,
                    given_for,
                    read,
                    // A reading with vowels is also scored on the name as written (its
                    // skeleton), for the candidates the reading finds.
                    written: (read == StepKind::ReadWithVowels).then(|| normal.tokens.clone()),
                    capped: read == StepKind::ReadAsLookAlikes
                        && !name.chars().any(|c| c.is_ascii_alphabetic())
                        && name.chars().any(super::chars::is_cyrillic),
                })
            })
            .collect();
        let names = names
            .into_iter()
            .zip(normalized)
            .map(|((name, given_for, read), normal)| {
                (name, given_for, read, None, false, Some(normal))
            })
            .chain(readings.iter().map(|r| {
                let written = r.written.as_deref();
                (
                    r.text.as_str(),
                    r.given_for,
                    Some(r.read),
                    written,
                    r.capped,
                    None,
                )
            }));
        // A candidate whose name scores below this cannot reach `min_score` (only the address
        // raises a score).
        let floor = min_score - ADDRESS_MATCH_BONUS - 1e-9;
        for (name, given_for, read, written, capped, normal) in names {
            let query_name = normal.unwrap_or_else(|| normalize(name, query_kind));
            let hangul_query = translit::has_hangul(name);
            let scored = self.name_scores(&query_name, query_kind, floor, written);
            for s in scored.iter() {
                let Some(r) = self.names.get(s.record) else {
                    continue;
                };
                let mut name_score = s.score;
                let mut steps = s.origin.steps(s.score, s.raised_by);
                if let Some(given_for) = given_for {
                    steps::push(&mut steps, given_for, name_score);
                }
                if let Some(read) = read {
                    if name_score < super::readings::reading_floor(read) {
                        continue;
                    }
                    steps::push(&mut steps, read, name_score);
                }
                if r.weak {
                    if name_score < WEAK_ALIAS_MIN {
                        continue;
                    }
                    name_score = name_score.min(WEAK_ALIAS_SCORE);
                    steps::push(&mut steps, StepKind::WeakAlias, name_score);
                }
                let entry = &self.entries[r.entry as usize];
                let mut score = name_score;
                let kind_conflict = query.kind.is_some_and(|k| k.conflicts_with(entry.kind));
                if kind_conflict {
                    score *= KIND_CONFLICT_FACTOR;
                    steps::push(&mut steps, StepKind::KindConflict, score);
                }
                let country_match = match (query_country, entry.countries.is_empty()) {
                    (Some(c), false) => Some(entry.countries.iter().any(|x| x == c)),
                    _ => None,
                };
                // A namesake abroad is likely for a fuzzy match or a person; an exact full name
                // of a listed company, vessel or aircraft is the listed party wherever it
                // says it is (branches, front addresses). `country_match` keeps the evidence.
                let exact_non_person = !r.weak
                    && (name_score >= EXACT_NAME_MIN || s.contained())
                    && entry.kind != EntryKind::Person;
                if country_match == Some(false) {
                    if exact_non_person {
                        steps::push(&mut steps, StepKind::CountryDiffersExactName, score);
                    } else if entry.kind == EntryKind::Person
                        && !r.weak
                        && score >= PERSON_NAMES_HELD_NAME_MIN
                        && score - COUNTRY_MISMATCH_PENALTY < PERSON_NAMES_HELD_MIN
                        && person_names_held(
                            s.reading
                                .as_deref()
                                .map(|r| r.split(' ').collect::<Vec<_>>())
                                .unwrap_or_else(|| {
                                    query_name.tokens.iter().map(String::as_str).collect()
                                }),
                            &s.pairs,
                        )
                    {
                        score = PERSON_NAMES_HELD_MIN;
                        steps::push(&mut steps, StepKind::CountryDiffersPersonNamesHeld, score);
                    } else {
                        score -= COUNTRY_MISMATCH_PENALTY;
                        steps::push(&mut steps, StepKind::CountryDiffers, score);
                    }
                }
                let address_match = query_address
                    .as_deref()
                    .is_some_and(|a| address_overlaps(a, &entry.addresses));
                if address_match {
                    score += ADDRESS_MATCH_BONUS;
                    steps::push(&mut steps, StepKind::AddressShared, score);
                }
                // Only against a stated other country: with none, leaving the country out
                // would turn the block of a listed party named in Hangul into a review.
                if hangul_query
                    && country_match == Some(false)
                    && !translit::has_hangul(&r.name.original)
                    && score > HANGUL_ONLY_MAX
                {
                    score = HANGUL_ONLY_MAX;
                    steps::push(&mut steps, StepKind::HangulOnly, score);
                }
                if capped && country_match == Some(false) && score > LOOK_ALIKE_READING_MAX {
                    score = LOOK_ALIKE_READING_MAX;
                    steps::push(&mut steps, StepKind::LookAlikeReadingCapped, score);
                }
                let score = score.clamp(0.0, 1.0);
                if score < min_score {
                    continue;
                }
                let matched_on = MatchedOn::of_name(entry, r.alias);
                keep(
                    &mut best,
                    Match {
                        entry_index: r.entry as usize,
                        list: entry.list.clone(),
                        entry_id: entry.entry_id.clone(),
                        score,
                        name_score,
                        matched_on,
                        // The reading compared, so that the evidence shows what scored.
                        query_normalized: s
                            .reading
                            .clone()
                            .unwrap_or_else(|| query_name.normalized.clone()),
                        entry_normalized: r.name.normalized.clone(),
                        country_match,
                        address_match,
                        kind_conflict,
                        legal_forms: (query_name.legal_form.clone(), r.name.legal_form.clone()),
                        pairs: s.pairs.clone(),
                        steps,
                    },
                );
            }
        }
        let mut out: Vec<Match> = best
            .into_values()
            .filter(|m| m.score >= min_score)
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.list.cmp(&b.list))
                .then_with(|| a.entry_id.cmp(&b.entry_id))
                .then_with(|| a.entry_index.cmp(&b.entry_index))
        });
        out
    }

    /// Screens many parties on the rayon pool; results are in query order.
    pub fn screen_many(&self, queries: &[Query], min_score: f64) -> Vec<Vec<Match>> {
        use rayon::prelude::*;
        queries
            .par_iter()
            .map(|q| self.screen(q, min_score))
            .collect()
    }
}

/// Whether the query's words (`query`, of the reading scored) hold a listed person's given
/// name and surname: two words or more that are no particle or initial, each paired with its
/// own listed word at [`PERSON_NAME_PAIR_MIN`] or more (`pairs`, the alignment's).
fn person_names_held(query: Vec<&str>, pairs: &[TokenPair]) -> bool {
    let words: Vec<&str> = query
        .into_iter()
        .filter(|w| !w.is_empty() && !super::score::is_particle(w))
        .collect();
    let strong: Vec<&TokenPair> = pairs
        .iter()
        .filter(|p| {
            p.similarity >= PERSON_NAME_PAIR_MIN && !super::score::is_particle(&p.candidate)
        })
        .collect();
    let mut listed: Vec<&str> = strong.iter().map(|p| p.candidate.as_str()).collect();
    listed.sort_unstable();
    listed.dedup();
    words.len() >= 2
        && listed.len() >= words.len()
        && words.iter().all(|w| strong.iter().any(|p| p.query == *w))
}

/// Whether the query address shares enough place words with one of the entry's addresses:
/// at least two words of three or more letters, or all of the query's if it has fewer.
fn address_overlaps(query: &str, addresses: &[String]) -> bool {
    let q: Vec<&str> = query
        .split(' ')
        .filter(|w| w.len() >= 3 && !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if q.is_empty() {
        return false;
    }
    let mut q = q;
    q.sort_unstable();
    q.dedup();
    let need = q.len().min(2);
    addresses.iter().any(|a| {
        let folded = fold(a);
        let words: std::collections::HashSet<&str> = folded.split(' ').collect();
        q.iter().filter(|w| words.contains(*w)).count() >= need
    })
}
