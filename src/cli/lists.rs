//! Loading the screening lists of a run: the `--list` files, and the index over them and the
//! pack's own lists, read from the list index cache (`screening::persist`) when an entry for
//! the same lists and build is there, else built and written to it.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::Engine;
use crate::report::ScreeningInfo;
use crate::rules::model::ScreeningList;
use crate::rules::RulePack;
use crate::screening::import::{self, ListSource};
use crate::screening::persist::{self, Key, ListSummary, Lookup};
use crate::screening::{self, Screener, ScreeningError};

/// Above this many bad rows in one list, `check` says so in one line (`--verbose` lists them).
const ROWS_LISTED: usize = 3;

/// The located problems of one list as warnings: rows left out or partly read (`S001`) apart
/// from what its ownership left unsettled (`S005`), each listed one by one up to
/// `ROWS_LISTED` (all with `verbose`), else counted in one line that quotes the first.
fn row_warnings(problems: &[screening::RowProblem], verbose: bool, out: &mut Diagnostics) {
    use screening::RowProblemKind;
    for (kind, code, what, help) in [
        (
            RowProblemKind::Unread,
            "S001",
            "were left out of screening or only partly read",
            "the row was left out of screening or only partly read; fix it at the source",
        ),
        (
            RowProblemKind::Ownership,
            "S005",
            "leave the 50 % rule something it cannot settle",
            "the owned parties that could be found are screened, an assumed share counting as enough; check the list's ownership data",
        ),
    ] {
        let of_kind: Vec<&screening::RowProblem> =
            problems.iter().filter(|p| p.kind == kind).collect();
        if verbose || of_kind.len() <= ROWS_LISTED {
            for p in &of_kind {
                out.push(
                    Diagnostic::warning(code, format!("{}:{}: {}", p.file, p.line, p.message))
                        .with_help(Some(help.to_string())),
                );
            }
        } else if let Some(first) = of_kind.first() {
            let mut files: Vec<&str> = of_kind.iter().map(|p| p.file.as_str()).collect();
            files.sort_unstable();
            files.dedup();
            out.push(
                Diagnostic::warning(
                    code,
                    format!(
                        "{} rows of {} {what} (the first, {}:{}: {})",
                        of_kind.len(),
                        files.join(", "),
                        first.file,
                        first.line,
                        first.message
                    ),
                )
                .with_help(Some(
                    "`--verbose` lists every row; fix them at the source".to_string(),
                )),
            );
        }
    }
}

/// Imports each read `--list` file, its bad rows as warnings; any file that cannot be read or
/// imported is an error, and all of them are reported at once.
fn import_all(
    specs: &[String],
    sources: impl IntoIterator<Item = Result<ListSource, ScreeningError>>,
    verbose: bool,
    warnings: &mut Diagnostics,
) -> Result<Vec<ScreeningList>, Diagnostics> {
    let mut lists = Vec::new();
    let mut errors = Diagnostics::new();
    for (spec, source) in specs.iter().zip(sources) {
        match source.and_then(|source| {
            let digest = source.digest.clone();
            Ok((source.import()?, digest))
        }) {
            Ok((file, digest)) => {
                row_warnings(&file.problems, verbose, warnings);
                lists.push(list_of(spec, file, digest));
            }
            Err(error) => errors.push(unloadable(&error)),
        }
    }
    if errors.is_empty() {
        Ok(lists)
    } else {
        Err(errors)
    }
}

/// The file a `--list` spec names (`FILE` or `FORMAT:FILE`).
fn spec_path(spec: &str) -> &str {
    spec.split_once(':')
        .filter(|(f, _)| screening::import::parse_format_name(f).is_some())
        .map_or(spec, |(_, p)| p)
}

