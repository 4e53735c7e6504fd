//! Property tests of the invariants that hold for every input, not just the fixtures:
//! records are counted once and every one is judged (`read = judged + rejected`), the
//! report does not depend on the thread count, and adding a red flag never lowers a verdict.
//! Generated orders draw countries, cities and HS codes from the default pack's own lists,
//! so they reach the rules. Counts are checked in-process through `cli::run_check` (the loop
//! of `redflag check`); the thread-count property runs the binary, with few cases.

use std::io::{self, Cursor, Write};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use redflag::cli::run_check;
use redflag::engine::Engine;
use redflag::findings::{Judgement, Verdict};
use redflag::order::{InputFormat, Record};
use redflag::report::{Reporter, RunInfo, Summary};
use redflag::rules::{PackFiles, Severity};
use serde_json::{json, Value as Json};

use super::input_counts::{csv_count, json_count, jsonl_count};
use super::support::{redflag_in, stderr};

// ---------------------------------------------------------------------------------------
// Generators.

/// One column of a default-pack list, read once.
fn pack_column(file: &str, column: &str) -> Vec<String> {
    let path = format!("rules/lists/{file}");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{path} has no column {column}"));
    reader
        .records()
        .map(|r| r.unwrap().get(index).unwrap_or_default().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

struct Vocabulary {
    /// Cities with their countries: border, transit and covered-region cities from the
    /// pack, and ordinary ones.
    cities: Vec<(String, String)>,
    /// HS codes: CHPL headings (written `8457.10`) and codes outside it.
    hs: Vec<String>,
    /// Lines of business, some of them unrelated trades from the pack.
    trades: Vec<String>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut cities: Vec<(String, String)> = [
            ("Bremen", "DE"),
            ("Pforzheim", "DE"),
            ("Lyon", "FR"),
            ("Milan", "IT"),
            ("Istanbul", "TR"),
            ("Dubai", "AE"),
            ("Almaty", "KZ"),
            ("Bishkek", "KG"),
            ("Yerevan", "AM"),
            ("Shenzhen", "CN"),
            ("Moscow", "RU"),
            ("Minsk", "BY"),
            ("Tehran", "IR"),
            ("Pyongyang", "KP"),
            ("Chicago", "US"),
        ]
        .iter()
        .map(|(c, k)| (c.to_string(), k.to_string()))
        .collect();
        for file in ["border_cities.csv", "embargoed_regions.csv"] {
            let names = pack_column(file, "city");
            let countries = pack_column(file, "country");
            cities.extend(names.into_iter().zip(countries).step_by(3));
        }
        let mut hs: Vec<String> = pack_column("chpl.csv", "hs6")
            .into_iter()
            .step_by(2)
            .map(|h| format!("{}.{}", &h[..4], &h[4..]))
            .collect();
        hs.extend(["8207.30", "9031.80", "4202.11", "0603.11"].map(String::from));
        let mut trades: Vec<String> = pack_column("unrelated_trades.csv", "keyword")
            .into_iter()
            .step_by(4)
            .map(|k| format!("wholesale {k}"))
            .collect();
        trades.extend(
            [
                "manufacture of precision hydraulic valves",
                "machine-tool distribution",
                "automotive chassis parts",
            ]
            .map(String::from),
        );
        Vocabulary { cities, hs, trades }
    })
}

const NAMES: &[&str] = &[
    "Weserland Fahrwerkteile GmbH",
    "Ostalb Feinmechanik GmbH",
    "Golden Tulip Trading Co.",
    "Altynprom Machinery Supply LLP",
    "Nordwerk Machine Tools",
    "Silk Road Logistics FZE",
    "Ivan Petrov",
];
const METHODS: &[&str] = &["wire", "letter_of_credit", "cash", "open_account"];
const CURRENCIES: &[&str] = &["EUR", "USD", "GBP"];

pub(super) fn party() -> impl Strategy<Value = Json> {
    let cities = vocabulary().cities.len();
    (0..NAMES.len(), 0..cities, 0..vocabulary().trades.len()).prop_map(|(n, c, t)| {
        let (city, country) = &vocabulary().cities[c];
        json!({"name": NAMES[n], "country": country, "city": city,
               "business": vocabulary().trades[t]})
    })
}

fn item() -> impl Strategy<Value = Json> {
    (
        0..vocabulary().hs.len(),
        1u32..20,
        100u32..250_000,
        0..CURRENCIES.len(),
    )
        .prop_map(|(h, quantity, value, currency)| {
            json!({"sku": format!("SKU-{h}"), "description": "machine part",
                   "hs": vocabulary().hs[h], "quantity": quantity, "value": value,
                   "currency": CURRENCIES[currency], "origin": "DE"})
        })
}

