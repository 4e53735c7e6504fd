//! `redflag explain`: loads the pack (and the order), asks `crate::explain`
//! for the explanation and prints it with `report::explain`.

use std::io::{self, Write};

use clap::ValueEnum;

use super::{print_diagnostics, ExplainArgs, Status};
use crate::diag::{Diagnostic, Diagnostics};
use crate::explain;
use crate::order;
use crate::report::explain as render;

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  the rule was explained (whether or not it fired on the order)
  2  bad usage, a rule pack with errors, an unknown rule, an order file that cannot be read,
     an order id the file does not hold, or an order that could not be read";

/// Output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Plain words, for people.
    Human,
    /// One JSON document (schema `redflag.explain/1`).
    Json,
}

pub(super) fn run(args: ExplainArgs) -> Status {
    let (pack, files, warnings) = match super::load_pack(&args.rules) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return Status::Error;
        }
    };
    if !warnings.is_empty() {
        print_diagnostics(&warnings);
    }
    if let Err(problem) = explain::find_rule(&pack, &args.rule) {
        return fail(*problem);
    }
    let cache = super::cache_dir(args.no_list_cache);
    let screening = match super::load_indexed(
        &args.lists,
        &pack,
        false,
        cache.as_deref(),
        args.as_of.unwrap_or_else(super::age_reference_day),
    ) {
        Ok(mut indexed) => {
            let warnings = std::mem::take(&mut indexed.warnings);
            if !warnings.is_empty() {
                print_diagnostics(&warnings);
            }
            indexed
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return Status::Error;
        }
    };
    let engine = screening
        .engine(pack, args.as_of)
        .ship_dates(super::ship_dates(args.shipped, args.as_of));
    let Ok(rule) = explain::find_rule(engine.pack(), &args.rule) else {
        return Status::Error;
    };
    let Some(input) = &args.order else {
        let described = explain::describe(engine.pack(), &files, rule);
        return print(match args.format {
            ExplainFormat::Human => render::rule_text(&described),
            ExplainFormat::Json => json_text(&render::rule_json(&described)),
        });
    };
    let Ok((format, map)) = super::check::input_options(
        args.input_format,
        args.map.as_deref(),
        args.sheet.as_deref(),
        args.encoding.as_deref(),
    ) else {
        return Status::Error;
    };
    let records = match order::open(input, format, map.as_ref()) {
        Ok(records) => records,
        Err(error) => {
            eprintln!(
                "{:?}",
                miette::Report::new(crate::diag::Rendered::of(&error))
            );
            return Status::Error;
        }
    };
    let order = match explain::pick_order(records, args.id.as_deref(), input) {
        Ok(order) => order,
        Err(problem) => return fail(*problem),
    };
    let explained = explain::explain_order(&engine, &files, rule, &order);
    print(match args.format {
        ExplainFormat::Human => render::order_text(&explained),
        ExplainFormat::Json => json_text(&render::order_json(&explained)),
    })
}

fn json_text(value: &serde_json::Value) -> String {
    crate::report::json::pretty_text(value)
}

fn print(text: String) -> Status {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Status::Clean,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(error) => {
            eprintln!("error: cannot write the explanation: {error}");
            Status::Error
        }
    }
}

/// Prints one usage problem (no "nothing was evaluated" trailer: the pack
/// itself is fine) and fails.
fn fail(problem: Diagnostic) -> Status {
    let mut acc = Diagnostics::new();
    acc.push(problem);
    super::print_each(&acc);
    Status::Error
}
