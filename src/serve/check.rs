//! `POST /v1/check`: judge the orders of the body and answer the `redflag.check/1` report,
//! byte for byte what `redflag check --format json --input-format json -` (or `jsonl` for a
//! JSON Lines body) prints for the same body, pack and lists. Every judgement is appended to
//! the trail, with the digest of the order it judged, before the answer leaves.

use std::io::{self, Write};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as Json};

use super::auth::{Bearer, Role};
use super::{blocking, order_digest, ApiError, Shared};
use crate::findings::Judgement;
use crate::order::{self, InputFormat, Record};
use crate::pipeline::{run_check, run_check_inline, Source};
use crate::report::html::order_html;
use crate::report::json::{judgement_json, judgement_text, result_text, JsonReporter};
use crate::report::{Reporter, RunInfo, Summary};
use crate::store::{Idempotent, NewJudgement, Recorded};

/// Requests with at most this many orders are judged on the request's own thread.
const INLINE: usize = 32;

/// The longest `Idempotency-Key` kept.
const MAX_KEY: usize = 200;

/// The input format a content type names: JSON (one order or an array) by default, JSON Lines
/// for `application/x-ndjson`, `application/jsonl` or `application/json-lines`.
fn format_of(headers: &HeaderMap) -> Result<InputFormat, ApiError> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(InputFormat::Json);
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "" => Ok(InputFormat::Json),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" | "application/x-jsonlines" => {
            Ok(InputFormat::Jsonl)
        }
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("cannot read `{other}`: send application/json (an order or an array of orders) or application/x-ndjson (JSON Lines)"),
        )),
    }
}

/// The encoding the body's `charset` parameter names, when not UTF-8 (`None`: UTF-8, the
/// default of JSON). Before, the parameter was ignored: a body in windows-1251 gave one
/// unreadable record per order, whose names a reviewer could not read either.
fn charset_of(headers: &HeaderMap) -> Result<Option<&'static encoding_rs::Encoding>, ApiError> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("");
    let label = text.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_string())
    });
    let Some(label) = label else {
        return Ok(None);
    };
    match order::encoding_named(&label) {
        Some(encoding) if encoding == encoding_rs::UTF_8 => Ok(None),
        Some(encoding) => Ok(Some(encoding)),
        None => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "cannot read charset `{}`: send UTF-8, or name a WHATWG encoding label (windows-1251, windows-1252, utf-16le, gbk, shift_jis)",
                crate::report::escape::visible(&label)
            ),
        )),
    }
}

/// Wraps the JSON reporter and keeps what the trail needs of each judgement.
struct Recording {
    json: JsonReporter,
    kept: Vec<NewJudgement>,
    /// Each record's id and the digest of its order ([`order_digest::record_digests`]), in the
    /// records' order, which is the judgements' order.
    orders: Vec<(Option<String>, String)>,
    client: String,
    pack_sha256: String,
    lists: Vec<(String, String)>,
}

impl Reporter for Recording {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        self.json.begin(out, run)
    }

    fn judgement(&mut self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        self.json.judgement(out, j)?;
        let mut html = Vec::new();
        order_html(&mut html, 1, j)?;
        let mut rules: Vec<String> = j.findings.iter().map(|f| f.rule.id.clone()).collect();
        rules.sort();
        rules.dedup();
        // One judgement per record, in input order; a judgement that does not name its record's
        // id gets no order digest, so nothing decided before carries over to it.
        let order_sha256 = match self.orders.get(self.kept.len()) {
            Some((id, digest)) if *id == j.order_id => digest.clone(),
            _ => String::new(),
        };
        self.kept.push(NewJudgement {
            order_id: j.order_id.clone().unwrap_or_default(),
            verdict: j.verdict.as_str().to_string(),
            rules,
            // The result without where the record sat in the body, so the same order judged
            // the same way in another request has the same result.
            result_sha256: crate::digest::sha256_hex(result_text(j).as_bytes()),
            order_sha256,
            pack_sha256: self.pack_sha256.clone(),
            lists: self.lists.clone(),
            judgement: judgement_text(j),
            html: String::from_utf8_lossy(&html).into_owned(),
            client: self.client.clone(),
        });
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        self.json.finish(out, run, summary)
    }
}

