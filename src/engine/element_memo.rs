//! Which rules came to nothing on a part of an order, remembered across the orders one thread
//! judges, by what the rules read of it.
//!
//! Most rules over an order's places find nothing on nearly every order (the place is in no
//! embargoed region, its city is no border city), and the places of a run repeat: the same
//! cities and countries, a buyer's own address order after order. A rule is remembered by its
//! first variable when whether that variable's own conditions (those that read no other
//! variable) rule an element out depends only on the values they read below it ([`reads`]):
//! paths of named fields, tested with an operator that looks at nothing else (not an exchange
//! rate, a screening, another part of the order, a sibling of the value), and no condition on
//! the order alone. Then an element whose read values equal, as written, those of one that
//! came to nothing comes to nothing too, as `staging::Twins` argues for equal objects within
//! one order. A rule of one variable comes to nothing on an element when its walk visits
//! nothing; a rule of more only when the first variable's own conditions rule the element
//! out, since the other variables take other elements in another order.
//!
//! A dated list row (in force from or until a day) makes a look-up depend on the order's
//! dates, but only when the value names a row at all: an element is noted only when no
//! look-up of a dated list found a row for it, before the dates were asked
//! ([`ElementMemo::note_nothing`]), so what is noted holds for any order's dates.
//!
//! The key is the values of the paths the rule reads, encoded exactly (absent, text bytes, a
//! number with its scale) and numbered, with the set of paths, so no two readings share one;
//! a bit per rule says which rules came to nothing on it. A set of paths that is seldom read
//! alike (a party's name) stops being remembered on the thread after a few hundred asks.
//!
//! Skipping changes no finding: an element that comes to nothing is never visited, builds no
//! evidence and counts no combination. It does change how many conditions a run evaluates,
//! which depends on the orders a thread judged before, so a run that keeps a profile for its
//! counts (the same for any thread count) does not use it, nor does a walk that counts its
//! combinations against the limit or the lookback pass.

use std::cell::Cell;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::*;

/// Most distinct readings remembered per thread; past it, the memo starts again with the next
/// order.
const MAX_KEYS: usize = 1 << 14;
/// Most rules remembered: one bit each.
const MAX_RULES: usize = 64;
/// Most paths one remembered rule reads: a reading's key holds a value's number per path.
const MAX_GROUP_PATHS: usize = 3;
/// Most paths all remembered rules read.
const MAX_PATHS: usize = 16;
/// Most sets of paths the remembered rules read by.
const MAX_GROUPS: usize = 16;
/// Most elements of an order whose numbers are kept while it is judged; an order of a thousand
/// items reads the others again for each rule.
const MAX_ELEMENTS: usize = 64;
/// A path of an element not read yet in this order.
const UNREAD: u32 = u32::MAX;
/// A path of an element whose value is not remembered (a list or an object).
const UNKEYED: u32 = u32::MAX - 1;
/// Asks of a set of paths after which it is no longer remembered on the thread if too few
/// were answered.
const TRIAL_ASKS: u32 = 512;
/// Fewest answered asks in [`TRIAL_ASKS`], as a share (one in this many), that keep a set of
/// paths remembered: each miss costs the encoding of the element and a new entry.
const MIN_ANSWERED_SHARE: u32 = 4;

/// How a rule is remembered.
#[derive(Debug, Clone)]
pub(super) struct Remembered {
    /// Its bit.
    slot: u8,
    /// The set of paths its elements are read by (`ElementRules::groups`).
    group: u8,
    /// Its look-ups in dated lists: a path below the variable, the list and the column.
    dated: Vec<(Vec<String>, String, String)>,
}

