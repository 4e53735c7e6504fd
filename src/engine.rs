//! The engine: a validated pack compiled once, then each order judged.
//!
//! Pure: no I/O, no printing. Evaluation is three-valued: a condition on a
//! missing value is unknown unless the rule says otherwise, and a rule whose
//! outcome is unknown yields an "undecided" finding of at least `hold`, so
//! nothing unreadable ever passes as clear. A combination a finding keeps has
//! every condition evaluated with evidence (no short-circuit), so evidence is
//! complete; combinations already false are cut short (`staging`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::findings::*;
use crate::order::{Order, Record, Trail, Value};
use crate::rules::expr::Expr;
use crate::rules::lists::{fold, folded, with_folded, ListTable};
use crate::rules::model::*;
use crate::screening::{self, IdCheck, ListedAt, MatchedOn, Query, Screener};
use crate::waivers::{Waiver, Waivers};

mod binding;
mod blank;
mod build;
mod compare;
mod conditions;
mod element_memo;
mod evidence;
mod in_force;
mod memo;
mod profile;
mod screen;
mod staging;
mod sum;
mod tally;
mod text_memo;
mod trace;
mod waiving;
mod walk;

use binding::*;
use blank::is_blank;
use compare::*;
pub use conditions::kleene;
use conditions::*;
use element_memo::{ElementMemo, ElementRules, Known, Remembered};
use evidence::*;
use in_force::*;
use memo::*;
use profile::Counts;
pub use profile::{Profile, RuleCost, ScreeningCost};
use screen::*;
use staging::*;
use sum::SumOf;
use tally::*;
pub use trace::{RuleTrace, Trace};
pub use walk::MAX_COMBINATIONS;
use walk::*;

/// Observations kept per condition in evidence.
const MAX_OBSERVATIONS: usize = 8;

/// What an order's stated `ship_date` is taken for ([`Engine::ship_dates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShipDates {
    /// The day the goods left: rows, rules and listings in force only after it give lookback
    /// findings. For re-screening past shipments (`check --shipped`, `--as-of`, rule tests).
    #[default]
    Shipped,
    /// A plan: the goods have not left, so a stated `ship_date` proves nothing about the law
    /// they leave under, and whatever is in force from the order date on counts. For a gate
    /// before shipment (`check` by default, `serve`): believed, a stale or wrong `ship_date`
    /// turned a block into a lookback review.
    Planned,
}

/// A pack ready to judge orders: list lookups indexed once.
#[derive(Debug, Clone)]
pub struct Engine {
    pack: Arc<RulePack>,
    /// list → column → folded key → row indices; nested so that a lookup borrows the names
    /// instead of building a key.
    /// By list, then column: looked up on every list condition of every combination, so
    /// hashed with Fx (keys come from the pack, not from orders).
    indexes: FxHashMap<String, FxHashMap<String, ListIndex>>,
    /// The pack's lists by name, hashed: a list condition looks its table up on every test,
    /// and the pack's ordered map compared names a few times per look-up.
    tables: FxHashMap<String, Arc<ListTable>>,
    /// Per rule (same index as `pack.rules`), what is derived once.
    compiled: Vec<CompiledRule>,
    /// The evidence of the pack's list rows, built once per row quoted.
    rows: RowEvidenceCache,
    /// Denied-party and sanctions lists for `screen` conditions, if any were loaded.
    screener: Option<Arc<Screener>>,
    /// What is remembered of `screener`'s answers across orders is kept under
    /// (`text_memo::mentions_any`): unique in the process, as an index's address may be given
    /// again to one built after it is dropped (lists reloaded by `serve`).
    screener_memo_id: u64,
    /// The date judged as of: list entries listed later are not known yet.
    as_of: Option<NaiveDate>,
    /// The day the run is made on, for orders dated after it (`run_day`).
    run_day: Option<NaiveDate>,
    /// What a stated `ship_date` is taken for.
    ship_dates: ShipDates,
    /// The lowest `min_score` of any `screen` condition: each party is screened once per
    /// order at this score, and each condition keeps the matches it wants.
    screen_floor: f64,
    /// Waivers, and the day they must be in force on.
    waivers: Option<(Arc<Waivers>, NaiveDate)>,
    /// What each rule costs, when asked for (`with_profile`).
    profile: Option<profile::Shared>,
    /// The paths by which a thread remembers which rules came to nothing on elements read
    /// alike (`element_memo`).
    element_rules: Arc<ElementRules>,
    /// Whether a thread remembers across orders which rules came to nothing on elements read
    /// alike (`element_memo`): not while keeping a profile whose counts must not depend on
    /// the orders a thread judged before (`with_profile`, `remembering`).
    remember_elements: bool,
}

