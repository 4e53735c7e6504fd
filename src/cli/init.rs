//! `redflag init DIR`: writes a starter pack that extends the default pack, so a company adds
//! its own rules and lists to the built-in pack instead of copying it.

use std::path::{Path, PathBuf};

use super::Status;
use crate::diag::Diagnostic;

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  the starter pack was written
  2  DIR is not empty, or a file could not be written";

#[derive(Debug, clap::Args)]
pub(super) struct InitArgs {
    /// The directory to write the pack into: new, or empty.
    dir: PathBuf,
}

/// The starter pack, by path relative to DIR.
const STARTER: &[(&str, &str)] = &[
    ("README.md", include_str!("starter/README.md")),
    ("pack.toml", include_str!("starter/pack.toml")),
    ("rules/own.toml", include_str!("starter/rules/own.toml")),
    (
        "lists/refused_customers.csv",
        include_str!("starter/lists/refused_customers.csv"),
    ),
    (
        "tests/own.test.toml",
        include_str!("starter/tests/own.test.toml"),
    ),
];

pub(super) fn run(args: InitArgs) -> Status {
    match write_starter(&args.dir) {
        Ok(()) => {
            eprintln!(
                "wrote a starter pack to `{}`: see its README.md; try `redflag test {}`",
                args.dir.display(),
                args.dir.display()
            );
            Status::Clean
        }
        Err(d) => {
            super::print_one(*d);
            Status::Error
        }
    }
}

fn write_starter(dir: &Path) -> Result<(), Box<Diagnostic>> {
    let cannot = |path: &Path, e: std::io::Error| {
        Box::new(Diagnostic::error(
            "C051",
            format!("cannot write `{}`: {e}", path.display()),
        ))
    };
    // A file in the way, or any entry at all: nothing of the user's is ever replaced.
    let occupied = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    };
    if occupied {
        return Err(Box::new(
            Diagnostic::error(
                "C050",
                format!("`{}` is not an empty directory", dir.display()),
            )
            .with_help(
                "`redflag init` writes into a new or empty directory and never overwrites a file"
                    .to_string(),
            ),
        ));
    }
    for (name, text) in STARTER {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| cannot(&path, e))?;
    }
    Ok(())
}
