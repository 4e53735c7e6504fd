//! Words in a listed company's name that name its country (`KOREA RYONBONG GENERAL
//! CORPORATION`, `IRAN KHODRO`, `SYRIAN SCIENTIFIC STUDIES ...`): the word a front or a branch
//! abroad leaves out, so that `Ryonbong General Corp` of Dandong is the listed party under the
//! name it trades by in China (docs/screening.md, "A listed name without its country").
//!
//! Only the countries whose companies the programmes list in numbers, with their names and
//! adjectives as the lists spell them in Latin letters; a word names the countries a listed
//! entry's own countries are compared with (`korea` is either Korea).

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// Each word that names a country, and the ISO alpha-2 codes of the countries it names.
const WORDS: &[(&str, &[&str])] = &[
    ("korea", &["KP", "KR"]),
    ("korean", &["KP", "KR"]),
    ("coree", &["KP", "KR"]),
    ("koreya", &["KP", "KR"]),
    ("dprk", &["KP"]),
    ("dprkn", &["KP"]),
    ("choson", &["KP"]),
    ("chosun", &["KP"]),
    ("joson", &["KP"]),
    ("iran", &["IR"]),
    ("iranian", &["IR"]),
    ("persia", &["IR"]),
    ("persian", &["IR"]),
    ("syria", &["SY"]),
    ("syrian", &["SY"]),
    ("suriya", &["SY"]),
    ("russia", &["RU"]),
    ("russian", &["RU"]),
    ("rossii", &["RU"]),
    ("rossiya", &["RU"]),
    ("rossiyskaya", &["RU"]),
    ("rossiiskaya", &["RU"]),
    ("rossiyskiy", &["RU"]),
    ("rossiiskii", &["RU"]),
    ("belarus", &["BY"]),
    ("belarusian", &["BY"]),
    ("belorussian", &["BY"]),
    ("byelorussian", &["BY"]),
    ("belarusi", &["BY"]),
    ("cuba", &["CU"]),
    ("cuban", &["CU"]),
    ("cubana", &["CU"]),
    ("cubano", &["CU"]),
    ("venezuela", &["VE"]),
    ("venezuelan", &["VE"]),
    ("venezolana", &["VE"]),
    ("venezolano", &["VE"]),
    ("china", &["CN"]),
    ("chinese", &["CN"]),
    ("zhongguo", &["CN"]),
    ("burma", &["MM"]),
    ("burmese", &["MM"]),
    ("myanmar", &["MM"]),
    ("myanma", &["MM"]),
    ("iraq", &["IQ"]),
    ("iraqi", &["IQ"]),
    ("libya", &["LY"]),
    ("libyan", &["LY"]),
    ("libyana", &["LY"]),
    ("sudan", &["SD"]),
    ("sudanese", &["SD"]),
    ("lebanon", &["LB"]),
    ("lebanese", &["LB"]),
    ("yemen", &["YE"]),
    ("yemeni", &["YE"]),
    ("afghan", &["AF"]),
    ("afghanistan", &["AF"]),
    ("nicaragua", &["NI"]),
    ("nicaraguan", &["NI"]),
    ("zimbabwe", &["ZW"]),
    ("eritrea", &["ER"]),
    ("eritrean", &["ER"]),
    ("somalia", &["SO"]),
    ("somali", &["SO"]),
    ("crimea", &["UA", "RU"]),
    ("crimean", &["UA", "RU"]),
];

/// The ISO alpha-2 codes a normalised name token names, if it names a country.
pub fn codes(token: &str) -> Option<&'static [&'static str]> {
    // Asked of listed names' words for many candidates: one hash look-up, not a compare per
    // word of the table.
    static BY_WORD: LazyLock<FxHashMap<&'static str, &'static [&'static str]>> =
        LazyLock::new(|| WORDS.iter().copied().collect());
    BY_WORD.get(token).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_word_names_its_countries_and_other_words_none() {
        assert_eq!(codes("korea"), Some(&["KP", "KR"][..]));
        assert_eq!(codes("iranian"), Some(&["IR"][..]));
        assert_eq!(codes("ryonbong"), None);
        assert_eq!(codes("general"), None);
        // Tokens are normalised: a capital or a plural is no country word.
        assert_eq!(codes("Korea"), None);
        // The shortest and longest words.
        assert_eq!(codes("iraq"), Some(&["IQ"][..]));
        assert_eq!(codes("byelorussian"), Some(&["BY"][..]));
    }
}
