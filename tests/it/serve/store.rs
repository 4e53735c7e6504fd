//! The store behind `serve`, through its trait: the same cases against SQLite and against a real
//! PostgreSQL server (when `.ci/run` started one; listed as ignored otherwise).

use redflag::store::{
    self, Action, NewDecision, NewJudgement, QueueFilter, Recorded, Status, Store, StoreError,
};
use serde_json::json;

fn judgement(order: &str, verdict: &str, rules: &[&str], result: &str) -> NewJudgement {
    NewJudgement {
        order_id: order.into(),
        verdict: verdict.into(),
        rules: rules.iter().map(|r| r.to_string()).collect(),
        result_sha256: result.into(),
        order_sha256: format!("order-{order}"),
        pack_sha256: "p".repeat(64),
        lists: vec![("watch".into(), "l".repeat(64))],
        judgement: json!({"id": order, "verdict": verdict}).to_string(),
        html: format!("<article>{order}</article>"),
        client: "erp".into(),
    }
}

fn decision(order: &str, action: Action, reviewer: &str, reason: &str) -> NewDecision {
    NewDecision {
        client: "erp".into(),
        order_id: order.into(),
        action,
        reviewer: reviewer.into(),
        reason: reason.into(),
        judgement_seq: None,
    }
}

fn all_rows(s: &dyn Store) -> Vec<store::AuditRow> {
    s.audit_rows(0, 100_000).unwrap()
}

fn verify(s: &dyn Store) -> store::Verification {
    store::verify(|after| s.audit_rows(after, 7), &s.states().unwrap(), None).unwrap()
}

/// Every case, run against one backend; `fresh` opens an empty store.
fn cases(fresh: &dyn Fn() -> Box<dyn Store>) {
    four_eyes_and_reasons(fresh().as_ref());
    a_changed_result_reopens_the_order(fresh().as_ref());
    a_release_answers_one_order(fresh().as_ref());
    idempotent_answers(fresh().as_ref());
    queue_filters(fresh().as_ref());
    one_clients_order_never_moves_anothers(fresh().as_ref());
    a_release_of_one_clients_order_leaves_anothers(fresh().as_ref());
    a_reviewer_does_not_release_what_it_sent(fresh().as_ref());
    signed_out_sessions_are_kept_until_their_cookie_expires(fresh().as_ref());
    concurrent_writers_keep_one_chain(fresh);
}

/// A signed-out session stays refused while its cookie could still be presented; the record
/// goes once the cookie has expired (the MAC's expiry refuses it then), so the table does not
/// grow with every sign-out ever made. Nothing of it touches the trail.
fn signed_out_sessions_are_kept_until_their_cookie_expires(s: &dyn Store) {
    let now = chrono::Utc::now().timestamp();
    assert!(!s.session_revoked("n1").unwrap());
    s.revoke_session("n1", now + 3600).unwrap();
    s.revoke_session("old", now - 10).unwrap();
    assert!(s.session_revoked("n1").unwrap());
    assert!(s.session_revoked("old").unwrap());
    assert!(!s.session_revoked("n2").unwrap());
    // Signing out twice (two tabs) is no error.
    s.revoke_session("n1", now + 3600).unwrap();
    assert!(s.session_revoked("n1").unwrap());
    assert!(
        !s.session_revoked("old").unwrap(),
        "expired records are purged"
    );
    assert!(s.audit_rows(0, 10).unwrap().is_empty());
}

