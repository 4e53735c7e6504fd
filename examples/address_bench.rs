//! Address-screening accuracy: how often a listed address written as an order writes it is
//! found (recall), and how often an address that is not listed meets a listed one (false
//! alarms), with the address index and comparison that RF-SCREEN-004 uses.
//!
//! ```text
//! cargo run --release --example address_bench -- --list target/name-bench-sdn/sdn.csv \
//!     [--negatives-list ../shared/data/dpl/dpl.txt] [--show 5]
//! ```
//!
//! Every street-level address of the list (`--list`, any format `load_file` reads) is turned
//! into four queries, each screened against the whole list's address index at
//! `ADDRESS_MATCH_MIN`:
//! - **as written**: the listed text with its country part taken out into the country field,
//!   as an order's `address` and `country` would hold it; it must meet its own entry;
//! - **reformatted**: the same in lower case, street types written the other way (`Street` ↔
//!   `St`, `Strasse` ↔ `Str.`, `Avenue` ↔ `Ave`, `Road` ↔ `Rd`) and postal codes left out; it
//!   must meet its own entry too;
//! - **next door**: the house number raised by two; a hit is a false alarm unless a listed
//!   address holds that number with those words (which the comparison requires);
//! - **another street**: the street part replaced by the street of another listed address
//!   (the one half the list away), number, town and country kept; a hit is a false alarm.
//!
//! With `--negatives-list`, the street-level addresses of another list (the BIS Denied Persons
//! List: real addresses of firms and people that are not on the SDN) are screened too, and a
//! hit whose names do not resemble each other (name score below 0.7) counts as a false alarm:
//! the "another name at a listed address" finding those parties would raise.
//!
//! The near-miss queries are synthetic (no public set of unlisted addresses exists); they
//! show whether the comparison matches on a street or a town alone.

use std::path::Path;

use redflag::screening::address::{parse_listed, AddressForm, ADDRESS_MATCH_MIN};
use redflag::screening::address_index::AddressIndex;
use redflag::screening::countries::to_iso2;
use redflag::screening::load_file;
use redflag::screening::model::Entry;
use redflag::screening::score::{score_names, TokenStats};

struct Args {
    list: String,
    negatives_list: Option<String>,
    show: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        list: String::new(),
        negatives_list: None,
        show: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--list" => a.list = value()?,
            "--negatives-list" => a.negatives_list = Some(value()?),
            "--show" => a.show = value()?.parse().map_err(|_| "bad --show")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.list.is_empty() {
        return Err("--list PATH is required".to_string());
    }
    Ok(a)
}

/// A listed address as an order would hold it: the address line without the country part,
/// and the country code.
struct AsOrder {
    entry: usize,
    line: String,
    country: String,
    form: AddressForm,
}

/// The street-level addresses of `entries`, as orders would write them.
fn as_orders(entries: &[Entry]) -> Vec<AsOrder> {
    let mut out = Vec::new();
    for (ei, e) in entries.iter().enumerate() {
        for text in &e.addresses {
            let form = parse_listed(text, &e.countries);
            let Some(country) = form.country.clone() else {
                continue;
            };
            if !form.street_level() {
                continue;
            }
            let mut parts: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() > 1 && parts.last().and_then(|p| to_iso2(p)) == Some(country.as_str()) {
                parts.pop();
            }
            out.push(AsOrder {
                entry: ei,
                line: parts.join(", "),
                country,
                form,
            });
        }
    }
    out
}

