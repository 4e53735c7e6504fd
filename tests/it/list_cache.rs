//! The list index cache (`screening::persist`): a run that reads the index of its lists from
//! the cache gives the same reports as the run that wrote it and as one without the cache, and
//! an entry that is damaged, cut off, of other lists or cannot be written never changes a
//! result or fails a run: the lists are read again.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{code, stderr, TODAY};

const DIR: &str = "fixtures/differential";

/// Runs the binary with `args` in the fixture directory, with the list index cache in `cache`
/// (`None`: `--no-list-cache`), and checks its exit code.
fn run(args: &[&str], cache: Option<&Path>, exit: i32) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let mut command = Command::new(env!("CARGO_BIN_EXE_redflag"));
    command
        .args(args)
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .env("REDFLAG_TODAY", TODAY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match cache {
        Some(dir) => command.env("REDFLAG_CACHE_DIR", dir),
        None => command
            .arg("--no-list-cache")
            .env("REDFLAG_CACHE_DIR", "/nonexistent/never-written"),
    };
    let output = command.output().expect("the redflag binary runs");
    assert_eq!(code(&output), exit, "stderr:\n{}", stderr(&output));
    output
}

/// Runs `check` on the generated orders and list in the fixture directory, with the list
/// index cache in `cache` (`None`: `--no-list-cache`).
fn check(cache: Option<&Path>, list: &str, threads: &str) -> Output {
    let args = [
        "check",
        "orders.jsonl",
        "--list",
        list,
        "--format",
        "jsonl",
        "--threads",
        threads,
    ];
    run(&args, cache, 1)
}

/// Makes a cache entry old and returns that time and its inode, so that a later run is seen
/// to have read it (a read refreshes the time) rather than written it again (a new file).
#[cfg(unix)]
pub fn age(entry: &Path) -> (std::time::SystemTime, u64) {
    use std::os::unix::fs::MetadataExt;
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .append(true)
        .open(entry)
        .unwrap()
        .set_modified(old)
        .unwrap();
    (old, std::fs::metadata(entry).unwrap().ino())
}

/// Asserts that the entry [`age`]d as `(old, inode)` was read since, not written again.
#[cfg(unix)]
pub fn assert_read(entry: &Path, (old, inode): (std::time::SystemTime, u64)) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(entry).unwrap();
    assert_eq!(meta.ino(), inode, "the entry was read, not written again");
    assert!(meta.modified().unwrap() > old, "a read refreshes the entry");
}

/// A fresh, empty cache directory for one test.
fn cache_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("list-cache-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The entries in a cache directory.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rfidx"))
        .collect();
    out.sort();
    out
}

/// Another list: the first half of the fixture's rows, written as `file` in the test's scratch
/// directory.
fn half_list(file: &str) -> PathBuf {
    let list = std::fs::read_to_string(Path::new(DIR).join("list.csv")).unwrap();
    let half: Vec<&str> = list.lines().take(200).collect();
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(file);
    std::fs::write(&path, half.join("\n") + "\n").unwrap();
    path
}

/// The report and warnings of a run without the cache, the reference the others must equal.
fn reference() -> Output {
    check(None, "list.csv", "2")
}

#[test]
fn a_cached_index_gives_the_same_reports_as_building_it() {
    let dir = cache_dir("same");
    let want = reference();
    let first = check(Some(&dir), "list.csv", "1");
    let written = entries(&dir);
    assert_eq!(written.len(), 1, "the first run writes one entry");
    let aged = age(&written[0]);
    for threads in ["1", "2"] {
        let cached = check(Some(&dir), "list.csv", threads);
        assert!(
            cached.stdout == want.stdout,
            "a run from the cache ({threads} threads) reports otherwise than one without it"
        );
        assert_eq!(stderr(&cached), stderr(&want));
    }
    assert!(first.stdout == want.stdout, "the run that wrote the entry");
    assert_eq!(stderr(&first), stderr(&want));
    assert_read(&written[0], aged);
    assert_eq!(entries(&dir), written);
}

/// Writes the entry of `list.csv` into a fresh directory and returns it with the reference run.
fn written(name: &str) -> (PathBuf, PathBuf, Output) {
    let dir = cache_dir(name);
    let want = reference();
    let first = check(Some(&dir), "list.csv", "2");
    assert!(first.stdout == want.stdout);
    let entry = entries(&dir).pop().expect("an entry was written");
    (dir, entry, want)
}

