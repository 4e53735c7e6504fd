//! Which words of a query and a listed company's name say who the firm is, and which only
//! name its trade, its legal form, its country or a part of it (`Branch`, `Group`): what the
//! scores for a listed name held among other words ask (`search.rs`), kept apart from the
//! scoring itself.

use super::*;

/// Words naming the goods a firm trades in that are not generic business words
/// ([`is_generic`]): in the names of the machine-tool, metal and electronics trade they are
/// what `Trading` and `Industries` are elsewhere (`ALTYNPROM MACHINERY TRADING`, `... PRECISION
/// TOOLS`), and say nothing of who the firm is. Only the firm-word rules read them so (below);
/// alignment still weighs them as any word, as changing [`is_generic`] would change every
/// score of a name holding one. In English: a firm's name reads `Werkzeuge`, `Maschinen` or
/// `Makina` as the English word before these rules see it (`normalize::tokens`); not `Stahl`
/// or `Çelik`, which are family names too.
const TRADE_WORDS: &[&str] = &[
    "anlagen",
    "automation",
    "bearing",
    "bearings",
    "components",
    "devices",
    "electric",
    "electrical",
    "hardware",
    "hydraulic",
    "hydraulics",
    "instrument",
    "instruments",
    "machine",
    "machinery",
    "machines",
    "machining",
    "materials",
    "mechanical",
    "metal",
    "metals",
    "metalworking",
    "optics",
    "parts",
    "precision",
    "steel",
    "tool",
    "tooling",
    "tools",
];

/// Whether `word` names goods a firm trades in ([`TRADE_WORDS`]).
pub(super) fn is_trade_word(word: &str) -> bool {
    TRADE_WORDS.binary_search(&word).is_ok()
}

/// The one word a goods or trade word stands for among its forms (`machine`, `machines`,
/// `machinery`; `tool`, `tools`, `tooling`; `trade`, `trading`), or the word itself: a firm
/// that writes its listed name's `MACHINERY TRADING` as `Maschinen` or `Trade` (`Altynprom
/// Maschinen GmbH`, `Altynprom Trade`) names the same trade, and the rule for a listed
/// firm's own word asked for the listed word as written.
fn trade_form(word: &str) -> &str {
    match word {
        "bearing" | "bearings" => "bearing",
        "component" | "components" => "component",
        "device" | "devices" => "device",
        "electric" | "electrical" => "electric",
        "hydraulic" | "hydraulics" => "hydraulic",
        "instrument" | "instruments" => "instrument",
        "machine" | "machines" | "machinery" | "machining" => "machine",
        "material" | "materials" => "material",
        "metal" | "metals" => "metal",
        "part" | "parts" => "part",
        "tool" | "tools" | "tooling" => "tool",
        "trade" | "trader" | "traders" | "trading" => "trade",
        _ => word,
    }
}

/// Whether the query's `word` is the listed name's word `listed` or another form of the same
/// goods or trade word ([`trade_form`]).
pub(super) fn same_trade_word(listed: &str, word: &str) -> bool {
    listed == word || trade_form(listed) == trade_form(word)
}

/// Whether `word` says what a firm does rather than who it is: a generic business word or a
/// word naming goods ([`is_trade_word`]).
pub(super) fn is_business_word(word: &str) -> bool {
    is_generic(word) || is_trade_word(word)
}

/// Words that say nothing of who a firm is: generic business words and words naming goods
/// ([`is_business_word`]), legal forms, words naming a country, and the words of a branch or
/// an office (`Branch`, `Representative Office`, `Filial`, `Concern`, `Zavod`).
pub(super) fn says_nothing_of_who(word: &str) -> bool {
    const BRANCH_WORDS: &[&str] = &[
        "affiliate",
        "branch",
        "branches",
        "concern",
        "department",
        "division",
        "filial",
        "filiale",
        "kombinat",
        "kontsern",
        "konzern",
        "office",
        "offices",
        "predstavitelstvo",
        "rep",
        "representation",
        "representative",
        "subsidiary",
        "zavod",
    ];
    is_business_word(word)
        || BRANCH_WORDS.contains(&word)
        || super::super::normalize::is_legal_form_word(word)
        || super::super::country_words::is_country_word(word)
        || is_chinese_place_word(word)
}

