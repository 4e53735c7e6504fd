//! Members of an order the format does not know: no rule would read what they hold, so each
//! is a problem, and one holding a party (`"consignee": {"name": "MAHAN AIR"}`) is told apart.

use super::{codes, problem, with_article, FieldProblem, Fields, Shape, Value};

/// The order's own parties, as a member named otherwise may have been meant to be one.
const PARTY_FIELDS: [&str; 5] = [
    "buyer",
    "end_user",
    "consignees",
    "forwarder",
    "payment.payer",
];

/// A member of the order the format does not know is a problem (`O120`), and one holding a
/// party is told apart (`O118`): read by no rule, a listed consignee
/// written as `"consignee": {"name": "MAHAN AIR"}` was never screened and the order came out
/// clear. A party is an object with a name (`name`, `Name`), or a list of them, under any
/// key (`ship_to`, `notify_parties`); under a key one letter or so from a party field
/// (`consignee`, `enduser`) any text or object is taken for one (`"consignee": "MAHAN AIR"`).
/// Below `attributes` it is kept as it is (and its texts read for listed names), so an export
/// that means to keep such a party says so there.
pub(super) fn unknown_order_members(order: &Fields, problems: &mut Vec<FieldProblem>) {
    for (key, value) in order.iter() {
        if Shape::Order.field(key).is_some() {
            continue;
        }
        let near = crate::diag::did_you_mean(key, PARTY_FIELDS.iter().copied());
        let party = |value: &Value| match value.get_loose("name").and_then(Value::as_text) {
            Some(name) => Some(name.to_string()),
            None if near.is_none() => None,
            None => match value {
                Value::Text(text) if !text.trim().is_empty() => Some(text.to_string()),
                Value::Map(members) if !members.is_empty() => Some(value.to_string()),
                _ => None,
            },
        };
        let name = match value {
            Value::List(members) => members.iter().find_map(party),
            other => party(other),
        };
        let Some(name) = name else {
            problems.push(unknown_member(Shape::Order, key, key));
            continue;
        };
        let known = Shape::Order.fields().iter().map(|(field, _)| *field);
        let hint = match near.or_else(|| crate::diag::did_you_mean(key, known)) {
            Some(field) => format!("did you mean `{field}`?"),
            None => format!("the order's parties are {}", {
                let quoted: Vec<String> = PARTY_FIELDS.iter().map(|f| format!("`{f}`")).collect();
                quoted.join(", ")
            }),
        };
        let letters = not_ascii(key);
        problems.push(problem(
            codes::UNKNOWN_PARTY,
            key,
            format!(
                "`{key}` is no field of an order, and it holds a party (`{name}`) that no rule \
                 would read or screen: {hint} (or keep it below `attributes`){letters}"
            ),
        ));
    }
}

/// A member `key` of `shape` that the format does not know, at `path`: no rule would read it.
/// Data a rule may read has its place below the order's or a party's `attributes`.
pub(super) fn unknown_member(shape: Shape, key: &str, path: &str) -> FieldProblem {
    let known = shape.fields().iter().map(|(field, _)| *field);
    let hint = match crate::diag::did_you_mean(key, known) {
        Some(field) => format!(": did you mean `{field}`?"),
        None => String::new(),
    };
    let keep = match shape {
        Shape::Order | Shape::Party => "below `attributes`",
        _ => "below the order's `attributes`",
    };
    problem(
        codes::UNKNOWN_MEMBER,
        path,
        format!(
            "`{key}` is no field of {}, and no rule would read what it holds{hint} (keep it \
             {keep} if a rule should read it, or leave it out){}",
            with_article(&shape.name()),
            not_ascii(key)
        ),
    )
}

/// A member named as `field` of `shape` but written otherwise, which no rule would read.
pub(super) fn misnamed(shape: Shape, key: &str, field: &str, path: &str) -> FieldProblem {
    problem(
        codes::MISNAMED,
        path,
        format!(
            "`{key}` is no field of {}, and no rule would read it: write it `{field}`{}",
            with_article(&shape.name()),
            not_ascii(key)
        ),
    )
}

/// The characters of a key that are not ASCII, named by code point, for a message: a key
/// that imitates a field with letters of another script (`cоnsignees` with a Cyrillic `о`) or
/// an invisible character reads as that field.
fn not_ascii(key: &str) -> String {
    let foreign: Vec<String> = key
        .chars()
        .filter(|c| !c.is_ascii())
        .take(3)
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    if foreign.is_empty() {
        String::new()
    } else {
        format!(" (the key holds {}, not ASCII)", foreign.join(", "))
    }
}
