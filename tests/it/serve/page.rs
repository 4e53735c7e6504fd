//! The review page over plain HTTP: sign-in, cookie flags, CSRF, escaping, decisions.
//! (`browser.rs` drives the same page in headless Chromium.)

use super::*;

/// Signs in with `token` and returns the session cookie (`name=value`).
pub fn sign_in(server: &Server, token: &str) -> String {
    let a = server.post(
        "/login",
        None,
        "application/x-www-form-urlencoded",
        format!("token={token}").as_bytes(),
    );
    assert_eq!(a.status, 303, "{}", a.text());
    let cookie = a.header("set-cookie").unwrap();
    cookie.split(';').next().unwrap().to_string()
}

pub fn get_page(server: &Server, path: &str, cookie: &str) -> Answer {
    answer(
        agent()
            .get(format!("{}{path}", server.base))
            .header("Cookie", cookie)
            .call()
            .unwrap(),
    )
}

pub fn post_form(server: &Server, path: &str, cookie: &str, form: &str) -> Answer {
    answer(
        agent()
            .post(format!("{}{path}", server.base))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form.as_bytes())
            .unwrap(),
    )
}

/// The value of the first hidden input `name` on a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

#[test]
fn signing_in_sets_a_strict_http_only_cookie() {
    let server = start(&[]);
    let anonymous = server.get("/", None);
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.header("location").as_deref(), Some("/login"));
    let form = server.get("/login", None);
    assert_eq!(form.status, 200);
    assert!(form.text().contains("name=\"token\""));
    let wrong = server.post(
        "/login",
        None,
        "application/x-www-form-urlencoded",
        b"token=nope",
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.header("set-cookie"), None);
    let client = server.post(
        "/login",
        None,
        "application/x-www-form-urlencoded",
        format!("token={ERP}").as_bytes(),
    );
    assert_eq!(client.status, 403);
    let ok = server.post(
        "/login",
        None,
        "application/x-www-form-urlencoded",
        format!("token={ALICE}").as_bytes(),
    );
    let cookie = ok.header("set-cookie").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(
        !cookie.contains(ALICE),
        "the token itself is never the cookie"
    );
    // A forged cookie (another name under the same MAC) is no session.
    let value = cookie.split(';').next().unwrap();
    let (name, rest) = value.split_once('=').unwrap();
    let mut parts: Vec<&str> = rest.split('.').collect();
    let bob = "626f62"; // "bob" in hex
    parts[0] = bob;
    let forged = format!("{name}={}", parts.join("."));
    assert_eq!(get_page(&server, "/", &forged).status, 303);
    assert_eq!(get_page(&server, "/", value).status, 200);
}

/// Signing out ends the session itself, not only the browser's copy of the cookie: before,
/// logout cleared the cookie in the browser and the same cookie, copied from another browser
/// or a proxy log, still released orders for eight hours.
#[test]
fn signing_out_ends_every_copy_of_the_session() {
    let server = start(&[]);
    let alice = sign_in(&server, ALICE);
    let queue = get_page(&server, "/", &alice);
    assert_eq!(queue.status, 200);
    let csrf = hidden(&queue.text(), "csrf");
    let other = sign_in(&server, ALICE);
    let out = post_form(&server, "/logout", &alice, &format!("csrf={csrf}"));
    assert_eq!(out.status, 303, "{}", out.text());
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let again = get_page(&server, "/", &alice);
    assert_eq!(again.status, 303);
    assert_eq!(again.header("location").as_deref(), Some("/login"));
    // A decision with the old cookie and its CSRF token is refused too.
    server.check(&std::fs::read(SAMPLE).unwrap());
    let decide = post_form(
        &server,
        "/orders/SO-2024-0412-J/decide",
        &alice,
        &format!("csrf={csrf}&action=release&reason=x"),
    );
    assert_eq!(decide.status, 303, "{}", decide.text());
    assert_eq!(decide.header("location").as_deref(), Some("/login"));
    assert_eq!(
        server.get("/v1/orders/SO-2024-0412-J", Some(ALICE)).json()["decisions"],
        serde_json::json!([])
    );
    // Alice's other session is hers to end.
    assert_eq!(get_page(&server, "/", &other).status, 200);
}

