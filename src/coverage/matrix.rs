//! The coverage matrix: catalogue items against the rules that cover them,
//! and each rule's tests.
//!
//! Built from a validated pack, a catalogue and the pack's rule tests; pure,
//! no I/O, no printing. Renderers (`report::coverage`) and the HTML report
//! read it. What happened when orders were judged is [`super::Outcomes`],
//! kept apart because the matrix describes the pack, not a run.

use std::collections::BTreeMap;

use super::catalogue::{Catalogue, Kind, Status};
use super::ruletests::{RuleTests, TestCounts};
use crate::rules::{RulePack, Severity};

/// The pack the matrix describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInfo {
    /// `[pack] name`.
    pub name: String,
    /// `[pack] version`.
    pub version: String,
    /// SHA-256 over every file of the pack.
    pub digest: String,
}

/// One catalogue item and the rules that cover it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// Item id.
    pub id: String,
    /// One line.
    pub title: String,
    /// The item's text.
    pub text: String,
    /// Where the text comes from.
    pub source: String,
    /// How far the text was checked.
    pub status: Status,
    /// Why no rule can cover it, if none can.
    pub out_of_scope: Option<String>,
    /// Ids of the rules that name it, sorted.
    pub rules: Vec<String>,
}

impl ItemRow {
    /// Some rule names it.
    pub fn is_covered(&self) -> bool {
        !self.rules.is_empty()
    }

    /// No rule names it although one could: a gap in the pack.
    pub fn is_gap(&self) -> bool {
        self.rules.is_empty() && self.out_of_scope.is_none()
    }
}

/// One catalogue group with its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// Group id.
    pub id: String,
    /// One line.
    pub title: String,
    /// Red flags or programme elements.
    pub kind: Kind,
    /// The group's source.
    pub source: String,
    /// Items in catalogue order.
    pub items: Vec<ItemRow>,
}

impl GroupRow {
    /// Items some rule covers.
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.is_covered()).count()
    }

    /// Items no rule covers although one could.
    pub fn gaps(&self) -> usize {
        self.items.iter().filter(|i| i.is_gap()).count()
    }

    /// Items no rule over orders can cover, and none does.
    pub fn out_of_scope(&self) -> usize {
        self.items
            .iter()
            .filter(|i| !i.is_covered() && i.out_of_scope.is_some())
            .count()
    }
}

/// One rule: what it covers and how it is tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    /// Rule id.
    pub id: String,
    /// One line.
    pub title: String,
    /// Rule family.
    pub family: String,
    /// Severity when it fires.
    pub severity: Severity,
    /// Catalogue ids it names, `red_flags` then `icp`, as written.
    pub covers: Vec<String>,
    /// Tags that are not in the catalogue, as written.
    pub unknown: Vec<String>,
    /// Its test cases.
    pub tests: TestCounts,
}

/// Totals over the whole catalogue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Items in the catalogue.
    pub items: usize,
    /// Items some rule covers.
    pub covered: usize,
    /// Items no rule covers although one could.
    pub gaps: usize,
    /// Items no rule can cover, and none does.
    pub out_of_scope: usize,
}

/// Catalogue items against rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageMatrix {
    /// The pack.
    pub pack: PackInfo,
    /// The catalogue files read, base first.
    pub catalogue_files: Vec<String>,
    /// Groups in catalogue order.
    pub groups: Vec<GroupRow>,
    /// Rules sorted by id.
    pub rules: Vec<RuleRow>,
    /// Test files read.
    pub test_files: Vec<String>,
    /// Test cases that name a rule the pack does not have, by rule id.
    pub orphan_tests: BTreeMap<String, TestCounts>,
}

impl CoverageMatrix {
    /// The row of one item.
    pub fn item(&self, id: &str) -> Option<&ItemRow> {
        self.groups
            .iter()
            .flat_map(|g| &g.items)
            .find(|i| i.id == id)
    }

    /// Items no rule covers although one could, by group, in catalogue order.
    pub fn gaps(&self) -> impl Iterator<Item = (&GroupRow, &ItemRow)> {
        self.groups
            .iter()
            .flat_map(|g| g.items.iter().filter(|i| i.is_gap()).map(move |i| (g, i)))
    }

    /// Counts over every group.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for g in &self.groups {
            t.items += g.items.len();
            t.covered += g.covered();
            t.gaps += g.gaps();
            t.out_of_scope += g.out_of_scope();
        }
        t
    }
}

/// Lays the rules of a pack against a catalogue: which items each rule
/// covers, which items no rule covers, and each rule's tests.
pub fn matrix(pack: &RulePack, catalogue: &Catalogue, tests: &RuleTests) -> CoverageMatrix {
    let mut covering: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut rules = Vec::with_capacity(pack.rules.len());
    for rule in &pack.rules {
        let mut covers = Vec::new();
        let mut unknown = Vec::new();
        for tag in rule.red_flags.iter().chain(&rule.icp) {
            match catalogue.item(tag) {
                Some(item) => {
                    if !covers.contains(tag) {
                        covers.push(tag.clone());
                        covering
                            .entry(item.id.as_str())
                            .or_default()
                            .push(rule.id.clone());
                    }
                }
                None => {
                    if !unknown.contains(tag) {
                        unknown.push(tag.clone());
                    }
                }
            }
        }
        rules.push(RuleRow {
            id: rule.id.clone(),
            title: rule.title.clone(),
            family: rule.family.clone(),
            severity: rule.severity,
            covers,
            unknown,
            tests: tests.counts(&rule.id),
        });
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let groups = catalogue
        .groups()
        .iter()
        .map(|g| GroupRow {
            id: g.id.clone(),
            title: g.title.clone(),
            kind: g.kind,
            source: g.source.clone(),
            items: catalogue
                .items_of(&g.id)
                .map(|i| {
                    let mut rules = covering.get(i.id.as_str()).cloned().unwrap_or_default();
                    rules.sort();
                    ItemRow {
                        id: i.id.clone(),
                        title: i.title.clone(),
                        text: i.text.clone(),
                        source: i.source.clone(),
                        status: i.status,
                        out_of_scope: i.out_of_scope.clone(),
                        rules,
                    }
                })
                .collect(),
        })
        .collect();
    let orphan_tests = tests
        .by_rule()
        .into_iter()
        .filter(|(id, _)| !pack.rules.iter().any(|r| r.id == *id))
        .map(|(id, c)| (id.to_string(), c))
        .collect();
    CoverageMatrix {
        pack: PackInfo {
            name: pack.name.clone(),
            version: pack.version.clone(),
            digest: pack.digest.clone(),
        },
        catalogue_files: catalogue.files().to_vec(),
        groups,
        rules,
        test_files: tests.files().to_vec(),
        orphan_tests,
    }
}
