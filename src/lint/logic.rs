//! Conditions that can never hold.
//!
//! Each leaf condition is first judged on its own: some never hold (`in` an
//! empty set, a list with no rows, an HS code of four digits where orders
//! have six to ten, `count_lt 0`) and some always hold (`count_gte 0`, a
//! pattern that matches the empty text). Then the rule's condition is put in
//! disjunctive normal form and each conjunction is checked for a
//! contradiction between leaves on the same value: numeric, money and date
//! bounds (`amount > 10000 and amount < 5000`), equalities, `in` sets,
//! booleans, `exists` against `missing`, `x and not x`.
//!
//! The analysis is sound for "can never be true" under the engine's
//! three-valued logic: a leaf with `if_missing = true` holds when its value
//! is missing and so constrains nothing, a path with `[*]` may be satisfied
//! by different members for different leaves and is left alone, and
//! comparisons of money in different currencies (converted at run time) are
//! not compared. It reports only what is certain, not everything that is.
//!
//! Codes: L010 (the rule's condition can never hold, an error), L011 (one
//! part of it can never hold), L012 (an escalation can never hold when the
//! rule fires), L013 (a leaf that always or never holds on its own), L014
//! (a literal of an `in` set that can never match; list rows are checked in
//! `lint::lists`).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Datelike;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::rules::expr::Expr;
use crate::rules::lists::{fold, ListTable};
use crate::rules::model::{Cmp, Condition, Literal, Op, Operand, Rule, Target};
use crate::rules::raw::RawRule;

type Lists = BTreeMap<String, Arc<ListTable>>;

/// Beyond this many conjunctions the condition is not analysed (rules are
/// small; this only bounds a pathological expression).
const MAX_TERMS: usize = 256;

pub(super) use super::leaves::out_of_domain;
use super::leaves::{judge_leaf, Leaf};

/// A literal of a conjunction: leaf index and polarity.
type Lit = (usize, bool);

fn dnf(expr: &Expr, positive: bool) -> Option<Vec<Vec<Lit>>> {
    match expr {
        Expr::Leaf(i) => Some(vec![vec![(*i, positive)]]),
        Expr::Not(inner) => dnf(inner, !positive),
        Expr::And(items) | Expr::Or(items) => {
            let conjunction = matches!(expr, Expr::And(_)) == positive;
            let parts = items
                .iter()
                .map(|e| dnf(e, positive))
                .collect::<Option<Vec<_>>>()?;
            if conjunction {
                let mut terms: Vec<Vec<Lit>> = vec![Vec::new()];
                for part in parts {
                    let mut next = Vec::new();
                    for t in &terms {
                        for p in &part {
                            let mut merged = t.clone();
                            for lit in p {
                                if !merged.contains(lit) {
                                    merged.push(*lit);
                                }
                            }
                            next.push(merged);
                        }
                    }
                    if next.len() > MAX_TERMS {
                        return None;
                    }
                    terms = next;
                }
                Some(terms)
            } else {
                let terms: Vec<Vec<Lit>> = parts.into_iter().flatten().collect();
                (terms.len() <= MAX_TERMS).then_some(terms)
            }
        }
    }
}

/// The kind of an ordered value; bounds of different kinds do not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Number,
    Money(String),
    Date,
    Count,
}

impl Kind {
    /// Dates and counts are whole steps: `> 3 and < 4` is empty for them.
    fn discrete(&self) -> bool {
        matches!(self, Kind::Date | Kind::Count)
    }
}

/// What one literal of a conjunction asks of its value.
#[derive(Debug, Clone)]
enum Need {
    Present,
    Absent,
    /// `value cmp bound` (`Eq`/`Ne` included).
    Order(Kind, Cmp, Decimal),
    /// One of these folded texts.
    OneOf(Vec<String>),
    /// None of these folded texts.
    NoneOf(Vec<String>),
    Bool(bool),
}

fn negate(cmp: Cmp) -> Cmp {
    match cmp {
        Cmp::Eq => Cmp::Ne,
        Cmp::Ne => Cmp::Eq,
        Cmp::Gt => Cmp::Lte,
        Cmp::Gte => Cmp::Lt,
        Cmp::Lt => Cmp::Gte,
        Cmp::Lte => Cmp::Gt,
    }
}

