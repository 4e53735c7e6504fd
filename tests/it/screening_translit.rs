//! Names in Arabic, Persian, Korean and Chinese script against the Latin spellings of the
//! lists (docs/screening.md, "Transliteration"). The pairs are from
//! `fixtures/lists/name-bench/translit_cases.csv`.

use redflag::screening::score::{score_names, TokenStats};
use redflag::screening::{normalize, Entry, EntryKind, Query, Screener};

fn score(a: &str, b: &str) -> f64 {
    score_names(a, b, EntryKind::Person, &TokenStats::new()).score
}

/// A list of test entries of one kind, `(id, name)` each, to screen against.
fn listed(kind: EntryKind, entries: &[(&str, &str)]) -> Screener {
    Screener::build(
        entries
            .iter()
            .map(|&(id, name)| Entry::new("SDN", "test", id, kind, name))
            .collect(),
    )
}

/// The best match of `name` from 0.5: its entry's id and its score.
fn best(s: &Screener, name: &str) -> Option<(String, f64)> {
    s.screen(&Query::new(name), 0.5)
        .into_iter()
        .next()
        .map(|m| (m.entry_id, m.score))
}

/// The entry `name` meets best, and whether at 0.9 or more (an empty id without a match).
fn found(s: &Screener, name: &str) -> (String, bool) {
    best(s, name)
        .map(|(id, score)| (id, score >= 0.9))
        .unwrap_or_default()
}

#[test]
fn hangul_reads_as_the_lists_spell_north_korean_names() {
    assert_eq!(
        normalize("김정은", EntryKind::Person).normalized,
        "kim jong un"
    );
    assert_eq!(score("최룡해", "Choe Ryong Hae"), 1.0);
    assert_eq!(score("리병철", "RI Pyong Chol"), 1.0);
    assert!(score("김정은", "Choe Ryong Hae") < 0.5);
}

#[test]
fn arabic_and_persian_names_meet_their_latin_spellings_on_consonants() {
    assert_eq!(
        normalize("بشار الأسد", EntryKind::Person).normalized,
        "bshr al sd"
    );
    for (script, latin) in [
        ("بشار الأسد", "Bashar al-Assad"),
        ("محمد بن سلمان", "Mohammed bin Salman"),
        ("صدام حسين", "Saddam Hussein"),
        ("قاسم سلیمانی", "Qasem Soleimani"),
        ("حسن روحانی", "Hassan Rouhani"),
    ] {
        let s = score(script, latin);
        assert!(s >= 0.7, "{script} / {latin}: {s}");
        // Either side may be the list's.
        let r = score(latin, script);
        assert!(r >= 0.7, "{latin} / {script}: {r}");
    }
    assert!(score("بشار الأسد", "Rifaat al-Assad") < 0.7);
    // `abd al` written `Abdel` is a limit: near, below the threshold.
    assert!(score("عبد الفتاح السيسي", "Abdel Fattah el-Sisi") >= 0.6);
    assert!(score("قاسم سلیمانی", "Ali Khamenei") < 0.5);
}

#[test]
fn a_consonant_reading_never_lowers_a_latin_score() {
    // `ltd`, `hsbc` look like skeletons; the plain comparison still counts.
    for (a, b) in [
        ("hsbc", "hsbc"),
        ("mhmd", "mhmd"),
        ("Vladimir Putin", "Vladimir Putin"),
    ] {
        assert_eq!(score(a, b), 1.0, "{a} / {b}");
    }
}

#[test]
fn han_names_read_as_pinyin() {
    assert_eq!(score("习近平", "Xi Jinping"), 1.0);
    assert_eq!(score("毛泽东", "Mao Zedong"), 1.0);
    assert!(score("王毅", "Wang Yang") < 0.7);
}

#[test]
fn wade_giles_spellings_meet_pinyin_between_chinese_names() {
    // Han script comes out as pinyin; older, Taiwanese and Hong Kong spellings are Wade-Giles
    // (apostrophes and hyphens lost in folding).
    for (a, b) in [
        ("毛泽东", "Mao Tse-tung"),
        ("习近平", "Hsi Chin-ping"),
        ("Deng Xiaoping", "Teng Hsiao-p'ing"),
        ("Zhou Enlai", "Chou En-lai"),
        ("Xi Jinping", "Hsi Chin-ping"),
        ("Jiang Jieshi", "Chiang Chieh-shih"),
    ] {
        let s = score(a, b);
        assert!(s >= 0.9, "{a} / {b}: {s}");
        let r = score(b, a);
        assert!(r >= 0.9, "{b} / {a}: {r}");
    }
    // Another name stays another name.
    assert!(score("毛泽东", "Mao Tse-min") < 0.7);
    assert!(score("Hsi Chin-ping", "Li Keqiang") < 0.5);
}

