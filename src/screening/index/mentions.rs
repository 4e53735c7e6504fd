//! Listed company names written in an order's free text: an end-use statement or an item
//! description that says who the goods are for (`for Russian Aircraft Corporation MiG`),
//! whoever the order's parties are.
//!
//! A text is no party's name, so it is not aligned against the index: every run of one to
//! [`MAX_MENTION_WORDS`] of its folded words is looked up by its letters and digits among the
//! listed names' compact forms (`compact_keys`, what `SameLetters` finds a party's name by),
//! which is a hash look-up per run. Only a listed name written out whole counts: a fuzzy
//! match inside prose would meet listed names by chance in every long text.

use super::*;

/// Most words of a run of the text looked up: listed company names rarely have more, and a
/// longer one is still found by its first words only if they are a listed name of their own.
pub const MAX_MENTION_WORDS: usize = 12;

/// Fewest letters and digits of a listed name found in free text: shorter names of two words
/// (`ab co`) are written in texts by chance.
pub const MIN_MENTION_CHARS: usize = 8;

impl Screener {
    /// The entries whose name or strong alias `text` writes out whole (spacing, case,
    /// punctuation and legal forms aside), at least two words long, of a company, organisation,
    /// vessel or aircraft (people share names, and a text names people for other reasons), and
    /// not of generic business words alone. One match per entry, in the order the text names
    /// them (then by entry), each scoring 1 with the words of the text it rests on.
    pub fn mentions(&self, text: &str) -> Vec<Match> {
        let folded = fold(text);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        // A listed name is kept with its abbreviated business words written out (`compact_keys`
        // of its tokens): `Aircraft Corp. MiG` is looked up as written and as `aircraft
        // corporation mig`.
        let written: Vec<&str> = words
            .iter()
            .map(|w| super::super::normalize::word_written_out(w))
            .collect();
        // In the order the text names them: by where the run starts, then its length.
        let mut found: Vec<(u32, String)> = Vec::new();
        let (mut key, mut key_written) = (String::new(), String::new());
        for start in 0..words.len() {
            key.clear();
            key_written.clear();
            let run = words
                .iter()
                .zip(&written)
                .skip(start)
                .take(MAX_MENTION_WORDS);
            for (n, (word, word_written)) in run.enumerate() {
                key.push_str(word);
                key_written.push_str(word_written);
                // One word of the text counts too: `MAHAN­AIR` with a soft hyphen is one.
                if key.len() < MIN_MENTION_CHARS {
                    continue;
                }
                let keys = [key.as_str(), key_written.as_str()];
                let records = keys
                    .iter()
                    .enumerate()
                    .filter(|&(i, k)| i == 0 || *k != key)
                    .flat_map(|(_, k)| self.records_by_compact(k));
                for (ri, r) in records {
                    let own_word = r.name.tokens.iter().any(|t| !is_generic(t));
                    let company = self
                        .entries
                        .get(r.entry as usize)
                        .is_some_and(|e| e.kind != EntryKind::Person);
                    if r.weak || r.name.tokens.len() < 2 || !own_word || !company {
                        continue;
                    }
                    let written = words
                        .get(start..=start + n)
                        .map(|run| run.join(" "))
                        .unwrap_or_default();
                    found.push((ri, written));
                }
            }
        }
        let mut out: Vec<Match> = Vec::new();
        for (ri, written) in found {
            let Some(r) = self.names.get(ri) else {
                continue;
            };
            if out.iter().any(|m| m.entry_index == r.entry as usize) {
                continue;
            }
            let Some(entry) = self.entries.get(r.entry as usize) else {
                continue;
            };
            let mut steps = ScoreSteps::new();
            steps::push(&mut steps, StepKind::NamedInText, 1.0);
            out.push(Match {
                entry_index: r.entry as usize,
                list: entry.list.clone(),
                entry_id: entry.entry_id.clone(),
                score: 1.0,
                name_score: 1.0,
                matched_on: MatchedOn::of_name(entry, r.alias),
                query_normalized: written,
                entry_normalized: r.name.normalized.clone(),
                country_match: None,
                address_match: false,
                kind_conflict: false,
                legal_forms: (None, r.name.legal_form.clone()),
                pairs: Vec::new(),
                steps,
            });
        }
        out
    }
}