fn four_eyes_and_reasons(s: &dyn Store) {
    s.record_check(
        vec![
            judgement("B", "block", &["R1"], "b1"),
            judgement("H", "hold", &["R2"], "h1"),
            judgement("C", "clear", &[], "c1"),
        ],
        None,
    )
    .unwrap();
    let queue: Vec<String> = s
        .queue(&QueueFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|q| q.order_id)
        .collect();
    assert_eq!(queue, ["B", "H"]);
    assert!(matches!(
        s.decide(decision("B", Action::Release, "alice", " ")),
        Err(StoreError::Invalid(_))
    ));
    // Invisible characters are no reason an auditor can read either.
    assert!(matches!(
        s.decide(decision(
            "B",
            Action::Release,
            "alice",
            " \u{200b}\u{2060} "
        )),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.decide(decision("Z", Action::Confirm, "alice", "")),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.decide(decision("C", Action::Confirm, "alice", "")),
        Err(StoreError::Conflict(_))
    ));
    let first = s
        .decide(decision("B", Action::Release, "alice", "ok"))
        .unwrap();
    assert_eq!(first.state.status, Status::Pending);
    assert!(matches!(
        s.decide(decision("B", Action::Release, "alice", "ok")),
        Err(StoreError::Conflict(_))
    ));
    let second = s
        .decide(decision("B", Action::Release, "bob", "ok"))
        .unwrap();
    assert_eq!(second.state.status, Status::Released);
    assert_eq!(
        s.decide(decision("H", Action::Confirm, "bob", ""))
            .unwrap()
            .state
            .status,
        Status::Confirmed
    );
    assert!(s
        .queue(&QueueFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .is_empty());
    // A refused decision left nothing behind: 3 judgements and 3 decisions.
    assert_eq!(all_rows(s).len(), 6);
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.rows, 6);
    let history = s.order("erp", "B").unwrap().unwrap();
    assert_eq!(history.rows.len(), 3);
    assert_eq!(history.latest_html.as_deref(), Some("<article>B</article>"));
}