fn ordered(literal: &Literal) -> Option<(Kind, Decimal)> {
    match literal {
        Literal::Number(n) => Some((Kind::Number, *n)),
        Literal::Money(n, c) => Some((Kind::Money(c.clone()), *n)),
        Literal::Date(d) => Some((Kind::Date, Decimal::from(d.num_days_from_ce()))),
        _ => None,
    }
}

/// The target key and needs of one literal; empty when it constrains
/// nothing this analysis can compare.
fn needs(c: &Condition, positive: bool) -> Option<(String, Vec<Need>)> {
    let Target::Path(path) = &c.target else {
        return None;
    };
    let key = path.text.clone();
    if let Op::Count { cmp, n } = &c.op {
        // A count is one number per order (or binding), even over `[*]`.
        let cmp = if positive { *cmp } else { negate(*cmp) };
        return Some((key, vec![Need::Order(Kind::Count, cmp, Decimal::from(*n))]));
    }
    if path.path.has_wildcard() {
        return None;
    }
    match &c.op {
        Op::Exists => {
            return Some((
                key,
                vec![if positive {
                    Need::Present
                } else {
                    Need::Absent
                }],
            ))
        }
        Op::Missing => {
            return Some((
                key,
                vec![if positive {
                    Need::Absent
                } else {
                    Need::Present
                }],
            ))
        }
        Op::Blank => return None,
        _ => {}
    }
    // A leaf true on a missing value (or, negated, false on one) says nothing
    // about presence or the value.
    if c.if_missing == Some(positive) {
        return None;
    }
    let mut out = vec![Need::Present];
    match &c.op {
        Op::Compare {
            cmp,
            operand: Operand::Literal(literal),
            case_sensitive,
            offset: None,
            ..
        } => {
            let cmp = if positive { *cmp } else { negate(*cmp) };
            if let Some((kind, v)) = ordered(literal) {
                out.push(Need::Order(kind, cmp, v));
            } else if let Literal::Text(t) = literal {
                match cmp {
                    Cmp::Eq => out.push(Need::OneOf(vec![fold(t)])),
                    // A case-sensitive `ne` excludes one spelling, not a word.
                    Cmp::Ne if !case_sensitive => out.push(Need::NoneOf(vec![fold(t)])),
                    _ => {}
                }
            } else if let Literal::Bool(b) = literal {
                match cmp {
                    Cmp::Eq => out.push(Need::Bool(*b)),
                    Cmp::Ne => out.push(Need::Bool(!*b)),
                    _ => {}
                }
            }
        }
        Op::In { values } => {
            let texts: Vec<String> = values
                .iter()
                .filter_map(|v| match v {
                    Literal::Text(t) => Some(fold(t)),
                    _ => None,
                })
                .collect();
            if texts.len() == values.len() {
                out.push(if positive {
                    Need::OneOf(texts)
                } else {
                    Need::NoneOf(texts)
                });
            }
        }
        Op::IsTrue => out.push(Need::Bool(positive)),
        Op::IsFalse => out.push(Need::Bool(!positive)),
        _ => {}
    }
    Some((key, out))
}

fn describe(name: &str, positive: bool, target: &str, need: &Need) -> String {
    let who = if positive {
        format!("`{name}`")
    } else {
        format!("`not {name}`")
    };
    let what = match need {
        Need::Present => format!("`{target}` to be present"),
        Need::Absent => format!("`{target}` to be missing"),
        Need::Order(kind, cmp, v) => {
            let shown = match kind {
                Kind::Money(c) => format!("{} {c}", v.normalize()),
                Kind::Date => i32::try_from(*v)
                    .ok()
                    .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                _ => v.normalize().to_string(),
            };
            if *kind == Kind::Count {
                format!("the count of `{target}` {} {shown}", cmp.symbol())
            } else {
                format!("`{target}` {} {shown}", cmp.symbol())
            }
        }
        Need::OneOf(v) if v.len() == 1 => format!("`{target}` to be `{}`", v[0]),
        Need::OneOf(v) => format!("`{target}` to be one of `{}`", v.join("`, `")),
        Need::NoneOf(v) if v.len() == 1 => format!("`{target}` not to be `{}`", v[0]),
        Need::NoneOf(v) => format!("`{target}` to be none of `{}`", v.join("`, `")),
        Need::Bool(b) => format!("`{target}` to be {b}"),
    };
    format!("{who} needs {what}")
}

