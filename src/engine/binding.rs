//! Binding a rule's variables to the order's values, and resolving paths in those bindings.

use smallvec::SmallVec;

use super::*;
use crate::order::Reach;

/// A bound variable: the element, and where it is as the trails followed from the order root
/// (one per variable its source started from, then its own). Judging binds far more elements
/// than evidence quotes, so the concrete path (`consignees[2]`) is formatted only on demand.
#[derive(Debug, Clone)]
pub(super) struct Bound<'o> {
    pub(super) value: &'o Value,
    chain: SmallVec<[Trail<'o>; 2]>,
}

impl Bound<'_> {
    /// The concrete path of the element (`consignees[2]`).
    pub(super) fn path(&self) -> String {
        concrete(&self.chain, None)
    }
}

/// The concrete path of `last` (if any) after the trails of `chain`.
fn concrete(chain: &[Trail], last: Option<&Trail>) -> String {
    let mut text = String::new();
    for trail in chain.iter().chain(last) {
        text = trail.concrete(&text);
    }
    text
}

/// Evaluation context: the order and the current bindings.
pub(super) struct Cx<'o, 'e> {
    pub(super) order: &'o Order,
    pub(super) engine: &'e Engine,
    pub(super) screened: &'e ScreenCache,
    /// Which dated list rows count.
    pub(super) rows: &'e RowDates,
    pub(super) vars: Vec<Bound<'o>>,
}

impl<'o> Cx<'o, '_> {
    pub(super) fn bound_evidence(&self, rule: &Rule) -> Vec<BoundEvidence> {
        rule.bindings
            .iter()
            .zip(&self.vars)
            .map(|(b, v)| BoundEvidence {
                name: b.name.clone(),
                path: v.path(),
                label: label_of(v.value),
            })
            .collect()
    }

    /// Hands each value `path` reaches from the order or from the variable it starts at to
    /// `sink`, with the trails to that start (none for the order).
    fn reach_each<'a, 'p, F: FnMut(&'a [Trail<'o>], Reach<'p, 'o>)>(
        &'a self,
        path: &'p PathRef,
        sink: &mut F,
    ) {
        match path.base {
            Base::Order => path
                .path
                .reach_each(&self.order.root, &mut |r| sink(&[], r)),
            Base::Var(i) => {
                if let Some(bound) = self.vars.get(i) {
                    path.path
                        .reach_each(bound.value, &mut |r| sink(&bound.chain, r));
                }
            }
        }
    }

    /// The elements binding `binding` takes in the current bindings, in source order.
    pub(super) fn elements(&self, binding: &'o Binding) -> Vec<Bound<'o>> {
        let mut elements = Vec::new();
        for source in &binding.sources {
            self.reach_each(source, &mut |prefix, r| {
                if let Some(value) = r.value {
                    let mut chain: SmallVec<[Trail<'o>; 2]> = prefix.iter().cloned().collect();
                    chain.push(r.trail);
                    elements.push(Bound { value, chain });
                }
            });
        }
        elements
    }

    pub(super) fn order_date(&self, which: RateDate) -> Option<NaiveDate> {
        let get = |name: &str| match self.order.root.get(name) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        match which {
            RateDate::OrderDate => get("date"),
            RateDate::ShipDate => get("ship_date").or_else(|| get("date")),
        }
    }
}

pub(super) fn bind<'o>(
    rule: &'o Rule,
    depth: usize,
    cx: &mut Cx<'o, '_>,
    visit: &mut dyn FnMut(&Cx<'o, '_>),
    walk: &mut Walk,
) {
    if walk.overflow {
        return;
    }
    let Some(binding) = rule.bindings.get(depth) else {
        walk.count = walk.count.saturating_add(1);
        if walk.count > walk.limit {
            walk.overflow = true;
            return;
        }
        visit(cx);
        return;
    };
    let elements = cx.elements(binding);
    if elements.is_empty() && depth < 64 {
        walk.empty |= 1 << depth;
    }
    for bound in elements {
        cx.vars.push(bound);
        bind(rule, depth + 1, cx, visit, walk);
        cx.vars.pop();
        if walk.overflow {
            return;
        }
    }
}

/// Where a reached value sits; its text is formatted only for evidence.
#[derive(Debug, Clone)]
pub(super) enum Loc<'a> {
    /// Reached by a path, after the concrete path of the variable it starts from.
    Path {
        prefix: &'a [Trail<'a>],
        trail: Trail<'a>,
    },
    /// A cell of a matched list row, already in words.
    Row(String),
}

impl Loc<'_> {
    pub(super) fn text(&self) -> String {
        match self {
            Loc::Path { prefix, trail } => concrete(prefix, Some(trail)),
            Loc::Row(text) => text.clone(),
        }
    }
}

/// A value a target reached: where, the value (or missing), the list row it came from, and
/// the object holding it (for the `currency` beside an amount).
#[derive(Debug, Clone)]
pub(super) struct Reached<'a> {
    pub(super) loc: Loc<'a>,
    pub(super) value: Option<Cow<'a, Value>>,
    pub(super) row: Option<usize>,
    pub(super) parent: Option<&'a Value>,
}

pub(super) fn values_of<'a>(
    target: &'a Target,
    cx: &'a Cx,
    outcomes: &[Outcome],
    done: &[bool],
) -> Result<Vec<Reached<'a>>, Truth> {
    let mut out = Vec::new();
    each_value(target, cx, outcomes, done, &mut |reached| out.push(reached))?;
    Ok(out)
}

/// Hands each value `target` reaches to `sink`, in the order [`values_of`] lists them, without
/// collecting them first: most conditions read one value, and a vector per evaluation cost
/// more than the test. On `Err`, `sink` was not called.
pub(super) fn each_value<'a, F: FnMut(Reached<'a>)>(
    target: &'a Target,
    cx: &'a Cx,
    outcomes: &[Outcome],
    done: &[bool],
    sink: &mut F,
) -> Result<(), Truth> {
    match target {
        Target::Path(p) => {
            cx.reach_each(p, &mut |prefix, r| {
                sink(Reached {
                    loc: Loc::Path {
                        prefix,
                        trail: r.trail,
                    },
                    value: r.value.map(Cow::Borrowed),
                    row: None,
                    parent: r.parent,
                })
            });
            Ok(())
        }
        Target::Row {
            condition,
            condition_name,
            column,
            list,
        } => {
            let Some(o) = outcomes
                .get(*condition)
                .filter(|_| done.get(*condition).copied().unwrap_or(false))
            else {
                return Err(Truth::Unknown);
            };
            if o.truth != Truth::True {
                // No matched row: the reader is as false (or unknown) as its source.
                return Err(o.truth);
            }
            let Some(table) = cx.engine.list(list) else {
                return Err(Truth::Unknown);
            };
            for &r in &o.rows {
                let Some(row) = table.rows.get(r) else {
                    continue;
                };
                let Some(cell) = table.cell(row, column) else {
                    continue;
                };
                let value = (!cell.is_empty()).then(|| Cow::Owned(Value::Text(cell.to_string())));
                sink(Reached {
                    loc: Loc::Row(format!(
                        "@{condition_name}.{column} ({list} line {})",
                        row.line
                    )),
                    value,
                    row: Some(r),
                    parent: None,
                });
            }
            Ok(())
        }
    }
}
