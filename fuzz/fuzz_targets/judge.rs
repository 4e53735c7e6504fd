//! Judging: orders read from a fuzzed JSON document, judged against the default pack
//! with and without a small screening list; every record counted, every judgement
//! invariant kept (see `check_judgement`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::order::InputFormat;
use redflag_fuzz::{check_judgement, default_engine, json_count, read_all, screening_engine};

fuzz_target!(|data: &[u8]| {
    let Some(records) = read_all(data, InputFormat::Json, None) else {
        panic!("the JSON reader refused a whole input");
    };
    assert_eq!(records.len(), json_count(data), "records lost or invented");
    for record in &records {
        let plain = check_judgement(default_engine(), record);
        let screened = check_judgement(screening_engine(), record);
        // Both engines agree on what could not be read.
        assert_eq!(
            plain.verdict == redflag::findings::Verdict::Error,
            screened.verdict == redflag::findings::Verdict::Error
        );
    }
});
