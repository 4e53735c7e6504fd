//! A cheap upper bound on the score [`super::score::compare`] gives two names, so that a
//! candidate that cannot reach the screen's floor is dropped before its similarity matrix,
//! alignment and merges are computed. Most of the candidates the index hands a query share a
//! trigram or a common word with it and nothing more; this is where they are let go.
//!
//! The bound is exact in the sense that matters for fail-closed screening: it is never below
//! the score, so a candidate it drops scores below the floor in full too. The argument, step
//! by step, is in the comments of [`score_ceiling`] and its helpers; `Pruning::Exhaustive`
//! skips it, and the property tests of `tests/it/screening_pruning.rs` compare the two paths.

use super::korean;
use super::mandarin;
use super::nicknames;
use super::row_memo::RowMemo;
use super::score::{
    credit, WeightedTokens, CONFLICT_FACTOR, FULL_CREDIT_SIM, INITIAL_SIM, MAX_FUZZY_TOKEN_LEN,
    MAX_TOKENS, MERGE_MIN_SIM, MIN_TOKEN_SIM, NEAR_LOSS, NICKNAME_SIM, SKELETON_FACTOR,
    UNMATCHED_CANDIDATE_FACTOR, UNMATCHED_QUERY_FACTOR,
};
use super::similarity::{bound_known, may_reach_skeletons, TokenFacts};
use super::translit;

/// Margin by which a ceiling must fall below the floor to drop a candidate: the ceiling sums
/// the same kinds of terms as the score in another order, so the two can differ by rounding
/// (a few ulps), never by this much.
pub const CEILING_SLACK: f64 = 1e-9;

/// An upper bound on the score of the comparison of `query` with `candidate` (before the
/// screener's entry-level evidence), or `None` when no cheap bound is known and the pair must
/// be compared in full: names longer than [`MAX_TOKENS`], two Mandarin names (Wade-Giles
/// readings raise pairs no letter count bounds), weights that are not finite and
/// non-negative, and any pair of names where a merge of neighbouring tokens might be tried.
///
/// `query_syllabic` is [`mandarin::is_syllabic_name`] of the query when the caller knows it.
pub fn score_ceiling(
    query: &WeightedTokens,
    query_syllabic: Option<bool>,
    candidate: &WeightedTokens,
) -> Option<f64> {
    let (query_facts, candidate_facts) = (
        TokenFacts::all(&query.tokens),
        TokenFacts::all(&candidate.tokens),
    );
    let listed = Listed {
        tokens: &candidate.tokens,
        weights: &candidate.weights,
        facts: &candidate_facts,
    };
    let ceiling = plain_ceiling(
        query,
        &query_facts,
        query_syllabic,
        listed,
        None,
        f64::NEG_INFINITY,
    )?;
    // The alignment the bound covers is the plain one; a merge changes which tokens exist,
    // so the bound is only used when no merge can be tried. `compare` tries a merge only if
    // some token of the other side is long enough for it and the merged token may reach
    // MERGE_MIN_SIM with some token of the other side (`may_reach`); the Wade-Giles escape of
    // both conditions needs two Mandarin names, excluded by `plain_ceiling`. Checking every
    // span (not only those with a loosely paired token, as `compare` does) asks for more,
    // never less.
    let mut joined = String::new();
    if merge_either(
        &query.tokens,
        &query_facts,
        &candidate.tokens,
        &candidate_facts,
        &mut joined,
    ) {
        return None;
    }
    Some(ceiling)
}

/// A candidate name as the ceiling reads it: its tokens, their weights and their
/// [`TokenFacts`]. The tokens are the strings of an unpacked name or borrowed from the
/// index's vocabulary (`index::names`), so that a candidate can be ruled out without being
/// unpacked.
#[derive(Debug)]
pub(super) struct Listed<'a, S> {
    pub(super) tokens: &'a [S],
    pub(super) weights: &'a [f64],
    pub(super) facts: &'a [TokenFacts],
}

// Borrows only, whatever `S` is (a derive would ask `S: Copy`).
impl<S> Clone for Listed<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Listed<'_, S> {}