#[test]
fn wade_giles_is_read_only_between_names_made_of_mandarin_syllables() {
    // `tan` would read as pinyin `dan`, but `Dan Smith` is not a Chinese name.
    assert_eq!(score("Dan Smith", "Dan Smith"), 1.0);
    assert!(score("Dan Smith", "Tan Smith") < score("Dan Li", "Tan Li"));
}

#[test]
fn numbers_are_the_same_written_as_words_or_digits() {
    let entity = |s: &str| normalize(s, EntryKind::Entity).normalized;
    assert_eq!(entity("1st International Bank"), "first international bank");
    assert_eq!(entity("Brigade 44"), "brigade forty four");
    assert_eq!(entity("21st Century Fox"), "twenty first century fox");
    assert_eq!(entity("Brigade 30"), "brigade thirty");
    // Leading zeros do not count; larger numbers and codes with letters stay as they are.
    assert_eq!(entity("Plant 112 Unit 07 B52"), "plant 112 unit seven b52");
    assert_eq!(entity("Unit 0100"), "unit 0100");
    let pair = |a: &str, b: &str| score_names(a, b, EntryKind::Entity, &TokenStats::new()).score;
    assert_eq!(
        pair("1st International Bank", "First International Bank"),
        1.0
    );
    assert_eq!(pair("Brigade 44", "Brigade Forty-Four"), 1.0);
    // Different numbers stay different, however they are written.
    assert!(pair("Victory Three", "Victory 4") < 0.7);
    assert!(pair("Ocean Star 2", "Ocean Star Three") < 0.7);
}

#[test]
fn a_name_in_hangul_is_reviewed_only_when_another_country_is_given() {
    use redflag::screening::{Entry, Query, Screener};
    let mut kim = Entry::new("SDN", "test", "1", EntryKind::Person, "KIM, Jong Un");
    kim.add_country("KP");
    let mut ri = Entry::new("SDN", "test", "2", EntryKind::Person, "RI, Pyong Chol");
    ri.add_country("KP");
    let s = Screener::build(vec![kim, ri]);
    let best = |name: &str, country: Option<&str>| {
        let mut q = Query::new(name);
        q.kind = Some(EntryKind::Person);
        q.country = country.map(str::to_string);
        s.screen(&q, 0.5)
            .first()
            .map(|m| (m.entry_id.clone(), m.score))
    };
    // Fail closed: without a country, the listed party named in Hangul is blocked; leaving
    // the country out is no way to turn a block into a review.
    let (id, score) = best("김정은", None).expect("a listed name in Hangul is found");
    assert_eq!(id, "1");
    assert_eq!(score, 1.0);
    // With the entry's country, the reading stands: a block.
    assert_eq!(best("김정은", Some("KP")).map(|m| m.1), Some(1.0));
    assert_eq!(best("리병철", Some("North Korea")).map(|m| m.1), Some(1.0));
    // Another country is not a way out: still reviewed, as the Latin spelling would be.
    let (_, abroad) = best("김정은", Some("KR")).expect("found");
    assert!((0.75..0.9).contains(&abroad), "{abroad}");
    // The Latin spelling is not a transliteration: unchanged.
    assert_eq!(best("Kim Jong Un", None).map(|m| m.1), Some(1.0));
}

#[test]
fn a_typo_in_a_listed_number_word_still_resembles_it() {
    let pair = |a: &str, b: &str| score_names(a, b, EntryKind::Entity, &TokenStats::new()).score;
    for (listed, typo) in [
        ("First East Export Bank", "Frist East Export Bank"),
        ("Seven Seas Shipping", "Sevan Seas Shipping"),
    ] {
        let s = pair(typo, listed);
        assert!(s >= 0.75, "{typo} vs {listed}: {s}");
    }
}

