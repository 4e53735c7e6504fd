//! Korean romanisations: one Korean name written in McCune-Reischauer (the DPRK's system and
//! the lists': `Choe Pu Il`, `Hwang Pyong So`), in Revised Romanisation (South Korea's since
//! 2000: `Choe Bu Il`, `Hwang Byeong Seo`), or in the spellings people use for themselves
//! (`Choi`, `Lee`, `Young`, `Chul`, `Sung`), so that a name written in one meets the others.
//!
//! The systems differ where Korean sounds do not match Latin letters, and the folded text has
//! lost MR's breves and apostrophes (`ŏ` and `o` both fold to `o`, `k'` to `k`), so a syllable
//! is compared by classes, not letters:
//! - initials: plain, aspirated and tense stops are one (`k`, `g`, `kk`; `t`, `d`, `th`; `p`,
//!   `b`; `ch`, `j`, `tch`; `s`, `sh`, `ss`), `r` and `l` are one, and at a word's start `r`
//!   is also `n` or nothing, as South Korean spelling drops it (`Ri`, `I`, `Lee`, `Yi`;
//!   `Ryong`, `Yong`; `Ro`, `No`);
//! - vowels: `ŏ`, `o`, `u` and `ŭ` are one (`eo`, `o`, `u`, `eu`, `oo`: `Jong`, `Jeong`,
//!   `Jung`; `Un`, `Eun`), so are `yŏ`, `yo` and `yu` (`Yong`, `Yeong`, `Young`), `ae` and `e`,
//!   `oe`, `oi` and `we` (`Choe`, `Choi`), and `i`, `ee` and `ŭi` (`Hui`, `Hee`);
//! - finals: `k` and `g`, `p` and `b`, `t`, `d` and `s`, `l` and `r` are one.
//!
//! Like Wade-Giles ([`super::mandarin`]), the reading is only tried between two names that are
//! wholly made of Korean syllables ([`is_korean_name`]), so `Dan` is not read as `Tan` in
//! `Dan Smith`.

use std::sync::OnceLock;

use super::mandarin::strip;

/// Initials, longest first where one is a prefix of another, with their class.
const INITIALS: &[(&str, u8)] = &[
    ("tch", b'c'),
    ("kk", b'k'),
    ("tt", b't'),
    ("th", b't'),
    ("pp", b'p'),
    ("ph", b'p'),
    ("ss", b's'),
    ("sh", b's'),
    ("jj", b'c'),
    ("ch", b'c'),
    ("rh", b'r'),
    ("k", b'k'),
    ("g", b'k'),
    ("t", b't'),
    ("d", b't'),
    ("p", b'p'),
    ("b", b'p'),
    ("s", b's'),
    ("j", b'c'),
    ("r", b'r'),
    ("l", b'r'),
    ("n", b'n'),
    ("m", b'm'),
    ("h", b'h'),
    ("", b'0'),
];

/// Vowels with their class: `o` for `ŏ`, `o`, `u`, `ŭ`; `y` for `yŏ`, `yo`, `yu`; `E` for
/// `ae` and `e`; `Y` for `yae` and `ye`; `e` for `oe`, `we` and `wae`; `i` for `i` and `ŭi`.
const VOWELS: &[(&str, u8)] = &[
    ("yeo", b'y'),
    ("you", b'y'),
    ("yoo", b'y'),
    ("yae", b'Y'),
    ("wae", b'e'),
    ("weo", b'w'),
    ("eui", b'i'),
    ("ya", b'B'),
    ("ye", b'Y'),
    ("yo", b'y'),
    ("yu", b'y'),
    ("yi", b'i'),
    ("wa", b'W'),
    ("wo", b'w'),
    ("we", b'e'),
    ("wi", b'I'),
    ("ae", b'E'),
    ("eo", b'o'),
    ("eu", b'o'),
    ("oe", b'e'),
    ("oi", b'e'),
    ("oo", b'o'),
    ("ou", b'o'),
    ("ui", b'i'),
    ("ee", b'i'),
    ("a", b'A'),
    ("e", b'E'),
    ("o", b'o'),
    ("u", b'o'),
    ("i", b'i'),
];

