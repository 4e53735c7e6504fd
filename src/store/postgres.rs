//! The shared store: PostgreSQL, so several `redflag serve` instances behind a load balancer
//! keep one queue and one trail.
//!
//! Every write transaction first locks the single row of `audit_head` (`FOR UPDATE`), so
//! appends from all instances are serialised and the chain stays one line; reads need no lock.
//! The server's commit is PostgreSQL's (`synchronous_commit` on by default): an acknowledged
//! write is on the database server's disk.

use std::sync::Mutex;

use ::postgres::{Client, NoTls, Row, Transaction};

use super::*;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  order_id TEXT NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_order ON audit(order_id, seq);
CREATE OR REPLACE FUNCTION redflag_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION redflag_audit_append_only();
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
  ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS judgement_html (
  seq BIGINT PRIMARY KEY,
  html TEXT NOT NULL
);
-- No default for `client`: a version that keyed orders by id alone cannot write a state here.
CREATE TABLE IF NOT EXISTS orders (
  client TEXT NOT NULL,
  order_id TEXT NOT NULL,
  latest_seq BIGINT NOT NULL,
  verdict TEXT NOT NULL,
  rules TEXT NOT NULL,
  result_sha256 TEXT NOT NULL,
  order_sha256 TEXT NOT NULL DEFAULT '',
  streak_start BIGINT NOT NULL,
  status TEXT NOT NULL,
  releases TEXT NOT NULL,
  PRIMARY KEY (client, order_id)
);
CREATE INDEX IF NOT EXISTS orders_status ON orders(status, latest_seq);
CREATE TABLE IF NOT EXISTS idempotency (
  client TEXT NOT NULL,
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  judged_with TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  response BYTEA NOT NULL,
  PRIMARY KEY (client, key)
);
-- Columns added since the first release, for a database an earlier version made. Rows written
-- before take an empty digest, which no judgement and no request matches (fail closed: an
-- order kept from before is judged afresh, a stored answer from before is not replayed).
ALTER TABLE orders ADD COLUMN IF NOT EXISTS order_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency ADD COLUMN IF NOT EXISTS judged_with TEXT NOT NULL DEFAULT '';
-- Orders keyed by client and id, for a table keyed by id alone: each state takes the client of
-- its latest judgement row, the one that last moved it; a body that is not JSON or names no
-- client as text gives '', as replay reads it.
CREATE OR REPLACE FUNCTION redflag_body_client(body TEXT) RETURNS TEXT AS $$
BEGIN
  IF jsonb_typeof(body::jsonb -> 'client') = 'string' THEN
    RETURN body::jsonb ->> 'client';
  END IF;
  RETURN '';
EXCEPTION WHEN others THEN
  RETURN '';
END; $$ LANGUAGE plpgsql IMMUTABLE;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                 AND table_name = 'orders' AND column_name = 'client') THEN
    ALTER TABLE orders ADD COLUMN client TEXT NOT NULL DEFAULT '';
    UPDATE orders o SET client = COALESCE((SELECT redflag_body_client(a.body) FROM audit a
      WHERE a.order_id = o.order_id AND a.kind = 'judgement' ORDER BY a.seq DESC LIMIT 1), '');
    ALTER TABLE orders ALTER COLUMN client DROP DEFAULT;
    ALTER TABLE orders DROP CONSTRAINT orders_pkey;
    ALTER TABLE orders ADD PRIMARY KEY (client, order_id);
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS orders_id ON orders(order_id);
-- Review-page sessions signed out before their cookie expired (`expires_at`, Unix seconds): the
-- cookie is signed, not stored, so without this a copy of it would still sign in, on any
-- instance.
CREATE TABLE IF NOT EXISTS revoked_sessions (
  nonce TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
";

/// The PostgreSQL store: a small pool of connections.
pub struct PgStore {
    url: String,
    pool: Mutex<Vec<Client>>,
}

impl PgStore {
    /// Connects to `url` and creates the tables if missing (under an advisory lock, so
    /// instances starting together do not race).
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut client = Client::connect(url, NoTls)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(727317)", &[])?;
        tx.batch_execute(SCHEMA)?;
        tx.commit()?;
        Ok(PgStore {
            url: url.to_string(),
            pool: Mutex::new(vec![client]),
        })
    }

    fn with<T>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut client = match pooled {
            Some(client) if !client.is_closed() => client,
            _ => Client::connect(&self.url, NoTls)?,
        };
        let outcome = work(&mut client);
        if !client.is_closed() {
            if let Ok(mut pool) = self.pool.lock() {
                if pool.len() < 16 {
                    pool.push(client);
                }
            }
        }
        outcome
    }

    fn write<T>(
        &self,
        work: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with(|client| {
            let tx = client.transaction()?;
            let mut wrapped = PgTx { tx, head: None };
            let outcome = work(&mut wrapped)?;
            wrapped.tx.commit()?;
            Ok(outcome)
        })
    }
}

