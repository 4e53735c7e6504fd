//! The TOML readers shared by several kinds of file: one shape checker that
//! reports under each kind's own codes, and one tolerant outline of the rule
//! tests that coverage, lint and explanations all count from.

use std::collections::BTreeMap;

use redflag::coverage::{catalogue, ruletests, TestCounts};
use redflag::diag::Diagnostics;
use redflag::explain;
use redflag::rules::{build, PackFiles};
use redflag::ruletest::{Fires, Outline, OutlineProblem, Suite};
use redflag::waivers::Waivers;

/// A pack holding these files and nothing else.
fn pack(files: &[(&str, &str)]) -> PackFiles {
    PackFiles {
        origin: "test".into(),
        files: files
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect::<BTreeMap<_, _>>(),
        root: None,
    }
}

/// (code, message) of each problem, in the order reported.
fn problems(diagnostics: &Diagnostics) -> Vec<(&str, &str)> {
    diagnostics
        .iter()
        .map(|d| (d.code(), d.message()))
        .collect()
}

/// A `[[table]]` with an unknown key and a number where the string `key`
/// belongs.
fn misshapen(table: &str, key: &str) -> String {
    format!("[[{table}]]\n{key} = 1\ncolour = \"blue\"\n")
}

/// Asserts that each (code, message) of `expected` is among `found`.
#[track_caller]
fn check_reported(found: &Diagnostics, expected: &[(&str, &str)]) {
    let found = problems(found);
    for problem in expected {
        assert!(found.contains(problem), "{problem:?} is not in {found:?}");
    }
}

#[test]
fn each_kind_of_file_reports_shape_problems_under_its_own_codes() {
    let files = pack(&[
        ("pack.toml", "[pack]\nname = \"p\"\nversion = \"1\"\n"),
        ("r.toml", &misshapen("rule", "id")),
        ("catalogue.toml", &misshapen("group", "id")),
        ("tests/a.test.toml", &misshapen("case", "name")),
    ]);
    let (_, rules) = build(&files);
    check_reported(
        &rules,
        &[
            ("R002", "unknown key `colour` in a rule"),
            ("R004", "`id` must be a string, not an integer"),
        ],
    );
    let (_, catalogue) = catalogue::load(&files);
    check_reported(
        &catalogue,
        &[
            ("C011", "unknown key `colour` in a group"),
            ("C013", "`id` must be a string, not an integer"),
        ],
    );
    let (_, tests) = Suite::load(&files, &|_| true);
    check_reported(
        &tests,
        &[
            ("T002", "unknown key `colour` in a case"),
            ("T004", "`name` must be a string, not an integer"),
        ],
    );
    let mut waivers = Diagnostics::new();
    assert!(Waivers::parse("w.toml", &misshapen("waiver", "id"), &mut waivers).is_none());
    check_reported(
        &waivers,
        &[
            ("R002", "unknown key `colour` in a waiver"),
            ("R004", "`id` must be a string, not an integer"),
        ],
    );
}

#[test]
fn arrays_of_tables_are_checked_alike_in_every_kind_of_file() {
    let files = pack(&[
        ("pack.toml", "[pack]\nname = \"p\"\nversion = \"1\"\n"),
        ("r.toml", "rule = \"x\"\n"),
        ("catalogue.toml", "group = \"x\"\nitem = [1]\n"),
        ("tests/a.test.toml", "case = \"x\"\n"),
    ]);
    let (_, rules) = build(&files);
    assert!(problems(&rules).contains(&(
        "R004",
        "`rule` must be an array of tables (`[[rule]]`), not a string"
    )));
    let (_, catalogue) = catalogue::load(&files);
    assert_eq!(
        problems(&catalogue),
        [
            (
                "C013",
                "`group` must be an array of tables (`[[group]]`), not a string"
            ),
            ("C013", "a `item` entry must be a table, not an integer"),
        ]
    );
    let (_, tests) = Suite::load(&files, &|_| true);
    assert_eq!(
        problems(&tests),
        [(
            "T004",
            "`case` must be an array of tables (`[[case]]`), not a string"
        )]
    );
    let mut waivers = Diagnostics::new();
    assert!(Waivers::parse("w.toml", "[waiver]\nid = \"w\"\n", &mut waivers).is_none());
    assert_eq!(
        problems(&waivers),
        [(
            "R004",
            "`waiver` must be an array of tables (`[[waiver]]`), not a table"
        )]
    );
}

