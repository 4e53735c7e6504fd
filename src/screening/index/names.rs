//! The indexed names (every entry's primary name and aliases) as the list index cache keeps
//! them: packed into a few flat arrays, each distinct token once, and unpacked into a
//! [`NameRecord`] only when screening first asks for that name.
//!
//! A cold run screens one order against some hundred candidates of each party name, a few
//! thousandths of a real list's names. Decoding every name into its strings, token vectors
//! and facts (a dozen allocations each) made a hit of the cache touch some ten times the
//! memory of the file; packed, the names are a handful of arrays, and the vocabulary of a list
//! (a few thousand distinct tokens for tens of thousands of names) carries each token's weight
//! and [`TokenFacts`] once.
//!
//! Fails closed like the rest of the cache: every number of the packed form (token ids, ends
//! of strings and token runs, entries and aliases) is checked when the names are decoded
//! ([`Names::decode`]) and against the entries ([`Names::consistent`]) before an index is
//! used, so unpacking a name later cannot meet a bad one.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::NameRecord;
use crate::screening::model::Entry;
use crate::screening::name_bound::{Listed, ListedIds};
use crate::screening::normalize::NormalizedName;
use crate::screening::score::WeightedTokens;
use crate::screening::similarity::TokenFacts;

/// `alias` of a primary name.
const PRIMARY: u32 = u32::MAX;
/// Strings kept per name in `Packed::text`, in this order.
const TEXTS: usize = 4;
const ORIGINAL: usize = 0;
const NORMALIZED: usize = 1;
const FOLDED: usize = 2;
const LEGAL_FORM: usize = 3;

/// The names in flat arrays: what the cache file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Packed {
    /// The distinct tokens of all names, one after another, and where each ends.
    vocabulary: String,
    vocabulary_ends: Vec<u32>,
    /// Per distinct token, its weight ([`crate::screening::score::TokenStats::weight`], a
    /// function of the token and the list's statistics, so the same in every name) and facts.
    weights: Vec<f64>,
    facts: Vec<TokenFacts>,
    /// Per name: its entry, its alias in the entry ([`PRIMARY`] for the primary name), whether
    /// the alias is weak, and whether a legal form was removed from it.
    entry: Vec<u32>,
    alias: Vec<u32>,
    weak: Vec<bool>,
    legal_form: Vec<bool>,
    /// Per name, where its run of token ids in `tokens` ends.
    token_ends: Vec<u32>,
    tokens: Vec<u32>,
    /// Per name, where each of its [`TEXTS`] strings ends in `text`.
    text_ends: Vec<u32>,
    text: String,
}

/// The indexed names: the packed form and each name unpacked once asked for.
#[derive(Debug)]
pub(in crate::screening) struct Names {
    /// `None` only for names built from lists too large for the packed form's 32-bit ends
    /// (gigabytes of names): then every name is unpacked and the index is not cached.
    packed: Option<Packed>,
    unpacked: Box<[OnceLock<Box<NameRecord>>]>,
}

/// What a score ceiling asks of a name (its tokens, their weights and facts, their ids), and
/// its entry, read in place from the packed form: a query's hundreds of candidates are mostly
/// ruled out by their ceilings, and the few arrays of the packed form (each distinct token's
/// string, weight and facts once) stay in the processor's caches where unpacked names (a
/// dozen allocations each, scattered over the heap) cost a cache miss per field.
/// Filled by [`Names::view`] and reused from candidate to candidate, so that reading a name
/// neither allocates nor copies a large value.
#[derive(Debug, Default)]
pub(in crate::screening) struct View<'a> {
    tokens: Vec<&'a str>,
    weights: Vec<f64>,
    facts: Vec<TokenFacts>,
    /// The tokens' ids in the vocabulary.
    pub(in crate::screening) ids: &'a [u32],
    packed: Option<&'a Packed>,
    name: usize,
}

impl<'a> View<'a> {
    /// The name's tokens.
    pub(in crate::screening) fn tokens(&self) -> &[&'a str] {
        &self.tokens
    }

