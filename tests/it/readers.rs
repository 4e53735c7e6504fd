//! The TOML readers shared by several kinds of file: one shape checker that
//! reports under each kind's own codes, and one tolerant outline of the rule
//! tests that coverage, lint and explanations all count from.

use std::collections::BTreeMap;

use redflag::coverage::catalogue;
use redflag::diag::Diagnostics;
use redflag::rules::{build, PackFiles};
use redflag::ruletest::Suite;
use redflag::waivers::Waivers;

/// A pack holding these files and nothing else.
fn pack(files: &[(&str, &str)]) -> PackFiles {
    PackFiles {
        origin: "test".into(),
        files: files
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect::<BTreeMap<_, _>>(),
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

#[test]
fn each_kind_of_file_reports_shape_problems_under_its_own_codes() {
    let files = pack(&[
        ("pack.toml", "[pack]\nname = \"p\"\nversion = \"1\"\n"),
        ("r.toml", &misshapen("rule", "id")),
        ("catalogue.toml", &misshapen("group", "id")),
        ("tests/a.test.toml", &misshapen("case", "name")),
    ]);
    let (_, rules) = build(&files);
    let rules = problems(&rules);
    assert!(
        rules.contains(&("R002", "unknown key `colour` in a rule")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("R004", "`id` must be a string, not an integer")),
        "{rules:?}"
    );

    let (_, catalogue) = catalogue::load(&files);
    let catalogue = problems(&catalogue);
    assert!(
        catalogue.contains(&("C011", "unknown key `colour` in a group")),
        "{catalogue:?}"
    );
    assert!(
        catalogue.contains(&("C013", "`id` must be a string, not an integer")),
        "{catalogue:?}"
    );

    let (_, tests) = Suite::load(&files, &|_| true);
    let tests = problems(&tests);
    assert!(
        tests.contains(&("T002", "unknown key `colour` in a case")),
        "{tests:?}"
    );
    assert!(
        tests.contains(&("T004", "`name` must be a string, not an integer")),
        "{tests:?}"
    );

    let mut waivers = Diagnostics::new();
    assert!(Waivers::parse("w.toml", &misshapen("waiver", "id"), &mut waivers).is_none());
    let waivers = problems(&waivers);
    assert!(
        waivers.contains(&("R002", "unknown key `colour` in a waiver")),
        "{waivers:?}"
    );
    assert!(
        waivers.contains(&("R004", "`id` must be a string, not an integer")),
        "{waivers:?}"
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
