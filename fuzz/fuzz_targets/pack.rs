//! A rule pack from fuzzed files. The input is `pack.toml`, then each further file after
//! a line `--- path` (`--- rules/r.toml`, `--- lists/cities.csv`, ...). A pack loads
//! exactly when no error is reported; a pack that loads judges the sample orders with
//! every judgement invariant kept, and lint never panics on it either way.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use redflag::engine::Engine;
use redflag::lint::{lint, LintOptions};
use redflag::rules::PackFiles;
use redflag_fuzz::{check_judgement, sample_records, unpack};

fuzz_target!(|data: &[u8]| {
    let files = PackFiles {
        origin: "fuzz".into(),
        files: unpack(data, "pack.toml"),
        root: None,
    };
    let (pack, diagnostics) = redflag::rules::build(&files);
    assert_eq!(
        pack.is_none(),
        diagnostics.has_errors(),
        "a pack must load exactly when no error is reported"
    );
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    let linted = lint(
        &files,
        &LintOptions {
            today,
            max_age_days: 400,
        },
    );
    if diagnostics.has_errors() {
        assert!(linted.has_errors(), "lint passed a pack that does not load");
    }
    if let Some(pack) = pack {
        let engine = Engine::with_screening(pack, Vec::new());
        for record in sample_records() {
            check_judgement(&engine, record);
        }
    }
});
