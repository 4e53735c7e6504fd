//! Screening through `check`: `--list` files and pack-named lists, the default screening
//! rules (match at shipment, near miss, lookback, wrong check digits), the evidence they carry,
//! and the ways a list can fail to load.

use super::support::{redflag, stderr};

use serde_json::Value as Json;

const ORDERS: &str = "fixtures/orders/screening.jsonl";
const DESIGNATED: &str = "fixtures/lists/designated/designated.ftm.json";

/// Runs `check --format json` and returns the document.
#[track_caller]
fn check_json(args: &[&str]) -> Json {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = redflag(&all);
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "exit {:?}: {}",
        output.status.code(),
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("json report")
}

fn order<'a>(doc: &'a Json, id: &str) -> &'a Json {
    doc["orders"]
        .as_array()
        .and_then(|orders| orders.iter().find(|o| o["id"] == id))
        .unwrap_or_else(|| panic!("no order {id}"))
}

/// The finding of `rule` on the order, if any.
fn finding<'a>(order: &'a Json, rule: &str) -> Option<&'a Json> {
    order["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule_id"] == rule))
}

/// The screening evidence of a finding: the first observation that carries one.
fn screening(finding: &Json) -> &Json {
    finding["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["observations"].as_array().into_iter().flatten())
        .find(|o| !o["screening"].is_null())
        .map(|o| &o["screening"])
        .expect("screening evidence")
}

#[test]
fn cyrillic_buyer_under_a_new_name_with_a_listed_tax_id_is_blocked_with_the_id_in_evidence() {
    let doc = check_json(&[ORDERS, "--list", DESIGNATED, "--shipped"]);
    let so = order(&doc, "SO-2024-0601");
    assert_eq!(so["verdict"], "block");
    let f = finding(so, "RF-SCREEN-001").expect("RF-SCREEN-001 fired");
    assert_eq!(f["severity"], "block");
    let s = screening(f);
    assert_eq!(s["role"], "buyer");
    assert_eq!(s["party"], "ООО «Вектор Машинери»");
    assert_eq!(s["list"], "demo_designations");
    assert_eq!(s["entry_id"], "dsg-vostok");
    assert_eq!(s["primary_name"], "ООО «Станкоимпорт-Восток»");
    assert_eq!(s["programs"][0], "RUSSIA-EO14024");
    assert_eq!(s["matched_on"], "id");
    assert_eq!(s["id"]["scheme"], "RU-INN");
    assert_eq!(s["id"]["value"], "7724123458");
    assert_eq!(s["score"], "1.000");
    // Listed a month before the shipment.
    assert_eq!(s["listed_on"], "2024-05-10");
    assert_eq!(s["shipment_date"], "2024-06-12");
    assert_eq!(s["listing"], "listed at shipment");
    // An identifier match is never a mere near miss.
    assert!(finding(so, "RF-SCREEN-002").is_none());
}

#[test]
fn a_party_listed_after_shipment_gives_a_lookback_review_not_a_block() {
    let doc = check_json(&[ORDERS, "--list", DESIGNATED, "--shipped"]);
    let so = order(&doc, "SO-2024-0702");
    assert!(finding(so, "RF-SCREEN-001").is_none());
    let f = finding(so, "RF-SCREEN-003").expect("lookback finding");
    assert_eq!(f["severity"], "review");
    let s = screening(f);
    assert_eq!(s["listing"], "listed after shipment");
    assert_eq!(s["listed_on"], "2024-09-20");
    assert_eq!(s["shipment_date"], "2024-07-01");
}

#[test]
fn at_a_gate_a_party_listed_after_the_planned_ship_date_is_blocked() {
    // The same order not shipped yet, as `check` judges by default: its ship date is a plan,
    // and a party listed since the order was placed is listed when the goods leave.
    let doc = check_json(&[ORDERS, "--list", DESIGNATED]);
    let so = order(&doc, "SO-2024-0702");
    assert!(finding(so, "RF-SCREEN-003").is_none());
    let f = finding(so, "RF-SCREEN-001").expect("block at the gate");
    assert_eq!(f["severity"], "block");
    let s = screening(f);
    assert_eq!(
        s["listing"],
        "listed after the order date; not shipped yet, so counted as listed at shipment"
    );
    assert_eq!(
        s["shipment_date"], "2024-06-20",
        "the order date is compared"
    );
}

/// Checks one JSON Lines order read from standard input against the designations fixture;
/// it must stop the run (exit 1).
#[track_caller]
fn check_line_against_designated(line: &str) -> Json {
    let output = super::support::redflag_in(
        None,
        &["check", "-", "--format", "json", "--list", DESIGNATED],
        Some(format!("{line}\n").as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("json report")
}

#[test]
fn a_party_listed_after_an_old_order_date_blocks_when_no_ship_date_says_the_goods_left() {
    // A sloppy export: an order of 2024-06-20 that has not shipped (no `ship_date`), checked
    // after its buyer was listed (2024-09-20). The goods may ship today, so the listing
    // counts; an old order date must not turn a block into a lookback review.
    let line = r#"{"id":"SO-UNSHIPPED","date":"2024-06-20","seller":{"name":"Albrecht Drehmaschinen GmbH","country":"DE"},"buyer":{"name":"Tverstankomash JSC","country":"RU","city":"Tver","ids":[{"scheme":"RU-INN","value":"6901122333"}]},"items":[{"sku":"SP-KIT","hs":"8466.93","quantity":4}]}"#;
    let doc = check_line_against_designated(line);
    let so = order(&doc, "SO-UNSHIPPED");
    let f = finding(so, "RF-SCREEN-001").expect("listed at shipment");
    assert_eq!(f["severity"], "block");
    let s = screening(f);
    assert_eq!(
        s["listing"],
        "listed after the order date; no ship date, so counted as listed at shipment"
    );
    assert!(finding(so, "RF-SCREEN-003").is_none());
}

#[test]
fn a_placeholder_ship_date_before_the_order_date_does_not_make_a_listing_later() {
    let line = r#"{"id":"SO-PLACEHOLDER","date":"2024-10-01","ship_date":"1900-01-01","seller":{"name":"Albrecht Drehmaschinen GmbH","country":"DE"},"buyer":{"name":"Tverstankomash JSC","country":"RU","city":"Tver","ids":[{"scheme":"RU-INN","value":"6901122333"}]},"items":[{"sku":"SP-KIT","hs":"8466.93","quantity":4}]}"#;
    let doc = check_line_against_designated(line);
    let so = order(&doc, "SO-PLACEHOLDER");
    let f = finding(so, "RF-SCREEN-001").expect("listed at shipment");
    assert_eq!(f["severity"], "block");
    let s = screening(f);
    assert_eq!(s["listing"], "listed at shipment");
    assert_eq!(s["shipment_date"], "2024-10-01");
}

#[test]
fn a_far_future_placeholder_ship_date_does_not_end_a_listing() {
    // Listed until the end of 2024; ordered while listed, with `9999-12-31` for "not
    // planned yet": the listing must still count.
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("watch.csv");
    std::fs::write(
        &list,
        "id,name,aliases,country,ids,listed_on,ends_on,program,notes\n\
         w1,Orlan Machinery Trading LLC,,AE,,2020-03-01,2024-12-31,TEST,made up\n\
         w2,Unrelated Placeholder Holding,,AE,,2020-03-01,,TEST,in force today so the list loads\n",
    )
    .unwrap();
    let line = r#"{"id":"SO-FAR","date":"2024-06-01","ship_date":"9999-12-31","seller":{"name":"Albrecht Drehmaschinen GmbH","country":"DE"},"buyer":{"name":"Orlan Machinery Trading LLC","country":"AE","city":"Dubai"},"items":[{"sku":"SP-KIT","hs":"8466.93","quantity":4}]}"#;
    let output = super::support::redflag_in(
        None,
        &[
            "check",
            "-",
            "--format",
            "json",
            "--list",
            list.to_str().unwrap(),
        ],
        Some(format!("{line}\n").as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let doc: Json = serde_json::from_slice(&output.stdout).unwrap();
    let f = finding(order(&doc, "SO-FAR"), "RF-SCREEN-001").expect("listed when ordered");
    assert_eq!(f["severity"], "block");
}

#[test]
fn a_close_name_blocks_and_a_near_miss_is_reviewed() {
    let doc = check_json(&[ORDERS, "--list", DESIGNATED]);
    let close = finding(order(&doc, "SO-2024-0815"), "RF-SCREEN-001").expect("name match");
    let s = screening(close);
    assert_eq!(s["matched_on"], "name");
    assert_eq!(s["query_normalized"], "altynprom machinery trade");
    assert_eq!(s["entry_normalized"], "altynprom machinery trading");
    assert_eq!(s["country_match"], true);

    let near = order(&doc, "SO-2024-0816");
    assert!(finding(near, "RF-SCREEN-001").is_none());
    let f = finding(near, "RF-SCREEN-002").expect("near miss");
    assert_eq!(f["severity"], "review");
    let score: f64 = screening(f)["score"].as_str().unwrap().parse().unwrap();
    assert!((0.75..0.90).contains(&score), "{score}");
}

#[test]
fn an_identifier_with_wrong_check_digits_is_a_red_flag_and_a_valid_one_is_not() {
    let doc = check_json(&[ORDERS, "--list", DESIGNATED]);
    let f = finding(order(&doc, "SO-2024-0902"), "RF-TAXID-001").expect("bad INN");
    let obs = &f["evidence"][0]["observations"][0];
    assert_eq!(obs["seen"], "RU-INN 7724555113");
    assert!(
        obs["note"].as_str().unwrap().contains("check digit"),
        "{obs}"
    );
    // The clean order carries a valid LEI and matches nothing.
    assert_eq!(order(&doc, "SO-2024-1003")["verdict"], "clear");
}

#[test]
fn the_report_names_each_screening_list_with_its_digest_and_counts() {
    let doc = check_json(&[ORDERS, "--list", DESIGNATED]);
    let lists = doc["screening"].as_array().expect("screening lists");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0]["name"], "demo_designations");
    assert_eq!(lists[0]["entries"], 3);
    assert_eq!(lists[0]["bad_rows"], 0);
    assert_eq!(lists[0]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn without_lists_the_screening_rules_warn_on_stderr_and_match_nothing() {
    let output = redflag(&["check", "--format", "json", ORDERS]);
    assert!(stderr(&output).contains("S004"), "{}", stderr(&output));
    let doc: Json = serde_json::from_slice(&output.stdout).unwrap();
    let so = order(&doc, "SO-2024-0601");
    assert!(finding(so, "RF-SCREEN-001").is_none());
    assert_eq!(doc["screening"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_list_that_cannot_be_read_stops_the_run_with_exit_2() {
    for list in [
        "fixtures/lists/no-such-file.csv",
        "fixtures/orders/README.md",
    ] {
        let output = redflag(&["check", ORDERS, "--list", list]);
        assert_eq!(output.status.code(), Some(2), "{list}");
        assert!(output.stdout.is_empty(), "{list}: report written");
        assert!(stderr(&output).contains("S002"), "{}", stderr(&output));
    }
}

#[test]
fn malformed_list_rows_are_reported_with_file_and_line() {
    let output = redflag(&[
        "check",
        ORDERS,
        "--list",
        "fixtures/lists/ftm/sample.ftm.json",
    ]);
    let err = stderr(&output);
    assert!(err.contains("S001"), "{err}");
    assert!(err.contains("sample.ftm.json:13"), "{err}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_named_format_skips_detection() {
    let doc = check_json(&[ORDERS, "--list", &format!("ftm:{DESIGNATED}")]);
    assert_eq!(order(&doc, "SO-2024-0601")["verdict"], "block");
    let output = redflag(&["check", ORDERS, "--list", &format!("csl:{DESIGNATED}")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn a_pack_names_its_own_screening_list() {
    let output = redflag(&[
        "check",
        "--format",
        "json",
        "--rules",
        "fixtures/packs/screening-own",
        "fixtures/orders/sample.jsonl",
    ]);
    // The list's bad row is a located warning; the rest of the list is used.
    assert!(
        stderr(&output).contains("lists/watch.csv:3"),
        "{}",
        stderr(&output)
    );
    let doc: Json = serde_json::from_slice(&output.stdout).unwrap();
    let f = finding(order(&doc, "SO-2024-0301"), "OWN-001").expect("watch-list hit");
    let s = screening(f);
    assert_eq!(s["role"], "payment.payer");
    assert_eq!(s["list"], "own");
    assert_eq!(s["entry_id"], "OWN-1");
    assert_eq!(doc["screening"][0]["as_of"], "2024-06-01");
}

#[test]
fn a_rule_naming_a_list_that_is_not_loaded_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path();
    std::fs::create_dir(pack.join("rules")).unwrap();
    std::fs::write(
        pack.join("pack.toml"),
        "[pack]\nname = \"p\"\nversion = \"1\"\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("rules/r.toml"),
        "[[rule]]\nid = \"X-1\"\nversion = 1\ntitle = \"t\"\nseverity = \"block\"\ncondition = \"hit\"\nmessage = \"m\"\n\n[rule.when.hit]\npath = \"buyer\"\nop = \"screen\"\nlists = [\"OFAC-SDN\"]\nmin_score = 0.9\n",
    )
    .unwrap();
    let output = redflag(&[
        "check",
        "--rules",
        pack.to_str().unwrap(),
        ORDERS,
        "--list",
        DESIGNATED,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("S003") && err.contains("`OFAC-SDN`"), "{err}");
    assert!(err.contains("demo_designations"), "{err}");
}

#[test]
fn human_report_of_a_screening_block() {
    let output = redflag(&["check", ORDERS, "--list", DESIGNATED, "--shipped"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let block: String = text
        .split("\n\n")
        .find(|s| s.contains("SO-2024-0601"))
        .unwrap()
        .lines()
        .skip_while(|l| !l.contains("RF-SCREEN-001"))
        .take_while(|l| !l.contains("why:"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(block);
}

/// `explain RF-SCREEN-001` of order SO-2024-0702 in `orders`, against the designations.
fn explain_0702(orders: &str) -> String {
    let output = redflag(&[
        "explain",
        "RF-SCREEN-001",
        "--order",
        orders,
        "--id",
        "SO-2024-0702",
        "--list",
        DESIGNATED,
        "--shipped",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The line of `ORDERS` holding order `id`.
fn order_line(id: &str) -> String {
    std::fs::read_to_string(ORDERS)
        .unwrap()
        .lines()
        .find(|l| l.contains(id))
        .unwrap()
        .to_string()
}

#[test]
fn explain_shows_how_a_set_aside_entry_came_to_its_score() {
    // SO-2024-0702's buyer in another country than its listing, without its tax id: the name
    // alone matches, and the steps from the name score to the score are named beside the
    // reason the entry is set aside, as a kept match's evidence names them.
    let mut order: serde_json::Value = serde_json::from_str(&order_line("SO-2024-0702")).unwrap();
    order["buyer"] =
        serde_json::json!({"name": "Tverstankomash JSC", "country": "KZ", "city": "Almaty"});
    let members = order.as_object_mut().unwrap();
    members.remove("end_user");
    members.remove("consignees");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kz.jsonl");
    std::fs::write(&path, format!("{order}\n")).unwrap();
    let text = explain_0702(path.to_str().unwrap());
    assert!(
        text.contains("nearest entry dsg-tver `АО «Тверьстанкомаш»` of demo_designations scores 1.000 (same letters and digits 1.000, countries differ, exact or held name of a listed company: not lowered 1.000) but is listed after shipment (2024-09-20)"),
        "{text}"
    );
}

#[test]
fn explain_says_why_a_listed_party_was_not_blocked() {
    let text = explain_0702(ORDERS);
    assert!(
        text.contains("nearest entry dsg-tver `АО «Тверьстанкомаш»` of demo_designations scores 1.000 but is listed after shipment (2024-09-20)"),
        "{text}"
    );
    // Judged as of a day before the listing, the entry is not known at all.
    let output = redflag(&[
        "explain",
        "RF-SCREEN-003",
        "--order",
        ORDERS,
        "--id",
        "SO-2024-0702",
        "--list",
        DESIGNATED,
        "--as-of",
        "2024-09-19",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("but is listed 2024-09-20, after the as-of date 2024-09-19"),
        "{text}"
    );
}

#[test]
fn screening_lists_are_in_the_provenance_of_html_and_sarif() {
    let digest = {
        use sha2::Digest;
        format!(
            "{:x}",
            sha2::Sha256::digest(std::fs::read(DESIGNATED).unwrap())
        )
    };
    for format in ["html", "sarif"] {
        let output = redflag(&["check", "--format", format, ORDERS, "--list", DESIGNATED]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(&digest), "{format}: no list digest");
        assert!(text.contains("demo_designations"), "{format}: no list name");
    }
}

#[test]
fn several_lists_are_screened_together_and_each_is_in_the_provenance() {
    let doc = check_json(&[
        ORDERS,
        "--list",
        DESIGNATED,
        "--list",
        "dpl:fixtures/lists/dpl/dpl.txt",
    ]);
    let names: Vec<&str> = doc["screening"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert_eq!(names, ["demo_designations", "DPL"]);
    assert_eq!(doc["screening"][1]["file"], "fixtures/lists/dpl/dpl.txt");
    // The first list still blocks its party with both loaded.
    let f = finding(order(&doc, "SO-2024-0601"), "RF-SCREEN-001").expect("blocked");
    assert_eq!(screening(f)["list"], "demo_designations");
}

const OWNERSHIP_ORDERS: &str = "fixtures/orders/ownership-and-addresses.jsonl";
const OWNERSHIP: &str = "fixtures/lists/ownership/ownership.ftm.json";

#[test]
fn address_and_ownership_findings_carry_both_addresses_and_the_chain_of_owners() {
    let doc = check_json(&["--list", OWNERSHIP, OWNERSHIP_ORDERS]);
    // A new name at a listed firm's address: reviewed, with both addresses.
    let f = finding(order(&doc, "OA-1"), "RF-SCREEN-004").expect("address finding");
    assert_eq!(f["severity"], "review");
    let s = screening(f);
    assert_eq!(s["matched_on"], "address");
    assert_eq!(s["entry_id"], "os-x1");
    assert_eq!(s["address"]["party"], "Hauptstr. 12, 10115 Berlin, DE");
    assert_eq!(s["address"]["listed"], "Hauptstrasse 12, 10115 Berlin, DE");
    assert_eq!(s["address"]["shared_by"], 1);
    assert!(s.get("ownership").is_none());
    assert!(finding(order(&doc, "OA-1"), "RF-SCREEN-001").is_none());
    // An entity owned through a chain: blocked, with the chain.
    let o = order(&doc, "OA-2");
    assert_eq!(o["verdict"], "block");
    let f = finding(o, "RF-SCREEN-005").expect("ownership finding");
    let s = screening(f);
    assert_eq!(s["role"], "consignees[0]");
    assert_eq!(s["ownership"]["share"], "60");
    assert_eq!(s["ownership"]["resolution"], "known");
    let chain: Vec<(String, String, String)> = s["ownership"]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["owner_name"].as_str().unwrap().to_string(),
                l["asset_name"].as_str().unwrap().to_string(),
                l["share"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            (
                "Kama Holding LLC".into(),
                "Kama Optics LLC".into(),
                "60".into()
            ),
            (
                "Volkov Holding JSC".into(),
                "Kama Holding LLC".into(),
                "100".into()
            ),
        ]
    );
    // Another building on the street: nothing.
    assert!(finding(order(&doc, "OA-3"), "RF-SCREEN-004").is_none());

    // The other formats say the same.
    for (format, needles) in [
        (
            "human",
            vec![
                "listed address `Hauptstrasse 12, 10115 Berlin, DE`",
                "owner os-x1 `Volkov Holding JSC` (listed) holds 100 % of os-a4 `Kama Holding LLC`",
            ],
        ),
        (
            "html",
            vec![
                "listed address <code>Hauptstrasse 12, 10115 Berlin, DE</code>",
                "Volkov Holding JSC",
            ],
        ),
        (
            "csv",
            vec![
                "against listed `Hauptstrasse 12, 10115 Berlin, DE`",
                "owner os-a4 `Kama Holding LLC` holds 60 % of os-a5 `Kama Optics LLC`",
            ],
        ),
        (
            "sarif",
            vec![
                "\"listed\":\"Hauptstrasse 12, 10115 Berlin, DE\"",
                "\"owner_name\":\"Volkov Holding JSC\"",
            ],
        ),
    ] {
        let out = redflag(&[
            "check",
            "--format",
            format,
            "--list",
            OWNERSHIP,
            OWNERSHIP_ORDERS,
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in needles {
            assert!(text.contains(needle), "{format} lacks {needle}");
        }
    }
}

/// A namesake of a listed firm with another country, and the listed firm's name with its
/// own: the evidence says how each score was reached, in JSON and in words. (The order's
/// `Altynprom Machinery Trade LLP` from another country is the listed firm since `Trade` reads
/// as the listed `TRADING`, a block; a word misspelled as well keeps it a near miss.)
#[test]
fn the_evidence_shows_each_step_from_the_name_score_to_the_score() {
    let line = order_line("SO-2024-0815").replace(
        r#""name": "Altynprom Machinery Trade LLP", "country": "KZ""#,
        r#""name": "Altynprom Mashinery Trade LLP", "country": "AE""#,
    );
    let run = |format: &str| {
        let output = super::support::redflag_in(
            None,
            &["check", "-", "--format", format, "--list", DESIGNATED],
            Some(format!("{line}\n").as_bytes()),
        );
        // A review does not stop the run.
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        output.stdout
    };
    let doc: Json = serde_json::from_slice(&run("json")).expect("json report");
    let abroad = order(&doc, "SO-2024-0815");
    let f = finding(abroad, "RF-SCREEN-002").expect("a namesake abroad is reviewed");
    let s = screening(f);
    assert_eq!(s["country_match"], false);
    let steps: Vec<(String, String)> = s["score_steps"]
        .as_array()
        .expect("score_steps")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().into(),
                s["score"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0].0, "name");
    assert_eq!(steps[1].0, "country_differs");
    assert_eq!(
        steps[1].1,
        s["score"].as_str().unwrap(),
        "the last step leaves the score"
    );
    let human = run("human");
    let text = String::from_utf8_lossy(&human);
    let steps_line: String = text
        .lines()
        .filter(|l| l.contains("score steps:"))
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    insta::assert_snapshot!(steps_line);
}

/// Without a list, a rule that can only come to nothing (every condition a `screen` of a
/// party that is there, the expression false when they are) is not walked, and one that
/// could be unknown or true still is: a party that may be missing (`forwarder`, no
/// `if_missing`), a text that may be missing, an expression true when nothing is listed.
#[test]
fn without_lists_only_the_screening_rules_that_can_come_to_nothing_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.jsonl");
    std::fs::write(
        &orders,
        r#"{"id":"NL-1","date":"2024-01-01","seller":{"name":"S","country":"DE"},"buyer":{"name":"ACME","country":"FR","city":"Lyon"},"end_user":{"name":"ACME","country":"FR","city":"Lyon"},"items":[{"sku":"a","hs":"8207.30","quantity":1,"value":"100","currency":"EUR"}]}"#,
    )
    .unwrap();
    let profile = dir.path().join("profile.json");
    let output = redflag(&[
        "check",
        "--format",
        "json",
        "--rules",
        "fixtures/packs/screening-without-lists",
        "--profile",
        profile.to_str().unwrap(),
        orders.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let doc: Json = serde_json::from_slice(&output.stdout).unwrap();
    let nl = order(&doc, "NL-1");
    assert!(finding(nl, "NOLIST-001").is_none());
    for undecided in ["NOLIST-002", "NOLIST-003"] {
        let f = finding(nl, undecided).unwrap_or_else(|| panic!("no {undecided}"));
        assert_eq!(f["kind"], "undecided", "{undecided}");
    }
    assert_eq!(
        finding(nl, "NOLIST-004").map(|f| &f["kind"]),
        Some(&Json::from("fired"))
    );
    let profile: Json = serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    let evaluated = |id: &str| {
        profile["rules"]
            .as_array()
            .and_then(|rules| rules.iter().find(|r| r["rule_id"] == id))
            .and_then(|r| r["evaluated"].as_u64())
            .unwrap_or_else(|| panic!("no profile row for {id}"))
    };
    assert_eq!(evaluated("NOLIST-001"), 0);
    for walked in ["NOLIST-002", "NOLIST-003", "NOLIST-004"] {
        assert!(evaluated(walked) > 0, "{walked} was not walked");
    }
}

/// Whether a text writes out a listed company's name is remembered per thread across orders,
/// and per screening index: the same end-use statement judged with a list that does not hold
/// the company it names, then with one that does (lists reloaded by `serve`), then with the
/// first again, is clear of RF-SCREEN-007, then flagged by it, then clear.
#[test]
fn a_text_found_to_name_no_listed_company_is_read_again_with_another_list() {
    use redflag::engine::Engine;
    use redflag::order::{InputFormat, Record};
    use redflag::rules::PackFiles;
    use redflag::screening::{Entry, EntryKind};

    let engine = |name: &str| {
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        let pack = pack.unwrap_or_else(|| panic!("{diagnostics:?}"));
        Engine::with_screening(
            pack,
            vec![Entry::new("T", "test", "1", EntryKind::Entity, name)],
        )
    };
    let without = engine("Darsto Industrial Holdings");
    let with = engine("Kangbong Trading Corporation");
    let text = r#"{"id":"M-1","date":"2024-03-01","seller":{"name":"Example Machine Works AG","country":"DE","city":"Stuttgart"},"buyer":{"name":"Lyon Outillage SARL","country":"FR","city":"Lyon"},"end_user":{"name":"Lyon Outillage SARL","country":"FR","city":"Lyon"},"items":[{"sku":"a","description":"die set","hs":"8207.30","quantity":1,"value":"1000","currency":"EUR"}],"payment":{"method":"wire","amount":"1000","currency":"EUR"},"end_use":{"statement":"tooling for Kangbong Trading Corporation","provided":true}}"#;
    let records: Vec<Record> =
        redflag::order::from_text(&format!("{text}\n"), "m.jsonl", InputFormat::Jsonl, None)
            .unwrap()
            .collect();
    let flagged = |engine: &Engine| {
        engine
            .judge(&records[0])
            .findings
            .iter()
            .any(|f| f.rule.id == "RF-SCREEN-007")
    };
    assert!(!flagged(&without));
    assert!(flagged(&with));
    assert!(flagged(&with), "the second time, from what was remembered");
    assert!(!flagged(&without));
}
