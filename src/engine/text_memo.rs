//! Which patterns of a compiled set a text holds, which listed places it names, and whether
//! it writes out a name of the screening lists, remembered across the orders one thread
//! judges.
//!
//! The orders of a run repeat their texts: a catalogue's item descriptions, an end-use
//! statement such as `production`, a buyer's line of business, the same cities. Each is asked
//! of the same pattern sets and place lists by several rules of every order, and the answer
//! depends on the set or list and the text alone, so it is worked out once and then looked
//! up: a hash of a short text against a lazy DFA's scan (with the visible-text and letter
//! readings made before it and the second scan that names the patterns found), or against a
//! place text's readings each looked up in the index.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::LocalKey;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::conditions::Rows;

/// Texts remembered per thread and kind of question; when full, the memo starts again (a
/// run's repeated texts come back at once, the one-off ones, mostly names, would otherwise
/// crowd them out).
const MAX_TEXTS: usize = 4096;
/// Longer texts are not remembered: a statement of a paragraph seldom repeats.
const MAX_TEXT_BYTES: usize = 256;
/// Answers remembered per text: more than the default pack asks of any one text, and a bound
/// on what sets compiled again and again (a reloaded pack) can leave behind.
const MAX_ANSWERS_PER_TEXT: usize = 16;

/// Per text, the answer of each set or index (by its id) that was asked.
type Memo = FxHashMap<Box<str>, SmallVec<[(u64, Rows); 2]>>;

thread_local! {
    static SET_HITS: RefCell<Memo> = RefCell::new(Memo::default());
    static PLACE_HITS: RefCell<Memo> = RefCell::new(Memo::default());
    static MENTIONS: RefCell<Memo> = RefCell::new(Memo::default());
}

/// The next id of a list index whose place look-ups are remembered, or of an engine's
/// screening index whose `mentions` answers are: unique in the process,
/// since an index's address may be given again to one built after it is dropped (a pack
/// reloaded by `serve`, the packs of a rule-test run).
static NEXT_INDEX_ID: AtomicU64 = AtomicU64::new(0);

pub(super) fn next_index_id() -> u64 {
    NEXT_INDEX_ID.fetch_add(1, Ordering::Relaxed)
}

/// The patterns of the set numbered `set` (`PatternSet::id`) that `find` finds in `text`.
pub(super) fn set_hits(set: u64, text: &str, find: impl FnOnce(&str) -> Rows) -> Rows {
    remembered(&SET_HITS, set, text, find)
}

/// The rows of the list index numbered `index` (`next_index_id`) that `find` finds the place
/// `text` names among.
pub(super) fn place_hits(index: u64, text: &str, find: impl FnOnce(&str) -> Rows) -> Rows {
    remembered(&PLACE_HITS, index, text, find)
}

/// Whether `text` writes out a name listed in the screening index numbered `screener`
/// (`Engine::screener_memo_id`, from [`next_index_id`]), as `find` says: nearly every text a
/// `mentions` condition reads (a line of business, an item description, an end-use statement)
/// writes out none, and is read again in the next order.
pub(super) fn mentions_any(screener: u64, text: &str, find: impl FnOnce(&str) -> bool) -> bool {
    let found = remembered(&MENTIONS, screener, text, |text| {
        let mut rows = Rows::new();
        if find(text) {
            rows.push(0);
        }
        rows
    });
    !found.is_empty()
}

/// `find(text)`, from `memo` when this thread has asked it of `id` before.
fn remembered(
    memo: &'static LocalKey<RefCell<Memo>>,
    id: u64,
    text: &str,
    find: impl FnOnce(&str) -> Rows,
) -> Rows {
    if text.len() > MAX_TEXT_BYTES {
        return find(text);
    }
    let known = memo.with(|memo| {
        memo.try_borrow().ok().and_then(|memo| {
            memo.get(text)
                .and_then(|answers| answers.iter().find(|(asked, _)| *asked == id))
                .map(|(_, rows)| rows.clone())
        })
    });
    if let Some(rows) = known {
        return rows;
    }
    let rows = find(text);
    memo.with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut() {
            if memo.len() >= MAX_TEXTS && !memo.contains_key(text) {
                memo.clear();
            }
            let answers = memo.entry(text.into()).or_default();
            if answers.len() >= MAX_ANSWERS_PER_TEXT {
                answers.clear();
            }
            answers.push((id, rows.clone()));
        }
    });
    rows
}
