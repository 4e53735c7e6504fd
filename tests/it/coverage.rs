//! `redflag coverage` and the library behind it: the matrix of a small
//! fixture pack (its own catalogue, an extension, rule tests and orders)
//! snapshotted in human and Markdown form, the JSON contract read back with
//! test-only structs, `--require` exit statuses, per-condition counts,
//! catalogue diagnostics, the default pack's catalogue and tags, and
//! `Engine::trace` agreeing with `Engine::judge`.

use super::support::redflag as run;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde::Deserialize;

use redflag::cli::render_diagnostics;
use redflag::coverage::{self, catalogue, ruletests, Catalogue, Outcomes, RuleTests};
use redflag::engine::Engine;
use redflag::findings::{FindingKind, Truth};
use redflag::order::Record;
use redflag::rules::{build, PackFiles, RulePack};

use crate::rules::default_engine;
use crate::support::load;

const PACK: &str = "fixtures/coverage/pack";
const ORDERS: &str = "fixtures/coverage/orders.jsonl";

/// Exit status, stdout and stderr as one text for a snapshot.
fn transcript(out: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit status")
}

/// The fixture pack's files, validated pack, catalogue and tests.
#[track_caller]
fn fixture() -> (PackFiles, RulePack, Catalogue, RuleTests) {
    let files = PackFiles::read_dir(Path::new(PACK)).expect("the fixture pack reads");
    let (pack, diagnostics) = build(&files);
    let pack = pack.unwrap_or_else(|| panic!("{}", render_diagnostics(&diagnostics, false)));
    let (catalogue, problems) = catalogue::load(&files);
    assert!(
        problems.is_empty(),
        "{}",
        render_diagnostics(&problems, false)
    );
    let (tests, _warnings) = ruletests::read(&files);
    (files, pack, catalogue, tests)
}

