//! `redflag lint`: the corpus of mistakes under `fixtures/lint/` (each case's
//! codes checked and its rendering snapshotted), the JSON report, the exit
//! statuses with and without `--deny warnings`, the default pack, and the
//! code documentation.

use super::support::redflag as run;
use std::path::Path;

use chrono::NaiveDate;
use redflag::cli::lint::{render_human, render_json};
use redflag::diag::Diagnostics;
use redflag::lint::{lint, LintOptions, CODES};
use redflag::rules::PackFiles;
use serde::Deserialize;

const CORPUS: &str = "fixtures/lint";
const TODAY: &str = "2026-12-06";

/// Each case of the corpus and every code it must produce, in report order.
/// A lost check fails here, and so does a new false positive.
const CASES: &[(&str, &[&str])] = &[
    ("clean", &[]),
    ("invalid-toml", &["R001"]),
    // Validation reports the misspelt key and, as it must, the missing one.
    ("unknown-key", &["R003", "R002"]),
    ("missing-title", &["R003"]),
    ("bad-severity", &["R011"]),
    ("unused-condition", &["R013"]),
    ("expression-syntax", &["R014"]),
    ("unknown-condition-in-expression", &["R015"]),
    ("duplicate-rule-id", &["R017"]),
    ("unknown-field", &["R024"]),
    ("date-compared-with-money", &["R027"]),
    ("unknown-operator", &["R028"]),
    ("unknown-list", &["R030"]),
    ("money-compared-for-equality", &["R032"]),
    ("regex-that-does-not-compile", &["R033"]),
    ("unknown-list-column", &["R041"]),
    ("list-without-as-of", &["R051"]),
    ("needless-leading-dot-star", &["L001"]),
    ("needless-trailing-dot-star", &["L001"]),
    ("nested-repetition", &["L002"]),
    ("very-large-pattern", &["L003"]),
    ("costly-pattern-in-a-list", &["L001"]),
    ("contradictory-amounts", &["L010"]),
    ("contradictory-dates", &["L010"]),
    ("exists-and-missing", &["L010"]),
    ("condition-and-its-negation", &["L010"]),
    ("two-different-equalities", &["L010"]),
    ("true-and-false", &["L010"]),
    ("empty-in-values", &["L010"]),
    ("list-without-rows", &["R044"]),
    ("hs-heading-compared-with-eq", &["L010"]),
    ("currency-name-not-code", &["L010"]),
    ("negated-tautology", &["L010"]),
    ("count-below-zero", &["L010"]),
    ("dead-or-branch", &["L011"]),
    ("escalation-that-never-holds", &["L012"]),
    ("tautology", &["L013"]),
    ("pattern-matching-everything", &["L013"]),
    ("currency-name-in-values", &["L014"]),
    ("country-name-in-a-country-list", &["L014"]),
    ("hs-code-with-dots-in-a-list", &["L014"]),
    ("duplicate-title", &["L020"]),
    ("duplicate-condition", &["L021"]),
    ("duplicate-list-row", &["L023"]),
    ("rule-without-test", &["L030"]),
    ("tests-only-fire", &["L031"]),
    ("test-names-unknown-rule", &["L032"]),
    ("rule-without-reference", &["L033"]),
    ("rule-without-red-flag", &["L034"]),
    ("cyrillic-letter-in-a-list-entry", &["L040"]),
    ("cyrillic-letter-in-a-rule-id", &["L040"]),
    ("greek-letter-in-a-title", &["L040"]),
    ("zero-width-space-in-a-message", &["L041"]),
    // Near misses that must stay clean: lint reports only what is certain.
    ("no-contradiction-across-items", &[]),
    ("no-contradiction-with-if-missing-true", &[]),
    ("no-contradiction-across-currencies", &[]),
    ("stale-list", &["L050"]),
    ("list-dated-in-the-future", &["L051"]),
];

fn options() -> LintOptions {
    LintOptions {
        today: NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap(),
        max_age_days: 365,
    }
}

#[track_caller]
fn lint_case(case: &str) -> (String, Diagnostics) {
    let dir = format!("{CORPUS}/{case}");
    let files = match PackFiles::read_dir(Path::new(&dir)) {
        Ok(files) => files,
        Err(d) => panic!("cannot read {dir}: {}", d.message()),
    };
    (dir, lint(&files, &options()))
}

