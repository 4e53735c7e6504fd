//! Evaluating one condition on the values its target reaches, in three-valued logic.

use smallvec::SmallVec;

use super::*;

/// A condition's outcome in one set of bindings.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) truth: Truth,
    pub(super) observations: Vec<Observation>,
    /// Rows of the list matched (for `@name.column` readers), by row index.
    pub(super) rows: Rows,
}

/// The rows of a list a condition matched: nearly always one or two (a country, a CHPL code
/// and its chapter), so held inline rather than a vector per condition that matched.
pub(super) type Rows = SmallVec<[usize; 2]>;

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            truth: Truth::Unknown,
            observations: Vec::new(),
            rows: Rows::new(),
        }
    }
}

impl Outcome {
    /// Back to `Outcome::default()`, keeping the vectors' room. Destructured so that a field
    /// added to `Outcome` must be reset here too.
    pub(super) fn reset(&mut self) {
        let Outcome {
            truth,
            observations,
            rows,
        } = self;
        *truth = Truth::Unknown;
        observations.clear();
        rows.clear();
    }
}

pub(super) fn eval_expr(expr: &Expr, outcomes: &[Outcome]) -> Truth {
    kleene(expr, &mut |i| {
        outcomes.get(i).map(|o| o.truth).unwrap_or(Truth::Unknown)
    })
}

