//! Evidence in words: labels of bound values, condition evidence, the rows of lists matched
//! (built once per row), expected texts and messages.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::*;

/// Member names an object of free members is labelled by, at most.
const LABEL_KEYS: usize = 8;

/// How a bound value is named in evidence: an identifier by scheme and value, a party or stop
/// by name and place, an item by SKU or kind. Written into one string: a finding labels each
/// of its bindings, and a string per part joined by `format!` cost several times the text.
pub(super) fn label_of(value: &Value) -> String {
    // A party's label (`name (city, country)`) is a few dozen bytes: grown from nothing it
    // was reallocated three or four times.
    let mut out = String::with_capacity(64);
    match value {
        Value::Map(m) if m.contains_key("scheme") && m.contains_key("value") => {
            push_shown(&mut out, m.get("scheme"));
            out.push(' ');
            push_shown(&mut out, m.get("value"));
        }
        Value::Map(m) => {
            let (city, country) = (m.get("city"), m.get("country"));
            let place = |out: &mut String| {
                push_shown(out, city);
                if city.is_some() && country.is_some() {
                    out.push_str(", ");
                }
                push_shown(out, country);
            };
            let has_place = city.is_some() || country.is_some();
            match m.get("name") {
                Some(name) => {
                    push_shown(&mut out, Some(name));
                    if has_place {
                        out.push_str(" (");
                        place(&mut out);
                        out.push(')');
                    }
                }
                None if has_place => place(&mut out),
                None => match m.get("sku").or_else(|| m.get("kind")) {
                    Some(label) => push_shown(&mut out, Some(label)),
                    // An object of free members (`attributes`) is shown by its members' names,
                    // which say where to look: `{Remarks, delivery}`; the first few of a large
                    // one, which would otherwise fill every finding that quotes it.
                    None if !m.is_empty() => {
                        out.push('{');
                        for (i, key) in m.keys().take(LABEL_KEYS).enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            out.push_str(key);
                        }
                        if let Some(more) = m.len().checked_sub(LABEL_KEYS).filter(|&n| n > 0) {
                            out.push_str(&format!(", +{more} more"));
                        }
                        out.push('}');
                    }
                    None => {}
                },
            }
        }
        other => push_shown(&mut out, Some(other)),
    }
    out
}

/// A value as an observation shows it (`Value`'s `Display`), text copied without the formatting
/// machinery.
pub(super) fn display(value: &Value) -> String {
    match value {
        Value::Text(text) => String::from(text.as_str()),
        other => other.to_string(),
    }
}

/// Appends `value` as [`Value`]'s `Display` shows it (nothing for `None`), text without the
/// formatting machinery.
fn push_shown(out: &mut String, value: Option<&Value>) {
    match value {
        Some(Value::Text(text)) => out.push_str(text),
        Some(other) => {
            use std::fmt::Write as _;
            // Writing to a `String` cannot fail.
            let _ = write!(out, "{other}");
        }
        None => {}
    }
}

/// The evidence of each condition, taking the observations out of `outcomes` (a finding's
/// outcomes are not read again, and copying every observation's texts cost as much as
/// building them).
pub(super) fn row_evidence(table: &ListTable, index: usize) -> Option<RowEvidence> {
    let row = table.rows.get(index)?;
    Some(RowEvidence {
        list: table.meta.name.clone(),
        line: row.line,
        cells: table
            .columns
            .iter()
            .cloned()
            .zip(row.cells.iter().cloned())
            .collect(),
    })
}

/// A list's rows' evidence, each built the first time a finding quotes it: a row of a pack's
/// list is quoted by finding after finding, and its cells were copied for each.
#[derive(Debug, Clone, Default)]
pub(super) struct RowEvidenceCache {
    by_list: FxHashMap<String, Box<[OnceLock<Arc<RowEvidence>>]>>,
}

impl RowEvidenceCache {
    pub(super) fn of(lists: &BTreeMap<String, Arc<ListTable>>) -> RowEvidenceCache {
        RowEvidenceCache {
            by_list: lists
                .iter()
                .map(|(name, table)| {
                    let slots = (0..table.rows.len()).map(|_| OnceLock::new()).collect();
                    (name.clone(), slots)
                })
                .collect(),
        }
    }

    /// The evidence of row `index` of `table`.
    pub(super) fn get(&self, table: &ListTable, index: usize) -> Option<Arc<RowEvidence>> {
        let Some(slot) = self
            .by_list
            .get(&table.meta.name)
            .and_then(|rows| rows.get(index))
        else {
            return row_evidence(table, index).map(Arc::new);
        };
        if let Some(built) = slot.get() {
            return Some(Arc::clone(built));
        }
        let built = Arc::new(row_evidence(table, index)?);
        Some(Arc::clone(slot.get_or_init(|| built)))
    }
}

