//! The default rule pack is embedded with `include_dir!`, which does not tell cargo about files
//! added to or removed from `rules/`; this makes any change there rebuild the crate.
//!
//! `REDFLAG_BROWSER=1` (set by `.ci/run`) turns on the tests that drive headless Chromium, as
//! the `redflag_browser` cfg: a fresh machine with only Rust lists them as ignored instead.
//! `REDFLAG_POSTGRES_URL` (set by `.ci/run`, which starts a PostgreSQL server) does the same
//! for the store tests against PostgreSQL, as the `redflag_postgres` cfg.

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
}
