//! The default rule pack is embedded with `include_dir!`, which does not tell cargo about files
//! added to or removed from `rules/`; this makes any change there rebuild the crate.
//!
//! `REDFLAG_BROWSER=1` (set by `.ci/run`) turns on the tests that drive headless Chromium, as
//! the `redflag_browser` cfg: a fresh machine with only Rust lists them as ignored instead.
//! `REDFLAG_POSTGRES_URL` (set by `.ci/run`, which starts a PostgreSQL server) does the same
//! for the store tests against PostgreSQL, as the `redflag_postgres` cfg.
//!
//! `REDFLAG_BUILD_FINGERPRINT`: the SHA-256 of everything that decides what a persisted list
//! index holds and how it is encoded (`screening::persist`): the crate version, the target, the
//! compiler's version, `Cargo.lock` (the serialization crate's version, and every other
//! dependency's) and every source file under `src/`. An index written by any other build is
//! never read. The whole of `src/` rather than `src/screening/`: importers and the index also
//! use code outside it (country names, digests), and a narrower set that missed one file would
//! let a changed build read an index it would not have built; a cache miss after an unrelated
//! change costs one import.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-env-changed=REDFLAG_BROWSER");
    println!("cargo::rustc-check-cfg=cfg(redflag_browser)");
    println!("cargo:rerun-if-env-changed=REDFLAG_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(redflag_postgres)");
    if std::env::var("REDFLAG_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=redflag_postgres");
    }
    if std::env::var("REDFLAG_BROWSER").is_ok_and(|v| v == "1") {
        println!("cargo:rustc-cfg=redflag_browser");
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!(
        "cargo:rustc-env=REDFLAG_BUILD_FINGERPRINT={}",
        fingerprint()
    );
}

fn fingerprint() -> String {
    let mut hash = Sha256::new();
    let mut field = |label: &str, bytes: &[u8]| {
        // Length-prefixed, so that no two sequences of fields hash alike.
        hash.update((label.len() as u64).to_le_bytes());
        hash.update(label.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field("version", env("CARGO_PKG_VERSION").as_bytes());
    field("target", env("TARGET").as_bytes());
    let rustc = env("RUSTC");
    let rustc_version = std::process::Command::new(if rustc.is_empty() { "rustc" } else { &rustc })
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    field("rustc", &rustc_version);
    let root = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    for name in ["Cargo.lock", "Cargo.toml"] {
        // A packaged crate may come without its lock file: the field then says so.
        field(name, &std::fs::read(root.join(name)).unwrap_or_default());
    }
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    for path in files {
        let relative = path.strip_prefix(&root).unwrap_or(&path);
        field(
            &relative.to_string_lossy(),
            &std::fs::read(&path).unwrap_or_default(),
        );
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
