//! Which rules have tests: a small, tolerant reader of the rule test files
//! (`*.test.toml`) of a pack.
//!
//! It reads only what coverage needs from each `[[case]]`: `rule`,
//! `expect.fires` and `todo`. Everything else in a case (orders, lists,
//! expected conditions) is the test runner's business and is ignored here, so
//! this reader neither runs tests nor rejects a case the runner would accept.
//! Problems are warnings (`C030`–`C032`): coverage still reports what it
//! could count.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::rules::{PackFiles, RulePack};

/// The file name suffix of rule test files.
pub const TEST_SUFFIX: &str = ".test.toml";

/// How many cases test one rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestCounts {
    /// Cases expecting the rule to fire (`expect.fires = true`), not `todo`.
    pub fires: usize,
    /// Cases expecting it not to fire (`expect.fires = false`), not `todo`.
    pub does_not_fire: usize,
    /// Cases expecting the rule to be undecided (`expect.fires = "unknown"`), not `todo`:
    /// they prove the rule fails closed.
    pub undecided: usize,
    /// Cases marked `todo`, either way: reported by the runner, not failed,
    /// so they prove nothing yet.
    pub todo: usize,
}

/// One case, as far as coverage reads it.
#[derive(Debug, Clone)]
struct Case {
    file: SourceFile,
    rule: String,
    rule_span: Range<usize>,
    fires: Option<bool>,
    todo: bool,
}

/// The cases of every test file of a pack.
#[derive(Debug, Clone, Default)]
pub struct RuleTests {
    cases: Vec<Case>,
    files: Vec<String>,
}

impl RuleTests {
    /// No tests at all.
    pub fn none() -> RuleTests {
        RuleTests::default()
    }

    /// The test files read, by path in the pack.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Cases read (those with a `rule` and `expect.fires`).
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// True when no case was read.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// The counts of one rule's cases.
    pub fn counts(&self, rule_id: &str) -> TestCounts {
        let mut counts = TestCounts::default();
        for case in self.cases.iter().filter(|c| c.rule == rule_id) {
            match (case.todo, case.fires) {
                (true, _) => counts.todo += 1,
                (false, Some(true)) => counts.fires += 1,
                (false, Some(false)) => counts.does_not_fire += 1,
                (false, None) => counts.undecided += 1,
            }
        }
        counts
    }

    /// Every rule named by some case, with its counts.
    pub fn by_rule(&self) -> BTreeMap<&str, TestCounts> {
        let mut out = BTreeMap::new();
        for case in &self.cases {
            out.entry(case.rule.as_str())
                .or_insert_with(|| self.counts(&case.rule));
        }
        out
    }

    /// Warns (`C031`) about cases naming a rule the pack does not have.
    pub fn check_rules(&self, pack: &RulePack) -> Diagnostics {
        let mut acc = Diagnostics::new();
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        for case in &self.cases {
            if !ids.contains(&case.rule.as_str()) {
                acc.push(
                    Diagnostic::warning(
                        "C031",
                        format!(
                            "a test case names rule `{}`, which the pack does not have",
                            case.rule
                        ),
                    )
                    .at(&case.file, case.rule_span.clone(), "unknown rule")
                    .with_help(suggest(&case.rule, ids.iter().copied())),
                );
            }
        }
        acc.sort();
        acc
    }
}

/// Reads every `*.test.toml` file of a pack, warning about what it cannot
/// read instead of failing.
pub fn read(files: &PackFiles) -> (RuleTests, Diagnostics) {
    let mut acc = Diagnostics::new();
    let mut tests = RuleTests::default();
    for (path, bytes) in &files.files {
        if !path.ends_with(TEST_SUFFIX) {
            continue;
        }
        tests.files.push(path.clone());
        let Ok(text) = std::str::from_utf8(bytes) else {
            acc.push(Diagnostic::warning(
                "C030",
                format!("test file `{path}` is not UTF-8 text; its cases are not counted"),
            ));
            continue;
        };
        let file = SourceFile::new(path.as_str(), text);
        read_file(&file, &mut tests.cases, &mut acc);
    }
    acc.sort();
    (tests, acc)
}

fn read_file(file: &SourceFile, out: &mut Vec<Case>, acc: &mut Diagnostics) {
    let (root, errors) = DeTable::parse_recoverable(file.text());
    if let Some(e) = errors.first() {
        let message = e
            .message()
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
        acc.push(
            Diagnostic::warning(
                "C030",
                format!("invalid TOML: {message}; the file's cases are not counted"),
            )
            .at(file, e.span().unwrap_or(0..0), "here"),
        );
        return;
    }
    let Some(cases) = root.get_ref().get("case") else {
        return;
    };
    let DeValue::Array(cases) = cases.get_ref() else {
        return;
    };
    for case in cases.iter() {
        let DeValue::Table(table) = case.get_ref() else {
            continue;
        };
        let rule = table.get("rule").and_then(|v| match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => None,
        });
        let fires = table
            .get("expect")
            .and_then(|e| match e.get_ref() {
                DeValue::Table(t) => t.get("fires"),
                _ => None,
            })
            .and_then(|f| match f.get_ref() {
                DeValue::Boolean(b) => Some(Some(*b)),
                // The runner's "undecided": the rule must fail closed.
                DeValue::String(s) if s == "unknown" => Some(None),
                _ => None,
            });
        let todo = table.contains_key("todo");
        match (rule, fires) {
            (Some((rule, rule_span)), Some(fires)) => out.push(Case {
                file: file.clone(),
                rule,
                rule_span,
                fires,
                todo,
            }),
            (rule, _) => {
                let missing = if rule.is_none() {
                    "`rule` (the id of the rule under test)"
                } else {
                    "`expect.fires` (true, false or \"unknown\")"
                };
                let span = case.span();
                let end = file.text()[span.start..]
                    .find('\n')
                    .map_or(span.end, |n| span.start + n);
                acc.push(
                    Diagnostic::warning(
                        "C032",
                        format!("a test case has no {missing}; it is not counted"),
                    )
                    .at(file, span.start..end, "this case"),
                );
            }
        }
    }
}
