//! The hash chain of the audit trail: each row's hash covers the previous row's hash and every
//! field of its own, so editing a row changes its hash and breaks the link from the next one,
//! and deleting a row leaves a gap in `seq` and a broken link.
//!
//! Deleting the *last* rows leaves a shorter chain that is still whole; [`verify`] catches that
//! through the order states (which name trail rows that are gone) and, fully, against a head
//! hash kept elsewhere (`audit verify --head`), since nothing inside a database can prove it
//! was not cut short.

use sha2::{Digest, Sha256};

use super::{replay_row, AuditRow, OrderState, Replayed};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of a row: SHA-256 over the fields, each length-prefixed so no two different rows
/// can be written as the same bytes.
pub fn row_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    kind: &str,
    order_id: &str,
    body: &str,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"redflag.audit/1\n");
    let seq = seq.to_string();
    for field in [prev_hash, seq.as_str(), at, kind, order_id, body] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// What `audit verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Rows read.
    pub rows: usize,
    /// The last row's seq and hash (the head to keep elsewhere).
    pub head: Option<(i64, String)>,
    /// Every problem, one sentence each; empty when the trail is intact.
    pub problems: Vec<String>,
}

/// Checks a trail read in order (in pages, through `next_page`) and the stored order states
/// against it. `head`, when given, is a `seq:hash` (or a hash) recorded earlier that must still
/// be in the trail.
pub fn verify(
    mut next_page: impl FnMut(i64) -> Result<Vec<AuditRow>, super::StoreError>,
    states: &[OrderState],
    head: Option<&str>,
) -> Result<Verification, super::StoreError> {
    let mut out = Verification::default();
    let mut prev_seq = 0i64;
    let mut prev_hash = GENESIS.to_string();
    // Replayed page by page: a trail of millions of rows is never held in memory.
    let mut replayed = Replayed::default();
    let (want_seq, want_hash) = match head.map(|h| h.split_once(':')) {
        Some(Some((seq, hash))) => (seq.parse::<i64>().ok(), Some(hash.to_string())),
        Some(None) => (None, head.map(String::from)),
        None => (None, None),
    };
    let mut head_found = want_hash.is_none();
    loop {
        let page = next_page(prev_seq)?;
        if page.is_empty() {
            break;
        }
        for row in page {
            out.rows += 1;
            let expected_seq = prev_seq + 1;
            if row.seq != expected_seq {
                out.problems.push(format!(
                    "row {} follows row {prev_seq}: rows {expected_seq}..{} are missing",
                    row.seq,
                    row.seq - 1
                ));
            }
            if row.prev_hash != prev_hash {
                out.problems.push(format!(
                    "row {} does not name the hash of the row before it: a row before it was edited or deleted",
                    row.seq
                ));
            }
            let hash = row_hash(
                &row.prev_hash,
                row.seq,
                &row.at,
                &row.kind,
                &row.order_id,
                &row.body,
            );
            if hash != row.hash {
                out.problems.push(format!(
                    "row {} ({} of order `{}`) was edited: its content does not hash to its stored hash",
                    row.seq, row.kind, row.order_id
                ));
            }
            if want_hash.as_deref() == Some(row.hash.as_str())
                && want_seq.is_none_or(|s| s == row.seq)
            {
                head_found = true;
            }
            prev_seq = row.seq;
            prev_hash = row.hash.clone();
            out.head = Some((row.seq, row.hash.clone()));
            replay_row(&mut replayed, &row);
        }
    }
    if !head_found {
        out.problems.push(format!(
            "the recorded head `{}` is not in the trail: rows were deleted from its end, or it is another trail",
            head.unwrap_or_default()
        ));
    }
    // Orders are named by client and id (`order `X` of client `erp``) in every problem.
    for state in states {
        let key = (state.client.clone(), state.order_id.clone());
        match replayed.states.get(&key) {
            None => out.problems.push(format!(
                "order `{}` of client `{}` has a state but no judgement in the trail: its rows were deleted",
                state.order_id, state.client
            )),
            Some(expected) if expected != state => out.problems.push(format!(
                "order `{}` of client `{}` stands {} at row {} but the trail says {} at row {}: the trail or the state was changed",
                state.order_id,
                state.client,
                state.status.as_str(),
                state.latest_seq,
                expected.status.as_str(),
                expected.latest_seq
            )),
            Some(_) => {}
        }
    }
    let stored: std::collections::HashSet<(&str, &str)> = states
        .iter()
        .map(|s| (s.client.as_str(), s.order_id.as_str()))
        .collect();
    for (client, id) in replayed.states.keys() {
        if !stored.contains(&(client.as_str(), id.as_str())) {
            out.problems.push(format!(
                "order `{id}` of client `{client}` is in the trail but has no state: the state was deleted"
            ));
        }
    }
    Ok(out)
}
