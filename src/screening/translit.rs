//! Transliteration of the scripts `deunicode` leaves far from how sanctions lists spell names:
//! Hangul (to the McCune-Reischauer style of the DPRK names on OFAC and UN lists) and the
//! Arabic script, including its Persian and Urdu letters (to a consonant skeleton that
//! [`skeleton`] compares with vowelled Latin spellings).
//!
//! Hand-written, because no maintained crate does either: `hangeul` only splits syllables
//! into jamo, `korean-romanize` is an early Revised Romanisation, and no Rust crate romanises
//! the Arabic script beyond `deunicode`'s letter table. Hangul syllables decompose
//! arithmetically (Unicode chapter 3.12), so a table of 19 + 21 + 28 jamo is all there is.

/// Initial consonants, in Unicode order. DPRK style, as the lists write North Korean names:
/// `ㅈ` is `j` (`Jong`, `Jang`), the aspirates `kh`, `th`, `ph` (`Thaek`, `Phyo`), `ㄹ` `r`.
const LEADS: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];

/// Vowels, McCune-Reischauer without its breves (`ŏ` and `ŭ` are written `o` and `u` on the
/// lists: `Kim Jong Un` for 김정은).
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];

/// Final consonants (index 0: none), as they are pronounced at the end of a syllable.
const TAILS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// The romanisation of a precomposed Hangul syllable (`김` → `kim`), `None` for any other
/// character.
pub fn hangul(c: char) -> Option<String> {
    let s = u32::from(c).checked_sub(0xAC00)?;
    if s >= 11_172 {
        return None;
    }
    let (lead, vowel, tail) = (
        (s / 588) as usize,
        (s % 588 / 28) as usize,
        (s % 28) as usize,
    );
    let mut out = String::with_capacity(6);
    out.push_str(LEADS.get(lead)?);
    out.push_str(VOWELS.get(vowel)?);
    out.push_str(TAILS.get(tail)?);
    Some(out)
}

/// Whether `text` holds a precomposed Hangul syllable (what [`hangul`] reads).
pub fn has_hangul(text: &str) -> bool {
    text.chars().any(is_hangul)
}

/// Whether `c` is a Hangul syllable.
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Whether `c` is a letter of the Arabic script that [`arabic`] reads.
pub fn is_arabic_letter(c: char) -> bool {
    arabic(c, false).is_some()
}

/// The consonants of an Arabic, Persian or Urdu letter. Short vowels are not written, and the
/// long-vowel letters (`ا`, `و`, `ي`) and `ع`, `ء` stand for sounds Latin spellings write as
/// vowels or not at all, so they give nothing, except `و` and `ي` at the start of a word
/// (`w`, `y`: `Walid`, `Yusuf`). What is left is the skeleton [`skeleton`] compares with the
/// consonants of a Latin spelling (`محمد` → `mhmd` ~ `Muhammad`, `Mohamed`).
pub fn arabic(c: char, word_start: bool) -> Option<&'static str> {
    Some(match c {
        'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ء' | 'ؤ' | 'ئ' | 'ى' | 'ة' | 'ۀ' | 'ع' | 'ـ' => {
            ""
        }
        'و' if word_start => "w",
        'ي' | 'ی' | 'ے' if word_start => "y",
        'و' | 'ي' | 'ی' | 'ے' => "",
        'ب' => "b",
        'پ' => "p",
        'ت' | 'ط' | 'ٹ' => "t",
        'ث' => "th",
        'ج' => "j",
        'چ' => "ch",
        'ح' | 'ه' | 'ہ' | 'ھ' => "h",
        'خ' => "kh",
        'د' | 'ض' | 'ڈ' => "d",
        'ذ' => "dh",
        'ر' | 'ڑ' => "r",
        'ز' | 'ظ' => "z",
        'ژ' => "zh",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'گ' => "g",
        'ل' => "l",
        'م' => "m",
        'ن' | 'ں' => "n",
        _ => return None,
    })
}

