//! The hostile-input corpus (`fixtures/adversarial/`): every case is a directory with a
//! `case.toml` saying what the input attempts and what must come of it. Each case runs the
//! binary in a scratch copy of its directory, so a case that tries to overwrite its own
//! inputs cannot damage the fixtures. Whatever a case expects, no run may panic, counts must
//! add up (a filtered report's orders and the ones it left out), no order may come out `clear`
//! unless the case names it as a benign control (which then must be clear) or a known limit,
//! and an order may be required to have, or not to have, a finding of a named rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::support::{redflag_in, stderr, stdout};

const CORPUS: &str = "fixtures/adversarial";

/// `case.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the input attempts, in one sentence.
    what: String,
    /// Arguments of the binary, run in the case's directory. For `check` without `--format`
    /// or `-o`, `--format json` is added so verdicts can be read.
    args: Vec<String>,
    /// A file of the case fed to standard input.
    #[serde(default)]
    stdin: Option<String>,
    /// The exit status.
    exit: i32,
    /// Order id (or `line N` for an unreadable record) → the least verdict it may have:
    /// `block`, `hold`, `review`, `info`; `error` must be exactly `error`.
    #[serde(default)]
    orders: BTreeMap<String, String>,
    /// Orders that must be clear: benign controls beside the attack. A control that comes out
    /// flagged is a false alarm, and fails the case.
    #[serde(default)]
    clear: Vec<String>,
    /// Orders that may be clear: a miss the case records as a known limit (docs/screening.md),
    /// not a control.
    #[serde(default)]
    known_limits: Vec<String>,
    /// Order id → rules each must have a finding of: the rule the case is about, so that
    /// another rule's verdict (a party in Russia is held whatever its name) cannot stand in
    /// for it.
    #[serde(default)]
    rules: BTreeMap<String, Vec<String>>,
    /// Order id → rules it must have no finding of: a control held for another reason, that the
    /// rule under attack must still leave alone.
    #[serde(default)]
    not_rules: BTreeMap<String, Vec<String>>,
    /// Texts that standard error must contain.
    #[serde(default)]
    stderr: Vec<String>,
    /// Texts that standard output must contain.
    #[serde(default)]
    stdout: Vec<String>,
    /// Texts that standard output must not contain.
    #[serde(default)]
    stdout_not: Vec<String>,
    /// Files of the case whose bytes must be the same after the run.
    #[serde(default)]
    unchanged: Vec<String>,
    /// A file the report was written to (`-o`), read instead of standard output; `-` for a JSON
    /// report on standard output through `-o -`.
    #[serde(default)]
    report: Option<String>,
}

