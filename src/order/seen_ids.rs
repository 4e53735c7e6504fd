//! The order ids a run has seen, so that a repeated id is an error naming its first line
//! (`O111`): the one piece of a run's state that grows with the input, kept small. [`SeenIds`]
//! holds the ids of one input (a JSON Lines stream read alone); [`RunIds`] those of every
//! input of one run, each with the input it came from, so that an id repeated in a second
//! input is found as one repeated within an input is.

use super::normalize::codes;
use super::normalize::{quote, record_problem};
use super::FieldProblem;

/// Remembers the first line of every order id in one input, so a later
/// record with the same id becomes an error naming the first one. This is the
/// one piece of state that grows with the input: one entry per id, 12 bytes (a
/// 64-bit fingerprint of the id and its first line) in tables that are never
/// rehashed. A table that is full stays as it is and a new one (twice as large,
/// up to [`LARGEST_TABLE`]) takes the next ids, so memory follows the count of
/// ids at about 15 bytes each, without the doubling and the old-plus-new peak
/// of a growing hash table: a million orders hold about 16 MB here, where their
/// ids as strings in a `HashMap` held 108 MB.
///
/// Two different ids share a fingerprint with probability about n²/2⁶⁵ (one
/// run of a million orders in 37 million); the later one is then an error that
/// names the earlier, never a record that passes unchecked.
#[derive(Debug, Default)]
pub(crate) struct SeenIds {
    /// Entries `[fingerprint low, fingerprint high, first line]`; the line
    /// saturates at `u32::MAX`, which the problem reports as "an earlier line".
    tables: Tables<3>,
}

/// Fingerprinted entries `[fingerprint low, fingerprint high, ...]` in tables filled one
/// after another, never rehashed (see [`SeenIds`]).
#[derive(Debug)]
struct Tables<const N: usize>(Vec<hashbrown::HashTable<[u32; N]>>);

impl<const N: usize> Default for Tables<N> {
    fn default() -> Self {
        Tables(Vec::new())
    }
}

/// The first table's capacity, in ids.
const FIRST_TABLE: usize = 896;

/// The largest table's capacity (2¹⁸ buckets filled to 7/8): a lookup probes each table, a
/// dozen for a million ids.
const LARGEST_TABLE: usize = 229_376;

/// A 64-bit fingerprint of an id: std's SipHash with its fixed keys, so the same within a run
/// (all it must be) and the same from run to run.
fn fingerprint(id: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(id.as_bytes());
    hasher.finish()
}

fn print_of<const N: usize>(entry: &[u32; N]) -> u64 {
    u64::from(entry[0]) | (u64::from(entry[1]) << 32)
}

/// A line as an entry keeps it: saturated at `u32::MAX`, read back as "an earlier line".
fn line_entry(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

fn line_of(entry: u32) -> Option<usize> {
    (entry != u32::MAX).then_some(entry as usize)
}

impl<const N: usize> Tables<N> {
    /// The entry of `id`, if it was seen; else records `rest` for it (its first two words,
    /// the fingerprint, filled in here) and returns `None`.
    fn seen_or_insert(&mut self, id: &str, rest: [u32; N]) -> Option<[u32; N]> {
        let print = fingerprint(id);
        for table in &self.0 {
            if let Some(seen) = table.find(print, |e| print_of(e) == print) {
                return Some(*seen);
            }
        }
        let full = self.0.last().is_none_or(|t| t.len() >= t.capacity());
        if full {
            let next = self
                .0
                .last()
                .map_or(FIRST_TABLE, |t| t.capacity().saturating_mul(2))
                .min(LARGEST_TABLE);
            self.0.push(hashbrown::HashTable::with_capacity(next));
        }
        let mut entry = rest;
        entry[0] = print as u32;
        entry[1] = (print >> 32) as u32;
        if let Some(table) = self.0.last_mut() {
            table.insert_unique(print, entry, print_of);
        }
        None
    }
}

impl SeenIds {
    /// Records `id` at `line`; returns the earlier line if it was seen before (`None` inside
    /// when that line is beyond `u32::MAX`).
    pub(crate) fn check(&mut self, id: &str, line: usize) -> Option<Option<usize>> {
        self.tables
            .seen_or_insert(id, [0, 0, line_entry(line)])
            .map(|seen| line_of(seen[2]))
    }
}

impl SeenIds {
    /// The problem of a record whose id was seen before in a streamed input.
    pub(crate) fn problem(&mut self, id: &str, line: usize) -> Option<FieldProblem> {
        self.check(id, line)
            .map(|first| repeated_problem(id, None, first))
    }
}

/// The `O111` problem of a record whose id first appeared on line `first` of the same input
/// (`input` `None`) or of another input (`input` saying which: ``in `a.jsonl` ``).
fn repeated_problem(id: &str, input: Option<&str>, first: Option<usize>) -> FieldProblem {
    let place = match (input, first) {
        (None, Some(first)) => format!("on line {first}"),
        (None, None) => "on an earlier line".to_string(),
        (Some(input), Some(first)) => format!("{input} on line {first}"),
        (Some(input), None) => input.to_string(),
    };
    record_problem(
        codes::DUPLICATE_ID,
        format!("order id `{}` already appears {place}", quote(id)),
    )
}

/// The order ids of every input of one run (`check a.jsonl b.csv`), each with the input and
/// line it first appeared on: a record of a later input with an id seen in an earlier one is
/// an error naming the first, as a repeat within one input is. Otherwise a waiver written for
/// order `SO-1` of one file cleared a different order `SO-1` of another, and a reviewer's
/// decision on one could be taken for the other. Entries are 16 bytes (the fingerprint, the
/// line and the input), in the tables [`SeenIds`] describes.
#[derive(Debug, Default)]
pub struct RunIds {
    /// Entries `[fingerprint low, fingerprint high, first line, input]`.
    tables: Tables<4>,
}

impl RunIds {
    /// Records `id` of the record on `line` of input `input` (its position among the run's
    /// inputs, `files`), and returns the `O111` problem when a record seen before had the same
    /// id: one of an earlier input always, one of the same input only when `checked` is false
    /// (its reader did not check the input's ids itself, [`crate::order::Pending::id_unchecked`]).
    pub fn problem(
        &mut self,
        id: &str,
        input: usize,
        line: usize,
        files: &[String],
        checked: bool,
    ) -> Option<FieldProblem> {
        let index = u32::try_from(input).unwrap_or(u32::MAX);
        let seen = self
            .tables
            .seen_or_insert(id, [0, 0, line_entry(line), index])?;
        let first = line_of(seen[2]);
        if seen[3] == index {
            return (!checked).then(|| repeated_problem(id, None, first));
        }
        let input = match usize::try_from(seen[3]).ok().and_then(|i| files.get(i)) {
            Some(file) => format!("in `{}`", quote(file)),
            None => "in an earlier input".to_string(),
        };
        Some(repeated_problem(id, Some(&input), first))
    }
}
