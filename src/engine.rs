//! The engine: a validated pack compiled once, then each order judged.
//!
//! Pure: no I/O, no printing. Evaluation is three-valued: a condition on a
//! missing value is unknown unless the rule says otherwise, and a rule whose
//! outcome is unknown yields an "undecided" finding of at least `hold`, so
//! nothing unreadable ever passes as clear. Every condition is evaluated (no
//! short-circuit) so that evidence is complete and a typo cannot hide behind
//! an earlier false.

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
use crate::rules::lists::{fold, ListTable};
use crate::rules::model::*;
use crate::screening::{self, IdCheck, ListedAt, MatchedOn, Query, Screener};
use crate::waivers::{Waiver, Waivers};

mod waiving;

/// Above this many sets of bindings of two or more variables for one rule and one order, the
/// rule stops walking them: a pathological order must not stall a run. A rule that stops there
/// takes the most severe verdict it can reach, never a milder one. A rule of one variable has
/// no cross product and always sees every element.
pub const MAX_COMBINATIONS: usize = 1_000_000;
/// `trace` keeps the evidence of every combination it reports, so it stops sooner.
const TRACE_COMBINATIONS: usize = 20_000;
/// Observations kept per condition in evidence.
const MAX_OBSERVATIONS: usize = 8;

/// A pack ready to judge orders: list lookups indexed once.
#[derive(Debug, Clone)]
pub struct Engine {
    pack: Arc<RulePack>,
    /// list → column → folded key → row indices; nested so that a lookup borrows the names
    /// instead of building a key.
    indexes: HashMap<String, HashMap<String, ListIndex>>,
    /// Per rule (same index as `pack.rules`), what is derived once.
    compiled: Vec<CompiledRule>,
    /// Denied-party and sanctions lists for `screen` conditions, if any were loaded.
    screener: Option<Arc<Screener>>,
    /// The date judged as of: list entries listed later are not known yet.
    as_of: Option<NaiveDate>,
    /// The lowest `min_score` of any `screen` condition: each party is screened once per
    /// order at this score, and each condition keeps the matches it wants.
    screen_floor: f64,
    /// Waivers, and the day they must be in force on.
    waivers: Option<(Arc<Waivers>, NaiveDate)>,
}

/// A list column's folded keys and the rows that carry each. Fx hashing: keys are order
/// values looked up on every order, and the index is built from the pack, not from input
/// an attacker shapes to collide.
type ListIndex = FxHashMap<String, Vec<usize>>;

/// Screening results of one order, by query, shared by every `screen` condition that asks.
type ScreenCache = RefCell<HashMap<String, Arc<Vec<screening::Match>>>>;

impl Engine {
    /// Compiles a validated pack.
    pub fn new(pack: RulePack) -> Engine {
        let mut indexes: HashMap<String, HashMap<String, ListIndex>> = HashMap::new();
        let mut wanted: Vec<(String, String)> = Vec::new();
        for rule in &pack.rules {
            for c in &rule.conditions {
                match &c.op {
                    Op::InList { list, column, .. } => wanted.push((list.clone(), column.clone())),
                    Op::StartsWith {
                        members: Members::List { list, column },
                    } => wanted.push((list.clone(), column.clone())),
                    _ => {}
                }
            }
        }
        for (list_name, column) in wanted {
            let Some(list) = pack.lists.get(&list_name) else {
                continue;
            };
            let entry = indexes
                .entry(list_name)
                .or_default()
                .entry(column.clone())
                .or_default();
            if !entry.is_empty() {
                continue;
            }
            for (i, row) in list.rows.iter().enumerate() {
                for key in list.keys_of(row, &column) {
                    entry.entry(fold(key)).or_default().push(i);
                }
            }
        }
        let screen_floor = pack
            .rules
            .iter()
            .flat_map(|r| &r.conditions)
            .filter_map(|c| match &c.op {
                Op::Screen(spec) => {
                    use rust_decimal::prelude::ToPrimitive;
                    spec.min_score.to_f64()
                }
                _ => None,
            })
            .fold(1.0_f64, f64::min);
        let compiled = pack
            .rules
            .iter()
            .map(|rule| CompiledRule {
                order: evaluation_order(rule),
                expected: rule
                    .conditions
                    .iter()
                    .map(|c| expected_text(c, &pack))
                    .collect(),
            })
            .collect();
        Engine {
            pack: Arc::new(pack),
            indexes,
            compiled,
            screener: None,
            as_of: None,
            screen_floor,
            waivers: None,
        }
    }

    /// Applies `waivers` in force on `on` while judging: a waiver clears the combinations it
    /// covers (`waiving`), and a finding stays open while any combination is not covered.
    pub fn with_waivers(mut self, waivers: Arc<Waivers>, on: NaiveDate) -> Engine {
        self.waivers = Some((waivers, on));
        self
    }

    /// Judges as of `date`: screening-list entries listed after it are left out, as they
    /// were not on the list yet (lookback over past orders with today's lists).
    pub fn as_of(mut self, date: NaiveDate) -> Engine {
        self.as_of = Some(date);
        self
    }

    /// Compiles a validated pack with screening lists for its `screen` conditions.
    fn with_screener(pack: RulePack, screener: Arc<Screener>) -> Engine {
        Engine {
            screener: Some(screener),
            ..Engine::new(pack)
        }
    }

    /// Compiles a pack with its own screening lists (`[screening.NAME]`) and `extra` entries
    /// (from `--list`, or a rule test); without any, `screen` conditions have nothing to match.
    pub fn with_screening(pack: RulePack, mut extra: Vec<screening::Entry>) -> Engine {
        extra.extend(
            pack.screening
                .iter()
                .flat_map(|l| l.entries.iter().cloned()),
        );
        if extra.is_empty() {
            Engine::new(pack)
        } else {
            Engine::with_screener(pack, Arc::new(Screener::build(extra)))
        }
    }

    /// The screening index, when lists were given.
    pub fn screener(&self) -> Option<&Screener> {
        self.screener.as_deref()
    }

