//! Party screening: importing sanctions and denied-party lists, normalising and transliterating
//! names, scoring name and identifier matches, and an in-memory index that screens parties
//! against all loaded lists with explained, deterministic results.
//!
//! The module is self-contained (it depends on nothing else in redflag). Matching and scoring
//! code does no I/O; only [`import::load_file`] reads files. The method and the list formats are
//! documented in docs/screening.md.

pub mod address;
pub mod address_index;
mod arabic_terms;
mod candidates;
pub mod care_of;
pub mod chars;
mod compact;
pub mod countries;
pub(crate) mod country_words;
mod cyrillic_chinese;
mod cyrillic_foreign;
mod cyrillic_korean;
mod cyrillic_terms;
mod german_spelling;
mod han_terms;
mod hanja;
pub mod ids;
pub mod import;
pub mod index;
pub mod korean;
pub mod mandarin;
pub mod model;
mod name_bound;
mod neighbours;
pub mod nicknames;
pub mod normalize;
pub mod other_names;
pub mod ownership;
mod patronymic;
pub mod persist;
pub mod readings;
mod row_memo;
pub mod score;
pub mod similarity;
pub mod steps;
pub mod translit;

pub use ids::{validate, IdCheck};
pub use import::{detect_format, import_str, load_file};
pub use index::{Match, MatchedOn, Query, Screener, ScreenerConfig};
pub use model::{
    Alias, Entry, EntryKind, ListFile, ListFormat, ListedAt, PartyId, RowProblem, RowProblemKind,
};
pub use normalize::{normalize, NormalizedName};

/// A list file that cannot be read at all (as opposed to a bad row, which is a
/// [`RowProblem`]).
#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The content is not in any format we know, or misses what the format requires.
    #[error("{file}: {message}")]
    Unreadable {
        /// Display name of the file.
        file: String,
        /// Lowercase one-sentence reason with user values in backticks.
        message: String,
    },
}
