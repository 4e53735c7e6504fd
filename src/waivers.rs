//! Waivers: compliance's record that a finding was looked at and cleared.
//!
//! A waiver names a rule and an order or a party (optionally at a path), and for a screening
//! match optionally the listed entries it was written for, with a reason, an approver, the
//! date of the decision and an expiry. It clears only what it names: the engine
//! (`engine::waiving`) applies it to each combination of a rule's bindings whose parties are
//! all the one named (a combination about no party only to a waiver naming the order and no
//! party), whose screening matches rest on what it names, and a finding stays open while any
//! combination is not covered. A waived finding stays in every report, marked with the
//! waiver, and is counted; it no longer sets the order's verdict. Waivers that were not in
//! force on the run's as-of date are not applied and are reported, and so are waivers that
//! matched nothing, so a stale waiver file cannot hide in silence. A waiver that could clear
//! more than its writer meant (a `path` without a `party`, a blank name) is refused at load.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use toml::de::DeTable;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::findings::Judgement;
use crate::rules::lists::fold;
use crate::rules::raw::{Reader, Sp};

/// Keys of one `[[waiver]]`.
pub const WAIVER_KEYS: &[&str] = &[
    "id", "rule", "order", "party", "path", "entry", "reason", "approver", "date", "expires",
];

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Unique id within the file (`W-2024-001`).
    pub id: String,
    /// The rule whose finding is cleared.
    pub rule: String,
    /// The order, if the waiver is for one order.
    pub order: Option<String>,
    /// The party, if the waiver is for every order of one matched party.
    pub party: Option<String>,
    /// The concrete path of the party (`buyer`, `consignees[1]`), narrowing `party`; never
    /// without it.
    pub path: Option<String>,
    /// The listed entries (their ids in their lists, `entry` in the file) whose screening
    /// matches the waiver clears; empty: only matches on the party's own name.
    pub entries: Vec<String>,
    /// Why the finding is cleared.
    pub reason: String,
    /// Who decided.
    pub approver: String,
    /// When it was decided.
    pub date: NaiveDate,
    /// The last day it applies.
    pub expires: NaiveDate,
    /// 1-based line of the waiver in its file, for reports.
    pub line: usize,
}

/// A waiver file, read and checked.
#[derive(Debug, Clone)]
pub struct Waivers {
    /// The file as named.
    pub file: String,
    /// SHA-256 of its bytes: waivers are part of a run's provenance.
    pub digest: String,
    /// The waivers, in file order.
    pub waivers: Vec<Waiver>,
}

/// What became of the waivers in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WaiverUse {
    /// Findings waived.
    pub waived: usize,
    /// Ids of waivers applied at least once.
    pub applied: BTreeSet<String>,
    /// Ids of waivers that matched a finding but had expired by the as-of date.
    pub expired: BTreeSet<String>,
}

impl WaiverUse {
    /// Counts what the engine did with the waivers on one judgement.
    pub fn record(&mut self, judgement: &Judgement) {
        for finding in &judgement.findings {
            if let Some(w) = &finding.waiver {
                self.waived += 1;
                self.applied.insert(w.id.clone());
            }
            self.applied.extend(finding.waived_in_part.iter().cloned());
        }
        self.expired
            .extend(judgement.waivers_lapsed.iter().cloned());
    }

    /// Ids of waivers that matched no finding at all, in file order.
    pub fn unused<'w>(&self, waivers: &'w Waivers) -> Vec<&'w Waiver> {
        waivers
            .waivers
            .iter()
            .filter(|w| !self.applied.contains(&w.id) && !self.expired.contains(&w.id))
            .collect()
    }
}

impl Waivers {
    /// Parses a waiver file; every problem is reported, and a file with errors gives `None`.
    pub fn parse(name: &str, text: &str, acc: &mut Diagnostics) -> Option<Waivers> {
        let file = SourceFile::new(name, text);
        let digest = crate::digest::sha256_hex(text.as_bytes());
        let before = acc
            .iter()
            .filter(|d| d.level() == crate::diag::Level::Error)
            .count();
        let root = crate::rules::raw::parse_toml(&file, "R001", acc)?;
        let mut reader = Reader::new(&file, acc);
        let root = root.get_ref();
        reader.deny_unknown(root, &["waiver"], "a waiver file");
        let tables = root
            .get("waiver")
            .and_then(|w| reader.tables(w, "waiver", false))
            .unwrap_or_default();
        let mut waivers: Vec<Waiver> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for (t, span) in tables {
            if let Some(w) = waiver(&mut reader, t, span, &mut seen) {
                waivers.push(w);
            }
        }
        let after = reader
            .acc
            .iter()
            .filter(|d| d.level() == crate::diag::Level::Error)
            .count();
        (after == before).then(|| Waivers {
            file: name.to_string(),
            digest,
            waivers,
        })
    }
}

fn date(reader: &mut Reader, t: &DeTable, key: &str) -> Option<Sp<NaiveDate>> {
    reader.date(t, key)
}

