//! JSON Schemas of the pack's TOML files, for editors (taplo, Even Better
//! TOML): rule files, `pack.toml` and rule test files.
//!
//! Generated, never written by hand: key names come from the tables the
//! loaders check against (`rules::raw`, `rules::pack`, `rules::validate`,
//! `order::Shape`), so a key added to the loader without a description here
//! fails a unit test instead of drifting. The schemas describe structure
//! only (keys, types, enumerations, the operands each operator needs); paths,
//! list names and expressions are checked when the pack loads and by
//! `redflag lint`.
//!
//! Draft-07: taplo validates with a `jsonschema` release that treats
//! documents as draft-07, and its completion follows `properties`,
//! `additionalProperties`, `anyOf`/`oneOf`/`allOf` and `$ref`, all of which
//! draft-07 has.

use serde_json::{json, Map, Value as Json};

use crate::order::Shape;
use crate::rules::pack::{LIST_KEYS, MANIFEST_KEYS, PACK_KEYS, RATES_KEYS, SCREENING_KEYS};
use crate::rules::raw::{CONDITION_KEYS, ESCALATION_KEYS, REFERENCE_KEYS, RULE_KEYS};
use crate::rules::validate::{OPERATORS, QUANTIFIERS, RATE_DATES};
use crate::rules::Severity;

mod rule_tests;

use rule_tests::test_file;
pub use rule_tests::{TEST_CASE_KEYS, TEST_EXPECT_KEYS};

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// A rule file (`rules/*.toml`).
    Rules,
    /// `pack.toml`.
    Pack,
    /// A rule test file (`*.test.toml`).
    Test,
}

impl SchemaKind {
    /// Every kind, in the order the schema files are listed.
    pub const ALL: [SchemaKind; 3] = [SchemaKind::Rules, SchemaKind::Pack, SchemaKind::Test];

    /// The file name the schema is committed under in `schema/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Rules => "rule-file.schema.json",
            SchemaKind::Pack => "pack.schema.json",
            SchemaKind::Test => "rule-test.schema.json",
        }
    }
}

/// The schema of one kind of file.
pub fn schema(kind: SchemaKind) -> Json {
    match kind {
        SchemaKind::Rules => rule_file(),
        SchemaKind::Pack => pack_file(),
        SchemaKind::Test => test_file(),
    }
}

/// The schema as written to `schema/` and printed by `redflag schema`:
/// pretty-printed with a final newline.
pub fn schema_text(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

// ---------------------------------------------------------------------------
// Rule files.

fn rule_file() -> Json {
    json!({
        "$schema": DRAFT,
        "title": "redflag rule file",
        "description": "A file of `[[rule]]` tables: red flags judged against order records. See docs/rules.md and docs/authoring.md.",
        "type": "object",
        "properties": {
            // The loader also takes a lone `[rule]` table; the schema asks
            // for `[[rule]]`, the documented form, so that an editor can
            // point inside a rule instead of saying "matches no alternative".
            "rule": {
                "description": "One red-flag rule per `[[rule]]` table; `[rule.when.NAME]` tables belong to the rule above them.",
                "type": "array",
                "items": { "$ref": "#/definitions/rule" }
            }
        },
        "required": ["rule"],
        "additionalProperties": false,
        "definitions": {
            "rule": rule_definition(),
            "condition": condition_definition(),
            "escalation": escalation_definition(),
            "reference": reference_definition(),
            "scalar": {
                "description": "A literal: text, a number, a boolean or a date.",
                "type": ["string", "number", "boolean"]
            },
            "severity": severity_definition(),
        }
    })
}

fn severity_definition() -> Json {
    let names: Vec<&str> = Severity::ALL.iter().rev().map(|s| s.as_str()).collect();
    let docs: Vec<&str> = Severity::ALL
        .iter()
        .rev()
        .map(|s| severity_doc(*s))
        .collect();
    json!({
        "description": "block (do not ship) > hold (stop until compliance clears it) > review > info.",
        "type": "string",
        "enum": names,
        "x-taplo": { "docs": { "enumValues": docs } }
    })
}

fn severity_doc(s: Severity) -> &'static str {
    match s {
        Severity::Block => "Do not ship.",
        Severity::Hold => "Stop until compliance clears it.",
        Severity::Review => "Compliance should look at it.",
        Severity::Info => "Worth knowing; does not stop anything.",
    }
}

