//! The validated rule model: what a pack means once every name is resolved.
//!
//! Everything here has been checked: paths exist in the order schema and fit
//! their operators, lists exist and have the columns named, regular
//! expressions compile, condition expressions name real conditions. The
//! engine can therefore evaluate a rule without any further checks on the
//! rule itself; only the order data can still be missing or odd.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use super::pattern_set::PatternSet;
use rust_decimal::Decimal;

use super::expr::Expr;
use super::lists::{ListTable, RatesTable};
use crate::order::{Path, Shape};

/// How urgent a finding is; ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; does not stop anything.
    Info,
    /// Compliance should look at it.
    Review,
    /// Stop until compliance clears it.
    Hold,
    /// Do not ship.
    Block,
}

impl Severity {
    /// All severities from least to most severe.
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Review,
        Severity::Hold,
        Severity::Block,
    ];

    /// The lowercase name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Review => "review",
            Severity::Hold => "hold",
            Severity::Block => "block",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated rule pack, ready to compile.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// `[pack] name`.
    pub name: String,
    /// `[pack] version`.
    pub version: String,
    /// `[pack] description`.
    pub description: String,
    /// Rules sorted by id.
    pub rules: Vec<Rule>,
    /// Lists by name.
    pub lists: BTreeMap<String, Arc<ListTable>>,
    /// The rates table, if the pack has one.
    pub rates: Option<Arc<RatesTable>>,
    /// Denied-party and sanctions lists the pack names (`[screening.NAME]`).
    pub screening: Vec<ScreeningList>,
    /// Every file of the pack with its SHA-256, sorted by path.
    pub files: Vec<(String, String)>,
    /// SHA-256 over the sorted `path digest` lines of `files`.
    pub digest: String,
    /// Every pack this one is made of, the bottom base first and this pack last (one entry
    /// for a pack that extends nothing).
    pub layers: Vec<PackLayer>,
    /// Base rules an extending pack switched off, re-graded or replaced, in layer order.
    pub overrides: Vec<RuleOverride>,
}

/// One pack of a layered pack, as provenance names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackLayer {
    /// `[pack] name`.
    pub name: String,
    /// `[pack] version`.
    pub version: String,
    /// The directory it was read from, or `embedded` for the pack built into redflag.
    pub origin: String,
    /// SHA-256 of that pack's own files, as a pack that extends nothing is digested.
    pub digest: String,
}

/// A base rule changed by an `[overrides."ID"]` table of an extending pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOverride {
    /// The rule's id.
    pub rule: String,
    /// What was done to it.
    pub change: OverrideChange,
    /// Why, as the extending pack states it (never empty).
    pub reason: String,
    /// The name of the pack that made the change.
    pub layer: String,
}

/// What an override does to a base rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideChange {
    /// The rule is not evaluated.
    Disabled,
    /// The rule's base severity is replaced (escalations still apply).
    Severity {
        /// The base pack's severity.
        from: Severity,
        /// The severity used.
        to: Severity,
    },
    /// The extending pack defines a rule of the same id in its place.
    Replaced,
}

impl OverrideChange {
    /// The change in a few words, for reports: `disabled`, `severity hold -> review`,
    /// `replaced`.
    pub fn describe(self) -> String {
        match self {
            OverrideChange::Disabled => "disabled".into(),
            OverrideChange::Severity { from, to } => format!("severity {from} -> {to}"),
            OverrideChange::Replaced => "replaced".into(),
        }
    }
}

