//! `check --profile`: what each rule cost. The counts must not depend on the thread count or
//! on whether a profile is kept, must add up to the report, and keeping a profile must not
//! change the report.

use redflag::engine::{Engine, Profile, RuleCost, ScreeningCost};
use redflag::report::profile::{render_json, render_table, PROFILE_VERSION};
use redflag::rules::PackFiles;
use serde_json::Value as Json;

use crate::support::{code, load, redflag, stderr, stdout};

const ORDERS: &str = "fixtures/orders/sample.jsonl";

/// The profile of `check ORDERS` with `threads` threads, and the JSON Lines report.
fn profiled(dir: &std::path::Path, threads: &str) -> (Json, String) {
    let path = dir.join(format!("profile-{threads}.json"));
    let path = path.to_str().unwrap_or_default();
    let out = redflag(&[
        "check",
        ORDERS,
        "--format",
        "jsonl",
        "--threads",
        threads,
        "--profile",
        path,
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let profile = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (profile, stdout(&out))
}

/// The rules' counts, without their times, by rule id.
fn counts(profile: &Json) -> Vec<(String, Vec<u64>)> {
    let mut rows: Vec<(String, Vec<u64>)> = profile["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let id = r["rule_id"].as_str().unwrap_or_default().to_string();
            let fields = [
                "orders",
                "evaluated",
                "from_memo",
                "combinations",
                "findings",
            ];
            (
                id,
                fields
                    .iter()
                    .map(|f| r[f].as_u64().unwrap_or(u64::MAX))
                    .collect(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_profile_counts_the_same_work_for_any_thread_count_and_adds_up_to_the_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (one, report_one) = profiled(dir.path(), "1");
    let (two, report_two) = profiled(dir.path(), "2");
    assert_eq!(counts(&one), counts(&two));
    assert_eq!(one["profile_version"], PROFILE_VERSION);
    // Keeping a profile changes nothing in the report.
    let plain = redflag(&["check", ORDERS, "--format", "jsonl"]);
    assert_eq!(report_one, stdout(&plain));
    assert_eq!(report_two, stdout(&plain));
    let records: Vec<Json> = report_one
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let orders: Vec<&Json> = records
        .iter()
        .filter(|r| r["type"] == "order" && r["verdict"] != "error")
        .collect();
    let findings: usize = orders
        .iter()
        .map(|o| o["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(findings > 0, "the sample has findings");
    assert_eq!(one["orders"].as_u64(), Some(orders.len() as u64));
    let rows = counts(&one);
    let total = |k: usize| {
        rows.iter()
            .map(|(_, c)| c.get(k).copied().unwrap_or(0))
            .sum::<u64>()
    };
    assert_eq!(total(4), findings as u64);
    // Every rule of the pack is listed, judged on every order (none is dated after today),
    // and each finding came from a combination tested whole.
    let header = records.iter().find(|r| r["type"] == "run");
    let rules = header.and_then(|h| h["pack"]["rules"].as_u64());
    assert_eq!(Some(rows.len() as u64), rules, "{header:?}");
    for (id, c) in &rows {
        assert_eq!(c.first().copied(), Some(orders.len() as u64), "{id}");
        assert!(
            c.get(3) >= c.get(4),
            "{id}: fewer combinations than findings"
        );
    }
    assert!(
        total(1) > 0 && total(2) > 0,
        "conditions evaluated and shared: {rows:?}"
    );
}

#[test]
fn screening_is_counted_apart_once_per_party_of_an_order_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = |threads: &str, list: bool| -> Json {
        let path = dir.path().join(format!("screening-{threads}-{list}.json"));
        let path = path.to_str().unwrap_or_default();
        let mut args = vec![
            "check",
            "fixtures/orders/screening.jsonl",
            "-o",
            "/dev/null",
            "--threads",
            threads,
            "--profile",
            path,
        ];
        if list {
            args.extend(["--list", "fixtures/lists/designated/designated.ftm.json"]);
        }
        let out = redflag(&args);
        assert_ne!(code(&out), 2, "{}", stderr(&out));
        let text = std::fs::read_to_string(path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let (one, two, unlisted) = (run("1", true), run("2", true), run("1", false));
    let parties = one["screening"]["parties"].as_u64().unwrap_or(0);
    // Buyers, end users, consignees and payers, each distinct party once per order: more
    // parties than orders.
    let orders = one["orders"].as_u64().unwrap_or(0);
    assert!(parties > orders, "{parties} parties, {orders} orders");
    assert_eq!(two["screening"]["parties"], one["screening"]["parties"]);
    assert_eq!(counts(&one), counts(&two));
    assert_eq!(unlisted["screening"]["parties"], 0);
    assert_eq!(unlisted["screening"]["nanos"], 0);
    // The rules' times leave the screening out: the parts add up to no more than the whole.
    let rules: u64 = one["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| r["nanos"].as_u64().unwrap_or(0))
        .sum();
    let screening = one["screening"]["nanos"].as_u64().unwrap_or(0);
    assert!(screening > 0);
    assert!(rules.saturating_add(screening) <= one["nanos"].as_u64().unwrap_or(0));
}

#[test]
fn the_profile_table_goes_to_standard_error_and_leaves_the_report_alone() {
    let out = redflag(&["check", ORDERS, "--format", "jsonl", "--profile", "-"]);
    let plain = redflag(&["check", ORDERS, "--format", "jsonl"]);
    assert_eq!(stdout(&out), stdout(&plain));
    assert_eq!(code(&out), code(&plain));
    let err = stderr(&out);
    assert!(
        err.contains("evaluated") && err.contains("(all rules)"),
        "{err}"
    );
    assert!(err.contains("RF-BORDER-001"), "{err}");
}

#[test]
fn a_profile_that_cannot_be_written_fails_the_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("no-such-dir").join("profile.txt");
    let path = path.to_str().unwrap_or_default();
    let out = redflag(&["check", ORDERS, "--profile", path]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the profile"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_engine_keeps_a_profile_only_when_asked_and_counts_each_order_once() {
    let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
    let pack = pack.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let rules = pack.rules.len();
    let plain = Engine::new(pack.clone());
    let records = load(ORDERS, None);
    for record in &records {
        plain.judge(record);
    }
    assert!(plain.profile().is_none());
    let profiled = Engine::new(pack).with_profile();
    let before = profiled.profile().unwrap_or_default();
    assert_eq!((before.orders, before.rules.len()), (0, rules));
    let mut findings = 0;
    for record in &records {
        findings += profiled.judge(record).findings.len();
    }
    let after = profiled.profile().unwrap_or_default();
    let read = records
        .iter()
        .filter(|r| matches!(r, redflag::order::Record::Order(_)))
        .count();
    assert_eq!(after.orders, read as u64);
    assert_eq!(
        after.rules.iter().map(|r| r.findings).sum::<u64>(),
        findings as u64
    );
    assert!(after.nanos >= after.rules.iter().map(|r| r.nanos).sum::<u64>());
}

fn cost(id: &str, nanos: u64) -> RuleCost {
    RuleCost {
        rule_id: id.into(),
        orders: 4,
        evaluated: 10,
        from_memo: 2,
        combinations: 3,
        findings: 1,
        nanos,
    }
}

#[test]
fn the_table_lists_the_dearest_rule_first_and_adds_up_the_rest() {
    let profile = Profile {
        orders: 4,
        nanos: 10_000_000,
        screening: ScreeningCost {
            parties: 3,
            nanos: 500_000,
        },
        rules: vec![
            cost("RF-A", 1_000_000),
            cost("RF-B", 6_000_000),
            cost("RF-C", 1_000_000),
        ],
    };
    let table = render_table(&profile);
    let words = |n: usize| -> Vec<String> {
        table
            .lines()
            .nth(n)
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    let firsts: Vec<String> = (1..=3).map(|n| words(n).remove(0)).collect();
    assert_eq!(firsts, ["RF-B", "RF-A", "RF-C"]);
    assert_eq!(
        words(1),
        ["RF-B", "6.0", "60.0", "1500.0", "4", "10", "2", "3", "1"]
    );
    assert_eq!(
        words(4),
        ["(all", "rules)", "8.0", "80.0", "2000.0", "4", "30", "6", "9", "3"]
    );
    assert_eq!(
        words(5),
        ["(screening", "3", "parties)", "0.5", "5.0", "125.0", "4"]
    );
    assert_eq!(
        words(6),
        ["(rest", "of", "judging)", "1.5", "15.0", "375.0", "4"]
    );
}

#[test]
fn a_profile_of_no_orders_divides_by_nothing() {
    let profile = Profile {
        orders: 0,
        nanos: 0,
        screening: ScreeningCost::default(),
        rules: vec![RuleCost {
            rule_id: "RF-A".into(),
            ..RuleCost::default()
        }],
    };
    assert!(render_table(&profile).contains("RF-A"));
    let json: Json = serde_json::from_str(&render_json(&profile)).unwrap_or_default();
    assert_eq!(json["rules"][0]["rule_id"], "RF-A");
    assert_eq!(json["orders"], 0);
}

#[test]
fn a_profile_never_replaces_an_input_or_the_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let orders = dir.path().join("orders.jsonl");
    let original = std::fs::read(ORDERS).unwrap_or_default();
    std::fs::write(&orders, &original).unwrap_or_else(|e| panic!("{e}"));
    let orders = orders.to_str().unwrap_or_default();
    let out = redflag(&["check", orders, "-q", "--profile", orders]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("C003"), "{}", stderr(&out));
    assert_eq!(std::fs::read(orders).unwrap_or_default(), original);
    // The report need not exist yet: the same name in the same directory is refused too.
    let report = dir.path().join("report.json");
    let report = report.to_str().unwrap_or_default();
    let same = dir.path().join(".").join("report.json");
    let same = same.to_str().unwrap_or_default();
    let out = redflag(&["check", ORDERS, "-o", report, "--profile", same]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the profile would overwrite the report"),
        "{}",
        stderr(&out)
    );
    assert!(
        !std::path::Path::new(report).exists(),
        "nothing was written"
    );
}

/// A condition over two variables is asked of every pair of their elements: an order of 60
/// items and 60 route stops asks it 3,600 times, far past the few outcomes a class keeps in a
/// list it scans, so they are looked up by hash (a scan made 1,100 items by 1,001 stops run
/// for hours). The second rule asking the same thing is answered from the first's outcomes,
/// every one found, and both find the one pair that matches, the last.
#[test]
fn a_condition_asked_of_thousands_of_pairs_is_answered_from_the_memo() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(pack.join("rules")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        pack.join("pack.toml"),
        "[pack]\nname = \"memo\"\nversion = \"1\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rule = |id: &str| {
        format!(
            "[[rule]]\nid = \"{id}\"\nversion = 1\ntitle = \"stop named as the item\"\nseverity = \"hold\"\n\
             family = \"test\"\nreferences = [{{ cite = \"test\" }}]\n\
             for_each = {{ item = \"items[*]\", stop = \"route[*]\" }}\ncondition = \"same\"\n\
             message = \"{{stop}}\"\n[rule.when.same]\npath = \"stop.city\"\nop = \"eq\"\nfield = \"item.sku\"\n"
        )
    };
    std::fs::write(
        pack.join("rules/memo.toml"),
        format!("{}\n{}", rule("MEMO-1"), rule("MEMO-2")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let items: Vec<Json> = (0..60)
        .map(|i| serde_json::json!({"sku": format!("S-{i}"), "hs": "820730", "value": 10, "currency": "EUR"}))
        .collect();
    let stops: Vec<Json> = (0..60)
        .map(|i| serde_json::json!({"city": format!("C-{i}"), "country": "NL"}))
        .map(|mut s| {
            if s["city"] == "C-59" {
                s["city"] = Json::from("S-59");
            }
            s
        })
        .collect();
    let order = serde_json::json!({
        "id": "MEMO-ORDER", "date": "2025-01-02",
        "buyer": {"name": "B", "country": "NL"},
        "items": items, "route": stops,
    });
    let orders = dir.path().join("orders.jsonl");
    std::fs::write(&orders, format!("{order}\n")).unwrap_or_else(|e| panic!("{e}"));
    let profile = dir.path().join("profile.json");
    let out = redflag(&[
        "check",
        "--rules",
        pack.to_str().unwrap_or_default(),
        orders.to_str().unwrap_or_default(),
        "--format",
        "jsonl",
        "--threads",
        "1",
        "--profile",
        profile.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = std::fs::read_to_string(&profile).unwrap_or_default();
    let profile: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let rows = counts(&profile);
    // orders, evaluated, from memo, combinations, findings
    assert_eq!(
        rows,
        vec![
            ("MEMO-1".to_string(), vec![1, 3_600, 0, 1, 1]),
            ("MEMO-2".to_string(), vec![1, 0, 3_600, 1, 1]),
        ]
    );
}