fn rule_definition() -> Json {
    let mut properties = Map::new();
    for key in RULE_KEYS {
        properties.insert(
            key.to_string(),
            rule_property(key).unwrap_or_else(undocumented),
        );
    }
    json!({
        "description": "A red-flag rule.",
        "type": "object",
        "properties": properties,
        "required": ["id", "title", "severity", "condition", "message", "when"],
        "additionalProperties": false,
        "x-taplo": { "initKeys": ["id", "version", "title", "severity", "condition", "message"] }
    })
}

fn undocumented() -> Json {
    json!({ "description": "(undocumented)" })
}

fn strings_or_string(description: &str) -> Json {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ]
    })
}

/// The schema of one key of `[[rule]]`; `None` for a key this module does
/// not know, which a unit test forbids.
fn rule_property(key: &str) -> Option<Json> {
    Some(match key {
        "id" => json!({
            "description": "Stable id, never reused for another meaning (`RF-CASH-001`).",
            "type": "string",
            "pattern": "^\\S+$"
        }),
        "version" => json!({
            "description": "Bumped whenever the rule's meaning changes (default 1).",
            "type": "integer",
            "minimum": 1,
            "maximum": 4294967295_u64
        }),
        "title" => {
            json!({ "description": "One line, shown with every finding.", "type": "string" })
        }
        "severity" => json!({
            "description": "Severity when the rule fires, before escalation.",
            "$ref": "#/definitions/severity"
        }),
        "family" => {
            json!({ "description": "Grouping in reports (`payment`, `re-export`, ...).", "type": "string" })
        }
        "status" => {
            json!({ "description": "Lifecycle status (default `stable`).", "type": "string" })
        }
        "red_flags" => {
            strings_or_string("Red-flag catalogue ids the rule covers (`BIS-KYC-RF-05`).")
        }
        "icp" => strings_or_string("ICP / ECP elements the rule serves (`EU-ICP-4`)."),
        "references" => json!({
            "description": "Citations: a string, or `{ cite, url }`.",
            "type": "array",
            "items": { "$ref": "#/definitions/reference" }
        }),
        "why" => {
            json!({ "description": "Why the red flag matters, shown with every finding.", "type": "string" })
        }
        "action" => {
            json!({ "description": "What to do next, shown with every finding.", "type": "string" })
        }
        "for_each" => json!({
            "description": "Variables bound, in order, to each element of one or more paths (`item = \"items[*]\"`, `place = [\"buyer\", \"consignees[*]\"]`). The rule fires when its condition holds for some combination.",
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    { "type": "string" },
                    { "type": "array", "items": { "type": "string" }, "minItems": 1 }
                ]
            }
        }),
        "condition" => json!({
            "description": "Condition names joined with `and`, `or`, `not` and parentheses (`cash and large`).",
            "type": "string",
            "minLength": 1
        }),
        "message" => json!({
            "description": "Finding message; `{path}` inserts values, `{var}` a bound element's label, `{@cond.column}` a matched list cell.",
            "type": "string"
        }),
        "on_unknown" => json!({
            "description": "Severity of a \"could not evaluate\" finding: `hold` (default) or `block`.",
            "type": "string",
            "enum": Severity::ALL.iter().rev().filter(|s| **s >= Severity::Hold).map(|s| s.as_str()).collect::<Vec<_>>()
        }),
        "valid_from" => date_string("The first day the rule applies (the law or guidance it checks came into force, `2024-03-20`). An order whose `ship_date` is earlier gets a lookback finding: marked, and at most `review`."),
        "escalate" => json!({
            "description": "Severity escalations: when one holds (or cannot be ruled out) for a combination that fired, the finding's severity rises.",
            "type": "array",
            "items": { "$ref": "#/definitions/escalation" }
        }),
        "when" => json!({
            "description": "The named conditions: `[rule.when.NAME]` tables.",
            "type": "object",
            "minProperties": 1,
            "additionalProperties": { "$ref": "#/definitions/condition" }
        }),
        _ => return None,
    })
}

