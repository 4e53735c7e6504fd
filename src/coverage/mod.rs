//! Coverage: a red-flag catalogue laid against a rule pack.
//!
//! [`catalogue`] reads the catalogue files of a pack; [`ruletests`] counts the
//! pack's rule tests per rule; [`matrix()`] builds the [`CoverageMatrix`] of
//! items against rules; [`Outcomes`] tallies how rules and conditions came
//! out over a set of orders. Nothing here prints; `report::coverage` renders
//! and `cli` reads files and writes.

pub mod catalogue;
pub mod matrix;
pub mod outcomes;
pub mod ruletests;

pub use catalogue::{Catalogue, Group, Item, Kind, Status};
pub use matrix::{matrix, CoverageMatrix, GroupRow, ItemRow, RuleRow, Totals};
pub use outcomes::{ConditionCounts, Outcomes, RuleCounts};
pub use ruletests::{RuleTests, TestCounts};
