//! Runs at volume: `--only flagged` and `--min-verdict` choose what a report shows in every
//! format while the counts and the exit status cover every order; unreadable records and waived
//! findings are never filtered away; every format carries the order's context (buyer,
//! destination, value), escaped like other order data; `--sort severity` orders the human
//! report; the HTML report starts with an index of orders and, past 2,000 orders, keeps compact
//! evidence for flagged orders only.

use std::path::Path;

use serde_json::Value as Json;

use super::support::{code, redflag, stderr, stdout};

const SAMPLE: &str = "fixtures/orders/sample.jsonl";
const BAD: &str = "fixtures/orders/bad/bad.jsonl";
const CLEAN: &str = "fixtures/adversarial/clean-order.jsonl";

fn json(text: &str) -> Json {
    serde_json::from_str(text).expect("a JSON report")
}

/// The clean order with `id` and its fields changed by `edit`.
fn order(id: &str, edit: impl FnOnce(&mut Json)) -> String {
    let mut order = json(&std::fs::read_to_string(CLEAN).unwrap());
    order["id"] = Json::String(id.into());
    edit(&mut order);
    order.to_string()
}

/// A cash payment of 50,000 EUR: RF-CASH-001, `hold`, and nothing else.
fn cash(order: &mut Json) {
    order["payment"] = serde_json::json!({"method": "cash", "amount": 50000, "currency": "EUR"});
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn ids(doc: &Json) -> Vec<String> {
    doc["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap_or("(none)").to_string())
        .collect()
}

#[test]
fn a_filter_shows_fewer_orders_but_counts_every_order_and_keeps_the_exit_status() {
    let all = redflag(&["check", "--format", "json", SAMPLE, BAD]);
    let hold = redflag(&[
        "check",
        "--format",
        "json",
        "--min-verdict",
        "hold",
        SAMPLE,
        BAD,
    ]);
    let flagged = redflag(&[
        "check", "--format", "json", "--only", "flagged", SAMPLE, BAD,
    ]);
    assert_eq!(code(&all), 1);
    assert_eq!(code(&hold), code(&all));
    assert_eq!(code(&flagged), code(&all));
    let (all, hold, flagged) = (
        json(&stdout(&all)),
        json(&stdout(&hold)),
        json(&stdout(&flagged)),
    );
    let read = all["summary"]["read"].as_u64().unwrap();
    for (doc, min) in [(&hold, "hold"), (&flagged, "info")] {
        // The summary is the unfiltered one, plus how many were left out.
        let mut summary = doc["summary"].clone();
        let left_out = summary["left_out"].as_u64().unwrap();
        summary["left_out"] = Json::from(0);
        assert_eq!(summary, all["summary"], "{min}");
        let shown = doc["orders"].as_array().unwrap();
        assert_eq!(shown.len() as u64 + left_out, read, "{min}");
        assert!(left_out > 0, "{min}: the sample has clear orders");
        assert_eq!(doc["filter"]["min_verdict"], min);
        // Exactly the orders with a finding at or above the threshold, and every error, in
        // input order.
        let rank = |s: &str| {
            ["info", "review", "hold", "block"]
                .iter()
                .position(|x| *x == s)
        };
        let expected: Vec<&Json> = all["orders"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                o["verdict"] == "error"
                    || o["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| rank(f["severity"].as_str().unwrap()) >= rank(min))
            })
            .collect();
        assert_eq!(shown.iter().collect::<Vec<_>>(), expected, "{min}");
    }
    assert!(all["filter"].is_null());
    assert_eq!(all["summary"]["left_out"], 0);
}

#[test]
fn unreadable_records_are_always_shown() {
    let all = json(&stdout(&redflag(&["check", "--format", "json", BAD])));
    let errors = all["summary"]["rejected"].as_u64().unwrap();
    assert!(errors > 0);
    let block = json(&stdout(&redflag(&[
        "check",
        "--format",
        "json",
        "--min-verdict",
        "block",
        BAD,
    ])));
    let shown_errors = block["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["verdict"] == "error")
        .count() as u64;
    assert_eq!(shown_errors, errors);
}

#[test]
fn a_waived_finding_keeps_its_order_in_a_filtered_report() {
    let dir = tempfile::tempdir().unwrap();
    let orders = write(
        dir.path(),
        "orders.jsonl",
        &format!("{}\n{}\n", order("SO-W", cash), order("SO-C", |_| {})),
    );
    let waivers = write(
        dir.path(),
        "waivers.toml",
        "[[waiver]]\nid = \"W-1\"\nrule = \"RF-CASH-001\"\norder = \"SO-W\"\nreason = \"cash agreed with the bank\"\napprover = \"A. Keller\"\ndate = 2025-01-01\nexpires = 2025-12-31\n",
    );
    for filter in [["--min-verdict", "hold"], ["--only", "flagged"]] {
        let out = redflag(&[
            "check",
            "--format",
            "json",
            &orders,
            "--waivers",
            &waivers,
            "--as-of",
            "2025-06-01",
            filter[0],
            filter[1],
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let doc = json(&stdout(&out));
        // SO-W is clear (its only finding is waived) and still shown, with its waiver.
        assert_eq!(ids(&doc), ["SO-W"], "{filter:?}");
        assert_eq!(doc["orders"][0]["verdict"], "clear");
        assert_eq!(doc["orders"][0]["findings"][0]["waiver"]["id"], "W-1");
        assert_eq!(doc["summary"]["left_out"], 1);
    }
    // Above the waived finding's severity, it is left out like any order.
    let out = redflag(&[
        "check",
        "--format",
        "json",
        &orders,
        "--waivers",
        &waivers,
        "--as-of",
        "2025-06-01",
        "--min-verdict",
        "block",
    ]);
    assert!(ids(&json(&stdout(&out))).is_empty());
}

#[test]
fn every_format_says_what_it_left_out() {
    let args = |format: &str| {
        redflag(&[
            "check",
            "--format",
            format,
            "--min-verdict",
            "hold",
            "--color",
            "never",
            SAMPLE,
        ])
    };
    // Human: a footer line before the counts.
    let human = stdout(&args("human"));
    assert!(
        human.contains("5 of 13 records left out of this report by `--min-verdict hold`, which shows orders with a finding at or above hold (waived findings count) and every unreadable record; the counts below cover every record\n13 read: 13 judged"),
        "{human}"
    );
    assert!(!human.contains("CLEAR  "));
    // JSON Lines: the run says the filter, the summary the count.
    let lines: Vec<Json> = stdout(&args("jsonl")).lines().map(json).collect();
    assert_eq!(lines[0]["filter"]["option"], "--min-verdict hold");
    assert_eq!(lines.last().unwrap()["left_out"], 5);
    assert_eq!(lines.len(), 1 + 8 + 1);
    // SARIF: in the run's properties.
    let sarif = json(&stdout(&args("sarif")));
    assert_eq!(sarif["runs"][0]["properties"]["summary"]["left_out"], 5);
    assert_eq!(
        sarif["runs"][0]["properties"]["filter"]["min_verdict"],
        "hold"
    );
    // HTML: a notice in the summary.
    let html = stdout(&args("html"));
    assert!(html.contains("<p class=\"notice\">This report shows orders with a finding at or above hold (waived findings count) and every unreadable record (`--min-verdict hold`): 5 of 13 records are left out of it."), "{html}");
    assert_eq!(html.matches("<article class=\"order ").count(), 8);
    // CSV has no summary: stderr says it, on stdout and with -o alike.
    let csv = args("csv");
    assert!(stderr(&csv).contains("5 left out of the report by `--min-verdict hold`; the counts and the exit status cover every record"));
    assert!(!stdout(&csv).contains(",clear,"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.csv");
    let out = redflag(&[
        "check",
        "--format",
        "csv",
        "--only",
        "flagged",
        SAMPLE,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(
        stderr(&out).contains(" · 5 left out of the report by `--only flagged`"),
        "{}",
        stderr(&out)
    );
    // --quiet says nothing on stderr, as before.
    let quiet = redflag(&[
        "check", "--format", "csv", "--only", "flagged", "-q", SAMPLE,
    ]);
    assert!(!stderr(&quiet).contains("left out"));
}

#[test]
fn sort_severity_writes_the_worst_orders_first_then_in_input_order() {
    let sorted = stdout(&redflag(&[
        "check", "--sort", "severity", "--color", "never", SAMPLE, BAD,
    ]));
    let plain = stdout(&redflag(&["check", "--color", "never", SAMPLE, BAD]));
    let heads = |text: &str| -> Vec<(String, String)> {
        text.lines()
            .filter_map(|l| {
                let mut parts = l.split("  ");
                let verdict = parts.next()?;
                let id = parts.next()?;
                ["ERROR", "BLOCK", "HOLD", "REVIEW", "INFO", "CLEAR"]
                    .contains(&verdict)
                    .then(|| (verdict.to_string(), id.to_string()))
            })
            .collect()
    };
    let (sorted_heads, plain_heads) = (heads(&sorted), heads(&plain));
    assert_eq!(sorted_heads.len(), 18);
    let rank = |v: &str| {
        ["ERROR", "BLOCK", "HOLD", "REVIEW", "INFO", "CLEAR"]
            .iter()
            .position(|x| *x == v)
    };
    let mut expected = plain_heads.clone();
    expected.sort_by_key(|(v, _)| rank(v));
    assert_eq!(sorted_heads, expected);
    assert_ne!(sorted_heads, plain_heads);
    // The same bytes on any thread count, and the same footer.
    let one = stdout(&redflag(&[
        "check",
        "--sort",
        "severity",
        "--color",
        "never",
        "--threads",
        "1",
        SAMPLE,
        BAD,
    ]));
    assert_eq!(one, sorted);
    assert_eq!(sorted.rsplit("\n\n").next(), plain.rsplit("\n\n").next());
}

#[test]
fn sort_severity_is_for_the_human_report_only() {
    for format in ["json", "jsonl", "csv", "sarif", "html"] {
        let out = redflag(&["check", "--format", format, "--sort", "severity", SAMPLE]);
        assert_eq!(code(&out), 2, "{format}");
        assert!(stderr(&out).contains("C004"), "{format}");
        assert!(stdout(&out).is_empty());
    }
    let out = redflag(&[
        "check",
        "--only",
        "flagged",
        "--min-verdict",
        "hold",
        SAMPLE,
    ]);
    assert_eq!(code(&out), 2);
}

#[test]
fn the_context_comes_from_the_normalised_order() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        // Lower-case and alpha-3 codes come out normalised; the last consignee is the destination.
        order("SO-A", |o| {
            o["buyer"]["country"] = "deu".into();
            o["consignees"] = serde_json::json!([
                {"name": "A", "country": "de", "city": "Bremen"},
                {"name": "B", "country": "AUT", "city": "Wien"}
            ]);
        }),
        // Items in two currencies: no sum, the payment's amount instead.
        order("SO-B", |o| {
            o["items"] = serde_json::json!([
                {"sku": "X", "hs": "8207.30", "value": "100.50", "currency": "EUR"},
                {"sku": "Y", "hs": "8207.30", "value": 200, "currency": "USD"}
            ]);
            o["payment"] = serde_json::json!({"method": "wire", "amount": "320.00", "currency": "usd"});
        }),
        // No consignee and no end user: the last route stop; no payment, items summed.
        order("SO-C", |o| {
            o.as_object_mut().unwrap().remove("consignees");
            o.as_object_mut().unwrap().remove("end_user");
            o.as_object_mut().unwrap().remove("payment");
            o["route"] = serde_json::json!([{"city": "Pforzheim", "country": "DE"}, {"city": "Basel", "country": "CH"}]);
            o["items"] = serde_json::json!([
                {"sku": "X", "hs": "8207.30", "value": "0.1", "currency": "EUR"},
                {"sku": "Y", "hs": "8207.30", "value": "0.2", "currency": "EUR"}
            ]);
        }),
    ]
    .join("\n");
    let orders = write(dir.path(), "orders.jsonl", &text);
    let doc = json(&stdout(&redflag(&["check", "--format", "json", &orders])));
    let context: Vec<&Json> = doc["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["context"])
        .collect();
    assert_eq!(
        *context[0],
        serde_json::json!({"buyer_name": "Weserland Fahrwerkteile GmbH", "buyer_country": "DE", "destination": "AT", "value": "86500", "currency": "EUR"})
    );
    assert_eq!(context[1]["value"], "320.00");
    assert_eq!(context[1]["currency"], "USD");
    assert_eq!(context[2]["destination"], "CH");
    assert_eq!(context[2]["value"], "0.3");
    assert_eq!(context[2]["currency"], "EUR");
    // An unreadable record has none.
    let bad = json(&stdout(&redflag(&["check", "--format", "json", BAD])));
    let errors: Vec<&Json> = bad["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["verdict"] == "error")
        .collect();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|o| o["context"].is_null()));
}

#[test]
fn the_context_is_escaped_like_other_order_data() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = order("SO-X", |o| {
        o["buyer"]["name"] = "=HYPERLINK(\"http://x\")\u{200f}kcolb\u{2028} <b>".into();
    });
    let orders = write(dir.path(), "orders.jsonl", &hostile);
    let human = stdout(&redflag(&["check", "--color", "never", &orders]));
    assert!(human.contains("  buyer =HYPERLINK(\"http://x\")\\u{200f}kcolb\\u{2028} <b> (DE) · destination DE · 86500 EUR\n"), "{human}");
    let csv = stdout(&redflag(&["check", "--format", "csv", &orders]));
    assert!(
        csv.contains(
            ",\"'=HYPERLINK(\"\"http://x\"\")\\u{200f}kcolb\\u{2028} <b>\",DE,DE,86500,EUR"
        ),
        "{csv}"
    );
    let html = stdout(&redflag(&["check", "--format", "html", &orders]));
    assert!(
        html.contains(
            "<td>=HYPERLINK(&quot;http://x&quot;)\\u{200f}kcolb\\u{2028} &lt;b&gt; (DE)</td>"
        ),
        "{html}"
    );
    assert!(
        !html.contains('\u{200f}') && !html.contains('\u{2028}') && !html.contains("kcolb <b>")
    );
    let jsonl = stdout(&redflag(&["check", "--format", "jsonl", &orders]));
    assert!(
        jsonl.contains("\"buyer_name\":\"=HYPERLINK(\\\"http://x\\\")\\u200fkcolb\\u2028 <b>\""),
        "{jsonl}"
    );
}

#[test]
fn the_html_report_starts_with_an_index_and_puts_the_coverage_after_the_orders() {
    let html = stdout(&redflag(&["check", "--format", "html", SAMPLE, BAD]));
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(at("id=\"summary\"") < at("id=\"index\""));
    assert!(at("id=\"index\"") < at("id=\"orders\""));
    assert!(at("id=\"orders\"") < at("id=\"coverage\""));
    assert!(at("id=\"coverage\"") < at("id=\"provenance\""));
    let index = &html[at("id=\"index\"")..at("id=\"orders\"")];
    assert_eq!(index.matches("<tr class=\"v-").count(), 18);
    assert!(index.contains("<tr class=\"v-block\"><td><a href=\"#o-1\">SO-2015-0042</a></td><td>Dandong Golden Tulip Trading Co. (CN)</td><td>CN</td><td class=\"num\">1050000 USD</td><td class=\"vd\">block</td><td>RF-REEXPORT-002 RF-BORDER-001 RF-BUSINESS-001 RF-CASH-001"), "{index}");
    // A clear order has no entry to link to beyond its row; an unreadable one lists its codes.
    assert!(index.contains("<tr class=\"v-clear\"><td>SO-2025-0110</td>"));
    assert!(
        index.contains("<td class=\"vd\">error</td><td>O101</td>"),
        "{index}"
    );
    assert!(!html.contains("A large run"));
}

/// `n` orders: every seventh pays cash (hold), every 500th cannot be read.
pub(super) fn many_orders(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let id = format!("SO-{i:05}");
        if i % 500 == 499 {
            text.push_str(&format!("{{\"id\": \"{id}\", \"date\": \"not a date\"}}\n"));
        } else if i % 7 == 0 {
            text.push_str(&order(&id, cash));
            text.push('\n');
        } else {
            text.push_str(&order(&id, |_| {}));
            text.push('\n');
        }
    }
    text
}

#[test]
fn a_large_html_report_keeps_every_order_in_the_index_and_evidence_for_flagged_ones_only() {
    let dir = tempfile::tempdir().unwrap();
    let orders = write(dir.path(), "orders.jsonl", &many_orders(2100));
    let file = dir.path().join("large.html");
    let out = redflag(&[
        "check",
        "--format",
        "html",
        &orders,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let html = std::fs::read_to_string(&file).unwrap();
    let flagged = (0..2100).filter(|i| i % 7 == 0 && i % 500 != 499).count();
    let errors = (0..2100).filter(|i| i % 500 == 499).count();
    assert!(
        html.contains("A large run: 2100 orders, more than 2000."),
        "the notice"
    );
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    // The index: every order, as text, the flagged and unreadable ones linked to their entries.
    let index = &html[at("id=\"index\"")..at("id=\"orders\"")];
    assert_eq!(index.matches("SO-0").count(), 2100);
    assert_eq!(index.matches("<a href=\"#o-").count(), flagged + errors);
    assert!(
        index.contains(
            "<a href=\"#o-8\">SO-00007</a>         hold    DE              86500 EUR  RF-CASH-001"
        ),
        "{}",
        &index[..2000]
    );
    assert!(index.contains("\nSO-00001         clear   DE              86500 EUR                                     Weserland Fahrwerkteile GmbH (DE)\n"), "{}", &index[..2000]);
    // Entries for the flagged and unreadable orders only, compact.
    let entries = &html[at("id=\"orders\"")..at("id=\"rules\"")];
    assert_eq!(entries.matches("<b id=\"o-").count(), flagged + errors);
    assert!(!entries.contains("class=\"v-clear\""));
    assert!(
        entries.contains("<b id=\"o-8\" class=\"v-hold\">HOLD  <bdi>SO-00007</bdi>  "),
        "{}",
        &entries[..2000]
    );
    assert!(
        entries.contains("  HOLD RF-CASH-001\n    payment of 50000 EUR in cash"),
        "{}",
        &entries[..2000]
    );
    assert!(entries.contains("<b id=\"o-500\" class=\"v-error\">ERROR  <bdi>SO-00499</bdi>"));
    // Why, action and references once per rule.
    assert_eq!(
        html.matches("<dt><code>RF-CASH-001</code> v2</dt>").count(),
        1
    );
    assert!(at("id=\"rules\"") < at("id=\"coverage\""));
    // Deterministic whatever the thread count.
    let again = dir.path().join("again.html");
    redflag(&[
        "check",
        "--format",
        "html",
        "--threads",
        "1",
        &orders,
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read_to_string(&again).unwrap() == html,
        "the two runs differ"
    );
}

#[test]
fn a_run_of_exactly_the_threshold_is_written_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let orders = write(dir.path(), "orders.jsonl", &many_orders(2000));
    let html = stdout(&redflag(&["check", "--format", "html", &orders]));
    assert!(!html.contains("A large run"));
    assert_eq!(html.matches("<article class=\"order ").count(), 2000);
    assert!(!html.contains("id=\"rules\""));
}
