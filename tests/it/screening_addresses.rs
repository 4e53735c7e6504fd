//! Address screening through the public API: a party at a listed firm's address under another
//! name, written the ways a diverter would write it, and the addresses that must not match
//! (another building, the same city only, another suite of a business centre).

use redflag::screening::address::{compare, parse_listed, parse_party, ADDRESS_MATCH_MIN};
use redflag::screening::{Entry, EntryKind, Screener};

fn listed(id: &str, name: &str, country: &str, addresses: &[&str]) -> Entry {
    let mut e = Entry::new("T", "test", id, EntryKind::Entity, name);
    e.add_country(country);
    e.addresses = addresses.iter().map(|a| a.to_string()).collect();
    e
}

fn screener() -> Screener {
    Screener::build(vec![
        listed(
            "1",
            "Mashimport GmbH",
            "DE",
            &["Hauptstrasse 12, 10115 Berlin, Germany"],
        ),
        listed(
            "2",
            "Crimea Port Services",
            "UA",
            &["Lenin St. 2, Alushta, Crimea 29850, Ukraine"],
        ),
        listed(
            "3",
            "Shahid Bakeri Industries",
            "IR",
            &[
                "P.O. Box 14155-5568, No. 27 Shahamat Ave, Vallie Asr Sqr, Tehran 15946, Iran",
                "Shahih Shar Industrial Zone, Esfahan, Iran",
            ],
        ),
        listed(
            "4",
            "Gulf Front Trading FZE",
            "AE",
            &["Office 1203, Tower B, Business Bay, Dubai, United Arab Emirates"],
        ),
        // A city or country alone: never indexed.
        listed("5", "Tehran Only", "IR", &["Tehran, Iran"]),
        listed("6", "Country Only", "RU", &["Russia"]),
    ])
}

fn hits(s: &Screener, address: &str, city: Option<&str>, country: &str) -> Vec<String> {
    s.addresses()
        .screen_party(s.entries(), address, city, Some(country), ADDRESS_MATCH_MIN)
        .iter()
        .map(|m| s.entries()[m.entry_index].entry_id.clone())
        .collect()
}

#[test]
fn the_same_address_written_another_way_matches() {
    let s = screener();
    for (address, city) in [
        ("Hauptstrasse 12", Some("Berlin")),
        ("Hauptstr. 12", Some("Berlin")),
        ("Haupt Str. 12", Some("Berlin")),
        ("Hauptstraße 12", Some("Berlin")),
        ("HAUPTSTRASSE   12", Some("10115 BERLIN")),
        ("hauptstrasse nr. 12", None),
        ("Haupt\u{200b}strasse 12", Some("Berlin")),
        ("Hauptstrasse 12, 10115 Berlin, Germany", None),
    ] {
        assert_eq!(hits(&s, address, city, "DE"), ["1"], "{address} {city:?}");
    }
    for address in [
        "Lenin Street 2",
        "lenin st 2, Alushta",
        "ul. Lenina 2, Alushta",
        "Lenin Str. No.2",
    ] {
        assert_eq!(hits(&s, address, None, "UA"), ["2"], "{address}");
    }
    assert_eq!(hits(&s, "27 Shahamat Avenue", Some("Tehran"), "IR"), ["3"]);
    assert_eq!(hits(&s, "PO Box 14155-5568", Some("Tehran"), "IR"), ["3"]);
    assert_eq!(
        hits(
            &s,
            "Tower B, office 1203, Business Bay",
            Some("Dubai"),
            "AE"
        ),
        ["4"]
    );
}

