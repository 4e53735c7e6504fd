//! Chinese and Korean business words read in English, as the lists write them.
//!
//! US and EU lists write a Chinese company's name in English: the place and brand in pinyin,
//! the trade words translated (`丹东至诚金属材料有限公司` is listed as `Dandong Zhicheng
//! Metallic Material Co., Ltd.`). Normalisation reads Han characters as pinyin, so the trade
//! words came out as `jin shu cai liao` against the listed `metallic material`, and a listed
//! firm that wrote its own name in characters on the order was clear. [`english_readings`]
//! gives the name with its trade words in English and the rest as written, which the screener
//! compares as more names of the party (`StepKind::ReadInEnglish` in the evidence).
//!
//! The table holds words of trade, industry and organisation only, in simplified and
//! traditional characters, each with the English lists use for it. Where lists write a word
//! two ways (`金属`: `Metal`, `Metallic`; `贸易`: `Trading`, `Trade`) both are tried, a reading
//! for each choice (the listed `Metallic Material` has the alias `Metal Materials`). Place names
//! and brands are left to pinyin, which is how the lists write them. Legal forms (`有限公司`)
//! are cut by normalisation already. North Korean names are read the same way, from Chinese
//! characters (`朝鲜矿业开发贸易会社`) and from Hangul ([`HANGUL_TERMS`]: `조선광업개발무역회사`),
//! both listed as `KOREA MINING DEVELOPMENT TRADING CORPORATION`; a name in characters with a
//! word that tells it North Korean ([`north_korean`]) also has its Korean reading read with
//! its trade words in English (`readings::name_readings`), since a North Korean name is
//! romanised from its Korean sounds (`高丽航空` is `AIR KORYO`, not `gao li`).