fn a_changed_result_reopens_the_order(s: &dyn Store) {
    s.record_check(vec![judgement("H", "hold", &["R2"], "h1")], None)
        .unwrap();
    s.decide(decision("H", Action::Release, "alice", "fine"))
        .unwrap();
    // Same result again: still released.
    s.record_check(vec![judgement("H", "hold", &["R2"], "h1")], None)
        .unwrap();
    assert_eq!(
        s.order("erp", "H").unwrap().unwrap().state.status,
        Status::Released
    );
    // Another result: back in the queue with no release, and a decision naming the old
    // judgement is refused.
    let Recorded::Appended(seqs) = s
        .record_check(vec![judgement("H", "block", &["R2", "S1"], "h2")], None)
        .unwrap()
    else {
        panic!("appended")
    };
    let state = s.order("erp", "H").unwrap().unwrap().state;
    assert_eq!(
        (state.status, state.releases.len(), state.latest_seq),
        (Status::Pending, 0, seqs[0])
    );
    let mut stale = decision("H", Action::Release, "bob", "fine");
    stale.judgement_seq = Some(seqs[0] - 1);
    assert!(matches!(s.decide(stale), Err(StoreError::Conflict(_))));
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

/// The same result for another order under the same id (or for an order that could not be
/// told) starts over; only the same order keeps what was decided.
fn a_release_answers_one_order(s: &dyn Store) {
    let with_order = |order: &str| NewJudgement {
        order_sha256: order.into(),
        ..judgement("H", "hold", &["R2"], "h1")
    };
    s.record_check(vec![with_order("o1")], None).unwrap();
    s.decide(decision("H", Action::Release, "alice", "fine"))
        .unwrap();
    s.record_check(vec![with_order("o1")], None).unwrap();
    assert_eq!(
        s.order("erp", "H").unwrap().unwrap().state.status,
        Status::Released
    );
    s.record_check(vec![with_order("o2")], None).unwrap();
    let state = s.order("erp", "H").unwrap().unwrap().state;
    assert_eq!(
        (
            state.status,
            state.releases.len(),
            state.order_sha256.as_str()
        ),
        (Status::Pending, 0, "o2")
    );
    s.decide(decision("H", Action::Release, "bob", "fine"))
        .unwrap();
    // An order that could not be told is no order seen before.
    s.record_check(vec![with_order("")], None).unwrap();
    s.record_check(vec![with_order("")], None).unwrap();
    assert_eq!(
        s.order("erp", "H").unwrap().unwrap().state.status,
        Status::Pending
    );
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

fn idempotent_answers(s: &dyn Store) {
    let entry = store::Idempotent {
        client: "erp".into(),
        key: "k1".into(),
        request_sha256: "r".repeat(64),
        judged_with: "w".repeat(64),
        status: 200,
        response: b"answer".to_vec(),
    };
    assert!(matches!(
        s.record_check(vec![judgement("A", "hold", &[], "a")], Some(entry.clone()))
            .unwrap(),
        Recorded::Appended(_)
    ));
    let again = s
        .record_check(vec![judgement("A", "hold", &[], "a")], Some(entry.clone()))
        .unwrap();
    assert_eq!(again, Recorded::Replayed(entry.clone()));
    assert_eq!(s.idempotent("erp", "k1").unwrap(), Some(entry.clone()));
    // Keys are per client.
    assert_eq!(s.idempotent("other", "k1").unwrap(), None);
    assert_eq!(all_rows(s).len(), 1);
    // Judged with another pack or lists, the stored answer is stale: the judgements are
    // appended and the key answers them from now on.
    let reloaded = store::Idempotent {
        judged_with: "v".repeat(64),
        response: b"new answer".to_vec(),
        ..entry.clone()
    };
    assert!(matches!(
        s.record_check(
            vec![judgement("A", "block", &[], "a2")],
            Some(reloaded.clone())
        )
        .unwrap(),
        Recorded::Appended(_)
    ));
    assert_eq!(s.idempotent("erp", "k1").unwrap(), Some(reloaded.clone()));
    assert_eq!(all_rows(s).len(), 2);
    // Another request under the key is answered with what is stored (which the server
    // refuses), whatever it was judged with.
    let other = store::Idempotent {
        request_sha256: "q".repeat(64),
        judged_with: "u".repeat(64),
        ..entry
    };
    assert_eq!(
        s.record_check(vec![judgement("A", "hold", &[], "a")], Some(other))
            .unwrap(),
        Recorded::Replayed(reloaded)
    );
    assert_eq!(all_rows(s).len(), 2);
}

fn queue_filters(s: &dyn Store) {
    s.record_check(
        vec![
            judgement("1", "block", &["RF-A-1", "RF-B-1"], "1"),
            judgement("2", "hold", &["RF-A-10"], "2"),
            judgement("3", "error", &[], "3"),
            judgement("4", "review", &["RF-A-1"], "4"),
        ],
        None,
    )
    .unwrap();
    let ids = |verdict: Option<&str>, rule: Option<&str>| -> Vec<String> {
        s.queue(&QueueFilter {
            verdict: verdict.map(String::from),
            rule: rule.map(String::from),
            limit: 10,
        })
        .unwrap()
        .into_iter()
        .map(|q| q.order_id)
        .collect()
    };
    assert_eq!(ids(None, None), ["1", "2", "3"]);
    assert_eq!(ids(Some("hold"), None), ["2"]);
    assert_eq!(ids(None, Some("RF-A-1")), ["1"]);
    assert_eq!(ids(None, Some("RF-A-1%")), Vec::<String>::new());
    assert_eq!(ids(None, Some("RF-A-1_")), Vec::<String>::new());
    assert_eq!(ids(Some("block"), Some("RF-B-1")), ["1"]);
}

/// `judgement(...)` sent by another client.
fn from(client: &str, j: NewJudgement) -> NewJudgement {
    NewJudgement {
        client: client.into(),
        ..j
    }
}

/// `decision(...)` on another client's order.
fn on(client: &str, d: NewDecision) -> NewDecision {
    NewDecision {
        client: client.into(),
        ..d
    }
}

fn awaiting(s: &dyn Store) -> Vec<(String, String, Status)> {
    s.queue(&QueueFilter {
        limit: 10,
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|q| (q.client, q.order_id, q.status))
    .collect()
}

/// Another client's clean order under the id a block waits under leaves the block waiting:
/// the order is the client's id, not the id alone.
fn one_clients_order_never_moves_anothers(s: &dyn Store) {
    s.record_check(vec![judgement("X", "block", &["R1"], "b1")], None)
        .unwrap();
    s.record_check(vec![from("erp2", judgement("X", "clear", &[], "c1"))], None)
        .unwrap();
    assert_eq!(
        awaiting(s),
        [("erp".to_string(), "X".to_string(), Status::Pending)]
    );
    let blocked = s.order("erp", "X").unwrap().unwrap();
    assert_eq!(
        (blocked.state.verdict.as_str(), blocked.state.status),
        ("block", Status::Pending)
    );
    // Each client's history holds its own rows only.
    assert_eq!(blocked.rows.len(), 1);
    let clean = s.order("erp2", "X").unwrap().unwrap();
    assert_eq!(
        (clean.state.verdict.as_str(), clean.state.status),
        ("clear", Status::Clear)
    );
    assert_eq!(clean.rows.len(), 1);
    assert_eq!(s.clients("X").unwrap(), ["erp", "erp2"]);
    assert!(s.order("erp3", "X").unwrap().is_none());
    assert!(matches!(
        s.decide(on("erp3", decision("X", Action::Confirm, "alice", ""))),
        Err(StoreError::NotFound(_))
    ));
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

/// Another client's hold under a blocked id: releasing it (one reviewer) leaves the block
/// waiting for two.
fn a_release_of_one_clients_order_leaves_anothers(s: &dyn Store) {
    s.record_check(vec![judgement("X", "block", &["R1"], "b1")], None)
        .unwrap();
    s.record_check(
        vec![from("erp2", judgement("X", "hold", &["R2"], "h1"))],
        None,
    )
    .unwrap();
    let released = s
        .decide(on("erp2", decision("X", Action::Release, "alice", "known")))
        .unwrap();
    assert_eq!(
        (released.state.client.as_str(), released.state.status),
        ("erp2", Status::Released)
    );
    let block = s.order("erp", "X").unwrap().unwrap().state;
    assert_eq!((block.status, block.releases.len()), (Status::Pending, 0));
    let first = s
        .decide(decision("X", Action::Release, "alice", "ok"))
        .unwrap();
    assert_eq!(first.state.status, Status::Pending);
    let second = s
        .decide(decision("X", Action::Release, "bob", "ok"))
        .unwrap();
    assert_eq!(second.state.status, Status::Released);
    // The decision rows name the client whose order they answered.
    let clients: Vec<String> = all_rows(s)
        .iter()
        .filter(|r| r.kind == "decision")
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["client"].to_string())
        .collect();
    assert_eq!(clients, ["\"erp2\"", "\"erp\"", "\"erp\""]);
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

/// A token with both roles cannot release an order it sent (by its name, as the token file
/// tells people apart); another reviewer can, and it may still confirm or escalate its own.
fn a_reviewer_does_not_release_what_it_sent(s: &dyn Store) {
    s.record_check(
        vec![
            from("carol", judgement("S", "hold", &["R2"], "s1")),
            from("carol", judgement("T", "hold", &["R2"], "t1")),
        ],
        None,
    )
    .unwrap();
    for who in ["carol", "Carol "] {
        match s.decide(on("carol", decision("S", Action::Release, who, "mine"))) {
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains("cannot release it"), "{message}")
            }
            other => panic!("{who:?} released its own order: {other:?}"),
        }
    }
    assert_eq!(
        s.decide(on("carol", decision("S", Action::Release, "alice", "seen")))
            .unwrap()
            .state
            .status,
        Status::Released
    );
    assert_eq!(
        s.decide(on("carol", decision("T", Action::Escalate, "carol", "")))
            .unwrap()
            .state
            .status,
        Status::Escalated
    );
    let v = verify(s);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

fn concurrent_writers_keep_one_chain(fresh: &dyn Fn() -> Box<dyn Store>) {
    let s: std::sync::Arc<dyn Store> = std::sync::Arc::from(fresh());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let id = format!("T{t}-{i}");
                    s.record_check(vec![judgement(&id, "hold", &["R"], "x")], None)
                        .unwrap();
                    s.decide(decision(&id, Action::Escalate, "alice", ""))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let v = store::verify(|after| s.audit_rows(after, 50), &s.states().unwrap(), None).unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.rows, 400);
}

#[test]
fn store_cases_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    cases(&|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::new(store::sqlite::SqliteStore::open(&dir.path().join(format!("s{n}.db"))).unwrap())
    });
}

