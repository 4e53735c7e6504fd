//! Where `redflag serve` keeps what it decided: the append-only audit trail (judgements and
//! decisions, each row chained to the one before by SHA-256), the state of each order (derived
//! from the trail in the same transaction, so the queue needs no replay), and the answers to
//! requests that carried an `Idempotency-Key`.
//!
//! An order is a client's order id: the state is keyed by the client that sent it and its id,
//! so one client's order never moves another's (two ERPs with overlapping ids, or a client
//! sending a clean order under an id another client's block waits under, would otherwise clear
//! that block from the queue).
//!
//! Two backends sit behind [`Store`]: SQLite (embedded, the default; [`sqlite`]) and
//! PostgreSQL (shared by several servers; [`postgres`]). Both implement the same few primitive
//! operations inside one transaction ([`Tx`]); what a check or a decision does with them is
//! written once, here, so the backends cannot disagree on the rules (four eyes, releases tied
//! to the order and the result they answered, the chain).

pub mod chain;
pub mod postgres;
mod replay;
pub mod sqlite;

use serde_json::{json, Value as Json};

pub use chain::{row_hash, verify, Verification, GENESIS};
pub use replay::{replay, replay_row, rows_of_client, Replayed};

/// A store error: the database failed, or a request conflicts with the state it found.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or failed; nothing was acknowledged.
    #[error("store: {0}")]
    Backend(String),
    /// No such order (the text names it, and its client).
    #[error("no order {0} has been judged")]
    NotFound(String),
    /// The decision does not fit the order's state (stale judgement, four eyes, not awaiting).
    #[error("{0}")]
    Conflict(String),
    /// The request itself is unusable (an unknown action, a release without a reason).
    #[error("{0}")]
    Invalid(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Backend(e.to_string())
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> StoreError {
        StoreError::Backend(e.to_string())
    }
}

/// One row of the audit trail, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Position in the trail, from 1, without gaps.
    pub seq: i64,
    /// When it was appended (RFC 3339, UTC).
    pub at: String,
    /// `judgement` or `decision`.
    pub kind: String,
    /// The order it concerns (empty for a record that had no id).
    pub order_id: String,
    /// The row's content, canonical JSON.
    pub body: String,
    /// The hash of the row before (the genesis hash for the first).
    pub prev_hash: String,
    /// This row's hash: [`row_hash`] of everything above.
    pub hash: String,
}

impl AuditRow {
    /// The row as one JSON object (the export format).
    pub fn to_json(&self) -> Json {
        let body: Json = serde_json::from_str(&self.body).unwrap_or(Json::Null);
        json!({
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "order": self.order_id,
            "body": body,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        })
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its latest judgement is below `hold`: nothing to decide.
    Clear,
    /// Awaiting a decision.
    Pending,
    /// Escalated; still awaiting a decision.
    Escalated,
    /// Released by enough reviewers for its verdict.
    Released,
    /// The block was confirmed.
    Confirmed,
}

impl Status {
    /// The lowercase name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Clear => "clear",
            Status::Pending => "pending",
            Status::Escalated => "escalated",
            Status::Released => "released",
            Status::Confirmed => "confirmed",
        }
    }

    /// Parses a stored name; an unknown one is a corrupt store, kept awaiting (fail closed).
    pub fn parse(text: &str) -> Status {
        match text {
            "clear" => Status::Clear,
            "escalated" => Status::Escalated,
            "released" => Status::Released,
            "confirmed" => Status::Confirmed,
            _ => Status::Pending,
        }
    }

    /// Whether the order is in the queue.
    pub fn awaiting(self) -> bool {
        matches!(self, Status::Pending | Status::Escalated)
    }
}

