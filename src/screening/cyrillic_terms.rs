//! Business words of names in Cyrillic read in English, as the lists write them.
//!
//! A Russian company or a Russian document names a firm in Cyrillic two ways the lists do not:
//! with its trade words in Russian (`Концерн Калашников`, listed as `KALASHNIKOV CONCERN`;
//! `Национальная иранская нефтяная компания`, `NATIONAL IRANIAN OIL COMPANY`), or with English
//! words spelled in Cyrillic (`Махан Эйр`, `MAHAN AIR`; `Иран Эйркрафт Индастриз`, `IRAN
//! AIRCRAFT INDUSTRIES`). Normalisation transliterates the letters (`kontsern`, `eyr`,
//! `indastriz`), which the listed English words do not resemble closely enough: the first met
//! its listed name at 0.73, the others not at all. [`english_readings`] gives the name with
//! such words in English and the rest as written, which the screener compares as another name
//! of the party (`StepKind::ReadInEnglish`), as `han_terms` and `arabic_terms` do.
//!
//! Russian adjectives and nouns change their endings with gender and case, so Russian words are
//! looked up by stem ([`STEMS`]: `национальн` for `национальная`, `национального`); English
//! words spelled in Cyrillic are looked up whole ([`SPELLED`]). Hand-written: no well-kept
//! crate translates business vocabulary from Russian.

/// English words as Russian spells them (lower case), and the English.
const SPELLED: &[(&str, &str)] = &[
    ("эйр", "air"),
    ("эйрлайнс", "airlines"),
    ("эйрлайнз", "airlines"),
    ("эйркрафт", "aircraft"),
    ("эйрвейз", "airways"),
    ("индастриз", "industries"),
    ("индастрис", "industries"),
    ("индастриал", "industrial"),
    ("корпорейшн", "corporation"),
    ("корпорэйшн", "corporation"),
    ("трейдинг", "trading"),
    ("трэйдинг", "trading"),
    ("трейд", "trade"),
    ("девелопмент", "development"),
    ("майнинг", "mining"),
    ("интернешнл", "international"),
    ("интернэшнл", "international"),
    ("интернешенел", "international"),
    ("компани", "company"),
    ("груп", "group"),
    ("лимитед", "limited"),
    ("инвестмент", "investment"),
    ("инвестментс", "investments"),
    ("энтерпрайз", "enterprise"),
    ("энтерпрайзес", "enterprises"),
    ("текнолоджи", "technology"),
    ("технолоджи", "technology"),
    ("текнолоджис", "technologies"),
    ("технолоджис", "technologies"),
    ("шиппинг", "shipping"),
    ("лайнс", "lines"),
    ("бэнк", "bank"),
    ("энерджи", "energy"),
    ("электроникс", "electronics"),
    ("логистикс", "logistics"),
    ("сервисез", "services"),
    ("солюшнс", "solutions"),
    ("системс", "systems"),
    ("глобал", "global"),
    ("юнайтед", "united"),
    ("нэшнл", "national"),
    ("нешнл", "national"),
    ("оверсиз", "overseas"),
    ("марин", "marine"),
    ("петролеум", "petroleum"),
    ("ойл", "oil"),
    ("металлик", "metallic"),
];

/// Russian stems of business words (lower case), and the English; a word is read when it is
/// the stem with at most [`MAX_ENDING`] more letters (its ending).
const STEMS: &[(&str, &str)] = &[
    ("компани", "company"),
    ("корпораци", "corporation"),
    ("концерн", "concern"),
    ("холдинг", "holding"),
    ("групп", "group"),
    ("банк", "bank"),
    ("завод", "plant"),
    ("предприяти", "enterprise"),
    ("объединени", "association"),
    ("институт", "institute"),
    ("агентств", "agency"),
    ("министерств", "ministry"),
    ("авиакомпани", "airline"),
    ("авиалини", "airlines"),
    ("национальн", "national"),
    ("государственн", "state"),
    ("объединенн", "united"),
    ("объединённ", "united"),
    ("международн", "international"),
    ("торгов", "trading"),
    ("промышленн", "industrial"),
    ("нефтян", "oil"),
    ("нефтегазов", "oil and gas"),
    ("газов", "gas"),
    ("инвестиционн", "investment"),
    ("строительн", "construction"),
    ("судостроительн", "shipbuilding"),
    ("авиастроительн", "aircraft"),
    ("машиностроительн", "machine building"),
    ("приборостроительн", "instrument making"),
    ("оборонн", "defense"),
    ("электронн", "electronic"),
    ("химическ", "chemical"),
    ("механическ", "mechanical"),
    ("металлургическ", "metallurgical"),
    ("морск", "maritime"),
    ("транспортн", "transport"),
    ("судоходн", "shipping"),
    ("технологи", "technologies"),
    ("иранск", "iranian"),
    ("сирийск", "syrian"),
    ("арабск", "arab"),
    ("корейск", "korean"),
    ("китайск", "chinese"),
    ("российск", "russian"),
    ("белорусск", "belarusian"),
];

