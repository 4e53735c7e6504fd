//! Name-matching accuracy benchmark: precision, recall and F1 of `score_names` over the
//! nomenklatura name-bench cases, a threshold sweep, the OpenSanctions logic-v2 peer figures on
//! the same pairs, and the false-positive rate of true-negative people screened against an SDN
//! list.
//!
//! Usage (paths are arguments so the main repo can point at its fixtures):
//!
//! ```text
//! cargo run --release --example name_bench -- --cases fixtures/lists/name-bench/cases.csv \
//!     [--frozen fixtures/lists/name-bench/logicv2-frozen.csv] [--sdn path/to/sdn.csv] \
//!     [--negatives fixtures/lists/negatives/negatives_global.csv ...] [--threshold 0.7]
//! ```
//!
//! With `--sdn`, token weights come from the SDN names (as in real screening) and the
//! negatives are screened against it; without it, weights are uniform.

use std::collections::HashMap;
use std::path::Path;

use redflag::screening::readings::{name_readings, reading_floor};
use redflag::screening::score::{score_names, TokenStats};
use redflag::screening::{load_file, normalize, EntryKind, Query, Screener};

#[derive(Default)]
struct Args {
    cases: String,
    frozen: Option<String>,
    sdn: Option<String>,
    negatives: Vec<String>,
    cross_script: Option<String>,
    threshold: f64,
    /// Print the misclassified cases of the tuning half (never the held-out half).
    errors: bool,
    /// redflag's own cases (same columns), reported apart from the upstream bench.
    extra_cases: Vec<String>,
    /// Print every true negative with a hit (not only the first five), with the countries.
    all_negatives: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        threshold: 0.7,
        ..Args::default()
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--cases" => a.cases = value()?,
            "--frozen" => a.frozen = Some(value()?),
            "--sdn" => a.sdn = Some(value()?),
            "--negatives" => a.negatives.push(value()?),
            "--cross-script" => a.cross_script = Some(value()?),
            "--threshold" => a.threshold = value()?.parse().map_err(|_| "bad threshold")?,
            "--errors" => a.errors = true,
            "--all-negatives" => a.all_negatives = true,
            "--extra-cases" => a.extra_cases.push(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.cases.is_empty() {
        return Err("--cases PATH is required".to_string());
    }
    Ok(a)
}

struct Case {
    key: (String, String, String, String),
    schema: String,
    name1: String,
    name2: String,
    is_match: bool,
    quality: String,
    category: String,
    notes: String,
}

/// The block threshold: scores from here stop an order instead of holding it for review.
const BLOCK: f64 = 0.90;

/// Which half of the bench a case is in: FNV-1a over `name1`, a unit separator and `name2`,
/// bit 32 of the hash clear in the tuning half, set in the held-out half. A hash of the names rather than the row
/// number, so that near-duplicate neighbouring rows (`Olaf Scholze`, `Olaf Schulze`) fall
/// into halves by chance, not alternately, and adding cases does not move the others.
fn held_out(name1: &str, name2: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name1.bytes().chain([0x1f]).chain(name2.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Bit 32, not bit 0: FNV's low bit is only the parity of the odd bytes.
    (h >> 32) & 1 == 1
}

fn kind_of(schema: &str) -> EntryKind {
    match schema {
        "Person" => EntryKind::Person,
        "Vessel" => EntryKind::Vessel,
        "Company" | "Organization" | "LegalEntity" => EntryKind::Entity,
        _ => EntryKind::Unknown,
    }
}

fn read_csv(path: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((headers, rows))
}

fn col(headers: &[String], name: &str) -> Result<usize, String> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or(format!("no column `{name}`"))
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Counts {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn prf(&self) -> (f64, f64, f64) {
        let p = f64::from(self.tp) / f64::from((self.tp + self.fp).max(1));
        let r = f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1));
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
    fn line(&self, label: &str) -> String {
        let (p, r, f) = self.prf();
        format!(
            "{label:<34} P {p:.3}  R {r:.3}  F1 {f:.3}  (TP {} FP {} FN {} TN {})",
            self.tp, self.fp, self.fn_, self.tn
        )
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("name_bench: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("name_bench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let (h, rows) = read_csv(&args.cases)?;
    let (s, n1, n2, m, q) = (
        col(&h, "schema")?,
        col(&h, "name1")?,
        col(&h, "name2")?,
        col(&h, "is_match")?,
        col(&h, "quality")?,
    );
    let (cat, notes) = (col(&h, "category")?, col(&h, "notes")?);
    let cases: Vec<Case> = rows
        .iter()
        .map(|r| Case {
            key: (r[s].clone(), r[n1].clone(), r[n2].clone(), r[m].clone()),
            schema: r[s].clone(),
            name1: r[n1].clone(),
            name2: r[n2].clone(),
            is_match: r[m] == "true",
            quality: r[q].clone(),
            category: r[cat].clone(),
            notes: r[notes].clone(),
        })
        .collect();

    let screener = match &args.sdn {
        Some(p) => {
            let lf = load_file(Path::new(p)).map_err(|e| e.to_string())?;
            Some(Screener::build(lf.entries))
        }
        None => None,
    };
    let uniform = TokenStats::new();
    let stats = screener.as_ref().map_or(&uniform, |s| s.token_stats());
    let weights = if screener.is_some() {
        "SDN 2019 rarity"
    } else {
        "uniform"
    };
    let score_all = || -> Vec<f64> {
        cases
            .iter()
            .map(|c| screened_score(&c.name1, &c.name2, kind_of(&c.schema), stats))
            .collect()
    };
    // Pairs per second: normalising both names and scoring them with the query's readings, as
    // the screener does (`screened_score`), over the whole bench repeated for at least a
    // second (one thread).
    let started = std::time::Instant::now();
    let mut rounds = 0u32;
    let mut scores = Vec::new();
    while rounds < 3 || started.elapsed().as_secs_f64() < 1.0 {
        scores = score_all();
        rounds += 1;
    }
    let pairs_per_s = f64::from(rounds) * cases.len() as f64 / started.elapsed().as_secs_f64();

    println!(
        "name bench: {} cases, token weights: {weights}",
        cases.len()
    );
    let mut all = Counts::default();
    let mut by_schema: HashMap<String, Counts> = HashMap::new();
    let mut strong_failures = Vec::new();
    for (c, sc) in cases.iter().zip(&scores) {
        let pred = *sc >= args.threshold;
        all.add(pred, c.is_match);
        by_schema
            .entry(c.schema.clone())
            .or_default()
            .add(pred, c.is_match);
        if c.quality == "STRONG" && pred != c.is_match {
            strong_failures.push(format!(
                "  {} | {} | {} | expected {} got {sc:.3}",
                c.schema, c.name1, c.name2, c.is_match
            ));
        }
    }
    println!(
        "{}",
        all.line(&format!("redflag, all, t={:.2}", args.threshold))
    );
    println!("speed: {pairs_per_s:.0} pairs/s (normalise both names and score, one thread)");
    println!("halves (FNV-1a of name1, US, name2: bit 32 clear = tuning, set = held out):");
    for (label, want) in [("tuning", false), ("held out", true)] {
        for t in [args.threshold, BLOCK] {
            let mut c = Counts::default();
            for (case, sc) in cases.iter().zip(&scores) {
                if held_out(&case.name1, &case.name2) == want {
                    c.add(*sc >= t, case.is_match);
                }
            }
            println!("{}", c.line(&format!("  {label}, t={t:.2}")));
        }
    }
    let mut block = Counts::default();
    for (case, sc) in cases.iter().zip(&scores) {
        block.add(*sc >= BLOCK, case.is_match);
    }
    println!("{}", block.line(&format!("  all, t={BLOCK:.2}")));
    let mut schemas: Vec<_> = by_schema.into_iter().collect();
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    for (schema, c) in &schemas {
        println!("{}", c.line(&format!("  {schema}")));
    }
    println!("STRONG-tier failures: {}", strong_failures.len());
    for f in &strong_failures {
        println!("{f}");
    }
    if args.errors {
        println!("misclassified, tuning half only, t={:.2}:", args.threshold);
        for (c, sc) in cases.iter().zip(&scores) {
            if !held_out(&c.name1, &c.name2) && (*sc >= args.threshold) != c.is_match {
                println!(
                    "  {} {sc:.3} {} | {} | {} | {} | {}",
                    if c.is_match { "FN" } else { "FP" },
                    c.schema,
                    c.name1,
                    c.name2,
                    c.category,
                    c.notes
                );
            }
        }
    }

    if let Some(frozen) = &args.frozen {
        let (fh, frows) = read_csv(frozen)?;
        let (fm, fs, f1, f2, fsc) = (
            col(&fh, "is_match")?,
            col(&fh, "schema")?,
            col(&fh, "name1")?,
            col(&fh, "name2")?,
            col(&fh, "score")?,
        );
        let peer: HashMap<(String, String, String, String), f64> = frows
            .iter()
            .filter_map(|r| {
                let score: f64 = r[fsc].parse().ok()?;
                Some((
                    (r[fs].clone(), r[f1].clone(), r[f2].clone(), r[fm].clone()),
                    score,
                ))
            })
            .collect();
        let mut ours = Counts::default();
        let mut theirs = Counts::default();
        for (c, sc) in cases.iter().zip(&scores) {
            if let Some(ps) = peer.get(&c.key) {
                ours.add(*sc >= args.threshold, c.is_match);
                theirs.add(*ps >= 0.7, c.is_match);
            }
        }
        println!();
        println!(
            "on the {} pairs the peer scored:",
            ours.tp + ours.fp + ours.fn_ + ours.tn
        );
        println!(
            "{}",
            ours.line(&format!("redflag, t={:.2}", args.threshold))
        );
        println!("{}", theirs.line("OpenSanctions logic-v2, t=0.70"));
    }

    println!();
    println!("threshold sweep (all cases):");
    for step in 10..=19 {
        let t = f64::from(step) * 0.05;
        let mut c = Counts::default();
        for (case, sc) in cases.iter().zip(&scores) {
            c.add(*sc >= t, case.is_match);
        }
        println!("{}", c.line(&format!("  t={t:.2}")));
    }

    if let Some(path) = &args.cross_script {
        cross_script(path, stats)?;
    }
    for path in &args.extra_cases {
        extra_cases(path, stats, args.threshold)?;
    }

    if let Some(screener) = &screener {
        for path in &args.negatives {
            let (nh, nrows) = read_csv(path)?;
            let name_col = col(&nh, "full_name")?;
            let nat_col = col(&nh, "nationality").ok();
            let mut hit = 0usize;
            let mut hit_country = 0usize;
            let mut examples = Vec::new();
            // People named in Hangul: their best score by name only and with nationality, to
            // count hits at the hit, review and block thresholds.
            let mut hangul: Vec<(f64, f64)> = Vec::new();
            for r in &nrows {
                if r[name_col]
                    .chars()
                    .any(|c| ('\u{AC00}'..='\u{D7AF}').contains(&c))
                {
                    let mut q = Query::new(&r[name_col]);
                    q.kind = Some(EntryKind::Person);
                    let best = |q: &Query| screener.screen(q, 0.5).first().map_or(0.0, |m| m.score);
                    let plain = best(&q);
                    q.country = nat_col.map(|i| r[i].clone());
                    hangul.push((plain, best(&q)));
                }
                let mut q = Query::new(&r[name_col]);
                q.kind = Some(EntryKind::Person);
                let plain = screener.screen(&q, args.threshold);
                let nationality = nat_col.map(|i| r[i].clone());
                if !plain.is_empty() {
                    hit += 1;
                    if args.all_negatives {
                        let e = &screener.entries()[plain[0].entry_index];
                        let mut qc = q.clone();
                        qc.country = nationality.clone();
                        let with = screener.screen(&qc, 0.0);
                        let with = with
                            .iter()
                            .find(|m| m.entry_index == plain[0].entry_index)
                            .map_or(0.0, |m| m.score);
                        examples.push(format!(
                            "  `{}` ({}) [{}] -> `{}` [{}] {:.3}, with nationality {with:.3}",
                            r[name_col],
                            normalize(&r[name_col], EntryKind::Person).normalized,
                            nationality.as_deref().unwrap_or(""),
                            e.primary_name,
                            e.countries.join(" "),
                            plain[0].score
                        ));
                    } else if examples.len() < 5 {
                        let e = &screener.entries()[plain[0].entry_index];
                        examples.push(format!(
                            "  `{}` ({}) -> `{}` {:.3}",
                            r[name_col],
                            normalize(&r[name_col], EntryKind::Person).normalized,
                            e.primary_name,
                            plain[0].score
                        ));
                    }
                }
                q.country = nationality;
                if !screener.screen(&q, args.threshold).is_empty() {
                    hit_country += 1;
                }
            }
            let n = nrows.len().max(1) as f64;
            println!();
            println!(
                "negatives {path}: {} people; with a hit at t={:.2}: {hit} ({:.1} %) by name only, {hit_country} ({:.1} %) with nationality as country",
                nrows.len(),
                args.threshold,
                100.0 * hit as f64 / n,
                100.0 * hit_country as f64 / n
            );
            for e in examples {
                println!("{e}");
            }
            let at = |t: f64, with: bool| {
                hangul
                    .iter()
                    .filter(|(p, c)| if with { *c >= t } else { *p >= t })
                    .count()
            };
            println!(
                "  named in Hangul: {} people; hits at {:.2} / 0.75 / {BLOCK:.2}: {} / {} / {} by name only, {} / {} / {} with nationality",
                hangul.len(),
                args.threshold,
                at(args.threshold, false),
                at(0.75, false),
                at(BLOCK, false),
                at(args.threshold, true),
                at(0.75, true),
                at(BLOCK, true)
            );
        }
    }
    Ok(())
}

/// The score of `query` against `listed` as the screener gives it: the better of the name as
/// written and each of its readings (`readings::name_readings`: Chinese trade words in English,
/// Chinese characters in Korean, Arabic script with its long vowels) from its floor.
fn screened_score(query: &str, listed: &str, kind: EntryKind, stats: &TokenStats) -> f64 {
    name_readings(query, kind)
        .iter()
        .map(|(reading, read)| {
            let s = score_names(reading, listed, kind, stats).score;
            if s >= reading_floor(*read) {
                s
            } else {
                0.0
            }
        })
        .fold(score_names(query, listed, kind, stats).score, f64::max)
}

/// Scores the cross-script pairs (`query,expected,min score,description`, `#` comments) and
/// prints each with the fixture's minimum, to show where transliteration works and where not.
fn cross_script(path: &str, stats: &TokenStats) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    println!();
    println!("cross-script pairs ({path}):");
    let (mut ok, mut total) = (0, 0);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(4, ',').collect();
        if parts.len() < 3 {
            continue;
        }
        let min: f64 = parts[2].parse().unwrap_or(1.0);
        let s = screened_score(parts[0], parts[1], EntryKind::Person, stats);
        total += 1;
        if s >= min {
            ok += 1;
        }
        println!(
            "  {:<6} {s:.3} (min {min:.2})  {} | {} -> `{}`",
            if s >= min { "ok" } else { "below" },
            parts[0],
            parts[1],
            normalize(parts[0], EntryKind::Person).normalized
        );
    }
    println!("  {ok} of {total} pairs reach their minimum score");
    Ok(())
}

/// Scores redflag's own cases (the columns of `cases.csv`, `case_group` naming the script) and
/// prints precision and recall per group at the threshold and at [`BLOCK`], with every case.
fn extra_cases(path: &str, stats: &TokenStats, threshold: f64) -> Result<(), String> {
    let (h, rows) = read_csv(path)?;
    let (g, s, n1, n2, m) = (
        col(&h, "case_group")?,
        col(&h, "schema")?,
        col(&h, "name1")?,
        col(&h, "name2")?,
        col(&h, "is_match")?,
    );
    println!();
    println!("own cases ({path}):");
    let mut groups: Vec<(String, Counts, Counts)> = Vec::new();
    for r in &rows {
        let sc = screened_score(&r[n1], &r[n2], kind_of(&r[s]), stats);
        let actual = r[m] == "true";
        let i = match groups.iter().position(|x| x.0 == r[g]) {
            Some(i) => i,
            None => {
                groups.push((r[g].clone(), Counts::default(), Counts::default()));
                groups.len() - 1
            }
        };
        groups[i].1.add(sc >= threshold, actual);
        groups[i].2.add(sc >= BLOCK, actual);
        let ok = (sc >= threshold) == actual;
        println!(
            "  {:<5} {sc:.3} {} | {} -> `{}` (expected {actual})",
            if ok { "ok" } else { "wrong" },
            r[n1],
            r[n2],
            normalize(&r[n1], kind_of(&r[s])).normalized
        );
    }
    for (group, at, block) in &groups {
        println!("{}", at.line(&format!("  {group}, t={threshold:.2}")));
        println!("{}", block.line(&format!("  {group}, t={BLOCK:.2}")));
    }
    Ok(())
}
