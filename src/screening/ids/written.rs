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
];

/// The readings of an identifier value, distinct, the value as a whole first (what
/// [`normalize_value`] gives), then each number written in it (see [`numbers_in`]).
pub fn readings(scheme: &str, value: &str) -> Vec<String> {
    let mut out = vec![normalize_value(scheme, value)];
    for number in numbers_in(scheme, value) {
        if !out.contains(&number) {
            out.push(number);
        }
    }
    out.retain(|reading| !reading.is_empty());
    out
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
