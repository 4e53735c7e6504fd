//! `redflag diff`: two reports written by `redflag check` on the coverage
//! fixture pack, before and after a list update and an order file update,
//! compared in human and JSON form; exit statuses; reports that cannot be
//! read; tolerance of fields a later schema version may add.

use super::support::{code, redflag_in};

/// Runs the binary in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    redflag_in(Some(dir), args, None)
}
use std::path::Path;
use std::process::Output;

use serde::Deserialize;
use serde_json::Value as Json;

use redflag::diff;

const PACK: &str = "fixtures/coverage/pack";
const ORDERS: &str = "fixtures/coverage/orders.jsonl";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A directory with the fixture pack as `a/` and as `b/`, whose list no
/// longer has Shadyport, and two order files: `orders.jsonl` and
/// `orders-b.jsonl`, where FX-2 now pays cash, FX-3 is gone, FX-4 states that
/// no end-use statement was given and FX-6 is new.
fn two_packs_and_order_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(Path::new(PACK), &root.join("a"));
    copy_dir(Path::new(PACK), &root.join("b"));
    std::fs::write(
        root.join("b/lists/risky_cities.csv"),
        "city,country\nRisktown,KZ\n",
    )
    .unwrap();
    let orders = std::fs::read_to_string(ORDERS).unwrap();
    std::fs::write(root.join("orders.jsonl"), &orders).unwrap();
    let mut lines: Vec<String> = orders.lines().map(str::to_string).collect();
    lines[1] = lines[1].replace(r#""method": "wire""#, r#""method": "cash""#);
    lines[3] = lines[3].replace(
        r#""payment": {"method": "wire"}}"#,
        r#""payment": {"method": "wire"}, "end_use": {"provided": false}}"#,
    );
    lines.remove(2);
    lines.push(
        r#"{"id": "FX-6", "date": "2025-02-01", "buyer": {"name": "Epsilon AB", "country": "SE"}, "items": [{"sku": "E1"}], "payment": {"method": "cash"}}"#.into(),
    );
    std::fs::write(root.join("orders-b.jsonl"), lines.join("\n") + "\n").unwrap();
    dir
}

/// Runs `check` on `input` with `pack` in `root`, writing `output`.
fn check(root: &Path, pack: &str, input: &str, format: &str, output: &str) {
    let out = run_in(
        root,
        &[
            "check", input, "--rules", pack, "--format", format, "-o", output,
        ],
    );
    assert!(
        code(&out) <= 1,
        "check {pack} failed: {}",
        text(&out.stderr)
    );
}

/// [`two_packs_and_order_files`] with two runs of `check`: `a.json` (pack
/// `a/` on `orders.jsonl`) and `b.json` (pack `b/` on `orders-b.jsonl`, in
/// `format_b`). With `same_orders`, B judges `orders.jsonl` too.
fn two_runs(same_orders: bool, format_b: &str) -> tempfile::TempDir {
    let dir = two_packs_and_order_files();
    let root = dir.path();
    check(root, "a", "orders.jsonl", "json", "a.json");
    let b_orders = if same_orders {
        "orders.jsonl"
    } else {
        "orders-b.jsonl"
    };
    check(root, "b", b_orders, format_b, "b.json");
    dir
}

#[test]
fn changed_orders_human() {
    let dir = two_runs(false, "json");
    let out = redflag_in(Some(dir.path()), &["diff", "a.json", "b.json"], None);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    insta::assert_snapshot!(text(&out.stdout));
}

