//! Character classes that screening folds away before names and identifiers are compared:
//! invisible characters (dropped, so `MA\u{200B}HAN` is `MAHAN`), symbols and emoji (a
//! separator, so `MAHAN AIR ✈️` is `MAHAN AIR`), and decimal digits of every script (their
//! ASCII value, so `٧٧١٩` is `7719`).
//!
//! The Unicode data comes from `regex_syntax`'s tables (already a dependency through `regex`),
//! not from hand-written code point ranges.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, ClassUnicode, HirKind};

struct Tables {
    /// `Default_Ignorable_Code_Point` and general category `Cf`: zero-width spaces and joiners,
    /// the Mongolian vowel separator, the soft hyphen, variation selectors, bidi controls,
    /// Hangul fillers, tags.
    invisible: ClassUnicode,
    /// General category `S` (math, currency, modifier and other symbols) and
    /// `Extended_Pictographic` (emoji, including those not yet assigned).
    symbol: ClassUnicode,
    /// General category `Nd`: decimal digits, always assigned in runs of ten from zero.
    digit: ClassUnicode,
}

fn class(pattern: &str) -> ClassUnicode {
    match regex_syntax::parse(pattern).map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(class))) => class,
        // The patterns are constants that parse to a class; the tests pin each class.
        _ => ClassUnicode::empty(),
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        invisible: class(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]"),
        symbol: class(r"[\p{S}\p{Extended_Pictographic}]"),
        digit: class(r"\p{Nd}"),
    })
}

fn range_of(class: &ClassUnicode, c: char) -> Option<char> {
    let ranges = class.ranges();
    let i = ranges
        .binary_search_by(|r| {
            if r.end() < c {
                std::cmp::Ordering::Less
            } else if r.start() > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()?;
    Some(ranges[i].start())
}

/// Whether `c` is invisible and carries no letter: format characters, default-ignorable code
/// points, and control characters other than whitespace. Such characters are removed.
pub fn is_invisible(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !c.is_ascii_whitespace();
    }
    (c.is_control() && !c.is_whitespace()) || range_of(&tables().invisible, c).is_some()
}

/// Whether `c` is a symbol or an emoji (not a letter, digit or mark). ASCII symbols are not
/// included: the folding code treats ASCII punctuation itself.
pub fn is_symbol(c: char) -> bool {
    !c.is_ascii() && range_of(&tables().symbol, c).is_some()
}

/// The value of a decimal digit of any script (`７`, `٧`, `۷`, `७` → 7), `None` for anything
/// else.
pub fn digit_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return c.to_digit(10);
    }
    if c.is_ascii() {
        return None;
    }
    // Unicode assigns decimal digits in contiguous runs 0..9, so a merged range of the class
    // starts at a zero and its length is a multiple of ten.
    let zero = range_of(&tables().digit, c)?;
    Some((u32::from(c) - u32::from(zero)) % 10)
}

/// Removes invisible characters and turns symbols and emoji into spaces, before Unicode
/// normalisation: NFKC would otherwise spell `™` as `TM` and glue it to the word before.
/// A symbol whose compatibility form is one letter or digit (`Ⓜ`, `①`) is kept for NFKC to
/// fold, since it reads as that letter.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    let needs = |c: char| !c.is_ascii() || is_invisible(c);
    if !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if let Some(inner) = unparenthesized(c) {
            out.push_str(&inner);
            continue;
        }
        if is_symbol(c) {
            let mut folded = std::iter::once(c).nfkc();
            let reads_as_one = match (folded.next(), folded.next()) {
                (Some(f), None) => f.is_alphanumeric(),
                _ => false,
            };
            if !reads_as_one {
                out.push(' ');
                continue;
            }
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// The letters or digits a parenthesized form stands for (`⒜` → `a`, `⑽` → `10`, `🄰` → `A`,
/// `㈜` → `주`): NFKC spells them in parentheses, `(a)`, so a word written in them (`⒞⒜⒮⒣`)
/// became single letters between brackets, which screening read as punctuation and the
/// rules' patterns as no word at all, while a reader sees the word. `None` for any other
/// character.
pub fn unparenthesized(c: char) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    // Unicode's parenthesized letters, numbers and syllables: ⑴..⒇ and ⒜..⒵, Hangul and
    // ideographs in parentheses, and the supplement's capitals 🄐..🄩.
    if !matches!(u32::from(c), 0x2474..=0x2487 | 0x249C..=0x24B5 | 0x3200..=0x3243 | 0x1F110..=0x1F12A)
    {
        return None;
    }
    let folded: String = std::iter::once(c).nfkc().collect();
    let inner = folded.strip_prefix('(')?.strip_suffix(')')?;
    (!inner.is_empty() && inner.chars().all(char::is_alphanumeric)).then(|| inner.to_string())
}