/// How `rule` is remembered, when whether its first variable's own conditions (those that read
/// no other variable, `stages`) rule an element out depends only on what they read below it
/// (see the module's notes): the paths they read, and their look-ups in dated lists. `None`
/// otherwise, and for a rule with a condition on the order alone, which differs from order
/// to order.
#[allow(clippy::type_complexity)]
fn reads(
    rule: &Rule,
    stages: &Stages,
    tables: &FxHashMap<String, Arc<ListTable>>,
) -> Option<(Vec<Vec<String>>, Vec<(Vec<String>, String, String)>)> {
    let depths: Vec<usize> = (0..rule.conditions.len())
        .map(|i| stages.depth_of(i))
        .collect::<Option<_>>()?;
    if rule.bindings.is_empty() || !depths.contains(&1) || depths.contains(&0) {
        return None;
    }
    let undated = |list: &str| tables.get(list).is_some_and(|t| !t.is_dated());
    let mut paths: Vec<Vec<String>> = Vec::new();
    let mut read = |target: &Target| -> Option<Vec<String>> {
        let Target::Path(p) = target else {
            return None;
        };
        if p.base != Base::Var(0) || p.path.segments().is_empty() {
            return None;
        }
        let mut fields = Vec::new();
        for segment in p.path.segments() {
            match segment {
                // Below `attributes` a name is also looked up loosely.
                crate::order::Segment::Field(name) if name != "attributes" => {
                    fields.push(name.clone());
                }
                _ => return None,
            }
        }
        if !paths.contains(&fields) {
            paths.push(fields.clone());
        }
        Some(fields)
    };
    let mut dated = Vec::new();
    let first_own = rule.conditions.iter().zip(&depths).filter(|(_, &d)| d == 1);
    for (c, _) in first_own {
        let path = read(&c.target)?;
        let pure = match &c.op {
            Op::In { .. }
            | Op::Exists
            | Op::Missing
            | Op::Blank
            | Op::IsTrue
            | Op::IsFalse
            | Op::Matches { .. } => true,
            Op::InList { list, column, also } => {
                if !tables.contains_key(list) {
                    return None;
                }
                if !undated(list) {
                    dated.push((path, list.clone(), column.clone()));
                }
                also.iter().all(|(_, t)| read(t).is_some())
            }
            Op::MatchesList { list, .. } => undated(list),
            Op::ContainsAny { members, .. } | Op::StartsWith { members } => match members {
                Members::Values(_) => true,
                Members::List { list, .. } => undated(list),
            },
            Op::Compare { .. }
            | Op::InField { .. }
            | Op::Within { .. }
            | Op::Count { .. }
            | Op::Sum { .. }
            | Op::Screen(_)
            | Op::InvalidId => false,
        };
        if !pure {
            return None;
        }
    }
    paths.sort();
    Some((paths, dated))
}

/// The paths the remembered rules read below their variables, and the sets of them each rule
/// reads its elements by.
#[derive(Debug, Clone, Default)]
pub(super) struct ElementRules {
    paths: Vec<Vec<String>>,
    /// Per set, its paths by index in `paths`.
    groups: Vec<SmallVec<[u8; MAX_GROUP_PATHS]>>,
    /// What the memo is kept under: unique in the process (`text_memo::next_index_id`), as a
    /// pack reloaded by `serve` or the packs of a rule-test run remember other rules.
    id: u64,
}

impl ElementRules {
    /// The sets of paths, and per rule (in pack order) how it is remembered.
    pub(super) fn of<'s>(
        rules: &[Rule],
        stages: impl Iterator<Item = Option<&'s Stages>>,
        tables: &FxHashMap<String, Arc<ListTable>>,
    ) -> (ElementRules, Vec<Option<Remembered>>) {
        let mut out = ElementRules {
            id: text_memo::next_index_id(),
            ..ElementRules::default()
        };
        let mut next = 0usize;
        let per_rule = rules
            .iter()
            .zip(stages)
            .map(|(rule, stages)| {
                let (paths, dated) = reads(rule, stages?, tables).filter(|_| next < MAX_RULES)?;
                if paths.len() > MAX_GROUP_PATHS {
                    return None;
                }
                let mut indices = SmallVec::new();
                for path in paths {
                    indices.push(u8::try_from(index_in(&mut out.paths, path, MAX_PATHS)?).ok()?);
                }
                let group = index_in(&mut out.groups, indices, MAX_GROUPS)?;
                let remembered = Remembered {
                    slot: u8::try_from(next).ok()?,
                    group: u8::try_from(group).ok()?,
                    dated,
                };
                next += 1;
                Some(remembered)
            })
            .collect();
        (out, per_rule)
    }
}

/// Where `item` is in `items`, added at the end if it is not there and `items` holds fewer
/// than `most`.
fn index_in<T: PartialEq>(items: &mut Vec<T>, item: T, most: usize) -> Option<usize> {
    match items.iter().position(|i| *i == item) {
        Some(at) => Some(at),
        None if items.len() < most => {
            items.push(item);
            Some(items.len() - 1)
        }
        None => None,
    }
}

