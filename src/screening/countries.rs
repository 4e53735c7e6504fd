//! Country names in list files: the crate's one name table lives in `order::country_names`.

pub use crate::order::country_names::to_iso2;
