//! Validating paths, targets, list and column names, members and literals of a rule.

use super::*;

impl Validator<'_, '_> {
    /// Resolves a path text against the schema; `@` references are handled
    /// by the caller.
    pub(super) fn path(
        &mut self,
        text: &Sp<String>,
        bindings: &[Binding],
        _conds: &[RawCondition],
    ) -> Option<PathRef> {
        let parsed = match Path::parse(&text.value) {
            Ok(p) => p,
            Err(e) => {
                let at = text.span.start + 1 + e.offset;
                self.acc.push(
                    Diagnostic::error(
                        "R022",
                        format!("invalid path `{}`: {}", text.value, e.message),
                    )
                    .at(
                        self.file,
                        at.min(text.span.end)..(at + 1).min(text.span.end),
                        "here",
                    ),
                );
                return None;
            }
        };
        let segments = parsed.segments();
        let (base, shapes, rest): (Base, Vec<Shape>, &[Segment]) = match segments.first() {
            Some(Segment::Field(first)) => match bindings.iter().position(|b| &b.name == first) {
                Some(var) => (Base::Var(var), bindings[var].shapes.clone(), &segments[1..]),
                None => (Base::Order, vec![Shape::Order], segments),
            },
            _ => (Base::Order, vec![Shape::Order], segments),
        };
        let mut result: Option<Shape> = None;
        for start in shapes {
            let shape = self.walk(start, rest, text, bindings, base)?;
            match result {
                None => result = Some(shape),
                Some(prev) if prev == shape => {}
                Some(prev) => {
                    self.err(
                        "R023",
                        format!(
                            "`{}` is {} for one source of the variable and {} for another",
                            text.value,
                            prev.name(),
                            shape.name()
                        ),
                        text.span.clone(),
                        "ambiguous type",
                    );
                    return None;
                }
            }
        }
        let rest_path = Path::from_segments(rest.to_vec());
        Some(PathRef {
            base,
            path: rest_path,
            text: text.value.clone(),
            shape: result.unwrap_or(Shape::Order),
        })
    }

    pub(super) fn walk(
        &mut self,
        start: Shape,
        segments: &[Segment],
        text: &Sp<String>,
        bindings: &[Binding],
        base: Base,
    ) -> Option<Shape> {
        let mut shape = start;
        for segment in segments {
            shape = match segment {
                Segment::Field(name) => {
                    match shape.field(name) {
                        Some(next) => next,
                        None => {
                            let (what, candidates): (String, Vec<&str>) = match shape {
                                Shape::ListOf(_) => {
                                    self.err(
                                    "R024",
                                    format!("`{}` steps into a list without `[*]` or an index before `{name}`", text.value),
                                    text.span.clone(),
                                    "add `[*]` or `[0]` before this field",
                                );
                                    return None;
                                }
                                s if s.is_object() => {
                                    (s.name(), s.fields().iter().map(|(f, _)| *f).collect())
                                }
                                s => {
                                    self.err(
                                    "R024",
                                    format!("`{}` has no fields, so `{name}` cannot be read from it", s.name()),
                                    text.span.clone(),
                                    "not an object",
                                );
                                    return None;
                                }
                            };
                            let mut all = candidates.clone();
                            if matches!(base, Base::Order) && shape == Shape::Order {
                                all.extend(bindings.iter().map(|b| b.name.as_str()));
                            }
                            self.acc.push(
                                Diagnostic::error(
                                    "R024",
                                    format!("unknown field `{name}` in path `{}`", text.value),
                                )
                                .at(
                                    self.file,
                                    text.span.clone(),
                                    format!("{what} has no field `{name}`"),
                                )
                                .with_help(
                                    suggest(name, all.iter().copied()).or(Some(format!(
                                        "fields of {what}: {}",
                                        candidates.join(", ")
                                    ))),
                                ),
                            );
                            return None;
                        }
                    }
                }
                Segment::Each | Segment::Index(_) => match shape.element() {
                    Some(inner) => inner,
                    None => {
                        self.err(
                            "R024",
                            format!(
                                "`{}` indexes {}, which is not a list",
                                text.value,
                                shape.name()
                            ),
                            text.span.clone(),
                            "not a list",
                        );
                        return None;
                    }
                },
            };
        }
        Some(shape)
    }

