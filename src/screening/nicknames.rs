//! English given names and their nicknames (`benjamin`/`ben`, `theodore`/`ted`,
//! `william`/`bill`), from the hand-curated table of carltonnorthern/nicknames (Apache-2.0,
//! `nicknames/README.md`). Screening reads a name and its nickname as nearly the same token:
//! an order for `Ben Netanyahu` must meet a listed `Benjamin Netanyahu`. Only the direct
//! relation counts, not two nicknames of one name (`jamie` is a nickname of both `benjamin`
//! and `james`, so siblings would make `ben` resemble `james`).
//!
//! Beside them, the spellings of one Arabic or Persian name in Latin letters
//! (`nicknames/romanised_variants.txt`, curated by the project: no crate or open table gives
//! them): `Kassem Suleimani` must meet a listed `SOLEIMANI, Qasem`. Two spellings of a line
//! are related as a name and its nickname are.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// The table as published: `name1,relationship,name2` rows, all `has_nickname`.
const TABLE: &str = include_str!("nicknames/names.csv");

/// Spellings of one Arabic or Persian name in Latin letters (`qasem`, `kassem`, `ghasem`), a
/// line each; every two spellings of a line are related as a name and its nickname are.
const ROMANISED_VARIANTS: &str = include_str!("nicknames/romanised_variants.txt");

/// Tokens that are name particles in other languages as well as English nicknames (`al` for
/// `albert`; `al` is also the Arabic article): a particle must not become a given name.
const NOT_NICKNAMES: &[&str] = &[
    "al", "abu", "bin", "da", "de", "del", "di", "do", "du", "el", "la", "le",
];

struct Nicknames {
    /// Both orders of every (name, nickname) pair of the English table.
    pairs: FxHashSet<(&'static str, &'static str)>,
    /// Every token in a pair, so that most token pairs are ruled out by one look-up.
    names: FxHashSet<&'static str>,
    /// How many pairs are a name and its nickname, and how many two spellings of one romanised
    /// name, each counted once.
    counts: (usize, usize),
    /// Each spelling of a romanised name, to the other spellings of its line.
    spellings: rustc_hash::FxHashMap<&'static str, Vec<&'static str>>,
}

static NICKNAMES: LazyLock<Nicknames> = LazyLock::new(|| {
    let mut pairs = FxHashSet::default();
    let mut names = FxHashSet::default();
    for line in TABLE.lines().skip(1) {
        let mut fields = line.trim().split(',');
        let (Some(name), Some("has_nickname"), Some(nick), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let plain = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase());
        if !plain(name) || !plain(nick) || name == nick || NOT_NICKNAMES.contains(&nick) {
            continue;
        }
        pairs.insert((name, nick));
        pairs.insert((nick, name));
        names.insert(name);
        names.insert(nick);
    }
    // Each spelling to the others of its line; a spelling on two lines takes both.
    let mut spellings: rustc_hash::FxHashMap<&'static str, Vec<&'static str>> = Default::default();
    for line in ROMANISED_VARIANTS.lines() {
        if line.starts_with('#') {
            continue;
        }
        let line: Vec<&'static str> = line.split_whitespace().collect();
        for &a in &line {
            let others = spellings.entry(a).or_default();
            for &b in &line {
                if a != b && !others.contains(&b) {
                    others.push(b);
                }
            }
            names.insert(a);
        }
    }
    let spelling_pairs = spellings.values().map(Vec::len).sum::<usize>() / 2;
    Nicknames {
        counts: (pairs.len() / 2, spelling_pairs),
        pairs,
        names,
        spellings,
    }
});

/// Whether two normalised tokens are two spellings of one romanised Arabic or Persian name
/// (`hezbollah`, `hizballah`): unlike a given name and its nickname, they are one name
/// however many words the names around them have, so one-word names are compared by them too.
pub fn same_name_spelled(a: &str, b: &str) -> bool {
    NICKNAMES
        .spellings
        .get(a)
        .is_some_and(|others| others.contains(&b))
}

/// The other spellings of a romanised Arabic or Persian name (`hizballah` for `hezbollah`),
/// none for any other token. Candidates are looked for under each: two spellings of one name
/// share few trigrams (`hezbollah` and `hizballah` two of seven), so a listed name written
/// the other way was never scored, however close the spellings are once compared.
pub fn other_spellings(token: &str) -> &'static [&'static str] {
    NICKNAMES
        .spellings
        .get(token)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Whether one of two normalised tokens is a nickname of the other (`ben`, `benjamin`), or
/// another spelling of one romanised name ([`same_name_spelled`]).
pub fn related(a: &str, b: &str) -> bool {
    let table = &*NICKNAMES;
    table.names.contains(a)
        && table.names.contains(b)
        && (table.pairs.contains(&(a, b)) || same_name_spelled(a, b))
}

/// Whether `token` is a name or nickname of the table: [`related`] is false for any pair
/// with a token that is not.
pub fn is_name(token: &str) -> bool {
    NICKNAMES.names.contains(token)
}

/// How many (name, nickname) pairs the table holds, and how many pairs of two spellings of
/// one romanised Arabic or Persian name, each counted once.
pub fn pair_count() -> (usize, usize) {
    NICKNAMES.counts
}