/// Chinese cities and provinces that begin a Chinese company's name (`SHENZHEN JINGHUA
/// ELECTRONICS`, `DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT`): a registered Chinese name is
/// place, trade name, trade and form, so the place says where the firm was registered, not
/// who it is, and its branch or front in Hong Kong writes the trade name without it
/// (`Jinghua Electronics (HK) Ltd`, clear before 2026-12-06). The cities of the China trade
/// in the lists and the export-control cases, and the provinces, in pinyin; sorted, for a
/// binary search.
const CHINESE_PLACE_WORDS: &[&str] = &[
    "anhui",
    "beijing",
    "changchun",
    "changsha",
    "changzhou",
    "chengdu",
    "chongqing",
    "dalian",
    "dandong",
    "dongguan",
    "foshan",
    "fujian",
    "fuzhou",
    "guangdong",
    "guangzhou",
    "hangzhou",
    "harbin",
    "hebei",
    "hefei",
    "heilongjiang",
    "henan",
    "hubei",
    "hunan",
    "hunchun",
    "jiangsu",
    "jiangxi",
    "jilin",
    "jinan",
    "kunming",
    "liaoning",
    "nanjing",
    "nanning",
    "ningbo",
    "qingdao",
    "shaanxi",
    "shandong",
    "shanghai",
    "shantou",
    "shanxi",
    "shenyang",
    "shenzhen",
    "sichuan",
    "suzhou",
    "tianjin",
    "urumqi",
    "wuhan",
    "wuxi",
    "xiamen",
    "xian",
    "xinjiang",
    "yanji",
    "yiwu",
    "yunnan",
    "zhejiang",
    "zhengzhou",
    "zhuhai",
];

/// Whether `word` is a Chinese city or province that begins a company's name
/// ([`CHINESE_PLACE_WORDS`]).
fn is_chinese_place_word(word: &str) -> bool {
    CHINESE_PLACE_WORDS.binary_search(&word).is_ok()
}

/// Words that name a branch or an office of a firm, in the languages of the export:
/// `Representative Office`, `Niederlassung`, `Sucursal`, `Şube`, `Predstavitelstvo`. Not
/// `Rep`, which names a republic as often (`Islamic Rep. of Iran`), and a block rests on these.
const BRANCH_OFFICE_WORDS: &[&str] = &[
    "branch",
    "branches",
    "bureau",
    "buero",
    "buro",
    "filial",
    "filiala",
    "filiale",
    "niederlassung",
    "oficina",
    "ofis",
    "office",
    "predstavitelstvo",
    "representation",
    "representative",
    "sube",
    "succursale",
    "sucursal",
    "ufficio",
    "zweigniederlassung",
];

/// Words that join a branch to its place or its firm (`in Hamburg`, `der Bank`, `de la`).
const PLACE_CONNECTIVES: &[&str] = &[
    "at", "da", "de", "del", "der", "des", "di", "du", "en", "fur", "in", "la",
];

/// Whether the query's words beside a listed name it holds whole (`tokens`) name a branch or
/// an office of it: a branch or office word among them, and besides it only words naming a
/// part of a firm ([`names_a_part_of_a_firm`]) and at most one other word, the place it is in
/// (`Bank Saderat Iran Hamburg Branch`, `Representative Office of Bank Melli Iran in
/// Frankfurt`), which may not be a generic business word: `Bank Saderat Trading Office`
/// names a business beside the listed one.
pub(super) fn names_a_branch<S: AsRef<str>>(query: &[String], tokens: &[S]) -> bool {
    let mut listed: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    let mut branch = false;
    let mut place = false;
    for word in query {
        if let Some(at) = listed.iter().position(|t| *t == word.as_str()) {
            listed.swap_remove(at);
        } else if BRANCH_OFFICE_WORDS.contains(&word.as_str()) {
            branch = true;
        } else if names_a_part_of_a_firm(word) || PLACE_CONNECTIVES.contains(&word.as_str()) {
            continue;
        } else if place
            || is_generic(word)
            || word.chars().count() < 3
            || !word.chars().all(char::is_alphabetic)
        {
            return false;
        } else {
            place = true;
        }
    }
    branch
}

/// Words that name a part or the whole of a firm, not its trade: a branch or an office's
/// words ([`says_nothing_of_who`]), `group`, `holding`, `international` and the like, legal
/// forms and country words. What the query may add to a listed firm's own word for
/// [`Screener::own_word_with_other_generic_words`] and for a one-word listed name in a few
/// more entries: `Darsto Engineering` for a listed `DARSTO INDUSTRIES` names another trade,
/// and may be another firm.
pub(super) fn names_a_part_of_a_firm(word: &str) -> bool {
    const STRUCTURE_WORDS: &[&str] = &[
        "company",
        "corporation",
        "enterprise",
        "enterprises",
        "global",
        "group",
        "holding",
        "holdings",
        "international",
        "intl",
        "worldwide",
    ];
    (says_nothing_of_who(word) && !is_business_word(word)) || STRUCTURE_WORDS.contains(&word)
}

/// What [`Screener::own_word_with_other_generic_words`] asks of the query alone: its words
/// that name no part of a firm ([`names_a_part_of_a_firm`]) and are no generic business word.
/// The listed name's one own word must be the query's every such word, so a query of two
/// different ones holds no listed firm's word that way, and a query of one holds only a name
/// that has that word.
#[derive(Debug, Clone, Copy)]
pub(super) enum FirmWords<'q> {
    /// Every word of the query names a part of a firm or is a generic business word.
    None,
    /// One word (perhaps repeated) names none.
    One(&'q str),
    /// Two different words name none.
    Several,
}