#[test]
fn other_premises_and_places_do_not_match() {
    let s = screener();
    // Another building on the same street.
    assert!(hits(&s, "Hauptstrasse 14", Some("Berlin"), "DE").is_empty());
    // The same street and number in another city.
    assert!(hits(&s, "Hauptstrasse 12", Some("Munich"), "DE").is_empty());
    assert!(hits(&s, "Hauptstrasse 12", Some("80331 Berlin"), "DE").is_empty());
    // Another street, same number and city.
    assert!(hits(&s, "Friedrichstrasse 12", Some("Berlin"), "DE").is_empty());
    // Another country.
    assert!(hits(&s, "Hauptstrasse 12", Some("Berlin"), "AT").is_empty());
    // The city alone, or no street number.
    assert!(hits(&s, "Tehran", None, "IR").is_empty());
    assert!(hits(&s, "Berlin", None, "DE").is_empty());
    assert!(hits(&s, "Hauptstrasse", Some("Berlin"), "DE").is_empty());
    assert!(hits(&s, "Shahih Shar Industrial Zone", Some("Esfahan"), "IR").is_empty());
    // Another suite of the same business tower is another tenant.
    assert!(hits(
        &s,
        "Office 1507, Tower B, Business Bay",
        Some("Dubai"),
        "AE"
    )
    .is_empty());
    // A street type, or a number, with the listed firm's city: no street to compare.
    assert!(hits(&s, "Str. 12", Some("Berlin"), "DE").is_empty());
    assert!(hits(&s, "12", Some("10115 Berlin"), "DE").is_empty());
    assert!(!parse_party("Str. 12", Some("Berlin"), Some("DE")).street_level());
    // Another street type on a street of the same name.
    assert!(hits(&s, "Lenin Avenue 2", Some("Alushta"), "UA").is_empty());
}

#[test]
fn bare_cities_and_countries_are_not_street_level() {
    assert!(!parse_listed("Tehran, Iran", &["IR".into()]).street_level());
    assert!(!parse_listed("Russia", &["RU".into()]).street_level());
    assert!(!parse_party("Berlin", None, Some("DE")).street_level());
    assert!(parse_party("Hauptstrasse 12", Some("Berlin"), Some("DE")).street_level());
    // Without a country nothing is compared: the same street exists in many countries.
    assert!(!parse_party("Hauptstrasse 12", Some("Berlin"), None).street_level());
}

#[test]
fn a_two_letter_state_is_not_read_as_a_country() {
    // DPL rows without a country end with the state: `AZ` is Arizona, not Azerbaijan.
    let form = parse_listed("3037 S. 69TH DRIVE, PHOENIX, AZ", &[]);
    assert_eq!(form.country, None);
    let form = parse_listed("3037 S. 69TH DRIVE, PHOENIX, AZ, 85043, US", &["US".into()]);
    assert_eq!(form.country.as_deref(), Some("US"));
    let party = parse_party("3037 South 69th Drive", Some("Phoenix"), Some("US"));
    assert!(compare(&party, &form).score >= ADDRESS_MATCH_MIN);
}

#[test]
fn results_are_sorted_and_shared_addresses_counted() {
    let s = Screener::build(vec![
        listed(
            "B",
            "Second Front",
            "DE",
            &["Hauptstrasse 12, Berlin, Germany"],
        ),
        listed("A", "First Front", "DE", &["Hauptstr. 12, Berlin, Germany"]),
    ]);
    let m = s.addresses().screen_party(
        s.entries(),
        "Hauptstrasse 12",
        Some("Berlin"),
        Some("DE"),
        ADDRESS_MATCH_MIN,
    );
    let ids: Vec<&str> = m
        .iter()
        .map(|m| s.entries()[m.entry_index].entry_id.as_str())
        .collect();
    assert_eq!(ids, ["B", "A"]);
    assert!(m.iter().all(|m| m.shared_by == 2));
}

fn loaded(rel: &str) -> Screener {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lists")
        .join(rel);
    Screener::build(redflag::screening::load_file(&path).unwrap().entries)
}

