//! Chinese names written in Cyrillic read back into pinyin.
//!
//! Russian paperwork writes a Chinese name in the Palladius system: `Даньдун Хунсян` for
//! `Dandong Hongxiang`, `Ли Кэцян` for `Li Keqiang`. Normalisation transliterates Cyrillic
//! letter by letter (`dandun khunsian`), which the lists' pinyin does not resemble closely
//! enough: a listed Dandong firm written so met nothing. [`pinyin_reading`] reads each word
//! that is a run of Palladius syllables back into pinyin (`dandong hongxiang`) and keeps the
//! other words as written, where the business words of `cyrillic_terms` are read in English.
//!
//! Palladius writes `j`, `q`, `x` and `z`, `c`, `s` alike (`цз`, `ц`, `с`); the final after them
//! tells which (`цзи` is `ji`, `цза` is `za`), as it does in pinyin. Hand-written: the crates
//! that transliterate Cyrillic write Russian sounds, not the Chinese ones Palladius stands for.

/// Palladius initials, longest first where one is a prefix of another, with their pinyin
/// before a final that does not start with `i` or `ü`, and before one that does.
const INITIALS: &[(&str, &str, &str)] = &[
    ("чж", "zh", "zh"),
    ("цз", "z", "j"),
    ("ц", "c", "q"),
    ("ч", "ch", "ch"),
    ("ш", "sh", "sh"),
    ("ж", "r", "r"),
    ("с", "s", "x"),
    ("б", "b", "b"),
    ("п", "p", "p"),
    ("м", "m", "m"),
    ("ф", "f", "f"),
    ("д", "d", "d"),
    ("т", "t", "t"),
    ("н", "n", "n"),
    ("л", "l", "l"),
    ("г", "g", "g"),
    ("к", "k", "k"),
    ("х", "h", "h"),
];

/// Palladius finals after an initial, longest first where one is a prefix of another, with
/// their pinyin.
const FINALS: &[(&str, &str)] = &[
    ("юань", "uan"),
    ("уань", "uan"),
    ("уай", "uai"),
    ("уан", "uang"),
    ("янь", "ian"),
    ("ань", "an"),
    ("энь", "en"),
    ("инь", "in"),
    ("унь", "un"),
    ("юнь", "un"),
    ("юэ", "ue"),
    ("юй", "u"),
    ("юн", "iong"),
    ("ян", "iang"),
    ("яо", "iao"),
    ("ай", "ai"),
    ("ан", "ang"),
    ("ао", "ao"),
    ("эй", "ei"),
    ("эн", "eng"),
    ("ин", "ing"),
    ("ун", "ong"),
    ("оу", "ou"),
    ("уа", "ua"),
    ("уй", "ui"),
    ("уо", "uo"),
    ("а", "a"),
    ("э", "e"),
    ("я", "ia"),
    ("е", "ie"),
    ("ю", "iu"),
    ("о", "o"),
    ("у", "u"),
    ("и", "i"),
    ("ы", "i"),
];

/// Palladius syllables with no initial, longest first where one is a prefix of another, with
/// their pinyin.
const WHOLE: &[(&str, &str)] = &[
    ("юань", "yuan"),
    ("вань", "wan"),
    ("вэнь", "wen"),
    ("янь", "yan"),
    ("юнь", "yun"),
    ("инь", "yin"),
    ("вай", "wai"),
    ("ван", "wang"),
    ("вэй", "wei"),
    ("вэн", "weng"),
    ("ань", "an"),
    ("энь", "en"),
    ("ян", "yang"),
    ("яо", "yao"),
    ("юэ", "yue"),
    ("юй", "yu"),
    ("юн", "yong"),
    ("ин", "ying"),
    ("ва", "wa"),
    ("во", "wo"),
    ("ай", "ai"),
    ("ан", "ang"),
    ("ао", "ao"),
    ("эр", "er"),
    ("оу", "ou"),
    ("а", "a"),
    ("э", "e"),
    ("и", "yi"),
    ("я", "ya"),
    ("е", "ye"),
    ("ю", "you"),
    ("о", "o"),
    ("у", "wu"),
];

/// Most syllables of one word read back (`Даньдун` has two).
const MAX_SYLLABLES: usize = 4;