/// The query's one word that may be a one-word listed company name spelled another way
/// (`Screener::one_word_spelled_otherwise`): the query has other words, all generic business
/// words or words naming a part or the whole of a firm, and this one word besides, of
/// [`SPELLED_OTHERWISE_MIN_LETTERS`] letters or more.
pub(super) fn spelled_word(query: &[String]) -> Option<&str> {
    if query.len() < 2 {
        return None;
    }
    let mut own = query
        .iter()
        .filter(|q| !is_business_word(q) && !names_a_part_of_a_firm(q));
    match (own.next(), own.next()) {
        (Some(word), None) if word.chars().count() >= SPELLED_OTHERWISE_MIN_LETTERS => Some(word),
        _ => None,
    }
}

impl<'q> FirmWords<'q> {
    pub(super) fn of(query: &'q [String]) -> FirmWords<'q> {
        let mut out = FirmWords::None;
        for q in query
            .iter()
            .filter(|q| !names_a_part_of_a_firm(q) && !is_business_word(q))
        {
            match out {
                FirmWords::None => out = FirmWords::One(q),
                FirmWords::One(w) if w != q.as_str() => return FirmWords::Several,
                _ => {}
            }
        }
        out
    }
}

/// Whether `words` stand together in `query`: some run of as many of its tokens holds exactly
/// them, in any order (`MiG Aircraft Corporation` holds `aircraft corporation mig`). Together,
/// because a word inside a listed name makes another name (`Zelmi Kaan Trading` is not
/// `Zelmi Trading`); in any order, because the same words reordered are the same firm's name
/// (an export's or a translation's word order), and alignment charged the move. Asked of every
/// candidate: most leave a word out of the query, found before any run is looked at.
pub(super) fn stand_together<S: AsRef<str>>(query: &[String], words: &[S]) -> bool {
    let n = words.len();
    if n == 0 || n > query.len() {
        return false;
    }
    if !words
        .iter()
        .all(|w| query.iter().any(|q| q.as_str() == w.as_ref()))
    {
        return false;
    }
    // A run of `n` tokens is the words reordered when each word is in it as often as in them.
    query.windows(n).any(|run| {
        words.iter().all(|w| {
            let w = w.as_ref();
            run.iter().filter(|q| q.as_str() == w).count()
                == words.iter().filter(|x| x.as_ref() == w).count()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn together(query: &str, words: &str) -> bool {
        let query: Vec<String> = query.split(' ').map(str::to_string).collect();
        let words: Vec<&str> = words.split(' ').collect();
        stand_together(&query, &words)
    }

    /// The trade words are looked up by binary search.
    #[test]
    fn trade_words_are_sorted_and_no_generic_business_words() {
        assert!(TRADE_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(TRADE_WORDS.iter().all(|w| !is_generic(w)));
        assert!(TRADE_WORDS.iter().all(|w| is_trade_word(w)));
        assert!(!is_trade_word("altynprom"));
    }

    #[test]
    fn chinese_place_words_are_sorted_and_say_nothing_of_who() {
        assert!(CHINESE_PLACE_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(says_nothing_of_who("shenzhen"));
        assert!(names_a_part_of_a_firm("dandong"));
        assert!(!says_nothing_of_who("jinghua"));
    }

    /// The forms of one goods or trade word are that word to the rule for a firm's own word;
    /// two goods words are not one.
    #[test]
    fn forms_of_one_goods_or_trade_word_are_the_same_word() {
        assert!(same_trade_word("machinery", "machines"));
        assert!(same_trade_word("trading", "trade"));
        assert!(same_trade_word("tools", "tooling"));
        assert!(same_trade_word("altynprom", "altynprom"));
        assert!(!same_trade_word("tools", "machines"));
        assert!(!same_trade_word("precision", "machinery"));
        assert!(!same_trade_word("altynprom", "altyn"));
    }

    /// Listed words stand together in any order, never with another word among them, and a
    /// word the listed name repeats must be there as often.
    #[test]
    fn listed_words_stand_together_in_any_order_but_not_apart() {
        assert!(together("khodro iran parts", "iran khodro"));
        assert!(together("parts iran khodro", "iran khodro"));
        assert!(together(
            "corporation mig aircraft",
            "aircraft corporation mig"
        ));
        assert!(!together("khodro parts iran", "iran khodro"));
        assert!(!together("zelmi kaan trading", "zelmi trading"));
        assert!(!together("bank bank saderat", "bank saderat saderat"));
        assert!(together("x saderat bank saderat", "saderat bank saderat"));
        assert!(!together("iran", "iran khodro"));
    }
}
