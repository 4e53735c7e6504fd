//! The schema of rule test files (`*.test.toml`): the shared contract of `redflag test`,
//! `lint` and `explain`, and of the order records a case holds (from `order::Shape`).

use super::*;

/// Keys of a `[[case]]` of a rule test file: the test runner's own table.
pub const TEST_CASE_KEYS: &[&str] = crate::ruletest::CASE_KEYS;

/// Keys of a case's `expect` table: the test runner's own table.
pub const TEST_EXPECT_KEYS: &[&str] = crate::ruletest::EXPECT_KEYS;

pub(super) fn case_property(key: &str) -> Option<Json> {
    Some(match key {
        "name" => {
            json!({ "description": "The case's name, unique in the file.", "type": "string", "minLength": 1 })
        }
        "rule" => {
            json!({ "description": "The id of the rule under test.", "type": "string", "minLength": 1 })
        }
        "expect" => json!({ "$ref": "#/definitions/expect" }),
        "order" => {
            json!({ "description": "One order, in the order-record format.", "$ref": "#/definitions/order" })
        }
        "orders" => {
            json!({ "description": "Several orders.", "type": "array", "items": { "$ref": "#/definitions/order" } })
        }
        "file" => {
            json!({ "description": "Orders from a `.jsonl`, `.json` or `.csv` file, relative to the test file.", "type": "string" })
        }
        "id" => json!({ "description": "With `file`: the one order to use.", "type": "string" }),
        "todo" => {
            json!({ "description": "Why the case is not run yet: it is reported, not failed.", "type": "string" })
        }
        "as_of" => date_string("The date the case is judged on."),
        "lists" => json!({
            "description": "Lists replaced for this case: list name = CSV path relative to the test file.",
            "type": "object",
            "additionalProperties": { "type": "string" }
        }),
        "screening" => json!({
            "description": "Screening-list files (OFAC, CSL, DPL, FtM, watch list) the case's parties are screened against, relative to the test file.",
            "type": "array",
            "items": { "type": "string" }
        }),
        _ => return None,
    })
}

pub(super) fn expect_property(key: &str) -> Option<Json> {
    Some(match key {
        "fires" => {
            json!({ "description": "Whether the rule fires: `true`, `false`, or `\"unknown\"` for a finding that could not be decided.", "enum": [true, false, "unknown"] })
        }
        "severity" => {
            json!({ "description": "The finding's severity, after escalation.", "$ref": "#/definitions/severity" })
        }
        "conditions" => json!({
            "description": "Condition name = its outcome: `true`, `false` or `\"unknown\"`.",
            "type": "object",
            "additionalProperties": { "enum": [true, false, "unknown"] }
        }),
        "values" => json!({
            "description": "Condition name = the value it read, as text.",
            "type": "object",
            "additionalProperties": { "type": "string" }
        }),
        _ => return None,
    })
}

pub(super) fn test_file() -> Json {
    let mut case = Map::new();
    for key in TEST_CASE_KEYS {
        case.insert(
            key.to_string(),
            case_property(key).unwrap_or_else(undocumented),
        );
    }
    let mut expect = Map::new();
    for key in TEST_EXPECT_KEYS {
        expect.insert(
            key.to_string(),
            expect_property(key).unwrap_or_else(undocumented),
        );
    }
    let mut definitions = Map::new();
    definitions.insert(
        "case".into(),
        json!({
            "description": "One test case: orders, and what the rule must make of them. Other keys are allowed: the test runner may take more than this schema names.",
            "type": "object",
            "properties": case,
            "required": ["name", "rule", "expect"],
            "x-taplo": { "initKeys": ["name", "rule", "expect"] }
        }),
    );
    definitions.insert(
        "expect".into(),
        json!({
            "description": "What the rule must do.",
            "type": "object",
            "properties": expect,
            "required": ["fires"],
            "additionalProperties": false
        }),
    );
    definitions.insert("severity".into(), severity_definition());
    definitions.insert("order".into(), shape_schema(Shape::Order));
    for (name, shape) in [
        ("party", Shape::Party),
        ("stop", Shape::Stop),
        ("item", Shape::Item),
        ("restriction", Shape::Restriction),
        ("party_id", Shape::PartyId),
        ("payment", Shape::Payment),
        ("end_use", Shape::EndUse),
    ] {
        definitions.insert(name.into(), shape_schema(shape));
    }
    json!({
        "$schema": DRAFT,
        "title": "redflag rule test file",
        "description": "Rule tests (`*.test.toml`): `[[case]]` tables, each with orders and the expected outcome of one rule. See docs/testing-rules.md.",
        "type": "object",
        "properties": {
            "base": {
                "description": "Fields every inline order of the file starts from; a case's top-level fields replace the base's whole.",
                "$ref": "#/definitions/order"
            },
            "case": {
                "description": "The test cases.",
                "type": "array",
                "items": { "$ref": "#/definitions/case" }
            }
        },
        "required": ["case"],
        "definitions": definitions,
    })
}

/// The order-record schema from the closed field table, so test orders
/// complete with the fields the loaders know. Unknown members are allowed:
/// the loaders keep them.
fn shape_schema(shape: Shape) -> Json {
    match shape {
        Shape::Text => json!({ "type": "string" }),
        Shape::Country => json!({ "description": "ISO 3166-1 country code.", "type": "string" }),
        Shape::Currency => json!({ "description": "ISO 4217 currency code.", "type": "string" }),
        Shape::Hs => {
            json!({ "description": "HS code, 6, 8, 9 or 10 digits, dots allowed.", "type": ["string", "integer"] })
        }
        Shape::Date => json!({ "description": "A date `YYYY-MM-DD`.", "type": "string" }),
        Shape::Number => json!({ "type": ["number", "string"] }),
        Shape::Money => {
            json!({ "description": "A decimal amount; its currency is the sibling `currency`.", "type": ["number", "string"] })
        }
        Shape::Bool => json!({ "type": ["boolean", "string"] }),
        Shape::Attributes => {
            json!({ "description": "Questionnaire answers and observations: any key.", "type": "object" })
        }
        Shape::Any => json!({}),
        Shape::ListOf(inner) => json!({ "type": "array", "items": shape_ref(*inner) }),
        object => {
            let mut properties = Map::new();
            for (name, field) in object.fields() {
                properties.insert(name.to_string(), shape_ref(*field));
            }
            json!({
                "description": format!("A {}.", object.name()),
                "type": "object",
                "properties": properties
            })
        }
    }
}

/// A reference to a named definition for objects, the inline schema otherwise.
fn shape_ref(shape: Shape) -> Json {
    let name = match shape {
        Shape::Party => "party",
        Shape::Stop => "stop",
        Shape::Item => "item",
        Shape::Restriction => "restriction",
        Shape::PartyId => "party_id",
        Shape::Payment => "payment",
        Shape::EndUse => "end_use",
        Shape::Order => "order",
        other => return shape_schema(other),
    };
    json!({ "$ref": format!("#/definitions/{name}") })
}