/// Kleene's three-valued evaluation of a condition expression, given each
/// leaf's truth by condition index. `leaf` is asked only for the leaves the value depends
/// on, left to right: an `and` stops at its first false member and an `or` at its first true
/// one, whose value no later member can change (staged judging evaluates leaves on demand).
pub fn kleene<F: FnMut(usize) -> Truth>(expr: &Expr, leaf: &mut F) -> Truth {
    match expr {
        Expr::Leaf(i) => leaf(*i),
        Expr::Not(inner) => kleene(inner, leaf).negate(),
        Expr::And(items) => {
            let mut result = Truth::True;
            for item in items {
                match kleene(item, leaf) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::True => {}
                }
            }
            result
        }
        Expr::Or(items) => {
            let mut result = Truth::False;
            for item in items {
                match kleene(item, leaf) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
    }
}

/// Evaluates condition `i` into `outcomes` and marks it done, for the readers of its row.
pub(super) fn evaluate_into(
    rule: &Rule,
    i: usize,
    expected: &[Arc<str>],
    cx: &Cx,
    outcomes: &mut [Outcome],
    done: &mut [bool],
    evidence: bool,
) {
    // Indices come from the rule's own evaluation order; one out of range stays unknown.
    let Some(condition) = rule.conditions.get(i) else {
        return;
    };
    let Some(expected) = expected.get(i) else {
        return;
    };
    let outcome = eval_condition(condition, expected, cx, outcomes, done, evidence);
    if let (Some(slot), Some(flag)) = (outcomes.get_mut(i), done.get_mut(i)) {
        *slot = outcome;
        *flag = true;
    }
}

pub(super) fn eval_condition(
    c: &Condition,
    expected: &Arc<str>,
    cx: &Cx,
    outcomes: &[Outcome],
    done: &[bool],
    evidence: bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    // Values are taken one at a time as the target reaches them (`each_value`); the first
    // `Err` comes before any value.
    let unresolved = |truth: Truth| {
        let mut outcome = Outcome {
            truth,
            ..Outcome::default()
        };
        if evidence {
            outcome.observations.push(Observation {
                path: c.target.text(),
                seen: None,
                expected: Arc::clone(expected),
                holds: truth,
                row: None,
                note: Some(["depends on a condition that is ", truth.as_str()].concat()),
                screening: None,
                comparison: None,
            });
        }
        outcome
    };
    // Operators that are never unknown look at presence itself.
    match &c.op {
        Op::Exists | Op::Missing | Op::Blank => {
            let mut any_present = false;
            let mut any_filled = false;
            let mut first_path: Option<String> = None;
            let mut seen: Option<String> = None;
            let reached = each_value(&c.target, cx, outcomes, done, &mut |r: Reached| {
                if evidence && first_path.is_none() {
                    first_path = Some(r.loc.text());
                }
                if let Some(v) = r.value.as_deref() {
                    any_present = true;
                    any_filled |= !is_blank(v);
                    if evidence && seen.is_none() {
                        seen = Some(display(v));
                    }
                }
            });
            if let Err(truth) = reached {
                return unresolved(truth);
            }
            let truth = match c.op {
                Op::Exists => any_present,
                Op::Missing => !any_present,
                _ => !any_filled,
            };
            outcome.truth = Truth::from_bool(truth);
            if !evidence {
                return outcome;
            }
            outcome.observations.push(Observation {
                path: first_path.unwrap_or_else(|| c.target.text()),
                seen,
                expected: Arc::clone(expected),
                holds: outcome.truth,
                row: None,
                note: None,
                screening: None,
                comparison: None,
            });
            return outcome;
        }
        Op::Count { cmp, n } => {
            let mut count: usize = 0;
            let mut first_path: Option<String> = None;
            let reached = each_value(&c.target, cx, outcomes, done, &mut |r: Reached| {
                if evidence && first_path.is_none() {
                    first_path = Some(r.loc.text());
                }
                count += match r.value.as_deref() {
                    Some(Value::List(l)) => l.len(),
                    Some(Value::Map(m)) => m.len(),
                    Some(_) => 1,
                    None => 0,
                };
            });
            if let Err(truth) = reached {
                return unresolved(truth);
            }
            outcome.truth = Truth::from_bool(cmp.holds((count as u64).cmp(n)));
            if !evidence {
                return outcome;
            }
            let comparison = Some(Comparison {
                cmp: *cmp,
                left: Quantity::Count(count as u64),
                right: Quantity::Count(*n),
                converted: None,
            });
            outcome.observations.push(Observation {
                path: first_path.unwrap_or_else(|| c.target.text()),
                seen: Some(
                    [
                        itoa::Buffer::new().format(count),
                        if count == 1 { " member" } else { " members" },
                    ]
                    .concat(),
                ),
                expected: Arc::clone(expected),
                holds: outcome.truth,
                row: None,
                note: None,
                screening: None,
                comparison,
            });
            return outcome;
        }
        Op::Sum {
            cmp,
            bound,
            rate_date,
        } => {
            let sum = SumOf {
                cmp: *cmp,
                bound,
                rate_date: *rate_date,
            };
            return match sum.eval(c, expected, cx, (outcomes, done), evidence) {
                Ok(outcome) => outcome,
                Err(truth) => unresolved(truth),
            };
        }
        _ => {}
    }
    let mut any_true = false;
    let mut any_false = false;
    let mut any_unknown = false;
    let mut reached_any = false;
    let reached = each_value(&c.target, cx, outcomes, done, &mut |r: Reached| {
        reached_any = true;
        let Reached {
            loc,
            value,
            row: source_row,
            parent,
        } = r;
        let Some(value) = value.as_deref() else {
            let holds = match c.if_missing {
                Some(b) => Truth::from_bool(b),
                None => Truth::Unknown,
            };
            match holds {
                Truth::True => any_true = true,
                Truth::False => any_false = true,
                Truth::Unknown => any_unknown = true,
            }
            if !evidence {
                return;
            }
            outcome.observations.push(Observation {
                path: loc.text(),
                seen: None,
                expected: Arc::clone(expected),
                holds,
                row: None,
                note: Some(match c.if_missing {
                    Some(true) => "is missing, which this rule counts as true".into(),
                    Some(false) => "is missing, which this rule counts as false".into(),
                    None => "is missing".into(),
                }),
                screening: None,
                comparison: None,
            });
            return;
        };
        let mut check = test_value(c, value, (&loc, parent), cx, (outcomes, done), evidence);
        match check.truth {
            Truth::True => {
                any_true = true;
                outcome.rows.extend(check.rows.iter().copied());
            }
            Truth::False => any_false = true,
            Truth::Unknown => any_unknown = true,
        }
        if !evidence {
            return;
        }
        if check.row.is_none() {
            if let (Some(r), Target::Row { list, .. }) = (source_row, &c.target) {
                check.row = cx.engine.list(list).and_then(|t| cx.engine.rows.get(t, r));
            }
        }
        let seen = match c.op {
            // A party or identifier is shown by its name or number, not as a whole object.
            Op::Screen(_) | Op::InvalidId => label_of(value),
            _ => display(value),
        };
        outcome.observations.push(Observation {
            path: loc.text(),
            seen: Some(seen),
            expected: Arc::clone(expected),
            holds: check.truth,
            row: check.row,
            note: check.note.map(Cow::into_owned),
            screening: check.screening,
            comparison: check.comparison,
        });
    });
    if let Err(truth) = reached {
        return unresolved(truth);
    }
    if !reached_any {
        // An empty list under `[*]`: nothing to test.
        outcome.truth = match c.quantifier {
            Quantifier::Any => Truth::False,
            Quantifier::All => Truth::True,
        };
        return outcome;
    }
    outcome.truth = match c.quantifier {
        Quantifier::Any if any_true => Truth::True,
        Quantifier::Any if any_unknown => Truth::Unknown,
        Quantifier::Any => Truth::False,
        Quantifier::All if any_false => Truth::False,
        Quantifier::All if any_unknown => Truth::Unknown,
        Quantifier::All => Truth::True,
    };
    if c.quantifier == Quantifier::All && outcome.truth != Truth::True {
        outcome.rows.clear();
    }
    outcome
}

/// The result of testing one value.
pub(super) struct Check {
    pub(super) truth: Truth,
    pub(super) row: Option<Arc<RowEvidence>>,
    pub(super) rows: Rows,
    /// Most notes are fixed texts, and most checks are made without evidence, where the
    /// note is never read: a fixed one is not copied.
    pub(super) note: Option<Cow<'static, str>>,
    pub(super) screening: Option<Box<ScreeningEvidence>>,
    pub(super) comparison: Option<Comparison>,
}

impl Check {
    pub(super) fn of(truth: Truth) -> Check {
        Check {
            truth,
            row: None,
            rows: Rows::new(),
            note: None,
            screening: None,
            comparison: None,
        }
    }
    pub(super) fn unknown(note: impl Into<Cow<'static, str>>) -> Check {
        Check {
            note: Some(note.into()),
            ..Check::of(Truth::Unknown)
        }
    }
}

/// The rows of `list` (`table`) whose `column` names `text`, before their dates are asked:
/// by its folded key, or for a list of places, by the places the text names.
pub(super) fn list_candidates<'e>(
    engine: &'e Engine,
    list: &str,
    column: &str,
    table: &ListTable,
    text: &str,
) -> Cow<'e, [usize]> {
    let index = engine.index(list, column);
    let candidates = index
        .and_then(|idx| with_folded(text, |key| idx.get(key)))
        .map_or(&[][..], Vec::as_slice);
    match index {
        Some(idx) if candidates.is_empty() && table.places => {
            Cow::Owned(place_hits(idx, text).into_vec())
        }
        _ => Cow::Borrowed(candidates),
    }
}