/// The Latin letter a Cyrillic or Greek letter looks like (`Н` → `H`, `р` → `p`), for text
/// that mixes those scripts with Latin inside one word or identifier, where the glyph is what
/// a reader sees. Written out because no crate already in the build carries Unicode's
/// confusables table, and only letters that share a glyph with a Latin one are needed.
pub fn latin_look_alike(c: char) -> Option<char> {
    Some(match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' | 'Ӏ' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'Һ' => 'H',
        'Ԛ' => 'Q',
        'Ԝ' => 'W',
        'У' | 'Υ' | 'Ү' => 'Y',
        'Ζ' => 'Z',
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' => 'e',
        'һ' => 'h',
        'ӏ' => 'l',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'х' | 'χ' => 'x',
        'у' => 'y',
        _ => return None,
    })
}

/// The Latin letter a letter of the Cherokee syllabary or of Canadian syllabics looks like
/// (`Ꭺ` → `A`, `Ꮇ` → `M`, `ᗰ` → `M`, `ᕼ` → `H`). The pairs follow Unicode's confusables
/// (UTS #39, `confusables.txt`) with the few glyphs forgers use beside them (`Ꮖ` for `I`,
/// `ᑎ` for `N`); written out because no crate in the build carries that table (the
/// `unicode-security` crate does, and would be a new dependency for two blocks).
fn syllabic_look_alike(c: char) -> Option<char> {
    Some(match c {
        // Cherokee
        '\u{13AA}' => 'A',              // Ꭺ
        '\u{13F4}' => 'B',              // Ᏼ
        '\u{13DF}' => 'C',              // Ꮯ
        '\u{13A0}' => 'D',              // Ꭰ
        '\u{13AC}' => 'E',              // Ꭼ
        '\u{13C0}' | '\u{13F3}' => 'G', // Ꮐ Ᏻ
        '\u{13BB}' => 'H',              // Ꮋ
        '\u{13C6}' => 'I',              // Ꮖ
        '\u{13AB}' => 'J',              // Ꭻ
        '\u{13E6}' => 'K',              // Ꮶ
        '\u{13DE}' => 'L',              // Ꮮ
        '\u{13B7}' => 'M',              // Ꮇ
        '\u{13E2}' => 'P',              // Ꮲ
        '\u{13A1}' | '\u{13D2}' => 'R', // Ꭱ Ꮢ
        '\u{13DA}' | '\u{13D5}' => 'S', // Ꮪ Ꮥ
        '\u{13A2}' => 'T',              // Ꭲ
        '\u{13D9}' => 'V',              // Ꮩ
        '\u{13B3}' => 'W',              // Ꮃ
        '\u{13A9}' => 'Y',              // Ꭹ
        '\u{13C3}' => 'Z',              // Ꮓ
        '\u{13CF}' => 'b',              // Ꮟ
        '\u{13E7}' => 'd',              // Ꮷ
        '\u{13C2}' => 'h',              // Ꮒ
        '\u{13A5}' => 'i',              // Ꭵ
        // Canadian syllabics
        '\u{15C5}' | '\u{15E9}' => 'A', // ᗅ ᗩ
        '\u{15F7}' => 'B',              // ᗷ
        '\u{1455}' => 'C',              // ᑕ
        '\u{15EA}' | '\u{15DE}' => 'D', // ᗪ ᗞ
        '\u{15F4}' => 'E',              // ᗴ
        '\u{15B4}' => 'F',              // ᖴ
        '\u{157C}' => 'H',              // ᕼ
        '\u{148D}' => 'J',              // ᒍ
        '\u{14AA}' => 'L',              // ᒪ
        '\u{15F0}' => 'M',              // ᗰ
        '\u{144E}' => 'N',              // ᑎ
        '\u{146D}' => 'P',              // ᑭ
        '\u{1587}' => 'R',              // ᖇ
        '\u{1515}' => 'S',              // ᔕ
        '\u{142F}' => 'V',              // ᐯ
        '\u{15EF}' => 'W',              // ᗯ
        '\u{1541}' => 'x',              // ᕁ
        '\u{1472}' | '\u{15AF}' => 'b', // ᑲ ᖯ
        '\u{146F}' => 'd',              // ᑯ
        _ => return None,
    })
}

