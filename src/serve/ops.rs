//! Operations: health, readiness, metrics, the OpenAPI document, and reload.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value as Json_};

use super::auth::{Bearer, Role};
use super::loaded::{self, diagnostics_json};
use super::{blocking, ApiError, App, Shared};

/// Alive (no authentication).
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "The process answers")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready to judge and record (no authentication): a pack is loaded and the store answers.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, description = "Ready"), (status = 503, description = "The store does not answer")))]
pub async fn readyz(State(app): State<Shared>) -> Response {
    let store = app.store.clone();
    match blocking(move || Ok(store.ping()?)).await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", e.message),
        )
            .into_response(),
    }
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, description = "Prometheus text exposition format")), security(("token" = [])))]
pub async fn metrics(State(app): State<Shared>, Bearer(_): Bearer) -> Response {
    app.metrics.read_costs(&app.current());
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}

/// The OpenAPI 3.1 document of this interface.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, description = "OpenAPI 3.1")), security(("token" = [])))]
pub async fn openapi(Bearer(_): Bearer) -> Json<Json_> {
    Json(super::openapi::document())
}

/// What a reload did, as JSON.
pub fn loaded_json(l: &loaded::Loaded) -> Json_ {
    let pack = l.engine.pack();
    json!({
        "pack": {"name": pack.name, "version": pack.version, "origin": l.origin, "sha256": pack.digest, "rules": pack.rules.len()},
        "lists": l.screening.iter().map(|s| json!({"name": s.name, "file": s.file, "sha256": s.digest, "entries": s.entries})).collect::<Vec<_>>(),
        "warnings": l.warnings,
    })
}

/// Reads the pack and lists again and puts them in force if they load in full and, unless
/// `allow_shrink`, take nothing away from the gate in force (`loaded::narrowing`); otherwise
/// the running ones stay and the answer says why. Shared by the endpoint and SIGHUP, which
/// never allows a shrink: a list cut short by a failed download loads cleanly, and a signal
/// cannot say that the shrink was meant.
pub async fn reload_now(app: &Arc<App>, allow_shrink: bool) -> Result<Json_, ApiError> {
    let _one_at_a_time = app.reloading.lock().await;
    let (rules, lists, cache) = (app.rules.clone(), app.lists.clone(), app.list_cache.clone());
    let outcome =
        blocking(move || Ok(loaded::load(rules.as_deref(), &lists, cache.as_deref()))).await?;
    match outcome {
        Ok(fresh) => {
            let in_force = app.current();
            let narrowing = loaded::narrowing(&in_force, &fresh);
            if !narrowing.is_empty() && !allow_shrink {
                app.metrics.reload(false);
                tracing::warn!(
                    narrowing = ?narrowing,
                    "reload refused: it would narrow the gate; the running pack stays"
                );
                let mut error = ApiError::new(
                    StatusCode::CONFLICT,
                    "the new pack or lists would take rules or entries away from the gate; the \
                     running ones stay in force (reload with `?allow_shrink=true` if that is meant)",
                );
                error.detail = Some(json!({
                    "narrowing": narrowing,
                    "in_force": loaded_json(&in_force),
                    "refused": loaded_json(&fresh),
                }));
                return Err(error);
            }
            if !narrowing.is_empty() {
                tracing::warn!(narrowing = ?narrowing, "reload narrows the gate, as allowed");
            }
            let body = loaded_json(&fresh);
            app.metrics.set_pack(&fresh);
            let fresh = Arc::new(fresh);
            match app.loaded.write() {
                Ok(mut slot) => *slot = fresh,
                Err(poisoned) => *poisoned.into_inner() = fresh,
            }
            app.metrics.reload(true);
            tracing::info!(pack = %body["pack"]["sha256"], "reloaded");
            Ok(json!({"reloaded": true, "in_force": body}))
        }
        Err(diagnostics) => {
            app.metrics.reload(false);
            tracing::warn!(
                problems = diagnostics.len(),
                "reload failed; the running pack stays"
            );
            let mut error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the pack or a list failed to load; the running ones stay in force",
            );
            error.detail = Some(json!({
                "diagnostics": diagnostics_json(&diagnostics),
                "in_force": loaded_json(&app.current()),
            }));
            Err(error)
        }
    }
}

/// The reload endpoint's query.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReloadQuery {
    /// Put in force a pack or lists that take rules or entries away from the gate in force
    /// (a rule removed or made less severe, a list gone or more than 5 % shorter).
    #[serde(default)]
    pub allow_shrink: bool,
}

/// Reloads the pack and lists (admin).
#[utoipa::path(post, path = "/v1/admin/reload", tag = "ops", params(ReloadQuery),
    responses((status = 200, description = "The new pack and lists are in force"),
        (status = 409, description = "They would take rules or entries away from the gate and `allow_shrink` was not given; the running ones stay, with what would be lost"),
        (status = 422, description = "They failed to load; the running ones stay, with the diagnostics")),
    security(("token" = [])))]
pub async fn reload(
    State(app): State<Shared>,
    Bearer(caller): Bearer,
    Query(query): Query<ReloadQuery>,
) -> Result<Json<Json_>, ApiError> {
    caller.require(Role::Admin)?;
    reload_now(&app, query.allow_shrink).await.map(Json)
}
