//! Addresses as screening evidence of their own (BIS red flag 1: "the customer or its address
//! is similar to" a listed party): a party under a new name at a listed firm's address.
//!
//! An address is parsed into the parts that decide whether two addresses are the same
//! premises: the country, the premise numbers (house, building, P.O. box), sub-premise numbers
//! (floor, room, office, suite), postal codes, and the words (street and place names, street
//! types folded to one spelling). Two addresses agree only when the country is the same, every
//! premise number the party gives is in the listed address, no sub-premise or postal code
//! contradicts, and the party's words are found in the listed address; see [`compare`] and
//! docs/screening.md, "Addresses".

use super::countries;
use super::normalize::fold;
use super::similarity::token_similarity;

/// Lowest address score the default pack counts (RF-SCREEN-004): every word of the party's
/// address found, one of them spelled a little differently, or a street type missing.
pub const ADDRESS_MATCH_MIN: f64 = 0.85;

/// Two words count as the same from this similarity on (`lenin`/`lenina`, a typo).
const WORD_SIM_MIN: f64 = 0.85;

/// A street type weighs less than a name: `Lenin St` and `Lenin Ave` are different streets,
/// but `Lenin 2` and `Lenin St 2` are the same address written shorter.
const STREET_TYPE_WEIGHT: f64 = 0.6;

/// Premise numbers have at most this many digits; longer numbers are postal codes (or P.O.
/// box numbers when a box marker precedes them).
const MAX_PREMISE_DIGITS: usize = 4;

/// Street types and their one spelling. Compound German and Dutch street names
/// (`Hauptstrasse`, `Hauptstr.`) are split before the look-up, see [`split_compound`].
const STREET_TYPES: &[(&str, &str)] = &[
    ("allee", "allee"),
    ("av", "ave"),
    ("ave", "ave"),
    ("avenida", "ave"),
    ("avenue", "ave"),
    ("blvd", "blvd"),
    ("boulevard", "blvd"),
    ("bulvar", "blvd"),
    ("calle", "st"),
    ("carrera", "rd"),
    ("carretera", "rd"),
    ("dr", "dr"),
    ("drive", "dr"),
    ("freeway", "hwy"),
    ("gasse", "gasse"),
    ("highway", "hwy"),
    ("hwy", "hwy"),
    ("jie", "st"),
    ("lane", "ln"),
    ("ln", "ln"),
    ("lu", "rd"),
    ("per", "ln"),
    ("pereulok", "ln"),
    ("pl", "sq"),
    ("platz", "sq"),
    ("pr", "ave"),
    ("prosp", "ave"),
    ("prospect", "ave"),
    ("prospekt", "ave"),
    ("rd", "rd"),
    ("road", "rd"),
    ("rue", "st"),
    ("sq", "sq"),
    ("sqr", "sq"),
    ("square", "sq"),
    ("st", "st"),
    ("str", "st"),
    ("straat", "st"),
    ("strada", "st"),
    ("strasse", "st"),
    ("street", "st"),
    ("ul", "st"),
    ("ulica", "st"),
    ("ulitsa", "st"),
    // `улица` as German and older English transliterations write it.
    ("ulitza", "st"),
    ("uliza", "st"),
    ("via", "st"),
    ("way", "way"),
    ("weg", "way"),
];

/// Words that only say what the next number is (or nothing): they are dropped, and the number
/// after them is read by its marker.
const NUMBER_MARKERS: &[&str] = &[
    "n", "no", "nr", "num", "number", "numero", "dom", "d", "house",
];

/// Markers of a premise (the number after them is the building).
const PREMISE_MARKERS: &[&str] = &[
    "bld", "bldg", "block", "blk", "building", "korpus", "k", "stroenie", "plot", "km", "tower",
];

/// Markers of a sub-premise: the number after them is a floor, room, office or unit inside the
/// building. Different units of one building are different tenants (a business centre).
const UNIT_MARKERS: &[&str] = &[
    "apt",
    "apartment",
    "etage",
    "fl",
    "flat",
    "floor",
    "flr",
    "kv",
    "of",
    "off",
    "office",
    "ofc",
    "rm",
    "room",
    "ste",
    "suite",
    "unit",
    "pom",
    "pomeshchenie",
];

