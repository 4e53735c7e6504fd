//! Every input kept under fuzz/ — the seed corpora (fuzz/corpus/TARGET/) and the crash
//! reproducers (fuzz/regressions/TARGET/) — replayed through its fuzz target's body in plain
//! `cargo test`, so a fixed crash stays fixed and the seeds keep the targets' invariants
//! without libFuzzer or a fuzz build.
//!
//! The bodies are the fuzz package's own (fuzz/src/lib.rs, included here by path): depending
//! on that package would build libFuzzer (a C++ library) into every `cargo test`.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

// Helpers of the fuzz library that no target calls are still compiled here.
#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_lib;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The fuzz binaries fuzz/Cargo.toml declares.
fn declared_targets() -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .filter(|name| *name != "redflag-fuzz")
        .map(str::to_string)
        .collect()
}

/// The files under `fuzz/KIND/TARGET/`, by target, sorted.
fn kept(kind: &str) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let Ok(dirs) = std::fs::read_dir(fuzz_dir().join(kind)) else {
        return out;
    };
    for dir in dirs {
        let dir = dir.unwrap().path();
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|f| f.is_file())
            .collect();
        files.sort();
        out.entry(target).or_default().extend(files);
    }
    out
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".to_string())
}

#[test]
fn every_fuzz_target_is_replayable_and_has_seeds() {
    let bodies: BTreeSet<String> = fuzz_lib::TARGETS
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    assert_eq!(
        declared_targets(),
        bodies,
        "fuzz/Cargo.toml's binaries and fuzz/src/lib.rs `TARGETS` differ"
    );
    let seeds = kept("corpus");
    for target in &bodies {
        assert!(
            seeds.get(target).is_some_and(|files| !files.is_empty()),
            "fuzz target `{target}` has no seed under fuzz/corpus/{target}/"
        );
    }
    for kind in ["corpus", "regressions"] {
        for target in kept(kind).keys() {
            assert!(
                bodies.contains(target),
                "fuzz/{kind}/{target}/ belongs to no fuzz target"
            );
        }
    }
}

#[test]
fn every_kept_fuzz_input_keeps_its_targets_invariants() {
    let bodies: BTreeMap<&str, fn(&[u8])> = fuzz_lib::TARGETS.iter().copied().collect();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for kind in ["corpus", "regressions"] {
        for (target, files) in kept(kind) {
            let Some(body) = bodies.get(target.as_str()) else {
                continue;
            };
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                replayed += 1;
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| body(&bytes))) {
                    failures.push(format!(
                        "{}: {}",
                        file.strip_prefix(fuzz_dir()).unwrap_or(&file).display(),
                        panic_message(payload.as_ref())
                    ));
                }
            }
        }
    }
    assert!(replayed >= 40, "only {replayed} fuzz inputs found");
    assert!(
        failures.is_empty(),
        "{} of {replayed} kept fuzz inputs break their target's invariants:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
