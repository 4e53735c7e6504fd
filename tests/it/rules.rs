//! The default pack, rule family by rule family: for each rule a case that
//! fires, one that does not, and (where the rule reads a value that may be
//! missing without `if_missing`) one that cannot be decided. Orders are a
//! clean base order edited per case; the samples are judged as a whole.

use std::sync::OnceLock;

use serde_json::{json, Value as Json};

use redflag::engine::Engine;
use redflag::findings::{Finding, FindingKind, Judgement, Verdict};
use redflag::order::{InputFormat, Record};
use redflag::rules::{build, PackFiles};

use crate::support::{load, load_text};

/// The engine of the default (embedded) pack, built once.
pub fn default_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (pack, diagnostics) = build(&PackFiles::embedded());
        match pack {
            Some(pack) => Engine::new(pack),
            None => panic!("the default pack does not build: {diagnostics:?}"),
        }
    })
}

/// Judges one JSON order with the default pack.
#[track_caller]
fn judge(order_json: &str) -> Judgement {
    let records = load_text(order_json, "case.jsonl", InputFormat::Jsonl);
    assert_eq!(records.len(), 1, "one record expected");
    if let Record::Error(e) = &records[0] {
        panic!("the test order does not load: {:?}", e.problems);
    }
    default_engine().judge(&records[0])
}

/// The finding of one rule on one order: (severity, kind, message).
#[track_caller]
fn check_rule(order_json: &str, rule_id: &str) -> Option<(String, String, String)> {
    finding(&judge(order_json), rule_id).map(|f| {
        (
            f.severity.as_str().to_string(),
            match f.kind {
                FindingKind::Fired => "fired".to_string(),
                FindingKind::Undecided => "undecided".to_string(),
            },
            f.message.clone(),
        )
    })
}

fn finding<'j>(j: &'j Judgement, rule_id: &str) -> Option<&'j Finding> {
    j.findings.iter().find(|f| f.rule.id == rule_id)
}

/// A clean order: a German maker buys a stamping die (HS 8207.30, not on
/// the CHPL) from a German toolmaker, by wire, consigned to itself.
fn base() -> Json {
    json!({
        "id": "T-0001",
        "date": "2025-01-14",
        "seller": {"name": "Hessler Werkzeugbau GmbH", "country": "DE", "city": "Pforzheim"},
        "buyer": {"name": "Weserland Fahrwerkteile GmbH", "country": "DE", "city": "Bremen",
                  "business": "manufacture of automotive chassis parts", "established": "1987-06-01"},
        "end_user": {"name": "Weserland Fahrwerkteile GmbH", "country": "DE", "city": "Bremen",
                     "business": "manufacture of automotive chassis parts"},
        "consignees": [{"name": "Weserland Fahrwerkteile GmbH", "country": "DE", "city": "Bremen"}],
        "route": [{"city": "Pforzheim", "country": "DE"}, {"city": "Bremen", "country": "DE"}],
        "items": [{"sku": "PD-BB-220", "description": "Progressive stamping die set",
                   "hs": "8207.30", "quantity": 1, "value": 86500, "currency": "EUR", "origin": "DE"}],
        "payment": {"method": "wire", "amount": 86500, "currency": "EUR"},
        "end_use": {"statement": "Series production of brake brackets", "provided": true}
    })
}

/// The base order edited by `edit`, as one JSON line.
fn order(edit: impl FnOnce(&mut Json)) -> String {
    let mut o = base();
    edit(&mut o);
    serde_json::to_string(&o).unwrap()
}

/// Removes a member of an object.
fn remove(value: &mut Json, key: &str) {
    value.as_object_mut().unwrap().remove(key);
}

/// Asserts the rule fired with this severity and a message containing `part`.
#[track_caller]
fn assert_fires(order_json: &str, rule_id: &str, severity: &str, part: &str) {
    match check_rule(order_json, rule_id) {
        Some((s, k, m)) => {
            assert_eq!(
                (s.as_str(), k.as_str()),
                (severity, "fired"),
                "{rule_id}: {m}"
            );
            assert!(m.contains(part), "{rule_id} message {m:?} lacks {part:?}");
        }
        None => panic!("{rule_id} did not fire on {order_json}"),
    }
}

