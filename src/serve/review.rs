//! The held orders: the queue, one order's history, and reviewers' decisions.
//!
//! An order is a client's order id (two ERPs may use the same ids): `/v1/orders/{id}` names
//! the client with `?client=NAME`, which may be left out only while one client has sent that
//! id; when several have, the request is refused with the list of them, never answered for one
//! of them picked by the server.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value as Json_};

use super::auth::{Bearer, Caller, Role};
use super::{blocking, ApiError, Shared};
use crate::store::{
    releases_needed, Action, AuditRow, Decided, NewDecision, OrderHistory, OrderState, QueueFilter,
};

/// Filters of `GET /v1/queue`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// Only orders with this verdict (`hold`, `block`, `error`).
    pub verdict: Option<String>,
    /// Only orders with a finding of this rule.
    pub rule: Option<String>,
    /// At most this many (default and cap 1000).
    pub limit: Option<usize>,
}

/// Which client's order `{id}` is.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct OrderQuery {
    /// The client that sent the order (the `client` of the queue's entries); required when
    /// more than one client has sent an order with this id.
    pub client: Option<String>,
}

/// A decision, as posted.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `release`, `confirm` or `escalate`.
    pub action: String,
    /// Why; required for a release, kept for auditors.
    #[serde(default)]
    pub reason: String,
    /// The judgement (trail row) the reviewer looked at, required for a release; if the order
    /// was judged again since, the decision is refused.
    pub judgement: Option<i64>,
}

/// An order's state as JSON.
pub fn state_json(s: &OrderState) -> Json_ {
    json!({
        "order": s.order_id,
        "client": s.client,
        "status": s.status.as_str(),
        "verdict": s.verdict,
        "rules": s.rules,
        "judgement": s.latest_seq,
        "releases": s.releases,
        "releases_needed": releases_needed(&s.verdict),
    })
}

/// A trail row as JSON, its body parsed.
pub fn row_json(r: &AuditRow) -> Json_ {
    r.to_json()
}

fn history_json(h: &OrderHistory) -> Json_ {
    let judgements: Vec<Json_> = h
        .rows
        .iter()
        .filter(|r| r.kind == "judgement")
        .rev()
        .map(row_json)
        .collect();
    let decisions: Vec<Json_> = h
        .rows
        .iter()
        .filter(|r| r.kind == "decision")
        .map(row_json)
        .collect();
    let (latest, earlier) = match judgements.split_first() {
        Some((latest, earlier)) => (latest.clone(), earlier.to_vec()),
        None => (Json_::Null, Vec::new()),
    };
    json!({
        "state": state_json(&h.state),
        "latest": latest,
        "earlier": earlier,
        "decisions": decisions,
    })
}

/// Orders awaiting a decision.
#[utoipa::path(get, path = "/v1/queue", tag = "review", params(QueueQuery),
    responses((status = 200, description = "Orders at or above `hold` awaiting a decision, oldest judgement first")),
    security(("token" = [])))]
pub async fn queue(
    State(app): State<Shared>,
    Bearer(caller): Bearer,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Json_>, ApiError> {
    caller.require(Role::Reviewer)?;
    let filter = QueueFilter {
        verdict: q.verdict,
        rule: q.rule,
        limit: q.limit.unwrap_or(crate::store::QUEUE_CAP),
    };
    let store = app.store.clone();
    let states = blocking(move || Ok(store.queue(&filter)?)).await?;
    Ok(Json(
        json!({"orders": states.iter().map(state_json).collect::<Vec<_>>()}),
    ))
}

/// One order: the latest judgement, earlier ones, and decisions.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "review",
    params(("id" = String, Path, description = "The order id"), OrderQuery),
    responses((status = 200, description = "The order's state, latest judgement, earlier judgements and decisions"),
        (status = 404, description = "No such order has been judged (for this client)"),
        (status = 409, description = "More than one client has sent an order with this id and `client` does not say which: `detail.clients` lists them")),
    security(("token" = [])))]
