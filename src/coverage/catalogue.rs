//! The red-flag catalogue: the public red flags and compliance-programme
//! elements that rules say they cover, read from a pack's catalogue files.
//!
//! The base is the pack's `catalogue.toml`, or the default pack's when the
//! pack has none; every `*.catalogue.toml` file of the pack adds groups and
//! items to it. Loading never stops at the first problem: it returns what it
//! could read and every diagnostic (`C010`–`C021`). It does not read files
//! itself; [`PackFiles`] already holds them.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::de::DeTable;

use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::rules::pack::is_rule_file;
use crate::rules::raw::{read_rule_file, Reader};
use crate::rules::PackFiles;

/// The file name of a pack's base catalogue.
pub const BASE_FILE: &str = "catalogue.toml";
/// The file name suffix of catalogue extensions.
pub const EXTENSION_SUFFIX: &str = ".catalogue.toml";

/// True for files that hold catalogue groups and items.
pub fn is_catalogue_file(path: &str) -> bool {
    path == BASE_FILE || path.ends_with(EXTENSION_SUFFIX)
}

/// What a group's items are: red flags (tagged in a rule's `red_flags`) or
/// programme elements (tagged in `icp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A warning sign in a transaction.
    RedFlag,
    /// An element of an internal compliance programme.
    Programme,
}

impl Kind {
    /// The name used in catalogue files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RedFlag => "red-flag",
            Kind::Programme => "programme",
        }
    }

    /// The rule key that tags items of this kind.
    pub fn rule_key(self) -> &'static str {
        match self {
            Kind::RedFlag => "red_flags",
            Kind::Programme => "icp",
        }
    }
}

/// How far an item's text was checked against its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The text was seen in a named source.
    Verified,
    /// The substance was seen; wording or numbering was not.
    PartlyVerified,
    /// From general knowledge, or not retrieved.
    Unverified,
}

impl Status {
    const NAMES: [&'static str; 3] = ["verified", "partly-verified", "unverified"];

    /// The name used in catalogue files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::PartlyVerified => "partly-verified",
            Status::Unverified => "unverified",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        match text {
            "verified" => Some(Status::Verified),
            "partly-verified" => Some(Status::PartlyVerified),
            "unverified" => Some(Status::Unverified),
            _ => None,
        }
    }
}

/// A family of items from one source (`bis-kyc`, `tri-seal`, `eu-icp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Stable id.
    pub id: String,
    /// One line.
    pub title: String,
    /// Red flags or programme elements.
    pub kind: Kind,
    /// The document the items come from.
    pub source: String,
    /// Where to read it, if known.
    pub url: Option<String>,
    /// The catalogue file that defines it.
    pub file: String,
}

/// One red flag or programme element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Stable id, the one rules name in `red_flags` or `icp`.
    pub id: String,
    /// The group's id.
    pub group: String,
    /// One line.
    pub title: String,
    /// The text, verbatim where the source was seen, else a summary.
    pub text: String,
    /// Where the text comes from.
    pub source: String,
    /// A link, if given.
    pub url: Option<String>,
    /// How far the text was checked.
    pub status: Status,
    /// A caveat about the text or its numbering.
    pub note: Option<String>,
    /// Why no rule over order records can cover it, if none can.
    pub out_of_scope: Option<String>,
    /// The catalogue file that defines it.
    pub file: String,
    /// 1-based line of its `id`.
    pub line: usize,
}

/// Every group and item, in the order the files define them (base first,
/// then extensions by path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    groups: Vec<Group>,
    items: Vec<Item>,
    files: Vec<String>,
}

impl Catalogue {
    /// Groups in definition order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Items in definition order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The catalogue files read, base first.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The items of one group, in definition order.
    pub fn items_of<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.group == group)
    }

    /// A did-you-mean help line for an id that is not an item.
    pub fn suggest(&self, id: &str) -> Option<String> {
        suggest(id, self.items.iter().map(|i| i.id.as_str()))
    }
}

