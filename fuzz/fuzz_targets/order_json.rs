//! JSON documents: one record per element of a top-level array, else one; each judged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::order::InputFormat;
use redflag_fuzz::{check_records, json_count, read_all};

fuzz_target!(|data: &[u8]| {
    let Some(records) = read_all(data, InputFormat::Json, None) else {
        panic!("the JSON reader refused a whole input");
    };
    check_records(&records, json_count(data), "json");
});
