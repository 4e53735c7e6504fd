//! Order records: the model every loader produces and every rule reads.
//!
//! An input yields a stream of [`Record`]s, each either an [`Order`] (a
//! normalised [`Value`] tree plus where it came from) or a [`RecordError`]
//! (where, and every problem found). Nothing here knows about rules; the
//! engine only ever sees orders that loaded cleanly.

pub mod country_names;
mod cr_lines;
pub mod csv;
mod direct;
mod duplicates;
pub mod fields;
pub mod input;
pub mod iso;
mod iso_lookup;
pub mod json;
pub mod limits;
pub mod map;
pub(crate) mod misdecoded;
pub mod normalize;
pub mod path;
mod scalars;
pub mod schema;
mod seen_ids;
pub mod value;
pub mod workbook;

pub use fields::{FieldHint, Fields};
pub use input::{
    from_reader, from_reader_digested, from_text, open, open_digested, open_pending_deferred,
    open_pending_digested, ColumnMap, HeaderProblem, InputDigest, InputError, InputFormat,
    InputHash, PendingRecords, Records,
};
pub use json::{Pending, RepeatedIds};
pub use map::{encoding_named, Join, SheetChoice, ValueFormat};
pub use normalize::normalize_order;
pub use path::{Path, Reach, Segment, Trail};
pub use schema::Shape;
pub use seen_ids::RunIds;
pub use value::Value;

/// Where a record came from: the file (or `-` for standard input) and the
/// 1-based line on which the record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file as the user named it, `-` for standard input.
    pub file: String,
    /// 1-based line where the record starts.
    pub line: usize,
}

/// One order that loaded and normalised cleanly.
#[derive(Debug, Clone)]
pub struct Order {
    /// The order's `id`.
    pub id: String,
    /// Where the record starts.
    pub origin: Origin,
    /// The normalised record; always a [`Value::Map`].
    pub root: Value,
}

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Stable code, `O1xx`.
    pub code: &'static str,
    /// The order path of the field (`buyer.country`), empty for the record as a whole.
    pub path: String,
    /// For CSV, the header of the column the value came from.
    pub column: Option<String>,
    /// For CSV, the 1-based line of the row the value came from when it is
    /// not the record's first line.
    pub line: Option<usize>,
    /// Lowercase, one sentence, user values in backticks.
    pub message: String,
}

impl std::fmt::Display for FieldProblem {
    /// `O104 \`buyer.country\`: ...`, or `CODE message` for the record as a whole.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} {}", self.code, self.message)
        } else {
            write!(f, "{} `{}`: {}", self.code, self.path, self.message)
        }
    }
}

/// A record that could not be read; it is judged `error`, never `clear`.
#[derive(Debug, Clone)]
pub struct RecordError {
    /// Where the record starts.
    pub origin: Origin,
    /// The order id, when it could be read.
    pub order_id: Option<String>,
    /// Every problem found in the record (at least one).
    pub problems: Vec<FieldProblem>,
}

/// What an input yields for each record it holds.
#[derive(Debug, Clone)]
pub enum Record {
    /// A readable order.
    Order(Order),
    /// A record that could not be read.
    Error(RecordError),
}
