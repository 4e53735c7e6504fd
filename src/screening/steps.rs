//! How a match's score was reached: the name score and each rule that raised, lowered or
//! capped it afterwards, in the order applied. A reviewer sees why an identical-looking name
//! is a review rather than a block (a Hangul name against another country, a weak alias, a
//! person against a company), and an auditor can check each step against docs/screening.md.

/// One step towards a match's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// The names aligned token by token (`score::compare`).
    Aligned,
    /// The same letters and digits once spacing and punctuation are left out.
    SameLetters,
    /// The query is the listed name cut inside a word, as a field's length cuts it.
    CutInWord,
    /// The query is the listed name's start up to a word's end.
    CutAtWordEnd,
    /// The query holds the listed company's name whole among other words.
    HoldsListedName,
    /// The query is the listed company's name whole with the words of a branch or an office of
    /// it, and perhaps its place (`Bank Saderat Iran, Hamburg Branch`).
    BranchOfListedName,
    /// The query is the listed company's name with words left out, its own words in a row.
    PartOfListedName,
    /// The query is, or holds, the listed company's name without the words naming its own
    /// country (`Ryonbong General Corp` for `KOREA RYONBONG GENERAL CORPORATION`).
    WithoutOwnCountry,
    /// The query is, or holds, the listed company's name without a legal-form word inside it
    /// (`Zhongshan Aviation Spare Parts` for `ZHONGSHAN COMPANY FOR AVIATION SPARE PARTS`).
    WithoutLegalFormWord,
    /// The query holds the listed company's one word of its own, with only words beside it
    /// that say nothing of who a firm is (`Kalashnikov Group` for `KALASHNIKOV CONCERN`).
    HoldsOwnWord,
    /// The query holds another spelling of the listed company's one long word, with only
    /// generic words beside it (`Hizbullah Trading GmbH` for `HIZBALLAH`).
    HoldsWordSpelledOtherwise,
    /// The query is a listed person's surname with initials agreeing with the listed given
    /// names (`Deripaska O.V.` for `DERIPASKA, Oleg Vladimirovich`).
    SurnameAndInitials,
    /// Only generic business words matched while others were left over: capped.
    GenericOnly,
    /// A name stands on the other side of `bin`/`ibn` in the two names (father and son): capped.
    CrossedPatronymic,
    /// The name matched a weak alias: capped.
    WeakAlias,
    /// The party's kind contradicts the entry's (person against company).
    KindConflict,
    /// The countries are both known and differ.
    CountryDiffers,
    /// The countries differ, but the name is the exact name of a listed company, vessel or
    /// aircraft, which is the listed party wherever it says it is: nothing deducted.
    CountryDiffersExactName,
    /// The countries differ, but the query holds a listed person's given name and surname:
    /// lowered no further than review (`index::PERSON_NAMES_HELD_MIN`).
    CountryDiffersPersonNamesHeld,
    /// The party's address shares its place words with a listed address.
    AddressShared,
    /// A name written in Hangul, against a listed name that is not, with another country.
    HangulOnly,
    /// An identifier matched.
    Identifier,
    /// A number written in the party's name or address equals a listed identifier.
    IdentifierInText,
    /// The name matched is one the party's address names after `c/o` or the like.
    NamedInAddress,
    /// The name matched is one the party's own name gives after `c/o` or the like
    /// (`Weserland GmbH c/o ...`).
    NamedCareOf,
    /// The name matched is another name the party's own name gives for it (`formerly ...`,
    /// `f/k/a ...`, `trading as ...`: `screening::other_names`).
    OtherNameInName,
    /// The name matched is the party's Chinese or Arabic-script name with its trade words read
    /// in English (`screening::han_terms`, `screening::arabic_terms`).
    ReadInEnglish,
    /// The name matched is the party's name in Chinese characters, or a Korean name in
    /// Cyrillic, read in Korean (`screening::hanja`, `screening::cyrillic_korean`).
    ReadInKorean,
    /// The name matched is a Chinese name in Cyrillic read back into pinyin
    /// (`screening::cyrillic_chinese`).
    ReadInPinyin,
    /// The name matched is a foreign name in Cyrillic with `х`, `ё` and `дж` read as the
    /// `h`, `yo` and `j` they stand for (`screening::cyrillic_foreign`), or in Greek or
    /// Georgian letters read as the foreign sounds they stand for (`normalize::scripts`).
    ReadAsForeignName,
    /// The name matched is the party's name in Arabic script read with its long vowels
    /// (`translit::arabic_with_vowels`), not as a consonant skeleton.
    ReadWithVowels,
    /// The name matched is a Russian or Ukrainian name in German spelling (`Timtschenko`,
    /// `Kowaltschuk`) read as the lists spell it (`screening::german_spelling`).
    ReadFromGermanSpelling,
    /// The name matched is the party's name with its words written wholly in Cyrillic or
    /// Greek letters that look like Latin ones read as those letters
    /// (`chars::look_alikes_read_as_latin`): `ΜΑΗΑΝ Air Cargo` is `MAHAN Air Cargo`.
    ReadAsLookAlikes,
    /// The name matched is the party's name with the digits of words that mix letters and
    /// digits read as the letters they look like (`normalize::digits_read_as_letters`):
    /// `M4H4N 41R` is `mahan air`.
    ReadDigitsAsLetters,
    /// The name matched is the party's name with two of its words that together make a word
    /// of a listed name written as that one word (`index::joined`): `Altyn-Prom` is
    /// `altynprom`.
    ReadWithWordsJoined,
    /// A match on words of look-alikes read as Latin letters, with another country: capped
    /// (`index::LOOK_ALIKE_READING_MAX`).
    LookAlikeReadingCapped,
    /// The street address compared with a listed address.
    Address,
    /// The listed name is written out whole in the order's free text (`index::mentions`).
    NamedInText,
}