/// Words too common in addresses to tell two apart.
const FILLER: &[&str] = &[
    "and", "at", "c", "de", "del", "der", "die", "du", "im", "in", "la", "le", "of", "p", "o",
    "po", "box", "pobox", "postal", "post", "the", "to", "y",
    // `г.`, `гор.`, `город` (city) before a Russian city's name.
    "gor", "gorod",
    // Directions: `S.` and `South` are written either way, and the house number decides.
    "north", "south", "east", "west", "ne", "nw", "se", "sw",
];

/// An address reduced to what identifies premises.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AddressForm {
    /// ISO alpha-2 country, when known.
    pub country: Option<String>,
    /// Street and place words, folded; street types in their one spelling.
    pub words: Vec<String>,
    /// House, building and P.O. box numbers (digits, with a trailing letter: `12a`).
    pub premises: Vec<String>,
    /// Floor, room, office and suite numbers, each after its kind (`floor:4`, `room:12`).
    pub units: Vec<String>,
    /// Postal codes (numbers longer than a premise number).
    pub postcodes: Vec<String>,
    /// Of `words`, those that came only from a party's `city` field: they place the address
    /// but cannot be all it has in common with a listed one.
    pub locality: Vec<String>,
}

impl AddressForm {
    /// Whether the address names premises: a premise number and a street or place word. A
    /// bare city or country does not, and is never compared (it would match every party of
    /// that city).
    pub fn street_level(&self) -> bool {
        self.country.is_some()
            && !self.premises.is_empty()
            && (self.has_box()
                || self
                    .words
                    .iter()
                    .any(|w| !is_street_type(w) && !self.locality.contains(w)))
    }

    /// Whether a P.O. box number is among the premises: a box, with its town, is an address
    /// of its own even without a street.
    fn has_box(&self) -> bool {
        self.premises.iter().any(|p| p.starts_with("box-"))
    }
}

impl AddressForm {
    /// The parsed form in one line for evidence: country, words, then the numbers by kind
    /// (`DE: haupt st berlin; no. 12; postcode 10115`).
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{}: {}",
            self.country.as_deref().unwrap_or("??"),
            self.words.join(" ")
        );
        // Units without their kind, as written before kinds were told apart.
        let units: Vec<String> = self
            .units
            .iter()
            .map(|u| u.split_once(':').map_or(u.as_str(), |(_, n)| n).to_string())
            .collect();
        for (label, numbers) in [
            ("no.", &self.premises),
            ("unit", &units),
            ("postcode", &self.postcodes),
        ] {
            if !numbers.is_empty() {
                out.push_str(&format!("; {label} {}", numbers.join(" ")));
            }
        }
        out
    }
}

/// Words that name a building or an area rather than a party, for a part of an address that
/// has no number: `Bank Melli Building`, `Dubai Airport Free Zone`, `Trade Centre`,
/// `Jianguomenwai Diplomatic Housing Compound` (which met `HOUSING BANK IRAN` at 0.75 when
/// read as a name, on the 2019 SDN's own addresses).
const PLACE_WORDS: &[&str] = &[
    "airport",
    "apartments",
    "area",
    "bazaar",
    "campus",
    "center",
    "centre",
    "city",
    "colony",
    "complex",
    "compound",
    "district",
    "estate",
    "gardens",
    "haus",
    "heights",
    "hotel",
    "house",
    "housing",
    "industrial",
    "mall",
    "market",
    "nagar",
    "oblast",
    "park",
    "plaza",
    "port",
    "quarter",
    "region",
    "residence",
    "residential",
    "sector",
    "souk",
    "souq",
    "township",
    "towers",
    "village",
    "villas",
    "zone",
];

/// `text` with the dots, number signs, slashes and hyphens that separate an address's words
/// (`No.27`, `#5`, `P.O.Box`) written as spaces; fold keeps letters and digits.
fn separators_as_spaces(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '.' | '#' | '/' | '-') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Whether a part of an address names a street or a place rather than a party: a street type
/// (also inside a compound, `Hauptstrasse`), a premise or unit word (`Tower`, `Office`), or
/// a word such as `Centre`, `Zone`, `Region` ([`PLACE_WORDS`]). A care-of reading of the
/// address's first part leaves such a part alone: `Bank Street` is where, not who. A marker
/// of two or three letters (`of`, `no`, `k`, `apt`) marks a place only before a number: `Bank
/// of Kunlun` is a party, `Of. 12` an office.
pub fn names_a_place(text: &str) -> bool {
    let spaced = separators_as_spaces(text);
    let folded = fold(&spaced);
    let words: Vec<&str> = folded.split(' ').collect();
    words.iter().enumerate().any(|(i, w)| {
        let before_number = words
            .get(i + 1)
            .is_some_and(|next| next.bytes().any(|b| b.is_ascii_digit()));
        street_type(w).is_some()
            || split_compound(w).is_some()
            || (is_marker(w) && (w.len() >= 4 || before_number))
            || PLACE_WORDS.contains(w)
    })
}