impl RulePack {
    /// Ids of the rules with `screen` conditions, which match nothing without screening lists.
    pub fn screening_rules(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.conditions.iter().any(|c| matches!(c.op, Op::Screen(_))))
            .map(|r| r.id.as_str())
            .collect()
    }

    /// Whether a rule that stops an order (`hold` or `block`) screens against the list named
    /// `list` counting listings whatever their dates (`listed = "any"`, naming the list or no
    /// list): for such a rule a list of entries that have all ended still stops a listed party.
    /// A milder rule does not: with only an `info` or `review` rule reading the ended entries,
    /// a listed buyer would pass with exit 0.
    pub fn screens_ended_listings_of(&self, list: &str) -> bool {
        self.rules
            .iter()
            .filter(|r| r.severity >= Severity::Hold)
            .flat_map(|r| &r.conditions)
            .any(|c| {
                matches!(&c.op, Op::Screen(spec)
                    if spec.listed == ListedFilter::Any
                        && (spec.lists.is_empty() || spec.lists.iter().any(|l| l == list)))
            })
    }
}

/// A screening list loaded for `screen` conditions, with where it came from.
#[derive(Debug, Clone)]
pub struct ScreeningList {
    /// The list's name: `[screening.NAME]` in a pack, the importer's name for `--list`.
    pub name: String,
    /// The file as named (pack-relative or as given on the command line).
    pub file: String,
    /// The format it was read as.
    pub format: crate::screening::ListFormat,
    /// When the list was last checked against its source, if stated.
    pub as_of: Option<NaiveDate>,
    /// Where the list comes from.
    pub source: String,
    /// SHA-256 of the file's bytes (the main file for an OFAC set).
    pub digest: String,
    /// The entries read.
    pub entries: Vec<crate::screening::Entry>,
    /// Rows that could not be read, each with file and line.
    pub problems: Vec<crate::screening::RowProblem>,
}

/// A citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The citation text.
    pub cite: String,
    /// A link, if given.
    pub url: Option<String>,
}

/// One validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Bumped whenever the rule's meaning changes.
    pub version: u32,
    /// One line.
    pub title: String,
    /// Severity when it fires (before escalation).
    pub severity: Severity,
    /// Family for grouping (`re-export`, `payment`, ...).
    pub family: String,
    /// Lifecycle status (`stable`, `experimental`, ...).
    pub status: String,
    /// Red-flag catalogue ids covered.
    pub red_flags: Vec<String>,
    /// ICP / ECP elements covered.
    pub icp: Vec<String>,
    /// Citations.
    pub references: Vec<Reference>,
    /// Why it matters.
    pub why: String,
    /// What to do next.
    pub action: String,
    /// Variables bound over order parts, in binding order.
    pub bindings: Vec<Binding>,
    /// Named conditions in file order.
    pub conditions: Vec<Condition>,
    /// The rule's condition expression.
    pub condition: Expr,
    /// The expression as written.
    pub condition_text: String,
    /// Severity escalations, in order.
    pub escalations: Vec<Escalation>,
    /// Message template.
    pub message: Template,
    /// Severity of a "could not evaluate" finding (at least `hold`).
    pub on_unknown: Severity,
    /// The first day the rule applies (the law or guidance it checks came into force); an
    /// order shipped before it gets a lookback finding at most.
    pub valid_from: Option<NaiveDate>,
    /// File the rule is defined in, relative to the pack.
    pub file: String,
    /// 1-based line of the rule's `id`.
    pub line: usize,
}

/// A severity escalation.
#[derive(Debug, Clone)]
pub struct Escalation {
    /// When it applies.
    pub condition: Expr,
    /// The expression as written.
    pub condition_text: String,
    /// The raised severity.
    pub severity: Severity,
    /// Why, for the finding.
    pub reason: String,
}

/// A variable bound to each element of one or more order parts in turn.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Variable name.
    pub name: String,
    /// Where its elements come from (`buyer`, `consignees[*]`, ...).
    pub sources: Vec<PathRef>,
    /// The shapes of its elements (one per source).
    pub shapes: Vec<Shape>,
}

/// What a path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The order root.
    Order,
    /// The element currently bound to variable `n`.
    Var(usize),
}

/// A path resolved against the schema.
#[derive(Debug, Clone)]
pub struct PathRef {
    /// Order root or a variable.
    pub base: Base,
    /// The steps below the base.
    pub path: Path,
    /// The path as the rule wrote it.
    pub text: String,
    /// The shape of the values it reaches.
    pub shape: Shape,
}

