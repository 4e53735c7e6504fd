//! Legal forms of company names (`GmbH`, `OOO`, `Co., Ltd.`, `股份有限公司`, written out or
//! abbreviated, in the languages of the lists and of exports), left out of a name before it is
//! compared, and the readings of a name whose legal form was cut off.

/// CJK legal forms, removed from the raw text because Han script has no spaces between words.
/// Longest first, so that `股份有限公司` is removed whole rather than as `有限公司`.
const CJK_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "集团有限公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "유한회사",
    "公司",
];

/// Cuts CJK legal forms from either end of the raw text, on a shrinking slice: a text made of
/// thousands of forms costs one pass, not one copy per form.
pub(super) fn strip_cjk_forms(text: &str, removed: &mut Vec<String>) -> String {
    let mut t = text.trim();
    'cut: loop {
        for form in CJK_FORMS {
            if t.len() <= form.len() {
                continue;
            }
            if let Some(rest) = t.strip_suffix(form) {
                t = rest.trim_end();
                removed.push((*form).to_string());
                continue 'cut;
            }
            if let Some(rest) = t.strip_prefix(form) {
                t = rest.trim_start();
                removed.push((*form).to_string());
                continue 'cut;
            }
        }
        return t.to_string();
    }
}

/// Legal forms that are unambiguous anywhere in a name (several specific words).
const ANYWHERE_FORMS: &[&str] = &[
    "limited liability company",
    "limited liability partnership",
    "open joint stock company",
    "closed joint stock company",
    "public joint stock company",
    "private joint stock company",
    "joint stock company",
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "obshchestvo s ogranichennoi otvetstvennostiu",
    "obshchestvo s ogranichennoy otvetstvennostiu",
    "obshchestvo s ogranichennoi otvetstvennostyu",
    "obshestvo s ogranichennoy otvetstvennostyu",
    "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "publichnoe aktsionernoe obshchestvo",
    "aktsionernoe obshchestvo",
    "tovarystvo z obmezhenoyu vidpovidalnistyu",
    "tovarishchestvo s ogranichennoy otvetstvennostyu",
    "gesellschaft mit beschrankter haftung",
    "spolka z ograniczona odpowiedzialnoscia",
    "societe a responsabilite limitee",
    "societatea cu raspundere limitata",
    "societatea pe actiuni",
    "sociedad de responsabilidad limitada",
    "sociedad anonima",
    "societe anonyme",
    "societa per azioni",
    "kabushiki kaisha",
    "public limited company",
    "private limited company",
    "gu fen you xian gong si",
    "you xian ze ren gong si",
    "you xian gong si",
    "youxian gongsi",
];

/// Legal forms removed only at the start of a name (Russian and Indonesian style prefixes).
const PREFIX_FORMS: &[&str] = &[
    "ooo", "oao", "zao", "ao", "pao", "jsc", "ojsc", "cjsc", "pjsc", "llc", "too", "tov", "pt",
    "ip", "ano", "nko", "chp", "pp", "fgup", "gup", "mup",
    // The transit hubs' own: Uzbek `MChJ`, Kyrgyz `ОсОО` and `ЖЧК`, Kazakh `ЖШС`, Armenian
    // `ՍՊԸ`, `ՓԲԸ`, `ԲԲԸ`, Georgian `შპს`, Latvian `SIA`, as folded.
    "mchj", "osoo", "zhchk", "zhshs", "spy", "pby", "bby", "shps", "sia",
];

/// Legal forms removed only at the end of a name (where they sit in most languages); short
/// ones like `as`, `sa`, `co` would damage names elsewhere (`as salam`).
const SUFFIX_FORMS: &[&str] = &[
    // Before `co ltd`, `ltd` and `limited`, which end them: the phrases of one last word are
    // tried in this order.
    "hk company limited",
    "hk co limited",
    "hk co ltd",
    "hk limited",
    "hk ltd",
    "san ve tic ltd sti",
    "san tic ltd sti",
    "tic ltd sti",
    "ltd sti",
    "san ve tic as",
    "tic as",
    "dwc llc",
    "jlt",
    "mchj",
    "osoo",
    "zhchk",
    "zhshs",
    "spy",
    "pby",
    "bby",
    "shps",
    "sia",
    "s de rl de cv",
    "y cia s en c",
    "y cia scs",
    "y cia ltda",
    "y cia sa",
    "y cia",
    "s en c",
    "scs",
    "gmbh co kg",
    "mit beschrankter haftung",
    "gesellschaft mbh",
    "aktiengesellschaft",
    "kommanditgesellschaft",
    "naamloze vennootschap",
    "besloten vennootschap",
    "aktiebolag",
    "aksjeselskap",
    "aktieselskab",
    "anpartsselskab",
    "osakeyhtio",
    "anonim sirketi",
    "limited sirketi",
    "sendirian berhad",
    "berhad",
    "perseroan terbatas",
    "public company limited",
    "sp z oo",
    "spol s ro",
    "s de rl",
    "sa de cv",
    "de cv",
    "co ltd",
    "co llc",
    "co inc",
    "company limited",
    "corp ltd",
    "pte ltd",
    "pvt ltd",
    "pty ltd",
    "private limited",
    "sdn bhd",
    "fz llc",
    "fz co",
    "a s",
    "s a",
    "s l",
    "llc",
    "l l c",
    "ooo",
    "oao",
    "zao",
    "ao",
    "pao",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ltd",
    "limited",
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "sa",
    "sarl",
    "sas",
    "sasu",
    "eurl",
    "srl",
    "spa",
    "sl",
    "sau",
    "ltda",
    "cia",
    "too",
    "tov",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "dmcc",
    "llp",
    "lp",
    "plc",
    "bv",
    "nv",
    "cv",
    "vof",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "sro",
    "kft",
    "zrt",
    "nyrt",
    "doo",
    "dd",
    "ad",
    "ood",
    "eood",
    "pte",
    "pvt",
    "pty",
    "bhd",
    "tbk",
    "kk",
    "gk",
    "pllc",
    "spzoo",
];