/// First words of given names that Persian writes as one word with the name after them
/// (`محمدعلی`, Mohammad Ali), and the names they join, in Persian letters: a word is compared
/// with the Arabic `ي` and `ك` of an Arabic keyboard read as the Persian `ی` and `ک`.
const COMPOUND_FIRSTS: &[&str] = &["محمد", "علی", "غلام"];
const COMPOUND_SECONDS: &[&str] = &[
    "علی",
    "رضا",
    "حسین",
    "حسن",
    "جواد",
    "مهدی",
    "باقر",
    "صادق",
    "کاظم",
    "تقی",
    "هادی",
    "امین",
    "اسماعیل",
    "ابراهیم",
    "کریم",
    "رحیم",
    "جعفر",
    "اکبر",
    "اصغر",
    "اسلام",
];

/// `word` with the Arabic letters an Arabic keyboard types for the Persian `ی` and `ک`
/// written as the Persian ones; each pair has the same UTF-8 length, so byte offsets hold.
fn persian_keyboard(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            c => c,
        })
        .collect()
}

/// `text` with each compound given name written as one word split into its two names
/// (`محمدعلی جعفری` is `محمد علی جعفری`): the lists write `JAFARI, Mohammad Ali`, and the
/// one-word reading `mhmdali` pairs with neither of the two listed words, so the name met
/// nothing. Only a listed first word followed by a listed second name is split: `محمدی`
/// (Mohammadi, a family name) stays whole.
fn split_compound_names(text: &str) -> std::borrow::Cow<'_, str> {
    let split = |word: &str| -> Option<(usize, usize)> {
        let word = persian_keyboard(word);
        let first = COMPOUND_FIRSTS.iter().find(|f| word.starts_with(*f))?;
        let rest = &word[first.len()..];
        COMPOUND_SECONDS
            .contains(&rest)
            .then(|| (first.len(), word.len() - rest.len()))
    };
    if !text.split(' ').any(|w| split(w).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match split(word) {
            Some((first_end, rest_start)) => {
                out.push_str(&word[..first_end]);
                out.push(' ');
                out.push_str(&word[rest_start..]);
            }
            None => out.push_str(word),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `name` with its Arabic, Persian and Urdu letters written in Latin letters with the long
/// vowels the script writes (`ا` `a`, `و` `u`, `ي` `i`, and `ع` as `a`): a second
/// reading beside the consonant skeleton of normalisation, for the words a skeleton cannot
/// carry. `علي` (Ali) is the skeleton `l`, one consonant that pairs with nothing, so `علی
/// خامنه‌ای` met the listed `Ali Khamenei` at 0.38; read `ali khamnhai` it meets it. `None`
/// when the name has no Arabic letter. Other text stays as written; the article is split off
/// as for the skeleton ([`split_article`]).
pub fn arabic_with_vowels(name: &str) -> Option<String> {
    if !name.chars().any(is_arabic_letter) {
        return None;
    }
    // Persian letters tell a Persian name, whose `ض`, `ظ` and `ذ` sound `z` (`فضلی` Fazli),
    // where Arabic says `d`, `z` and `dh`.
    Some(read_with_vowels(name, has_persian_letter(name)))
}

/// The Persian reading of a name written without a Persian letter, where it differs from
/// the Arabic one of [`arabic_with_vowels`]: a Persian name typed on an Arabic keyboard
/// (`احمد وحيدي`, with the Arabic `ي`) has no letter that tells it Persian, so its initial
/// `و` is read `w` (`ahmd whidi`) and met the listed `VAHIDI, Ahmad` too loosely to count;
/// read as Persian it is `ahmd vhidi`. Not the only reading: `وليد` is Walid. `None` when
/// the name has a Persian letter (it is read as Persian already), no Arabic letter, or no
/// letter Persian reads otherwise.
pub fn persian_with_vowels(name: &str) -> Option<String> {
    if !name.chars().any(is_arabic_letter) || has_persian_letter(name) {
        return None;
    }
    let persian = read_with_vowels(name, true);
    (persian != read_with_vowels(name, false)).then_some(persian)
}

/// Whether `name` has a letter Persian writes and Arabic does not.
fn has_persian_letter(name: &str) -> bool {
    name.chars()
        .any(|c| matches!(c, 'ی' | 'ک' | 'گ' | 'پ' | 'چ' | 'ژ'))
}

/// [`arabic_with_vowels`] of `name`, read as Persian or as Arabic.
fn read_with_vowels(name: &str, persian: bool) -> String {
    // Invisible characters out first, as normalisation takes them out: a joiner inside
    // `محمد‍علی` must not keep the compound whole.
    let cleaned = super::chars::clean(name);
    let article_split = split_article(&cleaned);
    let name = split_compound_names(&article_split);
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        // The adjective ending `-وی` (`موسوی` Mousavi, `فدوی` Fadavi, `بدوي` Badawi): its `و` is
        // a consonant, `v` in Persian and `w` in Arabic, where elsewhere inside a word it is
        // the vowel `u`.
        let ending =
            !word_start && c == 'و' && chars.peek().is_some_and(|&n| matches!(n, 'ي' | 'ی')) && {
                let mut after = chars.clone();
                after.next();
                after.next().is_none_or(|n| !is_arabic_letter(n))
            };
        let latin = match c {
            'و' if word_start && persian => "v",
            'و' if ending && persian => "v",
            'و' if ending => "w",
            'ض' | 'ظ' | 'ذ' if persian => "z",
            'ا' | 'أ' | 'آ' | 'ٱ' | 'ى' | 'ة' => "a",
            'إ' => "i",
            // `ع` is written `a` at a word's start (`Ali`) and mostly inside one (`Jafari`).
            'ع' => "a",
            'ء' | 'ؤ' | 'ئ' | 'ـ' => "",
            'ۀ' => "e",
            'و' if !word_start => "u",
            'ي' | 'ی' | 'ے' if !word_start => "i",
            _ => match arabic(c, word_start) {
                Some(latin) => latin,
                None => {
                    out.push(c);
                    word_start = !c.is_alphanumeric() && !super::chars::is_invisible(c);
                    continue;
                }
            },
        };
        out.push_str(latin);
        word_start = false;
    }
    out
}

/// Splits the Arabic definite article from the word it is written onto (`السوداني` →
/// `al سوداني`), so that it becomes the particle `al` as in the Latin `al-Sudani`; `الله`
/// (God, in `عبد الله`) keeps its letters.
pub fn split_article(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("ال") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 2 && rest != "له" => {
                out.push_str("al ");
                out.push_str(rest);
            }
            _ => out.push_str(word),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a token looks like an Arabic-script skeleton: no Latin vowel letter, `w` or `y`
/// only first, at least two letters. (A Latin token rarely qualifies: `ltd`, `hsbc`.)
pub fn is_skeleton(token: &str) -> bool {
    token.len() >= 2
        && token.bytes().enumerate().all(|(i, b)| match b {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'w' | b'y' => i == 0,
            _ => b.is_ascii_lowercase(),
        })
}

/// The consonant skeleton of a token for comparison with an Arabic-script one: vowels, `w`
/// and `y` dropped, the letters the Arabic script does not tell apart merged (`p`→`b`,
/// `v`→`f`, `g`→`j`, `q` and `c`→`k`, `ph`→`f`), doubled letters written once
/// (`Muhammad` → `mhmd`, `Pérez` → `brz`). A Latin `ph` is `f`; in a skeleton it is `پ` and
/// `ه` (`سپه` `sph` is Sepah, `sbh`, not `sf`).
pub fn skeleton(token: &str) -> String {
    let latin = !is_skeleton(token);
    let bytes = token.as_bytes();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let mapped = match (b, next) {
            (b'p', Some(b'h')) if latin => {
                i += 1;
                Some('f')
            }
            (b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'y', _) => None,
            (b'p', _) => Some('b'),
            (b'v', _) => Some('f'),
            (b'g', Some(b'h')) => Some('g'),
            (b'g', _) => Some('j'),
            (b'q' | b'c', _) => Some('k'),
            (b'x', _) => {
                out.push('k');
                Some('s')
            }
            _ => Some(char::from(b)),
        };
        if let Some(m) = mapped {
            if !out.ends_with(m) {
                out.push(m);
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_syllables_read_as_the_lists_write_them() {
        let read = |s: &str| s.chars().filter_map(hangul).collect::<Vec<_>>().join(" ");
        assert_eq!(read("김정은"), "kim jong un");
        assert_eq!(read("리병철"), "ri pyong chol");
        assert_eq!(read("장성택"), "jang song thaek");
        assert_eq!(hangul('A'), None);
    }

    #[test]
    fn arabic_script_is_read_with_the_vowels_it_writes() {
        let read = |s: &str| arabic_with_vowels(s).unwrap_or_default();
        assert_eq!(read("علي مملوك"), "ali mmluk");
        assert_eq!(read("بشار الأسد"), "bshar al asd");
        // A Persian name: `ض` is `z`, `ی` a vowel inside a word.
        assert_eq!(read("علی فضلی"), "ali fzli");
        assert_eq!(read("قاسم سلیمانی"), "qasm slimani");
        // Initial `و` and `ي` are consonants; other text stays.
        assert_eq!(read("وليد يوسف Ltd"), "wlid yusf Ltd");
        // The ending `-وی` is `-vi` in Persian and `-wi` in Arabic.
        assert_eq!(read("علی فدوی"), "ali fdvi");
        assert_eq!(read("محمد بدوي"), "mhmd bdwi");
        assert!(arabic_with_vowels("Ali Mamluk").is_none());
        // Persian writes an initial `و` for `v`.
        assert_eq!(read("احمد وحیدی"), "ahmd vhidi");
    }

    #[test]
    fn a_compound_given_name_written_as_one_word_is_read_as_two() {
        let read = |s: &str| arabic_with_vowels(s).unwrap_or_default();
        assert_eq!(read("محمدعلی جعفری"), "mhmd ali jafri");
        assert_eq!(read("محمدرضا نقدی"), "mhmd rza nqdi");
        // With a zero-width non-joiner between the two names, as Persian typing often has,
        // or a joiner a diverter put there.
        assert_eq!(read("علی\u{200C}اکبر"), "ali akbr");
        assert_eq!(read("محمد\u{200D}علی جعفری"), "mhmd ali jafri");
        // A family name on the same first word stays whole.
        assert_eq!(read("علی محمدی"), "ali mhmdi");
        // Typed on an Arabic keyboard, with `ي` and `ك` for `ی` and `ک`.
        assert_eq!(read("محمدامين"), "mhmd amin");
        assert_eq!(read("غلامكريم"), "ghlam krim");
    }

    #[test]
    fn a_persian_name_typed_on_an_arabic_keyboard_is_also_read_as_persian() {
        // Nothing tells `احمد وحيدي` Persian: it is read as Arabic and, beside that, as
        // Persian, where the initial `و` is `v`.
        assert_eq!(
            arabic_with_vowels("احمد وحيدي").as_deref(),
            Some("ahmd whidi")
        );
        assert_eq!(
            persian_with_vowels("احمد وحيدي").as_deref(),
            Some("ahmd vhidi")
        );
        assert_eq!(persian_with_vowels("علي فضلي").as_deref(), Some("ali fzli"));
        // Read as Persian already, read the same either way, or not Arabic script.
        assert_eq!(persian_with_vowels("احمد وحیدی"), None);
        assert_eq!(persian_with_vowels("بشار الأسد"), None);
        assert_eq!(persian_with_vowels("Walid"), None);
    }

    #[test]
    fn skeletons_of_arabic_and_latin_spellings_meet() {
        let arabic_word = |w: &str| -> String {
            w.chars()
                .enumerate()
                .filter_map(|(i, c)| arabic(c, i == 0))
                .collect()
        };
        assert_eq!(arabic_word("محمد"), "mhmd");
        assert_eq!(skeleton("muhammad"), "mhmd");
        assert_eq!(skeleton("mohamed"), "mhmd");
        assert_eq!(skeleton(&arabic_word("بيريز")), skeleton("perez"));
        // `پ` and `ه` are not the Latin `ph`.
        assert_eq!(skeleton(&arabic_word("سپهر")), skeleton("sepehr"));
        assert_eq!(skeleton("phillip"), skeleton("filib"));
        assert!(is_skeleton("mhmd") && !is_skeleton("lynn") && !is_skeleton("ali"));
        assert_eq!(split_article("عبد الله السوداني"), "عبد الله al سوداني");
    }
}