pub(super) fn text_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Text(t) => Some(Cow::Borrowed(t)),
        Value::Number(n) => Some(Cow::Owned(n.normalize().to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        Value::Date(d) => Some(Cow::Owned(d.format("%Y-%m-%d").to_string())),
        _ => None,
    }
}

pub(super) fn test_value(
    c: &Condition,
    value: &Value,
    at: (&Loc, Option<&Value>),
    cx: &Cx,
    (outcomes, done): (&[Outcome], &[bool]),
    evidence: bool,
) -> Check {
    match &c.op {
        Op::Compare {
            cmp,
            operand,
            case_sensitive,
            offset,
            rate_date,
        } => {
            let shape = c.target.shape();
            if let (Operand::Literal(l), false) = (operand, shape == crate::order::Shape::Money) {
                return compare_literal(*cmp, value, l, *case_sensitive, *offset);
            }
            // The operand's values are compared as the target reaches them, not collected
            // first: most operands are one value, and a vector of them cost more than the test.
            let mut result = Check::of(Truth::False);
            let mut settled = false;
            let mut against = |other: &Value| {
                if settled {
                    return;
                }
                let check = if shape == crate::order::Shape::Money {
                    compare_money(*cmp, value, at.1, other, operand, cx, *rate_date, evidence)
                } else {
                    compare_values(*cmp, value, other, *case_sensitive, *offset)
                };
                match check.truth {
                    Truth::True => {
                        result = check;
                        settled = true;
                    }
                    Truth::Unknown => result = check,
                    Truth::False => {
                        if result.truth == Truth::False {
                            result = check
                        }
                    }
                }
            };
            match operand {
                Operand::Literal(l) => against(&literal_value(l)),
                Operand::Field(t) => {
                    let mut present = false;
                    let reached = each_value(t, cx, outcomes, done, &mut |r: Reached| {
                        if let Some(other) = r.value.as_deref() {
                            present = true;
                            against(other);
                        }
                    });
                    if let Err(t) = reached {
                        return Check::of(t);
                    }
                    if !present {
                        return Check::unknown(format!(
                            "cannot be compared: `{}` is missing",
                            t.text()
                        ));
                    }
                }
            }
            result
        }
        Op::In { values } => {
            let mut any = false;
            for l in values {
                let t = compare_literal(Cmp::Eq, value, l, false, None);
                if t.truth == Truth::True {
                    any = true;
                    break;
                }
            }
            Check::of(Truth::from_bool(any))
        }
        Op::InList { list, column, also } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let Some(table) = cx.engine.list(list) else {
                return Check::unknown(format!("list `{list}` is not loaded"));
            };
            let mut candidates = list_candidates(cx.engine, list, column, table, &text);
            let set_aside = cx.rows.retain_borrowed(table, &mut candidates);
            let mut matched = Rows::new();
            let mut unknown_note = None;
            for &r in candidates.iter() {
                let Some(row) = table.rows.get(r) else {
                    continue;
                };
                let mut row_truth = Truth::True;
                for (col, target) in also {
                    let want = table.cell(row, col).map(fold).unwrap_or_default();
                    let got = match values_of(target, cx, outcomes, done) {
                        Ok(v) => v,
                        Err(t) => {
                            row_truth = t;
                            break;
                        }
                    };
                    let present: Vec<String> = got
                        .iter()
                        .filter_map(|Reached { value: v, .. }| {
                            v.as_deref().and_then(text_of).map(|t| fold(&t))
                        })
                        .collect();
                    if present.is_empty() {
                        row_truth = Truth::Unknown;
                        unknown_note = Some(format!(
                            "matched `{}` in `{list}` but `{}` is missing",
                            text,
                            target.text()
                        ));
                        continue;
                    }
                    if !present.contains(&want) {
                        row_truth = Truth::False;
                        break;
                    }
                }
                match row_truth {
                    Truth::True => matched.push(r),
                    Truth::Unknown => {}
                    Truth::False => {}
                }
            }
            if !matched.is_empty() {
                return Check {
                    truth: Truth::True,
                    row: if evidence {
                        cx.engine.rows.get(table, matched[0])
                    } else {
                        None
                    },
                    rows: matched,
                    note: None,
                    screening: None,
                    comparison: None,
                };
            }
            match unknown_note {
                Some(note) => Check::unknown(note),
                None => Check {
                    note: set_aside.map(Cow::Owned),
                    ..Check::of(Truth::False)
                },
            }
        }
        Op::InField { field } => {
            let set = match values_of(field, cx, outcomes, done) {
                Ok(v) => v,
                Err(t) => return Check::of(t),
            };
            let members: Vec<&Value> = set
                .iter()
                .filter_map(|Reached { value: v, .. }| v.as_deref())
                .flat_map(|v| match v {
                    Value::List(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                })
                .collect();
            if set.iter().all(|Reached { value: v, .. }| v.is_none()) {
                return Check::unknown(format!(
                    "cannot be looked up: `{}` is missing",
                    field.text()
                ));
            }
            let hit = members
                .iter()
                .any(|m| compare_values(Cmp::Eq, value, m, false, None).truth == Truth::True);
            Check::of(Truth::from_bool(hit))
        }
        Op::Matches { regex } => match text_of(value) {
            Some(t) => Check::of(Truth::from_bool(
                regex.is_match(&crate::rules::lists::visible(&t))
                    || crate::rules::letters::letter_reading(&t)
                        .is_some_and(|r| regex.is_match(&crate::rules::lists::visible(&r))),
            )),
            None => Check::unknown(format!("is {}, not text", value.kind())),
        },
        Op::MatchesList {
            list,
            column: _,
            set,
        } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            list_hit(cx, list, set_hits(set, &text), evidence)
        }
        Op::ContainsAny { members, set } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let hits = set_hits(set, &text);
            match members {
                Members::List { list, .. } => list_hit(cx, list, hits, evidence),
                Members::Values(words) => {
                    let mut check = Check::of(Truth::from_bool(!hits.is_empty()));
                    if let Some(&first) = hits.first() {
                        check.note = words.get(first).map(|w| format!("contains `{w}`").into());
                    }
                    check
                }
            }
        }
        Op::StartsWith { members } => {
            let Some(text) = text_of(value) else {
                return Check::unknown(format!("is {}, not text", value.kind()));
            };
            let text = folded(&text);
            match members {
                Members::Values(prefixes) => {
                    let hit = prefixes
                        .iter()
                        .find(|p| text.starts_with(folded(p).as_ref()));
                    let mut check = Check::of(Truth::from_bool(hit.is_some()));
                    check.note = hit.map(|p| format!("starts with `{p}`").into());
                    check
                }
                Members::List { list, column } => {
                    let Some(index) = cx.engine.index(list, column) else {
                        return Check::unknown(format!("list `{list}` is not loaded"));
                    };
                    // Longest prefix first, so a 6-digit CHPL code wins over a chapter.
                    let mut rows = Rows::new();
                    for end in (1..=text.len()).rev() {
                        if let Some(found) = text.get(..end).and_then(|p| index.get(p)) {
                            rows.extend(found.iter().copied());
                        }
                    }
                    list_hit(cx, list, rows, evidence)
                }
            }
        }
        Op::Within {
            field,
            months,
            days,
        } => {
            let Value::Date(a) = value else {
                return Check::unknown(format!("is {}, not a date", value.kind()));
            };
            let others = match values_of(field, cx, outcomes, done) {
                Ok(v) => v,
                Err(t) => return Check::of(t),
            };
            let mut result =
                Check::unknown(format!("cannot be compared: `{}` is missing", field.text()));
            for Reached { value: other, .. } in others {
                let Some(Value::Date(b)) = other.as_deref() else {
                    continue;
                };
                let (lo, hi) = if a <= b { (*a, *b) } else { (*b, *a) };
                let limit = u32::try_from(*months)
                    .ok()
                    .and_then(|m| lo.checked_add_months(Months::new(m)))
                    .zip(chrono::Duration::try_days(*days))
                    .and_then(|(d, span)| d.checked_add_signed(span));
                let holds = limit.is_some_and(|limit| hi <= limit);
                let mut check = Check::of(Truth::from_bool(holds));
                if evidence {
                    check.note = Some(format!("{} days apart", (hi - lo).num_days()).into());
                }
                if holds {
                    return check;
                }
                result = check;
            }
            result
        }
        Op::IsTrue | Op::IsFalse => {
            let want = matches!(c.op, Op::IsTrue);
            match value {
                Value::Bool(b) => Check::of(Truth::from_bool(*b == want)),
                Value::Text(t) => match t.to_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" | "x" => Check::of(Truth::from_bool(want)),
                    "false" | "no" | "n" | "0" => Check::of(Truth::from_bool(!want)),
                    _ => Check::unknown(format!("= `{t}` is not a yes/no answer")),
                },
                other => Check::unknown(format!("is {}, not a boolean", other.kind())),
            }
        }
        Op::Screen(spec) => screen_party(spec, value, at.0, cx),
        Op::InvalidId => check_id(value),
        // Read as a whole by `eval_condition`, never one value at a time.
        Op::Exists | Op::Missing | Op::Blank | Op::Count { .. } | Op::Sum { .. } => {
            Check::of(Truth::Unknown)
        }
    }
}