fn escalation_definition() -> Json {
    let mut properties = Map::new();
    for key in ESCALATION_KEYS {
        let value = match *key {
            "condition" => {
                json!({ "description": "An expression over the rule's condition names.", "type": "string" })
            }
            "severity" => {
                json!({ "description": "The raised severity.", "$ref": "#/definitions/severity" })
            }
            "reason" => {
                json!({ "description": "Why the severity rises, shown in the finding.", "type": "string" })
            }
            _ => undocumented(),
        };
        properties.insert(key.to_string(), value);
    }
    json!({
        "description": "A severity escalation.",
        "type": "object",
        "properties": properties,
        "required": ["condition", "severity"],
        "additionalProperties": false
    })
}

fn reference_definition() -> Json {
    let mut properties = Map::new();
    for key in REFERENCE_KEYS {
        let value = match *key {
            "cite" => json!({ "description": "The citation.", "type": "string" }),
            "url" => json!({ "description": "A link to the source.", "type": "string" }),
            _ => undocumented(),
        };
        properties.insert(key.to_string(), value);
    }
    json!({
        "description": "A citation: plain text, or `{ cite, url }`.",
        "anyOf": [
            { "type": "string" },
            {
                "type": "object",
                "properties": properties,
                "required": ["cite"],
                "additionalProperties": false
            }
        ]
    })
}

/// Which operand keys an operator needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operands {
    /// `value` or `field`, not both.
    ValueOrField,
    /// `values`.
    Values,
    /// `values` or `list`, not both.
    ValuesOrList,
    /// `list`.
    List,
    /// `field`.
    Field,
    /// `field` and `days` and/or `months`.
    FieldAndSpan,
    /// `pattern`.
    Pattern,
    /// A whole-number `value`.
    Count,
    /// A `value`: a number, or an amount with its currency (`"10000 USD"`).
    Bound,
    /// `min_score`.
    Screen,
    /// Nothing.
    None,
}

