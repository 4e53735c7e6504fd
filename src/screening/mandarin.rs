//! Mandarin romanisations: a Wade-Giles spelling (`Hsi Chin-ping`, `Mao Tse-tung`, `Teng`,
//! `Chou`) read as the pinyin it stands for (`Xi Jinping`, `Mao Zedong`, `Deng`, `Zhou`), so
//! that a name written in either system meets the other. Han characters come out of
//! normalisation as pinyin (`deunicode`), and most lists write Chinese names in pinyin, but
//! Taiwanese, Hong Kong and older names are written in Wade-Giles.
//!
//! The folded text has lost Wade-Giles' apostrophes and umlauts (`ch'i` and `chi` both fold to
//! `chi`, `hsü` to `hsu`), so a syllable stands for every pinyin syllable it could be:
//! `chi` is `ji` or `qi`, `tung` is `dong` or `tong`. That ambiguity is why the reading is only
//! tried between two names that are wholly made of Mandarin syllables ([`is_syllabic`]): a
//! reading of `Dan` as `tan` has no business in `Dan Smith`.

/// Pinyin initials, longest first where one is a prefix of another (`zh` before `z`).
const PINYIN_INITIALS: &[&str] = &[
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s", "y", "w", "",
];

/// Pinyin finals, as folded (`ü` written `u` or `v`).
const PINYIN_FINALS: &[&str] = &[
    "a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er", "i", "ia", "ie",
    "iao", "iu", "ian", "in", "iang", "ing", "iong", "u", "ua", "uo", "uai", "ui", "uan", "un",
    "uang", "ue", "v", "ve",
];

/// Wade-Giles initials without their apostrophes (`ch'` folds to `ch`, `k'` to `k`).
const WG_INITIALS: &[&str] = &[
    "ch", "hs", "sh", "ts", "tz", "ss", "sz", "k", "p", "t", "j", "m", "f", "n", "l", "h", "s",
    "w", "y", "",
];

/// Wade-Giles finals without diacritics (`ê` → `e`, `ü` → `u`, `ŭ` → `u`).
const WG_FINALS: &[&str] = &[
    "a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ung", "erh", "i", "ih", "ia",
    "ieh", "iao", "iu", "ien", "in", "iang", "ing", "iung", "u", "ua", "uo", "uai", "ui", "uei",
    "uan", "un", "uang", "ueh", "eh",
];

/// Most syllables a token may hold to count as Mandarin (`jinping` is two; given names have
/// at most two, a merged full name three).
const MAX_SYLLABLES: usize = 4;

/// Whether `token` is made of one to [`MAX_SYLLABLES`] Mandarin syllables, in pinyin
/// (`jinping`) or in Wade-Giles (`hsiao`).
pub fn is_syllabic(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 6 * MAX_SYLLABLES
        && (splits(token.as_bytes(), PINYIN_INITIALS, PINYIN_FINALS, 0)
            || splits(token.as_bytes(), WG_INITIALS, WG_FINALS, 0))
}

/// Whether every token of a name is [`is_syllabic`]: a name Wade-Giles may be read in.
pub fn is_syllabic_name<S: AsRef<str>>(tokens: &[S]) -> bool {
    !tokens.is_empty() && tokens.iter().all(|t| is_syllabic(t.as_ref()))
}

fn splits(text: &[u8], initials: &[&str], finals: &[&str], depth: usize) -> bool {
    if text.is_empty() {
        return depth > 0;
    }
    if depth == MAX_SYLLABLES {
        return false;
    }
    initials.iter().any(|i| {
        strip(text, i).is_some_and(|rest| {
            finals.iter().any(|f| {
                strip(rest, f).is_some_and(|tail| splits(tail, initials, finals, depth + 1))
            })
        })
    })
}

