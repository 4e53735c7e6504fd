//! Loader tests: JSON Lines, JSON and CSV through the public API, on the
//! sample fixtures and on small inputs written here for one rule each.

use redflag::order::{self, ColumnMap, InputError, InputFormat, Record};

use crate::support::{at, counts, load, load_text, order, render, sample_map};

/// Checks the number of orders and error records of an input.
#[track_caller]
fn check_counts(records: &[Record], orders: usize, errors: usize) {
    assert_eq!(
        counts(records),
        (orders, errors),
        "records:\n{}",
        render(records)
    );
}

/// Checks that a path of a loaded order holds the expected rendered value.
#[track_caller]
fn check_value(records: &[Record], id: &str, path: &str, expected: &str) {
    assert_eq!(at(order(records, id), path), expected, "{id} {path}");
}

/// A minimal valid JSON order with one member replaced or added.
fn order_with(id: &str, member: &str, value: &str) -> String {
    let mut base: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        r#"{"id": "X", "date": "2024-01-02",
            "buyer": {"name": "B", "country": "DE"},
            "items": [{"hs": "8207.30", "value": 10, "currency": "EUR"}]}"#,
    )
    .unwrap();
    base.insert("id".into(), serde_json::Value::String(id.into()));
    base.insert(member.into(), serde_json::from_str(value).unwrap());
    serde_json::to_string(&base).unwrap()
}

// ---- JSON Lines ----

#[test]
fn jsonl_sample_loads_every_order() {
    let records = load("fixtures/orders/sample.jsonl", None);
    check_counts(&records, 13, 0);
    check_value(&records, "SO-2015-0042", "buyer.country", "CN");
    check_value(&records, "SO-2015-0042", "items[0].hs", "845710");
    check_value(&records, "SO-2015-0042", "items[0].value", "number 1050000");
    check_value(&records, "SO-2015-0042", "date", "date 2015-03-02");
    check_value(
        &records,
        "SO-2015-0042",
        "items[0].restrictions[0].destinations",
        "[KP, IR, SY]",
    );
    check_value(&records, "SO-2015-0042", "end_use.provided", "bool false");
    check_value(
        &records,
        "SO-2015-0042",
        "attributes.installation_declined",
        "bool true",
    );
    // A decimal string keeps its scale.
    check_value(
        &records,
        "SO-2023-0117",
        "payment.amount",
        "number 370000.00",
    );
    let Record::Order(second) = &records[1] else {
        panic!("second record is not an order")
    };
    assert_eq!(second.origin.line, 2);
}

#[test]
fn jsonl_bad_records_are_located_and_good_ones_load() {
    let records = load("fixtures/orders/bad/bad.jsonl", None);
    check_counts(&records, 1, 4);
    insta::assert_snapshot!(render(&records));
}

