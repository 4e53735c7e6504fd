//! Where a report goes: standard output, or a file written whole or not at all.
//!
//! A report file is written to a temporary file beside it and renamed over it only when the
//! report is complete, so a crash, a full disk or a killed process never leaves a half report
//! that looks like a whole one. A destination that is not a regular file (`/dev/null`, a
//! named pipe, a terminal) is written in place: renaming over it would replace the device
//! with a file. A symbolic link stays a link: the report replaces the file it points to.
//! A report may not be written over a file the run reads (an
//! input, a list, the map, the waivers) or into the rule pack: `-o orders.jsonl` would destroy
//! the orders it was asked to judge.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Bytes of report kept before a write call: a JSON Lines record with findings is about 5 kB,
/// so with the default 8 KiB most records took a write call of their own.
const WRITE_BUFFER: usize = 256 * 1024;

/// The report's path of `-o PATH`: `-` is standard output, as `-` among the inputs is
/// standard input (`./-` names a file called `-`). Written to a file named `-`, the report a
/// gate script read from the pipe was empty, and the script let the order pass.
pub fn dash_is_stdout(path: Option<PathBuf>) -> Option<PathBuf> {
    path.filter(|p| p.as_os_str() != "-")
}

/// The report's destination, open for writing.
pub enum Destination {
    /// Standard output, buffered.
    Stdout(io::BufWriter<io::StdoutLock<'static>>),
    /// A device, pipe or socket, written as the report goes.
    Stream(io::BufWriter<std::fs::File>),
    /// A temporary file beside `path`, renamed to it by [`Destination::finish`].
    File {
        /// Where the report belongs.
        path: PathBuf,
        /// The report as written so far.
        temp: io::BufWriter<tempfile::NamedTempFile>,
    },
}

impl Destination {
    /// Opens standard output, or a temporary file beside `path`.
    pub fn open(path: Option<&Path>) -> Result<Destination, Box<Diagnostic>> {
        let Some(path) = path else {
            return Ok(Destination::Stdout(io::BufWriter::with_capacity(
                WRITE_BUFFER,
                io::stdout().lock(),
            )));
        };
        let cannot = |error: io::Error| {
            Box::new(Diagnostic::error(
                "C002",
                format!("cannot write `{}`: {error}", path.display()),
            ))
        };
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() && !meta.is_dir() {
                let stream = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(cannot)?;
                return Ok(Destination::Stream(io::BufWriter::with_capacity(
                    WRITE_BUFFER,
                    stream,
                )));
            }
        }
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let path = match linked {
            true => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            false => path.to_path_buf(),
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        match tempfile::Builder::new()
            .prefix(".redflag-report-")
            .tempfile_in(dir)
        {
            Ok(temp) => Ok(Destination::File {
                temp: io::BufWriter::with_capacity(WRITE_BUFFER, temp),
                path,
            }),
            Err(error) => Err(cannot(error)),
        }
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Destination::Stdout(out) => out,
            Destination::Stream(out) => out,
            Destination::File { temp, .. } => temp,
        }
    }

    /// Flushes and, for a file, moves the complete report into place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Destination::Stdout(mut out) => out.flush(),
            Destination::Stream(mut out) => out.flush(),
            Destination::File { path, temp } => {
                let temp = temp.into_inner().map_err(|e| e.into_error())?;
                temp.as_file().sync_all()?;
                temp.persist(&path).map(|_| ()).map_err(|e| e.error)
            }
        }
    }
}

/// Refuses an output path that is one of the files the run reads, or lies inside a directory
/// it reads (the rule pack), with a C003 diagnostic.
pub fn refuse_overwrite(
    output: &Path,
    reads: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<(), Box<Diagnostic>> {
    refuse_overwrite_by("report", "-o", output, reads, dirs)
}

/// The C003 diagnostic of `what` (written by `option`) that would overwrite `read`.
fn overwrite_refused(what: &str, option: &str, read: &Path) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "C003",
            format!(
                "the {what} would overwrite `{}`, which this run reads",
                read.display()
            ),
        )
        .with_help(Some(format!(
            "write the {what} to a file of its own: `{option}` never replaces an input, a list, the map, the waivers or a file of the rule pack"
        ))),
    )
}

/// Refuses a profile written to the file of the report (C003). The report may not exist yet,
/// so the paths are compared as well as the files.
pub fn refuse_same_as_report(profile: &Path, report: &Path) -> Result<(), Box<Diagnostic>> {
    if !same_destination(profile, report) {
        return Ok(());
    }
    Err(Box::new(
        Diagnostic::error(
            "C003",
            format!(
                "the profile would overwrite the report `{}`",
                report.display()
            ),
        )
        .with_help(Some(
            "give `--profile` and `-o` files of their own".to_string(),
        )),
    ))
}

/// Whether two paths name one file, whether or not it exists yet: the same file, or the same
/// name in the same directory.
fn same_destination(a: &Path, b: &Path) -> bool {
    if same_file::is_same_file(a, b).unwrap_or(false) {
        return true;
    }
    let dir = |p: &Path| {
        match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
        .canonicalize()
        .ok()
    };
    a.file_name() == b.file_name() && dir(a).is_some() && dir(a) == dir(b)
}

/// [`refuse_overwrite`] of a file the run writes besides its report (`what`, written by
/// `option`: the rule profile of `--profile`).
pub fn refuse_overwrite_by(
    what: &str,
    option: &str,
    output: &Path,
    reads: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<(), Box<Diagnostic>> {
    let refuse = |read: &Path| overwrite_refused(what, option, read);
    for read in reads {
        if same_file::is_same_file(output, read).unwrap_or(false) {
            return Err(refuse(read));
        }
    }
    // The output may not exist yet: compare the directory it would be created in.
    let parent = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(parent) = parent.canonicalize() {
        for dir in dirs {
            if let Ok(dir) = dir.canonicalize() {
                if parent.starts_with(&dir) {
                    return Err(refuse(&dir));
                }
            }
        }
    }
    Ok(())
}

/// The files a `--list [FORMAT:]FILE` reads: the file, and for an OFAC `sdn.csv` (or
/// `cons_prim.csv`) the companion files beside it.
pub fn list_files(spec: &str) -> Vec<PathBuf> {
    let path = spec
        .split_once(':')
        .filter(|(format, _)| crate::screening::import::parse_format_name(format).is_some())
        .map_or(spec, |(_, path)| path);
    let path = PathBuf::from(path);
    let mut out = vec![path.clone()];
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name != "sdn.csv" && name != "cons_prim.csv" {
        return out;
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for companion in [
        "alt.csv",
        "add.csv",
        "sdn_comments.csv",
        "cons_alt.csv",
        "cons_add.csv",
        "cons_comments.csv",
    ] {
        out.push(dir.join(companion));
    }
    out
}
