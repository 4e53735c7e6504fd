//! The HTTP API: checks, idempotency, authentication, limits, decisions, reload, operations.

use serde_json::json;

use super::*;

fn sample() -> Vec<u8> {
    std::fs::read(SAMPLE).unwrap()
}

/// The `check` a server's answer equals: before shipment, JSON out, the body as `input`.
fn check_as_served(input: &str) -> [&str; 6] {
    ["check", "--format", "json", "--input-format", input, "-"]
}

/// The order ids of the sample, with their verdicts: one block, one hold.
const BLOCKED: &str = "SO-2015-0042-J";
const HELD: &str = "SO-2024-0412-J";

/// A server is a gate before shipment: it answers what `check` gives.
#[test]
fn check_answers_the_bytes_check_gives() {
    let server = start(&[]);
    let body = sample();
    let served = server.check(&body);
    assert_eq!(served.status, 200, "{}", served.text());
    let (status, cli, _) = redflag(&check_as_served("json"), &body);
    assert_eq!(status, 1);
    assert_eq!(served.text(), String::from_utf8(cli).unwrap());

    // One order as an object, and JSON Lines by content type.
    let one = serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()[1])
        .unwrap();
    let served = server.check(&one);
    let (_, cli, _) = redflag(&check_as_served("json"), &one);
    assert_eq!(served.body, cli);
    let lines = std::fs::read("fixtures/orders/sample.jsonl").unwrap();
    let served = server.post("/v1/check", Some(ERP), "application/x-ndjson", &lines);
    let (_, cli, _) = redflag(&check_as_served("jsonl"), &lines);
    assert_eq!(served.status, 200);
    assert_eq!(served.body, cli);
    // The report names the pack digest and the input's digest; a server's orders have not
    // shipped, so its report does not say they did.
    let report = served.json();
    assert!(report.get("shipped").is_none(), "{report}");
    assert!(report["pack"]["sha256"].as_str().unwrap().len() == 64);
    assert!(
        report["summary"]["inputs"][0]["sha256"]
            .as_str()
            .unwrap()
            .len()
            == 64
    );
}

/// One request with an order id twice is one input with a repeated id, answered as `check`
/// answers that input: in JSON Lines the second record is an error naming the first line, in a
/// JSON array both are (which one is the order cannot be told). Each request is its own input:
/// the same id in a later request is that order judged again, not a repeat.
#[test]
fn an_order_id_twice_in_one_request_is_an_error_as_in_one_input() {
    let server = start(&[]);
    let sample: Vec<serde_json::Value> = serde_json::from_slice(&sample()).unwrap();
    let held = sample.iter().find(|o| o["id"] == HELD).unwrap().to_string();
    let held = held.as_str();
    let twice = format!("{held}\n{held}\n");
    let served = server.post(
        "/v1/check",
        Some(ERP),
        "application/x-ndjson",
        twice.as_bytes(),
    );
    assert_eq!(served.status, 200, "{}", served.text());
    let (_, cli, _) = redflag(&check_as_served("jsonl"), twice.as_bytes());
    assert_eq!(served.text(), String::from_utf8(cli).unwrap());
    let report = served.json();
    assert_eq!(report["orders"][0]["verdict"], "hold");
    assert_eq!(report["orders"][1]["verdict"], "error");
    assert_eq!(report["orders"][1]["problems"][0]["code"], "O111");
    assert!(
        report["orders"][1]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already appears on line 1"),
        "{report}"
    );
    assert_eq!(report["summary"]["rejected"], 1);

    let array = format!("[{held},{held}]");
    let served = server.check(array.as_bytes());
    let (_, cli, _) = redflag(&check_as_served("json"), array.as_bytes());
    assert_eq!(served.text(), String::from_utf8(cli).unwrap());
    let report = served.json();
    assert_eq!(report["orders"][0]["verdict"], "error");
    assert_eq!(report["orders"][1]["verdict"], "error");

    // The order alone in a later request is judged, as before.
    let again = server.check(held.as_bytes());
    assert_eq!(again.json()["orders"][0]["verdict"], "hold");
}

#[test]
fn an_unknown_field_is_reported_as_check_reports_it() {
    let server = start(&[]);
    let body = br#"{"id": "SO-X-1", "date": "2024-01-01", "buyer": {"name": "A", "country": "DE"}, "colour": "red"}"#;
    let served = server.check(body);
    let (_, cli, _) = redflag(&check_as_served("json"), body);
    assert_eq!(served.status, 200);
    assert_eq!(served.body, cli);
    assert_eq!(served.json()["orders"][0]["verdict"], "error");
    // An unreadable order is never let through quietly: it waits for a reviewer.
    let queue = server.get("/v1/queue", Some(ALICE)).json();
    assert_eq!(queue["orders"][0]["order"], "SO-X-1");
    assert_eq!(queue["orders"][0]["releases_needed"], 2);
}

