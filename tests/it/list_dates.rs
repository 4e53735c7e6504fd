//! List rows and rules that state when they are in force: a row counts when it was in
//! force at shipment; a finding that comes only from rows or rules that came into force
//! after the stated shipment date is a lookback finding (marked, at most `review`); an
//! order without a `ship_date` is never judged "before" a row, since it may ship today.

#![allow(clippy::panic)] // test helpers fail by panicking

use serde_json::Value as Json;

use crate::support::{code, redflag_in, stderr, stdout};

const PACK: &str = "fixtures/packs/dated";

/// One order of machine `hs`, paid in cash, to a buyer in `country`, ordered on `date` and
/// shipped on `ship` (no `ship_date` when `None`).
fn order(id: &str, date: &str, ship: Option<&str>, hs: &str, country: &str) -> String {
    let ship = ship
        .map(|s| format!("\"ship_date\":\"{s}\","))
        .unwrap_or_default();
    format!(
        "{{\"id\":\"{id}\",\"date\":\"{date}\",{ship}\"seller\":{{\"name\":\"Werk GmbH\",\"country\":\"DE\"}},\
         \"buyer\":{{\"name\":\"Buyer LLC\",\"country\":\"{country}\"}},\
         \"items\":[{{\"sku\":\"M1\",\"hs\":\"{hs}\",\"quantity\":1}}],\
         \"payment\":{{\"method\":\"cash\",\"amount\":100,\"currency\":\"USD\"}}}}\n"
    )
}

/// Checks `orders` with `args` added, JSON Lines out; the order records by id.
fn check(orders: &str, args: &[&str]) -> (i32, Vec<Json>) {
    let mut all = vec!["check", "-", "--format", "jsonl"];
    all.extend_from_slice(args);
    let out = redflag_in(None, &all, Some(orders.as_bytes()));
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let records = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|r| r["type"] == "order")
        .collect();
    (code(&out), records)
}

/// `(rule, severity, later)` of each finding of order `id`.
fn findings(records: &[Json], id: &str) -> Vec<(String, String, Option<String>)> {
    let record = records
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no order {id}"));
    record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f.get("later").and_then(Json::as_str).map(str::to_string),
            )
        })
        .collect()
}

