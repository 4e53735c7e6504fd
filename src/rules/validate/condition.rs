//! Validating one `[rule.when.NAME]` condition: its operator and what the operator needs.

use super::*;
use crate::rules::pattern_set::Pattern;

impl Validator<'_, '_> {
    pub(super) fn condition(
        &mut self,
        c: &RawCondition,
        index: usize,
        all: &[RawCondition],
        bindings: &[Binding],
    ) -> Option<Condition> {
        let Some(op_name) = &c.op else {
            self.acc.push(
                Diagnostic::error("R003", format!("condition `{}` has no `op`", c.name.value))
                    .at(self.file, c.name.span.clone(), "in this condition")
                    .with_help(format!("operators: {}", OPERATORS.join(", "))),
            );
            return None;
        };
        let op = op_name.value.as_str();
        if !OPERATORS.contains(&op) {
            let help = operator_meant(op, c.list.is_some())
                .map(|meant| format!("did you mean `{meant}`?"))
                .or_else(|| suggest(op, OPERATORS.iter().copied()))
                .unwrap_or_else(|| format!("operators: {}", OPERATORS.join(", ")));
            self.acc.push(
                Diagnostic::error("R028", format!("unknown operator `{op}`"))
                    .at(self.file, op_name.span.clone(), "not an operator")
                    .with_help(Some(help)),
            );
            return None;
        }
        let Some(path_text) = &c.path else {
            self.acc.push(
                Diagnostic::error(
                    "R003",
                    format!("condition `{}` has no `path`", c.name.value),
                )
                .at(self.file, c.name.span.clone(), "in this condition"),
            );
            return None;
        };
        let target = self.target(path_text, index, all, bindings)?;
        let shape = target.shape();
        let quantifier = match c.quantifier.as_ref().map(|q| q.value.as_str()) {
            None | Some("any") => Quantifier::Any,
            Some("all") => Quantifier::All,
            Some(other) => {
                let span = c
                    .quantifier
                    .as_ref()
                    .map(|q| q.span.clone())
                    .unwrap_or(c.span.clone());
                self.err(
                    "R029",
                    format!("unknown quantifier `{other}`; use `any` or `all`"),
                    span,
                    "not a quantifier",
                );
                return None;
            }
        };
        let if_missing = match &c.if_missing {
            None => None,
            Some(Sp {
                value: Scalar::Bool(b),
                ..
            }) => Some(*b),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "false" => Some(false),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "true" => Some(true),
            Some(Sp {
                value: Scalar::Str(s),
                ..
            }) if s == "unknown" => None,
            Some(other) => {
                self.err(
                    "R029",
                    "`if_missing` must be `false`, `true` or `\"unknown\"`".to_string(),
                    other.span.clone(),
                    "invalid",
                );
                return None;
            }
        };
        let scalar = !matches!(shape, Shape::ListOf(_)) && !shape.is_object();
        let need = |v: &mut Self, ok: bool, what: &str| -> Option<()> {
            if ok {
                Some(())
            } else {
                v.acc.push(
                    Diagnostic::error(
                        "R027",
                        format!(
                            "`{op}` needs {what}, but `{}` is {}",
                            target.text(),
                            shape.name()
                        ),
                    )
                    .at(
                        v.file,
                        path_text.span.clone(),
                        format!("{} here", shape.name()),
                    )
                    .with_help(operator_hint(shape)),
                );
                None
            }
        };
        let rate_date = match c.rate_date.as_ref().map(|r| r.value.as_str()) {
            None | Some("date") => RateDate::OrderDate,
            Some("ship_date") => RateDate::ShipDate,
            Some(other) => {
                let span = c
                    .rate_date
                    .as_ref()
                    .map(|r| r.span.clone())
                    .unwrap_or(c.span.clone());
                self.err(
                    "R029",
                    format!("`rate_date` must be `date` or `ship_date`, not `{other}`"),
                    span,
                    "invalid",
                );
                return None;
            }
        };
        let offset = match &c.offset {
            None => None,
            Some(o) => match parse_offset(&o.value) {
                Some(off) => Some(off),
                None => {
                    self.err(
                        "R027",
                        format!(
                            "invalid offset `{}`; write it like `-6 months` or `30 days`, at most 100 years",
                            o.value
                        ),
                        o.span.clone(),
                        "invalid offset",
                    );
                    return None;
                }
            },
        };
        let op_model = match op {
            "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "before" | "after" | "on_or_before"
            | "on_or_after" => {
                let cmp = op_cmp(op)?;
                let ordered = matches!(op, "gt" | "gte" | "lt" | "lte");
                let dated = matches!(op, "before" | "after" | "on_or_before" | "on_or_after");
                if dated {
                    need(self, matches!(shape, Shape::Date | Shape::Any), "a date")?;
                } else if ordered {
                    need(
                        self,
                        matches!(
                            shape,
                            Shape::Number | Shape::Money | Shape::Date | Shape::Any
                        ),
                        "a number, amount or date",
                    )?;
                } else {
                    need(self, scalar, "a single value")?;
                }
                if offset.is_some() && !matches!(shape, Shape::Date) {
                    let span = c
                        .offset
                        .as_ref()
                        .map(|o| o.span.clone())
                        .unwrap_or(c.span.clone());
                    self.err(
                        "R027",
                        "`offset` only applies to dates".to_string(),
                        span,
                        "not a date comparison",
                    );
                }
                let compare_shape = if dated { Shape::Date } else { shape };
                let operand = match (&c.value, &c.field) {
                    (Some(value), None) => {
                        Operand::Literal(self.literal(value, compare_shape, op)?)
                    }
                    (None, Some(field)) => {
                        let other = self.target(field, index, all, bindings)?;
                        let compatible = other.shape() == compare_shape
                            || (other.shape().is_textual() && compare_shape.is_textual())
                            || other.shape() == Shape::Any
                            || compare_shape == Shape::Any;
                        if !compatible {
                            self.err(
                                "R027",
                                format!(
                                    "cannot compare {} `{}` with {} `{}`",
                                    compare_shape.name(),
                                    target.text(),
                                    other.shape().name(),
                                    other.text()
                                ),
                                field.span.clone(),
                                "incompatible types",
                            );
                            return None;
                        }
                        Operand::Field(other)
                    }
                    (Some(value), Some(_)) => {
                        self.err(
                            "R026",
                            format!("`{op}` takes `value` or `field`, not both"),
                            value.span.clone(),
                            "one of these",
                        );
                        return None;
                    }
                    (None, None) => {
                        self.err(
                            "R026",
                            format!("`{op}` needs `value` or `field`"),
                            c.span.clone(),
                            "incomplete condition",
                        );
                        return None;
                    }
                };
                if let Operand::Literal(Literal::Money(..)) = operand {
                    if !matches!(cmp, Cmp::Gt | Cmp::Gte | Cmp::Lt | Cmp::Lte)
                        && shape == Shape::Money
                    {
                        // Equality of converted amounts is almost never what an author means.
                        let span = c
                            .value
                            .as_ref()
                            .map(|v| v.span.clone())
                            .unwrap_or(c.span.clone());
                        self.acc.push(
                            Diagnostic::warning(
                                "R032",
                                "money compared for equality after conversion rarely holds",
                            )
                            .at(self.file, span, "use `gte` or `lte`"),
                        );
                    }
                }
                Op::Compare {
                    cmp,
                    operand,
                    case_sensitive: c.case_sensitive.as_ref().map(|b| b.value).unwrap_or(false),
                    offset,
                    rate_date,
                }
            }
            "in" => {
                need(self, scalar, "a single value")?;
                let Some(values) = &c.values else {
                    let help = if c.list.is_some() {
                        "to look a value up in a list, use `op = \"in_list\"`"
                    } else {
                        "give the accepted values: `values = [\"KP\", \"IR\"]`"
                    };
                    self.acc.push(
                        Diagnostic::error("R026", "`in` needs `values`")
                            .at(self.file, c.span.clone(), "incomplete condition")
                            .with_help(Some(help.to_string())),
                    );
                    return None;
                };
                let mut out = Vec::new();
                for v in &values.value {
                    out.push(self.literal(v, shape, op)?);
                }
                Op::In { values: out }
            }
            "in_list" => {
                need(self, shape.is_textual(), "text or a code")?;
                let Some(list_name) = &c.list else {
                    self.err(
                        "R026",
                        "`in_list` needs `list`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                let mut also = Vec::new();
                for (col, path) in &c.match_columns {
                    let col_name = self.column(&list, Some(col))?;
                    let t = self.target(path, index, all, bindings)?;
                    also.push((col_name, t));
                }
                Op::InList {
                    list: list.meta.name.clone(),
                    column,
                    also,
                }
            }
            "in_field" => {
                need(self, scalar, "a single value")?;
                let Some(field) = &c.field else {
                    self.err(
                        "R026",
                        "`in_field` needs `field`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let other = self.target(field, index, all, bindings)?;
                Op::InField { field: other }
            }
            "matches" => {
                need(self, shape.is_textual(), "text")?;
                let Some(pattern) = &c.pattern else {
                    self.err(
                        "R026",
                        "`matches` needs `pattern`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let case_sensitive = c.case_sensitive.as_ref().map(|b| b.value).unwrap_or(false);
                match Pattern::new(&pattern.value, case_sensitive, 1 << 20) {
                    Ok(regex) => Op::Matches { regex },
                    Err(e) => {
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!("pattern `{}` does not compile", pattern.value),
                            )
                            .at(
                                self.file,
                                pattern.span.clone(),
                                "invalid regular expression",
                            )
                            .with_help(first_error_line(&e.to_string())),
                        );
                        return None;
                    }
                }
            }
            "matches_list" => {
                need(self, shape.is_textual(), "text")?;
                let Some(list_name) = &c.list else {
                    self.err(
                        "R026",
                        "`matches_list` needs `list`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                // A pattern list's `unless` column: where the text says the opposite (`no
                // re-export`), the row's pattern does not count (`PatternSet::with_exceptions`).
                // The same patterns and exceptions the pack warmed its sets with
                // (`PatternSets::warm`), so the set compiled there is found here.
                let (patterns, exceptions) = crate::rules::validate::list_patterns(&list, &column);
                let mut unless: Vec<(usize, String)> = Vec::with_capacity(exceptions.len());
                for (at, line, except) in exceptions {
                    // Parsed only: the set compiles an exception when a text first needs it
                    // (`PatternSet::with_exceptions`).
                    let parsed = regex_syntax::Parser::new()
                        .parse(except)
                        .map_err(|e| e.to_string())
                        .and_then(|hir| match hir.properties().minimum_len() {
                            // It would leave nothing out: a pattern that says the opposite of
                            // nothing, or a slip (`x*`) that hides the row's every match.
                            Some(0) => Err(
                                "error: the exception matches empty text, so it leaves nothing out"
                                    .to_string(),
                            ),
                            _ => Ok(()),
                        });
                    if let Err(e) = parsed {
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!(
                                    "`unless` pattern `{except}` on line {line} of list `{}` does not compile",
                                    list.meta.name
                                ),
                            )
                            .at(self.file, list_name.span.clone(), "list used here")
                            .with_help(first_error_line(&e.to_string())),
                        );
                        return None;
                    }
                    unless.push((at, except.to_string()));
                }
                // Compiling each pattern on its own costs as much as the set; it is done only
                // to name the pattern that broke a set that did not compile.
                let set = match self.cx.pattern_sets.get_with_exceptions(&patterns, &unless) {
                    Ok(set) => set,
                    Err(e) => {
                        for (row, p) in list.rows.iter().zip(&patterns) {
                            if let Err(e) = Regex::new(p) {
                                self.acc.push(
                                    Diagnostic::error(
                                        "R033",
                                        format!(
                                            "pattern `{p}` on line {} of list `{}` does not compile",
                                            row.line, list.meta.name
                                        ),
                                    )
                                    .at(self.file, list_name.span.clone(), "list used here")
                                    .with_help(first_error_line(&e.to_string())),
                                );
                                return None;
                            }
                        }
                        self.acc.push(
                            Diagnostic::error(
                                "R033",
                                format!(
                                    "the {} patterns of list `{}` do not compile together",
                                    patterns.len(),
                                    list.meta.name
                                ),
                            )
                            .at(self.file, list_name.span.clone(), "list used here")
                            .with_help(Some(format!(
                                "{}; split the list, or simplify its patterns (the compiled set may take at most {} MiB)",
                                first_error_line(&e.to_string()).trim_end_matches('.'),
                                PATTERN_SET_LIMIT >> 20
                            ))),
                        );
                        return None;
                    }
                };
                Op::MatchesList {
                    list: list.meta.name.clone(),
                    column,
                    set,
                }
            }
            "contains_any" => {
                need(self, shape.is_textual(), "text")?;
                let members = self.members(c, op)?;
                let words = self.member_strings(&members);
                let patterns: Vec<String> = words
                    .iter()
                    .map(|w| {
                        format!(
                            r"\b{}\b",
                            regex::escape(w.trim())
                                .replace(r"\ ", r"\s+")
                                .replace(' ', r"\s+")
                        )
                    })
                    .collect();
                match self.cx.pattern_sets.get(&patterns) {
                    Ok(set) => Op::ContainsAny { members, set },
                    Err(e) => {
                        self.err(
                            "R033",
                            format!(
                                "the words of `{}` do not make a valid pattern: {}",
                                c.name.value,
                                first_error_line(&e.to_string())
                            ),
                            c.span.clone(),
                            "here",
                        );
                        return None;
                    }
                }
            }
            "starts_with" => {
                need(self, shape.is_textual(), "text or a code")?;
                let members = self.members(c, op)?;
                Op::StartsWith { members }
            }
            "within" => {
                need(self, shape == Shape::Date, "a date")?;
                let Some(field) = &c.field else {
                    self.err(
                        "R026",
                        "`within` needs `field` and `days` or `months`".to_string(),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                let other = self.target(field, index, all, bindings)?;
                if other.shape() != Shape::Date {
                    self.err(
                        "R027",
                        format!(
                            "`within` compares dates, but `{}` is {}",
                            other.text(),
                            other.shape().name()
                        ),
                        field.span.clone(),
                        "not a date",
                    );
                    return None;
                }
                let days = c.days.as_ref().map(|d| d.value).unwrap_or(0);
                let months = c.months.as_ref().map(|m| m.value).unwrap_or(0);
                if days < 0 || months < 0 || (days == 0 && months == 0) {
                    self.err(
                        "R027",
                        "`within` needs a positive `days` or `months`".to_string(),
                        c.span.clone(),
                        "no span of time",
                    );
                    return None;
                }
                if days > MAX_SPAN_DAYS || months > i64::from(MAX_SPAN_MONTHS) {
                    self.err(
                        "R027",
                        format!("`within` spans at most {MAX_SPAN_MONTHS} months or {MAX_SPAN_DAYS} days (100 years)"),
                        c.span.clone(),
                        "too long a span",
                    );
                    return None;
                }
                Op::Within {
                    field: other,
                    months: months as i32,
                    days,
                }
            }
            "exists" => Op::Exists,
            "missing" => Op::Missing,
            "blank" => Op::Blank,
            "screen" => {
                // `mentions` reads a text for listed names written out, or every text of
                // `attributes` or of an item (which has no `attributes`: free text an export
                // keeps per line rides along as members of its own); every other basis
                // screens a party.
                if c.match_on.as_ref().is_some_and(|m| m.value == "mentions") {
                    need(
                        self,
                        matches!(
                            shape,
                            Shape::Text | Shape::Attributes | Shape::Item | Shape::Any
                        ),
                        "a text, an item or `attributes`",
                    )?;
                } else {
                    need(self, shape == Shape::Party, "a party")?;
                }
                self.screen(c)?
            }
            "invalid_id" => {
                need(self, shape == Shape::PartyId, "a party identifier")?;
                Op::InvalidId
            }
            "sum_gt" | "sum_gte" | "sum_lt" | "sum_lte" => {
                let cmp = op_cmp(op)?;
                need(
                    self,
                    matches!(shape, Shape::Number | Shape::Money | Shape::Any),
                    "numbers or amounts",
                )?;
                let Some(value) = &c.value else {
                    self.acc.push(
                        Diagnostic::error("R026", format!("`{op}` needs `value`"))
                            .at(self.file, c.span.clone(), "incomplete condition")
                            .with_help(Some(
                                "give the bound: `value = \"10000 USD\"` for amounts, a number otherwise"
                                    .to_string(),
                            )),
                    );
                    return None;
                };
                if let Some(field) = &c.field {
                    self.err(
                        "R026",
                        format!("`{op}` compares with a `value`, not a `field`"),
                        field.span.clone(),
                        "not for a sum",
                    );
                    return None;
                }
                let bound = self.literal(value, shape, op)?;
                // Below `attributes` a value has no `currency` beside it, so only numbers add up.
                if !matches!(bound, Literal::Number(_) | Literal::Money(..)) {
                    self.err(
                        "R027",
                        format!("`{op}` needs a number as its `value` here (an amount like `\"10000 USD\"` where the path reaches money)"),
                        value.span.clone(),
                        "not a bound a sum can reach",
                    );
                    return None;
                }
                if let Some(o) = &c.offset {
                    self.acc.push(
                        Diagnostic::warning("R034", "`offset` only applies to dates".to_string())
                            .at(self.file, o.span.clone(), "no effect"),
                    );
                }
                if let Some(q) = &c.quantifier {
                    self.acc.push(
                        Diagnostic::warning(
                            "R034",
                            format!(
                                "`quantifier` has no effect on `{op}`, which adds up every member"
                            ),
                        )
                        .at(self.file, q.span.clone(), "no effect"),
                    );
                }
                if !matches!(&target, Target::Path(p) if p.path.has_wildcard()) {
                    self.acc.push(
                        Diagnostic::warning(
                            "R034",
                            format!("`{op}` over a path without `[*]` adds up one value"),
                        )
                        .at(self.file, path_text.span.clone(), "one value")
                        .with_help(Some(format!(
                            "compare it with `{}`, or sum a list: `items[*].value`",
                            op.trim_start_matches("sum_")
                        ))),
                    );
                }
                Op::Sum {
                    cmp,
                    bound,
                    rate_date,
                }
            }
            "is_true" | "is_false" => {
                need(self, matches!(shape, Shape::Bool | Shape::Any), "a boolean")?;
                if op == "is_true" {
                    Op::IsTrue
                } else {
                    Op::IsFalse
                }
            }
            _ => {
                // count_* operators.
                let cmp = op_cmp(op)?;
                need(
                    self,
                    matches!(shape, Shape::ListOf(_) | Shape::Attributes | Shape::Any),
                    "a list",
                )?;
                let n = match &c.value {
                    Some(Sp {
                        value: Scalar::Num(n),
                        ..
                    }) => n.parse::<u64>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    self.err(
                        "R026",
                        format!("`{op}` needs a whole number `value`"),
                        c.span.clone(),
                        "incomplete condition",
                    );
                    return None;
                };
                Op::Count { cmp, n }
            }
        };
        if !matches!(op_model, Op::Screen(_)) {
            let stray = [
                c.lists.as_ref().map(|l| ("lists", l.span.clone())),
                c.min_score.as_ref().map(|l| ("min_score", l.span.clone())),
                c.below_score
                    .as_ref()
                    .map(|l| ("below_score", l.span.clone())),
                c.listed.as_ref().map(|l| ("listed", l.span.clone())),
                c.match_on.as_ref().map(|l| ("match_on", l.span.clone())),
                c.ownership.as_ref().map(|l| ("ownership", l.span.clone())),
            ];
            for (key, span) in stray.into_iter().flatten() {
                self.acc.push(
                    Diagnostic::warning(
                        "R034",
                        format!("`{key}` has no effect on `{op}`; it belongs to `screen`"),
                    )
                    .at(self.file, span, "no effect"),
                );
            }
        }
        if matches!(op_model, Op::Exists | Op::Missing | Op::Blank) && c.if_missing.is_some() {
            let span = c
                .if_missing
                .as_ref()
                .map(|m| m.span.clone())
                .unwrap_or(c.span.clone());
            self.acc.push(
                Diagnostic::warning(
                    "R034",
                    format!("`if_missing` has no effect on `{op}`, which is never unknown"),
                )
                .at(self.file, span, "no effect"),
            );
        }
        if quantifier == Quantifier::All
            && !matches!(&target, Target::Path(p) if p.path.has_wildcard())
        {
            let span = c
                .quantifier
                .as_ref()
                .map(|q| q.span.clone())
                .unwrap_or(c.span.clone());
            self.acc.push(
                Diagnostic::warning(
                    "R034",
                    "`quantifier = \"all\"` has no effect on a path without `[*]`",
                )
                .at(self.file, span, "no effect"),
            );
        }
        Some(Condition {
            name: c.name.value.clone(),
            op_name: op.to_string(),
            target,
            op: op_model,
            quantifier,
            if_missing,
        })
    }
}
