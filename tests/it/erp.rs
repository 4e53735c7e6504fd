//! ERP exports as the ERP writes them: map files with value formats, defaults and joins, and
//! workbooks (`.xlsx`, `.ods`) read through the same map. Every misfit is a located record
//! error naming the column, the value and the format expected; nothing is guessed.

use std::collections::BTreeMap;

use redflag::order::{self, ColumnMap, InputError, InputFormat, Record, SheetChoice, Value};

use crate::support::{code, load, redflag, render, stderr, stdout};

const MAP: &str = "fixtures/orders/erp/erp-map.toml";

fn erp_map() -> ColumnMap {
    match ColumnMap::load(MAP) {
        Ok(map) => map,
        Err(error) => panic!("cannot load {MAP}: {error}"),
    }
}

/// The order's members without its id, to compare orders read from different files.
fn without_id(record: &Record) -> BTreeMap<String, Value> {
    let Record::Order(order) = record else {
        panic!("expected an order, got {record:?}");
    };
    let Value::Map(members) = &order.root else {
        panic!("an order is a map");
    };
    members
        .iter()
        .filter(|(key, _)| *key != "id")
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The value at a dotted path (`items.0.value`).
fn at<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(root, |value, step| match (value, step.parse::<usize>()) {
            (Value::List(members), Ok(i)) => members.get(i),
            _ => value.get(step),
        })
}

#[test]
fn a_german_sap_export_reads_as_the_order_it_holds() {
    let map = erp_map();
    let expected = load("fixtures/orders/erp/export.expected.jsonl", None);
    let records = load("fixtures/orders/erp/export.csv", Some(&map));
    assert_eq!(
        render(&records),
        "fixtures/orders/erp/export.csv:2 order SO-1\n"
    );
    assert_eq!(without_id(&records[0]), without_id(&expected[0]));
}

#[test]
fn workbooks_read_through_the_same_map() {
    let map = erp_map();
    let expected = without_id(&load("fixtures/orders/erp/export.expected.jsonl", None)[0]);
    for book in ["export.xlsx", "export.ods"] {
        let path = format!("fixtures/orders/erp/{book}");
        let records = load(&path, Some(&map));
        // Typed date cells (SO-1) and dates kept as text in the ERP's form (SO-2) read alike.
        assert_eq!(
            render(&records),
            format!("{path}[Orders]:2 order SO-1\n{path}[Orders]:3 order SO-2\n")
        );
        for record in &records {
            assert_eq!(without_id(record), expected, "{path}");
        }
    }
}

