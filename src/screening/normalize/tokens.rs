//! Token rewrites of a folded name: digits written for letters (`sech1n`), numbers written
//! as digits (`1st`), and abbreviated business words (`Ind.`, `Intl`, `Airlines`), each read
//! the one way both the listed and the screened name are read.

/// The letter a digit stands for inside a word (`Ig0r Sech1n`, `I9or`): `0` `o`, `1` `i`,
/// `3` `e`, `4` `a`, `5` `s`, `7` `t`, `8` `b`, `9` `g`.
fn look_alike_letter(digit: u8) -> Option<u8> {
    Some(match digit {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        b'8' => b'b',
        b'9' => b'g',
        _ => return None,
    })
}

/// Reads a digit between two letters of a word as the letter it looks like (`ig0r` →
/// `igor`, `sech1n` → `sechin`): a name spelled with digits for letters dodges the rule that
/// tokens with digits must be equal. Digits at the edge of a token (`1st`, `ahl1`, `b52`)
/// and runs of digits are numbers and stay.
pub(super) fn letters_for_digits(tokens: &mut [String]) {
    for token in tokens.iter_mut() {
        let b = token.as_bytes();
        let swap = |i: usize| {
            i > 0
                && i + 1 < b.len()
                && b[i - 1].is_ascii_lowercase()
                && b[i + 1].is_ascii_lowercase()
                && look_alike_letter(b[i]).is_some()
        };
        if !(1..b.len().saturating_sub(1)).any(swap) {
            continue;
        }
        let read: Vec<u8> = (0..b.len())
            .map(|i| {
                if swap(i) {
                    look_alike_letter(b[i]).unwrap_or(b[i])
                } else {
                    b[i]
                }
            })
            .collect();
        *token = String::from_utf8(read).unwrap_or_else(|_| token.clone());
    }
}

/// The name with every look-alike digit of a word that mixes letters and digits read as the
/// letter it looks like, at the edges of the word and beside other digits too (`M4H4N 41R` is
/// `mahan air`), lower case; `None` when no word reads otherwise than [`letters_for_digits`]
/// already reads it. A reading beside the name, not a rewrite: `B52`, `4x4` and `3M` are
/// names with numbers as often as disguises, so only a close match on the reading counts
/// (`readings::DIGITS_READING_MIN`). Words of digits alone are numbers and stay.
pub(crate) fn digits_read_as_letters(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut changed = false;
    let read: Vec<String> = words
        .iter()
        .map(|word| {
            let b = word.as_bytes();
            let mixed = b.iter().any(u8::is_ascii_alphabetic) && b.iter().any(u8::is_ascii_digit);
            if !mixed
                || !b
                    .iter()
                    .all(|c| !c.is_ascii_digit() || look_alike_letter(*c).is_some())
            {
                return word.to_string();
            }
            let mut in_word = [word.to_string()];
            letters_for_digits(&mut in_word);
            let [in_word] = in_word;
            if !in_word.bytes().any(|c| c.is_ascii_digit()) {
                return word.to_string();
            }
            changed = true;
            b.iter()
                .map(|&c| look_alike_letter(c).map_or(c as char, char::from))
                .collect()
        })
        .collect();
    changed.then(|| read.join(" "))
}

/// English words for 0 to 19, and for the tens from 20 (index: tens digit).
const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const UNIT_ORDINALS: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const TENS_ORDINALS: [&str; 10] = [
    "",
    "",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];

/// Writes numbers below 100 as English words (`3` → `three`, `44` → `forty four`, `1st` →
/// `first`, `21st` → `twenty first`), so that `1st Source Bank` and `First Source Bank` are
/// the same name. Words, not digits, are the common form because a typo in a word keeps
/// it similar (`Frist` still resembles `first`), while tokens with digits must be equal:
/// reading `First` as `1` let `Frist East Export Bank` fall far below review of a listed
/// `First East Export Bank`. Leading zeros do not count (`07` → `seven`); larger numbers
/// stay digits.
pub(super) fn numbers_as_words(tokens: &mut Vec<String>) {
    if !tokens
        .iter()
        .any(|t| t.as_bytes().first().is_some_and(u8::is_ascii_digit))
    {
        return;
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len() + 1);
    for token in tokens.drain(..) {
        let digits = token.trim_end_matches(|c: char| c.is_ascii_lowercase());
        let suffix = &token[digits.len()..];
        let ordinal = matches!(suffix, "st" | "nd" | "rd" | "th");
        let value = (!digits.is_empty()
            && digits.trim_start_matches('0').len() <= 2
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (suffix.is_empty() || ordinal))
            .then(|| digits.parse::<usize>().ok())
            .flatten();
        let Some(n) = value else {
            out.push(token);
            continue;
        };
        let (units, tens) = if ordinal {
            (&UNIT_ORDINALS, &TENS_ORDINALS)
        } else {
            (&UNITS, &TENS)
        };
        if n < 20 {
            out.push(units[n].to_string());
        } else if n % 10 == 0 {
            out.push(tens[n / 10].to_string());
        } else {
            out.push(TENS[n / 10].to_string());
            out.push(units[n % 10].to_string());
        }
    }
    *tokens = out;
}