    /// Screening lists named by `screen` conditions that no loaded entry belongs to, as
    /// `(rule id, condition, list)`: a rule must not screen against a list that is not there.
    pub fn missing_screening_lists(&self) -> Vec<(String, String, String)> {
        let mut loaded: Vec<String> = self
            .screener
            .iter()
            .flat_map(|s| s.entries().iter())
            .flat_map(|e| [e.list.to_lowercase(), e.source.to_lowercase()])
            .collect();
        loaded.sort();
        loaded.dedup();
        let mut out = Vec::new();
        for rule in &self.pack.rules {
            for c in &rule.conditions {
                if let Op::Screen(spec) = &c.op {
                    for list in &spec.lists {
                        if loaded.binary_search(&list.to_lowercase()).is_err() {
                            out.push((rule.id.clone(), c.name.clone(), list.clone()));
                        }
                    }
                }
            }
        }
        out
    }

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
        let screened = ScreenCache::default();
        let mut findings: Vec<Finding> = Vec::new();
        let mut lapsed: Vec<String> = Vec::new();
        for (rule, compiled) in self.pack.rules.iter().zip(&self.compiled) {
            let candidates = match &self.waivers {
                Some((waivers, on)) => waiving::Candidates::of(waivers, &rule.id, &order.id, *on),
                None => waiving::Candidates::default(),
            };
            let outcome = self.judge_rule(rule, compiled, order, &screened, &candidates);
            findings.extend(outcome.finding);
            lapsed.extend(outcome.lapsed);
        }
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
        });
        lapsed.sort();
        lapsed.dedup();
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

    /// Evaluates one rule on one order and reports every condition's outcome
    /// for each set of bindings, whether or not the rule fired: the basis of
    /// explanations and why-not. `None` when the pack has no such rule.
    pub fn trace(&self, rule_id: &str, order: &Order) -> Option<RuleTrace> {
        let index = self.pack.rules.iter().position(|r| r.id == rule_id)?;
        let rule = &self.pack.rules[index];
        let compiled = self.compiled.get(index)?;
        let mut combinations = Vec::new();
        let mut walk = Walk::new(rule);
        walk.limit = walk.limit.min(TRACE_COMBINATIONS);
        let screened = ScreenCache::default();
        self.each_binding(
            rule,
            order,
            &screened,
            &mut |cx| {
                let outcomes = self.evaluate_conditions(rule, compiled, cx, true);
                combinations.push(Trace {
                    bindings: cx.bound_evidence(rule),
                    truth: eval_expr(&rule.condition, &outcomes),
                    escalations: rule
                        .escalations
                        .iter()
                        .map(|e| eval_expr(&e.condition, &outcomes))
                        .collect(),
                    conditions: evidence_of(rule, &outcomes),
                    outcomes: outcomes.iter().map(|o| o.truth).collect(),
                });
            },
            &mut walk,
        );
        // Past the limit `judge` calls the rule undecided; the trace says
        // so rather than pretend its first combinations are the whole story.
        Some(RuleTrace {
            combinations,
            overflow: walk.overflow,
            limit: walk.limit,
            empty: rule
                .bindings
                .iter()
                .enumerate()
                .filter(|(d, _)| *d < 64 && walk.empty & (1 << d) != 0)
                .map(|(_, b)| b.name.clone())
                .collect(),
        })
    }

    fn judge_rule(
        &self,
        rule: &Rule,
        compiled: &CompiledRule,
        order: &Order,
        screened: &ScreenCache,
        candidates: &waiving::Candidates,
    ) -> RuleOutcome {
        // Combinations that fired or were undecided, split by whether a waiver covers them.
        let mut fired = Tally::default();
        let mut fired_waived = Tally::default();
        let mut undecided = Tally::default();
        let mut undecided_waived = Tally::default();
        let mut lapsed: Vec<String> = Vec::new();
        let mut walk = Walk::new(rule);
        self.each_binding(
            rule,
            order,
            screened,
            &mut |cx| {
                // Most combinations come to nothing: evaluate them without evidence, and
                // again with it only for a combination a finding keeps or a waiver is tested on.
                let outcomes = self.evaluate_conditions(rule, compiled, cx, false);
                let truth = eval_expr(&rule.condition, &outcomes);
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
                let tally = match (truth, waiver.is_some()) {
                    (Truth::True, false) => &mut fired,
                    (Truth::True, true) => &mut fired_waived,
                    (_, false) => &mut undecided,
                    (_, true) => &mut undecided_waived,
                };
                tally.count = tally.count.saturating_add(1);
                if truth == Truth::True {
                    tally.escalate(rule, &outcomes);
                }
                if let Some(w) = waiver {
                    if !tally.waivers.contains(&w.id) {
                        tally.waivers.push(w.id.clone());
                    }
                }
                if tally.first.is_none() {
                    let outcomes = evidence
                        .unwrap_or_else(|| self.evaluate_conditions(rule, compiled, cx, true));
                    let message = if truth == Truth::True {
                        render(&rule.message, cx, &outcomes)
                    } else {
                        String::new()
                    };
                    tally.first = Some((cx.bound_evidence(rule), outcomes, message));
                    tally.waiver = waiver.map(|w| Box::new(w.clone()));
                }
            },
            &mut walk,
        );
        let base = |kind, severity, message, bindings, conditions, matches, escalation| Finding {
            rule_id: rule.id.clone(),
            rule_version: rule.version,
            kind,
            severity,
            title: rule.title.clone(),
            message,
            family: rule.family.clone(),
            red_flags: rule.red_flags.clone(),
            icp: rule.icp.clone(),
            references: rule.references.clone(),
            why: rule.why.clone(),
            action: rule.action.clone(),
            escalation,
            condition: rule.condition_text.clone(),
            bindings,
            conditions,
            matches,
            waiver: None,
            waived_in_part: Vec::new(),
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
                        evidence_of(rule, &outcomes),
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
                evidence_of(rule, &outcomes),
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
                evidence_of(rule, &outcomes),
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
            let mut f = self.undecided(rule, bindings, outcomes, undecided.count, &base);
            f.waived_in_part = in_part(&[&undecided_waived]);
            Some(f)
        } else if let Some((bindings, outcomes, _)) = undecided_waived.first.take() {
            let mut f = self.undecided(rule, bindings, outcomes, undecided_waived.count, &base);
            f.waiver = undecided_waived.waiver.take();
            Some(f)
        } else {
            None
        };
        RuleOutcome { finding, lapsed }
    }

    /// The finding of a rule that could not be decided, naming each condition that was unknown.
    #[allow(clippy::type_complexity)]
    fn undecided(
        &self,
        rule: &Rule,
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
            evidence_of(rule, &outcomes),
            count,
            None,
        )
    }

    /// Calls `visit` for each set of bindings of the rule's variables.
    fn each_binding<'o>(
        &self,
        rule: &Rule,
        order: &'o Order,
        screened: &ScreenCache,
        visit: &mut dyn FnMut(&Cx<'o, '_>),
        walk: &mut Walk,
    ) {
        let mut cx = Cx {
            order,
            engine: self,
            screened,
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
            let expected = compiled
                .expected
                .get(i)
                .map(String::as_str)
                .unwrap_or_default();
            let outcome = eval_condition(
                &rule.conditions[i],
                expected,
                cx,
                &outcomes,
                &done,
                evidence,
            );
            outcomes[i] = outcome;
            done[i] = true;
        }
        outcomes
    }

    fn index(&self, list: &str, column: &str) -> Option<&ListIndex> {
        self.indexes
            .get(list)
            .and_then(|columns| columns.get(column))
    }

    fn list(&self, name: &str) -> Option<&ListTable> {
        self.pack.lists.get(name).map(|l| l.as_ref())
    }
}

/// What `Engine::new` derives once per rule.
#[derive(Debug, Clone)]
struct CompiledRule {
    /// Condition indices in evaluation order (a condition that reads
    /// another's matched row comes after it).
    order: Vec<usize>,
    /// Per condition, what it expects, in words (for evidence).
    expected: Vec<String>,
}

/// Every set of bindings of one rule on one order, and how the walk ended.
#[derive(Debug, Clone)]
pub struct RuleTrace {
    /// Each set of bindings, in binding order.
    pub combinations: Vec<Trace>,
    /// True when the order has more combinations than `limit`: `judge`
    /// then calls the rule undecided, and `combinations` holds only the first.
    pub overflow: bool,
    /// The most combinations one rule may take on one order.
    pub limit: usize,
    /// Variables that had no element to take at least once (`ban` on an
    /// item without restrictions): why a rule can have no combination at all.
    pub empty: Vec<String>,
}

/// One set of bindings and every condition's outcome in it.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The bound variables.
    pub bindings: Vec<BoundEvidence>,
    /// The rule's condition for these bindings.
    pub truth: Truth,
    /// Each escalation's condition, in the rule's order.
    pub escalations: Vec<Truth>,
    /// Each condition's evidence, in the order the expression names them.
    pub conditions: Vec<ConditionEvidence>,
    /// Each condition's outcome by its index in `Rule::conditions`.
    pub outcomes: Vec<Truth>,
}