#[test]
#[cfg_attr(
    not(redflag_postgres),
    ignore = "needs REDFLAG_POSTGRES_URL (set by .ci/run, which starts PostgreSQL)"
)]
fn store_cases_on_postgres() {
    #[cfg(redflag_postgres)]
    cases(&|| {
        Box::new(store::postgres::PgStore::open(&super::postgres_database("store")).unwrap())
    });
}

/// A SQLite trail of three holds and one release, and its head as `audit verify` prints it.
fn small_trail(path: &std::path::Path) -> String {
    {
        let s = store::sqlite::SqliteStore::open(path).unwrap();
        for id in ["A", "B", "C"] {
            s.record_check(vec![judgement(id, "hold", &["R"], id)], None)
                .unwrap();
        }
        s.decide(decision("A", Action::Release, "alice", "looked at it"))
            .unwrap();
    }
    let (status, out, err) = super::redflag(
        &["audit", "verify", "--db", &path.display().to_string()],
        b"",
    );
    assert_eq!(status, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("intact: 4 rows; head 4:"), "{out}");
    out.trim().rsplit(' ').next().unwrap().to_string()
}

/// Tampering with a SQLite trail, as someone with the file would: every kind is found.
#[test]
fn audit_verify_finds_edited_deleted_and_cut_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guarded.db");
    small_trail(&path);
    // The database refuses edits through SQL as it is...
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn
        .execute("UPDATE audit SET body = '{}' WHERE seq = 1", [])
        .is_err());
    assert!(conn.execute("DELETE FROM audit WHERE seq = 2", []).is_err());
    drop(conn);

    // ...so a forger drops the guards first.
    let check = |what: &str, sql: &str, expect: &str| {
        let path = dir.path().join(format!("{}.db", what.replace(' ', "-")));
        let head = small_trail(&path);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
            .unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let db = path.display().to_string();
        let (status, out, err) =
            super::redflag(&["audit", "verify", "--db", &db, "--head", &head], b"");
        assert_eq!(status, 1, "{what}: {}", String::from_utf8_lossy(&out));
        assert!(err.contains(expect), "{what}: {err}");
    };
    check(
        "edit a reason",
        "UPDATE audit SET body = replace(body, 'looked at it', 'approved by board') WHERE seq = 4",
        "row 4 (decision of order `A`) was edited",
    );
    check("edit a hash", "UPDATE audit SET hash = CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END || substr(hash, 2) WHERE seq = 2", "row 3 does not name the hash");
    check(
        "delete a middle row",
        "DELETE FROM audit WHERE seq = 2",
        "rows 2..2 are missing",
    );
    check(
        "cut the tail",
        "DELETE FROM audit WHERE seq = 4",
        "order `A` of client `erp` stands released",
    );
    check("cut the tail and the state", "DELETE FROM audit WHERE seq >= 3; DELETE FROM orders WHERE order_id = 'C'; UPDATE orders SET status = 'pending', releases = '[]' WHERE order_id = 'A'", "the recorded head");
    check(
        "the state only",
        "UPDATE orders SET status = 'released' WHERE order_id = 'B'",
        "order `B` of client `erp` stands released",
    );

    // Export writes every row as JSON Lines.
    let db = path.display().to_string();
    let (status, out, _) = super::redflag(&["audit", "export", "--db", &db], b"");
    assert_eq!(status, 0);
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[3]["body"]["reason"], "looked at it");
    assert_eq!(lines[3]["prev_hash"], lines[2]["hash"]);
    // A database that is not there is an error, not an intact empty trail.
    let (status, _, err) =
        super::redflag(&["audit", "verify", "--db", "/nonexistent/redflag.db"], b"");
    assert_eq!(status, 2, "{err}");
}

