//! The default rule pack is embedded with `include_dir!`, which does not tell cargo about files
//! added to or removed from `rules/`; this makes any change there rebuild the crate.
//!
//! `REDFLAG_BROWSER=1` (set by `.ci/run`) turns on the tests that drive headless Chromium, as
//! the `redflag_browser` cfg: a fresh machine with only Rust lists them as ignored instead.

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-env-changed=REDFLAG_BROWSER");
    println!("cargo::rustc-check-cfg=cfg(redflag_browser)");
    if std::env::var("REDFLAG_BROWSER").is_ok_and(|v| v == "1") {
        println!("cargo:rustc-cfg=redflag_browser");
    }
}