// Test-only reading of `redflag.diff/1`.
#[derive(Deserialize)]
struct DiffDoc {
    schema: String,
    orders: DocCounts,
    provenance: Vec<DocField>,
    changed: Vec<DocChanged>,
    added: Vec<DocOrder>,
    removed: Vec<DocOrder>,
    has_changes: bool,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocCounts {
    a: usize,
    b: usize,
    changed: usize,
    added: usize,
    removed: usize,
    unchanged: usize,
}

#[derive(Deserialize)]
struct DocField {
    field: String,
    a: Option<String>,
    b: Option<String>,
}

#[derive(Deserialize)]
struct DocChanged {
    key: String,
    verdict: DocVerdict,
    added: Vec<DocFinding>,
    removed: Vec<DocFinding>,
    changed: Vec<DocFindingChange>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocVerdict {
    a: String,
    b: String,
}

#[derive(Deserialize)]
struct DocFinding {
    rule_id: String,
    severity: String,
    kind: String,
}

#[derive(Deserialize)]
struct DocFindingChange {
    rule_id: String,
    a: DocSeverityKind,
    b: DocSeverityKind,
}

#[derive(Deserialize, Debug, PartialEq)]
struct DocSeverityKind {
    severity: String,
    kind: String,
}

#[derive(Deserialize)]
struct DocOrder {
    key: String,
    verdict: String,
}

#[test]
fn changed_orders_json_against_a_jsonl_report() {
    let dir = two_runs(false, "jsonl");
    let out = run_in(
        dir.path(),
        &["diff", "a.json", "b.json", "--format", "json"],
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc: DiffDoc = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.schema, "redflag.diff/1");
    assert!(doc.has_changes);
    assert_eq!(
        doc.orders,
        DocCounts {
            a: 5,
            b: 5,
            changed: 2,
            added: 1,
            removed: 1,
            unchanged: 2
        }
    );
    let fields: Vec<&str> = doc.provenance.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "pack.origin",
            "pack.sha256",
            "pack.lists[risky_cities].rows",
            "pack.lists[risky_cities].sha256",
            "pack.files[lists/risky_cities.csv].sha256",
            "inputs"
        ]
    );
    assert_eq!(doc.provenance[2].a.as_deref(), Some("2"));
    assert_eq!(doc.provenance[2].b.as_deref(), Some("1"));

    let fx2 = doc.changed.iter().find(|c| c.key == "FX-2").unwrap();
    assert_eq!(
        fx2.verdict,
        DocVerdict {
            a: "clear".into(),
            b: "hold".into()
        }
    );
    assert_eq!(fx2.added.len(), 1);
    assert_eq!(
        (
            fx2.added[0].rule_id.as_str(),
            fx2.added[0].severity.as_str(),
            fx2.added[0].kind.as_str()
        ),
        ("FX-CASH-001", "hold", "fired")
    );
    let fx4 = doc.changed.iter().find(|c| c.key == "FX-4").unwrap();
    assert_eq!(fx4.verdict.a, fx4.verdict.b);
    let removed: Vec<&str> = fx4.removed.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(removed, ["FX-CITY-001"]);
    assert_eq!(fx4.changed.len(), 1);
    assert_eq!(fx4.changed[0].rule_id, "FX-ENDUSE-001");
    assert_eq!(
        (&fx4.changed[0].a, &fx4.changed[0].b),
        (
            &DocSeverityKind {
                severity: "hold".into(),
                kind: "undecided".into()
            },
            &DocSeverityKind {
                severity: "hold".into(),
                kind: "fired".into()
            }
        )
    );
    assert_eq!(doc.added.len(), 1);
    assert_eq!(
        (doc.added[0].key.as_str(), doc.added[0].verdict.as_str()),
        ("FX-6", "hold")
    );
    assert_eq!(doc.removed.len(), 1);
    assert_eq!(doc.removed[0].key, "FX-3");
}

