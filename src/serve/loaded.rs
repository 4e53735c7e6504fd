//! The pack and lists a server judges with: loaded and validated in full before they are put in
//! force, so a reload that fails leaves the running ones in place.

use std::path::Path;

use crate::cli;
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::Engine;
use crate::report::{RunInfo, ScreeningInfo};
use crate::rules::Severity;

/// A loaded pack with its screening lists, ready to judge.
pub struct Loaded {
    /// The engine.
    pub engine: Engine,
    /// Where the pack came from, as reports name it.
    pub origin: String,
    /// The screening lists' provenance.
    pub screening: Vec<ScreeningInfo>,
    /// Warnings from loading (bad list rows, lists not given), one line each.
    pub warnings: Vec<String>,
}

impl Loaded {
    /// The run a request's report describes: the body is the input `-`, as if piped to
    /// `redflag check --format json -` with the same pack and lists.
    pub fn run(&self) -> RunInfo<'_> {
        let mut run = RunInfo::new(
            self.engine.pack(),
            self.origin.clone(),
            vec!["-".into()],
            Severity::Hold,
        );
        run.screening = self.screening.clone();
        run
    }

    /// The pack's digest.
    pub fn pack_sha256(&self) -> &str {
        &self.engine.pack().digest
    }

    /// Each screening list's name and digest.
    pub fn list_digests(&self) -> Vec<(String, String)> {
        self.screening
            .iter()
            .map(|l| (l.name.clone(), l.digest.clone()))
            .collect()
    }

    /// One digest of what judges with this load: the build (its fingerprint covers the version
    /// and every source file), the pack's digest and each list's name and digest. A stored
    /// answer to an `Idempotency-Key` is replayed only under the same; after a reload, or on
    /// another build, the request is judged again.
    pub fn judged_with(&self) -> String {
        let lists: Vec<serde_json::Value> = self
            .screening
            .iter()
            .map(|l| serde_json::json!([l.name, l.digest]))
            .collect();
        let text = serde_json::json!({
            "build": crate::screening::persist::build_fingerprint(),
            "pack": self.pack_sha256(),
            "lists": lists,
        })
        .to_string();
        crate::digest::sha256_hex(text.as_bytes())
    }
}

/// Loads the pack (`rules`, or the embedded one) and the lists, with every check `check` makes
/// before judging: a pack with errors, a list that cannot be read or has no entry in force
/// today, or a rule that screens against a list that was not loaded stops the load. The lists' index is read from the list
/// index cache `cache` when it holds one for the same lists and build, as `check` does.
pub fn load(
    rules: Option<&Path>,
    lists: &[String],
    cache: Option<&Path>,
) -> Result<Loaded, Diagnostics> {
    let (pack, files, pack_warnings) = cli::load_pack(rules.map(Path::to_path_buf).as_slice())?;
    let mut indexed = cli::load_indexed(lists, &pack, false, cache, cli::age_reference_day())?;
    let info = std::mem::take(&mut indexed.info);
    let list_warnings = std::mem::take(&mut indexed.warnings);
    // A server is a gate before shipment: an order's `ship_date` is a plan, no shipment. Its
    // rules' times and findings are kept for `/metrics`, which shows no counts of conditions,
    // so its threads may skip what their earlier orders taught them.
    let engine = indexed
        .engine(pack, None)
        .ship_dates(crate::engine::ShipDates::Planned)
        .with_profile()
        .remembering();
    let missing = engine.missing_screening_lists();
    if !missing.is_empty() {
        let mut acc = Diagnostics::new();
        for (rule, condition, list) in missing {
            acc.push(Diagnostic::error(
                "S003",
                format!("rule `{rule}` screens against list `{list}` (condition `{condition}`), which was not loaded"),
            ));
        }
        return Err(acc);
    }
    let mut warnings: Vec<String> = pack_warnings
        .iter()
        .chain(list_warnings.iter())
        .map(|d| format!("{}: {}", d.code(), d.message()))
        .collect();
    if info.is_empty() && !engine.pack().screening_rules().is_empty() {
        warnings.push(format!(
            "S004: no screening list was given, so parties are not screened by {}",
            engine.pack().screening_rules().join(", ")
        ));
    }
    Ok(Loaded {
        engine,
        origin: files.origin,
        screening: info,
        warnings,
    })
}

/// Diagnostics as JSON, for answers that say why a load failed.
pub fn diagnostics_json(diagnostics: &Diagnostics) -> serde_json::Value {
    diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "code": d.code(),
                "level": format!("{:?}", d.level()).to_lowercase(),
                "message": d.message(),
                "file": d.file_name(),
                "line": d.line_col().map(|(l, _)| l),
                "column": d.line_col().map(|(_, c)| c),
                "help": d.help(),
            })
        })
        .collect()
}

/// How much of a list a reload may drop unasked, in per cent of what is in force: lists lose
/// entries a few at a time as they are delisted, while a file cut short by a failed download
/// or copy (at a line boundary, so that every row left reads well) loses a block of them.
const SHRINK_TOLERANCE_PERCENT: usize = 5;

