//! The `order_json` fuzz target: its body and what it checks are `redflag_fuzz::order_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::order_json(data));
