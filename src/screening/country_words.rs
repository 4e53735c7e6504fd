//! Words in a listed company's name that name its country (`KOREA RYONBONG GENERAL
//! CORPORATION`, `IRAN KHODRO`, `SYRIAN SCIENTIFIC STUDIES ...`): the word a front or a branch
//! abroad leaves out, so that `Ryonbong General Corp` of Dandong is the listed party under the
//! name it trades by in China (docs/screening.md, "A listed name without its country").
//!
//! Only the countries whose companies the programmes list in numbers, with their names and
//! adjectives as the lists spell them in Latin letters; a word names the countries a listed
//! entry's own countries are compared with (`korea` is either Korea).

/// The ISO alpha-2 codes a normalised name token names, if it names a country.
pub fn codes(token: &str) -> Option<&'static [&'static str]> {
    Some(match token {
        "korea" | "korean" | "coree" | "koreya" => &["KP", "KR"],
        "dprk" | "dprkn" | "choson" | "chosun" | "joson" => &["KP"],
        "iran" | "iranian" | "persia" | "persian" => &["IR"],
        "syria" | "syrian" | "suriya" => &["SY"],
        "russia" | "russian" | "rossii" | "rossiya" | "rossiyskaya" | "rossiiskaya"
        | "rossiyskiy" | "rossiiskii" => &["RU"],
        "belarus" | "belarusian" | "belorussian" | "byelorussian" | "belarusi" => &["BY"],
        "cuba" | "cuban" | "cubana" | "cubano" => &["CU"],
        "venezuela" | "venezuelan" | "venezolana" | "venezolano" => &["VE"],
        "china" | "chinese" | "zhongguo" => &["CN"],
        "burma" | "burmese" | "myanmar" | "myanma" => &["MM"],
        "iraq" | "iraqi" => &["IQ"],
        "libya" | "libyan" | "libyana" => &["LY"],
        "sudan" | "sudanese" => &["SD"],
        "lebanon" | "lebanese" => &["LB"],
        "yemen" | "yemeni" => &["YE"],
        "afghan" | "afghanistan" => &["AF"],
        "nicaragua" | "nicaraguan" => &["NI"],
        "zimbabwe" => &["ZW"],
        "eritrea" | "eritrean" => &["ER"],
        "somalia" | "somali" => &["SO"],
        "crimea" | "crimean" => &["UA", "RU"],
        _ => return None,
    })
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
    }
}
