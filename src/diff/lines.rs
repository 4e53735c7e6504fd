//! Reading a report written as JSON Lines (`check --format jsonl`): one record a line, each
//! read by serde through its line break and no further, so no line is held as text.

use std::fmt;
use std::io::{self, BufRead, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::read::{
    cannot_read, check_schema, json_problem, not_a_report, Orders, Sink, Unreadable, WireOrder,
};

/// One line of a JSON Lines report, read through its line break and no further, so serde
/// reads the line as a whole value and a line break inside it ends it.
struct LineRead<'r, R> {
    inner: &'r mut R,
    /// The line break has been read.
    ended: bool,
    /// Only whitespace so far.
    blank: bool,
    /// Bytes of the line left in the reader's buffer, as found when it was last filled.
    segment: usize,
    /// The line ends with the segment.
    last_segment: bool,
}

impl<R: BufRead> Read for LineRead<'_, R> {
    // serde_json reads a byte at a time: the line break is looked for once per buffer
    // (`segment`), not once per byte.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let available = self.inner.fill_buf()?;
        if available.is_empty() {
            self.ended = true;
            return Ok(0);
        }
        if self.segment == 0 {
            let (length, ends) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            self.segment = length;
            self.last_segment = ends;
            self.blank = self.blank && available[..length].iter().all(u8::is_ascii_whitespace);
        }
        let take = self.segment.min(buf.len()).min(available.len());
        if take == 1 {
            buf[0] = available[0];
        } else {
            buf[..take].copy_from_slice(&available[..take]);
        }
        self.inner.consume(take);
        self.segment -= take;
        if self.segment == 0 && self.last_segment {
            self.ended = true;
        }
        Ok(take)
    }
}

/// What one JSON Lines record is.
enum Record {
    /// A run header after the first: only that it is one matters.
    Run,
    Order(WireOrder),
    Summary(Map<String, Json>),
    Other(String),
}

struct RecordVisitor;

impl<'de> DeserializeSeed<'de> for RecordVisitor {
    type Value = Record;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Record, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with a `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field("type"));
        };
        if first == "type" {
            // `check` writes `type` first: an order is then read straight into its fields.
            let kind: String = map.next_value()?;
            return Ok(match kind.as_str() {
                "order" => Record::Order(WireOrder::deserialize(
                    de::value::MapAccessDeserializer::new(map),
                )?),
                "summary" => Record::Summary(Deserialize::deserialize(
                    de::value::MapAccessDeserializer::new(map),
                )?),
                _ => {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    if kind == "run" {
                        Record::Run
                    } else {
                        Record::Other(kind)
                    }
                }
            });
        }
        let mut object = Map::new();
        let value: Json = map.next_value()?;
        object.insert(first, value);
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            object.insert(key, value);
        }
        record_of(object).map_err(de::Error::custom)
    }
}

/// A record whose `type` is not its first key, read whole first.
fn record_of(mut object: Map<String, Json>) -> Result<Record, String> {
    let kind = match object.shift_remove("type") {
        Some(Json::String(kind)) => kind,
        Some(other) => return Err(format!("`type` is {other}, not a string")),
        None => return Err("missing field `type`".to_string()),
    };
    Ok(match kind.as_str() {
        "run" => Record::Run,
        "summary" => Record::Summary(object),
        "order" => {
            Record::Order(WireOrder::deserialize(Json::Object(object)).map_err(|e| e.to_string())?)
        }
        _ => Record::Other(kind),
    })
}

pub(super) fn read_lines<R: BufRead>(
    mut reader: R,
    mut head: Map<String, Json>,
    lines_before: usize,
    orders: &mut Orders,
    sink: &mut Sink<'_>,
    name: &str,
) -> Result<(Json, Option<Json>), Unreadable> {
    match head.shift_remove("type") {
        Some(Json::String(kind)) if kind == "run" => {}
        Some(kind) => {
            let why = format!("its first record is of type {kind}, not the run header");
            return Err(not_a_report(name, &why).on_line(lines_before));
        }
        None => {}
    }
    let header = Json::Object(head);
    check_schema(header.get("schema"), name).map_err(|p| p.on_line(lines_before))?;
    let mut summary = None;
    let mut number = lines_before;
    loop {
        number += 1;
        if reader
            .fill_buf()
            .map_err(|e| cannot_read(name, &e))?
            .is_empty()
        {
            break;
        }
        let mut line = LineRead {
            inner: &mut reader,
            ended: false,
            blank: true,
            segment: 0,
            last_segment: false,
        };
        let mut de = serde_json::Deserializer::from_reader(&mut line);
        let record = RecordVisitor
            .deserialize(&mut de)
            .and_then(|r| de.end().map(|()| r));
        let blank = line.blank;
        let record = match record {
            Ok(record) => record,
            Err(_) if blank => continue,
            Err(e) => {
                return Err(json_problem(
                    &e,
                    name,
                    number - 1,
                    &format!("its line {number}"),
                ))
            }
        };
        let why = match record {
            Record::Run => {
                format!("line {number} is a second run header; were two reports joined?")
            }
            _ if summary.is_some() => format!("line {number} follows its summary"),
            Record::Order(order) => {
                sink(order, orders);
                continue;
            }
            Record::Summary(object) => {
                summary = Some(Json::Object(object));
                continue;
            }
            Record::Other(kind) => {
                format!("line {number} has type `{kind}`, not `order` or `summary`")
            }
        };
        return Err(not_a_report(name, &why).on_line(number));
    }
    // `check` ends every JSON Lines report with its summary: without one, the report was cut
    // off, and how many orders it lost cannot be told.
    let Some(summary) = summary else {
        return Err(not_a_report(
            name,
            "it has no summary line, so it was cut off",
        ));
    };
    Ok((header, Some(summary)))
}
