//! Compact JSON for the per-order records, written in one pass over each string.
//!
//! serde_json with the [`super::Escaping`] formatter writes the same bytes, but it scans every
//! byte of a string for its own escapes and then hands each unescaped run to the formatter,
//! which scans it again for the hidden characters redflag escapes too: the report of a run was
//! about a seventh of its instructions, most of it in those two scans. This serializer checks
//! eight bytes at a time for anything either would escape and copies a string that has none
//! (nearly all of them) at once; a string that has some is escaped character by character
//! exactly as the two would. It serializes what the views of `wire.rs` hold (strings, integers,
//! booleans, options, lists, structs and maps with string keys) and refuses anything else;
//! `tests` below check its bytes against serde_json's over every record the fixtures render.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::report::escape::is_hidden;

/// Appends `value` to `out` as compact JSON, the bytes `super::write_view` writes.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Compact { out })
}

/// A value this serializer does not write (a float, a variant, bytes): a defect of a view.
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error(message.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Error> {
    Err(Error(format!(
        "the compact JSON writer does not write {what}"
    )))
}

struct Compact<'a> {
    out: &'a mut Vec<u8>,
}

/// True when some byte of `word` is below 0x20, `"`, `\` or at least 0x7F. It may also be true
/// for a word without one (a borrow into the next byte), which only sends the string to the
/// careful path.
fn needs_care(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    let high = (word | word.wrapping_add(ONES)) & HIGH;
    control | quote | backslash | high != 0
}

/// True when `text` has nothing JSON or redflag escapes (see [`needs_care`]).
fn is_plain(text: &[u8]) -> bool {
    let mut words = text.chunks_exact(8);
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        if needs_care(u64::from_le_bytes(bytes)) {
            return false;
        }
    }
    // The last few bytes as one more word, padded with a letter that needs no care, rather
    // than byte by byte: most strings of a report end in a part word.
    let rest = words.remainder();
    if rest.is_empty() {
        return true;
    }
    let mut bytes = [b'a'; 8];
    if let Some(head) = bytes.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    !needs_care(u64::from_le_bytes(bytes))
}

