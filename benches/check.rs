//! Throughput of `redflag check` on generated orders: pack build, load and
//! judge, single- and multi-threaded. Run with `benches/run.sh` (or
//! `cargo bench --bench check -- N`); numbers go to docs/performance.md.
//! A plain harness rather than criterion: the quantity of interest is orders
//! per second over a large batch, which one timed pass measures well.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use redflag::cli::run_check;
use redflag::engine::Engine;
use redflag::order::{self, InputFormat};
use redflag::report::json::JsonReporter;
use redflag::report::RunInfo;
use redflag::rules::{build, PackFiles, Severity};

fn main() {
    let n: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(200_000);
    let sample = include_str!("../fixtures/orders/sample.jsonl");
    let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).collect();
    // Unique ids, same content: the mix of the sample (5 of 13 clean).
    let mut text = String::with_capacity(n * 1200);
    for i in 0..n {
        let line = lines[i % lines.len()];
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = value["id"].as_str().unwrap();
        text.push_str(&line.replacen(&format!("\"{id}\""), &format!("\"{id}-{i}\""), 1));
        text.push('\n');
    }

    let start = Instant::now();
    let (pack, _) = build(&PackFiles::embedded());
    let pack = pack.expect("the default pack loads");
    let engine = Engine::new(pack);
    println!(
        "pack build + compile: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let start = Instant::now();
    let records: Vec<_> = order::from_text(&text, "bench.jsonl", InputFormat::Jsonl, None)
        .unwrap()
        .collect();
    let load = start.elapsed().as_secs_f64();
    println!("load {n} orders: {:.0} orders/s", n as f64 / load);

    let start = Instant::now();
    let mut findings = 0;
    for r in &records {
        findings += engine.judge(r).findings.len();
    }
    let judge = start.elapsed().as_secs_f64();
    println!(
        "judge, 1 thread: {:.0} orders/s ({findings} findings)",
        n as f64 / judge
    );

    // Screening: every party of every order against a list (`BENCH_LIST`, default the BIS
    // Denied Persons List fixture; give the 2019 SDN's sdn.csv for a full-size list).
    let list_path =
        std::env::var("BENCH_LIST").unwrap_or_else(|_| "fixtures/lists/dpl/dpl.txt".into());
    let start = Instant::now();
    let (list, _) = redflag::screening::import::load_spec(&list_path).unwrap();
    let entries = list.entries.len();
    let screening_engine = Engine::with_screening(engine.pack().clone(), list.entries);
    println!(
        "screening list {list_path}: {entries} entries, load + index {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let start = Instant::now();
    let mut findings = 0;
    for r in &records {
        findings += screening_engine.judge(r).findings.len();
    }
    let judge = start.elapsed().as_secs_f64();
    println!(
        "judge with screening, 1 thread: {:.0} orders/s ({findings} findings)",
        n as f64 / judge
    );

    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let run = RunInfo::new(
            engine.pack(),
            "<default pack>",
            vec!["bench.jsonl".into()],
            Severity::Hold,
        );
        let source = order::from_text(&text, "bench.jsonl", InputFormat::Jsonl, None).unwrap();
        let mut sink = std::io::sink();
        let start = Instant::now();
        let summary = run_check(
            &engine,
            &run,
            vec![source],
            &pool,
            &mut JsonReporter::lines(),
            &mut sink,
        )
        .unwrap();
        let total = start.elapsed().as_secs_f64();
        assert_eq!(summary.read, n);
        println!(
            "end to end (load, judge, JSON Lines report), {threads} thread(s): {:.0} orders/s",
            n as f64 / total
        );
    }
}