/// The memo of one thread, taken for an order and given back after it.
#[derive(Default)]
pub(super) struct ElementMemo {
    /// The `ElementRules::id` the bits are for.
    rules: Option<u64>,
    /// Each value met at a path, by the path's index and the value's encoding, and its
    /// number.
    values: FxHashMap<Box<[u8]>, u32>,
    /// Each reading met, by its set of paths and the numbers of its values, and its number.
    ids: FxHashMap<u128, u32>,
    /// Per reading, the rules (by bit) that came to nothing on it.
    nothing: Vec<u64>,
    /// Per set of paths, whether it is remembered on this thread.
    trials: Vec<Trial>,
    /// The order's elements read so far.
    of_order: Vec<Read>,
    key: Vec<u8>,
}

/// An element of the order being judged, by address, as read so far: per path the number of
/// its value, per set of paths the number of its reading (`UNREAD`, or `UNKEYED` when a value
/// is a list or an object).
struct Read {
    at: usize,
    values: [u32; MAX_PATHS],
    readings: [u32; MAX_GROUPS],
}

impl Read {
    fn new(at: usize) -> Read {
        Read {
            at,
            values: [UNREAD; MAX_PATHS],
            readings: [UNREAD; MAX_GROUPS],
        }
    }
}

thread_local! {
    static MEMO: Cell<ElementMemo> = Cell::new(ElementMemo::default());
}

/// Whether a set of paths is remembered on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trial {
    /// On trial: asks so far, and how many were answered.
    Trying(u32, u32),
    /// Remembered.
    Kept,
    /// Not remembered: too few asks were answered.
    Dropped,
}

/// What the memo knows of a rule on an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
    /// The rule came to nothing on an element read the same: it comes to nothing here.
    CameToNothing,
    /// Not known: walk the element, and note it by this reading (if keyed) when it comes to
    /// nothing.
    Walk(Option<u32>),
}

impl ElementMemo {
    /// This thread's memo, for an order judged with `rules`.
    pub(super) fn for_order(rules: &ElementRules) -> ElementMemo {
        let mut memo = MEMO.with(Cell::take);
        // Renumbered only between orders, so a reading's number holds for a whole order.
        if memo.rules != Some(rules.id) || memo.ids.len().max(memo.values.len()) >= MAX_KEYS {
            memo.values.clear();
            memo.ids.clear();
            memo.nothing.clear();
            memo.trials.clear();
            memo.trials.resize(rules.groups.len(), Trial::Trying(0, 0));
            memo.rules = Some(rules.id);
        }
        memo.of_order.clear();
        memo
    }

    /// Keeps the memo for the next order judged on this thread.
    pub(super) fn done_with(self) {
        MEMO.with(|slot| slot.set(self));
    }

    /// What is known of the rule remembered as `remembered` on `element`.
    pub(super) fn ask(
        &mut self,
        element: &Value,
        remembered: &Remembered,
        rules: &ElementRules,
    ) -> Known {
        let group = remembered.group;
        let Some(trial) = self.trials.get(usize::from(group)).copied() else {
            return Known::Walk(None);
        };
        if trial == Trial::Dropped {
            return Known::Walk(None);
        }
        let Some(id) = self.reading(element, group, rules) else {
            return Known::Walk(None);
        };
        let bits = self.nothing.get(id as usize).copied().unwrap_or(0);
        let known = bits & (1u64 << remembered.slot) != 0;
        if let Trial::Trying(asks, answered) = trial {
            let (asks, answered) = (asks + 1, answered + u32::from(known));
            let next = match asks < TRIAL_ASKS {
                true => Trial::Trying(asks, answered),
                false if answered.saturating_mul(MIN_ANSWERED_SHARE) >= asks => Trial::Kept,
                false => Trial::Dropped,
            };
            if let Some(slot) = self.trials.get_mut(usize::from(group)) {
                *slot = next;
            }
        }
        if known {
            Known::CameToNothing
        } else {
            Known::Walk(Some(id))
        }
    }

