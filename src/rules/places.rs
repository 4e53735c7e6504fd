//! The places a free-text city field names, for lists whose keys are place names
//! (`places = true` in `pack.toml`).
//!
//! ERP exports write a city with its district, province or rank (`Dandong, Liaoning`,
//! `Zhenxing District, Dandong`, `Dandong Shi`, `丹东市`, `г. Благовещенск`) and Pinyin with a
//! space between syllables (`Dan dong`). A list of border cities looked up by the whole text
//! found none of them, and a consignee in Dandong passed as a consignee nowhere in particular.

/// Words of administrative rank written beside a place's name, folded: they name no place
/// of their own.
const RANK_WORDS: &[&str] = &[
    "city",
    "shi",
    "district",
    "qu",
    "county",
    "xian",
    "prefecture",
    "province",
    "sheng",
    "municipality",
    "oblast",
    "krai",
    "kray",
    "region",
    "gorod",
    "g",
    "область",
    "край",
    "город",
    "г",
    "район",
    "р-н",
    "обл",
    "пгт",
    "пос",
    "поселок",
    "село",
    "с",
    // Ukrainian: місто (city), смт (urban-type settlement), селище.
    "м",
    "місто",
    "смт",
    "селище",
    "zhen",
    "xiang",
    // Korean: 시 (city) romanised, `Pyongyang-si`.
    "si",
    "autonomous",
    "zizhiqu",
    "zizhizhou",
    "zizhixian",
];

/// Provinces and autonomous regions of China in Pinyin, folded, and the Russian regions on
/// its border: written after a city with a hyphen (`Dandong-Liaoning`) they name no place a
/// city list holds, so the city is read without them. A hyphen otherwise joins: `Jian-ou`.
const REGION_WORDS: &[&str] = &[
    "anhui",
    "beijing",
    "chongqing",
    "fujian",
    "gansu",
    "guangdong",
    "guangxi",
    "guizhou",
    "hainan",
    "hebei",
    "heilongjiang",
    "henan",
    "hubei",
    "hunan",
    "jiangsu",
    "jiangxi",
    "jilin",
    "liaoning",
    "neimenggu",
    "ningxia",
    "qinghai",
    "shaanxi",
    "shandong",
    "shanghai",
    "shanxi",
    "sichuan",
    "tianjin",
    "xinjiang",
    "xizang",
    "yunnan",
    "zhejiang",
    "amur",
    "amurskaya",
    "primorye",
    "primorsky",
    "primorskiy",
    "zabaykalsky",
    "zabaykalskiy",
    "evreyskaya",
    "yevreyskaya",
];

/// Han characters of administrative rank that end a place's name: city, district, county,
/// province (simplified and traditional). Han text has no spaces, so they also end a part
/// (`辽宁省丹东市` is the province of Liaoning and the city of Dandong).
const HAN_RANKS: &[char] = &['市', '区', '區', '县', '縣', '省'];

/// Street designators written after a street's name, folded: a place name right before one
/// names the street (`Dandong Road` in Shanghai, `Moscow Road` in London), not the place.
const STREET_AFTER: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "lane",
    "ln",
    "boulevard",
    "blvd",
    "drive",
    "lu",
    "jie",
    "dajie",
    "str",
    "strasse",
    "straße",
];

/// Street designators written before a street's name (Russian, Ukrainian and Belarusian
/// usage), folded: `ul. Moskovskaya`, `пр. Минский`.
const STREET_BEFORE: &[&str] = &[
    "ul",
    "ulitsa",
    "ул",
    "улица",
    "pr",
    "prospekt",
    "prosp",
    "пр",
    "просп",
    "проспект",
    "per",
    "pereulok",
    "пер",
    "переулок",
    "bulvar",
    "бульвар",
    "shosse",
    "шоссе",
    "nab",
    "наб",
    "набережная",
    "pl",
    "пл",
    "площадь",
    "vul",
    "вул",
    "вулиця",
];

/// Characters that separate the parts of a place text: `Dandong, Liaoning`, `Dandong (CN)`.
fn is_part_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '(' | ')' | '/' | '，' | '、' | '（' | '）') || HAN_RANKS.contains(&c)
}

