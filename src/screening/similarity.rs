//! Token similarity: Levenshtein ratio and Jaro-Winkler (both written here, no crate), the
//! hard rules around them (equal tokens, digits, initials, lengths far apart), and the cheap
//! upper bound that rules out most pairs of different words before either is computed. See
//! [`super::score`] for how token pairs become a name score.

use super::korean;
use super::nicknames;
use super::score::{INITIAL_SIM, MAX_FUZZY_TOKEN_LEN, MIN_TOKEN_SIM};
use super::translit;

/// Edit distance over bytes (the normalised tokens are ASCII) counting insertions,
/// deletions, substitutions and swaps of two adjacent letters as one edit each (optimal string
/// alignment): `donlad`/`donald` is one slip of the fingers, not two substitutions.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() {
        return b.len();
    }
    // Tokens are short: three rows on the stack avoid an allocation per comparison.
    const STACK: usize = 64;
    let n = b.len() + 1;
    let mut stack = [0usize; 3 * (STACK + 1)];
    let mut heap;
    let buf: &mut [usize] = if n <= STACK + 1 {
        &mut stack[..3 * n]
    } else {
        heap = vec![0usize; 3 * n];
        &mut heap[..]
    };
    let (before, rest) = buf.split_at_mut(n);
    let (prev, cur) = rest.split_at_mut(n);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    let (mut before, mut prev, mut cur) = (before, prev, cur);
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_stack = [false; 64];
    let mut b_stack = [false; 64];
    let mut a_heap;
    let mut b_heap;
    let a_match: &mut [bool] = if a.len() <= 64 {
        &mut a_stack[..a.len()]
    } else {
        a_heap = vec![false; a.len()];
        &mut a_heap[..]
    };
    let b_match: &mut [bool] = if b.len() <= 64 {
        &mut b_stack[..b.len()]
    } else {
        b_heap = vec![false; b.len()];
        &mut b_heap[..]
    };
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && b[j] == ca {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_match[i] {
            while !b_match[j] {
                j += 1;
            }
            if ca != b[j] {
                transpositions += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64 / 2.0) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Similarity of two normalised tokens in `0..=1` (0 below [`MIN_TOKEN_SIM`]).
pub fn token_similarity(a: &str, b: &str) -> f64 {
    similarity(a, b, Pruning::Bounded)
}

/// How a comparison treats pairs that cannot reach a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pruning {
    /// Pairs a cheap upper bound (letter counts, lengths) puts below the threshold are not
    /// computed: the same results, faster.
    #[default]
    Bounded,
    /// Every token pair and every merge is computed in full: the reference the bounded path
    /// is tested against.
    Exhaustive,
}

/// The hard rules of [`similarity`], when one decides the pair: equal tokens score 1, an empty
/// token or a token with digits (`digits`, asked only when needed) 0 unless equal, an initial
/// [`INITIAL_SIM`] against a token it begins and 0 otherwise.
fn hard_rules(a: &str, b: &str, digits: impl FnOnce() -> bool) -> Option<f64> {
    if a == b {
        return Some(1.0);
    }
    if a.is_empty() || b.is_empty() || digits() {
        return Some(0.0);
    }
    if a.len() == 1 || b.len() == 1 {
        let (short, long) = if a.len() == 1 { (a, b) } else { (b, a) };
        return Some(if long.starts_with(short) {
            INITIAL_SIM
        } else {
            0.0
        });
    }
    None
}

/// [`token_similarity`], with or without the letter bound.
pub fn similarity(a: &str, b: &str, pruning: Pruning) -> f64 {
    let has_digit = |t: &str| t.bytes().any(|c| c.is_ascii_digit());
    if let Some(decided) = hard_rules(a, b, || has_digit(a) || has_digit(b)) {
        return decided;
    }
    let skeletal = skeleton_similarity(a, b).unwrap_or(0.0);
    plain_similarity(a, b, pruning).max(skeletal)
}

/// What the similarity rules ask of one token, worked out once per token instead of once per
/// token pair: a name's tokens meet every token of each of some hundred candidates.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct TokenFacts {
    /// It has a digit (then only an equal token pairs with it).
    pub(super) digits: bool,
    /// It is an Arabic consonant skeleton ([`translit::is_skeleton`]).
    pub(super) skeleton: bool,
    /// It is in the nickname table ([`nicknames::is_name`]): [`nicknames::related`] is false
    /// for a token that is not.
    pub(super) nickname: bool,
    /// It is made of Korean syllables in some romanisation ([`korean::is_korean`]): a
    /// Korean reading ([`korean::reads_as`]) is only looked for between two such tokens.
    pub(super) korean: bool,
    /// It names a country (`country_words`), or is a legal form of one word
    /// (`normalize::is_legal_form_word`): what a listed company name held without its country
    /// or without a legal-form word inside it leaves out (`index::search`). Worked out once
    /// per listed token rather than looked up for each of a query's hundreds of candidates.
    pub(super) country_word: bool,
    pub(super) legal_form_word: bool,
    /// Its bytes counted by their low five bits as [`similarity_bound`] counts them, when it
    /// is at most 255 bytes long (so that a count fits a byte; longer tokens are bounded by
    /// [`similarity_bound`] itself).
    letters: Option<[u8; 32]>,
}

