//! CSV orders without a column map: one record per run of rows sharing an id; each judged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::order::InputFormat;
use redflag_fuzz::{check_records, csv_count, csv_id_column, read_all};

fuzz_target!(|data: &[u8]| {
    // An unusable header stops the input before any record: nothing to count.
    if let Some(records) = read_all(data, InputFormat::Csv, None) {
        check_records(&records, csv_count(data, csv_id_column(data, None)), "csv");
    }
});
