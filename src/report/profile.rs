//! The rule profile of a run (`check --profile FILE`): a table for people, JSON for scripts.
//!
//! Rules are listed dearest first, ties (and a run too short to time) by rule id, so that the
//! same counts give the same rows in the same order. The times vary from run to run and with
//! the thread count; the counts do not.

use crate::engine::{Profile, RuleCost};

/// Version of the JSON form: raised when a field changes meaning or goes away.
pub const PROFILE_VERSION: u32 = 1;

/// The rules of `profile`, dearest first.
fn dearest_first(profile: &Profile) -> Vec<&RuleCost> {
    let mut rules: Vec<&RuleCost> = profile.rules.iter().collect();
    rules.sort_by(|a, b| {
        b.nanos
            .cmp(&a.nanos)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
    });
    rules
}

/// Milliseconds with one decimal.
fn millis(nanos: u64) -> String {
    let tenths = nanos / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Share of `total`, as a percentage with one decimal (0.0 of nothing).
fn share(part: u64, total: u64) -> String {
    let tenths = u128::from(part)
        .saturating_mul(1000)
        .checked_div(u128::from(total))
        .unwrap_or(0);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The table: one row per rule, then the whole run.
pub fn render_table(profile: &Profile) -> String {
    let headers = [
        "rule",
        "time ms",
        "share %",
        "µs/order",
        "orders",
        "evaluated",
        "from memo",
        "combinations",
        "findings",
    ];
    let rules_total: u64 = profile
        .rules
        .iter()
        .fold(0u64, |sum, r| sum.saturating_add(r.nanos));
    let mut rows: Vec<[String; 9]> = dearest_first(profile)
        .into_iter()
        .map(|r| {
            [
                r.rule_id.clone(),
                millis(r.nanos),
                share(r.nanos, profile.nanos),
                per_order(r.nanos, r.orders),
                r.orders.to_string(),
                r.evaluated.to_string(),
                r.from_memo.to_string(),
                r.combinations.to_string(),
                r.findings.to_string(),
            ]
        })
        .collect();
    let sum = |f: fn(&RuleCost) -> u64| {
        profile
            .rules
            .iter()
            .fold(0u64, |total, r| total.saturating_add(f(r)))
    };
    rows.push([
        "(all rules)".into(),
        millis(rules_total),
        share(rules_total, profile.nanos),
        per_order(rules_total, profile.orders),
        profile.orders.to_string(),
        sum(|r| r.evaluated).to_string(),
        sum(|r| r.from_memo).to_string(),
        sum(|r| r.combinations).to_string(),
        sum(|r| r.findings).to_string(),
    ]);
    let screening = profile.screening;
    rows.push([
        format!("(screening {} parties)", screening.parties),
        millis(screening.nanos),
        share(screening.nanos, profile.nanos),
        per_order(screening.nanos, profile.orders),
        profile.orders.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    let besides = profile
        .nanos
        .saturating_sub(rules_total)
        .saturating_sub(screening.nanos);
    rows.push([
        "(rest of judging)".into(),
        millis(besides),
        share(besides, profile.nanos),
        per_order(besides, profile.orders),
        profile.orders.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    let mut widths = headers.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            if i == 0 {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str("  ");
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&headers.map(String::from));
    for row in &rows {
        line(row);
    }
    out.push_str(concat!(
        "\n",
        "time: judging each rule, summed over threads; screening parties against the lists (each\n",
        "  distinct party once per order, for whichever rule asks first) is counted apart.\n",
        "  evaluated: conditions worked out; from memo: conditions answered from what the order's\n",
        "  other rules or combinations found; combinations: those not ruled out while walking.\n",
        "  The counts are the same for any thread count; the times are not.\n",
    ));
    out
}

/// Microseconds per order with one decimal.
fn per_order(nanos: u64, orders: u64) -> String {
    let tenths = nanos.checked_div(orders).unwrap_or(0) / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The JSON form: `{"profile_version", "orders", "nanos", "screening", "rules": [...]}`, rules
/// dearest first.
pub fn render_json(profile: &Profile) -> String {
    let document = serde_json::json!({
        "profile_version": PROFILE_VERSION,
        "orders": profile.orders,
        "nanos": profile.nanos,
        "screening": profile.screening,
        "rules": dearest_first(profile),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
