//! `redflag audit verify` and `redflag audit export`: the trail of a `serve` database, checked
//! link by link or written out for an auditor.

use std::io::{self, Write};

use super::Status;
use crate::store::{self, Store};

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  the trail is intact (verify), or was written (export)
  1  verify found an edited, deleted or missing row, or a state the trail does not support
  2  bad usage, or a database that cannot be opened or read";

/// Rows read per page.
const PAGE: usize = 1000;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Check every link of the hash chain and every order's state against the trail.
    Verify {
        /// The database: a SQLite file or a `postgres://` URL.
        #[arg(long, value_name = "FILE|URL")]
        db: String,
        /// A head (`SEQ:HASH`, as verify prints it) recorded earlier: rows cut from the end of
        /// the trail since then are found too.
        #[arg(long, value_name = "SEQ:HASH")]
        head: Option<String>,
    },
    /// Write the trail as JSON Lines, one row per line, oldest first.
    Export {
        /// The database: a SQLite file or a `postgres://` URL.
        #[arg(long, value_name = "FILE|URL")]
        db: String,
        /// Write to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
}

fn open_existing(db: &str) -> Result<Box<dyn Store>, String> {
    let is_url = db.starts_with("postgres://") || db.starts_with("postgresql://");
    if !is_url && !std::path::Path::new(db).is_file() {
        // Opening would create an empty database, which verifies as intact: say so instead.
        return Err(format!("no database at `{db}`"));
    }
    store::open(db).map_err(|e| e.to_string())
}

pub(super) fn run(command: AuditCommand) -> Status {
    match command {
        AuditCommand::Verify { db, head } => verify(&db, head.as_deref()),
        AuditCommand::Export { db, output } => export(&db, output.as_deref()),
    }
}

fn verify(db: &str, head: Option<&str>) -> Status {
    let store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Status::Error;
        }
    };
    let outcome = store
        .states()
        .and_then(|states| store::verify(|after| store.audit_rows(after, PAGE), &states, head));
    match outcome {
        Ok(v) => {
            for p in &v.problems {
                eprintln!("error: {p}");
            }
            let head = v.head.as_ref().map_or_else(
                || "none (empty trail)".to_string(),
                |(s, h)| format!("{s}:{h}"),
            );
            if v.problems.is_empty() {
                println!("intact: {} rows; head {head}", v.rows);
                Status::Clean
            } else {
                println!(
                    "BROKEN: {} problem(s) in {} rows; head {head}",
                    v.problems.len(),
                    v.rows
                );
                Status::Findings
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            Status::Error
        }
    }
}

fn export(db: &str, output: Option<&std::path::Path>) -> Status {
    let store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Status::Error;
        }
    };
    let mut out: Box<dyn Write> = match output {
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return Status::Error;
            }
        },
    };
    let mut after = 0;
    loop {
        let rows = match store.audit_rows(after, PAGE) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("error: {e}");
                return Status::Error;
            }
        };
        let Some(last) = rows.last() else {
            break;
        };
        after = last.seq;
        for row in &rows {
            // Hidden characters escaped, as in every JSON report: an auditor reading the trail
            // sees a zero-width space in a party's name instead of nothing.
            let written = crate::report::json::write(&mut out, &row.to_json(), false)
                .and_then(|()| out.write_all(b"\n"));
            if written.is_err() {
                return Status::Error;
            }
        }
    }
    match out.flush() {
        Ok(()) => Status::Clean,
        Err(e) => {
            eprintln!("error: cannot write the trail: {e}");
            Status::Error
        }
    }
}
