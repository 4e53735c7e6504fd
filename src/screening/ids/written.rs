//! Identifiers as people and exports write them: with a label (`INN 7719717008`,
//! `ИНН: 7719717008`, `No. 7719717008`), two numbers in one field (an INN with its KPP,
//! `7719717008/771901001`; `7719717008, 9144030071526726XG`), a country prefix
//! (`RU7719717008`), or inside a name or an address (`Severny Trade (INN 7719717008)`).
//! Compared only as a whole, each of these hides a listed number, so an order to a listed
//! firm passes with its own tax ID on it. These readings are only ever added to the value as
//! written, so whatever matched before still matches.

use super::{normalize_value, validate, IdCheck};

/// A number read from a name or an address counts only with this many characters, of which
/// `MIN_DIGITS_IN_TEXT` digits: shorter runs in free text are house numbers, postal codes and
/// years, not identifiers.
const MIN_LEN_IN_TEXT: usize = 8;
const MIN_DIGITS_IN_TEXT: usize = 6;

/// A number that starts with a label or a country code is also read without it
/// (`RU7719717008`, `INN7719717008`, `NO7719717008` from `№7719717008`) when this many digits
/// follow. Other letters stay: they may be part of the identifier (`AB1234567`), and an ID
/// in another alphabet must not collapse onto its digits.
const MIN_DIGITS_AFTER_PREFIX: usize = 8;

/// Labels written before a number without a space; compared as [`normalize_value`] spells
/// them (it reads the Cyrillic `Н` of `ИНН` as the Latin `H` it looks like).
const LABELS: &[&str] = &[
    "INN", "KPP", "OGRN", "OGRNIP", "USCC", "LEI", "EIN", "TIN", "VAT", "UNP", "BIN", "NO", "NR",
    "ID", "TAX", "TAXID", "IMO", "ИНН", "КПП", "ОГРН", "УНП", "БИН",
    // The Swiss UID's own prefix (`CHE-267.936.404`), written or left out.
    "CHE",
];

/// The readings of an identifier value, distinct, the value as a whole first (what
/// [`normalize_value`] gives), then each number written in it (see [`numbers_in`]).
pub fn readings(scheme: &str, value: &str) -> Vec<String> {
    let mut out = vec![normalize_value(scheme, value)];
    for number in numbers_in(scheme, value)
        .into_iter()
        .chain(spreadsheet_number(value))
    {
        if !out.contains(&number) {
            out.push(number);
        }
    }
    let also: Vec<String> = out.iter().flat_map(|r| same_number(r)).collect();
    for number in also {
        if !out.contains(&number) {
            out.push(number);
        }
    }
    out.retain(|reading| !reading.is_empty());
    out
}

/// The keys a listed identifier is found by: the value as [`normalize_value`] spells it,
/// then the same readings a party's number gets (a country or register prefix or suffix
/// left out, leading zeros, a BIC's bank code), and a Cyprus company number with its `HE`
/// prefix when the entry is tied to Cyprus (OFAC writes `C122790`, the registry `HE 122790`).
pub fn listed_keys(scheme: &str, value: &str, countries: &[String]) -> Vec<String> {
    let whole = normalize_value(scheme, value);
    let mut out = vec![whole.clone()];
    if let Some(bare) = digits_after_letters(&whole) {
        out.push(bare);
    }
    let also: Vec<String> = out.iter().flat_map(|r| same_number(r)).collect();
    out.extend(also);
    if countries.iter().any(|c| c == "CY") {
        let digits = whole.trim_start_matches(['C', 'H', 'E']);
        let prefix = &whole[..whole.len() - digits.len()];
        if matches!(prefix, "" | "C" | "HE")
            && (1..=6).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            out.push(format!("HE{digits}"));
        }
    }
    out.retain(|key| !key.is_empty());
    out.sort_unstable();
    out.dedup();
    out
}

/// Other spellings of one normalised number that are the same identifier: without leading
/// zeros (a spreadsheet drops or adds them) when eight digits or more remain, without a
/// country code written after it (`1027739108649-RU`), and a BIC as its bank ([`bic_bank`]).
fn same_number(number: &str) -> Vec<String> {
    let mut out = Vec::new();
    if number.bytes().all(|b| b.is_ascii_digit()) {
        let unpadded = number.trim_start_matches('0');
        if unpadded.len() != number.len() && unpadded.len() >= MIN_DIGITS_AFTER_PREFIX {
            out.push(unpadded.to_string());
        }
    } else if let Some((digits, suffix)) = number.split_at_checked(number.len().saturating_sub(2)) {
        let country = crate::order::country_names::to_iso2(suffix).is_some_and(|c| c == suffix);
        if country
            && digits.len() >= MIN_DIGITS_AFTER_PREFIX
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            out.push(digits.to_string());
        }
    }
    out.extend(bic_bank(number));
    out
}

