//! The readings of a party's name that the screener compares beside the name as written, each
//! as another name of the party whose matches carry the step that says which reading it was
//! (docs/screening.md, "Transliteration"): a Chinese, Arabic-script or Cyrillic company name
//! with its trade words in English (`han_terms`, `arabic_terms`, `cyrillic_terms`), a name in
//! Chinese characters (`hanja`) or a Korean name in Cyrillic (`cyrillic_korean`) read in
//! Korean, a Chinese name in Cyrillic read in pinyin (`cyrillic_chinese`), a foreign name in
//! Cyrillic with `х`, `ё` and `дж` read `h`, `yo` and `j` (`cyrillic_foreign`), a foreign name
//! in Greek or Georgian letters read as its sounds (`normalize::scripts`), a name in
//! Arabic script read with its long vowels (`translit`), words of Cyrillic or Greek
//! look-alikes read as the Latin letters they look like (`chars`), a Russian name in German
//! spelling read back (`german_spelling`), digits written for letters read as the letters
//! (`normalize::digits_read_as_letters`). A reading can only add matches;
//! where it is a guess, only a close match on it counts ([`reading_floor`]).

use super::model::EntryKind;
use super::steps::StepKind;

/// Lowest name score of a match that rests on a name in Chinese characters read in Korean
/// (`screening::hanja`). The reading is a guess at the name's language, and Korean names share
/// a few surnames and syllables, so a loose match of a guessed reading meets listed North
/// Korean names by chance (a Chinese `杨李` read `ryang ri` against `RI, Yong Mu`); only a
/// reading that gives the listed name nearly as written counts. A diverter gains nothing by
/// choosing other characters: a character of the same Korean sound gives the same reading.
pub const KOREAN_READING_MIN: f64 = 0.90;

/// Lowest name score of a match that rests on a name read back from German spelling
/// (`screening::german_spelling`): a guess that the name is Slavic, so a loose match of the
/// reading (a German firm's name with `sch` read `sh`) does not count; a listed person named
/// without the patronymic (`Gennadij Timtschenko` against `TIMCHENKO, Gennadiy Nikolayevich`)
/// scores above it.
pub const GERMAN_READING_MIN: f64 = 0.85;

/// Lowest name score of a match that rests on a name with its digits read as letters
/// (`normalize::digits_read_as_letters`): `3M` or `B52` in a firm's name is as often a name
/// as a disguise, so only a close match on the reading counts, from the score at which the
/// name written plainly holds a listed name (`Mahan 41r Cargo` as `Mahan Air Cargo`).
pub const DIGITS_READING_MIN: f64 = 0.85;

/// The readings of a party's name that the screener compares beside the name as written,
/// each with the step its matches carry: a Chinese, Arabic-script or Cyrillic company name
/// with its trade words in English (not for a person, whose name has no trade words), a name
/// in Chinese characters or a Korean name in Cyrillic read in Korean, a Chinese name in
/// Cyrillic read in pinyin, a name in Arabic script read with its long vowels (and, without a
/// letter that tells it Persian, also as Persian). A match on a reading counts only from
/// [`reading_floor`].
pub fn name_readings(name: &str, kind: EntryKind) -> Vec<(String, StepKind)> {
    let mut out: Vec<(String, StepKind)> = Vec::new();
    if kind != EntryKind::Person {
        out.extend(
            super::han_terms::english_readings(name)
                .into_iter()
                .chain(super::arabic_terms::english_readings(name))
                .chain(super::cyrillic_terms::english_reading(name))
                .map(|reading| (reading, StepKind::ReadInEnglish)),
        );
    }
    // A North Korean company's name in characters read as North Korea spells (the first
    // Korean reading) has its trade words in English too, each in its first rendering:
    // `高丽航空` is `고려항공`, and the lists write `AIR KORYO`. In place of that reading, and
    // only for a name with a word that tells it North Korean (`han_terms::north_korean`): a
    // Chinese company name is read in Korean too, and its trade words in English are common
    // words to screen (one more reading of each took twice as long against a 20,000-entry
    // list, English trade words in the first Korean reading of every one 1.4 times).
    let north_korean = kind != EntryKind::Person && super::han_terms::north_korean(name);
    out.extend(
        super::hanja::korean_readings(name)
            .into_iter()
            .enumerate()
            .map(|(i, reading)| match kind {
                EntryKind::Person => reading,
                _ if i > 0 || !north_korean => reading,
                _ => super::han_terms::english_readings(&reading)
                    .into_iter()
                    .next()
                    .unwrap_or(reading),
            })
            .map(|reading| (reading, StepKind::ReadInKorean)),
    );
    out.extend(
        super::cyrillic_korean::korean_readings(name)
            .into_iter()
            .chain(super::cyrillic_korean::korean_readings_of_romanised(name))
            .map(|reading| (reading, StepKind::ReadInKorean)),
    );
    if let Some(pinyin) = super::cyrillic_chinese::pinyin_reading(name) {
        // A company's business words left in Cyrillic are read in English too.
        let english = match kind {
            EntryKind::Person => None,
            _ => super::cyrillic_terms::english_reading(&pinyin),
        };
        out.push((english.unwrap_or(pinyin), StepKind::ReadInPinyin));
    }
    out.extend(
        super::cyrillic_foreign::foreign_reading(name, kind)
            .into_iter()
            .chain(super::normalize::scripts::foreign_reading(name))
            .map(|reading| (reading, StepKind::ReadAsForeignName)),
    );
    out.extend(
        super::translit::arabic_with_vowels(name)
            .map(|reading| (reading, StepKind::ReadWithVowels)),
    );
    out.extend(
        super::translit::persian_with_vowels(name)
            .map(|reading| (reading, StepKind::ReadWithVowels)),
    );
    out.extend(
        super::chars::look_alikes_read_as_latin(name)
            .map(|reading| (reading, StepKind::ReadAsLookAlikes)),
    );
    out.extend(
        super::german_spelling::english_spelling(name)
            .map(|reading| (reading, StepKind::ReadFromGermanSpelling)),
    );
    out.extend(
        super::normalize::digits_read_as_letters(name)
            .map(|reading| (reading, StepKind::ReadDigitsAsLetters)),
    );
    out
}

/// The lowest name score at which a match on a reading of [`name_readings`] counts:
/// [`KOREAN_READING_MIN`] for a Korean reading and for a Chinese reading of Cyrillic, which
/// are guesses at the name's language;
/// any score for the others, which only read what the script writes.
pub fn reading_floor(read: StepKind) -> f64 {
    match read {
        StepKind::ReadInKorean | StepKind::ReadInPinyin => KOREAN_READING_MIN,
        StepKind::ReadFromGermanSpelling => GERMAN_READING_MIN,
        StepKind::ReadDigitsAsLetters => DIGITS_READING_MIN,
        _ => 0.0,
    }
}
