//! Greek, Georgian and Armenian letters romanised the way lists write names in those scripts.
//!
//! `deunicode` reads Greek the classical way (`φ` as `ph`, `η` as `e`, `β` as `b`, `μπ` as
//! `mp`), Georgian with letters of its own choosing (`ხ` as `x`, `ც` as `c`) and Armenian with
//! `Ռ` as `rh` and `ու` as `ow`; the lists spell Greek names in ELOT 743 (`Papadopoulos`,
//! `Dimitris`, `Vasileios`), Georgian names in the national system (`Khutsishvili`) and
//! Armenian names in BGN/PCGN (`Yerevan`, `Vardanyan`). A Russian firm in a Cypriot, Georgian
//! or Armenian document (`Γκαζπρόμ Νεφτ`, `გაზპრომ ნეფტი`, `Ռոսօբորոնէքսպորտ`) met its
//! listed name poorly or not at all. [`romanise`] is normalisation's reading of these letters;
//! [`foreign_reading`] the reading of a foreign name written in them (Greek `μπ`, `ντ` and
//! `γκ` as the `b`, `d` and `g` they stand for in any position, Georgian `ფ` as `f` and
//! without the `-ი` Georgian adds to a foreign name), compared beside it
//! (`StepKind::ReadAsForeignName`).
//!
//! Hand-written: the crates that transliterate (`deunicode`) follow none of these systems, and
//! each table is one alphabet.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Which reading [`romanise_with`] gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The systems the lists use for names of these languages.
    Native,
    /// A foreign name written in the script: the sounds it stands for.
    Foreign,
}

fn is_greek(c: char) -> bool {
    matches!(u32::from(c), 0x0370..=0x03FF | 0x1F00..=0x1FFF)
}

fn is_georgian(c: char) -> bool {
    matches!(u32::from(c), 0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F)
}

fn is_armenian(c: char) -> bool {
    matches!(u32::from(c), 0x0531..=0x058F | 0xFB13..=0xFB17)
}

/// Whether `text` has a letter this module romanises.
fn has_letters(text: &str) -> bool {
    text.chars()
        .any(|c| !c.is_ascii() && (is_greek(c) || is_georgian(c) || is_armenian(c)))
}

/// `text` with its Greek, Georgian and Armenian letters romanised in lower case as the lists
/// write names in those languages; every other character as it was. Borrowed when there is
/// none.
pub(super) fn romanise(text: &str) -> Cow<'_, str> {
    if !has_letters(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(romanise_with(text, Reading::Native))
}

/// A name in Greek or Georgian letters read as the foreign name it stands for, when that reads
/// otherwise than [`romanise`]: `Ροσομπορονεξπόρτ` is `rosoboronexport`, `ნეფტი` is `neft`.
pub fn foreign_reading(name: &str) -> Option<String> {
    if !name
        .chars()
        .any(|c| !c.is_ascii() && (is_greek(c) || is_georgian(c)))
    {
        return None;
    }
    let foreign = romanise_with(name, Reading::Foreign);
    (foreign != romanise_with(name, Reading::Native)).then_some(foreign)
}

/// One letter of these scripts without its accents, in lower case (`Ά` → `α`, `ς` → `σ`,
/// Georgian capitals as the small letters).
fn base_letter(c: char) -> char {
    let base = c.nfd().next().unwrap_or(c);
    let lower = base.to_lowercase().next().unwrap_or(base);
    if lower == 'ς' {
        'σ'
    } else {
        lower
    }
}

fn romanise_with(text: &str, reading: Reading) -> String {
    let letters: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut at = 0;
    while let Some(&c) = letters.get(at) {
        let letter = |k: usize| letters.get(k).map(|&c| base_letter(c));
        let word_start = at == 0 || letters.get(at - 1).is_none_or(|p| !p.is_alphabetic());
        let word_end = letters.get(at + 1).is_none_or(|n| !n.is_alphabetic());
        // A diaeresis parts two vowels that would make one sound (`αϋ` is `ay`, not `av`).
        let parted = letters
            .get(at + 1)
            .is_some_and(|n| matches!(n, 'ϊ' | 'ϋ' | 'ΐ' | 'ΰ' | 'Ϊ' | 'Ϋ'));
        let taken = if is_greek(c) {
            let next = letter(at + 1).filter(|_| !parted);
            greek(
                base_letter(c),
                next,
                letter(at + 2),
                word_start,
                reading,
                &mut out,
            )
        } else if is_georgian(c) {
            georgian(base_letter(c), word_end, reading, &mut out)
        } else if is_armenian(c) {
            armenian(base_letter(c), letter(at + 1), word_start, &mut out)
        } else {
            out.push(c);
            1
        };
        at += taken;
    }
    out
}