/// Whether `c` is in the Cherokee or Canadian syllabics blocks.
fn is_syllabic(c: char) -> bool {
    matches!(c, '\u{13A0}'..='\u{13FF}' | '\u{AB70}'..='\u{ABBF}' | '\u{1400}'..='\u{167F}' | '\u{18B0}'..='\u{18FF}')
}

/// Words forged from Cherokee or Canadian syllabics letters that look like Latin ones
/// (`ᎷᎪᎻᎪN ᎪᏆᏒ`, `ᗰᗅᕼᗅᑎ ᗅIR`) read as those Latin letters: every letter of the word is Latin
/// or has a Latin look-alike ([`syllabic_look_alike`]). A word with any other syllabic letter
/// is Cherokee or Inuktitut as written and is left for transliteration.
fn unforge_syllabics(text: &str) -> String {
    rewrite_words(text, |word, out| {
        let forged = word.chars().any(is_syllabic)
            && word.chars().all(|c| {
                syllabic_look_alike(c).is_some()
                    || !is_syllabic(c) && (is_latin_letter(c) || !c.is_alphabetic())
            });
        for c in word.chars() {
            match syllabic_look_alike(c) {
                Some(l) if forged => out.push(l),
                _ => out.push(c),
            }
        }
    })
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(c, '\u{C0}'..='\u{24F}') && c.is_alphabetic())
}

fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c, '\u{370}'..='\u{3FF}' | '\u{400}'..='\u{52F}')
}

/// Replaces Cyrillic and Greek letters by the Latin letters they look like, in words that
/// also hold Latin letters (`MAНAN` with a Cyrillic `Н` → `MAHAN`, not `manan`), and in words
/// forged wholly from look-alikes (`саѕһ` → `cash`, `Неіһе` → `Heihe`): every letter has a
/// Latin look-alike and the word has a letter no Russian, Ukrainian or Belarusian word
/// writes beside only such letters (`ѕ`, `һ`, `ԁ`, `ԛ`, `ԝ`, `ӏ`), or mixes Greek with
/// Cyrillic, which no language does. Any other word wholly in Cyrillic or Greek (`Москва`,
/// `Сірко`) is left for transliteration.
///
/// A word of more Cyrillic letters than Latin ones, whose Latin letters all look like
/// letters of the Russian and Ukrainian alphabets, is read the other way, as Cyrillic
/// (`нaличные` with a Latin `a` → `наличные`: a keyboard left on the Latin layout for one
/// letter, or a forger hiding a Russian word from a pattern), unless it then reads as a word
/// forged from look-alikes (`саѕh` is still `cash`).
pub fn unmix_scripts(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_syllabic) {
        // Words forged from Cherokee or Canadian syllabics look-alikes first, then the rest.
        let read = unforge_syllabics(text);
        return std::borrow::Cow::Owned(unmix_cyrillic_greek(&read).into_owned());
    }
    unmix_cyrillic_greek(text)
}

