//! Packs that extend another (`extends`, `[overrides]`), repeated `--rules`, `--rates` and
//! `redflag init`, through the binary. Fixtures: `fixtures/packs/layered/`.

use serde_json::Value as Json;

use crate::support::{code, redflag, redflag_in, stderr, stdout};

const ORDERS: &str = "fixtures/packs/layered/orders.jsonl";
const COMPANY: &str = "fixtures/packs/layered/company";
const SITE: &str = "fixtures/packs/layered/site";

fn report(args: &[&str]) -> Json {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = redflag(&all);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn verdict(report: &Json, id: &str) -> String {
    let orders = report["orders"].as_array().unwrap();
    let order = orders.iter().find(|o| o["id"] == id).unwrap();
    order["verdict"].as_str().unwrap().to_string()
}

fn rule_ids(report: &Json, id: &str) -> Vec<String> {
    let orders = report["orders"].as_array().unwrap();
    let order = orders.iter().find(|o| o["id"] == id).unwrap();
    order["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_extending_pack_adds_rules_and_lists_and_disables_with_a_reason() {
    let plain = report(&[ORDERS]);
    let layered = report(&[ORDERS, "--rules", COMPANY]);
    // The default pack holds the cash order; the company switched RF-CASH-001 off.
    assert!(rule_ids(&plain, "CASH").contains(&"RF-CASH-001".to_string()));
    assert!(!rule_ids(&layered, "CASH").contains(&"RF-CASH-001".to_string()));
    // The company's own rule and list.
    assert_eq!(verdict(&plain, "REFUSED"), "clear");
    assert_eq!(verdict(&layered, "REFUSED"), "block");
    assert_eq!(rule_ids(&layered, "REFUSED"), ["ACME-001"]);
    let pack = &layered["pack"];
    assert_eq!(pack["name"], "acme-compliance");
    assert_eq!(pack["rules"], plain["pack"]["rules"].as_u64().unwrap());
    let layers = pack["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["name"], "redflag-default");
    assert_eq!(layers[0]["origin"], "embedded");
    assert_eq!(layers[0]["sha256"], plain["pack"]["sha256"]);
    assert_eq!(layers[1]["name"], "acme-compliance");
    assert_eq!(layers[1]["origin"], COMPANY);
    assert_ne!(pack["sha256"], layers[1]["sha256"]);
    let overrides = pack["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 2);
    assert_eq!(overrides[0]["rule"], "RF-BORDER-001");
    assert_eq!(overrides[0]["change"], "severity review -> hold");
    assert_eq!(overrides[1]["rule"], "RF-CASH-001");
    assert_eq!(overrides[1]["change"], "disabled");
    assert_eq!(
        overrides[1]["reason"],
        "cash not accepted by policy, see ICP 4.2"
    );
    assert_eq!(overrides[1]["by"], "acme-compliance");
    // A pack that extends nothing keeps its provenance shape.
    assert!(plain["pack"].get("layers").is_none());
}

#[test]
fn the_human_report_names_each_layer_and_override() {
    let out = redflag(&["check", ORDERS, "--rules", COMPANY]);
    let text = stdout(&out);
    assert!(text.contains("layer redflag-default "), "{text}");
    assert!(text.contains("(embedded)"), "{text}");
    assert!(
        text.contains(&format!("layer acme-compliance 2026.1 ({COMPANY})")),
        "{text}"
    );
    assert!(
        text.contains("override RF-CASH-001 disabled by acme-compliance: cash not accepted by policy, see ICP 4.2"),
        "{text}"
    );
}

#[test]
fn a_pack_over_a_pack_over_the_default_and_repeated_rules_agree() {
    let chained = report(&[ORDERS, "--rules", SITE]);
    let repeated = report(&[ORDERS, "--rules", COMPANY, "--rules", SITE]);
    let names = |r: &Json| -> Vec<String> {
        r["pack"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&chained),
        ["redflag-default", "acme-compliance", "acme-bremen"]
    );
    assert_eq!(names(&repeated), names(&chained));
    assert_eq!(chained["pack"]["sha256"], repeated["pack"]["sha256"]);
    assert_eq!(verdict(&chained, "REFUSED"), "block");
    assert_eq!(chained["pack"]["overrides"].as_array().unwrap().len(), 2);
}

#[test]
fn a_later_rules_pack_layers_over_an_earlier_one_without_extends() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("strict");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(
        pack.join("pack.toml"),
        "[pack]\nname = \"strict\"\nversion = \"1\"\n\n[overrides.\"ACME-001\"]\nseverity = \"hold\"\nreason = \"refusals are reviewed again\"\n",
    )
    .unwrap();
    let layered = report(&[
        ORDERS,
        "--rules",
        COMPANY,
        "--rules",
        pack.to_str().unwrap(),
    ]);
    assert_eq!(verdict(&layered, "REFUSED"), "hold");
    let overrides = layered["pack"]["overrides"].as_array().unwrap();
    assert!(overrides
        .iter()
        .any(|o| o["rule"] == "ACME-001" && o["by"] == "strict"));
    // Alone, the same pack has no base and its override has nothing to change.
    let alone = redflag(&["check", ORDERS, "--rules", pack.to_str().unwrap()]);
    assert_eq!(code(&alone), 2);
    assert!(stderr(&alone).contains("R064"), "{}", stderr(&alone));
}

#[test]
fn every_layering_problem_is_reported_at_once_with_a_span() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p");
    std::fs::create_dir_all(pack.join("rules")).unwrap();
    std::fs::write(
        pack.join("pack.toml"),
        "extends = \"redflag-default\"\n[pack]\nname = \"p\"\nversion = \"1\"\n\n[overrides.\"RF-CASH-01\"]\ndisabled = true\nreason = \"typo\"\n\n[overrides.\"RF-PAYER-001\"]\ndisabled = true\n\n[overrides.\"RF-BORDER-001\"]\nseverity = \"urgent\"\nreason = \"r\"\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("rules/own.toml"),
        "[[rule]]\nid = \"RF-CHAIN-001\"\nversion = 1\ntitle = \"t\"\nseverity = \"info\"\nfamily = \"f\"\nwhy = \"w\"\naction = \"a\"\ncondition = \"c\"\nmessage = \"m\"\n\n[rule.when.c]\npath = \"buyer.country\"\nop = \"eq\"\nvalue = \"ZZ\"\n",
    )
    .unwrap();
    let out = redflag(&["check", ORDERS, "--rules", pack.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    for expected in [
        "R064",
        "R065",
        "R011",
        "R063",
        "did you mean `RF-CASH-001`?",
        "pack.toml:6:",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
}

#[test]
fn rates_replaces_the_pack_table_for_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("o.jsonl");
    // 9,000 EUR in cash: 10,169 USD at the pack's 0.885 EUR per USD, held; 9,000 USD at par.
    let clean = std::fs::read_to_string("fixtures/adversarial/clean-order.jsonl").unwrap();
    let mut order: Json = serde_json::from_str(clean.trim()).unwrap();
    order["payment"] = serde_json::json!({"method": "cash", "amount": 9000, "currency": "EUR"});
    std::fs::write(&orders, format!("{order}\n")).unwrap();
    let rates = dir.path().join("treasury.csv");
    std::fs::write(
        &rates,
        "date,currency,per_base\n2024-01-01,EUR,1.0\n2025-01-01,EUR,1.0\n",
    )
    .unwrap();
    let orders = orders.to_str().unwrap();
    let plain = report(&[orders]);
    assert!(rule_ids(&plain, "SO-1").contains(&"RF-CASH-001".to_string()));
    let replaced = report(&[orders, "--rates", rates.to_str().unwrap()]);
    assert!(!rule_ids(&replaced, "SO-1").contains(&"RF-CASH-001".to_string()));
    let table = &replaced["pack"]["rates"];
    assert_eq!(table["file"], rates.to_str().unwrap());
    assert_eq!(table["rows"], 2);
    assert_eq!(table["as_of"], "2025-01-01");
    // A currency the replacing table lacks is not converted: the money rule is undecided,
    // never clear.
    std::fs::write(&rates, "date,currency,per_base\n2025-01-01,GBP,0.8\n").unwrap();
    let missing = report(&[orders, "--rates", rates.to_str().unwrap()]);
    assert_ne!(verdict(&missing, "SO-1"), "clear");
}

#[test]
fn init_writes_a_starter_pack_that_checks_lints_and_tests() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine");
    let pack_arg = pack.to_str().unwrap();
    let out = redflag(&["init", pack_arg]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for file in [
        "pack.toml",
        "README.md",
        "rules/own.toml",
        "lists/refused_customers.csv",
        "tests/own.test.toml",
    ] {
        assert!(pack.join(file).is_file(), "{file}");
    }
    let manifest = std::fs::read_to_string(pack.join("pack.toml")).unwrap();
    assert!(manifest.contains("extends = \"redflag-default\""));

    let lint = redflag(&["lint", pack_arg]);
    assert_eq!(code(&lint), 0, "{}{}", stdout(&lint), stderr(&lint));
    let test = redflag_in(Some(&pack), &["test", "."], None);
    assert_eq!(code(&test), 0, "{}{}", stdout(&test), stderr(&test));
    assert!(
        stdout(&test).contains("2 passed, 0 failed"),
        "{}",
        stdout(&test)
    );
    let checked = report(&[ORDERS, "--rules", pack_arg]);
    let layers = checked["pack"]["layers"].as_array().unwrap();
    assert_eq!(layers[0]["name"], "redflag-default");
    assert_eq!(layers[1]["name"], "my-company");

    // A second init never overwrites: the edited pack stays as it is.
    std::fs::write(pack.join("pack.toml"), "edited").unwrap();
    let again = redflag(&["init", pack_arg]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("C050"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(pack.join("pack.toml")).unwrap(),
        "edited"
    );
}

#[test]
fn lint_and_test_take_an_extending_pack_with_its_base() {
    // The company's tests name its own rule and a base rule it re-graded.
    let lint = redflag(&["lint", COMPANY, "--deny", "warnings"]);
    assert_eq!(code(&lint), 0, "{}{}", stdout(&lint), stderr(&lint));
    let test = redflag(&["test", COMPANY]);
    assert_eq!(code(&test), 0, "{}{}", stdout(&test), stderr(&test));
    assert!(
        stdout(&test).contains("3 passed, 0 failed"),
        "{}",
        stdout(&test)
    );
    let lint = redflag(&[
        "lint",
        "fixtures/adversarial/packs/layer-override-unknown-id/pack",
    ]);
    assert_eq!(code(&lint), 1, "{}{}", stdout(&lint), stderr(&lint));
    assert!(stderr(&lint).contains("R064") || stdout(&lint).contains("R064"));
}

fn over_default(manifest_tail: &str) -> redflag::rules::PackFiles {
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "pack.toml".to_string(),
        format!(
            "extends = \"redflag-default\"\n[pack]\nname = \"p\"\nversion = \"1\"\n{manifest_tail}"
        )
        .into_bytes(),
    );
    redflag::rules::PackFiles {
        origin: "<test>".into(),
        files,
        root: None,
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, .. proptest::prelude::ProptestConfig::default() })]

    /// Whatever base rules a pack disables, each one is gone from the pack and named in its
    /// provenance with its reason, and every other base rule is still there: nothing is lost
    /// or switched off silently.
    #[test]
    fn disabled_rules_are_gone_and_accounted_for(mask in 0u32..(1 << 21)) {
        let base = redflag::rules::build(&redflag::rules::PackFiles::embedded()).0.unwrap();
        let ids: Vec<&str> = base.rules.iter().map(|r| r.id.as_str()).collect();
        let disabled: Vec<&str> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << (i % 21)) != 0)
            .map(|(_, id)| *id)
            .collect();
        let tail: String = disabled
            .iter()
            .map(|id| format!("[overrides.\"{id}\"]\ndisabled = true\nreason = \"policy {id}\"\n"))
            .collect();
        let (pack, diagnostics) = redflag::rules::build(&over_default(&tail));
        let pack = pack.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let left: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        proptest::prop_assert_eq!(left.len() + disabled.len(), ids.len());
        for id in &disabled {
            proptest::prop_assert!(!left.contains(id));
            let reason = format!("policy {id}");
            let named = pack.overrides.iter().any(|o| o.rule == *id && o.reason == reason);
            proptest::prop_assert!(named);
        }
        proptest::prop_assert_eq!(pack.overrides.len(), disabled.len());
        proptest::prop_assert_eq!(pack.layers.len(), 2);
    }
}

#[test]
fn the_html_report_names_each_layer_and_override() {
    let out = redflag(&["check", ORDERS, "--rules", COMPANY, "--format", "html"]);
    let html = stdout(&out);
    assert!(
        html.contains("<dt>layer</dt><dd>redflag-default "),
        "layers"
    );
    assert!(
        html.contains("<dt>override</dt><dd><code>RF-CASH-001</code> disabled by acme-compliance: cash not accepted by policy, see ICP 4.2</dd>"),
        "overrides"
    );
}
