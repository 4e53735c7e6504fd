//! Business words of names in Arabic script (Persian and Arabic) read in English, as the
//! lists write them.
//!
//! US and EU lists write an Iranian or Syrian company's name in English: the proper name
//! transliterated, the trade words translated (`شرکت ملی نفت ایران` is listed as `NATIONAL
//! IRANIAN OIL COMPANY`, `هواپیمایی ماهان` as `MAHAN AIR`, `المصرف التجاري السوري` as
//! `COMMERCIAL BANK OF SYRIA`). Normalisation reads Arabic script as consonant skeletons, so
//! the trade words came out as `shrkt ml nft rn` against `national iranian oil`, and a listed
//! firm that wrote its own name in its own script on the order met nothing and was clear.
//! [`english_readings`] gives the name with its trade words in English and the rest as
//! written, which the screener compares as more names of the party (`StepKind::ReadInEnglish`
//! in the evidence), as `han_terms` does for Chinese.
//!
//! The table holds words of trade, industry, state and organisation only. Proper names
//! (`ماهان`, `سپه`) stay as written and are compared on their consonants. Where the English
//! has two usual forms (`ایران`: `Iran`, `Iranian`) both are tried, a reading for each choice.
//! The English word order does not matter to the comparison, which pairs words in any order,
//! except for the legal form: normalisation cuts `company` and `corporation` only at the end
//! of a name, so a reading puts them there (`شرکت ملی نفت ایران` → `national iranian oil
//! company`).
//!
//! Hand-written: no well-kept crate translates business vocabulary between these scripts and
//! English (transliteration crates such as `deunicode` spell the words, they do not
//! translate them).

/// Arabic-script words and phrases ([`fold`]ed; a phrase's words separated by one space)
/// and their English, a second rendering after `|`.
const TERMS: &[(&str, &str)] = &[
    // Organisation and legal form (Persian, then Arabic).
    ("شرکت", "company"),
    ("شرکه", "company"),
    ("موسسه", "corporation|institute"),
    ("سازمان", "organization"),
    ("منظمه", "organization"),
    ("گروه", "group"),
    ("مجموعه", "group"),
    ("بنیاد", "foundation"),
    ("قرارگاه", "headquarters"),
    ("مرکز", "center"),
    ("وزارت", "ministry"),
    ("وزاره", "ministry"),
    ("هلدینگ", "holding"),
    ("قابضه", "holding"),
    // Banking and finance.
    ("بانک", "bank"),
    ("بنک", "bank"),
    ("مصرف", "bank"),
    ("صرافی", "exchange"),
    ("سرمایه گذاری", "investment"),
    ("استثمار", "investment"),
    ("بیمه", "insurance"),
    ("تامین", "insurance"),
    ("عقاری", "real estate"),
    ("عقاریه", "real estate"),
    // Trade.
    ("بازرگانی", "trading|commercial"),
    ("تجارت", "trading|trade"),
    ("تجاره", "trade|trading"),
    ("تجاری", "commercial|trading"),
    ("تجاریه", "commercial|trading"),
    ("واردات و صادرات", "import export"),
    ("صادرات و واردات", "export import"),
    ("استیراد و تصدیر", "import export"),
    ("استیراد", "import"),
    ("تصدیر", "export"),
    ("بین المللی", "international"),
    ("دولی", "international"),
    ("دولیه", "international"),
    ("خدمات", "services"),
    ("حمل و نقل", "transport"),
    ("حمل ونقل", "transport"),
    ("نقل", "transport"),
    ("توسعه", "development"),
    ("تنمیه", "development"),
    // Industry.
    ("صنایع", "industries"),
    ("صنعت", "industry"),
    ("صنعتی", "industrial"),
    ("صناعات", "industries"),
    ("صناعه", "industry"),
    ("صناعی", "industrial"),
    ("صناعیه", "industrial"),
    ("تولیدی", "manufacturing|production"),
    ("مهندسی", "engineering"),
    ("هندسیه", "engineering"),
    ("تحقیقات", "research"),
    ("بحوث", "research"),
    ("پژوهشکده", "research institute"),
    ("پژوهشگاه", "research institute"),
    ("ساختمانی", "construction"),
    ("سازندگی", "construction"),
    ("فولاد", "steel"),
    ("نفت", "oil|petroleum"),
    ("نفط", "oil|petroleum"),
    ("بترول", "petroleum"),
    ("نفتکش", "tanker"),
    ("نفت کش", "tanker"),
    ("پتروشیمی", "petrochemical"),
    ("الکترونیک", "electronics"),
    ("الکترونیکی", "electronic|electronics"),
    ("فناوری", "technology"),
    ("تکنولوژی", "technology"),
    ("تکنولوجیا", "technology"),
    ("تقنیه", "technology"),
    ("اطلاعات", "information|intelligence"),
    ("معلومات", "information"),
    ("مخابرات", "telecommunication|intelligence"),
    ("ارتباطات", "communications"),
    ("اتصالات", "telecommunications|communications"),
    ("انرژی اتمی", "atomic energy"),
    ("هسته ای", "nuclear"),
    ("موشکی", "missile"),
    ("دفاع", "defense"),
    ("دفاعی", "defense"),
    // Transport.
    ("هواپیمایی", "airlines"),
    ("هوافضا", "aerospace"),
    ("هوا فضا", "aerospace"),
    ("هوایی", "aircraft|air"),
    ("طیران", "airlines|aviation"),
    ("کشتیرانی", "shipping lines|shipping"),
    ("کشتی سازی", "shipbuilding"),
    ("دریایی", "marine|maritime"),
    ("بحریه", "marine|navy"),
    ("راه اهن", "railway"),
    // State and forces.
    ("جمهوری", "republic"),
    ("جمهوریه", "republic"),
    ("اسلامی", "islamic"),
    ("اسلامیه", "islamic"),
    ("ملی", "national"),
    ("وطنی", "national"),
    ("وطنیه", "national"),
    ("مرکزی", "central"),
    ("عامه", "general|public"),
    ("عمومی", "general|public"),
    ("سپاه", "corps"),
    ("پاسداران", "guard|guards"),
    ("انقلاب", "revolutionary|revolution"),
    ("نیروی", "force"),
    ("نیروهای مسلح", "armed forces"),
    ("قوات مسلحه", "armed forces"),
    ("پشتیبانی", "logistics|support"),
    ("خطوط جویه", "airlines"),
    ("خطوط هوایی", "airlines"),
    // Countries and their adjectives.
    ("ایران", "iran|iranian"),
    ("ایرانی", "iranian"),
    ("ایرانیه", "iranian"),
    ("سوریه", "syria|syrian"),
    ("سوریا", "syria"),
    ("سوری", "syrian"),
    ("عربی", "arab"),
    ("عربیه", "arab"),
    ("عراق", "iraq"),
    ("عراقی", "iraqi"),
    ("عراقیه", "iraqi"),
    ("لبنان", "lebanon"),
    ("لبنانی", "lebanese"),
    ("لبنانیه", "lebanese"),
    ("سعودی", "saudi"),
    ("سعودیه", "saudi"),
    ("مصر", "egypt"),
    ("مصری", "egyptian"),
    ("کویت", "kuwait"),
    ("کویتی", "kuwaiti"),
    ("قطر", "qatar"),
    ("قطری", "qatari"),
    ("قطریه", "qatari"),
    ("امارات", "emirates"),
    ("اماراتی", "emirati"),
    ("افغانستان", "afghanistan"),
    ("روسیه", "russia|russian"),
    ("چین", "china|chinese"),
    ("کره", "korea|korean"),
];

