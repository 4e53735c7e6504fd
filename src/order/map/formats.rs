//! Value formats of a map file's columns: how an ERP writes a date, a number, a country or a
//! currency, and the conversion of each cell to the form order records use (`YYYY-MM-DD`,
//! `1050000.00`, `CN`, `USD`). A cell that does not fit its declared format is a record
//! problem naming the format expected; nothing is guessed and nothing is blanked.

use chrono::format::{Fixed, Item, Numeric, StrftimeItems};
use chrono::NaiveDate;

use super::super::country_names::{country_of_name, CountryName};
use super::super::iso::CURRENCIES;
use super::super::normalize::{codes, quote};

/// How the cells of one column are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueFormat {
    /// A date in a strftime pattern (`%d/%m/%Y`).
    Date(String),
    /// A date as an Excel serial day number (`45693` is 2025-02-05).
    Serial,
    /// A number with this decimal separator and, if any, this thousands separator.
    Number {
        /// `.` or `,`.
        decimal: char,
        /// `,`, `.`, ` `, `'` or none.
        thousands: Option<char>,
    },
    /// A country as an ISO code (alpha-2 or alpha-3) or an English name, or a spelling of
    /// the exporter's own.
    CountryName {
        /// Lowercased spelling to ISO alpha-2 code, in map-file order.
        names: Vec<(String, String)>,
    },
    /// A currency as an ISO code or a symbol; `symbols` settles the symbols that stand for
    /// several currencies (`$`, `£`, `¥`), each as the map file chose.
    CurrencySymbol {
        /// Symbol to ISO 4217 code, in map-file order.
        symbols: Vec<(String, String)>,
    },
}

/// What a workbook cell held before it became text: typed dates and numbers are already in
/// the record's form and skip the text formats that would read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// Text, as every CSV cell is.
    Text,
    /// A number, written as its shortest decimal.
    Number,
    /// A date or date-time, written `YYYY-MM-DD` (`THH:MM:SS` when it has a time).
    Date,
}

/// Symbols that name one currency only.
const SYMBOLS: &[(&str, &str)] = &[
    ("A$", "AUD"),
    ("AU$", "AUD"),
    ("CA$", "CAD"),
    ("HK$", "HKD"),
    ("MX$", "MXN"),
    ("NT$", "TWD"),
    ("NZ$", "NZD"),
    ("R$", "BRL"),
    ("S$", "SGD"),
    ("US$", "USD"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
    ("€", "EUR"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("₪", "ILS"),
    ("₫", "VND"),
    ("฿", "THB"),
    ("₴", "UAH"),
    ("₦", "NGN"),
    ("元", "CNY"),
    ("円", "JPY"),
];

/// Symbols that several currencies use, with the ones they may stand for. Among them are
/// currencies of embargoed destinations (the Syrian pound is written `£`, the North Korean won
/// `₩`, the Iranian rial `﷼`), so a map must choose for each, never the loader.
pub(crate) const AMBIGUOUS_SYMBOLS: &[(&str, &[&str])] = &[
    (
        "$",
        &[
            "USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP", "CUP",
        ],
    ),
    ("C$", &["CAD", "NIO"]),
    (
        "£",
        &[
            "GBP", "EGP", "LBP", "SYP", "SDG", "SSP", "FKP", "GIP", "SHP",
        ],
    ),
    ("¥", &["JPY", "CNY"]),
    ("￥", &["JPY", "CNY"]),
    ("₩", &["KRW", "KPW"]),
    ("₱", &["PHP", "CUP"]),
    ("﷼", &["IRR", "SAR", "OMR", "QAR", "YER"]),
    ("kr", &["SEK", "NOK", "DKK", "ISK"]),
];

/// The one currency an unambiguous symbol stands for.
pub(crate) fn symbol_currency(symbol: &str) -> Option<&'static str> {
    SYMBOLS
        .iter()
        .find(|(s, _)| *s == symbol)
        .map(|(_, code)| *code)
}

/// The currencies an ambiguous symbol may stand for.
pub(crate) fn ambiguous_symbol(symbol: &str) -> Option<&'static [&'static str]> {
    AMBIGUOUS_SYMBOLS
        .iter()
        .find(|(s, _)| *s == symbol)
        .map(|(_, codes)| *codes)
}

/// The upper-case code when `text` is an active ISO 4217 code in any case.
pub(crate) fn iso_currency(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    (upper.len() == 3 && CURRENCIES.binary_search(&upper.as_str()).is_ok()).then_some(upper)
}

