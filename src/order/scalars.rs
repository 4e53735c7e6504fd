//! Scalar values as order records write them: decimal amounts (exact, no thousands
//! separators or exponents), dates (`YYYY-MM-DD` and the forms exports add), and booleans
//! (`yes`, SAP's `X`). The rules behind `O108` and `O110`; `normalize` reports them.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::normalize::quote;

/// The number text serde_json kept (arbitrary precision), as a decimal.
pub(super) fn number_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// Why a string is not a decimal.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DecimalError {
    Syntax,
    Range,
}

/// A plain decimal string: `-`? digits, optionally `.` and digits. No
/// thousands separators, exponents or currency signs: `12,500` could be
/// twelve thousand five hundred or twelve and a half, so it is refused.
pub(super) fn decimal_text(text: &str) -> Result<Decimal, DecimalError> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(DecimalError::Syntax);
    }
    Decimal::from_str(text).map_err(|_| DecimalError::Range)
}

/// `YYYY-MM-DD`, `YYYYMMDD`, or a date-time whose first ten characters are
/// `YYYY-MM-DD` followed by `T` or a space (the date is kept as written,
/// without converting time zones).
pub(super) fn date(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let parts = if bytes.len() == 8 && digits(0..8) {
        Some((&text[0..4], &text[4..6], &text[6..8]))
    } else if bytes.len() >= 10
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && (bytes.len() == 10 || (bytes.len() > 11 && matches!(bytes[10], b'T' | b' ')))
    {
        Some((&text[0..4], &text[5..7], &text[8..10]))
    } else {
        None
    };
    let Some((year, month, day)) = parts else {
        return Err(format!(
            "`{}` is not a date in the form YYYY-MM-DD",
            quote(text)
        ));
    };
    let parsed = (year.parse(), month.parse(), day.parse());
    if let (Ok(y), Ok(m), Ok(d)) = parsed {
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            return Ok(date);
        }
    }
    Err(format!("`{}` is not a calendar date", quote(text)))
}

/// Booleans as exports write them; SAP marks a set flag with `X`.
pub(super) fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings() {
        assert_eq!(decimal_text("12.50"), Ok(Decimal::new(1250, 2)));
        assert_eq!(decimal_text("-3"), Ok(Decimal::new(-3, 0)));
        assert_eq!(decimal_text("12,500"), Err(DecimalError::Syntax));
        assert_eq!(decimal_text("1e3"), Err(DecimalError::Syntax));
        assert_eq!(decimal_text(".5"), Err(DecimalError::Syntax));
        assert_eq!(decimal_text("5."), Err(DecimalError::Syntax));
        assert_eq!(
            decimal_text("99999999999999999999999999999999"),
            Err(DecimalError::Range)
        );
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2015, 3, 2);
        assert_eq!(date("2015-03-02").ok(), d);
        assert_eq!(date("20150302").ok(), d);
        assert_eq!(date("2015-03-02T23:59:00-05:00").ok(), d);
        assert_eq!(date("2015-03-02 10:00").ok(), d);
        assert!(date("2015-3-2").is_err());
        assert!(date("2015-02-30").is_err());
        assert!(date("2015-03-02T").is_err());
    }
}