/// Han words and their English, a second rendering after `|`. Longest first is not needed:
/// [`english_readings`] tries every word at each place and takes the longest that matches.
const TERMS: &[(&str, &str)] = &[
    // Trade.
    ("进出口", "import export"),
    ("進出口", "import export"),
    ("进口", "import"),
    ("進口", "import"),
    ("出口", "export"),
    ("外贸", "foreign trade"),
    ("外貿", "foreign trade"),
    ("国际", "international"),
    ("國際", "international"),
    ("贸易", "trading|trade"),
    ("貿易", "trading|trade"),
    ("商贸", "trading|trade"),
    ("商貿", "trading|trade"),
    ("工贸", "industry trade"),
    ("工貿", "industry trade"),
    ("经贸", "economy trade|economic trade"),
    ("經貿", "economy trade|economic trade"),
    ("供应链", "supply chain"),
    ("供應鏈", "supply chain"),
    ("物流", "logistics"),
    ("货运代理", "freight forwarding"),
    ("貨運代理", "freight forwarding"),
    ("货运", "freight"),
    ("貨運", "freight"),
    ("运输", "transport"),
    ("運輸", "transport"),
    ("航运", "shipping"),
    ("航運", "shipping"),
    ("海运", "shipping"),
    ("海運", "shipping"),
    ("船舶", "shipping"),
    // Organisation.
    ("集团", "group"),
    ("集團", "group"),
    ("控股", "holdings"),
    ("投资", "investment"),
    ("投資", "investment"),
    ("发展", "development"),
    ("發展", "development"),
    ("开发", "development"),
    ("開發", "development"),
    ("实业", "industrial|industry"),
    ("實業", "industrial|industry"),
    ("工业", "industrial|industry"),
    ("工業", "industrial|industry"),
    ("制造", "manufacturing"),
    ("製造", "manufacturing"),
    ("工程", "engineering"),
    ("建设", "construction"),
    ("建設", "construction"),
    ("服务", "service"),
    ("服務", "service"),
    ("咨询", "consulting"),
    ("諮詢", "consulting"),
    ("分公司", "branch"),
    ("办事处", "representative office"),
    ("辦事處", "representative office"),
    ("研究所", "research institute"),
    ("研究院", "research institute"),
    ("大学", "university"),
    ("大學", "university"),
    ("实验室", "laboratory"),
    ("實驗室", "laboratory"),
    ("银行", "bank"),
    ("銀行", "bank"),
    ("工厂", "factory"),
    ("工廠", "factory"),
    // Goods and industries of dual-use trade.
    ("科技", "technology|science technology"),
    ("技术", "technology"),
    ("技術", "technology"),
    ("电子", "electronics|electronic"),
    ("電子", "electronics|electronic"),
    ("微电子", "microelectronics"),
    ("微電子", "microelectronics"),
    ("光电", "optoelectronic"),
    ("光電", "optoelectronic"),
    ("电气", "electric"),
    ("電氣", "electric"),
    ("电力", "electric power"),
    ("電力", "electric power"),
    ("机电", "electromechanical"),
    ("機電", "electromechanical"),
    ("半导体", "semiconductor"),
    ("半導體", "semiconductor"),
    ("集成电路", "integrated circuit"),
    ("集成電路", "integrated circuit"),
    ("通信", "communication"),
    ("通讯", "communication"),
    ("通訊", "communication"),
    ("网络", "network"),
    ("網絡", "network"),
    ("软件", "software"),
    ("軟件", "software"),
    ("軟體", "software"),
    ("信息", "information"),
    ("資訊", "information"),
    ("自动化", "automation"),
    ("自動化", "automation"),
    ("机器人", "robotics"),
    ("機器人", "robotics"),
    ("智能", "intelligent"),
    ("机械", "machinery"),
    ("機械", "machinery"),
    ("机床", "machine tool"),
    ("機床", "machine tool"),
    ("数控", "cnc"),
    ("數控", "cnc"),
    ("精密", "precision"),
    ("设备", "equipment"),
    ("設備", "equipment"),
    ("装备", "equipment"),
    ("裝備", "equipment"),
    ("仪器", "instrument"),
    ("儀器", "instrument"),
    ("仪表", "instrument"),
    ("儀表", "instrument"),
    ("工具", "tools"),
    ("模具", "mould"),
    ("轴承", "bearing"),
    ("軸承", "bearing"),
    ("零部件", "parts"),
    ("汽车", "automobile"),
    ("汽車", "automobile"),
    ("金属", "metal|metallic"),
    ("金屬", "metal|metallic"),
    ("材料", "material|materials"),
    ("钢铁", "steel"),
    ("鋼鐵", "steel"),
    ("化工", "chemical|chemical industry"),
    ("化学", "chemical"),
    ("化學", "chemical"),
    ("石油", "petroleum"),
    ("石化", "petrochemical"),
    ("能源", "energy"),
    ("矿业", "mining"),
    ("矿产", "mineral"),
    ("礦產", "mineral"),
    ("礦業", "mining"),
    ("航空", "air|aviation"),
    ("航天", "aerospace"),
    ("动力", "power"),
    ("動力", "power"),
    // North Korean names as Chinese writes them: `朝鲜` is Choson, Korea, and a North Korean
    // company is a `会社` (KOMID is `朝鲜矿业开发贸易会社`).
    ("朝鲜", "korea|korean"),
    ("朝鮮", "korea|korean"),
    ("总会社", "general corporation"),
    ("總會社", "general corporation"),
    ("会社", "corporation|company"),
    ("會社", "corporation|company"),
    ("总局", "general bureau"),
    ("總局", "general bureau"),
    ("侦察", "reconnaissance"),
    ("偵察", "reconnaissance"),
    ("劳动党", "workers party"),
    ("勞動黨", "workers party"),
    ("人民军", "peoples army"),
    ("人民軍", "peoples army"),
    ("国防", "national defense|defense"),
    ("國防", "national defense|defense"),
    ("科学院", "academy of sciences"),
    ("科學院", "academy of sciences"),
    ("海运", "shipping"),
    ("海運", "shipping"),
    ("远洋", "ocean"),
    ("遠洋", "ocean"),
];

