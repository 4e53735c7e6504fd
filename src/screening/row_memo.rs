//! Rows of numbers worked out for one query reading against listed tokens, kept by the listed
//! token's id in the index's vocabulary ([`super::name_bound::ListedIds`]): a query's hundreds
//! of candidates share their business word and many syllables, so a (query token, listed
//! token) value is worked out once per query reading instead of once per candidate.
//!
//! A row holds a function of the two tokens alone (a listed token id names one token of one
//! index), so a memo is valid for one query reading against one index only: the screener
//! clears it before each query (`Screener::align_candidates`), which is also what keeps ids of
//! one index from meeting rows of another.

/// One value per query token for each listed token met so far. Reused from query to query
/// (`clear`), so it does not allocate per query.
#[derive(Debug, Default)]
pub(super) struct RowMemo {
    /// Per listed token id: 1 + the row of its values in `rows`, 0 when not met yet.
    slots: Vec<u32>,
    /// The ids met, to clear `slots` for the next query.
    met: Vec<u32>,
    /// The rows, one value per query token each.
    rows: Vec<f64>,
}

impl RowMemo {
    /// Forgets every row: the memo of a new query reading.
    pub(super) fn clear(&mut self) {
        for &id in &self.met {
            if let Some(s) = self.slots.get_mut(id as usize) {
                *s = 0;
            }
        }
        self.met.clear();
        self.rows.clear();
    }

    /// The `width` values of listed token `id`, each worked out by `value(i)` (for query token
    /// `i`) the first time. A memo serves one query reading (one width) between `clear`s.
    pub(super) fn row(&mut self, id: u32, width: usize, value: impl Fn(usize) -> f64) -> &[f64] {
        let at = id as usize;
        if self.slots.len() <= at {
            self.slots.resize(at + 1, 0);
        }
        let slot = self.slots.get(at).copied().unwrap_or(0) as usize;
        let start = match slot.checked_sub(1) {
            Some(row) => row * width,
            None => {
                let row = self.rows.len() / width.max(1);
                self.rows.extend((0..width).map(value));
                if let Some(s) = self.slots.get_mut(at) {
                    *s = u32::try_from(row + 1).unwrap_or(0);
                }
                self.met.push(id);
                row * width
            }
        };
        self.rows.get(start..start + width).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_worked_out_once_and_forgotten_on_clear() {
        let mut memo = RowMemo::default();
        assert_eq!(memo.row(7, 2, |i| i as f64 + 1.0), &[1.0, 2.0]);
        // Met before: the stored row, whatever the function says now.
        assert_eq!(memo.row(7, 2, |_| 9.0), &[1.0, 2.0]);
        assert_eq!(memo.row(3, 2, |_| 5.0), &[5.0, 5.0]);
        memo.clear();
        assert_eq!(memo.row(7, 2, |_| 9.0), &[9.0, 9.0]);
        assert_eq!(memo.row(3, 2, |_| 4.0), &[4.0, 4.0]);
    }
}
