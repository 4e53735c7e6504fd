//! redflag: export-compliance red-flag checks over order records.
//!
//! The pipeline, in reading order: [`order`] loads and normalises records;
//! `rules` turns TOML rule packs into a validated model; `engine` compiles the
//! model and judges each order, producing findings; `report` renders them;
//! `cli` wires it together. Only `cli` and `report` write output, and only
//! loaders read files.

pub mod cli;
pub mod context;
pub mod coverage;
pub mod diag;
pub mod diff;
pub mod digest;
pub mod engine;
pub mod explain;
pub mod findings;
pub mod lint;
pub mod order;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod ruletest;
pub mod schema;
pub mod screening;
pub mod serve;
pub mod store;
pub mod waivers;
