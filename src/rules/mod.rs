//! Rule packs: files in, validated model out.
//!
//! `raw` mirrors the TOML with spans; `validate` resolves names against the
//! order schema and the pack's lists; `pack` ties the files of a pack
//! together; `model` is the result the engine compiles.

pub mod expr;
pub mod layers;
pub mod letters;
pub mod lists;
pub mod model;
pub mod pack;
pub mod pattern_set;
pub mod places;
pub mod raw;
pub mod spacing;
pub mod validate;

pub use model::{RulePack, Severity};
pub use pack::{build, PackFiles};