/// Street types written the other way, postal codes (numbers of five digits or more, and
/// letter-digit codes such as `EC3N`) left out, lower case.
fn reformatted(line: &str) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("street", "st."),
        ("st.", "street"),
        ("st", "street"),
        ("avenue", "ave"),
        ("ave.", "avenue"),
        ("ave", "avenue"),
        ("road", "rd"),
        ("rd.", "road"),
        ("rd", "road"),
    ];
    let lower = line.to_lowercase();
    let mut words: Vec<String> = Vec::new();
    for word in lower.split(' ').filter(|w| !w.is_empty()) {
        let (core, comma) = match word.strip_suffix(',') {
            Some(c) => (c, ","),
            None => (word, ""),
        };
        // A postal code: five digits or more alone (`80809`), or after a country letter
        // (`ch-8022`); never a box number.
        let digits_only = |t: &str| t.len() >= 4 && t.bytes().all(|b| b.is_ascii_digit());
        let postal = (core.len() >= 5 && digits_only(core))
            || core.split_once('-').is_some_and(|(a, b)| {
                a.len() <= 2 && a.bytes().all(|c| c.is_ascii_alphabetic()) && digits_only(b)
            });
        let after_box = words
            .last()
            .is_some_and(|w| w.trim_end_matches(',') == "box");
        if postal && !after_box {
            if !comma.is_empty() {
                if let Some(last) = words.last_mut() {
                    last.push(',');
                }
            }
            continue;
        }
        let swapped = SWAPS
            .iter()
            .find(|(from, _)| *from == core)
            .map(|(_, to)| (*to).to_string())
            .or_else(|| core.strip_suffix("strasse").map(|s| format!("{s}str.")))
            .unwrap_or_else(|| core.to_string());
        words.push(format!("{swapped}{comma}"));
    }
    words.join(" ")
}

/// The line with its first standalone house number (one to four digits) raised by two.
fn next_door(line: &str) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for word in line.split(' ') {
        let core = word.trim_end_matches(',');
        if !done && !core.is_empty() && core.len() <= 4 && core.bytes().all(|b| b.is_ascii_digit())
        {
            let n: u32 = core.parse().ok()?;
            out.push(word.replacen(core, &(n + 2).to_string(), 1));
            done = true;
        } else {
            out.push(word.to_string());
        }
    }
    done.then(|| out.join(" "))
}

/// The first run of digits in `text`.
fn first_number(text: &str) -> Option<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| !run.is_empty())
}

/// The street part (first comma part) of `line` replaced by that of `other`, keeping this
/// line's house number: `<other street words> <number>, <rest of line>`.
fn another_street(line: &str, other: &str) -> Option<String> {
    let number = line
        .split([' ', ','])
        .find(|w| !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))?;
    let mut parts = line.splitn(2, ',');
    let _street = parts.next()?;
    let rest = parts.next().unwrap_or("").trim();
    let other_street: String = other
        .split(',')
        .next()?
        .split(' ')
        .filter(|w| !w.is_empty() && !w.bytes().any(|b| b.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ");
    // A street name of its own, not only a street type or a number marker (`Calle`, `No.`):
    // those would leave the query a subset of many listed addresses of its town.
    const MARKERS: &[&str] = &[
        "calle",
        "carrera",
        "avenida",
        "avenue",
        "street",
        "road",
        "number",
        "house",
        "building",
        "office",
        "floor",
        "box",
        "postal",
        "case",
        "postale",
        "apartment",
        "block",
        "plot",
        "unit",
        "suite",
        "room",
        "transversal",
        "diagonal",
        "kilometro",
    ];
    let named = other_street.split(' ').any(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        w.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !MARKERS.contains(&w.as_str())
    });
    if !named {
        return None;
    }
    Some(if rest.is_empty() {
        format!("{other_street} {number}")
    } else {
        format!("{other_street} {number}, {rest}")
    })
}

struct Tally {
    label: &'static str,
    queries: usize,
    hits: usize,
    examples: Vec<String>,
}

impl Tally {
    fn new(label: &'static str) -> Tally {
        Tally {
            label,
            queries: 0,
            hits: 0,
            examples: Vec::new(),
        }
    }

    fn count(&mut self, hit: bool, show: usize, example: impl FnOnce() -> String) {
        self.queries += 1;
        if hit {
            self.hits += 1;
            if self.examples.len() < show {
                self.examples.push(example());
            }
        }
    }

