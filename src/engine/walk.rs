//! How many combinations of its variables a rule may walk on one order, and the limit that
//! keeps a pathological order from stalling a run.

use super::*;

/// Above this many sets of bindings of two or more variables for one rule and one order, the
/// rule stops walking them: a pathological order must not stall a run. A rule that stops there
/// takes the most severe verdict it can reach, never a milder one. A rule of one variable has
/// no cross product and always sees every element.
pub const MAX_COMBINATIONS: usize = 1_000_000;

/// The state of one walk over a rule's bindings.
pub(super) struct Walk {
    pub(super) count: usize,
    /// Whether the first variable's own conditions ruled out its element being walked
    /// (`element_memo`).
    pub(super) ruled_out_first: bool,
    /// Combinations visited (not false) so far.
    pub(super) visited: u64,
    /// The most combinations this walk may visit.
    pub(super) limit: usize,
    pub(super) overflow: bool,
    /// Bit `d` set: binding `d` once had nothing to take. A bit set rather
    /// than a `Vec` because `judge` walks every rule of every order; a rule
    /// with more than 64 variables only loses this detail past the 64th.
    pub(super) empty: u64,
}

impl Walk {
    /// A walk of `rule` over an order whose longest list has `longest` members. Without a
    /// limit when the rule cannot have more combinations than [`MAX_COMBINATIONS`] on it:
    /// then nothing is counted (a subtree ruled out is not walked again to count its
    /// combinations), and the walk ends as a limited one would, since that limit is never
    /// passed.
    pub(super) fn for_order(rule: &Rule, wildcards: &[Vec<u32>], longest: usize) -> Walk {
        let mut walk = Walk::new(rule);
        if walk.limit != usize::MAX
            && combinations_bound(wildcards, longest).is_some_and(|most| most <= MAX_COMBINATIONS)
        {
            walk.limit = usize::MAX;
        }
        walk
    }

    pub(super) fn new(rule: &Rule) -> Walk {
        Walk {
            count: 0,
            visited: 0,
            limit: if rule.bindings.len() <= 1 {
                usize::MAX
            } else {
                MAX_COMBINATIONS
            },
            overflow: false,
            empty: 0,
            ruled_out_first: false,
        }
    }
}

/// The most combinations a rule's bindings can take on an order whose longest list has
/// `longest` members (`None` past `usize`), from the `[*]` of each binding's sources
/// (`wildcards_per_source`): a source path reaches at most `longest` values per `[*]` in it
/// and one otherwise, so a binding takes at most the sum over its sources, and the walk at
/// most the product over its bindings, whatever the variables bound before.
fn combinations_bound(wildcards: &[Vec<u32>], longest: usize) -> Option<usize> {
    let longest = longest.max(1);
    wildcards.iter().try_fold(1usize, |product, sources| {
        let most = sources.iter().try_fold(0usize, |sum, &each| {
            sum.checked_add(longest.checked_pow(each)?)
        })?;
        product.checked_mul(most)
    })
}

/// Per binding of `rule`, per source, how many `[*]` its path holds.
pub(super) fn wildcards_per_source(rule: &Rule) -> Vec<Vec<u32>> {
    rule.bindings
        .iter()
        .map(|binding| {
            binding
                .sources
                .iter()
                .map(|source| {
                    let each = source
                        .path
                        .segments()
                        .iter()
                        .filter(|s| matches!(s, crate::order::path::Segment::Each))
                        .count();
                    u32::try_from(each).unwrap_or(u32::MAX)
                })
                .collect()
        })
        .collect()
}

/// The most members of any list in `value`.
pub(super) fn longest_list(value: &Value) -> usize {
    match value {
        Value::List(members) => members
            .iter()
            .map(longest_list)
            .fold(members.len(), usize::max),
        Value::Map(fields) => fields
            .iter()
            .map(|(_, v)| longest_list(v))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}