    /// The name's entry, read only when asked (another array, another cache miss).
    pub(in crate::screening) fn entry(&self) -> Option<u32> {
        self.packed?.entry.get(self.name).copied()
    }

    /// The name as the score ceiling reads it.
    pub(in crate::screening) fn listed(&self) -> Listed<'_, &'a str> {
        Listed {
            tokens: &self.tokens,
            weights: &self.weights,
            facts: &self.facts,
        }
    }
}

/// The range of item `i` of runs laid end to end, each ending where `ends` says.
fn span(ends: &[u32], i: usize) -> Option<Range<usize>> {
    let start = match i.checked_sub(1) {
        Some(before) => *ends.get(before)? as usize,
        None => 0,
    };
    let end = *ends.get(i)? as usize;
    (start <= end).then_some(start..end)
}

/// Whether `ends` splits `len` items into runs: never decreasing, the last at `len`.
fn splits(ends: &[u32], len: usize) -> bool {
    ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().map_or(len == 0, |&l| l as usize == len)
}

/// Where a run ends, as the packed form keeps it.
fn end(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| "the names are too many or too long to pack".to_string())
}

impl Names {
    /// The names of the index, in record order; each is kept unpacked as well.
    pub(super) fn new(records: Vec<NameRecord>) -> Names {
        let packed = Packed::of(&records).ok();
        let unpacked = records
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                if let Some(p) = &packed {
                    r.ids = ListedIds(p.ids(i).into());
                }
                OnceLock::from(Box::new(r))
            })
            .collect();
        Names { packed, unpacked }
    }

    /// The packed form, for the cache file.
    pub(super) fn encode(&self) -> Result<Vec<u8>, String> {
        let packed = self
            .packed
            .as_ref()
            .ok_or("the names are too many or too long to pack")?;
        bitcode::serialize(packed).map_err(|e| format!("cannot encode the names: {e}"))
    }

    /// The names from [`Names::encode`]'s bytes, none unpacked yet. `Err` unless every token
    /// id and every end lies within what it refers to (the entries are checked by
    /// [`Names::consistent`]).
    pub(super) fn decode(bytes: &[u8]) -> Result<Names, String> {
        let packed: Packed =
            bitcode::deserialize(bytes).map_err(|e| format!("the names do not decode: {e}"))?;
        if !packed.well_formed() {
            return Err("the names refer to tokens or text they do not hold".to_string());
        }
        let unpacked = (0..packed.entry.len()).map(|_| OnceLock::new()).collect();
        Ok(Names {
            packed: Some(packed),
            unpacked,
        })
    }

    /// How many names there are.
    pub(super) fn len(&self) -> usize {
        self.unpacked.len()
    }

    /// Name `ri`, unpacked the first time it is asked for.
    pub(super) fn get(&self, ri: u32) -> Option<&NameRecord> {
        let i = ri as usize;
        let cell = self.unpacked.get(i)?;
        if let Some(r) = cell.get() {
            return Some(r);
        }
        let packed = self.packed.as_ref()?;
        Some(cell.get_or_init(|| Box::new(packed.unpack(i))))
    }

    /// Name `ri` read in place into `view` ([`View`]), holding what [`Names::get`] would give
    /// it; false when the names are not packed (then every name is unpacked already).
    /// Screening reads its candidates' runs gathered ([`Names::gather`]).
    #[cfg(test)]
    fn view<'a>(&'a self, ri: u32, view: &mut View<'a>) -> bool {
        let ids = self.packed.as_ref().map_or(&[][..], |p| p.ids(ri as usize));
        self.view_with(ri, ids, view)
    }

    /// The token ids of each name of `names`, gathered into `runs` (cleared first), each
    /// name's run ending where `ends` says: [`Names::view_with`] reads a name from its run.
    /// A query's candidates are scattered over the names' arrays, and reading each one's run
    /// just before its score ceiling cost two cache misses a candidate (where its run starts,
    /// then the run), one after the other, between long stretches of work; read here for
    /// all candidates in two tight passes, the misses overlap.
    pub(in crate::screening) fn gather(
        &self,
        names: &[u32],
        runs: &mut Vec<u32>,
        ends: &mut Vec<usize>,
    ) {
        runs.clear();
        ends.clear();
        let Some(p) = self.packed.as_ref() else {
            return;
        };
        let spans: Vec<Range<usize>> = names
            .iter()
            .map(|&ri| span(&p.token_ends, ri as usize).unwrap_or_default())
            .collect();
        for s in spans {
            runs.extend_from_slice(p.tokens.get(s).unwrap_or_default());
            ends.push(runs.len());
        }
    }

    /// [`Names::view`] of name `ri` whose token ids are `ids` (its run, as [`Names::gather`]
    /// gathers it or the packed form holds it).
    pub(in crate::screening) fn view_with<'a>(
        &'a self,
        ri: u32,
        ids: &'a [u32],
        view: &mut View<'a>,
    ) -> bool {
        view.tokens.clear();
        view.weights.clear();
        view.facts.clear();
        view.ids = &[];
        view.packed = None;
        let Some(p) = self.packed.as_ref() else {
            return false;
        };
        let i = ri as usize;
        for &t in ids {
            let t = t as usize;
            let (Some(token), Some(&weight), Some(facts)) =
                (p.token(t), p.weights.get(t), p.facts.get(t))
            else {
                return false;
            };
            view.tokens.push(token);
            view.weights.push(weight);
            view.facts.push(facts.clone());
        }
        view.ids = ids;
        view.packed = Some(p);
        view.name = i;
        true
    }

    /// The entry of name `ri`, without unpacking it.
    pub(super) fn entry_of(&self, ri: u32) -> Option<u32> {
        match &self.packed {
            Some(p) => p.entry.get(ri as usize).copied(),
            None => self.get(ri).map(|r| r.entry),
        }
    }

    /// The folded name of name `ri` (`NormalizedName::folded`), without unpacking it.
    pub(super) fn folded(&self, ri: u32) -> Option<&str> {
        match &self.packed {
            Some(p) => p.text(ri as usize, FOLDED),
            None => self.get(ri).map(|r| r.name.folded.as_str()),
        }
    }

    /// Whether every name refers to an entry and alias of `entries`, and the packed form is
    /// well formed (which [`Names::decode`] checks as well).
    pub(super) fn consistent(&self, entries: &[Entry]) -> bool {
        let alias_of = |e: u32, a: Option<u32>| {
            entries
                .get(e as usize)
                .is_some_and(|entry| a.is_none_or(|a| (a as usize) < entry.aliases.len()))
        };
        match &self.packed {
            Some(p) => {
                p.well_formed()
                    && p.entry
                        .iter()
                        .zip(&p.alias)
                        .all(|(&e, &a)| alias_of(e, (a != PRIMARY).then_some(a)))
            }
            None => self
                .unpacked
                .iter()
                .all(|c| c.get().is_some_and(|r| alias_of(r.entry, r.alias))),
        }
    }
}

