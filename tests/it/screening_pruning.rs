//! The bounds and shortcuts that make screening fast must never change a result: the bounded
//! token similarity equals the full computation, the letter-count bound is never below the
//! exact similarity, a screener that scores every candidate in full returns exactly the
//! matches of the bounded one (on generated lists and on queries made from their names), a
//! name comparison that skips candidates by its score ceiling keeps exactly what the full one
//! keeps at any floor, and ASCII names, which skip Unicode normalisation, normalise as the
//! general path does.

use proptest::prelude::*;
use redflag::screening::normalize::fold;
use redflag::screening::score::{
    compare_variants_at_least, compare_with, jaro_winkler, levenshtein, rejoined, score_ceiling,
    similarity_bound, skeleton_similarity, token_similarity, Pruning, WeightedTokens,
    CEILING_SLACK, INITIAL_SIM, MAX_FUZZY_TOKEN_LEN, MIN_TOKEN_SIM,
};
use redflag::screening::{normalize, Entry, EntryKind, Query, Screener, ScreenerConfig};

/// Token similarity as it was computed before any bound: written out here from the method in
/// docs/screening.md, so that the library's bounded path is checked against independent code.
fn reference_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.bytes().any(|c| c.is_ascii_digit()) || b.bytes().any(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    if a.len() == 1 || b.len() == 1 {
        let (short, long) = if a.len() == 1 { (a, b) } else { (b, a) };
        return if long.starts_with(short) {
            INITIAL_SIM
        } else {
            0.0
        };
    }
    // An Arabic-script consonant skeleton against a vowelled token may also pair on consonants.
    let skeletal = skeleton_similarity(a, b).unwrap_or(0.0);
    let (shortest, longest) = (a.len().min(b.len()), a.len().max(b.len()));
    if 3 * shortest < longest || longest > MAX_FUZZY_TOKEN_LEN {
        return skeletal;
    }
    let sim = raw_similarity(a, b);
    let plain = if sim < MIN_TOKEN_SIM { 0.0 } else { sim };
    plain.max(skeletal)
}

fn raw_similarity(a: &str, b: &str) -> f64 {
    let longest = a.len().max(b.len());
    let ratio = 1.0 - levenshtein(a, b) as f64 / longest as f64;
    (ratio + jaro_winkler(a, b)) / 2.0
}

/// A token and a near variant of it: a typo, a dropped or doubled letter, a swap, or an
/// unrelated word, so that pairs fall on both sides of the threshold.
fn token_pair() -> impl Strategy<Value = (String, String)> {
    let token = "[a-z]{1,12}";
    (
        token,
        token,
        0usize..6,
        any::<prop::sample::Index>(),
        "[a-z]",
    )
        .prop_map(|(a, other, how, at, letter)| {
            let chars: Vec<char> = a.chars().collect();
            let i = at.index(chars.len());
            let mut b = chars.clone();
            match how {
                0 => b[i] = letter.chars().next().unwrap_or('x'),
                1 if b.len() > 1 => {
                    b.remove(i);
                }
                2 => b.insert(i, letter.chars().next().unwrap_or('x')),
                3 if i + 1 < b.len() => b.swap(i, i + 1),
                4 => return (a, other),
                _ => b.extend(letter.chars()),
            }
            (a, b.into_iter().collect())
        })
}

const SYLLABLES: &[&str] = &[
    "ba", "ka", "ri", "lo", "ur", "ta", "del", "ry", "mi", "zen", "vo", "lga", "sin", "or", "ha",
    "bel", "kap", "tri", "len", "ma",
];
const WORDS: &[&str] = &[
    "Precision",
    "Trading",
    "Machinery",
    "Industries",
    "Systems",
    "Engineering",
    "Electronics",
    "Logistics",
];
const FORMS: &[&str] = &["Co., Ltd.", "GmbH", "LLC", "", "JSC", "Limited"];