/// The pinyin initials a Wade-Giles initial can stand for before `final_`: unaspirated
/// `k`, `p`, `t`, `ch`, `ts` are pinyin `g`, `b`, `d`, `zh`/`j`, `z`, and with their lost
/// apostrophe `k`, `p`, `t`, `ch`/`q`, `c`; `hs` is `x`, `j` is `r`.
fn initial_options(initial: &str, final_: &str) -> &'static [&'static str] {
    match initial {
        "ch" if final_ == "ih" => &["zh", "ch"],
        "ch" if final_.starts_with('i') => &["j", "q"],
        // `chu` may be `chü` with its umlaut lost: `ju`, `qu`.
        "ch" if final_.starts_with('u') => &["zh", "ch", "j", "q"],
        "ch" => &["zh", "ch"],
        "hs" => &["x"],
        "k" => &["g", "k"],
        "p" => &["b", "p"],
        "t" => &["d", "t"],
        "ts" | "tz" => &["z", "c"],
        "ss" | "sz" | "s" => &["s"],
        "j" => &["r"],
        "sh" => &["sh"],
        "m" => &["m"],
        "f" => &["f"],
        "n" => &["n"],
        "l" => &["l"],
        "h" => &["h"],
        "w" => &["w"],
        "y" => &["y"],
        _ => &[""],
    }
}

/// The pinyin finals a Wade-Giles final can stand for after `initial`.
fn final_options(initial: &str, final_: &str) -> &'static [&'static str] {
    match (initial, final_) {
        (_, "ih") => &["i"],
        (_, "ieh") => &["ie"],
        (_, "eh") => &["e"],
        (_, "ien") => &["ian"],
        (_, "iung") => &["iong"],
        (_, "ung") => &["ong"],
        (_, "ueh") => &["ue"],
        (_, "uei") => &["ui"],
        (_, "erh") => &["er"],
        // `o` after `k`, `h` and others is pinyin `e` or `uo` (`ko` = `ge`, `lo` = `luo`).
        (_, "o") => &["o", "e", "uo"],
        // `tzu`, `ssu` (with `ŭ`) are `zi`, `si`.
        ("tz" | "ss" | "sz", "u") => &["i"],
        // `yu` is `you` (`yü`, folded alike, is `yu`); `yen` is `yan`.
        ("y", "u") => &["u", "ou"],
        ("y", "en") => &["an"],
        _ => match final_ {
            "a" => &["a"],
            "e" => &["e"],
            "ai" => &["ai"],
            "ei" => &["ei"],
            "ao" => &["ao"],
            "ou" => &["ou"],
            "an" => &["an"],
            "en" => &["en"],
            "ang" => &["ang"],
            "eng" => &["eng"],
            "i" => &["i"],
            "ia" => &["ia"],
            "iao" => &["iao"],
            "iu" => &["iu"],
            "in" => &["in"],
            "iang" => &["iang"],
            "ing" => &["ing"],
            "u" => &["u"],
            "ua" => &["ua"],
            "uo" => &["uo"],
            "uai" => &["uai"],
            "ui" => &["ui"],
            "uan" => &["uan"],
            "un" => &["un"],
            "uang" => &["uang"],
            _ => &[],
        },
    }
}

