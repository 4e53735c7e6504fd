//! How often each rule fired and each condition held over a set of orders.
//!
//! A rule's outcome on an order is the engine's own judgement (fired,
//! undecided, or no finding). A condition's outcome on an order is taken over
//! every set of bindings, the way a rule's is: true if it held for some set,
//! else unknown if it was unknown for some, else false; "unbound" when the
//! rule had no set of bindings at all (a `for_each` over an empty list), so
//! the condition was never evaluated. On an order with more sets of bindings
//! than the engine's limit, conditions are counted over the sets traced
//! before it. Counts are sums, so tallies of batches judged in parallel merge
//! into the same result in any order.

use crate::engine::Engine;
use crate::findings::{FindingKind, Truth};
use crate::order::{Order, Record};
use crate::rules::RulePack;

/// One condition's outcomes, in orders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConditionCounts {
    /// The condition's name.
    pub name: String,
    /// Orders where it held for some set of bindings.
    pub held: usize,
    /// Orders where it failed for every set.
    pub failed: usize,
    /// Orders where it held for none and was unknown for some.
    pub unknown: usize,
    /// Orders where the rule had no set of bindings.
    pub unbound: usize,
}

/// One rule's outcomes, in orders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleCounts {
    /// Rule id.
    pub id: String,
    /// Orders it fired on.
    pub fired: usize,
    /// Orders it gave no finding on.
    pub not_fired: usize,
    /// Orders it could not decide.
    pub undecided: usize,
    /// Its conditions, in the rule's order.
    pub conditions: Vec<ConditionCounts>,
}

/// Outcomes of every rule of a pack over the orders judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Records read.
    pub read: usize,
    /// Orders judged.
    pub judged: usize,
    /// Records that could not be read (not judged).
    pub rejected: usize,
    /// Rules sorted by id, as in the pack.
    pub rules: Vec<RuleCounts>,
}

impl Outcomes {
    /// All counts zero, one row per rule and condition of the pack.
    pub fn new(pack: &RulePack) -> Outcomes {
        Outcomes {
            read: 0,
            judged: 0,
            rejected: 0,
            rules: pack
                .rules
                .iter()
                .map(|r| RuleCounts {
                    id: r.id.clone(),
                    conditions: r
                        .conditions
                        .iter()
                        .map(|c| ConditionCounts {
                            name: c.name.clone(),
                            ..ConditionCounts::default()
                        })
                        .collect(),
                    ..RuleCounts::default()
                })
                .collect(),
        }
    }

    /// Counts one record; an unreadable one is only counted as rejected.
    pub fn add(&mut self, engine: &Engine, record: &Record) {
        self.read += 1;
        match record {
            Record::Error(_) => self.rejected += 1,
            Record::Order(order) => {
                self.judged += 1;
                self.add_order(engine, order);
            }
        }
    }

    fn add_order(&mut self, engine: &Engine, order: &Order) {
        let judgement = engine.judge_order(order);
        for rule in &mut self.rules {
            match judgement.findings.iter().find(|f| f.rule.id == rule.id) {
                Some(f) if f.kind == FindingKind::Fired => rule.fired += 1,
                Some(_) => rule.undecided += 1,
                None => rule.not_fired += 1,
            }
            let traces = engine
                .trace(&rule.id, order)
                .map(|t| t.combinations)
                .unwrap_or_default();
            for condition in &mut rule.conditions {
                let mut truth = None;
                for trace in &traces {
                    let Some(c) = trace.conditions.iter().find(|c| *c.name == *condition.name)
                    else {
                        continue;
                    };
                    truth = Some(match (truth, c.truth) {
                        (_, Truth::True) | (Some(Truth::True), _) => Truth::True,
                        (_, Truth::Unknown) | (Some(Truth::Unknown), _) => Truth::Unknown,
                        _ => Truth::False,
                    });
                }
                match truth {
                    Some(Truth::True) => condition.held += 1,
                    Some(Truth::False) => condition.failed += 1,
                    Some(Truth::Unknown) => condition.unknown += 1,
                    None => condition.unbound += 1,
                }
            }
        }
    }

    /// Adds another tally of the same pack.
    pub fn merge(&mut self, other: &Outcomes) {
        self.read += other.read;
        self.judged += other.judged;
        self.rejected += other.rejected;
        for (mine, theirs) in self.rules.iter_mut().zip(&other.rules) {
            mine.fired += theirs.fired;
            mine.not_fired += theirs.not_fired;
            mine.undecided += theirs.undecided;
            for (a, b) in mine.conditions.iter_mut().zip(&theirs.conditions) {
                a.held += b.held;
                a.failed += b.failed;
                a.unknown += b.unknown;
                a.unbound += b.unbound;
            }
        }
    }

    /// The counts of one rule.
    pub fn rule(&self, id: &str) -> Option<&RuleCounts> {
        self.rules.iter().find(|r| r.id == id)
    }
}