/// What one rule made of one order.
struct RuleOutcome {
    /// The finding, if the rule fired or could not be decided.
    finding: Option<Finding>,
    /// Waivers that would have covered a combination but were not in force.
    lapsed: Vec<String>,
}

/// Combinations of one kind (fired or undecided; waived or not) seen in one walk.
#[derive(Default)]
struct Tally {
    count: usize,
    /// The first such combination: bindings, outcomes with evidence, rendered message.
    first: Option<(Vec<BoundEvidence>, Vec<Outcome>, String)>,
    /// The severity after escalation, over every such combination that fired.
    severity: Option<Severity>,
    /// Why the severity was raised.
    escalation: Option<String>,
    /// The waiver that covered the first combination.
    waiver: Option<Box<Waiver>>,
    /// Every waiver that covered one of them.
    waivers: Vec<String>,
}

impl Tally {
    /// Raises the severity by the escalations that hold (or could not be ruled out) here.
    fn escalate(&mut self, rule: &Rule, outcomes: &[Outcome]) {
        let mut severity = self.severity.unwrap_or(rule.severity);
        for e in &rule.escalations {
            let t = eval_expr(&e.condition, outcomes);
            if t != Truth::False && e.severity > severity {
                severity = e.severity;
                let reason = if e.reason.is_empty() {
                    e.condition_text.clone()
                } else {
                    e.reason.clone()
                };
                self.escalation = Some(if t == Truth::Unknown {
                    format!("{reason} (could not be ruled out)")
                } else {
                    reason
                });
            }
        }
        self.severity = Some(severity);
    }
}

/// The state of one walk over a rule's bindings.
struct Walk {
    count: usize,
    /// The most combinations this walk may visit.
    limit: usize,
    overflow: bool,
    /// Bit `d` set: binding `d` once had nothing to take. A bit set rather
    /// than a `Vec` because `judge` walks every rule of every order; a rule
    /// with more than 64 variables only loses this detail past the 64th.
    empty: u64,
}

impl Walk {
    fn new(rule: &Rule) -> Walk {
        Walk {
            count: 0,
            limit: if rule.bindings.len() <= 1 {
                usize::MAX
            } else {
                MAX_COMBINATIONS
            },
            overflow: false,
            empty: 0,
        }
    }
}

fn binding_names(rule: &Rule) -> String {
    rule.bindings
        .iter()
        .map(|b| format!("`{}`", b.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn evaluation_order(rule: &Rule) -> Vec<usize> {
    fn deps(c: &Condition) -> Vec<usize> {
        let mut out = Vec::new();
        let mut add = |t: &Target| {
            if let Target::Row { condition, .. } = t {
                out.push(*condition);
            }
        };
        add(&c.target);
        match &c.op {
            Op::Compare {
                operand: Operand::Field(t),
                ..
            } => add(t),
            Op::InField { field } | Op::Within { field, .. } => add(field),
            Op::InList { also, .. } => also.iter().for_each(|(_, t)| add(t)),
            _ => {}
        }
        out
    }
    fn visit(rule: &Rule, i: usize, state: &mut Vec<u8>, out: &mut Vec<usize>) {
        if state[i] != 0 {
            return; // done, or a cycle: the reader then sees "not evaluated" (unknown)
        }
        state[i] = 1;
        for d in deps(&rule.conditions[i]) {
            visit(rule, d, state, out);
        }
        state[i] = 2;
        out.push(i);
    }
    let mut state = vec![0; rule.conditions.len()];
    let mut out = Vec::new();
    for i in 0..rule.conditions.len() {
        visit(rule, i, &mut state, &mut out);
    }
    out
}

/// A bound variable: the element and where it is.
#[derive(Debug, Clone)]
struct Bound<'o> {
    value: &'o Value,
    path: String,
}

/// Evaluation context: the order and the current bindings.
struct Cx<'o, 'e> {
    order: &'o Order,
    engine: &'e Engine,
    screened: &'e ScreenCache,
    vars: Vec<Bound<'o>>,
}

impl Cx<'_, '_> {
    fn bound_evidence(&self, rule: &Rule) -> Vec<BoundEvidence> {
        rule.bindings
            .iter()
            .zip(&self.vars)
            .map(|(b, v)| BoundEvidence {
                name: b.name.clone(),
                path: v.path.clone(),
                label: label_of(v.value),
            })
            .collect()
    }

    /// Resolves a path in the current bindings.
    fn resolve<'a>(&'a self, path: &'a PathRef) -> Vec<Reached<'a>> {
        let mut reached = Vec::new();
        let prefix = match path.base {
            Base::Order => {
                path.path.reach(&self.order.root, &mut reached);
                ""
            }
            Base::Var(i) => match self.vars.get(i) {
                Some(bound) => {
                    path.path.reach(bound.value, &mut reached);
                    bound.path.as_str()
                }
                None => "",
            },
        };
        reached
            .into_iter()
            .map(|r| Reached {
                loc: Loc::Path {
                    prefix,
                    trail: r.trail,
                },
                value: r.value.map(Cow::Borrowed),
                row: None,
                parent: r.parent,
            })
            .collect()
    }

    fn order_date(&self, which: RateDate) -> Option<NaiveDate> {
        let get = |name: &str| match self.order.root.get(name) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        match which {
            RateDate::OrderDate => get("date"),
            RateDate::ShipDate => get("ship_date").or_else(|| get("date")),
        }
    }
}

fn label_of(value: &Value) -> String {
    match value {
        Value::Map(m) if m.contains_key("scheme") && m.contains_key("value") => format!(
            "{} {}",
            m.get("scheme").map(|v| v.to_string()).unwrap_or_default(),
            m.get("value").map(|v| v.to_string()).unwrap_or_default()
        ),
        Value::Map(m) => {
            let name = m.get("name").map(|v| v.to_string());
            let city = m.get("city").map(|v| v.to_string());
            let country = m.get("country").map(|v| v.to_string());
            let place = match (city, country) {
                (Some(c), Some(k)) => Some(format!("{c}, {k}")),
                (Some(c), None) => Some(c),
                (None, Some(k)) => Some(k),
                (None, None) => None,
            };
            match (name, place) {
                (Some(n), Some(p)) => format!("{n} ({p})"),
                (Some(n), None) => n,
                (None, Some(p)) => p,
                (None, None) => m
                    .get("sku")
                    .or_else(|| m.get("kind"))
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            }
        }
        other => other.to_string(),
    }
}

fn bind<'o>(
    rule: &Rule,
    depth: usize,
    cx: &mut Cx<'o, '_>,
    visit: &mut dyn FnMut(&Cx<'o, '_>),
    walk: &mut Walk,
) {
    if walk.overflow {
        return;
    }
    let Some(binding) = rule.bindings.get(depth) else {
        walk.count = walk.count.saturating_add(1);
        if walk.count > walk.limit {
            walk.overflow = true;
            return;
        }
        visit(cx);
        return;
    };
    let mut elements: Vec<(String, &'o Value)> = Vec::new();
    for source in &binding.sources {
        let mut found = Vec::new();
        let prefix = match source.base {
            Base::Order => {
                source.path.reach(&cx.order.root, &mut found);
                ""
            }
            Base::Var(i) => match cx.vars.get(i) {
                Some(bound) => {
                    source.path.reach(bound.value, &mut found);
                    bound.path.as_str()
                }
                None => "",
            },
        };
        elements.extend(
            found
                .into_iter()
                .filter_map(|r| r.value.map(|v| (r.trail.concrete(prefix), v))),
        );
    }
    if elements.is_empty() && depth < 64 {
        walk.empty |= 1 << depth;
    }
    for (path, value) in elements {
        cx.vars.push(Bound { value, path });
        bind(rule, depth + 1, cx, visit, walk);
        cx.vars.pop();
        if walk.overflow {
            return;
        }
    }
}

/// A condition's outcome in one set of bindings.
#[derive(Debug, Clone)]
struct Outcome {
    truth: Truth,
    observations: Vec<Observation>,
    /// Rows of the list matched (for `@name.column` readers), by row index.
    rows: Vec<usize>,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            truth: Truth::Unknown,
            observations: Vec::new(),
            rows: Vec::new(),
        }
    }
}