/// Abbreviations of business words, and the word each stands for as lists write it out. A
/// name abbreviated on an order (`Dandong Hong Xiang Ind. Dev. Co.`) aligned `ind` with
/// `industrial` as two unrelated tokens, and a listed firm fell below review; both names are
/// read with the word written out, so the comparison is the same whichever side abbreviates.
/// `Airlines` and `Airways` are read as `Air`, the word lists write carriers with (`MAHAN
/// AIR`, called Mahan Airlines), which alignment scored as another word. Only for names that
/// are not a person's: a surname may look like an abbreviation (`Dev`).
///
/// A trade word of another language is read as the English word the lists write: a front
/// names a listed `KANGBONG TRADING CORPORATION` in its own country's words (`Kangbong
/// Handels GmbH`, `Kangbong Ticaret Ltd`), and alignment scored `handels` against `trading`
/// as two words that differ (0.71, clear). Only words that say one thing in English: not
/// `Technik` (technology or engineering), not the forms of `industry`, which the lists write
/// three ways themselves.
fn written_out(token: &str) -> Option<&'static str> {
    // A match on the text compiles to a switch on the length and a comparison or two, which
    // screening can afford for every token of every name.
    Some(match token {
        "airlines" => "air",
        "airline" => "air",
        "airways" => "air",
        "assn" => "association",
        "bros" => "brothers",
        // A legal form at a name's end either way; inside a listed name (`RUSSIAN AIRCRAFT
        // CORPORATION MIG`) it is a word, and `Aircraft Corp. MiG` writes it short.
        "corp" => "corporation",
        "dev" => "development",
        "devt" => "development",
        "elec" => "electric",
        "engg" => "engineering",
        "equip" => "equipment",
        "grp" => "group",
        "hldg" => "holding",
        "hldgs" => "holdings",
        "ind" => "industrial",
        "inds" => "industries",
        "indus" => "industrial",
        "intl" => "international",
        // The Russian `концерн` as the lists transliterate it (`KONTSERN IZHMASH`), and in
        // German (`Kalaschnikow Konzern`), against `KALASHNIKOV CONCERN`: one word in three
        // spellings.
        "kontsern" => "concern",
        "konzern" => "concern",
        "mach" => "machinery",
        "mfg" => "manufacturing",
        "mgmt" => "management",
        "natl" => "national",
        "svc" => "service",
        "svcs" => "services",
        "tech" => "technology",
        "trdg" => "trading",
        // Trade words of other languages (German, Turkish, Russian and Polish
        // transliterated, Spanish, Italian, French, Dutch), as the lists write them in
        // English.
        "handel"
        | "handels"
        | "handelsgesellschaft"
        | "handlowy"
        | "handlowa"
        | "handlowe"
        | "ticaret"
        | "torgovy"
        | "torgovyi"
        | "torgovyy"
        | "torgovyj"
        | "torgovaya"
        | "torgovoe"
        | "torgovoye" => "trading",
        "gruppe" | "grupo" | "gruppa" | "groupe" | "grup" | "gruppo" | "grupa" | "groep" => "group",
        "technologie" | "tecnologia" | "teknoloji" | "tekhnologiya" | "tekhnologii"
        | "technologia" => "technology",
        "logistik" | "lojistik" | "logistica" | "logistique" | "logistika" => "logistics",
        "muhendislik" | "ingenieria" | "ingegneria" => "engineering",
        "internacional" | "internazionale" | "uluslararasi" | "mezhdunarodny"
        | "mezhdunarodnyi" | "mezhdunarodnaya" => "international",
        "ithalat" | "importaciones" => "import",
        "ihracat" | "exportaciones" => "export",
        "banco" | "banque" | "banca" | "bankasi" => "bank",
        // Words naming goods (`screening::index::firm_words::TRADE_WORDS`), one English word
        // each: `Orlanda Werkzeuge GmbH` and `Altynprom Makina Ticaret` name a listed
        // `ORLANDA PRECISION TOOLS` and `ALTYNPROM MACHINERY TRADING` in their own words. Not
        // the words for steel: `Stahl`, `Çelik` and `Acero` are family names too, and a firm
        // named after its founder would be read as a steel trader.
        "werkzeuge" | "herramientas" | "utensili" | "outils" => "tools",
        "werkzeug" => "tool",
        "maschinen" | "macchine" | "maquinas" => "machines",
        "makina" | "makine" | "maquinaria" | "macchinari" => "machinery",
        "metall" => "metal",
        "prazision" | "praezision" | "precisione" => "precision",
        "instrumente" | "instrumenty" => "instruments",
        "werkstoffe" => "materials",
        "rulman" | "rodamientos" | "cuscinetti" | "roulements" | "podshipniki" | "podshipnikov"
        | "lozyska" | "loziska" | "rolamentos" | "walzlager" | "waelzlager" => "bearings",
        // Polish, Czech, Portuguese, Dutch, Turkish and Uzbek goods words, as the German and
        // Romance ones above: `Orlanda Narzędzia`, `Orlanda Hassas Takım` name a listed
        // `ORLANDA PRECISION TOOLS`.
        "narzedzia" | "narzedzi" | "nastroje" | "ferramentas" | "gereedschap"
        | "gereedschappen" | "takim" | "takimlari" => "tools",
        "maszyny" | "maszyn" | "stroje" | "mashinalar" => "machines",
        "precyzyjne" | "precyzyjnych" | "hassas" => "precision",
        "outillage" => "tooling",
        "oborudovanie" | "oborudovaniya" | "ausruestung" | "ausrustung" => "equipment",
        "energie" | "energia" | "enerji" => "energy",
        "nacional" | "nazionale" => "national",
        _ => return None,
    })
}