/// Korean business words in Hangul and their English, as [`TERMS`]: North Korean firms and
/// organs write their names in Hangul (`조선광업개발무역회사`, KOMID), the lists in English
/// (`KOREA MINING DEVELOPMENT TRADING CORPORATION`), and the romanised syllables alone (`jo
/// son gwang eop`) met nothing. Words of two syllables or more only: a single syllable is
/// as often part of a name.
const HANGUL_TERMS: &[(&str, &str)] = &[
    ("조선", "korea|korean"),
    ("은행", "bank|banking"),
    ("무역", "trading|trade"),
    ("총회사", "general corporation"),
    ("회사", "corporation|company"),
    ("공사", "corporation"),
    ("상사", "trading company"),
    ("그룹", "group"),
    ("총국", "general bureau"),
    ("정찰", "reconnaissance"),
    ("총정치국", "general political bureau"),
    ("로동당", "workers party"),
    ("노동당", "workers party"),
    ("중앙", "central"),
    ("위원회", "committee"),
    ("인민군", "peoples army"),
    ("국방", "national defense|defense"),
    ("과학원", "academy of sciences"),
    ("과학", "science"),
    ("경제", "economic"),
    ("군수", "munitions"),
    ("공업", "industry|industrial"),
    ("광업", "mining"),
    ("광산", "mine|mining"),
    ("개발", "development"),
    ("항공", "air|airlines"),
    ("해운", "shipping|maritime"),
    ("해사", "maritime"),
    ("원양", "ocean"),
    ("관리", "management"),
    ("합영", "joint venture"),
    ("합작", "joint venture"),
    ("기계", "machinery|machine"),
    ("설비", "equipment"),
    ("기술", "technology"),
    ("수출입", "export import"),
    ("대외", "foreign"),
    ("국제", "international"),
    ("연구소", "research institute"),
    ("연구원", "research institute"),
    ("대학", "university"),
    ("석유", "oil|petroleum"),
    ("화학", "chemical"),
    ("금속", "metal"),
    ("전자", "electronics"),
    ("통신", "communications"),
    ("보험", "insurance"),
    ("투자", "investment"),
    ("상업", "commercial"),
];

/// Forms of address written after a name in Chinese and Korean (`金正恩先生`, Mr Kim Jong Un;
/// `김정은 동지`, Comrade Kim Jong Un), longest first. Read as part of the name they added
/// syllables (`xian sheng`, `tong ji`) that lowered a listed name's score below review.
const HONORIFICS: &[&str] = &[
    "선생님",
    "先生",
    "女士",
    "小姐",
    "同志",
    "夫人",
    "동지",
    "선생",
    "여사",
    "씨",
    "님",
];

/// `name` without the forms of address after it ([`HONORIFICS`], each as often as it is
/// written), as long as at least two characters of a name are left before them; otherwise
/// `name` as written.
pub fn without_honorific(name: &str) -> &str {
    let mut kept = name;
    while let Some(rest) = HONORIFICS.iter().find_map(|honorific| {
        let rest = kept.trim_end().strip_suffix(honorific)?.trim_end();
        (rest.chars().filter(|c| !c.is_whitespace()).count() >= 2).then_some(rest)
    }) {
        kept = rest;
    }
    kept
}

/// Whether `c` is a Han character (the CJK ideograph blocks).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Words that tell a name in Chinese characters North Korean: Korea as North Korea calls
/// itself (`朝鲜`, Choson), a company as Korean writes it (`会社`, where Chinese writes
/// `公司`), Koryo, and the cities of the DPRK's trade.
const NORTH_KOREAN_WORDS: &[&str] = &[
    "朝鲜",
    "朝鮮",
    "会社",
    "會社",
    "高丽",
    "高麗",
    "平壤",
    "南浦",
    "新义州",
    "新義州",
    "咸兴",
    "咸興",
    "清津",
    "罗先",
    "羅先",
];

/// Whether `name`, in Chinese characters, has a word of [`NORTH_KOREAN_WORDS`].
pub fn north_korean(name: &str) -> bool {
    NORTH_KOREAN_WORDS.iter().any(|w| name.contains(w))
}

/// Most readings of one name: each word with two renderings doubles them.
const MAX_READINGS: usize = 8;