/// The value a condition tests or compares with.
#[derive(Debug, Clone)]
pub enum Target {
    /// A path into the order.
    Path(PathRef),
    /// A column of the list row matched by another condition (`@border.faces`).
    Row {
        /// Index of the condition whose matched row is read.
        condition: usize,
        /// Its name, for messages.
        condition_name: String,
        /// The column.
        column: String,
        /// The list the row comes from.
        list: String,
    },
}

impl Target {
    /// The target as written (`item.hs`, `@border.faces`).
    pub fn text(&self) -> String {
        match self {
            Target::Path(p) => p.text.clone(),
            Target::Row {
                condition_name,
                column,
                ..
            } => format!("@{condition_name}.{column}"),
        }
    }

    /// The shape of the values it reaches (list cells are text).
    pub fn shape(&self) -> Shape {
        match self {
            Target::Path(p) => p.shape,
            Target::Row { .. } => Shape::Text,
        }
    }
}

/// A literal operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// Text (compared case-insensitively unless asked otherwise).
    Text(String),
    /// A decimal number.
    Number(Decimal),
    /// An amount with its currency (`10000 USD`).
    Money(Decimal, String),
    /// A date.
    Date(NaiveDate),
    /// A boolean.
    Bool(bool),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Text(t) => f.write_str(t),
            Literal::Number(n) => write!(f, "{}", n.normalize()),
            Literal::Money(n, c) => write!(f, "{} {c}", n.normalize()),
            Literal::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The other side of a comparison.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A constant.
    Literal(Literal),
    /// Another value of the order (or of a matched list row).
    Field(Target),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than.
    Gt,
    /// Greater or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less or equal.
    Lte,
}

impl Cmp {
    /// The symbol used in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "≠",
            Cmp::Gt => ">",
            Cmp::Gte => "≥",
            Cmp::Lt => "<",
            Cmp::Lte => "≤",
        }
    }

    /// Applies the comparison to an ordering of left against right.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ordering == Equal,
            Cmp::Ne => ordering != Equal,
            Cmp::Gt => ordering == Greater,
            Cmp::Gte => ordering != Less,
            Cmp::Lt => ordering == Less,
            Cmp::Lte => ordering != Greater,
        }
    }
}

/// A calendar offset applied to a date operand (`-6 months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOffset {
    /// Whole months (negative goes back).
    pub months: i32,
    /// Days (negative goes back).
    pub days: i64,
}

impl fmt::Display for DateOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.months, self.days) {
            (0, d) => write!(f, "{d:+} days"),
            (m, 0) => write!(f, "{m:+} months"),
            (m, d) => write!(f, "{m:+} months {d:+} days"),
        }
    }
}

/// Which order date picks the exchange rate for a money comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDate {
    /// The order date (`date`).
    OrderDate,
    /// `ship_date`, else `date`.
    ShipDate,
}

/// Strings or a list column: the members of a set-like operand.
#[derive(Debug, Clone)]
pub enum Members {
    /// Literal strings from the rule.
    Values(Vec<String>),
    /// A column of a named list.
    List {
        /// List name.
        list: String,
        /// Column.
        column: String,
    },
}

