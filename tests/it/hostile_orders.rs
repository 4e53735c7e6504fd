//! Order inputs that are ambiguous, broken or built to cost: each must become a located
//! record error (or an input error), never an order that reads as something it is not, and
//! every line must be accounted for.

use std::io::{BufReader, Cursor, Read};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use redflag::order::limits::{
    MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, MAX_LIST_MEMBERS, MAX_NESTING, MAX_PATH_SEGMENTS,
};
use redflag::order::{self, ColumnMap, InputError, InputFormat, Record};

use crate::support::{counts, load_text, order, render};

/// A minimal valid JSON order; `extra` is spliced in as further members.
fn order_json(id: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    format!(
        r#"{{"id": "{id}", "date": "2024-01-02", "buyer": {{"name": "B", "country": "DE"}}, "items": [{{"sku": "S", "hs": "847130", "value": 10, "currency": "EUR"}}]{extra}}}"#
    )
}

/// The codes of every problem of the record at `index`, `order` for an order.
fn codes(records: &[Record], index: usize) -> Vec<String> {
    match &records[index] {
        Record::Order(_) => vec!["order".into()],
        Record::Error(e) => e.problems.iter().map(|p| p.code.to_string()).collect(),
    }
}

fn input_error(text: &[u8], name: &str, format: InputFormat) -> InputError {
    match order::from_reader(Cursor::new(text.to_vec()), name, format, None) {
        Err(error) => error,
        Ok(records) => panic!("{name} was read: {}", render(&records.collect::<Vec<_>>())),
    }
}

// ---- ambiguous records ----