/// Rendered diagnostics as one line of words (the renderer wraps long messages).
fn flat(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs from a spoiled entry: the same report and list warnings as without the cache, a
/// warning that the entry was not used, and a good entry written in its place.
fn assert_spoiled_entry_is_ignored(dir: &Path, entry: &Path, want: &Output, why: &str) {
    let got = check(Some(dir), "list.csv", "2");
    assert!(
        got.stdout == want.stdout,
        "a spoiled entry ({why}) changed the report"
    );
    let warnings = stderr(&got);
    let words = flat(&warnings);
    assert!(
        words.contains("S007") && words.contains("cannot be used") && words.contains(why),
        "{warnings}"
    );
    let mut lines = warnings.lines();
    assert!(
        stderr(want).lines().all(|w| lines.any(|g| g == w)),
        "the other warnings are kept: {warnings}"
    );
    // Written again: the next run is a clean hit.
    let again = check(Some(dir), "list.csv", "1");
    assert!(again.stdout == want.stdout);
    assert_eq!(stderr(&again), stderr(want));
    assert!(entry.exists());
}

#[test]
fn a_damaged_entry_is_not_used() {
    let (dir, entry, want) = written("damaged");
    let mut bytes = std::fs::read(&entry).unwrap();
    // A listed name that the report shows, changed by one letter wherever the entry holds it:
    // the payload still decodes, so only its checksum tells.
    let report = String::from_utf8_lossy(&want.stdout).into_owned();
    let list = std::fs::read_to_string(Path::new(DIR).join("list.csv")).unwrap();
    let name = list
        .lines()
        .skip(1)
        .filter_map(|line| line.split("\",\"").nth(5))
        .find(|name| name.len() > 8 && report.contains(name))
        .expect("the report names a listed party");
    let mut changed = name.as_bytes().to_vec();
    let last = changed.len() - 1;
    changed[last] = if changed[last] == b'x' { b'y' } else { b'x' };
    let mut hits = 0;
    let mut i = 0;
    while i + changed.len() <= bytes.len() {
        if &bytes[i..i + changed.len()] == name.as_bytes() {
            bytes[i..i + changed.len()].copy_from_slice(&changed);
            hits += 1;
        }
        i += 1;
    }
    assert!(hits > 0, "`{name}` is in the entry");
    std::fs::write(&entry, &bytes).unwrap();
    assert_spoiled_entry_is_ignored(&dir, &entry, &want, "checksum");
}

#[test]
fn a_cut_off_entry_is_not_used() {
    let (dir, entry, want) = written("cut");
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();
    assert_spoiled_entry_is_ignored(&dir, &entry, &want, "cut off");
    // Cut inside the header too.
    std::fs::write(&entry, &bytes[..40]).unwrap();
    assert_spoiled_entry_is_ignored(&dir, &entry, &want, "cut off");
}

#[test]
fn an_entry_of_other_lists_is_not_used() {
    let (dir, entry, want) = written("other");
    // The index of another list (the first half of the rows), filed under this list's name.
    let other_list = half_list("list-cache-other.csv");
    let other_dir = cache_dir("other-list");
    let other = check(Some(&other_dir), other_list.to_str().unwrap(), "2");
    assert!(
        other.stdout != want.stdout,
        "the other list screens otherwise"
    );
    let other_entry = entries(&other_dir).pop().expect("an entry was written");
    std::fs::copy(&other_entry, &entry).unwrap();
    assert_spoiled_entry_is_ignored(&dir, &entry, &want, "other lists");
}

#[test]
fn a_cache_that_cannot_be_written_does_not_fail_the_run() {
    let want = reference();
    // A directory cannot be made under a file, whoever runs the test.
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("list-cache-a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let got = check(Some(&file.join("cache")), "list.csv", "2");
    assert!(got.stdout == want.stdout);
    let warnings = stderr(&got);
    assert!(
        flat(&warnings).contains("S007")
            && flat(&warnings).contains("cannot write the list index cache"),
        "{warnings}"
    );
}

#[test]
fn a_changed_ofac_companion_is_another_entry() {
    // An OFAC set's digest in reports is its `sdn.csv`'s, but its aliases come from `alt.csv`:
    // the entry must be keyed by both.
    let set = Path::new(env!("CARGO_TARGET_TMPDIR")).join("list-cache-ofac");
    let _ = std::fs::remove_dir_all(&set);
    std::fs::create_dir_all(&set).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lists/ofac-sample");
    for name in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(source.join(name), set.join(name)).unwrap();
    }
    let dir = cache_dir("ofac");
    let orders = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/orders/screening.jsonl");
    let run = |cache: Option<&Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_redflag"));
        command
            .arg("check")
            .arg(&orders)
            .arg("--list")
            .arg(set.join("sdn.csv"))
            .args(["--format", "jsonl"])
            .env("REDFLAG_TODAY", TODAY)
            .stdin(Stdio::null());
        match cache {
            Some(dir) => command.env("REDFLAG_CACHE_DIR", dir),
            None => command.arg("--no-list-cache"),
        };
        command.output().expect("the redflag binary runs").stdout
    };
    run(Some(&dir));
    assert_eq!(entries(&dir).len(), 1);
    // One alias more: an order party named by it is a match only when alt.csv is read again.
    let alt = std::fs::read_to_string(set.join("alt.csv")).unwrap();
    let sdn = std::fs::read_to_string(set.join("sdn.csv")).unwrap();
    let ent = sdn.split(',').next().unwrap().trim();
    std::fs::write(
        set.join("alt.csv"),
        format!("{alt}{ent},99999,\"aka\",\"SOME NEW ALIAS\",-0- \n"),
    )
    .unwrap();
    let after = run(Some(&dir));
    assert_eq!(
        entries(&dir).len(),
        2,
        "a changed companion is another entry"
    );
    assert!(after == run(None));
}

