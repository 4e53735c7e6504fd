//! Screening throughput benchmark: load and index time and queries per second, on the 2019
//! OFAC SDN list and on a generated list of synthetic names (1,000,000 by default).
//!
//! ```text
//! cargo run --release --example screen_bench -- --sdn path/to/sdn.csv \
//!     [--negatives fixtures/lists/negatives/negatives_global.csv] [--generate 1000000] \
//!     [--queries 2000] [--threshold 0.7]
//! ```
//!
//! Queries are half true negatives (the negatives file, or generated names) and half list
//! names with a deterministic typo. Each run reports sequential queries per second with a
//! cold cache, the same with a warm cache, and rayon-parallel queries per second.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use redflag::screening::{load_file, Entry, EntryKind, Query, Screener};

/// xorshift64*: a tiny seeded generator, so the generated list is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "sha", "tor", "len", "vi", "dan", "el", "ur", "po", "zan", "bek", "li",
    "mar", "tin", "go", "ras", "hu", "sen", "ol", "va", "ner", "qui", "as", "fa", "rid", "no",
    "ste", "pan", "gor", "yu", "lo", "vich", "ra", "don", "ki", "ma", "to", "shi", "ba", "ze",
];
const WORDS: &[&str] = &[
    "Trading",
    "Logistics",
    "Industries",
    "Holding",
    "Group",
    "Shipping",
    "Energy",
    "Technologies",
    "Import",
    "Export",
    "Systems",
    "Engineering",
    "Marine",
    "Capital",
];
const FORMS: &[&str] = &[
    "LLC",
    "Ltd",
    "GmbH",
    "JSC",
    "S.A.",
    "Co., Ltd.",
    "OOO",
    "FZE",
    "",
];

fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    let mut w = String::new();
    for _ in 0..n {
        w.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
}

fn generated_name(rng: &mut Rng) -> (String, EntryKind) {
    if rng.below(2) == 0 {
        let n = 2 + rng.below(2);
        let parts: Vec<String> = (0..n).map(|_| word(rng)).collect();
        (parts.join(" "), EntryKind::Person)
    } else {
        let mut parts = vec![word(rng)];
        if rng.below(2) == 0 {
            parts.push(word(rng));
        }
        parts.push(WORDS[rng.below(WORDS.len())].to_string());
        let form = FORMS[rng.below(FORMS.len())];
        if !form.is_empty() {
            parts.push(form.to_string());
        }
        (parts.join(" "), EntryKind::Entity)
    }
}

fn generate(n: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let (name, kind) = generated_name(&mut rng);
            Entry::new("GEN", "generated", &i.to_string(), kind, &name)
        })
        .collect()
}

/// One deterministic edit: swap two neighbouring letters in the longest word.
fn typo(name: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 4 {
        let i = 1 + rng.below(chars.len() - 3);
        if chars[i].is_alphabetic() && chars[i + 1].is_alphabetic() {
            chars.swap(i, i + 1);
        }
    }
    chars.into_iter().collect()
}

fn queries(entries: &[Entry], negatives: &[String], n: usize, seed: u64) -> Vec<Query> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let name = if i % 2 == 0 && !negatives.is_empty() {
            negatives[rng.below(negatives.len())].clone()
        } else if i % 2 == 0 {
            generated_name(&mut rng).0
        } else {
            let e = &entries[rng.below(entries.len())];
            typo(&e.primary_name, &mut rng)
        };
        out.push(Query::new(&name));
    }
    out
}

fn read_negatives(path: Option<&str>) -> Result<Vec<String>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        if let Some(n) = rec.get(0) {
            out.push(n.to_string());
        }
    }
    Ok(out)
}

