//! `blank`: a value that says nothing, whether absent, empty or a placeholder word.

use super::*;

/// Whether a value says nothing: absent, empty, or text that is a placeholder.
pub(super) fn is_blank(value: &Value) -> bool {
    match value {
        Value::Text(t) => is_placeholder(t),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// Words that fill a required field without saying anything, as folded letters and digits
/// (`n/a` is `n a`, `k.A.` is `k a`).
const PLACEHOLDERS: &[&str] = &[
    "n a",
    "na",
    "none",
    "nil",
    "null",
    "tbd",
    "tba",
    "tbc",
    "unknown",
    "not applicable",
    "not available",
    "x",
    "xx",
    "xxx",
    "xxxx",
    "no",
    "nothing",
    "keine",
    "k a",
    "нет",
    // The same said in words: an end user `to be advised` is no end user.
    "to be advised",
    "to be announced",
    "to be confirmed",
    "to be determined",
    "to be named",
    "to be nominated",
    "will be advised",
    "to order",
    "various",
    "diverse",
    "divers",
    "verschiedene",
    // A distributor's own stock or its customers at large: nobody in particular.
    "various customers",
    "various clients",
    "diverse kunden",
    "verschiedene kunden",
    "stock",
    "for stock",
    "own stock",
    "lager",
    "auf lager",
    "ab lager",
    "lagerware",
    "resale",
    "for resale",
    "на склад",
    "склад",
    "库存",
    "unknown end user",
    "end user unknown",
    "unknown customer",
    "end customer",
    "endkunde",
    "customer",
    "client",
    "not known",
    "not disclosed",
    "undisclosed",
    "confidential",
    "anonymous",
    "unbekannt",
    "неизвестно",
    "не указан",
    // `Not stated` as exports in other languages write it, folded (`néant` is `neant`).
    "keine angabe",
    "keine angaben",
    "nicht bekannt",
    "nicht angegeben",
    "entfallt",
    "sans objet",
    "neant",
    "inconnu",
    "non communique",
    "ninguno",
    "ninguna",
    "desconocido",
    "nessuno",
    "nessuna",
    "sconosciuto",
    "pending",
    "без указания",
    "не указано",
    "нет данных",
    "无",
    "不详",
    "未知",
    "暂无",
    // A name that stands for a person not named (`N.N.`, nomen nescio; `TBN`, to be named),
    // or says there is none, in the languages of the orders seen: a value that is only this.
    "n n",
    "nn",
    "tbn",
    "nobody",
    "niemand",
    "brak",
    "yok",
    "aucun",
    "aucune",
    "no end user",
    "no statement",
    "will advise",
    "will follow",
    "to follow",
    "待定",
    "未定",
    "不明",
    "미정",
    "없음",
    "なし",
    // The role named for the name: an end user called `End user` or `dealer` is no one.
    "end user",
    "final customer",
    "endabnehmer",
    "клиент",
    "dealer",
    "open market",
    "agent",
    "trade house",
    "trading house",
    "kunde",
    "endverbraucher",
    "verbraucher",
    "abnehmer",
    "заказчик",
    "покупатель",
    // `конечный пользователь`, folded (the fold drops the breve of `й`).
    "конечныи пользователь",
    "最终用户",
    "终端用户",
    "客户",
    "用户",
    // A pointer to another party instead of a name: the end user is left unnamed, and the
    // party pointed at may not be who uses the goods.
    "same as buyer",
    "same as consignee",
    "same as customer",
    "as buyer",
    "see buyer",
    "wie kaufer",
    "siehe kaufer",
];

/// Text that says nothing: empty, white space, no letter or digit once invisible characters
/// are left out (`-`, `.`, `?`, `***`, a zero-width space), or a placeholder word (`n/a`,
/// `none`, `TBD`, `xxx`). An end-use statement of `n/a` is no statement.
fn is_placeholder(text: &str) -> bool {
    if text.is_ascii() && !crate::rules::spacing::has_spaced_letters(text) {
        return is_ascii_placeholder(text.as_bytes());
    }
    is_folded_placeholder(text)
}

/// [`is_placeholder`] read from the folded words of any text. The fold decomposes Hangul
/// syllables into their letters; they are composed again, as the list writes them (`미정`).
fn is_folded_placeholder(text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let words: Vec<String> = crate::rules::lists::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    words.is_empty() || PLACEHOLDERS.contains(&words.join(" ").nfc().collect::<String>().as_str())
}

/// [`is_placeholder`] of ASCII text (nothing in it is invisible) without allocating: its
/// words, lower case and one space apart, written to the stack; a text whose words do not
/// fit is longer than any placeholder. Most names and statements are passed over here.
fn is_ascii_placeholder(text: &[u8]) -> bool {
    // The longest ASCII placeholder, `verschiedene kunden`, is 19 bytes; a test checks that
    // every placeholder fits.
    const LONGEST: usize = 19;
    let mut words = [0u8; LONGEST];
    let mut length = 0;
    let mut in_word = false;
    for &byte in text {
        if byte.is_ascii_alphanumeric() {
            if !in_word && length > 0 {
                let Some(slot) = words.get_mut(length) else {
                    return false;
                };
                *slot = b' ';
                length += 1;
            }
            let Some(slot) = words.get_mut(length) else {
                return false;
            };
            *slot = byte.to_ascii_lowercase();
            length += 1;
            in_word = true;
        } else {
            in_word = false;
        }
    }
    let written = words.get(..length).unwrap_or_default();
    written.is_empty() || PLACEHOLDERS.iter().any(|p| p.as_bytes() == written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_placeholder_is_found_on_the_stack_as_by_its_fold() {
        for placeholder in PLACEHOLDERS {
            assert!(is_placeholder(placeholder), "{placeholder}");
            assert!(is_folded_placeholder(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn a_short_placeholder_is_one_only_as_the_whole_value() {
        for name in [
            "NN", "N.N.", "N. N.", "TBN", "brak", "Yok", "미정", "없음", "待定", "End-User",
        ] {
            assert!(is_placeholder(name), "{name}");
        }
        for name in [
            "NN Group N.V.",
            "Brak Maschinenbau GmbH",
            "Brakel Armaturen GmbH",
            "Yokohama Seiki Co.",
            "Yok Metal Sanayi A.S.",
            "TBN Industrial Supply",
            "미정산업 주식회사",
            "不明确",
            "Open Market Foods Ltd",
            "Dealer Tire LLC",
        ] {
            assert!(!is_placeholder(name), "{name}");
        }
    }

    proptest! {
        /// ASCII text is judged on the stack as its folded words would judge it, placeholders
        /// padded and cased at random and texts around the buffer's length included.
        #[test]
        fn an_ascii_placeholder_is_found_as_the_fold_finds_it(
            text in r"[ ./\-?*]{0,3}(n/a|N\.A\.|none|TBD|not  applicable|xxx|no|k\.A\.|N O N E|t\.b\.d|To Be Advised|unknown end-user|Verschiedene Kunden|for stock|[a-zA-Z ]{0,22})[ ./\-?*]{0,3}",
        ) {
            prop_assert_eq!(is_placeholder(&text), is_folded_placeholder(&text));
        }
    }
}