/// A condition's operator with its resolved operands.
#[derive(Debug, Clone)]
pub enum Op {
    /// `eq`, `ne`, `gt`, `gte`, `lt`, `lte` (and `before`/`after`/... on dates).
    Compare {
        /// The comparison.
        cmp: Cmp,
        /// The right-hand side.
        operand: Operand,
        /// Text compared exactly when true.
        case_sensitive: bool,
        /// Shift applied to a date operand.
        offset: Option<DateOffset>,
        /// Which date picks exchange rates for money.
        rate_date: RateDate,
    },
    /// `in`: one of the literal values.
    In {
        /// The set.
        values: Vec<Literal>,
    },
    /// `in_list`: a key (or alias) of a list, optionally with more columns.
    InList {
        /// List name.
        list: String,
        /// Column matched against the value.
        column: String,
        /// Further columns that must equal other values.
        also: Vec<(String, Target)>,
    },
    /// `in_field`: a member of another list-valued field (or equal to a scalar).
    InField {
        /// The field holding the set.
        field: Target,
    },
    /// `matches`: a regular expression (case-insensitive unless asked).
    Matches {
        /// The compiled expression.
        regex: super::pattern_set::Pattern,
    },
    /// `matches_list`: any regular expression from a list column.
    MatchesList {
        /// List name.
        list: String,
        /// Column holding the patterns.
        column: String,
        /// The compiled patterns, in row order.
        set: PatternSet,
    },
    /// `contains_any`: a word or phrase from the members, on word boundaries.
    ContainsAny {
        /// The words.
        members: Members,
        /// One case-insensitive whole-word pattern per member, in order.
        set: PatternSet,
    },
    /// `starts_with`: a prefix from the members (codes: `84`, `854231`).
    StartsWith {
        /// The prefixes.
        members: Members,
    },
    /// `within`: no more than a span of time from another date.
    Within {
        /// The other date.
        field: Target,
        /// Allowed months.
        months: i32,
        /// Allowed days.
        days: i64,
    },
    /// `exists`: the value is present (never unknown).
    Exists,
    /// `missing`: the value is absent (never unknown).
    Missing,
    /// `blank`: absent, or text that is only whitespace, or an empty list.
    Blank,
    /// `sum_*`: the numbers or amounts a path reaches, added up (amounts each converted by the
    /// pack's rates) and compared with a bound: what a test of each value alone misses when a
    /// whole is split into parts that each stay under it.
    Sum {
        /// The comparison.
        cmp: Cmp,
        /// The bound: a number, or an amount when the path reaches money.
        bound: Literal,
        /// Which date picks exchange rates for money.
        rate_date: RateDate,
    },
    /// `count_*`: the number of members of a list.
    Count {
        /// The comparison.
        cmp: Cmp,
        /// The bound.
        n: u64,
    },
    /// `is_true`.
    IsTrue,
    /// `is_false`.
    IsFalse,
    /// `screen`: the party matches an entry of a denied-party or sanctions list.
    Screen(ScreenSpec),
    /// `invalid_id`: a party identifier whose check digits are wrong.
    InvalidId,
}

impl Op {
    /// The operator and its operands in words, each target written by `target` (`None` from
    /// it makes the whole `None`): what two conditions must share to judge alike. Used to
    /// share outcomes between conditions (`engine::memo`) and to tell whether a reloaded rule
    /// judges otherwise (`serve::loaded`). A compiled pattern set is named by its list or
    /// members, not by itself (it carries an id unique to its compilation), and a regex by its
    /// pattern.
    pub fn describe(&self, target: &dyn Fn(&Target) -> Option<String>) -> Option<String> {
        Some(match self {
            Op::Compare {
                cmp,
                operand,
                case_sensitive,
                offset,
                rate_date,
            } => {
                let operand = match operand {
                    Operand::Literal(l) => format!("literal {l:?}"),
                    Operand::Field(t) => format!("field {}", target(t)?),
                };
                format!("compare {cmp:?} {operand} {case_sensitive} {offset:?} {rate_date:?}")
            }
            Op::In { values } => format!("in {values:?}"),
            Op::InList { list, column, also } => {
                let mut key = format!("in_list {list:?} {column:?}");
                for (column, t) in also {
                    key.push_str(&format!(" also {column:?} {}", target(t)?));
                }
                key
            }
            Op::InField { field } => format!("in_field {}", target(field)?),
            Op::Matches { regex } => format!("matches {:?}", regex.as_str()),
            Op::MatchesList { list, column, .. } => format!("matches_list {list:?} {column:?}"),
            Op::ContainsAny { members, .. } => format!("contains_any {members:?}"),
            Op::StartsWith { members } => format!("starts_with {members:?}"),
            Op::Within {
                field,
                months,
                days,
            } => format!("within {} {months} {days}", target(field)?),
            Op::Exists => "exists".into(),
            Op::Missing => "missing".into(),
            Op::Blank => "blank".into(),
            Op::Count { cmp, n } => format!("count {cmp:?} {n}"),
            Op::Sum {
                cmp,
                bound,
                rate_date,
            } => format!("sum {cmp:?} {bound:?} {rate_date:?}"),
            Op::IsTrue => "is_true".into(),
            Op::IsFalse => "is_false".into(),
            Op::Screen(spec) => format!("screen {spec:?}"),
            Op::InvalidId => "invalid_id".into(),
        })
    }
}

