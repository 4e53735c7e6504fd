//! Candidate selection: which indexed names a query name is aligned against. Every name sharing
//! a rare token with the query, plus the names that share the most (rarity-weighted) trigrams
//! and tokens with it; see [`Postings::select`].
//!
//! The vote runs over posting lists of thousands of records per query name, so it is written
//! for few instructions per posting; [`Postings::select_reference`] is the plain version that
//! the property tests of `tests/it/screening_candidates.rs` compare it with (the same records,
//! always: a record left out here is a listed party never scored).

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::index::ScreenerConfig;
use super::score::MAX_TOKENS;

/// How much more a shared whole token counts than a shared trigram when ranking candidates.
const TOKEN_VOTE: f32 = 3.0;

/// The token and trigram postings of an index: record numbers in increasing order.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Postings {
    pub(super) tokens: FxHashMap<String, Vec<u32>>,
    pub(super) grams: FxHashMap<u32, Vec<u32>>,
    /// Number of records (names) indexed.
    pub(super) records: usize,
}

/// Per-record vote (shared trigram count plus shared token lengths, summed rarity) and the
/// records touched. A record is untouched exactly when its count is 0: every vote adds at
/// least 1 (a trigram 1, a token its length), so the count alone tells.
#[derive(Default)]
struct Votes {
    tally: Vec<(u32, f32)>,
    touched: Vec<u32>,
}

thread_local! {
    /// Per-thread vote counters, reused across queries so candidate selection does not
    /// allocate a counter per record for every query.
    static VOTES: RefCell<Votes> = RefCell::new(Votes::default());
}

/// The distinct character trigrams of a token padded with a space on each side, as
/// `b0 << 16 | b1 << 8 | b2`, appended to `out`.
fn grams(token: &str, out: &mut Vec<u32>) {
    let mut padded = Vec::with_capacity(token.len() + 2);
    padded.push(b' ');
    padded.extend_from_slice(token.as_bytes());
    padded.push(b' ');
    for w in padded.windows(3) {
        out.push(u32::from(w[0]) << 16 | u32::from(w[1]) << 8 | u32::from(w[2]));
    }
}