/// Every operator with a line of documentation and its operands. A unit
/// test holds it to `OPERATORS`, the validator's list.
const OPERATOR_DOCS: &[(&str, &str, Operands)] = &[
    ("eq", "Equal to `value` or `field` (text: case and accents folded unless `case_sensitive = true`).", Operands::ValueOrField),
    ("ne", "Not equal to `value` or `field`.", Operands::ValueOrField),
    ("gt", "Greater than `value` or `field`; money is converted through the rates.", Operands::ValueOrField),
    ("gte", "Greater than or equal to `value` or `field`; money is converted through the rates.", Operands::ValueOrField),
    ("lt", "Less than `value` or `field`; money is converted through the rates.", Operands::ValueOrField),
    ("lte", "Less than or equal to `value` or `field`; money is converted through the rates.", Operands::ValueOrField),
    ("before", "A date before `value` or `field`, shifted by `offset` if given.", Operands::ValueOrField),
    ("after", "A date after `value` or `field`, shifted by `offset` if given.", Operands::ValueOrField),
    ("on_or_before", "A date on or before `value` or `field`, shifted by `offset` if given.", Operands::ValueOrField),
    ("on_or_after", "A date on or after `value` or `field`, shifted by `offset` if given.", Operands::ValueOrField),
    ("within", "A date no further than `days` and/or `months` from the date at `field`.", Operands::FieldAndSpan),
    ("in", "Equal to one of `values`.", Operands::Values),
    ("in_list", "A key (or alias) of a row of `list`, in `column`; `match_columns` also requires other cells to equal order values.", Operands::List),
    ("in_field", "A member of the list at `field` (or equal to it).", Operands::Field),
    ("matches", "The regular expression `pattern` matches (case-insensitive unless `case_sensitive = true`).", Operands::Pattern),
    ("matches_list", "A regular expression from a column of `list` matches.", Operands::List),
    ("contains_any", "A word or phrase from `values` or `list` occurs, on word boundaries, ignoring case.", Operands::ValuesOrList),
    ("starts_with", "Starts with one of `values` or a key of `list` (the longest list prefix wins).", Operands::ValuesOrList),
    ("exists", "The value is present; never unknown.", Operands::None),
    ("missing", "The value is absent; never unknown.", Operands::None),
    ("blank", "Absent, empty or whitespace text, or an empty list; never unknown.", Operands::None),
    ("count_eq", "The list has exactly `value` members (absent = 0).", Operands::Count),
    ("count_gt", "The list has more than `value` members (absent = 0).", Operands::Count),
    ("count_gte", "The list has at least `value` members (absent = 0).", Operands::Count),
    ("count_lt", "The list has fewer than `value` members (absent = 0).", Operands::Count),
    ("count_lte", "The list has at most `value` members (absent = 0).", Operands::Count),
    ("sum_gt", "The numbers or amounts the path reaches add up to more than `value` (amounts each converted through the rates; a missing member makes it unknown).", Operands::Bound),
    ("sum_gte", "The numbers or amounts the path reaches add up to at least `value` (amounts each converted through the rates; a missing member makes it unknown).", Operands::Bound),
    ("sum_lt", "The numbers or amounts the path reaches add up to less than `value` (amounts each converted through the rates; a missing member makes it unknown).", Operands::Bound),
    ("sum_lte", "The numbers or amounts the path reaches add up to at most `value` (amounts each converted through the rates; a missing member makes it unknown).", Operands::Bound),
    ("is_true", "The boolean is true (or a yes answer).", Operands::None),
    ("is_false", "The boolean is false (or a no answer).", Operands::None),
    ("screen", "The party matches an entry of a screening list scoring at least `min_score` (an equal identifier scores 1); `below_score`, `lists`, `listed`, `match_on` and `ownership` narrow it.", Operands::Screen),
    ("invalid_id", "The party identifier's check digits are wrong (RU INN and OGRN, CN USCC, LEI, IMO).", Operands::None),
];

fn operator_doc(op: &str) -> Option<(&'static str, Operands)> {
    OPERATOR_DOCS
        .iter()
        .find(|(name, _, _)| *name == op)
        .map(|(_, doc, operands)| (*doc, *operands))
}