/// A session belongs to the token that opened it: a token replaced in the token file (same
/// name, same session key) ends its sessions, and the token file as it was keeps them.
#[test]
fn a_replaced_token_ends_its_sessions() {
    use sha2::Digest;
    let first = start(&[]);
    let alice = sign_in(&first, ALICE);
    let same = start(&[]);
    assert_eq!(get_page(&same, "/", &alice).status, 200);
    let replaced = same.dir.path().join("tokens.toml");
    let text = std::fs::read_to_string(TOKENS).unwrap();
    let old_hash = format!("{:x}", sha2::Sha256::digest(ALICE.as_bytes()));
    assert!(text.contains(&old_hash));
    let new_hash = format!("{:x}", sha2::Sha256::digest(b"test-token-alice-new"));
    std::fs::write(&replaced, text.replace(&old_hash, &new_hash)).unwrap();
    let rotated = start(&["--auth", replaced.to_str().unwrap()]);
    assert_eq!(get_page(&rotated, "/", &alice).status, 303);
    let fresh = sign_in(&rotated, "test-token-alice-new");
    assert_eq!(get_page(&rotated, "/", &fresh).status, 200);
}

#[test]
fn the_page_shows_the_queue_and_decides_with_csrf() {
    let server = start(&[]);
    server.check(&std::fs::read(SAMPLE).unwrap());
    let alice = sign_in(&server, ALICE);
    let queue = get_page(&server, "/", &alice);
    assert_eq!(queue.status, 200);
    let policy = queue.header("content-security-policy").unwrap();
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("script-src"),
        "{policy}"
    );
    let text = queue.text();
    assert!(
        text.contains("href=\"/orders/SO%2D2015%2D0042%2DJ?client=erp\""),
        "{text}"
    );
    assert!(!text.contains("<script"));

    let order = get_page(&server, "/orders/SO-2024-0412-J", &alice).text();
    // The HTML report's rendering of the findings and evidence.
    assert!(
        order.contains("RF-CASH-001") && order.contains("class=\"finding"),
        "{order}"
    );
    let csrf = hidden(&order, "csrf");
    let judgement = hidden(&order, "judgement");

    let forged = post_form(
        &server,
        "/orders/SO-2024-0412-J/decide",
        &alice,
        &format!("csrf=00{csrf}&action=release&reason=x&judgement={judgement}"),
    );
    assert_eq!(forged.status, 403);
    // Another reviewer's CSRF token does not fit this session.
    let bob = sign_in(&server, BOB);
    let bobs = hidden(&get_page(&server, "/", &bob).text(), "csrf");
    assert_eq!(
        post_form(
            &server,
            "/orders/SO-2024-0412-J/decide",
            &alice,
            &format!("csrf={bobs}&action=release&reason=x")
        )
        .status,
        403
    );
    assert_eq!(
        server.get("/v1/orders/SO-2024-0412-J", Some(ALICE)).json()["decisions"],
        serde_json::json!([])
    );

    let done = post_form(
        &server,
        "/orders/SO-2024-0412-J/decide",
        &alice,
        &format!("csrf={csrf}&action=release&reason=known+customer&judgement={judgement}"),
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let state = server.get("/v1/orders/SO-2024-0412-J", Some(ALICE)).json();
    assert_eq!(state["state"]["status"], "released");
    assert_eq!(state["decisions"][0]["body"]["reviewer"], "alice");
    assert_eq!(state["decisions"][0]["body"]["reason"], "known customer");
    let after = get_page(&server, "/orders/SO-2024-0412-J?done=release", &alice).text();
    assert!(
        after.contains("release recorded") && !after.contains("name=\"action\""),
        "{after}"
    );
}

#[test]
fn hostile_order_data_is_text_on_the_page() {
    let server = start(&[]);
    let id = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let order = serde_json::json!([{"id": id, "date": "2024-01-01", "buyer": {"name": "<b>bold</b>", "country": "KP"}}]);
    let report = server.check(order.to_string().as_bytes()).json();
    assert_ne!(report["orders"][0]["verdict"], "clear");
    let alice = sign_in(&server, ALICE);
    let queue = get_page(&server, "/", &alice).text();
    assert!(
        !queue.contains("<script>alert") && !queue.contains("<img src=x"),
        "{queue}"
    );
    assert!(
        queue.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{queue}"
    );
    let encoded: String =
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string();
    let page = get_page(&server, &format!("/orders/{encoded}"), &alice);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(
        !text.contains("<script>alert")
            && !text.contains("<b>bold</b>")
            && !text.contains("<img src=x"),
        "{text}"
    );
}
