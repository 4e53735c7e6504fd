//! Facts hidden in free-text remarks and ID cells: identifiers with their schemes and issuing
//! countries, weak aliases (`a.k.a. 'X'`), nationality and citizenship.
//!
//! OFAC puts identifiers in the remarks as `Label Value (Country)` items separated by `; `, and
//! the CSL repeats them as `Label, Value, CC`. Both go through one label table, so a Russian
//! `Tax ID No.` becomes `RU-INN` whichever file it came from. Labels not in the table (dates of
//! birth, e-mail, directives ...) are deliberately not treated as identifiers.

use super::super::countries;
use super::super::ids::refine_scheme;
use super::super::model::PartyId;

/// Identifier labels as OFAC and the CSL write them, and the scheme each stands for.
/// Longer labels first where one is a prefix of another.
const ID_LABELS: &[(&str, &str)] = &[
    ("Unified Social Credit Code (USCC)", "CN-USCC"),
    ("Vessel Registration Identification IMO", "IMO"),
    ("Identification Number IMO", "IMO"),
    ("Company Number IMO", "IMO"),
    ("Business Registration Document #", "REGISTRATION"),
    ("Business Registration Number", "REGISTRATION"),
    ("Certificate of Incorporation Number", "REGISTRATION"),
    ("Chamber of Commerce Number", "REGISTRATION"),
    ("Commercial Registry Number", "REGISTRATION"),
    ("Dubai Chamber of Commerce Membership No.", "REGISTRATION"),
    ("Public Registration Number", "REGISTRATION"),
    ("Registration Number", "REGISTRATION"),
    ("Registration ID", "REGISTRATION"),
    ("UK Company Number", "REGISTRATION"),
    ("Company Number", "REGISTRATION"),
    ("Folio Mercantil No.", "REGISTRATION"),
    ("Matricula Mercantil No", "REGISTRATION"),
    ("Branch Unit Number", "REGISTRATION"),
    ("C.R. No.", "REGISTRATION"),
    ("Trade License No.", "TRADE-LICENSE"),
    ("Government Gazette Number", "GOV-GAZETTE"),
    ("Tax ID No.", "TAX-ID"),
    ("US FEIN", "US-EIN"),
    ("V.A.T. Number", "VAT"),
    ("VAT Number", "VAT"),
    ("Italian Fiscal Code", "IT-FISCAL-CODE"),
    ("Legal Entity Number", "LEI"),
    ("LE Number", "LEI"),
    ("D-U-N-S Number", "DUNS"),
    ("SWIFT/BIC", "SWIFT-BIC"),
    ("BIK (RU)", "RU-BIK"),
    ("National Foreign ID Number", "NATIONAL-ID"),
    ("National ID No.", "NATIONAL-ID"),
    ("Personal ID Card", "NATIONAL-ID"),
    ("Citizen's Card Number", "NATIONAL-ID"),
    ("Tazkira National ID Card", "NATIONAL-ID"),
    ("Turkish Identificiation Number", "NATIONAL-ID"),
    ("Kenyan ID No.", "NATIONAL-ID"),
    ("Numero de Identidad", "NATIONAL-ID"),
    ("Cedula No.", "NATIONAL-ID"),
    ("D.N.I.", "NATIONAL-ID"),
    ("Identification Number", "ID"),
    ("Diplomatic Passport", "PASSPORT"),
    ("Passport", "PASSPORT"),
    ("Travel Document Number", "TRAVEL-DOC"),
    ("Residency Number", "RESIDENCY"),
    ("Birth Certificate Number", "BIRTH-CERT"),
    ("Driver's License No.", "DRIVERS-LICENSE"),
    ("Electoral Registry No.", "VOTER-ID"),
    ("Credencial electoral", "VOTER-ID"),
    ("I.F.E.", "VOTER-ID"),
    ("SSN", "US-SSN"),
    ("C.U.R.P.", "MX-CURP"),
    ("R.F.C.", "MX-RFC"),
    ("RFC", "MX-RFC"),
    ("NIT #", "CO-NIT"),
    ("RUC #", "RUC"),
    ("RIF #", "VE-RIF"),
    ("C.U.I.T.", "AR-CUIT"),
    ("C.I.F.", "ES-CIF"),
    ("RTN", "HN-RTN"),
    ("Registered Charity No.", "CHARITY"),
    ("MMSI", "MMSI"),
    ("IMO", "IMO"),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        "AIRCRAFT-MSN",
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "AIRCRAFT-MSN",
    ),
    ("Aircraft Tail Number", "AIRCRAFT-TAIL"),
    ("Aircraft Mode S Transponder Code", "AIRCRAFT-MODE-S"),
];