fn verdict(records: &[Json], id: &str) -> String {
    records.iter().find(|r| r["id"] == id).unwrap()["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_row_that_came_into_force_after_the_shipment_gives_a_lookback_finding_at_review() {
    let (_, records) = check(
        &order("A", "2019-01-10", Some("2019-02-01"), "845811", "KZ"),
        &["--rules", PACK, "--shipped"],
    );
    let found = findings(&records, "A");
    let (_, severity, later) = found.iter().find(|f| f.0 == "DATED-001").unwrap();
    assert_eq!(severity, "review");
    let later = later.as_deref().unwrap();
    assert!(
        later.contains("row `845811` of list `controlled`")
            && later.contains("2024-03-20")
            && later.contains("after the shipment date 2019-02-01"),
        "{later}"
    );
}

#[test]
fn an_order_without_a_ship_date_is_judged_against_every_row_in_force_since_its_date() {
    // An old order date must not turn a block into a lookback: the goods may ship today.
    let (status, records) = check(
        &order("B", "2019-01-10", None, "845811", "KZ"),
        &["--rules", PACK],
    );
    assert_eq!(status, 1);
    let found = findings(&records, "B");
    assert!(
        found.contains(&("DATED-001".into(), "block".into(), None)),
        "{found:?}"
    );
    assert!(
        found.contains(&("DATED-002".into(), "hold".into(), None)),
        "{found:?}"
    );
}

#[test]
fn a_ship_date_before_the_order_date_is_a_placeholder_not_an_early_shipment() {
    // ERPs write `1900-01-01` for an empty date: it must not make every row "later".
    let (_, records) = check(
        &order("P", "2025-01-10", Some("1900-01-01"), "845811", "KZ"),
        &["--rules", PACK],
    );
    assert_eq!(
        findings(&records, "P"),
        vec![
            ("DATED-001".into(), "block".into(), None),
            ("DATED-002".into(), "hold".into(), None)
        ]
    );
}

#[test]
fn a_row_in_force_at_shipment_and_a_rule_in_force_at_shipment_are_the_law() {
    let (_, records) = check(
        &order("C", "2024-03-01", Some("2024-04-01"), "845811", "KZ"),
        &["--rules", PACK],
    );
    assert_eq!(
        findings(&records, "C"),
        vec![
            ("DATED-001".into(), "block".into(), None),
            ("DATED-002".into(), "hold".into(), None)
        ]
    );
}

#[test]
fn a_row_that_ended_before_the_shipment_does_not_count_and_one_in_force_then_does() {
    let orders = [
        order("ended", "2021-01-10", Some("2021-02-01"), "845710", "KZ"),
        order("in-force", "2015-01-10", Some("2015-02-01"), "845710", "KZ"),
        order("last-day", "2020-06-01", Some("2020-06-30"), "845710", "KZ"),
    ]
    .concat();
    let (_, records) = check(&orders, &["--rules", PACK]);
    assert!(findings(&records, "ended")
        .iter()
        .all(|f| f.0 != "DATED-001"));
    assert!(findings(&records, "in-force").contains(&("DATED-001".into(), "block".into(), None)));
    assert!(findings(&records, "last-day").contains(&("DATED-001".into(), "block".into(), None)));
}

#[test]
fn a_far_future_placeholder_ship_date_does_not_end_a_row() {
    // `9999-12-31` for "not planned yet": the row was in force when the order was placed.
    let (_, records) = check(
        &order("F", "2020-01-10", Some("9999-12-31"), "845710", "KZ"),
        &["--rules", PACK],
    );
    assert!(findings(&records, "F").contains(&("DATED-001".into(), "block".into(), None)));
}

/// A pack whose embargo row for North Korea is in force until 2030-12-31, and Cuba's until
/// 2020-12-31 (the adversarial case of an order dated far in the future).
const ENDING: &str =
    "fixtures/adversarial/lists/pack-list-row-ends-before-a-far-future-order-date/pack";

/// An order to an end user in `country`, ordered on `date`, shipped on `ship` when given.
fn order_to(id: &str, date: &str, ship: Option<&str>, country: &str) -> String {
    let ship = ship
        .map(|s| format!("\"ship_date\":\"{s}\","))
        .unwrap_or_default();
    format!(
        "{{\"id\":\"{id}\",\"date\":\"{date}\",{ship}\"seller\":{{\"name\":\"Werk GmbH\",\"country\":\"DE\"}},\
         \"buyer\":{{\"name\":\"Buyer GmbH\",\"country\":\"DE\"}},\
         \"end_user\":{{\"name\":\"End User\",\"country\":\"{country}\"}},\
         \"items\":[{{\"sku\":\"M1\",\"hs\":\"820730\",\"quantity\":1}}]}}\n"
    )
}

#[test]
fn an_order_dated_after_the_run_day_counts_every_row_in_force_from_the_run_day() {
    // Not shipped: the goods may leave today (the tests' day, 2026-11-30), while the row is in
    // force, whatever the order date says; a row that ended before today does not count.
    let orders = [
        order_to("FAR", "2099-01-01", None, "KP"),
        order_to("FAR-PLAN", "2099-01-01", Some("2099-03-01"), "KP"),
        order_to("FAR-CU", "2099-01-01", None, "CU"),
        order_to("NOW", "2026-11-01", None, "KP"),
    ]
    .concat();
    let (status, records) = check(&orders, &["--rules", ENDING]);
    assert_eq!(status, 1);
    for id in ["FAR", "FAR-PLAN", "NOW"] {
        assert_eq!(verdict(&records, id), "block", "{id}");
    }
    assert_eq!(verdict(&records, "FAR-CU"), "clear");
    // `--shipped` without a ship date: the run's day is still today.
    let (_, records) = check(&orders, &["--rules", ENDING, "--shipped"]);
    assert_eq!(verdict(&records, "FAR"), "block");
    // With a stated shipment (`--shipped`), the goods left in 2099: the row had ended, as before.
    assert_eq!(verdict(&records, "FAR-PLAN"), "clear");
    // `--as-of` is the run's day: in force then, the row counts; ended by then, it does not.
    let (_, records) = check(&orders, &["--rules", ENDING, "--as-of", "2026-06-01"]);
    assert_eq!(verdict(&records, "FAR"), "block");
    let (_, records) = check(&orders, &["--rules", ENDING, "--as-of", "2031-06-01"]);
    assert_eq!(verdict(&records, "FAR"), "clear");
}

#[test]
fn a_lookback_as_of_a_later_day_still_names_the_later_row() {
    let (_, records) = check(
        &order("L", "2019-01-10", Some("2019-02-01"), "845811", "KZ"),
        &["--rules", PACK, "--as-of", "2025-01-01"],
    );
    let found = findings(&records, "L");
    let (_, severity, later) = found.iter().find(|f| f.0 == "DATED-001").unwrap();
    assert_eq!(severity, "review");
    assert!(later
        .as_deref()
        .unwrap()
        .contains("applies from 2024-03-20"));
}

#[test]
fn an_unverified_or_missing_start_counts_on_any_date() {
    let orders = [
        order(
            "unverified",
            "1999-01-10",
            Some("1999-02-01"),
            "845891",
            "KZ",
        ),
        order("undated", "1999-01-10", Some("1999-02-01"), "846693", "KZ"),
    ]
    .concat();
    let (_, records) = check(&orders, &["--rules", PACK]);
    for id in ["unverified", "undated"] {
        assert!(
            findings(&records, id).contains(&("DATED-001".into(), "block".into(), None)),
            "{id}"
        );
    }
}

#[test]
fn a_rule_dated_after_the_shipment_gives_a_lookback_finding() {
    let (_, records) = check(
        &order("D", "2021-01-10", Some("2021-02-01"), "999999", "KZ"),
        &["--rules", PACK, "--shipped"],
    );
    let found = findings(&records, "D");
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, severity, later) = &found[0];
    assert_eq!((rule.as_str(), severity.as_str()), ("DATED-002", "review"));
    assert!(
        later
            .as_deref()
            .unwrap()
            .contains("rule `DATED-002` applies from 2024-03-20"),
        "{later:?}"
    );
    assert_eq!(verdict(&records, "D"), "review");
}

