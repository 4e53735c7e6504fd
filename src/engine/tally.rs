//! What a rule's walk keeps of the combinations that fired or were undecided: how many, the
//! first one's evidence, the severity after escalation, and the waivers that covered them.

use super::*;

/// The combinations of one rule that fired or were undecided, split by whether a waiver covers
/// them.
#[derive(Default)]
pub(super) struct Tallies {
    pub(super) fired: Tally,
    pub(super) fired_waived: Tally,
    pub(super) undecided: Tally,
    pub(super) undecided_waived: Tally,
}

/// Combinations of one kind (fired or undecided; waived or not) seen in one walk.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) count: usize,
    /// The first such combination: bindings, outcomes with evidence, rendered message.
    pub(super) first: Option<(Vec<BoundEvidence>, Vec<Outcome>, String)>,
    /// The severity after escalation, over every such combination that fired.
    pub(super) severity: Option<Severity>,
    /// Why the severity was raised.
    pub(super) escalation: Option<String>,
    /// The waiver that covered the first combination.
    pub(super) waiver: Option<Box<Waiver>>,
    /// Every waiver that covered one of them.
    pub(super) waivers: Vec<String>,
}

impl Tally {
    /// Raises the severity by the escalations that hold (or could not be ruled out) here.
    /// `leaf` gives a condition's truth in this combination (evaluating it if it was not yet).
    pub(super) fn escalate(&mut self, rule: &Rule, leaf: &mut dyn FnMut(usize) -> Truth) {
        let mut severity = self.severity.unwrap_or(rule.severity);
        for e in &rule.escalations {
            let t = kleene(&e.condition, &mut |i| leaf(i));
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
