//! Letters written one apart (`C A S H`, `C.A.S.H.`, `D-A-N-D-O-N-G`), closed up as a reviewer
//! reads them.
//!
//! A reviewer reads `C A S H` as cash; a word-bounded pattern (`\bcash\b`) and a list key
//! (`dandong`) did not, so spacing out a word took a payment method or a city past every rule
//! that looks for it. Screening closes names up on its own (`screening::compact`); this is the
//! same for the text rules compare.

use std::borrow::Cow;

/// Fewer single letters in a row are ordinary text (`T/T`, `n/a`, `k.A.`); three or more are a
/// word spelled out.
const MIN_RUN: usize = 3;

/// What may stand between two letters of a spelled-out word: white space, and one or two
/// of these marks.
fn is_gap_mark(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | '*' | '·')
}

/// Whether `gap` joins the letters on either side of it. Any run of white space counts as
/// one, as folding collapses it: a text and its fold close up alike.
fn joins(gap: &str) -> bool {
    let marks = gap.chars().filter(|c| !c.is_whitespace());
    !gap.is_empty() && marks.clone().all(is_gap_mark) && marks.count() <= 2
}

/// Calls `on_run` with the byte range of each run of [`MIN_RUN`] or more single letters, one
/// gap apart, from the first letter to the last; stops early when it returns `true`, and says
/// whether it did.
fn runs(text: &str, mut on_run: impl FnMut(usize, usize) -> bool) -> bool {
    // The current run: where its first letter starts, where its last ends, and its length.
    let mut run: Option<(usize, usize, usize)> = None;
    let mut report = |run: Option<(usize, usize, usize)>| {
        run.is_some_and(|(first, last, length)| length >= MIN_RUN && on_run(first, last))
    };
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut single = c.is_alphabetic();
        while let Some(&(next, d)) = chars.peek() {
            if !d.is_alphanumeric() {
                break;
            }
            single = false;
            end = next + d.len_utf8();
            chars.next();
        }
        let extends =
            run.is_some_and(|(_, last, _)| joins(text.get(last..start).unwrap_or_default()));
        run = match run {
            Some((first, _, length)) if single && extends => Some((first, end, length + 1)),
            _ => {
                if report(run) {
                    return true;
                }
                single.then_some((start, end, 1))
            }
        };
    }
    report(run)
}

/// Whether `text` has a word spelled out in single letters.
pub fn has_spaced_letters(text: &str) -> bool {
    // `a b c` is the shortest: most codes and answers compared are shorter.
    if text.len() < 2 * MIN_RUN - 1 {
        return false;
    }
    // Nearly every text compared is ASCII with no single letter standing alone, and folding
    // asks this of each: counted in one pass over the bytes before anything slower.
    if text.is_ascii() && single_ascii_letters(text.as_bytes()) < MIN_RUN {
        return false;
    }
    runs(text, |_, _| true)
}

/// Per byte, what the scans below ask of it: [`OTHER`], [`DIGIT`] or [`LETTER`] in the low
/// two bits (what an ASCII letter standing alone is told by), and [`NOT_PLAIN`] for a byte
/// that is not ASCII or is an apostrophe or a backtick (which folding reads as a possessive).
const CLASS: [u8; 256] = {
    let mut class = [NOT_PLAIN; 256];
    let mut byte = 0;
    while byte < 128 {
        let c = byte as u8;
        class[byte] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'\'' || c == b'`' {
            OTHER | NOT_PLAIN
        } else {
            OTHER
        };
        byte += 1;
    }
    class
};
const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const NOT_PLAIN: u8 = 4;

/// The class of `byte` in [`CLASS`].
fn class(byte: u8) -> u8 {
    CLASS.get(usize::from(byte)).copied().unwrap_or(NOT_PLAIN)
}

/// Counts ASCII letters standing alone between characters that are not letters or digits, a
/// byte at a time, branch-free.
#[derive(Default)]
struct Singles {
    before: u8,
    here: u8,
    count: usize,
}

