//! The order ids one input has seen, so that a repeated id is an error naming its first line
//! (`O111`): the one piece of a run's state that grows with the input, kept small.

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
    tables: Vec<hashbrown::HashTable<[u32; 3]>>,
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

fn print_of(entry: &[u32; 3]) -> u64 {
    u64::from(entry[0]) | (u64::from(entry[1]) << 32)
}

impl SeenIds {
    /// Records `id` at `line`; returns the earlier line if it was seen before (`None` inside
    /// when that line is beyond `u32::MAX`).
    pub(crate) fn check(&mut self, id: &str, line: usize) -> Option<Option<usize>> {
        let print = fingerprint(id);
        for table in &self.tables {
            if let Some(seen) = table.find(print, |e| print_of(e) == print) {
                let first = seen[2];
                return Some((first != u32::MAX).then_some(first as usize));
            }
        }
        let full = self.tables.last().is_none_or(|t| t.len() >= t.capacity());
        if full {
            let next = self
                .tables
                .last()
                .map_or(FIRST_TABLE, |t| t.capacity().saturating_mul(2))
                .min(LARGEST_TABLE);
            self.tables.push(hashbrown::HashTable::with_capacity(next));
        }
        let entry = [
            print as u32,
            (print >> 32) as u32,
            u32::try_from(line).unwrap_or(u32::MAX),
        ];
        if let Some(table) = self.tables.last_mut() {
            table.insert_unique(print, entry, print_of);
        }
        None
    }
}

impl SeenIds {
    /// The problem of a record whose id was seen before in a streamed input.
    pub(crate) fn problem(&mut self, id: &str, line: usize) -> Option<FieldProblem> {
        self.check(id, line).map(|first| {
            let place = match first {
                Some(first) => format!("on line {first}"),
                None => "on an earlier line".to_string(),
            };
            record_problem(
                codes::DUPLICATE_ID,
                format!("order id `{}` already appears {place}", quote(id)),
            )
        })
    }
}