#[test]
fn published_list_addresses_are_found_by_a_party_writing_them_its_own_way() {
    // OFAC add.csv: street, `city_state_zip` and country in their own cells, joined.
    let ofac = loaded("ofac-sample/sdn.csv");
    assert_eq!(
        hits(&ofac, "No 27 Shahamat Avenue", Some("Tehran"), "IR"),
        ["11195"]
    );
    assert_eq!(
        hits(&ofac, "Rue Henri Mussard 22", Some("1208 Geneva"), "CH"),
        ["12685"]
    );
    assert_eq!(
        hits(&ofac, "561 Vista del Mar", Some("Ladyville"), "BZ"),
        ["15102"]
    );
    assert!(hits(&ofac, "563 Vista del Mar", Some("Ladyville"), "BZ").is_empty());
    assert!(hits(&ofac, "Shahamat Avenue", Some("Tehran"), "IR").is_empty());
    // CSL: one `; `-separated column, the country code last.
    let csl = loaded("csl/consolidated.csv");
    let ids = |address: &str, city: &str, country: &str| {
        csl.addresses()
            .screen_party(
                csl.entries(),
                address,
                Some(city),
                Some(country),
                ADDRESS_MATCH_MIN,
            )
            .iter()
            .map(|m| csl.entries()[m.entry_index].primary_name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids("Themistokli Dervi 5, Elenion Bldg.", "1066 Nicosia", "CY"),
        ["ROSNEFT TRADE LIMITED"]
    );
    assert_eq!(
        ids("ulitsa Sadovnicheskaya 79", "Moscow", "RU"),
        ["SME BANK"]
    );
    assert!(ids("ulitsa Sadovnicheskaya 81", "Moscow", "RU").is_empty());
    // DPL: one row per address.
    let dpl = loaded("dpl/dpl.txt");
    let found = dpl.addresses().screen_party(
        dpl.entries(),
        "9426 Blessing Dr.",
        Some("Pleasanton, CA 94588"),
        Some("US"),
        ADDRESS_MATCH_MIN,
    );
    let names: Vec<&str> = found
        .iter()
        .map(|m| dpl.entries()[m.entry_index].primary_name.as_str())
        .collect();
    // The DPL lists the same man twice, under two spellings, at this address.
    assert_eq!(names, ["(SEAN) NAGHIBI", "AFSHIN (SEAN) NAGHIBI"]);
    assert!(found.iter().all(|m| m.shared_by == 2));
}

#[test]
fn hostile_addresses_cost_bounded_work() {
    let s = screener();
    let long = "Hauptstrasse 12 ".repeat(5_000) + &"Word ".repeat(20_000);
    let form = parse_party(&long, Some("Berlin"), Some("DE"));
    assert!(form.words.len() <= redflag::screening::address::MAX_WORDS);
    assert!(form.premises.len() <= redflag::screening::address::MAX_NUMBERS);
    let started = std::time::Instant::now();
    let _ = s.addresses().screen(s.entries(), &form, ADDRESS_MATCH_MIN);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Nothing in an address panics: controls, lone marks, digits of other scripts.
    for text in [
        "\u{0}",
        "№",
        "#",
        "٢٧ شارع",
        "No.",
        "Box",
        "12 a b c",
        "-",
        "Tower",
    ] {
        let _ = parse_party(text, Some(text), Some("DE"));
        let _ = parse_listed(text, &["DE".into()]);
    }
}

#[test]
fn units_are_compared_kind_by_kind() {
    let listed = |text: &str| parse_listed(text, &["AF".into()]);
    let party = |text: &str| parse_party(text, Some("Kandahar City"), Some("AF"));
    let tower =
        listed("Suite 8, 4th Floor, Sarrafi Market, District 1, Kandahar City, Afghanistan");
    // Another suite on the same floor is another tenant (found by address_bench on the 2019
    // SDN: the floors agreeing used to hide the suites differing).
    assert_eq!(
        compare(
            &party("Suite 10, 4th Floor, Sarrafi Market, District 1"),
            &tower
        )
        .score,
        0.0
    );
    // Another floor, with no room to agree, is another tenant too.
    assert_eq!(
        compare(&party("Sarrafi Market, District 1, 5th Floor"), &tower).score,
        0.0
    );
    // The same premises, with the units written the other way round or in other words.
    for same in [
        "Suite 8, 4th Floor, Sarrafi Market, District 1",
        "Floor 4, Office 8, Sarrafi Market, District 1",
        "Sarrafi Market, District 1, Room 8",
        "Sarrafi Market, District 1, 4th floor",
        // `Floor 4` is `4th Floor`: read as different numbers, the floors conflicted.
        "Sarrafi Market, District 1, Floor 4",
    ] {
        let score = compare(&party(same), &tower).score;
        assert!(score >= ADDRESS_MATCH_MIN, "{same}: {score}");
    }
    // A wrong floor beside the listed suite does not hide it (a diverter's extra number, or a
    // typo): the suite agreeing is the premises.
    let score = compare(
        &party("Suite 8, 5th Floor, Sarrafi Market, District 1"),
        &tower,
    )
    .score;
    assert!(score >= ADDRESS_MATCH_MIN, "wrong floor: {score}");
    // A floor and a room of the same number do not contradict each other.
    let score = compare(
        &party("Sarrafi Market 1, Room 4"),
        &listed("Sarrafi Market 1, 4th Floor, Kandahar City, Afghanistan"),
    )
    .score;
    assert!(score >= ADDRESS_MATCH_MIN, "{score}");
}

#[test]
fn a_city_written_in_english_meets_its_own_name_in_a_listed_cyrillic_address() {
    // A list taken from a Russian register writes `Москва` (read `moskva`); a party writing
    // `Moscow` was too far from it, and a new name at the listed premises was clear.
    let s = Screener::build(vec![listed(
        "7",
        "Stankoimport-Vostok",
        "RU",
        &["ул. Профсоюзная, 65, Москва"],
    )]);
    for (address, city) in [
        ("Profsoyuznaya ul. 65, Moscow", None),
        ("ul. Profsoyuznaya, d. 65", Some("Moscow")),
        ("Profsoyuznaya Str. 65, Moskau", None),
        ("ul. Profsoyuznaya 65, Moskva", None),
        ("ul. Profsoiuznaia 65, Moscow", None),
        ("ul. Profsojuznaja 65, Moskau", None),
    ] {
        assert_eq!(hits(&s, address, city, "RU"), ["7"], "{address} {city:?}");
    }
    // Another house on the street, or the street in another city, is not the listed address.
    assert!(hits(&s, "Profsoyuznaya ul. 67, Moscow", None, "RU").is_empty());
    assert!(hits(&s, "Profsoyuznaya ul. 65, Kazan", None, "RU").is_empty());
}

#[test]
fn a_russian_address_as_russian_forms_and_german_transliteration_write_it_meets_the_listed_one() {
    // Each was clear before (2026-12-06): `г` (city) after the house number read as its
    // letter (house 65г), `Uliza` not read as a street type, and the German `s` and `j` for
    // `з` and `й` two letters too many from the listed spelling.
    let s = Screener::build(vec![listed(
        "7",
        "Stankoimport-Vostok",
        "RU",
        &["ул. Профсоюзная, 65, Москва"],
    )]);
    for address in [
        "ул Профсоюзная д 65 г Москва",
        "ул Профсоюзная 65 г Москва",
        "Profsoyuznaya Uliza 65, Moskva",
        "Profsojusnaja Str. 65, Moskau",
        "Profsojusnaja Str. 65",
        "gorod Moskva, Profsoyuznaya ulitza 65",
    ] {
        assert_eq!(hits(&s, address, None, "RU"), ["7"], "{address}");
    }
    // A house letter is still read as one (`65 б`, `65a`), and the German reading is made
    // only for the countries that write Cyrillic: the same words in Germany are another place.
    assert!(hits(&s, "ул Профсоюзная 65 б", None, "RU").is_empty());
    assert!(hits(&s, "Profsoyuznaya ul. 65a, Moscow", None, "RU").is_empty());
    let de = Screener::build(vec![listed(
        "8",
        "Werkzeug Jansen GmbH",
        "DE",
        &["Profsoyuznaya Weg 65, Berlin"],
    )]);
    assert!(hits(&de, "Profsojusnaja Weg 65, Berlin", None, "DE").is_empty());
}
