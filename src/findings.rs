//! Findings: the results of judging orders, with their evidence.
//!
//! These are results, not errors. They carry everything a reader needs to
//! trust or challenge a finding (rule, version, the values seen, the list row
//! matched, citations) and nothing about how they will be rendered.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::order::{FieldProblem, Origin};
use crate::rules::model::{Cmp, Reference, Rule};
use crate::rules::Severity;

/// Three-valued truth: a condition on a missing value is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be decided from the data.
    Unknown,
}

impl Truth {
    /// Kleene negation.
    pub fn negate(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// From a boolean.
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }
}

/// The list row a value matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowEvidence {
    /// List name.
    pub list: String,
    /// 1-based line in the list file.
    pub line: usize,
    /// The row's cells by column, in column order.
    pub cells: Vec<(String, String)>,
}

/// One value a condition read, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The concrete path read (`consignees[2].city`).
    pub path: String,
    /// The value seen, rendered; `None` when it was missing.
    pub seen: Option<String>,
    /// What the condition expected, in words (`in list border_cities`); written once per
    /// condition when the engine is built and shared.
    pub expected: Arc<str>,
    /// Whether this value satisfied the condition.
    pub holds: Truth,
    /// The list row matched, if any: built once per row and shared by every observation that
    /// quotes it.
    pub row: Option<Arc<RowEvidence>>,
    /// Extra detail (a conversion, why it is unknown).
    pub note: Option<String>,
    /// The list entry a party matched, for `screen` conditions.
    pub screening: Option<Box<ScreeningEvidence>>,
    /// The numbers or dates compared, when an ordered comparison decided
    /// this observation: what lets an explanation say by how much it failed.
    pub comparison: Option<Comparison>,
}

/// What a screening match rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchBasis {
    /// The entry's primary name.
    Name,
    /// One of the entry's aliases, as written in the list.
    Alias(String),
    /// An identifier equal after normalisation: the entry's scheme and value.
    Id {
        /// Scheme, such as `RU-INN`.
        scheme: String,
        /// Value as written in the list.
        value: String,
    },
    /// The party's street address against one of the entry's addresses, whatever the names.
    Address {
        /// The party's address as the order gives it (`address`, `city`, `country` joined).
        party_address: String,
        /// The entry's address as the list writes it.
        listed_address: String,
        /// How many listed entries give this same address (more than one: a shared address,
        /// such as a registered agent's).
        shared_by: usize,
    },
}

/// Where a listing stood at the shipment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingStatus {
    /// Listed on or before the shipment date, and not ended.
    AtShipment,
    /// Listed only after the shipment date.
    AfterShipment,
    /// The list gives no listing date; counted as listed at shipment.
    Undated,
    /// The listing had ended before the shipment date.
    Ended,
    /// The order has no date to compare with; counted as listed at shipment.
    OrderUndated,
    /// Listed after the order date, and the order states no shipment date: the goods may ship
    /// today, so counted as listed at shipment.
    AfterOrderNoShipDate,
    /// Listed after the order date, and the order's ship date is a plan (a run before
    /// shipment): the goods have not left, so counted as listed at shipment.
    AfterOrderNotShipped,
}

impl ListingStatus {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::AtShipment => "listed at shipment",
            ListingStatus::AfterShipment => "listed after shipment",
            ListingStatus::Undated => "listing date not given",
            ListingStatus::Ended => "listing ended before shipment",
            ListingStatus::OrderUndated => "order has no date",
            ListingStatus::AfterOrderNoShipDate => {
                "listed after the order date; no ship date, so counted as listed at shipment"
            }
            ListingStatus::AfterOrderNotShipped => {
                "listed after the order date; not shipped yet, so counted as listed at shipment"
            }
        }
    }
}