impl Packed {
    /// `records` packed; `Err` when they hold more than the 32-bit ends can count.
    fn of(records: &[NameRecord]) -> Result<Packed, String> {
        let mut p = Packed::default();
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        for r in records {
            for (t, &w) in r.weighted.tokens.iter().zip(&r.weighted.weights) {
                if !ids.contains_key(t.as_str()) {
                    ids.insert(t, end(p.weights.len())?);
                    p.vocabulary.push_str(t);
                    p.vocabulary_ends.push(end(p.vocabulary.len())?);
                    p.weights.push(w);
                    p.facts.push(TokenFacts::of(t));
                }
                p.tokens
                    .push(ids.get(t.as_str()).copied().unwrap_or_default());
            }
            p.token_ends.push(end(p.tokens.len())?);
            p.entry.push(r.entry);
            p.alias.push(r.alias.unwrap_or(PRIMARY));
            p.weak.push(r.weak);
            p.legal_form.push(r.name.legal_form.is_some());
            let n = &r.name;
            for text in [
                &n.original,
                &n.normalized,
                &n.folded,
                n.legal_form.as_deref().unwrap_or(""),
            ] {
                p.text.push_str(text);
                p.text_ends.push(end(p.text.len())?);
            }
        }
        drop(ids);
        Ok(p)
    }