fn evidence_of(rule: &Rule, outcomes: &[Outcome]) -> Vec<ConditionEvidence> {
    // Conditions in the order the expression names them, then any others.
    let mut order = Vec::new();
    rule.condition.leaves(&mut order);
    for e in &rule.escalations {
        e.condition.leaves(&mut order);
    }
    for i in 0..rule.conditions.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    order
        .into_iter()
        .filter_map(|i| {
            let c = rule.conditions.get(i)?;
            let o = outcomes.get(i)?;
            let mut observations = o.observations.clone();
            let more = observations.len().saturating_sub(MAX_OBSERVATIONS);
            // Keep the observations that decided the outcome first.
            observations.sort_by_key(|ob| if ob.holds == o.truth { 0 } else { 1 });
            observations.truncate(MAX_OBSERVATIONS);
            Some(ConditionEvidence {
                name: c.name.clone(),
                op: c.op_name.clone(),
                path: c.target.text(),
                truth: o.truth,
                observations,
                more,
            })
        })
        .collect()
}

fn eval_expr(expr: &Expr, outcomes: &[Outcome]) -> Truth {
    kleene(expr, &|i| {
        outcomes.get(i).map(|o| o.truth).unwrap_or(Truth::Unknown)
    })
}

/// Kleene's three-valued evaluation of a condition expression, given each
/// leaf's truth by condition index.
pub fn kleene<F: Fn(usize) -> Truth>(expr: &Expr, leaf: &F) -> Truth {
    match expr {
        Expr::Leaf(i) => leaf(*i),
        Expr::Not(inner) => kleene(inner, leaf).negate(),
        Expr::And(items) => {
            let mut result = Truth::True;
            for item in items {
                match kleene(item, leaf) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::True => {}
                }
            }
            result
        }
        Expr::Or(items) => {
            let mut result = Truth::False;
            for item in items {
                match kleene(item, leaf) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
    }
}

/// Where a reached value sits; its text is formatted only for evidence.
#[derive(Debug, Clone)]
enum Loc<'a> {
    /// Reached by a path, after the concrete path of the variable it starts from.
    Path { prefix: &'a str, trail: Trail<'a> },
    /// A cell of a matched list row, already in words.
    Row(String),
}

impl Loc<'_> {
    fn text(&self) -> String {
        match self {
            Loc::Path { prefix, trail } => trail.concrete(prefix),
            Loc::Row(text) => text.clone(),
        }
    }
}

/// A value a target reached: where, the value (or missing), the list row it came from, and
/// the object holding it (for the `currency` beside an amount).
#[derive(Debug, Clone)]
struct Reached<'a> {
    loc: Loc<'a>,
    value: Option<Cow<'a, Value>>,
    row: Option<usize>,
    parent: Option<&'a Value>,
}

fn values_of<'a>(
    target: &'a Target,
    cx: &'a Cx,
    outcomes: &[Outcome],
    done: &[bool],
) -> Result<Vec<Reached<'a>>, Truth> {
    match target {
        Target::Path(p) => Ok(cx.resolve(p)),
        Target::Row {
            condition,
            condition_name,
            column,
            list,
        } => {
            let Some(o) = outcomes
                .get(*condition)
                .filter(|_| done.get(*condition).copied().unwrap_or(false))
            else {
                return Err(Truth::Unknown);
            };
            if o.truth != Truth::True {
                // No matched row: the reader is as false (or unknown) as its source.
                return Err(o.truth);
            }
            let Some(table) = cx.engine.list(list) else {
                return Err(Truth::Unknown);
            };
            Ok(o.rows
                .iter()
                .filter_map(|&r| {
                    let row = table.rows.get(r)?;
                    let cell = table.cell(row, column)?;
                    let value =
                        (!cell.is_empty()).then(|| Cow::Owned(Value::Text(cell.to_string())));
                    Some(Reached {
                        loc: Loc::Row(format!(
                            "@{condition_name}.{column} ({list} line {})",
                            row.line
                        )),
                        value,
                        row: Some(r),
                        parent: None,
                    })
                })
                .collect())
        }
    }
}

fn row_evidence(table: &ListTable, index: usize) -> Option<RowEvidence> {
    let row = table.rows.get(index)?;
    Some(RowEvidence {
        list: table.meta.name.clone(),
        line: row.line,
        cells: table
            .columns
            .iter()
            .cloned()
            .zip(row.cells.iter().cloned())
            .collect(),
    })
}

