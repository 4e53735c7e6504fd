//! Candidate selection, the vote over token and trigram postings that decides which listed
//! names a query name is aligned against, must select exactly what the plain vote selects
//! (every posting counted, every counted name ranked): a name it leaves out is a listed party
//! never scored. The names are drawn from a small vocabulary, as generated and real lists
//! share many words, so that most queries meet more names than the budget holds and the
//! ranking, its ties and the minimum share all decide.

use proptest::prelude::*;
use redflag::screening::{Entry, EntryKind, Screener, ScreenerConfig};

/// List-like words: made-up names that share syllables, business words, particles, legal
/// forms, a number.
const WORDS: &[&str] = &[
    "rylen",
    "trilo",
    "rylo",
    "trilen",
    "novak",
    "nova",
    "akron",
    "kron",
    "petro",
    "petrov",
    "al",
    "bin",
    "de",
    "trading",
    "industries",
    "co",
    "ltd",
    "group",
    "shipping",
    "ooo",
    "gmbh",
    "limited",
    "7",
    "a",
    "b",
    "marin",
    "marine",
    "kaz",
    "kazmar",
    "steel",
];

fn name(words: &[usize]) -> String {
    words
        .iter()
        .map(|&w| WORDS[w % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn list(names: &[Vec<usize>]) -> Vec<Entry> {
    names
        .iter()
        .enumerate()
        .map(|(i, words)| {
            let mut e = Entry::new(
                "G",
                "generated",
                &i.to_string(),
                EntryKind::Entity,
                &name(words),
            );
            if i % 5 == 0 {
                let alias: Vec<usize> = words.iter().rev().copied().collect();
                e.add_alias(&name(&alias), i % 10 == 0);
            }
            e
        })
        .collect()
}

fn config(max_candidates: usize, max_token_postings: usize, max_postings: usize) -> ScreenerConfig {
    ScreenerConfig {
        max_candidates,
        max_token_postings,
        max_postings,
        ..ScreenerConfig::default()
    }
}

/// A query: listed-style words, sometimes with a letter changed or two words run together.
fn query(words: &[usize], typo: usize) -> String {
    let mut q = name(words);
    match typo % 4 {
        1 if q.len() > 2 => {
            let at = typo % q.len();
            if q.is_char_boundary(at) && q.is_char_boundary(at + 1) && &q[at..=at] != " " {
                q.replace_range(at..=at, "e");
            }
        }
        2 => q = q.replacen(' ', "", 1),
        _ => {}
    }
    q
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_vote_selects_exactly_what_the_plain_vote_selects(
        names in prop::collection::vec(prop::collection::vec(0usize..30, 1..6), 50..400),
        budget in 1usize..40,
        token_cap in 1usize..30,
        gram_cap in prop_oneof![Just(20_000usize), 5usize..200],
        queries in prop::collection::vec((prop::collection::vec(0usize..30, 1..7), any::<usize>()), 12),
    ) {
        let screener = Screener::build_with(list(&names), config(budget, token_cap, gram_cap));
        for (words, typo) in queries {
            let q = query(&words, typo);
            prop_assert_eq!(
                screener.candidate_names(&q, EntryKind::Unknown, false),
                screener.candidate_names(&q, EntryKind::Unknown, true),
                "query `{}`", q
            );
        }
    }
}

/// The budget bites on this list (so the test above ranks, not just collects), and both
/// votes keep the same names under it.
#[test]
fn the_budget_bites_and_both_votes_keep_the_same_names() {
    let names: Vec<Vec<usize>> = (0..600)
        .map(|i| vec![i % 7, (i / 7) % 11 + 7, (i / 77) % 5 + 18, 19])
        .collect();
    let tight = Screener::build_with(list(&names), config(10, 5, 20_000));
    let loose = Screener::build_with(list(&names), config(100_000, 5, 20_000));
    let q = "rylen akron trading co";
    let kept = tight.candidate_names(q, EntryKind::Unknown, false);
    let all = loose.candidate_names(q, EntryKind::Unknown, false);
    assert!(
        all.len() > kept.len() + 50,
        "{} of {}",
        kept.len(),
        all.len()
    );
    assert_eq!(kept, tight.candidate_names(q, EntryKind::Unknown, true));
    assert_eq!(all, loose.candidate_names(q, EntryKind::Unknown, true));
    assert!(kept.iter().all(|r| all.contains(r)));
}
