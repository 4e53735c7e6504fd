//! Importer tests: each list format on its fixture file, through the public API, counting
//! entries, aliases and identifiers and checking the located problems.

#![allow(clippy::panic)] // test helpers fail by panicking

use std::path::PathBuf;

use redflag::screening::import::{import_ofac, NamedText, OfacFiles};
use redflag::screening::{
    detect_format, import_str, load_file, Entry, EntryKind, ListFile, ListFormat,
};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lists")
        .join(rel)
}

fn load(rel: &str) -> ListFile {
    match load_file(&fixture(rel)) {
        Ok(lf) => lf,
        Err(e) => panic!("cannot load {rel}: {e}"),
    }
}

fn entry<'a>(lf: &'a ListFile, id: &str) -> &'a Entry {
    match lf.entries.iter().find(|e| e.entry_id == id) {
        Some(e) => e,
        None => panic!("no entry `{id}` in {}", lf.name),
    }
}

fn check_counts(lf: &ListFile, entries: usize, aliases: usize, ids: usize, problems: usize) {
    let a: usize = lf.entries.iter().map(|e| e.aliases.len()).sum();
    let i: usize = lf.entries.iter().map(|e| e.ids.len()).sum();
    assert_eq!(
        (lf.entries.len(), a, i, lf.problems.len()),
        (entries, aliases, ids, problems),
        "counts (entries, aliases, ids, problems) of {}; problems: {:?}",
        lf.name,
        lf.problems
    );
}

fn check_id(e: &Entry, scheme: &str, value: &str) {
    assert!(
        e.ids.iter().any(|i| i.scheme == scheme && i.value == value),
        "entry `{}` lacks {scheme} {value}; has {:?}",
        e.entry_id,
        e.ids
    );
}

fn check_alias(e: &Entry, name: &str, weak: bool) {
    assert!(
        e.aliases.iter().any(|a| a.name == name && a.weak == weak),
        "entry `{}` lacks alias {name} (weak {weak}); has {:?}",
        e.entry_id,
        e.aliases
    );
}

#[test]
fn ofac_sample_set_is_joined_on_ent_num() {
    let lf = load("ofac-sample/sdn.csv");
    assert_eq!(lf.format, ListFormat::OfacSdn);
    check_counts(&lf, 17, 29, 64, 9);
    let khoroshev = entry(&lf, "48603");
    assert_eq!(khoroshev.kind, EntryKind::Person);
    assert_eq!(khoroshev.list, "OFAC-SDN");
    assert_eq!(
        khoroshev.listed_on, None,
        "the legacy csv has no listing date"
    );
    check_id(khoroshev, "RU-INN", "366110340670");
    check_id(khoroshev, "PASSPORT", "2018278055");
    check_alias(khoroshev, "LOCKBITSUPP", true);
    check_alias(khoroshev, "KHOROSHEV, Dmitriy Yurevich", false);
    assert_eq!(khoroshev.countries, vec!["RU"]);

    let dialog = entry(&lf, "50544");
    check_id(dialog, "RU-INN", "9709063550");
    check_id(dialog, "RU-OGRN", "1207700248030");
    check_alias(dialog, "ANO DIALOG REGIONS", false);
    check_alias(dialog, "DIALOG REGIONY", true);

    let makran = entry(&lf, "40716");
    assert_eq!(makran.kind, EntryKind::Vessel);
    check_id(makran, "IMO", "9486910");
    assert_eq!(makran.countries, vec!["IR"]);

    // The comments file continues a remark mid-word: the split address is whole again.
    let suex = entry(&lf, "33151");
    check_id(suex, "CRYPTO-XBT", "1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi");
    check_id(suex, "LEI", "5299007NTWCC3U23WM81");
    assert_eq!(suex.countries, vec!["CZ", "RU"]);
    assert_eq!(suex.addresses.len(), 2);

    let iami = entry(&lf, "11195");
    assert_eq!(iami.programs, vec!["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"]);
    assert_eq!(iami.addresses.len(), 5);
}