struct PgTx<'c> {
    tx: Transaction<'c>,
    head: Option<(i64, String)>,
}

fn state_from(row: &Row) -> OrderState {
    OrderState {
        client: row.get(0),
        order_id: row.get(1),
        latest_seq: row.get(2),
        verdict: row.get(3),
        rules: rules_from_column(row.get(4)),
        result_sha256: row.get(5),
        order_sha256: row.get(6),
        streak_start: row.get(7),
        status: Status::parse(row.get(8)),
        releases: releases_from_column(row.get(9)),
    }
}

const STATE_COLUMNS: &str =
    "client, order_id, latest_seq, verdict, rules, result_sha256, order_sha256, streak_start, status, releases";

fn audit_from(row: &Row) -> AuditRow {
    AuditRow {
        seq: row.get(0),
        at: row.get(1),
        kind: row.get(2),
        order_id: row.get(3),
        body: row.get(4),
        prev_hash: row.get(5),
        hash: row.get(6),
    }
}

fn idempotent_from(row: &Row) -> Idempotent {
    Idempotent {
        client: row.get(0),
        key: row.get(1),
        request_sha256: row.get(2),
        judged_with: row.get(3),
        status: u16::try_from(row.get::<_, i32>(4)).unwrap_or(500),
        response: row.get(5),
    }
}

impl Tx for PgTx<'_> {
    fn head(&mut self) -> Result<(i64, String), StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        // Locks the head row until commit: every writer of every instance queues here.
        let row = self.tx.query_one(
            "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
            &[],
        )?;
        let head: (i64, String) = (row.get(0), row.get(1));
        self.head = Some(head.clone());
        Ok(head)
    }

    fn append(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO audit (seq, at, kind, order_id, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&row.seq, &row.at, &row.kind, &row.order_id, &row.body, &row.prev_hash, &row.hash],
        )?;
        self.tx.execute(
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            &[&row.seq, &row.hash],
        )?;
        self.head = Some((row.seq, row.hash.clone()));
        Ok(())
    }

    fn state(&mut self, client: &str, order_id: &str) -> Result<Option<OrderState>, StoreError> {
        let row = self.tx.query_opt(
            &format!("SELECT {STATE_COLUMNS} FROM orders WHERE client = $1 AND order_id = $2"),
            &[&client, &order_id],
        )?;
        Ok(row.as_ref().map(state_from))
    }

    fn put_state(&mut self, s: &OrderState) -> Result<(), StoreError> {
        self.tx.execute(
            &format!(
                "INSERT INTO orders ({STATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (client, order_id) DO UPDATE SET latest_seq = EXCLUDED.latest_seq,
                 verdict = EXCLUDED.verdict, rules = EXCLUDED.rules,
                 result_sha256 = EXCLUDED.result_sha256, order_sha256 = EXCLUDED.order_sha256,
                 streak_start = EXCLUDED.streak_start,
                 status = EXCLUDED.status, releases = EXCLUDED.releases"
            ),
            &[
                &s.client,
                &s.order_id,
                &s.latest_seq,
                &s.verdict,
                &rules_column(&s.rules),
                &s.result_sha256,
                &s.order_sha256,
                &s.streak_start,
                &s.status.as_str(),
                &releases_column(&s.releases),
            ],
        )?;
        Ok(())
    }

    fn put_html(&mut self, seq: i64, html: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO judgement_html (seq, html) VALUES ($1, $2)",
            &[&seq, &html],
        )?;
        Ok(())
    }

    fn idempotent(&mut self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        let row = self.tx.query_opt(
            "SELECT client, key, request_sha256, judged_with, status, response FROM idempotency WHERE client = $1 AND key = $2",
            &[&client, &key],
        )?;
        Ok(row.as_ref().map(idempotent_from))
    }

    fn put_idempotent(&mut self, e: &Idempotent) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO idempotency (client, key, request_sha256, judged_with, status, response) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (client, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256,
             judged_with = EXCLUDED.judged_with, status = EXCLUDED.status, response = EXCLUDED.response",
            &[&e.client, &e.key, &e.request_sha256, &e.judged_with, &i32::from(e.status), &e.response],
        )?;
        Ok(())
    }

    fn revoke_session(&mut self, nonce: &str, until: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "DELETE FROM revoked_sessions WHERE expires_at < $1",
            &[&chrono::Utc::now().timestamp()],
        )?;
        self.tx.execute(
            "INSERT INTO revoked_sessions (nonce, expires_at) VALUES ($1, $2)
             ON CONFLICT (nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at",
            &[&nonce, &until],
        )?;
        Ok(())
    }
}

