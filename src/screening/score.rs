//! Name scoring: order-insensitive, rarity-weighted token alignment between two normalised
//! names, giving a score in `0..=1` and the aligned token pairs as evidence.
//!
//! The method (also in docs/screening.md):
//! 1. Token similarity is the mean of an edit-distance ratio (Levenshtein with adjacent
//!    transpositions) and Jaro-Winkler (both written here, no
//!    crate), with hard rules: equal tokens score 1; tokens with digits must be equal; a single
//!    letter matches a token it starts with at 0.6 (an initial); below 0.6 is no match.
//! 2. A pair earns nearly full credit from similarity 0.9 (it loses half of what it lacks) and
//!    steeply less below it (`ortiz`/`ortega` is a different surname more often than a typo).
//!    A pair spelled plainly (no reading, nickname or skeleton made it) whose spellings are
//!    more than a slip apart ([`more_than_a_slip`]: more than two edits, three from 15
//!    letters, and consonants that differ by more than one) keeps only
//!    [`BEYOND_SLIP_CREDIT`] of its credit when another pair of distinctive words (neither
//!    generic nor a particle) agrees from 0.9: a typo changes a letter or two, a different
//!    surname of the same stem (`alexander lukashevich`/`alexander lukashenko`) more. With
//!    no such pair it keeps its credit, since a listed one-word name with three letters
//!    changed on purpose must stay a review. Two generic business words (`trade`/`trading`)
//!    are forms of one word and keep theirs.
//! 3. Pairs are aligned greedily, best similarity first, each token used once, so word order
//!    does not matter. Merged neighbours are tried too (`bel kap` vs `belkap`, `jin ping` vs
//!    `jinping`).
//! 4. Each token has a weight: its rarity in the indexed names (IDF-like), capped low for
//!    generic business words and name particles so they cannot carry a match.
//! 5. score = Σ credit·(w_q + w_c) / (Σ_aligned (w_q + w_c) + k·(0.85·Σ_unaligned-query w +
//!    0.7·Σ_unaligned-candidate w)), k = 2.5 when both sides have unaligned tokens (a
//!    substitution), else 1. Extra candidate tokens cost less than extra query tokens because
//!    list entries are often fuller (patronymics, second surnames) than names on an order.
//! 6. If tokens are left unaligned and every aligned pair is generic, the score is capped at
//!    0.5 ("Global Trading Corp" must not match "Trading Corp"); two different short names
//!    (5 letters or fewer in all) are multiplied by 0.8 (`ACME` vs `ACMA`).
//! 7. Names whose own given names are each other's father's names across `bin`/`ibn`
//!    (`AHMAD BIN HASAN` vs `HASAN BIN AHMAD`) are capped at 0.85, a review (`patronymic`).

use std::collections::HashMap;

use super::korean;
use super::mandarin;
use super::name_bound::{below_floor, CeilingMemo, Listed, ListedIds};
pub use super::name_bound::{score_ceiling, CEILING_SLACK};
use super::nicknames;
use super::normalize::cut_reading;
use super::patronymic::{self, CROSSED_PATRONYMIC_MAX};
use super::row_memo::RowMemo;
use super::similarity::may_reach;
pub use super::similarity::{
    exact_similarity, jaro_winkler, levenshtein, more_than_a_slip, similarity, similarity_bound,
    skeleton_similarity, token_similarity, Pruning, SKELETON_FACTOR, SLIP_EDITS,
};
use super::similarity::{similarity_known, NameFacts, TokenFacts};

mod matrix;
mod variants;
mod weights;
use matrix::{SimMatrix, SyllabicNames};
pub use matrix::{NICKNAME_SIM, ROMANISATION_SIM};
pub(super) use variants::{compare_listed_at_least, variants_below_floor};
pub use variants::{
    compare_query_at_least, compare_variants, compare_variants_at_least, query_variants, rejoined,
    score_names, QueryName,
};
pub(crate) use weights::is_particle;
pub use weights::{is_generic, TokenStats, WeightedTokens};