/// Why a date pattern cannot be used, if it cannot.
pub(crate) fn date_pattern_problem(pattern: &str) -> Option<String> {
    let (mut day, mut month, mut year) = (false, false, false);
    for item in StrftimeItems::new(pattern) {
        match item {
            Item::Error => {
                return Some(format!(
                    "`{}` is not a date pattern (strftime: `%d`, `%m`, `%Y`, `%b`...)",
                    quote(pattern)
                ))
            }
            Item::Numeric(Numeric::Day, _) => day = true,
            Item::Numeric(Numeric::Month, _) => month = true,
            Item::Fixed(Fixed::ShortMonthName | Fixed::LongMonthName) => month = true,
            Item::Numeric(Numeric::Year, _) => year = true,
            Item::Numeric(Numeric::YearMod100, _) => {
                return Some(format!(
                "`{}` has a two-digit year (`%y`), which would be a guess at the century; use `%Y`",
                quote(pattern)
            ))
            }
            _ => {}
        }
    }
    if day && month && year {
        None
    } else {
        Some(format!(
            "`{}` does not name the day, the month and the four-digit year (`%d`, `%m` or `%b`, `%Y`)",
            quote(pattern)
        ))
    }
}

/// Why a pair of separators cannot be used, if it cannot.
pub(crate) fn number_format_problem(decimal: char, thousands: Option<char>) -> Option<String> {
    if !matches!(decimal, '.' | ',') {
        return Some(format!(
            "the decimal separator `{decimal}` is not `.` or `,`"
        ));
    }
    match thousands {
        Some(t) if t == decimal => Some(format!(
            "the decimal and thousands separators are both `{decimal}`, so `1{decimal}000` could be read either way"
        )),
        Some(t) if !matches!(t, '.' | ',' | ' ' | '\'' | '’') => Some(format!(
            "the thousands separator `{t}` is not `,`, `.`, a space or `'`"
        )),
        _ => None,
    }
}

/// A cell that does not fit its column's format: the record problem's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Misfit {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl ValueFormat {
    /// The format in words, as messages name what was expected.
    pub fn describe(&self) -> String {
        match self {
            ValueFormat::Date(pattern) => format!("a date `{}`", quote(pattern)),
            ValueFormat::Serial => "an Excel serial date number".into(),
            ValueFormat::Number { decimal, thousands } => {
                let example = match thousands {
                    Some(t) => format!("1{t}234{t}567{decimal}89"),
                    None => format!("1234567{decimal}89"),
                };
                format!("a number like `{example}`")
            }
            ValueFormat::CountryName { .. } => "a country name or ISO code".into(),
            ValueFormat::CurrencySymbol { .. } => "an ISO currency code or symbol".into(),
        }
    }

    /// The cell in the record's form, or why it does not fit.
    pub(crate) fn convert(&self, text: &str, kind: CellKind) -> Result<String, Misfit> {
        let misfit = |code: &'static str, why: String| Misfit {
            code,
            message: format!("`{}` is not {}: {why}", quote(text), self.describe()),
        };
        match (self, kind) {
            (ValueFormat::Date(_) | ValueFormat::Serial, CellKind::Date) => Ok(text.to_string()),
            (ValueFormat::Date(pattern), CellKind::Text) => {
                NaiveDate::parse_from_str(text, pattern)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .map_err(|e| misfit(codes::DATE, e.to_string()))
            }
            (ValueFormat::Serial, _) => serial_date(text)
                .ok_or_else(|| misfit(codes::DATE, "not a whole day number from 61 on".into())),
            (ValueFormat::Number { .. }, CellKind::Number) => Ok(text.to_string()),
            (ValueFormat::Number { decimal, thousands }, CellKind::Text) => {
                plain_number(text, *decimal, *thousands).map_err(|why| misfit(codes::NUMBER, why))
            }
            (ValueFormat::CountryName { names }, CellKind::Text) => match names
                .iter()
                .find(|(name, _)| *name == text.trim().to_lowercase())
                .map(|(_, code)| Ok(code.as_str()))
                .unwrap_or_else(|| country_of_name(text))
            {
                Ok(code) => Ok(code.to_string()),
                Err(CountryName::Ambiguous(codes)) => Err(misfit(
                    codes::COUNTRY,
                    format!(
                        "the name stands for {}; write the ISO code, or settle the name in the map's `names`",
                        codes.join(" or ")
                    ),
                )),
                Err(CountryName::Region(code)) => Err(misfit(
                    codes::COUNTRY,
                    format!(
                        "the name is a region of {code}, not a country, and reading it as {code} would lose the region; write {code} here and the region's city in the city column"
                    ),
                )),
                Err(CountryName::Unknown) => Err(misfit(
                    codes::COUNTRY,
                    "no country has that name or code".into(),
                )),
            },
            (ValueFormat::CurrencySymbol { symbols }, CellKind::Text) => {
                currency_of(text, symbols).map_err(|why| misfit(codes::CURRENCY, why))
            }
            (_, CellKind::Number | CellKind::Date) => {
                let code = match self {
                    ValueFormat::Date(_) | ValueFormat::Serial => codes::DATE,
                    ValueFormat::Number { .. } => codes::NUMBER,
                    ValueFormat::CountryName { .. } => codes::COUNTRY,
                    ValueFormat::CurrencySymbol { .. } => codes::CURRENCY,
                };
                let held = if kind == CellKind::Date {
                    "a date"
                } else {
                    "a number"
                };
                Err(misfit(code, format!("the workbook cell holds {held}")))
            }
        }
    }
}