/// The default pack's base catalogue, as embedded.
fn default_base() -> Option<SourceFile> {
    let files = PackFiles::embedded();
    let bytes = files.files.get(BASE_FILE)?;
    let text = std::str::from_utf8(bytes).ok()?;
    Some(SourceFile::new(format!("<default pack>/{BASE_FILE}"), text))
}

/// Reads the catalogue of a pack: its `catalogue.toml` (or the default
/// pack's) and its `*.catalogue.toml` extensions. Returns what could be read
/// and every problem; with an error the catalogue is incomplete.
pub fn load(files: &PackFiles) -> (Catalogue, Diagnostics) {
    let mut acc = Diagnostics::new();
    let mut sources = Vec::new();
    match files.files.get(BASE_FILE) {
        Some(bytes) => sources.extend(text_file(BASE_FILE, bytes, &mut acc)),
        None => sources.extend(default_base()),
    }
    for (path, bytes) in &files.files {
        if path.ends_with(EXTENSION_SUFFIX) {
            sources.extend(text_file(path, bytes, &mut acc));
        }
    }
    let mut loader = Loader::default();
    for file in &sources {
        loader.file(file, &mut acc);
    }
    loader.check_groups(&mut acc);
    acc.sort();
    (loader.catalogue, acc)
}

fn text_file(path: &str, bytes: &[u8], acc: &mut Diagnostics) -> Option<SourceFile> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(SourceFile::new(path, text)),
        Err(_) => {
            acc.push(Diagnostic::error(
                "C019",
                format!("catalogue file `{path}` is not UTF-8 text"),
            ));
            None
        }
    }
}

const ROOT_KEYS: &[&str] = &["group", "item"];
const GROUP_KEYS: &[&str] = &["id", "title", "kind", "source", "url"];
const ITEM_KEYS: &[&str] = &[
    "id",
    "group",
    "title",
    "text",
    "source",
    "url",
    "status",
    "note",
    "out_of_scope",
];

/// Where an id was first defined, for "used twice" help lines.
type Seen = BTreeMap<String, (String, usize)>;

#[derive(Default)]
struct Loader {
    catalogue: Catalogue,
    group_seen: Seen,
    item_seen: Seen,
    /// Items' group references, checked once every file is read so that an
    /// extension may come before the file defining the group it extends.
    group_refs: Vec<(SourceFile, Range<usize>, String)>,
}

impl Loader {
    fn file(&mut self, file: &SourceFile, acc: &mut Diagnostics) {
        self.catalogue.files.push(file.name().to_string());
        let Some(root) = crate::rules::raw::parse_toml(file, "C010", acc) else {
            return;
        };
        let mut r = Reader::with_codes(file, acc, "C011", "C013");
        let root = root.get_ref();
        r.deny_unknown(root, ROOT_KEYS, "a catalogue file");
        for table in tables(&mut r, root, "group") {
            self.group(&mut r, table);
        }
        for table in tables(&mut r, root, "item") {
            self.item(&mut r, table);
        }
    }

    fn group(&mut self, r: &mut Reader, (table, span): (&DeTable, Range<usize>)) {
        r.deny_unknown(table, GROUP_KEYS, "a group");
        let id = required(r, table, "id", &span, "a group");
        let title = required(r, table, "title", &span, "a group");
        let source = required(r, table, "source", &span, "a group");
        let url = r.string(table, "url").map(|s| s.value);
        let kind = required(r, table, "kind", &span, "a group").and_then(|(k, ks)| {
            let kind = match k.as_str() {
                "red-flag" => Some(Kind::RedFlag),
                "programme" => Some(Kind::Programme),
                _ => None,
            };
            if kind.is_none() {
                r.acc.push(
                    Diagnostic::error("C014", format!("unknown group kind `{k}`"))
                        .at(r.file, ks, "not a kind")
                        .with_help(suggest(&k, ["red-flag", "programme"]).or_else(|| {
                            Some("a group's `kind` is `red-flag` or `programme`".to_string())
                        })),
                );
            }
            kind
        });
        let Some((id, id_span)) = id else { return };
        if !self.fresh(r, &id, id_span.clone(), true) {
            return;
        }
        let (Some((title, _)), Some((source, _)), Some(kind)) = (title, source, kind) else {
            return;
        };
        self.catalogue.groups.push(Group {
            id,
            title,
            kind,
            source,
            url,
            file: r.file.name().to_string(),
        });
    }