#[test]
fn rows_in_force_only_after_the_as_of_date_are_not_known_on_it() {
    // As screening entries listed after `--as-of`: a lookback as of a day judges with the
    // rows known that day.
    let (_, records) = check(
        &order("E", "2024-03-01", Some("2024-04-01"), "845811", "KZ"),
        &["--rules", PACK, "--as-of", "2024-01-01"],
    );
    assert!(findings(&records, "E").iter().all(|f| f.0 != "DATED-001"));
}

#[test]
fn a_rule_in_force_only_after_the_as_of_date_is_not_known_on_it() {
    let shipped = order("F", "2024-03-01", Some("2024-04-01"), "999999", "KZ");
    let (_, before) = check(&shipped, &["--rules", PACK, "--as-of", "2024-01-01"]);
    assert!(
        findings(&before, "F").iter().all(|f| f.0 != "DATED-002"),
        "{:?}",
        findings(&before, "F")
    );
    // On and after the day it came into force, it is.
    let (_, after) = check(&shipped, &["--rules", PACK, "--as-of", "2024-03-20"]);
    assert!(findings(&after, "F").iter().any(|f| f.0 == "DATED-002"));
}

#[test]
fn the_default_pack_judges_a_2019_chpl_machine_to_russia_as_a_lookback_and_a_2024_one_as_a_block() {
    let orders = [
        order("old", "2019-01-10", Some("2019-02-01"), "845710", "RU"),
        order("new", "2024-01-10", Some("2024-02-01"), "845710", "RU"),
        order("unshipped", "2019-01-10", None, "845710", "RU"),
    ]
    .concat();
    let (_, records) = check(&orders, &["--shipped"]);
    let chpl = |id: &str| {
        findings(&records, id)
            .into_iter()
            .find(|f| f.0 == "RF-CHPL-001")
            .unwrap_or_else(|| panic!("RF-CHPL-001 on {id}"))
    };
    let (_, severity, later) = chpl("old");
    assert_eq!(severity, "review");
    assert!(later
        .unwrap()
        .contains("after the shipment date 2019-02-01"));
    assert_eq!(chpl("new"), ("RF-CHPL-001".into(), "block".into(), None));
    assert_eq!(
        chpl("unshipped"),
        ("RF-CHPL-001".into(), "block".into(), None)
    );
}