/// What a `screen` condition asks of the screening index.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenSpec {
    /// Screening lists to use (as the importers name them); empty means every list loaded.
    pub lists: Vec<String>,
    /// Lowest score that counts as a match (identifier matches score 1).
    pub min_score: Decimal,
    /// When set, the condition holds only while the party's best match scores below this:
    /// the band of near misses left to a stronger rule above it.
    pub below_score: Option<Decimal>,
    /// Which listings count, relative to the shipment date.
    pub listed: ListedFilter,
    /// What a match may rest on.
    pub match_on: MatchOn,
    /// Whether entries listed only through ownership (OFAC's 50 % rule) count.
    pub ownership: OwnershipFilter,
}

/// Which entries a `screen` condition counts by how they are listed: in their own right, or
/// as owned 50 % or more by listed parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnershipFilter {
    /// Both.
    Include,
    /// Only entries listed in their own right.
    Exclude,
    /// Only entries owned 50 % or more by listed parties, by the percentages the list gives.
    Only,
    /// Only entries counted as owned by assumption: a holding without a percentage, or
    /// owners that own each other in a circle.
    Unresolved,
}

impl OwnershipFilter {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnershipFilter::Include => "include",
            OwnershipFilter::Exclude => "exclude",
            OwnershipFilter::Only => "only",
            OwnershipFilter::Unresolved => "unresolved",
        }
    }
}

/// Which listings a `screen` condition counts, relative to the order's `ship_date` (else
/// `date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedFilter {
    /// Listed on or before the shipment and not ended by then; an entry without a listing
    /// date counts (fail closed).
    AtShipment,
    /// Listed only after the shipment: the lookback case.
    AfterShipment,
    /// Any listing, whatever its dates.
    Any,
}

impl ListedFilter {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            ListedFilter::AtShipment => "at_shipment",
            ListedFilter::AfterShipment => "after_shipment",
            ListedFilter::Any => "any",
        }
    }
}

/// What a screening match may rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOn {
    /// A name, an alias or an identifier.
    Any,
    /// Only an identifier equal after normalisation.
    Id,
    /// Only a name or alias.
    Name,
    /// Only the party's street address against a listed entry's address, whatever the names.
    Address,
    /// A text (not a party) that writes out a listed company's name whole.
    Mentions,
}

impl MatchOn {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOn::Any => "any",
            MatchOn::Id => "id",
            MatchOn::Name => "name",
            MatchOn::Address => "address",
            MatchOn::Mentions => "mentions",
        }
    }
}

/// How a condition over many values (a path with `[*]`) combines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// True when any value satisfies it.
    Any,
    /// True when every value satisfies it (and there is at least one).
    All,
}

/// A named leaf condition.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Name within the rule.
    pub name: String,
    /// The operator name as written (`in_list`).
    pub op_name: String,
    /// What is tested.
    pub target: Target,
    /// How it is tested.
    pub op: Op,
    /// How many values must pass.
    pub quantifier: Quantifier,
    /// The outcome when the value is missing; `None` means unknown.
    pub if_missing: Option<bool>,
}

/// A piece of a message template.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A value to insert.
    Value(Target),
    /// A bound variable's label (`consignees[2] Dandong Border Trade Warehouse`).
    Var(usize),
}

/// A parsed message template.
#[derive(Debug, Clone)]
pub struct Template {
    /// The pieces in order.
    pub pieces: Vec<Piece>,
    /// The template as written.
    pub text: String,
}