#[test]
fn a_korean_name_in_chinese_characters_is_read_in_korean_too() {
    use redflag::screening::steps::StepKind;
    use redflag::screening::{Entry, Query, Screener};
    let person = |id: &str, name: &str, country: &str| {
        let mut e = Entry::new("SDN", "test", id, EntryKind::Person, name);
        if !country.is_empty() {
            e.add_country(country);
        }
        e
    };
    let s = Screener::build(vec![
        person("1", "KIM, Jong Un", "KP"),
        person("2", "RI, Pyong Chol", "KP"),
        person("3", "RI, Yong Mu", "KP"),
        person("4", "XI, Jinping", ""),
    ]);
    let best = |name: &str, country: Option<&str>| {
        let mut q = Query::new(name);
        q.country = country.map(str::to_string);
        s.screen(&q, 0.5).into_iter().next()
    };
    // Chinese paperwork writes a Korean's name in characters; read in Mandarin it met nothing.
    let kim = best("金正恩", None).expect("金正恩 is read as Kim Jong Un");
    assert_eq!((kim.entry_id.as_str(), kim.score), ("1", 1.0));
    assert!(kim.steps.iter().any(|st| st.kind == StepKind::ReadInKorean));
    // North Korean spelling keeps the initial `r` the South drops (李 is Ri, not I).
    assert_eq!(best("李炳哲", None).map(|m| m.entry_id), Some("2".into()));
    // From another country, as a name in Hangul: a review, not a block and not clear.
    let abroad = best("金正恩", Some("CN")).expect("found");
    assert!((0.75..0.9).contains(&abroad.score), "{}", abroad.score);
    // A loose match of a guessed reading does not count: `杨李` read `yang ri` is not
    // `RI, Yong Mu` (0.66 if it counted). A Chinese name still meets its Mandarin spelling.
    let q = Query::new("杨李");
    assert!(s
        .screen(&q, 0.0)
        .iter()
        .all(|m| !m.steps.iter().any(|st| st.kind == StepKind::ReadInKorean)));
    assert_eq!(best("习近平", None).map(|m| m.entry_id), Some("4".into()));
}

#[test]
fn a_korean_name_meets_its_spelling_in_another_romanisation() {
    // McCune-Reischauer as the lists write it, against Revised Romanisation and the spellings
    // people use for themselves (`Lee`, `Park`, `Young`, `Choi`).
    for (listed, written) in [
        ("Choe Pu Il", "Choe Bu Il"),
        ("Hwang Pyong So", "Hwang Byung Seo"),
        ("Ri Man Gon", "Lee Man Geon"),
        ("Pak Yong Sik", "Park Young Sik"),
        ("Kim Jong Un", "Kim Jong Eun"),
        ("Jang Song Thaek", "Chang Sung Taek"),
        ("Choe Ryong Hae", "Choi Yong Hae"),
    ] {
        let s = score(written, listed);
        assert!(s >= 0.9, "{written} vs {listed}: {s}");
    }
    // Other syllables stay apart, and words that merely look Korean are not read so: a name
    // needs a Korean surname at one end.
    assert!(score("Kim Song Min", "Kim Song Chol") < 0.7);
    let entity = |a: &str, b: &str| score_names(a, b, EntryKind::Entity, &TokenStats::new()).score;
    assert!(entity("Luta Metal", "Rota Metal") < 0.9);
}

#[test]
fn a_name_in_arabic_script_is_also_read_with_its_long_vowels() {
    use redflag::screening::steps::StepKind;
    use redflag::screening::{Entry, Query, Screener};
    let person = |id: &str, name: &str| Entry::new("SDN", "test", id, EntryKind::Person, name);
    let s = Screener::build(vec![
        person("1", "MAMLUK, Ali"),
        person("2", "FAZLI, Ali"),
        person("3", "VARELA, Wilber"),
    ]);
    let best = |name: &str| s.screen(&Query::new(name), 0.5).into_iter().next();
    // `علي` is the skeleton `l`, which pairs with nothing; read `ali` it meets `Ali`.
    let m = best("علي مملوك").expect("علي مملوك is read as Ali Mamluk");
    assert_eq!(m.entry_id, "1");
    assert!(m.score >= 0.9, "{}", m.score);
    assert!(m.steps.iter().any(|st| st.kind == StepKind::ReadWithVowels));
    // In a Persian name `ض` is `z`: `فضلی` is Fazli.
    let m = best("علی فضلی").expect("علی فضلی is read as Ali Fazli");
    assert_eq!((m.entry_id.as_str(), m.score >= 0.9), ("2", true));
    // Another Ali is not either of them.
    assert!(best("علی رضایی").is_none_or(|m| m.score < 0.7));
}

