//! Listed words one edit from a word of a query (a letter changed, added or left out, or two
//! neighbouring letters swapped), for the candidate vote ([`super::candidates`]): `taha` for
//! `taka`. Looked up the way SymSpell does, by deletions: two words are one edit apart only
//! if one is the other less a letter, or both less one letter are the same word, so the index
//! keeps every listed word and its one-letter deletions, and a query looks up its word and
//! that word's deletions (a handful of look-ups, against about 53 per letter for trying every
//! edit). A shared deletion may still be two edits (`abc`, `bca`), so each word found is
//! checked. Listed words two edits away are found through the trigrams they share with the
//! query's word and checked by their edit distance ([`NeighbourIndex::two_edits_from`]).
//! Written here rather than taken from a crate: the crates that do this keep their own
//! dictionary of words and counts, where the vote needs the index's posting lists.

use std::hash::Hasher;

use rustc_hash::FxHasher;

use super::candidates::grams;

/// The index of listed words by themselves and their one-letter deletions, and by their
/// trigrams for two edits. It is built with the list index and stored with it
/// ([`crate::screening::persist`]), or on a run's first query.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct NeighbourIndex {
    /// The listed words that may be neighbours, one after another.
    text: String,
    /// Per word, where it ends in `text` and its posting list.
    words: Vec<(u32, u32)>,
    /// Each word and each of its one-letter deletions, by hash, to the word's place in `words`.
    deletions: Buckets,
    /// Each distinct trigram (padded with a space on each side) of the words of
    /// [`MIN_TWO_EDIT_LISTED`] letters or more, by hash, to the word's place in `words`.
    grams: Buckets,
}

/// Fewest letters of a listed word that may be two edits from a query's word: the query's
/// word has [`super::candidates`]' six or more.
const MIN_TWO_EDIT_LISTED: usize = 4;

/// A hash table laid out flat, the entries of each bucket together: keys (hashes) to values.
/// A sort of the few hundred thousand keys of a large list took 47 M instructions, more than
/// the rest of a one-order check; counting them into buckets takes a tenth of that.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Buckets {
    /// Where each bucket's entries start in `entries`, and one more for where the last ends.
    starts: Vec<u32>,
    /// Per key, the low 32 bits of its hash and its value, by bucket (the hash's high bits).
    entries: Vec<(u32, u32)>,
    /// How many high bits of a hash number its bucket (0: empty).
    bits: u32,
}

impl Buckets {
    fn new(keys: &[(u64, u32)]) -> Buckets {
        let bits = usize::BITS - keys.len().max(16).leading_zeros();
        let bucket = |key: u64| (key >> (64 - bits)) as usize;
        let mut starts = vec![0u32; (1usize << bits) + 1];
        for &(key, _) in keys {
            if let Some(n) = starts.get_mut(bucket(key) + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut entries = vec![(0u32, 0u32); keys.len()];
        for &(key, value) in keys {
            let Some(slot) = next.get_mut(bucket(key)) else {
                continue;
            };
            if let Some(e) = entries.get_mut(*slot as usize) {
                *e = (key as u32, value);
            }
            *slot += 1;
        }
        Buckets {
            starts,
            entries,
            bits,
        }
    }

    /// Whether the table is laid out as [`Buckets::new`] lays it out, its values below
    /// `values`: a table read from a stored index is checked before it is used.
    fn consistent(&self, values: usize) -> bool {
        let laid_out = match self.bits {
            0 => self.starts.len() <= 1,
            bits @ 1..64 => self.starts.len() == (1usize << bits) + 1,
            _ => false,
        };
        laid_out
            && self.starts.first().is_none_or(|&s| s == 0)
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && self
                .starts
                .last()
                .is_none_or(|&end| end as usize == self.entries.len())
            && self.entries.iter().all(|&(_, v)| (v as usize) < values)
    }

    /// The values of `key` (and of the rare other key sharing its bucket and low bits).
    fn get(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let range = if self.bits == 0 {
            0..0
        } else {
            let bucket = (key >> (64 - self.bits)) as usize;
            match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
                (Some(&start), Some(&end)) => start as usize..end as usize,
                _ => 0..0,
            }
        };
        self.entries
            .get(range)
            .unwrap_or_default()
            .iter()
            .filter(move |&&(low, _)| low == key as u32)
            .map(|&(_, value)| value)
    }
}

/// The distinct trigrams of `word` as the candidate vote counts them ([`grams`]: padded with a
/// space on each side), as keys: multiplied by an odd constant, which keeps distinct trigrams
/// distinct and spreads them over the high bits that number a bucket.
fn gram_keys(word: &str, out: &mut Vec<u64>) {
    let mut trigrams = Vec::with_capacity(word.len() + 2);
    grams(word, &mut trigrams);
    out.clear();
    out.extend(
        trigrams
            .iter()
            .map(|&g| u64::from(g).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
    );
    out.sort_unstable();
    out.dedup();
}

/// Whether a word is written in the letters and digits that the edits are counted on: what
/// normalizing leaves of a Latin name. Other scripts are read into these or compared through
/// their own readings.
pub(super) fn is_plain(word: &str) -> bool {
    word.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    // The length is hashed too: FxHasher's `write` reads the bytes in words, so strings
    // differing only by trailing zero bytes would otherwise meet (not here, but cheaply ruled
    // out).
    h.write_usize(bytes.len());
    h.finish()
}

/// Calls `each` with the word and with each of its one-letter deletions, in order.
fn with_deletions(word: &[u8], buf: &mut Vec<u8>, mut each: impl FnMut(u64)) {
    each(hash_of(word));
    for at in 0..word.len() {
        // A run of one letter gives the same deletion at each of its places: once is enough.
        if at > 0 && word.get(at) == word.get(at - 1) {
            continue;
        }
        buf.clear();
        buf.extend_from_slice(word.get(..at).unwrap_or_default());
        buf.extend_from_slice(word.get(at + 1..).unwrap_or_default());
        each(hash_of(buf));
    }
}

/// Whether `a` and `b` are one edit apart: one letter changed, added or left out, or two
/// neighbouring letters swapped (not equal, not two edits).
pub(super) fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let head = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => {
            if head == short.len() {
                return false;
            }
            let (s, l) = (&short[head..], &long[head..]);
            // Changed at `head`, or swapped with the letter after it.
            s.get(1..) == l.get(1..)
                || (s.len() >= 2
                    && s.first() == l.get(1)
                    && s.get(1) == l.first()
                    && s.get(2..) == l.get(2..))
        }
        1 => short.get(head..) == long.get(head + 1..),
        _ => false,
    }
}

