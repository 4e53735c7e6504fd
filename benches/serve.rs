//! Load bench of `redflag serve`: single-order checks over loopback HTTP at 1, 8 and 64
//! concurrent clients (requests per second, p50 and p99 latency), then a soak run that samples
//! the server's resident memory every second. Bounded in time (`REDFLAG_BENCH_SECS` per level,
//! default 10; `REDFLAG_SOAK_SECS`, default 30, 600 for docs/performance.md) and loopback only.
//!
//! Run with a release build: `cargo bench --bench serve` (numbers go to docs/performance.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "test-token-erp";

fn secs(var: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

/// Ids cycle over this many orders.
const ORDERS: usize = 5000;

/// The bodies the clients send: the sample order that holds (three findings) under ids
/// `BENCH-0` to `BENCH-4999`, serialized once so the clients spend their share of the two
/// cores on HTTP, not on building bodies.
fn bodies(template: &serde_json::Value) -> Arc<Vec<Vec<u8>>> {
    Arc::new(
        (0..ORDERS)
            .map(|n| {
                let mut o = template.clone();
                o["id"] = format!("BENCH-{n}").into();
                serde_json::to_vec(&o).unwrap()
            })
            .collect(),
    )
}

/// Runs `clients` threads posting checks until `length` has passed; returns the latencies in
/// microseconds and the failures.
fn run(
    base: &str,
    bodies: &Arc<Vec<Vec<u8>>>,
    clients: usize,
    length: Duration,
) -> (Vec<u32>, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (base, bodies, stop) = (base.to_string(), bodies.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    // Not a global time-out: with one, ureq resolves every request's address
                    // on a new thread, and the clients' thread churn would load the cores the
                    // server is measured on.
                    .timeout_connect(Some(Duration::from_secs(5)))
                    .timeout_recv_response(Some(Duration::from_secs(30)))
                    .timeout_recv_body(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut latencies = Vec::new();
                let mut failures = 0;
                let mut n = c;
                while !stop.load(Ordering::Relaxed) {
                    let body = &bodies[n % ORDERS];
                    n += clients;
                    let start = Instant::now();
                    let sent = agent
                        .post(format!("{base}/v1/check"))
                        .header("Authorization", format!("Bearer {TOKEN}"))
                        .header("Content-Type", "application/json")
                        .send(&body[..]);
                    let ok = match sent {
                        Ok(mut r) => r.status() == 200 && r.body_mut().read_to_vec().is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        latencies
                            .push(u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX));
                    } else {
                        failures += 1;
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    std::thread::sleep(length);
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut failures = 0;
    for t in threads {
        let (l, f) = t.join().unwrap();
        all.extend(l);
        failures += f;
    }
    all.sort_unstable();
    (all, failures)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let level = secs("REDFLAG_BENCH_SECS", 10);
    let soak = secs("REDFLAG_SOAK_SECS", 30);
    let root = env!("CARGO_MANIFEST_DIR");
    let template: serde_json::Value = serde_json::from_slice(
        &std::fs::read(format!("{root}/fixtures/orders/sample.json")).unwrap(),
    )
    .unwrap();
    let bodies = bodies(&template[1]);
    let dir = std::env::temp_dir().join(format!("redflag-serve-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");
    let mut server = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--auth",
        ])
        .arg(format!("{root}/fixtures/serve/tokens.toml"))
        .arg("--db")
        .arg(&db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    println!(
        "machine: {} cores; {level:?} per level, soak {soak:?}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!("| clients | checks/s | p50 ms | p99 ms | failed |");
    println!("|---:|---:|---:|---:|---:|");
    // Warm up: first connections, SQLite pages, allocator.
    run(&base, &bodies, 8, Duration::from_secs(1));
    for clients in [1, 8, 64] {
        let (latencies, failures) = run(&base, &bodies, clients, level);
        println!(
            "| {clients} | {:.0} | {:.2} | {:.2} | {failures} |",
            latencies.len() as f64 / level.as_secs_f64(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.99)
        );
    }
    // Soak: memory sampled every second while 8 clients keep checking.
    let pid = server.id();
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while sampling.load(Ordering::Relaxed) {
                samples.push(rss_kib(pid));
                std::thread::sleep(Duration::from_secs(1));
            }
            samples
        })
    };
    let (latencies, failures) = run(&base, &bodies, 8, soak);
    sampling.store(false, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    let tenth = (samples.len() / 10).max(1);
    let first: u64 = samples.iter().take(tenth).sum::<u64>() / tenth as u64;
    let last: u64 = samples.iter().rev().take(tenth).sum::<u64>() / tenth as u64;
    println!();
    println!(
        "soak: {} checks in {soak:?} ({:.0}/s, p99 {:.2} ms, {failures} failed); RSS first tenth {} MiB, last tenth {} MiB, max {} MiB",
        latencies.len(),
        latencies.len() as f64 / soak.as_secs_f64(),
        percentile(&latencies, 0.99),
        first / 1024,
        last / 1024,
        samples.iter().max().copied().unwrap_or(0) / 1024
    );
    let _ = server.kill();
    let _ = server.wait();
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.join("bench.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("database after the run: {} MiB", size / (1024 * 1024));
    let _ = std::fs::remove_dir_all(&dir);
}