impl TokenFacts {
    /// The facts of one token.
    pub(super) fn of(token: &str) -> TokenFacts {
        let letters = (token.len() <= usize::from(u8::MAX)).then(|| {
            let mut counts = [0u8; 32];
            for &c in token.as_bytes() {
                let slot = &mut counts[usize::from(c & 31)];
                *slot = slot.saturating_add(1);
            }
            counts
        });
        TokenFacts {
            digits: token.bytes().any(|c| c.is_ascii_digit()),
            skeleton: translit::is_skeleton(token),
            nickname: nicknames::is_name(token),
            korean: korean::is_korean(token),
            country_word: super::country_words::is_country_word(token),
            legal_form_word: super::normalize::is_legal_form_word(token),
            letters,
        }
    }

    /// The facts of each token of a name.
    pub(super) fn all(tokens: &[String]) -> NameFacts {
        tokens.iter().map(|t| TokenFacts::of(t)).collect()
    }
}

/// The [`TokenFacts`] of a name's tokens (on the stack for names of up to eight tokens).
pub(super) type NameFacts = smallvec::SmallVec<[TokenFacts; 8]>;

/// [`similarity`] of `a` and `b` with their [`TokenFacts`]: the same value, without scanning
/// either token again for what the facts hold.
pub(super) fn similarity_known(
    a: &str,
    fa: &TokenFacts,
    b: &str,
    fb: &TokenFacts,
    pruning: Pruning,
) -> f64 {
    if let Some(decided) = hard_rules(a, b, || fa.digits || fb.digits) {
        return decided;
    }
    // `skeleton_similarity` is `None` unless exactly one of the two is a skeleton.
    let skeletal = if fa.skeleton != fb.skeleton {
        skeleton_similarity(a, b).unwrap_or(0.0)
    } else {
        0.0
    };
    let (shortest, longest) = (a.len().min(b.len()), a.len().max(b.len()));
    // Lengths a third apart or past the fuzzy limit, or a letter bound below the threshold,
    // leave the plain comparison at 0, as in `plain_similarity`.
    let ruled_out = 3 * shortest < longest
        || longest > MAX_FUZZY_TOKEN_LEN
        || (pruning == Pruning::Bounded && bound_known(a, fa, b, fb) < MIN_TOKEN_SIM - BOUND_SLACK);
    let plain = if ruled_out {
        0.0
    } else {
        exact_similarity(a, b)
    };
    plain.max(skeletal)
}

/// [`similarity_bound`] of `a` and `b` with their [`TokenFacts`]: the same value, the shared
/// letters counted from the facts' counts (the multiset intersection is the sum of the
/// smaller count of each slot, which is what the bound's loop counts).
pub(super) fn bound_known(a: &str, fa: &TokenFacts, b: &str, fb: &TokenFacts) -> f64 {
    let (Some(la), Some(lb)) = (&fa.letters, &fb.letters) else {
        return similarity_bound(a, b);
    };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return if a.len() == b.len() { 1.0 } else { 0.0 };
    }
    let common: u32 = la
        .iter()
        .zip(lb.iter())
        .map(|(x, y)| u32::from(*x.min(y)))
        .sum();
    bound_from_common(common as usize, a, b)
}