/// Whether the comparison of `query` with `candidate` certainly scores below `floor` (by
/// more than [`CEILING_SLACK`]): [`score_ceiling`], with the merge check, the dearer part,
/// done only for a ceiling below the floor. `query_facts` are the [`TokenFacts`] of the
/// query's tokens.
///
/// With `memo`, the credit ceilings of the query's tokens against each listed token (by its
/// id in the index, `ListedIds`) are looked up in, or added to, the memo of this query
/// reading, and the query's neighbouring tokens are joined once for the merge check: the
/// hundreds of candidates of a query share their business word and syllables.
pub(super) fn below_floor<S: AsRef<str>>(
    query: &WeightedTokens,
    query_facts: &[TokenFacts],
    query_syllabic: Option<bool>,
    candidate: Listed<S>,
    floor: f64,
    mut memo: Option<(&mut CeilingMemo, &[u32])>,
) -> bool {
    let below = plain_ceiling(
        query,
        query_facts,
        query_syllabic,
        candidate,
        memo.as_mut().map(|(m, ids)| (&mut **m, *ids)),
        floor,
    )
    .is_some_and(|c| c + CEILING_SLACK < floor);
    if !below {
        return false;
    }
    match memo {
        Some((m, _)) => {
            !merge_joined(m.joined(&query.tokens), candidate.tokens, candidate.facts)
                && !merge_possible(candidate.tokens, &query.tokens, query_facts, &mut m.buffer)
        }
        None => !merge_either(
            &query.tokens,
            query_facts,
            candidate.tokens,
            candidate.facts,
            &mut String::new(),
        ),
    }
}

/// Whether `compare` may try a merge on either side: [`merge_possible`] of the query's
/// neighbouring tokens against the candidate's, and of the candidate's against the query's,
/// joined in `joined`.
fn merge_either<S: AsRef<str>>(
    query: &[String],
    query_facts: &[TokenFacts],
    candidate: &[S],
    candidate_facts: &[TokenFacts],
    joined: &mut String,
) -> bool {
    merge_possible(query, candidate, candidate_facts, joined)
        || merge_possible(candidate, query, query_facts, joined)
}