#[test]
fn an_idempotency_key_answers_the_stored_result_once() {
    let server = start(&[]);
    let body = sample();
    let key = [("Idempotency-Key", "erp-batch-7")];
    let first = server.post_with("/v1/check", Some(ERP), "application/json", &body, &key);
    let again = server.post_with("/v1/check", Some(ERP), "application/json", &body, &key);
    assert_eq!(first.status, 200);
    assert_eq!(again.status, 200);
    assert_eq!(first.body, again.body);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.header("idempotent-replayed"), None);
    // Judged once: two orders, two judgement rows.
    let history = server
        .get(&format!("/v1/orders/{BLOCKED}"), Some(ALICE))
        .json();
    assert_eq!(history["earlier"].as_array().unwrap().len(), 0);
    // The same key for other orders is refused, not answered with the wrong result.
    let other = server.post_with("/v1/check", Some(ERP), "application/json", b"[]", &key);
    assert_eq!(other.status, 422, "{}", other.text());
    assert!(other.text().contains("erp-batch-7"));
}

/// A stored answer is judged with the pack and lists of its day: after a reload that changes the
/// verdict, a retry with the same key is judged again (and recorded), not answered with the
/// stale verdict; the key then answers the new judgement.
#[test]
fn an_idempotency_key_does_not_replay_a_verdict_judged_before_a_reload() {
    let (server, list, held) = server_with_a_watchlist();
    let key = [("Idempotency-Key", "erp-order-0412")];
    let post =
        |body: &[u8]| server.post_with("/v1/check", Some(ERP), "application/json", body, &key);
    let first = post(&held);
    assert_eq!(first.json()["orders"][0]["verdict"], "hold");
    // Before a reload, a retry is answered from the store.
    let retried = post(&held);
    assert_eq!(
        retried.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(retried.body, first.body);

    write_watchlist(&list, &["Uludağ Dokuma Makine Servis Ltd. Şti."]);
    let reload = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(reload.status, 200, "{}", reload.text());
    let after = post(&held);
    assert_eq!(after.status, 200, "{}", after.text());
    assert_eq!(after.header("idempotent-replayed"), None);
    assert_eq!(after.json()["orders"][0]["verdict"], "block");
    // Judged and recorded: the order is back in the queue as a block.
    let history = server
        .get(&format!("/v1/orders/{HELD}"), Some(ALICE))
        .json();
    assert_eq!(history["state"]["verdict"], "block");
    assert_eq!(history["earlier"].as_array().unwrap().len(), 1);
    // The key now answers the new judgement; another body under it is still refused.
    let again = post(&held);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, after.body);
    assert_eq!(post(b"[]").status, 422);
    let history = server
        .get(&format!("/v1/orders/{HELD}"), Some(ALICE))
        .json();
    assert_eq!(history["earlier"].as_array().unwrap().len(), 1);
}

/// An order with the blocked order's id, judged alike (same verdict, findings and evidence) but
/// for ten times the machines, is another order: the block's two releases do not carry over to
/// it. The same order sent again, formatted otherwise and among other orders, keeps them.
#[test]
fn a_release_carries_over_only_to_the_same_order() {
    let server = start(&[]);
    let orders: Vec<serde_json::Value> = serde_json::from_slice(&sample()).unwrap();
    let blocked = &orders[0];
    assert_eq!(blocked["id"], BLOCKED);
    assert_eq!(
        server.check(&serde_json::to_vec(blocked).unwrap()).json()["orders"][0]["verdict"],
        "block"
    );
    for (who, why) in [(ALICE, "end user verified on site"), (BOB, "agreed")] {
        let released = server.decide(who, BLOCKED, json!({"action": "release", "reason": why}));
        assert_eq!(released.status, 201, "{}", released.text());
    }
    let state = |server: &Server| {
        server
            .get(&format!("/v1/orders/{BLOCKED}"), Some(ALICE))
            .json()
    };
    assert_eq!(state(&server)["state"]["status"], "released");

    // The same order again, pretty-printed, second in an array: still released.
    let resent = serde_json::to_vec_pretty(&json!([orders[1], blocked])).unwrap();
    assert_eq!(server.check(&resent).status, 200);
    assert_eq!(state(&server)["state"]["status"], "released");
    assert_eq!(state(&server)["state"]["releases"], json!(["alice", "bob"]));

    // Ten times the quantity: the same result, another order.
    let mut changed = blocked.clone();
    changed["items"][0]["quantity"] = json!(30);
    let judged = server.check(&serde_json::to_vec(&changed).unwrap()).json();
    assert_eq!(judged["orders"][0]["verdict"], "block");
    let history = state(&server);
    let (latest, before) = (&history["latest"]["body"], &history["earlier"][0]["body"]);
    assert_eq!(latest["result_sha256"], before["result_sha256"]);
    assert_ne!(latest["order_sha256"], before["order_sha256"]);
    assert_eq!(history["state"]["status"], "pending", "{history}");
    assert_eq!(history["state"]["releases"], json!([]));
    let queue = server.get("/v1/queue?verdict=block", Some(ALICE)).json();
    assert_eq!(queue["orders"][0]["order"], BLOCKED);
    // The trail says the same.
    let db = server.dir.path().join("redflag.db").display().to_string();
    let (status, out, err) = redflag(&["audit", "verify", "--db", &db], b"");
    assert_eq!(status, 0, "{err}{}", String::from_utf8_lossy(&out));
}