/// A plausible order (without its id): parties, route, items, payment and end use drawn
/// from the vocabulary, with blocks sometimes left out.
pub(super) fn order() -> impl Strategy<Value = Json> {
    (
        (0u32..700, 0u32..90),
        (party(), party(), proptest::option::of(party())),
        proptest::collection::vec(party(), 0..3),
        proptest::collection::vec(item(), 1..4),
        proptest::option::of((0..METHODS.len(), 100u32..250_000, 0..CURRENCIES.len())),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |((day, ship), (seller, buyer, end_user), consignees, items, payment, end_use)| {
                let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                    + chrono::Days::new(u64::from(day));
                let mut order = json!({
                    "date": date.to_string(),
                    "ship_date": (date + chrono::Days::new(u64::from(ship))).to_string(),
                    "seller": seller, "buyer": buyer, "consignees": consignees, "items": items,
                });
                if let Some(end_user) = end_user {
                    order["end_user"] = end_user;
                }
                if let Some((method, amount, currency)) = payment {
                    order["payment"] = json!({"method": METHODS[method], "amount": amount,
                                              "currency": CURRENCIES[currency]});
                }
                if let Some(provided) = end_use {
                    order["end_use"] =
                        json!({"statement": "series production", "provided": provided});
                }
                order
            },
        )
}

pub(super) fn with_id(mut order: Json, id: usize) -> Json {
    order["id"] = json!(format!("P-{id:04}"));
    order
}

fn jsonl(orders: &[Json]) -> String {
    orders.iter().map(|o| format!("{o}\n")).collect()
}