/// A `--list` file as loaded: named after the lists its entries name.
fn list_of(spec: &str, file: screening::ListFile, digest: String) -> ScreeningList {
    let path = spec_path(spec);
    let mut names: Vec<&str> = file.entries.iter().map(|e| e.list.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    ScreeningList {
        name: if names.is_empty() {
            path.to_string()
        } else {
            names.join("+")
        },
        file: path.to_string(),
        format: file.format,
        as_of: None,
        source: String::new(),
        digest,
        entries: file.entries,
        problems: file.problems,
    }
}

/// The error for a `--list` file that cannot be loaded.
fn unloadable(error: &screening::ScreeningError) -> Diagnostic {
    Diagnostic::error("S002", format!("cannot load screening list: {error}")).with_help(Some(
        "a list that cannot be read stops the run: nothing is judged without it".to_string(),
    ))
}

/// `S002` for a list (`--list`, or the pack's `[screening.NAME]`) with entries none of which
/// is in force on `day`, the run's day: every one ended before it. Such a list screens nothing
/// on that day, so it would clear every party without a word; a date in the wrong column (or a
/// year mistyped) reads the same as a list of lifted sanctions, and either way it is not a list
/// to screen against now. The engine still judges each listing against an order's own dates;
/// this is about the list as loaded. A list a `hold` or `block` rule of `pack` screens against
/// with `listed = "any"` is kept: that rule counts ended listings on purpose
/// ([`RulePack::screens_ended_listings_of`]).
fn out_of_force(
    pack: &RulePack,
    name: &str,
    file: &str,
    entries: &[screening::Entry],
    day: NaiveDate,
) -> Option<Diagnostic> {
    if pack.screens_ended_listings_of(name) {
        return None;
    }
    let mut latest: Option<NaiveDate> = None;
    for entry in entries {
        match entry.ends_on {
            Some(end) if end < day => latest = latest.max(Some(end)),
            _ => return None,
        }
    }
    let latest = latest?;
    Some(
        Diagnostic::error(
            "S002",
            format!(
                "cannot load screening list: {file}: none of its {} entries is in force on {day}: every one has ended, the latest on {latest}, so the list would screen nothing",
                entries.len()
            ),
        )
        .with_help(Some(
            "check the list's end dates against its source (a date in the wrong column, a mistyped year); to judge orders of a time when it was in force, give that day with `--as-of`".to_string(),
        )),
    )
}

/// What reports say about each screening list.
pub fn screening_provenance<'l>(
    lists: impl Iterator<Item = &'l ScreeningList>,
) -> Vec<ScreeningInfo> {
    lists
        .map(|l| ScreeningInfo {
            name: l.name.clone(),
            file: l.file.clone(),
            format: format!("{:?}", l.format),
            as_of: l.as_of,
            source: l.source.clone(),
            digest: l.digest.clone(),
            entries: l.entries.len(),
            problems: l.problems.len(),
        })
        .collect()
}

/// The list index cache directory: `REDFLAG_CACHE_DIR`, else `$XDG_CACHE_HOME/redflag` (an
/// absolute path only, as the XDG specification asks), else `$HOME/.cache/redflag`; `None`
/// when `off` (`--no-list-cache`) or none of these is set.
pub fn cache_dir(off: bool) -> Option<PathBuf> {
    if off {
        return None;
    }
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("REDFLAG_CACHE_DIR") {
        return Some(dir);
    }
    if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| d.is_absolute()) {
        return Some(dir.join("redflag"));
    }
    var("HOME").map(|home| home.join(".cache").join("redflag"))
}

/// The screening lists of a run: what reports say about them and the index over their entries.
#[derive(Debug)]
pub struct IndexedLists {
    /// What reports say about each list: the pack's, then the `--list` ones.
    pub info: Vec<ScreeningInfo>,
    /// Warnings: rows of the lists that were left out or partly read, a cache entry that could
    /// not be used or written.
    pub warnings: Diagnostics,
    /// The index over the `--list` entries followed by the pack's; `None` without `--list`.
    screener: Option<Screener>,
}

impl IndexedLists {
    /// The engine over `pack` with these lists, as of `as_of` if given (the lists are moved in,
    /// not copied: a full SDN is the biggest thing a run holds).
    pub fn engine(self, pack: RulePack, as_of: Option<NaiveDate>) -> Engine {
        let engine = match self.screener {
            Some(screener) => Engine::with_index(pack, screener),
            None => Engine::with_screening(pack, Vec::new()),
        };
        let engine = engine.run_day(crate::cli::age_reference_day());
        match as_of {
            Some(date) => engine.as_of(date),
            None => engine,
        }
    }
}

/// The `--list` files imported (each bad row a warning, every row its own with `verbose`, else
/// more than [`ROWS_LISTED`] in one line that counts them and quotes the first; a file that
/// cannot be read an error) and the index over the lists' entries and the pack's, through the
/// list index cache in `cache` (when given): a usable entry for the same list bytes, specs,
/// pack lists and build is read instead of importing and indexing; otherwise the lists are
/// imported and indexed as without a cache, and the entry written for next time. The cache
/// never changes a result: a run gives the same reports and warnings with it and without it.
///
/// `day` is the run's day (`--as-of`, else today): a `--list` file with entries but none in
/// force on it (every entry ended before it) screens nothing and is refused, `S002`, as an
/// empty one is (see [`out_of_force`]), whether read or taken from the cache.
pub fn load_indexed(
    specs: &[String],
    pack: &RulePack,
    verbose: bool,
    cache: Option<&Path>,
    day: NaiveDate,
) -> Result<IndexedLists, Diagnostics> {
    load_indexed_ahead(specs, pack, verbose, cache, day, None)
}