/// A list column's folded keys and the rows that carry each. Fx hashing: keys are order
/// values looked up on every order, and the index is built from the pack, not from input
/// an attacker shapes to collide.
/// A clone is the same index, and keeps its id.
#[derive(Debug, Clone)]
struct ListIndex {
    keys: FxHashMap<String, Vec<usize>>,
    /// What the place look-ups in it are remembered by (`text_memo::place_hits`).
    id: u64,
}

impl ListIndex {
    fn new() -> ListIndex {
        ListIndex {
            keys: FxHashMap::default(),
            id: text_memo::next_index_id(),
        }
    }

    fn get(&self, key: &str) -> Option<&Vec<usize>> {
        self.keys.get(key)
    }
}

/// Screening results of one order, by query, shared by every `screen` condition that asks;
/// and, when the run keeps a profile, what screening them cost.
#[derive(Default)]
struct ScreenCache {
    parties: RefCell<HashMap<String, Arc<Vec<screening::Match>>>>,
    /// Parties screened and nanoseconds spent, counted only when profiling.
    cost: Option<std::cell::Cell<profile::ScreeningCost>>,
}

impl Engine {
    /// The pack this engine judges with.
    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// Judges one record: an error record is `error`; an order gets every
    /// rule's finding, most severe first.
    pub fn judge(&self, record: &Record) -> Judgement {
        match record {
            Record::Error(e) => Judgement {
                origin: e.origin.clone(),
                order_id: e.order_id.clone(),
                verdict: Verdict::Error,
                findings: Vec::new(),
                problems: e.problems.clone(),
                waivers_lapsed: Vec::new(),
                context: None,
            },
            Record::Order(order) => self.judge_order(order),
        }
    }