/// [`similarity`] of two different non-empty tokens without digits or initials, on their
/// letters as written.
fn plain_similarity(a: &str, b: &str, pruning: Pruning) -> f64 {
    let (shortest, longest) = (a.len().min(b.len()), a.len().max(b.len()));
    // With lengths r = shortest/longest apart, the Levenshtein ratio is at most r and
    // Jaro-Winkler at most 0.4 + 0.6·(2 + r)/3, so their mean is at most 0.4 + 0.6·r: below
    // MIN_TOKEN_SIM whenever r < 1/3. Returning early gives the same 0, without the
    // quadratic edit distance on a hostile long token.
    if 3 * shortest < longest || longest > MAX_FUZZY_TOKEN_LEN {
        return 0.0;
    }
    // Most token pairs of two different names are far apart: a bound from their letters and
    // common prefix rules them out without the quadratic edit distance and Jaro-Winkler.
    if pruning == Pruning::Bounded && similarity_bound(a, b) < MIN_TOKEN_SIM - BOUND_SLACK {
        return 0.0;
    }
    exact_similarity(a, b)
}

/// How much a pair matched on consonants alone is trusted: the vowels a Latin spelling adds
/// are unknown on the Arabic side, so equal skeletons still fall a little short of equal
/// tokens (but reach full credit).
pub const SKELETON_FACTOR: f64 = 0.95;

/// The similarity of an Arabic-script skeleton (`mhmd`, see [`translit::is_skeleton`]) and a
/// vowelled token (`muhammad`), compared on their consonants; `None` unless exactly one of
/// the two is a skeleton. [`similarity`] keeps the better of this and the plain comparison,
/// so reading a token as a skeleton never lowers a score.
pub fn skeleton_similarity(a: &str, b: &str) -> Option<f64> {
    let (sa, sb) = (translit::is_skeleton(a), translit::is_skeleton(b));
    if sa == sb || a.len() > MAX_FUZZY_TOKEN_LEN || b.len() > MAX_FUZZY_TOKEN_LEN {
        return None;
    }
    let (ka, kb) = (translit::skeleton(a), translit::skeleton(b));
    // One consonant (`ss` of `Sisi`, doubled letters written once) may pair only exactly.
    let sim = if ka == kb && !ka.is_empty() {
        1.0
    } else if ka.len() < 2 || kb.len() < 2 {
        return None;
    } else {
        exact_similarity(&ka, &kb)
    };
    Some(SKELETON_FACTOR * sim)
}

/// What [`token_similarity`] computes for two tokens its early exits do not decide, without
/// the letter bound: the mean of the Levenshtein ratio and Jaro-Winkler, 0 below
/// [`MIN_TOKEN_SIM`]. Public so that tests can compare the bounded path with it.
pub fn exact_similarity(a: &str, b: &str) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let ratio = 1.0 - levenshtein(a, b) as f64 / longest as f64;
    let sim = (ratio + jaro_winkler(a, b)) / 2.0;
    if sim < MIN_TOKEN_SIM {
        0.0
    } else {
        sim
    }
}

/// Most edits two spellings of one word of under [`LONG_SLIP_LEN`] letters differ by when
/// one is a slip or a variant spelling of the other (`donlad`/`donald` 1,
/// `muhammad`/`mohammed` 2); longer words may differ by one more. Like the edit budget of
/// OpenSanctions' name matcher (nomenklatura's `levenshtein_similarity` allows
/// `⌊ln(length − 2)⌋` edits), a budget on edits rather than a ratio: a long word does not
/// gather more typos per letter than a short one.
pub const SLIP_EDITS: usize = 2;
/// Length (bytes of the longer token) from which one more edit is still a slip.
pub const LONG_SLIP_LEN: usize = 15;

