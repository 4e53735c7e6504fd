//! One pass from a JSON record's text to the order's [`Value`] tree, for records that read
//! cleanly.
//!
//! The reference reader (`json.rs` with `normalize.rs` and `duplicates.rs`) parses a record
//! into a `serde_json::Value` (an IndexMap per object), scans the text a second time for
//! repeated keys, then normalises the tree into a `Value`, formatting every member's path on
//! the way in case it has a problem. Most records have none, so this reader builds the `Value`
//! while serde_json parses, with the same value rules (`normalize::normalize_leaf`,
//! `generic_leaf`, `required_members`), and notices a repeated key as it sorts an object's
//! members. It gives up at the first thing that is not clean (a syntax error, a repeated key,
//! a value with a problem, a limit): the caller then reads the record the long way, which
//! reports it. So every diagnostic still comes from one place, and this reader only has to
//! agree with that one on records that have none (`tests` below check it does).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::duplicates::KeySeed;
use super::fields::Key;
use super::limits::MAX_LIST_MEMBERS;
use super::normalize::{generic_leaf, normalize_leaf, required_members, text_unreadable, Leaf};
use super::{Fields, Shape, Value};

/// The first key serde_json gives a number (with `arbitrary_precision`) that does not fit
/// 64 bits, as a map of this one key to the number's text; `serde_json::Value` reads a map
/// whose first key it is as a number, and so does this reader.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The first key by which `serde_json::Value` reads a map as JSON text to parse again; a
/// record holding it is left to the long way.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The order id and normalised tree of a record, or `None` when the record has anything to
/// report (then it must be read the long way).
pub(crate) fn read(text: &str) -> Option<(String, Value)> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let root = Known(Shape::Order).deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    // A record that is not an object (`null` and `""` read as null here) is a problem.
    let Value::Map(fields) = &root else {
        return None;
    };
    // What `normalize::read_id` accepts: a text (trimmed already) that is not empty, or a
    // number's text; anything else is a problem.
    let id = match fields.get("id") {
        Some(Value::Text(id)) if !id.is_empty() => id.to_string(),
        _ => return None,
    };
    Some((id, root))
}

/// Gives up on the record (the message is never shown: the long way reports the problem).
fn give_up<E: de::Error, T>() -> Result<T, E> {
    Err(E::custom("read the long way"))
}

/// A value of a field the schema knows, normalised as its shape says.
struct Known(Shape);

/// A value kept as it is (a member the schema does not know, or of `attributes`), whose
/// texts and keys must hold no hidden control character.
struct Generic;

impl Known {
    fn leaf<E: de::Error>(&self, leaf: Leaf<'_>) -> Result<Value, E> {
        let mut problems = Vec::new();
        match normalize_leaf(self.0, leaf, "", &mut problems) {
            Some(value) if problems.is_empty() => Ok(value),
            _ => give_up(),
        }
    }

    /// A shape with named fields of its own (`attributes`, whose members are free, is read
    /// as generic).
    fn is_object(&self) -> bool {
        !self.0.fields().is_empty()
    }
}

