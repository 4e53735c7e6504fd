//! `redflag serve`, through the binary over loopback HTTP, and its store through the library.

mod api;
mod browser;
mod clients;
mod durability;
mod page;
mod store;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The tokens whose hashes are in fixtures/serve/tokens.toml.
pub const ERP: &str = "test-token-erp";
pub const ALICE: &str = "test-token-alice";
pub const BOB: &str = "test-token-bob";
pub const OPS: &str = "test-token-ops";
/// A second ERP client, and a token with both the client and the reviewer role.
pub const ERP2: &str = "test-token-erp2";
pub const CAROL: &str = "test-token-carol";
pub const TOKENS: &str = "fixtures/serve/tokens.toml";
pub const SAMPLE: &str = "fixtures/orders/sample.json";

/// A running server on a free loopback port; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
    agent: ureq::Agent,
}

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Starts `redflag serve` with `args` (plus a free port, the test tokens and, unless given, a
/// SQLite file in a fresh directory) and waits for its address.
pub fn start(args: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = if args.contains(&"--db") {
        String::new()
    } else {
        dir.path().join("redflag.db").display().to_string()
    };
    start_in(dir, &db, args)
}

/// Starts a server on database `db` (empty: `args` names it), keeping `dir`.
pub fn start_in(dir: tempfile::TempDir, db: &str, args: &[&str]) -> Server {
    start_with_cache(dir, db, args, Path::new(crate::support::list_cache()))
}

/// [`start_in`] with the list index cache in `cache` (the tests' shared one by default).
pub fn start_with_cache(dir: tempfile::TempDir, db: &str, args: &[&str], cache: &Path) -> Server {
    let mut all: Vec<String> = vec!["serve".into(), "--listen".into(), "127.0.0.1:0".into()];
    if !args.contains(&"--auth") {
        all.extend(["--auth".into(), TOKENS.into()]);
    }
    if !db.is_empty() {
        all.extend(["--db".into(), db.into()]);
    }
    all.extend(["--log-format".into(), "text".into()]);
    all.extend(args.iter().map(|a| a.to_string()));
    let log = std::fs::File::create(dir.path().join(format!("serve-{}.log", std::process::id())))
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(&all)
        .env("REDFLAG_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            let logs = std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            panic!("the server did not start: {all:?}\n{logs}");
        }
    };
    let base = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    Server {
        child,
        base,
        dir,

        agent: agent(),
    }
}

impl Server {
    pub fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.header("Authorization", format!("Bearer {t}"));
        }
        answer(request.call().unwrap())
    }

    pub fn post(&self, path: &str, token: Option<&str>, content_type: &str, body: &[u8]) -> Answer {
        self.post_with(path, token, content_type, body, &[])
    }

    pub fn post_with(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type);
        if let Some(t) = token {
            request = request.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        answer(request.send(body).unwrap())
    }

    /// POSTs orders as JSON for the ERP client.
    pub fn check(&self, body: &[u8]) -> Answer {
        self.post("/v1/check", Some(ERP), "application/json", body)
    }

    /// Posts a decision; a release without `judgement` is sent for the order's latest one, as a
    /// reviewer who just looked at it would.
    pub fn decide(&self, token: &str, id: &str, mut decision: serde_json::Value) -> Answer {
        if decision["action"] == "release" && decision.get("judgement").is_none() {
            let latest = self.get(&format!("/v1/orders/{id}"), Some(ALICE)).json()["state"]
                ["judgement"]
                .clone();
            decision["judgement"] = latest;
        }
        self.decide_as_sent(token, id, decision)
    }

    /// Posts a decision as it is.
    pub fn decide_as_sent(&self, token: &str, id: &str, decision: serde_json::Value) -> Answer {
        self.post(
            &format!("/v1/orders/{id}/decisions"),
            Some(token),
            "application/json",
            decision.to_string().as_bytes(),
        )
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

/// Sends a signal by name to a child (`kill -s NAME PID`).
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -s {name}");
}

/// Waits for a child at most `limit`, then kills it and fails.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the redflag binary with `args` and standard input `stdin`; returns status and stdout.
pub fn redflag(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A server screening against a watch list that does not name the sample's held order (SO-2024-0412,
/// a cash payment), with that list's path, to be rewritten and reloaded, and the held order's body.
pub fn server_with_a_watchlist() -> (Server, std::path::PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("watch.csv");
    write_watchlist(&list, &["Somebody Else Entirely GmbH"]);
    let spec = format!("watchlist-csv:{}", list.display());
    let db = dir.path().join("redflag.db").display().to_string();
    let server = start_in(dir, &db, &["--list", &spec]);
    let sample: serde_json::Value =
        serde_json::from_slice(&std::fs::read(SAMPLE).unwrap()).unwrap();
    let held = serde_json::to_vec(&sample[1]).unwrap();
    (server, list, held)
}

/// A watch list naming `names` (CSV, as `--list watchlist-csv:FILE` reads it).
pub fn write_watchlist(path: &Path, names: &[&str]) {
    let mut text = String::from("id,name,aliases,country,ids,listed_on,ends_on,program,notes\n");
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!("T-{i},{name},,,,2000-01-01,,TEST,test entry\n"));
    }
    std::fs::write(path, text).unwrap();
}

/// The PostgreSQL server `.ci/run` starts (`REDFLAG_POSTGRES_URL`), when the tests were built
/// with it; a fresh database on it for one test.
#[cfg(redflag_postgres)]
pub fn postgres_database(name: &str) -> String {
    let url = env!("REDFLAG_POSTGRES_URL");
    let db = format!(
        "rf_{}_{}_{}",
        name,
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut admin = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("REDFLAG_POSTGRES_URL={url} does not answer: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{db}")
}