/// A generated company name: a made-up word of syllables, sometimes two, a business word and
/// a legal form (the shape of the bench list's names).
fn company(seed: &[usize]) -> String {
    let pick = |i: usize, from: &[&'static str]| -> &'static str { from[seed[i] % from.len()] };
    let mut first = String::new();
    for k in 0..2 + seed[0] % 2 {
        first.push_str(pick(k + 1, SYLLABLES));
    }
    let mut name = first[..1].to_uppercase() + &first[1..];
    if seed[4].is_multiple_of(3) {
        name.push(' ');
        name.push_str(pick(5, SYLLABLES));
        name.push_str(pick(6, SYLLABLES));
    }
    format!("{name} {} {}", pick(7, WORDS), pick(8, FORMS))
        .trim()
        .to_string()
}

/// A query made from a listed name: as listed, with a typo, with two words run together,
/// spaced out letter by letter, without its business word, or unrelated.
fn disguise(name: &str, how: usize, at: usize) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    match how {
        0 => name.to_string(),
        1 => {
            let mut chars: Vec<char> = name.chars().collect();
            let i = at % chars.len();
            chars[i] = if chars[i] == 'e' { 'a' } else { 'e' };
            chars.into_iter().collect()
        }
        2 if words.len() > 1 => format!("{}{} {}", words[0], words[1], words[2..].join(" ")),
        3 => {
            words[0]
                .chars()
                .map(|c| format!("{c} "))
                .collect::<String>()
                + &words[1..].join(" ")
        }
        4 => words[0].to_string(),
        _ => format!("{} Holding", words[words.len() - 1]),
    }
}

fn list(seeds: &[Vec<usize>]) -> Vec<Entry> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, seed)| {
            let mut e = Entry::new(
                "G",
                "generated",
                &i.to_string(),
                EntryKind::Entity,
                &company(seed),
            );
            if seed[9].is_multiple_of(4) {
                e.add_alias(&company(&seed[1..]), seed[10].is_multiple_of(5));
            }
            e
        })
        .collect()
}

fn config(pruning: Pruning) -> ScreenerConfig {
    ScreenerConfig {
        pruning,
        ..ScreenerConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn bounded_token_similarity_equals_the_full_computation((a, b) in token_pair()) {
        prop_assert_eq!(token_similarity(&a, &b), reference_similarity(&a, &b));
        prop_assert_eq!(token_similarity(&b, &a), reference_similarity(&b, &a));
    }

    #[test]
    fn the_letter_bound_is_never_below_the_exact_similarity((a, b) in token_pair()) {
        let exact = raw_similarity(&a, &b);
        let bound = similarity_bound(&a, &b);
        prop_assert!(bound >= exact - 1e-12, "{a} / {b}: bound {bound} below {exact}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_bounded_screen_returns_exactly_what_a_full_screen_returns(
        seeds in prop::collection::vec(prop::collection::vec(any::<usize>(), 11), 150..300),
        queries in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, any::<usize>()), 20),
    ) {
        let bounded = Screener::build_with(list(&seeds), config(Pruning::Bounded));
        let full = Screener::build_with(list(&seeds), config(Pruning::Exhaustive));
        for (pick, how, at) in queries {
            let entry = &bounded.entries()[pick.index(seeds.len())];
            let query = Query::new(&disguise(&entry.primary_name, how, at));
            // 0.7 is served through the name cache, 0.3 computed afresh below its floor.
            for min_score in [0.7, 0.3] {
                prop_assert_eq!(
                    bounded.screen(&query, min_score),
                    full.screen(&query, min_score),
                    "query `{}` at {}", query.name, min_score
                );
            }
        }
    }
}