impl NeighbourIndex {
    /// The index of `tokens` (each listed word with its posting list) of at least `min_len`
    /// letters written plainly ([`is_plain`]).
    pub(super) fn new<'a>(
        tokens: impl Iterator<Item = (&'a str, u32)>,
        min_len: usize,
    ) -> NeighbourIndex {
        let mut text = String::new();
        let mut words = Vec::new();
        let mut deletions: Vec<(u64, u32)> = Vec::new();
        let mut grams: Vec<(u64, u32)> = Vec::new();
        let (mut buf, mut keys) = (Vec::new(), Vec::new());
        for (word, list) in tokens.filter(|(t, _)| t.len() >= min_len && is_plain(t)) {
            let (Ok(at), Ok(end)) = (
                u32::try_from(words.len()),
                u32::try_from(text.len() + word.len()),
            ) else {
                // Beyond four gigabytes of words: the rest find no neighbours.
                break;
            };
            text.push_str(word);
            words.push((end, list));
            with_deletions(word.as_bytes(), &mut buf, |key| deletions.push((key, at)));
            if word.len() >= MIN_TWO_EDIT_LISTED {
                gram_keys(word, &mut keys);
                grams.extend(keys.iter().map(|&key| (key, at)));
            }
        }
        NeighbourIndex {
            text,
            words,
            deletions: Buckets::new(&deletions),
            grams: Buckets::new(&grams),
        }
    }

    /// Whether a stored index holds together: its words end in order within its text, on
    /// character boundaries, each with one of `lists` posting lists, and its tables point at
    /// its words.
    pub(super) fn consistent(&self, lists: usize) -> bool {
        let mut start = 0usize;
        self.words.iter().all(|&(end, list)| {
            let end = end as usize;
            let ok = start <= end && self.text.get(start..end).is_some() && (list as usize) < lists;
            start = end;
            ok
        }) && start <= self.text.len()
            && self.deletions.consistent(self.words.len())
            && self.grams.consistent(self.words.len())
    }

