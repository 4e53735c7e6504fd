//! Which rules have tests: the `[[case]]` tables of every `*.test.toml` in the
//! pack, read only as far as lint needs (`rule` and `expect.fires`).
//!
//! A test file that does not parse, or a case without `rule`, is left to
//! `redflag test` to report; lint only counts the cases it can read.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::{rule_name, rule_span};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::rules::raw::RawRule;
use crate::rules::PackFiles;

/// One case naming a rule.
struct Case {
    file: SourceFile,
    span: Range<usize>,
    /// `expect.fires`, when it is a boolean.
    fires: Option<bool>,
}

/// Cases by the rule they name.
pub(super) struct Index {
    by_rule: BTreeMap<String, Vec<Case>>,
}

/// Reads every `*.test.toml` of the pack.
pub(super) fn index(files: &PackFiles) -> Index {
    let mut by_rule: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for (path, bytes) in &files.files {
        if !path.ends_with(".test.toml") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let file = SourceFile::new(path.as_str(), text);
        let Ok(root) = DeTable::parse(text) else {
            continue;
        };
        let Some(DeValue::Array(cases)) = root.get_ref().get("case").map(|c| c.get_ref()) else {
            continue;
        };
        for case in cases.iter() {
            let DeValue::Table(t) = case.get_ref() else {
                continue;
            };
            let Some(rule) = t.get("rule") else { continue };
            let DeValue::String(id) = rule.get_ref() else {
                continue;
            };
            let fires = match t.get("expect").map(|e| e.get_ref()) {
                Some(DeValue::Table(expect)) => match expect.get("fires").map(|f| f.get_ref()) {
                    Some(DeValue::Boolean(b)) => Some(*b),
                    _ => None,
                },
                _ => None,
            };
            by_rule.entry(id.to_string()).or_default().push(Case {
                file: file.clone(),
                span: rule.span(),
                fires,
            });
        }
    }
    Index { by_rule }
}

impl Index {
    /// A rule with no case (L030), or whose cases all expect the same outcome
    /// (L031).
    pub(super) fn check_rule(&self, file: &SourceFile, raw: &RawRule, acc: &mut Diagnostics) {
        let Some(id) = &raw.id else { return };
        let cases = self
            .by_rule
            .get(&id.value)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if cases.is_empty() {
            acc.push(
                Diagnostic::warning("L030", format!("rule `{}` has no test", rule_name(raw)))
                    .at(file, rule_span(raw), "no `[[case]]` names this rule")
                    .with_help(format!(
                        "add a `*.test.toml` with a case `rule = \"{}\"` that fires and one that must not",
                        id.value
                    )),
            );
            return;
        }
        let fires = cases.iter().any(|c| c.fires == Some(true));
        let quiet = cases.iter().any(|c| c.fires == Some(false));
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
                cases[0].file.name()
            )),
        );
    }

    /// Cases naming rules the pack does not define (L032).
    pub(super) fn check_unknown_rules(&self, ids: &[String], acc: &mut Diagnostics) {
        for (rule, cases) in &self.by_rule {
            if ids.contains(rule) {
                continue;
            }
            for case in cases {
                acc.push(
                    Diagnostic::warning(
                        "L032",
                        format!("a test case names rule `{rule}`, which the pack does not have"),
                    )
                    .at(&case.file, case.span.clone(), "unknown rule")
                    .with_help(
                        suggest(rule, ids.iter().map(String::as_str)).or(Some(
                            "a case tests a rule by its `id`; rename the case's `rule` or remove the case"
                                .to_string(),
                        )),
                    ),
                );
            }
        }
    }
}
