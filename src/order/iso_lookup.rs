//! Codes looked up in the ISO tables (`iso.rs`) and HS codes, as the value rules normalise
//! them. The lookups the order readers use return the table's own code (or an inline text), so
//! a normalised order's codes are not each a heap `String`.

use std::sync::OnceLock;

use compact_str::CompactString;

use super::iso::{COUNTRIES, CURRENCIES};
use crate::screening::chars::digit_value;

/// Upper-case alpha-2 for an alpha-2 or alpha-3 code in any case.
pub fn country(text: &str) -> Option<String> {
    country_code(text).map(str::to_string)
}

/// [`country`] as the table's own alpha-2, so a normalised order's country codes are not
/// each upper-cased into a `String`.
pub(crate) fn country_code(text: &str) -> Option<&'static str> {
    let mut buffer = [0u8; 3];
    let upper = upper_code(text, &mut buffer)?;
    match upper.len() {
        2 => COUNTRIES
            .binary_search_by(|(alpha2, _)| alpha2.as_bytes().cmp(upper))
            .ok()
            .and_then(|i| COUNTRIES.get(i))
            .map(|(alpha2, _)| *alpha2),
        3 => {
            let by_alpha3 = alpha3_index();
            by_alpha3
                .binary_search_by(|(alpha3, _)| alpha3.as_bytes().cmp(upper))
                .ok()
                .and_then(|i| by_alpha3.get(i))
                .map(|(_, alpha2)| *alpha2)
        }
        _ => None,
    }
}

/// The trimmed `text` upper-cased (ASCII) into `buffer`, when it is two or three bytes long,
/// the only lengths a country or currency code has. Compared as bytes, as `str`s compare.
fn upper_code<'b>(text: &str, buffer: &'b mut [u8; 3]) -> Option<&'b [u8]> {
    let trimmed = text.trim().as_bytes();
    let code = buffer
        .get_mut(..trimmed.len())
        .filter(|_| trimmed.len() >= 2)?;
    code.copy_from_slice(trimmed);
    code.make_ascii_uppercase();
    Some(code)
}

/// `COUNTRIES` sorted by alpha-3, as `(alpha3, alpha2)`, built once.
fn alpha3_index() -> &'static [(&'static str, &'static str)] {
    static INDEX: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: Vec<_> = COUNTRIES.iter().map(|(a2, a3)| (*a3, *a2)).collect();
        index.sort_unstable();
        index
    })
}

/// Upper-case ISO 4217 code for a known code in any case.
pub fn currency(text: &str) -> Option<String> {
    currency_code(text).map(str::to_string)
}

/// [`currency`] as the table's own code (see [`country_code`]).
pub(crate) fn currency_code(text: &str) -> Option<&'static str> {
    let mut buffer = [0u8; 3];
    let upper = upper_code(text, &mut buffer).filter(|code| code.len() == 3)?;
    CURRENCIES
        .binary_search_by(|code| code.as_bytes().cmp(upper))
        .ok()
        .and_then(|i| CURRENCIES.get(i).copied())
}

/// The digits of an HS code as exports write it (see [`hs_digits`]), when there are 6, 8, 9
/// or 10 of them.
pub fn hs_code(text: &str) -> Option<String> {
    hs_digits(text).map(CompactString::into_string)
}

/// [`hs_code`] held inline (`Value::Text`): ten digits need no allocation. A code has 6 (HS),
/// 8 (the EU's CN, India, Brazil), 9 (Japan) or 10 digits (TARIC, the US HTS, China, Russia);
/// no tariff has 7, and a 7-digit code is one with a digit added or lost: `08457.10` is
/// CHPL heading 8457.10 behind a zero, and read as `0845710` it no longer starts with `845710`.
///
/// Written as exports write it: dots and spaces (no-break and thin ones too) anywhere, the name
/// of the nomenclature before it (`HS 8457.10`, `HTS 8457.10.0010`, `ТН ВЭД 8457100000`,
/// `GTIP: 8457.10`), digits of another script (`８４５７.１０`, `٨٤٥٧١٠`), and hyphens between
/// the heading, the subheading and the rest (`8457-10-00`). A hyphen elsewhere is refused:
/// `8457-8458` names two headings, and read as `84578458` it would be neither.
pub(crate) fn hs_digits(text: &str) -> Option<CompactString> {
    let code = without_nomenclature(text.trim());
    let mut digits = CompactString::default();
    // The digits before the first hyphen and between the first and the second.
    let mut lengths: [usize; 2] = [0; 2];
    for (i, part) in code.split('-').enumerate() {
        let before = digits.len();
        for c in part.chars() {
            match c {
                '.' | ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' => {}
                c => digits.push(char::from_digit(digit_value(c)?, 10)?),
            }
        }
        if let Some(length) = lengths.get_mut(i) {
            *length = digits.len() - before;
        }
    }
    let hyphenated = code.contains('-');
    let valid = matches!(digits.len(), 6 | 8 | 9 | 10) && (!hyphenated || lengths == [4, 2]);
    valid.then_some(digits)
}

/// `text` without the name of a nomenclature before the code (`HS`, `HS code:`, `HTS`, `CN`,
/// `TARIC`, `GTIP`, `NCM`, `HSN`, `ТН ВЭД`, `ТН ВЭД ЕАЭС`), when one is there.
fn without_nomenclature(text: &str) -> &str {
    const NAMES: [&str; 11] = [
        "ТН ВЭД ЕАЭС",
        "ТН ВЭД",
        "ТНВЭД",
        "TARIC",
        "GTIP",
        "HTS",
        "HSN",
        "NCM",
        "HS",
        "CN",
        "КН",
    ];
    for name in NAMES {
        let Some(rest) = strip_prefix_ignoring_case(text, name) else {
            continue;
        };
        let rest =
            strip_prefix_ignoring_case(rest.trim_start_matches([' ', '-']), "code").unwrap_or(rest);
        let rest = rest.trim_start_matches([' ', ':', '#']);
        // A name glued to letters is a word, not a nomenclature (`CNC`, `HSK`).
        if rest.starts_with(|c: char| digit_value(c).is_some()) {
            return rest;
        }
    }
    text
}

