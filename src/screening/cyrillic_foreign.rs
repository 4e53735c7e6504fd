//! Foreign names written in Cyrillic read back as the lists write them.
//!
//! Russian writes a foreign `h` with `х`, which transliteration (BGN/PCGN, as US lists use for
//! Russian names) reads `kh`; it writes the `yo` of Korean and Japanese names with `ё`, read
//! `e`; and the English and Arabic `j` with `дж`, read `dzh`. A listed Lebanese, Palestinian,
//! Korean or Arab name in a Russian document therefore met its listed spelling poorly or not at
//! all: `Хезболла` (`khezbolla`) and `Хамас` (`khamas`) against `HEZBOLLAH` and `HAMAS`,
//! `Эйр Корё` (`eyr kore`) against `AIR KORYO`, `Джабхат ан-Нусра` against `JABHAT AL-NUSRA`,
//! all clear. [`foreign_reading`] gives the name with those three letters read as the foreign
//! sounds they stand for (and, for a company, its trade words in English, as
//! `cyrillic_terms`), which the screener compares as another name of the party
//! (`StepKind::ReadAsForeignName`). The plain reading stays: a Russian name with `х`
//! (`Харитонов`, listed `KHARITONOV`) meets its entry as before.
//!
//! Hand-written: the crates that transliterate Cyrillic (`deunicode`) read Russian sounds, and
//! this reading is one of three letters over normalisation's own table.

use super::cyrillic_terms;
use super::model::EntryKind;

/// The party's name with `х` read `h`, `ё` read `yo` and `дж` read `j`, every other
/// Cyrillic letter as normalisation reads it, and (for a company) its trade words in English;
/// `None` for a name without those letters.
pub fn foreign_reading(name: &str, kind: EntryKind) -> Option<String> {
    if !name.chars().any(cyrillic_terms::is_cyrillic) {
        return None;
    }
    // Latin look-alikes typed into a Cyrillic word read as the Cyrillic letters first, so a
    // Latin `X` in `Xезболла` is the `х` it stands for.
    let text = match kind {
        EntryKind::Person => cyrillic_terms::as_cyrillic(name),
        _ => cyrillic_terms::english_reading(name)
            .unwrap_or_else(|| cyrillic_terms::as_cyrillic(name)),
    };
    let lower = text.to_lowercase();
    if !lower.contains(['х', 'ё']) && !lower.contains("дж") {
        return None;
    }
    let mut out = String::with_capacity(lower.len());
    let mut letters = lower.chars().peekable();
    while let Some(c) = letters.next() {
        match c {
            'х' => out.push('h'),
            'ё' => out.push_str("yo"),
            'д' if letters.peek() == Some(&'ж') => {
                letters.next();
                out.push('j');
            }
            _ => match super::normalize::cyrillic(c) {
                Some(latin) => out.push_str(latin),
                None => out.push(c),
            },
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_letters_as_foreign_sounds() {
        let person = EntryKind::Person;
        assert_eq!(
            foreign_reading("Хезболла", person).as_deref(),
            Some("hezbolla")
        );
        assert_eq!(
            foreign_reading("Джабхат ан-Нусра", person).as_deref(),
            Some("jabhat an-nusra")
        );
        assert_eq!(
            foreign_reading("Эйр Корё", EntryKind::Entity).as_deref(),
            Some("air koryo")
        );
        assert_eq!(
            foreign_reading("Xезболла", person).as_deref(),
            Some("hezbolla"),
            "a Latin X typed into the word"
        );
        assert_eq!(foreign_reading("Калашников", person), None);
        assert_eq!(foreign_reading("Kharitonov", person), None);
    }
}