/// Most letters of an ending after a stem of [`STEMS`] (`-ая`, `-ого`, `-ями`).
const MAX_ENDING: usize = 3;

/// English words a reading puts last: normalisation cuts a legal form only at a name's end.
const LEGAL_FORMS: &[&str] = &["company", "corporation"];

/// `name` as the Cyrillic readings read it: invisible characters out (`chars::clean`, as
/// normalisation), and in a word with a Cyrillic letter each Latin letter read as the
/// Cyrillic one it looks like (`Кoнцерн`, `Мa` with a Latin `o`, `a`), when all of them look
/// like one: one Latin letter typed into a word kept it from every Cyrillic reading.
/// Normalisation's `chars::unmix_scripts` reads a short word (`Мa`) the other way, as Latin,
/// which is right for a name in Latin letters and wrong for these readings.
pub(super) fn as_cyrillic(name: &str) -> String {
    let cleaned = super::chars::clean(name);
    let mut out = String::with_capacity(cleaned.len());
    for (i, word) in cleaned.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let latin = |c: char| c.is_ascii_alphabetic();
        let unmix = word.chars().any(is_cyrillic)
            && word.chars().any(latin)
            && word
                .chars()
                .filter(|&c| latin(c))
                .all(|c| super::chars::cyrillic_look_alike(c).is_some());
        if unmix {
            out.extend(
                word.chars()
                    .map(|c| super::chars::cyrillic_look_alike(c).unwrap_or(c)),
            );
        } else {
            out.push_str(word);
        }
    }
    out
}

/// Whether `c` is a Cyrillic letter of Russian.
pub(super) fn is_cyrillic(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё')
}

/// The English of one word (lower case), spelled English or a Russian stem with its ending.
fn english(word: &str) -> Option<&'static str> {
    SPELLED
        .iter()
        .find(|(spelled, _)| *spelled == word)
        .or_else(|| {
            STEMS
                .iter()
                .filter(|(stem, _)| {
                    word.strip_prefix(stem)
                        .is_some_and(|ending| ending.chars().count() <= MAX_ENDING)
                })
                .max_by_key(|(stem, _)| stem.len())
        })
        .map(|&(_, english)| english)
}

/// Trade words Soviet and Russian firm names end in, glued to what the firm trades
/// (`Рособоронэкспорт`, `Технопромэкспорт`, `Тяжпромэкспорт`), and the English the lists
/// write them in (`ROSOBORONEXPORT`). Transliterated, `экспорт` is `eksport`, a letter off
/// the listed name in a long word: a review where the Latin name blocks. `импорт` transliterates
/// as `import` already.
const COMPOUND_ENDINGS: &[(&str, &str)] = &[("экспорт", "export")];