fn condition_property(key: &str) -> Option<Json> {
    Some(match key {
        "path" => json!({
            "description": "The order value tested: `buyer.country`, `items[*].hs`, `item.value` (a `for_each` variable), `@cond.column` (the row another condition matched).",
            "type": "string",
            "minLength": 1
        }),
        "op" => {
            let docs: Vec<&str> = OPERATORS
                .iter()
                .map(|op| operator_doc(op).map(|(doc, _)| doc).unwrap_or(""))
                .collect();
            json!({
                "description": "The operator.",
                "type": "string",
                "enum": OPERATORS,
                "x-taplo": { "docs": { "enumValues": docs } }
            })
        }
        "value" => json!({
            "description": "A literal operand: text, a number, a boolean, a date, or money as `\"10000 USD\"`.",
            "$ref": "#/definitions/scalar"
        }),
        "values" => json!({
            "description": "A set of literals (`in`), words (`contains_any`) or prefixes (`starts_with`).",
            "type": "array",
            "items": { "$ref": "#/definitions/scalar" }
        }),
        "field" => {
            json!({ "description": "Another path as the operand.", "type": "string", "minLength": 1 })
        }
        "list" => {
            json!({ "description": "A list declared in `pack.toml` (`[lists.NAME]`).", "type": "string", "minLength": 1 })
        }
        "column" => {
            json!({ "description": "The list column matched (default: the list's `key`).", "type": "string" })
        }
        "match_columns" => json!({
            "description": "Further list columns that must equal order values: `{ country = \"place.country\" }`.",
            "type": "object",
            "additionalProperties": { "type": "string" }
        }),
        "pattern" => {
            json!({ "description": "A regular expression (Rust `regex` syntax).", "type": "string" })
        }
        "offset" => json!({
            "description": "Shifts a date operand: `-6 months`, `30 days`.",
            "type": "string"
        }),
        "days" => {
            json!({ "description": "Days allowed by `within`.", "type": "integer", "minimum": 0 })
        }
        "months" => {
            json!({ "description": "Months allowed by `within`.", "type": "integer", "minimum": 0, "maximum": 1200 })
        }
        "quantifier" => json!({
            "description": "Over a path with `[*]`: `any` member (default) or `all` members.",
            "type": "string",
            "enum": QUANTIFIERS
        }),
        "if_missing" => json!({
            "description": "What a missing value means: `false`, `true` or `\"unknown\"` (default: unknown, and the rule is undecided).",
            "enum": [false, true, "unknown", "false", "true"]
        }),
        "case_sensitive" => {
            json!({ "description": "Compare text exactly (default: case and accents folded).", "type": "boolean" })
        }
        "rate_date" => json!({
            "description": "Which order date picks exchange rates for money: `date` (default) or `ship_date`.",
            "type": "string",
            "enum": RATE_DATES
        }),
        "lists" => json!({
            "description": "`screen`: the screening lists to use, by name (default: every list loaded).",
            "type": "array",
            "items": { "type": "string", "minLength": 1 }
        }),
        "min_score" => json!({
            "description": "`screen`: the lowest score, 0 to 1, that counts as a match.",
            "type": "number", "minimum": 0, "maximum": 1
        }),
        "below_score" => json!({
            "description": "`screen`: holds only while the party's best match scores below this (a near-miss band).",
            "type": "number", "minimum": 0, "maximum": 1
        }),
        "listed" => json!({
            "description": "`screen`: which listings count against the ship date (else the order date): `at_shipment` (default), `after_shipment` (lookback) or `any`.",
            "type": "string",
            "enum": ["at_shipment", "after_shipment", "any"]
        }),
        "match_on" => json!({
            "description": "`screen`: what a match may rest on: `any` (default: name, alias or identifier), `id`, `name`, `address` (the party's street address against listed addresses, whatever the names), or `mentions` (a text, not a party, that writes out a listed company's name whole).",
            "type": "string",
            "enum": ["any", "id", "name", "address", "mentions"]
        }),
        "ownership" => json!({
            "description": "`screen`: entries listed through ownership (owned 50 % or more by listed parties): `include` (default), `exclude`, `only` (by the percentages given) or `unresolved` (counted by assumption: a percentage missing, or owners in a circle).",
            "type": "string",
            "enum": ["include", "exclude", "only", "unresolved"]
        }),
        _ => return None,
    })
}

fn condition_definition() -> Json {
    let mut properties = Map::new();
    for key in CONDITION_KEYS {
        properties.insert(
            key.to_string(),
            condition_property(key).unwrap_or_else(undocumented),
        );
    }
    let rules: Vec<Json> = OPERATORS
        .iter()
        .filter_map(|op| {
            let (_, operands) = operator_doc(op)?;
            let then = match operands {
                Operands::ValueOrField => {
                    json!({ "oneOf": [ { "required": ["value"] }, { "required": ["field"] } ] })
                }
                Operands::Values => json!({ "required": ["values"] }),
                Operands::ValuesOrList => {
                    json!({ "oneOf": [ { "required": ["values"] }, { "required": ["list"] } ] })
                }
                Operands::List => json!({ "required": ["list"] }),
                Operands::Field => json!({ "required": ["field"] }),
                Operands::FieldAndSpan => json!({
                    "required": ["field"],
                    "anyOf": [ { "required": ["days"] }, { "required": ["months"] } ]
                }),
                Operands::Pattern => json!({ "required": ["pattern"] }),
                Operands::Screen => json!({ "required": ["min_score"] }),
                Operands::Count => json!({
                    "required": ["value"],
                    "properties": { "value": { "type": "integer", "minimum": 0 } }
                }),
                Operands::Bound => json!({
                    "required": ["value"],
                    "properties": { "value": { "type": ["number", "string"] } }
                }),
                Operands::None => return None,
            };
            Some(json!({
                "if": { "properties": { "op": { "const": op } }, "required": ["op"] },
                "then": then
            }))
        })
        .collect();
    json!({
        "description": "A named condition: a `path`, an `op` and the operands the operator needs.",
        "type": "object",
        "properties": properties,
        "required": ["path", "op"],
        "additionalProperties": false,
        "allOf": rules,
        "x-taplo": { "initKeys": ["path", "op"] }
    })
}

