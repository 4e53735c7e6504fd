//! A pack's files as read: from a directory, or from the copy embedded in the binary, by
//! path relative to the pack root, with the source text of each for diagnostics.

use super::*;

/// The files of a pack, by path relative to the pack root (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct PackFiles {
    /// Display name of the pack's location (`<embedded>` or the directory).
    pub origin: String,
    /// Path to bytes, sorted by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The directory the files were read from (`None` for the embedded pack): a relative
    /// `extends` is found from it.
    pub root: Option<PathBuf>,
}

/// The default pack, embedded at build time from `rules/`.
static EMBEDDED: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");

impl PackFiles {
    /// The `origin` of the embedded pack.
    pub const EMBEDDED_ORIGIN: &'static str = "<default pack>";

    /// The default pack compiled into the binary.
    pub fn embedded() -> PackFiles {
        let mut files = BTreeMap::new();
        collect_embedded(&EMBEDDED, &mut files);
        PackFiles {
            origin: Self::EMBEDDED_ORIGIN.into(),
            files,
            root: None,
        }
    }

    /// Reads every file under `dir` (hidden files and directories skipped).
    pub fn read_dir(dir: &FsPath) -> Result<PackFiles, Box<Diagnostic>> {
        if !dir.is_dir() {
            return Err(Box::new(
                Diagnostic::error(
                    "R050",
                    format!("rule pack `{}` is not a directory", dir.display()),
                )
                .with_help("`--rules` takes the directory that holds `pack.toml`".to_string()),
            ));
        }
        let mut files = BTreeMap::new();
        let walker = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| {
                Box::new(Diagnostic::error(
                    "R050",
                    format!("cannot read rule pack `{}`: {e}", dir.display()),
                ))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                Box::new(Diagnostic::error(
                    "R050",
                    format!("cannot read `{}`: {e}", entry.path().display()),
                ))
            })?;
            files.insert(name, bytes);
        }
        Ok(PackFiles {
            origin: dir.display().to_string(),
            files,
            root: Some(dir.to_path_buf()),
        })
    }
}

fn collect_embedded(dir: &include_dir::Dir, out: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        out.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// True for files that hold rules: `.toml` outside `lists/` and `tests/`,
/// other than `pack.toml`, rule tests (`*.test.toml`) and the red-flag
/// catalogue (`catalogue.toml`, `*.catalogue.toml`). In any case: a rule file saved as
/// `destinations.TOML` by an editor or a file system that does not keep case was left out
/// silently, and its rules with it.
pub fn is_rule_file(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    path.ends_with(".toml")
        && path != "pack.toml"
        && !path.ends_with(".test.toml")
        && !crate::coverage::catalogue::is_catalogue_file(&path)
        && !path.starts_with("lists/")
        && !path.starts_with("tests/")
}

pub(super) fn source(files: &PackFiles, path: &str, acc: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = files.files.get(path)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(SourceFile::new(path, text)),
        Err(_) => {
            acc.push(Diagnostic::error(
                "R005",
                format!("`{path}` is not UTF-8 text"),
            ));
            None
        }
    }
}