/// The readings of a folded place text other than the text itself, each a key a list of
/// place names may hold: every part between separators, every run of one to three of its
/// words with rank words left out, and runs of two or three words also written together
/// (`dan dong` as `dandong`). Empty for a text of one word, which the whole-text look-up
/// already tried: the common case costs one pass over the text.
pub fn place_readings(folded: &str) -> Vec<String> {
    if folded
        .chars()
        .all(|c| c.is_alphanumeric() && !HAN_RANKS.contains(&c))
    {
        return without_glued_rank(folded).into_iter().collect();
    }
    let mut out: Vec<String> = Vec::new();
    let push = |reading: String, out: &mut Vec<String>| {
        if !reading.is_empty() && reading != folded && !out.contains(&reading) {
            out.push(reading);
        }
    };
    for part in folded.split(is_part_separator) {
        push(part.trim().to_string(), &mut out);
    }
    // A hyphen stays inside its word: `Jian-ou` in Fujian is not `Jian` (Ji'an) on the Yalu,
    // and `Ulan-Ude` is one name. The text is folded, so apostrophes are gone already
    // (`Jian'ou` is `jianou`: `rules::lists::fold`).
    let in_word = |c: char| c.is_alphanumeric() || c == '-';
    // Each word with the part it is in: a street designator names the street beside it only
    // within one part (`Minsk, pr. Nezavisimosti` is Minsk, `Moscow, Road Town` is Moscow).
    let mut words: Vec<&str> = Vec::new();
    let mut part_of: Vec<usize> = Vec::new();
    for (part, text) in folded.split(is_part_separator).enumerate() {
        for word in text
            .split(|c: char| !in_word(c))
            .map(|w| w.trim_matches('-'))
            .filter(|w| !w.is_empty() && !RANK_WORDS.contains(w))
        {
            words.push(word);
            part_of.push(part);
        }
    }
    let names_a_street = |start: usize, end: usize| {
        let after = words
            .get(end)
            .is_some_and(|w| part_of[end] == part_of[end - 1] && STREET_AFTER.contains(w));
        let before = start > 0
            && part_of[start - 1] == part_of[start]
            && STREET_BEFORE.contains(&words[start - 1]);
        after || before
    };
    // A word beside a street designator names the street (`Dandongshi Lu`, `Saint-Petersburg
    // Road`), whichever way it is read.
    let beside_a_street = |at: usize| names_a_street(at, at + 1);
    for (at, word) in words.iter().enumerate() {
        if beside_a_street(at) {
            continue;
        }
        if let Some(reading) = without_glued_rank(word) {
            push(reading, &mut out);
        }
    }
    // A city written with its rank, region or country after a hyphen (`Dandong-shi`,
    // `Dandong-Liaoning`, `Teheran-Iran`): the city without them is a reading of its own. A
    // name written with a hyphen inside (`Bandar-Abbas`, `Saint-Petersburg`, `Pyong-yang`) is
    // read with a space and closed up too, as lists write it, but never as one of its parts
    // alone (`Jian-ou` is not `Jian`).
    for (at, word) in words.iter().enumerate() {
        if !word.contains('-') || beside_a_street(at) {
            continue;
        }
        let is_rank_or_region = |part: &&str| {
            RANK_WORDS.contains(part)
                || REGION_WORDS.contains(part)
                || crate::screening::country_words::is_country_word(part)
        };
        let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
        push(parts.join(" "), &mut out);
        push(parts.concat(), &mut out);
        let named: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| !is_rank_or_region(p))
            .collect();
        if named.len() < parts.len() && !named.is_empty() {
            push(named.join("-"), &mut out);
            push(named.join(" "), &mut out);
            push(named.concat(), &mut out);
        }
    }
    for n in 1..=3 {
        for (start, run) in words.windows(n).enumerate() {
            if names_a_street(start, start + n) {
                continue;
            }
            push(run.join(" "), &mut out);
            if n > 1 {
                push(run.concat(), &mut out);
            }
        }
    }
    out
}