/// Similarity below which two tokens count as different.
pub const MIN_TOKEN_SIM: f64 = 0.6;
/// Similarity of an initial to a token starting with that letter.
pub const INITIAL_SIM: f64 = 0.6;
/// Names whose tokens add up to at most this many letters are "short": any difference
/// between two of them is penalised by [`SHORT_NAME_FACTOR`].
pub const SHORT_TOKEN_LEN: usize = 5;
/// Factor applied to the whole score when two different names are both short (compact length
/// at most [`SHORT_TOKEN_LEN`]): `EMMA` vs `EMMY` must stay well below a match.
pub const SHORT_NAME_FACTOR: f64 = 0.8;
/// Similarity from which a token pair earns full credit; below it credit falls off steeply
/// (`ortiz`/`ortega` is a different surname more often than a typo).
pub const FULL_CREDIT_SIM: f64 = 0.9;
/// Share of the similarity a near-identical pair (from [`FULL_CREDIT_SIM`]) lacks that it
/// loses in credit: `schloz`/`scholz` is a typo of the same word, so it should not pull a
/// name far below the block threshold (chosen on the bench's tuning half, see
/// docs/performance-screening.md).
pub const NEAR_LOSS: f64 = 0.5;
/// Most credit a pair of different tokens earns: a one-word name with a typo must stay below
/// the scores at which the screener treats a name as exact (`index::EXACT_NAME_MIN`,
/// `index::WEAK_ALIAS_MIN`, both 0.95), so that a namesake abroad is still lowered.
pub const NEAR_CREDIT_MAX: f64 = 0.94;
/// Factor on unaligned tokens when both names have some: a substitution (one surname where
/// the other name has a different one) is evidence of a different party, not a gap. (1.5
/// until issue 12; 2.5 chosen on the bench's tuning half, where 2.5 to 3 is a plateau.)
pub const CONFLICT_FACTOR: f64 = 2.5;
/// Weight of an unaligned query token relative to its own weight: a little less than its
/// weight, since orders add grandfathers' and tribal names and trading styles to a listed
/// name (1.0 until issue 12; 0.85 chosen on the bench's tuning half, 0.8 to 0.9 a plateau).
pub const UNMATCHED_QUERY_FACTOR: f64 = 0.85;
/// Weight of an unaligned candidate (list) token relative to its own weight.
pub const UNMATCHED_CANDIDATE_FACTOR: f64 = 0.7;
/// Share of its credit a pair keeps when its spellings differ by more than a slip
/// ([`more_than_a_slip`]) and another distinctive pair of the names agrees:
/// `saldivar`/`salinas`, `lukashevich`/`lukashenko` and `monteiro`/`montenegro` are similar
/// words and different surnames. Chosen on the bench's tuning half (0.3 to 0.4 a plateau, 0.5
/// close; 1.0 until 2026-12-02), see docs/performance-screening.md.
pub const BEYOND_SLIP_CREDIT: f64 = 0.4;
/// Cap on a score that rests only on generic tokens while other tokens are left over.
pub const GENERIC_ONLY_CAP: f64 = 0.5;
/// Highest weight of a generic business word.
pub const GENERIC_WEIGHT: f64 = 0.2;
/// Highest weight of a name particle or a single letter.
pub const PARTICLE_WEIGHT: f64 = 0.2;
/// Lowest weight of any token.
pub const MIN_WEIGHT: f64 = 0.2;
/// Names with at most this many tokens on both sides are aligned in full (every token pair,
/// merges of neighbours). Longer names are still compared: identical tokens are paired first,
/// and at most this many of the remaining tokens of each side are aligned fuzzily (the rest
/// count as unpaired); see [`compare`].
pub const MAX_TOKENS: usize = 64;
/// Tokens longer than this (in bytes) are compared only for equality: edit distance costs
/// the product of the lengths. No word of a real name comes close; spaced-out names that are
/// rejoined into one long token are matched exactly through the screener's compact index.
pub const MAX_FUZZY_TOKEN_LEN: usize = 256;

/// One aligned token pair.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TokenPair {
    /// Query-side token (possibly two merged tokens).
    pub query: String,
    /// Candidate-side token (possibly two merged tokens).
    pub candidate: String,
    /// Their similarity.
    pub similarity: f64,
}

/// The result of comparing two token lists.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NameScore {
    /// Score in `0..=1`.
    pub score: f64,
    /// Aligned pairs, best first.
    pub pairs: Vec<TokenPair>,
    /// Whether the generic-only cap was applied.
    pub generic_capped: bool,
    /// Whether the crossed-patronymic cap was applied ([`patronymic::crossed`]).
    pub patronymic_capped: bool,
    /// The score before either cap.
    pub uncapped: f64,
}

/// Similarity a merged token must reach with its partner for a merge to be accepted.
pub const MERGE_MIN_SIM: f64 = 0.85;