#[test]
fn jsonl_duplicate_id_names_the_first_line() {
    let records = load("fixtures/orders/bad/duplicate-ids.jsonl", None);
    check_counts(&records, 1, 1);
    insta::assert_snapshot!(render(&records), @r"
    fixtures/orders/bad/duplicate-ids.jsonl:1 order DUP-0001
    fixtures/orders/bad/duplicate-ids.jsonl:2 error [DUP-0001]
      O111 : order id `DUP-0001` already appears on line 1
    ");
}

#[test]
fn jsonl_repeated_ids_are_found_across_thousands_of_orders() {
    // Ids are remembered in tables that fill one after another (896 ids, then 1,792, 3,584,
    // ...): a repeat must be found whichever table holds the first, and only a repeat.
    let mut lines: Vec<String> = (0..5000)
        .map(|n| order_with(&format!("ID-{n}"), "date", "\"2024-01-02\""))
        .collect();
    for id in ["ID-0", "ID-895", "ID-896", "ID-2700", "ID-4999", "ID-NEW"] {
        lines.push(order_with(id, "date", "\"2024-01-03\""));
    }
    let records = load_text(&lines.join("\n"), "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 5001, 5);
    let repeats: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::Error(e) => Some(format!(
                "{}: {}",
                e.origin.line,
                e.problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Record::Order(_) => None,
        })
        .collect();
    assert_eq!(
        repeats,
        [
            "5001: order id `ID-0` already appears on line 1",
            "5002: order id `ID-895` already appears on line 896",
            "5003: order id `ID-896` already appears on line 897",
            "5004: order id `ID-2700` already appears on line 2701",
            "5005: order id `ID-4999` already appears on line 5000",
        ]
    );
}

#[test]
fn jsonl_skips_blank_lines_and_keeps_line_numbers() {
    let text = format!(
        "\n{}\n   \n{}\n",
        order_with("A", "date", "\"2024-01-02\""),
        order_with("B", "date", "\"2024-01-03\"")
    );
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:2 order A
    t.jsonl:4 order B
    ");
}

#[test]
fn all_problems_of_a_record_are_reported() {
    let text = r#"{"id": 7, "date": "03/02/2015", "buyer": {"country": "XX"}, "items": [{"hs": "84", "value": "12,500", "currency": "usx", "quantity": [1]}], "end_use": {"provided": "maybe"}, "ship_date": "2015-02-30"}"#;
    let records = load_text(text, "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [7]
      O109 date: `03/02/2015` is not a date in the form YYYY-MM-DD
      O105 buyer.country: `XX` is not an ISO 3166-1 country code
      O107 items[0].hs: `84` is not an HS code of 6, 8, 9 or 10 digits
      O108 items[0].value: `12,500` is not a decimal amount
      O106 items[0].currency: `usx` is not an ISO 4217 currency code
      O104 items[0].quantity: expected a number, found a list
      O110 end_use.provided: `maybe` is not a boolean (true/false, yes/no, 1/0 or X)
      O109 ship_date: `2015-02-30` is not a calendar date
      O103 buyer.name: required field `buyer.name` is missing
    ");
}

#[test]
fn record_that_is_not_an_object() {
    let records = load_text("[1, 2]\n\"text\"\n", "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [?]
      O102 : the record is a list, not an object
    t.jsonl:2 error [?]
      O102 : the record is text, not an object
    ");
}

#[test]
fn a_problem_reads_as_its_code_path_and_message() {
    let text = format!("[1]\n{}\n", order_with("A", "date", "\"03/02/2015\""));
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    let problems: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::Error(e) => Some(e.problems.iter().map(ToString::to_string)),
            Record::Order(_) => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        problems,
        [
            "O102 the record is a list, not an object",
            "O109 `date`: `03/02/2015` is not a date in the form YYYY-MM-DD",
        ]
    );
}

// ---- normalisation ----

#[test]
fn countries_in_lower_case_and_alpha_3_become_upper_alpha_2() {
    let text = [
        order_with("A", "buyer", r#"{"name": "B", "country": "kp"}"#),
        order_with("B", "buyer", r#"{"name": "B", "country": "PRK"}"#),
        order_with("C", "buyer", r#"{"name": "B", "country": "deu"}"#),
        order_with("D", "buyer", r#"{"name": "B", "country": "Germany"}"#),
    ]
    .join("\n");
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 3, 1);
    check_value(&records, "A", "buyer.country", "KP");
    check_value(&records, "B", "buyer.country", "KP");
    check_value(&records, "C", "buyer.country", "DE");
    insta::assert_snapshot!(render(&records[3..]), @r"
    t.jsonl:4 error [D]
      O105 buyer.country: `Germany` is not an ISO 3166-1 country code
    ");
}

#[test]
fn hs_codes_lose_dots_and_spaces() {
    let text = [
        order_with("A", "items", r#"[{"hs": "8457.10"}]"#),
        order_with("B", "items", r#"[{"hs": "8457 10 00 90"}]"#),
        order_with("C", "items", r#"[{"hs": 845710}]"#),
        order_with("D", "items", r#"[{"hs": "8457.10.00.901"}]"#),
        // No tariff has seven digits: a zero put before CHPL heading 8457.10 would read as
        // `0845710`, which no longer starts with it.
        order_with("E", "items", r#"[{"hs": "08457.10"}]"#),
    ]
    .join("\n");
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 3, 2);
    check_value(&records, "A", "items[0].hs", "845710");
    check_value(&records, "B", "items[0].hs", "8457100090");
    check_value(&records, "C", "items[0].hs", "845710");
    insta::assert_snapshot!(render(&records[3..]), @r"
    t.jsonl:4 error [D]
      O107 items[0].hs: `8457.10.00.901` is not an HS code of 6, 8, 9 or 10 digits
    t.jsonl:5 error [E]
      O107 items[0].hs: `08457.10` is not an HS code of 6, 8, 9 or 10 digits
    ");
}

/// An ERP writes the code with the nomenclature's name before it, hyphens between its parts,
/// no-break spaces, or the digits of its own script; each was an `O107` error, and the order
/// went unjudged. A hyphen elsewhere than after the heading and the subheading still is one:
/// `8457-8458` names two headings, and read as `84578458` neither would be CHPL.
#[test]
fn hs_codes_are_read_as_erp_exports_write_them() {
    let text = [
        order_with("A", "items", r#"[{"hs": "HS 8457.10"}]"#),
        order_with("B", "items", r#"[{"hs": "HTS 8457.10.0010"}]"#),
        order_with("C", "items", r#"[{"hs": "ТН ВЭД 8457 10 000 0"}]"#),
        order_with("D", "items", r#"[{"hs": "HS-Code: 8458-11-00"}]"#),
        order_with("E", "items", r#"[{"hs": "GTIP 8457.10"}]"#),
        order_with("F", "items", r#"[{"hs": "８４５７.１０"}]"#),
        order_with("G", "items", r#"[{"hs": "٨٤٥٧١٠"}]"#),
        order_with("H", "items", r#"[{"hs": "8457\u00a010\u00a000"}]"#),
        order_with("I", "items", r#"[{"hs": "8457-8458"}]"#),
        order_with("J", "items", r#"[{"hs": "8457,10"}]"#),
        order_with("K", "items", r#"[{"hs": "HSK 63"}]"#),
        order_with("L", "items", r#"[{"hs": "8457.10 (machining centres)"}]"#),
    ]
    .join("\n");
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 8, 4);
    check_value(&records, "A", "items[0].hs", "845710");
    check_value(&records, "B", "items[0].hs", "8457100010");
    check_value(&records, "C", "items[0].hs", "8457100000");
    check_value(&records, "D", "items[0].hs", "84581100");
    check_value(&records, "E", "items[0].hs", "845710");
    check_value(&records, "F", "items[0].hs", "845710");
    check_value(&records, "G", "items[0].hs", "845710");
    check_value(&records, "H", "items[0].hs", "84571000");
    insta::assert_snapshot!(render(&records[8..]), @r"
    t.jsonl:9 error [I]
      O107 items[0].hs: `8457-8458` is not an HS code of 6, 8, 9 or 10 digits
    t.jsonl:10 error [J]
      O107 items[0].hs: `8457,10` is not an HS code of 6, 8, 9 or 10 digits
    t.jsonl:11 error [K]
      O107 items[0].hs: `HSK 63` is not an HS code of 6, 8, 9 or 10 digits
    t.jsonl:12 error [L]
      O107 items[0].hs: `8457.10 (machining centres)` is not an HS code of 6, 8, 9 or 10 digits
    ");
}

#[test]
fn amounts_are_decimal_numbers_or_plain_decimal_strings() {
    let text = [
        order_with(
            "A",
            "payment",
            r#"{"amount": " 12500.50 ", "currency": "eur"}"#,
        ),
        order_with("B", "payment", r#"{"amount": 0.1}"#),
        order_with("C", "payment", r#"{"amount": 1.5e3}"#),
        order_with(
            "D",
            "payment",
            r#"{"amount": 12345678901234567890.123456789}"#,
        ),
        order_with("E", "payment", r#"{"amount": "12,500"}"#),
        order_with("F", "payment", r#"{"amount": "€100"}"#),
        order_with("G", "payment", r#"{"amount": true}"#),
    ]
    .join("\n");
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 4, 3);
    check_value(&records, "A", "payment.amount", "number 12500.50");
    check_value(&records, "A", "payment.currency", "EUR");
    // Never through f64: 0.1 stays exactly 0.1.
    check_value(&records, "B", "payment.amount", "number 0.1");
    check_value(&records, "C", "payment.amount", "number 1500");
    check_value(
        &records,
        "D",
        "payment.amount",
        "number 12345678901234567890.123456789",
    );
    insta::assert_snapshot!(render(&records[4..]), @r"
    t.jsonl:5 error [E]
      O108 payment.amount: `12,500` is not a decimal amount
    t.jsonl:6 error [F]
      O108 payment.amount: `€100` is not a decimal amount
    t.jsonl:7 error [G]
      O104 payment.amount: expected a money amount, found a boolean
    ");
}

#[test]
fn dates_accept_basic_format_and_date_times() {
    let text = [
        order_with("A", "date", r#""20150302""#),
        order_with("B", "date", r#""2015-03-02T23:10:00+08:00""#),
        order_with("C", "date", r#""2015-03-02""#),
    ]
    .join("\n");
    let records = load_text(&text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 3, 0);
    for id in ["A", "B", "C"] {
        check_value(&records, id, "date", "date 2015-03-02");
    }
}

#[test]
fn numeric_ids_and_nulls_are_read_and_unknown_members_are_errors() {
    let text = r#"{"id": 600101, "date": "2024-01-02", "forwarder": null, "buyer": {"name": "B", "attributes": {"vat": "DE123"}}, "items": [{"sku": 42}], "attributes": {"note": {"x": [1, "a"]}}}"#;
    let records = load_text(text, "t.jsonl", InputFormat::Jsonl);
    check_counts(&records, 1, 0);
    let o = order(&records, "600101");
    assert_eq!(o.root.get("forwarder"), None, "null reads as absent");
    check_value(&records, "600101", "buyer.attributes.vat", "DE123");
    check_value(&records, "600101", "items[0].sku", "42");
    check_value(&records, "600101", "attributes.note.x", "[number 1, a]");

    // What the format does not name is kept below `attributes`; elsewhere no rule would read
    // it, and the record is an error naming each such member.
    let text = r#"{"id": 600102, "date": "2024-01-02", "buyer": {"name": "B", "vat": "DE123"}, "items": [{"sku": 42, "restriction": {"kind": "no_reexport"}}], "extra": 1}"#;
    let records = load_text(text, "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [600102]
      O120 buyer.vat: `vat` is no field of a party, and no rule would read what it holds (keep it below `attributes` if a rule should read it, or leave it out)
      O120 items[0].restriction: `restriction` is no field of an item, and no rule would read what it holds: did you mean `restrictions`? (keep it below the order's `attributes` if a rule should read it, or leave it out)
      O120 extra: `extra` is no field of an order, and no rule would read what it holds (keep it below `attributes` if a rule should read it, or leave it out)
    ");
}

#[test]
fn required_fields_are_reported() {
    let text = "{\"buyer\": {\"name\": \" \"}}\n{\"id\": \"E\", \"date\": \"2024-01-01\", \"buyer\": {\"name\": \"B\"}, \"items\": []}";
    let records = load_text(text, "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [?]
      O103 id: required field `id` is missing
      O103 date: required field `date` is missing
      O103 items: required field `items` is missing
    t.jsonl:2 error [E]
      O103 items: the order has no items
    ");
}

// ---- JSON documents ----

#[test]
fn json_array_sample_locates_each_element() {
    let records = load("fixtures/orders/sample.json", None);
    assert!(!records.is_empty());
    check_counts(&records, records.len(), 0);
    let Record::Order(first) = &records[0] else {
        panic!("first record is not an order")
    };
    assert_eq!(first.origin.line, 2);
    check_value(&records, "SO-2015-0042-J", "buyer.ids[0].scheme", "CN-USCC");
    check_value(
        &records,
        "SO-2015-0042-J",
        "consignees[-1].attributes.onward_destination",
        "Sinuiju",
    );
}

#[test]
fn json_array_element_error_is_located_on_its_line() {
    let records = load("fixtures/orders/bad/bad-array.json", None);
    check_counts(&records, 2, 1);
    insta::assert_snapshot!(render(&records), @r"
    fixtures/orders/bad/bad-array.json:2 order BAD-A-0001
    fixtures/orders/bad/bad-array.json:38 error [BAD-A-0002]
      O103 buyer: required field `buyer` is missing
    fixtures/orders/bad/bad-array.json:67 order BAD-A-0003
    ");
}

#[test]
fn json_that_does_not_parse_is_one_located_error() {
    let text = "[\n  {\"id\": \"A\"},\n  {\"id\": \"B\",,}\n]\n";
    let records = load_text(text, "t.json", InputFormat::Json);
    insta::assert_snapshot!(render(&records), @r#"
    t.json:3 error [?]
      O101 : invalid JSON at line 3 column 14: key must be a string
    "#);
}

#[test]
fn json_single_object_and_duplicates_in_an_array() {
    let single = order_with("A", "date", "\"2024-01-02\"");
    let records = load_text(&format!("\n\n{single}"), "t.json", InputFormat::Json);
    insta::assert_snapshot!(render(&records), @"t.json:3 order A");

    let array = format!("[{single},\n{single}]");
    let records = load_text(&array, "t.json", InputFormat::Json);
    // Read whole, a document shows both records of the id: neither is judged.
    insta::assert_snapshot!(render(&records), @r"
    t.json:1 error [A]
      O111 : order id `A` is used by 2 records of this document (lines 1 and 2): which one is the order cannot be told, so none is judged
    t.json:2 error [A]
      O111 : order id `A` is used by 2 records of this document (lines 1 and 2): which one is the order cannot be told, so none is judged
    ");
}

// ---- CSV ----

#[test]
fn csv_plain_headers_group_rows_into_orders() {
    let records = load("fixtures/orders/sample-plain.csv", None);
    check_counts(&records, 2, 0);
    let first = order(&records, "0000600101");
    assert_eq!(first.origin.line, 2);
    check_value(&records, "0000600101", "items[1].hs", "903180");
    check_value(&records, "0000600101", "items[0].hs", "82073010");
    check_value(
        &records,
        "0000600101",
        "items[0].restrictions[0].destinations",
        "[KP, IR]",
    );
    check_value(&records, "0000600101", "consignees[0].city", "Aalen");
    check_value(&records, "0000600101", "end_use.provided", "bool true");
    // Empty cells are absent: the second item has no restrictions.
    let items = first.root.get("items").and_then(|i| i.as_list()).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].get("restrictions"), None);
}

/// Excel and the ERPs of countries that write a decimal comma save "CSV" with semicolons (or
/// tabs): the separator is read off the header row, and the orders load as from commas. Such
/// a file was refused, its whole header row one unknown column. A cell holding the separator
/// is quoted, as those programs write it; one that is not spoils its own row only.
#[test]
fn csv_separated_by_semicolons_or_tabs_loads_as_with_commas() {
    let plain_text = std::fs::read_to_string("fixtures/orders/sample-plain.csv").unwrap();
    let plain = load("fixtures/orders/sample-plain.csv", None);
    check_counts(&plain, 2, 0);
    // The sample rewritten with another separator, each cell quoted where it must be.
    let with = |separator: &str| -> String {
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(plain_text.as_bytes());
        let mut out = csv::WriterBuilder::new()
            .delimiter(separator.as_bytes()[0])
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        for row in rows.records() {
            out.write_record(&row.unwrap()).unwrap();
        }
        String::from_utf8(out.into_inner().unwrap()).unwrap()
    };
    for separator in [";", "\t"] {
        let records = load_text(&with(separator), "export.csv", InputFormat::Csv);
        check_counts(&records, 2, 0);
        for (a, b) in records.iter().zip(&plain) {
            let (Record::Order(a), Record::Order(b)) = (a, b) else {
                panic!("not orders: {}", render(&records))
            };
            assert_eq!(a.root, b.root, "{separator:?}: {}", a.id);
        }
    }
    // The semicolon of `KP;IR` not quoted: that row has a cell too many, and is an error.
    let unquoted = with(";").replace("\"KP;IR\"", "KP;IR");
    assert_ne!(unquoted, with(";"));
    let records = load_text(&unquoted, "export.csv", InputFormat::Csv);
    assert!(render(&records).contains("O114"), "{}", render(&records));
}

#[test]
fn csv_map_file_renames_sap_headers() {
    let map = sample_map();
    let records = load("fixtures/orders/sample.csv", Some(&map));
    check_counts(&records, 2, 0);
    check_value(&records, "0000600102", "buyer.country", "KZ");
    check_value(
        &records,
        "0000600102",
        "items[0].restrictions[0].destinations",
        "[RU, BY]",
    );
    check_value(&records, "0000600101", "payment.amount", "number 72050.00");
    // Mapped and plain exports of the same orders load alike.
    let plain = load("fixtures/orders/sample-plain.csv", None);
    for (a, b) in records.iter().zip(&plain) {
        let (Record::Order(a), Record::Order(b)) = (a, b) else {
            panic!("not orders")
        };
        assert_eq!(a.root, b.root, "{}", a.id);
    }
}

#[test]
fn csv_bad_rows_are_located_by_column_and_line() {
    let records = load("fixtures/orders/bad/bad.csv", None);
    check_counts(&records, 1, 2);
    insta::assert_snapshot!(render(&records));
}

#[test]
fn csv_unknown_headers_are_an_input_error_with_suggestions() {
    let text =
        "id,date,buyer.contry,KUNNR,HS,consignees.city,items.0.hs\n1,2024-01-01,DE,x,1,a,b\n";
    let error = match order::from_text(text, "t.csv", InputFormat::Csv, None) {
        Err(error) => error,
        Ok(_) => panic!("unknown headers were accepted"),
    };
    assert_eq!(error.code_str(), "I002");
    let InputError::UnknownHeaders { headers, .. } = &error else {
        panic!("wrong error {error:?}")
    };
    assert_eq!(headers.len(), 5);
    insta::assert_snapshot!(error.to_string().replace("; ", ";\n"), @r"
    5 unusable CSV header(s) in `t.csv`: column 3 `buyer.contry` is not a known path (`contry` is not a field of `buyer`) (did you mean `buyer.country`?);
    column 4 `KUNNR` is not a known path (`KUNNR` is not an order field);
    column 5 `HS` is not a known path (`HS` is not an order field) (did you mean `item.hs`?);
    column 6 `consignees.city` needs a list index (list members are numbered from 0) (did you mean `consignees.0.city`?);
    column 7 `items.0.hs` is not a column path (item columns start with `item.`) (did you mean `item.hs`?)
    ");
}

#[test]
fn csv_ignored_and_mapped_headers() {
    let map = ColumnMap::from_toml(
        "ignore = [\"MANDT\"]\n[columns]\nVBELN = \"id\"\nKUNNR = \"buyer.name\"\nSTAWN = \"item.hs\"\n",
        "m.toml",
    )
    .unwrap();
    let text = "MANDT,VBELN,date,KUNNR,STAWN\n100,A,20240102,Buyer,8457.10\n";
    let records: Vec<Record> = order::from_text(text, "t.csv", InputFormat::Csv, Some(&map))
        .unwrap()
        .collect();
    check_counts(&records, 1, 0);
    check_value(&records, "A", "date", "date 2024-01-02");
    check_value(&records, "A", "buyer.name", "Buyer");
    check_value(&records, "A", "items[0].hs", "845710");
}

#[test]
fn csv_bad_map_file() {
    let error =
        ColumnMap::from_toml("[columns]\nVBELN = \"buyer.contry\"\n", "m.toml").unwrap_err();
    assert_eq!(error.code_str(), "I003");
    insta::assert_snapshot!(error.to_string(), @"bad map file `m.toml`: M004: `VBELN` maps to `buyer.contry`, which is not a known path (`contry` is not a field of `buyer`) (did you mean `buyer.country`?)");
    let error = ColumnMap::from_toml("[columns\n", "m.toml").unwrap_err();
    assert_eq!(error.code_str(), "I003");
}

#[test]
fn csv_rows_that_are_not_contiguous() {
    let text = "id,date,buyer.name,item.hs\nA,2024-01-01,B,845710\nB,2024-01-01,B,845710\nA,2024-01-01,B,845720\n";
    let records = load_text(text, "t.csv", InputFormat::Csv);
    check_counts(&records, 2, 1);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 order A
    t.csv:3 order B
    t.csv:4 error [A]
      O113 : rows of order `A` resume after other orders (its first rows start on line 2)
    ");
}

#[test]
fn csv_numbered_members_with_gaps_become_compact_lists() {
    let text = "id,date,buyer.name,buyer.ids.2.scheme,buyer.ids.2.value,consignees.1.city,consignees.3.city,consignees.3.country,item.hs,item.controls,attributes.visit\n\
                A,2024-01-01,B,LEI,5299,Dalian,Dandong,chn,845710,EU:2B001; US:2B001,yes\n";
    let records = load_text(text, "t.csv", InputFormat::Csv);
    check_counts(&records, 1, 0);
    check_value(&records, "A", "buyer.ids[0].value", "5299");
    check_value(&records, "A", "consignees[0].city", "Dalian");
    check_value(&records, "A", "consignees[1].country", "CN");
    check_value(&records, "A", "items[0].controls", "[EU:2B001, US:2B001]");
    check_value(&records, "A", "attributes.visit", "yes");
}

#[test]
fn csv_problem_points_at_compacted_cell() {
    let text = "id,date,buyer.name,consignees.4.country,item.hs,item.restrictions.0.destinations\n\
                A,2024-01-01,B,XX,845710,KP\n\
                A,2024-01-01,B,XX,845720,IR;ZZ\n";
    let records = load_text(text, "t.csv", InputFormat::Csv);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 error [A]
      O105 consignees[0].country (column consignees.4.country): `XX` is not an ISO 3166-1 country code
      O105 items[1].restrictions[0].destinations[1] (column item.restrictions.0.destinations) (line 3): `ZZ` is not an ISO 3166-1 country code
    ");
}

#[test]
fn csv_short_rows_are_cell_problems() {
    let text = "id,date,buyer.name,item.hs\nA,2024-01-01,B,845710\nA,2024-01-01\n";
    let records = load_text(text, "t.csv", InputFormat::Csv);
    insta::assert_snapshot!(render(&records), @r"
    t.csv:2 error [A]
      O114 (line 3): the row has 2 cells but the header has 4
    ");
}

// ---- input ----

#[test]
fn formats_come_from_extensions() {
    assert_eq!(
        InputFormat::from_extension("a/b.NDJSON"),
        Some(InputFormat::Jsonl)
    );
    assert_eq!(
        InputFormat::from_extension("b.json"),
        Some(InputFormat::Json)
    );
    assert_eq!(InputFormat::from_extension("b.csv"), Some(InputFormat::Csv));
    assert_eq!(InputFormat::from_extension("b.txt"), None);
    let error = order::open("orders.txt", None, None).err().unwrap();
    assert_eq!(error.code_str(), "I004");
    let error = order::open("fixtures/nope.jsonl", None, None)
        .err()
        .unwrap();
    assert_eq!(error.code_str(), "I001");
    insta::assert_snapshot!(error.to_string(), @"cannot open `fixtures/nope.jsonl`: no such file");
}

#[test]
fn every_record_yields_exactly_one_result() {
    for (path, expected) in [
        ("fixtures/orders/bad/bad.jsonl", 5),
        ("fixtures/orders/bad/bad-array.json", 3),
        ("fixtures/orders/bad/bad.csv", 3),
        ("fixtures/orders/bad/duplicate-ids.jsonl", 2),
    ] {
        assert_eq!(load(path, None).len(), expected, "{path}");
    }
}

#[test]
fn byte_order_marks_are_ignored() {
    let single = order_with("A", "date", "\"2024-01-02\"");
    let text = format!("\u{feff}{single}\n");
    check_counts(&load_text(&text, "t.jsonl", InputFormat::Jsonl), 1, 0);
    check_counts(&load_text(&text, "t.json", InputFormat::Json), 1, 0);
    let csv = "\u{feff}id,date,buyer.name,item.hs\nA,2024-01-01,B,845710\n";
    check_counts(&load_text(csv, "t.csv", InputFormat::Csv), 1, 0);
}

#[test]
fn jsonl_syntax_error_names_the_column() {
    let records = load_text("{\"id\": \"A\" \"x\": 1}\n", "t.jsonl", InputFormat::Jsonl);
    insta::assert_snapshot!(render(&records), @r"
    t.jsonl:1 error [?]
      O101 : invalid JSON at column 12: expected `,` or `}`
    ");
}

#[test]
fn input_errors_render_with_code_and_help() {
    let error = ColumnMap::from_toml("[columns]\nVBELN = \"buyer\"\n", "m.toml").unwrap_err();
    let mut out = String::new();
    miette::NarratableReportHandler::new()
        .render_report(&mut out, &error)
        .unwrap();
    insta::assert_snapshot!(out, @r#"
    bad map file `m.toml`: M004: `VBELN` maps to `buyer`, which names a party object, not a value
        Diagnostic severity: error
    Begin snippet for m.toml starting at line 1, column 1

    snippet line 1: [columns]
    snippet line 2: VBELN = "buyer"
        label at line 2, columns 10 to 14: here
    diagnostic help: a map file has a `[columns]` table of `"ERP header" = "order.path"` (or `{ path = ..., date = ... }`), and optional `ignore`, `sheet`, `[defaults]` and `[join]`; docs/orders.md describes each
    diagnostic code: I003
    "#);
}

/// An input checked at the start and read later (`open_pending_deferred`) that is gone by its
/// turn yields one unreadable record saying so, never no records at all.
#[test]
fn a_deferred_input_gone_by_its_turn_is_an_unreadable_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.jsonl");
    std::fs::write(&path, order_with("GONE-1", "buyer", "{\"name\": \"X\"}")).unwrap();
    let path = path.to_str().unwrap();
    let (records, _digest) = order::open_pending_deferred(path, None, None).unwrap();
    std::fs::remove_file(path).unwrap();
    let records: Vec<Record> = records.map(|p| p.parse()).collect();
    check_counts(&records, 0, 1);
    let Record::Error(error) = &records[0] else {
        unreachable!()
    };
    assert_eq!(error.problems[0].code, "O101");
    assert!(
        error.problems[0]
            .message
            .contains("could not be read when its turn came"),
        "{:?}",
        error.problems
    );
    // Present at its turn, the same input reads as any other.
    let again = dir.path().join("again.jsonl");
    std::fs::write(&again, order_with("HERE-1", "buyer", "{\"name\": \"X\"}")).unwrap();
    let (records, digest) =
        order::open_pending_deferred(again.to_str().unwrap(), None, None).unwrap();
    let records: Vec<Record> = records.map(|p| p.parse()).collect();
    check_counts(&records, 1, 0);
    assert!(digest.result().is_some());
}
