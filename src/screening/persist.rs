//! The persisted list index: a built [`Screener`] with what was read from the list files it was
//! built from, kept in a cache directory so that a run over unchanged lists loads it instead of
//! importing and indexing them again, as screening systems index a list when it changes rather
//! than on every check (docs/screening.md, "The list index cache").
//!
//! It is only an accelerator and fails closed: an entry is used only when every check passes
//! (its magic and format version, this build's fingerprint, the key it is filed under, the
//! payload's length and SHA-256, a clean decode, the counts its header states and the index's
//! own bounds); anything else is a miss, after which the caller builds from the lists as it
//! would without a cache. An entry is written to a temporary file renamed into place, so a
//! reader never meets half an entry under the real name, and a torn or damaged file fails its
//! checksum.
//!
//! The one module beside the importers that touches the file system for screening: it reads
//! and writes files of the cache directory only.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::index::Screener;
use super::model::{ListFormat, RowProblem};

/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"RFLSTIDX";
/// The layout of the header and payload; a change bumps it (the build fingerprint changes too,
/// so this is a second guard, and the one a reader of the file sees).
const FORMAT_VERSION: u32 = 3;
/// Magic, version, fingerprint (hex), key, payload length, payload CRC-32, lists, entries,
/// records.
const HEADER_LEN: usize = 8 + 4 + 64 + 32 + 8 + 4 + 4 + 8 + 8;
/// The extension of entries; anything else in the directory is left alone.
const EXTENSION: &str = "rfidx";
/// The prefix of entries being written (the temporary files renamed into place).
const TEMP_PREFIX: &str = ".rfidx-";
/// How many entries a directory keeps: the newest used or written. A user has a few sets of
/// lists at a time; each entry of a full SDN and CSL takes tens of megabytes.
pub const MAX_ENTRIES: usize = 8;
/// A temporary file this old was left by a writer that died; it is removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// The fingerprint of this build (`build.rs`): the crate version, the target, the compiler and
/// the SHA-256 of `Cargo.lock` and every source file. An entry written by another build is
/// never read, since importing or indexing may have changed in any of them.
pub fn build_fingerprint() -> &'static str {
    env!("REDFLAG_BUILD_FINGERPRINT")
}

/// What a `--list` file gave, as reports and warnings need it when its entries are in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListSummary {
    /// The list's name for reports.
    pub name: String,
    /// The format it was read as.
    pub format: ListFormat,
    /// How many of the index's entries it gave (they come in list order).
    pub entries: u64,
    /// The rows it could not read, or only partly.
    pub problems: Vec<RowProblem>,
}

/// A cache entry read back and checked.
#[derive(Debug)]
pub struct Cached {
    /// Each list, in the order given when the entry was written.
    pub lists: Vec<ListSummary>,
    /// The index over their entries (and the pack's, when the key covers a pack's lists).
    pub screener: Screener,
}

/// What looking an entry up found.
#[derive(Debug)]
pub enum Lookup {
    /// A usable entry.
    Hit(Box<Cached>),
    /// No entry under the key.
    Missing,
    /// An entry that cannot be used, and why: the caller builds from the lists.
    Unusable(String),
}

/// The name an entry is filed under: the SHA-256 of the build fingerprint and everything the
/// index depends on (the caller's parts: list specs and the digests of the bytes read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of an index over what `parts` name, for this build.
    pub fn new<'p>(parts: impl IntoIterator<Item = &'p str>) -> Key {
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            // Length-prefixed, so that no two sequences of parts hash alike.
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        };
        field(MAGIC);
        field(&FORMAT_VERSION.to_le_bytes());
        field(build_fingerprint().as_bytes());
        for part in parts {
            field(part.as_bytes());
        }
        Key(hash.finalize().into())
    }

    fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The entry's file in `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.{EXTENSION}", self.hex()))
    }
}