/// Compares a query name with a candidate name, both weighed.
///
/// Besides the plain alignment, names are re-aligned with two or three neighbouring tokens
/// merged on one side (`van der bilt` vs `vanderbilt`, `jin ping` vs `jinping`); a merge is
/// kept only if the merged token then pairs with similarity at least [`MERGE_MIN_SIM`], so
/// merging cannot manufacture fuzzy pairs such as `banktrust`/`bank`.
///
/// Names longer than [`MAX_TOKENS`] on either side are compared by [`compare_long`], whose
/// cost is linear in the tokens plus a bounded fuzzy part; an identical long name still
/// scores 1.
pub fn compare(query: &WeightedTokens, candidate: &WeightedTokens) -> NameScore {
    compare_with(query, candidate, Pruning::Bounded)
}

/// [`compare`], with or without the bounds that skip pairs and merges below their thresholds.
pub fn compare_with(
    query: &WeightedTokens,
    candidate: &WeightedTokens,
    pruning: Pruning,
) -> NameScore {
    compare_found(
        query,
        &TokenFacts::all(&query.tokens),
        candidate,
        &TokenFacts::all(&candidate.tokens),
        None,
        pruning,
        None,
    )
    .materialize(query, candidate)
}

/// [`compare`] without materialising the pairs: most candidates of a query are dropped.
///
/// `query_syllabic` is whether the query is a Mandarin name ([`mandarin::is_syllabic_name`]),
/// when the caller knows it (it is the same for every candidate of a query);
/// `query_facts` and `candidate_facts` are the [`TokenFacts`] of each name's tokens; `memo`,
/// the query reading's memo of token similarities with the candidate's token ids.
fn compare_found(
    query: &WeightedTokens,
    query_facts: &[TokenFacts],
    candidate: &WeightedTokens,
    candidate_facts: &[TokenFacts],
    query_syllabic: Option<bool>,
    pruning: Pruning,
    memo: Option<(&mut RowMemo, &ListedIds)>,
) -> Found {
    let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
    if nq == 0 || nc == 0 {
        return Found::Short(Alignment::empty(), Merged::Neither);
    }
    if nq > MAX_TOKENS || nc > MAX_TOKENS {
        return Found::Long(compare_long_with(query, candidate, pruning));
    }
    let syllabic = SyllabicNames::new(query, candidate, query_syllabic);
    let sims = SimMatrix::new(
        query,
        query_facts,
        candidate,
        candidate_facts,
        pruning,
        &syllabic,
        memo,
    );
    let base = align(query, candidate, &sims);
    // A merge can only help a token that the plain alignment left over or paired weakly, so
    // only spans containing such a token are tried; this also bounds the work on long names.
    let mut q_loose: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![true; nq];
    let mut c_loose: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![true; nc];
    for &(i, j, sim) in &base.pairs {
        if sim >= MERGE_MIN_SIM {
            q_loose[i] = false;
            c_loose[j] = false;
        }
    }
    let any_loose = |v: &[bool]| v.iter().any(|&b| b);
    if base.score >= 1.0 || !any_loose(&q_loose) || !any_loose(&c_loose) {
        return Found::Short(base, Merged::Neither);
    }
    // The best alignment so far, and the merged name of the side it merged, if any; only the
    // one kept is materialised.
    let mut best = (base, Merged::Neither);
    for span in [2usize, 3] {
        for i in 0..(nq + 1).saturating_sub(span) {
            if !any_loose(&q_loose[i..i + span]) {
                continue;
            }
            let len: usize = query.tokens[i..i + span].iter().map(String::len).sum();
            // Between names known not to be both Mandarin only the lengths can let a merge
            // through here: the merged token is not built for a merge they rule out.
            if !syllabic.may_read() && !candidate.tokens.iter().any(|t| t.len() + 2 >= len) {
                continue;
            }
            let joined: String = query.tokens[i..i + span].concat();
            // Wade-Giles writes a syllable up to two letters longer than pinyin (`chieh`/`jie`).
            if !candidate
                .tokens
                .iter()
                .any(|t| t.len() + 2 >= len || syllabic.reads(&joined, t))
            {
                continue;
            }
            // A merge counts only if its token pairs at MERGE_MIN_SIM or more.
            if pruning == Pruning::Bounded
                && !candidate
                    .tokens
                    .iter()
                    .zip(in_table(candidate_facts))
                    .any(|(t, listed)| {
                        may_reach(&joined, t, MERGE_MIN_SIM, listed) || syllabic.reads(&joined, t)
                    })
            {
                continue;
            }
            let merged = query.merged(i, span);
            let m = sims.with_query_merged(i, span, &merged, candidate, &syllabic);
            let s = align(&merged, candidate, &m);
            let genuine = s.pairs.iter().any(|p| p.0 == i && p.2 >= MERGE_MIN_SIM);
            if genuine && s.score > best.0.score {
                best = (s, Merged::Query(merged));
            }
        }
        for j in 0..(nc + 1).saturating_sub(span) {
            if !any_loose(&c_loose[j..j + span]) {
                continue;
            }
            let len: usize = candidate.tokens[j..j + span].iter().map(String::len).sum();
            if !syllabic.may_read() && !query.tokens.iter().any(|t| t.len() + 2 >= len) {
                continue;
            }
            let joined: String = candidate.tokens[j..j + span].concat();
            if !query
                .tokens
                .iter()
                .any(|t| t.len() + 2 >= len || syllabic.reads(t, &joined))
            {
                continue;
            }
            if pruning == Pruning::Bounded
                && !query
                    .tokens
                    .iter()
                    .zip(in_table(query_facts))
                    .any(|(t, listed)| {
                        may_reach(t, &joined, MERGE_MIN_SIM, listed) || syllabic.reads(t, &joined)
                    })
            {
                continue;
            }
            let merged = candidate.merged(j, span);
            let m = sims.with_candidate_merged(j, span, query, &merged, &syllabic);
            let s = align(query, &merged, &m);
            let genuine = s.pairs.iter().any(|p| p.1 == j && p.2 >= MERGE_MIN_SIM);
            if genuine && s.score > best.0.score {
                best = (s, Merged::Candidate(merged));
            }
        }
    }
    Found::Short(best.0, best.1)
}