/// ASCII text of the kinds names hold: letters, digits, punctuation, controls, legal forms.
fn ascii_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "[a-zA-Z0-9 .,'`&()\t\x01\x0b\x7f-]{0,40}",
        prop::collection::vec(any::<usize>(), 11).prop_map(|seed| company(&seed)),
        (
            "[A-Za-z]{1,8}",
            prop::sample::select(vec![
                "Co., Ltd.",
                "S.A. de C.V.",
                "OOO",
                "Limited Liability Company",
                "y Cia",
                "mr"
            ])
        )
            .prop_map(|(a, b)| format!("{b} {a} {b}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn ascii_names_normalise_as_the_general_path_does(name in ascii_name()) {
        // A zero-width space is removed by the general path, and sends the text down it.
        let general = format!("{name}\u{200B}");
        prop_assert_eq!(fold(&name), fold(&general));
        for kind in [EntryKind::Entity, EntryKind::Person, EntryKind::Unknown] {
            let (fast, slow) = (normalize(&name, kind), normalize(&general, kind));
            prop_assert_eq!(&fast.tokens, &slow.tokens);
            prop_assert_eq!(&fast.normalized, &slow.normalized);
            prop_assert_eq!(&fast.folded, &slow.folded);
            prop_assert_eq!(&fast.legal_form, &slow.legal_form);
        }
    }
}

/// Token pairs the hard rules and special readings of the scorer treat apart: nicknames,
/// Arabic skeletons, Wade-Giles and pinyin, initials, numbers, generic words and particles.
const SPECIAL_PAIRS: &[(&str, &str)] = &[
    ("ben", "benjamin"),
    ("bill", "william"),
    ("ted", "theodore"),
    ("mhmd", "muhammad"),
    ("hsn", "hassan"),
    ("hsi", "xi"),
    ("chieh", "jie"),
    ("tung", "dong"),
    ("jin", "ping"),
    ("j", "james"),
    ("k", "kim"),
    ("11420", "11421"),
    ("7", "7"),
    ("trading", "trading"),
    ("group", "groups"),
    ("al", "el"),
    ("de", "del"),
];

/// One position of a pair of names: a token and a near variant (or a special pair, or one
/// word split in two on one side), with their weights.
fn slot() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    prop_oneof![
        4 => token_pair().prop_map(|(a, b)| (vec![a], vec![b])),
        2 => prop::sample::select(SPECIAL_PAIRS)
            .prop_map(|(a, b)| (vec![a.to_string()], vec![b.to_string()])),
        1 => ("[a-z]{4,10}", 1usize..9, any::<bool>()).prop_map(|(w, at, left)| {
            let at = at.min(w.len() - 1);
            let split = vec![w[..at].to_string(), w[at..].to_string()];
            if left { (split, vec![w]) } else { (vec![w], split) }
        }),
        1 => "[a-z]".prop_map(|l| (vec![l.clone()], vec![l])),
    ]
}

fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![4 => 0.2f64..=1.0, 1 => Just(0.2), 1 => Just(1.0), 1 => Just(0.0)]
}