fn eval_condition(
    c: &Condition,
    expected: &str,
    cx: &Cx,
    outcomes: &[Outcome],
    done: &[bool],
    evidence: bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    let values = match values_of(&c.target, cx, outcomes, done) {
        Ok(v) => v,
        Err(truth) => {
            outcome.truth = truth;
            if !evidence {
                return outcome;
            }
            outcome.observations.push(Observation {
                path: c.target.text(),
                seen: None,
                expected: expected.to_string(),
                holds: truth,
                row: None,
                note: Some(format!("depends on a condition that is {}", truth.as_str())),
                screening: None,
                comparison: None,
            });
            return outcome;
        }
    };
    // Operators that are never unknown look at presence itself.
    match &c.op {
        Op::Exists | Op::Missing | Op::Blank => {
            let present: Vec<&Reached> = values
                .iter()
                .filter(|Reached { value: v, .. }| v.as_deref().is_some_and(|v| !is_blank(v)))
                .collect();
            let truth = match c.op {
                Op::Exists => values.iter().any(|Reached { value: v, .. }| v.is_some()),
                Op::Missing => values.iter().all(|Reached { value: v, .. }| v.is_none()),
                _ => present.is_empty(),
            };
            outcome.truth = Truth::from_bool(truth);
            if !evidence {
                return outcome;
            }
            let path = values
                .first()
                .map(|Reached { loc, .. }| loc.text())
                .unwrap_or_else(|| c.target.text());
            outcome.observations.push(Observation {
                path,
                seen: values
                    .iter()
                    .find_map(|Reached { value: v, .. }| v.as_deref().map(display)),
                expected: expected.to_string(),
                holds: outcome.truth,
                row: None,
                note: None,
                screening: None,
                comparison: None,
            });
            return outcome;
        }
        Op::Count { cmp, n } => {
            let count: usize = values
                .iter()
                .map(|Reached { value: v, .. }| match v.as_deref() {
                    Some(Value::List(l)) => l.len(),
                    Some(Value::Map(m)) => m.len(),
                    Some(_) => 1,
                    None => 0,
                })
                .sum();
            outcome.truth = Truth::from_bool(cmp.holds((count as u64).cmp(n)));
            if !evidence {
                return outcome;
            }
            let comparison = Some(Comparison {
                cmp: *cmp,
                left: Quantity::Count(count as u64),
                right: Quantity::Count(*n),
                converted: None,
            });
            outcome.observations.push(Observation {
                path: values
                    .first()
                    .map(|Reached { loc, .. }| loc.text())
                    .unwrap_or_else(|| c.target.text()),
                seen: Some(format!(
                    "{count} member{}",
                    if count == 1 { "" } else { "s" }
                )),
                expected: expected.to_string(),
                holds: outcome.truth,
                row: None,
                note: None,
                screening: None,
                comparison,
            });
            return outcome;
        }
        _ => {}
    }
    let mut any_true = false;
    let mut any_false = false;
    let mut any_unknown = false;
    for Reached {
        loc,
        value,
        row: source_row,
        parent,
    } in &values
    {
        let Some(value) = value.as_deref() else {
            let holds = match c.if_missing {
                Some(b) => Truth::from_bool(b),
                None => Truth::Unknown,
            };
            match holds {
                Truth::True => any_true = true,
                Truth::False => any_false = true,
                Truth::Unknown => any_unknown = true,
            }
            if !evidence {
                continue;
            }
            outcome.observations.push(Observation {
                path: loc.text(),
                seen: None,
                expected: expected.to_string(),
                holds,
                row: None,
                note: Some(match c.if_missing {
                    Some(b) => format!("is missing, which this rule counts as {b}"),
                    None => "is missing".into(),
                }),
                screening: None,
                comparison: None,
            });
            continue;
        };
        let mut check = test_value(c, value, (loc, *parent), cx, (outcomes, done), evidence);
        match check.truth {
            Truth::True => {
                any_true = true;
                outcome.rows.extend(check.rows.iter().copied());
            }
            Truth::False => any_false = true,
            Truth::Unknown => any_unknown = true,
        }
        if !evidence {
            continue;
        }
        if check.row.is_none() {
            if let (Some(r), Target::Row { list, .. }) = (source_row, &c.target) {
                check.row = cx.engine.list(list).and_then(|t| row_evidence(t, *r));
            }
        }
        let seen = match c.op {
            // A party or identifier is shown by its name or number, not as a whole object.
            Op::Screen(_) | Op::InvalidId => label_of(value),
            _ => display(value),
        };
        outcome.observations.push(Observation {
            path: loc.text(),
            seen: Some(seen),
            expected: expected.to_string(),
            holds: check.truth,
            row: check.row,
            note: check.note,
            screening: check.screening,
            comparison: check.comparison,
        });
    }
    if values.is_empty() {
        // An empty list under `[*]`: nothing to test.
        outcome.truth = match c.quantifier {
            Quantifier::Any => Truth::False,
            Quantifier::All => Truth::True,
        };
        return outcome;
    }
    outcome.truth = match c.quantifier {
        Quantifier::Any if any_true => Truth::True,
        Quantifier::Any if any_unknown => Truth::Unknown,
        Quantifier::Any => Truth::False,
        Quantifier::All if any_false => Truth::False,
        Quantifier::All if any_unknown => Truth::Unknown,
        Quantifier::All => Truth::True,
    };
    if c.quantifier == Quantifier::All && outcome.truth != Truth::True {
        outcome.rows.clear();
    }
    outcome
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Text(t) => t.trim().is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn display(value: &Value) -> String {
    value.to_string()
}

/// The result of testing one value.
struct Check {
    truth: Truth,
    row: Option<RowEvidence>,
    rows: Vec<usize>,
    note: Option<String>,
    screening: Option<Box<ScreeningEvidence>>,
    comparison: Option<Comparison>,
}

impl Check {
    fn of(truth: Truth) -> Check {
        Check {
            truth,
            row: None,
            rows: Vec::new(),
            note: None,
            screening: None,
            comparison: None,
        }
    }
    fn unknown(note: String) -> Check {
        Check {
            note: Some(note),
            ..Check::of(Truth::Unknown)
        }
    }
}

fn text_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Text(t) => Some(Cow::Borrowed(t)),
        Value::Number(n) => Some(Cow::Owned(n.normalize().to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        Value::Date(d) => Some(Cow::Owned(d.format("%Y-%m-%d").to_string())),
        _ => None,
    }
}

fn test_value(
    c: &Condition,
    value: &Value,
    at: (&Loc, Option<&Value>),
    cx: &Cx,
    (outcomes, done): (&[Outcome], &[bool]),
    evidence: bool,
) -> Check {
    match &c.op {
        Op::Compare {
            cmp,
            operand,
            case_sensitive,
            offset,
            rate_date,
        } => {
            let shape = c.target.shape();
            let others: Vec<Cow<Value>> = match operand {
                Operand::Literal(l) => vec![Cow::Owned(literal_value(l))],
                Operand::Field(t) => match values_of(t, cx, outcomes, done) {
                    Ok(v) => {
                        let present: Vec<Cow<Value>> = v
                            .into_iter()
                            .filter_map(|Reached { value: v, .. }| v)
                            .collect();
                        if present.is_empty() {
                            return Check::unknown(format!(
                                "cannot be compared: `{}` is missing",
                                t.text()
                            ));
                        }
                        present
                    }
                    Err(t) => return Check::of(t),
                },
            };
            let mut result = Check::of(Truth::False);
            for other in others {
                let check = if shape == crate::order::Shape::Money {
                    compare_money(*cmp, value, at.1, &other, operand, cx, *rate_date, evidence)
                } else {
                    compare_values(*cmp, value, &other, *case_sensitive, *offset)
                };
                match check.truth {
                    Truth::True => return check,
                    Truth::Unknown => result = check,
                    Truth::False => {
                        if result.truth == Truth::False {
                            result = check
                        }
                    }
                }
            }
            result
        }
        Op::In { values } => {
            let mut any = false;
            for l in values {
                let t = compare_values(Cmp::Eq, value, &literal_value(l), false, None);
                if t.truth == Truth::True {
                    any = true;
                    break;
                }
            }
            Check::of(Truth::from_bool(any))
        }
        Op::InList { list, column, also } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let Some(table) = cx.engine.list(list) else {
                return Check::unknown(format!("list `{list}` is not loaded"));
            };
            let empty = Vec::new();
            let candidates = cx
                .engine
                .index(list, column)
                .and_then(|idx| idx.get(&fold(&text)))
                .unwrap_or(&empty);
            let mut matched = Vec::new();
            let mut unknown_note = None;
            for &r in candidates {
                let Some(row) = table.rows.get(r) else {
                    continue;
                };
                let mut row_truth = Truth::True;
                for (col, target) in also {
                    let want = table.cell(row, col).map(fold).unwrap_or_default();
                    let got = match values_of(target, cx, outcomes, done) {
                        Ok(v) => v,
                        Err(t) => {
                            row_truth = t;
                            break;
                        }
                    };
                    let present: Vec<String> = got
                        .iter()
                        .filter_map(|Reached { value: v, .. }| {
                            v.as_deref().and_then(text_of).map(|t| fold(&t))
                        })
                        .collect();
                    if present.is_empty() {
                        row_truth = Truth::Unknown;
                        unknown_note = Some(format!(
                            "matched `{}` in `{list}` but `{}` is missing",
                            text,
                            target.text()
                        ));
                        continue;
                    }
                    if !present.contains(&want) {
                        row_truth = Truth::False;
                        break;
                    }
                }
                match row_truth {
                    Truth::True => matched.push(r),
                    Truth::Unknown => {}
                    Truth::False => {}
                }
            }
            if !matched.is_empty() {
                return Check {
                    truth: Truth::True,
                    row: if evidence {
                        row_evidence(table, matched[0])
                    } else {
                        None
                    },
                    rows: matched,
                    note: None,
                    screening: None,
                    comparison: None,
                };
            }
            match unknown_note {
                Some(note) => Check::unknown(note),
                None => Check::of(Truth::False),
            }
        }
        Op::InField { field } => {
            let set = match values_of(field, cx, outcomes, done) {
                Ok(v) => v,
                Err(t) => return Check::of(t),
            };
            let members: Vec<&Value> = set
                .iter()
                .filter_map(|Reached { value: v, .. }| v.as_deref())
                .flat_map(|v| match v {
                    Value::List(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                })
                .collect();
            if set.iter().all(|Reached { value: v, .. }| v.is_none()) {
                return Check::unknown(format!(
                    "cannot be looked up: `{}` is missing",
                    field.text()
                ));
            }
            let hit = members
                .iter()
                .any(|m| compare_values(Cmp::Eq, value, m, false, None).truth == Truth::True);
            Check::of(Truth::from_bool(hit))
        }
        Op::Matches { regex } => match text_of(value) {
            Some(t) => Check::of(Truth::from_bool(regex.is_match(&t))),
            None => Check::unknown(format!("is {}, not text", value.kind())),
        },
        Op::MatchesList {
            list,
            column: _,
            set,
        } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            list_hit(cx, list, set.matches(&text).into_iter().collect(), evidence)
        }
        Op::ContainsAny { members, set } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let hits: Vec<usize> = set.matches(&text).into_iter().collect();
            match members {
                Members::List { list, .. } => list_hit(cx, list, hits, evidence),
                Members::Values(words) => {
                    let mut check = Check::of(Truth::from_bool(!hits.is_empty()));
                    if let Some(&first) = hits.first() {
                        check.note = words.get(first).map(|w| format!("contains `{w}`"));
                    }
                    check
                }
            }
        }
        Op::StartsWith { members } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let folded = fold(&text);
            match members {
                Members::Values(prefixes) => {
                    let hit = prefixes.iter().find(|p| folded.starts_with(&fold(p)));
                    let mut check = Check::of(Truth::from_bool(hit.is_some()));
                    check.note = hit.map(|p| format!("starts with `{p}`"));
                    check
                }
                Members::List { list, column } => {
                    let Some(index) = cx.engine.index(list, column) else {
                        return Check::unknown(format!("list `{list}` is not loaded"));
                    };
                    // Longest prefix first, so a 6-digit CHPL code wins over a chapter.
                    let mut rows = Vec::new();
                    for end in (1..=folded.len()).rev() {
                        if let Some(found) = folded.get(..end).and_then(|p| index.get(p)) {
                            rows.extend(found.iter().copied());
                        }
                    }
                    list_hit(cx, list, rows, evidence)
                }
            }
        }
        Op::Within {
            field,
            months,
            days,
        } => {
            let Value::Date(a) = value else {
                return Check::unknown(format!("is {}, not a date", value.kind()));
            };
            let others = match values_of(field, cx, outcomes, done) {
                Ok(v) => v,
                Err(t) => return Check::of(t),
            };
            let mut result =
                Check::unknown(format!("cannot be compared: `{}` is missing", field.text()));
            for Reached { value: other, .. } in others {
                let Some(Value::Date(b)) = other.as_deref() else {
                    continue;
                };
                let (lo, hi) = if a <= b { (*a, *b) } else { (*b, *a) };
                let limit = u32::try_from(*months)
                    .ok()
                    .and_then(|m| lo.checked_add_months(Months::new(m)))
                    .zip(chrono::Duration::try_days(*days))
                    .and_then(|(d, span)| d.checked_add_signed(span));
                let holds = limit.is_some_and(|limit| hi <= limit);
                let mut check = Check::of(Truth::from_bool(holds));
                if evidence {
                    check.note = Some(format!("{} days apart", (hi - lo).num_days()));
                }
                if holds {
                    return check;
                }
                result = check;
            }
            result
        }
        Op::IsTrue | Op::IsFalse => {
            let want = matches!(c.op, Op::IsTrue);
            match value {
                Value::Bool(b) => Check::of(Truth::from_bool(*b == want)),
                Value::Text(t) => match t.to_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" | "x" => Check::of(Truth::from_bool(want)),
                    "false" | "no" | "n" | "0" => Check::of(Truth::from_bool(!want)),
                    _ => Check::unknown(format!("= `{t}` is not a yes/no answer")),
                },
                other => Check::unknown(format!("is {}, not a boolean", other.kind())),
            }
        }
        Op::Screen(spec) => screen_party(spec, value, at.0, cx),
        Op::InvalidId => check_id(value),
        Op::Exists | Op::Missing | Op::Blank | Op::Count { .. } => Check::of(Truth::Unknown),
    }
}

