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
}