/// A line of a hostile JSON Lines input: a real order, a cut-off one, blank space,
/// something that is JSON but not an order, or raw bytes.
fn jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => (order(), 0usize..9).prop_map(|(o, id)| with_id(o, id).to_string().into_bytes()),
        1 => (order(), any::<prop::sample::Index>()).prop_map(|(o, cut)| {
            let text = with_id(o, 1).to_string().into_bytes();
            text[..cut.index(text.len())].to_vec()
        }),
        1 => prop::sample::select(vec![&b""[..], b"   ", b"\t", b"\r", b"\xef\xbb\xbf", b"\x0c", b"\xe3\x80\x80"])
            .prop_map(<[u8]>::to_vec),
        1 => prop::sample::select(vec![&b"[]"[..], b"{}", b"null", b"3", b"\"x\"", b"[{\"id\":\"A\"}]", b"{\"id\":7}",
                                       b"{}\r{}", b"\xef\xbb\xbf\xef\xbb\xbf \r"])
            .prop_map(<[u8]>::to_vec),
        // Files joined with `cat` keep a byte-order mark each, so several can open a line.
        1 => (order(), 1usize..3).prop_map(|(o, marks)| {
            let mut line = "\u{feff}".repeat(marks).into_bytes();
            line.extend(with_id(o, 2).to_string().into_bytes());
            line
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn jsonl_input() -> impl Strategy<Value = Vec<u8>> {
    (proptest::collection::vec(jsonl_line(), 0..8), any::<bool>()).prop_map(|(lines, crlf)| {
        let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        lines.join(end)
    })
}

/// A JSON document: an array of mostly-orders, one order, a cut-off document or bytes.
fn json_input() -> impl Strategy<Value = Vec<u8>> {
    let element = prop_oneof![
        4 => (order(), 0usize..9).prop_map(|(o, id)| with_id(o, id)),
        1 => prop::sample::select(vec![json!(null), json!(1), json!("x"), json!([]), json!({"id": []})]),
    ];
    prop_oneof![
        3 => proptest::collection::vec(element, 0..6)
            .prop_map(|elements| serde_json::to_vec_pretty(&elements).unwrap()),
        1 => order().prop_map(|o| with_id(o, 1).to_string().into_bytes()),
        1 => (proptest::collection::vec(order(), 1..4), any::<prop::sample::Index>()).prop_map(|(orders, cut)| {
            let text = serde_json::to_vec(&orders).unwrap();
            text[..cut.index(text.len())].to_vec()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..60),
    ]
}

/// A CSV input: a header of real paths (and sometimes a bad one), rows whose ids repeat so
/// runs form, cells that are empty, quoted, ragged or not UTF-8, quotes that never close,
/// blank lines, the header repeated (two exports joined), byte-order marks opening rows,
/// `\r\n` or `\n` line ends and a lone `\r` inside a cell.
fn csv_input() -> impl Strategy<Value = Vec<u8>> {
    const HEADERS: &[&str] = &[
        "id",
        "date",
        "buyer.name",
        "buyer.country",
        "buyer.city",
        "item.hs",
        "item.value",
        "item.currency",
        "payment.method",
        "payment.amount",
        "payment.currency",
        "consignees.0.country",
        "Buyer Name",
    ];
    let cell = prop_oneof![
        4 => prop::sample::select(vec!["", " ", "O-1", "O-2", "O-3", " O-1 ", "DE", "KP", "RU", "2025-01-02", "8457.10",
                                       "1000", "-5", "EUR", "cash", "wire", "Dandong", "x", "id"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::sample::select(vec![&b"\"a,b\""[..], b"\"\"", b"\"unterminated", b"\xff\xfe", b"a\"b",
                                       b"\"O-1\"", b"a\rb", b"\xe3\x80\x80"])
            .prop_map(<[u8]>::to_vec),
    ];
    // What a line holds: its cells, and whether it is written as they are (0), as the
    // header row again (1) or after a byte-order mark (2).
    let line = (
        proptest::collection::vec(cell, 0..9),
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    );
    (
        proptest::sample::subsequence(HEADERS, 1..HEADERS.len()),
        proptest::collection::vec(line, 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(headers, lines, bom, crlf)| {
            let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut out = if bom {
                b"\xef\xbb\xbf".to_vec()
            } else {
                Vec::new()
            };
            out.extend(headers.join(",").into_bytes());
            for (cells, kind) in lines {
                out.extend(end);
                match kind {
                    1 => out.extend(headers.join(",").into_bytes()),
                    2 => {
                        out.extend("\u{feff}".as_bytes());
                        out.extend(cells.join(&b","[..]));
                    }
                    _ => out.extend(cells.join(&b","[..])),
                }
            }
            out.extend(end);
            out
        })
}

// ---------------------------------------------------------------------------------------
// Running a check in-process, as the binary does.

/// What a check reported of each record: the verdict and whether it had problems.
#[derive(Default)]
struct Collected(Vec<(Verdict, bool)>);

impl Reporter for Collected {
    fn begin(&mut self, _: &mut dyn Write, _: &RunInfo) -> io::Result<()> {
        Ok(())
    }
    fn judgement(&mut self, _: &mut dyn Write, judgement: &Judgement) -> io::Result<()> {
        self.0
            .push((judgement.verdict, !judgement.problems.is_empty()));
        Ok(())
    }
    fn finish(&mut self, _: &mut dyn Write, _: &RunInfo, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `cli::run_check` (the loop behind `redflag check`) over `input` read as `format`
/// with the default pack, on two worker threads; the input error's code when the reader
/// refuses the input whole.
fn check(input: &[u8], format: InputFormat) -> Result<(Summary, Collected), &'static str> {
    let records = redflag::order::from_reader(Cursor::new(input.to_vec()), "p", format, None)
        .map_err(|error| error.code_str())?;
    let engine = engine();
    let run = RunInfo {
        pack: engine.pack(),
        pack_origin: "<default pack>".into(),
        inputs: vec!["p".into()],
        fail_on: Severity::Hold,
        screening: Vec::new(),
        waiver_file: None,
        judged_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        as_of: None,
        shipped: false,
        other_files: Vec::new(),
        coverage: None,
        waivers: None,
        filter: redflag::report::filter::ReportFilter::all(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut collected = Collected::default();
    let summary = run_check(
        engine,
        &run,
        vec![records],
        &pool,
        &mut collected,
        &mut io::sink(),
    )
    .unwrap();
    Ok((summary, collected))
}

/// `read = judged + rejected`; one judgement per record read, each record of the input
/// counted once (`expected`, from `input_counts`: `None` when the format refuses the input
/// whole); `rejected` is the number of `error` verdicts, and no record with problems is
/// `clear`. A CSV input may also be refused for headers that are not order paths (`I002`),
/// which the format alone does not decide.
fn counts_add_up(
    input: &[u8],
    format: InputFormat,
    expected: Option<usize>,
) -> Result<(), TestCaseError> {
    let (summary, Collected(judged)) = match check(input, format) {
        Ok(checked) => checked,
        Err(code) => {
            prop_assert!(
                expected.is_none() || (format == InputFormat::Csv && code == "I002"),
                "the reader refused the input ({}) where it holds {:?} records",
                code,
                expected
            );
            return Ok(());
        }
    };
    prop_assert!(
        expected.is_some(),
        "the reader read an input the format refuses whole"
    );
    prop_assert_eq!(summary.read, summary.judged + summary.rejected);
    prop_assert_eq!(judged.len(), summary.read, "one judgement per record");
    prop_assert_eq!(
        Some(summary.read),
        expected,
        "records read against records in the input"
    );
    let errors = judged.iter().filter(|(v, _)| *v == Verdict::Error).count();
    prop_assert_eq!(errors, summary.rejected);
    for (verdict, problems) in &judged {
        prop_assert!(
            !(*problems && *verdict == Verdict::Clear),
            "a record with problems judged clear"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The default pack, for judging through the library.

pub(super) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        Engine::new(pack.unwrap_or_else(|| panic!("{diagnostics:?}")))
    })
}

pub(super) fn judgement_of(order: &Json) -> Judgement {
    judgement_by(engine(), order)
}

/// `order` judged by `engine`, read as a line of JSON Lines.
pub(super) fn judgement_by(engine: &Engine, order: &Json) -> Judgement {
    let records: Vec<Record> =
        redflag::order::from_text(&format!("{order}\n"), "p.jsonl", InputFormat::Jsonl, None)
            .unwrap()
            .collect();
    assert_eq!(records.len(), 1);
    engine.judge(&records[0])
}

fn verdict_of(order: &Json) -> Verdict {
    judgement_of(order).verdict
}

/// A red flag an order can be given: each one alone is a finding of the default pack.
#[derive(Debug, Clone, Copy)]
enum RedFlag {
    EmbargoedConsignee,
    CashAboveThreshold,
    EmbargoedEndUser,
    UnrelatedTradeBuyer,
}

/// The least verdict the flag gives on its own (an unrelated trade is a finding only with
/// capital equipment, which a generated order may not have).
fn least(flag: RedFlag) -> Verdict {
    match flag {
        RedFlag::EmbargoedConsignee | RedFlag::EmbargoedEndUser => {
            Verdict::Flagged(Severity::Block)
        }
        RedFlag::CashAboveThreshold => Verdict::Flagged(Severity::Hold),
        RedFlag::UnrelatedTradeBuyer => Verdict::Clear,
    }
}

fn add(order: &mut Json, flag: RedFlag) {
    match flag {
        RedFlag::EmbargoedConsignee => {
            let consignee = json!({"name": "Korea Ryonbong General Corp.", "country": "KP", "city": "Pyongyang"});
            match order["consignees"].as_array_mut() {
                Some(list) => list.push(consignee),
                None => order["consignees"] = json!([consignee]),
            }
        }
        RedFlag::CashAboveThreshold => {
            order["payment"] = json!({"method": "cash", "amount": 250000, "currency": "USD"});
        }
        RedFlag::EmbargoedEndUser => {
            order["end_user"] =
                json!({"name": "Tehran Machine Works", "country": "IR", "city": "Tehran"});
        }
        RedFlag::UnrelatedTradeBuyer => {
            order["buyer"]["business"] = json!("retail florist and bakery");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The properties.

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// JSON Lines: one record per non-blank line, whatever the line holds.
    #[test]
    fn jsonl_records_are_counted_once_and_judged(input in jsonl_input()) {
        counts_add_up(&input, InputFormat::Jsonl, jsonl_count(&input))?;
    }

    /// A JSON document: one record per array element, else one.
    #[test]
    fn json_records_are_counted_once_and_judged(input in json_input()) {
        counts_add_up(&input, InputFormat::Json, json_count(&input))?;
    }

    /// CSV: one record per run of rows sharing an id, when the header is usable (a header
    /// that is not stops the input with I002 before any record, and nothing is counted).
    #[test]
    fn csv_records_are_counted_once_and_judged(input in csv_input()) {
        counts_add_up(&input, InputFormat::Csv, csv_count(&input, None))?;
    }
}

/// The records the CSV reader yields for `input`, or its input error's code.
fn csv_records(input: &[u8]) -> Result<usize, &'static str> {
    redflag::order::from_reader(Cursor::new(input.to_vec()), "p.csv", InputFormat::Csv, None)
        .map(Iterator::count)
        .map_err(|error| error.code_str())
}

/// A byte-order mark at the start of a CSV row carries no data (docs/orders.md, Encoding), so
/// a row of marks is blank and `\u{feff}\u{feff}O-1` is a row of order `O-1`. Left to
/// csv-core, which takes off one and then reads nothing from a line of marks, such a line was
/// an `O114` record "a quote opened in column `id` is never closed" (before the header,
/// `I001`), and a second mark stayed in the id; the line reader now takes them all off.
#[test]
fn a_csv_row_of_byte_order_marks_only_is_blank() {
    let inputs: [&[u8]; 4] = [
        b"id,date\n\xef\xbb\xbf\n",
        b"\xef\xbb\xbf\nid,date\n",
        b"id,date\nO-1,2025-01-02\n\xef\xbb\xbf\xef\xbb\xbfO-1,2025-01-02\n",
        b"id,date,buyer.name\n\xef\xbb\xbf  \n",
    ];
    let wrong: Vec<String> = inputs
        .iter()
        .filter_map(|input| {
            let read = csv_records(input);
            let holds = csv_count(input, None).ok_or("refused");
            (read != holds).then(|| {
                format!(
                    "{:?}: read {read:?}, holds {holds:?}",
                    String::from_utf8_lossy(input)
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    /// The report is the same bytes for one, two and four worker threads, in every format
    /// that is data, with and without a screening list.
    #[test]
    fn reports_do_not_depend_on_the_thread_count(
        orders in proptest::collection::vec(order(), 20..60),
        format in prop::sample::select(vec!["json", "jsonl", "sarif", "csv", "human"]),
        screened in any::<bool>(),
    ) {
        let orders: Vec<Json> = orders.into_iter().enumerate().map(|(i, o)| with_id(o, i)).collect();
        let input = jsonl(&orders);
        let mut base = vec!["check", "--format", format, "--color", "never", "--as-of", "2025-06-01"];
        if screened {
            base.extend(["--list", "fixtures/lists/watchlist/own.csv"]);
        }
        let run = |threads: &str| {
            let mut args = base.clone();
            args.extend(["--threads", threads, "-"]);
            redflag_in(None, &args, Some(input.as_bytes()))
        };
        let one = run("1");
        prop_assert!(matches!(one.status.code(), Some(0..=1)), "stderr: {}", stderr(&one));
        prop_assert!(!one.stdout.is_empty());
        for threads in ["2", "4"] {
            let many = run(threads);
            prop_assert_eq!(one.status.code(), many.status.code());
            prop_assert!(one.stdout == many.stdout, "--threads 1 and --threads {} differ ({} format)", threads, format);
        }
    }
}

/// Each order's verdict and findings (rule id, kind, severity), in input order.
fn outcomes(text: &str, format: InputFormat) -> Vec<(Option<String>, Verdict, Vec<String>)> {
    redflag::order::from_text(text, "p", format, None)
        .unwrap()
        .map(|record| {
            let judgement = engine().judge(&record);
            let findings = judgement
                .findings
                .iter()
                .map(|f| format!("{} {:?} {:?}", f.rule.id, f.kind, f.severity))
                .collect();
            (judgement.order_id, judgement.verdict, findings)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// The same orders judge the same whether they come as JSON Lines or as a JSON array
    /// (pretty-printed, so every line number differs).
    #[test]
    fn json_and_json_lines_judge_alike(orders in proptest::collection::vec(order(), 1..12)) {
        let orders: Vec<Json> = orders.into_iter().enumerate().map(|(i, o)| with_id(o, i)).collect();
        let lines = outcomes(&jsonl(&orders), InputFormat::Jsonl);
        let document = outcomes(&serde_json::to_string_pretty(&orders).unwrap(), InputFormat::Json);
        prop_assert_eq!(lines.len(), orders.len());
        prop_assert_eq!(lines, document);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Adding a red flag to an order never lowers its verdict, and the verdict is at least
    /// the flag's own.
    #[test]
    fn a_red_flag_never_lowers_the_verdict(
        order in order(),
        flag in prop::sample::select(vec![
            RedFlag::EmbargoedConsignee,
            RedFlag::CashAboveThreshold,
            RedFlag::EmbargoedEndUser,
            RedFlag::UnrelatedTradeBuyer,
        ]),
    ) {
        let order = with_id(order, 1);
        let before = verdict_of(&order);
        let mut flagged = order.clone();
        add(&mut flagged, flag);
        let after = verdict_of(&flagged);
        prop_assert!(after >= before, "{:?}: {:?} fell to {:?}", flag, before, after);
        prop_assert!(after >= least(flag), "{:?} gave only {:?}", flag, after);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// A party written again under other roles (the end user who is the buyer, a consignee or
    /// forwarder who is too) is judged as one written apart. The engine does not walk an
    /// object equal to one of another role whose walk came to nothing; here the copy written
    /// apart carries an attribute no rule reads, so it is walked, and both must give the same
    /// verdict and findings, evidence and match counts included.
    #[test]
    fn a_party_written_again_is_judged_as_one_written_apart(
        order in order(),
        roles in 1u8..8,
        from_end_user in any::<bool>(),
    ) {
        let order = with_id(order, 1);
        let source = if from_end_user { "end_user" } else { "buyer" };
        let twin = match order.get(source) {
            Some(party) => party.clone(),
            None => order["buyer"].clone(),
        };
        let mut apart = twin.clone();
        apart["attributes"] = json!({"written_apart": "yes"});
        let (mut same, mut written_apart) = (order.clone(), order);
        for (bit, role) in [(1, "end_user"), (4, "forwarder")] {
            if roles & bit != 0 {
                same[role] = twin.clone();
                written_apart[role] = apart.clone();
            }
        }
        if roles & 2 != 0 {
            for (copy, party) in [(&mut same, &twin), (&mut written_apart, &apart)] {
                match copy["consignees"].as_array_mut() {
                    Some(list) => list.push(party.clone()),
                    None => copy["consignees"] = json!([party]),
                }
            }
        }
        let (same, written_apart) = (judgement_of(&same), judgement_of(&written_apart));
        prop_assert_eq!(same.verdict, written_apart.verdict);
        prop_assert_eq!(
            format!("{:#?}", same.findings),
            format!("{:#?}", written_apart.findings)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Names that normalise to nothing: no letter or digit, only punctuation, symbols, dashes,
// odd spaces or invisible characters. Screening cannot tell who such a party is.

/// A name with no letter and no digit.
fn nameless() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "-", "*", ".", "_", "/", "#", "&", "'", "\"", "(", ")", "?", "!", "©", "•", "·", "‐", "–",
        "—", "\u{200b}", "\u{200d}", "\u{2060}", "\u{00a0}",
    ]);
    proptest::collection::vec(piece, 1..6)
        .prop_map(|pieces| pieces.concat())
        .prop_filter("a name the reader keeps", |name| !name.trim().is_empty())
}

/// The default pack with the watch-list fixture, as `check --list` builds it.
fn screening_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (pack, diagnostics) = redflag::rules::build(&PackFiles::embedded());
        let pack = pack.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let list =
            redflag::screening::load_file("fixtures/lists/watchlist/own.csv".as_ref()).unwrap();
        Engine::with_screening(pack, list.entries)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// A buyer whose name has no letter or digit cannot be screened, so the screening rules
    /// are undecided and the order is not clear, as for a buyer with no name at all. The
    /// clean order is clear with its real buyer name.
    #[test]
    fn a_buyer_without_a_screenable_name_is_not_clear(name in nameless()) {
        let text = std::fs::read_to_string("fixtures/adversarial/clean-order.jsonl").unwrap();
        let mut order: Json = serde_json::from_str(text.trim()).unwrap();
        let judge = |order: &Json| {
            let records: Vec<Record> =
                redflag::order::from_text(&format!("{order}\n"), "p.jsonl", InputFormat::Jsonl, None)
                    .unwrap()
                    .collect();
            screening_engine().judge(&records[0]).verdict
        };
        prop_assert_eq!(judge(&order), Verdict::Clear, "the clean order is not clear");
        order["buyer"]["name"] = json!(name);
        let verdict = judge(&order);
        prop_assert!(verdict != Verdict::Clear, "buyer {:?} screened clear", name);
    }

    /// A list entry none of whose names has a letter or digit can never match by name: with
    /// no identifier either, the importer leaves it out and says so on its line, as it does
    /// for an entry with no name; the listed entry beside it is kept.
    #[test]
    fn an_unscreenable_list_entry_is_reported(name in nameless()) {
        let quoted = name.replace('"', "\"\"");
        let text = format!("id,name,aliases,country\nWL-1,\"{quoted}\",,RU\nWL-2,Mashimport LLC,,RU\n");
        let list = redflag::screening::import_str(redflag::screening::ListFormat::WatchlistCsv, "w.csv", &text).unwrap();
        prop_assert!(list.entries.iter().any(|e| e.entry_id == "WL-2"));
        match list.entries.iter().find(|e| e.entry_id == "WL-1") {
            // Kept only when a name of it can be matched.
            Some(e) => prop_assert!(
                std::iter::once(&e.primary_name)
                    .chain(e.aliases.iter().map(|a| &a.name))
                    .any(|n| !redflag::screening::normalize(n, e.kind).folded.is_empty()),
                "entry {:?} kept with no name that can match", name
            ),
            None => prop_assert!(
                list.problems.iter().any(|p| p.line == 2),
                "entry {:?} left out without a problem: {:?}", name, list.problems
            ),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// An FtM entity whose names are all blank has no name: the importer reports it on its
    /// line, as it does an entity with no `name` at all, and never keeps an entry named by
    /// blanks (found by the `list_ftm` fuzz target: fuzz/regressions/list_ftm/blank-name.ftm.json).
    /// A listed entity beside it keeps the list from being refused as having no entry.
    #[test]
    fn an_ftm_entity_with_blank_names_is_reported(
        blanks in proptest::collection::vec(prop::sample::select(vec!["", " ", "\t", "\u{3000}"]), 1..3),
        alias in proptest::option::of(Just("Ivan Sidorov")),
    ) {
        let mut properties = json!({"name": blanks});
        if let Some(alias) = alias {
            properties["alias"] = json!([alias]);
        }
        let blank = json!({"id": "blank", "schema": "Company", "properties": properties});
        let listed = json!({"id": "listed", "schema": "Company", "properties": {"name": ["Mashimport LLC"]}});
        let list = redflag::screening::import_str(redflag::screening::ListFormat::Ftm, "l.ftm.json", &format!("{blank}\n{listed}\n")).unwrap();
        for entry in &list.entries {
            prop_assert!(!entry.primary_name.trim().is_empty(), "entry kept with name {:?}", entry.primary_name);
        }
        prop_assert!(list.entries.iter().any(|e| e.entry_id == "listed"));
        prop_assert!(
            list.problems.iter().any(|p| p.line == 1) || list.entries.iter().any(|e| e.entry_id == "blank"),
            "the blank-named entity vanished without a problem: {:?}", list.problems
        );
    }
}

// ---------------------------------------------------------------------------------------
// `judge` cuts a walk short once a rule's expression is false for every value the unbound
// variables could take, and asks only for the conditions the expression needs; `trace` walks
// every combination and evaluates every condition. They must agree, on the default pack and
// on rules of shapes it does not have (`fixtures/staging/shapes.toml`).

/// The default pack with the rules of `fixtures/staging/shapes.toml` added.
fn shapes_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut files = PackFiles::embedded();
        files.files.insert(
            "rules/shapes.toml".into(),
            std::fs::read("fixtures/staging/shapes.toml").unwrap(),
        );
        let (pack, diagnostics) = redflag::rules::build(&files);
        Engine::new(pack.unwrap_or_else(|| panic!("{diagnostics:?}")))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, .. ProptestConfig::default() })]

    /// For every rule, `judge` has a finding exactly when some combination `trace` walks is
    /// not false, fired exactly when one is true, counts as many fired combinations, and
    /// raises a fired finding by every escalation that holds (or could not be ruled out) in
    /// one of them.
    #[test]
    fn judging_finds_what_the_full_walk_finds(
        order in order(),
        flag in prop::option::of(prop::sample::select(vec![
            RedFlag::EmbargoedConsignee,
            RedFlag::CashAboveThreshold,
            RedFlag::EmbargoedEndUser,
            RedFlag::UnrelatedTradeBuyer,
        ])),
    ) {
        let mut order = with_id(order, 1);
        if let Some(flag) = flag {
            add(&mut order, flag);
        }
        let records: Vec<Record> =
            redflag::order::from_text(&format!("{order}\n"), "p.jsonl", InputFormat::Jsonl, None)
                .unwrap()
                .collect();
        let Record::Order(parsed) = &records[0] else {
            return Ok(());
        };
        let engine = shapes_engine();
        let judgement = engine.judge_order(parsed);
        for rule in &engine.pack().rules {
            let trace = engine.trace(&rule.id, parsed).unwrap();
            prop_assume!(!trace.overflow);
            prop_assume!(!trace.lookback);
            let fired: Vec<_> = trace
                .combinations
                .iter()
                .filter(|c| c.truth == redflag::findings::Truth::True)
                .collect();
            let open = trace
                .combinations
                .iter()
                .any(|c| c.truth != redflag::findings::Truth::False);
            let finding = judgement.findings.iter().find(|f| f.rule.id == rule.id);
            prop_assert_eq!(finding.is_some(), open, "rule {}", rule.id);
            if let Some(f) = finding {
                let is_fired = f.kind == redflag::findings::FindingKind::Fired;
                prop_assert_eq!(is_fired, !fired.is_empty(), "rule {}", rule.id);
                if is_fired {
                    prop_assert_eq!(f.matches, fired.len(), "rule {}", rule.id);
                    let raised = fired
                        .iter()
                        .flat_map(|c| rule.escalations.iter().zip(&c.escalations))
                        .filter(|(_, t)| **t != redflag::findings::Truth::False)
                        .map(|(e, _)| e.severity)
                        .fold(rule.severity, Ord::max);
                    // A rule dated after the shipment stands at `review` at most.
                    let raised = if f.later.is_some() { raised.min(Severity::Review) } else { raised };
                    prop_assert_eq!(f.severity, raised, "rule {}", rule.id);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Text comparisons skip building the folded texts when both are ASCII; they must order
    /// exactly as the folded texts do (case, runs of spaces, tabs and vertical tabs,
    /// apostrophes, and a non-ASCII side that takes the slow path).
    #[test]
    fn folded_comparison_without_folding_orders_as_fold_does(
        a in "[ \t\u{0b}aAbBzZ0-9.,'`-]{0,12}|[ aé’]{0,4}",
        b in "[ \t\u{0b}aAbBzZ0-9.,'`-]{0,12}|[ aé’]{0,4}",
    ) {
        use redflag::rules::lists::{fold, fold_cmp};
        prop_assert_eq!(fold_cmp(&a, &b), fold(&a).cmp(&fold(&b)));
        prop_assert_eq!(fold_cmp(&a, &a), std::cmp::Ordering::Equal);
    }

    /// A list lookup borrows its text when it is already folded (`folded`); borrowed or not,
    /// it must be the fold (leading, trailing and repeated spaces, tabs and vertical tabs,
    /// capitals and non-ASCII letters are not folded).
    #[test]
    fn folded_is_the_fold(a in "[ \t\u{0b}aAbBzZ0-9.,'`-]{0,12}|[ aé’]{0,4}|[a-z0-9 ']{0,12}") {
        use redflag::rules::lists::{fold, folded};
        let (borrowed_or_not, fold) = (folded(&a), fold(&a));
        prop_assert_eq!(borrowed_or_not.as_ref(), fold.as_str());
    }

    /// The key a list is looked up by is folded on the stack for short ASCII text; it must be
    /// the fold too, at and past the stack buffer's 64 bytes.
    #[test]
    fn a_key_folded_on_the_stack_is_the_fold(
        a in "[ \t\u{0b}aAbBzZ0-9.,'`-]{0,12}|[ aé’]{0,4}|[ A-Za-z']{60,70}|[ \tA]{0,80}",
    ) {
        use redflag::rules::lists::{fold, with_folded};
        prop_assert_eq!(with_folded(&a, str::to_string), fold(&a));
    }

    /// Invisible characters put anywhere into a text change neither its fold (what list
    /// look-ups and text comparisons see) nor what the pattern sets read: `cash` with a
    /// zero-width space is `cash` to every rule.
    #[test]
    fn invisible_characters_change_no_fold(
        text in "[A-Za-z ]{1,16}",
        inserts in proptest::collection::vec(
            (0usize..17, prop::sample::select(vec!['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{FE0F}', '\u{180E}'])),
            1..5,
        ),
    ) {
        use redflag::rules::lists::{fold, visible};
        let mut hidden: Vec<char> = text.chars().collect();
        for (at, c) in inserts {
            hidden.insert(at.min(hidden.len()), c);
        }
        let hidden: String = hidden.into_iter().collect();
        prop_assert_eq!(fold(&hidden), fold(&text));
        let shown = visible(&hidden);
        let plain = visible(&text);
        prop_assert_eq!(shown.as_ref(), plain.as_ref());
    }

    /// Full-width letters, digits and marks (`ｃａｓｈ`, `ｎｏ＿ｒｅｅｘｐｏｒｔ`, `２Ｂ００１`) read as
    /// the plain ones in every comparison and pattern: they look the same to a reviewer.
    #[test]
    fn full_width_text_reads_as_plain_text(text in "[!-~ ]{1,24}") {
        use redflag::rules::lists::{fold, visible};
        let wide: String = text
            .chars()
            .map(|c| if c == ' ' { c } else { char::from_u32(u32::from(c) - 0x21 + 0xFF01).unwrap_or(c) })
            .collect();
        let (read, plain) = (visible(&wide), visible(&text));
        prop_assert_eq!(read.as_ref(), plain.as_ref());
        prop_assert_eq!(fold(&wide), fold(&text));
    }

    /// A word spelled out one letter apart (`C A S H`, `c.a.s.h`, `D-A-N-D-O-N-G`) folds and
    /// reads as the word, among other words; and a fold folds to itself, so that a list key
    /// and an order's text meet whichever was folded first.
    #[test]
    fn spelling_a_word_out_changes_no_fold(
        word in "[A-Za-zа-я]{3,10}",
        gap in prop::sample::select(vec![" ", ".", "-", "_", "*", ". ", "  ", " - ", "\n"]),
        before in "([A-Za-z]{2,6} )?",
        after in "( [a-z]{2,6})?",
        any in r"[a-cA-C .\-]{0,16}",
    ) {
        use redflag::rules::lists::{fold, visible};
        let letters: Vec<String> = word.chars().map(String::from).collect();
        let spelled = format!("{before}{}{after}", letters.join(gap));
        let plain = format!("{before}{word}{after}");
        prop_assert_eq!(fold(&spelled), fold(&plain));
        let (read, plain_read) = (visible(&spelled), visible(&plain));
        prop_assert_eq!(read.as_ref(), plain_read.as_ref());
        prop_assert_eq!(fold(&fold(&any)), fold(&any));
        prop_assert_eq!(fold(&fold(&spelled)), fold(&spelled));
    }

    /// Pattern sets are compiled without `regex::RegexSet`'s literal prefilter
    /// (`rules::pattern_set`); they must find exactly what a `RegexSet` finds, in the
    /// `contains_any` form (whole words, spaces as runs of white space) and with non-ASCII
    /// letters and case, where the faster engines give up and word boundaries are Unicode's.
    #[test]
    fn a_pattern_set_finds_what_a_regex_set_finds(
        words in proptest::collection::vec("[a-cA-CçÇığ]{1,4}( [a-cıÇ]{1,3})?", 1..6),
        text in r"[ a-cA-CçÇığİ.\-]{0,24}",
    ) {
        use redflag::rules::pattern_set::PatternSet;
        let patterns: Vec<String> = words
            .iter()
            .map(|w| format!(r"\b{}\b", regex::escape(w).replace(' ', r"\s+")))
            .collect();
        let ours = PatternSet::new(&patterns, 8 << 20).unwrap();
        let theirs = regex::RegexSetBuilder::new(&patterns)
            .case_insensitive(true)
            .build()
            .unwrap();
        prop_assert_eq!(ours.is_match(&text), theirs.is_match(&text));
        prop_assert_eq!(ours.matches(&text), theirs.matches(&text).into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn an_objects_members_are_found_and_ordered_as_in_a_sorted_map(
        members in proptest::collection::vec(("[a-e]{1,3}", 0u8..9), 0..40),
        probes in proptest::collection::vec("[a-e]{1,3}", 0..10),
    ) {
        use redflag::order::{Fields, Value};
        use std::collections::BTreeMap;
        let number = |n: u8| Value::Number(n.into());
        let fields: Fields = members.iter().map(|(k, n)| (k.clone(), number(*n))).collect();
        // Of repeated names the last one stays, as a map's insert keeps it.
        let map: BTreeMap<String, Value> =
            members.iter().map(|(k, n)| (k.clone(), number(*n))).collect();
        prop_assert_eq!(fields.len(), map.len());
        prop_assert!(fields.iter().eq(map.iter().map(|(k, v)| (k.as_ref(), v))));
        for probe in probes.iter().chain(members.iter().map(|(k, _)| k)) {
            prop_assert_eq!(fields.get(probe), map.get(probe));
        }
    }

    /// A path step looks its field up where it found it the last time (`FieldHint`): from any
    /// hint, stale, out of range or left by another object, a look-up finds what a look-up by
    /// name finds, and so does the next one from the hint it left.
    #[test]
    fn a_hinted_look_up_finds_what_a_look_up_by_name_finds(
        objects in proptest::collection::vec(
            proptest::collection::vec(("[a-e]{1,3}", 0u8..9), 0..24), 1..4),
        probes in proptest::collection::vec(("[a-e]{1,3}", 0usize..4), 0..16),
        start in 0u32..30,
    ) {
        use redflag::order::{FieldHint, Fields, Value};
        let number = |n: u8| Value::Number(n.into());
        let objects: Vec<Fields> = objects
            .iter()
            .map(|members| members.iter().map(|(k, n)| (k.clone(), number(*n))).collect())
            .collect();
        let hint = FieldHint::at(start);
        for (probe, which) in &probes {
            let fields = &objects[which % objects.len()];
            prop_assert_eq!(fields.get_hinted(probe, &hint), fields.get(probe));
            prop_assert_eq!(fields.get_hinted(probe, &hint), fields.get(probe));
        }
    }
}
