//! Field paths such as `items[*].hs`, `consignees[-1].city` or `buyer.country`.
//!
//! A path is parsed once when a rule is loaded and resolved many times against
//! orders. Resolution yields every value the path reaches together with the
//! concrete path (`consignees[1].city`), which is what evidence quotes.

use std::fmt::{self, Write as _};

use smallvec::SmallVec;

use super::fields::FieldHint;
use super::value::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A named member of an object.
    Field(String),
    /// A list member; negative counts from the end (`-1` is the last).
    Index(i64),
    /// Every member of a list (`[*]`).
    Each,
}

/// A parsed path, relative to the order or to a bound variable.
#[derive(Debug, Clone)]
pub struct Path {
    segments: Vec<Segment>,
    /// Per segment, where its field was last found (used by field segments only): a guess
    /// that speeds the look-up and is no part of what the path means.
    hints: Vec<FieldHint>,
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        self.segments == other.segments
    }
}

impl Eq for Path {}

/// Why a path text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSyntaxError {
    /// Byte offset into the path text.
    pub offset: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl Path {
    /// Parses `a.b[0].c[*]`; field names are `[A-Za-z0-9_]+`.
    pub fn parse(text: &str) -> Result<Path, PathSyntaxError> {
        let mut segments = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut expect_field = true;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'[' {
                let close = text[i..].find(']').map(|p| p + i).ok_or(PathSyntaxError {
                    offset: i,
                    message: "unclosed `[`".into(),
                })?;
                let inner = text[i + 1..close].trim();
                if inner == "*" {
                    segments.push(Segment::Each);
                } else {
                    let index = inner.parse::<i64>().map_err(|_| PathSyntaxError {
                        offset: i + 1,
                        message: format!("`{inner}` is not a list index (use a number or `*`)"),
                    })?;
                    segments.push(Segment::Index(index));
                }
                i = close + 1;
                expect_field = false;
            } else if c == b'.' {
                if expect_field {
                    return Err(PathSyntaxError {
                        offset: i,
                        message: "empty field name".into(),
                    });
                }
                i += 1;
                expect_field = true;
            } else {
                if !expect_field {
                    return Err(PathSyntaxError {
                        offset: i,
                        message: "expected `.` or `[` after a list index".into(),
                    });
                }
                let end = text[i..]
                    .find(['.', '['])
                    .map(|p| p + i)
                    .unwrap_or(text.len());
                let name = &text[i..end];
                if let Some(bad) = name
                    .char_indices()
                    .find(|(_, ch)| !(ch.is_ascii_alphanumeric() || *ch == '_'))
                {
                    return Err(PathSyntaxError {
                        offset: i + bad.0,
                        message: format!("`{}` cannot appear in a field name", bad.1),
                    });
                }
                segments.push(Segment::Field(name.to_string()));
                i = end;
                expect_field = false;
            }
        }
        if segments.is_empty() || (expect_field && !text.is_empty()) {
            return Err(PathSyntaxError {
                offset: text.len(),
                message: "the path is empty or ends with `.`".into(),
            });
        }
        Ok(Path::from_segments(segments))
    }

    /// Builds a path from segments.
    pub fn from_segments(segments: Vec<Segment>) -> Path {
        let hints = segments.iter().map(|_| FieldHint::default()).collect();
        Path { segments, hints }
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True when the path can reach more than one value.
    pub fn has_wildcard(&self) -> bool {
        self.segments.contains(&Segment::Each)
    }

    /// Every value this path reaches from `root`, with its concrete path
    /// appended to `prefix`. A member that is absent or null yields `None`
    /// with the path where it was expected, so that a rule over `items[*].hs`
    /// sees an item without `hs` as unknown instead of skipping it; an empty
    /// list yields nothing.
    pub fn resolve<'v>(
        &self,
        root: &'v Value,
        prefix: &str,
        out: &mut Vec<(String, Option<&'v Value>)>,
    ) {
        let mut reached = Vec::new();
        self.reach(root, &mut reached);
        out.extend(
            reached
                .into_iter()
                .map(|r| (r.trail.concrete(prefix), r.value)),
        );
    }

    /// Every value this path reaches from `root`, as [`Path::resolve`], with the concrete
    /// path kept as a [`Trail`]: judging reads far more values than evidence quotes, so the
    /// text is formatted only when it is asked for.
    pub fn reach<'p, 'v>(&'p self, root: &'v Value, out: &mut Vec<Reach<'p, 'v>>) {
        self.reach_each(root, &mut |reached| out.push(reached));
    }

    /// Every value this path reaches from `root`, as [`Path::reach`], handed to `sink` one at
    /// a time: a caller that keeps them in its own form needs no vector of them first.
    pub fn reach_each<'p, 'v, F: FnMut(Reach<'p, 'v>)>(&'p self, root: &'v Value, sink: &mut F) {
        let mut slots = SmallVec::new();
        reach_from(root, None, &self.segments, &self.hints, 0, &mut slots, sink);
    }
}