/// A party matched against a screening-list entry, with what was compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningEvidence {
    /// The party's role: the concrete path of the party (`buyer`, `consignees[1]`).
    pub role: String,
    /// The party's name as written in the order.
    pub party: String,
    /// The list, as the importer names it (`OFAC-SDN`, `CSL`, a watch list).
    pub list: String,
    /// The finer source inside the list (CSL source, FtM dataset, file).
    pub source: String,
    /// The entry's id in its list.
    pub entry_id: String,
    /// The entry's primary name.
    pub primary_name: String,
    /// Sanctions programmes of the entry.
    pub programs: Vec<String>,
    /// Listing date, when the list gives one.
    pub listed_on: Option<chrono::NaiveDate>,
    /// End of the listing, when the list gives one.
    pub ends_on: Option<chrono::NaiveDate>,
    /// The date the listing was compared with (`ship_date`, else `date`).
    pub shipment_date: Option<chrono::NaiveDate>,
    /// Where the listing stood at that date.
    pub status: ListingStatus,
    /// What matched.
    pub basis: MatchBasis,
    /// Score in `0..=1`, three decimals (identifier matches score 1).
    pub score: rust_decimal::Decimal,
    /// How the score was reached: the name (or identifier, or address) score, then each
    /// step after it, each with the score it left, three decimals.
    pub score_steps: Vec<(crate::screening::steps::StepKind, rust_decimal::Decimal)>,
    /// The party's name (or alias) as compared, normalised.
    pub query_normalized: String,
    /// Where a matched identifier was written when the party's `ids` do not hold it: an
    /// attribute of the party (`buyer.attributes.inn`) or of the order.
    pub id_written_in: Option<String>,
    /// The entry's name or alias as compared, normalised.
    pub entry_normalized: String,
    /// Whether the countries agree (`None`: one side unknown).
    pub country_match: Option<bool>,
    /// Further entries that also matched this party.
    pub other_matches: usize,
    /// Set when the entry is listed only through ownership (OFAC's 50 % rule): the owners'
    /// share, how it was resolved and the chain of owners.
    pub ownership: Option<crate::screening::ownership::OwnedBy>,
}

/// One side of an ordered comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quantity {
    /// A plain number.
    Number(Decimal),
    /// An amount in a currency.
    Money(Decimal, String),
    /// A date.
    Date(NaiveDate),
    /// The number of members of a list.
    Count(u64),
}

/// The two sides of an ordered comparison as the engine saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The comparison applied (`left cmp right`).
    pub cmp: Cmp,
    /// The value read from the order.
    pub left: Quantity,
    /// What it was compared with, after any date offset.
    pub right: Quantity,
    /// For money, both sides in the rates table's base currency, which is
    /// what was actually compared: (left, right, base currency).
    pub converted: Option<(Decimal, Decimal, String)>,
}

/// The outcome of one named condition of a rule, for one set of bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEvidence {
    /// The condition's name (this and the two below are shared by the evidence of every
    /// finding of the rule).
    pub name: Arc<str>,
    /// Its operator.
    pub op: Arc<str>,
    /// Its path as written.
    pub path: Arc<str>,
    /// Its outcome.
    pub truth: Truth,
    /// The values it read (capped; see `more`).
    pub observations: Vec<Observation>,
    /// How many further observations were left out.
    pub more: usize,
}

/// A variable's value in the bindings that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundEvidence {
    /// The variable.
    pub name: String,
    /// The concrete path of the element bound (`consignees[2]`).
    pub path: String,
    /// A human label (its name or city).
    pub label: String,
}

/// Whether the rule fired or could not be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The rule's condition held.
    Fired,
    /// The rule's condition could not be decided: fail closed.
    Undecided,
}

/// What a finding says about its rule: the same for every order, so built once per rule when
/// the engine is built and shared by every finding of that rule instead of copied into each
/// (about 30 strings and vectors per finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// Rule version.
    pub version: u32,
    /// The rule's title.
    pub title: String,
    /// The rule family.
    pub family: String,
    /// Red-flag catalogue ids.
    pub red_flags: Vec<String>,
    /// ICP / ECP elements.
    pub icp: Vec<String>,
    /// Citations.
    pub references: Vec<Reference>,
    /// Why it matters.
    pub why: String,
    /// What to do next.
    pub action: String,
    /// The condition expression.
    pub condition: String,
}