/// A condition's name, operator and path as its evidence quotes them, made once per condition.
#[derive(Debug, Clone)]
pub(super) struct ConditionLabels {
    name: Arc<str>,
    op: Arc<str>,
    path: Arc<str>,
}

impl ConditionLabels {
    pub(super) fn of(c: &Condition) -> ConditionLabels {
        ConditionLabels {
            name: Arc::from(c.name.as_str()),
            op: Arc::from(c.op_name.as_str()),
            path: Arc::from(c.target.text()),
        }
    }
}

pub(super) fn evidence_of(
    rule: &Rule,
    labels: &[ConditionLabels],
    mut outcomes: Vec<Outcome>,
) -> Vec<ConditionEvidence> {
    // Conditions in the order the expression names them, then any others.
    let mut order = Vec::new();
    rule.condition.leaves(&mut order);
    for e in &rule.escalations {
        e.condition.leaves(&mut order);
    }
    for i in 0..rule.conditions.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for (at, &i) in order.iter().enumerate() {
        let (Some(c), Some(o)) = (labels.get(i), outcomes.get_mut(i)) else {
            continue;
        };
        // `leaves` lists each condition once; were one listed twice, each would show it in full.
        let named_again = order.get(at + 1..).is_some_and(|rest| rest.contains(&i));
        let mut observations = if named_again {
            o.observations.clone()
        } else {
            std::mem::take(&mut o.observations)
        };
        let more = observations.len().saturating_sub(MAX_OBSERVATIONS);
        // Keep the observations that decided the outcome first.
        observations.sort_by_key(|ob| if ob.holds == o.truth { 0 } else { 1 });
        observations.truncate(MAX_OBSERVATIONS);
        out.push(ConditionEvidence {
            name: Arc::clone(&c.name),
            op: Arc::clone(&c.op),
            path: Arc::clone(&c.path),
            truth: o.truth,
            observations,
            more,
        });
    }
    out
}

