//! Russian and Ukrainian names as German writes them, read back as the lists write them.
//!
//! German documents transliterate Cyrillic by German sounds (the Duden scheme): `ш` is `sch`,
//! `ч` is `tsch`, `в` is `w`, `х` is `ch`, `й` and `я`, `ю`, `е` at a word's start are `j`,
//! `ja`, `ju`, `je`; the lists (BGN/PCGN) write `sh`, `ch`, `v`, `kh`, `y`, `ya`, `yu`, `ye`. A
//! German exporter's order therefore names `Gennadij Timtschenko`, `Juri Kowaltschuk`,
//! or `Konzern Ischmasch`, and each met its listed spelling (`TIMCHENKO, Gennadiy`,
//! `KOVALCHUK, Yuriy`, `KONTSERN IZHMASH`) too poorly to count: the probe of 2026-12-05 found
//! them all clear. (A name with no sign below, `Viktor Wekselberg`, is left to the alignment,
//! which now meets it.) [`english_spelling`] gives
//! the name with those letters read back, which the screener compares as another name of the
//! party (`StepKind::ReadFromGermanSpelling`). It is a guess at the name's origin, so only a
//! close match on it counts (`readings::reading_floor`), and it is made only for a name with a
//! sign of a Slavic name in German spelling (`tsch`, a word ending in `ow`, `ew`, `owa`, `ewa`,
//! `ij`, `sch`, or `witsch`, `jew`, a word starting `Ju`, `Ja`, `Je`, `Jo`): each reading is
//! another screen, and German company names with a plain `w` or `sch` (`Schmidt
//! Werkzeugbau`) are most of what a German exporter's orders hold.
//!
//! Hand-written: the transliteration crates read Cyrillic into Latin, not one Latin spelling
//! into another, and this is a handful of letter groups.

/// The name with German spellings of Cyrillic sounds read as the lists write them, lower case;
/// `None` for a name with no sign of a Slavic name in German spelling, or whose reading is
/// the name itself.
pub fn english_spelling(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    if !lower.is_ascii() {
        return None;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    if !words.iter().any(|w| slavic_in_german(w)) {
        return None;
    }
    let read: Vec<String> = words.iter().map(|w| read_word(w)).collect();
    let out = read.join(" ");
    (out != words.join(" ")).then_some(out)
}

/// A word that looks like a Slavic name written the German way.
fn slavic_in_german(word: &str) -> bool {
    word.contains("tsch")
        || word.contains("witsch")
        || word.contains("jew")
        || ["ow", "ew", "owa", "ewa", "ij", "sch"]
            .iter()
            .any(|end| word.len() > end.len() + 2 && word.ends_with(end))
        || (word.len() > 3 && ["ju", "ja", "je", "jo"].iter().any(|s| word.starts_with(s)))
}

/// One word read back: `tsch` `ch`, `sch` `sh`, `ch` `kh`, `w` `v`, `j` `y` (and `ij` at the
/// end `iy`), `z` `ts`.
pub(super) fn read_word(word: &str) -> String {
    let bytes = word.as_bytes();
    let mut out = String::with_capacity(word.len() + 4);
    let mut i = 0;
    while i < bytes.len() {
        let rest = &word[i..];
        if rest.starts_with("tsch") {
            out.push_str("ch");
            i += 4;
        } else if rest.starts_with("sch") {
            out.push_str("sh");
            i += 3;
        } else if rest.starts_with("ch") {
            out.push_str("kh");
            i += 2;
        } else {
            match bytes[i] {
                b'w' => out.push('v'),
                b'j' => out.push('y'),
                b'z' => out.push_str("ts"),
                other => out.push(char::from(other)),
            }
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::english_spelling;

    #[test]
    fn german_spellings_of_russian_names_read_back() {
        for (german, listed) in [
            ("Gennadij Timtschenko", "gennadiy timchenko"),
            ("Juri Kowaltschuk", "yuri kovalchuk"),
            ("Kalaschnikow Konzern", "kalashnikov kontsern"),
            ("Konzern Ischmasch", "kontsern ishmash"),
            ("Michail Chodorkowskij", "mikhail khodorkovskiy"),
        ] {
            assert_eq!(
                english_spelling(german).as_deref(),
                Some(listed),
                "{german}"
            );
        }
    }

    #[test]
    fn german_names_without_a_sign_are_left_alone() {
        for name in [
            "Schmidt Werkzeugbau GmbH",
            "Weber & Wagner KG",
            "Viktor Vekselberg",
            "Zhukov",
        ] {
            assert_eq!(english_spelling(name), None, "{name}");
        }
    }
}
