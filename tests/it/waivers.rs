//! Waivers and `--as-of` through `check`: a waived finding is shown and counted but no longer
//! sets the verdict; expired and unused waivers are reported; a broken waiver file stops the
//! run; `--as-of` hides list entries listed after it (lookback over past orders).

use super::support::redflag;

use serde_json::Value as Json;

const ORDERS: &str = "fixtures/orders/screening.jsonl";
const DESIGNATED: &str = "fixtures/lists/designated/designated.ftm.json";
const WAIVERS: &str = "fixtures/waivers/waivers.toml";

#[track_caller]
fn check_json(extra: &[&str]) -> Json {
    let mut args = vec!["check", "--format", "json", ORDERS, "--list", DESIGNATED];
    args.extend_from_slice(extra);
    let output = redflag(&args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json report")
}

fn order<'a>(doc: &'a Json, id: &str) -> &'a Json {
    doc["orders"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["id"] == id))
        .unwrap_or_else(|| panic!("no order {id}"))
}

fn finding<'a>(order: &'a Json, rule: &str) -> &'a Json {
    order["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule_id"] == rule))
        .unwrap_or_else(|| panic!("no {rule} finding"))
}

fn rules_of(order: &Json) -> Vec<&str> {
    order["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule_id"].as_str())
        .collect()
}

#[test]
fn a_waived_finding_is_shown_and_counted_but_no_longer_sets_the_verdict() {
    let without = check_json(&["--as-of", "2024-10-01"]);
    assert_eq!(order(&without, "SO-2024-0816")["verdict"], "review");

    let doc = check_json(&["--as-of", "2024-10-01", "--waivers", WAIVERS]);
    let near = order(&doc, "SO-2024-0816");
    let waived = finding(near, "RF-SCREEN-002");
    assert_eq!(waived["waiver"]["id"], "W-2024-001");
    assert_eq!(
        waived["waiver"]["approver"],
        "A. Keller, export control officer"
    );
    assert_eq!(waived["waiver"]["expires"], "2025-08-07");
    // RF-CHPL-002 is not waived, so the order stays at review, on that finding alone.
    assert!(finding(near, "RF-CHPL-002")["waiver"].is_null());
    assert_eq!(near["verdict"], "review");

    let summary = &doc["summary"];
    assert_eq!(summary["waived"], 2);
    assert_eq!(summary["findings"], without["summary"]["findings"]);
    assert_eq!(
        summary["waivers_expired"],
        serde_json::json!(["W-2024-003"])
    );
    assert_eq!(summary["waivers_unused"], serde_json::json!(["W-2024-004"]));
}