/// Finals, longest first, with their class (`_` for none).
const FINALS: &[(&str, u8)] = &[
    ("ng", b'G'),
    // South Korean spellings of surnames: `Park` (박), `Ahn` (안), `Roh` (노), `Oh` (오).
    ("rk", b'k'),
    ("hn", b'n'),
    ("h", b'_'),
    ("k", b'k'),
    ("g", b'k'),
    ("n", b'n'),
    ("l", b'l'),
    ("r", b'l'),
    ("m", b'm'),
    ("p", b'p'),
    ("b", b'p'),
    ("t", b't'),
    ("d", b't'),
    ("s", b't'),
    ("", b'_'),
];

/// Most syllables a token may hold to count as Korean (a given name written as one word,
/// `Jongun`, is two).
const MAX_SYLLABLES: usize = 3;

/// One syllable's classes: initial, vowel, final.
type Syllable = [u8; 3];

/// At most this many readings of one token are compared (a token splits few ways).
const MAX_READINGS: usize = 8;

/// Up to `limit` of the ways `token` reads as one to [`MAX_SYLLABLES`] Korean syllables, each
/// as its classes; none when it has a letter no romanisation of Korean writes (`f`, `q`, `v`,
/// `x`, `z`, a `c` that is not `ch`, anything but a lowercase ASCII letter), which rules most
/// words out at once.
fn readings_up_to(
    token: &str,
    limit: usize,
) -> smallvec::SmallVec<[smallvec::SmallVec<[Syllable; 3]>; 2]> {
    let mut out = smallvec::SmallVec::new();
    let bytes = token.as_bytes();
    let foreign = bytes.iter().enumerate().any(|(i, &b)| {
        !b.is_ascii_lowercase()
            || matches!(b, b'f' | b'q' | b'v' | b'x' | b'z')
            || (b == b'c' && bytes.get(i + 1) != Some(&b'h'))
    });
    if token.is_empty() || token.len() > 7 * MAX_SYLLABLES || foreign {
        return out;
    }
    let mut path = smallvec::SmallVec::new();
    split(bytes, &mut path, &mut out, limit);
    out
}

/// Every reading of `token` ([`readings_up_to`] [`MAX_READINGS`]).
fn readings(token: &str) -> smallvec::SmallVec<[smallvec::SmallVec<[Syllable; 3]>; 2]> {
    readings_up_to(token, MAX_READINGS)
}

/// The readings of `text` after the syllables of `path`, into `out` until it holds `limit`.
fn split(
    text: &[u8],
    path: &mut smallvec::SmallVec<[Syllable; 3]>,
    out: &mut smallvec::SmallVec<[smallvec::SmallVec<[Syllable; 3]>; 2]>,
    limit: usize,
) {
    if out.len() >= limit {
        return;
    }
    if text.is_empty() {
        if !path.is_empty() {
            out.push(path.clone());
        }
        return;
    }
    if path.len() == MAX_SYLLABLES {
        return;
    }
    for &(initial, ic) in INITIAL_SPELLINGS.may_start(text) {
        let Some(rest) = strip(text, initial) else {
            continue;
        };
        for &(vowel, vc) in VOWEL_SPELLINGS.may_start(rest) {
            let Some(rest) = strip(rest, vowel) else {
                continue;
            };
            for &(final_, fc) in FINAL_SPELLINGS.may_start(rest) {
                let Some(rest) = strip(rest, final_) else {
                    continue;
                };
                path.push([ic, vc, fc]);
                split(rest, path, out, limit);
                path.pop();
                if out.len() >= limit {
                    return;
                }
            }
        }
    }
}