    /// The listed word at `at`, with its posting list.
    fn word(&self, at: u32) -> Option<(&str, u32)> {
        let i = at as usize;
        let &(end, list) = self.words.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => self.words.get(before)?.0,
            None => 0,
        };
        Some((self.text.get(start as usize..end as usize)?, list))
    }

    /// Appends to `out` the listed words one edit from `word` ([`one_edit_apart`]) with their
    /// posting lists, each once, in the order of the words: the same whatever order the index
    /// was built in, so a run with a list index loaded from the cache finds them in the order
    /// a run that built it does.
    pub(super) fn one_edit_from<'s>(&'s self, word: &str, out: &mut Vec<(&'s str, u32)>) {
        let first = out.len();
        let mut buf = Vec::new();
        with_deletions(word.as_bytes(), &mut buf, |key| {
            for at in self.deletions.get(key) {
                // A word may share several keys with `word` (`abab` and `abba`); kept once below.
                if let Some((listed, list)) = self.word(at) {
                    if one_edit_apart(listed.as_bytes(), word.as_bytes()) {
                        out.push((listed, list));
                    }
                }
            }
        });
        in_order(out, first);
    }

    /// Appends to `out` the listed words exactly two edits from `word` (optimal string
    /// alignment: letters changed, added, left out, neighbours swapped) with their posting
    /// lists, in the order of the words. Found through shared trigrams: two edits that change,
    /// add or leave out letters spoil at most six of a word's padded trigrams, so a listed word
    /// sharing fewer with it (and at least two) is not looked at; two swaps far apart may
    /// spoil eight, and such a word is missed.
    pub(super) fn two_edits_from<'s>(&'s self, word: &str, out: &mut Vec<(&'s str, u32)>) {
        let mut keys = Vec::new();
        gram_keys(word, &mut keys);
        let need = keys.len().saturating_sub(6).max(2);
        let mut shared: rustc_hash::FxHashMap<u32, usize> = rustc_hash::FxHashMap::default();
        for &key in &keys {
            for at in self.grams.get(key) {
                *shared.entry(at).or_default() += 1;
            }
        }
        let first = out.len();
        for (at, count) in shared {
            if count < need {
                continue;
            }
            if let Some((listed, list)) = self.word(at) {
                if listed.len().abs_diff(word.len()) <= 2
                    && letters_apart(listed, word) <= 4
                    && strsim::osa_distance(listed, word) == 2
                {
                    out.push((listed, list));
                }
            }
        }
        in_order(out, first);
    }
}

/// How many letters `a` and `b` differ by, counted as multisets of bytes (the letters one
/// has beyond the other's, both ways). An edit adds at most two (a letter changed), a swap of
/// neighbours none, so words two edits apart differ by at most four: words sharing many
/// trigrams mostly differ by more, and are let go before their edit distance is computed.
fn letters_apart(a: &str, b: &str) -> u32 {
    let mut counts = [0i32; 256];
    for &c in a.as_bytes() {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            *n = n.saturating_add(1);
        }
    }
    for &c in b.as_bytes() {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            *n = n.saturating_sub(1);
        }
    }
    // Each letter's difference once: taken from its slot where it is first met.
    let mut apart = 0u32;
    for &c in a.as_bytes().iter().chain(b.as_bytes()) {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            apart = apart.saturating_add(std::mem::take(n).unsigned_abs());
        }
    }
    apart
}