/// [`score_ceiling`] of the plain alignment, as if no merge could be tried; or, when a looser
/// bound worked out first is below `floor` (by more than [`CEILING_SLACK`]), that bound, which
/// says as much to a caller asking whether the score is below `floor`.
fn plain_ceiling<S: AsRef<str>>(
    query: &WeightedTokens,
    query_facts: &[TokenFacts],
    query_syllabic: Option<bool>,
    candidate: Listed<S>,
    memo: Option<(&mut CeilingMemo, &[u32])>,
    floor: f64,
) -> Option<f64> {
    let candidate_facts = candidate.facts;
    let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
    if nq == 0 || nc == 0 || nq > MAX_TOKENS || nc > MAX_TOKENS {
        return None;
    }
    if query_facts.len() != nq || candidate_facts.len() != nc {
        return None;
    }
    let sane = |w: &[f64]| w.iter().all(|&x| x.is_finite() && x >= 0.0);
    if candidate.weights.len() != nc || !sane(&query.weights) || !sane(candidate.weights) {
        return None;
    }
    if query_syllabic.unwrap_or_else(|| mandarin::is_syllabic_name(&query.tokens))
        && mandarin::is_syllabic_name(candidate.tokens)
    {
        return None;
    }
    // Nor between two Korean names, whose tokens may be one word in two romanisations.
    // The query's facts first: the same for every candidate, and seldom all Korean.
    if query_facts.iter().all(|f| f.korean)
        && candidate_facts.iter().all(|f| f.korean)
        && korean::has_name_shape(&query.tokens)
        && korean::has_name_shape(candidate.tokens)
    {
        return None;
    }
    let nicknames_count = nq > 1 && nc > 1;
    // Each token's most credit with any partner, or `UNREACHABLE` when its similarity with
    // every partner is certainly 0 (so the alignment leaves it unpaired).
    // Fixed arrays (both lengths are at most MAX_TOKENS, checked above): asked for each of a
    // query's hundreds of candidates, where a small vector's length checks cost more than
    // filling the array.
    let mut q_credit_all = [UNREACHABLE; MAX_TOKENS];
    let mut c_credit_all = [UNREACHABLE; MAX_TOKENS];
    let (Some(q_credit), Some(c_credit)) = (q_credit_all.get_mut(..nq), c_credit_all.get_mut(..nc))
    else {
        return None;
    };
    // What the pair rules ask of one token is worked out once per token, not once per pair;
    // with a memo, each pair's spelling ceiling once per query reading and listed token. The
    // maxima do not depend on the order the pairs are met in.
    let mut memo = memo.filter(|(_, ids)| ids.len() == nc);
    let mut spelled_row: smallvec::SmallVec<[f64; 8]> = smallvec::SmallVec::new();
    for (j, (c, c_facts)) in candidate.tokens.iter().zip(candidate_facts).enumerate() {
        let c = c.as_ref();
        let listed = memo
            .as_mut()
            .and_then(|(memo, ids)| Some((&mut **memo, *ids.get(j)?)));
        let row: &[f64] =
            match listed {
                Some((memo, id)) => memo.row(id, nq, |i| {
                    query
                        .tokens
                        .get(i)
                        .zip(query_facts.get(i))
                        .map_or(0.0, |(q, q_facts)| {
                            pair_ceiling(spelled_ceiling(q, q_facts, c, c_facts))
                        })
                }),
                None => {
                    spelled_row.clear();
                    spelled_row.extend(
                        query.tokens.iter().zip(query_facts).map(|(q, q_facts)| {
                            pair_ceiling(spelled_ceiling(q, q_facts, c, c_facts))
                        }),
                    );
                    &spelled_row
                }
            };
        // Never missing (j < nc); were it, no bound, rather than one that left a token out.
        let cc = c_credit.get_mut(j)?;
        // A nickname or another spelling raises a pair only between two tokens of the table
        // (`with_nickname`): a listed token outside it takes its row as it is, the common
        // case, in a plain loop.
        if row.len() == nq && !c_facts.nickname {
            for (qc, &spelled) in q_credit.iter_mut().zip(row) {
                *qc = qc.max(spelled);
                *cc = cc.max(spelled);
            }
            continue;
        }
        for (i, ((q, q_facts), qc)) in query
            .tokens
            .iter()
            .zip(query_facts)
            .zip(q_credit.iter_mut())
            .enumerate()
        {
            let spelled = row.get(i).copied().unwrap_or(0.0);
            let most = with_nickname(spelled, q, q_facts, c, c_facts, nicknames_count);
            *qc = qc.max(most);
            *cc = cc.max(most);
        }
    }
    // The score is `num / den` (then clamped to 1, and only lowered by the short-name factor
    // and the generic cap), with P the aligned pairs, Pq and Pc their tokens:
    //   num = Σ_P credit(sim_ij)·(wq_i + wc_j) ≤ Σ_Pq cq_i·wq_i + Σ_Pc cc_j·wc_j,
    // where cq_i (cc_j) is the most credit token i (j) can earn with any partner; and, since
    // the factor on unaligned weight is 1 or more and weights are non-negative,
    //   den ≥ Σ_Pq wq_i + Σ_Pc wc_j + 0.85·Σ_{q∉Pq} wq + 0.7·Σ_{c∉Pc} wc
    //       = base + Σ_Pq 0.15·wq_i + Σ_Pc 0.3·wc_j,   base = 0.85·Σ wq + 0.7·Σ wc.
    // So the score is at most (Σ_S a_t) / (base + Σ_S b_t) for S = Pq ∪ Pc, with a_t the
    // credit times the weight and b_t what pairing adds to the denominator. Whatever P the
    // greedy alignment picks, this is at most its maximum over all sets S of tokens, and that
    // maximum is reached by taking tokens in decreasing a/b while the ratio grows: for the
    // best ratio R, a set is best exactly when it holds every token with a/b > R (adding one
    // with a/b > R raises the ratio, removing one with a/b < R does too), which is a prefix
    // of that order. Every prefix is tried, so the order's ties do not matter.
    let (mut base, mut all_credit) = (0.0, 0.0);
    let sides = [
        (&query.weights[..], &*q_credit, UNMATCHED_QUERY_FACTOR),
        (candidate.weights, &*c_credit, UNMATCHED_CANDIDATE_FACTOR),
    ];
    for (weights, credits, unmatched) in sides {
        for (&w, &cr) in weights.iter().zip(credits.iter()) {
            base += unmatched * w;
            let (a, b) = (cr * w, (1.0 - unmatched) * w);
            if a > 0.0 && b > 0.0 {
                all_credit += a;
            }
        }
    }
    if base <= 0.0 {
        return None;
    }
    // Every set S of the bound above has Σ_S a ≤ all_credit and a denominator of at least
    // `base`, so all_credit / base bounds the best ratio: for a candidate sharing little with
    // the query (most of them) it is below the floor already, and the terms, their sort and
    // the conflict ceiling are not needed to say so.
    let loose = all_credit / base;
    if loose + CEILING_SLACK < floor {
        return Some(loose);
    }
    let mut terms: smallvec::SmallVec<[(f64, f64, f64); 16]> = smallvec::SmallVec::new();
    for (weights, credits, unmatched) in sides {
        for (&w, &cr) in weights.iter().zip(credits.iter()) {
            let (a, b) = (cr * w, (1.0 - unmatched) * w);
            if a > 0.0 && b > 0.0 {
                terms.push((a / b, a, b));
            }
        }
    }
    terms.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (mut num, mut den, mut best) = (0.0, base, 0.0f64);
    for &(_, a, b) in &terms {
        num += a;
        den += b;
        best = best.max(num / den);
    }
    let best = best.min(1.0);
    Some(
        match conflict_ceiling(&query.weights, q_credit, candidate.weights, c_credit) {
            Some(conflict) => best.min(conflict),
            None => best,
        },
    )
}

