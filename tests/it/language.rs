//! Rule-language semantics on small packs built in memory: three-valued
//! logic, missing values, quantifiers, list rows, operators, money, dates,
//! escalation and message templates.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use redflag::engine::Engine;
use redflag::findings::{Finding, FindingKind};
use redflag::order::{InputFormat, Record};
use redflag::rules::{build, PackFiles};

use crate::support::load_text;

/// A pack of one rule file, some lists (name, key column, CSV text) and an
/// optional rates table (CSV text), built in memory.
#[track_caller]
pub(crate) fn engine(rules: &str, lists: &[(&str, &str, &str)], rates: Option<&str>) -> Engine {
    let mut manifest = String::from("[pack]\nname = \"test\"\nversion = \"1\"\n");
    let mut files = BTreeMap::new();
    for (name, key, csv) in lists {
        manifest.push_str(&format!(
            "[lists.{name}]\nfile = \"lists/{name}.csv\"\nkey = \"{key}\"\nas_of = 2025-01-01\n"
        ));
        files.insert(format!("lists/{name}.csv"), csv.as_bytes().to_vec());
    }
    if let Some(rates) = rates {
        manifest.push_str("[rates]\nfile = \"rates.csv\"\nbase = \"USD\"\nas_of = 2025-01-01\n");
        files.insert("rates.csv".to_string(), rates.as_bytes().to_vec());
    }
    files.insert("pack.toml".to_string(), manifest.into_bytes());
    files.insert("rules/test.toml".to_string(), rules.as_bytes().to_vec());
    let (pack, diagnostics) = build(&PackFiles {
        origin: "<test pack>".into(),
        files,
        root: None,
    });
    match pack {
        Some(pack) => Engine::new(pack),
        None => panic!(
            "test pack does not build:\n{}",
            redflag::cli::render_diagnostics(&diagnostics, false)
        ),
    }
}

/// A rule `T-<id>` of severity review with this condition, message and body
/// (its `[rule.when.*]` tables and any other keys).
pub(crate) fn rule(id: &str, condition: &str, message: &str, body: &str) -> String {
    format!(
        "[[rule]]\nid = \"T-{id}\"\ntitle = \"test rule {id}\"\nseverity = \"review\"\n\
         condition = \"{condition}\"\nmessage = \"{message}\"\n{body}\n"
    )
}

/// A small order: buyer B in Bremen, one item, an order date.
pub(crate) fn base() -> Json {
    json!({
        "id": "L-1",
        "date": "2025-01-14",
        "buyer": {"name": "Bremer Werke", "country": "DE", "city": "Bremen"},
        "items": [{"sku": "A", "hs": "8207.30", "value": 100, "currency": "USD"}]
    })
}

pub(crate) fn order(edit: impl FnOnce(&mut Json)) -> Json {
    let mut o = base();
    edit(&mut o);
    o
}

#[track_caller]
pub(crate) fn judge_all(engine: &Engine, order: &Json) -> Vec<Finding> {
    let text = serde_json::to_string(order).unwrap();
    let records = load_text(&text, "case.jsonl", InputFormat::Jsonl);
    if let Record::Error(e) = &records[0] {
        panic!("the test order does not load: {:?}", e.problems);
    }
    engine.judge(&records[0]).findings
}

/// `fired <severity>: <message>`, `undecided <severity>: <message>` or `none`.
#[track_caller]
pub(crate) fn outcome(engine: &Engine, order: &Json, rule_id: &str) -> String {
    match judge_all(engine, order)
        .into_iter()
        .find(|f| f.rule.id == rule_id)
    {
        None => "none".to_string(),
        Some(f) => format!(
            "{} {}: {}",
            match f.kind {
                FindingKind::Fired => "fired",
                FindingKind::Undecided => "undecided",
            },
            f.severity,
            f.message
        ),
    }
}