/// A table of spellings (initials, vowels or finals) with, per first byte of a text (and one
/// more slot for an empty text), the entries that may begin it, in the table's order: those
/// starting with that byte, and the empty spelling. Every listed token is searched for Korean
/// syllables when a list's index is built, most of them not Korean, and trying every initial,
/// vowel and final at every step was a sixth of building the index.
struct Spellings {
    table: &'static [(&'static str, u8)],
    by_letter: OnceLock<Vec<Vec<usize>>>,
}

static INITIAL_SPELLINGS: Spellings = Spellings::of(INITIALS);
static VOWEL_SPELLINGS: Spellings = Spellings::of(VOWELS);
static FINAL_SPELLINGS: Spellings = Spellings::of(FINALS);

impl Spellings {
    const fn of(table: &'static [(&'static str, u8)]) -> Spellings {
        Spellings {
            table,
            by_letter: OnceLock::new(),
        }
    }

    /// The entries that may begin `text` (a superset of those [`strip`] takes from it), in
    /// the table's order.
    fn may_start(&self, text: &[u8]) -> impl Iterator<Item = &'static (&'static str, u8)> + '_ {
        let slots = self.by_letter.get_or_init(|| {
            let mut slots = vec![Vec::new(); 257];
            for (at, (spelling, _)) in self.table.iter().enumerate() {
                match spelling.as_bytes().first() {
                    Some(&first) => slots[usize::from(first)].push(at),
                    None => slots.iter_mut().for_each(|slot| slot.push(at)),
                }
            }
            slots
        });
        let slot = text.first().map_or(256, |&first| usize::from(first));
        let table = self.table;
        slots
            .get(slot)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(move |&at| table.get(at))
    }
}

/// Whether `token` is made of one to [`MAX_SYLLABLES`] Korean syllables in some
/// romanisation: the first reading found answers.
pub fn is_korean(token: &str) -> bool {
    !readings_up_to(token, 1).is_empty()
}

/// Whether a name may be a Korean name written in Latin letters: [`has_name_shape`], and each
/// token [`is_korean`].
pub fn is_korean_name<S: AsRef<str>>(tokens: &[S]) -> bool {
    has_name_shape(tokens) && tokens.iter().all(|t| is_korean(t.as_ref()))
}

/// Whether a name has the shape of a Korean name, whatever its letters: [`NAME_TOKENS`]
/// tokens, the first or the last a Korean surname.
pub fn has_name_shape<S: AsRef<str>>(tokens: &[S]) -> bool {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return false;
    };
    NAME_TOKENS.contains(&tokens.len()) && (is_surname(first.as_ref()) || is_surname(last.as_ref()))
}

/// Korean surnames as the lists and their bearers write them (MR, RR and the spellings
/// people use), covering nearly every Korean: a Korean name starts or ends with one. Without
/// it, any two short words of Korean-looking letters read as one (`Luta Metal`, `Rota
/// Metal`). Sorted, for the binary search.
const SURNAMES: &[&str] = &[
    "ahn", "an", "bae", "baek", "bak", "byeon", "byun", "chae", "chang", "che", "chin", "cho",
    "choe", "choi", "chon", "chong", "chu", "chun", "chung", "chwe", "gang", "gi", "gil", "gim",
    "go", "gong", "gu", "gwak", "gwon", "gye", "ha", "han", "heo", "ho", "hong", "hur", "hwang",
    "hyon", "hyun", "i", "im", "jang", "jeon", "jeong", "jin", "jo", "jong", "joo", "ju", "jun",
    "kang", "ki", "kil", "kim", "ko", "koh", "kong", "koo", "ku", "kwak", "kwon", "kye", "lee",
    "lim", "ma", "min", "mo", "moon", "mun", "nam", "no", "noh", "o", "oh", "ok", "pae", "paek",
    "paik", "pak", "park", "pyon", "rhee", "ri", "rim", "ro", "roh", "ryang", "ryu", "seo", "seok",
    "shim", "shin", "sim", "sin", "so", "sohn", "sok", "son", "song", "suh", "tak", "u", "won",
    "woo", "yang", "yi", "yoo", "yoon", "you", "yu", "yun",
];