/// Writes `text` as a JSON string: serde_json's escapes (quote, backslash, C0 controls, short
/// forms for five of them), then every character [`is_hidden`] names as `\uXXXX` (UTF-16
/// units, lower-case hex), as `super::Escaping` does after serde_json.
fn string(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    if is_plain(text.as_bytes()) {
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        return;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut copied = 0;
    for (at, c) in text.char_indices() {
        let short = match c {
            '"' => Some(b'"'),
            '\\' => Some(b'\\'),
            '\u{8}' => Some(b'b'),
            '\t' => Some(b't'),
            '\n' => Some(b'n'),
            '\u{c}' => Some(b'f'),
            '\r' => Some(b'r'),
            _ => None,
        };
        let control = u32::from(c) < 0x20;
        if short.is_none() && !control && !is_hidden(c) {
            continue;
        }
        out.extend_from_slice(&text.as_bytes()[copied..at]);
        copied = at + c.len_utf8();
        if let Some(letter) = short {
            out.extend_from_slice(&[b'\\', letter]);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.extend_from_slice(b"\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[usize::from((*unit >> shift) & 0xf)]);
            }
        }
    }
    out.extend_from_slice(&text.as_bytes()[copied..]);
    out.push(b'"');
}

impl Compact<'_> {
    fn integer<I: itoa::Integer>(&mut self, n: I) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        Ok(())
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Compact<'b> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Members<'a, 'b>;
    type SerializeTuple = Members<'a, 'b>;
    type SerializeTupleStruct = Members<'a, 'b>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Members<'a, 'b>;
    type SerializeStruct = Members<'a, 'b>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        unsupported("floats")
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        unsupported("floats")
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        unsupported("enum variants with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Members<'a, 'b>, Error> {
        Ok(Members::open(self, b'[', b']'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Members<'a, 'b>, Error> {
        Ok(Members::open(self, b'[', b']'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Members<'a, 'b>, Error> {
        Ok(Members::open(self, b'[', b']'))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        unsupported("enum variants with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Members<'a, 'b>, Error> {
        Ok(Members::open(self, b'{', b'}'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Members<'a, 'b>, Error> {
        Ok(Members::open(self, b'{', b'}'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        unsupported("enum variants with data")
    }
}

/// The members of a list or object being written.
pub(crate) struct Members<'a, 'b> {
    compact: &'a mut Compact<'b>,
    first: bool,
    close: u8,
}

impl<'a, 'b> Members<'a, 'b> {
    fn open(compact: &'a mut Compact<'b>, open: u8, close: u8) -> Members<'a, 'b> {
        compact.out.push(open);
        Members {
            compact,
            first: true,
            close,
        }
    }

    fn separate(&mut self) {
        if !self.first {
            self.compact.out.push(b',');
        }
        self.first = false;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate();
        value.serialize(&mut *self.compact)
    }

    fn close(self) -> Result<(), Error> {
        self.compact.out.push(self.close);
        Ok(())
    }
}

impl ser::SerializeSeq for Members<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Members<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Members<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeMap for Members<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate();
        key.serialize(Key {
            out: &mut *self.compact.out,
        })?;
        self.compact.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.compact)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Members<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.separate();
        // A field's name is a name of a view in `wire.rs`, plain ASCII, copied as it is: half
        // a record's strings are these names, and checking each for escapes was 2 % of a run's
        // instructions. The test suite runs with debug assertions (`cargo test`), so every
        // view it renders has its names checked.
        debug_assert!(
            is_plain(key.as_bytes()),
            "a view's field name needs escaping: {key}"
        );
        let out = &mut *self.compact.out;
        out.reserve(key.len() + 3);
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        value.serialize(&mut *self.compact)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A map key: a string, as every map of the views has.
struct Key<'a> {
    out: &'a mut Vec<u8>,
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_char(self, _: char) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_none(self) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_unit(self) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_tuple(self, _: usize) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        unsupported("map keys that are not strings")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize as DeriveSerialize;

    use super::*;

    /// What `super::super::write_view` writes, compact.
    fn reference<T: Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        let written = super::super::write_view(&mut out, value, false);
        assert!(written.is_ok());
        out
    }

    fn compact<T: Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        assert!(write(&mut out, value).is_ok());
        out
    }

    #[derive(DeriveSerialize)]
    struct Record<'a> {
        text: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<&'a str>,
        none: Option<usize>,
        count: usize,
        signed: i64,
        flag: bool,
        list: Vec<&'a str>,
        empty: Vec<u32>,
        cells: std::collections::BTreeMap<&'a str, &'a str>,
        nested: Option<Box<Record<'a>>>,
    }

    /// Texts from every class the two escapers treat apart.
    fn text() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("plain ascii text ".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\u{7f}".to_string()),
            Just("\u{85}\u{200b}\u{202e}\u{2028}\u{feff}\u{e0041}".to_string()),
            Just("Straße 東京 😀".to_string()),
            (0u32..0x20).prop_map(|c| char::from_u32(c).map(String::from).unwrap_or_default()),
            any::<char>().prop_map(String::from),
            "[ -~]{0,20}",
        ];
        prop::collection::vec(pieces, 0..8).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every text is written as serde_json with redflag's escaping formatter writes it.
        #[test]
        fn strings_are_written_as_serde_json_writes_them(text in text()) {
            prop_assert_eq!(compact(&text), reference(&text));
        }

        /// So is every shape the views hold.
        #[test]
        fn records_are_written_as_serde_json_writes_them(
            a in text(),
            b in text(),
            count in any::<usize>(),
            signed in any::<i64>(),
            flag in any::<bool>(),
        ) {
            let cells = [(a.as_str(), b.as_str()), ("k", "v")].into_iter().collect();
            let inner = Record {
                text: &b,
                skipped: None,
                none: None,
                count,
                signed,
                flag,
                list: vec![],
                empty: vec![],
                cells: Default::default(),
                nested: None,
            };
            let record = Record {
                text: &a,
                skipped: Some(&b),
                none: Some(count),
                count,
                signed: -signed.saturating_abs(),
                flag: !flag,
                list: vec![&a, &b, ""],
                empty: vec![],
                cells,
                nested: Some(Box::new(inner)),
            };
            prop_assert_eq!(compact(&record), reference(&record));
        }
    }

    /// A view's field name is copied without the escape scan: one that needed escaping is
    /// stopped by the debug assertion the test suite runs with, not written as broken JSON.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "needs escaping")]
    fn a_field_name_that_needs_escaping_is_stopped() {
        #[derive(DeriveSerialize)]
        struct Odd {
            #[serde(rename = "quoted\"name")]
            odd: u8,
        }
        compact(&Odd { odd: 1 });
    }

    #[test]
    fn floats_are_refused_not_guessed() {
        assert!(write(&mut Vec::new(), &1.5f64).is_err());
    }
}