    fn item(&mut self, r: &mut Reader, (table, span): (&DeTable, Range<usize>)) {
        r.deny_unknown(table, ITEM_KEYS, "an item");
        let id = required(r, table, "id", &span, "an item");
        let group = required(r, table, "group", &span, "an item");
        let title = required(r, table, "title", &span, "an item");
        let text = required(r, table, "text", &span, "an item");
        let source = required(r, table, "source", &span, "an item");
        let url = r.string(table, "url").map(|s| s.value);
        let note = r.string(table, "note").map(|s| s.value);
        let out_of_scope = r.string(table, "out_of_scope").map(|s| s.value);
        let status = required(r, table, "status", &span, "an item").and_then(|(s, ss)| {
            let status = Status::parse(&s);
            if status.is_none() {
                r.acc.push(
                    Diagnostic::error("C014", format!("unknown status `{s}`"))
                        .at(r.file, ss, "not a status")
                        .with_help(suggest(&s, Status::NAMES).or_else(|| {
                            Some(format!("a status is one of {}", Status::NAMES.join(", ")))
                        })),
                );
            }
            status
        });
        let Some((id, id_span)) = id else { return };
        if !self.fresh(r, &id, id_span.clone(), false) {
            return;
        }
        if let Some((g, gs)) = &group {
            self.group_refs
                .push((r.file.clone(), gs.clone(), g.clone()));
        }
        let (Some((group, _)), Some((title, _)), Some((text, _)), Some((source, _)), Some(status)) =
            (group, title, text, source, status)
        else {
            return;
        };
        self.catalogue.items.push(Item {
            id,
            group,
            title,
            text,
            source,
            url,
            status,
            note,
            out_of_scope,
            file: r.file.name().to_string(),
            line: r.file.line_col(id_span.start).0,
        });
    }

    /// Checks an id's spelling and that it is new; records it.
    fn fresh(&mut self, r: &mut Reader, id: &str, span: Range<usize>, group: bool) -> bool {
        let what = if group { "group" } else { "item" };
        if !valid_id(id) {
            r.acc.push(
                Diagnostic::error("C018", format!("invalid {what} id `{id}`"))
                    .at(r.file, span, "not a valid id")
                    .with_help(
                        "ids start with a letter or digit and hold only letters, digits, `-`, `_` and `.`"
                            .to_string(),
                    ),
            );
            return false;
        }
        let seen = if group {
            &mut self.group_seen
        } else {
            &mut self.item_seen
        };
        if let Some((file, line)) = seen.get(id) {
            let code = if group { "C016" } else { "C015" };
            r.acc.push(
                Diagnostic::error(code, format!("{what} id `{id}` is defined twice"))
                    .at(r.file, span, "second definition")
                    .with_help(format!(
                        "first defined in `{file}` line {line}; an extension adds new ids, it does not redefine them"
                    )),
            );
            return false;
        }
        seen.insert(
            id.to_string(),
            (r.file.name().to_string(), r.file.line_col(span.start).0),
        );
        true
    }

    fn check_groups(&mut self, acc: &mut Diagnostics) {
        let known: Vec<&str> = self.group_seen.keys().map(String::as_str).collect();
        for (file, span, group) in &self.group_refs {
            if !self.group_seen.contains_key(group) {
                acc.push(
                    Diagnostic::error("C017", format!("unknown group `{group}`"))
                        .at(file, span.clone(), "no group has this id")
                        .with_help(suggest(group, known.iter().copied()).or_else(|| {
                            Some("define it with `[[group]]` in a catalogue file".to_string())
                        })),
                );
            }
        }
        // An item of an unknown or broken group cannot be placed in any
        // report; the group's problem has been reported.
        let groups: BTreeSet<String> = self.catalogue.groups.iter().map(|g| g.id.clone()).collect();
        self.catalogue.items.retain(|i| groups.contains(&i.group));
    }
}

fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The tables of `[[key]]`, none when the file has no `key`.
fn tables<'t, 'de>(
    r: &mut Reader,
    root: &'t DeTable<'de>,
    key: &str,
) -> Vec<(&'t DeTable<'de>, Range<usize>)> {
    root.get(key)
        .and_then(|value| r.tables(value, key, false))
        .unwrap_or_default()
}

/// A string that must be there and not be blank (`C012` otherwise).
fn required(
    r: &mut Reader,
    table: &DeTable,
    key: &str,
    span: &Range<usize>,
    what: &str,
) -> Option<(String, Range<usize>)> {
    if table.get(key).is_none() {
        r.acc.push(
            Diagnostic::error("C012", format!("{what} needs `{key}`")).at(
                r.file,
                r.file.head(span),
                format!("no `{key}` here"),
            ),
        );
        return None;
    }
    let value = r.string(table, key)?;
    if value.value.trim().is_empty() {
        r.acc.push(
            Diagnostic::error("C012", format!("`{key}` is empty")).at(r.file, value.span, "empty"),
        );
        return None;
    }
    Some((value.value, value.span))
}

/// Warns about rule tags the catalogue does not have (`C020`, with a
/// did-you-mean) and tags in the wrong key (`C021`: a programme element in
/// `red_flags` or a red flag in `icp`), pointing at the tag in the rule file.
/// Rule files that do not parse are skipped: the pack's own validation
/// reports them.
pub fn check_tags(files: &PackFiles, catalogue: &Catalogue) -> Diagnostics {
    let mut acc = Diagnostics::new();
    let kinds: BTreeMap<&str, Kind> = catalogue
        .groups()
        .iter()
        .map(|g| (g.id.as_str(), g.kind))
        .collect();
    for (path, bytes) in &files.files {
        if !is_rule_file(path) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let file = SourceFile::new(path.as_str(), text);
        let mut ignored = Diagnostics::new();
        for rule in read_rule_file(&file, &mut ignored) {
            let rule_id = rule.id.as_ref().map_or("?", |id| id.value.as_str());
            for (tags, key_kind) in [
                (&rule.red_flags, Kind::RedFlag),
                (&rule.icp, Kind::Programme),
            ] {
                for tag in tags {
                    let Some(item) = catalogue.item(&tag.value) else {
                        acc.push(
                            Diagnostic::warning(
                                "C020",
                                format!(
                                    "rule `{rule_id}` names `{}`, which is not in the catalogue",
                                    tag.value
                                ),
                            )
                            .at(&file, tag.span.clone(), "unknown catalogue id")
                            .with_help(catalogue.suggest(&tag.value).or_else(|| {
                                Some(
                                    "add the item to a `*.catalogue.toml` file of the pack, or fix the tag"
                                        .to_string(),
                                )
                            })),
                        );
                        continue;
                    };
                    let kind = kinds.get(item.group.as_str()).copied();
                    if kind.is_some_and(|k| k != key_kind) {
                        let (wrong, right) = (key_kind.rule_key(), kind.map_or("", Kind::rule_key));
                        acc.push(
                            Diagnostic::warning(
                                "C021",
                                format!(
                                    "rule `{rule_id}` lists `{}` under `{wrong}`, but it belongs under `{right}`",
                                    tag.value
                                ),
                            )
                            .at(&file, tag.span.clone(), format!("move to `{right}`"))
                            .with_help(format!(
                                "`{}` is in group `{}` ({})",
                                item.id,
                                item.group,
                                kind.map_or("", Kind::as_str)
                            )),
                        );
                    }
                }
            }
        }
    }
    acc.sort();
    acc
}
