//! Keys that appear more than once in one JSON object, at any depth.
//!
//! serde_json keeps the last value of a repeated key without a word, so a record with
//! `"country": "KP", "country": "DE"` would read as a German buyer while another tool reads
//! it as North Korean. Such a record is ambiguous and is refused (`O115`). The check is a
//! second pass over the record's text that builds no values (serde_json offers no hook for
//! it while building its `Value`), run only on text that already parsed.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// One step of the path to a repeated key.
enum Step<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

/// The paths of every repeated key in `text` (`buyer.country`, `items[1].sku`), once per key
/// and object, in the order met. Text that does not parse yields what was found before the
/// error (the caller reports the syntax error itself).
pub(crate) fn repeated_keys(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut path = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let _ = Scan {
        path: &mut path,
        found: &mut found,
    }
    .deserialize(&mut deserializer);
    found
}

fn render(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

struct Scan<'a, 'de> {
    path: &'a mut Vec<Step<'de>>,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Scan<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Scan { path, found } = self;
        let mut index = 0;
        loop {
            path.push(Step::Index(index));
            let more = seq.next_element_seed(Scan {
                path: &mut *path,
                found: &mut *found,
            })?;
            path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Scan { path, found } = self;
        let mut keys = Keys::default();
        let mut reported: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if !keys.insert(key.clone()) && !reported.contains(&key) {
                reported.push(key.clone());
                path.push(Step::Key(key.clone()));
                found.push(render(path));
                path.pop();
            }
            path.push(Step::Key(key));
            map.next_value_seed(Scan {
                path: &mut *path,
                found: &mut *found,
            })?;
            path.pop();
        }
        Ok(())
    }
}

/// The keys of one object so far. Most objects of an order have a handful of keys, for which
/// comparing with each is cheaper than hashing; past a few dozen a hash set keeps an object
/// of 100,000 keys linear.
#[derive(Default)]
struct Keys<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> Keys<'de> {
    const FEW: usize = 32;

    /// Adds `key`; false when it was there already.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(key);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }
}

/// A key, borrowed from the text when it has no escapes (shared with `direct`).
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key.to_string()))
    }

    fn visit_string<E>(self, key: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_at_any_depth() {
        assert!(repeated_keys(r#"{"a": 1, "b": [1, {"c": 2}], "n": 1.5e3}"#).is_empty());
        assert_eq!(
            repeated_keys(r#"{"buyer": {"country": "KP", "country": "DE", "country": "FR"}}"#),
            vec!["buyer.country"]
        );
        assert_eq!(
            repeated_keys(
                r#"{"items": [{"sku": 1}, {"sku": 1, "s\u006bu": 2}], "id": 1, "id": 2}"#
            ),
            vec!["items[1].sku", "id"]
        );
        // Past the few keys compared directly, the hash set takes over.
        let many: String = (0..40).map(|i| format!("\"k{i}\": {i}, ")).collect();
        assert_eq!(
            repeated_keys(&format!("{{{many}\"k35\": 0, \"k2\": 0, \"k2\": 1}}")),
            vec!["k35", "k2"]
        );
    }
}
