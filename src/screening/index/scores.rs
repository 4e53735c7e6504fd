//! The scores and thresholds by which the screener rates what it finds: each a fixed number
//! with the reason for it, shown in a match's score steps and documented in
//! `docs/screening.md`.

/// A name that matched only a weak alias must be this close to count at all.
pub const WEAK_ALIAS_MIN: f64 = 0.95;
/// Score given to a (near-)exact weak-alias match.
pub const WEAK_ALIAS_SCORE: f64 = 0.8;
/// Subtracted when the query country and the entry countries are both known and disjoint.
pub const COUNTRY_MISMATCH_PENALTY: f64 = 0.15;
/// Factor applied when the query kind contradicts the entry kind (person vs company).
pub const KIND_CONFLICT_FACTOR: f64 = 0.8;
/// Added when the query address shares its place words with an entry address.
pub const ADDRESS_MATCH_BONUS: f64 = 0.05;
/// A name score from which a match of a primary name or strong alias counts as exact: a
/// country mismatch does not lower it unless the entry is a person (docs/screening.md,
/// "Exact names and countries").
pub const EXACT_NAME_MIN: f64 = 0.95;
/// Highest score of a match that rests on a query name written in Hangul, read in the
/// romanisation of the lists, when the query gives a country that is not one of the entry's: a
/// review, never a block. The reading is lossy (`ㅓ` and `ㅗ` are both `o`) and Korean names share a few
/// surnames and syllables, so a Hangul name meets listed North Korean names often by chance
/// (docs/screening.md, "Names in Hangul"). Without a country a match stands (fail closed).
pub const HANGUL_ONLY_MAX: f64 = 0.85;
/// Highest score of a match that rests on a Cyrillic name without a Latin letter, its words of
/// capitals that look like Latin ones read as those Latin letters
/// (`chars::look_alikes_read_as_latin`), when the query gives a country that is not one of
/// the entry's: a review, never a block. Such a name is a forged Latin name or a Russian one
/// in capitals (`ВЕНТА`, a river, reads `BEHTA`, a listed Iranian firm's name); a person tells
/// which. Beside a Latin word (`СРМІЕС Ltd`, `ΜΑΗΑΝ Air`) the look-alikes are a forger's, and
/// a match is not capped; nor a wholly Greek name of look-alike capitals (`ϹΙΜΕΧ`), read so
/// and blocked before this cap was made; nor without a country, or in the entry's own (fail
/// closed).
pub const LOOK_ALIKE_READING_MAX: f64 = 0.85;
/// Fewest characters of a folded query name that may be a listed name cut at a field's length
/// (SAP and SWIFT name fields hold 35 characters, some ERP exports 30; folding drops
/// punctuation, so a cut at 30 folds to about 25).
pub const CUT_MIN_CHARS: usize = 25;
/// Name score of a query that is a listed name cut inside a word (`FOREIGN TRADE BANK OF THE
/// DEMOCRATIC PEO`): a block, since the name is the listed one as far as the field holds it,
/// but below [`EXACT_NAME_MIN`], since what the field cut off is unknown, so a namesake abroad
/// is still lowered by its country.
pub const CUT_NAME_SCORE: f64 = 0.92;
/// Name score of a query that is the start of a listed name up to a word's end (`NATIONAL
/// COMMITTEE FOR THE LIBERATION`): a review, since it may be a whole name of its own (a parent
/// firm whose listed subsidiary's name goes on).
pub const CUT_WORDS_SCORE: f64 = 0.75;
/// Name score of a query that holds a listed company's name whole among other words (`Mahan
/// Air Cargo`, `Hessler Trading GmbH c/o Mahan Air`): a review, and not lowered by another
/// country, since a front or a name written "care of" is the listed party's business wherever
/// it says it is. Token alignment charges every added word, so such names fell below review,
/// and an address abroad cleared them.
pub const CONTAINED_NAME_SCORE: f64 = 0.85;
/// Name score of a query that is a listed company's name whole with the words of a branch or
/// an office of it, and perhaps its place (`Bank Saderat Iran, Hamburg Branch`,
/// `Representative Office of Bank Melli Iran in Frankfurt`): a block, not lowered by another
/// country. A branch or an office is the listed firm itself, not another party, so a sanction
/// on the firm covers it; at [`CONTAINED_NAME_SCORE`] such an order was reviewed and passed.
pub const BRANCH_OF_LISTED_SCORE: f64 = 0.95;
/// Name score of a query that holds, among other words, a listed company's name of one word
/// that is rare in the list and not a generic business word (`Stankoimport Kazakhstan Branch`,
/// `KOMID Beijing Representative Office` for `STANKOIMPORT`, `KOMID`): a review, not lowered
/// by another country, as [`CONTAINED_NAME_SCORE`]; lower than it, since one word, however
/// rare in the list, may be a word of another firm's name.
pub const ONE_WORD_HELD_SCORE: f64 = 0.75;
/// Most listed entries whose names a one-word listed name's word may be in for
/// [`ONE_WORD_HELD_SCORE`]: a word many listed firms share (a city, a trade) is no firm's own.
/// Entries, not names: a firm listed with its word in several aliases
/// (`ROSOBORONEXPORT`, `ROSOBORONEXPORT JSC`, `OJSC ROSOBORONEXPORT`) is one firm.
pub const ONE_WORD_HELD_MAX_RECORDS: usize = 3;
/// Most listed entries the word may be in when only words naming a part or the whole of a
/// firm (`Branch`, `Representative Office`, `Group`, `Holding`, legal forms, country words)
/// stand beside it in the party's name (`IRISL Branch`: IRISL's subsidiaries hold `IRISL`
/// in six entries of the 2019 SDN).
pub const ONE_WORD_BESIDE_GENERIC_MAX_ENTRIES: usize = 8;
/// Fewest letters of a one-word listed name held with only such words beside it (`HESA
/// Branch`).
pub const ONE_WORD_BESIDE_GENERIC_MIN_LETTERS: usize = 4;
/// Lowest score a country difference takes a match of a listed person to when the query
/// holds the person's given name and surname (every word of the query paired with a listed
/// word at [`PERSON_NAME_PAIR_MIN`] or more, two words or more) and the name scored at least
/// [`PERSON_NAMES_HELD_NAME_MIN`]: a review. `Oleg Deripaska` of Vienna for `DERIPASKA, Oleg
/// Vladimirovich` scored 0.868 (the patronymic left out, as Western paperwork writes it) and
/// the country took it to 0.718, clear; a listed person abroad is the normal case.
pub const PERSON_NAMES_HELD_MIN: f64 = 0.75;
/// Least similarity of each pair of words for [`PERSON_NAMES_HELD_MIN`].
pub const PERSON_NAME_PAIR_MIN: f64 = 0.9;
/// Least name score for [`PERSON_NAMES_HELD_MIN`].
pub const PERSON_NAMES_HELD_NAME_MIN: f64 = 0.8;
/// Name score of a query that is a listed person's surname with an initial for each of two
/// listed given names or more (`Deripaska O.V.` for `DERIPASKA, Oleg Vladimirovich`): a
/// block, as the name in the form Russian documents write it; lowered by another country.
pub const INITIALS_FULL_SCORE: f64 = 0.9;
/// Name score of a surname with the initial of the only listed given name (`Sechin I.` for
/// `SECHIN, Igor`): a review.
pub const INITIALS_ONE_SCORE: f64 = 0.85;
/// Name score of a surname with initials agreeing with fewer listed given names than there
/// are, or with more initials than listed given names (`Rotenberg A.R.` for `ROTENBERG,
/// Arkady`): a review.
pub const INITIALS_PART_SCORE: f64 = 0.8;
/// Fewest words a listed name less its country words must keep, together in the party's name
/// (in any order), to count when only one of them is not a generic business word: `mining
/// development trading` of `KOREA MINING DEVELOPMENT TRADING CORPORATION` is a name,
/// `aircraft industries` of `IRAN AIRCRAFT INDUSTRIES` a description many firms fit.
pub const MIN_HELD_REST_WORDS: usize = 3;
/// Fewest letters of a one-word listed name held among other words (`KOMID`): shorter words
/// are as often an abbreviation of something else.
pub const ONE_WORD_HELD_MIN_LETTERS: usize = 5;
/// Fewest letters of a one-word listed company name, and of the query's word, for the query's
/// word to be taken as another spelling of it (`Screener::one_word_spelled_otherwise`): in a
/// shorter word one letter changed is another word.
pub const SPELLED_OTHERWISE_MIN_LETTERS: usize = 7;
/// From this many letters, another spelling of a one-word listed name may be two edits from it
/// (`Hezbollah` for `HIZBALLAH`), not only one.
pub const SPELLED_OTHERWISE_TWO_EDITS_LETTERS: usize = 9;
/// Name score of a query whose words, two or more that are not generic business words, stand
/// in a row inside a listed company's longer name (`Dandong Zhicheng Co Ltd` for `DANDONG
/// ZHICHENG METALLIC MATERIAL CO., LTD.`): a review, since a shortened listed name is how an
/// export or a front writes it, and a name of its own may share the words. Token alignment
/// charges every listed word left out, so such names fell below review.
pub const PART_OF_LISTED_SCORE: f64 = 0.75;
