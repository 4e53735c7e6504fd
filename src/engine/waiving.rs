//! Which waivers cover which combinations of a rule's bindings.
//!
//! A waiver clears what it names and nothing else. A rule fires once per combination of its
//! bindings (one per party, item and place it looked at); each combination is about the
//! parties it read and rests on the screening matches it made. A waiver covers a combination
//! about parties only when it names a party and every one of them is that party (and at the
//! path, when the waiver gives one); a combination about no party (a route stop, the payment)
//! only when the waiver names the order and neither a party nor a path. A screening match is
//! covered only when it is the party's one match and rests on what the waiver was written
//! for: the listed entries the waiver names in `entry`, or, for a waiver naming none, the
//! party's own name (never an identifier, an address or another party's name given in it).
//! So a waiver for a namesake buyer cannot hide the same rule firing on a listed end user or
//! on a route stop, nor the buyer's match on a listed firm's tax ID; a waiver naming only an
//! order clears no party; and a finding stays open while any of its combinations is not
//! covered.

use chrono::NaiveDate;

use crate::findings::{BoundEvidence, MatchBasis, Observation, ScreeningEvidence};
use crate::order::{Shape, Value};
use crate::rules::lists::fold;
use crate::screening::steps::StepKind;
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

/// What one combination is about: the parties it read and the screening matches it made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct About {
    /// The parties its variables are bound to and every party any of its conditions read.
    pub parties: Vec<Subject>,
    /// Every screening match among its conditions' observations.
    pub matches: Vec<ScreenedMatch>,
}

/// A screening match as a waiver judges it: which entry, and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScreenedMatch {
    /// The entry's id in its list.
    pub entry_id: String,
    /// Whether it rests on the party's own name (its name, aliases or a former name it gives
    /// against the entry's name or an alias), not on an identifier, an address, the name of
    /// another party given in its address or after `c/o`, or a listed name found in a text
    /// (`match_on = "mentions"`, whose role is the text's path, not a party's).
    pub on_own_name: bool,
    /// Whether further entries matched the same party; the evidence names only the best, so
    /// no waiver can tell what the others were.
    pub others: bool,
}

impl ScreenedMatch {
    fn of(s: &ScreeningEvidence) -> ScreenedMatch {
        let by_name = matches!(s.basis, MatchBasis::Name | MatchBasis::Alias(_));
        let another_party = s.score_steps.iter().any(|(kind, _)| {
            matches!(
                kind,
                StepKind::NamedInAddress
                    | StepKind::NamedCareOf
                    | StepKind::NamedInText
                    | StepKind::IdentifierInText
            )
        });
        let of_a_party = party_prefix(&s.role) == Some(s.role.as_str());
        ScreenedMatch {
            entry_id: s.entry_id.clone(),
            on_own_name: by_name && !another_party && of_a_party,
            others: s.other_matches > 0,
        }
    }
}

/// What one combination is about: the parties its variables are bound to and every party any
/// of its conditions read (a condition on `end_user.country` is about the end user), and the
/// screening matches among its observations.
pub(super) fn subjects(
    root: &Value,
    bindings: &[BoundEvidence],
    observations: &mut dyn Iterator<Item = &Observation>,
) -> About {
    let mut out = About::default();
    let mut paths: Vec<&str> = bindings.iter().map(|b| b.path.as_str()).collect();
    for o in observations {
        paths.push(o.path.as_str());
        if let Some(s) = &o.screening {
            paths.push(s.role.as_str());
            out.matches.push(ScreenedMatch::of(s));
        }
    }
    for path in paths {
        let Some(prefix) = party_prefix(path) else {
            continue;
        };
        if out.parties.iter().any(|s| s.path == prefix) {
            continue;
        }
        out.parties.push(Subject {
            path: prefix.to_string(),
            name: party_name(root, prefix),
        });
    }
    out
}

/// Whether `waiver` covers a combination that is `about` what it says.
pub(super) fn covers(waiver: &Waiver, about: &About) -> bool {
    if !covers_matches(waiver, &about.matches) {
        return false;
    }
    match waiver.party.as_deref() {
        // A combination about no party (a route stop, the payment) concerns the order as a
        // whole: only a waiver that names the order, and no party or path, may clear it. A
        // waiver naming a party (or a path) was written for that party and clears nothing
        // else; one naming only the order clears no party.
        None => about.parties.is_empty() && waiver.order.is_some() && waiver.path.is_none(),
        // A combination about parties is cleared only by a waiver naming them all. A blank
        // name names no one (the loader refuses it, `W008`).
        Some(party) => {
            let party = fold(party);
            party.chars().any(char::is_alphanumeric)
                && !about.parties.is_empty()
                && about.parties.iter().all(|s| {
                    let party_ok = s.name.as_deref().is_some_and(|name| fold(name) == party);
                    let path_ok = waiver.path.as_deref().is_none_or(|p| s.path == p);
                    party_ok && path_ok
                })
        }
    }
}

/// Whether `waiver` covers every screening match of a combination: a waiver naming listed
/// entries (`entry`) covers only a combination with matches, each on one of them; one naming
/// none covers only matches on the party's own name. Either way a match is covered only when
/// it is the party's one match: the evidence does not say what the others rest on.
fn covers_matches(waiver: &Waiver, matches: &[ScreenedMatch]) -> bool {
    if waiver.entries.is_empty() {
        return matches.iter().all(|m| !m.others && m.on_own_name);
    }
    !matches.is_empty()
        && matches
            .iter()
            .all(|m| !m.others && waiver.entries.contains(&m.entry_id))
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