/// Per token of a name, whether it may be in the nickname table: its fact, and true past the
/// facts' end (they are never short), so that zipping a name's tokens with this meets them all.
fn in_table(facts: &[TokenFacts]) -> impl Iterator<Item = bool> + '_ {
    facts
        .iter()
        .map(|f| f.nickname)
        .chain(std::iter::repeat(true))
}

/// The best alignment [`compare`] found, before its pairs are materialised.
enum Found {
    /// An alignment by positions, and the side whose neighbours it merged.
    Short(Alignment, Merged),
    /// A long name's score (already materialised: long names are rare).
    Long(NameScore),
}

impl Found {
    fn score(&self) -> f64 {
        match self {
            Found::Short(a, _) => a.score,
            Found::Long(s) => s.score,
        }
    }

    fn materialize(self, query: &WeightedTokens, candidate: &WeightedTokens) -> NameScore {
        match self {
            Found::Short(a, Merged::Neither) => a.materialize(query, candidate),
            Found::Short(a, Merged::Query(q)) => a.materialize(&q, candidate),
            Found::Short(a, Merged::Candidate(c)) => a.materialize(query, &c),
            Found::Long(s) => s,
        }
    }
}

/// Which side of a comparison an alignment merged neighbouring tokens of, with that side.
enum Merged {
    Neither,
    Query(WeightedTokens),
    Candidate(WeightedTokens),
}

/// Credit a token pair earns for its similarity: from [`FULL_CREDIT_SIM`] it loses only
/// [`NEAR_LOSS`] of the similarity it lacks (a one-letter slip is still the same word); below,
/// it falls off as a square root towards [`MIN_TOKEN_SIM`], continuously.
pub fn credit(sim: f64) -> f64 {
    let top = 1.0 - NEAR_LOSS * (1.0 - FULL_CREDIT_SIM);
    if sim >= 1.0 {
        1.0
    } else if sim >= FULL_CREDIT_SIM {
        (1.0 - NEAR_LOSS * (1.0 - sim)).min(NEAR_CREDIT_MAX)
    } else if sim < MIN_TOKEN_SIM {
        0.0
    } else {
        top * ((sim - MIN_TOKEN_SIM) / (FULL_CREDIT_SIM - MIN_TOKEN_SIM)).sqrt() * sim
            / FULL_CREDIT_SIM
    }
}

/// An alignment by token positions; strings are only copied for the alignment kept.
struct Alignment {
    score: f64,
    pairs: Vec<(usize, usize, f64)>,
    generic_capped: bool,
    patronymic_capped: bool,
    uncapped: f64,
}

impl Alignment {
    fn empty() -> Alignment {
        Alignment {
            score: 0.0,
            pairs: Vec::new(),
            generic_capped: false,
            patronymic_capped: false,
            uncapped: 0.0,
        }
    }

