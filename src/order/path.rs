//! Field paths such as `items[*].hs`, `consignees[-1].city` or `buyer.country`.
//!
//! A path is parsed once when a rule is loaded and resolved many times against
//! orders. Resolution yields every value the path reaches together with the
//! concrete path (`consignees[1].city`), which is what evidence quotes.

use std::fmt;

use super::value::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A named member of an object.
    Field(String),
    /// A list member; negative counts from the end (`-1` is the last).
    Index(i64),
    /// Every member of a list (`[*]`).
    Each,
}

/// A parsed path, relative to the order or to a bound variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    segments: Vec<Segment>,
}

/// Why a path text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSyntaxError {
    /// Byte offset into the path text.
    pub offset: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl Path {
    /// Parses `a.b[0].c[*]`; field names are `[A-Za-z0-9_]+`.
    pub fn parse(text: &str) -> Result<Path, PathSyntaxError> {
        let mut segments = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut expect_field = true;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'[' {
                let close = text[i..].find(']').map(|p| p + i).ok_or(PathSyntaxError {
                    offset: i,
                    message: "unclosed `[`".into(),
                })?;
                let inner = text[i + 1..close].trim();
                if inner == "*" {
                    segments.push(Segment::Each);
                } else {
                    let index = inner.parse::<i64>().map_err(|_| PathSyntaxError {
                        offset: i + 1,
                        message: format!("`{inner}` is not a list index (use a number or `*`)"),
                    })?;
                    segments.push(Segment::Index(index));
                }
                i = close + 1;
                expect_field = false;
            } else if c == b'.' {
                if expect_field {
                    return Err(PathSyntaxError {
                        offset: i,
                        message: "empty field name".into(),
                    });
                }
                i += 1;
                expect_field = true;
            } else {
                if !expect_field {
                    return Err(PathSyntaxError {
                        offset: i,
                        message: "expected `.` or `[` after a list index".into(),
                    });
                }
                let end = text[i..]
                    .find(['.', '['])
                    .map(|p| p + i)
                    .unwrap_or(text.len());
                let name = &text[i..end];
                if let Some(bad) = name
                    .char_indices()
                    .find(|(_, ch)| !(ch.is_ascii_alphanumeric() || *ch == '_'))
                {
                    return Err(PathSyntaxError {
                        offset: i + bad.0,
                        message: format!("`{}` cannot appear in a field name", bad.1),
                    });
                }
                segments.push(Segment::Field(name.to_string()));
                i = end;
                expect_field = false;
            }
        }
        if segments.is_empty() || (expect_field && !text.is_empty()) {
            return Err(PathSyntaxError {
                offset: text.len(),
                message: "the path is empty or ends with `.`".into(),
            });
        }
        Ok(Path { segments })
    }

    /// Builds a path from segments.
    pub fn from_segments(segments: Vec<Segment>) -> Path {
        Path { segments }
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True when the path can reach more than one value.
    pub fn has_wildcard(&self) -> bool {
        self.segments.contains(&Segment::Each)
    }

    /// Every value this path reaches from `root`, with its concrete path
    /// appended to `prefix`. A member that is absent or null yields `None`
    /// with the path where it was expected, so that a rule over `items[*].hs`
    /// sees an item without `hs` as unknown instead of skipping it; an empty
    /// list yields nothing.
    pub fn resolve<'v>(
        &self,
        root: &'v Value,
        prefix: &str,
        out: &mut Vec<(String, Option<&'v Value>)>,
    ) {
        resolve_from(root, &self.segments, prefix.to_string(), out);
    }
}

fn resolve_from<'v>(
    value: &'v Value,
    segments: &[Segment],
    at: String,
    out: &mut Vec<(String, Option<&'v Value>)>,
) {
    let Some((first, rest)) = segments.split_first() else {
        let present = (!matches!(value, Value::Null)).then_some(value);
        out.push((at, present));
        return;
    };
    match first {
        Segment::Field(name) => {
            let next = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            match value.get(name) {
                Some(member) => resolve_from(member, rest, next, out),
                // An absent list is an empty list: the spec makes `consignees`,
                // `route` and the like optional, and "no consignees" is a fact.
                None if rest.first() == Some(&Segment::Each) => {}
                None => out.push((next, None)),
            }
        }
        Segment::Index(index) => match value.as_list() {
            Some(list) => {
                let len = list.len() as i64;
                let actual = if *index < 0 { len + index } else { *index };
                if (0..len).contains(&actual) {
                    let slot = actual as usize;
                    resolve_from(&list[slot], rest, format!("{at}[{slot}]"), out);
                } else {
                    out.push((format!("{at}[{index}]"), None));
                }
            }
            None => out.push((format!("{at}[{index}]"), None)),
        },
        Segment::Each => match value.as_list() {
            Some(list) => {
                for (slot, member) in list.iter().enumerate() {
                    resolve_from(member, rest, format!("{at}[{slot}]"), out);
                }
            }
            None if matches!(value, Value::Null) => {}
            None => out.push((format!("{at}[*]"), None)),
        },
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Each => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}
