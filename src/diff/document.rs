//! Reading a report written as one JSON document (`check --format json`): a serde visitor over
//! the top-level object keeps the run header and summary as JSON values and hands each member
//! of `orders` on as it is read, so the document is never held whole.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use super::read::{check_schema, json_problem, not_a_report, Orders, Sink, Unreadable, WireOrder};

/// Where a document's visitor keeps what it read; `problem` is set when it stops the read for
/// a reason of its own (serde only carries a message).
struct DocumentState<'a, 'b> {
    orders: &'a mut Orders,
    sink: &'a mut Sink<'b>,
    name: &'a str,
    header: Map<String, Json>,
    summary: Option<Json>,
    schema_checked: bool,
    entered: bool,
    problem: Option<Unreadable>,
}

impl DocumentState<'_, '_> {
    fn stop<E: de::Error>(&mut self, problem: Unreadable) -> E {
        self.problem = Some(problem);
        E::custom("stopped")
    }
}

pub(super) fn read_document<R: Read>(
    reader: R,
    orders: &mut Orders,
    sink: &mut Sink<'_>,
    name: &str,
) -> Result<(Json, Option<Json>), Unreadable> {
    let mut state = DocumentState {
        orders,
        sink,
        name,
        header: Map::new(),
        summary: None,
        schema_checked: false,
        entered: false,
        problem: None,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let read =
        de::Deserializer::deserialize_map(&mut de, Document(&mut state)).and_then(|()| de.end());
    if let Some(problem) = state.problem.take() {
        return Err(problem);
    }
    match read {
        Err(e) if !state.entered && e.classify() == serde_json::error::Category::Data => {
            return Err(not_a_report(name, "the report is not a JSON object"))
        }
        Err(e) => return Err(json_problem(&e, name, 0, "its `orders`")),
        Ok(()) => {}
    }
    if !state.schema_checked {
        check_schema(state.header.get("schema"), name)?;
    }
    Ok((Json::Object(state.header), state.summary))
}

struct Document<'s, 'a, 'b>(&'s mut DocumentState<'a, 'b>);

impl<'de> Visitor<'de> for Document<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a redflag check report")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        state.entered = true;
        let mut keys = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                let problem = not_a_report(
                    state.name,
                    &format!("`{key}` appears twice in it, and readers keep different ones"),
                );
                return Err(state.stop(problem));
            }
            match key.as_str() {
                "orders" => {
                    // `check` writes the schema first; a schema read and refused has stopped
                    // the read already.
                    if !state.schema_checked {
                        let problem = not_a_report(
                            state.name,
                            "the report has no `schema` before its `orders`",
                        );
                        return Err(state.stop(problem));
                    }
                    map.next_value_seed(OrderList(&mut *state))?;
                }
                "summary" => state.summary = Some(map.next_value()?),
                _ => {
                    let value: Json = map.next_value()?;
                    if key == "schema" {
                        if let Err(problem) = check_schema(Some(&value), state.name) {
                            return Err(state.stop(problem));
                        }
                        state.schema_checked = true;
                    }
                    state.header.insert(key, value);
                }
            }
        }
        Ok(())
    }
}

struct OrderList<'s, 'a, 'b>(&'s mut DocumentState<'a, 'b>);

impl<'de> DeserializeSeed<'de> for OrderList<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for OrderList<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of orders")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(order) = seq.next_element::<WireOrder>()? {
            (state.sink)(order, state.orders);
        }
        Ok(())
    }
}