#[test]
fn the_human_report_says_a_finding_is_a_lookback() {
    let out = redflag_in(
        None,
        &["check", "-", "--rules", PACK, "--shipped"],
        Some(order("A", "2019-01-10", Some("2019-02-01"), "845811", "KZ").as_bytes()),
    );
    assert!(
        stdout(&out).contains("lookback, not the law at shipment: row `845811`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_csv_report_says_a_finding_is_a_lookback_in_its_last_column() {
    let orders = format!(
        "{}{}",
        order("OLD", "2019-01-10", Some("2019-02-01"), "845811", "KZ"),
        order("NEW", "2024-05-10", Some("2024-06-01"), "845811", "KZ"),
    );
    let out = redflag_in(
        None,
        &[
            "check",
            "-",
            "--rules",
            PACK,
            "--shipped",
            "--format",
            "csv",
        ],
        Some(orders.as_bytes()),
    );
    let text = stdout(&out);
    let header = csv::Reader::from_reader(text.as_bytes())
        .headers()
        .unwrap()
        .clone();
    assert_eq!(header.iter().next_back(), Some("lookback"), "{header:?}");
    let lookback = |id: &str| -> Vec<String> {
        reader_rows(&text)
            .into_iter()
            .filter(|r| r[0] == *id && r[4] == *"DATED-001")
            .map(|r| r[header.len() - 1].clone())
            .collect()
    };
    let old = lookback("OLD");
    assert_eq!(old.len(), 1, "{}", stdout(&out));
    assert!(
        old[0].contains("row `845811` of list `controlled`") && old[0].contains("2019-02-01"),
        "{old:?}"
    );
    assert_eq!(lookback("NEW"), vec![String::new()], "{}", stdout(&out));
}

/// `redflag explain RULE` of the fixture pack on the one order `record`, with `args` added.
fn explain(rule: &str, record: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("order.jsonl");
    std::fs::write(&file, record).unwrap();
    let mut all = vec!["explain", rule, "--rules", PACK, "--order"];
    all.push(file.to_str().unwrap());
    all.extend_from_slice(args);
    stdout(&redflag_in(None, &all, None))
}

#[test]
fn explain_shows_the_lookback_walk_that_check_reports() {
    let old = order("OLD", "2019-01-10", Some("2019-02-01"), "845811", "KZ");
    let text = explain("DATED-001", &old, &["--shipped"]);
    assert!(text.contains("result: fired · review"), "{text}");
    assert!(
        text.contains("lookback, not the law at shipment: row `845811`")
            && text.contains("with the rows in force at shipment it does not fire")
            && text.contains("combination 1 of 1: fires"),
        "{text}"
    );
    let json: Json = serde_json::from_str(&explain(
        "DATED-001",
        &old,
        &["--shipped", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["lookback"], true);
    assert_eq!(json["combinations"][0]["truth"], "true");
    // Shipped after the row came into force: the law at shipment, no lookback.
    let new = order("NEW", "2024-05-10", Some("2024-06-01"), "845811", "KZ");
    let text = explain("DATED-001", &new, &[]);
    assert!(
        text.contains("result: fired · block") && !text.contains("lookback"),
        "{text}"
    );
    // Not shipped yet: the past ship date is no shipment, as `check --pending` has it.
    let text = explain("DATED-001", &old, &["--pending"]);
    assert!(
        text.contains("result: fired · block") && !text.contains("lookback"),
        "{text}"
    );
}

fn reader_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_bad_date_in_a_list_row_stops_the_pack_from_loading() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(pack.join("lists")).unwrap();
    std::fs::create_dir_all(pack.join("rules")).unwrap();
    std::fs::copy(format!("{PACK}/pack.toml"), pack.join("pack.toml")).unwrap();
    std::fs::copy(
        format!("{PACK}/rules/dated.toml"),
        pack.join("rules/dated.toml"),
    )
    .unwrap();
    std::fs::write(
        pack.join("lists/controlled.csv"),
        "hs6,control,valid_from,valid_until\n\
         845710,typo,2024-13-01,\n\
         845811,backwards,2024-03-20,2020-01-01\n\
         845891,fine,2024-03-20,\n",
    )
    .unwrap();
    let out = redflag_in(
        None,
        &["check", "-", "--rules", pack.to_str().unwrap()],
        Some(order("A", "2024-01-10", None, "845891", "KZ").as_bytes()),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("R045").count(), 2, "{err}");
    assert!(
        err.contains("`valid_from` of a row of list `controlled` is `2024-13-01`"),
        "{err}"
    );
    assert!(err.contains("which ends before it"), "{err}");
}

#[test]
fn check_warns_of_orders_dated_after_the_as_of_date() {
    // A gate pinned to an old `--as-of` (for reports that reproduce) would judge new orders
    // without what was listed since: it says so on stderr, counting them.
    let orders = [
        order("OLD", "2023-05-01", Some("2023-06-01"), "845710", "KZ"),
        order(
            "SHIPS-LATER",
            "2023-12-01",
            Some("2024-02-01"),
            "845710",
            "KZ",
        ),
        order("NEW", "2024-03-01", None, "845710", "KZ"),
    ]
    .concat();
    let args = [
        "check",
        "-",
        "--format",
        "jsonl",
        "--rules",
        PACK,
        "--as-of",
        "2024-01-01",
    ];
    let out = redflag_in(None, &args, Some(orders.as_bytes()));
    let err = stderr(&out);
    assert!(
        err.contains("S006")
            && err.contains("2 of 3 orders are dated after the as-of date 2024-01-01"),
        "{err}"
    );
    // Nothing after the as-of date: no warning; without `--as-of`: none either.
    let out = redflag_in(None, &args, Some(orders.lines().next().unwrap().as_bytes()));
    assert!(!stderr(&out).contains("S006"), "{}", stderr(&out));
    let out = redflag_in(None, &args[..6], Some(orders.as_bytes()));
    assert!(!stderr(&out).contains("S006"), "{}", stderr(&out));
}

/// A condition another rule asked of the same values in the same order is answered from that
/// outcome (`engine::memo`), and a row it left out because it came into force after the
/// shipment asks for the lookback pass for the second rule too: both rules give a lookback
/// finding, as each does alone.
#[test]
fn a_shared_condition_that_left_out_a_later_row_gives_each_rule_its_lookback_finding() {
    let (_, records) = check(
        &order("A", "2019-01-10", Some("2019-02-01"), "845811", "KZ"),
        &["--rules", "fixtures/packs/dated-shared", "--shipped"],
    );
    let found = findings(&records, "A");
    for rule in ["DATED-001", "DATED-003"] {
        let (_, severity, later) = found
            .iter()
            .find(|f| f.0 == rule)
            .unwrap_or_else(|| panic!("no finding of {rule}: {found:?}"));
        assert_eq!(severity, "review", "{rule}");
        assert!(
            later
                .as_deref()
                .unwrap_or("")
                .contains("row `845811` of list `controlled`"),
            "{rule}: {later:?}"
        );
    }
    // Shipped after the row came into force: both rules find it at shipment.
    let (_, records) = check(
        &order("B", "2024-04-01", Some("2024-04-02"), "845811", "KZ"),
        &["--rules", "fixtures/packs/dated-shared"],
    );
    let found = findings(&records, "B");
    assert!(
        found.contains(&("DATED-001".into(), "block".into(), None)),
        "{found:?}"
    );
    assert!(
        found.contains(&("DATED-003".into(), "hold".into(), None)),
        "{found:?}"
    );
}

#[test]
fn a_ship_date_is_a_plan_unless_the_run_says_the_orders_shipped() {
    // A gate before shipment: the goods have not left, so a ship date (a plan that has
    // passed, an ERP filling the order date in) is no shipment. Believed, it made the block
    // of a row in force since 2024 a lookback review, which passes `--fail-on hold`.
    let orders = order("A", "2019-01-10", Some("2019-02-01"), "845811", "KZ");
    let (status, gate) = check(&orders, &["--rules", PACK]);
    assert_eq!(status, 1, "{gate:?}");
    let (status, shipped) = check(&orders, &["--rules", PACK, "--shipped"]);
    assert_eq!(
        status, 0,
        "the lookback review of a past shipment passes --fail-on hold"
    );
    let found = findings(&gate, "A");
    let (_, severity, later) = found.iter().find(|f| f.0 == "DATED-001").unwrap();
    assert_eq!(severity, "block", "{found:?}");
    assert!(later.is_none(), "{later:?}");
    let lookback = findings(&shipped, "A");
    let (_, severity, later) = lookback.iter().find(|f| f.0 == "DATED-001").unwrap();
    assert_eq!(severity, "review", "{lookback:?}");
    assert!(later.is_some(), "{lookback:?}");
    // A ship date ahead proves nothing either: the goods may leave later still.
    let ahead = order("B", "2019-01-10", Some("2999-01-01"), "845811", "KZ");
    let (_, records) = check(&ahead, &["--rules", PACK]);
    assert_eq!(verdict(&records, "B"), verdict(&gate, "A"));
    // `--pending`, the default's old name, is still accepted and changes nothing.
    let (status, pending) = check(&orders, &["--rules", PACK, "--pending"]);
    assert_eq!(status, 1);
    assert_eq!(findings(&pending, "A"), found);
}

#[test]
fn a_shipped_run_says_so_in_its_report() {
    let orders = order("A", "2019-01-10", Some("2019-02-01"), "845811", "KZ");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "-", "--rules", PACK];
        args.extend_from_slice(extra);
        redflag_in(None, &args, Some(orders.as_bytes()))
    };
    let doc: Json =
        serde_json::from_str(&stdout(&run(&["--shipped", "--format", "json"]))).unwrap();
    assert_eq!(doc["shipped"], Json::Bool(true), "{}", doc["schema"]);
    let human = run(&["--shipped"]);
    assert!(
        stdout(&human).contains("judged as shipped"),
        "{}",
        stdout(&human)
    );
    let sarif: Json =
        serde_json::from_str(&stdout(&run(&["--shipped", "--format", "sarif"]))).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["shipped"], Json::Bool(true));
    let html = stdout(&run(&["--shipped", "--format", "html"]));
    assert!(
        html.contains("judged as shipped"),
        "no shipped mark in the HTML header"
    );
    // A lookback as of a day re-screens past shipments: it reads ship dates as shipped.
    let doc: Json = serde_json::from_str(&stdout(&run(&[
        "--as-of",
        "2030-01-01",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(doc["shipped"], Json::Bool(true), "{}", doc["schema"]);
    // Without either the run header has no such field, and no day: the same inputs give the
    // same bytes tomorrow.
    let doc: Json = serde_json::from_str(&stdout(&run(&["--format", "json"]))).unwrap();
    assert!(doc.get("shipped").is_none(), "{}", doc["schema"]);
    assert!(doc.get("pending_on").is_none(), "{}", doc["schema"]);
    let sarif: Json = serde_json::from_str(&stdout(&run(&["--format", "sarif"]))).unwrap();
    assert!(sarif["runs"][0]["properties"].get("shipped").is_none());
    assert!(!stdout(&run(&["--format", "html"])).contains("judged as shipped"));
    let both = run(&["--pending", "--shipped"]);
    assert_eq!(code(&both), 2, "{}", stderr(&both));
}

#[test]
fn a_rule_dated_after_the_shipment_reads_the_lists_as_they_stood_when_it_came_into_force() {
    // RF-CHPL-003 (from 2023-05-19) holds a good described as CHPL under a code outside the
    // list. A machining centre coded 8457.10 that shipped to Russia in July 2022, under the
    // Russia controls but before the list existed, was outside a list that did not exist
    // yet: judged with the rows of its shipment it gave a
    // second lookback beside RF-CHPL-001's, saying the code was outside the list. As the
    // rule came into force the code was on it: one lookback, RF-CHPL-001's.
    let with_description = |id: &str, hs: &str| {
        order(id, "2022-06-10", Some("2022-07-01"), hs, "RU").replace(
            "\"sku\":\"M1\"",
            "\"sku\":\"M1\",\"description\":\"5-axis CNC machining centre\"",
        )
    };
    let orders = [
        with_description("CODED", "845710"),
        with_description("MISCODED", "847989"),
    ]
    .concat();
    let (_, records) = check(&orders, &["--shipped"]);
    let rules = |id: &str| -> Vec<String> {
        findings(&records, id)
            .into_iter()
            .filter(|f| f.0.starts_with("RF-CHPL"))
            .map(|f| format!("{} {}", f.0, f.1))
            .collect()
    };
    assert_eq!(rules("CODED"), ["RF-CHPL-001 review"]);
    // Outside the list as it came into force too: RF-CHPL-003's lookback stands.
    assert_eq!(rules("MISCODED"), ["RF-CHPL-003 review"]);
    let (_, later) = findings(&records, "MISCODED")
        .into_iter()
        .find(|f| f.0 == "RF-CHPL-003")
        .map(|f| (f.1, f.2))
        .unwrap();
    assert!(
        later.as_deref().is_some_and(
            |l| l.contains("applies from 2023-05-19, after the shipment date 2022-07-01")
        ),
        "{later:?}"
    );
}

/// A pack list whose rows have all ended stops nothing for an order shipped now, and the gate
/// says so (R071); pinned to a day when the rows were in force, it says nothing and judges them.
#[test]
fn a_pack_list_with_no_row_in_force_is_warned_of() {
    let pack = "fixtures/packs/list-out-of-force";
    let orders = "fixtures/adversarial/packs/list-rows-commented-out/o.jsonl";
    let now = crate::support::redflag(&["check", orders, "--rules", pack, "-q"]);
    let err = stderr(&now);
    assert!(err.contains("R071"), "{err}");
    assert!(
        err.contains("no row of list `embargoed` is in force on"),
        "{err}"
    );
    let then = crate::support::redflag(&[
        "check",
        orders,
        "--rules",
        pack,
        "-q",
        "--as-of",
        "2020-06-01",
    ]);
    assert!(!stderr(&then).contains("R071"), "{}", stderr(&then));
}