/// A BIC (ISO 9362: four letters of the bank, two of its country, two letters or digits of
/// its place, and three of a branch or none) as the key of its bank, `bic:` and the first
/// eight characters: `ROSYRU2PXXX` (the head office) and `ROSYRU2P123` (a branch) are the
/// bank `ROSYRU2P`. The prefix is lower case, which [`normalize_value`] never writes, so the
/// key meets only another BIC's.
pub fn bic_bank(number: &str) -> Option<String> {
    let b = number.as_bytes();
    let shaped = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    let country = &number[4..6];
    crate::order::country_names::to_iso2(country)
        .is_some_and(|c| c == country)
        .then(|| format!("bic:{}", &number[..8]))
}

/// A number as a spreadsheet export writes it: `1027739108649.0`, or `1.027739108649E12`;
/// the integer it is, when it is one.
fn spreadsheet_number(value: &str) -> Option<String> {
    let v = value.trim();
    let (mantissa, exponent) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<usize>().ok()?),
        None => (v, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || exponent > 30
        || (exponent == 0 && frac.is_empty())
    {
        return None;
    }
    let mut digits = format!("{int}{frac}");
    if exponent >= frac.len() {
        digits.extend(std::iter::repeat_n('0', exponent - frac.len()));
    } else {
        // Digits after the point remain: an integer only when they are all zeros.
        let cut = int.len() + exponent;
        if !digits[cut..].bytes().all(|b| b == b'0') {
            return None;
        }
        digits.truncate(cut);
    }
    // Shorter integers are amounts and counts, not identifiers.
    let digits = digits.trim_start_matches('0');
    (digits.len() >= MIN_DIGITS_IN_TEXT).then(|| digits.to_string())
}

/// The identifiers written in a name or an address: the numbers in it of at least eight
/// characters, six of them digits, distinct and in the order written.
pub fn in_text(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for number in numbers_in("", text) {
        let digits = number.bytes().filter(u8::is_ascii_digit).count();
        if number.len() >= MIN_LEN_IN_TEXT && digits >= MIN_DIGITS_IN_TEXT && !out.contains(&number)
        {
            out.push(number);
        }
    }
    out
}

/// The check digits of a value as written: valid when the whole value or any number written
/// in it is valid under the scheme (`7719717008/771901001` holds a valid INN and its KPP).
/// Otherwise the reason given is the last reading's, the number with the most taken off it
/// (`INN 7719717008` is judged as `7719717008`, not as a 13-character INN).
pub fn validate_written(scheme: &str, value: &str) -> IdCheck {
    let mut verdict = validate(scheme, value);
    if verdict == IdCheck::Valid {
        return verdict;
    }
    let canonical = super::canonical_scheme(scheme);
    for number in numbers_in(&canonical, value) {
        match validate(&canonical, &number) {
            IdCheck::Valid => return IdCheck::Valid,
            invalid @ IdCheck::Invalid { .. } => verdict = invalid,
            IdCheck::Unchecked => {}
        }
    }
    verdict
}

/// The numbers written in `text`: words holding a digit, joined across spaces (a number in
/// groups, `7719 717 008`), ended by a word without a digit (a label such as `INN` or `No.`)
/// and by `/ , ; | :` (two numbers in one field). A number of letters and then six or more
/// digits is also read as its digits alone.
fn numbers_in(scheme: &str, text: &str) -> Vec<String> {
    let mut numbers = Vec::new();
    let mut current = String::new();
    for part in text.split(is_number_separator) {
        for word in part.split_whitespace() {
            let word = normalize_value(scheme, word);
            if word.bytes().any(|b| b.is_ascii_digit()) {
                current.push_str(&word);
            } else {
                take_number(&mut current, &mut numbers);
            }
        }
        take_number(&mut current, &mut numbers);
    }
    let unprefixed: Vec<String> = numbers
        .iter()
        .filter_map(|n| digits_after_letters(n))
        .collect();
    numbers.extend(unprefixed);
    numbers
}

fn take_number(current: &mut String, numbers: &mut Vec<String>) {
    if !current.is_empty() {
        numbers.push(std::mem::take(current));
    }
}

fn is_number_separator(c: char) -> bool {
    matches!(
        c,
        '/' | ',' | ';' | '|' | ':' | '\n' | '\r' | '，' | '、' | '；' | '：' | '／'
    )
}