#[test]
fn ofac_orphan_companion_rows_are_located_problems() {
    let lf = load("ofac-sample/sdn.csv");
    let first = &lf.problems[0];
    assert!(first.file.ends_with("add.csv"), "{first}");
    assert_eq!(first.line, 11);
    assert_eq!(first.message, "address row refers to unknown entry `12562`");
    assert!(lf
        .problems
        .iter()
        .any(|p| p.file.ends_with("alt.csv")
            && p.message == "alias row refers to unknown entry `11935`"));
}

#[test]
fn ofac_malformed_sdn_rows_are_reported_not_skipped_silently() {
    let sdn =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               x1,\"BAD NUMBER\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               37,\"SHORT ROW\"\n\
               36,\"AGAIN\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               38,\"GOOD ONE\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
               39,\"GOOD TWO\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    let lf = match import_ofac(&OfacFiles {
        sdn: NamedText {
            name: "sdn.csv",
            text: sdn,
        },
        alt: None,
        add: None,
        comments: None,
    }) {
        Ok(lf) => lf,
        Err(e) => panic!("{e}"),
    };
    // Three bad rows of six: located problems, not yet a broken list.
    assert_eq!(lf.entries.len(), 3);
    let messages: Vec<String> = lf.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        vec![
            "sdn.csv:2: entry number `x1` is not a number",
            "sdn.csv:3: row has 2 columns, expected at least 12",
            "sdn.csv:4: entry number `36` appears again, so this row is skipped",
        ]
    );
}

#[test]
fn csl_rows_give_dates_aliases_and_ids() {
    let lf = load("csl/consolidated.csv");
    assert_eq!(lf.format, ListFormat::Csl);
    check_counts(&lf, 13, 15, 7, 0);
    let sme = entry(&lf, "18283");
    assert_eq!(sme.kind, EntryKind::Entity);
    assert_eq!(
        sme.source,
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
    );
    check_id(sme, "RU-OGRN", "1027739108649");
    check_id(sme, "SWIFT-BIC", "RUDVRUMM");
    check_alias(sme, "MSP BANK AO", false);
    let ash = entry(
        &lf,
        "b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e",
    );
    assert_eq!(
        ash.listed_on.map(|d| d.to_string()),
        Some("2002-03-04".to_string())
    );
    assert_eq!(
        ash.ends_on.map(|d| d.to_string()),
        Some("2056-06-29".to_string())
    );
    // "; and any successor ..." is a rider, not a name.
    let sino = &lf.entries[0];
    assert_eq!(sino.primary_name, "Sinobright Import and Export Company");
    assert!(sino.aliases.is_empty());
    // "and CETC Research Institute 13" loses its joining word.
    let cetc = entry(
        &lf,
        "99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be",
    );
    check_alias(cetc, "CETC Research Institute 13", false);
}

#[test]
fn csl_without_name_column_cannot_be_read() {
    let result = import_str(ListFormat::Csl, "x.csv", "_id,source,foo\n1,2,3\n");
    assert!(result.is_err());
}

#[test]
fn dpl_rows_of_one_party_become_one_entry() {
    let lf = load("dpl/dpl.txt");
    assert_eq!(lf.format, ListFormat::Dpl);
    check_counts(&lf, 433, 0, 0, 0);
    let hijazi: Vec<&Entry> = lf
        .entries
        .iter()
        .filter(|e| e.primary_name == "ALI M HIJAZI")
        .collect();
    assert_eq!(hijazi.len(), 1);
    assert_eq!(hijazi[0].addresses.len(), 3);
    assert_eq!(hijazi[0].countries, vec!["FR", "CH", "LY"]);
    assert_eq!(hijazi[0].ends_on, None);
    let hernandez = match lf
        .entries
        .iter()
        .find(|e| e.primary_name == "ADRIAN MANUEL HERNANDEZ")
    {
        Some(e) => e,
        None => panic!("hernandez missing"),
    };
    assert_eq!(
        hernandez.listed_on.map(|d| d.to_string()),
        Some("2017-10-16".into())
    );
    assert_eq!(
        hernandez.ends_on.map(|d| d.to_string()),
        Some("2020-10-13".into())
    );
    assert!(hernandez.entry_id.starts_with("DPL-"));
}

