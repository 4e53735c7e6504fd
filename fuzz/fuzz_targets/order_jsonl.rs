//! JSON Lines orders: one record per non-blank line, each judged; no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::order::InputFormat;
use redflag_fuzz::{check_records, jsonl_count, read_all};

fuzz_target!(|data: &[u8]| {
    let Some(records) = read_all(data, InputFormat::Jsonl, None) else {
        panic!("the JSON Lines reader refused a whole input");
    };
    check_records(&records, jsonl_count(data), "jsonl");
});