/// The state of one order, derived from the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    /// The client that sent the order (the token's name); with the id, what names the order.
    pub client: String,
    /// The order id.
    pub order_id: String,
    /// The trail row of its latest judgement.
    pub latest_seq: i64,
    /// The latest verdict (`block`, `hold`, ..., `error`).
    pub verdict: String,
    /// Rule ids of the latest findings, sorted.
    pub rules: Vec<String>,
    /// Digest of the latest result (verdict and findings, not where the record sat in the body).
    pub result_sha256: String,
    /// Digest of the order of the current run of judgements (see [`NewJudgement::order_sha256`]);
    /// empty when it could not be told, or for a state kept from before orders were digested.
    pub order_sha256: String,
    /// The first judgement of the current run of the same order with the same result: decisions
    /// made since then answer it; earlier ones answered another order or another result.
    pub streak_start: i64,
    /// Where it stands.
    pub status: Status,
    /// Reviewers who released the current result (a block needs two different ones).
    pub releases: Vec<String>,
}

/// Verdicts that hold an order until a reviewer decides.
pub fn needs_decision(verdict: &str) -> bool {
    matches!(verdict, "hold" | "block" | "error")
}

/// Releases needed for a verdict: a block (and a record that could not be read) needs two
/// different reviewers.
pub fn releases_needed(verdict: &str) -> usize {
    if verdict == "hold" {
        1
    } else {
        2
    }
}

/// One judgement to append.
#[derive(Debug, Clone)]
pub struct NewJudgement {
    /// The order id (empty when the record had none: it is recorded, never queued).
    pub order_id: String,
    /// The verdict.
    pub verdict: String,
    /// Rule ids of the findings, sorted, deduplicated.
    pub rules: Vec<String>,
    /// Digest of the result (see [`OrderState::result_sha256`]).
    pub result_sha256: String,
    /// Digest of the order as judged: its normalised form, or for a record that could not be
    /// read, its text as received. Decisions carry over to a later judgement only when this and
    /// the result are both the same; empty when it could not be told, which nothing matches.
    pub order_sha256: String,
    /// The pack digest it was made with.
    pub pack_sha256: String,
    /// Each screening list's name and digest.
    pub lists: Vec<(String, String)>,
    /// The judgement as in `redflag.check/1`, compact JSON text.
    pub judgement: String,
    /// The HTML report's rendering of the order (kept beside the trail; its digest is in it).
    pub html: String,
    /// The API client that asked.
    pub client: String,
}

impl NewJudgement {
    /// The trail row's content. Built by the request's thread before the store's writer takes
    /// the request, so the one writer only hashes and inserts.
    pub fn body(&self) -> String {
        #[derive(serde::Serialize)]
        struct ListOut<'a> {
            name: &'a str,
            sha256: &'a str,
        }
        #[derive(serde::Serialize)]
        struct BodyOut<'a> {
            verdict: &'a str,
            rules: &'a [String],
            result_sha256: &'a str,
            order_sha256: &'a str,
            pack_sha256: &'a str,
            lists: Vec<ListOut<'a>>,
            html_sha256: String,
            client: &'a str,
            state_key: &'a str,
        }
        let head = BodyOut {
            verdict: &self.verdict,
            rules: &self.rules,
            result_sha256: &self.result_sha256,
            order_sha256: &self.order_sha256,
            pack_sha256: &self.pack_sha256,
            lists: self
                .lists
                .iter()
                .map(|(name, sha256)| ListOut { name, sha256 })
                .collect(),
            html_sha256: crate::digest::sha256_hex(self.html.as_bytes()),
            client: &self.client,
            state_key: STATE_KEY,
        };
        // The judgement is JSON text already: it goes in as the last member, spliced before
        // the closing brace of the compact object, instead of being parsed and written again.
        let mut body = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
        body.pop();
        if body.len() > 1 {
            body.push(',');
        }
        body.push_str("\"judgement\":");
        body.push_str(&self.judgement);
        body.push('}');
        body
    }
}

/// What a judgement row names as the key of the state it moves: the client and the order id.
/// A row without it was written when the order id alone named the state, and is replayed so
/// ([`replay_row`]).
pub const STATE_KEY: &str = "client+order";