pub async fn order(
    State(app): State<Shared>,
    Bearer(caller): Bearer,
    Path(id): Path<String>,
    Query(q): Query<OrderQuery>,
) -> Result<Json<Json_>, ApiError> {
    caller.require(Role::Reviewer)?;
    let history = load_order(&app, id, q.client).await?;
    Ok(Json(history_json(&history)))
}

/// The client whose order `id` is: the one named, or the only one that sent that id; 404 when
/// none did, 409 listing them when several did (a guess could show or decide another client's
/// order).
pub async fn resolve_client(
    app: &Shared,
    id: &str,
    client: Option<String>,
) -> Result<String, ApiError> {
    if let Some(client) = client {
        return Ok(client);
    }
    let store = app.store.clone();
    let wanted = id.to_string();
    let clients = blocking(move || Ok(store.clients(&wanted)?)).await?;
    match clients.as_slice() {
        [] => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no order `{id}` has been judged"),
        )),
        [only] => Ok(only.clone()),
        several => {
            let names: Vec<String> = several.iter().map(|c| format!("`{c}`")).collect();
            Err(ApiError {
                status: StatusCode::CONFLICT,
                message: format!(
                    "{} clients sent an order `{id}` ({}): name the client with `?client=NAME`",
                    several.len(),
                    names.join(", ")
                ),
                detail: Some(json!({ "clients": several })),
            })
        }
    }
}

/// Reads one order's history; 404 when it was never judged, 409 when the client is needed.
pub async fn load_order(
    app: &Shared,
    id: String,
    client: Option<String>,
) -> Result<OrderHistory, ApiError> {
    let client = resolve_client(app, &id, client).await?;
    let store = app.store.clone();
    let missing = format!("no order `{id}` of client `{client}` has been judged");
    blocking(move || Ok(store.order(&client, &id)?))
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, missing))
}

/// Records a decision by `caller` (shared with the review page).
pub async fn record_decision(
    app: &Shared,
    caller: &Caller,
    id: String,
    client: Option<String>,
    request: DecisionRequest,
) -> Result<Decided, ApiError> {
    caller.require(Role::Reviewer)?;
    let action = Action::parse(&request.action).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is not a decision: use release, confirm or escalate",
                request.action
            ),
        )
    })?;
    if action == Action::Release && request.judgement.is_none() {
        // A release answers one judgement: one made since (a list changed) must be reviewed anew.
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a release names the judgement it answers: send `judgement`, the `state.judgement` of GET /v1/orders/{id}",
        ));
    }
    let client = resolve_client(app, &id, client).await?;
    let decision = NewDecision {
        client,
        order_id: id,
        action,
        reviewer: caller.name.clone(),
        reason: request.reason,
        judgement_seq: request.judgement,
    };
    let store = app.store.clone();
    let decided = blocking(move || Ok(store.decide(decision)?)).await?;
    tracing::info!(order = %decided.state.order_id, client = %decided.state.client, action = action.as_str(), reviewer = %caller.name, seq = decided.seq, "decision recorded");
    Ok(decided)
}

/// Records a decision: `release` (a block needs two different reviewers), `confirm`, `escalate`.
#[utoipa::path(post, path = "/v1/orders/{id}/decisions", tag = "review",
    params(("id" = String, Path, description = "The order id"), OrderQuery),
    request_body = DecisionRequest,
    responses((status = 201, description = "Recorded (durably) in the trail; the order's new state"),
        (status = 404, description = "No such order (for this client)"),
        (status = 409, description = "Not awaiting a decision, judged again since, the same reviewer releasing twice, a reviewer releasing an order it sent as a client, or more than one client has sent an order with this id and `client` does not say which (`detail.clients` lists them)"),
        (status = 422, description = "Unknown action, or a release without a reason")),
    security(("token" = [])))]
pub async fn decide(
    State(app): State<Shared>,
    Bearer(caller): Bearer,
    Path(id): Path<String>,
    Query(q): Query<OrderQuery>,
    Json(request): Json<DecisionRequest>,
) -> Result<(StatusCode, Json<Json_>), ApiError> {
    let decided = record_decision(&app, &caller, id, q.client, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"seq": decided.seq, "hash": decided.hash, "state": state_json(&decided.state)}),
        ),
    ))
}