#[test]
fn the_same_report_twice_exits_0() {
    let dir = two_runs(false, "json");
    let out = redflag_in(Some(dir.path()), &["diff", "a.json", "a.json"], None);
    assert_eq!(code(&out), 0);
    insta::assert_snapshot!(text(&out.stdout), @r"
    redflag diff: a.json → a.json
    orders: 5 in a.json, 5 in a.json · 0 changed, 0 added, 0 removed, 5 unchanged

    no order changed
    ");
}

#[test]
fn a_list_update_that_changes_no_judgement_exits_0_but_shows_the_provenance() {
    // Only Shadyport left the list, and on these orders only FX-4 went there.
    let dir = two_runs(true, "json");
    let out = redflag_in(Some(dir.path()), &["diff", "a.json", "b.json"], None);
    assert_eq!(code(&out), 1, "FX-4 loses its city finding");
    let root = dir.path();
    std::fs::write(
        root.join("b/lists/risky_cities.csv"),
        "city,country\nRisktown,KZ\nShadyport,AE\nNowhere,KZ\n",
    )
    .unwrap();
    let out = run_in(
        root,
        &[
            "check",
            "orders.jsonl",
            "--rules",
            "b",
            "--format",
            "json",
            "-o",
            "b.json",
        ],
    );
    assert!(code(&out) <= 1);
    let out = redflag_in(Some(root), &["diff", "a.json", "b.json"], None);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("pack.lists[risky_cities].rows: 2 → 3"),
        "{stdout}"
    );
    assert!(stdout.ends_with("no order changed\n"), "{stdout}");
}

#[test]
fn unreadable_reports_exit_2_and_say_why() {
    let dir = two_runs(false, "json");
    let root = dir.path();
    std::fs::write(
        root.join("broken.json"),
        "{\"schema\": \"redflag.check/1\",\n \"orders\": [\n",
    )
    .unwrap();
    std::fs::write(
        root.join("newer.json"),
        r#"{"schema": "redflag.check/2", "orders": []}"#,
    )
    .unwrap();
    let coverage = run_in(
        root,
        &[
            "coverage",
            "--rules",
            "a",
            "--format",
            "json",
            "-o",
            "coverage.json",
        ],
    );
    assert_eq!(code(&coverage), 0);
    let mut all = String::new();
    for (a, b) in [
        ("a.json", "missing.json"),
        ("broken.json", "a.json"),
        ("a.json", "newer.json"),
        ("coverage.json", "a.json"),
    ] {
        let out = redflag_in(Some(root), &["diff", a, b], None);
        assert_eq!(code(&out), 2, "{a} {b}");
        assert!(out.stdout.is_empty());
        all.push_str(&format!("$ redflag diff {a} {b}\n{}", text(&out.stderr)));
    }
    let all = all.replace("(os error 2)", "(os error)");
    insta::assert_snapshot!(all);
}

#[test]
fn fields_a_later_version_adds_are_ignored_where_they_do_not_matter() {
    let dir = two_runs(false, "json");
    let a_text = std::fs::read_to_string(dir.path().join("a.json")).unwrap();
    let mut doc: Json = serde_json::from_str(&a_text).unwrap();
    for order in doc["orders"].as_array_mut().unwrap() {
        order["reviewed"] = Json::Bool(false);
        for finding in order["findings"].as_array_mut().unwrap() {
            finding["case_ref"] = serde_json::json!({"score": 0.9});
        }
    }
    doc["summary"]["reviewed"] = Json::from(0);
    let a = diff::parse(&a_text, "a.json").unwrap();
    let b = diff::parse(&doc.to_string(), "a-plus.json").unwrap();
    let d = diff::diff(&a, &b);
    assert!(!d.has_changes());
    assert_eq!(d.unchanged, 5);
    assert!(d.provenance.is_empty());
    let summary: Vec<(&str, Option<&str>, Option<&str>)> = d
        .summary
        .iter()
        .map(|c| (c.field.as_str(), c.a.as_deref(), c.b.as_deref()))
        .collect();
    assert_eq!(summary, [("summary.reviewed", None, Some("0"))]);
}

