//! The review page for compliance officers: sign in, the queue, one order with its findings and
//! evidence (the HTML report's own rendering, kept with the judgement), and the decision forms.
//!
//! Server-rendered HTML with no script at all; every value is escaped, the policy forbids
//! scripts and foreign form targets, every form carries the session's CSRF token, and the
//! session cookie is HttpOnly and SameSite=Strict.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::auth::{Caller, Role, Session, SESSION_COOKIE, SESSION_SECONDS};
use super::review::{load_order, record_decision, DecisionRequest, OrderQuery, QueueQuery};
use super::{blocking, ApiError, Shared};
use crate::report::html::{esc, style};
use crate::store::{releases_needed, QueueFilter};

const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const EXTRA_STYLE: &str = "
form.decide{display:grid;gap:8px;max-width:640px}
form.decide textarea{min-height:70px;font:inherit;padding:6px}
form.inline{display:inline}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.actions button,form button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid var(--line);background:#fff;cursor:pointer}
button.release{border-color:var(--clear)}button.confirm{border-color:var(--block)}button.escalate{border-color:var(--review)}
.flash{padding:8px 12px;border-radius:6px;background:#eef6ee;border:1px solid var(--clear)}
.flash.error{background:#fbeeee;border-color:var(--block)}
table.queue td a{font-weight:600}
header.top .who{float:right;color:#c9d1e0;font-size:13px}
header.top .who button{background:none;border:0;color:#fff;text-decoration:underline;cursor:pointer;font:inherit}
";

fn page(title: &str, caller: Option<(&Caller, &str)>, body: &str) -> String {
    let who = match caller {
        Some((c, csrf)) => format!(
            "<span class=\"who\">{} · <form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">sign out</button></form></span>",
            esc(&c.name),
            esc(csrf)
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · redflag review</title>\n<style>{}{}</style>\n</head>\n<body>\n<header class=\"top\">{who}<h1>redflag review</h1><p class=\"sub\">held orders and decisions · redflag {}</p><nav><a href=\"/\">Queue</a></nav></header>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        esc(title),
        style(),
        EXTRA_STYLE,
        env!("CARGO_PKG_VERSION")
    )
}

fn html(status: StatusCode, text: String) -> Response {
    let mut response = (status, Html(text)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

fn error_page(caller: Option<(&Caller, &str)>, e: &ApiError) -> Response {
    html(
        e.status,
        page(
            "error",
            caller,
            &format!("<section><p class=\"flash error\">{}</p><p><a href=\"/\">Back to the queue</a></p></section>", esc(&e.message)),
        ),
    )
}

/// The page of a client's order; every link names the client, since another client may send
/// the same id at any time.
fn order_link(id: &str, client: &str) -> String {
    format!(
        "/orders/{}?client={}",
        utf8_percent_encode(id, NON_ALPHANUMERIC),
        utf8_percent_encode(client, NON_ALPHANUMERIC)
    )
}

/// Where the decision form of a client's order posts.
fn decide_link(id: &str, client: &str) -> String {
    format!(
        "/orders/{}/decide?client={}",
        utf8_percent_encode(id, NON_ALPHANUMERIC),
        utf8_percent_encode(client, NON_ALPHANUMERIC)
    )
}

/// An order id that several clients sent, asked for without a client: a link to each.
fn choose_client_page(caller: (&Caller, &str), id: &str, e: &ApiError) -> Option<Response> {
    let clients = e.detail.as_ref()?.get("clients")?.as_array()?;
    let links: String = clients
        .iter()
        .filter_map(|c| c.as_str())
        .map(|c| {
            format!(
                "<li><a href=\"{}\">order {} of client {}</a></li>",
                esc(&order_link(id, c)),
                esc(id),
                esc(c)
            )
        })
        .collect();
    Some(html(
        e.status,
        page(
            "which client?",
            Some(caller),
            &format!(
                "<section><p class=\"flash error\">{}</p><ul>{links}</ul></section>",
                esc(&e.message)
            ),
        ),
    ))
}

/// The sign-in form.
pub async fn login_form() -> Response {
    html(StatusCode::OK, page("sign in", None, &login_body(None)))
}

fn login_body(problem: Option<&str>) -> String {
    let flash = problem.map_or(String::new(), |p| {
        format!("<p class=\"flash error\">{}</p>", esc(p))
    });
    format!(
        "<section><h2>Sign in</h2>{flash}<form class=\"decide\" method=\"post\" action=\"/login\"><label>Reviewer token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required></label><div class=\"actions\"><button type=\"submit\">Sign in</button></div></form></section>"
    )
}

/// The sign-in form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    token: String,
}

/// Signs a reviewer in: a valid token with the reviewer role gets a session cookie.
pub async fn login(State(app): State<Shared>, Form(form): Form<LoginForm>) -> Response {
    let Some(caller) = app.auth.by_token(form.token.trim()) else {
        return html(
            StatusCode::UNAUTHORIZED,
            page(
                "sign in",
                None,
                &login_body(Some("that token is not known")),
            ),
        );
    };
    if caller.require(Role::Reviewer).is_err() {
        return html(
            StatusCode::FORBIDDEN,
            page(
                "sign in",
                None,
                &login_body(Some("that token has no reviewer role")),
            ),
        );
    }
    let session = match app.auth.session_for(&caller) {
        Ok(s) => s,
        Err(e) => return error_page(None, &ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e)),
    };
    let secure = if app.auth.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}");
    let mut response = redirect("/");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// A form with only its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Signs out: the session is recorded as signed out in the store, so a copy of its cookie
/// (another browser, a proxy's log) no longer signs in on any instance, and the cookie is
/// cleared. If the store cannot record it, the page says so: the session is then still open.
pub async fn logout(
    State(app): State<Shared>,
    Session(caller): Session,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(caller) = &caller {
        if !app.auth.csrf_ok(caller, &form.csrf) {
            return error_page(
                None,
                &ApiError::new(
                    StatusCode::FORBIDDEN,
                    "the form's CSRF token is not this session's",
                ),
            );
        }
        if let (Some(nonce), Some(until)) = (caller.session_nonce.clone(), caller.session_until) {
            let store = app.store.clone();
            let revoked = blocking(move || Ok(store.revoke_session(&nonce, until)?)).await;
            if let Err(e) = revoked {
                let csrf = app.auth.csrf_for(caller);
                return error_page(
                    Some((caller, &csrf)),
                    &ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!(
                            "could not sign out, so the session stays open until it expires or you sign out again: {}",
                            e.message
                        ),
                    ),
                );
            }
        }
    }
    let mut response = redirect("/login");
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("redflag_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}

/// The queue, with filters.
pub async fn queue(
    State(app): State<Shared>,
    Session(caller): Session,
    Query(q): Query<QueueQuery>,
) -> Response {
    let Some(caller) = caller.filter(|c| c.roles.contains(&Role::Reviewer)) else {
        return redirect("/login");
    };
    let csrf = app.auth.csrf_for(&caller);
    let filter = QueueFilter {
        verdict: q.verdict.clone().filter(|v| !v.is_empty()),
        rule: q.rule.clone().filter(|r| !r.is_empty()),
        limit: crate::store::QUEUE_CAP,
    };
    let store = app.store.clone();
    let states = match blocking(move || Ok(store.queue(&filter)?)).await {
        Ok(s) => s,
        Err(e) => return error_page(Some((&caller, &csrf)), &e),
    };
    let verdict = q.verdict.unwrap_or_default();
    let options: String = ["", "block", "hold", "error"]
        .iter()
        .map(|v| {
            format!(
                "<option value=\"{v}\"{}>{}</option>",
                if *v == verdict { " selected" } else { "" },
                if v.is_empty() { "any verdict" } else { v }
            )
        })
        .collect();
    let mut body = format!(
        "<section id=\"queue\"><h2>Awaiting a decision ({})</h2><form method=\"get\" action=\"/\" class=\"actions\"><select name=\"verdict\">{options}</select><input name=\"rule\" placeholder=\"rule id\" value=\"{}\"><button type=\"submit\">Filter</button></form>",
        states.len(),
        esc(&q.rule.unwrap_or_default())
    );
    if states.is_empty() {
        body.push_str("<p>No order is awaiting a decision.</p>");
    } else {
        body.push_str("<table class=\"queue\"><tr><th>Order</th><th>Client</th><th>Verdict</th><th>Status</th><th>Rules</th><th>Releases</th></tr>");
        for s in &states {
            body.push_str(&format!(
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td><span class=\"badge b-{v}\">{v}</span></td><td>{}</td><td>{}</td><td>{} of {}</td></tr>",
                esc(&order_link(&s.order_id, &s.client)),
                esc(&s.order_id),
                esc(&s.client),
                s.status.as_str(),
                s.rules.iter().map(|r| format!("<code>{}</code>", esc(r))).collect::<Vec<_>>().join(" "),
                s.releases.len(),
                releases_needed(&s.verdict),
                v = esc(&s.verdict),
            ));
        }
        body.push_str("</table>");
    }
    body.push_str("</section>");
    html(StatusCode::OK, page("queue", Some((&caller, &csrf)), &body))
}

/// Which client's order (`?client=`), and what `?done=` says after a decision.
#[derive(Debug, serde::Deserialize)]
pub struct Flash {
    client: Option<String>,
    done: Option<String>,
}

/// One order: its state, the latest judgement as the HTML report renders it, the history, and
/// the decision form.
pub async fn order(
    State(app): State<Shared>,
    Session(caller): Session,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let Some(caller) = caller.filter(|c| c.roles.contains(&Role::Reviewer)) else {
        return redirect("/login");
    };
    let csrf = app.auth.csrf_for(&caller);
    let history = match load_order(&app, id.clone(), flash.client).await {
        Ok(h) => h,
        Err(e) => {
            return choose_client_page((&caller, &csrf), &id, &e)
                .unwrap_or_else(|| error_page(Some((&caller, &csrf)), &e))
        }
    };
    let s = &history.state;
    let mut body = String::new();
    if let Some(done) = flash.done {
        body.push_str(&format!("<p class=\"flash\">{} recorded.</p>", esc(&done)));
    }
    body.push_str(&format!(
        "<section id=\"state\"><h2>Order {}</h2><dl class=\"meta\"><dt>client</dt><dd>{}</dd><dt>status</dt><dd>{}</dd><dt>verdict</dt><dd><span class=\"badge b-{v}\">{v}</span></dd><dt>releases</dt><dd>{} of {} needed{}</dd><dt>judgement</dt><dd>row {}</dd></dl></section>",
        esc(&s.order_id),
        esc(&s.client),
        s.status.as_str(),
        s.releases.len(),
        releases_needed(&s.verdict),
        if s.releases.is_empty() { String::new() } else { format!(" ({})", esc(&s.releases.join(", "))) },
        s.latest_seq,
        v = esc(&s.verdict),
    ));
    if s.status.awaiting() {
        body.push_str(&format!(
            "<section id=\"decide\"><h2>Decide</h2><form class=\"decide\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"judgement\" value=\"{}\"><label>Reason (required to release; auditors read it)<br><textarea name=\"reason\"></textarea></label><div class=\"actions\"><button class=\"release\" type=\"submit\" name=\"action\" value=\"release\">Release</button><button class=\"confirm\" type=\"submit\" name=\"action\" value=\"confirm\">Confirm block</button><button class=\"escalate\" type=\"submit\" name=\"action\" value=\"escalate\">Escalate</button></div></form></section>",
            esc(&decide_link(&s.order_id, &s.client)),
            esc(&csrf),
            s.latest_seq
        ));
    }
    body.push_str("<section id=\"orders\"><h2>Latest judgement</h2>");
    match &history.latest_html {
        // Rendered by the HTML report when judged; its digest was checked against the trail.
        Some(fragment) => body.push_str(fragment),
        None => body.push_str("<p class=\"flash error\">The rendering of this judgement is missing or does not match the audit trail; see the JSON at <code>/v1/orders/…</code> and run <code>redflag audit verify</code>.</p>"),
    }
    body.push_str("</section><section id=\"history\"><h2>History</h2><table><tr><th>Row</th><th>When</th><th>What</th><th>Who</th><th>Detail</th></tr>");
    for row in &history.rows {
        let b: serde_json::Value = serde_json::from_str(&row.body).unwrap_or_default();
        let text = |k: &str| b.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let (what, who, detail) = if row.kind == "decision" {
            (text("action"), text("reviewer"), text("reason"))
        } else {
            (
                format!("judged {}", text("verdict")),
                text("client"),
                format!("pack {}", text("pack_sha256").get(..12).unwrap_or("")),
            )
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            row.seq,
            esc(&row.at),
            esc(&what),
            esc(&who),
            esc(&detail)
        ));
    }
    body.push_str("</table></section>");
    html(
        StatusCode::OK,
        page(&s.order_id, Some((&caller, &csrf)), &body),
    )
}

/// The decision form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct DecideForm {
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
    judgement: Option<i64>,
}

/// Records a decision from the page.
pub async fn decide(
    State(app): State<Shared>,
    Session(caller): Session,
    Path(id): Path<String>,
    Query(q): Query<OrderQuery>,
    Form(form): Form<DecideForm>,
) -> Response {
    let Some(caller) = caller else {
        return redirect("/login");
    };
    let csrf = app.auth.csrf_for(&caller);
    if !app.auth.csrf_ok(&caller, &form.csrf) {
        return error_page(
            Some((&caller, &csrf)),
            &ApiError::new(
                StatusCode::FORBIDDEN,
                "the form's CSRF token is not this session's; reload the page",
            ),
        );
    }
    let request = DecisionRequest {
        action: form.action.clone(),
        reason: form.reason,
        judgement: form.judgement,
    };
    match record_decision(&app, &caller, id.clone(), q.client, request).await {
        Ok(decided) => redirect(&format!(
            "{}&done={}",
            order_link(&id, &decided.state.client),
            utf8_percent_encode(&form.action, NON_ALPHANUMERIC)
        )),
        Err(e) => error_page(Some((&caller, &csrf)), &e),
    }
}
