//! Candidate selection, the vote over token and trigram postings that decides which listed
//! names a query name is aligned against, must select exactly what the plain vote selects
//! (every posting counted, every counted name ranked): a name it leaves out is a listed party
//! never scored. The names are drawn from a small vocabulary, as generated and real lists
//! share many words, so that most queries meet more names than the budget holds and the
//! ranking, its ties and the minimum share all decide.

use proptest::prelude::*;
use redflag::screening::{Entry, EntryKind, Query, Screener, ScreenerConfig};

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

/// A diverter changes one letter of a listed name's word so that it spells a word hundreds of
/// listed names hold: `Marine LLC` for `MARINA LLC`, among 324 `…KO MARINE LLC` names. The vote
/// weighs a neighbour no rarer than the query's word (and not at all for a generic business
/// word such as `marine`), so every name holding `marine` outranked the listed party, which was
/// never aligned though it scores 0.91. The same with a common word that is no business word
/// (`karoline`, for `KAROLINA`). The records of an uncommon neighbour of a common or generic query
/// word are now aligned; and when hundreds of names hold the listed word too (`…KU MARINA
/// LLC`), a listed name that is the query with one word changed for its neighbour.
#[test]
fn a_listed_name_one_letter_from_a_common_word_is_aligned_however_many_names_hold_that_word() {
    let syllables = [
        "mo", "ri", "su", "no", "de", "ve", "lu", "pi", "ge", "zo", "fa", "hu", "ce", "bi", "wo",
        "ja", "ny", "qu",
    ];
    for (common, listed, queries, listed_common) in [
        (
            "MARINE",
            "MARINA",
            &["Marine LLC", "Marine Trading LLC", "Marine Ship LLC"][..],
            false,
        ),
        (
            "KAROLINE",
            "KAROLINA",
            &["Karoline LLC", "Karoline Trading LLC"][..],
            false,
        ),
        (
            "MARINE",
            "MARINA",
            &["Marine LLC", "Marine Trading LLC"][..],
            true,
        ),
    ] {
        for query in queries {
            // The listed name is the query with the listed word for the common one.
            let listed_name = query.to_uppercase().replacen(common, listed, 1);
            let rest = listed_name.trim_start_matches(listed);
            let mut entries: Vec<Entry> = Vec::new();
            for a in syllables {
                for b in syllables {
                    let id = entries.len().to_string();
                    let name = format!("{a}{b}ko {common}{rest}").to_uppercase();
                    entries.push(Entry::new("G", "generated", &id, EntryKind::Entity, &name));
                    if listed_common {
                        let id = entries.len().to_string();
                        let name = format!("{a}{b}ku {listed}{rest}").to_uppercase();
                        entries.push(Entry::new("G", "generated", &id, EntryKind::Entity, &name));
                    }
                }
            }
            entries.push(Entry::new(
                "G",
                "generated",
                "listed",
                EntryKind::Entity,
                &listed_name,
            ));
            let screener = Screener::build(entries);
            let candidates = screener.candidate_names(query, EntryKind::Entity, false);
            assert!(
                candidates.len() < screener.name_count(),
                "the budget must bite: {} of {} names are candidates",
                candidates.len(),
                screener.name_count()
            );
            assert_eq!(
                candidates,
                screener.candidate_names(query, EntryKind::Entity, true)
            );
            let matched = screener.screen(&Query::new(query), 0.7);
            let found = matched.iter().find(|m| m.entry_id == "listed");
            assert!(
                found.is_some_and(|m| m.score >= 0.75),
                "{query}: {listed_name} scores {:?}; matched: {:?}",
                found.map(|m| m.score),
                matched
                    .iter()
                    .map(|m| (&m.entry_id, m.score))
                    .take(5)
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// Names that share the same words with the query weigh alike in the vote, however many other
/// words they hold. Ties went by record number, so `Karoline Group` (0.92 against `KAROLINE
/// LLC` alone) was never aligned against it when 324 longer `… KAROLINE LLC` names were listed
/// first. Ties now go to the names with fewer words first.
#[test]
fn a_short_listed_name_is_aligned_however_many_longer_names_hold_the_same_words() {
    let syllables = [
        "mo", "ri", "su", "no", "de", "ve", "lu", "pi", "ge", "zo", "fa", "hu", "ce", "bi", "wo",
        "ja", "ny", "qu",
    ];
    let mut entries: Vec<Entry> = Vec::new();
    for a in syllables {
        for b in syllables {
            let id = entries.len().to_string();
            let name = format!("{a}{b}KO KAROLINE LLC").to_uppercase();
            entries.push(Entry::new("G", "generated", &id, EntryKind::Entity, &name));
        }
    }
    entries.push(Entry::new(
        "G",
        "generated",
        "listed",
        EntryKind::Entity,
        "KAROLINE LLC",
    ));
    let screener = Screener::build(entries);
    let query = "Karoline Group";
    let candidates = screener.candidate_names(query, EntryKind::Entity, false);
    assert!(
        candidates.len() < screener.name_count(),
        "the budget must bite: {} of {} names are candidates",
        candidates.len(),
        screener.name_count()
    );
    assert_eq!(
        candidates,
        screener.candidate_names(query, EntryKind::Entity, true)
    );
    let matched = screener.screen(&Query::new(query), 0.5);
    assert!(
        matched.iter().any(|m| m.entry_id == "listed"),
        "KAROLINE LLC is not aligned; matched: {:?}",
        matched
            .iter()
            .map(|m| (&m.entry_id, m.score))
            .take(5)
            .collect::<Vec<_>>()
    );
}

/// A name one letter from a listed one, among more listed names sharing its other words than
/// the vote keeps: `Taka Logistics Inc.` for `TAHA LOGISTICS INC.`, with 648 `TAKA…` and
/// `TAK…HA LOGISTICS INC.` names sharing more trigrams with the query's word than `taha` does. `taka` and
/// `taha` share one trigram, so the vote ranked the listed party below every other
/// `LOGISTICS INC.` and it was never aligned, though it scores in the review band: 6 of the
/// 20,000 generated orders of `benches/peer.sh` cleared that way. A listed word one edit from
/// a distinctive word of the query now votes as a shared word.
#[test]
fn a_listed_name_one_letter_away_is_aligned_however_many_names_share_its_other_words() {
    let syllables = [
        "mo", "ri", "su", "no", "de", "ve", "lu", "pi", "ge", "zo", "fa", "hu", "ce", "bi", "wo",
        "ja", "ny", "qu",
    ];
    let mut entries: Vec<Entry> = Vec::new();
    for a in syllables {
        for b in syllables {
            let id = entries.len().to_string();
            let name = format!("TAKA{a}{b} LOGISTICS INC.").to_uppercase();
            entries.push(Entry::new("G", "generated", &id, EntryKind::Entity, &name));
            let id = entries.len().to_string();
            let name = format!("TAK{a}{b}HA LOGISTICS INC.").to_uppercase();
            entries.push(Entry::new("G", "generated", &id, EntryKind::Entity, &name));
        }
    }
    entries.push(Entry::new(
        "G",
        "generated",
        "taha",
        EntryKind::Entity,
        "TAHA LOGISTICS INC.",
    ));
    let screener = Screener::build(entries);
    // A letter changed, swapped with the next, added.
    for query in [
        "Taka Logistics Inc.",
        "Thaa Logistics Inc.",
        "Takha Logistics Inc.",
    ] {
        let candidates = screener.candidate_names(query, EntryKind::Entity, false);
        assert!(
            candidates.len() < screener.name_count(),
            "the budget must bite: {} of {} names are candidates",
            candidates.len(),
            screener.name_count()
        );
        assert_eq!(
            candidates,
            screener.candidate_names(query, EntryKind::Entity, true)
        );
        let matched = screener.screen(&Query::new(query), 0.7);
        let taha = matched.iter().find(|m| m.entry_id == "taha");
        assert!(
            taha.is_some_and(|m| m.score >= 0.75),
            "{query}: TAHA LOGISTICS INC. scores {:?}; matched: {:?}",
            taha.map(|m| m.score),
            matched
                .iter()
                .map(|m| (&m.entry_id, m.score))
                .take(5)
                .collect::<Vec<_>>()
        );
    }
}