/// Whether two different tokens that [`similarity`] scored `sim` by their plain spelling are
/// further apart than a slip or a variant spelling of one word: more edits than
/// [`SLIP_EDITS`] (one more from [`LONG_SLIP_LEN`] letters), and consonant skeletons
/// ([`translit::skeleton`]) more than one edit apart. The skeleton keeps vowel-only
/// transliteration variants (`husayn`/`hussein`, `khamneh`/`khamenei`) and a declension's
/// ending (`alexandros`/`alexander`) as one word; `saldivar`/`salinas`,
/// `subandrio`/`subianto` and `ronaldinho`/`ronaldo` are not. Two edits are a slip even
/// between two surnames (`sancho`/`sanchez`, `orbach`/`orban` keep their credit).
///
/// False for pairs another rule scored (a nickname, a romanisation, a Korean or Mandarin
/// reading, an Arabic skeleton: their letters may differ wholly), which is seen as `sim`
/// differing from the plain comparison's.
pub fn more_than_a_slip(a: &str, b: &str, sim: f64) -> bool {
    if sim <= 0.0 || sim >= 1.0 || translit::is_skeleton(a) || translit::is_skeleton(b) {
        return false;
    }
    let longest = a.len().max(b.len());
    if longest > MAX_FUZZY_TOKEN_LEN {
        return false;
    }
    let budget = if longest >= LONG_SLIP_LEN {
        SLIP_EDITS + 1
    } else {
        SLIP_EDITS
    };
    levenshtein(a, b) > budget
        && levenshtein(&translit::skeleton(a), &translit::skeleton(b)) > 1
        && exact_similarity(a, b) == sim
}

/// Margin below [`MIN_TOKEN_SIM`] a bound must fall to rule a pair out, so that rounding in
/// the bound's arithmetic (a different sum than the exact one's) can never drop a pair whose
/// exact similarity sits on the threshold.
const BOUND_SLACK: f64 = 1e-9;

/// An upper bound on the mean of the Levenshtein ratio and Jaro-Winkler of two non-empty
/// byte strings, in time linear in their lengths. With `m` (at least) the size of the
/// multiset intersection of their bytes and `L` the longer length:
/// - every edit removes at most one byte of the longer string that the shorter lacks, so the
///   edit distance is at least `L - m` and the ratio at most `m / L`;
/// - Jaro matches pair equal bytes, each byte once, so there are at most `m` of them, and
///   Jaro is at most `(m/|a| + m/|b| + 1) / 3` (0 when `m` is 0);
/// - Winkler's prefix bonus `p·0.1·(1 - jaro)` grows with Jaro, and `p` (the common prefix,
///   at most 4) is known exactly.
pub fn similarity_bound(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return if a.len() == b.len() { 1.0 } else { 0.0 };
    }
    if a.len() > usize::from(u16::MAX) {
        return 1.0;
    }
    // Bytes are counted by their low five bits: lowercase letters (what tokens are made of)
    // each have their own slot, and bytes that share one can only make `m` larger, which
    // keeps the bound an upper bound.
    let mut counts = [0u16; 32];
    for &c in a {
        counts[usize::from(c & 31)] += 1;
    }
    let mut common = 0usize;
    for &c in b {
        let n = &mut counts[usize::from(c & 31)];
        if *n > 0 {
            *n -= 1;
            common += 1;
        }
    }
    bound_from_common(common, a, b)
}

/// The bound of [`similarity_bound`] for `common` shared bytes of `a` and `b` (non-empty).
fn bound_from_common(common: usize, a: &[u8], b: &[u8]) -> f64 {
    if common == 0 {
        return 0.0;
    }
    let m = common as f64;
    let (la, lb) = (a.len() as f64, b.len() as f64);
    let ratio = m / la.max(lb);
    let jaro = ((m / la + m / lb + 1.0) / 3.0).min(1.0);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    let winkler = jaro + prefix * 0.1 * (1.0 - jaro);
    (ratio + winkler) / 2.0
}