/// The syllables `word` (lower case) is made of, in pinyin, joined; `None` unless the whole
/// word parses into one to [`MAX_SYLLABLES`] Palladius syllables.
fn read_word(word: &str, depth: usize) -> Option<String> {
    if word.is_empty() {
        return Some(String::new());
    }
    if depth == MAX_SYLLABLES {
        return None;
    }
    let with_initial = INITIALS.iter().flat_map(|&(cyr, plain, palatal)| {
        word.strip_prefix(cyr).into_iter().flat_map(move |rest| {
            FINALS.iter().filter_map(move |&(fin, pinyin)| {
                let after = rest.strip_prefix(fin)?;
                // An `i` or `ü` final (`ю…`, written `u` in pinyin) takes `j`, `q`, `x`; the
                // `i` of `zi`, `ci`, `si` (`ы`) the plain initials.
                let palatal_final = (pinyin.starts_with('i') && fin != "ы") || fin.starts_with('ю');
                let initial = if palatal_final { palatal } else { plain };
                // `о` is `uo` after most initials (`Ло` is Luo), `o` after the labials.
                let pinyin = if fin == "о" && !matches!(cyr, "б" | "п" | "м" | "ф") {
                    "uo"
                } else {
                    pinyin
                };
                Some((format!("{initial}{pinyin}"), after))
            })
        })
    });
    // A syllable with no initial only starts a word: inside one, Palladius runs it into the
    // syllable before (and `Иван` would read `yi wang`).
    let whole = WHOLE
        .iter()
        .filter(|_| depth == 0)
        .filter_map(|&(cyr, pinyin)| Some((pinyin.to_string(), word.strip_prefix(cyr)?)));
    with_initial
        .chain(whole)
        .find_map(|(syllable, after)| read_word(after, depth + 1).map(|rest| syllable + &rest))
}

/// `name` with each word that is a run of Palladius syllables in pinyin and the others as
/// written (`Даньдун Хунсян Индастриал` → `dandong hongxiang Индастриал`); `None` when the
/// name has no Cyrillic letter or no word reads as Chinese syllables, or when fewer than two
/// syllables were read (a Russian `Ли` or `Ван` alone is not a Chinese name).
pub fn pinyin_reading(name: &str) -> Option<String> {
    if !name.chars().any(super::cyrillic_terms::is_cyrillic) {
        return None;
    }
    let name = super::cyrillic_terms::as_cyrillic(name);
    let mut read = 0;
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            match read_word(&lower, 0).filter(|p| !p.is_empty()) {
                Some(pinyin) => {
                    read += 1;
                    pinyin
                }
                None => w.to_string(),
            }
        })
        .collect();
    (read >= 2).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::pinyin_reading;

    #[test]
    fn chinese_names_in_palladius_read_back_into_pinyin() {
        assert_eq!(
            pinyin_reading("Даньдун Хунсян").as_deref(),
            Some("dandong hongxiang")
        );
        assert_eq!(pinyin_reading("Ли Кэцян").as_deref(), Some("li keqiang"));
        assert_eq!(pinyin_reading("Си Цзиньпин").as_deref(), Some("xi jinping"));
        assert_eq!(pinyin_reading("Сунь Цзы").as_deref(), Some("sun zi"));
        assert_eq!(
            pinyin_reading("Ло Чуаньсюй").as_deref(),
            Some("luo chuanxu")
        );
        assert_eq!(pinyin_reading("Мо Янь").as_deref(), Some("mo yan"));
        // A Latin `a` typed into a Cyrillic word.
        assert_eq!(pinyin_reading("Мa Сяохун").as_deref(), Some("ma xiaohong"));
        assert_eq!(
            pinyin_reading("Чжэн Цзэминь").as_deref(),
            Some("zheng zemin")
        );
        // Words that are not Chinese syllables stay for the other readings.
        assert_eq!(
            pinyin_reading("Даньдун Хунсян Индастриал").as_deref(),
            Some("dandong hongxiang Индастриал")
        );
    }

    #[test]
    fn russian_names_are_not_read_as_chinese() {
        assert_eq!(pinyin_reading("Иван Петров"), None);
        assert_eq!(pinyin_reading("Концерн Калашников"), None);
        assert_eq!(pinyin_reading("Ли"), None);
        // `Иван` is not `yi` + `wang`: a syllable with no initial starts a word only.
        assert_eq!(pinyin_reading("Иван Ли"), None);
        assert_eq!(pinyin_reading("Ван Ли").as_deref(), Some("wang li"));
        assert_eq!(pinyin_reading("Dandong Hongxiang"), None);
    }
}