/// Screens one party (an order object with `name`, `aliases`, `country`, `address`, `ids`).
fn screen_party(spec: &ScreenSpec, value: &Value, loc: &Loc, cx: &Cx) -> Check {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    let Value::Map(party) = value else {
        return Check::unknown("is not a party".into());
    };
    let text = |key: &str| party.get(key).and_then(Value::as_text).map(str::to_string);
    let name = text("name").unwrap_or_default();
    let ids: Vec<(String, String)> = match party.get("ids") {
        Some(Value::List(ids)) => ids
            .iter()
            .filter_map(|id| match id {
                Value::Map(m) => Some((
                    m.get("scheme").and_then(Value::as_text)?.to_string(),
                    m.get("value").and_then(Value::as_text)?.to_string(),
                )),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    // Without lists nothing was screened (and `check` says so once); with lists, a party
    // that cannot be screened must not pass as clear.
    let Some(screener) = cx.engine.screener.as_deref() else {
        return Check {
            note: Some("was not screened: no screening list was given".into()),
            ..Check::of(Truth::False)
        };
    };
    if name.trim().is_empty() && ids.is_empty() {
        return Check::unknown("has no name or identifier to screen".into());
    }
    // A placeholder (`-`, `***`, an invisible character) is no name: screening it would find
    // nothing and let the party pass, so without an identifier the party cannot be screened.
    let screenable = |text: &str| {
        !screening::normalize(text, screening::EntryKind::Unknown)
            .folded
            .trim()
            .is_empty()
    };
    let aliases_screenable = match party.get("aliases") {
        Some(Value::List(a)) => a.iter().filter_map(Value::as_text).any(screenable),
        _ => false,
    };
    if !screenable(&name) && !aliases_screenable && ids.is_empty() {
        return Check::unknown(format!(
            "has no name that can be screened (`{name}` has no letter or digit) and no identifier"
        ));
    }
    let query = Query {
        name,
        aliases: match party.get("aliases") {
            Some(Value::List(a)) => a
                .iter()
                .filter_map(Value::as_text)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        },
        country: text("country"),
        ids,
        kind: None,
        address: text("address"),
    };
    let shipment_date = cx.order_date(RateDate::ShipDate);
    let min = spec.min_score.to_f64().unwrap_or(1.0);
    let status_of = |entry: &screening::Entry| match shipment_date {
        None => ListingStatus::OrderUndated,
        Some(date) => match entry.listed_at(date) {
            ListedAt::ListedBefore => ListingStatus::AtShipment,
            ListedAt::ListedAfter => ListingStatus::AfterShipment,
            ListedAt::Unknown => ListingStatus::Undated,
            ListedAt::Expired => ListingStatus::Ended,
        },
    };
    // The same party is screened by several rules (match, near miss, lookback): once per order.
    let key = format!(
        "{}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        query.name, query.aliases, query.country, query.ids, query.address
    );
    let cached = cx.screened.borrow().get(&key).cloned();
    let matches = match cached {
        Some(m) => m,
        None => {
            let m = Arc::new(screener.screen(&query, cx.engine.screen_floor.min(min)));
            cx.screened.borrow_mut().insert(key, m.clone());
            m
        }
    };
    // Each match at or above the condition's score either counts, or is set aside for a
    // reason the why-not names (the nearest such entry).
    let mut kept: Vec<(screening::Match, ListingStatus)> = Vec::new();
    let mut set_aside: Option<String> = None;
    for m in matches.iter().filter(|m| m.score >= min) {
        let Some(entry) = screener.entries().get(m.entry_index) else {
            continue;
        };
        let status = status_of(entry);
        let in_lists = spec.lists.is_empty()
            || spec.lists.iter().any(|l| {
                l.eq_ignore_ascii_case(&entry.list) || l.eq_ignore_ascii_case(&entry.source)
            });
        let basis_ok = match spec.match_on {
            MatchOn::Any => true,
            MatchOn::Id => matches!(m.matched_on, MatchedOn::Id { .. }),
            MatchOn::Name => !matches!(m.matched_on, MatchedOn::Id { .. }),
        };
        // Undated listings and undated orders count as listed at shipment: an unknown date
        // must not clear a party.
        let listed_ok = match spec.listed {
            ListedFilter::Any => true,
            ListedFilter::AtShipment => matches!(
                status,
                ListingStatus::AtShipment | ListingStatus::Undated | ListingStatus::OrderUndated
            ),
            ListedFilter::AfterShipment => status == ListingStatus::AfterShipment,
        };
        let why_not = match (cx.engine.as_of, entry.listed_on) {
            (Some(as_of), Some(listed)) if listed > as_of => {
                Some(format!("listed {listed}, after the as-of date {as_of}"))
            }
            _ if !in_lists => Some(format!("on list `{}`, not one this rule uses", entry.list)),
            _ if !basis_ok => Some(format!(
                "matched on {}, which this rule does not count",
                match m.matched_on {
                    MatchedOn::Id { .. } => "an identifier",
                    _ => "a name",
                }
            )),
            _ if !listed_ok => Some(match entry.listed_on {
                Some(d) => format!("{} ({d})", status.as_str()),
                None => status.as_str().to_string(),
            }),
            _ => None,
        };
        match why_not {
            None => kept.push((m.clone(), status)),
            Some(reason) if set_aside.is_none() => {
                set_aside = Some(format!(
                    "nearest entry {} `{}` of {} scores {:.3} but is {reason}",
                    entry.entry_id, entry.primary_name, entry.list, m.score
                ));
            }
            Some(_) => {}
        }
    }
    if kept.is_empty() {
        return Check {
            note: set_aside,
            ..Check::of(Truth::False)
        };
    }
    let Some((best, status)) = kept.first() else {
        return Check::of(Truth::False);
    };
    let mut score = Decimal::from_f64(best.score)
        .unwrap_or(Decimal::ZERO)
        .round_dp(3);
    score.rescale(3);
    if let Some(below) = spec.below_score {
        if score >= below {
            return Check {
                note: Some(format!(
                    "best match `{}` scores {score}, at or above {below}: a stronger rule covers it",
                    best.entry_id
                )),
                ..Check::of(Truth::False)
            };
        }
    }
    let Some(entry) = screener.entries().get(best.entry_index) else {
        return Check::unknown("matched an entry that is not in the index".into());
    };
    let basis = match &best.matched_on {
        MatchedOn::Name => MatchBasis::Name,
        MatchedOn::Alias(a) => MatchBasis::Alias(a.clone()),
        MatchedOn::Id { scheme, value } => MatchBasis::Id {
            scheme: scheme.clone(),
            value: value.clone(),
        },
    };
    Check {
        screening: Some(Box::new(ScreeningEvidence {
            role: loc.text(),
            party: query.name.clone(),
            list: entry.list.clone(),
            source: entry.source.clone(),
            entry_id: entry.entry_id.clone(),
            primary_name: entry.primary_name.clone(),
            programs: entry.programs.clone(),
            listed_on: entry.listed_on,
            ends_on: entry.ends_on,
            shipment_date,
            status: *status,
            basis,
            score,
            query_normalized: best.query_normalized.clone(),
            entry_normalized: best.entry_normalized.clone(),
            country_match: best.country_match,
            other_matches: kept.len() - 1,
        })),
        ..Check::of(Truth::True)
    }
}

/// Tests a party identifier's check digits: wrong digits are a red flag of their own (a
/// made-up or mistyped tax number).
fn check_id(value: &Value) -> Check {
    let Value::Map(id) = value else {
        return Check::unknown("is not a `{ scheme, value }` identifier".into());
    };
    let get = |key: &str| id.get(key).and_then(Value::as_text);
    let (Some(scheme), Some(number)) = (get("scheme"), get("value")) else {
        return Check::unknown("has no `scheme` or no `value`".into());
    };
    match screening::validate(scheme, number) {
        IdCheck::Invalid { reason } => Check {
            note: Some(reason),
            ..Check::of(Truth::True)
        },
        IdCheck::Valid => Check::of(Truth::False),
        IdCheck::Unchecked => Check {
            note: Some(format!(
                "scheme `{scheme}` has no check digit redflag knows"
            )),
            ..Check::of(Truth::False)
        },
    }
}

fn list_hit(cx: &Cx, list: &str, mut rows: Vec<usize>, evidence: bool) -> Check {
    rows.dedup();
    if rows.is_empty() {
        return Check::of(Truth::False);
    }
    let row = if evidence {
        cx.engine.list(list).and_then(|t| row_evidence(t, rows[0]))
    } else {
        None
    };
    Check {
        truth: Truth::True,
        row,
        rows,
        note: None,
        screening: None,
        comparison: None,
    }
}

fn literal_value(l: &Literal) -> Value {
    match l {
        Literal::Text(t) => Value::Text(t.clone()),
        Literal::Number(n) => Value::Number(*n),
        Literal::Money(n, _) => Value::Number(*n),
        Literal::Date(d) => Value::Date(*d),
        Literal::Bool(b) => Value::Bool(*b),
    }
}

fn shift(date: NaiveDate, offset: Option<DateOffset>) -> Option<NaiveDate> {
    let Some(offset) = offset else {
        return Some(date);
    };
    let moved = if offset.months >= 0 {
        date.checked_add_months(Months::new(offset.months as u32))
    } else {
        date.checked_sub_months(Months::new(offset.months.unsigned_abs()))
    }?;
    moved.checked_add_signed(chrono::Duration::try_days(offset.days)?)
}

fn compare_values(
    cmp: Cmp,
    left: &Value,
    right: &Value,
    case_sensitive: bool,
    offset: Option<DateOffset>,
) -> Check {
    use std::cmp::Ordering;
    let mut sides: Option<(Quantity, Quantity)> = None;
    let ordering: Option<Ordering> = match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            sides = Some((Quantity::Number(*a), Quantity::Number(*b)));
            Some(a.cmp(b))
        }
        (Value::Date(a), Value::Date(b)) => match shift(*b, offset) {
            Some(b) => {
                sides = Some((Quantity::Date(*a), Quantity::Date(b)));
                Some(a.cmp(&b))
            }
            None => return Check::unknown("date offset out of range".into()),
        },
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(if case_sensitive {
            a.trim().cmp(b.trim())
        } else {
            fold(a).cmp(&fold(b))
        }),
        // Attribute values arrive as text from CSV: read them as the literal's type.
        (Value::Text(a), Value::Number(b)) => {
            crate::rules::validate::parse_decimal(a.trim()).map(|a| {
                sides = Some((Quantity::Number(a), Quantity::Number(*b)));
                a.cmp(b)
            })
        }
        (Value::Text(a), Value::Bool(b)) => match a.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" | "x" => Some(true.cmp(b)),
            "false" | "no" | "0" => Some(false.cmp(b)),
            _ => None,
        },
        (Value::Number(a), Value::Text(b)) => {
            Some(a.normalize().to_string().cmp(&b.trim().to_string()))
        }
        _ => None,
    };
    match ordering {
        Some(o) => Check {
            comparison: sides.map(|(left, right)| Comparison {
                cmp,
                left,
                right,
                converted: None,
            }),
            ..Check::of(Truth::from_bool(cmp.holds(o)))
        },
        None => Check::unknown(format!(
            "is {} and cannot be compared with {}",
            left.kind(),
            right.kind()
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn compare_money(
    cmp: Cmp,
    amount: &Value,
    holder: Option<&Value>,
    other: &Value,
    operand: &Operand,
    cx: &Cx,
    rate_date: RateDate,
    evidence: bool,
) -> Check {
    let Value::Number(amount) = amount else {
        return Check::unknown(format!("is {}, not an amount", amount.kind()));
    };
    let Some(currency) = holder
        .and_then(|h| h.get("currency"))
        .and_then(Value::as_text)
        .map(str::to_string)
    else {
        return Check::unknown("has no `currency` beside it".into());
    };
    let (threshold, threshold_currency) = match (operand, other) {
        (Operand::Literal(Literal::Money(n, cur)), _) => (*n, cur.clone()),
        (_, Value::Number(n)) => (*n, currency.clone()),
        _ => return Check::unknown(format!("cannot compare an amount with {}", other.kind())),
    };
    let Some(date) = cx.order_date(rate_date) else {
        return Check::unknown("cannot be converted: the order has no date".into());
    };
    let Some(rates) = cx.engine.pack.rates.as_ref() else {
        return Check::unknown("cannot be converted: the pack has no rates table".into());
    };
    // The rate's words are formatted only when the comparison is kept as evidence.
    let convert = |value: Decimal, cur: &str| -> Result<(Decimal, String), String> {
        match rates.rate(cur, date) {
            Some(rate) => Ok((
                value.checked_div(rate.per_base).ok_or_else(|| {
                    format!(
                        "cannot be converted: {} {cur} at {} per {} is beyond the largest amount redflag can hold",
                        value.normalize(),
                        rate.per_base.normalize(),
                        rates.base
                    )
                })?,
                if cur == rates.base || !evidence {
                    String::new()
                } else {
                    format!("{cur} {} per {} from {} (rates line {})", rate.per_base.normalize(), rates.base, rate.valid_from, rate.line)
                },
            )),
            None => Err(format!("cannot be converted: no `{cur}` rate on or before {date} in the rates table (as of {})", rates.meta.as_of)),
        }
    };
    let (left, left_note) = match convert(*amount, &currency) {
        Ok(v) => v,
        Err(note) => return Check::unknown(note),
    };
    let (right, right_note) = match convert(threshold, &threshold_currency) {
        Ok(v) => v,
        Err(note) => return Check::unknown(note),
    };
    let mut check = Check::of(Truth::from_bool(cmp.holds(left.cmp(&right))));
    if !evidence {
        return check;
    }
    check.comparison = Some(Comparison {
        cmp,
        left: Quantity::Money(*amount, currency.clone()),
        right: Quantity::Money(threshold, threshold_currency.clone()),
        converted: Some((left, right, rates.base.clone())),
    });
    let notes: Vec<String> = [left_note, right_note]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    check.note = Some(format!(
        "{} {currency} = {} {}{}",
        amount.normalize(),
        left.round_dp(2).normalize(),
        rates.base,
        if notes.is_empty() {
            String::new()
        } else {
            format!(" at {}", notes.join("; "))
        }
    ));
    check
}

/// What a condition expects, in words; formatted once per condition when the
/// engine is built, since it is the same for every order.
fn expected_text(c: &Condition, pack: &RulePack) -> String {
    let list_meta = |name: &str| {
        pack.lists
            .get(name)
            .map(|l| format!("list `{name}` (as of {})", l.meta.as_of))
            .unwrap_or_else(|| format!("list `{name}`"))
    };
    match &c.op {
        Op::Compare {
            cmp,
            operand,
            offset,
            ..
        } => {
            let rhs = match operand {
                Operand::Literal(l) => format!("`{l}`"),
                Operand::Field(t) => format!("`{}`", t.text()),
            };
            let off = offset.map(|o| format!(" {o}")).unwrap_or_default();
            format!("{} {rhs}{off}", cmp.symbol())
        }
        Op::In { values } => format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::InList { list, column, also } => {
            let extra = if also.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    also.iter()
                        .map(|(c, t)| format!("`{c}` = `{}`", t.text()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!("a `{column}` in {}{extra}", list_meta(list))
        }
        Op::InField { field } => format!("a member of `{}`", field.text()),
        Op::Matches { regex } => format!("matches `{}`", regex.as_str()),
        Op::MatchesList { list, .. } => format!("matches a pattern in {}", list_meta(list)),
        Op::ContainsAny {
            members: Members::List { list, .. },
            ..
        } => format!("contains a word from {}", list_meta(list)),
        Op::ContainsAny {
            members: Members::Values(v),
            ..
        } => format!(
            "contains one of {}",
            v.iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::StartsWith {
            members: Members::List { list, column },
        } => format!("starts with a `{column}` in {}", list_meta(list)),
        Op::StartsWith {
            members: Members::Values(v),
        } => format!(
            "starts with one of {}",
            v.iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Within {
            field,
            months,
            days,
        } => {
            let span = match (months, days) {
                (0, d) => format!("{d} days"),
                (m, 0) => format!("{m} months"),
                (m, d) => format!("{m} months {d} days"),
            };
            format!("within {span} of `{}`", field.text())
        }
        Op::Exists => "present".into(),
        Op::Missing => "missing".into(),
        Op::Blank => "missing or blank".into(),
        Op::Count { cmp, n } => format!("count {} {n}", cmp.symbol()),
        Op::IsTrue => "true".into(),
        Op::IsFalse => "false".into(),
        Op::Screen(spec) => {
            let lists = if spec.lists.is_empty() {
                "any screening list".to_string()
            } else {
                format!(
                    "screening list {}",
                    spec.lists
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            let basis = match spec.match_on {
                MatchOn::Any => "a match",
                MatchOn::Id => "an identifier match",
                MatchOn::Name => "a name match",
            };
            let band = match spec.below_score {
                Some(below) => format!("scoring from {} to below {below}", spec.min_score),
                None => format!("scoring at least {}", spec.min_score),
            };
            let listed = match spec.listed {
                ListedFilter::AtShipment => ", listed at shipment",
                ListedFilter::AfterShipment => ", listed only after shipment",
                ListedFilter::Any => "",
            };
            format!("{basis} in {lists} {band}{listed}")
        }
        Op::InvalidId => "an identifier whose check digits are wrong".into(),
    }
}

fn render(template: &Template, cx: &Cx, outcomes: &[Outcome]) -> String {
    let done = vec![true; outcomes.len()];
    let mut out = String::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(i) => match cx.vars.get(*i) {
                Some(b) => out.push_str(&label_of(b.value)),
                None => out.push_str("(none)"),
            },
            Piece::Value(target) => match values_of(target, cx, outcomes, &done) {
                Ok(values) => {
                    let shown: Vec<String> = values
                        .iter()
                        .filter_map(|Reached { value: v, .. }| v.as_deref().map(display))
                        .collect();
                    let mut unique: Vec<String> = Vec::new();
                    for s in shown {
                        if !unique.contains(&s) {
                            unique.push(s);
                        }
                    }
                    if unique.is_empty() {
                        out.push_str("(missing)");
                    } else {
                        out.push_str(&unique.join(", "));
                    }
                }
                Err(_) => out.push_str("(none)"),
            },
        }
    }
    out
}