// ---------------------------------------------------------------------------
// pack.toml.

fn date_string(description: &str) -> Json {
    json!({
        "description": description,
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    })
}

fn table_property(key: &str) -> Option<Json> {
    Some(match key {
        "file" => json!({ "description": "The CSV file, relative to the pack directory.", "type": "string", "minLength": 1 }),
        "key" => json!({ "description": "The column matched by default (default: the first column).", "type": "string" }),
        "aliases" => json!({ "description": "A column of `;`-separated other spellings of the key.", "type": "string" }),
        "places" => json!({ "description": "The keys are place names: a text that is not a key as a whole is looked up by the places it names (`Dandong, Liaoning`, `Zhenxing District, Dandong`, `丹东市` find `Dandong`).", "type": "boolean" }),
        "as_of" => date_string("When the data was last checked against its source (`2026-11-28`); shown in every report."),
        "source" => json!({ "description": "Where the data comes from; shown in reports.", "type": "string" }),
        "description" => json!({ "description": "What the table is, in a sentence.", "type": "string" }),
        "licence" => json!({ "description": "The data's licence.", "type": "string" }),
        "base" => json!({ "description": "The currency money thresholds are compared in (default `USD`).", "type": "string", "pattern": "^[A-Za-z]{3}$" }),
        "format" => json!({ "description": "The list's format, when detection should not decide.", "type": "string", "enum": crate::screening::import::FORMAT_NAMES }),
        _ => return None,
    })
}

fn table_definition(keys: &[&str], description: &str) -> Json {
    let mut properties = Map::new();
    for key in keys {
        properties.insert(
            key.to_string(),
            table_property(key).unwrap_or_else(undocumented),
        );
    }
    json!({
        "description": description,
        "type": "object",
        "properties": properties,
        "required": ["file", "as_of"],
        "additionalProperties": false,
        "x-taplo": { "initKeys": ["file", "as_of", "source"] }
    })
}

fn pack_property(key: &str) -> Option<Json> {
    Some(match key {
        "name" => {
            json!({ "description": "The pack's name, stamped on every report.", "type": "string", "minLength": 1 })
        }
        "version" => {
            json!({ "description": "The pack's version, stamped on every report.", "type": "string", "minLength": 1 })
        }
        "description" => json!({ "description": "What the pack covers.", "type": "string" }),
        _ => return None,
    })
}

fn manifest_property(key: &str) -> Option<Json> {
    Some(match key {
        "pack" => json!({ "$ref": "#/definitions/pack" }),
        "lists" => json!({
            "description": "Named lists: `[lists.NAME]` tables, each a CSV file with a header row.",
            "type": "object",
            "additionalProperties": { "$ref": "#/definitions/list" }
        }),
        "rates" => json!({ "$ref": "#/definitions/rates" }),
        "extends" => json!({
            "description": "The pack this one builds on: `redflag-default` (the pack built into redflag) or a pack directory relative to this one. Its rules, lists and rates come first; this pack adds to them (see docs/authoring.md, Layering packs).",
            "type": "string",
            "minLength": 1
        }),
        "overrides" => json!({
            "description": "Base rules this pack changes, by id: `[overrides.\"RF-CASH-001\"]` with one of `disabled = true`, `severity`, `replace = true`, and a `reason` that reports show.",
            "type": "object",
            "additionalProperties": { "$ref": "#/definitions/override" }
        }),
        "screening" => json!({
            "description": "Named denied-party or sanctions lists for `screen` conditions: `[screening.NAME]` tables (OFAC SDN, CSL, DPL, OpenSanctions FtM, watch list).",
            "type": "object",
            "additionalProperties": { "$ref": "#/definitions/screening" }
        }),
        _ => return None,
    })
}