/// A word that says the number after it is a house, a building or a unit.
fn is_marker(word: &str) -> bool {
    PREMISE_MARKERS.contains(&word)
        || UNIT_MARKERS.contains(&word)
        || NUMBER_MARKERS.contains(&word)
}

/// The name written after a word such as `for`, `bei` or `on behalf of` in a part of an
/// address, with the place the same part goes on to cut off: `Mahan Air Office 12` is `Mahan
/// Air`, `Shahid Hemmat Industrial Group` stays whole (a place word inside a name is part of
/// it). None when what follows is a place: it starts with a street, a number or a unit
/// (`bei Hauptstr. 5`), ends with a place word (`Jebel Ali Free Zone`, `Bank Melli Building`),
/// or leaves a single word before a place (`for Bank Street 5`).
pub fn name_before_place(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let folded: Vec<Vec<String>> = words
        .iter()
        .map(|w| {
            fold(&separators_as_spaces(w))
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    let has_digit = |i: usize| {
        words
            .get(i)
            .is_some_and(|w| w.chars().any(char::is_numeric))
    };
    let starts_place = |i: usize| {
        has_digit(i)
            || folded[i].iter().any(|t| {
                street_type(t).is_some()
                    || split_compound(t).is_some()
                    || (is_marker(t) && has_digit(i + 1))
            })
    };
    let cut = (0..words.len())
        .find(|&i| starts_place(i))
        .unwrap_or(words.len());
    let kept = words.get(..cut)?;
    let last = folded.get(cut.checked_sub(1)?)?;
    let ends_in_place = last
        .iter()
        .any(|t| PLACE_WORDS.contains(&t.as_str()) || PREMISE_MARKERS.contains(&t.as_str()));
    if ends_in_place || (cut < words.len() && kept.len() < 2) {
        return None;
    }
    Some(kept.join(" "))
}

fn is_street_type(word: &str) -> bool {
    STREET_TYPES.iter().any(|(_, canon)| *canon == word)
}

fn street_type(word: &str) -> Option<&'static str> {
    STREET_TYPES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, canon)| *canon)
}

/// `hauptstrasse` → `haupt` + `strasse`, `hauptstr` → `haupt` + `str`: the compound and the
/// abbreviation written apart meet the same words.
fn split_compound(word: &str) -> Option<(&str, &'static str)> {
    for suffix in ["strasse", "straat", "gasse", "str"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.len() >= 3 && stem.bytes().all(|b| b.is_ascii_lowercase()) {
                return Some((stem, suffix));
            }
        }
    }
    None
}

/// Which part a number belongs to, by the marker before it.
#[derive(Clone, Copy, PartialEq)]
enum Marker {
    None,
    Premise,
    Unit(UnitKind),
    Box,
}

/// What kind of sub-premise a unit number is: two units of one kind that differ are different
/// tenants (`Suite 10, 4th Floor` is not `Suite 8, 4th Floor`), while a floor and a room with
/// the same number say nothing against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Floor,
    Room,
}

impl UnitKind {
    fn of(marker: &str) -> UnitKind {
        match marker {
            "etage" | "fl" | "floor" | "flr" => UnitKind::Floor,
            _ => UnitKind::Room,
        }
    }

    /// The prefix a unit number of this kind is kept under in [`AddressForm::units`].
    fn prefix(self) -> &'static str {
        match self {
            UnitKind::Floor => "floor:",
            UnitKind::Room => "room:",
        }
    }
}

