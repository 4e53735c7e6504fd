//! Explanations: a rule in plain words, and what it made of one order.
//!
//! Pure, like the engine: it reads a validated pack, the rule tests the pack
//! holds and an engine trace, and returns typed explanations that
//! `report::explain` renders as text or JSON. Nothing here reads files or
//! prints. Why-not reasons are typed (a comparison keeps both decimals) so
//! that renderers can say by how much a threshold was missed without parsing
//! text.

use rust_decimal::Decimal;

use crate::diag::{did_you_mean, nearest, Diagnostic};
use crate::engine::{kleene, Engine, Trace};
use crate::findings::*;
use crate::order::{Order, Origin, Record, Segment};
use crate::rules::expr::Expr;
use crate::rules::model::*;
use crate::rules::{PackFiles, RulePack, Severity};
use crate::ruletest::{Fires, Outline};

mod words;
pub use words::amount_text;
use words::{binding_text, condition_text};

/// A rule in plain words.
#[derive(Debug, Clone)]
pub struct RuleExplanation {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// One line.
    pub title: String,
    /// Severity when it fires, before escalation.
    pub severity: Severity,
    /// Severity when it cannot be decided.
    pub on_unknown: Severity,
    /// Family.
    pub family: String,
    /// Lifecycle status.
    pub status: String,
    /// File, relative to the pack.
    pub file: String,
    /// Line of the rule's `id`.
    pub line: usize,
    /// The variables, in binding order.
    pub bindings: Vec<BindingText>,
    /// The named conditions, in file order.
    pub conditions: Vec<ConditionText>,
    /// The condition expression as written.
    pub condition: String,
    /// Escalations, in order.
    pub escalations: Vec<EscalationText>,
    /// The message template as written.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// What to do next.
    pub action: String,
    /// Red-flag catalogue ids.
    pub red_flags: Vec<String>,
    /// ICP / ECP elements.
    pub icp: Vec<String>,
    /// Citations.
    pub references: Vec<Reference>,
    /// Test cases of the pack that name the rule.
    pub tests: Vec<TestCase>,
}

/// A `for_each` variable in words.
#[derive(Debug, Clone)]
pub struct BindingText {
    /// Variable name.
    pub name: String,
    /// Its sources as written (`items[*]`, `buyer`).
    pub sources: Vec<String>,
    /// What it takes, in words: "each item", "the buyer, then the end user".
    pub takes: String,
}

/// One named condition in words.
#[derive(Debug, Clone)]
pub struct ConditionText {
    /// Name.
    pub name: String,
    /// Operator as written.
    pub op: String,
    /// Path as written.
    pub path: String,
    /// The condition as a sentence: "the buyer's country is in list `embargoed`".
    pub sentence: String,
    /// What a missing value means for it.
    pub if_missing: String,
}

/// A severity escalation in words.
#[derive(Debug, Clone)]
pub struct EscalationText {
    /// The escalation's condition expression.
    pub condition: String,
    /// The raised severity.
    pub severity: Severity,
    /// Why, as the rule states it.
    pub reason: String,
}

/// A case of a rule test file that names a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The test file, relative to the pack.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// `expect.fires`, when the case states it.
    pub fires: Option<bool>,
    /// The `todo` reason, for cases reported rather than run.
    pub todo: Option<String>,
}

/// What a rule made of one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its condition held for some combination of bindings.
    Fired,
    /// Its condition was false for every combination (or there was none).
    NotFired,
    /// It could not be decided: `check` reports it at `on_unknown`.
    Undecided,
}

impl Outcome {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fired => "fired",
            Outcome::NotFired => "not fired",
            Outcome::Undecided => "undecided",
        }
    }
}

