//! Evasions a diverter would try against name and identifier screening, and the limits that
//! bound the work on hostile input: invisible characters, spaced, hyphenated, dotted and
//! chunked letters, emoji and symbols, identifiers in other digits, very long names, exact
//! listed names from a third country, and a name cache whose size never changes a result.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use redflag::screening::score::{compare, score_names, TokenStats, WeightedTokens};
use redflag::screening::{
    load_file, normalize, validate, Entry, EntryKind, IdCheck, Match, MatchedOn, PartyId, Query,
    Screener, ScreenerConfig,
};

/// A list with the names the tests disguise and enough ordinary ones around them that rarity
/// weights mean something.
fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    let mut add = |id: &str, kind: EntryKind, name: &str, country: &str| {
        let mut e = Entry::new("T", "test", id, kind, name);
        if !country.is_empty() {
            e.add_country(country);
        }
        out.push(e);
    };
    add("1", EntryKind::Entity, "MAHAN AIR", "IR");
    add("2", EntryKind::Entity, "BANK MELLI IRAN", "IR");
    add(
        "3",
        EntryKind::Entity,
        "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES",
        "IR",
    );
    add("4", EntryKind::Person, "PETROV, Ivan Sergeyevich", "RU");
    add("5", EntryKind::Entity, "Volga Shipping Company", "RU");
    add(
        "6",
        EntryKind::Entity,
        "Sinobright Import and Export Company",
        "CN",
    );
    add("7", EntryKind::Entity, "Alpha Industries", "DE");
    add("8", EntryKind::Entity, "Kamaz Export", "RU");
    add("9", EntryKind::Entity, "Mahanagar Telephone Nigam", "IN");
    add("10", EntryKind::Person, "ROWLING, Joanne Kathleen", "GB");
    add("11", EntryKind::Entity, "Air Mahan Holdings", "AE");
    add("12", EntryKind::Entity, "AHI BANK", "IR");
    add("13", EntryKind::Entity, "LING CORP", "KP");
    let mut with_ids = Entry::new("T", "test", "30", EntryKind::Entity, "Mashimport");
    with_ids.add_country("RU");
    for (scheme, value) in [
        ("RU-INN", "7719717008"),
        ("CN-USCC", "9144030071526726XG"),
        ("LEI", "5299007NTWCC3U23WM81"),
    ] {
        with_ids.add_id(PartyId {
            scheme: scheme.into(),
            value: value.into(),
            country: None,
        });
    }
    out.push(with_ids);
    out
}

fn screener() -> Screener {
    Screener::build(entries())
}

fn best_for(s: &Screener, q: &Query, entry_id: &str) -> Option<Match> {
    s.screen(q, 0.0)
        .into_iter()
        .find(|m| m.entry_id == entry_id)
}

fn score_of(s: &Screener, name: &str, entry_id: &str) -> f64 {
    best_for(s, &Query::new(name), entry_id).map_or(0.0, |m| m.score)
}

/// The disguised name scores at least what the plain name scores against the same entry.
#[track_caller]
fn check_as_plain(s: &Screener, plain: &str, disguised: &str, entry_id: &str) {
    let want = score_of(s, plain, entry_id);
    let got = score_of(s, disguised, entry_id);
    assert!(want >= 0.99, "{plain}: the plain name scores {want}");
    assert!(
        got >= want,
        "{disguised:?} scores {got:.3} against entry {entry_id}, the plain {plain:?} {want:.3}"
    );
}

/// Every character of `name` with `sep` between letters.
fn interleave(name: &str, sep: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        out.push(c);
        if c != ' ' {
            out.push_str(sep);
        }
    }
    out
}

