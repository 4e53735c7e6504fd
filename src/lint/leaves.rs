//! Leaf conditions judged alone, for `lint::logic`: some never hold (`in` an empty set, a
//! list with no rows, an HS code of four digits where orders have six to ten, `count_lt 0`),
//! some always hold (`count_gte 0`, a pattern that matches the empty text), and a literal may
//! lie outside what loading leaves of a value's shape (`out_of_domain`).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::pattern::{self, Reach};
use crate::order::{normalize, Shape};
use crate::rules::lists::ListTable;
use crate::rules::model::{Cmp, Condition, Literal, Members, Op, Operand, Target};

type Lists = BTreeMap<String, Arc<ListTable>>;

/// Why a text can never equal a value of this shape after loading
/// normalised it, or `None` when it can.
pub(super) fn out_of_domain(shape: Shape, text: &str, prefix: bool) -> Option<String> {
    let t = text.trim();
    match shape {
        Shape::Country if !(t.len() == 2 && normalize::country(t).is_some()) => Some(format!(
            "`{t}` is not an ISO 3166-1 alpha-2 code, and orders hold country codes like `RU`"
        )),
        Shape::Currency if normalize::currency(t).is_none() => Some(format!(
            "`{t}` is not an ISO 4217 code, and orders hold currency codes like `EUR`"
        )),
        Shape::Hs => {
            let digits = t.bytes().all(|b| b.is_ascii_digit());
            if !digits || t.is_empty() {
                Some(format!(
                    "`{t}` is not all digits, and orders hold HS codes as digits without dots"
                ))
            } else if t.len() > 10 || (!prefix && (t.len() < 6 || t.len() == 7)) {
                Some(format!(
                    "`{t}` has {} digits, and orders hold HS codes of 6, 8, 9 or 10 digits{}",
                    t.len(),
                    if prefix {
                        ""
                    } else {
                        "; use `starts_with` for a heading or chapter"
                    }
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// What a leaf is, judged alone.
#[derive(Debug, Clone)]
pub(super) struct Leaf {
    /// False when the leaf is never true; with the reason.
    pub(super) never: Option<String>,
    /// Set when the leaf holds whenever its value is there.
    pub(super) always: Option<String>,
    /// False when the leaf is never false (so `not leaf` is never true).
    pub(super) can_be_false: bool,
}

fn target_wildcard(target: &Target) -> bool {
    matches!(target, Target::Path(p) if p.path.has_wildcard())
}

pub(super) fn judge_leaf(c: &Condition, lists: &Lists) -> Leaf {
    let shape = c.target.shape();
    let is_count = matches!(c.op, Op::Count { .. });
    let mut never: Option<String> = None;
    let mut always: Option<String> = None;
    let rows = |list: &str| lists.get(list).map(|l| l.rows.len());
    let column_cells = |list: &str, column: &str| -> Vec<String> {
        lists
            .get(list)
            .map(|l| l.cells(column).map(str::to_string).collect())
            .unwrap_or_default()
    };
    match &c.op {
        Op::In { values } if values.is_empty() => never = Some("its `values` is empty".into()),
        Op::In { values } => {
            let texts: Vec<&str> = values
                .iter()
                .filter_map(|v| match v {
                    Literal::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            if texts.len() == values.len()
                && texts
                    .iter()
                    .all(|t| out_of_domain(shape, t, false).is_some())
            {
                never = Some(format!(
                    "no member of its `values` can match `{}`: {}",
                    c.target.text(),
                    out_of_domain(shape, texts[0], false).unwrap_or_default()
                ));
            }
        }
        Op::InList { list, column, .. } => {
            if rows(list) == Some(0) {
                never = Some(format!("list `{list}` has no rows"));
            } else {
                let cells = column_cells(list, column);
                if !cells.is_empty()
                    && cells
                        .iter()
                        .all(|t| out_of_domain(shape, t, false).is_some())
                {
                    never = Some(format!(
                        "no row of list `{list}` can match `{}`: {}",
                        c.target.text(),
                        out_of_domain(shape, &cells[0], false).unwrap_or_default()
                    ));
                }
            }
        }
        Op::StartsWith { members } | Op::ContainsAny { members, .. } => {
            let cells: Vec<String> = match members {
                Members::Values(v) => v.clone(),
                Members::List { list, column } => column_cells(list, column),
            };
            let source = match members {
                Members::Values(_) => "its `values`".to_string(),
                Members::List { list, .. } => format!("list `{list}`"),
            };
            if cells.is_empty() {
                never = Some(format!("{source} is empty"));
            } else if matches!(c.op, Op::StartsWith { .. })
                && cells
                    .iter()
                    .all(|t| out_of_domain(shape, t, true).is_some())
            {
                never = Some(format!(
                    "no prefix in {source} can start `{}`: {}",
                    c.target.text(),
                    out_of_domain(shape, &cells[0], true).unwrap_or_default()
                ));
            }
        }
        Op::MatchesList { list, column, .. } => {
            let cells = column_cells(list, column);
            if cells.is_empty() {
                never = Some(format!("list `{list}` has no rows"));
            } else if let Some(p) = cells
                .iter()
                .find(|p| pattern::reach(p, true) == Reach::Everything)
            {
                always = Some(format!("pattern `{p}` of list `{list}` matches every text"));
            } else if cells
                .iter()
                .all(|p| pattern::reach(p, true) == Reach::Nothing)
            {
                never = Some(format!("no pattern of list `{list}` matches any text"));
            }
        }
        Op::Matches { regex } => match pattern::reach(regex.as_str(), true) {
            Reach::Everything => {
                always = Some(format!("pattern `{}` matches every text", regex.as_str()))
            }
            Reach::Nothing => never = Some(format!("pattern `{}` matches no text", regex.as_str())),
            Reach::Some => {}
        },
        Op::Count { cmp: Cmp::Lt, n: 0 } => never = Some("no list has fewer than 0 members".into()),
        Op::Count {
            cmp: Cmp::Gte,
            n: 0,
        } => always = Some("every list has at least 0 members".into()),
        Op::Compare {
            cmp: cmp @ (Cmp::Eq | Cmp::Ne),
            operand: Operand::Literal(Literal::Text(t)),
            ..
        } => {
            if let Some(why) = out_of_domain(shape, t, false) {
                if *cmp == Cmp::Eq {
                    never = Some(why);
                } else {
                    always = Some(why);
                }
            }
        }
        _ => {}
    }
    // `if_missing = true` makes a leaf true when its value is missing, and
    // a count is never unknown.
    if c.if_missing == Some(true) && !is_count {
        never = None;
    }
    let can_be_false = match &always {
        None => true,
        Some(_) if is_count => false,
        Some(_) => target_wildcard(&c.target) || c.if_missing == Some(false),
    };
    Leaf {
        never,
        always,
        can_be_false,
    }
}
