//! Check-digit validation (INN, OGRN, OGRNIP, USCC, LEI, IMO) and listing-date logic.

#![allow(clippy::panic)] // test helpers fail by panicking

use chrono::NaiveDate;
use redflag::screening::ids::{canonical_scheme, normalize_value};
use redflag::screening::{validate, Entry, EntryKind, IdCheck, ListedAt};

fn check_valid(scheme: &str, value: &str) {
    assert_eq!(validate(scheme, value), IdCheck::Valid, "{scheme} {value}");
}

fn check_invalid(scheme: &str, value: &str, reason_part: &str) {
    match validate(scheme, value) {
        IdCheck::Invalid { reason } => {
            assert!(reason.contains(reason_part), "{scheme} {value}: {reason}");
            let prose: String = reason.split('`').step_by(2).collect();
            assert_eq!(
                prose,
                prose.to_lowercase(),
                "reasons are lowercase outside values"
            );
        }
        other => panic!("{scheme} {value}: expected invalid, got {other:?}"),
    }
}

#[test]
fn russian_inn() {
    check_valid("RU-INN", "7707083893"); // Sberbank, published
    check_valid("INN", "500100732259"); // published 12-digit example
    check_valid("innCode", "7719717008"); // LLC Mashimport (domain reference)
    check_valid("RU-INN", "5835109448");
    check_valid("RU-INN", "5904112229");
    check_valid("RU-INN", "9719010156");
    check_valid("RU-INN", "7719429480"); // sum mod 11 = 10, so the check digit is 0
    check_valid("RU-INN", "366110340670");
    check_invalid("RU-INN", "7719717009", "expected `8`");
    check_invalid("RU-INN", "500100732258", "check digits");
    check_invalid("RU-INN", "0000000000", "all zeros");
    check_invalid("RU-INN", "12345", "has 5 digits");
    check_invalid("RU-INN", "77070838A3", "other than digits");
}

#[test]
fn russian_ogrn_and_ogrnip() {
    check_valid("OGRN", "1027700132195"); // Sberbank, published
    check_valid("RU-OGRN", "1027739108649");
    check_valid("RU-OGRN", "1207700248030");
    check_valid("OGRNIP", "304770100123450");
    check_invalid("RU-OGRN", "1027700132196", "expected `5`");
    check_invalid("RU-OGRNIP", "304770100123451", "expected `0`");
    check_invalid("RU-OGRN", "10277001321", "has 11 digits");
}

#[test]
fn chinese_uscc() {
    check_valid("USCC", "9144030071526726XG"); // published example
    check_valid("CN-USCC", "91110000100010433L");
    check_invalid("CN-USCC", "9144030071526726XA", "expected `G`");
    check_invalid("CN-USCC", "9144030071526726XI", "not in the code alphabet");
    check_invalid("CN-USCC", "914403007152672", "expected 18");
}

#[test]
fn lei_and_imo() {
    check_valid("LEI", "5299007NTWCC3U23WM81"); // SUEX OTC, from the OFAC sample
    check_valid("leiCode", "529900T8BM49AURSDO55");
    check_invalid("LEI", "5299007NTWCC3U23WM82", "mod 97");
    check_valid("IMO", "IMO 9486910");
    check_valid("IMO", "9339301");
    check_invalid("IMO", "9339302", "expected `1`");
    assert_eq!(validate("PASSPORT", "123"), IdCheck::Unchecked);
}

#[test]
fn scheme_and_value_normalisation() {
    assert_eq!(canonical_scheme("inn"), "RU-INN");
    assert_eq!(canonical_scheme("Tax ID"), "TAX-ID");
    assert_eq!(canonical_scheme("registration_number"), "REGISTRATION");
    assert_eq!(canonical_scheme("custom scheme"), "CUSTOM-SCHEME");
    assert_eq!(normalize_value("VAT", "CHE-267.936.404"), "CHE267936404");
    assert_eq!(normalize_value("IMO", "IMO 9486910"), "9486910");
}

fn date(s: &str) -> NaiveDate {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => d,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn check_listed(listed: Option<&str>, ends: Option<&str>, at: &str, expected: ListedAt) {
    let mut e = Entry::new("L", "s", "1", EntryKind::Entity, "X");
    e.listed_on = listed.map(date);
    e.ends_on = ends.map(date);
    assert_eq!(
        e.listed_at(date(at)),
        expected,
        "{listed:?}..{ends:?} at {at}"
    );
}

#[test]
fn listing_date_logic() {
    check_listed(
        Some("2022-03-15"),
        None,
        "2023-01-01",
        ListedAt::ListedBefore,
    );
    check_listed(
        Some("2022-03-15"),
        None,
        "2022-03-15",
        ListedAt::ListedBefore,
    );
    check_listed(
        Some("2022-03-15"),
        None,
        "2022-03-14",
        ListedAt::ListedAfter,
    );
    check_listed(None, None, "2022-03-14", ListedAt::Unknown);
    check_listed(
        Some("2020-01-01"),
        Some("2021-01-01"),
        "2021-01-01",
        ListedAt::ListedBefore,
    );
    check_listed(
        Some("2020-01-01"),
        Some("2021-01-01"),
        "2021-01-02",
        ListedAt::Expired,
    );
    check_listed(None, Some("2021-01-01"), "2022-01-01", ListedAt::Expired);
}