/// English words a reading puts last: normalisation cuts a legal form only at a name's end.
const LEGAL_FORMS: &[&str] = &["company", "corporation"];

/// Most words of one term ([`TERMS`]).
const MAX_TERM_WORDS: usize = 3;

/// Most readings of one name: each word with two renderings doubles them.
const MAX_READINGS: usize = 8;

/// `word` in the letters [`TERMS`] is written in: the Arabic `ي`, `ى` and `ك` of an Arabic
/// keyboard as the Persian `ی` and `ک`, `ة` as `ه`, `أ` `إ` `آ` `ٱ` as `ا`, `ؤ` as `و`, `ئ`
/// as `ی`; short-vowel marks and the tatweel left out. A word is looked up in this form.
fn fold(word: &str) -> String {
    word.chars()
        .filter(|&c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | 'ـ'))
        .map(|c| match c {
            'ي' | 'ى' | 'ئ' => 'ی',
            'ك' => 'ک',
            'ة' => 'ه',
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ؤ' => 'و',
            c => c,
        })
        .collect()
}

/// Letters Arabic writes onto the front of a word: the article and the prepositions and
/// conjunction before it (`المصرف`, `للنفط`, `لتکریر`, `والتجاره`, `بالنفط`).
const PREFIXES: &[&str] = &["وال", "بال", "لل", "ال", "ل"];

/// Whether the folded `word` is `term_word`, as written or with one of [`PREFIXES`] before it.
fn same_word(word: &str, term_word: &str) -> bool {
    word == term_word
        || PREFIXES.iter().any(|prefix| {
            word.strip_prefix(prefix)
                .is_some_and(|rest| rest == term_word && rest.chars().count() >= 2)
        })
}

/// The English of the term `words` spell (folded), each word as written or with the article
/// or a preposition written onto it (`الخطوط الجویه`).
fn term(words: &[String]) -> Option<&'static str> {
    TERMS.iter().find_map(|&(arabic, english)| {
        let mut term_words = arabic.split(' ');
        let same = words
            .iter()
            .all(|w| term_words.next().is_some_and(|t| same_word(w, t)))
            && term_words.next().is_none();
        same.then_some(english)
    })
}