impl Singles {
    fn push(&mut self, byte_class: u8) {
        let after = byte_class & 3;
        self.count += usize::from(self.here == LETTER && self.before == OTHER && after == OTHER);
        (self.before, self.here) = (self.here, after);
    }

    fn count(&self) -> usize {
        self.count + usize::from(self.here == LETTER && self.before == OTHER)
    }
}

/// How many ASCII letters stand alone in `text`, between characters that are not letters or
/// digits: a run needs [`MIN_RUN`] of them. Branch-free over a class per byte, as folding asks
/// it of every text a rule compares.
fn single_ascii_letters(text: &[u8]) -> usize {
    let mut singles = Singles::default();
    for &byte in text {
        singles.push(class(byte));
    }
    singles.count()
}

/// Whether `text` is ASCII with no apostrophe (`'` or a backtick, which folding reads as a
/// possessive) and no word spelled out in single letters: the texts folding may read a byte
/// at a time. What every text comparison and list look-up asks of both its texts, so one
/// pass over the bytes answers all three questions, and only a text with three single
/// letters or more takes [`runs`].
pub(crate) fn is_plain_ascii(text: &str) -> bool {
    let mut singles = Singles::default();
    for &byte in text.as_bytes() {
        let byte_class = class(byte);
        if byte_class & NOT_PLAIN != 0 {
            return false;
        }
        singles.push(byte_class);
    }
    text.len() < 2 * MIN_RUN - 1 || singles.count() < MIN_RUN || !runs(text, |_, _| true)
}

/// `text` with each word spelled out in single letters closed up (`C A S H` as `CASH`),
/// borrowed when it has none.
pub fn close_spaced_letters(text: &str) -> Cow<'_, str> {
    if !has_spaced_letters(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    runs(text, |first, last| {
        out.push_str(text.get(copied..first).unwrap_or_default());
        out.extend(
            text.get(first..last)
                .unwrap_or_default()
                .chars()
                .filter(|c| c.is_alphanumeric()),
        );
        copied = last;
        false
    });
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{close_spaced_letters, has_spaced_letters};

    #[test]
    fn words_spelled_out_in_single_letters_are_closed_up() {
        for (text, closed) in [
            ("C A S H", "CASH"),
            ("c.a.s.h.", "cash."),
            ("C. A. S. H.", "CASH."),
            ("pay in C-A-S-H now", "pay in CASH now"),
            ("D A N D O N G, Liaoning", "DANDONG, Liaoning"),
            ("б а р", "бар"),
            ("н а л и ч н ы е", "наличные"),
            ("C A S H and B A R", "CASH and BAR"),
            ("a  b   c", "abc"),
        ] {
            assert_eq!(close_spaced_letters(text), closed, "{text}");
            assert!(has_spaced_letters(text), "{text}");
        }
    }

    #[test]
    fn plain_ascii_is_ascii_without_an_apostrophe_or_spaced_letters() {
        // Every text of up to six of these characters, against the three questions asked apart.
        const ALPHABET: [char; 8] = ['a', 'B', '1', ' ', '.', '\'', '`', 'é'];
        let mut texts = vec![String::new()];
        let mut longest = vec![String::new()];
        for _ in 0..6 {
            longest = longest
                .iter()
                .flat_map(|t| ALPHABET.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longest.iter().cloned());
        }
        assert!(texts.len() > 200_000);
        for text in &texts {
            let expected =
                text.is_ascii() && !has_spaced_letters(text) && !text.contains(['\'', '`']);
            assert_eq!(super::is_plain_ascii(text), expected, "{text:?}");
        }
    }

    #[test]
    fn ordinary_text_is_left_as_it_is() {
        for text in [
            "T/T",
            "n/a",
            "k.A.",
            "L C",
            "cash",
            "Plan 1 2 3",
            "wire transfer",
            "",
            "a...b...c",
            "a+b+c",
            "abc d e",
            "a b cd",
        ] {
            assert_eq!(close_spaced_letters(text), text, "{text}");
            assert!(!has_spaced_letters(text), "{text}");
        }
    }
}