/// What a request with an `Idempotency-Key` stores with its judgements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotent {
    /// The client that sent it (keys are per client).
    pub client: String,
    /// The key.
    pub key: String,
    /// Digest of the request (content type and body): a key reused for another request is
    /// refused rather than answered with the wrong result.
    pub request_sha256: String,
    /// Digest of what judged it (the build, the pack and the lists in force): the answer is
    /// replayed only while the same are in force; after a reload the request is judged again
    /// and the key answers the new judgement. Empty for an answer kept from before this was
    /// recorded, which is never replayed.
    pub judged_with: String,
    /// The answer's status code.
    pub status: u16,
    /// The answer's body.
    pub response: Vec<u8>,
}

/// What recording a check did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Appended; the trail rows of the judgements, in order.
    Appended(Vec<i64>),
    /// The key was seen before, for another request or judged with what is in force now: the
    /// stored answer, nothing appended.
    Replayed(Idempotent),
}

/// The decisions a reviewer can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let the order go (a block needs two different reviewers).
    Release,
    /// Confirm the block: the order does not ship.
    Confirm,
    /// Pass it on; it stays in the queue.
    Escalate,
}

impl Action {
    /// Parses `release`, `confirm`, `escalate`.
    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "release" => Some(Action::Release),
            "confirm" => Some(Action::Confirm),
            "escalate" => Some(Action::Escalate),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Release => "release",
            Action::Confirm => "confirm",
            Action::Escalate => "escalate",
        }
    }
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// The client whose order it is.
    pub client: String,
    /// The order.
    pub order_id: String,
    /// What was decided.
    pub action: Action,
    /// Who decided (the token's name).
    pub reviewer: String,
    /// Why; required for a release.
    pub reason: String,
    /// The judgement the reviewer saw; when given and no longer the latest, the decision is
    /// refused (the order was judged again since).
    pub judgement_seq: Option<i64>,
}

/// A recorded decision and where it left the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The decision's trail row.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// The order's state after it.
    pub state: OrderState,
}

/// Which orders of the queue to list.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only this verdict.
    pub verdict: Option<String>,
    /// Only orders with a finding of this rule.
    pub rule: Option<String>,
    /// At most this many (the store caps it).
    pub limit: usize,
}

/// An order's latest state and its whole history.
#[derive(Debug, Clone)]
pub struct OrderHistory {
    /// Where it stands.
    pub state: OrderState,
    /// Every trail row about it, oldest first (judgements and decisions).
    pub rows: Vec<AuditRow>,
    /// The HTML rendering of the latest judgement, if it matches the digest in the trail.
    pub latest_html: Option<String>,
}