/// The English words the lists write for a compound of goods words or a goods word that
/// English writes as two (`Präzisionswerkzeuge`, `Werkzeugmaschinen`, Polish `obrabiarki`,
/// Russian `станки`: `precision tools`, `machine tools`), and for a German compound of a goods
/// word and `Handel`: `Orlanda Präzisionswerkzeuge GmbH` and `Altynprom Maschinenhandel GmbH`
/// are a listed `ORLANDA PRECISION TOOLS` and `ALTYNPROM MACHINERY TRADING` in German, and
/// alignment compared the one long word with nothing. Only compounds of one meaning, as
/// [`written_out`] reads single words.
fn compound_written_out(token: &str) -> Option<&'static [&'static str]> {
    Some(match token {
        "werkzeugmaschinen" | "werkzeugmaschine" | "werktuigmachines" | "obrabiarki"
        | "obrabiarek" | "stanki" | "stankov" | "stanoklar" | "verstaty" => &["machine", "tools"],
        "stanok" => &["machine", "tool"],
        "prazisionswerkzeuge"
        | "praezisionswerkzeuge"
        | "prazisionswerkzeug"
        | "praezisionswerkzeug" => &["precision", "tools"],
        "prazisionsteile" | "praezisionsteile" => &["precision", "parts"],
        "maschinenhandel" => &["machines", "trading"],
        "werkzeughandel" => &["tools", "trading"],
        "metallhandel" => &["metal", "trading"],
        "stahlhandel" => &["steel", "trading"],
        "lagerhandel" | "walzlagerhandel" => &["bearings", "trading"],
        "kugellager" => &["ball", "bearings"],
        _ => return None,
    })
}

/// Writes the compounds of a name that is not a person's as the English words the lists
/// write ([`compound_written_out`]).
pub(super) fn compounds_written_out(tokens: &mut Vec<String>) {
    if !tokens.iter().any(|t| compound_written_out(t).is_some()) {
        return;
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len() + 2);
    for token in tokens.drain(..) {
        match compound_written_out(&token) {
            Some(words) => out.extend(words.iter().map(|w| (*w).to_string())),
            None => out.push(token),
        }
    }
    *tokens = out;
}

/// `token` with its abbreviated business word written out ([`written_out`]), else as it is.
pub(in crate::screening) fn word_written_out(token: &str) -> &str {
    written_out(token).unwrap_or(token)
}

/// Writes out the abbreviated business words of a name that is not a person's
/// ([`written_out`]).
pub(super) fn abbreviations_written_out(tokens: &mut [String]) {
    for token in tokens.iter_mut() {
        if let Some(word) = written_out(token) {
            *token = word.to_string();
        }
    }
}