/// Reads one part of an address (a street line, or a locality such as `Tehran 15946`) into
/// `form`. `premises` says whether short numbers are premise numbers here (a street line) or
/// only postal codes (the party's city field).
fn read_part(text: &str, premises: bool, form: &mut AddressForm) {
    let spaced = separators_as_spaces(text);
    let folded = fold(&spaced);
    let mut marker = Marker::None;
    let mut words: Vec<&str> = Vec::new();
    for raw in folded.split(' ') {
        // `27a`, `12b`: a house number with its letter is one number; `no27` its marker joined.
        let (head, digits) = split_letters_digits(raw);
        if let Some(d) = digits {
            if !head.is_empty() {
                words.push(head);
            }
            words.push(d);
        } else {
            words.push(raw);
        }
    }
    let mut i = 0;
    while let Some(&w) = words.get(i) {
        i += 1;
        if w.is_empty() {
            continue;
        }
        if w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            // A single letter right after a number is its suffix (`12 a`).
            let mut number = w.to_string();
            if let Some(next) = words.get(i) {
                // Not `n`, `s`, `e`, `w`: `3037 S 69th Drive` is south, not house 3037s. Not
                // a `g` before a word: `65 г Москва` is `г.` (city) before the city's name, not
                // house 65г.
                let city_marker = *next == "g"
                    && words
                        .get(i + 1)
                        .is_some_and(|after| after.len() >= 2 && !starts_digit(after));
                if next.len() == 1
                    && !city_marker
                    && next
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() && !b"nsew".contains(&b))
                    && w.bytes().all(|b| b.is_ascii_digit())
                {
                    number.push_str(next);
                    i += 1;
                }
            }
            // `2nd floor`, `3 etage`: the marker after the number makes it a unit.
            if let Some(kind) = words
                .get(i)
                .filter(|n| marker == Marker::None && UNIT_MARKERS.contains(n))
                .map(|n| UnitKind::of(n))
            {
                marker = Marker::Unit(kind);
                i += 1;
            } else if is_ordinal(w) {
                // `69th Drive`, `6th Ave`: the ordinal names the street.
                push_word(form, w);
                marker = Marker::None;
                continue;
            }
            let digit_count = number.bytes().filter(u8::is_ascii_digit).count();
            // A box number is a premise of its own kind: `Box 12` is not house 12.
            if marker == Marker::Box {
                number = format!("box-{number}");
            }
            if let Marker::Unit(kind) = marker {
                // `4th Floor` is `Floor 4`.
                if is_ordinal(&number) {
                    number.retain(|c| c.is_ascii_digit());
                }
                number = format!("{}{number}", kind.prefix());
            }
            let target = match marker {
                Marker::Unit(_) => &mut form.units,
                Marker::Box => &mut form.premises,
                Marker::Premise if premises => &mut form.premises,
                _ if premises && digit_count <= MAX_PREMISE_DIGITS => &mut form.premises,
                _ if digit_count > MAX_PREMISE_DIGITS => &mut form.postcodes,
                // A short number in a locality: a postal code of four digits or fewer.
                _ => &mut form.postcodes,
            };
            if target.len() < MAX_NUMBERS && !target.contains(&number) {
                target.push(number);
            }
            marker = Marker::None;
            continue;
        }
        if NUMBER_MARKERS.contains(&w) {
            continue;
        }
        if UNIT_MARKERS.contains(&w) {
            marker = Marker::Unit(UnitKind::of(w));
            continue;
        }
        if w == "box" || w == "pobox" || w == "postfach" {
            marker = Marker::Box;
            continue;
        }
        if PREMISE_MARKERS.contains(&w) {
            match words.get(i) {
                Some(n) if starts_digit(n) => {
                    marker = Marker::Premise;
                    continue;
                }
                // `Tower B`, `Block C`: the lettered building is a premise of its own.
                Some(n) if n.len() == 1 && premises => {
                    let named = format!("bldg-{n}");
                    if form.premises.len() < MAX_NUMBERS && !form.premises.contains(&named) {
                        form.premises.push(named);
                    }
                    i += 1;
                    continue;
                }
                // `Elenion Bldg.`: the word says only that a building follows or precedes.
                _ => continue,
            }
        }
        marker = Marker::None;
        if FILLER.contains(&w) {
            continue;
        }
        if let Some(canon) = street_type(w) {
            push_word(form, canon);
            continue;
        }
        if let Some((stem, suffix)) = split_compound(w) {
            push_word(form, stem);
            if let Some(canon) = street_type(suffix) {
                push_word(form, canon);
            }
            continue;
        }
        // Single letters (`S.` for south, initials) say too little to compare.
        if w.len() >= 2 {
            push_word(form, w);
        }
    }
}

/// `1st`, `2nd`, `3rd`, `69th`.
fn is_ordinal(w: &str) -> bool {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(w.get(digits..), Some("st" | "nd" | "rd" | "th"))
}

