//! Report formats and provenance through the binary: input and list digests
//! (stable, and changing with one byte), SARIF 2.1.0 checked against the
//! OASIS schema and for its mapping, CSV columns, and snapshots of both on a
//! small frozen pack (fixtures/reports-pack) so they do not move when the
//! default pack does.

use super::support::redflag_in;

/// Runs the binary, feeding `stdin` when given.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    redflag_in(None, args, stdin)
}
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use sha2::{Digest, Sha256};

const SAMPLE: &str = "fixtures/orders/sample.jsonl";
const BAD: &str = "fixtures/orders/bad/bad.jsonl";
const PACK: &str = "fixtures/reports-pack";

/// Runs `check` and returns stdout, checking the exit status is 0 or 1.
#[track_caller]
fn check(args: &[&str]) -> Vec<u8> {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = redflag_in(None, &all, None);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[track_caller]
fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", String::from_utf8_lossy(bytes)))
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `(name, sha256)` of every list and the rates table of a JSON report.
fn table_digests(doc: &Value) -> Vec<(String, String)> {
    let pack = &doc["pack"];
    let mut out: Vec<(String, String)> = pack["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap().to_string(),
                l["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    if let Some(rates) = pack["rates"].as_object() {
        out.push(("rates".into(), rates["sha256"].as_str().unwrap().into()));
    }
    out
}

// ---- provenance ----

#[test]
fn input_digests_are_the_sha256_of_the_bytes_read_from_files_and_stdin() {
    for input in [
        SAMPLE,
        "fixtures/orders/sample.json",
        "fixtures/orders/sample-plain.csv",
        BAD,
    ] {
        let bytes = std::fs::read(input).unwrap();
        let doc = json(&check(&["--rules", PACK, "--format", "json", input]));
        let summary = &doc["summary"]["inputs"][0];
        assert_eq!(summary["file"], input);
        assert_eq!(summary["sha256"], sha256(&bytes).as_str(), "{input}");
        assert_eq!(summary["bytes"], bytes.len() as u64, "{input}");
        assert_eq!(summary["records"], doc["summary"]["read"], "{input}");
    }
    // Standard input, sniffed (leading blank lines are consumed by the sniffer
    // and must still count).
    let mut bytes = b"\n\n".to_vec();
    bytes.extend(std::fs::read(SAMPLE).unwrap());
    let out = run(
        &["check", "--rules", PACK, "--format", "json", "-"],
        Some(&bytes),
    );
    let doc = json(&out.stdout);
    let summary = &doc["summary"]["inputs"][0];
    assert_eq!(summary["file"], "-");
    assert_eq!(summary["sha256"], sha256(&bytes).as_str());
    assert_eq!(summary["records"], 13);
}

#[test]
fn two_inputs_have_their_own_digests_and_counts() {
    let doc = json(&check(&["--rules", PACK, "--format", "json", SAMPLE, BAD]));
    let inputs = doc["summary"]["inputs"].as_array().unwrap();
    let got: Vec<(&str, u64)> = inputs
        .iter()
        .map(|i| (i["file"].as_str().unwrap(), i["records"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [(SAMPLE, 13), (BAD, 5)]);
    assert_eq!(
        inputs[1]["sha256"],
        sha256(&std::fs::read(BAD).unwrap()).as_str()
    );
}

#[test]
fn the_same_inputs_give_the_same_digests_and_one_list_byte_changes_its_digest_and_the_packs() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(PACK), dir.path());
    let copy = dir.path().to_str().unwrap();
    let before = json(&check(&["--rules", copy, "--format", "json", SAMPLE]));
    let again = json(&check(&["--rules", copy, "--format", "json", SAMPLE]));
    let original = json(&check(&["--rules", PACK, "--format", "json", SAMPLE]));
    assert_eq!(before["pack"]["sha256"], again["pack"]["sha256"]);
    assert_eq!(before["pack"]["sha256"], original["pack"]["sha256"]);
    assert_eq!(table_digests(&before), table_digests(&original));

    // One byte of one list: a letter of a description cell changes case.
    let list = dir.path().join("lists/border_cities.csv");
    let text = std::fs::read_to_string(&list).unwrap();
    let changed = text.replacen("Black Sea port", "Black Sea porT", 1);
    assert_eq!(changed.len(), text.len());
    assert_ne!(changed, text);
    std::fs::write(&list, changed.as_bytes()).unwrap();
    let after = json(&check(&["--rules", copy, "--format", "json", SAMPLE]));

    assert_ne!(after["pack"]["sha256"], before["pack"]["sha256"]);
    let (b, a) = (table_digests(&before), table_digests(&after));
    assert_eq!(b.len(), a.len());
    for ((name, old), (_, new)) in b.iter().zip(&a) {
        if name == "border_cities" {
            assert_ne!(old, new, "the changed list keeps its digest");
            assert_eq!(new, &sha256(changed.as_bytes()));
        } else {
            assert_eq!(old, new, "{name} changed though its file did not");
        }
    }
    // The pack digest is the SHA-256 of the `digest  path` lines of its files.
    let listing: String = after["pack"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}  {}\n",
                f["sha256"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(after["pack"]["sha256"], sha256(listing.as_bytes()).as_str());
    let verdicts = |doc: &Value| -> Vec<Value> {
        doc["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["verdict"].clone())
            .collect()
    };
    assert_eq!(verdicts(&after), verdicts(&before));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn provenance_is_in_the_human_header_and_footer() {
    let text = String::from_utf8(check(&["--rules", PACK, SAMPLE])).unwrap();
    let list_digest = sha256(&std::fs::read(format!("{PACK}/lists/border_cities.csv")).unwrap());
    let input_digest = sha256(&std::fs::read(SAMPLE).unwrap());
    let head: Vec<&str> = text.lines().take(3).collect();
    assert!(
        head[0].starts_with(&format!(
            "redflag {} · pack reports-fixture 2026.11.28 (3 rules, sha256 ",
            env!("CARGO_PKG_VERSION")
        )),
        "{head:?}"
    );
    assert_eq!(
        head[1],
        format!(
            "  list border_cities  as of 2026-11-28   7 rows  sha256 {}",
            &list_digest[..12]
        )
    );
    assert!(head[2].starts_with("  rates               as of 2026-01-01  13 rows  sha256 "));
    assert_eq!(
        text.lines().last().unwrap(),
        format!("input {SAMPLE}: 13 records, sha256 {}", &input_digest[..12])
    );
}

// ---- SARIF ----

fn sarif_schema() -> jsonschema::Validator {
    let schema = json(&std::fs::read("fixtures/sarif/sarif-schema-2.1.0.json").unwrap());
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[track_caller]
fn check_valid_sarif(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let validator = sarif_schema();
    for pack in [PACK, "rules"] {
        let doc = json(&check(&["--rules", pack, "--format", "sarif", SAMPLE, BAD]));
        check_valid_sarif(&validator, &doc);
    }
    // The validator is not a rubber stamp: a level SARIF does not know, or
    // a line 0 (lines start at 1), fails.
    let doc = json(&check(&["--rules", PACK, "--format", "sarif", SAMPLE]));
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_maps_rules_severities_and_locations() {
    let doc = json(&check(&["--rules", PACK, "--format", "sarif", SAMPLE, BAD]));
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"]
        .as_str()
        .unwrap()
        .ends_with("sarif-schema-2.1.0.json"));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "redflag");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "RF-BORDER-001",
            "RF-CASH-001",
            "RF-PAYER-001",
            "redflag/record-error"
        ]
    );
    let cash = &rules[1];
    assert_eq!(
        cash["shortDescription"]["text"],
        "Cash payment at or above 10,000 USD"
    );
    assert!(cash["help"]["text"].as_str().unwrap().starts_with("Hold."));
    assert_eq!(cash["defaultConfiguration"]["level"], "error");
    assert_eq!(
        cash["properties"]["tags"],
        serde_json::json!(["payment", "BIS-KYC-RF-05", "EU-ICP-4", "BIS-ECP-3"])
    );
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "warning");

    let results = run["results"].as_array().unwrap();
    let source_lines: Vec<String> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    for r in results {
        let rule = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule);
        let location = &r["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        let line = location["region"]["startLine"].as_u64().unwrap() as usize;
        let severity = r["properties"]["severity"].as_str();
        let expected = match severity {
            Some("block" | "hold") | None => "error",
            Some("review") => "warning",
            Some(_) => "note",
        };
        assert_eq!(r["level"], expected, "{r}");
        if uri == SAMPLE {
            // The line holds the order the result names.
            let id = r["properties"]["order_id"].as_str().unwrap();
            assert!(source_lines[line - 1].contains(&format!("\"id\": \"{id}\"")));
            assert_eq!(r["locations"][0]["logicalLocations"][0]["name"], id);
            assert_eq!(location["artifactLocation"]["index"], 0);
        } else {
            assert_eq!(uri, BAD);
            assert_eq!(rule, "redflag/record-error");
            assert_eq!(location["artifactLocation"]["index"], 1);
        }
    }
    // Four hold, three review and one undecided hold on the sample; four
    // unreadable records in the bad file.
    let count = |level: &str| results.iter().filter(|r| r["level"] == level).count();
    assert_eq!((count("error"), count("warning")), (5 + 4, 3));
    let undecided: Vec<&Value> = results
        .iter()
        .filter(|r| r["properties"]["kind"] == "undecided")
        .collect();
    assert_eq!(undecided.len(), 1);
    assert!(undecided[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("SO-2025-0200: "));

    // Fingerprints: one per result, all distinct, the same in another run and
    // when the order moves to another line.
    let prints: Vec<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["redflagFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len());
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("moved.jsonl");
    let mut reversed = source_lines.clone();
    reversed.reverse();
    std::fs::write(&moved, reversed.join("\n") + "\n").unwrap();
    let other = json(&check(&[
        "--rules",
        PACK,
        "--format",
        "sarif",
        moved.to_str().unwrap(),
    ]));
    let mut moved_prints: Vec<&str> = other["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["redflagFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    moved_prints.sort();
    let mut sample_prints: Vec<&str> = results
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SAMPLE)
        .map(|r| {
            r["partialFingerprints"]["redflagFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    sample_prints.sort();
    assert_eq!(moved_prints, sample_prints);

    // Provenance: inputs as artifacts with their digests, the pack in the
    // run's properties.
    let artifacts = run["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 2);
    assert_eq!(artifacts[0]["location"]["uri"], SAMPLE);
    assert_eq!(
        artifacts[0]["hashes"]["sha-256"],
        sha256(&std::fs::read(SAMPLE).unwrap()).as_str()
    );
    assert_eq!(artifacts[0]["properties"]["records"], 13);
    assert_eq!(run["properties"]["pack"]["name"], "reports-fixture");
    assert_eq!(run["properties"]["summary"]["read"], 18);
}

#[test]
fn sarif_uris_escape_what_a_uri_cannot_hold() {
    assert_eq!(
        redflag::report::sarif::uri("orders 2024/#1 [eu].jsonl"),
        "orders%202024/%231%20%5Beu%5D.jsonl"
    );
    assert_eq!(redflag::report::sarif::uri(r"a\b.csv"), "a/b.csv");
    assert_eq!(
        redflag::report::sarif::uri("zakázky.csv"),
        "zak%C3%A1zky.csv"
    );
}

#[test]
fn sarif_of_the_sample_on_the_fixture_pack() {
    // Pretty-printed by serde_json: insta's own JSON serialiser would show
    // arbitrary-precision numbers as structs.
    let doc = json(&check(&["--rules", PACK, "--format", "sarif", SAMPLE, BAD]));
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

// ---- CSV ----

#[test]
fn csv_has_one_row_per_finding_per_clear_order_and_per_problem() {
    let text =
        String::from_utf8(check(&["--rules", PACK, "--format", "csv", SAMPLE, BAD])).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, redflag::report::csv::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let kinds = |kind: &str| rows.iter().filter(|r| &r[col("kind")] == kind).count();
    // 8 findings (one undecided) and 7 clear orders in the sample; 1 clear
    // order and 4 problems in bad.jsonl.
    assert_eq!(kinds("fired"), 7);
    assert_eq!(kinds("undecided"), 1);
    assert_eq!(kinds(""), 8);
    assert_eq!(kinds("error"), 4);
    assert_eq!(rows.len(), 20);
    let pack_digest = json(&check(&["--rules", PACK, "--format", "json", SAMPLE]))["pack"]
        ["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(rows.iter().all(|r| r[col("pack_sha256")] == pack_digest));
    let clear = rows
        .iter()
        .find(|r| &r[col("order_id")] == "SO-2025-0110")
        .unwrap();
    assert_eq!(
        (
            &clear[col("verdict")],
            &clear[col("rule_id")],
            &clear[col("line")]
        ),
        ("clear", "", "8")
    );
}

#[test]
fn csv_cells_from_orders_cannot_become_spreadsheet_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("formula.jsonl");
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let line = sample
        .lines()
        .find(|l| l.contains("SO-2024-0301"))
        .unwrap()
        .replace(
            "Gulf Meridian General Trading FZE",
            "=HYPERLINK(\\\"http://x\\\")",
        )
        .replace("\"id\": \"SO-2024-0301\"", "\"id\": \"@SUM(A1)\"");
    std::fs::write(&path, line + "\n").unwrap();
    let text = String::from_utf8(check(&[
        "--rules",
        PACK,
        "--format",
        "csv",
        path.to_str().unwrap(),
    ]))
    .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let payer = rows.iter().find(|r| &r[4] == "RF-PAYER-001").unwrap();
    assert_eq!(&payer[0], "'@SUM(A1)");
    assert!(payer[10].starts_with("payer =HYPERLINK"), "{}", &payer[10]);
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
        }
    }
}

#[test]
fn csv_of_the_sample_on_the_fixture_pack() {
    let text =
        String::from_utf8(check(&["--rules", PACK, "--format", "csv", SAMPLE, BAD])).unwrap();
    insta::assert_snapshot!(text);
}
