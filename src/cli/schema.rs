//! `redflag schema`: prints a JSON Schema from `crate::schema`.

use std::io::{self, Write};

use clap::ValueEnum;

use super::{SchemaArgs, Status};
use crate::schema::{schema_text, SchemaKind};

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  the schema was printed
  2  bad usage";

/// The files `redflag schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Kind {
    /// Rule files (`rules/*.toml`).
    Rules,
    /// `pack.toml`.
    Pack,
    /// Rule test files (`*.test.toml`).
    Test,
}

pub(super) fn run(args: SchemaArgs) -> Status {
    let kind = match args.kind {
        Kind::Rules => SchemaKind::Rules,
        Kind::Pack => SchemaKind::Pack,
        Kind::Test => SchemaKind::Test,
    };
    let mut stdout = io::stdout().lock();
    match stdout.write_all(schema_text(kind).as_bytes()) {
        Ok(()) => Status::Clean,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(error) => {
            eprintln!("error: cannot write the schema: {error}");
            Status::Error
        }
    }
}
