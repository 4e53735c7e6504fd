//! Korean names written in Cyrillic read as the lists romanise them.
//!
//! Russian paperwork writes a Korean's name in the Russian system for Korean (Kontsevich's,
//! and the older spellings the press keeps): `Ким Чен Ын` for `KIM Jong Un`, `Ри Пён Чхоль`
//! for `RI Pyong Chol`, `Чхве Рён Хэ` for `CHOE Ryong Hae`. Normalisation transliterates
//! Cyrillic letter by letter (`kim chen yn`, `ri pen chkhol`), which met none of them: the
//! Russian system writes `ы` for the vowel the lists write `u`, `чх` for their `ch`, `ё` for
//! `yo`, and one `н` for both finals `n` and `ng`. [`korean_readings`] reads a name whose
//! every word is one such syllable back into McCune-Reischauer, the lists' system, which
//! `screening::korean` then compares by sound classes; the final `н` is read `n` in one reading
//! and `ng` after `а`, `о`, `ё`, `е` in the other (`Чен` is `chong`, `Ын` is `un`).
//!
//! Hand-written: the crates that transliterate Cyrillic (`deunicode`, which normalisation
//! uses) write Russian sounds, not the Korean ones the Russian system stands for.

/// Initials, longest first where one is a prefix of another, with their McCune-Reischauer.
const INITIALS: &[(&str, &str)] = &[
    ("кх", "kh"),
    ("тх", "th"),
    ("пх", "ph"),
    ("чх", "ch"),
    ("чж", "ch"),
    ("чч", "tch"),
    ("кк", "kk"),
    ("тт", "tt"),
    ("пп", "pp"),
    ("сс", "ss"),
    ("дж", "ch"),
    ("к", "k"),
    ("т", "t"),
    ("п", "p"),
    ("ч", "ch"),
    // Spellings after South Korean and Chinese models: `Бён`, `Гук`, `Дон`, `Жон`.
    ("б", "p"),
    ("г", "k"),
    ("д", "t"),
    ("ж", "ch"),
    ("ц", "ch"),
    ("с", "s"),
    ("х", "h"),
    ("м", "m"),
    ("н", "n"),
    ("р", "r"),
    ("л", "r"),
    ("", ""),
];

/// Vowels, longest first, with their McCune-Reischauer; `е` is handled on its own (see
/// [`vowel`]).
const VOWELS: &[(&str, &str)] = &[
    ("ва", "wa"),
    ("во", "wo"),
    ("вэ", "wae"),
    ("ве", "oe"),
    ("ви", "wi"),
    ("ый", "ui"),
    // `Цой`, as Soviet Koreans write `최` (Choe).
    ("ой", "oe"),
    ("ы", "u"),
    ("а", "a"),
    ("я", "ya"),
    ("о", "o"),
    ("ё", "yo"),
    ("у", "u"),
    ("ю", "yu"),
    ("и", "i"),
    ("э", "ae"),
];

/// Finals, longest first, with their McCune-Reischauer (`н` apart: see [`syllable`]).
const FINALS: &[(&str, &str)] = &[
    ("нъ", "ng"),
    ("ль", "l"),
    ("к", "k"),
    ("т", "t"),
    ("п", "p"),
    ("м", "m"),
    ("л", "l"),
    // The older spelling of `ㄹ` at a syllable's end (`Ир`, `일`, Il).
    ("р", "l"),
    ("", ""),
];

/// The vowel at the start of `rest` and what follows it; `е` is `ŏ` (`o`) before a final, as
/// the older spellings write `정` (`Чен`), and `ye` at a syllable's end (`Хе`, `혜`); with no
/// initial before it (`initial`: false) it is `yŏ` or `ye` (`Ен` is `영`, Yong).
fn vowel(rest: &str, initial: bool) -> Option<(String, &str)> {
    if let Some(after) = rest.strip_prefix('е') {
        let read = match (initial, after.is_empty()) {
            (true, false) => "o",
            (false, false) => "yo",
            (_, true) => "ye",
        };
        return Some((read.to_string(), after));
    }
    VOWELS
        .iter()
        .find_map(|(cyr, latin)| Some((latin.to_string(), rest.strip_prefix(cyr)?)))
}

/// One Korean syllable in Cyrillic (`word`, lower case), in McCune-Reischauer, with the final
/// `н` read `ng` when `ng_after_open` and the vowel is `a` or `o`-like; `None` when `word` is
/// not one syllable of the Russian system.
fn syllable(word: &str, ng_after_open: bool) -> Option<String> {
    INITIALS.iter().find_map(|(cyr, initial)| {
        let rest = word.strip_prefix(cyr)?;
        let (vowel, rest) = vowel(rest, !cyr.is_empty())?;
        let final_ = if rest == "н" {
            if ng_after_open && (vowel.ends_with('a') || vowel.ends_with('o')) {
                "ng"
            } else {
                "n"
            }
        } else {
            FINALS
                .iter()
                .find_map(|(cyr, latin)| (rest == *cyr).then_some(*latin))?
        };
        Some(format!("{initial}{vowel}{final_}"))
    })
}