#[test]
fn orders_without_an_id_and_repeated_ids_are_matched_by_place_and_occurrence() {
    let report = |verdict_of_second: &str| {
        serde_json::json!({
            "schema": "redflag.check/1",
            "orders": [
                {"id": "X", "file": "o.jsonl", "line": 1, "verdict": "clear", "findings": []},
                {"id": "X", "file": "o.jsonl", "line": 2, "verdict": verdict_of_second, "findings": []},
                {"id": null, "file": "o.jsonl", "line": 3, "verdict": "error", "findings": []},
            ]
        })
        .to_string()
    };
    let a = diff::parse(&report("clear"), "a").unwrap();
    let b = diff::parse(&report("error"), "b").unwrap();
    let keys: Vec<&str> = a.orders.iter().map(|o| &*o.key).collect();
    assert_eq!(keys, ["X", "X#2", "o.jsonl:3"]);
    let d = diff::diff(&a, &b);
    let changed: Vec<&str> = d.changed.iter().map(|c| &*c.order.key).collect();
    assert_eq!(changed, ["X#2"]);
    assert_eq!(d.unchanged, 2);
}

/// The second run's orders reversed, each run written as a JSON document and
/// as JSON Lines: `doc/`, `lines/` and `mixed/` (first run a document, second
/// JSON Lines) each hold `a.report` and `b.report`.
fn both_forms_reordered() -> tempfile::TempDir {
    let dir = two_packs_and_order_files();
    let root = dir.path();
    let b_orders = std::fs::read_to_string(root.join("orders-b.jsonl")).unwrap();
    let reversed: Vec<&str> = b_orders.lines().rev().collect();
    std::fs::write(root.join("orders-b.jsonl"), reversed.join("\n") + "\n").unwrap();
    for (form, format) in [("doc", "json"), ("lines", "jsonl")] {
        std::fs::create_dir(root.join(form)).unwrap();
        check(
            root,
            "a",
            "orders.jsonl",
            format,
            &format!("{form}/a.report"),
        );
        check(
            root,
            "b",
            "orders-b.jsonl",
            format,
            &format!("{form}/b.report"),
        );
    }
    std::fs::create_dir(root.join("mixed")).unwrap();
    std::fs::copy(root.join("doc/a.report"), root.join("mixed/a.report")).unwrap();
    std::fs::copy(root.join("lines/b.report"), root.join("mixed/b.report")).unwrap();
    dir
}

#[test]
fn both_forms_of_a_report_and_any_order_of_its_orders_give_the_same_comparison() {
    let dir = both_forms_reordered();
    let root = dir.path();
    for format in ["human", "json"] {
        let outputs: Vec<(String, Vec<u8>)> = ["doc", "lines", "mixed"]
            .iter()
            .map(|form| {
                let out = run_in(
                    &root.join(form),
                    &["diff", "a.report", "b.report", "--format", format],
                );
                assert_eq!(code(&out), 1, "{form}: {}", text(&out.stderr));
                (form.to_string(), out.stdout)
            })
            .collect();
        for (form, output) in &outputs[1..] {
            assert!(
                *output == outputs[0].1,
                "{format}: `{form}` differs from `doc`:\n{}\n---\n{}",
                text(output),
                text(&outputs[0].1)
            );
        }
    }
    let out = run_in(&root.join("lines"), &["diff", "a.report", "b.report"]);
    // Changed and added orders come in the second run's order (FX-6 was last, now first),
    // removed ones in the first's; the counts are those of the unreordered comparison.
    insta::assert_snapshot!(text(&out.stdout));
}

/// The lines of a diagnostic that say what and on which line, without the
/// quoted text and the column (which moves with the length of any field).
fn headlines(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| {
            l.starts_with('D') || l.contains('×') || l.starts_with("  │ ") || l.contains("╭─[")
        })
        .map(|l| match l.rsplit_once(':') {
            Some((place, _)) if l.contains("╭─[") => format!("{place}]\n"),
            _ => format!("{}\n", l.trim_end()),
        })
        .collect()
}

