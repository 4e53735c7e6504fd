//! Text decoded in another encoding than it was written in ("mojibake"): `Ñòàíêîèìïîðò`
//! is `Станкоимпорт` written in windows-1251 and read as windows-1252, `Ð¡Ñ‚Ð°Ð½Ðº` and
//! `РЎС‚Р°РЅРє` the UTF-8 of `Станк` read as windows-1252 or windows-1251 (and perhaps written
//! out again as UTF-8 by a system upstream). No list holds such a name and no pattern
//! matches such a term, so a listed buyer or a cash term in it would pass unseen; the bytes
//! of the input cannot tell the encodings apart (`I012` catches only UTF-8 named as a legacy
//! encoding, by the input's first block), but the decoded text can. Each sign below is a
//! shape that text as written does not take, so a real name in French, German, Portuguese,
//! Icelandic, Vietnamese, Russian or Ukrainian is not mistaken for one.

use std::sync::LazyLock;

use encoding_rs::Encoding;

/// The least number of consecutive letters of the Latin-1 supplement (`À`–`ÿ`) that only a
/// misdecoding writes: every Cyrillic letter of windows-1251 or KOI8-R, and every Greek one
/// of windows-1253, read as windows-1252 or Latin-1, is one of them, while words of languages
/// written in Latin letters mix at most two or three accented letters with plain ones.
const LATIN1_LETTER_RUN: usize = 4;

/// The least number of characters of a word read as windows-1251 whose bytes, all of them,
/// are UTF-8 (two Cyrillic letters of UTF-8 read as windows-1251, `РњРѕ`). Cyrillic as
/// written puts letters that are UTF-8 lead bytes next to each other (`ПІДПРИЄМСТВО` is
/// `CF B2 C4 …`), so a whole word of it is never UTF-8, while a single pair can be (`ПІ`).
const WINDOWS_1251_UTF8_RUN: usize = 4;

/// The characters windows-1252 and windows-1251 write as the bytes 0x80–0xFF, by byte.
/// Taken from `encoding_rs` (the WHATWG indexes) once, so the tables are the standard's.
static WINDOWS_1252: LazyLock<[char; 128]> = LazyLock::new(|| high_half(encoding_rs::WINDOWS_1252));
static WINDOWS_1251: LazyLock<[char; 128]> = LazyLock::new(|| high_half(encoding_rs::WINDOWS_1251));

fn high_half(encoding: &'static Encoding) -> [char; 128] {
    let mut table = ['\0'; 128];
    for (slot, byte) in table.iter_mut().zip(0x80u8..=0xFF) {
        let bytes = [byte];
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        *slot = text.chars().next().unwrap_or('\u{FFFD}');
    }
    table
}

/// The byte `table` (a [`high_half`]) writes `c` as, for characters outside ASCII.
fn byte_in(table: &[char; 128], c: char) -> Option<u8> {
    if c.is_ascii() {
        return None;
    }
    // Where the two tables put most of their characters: windows-1252 writes U+00A0–U+00FF
    // as their own code, windows-1251 `А`–`я` (U+0410–U+044F) from 0xC0 on.
    let code = u32::from(c);
    for guess in [code.checked_sub(0x80), code.checked_sub(0x410 - 0x40)] {
        let Some(slot) = guess.and_then(|g| usize::try_from(g).ok()) else {
            continue;
        };
        if table.get(slot) == Some(&c) {
            return u8::try_from(0x80 + slot).ok();
        }
    }
    table
        .iter()
        .position(|&t| t == c)
        .and_then(|i| u8::try_from(0x80 + i).ok())
}

/// The first stretch of `text` that reads as text decoded in another encoding than it was
/// written in:
/// - four or more letters of the Latin-1 supplement in a row;
/// - characters whose windows-1252 bytes are a UTF-8 sequence of a character outside ASCII
///   (`Ã¼` is `ü`, `â€™` is `’`): UTF-8 read as windows-1252;
/// - a word of four or more characters whose windows-1251 bytes are UTF-8 (`РњРѕСЃРєРІР°` is
///   `Москва`): UTF-8 read as windows-1251.
pub(crate) fn misdecoded(text: &str) -> Option<&str> {
    // Nearly every text of an order is ASCII, which cannot be any of them.
    if text.is_ascii() {
        return None;
    }
    latin1_letter_run(text)
        .or_else(|| utf8_read_as_windows_1252(text))
        .or_else(|| utf8_read_as_windows_1251(text))
}

