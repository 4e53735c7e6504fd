//! The token similarities of one comparison ([`SimMatrix`]), and whether both names are
//! Mandarin syllables that may be read in either romanisation ([`SyllabicNames`]).

use super::*;

/// Token similarities of one comparison, row-major (query × candidate), computed once and
/// reused by the merge variants, which only recompute the merged token's row or column.
pub(super) struct SimMatrix {
    pruning: Pruning,
    nq: usize,
    nc: usize,
    sims: smallvec::SmallVec<[f64; 16]>,
}

impl SimMatrix {
    /// `query_facts` and `candidate_facts` hold the [`TokenFacts`] of every token of each
    /// side (each fact then read once per token rather than once per pair); with `memo` and
    /// the candidate's token ids, a listed token's similarities with the query reading's
    /// tokens are looked up in or added to the reading's memo.
    pub(super) fn new(
        query: &WeightedTokens,
        query_facts: &[TokenFacts],
        candidate: &WeightedTokens,
        candidate_facts: &[TokenFacts],
        pruning: Pruning,
        syllabic: &SyllabicNames,
        memo: Option<(&mut RowMemo, &ListedIds)>,
    ) -> SimMatrix {
        let (nq, nc) = (query.tokens.len(), candidate.tokens.len());
        let mut sims = smallvec::SmallVec::with_capacity(nq * nc);
        let known = query_facts.len() == nq && candidate_facts.len() == nc;
        if let Some((memo, ids)) = memo.filter(|(_, ids)| known && ids.0.len() == nc) {
            sims.resize(nq * nc, 0.0);
            let listed = candidate
                .tokens
                .iter()
                .zip(candidate_facts)
                .zip(ids.0.iter());
            for (j, ((c, fc), &id)) in listed.enumerate() {
                let row = memo.row(id, nq, |i| {
                    query
                        .tokens
                        .get(i)
                        .zip(query_facts.get(i))
                        .map_or(0.0, |(q, fq)| similarity_known(q, fq, c, fc, pruning))
                });
                for (i, (q, fq)) in query.tokens.iter().zip(query_facts).enumerate() {
                    let sim = row.get(i).copied().unwrap_or(0.0);
                    if let Some(slot) = sims.get_mut(i * nc + j) {
                        *slot = syllabic.raised(
                            sim,
                            q,
                            c,
                            fq.nickname && fc.nickname,
                            fq.korean && fc.korean,
                        );
                    }
                }
            }
        } else if known {
            for (q, fq) in query.tokens.iter().zip(query_facts) {
                for (c, fc) in candidate.tokens.iter().zip(candidate_facts) {
                    sims.push(syllabic.similarity_known(q, fq, c, fc, pruning));
                }
            }
        } else {
            for q in &query.tokens {
                for c in &candidate.tokens {
                    sims.push(syllabic.similarity(q, c, pruning));
                }
            }
        }
        SimMatrix {
            pruning,
            nq,
            nc,
            sims,
        }
    }

    pub(super) fn get(&self, i: usize, j: usize) -> f64 {
        self.sims[i * self.nc + j]
    }

    pub(super) fn with_query_merged(
        &self,
        at: usize,
        span: usize,
        merged: &WeightedTokens,
        candidate: &WeightedTokens,
        syllabic: &SyllabicNames,
    ) -> SimMatrix {
        let nq = self.nq - span + 1;
        let mut sims = smallvec::SmallVec::with_capacity(nq * self.nc);
        for i in 0..nq {
            for j in 0..self.nc {
                sims.push(match i.cmp(&at) {
                    std::cmp::Ordering::Less => self.get(i, j),
                    std::cmp::Ordering::Equal => {
                        syllabic.similarity(&merged.tokens[at], &candidate.tokens[j], self.pruning)
                    }
                    std::cmp::Ordering::Greater => self.get(i + span - 1, j),
                });
            }
        }
        SimMatrix {
            pruning: self.pruning,
            nq,
            nc: self.nc,
            sims,
        }
    }

    pub(super) fn with_candidate_merged(
        &self,
        at: usize,
        span: usize,
        query: &WeightedTokens,
        merged: &WeightedTokens,
        syllabic: &SyllabicNames,
    ) -> SimMatrix {
        let nc = self.nc - span + 1;
        let mut sims = smallvec::SmallVec::with_capacity(self.nq * nc);
        for i in 0..self.nq {
            for j in 0..nc {
                sims.push(match j.cmp(&at) {
                    std::cmp::Ordering::Less => self.get(i, j),
                    std::cmp::Ordering::Equal => {
                        syllabic.similarity(&query.tokens[i], &merged.tokens[at], self.pruning)
                    }
                    std::cmp::Ordering::Greater => self.get(i, j + span - 1),
                });
            }
        }
        SimMatrix {
            pruning: self.pruning,
            nq: self.nq,
            nc,
            sims,
        }
    }
}

/// Similarity of two spellings of one Mandarin syllable in the two romanisations (`hsi`/`xi`,
/// `tung`/`dong`), or of one Korean word in two (`pu`/`bu`, `jong`/`jeong`): as trusted as an
/// Arabic skeleton's reading ([`SKELETON_FACTOR`]), since the lost apostrophes and breves
/// leave each syllable two or more readings.
pub const ROMANISATION_SIM: f64 = SKELETON_FACTOR;