fn pack_file() -> Json {
    let mut properties = Map::new();
    for key in MANIFEST_KEYS {
        properties.insert(
            key.to_string(),
            manifest_property(key).unwrap_or_else(undocumented),
        );
    }
    let mut pack = Map::new();
    for key in PACK_KEYS {
        pack.insert(
            key.to_string(),
            pack_property(key).unwrap_or_else(undocumented),
        );
    }
    json!({
        "$schema": DRAFT,
        "title": "redflag pack.toml",
        "description": "A rule pack's manifest: its name and version, the lists rules may use, and the rates table money is converted with. See docs/rules.md.",
        "type": "object",
        "properties": properties,
        "required": ["pack"],
        "additionalProperties": false,
        "definitions": {
            "pack": {
                "description": "The pack's name and version.",
                "type": "object",
                "properties": pack,
                "required": ["name", "version"],
                "additionalProperties": false
            },
            "list": table_definition(LIST_KEYS, "A named list: a CSV table whose rows rules match (`op = \"in_list\"`, `list = \"NAME\"`)."),
            "screening": table_definition(SCREENING_KEYS, "A screening list: a denied-party or sanctions list file whose entries `screen` conditions match parties against."),
            "override": {
                "description": "A change to one base rule, with the reason reports show.",
                "type": "object",
                "properties": {
                    "disabled": { "description": "The rule is not evaluated.", "const": true },
                    "severity": { "description": "The rule's base severity is replaced (escalations still apply).", "enum": ["block", "hold", "review", "info"] },
                    "replace": { "description": "A rule of the same id in this pack takes the base rule's place.", "const": true },
                    "reason": { "description": "Why: shown in every report's provenance.", "type": "string", "minLength": 1, "pattern": "\\S" }
                },
                "required": ["reason"],
                "additionalProperties": false
            },
            "rates": table_definition(RATES_KEYS, "Dated exchange rates: columns `date`, `currency` and `per_base` (or `per_usd`), units of the currency per base unit."),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::rule_tests::{case_property, expect_property};
    use super::*;

    #[test]
    fn every_key_the_loaders_accept_is_documented() {
        for key in RULE_KEYS {
            assert!(rule_property(key).is_some(), "rule key `{key}`");
        }
        for key in CONDITION_KEYS {
            assert!(condition_property(key).is_some(), "condition key `{key}`");
        }
        for key in LIST_KEYS.iter().chain(RATES_KEYS) {
            assert!(table_property(key).is_some(), "list or rates key `{key}`");
        }
        for key in PACK_KEYS {
            assert!(pack_property(key).is_some(), "[pack] key `{key}`");
        }
        for key in MANIFEST_KEYS {
            assert!(manifest_property(key).is_some(), "pack.toml table `{key}`");
        }
        for key in TEST_CASE_KEYS {
            assert!(case_property(key).is_some(), "test case key `{key}`");
        }
        for key in TEST_EXPECT_KEYS {
            assert!(expect_property(key).is_some(), "expect key `{key}`");
        }
        let text = schema_text(SchemaKind::Rules) + &schema_text(SchemaKind::Pack);
        assert!(!text.contains("(undocumented)"));
    }

    #[test]
    fn operator_docs_follow_the_validators_operators() {
        let documented: Vec<&str> = OPERATOR_DOCS.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(documented, OPERATORS);
    }
}
