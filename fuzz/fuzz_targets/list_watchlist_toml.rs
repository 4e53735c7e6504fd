//! The `list_watchlist_toml` fuzz target: its body and what it checks are `redflag_fuzz::list_watchlist_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redflag_fuzz::list_watchlist_toml(data));