/// The tables of a database made before judgements named their order and stored answers named
/// what judged them (both backends take these statements).
const LEGACY_TABLES: &str = "
CREATE TABLE audit (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
  order_id TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE judgement_html (seq BIGINT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE orders (order_id TEXT PRIMARY KEY, latest_seq BIGINT NOT NULL, verdict TEXT NOT NULL,
  rules TEXT NOT NULL, result_sha256 TEXT NOT NULL, streak_start BIGINT NOT NULL,
  status TEXT NOT NULL, releases TEXT NOT NULL);
";

/// A trail written by that version: a hold, its release, and the same result judged again,
/// which then kept the release; and an id two clients sent, when the id alone named the state:
/// `erp2`'s hold, then `erp`'s block under the same id, which took the state over, and a
/// release (naming no client) of that block. Its rows and the orders' states, as SQL.
fn legacy_trail() -> String {
    let judgement = |client: &str, id: &str, verdict: &str, rule: &str, result: &str| {
        json!({
            "verdict": verdict, "rules": [rule], "result_sha256": result, "pack_sha256": "p",
            "lists": [], "html_sha256": "x", "client": client, "judgement": {"id": id},
        })
        .to_string()
    };
    let release = |seq: i64, verdict: &str, result: &str, status: &str| {
        json!({
            "action": "release", "reviewer": "alice", "reason": "fine", "judgement_seq": seq,
            "verdict": verdict, "result_sha256": result, "status": status,
        })
        .to_string()
    };
    let mut sql = String::new();
    let mut prev = store::GENESIS.to_string();
    for (seq, kind, id, body) in [
        (
            1,
            "judgement",
            "H",
            judgement("erp", "H", "hold", "R2", "h1"),
        ),
        (2, "decision", "H", release(1, "hold", "h1", "released")),
        (
            3,
            "judgement",
            "H",
            judgement("erp", "H", "hold", "R2", "h1"),
        ),
        (
            4,
            "judgement",
            "X",
            judgement("erp2", "X", "hold", "R2", "x1"),
        ),
        (
            5,
            "judgement",
            "X",
            judgement("erp", "X", "block", "R1", "b1"),
        ),
        (6, "decision", "X", release(5, "block", "b1", "pending")),
    ] {
        let at = format!("2024-01-0{seq}T00:00:00.000000Z");
        let hash = store::row_hash(&prev, seq, &at, kind, id, &body);
        sql.push_str(&format!(
            "INSERT INTO audit (seq, at, kind, order_id, body, prev_hash, hash) VALUES ({seq}, '{at}', '{kind}', '{id}', '{body}', '{prev}', '{hash}');\n"
        ));
        prev = hash;
    }
    sql.push_str(
        "INSERT INTO orders VALUES ('H', 3, 'hold', ',R2,', 'h1', 1, 'released', '[\"alice\"]');\n\
         INSERT INTO orders VALUES ('X', 5, 'block', ',R1,', 'b1', 5, 'pending', '[\"alice\"]');\n",
    );
    sql
}

/// A database of the earlier version opens: the columns are added, each order state is keyed by
/// the client of its latest judgement, its trail still verifies (its judgements replayed under
/// the rule they were written under: the id alone named the state), its order is judged afresh
/// (the state names no order), and its stored answer is not replayed (it names nothing that
/// judged it).
fn an_earlier_database_is_brought_up_to_date(open: &dyn Fn() -> Box<dyn Store>) {
    let s = open();
    let v = verify(s.as_ref());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.rows, 6);
    let keys: Vec<(String, String)> = s
        .states()
        .unwrap()
        .into_iter()
        .map(|st| (st.client, st.order_id))
        .collect();
    assert_eq!(
        keys,
        [("erp".into(), "H".into()), ("erp".into(), "X".into())]
    );
    let shared = s.order("erp", "X").unwrap().unwrap();
    assert_eq!(
        (shared.state.status, shared.state.releases.clone()),
        (Status::Pending, vec!["alice".to_string()])
    );
    // `erp`'s own rows: its judgement, and the release that answered it.
    assert_eq!(
        shared.rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [5, 6]
    );
    // From now on another client's order under that id has its own state.
    s.record_check(
        vec![from("erp2", judgement("X", "hold", &["R2"], "x1"))],
        None,
    )
    .unwrap();
    assert_eq!(s.clients("X").unwrap(), ["erp", "erp2"]);
    assert_eq!(s.order("erp", "X").unwrap().unwrap().state, shared.state);
    let state = s.order("erp", "H").unwrap().unwrap().state;
    assert_eq!(
        (state.status, state.order_sha256.as_str()),
        (Status::Released, "")
    );
    let stored = s.idempotent("erp", "k1").unwrap().unwrap();
    assert_eq!(
        (stored.judged_with.as_str(), stored.response.as_slice()),
        ("", b"old".as_slice())
    );
    let retried = store::Idempotent {
        judged_with: "w".repeat(64),
        response: b"new".to_vec(),
        ..stored
    };
    assert!(matches!(
        s.record_check(vec![judgement("H", "hold", &["R2"], "h1")], Some(retried))
            .unwrap(),
        Recorded::Appended(_)
    ));
    assert_eq!(
        s.order("erp", "H").unwrap().unwrap().state.status,
        Status::Pending
    );
    assert_eq!(
        s.idempotent("erp", "k1").unwrap().unwrap().response,
        b"new".to_vec()
    );
    drop(s);
    // Opened again, nothing is added twice.
    let s = open();
    let v = verify(s.as_ref());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.rows, 8);
}

