//! Which rules have tests: counts of the cases of a pack's rule test files
//! (`*.test.toml`), from the tolerant [`Outline`] of them.
//!
//! Only `rule`, `expect.fires` and `todo` count here. Everything else in a
//! case (orders, lists, expected conditions) is the test runner's business,
//! so coverage neither runs tests nor rejects a case the runner would accept.
//! Problems are warnings (`C030`–`C032`): coverage still reports what it
//! could count.

use std::collections::BTreeMap;

use crate::diag::{suggest, Diagnostic, Diagnostics};
use crate::rules::{PackFiles, RulePack};
use crate::ruletest::{CaseOutline, Fires, Outline, OutlineProblem};

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

/// The cases of every test file of a pack.
#[derive(Debug, Clone, Default)]
pub struct RuleTests {
    /// The cases counted: those with a `rule` and an `expect.fires`.
    cases: Vec<CaseOutline>,
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
        for case in self.cases.iter().filter(|c| c.rule_id() == Some(rule_id)) {
            match (case.todo, case.fires) {
                (true, _) => counts.todo += 1,
                (false, Some(Fires::Yes)) => counts.fires += 1,
                (false, Some(Fires::No)) => counts.does_not_fire += 1,
                (false, Some(Fires::Unknown)) => counts.undecided += 1,
                (false, None) => {}
            }
        }
        counts
    }

    /// Every rule named by some case, with its counts.
    pub fn by_rule(&self) -> BTreeMap<&str, TestCounts> {
        let mut out = BTreeMap::new();
        for rule in self.cases.iter().filter_map(CaseOutline::rule_id) {
            out.entry(rule).or_insert_with(|| self.counts(rule));
        }
        out
    }

    /// Warns (`C031`) about cases naming a rule the pack does not have.
    pub fn check_rules(&self, pack: &RulePack) -> Diagnostics {
        let mut acc = Diagnostics::new();
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        for case in &self.cases {
            let Some(rule) = &case.rule else { continue };
            if !ids.contains(&rule.value.as_str()) {
                acc.push(
                    Diagnostic::warning(
                        "C031",
                        format!(
                            "a test case names rule `{}`, which the pack does not have",
                            rule.value
                        ),
                    )
                    .at(&case.file, rule.span.clone(), "unknown rule")
                    .with_help(suggest(&rule.value, ids.iter().copied())),
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
    let outline = Outline::read(files);
    let mut acc = Diagnostics::new();
    for problem in &outline.problems {
        acc.push(match problem {
            OutlineProblem::NotText { path } => Diagnostic::warning(
                "C030",
                format!("test file `{path}` is not UTF-8 text; its cases are not counted"),
            ),
            OutlineProblem::InvalidToml {
                file,
                message,
                span,
            } => {
                let message = message.lines().next().unwrap_or("").trim().to_lowercase();
                Diagnostic::warning(
                    "C030",
                    format!("invalid TOML: {message}; the file's cases are not counted"),
                )
                .at(file, span.clone(), "here")
            }
        });
    }
    let mut cases = Vec::new();
    for case in outline.cases {
        let missing = match (&case.rule, case.fires) {
            (Some(_), Some(_)) => {
                cases.push(case);
                continue;
            }
            (None, _) => "`rule` (the id of the rule under test)",
            (Some(_), None) => "`expect.fires` (true, false or \"unknown\")",
        };
        acc.push(
            Diagnostic::warning(
                "C032",
                format!("a test case has no {missing}; it is not counted"),
            )
            .at(&case.file, case.file.head(&case.span), "this case"),
        );
    }
    acc.sort();
    (
        RuleTests {
            cases,
            files: outline.files,
        },
        acc,
    )
}
