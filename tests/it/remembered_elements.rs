//! A thread remembers which rules came to nothing on a place or item read alike in an earlier
//! order, and does not walk them again (`engine::element_memo`). A diverter would want an
//! earlier, harmless order to teach it to let a later one pass: an order dated before Russia's
//! row of the list came into force, then the same buyer after it; a city under its own
//! country's code, then under another's. Each later order must be judged as it is judged
//! alone, by an engine that remembers nothing (one keeping a profile, which judges without
//! the memo).

use std::sync::OnceLock;

use proptest::prelude::*;
use redflag::engine::Engine;
use redflag::findings::{Judgement, Verdict};
use redflag::rules::{PackFiles, Severity};
use serde_json::{json, Value as Json};

use super::properties::{engine, judgement_by, judgement_of, order, party, with_id};

/// The default pack judging without the memo of elements read.
fn alone() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        Engine::new(pack.unwrap_or_else(|| panic!("{diagnostics:?}"))).with_profile()
    })
}

fn judged_alone(order: &Json) -> Judgement {
    judgement_by(alone(), order)
}

fn fired(judgement: &Judgement, rule: &str) -> bool {
    judgement
        .findings
        .iter()
        .any(|f| f.rule.id == rule && f.later.is_none())
}

/// An order of `buyer`, dated `date`, shipped ten days later.
fn order_of(id: &str, date: &str, buyer: Json) -> Json {
    let shipped =
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap() + chrono::Days::new(10);
    json!({
        "id": id, "date": date, "ship_date": shipped.to_string(),
        "seller": {"name": "Hessler Werkzeugbau GmbH", "country": "DE", "city": "Pforzheim"},
        "buyer": buyer,
        "items": [{"sku": "PD-1", "description": "Progressive stamping die set", "hs": "8207.30",
                   "quantity": 1, "value": 86500, "currency": "EUR", "origin": "DE"}],
        "payment": {"method": "wire", "amount": 86500, "currency": "EUR"},
    })
}

fn assert_judged_as_alone(order: &Json) -> Judgement {
    let remembered = judgement_of(order);
    let alone = judged_alone(order);
    assert_eq!(remembered.verdict, alone.verdict, "{order}");
    assert_eq!(
        format!("{:#?}", remembered.findings),
        format!("{:#?}", alone.findings),
        "{order}"
    );
    remembered
}

#[test]
fn the_engine_orders_are_compared_with_walks_every_rule_again() {
    // The comparisons below hold only if `alone()` remembers nothing: a profile's counts show
    // RF-PLACE-001 asked of the same Moscow buyer as often the second time as the first.
    let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
    let profiled = Engine::new(pack.unwrap_or_else(|| panic!("{diagnostics:?}"))).with_profile();
    let buyer = json!({"name": "Stanko Trading LLC", "country": "RU", "city": "Moscow"});
    let asked = |engine: &Engine| {
        let profile = engine.profile().unwrap();
        let cost = profile
            .rules
            .iter()
            .find(|r| r.rule_id == "RF-PLACE-001")
            .unwrap();
        cost.evaluated + cost.from_memo
    };
    judgement_by(&profiled, &order_of("AG-1", "2024-03-01", buyer.clone()));
    let once = asked(&profiled);
    judgement_by(&profiled, &order_of("AG-2", "2024-03-02", buyer));
    assert!(once > 0);
    assert_eq!(asked(&profiled), 2 * once);
}

#[test]
fn a_buyer_in_russia_before_the_row_came_into_force_does_not_clear_it_after() {
    let buyer = json!({"name": "Stanko Trading LLC", "country": "RU", "city": "Moscow"});
    // Russia's row of `russia_belarus` is in force from 2022-02-24: before it, RF-EMBARGO-005
    // finds only a lookback; the same buyer's next order, after it, is held.
    let before = assert_judged_as_alone(&order_of("RB-1", "2021-06-01", buyer.clone()));
    assert!(!fired(&before, "RF-EMBARGO-005"), "{:#?}", before.findings);
    for id in ["RB-2", "RB-3"] {
        let after = assert_judged_as_alone(&order_of(id, "2023-06-01", buyer.clone()));
        assert!(fired(&after, "RF-EMBARGO-005"), "{:#?}", after.findings);
        assert!(after.verdict >= Verdict::Flagged(Severity::Hold));
    }
}