    pub(super) fn target(
        &mut self,
        text: &Sp<String>,
        index: usize,
        all: &[RawCondition],
        bindings: &[Binding],
    ) -> Option<Target> {
        if let Some(reference) = text.value.strip_prefix('@') {
            let Some((name, column)) = reference.split_once('.') else {
                self.err(
                    "R025",
                    format!(
                        "`{}` must name a condition and a column, like `@border.faces`",
                        text.value
                    ),
                    text.span.clone(),
                    "incomplete reference",
                );
                return None;
            };
            let Some(condition) = all.iter().position(|c| c.name.value == name) else {
                self.acc.push(
                    Diagnostic::error(
                        "R025",
                        format!("`@{name}` refers to no condition of this rule"),
                    )
                    .at(self.file, text.span.clone(), "unknown condition")
                    .with_help(suggest(name, all.iter().map(|c| c.name.value.as_str()))),
                );
                return None;
            };
            if condition == index {
                self.err(
                    "R025",
                    format!("condition `{name}` cannot read its own matched row"),
                    text.span.clone(),
                    "self reference",
                );
                return None;
            }
            let referenced = &all[condition];
            // An unknown or missing operator there has been reported already.
            if !referenced
                .op
                .as_ref()
                .is_some_and(|o| OPERATORS.contains(&o.value.as_str()))
            {
                return None;
            }
            let list_name = referenced.list.as_ref().map(|l| l.value.clone());
            let op = referenced
                .op
                .as_ref()
                .map(|o| o.value.as_str())
                .unwrap_or("");
            let Some(list_name) = list_name.filter(|_| {
                matches!(
                    op,
                    "in_list" | "matches_list" | "contains_any" | "starts_with"
                )
            }) else {
                self.err(
                    "R025",
                    format!("`@{name}` reads a matched list row, but condition `{name}` does not match against a list"),
                    text.span.clone(),
                    "no list row here",
                );
                return None;
            };
            if let Some(list) = self.cx.lists.get(&list_name) {
                if list.column_index(column).is_none() {
                    self.acc.push(
                        Diagnostic::error(
                            "R041",
                            format!("list `{list_name}` has no column `{column}`"),
                        )
                        .at(self.file, text.span.clone(), "unknown column")
                        .with_help(
                            suggest(column, list.columns.iter().map(String::as_str))
                                .or(Some(format!("columns: {}", list.columns.join(", ")))),
                        ),
                    );
                    return None;
                }
            }
            return Some(Target::Row {
                condition,
                condition_name: name.to_string(),
                column: column.to_string(),
                list: list_name,
            });
        }
        self.path(text, bindings, all).map(Target::Path)
    }

    pub(super) fn list(&mut self, name: &Sp<String>) -> Option<Arc<ListTable>> {
        match self.cx.lists.get(&name.value) {
            Some(list) => Some(list.clone()),
            None if self.cx.declared_lists.contains(&name.value) => None,
            None => {
                self.acc.push(
                    Diagnostic::error("R030", format!("unknown list `{}`", name.value))
                        .at(self.file, name.span.clone(), "not declared in `pack.toml`")
                        .with_help(
                            suggest(&name.value, self.cx.lists.keys().map(String::as_str)).or(
                                Some(format!(
                                    "declared lists: {}",
                                    self.cx.lists.keys().cloned().collect::<Vec<_>>().join(", ")
                                )),
                            ),
                        ),
                );
                None
            }
        }
    }

    pub(super) fn column(
        &mut self,
        list: &ListTable,
        column: Option<&Sp<String>>,
    ) -> Option<String> {
        match column {
            None => Some(list.key.clone()),
            Some(c) if list.column_index(&c.value).is_some() => Some(c.value.clone()),
            Some(c) => {
                self.acc.push(
                    Diagnostic::error(
                        "R041",
                        format!("list `{}` has no column `{}`", list.meta.name, c.value),
                    )
                    .at(self.file, c.span.clone(), "unknown column")
                    .with_help(
                        suggest(&c.value, list.columns.iter().map(String::as_str))
                            .or(Some(format!("columns: {}", list.columns.join(", ")))),
                    ),
                );
                None
            }
        }
    }