    /// Judges one order against every rule of the pack.
    pub fn judge_order(&self, order: &Order) -> Judgement {
        let screened = ScreenCache {
            cost: self.profile.as_ref().map(|_| Default::default()),
            ..ScreenCache::default()
        };
        let mut scratch = Scratch::with_memo(memo::for_order());
        if self.remember_elements {
            scratch.elements_read = Some(ElementMemo::for_order(&self.element_rules));
        }
        let dates = OrderDates::of(order, self.as_of, self.run_day, self.ship_dates);
        let longest = longest_list(&order.root);
        let mut findings: Vec<Finding> = Vec::new();
        let mut lapsed: Vec<String> = Vec::new();
        let mut costs = self
            .profile
            .as_ref()
            .map(|_| profile::OrderCosts::start(self.pack.rules.len()));
        for (index, (rule, compiled)) in self.pack.rules.iter().zip(&self.compiled).enumerate() {
            let candidates = match &self.waivers {
                Some((waivers, on)) => waiving::Candidates::of(waivers, &rule.id, &order.id, *on),
                None => waiving::Candidates::default(),
            };
            // As a list row in force only after `--as-of`: a rule that did not exist yet on
            // that day is not known on it.
            if rule
                .valid_from
                .zip(self.as_of)
                .is_some_and(|(from, on)| from > on)
            {
                continue;
            }
            let rule_dates = dates.for_rule(rule.valid_from);
            let rows = RowDates::at_shipment(rule_dates);
            let started = costs.as_ref().map(|_| std::time::Instant::now());
            let counted = scratch.counts;
            let screened_before = screened.cost.as_ref().map(std::cell::Cell::get);
            let outcome = self.judge_rule(
                rule,
                compiled,
                order,
                &screened,
                &candidates,
                &rows,
                &mut scratch,
                longest,
            );
            lapsed.extend(outcome.lapsed);
            let mut combinations = outcome.combinations;
            let finding = match outcome.finding {
                Some(mut finding) => {
                    // A rule dated after the shipment was not the law then.
                    if let Some(from) = rule.valid_from {
                        if let Some(ship) = dates.shipped_before(from) {
                            later_finding(
                                &mut finding,
                                format!(
                                    "rule `{}` applies from {from}, after the shipment date {ship}",
                                    rule.id
                                ),
                            );
                        }
                    }
                    Some(finding)
                }
                // Only rows that came into force after the shipment were left out: what the
                // rule finds with them is a lookback finding.
                None if rows.left_out_later.get() => {
                    let with_later = RowDates::with_later(rule_dates);
                    let again = self.judge_rule(
                        rule,
                        compiled,
                        order,
                        &screened,
                        &candidates,
                        &with_later,
                        &mut scratch,
                        longest,
                    );
                    lapsed.extend(again.lapsed);
                    combinations = combinations.saturating_add(again.combinations);
                    again.finding.map(|mut finding| {
                        let why = match with_later.first_later.take() {
                            Some(row) => format!(
                                "row `{}` of list `{}` (line {}) applies from {}, after the shipment date {}",
                                row.key,
                                row.list,
                                row.line,
                                row.from,
                                dates
                                    .shipped_before(row.from)
                                    .map(|d| d.to_string())
                                    .unwrap_or_default()
                            ),
                            None => "rows of its lists came into force after the shipment date".into(),
                        };
                        later_finding(&mut finding, why);
                        finding
                    })
                }
                None => None,
            };
            if let (Some(costs), Some(started)) = (costs.as_mut(), started) {
                let counts = scratch.counts.since(counted);
                let screening = screened
                    .cost
                    .as_ref()
                    .map(std::cell::Cell::get)
                    .zip(screened_before)
                    .map(|(now, before)| now.since(before))
                    .unwrap_or_default();
                costs.rule(
                    index,
                    started,
                    counts,
                    combinations,
                    finding.is_some(),
                    screening,
                );
            }
            findings.extend(finding);
        }
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.id.cmp(&b.rule.id))
        });
        memo::done_with(scratch.into_memo());
        lapsed.sort();
        lapsed.dedup();
        if let (Some(costs), Some(shared)) = (costs, self.profile.as_ref()) {
            costs.finish(shared);
        }
        Judgement {
            origin: order.origin.clone(),
            order_id: Some(order.id.clone()),
            verdict: Verdict::of(&findings),
            findings,
            problems: Vec::new(),
            waivers_lapsed: lapsed,
            context: Some(crate::context::OrderContext::of(order)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn judge_rule<'o>(
        &self,
        rule: &'o Rule,
        compiled: &CompiledRule,
        order: &'o Order,
        screened: &ScreenCache,
        candidates: &waiving::Candidates,
        rows: &RowDates,
        scratch: &mut Scratch<'o>,
        longest: usize,
    ) -> RuleOutcome {
        if compiled.inert_without_lists && self.screener.is_none() {
            return RuleOutcome {
                finding: None,
                lapsed: Vec::new(),
                combinations: 0,
            };
        }
        // Combinations that fired or were undecided, split by whether a waiver covers them; made
        // at the first such combination, since most rules of an order have none.
        let mut tallies: Option<Tallies> = None;
        let mut lapsed: Vec<String> = Vec::new();
        let mut walk = Walk::for_order(rule, &compiled.wildcards, longest);
        if let (Some(remembered), Some(binding), true) = (
            &compiled.remembered,
            rule.bindings.first(),
            walk.limit == usize::MAX && !rows.include_later(),
        ) {
            let cx = Cx {
                order,
                engine: self,
                screened,
                rows,
                vars: Vec::new(),
            };
            if scratch.came_to_nothing_on_all(
                &cx,
                binding,
                compiled.first_class,
                remembered,
                &self.element_rules,
            ) {
                return RuleOutcome {
                    finding: None,
                    lapsed: Vec::new(),
                    combinations: 0,
                };
            }
        }
        // Most combinations come to nothing: they are evaluated without evidence, and again
        // with it only for a combination a finding keeps or a waiver is tested on.
        let mut combinations = 0u64;
        let mut on_combination = |cx: &Cx, truth: Truth, leaf: &mut dyn FnMut(usize) -> Truth| {
            combinations = combinations.saturating_add(1);
            if truth == Truth::False {
                return;
            }
            let mut evidence: Option<Vec<Outcome>> = None;
            let mut waiver = None;
            if !candidates.is_empty() {
                let full = self.evaluate_conditions(rule, compiled, cx, true);
                let bound = cx.bound_evidence(rule);
                let about = waiving::subjects(
                    &order.root,
                    &bound,
                    &mut full.iter().flat_map(|o| &o.observations),
                );
                waiver = candidates
                    .in_force
                    .iter()
                    .find(|w| waiving::covers(w, &about))
                    .copied();
                for w in candidates
                    .lapsed
                    .iter()
                    .filter(|w| waiving::covers(w, &about))
                {
                    if !lapsed.contains(&w.id) {
                        lapsed.push(w.id.clone());
                    }
                }
                evidence = Some(full);
            }
            let tallies = tallies.get_or_insert_with(Tallies::default);
            let tally = match (truth, waiver.is_some()) {
                (Truth::True, false) => &mut tallies.fired,
                (Truth::True, true) => &mut tallies.fired_waived,
                (_, false) => &mut tallies.undecided,
                (_, true) => &mut tallies.undecided_waived,
            };
            tally.count = tally.count.saturating_add(1);
            if truth == Truth::True {
                tally.escalate(rule, leaf);
            }
            if let Some(w) = waiver {
                if !tally.waivers.contains(&w.id) {
                    tally.waivers.push(w.id.clone());
                }
            }
            if tally.first.is_none() {
                let outcomes =
                    evidence.unwrap_or_else(|| self.evaluate_conditions(rule, compiled, cx, true));
                let message = if truth == Truth::True {
                    render(&rule.message, cx, &outcomes)
                } else {
                    String::new()
                };
                tally.first = Some((cx.bound_evidence(rule), outcomes, message));
                tally.waiver = waiver.map(|w| Box::new(w.clone()));
            }
        };
        match &compiled.stages {
            Some(stages) => {
                let (mut staged, vars) = scratch.take(
                    stages,
                    &compiled.expected,
                    &compiled.shared,
                    compiled.first_class,
                    rule.conditions.len(),
                    compiled
                        .remembered
                        .as_ref()
                        .map(|remembered| (remembered, &*self.element_rules)),
                );
                let mut cx = Cx {
                    order,
                    engine: self,
                    screened,
                    rows,
                    vars,
                };
                bind_staged(
                    rule,
                    0,
                    &mut cx,
                    &mut staged,
                    &mut on_combination,
                    &mut walk,
                );
                scratch.give_back(cx.vars);
            }
            None => self.each_binding(
                rule,
                order,
                screened,
                rows,
                &mut |cx| {
                    let outcomes = self.evaluate_conditions(rule, compiled, cx, false);
                    let mut leaf = |i: usize| outcomes.get(i).map_or(Truth::Unknown, |o| o.truth);
                    on_combination(cx, eval_expr(&rule.condition, &outcomes), &mut leaf);
                },
                &mut walk,
            ),
        }
        let Tallies {
            mut fired,
            mut fired_waived,
            mut undecided,
            mut undecided_waived,
        } = match tallies {
            Some(tallies) => tallies,
            // Nothing fired or was undecided: no finding, unless the walk was cut short.
            None if !walk.overflow => {
                return RuleOutcome {
                    finding: None,
                    lapsed,
                    combinations,
                }
            }
            None => Tallies::default(),
        };
        let base = |kind, severity, message, bindings, conditions, matches, escalation| Finding {
            rule: compiled.info.clone(),
            kind,
            severity,
            message,
            escalation,
            bindings,
            conditions,
            matches,
            waiver: None,
            waived_in_part: Vec::new(),
            later: None,
        };
        // Waivers that cleared some combinations of a finding that stays open.
        let in_part = |tallies: &[&Tally]| {
            let mut ids: Vec<String> = tallies.iter().flat_map(|t| t.waivers.clone()).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let finding = if walk.overflow {
            // Not every combination was seen, so none may be ruled out: the rule stands at the
            // most severe verdict it can reach, with the first combination that fired as evidence.
            let severity = rule
                .escalations
                .iter()
                .map(|e| e.severity)
                .chain([rule.severity, rule.on_unknown])
                .max()
                .unwrap_or(rule.severity);
            let why = format!(
                "the order has more than {} combinations of {}, so not all of them could be evaluated",
                walk.limit,
                binding_names(rule)
            );
            Some(match fired.first.take() {
                Some((bindings, outcomes, message)) => {
                    let mut f = base(
                        FindingKind::Fired,
                        severity,
                        message,
                        bindings,
                        evidence_of(rule, &compiled.labels, outcomes),
                        fired.count,
                        Some(format!("{why} (could not be ruled out)")),
                    );
                    f.waived_in_part = in_part(&[&fired_waived, &undecided_waived]);
                    f
                }
                None => base(
                    FindingKind::Undecided,
                    severity,
                    format!("could not evaluate `{}`: {why}", rule.id),
                    Vec::new(),
                    Vec::new(),
                    0,
                    None,
                ),
            })
        } else if let Some((bindings, outcomes, message)) = fired.first.take() {
            let mut f = base(
                FindingKind::Fired,
                fired.severity.unwrap_or(rule.severity),
                message,
                bindings,
                evidence_of(rule, &compiled.labels, outcomes),
                fired.count,
                fired.escalation.take(),
            );
            f.waived_in_part = in_part(&[&fired_waived, &undecided_waived]);
            Some(f)
        } else if let Some((bindings, outcomes, message)) = fired_waived.first.take() {
            let mut f = base(
                FindingKind::Fired,
                fired_waived.severity.unwrap_or(rule.severity),
                message,
                bindings,
                evidence_of(rule, &compiled.labels, outcomes),
                fired_waived.count,
                fired_waived.escalation.take(),
            );
            f.waiver = fired_waived.waiver.take();
            // Open undecided combinations of the same rule keep it in force.
            if undecided.first.is_some() {
                f.waiver = None;
                f.kind = FindingKind::Undecided;
                f.severity = f.severity.max(rule.on_unknown);
            }
            Some(f)
        } else if let Some((bindings, outcomes, _)) = undecided.first.take() {
            let mut f = self.undecided(
                rule,
                &compiled.labels,
                bindings,
                outcomes,
                undecided.count,
                &base,
            );
            f.waived_in_part = in_part(&[&undecided_waived]);
            Some(f)
        } else if let Some((bindings, outcomes, _)) = undecided_waived.first.take() {
            let mut f = self.undecided(
                rule,
                &compiled.labels,
                bindings,
                outcomes,
                undecided_waived.count,
                &base,
            );
            f.waiver = undecided_waived.waiver.take();
            Some(f)
        } else {
            None
        };
        RuleOutcome {
            finding,
            lapsed,
            combinations,
        }
    }

    /// The finding of a rule that could not be decided, naming each condition that was unknown.
    #[allow(clippy::type_complexity)]
    fn undecided(
        &self,
        rule: &Rule,
        labels: &[ConditionLabels],
        bindings: Vec<BoundEvidence>,
        outcomes: Vec<Outcome>,
        count: usize,
        base: &dyn Fn(
            FindingKind,
            Severity,
            String,
            Vec<BoundEvidence>,
            Vec<ConditionEvidence>,
            usize,
            Option<String>,
        ) -> Finding,
    ) -> Finding {
        let unknown: Vec<String> = rule
            .conditions
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| o.truth == Truth::Unknown)
            .map(|(c, o)| {
                let why = o
                    .observations
                    .iter()
                    .find(|ob| ob.holds == Truth::Unknown)
                    .map(|ob| match (&ob.note, &ob.seen) {
                        (Some(note), _) => format!("`{}` {note}", ob.path),
                        (None, None) => format!("`{}` is missing", ob.path),
                        (None, Some(seen)) => format!("`{}` = `{seen}` cannot be decided", ob.path),
                    })
                    .unwrap_or_else(|| format!("`{}` is missing", c.target.text()));
                format!("{} ({why})", c.name)
            })
            .collect();
        base(
            FindingKind::Undecided,
            rule.on_unknown,
            format!("could not evaluate: {}", unknown.join("; ")),
            bindings,
            evidence_of(rule, labels, outcomes),
            count,
            None,
        )
    }

    /// Calls `visit` for each set of bindings of the rule's variables.
    fn each_binding<'o>(
        &self,
        rule: &'o Rule,
        order: &'o Order,
        screened: &ScreenCache,
        rows: &RowDates,
        visit: &mut dyn FnMut(&Cx<'o, '_>),
        walk: &mut Walk,
    ) {
        let mut cx = Cx {
            order,
            engine: self,
            screened,
            rows,
            vars: Vec::with_capacity(rule.bindings.len()),
        };
        bind(rule, 0, &mut cx, visit, walk);
    }

    /// Every condition's outcome for one combination; observations (the evidence) only when
    /// `evidence` is true, since building them dominates the cost of judging.
    fn evaluate_conditions(
        &self,
        rule: &Rule,
        compiled: &CompiledRule,
        cx: &Cx,
        evidence: bool,
    ) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = vec![Outcome::default(); rule.conditions.len()];
        let mut done = vec![false; rule.conditions.len()];
        for &i in &compiled.order {
            evaluate_into(
                rule,
                i,
                &compiled.expected,
                cx,
                &mut outcomes,
                &mut done,
                evidence,
            );
        }
        outcomes
    }

    fn index(&self, list: &str, column: &str) -> Option<&ListIndex> {
        self.indexes
            .get(list)
            .and_then(|columns| columns.get(column))
    }

    fn list(&self, name: &str) -> Option<&ListTable> {
        self.tables.get(name).map(|l| l.as_ref())
    }
}