/// Asserts the rule has no finding at all.
#[track_caller]
fn assert_silent(order_json: &str, rule_id: &str) {
    assert_eq!(
        check_rule(order_json, rule_id),
        None,
        "{rule_id} on {order_json}"
    );
}

/// Asserts the rule is undecided (severity hold, its `on_unknown`) and the
/// message names `part`.
#[track_caller]
fn assert_undecided(order_json: &str, rule_id: &str, part: &str) {
    match check_rule(order_json, rule_id) {
        Some((s, k, m)) => {
            assert_eq!(
                (s.as_str(), k.as_str()),
                ("hold", "undecided"),
                "{rule_id}: {m}"
            );
            assert!(m.contains(part), "{rule_id} message {m:?} lacks {part:?}");
        }
        None => panic!("{rule_id} gave no finding on {order_json}"),
    }
}

fn no_reexport(destinations: &[&str]) -> Json {
    json!([{"kind": "no_reexport", "destinations": destinations, "source": "licence terms"}])
}

#[test]
fn the_base_order_is_clear() {
    let j = judge(&order(|_| {}));
    assert_eq!(j.verdict, Verdict::Clear, "{:?}", j.findings);
}

// ---- re-export bans ----

#[test]
fn reexport_001_fires_when_a_party_is_in_a_banned_destination() {
    let o = order(|o| {
        o["items"][0]["restrictions"] = no_reexport(&["IR", "KP"]);
        o["end_user"]["country"] = json!("IR");
        o["end_user"]["city"] = json!("Isfahan");
    });
    assert_fires(&o, "RF-REEXPORT-001", "block", "is in `IR`");
    assert_fires(&o, "RF-REEXPORT-001", "block", "item `PD-BB-220`");
}

#[test]
fn reexport_001_is_silent_when_no_party_is_in_a_banned_destination() {
    let o = order(|o| o["items"][0]["restrictions"] = no_reexport(&["IR", "KP"]));
    assert_silent(&o, "RF-REEXPORT-001");
    // A restriction of another kind is not a ban, even towards the buyer.
    let o = order(|o| {
        o["items"][0]["restrictions"] =
            json!([{"kind": "end_use_only", "destinations": ["DE"], "source": "x"}])
    });
    assert_silent(&o, "RF-REEXPORT-001");
}

#[test]
fn reexport_001_is_undecided_when_the_ban_names_no_destinations() {
    let o = order(|o| {
        o["items"][0]["restrictions"] = json!([{"kind": "no_reexport", "source": "licence"}])
    });
    assert_undecided(&o, "RF-REEXPORT-001", "banned_destination");
}

#[test]
fn reexport_002_fires_for_a_border_city_facing_a_banned_destination() {
    let o = order(|o| {
        o["items"][0]["restrictions"] = no_reexport(&["KP"]);
        o["consignees"][0] = json!({"name": "Yalu Trade Co.", "country": "CN", "city": "Dandong"});
    });
    assert_fires(
        &o,
        "RF-REEXPORT-002",
        "block",
        "Yalu Trade Co. (Dandong, CN) is a border city facing `KP` (Sinuiju)",
    );
}

#[test]
fn reexport_002_is_silent_when_the_city_faces_another_country() {
    // Dandong faces KP; the ban is for Russia only.
    let o = order(|o| {
        o["items"][0]["restrictions"] = no_reexport(&["RU"]);
        o["consignees"][0] = json!({"name": "Yalu Trade Co.", "country": "CN", "city": "Dandong"});
    });
    assert_silent(&o, "RF-REEXPORT-002");
    // A Dandong in another country is not the listed one.
    let o = order(|o| {
        o["items"][0]["restrictions"] = no_reexport(&["KP"]);
        o["consignees"][0] = json!({"name": "Yalu Trade Co.", "country": "US", "city": "Dandong"});
    });
    assert_silent(&o, "RF-REEXPORT-002");
}

