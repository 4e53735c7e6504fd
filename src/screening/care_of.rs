//! Names an address (or a party's own name) gives for someone else: `Bremer Str. 5, c/o
//! Mahan Air`, `z. Hd. Bank Melli`, `Attn: ...`, `Weserland GmbH c/o ...`. Goods and papers sent "care of" a party reach that party, so a listed
//! party named there is screened like an alias of the order's party; otherwise a listed
//! firm could receive goods under a clean name with its own written beside the street.

use std::sync::LazyLock;

use regex::Regex;

/// A marker at the start of the text or after a space or punctuation, then the name up to
/// the next comma, semicolon, bracket or line break. Compiled once; the unit test below
/// proves it compiles and finds what it should.
static CARE_OF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[\s,;(\[])",
        r"(?:c\s*/\s*o\b|c\.\s*o\.|(?:in\s+)?care\s+of\b|attn\b\.?|attention\b",
        r"|z\.\s*hd\b\.?|zu\s+h(?:ä|ae)nden\b|p\s*/\s*a\b)",
        r"\s*[:.]?\s*([^,;\n\r()\[\]]+)"
    ))
    .ok()
});

/// Words before another party's name that an address writes in other languages or in other
/// words than `c/o`: `for`, `on behalf of`; German `bei`, `im Auftrag von`; French
/// `chez`, `aux soins de`, `pour le compte de`; Russian `для` (for), `на имя` (in the name
/// of), `через` (through). Read in addresses only: in a party's own name `for` is one of
/// the words of the name (`Centre for Research`). `for` counts only at the start of a part of the
/// address (`for Bank Rossiya, Office 12`). `via` is not read: it is a street type too (`Via
/// Roma 5`).
static ADDRESS_MARKERS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:(?:^|[\s,;(\[])(?:bei|chez|aux\s+soins\s+de|pour\s+le\s+compte\s+de",
        r"|on\s+behalf\s+of|im\s+auftrag\s+(?:von|der|des)|для|на\s+имя|через)",
        r"|(?:^|[,;(\[\n])\s*for)",
        r"\b\s*[:.]?\s*([^,;\n\r()\[\]]+)"
    ))
    .ok()
});