/// `name` read as a Korean name in the Russian system, in McCune-Reischauer: two readings,
/// the final `н` as `n`, and as `ng` after an open vowel (see the module notes); none unless
/// the name has two to four words (spaces or hyphens between them) and each is one Korean
/// syllable in Cyrillic.
pub fn korean_readings(name: &str) -> Vec<String> {
    if !name.chars().any(super::cyrillic_terms::is_cyrillic) {
        return Vec::new();
    }
    let name = super::cyrillic_terms::as_cyrillic(name);
    let words: Vec<String> = without_titles(&name)
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if !(2..=4).contains(&words.len())
        || !words
            .iter()
            .all(|w| w.chars().all(super::cyrillic_terms::is_cyrillic))
    {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::with_capacity(2);
    for ng in [false, true] {
        let Some(read) = words
            .iter()
            .map(|w| syllable(w, ng))
            .collect::<Option<Vec<String>>>()
        else {
            return Vec::new();
        };
        let read = read.join(" ");
        if !out.contains(&read) {
            out.push(read);
        }
    }
    out
}

/// Russian titles before a name, in lower case without a final full stop (`г-н Ким`,
/// `тов. Ким`); the English ones are normalisation's [`super::normalize::TITLES`].
const RUSSIAN_TITLES: &[&str] = &[
    "г-н",
    "г-жа",
    "господин",
    "госпожа",
    "тов",
    "товарищ",
    "гражданин",
    "гражданка",
];

/// `name` without the titles written before it (`Mr.`, `Dr`, `г-н`, `товарищ`): a title is
/// no Korean syllable, so `Mr. Ким Чен Ын` had no Korean reading and met `KIM Jong Un` at 0.49,
/// clear. A name that is only a title is kept.
fn without_titles(name: &str) -> &str {
    let mut rest = name.trim_start();
    while let Some((word, after)) = rest.split_once(char::is_whitespace) {
        let word = word.trim_end_matches('.').to_lowercase();
        let title = super::normalize::TITLES.contains(&word.as_str())
            || RUSSIAN_TITLES.contains(&word.as_str());
        if !title || after.trim().is_empty() {
            break;
        }
        rest = after.trim_start();
    }
    rest
}

/// Latin letters as the US lists' romanisation of Russian (normalisation's table) writes the
/// Cyrillic ones, longest first, each with the Cyrillic letters it may stand for: `y` is `ы`
/// or `й`, `e` is `е` or `э`.
const LATIN_TO_CYRILLIC: &[(&str, &[&str])] = &[
    ("shch", &["щ"]),
    ("zh", &["ж"]),
    ("kh", &["х"]),
    ("ts", &["ц"]),
    ("ch", &["ч"]),
    ("sh", &["ш"]),
    ("yu", &["ю"]),
    ("ya", &["я"]),
    ("yo", &["ё"]),
    ("ye", &["е"]),
    ("a", &["а"]),
    ("b", &["б"]),
    ("v", &["в"]),
    ("g", &["г"]),
    ("d", &["д"]),
    ("e", &["е", "э"]),
    ("z", &["з"]),
    ("i", &["и"]),
    ("y", &["ы", "й"]),
    ("k", &["к"]),
    ("l", &["л"]),
    ("m", &["м"]),
    ("n", &["н"]),
    ("o", &["о"]),
    ("p", &["п"]),
    ("r", &["р"]),
    ("s", &["с"]),
    ("t", &["т"]),
    ("u", &["у"]),
    ("f", &["ф"]),
    ("h", &["х"]),
];

/// Most letters of a word read back into Cyrillic: one Korean syllable in the Russian system
/// is at most five Cyrillic letters (`Чхоль`), seven Latin ones (`chkhol`).
const MAX_SYLLABLE_LATIN: usize = 7;

/// One word of Latin letters (lower case) read back into the Cyrillic of a Korean syllable in
/// the Russian system: the first spelling the US lists' romanisation of Russian could have
/// made it from that [`syllable`] reads. `chen` is `чен`, `yn` is `ын`, `tsoy` is `цой`.
fn syllable_in_cyrillic(word: &str) -> Option<String> {
    if word.len() > MAX_SYLLABLE_LATIN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut spellings: Vec<String> = vec![String::new()];
    let mut rest = word;
    while !rest.is_empty() {
        let (latin, cyrillic) = LATIN_TO_CYRILLIC
            .iter()
            .find(|(latin, _)| rest.starts_with(latin))?;
        spellings = spellings
            .iter()
            .flat_map(|so_far| cyrillic.iter().map(move |c| format!("{so_far}{c}")))
            .collect();
        rest = &rest[latin.len()..];
    }
    spellings
        .into_iter()
        .find(|spelling| syllable(spelling, false).is_some())
}

/// [`korean_readings`] of a name whose words, or some of them, are Korean syllables of the
/// Russian system romanised as the US lists romanise Russian: a Russian document's `Ким Чен
/// Ын` typed or exported in Latin letters is `Kim Chen Yn`, which met `KIM Jong Un` at 0.49,
/// and a name mixing the two (`Ким Chen Ын`) had no reading either. Each Latin word is read
/// back into Cyrillic ([`syllable_in_cyrillic`]) and the name read as one in Cyrillic; none
/// unless every word is such a syllable.
pub fn korean_readings_of_romanised(name: &str) -> Vec<String> {
    let name = super::chars::clean(name);
    if !name.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let words: Vec<&str> = without_titles(&name)
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    // As `korean_readings` asks: two to four words, checked before any is read back.
    if !(2..=4).contains(&words.len()) {
        return Vec::new();
    }
    let mut cyrillic = String::with_capacity(name.len() * 2);
    for word in words {
        if !cyrillic.is_empty() {
            cyrillic.push(' ');
        }
        if word.chars().all(super::cyrillic_terms::is_cyrillic) {
            cyrillic.push_str(word);
            continue;
        }
        let Some(read) = syllable_in_cyrillic(&word.to_ascii_lowercase()) else {
            return Vec::new();
        };
        cyrillic.push_str(&read);
    }
    korean_readings(&cyrillic)
}

#[cfg(test)]
mod tests {
    use super::{korean_readings, korean_readings_of_romanised};

    #[test]
    fn korean_names_in_the_russian_system_read_as_the_lists_write_them() {
        assert_eq!(
            korean_readings("Ким Чен Ын"),
            ["kim chon un", "kim chong un"]
        );
        assert_eq!(
            korean_readings("Ри Пён Чхоль"),
            ["ri pyon chol", "ri pyong chol"]
        );
        assert_eq!(
            korean_readings("Чхве Рён Хэ"),
            ["choe ryon hae", "choe ryong hae"]
        );
        assert_eq!(
            korean_readings("Ли Бён Чхоль"),
            ["ri pyon chol", "ri pyong chol"]
        );
        // A vowel with no initial; the older final `р`; Soviet Koreans' `Цой`.
        assert_eq!(
            korean_readings("Ким Ен Чоль"),
            ["kim yon chol", "kim yong chol"]
        );
        assert_eq!(korean_readings("Ким Ир Сен")[1], "kim il song");
        assert_eq!(korean_readings("Цой Ен Хва")[1], "choe yong hwa");
        // A zero-width space, a Latin `K` typed into a Cyrillic word.
        assert_eq!(
            korean_readings("Ким Чен\u{200B} Ын"),
            ["kim chon un", "kim chong un"]
        );
        assert_eq!(
            korean_readings("Kим Чен Ын"),
            ["kim chon un", "kim chong un"]
        );
        // `чж`, as the press writes `정` after the Chinese model; a hyphen between syllables.
        assert_eq!(
            korean_readings("Ким Ё-Чжон"),
            ["kim yo chon", "kim yo chong"]
        );
    }

    #[test]
    fn russian_names_and_latin_text_are_not_read() {
        assert!(korean_readings("Иван Петров").is_empty());
        assert!(korean_readings("Махан Эйр").is_empty());
        assert!(korean_readings("Kim Jong Un").is_empty());
        assert!(korean_readings("Ким").is_empty());
    }

    #[test]
    fn korean_names_romanised_from_the_russian_system_are_read_too() {
        assert!(korean_readings_of_romanised("Kim Chen Yn").contains(&"kim chong un".to_string()));
        assert!(korean_readings_of_romanised("Ким Chen Ын").contains(&"kim chong un".to_string()));
        assert!(!korean_readings_of_romanised("Chkhve Ren Khe").is_empty());
        // A name with a word that is no Korean syllable, or already in Cyrillic, is not read
        // here (the Cyrillic one is `korean_readings`' own).
        assert!(korean_readings_of_romanised("Kim Jong Un").is_empty());
        assert!(korean_readings_of_romanised("Urka Precision").is_empty());
        assert!(korean_readings_of_romanised("Ким Чен Ын").is_empty());
    }

    #[test]
    fn a_title_before_the_name_does_not_keep_it_from_its_reading() {
        for name in ["Mr. Ким Чен Ын", "г-н Ким Чен Ын", "товарищ Ким Чен Ын"]
        {
            assert!(
                korean_readings(name).contains(&"kim chong un".to_string()),
                "{name}"
            );
        }
        for name in ["Mr Kim Chen Yn", "Dr. Kim Chen Yn"] {
            assert!(
                korean_readings_of_romanised(name).contains(&"kim chong un".to_string()),
                "{name}"
            );
        }
    }
}