/// Whether a name or id says nothing: empty, or only spaces, punctuation and invisible
/// characters once folded as names are compared. A blank `party` would clear every party
/// whose name is missing or blank too.
fn blank(text: &str) -> bool {
    !fold(text).chars().any(char::is_alphanumeric)
}

fn waiver(
    reader: &mut Reader,
    t: &DeTable,
    span: std::ops::Range<usize>,
    seen: &mut BTreeSet<String>,
) -> Option<Waiver> {
    reader.deny_unknown(t, WAIVER_KEYS, "a waiver");
    let file = reader.file;
    let id = reader.string(t, "id");
    let rule = reader.string(t, "rule");
    let order = reader.string(t, "order");
    let party = reader.string(t, "party");
    let path = reader.string(t, "path");
    let entries = reader.strings(t, "entry");
    let reason = reader.string(t, "reason");
    let approver = reader.string(t, "approver");
    let decided = date(reader, t, "date");
    let expires = date(reader, t, "expires");
    let mut ok = true;
    for (key, present) in [
        ("id", id.is_some()),
        ("rule", rule.is_some()),
        (
            "reason",
            reason.as_ref().is_some_and(|r| !r.value.trim().is_empty()),
        ),
        (
            "approver",
            approver
                .as_ref()
                .is_some_and(|a| !a.value.trim().is_empty()),
        ),
        ("date", decided.is_some() || t.contains_key("date")),
        ("expires", expires.is_some() || t.contains_key("expires")),
    ] {
        if !present {
            reader.acc.push(
                Diagnostic::error("W001", format!("a waiver needs `{key}`"))
                    .at(file, span.clone(), format!("no `{key}`"))
                    .with_help(Some(
                        "a waiver records id, rule, order or party, reason, approver, date and expires"
                            .to_string(),
                    )),
            );
            ok = false;
        }
    }
    if order.is_none() && party.is_none() {
        reader.acc.push(
            Diagnostic::error("W002", "a waiver needs `order` or `party`")
                .at(file, span.clone(), "applies to nothing in particular")
                .with_help(Some(
                    "a waiver for a whole rule would switch the rule off; change the rule instead"
                        .to_string(),
                )),
        );
        ok = false;
    }
    // A path alone would clear whoever sits there, even after the order is amended to put
    // another party in its place: a reviewer who wrote a path meant a party.
    if let (Some(path), None) = (&path, &party) {
        reader.acc.push(
            Diagnostic::error("W007", "a waiver with `path` needs `party`")
                .at(file, path.span.clone(), "names no party")
                .with_help(Some(format!(
                    "add `party` with the name of the party at `{}`; a path alone would clear whichever party the order puts there",
                    path.value
                ))),
        );
        ok = false;
    }
    let blanks = [("order", &order), ("party", &party), ("path", &path)]
        .into_iter()
        .filter_map(|(key, value)| {
            value
                .as_ref()
                .map(|v| (key, v.span.clone(), v.value.as_str()))
        })
        .chain(
            entries
                .iter()
                .map(|e| ("entry", e.span.clone(), e.value.as_str())),
        );
    let mut blank_keys: Vec<(&str, std::ops::Range<usize>)> = blanks
        .filter(|(_, _, value)| blank(value))
        .map(|(key, span, _)| (key, span))
        .collect();
    if let Some(v) = t.get("entry") {
        if matches!(v.get_ref(), toml::de::DeValue::Array(items) if items.is_empty()) {
            blank_keys.push(("entry", v.span()));
        }
    }
    for (key, span) in blank_keys {
        let help = match key {
            "order" => "write the order's id, or leave `order` out",
            "party" => "write the party's name as the order gives it, or leave `party` out",
            "path" => "write the party's path (`buyer`, `consignees[1]`), or leave `path` out",
            _ => {
                "write the listed entry's id as reports show it (`entry_id`), or leave `entry` out"
            }
        };
        reader.acc.push(
            Diagnostic::error("W008", format!("`{key}` is blank"))
                .at(file, span, "names nothing")
                .with_help(Some(help.to_string())),
        );
        ok = false;
    }
    if let (Some(d), Some(e)) = (&decided, &expires) {
        if e.value < d.value {
            reader.acc.push(
                Diagnostic::error(
                    "W003",
                    format!(
                        "the waiver expires on `{}`, before it was decided on `{}`",
                        e.value, d.value
                    ),
                )
                .at(file, e.span.clone(), "before `date`"),
            );
            ok = false;
        }
    }
    if let Some(id) = &id {
        if !seen.insert(id.value.clone()) {
            reader.acc.push(
                Diagnostic::error("W004", format!("waiver id `{}` is used twice", id.value)).at(
                    file,
                    id.span.clone(),
                    "second use",
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(Waiver {
        id: id?.value,
        rule: rule?.value,
        order: order.map(|o| o.value),
        party: party.map(|p| p.value),
        path: path.map(|p| p.value),
        entries: entries
            .into_iter()
            .map(|e| e.value.trim().to_string())
            .collect(),
        reason: reason?.value,
        approver: approver?.value,
        date: decided?.value,
        expires: expires?.value,
        line: file.line_col(span.start).0,
    })
}