/// A record that could not be read has no normalised form: its text as received is what a
/// release answers. Sent again byte for byte (here inside a JSON array, after JSON Lines) it
/// keeps its releases; with another buyer and the same problems it is another record.
#[test]
fn a_release_of_an_unreadable_record_answers_its_text() {
    let server = start(&[]);
    let record = r#"{"id": "SO-X-1", "date": "2024-01-01", "buyer": {"name": "A", "country": "DE"}, "colour": "red"}"#;
    let sent = server.post(
        "/v1/check",
        Some(ERP),
        "application/x-ndjson",
        format!("\n{record}\n").as_bytes(),
    );
    assert_eq!(sent.json()["orders"][0]["verdict"], "error");
    for (who, why) in [(ALICE, "ERP fixed"), (BOB, "agreed")] {
        let released = server.decide(who, "SO-X-1", json!({"action": "release", "reason": why}));
        assert_eq!(released.status, 201, "{}", released.text());
    }
    let status = || server.get("/v1/orders/SO-X-1", Some(ALICE)).json()["state"]["status"].clone();
    assert_eq!(status(), "released");
    let again = format!("[\n  {{\"id\": \"SO-Y-1\", \"date\": \"2024-01-01\"}},\n  {record}\n]");
    assert_eq!(server.check(again.as_bytes()).status, 200);
    assert_eq!(status(), "released");
    let other = record.replace(r#""name": "A""#, r#""name": "Another Buyer Entirely""#);
    let judged = server.check(other.as_bytes()).json();
    assert_eq!(judged["orders"][0]["verdict"], "error");
    assert_eq!(status(), "pending");
}

#[test]
fn everything_but_health_needs_a_token_with_the_right_role() {
    let server = start(&[]);
    assert_eq!(server.get("/healthz", None).status, 200);
    assert_eq!(server.get("/readyz", None).status, 200);
    for path in ["/metrics", "/openapi.json", "/v1/queue", "/v1/orders/X"] {
        let a = server.get(path, None);
        assert_eq!(a.status, 401, "{path}");
        assert_eq!(a.header("www-authenticate").as_deref(), Some("Bearer"));
        assert_eq!(
            server.get(path, Some("test-token-nobody")).status,
            401,
            "{path}"
        );
    }
    assert_eq!(
        server
            .post("/v1/check", None, "application/json", b"[]")
            .status,
        401
    );
    // Roles: a reviewer cannot check, a client cannot read the queue or decide, only admin reloads.
    assert_eq!(
        server
            .post("/v1/check", Some(ALICE), "application/json", b"[]")
            .status,
        403
    );
    assert_eq!(server.get("/v1/queue", Some(ERP)).status, 403);
    assert_eq!(
        server
            .decide(ERP, HELD, json!({"action": "release", "reason": "x"}))
            .status,
        403
    );
    assert_eq!(
        server
            .post("/v1/admin/reload", Some(ALICE), "application/json", b"")
            .status,
        403
    );
    assert_eq!(
        server
            .post("/v1/admin/reload", Some(OPS), "application/json", b"")
            .status,
        200
    );
}

#[test]
fn limits_answer_clearly() {
    let server = start(&["--max-body", "4096", "--max-orders", "1"]);
    let big = server.check(&sample());
    assert_eq!(big.status, 413, "{}", big.text());
    let two = br#"[{"id": "A"}, {"id": "B"}]"#;
    let many = server.check(two);
    assert_eq!(many.status, 413);
    assert!(
        many.text().contains("more than 1 orders"),
        "{}",
        many.text()
    );
    let bad =
        server.check(b"{\"id\": \"SO-1\",\n \"buyer\": {\"name\": \"A\" \"country\": \"DE\"}}");
    assert_eq!(bad.status, 400);
    let problem = &bad.json()["detail"]["orders"][0]["problems"][0];
    assert_eq!(problem["code"], "O101");
    assert!(
        problem["message"].as_str().unwrap().contains("line 2"),
        "{problem}"
    );
    // Nothing of a malformed body is recorded.
    assert_eq!(server.get("/v1/orders/SO-1", Some(ALICE)).status, 404);
    let csv = server.post("/v1/check", Some(ERP), "text/csv", b"id\nA\n");
    assert_eq!(csv.status, 415);
}

/// A body in the charset its `Content-Type` names is judged in it: before, the parameter was
/// ignored and a windows-1251 body was one unreadable record per order.
#[test]
fn a_body_is_read_in_the_charset_it_names() {
    let server = start(&[]);
    let order = r#"{"id": "SO-1251", "date": "2024-01-02",
        "buyer": {"name": "ООО Станкоимпорт", "country": "RU", "city": "Москва"},
        "items": [{"hs": "8207.30", "value": 10, "currency": "EUR"}]}"#;
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(order);
    let read = server.post(
        "/v1/check",
        Some(ERP),
        "application/json; charset=windows-1251",
        &cp1251,
    );
    assert_eq!(read.status, 200, "{}", read.text());
    let report = read.json();
    assert_eq!(
        report["orders"][0]["context"]["buyer_name"], "ООО Станкоимпорт",
        "{report}"
    );
    // The same bytes as UTF-8, the default, are unreadable, as they are.
    let plain = server.post("/v1/check", Some(ERP), "application/json", &cp1251);
    assert_eq!(plain.status, 400, "{}", plain.text());
    let unknown = server.post(
        "/v1/check",
        Some(ERP),
        "application/json; charset=\"x-klingon\"",
        order.as_bytes(),
    );
    assert_eq!(unknown.status, 415, "{}", unknown.text());
    assert!(unknown.text().contains("x-klingon"));
    let utf8 = server.post(
        "/v1/check",
        Some(ERP),
        "application/json; Charset=UTF-8",
        order.as_bytes(),
    );
    assert_eq!(utf8.status, 200, "{}", utf8.text());
    // UTF-8 named windows-1251 would be read as letters no list holds.
    let misnamed = server.post(
        "/v1/check",
        Some(ERP),
        "application/json; charset=windows-1251",
        order.as_bytes(),
    );
    assert_eq!(misnamed.status, 415, "{}", misnamed.text());
}