/// The names an address gives for another party: after a care-of marker
/// ([`names_care_of`]), after the words of [`ADDRESS_MARKERS`], and the address's first part
/// when it reads as a name line written into the address: `Bank Rossiya, 2 Liter A Pl.
/// Rastrelli`. That part counts when the address goes on after it and it has two words or
/// more, no digit, and no word of a street, a building or an area (`Bank Street, 5`,
/// `Bank Melli Building, Ferdowsi Ave`, `Jebel Ali Free Zone, Dubai` are places).
pub fn names_in_address(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut out = names_care_of(text);
    let cleaned: String = super::chars::clean(text).nfkc().collect();
    if let Some(markers) = ADDRESS_MARKERS.as_ref() {
        for found in markers.captures_iter(&cleaned).filter_map(|f| f.get(1)) {
            let Some(name) = super::address::name_before_place(found.as_str()) else {
                continue;
            };
            if name.chars().any(char::is_alphanumeric) && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    if let Some((head, rest)) = cleaned.split_once([',', ';', '\n']) {
        let head = head.trim();
        let words = head.split_whitespace().count();
        let named_after_marker = out.iter().any(|n| head.ends_with(n.as_str()));
        if words >= 2
            && rest.chars().any(char::is_alphanumeric)
            && !head.chars().any(|c| c.is_numeric())
            && head.chars().any(char::is_alphabetic)
            && !named_after_marker
            && !super::address::names_a_place(head)
        {
            out.push(head.to_string());
        }
    }
    out
}

/// The names written after a care-of marker in `text` (an address, a party's name or alias),
/// trimmed, in the order written; only those with a letter or digit.
pub fn names_care_of(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let Some(care_of) = CARE_OF.as_ref() else {
        return Vec::new();
    };
    // `℅` is one symbol for `c/o`; cleaning would turn it into a space.
    let spelled = text.replace('℅', " c/o ");
    let text: String = super::chars::clean(&spelled).nfkc().collect();
    care_of
        .captures_iter(&text)
        .filter_map(|found| found.get(1))
        .map(|name| name.as_str().trim().to_string())
        .filter(|name| name.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn care_of_markers_give_the_name_after_them() {
        assert!(CARE_OF.is_some());
        assert_eq!(
            names_care_of("Bremer Str. 5, c/o Mahan Air, 28195 Bremen"),
            ["Mahan Air"]
        );
        assert_eq!(names_care_of("℅ Bank Melli Iran"), ["Bank Melli Iran"]);
        assert_eq!(names_care_of("C / O: Mahan Air"), ["Mahan Air"]);
        assert_eq!(
            names_care_of("Hafenstr. 1; z. Hd. Herrn Ivanov; Hamburg"),
            ["Herrn Ivanov"]
        );
        assert_eq!(names_care_of("in care of Mahan Air (cargo)"), ["Mahan Air"]);
        assert_eq!(names_care_of("Attn: Purchasing, 5 Main St"), ["Purchasing"]);
        assert!(names_care_of("Cocos Road 5, Bremen").is_empty());
        assert!(names_care_of("Marco/Olsen Str. 5").is_empty());
    }

    #[test]
    fn an_address_gives_names_after_other_words_and_in_its_first_part() {
        assert!(ADDRESS_MARKERS.is_some());
        let named = |text: &str| names_in_address(text);
        assert_eq!(
            named("Bank Rossiya, 2 Liter A Pl. Rastrelli"),
            ["Bank Rossiya"]
        );
        assert_eq!(
            named("for Bank Rossiya, Office 12, Deira"),
            ["Bank Rossiya"]
        );
        assert_eq!(named("on behalf of Mahan Air, Office 12"), ["Mahan Air"]);
        assert_eq!(named("bei Bank Rossiya, Büro 12"), ["Bank Rossiya"]);
        assert_eq!(named("chez Bank Rossiya, bureau 12"), ["Bank Rossiya"]);
        assert_eq!(named("для Банк Россия, офис 12"), ["Банк Россия"]);
        assert_eq!(named("Hafenstr. 1, c/o Mahan Air"), ["Mahan Air"]);
        // Places, not parties: a street, a building, an area, a house number, one word.
        for place in [
            "Bank Street, 5",
            "Bank Melli Building, Ferdowsi Ave",
            "Jebel Ali Free Zone, Dubai",
            "Via Roma 5, Milano",
            "Hauptstrasse 5, Berlin",
            "Deira, Dubai",
            "Centre for Research, 5 Main St",
            "Bremer Str. 15, 28195 Bremen",
            "Office 12, Deira",
            "Jianguomenwai Diplomatic Housing Compound, Building 7-1, 5th Floor",
        ] {
            assert!(named(place).is_empty(), "{place}: {:?}", named(place));
        }
        // `for` inside a part is a word of a name.
        assert!(named("5 Main St, Institute for Physics Building").is_empty());
        // After a marker, a place word inside the name is part of it, and the unit the part
        // goes on to is not.
        assert_eq!(
            named("for Shahid Hemmat Industrial Group, Tehran"),
            ["Shahid Hemmat Industrial Group"]
        );
        assert_eq!(named("bei Mahan Air Office 12, Dubai"), ["Mahan Air"]);
        assert_eq!(
            named("for Bank of Kunlun, Of. 12, Deira"),
            ["Bank of Kunlun"]
        );
        assert_eq!(named("Bank of Kunlun, Deira"), ["Bank of Kunlun"]);
        for place in [
            "bei Hauptstr. 5, Berlin",
            "for Bank Street 5, London",
            "for Jebel Ali Free Zone, Dubai",
            "for Bank Melli Building, Ferdowsi Ave",
            "5 Main St, for Office 12",
        ] {
            assert!(named(place).is_empty(), "{place}: {:?}", named(place));
        }
    }
}