/// A word with a city's rank written onto it, without the rank: Korean `단둥시` (시, city) and
/// Pinyin `Dandongshi`. Only after a name of some length, so that a short name ending in the
/// same letters is left alone. Folded text holds Hangul as its letters (jamo: `rules::lists::fold`
/// decomposes), so 시 is ㅅ and ㅣ, and a name of two syllables is at least four letters.
fn without_glued_rank(word: &str) -> Option<String> {
    if let Some(name) = word.strip_suffix("\u{1109}\u{1175}") {
        let jamo = |c: char| ('\u{1100}'..='\u{11FF}').contains(&c);
        if name.chars().count() >= 4 && name.chars().all(jamo) {
            return Some(name.to_string());
        }
    }
    let name = word.strip_suffix("shi")?;
    (name.len() >= 4 && name.bytes().all(|b| b.is_ascii_lowercase())).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::place_readings;

    #[test]
    fn a_city_is_read_from_its_district_province_and_rank() {
        for (text, wanted) in [
            ("dandong, liaoning", "dandong"),
            ("zhenxing district, dandong", "dandong"),
            ("dandong shi", "dandong"),
            ("dan dong", "dandong"),
            ("丹东市", "丹东"),
            ("辽宁省丹东市振兴区", "丹东"),
            ("г. благовещенск", "благовещенск"),
            ("ulan-ude, buryatia", "ulan-ude"),
            ("dandong-liaoning", "dandong"),
            ("dandong-shi", "dandong"),
            ("hunchun-jilin province", "hunchun"),
            ("м. ізмаїл", "ізмаїл"),
            ("смт вилкове", "вилкове"),
            ("bandar-abbas", "bandar abbas"),
            ("saint-petersburg", "saint petersburg"),
            ("pyong-yang", "pyongyang"),
            ("pyongyang-si", "pyongyang"),
            ("teheran-iran", "teheran"),
            ("dandongshi", "dandong"),
            ("dandongshi, liaoning", "dandong"),
        ] {
            let readings = place_readings(text);
            assert!(readings.iter().any(|r| r == wanted), "{text}: {readings:?}");
        }
        assert!(place_readings("bremen").is_empty());
        // An apostrophe or hyphen joins: Jian'ou in Fujian is no reading of Ji'an (`jian`).
        let folded = crate::rules::lists::fold("Jian'ou, Fujian");
        assert!(!place_readings(&folded).contains(&"jian".to_string()));
        assert!(!place_readings("jian-ou, fujian").contains(&"jian".to_string()));
        assert!(!place_readings("ulan-ude").contains(&"ulan".to_string()));
        // A rank glued onto a short name is not taken off: `Oshi` is no reading of `Osh`.
        assert!(place_readings("oshi").is_empty());
        let fold = crate::rules::lists::fold;
        assert!(place_readings(&fold("단둥시")).contains(&fold("단둥")));
        assert!(place_readings(&fold("시")).is_empty());
        assert!(place_readings(&fold("하시")).is_empty());
        // A dot before a hyphen: `St.-Petersburg` is `St Petersburg`.
        assert!(place_readings("st.-petersburg").contains(&"st petersburg".to_string()));
    }

    #[test]
    fn a_place_name_beside_a_street_designator_names_the_street() {
        for (text, street) in [
            ("88 dandong road, yangpu district, shanghai", "dandong"),
            ("12 moscow road, london w2", "moscow"),
            ("ul. moskovskaya 5, almaty", "moskovskaya"),
            ("пр. минский 3, вильнюс", "минский"),
            ("dandong lu 7, shanghai", "dandong"),
            ("12 saint-petersburg road, london", "saint petersburg"),
            ("dandongshi lu 7, shanghai", "dandong"),
            ("ul. bandar-abbas 5, almaty", "bandar abbas"),
        ] {
            assert!(!place_readings(text).iter().any(|r| r == street), "{text}");
        }
        for (text, place) in [
            ("minsk, pr. nezavisimosti 10", "minsk"),
            ("ul. lenina 5, simferopol", "simferopol"),
            ("tverskaya st 7 moscow", "moscow"),
            ("moscow, road town", "moscow"),
            ("st petersburg, nevsky pr 1", "st petersburg"),
            ("no. 5 jiangcheng st, zhenxing district, dandong", "dandong"),
        ] {
            let readings = place_readings(text);
            assert!(readings.iter().any(|r| r == place), "{text}: {readings:?}");
        }
    }
}
