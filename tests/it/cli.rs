//! The `redflag check` binary end to end: exit statuses, stdout/stderr
//! discipline, the JSON contract (checked with independent test-only
//! structs), determinism, standard input, CSV with a map, and snapshots of
//! the human and JSON Lines reports.

use std::collections::BTreeMap;
use std::process::Output;

use serde::Deserialize;

use super::support::{code, redflag as run, redflag_in, stderr, stdout};

const SAMPLE: &str = "fixtures/orders/sample.jsonl";

/// The lines of the sample whose order id is one of `ids`.
fn sample_lines(ids: &[&str]) -> String {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            ids.iter()
                .any(|id| l.contains(&format!("\"id\": \"{id}\"")))
        })
        .collect();
    assert_eq!(lines.len(), ids.len(), "sample lines for {ids:?}");
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A temporary directory holding `name` with `text`.
fn temp_input(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

const CLEAN: [&str; 5] = [
    "SO-2025-0110",
    "SO-2025-0111",
    "SO-2025-0112",
    "SO-2025-0113",
    "SO-2024-0415",
];

// ---- the JSON contract, written independently of src/report/json.rs ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    schema: String,
    redflag_version: String,
    pack: Pack,
    inputs: Vec<String>,
    fail_on: String,
    as_of: Option<String>,
    other_files: Vec<OtherFileOut>,
    waivers: Option<WaiversOut>,
    screening: Vec<ScreeningListOut>,
    filter: Option<FilterOut>,
    orders: Vec<OrderOut>,
    summary: Summary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FilterOut {
    min_verdict: String,
    option: String,
    holds: String,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ContextOut {
    buyer_name: Option<String>,
    buyer_country: Option<String>,
    destination: Option<String>,
    value: Option<String>,
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OtherFileOut {
    role: String,
    file: String,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    name: String,
    version: String,
    origin: String,
    sha256: String,
    rules: usize,
    lists: Vec<ListOut>,
    rates: Option<RatesOut>,
    files: Vec<PackFileOut>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFileOut {
    path: String,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListOut {
    name: String,
    file: String,
    as_of: String,
    rows: usize,
    source: String,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WaiversOut {
    file: String,
    sha256: String,
    count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WaiverOut {
    id: String,
    reason: String,
    approver: String,
    date: String,
    expires: String,
    order: Option<String>,
    party: Option<String>,
    path: Option<String>,
    line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ScreeningListOut {
    name: String,
    file: String,
    format: String,
    as_of: Option<String>,
    source: String,
    sha256: String,
    entries: usize,
    bad_rows: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ScreeningOut {
    role: String,
    party: String,
    list: String,
    source: String,
    entry_id: String,
    primary_name: String,
    programs: Vec<String>,
    listed_on: Option<String>,
    ends_on: Option<String>,
    shipment_date: Option<String>,
    listing: String,
    matched_on: String,
    alias: Option<String>,
    id: Option<IdOut>,
    score: String,
    query_normalized: String,
    entry_normalized: String,
    country_match: Option<bool>,
    other_matches: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct IdOut {
    scheme: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RatesOut {
    file: String,
    base: String,
    as_of: String,
    rows: usize,
    #[allow(dead_code)]
    source: String,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderOut {
    id: Option<String>,
    file: String,
    line: usize,
    verdict: String,
    context: Option<ContextOut>,
    findings: Vec<FindingOut>,
    #[serde(default)]
    problems: Vec<ProblemOut>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ProblemOut {
    code: String,
    path: String,
    column: Option<String>,
    line: Option<usize>,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FindingOut {
    rule_id: String,
    rule_version: u32,
    kind: String,
    severity: String,
    title: String,
    message: String,
    family: String,
    red_flags: Vec<String>,
    icp: Vec<String>,
    references: Vec<ReferenceOut>,
    why: String,
    action: String,
    escalation: Option<String>,
    condition: String,
    matches: usize,
    bindings: Vec<BindingOut>,
    evidence: Vec<EvidenceOut>,
    waiver: Option<WaiverOut>,
    waived_in_part: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceOut {
    cite: String,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BindingOut {
    name: String,
    path: String,
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct EvidenceOut {
    condition: String,
    op: String,
    path: String,
    truth: String,
    observations: Vec<ObservationOut>,
    more: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ObservationOut {
    path: String,
    seen: Option<String>,
    expected: String,
    holds: String,
    note: Option<String>,
    row: Option<RowOut>,
    /// Present only on `screen` observations.
    #[serde(default)]
    screening: Option<ScreeningOut>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowOut {
    list: String,
    line: usize,
    cells: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Summary {
    read: usize,
    judged: usize,
    rejected: usize,
    verdicts: Verdicts,
    findings: usize,
    undecided: usize,
    fail_on: String,
    failing: usize,
    waived: usize,
    waivers_expired: Vec<String>,
    waivers_unused: Vec<String>,
    left_out: usize,
    inputs: Vec<InputOut>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct InputOut {
    file: String,
    records: usize,
    bytes: Option<u64>,
    sha256: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Verdicts {
    block: usize,
    hold: usize,
    review: usize,
    info: usize,
    clear: usize,
    error: usize,
}

#[track_caller]
fn document(output: &Output) -> Document {
    match serde_json::from_slice(&output.stdout) {
        Ok(doc) => doc,
        Err(e) => panic!(
            "stdout is not a redflag.check/1 document: {e}\n{}",
            stdout(output)
        ),
    }
}

fn verdicts(doc: &Document) -> Vec<(String, String)> {
    doc.orders
        .iter()
        .map(|o| (o.id.clone().unwrap_or_default(), o.verdict.clone()))
        .collect()
}

// ---- exit statuses ----

#[test]
fn the_sample_exits_1_with_the_report_on_stdout_only() {
    let out = run(&["check", SAMPLE]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // The one diagnostic: no screening list was given.
    let err = stderr(&out);
    assert!(err.contains("S004") && !err.contains('×'), "{err}");
    let text = stdout(&out);
    assert!(text.starts_with("redflag "), "{text}");
    assert!(text.contains("BLOCK  SO-2015-0042  fixtures/orders/sample.jsonl:1"));
    assert!(!text.contains("\x1b["), "NO_COLOR output has no escapes");
}

#[test]
fn check_warns_on_stderr_about_tables_older_than_the_allowed_age() {
    // The default pack's CHPL is dated 2024-02-23 and its rates table 2026-01-01; the tests'
    // today is 2026-11-30 (support::TODAY): 1,011 and 333 days.
    let stale = |max_age: &str| {
        let out = run(&[
            "check",
            "fixtures/orders/sample.jsonl",
            "-q",
            "--max-age",
            max_age,
        ]);
        assert_eq!(
            code(&out),
            1,
            "the verdicts set the exit status, not the warning"
        );
        assert!(
            !stdout(&out).contains("L050"),
            "warnings stay off the report"
        );
        stderr(&out)
            .lines()
            .filter(|l| l.contains("was last checked on"))
            .map(|l| l.trim().trim_start_matches('⚠').trim().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        stale("365"),
        ["list `chpl` was last checked on `2024-02-23`, 1011 days before `2026-11-30`"]
    );
    assert_eq!(
        stale("300"),
        [
            "list `chpl` was last checked on `2024-02-23`, 1011 days before `2026-11-30`",
            "the rates table was last checked on `2026-01-01`, 333 days before `2026-11-30`",
        ]
    );
    assert!(stale("1011").is_empty(), "an age at the limit is allowed");
    // A screening list the pack names is judged by its own date too.
    let out = run(&[
        "check",
        "fixtures/orders/sample.jsonl",
        "-q",
        "--rules",
        "fixtures/packs/screening-own",
    ]);
    assert!(
        stderr(&out).contains(
            "screening list `own` was last checked on `2024-06-01`, 912 days before `2026-11-30`"
        ),
        "{}",
        stderr(&out)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_ends_the_run_with_an_error() {
    // 2,100 orders: three batches, so writing fails while the next batch is being judged
    // (the reporters that render ahead overlap the two), and the run must stop, not hang.
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let orders: String = (0..2100)
        .map(|n| {
            let mut order: serde_json::Value =
                serde_json::from_str(lines[n % lines.len()]).unwrap();
            order["id"] = format!("X-{n}").into();
            format!("{order}\n")
        })
        .collect();
    let dir = temp_input("many.jsonl", &orders);
    let input = dir.path().join("many.jsonl");
    for (format, threads) in [("jsonl", "1"), ("jsonl", "2"), ("csv", "2")] {
        let out = run(&[
            "check",
            input.to_str().unwrap(),
            "--format",
            format,
            "--threads",
            threads,
            "-q",
            "-o",
            "/dev/full",
        ]);
        assert_eq!(
            code(&out),
            2,
            "{format}, {threads} threads: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("cannot write the report"),
            "{format}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn fail_on_block_still_fails_for_the_dandong_order() {
    let out = run(&["check", "--fail-on", "block", SAMPLE]);
    assert_eq!(code(&out), 1);
}

#[test]
fn fail_on_sets_the_threshold() {
    // SO-2024-0412 is `hold` (cash over 10,000 USD): it fails at hold, not at block.
    let dir = temp_input("hold.jsonl", &sample_lines(&["SO-2024-0412"]));
    let input = dir.path().join("hold.jsonl");
    let input = input.to_str().unwrap();
    assert_eq!(code(&run(&["check", input])), 1);
    assert_eq!(code(&run(&["check", "--fail-on", "block", input])), 0);
    assert_eq!(code(&run(&["check", "--fail-on", "review", input])), 1);
}

#[test]
fn clean_orders_exit_0() {
    let dir = temp_input("clean.jsonl", &sample_lines(&CLEAN));
    let input = dir.path().join("clean.jsonl");
    let out = run(&["check", "--fail-on", "info", input.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        stdout(&out).matches("CLEAR  ").count(),
        5,
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broken_pack_exits_2_with_diagnostics_on_stderr_and_nothing_on_stdout() {
    let out = run(&[
        "check",
        "--rules",
        "fixtures/rules-bad/several-errors",
        SAMPLE,
    ]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "", "nothing on stdout");
    let err = stderr(&out);
    for code in ["R052", "R028", "R011", "R014", "R029"] {
        assert!(err.contains(code), "{code} missing from\n{err}");
    }
    assert!(err.contains("nothing was evaluated"), "{err}");
    // The same with JSON output: still nothing on stdout.
    let out = run(&[
        "check",
        "--format",
        "json",
        "--rules",
        "fixtures/rules-bad/unknown-operator",
        SAMPLE,
    ]);
    assert_eq!((code(&out), stdout(&out).as_str()), (2, ""));
    assert!(stderr(&out).contains("did you mean `in_list`?"));
}

#[test]
fn an_input_that_cannot_be_opened_exits_2_before_any_output() {
    let out = run(&["check", SAMPLE, "fixtures/orders/no-such-file.jsonl"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "", "no half report");
    assert!(
        stderr(&out).contains("no-such-file.jsonl"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_usage_exits_2() {
    let out = run(&["check", "--fail-on", "sometimes", SAMPLE]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert_eq!(code(&run(&["check"])), 2);
}

#[test]
fn bad_records_exit_1_and_the_counts_add_up() {
    let out = run(&["check", "--format", "json", "fixtures/orders/bad/bad.jsonl"]);
    assert_eq!(code(&out), 1);
    let doc = document(&out);
    let s = &doc.summary;
    assert_eq!((s.read, s.judged, s.rejected), (5, 1, 4));
    assert_eq!(s.read, s.judged + s.rejected);
    assert_eq!(s.verdicts.error, 4);
    let errors: Vec<(usize, &str)> = doc
        .orders
        .iter()
        .filter(|o| o.verdict == "error")
        .map(|o| (o.line, o.problems[0].path.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (2, ""),
            (3, "buyer.country"),
            (4, "items"),
            (5, "payment.amount")
        ]
    );
    assert!(doc
        .orders
        .iter()
        .filter(|o| o.verdict == "error")
        .all(|o| o.findings.is_empty()));
}

// ---- the JSON contract ----

#[test]
fn json_output_matches_the_contract() {
    let out = run(&["check", "--format", "json", SAMPLE]);
    assert_eq!(code(&out), 1);
    let doc = document(&out);
    assert_eq!(doc.schema, "redflag.check/1");
    assert_eq!(doc.redflag_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(doc.inputs, [SAMPLE]);
    assert_eq!(doc.fail_on, "hold");
    // The pack: name, version, digest, every list with its date.
    assert_eq!(doc.pack.name, "redflag-default");
    assert_eq!(doc.pack.origin, "<default pack>");
    assert!(!doc.pack.version.is_empty());
    assert_eq!(doc.pack.rules, 54);
    // No `--list`: the run says so by naming no screening list.
    assert!(doc.screening.is_empty());
    // No waiver file.
    assert!(doc.waivers.is_none());
    let is_digest = |s: &str| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit());
    assert!(is_digest(&doc.pack.sha256), "{}", doc.pack.sha256);
    let lists: Vec<(&str, &str)> = doc
        .pack
        .lists
        .iter()
        .map(|l| (l.name.as_str(), l.as_of.as_str()))
        .collect();
    assert!(lists.contains(&("chpl", "2024-02-23")), "{lists:?}");
    assert_eq!(lists.len(), 21, "{lists:?}");
    for l in &doc.pack.lists {
        assert!(is_digest(&l.sha256) && l.rows > 0 && !l.source.is_empty());
        assert_eq!(l.file, format!("lists/{}.csv", l.name));
    }
    let rates = doc.pack.rates.as_ref().expect("the default pack has rates");
    assert_eq!(
        (
            rates.file.as_str(),
            rates.base.as_str(),
            rates.as_of.as_str()
        ),
        ("rates.csv", "USD", "2026-01-01")
    );
    assert!(is_digest(&rates.sha256) && rates.rows > 0);
    // Every file of the pack with its digest, sorted by path.
    assert!(doc.pack.files.iter().any(|f| f.path == "pack.toml"));
    assert!(doc.pack.files.windows(2).all(|w| w[0].path < w[1].path));
    assert!(doc.pack.files.iter().all(|f| is_digest(&f.sha256)));
    assert_eq!(doc.as_of, None);
    assert!(doc.other_files.is_empty());
    // The orders, in input order, with their location.
    assert_eq!(doc.orders.len(), 13);
    for (i, o) in doc.orders.iter().enumerate() {
        assert_eq!((o.file.as_str(), o.line), (SAMPLE, i + 1));
        let worst = o.findings.first().map(|f| f.severity.as_str());
        assert_eq!(worst.unwrap_or("clear"), o.verdict, "{:?}", o.id);
    }
    let dandong = &doc.orders[0];
    assert_eq!(dandong.id.as_deref(), Some("SO-2015-0042"));
    assert_eq!(dandong.verdict, "block");
    let f = &dandong.findings[0];
    assert_eq!(
        (
            f.rule_id.as_str(),
            f.rule_version,
            f.kind.as_str(),
            f.severity.as_str()
        ),
        ("RF-REEXPORT-002", 4, "fired", "block")
    );
    assert!(f.message.contains("facing `KP` (Sinuiju)"), "{}", f.message);
    assert!(!f.references.is_empty() && f.references.iter().all(|r| !r.cite.is_empty()));
    assert!(f.references[0]
        .url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://")));
    let border = f
        .evidence
        .iter()
        .find(|e| e.condition == "border_city")
        .expect("border_city evidence");
    let row = border.observations[0].row.as_ref().expect("matched row");
    assert_eq!(border.observations[0].path, "consignees[1].city");
    assert_eq!(row.list, "border_cities");
    assert_eq!(row.cells.get("faces").map(String::as_str), Some("KP"));
    assert!(row.line > 1);
    // The order's context, from the normalised order.
    assert_eq!(
        doc.orders[0].context,
        Some(ContextOut {
            buyer_name: Some("Dandong Golden Tulip Trading Co.".into()),
            buyer_country: Some("CN".into()),
            destination: Some("CN".into()),
            value: Some("1050000".into()),
            currency: Some("USD".into()),
        })
    );
    assert!(doc.filter.is_none());
    // The summary.
    assert_eq!(
        doc.summary,
        Summary {
            read: 13,
            judged: 13,
            rejected: 0,
            verdicts: Verdicts {
                block: 5,
                hold: 3,
                review: 0,
                info: 0,
                clear: 5,
                error: 0
            },
            findings: doc.orders.iter().map(|o| o.findings.len()).sum(),
            // SO-2025-0200 pays 9,000,000 XAF in cash, a currency with no rate: neither RF-CASH-001
            // nor RF-CASH-004 can tell the figure from the threshold.
            undecided: 2,
            fail_on: "hold".into(),
            failing: 8,
            waived: 0,
            waivers_expired: Vec::new(),
            waivers_unused: Vec::new(),
            left_out: 0,
            inputs: vec![InputOut {
                file: SAMPLE.into(),
                records: 13,
                bytes: Some(std::fs::metadata(SAMPLE).unwrap().len()),
                sha256: doc.summary.inputs[0].sha256.clone(),
            }],
        }
    );
    assert!(is_digest(doc.summary.inputs[0].sha256.as_deref().unwrap()));
}

#[test]
fn jsonl_output_is_run_orders_summary_one_object_per_line() {
    let out = run(&["check", "--format", "jsonl", SAMPLE]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let types: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["type"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(types.len(), 15);
    assert_eq!(types[0], "run");
    assert!(types[1..14].iter().all(|t| t == "order"));
    assert_eq!(types[14], "summary");
}

// ---- determinism ----

/// Many orders (more than one batch) with distinct ids, from the sample.
fn many_orders() -> String {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&sample.replace("\"id\": \"SO-", &format!("\"id\": \"R{i:03}-SO-")));
    }
    text
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = temp_input("many.jsonl", &many_orders());
    let input = dir.path().join("many.jsonl");
    let input = input.to_str().unwrap();
    for format in ["json", "human", "html", "sarif", "csv"] {
        let a = run(&["check", "--format", format, "--threads", "1", input]);
        let b = run(&["check", "--format", format, "--threads", "4", input]);
        let c = run(&["check", "--format", format, "--threads", "4", input]);
        assert_eq!(code(&a), 1);
        assert!(a.stdout.len() > 100_000);
        assert!(a.stdout == b.stdout, "{format}: --threads 1 and 4 differ");
        assert!(b.stdout == c.stdout, "{format}: two runs differ");
    }
    let doc = document(&run(&["check", "--format", "json", input]));
    assert_eq!(doc.summary.read, 1300);
    assert_eq!(doc.orders[1299].line, 1300);
}

/// An order id is one order in the whole run: an id seen in an earlier input is an error
/// naming where it was first seen (`O111`), as a repeat within one input is, whatever the
/// inputs' formats; counts add up and the report is the same at any thread count.
#[test]
fn an_order_id_repeated_in_another_input_of_the_run_is_an_error_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let first = sample_lines(&["SO-2025-0110", "SO-2025-0111"]);
    std::fs::write(dir.path().join("a.jsonl"), &first).unwrap();
    // The same ids again in a JSON document and in JSON Lines, beside a new one.
    let again: Vec<serde_json::Value> = sample_lines(&["SO-2025-0111", "SO-2025-0112"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::write(
        dir.path().join("b.json"),
        serde_json::to_string(&again).unwrap(),
    )
    .unwrap();
    // (in the sample's order: SO-2025-0110 first)
    std::fs::write(
        dir.path().join("c.jsonl"),
        sample_lines(&["SO-2025-0110", "SO-2025-0113"]),
    )
    .unwrap();
    let args = |threads: &'static str| {
        [
            "check",
            "--format",
            "json",
            "--threads",
            threads,
            "a.jsonl",
            "b.json",
            "c.jsonl",
        ]
    };
    let one = redflag_in(Some(dir.path()), &args("1"), None);
    let two = redflag_in(Some(dir.path()), &args("2"), None);
    assert_eq!(code(&one), 1, "{}", stderr(&one));
    assert!(one.stdout == two.stdout, "--threads 1 and 2 differ");
    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    let got: Vec<(String, String, String, Vec<String>)> = doc["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["file"].as_str().unwrap().to_string(),
                o["id"].as_str().unwrap().to_string(),
                o["verdict"].as_str().unwrap().to_string(),
                o["problems"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .map(|p| format!("{}: {}", p["code"], p["message"]))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect();
    let repeated = |file: &str, id: &str, line: usize| {
        (
            file.to_string(),
            id.to_string(),
            "error".to_string(),
            vec![format!(
                "\"O111\": \"order id `{id}` already appears in `a.jsonl` on line {line}\""
            )],
        )
    };
    assert_eq!(got[2], repeated("b.json", "SO-2025-0111", 2), "{got:#?}");
    assert_eq!(got[4], repeated("c.jsonl", "SO-2025-0110", 1), "{got:#?}");
    for (i, (_, id, verdict, _)) in got.iter().enumerate() {
        if i != 2 && i != 4 {
            assert_ne!(verdict, "error", "{id}: {got:#?}");
        }
    }
    let summary = &doc["summary"];
    assert_eq!(summary["read"], 6);
    assert_eq!(summary["judged"], 4);
    assert_eq!(summary["rejected"], 2);
    // Each input alone has no repeat.
    for input in ["a.jsonl", "b.json", "c.jsonl"] {
        let alone = redflag_in(
            Some(dir.path()),
            &["check", "--format", "json", input],
            None,
        );
        assert!(!stdout(&alone).contains("O111"), "{input}");
    }
}

// ---- inputs ----

#[test]
fn standard_input_is_read_for_dash() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let out = redflag_in(
        None,
        &["check", "--format", "json", "-"],
        Some(text.as_bytes()),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let from_stdin = document(&out);
    let from_file = document(&run(&["check", "--format", "json", SAMPLE]));
    assert_eq!(from_stdin.inputs, ["-"]);
    assert_eq!(verdicts(&from_stdin), verdicts(&from_file));
    // Same bytes, same digest; only the name differs.
    let (mut a, mut b) = (from_stdin.summary, from_file.summary);
    assert_eq!(a.inputs[0].file, "-");
    assert_eq!(a.inputs[0].sha256, b.inputs[0].sha256);
    a.inputs[0].file = SAMPLE.into();
    b.inputs[0].file = SAMPLE.into();
    assert_eq!(a, b);
}

#[test]
fn csv_with_a_column_map() {
    let mapped = run(&[
        "check",
        "--format",
        "json",
        "--map",
        "fixtures/orders/sample-map.toml",
        "fixtures/orders/sample.csv",
    ]);
    assert_eq!(code(&mapped), 1, "{}", stderr(&mapped));
    let mapped = document(&mapped);
    // FIXME: fixtures/orders/README.md calls `0000600101` clean, but it names
    // no end user, so RF-ENDUSER-001 of the default pack holds it. Pinned as
    // it is now; the fixture or the README should change.
    assert_eq!(
        verdicts(&mapped),
        [
            ("0000600101".to_string(), "hold".to_string()),
            ("0000600102".to_string(), "block".to_string())
        ]
    );
    assert_eq!(mapped.orders[1].line, 4);
    let ids: Vec<&str> = mapped.orders[1]
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    assert!(
        ids.contains(&"RF-CHPL-002") && ids.contains(&"RF-BORDER-001"),
        "{ids:?}"
    );
    // The plain layout gives the same verdicts and findings.
    let plain = document(&run(&[
        "check",
        "--format",
        "json",
        "fixtures/orders/sample-plain.csv",
    ]));
    assert_eq!(verdicts(&plain), verdicts(&mapped));
    let messages = |d: &Document| -> Vec<String> {
        d.orders
            .iter()
            .flat_map(|o| o.findings.iter().map(|f| f.message.clone()))
            .collect()
    };
    assert_eq!(messages(&plain), messages(&mapped));
}

// ---- snapshots ----

/// Replaces 64- and 12-digit hex digests, which change with any pack edit.
fn redact(text: &str) -> String {
    let digest = regex::Regex::new(r"\b[0-9a-f]{64}\b|sha256 [0-9a-f]{12}\b").unwrap();
    digest
        .replace_all(text, |c: &regex::Captures| {
            if c[0].starts_with("sha256 ") {
                "sha256 [digest]".to_string()
            } else {
                "[digest]".to_string()
            }
        })
        .into_owned()
}

#[test]
fn human_report_of_the_dandong_order() {
    let dir = temp_input("dandong.jsonl", &sample_lines(&["SO-2015-0042"]));
    let out = redflag_in(Some(dir.path()), &["check", "dandong.jsonl"], None);
    assert_eq!(code(&out), 1);
    insta::assert_snapshot!(redact(&stdout(&out)));
}

#[test]
fn jsonl_report_of_a_clean_order() {
    let dir = temp_input("clean.jsonl", &sample_lines(&["SO-2025-0110"]));
    let out = redflag_in(
        Some(dir.path()),
        &["check", "--format", "jsonl", "clean.jsonl"],
        None,
    );
    assert_eq!(code(&out), 0);
    insta::assert_snapshot!(redact(&stdout(&out)));
}

#[test]
fn output_file_holds_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    let output = run(&[
        "check",
        "fixtures/orders/sample.jsonl",
        "--format",
        "json",
        "--output",
        report_arg,
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(&report).unwrap();
    let to_stdout = run(&["check", "fixtures/orders/sample.jsonl", "--format", "json"]);
    assert_eq!(written, stdout(&to_stdout));
}

#[test]
fn completions_for_every_shell_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = stdout(&out);
        assert!(
            script.contains("check") && script.contains("fail-on"),
            "{shell}:\n{script}"
        );
    }
    assert_eq!(code(&run(&["completions", "tcsh"])), 2);
    let page = stdout(&run(&["manpage"]));
    assert!(page.contains(".TH redflag 1"), "{page}");
    assert!(page.contains("check"), "{page}");
}

#[test]
fn a_report_to_a_file_ends_with_one_summary_line_on_stderr_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let file = file.to_str().unwrap();
    let out = run(&["check", SAMPLE, "--format", "json", "-o", file]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("13 read, 13 judged, 0 rejected · 5 block, 3 hold, 0 review, 0 info, 5 clear, 0 error · 8 at or above `hold`"),
        "{err}"
    );
    let quiet = run(&["check", SAMPLE, "--format", "json", "-o", file, "--quiet"]);
    assert_eq!(code(&quiet), 1);
    assert!(!stderr(&quiet).contains("13 read"), "{}", stderr(&quiet));
    // Without a terminal there is no progress bar: stdout is the report alone.
    let piped = run(&["check", SAMPLE, "--format", "json"]);
    assert!(!stderr(&piped).contains("records ·"));
}

/// `-o /dev/null` (or a named pipe) is written in place: renaming a finished report over a
/// device would replace it with a file, and every later `> /dev/null` on the machine would
/// fail. A symbolic link stays a link, and the file it points to gets the report.
#[test]
fn output_to_a_pipe_or_a_link_keeps_what_the_path_is() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Read and write ends held here, so the run's open neither blocks nor finds no reader.
    let mut pipe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let report_to = |path: &std::path::Path| {
        let out = run(&[
            "check",
            "fixtures/adversarial/clean-order.jsonl",
            "--format",
            "jsonl",
            "--quiet",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    };
    report_to(&fifo);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let mut head = [0u8; 64];
    let n = pipe.read(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("{\"type\":\"run\""));

    let real = dir.path().join("real.jsonl");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    report_to(&link);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("{\"type\":\"run\""));
}

/// Thousands of inputs are read one open file at a time: every input is checked before
/// anything is written, but only the one being read is held open. Under a limit of 48 file
/// descriptors, 150 one-order files are all judged and the embargo order in the last one still
/// blocks; before, the run stopped at about the 40th file with `I001`.
#[cfg(unix)]
#[test]
fn many_inputs_are_read_one_open_file_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let clean = sample_lines(&["SO-2025-0110"]);
    let mut names = Vec::new();
    for i in 0..150 {
        let name = format!("in-{i:03}.jsonl");
        let line = clean.replace("\"SO-2025-0110\"", &format!("\"MANY-{i:03}\""));
        std::fs::write(dir.path().join(&name), line).unwrap();
        names.push(name);
    }
    std::fs::write(
        dir.path().join("last.jsonl"),
        sample_lines(&["SO-2015-0042"]),
    )
    .unwrap();
    names.push("last.jsonl".to_string());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 48 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_redflag"))
        .args(["check", "--format", "json", "--threads", "2"])
        .args(&names)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("REDFLAG_TODAY", crate::support::TODAY)
        .env("REDFLAG_CACHE_DIR", crate::support::list_cache())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = document(&out);
    let s = &doc.summary;
    assert_eq!((s.read, s.judged, s.rejected), (151, 151, 0));
    assert_eq!((s.verdicts.block, s.verdicts.clear), (1, 150));
    assert_eq!(s.inputs.len(), 151);
    assert!(s
        .inputs
        .iter()
        .all(|i| i.records == 1 && i.sha256.is_some()));
}