impl StepKind {
    /// The stable code written in reports.
    pub fn code(self) -> &'static str {
        match self {
            StepKind::Aligned => "name",
            StepKind::SameLetters => "same_letters",
            StepKind::CutInWord => "cut_in_word",
            StepKind::CutAtWordEnd => "cut_at_word_end",
            StepKind::HoldsListedName => "holds_listed_name",
            StepKind::BranchOfListedName => "branch_of_listed_name",
            StepKind::PartOfListedName => "part_of_listed_name",
            StepKind::WithoutOwnCountry => "listed_name_without_its_country",
            StepKind::WithoutLegalFormWord => "listed_name_without_a_legal_form_word",
            StepKind::HoldsOwnWord => "holds_listed_own_word",
            StepKind::HoldsWordSpelledOtherwise => "holds_listed_word_spelled_otherwise",
            StepKind::SurnameAndInitials => "surname_and_initials",
            StepKind::GenericOnly => "generic_only_cap",
            StepKind::CrossedPatronymic => "crossed_patronymic_cap",
            StepKind::WeakAlias => "weak_alias_cap",
            StepKind::KindConflict => "kind_conflict",
            StepKind::CountryDiffers => "country_differs",
            StepKind::CountryDiffersExactName => "country_differs_exact_name",
            StepKind::CountryDiffersPersonNamesHeld => "country_differs_person_names_held",
            StepKind::AddressShared => "address_shared",
            StepKind::HangulOnly => "hangul_only_cap",
            StepKind::Identifier => "identifier",
            StepKind::IdentifierInText => "identifier_in_text",
            StepKind::NamedInAddress => "named_in_address",
            StepKind::NamedCareOf => "named_care_of",
            StepKind::OtherNameInName => "other_name_in_name",
            StepKind::ReadInEnglish => "read_in_english",
            StepKind::ReadInKorean => "read_in_korean",
            StepKind::ReadInPinyin => "read_in_pinyin",
            StepKind::ReadAsForeignName => "read_as_foreign_name",
            StepKind::ReadWithVowels => "read_with_vowels",
            StepKind::ReadFromGermanSpelling => "read_from_german_spelling",
            StepKind::ReadAsLookAlikes => "read_as_look_alikes",
            StepKind::ReadDigitsAsLetters => "read_digits_as_letters",
            StepKind::ReadWithWordsJoined => "read_with_words_joined",
            StepKind::LookAlikeReadingCapped => "look_alike_reading_cap",
            StepKind::Address => "address",
            StepKind::NamedInText => "named_in_text",
        }
    }

    /// The step in words, for the text formats.
    pub fn words(self) -> &'static str {
        match self {
            StepKind::Aligned => "names aligned token by token",
            StepKind::SameLetters => "same letters and digits",
            StepKind::CutInWord => "listed name cut inside a word",
            StepKind::CutAtWordEnd => "start of the listed name, to a word's end",
            StepKind::HoldsListedName => "holds the listed name whole",
            StepKind::BranchOfListedName => "the listed company's name with a branch or office of it",
            StepKind::PartOfListedName => "the listed company's name with words left out",
            StepKind::WithoutOwnCountry => {
                "the listed company's name without the word naming its country"
            }
            StepKind::WithoutLegalFormWord => {
                "the listed company's name without a legal-form word inside it"
            }
            StepKind::HoldsOwnWord => {
                "holds the listed company's own word, with only generic words beside it"
            }
            StepKind::HoldsWordSpelledOtherwise => {
                "holds the listed company's one word spelled another way, with only generic words beside it"
            }
            StepKind::SurnameAndInitials => "surname with initials of the listed given names",
            StepKind::GenericOnly => "only generic words matched, capped",
            StepKind::CrossedPatronymic => "names on both sides of bin/ibn, capped",
            StepKind::WeakAlias => "weak alias, capped",
            StepKind::KindConflict => "person against company, lowered",
            StepKind::CountryDiffers => "countries differ, lowered",
            StepKind::CountryDiffersExactName => {
                "countries differ, exact or held name of a listed company: not lowered"
            }
            StepKind::CountryDiffersPersonNamesHeld => {
                "countries differ, the listed person's given name and surname held: lowered to review at most"
            }
            StepKind::AddressShared => "address shares place words, raised",
            StepKind::HangulOnly => "Hangul name, other country: capped",
            StepKind::Identifier => "identifier matched",
            StepKind::IdentifierInText => "identifier written in the name or address matched",
            StepKind::NamedInAddress => "name given in the address (c/o), not the party's own",
            StepKind::NamedCareOf => "name given after c/o in the party's name",
            StepKind::OtherNameInName => {
                "another name the party's name gives for it (formerly, aka, trading as)"
            }
            StepKind::ReadInEnglish => "trade words of the name read in English",
            StepKind::ReadInKorean => "name read in Korean",
            StepKind::ReadInPinyin => "Chinese name in Cyrillic read in pinyin",
            StepKind::ReadAsForeignName => {
                "foreign name in Cyrillic, Greek or Georgian read as the sounds it stands for"
            }
            StepKind::ReadWithVowels => "name in Arabic script read with its long vowels",
            StepKind::ReadFromGermanSpelling => {
                "Russian or Ukrainian name in German spelling read as the lists spell it"
            }
            StepKind::ReadAsLookAlikes => {
                "words in Cyrillic or Greek look-alikes read as the Latin letters they look like"
            }
            StepKind::ReadDigitsAsLetters => "digits written for letters read as the letters",
            StepKind::ReadWithWordsJoined => "two words read as the one listed word they make",
            StepKind::LookAlikeReadingCapped => "read as look-alikes, other country: capped",
            StepKind::Address => "street address compared",
            StepKind::NamedInText => "listed name written out in the text",
        }
    }
}

/// A step and the score after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreStep {
    /// What was done.
    pub kind: StepKind,
    /// The score once it was done.
    pub score: f64,
}

/// The steps of one match, in the order applied. Most matches have two or three.
pub type ScoreSteps = smallvec::SmallVec<[ScoreStep; 4]>;

/// Appends a step with the score after it, as reports show it (in `0..=1`: the running score
/// is clamped only at the end, and a step in between may pass a bound).
pub fn push(steps: &mut ScoreSteps, kind: StepKind, score: f64) {
    steps.push(ScoreStep {
        kind,
        score: score.clamp(0.0, 1.0),
    });
}
