//! Load times of every list importer on generated lists: by default 100,000 and 1,000,000
//! entries of each format (watch list CSV and TOML, CSL, DPL, FollowTheMoney, the OFAC set).
//! Every importer is linear (hash sets for duplicate ids and addresses), so ten times the rows
//! should take about ten times as long.
//!
//! ```sh
//! cargo run --release --example list_load_time            # 100000 and 1000000
//! cargo run --release --example list_load_time -- 250000  # other sizes
//! ```
//!
//! The time is `load_file`: reading the file, decoding and importing (not building the
//! screening index), as wall-clock and CPU time. The numbers are in
//! `docs/performance-screening.md`.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use redflag::screening::load_file;

/// A name for entry `i`: three words from small pools, so names repeat tokens as real lists do.
fn name(i: usize) -> String {
    const FIRST: &[&str] = &[
        "Gulf", "Northern", "Ural", "Pacific", "Golden", "Eastern", "Sino", "Baltic", "Red",
        "Delta", "Caspian", "Orient", "Atlas", "Polar", "Silk", "Amur", "Volga", "Zenith",
        "Harbor", "Ridge",
    ];
    const SECOND: &[&str] = &[
        "Precision",
        "Machinery",
        "Trading",
        "Electronics",
        "Shipping",
        "Logistics",
        "Metals",
        "Avionics",
        "Optics",
        "Chemicals",
        "Systems",
        "Industrial",
        "Energy",
        "Marine",
        "Tools",
    ];
    const FORM: &[&str] = &[
        "LLC", "Ltd", "JSC", "GmbH", "Co", "FZE", "OOO", "AO", "Limited",
    ];
    format!(
        "{} {} {} {}",
        FIRST[i % FIRST.len()],
        SECOND[(i / FIRST.len()) % SECOND.len()],
        i,
        FORM[i % FORM.len()]
    )
}

fn write(dir: &Path, file: &str, text: &str) -> Result<PathBuf, Box<dyn Error>> {
    let path = dir.join(file);
    std::fs::write(&path, text)?;
    Ok(path)
}

fn watch_csv(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let mut text = String::from("id,name,aliases,country,ids,listed_on,ends_on,program,notes\n");
    for i in 0..n {
        writeln!(
            text,
            "WL-{i},{},Alias {i};Other {i},RU,INN:{:010},2024-01-01,,RUSSIA-EO14024,generated",
            name(i),
            i
        )?;
    }
    write(dir, "watch.csv", &text)
}

fn watch_toml(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let mut text = String::new();
    for i in 0..n {
        writeln!(
            text,
            "[[entry]]\nid = \"WL-{i}\"\nname = \"{}\"\naliases = [\"Alias {i}\"]\ncountry = \"RU\"\nlisted_on = \"2024-01-01\"\n",
            name(i)
        )?;
    }
    write(dir, "watch.toml", &text)
}

fn csl(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let mut text = String::from(
        "_id,source,type,programs,end_date,remarks,citizenships,nationalities,name,alt_names,addresses,ids,start_date\n",
    );
    for i in 0..n {
        writeln!(
            text,
            "{i},Entity List (EL) - Bureau of Industry and Security,,,,,,,{},Alias {i},\"{i} Port Road, Dubai, AE\",\"Tax ID No., {:010}, RU\",2023-01-01",
            name(i),
            i
        )?;
    }
    write(dir, "consolidated.csv", &text)
}

fn dpl(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let mut text = String::from(
        "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tFR_Citation\n",
    );
    // Two rows (addresses) per party, as the real file has for some.
    for i in 0..n {
        let party = i / 2;
        writeln!(
            text,
            "{}\t{i} MAIN ST\tTOWN\t\tUS\t\t01/02/2020\t\t85 F.R. {party}",
            name(party).to_uppercase()
        )?;
    }
    write(dir, "dpl.txt", &text)
}

fn ftm(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let mut text = String::new();
    // One party and one sanction line per entry: `n` lines in all.
    for i in 0..n / 2 {
        writeln!(
            text,
            "{{\"id\": \"e{i}\", \"schema\": \"Company\", \"properties\": {{\"name\": [\"{}\"], \"alias\": [\"Alias {i}\"], \"country\": [\"ru\"], \"innCode\": [\"{:010}\"]}}, \"datasets\": [\"demo\"]}}",
            name(i),
            i
        )?;
        writeln!(
            text,
            "{{\"id\": \"s{i}\", \"schema\": \"Sanction\", \"properties\": {{\"entity\": [\"e{i}\"], \"listingDate\": [\"2024-01-01\"], \"program\": [\"RUSSIA-EO14024\"]}}}}"
        )?;
    }
    write(dir, "entities.ftm.json", &text)
}

fn ofac(dir: &Path, n: usize) -> Result<PathBuf, Box<dyn Error>> {
    let (mut sdn, mut alt, mut add, mut comments) =
        (String::new(), String::new(), String::new(), String::new());
    for i in 0..n {
        writeln!(
            sdn,
            "{i},\"{}\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Tax ID No. {:010} (Russia); Registration Number 1{:012} (Russia)\"",
            name(i).to_uppercase(),
            i,
            i
        )?;
        writeln!(alt, "{i},{i},\"aka\",\"ALIAS {i}\",-0- ")?;
        writeln!(add, "{i},{i},\"{i} Port Road\",\"Moscow\",\"Russia\",-0- ")?;
        if i % 10 == 0 {
            writeln!(comments, "{i},\" more remarks\"")?;
        }
    }
    write(dir, "alt.csv", &alt)?;
    write(dir, "add.csv", &add)?;
    write(dir, "sdn_comments.csv", &comments)?;
    write(dir, "sdn.csv", &sdn)
}

type Generator = fn(&Path, usize) -> Result<PathBuf, Box<dyn Error>>;

/// CPU seconds this process has used (user and system), from `/proc/self/stat` on Linux:
/// on a shared machine the wall clock also counts other processes' turns. `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Linux reports in clock ticks of 1/100 s on every common configuration.
    Some(ticks / 100.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()
        .map_err(|error| format!("sizes are numbers of rows: {error}"))?;
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    let formats: [(&str, Generator); 6] = [
        ("watch list CSV", watch_csv),
        ("watch list TOML", watch_toml),
        ("CSL", csl),
        ("DPL", dpl),
        ("FtM", ftm),
        ("OFAC set", ofac),
    ];
    println!("| format | rows | entries | MiB | load (wall) | load (CPU) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        for (format, generate) in formats {
            let dir = tempfile::tempdir()?;
            let path = generate(dir.path(), n)?;
            let bytes = std::fs::metadata(&path)?.len();
            let (started, cpu) = (Instant::now(), cpu_seconds());
            let list = load_file(&path)?;
            let elapsed = started.elapsed();
            let cpu = match (cpu, cpu_seconds()) {
                (Some(before), Some(after)) => format!("{:.2} s", after - before),
                _ => "-".to_string(),
            };
            println!(
                "| {format} | {n} | {} | {:.1} | {:.2} s | {cpu} |",
                list.entries.len(),
                bytes as f64 / (1024.0 * 1024.0),
                elapsed.as_secs_f64()
            );
        }
    }
    Ok(())
}
