//! Other names of a party written in its own name: `Stankotrade (formerly Stankoimport)`,
//! `Stankotrade f/k/a Stankoimport`, `Nordic Tools aka Mashimport`, `Weser GmbH trading as
//! Mahan Cargo`, `ООО «Станкотрейд» (бывш. «Станкоимпорт»)`. A firm renamed after its listing
//! (the case behind redflag: a Russian importer trading under a new name) is still the listed
//! firm, and an export that keeps the old name beside the new one says so; the name after the
//! marker is screened as another name of the party, a match on it carrying the step
//! `other_name_in_name`. Without it the whole text was aligned with the listed name, every added
//! word charged, and a one-word listed name held among other words was clear.

use std::sync::LazyLock;

use regex::Regex;

/// A marker at the start of the text or after a space, punctuation or an opening quote, then
/// (after a colon, dot or comma, if any) the name up to the next comma, semicolon, bracket or
/// line break. English, German, French, Spanish and
/// Russian markers of a former name and of another name the party goes by. Compiled once;
/// the unit test below proves it compiles and finds what it should.
static OTHER_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)(?:^|[\s,;(\["'«“„])"#,
        r"(?:formerly(?:\s+known\s+as)?|previously(?:\s+known\s+as)?|former\s+name",
        r"|f\s*/\s*k\s*/\s*a|f\.\s*k\.\s*a\.?|fka|also\s+known\s+as|a\s*/\s*k\s*/\s*a|a\.\s*k\.\s*a\.?|aka",
        r"|d\s*/\s*b\s*/\s*a|d\.\s*b\.\s*a\.?|doing\s+business\s+as|trading\s+as|t\s*/\s*a",
        r"|vormals|ehemals|ehem\.|fr(?:ü|ue)her|anciennement|ex-|anteriormente|antes",
        r"|бывш(?:ее|ий|\.)?|ранее|прежнее\s+наименование)",
        r"(?:\s*[:.,]|\b|\s)\s*([^,;\n\r()\[\]]+)"
    ))
    .ok()
});

/// The names written after a marker of another name in `name` (a party's name or alias),
/// trimmed of quotes, in the order written; only those with a letter or digit.
pub fn other_names_in(name: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let Some(other_name) = OTHER_NAME.as_ref() else {
        return Vec::new();
    };
    let text: String = super::chars::clean(name).nfkc().collect();
    other_name
        .captures_iter(&text)
        .filter_map(|found| found.get(1))
        .map(|name| {
            name.as_str()
                .trim()
                .trim_matches(|c: char| matches!(c, '"' | '\'' | '«' | '»' | '“' | '”' | '„'))
                .trim()
                .to_string()
        })
        .filter(|name| name.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_another_name_give_the_name_after_them() {
        assert!(OTHER_NAME.is_some());
        assert_eq!(
            other_names_in("Stankotrade (formerly Stankoimport)"),
            ["Stankoimport"]
        );
        assert_eq!(
            other_names_in("Stankotrade f/k/a Stankoimport"),
            ["Stankoimport"]
        );
        assert_eq!(
            other_names_in("Nordic Tools LLC, also known as Mashimport"),
            ["Mashimport"]
        );
        assert_eq!(
            other_names_in("Weser GmbH trading as Mahan Cargo"),
            ["Mahan Cargo"]
        );
        assert_eq!(
            other_names_in("Weser GmbH (vormals: Mahan Air Deutschland)"),
            ["Mahan Air Deutschland"]
        );
        assert_eq!(
            other_names_in("ООО «Станкотрейд» (бывш. «Станкоимпорт»)"),
            ["Станкоимпорт"]
        );
        assert_eq!(
            other_names_in("Nordic Tools AKA: Mashimport"),
            ["Mashimport"]
        );
        // Set off by a comma or inside quotes, the marker still gives the name.
        assert_eq!(
            other_names_in("Stankotrade (formerly, Stankoimport)"),
            ["Stankoimport"]
        );
        assert_eq!(
            other_names_in("Stankotrade (\"formerly Stankoimport\")"),
            ["Stankoimport"]
        );
        // Words that only begin like a marker are no marker.
        assert!(other_names_in("Akademia Trading").is_empty());
        assert!(other_names_in("Formerlyn Werkzeuge GmbH").is_empty());
        assert!(other_names_in("Antesana Import").is_empty());
        assert!(other_names_in("Export-Import Bank").is_empty());
    }
}