/// One rule on one order: every combination of bindings with each
/// condition's outcome, and why the rule did not fire where it did not.
#[derive(Debug, Clone)]
pub struct OrderExplanation {
    /// The rule.
    pub rule: RuleExplanation,
    /// The order's id.
    pub order_id: String,
    /// Where the order came from.
    pub origin: Origin,
    /// The rule's outcome.
    pub outcome: Outcome,
    /// The finding `check` reports for this rule on this order, if any.
    pub finding: Option<Finding>,
    /// Each combination of bindings, in binding order.
    pub combinations: Vec<Combination>,
    /// The combination limit, when the order exceeds it.
    pub overflow: Option<usize>,
    /// Variables that had nothing to take, with what they range over.
    pub empty: Vec<BindingText>,
    /// True when the rule finds nothing with the list rows in force at shipment and
    /// `combinations` count the rows that came into force after it (a lookback finding).
    pub lookback: bool,
}

/// One combination of bindings.
#[derive(Debug, Clone)]
pub struct Combination {
    /// The bound variables.
    pub bindings: Vec<BoundEvidence>,
    /// The rule's condition for them.
    pub truth: Truth,
    /// Every condition's outcome, in the order the expression names them.
    pub conditions: Vec<ConditionEvidence>,
    /// Escalations that held or could not be ruled out, when it fired.
    pub escalations: Vec<(EscalationText, Truth)>,
    /// Why it did not fire: the conditions that decided that.
    pub why_not: Vec<WhyNot>,
}

/// A condition that kept the rule from firing in one combination.
#[derive(Debug, Clone)]
pub struct WhyNot {
    /// The condition's name.
    pub condition: String,
    /// What the rule needed of it (false under a `not`).
    pub wanted: bool,
    /// What it was.
    pub truth: Truth,
    /// The values behind that.
    pub reasons: Vec<Reason>,
}

/// Why one value did not give the rule what it needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// An ordered comparison (amounts, numbers, dates, counts) that did not
    /// come out as needed, with both sides.
    Compared {
        /// Concrete path read.
        path: String,
        /// The two sides.
        comparison: Comparison,
        /// The other side as the rule wrote it (`10000 USD`, `date`).
        operand: String,
        /// True when `operand` is a literal threshold rather than a field.
        literal: bool,
        /// The date offset applied to the other side.
        offset: Option<DateOffset>,
    },
    /// A value that is not a key of a list.
    NotInList {
        /// Concrete path read.
        path: String,
        /// The value seen.
        seen: String,
        /// The list.
        list: String,
        /// The column matched.
        column: String,
    },
    /// A value that does not satisfy the condition (the engine's words for
    /// what was expected).
    Mismatch {
        /// Concrete path read.
        path: String,
        /// The value seen.
        seen: String,
        /// What was expected.
        expected: String,
        /// The engine's note on the value (for `screen`: the nearest entry set aside, and why).
        note: Option<String>,
    },
    /// A condition that held where the rule needs it not to.
    Held {
        /// Concrete path read.
        path: String,
        /// The value seen, if any.
        seen: Option<String>,
        /// What it satisfied.
        expected: String,
    },
    /// A missing value.
    Missing {
        /// Concrete path where it was expected.
        path: String,
        /// What the rule counts it as (`if_missing`); `None` is unknown.
        counted_as: Option<bool>,
    },
    /// A value the condition could not decide on.
    Unknown {
        /// Concrete path read.
        path: String,
        /// The value seen, if any.
        seen: Option<String>,
        /// Why (a missing rate, a missing operand).
        note: String,
    },
    /// A `[*]` path that reached no value at all.
    NoValue {
        /// The path as written.
        path: String,
    },
}

/// The rule `id`, or an `E001` diagnostic with a did-you-mean.
pub fn find_rule<'p>(pack: &'p RulePack, id: &str) -> Result<&'p Rule, Box<Diagnostic>> {
    if let Some(rule) = pack.rules.iter().find(|r| r.id == id) {
        return Ok(rule);
    }
    let ids = pack.rules.iter().map(|r| r.id.as_str());
    let help = match did_you_mean(id, ids) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the pack's rules: {}",
            pack.rules
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Box::new(
        Diagnostic::error("E001", format!("the pack has no rule `{id}`")).with_help(help),
    ))
}

