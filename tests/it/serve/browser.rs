//! The review page in headless Chromium, driven over the DevTools protocol as a reviewer would
//! use it: sign in, open an order from the queue, release it with a reason. The page itself runs
//! no script (the test's own input goes through DevTools, which the page's policy does not
//! govern), and the decision lands in the trail under the reviewer's name.
//!
//! Gated like the HTML report's browser test: on with `REDFLAG_BROWSER=1` (`.ci/run`),
//! listed as ignored otherwise.

#[cfg(redflag_browser)]
use super::*;

#[test]
#[cfg_attr(
    not(redflag_browser),
    ignore = "needs headless Chromium: set REDFLAG_BROWSER=1 (.ci/run does)"
)]
fn a_reviewer_releases_an_order_in_chromium() {
    #[cfg(redflag_browser)]
    drive();
}

#[cfg(redflag_browser)]
struct Devtools {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next: u64,
    session: Option<String>,
}

#[cfg(redflag_browser)]
impl Devtools {
    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next += 1;
        let id = self.next;
        let mut message = serde_json::json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            message["sessionId"] = s.clone().into();
        }
        self.socket
            .send(tungstenite::Message::Text(message.to_string().into()))
            .unwrap();
        loop {
            let reply = self
                .socket
                .read()
                .unwrap_or_else(|e| panic!("DevTools: {e} (waiting for {method})"));
            let Ok(text) = reply.into_text() else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            if value["id"] == id {
                assert!(value.get("error").is_none(), "{method}: {value}");
                return value["result"].clone();
            }
        }
    }

    fn eval(&mut self, expression: &str) -> serde_json::Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": expression, "returnByValue": true}),
        );
        r["result"]["value"].clone()
    }

    /// Waits (bounded) until the page at `path` has loaded.
    fn wait_for(&mut self, path: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let probe = format!(
            "document.readyState === 'complete' && location.pathname + location.search === {}",
            serde_json::json!(path)
        );
        while self.eval(&probe) != serde_json::json!(true) {
            assert!(
                std::time::Instant::now() < deadline,
                "never reached {path}: at {}",
                self.eval("location.href")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(redflag_browser)]
fn chromium() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|c| c.is_file())
        .expect("no `chromium` on PATH; install Debian's `chromium` (`.ci/run` does)")
}

#[cfg(redflag_browser)]
fn drive() {
    use std::io::BufRead;
    let server = start(&[]);
    server.check(&std::fs::read(SAMPLE).unwrap());
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Command::new(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--remote-debugging-port=0",
            &format!("--user-data-dir={}", profile.path().display()),
            "about:blank",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = browser.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("Chromium printed no DevTools address");
    let (socket, _) = tungstenite::connect(url.as_str()).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = socket.get_ref() {
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    }
    let mut dt = Devtools {
        socket,
        next: 0,
        session: None,
    };
    let target = dt.call(
        "Target.createTarget",
        serde_json::json!({"url": format!("{}/", server.base)}),
    );
    let attached = dt.call(
        "Target.attachToTarget",
        serde_json::json!({"targetId": target["targetId"], "flatten": true}),
    );
    dt.session = attached["sessionId"].as_str().map(String::from);

    // Not signed in: the queue sends the browser to the sign-in form.
    dt.wait_for("/login");
    dt.eval(&format!("document.querySelector('input[name=token]').value = '{ALICE}'; document.querySelector('form').submit()"));
    dt.wait_for("/");
    let queue = dt
        .eval("document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        queue.contains("SO-2015-0042-J") && queue.contains("SO-2024-0412-J"),
        "{queue}"
    );
    assert_eq!(dt.eval("document.scripts.length"), serde_json::json!(0));
    // The session cookie is out of the page's reach.
    assert_eq!(dt.eval("document.cookie"), serde_json::json!(""));

    dt.eval(
        "[...document.querySelectorAll('a')].find(a => a.textContent === 'SO-2024-0412-J').click()",
    );
    dt.wait_for("/orders/SO%2D2024%2D0412%2DJ?client=erp");
    let order = dt
        .eval("document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(order.contains("RF-CASH-001"), "{order}");
    dt.eval("document.querySelector('textarea[name=reason]').value = 'long-standing customer, cash usual in trade'; document.querySelector('button[value=release]').click()");
    dt.wait_for("/orders/SO%2D2024%2D0412%2DJ?client=erp&done=release");
    let done = dt
        .eval("document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        done.contains("release recorded") && done.contains("released"),
        "{done}"
    );

    let state = server.get("/v1/orders/SO-2024-0412-J", Some(BOB)).json();
    assert_eq!(state["state"]["status"], "released");
    assert_eq!(state["decisions"][0]["body"]["reviewer"], "alice");
    assert_eq!(
        state["decisions"][0]["body"]["reason"],
        "long-standing customer, cash usual in trade"
    );
    let _ = browser.kill();
    let _ = browser.wait();
}
