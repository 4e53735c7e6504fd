//! What each rule of a pack cost over a run (`check --profile`), as OPA's `--profile` and
//! Semgrep's `--time` show a policy's or a rule's share: time spent judging it, and counts of
//! the work it did. The counts are the same for any thread count and any batch order (each is
//! a sum over orders, and what an order's rules share is kept per order); the times are not.
//!
//! Collected only when asked for ([`Engine::with_profile`]): each order keeps its own row per
//! rule and adds it to the run's once, so the threads of a run meet once per order.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::Engine;

/// What one rule cost over the orders judged so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RuleCost {
    /// The rule's id.
    pub rule_id: String,
    /// Orders the rule was judged on (a rule not in force yet on `--as-of` is not).
    pub orders: u64,
    /// Conditions evaluated afresh while walking its combinations.
    pub evaluated: u64,
    /// Conditions answered from what another rule, or another combination of this one,
    /// found on the same order (`memo`).
    pub from_memo: u64,
    /// Combinations that were not ruled out while walking: each is tested whole, and those
    /// that fire or stand undecided are tallied.
    pub combinations: u64,
    /// Findings the rule gave.
    pub findings: u64,
    /// Time spent judging the rule, in nanoseconds, summed over threads; screening the
    /// parties it was first to ask for is counted apart ([`Profile::screening`]).
    pub nanos: u64,
}

/// What screening parties against the `--list` entries cost: the name matching of the index,
/// once per distinct party of an order, whichever rule asked first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScreeningCost {
    /// Parties screened (each distinct party once per order).
    pub parties: u64,
    /// Time spent screening them, in nanoseconds, summed over threads.
    pub nanos: u64,
}

impl ScreeningCost {
    /// One more party screened, which began at `started`.
    pub(super) fn add(self, started: Instant) -> ScreeningCost {
        self.plus(ScreeningCost {
            parties: 1,
            nanos: elapsed(started),
        })
    }

    /// Both counted together.
    pub(super) fn plus(self, other: ScreeningCost) -> ScreeningCost {
        ScreeningCost {
            parties: self.parties.saturating_add(other.parties),
            nanos: self.nanos.saturating_add(other.nanos),
        }
    }

    /// What was counted after `before`.
    pub fn since(self, before: ScreeningCost) -> ScreeningCost {
        ScreeningCost {
            parties: self.parties.saturating_sub(before.parties),
            nanos: self.nanos.saturating_sub(before.nanos),
        }
    }
}

/// What a run's rules cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Profile {
    /// Orders judged (records that could not be read are not).
    pub orders: u64,
    /// Time spent judging orders, in nanoseconds, summed over threads: the rules', the
    /// screening's and what an order costs besides (its dates, sorting its findings, its
    /// context).
    pub nanos: u64,
    /// Screening parties, outside the rules' own time.
    pub screening: ScreeningCost,
    /// Per rule, in the pack's order.
    pub rules: Vec<RuleCost>,
}

/// Nanoseconds since `started`.
fn elapsed(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// The run's profile, shared by the engine's clones and the judging threads.
pub(super) type Shared = Arc<Mutex<Profile>>;

/// One order's costs, added to the run's when the order is judged.
pub(super) struct OrderCosts {
    started: Instant,
    screening: ScreeningCost,
    rules: Vec<RuleCost>,
}

/// The work counted while walking one rule on one order (`staging`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub(super) evaluated: u64,
    pub(super) from_memo: u64,
}

impl Counts {
    /// What was counted after `before`.
    pub(super) fn since(self, before: Counts) -> Counts {
        Counts {
            evaluated: self.evaluated.saturating_sub(before.evaluated),
            from_memo: self.from_memo.saturating_sub(before.from_memo),
        }
    }
}

impl OrderCosts {
    pub(super) fn start(rules: usize) -> OrderCosts {
        OrderCosts {
            started: Instant::now(),
            screening: ScreeningCost::default(),
            rules: vec![RuleCost::default(); rules],
        }
    }

    /// Adds one judgement of rule `index`, which began at `started` and spent `screening` of
    /// its time screening parties.
    pub(super) fn rule(
        &mut self,
        index: usize,
        started: Instant,
        counts: Counts,
        combinations: u64,
        finding: bool,
        screening: ScreeningCost,
    ) {
        let nanos = elapsed(started).saturating_sub(screening.nanos);
        self.screening = self.screening.plus(screening);
        if let Some(cost) = self.rules.get_mut(index) {
            // A rule judged again for its lookback finding is one judgement of the order.
            cost.orders = 1;
            cost.evaluated = cost.evaluated.saturating_add(counts.evaluated);
            cost.from_memo = cost.from_memo.saturating_add(counts.from_memo);
            cost.combinations = cost.combinations.saturating_add(combinations);
            cost.findings = u64::from(finding);
            cost.nanos = cost.nanos.saturating_add(nanos);
        }
    }

    /// Adds this order's costs to the run's (whose rows `Engine::with_profile` made, one per
    /// rule of the pack, in its order).
    pub(super) fn finish(self, shared: &Shared) {
        let nanos = elapsed(self.started);
        // A thread that panicked while holding the lock left sums that are still sums.
        let mut profile = shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        profile.orders = profile.orders.saturating_add(1);
        profile.nanos = profile.nanos.saturating_add(nanos);
        profile.screening = profile.screening.plus(self.screening);
        for (total, cost) in profile.rules.iter_mut().zip(self.rules) {
            total.orders = total.orders.saturating_add(cost.orders);
            total.evaluated = total.evaluated.saturating_add(cost.evaluated);
            total.from_memo = total.from_memo.saturating_add(cost.from_memo);
            total.combinations = total.combinations.saturating_add(cost.combinations);
            total.findings = total.findings.saturating_add(cost.findings);
            total.nanos = total.nanos.saturating_add(cost.nanos);
        }
    }
}

impl Engine {
    /// Keeps what each rule costs while judging, for [`Engine::profile`]. Costs a clock reading
    /// before and after each rule of each order. The counts are the same for any thread count,
    /// so a thread does not skip what it learnt in its earlier orders: rules that came to
    /// nothing on a place or item read alike are walked again (see [`Engine::remembering`]).
    pub fn with_profile(mut self) -> Engine {
        self.remember_elements = false;
        let rules = self
            .pack
            .rules
            .iter()
            .map(|r| RuleCost {
                rule_id: r.id.clone(),
                ..RuleCost::default()
            })
            .collect();
        self.profile = Some(Arc::new(Mutex::new(Profile {
            rules,
            ..Profile::default()
        })));
        self
    }

    /// Lets a thread skip the rules that came to nothing on a place or item read alike in its
    /// earlier orders, with a profile too: for a profile kept for its times and findings, whose
    /// counts of conditions evaluated then depend on the orders each thread judged before
    /// (`serve`'s metrics). The findings do not.
    pub fn remembering(mut self) -> Engine {
        self.remember_elements = true;
        self
    }

    /// What the rules cost over the orders judged so far, each rule in the pack's order
    /// (every rule of the pack, judged or not); `None` unless [`Engine::with_profile`].
    pub fn profile(&self) -> Option<Profile> {
        let shared = self.profile.as_ref()?;
        let profile = shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Some(profile.clone())
    }
}
