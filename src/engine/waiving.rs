//! Which waivers cover which combinations of a rule's bindings.
//!
//! A waiver clears what it names and nothing else. A rule fires once per combination of its
//! bindings (one per party, item and place it looked at); each combination is about the
//! parties it read. A waiver covers a combination about parties only when every one of them is
//! the party (and at the path) the waiver names; a combination about no party (a route stop,
//! the payment) only when the waiver names the order. So a waiver for a namesake buyer cannot
//! hide the same rule firing on a listed end user, a waiver naming only an order clears no
//! party, and a finding stays open while any of its combinations is not covered.

use chrono::NaiveDate;

use crate::findings::{BoundEvidence, Observation};
use crate::order::{Shape, Value};
use crate::rules::lists::fold;
use crate::waivers::{Waiver, Waivers};

/// The waivers that may apply to one rule on one order, found once per order.
#[derive(Debug, Default)]
pub(super) struct Candidates<'w> {
    /// In force on the as-of date.
    pub in_force: Vec<&'w Waiver>,
    /// Naming this rule and order but not in force on the as-of date.
    pub lapsed: Vec<&'w Waiver>,
}

impl<'w> Candidates<'w> {
    /// The waivers of `rule` that name `order_id` or name no order.
    pub fn of(waivers: &'w Waivers, rule: &str, order_id: &str, on: NaiveDate) -> Candidates<'w> {
        let mut out = Candidates::default();
        for w in &waivers.waivers {
            if w.rule != rule || w.order.as_deref().is_some_and(|o| o != order_id) {
                continue;
            }
            if w.date <= on && on <= w.expires {
                out.in_force.push(w);
            } else {
                out.lapsed.push(w);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.in_force.is_empty() && self.lapsed.is_empty()
    }
}

/// A party a combination read: its concrete path and its name as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Subject {
    pub path: String,
    pub name: Option<String>,
}

/// The parties one combination is about: the parties its variables are bound to and every
/// party any of its conditions read (a condition on `end_user.country` is about the end user).
pub(super) fn subjects(
    root: &Value,
    bindings: &[BoundEvidence],
    observations: &mut dyn Iterator<Item = &Observation>,
) -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    let paths = bindings
        .iter()
        .map(|b| b.path.as_str())
        .chain(observations.flat_map(|o| {
            std::iter::once(o.path.as_str()).chain(o.screening.as_ref().map(|s| s.role.as_str()))
        }));
    for path in paths {
        let Some(prefix) = party_prefix(path) else {
            continue;
        };
        if out.iter().any(|s| s.path == prefix) {
            continue;
        }
        out.push(Subject {
            path: prefix.to_string(),
            name: party_name(root, prefix),
        });
    }
    out
}

/// Whether `waiver` covers a combination about `subjects`.
pub(super) fn covers(waiver: &Waiver, subjects: &[Subject]) -> bool {
    if subjects.is_empty() {
        // A combination about no party (a route stop, the payment) concerns the order as a
        // whole: only a waiver that names the order may clear it.
        return waiver.order.is_some();
    }
    // A combination about parties is cleared only by a waiver naming them all.
    (waiver.party.is_some() || waiver.path.is_some())
        && subjects.iter().all(|s| {
            let party_ok = waiver
                .party
                .as_deref()
                .is_none_or(|p| s.name.as_deref().is_some_and(|name| fold(name) == fold(p)));
            let path_ok = waiver.path.as_deref().is_none_or(|p| s.path == p);
            party_ok && path_ok
        })
}

/// The concrete path of the party that `path` lies in (`consignees[2]` for
/// `consignees[2].city`), from the order schema; `None` outside any party.
fn party_prefix(path: &str) -> Option<&str> {
    let mut shape = Shape::Order;
    let mut pos = 0;
    loop {
        let rest = path.get(pos..)?;
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        shape = shape.field(rest.get(..end)?)?;
        pos += end;
        while path.get(pos..)?.starts_with('[') {
            pos += path.get(pos..)?.find(']')? + 1;
            shape = shape.element()?;
        }
        if shape == Shape::Party {
            return path.get(..pos);
        }
        if !path.get(pos..)?.starts_with('.') {
            return None;
        }
        pos += 1;
    }
}

/// The name of the party at a concrete path such as `consignees[2]` or `payment.payer`.
fn party_name(root: &Value, path: &str) -> Option<String> {
    let parsed = crate::order::Path::parse(path).ok()?;
    let mut found = Vec::new();
    parsed.resolve(root, "", &mut found);
    let (_, value) = found.into_iter().next()?;
    value?.get("name")?.as_text().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::party_prefix;

    #[test]
    fn party_prefixes_follow_the_schema() {
        assert_eq!(party_prefix("buyer"), Some("buyer"));
        assert_eq!(party_prefix("buyer.country"), Some("buyer"));
        assert_eq!(party_prefix("consignees[2].city"), Some("consignees[2]"));
        assert_eq!(party_prefix("payment.payer.name"), Some("payment.payer"));
        assert_eq!(party_prefix("payment.amount"), None);
        assert_eq!(party_prefix("route[3].country"), None);
        assert_eq!(party_prefix("items[0].hs"), None);
        assert_eq!(party_prefix("@chpl.tier (chpl line 4)"), None);
    }
}
