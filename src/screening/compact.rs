//! Compact forms: a name's letters and digits without spaces, before and after removals, so
//! that names differing only in spacing and punctuation meet (`M A H A N  A I R`, `Ma-han Air`,
//! `Mahan Air Co Ltd`), hashed with fixed keys for the screener's sorted index.

use std::collections::HashSet;

use super::normalize::NormalizedName;

/// A hash of a compact form with fixed keys, so the index is the same in every process.
pub(super) fn compact_hash(key: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// The compact forms a name is found by: its letters and digits as written (spacing and
/// punctuation aside) and after titles, connectives and legal forms are removed.
pub(super) fn compact_keys(name: &NormalizedName) -> Vec<String> {
    let core: String = name.tokens.concat();
    let compact = name.compact();
    let mut keys = Vec::with_capacity(2);
    if core != compact && !core.is_empty() {
        keys.push(core);
    }
    keys.push(compact);
    keys.retain(|k| !k.is_empty());
    keys
}

/// The legal forms of the normaliser, spaces removed (`co ltd` → `coltd`).
fn legal_form_compacts() -> &'static HashSet<String> {
    static FORMS: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        super::normalize::legal_forms()
            .map(|f| f.replace(' ', ""))
            .collect()
    })
}

/// Longest legal form, spaces removed, in bytes (bounds the cuts tried).
const MAX_FORM_LEN: usize = 48;

/// Compact forms of `folded` (a folded name, tokens separated by single spaces) with legal
/// forms cut at its start, its end or both, where the cut tokens spell a legal form
/// (`m a h a n a i r c o l t d` → `mahanair`). At most a few dozen candidates: cuts are
/// tried only within the first and last [`MAX_FORM_LEN`] bytes.
pub(super) fn legal_form_cuts(folded: &str) -> Vec<String> {
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let forms = legal_form_compacts();
    // Token counts that can be cut from the front, and from the back.
    let spans = |iter: &mut dyn Iterator<Item = &&str>| -> Vec<usize> {
        let mut out = vec![0];
        let mut acc = String::new();
        for (k, t) in iter.enumerate() {
            acc.push_str(t);
            if acc.len() > MAX_FORM_LEN {
                break;
            }
            if forms.contains(&acc) {
                out.push(k + 1);
            }
        }
        out
    };
    let front = spans(&mut tokens.iter());
    let mut reversed_acc: Vec<usize> = vec![0];
    {
        let mut acc: Vec<&str> = Vec::new();
        for (k, t) in tokens.iter().rev().enumerate() {
            acc.insert(0, t);
            let joined: String = acc.concat();
            if joined.len() > MAX_FORM_LEN {
                break;
            }
            if forms.contains(&joined) {
                reversed_acc.push(k + 1);
            }
        }
    }
    let mut out = Vec::new();
    for &f in &front {
        for &b in &reversed_acc {
            if (f, b) != (0, 0) && f + b < tokens.len() {
                out.push(tokens[f..tokens.len() - b].concat());
            }
        }
    }
    out
}

/// Fewest letters a glued legal form must have to be cut at a name's end
/// ([`glued_legal_form_cuts`]): two letters end too many words (`verlag`, `hamassa`).
const MIN_GLUED_FORM: usize = 3;
/// Fewest letters left once a glued legal form is cut.
const MIN_GLUED_REST: usize = 5;
/// The legal forms cut when glued to a name's start: the Russian-style prefixes that begin
/// no word (`too` begins `tooling`, `ao` and `as` many more).
const GLUED_PREFIX_FORMS: &[&str] = &[
    "cjsc", "jsc", "llc", "oao", "ojsc", "ooo", "pao", "pjsc", "zao",
];

/// Compact forms of `compact` (a name's letters and digits) with a legal form glued to its
/// end, or a Russian-style one to its start, cut off (`stankoimportgmbh`, `ooostankoimport` →
/// `stankoimport`): an export that joins a name and its legal form without a space writes one
/// word, which no cut at a word's edge ([`legal_form_cuts`]) takes apart, and a listed
/// one-word name written so was clear. A cut counts only where what is left is a listed
/// name's whole compact form, so a word that merely ends in a form's letters meets nothing.
pub(super) fn glued_legal_form_cuts(compact: &str) -> Vec<String> {
    let long_enough = |rest: &&str| rest.chars().count() >= MIN_GLUED_REST;
    let ends = legal_form_compacts()
        .iter()
        .filter(|form| form.len() >= MIN_GLUED_FORM)
        .filter_map(|form| compact.strip_suffix(form.as_str()));
    let starts = GLUED_PREFIX_FORMS
        .iter()
        .filter_map(|form| compact.strip_prefix(form));
    let mut out: Vec<String> = ends
        .chain(starts)
        .filter(long_enough)
        .map(str::to_string)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