/// [`unmix_scripts`] for Cyrillic and Greek letters.
fn unmix_cyrillic_greek(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_cyrillic_or_greek) || !text.chars().any(may_read_as_latin) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(rewrite_words(text, |written, out| {
        let mut word: Vec<char> = written.chars().collect();
        if reads_as_cyrillic(&word) {
            let cyrillic: Vec<char> = word
                .iter()
                .map(|&c| cyrillic_look_alike(c).unwrap_or(c))
                .collect();
            if !is_forged_word(&cyrillic) {
                out.extend(cyrillic);
                return;
            }
            word = cyrillic;
        }
        let foreign = word.iter().any(|&c| is_cyrillic_or_greek(c));
        let mixed = foreign && word.iter().any(|&c| is_latin_letter(c));
        let forged = foreign && !mixed && is_forged_word(&word);
        for &c in &word {
            match latin_look_alike(c) {
                Some(l) if mixed || forged => out.push(l),
                _ => out.push(c),
            }
        }
    }))
}

/// Whether `c` belongs to a word: a letter, or a mark combining with the letter before it.
fn in_word(c: char) -> bool {
    c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c)
}

/// `text` with each word (a run of [`in_word`] characters) written by `write_word` and every
/// other character copied.
fn rewrite_words(text: &str, mut write_word: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (in_word(c), start) {
            (true, None) => start = Some(at),
            (true, Some(_)) => {}
            (false, from) => {
                if let Some(word) = from.and_then(|from| text.get(from..at)) {
                    write_word(word, &mut out);
                }
                start = None;
                out.push(c);
            }
        }
    }
    if let Some(word) = start.and_then(|from| text.get(from..)) {
        write_word(word, &mut out);
    }
    out
}

/// The name with each word written wholly in Cyrillic or Greek letters that all look like
/// Latin ones read as those Latin letters, when the name also has a word wholly in Latin
/// letters (`ΜΑΗΑΝ Air Cargo` with the Greek word `ΜΑΗΑΝ` → `MAHAN Air Cargo`), or is in
/// Greek with a word of capitals that all look like Latin ones (`ΜΑΗΑΝ ΑΙΡ`), or has a word
/// of such Cyrillic capitals ([`cyrillic_capitals`]: `ТОО СРМІЕС` → `TOO CPMIEC`).
/// [`unmix_scripts`] reads a word so only when it mixes scripts inside itself or has a letter
/// only a forger writes: a whole word of Greek capitals is Greek as often as not, and `ΜΑΗΑΝ`
/// transliterated is `maian`. As a reading beside the name (`readings`), it can only add
/// matches: a Russian word of look-alikes (`Вектор` in `ООО Вектор Machinery`) keeps its
/// transliteration too. `None` when no word reads otherwise.
pub fn look_alikes_read_as_latin(text: &str) -> Option<String> {
    if !text.chars().any(is_cyrillic_or_greek) {
        return None;
    }
    let words: Vec<&str> = text
        .split(|c: char| !in_word(c))
        .filter(|w| !w.is_empty())
        .collect();
    let look_alike = |w: &str| {
        w.chars()
            .all(|c| is_cyrillic_or_greek(c) && latin_look_alike(c).is_some())
    };
    let latin_word = words.iter().any(|w| w.chars().all(is_latin_letter));
    let greek_capitals = !text.chars().any(is_cyrillic)
        && words.iter().any(|w| {
            w.chars()
                .all(|c| is_greek(c) && c.is_uppercase() && latin_look_alike(c).is_some())
        });
    if !(latin_word || greek_capitals || cyrillic_capitals(&words))
        || !words.iter().any(|w| look_alike(w))
    {
        return None;
    }
    Some(rewrite_words(text, |word, out| {
        if look_alike(word) {
            out.extend(word.chars().filter_map(latin_look_alike));
        } else {
            out.push_str(word);
        }
    }))
}

/// Whether one of `words` is three Cyrillic capitals or more that all look like Latin ones and
/// is no legal form read so (`ООО`, `ТОО`): a Latin name written wholly in look-alikes
/// (`СРМІЕС` for `CPMIEC`, `СІМЕХ` for `CIMEX`), which transliterated is another word
/// (`srmies`). A Russian name written in capitals can be such a word too (`ТЕХНО`), and then
/// also gets the reading: one more query, and a match only where a listed name reads so.
fn cyrillic_capitals(words: &[&str]) -> bool {
    words.iter().any(|w| {
        w.chars().count() >= 3
            && w.chars()
                .all(|c| is_cyrillic(c) && c.is_uppercase() && latin_look_alike(c).is_some())
            && !super::normalize::is_legal_form_word(
                &w.chars()
                    .filter_map(latin_look_alike)
                    .map(|c| c.to_ascii_lowercase())
                    .collect::<String>(),
            )
    })
}

