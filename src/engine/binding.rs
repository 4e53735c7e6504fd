//! Binding a rule's variables to the order's values, and resolving paths in those bindings.

use smallvec::SmallVec;

use super::*;
use crate::order::Reach;

/// A bound variable: the element, the variable its source started from (none for the order
/// root) and the trail followed from there. Judging binds far more elements than evidence
/// quotes, so the concrete path (`consignees[2]`) is formatted only on demand, from the trails
/// of the variables it passes through; an element borrows where its parent is instead of
/// copying the parent's trails.
#[derive(Debug, Clone)]
pub(super) struct Bound<'o> {
    pub(super) value: &'o Value,
    from: Option<usize>,
    trail: Trail<'o>,
}

impl Bound<'_> {
    /// The source path this was taken through, by address: the same for two consignees
    /// (`consignees[*]`), another for the buyer and the end user.
    pub(super) fn source_id(&self) -> usize {
        self.trail.path_id()
    }
}

/// The concrete path of `last` (if any) after the trails of the variable `from` (and those it
/// came from), the variables being `vars`.
fn concrete(vars: &[Bound], from: Option<usize>, last: Option<&Trail>) -> String {
    let mut chain: SmallVec<[&Trail; 4]> = SmallVec::new();
    chain.extend(last);
    let mut at = from;
    while let Some(bound) = at.and_then(|i| vars.get(i).map(|b| (i, b))) {
        let (i, bound) = bound;
        chain.push(&bound.trail);
        // A variable is bound from one bound before it, so the walk ends; a `from` that does
        // not go back would loop, and ends here instead.
        at = bound.from.filter(|&up| up < i);
    }
    // Most paths fit (`consignees[2].address.city`), so the string is not grown step by step.
    let mut text = String::with_capacity(32);
    for trail in chain.iter().rev() {
        trail.push_concrete(&mut text);
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
                path: concrete(&self.vars, v.from, Some(&v.trail)),
                label: label_of(v.value),
            })
            .collect()
    }

    /// Hands each value `path` reaches from the order or from the variable it starts at to
    /// `sink`, with that variable (none for the order).
    fn reach_each<'a, 'p, F: FnMut(Option<usize>, Reach<'p, 'o>)>(
        &'a self,
        path: &'p PathRef,
        sink: &mut F,
    ) {
        match path.base {
            Base::Order => path
                .path
                .reach_each(&self.order.root, &mut |r| sink(None, r)),
            Base::Var(i) => {
                if let Some(bound) = self.vars.get(i) {
                    path.path.reach_each(bound.value, &mut |r| sink(Some(i), r));
                }
            }
        }
    }

    /// The elements binding `binding` takes in the current bindings, in source order.
    pub(super) fn elements(&self, binding: &'o Binding) -> Vec<Bound<'o>> {
        let mut elements = Vec::new();
        self.elements_into(binding, &mut elements);
        elements
    }

    /// [`Cx::elements`] appended to `out`, a vector the caller reuses.
    pub(super) fn elements_into(&self, binding: &'o Binding, out: &mut Vec<Bound<'o>>) {
        for source in &binding.sources {
            self.reach_each(source, &mut |from, r| {
                if let Some(value) = r.value {
                    out.push(Bound {
                        value,
                        from,
                        trail: r.trail,
                    });
                }
            });
        }
    }

    /// How many elements binding `binding` takes in the current bindings.
    pub(super) fn count_elements(&self, binding: &'o Binding) -> usize {
        let mut count: usize = 0;
        for source in &binding.sources {
            self.reach_each(source, &mut |_, r| {
                if r.value.is_some() {
                    count = count.saturating_add(1);
                }
            });
        }
        count
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
    /// Reached by a path, after the concrete path of the variable it starts from (`from`, of
    /// `vars`; none for the order).
    Path {
        vars: &'a [Bound<'a>],
        from: Option<usize>,
        trail: Trail<'a>,
    },
    /// A cell of a matched list row: the condition that matched it, the column, the list and
    /// the row's line (put in words only for evidence, as a path is).
    Cell {
        condition: &'a str,
        column: &'a str,
        list: &'a str,
        line: usize,
    },
    /// Somewhere already in words.
    Row(String),
}

impl Loc<'_> {
    pub(super) fn text(&self) -> String {
        match self {
            Loc::Path { vars, from, trail } => concrete(vars, *from, Some(trail)),
            Loc::Cell {
                condition,
                column,
                list,
                line,
            } => format!("@{condition}.{column} ({list} line {line})"),
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
// Inlined into each caller: left to itself the compiler stopped doing so when the profile's
// counters were added to the walk, and judging took 1.5 % more instructions
// (`benches/instructions.sh 1000`, 458.5 M against 465.6 M; 459.6 M inlined).
#[inline(always)]
pub(super) fn each_value<'a, F: FnMut(Reached<'a>)>(
    target: &'a Target,
    cx: &'a Cx,
    outcomes: &[Outcome],
    done: &[bool],
    sink: &mut F,
) -> Result<(), Truth> {
    match target {
        Target::Path(p) => {
            cx.reach_each(p, &mut |from, r| {
                sink(Reached {
                    loc: Loc::Path {
                        vars: &cx.vars,
                        from,
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
                let value = (!cell.is_empty()).then(|| Cow::Owned(Value::Text(cell.into())));
                sink(Reached {
                    loc: Loc::Cell {
                        condition: condition_name,
                        column,
                        list,
                        line: row.line,
                    },
                    value,
                    row: Some(r),
                    parent: None,
                });
            }
            Ok(())
        }
    }
}
