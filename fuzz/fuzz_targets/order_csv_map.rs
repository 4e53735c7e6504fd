//! The `order_csv_map` fuzz target: its body and what it checks are `redflag_fuzz::order_csv_map`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::order_csv_map(data));
