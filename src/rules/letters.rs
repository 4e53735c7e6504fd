//! Digits and symbols written for letters inside a word (`c4sh`, `ca$h`, `B@rgeld`,
//! `н@личные`), read as the letters they stand for.
//!
//! A reviewer reads `c4sh` as cash; a pattern (`\bcash\b`) did not, so a payment method
//! written with one digit for a letter passed every rule that looks for cash. Screening reads
//! names this way on its own (`screening::normalize`); this is the same for the patterns of
//! `matches`, `contains_any` and `matches_list`, which match a text when it or its letter
//! reading does. The reading is one more text to match, never the only one: a code that
//! mixes letters and digits on purpose (`Ti6Al4V`, `2B001`) keeps matching as written.

/// The letter a digit or symbol stands for between two letters.
fn letter_for(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// Most digits and symbols in a row that stand for letters (`c4$h`): a longer run is a
/// number, not a spelling.
const MAX_RUN: usize = 2;

/// `text` with each run of up to [`MAX_RUN`] digits and symbols that stand for letters,
/// written between two letters, read as those letters (`c4sh` → `cash`, `c4$h` → `cash`);
/// `None` when there is none. A digit beside a digit or at a word's edge stays
/// (`SKU-2343`, `2B001`, `A4`).
pub fn letter_reading(text: &str) -> Option<String> {
    // Nearly every text a pattern is matched against has none of these characters.
    if !text
        .bytes()
        .any(|b| matches!(b, b'0' | b'1' | b'3' | b'4' | b'5' | b'7' | b'@' | b'$'))
    {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut read = false;
    let mut at = 0;
    while at < chars.len() {
        let run = chars
            .get(at..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| letter_for(c).is_some())
            .count();
        if run == 0 {
            at += 1;
            continue;
        }
        let before = at.checked_sub(1).and_then(|i| chars.get(i));
        let after = chars.get(at + run);
        let between_letters =
            before.is_some_and(|c| c.is_alphabetic()) && after.is_some_and(|c| c.is_alphabetic());
        if between_letters && run <= MAX_RUN {
            for i in at..at + run {
                if let (Some(slot), Some(letter)) =
                    (out.get_mut(i), chars.get(i).copied().and_then(letter_for))
                {
                    *slot = letter;
                }
            }
            read = true;
        }
        at += run;
    }
    read.then(|| out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::letter_reading;

    #[test]
    fn digits_and_symbols_between_letters_read_as_letters() {
        for (written, read) in [
            ("c4sh", "cash"),
            ("ca$h", "cash"),
            ("CA5H", "CAsH"),
            ("c4$h", "cash"),
            ("B@rgeld", "Bargeld"),
            ("н@личные", "нaличные"),
            ("fl0wer wh0lesale", "flower wholesale"),
        ] {
            assert_eq!(letter_reading(written).as_deref(), Some(read), "{written}");
        }
        for kept in [
            "SKU-2343", "2B001", "A4", "8457.10", "EAR99", "cash", "c444sh", "MP3", "4x4",
        ] {
            assert_eq!(letter_reading(kept), None, "{kept}");
        }
    }
}