/// `name` with each business word of [`TERMS`] in English and the rest as written
/// (`شرکت ملی نفت ایران` → `national iran oil company`, `national iranian oil company`;
/// `بانک سپه` → `bank سپه`): a reading for each choice of rendering, at most
/// [`MAX_READINGS`] (the words after the third with two renderings take their first); none
/// when the name has no Arabic letter or no such word. At each place the longest term that
/// starts there is taken (`حمل و نقل` before `نقل`). Words are separated by spaces and by the
/// zero-width non-joiner Persian writes inside compounds (`هسته‌ای`, `سرمایه‌گذاری`).
pub fn english_readings(name: &str) -> Vec<String> {
    if !name.chars().any(super::translit::is_arabic_letter) {
        return Vec::new();
    }
    // The non-joiner Persian writes inside compounds separates words; other invisible
    // characters are taken out, as normalisation takes them out (`بان\u{200D}ک`).
    let spaced = name.replace('\u{200C}', " ");
    let cleaned = super::chars::clean(&spaced);
    let written: Vec<&str> = cleaned.split_whitespace().collect();
    let folded: Vec<String> = written.iter().map(|w| fold(w)).collect();
    let mut readings: Vec<(Vec<&str>, Vec<&str>)> = vec![(Vec::new(), Vec::new())];
    let mut read = false;
    let mut at = 0;
    while at < written.len() {
        let longest = (1..=MAX_TERM_WORDS.min(written.len() - at))
            .rev()
            .find_map(|n| term(&folded[at..at + n]).map(|english| (n, english)));
        let Some((n, english)) = longest else {
            readings
                .iter_mut()
                .for_each(|(words, _)| words.push(written[at]));
            at += 1;
            continue;
        };
        let renderings: Vec<&str> = match english.split_once('|') {
            Some((first, second)) if readings.len() * 2 <= MAX_READINGS => vec![first, second],
            Some((first, _)) => vec![first],
            None => vec![english],
        };
        readings = readings
            .iter()
            .flat_map(|(words, legal)| {
                renderings.iter().map(move |&rendering| {
                    let (mut words, mut legal) = (words.clone(), legal.clone());
                    if LEGAL_FORMS.contains(&rendering) {
                        legal.push(rendering);
                    } else {
                        words.push(rendering);
                    }
                    (words, legal)
                })
            })
            .collect();
        read = true;
        at += n;
    }
    if !read {
        return Vec::new();
    }
    let mut out: Vec<String> = readings
        .into_iter()
        .map(|(mut words, legal)| {
            words.extend(legal);
            words.join(" ")
        })
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::{english_readings, fold, TERMS};

    #[test]
    fn business_words_are_read_in_english_and_names_stay() {
        assert_eq!(
            english_readings("شرکت ملی نفت ایران"),
            [
                "national oil iran company",
                "national oil iranian company",
                "national petroleum iran company",
                "national petroleum iranian company"
            ]
        );
        assert_eq!(english_readings("بانک سپه"), ["bank سپه"]);
        assert_eq!(english_readings("هواپیمایی ماهان"), ["airlines ماهان"]);
        // Arabic: the article and the preposition written onto a word, the Arabic `ة`.
        let readings = english_readings("المؤسسة العامة للنفط");
        assert_eq!(readings.len(), 8);
        assert!(readings.contains(&"general petroleum corporation".to_string()));
        assert!(english_readings("المصرف التجاري السوري")
            .contains(&"bank commercial syrian".to_string()));
        // The article on every word of a phrase.
        assert_eq!(
            english_readings("الخطوط الجوية القطرية"),
            ["airlines qatari"]
        );
        // Typed on an Arabic keyboard, and with the zero-width non-joiner inside a compound.
        assert_eq!(english_readings("بانك ملي"), ["bank national"]);
        assert_eq!(
            english_readings("سازمان انرژی اتمی"),
            ["organization atomic energy"]
        );
        assert_eq!(
            english_readings("صنایع هسته\u{200C}ای"),
            ["industries nuclear"]
        );
        // A joiner or a zero-width space a diverter puts inside a word.
        assert_eq!(english_readings("بان\u{200D}ک سپه"), ["bank سپه"]);
        assert_eq!(english_readings("بانک\u{200B} ملی"), ["bank national"]);
        // No business word, or not Arabic script.
        assert!(english_readings("قاسم سلیمانی").is_empty());
        assert!(english_readings("National Iranian Oil Company").is_empty());
        // Names that only start like an article and a word: `لیلا` is not `ل` + a term.
        assert!(english_readings("لیلا").is_empty());
    }

    #[test]
    fn every_term_is_folded_arabic_script_and_its_english_is_lowercase_words() {
        for (arabic, english) in TERMS {
            assert_eq!(fold(arabic), *arabic, "{arabic}");
            assert!(
                arabic
                    .split(' ')
                    .all(|w| !w.is_empty()
                        && w.chars().all(super::super::translit::is_arabic_letter)),
                "{arabic}"
            );
            assert!(
                english
                    .split(['|', ' '])
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{english}"
            );
        }
    }
}