#[test]
fn reexport_002_is_undecided_when_a_consignee_has_no_city() {
    let o = order(|o| {
        o["items"][0]["restrictions"] = no_reexport(&["KP"]);
        o["consignees"][0] = json!({"name": "Somewhere Trading", "country": "CN"});
    });
    assert_undecided(&o, "RF-REEXPORT-002", "`consignees[0].city` is missing");
}

// ---- payment ----

fn cash(amount: u64, currency: &str, date: &str) -> String {
    order(|o| {
        o["date"] = json!(date);
        o["payment"] = json!({"method": "cash", "amount": amount, "currency": currency});
    })
}

#[test]
fn cash_001_fires_for_cash_over_the_threshold_converted_from_eur() {
    // 12,500 EUR at the 2024 rate 0.9239 per USD is 13,529.6 USD.
    assert_fires(
        &cash(12_500, "EUR", "2024-04-08"),
        "RF-CASH-001",
        "hold",
        "payment of 12500 EUR in cash",
    );
    // 9,500 EUR at the 2025 rate 0.885 is 10,734 USD: over, although the
    // number is under 10,000.
    assert_fires(
        &cash(9_500, "EUR", "2025-03-01"),
        "RF-CASH-001",
        "hold",
        "9500 EUR",
    );
}

#[test]
fn cash_001_is_silent_under_the_threshold_or_without_cash() {
    // 8,000 EUR at 0.9239 is 8,659 USD.
    assert_silent(&cash(8_000, "EUR", "2024-04-10"), "RF-CASH-001");
    assert_silent(&cash(9_500, "USD", "2025-03-01"), "RF-CASH-001");
    // A large wire is not cash.
    assert_silent(&order(|_| {}), "RF-CASH-001");
    // No payment block: `if_missing = false` on the method.
    assert_silent(&order(|o| remove(o, "payment")), "RF-CASH-001");
}

#[test]
fn cash_001_at_exactly_the_threshold_fires() {
    assert_fires(
        &cash(10_000, "USD", "2025-03-01"),
        "RF-CASH-001",
        "hold",
        "10000 USD",
    );
    assert_silent(&cash(9_999, "USD", "2025-03-01"), "RF-CASH-001");
}

#[test]
fn cash_001_is_undecided_for_a_currency_without_a_rate() {
    let o = cash(9_000_000, "XAF", "2025-06-16");
    assert_undecided(&o, "RF-CASH-001", "no `XAF` rate on or before 2025-06-16");
    // It still decides the order: not clear.
    assert_eq!(
        judge(&o).verdict,
        Verdict::Flagged(redflag::rules::Severity::Hold)
    );
}

#[test]
fn payer_001_fires_for_a_third_party_in_another_country() {
    let o = order(|o| {
        o["payment"]["payer"] =
            json!({"name": "Gulf Meridian General Trading FZE", "country": "AE", "city": "Dubai"})
    });
    assert_fires(
        &o,
        "RF-PAYER-001",
        "hold",
        "payer Gulf Meridian General Trading FZE in `AE` is not the buyer Weserland Fahrwerkteile GmbH in `DE`",
    );
}

#[test]
fn payer_001_is_silent_for_the_buyer_or_a_payer_in_the_buyers_country() {
    let o = order(|o| {
        o["payment"]["payer"] = json!({"name": "Weserland Fahrwerkteile GmbH", "country": "DE"})
    });
    assert_silent(&o, "RF-PAYER-001");
    let o = order(|o| o["payment"]["payer"] = json!({"name": "Hausbank Bremen", "country": "DE"}));
    assert_silent(&o, "RF-PAYER-001");
    assert_silent(&order(|_| {}), "RF-PAYER-001");
}

#[test]
fn payer_001_is_undecided_when_the_payer_has_no_country() {
    let o = order(|o| o["payment"]["payer"] = json!({"name": "Unnamed Holdings Ltd"}));
    assert_undecided(&o, "RF-PAYER-001", "other_country");
}

// ---- border city ----

fn dandong_consignee(o: &mut Json) {
    o["consignees"][0] = json!({"name": "Yalu Trade Co.", "country": "CN", "city": "Dandong"});
}

