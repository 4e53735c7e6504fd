//! Candidate selection: which indexed names a query name is aligned against. Every name sharing
//! a rare token with the query, plus the names that share the most (rarity-weighted) trigrams
//! and tokens with it; see [`Postings::select`].
//!
//! The vote runs over posting lists of thousands of records per query name, so it is written
//! for few instructions per posting; [`Postings::select_reference`] is the plain version that
//! the property tests of `tests/it/screening_candidates.rs` compare it with (the same records,
//! always: a record left out here is a listed party never scored).

use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::index::ScreenerConfig;
use super::neighbours::{self, NeighbourIndex};
use super::score::{is_generic, MAX_FUZZY_TOKEN_LEN, MAX_TOKENS};
use super::translit;

mod spellings;

/// Fewest consonants of a skeleton that selects the listed tokens written with it. Three
/// are shared by too many different names (`hsn` is Hasan, Hussein, Hosseini and Ehsan): with
/// three, 17 of a thousand people's names screened against the 2019 SDN met a listed person
/// by chance, against 13 before; with four, 14 (`حسین محمدی` as `MOHAMMADI, Ehsan`, whose
/// consonants are Hossein Mohammadi's).
const MIN_SKELETON_KEY: usize = 4;
/// Fewest consonants of a skeleton that selects the listed tokens written with it in a
/// record that also holds a word of the query as written (a company name read with its trade
/// words in English, `bank سپه`: the records of `sph` that hold `bank`, BANK SEPAH). The
/// shared word stands for the consonant missing from a four-consonant key.
const MIN_SKELETON_KEY_WITH_WORD: usize = 3;
/// Most listed spellings of one skeleton whose records join the candidates (the rarest
/// first): a skeleton of four consonants has a few dozen at most in a large list.
const MAX_SKELETON_SPELLINGS: usize = 64;

/// How much more a shared whole token counts than a shared trigram when ranking candidates.
const TOKEN_VOTE: f32 = 3.0;
/// What a listed token one edit from a word of the query counts for, against a shared whole
/// token's [`TOKEN_VOTE`]: less, so that of two names otherwise alike the one holding the
/// word as written ranks first.
const NEIGHBOUR_VOTE: f32 = 2.0;
/// What a listed token two edits from a word of the query counts for: half a one-edit
/// neighbour's [`NEIGHBOUR_VOTE`], as two edits are weaker evidence of one word.
const TWO_EDIT_VOTE: f32 = 1.0;
/// Fewest letters of a query word whose two-edit neighbours vote too: two edits in a shorter
/// word leave little of it (`taha` is two edits from `tao`, `thai`, `baha`, `kaka`, …). The
/// length from which Elasticsearch's `fuzziness: AUTO` allows two edits.
const MIN_TWO_EDIT_WORD: usize = 6;
/// Fewest letters of a query word whose one-edit neighbours vote: a shorter word is one edit
/// from too many listed words (`ali`: `al`, `alí`, `aly`, `ala`, `bali`, …) to say anything.
const MIN_NEIGHBOUR_WORD: usize = 4;

/// Whether listed words one edit from query word `word` are looked for: a word of
/// [`MIN_NEIGHBOUR_WORD`] letters or more, written plainly ([`neighbours::is_plain`]), and no
/// consonant skeleton ([`translit::is_skeleton`]: a name written in Arabic script finds its
/// listed spellings through [`Postings::skeleton_records`]; one edit from a skeleton is mostly
/// a vowel added, which matches nothing it stands for). Longer words than
/// `MAX_FUZZY_TOKEN_LEN` are compared only for equality, and a word of tens of thousands of
/// letters would cost its length squared in deletions.
fn may_have_neighbours(word: &str) -> bool {
    (MIN_NEIGHBOUR_WORD..=MAX_FUZZY_TOKEN_LEN).contains(&word.len())
        && neighbours::is_plain(word)
        && !translit::is_skeleton(word)
}

