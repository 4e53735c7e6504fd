//! `sum_*`: the numbers or amounts a path reaches, added up. The diverter's case is a machine
//! invoiced as lines that each stay under a threshold the whole is over; a sum that cannot be
//! added up (a line with no value, no currency or no rate) must never read as small.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use redflag::findings::Quantity;

use crate::language::{engine, judge_all, kind, order, outcome, rule, RATES};

/// Rule `T-1`, reviewing an order whose lines add up to at least 1,000 USD.
const AT_LEAST_1000_USD: &str = r#"
[rule.when.whole]
path = "items[*].value"
op = "sum_gte"
value = "1000 USD"
"#;

/// Rule `T-1` with [`AT_LEAST_1000_USD`] and `extra` keys for its condition.
fn whole_engine(extra: &str) -> redflag::engine::Engine {
    let body = format!("{AT_LEAST_1000_USD}{extra}");
    engine(&rule("1", "whole", "m", &body), &[], Some(RATES))
}

/// Two lines: `usd` dollars and `eur` euros.
fn usd_and_eur(usd: u32, eur: u32) -> Json {
    json!([
        {"sku": "A", "value": usd, "currency": "USD"},
        {"sku": "B", "value": eur, "currency": "EUR"}
    ])
}

/// The base order dated in 2021 (0.5 EUR per USD) with these lines.
fn lines(items: Json) -> Json {
    order(|o| {
        o["date"] = json!("2021-06-01");
        o["items"] = items;
    })
}

#[test]
fn lines_each_under_a_threshold_are_added_up_each_at_its_own_rate() {
    let engine = whole_engine("");
    // 300 USD and 400 EUR (800 USD): 1,100 USD together, neither line 1,000 USD alone.
    assert_eq!(kind(&engine, &lines(usd_and_eur(300, 400)), "T-1"), "fired");
    // 300 USD and 300 EUR: 900 USD. (Added as written, the lines above would be 700: only
    // their conversion puts them over.) 500 EUR alone is exactly 1,000 USD.
    assert_eq!(kind(&engine, &lines(usd_and_eur(300, 300)), "T-1"), "none");
    let exactly = lines(json!([{"sku": "A", "value": 500, "currency": "EUR"}]));
    assert_eq!(kind(&engine, &exactly, "T-1"), "fired");
    // The rate in force on the order date: 2 EUR per USD from 2024, so 400 EUR is 200 USD.
    let later = order(|o| {
        o["date"] = json!("2024-06-01");
        o["items"] = usd_and_eur(300, 400);
    });
    assert_eq!(kind(&engine, &later, "T-1"), "none");
}

#[test]
fn a_sum_shows_its_members_its_total_and_the_rates_it_used() {
    let engine = whole_engine("");
    let split = lines(json!([
        {"sku": "A", "value": 300, "currency": "USD"},
        {"sku": "B", "value": 400, "currency": "EUR"},
        {"sku": "C", "value": 100, "currency": "EUR"}
    ]));
    let findings = judge_all(&engine, &split);
    let condition = findings
        .iter()
        .find(|f| f.rule.id == "T-1")
        .and_then(|f| f.conditions.iter().find(|c| &*c.name == "whole"))
        .expect("the sum's evidence");
    assert_eq!(condition.observations.len(), 1);
    let seen = &condition.observations[0];
    assert_eq!(seen.path, "items[*].value");
    assert_eq!(
        seen.seen.as_deref(),
        Some("300 USD + 400 EUR + 100 EUR (3 amounts)")
    );
    assert_eq!(
        seen.note.as_deref(),
        Some("sum = 1300 USD at EUR 0.5 per USD from 2020-01-01 (rates line 3)")
    );
    let comparison = seen.comparison.as_ref().expect("the numbers compared");
    assert_eq!(
        comparison.left,
        Quantity::Money(Decimal::from(1300), "USD".into())
    );
    assert_eq!(
        comparison.converted,
        Some((Decimal::from(1300), Decimal::from(1000), "USD".into()))
    );
}

#[test]
fn a_line_that_cannot_be_added_leaves_the_sum_undecided() {
    let engine = whole_engine("");
    let cheap = json!({"sku": "A", "value": 10, "currency": "USD"});
    let undecided = |second: Json| {
        let o = lines(json!([cheap.clone(), second]));
        outcome(&engine, &o, "T-1")
    };
    // No value, no currency, a currency without a rate: the line may be worth anything, so
    // ten dollars beside it are not known to be under the bound.
    assert_eq!(
        undecided(json!({"sku": "B", "currency": "USD"})),
        "undecided hold: could not evaluate: whole (`items[1].value` is missing, so the sum is undecided)"
    );
    assert_eq!(
        undecided(json!({"sku": "B", "value": 5})),
        "undecided hold: could not evaluate: whole (`items[1].value` has no `currency` beside it, so the sum is undecided)"
    );
    assert_eq!(
        undecided(json!({"sku": "B", "value": 5, "currency": "GBP"})),
        "undecided hold: could not evaluate: whole (`items[1].value` cannot be converted: no `GBP` rate on or before 2021-06-01 in the rates table (as of 2025-01-01), so the sum is undecided)"
    );
}