/// What [`load_indexed`] reads before it needs the pack: the `--list` files, read and
/// digested, and the list index cache entry that a pack without screening lists of its own
/// would use, read and decoded. `check` reads it on another thread while the pack loads, so a
/// cold run waits for the longer of the two, not for both (`docs/performance.md`).
pub struct ListsAhead {
    specs: Vec<String>,
    sources: Vec<Result<ListSource, ScreeningError>>,
    entry: Option<(Key, Lookup)>,
}

/// Reads `specs` ahead of the pack (see [`ListsAhead`]), through the cache in `cache` when
/// given.
pub fn read_ahead(specs: &[String], cache: Option<&Path>) -> ListsAhead {
    let sources: Vec<Result<ListSource, ScreeningError>> =
        specs.iter().map(|spec| import::read_spec(spec)).collect();
    let entry = match cache {
        Some(dir) if !specs.is_empty() => lists_key(specs, &sources, None).map(|key| {
            let lookup = persist::read(dir, &key);
            if let Lookup::Hit(cached) = &lookup {
                cached.screener.warm();
            }
            (key, lookup)
        }),
        _ => None,
    };
    ListsAhead {
        specs: specs.to_vec(),
        sources,
        entry,
    }
}

/// [`load_indexed`], with what [`read_ahead`] read of the same `specs` when `ahead` is given:
/// its files are not read again, and its cache entry is used when the pack's key is the one
/// it was read under (the pack has no screening lists of its own). The result is the same.
pub fn load_indexed_ahead(
    specs: &[String],
    pack: &RulePack,
    verbose: bool,
    cache: Option<&Path>,
    day: NaiveDate,
    ahead: Option<ListsAhead>,
) -> Result<IndexedLists, Diagnostics> {
    // Read ahead of other specs (a defect of the caller), it is not used.
    let ahead = ahead.filter(|a| a.specs == specs);
    let mut info = screening_provenance(pack.screening.iter());
    let mut warnings = Diagnostics::new();
    let mut ended = Diagnostics::new();
    for list in &pack.screening {
        if let Some(e) = out_of_force(pack, &list.name, &list.file, &list.entries, day) {
            ended.push(e);
        }
    }
    if !ended.is_empty() {
        return Err(ended);
    }
    if specs.is_empty() {
        return Ok(IndexedLists {
            info,
            warnings,
            screener: None,
        });
    }
    // Every file is read before anything is imported: their digests name the cache entry.
    let (sources, entry_ahead) = match ahead {
        Some(ahead) => (ahead.sources, ahead.entry),
        None => (
            specs.iter().map(|spec| import::read_spec(spec)).collect(),
            None,
        ),
    };
    let key = cache.and_then(|_| cache_key(specs, &sources, pack));
    if let (Some(dir), Some(key)) = (cache, &key) {
        let lookup = match entry_ahead {
            Some((read_under, lookup)) if read_under == *key => lookup,
            _ => persist::read(dir, key),
        };
        let unusable = match lookup {
            Lookup::Missing => None,
            Lookup::Unusable(why) => Some(why),
            Lookup::Hit(cached) => {
                let persist::Cached { lists, screener } = *cached;
                match from_cache(specs, &sources, lists, &screener, pack, verbose) {
                    Some((mut listed, list_warnings)) => {
                        let mut at = 0;
                        let mut errors = Diagnostics::new();
                        for (spec, list) in specs.iter().zip(&listed) {
                            let entries = screener.entries().get(at..at + list.entries);
                            at += list.entries;
                            if let Some(e) = entries.and_then(|e| {
                                out_of_force(pack, &list.name, spec_path(spec), e, day)
                            }) {
                                errors.push(e);
                            }
                        }
                        if !errors.is_empty() {
                            return Err(errors);
                        }
                        info.append(&mut listed);
                        warnings.extend(list_warnings);
                        return Ok(IndexedLists {
                            info,
                            warnings,
                            screener: Some(screener),
                        });
                    }
                    None => Some("its lists are not the ones given".to_string()),
                }
            }
        };
        if let Some(why) = unusable {
            warnings.push(cache_warning(format!(
                "the list index cache entry `{}` cannot be used: {why}; the lists were read again",
                key.path_in(dir).display()
            )));
        }
    }
    let lists = import_all(specs, sources, verbose, &mut warnings)?;
    let mut ended = Diagnostics::new();
    for list in &lists {
        if let Some(e) = out_of_force(pack, &list.name, &list.file, &list.entries, day) {
            ended.push(e);
        }
    }
    if !ended.is_empty() {
        return Err(ended);
    }
    info.extend(screening_provenance(lists.iter()));
    let summaries: Vec<ListSummary> = lists
        .iter()
        .map(|l| ListSummary {
            name: l.name.clone(),
            format: l.format,
            entries: l.entries.len() as u64,
            problems: l.problems.clone(),
        })
        .collect();
    // As `Engine::with_screening` orders them: the `--list` entries, then the pack's.
    let mut entries: Vec<screening::Entry> = lists.into_iter().flat_map(|l| l.entries).collect();
    entries.extend(
        pack.screening
            .iter()
            .flat_map(|l| l.entries.iter().cloned()),
    );
    let screener = Screener::build(entries);
    if let (Some(dir), Some(key)) = (cache, &key) {
        if let Err(why) = persist::write(dir, key, &summaries, &screener) {
            warnings.push(cache_warning(format!(
                "cannot write the list index cache in `{}`: {why}",
                dir.display()
            )));
        }
    }
    Ok(IndexedLists {
        info,
        warnings,
        screener: Some(screener),
    })
}

