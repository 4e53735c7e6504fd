//! CSV orders with a column map. The input is the map's TOML, then a line
//! `--- orders.csv`, then the CSV.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::order::{ColumnMap, InputFormat};
use redflag_fuzz::{check_records, csv_count, csv_id_column, read_all, unpack};

fuzz_target!(|data: &[u8]| {
    let files = unpack(data, "map.toml");
    let map_text = String::from_utf8_lossy(files.get("map.toml").map_or(&[][..], |v| v));
    let csv = files.get("orders.csv").map_or(&[][..], |v| v);
    let Ok(map) = ColumnMap::from_toml(&map_text, "map.toml") else {
        return;
    };
    // Every header the map names resolves to the path it says, or is ignored.
    for (header, target) in map.columns() {
        assert!(!map.ignores(header), "`{header}` both mapped and ignored");
        assert!(
            map.target(header).is_some(),
            "`{header}` mapped to `{target}` is not found"
        );
    }
    if let Some(records) = read_all(csv, InputFormat::Csv, Some(&map)) {
        check_records(
            &records,
            csv_count(csv, csv_id_column(csv, Some(&map))),
            "csv with map",
        );
    }
});