/// Greek in ELOT 743 (the UN's system): `η`, `ι`, `υ` as `i`, `i`, `y`, `φ` `f`, `χ` `ch`, `β`
/// `v`, the diphthongs as written (`ου` `ou`), `αυ` and `ευ` as `av`, `ev` (`af`, `ef` before a
/// voiceless consonant), and `μπ`, `ντ`, `γκ` as `b`, `d`, `g` at the start of a word, `mp`,
/// `nt`, `gk` inside it. The foreign reading takes `μπ`, `ντ`, `γκ` as `b`, `d`, `g`
/// everywhere (`Ομπάμα`, Obama), `ου` as `u` and `χ` as `kh` (how lists write the Russian `х`).
/// Returns how many letters it read.
fn greek(
    c: char,
    next: Option<char>,
    after: Option<char>,
    word_start: bool,
    reading: Reading,
    out: &mut String,
) -> usize {
    let foreign = reading == Reading::Foreign;
    let voiceless = |l: Option<char>| {
        l.is_none_or(|l| matches!(l, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'τ' | 'φ' | 'χ' | 'ψ'))
    };
    let digraph = match (c, next) {
        ('μ', Some('π')) => Some(if word_start || foreign { "b" } else { "mp" }),
        ('ν', Some('τ')) => Some(if word_start || foreign { "d" } else { "nt" }),
        ('γ', Some('κ')) => Some(if word_start || foreign { "g" } else { "gk" }),
        ('γ', Some('γ')) => Some("ng"),
        ('γ', Some('ξ')) => Some("nx"),
        ('γ', Some('χ')) => Some(if foreign { "nkh" } else { "nch" }),
        ('ο', Some('υ')) => Some(if foreign { "u" } else { "ou" }),
        ('α', Some('υ')) => Some(if voiceless(after) { "af" } else { "av" }),
        ('ε', Some('υ')) => Some(if voiceless(after) { "ef" } else { "ev" }),
        ('η', Some('υ')) => Some(if voiceless(after) { "if" } else { "iv" }),
        _ => None,
    };
    if let Some(latin) = digraph {
        out.push_str(latin);
        return 2;
    }
    let latin = match c {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' | 'ι' => "i",
        'θ' => "th",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' | 'ω' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' => "s",
        'τ' => "t",
        'υ' => {
            if foreign {
                "i"
            } else {
                "y"
            }
        }
        'φ' => "f",
        'χ' => {
            if foreign {
                "kh"
            } else {
                "ch"
            }
        }
        'ψ' => "ps",
        // Not a letter of modern Greek (archaic letters, signs): left for normalisation.
        other => {
            out.push(other);
            return 1;
        }
    };
    out.push_str(latin);
    1
}

/// Georgian in the national system of 2002 without its apostrophes (the aspirated and
/// ejective pairs written alike, as the lists write them: `Khutsishvili`). The foreign
/// reading takes `ფ` as `f` (Georgian writes a foreign `f` with it) and leaves out the `-ი` that
/// Georgian adds to a foreign name ending in a consonant (`ნეფტი`, Neft).
fn georgian(c: char, word_end: bool, reading: Reading, out: &mut String) -> usize {
    let foreign = reading == Reading::Foreign;
    if foreign && c == 'ი' && word_end && out.chars().last().is_some_and(is_latin_consonant) {
        return 1;
    }
    let latin = match c {
        'ა' => "a",
        'ბ' => "b",
        'გ' => "g",
        'დ' => "d",
        'ე' => "e",
        'ვ' => "v",
        'ზ' => "z",
        'თ' | 'ტ' => "t",
        'ი' => "i",
        'კ' | 'ქ' => "k",
        'ლ' => "l",
        'მ' => "m",
        'ნ' => "n",
        'ო' => "o",
        'პ' => "p",
        'ფ' => {
            if foreign {
                "f"
            } else {
                "p"
            }
        }
        'ჟ' => "zh",
        'რ' => "r",
        'ს' => "s",
        'უ' => "u",
        'ღ' => "gh",
        'ყ' => "q",
        'შ' => "sh",
        'ჩ' | 'ჭ' => "ch",
        'ც' | 'წ' => "ts",
        'ძ' => "dz",
        'ხ' => "kh",
        'ჯ' => "j",
        'ჰ' => "h",
        other => {
            out.push(other);
            return 1;
        }
    };
    out.push_str(latin);
    1
}