/// The token and trigram postings of an index: record numbers in increasing order, each
/// distinct list kept once. In a generated or real list most trigrams of a word occur in no
/// other word, so the word and its trigrams select the same records; the vote walks such a
/// list once (see [`Postings::select`]).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Postings {
    /// The distinct posting lists.
    pub(super) lists: Vec<Box<[u32]>>,
    /// Token to its list in `lists`.
    pub(super) tokens: FxHashMap<String, u32>,
    /// Trigram to its list in `lists`.
    pub(super) grams: FxHashMap<u32, u32>,
    /// Number of records (names) indexed.
    pub(super) records: usize,
    /// The lists of the indexed tokens by their consonant skeleton ([`translit::skeleton`]),
    /// for [`Postings::skeleton_records`]; built on the first query that asks, since only a
    /// name in Arabic script does (not stored with a persisted index).
    #[serde(skip)]
    skeletons: OnceLock<FxHashMap<String, Vec<u32>>>,
    /// The indexed tokens by their one-letter deletions and their trigrams, for
    /// [`Postings::neighbours`]; built on the first query, or with the list index and stored
    /// with it in a section of its own (building it takes about 10 ms for the 2019 SDN's
    /// words, a quarter of a one-order check).
    #[serde(skip)]
    neighbour_index: OnceLock<Box<NeighbourIndex>>,
    /// The order of records that the vote weighs alike ([`TieOrder`]); built on the first
    /// query, not stored with a persisted index.
    #[serde(skip)]
    tie_order: OnceLock<TieOrder>,
}

/// The order of records of equal weight in the vote: fewer distinct tokens first, then the
/// record number. Records holding the query's words weigh alike however many other words
/// they hold; by record number alone, a listed name holding the query's words and little else
/// ranked below hundreds of longer names holding the same words and was never aligned
/// (`Karoline Group` scores 0.92 against `KAROLINE LLC`, and was not found among 324 `… KAROLINE
/// LLC` names listed before it).
#[derive(Debug, Default)]
struct TieOrder {
    /// Per record, its distinct tokens.
    tokens: Vec<u32>,
    /// Per record, its place in the order.
    place: Vec<u32>,
    /// Per place, its record.
    record: Vec<u32>,
}

impl TieOrder {
    /// The order of `records` records whose tokens' lists are `token_lists`.
    fn new<'a>(records: usize, token_lists: impl Iterator<Item = &'a [u32]>) -> TieOrder {
        let mut tokens = vec![0u32; records];
        for list in token_lists {
            for &r in list {
                if let Some(n) = tokens.get_mut(r as usize) {
                    *n = n.saturating_add(1);
                }
            }
        }
        let mut record: Vec<u32> = (0..u32::try_from(records).unwrap_or(u32::MAX)).collect();
        record.sort_by_key(|&r| (tokens.get(r as usize).copied().unwrap_or(0), r));
        let mut place = vec![0u32; records];
        for (at, &r) in (0u32..).zip(&record) {
            if let Some(p) = place.get_mut(r as usize) {
                *p = at;
            }
        }
        TieOrder {
            tokens,
            place,
            record,
        }
    }

    fn place(&self, record: u32) -> u32 {
        self.place.get(record as usize).copied().unwrap_or(record)
    }

    fn record(&self, place: u32) -> u32 {
        self.record.get(place as usize).copied().unwrap_or(place)
    }

    fn tokens(&self, record: u32) -> u32 {
        self.tokens.get(record as usize).copied().unwrap_or(0)
    }
}

/// Per-record vote (shared trigram count plus shared token lengths, summed rarity) and the
/// records touched. A record is untouched exactly when its count is 0: every vote adds at
/// least 1 (a trigram 1, a token its length), so the count alone tells. `shared` is the
/// same for [`Postings::select`]'s usual path: per record, the set of the query's votes (as
/// bits, in the order they are cast) whose lists hold it; a record is untouched when it is 0.
#[derive(Default)]
struct Votes {
    tally: Vec<(u32, f32)>,
    shared: Vec<u64>,
    touched: Vec<u32>,
    /// A set of votes (bits of `shared`) and its summed rarity if its count reaches the
    /// minimum share; slots of a direct-mapped table.
    memo: Vec<(u64, Option<f32>)>,
}

/// log2 of the slots of `Votes::memo`.
const MEMO_BITS: u32 = 9;
const MEMO_SLOTS: usize = 1 << MEMO_BITS;

/// One vote of a query: its posting list, what it adds to a record's count and to its
/// summed rarity.
struct Vote<'a> {
    list: u32,
    postings: &'a [u32],
    count: u32,
    weight: f32,
}

thread_local! {
    /// Per-thread vote counters, reused across queries so candidate selection does not
    /// allocate a counter per record for every query.
    static VOTES: RefCell<Votes> = RefCell::new(Votes::default());
}