#[test]
fn dpl_bad_dates_are_located() {
    let text = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\n\
                ACME\t1 MAIN ST\tTOWN\t\tUS\t\t13/45/2001\t\n";
    let lf = match import_str(ListFormat::Dpl, "dpl.txt", text) {
        Ok(lf) => lf,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(lf.entries.len(), 1);
    assert_eq!(
        lf.problems[0].to_string(),
        "dpl.txt:2: effective date `13/45/2001` is not a mm/dd/yyyy date, so it is ignored"
    );
}

#[test]
fn ftm_entities_take_dates_from_sanctions() {
    let lf = load("ftm/sample.ftm.json");
    assert_eq!(lf.format, ListFormat::Ftm);
    check_counts(&lf, 6, 5, 6, 2);
    let romashka = entry(&lf, "demo-romashka");
    assert_eq!(romashka.primary_name, "ООО «Ромашка»");
    assert_eq!(romashka.list, "demo_sanctions");
    check_id(romashka, "RU-INN", "5027123457");
    check_id(romashka, "RU-OGRN", "1157746123457");
    assert_eq!(
        romashka.listed_on.map(|d| d.to_string()),
        Some("2022-03-15".into())
    );
    assert_eq!(romashka.programs, vec!["RUSSIA-EO14024"]);
    let sidorov = entry(&lf, "demo-sidorov");
    assert_eq!(sidorov.kind, EntryKind::Person);
    assert_eq!(
        sidorov.ends_on.map(|d| d.to_string()),
        Some("2024-01-31".into())
    );
    let zenit = entry(&lf, "demo-zenit");
    check_id(zenit, "RU-INN", "7810345670");
    check_alias(zenit, "ZT", true);
    check_alias(zenit, "Zenit Import", false);
    assert_eq!(
        zenit.listed_on.map(|d| d.to_string()),
        Some("2024-02-01".into())
    );
    check_id(entry(&lf, "demo-shenzhen"), "CN-USCC", "91110000100010433L");
    check_id(entry(&lf, "demo-alpine"), "LEI", "529900T8BM49AURSDO55");
    let messages: Vec<String> = lf.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        messages.iter().any(|m| m.ends_with(
            ":12: sanction `demo-s4` points to entity `demo-missing`, which is not in the file"
        )),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with(":13: line is not a json object")),
        "{messages:?}"
    );
}

fn check_watchlist(lf: &ListFile) {
    assert_eq!(lf.entries.len(), 4, "{:?}", lf.problems);
    let wl1 = entry(lf, "WL-1");
    assert_eq!(wl1.list, "own");
    check_id(wl1, "RU-INN", "7719717008");
    check_alias(wl1, "ООО Машимпорт", false);
    assert_eq!(
        wl1.listed_on.map(|d| d.to_string()),
        Some("2024-06-12".into())
    );
    assert_eq!(wl1.programs, vec!["RUSSIA-EO14024"]);
    let wl2 = entry(lf, "WL-2");
    assert_eq!(
        wl2.ends_on.map(|d| d.to_string()),
        Some("2023-12-31".into())
    );
    assert_eq!(entry(lf, "WL-4").listed_on, None);
}

#[test]
fn watchlist_csv_reports_each_bad_row() {
    let lf = load("watchlist/own.csv");
    assert_eq!(lf.format, ListFormat::WatchlistCsv);
    check_watchlist(&lf);
    let messages: Vec<String> = lf.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(messages[0].ends_with("own.csv:4: entry `WL-3` has no name"));
    assert!(messages[1]
        .ends_with("own.csv:5: listed_on `2024-13-01` is not a yyyy-mm-dd date, so it is ignored"));
    assert!(
        messages[2].ends_with("own.csv:6: identifier `NOCOLON` is not written as `SCHEME:VALUE`")
    );
    assert!(
        messages[3].ends_with("own.csv:7: entry id `WL-1` appears again, so this entry is skipped")
    );
}

