//! docs/order-fields.md lists every path of the order schema, and no other: the field
//! reference stays true when `src/order/schema.rs` changes.

use std::collections::BTreeSet;

use redflag::order::Shape;

/// Every path below `prefix` of an object shape, lists' members written `[]`.
fn paths(shape: Shape, prefix: &str, out: &mut BTreeSet<String>) {
    for (name, field) in shape.fields() {
        let path = format!("{prefix}{name}");
        out.insert(path.clone());
        match field.element() {
            Some(member) if member.is_object() && member != Shape::Attributes => {
                paths(member, &format!("{path}[]."), out);
            }
            _ if field.is_object() && *field != Shape::Attributes => {
                paths(*field, &format!("{path}."), out);
            }
            _ => {}
        }
    }
}

#[test]
fn every_schema_path_is_in_the_field_reference() {
    let mut schema = BTreeSet::new();
    paths(Shape::Order, "", &mut schema);
    let doc = std::fs::read_to_string("docs/order-fields.md").unwrap();
    let listed: BTreeSet<String> = doc
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |"))
        .map(|(path, _)| path.to_string())
        .filter(|path| !path.contains(' ') && path.chars().next().is_some_and(char::is_lowercase))
        .collect();
    let missing: Vec<&String> = schema.difference(&listed).collect();
    let unknown: Vec<&String> = listed.difference(&schema).collect();
    assert!(
        missing.is_empty(),
        "schema paths missing from docs/order-fields.md: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/order-fields.md lists paths the schema lacks: {unknown:?}"
    );
    assert!(schema.contains("payment.payer.ids[].scheme"), "{schema:?}");
    assert!(schema.contains("items[].restrictions[].destinations"));
}
