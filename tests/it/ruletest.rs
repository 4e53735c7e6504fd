//! `redflag test`: the default pack's own rule tests, and the runner's
//! outcomes, output and diagnostics over the small pack in
//! `fixtures/ruletest/pack` (not the default pack, so the snapshots do not
//! move when the default rules change).

use super::support::redflag;
use std::path::Path;

use redflag::findings::Truth;
use redflag::rules::{build, PackFiles};
use redflag::ruletest::{self, Fires, Outcome, Suite, TodoStatus};

const PACK: &str = "fixtures/ruletest/pack";

/// Runs `redflag test ARGS`; asserts the exit status; returns (stdout, stderr).
#[track_caller]
fn check_test(args: &[&str], status: i32) -> (String, String) {
    let mut all = vec!["test"];
    all.extend_from_slice(args);
    let out = redflag(&all);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(status),
        "redflag {all:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

#[test]
fn the_default_pack_passes_its_own_tests() {
    let (stdout, stderr) = check_test(&[], 0);
    assert_eq!(stderr, "");
    let summary = last_line(&stdout);
    assert!(
        summary.ends_with(" passed, 0 failed, 0 todo"),
        "{summary}\n{stdout}"
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // The same files, read from the directory instead of the binary.
    let (from_dir, _) = check_test(&["rules"], 0);
    assert_eq!(last_line(&from_dir), summary);
}

/// Every rule of the default pack names, in `rules/tests/false-alarms/`, ordinary orders it
/// must leave alone (issue 12): a new rule without them fails here, whatever its own tests.
#[test]
fn every_default_rule_has_false_alarm_cases() {
    let files = PackFiles::embedded();
    let (pack, _) = build(&files);
    let pack = pack.expect("the default pack builds");
    let (suite, diagnostics) = Suite::load(&files, &|path| path.starts_with("tests/false-alarms/"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let by_rule = suite.by_rule();
    let missing: Vec<&str> = pack
        .rules
        .iter()
        .map(|rule| rule.id.as_str())
        .filter(|id| by_rule.get(id).is_none_or(|cases| cases.silent.is_empty()))
        .collect();
    assert_eq!(
        missing,
        Vec::<&str>::new(),
        "rules without false-alarm cases"
    );
}

#[test]
fn every_default_rule_has_a_case_that_fires_and_one_that_does_not() {
    let files = PackFiles::embedded();
    let (pack, _) = build(&files);
    let pack = pack.expect("the default pack builds");
    let (suite, diagnostics) = Suite::load(&files, &|_| true);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(suite.check(&pack).is_empty());
    let by_rule = suite.by_rule();
    let mut missing = Vec::new();
    for rule in &pack.rules {
        match by_rule.get(rule.id.as_str()) {
            None => missing.push(format!("{}: no test", rule.id)),
            Some(cases) => {
                if cases.fires.is_empty() {
                    missing.push(format!("{}: no case that fires", rule.id));
                }
                if cases.silent.is_empty() {
                    missing.push(format!("{}: no case that must not fire", rule.id));
                }
                let checks_conditions = cases
                    .fires
                    .iter()
                    .chain(&cases.silent)
                    .any(|c| !c.expect.conditions.is_empty());
                if !checks_conditions {
                    missing.push(format!("{}: no case checks a condition", rule.id));
                }
                if !cases.fires.iter().any(|c| c.expect.severity.is_some()) {
                    missing.push(format!("{}: no case checks the severity", rule.id));
                }
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new());
    // Every case names a rule of the pack.
    for rule in by_rule.keys() {
        assert!(pack.rules.iter().any(|r| r.id == *rule), "{rule}");
    }
}

#[test]
fn the_fixture_tests_pass_with_todo_reported_not_failed() {
    let (stdout, stderr) = check_test(&[&format!("{PACK}/tests")], 0);
    assert_eq!(stderr, "");
    assert_eq!(last_line(&stdout), "12 passed, 0 failed, 3 todo");
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_failing_case_exits_1_and_says_what_was_expected_and_what_came() {
    let (stdout, stderr) = check_test(&[&format!("{PACK}/failing/fail.test.toml")], 1);
    assert_eq!(stderr, "");
    assert_eq!(last_line(&stdout), "0 passed, 8 failed, 0 todo");
    assert!(
        stdout.contains("expected severity `hold`, got `block` (escalated: 100,000 USD or more)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("condition `huge`: expected true, got false (`payment.amount` = `12000`)"),
        "{stdout}"
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_case_whose_data_cannot_be_read_is_an_error_and_exits_2() {
    let (stdout, _) = check_test(&[&format!("{PACK}/failing/errors.test.toml")], 2);
    assert_eq!(last_line(&stdout), "0 passed, 0 failed, 0 todo, 3 errors");
    insta::assert_snapshot!(stdout);
}

#[test]
fn junit_of_passes_and_todo() {
    let (stdout, _) = check_test(&[&format!("{PACK}/tests"), "--format", "junit"], 0);
    assert_eq!(stdout.matches("<testcase ").count(), 15);
    assert_eq!(stdout.matches("<skipped ").count(), 3);
    insta::assert_snapshot!(stdout);
}

#[test]
fn junit_of_failures_and_errors_is_escaped() {
    let (stdout, _) = check_test(&[&format!("{PACK}/failing"), "--format", "junit"], 2);
    assert_eq!(stdout.matches("<failure ").count(), 8);
    assert_eq!(stdout.matches("<error ").count(), 3);
    assert!(
        stdout.contains(
            r#"name="a name with &lt;markup&gt; &amp; &quot;quotes&quot; is escaped in JUnit""#
        ),
        "{stdout}"
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn junit_goes_to_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    let (stdout, _) = check_test(
        &[
            &format!("{PACK}/tests"),
            "--format",
            "junit",
            "--output",
            file.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("<?xml"), "{written}");
    assert!(written.trim_end().ends_with("</testsuites>"), "{written}");
}

#[test]
fn broken_test_files_are_reported_all_at_once_before_any_case_runs() {
    let (stdout, stderr) = check_test(&[&format!("{PACK}/broken")], 2);
    assert_eq!(stdout, "");
    let codes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.len() == 4 && l.starts_with('T'))
        .collect();
    assert_eq!(
        codes,
        [
            "T002", "T003", "T009", "T008", "T020", "T021", "T022", "T010", "T008", "T003", "T008",
            "T009", "T007", "T001"
        ]
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn the_filter_selects_cases_by_name_or_rule() {
    let (stdout, _) = check_test(&[&format!("{PACK}/tests"), "--filter", "alias"], 0);
    assert_eq!(last_line(&stdout), "1 passed, 0 failed, 0 todo");
    let (stdout, _) = check_test(&[&format!("{PACK}/tests"), "--filter", "RT-CITY"], 0);
    assert_eq!(last_line(&stdout), "5 passed, 0 failed, 2 todo");
    let (_, stderr) = check_test(&[&format!("{PACK}/tests"), "--filter", "no such case"], 2);
    assert!(
        stderr.contains("no case matches `--filter no such case`"),
        "{stderr}"
    );
}

#[test]
fn a_path_without_tests_is_an_error_not_a_pass() {
    // An empty directory is not in any pack.
    let empty = tempfile::tempdir().unwrap();
    let (_, stderr) = check_test(&[empty.path().to_str().unwrap()], 2);
    assert!(stderr.contains("T031"), "{stderr}");
    assert!(stderr.contains("is not inside a rule pack"), "{stderr}");
    // A pack without tests.
    let (_, stderr) = check_test(&[&format!("{PACK}/rules")], 2);
    assert!(stderr.contains("T030"), "{stderr}");
    assert!(stderr.contains("holds no rule tests"), "{stderr}");
    // A file that is not a test file, and a path that does not exist.
    let (_, stderr) = check_test(&[&format!("{PACK}/rules/r.toml")], 2);
    assert!(stderr.contains("is not a rule test file"), "{stderr}");
    let (_, stderr) = check_test(&[&format!("{PACK}/nowhere")], 2);
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn a_broken_pack_is_reported_before_its_tests() {
    let (stdout, stderr) = check_test(&["fixtures/rules-bad/unknown-list"], 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("R030"), "{stderr}");
}

/// The library view coverage and lint use: cases per rule, split by what
/// they expect, with `todo` apart.
#[test]
fn cases_per_rule_through_the_library() {
    let files = PackFiles::read_dir(Path::new(PACK)).unwrap();
    let (suite, diagnostics) = Suite::load(&files, &|p| p.starts_with("tests/"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let by_rule = suite.by_rule();
    let summary: Vec<(&str, usize, usize, usize, usize)> = by_rule
        .iter()
        .map(|(rule, c)| {
            (
                *rule,
                c.fires.len(),
                c.silent.len(),
                c.undecided.len(),
                c.todo.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("RT-CASH-001", 3, 3, 1, 0),
            ("RT-CITY-001", 4, 1, 0, 2),
            ("RT-CRYPTO-001", 0, 0, 0, 1)
        ]
    );
    let undecided = by_rule["RT-CASH-001"].undecided[0];
    assert_eq!(undecided.expect.fires, Fires::Unknown);
    assert_eq!(
        undecided.expect.conditions,
        [
            ("cash".to_string(), Truth::True),
            ("large".to_string(), Truth::Unknown)
        ]
    );
}

#[test]
fn todo_cases_say_whether_they_pass_now() {
    let files = PackFiles::read_dir(Path::new(PACK)).unwrap();
    let (pack, _) = build(&files);
    let pack = pack.unwrap();
    let (suite, _) = Suite::load(&files, &|p| p.starts_with("tests/"));
    let report = ruletest::run(&suite, &pack, &files);
    let todo: Vec<(&str, &TodoStatus)> = report
        .files
        .iter()
        .flat_map(|f| &f.cases)
        .filter_map(|c| match &c.outcome {
            Outcome::Todo { status, .. } => Some((c.name.as_str(), status)),
            _ => None,
        })
        .collect();
    assert_eq!(todo.len(), 3);
    assert!(
        matches!(todo[0], ("crypto payments are held", TodoStatus::NotRun(why)) if why.contains("no rule `RT-CRYPTO-001`"))
    );
    assert!(
        matches!(todo[1], ("every order of a file", TodoStatus::Fails(r)) if r[0].starts_with("order `C-1`: expected no finding"))
    );
    assert!(matches!(
        todo[2],
        (
            "Lyon is not watched without the override",
            TodoStatus::Passes
        )
    ));
    let counts = report.counts();
    assert_eq!((counts.passed, counts.failed, counts.todo), (12, 0, 3));
}