/// What a condition expects, in words; formatted once per condition when the
/// engine is built, since it is the same for every order.
pub(super) fn expected_text(c: &Condition, pack: &RulePack) -> String {
    let list_meta = |name: &str| {
        pack.lists
            .get(name)
            .map(|l| format!("list `{name}` (as of {})", l.meta.as_of))
            .unwrap_or_else(|| format!("list `{name}`"))
    };
    match &c.op {
        Op::Compare {
            cmp,
            operand,
            offset,
            ..
        } => {
            let rhs = match operand {
                Operand::Literal(l) => format!("`{l}`"),
                Operand::Field(t) => format!("`{}`", t.text()),
            };
            let off = offset.map(|o| format!(" {o}")).unwrap_or_default();
            format!("{} {rhs}{off}", cmp.symbol())
        }
        Op::In { values } => format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::InList { list, column, also } => {
            let extra = if also.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    also.iter()
                        .map(|(c, t)| format!("`{c}` = `{}`", t.text()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!("a `{column}` in {}{extra}", list_meta(list))
        }
        Op::InField { field } => format!("a member of `{}`", field.text()),
        Op::Matches { regex } => format!("matches `{}`", regex.as_str()),
        Op::MatchesList { list, .. } => format!("matches a pattern in {}", list_meta(list)),
        Op::ContainsAny {
            members: Members::List { list, .. },
            ..
        } => format!("contains a word from {}", list_meta(list)),
        Op::ContainsAny {
            members: Members::Values(v),
            ..
        } => format!(
            "contains one of {}",
            v.iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::StartsWith {
            members: Members::List { list, column },
        } => format!("starts with a `{column}` in {}", list_meta(list)),
        Op::StartsWith {
            members: Members::Values(v),
        } => format!(
            "starts with one of {}",
            v.iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Within {
            field,
            months,
            days,
        } => {
            let span = match (months, days) {
                (0, d) => format!("{d} days"),
                (m, 0) => format!("{m} months"),
                (m, d) => format!("{m} months {d} days"),
            };
            format!("within {span} of `{}`", field.text())
        }
        Op::Exists => "present".into(),
        Op::Missing => "missing".into(),
        Op::Blank => "missing or blank".into(),
        Op::Count { cmp, n } => format!("count {} {n}", cmp.symbol()),
        Op::Sum { cmp, bound, .. } => format!("sum {} `{bound}`", cmp.symbol()),
        Op::IsTrue => "true".into(),
        Op::IsFalse => "false".into(),
        Op::Screen(spec) => {
            let lists = if spec.lists.is_empty() {
                "any screening list".to_string()
            } else {
                format!(
                    "screening list {}",
                    spec.lists
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            let basis = match spec.match_on {
                MatchOn::Any => "a match",
                MatchOn::Id => "an identifier match",
                MatchOn::Name => "a name match",
                MatchOn::Address => "an address match",
                MatchOn::Mentions => "a listed name written out",
            };
            let band = match spec.below_score {
                Some(below) => format!("scoring from {} to below {below}", spec.min_score),
                None => format!("scoring at least {}", spec.min_score),
            };
            let listed = match spec.listed {
                ListedFilter::AtShipment => ", listed at shipment",
                ListedFilter::AfterShipment => ", listed only after shipment",
                ListedFilter::Any => "",
            };
            let owned = match spec.ownership {
                OwnershipFilter::Include => "",
                OwnershipFilter::Exclude => ", listed in its own right",
                OwnershipFilter::Only => ", of an entity owned 50 % or more by listed parties",
                OwnershipFilter::Unresolved => {
                    ", of an entity counted as owned 50 % by listed parties only by assumption"
                }
            };
            format!("{basis} in {lists} {band}{listed}{owned}")
        }
        Op::InvalidId => "an identifier whose check digits are wrong".into(),
    }
}

pub(super) fn render(template: &Template, cx: &Cx, outcomes: &[Outcome]) -> String {
    let done = vec![true; outcomes.len()];
    // A message is about a line of text, as `label_of`'s label is a few dozen bytes.
    let mut out = String::with_capacity(128);
    for piece in &template.pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(i) => match cx.vars.get(*i) {
                Some(b) => out.push_str(&label_of(b.value)),
                None => out.push_str("(none)"),
            },
            Piece::Value(target) => match values_of(target, cx, outcomes, &done) {
                Ok(values) => {
                    let shown: Vec<String> = values
                        .iter()
                        .filter_map(|Reached { value: v, .. }| v.as_deref().map(display))
                        .collect();
                    let mut unique: Vec<String> = Vec::new();
                    for s in shown {
                        if !unique.contains(&s) {
                            unique.push(s);
                        }
                    }
                    if unique.is_empty() {
                        out.push_str("(missing)");
                    } else {
                        out.push_str(&unique.join(", "));
                    }
                }
                Err(_) => out.push_str("(none)"),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `label_of` as it was written before it wrote into one string.
    fn label_by_format(value: &Value) -> String {
        match value {
            Value::Map(m) if m.contains_key("scheme") && m.contains_key("value") => format!(
                "{} {}",
                m.get("scheme").map(|v| v.to_string()).unwrap_or_default(),
                m.get("value").map(|v| v.to_string()).unwrap_or_default()
            ),
            Value::Map(m) => {
                let name = m.get("name").map(|v| v.to_string());
                let city = m.get("city").map(|v| v.to_string());
                let country = m.get("country").map(|v| v.to_string());
                let place = match (city, country) {
                    (Some(c), Some(k)) => Some(format!("{c}, {k}")),
                    (Some(c), None) => Some(c),
                    (None, Some(k)) => Some(k),
                    (None, None) => None,
                };
                match (name, place) {
                    (Some(n), Some(p)) => format!("{n} ({p})"),
                    (Some(n), None) => n,
                    (None, Some(p)) => p,
                    (None, None) => match m.get("sku").or_else(|| m.get("kind")) {
                        Some(v) => v.to_string(),
                        None if m.is_empty() => String::new(),
                        None => {
                            let keys: Vec<&str> = m.keys().take(LABEL_KEYS).collect();
                            let more = m.len().saturating_sub(LABEL_KEYS);
                            let more = if more > 0 {
                                format!(", +{more} more")
                            } else {
                                String::new()
                            };
                            format!("{{{}{more}}}", keys.join(", "))
                        }
                    },
                }
            }
            other => other.to_string(),
        }
    }

    fn member() -> impl Strategy<Value = Value> {
        prop_oneof![
            "[a-zA-Z ]{0,6}".prop_map(|t| Value::Text(t.into())),
            (0i64..1000).prop_map(|n| Value::Number(Decimal::new(n, 1))),
            Just(Value::Null),
        ]
    }

    proptest! {
        /// Every mix of the members a label reads, present, null or absent, text or not.
        #[test]
        fn a_label_reads_as_the_formatted_one(
            members in prop::collection::vec(
                (prop::sample::select(vec!["name", "city", "country", "scheme", "value", "sku", "kind"]), member()),
                0..7,
            ),
            scalar in member(),
        ) {
            let map = Value::Map(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            prop_assert_eq!(label_of(&map), label_by_format(&map));
            prop_assert_eq!(label_of(&scalar), label_by_format(&scalar));
            prop_assert_eq!(display(&scalar), scalar.to_string());
        }
    }
}