fn is_latin_consonant(c: char) -> bool {
    c.is_ascii_alphabetic() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Armenian in BGN/PCGN without diacritics: `ու` as `u`, `ե` and `ո` as `ye` and `vo` at the
/// start of a word, `և` as `ev`, `Ռ` as `r`.
fn armenian(c: char, next: Option<char>, word_start: bool, out: &mut String) -> usize {
    if c == 'ո' && next == Some('ւ') {
        out.push('u');
        return 2;
    }
    let latin = match c {
        'ա' => "a",
        'բ' => "b",
        'գ' => "g",
        'դ' => "d",
        'ե' => {
            if word_start {
                "ye"
            } else {
                "e"
            }
        }
        'զ' => "z",
        'է' => "e",
        'ը' => "y",
        'թ' | 'տ' => "t",
        'ժ' => "zh",
        'ի' => "i",
        'լ' => "l",
        'խ' => "kh",
        'ծ' | 'ց' => "ts",
        'կ' | 'ք' => "k",
        'հ' => "h",
        'ձ' => "dz",
        'ղ' => "gh",
        'ճ' | 'չ' => "ch",
        'մ' => "m",
        'յ' => "y",
        'ն' => "n",
        'շ' => "sh",
        'ո' => {
            if word_start {
                "vo"
            } else {
                "o"
            }
        }
        'պ' | 'փ' => "p",
        'ջ' => "j",
        'ռ' | 'ր' => "r",
        'ս' => "s",
        'վ' | 'ւ' => "v",
        'օ' => "o",
        'ֆ' => "f",
        'և' => {
            if word_start {
                "yev"
            } else {
                "ev"
            }
        }
        other => {
            out.push(other);
            return 1;
        }
    };
    out.push_str(latin);
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_is_read_in_elot_743() {
        assert_eq!(romanise("Δημήτρης Παπαδόπουλος"), "dimitris papadopoulos");
        assert_eq!(
            romanise("Βασίλειος Χριστοδούλου"),
            "vasileios christodoulou"
        );
        assert_eq!(romanise("Γκαζπρόμ Νεφτ"), "gazprom neft");
        assert_eq!(romanise("Μπαλτάς Λαμπράκης"), "baltas lamprakis");
        assert_eq!(romanise("Ευάγγελος"), "evangelos");
        assert_eq!(romanise("ΕΥΘΥΜΙΟΥ"), "efthymiou");
        assert_eq!(romanise("Plain Latin"), "Plain Latin");
        assert_eq!(romanise("Λαϊκή"), "laiki");
        assert_eq!(romanise("Ταΰγετος"), "taygetos");
    }

    #[test]
    fn a_foreign_name_in_greek_is_read_as_its_sounds() {
        assert_eq!(
            foreign_reading("Ροσομπορονεξπόρτ").as_deref(),
            Some("rosoboronexport")
        );
        assert_eq!(
            foreign_reading("Μπαράκ Ομπάμα").as_deref(),
            Some("barak obama")
        );
        assert_eq!(
            foreign_reading("Χοντορκόφσκι").as_deref(),
            Some("khodorkofski")
        );
        // Read alike both ways: no second reading.
        assert_eq!(foreign_reading("Γκαζπρόμ Νεφτ"), None);
    }

    #[test]
    fn georgian_is_read_in_the_national_system() {
        assert_eq!(romanise("ხუციშვილი"), "khutsishvili");
        assert_eq!(romanise("გაზპრომ ნეფტი"), "gazprom nepti");
        assert_eq!(
            foreign_reading("გაზპრომ ნეფტი").as_deref(),
            Some("gazprom neft")
        );
        assert_eq!(
            foreign_reading("როსობორონექსპორტი").as_deref(),
            Some("rosoboroneksport")
        );
    }

    #[test]
    fn armenian_is_read_in_bgn_pcgn() {
        assert_eq!(romanise("Երևան"), "yerevan");
        assert_eq!(romanise("Ռոսօբորոնէքսպորտ"), "rosoboroneksport");
        assert_eq!(romanise("Ուրարտու"), "urartu");
        assert_eq!(romanise("Ոսկանյան"), "voskanyan");
        assert_eq!(foreign_reading("Գազպրոմ"), None);
    }
}