/// A word ending in one of [`COMPOUND_ENDINGS`] (with at most [`MAX_ENDING`] letters of a
/// case ending after it, left out) after a stem of its own, with that trade word in English
/// and the stem transliterated: `рособоронэкспорт` → `rosoboronexport`.
fn compound_in_english(word: &str) -> Option<String> {
    COMPOUND_ENDINGS.iter().find_map(|(russian, english)| {
        let at = word.rfind(russian)?;
        let (stem, rest) = word.split_at(at);
        let ending = &rest[russian.len()..];
        (!stem.is_empty() && ending.chars().count() <= MAX_ENDING).then(|| {
            // The whole word in Latin letters: a word of both scripts would be read as
            // look-alikes by normalisation (`chars::unmix_scripts`), not as transliterated.
            let latin = |part: &str| -> String {
                let mut out = String::with_capacity(part.len());
                for c in part.chars() {
                    match super::normalize::cyrillic(c) {
                        Some(latin) => out.push_str(latin),
                        None => out.push(c),
                    }
                }
                out
            };
            // The case ending goes, as the stems' do: `Технопромэкспорта` is the genitive.
            format!("{}{english}", latin(stem))
        })
    })
}

/// `name` with its business words in English (see the module notes) and the rest as written,
/// the legal form last (`Национальная иранская нефтяная компания` → `national iranian oil
/// company`, `Махан Эйр` → `Махан air`); `None` when the name has no Cyrillic letter or no such
/// word. Words are separated by spaces, hyphens and quotation marks.
pub fn english_reading(name: &str) -> Option<String> {
    if !name.chars().any(is_cyrillic) {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    let mut legal: Vec<&str> = Vec::new();
    let mut read = false;
    let name = as_cyrillic(name);
    for word in name
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '"' | '«' | '»' | '„' | '“'))
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        if let Some(english) = compound_in_english(&lower) {
            words.push(english);
            read = true;
            continue;
        }
        match english(&lower) {
            Some(english) if LEGAL_FORMS.contains(&english) => {
                legal.push(english);
                read = true;
            }
            Some(english) => {
                words.push(english.to_string());
                read = true;
            }
            None => words.push(word.to_string()),
        }
    }
    if !read {
        return None;
    }
    words.extend(legal.into_iter().map(str::to_string));
    Some(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::{english_reading, SPELLED, STEMS};

    #[test]
    fn russian_and_spelled_english_business_words_are_read_in_english() {
        assert_eq!(
            english_reading("Национальная иранская нефтяная компания").as_deref(),
            Some("national iranian oil company")
        );
        assert_eq!(
            english_reading("Концерн Калашников").as_deref(),
            Some("concern Калашников")
        );
        assert_eq!(english_reading("Махан Эйр").as_deref(), Some("Махан air"));
        assert_eq!(
            english_reading("Иран Эйркрафт Индастриз").as_deref(),
            Some("Иран aircraft industries")
        );
        // Another case ending; the longest stem wins (`судостроительн`, not `строительн`).
        assert_eq!(
            english_reading("АО «Объединенная судостроительная корпорация»").as_deref(),
            Some("АО united shipbuilding corporation")
        );
        assert_eq!(
            english_reading("Национального банка").as_deref(),
            Some("national bank")
        );
        // A zero-width space or a Latin look-alike a diverter puts inside a word.
        assert_eq!(
            english_reading("Кон\u{200B}церн Калашников").as_deref(),
            Some("concern Калашников")
        );
        assert_eq!(
            english_reading("Кoнцерн Калашников").as_deref(),
            Some("concern Калашников")
        );
        // A trade word glued to the end of a firm's name, in any case.
        assert_eq!(
            english_reading("АО «Рособоронэкспорт»").as_deref(),
            Some("АО rosoboronexport")
        );
        assert_eq!(
            english_reading("Технопромэкспорта").as_deref(),
            Some("tekhnopromexport")
        );
        // The word alone is the English word (a Russian `экспорт` is not glued to anything).
        assert_eq!(english_reading("Экспорт"), None);
        // A word that only starts like a stem, a name with no business word, Latin text.
        assert_eq!(english_reading("Банкетов Иван"), None);
        assert_eq!(english_reading("Иван Петров"), None);
        assert_eq!(english_reading("Mahan Air"), None);
    }

    #[test]
    fn every_word_is_lower_case_cyrillic_and_its_english_lower_case_words() {
        for (cyrillic, english) in SPELLED.iter().chain(STEMS) {
            assert!(
                cyrillic
                    .chars()
                    .all(|c| c == c.to_lowercase().next().unwrap_or(c) && super::is_cyrillic(c)),
                "{cyrillic}"
            );
            assert!(
                english
                    .split(' ')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{english}"
            );
        }
    }
}
