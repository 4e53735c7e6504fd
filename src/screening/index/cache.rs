//! The per-run cache of name scores: the candidates of each normalised query name and kind,
//! as [`super::Screener::screen`] aligned them, kept so that a name that recurs (the same buyer
//! on many orders, or screened by several rules) is aligned once per run.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EntryKind, Scored, ScreenerConfig, TokenPair};

pub(super) type CacheKey = (String, EntryKind);

/// The name scores of one query name: every candidate scoring at least `floor`.
#[derive(Debug, Clone)]
pub(super) struct Cached {
    pub(super) floor: f64,
    pub(super) scored: Arc<Vec<Scored>>,
}

/// The name-score cache: two generations, bounded together by entry count and estimated
/// bytes. New entries go to `young`; when it cannot take one more, `young` becomes `old` and
/// the previous `old` is dropped, so recently computed names survive one turnover and memory
/// stays flat over a run of any length.
///
/// An entry holds the candidates from the floor it was computed at, and answers a screen
/// whose floor is that or higher (the answer a fresh computation at the higher floor gives,
/// since the floor only leaves out names scoring below it). Entries are computed at the
/// lowest floor met so far (`lowest`), not at [`super::CACHE_MIN_SCORE`]: a pack's screens
/// ask for a few floors (0.70 and 0.85 in the default one), and at those the score ceiling
/// rules out most of the candidates that score around 0.5, which a floor of 0.5 had to align.
#[derive(Debug)]
pub(super) struct NameCache {
    young: HashMap<CacheKey, Cached>,
    old: HashMap<CacheKey, Cached>,
    pub(super) young_bytes: usize,
    pub(super) old_bytes: usize,
    /// The lowest floor of a cacheable screen so far (infinite before the first).
    pub(super) lowest: f64,
}

impl Default for NameCache {
    fn default() -> Self {
        NameCache {
            young: HashMap::new(),
            old: HashMap::new(),
            young_bytes: 0,
            old_bytes: 0,
            lowest: f64::INFINITY,
        }
    }
}

impl NameCache {
    /// The cached scores of `key` if they were computed at `floor` or lower.
    pub(super) fn get(&self, key: &CacheKey, floor: f64) -> Option<Arc<Vec<Scored>>> {
        let hit = match self.young.get(key) {
            Some(c) if c.floor <= floor => Some(c),
            // An entry in `young` at a higher floor replaced any older one.
            Some(_) => None,
            None => self.old.get(key).filter(|c| c.floor <= floor),
        };
        hit.map(|c| Arc::clone(&c.scored))
    }

    pub(super) fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    pub(super) fn insert(&mut self, key: CacheKey, value: Cached, config: &ScreenerConfig) {
        let bytes = entry_bytes(&key, &value.scored);
        // One entry may take at most half the budget, so that a turnover always makes room.
        if config.cache_capacity == 0 || bytes > config.cache_bytes / 2 {
            return;
        }
        let fits = |young: usize, young_bytes: usize, old: usize, old_bytes: usize| {
            young + old < config.cache_capacity
                && young_bytes + old_bytes + bytes <= config.cache_bytes
        };
        if !fits(
            self.young.len(),
            self.young_bytes,
            self.old.len(),
            self.old_bytes,
        ) {
            self.old = std::mem::take(&mut self.young);
            self.old_bytes = std::mem::take(&mut self.young_bytes);
            if !fits(0, 0, self.old.len(), self.old_bytes) {
                self.old.clear();
                self.old_bytes = 0;
            }
        }
        self.young_bytes += bytes;
        // A name computed again at a lower floor replaces its entry.
        match self.young.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let freed = entry_bytes(o.key(), &o.get().scored);
                self.young_bytes = self.young_bytes.saturating_sub(freed);
                o.insert(value);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(value);
            }
        }
    }

    pub(super) fn clear(&mut self) {
        *self = NameCache::default();
    }
}

/// Estimated heap and table bytes of one cache entry.
fn entry_bytes(key: &CacheKey, value: &[Scored]) -> usize {
    use std::mem::size_of;
    let pairs: usize = value
        .iter()
        .flat_map(|s| &s.pairs)
        .map(|p| size_of::<TokenPair>() + p.query.len() + p.candidate.len())
        .sum::<usize>()
        + value
            .iter()
            .filter_map(|s| s.reading.as_ref())
            .map(String::len)
            .sum::<usize>();
    // Key, value and the hash table's own slot, plus the Arc's counters.
    size_of::<CacheKey>()
        + key.0.len()
        + 2 * size_of::<usize>()
        + 16
        + size_of::<Arc<Vec<Scored>>>()
        + std::mem::size_of_val(value)
        + pairs
}
