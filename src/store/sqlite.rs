//! The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit is on
//! disk (the WAL fsynced) before the server answers 2xx, and survives `kill -9` or a power cut.
//!
//! Writes go through one writer thread that commits the requests waiting at that moment in one
//! transaction (group commit): one fsync acknowledges many requests, which is what makes
//! thousands of durable checks a second possible on one disk. Each request runs in a savepoint,
//! so one that fails (a conflicting decision) rolls back alone. Reads use their own connections,
//! which WAL lets run beside the writer.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};

use super::*;

/// The columns of `orders`, for the schema and for the table the upgrade to keys by client
/// copies the states into (one text, so the two cannot differ).
macro_rules! orders_columns {
    () => {
        "
  client TEXT NOT NULL,
  order_id TEXT NOT NULL,
  latest_seq INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  rules TEXT NOT NULL,
  result_sha256 TEXT NOT NULL,
  order_sha256 TEXT NOT NULL DEFAULT '',
  streak_start INTEGER NOT NULL,
  status TEXT NOT NULL,
  releases TEXT NOT NULL,
  PRIMARY KEY (client, order_id)
"
    };
}

const SCHEMA: &str = concat!(
    "
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  order_id TEXT NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_order ON audit(order_id, seq);
-- The trail is append-only: the database itself refuses to change or remove a row.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE IF NOT EXISTS judgement_html (
  seq INTEGER PRIMARY KEY,
  html TEXT NOT NULL
);
-- No default for `client`: a version that keyed orders by id alone cannot write a state here.
CREATE TABLE IF NOT EXISTS orders (",
    orders_columns!(),
    ");
CREATE TABLE IF NOT EXISTS idempotency (
  client TEXT NOT NULL,
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  judged_with TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  response BLOB NOT NULL,
  PRIMARY KEY (client, key)
);
-- Review-page sessions signed out before their cookie expired (`expires_at`, Unix seconds): the
-- cookie is signed, not stored, so without this a copy of it would still sign in.
CREATE TABLE IF NOT EXISTS revoked_sessions (
  nonce TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
"
);

/// Columns added since the first release, each with the default that rows written before it
/// take: an empty digest, which no judgement and no request matches (fail closed: an order
/// kept from before is judged afresh, a stored answer from before is not replayed).
const ADDED_COLUMNS: [(&str, &str, &str); 2] = [
    ("orders", "order_sha256", "TEXT NOT NULL DEFAULT ''"),
    ("idempotency", "judged_with", "TEXT NOT NULL DEFAULT ''"),
];

/// Orders keyed by client and id, from a table keyed by id alone (which SQLite cannot re-key in
/// place): each state takes the client of its latest judgement row, the one that last moved it.
/// A body that is not JSON or names no client as text gives `''`, as replay reads it.
const KEY_ORDERS_BY_CLIENT: &str = concat!(
    "
CREATE TABLE orders_keyed (",
    orders_columns!(),
    ");
INSERT INTO orders_keyed (client, order_id, latest_seq, verdict, rules, result_sha256,
    order_sha256, streak_start, status, releases)
  SELECT COALESCE((SELECT CASE WHEN json_type(a.body, '$.client') = 'text'
                          THEN json_extract(a.body, '$.client') ELSE '' END
                   FROM audit a
                   WHERE a.order_id = o.order_id AND a.kind = 'judgement' AND json_valid(a.body)
                   ORDER BY a.seq DESC LIMIT 1), ''),
    o.order_id, o.latest_seq, o.verdict, o.rules, o.result_sha256, o.order_sha256,
    o.streak_start, o.status, o.releases
  FROM orders o;
DROP TABLE orders;
ALTER TABLE orders_keyed RENAME TO orders;
"
);

/// The indexes of the orders table, made after it is keyed by client (re-keying drops them).
const ORDER_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS orders_status ON orders(status, latest_seq);
CREATE INDEX IF NOT EXISTS orders_id ON orders(order_id);
";

/// Creates the tables, and adds to a database made by an earlier version the columns it lacks
/// and keys its orders by client, in one transaction that holds the write lock (processes
/// sharing the file may start together).
fn create_schema(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    for (table, column, declaration) in ADDED_COLUMNS {
        let present = tx
            .prepare(&format!(
                "SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"
            ))?
            .exists([column])?;
        if !present {
            tx.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
            ))?;
        }
    }
    let keyed = tx
        .prepare("SELECT 1 FROM pragma_table_info('orders') WHERE name = 'client'")?
        .exists([])?;
    if !keyed {
        tx.execute_batch(KEY_ORDERS_BY_CLIENT)?;
    }
    tx.execute_batch(ORDER_INDEXES)?;
    tx.commit()?;
    Ok(())
}

type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A request's work in the writer's transaction: whether it succeeded, and how to answer once
/// the commit is known.
type Work = Box<dyn FnOnce(&mut SqliteTx<'_>) -> (bool, Finish) + Send>;

/// One request for the writer: its work (which says whether it succeeded, and how to answer
/// once the commit is known), and how to answer if it never ran.
struct Job {
    run: Work,
    abort: Finish,
}

/// The most requests one group commit takes.
const GROUP: usize = 256;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<mpsc::Sender<Job>>,
    readers: Mutex<Vec<Connection>>,
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // WAL: readers never block the writer. synchronous=FULL: each commit fsyncs the WAL, so an
    // acknowledged write survives a crash of the process or the machine.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` and starts its writer thread.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = connect(path)?;
        create_schema(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("redflag-sqlite-writer".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| StoreError::Backend(format!("cannot start the writer thread: {e}")))?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(tx),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Hands `work` to the writer thread and returns at once; the writer calls `done` once the
    /// group commit that holds it is on disk (or failed).
    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError> + Send + 'static,
        done: impl FnOnce(Result<T, StoreError>) + Send + 'static,
    ) {
        // Exactly one of `run` and `abort` is called; both need `done`.
        let done = Arc::new(Mutex::new(Some(done)));
        let aborted = done.clone();
        let job = Job {
            run: Box::new(move |tx: &mut SqliteTx<'_>| {
                let outcome = work(tx);
                let ok = outcome.is_ok();
                let finish: Finish = Box::new(move |committed: Result<(), StoreError>| {
                    if let Some(done) = done.lock().ok().and_then(|mut d| d.take()) {
                        done(committed.and(outcome));
                    }
                });
                (ok, finish)
            }),
            abort: Box::new(move |committed: Result<(), StoreError>| {
                if let Some(done) = aborted.lock().ok().and_then(|mut d| d.take()) {
                    done(committed.and(Err(StoreError::Backend(
                        "the transaction failed before this request ran".into(),
                    ))));
                }
            }),
        };
        let unsent = match self.writer.lock() {
            Ok(writer) => writer.send(job).err().map(|e| e.0),
            Err(_) => Some(job),
        };
        if let Some(job) = unsent {
            (job.abort)(Err(StoreError::Backend("the writer thread stopped".into())));
        }
    }

    fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::sync_channel::<Result<T, StoreError>>(1);
        self.submit(work, move |outcome| {
            let _ = reply.send(outcome);
        });
        answer
            .recv()
            .map_err(|_| StoreError::Backend("the writer thread stopped".into()))?
    }

    fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = match self.readers.lock().ok().and_then(|mut pool| pool.pop()) {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let outcome = work(&conn);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 16 {
                pool.push(conn);
            }
        }
        outcome
    }
}

