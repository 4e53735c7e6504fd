//! `sum_*`: the numbers or amounts a path reaches, added up and compared with a bound.
//!
//! A test of each value alone is what a diverter splits an order to pass: a machine invoiced
//! as five lines of 8,000 EUR, paid 8,000 EUR in cash, has no line worth 10,000 USD. The sum
//! reads the whole. It fails closed: a member that is missing, is not a number, has no
//! currency or cannot be converted leaves the sum undecided (a missing one as `if_missing`
//! says), and a sum beyond what a decimal holds is undecided too. Nothing adds up to 0.

use super::*;

/// Members quoted in a sum's evidence before the rest are counted only.
const SHOWN_MEMBERS: usize = 12;

/// A `sum_*` condition's operator, borrowed from the rule.
pub(super) struct SumOf<'r> {
    pub(super) cmp: Cmp,
    pub(super) bound: &'r Literal,
    pub(super) rate_date: RateDate,
}

/// The first member that could not be added.
struct Stop {
    path: String,
    seen: Option<String>,
    note: String,
    missing: bool,
}

/// One member, added: its value in the sum's terms (the base currency for amounts), the
/// currency it was written in, and the rate's words.
struct Term {
    value: Decimal,
    currency: Option<String>,
    rate: String,
}

impl SumOf<'_> {
    fn money(&self) -> bool {
        matches!(self.bound, Literal::Money(..))
    }

    /// The condition's outcome, or `Err` with the truth of a target that could not be
    /// resolved (a variable bound to an unknown).
    pub(super) fn eval(
        &self,
        c: &Condition,
        expected: &Arc<str>,
        cx: &Cx,
        (outcomes, done): (&[Outcome], &[bool]),
        evidence: bool,
    ) -> Result<Outcome, Truth> {
        let mut converter: Option<Result<Converter, &'static str>> = None;
        let mut total = Decimal::ZERO;
        let mut members: usize = 0;
        let mut shown: Vec<String> = Vec::new();
        let mut rates: Vec<String> = Vec::new();
        let mut stop: Option<Stop> = None;
        // A missing member is noted and the rest still read: one that cannot be added leaves
        // the sum undecided whatever `if_missing` says of the missing one, and which comes
        // first in the order must not change that.
        let mut missing: Option<Stop> = None;
        each_value(&c.target, cx, outcomes, done, &mut |r: Reached| {
            if stop.is_some() {
                return;
            }
            members += 1;
            let Some(value) = r.value.as_deref() else {
                if missing.is_none() {
                    missing = Some(Stop {
                        path: r.loc.text(),
                        seen: None,
                        note: "is missing".into(),
                        missing: true,
                    });
                }
                return;
            };
            let added = self
                .term(value, r.parent, cx, &mut converter, evidence)
                .and_then(|term| match total.checked_add(term.value) {
                    Some(sum) => Ok((sum, term)),
                    None => Err("brings the sum beyond the largest amount redflag can hold".into()),
                });
            match added {
                Ok((sum, term)) => {
                    total = sum;
                    if evidence {
                        if shown.len() < SHOWN_MEMBERS {
                            shown.push(match &term.currency {
                                Some(currency) => format!("{} {currency}", display(value)),
                                None => display(value),
                            });
                        }
                        if !term.rate.is_empty() && !rates.contains(&term.rate) {
                            rates.push(term.rate);
                        }
                    }
                }
                Err(note) => {
                    stop = Some(Stop {
                        path: r.loc.text(),
                        seen: Some(display(value)),
                        note,
                        missing: false,
                    })
                }
            }
        })?;
        let mut outcome = Outcome::default();
        if let Some(stop) = stop.or(missing) {
            outcome.truth = match (stop.missing, c.if_missing) {
                (true, Some(b)) => Truth::from_bool(b),
                _ => Truth::Unknown,
            };
            if evidence {
                let note = match (stop.missing, c.if_missing) {
                    (true, Some(true)) => "is missing, which this rule counts as true".into(),
                    (true, Some(false)) => "is missing, which this rule counts as false".into(),
                    (_, _) => format!("{}, so the sum is undecided", stop.note),
                };
                outcome.observations.push(Observation {
                    path: stop.path,
                    seen: stop.seen,
                    expected: Arc::clone(expected),
                    holds: outcome.truth,
                    row: None,
                    note: Some(note),
                    screening: None,
                    comparison: None,
                });
            }
            return Ok(outcome);
        }
        let compared = match self.bound {
            Literal::Money(bound, currency) => {
                self.compare_money(total, (*bound, currency), converter, cx, evidence)
            }
            Literal::Number(bound) => Ok((
                total.cmp(bound),
                evidence.then_some(Comparison {
                    cmp: self.cmp,
                    left: Quantity::Number(total),
                    right: Quantity::Number(*bound),
                    converted: None,
                }),
                None,
            )),
            other => Err(format!("cannot add up to {other}")),
        };
        let (ordering, comparison, base) = match compared {
            Ok(compared) => compared,
            Err(note) => {
                outcome.truth = Truth::Unknown;
                if evidence {
                    outcome.observations.push(Observation {
                        path: c.target.text(),
                        seen: None,
                        expected: Arc::clone(expected),
                        holds: Truth::Unknown,
                        row: None,
                        note: Some(note),
                        screening: None,
                        comparison: None,
                    });
                }
                return Ok(outcome);
            }
        };
        outcome.truth = Truth::from_bool(self.cmp.holds(ordering));
        if !evidence {
            return Ok(outcome);
        }
        let what = match (self.money(), members) {
            (true, 1) => "amount",
            (true, _) => "amounts",
            (false, 1) => "number",
            (false, _) => "numbers",
        };
        let seen = if members == 0 {
            format!("no {what}")
        } else {
            let more = members.saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" + {more} more")
            } else {
                String::new()
            };
            format!("{}{more} ({members} {what})", shown.join(" + "))
        };
        let note = base.map(|(base, bound_rate)| {
            let mut note = format!("sum = {} {base}", total.round_dp(2).normalize());
            if !bound_rate.is_empty() && !rates.contains(&bound_rate) {
                rates.push(bound_rate);
            }
            if !rates.is_empty() {
                note.push_str(" at ");
                note.push_str(&rates.join("; "));
            }
            note
        });
        outcome.observations.push(Observation {
            path: c.target.text(),
            seen: Some(seen),
            expected: Arc::clone(expected),
            holds: outcome.truth,
            row: None,
            note,
            screening: None,
            comparison,
        });
        Ok(outcome)
    }

    fn not_a_number(&self, value: &Value) -> String {
        let kind = if self.money() {
            "an amount"
        } else {
            "a number"
        };
        format!("is {}, not {kind}", value.kind())
    }

    /// One member as the sum adds it, or why it cannot be added.
    fn term<'e>(
        &self,
        value: &Value,
        parent: Option<&Value>,
        cx: &Cx<'_, 'e>,
        converter: &mut Option<Result<Converter<'e>, &'static str>>,
        evidence: bool,
    ) -> Result<Term, String> {
        // Attribute values arrive as text from CSV, and are read as numbers where they are
        // written as numbers (as a comparison reads them).
        let number = match value {
            Value::Number(number) => *number,
            Value::Text(text) => match crate::rules::validate::parse_decimal(text.trim()) {
                Some(number) => number,
                None => return Err(self.not_a_number(value)),
            },
            other => return Err(self.not_a_number(other)),
        };
        if !self.money() {
            return Ok(Term {
                value: number,
                currency: None,
                rate: String::new(),
            });
        }
        let Some(currency) = parent
            .and_then(|p| p.get("currency"))
            .and_then(Value::as_text)
        else {
            return Err("has no `currency` beside it".into());
        };
        let converter = converter
            .get_or_insert_with(|| Converter::new(cx, self.rate_date, evidence))
            .as_ref()
            .map_err(|note| note.to_string())?;
        let (value, rate) = converter.convert(number, currency)?;
        Ok(Term {
            value,
            currency: Some(currency.to_string()),
            rate,
        })
    }

    /// How the sum in the base currency orders against the bound, the comparison for
    /// evidence, and the base currency with the bound's rate in words (empty in the base
    /// currency); or why the bound cannot be converted.
    #[allow(clippy::type_complexity)]
    fn compare_money<'e>(
        &self,
        total: Decimal,
        (bound, currency): (Decimal, &str),
        converter: Option<Result<Converter<'e>, &'static str>>,
        cx: &Cx<'_, 'e>,
        evidence: bool,
    ) -> Result<
        (
            std::cmp::Ordering,
            Option<Comparison>,
            Option<(String, String)>,
        ),
        String,
    > {
        // Every rate is positive (checked when the rates table loads), so when either side
        // is zero their order needs no rate: nothing to add is less than any positive bound
        // whatever the order's date or the rates table.
        if total.is_zero() || bound.is_zero() {
            let comparison = evidence.then(|| Comparison {
                cmp: self.cmp,
                left: Quantity::Number(total),
                right: Quantity::Money(bound, currency.to_string()),
                converted: None,
            });
            return Ok((total.cmp(&bound), comparison, None));
        }
        let converter = converter
            .unwrap_or_else(|| Converter::new(cx, self.rate_date, evidence))
            .map_err(str::to_string)?;
        let (bound_in_base, rate) = converter.convert(bound, currency)?;
        let base = converter.rates.base.clone();

        let comparison = evidence.then(|| Comparison {
            cmp: self.cmp,
            left: Quantity::Money(total, base.clone()),
            right: Quantity::Money(bound, currency.to_string()),
            converted: Some((total, bound_in_base, base.clone())),
        });
        Ok((total.cmp(&bound_in_base), comparison, Some((base, rate))))
    }
}