/// The score's ceiling when both names certainly keep a token unpaired (`credits` below 0: no
/// partner's similarity with it can be above 0), so that `compare` charges unpaired weight
/// [`CONFLICT_FACTOR`] times (a substitution); `None` otherwise. With F the tokens that stay
/// unpaired for certain and T the others, every unpaired token of T adds at least its weight
/// to the denominator (`CONFLICT_FACTOR` times 0.85 or 0.7 is more than 1), as a paired one
/// does, so
///   den ≥ Σ_T w + CONFLICT_FACTOR·(0.85·Σ_Fq w + 0.7·Σ_Fc w),   num ≤ Σ_T credit·w.
/// Between a two-word order name and a listed name that share one word, the other two words
/// are this substitution, which the plain ceiling (factor 1) does not see.
fn conflict_ceiling(
    query_weights: &[f64],
    q_credit: &[f64],
    candidate_weights: &[f64],
    c_credit: &[f64],
) -> Option<f64> {
    let (mut num, mut paired, mut unpaired) = (0.0, 0.0, [0.0f64; 2]);
    let sides = [
        (query_weights, q_credit, UNMATCHED_QUERY_FACTOR),
        (candidate_weights, c_credit, UNMATCHED_CANDIDATE_FACTOR),
    ];
    for (side, (weights, credits, unmatched)) in sides.into_iter().enumerate() {
        if weights.len() != credits.len() {
            return None;
        }
        for (&w, &cr) in weights.iter().zip(credits) {
            if cr < 0.0 {
                unpaired[side] += unmatched * w;
            } else {
                num += cr * w;
                paired += w;
            }
        }
    }
    if unpaired[0] <= 0.0 || unpaired[1] <= 0.0 {
        return None;
    }
    let den = paired + CONFLICT_FACTOR * (unpaired[0] + unpaired[1]);
    (den > 0.0).then(|| (num / den).min(1.0))
}

/// [`credit_ceiling`] of a pair's [`spelled_ceiling`], or [`UNREACHABLE`] when that ceiling
/// is below [`MIN_TOKEN_SIM`] by more than [`ZERO_MARGIN`]: then the letter bound ruled the
/// plain comparison out and no skeleton, initial or equality rule applies, so `similarity`
/// gives the pair 0 (only a nickname, [`with_nickname`], can still raise it).
fn pair_ceiling(spelled: f64) -> f64 {
    if spelled < MIN_TOKEN_SIM - ZERO_MARGIN {
        UNREACHABLE
    } else {
        credit_ceiling(spelled)
    }
}

/// A pair ceiling's mark of a pair whose similarity is certainly 0 ([`pair_ceiling`]); as a
/// credit, below any (`max` with a real credit keeps the credit).
const UNREACHABLE: f64 = -1.0;

/// How far below [`MIN_TOKEN_SIM`] a spelled ceiling must be to mark a pair [`UNREACHABLE`]:
/// far more than the [`CEILING_SLACK`] added to the letter bound and the `1e-9` under the
/// threshold at which `similarity` rules a pair out, so that no rounding can mark a pair
/// `similarity` compares.
const ZERO_MARGIN: f64 = 1e-6;