/// Whether the Wade-Giles token `wg` can be read as the pinyin token `pinyin`, syllable by
/// syllable (`hsi` → `xi`, `chinping` → `jinping`, `tsetung` → `zedong`).
pub fn reads_as(wg: &str, pinyin: &str) -> bool {
    let (Some(&w), Some(&p)) = (wg.as_bytes().first(), pinyin.as_bytes().first()) else {
        return false;
    };
    // Most token pairs are ruled out by their first letters (tokens are compared by the
    // thousand): what a Wade-Giles initial can become in pinyin.
    let first_ok = match w {
        b'c' => matches!(p, b'z' | b'c' | b'j' | b'q'),
        b'h' => matches!(p, b'x' | b'h'),
        b'k' => matches!(p, b'g' | b'k'),
        b'p' => matches!(p, b'b' | b'p'),
        b't' => matches!(p, b'd' | b't' | b'z' | b'c'),
        b'j' => p == b'r',
        b'a' | b'e' | b'i' | b'o' | b'u' => matches!(p, b'a' | b'e' | b'i' | b'o' | b'u'),
        _ => p == w,
    };
    // Every syllable ends in a vowel, `n`, `ng`, `r` (pinyin `er`) or `h` (Wade-Giles `ih`,
    // `eh`, `erh`).
    let ends = |t: &str| {
        t.bytes().last().is_some_and(|b| {
            matches!(
                b,
                b'a' | b'e' | b'i' | b'o' | b'u' | b'v' | b'n' | b'g' | b'r' | b'h'
            )
        })
    };
    // The readings keep a final `n` or `ng`, give a vowel for a vowel and a vowel or `r` for
    // Wade-Giles' `h` (`shih`, `yeh`, `erh`), and keep the number of vowel groups (one a
    // syllable): cheap tests that rule out nearly every pair left before the parse.
    let (wl, pl) = (
        wg.as_bytes()[wg.len() - 1],
        pinyin.as_bytes()[pinyin.len() - 1],
    );
    let last_ok = match wl {
        b'n' | b'g' => pl == wl,
        b'h' => is_vowel(pl) || pl == b'r',
        _ => is_vowel(wl) && is_vowel(pl),
    };
    first_ok
        && last_ok
        && wg.len() <= 6 * MAX_SYLLABLES
        && ends(wg)
        && ends(pinyin)
        && vowel_groups(wg) == vowel_groups(pinyin)
        && reads_from(wg.as_bytes(), pinyin.as_bytes(), 0)
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'v')
}

/// Runs of vowels in a token: one for each Mandarin syllable.
fn vowel_groups(token: &str) -> usize {
    let mut groups = 0;
    let mut in_vowels = false;
    for b in token.bytes() {
        let v = is_vowel(b);
        if v && !in_vowels {
            groups += 1;
        }
        in_vowels = v;
    }
    groups
}

fn reads_from(wg: &[u8], pinyin: &[u8], depth: usize) -> bool {
    if wg.is_empty() {
        return pinyin.is_empty() && depth > 0;
    }
    if depth == MAX_SYLLABLES || pinyin.is_empty() {
        return false;
    }
    WG_INITIALS.iter().any(|i| {
        let Some(rest) = strip(wg, i) else {
            return false;
        };
        WG_FINALS.iter().any(|f| {
            let Some(tail) = strip(rest, f) else {
                return false;
            };
            initial_options(i, f).iter().any(|pi| {
                final_options(i, f).iter().any(|pf| {
                    strip(pinyin, pi)
                        .and_then(|p| strip(p, pf))
                        .is_some_and(|p_tail| reads_from(tail, p_tail, depth + 1))
                })
            })
        })
    })
}

/// `text` without the prefix `prefix`, byte by byte: the strings are a few bytes long, and
/// a library comparison costs more than the comparison itself. Also the Korean syllable
/// tables' ([`super::korean`]).
#[inline]
pub(super) fn strip<'t>(text: &'t [u8], prefix: &str) -> Option<&'t [u8]> {
    let p = prefix.as_bytes();
    if text.len() < p.len() {
        return None;
    }
    let mut k = 0;
    while k < p.len() {
        if text[k] != p[k] {
            return None;
        }
        k += 1;
    }
    Some(&text[p.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wade_giles_reads_as_pinyin() {
        for (wg, py) in [
            ("hsi", "xi"),
            ("chin", "jin"),
            ("chinping", "jinping"),
            ("tse", "ze"),
            ("tung", "dong"),
            ("chou", "zhou"),
            ("teng", "deng"),
            ("hsiao", "xiao"),
            ("chiang", "jiang"),
            ("kuo", "guo"),
            ("shih", "shi"),
            ("chih", "zhi"),
            ("tzu", "zi"),
            ("yeh", "ye"),
        ] {
            assert!(reads_as(wg, py), "{wg} / {py}");
        }
        assert!(!reads_as("hsi", "si"));
        assert!(!reads_as("smith", "smith2"));
        assert!(!reads_as("dan", "tan") || reads_as("tan", "dan"));
    }

    #[test]
    fn names_of_syllables() {
        assert!(is_syllabic("jinping") && is_syllabic("hsiao") && is_syllabic("mao"));
        assert!(!is_syllabic("smith") && !is_syllabic("kim") && !is_syllabic("x"));
    }
}
