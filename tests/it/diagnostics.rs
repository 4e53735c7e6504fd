//! Rule-pack diagnostics: each broken pack under `fixtures/rules-bad/` is
//! rejected, with its codes checked and its miette rendering (no colour)
//! snapshotted.

use std::path::Path;

use redflag::cli::{load_pack, render_diagnostics};
use redflag::rules::{build, PackFiles};

/// Loads a broken pack; returns its diagnostic codes in order and the
/// rendered report.
#[track_caller]
fn diagnose(case: &str) -> (Vec<&'static str>, String) {
    let dir = format!("fixtures/rules-bad/{case}");
    match load_pack(&[Path::new(&dir).to_path_buf()]) {
        Ok(_) => panic!("{dir} was accepted"),
        Err(diagnostics) => {
            assert!(
                diagnostics.has_errors(),
                "{dir}: no error among the diagnostics"
            );
            let codes = diagnostics.iter().map(|d| d.code()).collect();
            (codes, render_diagnostics(&diagnostics, false))
        }
    }
}

#[test]
fn the_default_pack_has_no_diagnostics_at_all() {
    let (pack, diagnostics) = build(&PackFiles::embedded());
    assert!(pack.is_some());
    assert_eq!(render_diagnostics(&diagnostics, false), "");
}

#[test]
fn unknown_key_with_did_you_mean() {
    let (codes, text) = diagnose("unknown-key");
    assert_eq!(codes, ["R002"]);
    assert!(text.contains("did you mean `message`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_operator_with_did_you_mean() {
    let (codes, text) = diagnose("unknown-operator");
    // A misspelt operator is reported once; a `@border.faces` reader of that
    // condition adds no follow-on error.
    assert_eq!(codes, ["R028"]);
    assert!(text.contains("did you mean `in_list`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_path_field_with_did_you_mean() {
    let (codes, text) = diagnose("unknown-field");
    assert_eq!(codes, ["R024"]);
    assert!(text.contains("party has no field `citty`"), "{text}");
    assert!(text.contains("did you mean `city`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_list_with_the_declared_lists() {
    let (codes, text) = diagnose("unknown-list");
    assert_eq!(codes, ["R030"]);
    // `citys` is two edits from `cities`: the help lists the declared lists.
    assert!(text.contains("declared lists: cities"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_list_column_with_did_you_mean() {
    let (codes, text) = diagnose("unknown-column");
    assert_eq!(codes, ["R041"]);
    assert!(text.contains("did you mean `faces`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn bad_regular_expression() {
    let (codes, text) = diagnose("bad-regex");
    assert_eq!(codes, ["R033"]);
    assert!(text.contains("unclosed group"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn bad_exception_pattern_of_a_pattern_list() {
    let (codes, text) = diagnose("bad-unless");
    assert_eq!(codes, ["R033"]);
    assert!(
        text.contains("`unless` pattern `(no|not)[^a-z]+(resale` on line 2 of list `resale_patterns` does not compile"),
        "{text}"
    );
    assert!(text.contains("unclosed group"), "{text}");
}

#[test]
fn exception_of_a_pattern_list_that_matches_empty_text() {
    let (codes, text) = diagnose("empty-unless");
    assert_eq!(codes, ["R033"]);
    assert!(text.contains("matches empty text"), "{text}");
}

#[test]
fn condition_expression_naming_an_unknown_condition() {
    let (codes, text) = diagnose("unknown-condition");
    assert_eq!(codes, ["R015"]);
    assert!(text.contains("did you mean `border`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn syntax_error_in_the_condition_expression() {
    let (codes, text) = diagnose("expression-syntax");
    assert_eq!(codes, ["R014"]);
    insta::assert_snapshot!(text);
}

#[test]
fn duplicate_rule_id_across_two_files() {
    let (codes, text) = diagnose("duplicate-id");
    assert_eq!(codes, ["R017"]);
    assert!(
        text.contains("first defined in `rules/a.toml` line 2"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn wrong_type_of_a_key() {
    let (codes, text) = diagnose("wrong-type");
    // The wrong type is reported, and the key is not also called missing.
    assert_eq!(codes, ["R004"]);
    assert!(
        text.contains("`severity` must be a string, not an integer"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn bad_severity_name() {
    let (codes, text) = diagnose("bad-severity");
    assert_eq!(codes, ["R011"]);
    assert!(
        text.contains("severities: block, hold, review, info"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn money_literal_without_a_rates_table() {
    let (codes, text) = diagnose("money-without-rates");
    assert_eq!(codes, ["R031"]);
    insta::assert_snapshot!(text);
}

#[test]
fn on_unknown_review_is_rejected() {
    let (codes, text) = diagnose("on-unknown-review");
    assert_eq!(codes, ["R011"]);
    assert!(text.contains("set `if_missing = false`"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn toml_syntax_error() {
    let (codes, text) = diagnose("toml-syntax");
    assert_eq!(codes, ["R001"]);
    insta::assert_snapshot!(text);
}

#[test]
fn list_file_that_is_missing() {
    let (codes, text) = diagnose("missing-list-file");
    // The missing file is reported once, not again as an unknown list at
    // each use.
    assert_eq!(codes, ["R052"]);
    assert!(text.contains("did you mean `lists/cities.csv`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn date_compared_with_money() {
    let (codes, text) = diagnose("type-mismatch");
    assert_eq!(codes, ["R027"]);
    assert!(
        text.contains("`gte` on date needs a date `YYYY-MM-DD`, not the string `10 USD`"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn several_errors_in_several_files_are_reported_together_and_sorted() {
    let (codes, text) = diagnose("several-errors");
    // pack.toml first, then the rule files in name order, each by position.
    assert_eq!(codes, ["R052", "R028", "R011", "R014", "R029"]);
    let positions: Vec<usize> = [
        "pack.toml:11",
        "rules/a.toml:10",
        "rules/b.toml:4",
        "rules/b.toml:5",
        "rules/c.toml:10",
    ]
    .iter()
    .map(|at| {
        text.find(at)
            .unwrap_or_else(|| panic!("{at} not in\n{text}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(
        text.ends_with("the rule pack has 5 error(s) and 0 warning(s); nothing was evaluated\n")
    );
    insta::assert_snapshot!(text);
}

#[test]
fn an_unused_condition_is_a_warning_and_the_pack_still_builds() {
    let mut files = PackFiles::read_dir(Path::new("fixtures/rules-bad/unknown-key")).unwrap();
    files.files.insert(
        "rules/r.toml".into(),
        br#"[[rule]]
id = "T-001"
title = "Border city"
severity = "review"
condition = "border"
message = "{buyer.city}"

[rule.when.border]
path = "buyer.city"
op = "in_list"
list = "cities"

[rule.when.spare]
path = "buyer.name"
op = "exists"
"#
        .to_vec(),
    );
    let (pack, diagnostics) = build(&files);
    assert!(pack.is_some(), "a warning must not reject the pack");
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["R013"]);
    let text = render_diagnostics(&diagnostics, false);
    assert!(text.contains("condition `spare` is never used"), "{text}");
    assert!(!text.contains("nothing was evaluated"), "{text}");
}

#[test]
fn a_directory_without_pack_toml_is_rejected() {
    let (codes, text) = match load_pack(&[Path::new("fixtures/orders").to_path_buf()]) {
        Ok(_) => panic!("fixtures/orders accepted as a pack"),
        Err(d) => (
            d.iter().map(|d| d.code()).collect::<Vec<_>>(),
            render_diagnostics(&d, false),
        ),
    };
    assert_eq!(codes, ["R050"]);
    assert!(text.contains("has no `pack.toml`"), "{text}");
}

#[test]
fn a_list_row_with_missing_cells_is_located() {
    let (codes, text) = diagnose("bad-list-row");
    // The short row is reported once, and the list is not then "unknown" at its use.
    assert_eq!(codes, ["R042"]);
    assert!(text.contains("lists/cities.csv:3"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn sums_written_wrong_are_all_reported() {
    let (codes, text) = diagnose("bad-sum");
    assert_eq!(codes, ["R027", "R027", "R026", "R026", "R027", "R034"]);
    assert!(
        text.contains("`sum_gte` on money amount needs an amount and an ISO 4217 currency"),
        "{text}"
    );
    assert!(
        text.contains("`sum_gte` over a path without `[*]` adds up one value"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn screening_conditions_written_wrong_are_all_reported() {
    let (codes, text) = diagnose("bad-screen");
    assert_eq!(
        codes,
        ["R027", "R035", "R035", "R035", "R035", "R027", "R013", "R034"]
    );
    assert!(
        text.contains("unknown listing filter `before_shipment`"),
        "{text}"
    );
    assert!(
        text.contains("`screen` needs a text, an item or `attributes`, but `buyer` is party"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn an_operator_from_another_language_gets_the_operator_it_means() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::create_dir_all(dir.path().join("lists")).unwrap();
    std::fs::write(
        dir.path().join("pack.toml"),
        "[pack]\nname = \"p\"\nversion = \"1\"\n[lists.emb]\nfile = \"lists/emb.csv\"\nkey = \"country\"\nas_of = 2026-01-01\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("lists/emb.csv"), "country\nKP\n").unwrap();
    std::fs::write(
        dir.path().join("rules/r.toml"),
        "[[rule]]\nid = \"T-1\"\ntitle = \"t\"\nseverity = \"block\"\ncondition = \"a and b and c\"\nmessage = \"m\"\n\
         [rule.when.a]\npath = \"buyer.country\"\nop = \"in\"\nlist = \"emb\"\n\
         [rule.when.b]\npath = \"payment.amount\"\nop = \">=\"\nvalue = 5\n\
         [rule.when.c]\npath = \"buyer.name\"\nop = \"contains\"\nvalues = [\"x\"]\n",
    )
    .unwrap();
    let out = super::support::redflag(&["lint", dir.path().to_str().unwrap(), "--errors-only"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("use `op = \"in_list\"`"), "{text}");
    assert!(
        text.contains("unknown operator `>=`") && text.contains("did you mean `gte`?"),
        "{text}"
    );
    assert!(text.contains("did you mean `contains_any`?"), "{text}");
    // Errors only: the warnings (no tests, no references) are counted, not shown.
    assert!(!text.contains("has no test"), "{text}");
    assert!(
        text.contains("3 error(s), 3 warning(s) not shown (--errors-only)"),
        "{text}"
    );
    // Without the flag, every error comes before the first warning.
    let out = super::support::redflag(&["lint", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let last_error = text.rfind('×').unwrap();
    let first_warning = text.find('⚠').unwrap();
    assert!(last_error < first_warning, "{text}");
}

#[test]
fn color_never_reaches_the_diagnostics_and_always_colours_them() {
    let run = |color: &str| {
        let out = super::support::redflag(&[
            "check",
            "fixtures/orders/sample.jsonl",
            "--list",
            "no-such-list.csv",
            "--color",
            color,
        ]);
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run("always").contains('\u{1b}'));
    let never = run("never");
    assert!(!never.contains('\u{1b}'), "{never}");
    // A list that cannot be read is about the lists, not the rule pack.
    assert!(!never.contains("the rule pack"), "{never}");
}
