//! Which rules have tests: the `[[case]]` tables of every `*.test.toml` in the
//! pack, from the tolerant [`Outline`] of them (`rule` and `expect.fires`).
//!
//! A test file that does not parse, or a case without `rule`, is left to
//! `redflag test` to report; lint only counts the cases it can read.

use super::{rule_name, rule_span};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::rules::raw::RawRule;
use crate::rules::PackFiles;
use crate::ruletest::{Fires, Outline};

/// The cases of the pack's tests.
pub(super) struct Index {
    outline: Outline,
}

/// Reads every `*.test.toml` of the pack.
pub(super) fn index(files: &PackFiles) -> Index {
    Index {
        outline: Outline::read(files),
    }
}

impl Index {
    /// A rule with no case (L030), or whose cases all expect the same outcome
    /// (L031).
    pub(super) fn check_rule(&self, file: &SourceFile, raw: &RawRule, acc: &mut Diagnostics) {
        let Some(id) = &raw.id else { return };
        let cases: Vec<_> = self.outline.naming(&id.value).collect();
        let Some(first) = cases.first() else {
            acc.push(
                Diagnostic::warning("L030", format!("rule `{}` has no test", rule_name(raw)))
                    .at(file, rule_span(raw), "no `[[case]]` names this rule")
                    .with_help(format!(
                        "add a `*.test.toml` with a case `rule = \"{}\"` that fires and one that must not",
                        id.value
                    )),
            );
            return;
        };
        let fires = cases.iter().any(|c| c.fires == Some(Fires::Yes));
        let quiet = cases.iter().any(|c| c.fires == Some(Fires::No));
        let missing = match (fires, quiet) {
            (true, true) => return,
            (false, _) => "case that fires (`expect.fires = true`)",
            (true, false) => "case that must not fire (`expect.fires = false`)",
        };
        acc.push(
            Diagnostic::warning(
                "L031",
                format!("the tests of rule `{}` have no {missing}", id.value),
            )
            .at(file, rule_span(raw), "tested on one side only")
            .with_help(format!(
                "{} case(s) name this rule, the first in `{}`; a rule is proven by an order that fires it and a near miss that does not",
                cases.len(),
                first.file.name()
            )),
        );
    }

    /// Cases naming rules the pack does not define (L032).
    pub(super) fn check_unknown_rules(&self, ids: &[String], acc: &mut Diagnostics) {
        for case in &self.outline.cases {
            let Some(rule) = &case.rule else { continue };
            if ids.contains(&rule.value) {
                continue;
            }
            acc.push(
                Diagnostic::warning(
                    "L032",
                    format!(
                        "a test case names rule `{}`, which the pack does not have",
                        rule.value
                    ),
                )
                .at(&case.file, rule.span.clone(), "unknown rule")
                .with_help(
                    suggest(&rule.value, ids.iter().map(String::as_str)).or(Some(
                        "a case tests a rule by its `id`; rename the case's `rule` or remove the case"
                            .to_string(),
                    )),
                ),
            );
        }
    }
}
