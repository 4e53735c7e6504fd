//! Names written in Chinese characters read in Korean.
//!
//! Korean names have Chinese characters (hanja), and Chinese paperwork writes a Korean's name
//! in them: a consignee in Dandong writes `金正恩` or `崔龍海`, where the lists write `KIM Jong
//! Un` and `CHOE Ryong Hae`. Normalisation reads Han characters in Mandarin (`jin zheng en`),
//! which is how the lists write Chinese names, so a listed North Korean named in characters
//! met nothing. [`korean_readings`] gives the name with its characters read in Korean, in
//! Hangul, which normalisation then romanises as the lists romanise Korean names; the screener
//! compares each reading as another name of the party and keeps the best score
//! (`StepKind::ReadInKorean` in the evidence), so a reading can only add matches.
//!
//! The readings come from the character table of the `hanja_hangul` crate:
//! - each character alone, as North Korean spelling writes them, with no initial sound law
//!   (`李` is `리`, romanised `Ri`, as the lists write North Korean names);
//! - each run of characters as South Korean spelling reads it, with the initial sound law
//!   at the run's start (`李` is `이`);
//! - `金` at the start of a run also as the surname `김` (`Kim`) rather than the word `금`
//!   (`Kum`, gold), since the table cannot tell a name from a word.
//!
//! A Hangul reading meets listed Korean names often by chance, so a match resting on one is
//! capped at review against another country, as a name written in Hangul is
//! (`index::HANGUL_ONLY_MAX`).

use hanja_hangul::Converter;

/// The surname `金` (`김`, Kim), which the character table reads as the word `금` (gold).
const KIM: (char, char) = ('金', '김');

/// Most readings of one name.
const MAX_READINGS: usize = 4;

/// `name` with its Han characters read in Korean (see the module notes), at most
/// [`MAX_READINGS`] distinct readings; none when no character of it has a Korean reading.
/// Text that is not Han stays as written.
pub fn korean_readings(name: &str) -> Vec<String> {
    if !name.chars().any(hanja_hangul::is_hanja) {
        return Vec::new();
    }
    let name = super::han_terms::without_honorific(name);
    let converter = Converter::global();
    let mut north = String::with_capacity(name.len());
    let mut south = String::with_capacity(name.len());
    // Where a run of characters starts with `金`, as byte offsets into each reading.
    let mut kim_in_north = Vec::new();
    let mut kim_in_south = Vec::new();
    let mut read = false;
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if !hanja_hangul::is_hanja(c) {
            north.push(c);
            south.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let run_len = rest
            .char_indices()
            .find(|&(_, c)| !hanja_hangul::is_hanja(c))
            .map_or(rest.len(), |(i, _)| i);
        let run = &rest[..run_len];
        if run.starts_with(KIM.0) {
            kim_in_north.push(north.len());
            kim_in_south.push(south.len());
        }
        for c in run.chars() {
            match converter.char_reading(c) {
                Some(hangul) => {
                    north.push(hangul);
                    read = true;
                }
                None => north.push(c),
            }
        }
        match converter.reading(run, true) {
            Some(hangul) => south.push_str(&hangul),
            None => south.push_str(run),
        }
        rest = &rest[run_len..];
    }
    if !read {
        return Vec::new();
    }
    let mut readings: Vec<String> = Vec::with_capacity(MAX_READINGS);
    for (reading, kims) in [(north, kim_in_north), (south, kim_in_south)] {
        let as_kim = as_surname_kim(&reading, &kims);
        for r in [Some(reading), as_kim].into_iter().flatten() {
            if !readings.contains(&r) && readings.len() < MAX_READINGS {
                readings.push(r);
            }
        }
    }
    readings
}

/// `reading` with the syllable `금` at each of `starts` read as the surname `김`; `None` when
/// there is none.
fn as_surname_kim(reading: &str, starts: &[usize]) -> Option<String> {
    let mut out = reading.to_string();
    let mut changed = false;
    for &at in starts {
        if out[at..].starts_with('금') {
            out.replace_range(at..at + '금'.len_utf8(), &KIM.1.to_string());
            changed = true;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::korean_readings;

    #[test]
    fn characters_are_read_as_north_and_south_korean_spelling_reads_them() {
        assert_eq!(
            korean_readings("金正恩"),
            ["금정은", "김정은"].map(String::from)
        );
        assert_eq!(
            korean_readings("李炳哲"),
            ["리병철", "이병철"].map(String::from)
        );
        assert_eq!(korean_readings("崔龍海"), ["최룡해"].map(String::from));
    }

    #[test]
    fn text_that_is_not_han_stays_and_each_run_is_read_on_its_own() {
        assert_eq!(
            korean_readings("Mr 金 英哲"),
            ["Mr 금 영철", "Mr 김 영철"].map(String::from)
        );
        assert!(korean_readings("Kim Jong Un").is_empty());
        assert!(korean_readings("김정은").is_empty());
    }
}