    fn materialize(self, query: &WeightedTokens, candidate: &WeightedTokens) -> NameScore {
        NameScore {
            score: self.score,
            pairs: self
                .pairs
                .iter()
                .map(|&(i, j, sim)| TokenPair {
                    query: query.tokens[i].clone(),
                    candidate: candidate.tokens[j].clone(),
                    similarity: sim,
                })
                .collect(),
            generic_capped: self.generic_capped,
            patronymic_capped: self.patronymic_capped,
            uncapped: self.uncapped,
        }
    }
}

/// Compares names of which at least one has more than [`MAX_TOKENS`] tokens, in time linear
/// in the tokens plus at most `MAX_TOKENS²` token comparisons:
///
/// 1. identical tokens are paired first, each token used once, in name order (what the greedy
///    alignment does too, since identical tokens are its best pairs);
/// 2. the tokens left on each side, at most [`MAX_TOKENS`] of them in name order, are aligned
///    greedily as usual; any further leftovers count as unpaired.
///
/// Merges of neighbouring tokens are not tried. An identical name therefore scores 1 at any
/// length, and a name that differs in a few tokens scores as it would without the limit; only
/// names that differ in more than [`MAX_TOKENS`] tokens on both sides lose fuzzy pairs, and
/// those are far below any match threshold already.
pub fn compare_long(query: &WeightedTokens, candidate: &WeightedTokens) -> NameScore {
    compare_long_with(query, candidate, Pruning::Bounded)
}

fn compare_long_with(
    query: &WeightedTokens,
    candidate: &WeightedTokens,
    pruning: Pruning,
) -> NameScore {
    let mut positions: HashMap<&str, std::collections::VecDeque<usize>> = HashMap::new();
    for (j, t) in candidate.tokens.iter().enumerate() {
        positions.entry(t.as_str()).or_default().push_back(j);
    }
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    let mut c_paired = vec![false; candidate.tokens.len()];
    let mut q_rest: Vec<usize> = Vec::new();
    for (i, t) in query.tokens.iter().enumerate() {
        match positions.get_mut(t.as_str()).and_then(|p| p.pop_front()) {
            Some(j) => {
                c_paired[j] = true;
                pairs.push((i, j, 1.0));
            }
            None => q_rest.push(i),
        }
    }
    let c_rest: Vec<usize> = (0..candidate.tokens.len())
        .filter(|&j| !c_paired[j])
        .collect();
    let q_fuzzy = &q_rest[..q_rest.len().min(MAX_TOKENS)];
    let c_fuzzy = &c_rest[..c_rest.len().min(MAX_TOKENS)];
    let pick = |w: &WeightedTokens, idx: &[usize]| WeightedTokens {
        tokens: idx.iter().map(|&i| w.tokens[i].clone()).collect(),
        weights: idx.iter().map(|&i| w.weights[i]).collect(),
    };
    if !q_fuzzy.is_empty() && !c_fuzzy.is_empty() {
        let (sub_q, sub_c) = (pick(query, q_fuzzy), pick(candidate, c_fuzzy));
        let sims = SimMatrix::new(
            &sub_q,
            &TokenFacts::all(&sub_q.tokens),
            &sub_c,
            &TokenFacts::all(&sub_c.tokens),
            pruning,
            &SyllabicNames::new(&sub_q, &sub_c, None),
            None,
        );
        for (i, j, sim) in greedy_pairs(&sub_q, &sub_c, &sims) {
            pairs.push((q_fuzzy[i], c_fuzzy[j], sim));
        }
    }
    finish(query, candidate, pairs).materialize(query, candidate)
}

fn align(query: &WeightedTokens, candidate: &WeightedTokens, sims: &SimMatrix) -> Alignment {
    let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
    if nq == 0 || nc == 0 || nq > MAX_TOKENS || nc > MAX_TOKENS {
        return Alignment::empty();
    }
    let pairs = greedy_pairs(query, candidate, sims);
    finish(query, candidate, pairs)
}

