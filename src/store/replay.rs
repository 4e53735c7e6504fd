//! The order states a trail implies, rebuilt row by row from the audit trail: what `audit
//! verify` compares the stored states with, and how one client's rows are told from
//! another's under one order id.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use super::*;

/// The order states a trail implies, keyed by client and order id.
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    /// Each order's state, by (client, order id).
    pub states: BTreeMap<(String, String), OrderState>,
    /// Each order id's client of its latest judgement: the state a row written before rows
    /// named their client moved (the id alone named it then).
    latest_client: HashMap<String, String>,
}

/// The order states a trail implies, replayed from its rows (what `audit verify` compares the
/// stored states with).
pub fn replay(rows: &[AuditRow]) -> Replayed {
    let mut replayed = Replayed::default();
    for row in rows {
        replay_row(&mut replayed, row);
    }
    replayed
}

/// Applies one trail row to replayed states. A row that cannot be read is skipped here; the
/// chain check reports it.
///
/// A judgement row moves its client's state; one without [`STATE_KEY`] was written when the
/// id alone named the state, so it moves the id's state whichever client's it was, as it did
/// then (which is also how the upgrade keyed the states it found: by the client of their latest
/// judgement). A decision row names the client whose state it moved; one without answered the
/// state of its id's latest judgement.
pub fn replay_row(replayed: &mut Replayed, row: &AuditRow) {
    if row.order_id.is_empty() {
        return;
    }
    let Ok(body) = serde_json::from_str::<Json>(&row.body) else {
        return;
    };
    let text = |k: &str| body.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let latest_client = replayed.latest_client.get(&row.order_id).cloned();
    match row.kind.as_str() {
        "judgement" => {
            // A row written before judgements named their order is replayed under the rule
            // then in force.
            let (order_sha256, carry) = match body.get("order_sha256") {
                Some(digest) => (
                    digest.as_str().unwrap_or("").to_string(),
                    Carry::SameOrderAndResult,
                ),
                None => (String::new(), Carry::SameResult),
            };
            let client = text("client");
            let j = NewJudgement {
                order_id: row.order_id.clone(),
                verdict: text("verdict"),
                rules: body
                    .get("rules")
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|r| r.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                result_sha256: text("result_sha256"),
                order_sha256,
                pack_sha256: String::new(),
                lists: Vec::new(),
                judgement: "null".into(),
                html: String::new(),
                client: client.clone(),
            };
            let own = (client.clone(), row.order_id.clone());
            let before = match latest_client {
                Some(previous) if body.get("state_key").is_none() => {
                    replayed.states.remove(&(previous, row.order_id.clone()))
                }
                _ => replayed.states.get(&own).cloned(),
            };
            let next = after_judgement_by(before.as_ref(), row, &j, carry);
            replayed.states.insert(own, next);
            replayed.latest_client.insert(row.order_id.clone(), client);
        }
        "decision" => {
            let client = match body.get("client") {
                Some(named) => named.as_str().unwrap_or("").to_string(),
                None => latest_client.unwrap_or_default(),
            };
            let key = (client.clone(), row.order_id.clone());
            let Some(state) = replayed.states.get(&key) else {
                return;
            };
            let d = NewDecision {
                client,
                order_id: row.order_id.clone(),
                action: Action::parse(&text("action")).unwrap_or(Action::Escalate),
                reviewer: text("reviewer"),
                reason: text("reason"),
                judgement_seq: body.get("judgement_seq").and_then(Json::as_i64),
            };
            if let Ok(next) = after_decision(state, &d) {
                replayed.states.insert(key, next);
            }
        }
        _ => {}
    }
}

/// One client's rows among the trail rows under an order id (oldest first): its judgements, and
/// the decisions on its state, by the rule [`replay_row`] reads them with.
pub fn rows_of_client(rows: Vec<AuditRow>, client: &str) -> Vec<AuditRow> {
    let mut latest = String::new();
    rows.into_iter()
        .filter(|row| {
            let body: Json = serde_json::from_str(&row.body).unwrap_or(Json::Null);
            let named = body.get("client").map(|c| c.as_str().unwrap_or(""));
            if row.kind == "judgement" {
                latest = named.unwrap_or("").to_string();
                latest == client
            } else {
                named.unwrap_or(&latest) == client
            }
        })
        .collect()
}
