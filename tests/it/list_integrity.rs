//! A `--list` must be whole and in force to be screened against: a list none of whose entries
//! is in force on the run's day is refused (and still is when its index comes from the list
//! index cache), and the digest a report gives an OFAC set covers every file of it.

use std::path::Path;

use crate::hostile_lists::dir_with;
use crate::support::{code, redflag_in, stderr, stdout};

const ENDED: &str = "fixtures/adversarial/lists/watch-csv-every-entry-ended";

fn copy_case(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(case).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "check",
        "orders.jsonl",
        "--list",
        "watch.csv",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    redflag_in(Some(dir), &args, None)
}

#[test]
fn a_list_whose_entries_all_ended_loads_for_a_day_they_were_in_force() {
    let dir = copy_case(ENDED);
    // 2024-06-01 is before the latest end (2024-07-01): the list loads and screens.
    let out = check(dir.path(), &["--as-of", "2024-06-01", "--no-list-cache"]);
    assert!(code(&out) < 2, "{}", stderr(&out));
    assert!(!stderr(&out).contains("S002"), "{}", stderr(&out));
    let out = check(dir.path(), &["--no-list-cache"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("none of its 4 entries is in force on 2026-11-30"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_list_whose_entries_all_ended_is_refused_from_the_cache_too() {
    let dir = copy_case(ENDED);
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().display().to_string();
    let run = |extra: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_redflag"));
        command
            .args([
                "check",
                "orders.jsonl",
                "--list",
                "watch.csv",
                "--format",
                "json",
            ])
            .args(extra)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("REDFLAG_TODAY", crate::support::TODAY)
            .env("REDFLAG_CACHE_DIR", &cache_dir);
        command.output().unwrap()
    };
    // The first run, on a day the list was in force, writes the cache entry.
    let first = run(&["--as-of", "2024-06-01"]);
    assert!(code(&first) < 2, "{}", stderr(&first));
    assert!(std::fs::read_dir(cache.path()).unwrap().next().is_some());
    let second = run(&[]);
    assert_eq!(code(&second), 2, "{}", stderr(&second));
    assert!(stderr(&second).contains("S002"), "{}", stderr(&second));
}

/// The `sha256` the report gives the one `--list`.
fn list_digest(dir: &Path) -> String {
    let out = redflag_in(
        Some(dir),
        &[
            "check",
            "orders.jsonl",
            "--list",
            "sdn.csv",
            "--format",
            "json",
            "--no-list-cache",
        ],
        None,
    );
    assert!(code(&out) < 2, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let lists = doc["run"]["screening"]
        .as_array()
        .or_else(|| doc["screening"].as_array())
        .expect("the report lists its screening lists");
    let list = lists
        .iter()
        .find(|l| l["file"] == "sdn.csv")
        .expect("the --list is in the report");
    list["sha256"].as_str().unwrap().to_string()
}

#[test]
fn an_ofac_sets_digest_covers_every_file() {
    let order = std::fs::read("fixtures/adversarial/clean-order.jsonl").unwrap();
    let sdn = crate::hostile_lists::SDN_ROW.as_bytes();
    let add = b"36,1,-0- ,\"Havana\",\"Cuba\",-0- \n";
    let comments = b"36,\" more\"\n";
    let set = |alt: &[u8]| {
        dir_with(&[
            ("orders.jsonl", order.as_slice()),
            ("sdn.csv", sdn),
            ("alt.csv", alt),
            ("add.csv", add),
            ("sdn_comments.csv", comments),
        ])
    };
    let alt = b"36,1,\"aka\",\"AEROCARIBBEAN\",-0- \n";
    let other_alt = b"36,1,\"aka\",\"AERO CARIBBEAN AIRLINES\",-0- \n";
    let one = list_digest(set(alt).path());
    let other = list_digest(set(other_alt).path());
    assert_ne!(one, other, "the aliases differ, so must the digest");
    // As documented: the SHA-256 of the four files' SHA-256s, each on its line.
    let hex = |bytes: &[u8]| redflag::digest::sha256_hex(bytes);
    let lines = format!(
        "{}\n{}\n{}\n{}\n",
        hex(sdn),
        hex(alt),
        hex(add),
        hex(comments)
    );
    assert_eq!(one, hex(lines.as_bytes()));
}

#[test]
fn a_slash_date_is_read_only_where_the_format_says_how() {
    use redflag::screening::{import_str, ListFormat};
    let header = "id,name,aliases,country,ids,listed_on,ends_on,program,notes\n";
    // Day first or month first, ambiguous or not: a watch list writes yyyy-mm-dd.
    for written in ["01/12/2025", "12/25/2025", "25/12/2025"] {
        let text = format!("{header}WL-1,Listed Party,,RU,,2024-01-01,{written},,\n");
        let list = import_str(ListFormat::WatchlistCsv, "watch.csv", &text).unwrap();
        assert_eq!(list.entries[0].ends_on, None, "{written}");
        assert!(
            list.problems[0]
                .message
                .contains(&format!("ends_on `{written}` is not a yyyy-mm-dd date")),
            "{:?}",
            list.problems
        );
    }
    // The DPL writes MM/DD/YYYY, and says so.
    let dpl = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tFR_Citation\n\
               \"LISTED PARTY\"\t\"1 MAIN ST\"\t\"TOWN\"\t\"\"\t\"US\"\t\"\"\t\"01/02/2020\"\t\"12/01/2030\"\t\"85 F.R. 1\"\n";
    let list = import_str(ListFormat::Dpl, "dpl.txt", dpl).unwrap();
    let entry = &list.entries[0];
    assert_eq!(entry.listed_on.unwrap().to_string(), "2020-01-02");
    assert_eq!(entry.ends_on.unwrap().to_string(), "2030-12-01");
}

#[test]
fn serve_refuses_a_list_whose_entries_all_ended_as_check_does() {
    // `serve` loads (and reloads) its lists as `check` does, on the day it loads them.
    let spec = format!("{ENDED}/watch.csv");
    let Err(problems) = redflag::serve::loaded::load(None, &[spec], None) else {
        panic!("serve loaded a list with no entry in force");
    };
    assert!(problems.iter().any(|d| d.code() == "S002"), "{problems:?}");
}
