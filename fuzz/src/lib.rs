//! The fuzz targets' bodies (one `pub fn` per target, named as the target; the
//! binaries under fuzz_targets/ only hand libFuzzer's bytes to them) and what they
//! share: the invariants every reader and judgement must keep, independent counts
//! of the records an input holds, and the small archive format that packs several
//! files into one fuzz input.
//!
//! The main package's tests replay every seed and regression input through these
//! same functions (tests/it/fuzz_replay.rs includes this file by path rather than
//! depending on this package, which would build libFuzzer into `cargo test`), so
//! this file may use only `std`, `redflag` and `redflag`'s own dependencies, and
//! must not name this package (`crate::`, `redflag_fuzz::`).
//!
//! The counts here are written from the input format's definition (a JSON
//! Lines record is a non-blank line; a CSV order is a run of rows with one
//! id), not by calling the reader, so a reader that drops or invents a record
//! disagrees with them.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use redflag::diag::Diagnostics;
use redflag::engine::Engine;
use redflag::findings::{Judgement, Verdict};
use redflag::lint::{lint, LintOptions};
use redflag::order::input::InputError;
use redflag::order::{ColumnMap, InputFormat, Record};
use redflag::rules::PackFiles;
use redflag::screening::import::{decode, import_ofac, import_str, NamedText, OfacFiles};
use redflag::screening::model::ListFormat;
use redflag::waivers::{WaiverUse, Waivers};

// The counts are shared with the property tests, which must not need this package.
#[path = "../../tests/it/input_counts.rs"]
pub mod input_counts;
pub use input_counts::{csv_count, json_count, jsonl_count};

/// Everything a reader yields for one input's bytes, or the error that refuses it whole.
pub fn read_all(
    bytes: &[u8],
    format: InputFormat,
    map: Option<&ColumnMap>,
) -> Result<Vec<Record>, InputError> {
    let reader = std::io::Cursor::new(bytes.to_vec());
    redflag::order::input::from_reader(reader, "fuzz", format, map).map(Iterator::collect)
}

