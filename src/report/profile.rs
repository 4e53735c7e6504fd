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
            let counts = [r.evaluated, r.from_memo, r.combinations, r.findings];
            row(
                r.rule_id.clone(),
                r.nanos,
                r.orders,
                profile.nanos,
                Some(counts),
            )
        })
        .collect();
    let sum = |f: fn(&RuleCost) -> u64| {
        profile
            .rules
            .iter()
            .fold(0u64, |total, r| total.saturating_add(f(r)))
    };
    let counts = [
        sum(|r| r.evaluated),
        sum(|r| r.from_memo),
        sum(|r| r.combinations),
        sum(|r| r.findings),
    ];
    let (orders, whole) = (profile.orders, profile.nanos);
    rows.push(row(
        "(all rules)".into(),
        rules_total,
        orders,
        whole,
        Some(counts),
    ));
    let screening = profile.screening;
    let label = format!("(screening {} parties)", screening.parties);
    rows.push(row(label, screening.nanos, orders, whole, None));
    let rest = whole
        .saturating_sub(rules_total)
        .saturating_sub(screening.nanos);
    rows.push(row("(rest of judging)".into(), rest, orders, whole, None));
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

/// A row of the table: `label`, its time, its share of `whole`, its time per order over
/// `orders`, then `orders` and the `counts` (evaluated, from memo, combinations, findings;
/// empty cells for a row that counts none).
fn row(
    label: String,
    nanos: u64,
    orders: u64,
    whole: u64,
    counts: Option<[u64; 4]>,
) -> [String; 9] {
    let [evaluated, from_memo, combinations, findings] =
        counts.map_or_else(Default::default, |c| c.map(|n| n.to_string()));
    [
        label,
        millis(nanos),
        share(nanos, whole),
        per_order(nanos, orders),
        orders.to_string(),
        evaluated,
        from_memo,
        combinations,
        findings,
    ]
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