/// The writer thread: takes the requests waiting, runs each in a savepoint of one transaction,
/// commits once, then answers each (an error to all if the commit failed).
fn writer(mut conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = std::collections::VecDeque::from([first]);
        while batch.len() < GROUP {
            match jobs.try_recv() {
                Ok(job) => batch.push_back(job),
                Err(_) => break,
            }
        }
        let mut finishers: Vec<Finish> = Vec::with_capacity(batch.len());
        let committed = (|| -> Result<(), StoreError> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            while let Some(job) = batch.pop_front() {
                // Cached statements: parsing SQL would cost more than running it.
                tx.prepare_cached("SAVEPOINT request")?.execute([])?;
                let (ok, finish) = (job.run)(&mut SqliteTx { conn: &tx });
                finishers.push(finish);
                if ok {
                    tx.prepare_cached("RELEASE request")?.execute([])?;
                } else {
                    tx.execute_batch("ROLLBACK TO request; RELEASE request")?;
                }
            }
            tx.commit()?;
            Ok(())
        })();
        // Requests the failed transaction never reached.
        finishers.extend(batch.into_iter().map(|job| job.abort));
        for finish in finishers {
            finish(match &committed {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError::Backend(e.to_string())),
            });
        }
    }
}

/// One request's view of the writer's transaction.
struct SqliteTx<'c> {
    conn: &'c Connection,
}

