//! `redflag serve`: the engine behind HTTP, for ERPs that vet orders as they are saved, with a
//! queue of held orders, reviewers' decisions and an append-only audit trail (see docs/serve.md).
//!
//! axum on tokio; judging runs in blocking tasks (at most one per core; a large request's
//! orders go on to a rayon pool), so the async threads only move bytes, and a request waits
//! for the store's commit without holding a thread. The pack and lists in force
//! ([`loaded::Loaded`]) sit behind one lock and are
//! swapped whole on reload; a request holds the `Arc` it started with.

pub mod auth;
pub mod check;
pub mod loaded;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod order_digest;
pub mod page;
pub mod review;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::store::Store;

/// Everything `serve` is started with.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rule pack directory; the embedded pack when `None`.
    pub rules: Option<PathBuf>,
    /// Screening lists, as `check --list` takes them.
    pub lists: Vec<String>,
    /// The list index cache (`check`'s): where the index of lists already seen is kept;
    /// `None` imports and indexes the lists afresh on every load.
    pub list_cache: Option<PathBuf>,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// SQLite file or PostgreSQL URL.
    pub db: String,
    /// Token file; without it a one-off token with every role is made and printed.
    pub auth: Option<PathBuf>,
    /// PEM certificate chain and key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Limits on requests.
    pub limits: Limits,
    /// Judging threads (0: all cores).
    pub threads: usize,
}

/// Limits on requests, each with its own clear answer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, bytes (413 beyond).
    pub max_body: usize,
    /// Most orders in one check (413 beyond).
    pub max_orders: usize,
    /// Longest a request may take (408 beyond).
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 8 * 1024 * 1024,
            max_orders: 10_000,
            timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
pub struct App {
    /// The pack and lists in force.
    pub loaded: RwLock<Arc<loaded::Loaded>>,
    /// Where judgements and decisions are kept.
    pub store: Arc<dyn Store>,
    /// Tokens and sessions.
    pub auth: auth::Auth,
    /// Prometheus metrics.
    pub metrics: metrics::Metrics,
    /// The judging threads.
    pub pool: rayon::ThreadPool,
    /// Requests judged at once, one per judging thread: more would only take turns on the
    /// same cores, each on a thread (and allocator heap) of its own.
    pub judging: Arc<tokio::sync::Semaphore>,
    /// Request limits.
    pub limits: Limits,
    /// What to read again on reload.
    pub rules: Option<PathBuf>,
    /// The lists to read again on reload.
    pub lists: Vec<String>,
    /// The list index cache a load reads and writes.
    pub list_cache: Option<PathBuf>,
    /// Serialises reloads (two at once would read the files twice for nothing).
    pub reloading: tokio::sync::Mutex<()>,
}

/// The handlers' state.
pub type Shared = Arc<App>;

impl App {
    /// The pack and lists in force now.
    pub fn current(&self) -> Arc<loaded::Loaded> {
        match self.loaded.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// An error answer: status and a JSON body `{"error": ..., "detail": ...}`.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// One sentence.
    pub message: String,
    /// More, when there is more (diagnostics).
    pub detail: Option<serde_json::Value>,
}

impl ApiError {
    /// An error with a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            detail: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message});
        if let (Some(detail), Some(map)) = (self.detail, body.as_object_mut()) {
            map.insert("detail".into(), detail);
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        use crate::store::StoreError;
        let status = match &e {
            StoreError::Backend(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %e, "store failed");
        }
        ApiError::new(status, e.to_string())
    }
}

/// Runs blocking work (judging, the store) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(outcome) => outcome,
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the request's work failed: {e}"),
        )),
    }
}

/// The whole HTTP interface.
pub fn router(app: Shared) -> axum::Router {
    use axum::routing::{get, post};
    let limits = app.limits;
    axum::Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .route("/v1/admin/reload", post(ops::reload))
        .route("/v1/check", post(check::check))
        .route("/v1/queue", get(review::queue))
        .route("/v1/orders/{id}", get(review::order))
        .route("/v1/orders/{id}/decisions", post(review::decide))
        .route("/", get(page::queue))
        .route("/login", get(page::login_form).post(page::login))
        .route("/logout", post(page::logout))
        .route("/orders/{id}", get(page::order))
        .route("/orders/{id}/decide", post(page::decide))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            metrics::track,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// Starts the server and runs until SIGTERM or Ctrl-C, then finishes the requests in flight.
/// `ready` is called with the bound address (the CLI prints it) once the server accepts.
pub fn serve(
    options: Options,
    auth: auth::Auth,
    ready: impl FnOnce(SocketAddr, bool),
) -> Result<(), String> {
    let loaded = loaded::load(
        options.rules.as_deref(),
        &options.lists,
        options.list_cache.as_deref(),
    )
    .map_err(|d| crate::cli::render_diagnostics(&d, false))?;
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let store: Arc<dyn Store> =
        Arc::from(crate::store::open(&options.db).map_err(|e| e.to_string())?);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .thread_name(|i| format!("redflag-judge-{i}"))
        .build()
        .map_err(|e| format!("cannot start judging threads: {e}"))?;
    let metrics = metrics::Metrics::new();
    metrics.set_pack(&loaded);
    let tls = match &options.tls {
        Some((cert, key)) => Some(tls::config(cert, key)?),
        None => None,
    };
    let mut auth = auth;
    auth.secure_cookies = tls.is_some();
    let app: Shared = Arc::new(App {
        loaded: RwLock::new(Arc::new(loaded)),
        store,
        auth,
        metrics,
        judging: Arc::new(tokio::sync::Semaphore::new(
            pool.current_num_threads().max(1),
        )),
        pool,
        limits: options.limits,
        rules: options.rules.clone(),
        lists: options.lists.clone(),
        list_cache: options.list_cache.clone(),
        reloading: tokio::sync::Mutex::new(()),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("redflag-http")
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let tcp = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
        let local = tcp.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(reload_on_hangup(app.clone()));
        let routes = router(app);
        ready(local, tls.is_some());
        tracing::info!(%local, tls = tls.is_some(), "listening");
        let served = match tls {
            Some(config) => {
                let listener = tls::TlsListener::new(tcp, config).map_err(|e| e.to_string())?;
                axum::serve(listener, routes)
                    .with_graceful_shutdown(shutdown())
                    .await
            }
            None => {
                axum::serve(tcp, routes)
                    .with_graceful_shutdown(shutdown())
                    .await
            }
        };
        served.map_err(|e| format!("the server failed: {e}"))?;
        tracing::info!("stopped: every request in flight was answered");
        Ok(())
    })
}

/// Resolves on SIGTERM or Ctrl-C: axum then stops accepting and waits for requests in flight.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// SIGHUP reloads the pack and lists, as `POST /v1/admin/reload` does.
async fn reload_on_hangup(app: Shared) {
    #[cfg(unix)]
    {
        let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hangup.recv().await.is_some() {
            if let Err(e) = ops::reload_now(&app, false).await {
                tracing::warn!(error = %e.message, detail = ?e.detail, "SIGHUP reload failed");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = app;
}