fn codes(diagnostics: &Diagnostics) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn every_case_gives_exactly_its_codes() {
    let mut wrong = Vec::new();
    for (case, expected) in CASES {
        let (_, diagnostics) = lint_case(case);
        let got = codes(&diagnostics);
        if got != *expected {
            wrong.push(format!("{case}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_corpus_has_thirty_distinct_mistakes_and_no_case_is_left_out() {
    let mut dirs: Vec<String> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut named: Vec<String> = CASES.iter().map(|(c, _)| c.to_string()).collect();
    named.sort();
    assert_eq!(dirs, named, "every directory of {CORPUS} is in CASES");
    let mistakes = CASES.iter().filter(|(_, codes)| !codes.is_empty()).count();
    assert!(mistakes >= 30, "only {mistakes} mistakes");
}

#[test]
fn every_lint_code_has_a_case() {
    for (code, _) in CODES {
        assert!(
            CASES.iter().any(|(_, codes)| codes.contains(code)),
            "no case of the corpus shows {code}"
        );
    }
}

#[test]
fn rendered_output_of_each_case() {
    for (case, _) in CASES {
        let (dir, diagnostics) = lint_case(case);
        let text = render_human(&diagnostics, &dir, false, 0);
        insta::assert_snapshot!(case.to_string(), text);
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    schema: String,
    pack: String,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    code: String,
    level: String,
    message: String,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<Span>,
    label: Option<String>,
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    start: usize,
    end: usize,
}

#[test]
fn json_report_locates_each_problem() {
    let (dir, diagnostics) = lint_case("contradictory-amounts");
    let report: Report = serde_json::from_str(&render_json(&diagnostics, &dir)).unwrap();
    assert_eq!(report.schema, "redflag.lint/1");
    assert_eq!(report.pack, "fixtures/lint/contradictory-amounts");
    assert_eq!((report.errors, report.warnings), (1, 0));
    let item = &report.diagnostics[0];
    assert_eq!((item.code.as_str(), item.level.as_str()), ("L010", "error"));
    assert_eq!(item.message, "the condition of rule `T-001` can never hold");
    assert_eq!(item.file.as_deref(), Some("rules/r.toml"));
    assert_eq!((item.line, item.column), (Some(7), Some(13)));
    let span = item.span.as_ref().unwrap();
    let text = std::fs::read_to_string(format!("{dir}/rules/r.toml")).unwrap();
    assert_eq!(
        &text[span.start..span.end],
        "\"border and large and small\""
    );
    assert_eq!(item.label.as_deref(), Some("never true"));
    assert!(item.help.as_deref().unwrap().contains("< 5000 USD"));
}

fn status(args: &[&str]) -> i32 {
    run(args).status.code().unwrap()
}

#[test]
fn exit_statuses_and_deny_warnings() {
    let case = |c: &str| format!("{CORPUS}/{c}");
    let today = ["--today", TODAY];
    let with = |path: &str, extra: &[&str]| {
        let mut args = vec!["lint", path];
        args.extend(today);
        args.extend(extra);
        status(&args)
    };
    // Clean: 0, whatever is denied.
    assert_eq!(with(&case("clean"), &[]), 0);
    assert_eq!(with(&case("clean"), &["--deny", "warnings"]), 0);
    // Warnings only: 0, or 1 when denied.
    assert_eq!(with(&case("stale-list"), &[]), 0);
    assert_eq!(with(&case("stale-list"), &["--deny", "warnings"]), 1);
    // `--max-age` moves the line: the list is 1,062 days old.
    assert_eq!(
        with(
            &case("stale-list"),
            &["--deny", "warnings", "--max-age", "2000"]
        ),
        0
    );
    // An error: 1 with or without `--deny`.
    assert_eq!(with(&case("contradictory-amounts"), &[]), 1);
    assert_eq!(with(&case("unknown-field"), &["--format", "json"]), 1);
    // Not a pack, no such path, bad arguments: 2.
    assert_eq!(with(CORPUS, &[]), 2);
    assert_eq!(with("fixtures/lint/no-such-pack", &[]), 2);
    assert_eq!(with(&case("clean"), &["--deny", "everything"]), 2);
    assert_eq!(
        status(&["lint", &case("clean"), "--today", "28/11/2026"]),
        2
    );
}

#[test]
fn report_on_stdout_and_usage_problems_on_stderr() {
    let output = run(&["lint", "fixtures/lint/stale-list", "--today", TODAY]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("L050"), "{stdout}");
    assert!(stdout.ends_with("`fixtures/lint/stale-list`: 0 error(s), 1 warning(s)\n"));
    assert!(output.stderr.is_empty());
    let output = run(&["lint", "fixtures/lint/no-such-pack"]);
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a directory"), "{stderr}");
}

#[test]
fn the_default_pack_has_no_errors() {
    let diagnostics = lint(&PackFiles::embedded(), &options());
    assert!(
        !diagnostics.has_errors(),
        "{}",
        render_human(&diagnostics, "<default pack>", false, 0)
    );
    // Warnings it may have: rules still without tests, and the CHPL list,
    // checked against its source in February 2024. Anything else is a new
    // false positive or a new problem in `rules/`.
    let unexpected: Vec<String> = diagnostics
        .iter()
        .filter(|d| !matches!(d.code(), "L030" | "L031" | "L050"))
        .map(|d| format!("{} {}", d.code(), d.message()))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    // The embedded pack lints the same through the binary: no error, exit 0.
    assert_eq!(status(&["lint", "--today", TODAY]), 0);
}

#[test]
fn every_code_is_documented_with_an_example_and_a_fix() {
    let doc = std::fs::read_to_string("docs/lint-codes.md").unwrap();
    for (code, summary) in CODES {
        let heading = format!("## {code}: ");
        let Some(at) = doc.find(&heading) else {
            panic!("docs/lint-codes.md has no `{heading}...` section");
        };
        let section = &doc[at..];
        let end = section[3..]
            .find("\n## ")
            .map(|e| e + 3)
            .unwrap_or(section.len());
        let section = &section[..end];
        assert!(
            section.contains(summary),
            "{code}: the summary `{summary}` is not in its section"
        );
        assert!(section.contains("```"), "{code}: no example");
        assert!(section.contains("Fix:"), "{code}: no fix");
    }
}
