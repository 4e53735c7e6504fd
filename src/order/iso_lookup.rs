//! Codes looked up in the ISO tables (`iso.rs`) and HS codes, as the value rules normalise
//! them. The lookups the order readers use return the table's own code (or an inline text), so
//! a normalised order's codes are not each a heap `String`.

use std::sync::OnceLock;

use compact_str::CompactString;

use super::iso::{COUNTRIES, CURRENCIES};

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

/// The digits of an HS code written with or without dots and spaces, when
/// there are 6 to 10 of them.
pub fn hs_code(text: &str) -> Option<String> {
    hs_digits(text).map(CompactString::into_string)
}

/// [`hs_code`] held inline (`Value::Text`): ten digits need no allocation. A code has 6 (HS),
/// 8 (the EU's CN, India, Brazil), 9 (Japan) or 10 digits (TARIC, the US HTS, China, Russia);
/// no tariff has 7, and a 7-digit code is one with a digit added or lost: `08457.10` is
/// CHPL heading 8457.10 behind a zero, and read as `0845710` it no longer starts with `845710`.
pub(crate) fn hs_digits(text: &str) -> Option<CompactString> {
    let digits: CompactString = text.chars().filter(|c| *c != '.' && *c != ' ').collect();
    let valid =
        matches!(digits.len(), 6 | 8 | 9 | 10) && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then_some(digits)
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