fn state_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<OrderState> {
    Ok(OrderState {
        client: row.get(0)?,
        order_id: row.get(1)?,
        latest_seq: row.get(2)?,
        verdict: row.get(3)?,
        rules: rules_from_column(&row.get::<_, String>(4)?),
        result_sha256: row.get(5)?,
        order_sha256: row.get(6)?,
        streak_start: row.get(7)?,
        status: Status::parse(&row.get::<_, String>(8)?),
        releases: releases_from_column(&row.get::<_, String>(9)?),
    })
}

const STATE_COLUMNS: &str =
    "client, order_id, latest_seq, verdict, rules, result_sha256, order_sha256, streak_start, status, releases";

fn audit_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: row.get(0)?,
        at: row.get(1)?,
        kind: row.get(2)?,
        order_id: row.get(3)?,
        body: row.get(4)?,
        prev_hash: row.get(5)?,
        hash: row.get(6)?,
    })
}

impl SqliteTx<'_> {
    fn guard<T>(&mut self, r: rusqlite::Result<T>) -> Result<T, StoreError> {
        r.map_err(StoreError::from)
    }
}

impl Tx for SqliteTx<'_> {
    fn head(&mut self) -> Result<(i64, String), StoreError> {
        // The writer holds SQLite's write lock (BEGIN IMMEDIATE), so the head cannot move
        // under it, even with other processes on the same file.
        let r = self
            .conn
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            .and_then(|mut head| head.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
            .optional();
        Ok(self.guard(r)?.unwrap_or((0, GENESIS.to_string())))
    }

    fn append(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        let r = self
            .conn
            .prepare_cached(
                "INSERT INTO audit (seq, at, kind, order_id, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut insert| {
                insert.execute(params![row.seq, row.at, row.kind, row.order_id, row.body, row.prev_hash, row.hash])
            });
        self.guard(r).map(|_| ())
    }

    fn state(&mut self, client: &str, order_id: &str) -> Result<Option<OrderState>, StoreError> {
        let r = self
            .conn
            .prepare_cached(&format!(
                "SELECT {STATE_COLUMNS} FROM orders WHERE client = ?1 AND order_id = ?2"
            ))
            .and_then(|mut select| select.query_row([client, order_id], state_from))
            .optional();
        self.guard(r)
    }

    fn put_state(&mut self, s: &OrderState) -> Result<(), StoreError> {
        let r = self.conn.prepare_cached(
            &format!("INSERT OR REPLACE INTO orders ({STATE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        ).and_then(|mut upsert| upsert.execute(params![
                s.client,
                s.order_id,
                s.latest_seq,
                s.verdict,
                rules_column(&s.rules),
                s.result_sha256,
                s.order_sha256,
                s.streak_start,
                s.status.as_str(),
                releases_column(&s.releases)
            ]));
        self.guard(r).map(|_| ())
    }

    fn put_html(&mut self, seq: i64, html: &str) -> Result<(), StoreError> {
        let r = self
            .conn
            .prepare_cached("INSERT INTO judgement_html (seq, html) VALUES (?1, ?2)")
            .and_then(|mut insert| insert.execute(params![seq, html]));
        self.guard(r).map(|_| ())
    }

    fn idempotent(&mut self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        let r = idempotent_row(self.conn, client, key);
        self.guard(r)
    }

    fn put_idempotent(&mut self, e: &Idempotent) -> Result<(), StoreError> {
        let r = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO idempotency (client, key, request_sha256, judged_with, status, response) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut upsert| {
                upsert.execute(params![e.client, e.key, e.request_sha256, e.judged_with, e.status, e.response])
            });
        self.guard(r).map(|_| ())
    }

    fn revoke_session(&mut self, nonce: &str, until: i64) -> Result<(), StoreError> {
        let r = self
            .conn
            .prepare_cached("DELETE FROM revoked_sessions WHERE expires_at < ?1")
            .and_then(|mut purge| purge.execute([chrono::Utc::now().timestamp()]))
            .and_then(|_| {
                self.conn
                    .prepare_cached(
                        "INSERT OR REPLACE INTO revoked_sessions (nonce, expires_at) VALUES (?1, ?2)",
                    )?
                    .execute(params![nonce, until])
            });
        self.guard(r).map(|_| ())
    }
}