/// `text` after `prefix`, compared without case.
fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let mut rest = text.char_indices();
    for expected in prefix.chars() {
        let (_, c) = rest.next()?;
        if !c.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(
        rest.next()
            .and_then(|(at, _)| text.get(at..))
            .unwrap_or_default(),
    )
}

/// The last heading of each chapter from 01 to 09 (HS 2022): `0845` is no heading, since
/// chapter 08 ends at 0814, and the chapters an 84 or 85 code lands in when a zero is put
/// before it (`0` and the CN code `84571000`, nine digits as a Japanese code has) are these.
const LAST_HEADING_OF_CHAPTERS_01_TO_09: [u8; 9] = [6, 10, 9, 10, 11, 4, 14, 14, 10];

/// Why the heading (first four digits) of the HS code `digits` cannot exist, if it cannot:
/// chapter 00, heading 00 of any chapter, or a heading past the last of chapters 01 to 09.
/// Such a code is a real one with a digit put before it, and read as written it no longer
/// starts with the CHPL heading it is.
pub(crate) fn hs_heading_problem(digits: &str) -> Option<String> {
    let d = digits.as_bytes();
    let two = |i: usize| -> Option<u8> {
        let (a, b) = (d.get(i)?, d.get(i + 1)?);
        Some(a.wrapping_sub(b'0') * 10 + b.wrapping_sub(b'0'))
    };
    let (chapter, heading) = (two(0)?, two(2)?);
    if chapter == 0 {
        return Some("there is no chapter 00".into());
    }
    if heading == 0 {
        return Some(format!(
            "chapter {chapter:02} has no heading {chapter:02}00"
        ));
    }
    let last = *LAST_HEADING_OF_CHAPTERS_01_TO_09.get(usize::from(chapter).checked_sub(1)?)?;
    (heading > last).then(|| {
        format!(
            "chapter {chapter:02} has headings {chapter:02}01 to {chapter:02}{last:02}, so `{}` \
             is a code with a digit put before it",
            &digits[..4]
        )
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_in_any_case() {
        assert_eq!(country("kp").as_deref(), Some("KP"));
        assert_eq!(country("PRK").as_deref(), Some("KP"));
        assert_eq!(country("deu").as_deref(), Some("DE"));
        assert_eq!(country("XX"), None);
        assert_eq!(currency("usd").as_deref(), Some("USD"));
        assert_eq!(currency("USX"), None);
        assert_eq!(hs_code("8457.10").as_deref(), Some("845710"));
        assert_eq!(hs_code("8457 10 00").as_deref(), Some("84571000"));
        assert_eq!(hs_code("8457"), None);
        assert_eq!(hs_code("08457.10"), None);
        assert_eq!(hs_code("8457.10.001").as_deref(), Some("845710001"));
        assert_eq!(hs_code("8457.1a"), None);
    }

    #[test]
    fn headings_that_cannot_exist() {
        for (code, problem) in [
            ("084571000", true),
            ("0084571000", true),
            ("845710", false),
            ("840010", true),
            ("081400", false),
            ("081500", true),
            ("010121", false),
            ("010700", true),
            ("991000", false),
        ] {
            assert_eq!(hs_heading_problem(code).is_some(), problem, "{code}");
        }
    }

    /// The lookups as they were written before they returned the table's own code: upper-case
    /// the trimmed text into a `String` and search for it.
    fn country_by_string(text: &str) -> Option<String> {
        let upper = text.trim().to_ascii_uppercase();
        match upper.len() {
            2 => COUNTRIES
                .binary_search_by(|(alpha2, _)| (*alpha2).cmp(upper.as_str()))
                .ok()
                .map(|_| upper),
            3 => COUNTRIES
                .iter()
                .find(|(_, alpha3)| *alpha3 == upper)
                .map(|(alpha2, _)| alpha2.to_string()),
            _ => None,
        }
    }

    fn currency_by_string(text: &str) -> Option<String> {
        let upper = text.trim().to_ascii_uppercase();
        (upper.len() == 3 && CURRENCIES.binary_search(&upper.as_str()).is_ok()).then_some(upper)
    }

    proptest! {
        /// Short texts near the codes (letters of any case, spaces, a non-ASCII letter that is
        /// two bytes long) and real codes with padding: the byte buffer finds what the `String`
        /// search found.
        #[test]
        fn lookups_find_what_the_string_search_found(
            text in "[ a-zA-Zé]{0,5}",
            pick in 0usize..1000,
            pad in "[ ]{0,2}",
        ) {
            prop_assert_eq!(country(&text), country_by_string(&text));
            prop_assert_eq!(currency(&text), currency_by_string(&text));
            let (alpha2, alpha3) = COUNTRIES[pick % COUNTRIES.len()];
            for code in [alpha2, alpha3, &alpha3.to_lowercase()] {
                let padded = format!("{pad}{code}{pad}");
                prop_assert_eq!(country(&padded), country_by_string(&padded));
            }
            let currency_code = CURRENCIES[pick % CURRENCIES.len()].to_lowercase();
            prop_assert_eq!(currency(&currency_code), currency_by_string(&currency_code));
        }
    }
}