/// Whether `token` is a Korean surname ([`SURNAMES`]).
pub fn is_surname(token: &str) -> bool {
    SURNAMES.binary_search(&token).is_ok()
}

/// How many tokens a Korean name has: a surname and a given name in one or two words, a
/// generation name apart.
pub const NAME_TOKENS: std::ops::RangeInclusive<usize> = 2..=4;

/// Whether two syllables are one Korean syllable in two romanisations; `word_start` when they
/// begin their tokens, where `r` may be written `n` or left out.
fn same_syllable(a: Syllable, b: Syllable, word_start: bool) -> bool {
    if a[1] != b[1] || a[2] != b[2] {
        return false;
    }
    if a[0] == b[0] {
        return true;
    }
    if !word_start {
        return false;
    }
    // South Korean spelling writes an initial `r` as `n` (`Ro` is `No`), and before `i` and
    // `y` drops it, as it drops an initial `n` there (`Ri` is `I`, `Ryong` is `Yong`): `n`
    // and nothing stand for `r` before those, `n` before the other vowels.
    let dropped = |c: u8| match a[1] {
        b'i' | b'y' | b'Y' | b'B' if c == b'0' => true,
        _ => c == b'n',
    };
    (a[0] == b'r' && dropped(b[0])) || (b[0] == b'r' && dropped(a[0]))
}

/// Whether `a` and `b` may be one Korean word in two romanisations: the cheap tests of
/// [`reads_as`], false only when it is.
pub fn may_read_as(a: &str, b: &str) -> bool {
    let (Some(&fa), Some(&fb)) = (a.as_bytes().first(), b.as_bytes().first()) else {
        return false;
    };
    // The first letters' classes must agree (or be an `r` that may drop), and so must the
    // stops and sibilants in order.
    let (ca, cb) = (initial_class(fa), initial_class(fb));
    (ca == cb || ca == b'r' || cb == b'r') && stops(a) == stops(b)
}

/// Whether `a` and `b` are one Korean word in two romanisations (`pu` and `bu`, `jong` and
/// `jeong`, `ri` and `lee`): some reading of each, syllable by syllable, in the same classes.
/// Equal tokens are not asked.
pub fn reads_as(a: &str, b: &str) -> bool {
    if !may_read_as(a, b) {
        return false;
    }
    let (ra, rb) = (readings(a), readings(b));
    ra.iter().any(|x| {
        rb.iter().any(|y| {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .enumerate()
                    .all(|(i, (&s, &t))| same_syllable(s, t, i == 0))
        })
    })
}

/// The stops, affricates, sibilants and `m` of a token, by class, in order, at most 16:
/// what every romanisation of one word writes alike (`pyong`, `byeong`, `byung` are all
/// `p`), while `h`, `n`, `r`, `l` and vowels differ between them (`th`, `Ahn`, `Ri`/`I`,
/// `Park`). A final `s` is a `t` in the syllable tables, but here an `s`: such a pair is not
/// read (rare in names).
fn stops(token: &str) -> ([u8; 16], usize) {
    let mut out = [0u8; 16];
    let mut n = 0;
    let bytes = token.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let class = match b {
            b'k' | b'g' => b'k',
            // `tch` is one affricate, as `ch` and `jj` are.
            b't' if bytes.get(i + 1) == Some(&b'c') => continue,
            b't' | b'd' => b't',
            b'p' | b'b' => b'p',
            b'c' | b'j' => b'c',
            b's' => b's',
            b'm' => b'm',
            _ => continue,
        };
        // Tense consonants are written doubled (`kk`, `ss`, `jj`).
        if n > 0 && out[n - 1] == class {
            continue;
        }
        if n == out.len() {
            break;
        }
        out[n] = class;
        n += 1;
    }
    (out, n)
}