impl RuleInfo {
    /// The parts of `rule` a finding reports.
    pub fn of(rule: &Rule) -> RuleInfo {
        RuleInfo {
            id: rule.id.clone(),
            version: rule.version,
            title: rule.title.clone(),
            family: rule.family.clone(),
            red_flags: rule.red_flags.clone(),
            icp: rule.icp.clone(),
            references: rule.references.clone(),
            why: rule.why.clone(),
            action: rule.action.clone(),
            condition: rule.condition_text.clone(),
        }
    }
}

/// One rule's verdict on one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule: id, version, title, family, red flags, ICP elements, references, why, action
    /// and condition.
    pub rule: Arc<RuleInfo>,
    /// Fired or undecided.
    pub kind: FindingKind,
    /// Severity after escalation (or `on_unknown` for undecided).
    pub severity: Severity,
    /// The rendered message.
    pub message: String,
    /// The reason the severity was raised, if it was.
    pub escalation: Option<String>,
    /// Variables bound in the first set of bindings that fired (or was undecided).
    pub bindings: Vec<BoundEvidence>,
    /// Every condition's outcome for those bindings.
    pub conditions: Vec<ConditionEvidence>,
    /// How many sets of bindings fired (or were undecided).
    pub matches: usize,
    /// The waiver that cleared this finding, if one applies: it is still reported. Set only
    /// when waivers cover every combination that fired or was undecided.
    pub waiver: Option<Box<crate::waivers::Waiver>>,
    /// Waivers that cleared some combinations of a finding that stays open, because others
    /// (another party, another path) are not theirs to clear.
    pub waived_in_part: Vec<String>,
    /// Set when the finding comes only from a rule or list rows that came into force after
    /// the order's shipment date (a lookback finding, at most `review`): why.
    pub later: Option<String>,
}

impl Judgement {
    /// Drops each finding's evidence, bindings and message, which only rendering reads, once
    /// the judgement is rendered: the judging thread that allocated them frees them, and what
    /// travels on to the thread that writes and counts (verdict, findings' rules, kinds and
    /// waivers) is small. Freeing hundreds of evidence strings per order on the writing
    /// thread, each a free across threads, made that one thread the run's narrowest part.
    pub fn shed_evidence(&mut self) {
        for finding in &mut self.findings {
            finding.conditions = Vec::new();
            finding.bindings = Vec::new();
            finding.message = String::new();
        }
    }
}

/// An order's overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// No finding.
    Clear,
    /// The most severe finding's severity.
    Flagged(Severity),
    /// The record could not be read; never clear.
    Error,
}

impl Verdict {
    /// The verdict of an order with these findings: the most severe that is not waived.
    pub fn of(findings: &[Finding]) -> Verdict {
        findings
            .iter()
            .filter(|f| f.waiver.is_none())
            .map(|f| f.severity)
            .max()
            .map(Verdict::Flagged)
            .unwrap_or(Verdict::Clear)
    }

    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Flagged(s) => s.as_str(),
            Verdict::Error => "error",
        }
    }
}

/// The judgement of one record of the input.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// Where the record came from.
    pub origin: Origin,
    /// The order id, if it could be read.
    pub order_id: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Findings, most severe first, then by rule id.
    pub findings: Vec<Finding>,
    /// Problems reading the record (only for `Verdict::Error`).
    pub problems: Vec<FieldProblem>,
    /// Waivers that would have covered a finding of this order but were not in force on the
    /// day judged.
    pub waivers_lapsed: Vec<String>,
    /// The order's buyer, destination and value, for reports; `None` for a record that could
    /// not be read.
    pub context: Option<crate::context::OrderContext>,
}