fn answer(status: u16, body: Vec<u8>, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Judges the orders of the body.
#[utoipa::path(
    post,
    path = "/v1/check",
    tag = "check",
    request_body(content = String, description = "One order (a JSON object), an array of orders, or JSON Lines (`application/x-ndjson`)", content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "A retried request with the same key answers the stored result instead of judging again, while the pack and lists it was judged with are in force")),
    responses(
        (status = 200, description = "The `redflag.check/1` report, as `check --format json` gives it", content_type = "application/json"),
        (status = 400, description = "Malformed JSON, with the located diagnostics `check` gives"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The token lacks the `client` role"),
        (status = 408, description = "The request took longer than the time-out"),
        (status = 413, description = "The body is too large, or holds too many orders"),
        (status = 415, description = "Neither JSON nor JSON Lines, or a `charset` that names no known encoding"),
        (status = 422, description = "The Idempotency-Key was used for another request"),
        (status = 503, description = "The store failed: nothing was recorded, retry with the same key"),
    ),
    security(("token" = []))
)]
pub async fn check(
    State(app): State<Shared>,
    Bearer(caller): Bearer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Role::Client)?;
    let format = format_of(&headers)?;
    let charset = charset_of(&headers)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => {
            let key = value.to_str().unwrap_or("").trim().to_string();
            if key.is_empty() || key.len() > MAX_KEY {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("`Idempotency-Key` must be 1 to {MAX_KEY} visible ASCII characters"),
                ));
            }
            Some(key)
        }
    };
    // The same bytes in another charset are another request.
    let request_sha256 = {
        let mut bytes = match charset {
            None => format!("{format:?}\n"),
            Some(encoding) => format!("{format:?}; charset={}\n", encoding.name()),
        }
        .into_bytes();
        bytes.extend_from_slice(&body);
        crate::digest::sha256_hex(&bytes)
    };
    // Judged, kept and shown as UTF-8, decoded once here (a byte-order mark wins over the
    // charset). A byte the charset does not define becomes U+FFFD, which makes its record
    // unreadable (`O117`).
    let body = match charset {
        None => body,
        // A UTF-8 body named in another charset would turn a listed Cyrillic name into
        // letters no list holds (`check`'s `I012`).
        Some(encoding) if crate::order::input::misnamed_utf8(&body, encoding) => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "the body reads as UTF-8 with letters outside ASCII, which charset `{}` would turn into other letters: send it as UTF-8 without the charset",
                    encoding.name()
                ),
            ));
        }
        Some(encoding) => {
            let (text, _, _) = encoding.decode(&body);
            Bytes::from(text.into_owned())
        }
    };
    // What judges this request: a stored answer is replayed only if it was judged with the same.
    let loaded = app.current();
    let judged_with = loaded.judged_with();
    if let Some(key) = &key {
        let (store, client, key) = (app.store.clone(), caller.name.clone(), key.clone());
        if let Some(stored) = blocking(move || Ok(store.idempotent(&client, &key)?)).await? {
            // Judged with another pack or lists (a reload since, or another build): stale, so
            // the request is judged now, and the key answers that judgement from now on.
            if stored.request_sha256 != request_sha256 || stored.judged_with == judged_with {
                return replay(stored, &request_sha256);
            }
        }
    }
    let worker = app.clone();
    let client = caller.name.clone();
    let permit = app.judging.clone().acquire_owned().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        )
    })?;
    let (recorded, committed) = tokio::sync::oneshot::channel();
    let request_digest = request_sha256.clone();
    let (out, verdicts) = blocking(move || {
        let app = worker;
        let body_bytes = body.clone();
        let (records, digest) =
            order::from_reader_digested(io::Cursor::new(body), "-", format, None)
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
        let max = app.limits.max_orders;
        let records: Vec<Record> = records.take(max.saturating_add(1)).collect();
        if records.len() > max {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("more than {max} orders in one request; send them in several"),
            ));
        }
        let unreadable: Vec<Json> = records
            .iter()
            .filter(|r| match r {
                Record::Error(e) => e
                    .problems
                    .iter()
                    .any(|p| p.code == order::normalize::codes::UNREADABLE),
                Record::Order(_) => false,
            })
            .map(|r| judgement_json(&loaded.engine.judge(r)))
            .collect();
        if !unreadable.is_empty() {
            let mut error = ApiError::new(
                StatusCode::BAD_REQUEST,
                "the body is not well-formed JSON; nothing was judged or recorded",
            );
            error.detail = Some(json!({"orders": unreadable}));
            return Err(error);
        }
        let run = loaded.run();
        let orders = records
            .iter()
            .map(|r| match r {
                Record::Order(o) => Some(o.id.clone()),
                Record::Error(e) => e.order_id.clone(),
            })
            .zip(order_digest::record_digests(&body_bytes, format, &records))
            .collect();
        let mut recording = Recording {
            // Rendered per request: it names the day the orders were judged on.
            json: JsonReporter::document_after(JsonReporter::head(&run).into()),
            kept: Vec::new(),
            orders,
            client: client.clone(),
            pack_sha256: loaded.pack_sha256().to_string(),
            lists: loaded.list_digests(),
        };
        let mut out = Vec::new();
        let count = records.len();
        let source = Source {
            records: Box::new(records.into_iter().map(crate::order::Pending::Ready)),
            digest: Some(digest),
        };
        // A few orders are judged on this thread: handing them to the judging pool costs
        // more than judging them, and concurrent requests already keep every core busy.
        let written = if count <= INLINE {
            run_check_inline(&loaded.engine, &run, vec![source], &mut recording, &mut out)
        } else {
            run_check(
                &loaded.engine,
                &run,
                vec![source],
                &app.pool,
                &mut recording,
                &mut out,
            )
        };
        written.map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot write the report: {e}"),
            )
        })?;
        drop(permit);
        let verdicts: Vec<String> = recording.kept.iter().map(|j| j.verdict.clone()).collect();
        let idempotent = key.map(|key| Idempotent {
            client,
            key,
            request_sha256: request_digest,
            judged_with,
            status: 200,
            response: out.clone(),
        });
        app.store.record_check_then(
            recording.kept,
            idempotent,
            Box::new(move |outcome| {
                let _ = recorded.send(outcome);
            }),
        );
        Ok((out, verdicts))
    })
    .await?;
    let outcome = committed.await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the store stopped before recording the judgements; retry with the same key",
        )
    })?;
    match outcome? {
        Recorded::Appended(_) => {
            for v in &verdicts {
                app.metrics.verdict(v);
            }
            Ok(answer(200, out, false))
        }
        Recorded::Replayed(stored) => replay(stored, &request_sha256),
    }
}

fn replay(stored: Idempotent, request_sha256: &str) -> Result<Response, ApiError> {
    if stored.request_sha256 == request_sha256 {
        Ok(answer(stored.status, stored.response, true))
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`Idempotency-Key` `{}` was used for another request; use a new key for new orders",
                stored.key
            ),
        ))
    }
}
