//! The members of an order object, sorted by name.
//!
//! Judging looks members up by name millions of times a run (every path step of every
//! condition). An order's objects have a dozen members at most, so a sorted vector searched
//! from the front, comparing lengths before bytes, answers faster than a `BTreeMap`, whose
//! every step is a full string comparison. Sorted by name so that anything built by iterating
//! it is deterministic, as with the map it replaces.

use super::value::Value;

/// Up to this many members, a lookup scans from the front; past it (an open `attributes` map
/// can be large), it searches by halves.
const LINEAR: usize = 16;

/// An object's members, sorted by name, each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    members: Vec<(String, Value)>,
}

impl Fields {
    /// No members.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// The member `name`, present or null.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if self.members.len() > LINEAR {
            return self
                .members
                .binary_search_by(|(key, _)| key.as_str().cmp(name))
                .ok()
                .and_then(|at| self.members.get(at))
                .map(|(_, value)| value);
        }
        // Most names differ in length from the one asked for, so most members are passed over
        // without looking at their bytes.
        self.members
            .iter()
            .find(|(key, _)| key.len() == name.len() && key == name)
            .map(|(_, value)| value)
    }

    /// True when the object has a member `name` (null or not).
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True without members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.members.iter().map(|(key, value)| (key, value))
    }

    /// The member names in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.members.iter().map(|(key, _)| key)
    }
}

impl Fields {
    /// The members of one object read from JSON, or `None` when a name repeats (a record the
    /// JSON reader then reads again the long way, which reports the repeat: `order::direct`).
    pub(crate) fn from_distinct(mut members: Vec<(String, Value)>) -> Option<Fields> {
        members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let repeats = members.windows(2).any(|pair| pair[0].0 == pair[1].0);
        (!repeats).then_some(Fields { members })
    }
}

impl FromIterator<(String, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Fields {
        let mut members: Vec<(String, Value)> = members.into_iter().collect();
        // Stable, so of repeated names the last stays last, and is kept (as `insert` does).
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(String, Value)> = Vec::with_capacity(members.len());
        for member in members {
            match kept.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => kept.push(member),
            }
        }
        Fields { members: kept }
    }
}

impl<'f> IntoIterator for &'f Fields {
    type Item = (&'f String, &'f Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'f, (String, Value)>,
        fn(&'f (String, Value)) -> (&'f String, &'f Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(key, value)| (key, value))
    }
}