#[test]
fn a_listed_iranian_written_in_persian_is_found_by_the_consonants_of_the_name() {
    let s = listed(
        EntryKind::Person,
        &[
            ("1", "SOLEIMANI, Qasem"),
            ("2", "JAFARI, Mohammad Ali"),
            ("3", "NAQDI, Mohammad Reza"),
            ("4", "VAHIDI, Ahmad"),
            ("5", "JAFARI, Mohammad Javad"),
            ("6", "SALAMI, Hoseyn"),
        ],
    );
    // The skeleton `qsm slmn` shares no trigram with `soleimani qasem`: only its vowelled
    // reading was a candidate, at 0.86. The listed spellings of a skeleton are candidates too.
    assert_eq!(found(&s, "قاسم سلیمانی"), ("1".to_string(), true));
    // A compound given name written as one word, as Persian writes it.
    assert_eq!(found(&s, "محمدعلی جعفری"), ("2".to_string(), true));
    assert_eq!(found(&s, "محمدرضا نقدی").0, "3");
    // An initial `و` is `v` in Persian.
    assert_eq!(found(&s, "احمد وحیدی"), ("4".to_string(), true));
    // Also when an Arabic keyboard types the name, whose `ي` does not tell it Persian.
    assert_eq!(found(&s, "احمد وحيدي"), ("4".to_string(), true));
    // The reading `hsin slami` guesses the vowels (0.55); the candidates it finds are also
    // scored on the consonants of the name as written, `hsn slm`.
    assert_eq!(found(&s, "حسین سلامی"), ("6".to_string(), true));
    // The family name Mohammadi is not the given name Mohammad.
    assert!(best(&s, "علی محمدی").is_none_or(|(_, score)| score < 0.9));
}

#[test]
fn a_listed_company_written_in_arabic_script_is_found_by_its_trade_words_in_english() {
    let entity = |id: &str, name: &str| Entry::new("SDN", "test", id, EntryKind::Entity, name);
    // Many banks, as a real list has: `bank` alone then finds none of them.
    let banks = (0..400).map(|i| {
        let word: String = [i % 26, i / 26 % 26, 25]
            .iter()
            .map(|&k| char::from(b'A' + k as u8))
            .collect();
        entity(&format!("b{i}"), &format!("BANK {word}UMBAT"))
    });
    let s = Screener::build(
        banks
            .chain([
                entity("1", "NATIONAL IRANIAN OIL COMPANY"),
                entity("2", "MAHAN AIR"),
                entity("3", "BANK SEPAH"),
                entity("4", "BANK MELLAT"),
                entity("5", "COMMERCIAL BANK OF SYRIA"),
                entity("6", "GENERAL PETROLEUM CORPORATION"),
                entity("7", "SAVING BANK"),
            ])
            .collect(),
    );
    // The list translates the trade words; the consonants `shrkt ml nft rn` met nothing.
    assert_eq!(found(&s, "شرکت ملی نفت ایران"), ("1".to_string(), true));
    assert_eq!(found(&s, "شركة ملي نفط ايران"), ("1".to_string(), true));
    assert_eq!(found(&s, "هواپیمایی ماهان"), ("2".to_string(), true));
    // `sph` has three consonants: the listed spelling is a candidate because its record also
    // holds `bank`; `پ` and `ه` are not the Latin `ph`.
    assert_eq!(found(&s, "بانک سپه"), ("3".to_string(), true));
    assert_eq!(found(&s, "بانک ملت"), ("4".to_string(), true));
    // Arabic: the article and prepositions written onto the words.
    assert_eq!(found(&s, "المصرف التجاري السوري"), ("5".to_string(), true));
    assert_eq!(found(&s, "المؤسسة العامة للنفط"), ("6".to_string(), true));
    // Another bank is not one of them.
    assert!(best(&s, "بانک آینده").is_none_or(|(_, score)| score < 0.7));
}