#[test]
fn fixture_matrix_with_orders_human() {
    let out = run(&["coverage", "--rules", PACK, ORDERS]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn fixture_matrix_with_orders_markdown() {
    let out = run(&["coverage", "--rules", PACK, "--format", "markdown", ORDERS]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn output_is_the_same_bytes_every_run() {
    let args = ["coverage", "--rules", PACK, "--format", "json", ORDERS];
    let first = run(&args);
    let second = run(&args);
    assert_eq!(code(&first), 0);
    assert_eq!(first.stdout, second.stdout);
}

// Test-only reading of `redflag.coverage/1`, independent of the renderer.
#[derive(Deserialize)]
struct CoverageDoc {
    schema: String,
    pack: DocPack,
    catalogue: DocCatalogue,
    summary: DocSummary,
    rules: Vec<DocRule>,
    orphan_tests: Vec<DocOrphan>,
    groups: Vec<DocGroup>,
    gaps: Vec<String>,
    orders: Option<DocOrders>,
}

#[derive(Deserialize)]
struct DocPack {
    name: String,
    rules: usize,
}

#[derive(Deserialize)]
struct DocCatalogue {
    files: Vec<String>,
    items: usize,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocSummary {
    items: usize,
    covered: usize,
    gaps: usize,
    out_of_scope: usize,
}

#[derive(Deserialize)]
struct DocRule {
    id: String,
    covers: Vec<String>,
    unknown_tags: Vec<String>,
    tests: DocTests,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocTests {
    fires: usize,
    does_not_fire: usize,
    todo: usize,
}

#[derive(Deserialize)]
struct DocOrphan {
    rule: String,
}

#[derive(Deserialize)]
struct DocGroup {
    id: String,
    kind: String,
    items: Vec<DocItem>,
}

#[derive(Deserialize)]
struct DocItem {
    id: String,
    status: String,
    out_of_scope: Option<String>,
    rules: Vec<String>,
}

#[derive(Deserialize)]
struct DocOrders {
    read: usize,
    judged: usize,
    rejected: usize,
    rules: Vec<DocRuleCounts>,
}

#[derive(Deserialize)]
struct DocRuleCounts {
    id: String,
    fired: usize,
    not_fired: usize,
    undecided: usize,
    conditions: Vec<DocConditionCounts>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocConditionCounts {
    name: String,
    #[serde(rename = "true")]
    held: usize,
    #[serde(rename = "false")]
    failed: usize,
    unknown: usize,
    unbound: usize,
}

#[test]
fn json_document_reads_back_with_independent_structs() {
    let out = run(&["coverage", "--rules", PACK, "--format", "json", ORDERS]);
    assert_eq!(code(&out), 0);
    let doc: CoverageDoc = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.schema, "redflag.coverage/1");
    assert_eq!(
        (doc.pack.name.as_str(), doc.pack.rules),
        ("coverage-fixture", 4)
    );
    assert_eq!(
        doc.catalogue.files,
        ["catalogue.toml", "own.catalogue.toml"]
    );
    assert_eq!(doc.catalogue.items, 10);
    assert_eq!(
        doc.summary,
        DocSummary {
            items: 10,
            covered: 7,
            gaps: 1,
            out_of_scope: 2
        }
    );
    assert_eq!(doc.gaps, ["OWN-2"]);
    // The extension's item joins the base group, after the base's items.
    let demo = doc.groups.iter().find(|g| g.id == "demo").unwrap();
    assert_eq!(demo.kind, "red-flag");
    let ids: Vec<&str> = demo.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4", "DEMO-5"]);
    assert_eq!(demo.items[2].status, "unverified");
    let prog = doc.groups.iter().find(|g| g.id == "prog").unwrap();
    assert!(prog.items[0].out_of_scope.is_some());
    assert_eq!(prog.items[1].rules, ["FX-CASH-001", "FX-CITY-001"]);

    let cash = doc.rules.iter().find(|r| r.id == "FX-CASH-001").unwrap();
    assert_eq!(cash.covers, ["DEMO-2", "OWN-1", "PROG-2"]);
    assert_eq!(
        cash.tests,
        DocTests {
            fires: 1,
            does_not_fire: 2,
            todo: 0
        }
    );
    let city = doc.rules.iter().find(|r| r.id == "FX-CITY-001").unwrap();
    assert_eq!(
        city.tests,
        DocTests {
            fires: 1,
            does_not_fire: 0,
            todo: 1
        }
    );
    let odd = doc.rules.iter().find(|r| r.id == "FX-ODD-001").unwrap();
    assert_eq!(odd.unknown_tags, ["DEMO-9"]);
    assert_eq!(doc.orphan_tests.len(), 1);
    assert_eq!(doc.orphan_tests[0].rule, "FX-GONE-001");

    let orders = doc.orders.unwrap();
    assert_eq!((orders.read, orders.judged, orders.rejected), (5, 4, 1));
    let enduse = orders
        .rules
        .iter()
        .find(|r| r.id == "FX-ENDUSE-001")
        .unwrap();
    assert_eq!(
        (enduse.fired, enduse.not_fired, enduse.undecided),
        (1, 2, 1)
    );
    let city = orders.rules.iter().find(|r| r.id == "FX-CITY-001").unwrap();
    assert_eq!(
        city.conditions[0],
        DocConditionCounts {
            name: "risky".into(),
            held: 2,
            failed: 1,
            unknown: 0,
            unbound: 1
        }
    );
}

#[test]
fn json_without_orders_has_null_orders() {
    let out = run(&["coverage", "--rules", PACK, "--format", "json"]);
    assert_eq!(code(&out), 0);
    let doc: CoverageDoc = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc.orders.is_none());
}

/// Runs `coverage` over the fixture pack with `--require` arguments;
/// returns the exit status and stderr.
fn require(args: &[&str]) -> (i32, String) {
    let mut all = vec!["coverage", "--rules", PACK, "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    (
        code(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn require_covered_items_exits_0() {
    let (status, stderr) = require(&["--require", "DEMO-1,DEMO-5", "--require", "OWN-1"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!stderr.contains("C041"), "{stderr}");
}

#[test]
fn require_an_uncovered_item_exits_1_and_names_it() {
    let (status, stderr) = require(&["--require", "DEMO-1,OWN-2"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("required item `OWN-2` is covered by no rule"),
        "{stderr}"
    );
    assert!(!stderr.contains("required item `DEMO-1`"), "{stderr}");
    // Out of scope is still not covered: asking for it is asking for a rule.
    let (status, stderr) = require(&["--require", "PROG-1"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("`PROG-1`"), "{stderr}");
}

#[test]
fn require_an_unknown_item_exits_2_with_did_you_mean() {
    let (status, stderr) = require(&["--require", "OWN-1", "--require", "DEMO-01"]);
    assert_eq!(status, 2);
    // After the fixture's own warnings (snapshotted elsewhere).
    let stderr = &stderr[stderr.find("C040").unwrap_or(0)..];
    insta::assert_snapshot!(stderr, @r"
    C040

      × `--require DEMO-01`: the catalogue has no item `DEMO-01`
      help: did you mean `DEMO-1`?
    ");
}

#[test]
fn the_default_pack_requires_what_it_covers() {
    let out = run(&[
        "coverage",
        "--format",
        "json",
        "--require",
        "BIS-KYC-RF-05,TS-13",
    ]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let out = run(&["coverage", "--format", "json", "--require", "BIS-KYC-RF-12"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
}

#[test]
fn a_missing_order_file_exits_2() {
    let out = run(&["coverage", "--rules", PACK, "fixtures/coverage/nope.jsonl"]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn matrix_from_the_library() {
    let (_, pack, catalogue, tests) = fixture();
    let m = coverage::matrix(&pack, &catalogue, &tests);
    assert_eq!(m.pack.name, "coverage-fixture");
    let ids: Vec<&str> = m.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["FX-CASH-001", "FX-CITY-001", "FX-ENDUSE-001", "FX-ODD-001"]
    );
    assert_eq!(m.item("DEMO-2").unwrap().rules, ["FX-CASH-001"]);
    assert!(m.item("OWN-2").unwrap().is_gap());
    assert!(!m.item("PROG-3").unwrap().is_gap());
    let gaps: Vec<&str> = m.gaps().map(|(_, i)| i.id.as_str()).collect();
    assert_eq!(gaps, ["OWN-2"]);
    let groups: Vec<(&str, usize, usize, usize)> = m
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.covered(), g.gaps(), g.out_of_scope()))
        .collect();
    assert_eq!(
        groups,
        [("demo", 5, 0, 0), ("prog", 1, 0, 2), ("own", 1, 1, 0)]
    );
    let totals = m.totals();
    assert_eq!(
        (
            totals.items,
            totals.covered,
            totals.gaps,
            totals.out_of_scope
        ),
        (10, 7, 1, 2)
    );
}

#[test]
fn matrix_without_tests_counts_none() {
    let (_, pack, catalogue, _) = fixture();
    let m = coverage::matrix(&pack, &catalogue, &RuleTests::none());
    assert!(m.rules.iter().all(|r| r.tests == Default::default()));
    assert!(m.orphan_tests.is_empty());
}

/// Per rule: (fired, not fired, undecided); per condition: (true, false,
/// unknown, unbound).
type Counts = BTreeMap<String, ((usize, usize, usize), Vec<(String, [usize; 4])>)>;

fn counts(outcomes: &Outcomes) -> Counts {
    outcomes
        .rules
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                (
                    (r.fired, r.not_fired, r.undecided),
                    r.conditions
                        .iter()
                        .map(|c| (c.name.clone(), [c.held, c.failed, c.unknown, c.unbound]))
                        .collect(),
                ),
            )
        })
        .collect()
}

#[test]
fn per_condition_counts_over_orders() {
    let (_, pack, _, _) = fixture();
    let engine = Engine::new(pack);
    let records = load(ORDERS, None);
    let mut outcomes = Outcomes::new(engine.pack());
    for r in &records {
        outcomes.add(&engine, r);
    }
    assert_eq!(
        (outcomes.read, outcomes.judged, outcomes.rejected),
        (5, 4, 1)
    );
    let c = counts(&outcomes);
    let s = |n: &str| n.to_string();
    // FX-1 cash and Risktown; FX-2 wire, Munich (home); FX-3 no consignees
    // (the city rule has nothing to bind); FX-4 end use left out, Shadyport.
    assert_eq!(
        c["FX-CASH-001"],
        ((1, 3, 0), vec![(s("cash"), [1, 3, 0, 0])])
    );
    assert_eq!(
        c["FX-CITY-001"],
        (
            (2, 2, 0),
            vec![(s("risky"), [2, 1, 0, 1]), (s("home"), [3, 0, 0, 1])]
        )
    );
    assert_eq!(
        c["FX-ENDUSE-001"],
        ((1, 2, 1), vec![(s("not_provided"), [1, 2, 1, 0])])
    );
    assert_eq!(
        c["FX-ODD-001"],
        ((1, 3, 0), vec![(s("long_chain"), [1, 3, 0, 0])])
    );

    // Tallies of parts merge into the tally of the whole, in any order.
    let mut first = Outcomes::new(engine.pack());
    let mut second = Outcomes::new(engine.pack());
    for r in &records[..2] {
        first.add(&engine, r);
    }
    for r in &records[2..] {
        second.add(&engine, r);
    }
    second.merge(&first);
    assert_eq!(second, outcomes);
}

#[test]
fn trace_agrees_with_judge_on_every_sample_order_and_rule() {
    let engine = default_engine();
    let records = load("fixtures/orders/sample.jsonl", None);
    let mut checked = 0;
    for record in &records {
        let Record::Order(order) = record else {
            continue;
        };
        let judgement = engine.judge_order(order);
        for rule in &engine.pack().rules {
            let traces = engine.trace(&rule.id, order).unwrap().combinations;
            let finding = judgement.findings.iter().find(|f| f.rule.id == rule.id);
            let any = |t: Truth| traces.iter().any(|tr| tr.truth == t);
            let expected = match finding.map(|f| f.kind) {
                Some(FindingKind::Fired) => "fired",
                Some(FindingKind::Undecided) => "undecided",
                None => "none",
            };
            let traced = if any(Truth::True) {
                "fired"
            } else if any(Truth::Unknown) {
                "undecided"
            } else {
                "none"
            };
            assert_eq!(traced, expected, "{} on {}", rule.id, order.id);
            for trace in &traces {
                // Every condition of the rule, once, for every set of bindings.
                let mut names: Vec<&str> = trace.conditions.iter().map(|c| &*c.name).collect();
                names.sort();
                let mut want: Vec<&str> = rule.conditions.iter().map(|c| c.name.as_str()).collect();
                want.sort();
                assert_eq!(names, want, "{} on {}", rule.id, order.id);
            }
            // The finding shows the first set of bindings that fired.
            if let (Some(f), Some(first)) = (
                finding.filter(|f| f.kind == FindingKind::Fired),
                traces.iter().find(|t| t.truth == Truth::True),
            ) {
                assert_eq!(f.bindings, first.bindings, "{} on {}", rule.id, order.id);
                assert_eq!(
                    f.conditions, first.conditions,
                    "{} on {}",
                    rule.id, order.id
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 13 * engine.pack().rules.len());
    assert!(engine
        .trace(
            "RF-NO-SUCH-RULE",
            match &records[0] {
                Record::Order(o) => o,
                Record::Error(_) => panic!("the first sample order loads"),
            }
        )
        .is_none());
}

#[test]
fn catalogue_mistakes_are_all_reported_and_located() {
    let files = PackFiles::read_dir(Path::new("fixtures/coverage/bad")).unwrap();
    let (catalogue, diagnostics) = catalogue::load(&files);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        ["C010", "C014", "C011", "C014", "C017", "C018", "C012", "C013", "C016", "C015"]
    );
    // What survived: only complete items of known groups.
    let ids: Vec<&str> = catalogue.items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["PROG-3"]);
    insta::assert_snapshot!(render_diagnostics(&diagnostics, false));
}

#[test]
fn a_pack_without_a_catalogue_uses_the_default_one() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["pack.toml", "lists/risky_cities.csv", "rules/r.toml"] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(PACK).join(file), to).unwrap();
    }
    let files = PackFiles::read_dir(dir.path()).unwrap();
    let (catalogue, problems) = catalogue::load(&files);
    assert!(problems.is_empty());
    assert_eq!(catalogue.files(), ["<default pack>/catalogue.toml"]);
    assert!(catalogue.item("BIS-KYC-RF-05").is_some());
    // The fixture's own tags are then unknown: warnings, located on the tag.
    let warnings = catalogue::check_tags(&files, &catalogue);
    let found: Vec<(&str, &str)> = warnings
        .iter()
        .map(|d| (d.code(), d.spanned_text().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            ("C020", "\"DEMO-1\""),
            ("C020", "\"PROG-2\""),
            ("C020", "\"DEMO-2\""),
            ("C020", "\"OWN-1\""),
            ("C020", "\"PROG-2\""),
            ("C020", "\"DEMO-3\""),
            ("C020", "\"DEMO-5\""),
            ("C020", "\"DEMO-9\""),
            ("C020", "\"DEMO-4\""),
        ]
    );
    assert!(!warnings.has_errors());
}

#[test]
fn every_tag_of_the_default_pack_is_in_its_catalogue() {
    let files = PackFiles::embedded();
    let (catalogue, problems) = catalogue::load(&files);
    assert_eq!(render_diagnostics(&problems, false), "");
    let warnings = catalogue::check_tags(&files, &catalogue);
    assert_eq!(render_diagnostics(&warnings, false), "");
    assert_eq!(catalogue.files(), ["catalogue.toml"]);
}

#[test]
fn the_default_catalogue_has_the_published_lists() {
    let (catalogue, _) = catalogue::load(&PackFiles::embedded());
    let sizes: Vec<(&str, &str, usize)> = catalogue
        .groups()
        .iter()
        .map(|g| {
            (
                g.id.as_str(),
                g.kind.as_str(),
                catalogue.items_of(&g.id).count(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("bis-kyc", "red-flag", 27),
            ("fincen-2022", "red-flag", 3),
            ("fincen-2023-may", "red-flag", 4),
            ("fincen-2023-nov", "red-flag", 13),
            ("fincen-2022-mar", "red-flag", 1),
            ("fatf-hawala", "red-flag", 1),
            ("tri-seal", "red-flag", 13),
            ("chpl", "red-flag", 1),
            ("ftr", "red-flag", 1),
            ("eu-icp", "programme", 7),
            ("bis-ecp", "programme", 8),
        ]
    );
    // Texts not seen in a source are marked so.
    let unverified: Vec<&str> = catalogue
        .items()
        .iter()
        .filter(|i| i.status == coverage::Status::Unverified)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        unverified,
        [
            "FIN-2022-ALERT001-CVC",
            "FATF-HAWALA",
            "N23-10",
            "N23-11",
            "N23-12",
            "N23-13"
        ]
    );
}

#[test]
fn the_default_pack_matrix() {
    let files = PackFiles::embedded();
    let (pack, _) = build(&files);
    let pack = pack.unwrap();
    let (catalogue, _) = catalogue::load(&files);
    let (tests, _) = ruletests::read(&files);
    let m = coverage::matrix(&pack, &catalogue, &tests);
    // Every rule covers at least one red flag and the screening element.
    for rule in &m.rules {
        assert!(rule.unknown.is_empty(), "{}: {:?}", rule.id, rule.unknown);
        assert!(rule.covers.iter().any(|c| c == "EU-ICP-4"), "{}", rule.id);
        let flags = rule
            .covers
            .iter()
            .filter(|c| {
                m.item(c)
                    .is_some_and(|_| !c.starts_with("EU-ICP") && !c.starts_with("BIS-ECP"))
            })
            .count();
        assert!(flags > 0, "{} covers no red flag", rule.id);
    }
    // Red flags that an order record does not show: known gaps until a pack
    // adds the fields and rules for them.
    for id in [
        "BIS-KYC-RF-07",
        "BIS-KYC-RF-12",
        "TS-05",
        "TS-08",
        "N23-04",
        "N23-10",
    ] {
        assert!(m.item(id).unwrap().is_gap(), "{id} is no longer a gap");
    }
    // Programme elements outside transaction screening are out of scope, not gaps.
    for id in ["EU-ICP-1", "EU-ICP-7", "BIS-ECP-1", "BIS-ECP-8"] {
        let item = m.item(id).unwrap();
        assert!(!item.is_gap() && item.out_of_scope.is_some(), "{id}");
    }
    // The red flags of the Dandong case are covered.
    for id in [
        "BIS-KYC-RF-02",
        "BIS-KYC-RF-03",
        "BIS-KYC-RF-05",
        "BIS-KYC-RF-06",
        "BIS-KYC-RF-08",
        "BIS-KYC-RF-09",
        "BIS-KYC-RF-10",
        "BIS-KYC-RF-11",
    ] {
        assert!(m.item(id).unwrap().is_covered(), "{id} is not covered");
    }
    let t = m.totals();
    assert_eq!(t.items, 79);
    assert_eq!(t.covered + t.gaps + t.out_of_scope, t.items);
}

#[test]
fn rule_test_counts_are_read_tolerantly() {
    let (files, pack, _, _) = fixture();
    let (tests, warnings) = ruletests::read(&files);
    assert_eq!(tests.files(), ["tests/r.test.toml"]);
    assert_eq!(tests.len(), 6);
    let codes: Vec<&str> = warnings.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["C032"]);
    let orphans = tests.check_rules(&pack);
    let orphans: Vec<(&str, Option<&str>)> = orphans
        .iter()
        .map(|d| (d.code(), d.spanned_text()))
        .collect();
    assert_eq!(orphans, [("C031", Some("\"FX-GONE-001\""))]);

    // A file that is not TOML is a warning; its cases are not counted.
    let mut broken = files.clone();
    broken.files.insert(
        "tests/broken.test.toml".into(),
        b"[[case]\nrule = 1".to_vec(),
    );
    let (tests, warnings) = ruletests::read(&broken);
    assert_eq!(tests.len(), 6);
    assert!(warnings.iter().any(|d| d.code() == "C030"));
    assert!(!warnings.has_errors());
}