/// Just the kind: `fired`, `undecided` or `none`.
#[track_caller]
pub(crate) fn kind(engine: &Engine, order: &Json, rule_id: &str) -> String {
    outcome(engine, order, rule_id)
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

// Three named conditions with fixed truth on the base order: `t` true,
// `f` false, `u` unknown (a missing sector compared with `eq`).
const TFU: &str = r#"
[rule.when.t]
path = "buyer.name"
op = "exists"
[rule.when.f]
path = "buyer.name"
op = "missing"
[rule.when.u]
path = "buyer.sector"
op = "eq"
value = "C28"
"#;

#[test]
fn kleene_and_or_not_with_unknown() {
    let cases = [
        ("t", "fired"),
        ("f", "none"),
        ("u", "undecided"),
        ("t and u", "undecided"),
        ("f and u", "none"),
        ("u and f", "none"),
        ("t or u", "fired"),
        ("u or t", "fired"),
        ("f or u", "undecided"),
        ("not u", "undecided"),
        ("not f", "fired"),
        ("not t", "none"),
        ("not (f or u)", "undecided"),
        ("not (t or u)", "none"),
        ("not (f and u)", "fired"),
        ("t and not f and (u or t)", "fired"),
        // `not` binds tighter than `and`, which binds tighter than `or`.
        ("f and u or t", "fired"),
        ("not f and f", "none"),
    ];
    let rules: String = cases
        .iter()
        .enumerate()
        .map(|(i, (c, _))| rule(&format!("{i:02}"), c, "m", TFU))
        .collect();
    let engine = engine(&rules, &[], None);
    let o = base();
    let got: Vec<(&str, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, kind(&engine, &o, &format!("T-{i:02}"))))
        .collect();
    let want: Vec<(&str, String)> = cases.iter().map(|(c, k)| (*c, k.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn an_undecided_rule_names_the_missing_value_and_uses_on_unknown() {
    let rules =
        rule("1", "u", "m", TFU) + &rule("2", "u", "m", &format!("on_unknown = \"block\"\n{TFU}"));
    let engine = engine(&rules, &[], None);
    assert_eq!(
        outcome(&engine, &base(), "T-1"),
        "undecided hold: could not evaluate: u (`buyer.sector` is missing)"
    );
    assert_eq!(
        outcome(&engine, &base(), "T-2"),
        "undecided block: could not evaluate: u (`buyer.sector` is missing)"
    );
}

#[test]
fn if_missing_decides_a_missing_value() {
    let cond = |if_missing: &str| {
        format!(
            "[rule.when.s]\npath = \"buyer.sector\"\nop = \"eq\"\nvalue = \"C28\"\n{if_missing}\n"
        )
    };
    let rules = rule("F", "s", "m", &cond("if_missing = false"))
        + &rule("T", "s", "m", &cond("if_missing = true"))
        + &rule("N", "not s", "m", &cond("if_missing = false"))
        + &rule("U", "s", "m", &cond("if_missing = \"unknown\""));
    let engine = engine(&rules, &[], None);
    let o = base();
    assert_eq!(kind(&engine, &o, "T-F"), "none");
    assert_eq!(kind(&engine, &o, "T-T"), "fired");
    // `not` of a value counted as false is true.
    assert_eq!(kind(&engine, &o, "T-N"), "fired");
    assert_eq!(kind(&engine, &o, "T-U"), "undecided");
    // A present value is judged normally whatever `if_missing` says.
    let o = order(|o| o["buyer"]["sector"] = json!("C28"));
    assert_eq!(kind(&engine, &o, "T-F"), "fired");
    assert_eq!(kind(&engine, &o, "T-N"), "none");
}

fn items(hs: &[Option<&str>]) -> Json {
    order(|o| {
        o["items"] = hs
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let mut item = json!({"sku": format!("S{i}"), "value": 1, "currency": "USD"});
                if let Some(h) = h {
                    item["hs"] = json!(h);
                }
                item
            })
            .collect();
    })
}

#[test]
fn any_and_all_quantifiers_over_a_wildcard_path() {
    let body = |q: &str| {
        format!("[rule.when.tools]\npath = \"items[*].hs\"\nop = \"starts_with\"\nvalues = [\"84\"]\n{q}\n")
    };
    let rules = rule("ANY", "tools", "m", &body(""))
        + &rule("ALL", "tools", "m", &body("quantifier = \"all\""));
    let engine = engine(&rules, &[], None);
    let table = [
        (vec![Some("8457.10"), Some("8458.11")], "fired", "fired"),
        (vec![Some("8457.10"), Some("8207.30")], "fired", "none"),
        (vec![Some("8207.30"), Some("7017.90")], "none", "none"),
        // One element lacks the field: unknown, not false.
        (vec![Some("8207.30"), None], "undecided", "none"),
        (vec![Some("8457.10"), None], "fired", "undecided"),
        (vec![None], "undecided", "undecided"),
    ];
    for (hs, any, all) in table {
        let o = items(&hs);
        assert_eq!(
            (kind(&engine, &o, "T-ANY"), kind(&engine, &o, "T-ALL")),
            (any.to_string(), all.to_string()),
            "{hs:?}"
        );
    }
}

#[test]
fn a_wildcard_over_an_empty_list_is_false_for_any_and_true_for_all() {
    let body = |q: &str| {
        format!(
            "[rule.when.c]\npath = \"consignees[*].country\"\nop = \"eq\"\nvalue = \"KP\"\n{q}\n"
        )
    };
    let rules =
        rule("ANY", "c", "m", &body("")) + &rule("ALL", "c", "m", &body("quantifier = \"all\""));
    let engine = engine(&rules, &[], None);
    let o = order(|o| o["consignees"] = json!([]));
    assert_eq!(kind(&engine, &o, "T-ANY"), "none");
    assert_eq!(kind(&engine, &o, "T-ALL"), "fired");
}

const CITIES: &str = "city,country,faces,note\n\
Dandong,CN,KP,main crossing\n\
Khorgos,KZ,RU,gateway\n\
Khorgos,CN,KZ,other side\n";

#[test]
fn a_condition_reads_the_row_another_matched() {
    let body = r#"
[rule.when.border]
path = "buyer.city"
op = "in_list"
list = "cities"
[rule.when.faces_kp]
path = "@border.faces"
op = "eq"
value = "KP"
"#;
    let rules = rule(
        "1",
        "border and faces_kp",
        "{buyer.city} faces {@border.faces} ({@border.note})",
        body,
    );
    let engine = engine(&rules, &[("cities", "city", CITIES)], None);
    let dandong = order(|o| o["buyer"]["city"] = json!("Dandong"));
    assert_eq!(
        outcome(&engine, &dandong, "T-1"),
        "fired review: Dandong faces KP (main crossing)"
    );
    // Khorgos matches the list but faces RU or KZ, not KP.
    let khorgos = order(|o| o["buyer"]["city"] = json!("Khorgos"));
    assert_eq!(kind(&engine, &khorgos, "T-1"), "none");
    // No row matched: the reader is false, not unknown.
    assert_eq!(kind(&engine, &base(), "T-1"), "none");
    // The source is unknown: so is the reader, and the rule is undecided.
    let no_city = order(|o| {
        o["buyer"].as_object_mut().unwrap().remove("city");
    });
    assert_eq!(kind(&engine, &no_city, "T-1"), "undecided");
}

#[test]
fn match_columns_require_the_other_columns_to_match_too() {
    let body = r#"
[rule.when.border]
path = "buyer.city"
op = "in_list"
list = "cities"
match_columns = { country = "buyer.country" }
"#;
    let rules = rule("1", "border", "{buyer.city} faces {@border.faces}", body);
    let engine = engine(&rules, &[("cities", "city", CITIES)], None);
    let at = |city: &str, country: &str| {
        order(|o| {
            o["buyer"]["city"] = json!(city);
            o["buyer"]["country"] = json!(country);
        })
    };
    // The city is folded: case and surrounding blanks do not matter.
    assert_eq!(
        outcome(&engine, &at(" DANDONG ", "CN"), "T-1"),
        "fired review: DANDONG faces KP"
    );
    assert_eq!(kind(&engine, &at("Dandong", "US"), "T-1"), "none");
    // Two rows share the key; only the one whose country matches is used.
    assert_eq!(
        outcome(&engine, &at("Khorgos", "CN"), "T-1"),
        "fired review: Khorgos faces KZ"
    );
    assert_eq!(
        outcome(&engine, &at("Khorgos", "KZ"), "T-1"),
        "fired review: Khorgos faces RU"
    );
    // A matching city with no country to compare: unknown.
    let no_country = order(|o| {
        o["buyer"]["city"] = json!("Dandong");
        o["buyer"].as_object_mut().unwrap().remove("country");
    });
    assert_eq!(
        outcome(&engine, &no_country, "T-1"),
        "undecided hold: could not evaluate: border (`buyer.city` matched `Dandong` in `cities` but `buyer.country` is missing)"
    );
}

#[test]
fn starts_with_a_list_prefers_the_longest_prefix() {
    let prefixes = "prefix,label\n84,chapter 84\n8457,heading 8457\n845710,subheading 845710\n";
    let body = r#"
[rule.when.p]
path = "items[*].hs"
op = "starts_with"
list = "prefixes"
"#;
    let rules = rule("1", "p", "{@p.label}", body);
    let engine = engine(&rules, &[("prefixes", "prefix", prefixes)], None);
    let o = items(&[Some("8457.10.90")]);
    let f = judge_all(&engine, &o)
        .into_iter()
        .find(|f| f.rule.id == "T-1")
        .expect("T-1 fires");
    // The evidence row is the longest prefix.
    let row = f.conditions[0].observations[0].row.clone().expect("a row");
    assert_eq!(row.line, 4);
    assert_eq!(
        row.cells[1],
        ("label".to_string(), "subheading 845710".to_string())
    );
    // Every matching prefix is kept, longest first.
    assert_eq!(f.message, "subheading 845710, heading 8457, chapter 84");
    let o = items(&[Some("8458.11")]);
    assert_eq!(outcome(&engine, &o, "T-1"), "fired review: chapter 84");
    let o = items(&[Some("8207.30")]);
    assert_eq!(kind(&engine, &o, "T-1"), "none");
}

#[test]
fn contains_any_matches_whole_words_ignoring_case_and_spacing() {
    let body = r#"
[rule.when.w]
path = "buyer.business"
op = "contains_any"
values = ["bakery", "cut flowers"]
"#;
    let rules = rule("1", "w", "m", body);
    let engine = engine(&rules, &[], None);
    let with = |business: &str| order(|o| o["buyer"]["business"] = json!(business));
    for (business, expected) in [
        ("small bakery", "fired"),
        ("Bakery and café", "fired"),
        ("bakery-supplies", "fired"),
        ("bakeryware", "none"),
        ("bakers", "none"),
        ("cut  flowers and bulbs", "fired"),
        ("cutflowers", "none"),
        ("shortcut flowers", "none"),
    ] {
        assert_eq!(
            kind(&engine, &with(business), "T-1"),
            expected,
            "{business}"
        );
    }
}

#[test]
fn date_after_with_a_negative_month_offset() {
    let body = r#"
[rule.when.new]
path = "buyer.established"
op = "after"
field = "date"
offset = "-6 months"
"#;
    let rules = rule("1", "new", "{buyer.established} vs {date}", body);
    let engine = engine(&rules, &[], None);
    let at = |date: &str, established: &str| {
        order(|o| {
            o["date"] = json!(date);
            o["buyer"]["established"] = json!(established);
        })
    };
    assert_eq!(
        kind(&engine, &at("2025-01-14", "2024-07-14"), "T-1"),
        "none"
    );
    assert_eq!(
        outcome(&engine, &at("2025-01-14", "2024-07-15"), "T-1"),
        "fired review: 2024-07-15 vs 2025-01-14"
    );
    // Month ends clamp: six months before 31 August is 28 February.
    assert_eq!(
        kind(&engine, &at("2025-08-31", "2025-02-28"), "T-1"),
        "none"
    );
    assert_eq!(
        kind(&engine, &at("2025-08-31", "2025-03-01"), "T-1"),
        "fired"
    );
    // No founding date and no `if_missing`: undecided.
    assert_eq!(kind(&engine, &base(), "T-1"), "undecided");
}

#[test]
fn within_a_number_of_days_of_another_date() {
    let body = r#"
[rule.when.soon]
path = "ship_date"
op = "within"
field = "date"
days = 30
"#;
    let rules = rule("1", "soon", "m", body);
    let engine = engine(&rules, &[], None);
    let ship = |d: &str| order(|o| o["ship_date"] = json!(d));
    assert_eq!(kind(&engine, &ship("2025-02-13"), "T-1"), "fired");
    assert_eq!(kind(&engine, &ship("2025-02-14"), "T-1"), "none");
    // Either direction.
    assert_eq!(kind(&engine, &ship("2024-12-20"), "T-1"), "fired");
    assert_eq!(kind(&engine, &base(), "T-1"), "undecided");
}

#[test]
fn count_operators_count_list_members() {
    let body =
        |op: &str, n: u32| format!("[rule.when.c]\npath = \"items\"\nop = \"{op}\"\nvalue = {n}\n");
    let rules = rule("GT1", "c", "m", &body("count_gt", 1))
        + &rule("EQ2", "c", "m", &body("count_eq", 2))
        + &rule("LT1", "c", "m", &body("count_lt", 1));
    let engine = engine(&rules, &[], None);
    let one = items(&[Some("8207.30")]);
    let two = items(&[Some("8207.30"), Some("8207.30")]);
    let got = |o: &Json| ["T-GT1", "T-EQ2", "T-LT1"].map(|r| kind(&engine, o, r));
    assert_eq!(got(&one), ["none", "none", "none"]);
    assert_eq!(got(&two), ["fired", "fired", "none"]);
    // A missing list counts as empty, never unknown.
    let rules = rule(
        "Z",
        "c",
        "m",
        "[rule.when.c]\npath = \"consignees\"\nop = \"count_lt\"\nvalue = 1\n",
    );
    let engine = self::engine(&rules, &[], None);
    assert_eq!(kind(&engine, &base(), "T-Z"), "fired");
}

pub(crate) const RATES: &str = "date,currency,per_usd\n\
2000-01-01,USD,1\n\
2020-01-01,EUR,0.5\n\
2024-01-01,EUR,2\n";

#[test]
fn money_is_converted_at_the_rate_in_force_on_the_order_date() {
    let body = r#"
[rule.when.large]
path = "payment.amount"
op = "gte"
value = "1000 USD"
"#;
    let rules = rule("1", "large", "{payment.amount} {payment.currency}", body);
    let engine = engine(&rules, &[], Some(RATES));
    let pay = |date: &str, amount: u32, currency: &str| {
        order(|o| {
            o["date"] = json!(date);
            o["payment"] = json!({"method": "wire", "amount": amount, "currency": currency});
        })
    };
    // 600 EUR at 0.5 per USD is 1,200 USD in 2021; at 2 per USD, 300 USD in 2024.
    assert_eq!(
        outcome(&engine, &pay("2021-06-01", 600, "EUR"), "T-1"),
        "fired review: 600 EUR"
    );
    assert_eq!(kind(&engine, &pay("2024-06-01", 600, "EUR"), "T-1"), "none");
    // The new rate applies from its own date.
    assert_eq!(
        kind(&engine, &pay("2023-12-31", 600, "EUR"), "T-1"),
        "fired"
    );
    assert_eq!(kind(&engine, &pay("2024-01-01", 600, "EUR"), "T-1"), "none");
    assert_eq!(
        kind(&engine, &pay("2024-01-01", 2000, "EUR"), "T-1"),
        "fired"
    );
    // Before the first EUR rate, or a currency with none: undecided.
    assert_eq!(
        outcome(&engine, &pay("2019-06-01", 600, "EUR"), "T-1"),
        "undecided hold: could not evaluate: large (`payment.amount` cannot be converted: no `EUR` rate on or before 2019-06-01 in the rates table (as of 2025-01-01))"
    );
    assert_eq!(
        kind(&engine, &pay("2021-06-01", 600, "GBP"), "T-1"),
        "undecided"
    );
    // The base currency needs no row.
    assert_eq!(
        kind(&engine, &pay("2019-06-01", 1000, "USD"), "T-1"),
        "fired"
    );
    assert_eq!(kind(&engine, &pay("2019-06-01", 999, "USD"), "T-1"), "none");
}

#[test]
fn money_under_a_wildcard_uses_each_items_own_currency() {
    let body = r#"
[rule.when.large]
path = "items[*].value"
op = "gt"
value = "1000 EUR"
"#;
    // 1000 EUR is 2000 USD in 2021.
    let rules = rule("1", "large", "m", body);
    let engine = engine(&rules, &[], Some(RATES));
    let with = |values: Json| {
        order(|o| {
            o["date"] = json!("2021-06-01");
            o["items"] = values;
        })
    };
    let o = with(json!([
        {"sku": "A", "value": 1500, "currency": "USD"},
        {"sku": "B", "value": 1001, "currency": "EUR"}
    ]));
    assert_eq!(kind(&engine, &o, "T-1"), "fired");
    let o = with(json!([
        {"sku": "A", "value": 1001, "currency": "USD"},
        {"sku": "B", "value": 900, "currency": "EUR"}
    ]));
    assert_eq!(kind(&engine, &o, "T-1"), "none");
    let o = with(json!([
        {"sku": "A", "value": 2001, "currency": "USD"},
        {"sku": "B", "value": 900, "currency": "EUR"}
    ]));
    assert_eq!(kind(&engine, &o, "T-1"), "fired");
}

#[test]
fn escalation_raises_the_severity_with_its_reason() {
    let body = r#"
escalate = [
  { condition = "big", severity = "block", reason = "a big one" },
  { condition = "sector", severity = "hold" },
]
[rule.when.any]
path = "items"
op = "count_gt"
value = 0
[rule.when.big]
path = "items"
op = "count_gt"
value = 1
[rule.when.sector]
path = "buyer.sector"
op = "eq"
value = "C28"
if_missing = false
"#;
    let rules = rule("1", "any", "m", body);
    let engine = engine(&rules, &[], None);
    let f = |o: &Json| {
        judge_all(&engine, o)
            .into_iter()
            .find(|f| f.rule.id == "T-1")
            .map(|f| (f.severity.as_str().to_string(), f.escalation))
            .unwrap()
    };
    assert_eq!(f(&base()), ("review".to_string(), None));
    assert_eq!(
        f(&items(&[Some("8207.30"), Some("8207.30")])),
        ("block".to_string(), Some("a big one".to_string()))
    );
    // Without a reason, the condition text stands in.
    let o = order(|o| o["buyer"]["sector"] = json!("C28"));
    assert_eq!(f(&o), ("hold".to_string(), Some("sector".to_string())));
}

#[test]
fn an_escalation_that_cannot_be_ruled_out_still_raises() {
    let body = r#"
escalate = [{ condition = "sector", severity = "hold", reason = "sector C28" }]
[rule.when.any]
path = "items"
op = "count_gt"
value = 0
[rule.when.sector]
path = "buyer.sector"
op = "eq"
value = "C28"
"#;
    let rules = rule("1", "any", "m", body);
    let engine = engine(&rules, &[], None);
    let f = judge_all(&engine, &base())
        .into_iter()
        .find(|f| f.rule.id == "T-1")
        .unwrap();
    assert_eq!(f.kind, FindingKind::Fired);
    assert_eq!(f.severity.as_str(), "hold");
    assert_eq!(
        f.escalation.as_deref(),
        Some("sector C28 (could not be ruled out)")
    );
}

#[test]
fn message_templates_render_variables_paths_and_rows() {
    let body = r#"
for_each = { party = ["buyer", "consignees[*]"], item = "items[*]" }
[rule.when.listed]
path = "party.city"
op = "in_list"
list = "cities"
"#;
    let rules = rule(
        "1",
        "listed",
        "{party} / {party.name} / {party.sector} / {item} / {item.hs} / {items[*].sku} / {@listed.faces} / {date}",
        body,
    );
    let engine = engine(&rules, &[("cities", "city", CITIES)], None);
    let o = order(|o| {
        o["consignees"] = json!([{"name": "Yalu Co.", "country": "CN", "city": "Dandong"}]);
        o["items"] = json!([
            {"sku": "A", "hs": "8457.10", "value": 1, "currency": "USD"},
            {"sku": "B", "hs": "8457.10", "value": 1, "currency": "USD"},
            {"sku": "A", "value": 1, "currency": "USD"}
        ]);
    });
    let f = judge_all(&engine, &o)
        .into_iter()
        .find(|f| f.rule.id == "T-1")
        .unwrap();
    // A bound party reads as "name (city, country)"; a missing value as
    // `(missing)`; a wildcard path lists each distinct value once.
    assert_eq!(
        f.message,
        "Yalu Co. (Dandong, CN) / Yalu Co. / (missing) / A / 845710 / A, B / KP / 2025-01-14"
    );
    // Three items, one consignee in the list: three sets of bindings fired.
    assert_eq!(f.matches, 3);
    let bound: Vec<(&str, &str)> = f
        .bindings
        .iter()
        .map(|b| (b.name.as_str(), b.path.as_str()))
        .collect();
    assert_eq!(bound, [("party", "consignees[0]"), ("item", "items[0]")]);
}

#[test]
fn a_variable_bound_to_a_missing_party_binds_nothing() {
    let body = r#"
for_each = { party = ["end_user", "forwarder"] }
[rule.when.de]
path = "party.country"
op = "eq"
value = "DE"
"#;
    let rules = rule("1", "de", "{party}", body);
    let engine = engine(&rules, &[], None);
    // Neither an end user nor a forwarder: no bindings, no finding.
    assert_eq!(kind(&engine, &base(), "T-1"), "none");
    let o = order(|o| o["forwarder"] = json!({"name": "Fwd", "country": "DE"}));
    assert_eq!(outcome(&engine, &o, "T-1"), "fired review: Fwd (DE)");
}

#[test]
fn rate_date_ship_date_converts_at_the_shipment_rate() {
    let body = r#"
[rule.when.large]
path = "payment.amount"
op = "gte"
value = "1000 USD"
rate_date = "ship_date"
"#;
    let rules = rule("1", "large", "{payment.amount}", body);
    let engine = engine(&rules, &[], Some(RATES));
    // Ordered in 2023 (0.5 EUR per USD: 1,200 USD), shipped in 2024 (2 per USD: 300 USD).
    let shipped = order(|o| {
        o["date"] = json!("2023-06-01");
        o["ship_date"] = json!("2024-06-01");
        o["payment"] = json!({"method": "wire", "amount": 600, "currency": "EUR"});
    });
    assert_eq!(kind(&engine, &shipped, "T-1"), "none");
    // Without a ship date the order date is used.
    let unshipped = order(|o| {
        o["date"] = json!("2023-06-01");
        o["payment"] = json!({"method": "wire", "amount": 600, "currency": "EUR"});
    });
    assert_eq!(kind(&engine, &unshipped, "T-1"), "fired");
}

#[test]
fn a_cross_product_past_the_limit_takes_the_rules_own_severity_not_a_milder_one() {
    let rules = r#"
[[rule]]
id = "T-1"
title = "three of a kind"
severity = "block"
for_each = { a = "items[*]", b = "items[*]", c = "items[*]" }
condition = "same"
message = "x"
[rule.when.same]
path = "a.sku"
op = "eq"
value = "never"
"#;
    let engine = engine(rules, &[], None);
    let many = |n: usize| {
        order(|o| {
            o["items"] = Json::Array(
                (0..n)
                    .map(|i| json!({"sku": format!("S{i}"), "hs": "820730"}))
                    .collect(),
            )
        })
    };
    // 28^3 = 21,952 combinations are all judged: the rule is decided, exactly.
    assert_eq!(kind(&engine, &many(28), "T-1"), "none");
    // 100^3 = 1,000,000 is the limit itself, not past it: still decided.
    assert_eq!(kind(&engine, &many(100), "T-1"), "none");
    // 101^3 = 1,030,301 exceed the limit: the rule stands at its own severity, `block`.
    let text = outcome(&engine, &many(101), "T-1");
    assert!(
        text.starts_with(
            "undecided block: could not evaluate `T-1`: the order has more than 1000000 combinations"
        ),
        "{text}"
    );
}

#[test]
fn a_rule_of_one_variable_sees_every_element_however_many() {
    let body = r#"
for_each = { stop = "route[*]" }
[rule.when.kp]
path = "stop.country"
op = "eq"
value = "KP"
"#;
    let engine = engine(&rule("1", "kp", "{stop}", body), &[], None);
    // The one stop in North Korea is the last of 9,999 (the most a list may hold is 10,000): no
    // limit may hide it.
    let o = order(|o| {
        let mut stops: Vec<Json> = (0..9_998)
            .map(|i| json!({"city": format!("Port {i}"), "country": "NL"}))
            .collect();
        stops.push(json!({"city": "Nampo", "country": "KP"}));
        o["route"] = Json::Array(stops);
    });
    assert_eq!(outcome(&engine, &o, "T-1"), "fired review: Nampo, KP");
}

/// A pack of one rule: `contains_any` of `words` in the buyer's business, and the buyer's
/// city named among the places of a list of one city.
fn words_and_places_engine(words: &str, city: &str) -> Engine {
    let manifest = "[pack]\nname = \"test\"\nversion = \"1\"\n\
        [lists.cities]\nfile = \"lists/cities.csv\"\nkey = \"city\"\nas_of = 2025-01-01\nplaces = true\n";
    let rules = rule(
        "1",
        "w or c",
        "m",
        &format!(
            "[rule.when.w]\npath = \"buyer.business\"\nop = \"contains_any\"\nvalues = [\"{words}\"]\n\
             [rule.when.c]\npath = \"buyer.city\"\nop = \"in_list\"\nlist = \"cities\"\ncolumn = \"city\"\n"
        ),
    );
    let files = BTreeMap::from([
        ("pack.toml".to_string(), manifest.as_bytes().to_vec()),
        ("rules/test.toml".to_string(), rules.into_bytes()),
        (
            "lists/cities.csv".to_string(),
            format!("city\n{city}\n").into_bytes(),
        ),
    ]);
    let (pack, diagnostics) = build(&PackFiles {
        origin: "<test pack>".into(),
        files,
        root: None,
    });
    Engine::new(
        pack.unwrap_or_else(|| panic!("{}", redflag::cli::render_diagnostics(&diagnostics, false))),
    )
}

#[test]
fn what_one_pack_found_in_a_text_is_never_the_answer_of_another() {
    // Pattern sets and place look-ups are remembered per thread across orders, and packs
    // come and go in one process (`serve` reloads, rule tests build one per file): each pack
    // judged in turn on the same texts, on this one thread, must give its own answers, also
    // after the first pack is dropped and another compiled in its place.
    let bakery = words_and_places_engine("bakery", "Dandong");
    let florist = words_and_places_engine("florist", "Sinuiju");
    let at = |business: &str, city: &str| {
        order(|o| {
            o["buyer"]["business"] = json!(business);
            o["buyer"]["city"] = json!(city);
        })
    };
    // Each pack answers for its own word and city only.
    let table = [
        (&bakery, "small bakery", "Bremen", "fired"),
        (&florist, "small bakery", "Bremen", "none"),
        (&florist, "a florist", "Bremen", "fired"),
        (&bakery, "a florist", "Bremen", "none"),
        (&bakery, "tools", "Dandong, Liaoning", "fired"),
        (&florist, "tools", "Dandong, Liaoning", "none"),
        (&florist, "tools", "Sinuiju city", "fired"),
        (&bakery, "tools", "Sinuiju city", "none"),
    ];
    // Twice: the second round is answered from what the first remembered.
    for _ in 0..2 {
        for (engine, business, city, expected) in table {
            assert_eq!(
                kind(engine, &at(business, city), "T-1"),
                expected,
                "{business} in {city}"
            );
        }
    }
    drop(bakery);
    let again = words_and_places_engine("florist", "Sinuiju");
    assert_eq!(
        kind(&again, &at("small bakery", "Dandong, Liaoning"), "T-1"),
        "none"
    );
    assert_eq!(kind(&again, &at("a florist", "Bremen"), "T-1"), "fired");
    let swapped = words_and_places_engine("bakery", "Dandong");
    assert_eq!(
        kind(&swapped, &at("a florist", "Sinuiju city"), "T-1"),
        "none"
    );
    assert_eq!(
        kind(&swapped, &at("small bakery", "Bremen"), "T-1"),
        "fired"
    );
}