/// What putting `fresh` in force would take away from the gate `in_force` keeps, one sentence
/// each: a rule left out, a rule made less severe (or less severe when it cannot tell), a rule
/// that judges otherwise under the same id (`judging_text`), a pack
/// list gone or with a row in force gone or changed, and a screening list gone or shorter by
/// more than [`SHRINK_TOLERANCE_PERCENT`].
/// Each loads cleanly, which is why a reload asks for it to be confirmed
/// (`allow_shrink`) rather than taking it as the operator's intent.
pub fn narrowing(in_force: &Loaded, fresh: &Loaded) -> Vec<String> {
    let (old, new) = (in_force.engine.pack(), fresh.engine.pack());
    let mut out = Vec::new();
    for rule in &old.rules {
        match new.rules.iter().find(|r| r.id == rule.id) {
            None => out.push(format!("rule `{}` is no longer in the pack", rule.id)),
            Some(now) => {
                if now.severity < rule.severity {
                    out.push(format!(
                        "rule `{}` is `{}` instead of `{}`",
                        rule.id,
                        now.severity.as_str(),
                        rule.severity.as_str()
                    ));
                }
                if judging_text(now) != judging_text(rule) {
                    out.push(format!(
                        "rule `{}` judges otherwise than the one in force: its `for_each`, conditions, condition or escalations changed, and a condition may have been weakened",
                        rule.id
                    ));
                }
                if now.on_unknown < rule.on_unknown {
                    out.push(format!(
                        "rule `{}` is `{}` instead of `{}` when it cannot tell",
                        rule.id,
                        now.on_unknown.as_str(),
                        rule.on_unknown.as_str()
                    ));
                }
            }
        }
    }
    // A pack list is a short curated table whose every row stops orders (`KP` in
    // `embargoed`), so a row gone or changed is a narrowing however long the list: a row
    // replaced by another keeps the count and would pass a count.
    for (name, table) in &old.lists {
        match new.lists.get(name) {
            None => out.push(format!("pack list `{name}` is no longer loaded")),
            Some(now) => {
                let kept: std::collections::HashSet<&[String]> =
                    now.rows.iter().map(|r| r.cells.as_slice()).collect();
                let lost: Vec<&crate::rules::lists::ListRow> = table
                    .rows
                    .iter()
                    .filter(|r| !kept.contains(r.cells.as_slice()))
                    .collect();
                if let Some(first) = lost.first() {
                    let key = table
                        .columns
                        .iter()
                        .position(|c| *c == table.key)
                        .and_then(|i| first.cells.get(i))
                        .map_or("", String::as_str);
                    out.push(format!(
                        "pack list `{name}` no longer has {} of the {} rows in force as they were (the first: `{}` of line {})",
                        lost.len(),
                        table.rows.len(),
                        crate::report::escape::visible(key),
                        first.line
                    ));
                }
            }
        }
    }
    // A screening list loses a few entries to every delisting; only a larger cut is one.
    for list in &in_force.screening {
        let had = list.entries;
        let name = format!("screening list `{}`", list.name);
        match fresh.screening.iter().find(|l| l.name == list.name) {
            None => out.push(format!("{name} is no longer loaded")),
            Some(now) if shrinks(had, now.entries) => out.push(format!(
                "{name} has {} entries, against {had} in force (more than {SHRINK_TOLERANCE_PERCENT} % fewer)",
                now.entries
            )),
            Some(_) => {}
        }
    }
    out
}

/// What of a rule decides what it finds, as text: its variables, its conditions, its
/// condition and its escalations (not its title, message or references). Whether a change
/// narrows the gate cannot be told in general (`count_gt 0` for `count_gt 1`, a pattern that
/// reads less, a lower `min_score`), so any change counts. Paths are written as the rule wrote
/// them (a compiled path also holds look-up hints that judging moves) and operators as
/// [`crate::rules::model::Op::describe`] words them (a pack list's rows are compared on their own).
fn judging_text(rule: &crate::rules::model::Rule) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for binding in &rule.bindings {
        let sources: Vec<&str> = binding.sources.iter().map(|s| s.text.as_str()).collect();
        let _ = write!(out, "{}={sources:?}|", binding.name);
    }
    let _ = write!(out, "{}|{:?}|", rule.condition_text, rule.valid_from);
    for c in &rule.conditions {
        let op = c.op.describe(&|t| Some(t.text())).unwrap_or_default();
        let _ = write!(
            out,
            "{}:{}:{op}:{:?}:{:?}|",
            c.name,
            c.target.text(),
            c.quantifier,
            c.if_missing
        );
    }
    for e in &rule.escalations {
        let _ = write!(out, "{}:{:?}|", e.condition_text, e.severity);
    }
    out
}

/// Whether `has` entries are more than the tolerance fewer than `had`.
fn shrinks(had: usize, has: usize) -> bool {
    let lost = had.saturating_sub(has);
    lost.saturating_mul(100) > had.saturating_mul(SHRINK_TOLERANCE_PERCENT)
}

#[cfg(test)]
mod tests {
    use super::shrinks;

    #[test]
    fn a_list_may_lose_a_few_entries_but_not_a_block() {
        assert!(!shrinks(1000, 1000));
        assert!(!shrinks(1000, 1200));
        assert!(!shrinks(1000, 950));
        assert!(shrinks(1000, 949));
        assert!(shrinks(8, 7));
        assert!(shrinks(1, 0));
        assert!(!shrinks(0, 0));
    }
}