/// Two names built from slots, with tokens only one side has, in a shuffled order.
fn name_pair() -> impl Strategy<Value = (WeightedTokens, WeightedTokens)> {
    (
        prop::collection::vec(slot(), 1..4),
        prop::collection::vec("[a-z]{1,9}", 0..3),
        prop::collection::vec("[a-z]{1,9}", 0..3),
        prop::collection::vec(weight(), 16),
        any::<usize>(),
    )
        .prop_map(|(slots, q_extra, c_extra, weights, turn)| {
            let mut q: Vec<String> = slots.iter().flat_map(|s| s.0.clone()).collect();
            let mut c: Vec<String> = slots.iter().flat_map(|s| s.1.clone()).collect();
            q.extend(q_extra);
            c.extend(c_extra);
            let q_len = q.len();
            q.rotate_left(turn % q_len);
            let weigh = |tokens: Vec<String>, from: usize| WeightedTokens {
                weights: (0..tokens.len())
                    .map(|i| weights[(from + i) % weights.len()])
                    .collect(),
                tokens,
            };
            (weigh(q, 0), weigh(c, 7))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The ceiling is checked wherever it is given, not only where a floor happens to fall.
    #[test]
    fn the_score_ceiling_is_never_below_the_score((query, candidate) in name_pair()) {
        let full = compare_with(&query, &candidate, Pruning::Exhaustive).score;
        let known = redflag::screening::mandarin::is_syllabic_name(&query.tokens);
        for syllabic in [None, Some(known)] {
            if let Some(ceiling) = score_ceiling(&query, syllabic, &candidate) {
                prop_assert!(
                    ceiling + CEILING_SLACK >= full,
                    "{:?} vs {:?}: ceiling {} below {}", query, candidate, ceiling, full
                );
            }
        }
    }

    /// The bounded comparison drops a candidate before aligning it only when its score ceiling
    /// is below the floor: at floors at, just around and away from the full score, it must
    /// keep exactly what the exhaustive comparison keeps, with the same score and pairs.
    #[test]
    fn a_score_ceiling_never_drops_a_name_that_reaches_the_floor(
        (query, candidate) in name_pair(),
        offset in prop_oneof![Just(0.0), Just(-1e-12), Just(1e-12), -0.3f64..0.3],
    ) {
        let mut variants = vec![query.clone()];
        if let Some(r) = rejoined(&query.tokens) {
            let weights = vec![0.6; r.len()];
            variants.push(WeightedTokens { tokens: r, weights });
        }
        let full = compare_with(&query, &candidate, Pruning::Exhaustive).score;
        for floor in [full + offset, full, 0.5, 0.25] {
            let bounded = compare_variants_at_least(&variants, &candidate, floor, Pruning::Bounded);
            let exhaustive =
                compare_variants_at_least(&variants, &candidate, floor, Pruning::Exhaustive);
            prop_assert_eq!(
                &bounded, &exhaustive,
                "{:?} vs {:?} at floor {}", query, candidate, floor
            );
        }
    }
}

/// The ceiling is tight where names agree (so a ceiling cut too low fails above) and prunes
/// where they do not (so the tests above exercise it).
#[test]
fn the_score_ceiling_is_one_for_equal_names_and_low_for_unrelated_ones() {
    let name = |tokens: &[&str]| WeightedTokens {
        tokens: tokens.iter().map(|t| t.to_string()).collect(),
        weights: vec![0.9; tokens.len()],
    };
    let listed = name(&["rylen", "trilo", "industries"]);
    let ceiling = score_ceiling(&listed, None, &listed).expect("a ceiling");
    assert!((ceiling - 1.0).abs() < 1e-12, "{ceiling}");
    let unrelated = score_ceiling(&name(&["urka", "precision"]), None, &listed).expect("a ceiling");
    assert!(unrelated < 0.25, "{unrelated}");
}

/// Merged neighbours that spell a nickname (`bill y` → `billy`, a nickname of `william`) pair
/// at the nickname score whatever their letters: the bounds must let such a merge be tried
/// (found by proptest: the ceiling said nothing could reach the floor, and the bounded
/// comparison scored lower than the full one).
#[test]
fn a_merge_that_spells_a_nickname_is_not_pruned() {
    let name = |tokens: &[&str]| WeightedTokens {
        tokens: tokens.iter().map(|t| t.to_string()).collect(),
        weights: vec![0.2; tokens.len()],
    };
    for (query, candidate) in [
        (name(&["bill", "y"]), name(&["william", "a"])),
        (name(&["j", "e", "m"]), name(&["m", "james", "a"])),
    ] {
        let full = compare_with(&query, &candidate, Pruning::Exhaustive).score;
        let bounded = compare_with(&query, &candidate, Pruning::Bounded).score;
        assert!(full > 0.5, "{query:?}: {full}");
        assert!(
            (full - bounded).abs() < 1e-12,
            "{query:?}: {full} vs {bounded}"
        );
        let ceiling = score_ceiling(&query, None, &candidate);
        assert!(
            ceiling.is_none_or(|c| c + CEILING_SLACK >= full),
            "{ceiling:?} < {full}"
        );
    }
}