/// `name` with each Chinese business word of [`TERMS`] in English, the rest as written
/// (`丹东至诚金属材料有限公司` → `丹东至诚 metal material 有限公司`, `丹东至诚 metal materials
/// 有限公司`, `丹东至诚 metallic material 有限公司`, `丹东至诚 metallic materials 有限公司`): a
/// reading for each choice of rendering, at most [`MAX_READINGS`] (the words after the third
/// with two renderings take their first); none when the name has no such word. At each place
/// the longest word that starts there is taken (`微电子` before `电子`).
pub fn english_readings(name: &str) -> Vec<String> {
    if !name
        .chars()
        .any(|c| is_han(c) || super::translit::is_hangul(c))
    {
        return Vec::new();
    }
    let mut readings = vec![String::new()];
    let mut rest = name;
    let mut read = false;
    while let Some(c) = rest.chars().next() {
        let term = TERMS
            .iter()
            .chain(HANGUL_TERMS)
            .filter(|(han, _)| rest.starts_with(han))
            .max_by_key(|(han, _)| han.len());
        match term {
            Some((han, english)) => {
                let renderings: Vec<&str> = match english.split_once('|') {
                    Some((first, second)) if readings.len() * 2 <= MAX_READINGS => {
                        vec![first, second]
                    }
                    Some((first, _)) => vec![first],
                    None => vec![english],
                };
                readings = readings
                    .iter()
                    .flat_map(|r| renderings.iter().map(move |w| format!("{r} {w} ")))
                    .collect();
                rest = rest.get(han.len()..).unwrap_or_default();
                read = true;
            }
            None => {
                readings.iter_mut().for_each(|r| r.push(c));
                rest = rest.get(c.len_utf8()..).unwrap_or_default();
            }
        }
    }
    if !read {
        return Vec::new();
    }
    readings
        .iter()
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{english_readings, without_honorific, TERMS};

    #[test]
    fn a_form_of_address_after_a_name_is_left_out() {
        assert_eq!(without_honorific("金正恩先生"), "金正恩");
        assert_eq!(without_honorific("김정은 동지"), "김정은");
        assert_eq!(without_honorific("김정은씨"), "김정은");
        // Written twice, or two of them: no way to keep one as part of the name.
        assert_eq!(without_honorific("金正恩先生先生"), "金正恩");
        assert_eq!(without_honorific("김정은 동지 님"), "김정은");
        // Nothing of a name would be left, or there is no form of address.
        assert_eq!(without_honorific("先生"), "先生");
        assert_eq!(without_honorific("王先生"), "王先生");
        assert_eq!(without_honorific("Kim Jong Un"), "Kim Jong Un");
    }

    #[test]
    fn trade_words_are_read_in_english_and_the_rest_stays() {
        assert_eq!(
            english_readings("丹东至诚金属材料有限公司"),
            [
                "丹东至诚 metal material 有限公司",
                "丹东至诚 metal materials 有限公司",
                "丹东至诚 metallic material 有限公司",
                "丹东至诚 metallic materials 有限公司"
            ]
        );
        assert_eq!(
            english_readings("深圳微电子设备"),
            ["深圳 microelectronics equipment"]
        );
        assert_eq!(
            english_readings("香港國際物流"),
            ["香港 international logistics"]
        );
        assert!(english_readings("丹东至诚").is_empty());
        // Four words of two renderings: the fourth takes its first.
        let readings = english_readings("金属材料贸易电子");
        assert_eq!(readings.len(), 8);
        assert!(readings.iter().all(|r| r.ends_with("electronics")));
        assert!(english_readings("Metal Trading Ltd").is_empty());
    }

    #[test]
    fn north_korean_names_in_characters_or_hangul_have_their_trade_words_in_english() {
        assert!(english_readings("朝鲜矿业开发贸易会社")
            .contains(&"korea mining development trading corporation".to_string()));
        assert!(english_readings("조선광업개발무역회사")
            .contains(&"korea mining development trading corporation".to_string()));
        // The proper name stays, in characters or syllables, for its own reading.
        assert!(english_readings("조선광선은행").contains(&"korea 광선 banking".to_string()));
        assert!(english_readings("高丽航空").contains(&"高丽 air".to_string()));
        // A Korean name with no trade word of two syllables or more.
        assert!(english_readings("김정은").is_empty());
        // Words that tell a name in characters North Korean, and a Chinese name without.
        assert!(super::north_korean("高丽航空") && super::north_korean("朝鲜光鲜银行"));
        assert!(!super::north_korean("大连机床集团有限公司"));
    }

    #[test]
    fn every_hangul_term_is_hangul_of_two_syllables_or_more() {
        for (hangul, english) in super::HANGUL_TERMS {
            assert!(
                hangul.chars().all(super::super::translit::is_hangul),
                "{hangul}"
            );
            assert!(hangul.chars().count() >= 2, "{hangul}");
            assert!(
                english
                    .split(['|', ' '])
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{english}"
            );
        }
    }

    #[test]
    fn every_term_is_han_and_its_english_is_folded_words() {
        for (han, english) in TERMS {
            assert!(han.chars().all(super::is_han), "{han}");
            assert!(
                english
                    .split(['|', ' '])
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{english}"
            );
        }
    }
}