/// Reads the entry filed under `key` in `dir`. A hit refreshes the entry's modification time,
/// which the bound on the directory keeps the newest by.
pub fn read(dir: &Path, key: &Key) -> Lookup {
    let path = key.path_in(dir);
    if let Some(why) = untrusted(dir, &path) {
        return Lookup::Unusable(why);
    }
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Missing,
        Err(e) => return Lookup::Unusable(format!("cannot read it: {e}")),
    };
    match decode(key, &bytes) {
        Ok(cached) => {
            if let Ok(file) = fs::File::options().append(true).open(&path) {
                let _ = file.set_modified(SystemTime::now());
            }
            Lookup::Hit(Box::new(cached))
        }
        Err(why) => Lookup::Unusable(why),
    }
}

/// Why an entry at `path` in `dir` must not be trusted, if it must not: the report names the
/// lists by the digests of their files, not of the index, so an entry planted by someone else
/// would change screening where no auditor sees it. An entry is read only when neither it nor
/// its directory can be written by every user (`REDFLAG_CACHE_DIR=/tmp`, where the next user
/// could file an entry under the key, which hashes nothing secret) and, where the system says
/// who the process is (Linux's `/proc/self`), both belong to the user running the check.
/// Whoever can write a user's own cache can replace the redflag binary too.
#[cfg(unix)]
fn untrusted(dir: &Path, path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = fs::metadata("/proc/self").ok().map(|m| m.uid());
    for (what, place) in [("the cache directory", dir), ("the entry", path)] {
        let Ok(meta) = fs::metadata(place) else {
            continue;
        };
        if meta.mode() & 0o002 != 0 {
            return Some(format!("{what} can be written by every user"));
        }
        if me.is_some_and(|uid| uid != meta.uid()) {
            return Some(format!("{what} belongs to another user"));
        }
    }
    None
}

#[cfg(not(unix))]
fn untrusted(_dir: &Path, _path: &Path) -> Option<String> {
    None
}

/// Creates the cache directory (and its parents) for its owner only, whatever the umask:
/// a directory every user can write is refused by [`untrusted`].
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes the entry for `key` into `dir` (created when missing), then bounds the directory to
/// [`MAX_ENTRIES`]. Only an index built with the default configuration is written.
pub fn write(
    dir: &Path,
    key: &Key,
    lists: &[ListSummary],
    screener: &Screener,
) -> Result<(), String> {
    let bytes = encode(key, lists, screener)?;
    create_private_dir(dir).map_err(|e| format!("cannot create the directory: {e}"))?;
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a file in it: {e}"))?;
    temp.write_all(&bytes)
        .map_err(|e| format!("cannot write the entry: {e}"))?;
    temp.persist(key.path_in(dir))
        .map_err(|e| format!("cannot put the entry in place: {}", e.error))?;
    prune(dir);
    Ok(())
}

