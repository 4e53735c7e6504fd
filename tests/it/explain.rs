//! `redflag explain`: a rule in plain words, a rule run on one order (fired,
//! not fired with why-not amounts, undecided, no combination at all), the
//! engine trace it rests on (held to `judge`), and the usage errors.

use super::support::redflag as run;
use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use redflag::engine::Engine;
use redflag::explain::{explain_order, Outcome, Reason};
use redflag::findings::{FindingKind, Truth};
use redflag::order::{InputFormat, Order, Record};
use redflag::report::explain::{order_text, why_not_lines};
use redflag::rules::{build, PackFiles};

use crate::support::{load, load_text};

const SAMPLE: &str = "fixtures/orders/sample.jsonl";
const TULIP_PACK: &str = "fixtures/explain/tulip-pack";
const TULIP_ORDERS: &str = "fixtures/explain/orders.jsonl";

/// Runs `redflag explain ARGS`, which must succeed quietly; its stdout.
#[track_caller]
fn explain(args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let out = run(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `redflag explain ARGS`, which must fail with status 2 and nothing on
/// stdout; its stderr.
#[track_caller]
fn explain_fails(args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_rule_in_plain_words() {
    let text = explain(&["RF-REEXPORT-002"]);
    insta::assert_snapshot!(text);
}

#[test]
fn a_rule_with_its_tests() {
    let text = explain(&["TULIP-001", "--rules", TULIP_PACK]);
    assert!(text.contains("tests (4):"), "{text}");
    assert!(
        text.contains("a florist who also runs a machine shop (does not fire) (todo: needs a way to record a second line of business)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_rule_of_the_default_pack_lists_its_tests() {
    let text = explain(&["RF-CASH-001"]);
    assert!(!text.contains("tests: no tests"), "{text}");
    assert!(
        text.contains("cash of 9,999.99 USD stays silent (does not fire)"),
        "{text}"
    );
}

#[test]
fn escalations_and_quantifiers_in_words() {
    let text = explain(&["RF-BORDER-001"]);
    assert!(
        text.contains("raised to hold when `chpl or controlled or control_entries` holds or cannot be ruled out: an item is on the Common High Priority List or carries a control-list entry"),
        "{text}"
    );
    assert!(
        text.contains("place  each consignee, the end user, then each route stop (consignees[*], end_user, route[*])"),
        "{text}"
    );
    assert!(
        text.contains("the number of `item`'s control-list entries is more than 0"),
        "{text}"
    );
}

#[test]
fn a_fired_rule_on_an_order() {
    let text = explain(&[
        "TULIP-001",
        "--rules",
        TULIP_PACK,
        "--order",
        TULIP_ORDERS,
        "--id",
        "TULIP-1",
    ]);
    assert!(text.contains("result: fired · hold\n"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_fired_rule_with_an_escalation() {
    let text = explain(&["RF-BORDER-001", "--order", SAMPLE, "--id", "SO-2024-0301"]);
    assert!(
        text.contains("result: fired in 3 of 5 combinations · hold\n"),
        "{text}"
    );
    assert!(
        text.contains("raised from review to hold: an item is on the Common High Priority List"),
        "{text}"
    );
    assert!(
        text.contains("escalation to hold: `chpl or controlled or control_entries` holds"),
        "{text}"
    );
}

#[test]
fn a_rule_that_did_not_fire_says_by_how_much() {
    let text = explain(&[
        "TULIP-001",
        "--rules",
        TULIP_PACK,
        "--order",
        TULIP_ORDERS,
        "--id",
        "TULIP-2",
    ]);
    assert!(
        text.contains("`costly` does not hold: `items[0].value` 61,000 CNY (9,795.26 USD) is below the 10,000 USD threshold by 204.74 USD"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn why_not_of_the_default_cash_rule() {
    let text = explain(&["RF-CASH-001", "--order", SAMPLE, "--id", "SO-2024-0415"]);
    insta::assert_snapshot!(text);
    assert!(
        text.contains("`payment.amount` 8,000 EUR (8,658.95 USD) is below the 10,000 USD threshold by 1,341.05 USD"),
        "{text}"
    );
}

#[test]
fn why_not_names_the_list_a_value_is_not_in() {
    let text = explain(&["RF-BORDER-001", "--order", SAMPLE, "--id", "SO-2024-0301"]);
    assert!(
        text.contains("`border_city` does not hold: `end_user.city` = `Karaganda` is not a `city` in list `border_cities`"),
        "{text}"
    );
    let text = explain(&[
        "TULIP-001",
        "--rules",
        TULIP_PACK,
        "--order",
        TULIP_ORDERS,
        "--id",
        "MILL-3",
    ]);
    assert!(
        text.contains("`unrelated_trade` does not hold: `buyer.business` = `import and distribution of machine tools`, expected contains a word from list `trades`"),
        "{text}"
    );
}

#[test]
fn a_date_comparison_says_by_how_many_days() {
    let text = explain(&["RF-NEWCO-001", "--order", SAMPLE, "--id", "SO-2023-0117"]);
    assert!(
        text.contains(
            "`buyer.established` 2008-04-10 is before 2023-05-20 (`date` -6 months) by 5,518 days"
        ),
        "{text}"
    );
}

#[test]
fn an_undecided_rule_says_what_it_could_not_read() {
    let text = explain(&["RF-CASH-001", "--order", SAMPLE, "--id", "SO-2025-0200"]);
    assert!(
        text.contains("result: undecided · hold (fails closed)\n"),
        "{text}"
    );
    assert!(
        text.contains("`large` cannot be decided: `payment.amount` = `9000000` cannot be converted: no `XAF` rate on or before 2025-06-16"),
        "{text}"
    );
}

#[test]
fn a_variable_with_nothing_to_take_leaves_no_combination() {
    let text = explain(&["RF-REEXPORT-001", "--order", SAMPLE, "--id", "SO-2025-0110"]);
    assert!(
        text.contains("result: not fired: there is no combination to evaluate\n  `ban` had nothing to take (each restriction of `item`: item.restrictions[*])\n"),
        "{text}"
    );
}

#[test]
fn json_explanation_keeps_the_decimals() {
    let text = explain(&[
        "TULIP-001",
        "--rules",
        TULIP_PACK,
        "--order",
        TULIP_ORDERS,
        "--id",
        "TULIP-2",
        "--format",
        "json",
    ]);
    let doc: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "redflag.explain/1");
    assert_eq!(doc["outcome"], "not_fired");
    assert_eq!(doc["order"]["id"], "TULIP-2");
    assert_eq!(doc["finding"], Json::Null);
    let why = &doc["combinations"][0]["why_not"];
    assert_eq!(why.as_array().map(Vec::len), Some(1), "{why}");
    let reason = &why[0]["reasons"][0];
    assert_eq!(
        reason,
        &json!({
            "kind": "compared",
            "path": "items[0].value",
            "cmp": "≥",
            "left": {"amount": "61000", "currency": "CNY"},
            "right": {"amount": "10000", "currency": "USD"},
            "converted": {"left": "9795.26", "right": "10000", "currency": "USD"},
            "operand": "10000 USD",
            "literal": true,
            "offset": null,
            "text": "`items[0].value` 61,000 CNY (9,795.26 USD) is below the 10,000 USD threshold by 204.74 USD",
        })
    );
    // The rule alone, as JSON, lists the pack's test cases.
    let rule: Json = serde_json::from_str(&explain(&[
        "TULIP-001",
        "--rules",
        TULIP_PACK,
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        rule["rule"]["tests"][2]["name"],
        "a machine-tool dealer buying a machine tool"
    );
    assert_eq!(rule["rule"]["tests"][2]["fires"], false);
    assert_eq!(
        rule["rule"]["conditions"][2]["sentence"],
        "`item`'s value is at least 10,000 USD, both converted at the rate in force on the order date"
    );
}

#[test]
fn a_file_of_one_order_needs_no_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.jsonl");
    let line = std::fs::read_to_string(TULIP_ORDERS)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let path = path.to_string_lossy().to_string();
    let text = explain(&["TULIP-001", "--rules", TULIP_PACK, "--order", &path]);
    assert!(text.contains("order TULIP-1 ("), "{text}");
    let stderr = explain_fails(&["TULIP-001", "--rules", TULIP_PACK, "--order", TULIP_ORDERS]);
    assert!(
        stderr.contains("E004") && stderr.contains("holds 4 orders; name one with `--id`"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_rule_is_a_usage_error_with_did_you_mean() {
    let stderr = explain_fails(&["RF-CASH-01"]);
    insta::assert_snapshot!(stderr, @r"
    E001

      × the pack has no rule `RF-CASH-01`
      help: did you mean `RF-CASH-001`?
    ");
    // Also with an order: the rule is looked up before the order is read.
    let stderr = explain_fails(&["rf-cash-001", "--order", "no-such-file.jsonl"]);
    assert!(stderr.contains("did you mean `RF-CASH-001`?"), "{stderr}");
}

#[test]
fn an_unknown_order_id_lists_the_close_ones() {
    let stderr = explain_fails(&["RF-CASH-001", "--order", SAMPLE, "--id", "SO-2024-0451"]);
    insta::assert_snapshot!(stderr, @r"
    E002

      × `fixtures/orders/sample.jsonl` has no order `SO-2024-0451`
      help: close ids: `SO-2024-0301`, `SO-2024-0412`, `SO-2024-0415`, `SO-2024-0601`, `SO-2024-0520`
    ");
}

#[test]
fn an_order_that_could_not_be_read_is_a_usage_error() {
    let stderr = explain_fails(&[
        "RF-CASH-001",
        "--order",
        "fixtures/orders/bad/bad.jsonl",
        "--id",
        "BAD-0003",
    ]);
    assert!(stderr.contains("E003"), "{stderr}");
    assert!(
        stderr.contains("O105 `buyer.country`: `XX` is not an ISO 3166-1 country code"),
        "{stderr}"
    );
    let stderr = explain_fails(&["RF-CASH-001", "--order", "no-such-file.jsonl", "--id", "X"]);
    assert!(stderr.contains("I001"), "{stderr}");
}

#[test]
fn an_id_without_an_order_is_bad_usage() {
    let out = run(&["explain", "RF-CASH-001", "--id", "SO-2024-0415"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--order <FILE>"));
}

// ---------------------------------------------------------------------------
// Through the library: the trace against `judge`, and why-not logic.

fn sample_orders() -> Vec<Order> {
    load(SAMPLE, None)
        .into_iter()
        .filter_map(|r| match r {
            Record::Order(o) => Some(o),
            Record::Error(_) => None,
        })
        .collect()
}

#[test]
fn the_trace_agrees_with_judge_on_every_rule_and_sample_order() {
    let files = PackFiles::embedded();
    let engine = Engine::new(build(&files).0.unwrap());
    let mut seen = BTreeMap::new();
    for order in sample_orders() {
        let judgement = engine.judge_order(&order);
        for rule in &engine.pack().rules {
            let explained = explain_order(&engine, &files, rule, &order);
            let finding = judgement.findings.iter().find(|f| f.rule.id == rule.id);
            let expected = match finding.map(|f| f.kind) {
                Some(FindingKind::Fired) => Outcome::Fired,
                Some(FindingKind::Undecided) => Outcome::Undecided,
                None => Outcome::NotFired,
            };
            assert_eq!(explained.outcome, expected, "{} on {}", rule.id, order.id);
            assert_eq!(explained.finding.as_ref(), finding);
            // A fired rule fired in as many combinations as `judge` counted.
            if let Some(f) = finding.filter(|f| f.kind == FindingKind::Fired) {
                let fired = explained
                    .combinations
                    .iter()
                    .filter(|c| c.truth == Truth::True)
                    .count();
                assert_eq!(fired, f.matches, "{} on {}", rule.id, order.id);
            }
            // Every combination that did not fire says why.
            for c in &explained.combinations {
                assert_eq!(
                    c.truth != Truth::True,
                    !c.why_not.is_empty(),
                    "{} on {}",
                    rule.id,
                    order.id
                );
            }
            *seen.entry(explained.outcome.as_str()).or_insert(0) += 1;
        }
    }
    // The sample exercises all three outcomes.
    assert_eq!(seen.len(), 3, "{seen:?}");
}

/// An engine over one in-memory rule file (no lists, USD-only rates).
#[track_caller]
fn engine(rules: &str) -> (Engine, PackFiles) {
    let mut files = BTreeMap::new();
    files.insert(
        "pack.toml".to_string(),
        b"[pack]\nname = \"t\"\nversion = \"1\"\n[rates]\nfile = \"rates.csv\"\nas_of = 2025-01-01\n"
            .to_vec(),
    );
    files.insert(
        "rates.csv".to_string(),
        b"date,currency,per_usd\n2000-01-01,USD,1\n".to_vec(),
    );
    files.insert("rules/t.toml".to_string(), rules.as_bytes().to_vec());
    let files = PackFiles {
        origin: "<test>".into(),
        files,
        root: None,
    };
    let (pack, diagnostics) = build(&files);
    match pack {
        Some(pack) => (Engine::new(pack), files),
        None => panic!("{}", redflag::cli::render_diagnostics(&diagnostics, false)),
    }
}

fn order(value: Json) -> Order {
    let records = load_text(&value.to_string(), "t.jsonl", InputFormat::Jsonl);
    match records.into_iter().next() {
        Some(Record::Order(o)) => o,
        other => panic!("{other:?}"),
    }
}

#[test]
fn past_the_combination_limit_the_trace_says_so_and_judge_is_undecided() {
    let (engine, files) = engine(
        r#"
[[rule]]
id = "T-PAIRS"
title = "pairs"
severity = "review"
for_each = { i = "items[*]", c = "consignees[*]" }
condition = "same"
message = "m"
[rule.when.same]
path = "i.origin"
op = "eq"
field = "c.country"
"#,
    );
    // 150 × 150 = 22,500 combinations, over the limit of 20,000.
    let items: Vec<Json> = (0..150)
        .map(|i| json!({"sku": format!("S{i}"), "origin": "DE"}))
        .collect();
    let consignees: Vec<Json> = (0..150)
        .map(|i| json!({"name": format!("C{i}"), "country": "FR"}))
        .collect();
    let o = order(json!({
        "id": "BIG", "date": "2025-01-01", "buyer": {"name": "B"},
        "items": items, "consignees": consignees,
    }));
    let trace = engine.trace("T-PAIRS", &o).unwrap();
    assert!(trace.overflow);
    assert_eq!(trace.combinations.len(), trace.limit);
    assert_eq!(trace.limit, 20_000);
    let rule = &engine.pack().rules[0];
    // The trace shows the first 20,000; the outcome is the judge's, over all 22,500.
    let explained = explain_order(&engine, &files, rule, &o);
    assert_eq!(explained.outcome, Outcome::NotFired);
    assert_eq!(explained.overflow, Some(20_000));
    assert!(explained.finding.is_none());
    // One pair that holds, past what the trace shows, makes the rule fire.
    let mut consignees = consignees;
    consignees[149] = json!({"name": "C149", "country": "DE"});
    let o = order(json!({
        "id": "BIG", "date": "2025-01-01", "buyer": {"name": "B"},
        "items": (0..150).map(|i| json!({"sku": format!("S{i}"), "origin": "DE"})).collect::<Vec<_>>(),
        "consignees": consignees,
    }));
    let explained = explain_order(&engine, &files, rule, &o);
    assert_eq!(explained.outcome, Outcome::Fired);
    assert_eq!(
        explained.finding.map(|f| (f.kind, f.matches)),
        Some((FindingKind::Fired, 150))
    );
    assert!(engine.trace("T-NONE", &o).is_none());
}

#[test]
fn why_not_blames_only_what_decided() {
    let (engine, files) = engine(
        r#"
[[rule]]
id = "T-BLAME"
title = "blame"
severity = "review"
condition = "cash and large and not waived and has_controls"
message = "m"
[rule.when.cash]
path = "payment.method"
op = "eq"
value = "cash"
[rule.when.large]
path = "payment.amount"
op = "gte"
value = "10000 USD"
[rule.when.waived]
path = "attributes.waived"
op = "is_true"
[rule.when.has_controls]
path = "items[*].controls"
op = "count_gt"
value = 1
"#,
    );
    let rule = &engine.pack().rules[0];
    let why = |o: &Order| -> Vec<String> {
        let e = explain_order(&engine, &files, rule, o);
        e.combinations[0]
            .why_not
            .iter()
            .flat_map(why_not_lines)
            .collect()
    };
    // Wire payment, amount missing: only `cash` decided; the unknown amount
    // could not have changed a false `and`.
    let o = order(json!({
        "id": "A", "date": "2025-01-01", "buyer": {"name": "B"},
        "items": [{"sku": "X", "controls": ["EU:2B001", "US:2B001"]}],
        "payment": {"method": "wire", "currency": "USD"},
        "attributes": {"waived": false},
    }));
    assert_eq!(
        why(&o),
        ["`cash` does not hold: `payment.method` = `wire`, expected = `cash`"]
    );
    // Under `not`, a condition that holds is the reason; a count says how many.
    let o = order(json!({
        "id": "B", "date": "2025-01-01", "buyer": {"name": "B"},
        "items": [{"sku": "X", "controls": ["EU:2B001"]}],
        "payment": {"method": "cash", "amount": 12000, "currency": "USD"},
        "attributes": {"waived": true},
    }));
    assert_eq!(
        why(&o),
        [
            "`waived` holds, and the rule needs it not to: `attributes.waived` = `true` is true",
            "`has_controls` does not hold: `items[0].controls` has 1 member; the rule needs more than 1",
        ]
    );
    // The amount missing, everything else fine: unknown, and it says so.
    let o = order(json!({
        "id": "C", "date": "2025-01-01", "buyer": {"name": "B"},
        "items": [{"sku": "X", "controls": ["EU:2B001", "US:2B001"]}],
        "payment": {"method": "cash", "currency": "USD"},
    }));
    let e = explain_order(&engine, &files, rule, &o);
    assert_eq!(e.outcome, Outcome::Undecided);
    assert_eq!(
        e.combinations[0].why_not[0].reasons,
        [Reason::Missing {
            path: "payment.amount".into(),
            counted_as: None
        }]
    );
    assert!(order_text(&e).contains("`large` cannot be decided: `payment.amount` is missing"));
}