#[test]
fn border_001_fires_as_review_for_an_ordinary_item() {
    let o = order(dandong_consignee);
    assert_fires(
        &o,
        "RF-BORDER-001",
        "review",
        "Yalu Trade Co. (Dandong, CN) is a border or transit city facing `KP`",
    );
    let j = judge(&o);
    assert_eq!(finding(&j, "RF-BORDER-001").unwrap().escalation, None);
}

#[test]
fn border_001_is_raised_to_hold_for_a_chpl_item() {
    let o = order(|o| {
        dandong_consignee(o);
        o["items"][0]["hs"] = json!("8457.10");
    });
    assert_fires(&o, "RF-BORDER-001", "hold", "facing `KP`");
    let j = judge(&o);
    let escalation = finding(&j, "RF-BORDER-001").unwrap().escalation.clone();
    assert_eq!(
        escalation.as_deref(),
        Some("an item is on the Common High Priority List or carries a control-list entry")
    );
}

#[test]
fn border_001_is_raised_to_hold_for_a_controlled_item() {
    let o = order(|o| {
        dandong_consignee(o);
        o["items"][0]["eccn"] = json!("2B001");
    });
    assert_fires(&o, "RF-BORDER-001", "hold", "facing `KP`");
}

#[test]
fn border_001_is_silent_for_inland_cities_and_places_without_a_city() {
    assert_silent(&order(|_| {}), "RF-BORDER-001");
    // `if_missing = false`: a route stop without a city is not a border city.
    let o = order(|o| o["route"] = json!([{"country": "DE"}]));
    assert_silent(&o, "RF-BORDER-001");
}

#[test]
fn border_001_is_undecided_when_a_border_city_has_no_country() {
    // The city matches but the row's country cannot be checked.
    let o = order(|o| o["route"][1] = json!({"city": "Dandong"}));
    assert_undecided(&o, "RF-BORDER-001", "matched `Dandong` in `border_cities`");
}

// ---- end user and end use ----

#[test]
fn enduser_001_fires_without_an_end_user() {
    assert_fires(
        &order(|o| remove(o, "end_user")),
        "RF-ENDUSER-001",
        "hold",
        "the order names no end user",
    );
    assert_fires(
        &order(|o| o["end_user"]["name"] = json!("  ")),
        "RF-ENDUSER-001",
        "hold",
        "no end user",
    );
}

#[test]
fn enduser_001_is_silent_with_a_named_end_user() {
    assert_silent(&order(|_| {}), "RF-ENDUSER-001");
}

#[test]
fn enduse_001_fires_for_a_blank_statement_or_provided_false() {
    assert_fires(
        &order(|o| o["end_use"]["statement"] = json!("")),
        "RF-ENDUSE-001",
        "hold",
        "no end-use statement (statement: ``, provided: `true`)",
    );
    assert_fires(
        &order(|o| o["end_use"]["provided"] = json!(false)),
        "RF-ENDUSE-001",
        "hold",
        "provided: `false`",
    );
    assert_fires(
        &order(|o| remove(o, "end_use")),
        "RF-ENDUSE-001",
        "hold",
        "statement: `(missing)`",
    );
}

#[test]
fn enduse_001_is_silent_with_a_statement_and_no_provided_flag() {
    assert_silent(&order(|_| {}), "RF-ENDUSE-001");
    let o = order(|o| o["end_use"] = json!({"statement": "Series production"}));
    assert_silent(&o, "RF-ENDUSE-001");
}

#[test]
fn business_001_fires_for_an_unrelated_trade_buying_capital_equipment() {
    let o = order(|o| {
        o["buyer"]["business"] = json!("a small bakery");
        o["items"][0]["hs"] = json!("8471.50");
        o["items"][0]["description"] = json!("Rack servers");
    });
    assert_fires(
        &o,
        "RF-BUSINESS-001",
        "hold",
        "trades in `a small bakery` yet orders `Rack servers` (HS 847150)",
    );
}