fn latin1_letter_run(text: &str) -> Option<&str> {
    let mut start = None;
    let mut letters = 0usize;
    for (at, c) in text.char_indices() {
        if ('\u{C0}'..='\u{FF}').contains(&c) {
            let from = *start.get_or_insert(at);
            letters += 1;
            if letters >= LATIN1_LETTER_RUN {
                return Some(&text[from..at + c.len_utf8()]);
            }
        } else {
            start = None;
            letters = 0;
        }
    }
    None
}

/// The windows-1252 bytes of marks that follow a word as written (NBSP, quotes, dashes, an
/// ellipsis, a bullet, a degree sign, a middle dot, a soft hyphen, a registered or trade mark
/// sign): after a capital with an accent or `ß` they make the two bytes of a UTF-8 letter by
/// chance (`„Metallbau Groß“`, `NESTLÉ®`, `Groß\u{A0}GmbH`), so such a pair counts only
/// when another pair follows it at once, as the letters of a misread word do (`Ð“Ð°Ð·`).
const WORD_END_MARKS: [u8; 17] = [
    0xA0, 0x91, 0x92, 0x93, 0x94, 0x84, 0xAB, 0xBB, 0x96, 0x97, 0x85, 0x95, 0xB0, 0xB7, 0xAD, 0xAE,
    0x99,
];

fn utf8_read_as_windows_1252(text: &str) -> Option<&str> {
    // The windows-1252 bytes of the two characters before this one, with where they start.
    let mut previous: Option<(usize, u8)> = None;
    let mut before_previous: Option<(usize, u8)> = None;
    // The last pair of a lead and a word-end mark (where it starts and ends), which a pair
    // starting where it ends confirms.
    let mut pair_at_word_end: Option<(usize, usize)> = None;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        let byte = byte_in(&WINDOWS_1252, c);
        if let (Some(byte), Some((lead_at, lead))) = (byte, previous) {
            if is_continuation(byte) {
                if (0xC2..=0xDF).contains(&lead) {
                    if let Some((first, first_end)) = pair_at_word_end {
                        if first_end == lead_at {
                            return Some(&text[first..end]);
                        }
                    }
                    if !WORD_END_MARKS.contains(&byte) {
                        return Some(&text[lead_at..end]);
                    }
                    pair_at_word_end = Some((lead_at, end));
                }
                if let Some((first_at, first)) = before_previous {
                    if (0xE0..=0xEF).contains(&first) && is_continuation(lead) {
                        return Some(&text[first_at..end]);
                    }
                }
            }
        }
        before_previous = previous;
        previous = byte.map(|b| (at, b));
    }
    None
}

fn utf8_read_as_windows_1251(text: &str) -> Option<&str> {
    // The windows-1251 bytes of the word being read (characters outside ASCII in a row), and
    // where it starts.
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = 0usize;
    let mut start = 0;
    let is_utf8 = |bytes: &[u8], chars: usize| {
        chars >= WINDOWS_1251_UTF8_RUN && std::str::from_utf8(bytes).is_ok()
    };
    for (at, c) in text.char_indices() {
        if let Some(byte) = byte_in(&WINDOWS_1251, c) {
            if bytes.is_empty() {
                start = at;
            }
            bytes.push(byte);
            chars += 1;
        } else if !bytes.is_empty() {
            if is_utf8(&bytes, chars) {
                return Some(&text[start..at]);
            }
            bytes.clear();
            chars = 0;
        }
    }
    is_utf8(&bytes, chars).then(|| &text[start..])
}

