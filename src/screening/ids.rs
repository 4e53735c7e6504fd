//! Party identifiers: scheme names, value normalisation, scheme compatibility for exact ID
//! matching, and check-digit validation for RU INN, RU OGRN/OGRNIP, CN USCC, LEI and IMO.
//!
//! The algorithms follow the project's domain reference (section 6): INN weights with the final
//! `mod 10`, OGRN `mod 11`, OGRNIP `mod 13`, USCC GB 32100-2015 `mod 31`, LEI ISO 17442 / ISO 7064
//! `mod 97-10`, IMO ship number weights 7..2.

use serde::{Deserialize, Serialize};

mod written;
pub use written::{bic_bank, in_text, listed_keys, readings, validate_written};

/// Outcome of a check-digit test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdCheck {
    /// The value has the right shape and its check digit(s) agree.
    Valid,
    /// The value is malformed or its check digit disagrees.
    Invalid {
        /// Lowercase one-sentence reason with the value in backticks.
        reason: String,
    },
    /// The scheme has no check digit we know how to test.
    Unchecked,
}

/// Schemes that only say "some number issued by an authority": a value under one of these may
/// equal a value under a specific scheme (a `TAX-ID` from Russia is an INN).
const GENERIC_SCHEMES: &[&str] = &["ID", "NATIONAL-ID", "OTHER", "REGISTRATION", "TAX-ID"];

/// Values shorter than this are too likely to collide by chance to match across schemes.
const MIN_CROSS_SCHEME_LEN: usize = 6;

/// Values this long match whatever schemes the two sides name. An export or a customer that
/// calls a Russian INN a `VAT` or `US-EIN` number (by mistake or to slip past screening)
/// still writes the listed number; and the usual schemes differ in length (EIN 9, INN 10 or
/// 12, OGRN 13, USCC 18, LEI 20 characters), so two different identifiers this long are
/// equal by chance about never.
const MIN_ANY_SCHEME_LEN: usize = 8;

/// Maps the many spellings of a scheme to one canonical name (`INN` → `RU-INN`,
/// `lei_code` → `LEI`, `ogrnCode` → `RU-OGRN`); unknown schemes are upper-cased with `-`.
pub fn canonical_scheme(scheme: &str) -> String {
    let mut up = String::with_capacity(scheme.len());
    let mut last_dash = true;
    for c in scheme.trim().chars() {
        if c.is_ascii_alphanumeric() {
            up.push(c.to_ascii_uppercase());
            last_dash = false;
        } else if !last_dash {
            up.push('-');
            last_dash = true;
        }
    }
    while up.ends_with('-') {
        up.pop();
    }
    let mapped = match up.as_str() {
        "INN" | "INNCODE" | "INN-CODE" | "RU-INN" => "RU-INN",
        "OGRN" | "OGRNCODE" | "OGRN-CODE" | "RU-OGRN" => "RU-OGRN",
        "OGRNIP" | "RU-OGRNIP" => "RU-OGRNIP",
        "USCC" | "CN-USCC" | "UNIFIED-SOCIAL-CREDIT-CODE" => "CN-USCC",
        "LEI" | "LEICODE" | "LEI-CODE" | "LEGAL-ENTITY-NUMBER" => "LEI",
        "IMO" | "IMONUMBER" | "IMO-NUMBER" => "IMO",
        "MMSI" | "MMSINUMBER" => "MMSI",
        "TAX" | "TAXID" | "TAX-ID" | "TAXNUMBER" | "TAX-NUMBER" | "TIN" => "TAX-ID",
        "REG" | "REGISTRATION" | "REGISTRATIONNUMBER" | "REGISTRATION-NUMBER" | "REGNO" => {
            "REGISTRATION"
        }
        "SWIFT" | "BIC" | "SWIFT-BIC" | "SWIFTBIC" => "SWIFT-BIC",
        "VAT" | "VATCODE" | "VAT-NUMBER" => "VAT",
        "DUNS" | "DUNSCODE" | "D-U-N-S" => "DUNS",
        "PASSPORT" | "PASSPORTNUMBER" => "PASSPORT",
        "IDNUMBER" | "ID-NUMBER" | "ID" => "ID",
        _ => return up,
    };
    mapped.to_string()
}