#[test]
fn business_001_is_silent_for_a_fitting_trade_or_goods_that_are_not_capital_equipment() {
    let o = order(|o| o["items"][0]["hs"] = json!("8471.50"));
    assert_silent(&o, "RF-BUSINESS-001");
    // A bakery buying stamping dies (HS 82) is odd but not this rule.
    let o = order(|o| o["buyer"]["business"] = json!("bakery"));
    assert_silent(&o, "RF-BUSINESS-001");
    // No stated business at all: `if_missing = false`.
    let o = order(|o| {
        remove(&mut o["buyer"], "business");
        remove(&mut o["end_user"], "business");
        o["items"][0]["hs"] = json!("8471.50");
    });
    assert_silent(&o, "RF-BUSINESS-001");
}

#[test]
fn business_001_is_undecided_when_an_item_has_no_hs_code() {
    let o = order(|o| {
        o["buyer"]["business"] = json!("florist");
        remove(&mut o["items"][0], "hs");
    });
    assert_undecided(&o, "RF-BUSINESS-001", "`items[0].hs` is missing");
}

#[test]
fn forwarder_001_fires_for_a_forwarder_as_ultimate_consignee() {
    let o = order(|o| {
        o["consignees"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Nordsee Spedition GmbH", "country": "DE", "city": "Hamburg"}))
    });
    assert_fires(
        &o,
        "RF-FORWARDER-001",
        "hold",
        "Nordsee Spedition GmbH (Hamburg, DE) looks like a forwarder",
    );
    // By line of business too.
    let o = order(|o| o["end_user"]["business"] = json!("freight forwarding and warehousing"));
    assert_fires(&o, "RF-FORWARDER-001", "hold", "looks like a forwarder");
}

#[test]
fn forwarder_001_is_silent_when_only_an_earlier_consignee_is_a_forwarder() {
    // Only the last consignee (and the end user) are tested.
    let o = order(|o| {
        o["consignees"].as_array_mut().unwrap().insert(
            0,
            json!({"name": "Nordsee Logistics GmbH", "country": "DE"}),
        )
    });
    assert_silent(&o, "RF-FORWARDER-001");
    assert_silent(&order(|_| {}), "RF-FORWARDER-001");
}

#[test]
fn forwarder_001_is_undecided_when_the_end_user_has_no_name() {
    let o = order(|o| o["end_user"] = json!({"country": "DE", "city": "Bremen"}));
    assert_undecided(&o, "RF-FORWARDER-001", "`end_user.name` is missing");
}

#[test]
fn newco_001_fires_for_a_company_founded_within_six_months() {
    let o = order(|o| o["buyer"]["established"] = json!("2024-09-01"));
    assert_fires(
        &o,
        "RF-NEWCO-001",
        "review",
        "was established on 2024-09-01, less than six months before the order date 2025-01-14",
    );
}

#[test]
fn newco_001_is_silent_for_an_older_or_undated_company() {
    // Exactly six months before the order date is not after it.
    let o = order(|o| o["buyer"]["established"] = json!("2024-07-14"));
    assert_silent(&o, "RF-NEWCO-001");
    let o = order(|o| o["buyer"]["established"] = json!("2024-07-15"));
    assert_fires(&o, "RF-NEWCO-001", "review", "2024-07-15");
    let o = order(|o| remove(&mut o["buyer"], "established"));
    assert_silent(&o, "RF-NEWCO-001");
}

#[test]
fn services_001_fires_when_installation_or_training_is_declined() {
    for flag in [
        "installation_declined",
        "services_declined",
        "training_declined",
    ] {
        let o = order(|o| o["attributes"] = json!({ flag: true }));
        assert_fires(
            &o,
            "RF-SERVICES-001",
            "hold",
            "declined routine installation",
        );
    }
    // SAP's set flag `X` in a CSV-style attribute reads as true.
    let o = order(|o| o["attributes"] = json!({"installation_declined": "X"}));
    assert_fires(&o, "RF-SERVICES-001", "hold", "declined");
}

#[test]
fn services_001_is_silent_when_nothing_is_declined() {
    assert_silent(&order(|_| {}), "RF-SERVICES-001");
    let o = order(|o| o["attributes"] = json!({"installation_declined": false}));
    assert_silent(&o, "RF-SERVICES-001");
}

#[test]
fn services_001_is_undecided_for_an_answer_that_is_not_yes_or_no() {
    let o = order(|o| o["attributes"] = json!({"installation_declined": "maybe"}));
    assert_undecided(&o, "RF-SERVICES-001", "is not a yes/no answer");
}

#[test]
fn delivery_001_fires_for_vague_delivery_dates() {
    let o = order(|o| o["attributes"] = json!({"delivery_date_vague": true}));
    assert_fires(&o, "RF-DELIVERY-001", "review", "vague delivery dates");
}

#[test]
fn delivery_001_is_silent_otherwise_and_undecided_for_a_non_answer() {
    assert_silent(&order(|_| {}), "RF-DELIVERY-001");
    let o = order(|o| o["attributes"] = json!({"delivery_date_vague": "soon"}));
    assert_undecided(&o, "RF-DELIVERY-001", "`attributes.delivery_date_vague`");
}

// ---- destinations ----

#[test]
fn embargo_001_fires_for_a_party_or_stop_in_an_embargoed_country() {
    let o = order(|o| {
        o["route"]
            .as_array_mut()
            .unwrap()
            .push(json!({"city": "Bandar Abbas", "country": "IR", "kind": "port"}))
    });
    assert_fires(
        &o,
        "RF-EMBARGO-001",
        "block",
        "Bandar Abbas, IR is in `IR` (Iran, 15 CFR 746.7)",
    );
    let o =
        order(|o| o["payment"]["payer"] = json!({"name": "Pyongyang Trading", "country": "KP"}));
    assert_fires(&o, "RF-EMBARGO-001", "block", "(North Korea, 15 CFR 746.4)");
}

#[test]
fn embargo_001_is_silent_for_other_countries() {
    assert_silent(&order(|_| {}), "RF-EMBARGO-001");
    // The seller is not a place the goods go to.
    let o = order(|o| o["seller"]["country"] = json!("CU"));
    assert_silent(&o, "RF-EMBARGO-001");
}

#[test]
fn embargo_001_is_undecided_when_a_party_has_no_country() {
    let o = order(|o| o["forwarder"] = json!({"name": "Unknown Forwarder"}));
    assert_undecided(&o, "RF-EMBARGO-001", "`forwarder.country` is missing");
}

#[test]
fn embargo_002_fires_for_a_city_in_a_covered_region_whatever_the_country() {
    for country in ["UA", "RU"] {
        let o = order(|o| {
            o["consignees"][0] =
                json!({"name": "Donbas Machinery", "country": country, "city": "Donetsk"})
        });
        assert_fires(&o, "RF-EMBARGO-002", "block", "Donbas Machinery (Donetsk, ");
        assert_fires(
            &o,
            "RF-EMBARGO-002",
            "block",
            "is in `Donetsk oblast` (so-called DNR",
        );
    }
}

#[test]
fn embargo_002_is_silent_elsewhere_in_ukraine_and_without_a_city() {
    let o = order(|o| {
        o["consignees"][0] = json!({"name": "Kyiv Machinery", "country": "UA", "city": "Kyiv"})
    });
    assert_silent(&o, "RF-EMBARGO-002");
    let o = order(|o| o["consignees"][0] = json!({"name": "No City", "country": "UA"}));
    assert_silent(&o, "RF-EMBARGO-002");
}

#[test]
fn chpl_001_fires_for_a_chpl_item_to_russia_naming_the_tier() {
    let o = order(|o| {
        o["items"][0]["hs"] = json!("8458.11");
        o["items"][0]["sku"] = json!("HL-400");
        o["end_user"]["country"] = json!("RU");
        o["end_user"]["city"] = json!("Moscow");
    });
    assert_fires(
        &o,
        "RF-CHPL-001",
        "block",
        "item `HL-400` (HS 845811) is CHPL tier 4.b (Horizontal lathes",
    );
    assert_fires(&o, "RF-CHPL-001", "block", "is in `RU`");
}

#[test]
fn chpl_001_is_silent_for_a_non_chpl_item_to_russia_or_a_chpl_item_elsewhere() {
    let o = order(|o| o["end_user"]["country"] = json!("RU"));
    assert_silent(&o, "RF-CHPL-001");
    let o = order(|o| o["items"][0]["hs"] = json!("8458.11"));
    assert_silent(&o, "RF-CHPL-001");
}

#[test]
fn chpl_001_is_undecided_when_an_item_to_russia_has_no_hs_code() {
    let o = order(|o| {
        remove(&mut o["items"][0], "hs");
        o["end_user"]["country"] = json!("BY");
    });
    assert_undecided(&o, "RF-CHPL-001", "`items[0].hs` is missing");
}

#[test]
fn chpl_002_fires_as_review_for_a_lower_tier_to_a_transshipment_country() {
    let o = order(|o| {
        o["items"][0]["hs"] = json!("8457.10");
        o["consignees"][0] = json!({"name": "Bursa Makine", "country": "TR", "city": "Bursa"});
    });
    assert_fires(
        &o,
        "RF-CHPL-002",
        "review",
        "(HS 845710) is CHPL tier 4.b and Bursa Makine (Bursa, TR) is in transshipment-risk country `TR`",
    );
}

#[test]
fn chpl_002_tier_1_is_raised_to_hold() {
    let o = order(|o| {
        o["items"][0]["hs"] = json!("8542.31.00");
        o["items"][0]["sku"] = json!("MCU-32F4");
        o["consignees"][0] = json!({"name": "Zhetysu Trade", "country": "KZ", "city": "Karaganda"});
    });
    assert_fires(
        &o,
        "RF-CHPL-002",
        "hold",
        "item `MCU-32F4` (HS 85423100) is CHPL tier 1 ",
    );
    let j = judge(&o);
    assert_eq!(
        finding(&j, "RF-CHPL-002").unwrap().escalation.as_deref(),
        Some("the item is CHPL tier 1 or 2 (highest priority)")
    );
}

#[test]
fn chpl_002_is_silent_for_a_chpl_item_to_a_country_not_listed() {
    let o = order(|o| o["items"][0]["hs"] = json!("8542.31"));
    assert_silent(&o, "RF-CHPL-002");
}

#[test]
fn chain_001_fires_for_more_than_two_consignees() {
    let o = order(|o| {
        o["consignees"] = json!([
            {"name": "A Logistics", "country": "DE"},
            {"name": "B Warehouse", "country": "DE"},
            {"name": "C GmbH", "country": "DE"}
        ])
    });
    assert_fires(
        &o,
        "RF-CHAIN-001",
        "review",
        "the goods pass A Logistics, B Warehouse, C GmbH (C GmbH last)",
    );
}

#[test]
fn chain_001_is_silent_for_two_consignees_or_none() {
    let o = order(|o| {
        o["consignees"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Site 2", "country": "DE"}))
    });
    assert_silent(&o, "RF-CHAIN-001");
    assert_silent(&order(|o| remove(o, "consignees")), "RF-CHAIN-001");
}

// ---- the samples ----

fn sample_judgements() -> Vec<Judgement> {
    load("fixtures/orders/sample.jsonl", None)
        .iter()
        .map(|r| default_engine().judge(r))
        .collect()
}

fn by_id<'j>(all: &'j [Judgement], id: &str) -> &'j Judgement {
    all.iter()
        .find(|j| j.order_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no judgement for {id}"))
}

#[test]
fn the_dandong_order_is_blocked_with_its_red_flags() {
    let all = sample_judgements();
    let j = by_id(&all, "SO-2015-0042");
    assert_eq!(j.verdict.as_str(), "block");
    let ids: Vec<&str> = j.findings.iter().map(|f| f.rule.id.as_str()).collect();
    for id in [
        "RF-REEXPORT-002",
        "RF-CASH-001",
        "RF-BUSINESS-001",
        "RF-CHAIN-001",
        "RF-ENDUSE-001",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // The flower trader is not in North Korea itself.
    assert!(!ids.contains(&"RF-EMBARGO-001"), "{ids:?}");
    assert!(!ids.contains(&"RF-PAYER-001"), "{ids:?}");
    // Most severe first.
    assert_eq!(j.findings[0].severity.as_str(), "block");
}

#[test]
fn the_clean_samples_are_clear() {
    let all = sample_judgements();
    for id in [
        "SO-2025-0110",
        "SO-2025-0111",
        "SO-2025-0112",
        "SO-2025-0113",
        "SO-2024-0415",
    ] {
        let j = by_id(&all, id);
        assert_eq!(
            j.verdict,
            Verdict::Clear,
            "{id}: {:?}",
            j.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_xaf_cash_sample_is_undecided_naming_the_missing_rate() {
    let all = sample_judgements();
    let j = by_id(&all, "SO-2025-0200");
    let f = finding(j, "RF-CASH-001").expect("RF-CASH-001");
    assert_eq!(f.kind, FindingKind::Undecided);
    assert_eq!(f.severity.as_str(), "hold");
    assert!(f.message.contains("`XAF`"), "{}", f.message);
}

#[test]
fn evidence_names_the_concrete_path_the_value_and_the_list_row() {
    let all = sample_judgements();
    let f = finding(by_id(&all, "SO-2015-0042"), "RF-REEXPORT-002").expect("RF-REEXPORT-002");
    // The first binding that fired: the second consignee, in Dandong.
    let place = f.bindings.iter().find(|b| b.name == "place").unwrap();
    assert_eq!(place.path, "consignees[1]");
    let border = f
        .conditions
        .iter()
        .find(|c| &*c.name == "border_city")
        .expect("border_city evidence");
    assert_eq!(border.truth.as_str(), "true");
    let seen = &border.observations[0];
    assert_eq!(seen.path, "consignees[1].city");
    assert_eq!(seen.seen.as_deref(), Some("Dandong"));
    let row = seen.row.as_ref().expect("a matched row");
    assert_eq!(row.list, "border_cities");
    assert!(
        row.cells.contains(&("faces".to_string(), "KP".to_string())),
        "{:?}",
        row.cells
    );
    assert!(row
        .cells
        .contains(&("city".to_string(), "Dandong".to_string())));
    assert_eq!(row.line, 12, "line of Dandong in border_cities.csv");
    // The condition reading the row names where its value came from.
    let faces = f
        .conditions
        .iter()
        .find(|c| &*c.name == "faces_banned")
        .unwrap();
    assert!(
        faces.observations[0]
            .path
            .starts_with("@border_city.faces (border_cities line 12)"),
        "{:?}",
        faces.observations[0].path
    );
    assert_eq!(faces.observations[0].seen.as_deref(), Some("KP"));
}

#[test]
fn cash_evidence_shows_the_conversion() {
    let j = judge(&cash(12_500, "EUR", "2024-04-08"));
    let f = finding(&j, "RF-CASH-001").unwrap();
    let large = f.conditions.iter().find(|c| &*c.name == "large").unwrap();
    let note = large.observations[0].note.as_deref().unwrap_or("");
    assert!(
        note.contains(
            "12500 EUR = 13529.6 USD at EUR 0.9239 per USD from 2024-01-01 (rates line 158)"
        ),
        "{note}"
    );
}

#[test]
fn count_evidence_names_the_path_as_written_not_the_concrete_one() {
    let o = order(|o| {
        dandong_consignee(o);
        o["items"][0]["controls"] = json!(["EU:2B001"]);
    });
    let j = judge(&o);
    let f = finding(&j, "RF-BORDER-001").unwrap();
    let count = f
        .conditions
        .iter()
        .find(|c| &*c.name == "control_entries")
        .unwrap();
    assert_eq!(count.observations[0].seen.as_deref(), Some("1 member"));
    // Like every operator, `count_*` names the concrete path it counted.
    assert_eq!(count.observations[0].path, "items[0].controls");
    let border = f
        .conditions
        .iter()
        .find(|c| &*c.name == "border_city")
        .unwrap();
    assert_eq!(border.observations[0].path, "consignees[0].city");
}