#[test]
fn watchlist_toml_matches_the_csv_form() {
    let lf = load("watchlist/own.toml");
    assert_eq!(lf.format, ListFormat::WatchlistToml);
    check_watchlist(&lf);
    let messages: Vec<String> = lf.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("own.toml:21: entry `WL-3` has no name")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| {
            m.ends_with(
        "own.toml:31: kind `spaceship` is not person, entity, vessel or aircraft, so it is ignored"
    )
        }),
        "{messages:?}"
    );
}

#[test]
fn broken_toml_is_an_error_not_an_empty_list() {
    assert!(import_str(ListFormat::WatchlistToml, "w.toml", "[[entry]\nid = 1").is_err());
}

#[test]
fn formats_are_detected_from_name_and_header() {
    let cases: [(&str, &[u8], Option<ListFormat>); 9] = [
        ("lists/sdn.csv", b"36,\"X\"", Some(ListFormat::OfacSdn)),
        ("alt.csv", b"", Some(ListFormat::OfacAlt)),
        ("SDN_COMMENTS.CSV", b"", Some(ListFormat::OfacComments)),
        ("c.csv", b"_id,source,entity_number", Some(ListFormat::Csl)),
        (
            "d.txt",
            b"\"Name\"\t\"Street_Address\"\t\"Effective_Date\"",
            Some(ListFormat::Dpl),
        ),
        ("e.json", b"{\"id\": \"x\"", Some(ListFormat::Ftm)),
        ("w.csv", b"id,name,aliases", Some(ListFormat::WatchlistCsv)),
        (
            "w.toml",
            b"# list\n[[entry]]",
            Some(ListFormat::WatchlistToml),
        ),
        ("x.bin", b"\x00\x01", None),
    ];
    for (name, head, expected) in cases {
        assert_eq!(detect_format(name, head), expected, "{name}");
    }
}

#[test]
fn missing_file_is_an_error() {
    assert!(load_file(&fixture("no-such-file.csv")).is_err());
}

/// A list with a handful of bad rows gets one warning line per list each run, not a page;
/// `--verbose` lists every row.
#[test]
fn many_bad_rows_of_a_list_are_summed_up_in_one_line_unless_verbose() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,name,aliases,country,ids,listed_on,ends_on,program,notes\n");
    for i in 0..12 {
        text.push_str(&format!(
            "WL-{i},Listed Trading Company {i},,RU,,2024-01-01,,,\n"
        ));
    }
    for i in 12..16 {
        text.push_str(&format!("WL-{i},Bad Date Company {i},,RU,,2024-13-01,,,\n"));
    }
    let list = dir.path().join("watch.csv");
    std::fs::write(&list, text).unwrap();
    let order = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/adversarial/clean-order.jsonl");
    let run = |verbose: bool| {
        let mut args = vec![
            "check",
            order.to_str().unwrap(),
            "--list",
            list.to_str().unwrap(),
            "--quiet",
        ];
        if verbose {
            args.push("--verbose");
        }
        let output = crate::support::redflag(&args);
        assert_eq!(
            crate::support::code(&output),
            0,
            "{}",
            crate::support::stderr(&output)
        );
        crate::support::stderr(&output)
    };
    let summary = run(false);
    assert_eq!(summary.matches("S001").count(), 1, "{summary}");
    assert!(summary.contains("4 rows of"), "{summary}");
    assert!(summary.contains("--verbose"), "{summary}");
    let each = run(true);
    assert_eq!(each.matches("S001").count(), 4, "{each}");
    for line in 14..=17 {
        assert!(
            each.contains(&format!("watch.csv:{line}:")),
            "line {line}: {each}"
        );
    }
}