/// Whether [`token_similarity`] of `a` and `b` can reach `min`: false only when it certainly
/// stays below (through the same early exits and [`similarity_bound`]). `in_table` is false
/// when one of the two tokens is known not to be in the nickname table
/// ([`TokenFacts::nickname`]): the same answer, without the table's look-ups (`related` holds
/// only between two names of the table).
pub(super) fn may_reach(a: &str, b: &str, min: f64, in_table: bool) -> bool {
    let skeletons = || (translit::is_skeleton(a), translit::is_skeleton(b));
    may_reach_skeletons(a, b, skeletons, min, in_table)
}

/// [`may_reach`] with whether each token is a skeleton ([`translit::is_skeleton`]) given by
/// `skeletons` (asked at most once, from what the caller knows already: a token's
/// [`TokenFacts`], a merged run's flag worked out once for all the tokens it meets).
pub(super) fn may_reach_skeletons(
    a: &str,
    b: &str,
    skeletons: impl FnOnce() -> (bool, bool),
    min: f64,
    in_table: bool,
) -> bool {
    if a == b {
        return true;
    }
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.len() == 1 || b.len() == 1 {
        return INITIAL_SIM >= min;
    }
    let (skeleton_a, skeleton_b) = skeletons();
    if skeleton_a != skeleton_b {
        return true;
    }
    // A nickname pair scores `NICKNAME_SIM` whatever its letters (`billy` merged from `bill y`
    // is `william`); only a merge asks this, and a merge the table allows must be tried.
    (lengths_may_reach(a, b, min) && similarity_bound(a, b) >= min - BOUND_SLACK)
        || (in_table && super::score::NICKNAME_SIM >= min && super::nicknames::related(a, b))
}

/// False when [`similarity_bound`] of `a` and `b` (non-empty) is certainly below `min` (less
/// [`BOUND_SLACK`]) by their lengths alone: the bound grows with the bytes the two share,
/// which are at most the shorter length, so the bound with that many shared is the most it
/// can be. Merges ask whether a run of joined tokens reaches 0.85 with tokens of every length,
/// and most are ruled out here without counting letters.
fn lengths_may_reach(a: &str, b: &str, min: f64) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // `similarity_bound` gives 1 to a token too long for its counters.
    a.len() > usize::from(u16::MAX)
        || bound_from_common(a.len().min(b.len()), a, b) >= min - BOUND_SLACK
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`may_reach`] as it was before the length check: the letters counted for every pair.
    fn may_reach_counting(a: &str, b: &str, min: f64, in_table: bool) -> bool {
        if a == b {
            return true;
        }
        if a.is_empty() || b.is_empty() {
            return false;
        }
        if a.len() == 1 || b.len() == 1 {
            return INITIAL_SIM >= min;
        }
        if translit::is_skeleton(a) != translit::is_skeleton(b) {
            return true;
        }
        similarity_bound(a, b) >= min - BOUND_SLACK
            || (in_table && super::super::score::NICKNAME_SIM >= min && nicknames::related(a, b))
    }

    #[test]
    fn the_length_check_rules_out_only_what_the_letters_do() {
        // Tokens of every length from 1 to 24 over a few letters (so that many pairs share
        // most of their letters), merged runs among them, skeletons and nicknames.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut tokens: Vec<String> = ["mhmd", "muhammad", "bill", "billy", "william", "wm"]
            .map(String::from)
            .to_vec();
        for _ in 0..400 {
            let len = 1 + (next() % 24) as usize;
            let letters = if next() % 4 == 0 {
                "bcdkmnrst"
            } else {
                "aeinorst"
            };
            let token: String = (0..len)
                .map(|_| letters.as_bytes()[(next() % letters.len() as u64) as usize] as char)
                .collect();
            tokens.push(token);
        }
        let (mut reached, mut ruled_out) = (0, 0);
        for a in &tokens {
            for b in &tokens {
                for min in [MERGE_MIN, 0.6] {
                    let expected = may_reach_counting(a, b, min, true);
                    assert_eq!(may_reach(a, b, min, true), expected, "{a} {b} {min}");
                    if expected {
                        reached += 1;
                    } else {
                        ruled_out += 1;
                    }
                }
            }
        }
        assert!(
            reached > 1_000 && ruled_out > 1_000,
            "{reached} {ruled_out}"
        );
    }

    const MERGE_MIN: f64 = super::super::score::MERGE_MIN_SIM;
}
