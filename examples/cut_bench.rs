//! Names cut at a field's length: every listed name longer than a field (30, 35 and 40
//! characters: SAP and SWIFT name fields hold 35) is cut there, as an ERP export writes it,
//! and screened against the whole list; the bench counts how often the cut name still meets
//! its own entry at review (0.70) and at block (0.90).
//!
//! ```text
//! cargo run --release --example cut_bench -- --list target/name-bench-sdn/sdn.csv [--show 5]
//! ```

use std::path::Path;

use redflag::screening::{load_file, EntryKind, Query, Screener};

const REVIEW: f64 = 0.70;
const BLOCK: f64 = 0.90;

fn main() -> Result<(), String> {
    let mut list = None;
    let mut show = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--list" => list = Some(value),
            "--show" => show = value.parse().map_err(|_| "bad --show")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let list = list.ok_or("--list PATH is required")?;
    let file = load_file(Path::new(&list)).map_err(|e| e.to_string())?;
    let names: Vec<(usize, String, EntryKind)> = file
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.primary_name.clone(), e.kind))
        .collect();
    let screener = Screener::build(file.entries);
    println!("names cut at a field's length, screened against {list}:");
    for length in [30usize, 35, 40] {
        for (label, persons) in [("entities", false), ("people", true)] {
            let (mut cut, mut review, mut block) = (0usize, 0usize, 0usize);
            let mut missed: Vec<String> = Vec::new();
            let mut below_block: Vec<String> = Vec::new();
            for (entry, name, kind) in &names {
                if (*kind == EntryKind::Person) != persons || name.chars().count() <= length {
                    continue;
                }
                let short: String = name.chars().take(length).collect();
                cut += 1;
                let best = screener
                    .screen(&Query::new(&short), 0.0)
                    .into_iter()
                    .filter(|m| m.entry_index == *entry)
                    .map(|m| m.score)
                    .fold(0.0f64, f64::max);
                if best >= REVIEW {
                    review += 1;
                } else if missed.len() < show {
                    missed.push(format!("{best:.3} `{short}` for `{name}`"));
                }
                if best >= BLOCK {
                    block += 1;
                } else if best >= REVIEW && below_block.len() < show {
                    below_block.push(format!("{best:.3} `{short}` for `{name}`"));
                }
            }
            let share = |n: usize| 100.0 * n as f64 / cut.max(1) as f64;
            println!(
                "  cut at {length:>2}, {label:<8} {cut:>5} names: found at review {review:>5} ({:.1} %), at block {block:>5} ({:.1} %)",
                share(review),
                share(block)
            );
            for m in &missed {
                println!("      missed {m}");
            }
            for m in &below_block {
                println!("      below block {m}");
            }
        }
    }
    Ok(())
}