/// Normalises an identifier value for exact comparison: upper-case ASCII letters and digits
/// only, and a leading `IMO` dropped for IMO numbers. Spaces, dashes, dots, slashes and
/// invisible characters go; full-width forms are folded (NFKC), decimal digits of any script
/// become ASCII digits (`٧٧١٩`, `۷۷۱۹`, `७७१९` → `7719`), and Cyrillic and Greek capitals
/// that look like Latin ones are read as those (an ID is a string of glyphs, so `А` in
/// `АВ1234567` is the Latin `A` it shows). Other letters are kept (upper-cased), so an ID in
/// another alphabet never collapses onto its digits alone.
pub fn normalize_value(scheme: &str, value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(value.len());
    for c in super::chars::clean(value).nfkc() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if let Some(d) = super::chars::digit_value(c) {
            out.push(char::from_digit(d, 10).unwrap_or('0'));
        } else if c.is_alphanumeric() && !super::chars::is_invisible(c) {
            for u in c.to_uppercase() {
                out.push(super::chars::latin_look_alike(u).unwrap_or(u));
            }
        }
    }
    if scheme == "IMO" && out.starts_with("IMO") {
        out.drain(..3);
    }
    out
}

/// Whether a value under `a` may be the same identifier as a value under `b`: the same
/// canonical scheme; one side generic (`TAX-ID`, `REGISTRATION`, ...) and the value long
/// enough not to collide by chance; or any schemes and a value of eight characters or more.
pub fn schemes_compatible(a: &str, b: &str, normalized_value: &str) -> bool {
    if a == b || normalized_value.len() >= MIN_ANY_SCHEME_LEN {
        return true;
    }
    let generic = GENERIC_SCHEMES.contains(&a) || GENERIC_SCHEMES.contains(&b);
    generic && normalized_value.len() >= MIN_CROSS_SCHEME_LEN
}

/// Validates `value` under `scheme` (any spelling [`canonical_scheme`] accepts).
pub fn validate(scheme: &str, value: &str) -> IdCheck {
    let scheme = canonical_scheme(scheme);
    let v = normalize_value(&scheme, value);
    match scheme.as_str() {
        "RU-INN" => check_inn(&v),
        "RU-OGRN" => check_ogrn(&v, 13, 11),
        "RU-OGRNIP" => check_ogrn(&v, 15, 13),
        "CN-USCC" => check_uscc(&v),
        "LEI" => check_lei(&v),
        "IMO" => check_imo(&v),
        _ => IdCheck::Unchecked,
    }
}

fn invalid(reason: String) -> IdCheck {
    IdCheck::Invalid { reason }
}

fn digits(v: &str) -> Option<Vec<u32>> {
    v.chars().map(|c| c.to_digit(10)).collect()
}

fn weighted_mod11_mod10(d: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = d.iter().zip(weights).map(|(a, b)| a * b).sum();
    (sum % 11) % 10
}