    /// Whether every array has one item per name (or per distinct token), every run of
    /// token ids and every string lies within its array, and every token id names a token.
    fn well_formed(&self) -> bool {
        let names = self.entry.len();
        let tokens = self.vocabulary_ends.len();
        [self.alias.len(), self.weak.len(), self.legal_form.len()]
            .iter()
            .chain([&self.token_ends.len()])
            .all(|&n| n == names)
            && names.checked_mul(TEXTS) == Some(self.text_ends.len())
            && self.weights.len() == tokens
            && self.facts.len() == tokens
            && splits(&self.vocabulary_ends, self.vocabulary.len())
            && (0..tokens).all(|t| self.token(t).is_some())
            && splits(&self.token_ends, self.tokens.len())
            && self.tokens.iter().all(|&t| (t as usize) < tokens)
            && splits(&self.text_ends, self.text.len())
            && (0..self.text_ends.len())
                .all(|i| span(&self.text_ends, i).is_some_and(|s| self.text.get(s).is_some()))
    }

    /// The token ids of name `i`.
    fn ids(&self, i: usize) -> &[u32] {
        span(&self.token_ends, i)
            .and_then(|s| self.tokens.get(s))
            .unwrap_or_default()
    }

    fn token(&self, t: usize) -> Option<&str> {
        self.vocabulary.get(span(&self.vocabulary_ends, t)?)
    }

    fn text(&self, name: usize, which: usize) -> Option<&str> {
        let i = name.checked_mul(TEXTS)?.checked_add(which)?;
        self.text.get(span(&self.text_ends, i)?)
    }