/// Sorts what a search appended to `out` after `first` by word, each once: the order does not
/// depend on how the index was built or on a hash map's.
fn in_order(out: &mut Vec<(&str, u32)>, first: usize) {
    let mut found = out.split_off(first.min(out.len()));
    found.sort_unstable();
    found.dedup();
    out.append(&mut found);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word one edit from `word` over a small alphabet, by trying each edit.
    fn edits(word: &str) -> Vec<String> {
        let letters = ['a', 'b', 'c'];
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        for at in 0..=chars.len() {
            for &c in &letters {
                let mut added = chars.clone();
                added.insert(at, c);
                out.push(added.into_iter().collect());
            }
            if at < chars.len() {
                let mut left = chars.clone();
                left.remove(at);
                out.push(left.into_iter().collect());
                for &c in &letters {
                    let mut changed = chars.clone();
                    changed[at] = c;
                    out.push(changed.into_iter().collect());
                }
                if at + 1 < chars.len() {
                    let mut swapped = chars.clone();
                    swapped.swap(at, at + 1);
                    out.push(swapped.into_iter().collect());
                }
            }
        }
        out.retain(|e| e != word);
        out.sort();
        out.dedup();
        out
    }

    /// All words of up to `len` letters over `abc`.
    fn all_words(len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            let next: Vec<String> = last
                .iter()
                .flat_map(|w| ['a', 'b', 'c'].map(|c| format!("{w}{c}")))
                .collect();
            out.extend(next.iter().cloned());
            last = next;
        }
        out
    }

    #[test]
    fn one_edit_apart_is_exactly_one_edit() {
        let words = all_words(4);
        for a in &words {
            let near = edits(a);
            for b in &words {
                assert_eq!(
                    one_edit_apart(a.as_bytes(), b.as_bytes()),
                    near.contains(b),
                    "`{a}` and `{b}`"
                );
            }
        }
    }

    /// Each listed word one edit away found once, in the order of the words, whatever order
    /// the index was built in; with their own posting lists.
    #[test]
    fn the_index_finds_every_listed_word_one_edit_away_and_no_other() {
        let words = all_words(4);
        let list_of = |w: &str| words.iter().position(|x| x == w).unwrap_or(0) as u32;
        let forward = NeighbourIndex::new(words.iter().map(|w| (w.as_str(), list_of(w))), 1);
        let backward = NeighbourIndex::new(words.iter().rev().map(|w| (w.as_str(), list_of(w))), 1);
        for query in all_words(5).iter().filter(|w| !w.is_empty()) {
            let want: Vec<String> = edits(query)
                .into_iter()
                .filter(|w| !w.is_empty() && w.len() <= 4)
                .collect();
            for index in [&forward, &backward] {
                let mut found = vec![("before", 99)];
                index.one_edit_from(query, &mut found);
                assert_eq!(found.first(), Some(&("before", 99)), "`{query}`");
                assert!(found[1..].iter().all(|&(w, list)| list == list_of(w)));
                let found: Vec<&str> = found[1..].iter().map(|&(w, _)| w).collect();
                assert_eq!(found, want, "`{query}`");
            }
        }
        let empty = NeighbourIndex::new(std::iter::empty(), 1);
        let mut found = Vec::new();
        empty.two_edits_from("abcabc", &mut found);
        assert!(found.is_empty());
        let mut found = Vec::new();
        empty.one_edit_from("abc", &mut found);
        assert!(found.is_empty());
    }

    /// An index as built holds together, also empty; one whose words, lists or tables point
    /// outside it (as a damaged or planted stored index might) does not.
    #[test]
    fn a_stored_index_is_used_only_when_it_holds_together() {
        let words = ["taha", "taka", "logistics", "precision"];
        let built = || NeighbourIndex::new(words.iter().map(|w| (*w, 3)), 1);
        assert!(built().consistent(4));
        assert!(NeighbourIndex::new(std::iter::empty(), 1).consistent(0));
        assert!(!built().consistent(3), "a posting list it does not have");
        let mut index = built();
        index.words[1].0 = 1_000;
        assert!(!index.consistent(4), "a word ending beyond its text");
        let mut index = built();
        index.words.swap(0, 1);
        assert!(!index.consistent(4), "words out of order");
        let mut index = built();
        index.deletions.entries[0].1 = 4;
        assert!(!index.consistent(4), "a deletion of no word");
        let mut index = built();
        index.grams.starts.pop();
        assert!(!index.consistent(4), "a table cut short");
        let mut index = built();
        let last = index.deletions.starts.len() - 2;
        index.deletions.starts[last] = u32::MAX;
        assert!(!index.consistent(4), "buckets out of order");
    }

    /// Words exactly two edits apart (a swap counting one) have at most four letters that one
    /// has and the other has not, which `two_edits_from` asks before the edit distance.
    #[test]
    fn words_two_edits_apart_differ_by_four_letters_at_most() {
        for word in all_words(5) {
            let near: Vec<String> = edits(&word).iter().flat_map(|w| edits(w)).collect();
            for other in near.iter().filter(|o| strsim::osa_distance(o, &word) == 2) {
                assert!(letters_apart(other, &word) <= 4, "`{word}`, `{other}`");
            }
        }
        assert_eq!(letters_apart("abcd", "dcba"), 0);
        assert_eq!(letters_apart("abcd", "abxy"), 4);
        assert_eq!(letters_apart("abc", "abcde"), 2);
    }

    /// Every listed word two edits from a query's word of eight distinct padded trigrams or
    /// more that changes, adds or leaves out letters is found, and only words exactly two
    /// edits away (a swap counting one), in the order of the words.
    #[test]
    fn the_index_finds_the_listed_words_two_edits_away() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..40 {
            let len = 6 + (next() % 3) as usize;
            let query: String = (0..len)
                .map(|_| char::from(b'a' + (next() % 8) as u8))
                .collect();
            // Its neighbours one and two edits away (over `abc`), and words far from it.
            let mut words: Vec<String> = edits(&query);
            let near: Vec<String> = words.iter().flat_map(|w| edits(w)).collect();
            words.extend(near);
            words.extend(all_words(4).into_iter().filter(|w| w.len() >= 4));
            words.retain(|w| w.len() >= MIN_TWO_EDIT_LISTED);
            words.sort();
            words.dedup();
            let index = NeighbourIndex::new(words.iter().rev().map(|w| (w.as_str(), 0)), 1);
            let mut found = Vec::new();
            index.two_edits_from(&query, &mut found);
            let found: Vec<&str> = found.iter().map(|&(w, _)| w).collect();
            let mut sorted = found.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(found, sorted, "`{query}`: not in order, or a word twice");
            let mut grams = Vec::new();
            gram_keys(&query, &mut grams);
            for w in &words {
                let osa = strsim::osa_distance(w, &query);
                if found.contains(&w.as_str()) {
                    assert_eq!(osa, 2, "`{query}`: `{w}` found");
                } else if grams.len() >= 8 {
                    assert!(
                        osa != 2 || strsim::levenshtein(w, &query) != 2,
                        "`{query}`: `{w}` missed"
                    );
                }
            }
        }
    }
}