/// The distinct trigrams of a name's tokens, sorted.
pub(super) fn name_grams(tokens: &[String]) -> Vec<u32> {
    let mut out = Vec::new();
    for t in tokens {
        grams(t, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A sort key whose increasing order is the ranking of the vote: the summed rarity
/// decreasing (in `f32::total_cmp` order), then the record number increasing. The key maps
/// `total_cmp` onto integers the way the standard library defines it, so the order, ties
/// included, is the one of comparing `(rarity, record)` pairs.
fn rank_key(weight: f32, record: u32) -> u64 {
    let bits = weight.to_bits() as i32;
    let ordered = bits ^ (((bits >> 31) as u32) >> 1) as i32;
    // Increasing in `ordered` as an unsigned number after flipping the sign bit; inverted so
    // that the heaviest comes first.
    let ascending = (ordered as u32) ^ 0x8000_0000;
    (u64::from(!ascending) << 32) | u64::from(record)
}

impl Postings {
    /// Records sharing an uncommon token with the query, plus the `max_candidates` records
    /// with the most rarity-weighted shared trigrams and tokens among those sharing at least
    /// a third of the query's trigrams (a whole token counts as its length); sorted by record
    /// number.
    pub(super) fn select(&self, tokens: &[String], config: &ScreenerConfig) -> Vec<u32> {
        let mut out = self.rare_token_records(tokens, config);
        let qgrams = name_grams(tokens);
        let cap = config.max_postings;
        let n = self.records.max(2) as f32;
        VOTES.with(|cell| {
            let mut guard = cell.borrow_mut();
            let Votes { tally, touched } = &mut *guard;
            if tally.len() < self.records {
                tally.resize(self.records, (0, 0.0));
            }
            touched.clear();
            let mut vote = |p: &[u32], count: u32, weight: f32| {
                for &ri in p {
                    let Some(t) = tally.get_mut(ri as usize) else {
                        continue;
                    };
                    if t.0 == 0 {
                        touched.push(ri);
                    }
                    t.0 = t.0.saturating_add(count);
                    t.1 += weight;
                }
            };
            // Whole tokens vote too, with more weight than a trigram: in a large list the
            // right record is the one sharing several moderately common tokens, which
            // trigrams alone (mostly common in a big list) do not single out. The order of
            // the votes (tokens as written, then trigrams in order) fixes the f32 sums.
            for t in tokens {
                if let Some(p) = self.tokens.get(t) {
                    if p.len() <= cap {
                        let rarity = (n / p.len() as f32).ln().max(0.1);
                        let len = u16::try_from(t.len()).unwrap_or(u16::MAX);
                        vote(p, u32::from(len), TOKEN_VOTE * rarity);
                    }
                }
            }
            for g in &qgrams {
                let Some(p) = self.grams.get(g) else {
                    continue;
                };
                if p.len() > cap {
                    continue;
                }
                // Rare trigrams say more about identity than common ones.
                let rarity = (n / p.len() as f32).ln().max(0.1);
                vote(p, 1, rarity);
            }
            // At least a third of the query's trigrams (or a whole token, which counts as its
            // length) must be shared to be worth scoring. Counts are compared as the u16
            // counters of the reference saturate.
            let min_shared =
                u32::from(u16::try_from((qgrams.len() / 3).max(1)).unwrap_or(u16::MAX));
            let mut ranked: Vec<u64> = Vec::with_capacity(touched.len());
            for &ri in touched.iter() {
                if let Some(t) = tally.get_mut(ri as usize) {
                    if t.0.min(u32::from(u16::MAX)) >= min_shared {
                        ranked.push(rank_key(t.1, ri));
                    }
                    *t = (0, 0.0);
                }
            }
            // The order is total (record numbers differ), so selecting the best
            // `max_candidates` keeps exactly the same records as sorting all would.
            let keep = config.max_candidates;
            if keep == 0 {
                ranked.clear();
            } else if ranked.len() > keep {
                ranked.select_nth_unstable(keep - 1);
                ranked.truncate(keep);
            }
            out.extend(ranked.iter().map(|&k| k as u32));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every record sharing a rare token, from the [`MAX_TOKENS`] rarest tokens of the query:
    /// a hostile name of thousands of tokens must not bring in every record. A record left
    /// out here still competes through its votes.
    fn rare_token_records(&self, tokens: &[String], config: &ScreenerConfig) -> Vec<u32> {
        let mut rare: Vec<&Vec<u32>> = tokens
            .iter()
            .filter_map(|t| self.tokens.get(t))
            .filter(|p| p.len() <= config.max_token_postings)
            .collect();
        rare.sort_by_key(|p| (p.len(), p.first().copied()));
        rare.dedup();
        let mut out = Vec::new();
        for p in rare.into_iter().take(MAX_TOKENS) {
            out.extend_from_slice(p);
        }
        out
    }

    /// [`Postings::select`] as first written: a counter per record, every posting counted,
    /// all counted records ranked. Slower; the reference the tests compare `select` with.
    pub(super) fn select_reference(&self, tokens: &[String], config: &ScreenerConfig) -> Vec<u32> {
        let cap = config.max_postings;
        let mut out = self.rare_token_records(tokens, config);
        let qgrams = name_grams(tokens);
        let n = self.records.max(2) as f32;
        let mut counts: Vec<(u16, f32)> = vec![(0, 0.0); self.records];
        let mut vote = |p: &[u32], count: u16, weight: f32| {
            for &ri in p {
                if let Some(c) = counts.get_mut(ri as usize) {
                    c.0 = c.0.saturating_add(count);
                    c.1 += weight;
                }
            }
        };
        for t in tokens {
            if let Some(p) = self.tokens.get(t) {
                if p.len() <= cap {
                    let rarity = (n / p.len() as f32).ln().max(0.1);
                    let len = u16::try_from(t.len()).unwrap_or(u16::MAX);
                    vote(p, len, TOKEN_VOTE * rarity);
                }
            }
        }
        for g in &qgrams {
            if let Some(p) = self.grams.get(g) {
                if p.len() <= cap {
                    let rarity = (n / p.len() as f32).ln().max(0.1);
                    vote(p, 1, rarity);
                }
            }
        }
        let min_shared = u16::try_from((qgrams.len() / 3).max(1)).unwrap_or(u16::MAX);
        let mut ranked: Vec<(u16, f32, u32)> = counts
            .iter()
            .zip(0u32..)
            .filter(|((c, _), _)| *c > 0 && *c >= min_shared)
            .map(|(&(c, w), ri)| (c, w, ri))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        ranked.truncate(config.max_candidates);
        out.extend(ranked.iter().map(|x| x.2));
        out.sort_unstable();
        out.dedup();
        out
    }
}