    /// Notes that the rule remembered as `remembered` came to nothing on `element`, read as
    /// `id`, unless a look-up of a dated list names a row for it: whether that row is in force
    /// depends on the order's dates.
    pub(super) fn note_nothing(
        &mut self,
        id: u32,
        element: &Value,
        remembered: &Remembered,
        engine: &Engine,
    ) {
        let names_a_dated_row = remembered.dated.iter().any(|(path, list, column)| {
            let value = path.iter().try_fold(element, |v, name| v.get(name));
            let (Some(text), Some(table)) = (value.and_then(text_of), engine.list(list)) else {
                return false;
            };
            !list_candidates(engine, list, column, table, &text).is_empty()
        });
        if names_a_dated_row {
            return;
        }
        if let Some(bits) = self.nothing.get_mut(id as usize) {
            *bits |= 1u64 << remembered.slot;
        }
    }

    /// The number of `element`'s reading by the paths of `group`, if it is an object whose
    /// values there are all scalars.
    fn reading(&mut self, element: &Value, group: u8, rules: &ElementRules) -> Option<u32> {
        if !matches!(element, Value::Map(_)) {
            return None;
        }
        let at = std::ptr::from_ref(element) as usize;
        let position = match self.of_order.iter().position(|r| r.at == at) {
            Some(p) => p,
            None => {
                self.of_order.push(Read::new(at));
                self.of_order.len() - 1
            }
        };
        let mut read = match self.of_order.get(position) {
            Some(r) if r.readings.get(usize::from(group)) != Some(&UNREAD) => {
                return r
                    .readings
                    .get(usize::from(group))
                    .copied()
                    .filter(|&id| id != UNKEYED);
            }
            Some(r) => Read {
                at,
                values: r.values,
                readings: r.readings,
            },
            None => Read::new(at),
        };
        let id = self.read(element, &mut read, group, rules);
        if let Some(reading) = read.readings.get_mut(usize::from(group)) {
            *reading = id.unwrap_or(UNKEYED);
        }
        if position < MAX_ELEMENTS {
            if let Some(slot) = self.of_order.get_mut(position) {
                *slot = read;
            }
        } else {
            self.of_order.truncate(MAX_ELEMENTS);
        }
        id
    }

    fn read(
        &mut self,
        element: &Value,
        read: &mut Read,
        group: u8,
        rules: &ElementRules,
    ) -> Option<u32> {
        let mut key = u128::from(group);
        let mut shift = 8;
        for &path in rules.groups.get(usize::from(group))? {
            let slot = read.values.get_mut(usize::from(path))?;
            if *slot == UNREAD {
                *slot = self.encode(element, path, rules).unwrap_or(UNKEYED);
            }
            if *slot == UNKEYED {
                return None;
            }
            key |= u128::from(*slot) << shift;
            shift += 32;
        }
        if let Some(&id) = self.ids.get(&key) {
            return Some(id);
        }
        // Below UNKEYED, so a number is never taken for the marks.
        let id = u32::try_from(self.ids.len())
            .ok()
            .filter(|&n| n < UNKEYED)?;
        self.ids.insert(key, id);
        self.nothing.push(0);
        Some(id)
    }

    fn encode(&mut self, element: &Value, path: u8, rules: &ElementRules) -> Option<u32> {
        use chrono::Datelike;
        self.key.clear();
        self.key.push(path);
        let names = rules.paths.get(usize::from(path))?;
        // `get` takes null for absent, as a path does.
        match names.iter().try_fold(element, |v, name| v.get(name)) {
            None => self.key.push(0),
            Some(Value::Bool(b)) => self.key.extend_from_slice(&[1, u8::from(*b)]),
            Some(Value::Text(t)) => {
                self.key.push(2);
                self.key.extend_from_slice(t.as_bytes());
            }
            // Mantissa and scale: `1.50` and `1.5` are two values.
            Some(Value::Number(n)) => {
                self.key.push(3);
                self.key.extend_from_slice(&n.serialize());
            }
            Some(Value::Date(d)) => {
                self.key.push(4);
                self.key
                    .extend_from_slice(&d.num_days_from_ce().to_le_bytes());
            }
            Some(Value::Null | Value::List(_) | Value::Map(_)) => return None,
        }
        if let Some(&number) = self.values.get(self.key.as_slice()) {
            return Some(number);
        }
        // Below UNKEYED, so a number is never taken for the marks.
        let number = u32::try_from(self.values.len())
            .ok()
            .filter(|&n| n < UNKEYED)?;
        self.values
            .insert(self.key.clone().into_boxed_slice(), number);
        Some(number)
    }
}
