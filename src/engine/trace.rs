//! Tracing one rule on one order: every combination of its bindings with every condition's
//! evidence, whether or not it fired. The basis of `redflag explain` and its why-not.

use super::*;

/// `trace` keeps the evidence of every combination it reports, so it stops sooner than
/// `MAX_COMBINATIONS` (the judge still sees them all).
const TRACE_COMBINATIONS: usize = 20_000;

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
    /// True when the rule finds nothing with the rows in force at shipment and the
    /// combinations are those of the lookback pass, which counts rows that came into force
    /// after the shipment (the finding's `later` says which).
    pub lookback: bool,
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

impl Engine {
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
        let dates = OrderDates::of(order, self.as_of, self.run_day, self.ship_dates)
            .for_rule(rule.valid_from);
        let rows = RowDates::at_shipment(dates);
        self.trace_with(
            rule,
            compiled,
            order,
            &screened,
            &rows,
            &mut walk,
            &mut combinations,
        );
        // As `judge_order` does: a rule that finds nothing at shipment only because rows that
        // came into force later were left out is traced again with them, so the explanation
        // shows the lookback finding `check` reports rather than a walk that does not fire.
        let mut lookback = false;
        let found = |c: &Vec<Trace>| c.iter().any(|t| t.truth != Truth::False);
        if !walk.overflow && !found(&combinations) && rows.left_out_later.get() {
            let mut again = Vec::new();
            let mut walk_again = Walk::new(rule);
            walk_again.limit = walk.limit;
            let with_later = RowDates::with_later(dates);
            self.trace_with(
                rule,
                compiled,
                order,
                &screened,
                &with_later,
                &mut walk_again,
                &mut again,
            );
            if walk_again.overflow || found(&again) {
                combinations = again;
                walk = walk_again;
                lookback = true;
            }
        }
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
            lookback,
        })
    }

    /// Every combination of `rule` on `order` with every condition's evidence, as `trace`
    /// shows them, counting the list rows `rows` lets count.
    #[allow(clippy::too_many_arguments)]
    fn trace_with(
        &self,
        rule: &Rule,
        compiled: &CompiledRule,
        order: &Order,
        screened: &ScreenCache,
        rows: &RowDates,
        walk: &mut Walk,
        combinations: &mut Vec<Trace>,
    ) {
        self.each_binding(
            rule,
            order,
            screened,
            rows,
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
                    outcomes: outcomes.iter().map(|o| o.truth).collect(),
                    conditions: evidence_of(rule, &compiled.labels, outcomes),
                });
            },
            walk,
        );
    }
}