/// Whether a word mixing scripts is a Cyrillic word with Latin look-alikes in it: more
/// Cyrillic letters than Latin ones, one of them a letter no Latin one looks like (`л`, `ч`:
/// the word is Cyrillic, not a Latin word forged from look-alikes such as `сiе`), and every
/// Latin letter one that a Russian or Ukrainian letter looks like.
fn reads_as_cyrillic(word: &[char]) -> bool {
    let cyrillic = word.iter().filter(|&&c| is_cyrillic(c)).count();
    let latin: Vec<char> = word
        .iter()
        .copied()
        .filter(|&c| is_latin_letter(c))
        .collect();
    !latin.is_empty()
        && cyrillic > latin.len()
        && word
            .iter()
            .any(|&c| is_cyrillic(c) && c.is_alphabetic() && latin_look_alike(c).is_none())
        && latin.iter().all(|&c| cyrillic_look_alike(c).is_some())
}

/// The letter of the Russian and Ukrainian alphabets that a Latin letter looks like.
pub fn cyrillic_look_alike(c: char) -> Option<char> {
    Some(match c {
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'k' => 'к',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

/// A letter that can make a word read as Latin: a Latin letter beside Cyrillic or Greek
/// ones, a forgery mark, or a Greek letter (which may sit beside Cyrillic ones). Text with
/// none skips the word-by-word pass.
fn may_read_as_latin(c: char) -> bool {
    is_latin_letter(c) || is_forgery_mark(c) || is_greek(c)
}

/// Look-alikes of `s`, `h`, `d`, `q`, `w` and `l` that the Russian, Ukrainian and
/// Belarusian alphabets lack: a forger spelling `cash` or `Heihe` in Cyrillic needs one, and
/// a Russian or Ukrainian word has none.
fn is_forgery_mark(c: char) -> bool {
    matches!(
        c,
        'ѕ' | 'Ѕ' | 'һ' | 'Һ' | 'ԁ' | 'ԛ' | 'Ԛ' | 'ԝ' | 'Ԝ' | 'ӏ' | 'Ӏ'
    )
}

fn is_greek(c: char) -> bool {
    matches!(c, '\u{370}'..='\u{3FF}')
}

/// A word wholly in Cyrillic or Greek that only a forger writes: every letter has a Latin
/// look-alike, and it holds a forgery mark or mixes Greek with Cyrillic.
fn is_forged_word(word: &[char]) -> bool {
    word.iter().all(|&c| latin_look_alike(c).is_some())
        && (word.iter().any(|&c| is_forgery_mark(c))
            || (word.iter().any(|&c| is_greek(c)) && word.iter().any(|&c| is_cyrillic(c))))
}

pub(super) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{52F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_forged_from_syllabic_look_alikes_read_as_latin() {
        assert_eq!(unmix_scripts("ᎷᎪᎻᎪN ᎪᏆᏒ"), "MAHAN AIR");
        assert_eq!(unmix_scripts("ᏴᎪNᏦ ᎷᎬᏞᏞᏆ ᏆᏒᎪN"), "BANK MELLI IRAN");
        assert_eq!(unmix_scripts("ᗰᗅᕼᗅᑎ ᗅIR"), "MAHAN AIR");
        // Cherokee and Inuktitut as written (a letter without a Latin look-alike) stay.
        assert_eq!(unmix_scripts("ᏣᎳᎩ"), "ᏣᎳᎩ");
        assert_eq!(unmix_scripts("ᐃᓄᒃᑎᑐᑦ"), "ᐃᓄᒃᑎᑐᑦ");
        assert_eq!(unmix_scripts("MAHAN AIR"), "MAHAN AIR");
    }
}