impl<'de> DeserializeSeed<'de> for Known {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Known {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an order value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.leaf(Leaf::Bool(b))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.leaf(Leaf::Number(&n.to_string()))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.leaf(Leaf::Number(&n.to_string()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        // serde_json gives no floats with `arbitrary_precision`; were it ever to, the long way
        // decides.
        give_up()
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        self.leaf(Leaf::Text(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self.0 {
            Shape::ListOf(inner) => {
                let mut out = Vec::new();
                while let Some(member) = seq.next_element_seed(Known(*inner))? {
                    // A null or empty member is a problem (`normalize::list_member`).
                    if matches!(member, Value::Null) || out.len() == MAX_LIST_MEMBERS {
                        return give_up();
                    }
                    out.push(member);
                }
                Ok(Value::List(out))
            }
            Shape::Any => Generic.visit_seq(seq),
            _ => give_up(),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key_seed(KeySeed)? else {
            return match self.0 {
                Shape::Attributes | Shape::Any => Ok(Value::Map(Fields::new())),
                _ if self.is_object() => object(self.0, Vec::new()),
                _ => give_up(),
            };
        };
        if first == NUMBER_TOKEN {
            let text = number_text(&mut map)?;
            return self.leaf(Leaf::Number(&text));
        }
        match self.0 {
            Shape::Attributes | Shape::Any => generic_map(first, map),
            _ if self.is_object() && first != RAW_VALUE_TOKEN => {
                let mut members = Vec::with_capacity(12);
                let mut key = Some(first);
                while let Some(name) = key {
                    let member = match self.0.named_field(&name) {
                        Some((known, shape)) => {
                            (Cow::Borrowed(known), map.next_value_seed(Known(shape))?)
                        }
                        // A member the format does not know, or a field written otherwise:
                        // a problem, reported the long way.
                        None => return give_up(),
                    };
                    members.push(member);
                    key = map.next_key_seed(KeySeed)?;
                }
                object(self.0, members)
            }
            _ => give_up(),
        }
    }
}

/// An object of a known shape from its members, if they are distinct and complete.
fn object<E: de::Error>(shape: Shape, members: Vec<(Key, Value)>) -> Result<Value, E> {
    let Some(fields) = Fields::from_distinct(members) else {
        return give_up();
    };
    let mut problems = Vec::new();
    required_members(shape, &fields, &mut problems);
    if problems.is_empty() {
        Ok(Value::Map(fields))
    } else {
        give_up()
    }
}

/// The text of a number too large for 64 bits, as `serde_json::Number` writes it back; the
/// map must end after it (else it was an object with that key, which the long way reports).
fn number_text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<String, A::Error> {
    let text: String = map.next_value()?;
    let Ok(number) = text.parse::<serde_json::Number>() else {
        return give_up();
    };
    if map.next_key::<de::IgnoredAny>()?.is_some() {
        return give_up();
    }
    Ok(number.to_string())
}

/// The rest of a map kept as it is, after its first key.
fn generic_map<'de, A: MapAccess<'de>>(
    first: Cow<'de, str>,
    mut map: A,
) -> Result<Value, A::Error> {
    if first == RAW_VALUE_TOKEN {
        return give_up();
    }
    let mut members = Vec::new();
    let mut key = Some(first);
    while let Some(name) = key {
        if text_unreadable(&name) {
            return give_up();
        }
        let value = map.next_value_seed(Generic)?;
        members.push((Cow::Owned(name.into_owned()), value));
        key = map.next_key_seed(KeySeed)?;
    }
    match Fields::from_distinct(members) {
        Some(fields) => Ok(Value::Map(fields)),
        None => give_up(),
    }
}

impl<'de> DeserializeSeed<'de> for Generic {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Generic {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(generic_leaf(Leaf::Bool(b)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(generic_leaf(Leaf::Number(&n.to_string())))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(generic_leaf(Leaf::Number(&n.to_string())))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        give_up()
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        if text_unreadable(text) {
            return give_up();
        }
        Ok(generic_leaf(Leaf::Text(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(member) = seq.next_element_seed(Generic)? {
            out.push(member);
        }
        Ok(Value::List(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match map.next_key_seed(KeySeed)? {
            None => Ok(Value::Map(Fields::new())),
            Some(first) if first == NUMBER_TOKEN => {
                let text = number_text(&mut map)?;
                Ok(generic_leaf(Leaf::Number(&text)))
            }
            Some(first) => generic_map(first, map),
        }
    }
}

/// A key, borrowed from the text when it has no escapes.
#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::json::long_way;
    use super::super::{Origin, Record};
    use super::*;

    /// A JSON text as a tree whose leaves are written as they are, so a test can build
    /// what `serde_json::Value` cannot hold (repeated keys, its private tokens).
    #[derive(Debug, Clone)]
    enum Tree {
        Raw(&'static str),
        Object(Vec<(String, Tree)>),
        List(Vec<Tree>),
    }

    impl Tree {
        fn write(&self, out: &mut String) {
            match self {
                Tree::Raw(text) => out.push_str(text),
                Tree::Object(members) => {
                    out.push('{');
                    for (i, (key, value)) in members.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                        out.push(':');
                        value.write(out);
                    }
                    out.push('}');
                }
                Tree::List(members) => {
                    out.push('[');
                    for (i, member) in members.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        member.write(out);
                    }
                    out.push(']');
                }
            }
        }

        /// How many nodes the tree has (only objects and lists with `containers`).
        fn count(&self, containers: bool) -> usize {
            let own = usize::from(!containers || !matches!(self, Tree::Raw(_)));
            own + match self {
                Tree::Raw(_) => 0,
                Tree::Object(members) => members.iter().map(|(_, v)| v.count(containers)).sum(),
                Tree::List(members) => members.iter().map(|v| v.count(containers)).sum(),
            }
        }

        /// The node `k` (counted as [`Tree::count`] counts), depth first.
        fn nth(&mut self, k: &mut usize, containers: bool) -> Option<&mut Tree> {
            if !containers || !matches!(self, Tree::Raw(_)) {
                if *k == 0 {
                    return Some(self);
                }
                *k -= 1;
            }
            match self {
                Tree::Raw(_) => None,
                Tree::Object(members) => members.iter_mut().find_map(|(_, v)| v.nth(k, containers)),
                Tree::List(members) => members.iter_mut().find_map(|v| v.nth(k, containers)),
            }
        }
    }

    /// Every member of a known object a template order has, plus a list of each shape.
    fn template() -> Tree {
        let raw = |text| Tree::Raw(text);
        let object = |members: Vec<(&str, Tree)>| {
            Tree::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        };
        let party = || {
            object(vec![
                ("name", raw(r#""Weserland GmbH""#)),
                ("aliases", Tree::List(vec![raw(r#""Weserland""#)])),
                ("country", raw(r#""DE""#)),
                ("city", raw(r#""Bremen""#)),
                ("address", raw(r#""Hafenstr. 1""#)),
                (
                    "ids",
                    Tree::List(vec![object(vec![
                        ("scheme", raw(r#""vat""#)),
                        ("value", raw(r#""DE123""#)),
                    ])]),
                ),
                ("business", raw(r#""parts""#)),
                ("established", raw(r#""1987-06-01""#)),
                ("attributes", object(vec![("x", raw("1"))])),
            ])
        };
        object(vec![
            ("id", raw(r#""SO-1""#)),
            ("date", raw(r#""2025-01-14""#)),
            ("ship_date", raw(r#""2025-03-03""#)),
            ("seller", party()),
            ("buyer", party()),
            ("end_user", party()),
            ("consignees", Tree::List(vec![party()])),
            (
                "route",
                Tree::List(vec![object(vec![
                    ("city", raw(r#""Bremen""#)),
                    ("country", raw(r#""DE""#)),
                    ("kind", raw(r#""port""#)),
                ])]),
            ),
            (
                "items",
                Tree::List(vec![object(vec![
                    ("sku", raw(r#""PD-1""#)),
                    ("description", raw(r#""die set""#)),
                    ("hs", raw(r#""8207.30""#)),
                    ("eccn", raw(r#""EAR99""#)),
                    ("controls", Tree::List(vec![raw(r#""2B001""#)])),
                    ("quantity", raw("1")),
                    ("value", raw(r#""86500.00""#)),
                    ("currency", raw(r#""EUR""#)),
                    ("origin", raw(r#""DE""#)),
                    (
                        "restrictions",
                        Tree::List(vec![object(vec![
                            ("kind", raw(r#""no-reexport""#)),
                            ("destinations", raw(r#""KP; IR""#)),
                            ("source", raw(r#""contract""#)),
                        ])]),
                    ),
                ])]),
            ),
            (
                "payment",
                object(vec![
                    ("method", raw(r#""wire""#)),
                    ("amount", raw("86500")),
                    ("currency", raw(r#""EUR""#)),
                    ("payer", party()),
                ]),
            ),
            (
                "end_use",
                object(vec![
                    ("statement", raw(r#""series production""#)),
                    ("provided", raw("true")),
                    ("domestic", raw(r#""X""#)),
                ]),
            ),
            (
                "attributes",
                object(vec![("questionnaire", raw("[1,\"a\"]"))]),
            ),
        ])
    }

    /// Values that test the value rules, the number forms serde_json keeps as text, and the
    /// private map keys of serde_json.
    const LEAVES: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-0",
        "7",
        "-12",
        "2.5",
        "1E5",
        "1e-3",
        "-0.000",
        "12345678901234567890123456789012345",
        "18446744073709551616",
        "-9223372036854775809",
        "1e400",
        r#""""#,
        r#"" ""#,
        r#""KP""#,
        r#""prk""#,
        r#""XX""#,
        r#""usd""#,
        r#""EUX""#,
        r#""8457.10""#,
        r#""8457""#,
        r#""20240102""#,
        r#""2024-02-30""#,
        r#""2024-01-02T10:00""#,
        r#""12.50""#,
        r#""12,500""#,
        r#""1e3""#,
        r#""yes""#,
        r#""n""#,
        r#""maybe""#,
        r#""KP; IR; ""#,
        r#""a\u0000b""#,
        r#""\u202e""#,
        r#""caf\u00e9 \"x\"""#,
        r#""\ud800""#,
        "{}",
        "[]",
        "[null]",
        r#"[1,"a",{"k":2}]"#,
        r#"{"name":"X"}"#,
        r#"{"$serde_json::private::Number":"5"}"#,
        r#"{"$serde_json::private::Number":"5","b":1}"#,
        r#"{"$serde_json::private::Number":"x"}"#,
        r#"{"$serde_json::private::RawValue":"{\"a\":1}"}"#,
        r#"{"a\u202eb":1}"#,
        r#"{"a":1,"a":2}"#,
    ];

    const KEYS: &[&str] = &[
        "id",
        "date",
        "name",
        "country",
        "items",
        "value",
        "currency",
        "attributes",
        "hs",
        "quantity",
        "provided",
        "ids",
        "scheme",
        "destinations",
        "zz",
        "$serde_json::private::Number",
    ];

    #[derive(Debug, Clone)]
    enum Change {
        /// Puts a leaf at a place.
        Set(usize, usize),
        /// Adds a member to the object at a place, or a member to a list.
        Add(usize, usize, usize),
        /// Takes the place's last member away.
        Drop(usize),
    }

    fn apply(tree: &mut Tree, change: &Change) {
        let (at, containers) = match change {
            Change::Set(at, _) => (*at, false),
            Change::Add(at, _, _) | Change::Drop(at) => (*at, true),
        };
        let count = tree.count(containers);
        if count == 0 {
            return;
        }
        let mut k = at % count;
        let Some(node) = tree.nth(&mut k, containers) else {
            return;
        };
        match (change, node) {
            (Change::Set(_, leaf), node) => *node = Tree::Raw(LEAVES[leaf % LEAVES.len()]),
            (Change::Add(_, key, leaf), Tree::Object(members)) => members.push((
                KEYS[key % KEYS.len()].into(),
                Tree::Raw(LEAVES[leaf % LEAVES.len()]),
            )),
            (Change::Add(_, _, leaf), Tree::List(members)) => {
                members.push(Tree::Raw(LEAVES[leaf % LEAVES.len()]))
            }
            (Change::Drop(_), Tree::Object(members)) => {
                members.pop();
            }
            (Change::Drop(_), Tree::List(members)) => {
                members.pop();
            }
            _ => {}
        }
    }

    /// What the long way makes of `text`, and what this reader makes of it, agree.
    fn agree(text: &str) -> Result<bool, TestCaseError> {
        let origin = Origin {
            file: "t".into(),
            line: 1,
        };
        let long = long_way(text, origin, |_| None);
        match (read(text), long) {
            (Some((id, root)), Record::Order(order)) => {
                prop_assert_eq!(id, order.id);
                prop_assert_eq!(root, order.root);
                Ok(true)
            }
            (Some(_), Record::Error(error)) => Err(TestCaseError::fail(format!(
                "read {text} but the long way reports {:?}",
                error.problems
            ))),
            (None, Record::Order(_)) if text.contains("$serde_json") => Ok(false),
            (None, Record::Order(_)) => Err(TestCaseError::fail(format!(
                "gave up on {text}, which has nothing to report"
            ))),
            (None, Record::Error(_)) => Ok(false),
        }
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (any::<usize>(), any::<usize>()).prop_map(|(at, leaf)| Change::Set(at, leaf)),
            (any::<usize>(), any::<usize>(), any::<usize>())
                .prop_map(|(at, key, leaf)| Change::Add(at, key, leaf)),
            any::<usize>().prop_map(Change::Drop),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// On orders changed at random (wrong types, bad codes, numbers in every form,
        /// control characters, repeated keys, serde_json's private keys), this reader reads
        /// what the long way reads clean, the same, and gives up on the rest.
        #[test]
        fn reads_what_the_long_way_reads(changes in prop::collection::vec(change(), 0..4)) {
            let mut tree = template();
            for change in &changes {
                apply(&mut tree, change);
            }
            let mut text = String::new();
            tree.write(&mut text);
            agree(&text)?;
        }
    }

    #[test]
    fn clean_orders_are_read_in_one_pass() -> Result<(), TestCaseError> {
        let mut text = String::new();
        template().write(&mut text);
        prop_assert!(agree(&text)?);
        // Every JSON Lines record of the fixtures, clean or not.
        let mut read = 0;
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")) {
            let entry = entry.map_err(|e| TestCaseError::fail(e.to_string()))?;
            if entry.path().extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let Ok(file) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for line in file.lines().filter(|l| !l.trim().is_empty()) {
                read += usize::from(agree(line)?);
            }
        }
        prop_assert!(read > 100, "only {read} fixture records read in one pass");
        Ok(())
    }
}
