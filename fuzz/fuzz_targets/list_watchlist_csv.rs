//! The WatchlistCsv list importer (`import_str`) on fuzzed text, as `load_file` decodes it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::screening::import::{decode, import_str};
use redflag::screening::model::ListFormat;
use redflag_fuzz::check_list;

fuzz_target!(|data: &[u8]| {
    let text = decode(data);
    check_list(|| import_str(ListFormat::WatchlistCsv, "watch.csv", &text));
});
