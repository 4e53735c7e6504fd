//! An order is a client's order id: two clients (two ERPs with overlapping ids, or a client
//! token in the wrong hands) sending the same id never touch each other's state, an id that
//! several clients sent is addressed with its client or refused, and a token that both checks
//! and reviews does not release what it sent.

use serde_json::{json, Value};

use super::*;

/// The sample's blocked order's id, and the sample (one block, one hold, one clean order).
const BLOCKED: &str = "SO-2015-0042-J";

fn sample() -> Vec<Value> {
    serde_json::from_slice(&std::fs::read(SAMPLE).unwrap()).unwrap()
}

/// The sample's order at `index`, under the blocked order's id.
fn under_blocked_id(index: usize) -> Vec<u8> {
    let mut order = sample()[index].clone();
    order["id"] = json!(BLOCKED);
    serde_json::to_vec(&order).unwrap()
}

fn check_as(server: &Server, token: &str, body: &[u8]) -> Value {
    let answer = server.post("/v1/check", Some(token), "application/json", body);
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

/// A decision on `client`'s order, answering its latest judgement.
fn decide_for(server: &Server, token: &str, client: &str, action: &str, reason: &str) -> Answer {
    let path = format!("/v1/orders/{BLOCKED}?client={client}");
    let latest = server.get(&path, Some(ALICE)).json()["state"]["judgement"].clone();
    server.post(
        &format!("/v1/orders/{BLOCKED}/decisions?client={client}"),
        Some(token),
        "application/json",
        json!({"action": action, "reason": reason, "judgement": latest})
            .to_string()
            .as_bytes(),
    )
}

fn state_of(server: &Server, client: &str) -> Value {
    let answer = server.get(
        &format!("/v1/orders/{BLOCKED}?client={client}"),
        Some(ALICE),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["state"].clone()
}

fn audit_verify(server: &Server) {
    let db = server.dir.path().join("redflag.db").display().to_string();
    let (status, out, err) = redflag(&["audit", "verify", "--db", &db], b"");
    assert_eq!(status, 0, "{err}{}", String::from_utf8_lossy(&out));
}

/// Client B's clean order under the id of client A's waiting block leaves the block in the
/// queue; each has its own state.
#[test]
fn another_clients_clean_order_leaves_a_block_waiting() {
    let server = start(&[]);
    let first = check_as(&server, ERP, &serde_json::to_vec(&sample()[0]).unwrap());
    assert_eq!(first["orders"][0]["verdict"], "block");
    let clean = check_as(&server, ERP2, &under_blocked_id(2));
    assert_eq!(clean["orders"][0]["verdict"], "clear");

    let queue = server.get("/v1/queue", Some(ALICE)).json();
    assert_eq!(queue["orders"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue["orders"][0]["order"], BLOCKED);
    assert_eq!(queue["orders"][0]["client"], "erp");
    assert_eq!(queue["orders"][0]["status"], "pending");
    let block = state_of(&server, "erp");
    assert_eq!(
        (&block["verdict"], &block["status"]),
        (&json!("block"), &json!("pending"))
    );
    let mine = state_of(&server, "erp2");
    assert_eq!(
        (&mine["verdict"], &mine["status"]),
        (&json!("clear"), &json!("clear"))
    );
    assert_eq!(
        server
            .get(&format!("/v1/orders/{BLOCKED}?client=nobody"), Some(ALICE))
            .status,
        404
    );
    audit_verify(&server);
}

/// Client B's hold under the id of client A's block: one release lets B's order go and leaves
/// A's waiting for two reviewers.
#[test]
fn a_release_of_another_clients_hold_leaves_a_block_waiting() {
    let server = start(&[]);
    check_as(&server, ERP, &serde_json::to_vec(&sample()[0]).unwrap());
    let held = check_as(&server, ERP2, &under_blocked_id(1));
    assert_eq!(held["orders"][0]["verdict"], "hold");

    let released = decide_for(&server, ALICE, "erp2", "release", "known customer");
    assert_eq!(released.status, 201, "{}", released.text());
    assert_eq!(released.json()["state"]["status"], "released");
    let block = state_of(&server, "erp");
    assert_eq!(block["status"], "pending");
    assert_eq!(block["releases"], json!([]));
    assert_eq!(block["releases_needed"], 2);
    assert_eq!(released.json()["state"]["client"], "erp2");

    let first = decide_for(&server, ALICE, "erp", "release", "end user verified");
    assert_eq!(
        first.json()["state"]["status"],
        "pending",
        "{}",
        first.text()
    );
    let second = decide_for(&server, BOB, "erp", "release", "agreed");
    assert_eq!(
        second.json()["state"]["status"],
        "released",
        "{}",
        second.text()
    );
    let history = server
        .get(&format!("/v1/orders/{BLOCKED}?client=erp"), Some(ALICE))
        .json();
    assert_eq!(history["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(history["decisions"][0]["body"]["client"], "erp");
    audit_verify(&server);
}

/// An id two clients sent is not answered or decided for one of them picked by the server:
/// the answer names the clients to choose from. With one client, the client may be left out.
#[test]
fn an_id_two_clients_sent_needs_its_client() {
    let server = start(&[]);
    check_as(&server, ERP, &serde_json::to_vec(&sample()[0]).unwrap());
    let alone = server.get(&format!("/v1/orders/{BLOCKED}"), Some(ALICE));
    assert_eq!(alone.status, 200, "{}", alone.text());

    check_as(&server, ERP2, &under_blocked_id(1));
    let read = server.get(&format!("/v1/orders/{BLOCKED}"), Some(ALICE));
    assert_eq!(read.status, 409, "{}", read.text());
    assert_eq!(alone.json()["state"]["client"], "erp");
    assert!(
        read.json()["error"]
            .as_str()
            .unwrap()
            .contains("`erp`, `erp2`"),
        "{}",
        read.text()
    );
    assert_eq!(read.json()["detail"]["clients"], json!(["erp", "erp2"]));
    let judgement = state_of(&server, "erp2")["judgement"].clone();
    let decided = server.post(
        &format!("/v1/orders/{BLOCKED}/decisions"),
        Some(ALICE),
        "application/json",
        json!({"action": "release", "reason": "fine", "judgement": judgement})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(decided.status, 409, "{}", decided.text());
    assert!(decided.text().contains("?client="), "{}", decided.text());
    assert_eq!(state_of(&server, "erp2")["status"], "pending");
    assert_eq!(state_of(&server, "erp")["status"], "pending");
}

/// A token with the client and the reviewer role cannot release an order it sent: four eyes
/// across roles. Another reviewer can.
#[test]
fn a_reviewer_does_not_release_an_order_it_sent() {
    let server = start(&[]);
    check_as(&server, CAROL, &under_blocked_id(1));
    let own = decide_for(&server, CAROL, "carol", "release", "my own customer");
    assert_eq!(own.status, 409, "{}", own.text());
    assert!(own.text().contains("cannot release it"), "{}", own.text());
    assert_eq!(state_of(&server, "carol")["status"], "pending");
    let other = decide_for(&server, ALICE, "carol", "release", "checked");
    assert_eq!(other.status, 201, "{}", other.text());
    assert_eq!(other.json()["state"]["status"], "released");
    audit_verify(&server);
}

/// The review page shows each order's client and links to it with its client; an id several
/// clients sent, asked for without one, offers each client's order instead of showing one.
#[test]
fn the_page_names_the_client_of_each_order() {
    use super::page::{get_page, sign_in};
    let server = start(&[]);
    check_as(&server, ERP, &serde_json::to_vec(&sample()[0]).unwrap());
    check_as(&server, ERP2, &under_blocked_id(1));
    let alice = sign_in(&server, ALICE);
    let queue = get_page(&server, "/", &alice).text();
    for client in ["erp", "erp2"] {
        let link = format!("href=\"/orders/SO%2D2015%2D0042%2DJ?client={client}\"");
        assert!(queue.contains(&link), "{link}: {queue}");
    }
    let order = get_page(&server, &format!("/orders/{BLOCKED}?client=erp2"), &alice).text();
    assert!(
        order.contains("<dt>client</dt><dd>erp2</dd>")
            && order.contains("action=\"/orders/SO%2D2015%2D0042%2DJ/decide?client=erp2\""),
        "{order}"
    );
    let unnamed = get_page(&server, &format!("/orders/{BLOCKED}"), &alice);
    assert_eq!(unnamed.status, 409);
    let text = unnamed.text();
    assert!(
        text.contains("href=\"/orders/SO%2D2015%2D0042%2DJ?client=erp\"")
            && text.contains("href=\"/orders/SO%2D2015%2D0042%2DJ?client=erp2\"")
            && !text.contains("name=\"action\""),
        "{text}"
    );
}
