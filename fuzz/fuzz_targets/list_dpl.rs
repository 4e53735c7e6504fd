//! The `list_dpl` fuzz target: its body and what it checks are `redflag_fuzz::list_dpl`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::list_dpl(data));
