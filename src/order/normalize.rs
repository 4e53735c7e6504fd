//! Normalisation of one raw order record (a `serde_json::Value`) into the
//! [`Value`] tree the engine reads, driven by the field table in `schema.rs`.
//!
//! Every loader ends here: JSON and JSON Lines hand over what serde_json
//! parsed, CSV hands over a tree of cell strings. This module owns the value
//! rules (country and currency codes, HS codes, lists; decimal amounts, dates and
//! booleans are read by `scalars`), the problem codes `O101`–`O121` and their
//! wording; the duplicate-id bookkeeping shared by the loaders is `seen_ids`. It collects every
//! problem of a record rather than stopping at the first, so a user fixes a
//! bad export in one pass.

use compact_str::CompactString;
use serde_json::Value as Json;

pub use super::iso_lookup::{country, currency, hs_code};
use super::iso_lookup::{country_code, currency_code, hs_digits, hs_heading_problem};
use super::limits::MAX_LIST_MEMBERS;
use super::misdecoded::misdecoded;
use super::scalars::{boolean, date, decimal_text, number_decimal, DecimalError};
use super::{FieldProblem, Fields, Order, Origin, Record, RecordError, Shape, Value};

mod unknown_members;
use unknown_members::{misnamed, unknown_member, unknown_order_members};

/// Stable problem codes of records, documented in `docs/orders.md`.
pub mod codes {
    /// Not valid JSON, or the record could not be read at all.
    pub const UNREADABLE: &str = "O101";
    /// The record is valid JSON but not an object.
    pub const NOT_OBJECT: &str = "O102";
    /// A required field is missing.
    pub const MISSING: &str = "O103";
    /// A value has the wrong type for its field.
    pub const WRONG_TYPE: &str = "O104";
    /// Not an ISO 3166-1 country code.
    pub const COUNTRY: &str = "O105";
    /// Not an ISO 4217 currency code.
    pub const CURRENCY: &str = "O106";
    /// Not an HS code of 6, 8, 9 or 10 digits, or one whose heading cannot exist.
    pub const HS: &str = "O107";
    /// Not a decimal amount or number.
    pub const NUMBER: &str = "O108";
    /// Not a date.
    pub const DATE: &str = "O109";
    /// Not a boolean.
    pub const BOOL: &str = "O110";
    /// The order id already appeared in the same input.
    pub const DUPLICATE_ID: &str = "O111";
    /// CSV rows of one order disagree on an order-level value.
    pub const ROWS_DISAGREE: &str = "O112";
    /// CSV rows of one order are not contiguous.
    pub const NOT_CONTIGUOUS: &str = "O113";
    /// A CSV cell or row could not be read.
    pub const CSV_CELL: &str = "O114";
    /// A key appears more than once in one JSON object.
    pub const DUPLICATE_KEY: &str = "O115";
    /// The record is over a reader limit (line size, list members, CSV rows per order).
    pub const LIMIT: &str = "O116";
    /// A text holds a control character that can hide or reorder what a reviewer sees, or
    /// U+FFFD, a character lost in a conversion of encodings.
    pub const CONTROL: &str = "O117";
    /// The order holds a party under a name the order format does not know.
    pub const UNKNOWN_PARTY: &str = "O118";
    /// A member is named as a field of the format, written otherwise (`Country`, `cоuntry`).
    pub const MISNAMED: &str = "O119";
    /// A member the order format does not know, outside `attributes`: no rule would read it.
    pub const UNKNOWN_MEMBER: &str = "O120";
    /// A text reads as text decoded in another encoding than it was written in (mojibake).
    pub const MISDECODED: &str = "O121";
}

/// Normalises one raw record into its id and a [`Value::Map`], or returns
/// every problem found in it.
///
/// The id is a string (trimmed) or a number turned into its text. A member of a known object
/// that the format does not know is a problem (`O118`, `O119`, `O120`); `null` is kept as
/// [`Value::Null`], which the engine treats as absent.
pub fn normalize_order(raw: &Json) -> Result<(String, Value), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let Json::Object(_) = raw else {
        problems.push(problem(
            codes::NOT_OBJECT,
            "",
            format!("the record is {}, not an object", json_kind(raw)),
        ));
        return Err(problems);
    };
    let id = read_id(raw, &mut problems);
    let root = normalize_value(Shape::Order, raw, "", &mut problems);
    match (id, root) {
        (Some(id), Some(root)) if problems.is_empty() => Ok((id, root)),
        _ => Err(problems),
    }
}