#[test]
fn a_listed_north_korean_firm_in_hangul_or_characters_is_found_by_its_trade_words() {
    let s = listed(
        EntryKind::Entity,
        &[
            ("1", "KOREA MINING DEVELOPMENT TRADING CORPORATION"),
            ("2", "AIR KORYO"),
            ("3", "KOREA KWANGSON BANKING CORP"),
            ("4", "OCEAN MARITIME MANAGEMENT COMPANY LIMITED"),
            ("5", "KOREA DAESONG BANK"),
        ],
    );
    // The syllables alone (`jo son gwang eop gae bal`) met nothing.
    assert_eq!(found(&s, "조선광업개발무역회사"), ("1".to_string(), true));
    assert_eq!(found(&s, "朝鲜矿业开发贸易会社"), ("1".to_string(), true));
    // What is left in characters is read in Korean: `高丽` is Koryo, not `gao li`.
    assert_eq!(found(&s, "高丽航空"), ("2".to_string(), true));
    assert_eq!(found(&s, "고려항공"), ("2".to_string(), true));
    assert_eq!(found(&s, "조선광선은행"), ("3".to_string(), true));
    assert_eq!(found(&s, "원양해운관리회사"), ("4".to_string(), true));
    // Korean Air is not Air Koryo; a South Korean bank is not a listed one.
    assert!(best(&s, "대한항공").is_none_or(|(_, score)| score < 0.7));
    assert!(best(&s, "한국수출입은행").is_none_or(|(_, score)| score < 0.7));
}

#[test]
fn a_listed_north_korean_written_in_cyrillic_is_read_back_into_korean() {
    let s = listed(
        EntryKind::Person,
        &[
            ("1", "KIM, Jong Un"),
            ("2", "RI, Pyong Chol"),
            ("3", "CHOE, Ryong Hae"),
            ("4", "KIM, Yong Chol"),
            ("5", "KIM, Chol"),
        ],
    );
    // Transliterated letter by letter (`kim chen yn`, `chkhve ryon khe`) they met nothing.
    assert_eq!(found(&s, "Ким Чен Ын"), ("1".to_string(), true));
    // A Latin `K` typed into the Cyrillic word.
    assert_eq!(found(&s, "Kим Чен Ын"), ("1".to_string(), true));
    assert_eq!(found(&s, "Ри Пён Чхоль"), ("2".to_string(), true));
    assert_eq!(found(&s, "Ли Бён Чхоль"), ("2".to_string(), true));
    assert_eq!(found(&s, "Чхве Рён Хэ"), ("3".to_string(), true));
    assert_eq!(found(&s, "Ким Ен Чоль"), ("4".to_string(), true));
    // A Russian name is not read in Korean; another Kim is not Kim Jong Un.
    assert!(best(&s, "Иван Петров").is_none());
    assert!(best(&s, "Ким Ен Нам").is_none_or(|(id, _)| id != "1"));
}

#[test]
fn a_listed_firm_named_in_cyrillic_is_found_by_its_business_words_in_english() {
    let s = listed(
        EntryKind::Entity,
        &[
            ("1", "KALASHNIKOV CONCERN"),
            ("2", "MAHAN AIR"),
            ("3", "NATIONAL IRANIAN OIL COMPANY"),
            ("4", "SYRIAN ARAB AIRLINES"),
        ],
    );
    // Russian words by their stem, whatever the ending; English words spelled in Cyrillic.
    assert_eq!(
        found(&s, "АО «Концерн Калашников»"),
        ("1".to_string(), true)
    );
    assert_eq!(found(&s, "Махан Эйр"), ("2".to_string(), true));
    assert_eq!(found(&s, "Кoнцерн Калашников"), ("1".to_string(), true));
    assert_eq!(
        found(&s, "Национальная иранская нефтяная компания"),
        ("3".to_string(), true)
    );
    assert_eq!(
        found(&s, "Сирийская арабская авиакомпания"),
        ("4".to_string(), true)
    );
    // Another national oil company is not the Iranian one.
    assert!(best(&s, "Национальная нефтяная компания").is_none_or(|(_, score)| score < 0.7));
}