/// Similarity of a given name and its nickname (`benjamin`/`ben`, [`nicknames::related`])
/// in two names of more than one word: full credit less a little, like a one-letter slip, so
/// `Ben Netanyahu` meets a listed `Benjamin Netanyahu` as the same name with a small
/// difference. A one-word name is no given name with a surname (`Emma LLC`, `Emmy Ltd`): it
/// is left to spelling and to the rules that keep short names apart. Two spellings of one
/// romanised name ([`nicknames::same_name_spelled`]) are one name, one word or several: a
/// listed `HIZBALLAH` is `Hezbollah` and `Hisbollah`.
pub const NICKNAME_SIM: f64 = FULL_CREDIT_SIM;

/// Whether the two names of one comparison are both wholly Mandarin syllables, and so may
/// be read in either romanisation; worked out only when a token pair first needs it (few
/// pairs read as each other at all), once per comparison.
pub(super) struct SyllabicNames<'a> {
    query: &'a [String],
    candidate: &'a [String],
    known: std::cell::Cell<Option<bool>>,
    /// Whether both names are Korean syllables ([`korean::is_korean_name`]), once asked.
    korean: std::cell::Cell<Option<bool>>,
}

impl<'a> SyllabicNames<'a> {
    /// With `query_syllabic` known false, both names are known not to be Mandarin.
    pub(super) fn new(
        query: &'a WeightedTokens,
        candidate: &'a WeightedTokens,
        query_syllabic: Option<bool>,
    ) -> SyllabicNames<'a> {
        SyllabicNames {
            query: &query.tokens,
            candidate: &candidate.tokens,
            known: std::cell::Cell::new(query_syllabic.filter(|&q| !q)),
            korean: std::cell::Cell::new(None),
        }
    }

    fn both(&self) -> bool {
        if let Some(b) = self.known.get() {
            return b;
        }
        let b =
            mandarin::is_syllabic_name(self.query) && mandarin::is_syllabic_name(self.candidate);
        self.known.set(Some(b));
        b
    }

    fn both_korean(&self) -> bool {
        if let Some(b) = self.korean.get() {
            return b;
        }
        let b = korean::is_korean_name(self.query) && korean::is_korean_name(self.candidate);
        self.korean.set(Some(b));
        b
    }

    /// False when the names are known not to be both Mandarin, so that no Wade-Giles reading
    /// can let a merge through that the tokens' lengths rule out. (A Korean reading changes a
    /// syllable's length by a letter or two, `eo` for `o`, within what the lengths allow.)
    pub(super) fn may_read(&self) -> bool {
        self.known.get() != Some(false)
    }

    /// Whether Wade-Giles reads one token as the other between two Mandarin names, or one
    /// Korean romanisation the other between two Korean names.
    pub(super) fn reads(&self, a: &str, b: &str) -> bool {
        self.reads_known(a, b, true)
    }

    /// [`Self::reads`], with `may_be_korean` false when a token is known not to be Korean
    /// syllables (no Korean reading is then looked for).
    fn reads_known(&self, a: &str, b: &str, may_be_korean: bool) -> bool {
        // The cheap tests first; whether the names are both of a kind once per comparison.
        (self.may_read() && (mandarin::reads_as(a, b) || mandarin::reads_as(b, a)) && self.both())
            || (may_be_korean
                && korean::may_read_as(a, b)
                && self.both_korean()
                && korean::reads_as(a, b))
    }

    /// [`Self::similarity`] with the tokens' [`TokenFacts`]: the same value.
    fn similarity_known(
        &self,
        a: &str,
        fa: &TokenFacts,
        b: &str,
        fb: &TokenFacts,
        pruning: Pruning,
    ) -> f64 {
        let sim = similarity_known(a, fa, b, fb, pruning);
        self.raised(
            sim,
            a,
            b,
            fa.nickname && fb.nickname,
            fa.korean && fb.korean,
        )
    }

    /// [`similarity`], raised to [`ROMANISATION_SIM`] for a Wade-Giles spelling of the other
    /// token between two Mandarin names, or another Korean romanisation between two Korean
    /// names.
    fn similarity(&self, a: &str, b: &str, pruning: Pruning) -> f64 {
        self.raised(similarity(a, b, pruning), a, b, true, true)
    }

    /// `sim` raised to [`ROMANISATION_SIM`] for a Wade-Giles spelling between two Mandarin
    /// names or another Korean romanisation between two Korean names, or to [`NICKNAME_SIM`]
    /// for a name and its nickname between two names of more than one token;
    /// `may_be_nicknames` is false when a token is known not to be in the table (the table is
    /// then not asked), `may_be_korean` when one is known not to be Korean syllables.
    fn raised(
        &self,
        sim: f64,
        a: &str,
        b: &str,
        may_be_nicknames: bool,
        may_be_korean: bool,
    ) -> f64 {
        if sim < ROMANISATION_SIM && self.reads_known(a, b, may_be_korean) {
            ROMANISATION_SIM
        } else if sim < NICKNAME_SIM
            && may_be_nicknames
            && ((self.query.len() > 1 && self.candidate.len() > 1 && nicknames::related(a, b))
                || nicknames::same_name_spelled(a, b))
        {
            NICKNAME_SIM
        } else {
            sim
        }
    }
}