#[test]
fn an_earlier_sqlite_database_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("earlier.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(LEGACY_TABLES).unwrap();
    conn.execute_batch(
        "CREATE TABLE idempotency (client TEXT NOT NULL, key TEXT NOT NULL,
           request_sha256 TEXT NOT NULL, status INTEGER NOT NULL, response BLOB NOT NULL,
           PRIMARY KEY (client, key));
         INSERT INTO idempotency VALUES ('erp', 'k1', 'r', 200, X'6f6c64');",
    )
    .unwrap();
    conn.execute_batch(&legacy_trail()).unwrap();
    drop(conn);
    an_earlier_database_is_brought_up_to_date(&|| {
        Box::new(store::sqlite::SqliteStore::open(&path).unwrap())
    });
}

#[test]
#[cfg_attr(
    not(redflag_postgres),
    ignore = "needs REDFLAG_POSTGRES_URL (set by .ci/run, which starts PostgreSQL)"
)]
fn an_earlier_postgres_database_is_brought_up_to_date() {
    #[cfg(redflag_postgres)]
    {
        let url = super::postgres_database("earlier");
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin.batch_execute(LEGACY_TABLES).unwrap();
        admin
            .batch_execute(
                "CREATE TABLE idempotency (client TEXT NOT NULL, key TEXT NOT NULL,
                   request_sha256 TEXT NOT NULL, status INTEGER NOT NULL, response BYTEA NOT NULL,
                   PRIMARY KEY (client, key));
                 INSERT INTO idempotency VALUES ('erp', 'k1', 'r', 200, '\\x6f6c64');
                 CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1),
                   seq BIGINT NOT NULL, hash TEXT NOT NULL);",
            )
            .unwrap();
        admin.batch_execute(&legacy_trail()).unwrap();
        admin
            .batch_execute(
                "INSERT INTO audit_head SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            )
            .unwrap();
        drop(admin);
        an_earlier_database_is_brought_up_to_date(&|| {
            Box::new(store::postgres::PgStore::open(&url).unwrap())
        });
    }
}