/// Whether `compare` may try merging two or three neighbouring tokens of `side` (see the
/// comment in [`score_ceiling`]): some token of `other` is at most two letters shorter than
/// the merged token, and the merged token may reach [`MERGE_MIN_SIM`] with some token of
/// `other`. `other_facts` are the [`TokenFacts`] of `other`'s tokens (for the nickname table).
fn merge_possible<S: AsRef<str>, T: AsRef<str>>(
    side: &[S],
    other: &[T],
    other_facts: &[TokenFacts],
    joined: &mut String,
) -> bool {
    let longest_other = other.iter().map(|t| t.as_ref().len()).max().unwrap_or(0);
    for span in [2usize, 3] {
        for i in 0..(side.len() + 1).saturating_sub(span) {
            let parts = &side[i..i + span];
            let len: usize = parts.iter().map(|p| p.as_ref().len()).sum();
            if longest_other + 2 < len {
                continue;
            }
            joined.clear();
            for p in parts {
                joined.push_str(p.as_ref());
            }
            if reaches_any(joined, translit::is_skeleton(joined), other, other_facts) {
                return true;
            }
        }
    }
    false
}

/// A run of neighbouring tokens joined: its length, the joined token and whether it is a
/// skeleton ([`translit::is_skeleton`]).
type JoinedRun = (usize, String, bool);

/// Every run of two and three neighbouring tokens of `side`, joined: what [`merge_possible`]
/// joins, in its order.
fn joined_spans(side: &[String]) -> Vec<JoinedRun> {
    let mut out = Vec::new();
    for span in [2usize, 3] {
        for parts in side.windows(span) {
            let joined = parts.concat();
            let skeleton = translit::is_skeleton(&joined);
            out.push((joined.len(), joined, skeleton));
        }
    }
    out
}

/// [`merge_possible`] of a side whose runs are joined already ([`joined_spans`]).
fn merge_joined<S: AsRef<str>>(
    joined: &[JoinedRun],
    other: &[S],
    other_facts: &[TokenFacts],
) -> bool {
    let longest_other = other.iter().map(|t| t.as_ref().len()).max().unwrap_or(0);
    joined.iter().any(|(len, joined, skeleton)| {
        longest_other + 2 >= *len && reaches_any(joined, *skeleton, other, other_facts)
    })
}

/// Whether the merged token `joined` (a skeleton or not, `joined_skeleton`) may reach
/// [`MERGE_MIN_SIM`] with some token of `other` (`may_reach`), the nickname table asked only
/// for tokens of `other` that are in it, and whether they are skeletons read from their facts.
fn reaches_any<S: AsRef<str>>(
    joined: &str,
    joined_skeleton: bool,
    other: &[S],
    other_facts: &[TokenFacts],
) -> bool {
    other.iter().enumerate().any(|(i, t)| {
        let t = t.as_ref();
        let facts = other_facts.get(i);
        // Facts missing (they never are): the table is asked, the token read.
        let in_table = facts.is_none_or(|f| f.nickname);
        let skeletons = || {
            let other = facts.map_or_else(|| translit::is_skeleton(t), |f| f.skeleton);
            (joined_skeleton, other)
        };
        may_reach_skeletons(joined, t, skeletons, MERGE_MIN_SIM, in_table)
    })
}

/// An upper bound on the similarity `compare` gives tokens `a` and `b` between two names that
/// are not both Mandarin, but for nicknames ([`with_nickname`]): the hard rules of
/// `similarity` (equal, digits, initials), the most an Arabic skeleton can give
/// ([`SKELETON_FACTOR`]), and the letter bound on Levenshtein and Jaro-Winkler (with
/// [`CEILING_SLACK`] for its rounding). A function of the two tokens alone, so the same for
/// every candidate holding the listed token.
fn spelled_ceiling(a: &str, fa: &TokenFacts, b: &str, fb: &TokenFacts) -> f64 {
    if a == b {
        1.0
    } else if a.is_empty() || b.is_empty() || fa.digits || fb.digits {
        0.0
    } else if a.len() == 1 || b.len() == 1 {
        let (short, long) = if a.len() == 1 { (a, b) } else { (b, a) };
        if long.starts_with(short) {
            INITIAL_SIM
        } else {
            0.0
        }
    } else {
        let (shortest, longest) = (a.len().min(b.len()), a.len().max(b.len()));
        let skeletal = if fa.skeleton != fb.skeleton && longest <= MAX_FUZZY_TOKEN_LEN {
            SKELETON_FACTOR
        } else {
            0.0
        };
        let plain = if 3 * shortest < longest || longest > MAX_FUZZY_TOKEN_LEN {
            0.0
        } else {
            bound_known(a, fa, b, fb) + CEILING_SLACK
        };
        plain.max(skeletal)
    }
}