const INVISIBLES: &[(&str, &str)] = &[
    ("\u{200B}", "zero-width space"),
    ("\u{180E}", "Mongolian vowel separator"),
    ("\u{200C}", "zero-width non-joiner"),
    ("\u{200D}", "zero-width joiner"),
    ("\u{2060}", "word joiner"),
    ("\u{FEFF}", "byte order mark"),
    ("\u{00AD}", "soft hyphen"),
    ("\u{FE0F}", "variation selector 16"),
    ("\u{FE00}", "variation selector 1"),
    ("\u{E0101}", "variation selector 18"),
    ("\u{034F}", "combining grapheme joiner"),
    ("\u{061C}", "Arabic letter mark"),
    ("\u{202E}", "right-to-left override"),
    ("\u{2066}", "left-to-right isolate"),
    ("\u{3164}", "Hangul filler"),
    ("\u{E0041}", "tag letter A"),
    ("\u{2063}", "invisible separator"),
    ("\u{0001}", "control character"),
];

#[test]
fn invisible_characters_inside_a_listed_name_change_nothing() {
    let s = screener();
    for (c, what) in INVISIBLES {
        let disguised = interleave("MAHAN AIR", c);
        assert_eq!(
            normalize(&disguised, EntryKind::Entity).normalized,
            "mahan air",
            "{what}"
        );
        check_as_plain(&s, "MAHAN AIR", &disguised, "1");
        check_as_plain(
            &s,
            "BANK MELLI IRAN",
            &interleave("BANK MELLI IRAN", c),
            "2",
        );
    }
}

#[test]
fn spaced_hyphenated_dotted_and_chunked_letters_score_as_the_plain_name() {
    let s = screener();
    for disguised in [
        "M A H A N  A I R",
        "M A H A N A I R",
        "M-A-H-A-N A-I-R",
        "M-A-H-A-N-A-I-R",
        "M.A.H.A.N. A.I.R.",
        "M_A_H_A_N / A_I_R",
        "MA HAN AIR",
        "MAH AN AIR",
        "MAHAN A IR",
        "M AHAN AIR",
        "MAHANAIR",
        "Ma-han Air",
        "M A H A N  A I R  L L C",
        "M A H A N  A I R  C O  L T D",
        "MA\u{00A0}HAN\u{3000}AIR",
    ] {
        check_as_plain(&s, "MAHAN AIR", disguised, "1");
    }
    for disguised in [
        "B A N K  M E L L I  I R A N",
        "BA NK ME LLI IR AN",
        "I S L A M I C  R E P U B L I C  O F  I R A N  S H I P P I N G  L I N E S",
        "ISLAMIC REPUB LIC OF IRAN SHIPP ING LINES",
    ] {
        let id = if disguised.starts_with('B') { "2" } else { "3" };
        let plain = if id == "2" {
            "BANK MELLI IRAN"
        } else {
            "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES"
        };
        check_as_plain(&s, plain, disguised, id);
    }
}

/// Parenthesized letters (`⒜`, `🄰`) are spelled `(a)` by Unicode's compatibility form:
/// before they were read as their letters, the name vanished between the brackets.
#[test]
fn parenthesized_letters_read_as_the_letters() {
    let s = screener();
    for disguised in ["⒨⒜⒣⒜⒩ ⒜⒤⒭", "🄜🄐🄗🄐🄝 🄐🄘🄡", "⒨⒜⒣⒜⒩ AIR"]
    {
        check_as_plain(&s, "MAHAN AIR", disguised, "1");
    }
    assert_eq!(
        redflag::rules::lists::fold("⒞⒜⒮⒣ ⒤⒩ ⒜⒟⒱⒜⒩⒞⒠"),
        "cash in advance"
    );
    assert_eq!(redflag::rules::lists::fold("🄳⒜⒩⒟⒪⒩⒢"), "dandong");
}

#[test]
fn emoji_and_symbols_are_separators() {
    let s = screener();
    for disguised in [
        "MAHAN AIR ✈️",
        "✈️ MAHAN AIR",
        "MAHAN✈️AIR",
        "MA✈️HAN AIR",
        "MAHAN ★ AIR",
        "MAHAN AIR™",
        "MAHAN AIR®",
        "MAHAN AIR 🇮🇷",
        "MAHAN 🛫 AIR 🛬",
        "ⓂⒶⒽⒶⓃ ⒶⒾⓇ",
        "ＭＡＨＡＮ ＡＩＲ",
    ] {
        check_as_plain(&s, "MAHAN AIR", disguised, "1");
    }
    // A symbol is not a letter: `™` does not become `tm`.
    assert_eq!(
        normalize("Acme™ Widgets", EntryKind::Entity).normalized,
        "acme widgets"
    );
}