/// The bytes of an entry: the header, then the payload: the number of sections, each one's
/// length, then the sections (the lists, then the index's own, [`Screener::encode_sections`]).
pub fn encode(key: &Key, lists: &[ListSummary], screener: &Screener) -> Result<Vec<u8>, String> {
    if !screener.default_config() {
        return Err("the index was built with another configuration".to_string());
    }
    let mut sections =
        vec![bitcode::serialize(lists).map_err(|e| format!("cannot encode the lists: {e}"))?];
    sections.extend(screener.encode_sections()?);
    let count = |n: usize| u64::try_from(n).map_err(|_| "too many entries".to_string());
    let mut payload = Vec::new();
    let section_count = u32::try_from(sections.len()).map_err(|_| "too many sections")?;
    payload.extend_from_slice(&section_count.to_le_bytes());
    for section in &sections {
        payload.extend_from_slice(&count(section.len())?.to_le_bytes());
    }
    for section in &sections {
        payload.extend_from_slice(section);
    }
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(build_fingerprint().as_bytes());
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&count(payload.len())?.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    let list_count = u32::try_from(lists.len()).map_err(|_| "too many lists".to_string())?;
    out.extend_from_slice(&list_count.to_le_bytes());
    out.extend_from_slice(&count(screener.entries().len())?.to_le_bytes());
    out.extend_from_slice(&count(screener.name_count())?.to_le_bytes());
    if out.len() != HEADER_LEN {
        return Err("the header has the wrong length".to_string());
    }
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Reads an entry's bytes back, checking everything it can: see the module documentation.
pub fn decode(key: &Key, bytes: &[u8]) -> Result<Cached, String> {
    let mut header = Reader { rest: bytes };
    if header.take(8)? != MAGIC {
        return Err("it is not a list index".to_string());
    }
    if header.u32()? != FORMAT_VERSION {
        return Err("it has another format version".to_string());
    }
    if header.take(64)? != build_fingerprint().as_bytes() {
        return Err("it was written by another build of redflag".to_string());
    }
    if header.take(32)? != key.0 {
        return Err("it holds the index of other lists".to_string());
    }
    let length = header.u64()?;
    let checksum = header.u32()?;
    let lists = u64::from(header.u32()?);
    let entries = header.u64()?;
    let records = header.u64()?;
    let payload = header.rest;
    if u64::try_from(payload.len()).ok() != Some(length) {
        return Err(format!(
            "its payload has {} bytes, its header says {length} (cut off?)",
            payload.len()
        ));
    }
    // A cyclic redundancy check, not a cryptographic digest: it guards against a damaged or
    // torn file (with the length and counts), at a small part of SHA-256's cost on a file of
    // many megabytes read on every run.
    if crc32fast::hash(payload) != checksum {
        return Err("its payload does not match its checksum (damaged)".to_string());
    }
    let sections = split_sections(payload)?;
    let Some((first, rest)) = sections.split_first() else {
        return Err("it has no section".to_string());
    };
    let summaries: Vec<ListSummary> =
        bitcode::deserialize(first).map_err(|e| format!("its lists do not decode: {e}"))?;
    let screener = Screener::decode_sections(rest)?;
    let same = |n: usize, expected: u64| u64::try_from(n).ok() == Some(expected);
    if !same(summaries.len(), lists)
        || !same(screener.entries().len(), entries)
        || !same(screener.name_count(), records)
    {
        return Err("its counts differ from its header's".to_string());
    }
    let listed = summaries
        .iter()
        .try_fold(0u64, |sum, l| sum.checked_add(l.entries));
    if listed.is_none_or(|n| n > entries) {
        return Err("its lists hold more entries than its index".to_string());
    }
    if !screener.consistent() {
        return Err("its index refers to entries or names it does not hold".to_string());
    }
    Ok(Cached {
        lists: summaries,
        screener,
    })
}

/// The sections of a payload, by the lengths in front of them; `Err` unless they fill it
/// exactly.
fn split_sections(payload: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut reader = Reader { rest: payload };
    let count = reader.u32()?;
    let mut lengths = Vec::new();
    for _ in 0..count {
        let length = usize::try_from(reader.u64()?).map_err(|_| "a section is too long")?;
        lengths.push(length);
    }
    let mut sections = Vec::with_capacity(lengths.len());
    for length in lengths {
        sections.push(reader.take(length)?);
    }
    if !reader.rest.is_empty() {
        return Err("its payload goes on after its last section".to_string());
    }
    Ok(sections)
}

/// Fields read from the front of an entry.
struct Reader<'b> {
    rest: &'b [u8],
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        if self.rest.len() < n {
            return Err("it ends early (cut off?)".to_string());
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }
}

/// Keeps the newest [`MAX_ENTRIES`] entries of `dir` (by modification time, which a hit
/// refreshes) and removes temporary files left by writers that died. Best effort: an entry
/// another run removes first, or one that cannot be removed, is passed over.
fn prune(dir: &Path) {
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut entries: Vec<(SystemTime, PathBuf)> = Vec::new();
    for item in read.flatten() {
        let path = item.path();
        let name = item.file_name();
        let name = name.to_string_lossy();
        let Ok(modified) = item.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if name.starts_with(TEMP_PREFIX) {
            if now
                .duration_since(modified)
                .is_ok_and(|age| age > STALE_TEMP)
            {
                let _ = fs::remove_file(&path);
            }
        } else if path.extension().is_some_and(|e| e == EXTENSION) {
            entries.push((modified, path));
        }
    }
    if entries.len() <= MAX_ENTRIES {
        return;
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, path) in entries.into_iter().skip(MAX_ENTRIES) {
        let _ = fs::remove_file(path);
    }
}