/// The most credit the pair `a`, `b` can earn: `spelled`, the [`credit_ceiling`] of their
/// [`spelled_ceiling`], raised to that of [`NICKNAME_SIM`] for a nickname when both names
/// have more than one token (`nicknames_count`), and for two spellings of one romanised name
/// whatever their lengths (as `score::matrix` raises them). `credit_ceiling` never decreases, so this is
/// the credit ceiling of the similarity ceiling raised to `NICKNAME_SIM`, and the spelled part
/// can be worked out once per pair of tokens.
fn with_nickname(
    spelled: f64,
    a: &str,
    fa: &TokenFacts,
    b: &str,
    fb: &TokenFacts,
    nicknames_count: bool,
) -> f64 {
    // `related` holds only between two names of the table: a token outside it (the look-up
    // done once per token) has no nickname.
    if fa.nickname
        && fb.nickname
        && ((nicknames_count && nicknames::related(a, b)) || nicknames::same_name_spelled(a, b))
    {
        spelled.max(credit_ceiling(NICKNAME_SIM))
    } else {
        spelled
    }
}

/// The most [`credit`] a pair whose similarity is at most `ceiling` can earn. Credit is 0
/// below `MIN_TOKEN_SIM` and grows with the similarity up to [`FULL_CREDIT_SIM`], where it is
/// just under `top`; from there to 1 (exclusive) it is at most `NEAR_CREDIT_MAX`, below
/// `top`; only equal tokens earn 1.
fn credit_ceiling(ceiling: f64) -> f64 {
    let top = 1.0 - NEAR_LOSS * (1.0 - FULL_CREDIT_SIM);
    if ceiling >= 1.0 {
        1.0
    } else if ceiling >= FULL_CREDIT_SIM {
        top
    } else {
        credit(ceiling)
    }
}

/// The ids of a listed name's tokens in its index's vocabulary, one per token: the key of
/// [`CeilingMemo`].
#[derive(Debug, Clone, Default)]
pub(super) struct ListedIds(pub(super) Box<[u32]>);

/// What is worked out for one query reading against the listed tokens met so far, by listed
/// token id: the [`pair_ceiling`]s of the reading's tokens against each listed token, and (filled by the alignment, `score::SimMatrix`) their similarities. A
/// query's hundreds of candidates share most of their tokens, so each (query token, listed
/// token) value is worked out once per query instead of once per candidate. Reused from query
/// to query (`clear`), so it does not allocate per query.
#[derive(Debug, Default)]
pub(super) struct CeilingMemo {
    /// Pair ceilings ([`pair_ceiling`]: the credit ceiling, or [`UNREACHABLE`]), one per
    /// query token for each listed token.
    ceilings: RowMemo,
    /// Token similarities (`similarity_known`, before the Wade-Giles and nickname raises,
    /// which depend on the two names), one per query token for each listed token.
    pub(super) sims: RowMemo,
    /// The query reading's runs of neighbouring tokens joined ([`joined_spans`]), once asked.
    joined: Option<Vec<JoinedRun>>,
    /// Where a candidate's neighbouring tokens are joined for [`merge_possible`], kept so that
    /// the check does not allocate per candidate.
    buffer: String,
}

impl CeilingMemo {
    /// Forgets every row: the memo of a new query reading.
    pub(super) fn clear(&mut self) {
        self.ceilings.clear();
        self.sims.clear();
        self.joined = None;
    }

    /// The runs of two and three neighbouring tokens of the query reading, joined.
    fn joined(&mut self, query: &[String]) -> &[JoinedRun] {
        self.joined.get_or_insert_with(|| joined_spans(query))
    }

    /// The `width` pair ceilings of listed token `id`, each worked out by `ceiling(i)` the
    /// first time.
    fn row(&mut self, id: u32, width: usize, ceiling: impl Fn(usize) -> f64) -> &[f64] {
        self.ceilings.row(id, width, ceiling)
    }
}
