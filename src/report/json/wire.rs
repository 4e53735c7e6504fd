//! The per-order records of `redflag.check/1` as borrowed views that serialize straight to the
//! output: a report of many orders builds no `serde_json::Value` tree per finding. Field order
//! here is the key order of the wire format (docs/output.md); `judgement_json` and its siblings
//! are these same views turned into values, so there is one definition of each record.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Serialize as DeriveSerialize;

use crate::context::OrderContext;
use crate::findings::*;
use crate::order::FieldProblem;
use crate::rules::model::Reference;
use crate::waivers::Waiver;

/// A slice written as a JSON array, each member through its view.
pub(crate) struct Each<'a, T, W>(pub &'a [T], pub fn(&'a T) -> W);

impl<'a, T, W: Serialize> Serialize for Each<'a, T, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

/// One judgement. `record` is the `type` member JSON Lines puts first (`"order"`).
#[derive(DeriveSerialize)]
pub(crate) struct JudgementOut<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    record: Option<&'static str>,
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    verdict: &'static str,
    context: Option<ContextOut<'a>>,
    findings: Each<'a, Finding, FindingOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<Each<'a, FieldProblem, ProblemOut<'a>>>,
}

impl<'a> JudgementOut<'a> {
    /// The judgement without where its record sat (file and line): what it decided, alike for
    /// the same order wherever it was read.
    pub(crate) fn result(j: &'a Judgement) -> JudgementOut<'a> {
        JudgementOut {
            file: None,
            line: None,
            ..JudgementOut::of(j, None)
        }
    }

    pub(crate) fn of(j: &'a Judgement, record: Option<&'static str>) -> JudgementOut<'a> {
        JudgementOut {
            record,
            id: j.order_id.as_deref(),
            file: Some(&j.origin.file),
            line: Some(j.origin.line),
            verdict: j.verdict.as_str(),
            context: j.context.as_ref().map(ContextOut::of),
            findings: Each(&j.findings, FindingOut::of),
            problems: (!j.problems.is_empty()).then_some(Each(&j.problems, ProblemOut::of)),
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct ProblemOut<'a> {
    code: &'static str,
    path: &'a str,
    column: Option<&'a str>,
    line: Option<usize>,
    message: &'a str,
}

impl<'a> ProblemOut<'a> {
    fn of(p: &'a FieldProblem) -> ProblemOut<'a> {
        ProblemOut {
            code: p.code,
            path: &p.path,
            column: p.column.as_deref(),
            line: p.line,
            message: &p.message,
        }
    }
}

/// An order's buyer, destination and value; the value is a string, exact as the order gave it.
#[derive(DeriveSerialize)]
pub(crate) struct ContextOut<'a> {
    buyer_name: Option<&'a str>,
    buyer_country: Option<&'a str>,
    destination: Option<&'a str>,
    value: Option<String>,
    currency: Option<&'a str>,
}

impl<'a> ContextOut<'a> {
    pub(crate) fn of(c: &'a OrderContext) -> ContextOut<'a> {
        ContextOut {
            buyer_name: c.buyer_name.as_deref(),
            buyer_country: c.buyer_country.as_deref(),
            destination: c.destination.as_deref(),
            value: c.value.map(|v| v.to_string()),
            currency: c.currency.as_deref(),
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct FindingOut<'a> {
    rule_id: &'a str,
    rule_version: u32,
    kind: &'static str,
    severity: &'static str,
    title: &'a str,
    message: &'a str,
    family: &'a str,
    red_flags: &'a [String],
    icp: &'a [String],
    references: Each<'a, Reference, ReferenceOut<'a>>,
    why: &'a str,
    action: &'a str,
    escalation: Option<&'a str>,
    /// Only on a lookback finding, so reports of orders judged by the law at shipment keep
    /// their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    later: Option<&'a str>,
    condition: &'a str,
    matches: usize,
    bindings: Each<'a, BoundEvidence, BoundOut<'a>>,
    evidence: Each<'a, ConditionEvidence, ConditionOut<'a>>,
    waiver: Option<WaiverOut<'a>>,
    waived_in_part: &'a [String],
}

impl<'a> FindingOut<'a> {
    pub(crate) fn of(f: &'a Finding) -> FindingOut<'a> {
        FindingOut {
            rule_id: &f.rule.id,
            rule_version: f.rule.version,
            kind: super::super::kind_str(f),
            severity: f.severity.as_str(),
            title: &f.rule.title,
            message: &f.message,
            family: &f.rule.family,
            red_flags: &f.rule.red_flags,
            icp: &f.rule.icp,
            references: Each(&f.rule.references, ReferenceOut::of),
            why: &f.rule.why,
            action: &f.rule.action,
            escalation: f.escalation.as_deref(),
            later: f.later.as_deref(),
            condition: &f.rule.condition,
            matches: f.matches,
            bindings: Each(&f.bindings, BoundOut::of),
            evidence: Each(&f.conditions, ConditionOut::of),
            waiver: f.waiver.as_deref().map(WaiverOut::of),
            waived_in_part: &f.waived_in_part,
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct ReferenceOut<'a> {
    cite: &'a str,
    url: Option<&'a str>,
}

impl<'a> ReferenceOut<'a> {
    fn of(r: &'a Reference) -> ReferenceOut<'a> {
        ReferenceOut {
            cite: &r.cite,
            url: r.url.as_deref(),
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct BoundOut<'a> {
    name: &'a str,
    path: &'a str,
    label: &'a str,
}

impl<'a> BoundOut<'a> {
    fn of(b: &'a BoundEvidence) -> BoundOut<'a> {
        BoundOut {
            name: &b.name,
            path: &b.path,
            label: &b.label,
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct WaiverOut<'a> {
    id: &'a str,
    reason: &'a str,
    approver: &'a str,
    date: String,
    expires: String,
    order: Option<&'a str>,
    party: Option<&'a str>,
    path: Option<&'a str>,
    line: usize,
}

impl<'a> WaiverOut<'a> {
    fn of(w: &'a Waiver) -> WaiverOut<'a> {
        WaiverOut {
            id: &w.id,
            reason: &w.reason,
            approver: &w.approver,
            date: w.date.to_string(),
            expires: w.expires.to_string(),
            order: w.order.as_deref(),
            party: w.party.as_deref(),
            path: w.path.as_deref(),
            line: w.line,
        }
    }
}

/// One condition's evidence.
#[derive(DeriveSerialize)]
pub(crate) struct ConditionOut<'a> {
    condition: &'a str,
    op: &'a str,
    path: &'a str,
    truth: &'static str,
    observations: Each<'a, Observation, ObservationOut<'a>>,
    more: usize,
}

impl<'a> ConditionOut<'a> {
    pub(crate) fn of(c: &'a ConditionEvidence) -> ConditionOut<'a> {
        ConditionOut {
            condition: &c.name,
            op: &c.op,
            path: &c.path,
            truth: c.truth.as_str(),
            observations: Each(&c.observations, ObservationOut::of),
            more: c.more,
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct ObservationOut<'a> {
    path: &'a str,
    seen: Option<&'a str>,
    expected: &'a str,
    holds: &'static str,
    note: Option<&'a str>,
    row: Option<RowOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    screening: Option<ScreeningOut<'a>>,
}

impl<'a> ObservationOut<'a> {
    fn of(o: &'a Observation) -> ObservationOut<'a> {
        ObservationOut {
            path: &o.path,
            seen: o.seen.as_deref(),
            expected: &o.expected,
            holds: o.holds.as_str(),
            note: o.note.as_deref(),
            row: o.row.as_deref().map(RowOut::of),
            screening: o.screening.as_deref().map(ScreeningOut::of),
        }
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct RowOut<'a> {
    list: &'a str,
    line: usize,
    cells: Cells<'a>,
}

impl<'a> RowOut<'a> {
    fn of(r: &'a RowEvidence) -> RowOut<'a> {
        RowOut {
            list: &r.list,
            line: r.line,
            cells: Cells(&r.cells),
        }
    }
}

/// A list row's cells as an object in column order (a list's columns are unique).
pub(crate) struct Cells<'a>(&'a [(String, String)]);

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (column, cell) in self.0 {
            map.serialize_entry(column, cell)?;
        }
        map.end()
    }
}

#[derive(DeriveSerialize)]
pub(crate) struct ScreeningOut<'a> {
    role: &'a str,
    party: &'a str,
    list: &'a str,
    source: &'a str,
    entry_id: &'a str,
    primary_name: &'a str,
    programs: &'a [String],
    listed_on: Option<String>,
    ends_on: Option<String>,
    shipment_date: Option<String>,
    listing: &'static str,
    matched_on: &'static str,
    alias: Option<&'a str>,
    id: Option<IdOut<'a>>,
    score: String,
    score_steps: Vec<ScoreStepOut>,
    query_normalized: &'a str,
    /// Only for an identifier that the party's `ids` do not hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    id_written_in: Option<&'a str>,
    entry_normalized: &'a str,
    country_match: Option<bool>,
    other_matches: usize,
    /// Only for `matched_on = "address"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<AddressOut<'a>>,
    /// Only for an entry listed through ownership.
    #[serde(skip_serializing_if = "Option::is_none")]
    ownership: Option<OwnershipOut<'a>>,
}

#[derive(DeriveSerialize)]
pub(crate) struct ScoreStepOut {
    step: &'static str,
    /// The score once the step was done, three decimals.
    score: String,
}

#[derive(DeriveSerialize)]
pub(crate) struct AddressOut<'a> {
    party: &'a str,
    listed: &'a str,
    shared_by: usize,
}

#[derive(DeriveSerialize)]
pub(crate) struct OwnershipOut<'a> {
    /// Percent, exact (`50`, `33.3333`).
    share: String,
    /// `known`, `unknown_share` or `circular`.
    resolution: &'static str,
    chain: Vec<OwnerLinkOut<'a>>,
    cut: bool,
}

#[derive(DeriveSerialize)]
pub(crate) struct OwnerLinkOut<'a> {
    owner_id: &'a str,
    owner_name: &'a str,
    owner_listed: bool,
    asset_id: &'a str,
    asset_name: &'a str,
    share: Option<String>,
}

#[derive(DeriveSerialize)]
pub(crate) struct IdOut<'a> {
    scheme: &'a str,
    value: &'a str,
}

impl<'a> ScreeningOut<'a> {
    fn of(s: &'a ScreeningEvidence) -> ScreeningOut<'a> {
        let (matched_on, alias, id) = match &s.basis {
            MatchBasis::Name => ("name", None, None),
            MatchBasis::Alias(a) => ("alias", Some(a.as_str()), None),
            MatchBasis::Id { scheme, value } => ("id", None, Some(IdOut { scheme, value })),
            MatchBasis::Address { .. } => ("address", None, None),
        };
        let address = match &s.basis {
            MatchBasis::Address {
                party_address,
                listed_address,
                shared_by,
            } => Some(AddressOut {
                party: party_address,
                listed: listed_address,
                shared_by: *shared_by,
            }),
            _ => None,
        };
        let ownership = s.ownership.as_ref().map(|o| {
            use crate::screening::ownership::{percent, Resolution};
            OwnershipOut {
                share: percent(o.share),
                resolution: match o.resolution {
                    Resolution::Known => "known",
                    Resolution::UnknownShare => "unknown_share",
                    Resolution::Circular => "circular",
                },
                chain: o
                    .links
                    .iter()
                    .map(|l| OwnerLinkOut {
                        owner_id: &l.owner_id,
                        owner_name: &l.owner_name,
                        owner_listed: l.owner_listed,
                        asset_id: &l.asset_id,
                        asset_name: &l.asset_name,
                        share: l.share.map(percent),
                    })
                    .collect(),
                cut: o.cut,
            }
        });
        ScreeningOut {
            role: &s.role,
            party: &s.party,
            list: &s.list,
            source: &s.source,
            entry_id: &s.entry_id,
            primary_name: &s.primary_name,
            programs: &s.programs,
            listed_on: s.listed_on.map(|d| d.to_string()),
            ends_on: s.ends_on.map(|d| d.to_string()),
            shipment_date: s.shipment_date.map(|d| d.to_string()),
            listing: s.status.as_str(),
            matched_on,
            alias,
            id,
            score: s.score.to_string(),
            score_steps: s
                .score_steps
                .iter()
                .map(|(kind, score)| ScoreStepOut {
                    step: kind.code(),
                    score: score.to_string(),
                })
                .collect(),
            query_normalized: &s.query_normalized,
            id_written_in: s.id_written_in.as_deref(),
            entry_normalized: &s.entry_normalized,
            country_match: s.country_match,
            other_matches: s.other_matches,
            address,
            ownership,
        }
    }
}
