//! Inputs in the encodings ERP systems export: `--encoding` and the map's `encoding`. A
//! Russian 1C export in windows-1251 or an Excel "Unicode text" file in UTF-16 was refused
//! whole or record by record (`I006`, `O101`); read in its encoding it is judged, and a byte
//! the encoding cannot read makes its record unreadable, never a name with a letter lost.

use std::path::Path;

use sha2::Digest;

use crate::support::{code, redflag_in, stderr, stdout};

/// The clean order of the adversarial corpus, with the buyer named in Cyrillic.
fn cyrillic_order(id: &str) -> String {
    let text = std::fs::read_to_string("fixtures/adversarial/clean-order.jsonl").unwrap();
    let mut order: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    order["id"] = id.into();
    order["buyer"]["name"] = "ООО Станкоимпорт".into();
    // A city outside Russia, whose orders are held whatever their text (RF-EMBARGO-005).
    order["buyer"]["city"] = "Пловдив".into();
    order["buyer"]["country"] = "BG".into();
    format!("{}\n", serde_json::to_string(&order).unwrap())
}

fn windows_1251(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// The order lines of a JSON Lines report.
fn orders(report: &str) -> Vec<serde_json::Value> {
    report
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "order")
        .collect()
}

fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--format", "jsonl", "-q"];
    all.extend_from_slice(args);
    redflag_in(Some(dir), &all, None)
}

#[test]
fn a_windows_1251_export_is_read_in_its_encoding_and_hashed_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = windows_1251(&cyrillic_order("SO-1251"));
    std::fs::write(dir.path().join("orders.jsonl"), &bytes).unwrap();

    // As UTF-8 the line is unreadable, as before.
    let plain = check(dir.path(), &["orders.jsonl"]);
    assert_eq!(code(&plain), 1, "{}", stderr(&plain));
    assert_eq!(orders(&stdout(&plain))[0]["problems"][0]["code"], "O101");

    let read = check(dir.path(), &["orders.jsonl", "--encoding", "windows-1251"]);
    let report = stdout(&read);
    let order = &orders(&report)[0];
    assert_eq!(order["verdict"], "clear", "{report}");
    assert_eq!(order["context"]["buyer_name"], "ООО Станкоимпорт");
    // The run names the file's own bytes, not the text they were decoded to.
    let sha = format!("{:x}", sha2::Sha256::digest(&bytes));
    assert!(report.contains(&sha), "{report}");
}

/// A UTF-8 export named windows-1251 would read `Станкоимпорт` as `РЎС‚Р°РЅ...`, which no
/// listed name is: the run stops before anything is judged.
#[test]
fn a_utf8_file_named_in_another_encoding_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orders.jsonl"), cyrillic_order("SO-UTF8")).unwrap();
    let refused = check(dir.path(), &["orders.jsonl", "--encoding", "windows-1251"]);
    assert_eq!(code(&refused), 2, "{}", stdout(&refused));
    assert!(stderr(&refused).contains("I012"), "{}", stderr(&refused));
    assert!(stdout(&refused).is_empty());
    // Named as what it is, it is read.
    let read = check(dir.path(), &["orders.jsonl", "--encoding", "utf-8"]);
    assert_eq!(
        orders(&stdout(&read))[0]["context"]["buyer_name"],
        "ООО Станкоимпорт"
    );
}

/// `I012` reads only the first block of an input: a UTF-8 export named windows-1251 whose
/// first Cyrillic name comes later is read through, and that name comes out as `РћРћРћ
/// РЎС‚Р°РЅ...`. Such text is mojibake, and its record an error (`O121`), not a name that no
/// list holds.
#[test]
fn a_utf8_name_read_in_another_encoding_past_the_first_block_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let plain = cyrillic_order("SO-PLAIN")
        .replace("ООО Станкоимпорт", "Weserland GmbH")
        .replace("Пловдив", "Bremen")
        .replace("\"BG\"", "\"DE\"");
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 300 * 1024 {
        text.push_str(&plain.replace("SO-PLAIN", &format!("SO-PLAIN-{n}")));
        n += 1;
    }
    text.push_str(&cyrillic_order("SO-LATE"));
    std::fs::write(dir.path().join("orders.jsonl"), &text).unwrap();
    let run = check(dir.path(), &["orders.jsonl", "--encoding", "windows-1251"]);
    assert_eq!(code(&run), 1, "{}", stderr(&run));
    let report = stdout(&run);
    let all = orders(&report);
    let late = all.iter().find(|o| o["id"] == "SO-LATE").unwrap();
    assert_eq!(late["verdict"], "error");
    assert_eq!(late["problems"][0]["code"], "O121", "{late}");
    assert!(all
        .iter()
        .filter(|o| o["id"] != "SO-LATE")
        .all(|o| o["verdict"] != "error"));
}

