//! What the fuzz targets share: the invariants every reader and judgement must
//! keep, independent counts of the records an input holds, and the small
//! archive format that packs several files into one fuzz input.
//!
//! The counts here are written from the input format's definition (a JSON
//! Lines record is a non-blank line; a CSV order is a run of rows with one
//! id), not by calling the reader, so a reader that drops or invents a record
//! disagrees with them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use redflag::engine::Engine;
use redflag::findings::{Judgement, Verdict};
use redflag::order::{ColumnMap, InputFormat, Record};
use redflag::rules::PackFiles;
use redflag::screening::import::import_str;
use redflag::screening::model::ListFormat;

// The counts are shared with the property tests, which must not need this package.
#[path = "../../tests/it/input_counts.rs"]
pub mod input_counts;
pub use input_counts::{csv_count, csv_id_column, json_count, jsonl_count};

/// Everything a reader yields for one input's bytes, or `None` when the input stops
/// before its first record (a CSV header that cannot be used).
pub fn read_all(bytes: &[u8], format: InputFormat, map: Option<&ColumnMap>) -> Option<Vec<Record>> {
    let reader = std::io::Cursor::new(bytes.to_vec());
    match redflag::order::input::from_reader(reader, "fuzz", format, map) {
        Ok(records) => Some(records.collect()),
        Err(_) => None,
    }
}

/// Checks what must hold of one record and its judgement, whichever engine judged it:
/// an unreadable record is `error`, a record with a problem is never `clear`, a readable
/// order is never `error`, and judging again gives the same judgement.
pub fn check_judgement(engine: &Engine, record: &Record) -> Judgement {
    let judgement = engine.judge(record);
    match record {
        Record::Error(error) => {
            assert!(
                !error.problems.is_empty(),
                "an error record with no problem"
            );
            assert_eq!(
                judgement.verdict,
                Verdict::Error,
                "an unreadable record was not `error`"
            );
        }
        Record::Order(order) => {
            assert_ne!(
                judgement.verdict,
                Verdict::Error,
                "a readable order was judged `error`"
            );
            assert_eq!(judgement.order_id.as_deref(), Some(order.id.as_str()));
        }
    }
    if !judgement.problems.is_empty() {
        assert_ne!(
            judgement.verdict,
            Verdict::Clear,
            "a record with problems was judged clear"
        );
    }
    if judgement.verdict == Verdict::Clear {
        assert!(judgement.findings.is_empty(), "clear with findings");
    }
    // Findings come out in a fixed order (severity, then rule id), once per rule.
    for pair in judgement.findings.windows(2) {
        assert!(
            pair[0].severity > pair[1].severity
                || (pair[0].severity == pair[1].severity && pair[0].rule_id < pair[1].rule_id),
            "findings out of order or repeated: {} then {}",
            pair[0].rule_id,
            pair[1].rule_id
        );
    }
    let again = engine.judge(record);
    assert_eq!(
        format!("{judgement:?}"),
        format!("{again:?}"),
        "judging the same record twice gave different judgements"
    );
    judgement
}

/// The default pack, compiled once per process.
pub fn default_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        let pack =
            pack.unwrap_or_else(|| panic!("the default pack does not load: {diagnostics:?}"));
        Engine::new(pack)
    })
}

/// A small watch list the `judge` target screens against: names the fuzzer can reach
/// from the seed orders by small edits.
pub const WATCH_LIST: &str = "\
id,name,aliases,kind,countries,ids,listed_on,program,remarks
WL-1,Weserland Fahrwerkteile GmbH,Weserland Chassis,entity,DE,,2020-01-01,FUZZ,
WL-2,Altynprom Machinery Supply LLP,Altynprom,entity,KZ,KZ-BIN:240840012345,2022-03-01,FUZZ,
WL-3,Ivan Petrov,Иван Петров,person,RU,,2023-05-05,FUZZ,
";

/// The default pack with [`WATCH_LIST`] loaded, compiled once per process.
pub fn screening_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let list = import_str(ListFormat::WatchlistCsv, "fuzz-watch.csv", WATCH_LIST)
            .unwrap_or_else(|error| panic!("the fuzz watch list does not load: {error}"));
        assert!(!list.entries.is_empty(), "the fuzz watch list is empty");
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        let pack =
            pack.unwrap_or_else(|| panic!("the default pack does not load: {diagnostics:?}"));
        Engine::with_screening(pack, list.entries)
    })
}

/// Checks a reader's records against the count the input holds and judges each one with
/// `engine`, checking every judgement.
pub fn check_records(records: &[Record], expected: usize, what: &str) {
    assert_eq!(
        records.len(),
        expected,
        "{what}: the reader yielded {} records where the input holds {expected}",
        records.len()
    );
    for record in records {
        check_judgement(default_engine(), record);
    }
}

/// Marks a line that starts a new file in an [`unpack`]ed fuzz input: `--- path`.
pub const FILE_MARK: &[u8] = b"--- ";

/// Unpacks a fuzz input into named files. Each file starts with a line `--- path`; bytes
/// before the first such line are `first`. A path named twice keeps its last content.
pub fn unpack(data: &[u8], first: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut name = first.to_string();
    let mut content: Vec<u8> = Vec::new();
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Some(rest) = line.strip_prefix(FILE_MARK) {
            if !content.is_empty() || name != first {
                files.insert(std::mem::take(&mut name), std::mem::take(&mut content));
            }
            name = String::from_utf8_lossy(rest).trim().to_string();
        } else {
            content.extend_from_slice(line);
        }
    }
    if !content.is_empty() || name != first {
        files.insert(name, content);
    }
    files
}

/// Real orders (the clean adversarial order and the sample orders) for targets that fuzz
/// something other than the order: a pack, a waiver file.
pub fn sample_records() -> &'static [Record] {
    static RECORDS: OnceLock<Vec<Record>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let text = [
            include_str!("../../fixtures/adversarial/clean-order.jsonl"),
            include_str!("../../fixtures/orders/sample.jsonl"),
            include_str!("../../fixtures/orders/screening.jsonl"),
        ]
        .join("\n");
        let records = read_all(text.as_bytes(), InputFormat::Jsonl, None).unwrap_or_default();
        assert!(records.len() >= 20, "the sample orders did not load");
        records
    })
}

/// Checks an imported list: importing is deterministic, every entry has a name, and the
/// entries index and screen (each entry's own name, as a query) without panicking.
pub fn check_list(
    import: impl Fn() -> Result<redflag::screening::model::ListFile, redflag::screening::ScreeningError>,
) {
    let first = import();
    let again = import();
    match (&first, &again) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "importing the same text twice differed"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("importing the same text twice succeeded once"),
    }
    let Ok(list) = first else { return };
    for entry in &list.entries {
        assert!(
            !entry.primary_name.trim().is_empty(),
            "entry `{}` was imported without a name",
            entry.entry_id
        );
    }
    let names: Vec<String> = list
        .entries
        .iter()
        .take(4)
        .map(|e| e.primary_name.clone())
        .collect();
    let screener = redflag::screening::index::Screener::build(list.entries);
    for name in names {
        let query = redflag::screening::index::Query::new(&name);
        let _ = screener.screen(&query, 0.5);
    }
}