/// A legal form and its words.
type Phrase = (&'static str, Vec<&'static str>);

/// `forms` with their words, split once per process (names are normalised by the thousand).
fn phrases(forms: &'static [&'static str]) -> Vec<Phrase> {
    forms.iter().map(|f| (*f, f.split(' ').collect())).collect()
}

/// A table of phrases, and where in it the phrases ending in each word are: a name is checked
/// after each of its words against the phrases that end in that word, instead of against
/// every phrase of the table (34 and 117 of them, for every listed and every screened name).
struct Phrases {
    all: Vec<Phrase>,
    by_last_word: rustc_hash::FxHashMap<&'static str, Vec<usize>>,
}

impl Phrases {
    fn of(forms: &'static [&'static str]) -> Phrases {
        let all = phrases(forms);
        let mut by_last_word: rustc_hash::FxHashMap<&'static str, Vec<usize>> =
            rustc_hash::FxHashMap::default();
        for (at, (_, words)) in all.iter().enumerate() {
            if let Some(last) = words.last() {
                by_last_word.entry(last).or_default().push(at);
            }
        }
        Phrases { all, by_last_word }
    }

    /// The phrases, in the table's order, whose last word is the last of `tokens`: the only
    /// ones [`ends_with_phrase`] can find at the end of `tokens`.
    fn ending_as<'p>(&'p self, tokens: &[String]) -> impl Iterator<Item = &'p Phrase> {
        tokens
            .last()
            .and_then(|last| self.by_last_word.get(last.as_str()))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&at| self.all.get(at))
    }
}

fn anywhere_phrases() -> &'static Phrases {
    static PHRASES: std::sync::OnceLock<Phrases> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| Phrases::of(ANYWHERE_FORMS))
}

fn suffix_phrases() -> &'static Phrases {
    static PHRASES: std::sync::OnceLock<Phrases> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| Phrases::of(SUFFIX_FORMS))
}

/// Fewest letters the cut-off last word of a one-word legal form keeps
/// (`aktiengesellsch`): shorter starts are ordinary words.
const CUT_FORM_MIN_LEN: usize = 6;