#[test]
fn a_utf16_file_with_its_byte_order_mark_is_read_whatever_encoding_was_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,date,buyer.name,buyer.country,item.hs,item.value,item.currency\n\
               SO-16,2024-01-02,Станкоимпорт ГмбХ,DE,8207.30,10,EUR\n";
    std::fs::write(dir.path().join("export.csv"), utf16le_with_bom(csv)).unwrap();
    let refused = check(dir.path(), &["export.csv"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("I006"), "{}", stderr(&refused));
    for label in ["utf-16le", "windows-1252"] {
        let read = check(dir.path(), &["export.csv", "--encoding", label]);
        let order = &orders(&stdout(&read))[0];
        assert_ne!(order["verdict"], "error", "{label}: {}", stderr(&read));
        assert_eq!(order["context"]["buyer_name"], "Станкоимпорт ГмбХ");
    }
}

/// A lone surrogate in UTF-16, like a byte windows-1252 does not define or a U+FFFD written
/// by an earlier conversion, is a letter nobody can read: its record is an error, not a name
/// one letter short of a listed one.
#[test]
fn a_character_the_encoding_cannot_read_makes_its_record_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let good = cyrillic_order("SO-OK");
    let bad = cyrillic_order("SO-LOST");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(good.encode_utf16().flat_map(u16::to_le_bytes));
    for unit in bad.encode_utf16() {
        // Each `к` (of the buyer's name) as half of a surrogate pair.
        let unit = if unit == 'к' as u16 { 0xD800 } else { unit };
        bytes.extend(unit.to_le_bytes());
    }
    assert!(bad.contains('к'));
    std::fs::write(dir.path().join("orders.jsonl"), &bytes).unwrap();
    let run = check(dir.path(), &["orders.jsonl", "--encoding", "utf-16le"]);
    assert_eq!(code(&run), 1, "{}", stderr(&run));
    let report = stdout(&run);
    let all = orders(&report);
    assert_eq!(all[0]["verdict"], "clear", "{report}");
    assert_eq!(all[1]["verdict"], "error", "{report}");
    assert_eq!(all[1]["problems"][0]["code"], "O117", "{report}");
    assert!(
        all[1]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("U+FFFD"),
        "{report}"
    );

    // The same in a UTF-8 file: U+FFFD is what an earlier conversion left.
    std::fs::write(
        dir.path().join("lost.jsonl"),
        cyrillic_order("SO-FFFD").replace('к', "\u{FFFD}"),
    )
    .unwrap();
    let run = check(dir.path(), &["lost.jsonl"]);
    assert_eq!(code(&run), 1);
    assert_eq!(orders(&stdout(&run))[0]["problems"][0]["code"], "O117");
}

#[test]
fn the_map_names_the_encoding_and_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "Auftrag,Datum,Kunde,Land,Zolltarif,Wert,Währung\n\
               SO-1252,2024-01-02,Müller Präzision GmbH,DE,8207.30,10,EUR\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(csv);
    std::fs::write(dir.path().join("export.csv"), &bytes).unwrap();
    let map = "encoding = \"windows-1252\"\n\n[columns]\nAuftrag = \"id\"\nDatum = \"date\"\n\
               Kunde = \"buyer.name\"\nLand = \"buyer.country\"\nZolltarif = \"item.hs\"\n\
               Wert = \"item.value\"\n\"Währung\" = \"item.currency\"\n";
    std::fs::write(dir.path().join("map.toml"), map).unwrap();
    let read = check(dir.path(), &["export.csv", "--map", "map.toml"]);
    let report = stdout(&read);
    let all = orders(&report);
    assert_eq!(all.len(), 1, "{report}{}", stderr(&read));
    assert_eq!(all[0]["context"]["buyer_name"], "Müller Präzision GmbH");

    std::fs::write(
        dir.path().join("bad.toml"),
        map.replace("windows-1252", "windows-9999"),
    )
    .unwrap();
    let refused = check(dir.path(), &["export.csv", "--map", "bad.toml"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("M016"), "{}", stderr(&refused));

    let refused = check(dir.path(), &["export.csv", "--encoding", "klingon"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("I011"), "{}", stderr(&refused));
    assert!(stdout(&refused).is_empty());
}