fn check_inn(v: &str) -> IdCheck {
    let Some(d) = digits(v) else {
        return invalid(format!("inn `{v}` contains characters other than digits"));
    };
    if d.iter().all(|&x| x == 0) {
        return invalid(format!("inn `{v}` is all zeros"));
    }
    match d.len() {
        10 => {
            let c = weighted_mod11_mod10(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]);
            if c == d[9] {
                IdCheck::Valid
            } else {
                invalid(format!(
                    "inn `{v}` has check digit `{}`, expected `{c}`",
                    d[9]
                ))
            }
        }
        12 => {
            let c11 = weighted_mod11_mod10(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
            let c12 = weighted_mod11_mod10(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
            if c11 == d[10] && c12 == d[11] {
                IdCheck::Valid
            } else {
                invalid(format!(
                    "inn `{v}` has check digits `{}{}`, expected `{c11}{c12}`",
                    d[10], d[11]
                ))
            }
        }
        n => invalid(format!("inn `{v}` has {n} digits, expected 10 or 12")),
    }
}

fn check_ogrn(v: &str, len: usize, modulus: u64) -> IdCheck {
    let label = if len == 13 { "ogrn" } else { "ogrnip" };
    let Some(d) = digits(v) else {
        return invalid(format!(
            "{label} `{v}` contains characters other than digits"
        ));
    };
    if d.len() != len {
        return invalid(format!(
            "{label} `{v}` has {} digits, expected {len}",
            d.len()
        ));
    }
    // The body has at most 14 digits, so it fits in a u64 without overflow.
    let body = d[..len - 1]
        .iter()
        .fold(0u64, |acc, &x| acc * 10 + u64::from(x));
    let c = ((body % modulus) % 10) as u32;
    if c == d[len - 1] {
        IdCheck::Valid
    } else {
        invalid(format!(
            "{label} `{v}` has check digit `{}`, expected `{c}`",
            d[len - 1]
        ))
    }
}

/// GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn check_uscc(v: &str) -> IdCheck {
    if v.chars().count() != 18 {
        return invalid(format!(
            "uscc `{v}` has {} characters, expected 18",
            v.chars().count()
        ));
    }
    let mut values = Vec::with_capacity(18);
    for c in v.chars() {
        match USCC_ALPHABET.find(c) {
            Some(i) => values.push(i as u32),
            None => {
                return invalid(format!(
                    "uscc `{v}` contains `{c}`, not in the code alphabet"
                ))
            }
        }
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(a, b)| a * b)
        .sum();
    let c = (31 - sum % 31) % 31;
    if c == values[17] {
        IdCheck::Valid
    } else {
        let expected = USCC_ALPHABET.chars().nth(c as usize).unwrap_or('?');
        invalid(format!(
            "uscc `{v}` has check character `{}`, expected `{expected}`",
            &v[17..]
        ))
    }
}

fn check_lei(v: &str) -> IdCheck {
    if v.len() != 20 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return invalid(format!("lei `{v}` is not 20 letters and digits"));
    }
    if !v[18..].chars().all(|c| c.is_ascii_digit()) {
        return invalid(format!("lei `{v}` does not end in two check digits"));
    }
    // ISO 7064 mod 97-10 over letters expanded to 10..35, folded digit by digit.
    let mut rem: u32 = 0;
    for c in v.chars() {
        let n = c.to_digit(36).unwrap_or(0);
        if n >= 10 {
            rem = (rem * 100 + n) % 97;
        } else {
            rem = (rem * 10 + n) % 97;
        }
    }
    if rem == 1 {
        IdCheck::Valid
    } else {
        invalid(format!("lei `{v}` fails the mod 97 check"))
    }
}

fn check_imo(v: &str) -> IdCheck {
    let Some(d) = digits(v) else {
        return invalid(format!(
            "imo number `{v}` contains characters other than digits"
        ));
    };
    if d.len() != 7 {
        return invalid(format!(
            "imo number `{v}` has {} digits, expected 7",
            d.len()
        ));
    }
    let sum: u32 = d[..6]
        .iter()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(a, b)| a * b)
        .sum();
    if sum % 10 == d[6] {
        IdCheck::Valid
    } else {
        invalid(format!(
            "imo number `{v}` has check digit `{}`, expected `{}`",
            d[6],
            sum % 10
        ))
    }
}

/// Refines a generic scheme from the value's shape and country: a Russian `TAX-ID` of 10 or 12
/// digits is an INN, a Russian `REGISTRATION` of 13 or 15 digits an OGRN or OGRNIP, an 18
/// character Chinese tax or registration number a USCC. Everything else is returned unchanged.
pub fn refine_scheme(scheme: &str, value: &str, country: Option<&str>) -> String {
    let v = normalize_value(scheme, value);
    let all_digits = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
    match (scheme, country) {
        ("TAX-ID", Some("RU")) if all_digits && (v.len() == 10 || v.len() == 12) => {
            "RU-INN".to_string()
        }
        ("REGISTRATION", Some("RU")) if all_digits && v.len() == 13 => "RU-OGRN".to_string(),
        ("REGISTRATION", Some("RU")) if all_digits && v.len() == 15 => "RU-OGRNIP".to_string(),
        ("TAX-ID" | "REGISTRATION", Some("CN")) if v.len() == 18 => {
            if validate("CN-USCC", &v) == IdCheck::Valid {
                "CN-USCC".to_string()
            } else {
                scheme.to_string()
            }
        }
        _ => scheme.to_string(),
    }
}