#[test]
fn a_report_cut_off_edited_or_joined_is_refused_and_never_compared() {
    let dir = two_runs(false, "json");
    let root = dir.path();
    check(root, "a", "orders.jsonl", "jsonl", "a.jsonl");
    let document = std::fs::read_to_string(root.join("a.json")).unwrap();
    let lines_text = std::fs::read_to_string(root.join("a.jsonl")).unwrap();
    let lines: Vec<&str> = lines_text.lines().collect();
    assert_eq!(lines.len(), 7, "run header, five orders, summary");
    let joined = |lines: &[&str]| lines.join("\n") + "\n";
    let variants: Vec<(&str, String)> = vec![
        ("cut.json", document[..document.len() / 2].to_string()),
        (
            "unclosed.json",
            document.trim_end().trim_end_matches('}').to_string(),
        ),
        (
            "trailing.json",
            document.clone() + "{\"schema\": \"redflag.check/1\"}\n",
        ),
        (
            "orders-twice.json",
            document.replacen("\"orders\":[", "\"orders\":[],\"orders\":[", 1),
        ),
        (
            "order-without-verdict.json",
            document.replacen("\"verdict\":", "\"verdikt\":", 1),
        ),
        ("cut-at-a-line.jsonl", joined(&lines[..4])),
        ("no-summary.jsonl", joined(&lines[..6])),
        (
            "order-deleted.jsonl",
            joined(&[&lines[..2], &lines[3..]].concat()),
        ),
        (
            "cut-mid-line.jsonl",
            joined(&lines[..2]) + &lines[2][..lines[2].len() / 2],
        ),
        ("joined.jsonl", lines_text.clone() + &lines_text),
        (
            "order-after-the-summary.jsonl",
            lines_text.clone() + lines[1] + "\n",
        ),
        ("header-only.jsonl", joined(&lines[..1])),
    ];
    let mut all = String::new();
    for (name, content) in &variants {
        std::fs::write(root.join(name), content).unwrap();
        // Against itself, too: two copies cut alike must not compare as "no order changed".
        for (a, b) in [("a.json", *name), (*name, *name)] {
            let out = run_in(root, &["diff", a, b]);
            assert_eq!(code(&out), 2, "diff {a} {b}: {}", text(&out.stdout));
            assert!(out.stdout.is_empty(), "diff {a} {b}");
        }
        let out = run_in(root, &["diff", "a.json", name]);
        all.push_str(&format!(
            "$ redflag diff a.json {name}\n{}",
            headlines(&text(&out.stderr))
        ));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn a_report_on_standard_input_is_read_and_its_problems_are_placed_in_words() {
    let dir = two_runs(false, "jsonl");
    let root = dir.path();
    let b = std::fs::read(root.join("b.json")).unwrap();
    let from_file = run_in(root, &["diff", "a.json", "b.json"]);
    let from_stdin = redflag_in(Some(root), &["diff", "a.json", "/dev/stdin"], Some(&b));
    assert_eq!(code(&from_stdin), 1, "{}", text(&from_stdin.stderr));
    assert_eq!(
        text(&from_stdin.stdout).replace("/dev/stdin", "b.json"),
        text(&from_file.stdout)
    );
    // A stream cannot be read again to quote the line, so the place is given in words.
    let cut = &b[..b.len() - 10];
    let out = redflag_in(Some(root), &["diff", "a.json", "/dev/stdin"], Some(cut));
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("D002"), "{stderr}");
    assert!(stderr.contains("(line 7, column"), "{stderr}");
}

#[test]
fn a_filtered_report_counts_its_left_out_orders_and_still_compares() {
    let dir = two_runs(false, "json");
    let root = dir.path();
    let out = run_in(
        root,
        &[
            "check",
            "orders.jsonl",
            "--rules",
            "a",
            "--format",
            "jsonl",
            "--min-verdict",
            "hold",
            "-o",
            "held.jsonl",
        ],
    );
    assert!(code(&out) <= 1, "{}", text(&out.stderr));
    // The summary counts five read and two left out; the three held orders are all there.
    let out = run_in(root, &["diff", "held.jsonl", "held.jsonl"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 unchanged"),
        "{}",
        text(&out.stdout)
    );
    // Against the whole run, the orders the filter left out show as added.
    let out = run_in(root, &["diff", "held.jsonl", "a.json"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 changed, 2 added, 0 removed"),
        "{}",
        text(&out.stdout)
    );
}