/// A cache directory every user can write (`REDFLAG_CACHE_DIR=/tmp`): anyone could file an
/// entry under the key, which hashes nothing secret, and change screening where the report's
/// list digests do not show it. Its entries are never read, even a planted one that would
/// decode: the run screens the list itself.
#[cfg(unix)]
#[test]
fn a_cache_every_user_can_write_is_not_read() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, entry, want) = written("world-writable");
    // Planted: the entry of half the list, filed under the whole list's key. Read, it would
    // leave half the listed parties unscreened.
    let other_list = half_list("list-cache-planted.csv");
    let other_dir = cache_dir("planted-source");
    check(Some(&other_dir), other_list.to_str().unwrap(), "2");
    let planted = entries(&other_dir).pop().expect("the half list's entry");
    let mut bytes = std::fs::read(&planted).unwrap();
    // Its header names its own key: give it the whole list's, as a planter would.
    let whole = std::fs::read(&entry).unwrap();
    let key_at = 8 + 4 + 64;
    bytes[key_at..key_at + 32].copy_from_slice(&whole[key_at..key_at + 32]);
    std::fs::write(&entry, &bytes).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let got = check(Some(&dir), "list.csv", "2");
    assert!(
        got.stdout == want.stdout,
        "an entry in a directory every user can write was read"
    );
    let words = flat(&stderr(&got));
    assert!(
        words.contains("S007") && words.contains("every user"),
        "{}",
        stderr(&got)
    );
}

/// `explain` reads the entry `check` wrote (and explains as it does without the cache): one
/// order explained against a large list should not import and index the list again.
#[cfg(unix)]
#[test]
fn explain_reads_the_entry_check_wrote() {
    let (dir, entry, _) = written("explain");
    let aged = age(&entry);
    let explain = |cache: Option<&Path>| {
        let args = [
            "explain",
            "RF-SCREEN-001",
            "--order",
            "orders.jsonl",
            "--id",
            "SO-00000001",
            "--list",
            "list.csv",
            "--format",
            "json",
        ];
        run(&args, cache, 0)
    };
    let cached = explain(Some(&dir));
    assert_read(&entry, aged);
    let fresh = explain(None);
    assert!(cached.stdout == fresh.stdout);
    assert_eq!(stderr(&cached), stderr(&fresh));
    assert!(
        String::from_utf8_lossy(&cached.stdout).contains("\"fired\""),
        "the order's screening finding is explained: {}",
        String::from_utf8_lossy(&cached.stdout)
    );
}

/// `check` reads its lists' cache entry while the pack loads, under the key of a pack without
/// lists of its own. A pack with a list of its own files its index under another key: the entry
/// read ahead is not used for it (its index lacks the pack's entries, so using it would warn
/// that the entry's lists are not the ones given), and the run reports as one without the
/// cache.
#[test]
fn a_pack_with_a_list_of_its_own_is_not_given_the_entry_read_ahead() {
    let dir = cache_dir("pack-own-list");
    check(Some(&dir), "list.csv", "2");
    assert_eq!(
        entries(&dir).len(),
        1,
        "the default pack's run writes one entry"
    );
    let own = |cache: Option<&Path>| {
        let args = [
            "check",
            "orders.jsonl",
            "--list",
            "list.csv",
            "--rules",
            "../packs/screening-own",
            "--format",
            "jsonl",
        ];
        run(&args, cache, 0)
    };
    let want = own(None);
    for round in ["writes its own entry", "reads its own entry"] {
        let cached = own(Some(&dir));
        assert!(cached.stdout == want.stdout, "the run that {round}");
        assert_eq!(stderr(&cached), stderr(&want), "the run that {round}");
        assert_eq!(entries(&dir).len(), 2, "the run that {round}");
    }
}
