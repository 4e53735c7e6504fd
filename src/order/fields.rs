//! The members of an order object, sorted by name.
//!
//! Judging looks members up by name millions of times a run (every path step of every
//! condition). An order's objects have a dozen members at most, so a sorted vector searched
//! from the front, comparing lengths before bytes, answers faster than a `BTreeMap`, whose
//! every step is a full string comparison. Sorted by name so that anything built by iterating
//! it is deterministic, as with the map it replaces.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use super::value::Value;

/// Up to this many members, a lookup scans from the front; past it (an open `attributes` map
/// can be large), it searches by halves.
const LINEAR: usize = 16;

/// A member's name: the schema's own name for a member the schema knows (no copy per order),
/// the name as read for any other (`attributes`, members a loader lets ride along).
pub type Key = Cow<'static, str>;

/// An object's members, sorted by name, each name once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields {
    members: Vec<(Key, Value)>,
    /// The [`name_bit`]s of the members' names: a name whose bit is not set is no member's,
    /// which a look-up tells without a scan. Paths ask for many members an object lacks
    /// (optional fields), and each such look-up scanned every member. A function of
    /// `members`, which are never changed after the object is built.
    names: u64,
}

// As derived before `names` was added: the bits say nothing a reader of the members needs.
impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields")
            .field("members", &self.members)
            .finish()
    }
}

/// One of 64 bits for member name `name`, from its length and its first and last bytes.
fn name_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let (first, last) = (
        bytes.first().copied().unwrap_or(0),
        bytes.last().copied().unwrap_or(0),
    );
    let mixed = (bytes.len() as u32)
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(u32::from(first).wrapping_mul(0x85EB_CA6B))
        .wrapping_add(u32::from(last).wrapping_mul(0xC2B2_AE35));
    1u64 << (mixed >> 26)
}

/// The [`name_bit`]s of `members`' names.
fn name_bits(members: &[(Key, Value)]) -> u64 {
    members
        .iter()
        .fold(0, |bits, (key, _)| bits | name_bit(key))
}

impl Fields {
    /// No members.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// The member `name`, present or null.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if self.names & name_bit(name) == 0 {
            return None;
        }
        self.position(name)
            .and_then(|at| self.members.get(at))
            .map(|(_, value)| value)
    }

    /// The member `name`, as [`Fields::get`] finds it, looking first at the position `hint`
    /// holds and leaving there the position where `name` was found. A path names the same
    /// field of objects of the same shape on every order, so the member is nearly always
    /// where it was the last time, and one comparison finds it instead of a scan.
    pub fn get_hinted(&self, name: &str, hint: &FieldHint) -> Option<&Value> {
        let guess = hint.0.load(Ordering::Relaxed) as usize;
        if let Some((key, value)) = self.members.get(guess) {
            if key == name {
                return Some(value);
            }
        }
        if self.names & name_bit(name) == 0 {
            return None;
        }
        let at = self.position(name)?;
        if let Ok(at) = u32::try_from(at) {
            hint.0.store(at, Ordering::Relaxed);
        }
        self.members.get(at).map(|(_, value)| value)
    }

    fn position(&self, name: &str) -> Option<usize> {
        if self.members.len() > LINEAR {
            return self
                .members
                .binary_search_by(|(key, _)| key.as_ref().cmp(name))
                .ok();
        }
        // Most names differ in length from the one asked for, so most members are passed over
        // without looking at their bytes.
        self.members
            .iter()
            .position(|(key, _)| key.len() == name.len() && key == name)
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
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members
            .iter()
            .map(|(key, value)| (key.as_ref(), value))
    }

    /// The member names in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(key, _)| key.as_ref())
    }
}

impl Fields {
    /// The members of one object read from JSON, or `None` when a name repeats (a record the
    /// JSON reader then reads again the long way, which reports the repeat: `order::direct`).
    pub(crate) fn from_distinct(mut members: Vec<(Key, Value)>) -> Option<Fields> {
        members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let repeats = members.windows(2).any(|pair| pair[0].0 == pair[1].0);
        (!repeats).then(|| Fields {
            names: name_bits(&members),
            members,
        })
    }
}

impl FromIterator<(String, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Fields {
        members
            .into_iter()
            .map(|(key, value)| (Cow::Owned(key), value))
            .collect()
    }
}

impl FromIterator<(Key, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (Key, Value)>>(members: I) -> Fields {
        let mut members: Vec<(Key, Value)> = members.into_iter().collect();
        // Stable, so of repeated names the last stays last, and is kept (as `insert` does).
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Key, Value)> = Vec::with_capacity(members.len());
        for member in members {
            match kept.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => kept.push(member),
            }
        }
        Fields {
            names: name_bits(&kept),
            members: kept,
        }
    }
}

impl<'f> IntoIterator for &'f Fields {
    type Item = (&'f str, &'f Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'f, (Key, Value)>,
        fn(&'f (Key, Value)) -> (&'f str, &'f Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members
            .iter()
            .map(|(key, value)| (key.as_ref(), value))
    }
}

/// Where a path step last found its member in an object (`Fields::get_hinted`). Only a guess,
/// checked before it is used, so a stale one costs a scan and never a wrong member; atomic
/// because one compiled pack judges on every thread, relaxed because any value is safe.
#[derive(Debug, Default)]
pub struct FieldHint(AtomicU32);

impl Clone for FieldHint {
    fn clone(&self) -> FieldHint {
        FieldHint(AtomicU32::new(self.0.load(Ordering::Relaxed)))
    }
}

impl FieldHint {
    /// A hint that starts at `at` (for tests: any start must find what `get` finds).
    pub fn at(at: u32) -> FieldHint {
        FieldHint(AtomicU32::new(at))
    }
}