/// The order `id` among `records`, or a diagnostic: `E002` for an id the
/// input does not hold (with the close ids), `E003` for an order that could
/// not be read, `E004` when no id is given and the input does not hold
/// exactly one order. `input` names the input in messages.
pub fn pick_order(
    records: impl IntoIterator<Item = Record>,
    id: Option<&str>,
    input: &str,
) -> Result<Order, Box<Diagnostic>> {
    let mut ids: Vec<String> = Vec::new();
    let mut only: Option<Record> = None;
    let mut count = 0;
    for record in records {
        let record_id = match &record {
            Record::Order(o) => Some(o.id.clone()),
            Record::Error(e) => e.order_id.clone(),
        };
        if let (Some(wanted), Some(found)) = (id, &record_id) {
            if wanted == found {
                return match record {
                    Record::Order(order) => Ok(order),
                    Record::Error(error) => Err(unreadable(&error, input)),
                };
            }
        }
        count += 1;
        if count == 1 {
            only = Some(record);
        } else {
            only = None;
        }
        ids.extend(record_id);
    }
    let Some(wanted) = id else {
        return match only {
            Some(Record::Order(order)) if count == 1 => Ok(order),
            Some(Record::Error(error)) if count == 1 => Err(unreadable(&error, input)),
            _ if count == 0 => Err(Box::new(Diagnostic::error(
                "E004",
                format!("`{input}` holds no order"),
            ))),
            _ => Err(Box::new(
                Diagnostic::error(
                    "E004",
                    format!("`{input}` holds {count} orders; name one with `--id`"),
                )
                .with_help(format!("its first ids: {}", first_ids(&ids))),
            )),
        };
    };
    let close = nearest(wanted, ids.iter().map(String::as_str), 5);
    let help = if close.is_empty() {
        format!(
            "`{input}` holds {count} records; its first ids: {}",
            first_ids(&ids)
        )
    } else {
        format!(
            "close ids: {}",
            close
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(Box::new(
        Diagnostic::error("E002", format!("`{input}` has no order `{wanted}`")).with_help(help),
    ))
}

fn first_ids(ids: &[String]) -> String {
    let mut shown: Vec<String> = ids.iter().take(6).map(|i| format!("`{i}`")).collect();
    if ids.len() > 6 {
        shown.push("…".into());
    }
    if shown.is_empty() {
        "none".into()
    } else {
        shown.join(", ")
    }
}

fn unreadable(error: &crate::order::RecordError, input: &str) -> Box<Diagnostic> {
    let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    Box::new(
        Diagnostic::error(
            "E003",
            format!(
                "order `{}` on line {} of `{input}` could not be read",
                error.order_id.as_deref().unwrap_or("?"),
                error.origin.line
            ),
        )
        .with_help(problems.join("; ")),
    )
}

/// Every case of the pack's rule test files (`*.test.toml`) whose `rule` is
/// `rule_id`, by file then position. A test file that does not parse is
/// skipped: reporting it is `redflag test`'s job, not an explanation's.
pub fn tests_naming(files: &PackFiles, rule_id: &str) -> Vec<TestCase> {
    Outline::read(files)
        .naming(rule_id)
        .map(|case| TestCase {
            file: case.file.name().to_string(),
            name: case.name.clone().unwrap_or_else(|| "(unnamed)".into()),
            fires: match case.fires {
                Some(Fires::Yes) => Some(true),
                Some(Fires::No) => Some(false),
                Some(Fires::Unknown) | None => None,
            },
            todo: case.todo_reason.clone(),
        })
        .collect()
}

/// A rule in plain words, with the pack's tests that name it.
pub fn describe(pack: &RulePack, files: &PackFiles, rule: &Rule) -> RuleExplanation {
    RuleExplanation {
        id: rule.id.clone(),
        version: rule.version,
        title: rule.title.clone(),
        severity: rule.severity,
        on_unknown: rule.on_unknown,
        family: rule.family.clone(),
        status: rule.status.clone(),
        file: rule.file.clone(),
        line: rule.line,
        bindings: rule
            .bindings
            .iter()
            .map(|b| binding_text(b, rule))
            .collect(),
        conditions: rule
            .conditions
            .iter()
            .map(|c| condition_text(c, rule, pack))
            .collect(),
        condition: rule.condition_text.clone(),
        escalations: rule.escalations.iter().map(escalation_text).collect(),
        message: rule.message.text.clone(),
        why: rule.why.clone(),
        action: rule.action.clone(),
        red_flags: rule.red_flags.clone(),
        icp: rule.icp.clone(),
        references: rule.references.clone(),
        tests: tests_naming(files, &rule.id),
    }
}

fn escalation_text(e: &Escalation) -> EscalationText {
    EscalationText {
        condition: e.condition_text.clone(),
        severity: e.severity,
        reason: e.reason.clone(),
    }
}

/// Runs `rule` on `order` and explains every combination of its bindings.
/// The outcome and finding are those `check` reports for the same order.
pub fn explain_order(
    engine: &Engine,
    files: &PackFiles,
    rule: &Rule,
    order: &Order,
) -> OrderExplanation {
    let described = describe(engine.pack(), files, rule);
    let finding = engine
        .judge_order(order)
        .findings
        .into_iter()
        .find(|f| f.rule.id == rule.id);
    let trace = engine.trace(&rule.id, order);
    let (combinations, overflow, empty) = match &trace {
        Some(t) => (
            t.combinations
                .iter()
                .map(|c| combination(rule, c))
                .collect::<Vec<_>>(),
            t.overflow.then_some(t.limit),
            t.empty
                .iter()
                .filter_map(|name| described.bindings.iter().find(|b| &b.name == name))
                .cloned()
                .collect(),
        ),
        None => (Vec::new(), None, Vec::new()),
    };
    let lookback = trace.as_ref().is_some_and(|t| t.lookback);
    // The outcome is the judge's, which sees every combination; the trace may show fewer.
    let outcome = match &finding {
        Some(f) if f.kind == FindingKind::Fired => Outcome::Fired,
        Some(_) => Outcome::Undecided,
        None => Outcome::NotFired,
    };
    OrderExplanation {
        rule: described,
        order_id: order.id.clone(),
        origin: order.origin.clone(),
        outcome,
        finding,
        combinations,
        overflow,
        empty,
        lookback,
    }
}

fn combination(rule: &Rule, trace: &Trace) -> Combination {
    let truth_of = |i: usize| trace.outcomes.get(i).copied().unwrap_or(Truth::Unknown);
    let escalations = if trace.truth == Truth::True {
        rule.escalations
            .iter()
            .zip(&trace.escalations)
            .filter(|(_, t)| **t != Truth::False)
            .map(|(e, t)| (escalation_text(e), *t))
            .collect()
    } else {
        Vec::new()
    };
    let mut why_not = Vec::new();
    if trace.truth != Truth::True {
        let mut blamed = Vec::new();
        blame(&rule.condition, true, &truth_of, &mut blamed);
        for (index, wanted) in blamed {
            let Some(condition) = rule.conditions.get(index) else {
                continue;
            };
            let Some(evidence) = trace.conditions.iter().find(|e| *e.name == *condition.name)
            else {
                continue;
            };
            why_not.push(WhyNot {
                condition: condition.name.clone(),
                wanted,
                truth: evidence.truth,
                reasons: reasons(condition, evidence, wanted),
            });
        }
    }
    Combination {
        bindings: trace.bindings.clone(),
        truth: trace.truth,
        conditions: trace.conditions.clone(),
        escalations,
        why_not,
    }
}

/// The leaves that kept `expr` from being `want`, each with the value the
/// rule needed of it. Only the leaves that decided matter: in `a and b` with
/// `a` false, an unknown `b` changes nothing and is not blamed.
fn blame<F: Fn(usize) -> Truth>(expr: &Expr, want: bool, truth: &F, out: &mut Vec<(usize, bool)>) {
    let wanted = Truth::from_bool(want);
    if kleene(expr, &mut |i| truth(i)) == wanted {
        return;
    }
    match expr {
        Expr::Leaf(i) => {
            if !out.iter().any(|(j, _)| j == i) {
                out.push((*i, want));
            }
        }
        Expr::Not(inner) => blame(inner, !want, truth, out),
        Expr::And(items) | Expr::Or(items) => {
            // The value that decides this junction against `want`: false for
            // a wanted-true `and`, true for a wanted-false `or`.
            let decisive = match expr {
                Expr::And(_) if want => Some(Truth::False),
                Expr::Or(_) if !want => Some(Truth::True),
                _ => None,
            };
            let deciding: Vec<&Expr> = items
                .iter()
                .filter(|e| decisive.is_some_and(|d| kleene(e, &mut |i| truth(i)) == d))
                .collect();
            let culprits: Vec<&Expr> = if deciding.is_empty() {
                items.iter().collect()
            } else {
                deciding
            };
            for item in culprits {
                blame(item, want, truth, out);
            }
        }
    }
}

fn reasons(condition: &Condition, evidence: &ConditionEvidence, wanted: bool) -> Vec<Reason> {
    let wanted_truth = Truth::from_bool(wanted);
    let (operand, literal, offset) = match &condition.op {
        Op::Compare {
            operand, offset, ..
        } => match operand {
            Operand::Literal(l) => (l.to_string(), true, *offset),
            Operand::Field(t) => (t.text(), false, *offset),
        },
        Op::Count { n, .. } => (n.to_string(), true, None),
        Op::Sum { bound, .. } => (bound.to_string(), true, None),
        _ => (String::new(), false, None),
    };
    let mut out: Vec<Reason> = evidence
        .observations
        .iter()
        .filter(|o| o.holds != wanted_truth)
        .map(|o| {
            let path = o.path.clone();
            if o.seen.is_none()
                && o.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("is missing"))
            {
                return Reason::Missing {
                    path,
                    counted_as: condition.if_missing,
                };
            }
            if o.holds == Truth::Unknown {
                return match (&o.seen, &o.note) {
                    (None, None) => Reason::Missing {
                        path,
                        counted_as: None,
                    },
                    (seen, note) => Reason::Unknown {
                        path,
                        seen: seen.clone(),
                        note: note.clone().unwrap_or_else(|| "cannot be decided".into()),
                    },
                };
            }
            if let Some(comparison) = &o.comparison {
                return Reason::Compared {
                    path,
                    comparison: comparison.clone(),
                    operand: operand.clone(),
                    literal,
                    offset,
                };
            }
            if !wanted {
                return Reason::Held {
                    path,
                    seen: o.seen.clone(),
                    expected: o.expected.to_string(),
                };
            }
            let seen = o.seen.clone().unwrap_or_default();
            match &condition.op {
                Op::InList { list, column, .. } => Reason::NotInList {
                    path,
                    seen,
                    list: list.clone(),
                    column: column.clone(),
                },
                _ if o.seen.is_none() => Reason::Missing {
                    path,
                    counted_as: condition.if_missing,
                },
                _ => Reason::Mismatch {
                    path,
                    seen,
                    expected: o.expected.to_string(),
                    note: o.note.clone(),
                },
            }
        })
        .collect();
    if out.is_empty() && evidence.observations.is_empty() {
        out.push(Reason::NoValue {
            path: evidence.path.to_string(),
        });
    }
    out
}
