//! Words in a listed company's name that name its country (`KOREA RYONBONG GENERAL
//! CORPORATION`, `IRAN KHODRO`, `SYRIAN SCIENTIFIC STUDIES ...`): the word a front or a branch
//! abroad leaves out, so that `Ryonbong General Corp` of Dandong is the listed party under the
//! name it trades by in China (docs/screening.md, "A listed name without its country").
//!
//! Only the countries whose companies the programmes list in numbers, with their names and
//! adjectives as the lists spell them in Latin letters.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// Each word that names a country.
const WORDS: &[&str] = &[
    "korea",
    "korean",
    "coree",
    "koreya",
    "dprk",
    "dprkn",
    "choson",
    "chosun",
    "joson",
    "iran",
    "iranian",
    "persia",
    "persian",
    "syria",
    "syrian",
    "suriya",
    "russia",
    "russian",
    "rossii",
    "rossiya",
    "rossiyskaya",
    "rossiiskaya",
    "rossiyskiy",
    "rossiiskii",
    "belarus",
    "belarusian",
    "belorussian",
    "byelorussian",
    "belarusi",
    "cuba",
    "cuban",
    "cubana",
    "cubano",
    "venezuela",
    "venezuelan",
    "venezolana",
    "venezolano",
    "china",
    "chinese",
    "zhongguo",
    "burma",
    "burmese",
    "myanmar",
    "myanma",
    "iraq",
    "iraqi",
    "libya",
    "libyan",
    "libyana",
    "sudan",
    "sudanese",
    "lebanon",
    "lebanese",
    "yemen",
    "yemeni",
    "afghan",
    "afghanistan",
    "nicaragua",
    "nicaraguan",
    "zimbabwe",
    "eritrea",
    "eritrean",
    "somalia",
    "somali",
    "crimea",
    "crimean",
];

/// Whether a normalised name token names a country.
pub fn is_country_word(token: &str) -> bool {
    // Asked of listed names' words for many candidates: one hash look-up, not a compare per
    // word of the table.
    static WORD_SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| WORDS.iter().copied().collect());
    WORD_SET.contains(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_word_is_one_and_other_words_are_not() {
        assert!(is_country_word("korea"));
        assert!(is_country_word("iranian"));
        assert!(!is_country_word("ryonbong"));
        assert!(!is_country_word("general"));
        // Tokens are normalised: a capital is no country word.
        assert!(!is_country_word("Korea"));
        assert!(is_country_word("iraq"));
        assert!(is_country_word("byelorussian"));
    }
}