fn starts_digit(w: &str) -> bool {
    w.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// `no27` → (`no`, `27`), `27a` → (``, `27a`), `lenin` → (`lenin`, None).
fn split_letters_digits(word: &str) -> (&str, Option<&str>) {
    match word.find(|c: char| c.is_ascii_digit()) {
        Some(0) | None => (word, None),
        Some(at) => {
            let (head, tail) = word.split_at(at);
            if NUMBER_MARKERS.contains(&head)
                || UNIT_MARKERS.contains(&head)
                || PREMISE_MARKERS.contains(&head)
            {
                (head, Some(tail))
            } else {
                (word, None)
            }
        }
    }
}

/// The most words kept of one address: real addresses have a dozen; a hostile one with
/// thousands would make every comparison cost their product.
pub const MAX_WORDS: usize = 48;

/// The most numbers of each kind kept of one address.
pub const MAX_NUMBERS: usize = 16;

/// City names written in English, German, French, Italian or Spanish that are far from the
/// transliteration of the city's own name, folded, with that transliteration: a party writes
/// `Moscow` where a list taken from a Russian register writes `Москва` (`moskva`), and the
/// two words are too far apart to meet as spellings of one.
const CITY_EXONYMS: &[(&str, &str)] = &[
    ("archangel", "arkhangelsk"),
    ("mosca", "moskva"),
    ("moscou", "moskva"),
    ("moscow", "moskva"),
    ("moscu", "moskva"),
    ("moskau", "moskva"),
];

fn push_word(form: &mut AddressForm, word: &str) {
    let word = CITY_EXONYMS
        .iter()
        .find(|(exonym, _)| *exonym == word)
        .map_or(word, |(_, own)| own);
    if form.words.len() < MAX_WORDS && !form.words.iter().any(|w| w == word) {
        form.words.push(word.to_string());
    }
}

/// Drops words that name the address's own country (`Armenia` in `Komitas 26, Yerevan,
/// Armenia, AM`): they are in every address of the country.
fn drop_country_words(form: &mut AddressForm) {
    if let Some(country) = form.country.clone() {
        form.words
            .retain(|w| w.len() <= 2 || countries::to_iso2(w) != Some(country.as_str()));
    }
}

/// Parses a list address: one line whose comma-separated parts run from street to country
/// (`3 Str. Clinceni Depozitul, C10, Ilfov 70000, Romania`). The last part is the country when
/// it names one (a two-letter code only if `entry_countries` holds it, since `AZ` may be a US
/// state); otherwise the entry's one country, if it has exactly one.
pub fn parse_listed(text: &str, entry_countries: &[String]) -> AddressForm {
    let mut parts: Vec<&str> = text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut form = AddressForm::default();
    if let Some(last) = parts.last() {
        let code = countries::to_iso2(last)
            .filter(|code| last.trim().len() != 2 || entry_countries.iter().any(|c| c == code));
        if let Some(code) = code {
            form.country = Some(code.to_string());
            parts.pop();
        }
    }
    if form.country.is_none() {
        if let [only] = entry_countries {
            form.country = Some(only.clone());
        }
    }
    for part in parts {
        read_part(part, true, &mut form);
    }
    drop_country_words(&mut form);
    form
}

/// Parses an order party's address: the `address` line (street, building, perhaps postal code
/// and city), the `city` field, and the ISO `country` code.
pub fn parse_party(address: &str, city: Option<&str>, country: Option<&str>) -> AddressForm {
    let mut form = AddressForm {
        country: country.and_then(countries::to_iso2).map(str::to_string),
        ..AddressForm::default()
    };
    let mut parts: Vec<&str> = address
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // A country written at the end of the address line is the party's country, not a word.
    if let Some(last) = parts.last() {
        if parts.len() > 1 && last.len() > 2 {
            if let Some(code) = countries::to_iso2(last) {
                if form.country.is_none() {
                    form.country = Some(code.to_string());
                }
                parts.pop();
            }
        }
    }
    for part in parts {
        read_part(part, true, &mut form);
    }
    if let Some(city) = city {
        let mut place = AddressForm::default();
        read_part(city, false, &mut place);
        for w in place.words {
            if !form.words.contains(&w) {
                form.locality.push(w.clone());
                push_word(&mut form, &w);
            }
        }
        for p in place.postcodes {
            if form.postcodes.len() < MAX_NUMBERS && !form.postcodes.contains(&p) {
                form.postcodes.push(p);
            }
        }
    }
    drop_country_words(&mut form);
    form
}

/// Whether addresses of `country` are written in Cyrillic at home, so a party's Latin address
/// may be a German transliteration of the listed one.
fn writes_cyrillic(country: Option<&str>) -> bool {
    matches!(
        country,
        Some("RU" | "BY" | "UA" | "KZ" | "KG" | "TJ" | "MN" | "BG" | "RS" | "MK")
    )
}

/// How a party's address compares with a listed address.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressScore {
    /// `0..=1`: the weighted share of the party's words found in the listed address; 0 when a
    /// number, the country or a postal code contradicts.
    pub score: f64,
    /// Words of the party's address found, with the listed word each met.
    pub pairs: Vec<(String, String)>,
}

