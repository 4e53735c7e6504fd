//! A query name's readings (the tokens as given, letters spaced out rejoined, a name cut at
//! a field's length read whole) and the best score of any of them against a listed name,
//! with the score ceilings that rule a candidate out before alignment.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The query tokens with every run of two or more single letters joined into one token
/// (`m a h a n air` → `mahan air`, `j k rowling` → `jk rowling`), or `None` when there is no
/// such run. Letters spaced out to dodge screening come back together; the plain tokens are
/// compared too and the better score is kept, so initials lose nothing.
pub fn rejoined(tokens: &[String]) -> Option<Vec<String>> {
    let single = |t: &String| t.len() == 1;
    if !tokens.windows(2).any(|w| single(&w[0]) && single(&w[1])) {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut run = String::new();
    for t in tokens {
        if single(t) {
            run.push_str(t);
            continue;
        }
        if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
        out.push(t.clone());
    }
    if !run.is_empty() {
        out.push(run);
    }
    Some(out)
}

/// Compares each query variant (the plain tokens first, then [`rejoined`] ones) with the
/// candidate and keeps the best score; on a tie, the earlier variant.
pub fn compare_variants(variants: &[WeightedTokens], candidate: &WeightedTokens) -> NameScore {
    match best_variant(
        variants,
        None,
        candidate,
        &TokenFacts::all(&candidate.tokens),
        f64::NEG_INFINITY,
        Pruning::Bounded,
        None,
    ) {
        Some((k, found)) => match variants.get(k) {
            Some(v) => found.materialize(v, candidate),
            None => Alignment::empty().materialize(&WeightedTokens::default(), candidate),
        },
        None => Alignment::empty().materialize(&WeightedTokens::default(), candidate),
    }
}

/// [`compare_variants`] when its score is above 0 and at least `floor`; `None` otherwise,
/// without materialising the pairs of a comparison that is dropped.
pub fn compare_variants_at_least(
    variants: &[WeightedTokens],
    candidate: &WeightedTokens,
    floor: f64,
    pruning: Pruning,
) -> Option<NameScore> {
    compare_query_at_least(
        &QueryName::from_variants(variants.to_vec()),
        candidate,
        floor,
        pruning,
    )
}

/// A query name's variants ([`query_variants`]) with what comparing them needs that is the
/// same for every candidate, worked out once per query.
#[derive(Debug, Clone)]
pub struct QueryName {
    variants: Vec<WeightedTokens>,
    /// Per variant: whether it is a Mandarin name ([`mandarin::is_syllabic_name`]).
    syllabic: Vec<bool>,
    /// Per variant: the [`TokenFacts`] of its tokens.
    facts: Vec<NameFacts>,
}

impl QueryName {
    /// The plain query tokens and their rejoined variant ([`query_variants`]), weighed.
    pub fn new(tokens: &[String], stats: &TokenStats) -> QueryName {
        QueryName::from_variants(query_variants(tokens, stats))
    }

    /// Query variants weighed by the caller, the plain one first.
    pub fn from_variants(variants: Vec<WeightedTokens>) -> QueryName {
        let syllabic = variants
            .iter()
            .map(|v| mandarin::is_syllabic_name(&v.tokens))
            .collect();
        let facts = variants
            .iter()
            .map(|v| TokenFacts::all(&v.tokens))
            .collect();
        QueryName {
            variants,
            syllabic,
            facts,
        }
    }

    /// The variants, the plain one first.
    pub fn variants(&self) -> &[WeightedTokens] {
        &self.variants
    }
}

/// [`compare_variants_at_least`] for a prepared query.
pub fn compare_query_at_least(
    query: &QueryName,
    candidate: &WeightedTokens,
    floor: f64,
    pruning: Pruning,
) -> Option<NameScore> {
    compare_listed_at_least(
        query,
        candidate,
        &TokenFacts::all(&candidate.tokens),
        floor,
        pruning,
        None,
    )
    .map(|(score, _)| score)
}

/// [`compare_query_at_least`] with the candidate's [`TokenFacts`] worked out beforehand (the
/// index keeps them with each listed name), and with the index of the variant that scored (0
/// for the name as written), so that evidence can say which reading was compared.
///
/// `memos` (one per query variant) and the candidate's token ids let the score ceilings of
/// the query's candidates share their (query token, listed token) bounds; with them, the
/// variants already known to score below `floor` at `floor` ([`variants_below_floor`], bit k
/// for variant k), if the caller worked that out.
pub(in crate::screening) fn compare_listed_at_least(
    query: &QueryName,
    candidate: &WeightedTokens,
    candidate_facts: &[TokenFacts],
    floor: f64,
    pruning: Pruning,
    memos: Option<(&mut [CeilingMemo], &ListedIds, Option<u64>)>,
) -> Option<(NameScore, usize)> {
    let variants = &query.variants;
    let (k, found) = best_variant(
        variants,
        Some((&query.syllabic, &query.facts)),
        candidate,
        candidate_facts,
        floor,
        pruning,
        memos,
    )?;
    let score = found.score();
    if score <= 0.0 || score < floor {
        return None;
    }
    Some((found.materialize(variants.get(k)?, candidate), k))
}

/// The variant whose comparison scores highest (the earlier one on a tie), with it; with
/// [`Pruning::Bounded`], variants whose score is certainly below `floor` are not compared,
/// and `None` may mean that none can reach it.
fn best_variant(
    variants: &[WeightedTokens],
    prepared: Option<(&[bool], &[NameFacts])>,
    candidate: &WeightedTokens,
    candidate_facts: &[TokenFacts],
    floor: f64,
    pruning: Pruning,
    mut memos: Option<(&mut [CeilingMemo], &ListedIds, Option<u64>)>,
) -> Option<(usize, Found)> {
    let mut best: Option<(usize, Found)> = None;
    let known_below = memos.as_ref().and_then(|m| m.2);
    for (k, v) in variants.iter().enumerate() {
        let query_syllabic = prepared.and_then(|(s, _)| s.get(k).copied());
        let computed;
        let query_facts = match prepared.and_then(|(_, f)| f.get(k)) {
            Some(f) => f.as_slice(),
            None => {
                computed = TokenFacts::all(&v.tokens);
                computed.as_slice()
            }
        };
        // A variant whose score cannot reach the floor cannot be the one returned: the
        // variant kept scores at least the floor, or the comparison returns nothing.
        let listed = Listed {
            tokens: &candidate.tokens,
            weights: &candidate.weights,
            facts: candidate_facts,
        };
        if pruning == Pruning::Bounded
            && match known_below.filter(|_| k < 64) {
                Some(below) => below >> k & 1 == 1,
                None => below_floor(
                    v,
                    query_facts,
                    query_syllabic,
                    listed,
                    floor,
                    memos
                        .as_mut()
                        .and_then(|(m, ids, _)| Some((m.get_mut(k)?, &ids.0[..]))),
                ),
            }
        {
            continue;
        }
        // The exhaustive reference works every pair out afresh.
        let sims = memos
            .as_mut()
            .filter(|_| pruning == Pruning::Bounded)
            .and_then(|(m, ids, _)| Some((&mut m.get_mut(k)?.sims, *ids)));
        let found = compare_found(
            v,
            query_facts,
            candidate,
            candidate_facts,
            query_syllabic,
            pruning,
            sims,
        );
        if best.as_ref().is_none_or(|(_, b)| found.score() > b.score()) {
            best = Some((k, found));
        }
    }
    best
}

/// Which of the query's variants certainly score below `floor` against the listed name
/// `candidate` (bit k for variant k, [`below_floor`] with the variant's memo and the name's
/// token `ids`): what [`compare_listed_at_least`] would work out first at that floor, asked
/// before the name is unpacked (`index::names`). When every variant is below, the comparison
/// returns nothing. Variants past the 64th are left out of the mask (their bits unset).
pub(in crate::screening) fn variants_below_floor(
    query: &QueryName,
    candidate: Listed<&str>,
    floor: f64,
    memos: &mut [CeilingMemo],
    ids: &[u32],
) -> u64 {
    let mut below = 0u64;
    for (k, v) in query.variants.iter().enumerate().take(64) {
        let (Some(facts), Some(memo)) = (query.facts.get(k), memos.get_mut(k)) else {
            continue;
        };
        let syllabic = query.syllabic.get(k).copied();
        if below_floor(v, facts, syllabic, candidate, floor, Some((memo, ids))) {
            below |= 1 << k;
        }
    }
    below
}

/// The plain query tokens and, if they differ, their [`rejoined`] variant and the name without
/// the cut-off legal form it may end in ([`cut_reading`]: `... JOINT STOCK COMPAN`, a name
/// cut at a field's length), weighed. Each variant is compared beside the plain one and the
/// best score kept, so a second reading can raise a score and never lower it.
pub fn query_variants(tokens: &[String], stats: &TokenStats) -> Vec<WeightedTokens> {
    let mut out = vec![WeightedTokens::new(tokens, stats)];
    if let Some(r) = rejoined(tokens) {
        out.push(WeightedTokens::new(&r, stats));
    }
    if let Some(kept) = cut_reading(tokens) {
        out.push(WeightedTokens::new(&kept, stats));
    }
    out
}

/// Normalises and compares two names of the given kind, weighing tokens with `stats` (pass
/// [`TokenStats::new`] for uniform weights). The pair-scoring entry point used by benchmarks.
pub fn score_names(
    query: &str,
    candidate: &str,
    kind: crate::screening::model::EntryKind,
    stats: &TokenStats,
) -> NameScore {
    let q = crate::screening::normalize::normalize(query, kind);
    let c = crate::screening::normalize::normalize(candidate, kind);
    compare_variants(
        &query_variants(&q.tokens, stats),
        &WeightedTokens::new(&c.tokens, stats),
    )
}