#[test]
fn a_key_repeated_in_one_object_is_a_record_error_at_any_depth() {
    let lines = [
        r#"{"id": "A", "date": "2024-01-02", "buyer": {"name": "B", "country": "KP", "country": "DE"}, "items": [{"hs": "847130"}]}"#.to_string(),
        r#"{"id": "B", "date": "2024-01-02", "buyer": {"name": "B"}, "items": [{"hs": "847130", "hs": "847131"}]}"#.to_string(),
        r#"{"id": "C", "id": "D", "date": "2024-01-02", "buyer": {"name": "B"}, "items": [{"hs": "847130"}]}"#.to_string(),
        // An escaped spelling of the same key is the same key.
        r#"{"id": "E", "date": "2024-01-02", "buyer": {"name": "B", "c\u006funtry": "KP", "country": "DE"}, "items": [{"hs": "847130"}]}"#.to_string(),
        order_json("F", r#""attributes": {"visit": {"by": "x", "by": "y"}}"#),
        order_json("G", ""),
    ];
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [A]
      O115 buyer.country: key `country` appears more than once in one object: readers keep different values, so the record is ambiguous
    t.jsonl:2 error [B]
      O115 items[0].hs: key `hs` appears more than once in one object: readers keep different values, so the record is ambiguous
    t.jsonl:3 error [D]
      O115 id: key `id` appears more than once in one object: readers keep different values, so the record is ambiguous
    t.jsonl:4 error [E]
      O115 buyer.country: key `country` appears more than once in one object: readers keep different values, so the record is ambiguous
    t.jsonl:5 error [F]
      O115 attributes.visit.by: key `by` appears more than once in one object: readers keep different values, so the record is ambiguous
    t.jsonl:6 order G
    ");
    // The same in a JSON document, an array element or the single object.
    let array = format!("[{},\n{}]", lines[0], lines[5]);
    let records = load_text(&array, "t.json", InputFormat::Json);
    assert_eq!(
        (codes(&records, 0), codes(&records, 1)),
        (vec!["O115".to_string()], vec!["order".to_string()])
    );
    let records = load_text(&lines[0], "t.json", InputFormat::Json);
    assert_eq!(codes(&records, 0), ["O115"]);
}

#[test]
fn null_or_empty_members_of_lists_are_record_errors() {
    let lines = [
        r#"{"id": "A", "date": "2024-01-02", "buyer": {"name": "B"}, "items": [null]}"#.to_string(),
        order_json("B", r#""consignees": [{"name": "C"}, null]"#),
        order_json("C", r#""route": [null]"#),
        r#"{"id": "D", "date": "2024-01-02", "buyer": {"name": "B", "ids": [null]}, "items": [{"hs": "847130"}]}"#.to_string(),
        r#"{"id": "E", "date": "2024-01-02", "buyer": {"name": "B"}, "items": [{"hs": "847130", "restrictions": [null]}]}"#.to_string(),
        r#"{"id": "F", "date": "2024-01-02", "buyer": {"name": "B"}, "items": [{"hs": "847130", "restrictions": [{"kind": "no_reexport", "destinations": ["KP", ""]}]}]}"#.to_string(),
        // A null list (not a member) is absent, as null is everywhere.
        order_json("G", r#""consignees": null"#),
    ];
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [A]
      O104 items[0]: the list member is null, not an item
    t.jsonl:2 error [B]
      O104 consignees[1]: the list member is null, not a party
    t.jsonl:3 error [C]
      O104 route[0]: the list member is null, not a route stop
    t.jsonl:4 error [D]
      O104 buyer.ids[0]: the list member is null, not a party identifier
    t.jsonl:5 error [E]
      O104 items[0].restrictions[0]: the list member is null, not a restriction
    t.jsonl:6 error [F]
      O104 items[0].restrictions[0].destinations[1]: the list member is empty, not a country code
    t.jsonl:7 order G
    ");
}

#[test]
fn control_characters_that_hide_text_are_record_errors() {
    let lines = [
        order_json("A", r#""end_user": {"name": "Korea\u0000 Ryonbong"}"#),
        order_json("B", r#""end_user": {"name": "\u202eKorea Ryonbong"}"#),
        order_json("C", r#""attributes": {"note": ["ok", "cut\u0000here"]}"#),
        // Tabs and line breaks are ordinary text.
        order_json(
            "D",
            r#""end_user": {"name": "Acme\tGmbH", "address": "Hauptstr. 1\r\nBerlin"}"#,
        ),
    ];
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [A]
      O117 end_user.name: the text holds U+0000, a control character that can hide or reorder what a reviewer sees
    t.jsonl:2 error [B]
      O117 end_user.name: the text holds U+202E, a control character that can hide or reorder what a reviewer sees
    t.jsonl:3 error [C]
      O117 attributes.note[1]: the text holds U+0000, a control character that can hide or reorder what a reviewer sees
    t.jsonl:4 order D
    ");
    // A raw NUL byte in a CSV cell after the first few KiB is a record error, located.
    let padding = format!(
        "id,date,buyer.name,item.hs\n{}",
        "P,2024-01-02,B,847130\n".repeat(300)
    );
    let text = format!("{padding}Q,2024-01-02,Korea\0Ryonbong,847130\n");
    let records = load_text(&text, "t.csv", InputFormat::Csv);
    let last = records.len() - 1;
    assert_eq!(
        codes(&records, last),
        ["O117"],
        "{}",
        render(&records[last..])
    );
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_later_line_carries_no_data() {
    // Two exports joined with `cat`: each starts with a mark.
    let text = format!(
        "\u{feff}{}\n\u{feff}{}\n",
        order_json("A", ""),
        order_json("B", "")
    );
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    assert_eq!(counts(&records), (2, 0), "{}", render(&records));
    assert_eq!(order(&records, "B").origin.line, 2);
}

#[test]
fn utf16_or_nul_filled_inputs_are_input_errors() {
    let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain("{\"id\": \"A\"}\n".encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let without_mark: Vec<u8> = "id,date\nA,2024-01-02\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for (bytes, name, format) in [
        (&utf16, "t.jsonl", InputFormat::Jsonl),
        (&utf16, "t.json", InputFormat::Json),
        (&utf16, "t.csv", InputFormat::Csv),
        (&without_mark, "t.csv", InputFormat::Csv),
    ] {
        let error = input_error(bytes, name, format);
        assert_eq!(error.code_str(), "I006", "{name}: {error}");
    }
}

// ---- CSV ----

const CSV_HEADER: &str = "id,date,buyer.name,item.sku,item.hs\n";

#[test]
fn an_unbalanced_quote_spoils_its_own_row_only() {
    let text = format!(
        "{CSV_HEADER}A,2024-01-02,\"Acme, Ltd\",S1,847130\n\
         B,2024-01-02,\"Korea Ryonbong,S2,847130\n\
         B,2024-01-02,Korea Ryonbong,S3,847130\n\
         \"C,2024-01-02,X,S4,847130\n\
         D,2024-01-02,Dandong Trading,S5,847130\n\
         E,2024-01-02,Plain 12\" pipe Ltd,S6,847130\n"
    );
    let records = load_text(&text, "t.csv", InputFormat::Csv);
    // The broken row of B spoils B; the row whose id cannot be read stands alone; D and E,
    // after them, are read.
    insta::assert_snapshot!(render(&records), @r#"
    t.csv:2 order A
    t.csv:3 error [B]
      O114 (column buyer.name): a quote opened in column `buyer.name` is never closed on line 3, so the row cannot be read
    t.csv:5 error [?]
      O114 (column id): a quote opened in column `id` is never closed on line 5, so the row cannot be read
    t.csv:6 order D
    t.csv:7 order E
    "#);
}

#[test]
fn a_header_repeated_below_is_a_record_error() {
    let text = format!(
        "{CSV_HEADER}A,2024-01-02,B,S1,847130\n\u{feff}{CSV_HEADER}C,2024-01-02,B,S1,847130\n"
    );
    let records = load_text(&text, "t.csv", InputFormat::Csv);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 order A
    t.csv:3 error [?]
      O114 : line 3 repeats the header row (were two exports joined?)
    t.csv:4 order C
    ");
}

#[test]
fn map_files_that_fill_one_path_twice_are_refused() {
    for (map, message) in [
        (
            "[columns]\nVBELN = \"id\"\nAUBEL = \"id\"\n",
            "`VBELN` and `AUBEL` both fill `id`",
        ),
        (
            "[columns]\n\"VBELN \" = \"id\"\nVBELN = \"buyer.name\"\n",
            "`VBELN` is mapped twice",
        ),
        (
            "[columns]\nX = \"attributes.visit\"\nY = \"attributes.visit.date\"\n",
            "`X` and `Y` both fill `attributes.visit`",
        ),
    ] {
        let error = ColumnMap::from_toml(map, "m.toml").expect_err(map);
        assert_eq!(error.code_str(), "I003");
        assert!(error.to_string().contains(message), "{error}");
    }
    // Ignoring a header twice says the same thing twice: no ambiguity.
    assert!(ColumnMap::from_toml("ignore = [\"A\", \"A \"]\n", "m.toml").is_ok());
}

#[test]
fn a_hundred_thousand_columns_are_read_in_linear_time() {
    let started = Instant::now();
    let n = 100_000;
    let mut header = String::from("id,date,buyer.name,item.hs");
    let mut row = String::from("A,2024-01-02,B,847130");
    for i in 0..n {
        header.push_str(&format!(",attributes.c{i}"));
        row.push_str(&format!(",{i}"));
    }
    let records = load_text(&format!("{header}\n{row}\n"), "wide.csv", InputFormat::Csv);
    assert_eq!(counts(&records), (1, 0));
    // As many unusable headers: every one is listed, suggestions stop after the first few.
    let junk: String = (0..n).map(|i| format!(",junk{i}")).collect();
    let error = input_error(
        format!("id{junk}\n").as_bytes(),
        "junk.csv",
        InputFormat::Csv,
    );
    let InputError::UnknownHeaders { headers, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(headers.len(), n);
    assert!(error.to_string().ends_with(&format!("and {} more", n - 50)));
    // As many columns that clash: each is reported once, in linear time.
    let same: String = (0..n).map(|_| ",buyer.name").collect();
    let error = input_error(
        format!("id{same}\n").as_bytes(),
        "same.csv",
        InputFormat::Csv,
    );
    let InputError::UnknownHeaders { headers, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(headers.len(), n - 1);
    // Quadratic work on these takes minutes; linear takes well under a second in release.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

// ---- limits ----

#[test]
fn a_line_over_the_limit_is_a_record_error_and_reading_goes_on() {
    let huge = format!(
        "{{\"id\": \"H\", \"attributes\": {{\"x\": \"{}\"}}}}",
        "a".repeat(MAX_LINE_BYTES)
    );
    let text = format!("{}\n{huge}\n{}\n", order_json("A", ""), order_json("B", ""));
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 order A
    t.jsonl:2 error [?]
      O116 : the line is 16777253 bytes long, over the limit of 16 MiB per record, so it was not read
    t.jsonl:3 order B
    ");
    // In CSV the id is read from the part kept, so the row spoils its order.
    let cell = "a".repeat(MAX_LINE_BYTES);
    let text = format!(
        "id,date,buyer.name,item.hs,attributes.x\nA,2024-01-02,B,847130,x\nA,2024-01-02,B,847130,{cell}\nC,2024-01-02,B,847130,x\n"
    );
    let records = load_text(&text, "t.csv", InputFormat::Csv);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 error [A]
      O116 (line 3): line 3 is 16777239 bytes long, over the limit of 16 MiB per row, so it was not read
    t.csv:4 order C
    ");
}

#[test]
fn a_json_document_over_the_limit_is_an_input_error() {
    let spaces = std::io::repeat(b' ').take(MAX_DOCUMENT_BYTES + 1);
    let reader = BufReader::new(Cursor::new(b"[".to_vec()).chain(spaces));
    let error = match order::from_reader(reader, "big.json", InputFormat::Json, None) {
        Err(error) => error,
        Ok(_) => panic!("a document over the limit was read"),
    };
    assert_eq!(error.code_str(), "I005", "{error}");
}

#[test]
fn lists_over_the_member_limit_are_record_errors() {
    let item = r#"{"hs": "847130"}"#;
    let items = vec![item; MAX_LIST_MEMBERS + 1].join(",");
    let at_limit = vec![item; MAX_LIST_MEMBERS].join(",");
    let codes_of = format!("KP{}", ";DE".repeat(MAX_LIST_MEMBERS));
    let lines = [
        format!(
            r#"{{"id": "A", "date": "2024-01-02", "buyer": {{"name": "B"}}, "items": [{items}]}}"#
        ),
        format!(
            r#"{{"id": "B", "date": "2024-01-02", "buyer": {{"name": "B"}}, "items": [{at_limit}]}}"#
        ),
        format!(
            r#"{{"id": "C", "date": "2024-01-02", "buyer": {{"name": "B"}}, "items": [{{"hs": "847130", "restrictions": [{{"destinations": "{codes_of}"}}]}}]}}"#
        ),
    ];
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [A]
      O116 items: the list has 10001 members, over the limit of 10000
    t.jsonl:2 order B
    t.jsonl:3 error [C]
      O116 items[0].restrictions[0].destinations: the list has 10001 members, over the limit of 10000
    ");
    // A CSV order of more rows is read past, not kept, and refused whole.
    let mut text = String::from("id,date,buyer.name,item.hs\n");
    for _ in 0..=MAX_LIST_MEMBERS {
        text.push_str("A,2024-01-02,B,847130\n");
    }
    text.push_str("C,2024-01-02,B,847130\n");
    let records = load_text(&text, "t.csv", InputFormat::Csv);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 error [A]
      O116 : the order has 10001 rows, over the limit of 10000 rows per order, so it was not read
    t.csv:10003 order C
    ");
}

#[test]
fn nesting_deeper_than_the_limit_is_a_record_error() {
    // The order object is one level; `attributes` another.
    let nested = |depth: usize| {
        let inner = depth - 2;
        format!("{}1{}", "[".repeat(inner), "]".repeat(inner))
    };
    let lines = [
        order_json(
            "A",
            &format!("\"attributes\": {{\"deep\": {}}}", nested(MAX_NESTING)),
        ),
        order_json(
            "B",
            &format!("\"attributes\": {{\"deep\": {}}}", nested(MAX_NESTING + 1)),
        ),
    ];
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    assert_eq!(codes(&records, 0), ["order"], "{}", render(&records));
    assert_eq!(codes(&records, 1), ["O101"], "{}", render(&records));
    // A CSV header path is bounded too.
    let deep = format!("attributes{}", ".a".repeat(MAX_PATH_SEGMENTS));
    let error = input_error(format!("id,{deep}\n").as_bytes(), "t.csv", InputFormat::Csv);
    assert_eq!(error.code_str(), "I002");
}

// ---- every line accounted for ----

/// One CSV data line of a distinct order, perhaps damaged.
#[derive(Debug, Clone)]
enum CsvLine {
    Good,
    UnclosedQuote,
    ExtraCell,
    Blank,
}

fn csv_line() -> impl Strategy<Value = CsvLine> {
    prop_oneof![
        4 => Just(CsvLine::Good),
        1 => Just(CsvLine::UnclosedQuote),
        1 => Just(CsvLine::ExtraCell),
        1 => Just(CsvLine::Blank),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Each non-blank line of distinct orders is exactly one record, damaged or not, and the
    /// damaged ones are exactly the error records, at their own lines.
    #[test]
    fn every_csv_line_is_one_record(lines in proptest::collection::vec(csv_line(), 0..40)) {
        let mut text = String::from(CSV_HEADER);
        let mut expected = Vec::new();
        for (i, kind) in lines.iter().enumerate() {
            let line = i + 2;
            match kind {
                CsvLine::Good => text.push_str(&format!("O{i},2024-01-02,B,S,847130\n")),
                CsvLine::UnclosedQuote => text.push_str(&format!("O{i},2024-01-02,\"B,S,847130\n")),
                CsvLine::ExtraCell => text.push_str(&format!("O{i},2024-01-02,B,S,847130,x\n")),
                CsvLine::Blank => text.push('\n'),
            }
            if !matches!(kind, CsvLine::Blank) {
                expected.push((line, matches!(kind, CsvLine::Good)));
            }
        }
        let records = load_text(&text, "p.csv", InputFormat::Csv);
        let found: Vec<(usize, bool)> = records
            .iter()
            .map(|r| match r {
                Record::Order(o) => (o.origin.line, true),
                Record::Error(e) => (e.origin.line, false),
            })
            .collect();
        prop_assert_eq!(found, expected);
    }

    /// Each non-blank JSON Lines line is exactly one record, whatever it holds.
    #[test]
    fn every_json_line_is_one_record(lines in proptest::collection::vec("[ -~]{0,30}|\\{\"id\": \"x\"\\}", 0..30)) {
        let text = lines.join("\n");
        let records = load_text(&text, "p.jsonl", InputFormat::Jsonl);
        let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count();
        prop_assert_eq!(records.len(), non_blank);
    }
}