/// The key of the index over these lists and the pack's: each spec as given (problems name the
/// file as given) with the digest of everything its import reads, and, when the pack has lists
/// of its own (whose entries the index holds too), the digests of the pack and its layers,
/// which cover those files. `None` when a list cannot be read: the run reports it.
fn cache_key(
    specs: &[String],
    sources: &[Result<ListSource, ScreeningError>],
    pack: &RulePack,
) -> Option<Key> {
    lists_key(
        specs,
        sources,
        Some(pack).filter(|p| !p.screening.is_empty()),
    )
}

/// [`cache_key`], given the pack only when it has screening lists of its own.
fn lists_key(
    specs: &[String],
    sources: &[Result<ListSource, ScreeningError>],
    pack_with_lists: Option<&RulePack>,
) -> Option<Key> {
    let mut parts: Vec<String> = vec!["lists".to_string()];
    for (spec, source) in specs.iter().zip(sources) {
        parts.push(spec.clone());
        parts.push(source.as_ref().ok()?.input_digest()?);
    }
    if let Some(pack) = pack_with_lists {
        parts.push("pack".to_string());
        parts.push(pack.digest.clone());
        parts.extend(pack.layers.iter().map(|l| l.digest.clone()));
        for list in &pack.screening {
            parts.extend([list.name.clone(), list.file.clone(), list.digest.clone()]);
        }
    }
    Some(Key::new(parts.iter().map(String::as_str)))
}

/// What reports and warnings say about the `--list` files of a cache entry, when the entry
/// holds as many lists as were given and, after their entries, exactly the pack's.
fn from_cache(
    specs: &[String],
    sources: &[Result<ListSource, ScreeningError>],
    lists: Vec<ListSummary>,
    screener: &Screener,
    pack: &RulePack,
    verbose: bool,
) -> Option<(Vec<ScreeningInfo>, Diagnostics)> {
    if lists.len() != specs.len() {
        return None;
    }
    let listed = lists.iter().try_fold(0usize, |n, l| {
        n.checked_add(usize::try_from(l.entries).ok()?)
    })?;
    let from_pack = screener.entries().get(listed..)?;
    if !from_pack
        .iter()
        .eq(pack.screening.iter().flat_map(|l| l.entries.iter()))
    {
        return None;
    }
    let mut info = Vec::new();
    let mut warnings = Diagnostics::new();
    for ((spec, source), list) in specs.iter().zip(sources).zip(lists) {
        let digest = source.as_ref().ok()?.digest.clone();
        row_warnings(&list.problems, verbose, &mut warnings);
        info.push(ScreeningInfo {
            name: list.name,
            file: spec_path(spec).to_string(),
            format: format!("{:?}", list.format),
            as_of: None,
            source: String::new(),
            digest,
            entries: usize::try_from(list.entries).ok()?,
            problems: list.problems.len(),
        });
    }
    Some((info, warnings))
}

/// A warning about the list index cache: it never stops a run.
fn cache_warning(message: String) -> Diagnostic {
    Diagnostic::warning("S007", message).with_help(Some(
        "the run is the same without the cache, only slower; set `REDFLAG_CACHE_DIR` to a writable directory, or turn the cache off with `--no-list-cache`".to_string(),
    ))
}