const CASES: &str = r#"
[[case]]
name = "fires"
rule = "R-1"
expect = { fires = true }

[[case]]
name = "undecided"
rule = "R-1"
expect = { fires = "unknown" }

[[case]]
name = "later"
rule = "R-1"
todo = "not yet"
expect = { fires = false }

[[case]]
name = "no rule"
expect = { fires = true }

[[case]]
name = "odd outcome"
rule = "R-2"
expect = { fires = "maybe" }
"#;

/// Test files with every kind of case the outline meets, one file that is
/// not TOML and one that is not text.
fn odd_tests() -> PackFiles {
    let mut files = pack(&[
        ("tests/a.test.toml", CASES),
        ("tests/b.test.toml", "[[case]\nrule = \"R-1\"\n"),
        ("rules.toml", "[[case]]\nrule = \"R-1\"\n"),
    ]);
    files
        .files
        .insert("tests/c.test.toml".into(), vec![b'r', 0xff, b'\n']);
    files
}

#[test]
fn the_outline_keeps_every_case_and_says_which_files_it_could_not_read() {
    let outline = Outline::read(&odd_tests());
    assert_eq!(
        outline.files,
        [
            "tests/a.test.toml",
            "tests/b.test.toml",
            "tests/c.test.toml"
        ]
    );
    let cases: Vec<_> = outline
        .cases
        .iter()
        .map(|c| (c.name.as_deref(), c.rule_id(), c.fires, c.todo))
        .collect();
    assert_eq!(
        cases,
        [
            (Some("fires"), Some("R-1"), Some(Fires::Yes), false),
            (Some("undecided"), Some("R-1"), Some(Fires::Unknown), false),
            (Some("later"), Some("R-1"), Some(Fires::No), true),
            (Some("no rule"), None, Some(Fires::Yes), false),
            (Some("odd outcome"), Some("R-2"), None, false),
        ]
    );
    let problems: Vec<String> = outline
        .problems
        .iter()
        .map(|p| match p {
            OutlineProblem::NotText { path } => format!("not text: {path}"),
            OutlineProblem::InvalidToml { file, .. } => format!("invalid: {}", file.name()),
        })
        .collect();
    assert_eq!(
        problems,
        ["invalid: tests/b.test.toml", "not text: tests/c.test.toml"]
    );
}

#[test]
fn coverage_and_explanations_count_the_same_cases_from_the_outline() {
    let files = odd_tests();
    let (tests, warnings) = ruletests::read(&files);
    assert_eq!(tests.len(), 3);
    assert_eq!(
        tests.counts("R-1"),
        TestCounts {
            fires: 1,
            does_not_fire: 0,
            undecided: 1,
            todo: 1
        }
    );
    let warnings: Vec<_> = warnings.iter().map(|d| (d.code(), d.message())).collect();
    assert_eq!(
        warnings,
        [
            ("C030", "test file `tests/c.test.toml` is not UTF-8 text; its cases are not counted"),
            ("C032", "a test case has no `rule` (the id of the rule under test); it is not counted"),
            ("C032", "a test case has no `expect.fires` (true, false or \"unknown\"); it is not counted"),
            ("C030", "invalid TOML: unclosed array table, expected `]`; the file's cases are not counted"),
        ]
    );

    let explained: Vec<_> = explain::tests_naming(&files, "R-1")
        .into_iter()
        .map(|t| (t.name, t.fires, t.todo))
        .collect();
    assert_eq!(
        explained,
        [
            ("fires".to_string(), Some(true), None),
            ("undecided".to_string(), None, None),
            (
                "later".to_string(),
                Some(false),
                Some("not yet".to_string())
            ),
        ]
    );
}