#[test]
fn look_alike_letters_of_another_script_inside_a_latin_word_read_as_latin() {
    let s = screener();
    // Cyrillic М, Н, А and Greek Ι, Ν inside Latin words.
    for disguised in ["MAНAN AIR", "МAHАN АIR", "MAHAN AΙR", "BANK MELLI IRAΝ"] {
        let (plain, id) = if disguised.starts_with('B') {
            ("BANK MELLI IRAN", "2")
        } else {
            ("MAHAN AIR", "1")
        };
        check_as_plain(&s, plain, disguised, id);
    }
    // A word wholly in Cyrillic is transliterated as before.
    assert_eq!(
        normalize("Нина Сахарова", EntryKind::Person).normalized,
        "nina sakharova"
    );
}

#[test]
fn words_forged_wholly_from_look_alike_letters_read_as_latin() {
    let s = screener();
    // `МАҺАN АІR`: Cyrillic letters and a Cyrillic Shha (`Һ`), which no Russian word has,
    // and Greek `Ν` beside Cyrillic letters, which no language writes.
    check_as_plain(&s, "MAHAN AIR", "МАҺАΝ АІR", "1");
    for (forged, plain) in [
        ("саѕһ", "cash"),
        ("Неіһе", "Heihe"),
        ("ΜΑНΑΝ", "MAHAN"),
        ("ԁеаԁ", "dead"),
    ] {
        assert_eq!(redflag::rules::lists::visible(forged), plain, "{forged}");
    }
    // Russian and Ukrainian words stay as written, for transliteration: only letters
    // those alphabets lack, or Greek beside Cyrillic, mark a forged word.
    for real in ["Москва", "сок", "Сірко", "ТОКУО", "Нина Сахарова"]
    {
        assert_eq!(redflag::rules::lists::visible(real), real, "{real}");
    }
    assert_eq!(normalize("Сірко", EntryKind::Person).normalized, "sirko");
}

/// Turkish writes the capital of `i` with a dot, and lower-casing outside Turkish writes that
/// `i` with a combining dot: both are read as the plain letter, so that a case-insensitive
/// pattern naming `silah` meets `SİLAH` and `si̇lah` (each passed RF-ENDUSE-002 before).
#[test]
fn the_dotted_capital_i_of_turkish_reads_as_i() {
    use redflag::rules::lists::visible;
    assert_eq!(visible("SİLAH ÜRETİMİ"), "SILAH ÜRETIMI");
    assert_eq!(visible("si\u{307}lah"), "silah");
    assert_eq!(visible("MÜHİMMAT"), "MÜHIMMAT");
    // A combining dot elsewhere stays where it is.
    assert_eq!(visible("a\u{307}"), "\u{227}");
}

#[test]
fn words_wholly_of_look_alikes_beside_latin_words_are_also_read_as_latin() {
    use redflag::screening::chars::look_alikes_read_as_latin as read;
    // A word wholly in Greek capitals is transliterated (`ΜΑΗΑΝ` is `maian`); beside a Latin
    // word, the name is also read with it as the Latin letters it looks like.
    assert_eq!(
        read("ΜΑΗΑΝ Air Technik GmbH").as_deref(),
        Some("MAHAN Air Technik GmbH")
    );
    assert_eq!(read("ΜΑΗΑΝ ΑΙΡ").as_deref(), Some("MAHAN AIP"));
    // A Russian word of look-alikes gets the reading too; its transliteration, the name as
    // written, is still screened.
    assert_eq!(
        read("ООО Вектор Machinery").as_deref(),
        Some("OOO Bektop Machinery")
    );
    // A name wholly in Cyrillic capitals that all look like Latin ones is a Latin name
    // forged (`CPMIEC`, `CIMEX`) as often as a Russian one in capitals: read both ways.
    assert_eq!(read("ТОО СРМІЕС").as_deref(), Some("TOO CPMIEC"));
    assert_eq!(read("СІМЕХ").as_deref(), Some("CIMEX"));
    assert_eq!(read("ООО ТЕХНО").as_deref(), Some("OOO TEXHO"));
    // Nothing to read otherwise: a Russian name in small letters, or whose capitals are only
    // its legal form, a word with a letter that has no look-alike, a Latin name, a Greek name
    // in small letters.
    for name in [
        "ООО Техно",
        "ООО Ромашка",
        "ТОО",
        "Москва Machinery",
        "Mahan Air",
        "μηχανική",
    ] {
        assert_eq!(read(name), None, "{name}");
    }
}