/// Where a value was reached: the steps of its path that were followed and the list member
/// each `[*]` or index step took.
#[derive(Debug)]
pub struct Trail<'p> {
    /// The path's steps up to and including the one where resolution stopped.
    steps: &'p [Segment],
    /// Per index or `[*]` step in `steps`, the member taken; [`Slot::QUOTED`] where the step
    /// is quoted as written (an index out of range, `[*]` over something not a list).
    slots: SmallVec<[Slot; 4]>,
}

/// The list member an index or `[*]` step took, or [`Slot::QUOTED`] where the step is quoted as
/// written. Four bytes rather than an `Option<usize>`: judging moves trails around by the
/// million, and an order's lists are far shorter than `u32::MAX` (`order::limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot(u32);

impl Slot {
    const QUOTED: Slot = Slot(u32::MAX);

    fn taken(member: usize) -> Slot {
        u32::try_from(member)
            .ok()
            .filter(|&m| m != u32::MAX)
            .map_or(Slot::QUOTED, Slot)
    }

    fn member(self) -> Option<usize> {
        (self != Slot::QUOTED).then_some(self.0 as usize)
    }
}

impl Clone for Trail<'_> {
    /// Copies the slots at once (`SmallVec`'s own `clone` copies them one by one through an
    /// iterator): judging copies the trails of the elements a rule's first binding shares with
    /// other rules (`engine::memo::FirstElements`).
    fn clone(&self) -> Self {
        Trail {
            steps: self.steps,
            slots: SmallVec::from_slice(&self.slots),
        }
    }
}

impl Trail<'_> {
    /// The path this was reached through, by address: the same for the members of one list,
    /// another for an equal path held elsewhere.
    pub fn path_id(&self) -> usize {
        self.steps.as_ptr() as usize
    }

    /// The concrete path (`consignees[1].city`) after `prefix`.
    pub fn concrete(&self, prefix: &str) -> String {
        let mut out = String::with_capacity(prefix.len() + 16);
        out.push_str(prefix);
        self.push_concrete(&mut out);
        out
    }

    /// Appends the concrete path to `out`, which holds the path before it (or nothing): the
    /// path through several variables is written into one string.
    pub fn push_concrete(&self, out: &mut String) {
        let mut slots = self.slots.iter();
        for step in self.steps {
            match step {
                Segment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(index) => match slots.next().and_then(|s| s.member()) {
                    Some(slot) => push_index(out, slot),
                    None => {
                        // Writing to a `String` cannot fail.
                        let _ = write!(out, "[{index}]");
                    }
                },
                Segment::Each => match slots.next().and_then(|s| s.member()) {
                    Some(slot) => push_index(out, slot),
                    None => out.push_str("[*]"),
                },
            }
        }
    }
}

