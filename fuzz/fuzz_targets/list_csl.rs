//! The `list_csl` fuzz target: its body and what it checks are `redflag_fuzz::list_csl`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::list_csl(data));