#[test]
fn latin_look_alike_letters_inside_a_cyrillic_word_read_as_cyrillic() {
    // A Latin `a`, `c`, `o`, `e` or `p` in a Russian word (a keyboard left on the Latin
    // layout for one letter, or a forger hiding the word from a pattern): read as the
    // Cyrillic letter, so the word is the Russian one, and transliterated as one.
    for (mixed, cyrillic) in [
        ("нaличные", "наличные"),
        ("Рособоронэкcпорт", "Рособоронэкспорт"),
        ("ПЛAТЕЖ", "ПЛАТЕЖ"),
    ] {
        assert_eq!(redflag::rules::lists::visible(mixed), cyrillic, "{mixed}");
    }
    assert_eq!(
        normalize("Рособоронэкcпорт", EntryKind::Unknown).normalized,
        normalize("Рособоронэкспорт", EntryKind::Unknown).normalized
    );
    // A word that is Latin under its look-alikes stays Latin: no letter in it is one only
    // Cyrillic writes (`сiе`), or a Latin letter in it has no Cyrillic look-alike (`саѕh`,
    // `МAHАN`).
    for (forged, plain) in [("сiе", "cie"), ("саѕh", "cash"), ("МAHАN", "MAHAN")] {
        assert_eq!(redflag::rules::lists::visible(forged), plain, "{forged}");
    }
}

#[test]
fn rejoining_letters_does_not_make_ordinary_names_collide() {
    let s = screener();
    // Other names that share letters with a listed one stay apart.
    for (query, entry_id, below) in [
        ("Mahanagar Air", "1", 0.9),
        ("Mahan Aid", "1", 0.9),
        ("Ma Han", "1", 0.9),
        ("Mahana Ir", "9", 0.75),
    ] {
        let got = score_of(&s, query, entry_id);
        assert!(got < below, "{query} vs entry {entry_id}: {got:.3}");
    }
    // A legal form is cut from a compact form only where the name's tokens spell it: `Asahi`
    // does not start with the form `as`, nor `Tooling` with `too`.
    for (query, entry_id) in [
        ("Asahi Bank", "12"),
        ("Tooling Corp", "13"),
        ("Spaling Corp", "13"),
    ] {
        let got = score_of(&s, query, entry_id);
        assert!(got < 0.9, "{query} vs entry {entry_id}: {got:.3}");
    }
    assert!(
        score_of(&s, "A O  A H I  B A N K", "12") >= 0.99,
        "`a o` spells the form `ao`"
    );
    // Spaced-out letters score as the same letters written together, no higher.
    assert!(score_of(&s, "M A H A N  A I D", "1") <= score_of(&s, "MAHANAID", "1") + 1e-9);
    // Word order still matters for compact forms, but not for the aligned score.
    assert!(score_of(&s, "AIR MAHAN", "1") > 0.99);
    // Initials stay initials: the plain tokens are compared too and the better score kept.
    let stats = TokenStats::new();
    let tokens = |n: &str| normalize(n, EntryKind::Person).tokens;
    let plain_only = compare(
        &WeightedTokens::new(&tokens("J K Rowling"), &stats),
        &WeightedTokens::new(&tokens("ROWLING, Joanne Kathleen"), &stats),
    )
    .score;
    let with_variants = score_names(
        "J K Rowling",
        "ROWLING, Joanne Kathleen",
        EntryKind::Person,
        &stats,
    )
    .score;
    assert!(
        plain_only > 0.4 && with_variants >= plain_only,
        "{plain_only} {with_variants}"
    );
}