/// How many tokens at the end of `tokens` are the cut-off start of a legal form, when a name
/// cut at a field's length (35 characters in SAP and SWIFT name fields) looks so: two or more
/// words of a longer form, the last possibly cut (`joint stock compan`, `limited liability`),
/// or one word of a one-word form cut after [`CUT_FORM_MIN_LEN`] letters or more
/// (`aktiengesellsch`). Never the whole name.
///
/// Only ever a second reading of a query ([`cut_reading`]).
fn cut_off_form(tokens: &[String]) -> Option<usize> {
    let last = tokens.last()?;
    // Most queries end in no cut form: the words a cut form can end in map to the form words
    // they may end, so most names are ruled out by one look-up.
    type Ends = rustc_hash::FxHashMap<&'static str, Vec<&'static [&'static str]>>;
    static ENDS: std::sync::OnceLock<Ends> = std::sync::OnceLock::new();
    let ends = ENDS.get_or_init(|| {
        let mut map: Ends = rustc_hash::FxHashMap::default();
        for (_, words) in anywhere_phrases().all.iter().chain(&suffix_phrases().all) {
            for n in 1..=words.len() {
                let end = words[n - 1];
                // A cut word (a strict start of `end`), or `end` whole when more words follow.
                let shortest = if n == 1 { CUT_FORM_MIN_LEN } else { 1 };
                let mut cuts: Vec<&'static str> =
                    (shortest..end.len()).filter_map(|i| end.get(..i)).collect();
                if n == 1 && words.len() > 1 {
                    cuts.clear();
                }
                if n > 1 && n < words.len() {
                    cuts.push(end);
                }
                for cut in cuts {
                    map.entry(cut).or_default().push(&words[..n]);
                }
            }
        }
        map
    });
    ends.get(last.as_str())?
        .iter()
        .find(|words| {
            words.len() < tokens.len()
                && tokens[tokens.len() - words.len()..tokens.len() - 1]
                    .iter()
                    .zip(words.iter())
                    .all(|(a, b)| a == b)
        })
        .map(|words| words.len())
}

/// The name without the cut-off legal form it may end in ([`cut_off_form`]), with the legal
/// forms that stood before it removed as well (`tactical missiles corporation joint stock
/// compan` → `tactical missiles`); `None` when it ends in none.
///
/// Only ever a second reading of a query ([`super::score::query_variants`]), compared beside
/// the name as written: read instead of it, a query that ends just there (`Promsvyazbank Joint
/// Stock`) fell away from a listed name that goes on (`... Joint Stock Commercial Bank`).
pub fn cut_reading(tokens: &[String]) -> Option<Vec<String>> {
    let cut = cut_off_form(tokens)?;
    let mut kept = tokens.get(..tokens.len().checked_sub(cut)?)?.to_vec();
    strip_legal_forms(&mut kept, &mut Vec::new());
    Some(kept)
}

/// Whether `tokens` ends with the phrase `form` (its last word compared first: most tokens
/// end no phrase at all).
fn ends_with_phrase(tokens: &[String], form: &[&str]) -> bool {
    tokens.len() >= form.len()
        && tokens.last().map(String::as_str) == form.last().copied()
        && tokens[tokens.len() - form.len()..]
            .iter()
            .zip(form)
            .all(|(a, b)| a == b)
}

/// Removes legal forms, never down to an empty name: every occurrence of an unambiguous
/// phrase (`ANYWHERE_FORMS`), then suffix forms from the end, then prefix forms from the
/// start. Each stage is one pass (the phrases through a stack, so a phrase that only appears
/// once an inner one is cut goes too): a hostile name made of thousands of legal forms costs
/// linear time, and all of them are still removed.
pub(super) fn strip_legal_forms(tokens: &mut Vec<String>, removed: &mut Vec<String>) {
    let mut kept: Vec<String> = Vec::with_capacity(tokens.len());
    // (kept length when cut, the phrase, its tokens)
    let mut cuts: Vec<(usize, &str, Vec<String>)> = Vec::new();
    for token in std::mem::take(tokens) {
        kept.push(token);
        for (form, ft) in anywhere_phrases().ending_as(&kept) {
            if ends_with_phrase(&kept, ft) {
                let cut = kept.split_off(kept.len() - ft.len());
                cuts.push((kept.len(), form, cut));
                break;
            }
        }
    }
    if kept.is_empty() {
        // The name is nothing but legal forms: keep the last one as the name.
        if let Some((_, _, cut)) = cuts.pop() {
            kept = cut;
        }
    }
    let mut prefix_removed: Vec<String> = Vec::new();
    let mut middle_removed: Vec<String> = Vec::new();
    let mut suffix_removed: Vec<String> = Vec::new();
    for (at, form, _) in &cuts {
        if *at == 0 {
            prefix_removed.push((*form).to_string());
        } else if *at >= kept.len() {
            suffix_removed.push((*form).to_string());
        } else {
            middle_removed.push((*form).to_string());
        }
    }
    let mut suffixes: Vec<String> = Vec::new();
    'suffix: loop {
        for (form, ft) in suffix_phrases().ending_as(&kept) {
            if kept.len() > ft.len() && ends_with_phrase(&kept, ft) {
                kept.truncate(kept.len() - ft.len());
                suffixes.push((*form).to_string());
                continue 'suffix;
            }
        }
        break;
    }
    suffixes.reverse();
    suffixes.extend(suffix_removed);
    let prefixes = kept
        .iter()
        .take(kept.len().saturating_sub(1))
        .take_while(|t| PREFIX_FORMS.contains(&t.as_str()))
        .count();
    prefix_removed.extend(kept.drain(..prefixes));
    *tokens = kept;
    removed.extend(prefix_removed);
    removed.extend(middle_removed);
    removed.extend(suffixes);
}

/// Whether `token` is a legal form of one word, three letters or more (`corporation`, `ltd`,
/// `ooo`): a word a listed name can hold inside it (`RUSSIAN AIRCRAFT CORPORATION MIG`), where
/// it is no part of the firm's own name and a party's name leaves it out or ends in it.
/// Shorter ones (`as`, `co`, `sa`) are ordinary words too often.
pub fn is_legal_form_word(token: &str) -> bool {
    static WORDS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            ANYWHERE_FORMS
                .iter()
                .chain(PREFIX_FORMS)
                .chain(SUFFIX_FORMS)
                .copied()
                .filter(|form| !form.contains(' ') && form.len() >= 3)
                .collect()
        });
    WORDS.contains(token)
}

/// Every legal form the normaliser removes (the CJK ones aside), for matching on compact forms.
pub fn legal_forms() -> impl Iterator<Item = &'static str> {
    ANYWHERE_FORMS
        .iter()
        .chain(PREFIX_FORMS)
        .chain(SUFFIX_FORMS)
        .copied()
}