/// Appends `[slot]`, its digits written by hand: evidence quotes a concrete path for every
/// value it observes, and `write!`'s integer formatting cost more than the rest of the path.
fn push_index(out: &mut String, slot: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = slot;
    while let Some(digit) = at.checked_sub(1).and_then(|i| digits.get_mut(i)) {
        // `rest % 10` is below 10.
        *digit = b'0' + (rest % 10) as u8;
        at -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push('[');
    out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
    out.push(']');
}

/// A value a path reached (or `None` where it was expected but absent or null).
#[derive(Debug, Clone)]
pub struct Reach<'p, 'v> {
    /// The value, if present and not null.
    pub value: Option<&'v Value>,
    /// The object whose member the last step named, for reading a sibling such as the
    /// `currency` beside an amount.
    pub parent: Option<&'v Value>,
    /// Where the value sits.
    pub trail: Trail<'p>,
}

fn reach_from<'p, 'v, F: FnMut(Reach<'p, 'v>)>(
    value: &'v Value,
    parent: Option<&'v Value>,
    segments: &'p [Segment],
    hints: &[FieldHint],
    depth: usize,
    slots: &mut SmallVec<[Slot; 4]>,
    out: &mut F,
) {
    let all = segments;
    let Some(first) = segments.get(depth) else {
        let present = (!matches!(value, Value::Null)).then_some(value);
        out(Reach {
            value: present,
            parent,
            trail: Trail {
                steps: all,
                slots: SmallVec::from_slice(slots),
            },
        });
        return;
    };
    let stop = |slots: &SmallVec<[Slot; 4]>, parent| Reach {
        value: None,
        parent,
        trail: Trail {
            steps: &all[..=depth],
            slots: SmallVec::from_slice(slots),
        },
    };
    match first {
        Segment::Field(name) => match hints
            .get(depth)
            .map_or_else(|| value.get(name), |hint| value.get_hinted(name, hint))
            .or_else(|| {
                // Below `attributes` names are free, and an export writes a flag as its clerk
                // names it (`Installation Declined`): read exactly, it was absent, and a rule
                // that takes absent as "no" passed the order.
                let free = all
                    .get(..depth)
                    .unwrap_or_default()
                    .iter()
                    .any(|s| matches!(s, Segment::Field(f) if f == "attributes"));
                free.then(|| value.get_loose(name)).flatten()
            }) {
            Some(member) => reach_from(member, Some(value), all, hints, depth + 1, slots, out),
            // An absent list is an empty list: the spec makes `consignees`,
            // `route` and the like optional, and "no consignees" is a fact.
            None if all.get(depth + 1) == Some(&Segment::Each) => {}
            None => out(stop(slots, Some(value))),
        },
        Segment::Index(index) => {
            let taken = value.as_list().and_then(|list| {
                let len = i64::try_from(list.len()).ok()?;
                let actual = if *index < 0 {
                    len.checked_add(*index)?
                } else {
                    *index
                };
                let slot = usize::try_from(actual).ok()?;
                list.get(slot).map(|member| (slot, member))
            });
            match taken {
                Some((slot, member)) => {
                    slots.push(Slot::taken(slot));
                    reach_from(member, None, all, hints, depth + 1, slots, out);
                    slots.pop();
                }
                None => {
                    slots.push(Slot::QUOTED);
                    out(stop(slots, None));
                    slots.pop();
                }
            }
        }
        Segment::Each => match value.as_list() {
            Some(list) => {
                for (slot, member) in list.iter().enumerate() {
                    slots.push(Slot::taken(slot));
                    reach_from(member, None, all, hints, depth + 1, slots, out);
                    slots.pop();
                }
            }
            None if matches!(value, Value::Null) => {}
            None => {
                slots.push(Slot::QUOTED);
                out(stop(slots, None));
                slots.pop();
            }
        },
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Each => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_index_is_written_as_format_writes_it() {
        for slot in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut out = String::from("items");
            push_index(&mut out, slot);
            assert_eq!(out, format!("items[{slot}]"));
        }
    }
}
