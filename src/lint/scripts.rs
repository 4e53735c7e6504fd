//! Confusable text: a word that mixes Latin, Cyrillic or Greek letters (L040)
//! and invisible or direction-changing characters (L041).
//!
//! A Cyrillic `а` in `Dаndong` looks right and never matches `Dandong`, in a
//! list or in an order; a zero-width space does the same unseen. The whole
//! file text is scanned, so names, list cells, messages and comments are all
//! covered and each finding points at the character itself.
//!
//! Script and category data come from `regex_syntax`'s Unicode tables
//! (`\p{sc=Cyrillic}`, `\p{Cf}`), already a dependency, rather than from
//! hand-written code point ranges.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, ClassUnicode, HirKind};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// The scripts whose letters are confused with one another.
const SCRIPTS: [&str; 3] = ["Latin", "Cyrillic", "Greek"];

struct Tables {
    scripts: Vec<ClassUnicode>,
    format: ClassUnicode,
}

fn class(pattern: &str) -> ClassUnicode {
    match regex_syntax::parse(pattern).map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(class))) => class,
        // The patterns are constants known to parse to a class; an empty
        // class only turns the check off.
        _ => ClassUnicode::empty(),
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        scripts: SCRIPTS
            .iter()
            .map(|s| class(&format!(r"\p{{sc={s}}}")))
            .collect(),
        format: class(r"\p{Cf}"),
    })
}

fn contains(class: &ClassUnicode, c: char) -> bool {
    class
        .ranges()
        .binary_search_by(|r| {
            if r.end() < c {
                std::cmp::Ordering::Less
            } else if r.start() > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn script_of(c: char) -> Option<usize> {
    if c.is_ascii_alphabetic() {
        return Some(0);
    }
    if c.is_ascii() {
        return None;
    }
    tables().scripts.iter().position(|s| contains(s, c))
}

/// Zero-width joiners and non-joiners are left alone: Persian, Arabic and
/// Indic names need them.
fn is_invisible(c: char) -> bool {
    !c.is_ascii() && c != '\u{200C}' && c != '\u{200D}' && contains(&tables().format, c)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || unicode_normalization::char::is_combining_mark(c)
}

/// Scans one file's text.
pub(super) fn scan(file: &SourceFile, acc: &mut Diagnostics) {
    let text = file.text();
    let mut word: Vec<(usize, char)> = Vec::new();
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        if is_invisible(c) && !(at == 0 && c == '\u{FEFF}') {
            acc.push(
                Diagnostic::warning(
                    "L041",
                    format!("invisible character U+{:04X} in the text", c as u32),
                )
                .at(file, at..at + c.len_utf8(), format!("U+{:04X} here", c as u32))
                .with_help(
                    "invisible and direction-changing characters make two texts that look the same differ; delete it"
                        .to_string(),
                ),
            );
        }
        // In patterns `\bсклад` is `\b` then a Cyrillic word, not a word `bсклад`.
        let after_backslash = escaped;
        escaped = c == '\\' && !after_backslash;
        if is_word_char(c) && !after_backslash {
            word.push((at, c));
        } else {
            mixed(file, text, &word, acc);
            word.clear();
        }
    }
    mixed(file, text, &word, acc);
}

fn mixed(file: &SourceFile, text: &str, word: &[(usize, char)], acc: &mut Diagnostics) {
    let mut counts = [0usize; SCRIPTS.len()];
    for &(_, c) in word {
        if let Some(s) = script_of(c) {
            counts[s] += 1;
        }
    }
    let present: Vec<usize> = (0..SCRIPTS.len()).filter(|&s| counts[s] > 0).collect();
    if present.len() < 2 {
        return;
    }
    // The fewer letters are the intruders: `Dаndong` is a Latin word with a
    // Cyrillic `а`, not the other way round. On a tie, Latin is the host.
    let host = present
        .iter()
        .copied()
        .max_by_key(|&s| (counts[s], usize::from(s == 0)))
        .unwrap_or(0);
    let Some(&(at, intruder)) = word
        .iter()
        .find(|&&(_, c)| script_of(c).is_some_and(|s| s != host))
    else {
        return;
    };
    let (Some(&(start, _)), Some(&(last, last_char))) = (word.first(), word.last()) else {
        return;
    };
    let whole = &text[start..last + last_char.len_utf8()];
    let names: Vec<&str> = present.iter().map(|&s| SCRIPTS[s]).collect();
    let intruder_script = script_of(intruder).map(|s| SCRIPTS[s]).unwrap_or("");
    let looks = deunicode::deunicode_char(intruder)
        .filter(|l| l.chars().count() == 1)
        .map(|l| format!(" looks like Latin `{l}` but"))
        .unwrap_or_default();
    acc.push(
        Diagnostic::warning(
            "L040",
            format!("`{whole}` mixes {} letters", names.join(" and ")),
        )
        .at(
            file,
            at..at + intruder.len_utf8(),
            format!("U+{:04X} is {intruder_script}", intruder as u32),
        )
        .with_help(format!(
            "U+{:04X}{looks} is another letter, so the word never matches its look-alike; retype it in one script",
            intruder as u32
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(&'static str, String)> {
        let file = SourceFile::new("t", text);
        let mut acc = Diagnostics::new();
        scan(&file, &mut acc);
        acc.iter()
            .map(|d| (d.code(), d.spanned_text().unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn mixed_words() {
        assert_eq!(codes("Dandong"), []);
        assert_eq!(codes("Dаndong"), [("L040", "а".to_string())]);
        assert_eq!(codes("ООО Ромашка Trading"), []);
        assert_eq!(codes(r"\bсклад"), []);
        assert_eq!(codes("RF-САSH-001"), [("L040", "С".to_string())]);
        assert_eq!(codes("物流 logistics"), []);
    }

    #[test]
    fn invisible() {
        assert_eq!(codes("Dan\u{200B}dong"), [("L041", "\u{200B}".to_string())]);
        assert_eq!(codes("\u{FEFF}city"), []);
        assert_eq!(codes("می\u{200C}خواهم"), []);
    }
}