#[test]
fn identifiers_in_other_digits_and_with_separators_match_and_validate() {
    let s = screener();
    for (scheme, value) in [
        ("INN", "7719717008"),
        ("INN", "７７１９７１７００８"),
        ("INN", "٧٧١٩٧١٧٠٠٨"),
        ("INN", "۷۷۱۹۷۱۷۰۰۸"),
        ("INN", "७७१९७१७००८"),
        ("INN", "৭৭১৯৭১৭০০৮"),
        ("INN", "77-19-71-70-08"),
        ("INN", "7719.717.008"),
        ("INN", "77 19 717 008"),
        ("INN", "77\u{200B}19\u{2060}717\u{FEFF}008"),
        ("INN", "٧٧ ١٩-٧١٧.٠٠٨"),
        ("INN", "𝟳𝟳𝟭𝟵𝟳𝟭𝟳𝟬𝟬𝟴"),
        ("TAX-ID", "٧٧١٩٧١٧٠٠٨"),
        ("USCC", "９１４４０３００７１５２６７２６ＸＧ"),
        ("USCC", "9144030071526726ХG"), // Cyrillic Х
        ("LEI", "５２９９００７ＮＴＷＣＣ３Ｕ２３ＷＭ８１"),
        ("LEI", "5299 007N TWCC 3U23 WM81"),
    ] {
        let mut q = Query::new("Someone Else Entirely");
        q.ids = vec![(scheme.into(), value.into())];
        let m = best_for(&s, &q, "30");
        assert!(
            m.as_ref()
                .is_some_and(|m| m.score == 1.0 && matches!(m.matched_on, MatchedOn::Id { .. })),
            "{scheme} {value:?}: {m:?}"
        );
        let expected = if scheme == "TAX-ID" {
            IdCheck::Unchecked
        } else {
            IdCheck::Valid
        };
        assert_eq!(validate(scheme, value), expected, "{scheme} {value:?}");
    }
    // Check digits are judged the same whatever the digits look like.
    for value in ["７７１９７１７００９", "٧٧١٩٧١٧٠٠٩", "۷۷۱۹۷۱۷۰۰۹"]
    {
        match validate("INN", value) {
            IdCheck::Invalid { reason } => assert!(reason.contains("expected `8`"), "{reason}"),
            other => panic!("{value}: {other:?}"),
        }
    }
    // Letters of another alphabet are not dropped: `Ж123456` is not `123456`.
    let mut q = Query::new("x");
    q.ids = vec![("PASSPORT".into(), "Ж7719717008".into())];
    assert!(best_for(&s, &q, "30").is_none());
}

