//! Helpers shared by the integration tests: running the binary, loading inputs through the
//! public API and rendering records as short, stable text for snapshots.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use redflag::order::{self, ColumnMap, InputFormat, Record, Value};

/// The day the binary takes as today in tests (`REDFLAG_TODAY`), so warnings about the age of
/// the default pack's tables do not change with the calendar.
pub const TODAY: &str = "2026-11-30";

/// The list index cache of the tests' runs: under the target directory, never the user's.
pub fn list_cache() -> &'static str {
    concat!(env!("CARGO_TARGET_TMPDIR"), "/list-cache")
}

/// Runs the binary with `NO_COLOR=1`, `REDFLAG_TODAY` and the tests' [`list_cache`] in `dir`
/// (the crate root by default), feeding `stdin` (else no standard input at all).
pub fn redflag_in(dir: Option<&Path>, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redflag"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env("REDFLAG_TODAY", TODAY)
        .env("REDFLAG_CACHE_DIR", list_cache())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("the redflag binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("a stdin pipe");
        // A run that stops before reading its input (a pack that does not load) closes the
        // pipe: what it wrote and its exit status are what the test asks about.
        if let Err(e) = pipe.write_all(bytes) {
            assert_eq!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe,
                "stdin written: {e}"
            );
        }
    }
    child.wait_with_output().expect("the redflag binary ends")
}

/// Runs the binary in the crate root with no standard input.
pub fn redflag(args: &[&str]) -> Output {
    redflag_in(None, args, None)
}

/// The exit status.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit status")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every record of a fixture file (paths are relative to the crate root,
/// where cargo runs integration tests).
#[track_caller]
pub fn load(path: &str, map: Option<&ColumnMap>) -> Vec<Record> {
    match order::open(path, None, map) {
        Ok(records) => records.collect(),
        Err(error) => panic!("cannot open {path}: {error}"),
    }
}

/// Every record of some text in the given format, named `name`.
#[track_caller]
pub fn load_text(text: &str, name: &str, format: InputFormat) -> Vec<Record> {
    match order::from_text(text, name, format, None) {
        Ok(records) => records.collect(),
        Err(error) => panic!("cannot read {name}: {error}"),
    }
}

/// The map file of the SAP-style sample.
#[track_caller]
pub fn sample_map() -> ColumnMap {
    let path = "fixtures/orders/sample-map.toml";
    match ColumnMap::load(path) {
        Ok(map) => map,
        Err(error) => panic!("cannot load {path}: {error}"),
    }
}

/// One line per record: `file:line order ID` or `file:line error [ID]`
/// followed by one indented line per problem.
pub fn render(records: &[Record]) -> String {
    let mut out = String::new();
    for record in records {
        match record {
            Record::Order(o) => out.push_str(&format!(
                "{}:{} order {}\n",
                o.origin.file, o.origin.line, o.id
            )),
            Record::Error(e) => {
                out.push_str(&format!(
                    "{}:{} error [{}]\n",
                    e.origin.file,
                    e.origin.line,
                    e.order_id.as_deref().unwrap_or("?")
                ));
                for p in &e.problems {
                    let mut at = p.path.clone();
                    if let Some(column) = &p.column {
                        at.push_str(&format!(" (column {column})"));
                    }
                    if let Some(line) = p.line {
                        at.push_str(&format!(" (line {line})"));
                    }
                    out.push_str(&format!("  {} {}: {}\n", p.code, at.trim(), p.message));
                }
            }
        }
    }
    out
}

/// (orders, errors) of a record list.
pub fn counts(records: &[Record]) -> (usize, usize) {
    let orders = records
        .iter()
        .filter(|r| matches!(r, Record::Order(_)))
        .count();
    (orders, records.len() - orders)
}

/// The normalised order with this id.
#[track_caller]
pub fn order<'r>(records: &'r [Record], id: &str) -> &'r order::Order {
    records
        .iter()
        .find_map(|r| match r {
            Record::Order(o) if o.id == id => Some(o),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no loaded order {id} in:\n{}", render(records)))
}

/// The single value a path reaches in an order, rendered as text.
#[track_caller]
pub fn at(order: &order::Order, path: &str) -> String {
    let parsed = match order::Path::parse(path) {
        Ok(parsed) => parsed,
        Err(error) => panic!("bad path {path}: {}", error.message),
    };
    let mut found = Vec::new();
    parsed.resolve(&order.root, "", &mut found);
    match found.as_slice() {
        [(_, Some(value))] => value_text(value),
        [(_, None)] => "<missing>".to_string(),
        other => panic!("{path} reaches {} values in {}", other.len(), order.id),
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Number(n) => format!("number {n}"),
        Value::Date(d) => format!("date {d}"),
        Value::Bool(b) => format!("bool {b}"),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}
