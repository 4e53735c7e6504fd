//! The `waivers` fuzz target: its body and what it checks are `redflag_fuzz::waivers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::waivers(data));