#[test]
fn a_request_that_takes_too_long_is_cut_off() {
    // A body that trickles in slower than the time-out allows.
    let server = start(&["--timeout", "1"]);
    let addr = server.base.strip_prefix("http://").unwrap().to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ERP}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n["
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[test]
fn a_block_needs_two_different_reviewers_and_a_reason() {
    let server = start(&[]);
    assert_eq!(server.check(&sample()).status, 200);
    let queue = server.get("/v1/queue", Some(ALICE)).json();
    let ids: Vec<&str> = queue["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [BLOCKED, HELD]);

    let unnamed =
        server.decide_as_sent(ALICE, BLOCKED, json!({"action": "release", "reason": "ok"}));
    assert_eq!(unnamed.status, 422, "{}", unnamed.text());
    assert!(unnamed.text().contains("names the judgement"));
    let no_reason = server.decide(ALICE, BLOCKED, json!({"action": "release"}));
    assert_eq!(no_reason.status, 422, "{}", no_reason.text());
    assert_eq!(
        server
            .decide(ALICE, BLOCKED, json!({"action": "waive", "reason": "x"}))
            .status,
        422
    );
    assert_eq!(
        server
            .decide(ALICE, "SO-NOPE", json!({"action": "confirm"}))
            .status,
        404
    );

    let first = server.decide(
        ALICE,
        BLOCKED,
        json!({"action": "release", "reason": "end user verified on site"}),
    );
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["state"]["status"], "pending");
    let twice = server.decide(
        ALICE,
        BLOCKED,
        json!({"action": "release", "reason": "really"}),
    );
    assert_eq!(twice.status, 409);
    assert!(twice.text().contains("four eyes"));
    let second = server.decide(
        BOB,
        BLOCKED,
        json!({"action": "release", "reason": "agreed"}),
    );
    assert_eq!(second.status, 201);
    assert_eq!(second.json()["state"]["status"], "released");
    assert_eq!(second.json()["state"]["releases"], json!(["alice", "bob"]));
    // Released: out of the queue; a further decision is refused.
    let queue = server.get("/v1/queue", Some(ALICE)).json();
    assert_eq!(queue["orders"].as_array().unwrap().len(), 1);
    assert_eq!(
        server
            .decide(BOB, BLOCKED, json!({"action": "confirm"}))
            .status,
        409
    );

    // A hold needs one release; escalation keeps it in the queue; a decision on a judgement
    // that is no longer the latest is refused.
    let latest = server
        .get(&format!("/v1/orders/{HELD}"), Some(ALICE))
        .json()["state"]["judgement"]
        .clone();
    assert_eq!(
        server
            .decide(
                ALICE,
                HELD,
                json!({"action": "escalate", "reason": "unsure"})
            )
            .status,
        201
    );
    assert_eq!(
        server.get("/v1/queue?verdict=hold", Some(ALICE)).json()["orders"][0]["status"],
        "escalated"
    );
    assert_eq!(server.check(&sample()).status, 200);
    let stale = server.decide(
        BOB,
        HELD,
        json!({"action": "release", "reason": "fine", "judgement": latest}),
    );
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert!(stale.text().contains("judged again"));
    let history = server
        .get(&format!("/v1/orders/{HELD}"), Some(ALICE))
        .json();
    let latest = history["state"]["judgement"].clone();
    assert_eq!(history["earlier"].as_array().unwrap().len(), 1);
    assert_eq!(history["decisions"][0]["body"]["action"], "escalate");
    let ok = server.decide(
        BOB,
        HELD,
        json!({"action": "release", "reason": "fine", "judgement": latest}),
    );
    assert_eq!(ok.status, 201);
    assert_eq!(ok.json()["state"]["status"], "released");
    // The same result judged again keeps the release (the block too).
    assert_eq!(server.check(&sample()).status, 200);
    assert_eq!(
        server.get("/v1/queue", Some(ALICE)).json()["orders"],
        json!([])
    );
}

#[test]
fn the_queue_filters_by_verdict_and_rule() {
    let server = start(&[]);
    server.check(&sample());
    let block = server.get("/v1/queue?verdict=block", Some(ALICE)).json();
    assert_eq!(block["orders"].as_array().unwrap().len(), 1);
    assert_eq!(block["orders"][0]["order"], BLOCKED);
    let cash = server.get("/v1/queue?rule=RF-CASH-001", Some(ALICE)).json();
    assert_eq!(cash["orders"].as_array().unwrap().len(), 2);
    let border = server
        .get("/v1/queue?rule=RF-BORDER-001", Some(ALICE))
        .json();
    assert_eq!(border["orders"].as_array().unwrap().len(), 1);
    // A prefix of a rule id, or a LIKE wildcard, matches nothing.
    for rule in ["RF-CASH", "RF-CASH-00%25", "%25"] {
        let none = server
            .get(&format!("/v1/queue?rule={rule}"), Some(ALICE))
            .json();
        assert_eq!(none["orders"], json!([]), "{rule}");
    }
}

/// A hidden character in an order (a zero-width space in the buyer's name) reaches the trail
/// and the auditor's export escaped, as in every JSON report: an auditor reading the export
/// sees it instead of a name that looks like another.
#[test]
fn the_trail_keeps_hidden_characters_visible() {
    let server = start(&[]);
    let mut order = serde_json::from_slice::<serde_json::Value>(&sample()).unwrap()[1].clone();
    let name = order["buyer"]["name"].as_str().unwrap().to_string();
    let (head, tail) = name.split_at(3);
    order["buyer"]["name"] = json!(format!("{head}\u{200B}{tail}"));
    let answer = server.check(&serde_json::to_vec(&order).unwrap());
    assert_eq!(answer.status, 200, "{}", answer.text());
    let db = server.dir.path().join("redflag.db").display().to_string();
    let (status, out, err) = redflag(&["audit", "export", "--db", &db], b"");
    assert_eq!(status, 0, "{err}");
    let export = String::from_utf8(out).unwrap();
    assert!(!export.contains('\u{200B}'), "raw in the export: {export}");
    assert!(
        export.contains(&format!("{head}\\u200b{tail}")),
        "escaped in the export: {export}"
    );
    let row: serde_json::Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    assert_eq!(
        row["body"]["judgement"]["context"]["buyer_name"],
        json!(format!("{head}\u{200B}{tail}")),
        "a JSON reader gets the same name"
    );
    let (status, _, err) = redflag(&["audit", "verify", "--db", &db], b"");
    assert_eq!(status, 0, "{err}");
}

/// A server reads the index of its lists from the list index cache that `check` keeps, and
/// writes it when it is not there: a restart or a reload over unchanged lists does not import
/// and index them again, and judges as the server that built the index did.
#[cfg(unix)]
#[test]
fn a_server_reads_the_list_index_cache() {
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("cache");
    let list = scratch.path().join("watch.csv");
    write_watchlist(&list, &["Uludağ Dokuma Makine Servis Ltd. Şti."]);
    let spec = format!("watchlist-csv:{}", list.display());
    let held =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&sample()).unwrap()[1])
            .unwrap();
    let entries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&cache)
            .map(|dir| dir.map(|e| e.unwrap().path()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "rfidx"))
            .collect()
    };
    let serve = || {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("redflag.db").display().to_string();
        start_with_cache(dir, &db, &["--list", &spec], &cache)
    };
    let built = serve();
    let verdict = built.check(&held).json()["orders"][0].clone();
    assert_eq!(verdict["verdict"], "block");
    drop(built);
    let written = entries();
    assert_eq!(written.len(), 1, "the server wrote the index of its list");
    let aged = crate::list_cache::age(&written[0]);
    let restarted = serve();
    crate::list_cache::assert_read(&written[0], aged);
    assert_eq!(restarted.check(&held).json()["orders"][0], verdict);
    let reload = restarted.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(reload.status, 200, "{}", reload.text());
    assert_eq!(
        entries(),
        written,
        "a reload of unchanged lists reads the same entry"
    );
    assert_eq!(restarted.check(&held).json()["orders"][0], verdict);
}