/// A need with the leaf and polarity that asked it.
type Asked = (usize, bool, Need);

/// A leaf and the description of what it asks.
type Who = (usize, String);

/// Why a conjunction can never be true, and the leaves responsible.
#[derive(Debug, Clone)]
struct Unsat {
    reason: String,
    culprits: Vec<usize>,
}

struct Bound {
    value: Decimal,
    strict: bool,
    who: String,
    leaf: usize,
}

fn contradiction(term: &[Lit], rule: &Rule, leaves: &[Leaf]) -> Option<Unsat> {
    let name = |i: usize| {
        rule.conditions
            .get(i)
            .map(|c| c.name.as_str())
            .unwrap_or("?")
    };
    for &(i, positive) in term {
        if term.contains(&(i, !positive)) {
            return Some(Unsat {
                reason: format!("`{0}` and `not {0}` cannot both hold", name(i)),
                culprits: vec![i],
            });
        }
        let leaf = leaves.get(i)?;
        if positive {
            if let Some(why) = &leaf.never {
                return Some(Unsat {
                    reason: format!("`{}` can never hold: {why}", name(i)),
                    culprits: vec![i],
                });
            }
        } else if !leaf.can_be_false {
            return Some(Unsat {
                reason: format!(
                    "`not {}` can never hold: `{}` always holds ({})",
                    name(i),
                    name(i),
                    leaf.always.clone().unwrap_or_default()
                ),
                culprits: vec![i],
            });
        }
    }
    // Needs grouped by target, in the order met.
    let mut by_target: Vec<(String, Vec<Asked>)> = Vec::new();
    for &(i, positive) in term {
        let Some((key, list)) = rule.conditions.get(i).and_then(|c| needs(c, positive)) else {
            continue;
        };
        let slot = match by_target.iter().position(|(k, _)| *k == key) {
            Some(p) => p,
            None => {
                by_target.push((key, Vec::new()));
                by_target.len() - 1
            }
        };
        by_target[slot]
            .1
            .extend(list.into_iter().map(|n| (i, positive, n)));
    }
    for (target, list) in &by_target {
        let say = |i: usize, positive: bool, n: &Need| describe(name(i), positive, target, n);
        let absent = list.iter().find(|(_, _, n)| matches!(n, Need::Absent));
        let present = list.iter().find(|(_, _, n)| !matches!(n, Need::Absent));
        if let (Some(a), Some(p)) = (absent, present) {
            return Some(Unsat {
                reason: format!("{}, but {}", say(a.0, a.1, &a.2), say(p.0, p.1, &p.2)),
                culprits: vec![a.0, p.0],
            });
        }
        // Ordered bounds, per kind.
        let mut kinds: Vec<&Kind> = Vec::new();
        for (_, _, n) in list {
            if let Need::Order(k, _, _) = n {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        for kind in kinds {
            let mut lo: Option<Bound> = None;
            let mut hi: Option<Bound> = None;
            let mut excluded: Vec<(Decimal, usize, String)> = Vec::new();
            for (i, positive, n) in list {
                let Need::Order(k, cmp, v) = n else { continue };
                if k != kind {
                    continue;
                }
                let who = say(*i, *positive, n);
                let mut raise = |strict: bool| {
                    let tighter = match &lo {
                        None => true,
                        Some(b) => *v > b.value || (*v == b.value && strict && !b.strict),
                    };
                    if tighter {
                        lo = Some(Bound {
                            value: *v,
                            strict,
                            who: who.clone(),
                            leaf: *i,
                        });
                    }
                };
                match cmp {
                    Cmp::Gt => raise(true),
                    Cmp::Gte | Cmp::Eq => raise(false),
                    _ => {}
                }
                let mut lower = |strict: bool| {
                    let tighter = match &hi {
                        None => true,
                        Some(b) => *v < b.value || (*v == b.value && strict && !b.strict),
                    };
                    if tighter {
                        hi = Some(Bound {
                            value: *v,
                            strict,
                            who: who.clone(),
                            leaf: *i,
                        });
                    }
                };
                match cmp {
                    Cmp::Lt => lower(true),
                    Cmp::Lte | Cmp::Eq => lower(false),
                    Cmp::Ne => excluded.push((*v, *i, who.clone())),
                    _ => {}
                }
            }
            let (Some(lo), Some(hi)) = (lo, hi) else {
                continue;
            };
            let step = if kind.discrete() {
                Decimal::ONE
            } else {
                Decimal::ZERO
            };
            let (low, high) = if kind.discrete() {
                (
                    // At the edge of the decimal range a strict bound cannot move: keep it.
                    if lo.strict {
                        lo.value.checked_add(step).unwrap_or(lo.value)
                    } else {
                        lo.value
                    },
                    if hi.strict {
                        hi.value.checked_sub(step).unwrap_or(hi.value)
                    } else {
                        hi.value
                    },
                )
            } else {
                (lo.value, hi.value)
            };
            let empty = if kind.discrete() {
                low > high
            } else {
                lo.value > hi.value || (lo.value == hi.value && (lo.strict || hi.strict))
            };
            if empty {
                return Some(Unsat {
                    reason: format!("{}, but {}", lo.who, hi.who),
                    culprits: vec![lo.leaf, hi.leaf],
                });
            }
            if low == high {
                if let Some((_, leaf, who)) = excluded.iter().find(|(v, _, _)| *v == low) {
                    return Some(Unsat {
                        reason: format!("{} and {}, but {who}", lo.who, hi.who),
                        culprits: vec![lo.leaf, hi.leaf, *leaf],
                    });
                }
            }
        }
        // Texts: the intersection of every `one of`, less every `none of`.
        // The texts still allowed, and who narrowed them (leaf, description).
        let mut allowed: Option<(Vec<String>, Vec<Who>)> = None;
        let mut banned: Vec<(String, usize, String)> = Vec::new();
        for (i, positive, n) in list {
            match n {
                Need::OneOf(set) => {
                    let who = say(*i, *positive, n);
                    allowed = Some(match allowed.take() {
                        None => (set.clone(), vec![(*i, who)]),
                        Some((prev, mut whos)) => {
                            whos.push((*i, who));
                            (prev.into_iter().filter(|v| set.contains(v)).collect(), whos)
                        }
                    });
                    if let Some((left, whos)) = &allowed {
                        if left.is_empty() {
                            return Some(Unsat {
                                reason: whos
                                    .iter()
                                    .map(|(_, w)| w.clone())
                                    .collect::<Vec<_>>()
                                    .join(", but "),
                                culprits: whos.iter().map(|(i, _)| *i).collect(),
                            });
                        }
                    }
                }
                Need::NoneOf(set) => {
                    let who = say(*i, *positive, n);
                    banned.extend(set.iter().map(|v| (v.clone(), *i, who.clone())));
                }
                _ => {}
            }
        }
        if let Some((left, whos)) = &allowed {
            if left.iter().all(|v| banned.iter().any(|(b, _, _)| b == v)) {
                let mut culprits: Vec<usize> = whos.iter().map(|(i, _)| *i).collect();
                let mut reasons: Vec<String> = whos.iter().map(|(_, w)| w.clone()).collect();
                for (_, i, who) in banned.iter().filter(|(b, _, _)| left.contains(b)) {
                    if !culprits.contains(i) {
                        culprits.push(*i);
                        reasons.push(who.clone());
                    }
                }
                return Some(Unsat {
                    reason: reasons.join(", but "),
                    culprits,
                });
            }
        }
        // Booleans.
        let t = list.iter().find(|(_, _, n)| matches!(n, Need::Bool(true)));
        let f = list.iter().find(|(_, _, n)| matches!(n, Need::Bool(false)));
        if let (Some(t), Some(f)) = (t, f) {
            return Some(Unsat {
                reason: format!("{}, but {}", say(t.0, t.1, &t.2), say(f.0, f.1, &f.2)),
                culprits: vec![t.0, f.0],
            });
        }
    }
    None
}

fn term_text(term: &[Lit], rule: &Rule) -> String {
    term.iter()
        .map(|&(i, positive)| {
            let name = rule
                .conditions
                .get(i)
                .map(|c| c.name.as_str())
                .unwrap_or("?");
            if positive {
                name.to_string()
            } else {
                format!("not {name}")
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Checks one valid rule.
pub(super) fn check(
    rule: &Rule,
    raw: &RawRule,
    file: &SourceFile,
    lists: &Lists,
    acc: &mut Diagnostics,
) {
    let leaves: Vec<Leaf> = rule
        .conditions
        .iter()
        .map(|c| judge_leaf(c, lists))
        .collect();
    let mut explained: Vec<usize> = Vec::new();
    let condition_span = raw
        .condition
        .as_ref()
        .map(|c| c.span.clone())
        .unwrap_or(raw.span.start..raw.span.start + 6);
    let mut rule_can_hold = true;
    if let Some(terms) = dnf(&rule.condition, true) {
        let verdicts: Vec<Option<Unsat>> = terms
            .iter()
            .map(|t| contradiction(t, rule, &leaves))
            .collect();
        if verdicts.iter().all(Option::is_some) {
            rule_can_hold = false;
            let mut reasons: Vec<String> = Vec::new();
            for u in verdicts.iter().flatten() {
                explained.extend(&u.culprits);
                if !reasons.contains(&u.reason) {
                    reasons.push(u.reason.clone());
                }
            }
            acc.push(
                Diagnostic::error(
                    "L010",
                    format!("the condition of rule `{}` can never hold", rule.id),
                )
                .at(file, condition_span.clone(), "never true")
                .with_help(reasons.join("; ")),
            );
        } else {
            let mut seen: Vec<String> = Vec::new();
            for (term, verdict) in terms.iter().zip(&verdicts) {
                let Some(u) = verdict else { continue };
                if seen.contains(&u.reason) {
                    continue;
                }
                seen.push(u.reason.clone());
                explained.extend(&u.culprits);
                acc.push(
                    Diagnostic::warning(
                        "L011",
                        format!(
                            "the part `{}` of the condition of rule `{}` can never hold",
                            term_text(term, rule),
                            rule.id
                        ),
                    )
                    .at(file, condition_span.clone(), "a part is never true")
                    .with_help(format!(
                        "{}; remove that part or fix its conditions",
                        u.reason
                    )),
                );
            }
        }
    }
    if rule_can_hold {
        for (e, raw_e) in rule.escalations.iter().zip(&raw.escalate) {
            let both = Expr::And(vec![rule.condition.clone(), e.condition.clone()]);
            let Some(terms) = dnf(&both, true) else {
                continue;
            };
            let verdicts: Vec<Unsat> = terms
                .iter()
                .filter_map(|t| contradiction(t, rule, &leaves))
                .collect();
            if verdicts.len() == terms.len() {
                let mut reasons: Vec<String> = Vec::new();
                for u in &verdicts {
                    explained.extend(&u.culprits);
                    if !reasons.contains(&u.reason) {
                        reasons.push(u.reason.clone());
                    }
                }
                acc.push(
                    Diagnostic::warning(
                        "L012",
                        format!(
                            "the escalation to `{}` of rule `{}` can never hold when the rule fires",
                            e.severity, rule.id
                        ),
                    )
                    .at(file, raw_e.condition.span.clone(), "never true with the rule's condition")
                    .with_help(reasons.join("; ")),
                );
            }
        }
    }
    for (i, (leaf, c)) in leaves.iter().zip(&rule.conditions).enumerate() {
        let Some(raw_c) = raw.when.get(i) else {
            continue;
        };
        if let Some(why) = &leaf.never {
            if !explained.contains(&i) {
                acc.push(
                    Diagnostic::warning("L013", format!("condition `{}` can never hold", c.name))
                        .at(file, raw_c.name.span.clone(), "never true")
                        .with_help(why.clone()),
                );
            }
        } else if let Some(why) = leaf.always.as_ref().filter(|_| !explained.contains(&i)) {
            acc.push(
                Diagnostic::warning("L013", format!("condition `{}` always holds", c.name))
                    .at(file, raw_c.name.span.clone(), "always true")
                    .with_help(format!(
                        "{why}, so the condition tells nothing about the order"
                    )),
            );
        }
        // `in` literals outside the field's domain, when others are inside.
        if let (Op::In { values }, Some(raw_values)) = (&c.op, &raw_c.values) {
            if leaf.never.is_none() {
                for (v, raw_v) in values.iter().zip(&raw_values.value) {
                    let Literal::Text(t) = v else { continue };
                    if let Some(why) = out_of_domain(c.target.shape(), t, false) {
                        acc.push(
                            Diagnostic::warning(
                                "L014",
                                format!("`{t}` can never match `{}`", c.target.text()),
                            )
                            .at(file, raw_v.span.clone(), "never matches")
                            .with_help(why),
                        );
                    }
                }
            }
        }
    }
}