pub(super) fn list_hit(cx: &Cx, list: &str, mut rows: Rows, evidence: bool) -> Check {
    rows.dedup();
    if rows.is_empty() {
        return Check::of(Truth::False);
    }
    let table = cx.engine.list(list);
    if let Some(table) = table.filter(|t| t.is_dated()) {
        let set_aside = cx.rows.retain(table, &mut rows);
        if rows.is_empty() {
            return Check {
                note: set_aside.map(Cow::Owned),
                ..Check::of(Truth::False)
            };
        }
    }
    let row = if evidence {
        table.and_then(|t| cx.engine.rows.get(t, rows[0]))
    } else {
        None
    };
    Check {
        truth: Truth::True,
        row,
        rows,
        note: None,
        screening: None,
        comparison: None,
    }
}

pub(super) fn literal_value(l: &Literal) -> Value {
    match l {
        Literal::Text(t) => Value::Text(t.as_str().into()),
        Literal::Number(n) => Value::Number(*n),
        Literal::Money(n, _) => Value::Number(*n),
        Literal::Date(d) => Value::Date(*d),
        Literal::Bool(b) => Value::Bool(*b),
    }
}

/// [`compare_values`] against a literal, without building a text value of it for each value
/// compared: a text literal meets text as `compare_values` has it meet text.
fn compare_literal(
    cmp: Cmp,
    value: &Value,
    literal: &Literal,
    case_sensitive: bool,
    offset: Option<DateOffset>,
) -> Check {
    match (value, literal) {
        (Value::Text(a), Literal::Text(b)) => Check::of(Truth::from_bool(
            cmp.holds(text_ordering(a, b, case_sensitive)),
        )),
        _ => compare_values(cmp, value, &literal_value(literal), case_sensitive, offset),
    }
}