/// The diverter's case: an order released on Monday whose buyer is listed on Tuesday must come
/// back, however the list reaches the server (reload endpoint or SIGHUP).
#[test]
fn a_release_does_not_survive_a_changed_result() {
    let (server, list, held) = server_with_a_watchlist();
    assert_eq!(server.check(&held).json()["orders"][0]["verdict"], "hold");
    assert_eq!(
        server
            .decide(
                ALICE,
                HELD,
                json!({"action": "release", "reason": "cash is normal here"})
            )
            .json()["state"]["status"],
        "released"
    );

    write_watchlist(&list, &["Uludağ Dokuma Makine Servis Ltd. Şti."]);
    let reload = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(reload.status, 200, "{}", reload.text());
    let report = server.check(&held).json();
    assert_eq!(report["orders"][0]["verdict"], "block");
    let queue = server.get("/v1/queue", Some(ALICE)).json();
    assert_eq!(queue["orders"][0]["order"], HELD);
    assert_eq!(queue["orders"][0]["releases"], json!([]));
    // Every judgement names the digests it was made with.
    let history = server
        .get(&format!("/v1/orders/{HELD}"), Some(ALICE))
        .json();
    let before = &history["earlier"][0]["body"]["lists"][0]["sha256"];
    let after = &history["latest"]["body"]["lists"][0]["sha256"];
    assert_ne!(before, after);
    assert_eq!(
        history["latest"]["body"]["pack_sha256"],
        report["pack"]["sha256"]
    );

    // SIGHUP reads the list again too: delisted, the result changes once more.
    write_watchlist(&list, &["Somebody Else Entirely GmbH"]);
    signal(&server.child, "HUP");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let verdict = server.check(&held).json()["orders"][0]["verdict"].clone();
        if verdict == "hold" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "SIGHUP did not reload:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        server.get("/v1/queue", Some(ALICE)).json()["orders"][0]["verdict"],
        "hold"
    );
}

