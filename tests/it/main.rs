//! Integration tests, one module per area, through the public API only.

// Tests fail by panicking; the crate-wide denials guard library code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod adversarial;
mod cli;
mod coverage;
mod diagnostics;
mod diff;
mod differential;
mod escaping;
mod explain;
mod hostile_lists;
mod hostile_orders;
mod input_counts;
mod language;
mod lint;
mod loaders;
mod packs;
mod properties;
mod readers;
mod report_html;
mod reports;
mod rules;
mod ruletest;
mod schema;
mod screening_evasion;
mod screening_ids_and_dates;
mod screening_importers;
mod screening_matching;
mod screening_rules;
mod serve;
mod support;
mod waivers;