/// The order id of a raw record, when it has a usable one (a non-empty
/// string or a number); used to name the order in error records.
pub fn order_id(raw: &Json) -> Option<String> {
    read_id(raw, &mut Vec::new())
}

fn read_id(raw: &Json, problems: &mut Vec<FieldProblem>) -> Option<String> {
    id_value(raw.get("id"), problems)
}

/// The order id a record's `id` member stands for, when it is usable.
pub(crate) fn id_text(id: Option<&Json>) -> Option<String> {
    id_value(id, &mut Vec::new())
}

fn id_value(id: Option<&Json>, problems: &mut Vec<FieldProblem>) -> Option<String> {
    match id {
        None | Some(Json::Null) => {
            problems.push(missing("id"));
            None
        }
        Some(Json::String(text)) if text.trim().is_empty() => {
            problems.push(missing("id"));
            None
        }
        Some(Json::String(text)) => Some(text.trim().to_string()),
        Some(Json::Number(number)) => Some(number.to_string()),
        // The type problem itself is reported by the schema walk.
        Some(_) => None,
    }
}

fn problem(code: &'static str, path: &str, message: String) -> FieldProblem {
    FieldProblem {
        code,
        path: path.to_string(),
        column: None,
        line: None,
        message,
    }
}

fn missing(path: &str) -> FieldProblem {
    problem(
        codes::MISSING,
        path,
        format!("required field `{path}` is missing"),
    )
}