impl Store for PgStore {
    fn record_check(
        &self,
        judgements: Vec<NewJudgement>,
        idempotent: Option<Idempotent>,
    ) -> Result<Recorded, StoreError> {
        let bodied = with_bodies(judgements);
        self.write(|tx| record_check_in(tx, &bodied, idempotent.as_ref()))
    }

    fn idempotent(&self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT client, key, request_sha256, judged_with, status, response FROM idempotency WHERE client = $1 AND key = $2",
                &[&client, &key],
            )?;
            Ok(row.as_ref().map(idempotent_from))
        })
    }

    fn decide(&self, decision: NewDecision) -> Result<Decided, StoreError> {
        self.write(|tx| decide_in(tx, &decision))
    }

    fn queue(&self, filter: &QueueFilter) -> Result<Vec<OrderState>, StoreError> {
        let limit = filter.limit.clamp(1, QUEUE_CAP) as i64;
        let rule = filter
            .rule
            .as_ref()
            .map(|r| format!("%,{},%", like_escape(r)));
        self.with(|c| {
            let rows = c.query(
                &format!(
                    "SELECT {STATE_COLUMNS} FROM orders WHERE status IN ('pending', 'escalated')
                     AND ($1::TEXT IS NULL OR verdict = $1) AND ($2::TEXT IS NULL OR rules LIKE $2 ESCAPE '\\')
                     ORDER BY latest_seq LIMIT $3"
                ),
                &[&filter.verdict, &rule, &limit],
            )?;
            Ok(rows.iter().map(state_from).collect())
        })
    }

    fn clients(&self, order_id: &str) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            let rows = c.query(
                "SELECT client FROM orders WHERE order_id = $1 ORDER BY client",
                &[&order_id],
            )?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn order(&self, client: &str, order_id: &str) -> Result<Option<OrderHistory>, StoreError> {
        self.with(|c| {
            // One snapshot for the state, the rows and the rendering.
            let mut tx = c.build_transaction().read_only(true).isolation_level(::postgres::IsolationLevel::RepeatableRead).start()?;
            let Some(state) = tx
                .query_opt(
                    &format!("SELECT {STATE_COLUMNS} FROM orders WHERE client = $1 AND order_id = $2"),
                    &[&client, &order_id],
                )?
                .as_ref()
                .map(state_from)
            else {
                return Ok(None);
            };
            let rows: Vec<AuditRow> = tx
                .query(
                    "SELECT seq, at, kind, order_id, body, prev_hash, hash FROM audit WHERE order_id = $1 ORDER BY seq",
                    &[&order_id],
                )?
                .iter()
                .map(audit_from)
                .collect();
            let rows = rows_of_client(rows, client);
            let html: Option<String> = tx
                .query_opt("SELECT html FROM judgement_html WHERE seq = $1", &[&state.latest_seq])?
                .map(|r| r.get(0));
            tx.commit()?;
            let latest_html = html_if_intact(&rows, state.latest_seq, html);
            Ok(Some(OrderHistory {
                state,
                rows,
                latest_html,
            }))
        })
    }

    fn audit_rows(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        let limit = limit as i64;
        self.with(|c| {
            let rows = c.query(
                "SELECT seq, at, kind, order_id, body, prev_hash, hash FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )?;
            Ok(rows.iter().map(audit_from).collect())
        })
    }

    fn states(&self) -> Result<Vec<OrderState>, StoreError> {
        self.with(|c| {
            let rows = c.query(
                &format!("SELECT {STATE_COLUMNS} FROM orders ORDER BY order_id, client"),
                &[],
            )?;
            Ok(rows.iter().map(state_from).collect())
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.with(|c| Ok(c.simple_query("SELECT 1").map(|_| ())?))
    }

    fn revoke_session(&self, nonce: &str, until: i64) -> Result<(), StoreError> {
        self.write(|tx| tx.revoke_session(nonce, until))
    }

    fn session_revoked(&self, nonce: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            Ok(
                c.query_opt("SELECT 1 FROM revoked_sessions WHERE nonce = $1", &[&nonce])?
                    .is_some(),
            )
        })
    }
}