/// Compares a party's address with a listed one. Asymmetric on purpose: list addresses are
/// fuller (district, province, P.O. box beside the street), so the listed address may hold
/// more than the party's, but not less, and nothing in it may contradict the party's.
pub fn compare(party: &AddressForm, listed: &AddressForm) -> AddressScore {
    let zero = AddressScore {
        score: 0.0,
        pairs: Vec::new(),
    };
    if !party.street_level() || !listed.street_level() || party.country != listed.country {
        return zero;
    }
    // Another house number is another building on the same street.
    if !party.premises.iter().all(|n| listed.premises.contains(n)) {
        return zero;
    }
    let disjoint = |a: &[String], b: &[String]| {
        !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x))
    };
    // Another suite of the same building is another tenant; another floor too, unless a room
    // number agrees (a wrong floor beside the listed suite must not hide it; floor 4 and suite 4
    // are not in conflict). Another postal code is another place.
    fn units(form: &AddressForm, kind: UnitKind) -> impl Iterator<Item = &String> {
        form.units
            .iter()
            .filter(move |u| u.starts_with(kind.prefix()))
    }
    let given = |kind| units(party, kind).next().is_some() && units(listed, kind).next().is_some();
    let agree = |kind| units(party, kind).any(|u| units(listed, kind).any(|l| l == u));
    let rooms_conflict = given(UnitKind::Room) && !agree(UnitKind::Room);
    let floors_conflict =
        given(UnitKind::Floor) && !agree(UnitKind::Floor) && !agree(UnitKind::Room);
    let units_conflict = rooms_conflict || floors_conflict;
    if units_conflict || disjoint(&party.postcodes, &listed.postcodes) {
        return zero;
    }
    let listed_has_type = listed.words.iter().any(|w| is_street_type(w));
    let mut total = 0.0;
    let mut earned = 0.0;
    let mut distinctive = false;
    let mut pairs = Vec::new();
    for w in &party.words {
        let is_type = is_street_type(w);
        let weight = if is_type { STREET_TYPE_WEIGHT } else { 1.0 };
        total += weight;
        if is_type {
            // A street type the list leaves out is no contradiction.
            if !listed_has_type || listed.words.contains(w) {
                earned += weight;
            }
            continue;
        }
        // The listed word most like `word`, with its similarity.
        let most_like = |word: &str| {
            listed
                .words
                .iter()
                .filter(|l| !is_street_type(l))
                .map(|l| (token_similarity(word, l), l))
                .fold(None::<(f64, &String)>, |best, (s, l)| match best {
                    Some((b, _)) if b >= s => best,
                    _ => Some((s, l)),
                })
        };
        let best = most_like(w);
        // A street or place of a country that writes Cyrillic, as German transliterates it
        // (`Profsojusnaja` for `Профсоюзная`, listed `profsoyuznaya`), read back as the lists
        // write it when the word as written meets no listed word.
        let best = match best {
            Some((sim, _)) if sim >= WORD_SIM_MIN => best,
            _ if writes_cyrillic(party.country.as_deref()) => {
                match (best, most_like(&super::german_spelling::read_word(w))) {
                    (Some((b, _)), Some((r, _))) if b >= r => best,
                    (_, None) => best,
                    (_, read) => read,
                }
            }
            _ => best,
        };
        if let Some((sim, l)) = best {
            if sim >= WORD_SIM_MIN {
                earned += weight * sim;
                // The city alone is not enough: `Str. 5, Berlin` must not meet every
                // `5` of Berlin.
                if w.len() >= 3 && !party.locality.contains(w) {
                    distinctive = true;
                }
                pairs.push((w.clone(), l.clone()));
            }
        }
    }
    // Every premise of the party's is in the listed address, so a box number agrees.
    if party.has_box() {
        distinctive = true;
    }
    if !distinctive || total <= 0.0 {
        return zero;
    }
    AddressScore {
        score: (earned / total).clamp(0.0, 1.0),
        pairs,
    }
}