/// `a` or `an` before a word, for messages like "expected an HS code".
fn with_article(word: &str) -> String {
    let vowel = word.chars().next().is_some_and(|c| "aeioAEIOH".contains(c));
    if vowel {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

fn json_kind(raw: &Json) -> &'static str {
    match raw {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn wrong_type(shape: Shape, raw: &Json, path: &str) -> FieldProblem {
    wrong_kind(shape, json_kind(raw), path)
}

fn wrong_kind(shape: Shape, kind: &str, path: &str) -> FieldProblem {
    problem(
        codes::WRONG_TYPE,
        path,
        format!("expected {}, found {kind}", with_article(&shape.name())),
    )
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// Shortens a user value for quoting in a message, so one bad cell cannot
/// flood the report.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// A JSON value that is neither null nor a list or object. Both JSON readers hand their
/// scalars to [`normalize_leaf`]: a record read straight from its text (`order::direct`) and
/// one read through a `serde_json::Value` follow the same value rules.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Leaf<'a> {
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json writes it back (its text, with `arbitrary_precision`).
    Number(&'a str),
    /// A string, unescaped.
    Text(&'a str),
}

impl<'a> Leaf<'a> {
    fn kind(self) -> &'static str {
        match self {
            Leaf::Bool(_) => "a boolean",
            Leaf::Number(_) => "a number",
            Leaf::Text(_) => "text",
        }
    }

    /// The text of a scalar that may stand for a code: strings trimmed, numbers as written
    /// (some exports write HS codes and dates as numbers).
    fn code_text(self) -> Option<&'a str> {
        match self {
            Leaf::Text(text) => Some(text.trim()),
            Leaf::Number(text) => Some(text),
            Leaf::Bool(_) => None,
        }
    }
}

/// Walks `raw` with `shape`; pushes problems and returns `None` for a value
/// that could not be normalised (the caller then drops the member).
fn normalize_value(
    shape: Shape,
    raw: &Json,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Value> {
    let number;
    let leaf = match raw {
        Json::Null => return Some(Value::Null),
        Json::Bool(b) => Leaf::Bool(*b),
        Json::Number(n) => {
            number = n.to_string();
            Leaf::Number(&number)
        }
        Json::String(text) => Leaf::Text(text),
        Json::Array(_) | Json::Object(_) => return normalize_composite(shape, raw, path, problems),
    };
    normalize_leaf(shape, leaf, path, problems)
}

/// [`normalize_value`] for a scalar that is not null.
pub(crate) fn normalize_leaf(
    shape: Shape,
    leaf: Leaf<'_>,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Value> {
    // An empty string in a coded or numeric field is an empty export cell:
    // absent, not an error (text fields keep their empty string).
    if let Leaf::Text(text) = leaf {
        if !matches!(shape, Shape::Text | Shape::Any) && text.trim().is_empty() {
            return Some(Value::Null);
        }
    }
    match shape {
        Shape::Text => match leaf {
            Leaf::Text(text) => match unreadable_text(text, path) {
                Some(problem) => fail(problems, problem),
                None => Some(Value::Text(text.trim().into())),
            },
            Leaf::Number(number) => Some(Value::Text(number.into())),
            Leaf::Bool(_) => fail(problems, wrong_kind(shape, leaf.kind(), path)),
        },
        Shape::Country => with_code(shape, leaf, path, problems, |text| {
            country_code(text).map(static_text).ok_or_else(|| {
                (
                    codes::COUNTRY,
                    format!("`{}` is not an ISO 3166-1 country code", quote(text)),
                )
            })
        }),
        Shape::Currency => with_code(shape, leaf, path, problems, |text| {
            currency_code(text).map(static_text).ok_or_else(|| {
                (
                    codes::CURRENCY,
                    format!("`{}` is not an ISO 4217 currency code", quote(text)),
                )
            })
        }),
        Shape::Hs => with_code(shape, leaf, path, problems, |text| {
            let digits = hs_digits(text).ok_or_else(|| {
                (
                    codes::HS,
                    format!(
                        "`{}` is not an HS code of 6, 8, 9 or 10 digits",
                        quote(text)
                    ),
                )
            })?;
            match hs_heading_problem(&digits) {
                Some(why) => Err((
                    codes::HS,
                    format!("`{}` is not an HS code: {why}", quote(text)),
                )),
                None => Ok(Value::Text(digits)),
            }
        }),
        Shape::Number | Shape::Money => {
            let what = if shape == Shape::Money {
                "a decimal amount"
            } else {
                "a decimal number"
            };
            match leaf {
                Leaf::Number(number) => match number_decimal(number) {
                    Some(decimal) => Some(Value::Number(decimal)),
                    None => fail(
                        problems,
                        problem(
                            codes::NUMBER,
                            path,
                            format!("`{number}` is out of the supported decimal range"),
                        ),
                    ),
                },
                Leaf::Text(text) => match decimal_text(text.trim()) {
                    Ok(decimal) => Some(Value::Number(decimal)),
                    Err(DecimalError::Syntax) => fail(
                        problems,
                        problem(
                            codes::NUMBER,
                            path,
                            format!("`{}` is not {what}", quote(text.trim())),
                        ),
                    ),
                    Err(DecimalError::Range) => fail(
                        problems,
                        problem(
                            codes::NUMBER,
                            path,
                            format!(
                                "`{}` is out of the supported decimal range",
                                quote(text.trim())
                            ),
                        ),
                    ),
                },
                Leaf::Bool(_) => fail(problems, wrong_kind(shape, leaf.kind(), path)),
            }
        }
        Shape::Date => with_code(shape, leaf, path, problems, |text| {
            date(text)
                .map(Value::Date)
                .map_err(|message| (codes::DATE, message))
        }),
        Shape::Bool => match leaf {
            Leaf::Bool(b) => Some(Value::Bool(b)),
            Leaf::Text(_) | Leaf::Number(_) => {
                let text = leaf.code_text().unwrap_or_default();
                match boolean(text) {
                    Some(b) => Some(Value::Bool(b)),
                    None => fail(
                        problems,
                        problem(
                            codes::BOOL,
                            path,
                            format!(
                                "`{}` is not a boolean (true/false, yes/no, 1/0 or X)",
                                quote(text)
                            ),
                        ),
                    ),
                }
            }
        },
        Shape::ListOf(inner) => match leaf {
            // A list of codes or words in one cell: `KP; IR; SY` (CSV cells,
            // and JSON exports that flatten short lists the same way).
            Leaf::Text(text) if !inner.is_object() => {
                let parts: Vec<&str> = text
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                if parts.len() > MAX_LIST_MEMBERS {
                    return fail(problems, too_many_members(path, parts.len()));
                }
                let out = parts
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, part)| {
                        normalize_leaf(*inner, Leaf::Text(part), &format!("{path}[{i}]"), problems)
                    })
                    .collect();
                Some(Value::List(out))
            }
            _ => fail(problems, wrong_kind(shape, leaf.kind(), path)),
        },
        Shape::Any => {
            if let Leaf::Text(text) = leaf {
                problems.extend(unreadable_text(text, path));
            }
            Some(generic_leaf(leaf))
        }
        Shape::Attributes
        | Shape::Order
        | Shape::Party
        | Shape::Stop
        | Shape::Item
        | Shape::Restriction
        | Shape::PartyId
        | Shape::Payment
        | Shape::EndUse => fail(problems, wrong_kind(shape, leaf.kind(), path)),
    }
}

/// [`normalize_value`] for a list or an object.
fn normalize_composite(
    shape: Shape,
    raw: &Json,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Value> {
    match (shape, raw) {
        (Shape::ListOf(inner), Json::Array(members)) => {
            if members.len() > MAX_LIST_MEMBERS {
                return fail(problems, too_many_members(path, members.len()));
            }
            // Bad members are reported and left out; the list itself
            // stays, so the parent is not also reported as missing.
            let out = members
                .iter()
                .enumerate()
                .filter_map(|(i, member)| {
                    list_member(*inner, member, &format!("{path}[{i}]"), problems)
                })
                .collect();
            Some(Value::List(out))
        }
        (Shape::Attributes, Json::Object(members)) => {
            check_controls(raw, path, problems);
            Some(Value::Map(
                members
                    .iter()
                    .map(|(key, member)| (key.clone(), generic(member)))
                    .collect(),
            ))
        }
        (Shape::Any, _) => {
            check_controls(raw, path, problems);
            Some(generic(raw))
        }
        (
            Shape::Order
            | Shape::Party
            | Shape::Stop
            | Shape::Item
            | Shape::Restriction
            | Shape::PartyId
            | Shape::Payment
            | Shape::EndUse,
            Json::Object(members),
        ) => {
            // Bad members are reported and left out; the object stays.
            let mut out = Vec::with_capacity(members.len());
            for (key, member) in members {
                let value = match (shape.field(key), shape.misnamed_field(key)) {
                    (Some(field_shape), _) => {
                        normalize_value(field_shape, member, &join(path, key), problems)
                    }
                    // Surely meant as a field, it would ride along unread.
                    (None, Some(field)) => {
                        problems.push(misnamed(shape, key, field, &join(path, key)));
                        None
                    }
                    // No rule reads it, so what it says would be dropped without a word:
                    // `"destination": "KP"`, a `no_reexport` ban under `restriction`, cash
                    // under `payment.type`. The order's own are judged in `required_members`,
                    // which tells a party (`O118`) from the rest.
                    (None, None) => {
                        check_controls(member, &join(path, key), problems);
                        if shape != Shape::Order {
                            problems.push(unknown_member(shape, key, &join(path, key)));
                        }
                        Some(generic(member))
                    }
                };
                if let Some(value) = value {
                    out.push((key.clone(), value));
                }
            }
            // Sorted once, not member by member: unknown members are unbounded.
            let out: Fields = out.into_iter().collect();
            required_members(shape, &out, problems);
            Some(Value::Map(out))
        }
        _ => fail(problems, wrong_type(shape, raw, path)),
    }
}

/// Checks the members an object shape cannot do without.
pub(crate) fn required_members(shape: Shape, out: &Fields, problems: &mut Vec<FieldProblem>) {
    let present = |key: &str| out.get(key).is_some_and(|v| !matches!(v, Value::Null));
    // A field whose value was rejected is reported once, not also as missing.
    let rejected =
        |key: &str, problems: &[FieldProblem]| problems.iter().any(|p| covers(key, &p.path));
    if shape == Shape::Order {
        // `id` is checked by `read_id`, which also reads it.
        for key in ["date", "buyer", "items"] {
            if !present(key) && !rejected(key, problems) {
                problems.push(missing(key));
            }
        }
        if let Some(Value::List(items)) = out.get("items") {
            if items.is_empty() && !rejected("items", problems) {
                problems.push(problem(
                    codes::MISSING,
                    "items",
                    "the order has no items".into(),
                ));
            }
        }
        if let Some(buyer @ Value::Map(_)) = out.get("buyer") {
            if buyer.get("name").is_none() && !rejected("buyer.name", problems) {
                problems.push(missing("buyer.name"));
            }
        }
        unknown_order_members(out, problems);
    }
}

/// True when `path` is `field` or lies inside it (`items` covers `items[0].hs`).
pub(crate) fn covers(field: &str, path: &str) -> bool {
    path == field
        || path
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(['.', '[']))
}

/// One member of a list: a member that is null (or an empty text where a code belongs)
/// says nothing, and a list of parties or items with a hole in it is not an order anyone can
/// judge, so it is a problem rather than a silent absence.
fn list_member(
    shape: Shape,
    member: &Json,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Value> {
    let value = normalize_value(shape, member, path, problems)?;
    if matches!(value, Value::Null) {
        let what = if member.is_null() { "null" } else { "empty" };
        return fail(
            problems,
            problem(
                codes::WRONG_TYPE,
                path,
                format!(
                    "the list member is {what}, not {}",
                    with_article(&shape.name())
                ),
            ),
        );
    }
    Some(value)
}

fn too_many_members(path: &str, count: usize) -> FieldProblem {
    problem(
        codes::LIMIT,
        path,
        format!("the list has {count} members, over the limit of {MAX_LIST_MEMBERS}"),
    )
}

/// The first character of `text` that can hide or reorder what a reviewer sees: a control
/// character other than tab and line breaks (NUL cuts the text short in many tools), or a
/// bidirectional embedding, override or isolate (which shows text in another order than it
/// is stored).
pub(crate) fn hidden_control(text: &str) -> Option<char> {
    // Nearly every text of an order is printable ASCII, which holds none: told by its bytes
    // before any character is decoded (this was asked of every text leaf of every order).
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    text.chars().find(|&c| is_hidden_control(c))
}

/// A control character other than tab and line breaks, a bidirectional embedding, override
/// or isolate, or U+FFFD, the mark a conversion of encodings leaves where it lost a character
/// ([`hidden_control`]): `Ros\u{FFFD}boronexport` no longer says which name it was, and an
/// export read in the wrong encoding (`--encoding`) is full of them.
fn is_hidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFD}')
}

/// Why a text cannot be judged as it stands: it hides or reorders what a reviewer sees, lost a
/// character in a conversion of encodings, or was decoded in another encoding than it was
/// written in.
fn unreadable_text(text: &str, path: &str) -> Option<FieldProblem> {
    if let Some(c) = hidden_control(text) {
        return Some(control_problem(c, path));
    }
    misdecoded(text).map(|stretch| {
        problem(
            codes::MISDECODED,
            path,
            format!(
                "the text reads as text decoded in another encoding than it was written in (`{}`): the names and terms it held cannot be read from it (read the export with `--encoding` and the encoding of the system that wrote it, or mend it where it was converted)",
                quote(stretch)
            ),
        )
    })
}

/// True when a text cannot be judged as it stands ([`unreadable_text`]; its message is made
/// only for such a text).
pub(crate) fn text_unreadable(text: &str) -> bool {
    unreadable_text(text, "").is_some()
}

fn control_problem(c: char, path: &str) -> FieldProblem {
    let message = if c == '\u{FFFD}' {
        "the text holds U+FFFD, the mark of a character lost when it was converted between encodings: what it said cannot be read (read the export with `--encoding` and the encoding of the system that wrote it)".to_string()
    } else {
        format!(
            "the text holds U+{:04X}, a control character that can hide or reorder what a reviewer sees",
            u32::from(c)
        )
    };
    problem(codes::CONTROL, path, message)
}

/// Reports the first hidden control character in any text of a value kept as it is
/// (`attributes`, unknown members); their keys too.
fn check_controls(raw: &Json, path: &str, problems: &mut Vec<FieldProblem>) {
    match raw {
        Json::String(text) => problems.extend(unreadable_text(text, path)),
        Json::Array(members) => {
            for (i, member) in members.iter().enumerate() {
                check_controls(member, &format!("{path}[{i}]"), problems);
            }
        }
        Json::Object(members) => {
            for (key, member) in members {
                let at = join(path, key);
                problems.extend(unreadable_text(key, &at));
                check_controls(member, &at, problems);
            }
        }
        _ => {}
    }
}

fn fail(problems: &mut Vec<FieldProblem>, p: FieldProblem) -> Option<Value> {
    problems.push(p);
    None
}

type Check = Result<Value, (&'static str, String)>;

/// Runs a code check on a string or number; a boolean is a type problem.
fn with_code(
    shape: Shape,
    leaf: Leaf<'_>,
    path: &str,
    problems: &mut Vec<FieldProblem>,
    check: impl FnOnce(&str) -> Check,
) -> Option<Value> {
    let Some(text) = leaf.code_text() else {
        return fail(problems, wrong_kind(shape, leaf.kind(), path));
    };
    match check(text) {
        Ok(value) => Some(value),
        Err((code, message)) => fail(problems, problem(code, path, message)),
    }
}

/// A code from one of the ISO tables as a text value, without copying it.
fn static_text(code: &'static str) -> Value {
    Value::Text(CompactString::const_new(code))
}

/// Converts a value of a field the schema does not know, or of `attributes`.
fn generic(raw: &Json) -> Value {
    match raw {
        Json::Null => Value::Null,
        Json::Bool(b) => generic_leaf(Leaf::Bool(*b)),
        Json::Number(number) => generic_leaf(Leaf::Number(&number.to_string())),
        Json::String(text) => generic_leaf(Leaf::Text(text)),
        Json::Array(members) => Value::List(members.iter().map(generic).collect()),
        Json::Object(members) => Value::Map(
            members
                .iter()
                .map(|(key, member)| (key.clone(), generic(member)))
                .collect(),
        ),
    }
}

/// [`generic`] for a scalar that is not null.
pub(crate) fn generic_leaf(leaf: Leaf<'_>) -> Value {
    match leaf {
        Leaf::Bool(b) => Value::Bool(b),
        // Out-of-range numbers in fields nobody checks stay readable as text.
        Leaf::Number(text) => {
            number_decimal(text).map_or_else(|| Value::Text(text.into()), Value::Number)
        }
        Leaf::Text(text) => Value::Text(text.into()),
    }
}

/// The problem for a line or file that is not JSON, with serde_json's
/// position; `with_line` for whole files, where the line is not the record's.
pub(crate) fn json_syntax_problem(error: &serde_json::Error, with_line: bool) -> FieldProblem {
    let full = error.to_string();
    // serde_json appends " at line L column C"; the location is re-worded here.
    let reason = full
        .rfind(" at line ")
        .map_or(full.as_str(), |cut| &full[..cut]);
    // At the end of the input serde_json says "EOF" and column 0; say it plainly.
    let reason = match reason.strip_prefix("EOF while") {
        Some(rest) if with_line => format!("the file ends while{rest}"),
        Some(rest) => format!("the line ends while{rest}"),
        None => reason.to_string(),
    };
    let message = if error.is_eof() && !with_line {
        format!("invalid JSON: {reason}")
    } else if with_line {
        format!(
            "invalid JSON at line {} column {}: {reason}",
            error.line(),
            error.column()
        )
    } else {
        format!("invalid JSON at column {}: {reason}", error.column())
    };
    problem(codes::UNREADABLE, "", message)
}

/// A record-level problem with no field path.
pub(crate) fn record_problem(code: &'static str, message: String) -> FieldProblem {
    problem(code, "", message)
}

/// Normalises a parsed JSON record into the `Record` the input yields; `found` holds the
/// problems the reader found on its own (repeated keys, a repeated id), which make the
/// record an error whatever its values.
pub(crate) fn json_record(raw: &Json, origin: Origin, found: Vec<FieldProblem>) -> Record {
    let id = order_id(raw);
    match normalize_order(raw) {
        Ok((id, root)) if found.is_empty() => Record::Order(Order { id, origin, root }),
        Ok(_) => error_record(origin, id, found),
        Err(mut problems) => {
            problems.extend(found);
            error_record(origin, id, problems)
        }
    }
}

/// An error record.
pub(crate) fn error_record(
    origin: Origin,
    order_id: Option<String>,
    problems: Vec<FieldProblem>,
) -> Record {
    Record::Error(RecordError {
        origin,
        order_id,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::{hidden_control, is_hidden_control};
    use proptest::prelude::*;

    /// The definition `hidden_control` answers, character by character.
    fn reference(text: &str) -> Option<char> {
        text.chars().find(|&c| is_hidden_control(c))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The printable-ASCII shortcut answers as the definition does, on printable text
        /// with a control, a bidi override or any other character mixed in.
        #[test]
        fn the_ascii_shortcut_finds_what_the_definition_finds(
            text in "[ -~]{0,12}[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}é中]?[ -~]{0,12}",
        ) {
            prop_assert_eq!(hidden_control(&text), reference(&text));
        }
    }
}