fn idempotent_row(
    conn: &Connection,
    client: &str,
    key: &str,
) -> rusqlite::Result<Option<Idempotent>> {
    conn.prepare_cached(
        "SELECT client, key, request_sha256, judged_with, status, response FROM idempotency WHERE client = ?1 AND key = ?2",
    )?
    .query_row(
        [client, key],
        |r| {
            Ok(Idempotent {
                client: r.get(0)?,
                key: r.get(1)?,
                request_sha256: r.get(2)?,
                judged_with: r.get(3)?,
                status: r.get(4)?,
                response: r.get(5)?,
            })
        },
    )
    .optional()
}

impl Store for SqliteStore {
    fn record_check(
        &self,
        judgements: Vec<NewJudgement>,
        idempotent: Option<Idempotent>,
    ) -> Result<Recorded, StoreError> {
        let bodied = with_bodies(judgements);
        self.write(move |tx| record_check_in(tx, &bodied, idempotent.as_ref()))
    }

    fn record_check_then(
        &self,
        judgements: Vec<NewJudgement>,
        idempotent: Option<Idempotent>,
        done: Box<dyn FnOnce(Result<Recorded, StoreError>) + Send>,
    ) {
        let bodied = with_bodies(judgements);
        self.submit(
            move |tx| record_check_in(tx, &bodied, idempotent.as_ref()),
            done,
        );
    }

    fn idempotent(&self, client: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        self.read(|c| Ok(idempotent_row(c, client, key)?))
    }

    fn decide(&self, decision: NewDecision) -> Result<Decided, StoreError> {
        self.write(move |tx| decide_in(tx, &decision))
    }

    fn queue(&self, filter: &QueueFilter) -> Result<Vec<OrderState>, StoreError> {
        let limit = filter.limit.clamp(1, QUEUE_CAP) as i64;
        let rule = filter
            .rule
            .as_ref()
            .map(|r| format!("%,{},%", like_escape(r)));
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {STATE_COLUMNS} FROM orders WHERE status IN ('pending', 'escalated')
                 AND (?1 IS NULL OR verdict = ?1) AND (?2 IS NULL OR rules LIKE ?2 ESCAPE '\\')
                 ORDER BY latest_seq LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![filter.verdict, rule, limit], state_from)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn clients(&self, order_id: &str) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT client FROM orders WHERE order_id = ?1 ORDER BY client")?;
            let rows = stmt.query_map([order_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
    }

    fn order(&self, client: &str, order_id: &str) -> Result<Option<OrderHistory>, StoreError> {
        self.read(|c| {
            // One snapshot for the state, the rows and the rendering (a read transaction in WAL
            // mode), as PostgreSQL reads them: a judgement appended between the reads would
            // show rows newer than the state the decision form names.
            let snapshot = c.unchecked_transaction()?;
            let c = &*snapshot;
            let state = c
                .query_row(
                    &format!(
                        "SELECT {STATE_COLUMNS} FROM orders WHERE client = ?1 AND order_id = ?2"
                    ),
                    [client, order_id],
                    state_from,
                )
                .optional()?;
            let Some(state) = state else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, kind, order_id, body, prev_hash, hash FROM audit WHERE order_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt
                .query_map([order_id], audit_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            drop(stmt);
            let rows = rows_of_client(rows, client);
            let html: Option<String> = c
                .query_row(
                    "SELECT html FROM judgement_html WHERE seq = ?1",
                    [state.latest_seq],
                    |r| r.get(0),
                )
                .optional()?;
            snapshot.commit()?;
            let latest_html = html_if_intact(&rows, state.latest_seq, html);
            Ok(Some(OrderHistory {
                state,
                rows,
                latest_html,
            }))
        })
    }

    fn audit_rows(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, kind, order_id, body, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, limit as i64], audit_from)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn states(&self) -> Result<Vec<OrderState>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {STATE_COLUMNS} FROM orders ORDER BY order_id, client"
            ))?;
            let rows = stmt.query_map([], state_from)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| {
            Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                .map(|_| ())?)
        })
    }

    fn revoke_session(&self, nonce: &str, until: i64) -> Result<(), StoreError> {
        let nonce = nonce.to_string();
        self.write(move |tx| tx.revoke_session(&nonce, until))
    }

    fn session_revoked(&self, nonce: &str) -> Result<bool, StoreError> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT 1 FROM revoked_sessions WHERE nonce = ?1")?
                    .exists([nonce])?,
            )
        })
    }
}