#[test]
fn a_waiver_applies_only_while_in_force_on_the_as_of_date() {
    // On 2026-01-01 W-2024-001 (until 2025-08-07) has expired: the near miss counts again.
    let doc = check_json(&["--as-of", "2026-01-01", "--waivers", WAIVERS]);
    let near = order(&doc, "SO-2024-0816");
    assert!(finding(near, "RF-SCREEN-002")["waiver"].is_null());
    let expired: Vec<&str> = doc["summary"]["waivers_expired"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert!(expired.contains(&"W-2024-001"), "{expired:?}");
}

#[test]
fn waiving_every_combination_of_the_only_finding_clears_the_order() {
    // On 2024-09-04 both waivers of SO-2024-0902 are in force. RF-CHPL-002 fires on the buyer,
    // the end user, the consignee and the stop in Bursa; W-2024-003 names the buyer's name,
    // which covers the three parties but not the stop, which is about no party.
    let doc = check_json(&["--as-of", "2024-09-04", "--waivers", WAIVERS]);
    let so = order(&doc, "SO-2024-0902");
    let chpl = finding(so, "RF-CHPL-002");
    assert!(chpl["waiver"].is_null(), "{chpl}");
    assert_eq!(chpl["waived_in_part"], serde_json::json!(["W-2024-003"]));
    assert_eq!(chpl["bindings"][1]["path"], "route[1]");
    assert_eq!(finding(so, "RF-TAXID-001")["waiver"]["id"], "W-2024-002");
    assert_eq!(so["verdict"], "review");

    // A waiver naming the order and no party covers the stop: now every combination is.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("waivers.toml");
    let text = std::fs::read_to_string(WAIVERS).unwrap()
        + r#"
[[waiver]]
id = "W-2024-005"
rule = "RF-CHPL-002"
order = "SO-2024-0902"
reason = "the goods are unloaded in Bursa at the buyer's plant"
approver = "A. Keller, export control officer"
date = 2024-08-01
expires = 2024-09-05
"#;
    std::fs::write(&file, text).unwrap();
    let doc = check_json(&["--as-of", "2024-09-04", "--waivers", file.to_str().unwrap()]);
    let so = order(&doc, "SO-2024-0902");
    assert_eq!(so["verdict"], "clear");
    assert_eq!(rules_of(so), ["RF-CHPL-002", "RF-TAXID-001"]);
    assert_eq!(finding(so, "RF-CHPL-002")["waiver"]["id"], "W-2024-003");
}

#[test]
fn the_waiver_file_and_the_as_of_date_are_in_the_provenance() {
    let doc = check_json(&["--as-of", "2024-10-01", "--waivers", WAIVERS]);
    assert_eq!(doc["as_of"], "2024-10-01");
    assert_eq!(doc["other_files"][0]["role"], "waivers");
    assert_eq!(doc["waivers"]["file"], WAIVERS);
    assert_eq!(doc["waivers"]["count"], 4);
    assert_eq!(doc["waivers"]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn a_broken_waiver_file_stops_the_run_with_every_problem() {
    let output = redflag(&["check", ORDERS, "--waivers", "fixtures/waivers/broken.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    insta::assert_snapshot!(err);
}

#[test]
fn a_waiver_for_a_rule_the_pack_lacks_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "[[waiver]]\nid = \"W-9\"\nrule = \"RF-SCREEN-02\"\norder = \"SO-1\"\nreason = \"r\"\napprover = \"a\"\ndate = 2024-01-01\nexpires = 2025-01-01\n",
    )
    .unwrap();
    let output = redflag(&["check", ORDERS, "--waivers", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("W006") && err.contains("did you mean `RF-SCREEN-002`?"),
        "{err}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn as_of_before_a_listing_hides_it_and_after_shows_the_lookback() {
    // Tverstankomash was listed on 2024-09-20, after the order shipped on 2024-07-01.
    let before = check_json(&["--as-of", "2024-08-01"]);
    assert!(!rules_of(order(&before, "SO-2024-0702")).contains(&"RF-SCREEN-003"));
    let after = check_json(&["--as-of", "2024-09-20"]);
    let f = finding(order(&after, "SO-2024-0702"), "RF-SCREEN-003");
    assert_eq!(f["severity"], "review");
    // Listed at shipment stays a block whatever the as-of date, once the listing is known.
    assert!(rules_of(order(&before, "SO-2024-0601")).contains(&"RF-SCREEN-001"));
}

#[test]
fn a_bad_as_of_date_is_bad_usage() {
    let output = redflag(&["check", ORDERS, "--as-of", "2024-13-01"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn waived_findings_are_marked_in_sarif_csv_and_html() {
    let run = |format: &str| {
        let output = redflag(&[
            "check",
            "--format",
            format,
            ORDERS,
            "--list",
            DESIGNATED,
            "--as-of",
            "2024-10-01",
            "--waivers",
            WAIVERS,
        ]);
        String::from_utf8(output.stdout).unwrap()
    };
    let sarif: Json = serde_json::from_str(&run("sarif")).unwrap();
    let suppressed: Vec<&Json> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert!(suppressed[0]["suppressions"][0]["justification"]
        .as_str()
        .unwrap()
        .contains("W-2024-00"));

    let csv = run("csv");
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains("W-2024-001: namesake"))
            .count(),
        1
    );

    let html = run("html");
    assert!(html.contains("<b>waived</b> by W-2024-001"));
    assert!(html.contains("id=\"waivers\""));
    assert!(html.contains("matched nothing"));
    assert!(html.contains("id=\"coverage\""));
}

mod property {
    //! A waiver never hides a finding about a party it does not name: whatever parties an
    //! order has and whichever one a waiver names, every other party and every route stop in
    //! an embargoed country keeps the order at `block` (a stop is about no party, and a waiver
    //! naming a party clears nothing else).

    use std::sync::Arc;

    use proptest::prelude::*;
    use redflag::diag::Diagnostics;
    use redflag::engine::Engine;
    use redflag::findings::Verdict;
    use redflag::order::{self, InputFormat, Record};
    use redflag::rules::Severity;
    use redflag::waivers::Waivers;

    const COUNTRIES: &[&str] = &["DE", "FR", "KP", "IR", "CU", "SY", "CN", "TR"];
    const EMBARGOED: &[&str] = &["KP", "IR", "CU", "SY"];
    const ROLES: &[&str] = &["buyer", "end_user", "forwarder", "consignee"];

    fn engine(waiver: &str) -> Engine {
        static PACK: std::sync::OnceLock<redflag::rules::RulePack> = std::sync::OnceLock::new();
        let pack = PACK
            .get_or_init(|| {
                redflag::cli::load_pack(&[])
                    .expect("the default pack loads")
                    .0
            })
            .clone();
        let mut acc = Diagnostics::new();
        let waivers = Waivers::parse("w.toml", waiver, &mut acc).expect("the waiver parses");
        let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        Engine::new(pack).with_waivers(Arc::new(waivers), on)
    }

    fn party(name: &str, country: &str) -> serde_json::Value {
        serde_json::json!({"name": name, "country": country, "city": "Somewhere"})
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn a_waiver_never_clears_a_party_it_does_not_name(
            countries in proptest::collection::vec(0..COUNTRIES.len(), 4),
            names in proptest::collection::vec(0..3usize, 4),
            waived in 0..4usize,
            with_order in any::<bool>(),
            stop in 0..COUNTRIES.len(),
        ) {
            // Up to three distinct names over four roles, so namesakes occur.
            let name = |i: usize| format!("Party {}", ["Alpha", "Beta", "Gamma"][names[i]]);
            let mut o: serde_json::Value = serde_json::from_str(
                include_str!("../../fixtures/adversarial/clean-order.jsonl"),
            ).unwrap();
            o["route"] = serde_json::json!([
                {"city": "Pforzheim", "country": "DE"},
                {"city": "Somewhere", "country": COUNTRIES[stop]},
            ]);
            for (i, role) in ROLES.iter().enumerate() {
                let p = party(&name(i), COUNTRIES[countries[i]]);
                if *role == "consignee" {
                    o["consignees"] = serde_json::json!([p]);
                } else {
                    o[*role] = p;
                }
            }
            let waiver = format!(
                "[[waiver]]\nid = \"W-1\"\nrule = \"RF-EMBARGO-001\"\n{}party = \"{}\"\nreason = \"r\"\napprover = \"a\"\ndate = 2024-01-01\nexpires = 2024-12-31\n",
                if with_order { "order = \"SO-1\"\n" } else { "" },
                name(waived)
            );
            let records: Vec<Record> =
                order::from_text(&o.to_string(), "o.jsonl", InputFormat::Jsonl, None)
                    .unwrap()
                    .collect();
            let judgement = engine(&waiver).judge(&records[0]);
            // A party the waiver does not name, or a route stop, in an embargoed country must
            // keep the block.
            let unnamed_embargoed = EMBARGOED.contains(&COUNTRIES[stop])
                || (0..4).any(|i| {
                    name(i) != name(waived) && EMBARGOED.contains(&COUNTRIES[countries[i]])
                });
            if unnamed_embargoed {
                prop_assert_eq!(judgement.verdict, Verdict::Flagged(Severity::Block));
                let embargo = judgement.findings.iter().find(|f| f.rule.id == "RF-EMBARGO-001");
                prop_assert!(embargo.is_some_and(|f| f.waiver.is_none()));
            }
        }
    }
}

/// The default pack's rules read the seller, the ultimate consignee or the buyer through
/// `field` (docs/rules.md, "The default pack"), so a finding stays about the place or party it
/// names and a waiver naming that party clears it: a Chinese seller's CHPL bearings to a Turkish
/// buyer (RF-CHPL-002, which compares each place with the seller's country), and a consignee
/// in another city than the end user (RF-CHAIN-002, about the end user). The stop in Bursa is
/// about no party: a waiver naming the order and no party clears it, the party's does not.
#[test]
fn findings_that_read_other_parties_through_fields_are_waived_by_their_own_party() {
    let dir = tempfile::tempdir().unwrap();
    let orders = r#"{"id": "SO-CN-1", "date": "2025-01-14", "seller": {"name": "Liaoning Bearing Works Co., Ltd.", "country": "CN", "city": "Shenyang"}, "buyer": {"name": "Bosphorus Rulman A.S.", "country": "TR", "city": "Bursa"}, "end_user": {"name": "Bosphorus Rulman A.S.", "country": "TR", "city": "Bursa"}, "consignees": [{"name": "Bosphorus Rulman A.S.", "country": "TR", "city": "Bursa"}], "route": [{"city": "Dalian", "country": "CN"}, {"city": "Bursa", "country": "TR"}], "items": [{"sku": "BB-6204", "hs": "8482.10"}], "payment": {"method": "wire", "amount": 12000, "currency": "USD"}, "end_use": {"statement": "Loom repair", "provided": true}}
{"id": "SO-KZ-1", "date": "2025-01-14", "seller": {"name": "Hessler Werkzeugbau GmbH", "country": "DE", "city": "Pforzheim"}, "buyer": {"name": "Qaraghandy Pribor LLP", "country": "KZ", "city": "Karaganda"}, "end_user": {"name": "Qaraghandy Pribor LLP", "country": "KZ", "city": "Karaganda"}, "consignees": [{"name": "Saryarka Sklad LLP", "country": "KZ", "city": "Astana"}], "items": [{"sku": "PD-BB-220", "hs": "8207.30"}], "payment": {"method": "wire", "amount": 86500, "currency": "EUR"}, "end_use": {"statement": "Meter housings", "provided": true}}
"#;
    let waivers = r#"[[waiver]]
id = "W-1"
rule = "RF-CHPL-002"
order = "SO-CN-1"
party = "Bosphorus Rulman A.S."
reason = "end use verified on site"
approver = "A. Keller"
date = 2025-01-01
expires = 2025-12-31

[[waiver]]
id = "W-2"
rule = "RF-CHAIN-002"
order = "SO-KZ-1"
party = "Qaraghandy Pribor LLP"
reason = "the end user's contracted warehouse in Astana"
approver = "A. Keller"
date = 2025-01-01
expires = 2025-12-31
"#;
    let route = r#"
[[waiver]]
id = "W-3"
rule = "RF-CHPL-002"
order = "SO-CN-1"
reason = "the goods are unloaded in Bursa at the buyer's plant"
approver = "A. Keller"
date = 2025-01-01
expires = 2025-12-31
"#;
    std::fs::write(dir.path().join("orders.jsonl"), orders).unwrap();
    std::fs::write(dir.path().join("parties.toml"), waivers).unwrap();
    std::fs::write(dir.path().join("waivers.toml"), format!("{waivers}{route}")).unwrap();
    let run = |extra: &[&str]| -> Json {
        let mut args = vec![
            "check",
            "--format",
            "json",
            "orders.jsonl",
            "--as-of",
            "2025-02-01",
        ];
        args.extend_from_slice(extra);
        let out = super::support::redflag_in(Some(dir.path()), &args, None);
        serde_json::from_slice(&out.stdout).expect("json report")
    };
    let without = run(&[]);
    assert_eq!(rules_of(order(&without, "SO-CN-1")), ["RF-CHPL-002"]);
    assert_eq!(rules_of(order(&without, "SO-KZ-1")), ["RF-CHAIN-002"]);
    // The parties' waivers alone leave the stop in Bursa open.
    let parties = run(&["--waivers", "parties.toml"]);
    let cn = order(&parties, "SO-CN-1");
    assert!(finding(cn, "RF-CHPL-002")["waiver"].is_null());
    assert_eq!(
        finding(cn, "RF-CHPL-002")["waived_in_part"],
        serde_json::json!(["W-1"])
    );
    assert_eq!(cn["verdict"], "review");
    let with = run(&["--waivers", "waivers.toml"]);
    for (id, rule, waiver) in [
        ("SO-CN-1", "RF-CHPL-002", "W-1"),
        ("SO-KZ-1", "RF-CHAIN-002", "W-2"),
    ] {
        let o = order(&with, id);
        assert_eq!(finding(o, rule)["waiver"]["id"], waiver, "{id}");
        assert_eq!(o["verdict"], "clear", "{id}");
    }
}

/// Orders for the screening waivers below, against the designated list: the same buyer name
/// once alone (a namesake of `dsg-altyn`, matched on its name) and once with the tax ID of
/// another listed firm (`dsg-vostok`, matched on the identifier), and a buyer whose name
/// matches nothing but whose tax ID is `dsg-vostok`'s.
const SCREENED_ORDERS: &str = r#"{"id": "SO-NAME", "date": "2025-02-01", "seller": {"name": "Halvorsen Components B.V.", "country": "NL", "city": "Eindhoven"}, "buyer": {"name": "Altynprom Machinery Trade LLP", "country": "KZ", "city": "Astana"}, "end_user": {"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}, "consignees": [{"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}], "items": [{"sku": "BRG-22", "hs": "8482.30", "value": "18000.00", "currency": "EUR"}], "payment": {"method": "wire", "amount": "18000.00", "currency": "EUR"}, "end_use": {"statement": "Conveyor maintenance", "provided": true}}
{"id": "SO-NAME-ID", "date": "2025-02-01", "seller": {"name": "Halvorsen Components B.V.", "country": "NL", "city": "Eindhoven"}, "buyer": {"name": "Altynprom Machinery Trade LLP", "country": "KZ", "city": "Astana", "ids": [{"scheme": "RU-INN", "value": "7724123458"}]}, "end_user": {"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}, "consignees": [{"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}], "items": [{"sku": "BRG-22", "hs": "8482.30", "value": "18000.00", "currency": "EUR"}], "payment": {"method": "wire", "amount": "18000.00", "currency": "EUR"}, "end_use": {"statement": "Conveyor maintenance", "provided": true}}
{"id": "SO-ID", "date": "2025-02-01", "seller": {"name": "Halvorsen Components B.V.", "country": "NL", "city": "Eindhoven"}, "buyer": {"name": "Volga Trade House LLC", "country": "KZ", "city": "Astana", "ids": [{"scheme": "RU-INN", "value": "7724123458"}]}, "end_user": {"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}, "consignees": [{"name": "Astana Metal Works LLP", "country": "KZ", "city": "Astana"}], "items": [{"sku": "BRG-22", "hs": "8482.30", "value": "18000.00", "currency": "EUR"}], "payment": {"method": "wire", "amount": "18000.00", "currency": "EUR"}, "end_use": {"statement": "Conveyor maintenance", "provided": true}}
"#;

/// `SCREENED_ORDERS` checked against the designated list with one RF-SCREEN-001 waiver for
/// `party`, with `entry` when given: the waiver's id on the RF-SCREEN-001 finding of each
/// order (`None`: not waived, or waived only in part).
#[track_caller]
fn screen_waived(party: &str, entry: Option<&str>) -> Vec<(String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orders.jsonl"), SCREENED_ORDERS).unwrap();
    let waiver = format!(
        "[[waiver]]\nid = \"W-1\"\nrule = \"RF-SCREEN-001\"\nparty = \"{party}\"\n{}reason = \"namesake\"\napprover = \"A. Keller\"\ndate = 2024-08-10\nexpires = 2026-12-31\n",
        entry.map(|e| format!("entry = {e}\n")).unwrap_or_default()
    );
    std::fs::write(dir.path().join("waivers.toml"), waiver).unwrap();
    let list = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DESIGNATED);
    let args = [
        "check",
        "--format",
        "json",
        "orders.jsonl",
        "--list",
        list.to_str().unwrap(),
        "--as-of",
        "2025-03-01",
        "--waivers",
        "waivers.toml",
    ];
    let out = super::support::redflag_in(Some(dir.path()), &args, None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Json = serde_json::from_slice(&out.stdout).expect("json report");
    ["SO-NAME", "SO-NAME-ID", "SO-ID"]
        .iter()
        .map(|id| {
            let o = order(&doc, id);
            let f = finding(o, "RF-SCREEN-001");
            if f["waiver"].is_null() {
                assert_eq!(o["verdict"], "block", "{id}");
            }
            (
                id.to_string(),
                f["waiver"]["id"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn waived(ids: &[(&str, bool)]) -> Vec<(String, Option<String>)> {
    ids.iter()
        .map(|(id, w)| (id.to_string(), w.then(|| "W-1".to_string())))
        .collect()
}

/// A namesake waiver is about the party's name: it must not clear a match of the same party
/// on an identifier, which makes it another listed firm under the namesake's name.
#[test]
fn a_namesake_waiver_clears_only_matches_on_the_party_s_name() {
    assert_eq!(
        screen_waived("Altynprom Machinery Trade LLP", None),
        waived(&[("SO-NAME", true), ("SO-NAME-ID", false), ("SO-ID", false)])
    );
    assert_eq!(
        screen_waived("Volga Trade House LLC", None),
        waived(&[("SO-NAME", false), ("SO-NAME-ID", false), ("SO-ID", false)])
    );
}

/// `entry` names the listed entries a waiver was written for: it covers a match on one of
/// them, on a name or an identifier, and no match on any other entry; and a party that also
/// matched further entries, which the finding does not name, stays open.
#[test]
fn a_waiver_naming_listed_entries_clears_only_matches_on_them() {
    let altyn = "Altynprom Machinery Trade LLP";
    assert_eq!(
        screen_waived(altyn, Some("\"dsg-altyn\"")),
        waived(&[("SO-NAME", true), ("SO-NAME-ID", false), ("SO-ID", false)])
    );
    assert_eq!(
        screen_waived(altyn, Some("[\"dsg-tver\"]")),
        waived(&[("SO-NAME", false), ("SO-NAME-ID", false), ("SO-ID", false)])
    );
    // SO-NAME-ID matches dsg-vostok on its tax ID and dsg-altyn on its name; the finding
    // names only the first, so no waiver can tell what the other rests on.
    assert_eq!(
        screen_waived(altyn, Some("[\"dsg-vostok\", \"dsg-altyn\"]")),
        waived(&[("SO-NAME", true), ("SO-NAME-ID", false), ("SO-ID", false)])
    );
    // A tax ID recorded against the wrong firm and corrected: the waiver names the entry.
    assert_eq!(
        screen_waived("Volga Trade House LLC", Some("\"dsg-vostok\"")),
        waived(&[("SO-NAME", false), ("SO-NAME-ID", false), ("SO-ID", true)])
    );
}

/// A waiver must say what it clears: a `path` without a `party` would clear whichever party
/// an amended order puts there (`W007`), and a blank `party` (or `entry`) names nothing and
/// would clear every party without a name (`W008`).
#[test]
fn a_waiver_with_a_path_alone_or_a_blank_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (body, code, label) in [
        (
            "order = \"SO-1\"\npath = \"end_user\"\n",
            "W007",
            "names no party",
        ),
        ("party = \"\"\n", "W008", "`party` is blank"),
        (
            "order = \"SO-1\"\nparty = \"  \"\n",
            "W008",
            "`party` is blank",
        ),
        (
            "party = \"\u{200b}\u{2060}\u{feff}\"\n",
            "W008",
            "`party` is blank",
        ),
        (
            "party = \"Altynprom Machinery Trade LLP\"\nentry = []\n",
            "W008",
            "`entry` is blank",
        ),
        (
            "party = \"Altynprom Machinery Trade LLP\"\nentry = [\"dsg-altyn\", \" \"]\n",
            "W008",
            "`entry` is blank",
        ),
    ] {
        let file = dir.path().join("w.toml");
        std::fs::write(
            &file,
            format!("[[waiver]]\nid = \"W-1\"\nrule = \"RF-EMBARGO-001\"\n{body}reason = \"r\"\napprover = \"a\"\ndate = 2024-01-01\nexpires = 2030-01-01\n"),
        )
        .unwrap();
        let output = redflag(&["check", ORDERS, "--waivers", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{body}: {err}");
        assert!(output.stdout.is_empty(), "{body}");
        assert!(err.contains(code) && err.contains(label), "{body}: {err}");
    }
}