#[test]
fn a_city_under_its_own_country_code_does_not_clear_it_under_another() {
    // Moscow given as Russia is judged by its code (RF-PLACE-001 finds nothing); Moscow given
    // as Germany is a city of Russia under another country's code.
    let own = json!({"name": "Stanko Trading LLC", "country": "RU", "city": "Moscow"});
    let other = json!({"name": "Stanko Trading LLC", "country": "DE", "city": "Moscow"});
    let first = assert_judged_as_alone(&order_of("CC-1", "2024-03-01", own));
    assert!(!fired(&first, "RF-PLACE-001"), "{:#?}", first.findings);
    let then = assert_judged_as_alone(&order_of("CC-2", "2024-03-02", other));
    assert!(fired(&then, "RF-PLACE-001"), "{:#?}", then.findings);
}

#[test]
fn a_bakery_that_ordered_flowers_is_not_cleared_for_machine_tools() {
    // RF-BUSINESS-001 binds the party, then each item. The bakery's first order has no capital
    // equipment, so the rule visits nothing, but the party itself was not ruled out: its next
    // order, of a machining centre, must be walked.
    let bakery = json!({"name": "Tulip Trade Bakery", "country": "CN", "city": "Shenzhen",
                        "business": "bakery"});
    let mut flowers = order_of("BK-1", "2024-03-01", bakery.clone());
    flowers["items"][0]["hs"] = json!("0603.11");
    flowers["items"][0]["description"] = json!("Cut tulips");
    let first = assert_judged_as_alone(&flowers);
    assert!(!fired(&first, "RF-BUSINESS-001"), "{:#?}", first.findings);
    let mut machine = order_of("BK-2", "2024-03-02", bakery);
    machine["items"][0]["hs"] = json!("8457.10");
    machine["items"][0]["description"] = json!("5-axis machining centre");
    let then = assert_judged_as_alone(&machine);
    assert!(fired(&then, "RF-BUSINESS-001"), "{:#?}", then.findings);
}

/// A party of a place a dated list row or a region list names, or any generated one.
fn pooled_party() -> impl Strategy<Value = Json> {
    let places = prop::sample::select(vec![
        ("Moscow", "RU"),
        ("Minsk", "BY"),
        ("Sevastopol", "UA"),
        ("Sevastopol", "US"),
        ("Donetsk", "UA"),
        ("Tehran", "IR"),
        ("Bremen", "DE"),
    ]);
    prop_oneof![
        party(),
        (party(), places).prop_map(|(mut p, (city, country))| {
            p["city"] = json!(city);
            p["country"] = json!(country);
            p
        }),
    ]
}

/// Orders whose parties come from one small pool, dated from 2021 to 2024, on either side of
/// the first days of dated list rows (Russia from 2022-02-24, Belarus from 2022-03-02).
fn orders_sharing_parties() -> impl Strategy<Value = Vec<Json>> {
    let pick = any::<prop::sample::Index>();
    (
        proptest::collection::vec(pooled_party(), 1..4),
        proptest::collection::vec(
            (order(), 0u64..1400, pick.clone(), pick.clone(), pick),
            2..8,
        ),
    )
        .prop_map(|(pool, orders)| {
            orders
                .into_iter()
                .enumerate()
                .map(|(i, (mut order, day, buyer, end_user, consignee))| {
                    let date = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
                        + chrono::Days::new(day);
                    order["date"] = json!(date.to_string());
                    order["ship_date"] = json!((date + chrono::Days::new(10)).to_string());
                    order["buyer"] = pool[buyer.index(pool.len())].clone();
                    if order.get("end_user").is_some() {
                        order["end_user"] = pool[end_user.index(pool.len())].clone();
                    }
                    order["consignees"] = json!([pool[consignee.index(pool.len())]]);
                    with_id(order, i)
                })
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    /// Orders judged one after another on one thread, sharing their parties, are judged as
    /// each is judged alone: verdicts and findings, evidence and match counts included.
    #[test]
    fn orders_judged_one_after_another_are_judged_as_each_alone(orders in orders_sharing_parties()) {
        // The engine of the other properties, whose memo their orders filled on this thread.
        let _ = engine();
        for order in &orders {
            let remembered = judgement_of(order);
            let alone = judged_alone(order);
            prop_assert_eq!(remembered.verdict, alone.verdict, "{}", order);
            prop_assert_eq!(
                format!("{:#?}", remembered.findings),
                format!("{:#?}", alone.findings),
                "{}", order
            );
        }
    }
}