#[test]
fn if_missing_decides_a_sum_with_a_line_of_no_value_but_not_one_that_cannot_be_added() {
    let engine = whole_engine("if_missing = true\n");
    let missing = lines(json!([{"sku": "A", "value": 10, "currency": "USD"}, {"sku": "B"}]));
    assert_eq!(kind(&engine, &missing, "T-1"), "fired");
    let no_rate = lines(json!([{"sku": "A", "value": 10, "currency": "GBP"}]));
    assert_eq!(kind(&engine, &no_rate, "T-1"), "undecided");
    // Neither way round does `if_missing` decide a sum with a member that cannot be added.
    let engine = whole_engine("if_missing = false\n");
    let gbp = json!({"sku": "A", "value": 10, "currency": "GBP"});
    let blank = json!({"sku": "B"});
    for items in [json!([blank.clone(), gbp.clone()]), json!([gbp, blank])] {
        assert_eq!(kind(&engine, &lines(items), "T-1"), "undecided");
    }
}

/// Rule `T-1` over a list of numbers an export writes into the order's attributes.
fn parts_engine(op: &str) -> redflag::engine::Engine {
    let body = format!(
        "[rule.when.parts]\npath = \"attributes.part_counts[*]\"\nop = \"{op}\"\nvalue = 10\n"
    );
    engine(&rule("1", "parts", "m", &body), &[], None)
}

fn parts(counts: Json) -> Json {
    order(|o| o["attributes"] = json!({ "part_counts": counts }))
}

#[test]
fn no_member_adds_up_to_zero() {
    let engine = parts_engine("sum_lt");
    assert_eq!(kind(&engine, &parts(json!([])), "T-1"), "fired");
    // An absent list is an empty one, as the order format has it.
    let absent = order(|o| o["attributes"] = json!({ "other": 1 }));
    assert_eq!(kind(&engine, &absent, "T-1"), "fired");
    // The list's owner absent is a value the path expected and did not find.
    assert_eq!(kind(&engine, &order(|_| {}), "T-1"), "undecided");
    assert_eq!(kind(&engine, &parts(json!([4, 7])), "T-1"), "none");
}

#[test]
fn numbers_written_as_text_are_read_as_numbers_and_other_text_is_undecided() {
    let engine = parts_engine("sum_gt");
    assert_eq!(kind(&engine, &parts(json!(["4", " 7 "])), "T-1"), "fired");
    assert_eq!(
        outcome(&engine, &parts(json!([4, "a few"])), "T-1"),
        "undecided hold: could not evaluate: parts (`attributes.part_counts[1]` is text, not a number, so the sum is undecided)"
    );
}

#[test]
fn numbers_add_up_as_written() {
    let body = r#"
[rule.when.many]
path = "items[*].quantity"
op = "sum_gt"
value = 10
"#;
    let engine = engine(&rule("1", "many", "m", body), &[], None);
    let with = |quantities: &[u32]| {
        let items: Vec<Json> = quantities
            .iter()
            .map(|q| json!({"sku": "A", "quantity": q, "value": 1, "currency": "USD"}))
            .collect();
        order(|o| o["items"] = json!(items))
    };
    assert_eq!(kind(&engine, &with(&[4, 4, 3]), "T-1"), "fired");
    assert_eq!(kind(&engine, &with(&[4, 4, 2]), "T-1"), "none");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The sum's verdict is the exact sum's: each EUR line is two dollars per euro in 2021,
    /// so the order is over 1,000 USD exactly when its dollars and twice its euros are.
    #[test]
    fn a_sum_decides_as_the_exact_sum_of_its_converted_lines(
        members in prop::collection::vec((0u32..700, any::<bool>()), 1..8)
    ) {
        let engine = whole_engine("");
        let items: Vec<Json> = members
            .iter()
            .map(|(value, euro)| {
                json!({"sku": "A", "value": value, "currency": if *euro { "EUR" } else { "USD" }})
            })
            .collect();
        let dollars: u64 = members
            .iter()
            .map(|(value, euro)| u64::from(*value) * if *euro { 2 } else { 1 })
            .sum();
        let expected = if dollars >= 1000 { "fired" } else { "none" };
        prop_assert_eq!(kind(&engine, &lines(json!(items)), "T-1"), expected);
    }
}
