//! Integration tests, one module per area, through the public API only.

// Tests fail by panicking; the crate-wide denials guard library code.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
// fuzz_replay includes fuzz/src/lib.rs, which includes input_counts.rs for itself.
#![allow(clippy::duplicate_mod)]

mod adversarial;
mod cli;
mod coverage;
mod diagnostics;
mod diff;
mod differential;
mod encodings;
mod erp;
mod escaping;
mod explain;
mod fuzz_replay;
mod hostile_lists;
mod hostile_orders;
mod input_counts;
mod language;
mod lint;
mod list_cache;
mod list_dates;
mod list_integrity;
mod loaders;
mod order_fields;
mod packs;
mod profile;
mod properties;
mod readers;
mod remembered_elements;
mod report_filters;
mod report_html;
mod reports;
mod rules;
mod ruletest;
mod schema;
mod screening_addresses;
mod screening_candidates;
mod screening_evasion;
mod screening_ids_and_dates;
mod screening_importers;
mod screening_matching;
mod screening_ownership;
mod screening_pruning;
mod screening_rules;
mod screening_translit;
mod screening_words;
mod serve;
mod sums;
mod support;
mod unmatchable_list_names;
mod waivers;