/// A UTF-8 continuation byte.
fn is_continuation(byte: u8) -> bool {
    (0x80..=0xBF).contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::{byte_in, misdecoded, WINDOWS_1251, WINDOWS_1252};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any text with a word of two Cyrillic letters or more, written in UTF-8 and read as
        /// windows-1252 or windows-1251, is found; as written it is not, nor is a Latin-script
        /// text whose accented letters stand between plain ones.
        #[test]
        fn utf8_cyrillic_misread_is_found_and_text_as_written_is_not(
            before in "[a-z ]{0,6}",
            word in "[а-яА-ЯёЁіїєґІЇЄҐ]{2,12}",
            after in "[a-z ,.0-9]{0,6}",
            latin in "([a-z]{1,3}[àáâãäåæçèéêëìíîïñòóôõöøùúûüýþÿßÀÉÖÜ]?){0,6}",
        ) {
            let text = format!("{before}{word}{after}");
            for encoding in [encoding_rs::WINDOWS_1252, encoding_rs::WINDOWS_1251] {
                let (read, _) = encoding.decode_without_bom_handling(text.as_bytes());
                prop_assert!(misdecoded(&read).is_some(), "{} read as {}", text, read);
            }
            let russian: String = word.chars().filter(|c| ('А'..='я').contains(c)).collect();
            let as_written = format!("{before}{russian}{after}");
            prop_assert_eq!(misdecoded(&as_written), None);
            prop_assert_eq!(misdecoded(&latin), None);
        }
    }

    /// `text` written in `written` and read as windows-1252, as a misnamed export reads.
    fn read_as_1252(text: &str, written: &'static encoding_rs::Encoding) -> String {
        let (bytes, _, unmappable) = written.encode(text);
        assert!(!unmappable);
        encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()
    }

    #[test]
    fn the_table_is_windows_1252() {
        for byte in 0x80u8..=0xFF {
            let bytes = [byte];
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            let c = text.chars().next();
            assert_eq!(
                c.and_then(|c| byte_in(&WINDOWS_1252, c)),
                Some(byte),
                "{c:?}"
            );
        }
        assert_eq!(byte_in(&WINDOWS_1252, 'a'), None);
        assert_eq!(byte_in(&WINDOWS_1252, 'д'), None);
        assert_eq!(byte_in(&WINDOWS_1251, 'д'), Some(0xE4));
        assert_eq!(byte_in(&WINDOWS_1251, 'ї'), Some(0xBF));
    }

    #[test]
    fn cyrillic_and_greek_in_a_legacy_encoding_read_as_windows_1252_are_found() {
        for (text, encoding) in [
            ("ООО Станкоимпорт", encoding_rs::WINDOWS_1251),
            ("Наличные", encoding_rs::WINDOWS_1251),
            ("Рособоронэкспорт", encoding_rs::KOI8_R),
            ("Μηχανήματα Α.Ε.", encoding_rs::WINDOWS_1253),
        ] {
            let read = read_as_1252(text, encoding);
            assert!(misdecoded(&read).is_some(), "{text} read as {read}");
        }
    }

    #[test]
    fn utf8_read_as_windows_1252_is_found_even_for_one_letter() {
        for text in [
            "Müller Maschinenbau",
            "Станкоимпорт",
            "O’Neil",
            "Łódź",
            "丹东",
        ] {
            let read = read_as_1252(text, encoding_rs::UTF_8);
            assert!(misdecoded(&read).is_some(), "{text} read as {read}");
        }
        assert_eq!(misdecoded("MÃ¼ller"), Some("Ã¼"));
        assert_eq!(misdecoded("Oâ€™Neil"), Some("â€™"));
        // `Газ`: each of its letters is a lead and a mark that may end a word as written.
        assert_eq!(misdecoded("ООО Ð“Ð°Ð·"), Some("Ð“Ð°"));
    }

    #[test]
    fn utf8_read_as_windows_1251_is_found() {
        for text in ["Москва", "ООО Станкоимпорт", "наличные", "Київ", "丹东"]
        {
            let (bytes, _, _) = encoding_rs::UTF_8.encode(text);
            let read = encoding_rs::WINDOWS_1251.decode(&bytes).0.into_owned();
            assert!(misdecoded(&read).is_some(), "{text} read as {read}");
        }
        assert_eq!(misdecoded("г. РњРѕСЃРєРІР°"), Some("РњРѕСЃРєРІР°"));
    }

    #[test]
    fn real_names_in_latin_script_languages_are_not() {
        for text in [
            "Müller Straße 5, Düsseldorf",
            "SÃO PAULO",
            "JOÃO DA SILVA AÇÃO",
            "Société Générale, créée à Paris",
            "Þjóðskrá Íslands",
            "Ærø Æblemost",
            "Smørrebrød Ølstue",
            "Nguyễn Văn Việt, Hà Nội",
            "Ελληνικά",
            "ООО Станкоимпорт",
            "ТОВ «ПІДПРИЄМСТВО ЇЖАК», м. Київ, вул. Січових Стрільців",
            "ВІ Ё",
            "Наталья Ёлкина, ул. Льва Толстого",
            "丹东市",
            "«Über» — „Zitat“ ‘quote’ ———",
            "„Metallbau Groß“ GmbH",
            "NESTLÉ® Waters, CAFÉ’S, GROSS\u{A0}GROß\u{A0}GmbH, „Groß“ „Groß“",
            "L’ÉTÉ”",
            "Preis: 12,50 € ± 0,5 °C ½",
            "ÀÉÎ",
            "plain ascii",
        ] {
            assert_eq!(misdecoded(text), None, "{text}: {:?}", misdecoded(text));
        }
    }
}
