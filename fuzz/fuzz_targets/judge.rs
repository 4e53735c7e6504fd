//! The `judge` fuzz target: its body and what it checks are `redflag_fuzz::judge`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::judge(data));
