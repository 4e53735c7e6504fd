//! A party's name with two of its words that together make a word of a listed name read as
//! that one word: `Altyn-Prom`, `Altyn Prom LLP` and `ALTYN/PROM TOO` for a listed
//! `ALTYNPROM MACHINERY TRADING LLP`, `Stanko Import Vostok` for `STANKOIMPORT VOSTOK`.
//!
//! A firm's made-up name is one word in the list and often two in a letterhead or an export
//! (a hyphen, a capital in the middle read as a space). Alignment compares word with word, so
//! the listed name's own word against its two halves scored a near miss at best, and with the
//! listed name's trade words left out (`Altyn-Prom`) nothing at all: the rules that find a
//! listed firm's own word among other words never saw the word. The reading is screened as
//! another name of the party (`StepKind::ReadWithWordsJoined`), so it can only add matches;
//! it is made only when the joined word is a word of some listed name, which the screener's
//! postings answer with one look-up per pair of words.

use super::*;

/// Fewest letters of a word two of the party's words make for the reading to be made: short
/// joins (`de` and `la`, `al` and `am`) make listed words by chance.
pub(super) const JOINED_MIN_LETTERS: usize = 6;

impl Screener {
    /// A name's normalised `tokens` with each pair of neighbouring words that together make a
    /// word of a listed name written as that word, or `None` when no pair does. Both words
    /// must be letters only, of two letters or more (single letters spaced out are rejoined by
    /// the alignment's own reading), and the word they make at least [`JOINED_MIN_LETTERS`]
    /// letters and no generic business word (`Inter National` is `international`, which says
    /// nothing of who a firm is).
    pub(super) fn words_joined(&self, tokens: &[String]) -> Option<String> {
        if tokens.len() < 2 {
            return None;
        }
        let part = |t: &str| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic);
        let mut out = String::new();
        let mut joined_any = false;
        let mut i = 0;
        while let Some(first) = tokens.get(i) {
            if !out.is_empty() {
                out.push(' ');
            }
            if let Some(second) = tokens.get(i + 1).filter(|s| part(s) && part(first)) {
                let word = [first.as_str(), second.as_str()].concat();
                if word.chars().count() >= JOINED_MIN_LETTERS
                    && !firm_words::is_business_word(&word)
                    && self.postings.records_with_token(&word) > 0
                {
                    out.push_str(&word);
                    joined_any = true;
                    i += 2;
                    continue;
                }
            }
            out.push_str(first);
            i += 1;
        }
        joined_any.then_some(out)
    }
}