/// The class of an initial by its first letter (vowels and `y`, `w` are `0`).
fn initial_class(first: u8) -> u8 {
    match first {
        b'k' | b'g' => b'k',
        b't' | b'd' => b't',
        b'p' | b'b' => b'p',
        b'c' | b'j' => b'c',
        b's' => b's',
        b'r' | b'l' => b'r',
        b'n' => b'n',
        b'm' => b'm',
        b'h' => b'h',
        _ => b'0',
    }
}

#[cfg(test)]
mod tests {
    use super::{is_korean_name, reads_as, strip, Spellings, SURNAMES};
    use super::{FINAL_SPELLINGS, INITIAL_SPELLINGS, VOWEL_SPELLINGS};
    use proptest::prelude::*;

    /// The entries of `spellings`' table that `strip` takes from `text`, in the table's order:
    /// of all of them (`every`), or of those `may_start` offers.
    fn taken(spellings: &Spellings, text: &[u8], every: bool) -> Vec<&'static str> {
        let offered: Vec<&'static (&'static str, u8)> = if every {
            spellings.table.iter().collect()
        } else {
            spellings.may_start(text).collect()
        };
        offered
            .into_iter()
            .filter(|(spelling, _)| strip(text, spelling).is_some())
            .map(|(spelling, _)| *spelling)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// `split` tries only what `may_start` offers and keeps what `strip` takes: it reads
        /// a token as trying every spelling would, readings and their order alike, when the
        /// two give the same spellings in the same order for every rest of a token.
        #[test]
        fn may_start_offers_every_spelling_strip_takes_in_table_order(
            text in "(a|e|o|u|i|y|w|k|g|n|d|t|r|l|m|b|p|s|j|ch|h|ng|tch|kk|ss|x|1){0,4}",
        ) {
            for spellings in [&INITIAL_SPELLINGS, &VOWEL_SPELLINGS, &FINAL_SPELLINGS] {
                prop_assert_eq!(
                    taken(spellings, text.as_bytes(), false),
                    taken(spellings, text.as_bytes(), true)
                );
            }
        }
    }

    #[test]
    fn surnames_are_sorted_for_the_binary_search() {
        assert!(SURNAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn one_name_in_the_romanisations_reads_as_itself() {
        for (mr, other) in [
            ("pu", "bu"),
            ("pyong", "byeong"),
            ("pyong", "byung"),
            ("so", "seo"),
            ("un", "eun"),
            ("gon", "geon"),
            ("gon", "kon"),
            ("chol", "cheol"),
            ("chol", "chul"),
            ("jong", "jeong"),
            ("jong", "chong"),
            ("yong", "young"),
            ("yong", "yeong"),
            ("choe", "choi"),
            ("ri", "lee"),
            ("ri", "yi"),
            ("ri", "i"),
            ("ryong", "yong"),
            ("ro", "no"),
            ("ro", "roh"),
            ("pak", "park"),
            ("sik", "shik"),
            ("thaek", "taek"),
            ("hui", "hee"),
            ("jongun", "jongeun"),
        ] {
            assert!(reads_as(mr, other), "{mr} / {other}");
            assert!(reads_as(other, mr), "{other} / {mr}");
        }
    }

    #[test]
    fn other_syllables_stay_apart() {
        for (a, b) in [
            ("min", "il"),
            ("chol", "sop"),
            ("su", "sok"),
            ("kim", "pak"),
            ("song", "son"),
            ("yong", "ryang"),
            ("man", "nam"),
        ] {
            assert!(!reads_as(a, b), "{a} / {b}");
        }
        assert!(!reads_as("il", "ri"), "an `r` drops only at a word's start");
        assert!(is_korean_name(&["kim", "jong", "un"]));
        assert!(!is_korean_name(&["dan", "smith"]));
        assert!(!is_korean_name(&["luta", "metal"]), "no surname");
        assert!(is_korean_name(&["choe", "pu", "il"]));
        assert!(is_korean_name(&["jong", "un", "kim"]));
        assert!(!is_korean_name(&["kim"]));
    }
}