const CRYPTO_LABEL: &str = "Digital Currency Address - ";

/// What the remarks say besides prose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemarkFacts {
    /// Identifiers found.
    pub ids: Vec<PartyId>,
    /// Weak aliases (`a.k.a. 'X'`, `f.k.a. 'X'`, `n.k.a. 'X'`).
    pub weak_aliases: Vec<String>,
    /// ISO alpha-2 codes from `nationality X` and `citizen X`.
    pub countries: Vec<String>,
}

/// Matches `label` at the start of `item`, ignoring case, at a word boundary.
fn strip_label<'a>(item: &'a str, label: &str) -> Option<&'a str> {
    let head = item.get(..label.len())?;
    if !head.eq_ignore_ascii_case(label) {
        return None;
    }
    let rest = &item[label.len()..];
    if rest.is_empty() || rest.starts_with([' ', ',', ':']) || label.ends_with(' ') {
        Some(rest.trim_start_matches([' ', ',', ':']))
    } else {
        None
    }
}

/// The scheme for an identifier label and the text after it.
fn scheme_and_rest(item: &str) -> Option<(String, &str)> {
    if let Some(rest) = strip_label(item, CRYPTO_LABEL) {
        let (currency, value) = rest.split_once(' ').unwrap_or((rest, ""));
        return Some((
            format!("CRYPTO-{}", currency.trim().to_ascii_uppercase()),
            value,
        ));
    }
    ID_LABELS
        .iter()
        .find_map(|(label, scheme)| strip_label(item, label).map(|r| (scheme.to_string(), r)))
}

/// Parses one identifier item: `Label Value (Country) ...` or, with `csv_style`,
/// `Label, Value, CC`. `fallback_country` is used to refine the scheme when the item has none.
pub fn parse_id_item(
    item: &str,
    csv_style: bool,
    fallback_country: Option<&str>,
) -> Option<PartyId> {
    let item = item.trim().trim_end_matches('.');
    let item = item.strip_prefix("alt. ").unwrap_or(item);
    let (scheme, rest) = scheme_and_rest(item)?;
    let (value, country) = if csv_style {
        let mut parts = rest.split(',').map(str::trim);
        let value = parts.next().unwrap_or("").to_string();
        let country = parts.find_map(countries::to_iso2);
        (value, country)
    } else {
        let end = [" (", ", ", " issued", " expires", " Expires", " Issued"]
            .iter()
            .filter_map(|m| rest.find(m))
            .min()
            .unwrap_or(rest.len());
        let value = rest[..end].trim().to_string();
        let country = rest[end..]
            .split('(')
            .skip(1)
            .filter_map(|g| g.split(')').next())
            .find_map(countries::to_iso2);
        (value, country)
    };
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    if value.is_empty() || (!has_digit && scheme != "SWIFT-BIC") {
        return None;
    }
    // "UK Company Number" names its country in the label, not in parentheses.
    let country = country
        .or_else(|| item.starts_with("UK ").then_some("GB"))
        .or(fallback_country);
    let scheme = refine_scheme(&scheme, &value, country);
    Some(PartyId {
        scheme,
        value,
        country: country.map(str::to_string),
    })
}

/// Extracts identifiers, weak aliases and nationalities from OFAC-style remarks.
pub fn parse_remarks(remarks: &str) -> RemarkFacts {
    let mut facts = RemarkFacts::default();
    for raw in remarks.split(';') {
        let item = raw.trim();
        let item = item.strip_suffix('.').unwrap_or(item).trim();
        if item.is_empty() {
            continue;
        }
        let lower = item.to_ascii_lowercase();
        if let Some(alias) = ["a.k.a. ", "f.k.a. ", "n.k.a. "]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| &item[p.len()..]))
        {
            let alias = alias.trim().trim_matches(|c| c == '\'' || c == '"').trim();
            if !alias.is_empty() {
                facts.weak_aliases.push(alias.to_string());
            }
            continue;
        }
        let country_text = lower
            .strip_prefix("nationality ")
            .or_else(|| lower.strip_prefix("citizen "))
            .or_else(|| lower.strip_prefix("alt. nationality "))
            .or_else(|| lower.strip_prefix("alt. citizen "));
        if let Some(c) = country_text {
            if let Some(code) = countries::to_iso2(c) {
                if !facts.countries.iter().any(|x| x == code) {
                    facts.countries.push(code.to_string());
                }
            }
            continue;
        }
        if let Some(id) = parse_id_item(item, false, None) {
            facts.ids.push(id);
        }
    }
    facts
}