fn run_queries(label: &str, s: &Screener, qs: &[Query], threshold: f64) {
    if qs.is_empty() {
        return;
    }
    s.clear_cache();
    let t = Instant::now();
    let mut hits = 0usize;
    let mut lat: Vec<f64> = Vec::with_capacity(qs.len());
    for q in qs {
        let one = Instant::now();
        hits += usize::from(!s.screen(q, threshold).is_empty());
        lat.push(one.elapsed().as_secs_f64() * 1000.0);
    }
    let cold = t.elapsed().as_secs_f64();
    if std::env::var_os("SCREEN_BENCH_SLOWEST").is_some() {
        let mut order: Vec<usize> = (0..qs.len()).collect();
        order.sort_by(|&a, &b| lat[b].total_cmp(&lat[a]));
        for &i in order.iter().take(8) {
            println!("  slow: {:.3} ms `{}`", lat[i], qs[i].name);
        }
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    let t = Instant::now();
    for q in qs {
        let _ = s.screen(q, threshold);
    }
    let warm = t.elapsed().as_secs_f64();
    let (cached_names, cached_bytes) = (s.cache_len(), s.cache_bytes());
    s.clear_cache();
    let t = Instant::now();
    let par_hits: usize = qs
        .par_iter()
        .map(|q| usize::from(!s.screen(q, threshold).is_empty()))
        .sum();
    let par = t.elapsed().as_secs_f64();
    let n = qs.len() as f64;
    println!(
        "{label}: {} queries, {hits} with a hit at t={threshold:.2} (parallel run: {par_hits})",
        qs.len()
    );
    println!(
        "  sequential, cold cache: {:>9.0} queries/s ({:.3} ms/query)",
        n / cold,
        1000.0 * cold / n
    );
    println!(
        "  latency, cold cache: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        pct(0.5),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "  sequential, warm cache: {:>9.0} queries/s ({:.3} ms/query)",
        n / warm,
        1000.0 * warm / n
    );
    println!(
        "  rayon ({} threads), cold: {:>7.0} queries/s",
        rayon::current_num_threads(),
        n / par
    );
    println!(
        "  name cache after the warm pass: {cached_names} names, about {:.1} MB",
        cached_bytes as f64 / 1e6
    );
}

fn main() {
    if let Err(e) = run() {
        eprintln!("screen_bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut sdn: Option<String> = None;
    let mut negatives: Option<String> = None;
    let mut generate_n = 1_000_000usize;
    let mut nq = 2_000usize;
    let mut threshold = 0.7;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--sdn" => sdn = Some(value),
            "--negatives" => negatives = Some(value),
            "--generate" => generate_n = value.parse().map_err(|_| "bad --generate")?,
            "--queries" => nq = value.parse().map_err(|_| "bad --queries")?,
            "--threshold" => threshold = value.parse().map_err(|_| "bad --threshold")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let negatives = read_negatives(negatives.as_deref())?;

    if let Some(path) = sdn {
        let t = Instant::now();
        let lf = load_file(Path::new(&path)).map_err(|e| e.to_string())?;
        let load = t.elapsed();
        let entries = lf.entries.len();
        let t = Instant::now();
        let s = Screener::build(lf.entries);
        let build = t.elapsed();
        println!(
            "SDN {path}: {entries} entries, {} names; parse {:.0} ms, index {:.0} ms",
            s.name_count(),
            load.as_secs_f64() * 1000.0,
            build.as_secs_f64() * 1000.0
        );
        let qs = queries(s.entries(), &negatives, nq, 7);
        run_queries("SDN", &s, &qs, threshold);
    }

    if generate_n > 0 {
        let t = Instant::now();
        let entries = generate(generate_n, 42);
        let gen = t.elapsed();
        let t = Instant::now();
        let s = Screener::build(entries);
        let build = t.elapsed();
        println!(
            "generated: {generate_n} entries, {} names; generate {:.0} ms, index {:.0} ms",
            s.name_count(),
            gen.as_secs_f64() * 1000.0,
            build.as_secs_f64() * 1000.0
        );
        let qs = queries(s.entries(), &negatives, nq, 11);
        run_queries("generated", &s, &qs, threshold);
    }
    Ok(())
}