/// `RU7719717008` → `7719717008`: a label or a country code, then only digits, enough of them.
fn digits_after_letters(number: &str) -> Option<String> {
    let start = number.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = number.split_at(start);
    let country = prefix.len() == 2
        && crate::order::country_names::to_iso2(prefix).is_some_and(|code| code == prefix);
    let label = || {
        LABELS
            .iter()
            .any(|label| normalize_value("", label) == prefix)
    };
    let shaped = (country || label())
        && digits.len() >= MIN_DIGITS_AFTER_PREFIX
        && digits.bytes().all(|b| b.is_ascii_digit());
    shaped.then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pairs_and_prefixes_are_read_off() {
        assert_eq!(readings("RU-INN", "7719717008"), ["7719717008"]);
        assert_eq!(
            readings("RU-INN", "INN 7719717008"),
            ["INN7719717008", "7719717008"]
        );
        assert_eq!(
            readings("TAX-ID", "ИНН/КПП 7719717008/771901001"),
            [
                normalize_value("TAX-ID", "ИНН/КПП 7719717008/771901001"),
                "7719717008".to_string(),
                "771901001".to_string()
            ]
        );
        assert_eq!(
            readings("TAX-ID", "RU7719717008"),
            ["RU7719717008", "7719717008"]
        );
        assert_eq!(readings("TAX-ID", "7719 717 008"), ["7719717008"]);
        assert_eq!(readings("TAX-ID", "№7719717008"), ["7719717008"]);
        assert_eq!(
            readings("TAX-ID", "NO.7719717008"),
            ["NO7719717008", "7719717008"]
        );
        assert_eq!(readings("TAX-ID", "ИНН7719717008").len(), 2);
        // Not a label and not a country: part of the number.
        assert_eq!(readings("PASSPORT", "XQ7719717008"), ["XQ7719717008"]);
        assert_eq!(readings("PASSPORT", "Ж7719717008").len(), 1);
        assert_eq!(
            in_text("Severny Trade Partners (INN 7719717008)"),
            ["7719717008"]
        );
        assert!(in_text("Bremer Str. 15, 28195 Bremen, 2024").is_empty());
    }

    #[test]
    fn a_bic_is_also_its_bank_and_a_spreadsheet_number_its_integer() {
        let bank = "bic:ROSYRU2P".to_string();
        assert!(readings("SWIFT-BIC", "ROSYRU2PXXX").contains(&bank));
        assert!(readings("SWIFT-BIC", "ROSYRU2P123").contains(&bank));
        assert!(readings("ID", "rosy ru 2p").contains(&bank));
        assert!(listed_keys("SWIFT-BIC", "ROSYRU2P", &[]).contains(&bank));
        assert!(listed_keys("SWIFT-BIC", "ROSYRU2P123", &[]).contains(&bank));
        // Not a country in the country's place, or not the shape: no bank.
        assert_eq!(bic_bank("ROSYQQ2PXXX"), None);
        assert_eq!(bic_bank("ROSYRU2PXX"), None);
        assert_eq!(bic_bank("1234RU2PXXX"), None);
        let ogrn = "1027739108649".to_string();
        for written in [
            "1027739108649.0",
            "1.027739108649E12",
            "01027739108649",
            "1027739108649-RU",
        ] {
            assert!(
                readings("REGISTRATION", written).contains(&ogrn),
                "{written}"
            );
        }
        assert_eq!(spreadsheet_number("1.5"), None);
        assert_eq!(spreadsheet_number("1.0278E3"), None);
        assert_eq!(spreadsheet_number("1.2E3"), None);
        assert_eq!(spreadsheet_number("1.2E6").as_deref(), Some("1200000"));
        // A short number keeps its zeros: `0123` is no eight-digit identifier.
        assert_eq!(readings("ID", "0012345"), ["0012345"]);
    }

    #[test]
    fn register_prefixes_are_read_on_both_sides() {
        let uid = "267936404".to_string();
        assert!(listed_keys("VAT", "CHE-267.936.404", &[]).contains(&uid));
        assert!(readings("VAT", "CH267936404").contains(&uid));
        assert!(readings("VAT", "CHE-267.936.404 MWST").contains(&uid));
        assert_eq!(readings("VAT", "267.936.404"), [uid]);
        let cyprus = "HE122790".to_string();
        assert!(listed_keys("REGISTRATION", "C122790", &["CY".to_string()]).contains(&cyprus));
        assert!(!listed_keys("REGISTRATION", "C122790", &["RU".to_string()]).contains(&cyprus));
        assert!(readings("REGISTRATION", "HE 122790").contains(&cyprus));
        // No bare short number is ever a key: `HRB 122790` stays its own.
        assert!(!listed_keys("REGISTRATION", "C122790", &["CY".to_string()])
            .contains(&"122790".to_string()));
    }

    #[test]
    fn a_valid_number_in_a_pair_is_valid_and_a_labelled_one_is_judged_alone() {
        assert_eq!(
            validate_written("RU-INN", "7719717008/771901001"),
            IdCheck::Valid
        );
        assert_eq!(validate_written("RU-INN", "INN 7719717008"), IdCheck::Valid);
        let verdict = validate_written("RU-INN", "INN 7719717009");
        let reason = match &verdict {
            IdCheck::Invalid { reason } => reason.as_str(),
            _ => "",
        };
        assert!(reason.contains("`7719717009`"), "{verdict:?}");
    }
}