    fn print(&self, what: &str) {
        let share = if self.queries == 0 {
            0.0
        } else {
            100.0 * self.hits as f64 / self.queries as f64
        };
        println!(
            "  {:<16} {:>6} queries, {:>6} {what} ({share:.2} %)",
            self.label, self.queries, self.hits
        );
        for e in &self.examples {
            println!("      {e}");
        }
    }
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let list = load_file(Path::new(&args.list)).map_err(|e| e.to_string())?;
    let entries = list.entries;
    let index = AddressIndex::build(&entries);
    let queries = as_orders(&entries);
    println!(
        "address bench: {} entries, {} street-level addresses indexed, threshold {ADDRESS_MATCH_MIN}",
        entries.len(),
        index.len()
    );
    let screen = |line: &str, country: &str| {
        index.screen_party(&entries, line, None, Some(country), ADDRESS_MATCH_MIN)
    };
    let mut exact = Tally::new("as written");
    let mut reformat = Tally::new("reformatted");
    let mut next = Tally::new("next door");
    let mut other = Tally::new("another street");
    for (i, q) in queries.iter().enumerate() {
        let own = |line: &str| {
            screen(line, &q.country)
                .iter()
                .any(|m| m.entry_index == q.entry)
        };
        exact.count(!own(&q.line), args.show, || {
            format!("missed `{}` ({}): {}", q.line, q.country, q.form.summary())
        });
        let r = reformatted(&q.line);
        reformat.count(!own(&r), args.show, || {
            format!("missed `{r}` ({}) for `{}`", q.country, q.line)
        });
        if let Some(n) = next_door(&q.line) {
            // A listed address whose first number is the new one is a listed neighbour (or
            // a range such as `277-279`), a right match.
            let number = first_number(&n);
            let hits: Vec<_> = screen(&n, &q.country)
                .into_iter()
                .filter(|m| first_number(&m.listed_address) != number)
                .collect();
            next.count(!hits.is_empty(), args.show, || {
                format!("`{n}` ({}) met `{}`", q.country, hits[0].listed_address)
            });
        }
        let Some(o) = queries.get((i + queries.len() / 2) % queries.len().max(1)) else {
            continue;
        };
        if o.form.words == q.form.words {
            continue;
        }
        if let Some(a) = another_street(&q.line, &o.line) {
            let hits = screen(&a, &q.country);
            other.count(!hits.is_empty(), args.show, || {
                format!("`{a}` ({}) met `{}`", q.country, hits[0].listed_address)
            });
        }
    }
    println!(
        "listed addresses written as an order writes them (a miss is a listed address not found):"
    );
    exact.print("missed");
    reformat.print("missed");
    println!("near misses that are not listed (a hit is a false alarm):");
    next.print("hits");
    other.print("hits");
    if let Some(path) = &args.negatives_list {
        let negatives = load_file(Path::new(path)).map_err(|e| e.to_string())?;
        let stats = TokenStats::new();
        let mut tally = Tally::new("other list");
        let mut same_party = 0usize;
        for q in as_orders(&negatives.entries) {
            let name = &negatives.entries[q.entry].primary_name;
            let hits = screen(&q.line, &q.country);
            let unrelated: Vec<_> = hits
                .iter()
                .filter(|m| {
                    let listed = &entries[m.entry_index];
                    let score = score_names(name, &listed.primary_name, listed.kind, &stats).score;
                    score < 0.7
                })
                .collect();
            if unrelated.len() < hits.len() {
                same_party += 1;
            }
            tally.count(!unrelated.is_empty(), args.show, || {
                format!(
                    "`{name}` at `{}` ({}) met `{}` at `{}`",
                    q.line,
                    q.country,
                    entries[unrelated[0].entry_index].primary_name,
                    unrelated[0].listed_address
                )
            });
        }
        println!(
            "street-level addresses of {} screened (a hit under another name is a false alarm; {same_party} met a listed party of a similar name):",
            negatives.name
        );
        tally.print("hits");
    }
    Ok(())
}