/// The rows of a list of place names that a place text names among other words
/// (`Dandong, Liaoning`: `rules::places`), in row order, each once.
/// Remembered across orders (`text_memo`): the answer depends on the index and the text alone.
fn place_hits(index: &ListIndex, text: &str) -> Rows {
    super::text_memo::place_hits(index.id, text, |text| {
        // Most place texts an order is looked up by are one short ASCII word (`Bremen`):
        // folded on the stack, and no reading is made of them.
        let mut readings = with_folded(text, crate::rules::places::place_readings);
        // `D4ndong`: digits and symbols written for letters (`rules::letters`).
        if let Some(letters) = crate::rules::letters::letter_reading(text) {
            readings.extend(with_folded(&letters, crate::rules::places::place_readings));
        }
        let mut rows: Rows = readings
            .iter()
            .filter_map(|reading| index.get(reading.as_str()))
            .flatten()
            .copied()
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    })
}

/// The patterns of `set` that match `text` or its letter reading (`c4sh` as `cash`:
/// `rules::letters`), in pattern order.
/// Remembered across orders (`text_memo`): the answer depends on the set and the text alone.
fn set_hits(set: &crate::rules::pattern_set::PatternSet, text: &str) -> Rows {
    super::text_memo::set_hits(set.id(), text, |text| {
        let mut rows = set_hits_as_written(set, text);
        if let Some(reading) = crate::rules::letters::letter_reading(text) {
            rows.extend(set_hits_as_written(set, &reading));
            rows.sort_unstable();
            rows.dedup();
        }
        rows
    })
}

fn set_hits_as_written(set: &crate::rules::pattern_set::PatternSet, text: &str) -> Rows {
    let text = crate::rules::lists::visible(text);
    let text = text.as_ref();
    // Asking which patterns match runs the slowest of regex's engines (the PikeVM) whenever
    // `\b` meets a non-ASCII letter (a party named `Doğu`: about 13 µs against 0.1 µs);
    // whether any matches runs a faster one, and nearly all texts match none.
    if !set.may_match(text) {
        return Rows::new();
    }
    Rows::from_vec(set.matches(text))
}
