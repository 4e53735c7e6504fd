//! Comparisons of numbers, dates, text and money (converted by the pack's rates).

use super::*;

pub(super) fn shift(date: NaiveDate, offset: Option<DateOffset>) -> Option<NaiveDate> {
    let Some(offset) = offset else {
        return Some(date);
    };
    let moved = if offset.months >= 0 {
        date.checked_add_months(Months::new(offset.months as u32))
    } else {
        date.checked_sub_months(Months::new(offset.months.unsigned_abs()))
    }?;
    moved.checked_add_signed(chrono::Duration::try_days(offset.days)?)
}

/// How two texts order: as written but for surrounding spaces when the condition asks for
/// case, else as their folds (`rules::lists::fold`), as list keys are matched.
pub(super) fn text_ordering(a: &str, b: &str, case_sensitive: bool) -> std::cmp::Ordering {
    if case_sensitive {
        a.trim().cmp(b.trim())
    } else {
        crate::rules::lists::fold_cmp(a, b)
    }
}

pub(super) fn compare_values(
    cmp: Cmp,
    left: &Value,
    right: &Value,
    case_sensitive: bool,
    offset: Option<DateOffset>,
) -> Check {
    use std::cmp::Ordering;
    let mut sides: Option<(Quantity, Quantity)> = None;
    let ordering: Option<Ordering> = match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            sides = Some((Quantity::Number(*a), Quantity::Number(*b)));
            Some(a.cmp(b))
        }
        (Value::Date(a), Value::Date(b)) => match shift(*b, offset) {
            Some(b) => {
                sides = Some((Quantity::Date(*a), Quantity::Date(b)));
                Some(a.cmp(&b))
            }
            None => return Check::unknown("date offset out of range"),
        },
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(text_ordering(a, b, case_sensitive)),
        // Attribute values arrive as text from CSV: read them as the literal's type.
        (Value::Text(a), Value::Number(b)) => {
            crate::rules::validate::parse_decimal(a.trim()).map(|a| {
                sides = Some((Quantity::Number(a), Quantity::Number(*b)));
                a.cmp(b)
            })
        }
        (Value::Text(a), Value::Bool(b)) => match a.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" | "x" => Some(true.cmp(b)),
            "false" | "no" | "0" => Some(false.cmp(b)),
            _ => None,
        },
        (Value::Number(a), Value::Text(b)) => {
            Some(a.normalize().to_string().cmp(&b.trim().to_string()))
        }
        _ => None,
    };
    match ordering {
        Some(o) => Check {
            comparison: sides.map(|(left, right)| Comparison {
                cmp,
                left,
                right,
                converted: None,
            }),
            ..Check::of(Truth::from_bool(cmp.holds(o)))
        },
        None => Check::unknown(format!(
            "is {} and cannot be compared with {}",
            left.kind(),
            right.kind()
        )),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn compare_money(
    cmp: Cmp,
    amount: &Value,
    holder: Option<&Value>,
    other: &Value,
    operand: &Operand,
    cx: &Cx,
    rate_date: RateDate,
    evidence: bool,
) -> Check {
    let Value::Number(amount) = amount else {
        return Check::unknown(format!("is {}, not an amount", amount.kind()));
    };
    let Some(currency) = holder
        .and_then(|h| h.get("currency"))
        .and_then(Value::as_text)
        .map(str::to_string)
    else {
        return Check::unknown("has no `currency` beside it");
    };
    let (threshold, threshold_currency) = match (operand, other) {
        (Operand::Literal(Literal::Money(n, cur)), _) => (*n, cur.clone()),
        (_, Value::Number(n)) => (*n, currency.clone()),
        _ => return Check::unknown(format!("cannot compare an amount with {}", other.kind())),
    };
    // Zero is zero in every currency and every rate is positive (checked when the rates
    // table loads), so the sign of an amount needs no rate: a cash payment of 9,000,000 in a
    // currency the table lacks is still known to be more than nothing.
    if threshold.is_zero() {
        let mut check = Check::of(Truth::from_bool(cmp.holds(amount.cmp(&Decimal::ZERO))));
        if evidence {
            check.comparison = Some(Comparison {
                cmp,
                left: Quantity::Money(*amount, currency),
                right: Quantity::Money(threshold, threshold_currency),
                converted: None,
            });
        }
        return check;
    }
    let converter = match Converter::new(cx, rate_date, evidence) {
        Ok(converter) => converter,
        Err(note) => return Check::unknown(note),
    };
    let convert = |value: Decimal, cur: &str| converter.convert(value, cur);
    let (left, left_note) = match convert(*amount, &currency) {
        Ok(v) => v,
        Err(note) => return Check::unknown(note),
    };
    let (right, right_note) = match convert(threshold, &threshold_currency) {
        Ok(v) => v,
        Err(note) => return Check::unknown(note),
    };
    let mut check = Check::of(Truth::from_bool(cmp.holds(left.cmp(&right))));
    if !evidence {
        return check;
    }
    check.comparison = Some(Comparison {
        cmp,
        left: Quantity::Money(*amount, currency.clone()),
        right: Quantity::Money(threshold, threshold_currency.clone()),
        converted: Some((left, right, converter.rates.base.clone())),
    });
    let notes: Vec<String> = [left_note, right_note]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    check.note = Some(
        format!(
            "{} {currency} = {} {}{}",
            amount.normalize(),
            left.round_dp(2).normalize(),
            converter.rates.base,
            if notes.is_empty() {
                String::new()
            } else {
                format!(" at {}", notes.join("; "))
            }
        )
        .into(),
    );
    check
}

/// Amounts into the rates table's base currency at the rate in force on one of the order's
/// dates: what a money comparison and a sum of amounts compare.
pub(super) struct Converter<'e> {
    pub(super) rates: &'e crate::rules::lists::RatesTable,
    date: NaiveDate,
    /// Whether the rate's words are wanted (only for evidence that is kept).
    evidence: bool,
}

impl<'e> Converter<'e> {
    /// The converter for the order's date `rate_date`, or why there is none.
    pub(super) fn new(
        cx: &Cx<'_, 'e>,
        rate_date: RateDate,
        evidence: bool,
    ) -> Result<Converter<'e>, &'static str> {
        let Some(date) = cx.order_date(rate_date) else {
            return Err("cannot be converted: the order has no date");
        };
        let Some(rates) = cx.engine.pack.rates.as_ref() else {
            return Err("cannot be converted: the pack has no rates table");
        };
        Ok(Converter {
            rates,
            date,
            evidence,
        })
    }

    /// `value` in `cur` in the base currency, with the rate in words (empty for the base
    /// currency or without evidence), or why it cannot be converted.
    pub(super) fn convert(&self, value: Decimal, cur: &str) -> Result<(Decimal, String), String> {
        let (rates, date) = (self.rates, self.date);
        match rates.rate(cur, date) {
            Some(rate) => Ok((
                value.checked_div(rate.per_base).ok_or_else(|| {
                    format!(
                        "cannot be converted: {} {cur} at {} per {} is beyond the largest amount redflag can hold",
                        value.normalize(),
                        rate.per_base.normalize(),
                        rates.base
                    )
                })?,
                if cur == rates.base || !self.evidence {
                    String::new()
                } else {
                    format!("{cur} {} per {} from {} (rates line {})", rate.per_base.normalize(), rates.base, rate.valid_from, rate.line)
                },
            )),
            None => Err(format!("cannot be converted: no `{cur}` rate on or before {date} in the rates table (as of {})", rates.meta.as_of)),
        }
    }
}