#[test]
fn a_reload_that_fails_leaves_the_running_pack() {
    let (server, pack) = server_with_a_copy_of_the_pack();
    let digest = server.check(b"[]").json()["pack"]["sha256"].clone();

    let rules = pack.join("rules/payment.toml");
    let good = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, format!("{good}\n[[rule]]\nid = \"broken\"\n")).unwrap();
    let failed = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(failed.status, 422, "{}", failed.text());
    let answer = failed.json();
    assert!(!answer["detail"]["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(answer["detail"]["in_force"]["pack"]["sha256"], digest);
    assert_eq!(server.check(b"[]").json()["pack"]["sha256"], digest);

    // A change that loads is put in force, and the metrics say which pack.
    std::fs::write(
        &rules,
        good.replace("Cash payment", "Cash payment (edited)"),
    )
    .unwrap();
    let ok = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(ok.status, 200, "{}", ok.text());
    let fresh = server.check(b"[]").json()["pack"]["sha256"].clone();
    assert_ne!(fresh, digest);
    let metrics = server.get("/metrics", Some(OPS)).text();
    assert!(
        metrics.contains(&format!("sha256=\"{}\"", fresh.as_str().unwrap())),
        "{metrics}"
    );
    assert!(
        metrics.contains("redflag_reloads_total{outcome=\"failed\"} 1"),
        "{metrics}"
    );
}

/// A server judging with a copy of the default pack, and the copy's path, to be edited and
/// reloaded.
fn server_with_a_copy_of_the_pack() -> (Server, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    copy_dir(std::path::Path::new("rules"), &pack);
    let db = dir.path().join("redflag.db").display().to_string();
    let pack_arg = pack.display().to_string();
    (start_in(dir, &db, &["--rules", &pack_arg]), pack)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn metrics_count_requests_latency_verdicts_and_name_the_pack() {
    let server = start(&[]);
    let report = server.check(&sample()).json();
    let text = server.get("/metrics", Some(ERP)).text();
    for needle in [
        "redflag_http_requests_total{method=\"POST\",route=\"/v1/check\",status=\"200\"} 1",
        "redflag_http_request_duration_seconds_bucket{le=",
        "redflag_verdicts_total{verdict=\"block\"} 1",
        "redflag_verdicts_total{verdict=\"hold\"} 1",
        &format!("sha256=\"{}\"", report["pack"]["sha256"].as_str().unwrap()),
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
    assert!(text.contains("redflag_pack_info{"), "{text}");
}

/// The sum of a counter family's samples in a metrics text (`redflag_rule_findings_total`).
fn summed(text: &str, family: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{family}{{")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn metrics_add_what_the_rules_cost_once_per_order_judged() {
    let server = start(&[]);
    let report = server.check(&sample()).json();
    let findings: usize = report["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(findings > 0, "{report}");
    let first = server.get("/metrics", Some(ERP)).text();
    assert_eq!(
        summed(&first, "redflag_rule_findings_total"),
        findings as f64,
        "{first}"
    );
    assert!(
        summed(&first, "redflag_rule_seconds_total") > 0.0,
        "{first}"
    );
    assert!(
        first.contains("redflag_rule_seconds_total{rule=\"RF-BORDER-001\"}"),
        "{first}"
    );
    assert!(first.contains("redflag_screening_seconds_total"), "{first}");
    // A second scrape adds nothing that was not judged since.
    let again = server.get("/metrics", Some(ERP)).text();
    assert_eq!(
        summed(&again, "redflag_rule_findings_total"),
        findings as f64,
        "{again}"
    );
    server.check(&sample()).json();
    let after = server.get("/metrics", Some(ERP)).text();
    assert_eq!(
        summed(&after, "redflag_rule_findings_total"),
        2.0 * findings as f64,
        "{after}"
    );
}

#[test]
fn the_openapi_document_describes_every_route() {
    let server = start(&[]);
    let doc = server.get("/openapi.json", Some(ERP)).json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/v1/check",
        "/v1/queue",
        "/v1/orders/{id}",
        "/v1/orders/{id}/decisions",
        "/v1/admin/reload",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(
            paths.contains_key(route),
            "{route} missing from {:?}",
            paths.keys()
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
}

#[test]
fn sigterm_finishes_the_request_in_flight() {
    use std::io::{Read, Write};
    let mut server = start(&[]);
    let body = sample();
    let addr = server.base.strip_prefix("http://").unwrap().to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ERP}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..100]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&server.child, "TERM");
    std::thread::sleep(Duration::from_millis(300));
    // Still running: it waits for the request it is reading.
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "stopped with a request in flight"
    );
    stream.write_all(&body[100..]).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"schema\":\"redflag.check/1\""));
    let status = wait_bounded(&mut server.child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{}", server.log());
    // New connections are refused once it has stopped.
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[test]
fn tls_with_a_certificate() {
    use std::io::{Read, Write};
    use tokio_rustls::rustls;
    let server = start(&[
        "--tls-cert",
        "fixtures/serve/tls/cert.pem",
        "--tls-key",
        "fixtures/serve/tls/key.pem",
    ]);
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let mut roots = rustls::RootCertStore::empty();
    use rustls_pki_types::pem::PemObject;
    for cert in
        rustls_pki_types::CertificateDer::pem_file_iter("fixtures/serve/tls/ca.pem").unwrap()
    {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(server.base.strip_prefix("https://").unwrap()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(tls, "GET /v1/queue HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {ALICE}\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    let _ = tls.read_to_string(&mut text);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("{\"orders\":[]}"), "{text}");
    // Plain HTTP to the TLS port gets no answer.
    let plain = agent()
        .get(server.base.replace("https://", "http://") + "/healthz")
        .call();
    assert!(plain.is_err() || plain.unwrap().status() != 200);
}

/// Several servers on one PostgreSQL database share one queue and one trail.
#[test]
#[cfg_attr(
    not(redflag_postgres),
    ignore = "needs REDFLAG_POSTGRES_URL (set by .ci/run, which starts PostgreSQL)"
)]
fn two_servers_share_a_postgres_queue() {
    #[cfg(redflag_postgres)]
    {
        let url = postgres_database("shared");
        let a = start(&["--db", &url]);
        let b = start(&["--db", &url]);
        assert_eq!(a.check(&sample()).status, 200);
        let queue = b.get("/v1/queue", Some(ALICE)).json();
        assert_eq!(queue["orders"].as_array().unwrap().len(), 2);
        assert_eq!(
            a.decide(
                ALICE,
                BLOCKED,
                json!({"action": "release", "reason": "one"})
            )
            .status,
            201
        );
        // Four eyes across instances: alice again on the other server is refused; bob completes.
        assert_eq!(
            b.decide(
                ALICE,
                BLOCKED,
                json!({"action": "release", "reason": "two"})
            )
            .status,
            409
        );
        assert_eq!(
            b.decide(BOB, BLOCKED, json!({"action": "release", "reason": "two"}))
                .json()["state"]["status"],
            "released"
        );
        assert_eq!(
            a.get("/v1/queue", Some(ALICE)).json()["orders"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let (status, out, err) = redflag(&["audit", "verify", "--db", &url], b"");
        assert_eq!(status, 0, "{err}");
        let out = String::from_utf8_lossy(&out);
        assert!(out.starts_with("intact: 5 rows"), "{out}");
    }
}

/// Four eyes count names: a second token for the same person, written with another case, a
/// trailing space, an invisible character or a look-alike letter (a Latin alpha, a Cyrillic
/// `а`), would let one reviewer release alone.
#[test]
fn a_token_file_naming_one_person_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for other in [
        "alice ",
        "Alice",
        "ali\u{200b}ce",
        "\u{251}lice",
        "\u{430}lice",
    ] {
        let path = dir.path().join("tokens.toml");
        let hash = "8a299dd6630502da57996f288a64c626810757764fff3cfe848002e8a6facee8";
        std::fs::write(
            &path,
            format!(
                "session_key = \"ff8883b03f41eb505c18232d114f6a85d962b7e68495f9b83698f3328d2b35c4\"\n\
                 [[tokens]]\nname = \"alice\"\nroles = [\"reviewer\"]\nsha256 = \"{hash}\"\n\
                 [[tokens]]\nname = \"{other}\"\nroles = [\"reviewer\"]\nsha256 = \"{}\"\n",
                "1".repeat(64)
            ),
        )
        .unwrap();
        let problems = match redflag::serve::auth::Auth::load(&path) {
            Ok(_) => panic!("`{other}` was taken for another person than `alice`"),
            Err(problems) => problems,
        };
        assert!(
            problems.iter().any(|p| p.contains("two tokens are named")),
            "{other:?}: {problems:?}"
        );
    }
}

/// A list cut short by a failed download or copy loads cleanly when it is cut at a line
/// boundary; put in force by a reload, it would screen against half the list without a word.
/// A reload that takes entries or rules away from the gate is refused unless it is asked for.
#[test]
fn a_reload_that_narrows_the_gate_needs_to_be_asked_for() {
    let (server, list, held) = server_with_a_watchlist();
    let listed = "Uludağ Dokuma Makine Servis Ltd. Şti.";
    let others: Vec<String> = (0..39)
        .map(|i| format!("Unrelated Holder {i} AG"))
        .collect();
    let mut full: Vec<&str> = others.iter().map(String::as_str).collect();
    full.push(listed);
    write_watchlist(&list, &full);
    let reload = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(
        reload.status,
        200,
        "a longer list is no narrowing: {}",
        reload.text()
    );
    assert_eq!(server.check(&held).json()["orders"][0]["verdict"], "block");

    // Cut after the first half, at a line boundary: every row left reads well.
    write_watchlist(&list, &full[..20]);
    let refused = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(refused.status, 409, "{}", refused.text());
    let detail = &refused.json()["detail"];
    let narrowing = detail["narrowing"].to_string();
    assert!(
        narrowing.contains("has 20 entries, against 40 in force"),
        "{narrowing}"
    );
    assert_eq!(detail["in_force"]["lists"][0]["entries"], 40);
    assert_eq!(server.check(&held).json()["orders"][0]["verdict"], "block");

    // SIGHUP cannot say that a shrink is meant: it is refused too, and logged.
    signal(&server.child, "HUP");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    // The refusal of the request above is logged too: wait for the second.
    while server.log().matches("reload refused").count() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "SIGHUP was not refused:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(server.check(&held).json()["orders"][0]["verdict"], "block");
    let metrics = server.get("/metrics", Some(OPS)).text();
    assert!(
        metrics.contains("redflag_reloads_total{outcome=\"failed\"} 2"),
        "{metrics}"
    );

    // Asked for, the shorter list is put in force.
    reload_allowing_shrink(&server);
    assert_eq!(server.check(&held).json()["orders"][0]["verdict"], "hold");
}

/// A reload with `allow_shrink`, which must succeed.
fn reload_allowing_shrink(server: &Server) {
    let allowed = server.post(
        "/v1/admin/reload?allow_shrink=true",
        Some(OPS),
        "application/json",
        b"",
    );
    assert_eq!(allowed.status, 200, "{}", allowed.text());
}

/// A reload with `allow_shrink` puts the narrower pack in force: its digest is no longer
/// `digest`, the one in force before.
fn reload_asked_for_puts_in_force(server: &Server, digest: &serde_json::Value) {
    reload_allowing_shrink(server);
    assert_ne!(&server.check(b"[]").json()["pack"]["sha256"], digest);
}

/// A pack list row replaced by another keeps the list's length: `KP` swapped for `VE` in
/// `embargoed.csv` took North Korea off the gate and passed a check of row counts. Any row in
/// force that is gone or changed needs the reload to be asked for.
#[test]
fn a_reload_that_replaces_a_pack_list_row_needs_to_be_asked_for() {
    let (server, pack) = server_with_a_copy_of_the_pack();
    let digest = server.check(b"[]").json()["pack"]["sha256"].clone();
    let embargoed = pack.join("lists/embargoed.csv");
    let good = std::fs::read_to_string(&embargoed).unwrap();
    let kp = good
        .lines()
        .find(|l| l.starts_with("KP,"))
        .expect("the default pack embargoes North Korea")
        .to_string();
    let swapped = good.replace(&kp, &kp.replacen("KP,", "VE,", 1));
    assert_eq!(swapped.lines().count(), good.lines().count());
    std::fs::write(&embargoed, swapped).unwrap();
    let refused = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(refused.status, 409, "{}", refused.text());
    let narrowing = refused.json()["detail"]["narrowing"].to_string();
    assert!(
        narrowing.contains("pack list `embargoed` no longer has 1 of the")
            && narrowing.contains("(the first: `KP` of line"),
        "{narrowing}"
    );
    assert_eq!(server.check(b"[]").json()["pack"]["sha256"], digest);
    reload_asked_for_puts_in_force(&server, &digest);
}

/// A rule whose condition is weakened under the same id and version (`off_bank or
/// metal_currency` cut to `off_bank`: payment in gold passes) loads cleanly and keeps its
/// severity, so neither check above sees it; any change to what a rule judges needs the reload
/// to be asked for. An edit of its title alone does not.
#[test]
fn a_reload_that_changes_what_a_rule_judges_needs_to_be_asked_for() {
    let (server, pack) = server_with_a_copy_of_the_pack();
    let digest = server.check(b"[]").json()["pack"]["sha256"].clone();
    let rules = pack.join("rules/payment.toml");
    let good = std::fs::read_to_string(&rules).unwrap();
    let weakened = good.replacen(
        "condition = \"off_bank or metal_currency\"",
        "condition = \"off_bank\"",
        1,
    );
    assert_ne!(
        weakened, good,
        "RF-CHANNEL-001's condition has changed; update this test"
    );
    std::fs::write(&rules, weakened).unwrap();
    let refused = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(refused.status, 409, "{}", refused.text());
    let narrowing = refused.json()["detail"]["narrowing"].to_string();
    assert!(
        narrowing.contains("rule `RF-CHANNEL-001` judges otherwise than the one in force"),
        "{narrowing}"
    );
    assert_eq!(server.check(b"[]").json()["pack"]["sha256"], digest);
    reload_asked_for_puts_in_force(&server, &digest);
}

/// A rule left out of the pack, or made less severe, takes a stop away from the gate as a
/// shorter list does.
#[test]
fn a_reload_that_drops_or_softens_a_rule_needs_to_be_asked_for() {
    let (server, pack) = server_with_a_copy_of_the_pack();
    let digest = server.check(b"[]").json()["pack"]["sha256"].clone();

    let rules = pack.join("rules/payment.toml");
    let good = std::fs::read_to_string(&rules).unwrap();
    let channel = good.find("[[rule]]\nid = \"RF-CHANNEL-001\"").unwrap();
    let next = channel + good[channel + 1..].find("[[rule]]").unwrap() + 1;
    std::fs::write(&rules, format!("{}{}", &good[..channel], &good[next..])).unwrap();
    let refused = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(
        refused.json()["detail"]["narrowing"],
        json!(["rule `RF-CHANNEL-001` is no longer in the pack"])
    );
    assert_eq!(server.check(b"[]").json()["pack"]["sha256"], digest);

    let softened = good.replacen(
        "id = \"RF-CHANNEL-001\"\nversion = 3\ntitle = \"Payment outside the banking system: crypto-assets, hawala, money transfer services, prepaid or gift cards, barter or gold\"\nseverity = \"hold\"",
        "id = \"RF-CHANNEL-001\"\nversion = 3\ntitle = \"Payment outside the banking system: crypto-assets, hawala, money transfer services, prepaid or gift cards, barter or gold\"\nseverity = \"review\"",
        1,
    );
    assert_ne!(
        softened, good,
        "the rule's head has changed; update this test"
    );
    std::fs::write(&rules, softened).unwrap();
    let refused = server.post("/v1/admin/reload", Some(OPS), "application/json", b"");
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(
        refused.json()["detail"]["narrowing"],
        json!(["rule `RF-CHANNEL-001` is `review` instead of `hold`"])
    );
    reload_asked_for_puts_in_force(&server, &digest);
}