fn long_name(n: usize, typo_at: Option<usize>) -> String {
    (0..n)
        .map(|i| {
            let word = format!("Word{}x", char::from(b'a' + (i % 26) as u8)).repeat(1 + i / 26);
            if Some(i) == typo_at {
                format!("{word}q")
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn long_names_are_compared() {
    for n in [65, 100, 300] {
        let name = long_name(n, None);
        let s = Screener::build(vec![
            Entry::new("T", "t", "long", EntryKind::Entity, &name),
            Entry::new("T", "t", "other", EntryKind::Entity, "Alpha Industries"),
        ]);
        let m = best_for(&s, &Query::new(&name), "long");
        assert!(m.as_ref().is_some_and(|m| m.score >= 0.999), "{n}: {m:?}");
        // One token changed: still a match.
        let near = long_name(n, Some(n / 2));
        let m = best_for(&s, &Query::new(&near), "long");
        assert!(m.as_ref().is_some_and(|m| m.score >= 0.95), "{n}: {m:?}");
        // Tokens in another order: still a match.
        let mut words: Vec<&str> = name.split(' ').collect();
        words.reverse();
        let m = best_for(&s, &Query::new(&words.join(" ")), "long");
        assert!(m.as_ref().is_some_and(|m| m.score >= 0.999), "{n}: {m:?}");
        // And a short name is not made to match by a long one.
        let m = best_for(&s, &Query::new(&name), "other");
        assert!(m.is_none_or(|m| m.score < 0.5));
    }
}

#[test]
fn hostile_names_cost_bounded_time() {
    let s = screener();
    let tokens = 20_000;
    let many_forms = "OOO ".repeat(tokens) + "MAHAN AIR" + &" LLC".repeat(tokens);
    let many_titles = "Mr ".repeat(tokens) + "MAHAN AIR";
    let many_phrases = "joint stock company ".repeat(tokens / 3) + "MAHAN AIR";
    let many_cjk = "有限公司".repeat(tokens) + "MAHAN AIR";
    let distinct: String = (0..tokens).map(|i| format!("w{i}x ")).collect();
    let long_token = "mahanair".repeat(10_000);
    let spaced = "M A H A N ".repeat(tokens / 5);
    // Words one letter from listed ones, and business words, whose listed neighbours are
    // looked for (`Postings::neighbours`, `rare_neighbour_records`, `one_word_changed`).
    let neighbours = "Mahab Trading Air ".repeat(tokens / 3);
    for (what, name) in [
        ("legal forms", many_forms.as_str()),
        ("titles", many_titles.as_str()),
        ("phrases", many_phrases.as_str()),
        ("cjk forms", many_cjk.as_str()),
        ("distinct tokens", distinct.as_str()),
        ("one long token", long_token.as_str()),
        ("spaced letters", spaced.as_str()),
        ("words one letter from listed ones", neighbours.as_str()),
    ] {
        let started = Instant::now();
        let hits = s.screen(&Query::new(name), 0.5);
        let took = started.elapsed();
        // Generous for a debug build on a shared machine; quadratic work took minutes.
        assert!(took < Duration::from_secs(20), "{what}: {took:?}");
        if matches!(what, "legal forms" | "titles" | "phrases" | "cjk forms") {
            assert!(
                hits.iter().any(|m| m.entry_id == "1" && m.score >= 0.99),
                "{what}: every removable part is removed: {hits:?}"
            );
        }
    }
    // Thousands of query aliases are each screened.
    let mut q = Query::new("Nobody");
    q.aliases = (0..2_000).map(|i| format!("Alias Number {i}")).collect();
    q.aliases.push("Mahan Air".into());
    let started = Instant::now();
    assert!(s.screen(&q, 0.9).iter().any(|m| m.entry_id == "1"));
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// The excerpt of the 2019 SDN (MAHAN AIR, BANK SADERAT IRAN, HEJAZI Mohammad).
fn sdn_excerpt() -> Screener {
    let list = load_file(std::path::Path::new(
        "fixtures/lists/ofac-2019-excerpt/sdn.csv",
    ))
    .expect("the excerpt loads");
    assert!(list.problems.is_empty(), "{:?}", list.problems);
    Screener::build(list.entries)
}

fn from(name: &str, country: &str) -> Query {
    let mut q = Query::new(name);
    q.country = Some(country.into());
    q
}

#[test]
fn exact_listed_company_names_from_a_third_country_stay_matches() {
    let s = sdn_excerpt();
    for (name, country, entry) in [
        ("Mahan Air", "MY", "12927"),
        ("MAHAN AIR CO.", "Malaysia", "12927"),
        ("Bank Saderat Iran", "TR", "10368"),
        ("IRAN EXPORT BANK", "TR", "10368"),
    ] {
        let m = best_for(&s, &from(name, country), entry).expect("a match");
        assert!(m.score >= 0.9, "{name} from {country}: {m:?}");
        assert_eq!(
            m.country_match,
            Some(false),
            "{name}: the mismatch is evidence"
        );
    }
    // The same names from a listed country match as before.
    let m = best_for(&s, &from("Bank Saderat Iran", "FR"), "10368").expect("a match");
    assert_eq!(m.country_match, Some(true));
    // A fuzzy company match abroad is still lowered.
    let near = best_for(&s, &from("Mahan Airr Cargo", "IR"), "12927").expect("a match");
    let far = best_for(&s, &from("Mahan Airr Cargo", "MY"), "12927").expect("a match");
    assert!(
        far.score + 0.1 < near.score,
        "{} vs {}",
        far.score,
        near.score
    );
}

#[test]
fn exact_person_names_from_another_country_are_reviewed_not_stopped() {
    let s = sdn_excerpt();
    let home = best_for(&s, &from("Mohammad Hejazi", "IR"), "10483").expect("a match");
    let abroad = best_for(&s, &from("Mohammad Hejazi", "DE"), "10483").expect("a match");
    assert!(home.score >= 0.99, "{home:?}");
    assert!(
        (0.75..0.9).contains(&abroad.score),
        "a namesake abroad is a near miss: {abroad:?}"
    );
    assert_eq!(abroad.country_match, Some(false));
}

fn cache_config(capacity: usize, bytes: usize) -> ScreenerConfig {
    ScreenerConfig {
        cache_capacity: capacity,
        cache_bytes: bytes,
        ..ScreenerConfig::default()
    }
}

#[test]
fn cache_size_never_changes_a_result() {
    let queries: Vec<Query> = [
        "Mahan Air LLC",
        "Mahan Air OOO",
        "MAHAN AIR",
        "M A H A N  A I R",
        "Bank Melli",
        "Volga Shipping",
        "Mahan Air LLC",
        "Ivan Petrov",
        "Kamaz Export Ltd",
        "Mahan Air OOO",
    ]
    .iter()
    .map(|n| Query::new(n))
    .collect();
    let run = |config: ScreenerConfig, min: f64| -> Vec<Vec<Match>> {
        let s = Screener::build_with(entries(), config);
        let out: Vec<Vec<Match>> = queries.iter().map(|q| s.screen(q, min)).collect();
        assert!(s.cache_len() <= config.cache_capacity, "{}", s.cache_len());
        out
    };
    for min in [0.0, 0.6, 0.9] {
        let reference = run(cache_config(1_000_000, 1 << 30), min);
        for config in [
            cache_config(0, 1 << 30),
            cache_config(1, 1 << 30),
            cache_config(2, 1 << 30),
            cache_config(1_000, 600),
        ] {
            assert_eq!(run(config, min), reference, "{config:?} at {min}");
        }
    }
    // The legal form reported is the query's own, not that of a name cached before it.
    let s = screener();
    let first = s.screen(&Query::new("Mahan Air LLC"), 0.9);
    let second = s.screen(&Query::new("Mahan Air OOO"), 0.9);
    assert_eq!(first[0].legal_forms.0.as_deref(), Some("llc"));
    assert_eq!(second[0].legal_forms.0.as_deref(), Some("ooo"));
}

#[test]
fn cache_stays_within_its_bounds_over_many_names() {
    // Bounded by entries.
    let s = Screener::build_with(entries(), cache_config(50, 1 << 30));
    for i in 0..2_000 {
        s.screen(&Query::new(&format!("Mahan Air Branch {i}")), 0.7);
        assert!(s.cache_len() <= 50);
    }
    assert!(s.cache_len() > 25, "the cache is used");
    // Bounded by bytes.
    let s = Screener::build_with(entries(), cache_config(100_000, 20_000));
    for i in 0..2_000 {
        s.screen(&Query::new(&format!("Mahan Air Branch {i}")), 0.7);
        assert!(s.cache_bytes() <= 20_000, "{} bytes", s.cache_bytes());
    }
    assert!(
        s.cache_len() > 0 && s.cache_len() < 2_000,
        "{}",
        s.cache_len()
    );
}

/// Characters a diverter inserts: invisible ones, spacing and separators, symbols.
fn inserted() -> impl Strategy<Value = String> {
    let pieces: Vec<&'static str> = INVISIBLES
        .iter()
        .map(|(c, _)| *c)
        .chain([
            " ", "  ", "-", ".", "_", "/", "·", "\u{00A0}", "\u{2009}", "\u{3000}", "✈️", "★", "™",
            "🇮🇷", "\t",
        ])
        .collect();
    prop::sample::select(pieces).prop_map(str::to_string)
}

fn listed_name() -> impl Strategy<Value = (String, String)> {
    prop::sample::select(vec![
        ("MAHAN AIR", "1"),
        ("BANK MELLI IRAN", "2"),
        ("ISLAMIC REPUBLIC OF IRAN SHIPPING LINES", "3"),
        ("Sinobright Import and Export Company", "6"),
        ("Kamaz Export", "8"),
    ])
    .prop_map(|(n, id)| (n.to_string(), id.to_string()))
}

fn digits_in(script_zero: u32, value: &str) -> String {
    value
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(script_zero + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inserting_invisible_or_spacing_characters_never_lowers_a_score(
        (name, id) in listed_name(),
        inserts in prop::collection::vec((any::<prop::sample::Index>(), inserted()), 1..6),
        country in prop::sample::select(vec![None, Some("IR"), Some("DE")]),
    ) {
        let s = screener();
        let chars: Vec<char> = name.chars().collect();
        let mut at: Vec<(usize, String)> = inserts
            .into_iter()
            .map(|(i, text)| (i.index(chars.len() + 1), text))
            .collect();
        at.sort();
        let mut disguised = String::new();
        let mut next = 0;
        for (i, c) in chars.iter().enumerate() {
            while next < at.len() && at[next].0 == i {
                disguised.push_str(&at[next].1);
                next += 1;
            }
            disguised.push(*c);
        }
        for (_, text) in &at[next..] {
            disguised.push_str(text);
        }
        let query = |n: &str| {
            let mut q = Query::new(n);
            q.country = country.map(str::to_string);
            q
        };
        let plain = best_for(&s, &query(&name), &id).map_or(0.0, |m| m.score);
        let got = best_for(&s, &query(&disguised), &id).map_or(0.0, |m| m.score);
        prop_assert!(got >= plain, "{disguised:?}: {got} < {plain}");
    }

    #[test]
    fn identifiers_in_any_decimal_digits_match(
        zero in prop::sample::select(vec![
            0x30u32, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1040,
        ]),
        seps in prop::collection::vec(
            prop::sample::select(vec!["", " ", "-", ".", "\u{200B}", "\u{2060}", "\u{FEFF}", "/"]),
            10,
        ),
    ) {
        let s = screener();
        let value: String = "7719717008"
            .chars()
            .zip(&seps)
            .map(|(c, sep)| format!("{}{sep}", digits_in(zero, &c.to_string())))
            .collect();
        let mut q = Query::new("x");
        q.ids = vec![("INN".into(), value.clone())];
        let m = best_for(&s, &q, "30");
        prop_assert!(m.is_some_and(|m| m.score == 1.0), "{value:?}");
        prop_assert_eq!(validate("INN", &value), IdCheck::Valid);
        let wrong = digits_in(zero, "7719717009");
        let invalid = matches!(validate("INN", &wrong), IdCheck::Invalid { .. });
        prop_assert!(invalid, "{:?}", wrong);
    }
}

#[test]
fn symbols_and_abbreviations_written_for_words_read_as_the_words() {
    let s = screener();
    // `@` and `$` between letters are the letters they stand for, not separators.
    check_as_plain(&s, "MAHAN AIR", "M@han Air", "1");
    check_as_plain(&s, "BANK MELLI IRAN", "B@nk Melli Ir@n", "2");
    // A carrier's `Airlines` is the listed `Air`; business words abbreviated are the words.
    check_as_plain(&s, "MAHAN AIR", "Mahan Airlines", "1");
    check_as_plain(&s, "Alpha Industries", "Alpha Inds.", "7");
    check_as_plain(
        &s,
        "Sinobright Import and Export Company",
        "Sinobright Import & Export Co",
        "6",
    );
    assert_eq!(
        normalize("Dandong Hong Xiang Ind. Dev. Co.", EntryKind::Unknown).normalized,
        "dandong hong xiang industrial development"
    );
    // A symbol beside a space or a digit stays a separator, and a person's name keeps its
    // words as written.
    assert_eq!(
        normalize("AT&T @home $5", EntryKind::Unknown).normalized,
        "at t home five"
    );
    assert_eq!(
        normalize("DEV, Anand", EntryKind::Person).normalized,
        "dev anand"
    );
}