#[test]
fn a_listed_chinese_party_written_in_cyrillic_is_read_back_into_pinyin() {
    let s = listed(
        EntryKind::Entity,
        &[
            ("1", "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD"),
            ("2", "MA, Xiaohong"),
            ("3", "LUO, Chuanxu"),
            ("4", "ZHOU, Jianshu"),
        ],
    );
    // Transliterated letter by letter (`dandun khunsian`, `chzhou tszyanshu`) they met nothing.
    assert_eq!(
        found(&s, "Даньдун Хунсян Индастриал Девелопмент"),
        ("1".to_string(), true)
    );
    assert_eq!(found(&s, "Ма Сяохун"), ("2".to_string(), true));
    assert_eq!(found(&s, "Мa Сяохун"), ("2".to_string(), true));
    assert_eq!(found(&s, "Ло Чуаньсюй"), ("3".to_string(), true));
    assert_eq!(found(&s, "Чжоу Цзяньшу"), ("4".to_string(), true));
    // A Russian name with a Chinese surname is not read as Chinese.
    assert!(best(&s, "Иван Ли").is_none());
}

/// Russian writes a foreign `h` as `х`, the `yo` of Korean names as `ё` and `j` as `дж`,
/// which transliteration reads `kh`, `e` and `dzh`: each of these listed names in a Russian
/// document was clear. Read as the foreign sounds (`read_as_foreign_name`) they meet their
/// entries; a Russian name with `х` still meets its `kh` spelling. Arabic writes `الله` as a
/// word of its own where the lists join it (`حزب الله`, `HIZBALLAH`), which kept the name from
/// being a candidate at all.
#[test]
fn foreign_names_in_cyrillic_and_split_arabic_compounds_meet_their_entries() {
    use redflag::screening::steps::StepKind;
    let entity = |id: &str, name: &str| Entry::new("SDN", "test", id, EntryKind::Entity, name);
    let mut hizballah = entity("1", "HIZBALLAH");
    hizballah.add_alias("HEZBOLLAH", false);
    let s = Screener::build(vec![
        hizballah,
        entity("2", "HAMAS"),
        entity("3", "AIR KORYO"),
        entity("4", "JABHAT AL-NUSRA"),
        Entry::new("SDN", "test", "5", EntryKind::Person, "KHARITONOV, Igor"),
        entity("6", "ROSOBORONEXPORT"),
        entity("7", "GAZPROM NEFT"),
    ]);
    for (written, id, read) in [
        ("Хезболла", "1", Some(StepKind::ReadAsForeignName)),
        ("Хамас", "2", Some(StepKind::ReadAsForeignName)),
        ("Эйр Корё", "3", Some(StepKind::ReadAsForeignName)),
        ("Джабхат ан-Нусра", "4", Some(StepKind::ReadAsForeignName)),
        ("Харитонов Игорь", "5", None),
        ("حزب الله", "1", None),
    ] {
        let m = s
            .screen(&Query::new(written), 0.5)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{written} meets no entry"));
        assert_eq!(m.entry_id, id, "{written}");
        assert!(m.score >= 0.85, "{written}: {:.3}", m.score);
        if let Some(step) = read {
            assert!(
                m.steps.iter().any(|st| st.kind == step),
                "{written} matched by its foreign reading"
            );
        }
    }
    // A name without those letters has no such reading: it meets its entry as written.
    let gazprom = s.screen(&Query::new("Газпром Нефть"), 0.5);
    assert_eq!(gazprom.first().map(|m| m.entry_id.as_str()), Some("7"));
    assert!(gazprom.iter().all(|m| !m
        .steps
        .iter()
        .any(|st| st.kind == StepKind::ReadAsForeignName)));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever mix of Cyrillic (the foreign reading's `х`, `ё`, `дж` among it), Latin (the
    /// romanised Korean reading's syllables), Arabic and Han letters a name holds, screening it
    /// ends with scores in `0..=1`, each match carrying the steps that made its score.
    #[test]
    fn any_mix_of_scripts_screens_without_failing(
        name in "[хёдж кимченынXKChenYnkhyoالله حزب金正恩 -]{0,24}"
    ) {
        let s = listed(
            EntryKind::Entity,
            &[("1", "HIZBALLAH"), ("2", "AIR KORYO"), ("3", "KIM Jong Un")],
        );
        for m in s.screen(&Query::new(&name), 0.0) {
            proptest::prop_assert!((0.0..=1.0).contains(&m.score), "{name}: {}", m.score);
            proptest::prop_assert!(!m.steps.is_empty(), "{name}");
        }
    }
}