fn rank(verdict: &str) -> Option<u8> {
    match verdict {
        "clear" => Some(0),
        "info" => Some(1),
        "review" => Some(2),
        "hold" => Some(3),
        "block" => Some(4),
        _ => None,
    }
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(CORPUS)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "case.toml")
        .map(|e| e.path().parent().unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry.path().strip_prefix(from).unwrap();
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs one case; the problems found, empty when it passed.
fn run_case(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let text = std::fs::read_to_string(dir.join("case.toml")).unwrap();
    let case: Case = match toml::from_str(&text) {
        Ok(case) => case,
        Err(error) => return vec![format!("case.toml does not parse: {error}")],
    };
    assert!(!case.what.trim().is_empty());
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(dir, scratch.path());
    let before: Vec<(String, Vec<u8>)> = case
        .unchanged
        .iter()
        .map(|f| (f.clone(), std::fs::read(scratch.path().join(f)).unwrap()))
        .collect();
    let mut args = case.args.clone();
    let wants_json = args.first().is_some_and(|a| a == "check")
        && !args
            .iter()
            .any(|a| a == "--format" || a == "-o" || a == "--output");
    if wants_json {
        args.extend(["--format".to_string(), "json".to_string()]);
    }
    let input = case
        .stdin
        .as_ref()
        .map(|f| std::fs::read(scratch.path().join(f)).unwrap());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = redflag_in(Some(scratch.path()), &argv, input.as_deref());
    let (out, err) = (stdout(&output), stderr(&output));
    let status = output.status.code();
    if status != Some(case.exit) {
        problems.push(format!(
            "exit {:?}, expected {}; stderr:\n{err}",
            status, case.exit
        ));
    }
    if err.contains("panicked") || status == Some(101) {
        problems.push(format!("panicked:\n{err}"));
    }
    for want in &case.stderr {
        if !err.contains(want.as_str()) {
            problems.push(format!("stderr lacks `{want}`:\n{err}"));
        }
    }
    for want in &case.stdout {
        if !out.contains(want.as_str()) {
            problems.push(format!("stdout lacks `{want}`"));
        }
    }
    for unwanted in &case.stdout_not {
        if out.contains(unwanted.as_str()) {
            problems.push(format!("stdout has `{unwanted}`"));
        }
    }
    for (file, bytes) in &before {
        let after = std::fs::read(scratch.path().join(file)).unwrap_or_default();
        if &after != bytes {
            problems.push(format!("`{file}` was changed by the run"));
        }
    }
    let report = match case.report.as_deref() {
        // `-o -`: the report is standard output.
        None | Some("-") => out.clone(),
        Some(file) => std::fs::read_to_string(scratch.path().join(file)).unwrap_or_default(),
    };
    let json_report = wants_json
        || case
            .report
            .as_deref()
            .is_some_and(|r| r == "-" || r.ends_with(".json"));
    if json_report && !report.trim().is_empty() {
        problems.extend(judge_report(&case, &report));
    } else if !case.orders.is_empty() {
        problems.push("the case expects verdicts but no JSON report was written".to_string());
    }
    problems
}

/// Checks the verdicts and counts of a `redflag.check/1` report.
fn judge_report(case: &Case, report: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let doc: serde_json::Value = match serde_json::from_str(report) {
        Ok(doc) => doc,
        Err(error) => return vec![format!("the report is not JSON: {error}")],
    };
    let orders = doc["orders"].as_array().cloned().unwrap_or_default();
    let summary = &doc["summary"];
    let read = summary["read"].as_u64().unwrap_or(u64::MAX);
    let judged = summary["judged"].as_u64().unwrap_or(0);
    let rejected = summary["rejected"].as_u64().unwrap_or(0);
    // A filtered report (`--min-verdict`) shows fewer orders and says how many it left out.
    let left_out = summary["left_out"].as_u64().unwrap_or(0);
    if read != judged + rejected || read != orders.len() as u64 + left_out {
        problems.push(format!(
            "counts do not add up: read {read}, judged {judged}, rejected {rejected}, {} in the report, {left_out} left out",
            orders.len()
        ));
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    // Every verdict and rule of each key: an id repeated across inputs is several orders.
    let mut verdicts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut fired: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for order in &orders {
        let verdict = order["verdict"].as_str().unwrap_or("?").to_string();
        let key = match order["id"].as_str() {
            Some(id) => id.to_string(),
            None => format!("line {}", order["line"]),
        };
        if verdict == "clear" && !case.clear.contains(&key) && !case.known_limits.contains(&key) {
            problems.push(format!("`{key}` is clear"));
        }
        let rules = order["findings"].as_array().into_iter().flatten();
        fired
            .entry(key.clone())
            .or_default()
            .extend(rules.filter_map(|f| f["rule_id"].as_str().map(str::to_string)));
        verdicts
            .entry(key.clone())
            .or_default()
            .push(verdict.clone());
        seen.insert(key, verdict);
    }
    for key in &case.clear {
        match verdicts.get(key) {
            None => problems.push(format!("control `{key}` is not in the report")),
            Some(all) if !all.iter().any(|v| v == "clear") => {
                problems.push(format!("control `{key}` is {}, not clear", all.join(", ")));
            }
            Some(_) => {}
        }
    }
    for (key, wanted) in &case.rules {
        let got = fired.get(key).map(Vec::as_slice).unwrap_or_default();
        for rule in wanted.iter().filter(|r| !got.contains(r)) {
            problems.push(format!("`{key}` has no finding of {rule}: {got:?}"));
        }
    }
    for (key, unwanted) in &case.not_rules {
        let got = fired.get(key).map(Vec::as_slice).unwrap_or_default();
        for rule in unwanted.iter().filter(|r| got.contains(r)) {
            problems.push(format!("`{key}` has a finding of {rule}"));
        }
    }
    for (key, least) in &case.orders {
        let Some(got) = seen.get(key) else {
            problems.push(format!("`{key}` is not in the report"));
            continue;
        };
        let ok = match (rank(least), rank(got)) {
            (Some(want), Some(have)) => have >= want,
            _ => got == least,
        };
        if !ok {
            problems.push(format!("`{key}` is {got}, expected at least {least}"));
        }
    }
    problems
}

#[test]
fn every_hostile_or_broken_input_fails_closed() {
    let cases = cases();
    // Each case is a process; a few at a time keep both cores busy.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(dir) = cases.get(i) else { break };
                let problems = run_case(dir);
                if !problems.is_empty() {
                    failures.lock().unwrap().push(format!(
                        "{}:\n  {}",
                        dir.display(),
                        problems.join("\n  ")
                    ));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} adversarial cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_covers_every_reader_with_at_least_80_cases() {
    let cases = cases();
    assert!(
        cases.len() >= 80,
        "the adversarial corpus has {} cases; it must hold at least 80",
        cases.len()
    );
    for group in [
        "orders",
        "lists",
        "screening",
        "packs",
        "waivers",
        "cli",
        "output",
        "rules",
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c.starts_with(format!("{CORPUS}/{group}"))),
            "no case under {CORPUS}/{group}"
        );
    }
}