/// The currency of a cell: an ISO code, a symbol the map chose, or a symbol of one currency.
fn currency_of(text: &str, chosen: &[(String, String)]) -> Result<String, String> {
    if let Some(code) = iso_currency(text) {
        return Ok(code);
    }
    if let Some((_, code)) = chosen.iter().find(|(symbol, _)| symbol == text) {
        return Ok(code.clone());
    }
    if let Some(code) = symbol_currency(text) {
        return Ok(code.to_string());
    }
    match ambiguous_symbol(text) {
        Some(codes) => Err(format!(
            "`{}` stands for {} among others; choose one in the map's `symbols`",
            quote(text),
            codes.iter().take(4).copied().collect::<Vec<_>>().join(", ")
        )),
        None => Err("no currency has that code or symbol".into()),
    }
}

/// A number written with the given separators, as a plain decimal (`-1050000.00`). Thousands
/// separators must group whole digits in threes; a trailing minus (SAP's `1.000,00-`) is a sign.
fn plain_number(text: &str, decimal: char, thousands: Option<char>) -> Result<String, String> {
    let (negative, body) = match (text.strip_prefix('-'), text.strip_suffix('-')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (true, rest),
        (None, None) => (false, text),
    };
    let (whole, fraction) = match body.split_once(decimal) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(fraction) = fraction {
        if !digits(fraction) {
            return Err(format!(
                "after the decimal separator `{decimal}` come `{}`, not digits only",
                quote(fraction)
            ));
        }
    }
    // `10.500` in a column of `1,234.56` numbers is ten and a half by the declared format, but
    // ten thousand five hundred to whoever exported it the other way; a cash amount read a
    // thousand times too small slips under every threshold. Three decimals after a short
    // whole part with no group separator are refused, not read.
    if let (Some(fraction), Some(t)) = (fraction, thousands) {
        if fraction.len() == 3
            && (1..=3).contains(&whole.len())
            && whole != "0"
            && !whole.contains(t)
        {
            return Err(format!(
                "three decimals after `{}` read like a thousands group of the other convention; write it with fewer or more decimals, or with a thousands separator",
                quote(whole)
            ));
        }
    }
    let is_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
    let groups: Vec<&str> = match thousands {
        Some(t) if is_space(t) => whole.split(is_space).collect(),
        Some(t) => whole.split(t).collect(),
        None => vec![whole],
    };
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err("the thousands separators do not group the digits in threes".into());
    }
    if !groups.iter().all(|g| digits(g)) {
        return Err(match thousands {
            Some(t) => format!("only digits, `{t}` and one `{decimal}` may appear"),
            None => format!("only digits and one `{decimal}` may appear"),
        });
    }
    let mut out = String::with_capacity(text.len());
    if negative {
        out.push('-');
    }
    out.extend(groups);
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    Ok(out)
}

/// The date of an Excel serial day number (1900 date system). Serials below 61 fall before
/// Excel's phantom 29 February 1900 and would be a day off, so they are refused.
fn serial_date(text: &str) -> Option<String> {
    let days: u32 = match text.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b.is_ascii_digit()) => {
            whole.parse().ok()?
        }
        Some(_) => return None,
        None => text.parse().ok()?,
    };
    if days < 61 {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = epoch.checked_add_days(chrono::Days::new(u64::from(days)))?;
    Some(date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let de = |t| plain_number(t, ',', Some('.'));
        assert_eq!(de("64.200,00"), Ok("64200.00".into()));
        assert_eq!(de("1.000,50-"), Ok("-1000.50".into()));
        assert!(de("1,050,000.00").is_err());
        assert!(de("64.20,00").is_err());
        let us = |t| plain_number(t, '.', Some(','));
        assert_eq!(us("1,050,000.00"), Ok("1050000.00".into()));
        assert!(us("1,05,000").is_err());
        assert_eq!(plain_number("1 050,5", ',', Some(' ')), Ok("1050.5".into()));
        assert!(us("10.500").is_err());
        assert!(de("10,500").is_err());
        assert_eq!(us("0.125"), Ok("0.125".into()));
        assert_eq!(us("10,500.000"), Ok("10500.000".into()));
        assert_eq!(plain_number("10.500", '.', None), Ok("10.500".into()));
    }

    #[test]
    fn serials() {
        assert_eq!(serial_date("45693"), Some("2025-02-05".into()));
        assert_eq!(serial_date("45693.5"), Some("2025-02-05".into()));
        assert_eq!(serial_date("60"), None);
        assert_eq!(serial_date("4e4"), None);
    }

    #[test]
    fn patterns() {
        assert!(date_pattern_problem("%d/%m/%Y").is_none());
        assert!(date_pattern_problem("%d.%b.%Y").is_none());
        assert!(date_pattern_problem("%d/%m/%y").is_some());
        assert!(date_pattern_problem("%m/%Y").is_some());
        assert!(date_pattern_problem("%d/%q/%Y").is_some());
    }
}