/// The distinct character trigrams of a token padded with a space on each side, as
/// `b0 << 16 | b1 << 8 | b2`, appended to `out`.
pub(super) fn grams(token: &str, out: &mut Vec<u32>) {
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
/// decreasing (in `f32::total_cmp` order), then the record's place in the [`TieOrder`]
/// increasing. The key maps `total_cmp` onto integers the way the standard library defines
/// it, so the order, ties included, is the one of comparing `(rarity, place)` pairs.
fn rank_key(weight: f32, place: u32) -> u64 {
    let bits = weight.to_bits() as i32;
    let ordered = bits ^ (((bits >> 31) as u32) >> 1) as i32;
    // Increasing in `ordered` as an unsigned number after flipping the sign bit; inverted so
    // that the heaviest comes first.
    let ascending = (ordered as u32) ^ 0x8000_0000;
    (u64::from(!ascending) << 32) | u64::from(place)
}

/// Per distinct list of a query's vote (as [`Postings::select`] gathers them: list, bits of
/// its votes, postings), whether it may join a record: false for the longest lists whose
/// counts (the sum of their votes' counts) add up to less than `min_shared`, since a record
/// held only by those cannot reach it. The others join every record they hold, so the
/// records that can reach the minimum share are all joined, with all their bits.
fn joining_lists(lists: &[(u32, u64, &[u32])], votes: &[Vote], min_shared: u32) -> Vec<bool> {
    let count = |bits: u64| -> u32 {
        votes
            .iter()
            .enumerate()
            .take(64)
            .filter(|(i, _)| bits & (1u64 << i) != 0)
            .fold(0u32, |n, (_, v)| n.saturating_add(v.count))
    };
    let mut longest: Vec<usize> = (0..lists.len()).collect();
    longest.sort_by_key(|&l| std::cmp::Reverse(lists.get(l).map_or(0, |x| x.2.len())));
    let mut joining = vec![true; lists.len()];
    let mut left_out = 0u32;
    for l in longest {
        let (Some(&(_, bits, _)), Some(j)) = (lists.get(l), joining.get_mut(l)) else {
            continue;
        };
        let with = left_out.saturating_add(count(bits));
        if with < min_shared {
            left_out = with;
            *j = false;
        }
    }
    joining
}

impl Postings {
    /// The postings of `tokens` and `grams` (each list's records in increasing order), keeping
    /// each distinct list once.
    pub(super) fn new(
        tokens: FxHashMap<String, Vec<u32>>,
        grams: FxHashMap<u32, Vec<u32>>,
        records: usize,
    ) -> Postings {
        let mut ids: FxHashMap<Box<[u32]>, u32> = FxHashMap::default();
        // There are fewer distinct lists than postings, whose record numbers are u32 already.
        let mut id_of = |list: Vec<u32>| {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(list.into_boxed_slice()).or_insert(next)
        };
        let tokens: FxHashMap<String, u32> =
            tokens.into_iter().map(|(t, l)| (t, id_of(l))).collect();
        let grams: FxHashMap<u32, u32> = grams.into_iter().map(|(g, l)| (g, id_of(l))).collect();
        let mut lists: Vec<Box<[u32]>> = vec![Box::default(); ids.len()];
        for (list, id) in ids {
            if let Some(slot) = lists.get_mut(id as usize) {
                *slot = list;
            }
        }
        Postings {
            lists,
            tokens,
            grams,
            records,
            skeletons: OnceLock::new(),
            neighbour_index: OnceLock::new(),
            tie_order: OnceLock::new(),
        }
    }

    /// Sets the index of listed words read from a stored index, when it holds together
    /// ([`NeighbourIndex::consistent`]) and none is set yet.
    pub(super) fn set_neighbour_index(&self, index: NeighbourIndex) -> bool {
        index.consistent(self.lists.len()) && self.neighbour_index.set(Box::new(index)).is_ok()
    }

    /// Builds now what the first vote would build (the order that breaks ties), so that a
    /// thread with nothing else to do can take that off the first screening.
    pub(super) fn warm(&self) {
        self.tie_order();
    }

    fn tie_order(&self) -> &TieOrder {
        self.tie_order.get_or_init(|| {
            TieOrder::new(
                self.records,
                self.tokens.values().map(|&list| self.list(list)),
            )
        })
    }

    fn list(&self, id: u32) -> &[u32] {
        self.lists.get(id as usize).map_or(&[], |l| l)
    }

    /// The records holding token `t`, and the number of their list.
    fn token(&self, t: &str) -> Option<(u32, &[u32])> {
        self.tokens.get(t).map(|&id| (id, self.list(id)))
    }

    /// The records (listed names) holding token `t`, in increasing order.
    pub(super) fn records_of_token(&self, t: &str) -> &[u32] {
        self.token(t).map_or(&[], |(_, records)| records)
    }

    /// How many records (listed names) hold token `t`.
    pub(super) fn records_with_token(&self, t: &str) -> usize {
        self.token(t).map_or(0, |(_, records)| records.len())
    }

    /// The records holding trigram `g`, and the number of their list.
    fn gram(&self, g: u32) -> Option<(u32, &[u32])> {
        self.grams.get(&g).map(|&id| (id, self.list(id)))
    }

    /// The query's votes in the order they are cast: whole tokens as written, listed tokens
    /// one or two edits from them ([`Postings::neighbours`]), then trigrams in order; lists
    /// longer than `cap` do not vote. The order fixes the f32 sums.
    fn votes<'a>(&'a self, tokens: &[String], qgrams: &[u32], cap: usize) -> Vec<Vote<'a>> {
        let n = self.records.max(2) as f32;
        let mut votes = Vec::with_capacity(tokens.len() + qgrams.len());
        // Whole tokens vote too, with more weight than a trigram: in a large list the right
        // record is the one sharing several moderately common tokens, which trigrams alone
        // (mostly common in a big list) do not single out.
        for t in tokens {
            if let Some((list, p)) = self.token(t) {
                if p.len() <= cap {
                    let rarity = (n / p.len() as f32).ln().max(0.1);
                    let len = u16::try_from(t.len()).unwrap_or(u16::MAX);
                    votes.push(Vote {
                        list,
                        postings: p,
                        count: u32::from(len),
                        weight: TOKEN_VOTE * rarity,
                    });
                }
            }
        }
        for (list, postings, count, weight) in self.neighbours(tokens, cap) {
            votes.push(Vote {
                list,
                postings,
                count,
                weight,
            });
        }
        for &g in qgrams {
            let Some((list, p)) = self.gram(g) else {
                continue;
            };
            if p.len() > cap {
                continue;
            }
            // Rare trigrams say more about identity than common ones.
            let rarity = (n / p.len() as f32).ln().max(0.1);
            votes.push(Vote {
                list,
                postings: p,
                count: 1,
                weight: rarity,
            });
        }
        votes
    }

    /// Records sharing an uncommon token with the query, or holding an uncommon neighbour of a
    /// common word of it ([`Postings::rare_neighbour_records`]), plus the `max_candidates` records
    /// with the most rarity-weighted shared trigrams and tokens among those sharing at least
    /// a third of the query's trigrams (a whole token counts as its length); sorted by record
    /// number.
    pub(super) fn select(&self, tokens: &[String], config: &ScreenerConfig) -> Vec<u32> {
        let mut out = self.rare_token_records(tokens, config);
        out.extend(self.rare_neighbour_records(tokens, config));
        out.extend(self.other_spelling_records(tokens, config));
        let qgrams = name_grams(tokens);
        let votes = self.votes(tokens, &qgrams, config.max_postings);
        // At least a third of the query's trigrams (or a whole token, which counts as its
        // length) must be shared to be worth scoring. Counts are compared as the u16
        // counters of the reference saturate.
        let min_shared = u32::from(u16::try_from((qgrams.len() / 3).max(1)).unwrap_or(u16::MAX));
        VOTES.with(|cell| {
            let mut guard = cell.borrow_mut();
            let state = &mut *guard;
            let mut ranked: Vec<u64> = Vec::new();
            if votes.len() <= 64 {
                self.tally_by_list(&votes, min_shared, state, &mut ranked);
            } else {
                self.tally_by_posting(&votes, min_shared, state, &mut ranked);
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
            let ties = self.tie_order();
            out.extend(ranked.iter().map(|&k| ties.record(k as u32)));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The vote of up to 64 votes, one pass over each distinct list: a record gathers the
    /// bits of the votes whose lists hold it, and its count and summed rarity are worked out
    /// from those bits afterwards, adding the weights in the order the votes are cast (the
    /// bits' order), so the f32 sums are those of adding vote by vote. A word and the
    /// trigrams found in no other word share one list, walked once instead of once per vote.
    /// Appends the rank keys of the records sharing at least `min_shared` to `ranked`.
    fn tally_by_list(
        &self,
        votes: &[Vote],
        min_shared: u32,
        state: &mut Votes,
        ranked: &mut Vec<u64>,
    ) {
        debug_assert!(votes.len() <= 64);
        let ties = self.tie_order();
        let Votes {
            shared,
            touched,
            memo,
            ..
        } = state;
        if shared.len() < self.records {
            shared.resize(self.records, 0);
        }
        // Each distinct list with the bits of the votes it casts.
        let mut lists: smallvec::SmallVec<[(u32, u64, &[u32]); 32]> = smallvec::SmallVec::new();
        for (i, v) in votes.iter().enumerate().take(64) {
            let bit = 1u64 << i;
            match lists.iter_mut().find(|l| l.0 == v.list) {
                Some(l) => l.1 |= bit,
                None => lists.push((v.list, bit, v.postings)),
            }
        }
        // Every posting writes its record at the end of `touched`, which grows only when the
        // record was untouched: no branch, no capacity check. A record joins once (its bits
        // are not 0 afterwards), so `touched` needs one slot per record and one to spare.
        if touched.len() <= self.records {
            touched.resize(self.records.saturating_add(1), 0);
        }
        // A record reaches the minimum share only through a list outside any set of lists
        // whose counts add up to less than it: the longest lists (common trigrams, a vote of 1
        // each) join no record, they only add their bits to records the others joined, so the
        // thousands of names that share nothing but a common trigram are never looked at.
        let joining = joining_lists(&lists, votes, min_shared);
        let mut joined = 0usize;
        for (&(_, bits, postings), _) in lists.iter().zip(&joining).filter(|(_, &j)| j) {
            for &ri in postings {
                let Some(s) = shared.get_mut(ri as usize) else {
                    continue;
                };
                if let Some(t) = touched.get_mut(joined) {
                    *t = ri;
                }
                joined += usize::from(*s == 0);
                *s |= bits;
            }
        }
        for (&(_, bits, postings), _) in lists.iter().zip(&joining).filter(|(_, &j)| !j) {
            for &ri in postings {
                if let Some(s) = shared.get_mut(ri as usize) {
                    *s |= if *s != 0 { bits } else { 0 };
                }
            }
        }
        let touched = touched.get(..joined).unwrap_or_default();
        // Records sharing the same votes have the same count and sum: most of the thousands
        // touched share one of a few dozen sets, so each set is worked out once (a small
        // direct-mapped table; a set never seen before, or pushed out, is worked out again).
        memo.clear();
        memo.resize(MEMO_SLOTS, (0, None));
        let rank_of = |bits: u64| -> Option<f32> {
            let mut count = 0u32;
            let mut weight = 0.0f32;
            let mut rest = bits;
            while rest != 0 {
                let i = rest.trailing_zeros() as usize;
                if let Some(v) = votes.get(i) {
                    count = count.saturating_add(v.count);
                    weight += v.weight;
                }
                rest &= rest - 1;
            }
            (count.min(u32::from(u16::MAX)) >= min_shared).then_some(weight)
        };
        ranked.reserve(touched.len());
        for &ri in touched.iter() {
            let Some(s) = shared.get_mut(ri as usize) else {
                continue;
            };
            let bits = std::mem::take(s);
            let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - MEMO_BITS)) as usize;
            let weight = match memo.get_mut(slot) {
                Some(m) if m.0 == bits => m.1,
                Some(m) => {
                    *m = (bits, rank_of(bits));
                    m.1
                }
                None => rank_of(bits),
            };
            if let Some(w) = weight {
                ranked.push(rank_key(w, ties.place(ri)));
            }
        }
    }

    /// The vote cast posting by posting, for queries of more than 64 votes (long names).
    fn tally_by_posting(
        &self,
        votes: &[Vote],
        min_shared: u32,
        state: &mut Votes,
        ranked: &mut Vec<u64>,
    ) {
        let ties = self.tie_order();
        let Votes { tally, touched, .. } = state;
        if tally.len() < self.records {
            tally.resize(self.records, (0, 0.0));
        }
        touched.clear();
        for v in votes {
            for &ri in v.postings {
                let Some(t) = tally.get_mut(ri as usize) else {
                    continue;
                };
                if t.0 == 0 {
                    touched.push(ri);
                }
                t.0 = t.0.saturating_add(v.count);
                t.1 += v.weight;
            }
        }
        ranked.reserve(touched.len());
        for &ri in touched.iter() {
            if let Some(t) = tally.get_mut(ri as usize) {
                if t.0.min(u32::from(u16::MAX)) >= min_shared {
                    ranked.push(rank_key(t.1, ties.place(ri)));
                }
                *t = (0, 0.0);
            }
        }
    }

    /// [`Postings::select`] as first written: a counter per record, every posting counted,
    /// all counted records ranked. Slower; the reference the tests compare `select` with.
    pub(super) fn select_reference(&self, tokens: &[String], config: &ScreenerConfig) -> Vec<u32> {
        let cap = config.max_postings;
        let mut out = self.rare_token_records(tokens, config);
        out.extend(self.rare_neighbour_records(tokens, config));
        out.extend(self.other_spelling_records(tokens, config));
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
            if let Some((_, p)) = self.token(t) {
                if p.len() <= cap {
                    let rarity = (n / p.len() as f32).ln().max(0.1);
                    let len = u16::try_from(t.len()).unwrap_or(u16::MAX);
                    vote(p, len, TOKEN_VOTE * rarity);
                }
            }
        }
        for (_, p, count, weight) in self.neighbours(tokens, cap) {
            vote(p, u16::try_from(count).unwrap_or(u16::MAX), weight);
        }
        for g in &qgrams {
            if let Some((_, p)) = self.gram(*g) {
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
        let ties = self.tie_order();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(ties.tokens(a.2).cmp(&ties.tokens(b.2)))
                .then(a.2.cmp(&b.2))
        });
        ranked.truncate(config.max_candidates);
        out.extend(ranked.iter().map(|x| x.2));
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    //! The vote against its reference on hand-made postings: lists of a few lengths only, so
    //! that many records share the same rarities in another order and their f32 sums differ
    //! by the order they are added in; some lists equal, so that lists are walked once for
    //! several votes; small budgets, so that the ranking's last places (ties included)
    //! decide. `tests/it/screening_candidates.rs` checks the same through whole screeners.

    use super::*;

    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Postings for `tokens` on `records` records: each list of one of the lengths `lens`, or a
    /// copy of a list drawn before.
    fn postings(tokens: &[String], records: u32, lens: [u64; 3], state: &mut u64) -> Postings {
        let mut drawn: Vec<Vec<u32>> = Vec::new();
        let mut list = |state: &mut u64| {
            if !drawn.is_empty() && next(state).is_multiple_of(3) {
                return drawn[(next(state) % drawn.len() as u64) as usize].clone();
            }
            let len = lens[(next(state) % 3) as usize];
            let mut l: Vec<u32> = Vec::new();
            while (l.len() as u64) < len {
                let r = (next(state) % u64::from(records)) as u32;
                if !l.contains(&r) {
                    l.push(r);
                }
            }
            l.sort_unstable();
            drawn.push(l.clone());
            l
        };
        let mut token_lists = FxHashMap::default();
        for t in tokens {
            token_lists.insert(t.clone(), list(state));
        }
        let mut gram_lists = FxHashMap::default();
        for g in name_grams(tokens) {
            gram_lists.insert(g, list(state));
        }
        Postings::new(token_lists, gram_lists, records as usize)
    }

    fn check(tokens: &[String], cases: usize, records: u32, lens: [u64; 3]) {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for case in 0..cases {
            let postings = postings(tokens, records, lens, &mut state);
            let config = ScreenerConfig {
                max_candidates: 1 + (next(&mut state) % 4) as usize,
                max_token_postings: 0,
                ..ScreenerConfig::default()
            };
            assert_eq!(
                postings.select(tokens, &config),
                postings.select_reference(tokens, &config),
                "case {case}"
            );
        }
    }

    #[test]
    fn the_vote_by_list_ranks_as_the_reference_does() {
        let tokens: Vec<String> = ["aa", "bb", "cc", "dd"].map(String::from).to_vec();
        check(&tokens, 3000, 24, [2, 3, 5]);
    }

    #[test]
    fn the_vote_by_posting_ranks_as_the_reference_does() {
        // More than 64 votes: 26 tokens and their 52 trigrams.
        let tokens: Vec<String> = (b'a'..=b'z')
            .map(|c| String::from_utf8(vec![c, b'q']).unwrap_or_default())
            .collect();
        check(&tokens, 1000, 60, [3, 5, 8]);
    }
}
