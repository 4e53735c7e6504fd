//! What the candidate cut misses: each listed company name with its first distinctive word
//! misspelt (one or two edits: a letter changed, added, left out, or two swapped) is screened
//! against the whole list twice, with the usual 200 candidates per query name and with no
//! cut. A name the uncut vote finds at review (0.75) and the cut vote does not is a listed
//! party the cut let through. The generated list of `benches/peer.sh` is the hard case: its
//! names share a few syllables and business words by the thousand.
//!
//! ```text
//! cargo run --release --example vote_bench -- --list target/bench-peer/list-20k.csv [--names 3000] [--show 5]
//! ```
//!
//! A third round takes the misspelling a diverter would choose against the vote: the word
//! one edit away that the most other listed names hold as written (`marine` for `marina`),
//! so that the names holding it outvote the listed party.

use std::collections::HashMap;
use std::path::Path;

use redflag::screening::score::is_generic;
use redflag::screening::{load_file, EntryKind, Query, Screener, ScreenerConfig};

const REVIEW: f64 = 0.75;

fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Every word one edit from `word` (a lowercase ASCII letter changed, added or left out, or
/// two neighbours swapped).
fn one_edit_variants(word: &str) -> Vec<String> {
    let letters: Vec<u8> = word.bytes().collect();
    let mut out = Vec::new();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap_or_default();
    for at in 0..=letters.len() {
        for letter in b'a'..=b'z' {
            let mut added = letters.clone();
            added.insert(at, letter);
            out.push(text(added));
            if at < letters.len() && letters[at] != letter {
                let mut changed = letters.clone();
                changed[at] = letter;
                out.push(text(changed));
            }
        }
        if at < letters.len() {
            let mut removed = letters.clone();
            removed.remove(at);
            out.push(text(removed));
        }
        if at + 1 < letters.len() && letters[at] != letters[at + 1] {
            let mut swapped = letters.clone();
            swapped.swap(at, at + 1);
            out.push(text(swapped));
        }
    }
    out
}

/// `word` with one random edit.
fn misspell(word: &str, state: &mut u64) -> String {
    let mut letters: Vec<u8> = word.bytes().collect();
    let at = (next(state) % letters.len() as u64) as usize;
    let letter = b'a' + (next(state) % 26) as u8;
    match next(state) % 4 {
        0 => letters[at] = letter,
        1 => letters.insert(at, letter),
        2 if letters.len() > 1 => {
            letters.remove(at);
        }
        _ if letters.len() > 1 => {
            let at = at.min(letters.len() - 2);
            letters.swap(at, at + 1);
        }
        _ => letters.push(letter),
    }
    String::from_utf8(letters).unwrap_or_default()
}

fn main() -> Result<(), String> {
    let (mut list, mut names, mut show) = (None, 3000usize, 5usize);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--list" => list = Some(value),
            "--names" => names = value.parse().map_err(|_| "bad --names")?,
            "--show" => show = value.parse().map_err(|_| "bad --show")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let list = list.ok_or("--list PATH is required")?;
    let file = load_file(Path::new(&list)).map_err(|e| e.to_string())?;
    // Each company's index and its name with the first distinctive word found.
    let companies: Vec<(usize, String, String)> = file
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind != EntryKind::Person)
        .filter_map(|(i, e)| {
            let name = e.primary_name.to_lowercase();
            let word = name
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|w| w.len() >= 4 && !is_generic(w))?
                .to_string();
            Some((i, name, word))
        })
        .collect();
    // How many listed names hold each word, for the misspelling that is itself a listed word.
    let mut holders: HashMap<String, usize> = HashMap::new();
    for e in &file.entries {
        let name = e.primary_name.to_lowercase();
        let mut words: Vec<&str> = name
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            *holders.entry(w.to_string()).or_default() += 1;
        }
    }
    let cut = Screener::build(file.entries.clone());
    let uncut = Screener::build_with(
        file.entries,
        ScreenerConfig {
            max_candidates: usize::MAX,
            ..ScreenerConfig::default()
        },
    );
    println!(
        "listed company names with their first distinctive word misspelt, screened against {list} with 200 candidates and with all:"
    );
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for edits in [1usize, 2, 0] {
        let (mut tried, mut found, mut missed) = (0usize, 0usize, 0usize);
        let mut examples: Vec<String> = Vec::new();
        let step = (companies.len() / names.max(1)).max(1);
        for (entry, name, word) in companies.iter().step_by(step).take(names) {
            let mut wrong = word.clone();
            for _ in 0..edits {
                wrong = misspell(&wrong, &mut state);
            }
            if edits == 0 {
                // The listed word one edit away held by the most names (at least two).
                let Some((_, common)) = one_edit_variants(word)
                    .into_iter()
                    .filter_map(|v| holders.get(&v).map(|&n| (n, v)))
                    .filter(|(n, _)| *n >= 2)
                    .max()
                else {
                    continue;
                };
                wrong = common;
            }
            if wrong == *word {
                continue;
            }
            let query = name.replacen(word.as_str(), &wrong, 1);
            tried += 1;
            let meets = |s: &Screener| {
                s.screen(&Query::new(&query), REVIEW)
                    .iter()
                    .any(|m| m.entry_index == *entry)
            };
            if !meets(&uncut) {
                continue;
            }
            found += 1;
            if !meets(&cut) {
                missed += 1;
                if examples.len() < show {
                    examples.push(format!("`{query}` for `{name}`"));
                }
            }
        }
        let kind = match edits {
            0 => "a listed word one edit away".to_string(),
            1 => "1 edit ".to_string(),
            n => format!("{n} edits"),
        };
        println!(
            "  {kind}: {tried:>5} names, {found:>5} found at review without the cut, {missed:>3} of them missed with it ({:.2} %)",
            100.0 * missed as f64 / found.max(1) as f64
        );
        for e in &examples {
            println!("      missed {e}");
        }
    }
    Ok(())
}