#[test]
fn the_sheet_is_chosen_by_name_or_place_and_a_missing_one_stops_the_input() {
    let by_place = erp_map().with_sheet(SheetChoice::parse("2"));
    assert_eq!(
        load("fixtures/orders/erp/export.xlsx", Some(&by_place)).len(),
        2
    );
    // The first sheet is a note, not orders: its lines are no order paths.
    let first = erp_map().with_sheet(SheetChoice::Index(1));
    let Err(error) = order::open("fixtures/orders/erp/export.xlsx", None, Some(&first)) else {
        panic!("the notes sheet has no order columns");
    };
    assert_eq!(error.code_str(), "I002");
    for sheet in ["Invoices", "3"] {
        let out = redflag(&[
            "check",
            "fixtures/orders/erp/export.xlsx",
            "--map",
            MAP,
            "--sheet",
            sheet,
        ]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains("I008"), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("`Notes`, `Orders`"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn without_a_sheet_chosen_only_the_one_sheet_with_data_is_read() {
    let corpus = "fixtures/adversarial/orders";
    let map_of = |case: &str| match ColumnMap::load(&format!("{corpus}/{case}/map.toml")) {
        Ok(map) => map,
        Err(error) => panic!("cannot load the map of {case}: {error}"),
    };
    // Orders on two sheets: refused, naming both, unless one is chosen.
    let two = format!("{corpus}/erp-workbook-orders-on-two-sheets/export.xlsx");
    let map = map_of("erp-workbook-orders-on-two-sheets");
    let Err(error) = order::open(&two, None, Some(&map)) else {
        panic!("orders on two sheets are read from a guess");
    };
    assert_eq!(error.code_str(), "I010");
    assert!(
        error.to_string().contains("`Orders`, `Orders (2)`"),
        "{error}"
    );
    for (sheet, read) in [("1", "Orders"), ("Orders (2)", "Orders (2)")] {
        let chosen = map.clone().with_sheet(SheetChoice::parse(sheet));
        assert_eq!(
            render(&load(&two, Some(&chosen))),
            format!(
                "{two}[{read}]:2 order {}\n",
                if read == "Orders" { "SO-2" } else { "SO-1" }
            )
        );
    }
    // The one sheet holding data is read, wherever it is.
    let case = "erp-workbook-empty-first-sheet";
    let book = format!("{corpus}/{case}/export.xlsx");
    assert_eq!(
        render(&load(&book, Some(&map_of(case)))),
        format!("{book}[Orders]:2 order SO-1\n")
    );
    // A hidden sheet holding data beside the visible one is never read in place of it, nor
    // passed over: without a choice the workbook is refused, and `--sheet` reads the one meant.
    let case = "erp-workbook-hidden-first-sheet";
    let book = format!("{corpus}/{case}/export.xlsx");
    let map_file = format!("{corpus}/{case}/map.toml");
    let out = redflag(&["check", &book, "--map", &map_file]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("`Template`"), "{}", stderr(&out));
    let chosen = map_of(case).with_sheet(SheetChoice::parse("Orders"));
    assert_eq!(
        render(&load(&book, Some(&chosen))),
        format!("{book}[Orders]:2 order SO-1\n")
    );
    // Data only on a hidden sheet is refused without a choice; `--sheet` may name it.
    let case = "erp-workbook-orders-only-on-a-hidden-sheet";
    let hidden = format!("{corpus}/{case}/export.xlsx");
    let map_file = format!("{corpus}/{case}/map.toml");
    let out = redflag(&["check", &hidden, "--map", &map_file]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("I010"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`Orders` (hidden)"),
        "{}",
        stderr(&out)
    );
    let out = redflag(&[
        "check", &hidden, "--map", &map_file, "--sheet", "Orders", "--format", "json",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("export.xlsx[Orders]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_formula_saved_without_its_value_is_a_problem_of_its_record() {
    let case = "fixtures/adversarial/orders/erp-workbook-formula-without-value";
    let map = match ColumnMap::load(&format!("{case}/map.toml")) {
        Ok(map) => map,
        Err(error) => panic!("cannot load the map: {error}"),
    };
    let records = load(&format!("{case}/export.xlsx"), Some(&map));
    let Record::Error(error) = &records[0] else {
        panic!("`=\"ca\"&\"sh\"` without a value is read as absent: {records:?}");
    };
    assert_eq!(error.problems.len(), 1, "{:?}", error.problems);
    let problem = &error.problems[0];
    assert_eq!(problem.code, "O114");
    assert_eq!(problem.column.as_deref(), Some("ZLSCH_TXT"));
    assert!(
        problem
            .message
            .contains("the cell V2 holds the formula `\"ca\"&\"sh\"`"),
        "{}",
        problem.message
    );
    // The same formula saved with its value is that value.
    let Record::Order(order) = &records[1] else {
        panic!("a formula with its value is read as the value: {records:?}");
    };
    assert_eq!(
        at(&order.root, "payment.method"),
        Some(&Value::Text("wire".into()))
    );
}

#[test]
fn a_workbook_cites_file_sheet_and_row_in_every_report() {
    let out = redflag(&[
        "check",
        "fixtures/orders/erp/export.ods",
        "--map",
        MAP,
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("fixtures/orders/erp/export.ods[Orders]"));
}

#[test]
fn a_file_that_is_no_workbook_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.xlsx");
    std::fs::write(&path, "VBELN,AUDAT\n1,2025-01-01\n").unwrap();
    let Err(error) = order::open(path.to_str().unwrap(), None, None) else {
        panic!("CSV text named .xlsx is no workbook");
    };
    assert_eq!(error.code_str(), "I009");
}

/// Reads one CSV text through a map given as TOML and renders the records.
fn through(map: &str, csv: &str) -> String {
    let map = ColumnMap::from_toml(map, "m.toml").unwrap_or_else(|e| panic!("{e}"));
    let records: Vec<Record> = order::from_text(csv, "e.csv", InputFormat::Csv, Some(&map))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    render(&records)
}

const HEAD: &str = "VBELN,AUDAT,KUNNR_NAME,LAND1,STAWN,NETWR,WAERK\n";

/// A map of `HEAD`'s columns, plain renamings except the entries given (and any tables after).
fn map_with(columns: &str) -> String {
    let plain = [
        ("VBELN", "id"),
        ("AUDAT", "date"),
        ("KUNNR_NAME", "buyer.name"),
        ("LAND1", "buyer.country"),
        ("STAWN", "item.hs"),
        ("NETWR", "item.value"),
        ("WAERK", "item.currency"),
    ];
    let mut out = String::from("[columns]\n");
    for (header, target) in plain {
        if !columns.contains(&format!("{header} =")) {
            out.push_str(&format!("{header} = \"{target}\"\n"));
        }
    }
    out.push_str(columns);
    out.push('\n');
    out
}

#[test]
fn every_value_that_misses_its_format_is_a_located_error() {
    let map = map_with(
        r#"AUDAT = { path = "date", date = "%d/%m/%Y" }
LAND1 = { path = "buyer.country", country = "name" }
NETWR = { path = "item.value", decimal = ".", thousands = "," }
WAERK = { path = "item.currency", currency = "symbol" }"#,
    );
    let rows = [
        "A,05/02/2025,B,Russian Federation,847130,\"1,050,000.00\",US$",
        "C,2025-02-05,B,China,847130,100.00,EUR",
        "D,05/02/2025,B,Korea,847130,100.00,EUR",
        "E,05/02/2025,B,Freedonia,847130,100.00,EUR",
        "F,05/02/2025,B,CN,847130,\"64.200,00\",EUR",
        "G,05/02/2025,B,CN,847130,10.500,EUR",
        "H,05/02/2025,B,CN,847130,100.00,$",
        "I,05/02/2025,B,CN,847130,100.00,£",
        "J,05/02/2025,B,CN,847130,100.00,¥",
    ];
    let text = format!("{HEAD}{}\n", rows.join("\n"));
    insta::assert_snapshot!(through(&map, &text), @r"
    e.csv:2 order A
    e.csv:3 error [C]
      O109 date (column AUDAT): `2025-02-05` is not a date `%d/%m/%Y`: input contains invalid characters
    e.csv:4 error [D]
      O105 buyer.country (column LAND1): `Korea` is not a country name or ISO code: the name stands for KP or KR; write the ISO code, or settle the name in the map's `names`
    e.csv:5 error [E]
      O105 buyer.country (column LAND1): `Freedonia` is not a country name or ISO code: no country has that name or code
    e.csv:6 error [F]
      O108 items[*].value (column NETWR): `64.200,00` is not a number like `1,234,567.89`: after the decimal separator `.` come `200,00`, not digits only
    e.csv:7 error [G]
      O108 items[*].value (column NETWR): `10.500` is not a number like `1,234,567.89`: three decimals after `10` read like a thousands group of the other convention; write it with fewer or more decimals, or with a thousands separator
    e.csv:8 error [H]
      O106 items[*].currency (column WAERK): `$` is not an ISO currency code or symbol: `$` stands for USD, CAD, AUD, NZD among others; choose one in the map's `symbols`
    e.csv:9 error [I]
      O106 items[*].currency (column WAERK): `£` is not an ISO currency code or symbol: `£` stands for GBP, EGP, LBP, SYP among others; choose one in the map's `symbols`
    e.csv:10 error [J]
      O106 items[*].currency (column WAERK): `¥` is not an ISO currency code or symbol: `¥` stands for JPY, CNY among others; choose one in the map's `symbols`
    ");
    // The values that fit are read as the record holds them.
    let Record::Order(a) = &order::from_text(
        &format!("{HEAD}{}\n", rows[0]),
        "e.csv",
        InputFormat::Csv,
        Some(&ColumnMap::from_toml(&map, "m.toml").unwrap()),
    )
    .unwrap()
    .collect::<Vec<_>>()[0] else {
        panic!("A reads");
    };
    let get = |path: &str| format!("{:?}", at(&a.root, path));
    assert_eq!(get("date"), "Some(Date(2025-02-05))");
    assert_eq!(get("buyer.country"), "Some(Text(\"RU\"))");
    assert_eq!(get("items.0.value"), "Some(Number(1050000.00))");
    assert_eq!(get("items.0.currency"), "Some(Text(\"USD\"))");
}

#[test]
fn an_ambiguous_date_without_a_declared_format_is_not_guessed() {
    let map = map_with("AUDAT = \"date\"");
    let text = format!("{HEAD}A,05/02/2025,B,CN,847130,100.00,EUR\n");
    insta::assert_snapshot!(through(&map, &text), @r"
    e.csv:2 error [A]
      O109 date (column AUDAT): `05/02/2025` is not a date in the form YYYY-MM-DD
    ");
}

#[test]
fn a_symbol_the_map_settles_is_read_as_chosen() {
    let map = map_with(
        r#"WAERK = { path = "item.currency", currency = "symbol", symbols = { "$" = "CAD" } }"#,
    );
    let text = format!("{HEAD}A,2025-02-05,B,CN,847130,100.00,$\n");
    let map = ColumnMap::from_toml(&map, "m.toml").unwrap();
    let records: Vec<Record> = order::from_text(&text, "e.csv", InputFormat::Csv, Some(&map))
        .unwrap()
        .collect();
    let Record::Order(order) = &records[0] else {
        panic!("{}", render(&records));
    };
    assert_eq!(
        format!("{:?}", at(&order.root, "items.0.currency")),
        "Some(Text(\"CAD\"))"
    );
}

#[test]
fn country_names_of_the_exporters_own_are_settled_in_the_map() {
    let map = map_with(
        r#"LAND1 = { path = "buyer.country", country = "name", names = { "Holland" = "NL", "Korea" = "KR" } }"#,
    );
    let map = ColumnMap::from_toml(&map, "m.toml").unwrap();
    let text = format!(
        "{HEAD}A,2025-02-05,B,holland,847130,100.00,EUR\nB,2025-02-05,B,Korea,847130,100.00,EUR\nC,2025-02-05,B,UK,847130,100.00,EUR\nD,2025-02-05,B,Congo,847130,100.00,EUR\n"
    );
    let records: Vec<Record> = order::from_text(&text, "e.csv", InputFormat::Csv, Some(&map))
        .unwrap()
        .collect();
    let country = |i: usize| match &records[i] {
        Record::Order(o) => format!("{:?}", at(&o.root, "buyer.country")),
        Record::Error(e) => format!("{:?}", e.problems[0].code),
    };
    assert_eq!(country(0), "Some(Text(\"NL\"))");
    assert_eq!(country(1), "Some(Text(\"KR\"))");
    assert_eq!(country(2), "Some(Text(\"GB\"))");
    assert_eq!(country(3), "\"O105\"");
    assert_eq!(
        map_problems("[columns]\nL = { path = \"buyer.country\", country = \"name\", names = { \"Korea\" = \"Korea\" } }\nM = { path = \"end_user.country\", names = {} }\n"),
        "M003 `Korea`: `Korea` is named as `KOREA`, which is not an ISO 3166-1 alpha-2 code\nM003 `names`: `M` has `names` but no `country = \"name\"`\n"
    );
}

#[test]
fn excel_serial_dates_in_a_text_export() {
    let map = map_with(r#"AUDAT = { path = "date", date = "excel-serial" }"#);
    let text = format!(
        "{HEAD}A,45693,B,CN,847130,100.00,EUR\nB,45693.75,B,CN,847130,100.00,EUR\nC,59,B,CN,847130,100.00,EUR\n"
    );
    insta::assert_snapshot!(through(&map, &text), @r"
    e.csv:2 order A
    e.csv:3 order B
    e.csv:4 error [C]
      O109 date (column AUDAT): `59` is not an Excel serial date number: not a whole day number from 61 on
    ");
}

#[test]
fn defaults_fill_absent_columns_only_and_joins_keep_their_order() {
    let map = map_with(
        r#"[defaults]
"buyer.country" = "DE"
"seller.country" = "DE"
"item.origin" = "DE"
[join."buyer.address"]
columns = ["STRAS", "ORT"]
separator = ", ""#,
    );
    let head = "VBELN,AUDAT,KUNNR_NAME,LAND1,STAWN,NETWR,WAERK,STRAS,ORT\n";
    let text = format!(
        "{head}A,2025-02-05,B,CN,847130,100.00,EUR,Hafenstraße 12,Bremen\nB,2025-02-05,B,,847130,100.00,EUR,,Bremen\n"
    );
    let map = ColumnMap::from_toml(&map, "m.toml").unwrap();
    let records: Vec<Record> = order::from_text(&text, "e.csv", InputFormat::Csv, Some(&map))
        .unwrap()
        .collect();
    assert_eq!(render(&records), "e.csv:2 order A\ne.csv:3 order B\n");
    // B's buyer country is empty: the column is there, so no default hides the gap (the rules
    // that read it are undecided, never clear).
    let Record::Order(b) = &records[1] else {
        panic!("B reads");
    };
    assert_eq!(at(&b.root, "buyer.country"), None);
    assert_eq!(
        format!("{:?}", at(&b.root, "buyer.address")),
        "Some(Text(\"Bremen\"))"
    );
    let Record::Order(a) = &records[0] else {
        panic!("A reads");
    };
    let get = |path: &str| format!("{:?}", at(&a.root, path));
    assert_eq!(get("buyer.country"), "Some(Text(\"CN\"))");
    assert_eq!(get("seller.country"), "Some(Text(\"DE\"))");
    assert_eq!(get("items.0.origin"), "Some(Text(\"DE\"))");
    assert_eq!(
        get("buyer.address"),
        "Some(Text(\"Hafenstraße 12, Bremen\"))"
    );
}

#[test]
fn a_joined_column_missing_from_the_export_stops_the_input() {
    let map = map_with("[join.\"buyer.address\"]\ncolumns = [\"STRAS\", \"ORT\"]");
    let map = ColumnMap::from_toml(&map, "m.toml").unwrap();
    let text = "VBELN,KUNNR_NAME,STAWN,STRAS\nA,B,847130,Hafenstraße 12\n";
    let Err(error) = order::from_text(text, "e.csv", InputFormat::Csv, Some(&map)) else {
        panic!("a join that cannot read all its columns would cut the address short");
    };
    assert_eq!(error.code_str(), "I007");
    assert!(matches!(error, InputError::MissingColumns { .. }));
    assert_eq!(
        error.to_string(),
        "`e.csv` lacks column(s) the map joins: `ORT` (buyer.address)"
    );
}

/// Every problem of a map file, as `code spanned-text: message`.
fn map_problems(text: &str) -> String {
    match ColumnMap::from_toml(text, "m.toml") {
        Ok(_) => "no problem".into(),
        Err(InputError::BadMap { problems, .. }) => problems
            .iter()
            .map(|p| {
                format!(
                    "{} `{}`: {}\n",
                    p.code(),
                    p.spanned_text().unwrap_or("-"),
                    p.message()
                )
            })
            .collect(),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn a_map_file_reports_every_problem_at_once_each_with_its_code_and_place() {
    let text = r#"sheets = "x"
sheet = 0
[columns]
VBELN = "id"
AUDAT = { path = "date", date = "%d/%m/%y" }
LFDAT = { path = "ship_date", date = "%d/%m" }
NETWR = { path = "item.value", decimal = ".", thousands = "." }
KWMENG = { path = "item.quantity", thousands = "." }
LAND1 = { path = "buyer.country", date = "%d.%m.%Y" }
LAND2 = { path = "end_user.country", country = "names" }
WAERK = { path = "item.currency", currency = "symbol", symbols = { "$" = "EUR", "€" = "USD", "£" = "XXY" } }
HERKL = { path = "item.origin", country = "name", decimal = "," }
MATNR = { path = "item.sku", format = "x" }
[defaults]
"buyer.country" = "Germany"
id = "X"
"payment.amount" = 1.5
[join."item.value"]
columns = ["A", "B"]
[join."buyer.address"]
columns = ["STRAS"]
"#;
    insta::assert_snapshot!(map_problems(text), @r#"
    M002 `sheets`: unknown key `sheets` in a map file (did you mean `sheet`?)
    M014 `sheet`: `sheet` must be a sheet's name or its place (1 for the first sheet)
    M008 `%d/%m/%y`: `AUDAT`: `%d/%m/%y` has a two-digit year (`%y`), which would be a guess at the century; use `%Y`
    M008 `%d/%m`: `LFDAT`: `%d/%m` does not name the day, the month and the four-digit year (`%d`, `%m` or `%b`, `%Y`)
    M009 `NETWR`: `NETWR`: the decimal and thousands separators are both `.`, so `1.000` could be read either way
    M009 `thousands`: `KWMENG` has a thousands separator but no `decimal`
    M010 `date`: `LAND1` fills `buyer.country`, a country code, which a `date` format does not fit
    M003 `country`: `country` of `LAND2` must be `"name"`
    M011 `$`: `$` does not stand for EUR (it stands for one of USD, CAD, AUD, NZD, HKD, SGD, MXN, ARS, CLP, COP, CUP)
    M011 `€`: `€` always stands for EUR, not USD
    M011 `£`: `£` is mapped to `XXY`, which is not an ISO 4217 currency code
    M010 `HERKL`: `HERKL` has several value formats (`decimal`, `country`); a column has one
    M002 `format`: unknown key `format` in a column entry
    M012 `buyer.country`: the default `Germany` of `buyer.country` is not a country code as records hold it
    M012 `id`: `id` cannot have a default: every order would share it
    M012 `payment.amount`: the default of `payment.amount` must be a string, a whole number or a boolean (decimals as strings)
    M013 `item.value`: `item.value` is not a text field, so columns cannot be joined into it
    M013 `buyer.address`: the join into `buyer.address` needs `columns`, a list of two or more headers
    "#);
    // The CLI shows each with its code, then one closing I003 line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(&path, text).unwrap();
    let out = redflag(&[
        "check",
        "fixtures/orders/erp/export.csv",
        "--map",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    for code in [
        "M002", "M008", "M009", "M010", "M011", "M012", "M013", "M014",
    ] {
        assert!(err.contains(code), "{code} in {err}");
    }
    assert!(err.contains("has 18 problem(s); nothing was read"), "{err}");
    assert!(stdout(&out).is_empty());
}

/// The codes `source_file` writes as string literals: `prefix` and three digits.
fn codes_written_in(source_file: &str, prefix: char) -> Vec<String> {
    let source = std::fs::read_to_string(source_file).unwrap();
    source
        .split('"')
        .filter(|s| {
            s.len() == 4 && s.starts_with(prefix) && s[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

/// Asserts each code has its row in the table of docs/orders.md.
fn assert_documented_in_orders_md<'a>(codes: impl IntoIterator<Item = &'a str>) {
    let docs = std::fs::read_to_string("docs/orders.md").unwrap();
    for code in codes {
        assert!(
            docs.contains(&format!("| `{code}` |")),
            "{code} is not in docs/orders.md"
        );
    }
}

/// Every record problem code the normaliser can give has its row in the table of
/// docs/orders.md, so a new one (`O121`) is not left for users to guess at.
#[test]
fn record_problem_codes_are_documented() {
    let codes = codes_written_in("src/order/normalize.rs", 'O');
    assert!(
        codes.iter().any(|c| c == "O101") && codes.iter().any(|c| c == "O121"),
        "{codes:?}"
    );
    assert_documented_in_orders_md(codes.iter().map(String::as_str));
}

#[test]
fn map_codes_are_documented_with_the_other_input_codes() {
    let codes = codes_written_in("src/order/map/mod.rs", 'M');
    assert_eq!(codes.len(), 16, "{codes:?}");
    assert_documented_in_orders_md(
        codes
            .iter()
            .map(String::as_str)
            .chain(["I007", "I008", "I009", "I010", "I011", "I012"]),
    );
}

/// `cents` written with grouped thousands and the given separators (`1.050.000,25`).
fn grouped(cents: i64, decimal: char, thousands: char) -> String {
    let digits = (cents.unsigned_abs() / 100).to_string();
    let mut whole = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            whole.push(thousands);
        }
        whole.push(d);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{whole}{decimal}{:02}", cents.unsigned_abs() % 100)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any amount written in either convention reads back as the same decimal.
    #[test]
    fn grouped_amounts_read_back_exactly(cents in -10_000_000_000_000i64..10_000_000_000_000i64, german: bool) {
        let (decimal, thousands) = if german { (',', '.') } else { ('.', ',') };
        let map = map_with(&format!(
            "NETWR = {{ path = \"item.value\", decimal = \"{decimal}\", thousands = \"{thousands}\" }}"
        ));
        let map = ColumnMap::from_toml(&map, "m.toml").unwrap();
        let cell = grouped(cents, decimal, thousands);
        let text = format!("{HEAD}A,2025-02-05,B,CN,847130,\"{cell}\",EUR\n");
        let records: Vec<Record> = order::from_text(&text, "e.csv", InputFormat::Csv, Some(&map))
            .unwrap()
            .collect();
        let Record::Order(order) = &records[0] else {
            panic!("{cell}: {}", render(&records));
        };
        let expected = rust_decimal::Decimal::new(cents, 2);
        proptest::prop_assert_eq!(at(&order.root, "items.0.value"), Some(&Value::Number(expected)));
    }
}