/// What `Engine::new` derives once per rule.
#[derive(Debug, Clone)]
struct CompiledRule {
    /// What its findings say about it, shared by all of them.
    info: Arc<RuleInfo>,
    /// Condition indices in evaluation order (a condition that reads
    /// another's matched row comes after it).
    order: Vec<usize>,
    /// Per condition, what it expects, in words (for evidence).
    expected: Vec<Arc<str>>,
    /// Per condition, its name, operator and path as evidence quotes them.
    labels: Vec<ConditionLabels>,
    /// Per condition, how its outcome is shared with the order's other conditions (`memo`).
    shared: Vec<Option<Shared>>,
    /// The class of its first binding's sources, when another rule's has the same
    /// (`memo::first_bindings`).
    first_class: Option<u32>,
    /// When each condition can be evaluated while binding; `None` for a rule that must
    /// evaluate every condition per combination.
    stages: Option<Stages>,
    /// Per binding, per source, the `[*]` in its path: how many values it can reach on an
    /// order, given the order's longest list (`Walk::for_order`).
    wildcards: Vec<Vec<u32>>,
    /// Whether the rule comes to nothing when no screening list is loaded
    /// (`build::inert_without_lists`).
    inert_without_lists: bool,
    /// How the memo of rules that came to nothing on elements read alike remembers it, if it
    /// does (`element_memo`).
    remembered: Option<Remembered>,
}

/// What one rule made of one order.
struct RuleOutcome {
    /// The finding, if the rule fired or could not be decided.
    finding: Option<Finding>,
    /// Waivers that would have covered a combination but were not in force.
    lapsed: Vec<String>,
    /// Combinations tested whole (not ruled out while walking), for the profile.
    combinations: u64,
}

fn binding_names(rule: &Rule) -> String {
    rule.bindings
        .iter()
        .map(|b| format!("`{}`", b.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Marks a finding as one the law did not ask for at shipment (a lookback finding): it says
/// why, and stands at `review` at most, as a party listed after the shipment does.
fn later_finding(finding: &mut Finding, why: String) {
    finding.severity = finding.severity.min(Severity::Review);
    finding.later = Some(why);
}