/// Reads an input and checks the records against `expected`, what the format's definition
/// says the input holds (`None`: refused whole); returns the records read.
pub fn read_counted(
    bytes: &[u8],
    format: InputFormat,
    map: Option<&ColumnMap>,
    expected: Option<usize>,
    what: &str,
) -> Vec<Record> {
    match read_all(bytes, format, map) {
        Ok(records) => {
            assert_eq!(
                Some(records.len()),
                expected,
                "{what}: the reader yielded {} records where the input holds {expected:?}",
                records.len()
            );
            records
        }
        Err(error) => {
            // Headers that name no order path are refused by the schema (I002), and columns a
            // map joins but the export lacks by the map (I007), which the format's count does
            // not know.
            assert!(
                expected.is_none()
                    || (format == InputFormat::Csv && matches!(error.code_str(), "I002" | "I007")),
                "{what}: the reader refused ({}) an input that holds {expected:?} records: {error}",
                error.code_str()
            );
            Vec::new()
        }
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
                || (pair[0].severity == pair[1].severity && pair[0].rule.id < pair[1].rule.id),
            "findings out of order or repeated: {} then {}",
            pair[0].rule.id,
            pair[1].rule.id
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

/// Reads an input, checks the records against the count the input holds and judges each
/// one with the default pack, checking every judgement.
pub fn check_records(
    bytes: &[u8],
    format: InputFormat,
    map: Option<&ColumnMap>,
    expected: Option<usize>,
    what: &str,
) {
    for record in read_counted(bytes, format, map, expected, what) {
        check_judgement(default_engine(), &record);
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

/// A fuzz target's name and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by name, with its body: what scripts/fuzz.sh runs and what
/// tests/it/fuzz_replay.rs replays the kept inputs through.
pub const TARGETS: &[Target] = &[
    ("order_json", order_json),
    ("order_jsonl", order_jsonl),
    ("order_csv", order_csv),
    ("order_csv_map", order_csv_map),
    ("pack", pack),
    ("list_ofac", list_ofac),
    ("list_csl", list_csl),
    ("list_dpl", list_dpl),
    ("list_ftm", list_ftm),
    ("list_watchlist_csv", list_watchlist_csv),
    ("list_watchlist_toml", list_watchlist_toml),
    ("waivers", waivers),
    ("judge", judge),
];

/// JSON documents: one record per element of a top-level array, else one; each judged.
pub fn order_json(data: &[u8]) {
    check_records(data, InputFormat::Json, None, json_count(data), "json");
}

/// JSON Lines orders: one record per non-blank line, each judged; no panic.
pub fn order_jsonl(data: &[u8]) {
    check_records(data, InputFormat::Jsonl, None, jsonl_count(data), "jsonl");
}

/// CSV orders without a column map: one record per run of rows sharing an id; each judged.
pub fn order_csv(data: &[u8]) {
    check_records(data, InputFormat::Csv, None, csv_count(data, None), "csv");
}

/// CSV orders with a column map. The input is the map's TOML, then a line
/// `--- orders.csv`, then the CSV.
pub fn order_csv_map(data: &[u8]) {
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
    let expected = csv_count(csv, Some(&map));
    check_records(csv, InputFormat::Csv, Some(&map), expected, "csv with map");
}

/// A rule pack from fuzzed files. The input is `pack.toml`, then each further file after
/// a line `--- path` (`--- rules/r.toml`, `--- lists/cities.csv`, ...). A pack loads
/// exactly when no error is reported; a pack that loads judges the sample orders with
/// every judgement invariant kept, and lint never panics on it either way.
pub fn pack(data: &[u8]) {
    let files = PackFiles {
        origin: "fuzz".into(),
        files: unpack(data, "pack.toml"),
        root: None,
    };
    let (pack, diagnostics) = redflag::rules::build(&files);
    assert_eq!(
        pack.is_none(),
        diagnostics.has_errors(),
        "a pack must load exactly when no error is reported"
    );
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    let linted = lint(
        &files,
        &LintOptions {
            today,
            max_age_days: 400,
        },
    );
    if diagnostics.has_errors() {
        assert!(linted.has_errors(), "lint passed a pack that does not load");
    }
    if let Some(pack) = pack {
        let engine = Engine::with_screening(pack, Vec::new());
        for record in sample_records() {
            check_judgement(&engine, record);
        }
    }
}

/// The OFAC SDN importer on a fuzzed set: `sdn.csv`, then optional companions after a line
/// `--- alt.csv`, `--- add.csv` or `--- sdn_comments.csv`.
pub fn list_ofac(data: &[u8]) {
    fn named<'a>(name: &'a str, text: Option<&'a str>) -> Option<NamedText<'a>> {
        text.map(|text| NamedText { name, text })
    }
    let files = unpack(data, "sdn.csv");
    let text = |name: &str| files.get(name).map(|bytes| decode(bytes));
    let sdn = text("sdn.csv").unwrap_or_default();
    let (alt, add, comments) = (text("alt.csv"), text("add.csv"), text("sdn_comments.csv"));
    check_list(|| {
        import_ofac(&OfacFiles {
            sdn: NamedText {
                name: "sdn.csv",
                text: &sdn,
            },
            alt: named("alt.csv", alt.as_deref()),
            add: named("add.csv", add.as_deref()),
            comments: named("sdn_comments.csv", comments.as_deref()),
        })
    });
}

/// One list importer (`import_str`) on fuzzed text, decoded as `load_file` decodes it.
fn list(data: &[u8], format: ListFormat, file_name: &str) {
    let text = decode(data);
    check_list(|| import_str(format, file_name, &text));
}

/// The CSL importer on fuzzed text.
pub fn list_csl(data: &[u8]) {
    list(data, ListFormat::Csl, "csl.csv");
}

/// The DPL importer on fuzzed text.
pub fn list_dpl(data: &[u8]) {
    list(data, ListFormat::Dpl, "dpl.txt");
}

/// The FollowTheMoney importer on fuzzed text.
pub fn list_ftm(data: &[u8]) {
    list(data, ListFormat::Ftm, "entities.ftm.json");
}

/// The CSV watch-list importer on fuzzed text.
pub fn list_watchlist_csv(data: &[u8]) {
    list(data, ListFormat::WatchlistCsv, "watch.csv");
}

/// The TOML watch-list importer on fuzzed text.
pub fn list_watchlist_toml(data: &[u8]) {
    list(data, ListFormat::WatchlistToml, "watch.toml");
}

/// The sample orders judged by the default pack without waivers, once per process.
fn unwaived_judgements() -> &'static [Judgement] {
    static JUDGEMENTS: OnceLock<Vec<Judgement>> = OnceLock::new();
    JUDGEMENTS.get_or_init(|| {
        sample_records()
            .iter()
            .map(|r| default_engine().judge(r))
            .collect()
    })
}

/// Waiver files: parsed, and when they parse, the sample orders judged by the default pack
/// with them (`Engine::with_waivers`). Against the same orders judged without waivers: the
/// same findings (a waiver marks a finding, never removes or adds one), an `error` verdict
/// untouched, the verdict never above what it was and what the unwaived findings say; a
/// waiver marks only a finding of its own rule, while in force, on the order it names if it
/// names one; and every waiver is counted as applied, lapsed or unused, never two of them.
pub fn waivers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut acc = Diagnostics::new();
    let parsed = Waivers::parse("waivers.toml", &text, &mut acc);
    assert_eq!(
        parsed.is_some(),
        !acc.has_errors(),
        "waivers parse exactly when no error is reported"
    );
    let Some(waivers) = parsed else { return };
    let as_of = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
    let engine = default_engine()
        .clone()
        .with_waivers(Arc::new(waivers.clone()), as_of);
    let mut used = WaiverUse::default();
    for (record, before) in sample_records().iter().zip(unwaived_judgements()) {
        let after = check_judgement(&engine, record);
        used.record(&after);
        let rules = |j: &Judgement| -> Vec<(String, String)> {
            j.findings
                .iter()
                .map(|f| (f.rule.id.clone(), f.severity.as_str().to_string()))
                .collect()
        };
        assert_eq!(
            rules(&after),
            rules(before),
            "waivers changed which findings an order has"
        );
        if before.verdict == Verdict::Error {
            assert_eq!(
                after.verdict,
                Verdict::Error,
                "a waiver changed an error verdict"
            );
            continue;
        }
        assert!(
            after.verdict <= before.verdict,
            "a waiver raised the verdict"
        );
        assert_eq!(
            after.verdict,
            Verdict::of(&after.findings),
            "the verdict is not what the unwaived findings say"
        );
        for finding in &after.findings {
            let Some(w) = &finding.waiver else { continue };
            assert_eq!(w.rule, finding.rule.id, "a waiver applied to another rule");
            assert!(
                w.date <= as_of && as_of <= w.expires,
                "a waiver out of force applied"
            );
            if let Some(order) = &w.order {
                assert_eq!(
                    Some(order),
                    after.order_id.as_ref(),
                    "a waiver for one order applied to another"
                );
            }
        }
    }
    for w in &waivers.waivers {
        let states = [
            used.applied.contains(&w.id),
            used.expired.contains(&w.id),
            used.unused(&waivers).iter().any(|u| u.id == w.id),
        ];
        assert!(
            states.iter().filter(|s| **s).count() == 1,
            "waiver `{}` is not exactly one of applied, lapsed and unused",
            w.id
        );
    }
}

/// Judging: orders read from a fuzzed JSON document, judged against the default pack
/// with and without a small screening list; every record counted, every judgement
/// invariant kept (see `check_judgement`).
pub fn judge(data: &[u8]) {
    let records = read_counted(data, InputFormat::Json, None, json_count(data), "judge");
    for record in &records {
        let plain = check_judgement(default_engine(), record);
        let screened = check_judgement(screening_engine(), record);
        // Both engines agree on what could not be read.
        assert_eq!(
            plain.verdict == Verdict::Error,
            screened.verdict == Verdict::Error
        );
    }
}