    pub(super) fn members(&mut self, c: &RawCondition, op: &str) -> Option<Members> {
        match (&c.values, &c.list) {
            (Some(values), None) => {
                let mut out = Vec::new();
                for v in &values.value {
                    match &v.value {
                        Scalar::Str(s) | Scalar::Num(s) => out.push(s.clone()),
                        other => self.err(
                            "R026",
                            format!("`{op}` needs strings in `values`, not a {}", other.kind()),
                            v.span.clone(),
                            "not a string",
                        ),
                    }
                }
                Some(Members::Values(out))
            }
            (None, Some(list_name)) => {
                let list = self.list(list_name)?;
                let column = self.column(&list, c.column.as_ref())?;
                Some(Members::List {
                    list: list.meta.name.clone(),
                    column,
                })
            }
            (Some(values), Some(_)) => {
                self.err(
                    "R026",
                    format!("`{op}` takes `values` or `list`, not both"),
                    values.span.clone(),
                    "one of these",
                );
                None
            }
            (None, None) => {
                self.err(
                    "R026",
                    format!("`{op}` needs `values` or `list`"),
                    c.span.clone(),
                    "incomplete condition",
                );
                None
            }
        }
    }

    pub(super) fn member_strings(&self, members: &Members) -> Vec<String> {
        match members {
            Members::Values(v) => v.clone(),
            Members::List { list, column } => self
                .cx
                .lists
                .get(list)
                .map(|l| l.cells(column).map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }

    pub(super) fn literal(
        &mut self,
        value: &Sp<Scalar>,
        shape: Shape,
        op: &str,
    ) -> Option<Literal> {
        let bad = |v: &mut Self, expected: &str| {
            v.acc.push(
                Diagnostic::error(
                    "R027",
                    format!(
                        "`{op}` on {} needs {expected}, not the {} `{}`",
                        shape.name(),
                        value.value.kind(),
                        value.value.text()
                    ),
                )
                .at(v.file, value.span.clone(), format!("expected {expected}")),
            );
            None
        };
        match (shape, &value.value) {
            (Shape::Date, Scalar::Date(d) | Scalar::Str(d)) => {
                match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(date) => Some(Literal::Date(date)),
                    Err(_) => bad(self, "a date `YYYY-MM-DD`"),
                }
            }
            (Shape::Date, _) => bad(self, "a date `YYYY-MM-DD`"),
            (Shape::Number, Scalar::Num(n)) => match parse_decimal(n) {
                Some(d) => Some(Literal::Number(d)),
                None => bad(self, "a number"),
            },
            (Shape::Number, _) => bad(self, "a number"),
            (Shape::Money, Scalar::Str(s)) => {
                let mut parts = s.split_whitespace();
                let amount = parts.next().and_then(parse_decimal);
                let currency = parts.next().and_then(normalize::currency);
                match (amount, currency, parts.next()) {
                    (Some(amount), Some(currency), None) => {
                        if !self.cx.has_rates {
                            self.acc.push(
                                Diagnostic::error(
                                    "R031",
                                    format!(
                                        "`{op}` compares money, but the pack has no rates table"
                                    ),
                                )
                                .at(
                                    self.file,
                                    value.span.clone(),
                                    "needs `[rates]` in `pack.toml`",
                                ),
                            );
                        }
                        Some(Literal::Money(amount, currency))
                    }
                    _ => bad(
                        self,
                        "an amount and an ISO 4217 currency like `\"10000 USD\"`",
                    ),
                }
            }
            (Shape::Money, _) => bad(
                self,
                "an amount and an ISO 4217 currency like `\"10000 USD\"`",
            ),
            (Shape::Bool, Scalar::Bool(b)) => Some(Literal::Bool(*b)),
            (Shape::Bool, _) => bad(self, "`true` or `false`"),
            (Shape::Country, Scalar::Str(s)) => match normalize::country(s) {
                Some(code) => Some(Literal::Text(code)),
                None => bad(self, "an ISO 3166-1 alpha-2 country code"),
            },
            (Shape::Hs, Scalar::Str(s) | Scalar::Num(s)) => {
                let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
                if !digits.is_empty()
                    && digits.len() <= 10
                    && digits.chars().all(|c| c.is_ascii_digit())
                {
                    Some(Literal::Text(digits))
                } else {
                    bad(self, "HS code digits")
                }
            }
            (Shape::Any, Scalar::Bool(b)) => Some(Literal::Bool(*b)),
            (Shape::Any, Scalar::Num(n)) => parse_decimal(n)
                .map(Literal::Number)
                .or_else(|| bad(self, "a number")),
            (Shape::Any, Scalar::Date(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .map(Literal::Date)
                .or_else(|| bad(self, "a date")),
            (_, Scalar::Str(s)) => Some(Literal::Text(s.clone())),
            (s, _) if s.is_textual() => bad(self, "a string"),
            _ => bad(self, "a value it can compare"),
        }
    }
}