/// The primitive operations of one write transaction; the backends implement these, and the
/// logic above them is shared.
pub trait Tx {
    /// The last row's seq and hash (0 and [`GENESIS`] on an empty trail), locked against other
    /// writers until the transaction ends.
    fn head(&mut self) -> Result<(i64, String), StoreError>;
    /// Appends a row (its seq is head + 1, checked by the caller).
    fn append(&mut self, row: &AuditRow) -> Result<(), StoreError>;
    /// A client's order's state.
    fn state(&mut self, client: &str, order_id: &str) -> Result<Option<OrderState>, StoreError>;
    /// Writes an order's state.
    fn put_state(&mut self, state: &OrderState) -> Result<(), StoreError>;
    /// Keeps the HTML rendering of a judgement row.
    fn put_html(&mut self, seq: i64, html: &str) -> Result<(), StoreError>;
    /// A stored answer.
    fn idempotent(&mut self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError>;
    /// Stores an answer, in place of one stored before for the same client and key.
    fn put_idempotent(&mut self, entry: &Idempotent) -> Result<(), StoreError>;
    /// Records that the review-page session `nonce` was signed out and must not be accepted
    /// again; `until` (Unix seconds) is when its cookie expires anyway, after which the record
    /// may go. Records past their `until` are removed here.
    fn revoke_session(&mut self, nonce: &str, until: i64) -> Result<(), StoreError>;
}

/// The store behind `redflag serve`.
pub trait Store: Send + Sync {
    /// Appends the judgements of one request, and its answer when it has a key, atomically; a
    /// key seen before answers the stored result and appends nothing, unless that answer was
    /// judged with another build, pack or lists ([`Idempotent::judged_with`]): then the
    /// judgements are appended and the key answers them from now on.
    fn record_check(
        &self,
        judgements: Vec<NewJudgement>,
        idempotent: Option<Idempotent>,
    ) -> Result<Recorded, StoreError>;
    /// [`Store::record_check`], answering through `done` once the judgements are committed.
    /// The SQLite store returns at once and its writer thread calls `done` after the group
    /// commit, so a request waits for the disk without holding a thread; by default the
    /// judgements are recorded before this returns.
    fn record_check_then(
        &self,
        judgements: Vec<NewJudgement>,
        idempotent: Option<Idempotent>,
        done: Box<dyn FnOnce(Result<Recorded, StoreError>) + Send>,
    ) {
        done(self.record_check(judgements, idempotent));
    }
    /// The stored answer of a key, if any (looked up before judging).
    fn idempotent(&self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError>;
    /// Records a decision, if it fits the order's state.
    fn decide(&self, decision: NewDecision) -> Result<Decided, StoreError>;
    /// Orders awaiting a decision, oldest judgement first.
    fn queue(&self, filter: &QueueFilter) -> Result<Vec<OrderState>, StoreError>;
    /// The clients that sent an order under this id, sorted (an order is named by both).
    fn clients(&self, order_id: &str) -> Result<Vec<String>, StoreError>;
    /// One client's order: its state and history.
    fn order(&self, client: &str, order_id: &str) -> Result<Option<OrderHistory>, StoreError>;
    /// Trail rows with seq > `after`, at most `limit`, in order.
    fn audit_rows(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError>;
    /// Every order state (for `audit verify`, which checks them against the trail).
    fn states(&self) -> Result<Vec<OrderState>, StoreError>;
    /// Whether the database answers.
    fn ping(&self) -> Result<(), StoreError>;
    /// Signs a review-page session out for every instance sharing the store ([`Tx::revoke_session`]).
    fn revoke_session(&self, nonce: &str, until: i64) -> Result<(), StoreError>;
    /// Whether a review-page session was signed out.
    fn session_revoked(&self, nonce: &str) -> Result<bool, StoreError>;
}

/// The most rows one queue answer holds.
pub const QUEUE_CAP: usize = 1000;

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn append_row(
    tx: &mut dyn Tx,
    kind: &str,
    order_id: &str,
    body: String,
) -> Result<AuditRow, StoreError> {
    let (seq, prev_hash) = tx.head()?;
    let seq = seq
        .checked_add(1)
        .ok_or_else(|| StoreError::Backend("the trail is full".into()))?;
    let at = now();
    let hash = row_hash(&prev_hash, seq, &at, kind, order_id, &body);
    let row = AuditRow {
        seq,
        at,
        kind: kind.to_string(),
        order_id: order_id.to_string(),
        body,
        prev_hash,
        hash,
    };
    tx.append(&row)?;
    Ok(row)
}

/// Each judgement with its trail row's content.
pub fn with_bodies(judgements: Vec<NewJudgement>) -> Vec<(NewJudgement, String)> {
    judgements
        .into_iter()
        .map(|j| {
            let body = j.body();
            (j, body)
        })
        .collect()
}

/// Records a check's judgements in `tx` (shared by the backends).
pub fn record_check_in(
    tx: &mut dyn Tx,
    judgements: &[(NewJudgement, String)],
    idempotent: Option<&Idempotent>,
) -> Result<Recorded, StoreError> {
    if let Some(entry) = idempotent {
        // Checked again under the write lock: two retries racing must not both append.
        tx.head()?;
        if let Some(stored) = tx.idempotent(&entry.client, &entry.key)? {
            // An answer judged with another pack or lists is stale: these judgements replace it.
            if stored.request_sha256 != entry.request_sha256
                || stored.judged_with == entry.judged_with
            {
                return Ok(Recorded::Replayed(stored));
            }
        }
    }
    let mut seqs = Vec::with_capacity(judgements.len());
    for (j, body) in judgements {
        let row = append_row(tx, "judgement", &j.order_id, body.clone())?;
        tx.put_html(row.seq, &j.html)?;
        if !j.order_id.is_empty() {
            let before = tx.state(&j.client, &j.order_id)?;
            tx.put_state(&after_judgement(before.as_ref(), &row, j))?;
        }
        seqs.push(row.seq);
    }
    if let Some(entry) = idempotent {
        tx.put_idempotent(entry)?;
    }
    Ok(Recorded::Appended(seqs))
}

/// When a judgement keeps the decisions made on the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carry {
    /// Only the same order (by [`NewJudgement::order_sha256`], never an unknown one) with the
    /// same result: a release answers the order a reviewer saw, not another one that happens
    /// to be judged alike. Every judgement recorded now.
    SameOrderAndResult,
    /// The same result: the rule in force when the trail's judgement rows did not name their
    /// order yet, kept so that replaying such a trail gives the states it gave then.
    SameResult,
}

/// An order's state after a judgement: the same order with the same result keeps the decisions
/// made on it; another order under the same id, or another result, starts over (the release no
/// longer applies).
pub fn after_judgement(
    before: Option<&OrderState>,
    row: &AuditRow,
    j: &NewJudgement,
) -> OrderState {
    after_judgement_by(before, row, j, Carry::SameOrderAndResult)
}

fn after_judgement_by(
    before: Option<&OrderState>,
    row: &AuditRow,
    j: &NewJudgement,
    carry: Carry,
) -> OrderState {
    let fresh = || OrderState {
        client: j.client.clone(),
        order_id: j.order_id.clone(),
        latest_seq: row.seq,
        verdict: j.verdict.clone(),
        rules: j.rules.clone(),
        result_sha256: j.result_sha256.clone(),
        order_sha256: j.order_sha256.clone(),
        streak_start: row.seq,
        status: if needs_decision(&j.verdict) {
            Status::Pending
        } else {
            Status::Clear
        },
        releases: Vec::new(),
    };
    let kept = |b: &OrderState| {
        b.result_sha256 == j.result_sha256
            && match carry {
                // INVARIANT (fail closed): an order that could not be told is no order seen
                // before, so nothing decided carries over to it.
                Carry::SameOrderAndResult => {
                    !j.order_sha256.is_empty() && b.order_sha256 == j.order_sha256
                }
                Carry::SameResult => true,
            }
    };
    match before {
        // The client is the judgement's: a state replayed from rows written when the id alone
        // named it passes from client to client as it did then.
        Some(b) if kept(b) => OrderState {
            client: j.client.clone(),
            latest_seq: row.seq,
            ..b.clone()
        },
        _ => fresh(),
    }
}

/// Records a decision in `tx` (shared by the backends).
pub fn decide_in(tx: &mut dyn Tx, d: &NewDecision) -> Result<Decided, StoreError> {
    tx.head()?;
    let Some(state) = tx.state(&d.client, &d.order_id)? else {
        return Err(StoreError::NotFound(format!(
            "`{}` of client `{}`",
            d.order_id, d.client
        )));
    };
    refuse_self_release(&state, d)?;
    let next = after_decision(&state, d)?;
    let body = json!({
        "client": state.client,
        "action": d.action.as_str(),
        "reviewer": d.reviewer,
        "reason": d.reason,
        "judgement_seq": state.latest_seq,
        "verdict": state.verdict,
        "result_sha256": state.result_sha256,
        "order_sha256": state.order_sha256,
        "status": next.status.as_str(),
    })
    .to_string();
    let row = append_row(tx, "decision", &d.order_id, body)?;
    tx.put_state(&next)?;
    Ok(Decided {
        seq: row.seq,
        hash: row.hash,
        state: next,
    })
}

/// What tells two people apart where four eyes count them: a name folded (case, spaces,
/// invisible characters) and read as its UTS #39 skeleton, so look-alike letters make no other
/// person (`ɑlice` with a Latin alpha, or `аlice` with a Cyrillic a, is `alice`). Used by the
/// token file, which refuses two names with one key, and by the self-release check.
pub fn person_key(name: &str) -> String {
    let folded = crate::rules::lists::fold(name);
    let skeleton: String = unicode_security::confusable_detection::skeleton(&folded).collect();
    // The skeleton maps some letters to capitals or to two letters (`m` to `rn`): folded
    // again so that the key is one form, whichever spelling was written.
    crate::rules::lists::fold(&skeleton)
}

/// Four eyes across roles: a token with both the `client` and the `reviewer` role must not
/// release an order it sent itself, or one person both asks and lets go. Checked only when a
/// decision is made, not when the trail is replayed, so trails written before it still verify.
fn refuse_self_release(state: &OrderState, d: &NewDecision) -> Result<(), StoreError> {
    // Names as the token file tells people apart (`person_key`).
    if d.action == Action::Release && person_key(&d.reviewer) == person_key(&state.client) {
        return Err(StoreError::Conflict(format!(
            "`{}` sent order `{}` as a client and cannot release it: a release needs a reviewer other than the one who asked (four eyes)",
            d.reviewer, state.order_id
        )));
    }
    Ok(())
}

/// The rules of deciding: only an order awaiting a decision, only on the judgement the reviewer
/// saw, a release with a reason, and a block released by two different reviewers.
pub fn after_decision(state: &OrderState, d: &NewDecision) -> Result<OrderState, StoreError> {
    if let Some(seen) = d.judgement_seq {
        if seen != state.latest_seq {
            return Err(StoreError::Conflict(format!(
                "order `{}` was judged again (judgement {} is the latest, not {seen}); review it again",
                state.order_id, state.latest_seq
            )));
        }
    }
    if !state.status.awaiting() {
        return Err(StoreError::Conflict(format!(
            "order `{}` is not awaiting a decision (it is {})",
            state.order_id,
            state.status.as_str()
        )));
    }
    if d.reviewer.trim().is_empty() {
        return Err(StoreError::Invalid("a decision needs a reviewer".into()));
    }
    let mut next = state.clone();
    match d.action {
        Action::Release => {
            // A reason of invisible characters only (`" \u{200b} "`) says nothing either.
            if crate::rules::lists::visible(&d.reason).trim().is_empty() {
                return Err(StoreError::Invalid(
                    "a release needs a reason an auditor can read".into(),
                ));
            }
            if state.releases.iter().any(|r| r == &d.reviewer) {
                return Err(StoreError::Conflict(format!(
                    "`{}` already released order `{}`; a {} needs {} different reviewers (four eyes)",
                    d.reviewer,
                    state.order_id,
                    state.verdict,
                    releases_needed(&state.verdict)
                )));
            }
            next.releases.push(d.reviewer.clone());
            if next.releases.len() >= releases_needed(&state.verdict) {
                next.status = Status::Released;
            }
        }
        Action::Confirm => next.status = Status::Confirmed,
        Action::Escalate => next.status = Status::Escalated,
    }
    Ok(next)
}

/// Opens the store a `--db` argument names: a `postgres://` or `postgresql://` URL, or a
/// SQLite file (created if missing).
pub fn open(db: &str) -> Result<Box<dyn Store>, StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(Box::new(postgres::PgStore::open(db)?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(
            db,
        ))?))
    }
}

fn rules_column(rules: &[String]) -> String {
    // `,a,b,` so a rule is found with LIKE '%,id,%' and never by a prefix of another id.
    format!(",{},", rules.join(","))
}

fn rules_from_column(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect()
}

fn releases_column(releases: &[String]) -> String {
    json!(releases).to_string()
}

fn releases_from_column(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The state's `html` is shown only when its digest is the one the trail holds.
fn html_if_intact(rows: &[AuditRow], latest_seq: i64, html: Option<String>) -> Option<String> {
    let html = html?;
    let row = rows.iter().find(|r| r.seq == latest_seq)?;
    let body: Json = serde_json::from_str(&row.body).ok()?;
    let expected = body.get("html_sha256")?.as_str()?;
    (crate::digest::sha256_hex(html.as_bytes()) == expected).then_some(html)
}