/// Greedy alignment of names of at most [`MAX_TOKENS`] tokens each: best similarity first,
/// then the heavier pair, then name order; each token used once.
fn greedy_pairs(
    query: &WeightedTokens,
    candidate: &WeightedTokens,
    sims: &SimMatrix,
) -> Vec<(usize, usize, f64)> {
    let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
    if nq == 0 || nc == 0 || nq > MAX_TOKENS || nc > MAX_TOKENS {
        return Vec::new();
    }
    let mut options: smallvec::SmallVec<[(f64, f64, usize, usize); 16]> =
        smallvec::SmallVec::with_capacity(nq * nc);
    for i in 0..nq {
        for j in 0..nc {
            let sim = sims.get(i, j);
            if sim > 0.0 {
                options.push((sim, query.weights[i] + candidate.weights[j], i, j));
            }
        }
    }
    options.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut q_used = 0u64;
    let mut c_used = 0u64;
    let mut pairs = Vec::with_capacity(nq.min(nc));
    for (sim, _, i, j) in options.into_iter() {
        if q_used & (1 << i) != 0 || c_used & (1 << j) != 0 {
            continue;
        }
        q_used |= 1 << i;
        c_used |= 1 << j;
        pairs.push((i, j, sim));
    }
    pairs
}

/// The score of an alignment given as `(query position, candidate position, similarity)`
/// pairs, each position used at most once.
fn finish(
    query: &WeightedTokens,
    candidate: &WeightedTokens,
    pairs: Vec<(usize, usize, f64)>,
) -> Alignment {
    let empty = Alignment::empty();
    let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
    let mut q_used: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![false; nq];
    let mut c_used: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![false; nc];
    let mut num = 0.0;
    let mut den = 0.0;
    let mut substantive = false;
    // A pair more than a slip apart loses credit only beside another pair of distinctive
    // words that agree (`luis` in `luis monteiro`/`luis montenegro`): then it is a
    // different surname of a named person. Alone, it may be a listed one-word name with
    // letters changed on purpose, and that keeps its full credit (a review, not a clear).
    let distinctive = |t: &str| !is_generic(t) && !weights::is_particle(t);
    let is_anchor = |i: usize, j: usize, sim: f64| {
        sim >= FULL_CREDIT_SIM && distinctive(&query.tokens[i]) && distinctive(&candidate.tokens[j])
    };
    let anchors = pairs
        .iter()
        .filter(|&&(i, j, sim)| is_anchor(i, j, sim))
        .count();
    for &(i, j, sim) in &pairs {
        q_used[i] = true;
        c_used[j] = true;
        let w = query.weights[i] + candidate.weights[j];
        let (q, c) = (&query.tokens[i], &candidate.tokens[j]);
        let both_generic = is_generic(q) && is_generic(c);
        let other_anchors = anchors.saturating_sub(usize::from(is_anchor(i, j, sim)));
        let earned = if other_anchors > 0 && !both_generic && more_than_a_slip(q, c, sim) {
            BEYOND_SLIP_CREDIT * credit(sim)
        } else {
            credit(sim)
        };
        num += earned * w;
        den += w;
        if sim >= 0.8 && !both_generic {
            substantive = true;
        }
    }
    let q_left: f64 = (0..nq)
        .filter(|&i| !q_used[i])
        .map(|i| query.weights[i])
        .sum();
    let c_left: f64 = (0..nc)
        .filter(|&j| !c_used[j])
        .map(|j| candidate.weights[j])
        .sum();
    let leftover = q_left > 0.0 || c_left > 0.0;
    let conflict = if q_left > 0.0 && c_left > 0.0 {
        CONFLICT_FACTOR
    } else {
        1.0
    };
    den += conflict * (UNMATCHED_QUERY_FACTOR * q_left + UNMATCHED_CANDIDATE_FACTOR * c_left);
    if den <= 0.0 {
        return empty;
    }
    let mut score = (num / den).clamp(0.0, 1.0);
    let compact = |t: &[String]| t.iter().map(String::len).sum::<usize>();
    if score < 1.0
        && compact(&query.tokens) <= SHORT_TOKEN_LEN
        && compact(&candidate.tokens) <= SHORT_TOKEN_LEN
    {
        score *= SHORT_NAME_FACTOR;
    }
    let uncapped = score;
    let mut generic_capped = false;
    if leftover && !substantive && score > GENERIC_ONLY_CAP {
        score = GENERIC_ONLY_CAP;
        generic_capped = true;
    }
    let mut patronymic_capped = false;
    if score > CROSSED_PATRONYMIC_MAX && patronymic::crossed(&query.tokens, &candidate.tokens) {
        score = CROSSED_PATRONYMIC_MAX;
        patronymic_capped = true;
    }
    Alignment {
        score,
        pairs,
        generic_capped,
        patronymic_capped,
        uncapped,
    }
}
