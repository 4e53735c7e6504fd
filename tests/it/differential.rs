//! Judging must stay the same while the engine is made faster: generated orders are judged
//! with the default pack, with and without a list, on one and two threads, and every byte of
//! the reports is compared with the reports committed in `fixtures/differential/expected/`
//! (see that directory's README for how they were made and how to renew them on purpose).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use redflag::rules::lists::fold;

use crate::support::{code, redflag_in, stderr};

const DIR: &str = "fixtures/differential";

/// Runs `check` in the fixture directory and compares the report with `expected/<name>`.
fn judge_and_compare(name: &str, extra: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let expected_path: PathBuf = root.join("expected").join(name);
    let mut reports = Vec::new();
    for threads in ["1", "2"] {
        let mut args = vec![
            "check",
            "orders.jsonl",
            "--threads",
            threads,
            "--color",
            "never",
        ];
        args.extend_from_slice(extra);
        let output = redflag_in(Some(&root), &args, None);
        assert_eq!(
            code(&output),
            1,
            "the generated orders hold some orders; stderr:\n{}",
            stderr(&output)
        );
        reports.push(output.stdout);
    }
    assert!(
        reports[0] == reports[1],
        "`{name}`: the report differs between one and two threads"
    );
    let report = &reports[0];
    if std::env::var_os("REDFLAG_UPDATE_DIFFERENTIAL").is_some() {
        std::fs::create_dir_all(root.join("expected")).unwrap();
        std::fs::write(&expected_path, report).unwrap();
        return;
    }
    let expected = std::fs::read(&expected_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; make it with REDFLAG_UPDATE_DIFFERENTIAL=1",
            expected_path.display()
        )
    });
    if *report != expected {
        let got = String::from_utf8_lossy(report);
        let want = String::from_utf8_lossy(&expected);
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "`{name}` differs from {} first at line {}:\n got: {}\nwant: {}",
            expected_path.display(),
            line + 1,
            got.lines().nth(line).unwrap_or("(end)"),
            want.lines().nth(line).unwrap_or("(end)"),
        );
    }
}

#[test]
fn json_lines_with_the_generated_list_are_unchanged() {
    judge_and_compare(
        "with-list.jsonl",
        &["--list", "list.csv", "--format", "jsonl"],
    );
}

#[test]
fn human_report_without_a_list_is_unchanged() {
    judge_and_compare("no-list.txt", &["--format", "human"]);
}

#[test]
fn csv_report_with_the_generated_list_is_unchanged() {
    judge_and_compare("with-list.csv", &["--list", "list.csv", "--format", "csv"]);
}

proptest! {
    /// Folding takes a shortcut for ASCII text; it must fold exactly as the general path
    /// does, where decomposition changes nothing: apostrophes left out, words spelled out in
    /// single letters closed up, lower case, whitespace runs to one space.
    #[test]
    fn folding_ascii_text_lowers_case_and_collapses_whitespace(text in "[ -~\t\n\r\x0b\x0c\x1c-\x1f]{0,40}") {
        let without: String = text.chars().filter(|&c| c != '\'' && c != '`').collect();
        let closed = redflag::rules::spacing::close_spaced_letters(&without);
        let expected = closed.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(fold(&text), expected);
    }
}