    /// Name `i` as the index built it. The `unwrap_or` fallbacks are never taken: `decode`
    /// checked every id and end (`well_formed`) before the names could be asked for.
    fn unpack(&self, i: usize) -> NameRecord {
        let ids = self.ids(i);
        let tokens: Vec<String> = ids
            .iter()
            .map(|&t| self.token(t as usize).unwrap_or_default().to_string())
            .collect();
        let weights = ids
            .iter()
            .map(|&t| self.weights.get(t as usize).copied().unwrap_or_default())
            .collect();
        let facts = ids
            .iter()
            .filter_map(|&t| self.facts.get(t as usize).cloned())
            .collect();
        let text = |which| self.text(i, which).unwrap_or_default().to_string();
        let alias = self.alias.get(i).copied().unwrap_or(PRIMARY);
        NameRecord {
            entry: self.entry.get(i).copied().unwrap_or_default(),
            alias: (alias != PRIMARY).then_some(alias),
            weak: self.weak.get(i).copied().unwrap_or_default(),
            name: NormalizedName {
                original: text(ORIGINAL),
                normalized: text(NORMALIZED),
                tokens: tokens.clone(),
                legal_form: self
                    .legal_form
                    .get(i)
                    .copied()
                    .unwrap_or_default()
                    .then(|| text(LEGAL_FORM)),
                folded: text(FOLDED),
            },
            weighted: WeightedTokens { tokens, weights },
            facts,
            ids: ListedIds(ids.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::model::EntryKind;
    use crate::screening::normalize::normalize;
    use crate::screening::score::TokenStats;

    fn record(entry: u32, name: &str) -> NameRecord {
        let name = normalize(name, EntryKind::Entity);
        NameRecord {
            entry,
            alias: None,
            weak: false,
            weighted: WeightedTokens::new(&name.tokens, &TokenStats::new()),
            facts: name.tokens.iter().map(|t| TokenFacts::of(t)).collect(),
            ids: ListedIds::default(),
            name,
        }
    }

    fn packed() -> Packed {
        let records = [record(0, "Mahan Air LLC"), record(1, "Air Mahan")];
        Packed::of(&records).unwrap_or_default()
    }

    fn decodes(p: &Packed) -> bool {
        let bytes = bitcode::serialize(p).unwrap_or_default();
        Names::decode(&bytes).is_ok()
    }

    #[test]
    fn a_name_unpacks_as_it_was_built() {
        let records = [record(0, "Mahan Air LLC"), record(1, "Air Mahan")];
        let p = packed();
        assert_eq!(p.vocabulary, "mahanair");
        for (i, r) in records.iter().enumerate() {
            let u = p.unpack(i);
            assert_eq!((u.entry, u.alias, u.weak), (r.entry, r.alias, r.weak));
            assert_eq!(u.name, r.name);
            assert_eq!(u.weighted, r.weighted);
            assert_eq!(format!("{:?}", u.facts), format!("{:?}", r.facts));
        }
        assert!(decodes(&p));
    }

    #[test]
    fn a_name_read_in_place_holds_what_it_unpacks_to() {
        let names = Names::new(vec![
            record(0, "Mahan Air LLC"),
            record(1, "Air Mahan"),
            record(2, "Volga Trading House"),
        ]);
        let mut views = Vec::new();
        for ri in 0..3u32 {
            let mut view = View::default();
            assert!(names.view(ri, &mut view), "name {ri} is packed");
            views.push((ri, view));
        }
        // Read from the runs gathered for a query's candidates, in its order.
        let candidates = [2u32, 0, 1];
        let (mut runs, mut ends) = (Vec::new(), Vec::new());
        names.gather(&candidates, &mut runs, &mut ends);
        assert_eq!(ends.len(), candidates.len());
        for (k, &ri) in candidates.iter().enumerate() {
            let start = if k == 0 { 0 } else { ends[k - 1] };
            let mut view = View::default();
            assert!(names.view_with(ri, &runs[start..ends[k]], &mut view));
            views.push((ri, view));
        }
        for (ri, view) in views {
            let Some(r) = names.get(ri) else {
                continue;
            };
            let listed = view.listed();
            assert_eq!(listed.tokens, r.weighted.tokens.as_slice());
            assert_eq!(view.tokens(), r.name.tokens.as_slice());
            assert_eq!(listed.weights, r.weighted.weights.as_slice());
            assert_eq!(format!("{:?}", listed.facts), format!("{:?}", r.facts));
            assert_eq!(view.ids, &r.ids.0[..]);
            assert_eq!(view.entry(), Some(r.entry));
        }
    }

    #[test]
    fn a_number_out_of_range_is_refused_when_decoded() {
        let mut p = packed();
        p.tokens[1] = 2;
        assert!(!decodes(&p), "a token id past the vocabulary");
        let mut p = packed();
        p.token_ends[0] = 9;
        assert!(!decodes(&p), "a run of tokens past the last");
        let mut p = packed();
        p.text_ends[7] += 1;
        assert!(!decodes(&p), "a string past the text");
        let mut p = packed();
        p.vocabulary_ends[0] = 99;
        assert!(!decodes(&p), "a token past the vocabulary's text");
        let mut p = packed();
        p.facts.pop();
        assert!(!decodes(&p), "a token without its facts");
    }

    #[test]
    fn a_name_of_an_entry_or_alias_not_held_is_inconsistent() {
        let names = Names::decode(&bitcode::serialize(&packed()).unwrap_or_default());
        let entry = Entry::new("L", "L", "1", EntryKind::Entity, "Mahan Air");
        assert!(names
            .as_ref()
            .is_ok_and(|n| n.consistent(&[entry.clone(), entry.clone()])));
        assert!(
            names.is_ok_and(|n| !n.consistent(&[entry])),
            "entry 1 is not held"
        );
        let mut p = packed();
        p.alias[0] = 0;
        let names = Names::decode(&bitcode::serialize(&p).unwrap_or_default());
        let entry = Entry::new("L", "L", "1", EntryKind::Entity, "Mahan Air");
        assert!(names.is_ok_and(|n| !n.consistent(&[entry.clone(), entry])));
    }
}
