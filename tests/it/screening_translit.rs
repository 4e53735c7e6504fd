//! Names in Arabic, Persian, Korean and Chinese script against the Latin spellings of the
//! lists (docs/screening.md, "Transliteration"). The pairs are from
//! `fixtures/lists/name-bench/translit_cases.csv`.

use redflag::screening::score::{score_names, TokenStats};
use redflag::screening::{normalize, EntryKind};

fn score(a: &str, b: &str) -> f64 {
    score_names(a, b, EntryKind::Person, &TokenStats::new()).score
}

#[test]
fn hangul_reads_as_the_lists_spell_north_korean_names() {
    assert_eq!(
        normalize("김정은", EntryKind::Person).normalized,
        "kim jong un"
    );
    assert_eq!(score("최룡해", "Choe Ryong Hae"), 1.0);
    assert_eq!(score("리병철", "RI Pyong Chol"), 1.0);
    assert!(score("김정은", "Choe Ryong Hae") < 0.5);
}

#[test]
fn arabic_and_persian_names_meet_their_latin_spellings_on_consonants() {
    assert_eq!(
        normalize("بشار الأسد", EntryKind::Person).normalized,
        "bshr al sd"
    );
    for (script, latin) in [
        ("بشار الأسد", "Bashar al-Assad"),
        ("محمد بن سلمان", "Mohammed bin Salman"),
        ("صدام حسين", "Saddam Hussein"),
        ("قاسم سلیمانی", "Qasem Soleimani"),
        ("حسن روحانی", "Hassan Rouhani"),
    ] {
        let s = score(script, latin);
        assert!(s >= 0.7, "{script} / {latin}: {s}");
        // Either side may be the list's.
        let r = score(latin, script);
        assert!(r >= 0.7, "{latin} / {script}: {r}");
    }
    assert!(score("بشار الأسد", "Rifaat al-Assad") < 0.7);
    // `abd al` written `Abdel` is a limit: near, below the threshold.
    assert!(score("عبد الفتاح السيسي", "Abdel Fattah el-Sisi") >= 0.6);
    assert!(score("قاسم سلیمانی", "Ali Khamenei") < 0.5);
}

#[test]
fn a_consonant_reading_never_lowers_a_latin_score() {
    // `ltd`, `hsbc` look like skeletons; the plain comparison still counts.
    for (a, b) in [
        ("hsbc", "hsbc"),
        ("mhmd", "mhmd"),
        ("Vladimir Putin", "Vladimir Putin"),
    ] {
        assert_eq!(score(a, b), 1.0, "{a} / {b}");
    }
}

#[test]
fn han_names_read_as_pinyin() {
    assert_eq!(score("习近平", "Xi Jinping"), 1.0);
    assert_eq!(score("毛泽东", "Mao Zedong"), 1.0);
    assert!(score("王毅", "Wang Yang") < 0.7);
}
