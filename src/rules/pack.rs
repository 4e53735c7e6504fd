//! A rule pack from its files: `pack.toml`, the lists and rates it declares,
//! and every rule file, validated together.
//!
//! [`PackFiles`] is the pack's content already read (from a directory, or from
//! the copy embedded in the binary); [`build`] turns it into a [`RulePack`]
//! or reports every problem. Reading files is the caller's job, so the same
//! code serves the embedded default pack and `--rules DIR`.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use toml::de::DeValue;

use super::layers;
use super::lists::{ListTable, RatesTable, TableMeta};
use super::model::{Rule, RulePack, ScreeningList};
use super::raw::{read_rule_file, RawRule, Reader, Sp};
use super::validate::{validate_rule, PackContext};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::digest::sha256_hex;

mod files;
use files::source;
pub use files::{is_rule_file, PackFiles};

struct Declared {
    name: Sp<String>,
    file: Sp<String>,
    key: Option<String>,
    aliases: Option<String>,
    places: bool,
    as_of: Option<NaiveDate>,
    source: String,
    description: String,
    base: Option<String>,
    format: Option<Sp<String>>,
}

/// Top-level tables of `pack.toml`.
pub const MANIFEST_KEYS: &[&str] = &[
    "pack",
    "extends",
    "overrides",
    "lists",
    "rates",
    "screening",
];

/// Keys of `[pack]`.
pub const PACK_KEYS: &[&str] = &["name", "version", "description"];

/// Keys of a `[lists.NAME]` table.
pub const LIST_KEYS: &[&str] = &[
    "file",
    "key",
    "aliases",
    "places",
    "as_of",
    "source",
    "description",
    "licence",
];
/// Keys of a `[screening.NAME]` table.
pub const SCREENING_KEYS: &[&str] = &[
    "file",
    "format",
    "as_of",
    "source",
    "description",
    "licence",
];
/// Keys of the `[rates]` table.
pub const RATES_KEYS: &[&str] = &["file", "base", "as_of", "source", "description", "licence"];

fn declared(
    reader: &mut Reader,
    name: Sp<String>,
    value: &toml::Spanned<DeValue>,
    allowed: &[&str],
    what: &str,
) -> Option<Declared> {
    let DeValue::Table(t) = value.get_ref() else {
        reader.wrong_type(value, what, "a table");
        return None;
    };
    reader.deny_unknown(t, allowed, what);
    let file = reader.string(t, "file");
    let as_of = match t.get("as_of") {
        None => None,
        Some(v) => {
            let text = match v.get_ref() {
                DeValue::Datetime(d) => Some(d.to_string()),
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            };
            match text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()) {
                Some(d) => Some(d),
                None => {
                    reader.wrong_type(v, "`as_of`", "a date `YYYY-MM-DD`");
                    return None;
                }
            }
        }
    };
    if as_of.is_none() {
        reader.acc.push(
            Diagnostic::error(
                "R051",
                format!("{what} `{}` has no `as_of` date", name.value),
            )
            .at(reader.file, name.span.clone(), "needs `as_of`")
            .with_help(
                "every list and rates table states when it was last checked against its source"
                    .to_string(),
            ),
        );
    }
    let Some(file) = file else {
        reader.acc.push(
            Diagnostic::error("R003", format!("{what} `{}` has no `file`", name.value)).at(
                reader.file,
                name.span.clone(),
                "needs `file`",
            ),
        );
        return None;
    };
    Some(Declared {
        name,
        file,
        key: reader.string(t, "key").map(|s| s.value),
        aliases: reader.string(t, "aliases").map(|s| s.value),
        places: reader.boolean(t, "places").is_some_and(|b| b.value),
        as_of,
        source: reader
            .string(t, "source")
            .map(|s| s.value)
            .unwrap_or_default(),
        description: reader
            .string(t, "description")
            .map(|s| s.value)
            .unwrap_or_default(),
        base: reader.string(t, "base").map(|s| s.value),
        format: reader.string(t, "format"),
    })
}

/// Validates a whole pack. Returns the pack only when there is no error;
/// warnings are returned either way.
pub fn build(files: &PackFiles) -> (Option<RulePack>, Diagnostics) {
    let analysis = analyse(files);
    (analysis.pack, analysis.diagnostics)
}

/// Everything validation learnt about a pack, kept even when the pack has
/// errors, for tools that report on a broken pack as far as they can (lint).
#[derive(Debug, Default)]
pub struct Analysis {
    /// The pack, when it has no error.
    pub pack: Option<RulePack>,
    /// Every problem found, sorted.
    pub diagnostics: Diagnostics,
    /// `pack.toml`, when it could be read.
    pub manifest: Option<SourceFile>,
    /// The lists that loaded.
    pub lists: BTreeMap<String, Arc<ListTable>>,
    /// The rates table, when it loaded.
    pub rates: Option<Arc<RatesTable>>,
    /// Each rule file, in path order.
    pub rule_files: Vec<RuleFile>,
}

/// A rule file after validation.
#[derive(Debug)]
pub struct RuleFile {
    /// The file.
    pub file: SourceFile,
    /// Each raw rule with the validated rule, when that rule alone has no
    /// error (a pack with errors elsewhere still has it here).
    pub rules: Vec<(RawRule, Option<Rule>)>,
}

/// Validates a whole pack like [`build`] and keeps the parts. A pack that `extends` another
/// is validated over its base, which is loaded (and reported on) first.
pub fn analyse(files: &PackFiles) -> Analysis {
    analyse_stacked(files, &mut Vec::new(), None)
}

/// Validates a pack layered over `under` (a later `--rules`), as if it extended it: its own
/// `extends`, if any, must name one of `under`'s layers.
pub fn analyse_over(files: &PackFiles, under: &RulePack) -> Analysis {
    analyse_stacked(files, &mut Vec::new(), Some(under))
}

pub(super) fn analyse_stacked(
    files: &PackFiles,
    stack: &mut Vec<(String, String)>,
    under: Option<&RulePack>,
) -> Analysis {
    stack.push((layers::identity(files), layers::origin(files)));
    let analysis = analyse_layer(files, stack, under);
    stack.pop();
    analysis
}

fn analyse_layer(
    files: &PackFiles,
    stack: &mut Vec<(String, String)>,
    under: Option<&RulePack>,
) -> Analysis {
    let mut acc = Diagnostics::new();
    let Some(manifest) = source(files, "pack.toml", &mut acc) else {
        acc.push(
            Diagnostic::error("R050", format!("`{}` has no `pack.toml`", files.origin)).with_help(
                "a rule pack is a directory with `pack.toml`, rule files and the lists they use"
                    .to_string(),
            ),
        );
        return Analysis {
            diagnostics: acc,
            ..Analysis::default()
        };
    };
    let Some(root) = super::raw::parse_toml(&manifest, "R001", &mut acc) else {
        return Analysis {
            diagnostics: acc,
            manifest: Some(manifest),
            ..Analysis::default()
        };
    };
    let root = root.get_ref();
    let mut reader = Reader::new(&manifest, &mut acc);
    reader.deny_unknown(root, MANIFEST_KEYS, "`pack.toml`");
    let (name, version, description) = match root.get("pack").map(|p| (p, p.get_ref())) {
        Some((_, DeValue::Table(t))) => {
            reader.deny_unknown(t, PACK_KEYS, "`[pack]`");
            (
                reader.string(t, "name").map(|s| s.value),
                reader.string(t, "version").map(|s| s.value),
                reader
                    .string(t, "description")
                    .map(|s| s.value)
                    .unwrap_or_default(),
            )
        }
        _ => (None, None, String::new()),
    };
    if name.is_none() || version.is_none() {
        reader.acc.push(
            Diagnostic::error(
                "R051",
                "`pack.toml` needs `[pack]` with `name` and `version`",
            )
            .in_file(&manifest)
            .with_help("the name and version are stamped on every report".to_string()),
        );
    }
    let extends = reader.string(root, "extends");
    let overrides = layers::read_overrides(&mut reader, root);
    let mut declared_lists = Vec::new();
    if let Some(lists) = root.get("lists") {
        match lists.get_ref() {
            DeValue::Table(t) => {
                for (key, value) in t.iter() {
                    let name = Sp::new(key.get_ref().to_string(), key.span());
                    if let Some(d) = declared(&mut reader, name, value, LIST_KEYS, "list") {
                        declared_lists.push(d);
                    }
                }
            }
            _ => reader.wrong_type(lists, "`lists`", "a table of `[lists.NAME]`"),
        }
    }
    let mut declared_screening = Vec::new();
    if let Some(lists) = root.get("screening") {
        match lists.get_ref() {
            DeValue::Table(t) => {
                for (key, value) in t.iter() {
                    let name = Sp::new(key.get_ref().to_string(), key.span());
                    if let Some(d) =
                        declared(&mut reader, name, value, SCREENING_KEYS, "screening list")
                    {
                        declared_screening.push(d);
                    }
                }
            }
            _ => reader.wrong_type(lists, "`screening`", "a table of `[screening.NAME]`"),
        }
    }
    let declared_rates = root.get("rates").and_then(|r| {
        declared(
            &mut reader,
            Sp::new("rates".into(), r.span()),
            r,
            RATES_KEYS,
            "rates table",
        )
    });

    let base = match layers::base_of(files, extends.as_ref(), under, stack, &manifest, &mut acc) {
        Ok(base) => base,
        Err(()) => {
            acc.sort();
            return Analysis {
                diagnostics: acc,
                manifest: Some(manifest),
                ..Analysis::default()
            };
        }
    };
    if let Some(base) = &base {
        let lists = declared_lists.iter().map(|d| &d.name);
        let screening = declared_screening.iter().map(|d| &d.name);
        layers::check_names(base, name.as_deref(), lists, screening, &manifest, &mut acc);
    }
    let mut declared_names: Vec<String> = declared_lists
        .iter()
        .map(|d| d.name.value.clone())
        .collect();
    let mut lists = BTreeMap::new();
    for d in declared_lists {
        let Some(file) = source(files, &d.file.value, &mut acc) else {
            acc.push(
                Diagnostic::error(
                    "R052",
                    format!(
                        "list `{}` names file `{}`, which the pack does not have",
                        d.name.value, d.file.value
                    ),
                )
                .at(&manifest, d.file.span.clone(), "missing file")
                .with_help(suggest(
                    &d.file.value,
                    files.files.keys().map(String::as_str),
                )),
            );
            continue;
        };
        let meta = TableMeta {
            name: d.name.value.clone(),
            file: d.file.value.clone(),
            as_of: d.as_of.unwrap_or(NaiveDate::MIN),
            source: d.source,
            description: d.description,
            digest: sha256_hex(file.text().as_bytes()),
        };
        let what = format!("list `{}`", d.name.value);
        if file.text().trim().is_empty() {
            acc.push(no_rows(&what, &file, true));
            continue;
        }
        if let Some(list) = ListTable::parse(
            meta,
            d.key.as_deref(),
            d.aliases.as_deref(),
            &file,
            &mut acc,
        ) {
            if list.rows.is_empty() {
                acc.push(no_rows(&what, &file, false));
                continue;
            }
            let list = ListTable {
                places: d.places,
                ..list
            };
            lists.insert(d.name.value, Arc::new(list));
        }
    }
    let mut rates = None;
    if let Some(d) = declared_rates {
        match source(files, &d.file.value, &mut acc) {
            None => acc.push(
                Diagnostic::error(
                    "R052",
                    format!(
                        "the rates table names file `{}`, which the pack does not have",
                        d.file.value
                    ),
                )
                .at(&manifest, d.file.span.clone(), "missing file"),
            ),
            Some(file) => {
                let meta = TableMeta {
                    name: "rates".into(),
                    file: d.file.value.clone(),
                    as_of: d.as_of.unwrap_or(NaiveDate::MIN),
                    source: d.source,
                    description: d.description,
                    digest: sha256_hex(file.text().as_bytes()),
                };
                let base = d.base.unwrap_or_else(|| "USD".into());
                if file.text().trim().is_empty() {
                    acc.push(no_rows("the rates table", &file, true));
                } else {
                    rates = RatesTable::parse(meta, &base, &file, &mut acc)
                        .filter(|table| {
                            let empty = table.row_count() == 0;
                            if empty {
                                acc.push(no_rows("the rates table", &file, false));
                            }
                            !empty
                        })
                        .map(Arc::new);
                }
            }
        }
    }

    let screening = declared_screening
        .into_iter()
        .filter_map(|d| screening_list(files, &manifest, d, &mut acc))
        .collect();

    // Rules of an extending pack may use the base's lists and rates.
    let mut visible_lists = lists.clone();
    if let Some(base) = &base {
        for (name, list) in &base.lists {
            visible_lists
                .entry(name.clone())
                .or_insert_with(|| list.clone());
        }
        declared_names.extend(base.lists.keys().cloned());
    }
    let cx = PackContext {
        lists: &visible_lists,
        // Declared, loaded or not: a broken rates table has been reported
        // once; money conditions should not each add "no rates table".
        has_rates: root.get("rates").is_some() || base.as_ref().is_some_and(|b| b.rates.is_some()),
        declared_lists: declared_names,
        pattern_sets: Default::default(),
    };
    cx.pattern_sets.warm(&lists);
    let mut rules = Vec::new();
    let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let rule_files: Vec<&String> = files.files.keys().filter(|p| is_rule_file(p)).collect();
    if rule_files.is_empty() && base.is_none() {
        acc.push(
            Diagnostic::error("R053", format!("`{}` holds no rule files", files.origin)).with_help(
                "rule files are `.toml` files with `[[rule]]` tables beside `pack.toml`"
                    .to_string(),
            ),
        );
    }
    let mut parsed_files = Vec::new();
    let mut dropped = Vec::new();
    for path in rule_files {
        let Some(file) = source(files, path, &mut acc) else {
            continue;
        };
        let mut parsed = Vec::new();
        for raw in read_rule_file(&file, &mut acc) {
            let rule = validate_rule(&raw, &file, &cx, &mut acc);
            parsed.push((raw.clone(), rule.clone()));
            if let Some(id) = &raw.id {
                if let Some((other_file, other_line)) = seen.get(&id.value) {
                    acc.push(
                        Diagnostic::error("R017", format!("rule id `{}` is used twice", id.value))
                            .at(&file, id.span.clone(), "second use")
                            .with_help(format!("first defined in `{other_file}` line {other_line}; ids are never reused")),
                    );
                    continue;
                }
                seen.insert(
                    id.value.clone(),
                    (file.name().to_string(), file.line_col(id.span.start).0),
                );
                if let Some(base) = &base {
                    if !layers::replaces(&overrides, &id.value) {
                        if let Some(d) = layers::redefined(id, &file, base) {
                            acc.push(d);
                        }
                    }
                }
            }
            match rule {
                Some(rule) => rules.push(rule),
                None => dropped.push((file.clone(), raw.span.clone(), raw.id.clone())),
            }
        }
        parsed_files.push(RuleFile {
            file,
            rules: parsed,
        });
    }
    let own_ids: std::collections::BTreeSet<String> = seen.keys().cloned().collect();
    layers::check_overrides(&overrides, base.as_ref(), &own_ids, &manifest, &mut acc);
    // A rule left out without any error would let the pack judge orders as if the rule had
    // never been written: that is a load error of its own.
    if !acc.has_errors() {
        for (file, span, id) in dropped {
            acc.push(
                Diagnostic::error(
                    "R036",
                    format!(
                        "rule `{}` could not be compiled",
                        id.as_ref().map(|i| i.value.as_str()).unwrap_or("?")
                    ),
                )
                .at(&file, id.map(|i| i.span).unwrap_or(span), "this rule")
                .with_help(Some(
                    "this is a defect of redflag, not of the rule: report it with the rule file; the pack is not used until then"
                        .to_string(),
                )),
            );
        }
    }
    acc.sort();
    let mut analysis = Analysis {
        pack: None,
        diagnostics: acc,
        manifest: Some(manifest),
        lists: lists.clone(),
        rates: rates.clone(),
        rule_files: parsed_files,
    };
    if analysis.diagnostics.has_errors() {
        return analysis;
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let (file_digests, digest) = layers::own_digest(files);
    let mut pack = RulePack {
        name: name.unwrap_or_default(),
        version: version.unwrap_or_default(),
        description,
        rules,
        lists,
        rates,
        screening,
        files: file_digests,
        digest: digest.clone(),
        layers: Vec::new(),
        overrides: Vec::new(),
    };
    pack.layers = vec![layers::layer(&pack, layers::origin(files), digest)];
    analysis.pack = Some(match base {
        Some(base) => layers::compose(base, pack, &overrides),
        None => pack,
    });
    analysis
}

/// A list or rates file with nothing in it: a table cut to its header (a failed export, a
/// careless edit) matches nothing, so every rule that reads it would pass every order. It is
/// an error of the pack, for `check` and `lint` alike.
fn no_rows(what: &str, file: &SourceFile, empty: bool) -> Diagnostic {
    let (message, label) = if empty {
        (format!("{what} is empty"), "no header and no row")
    } else {
        (
            format!("{what} has a header and no row"),
            "nothing after the header",
        )
    };
    Diagnostic::error("R044", message)
        .at(file, file.line_span(1), label)
        .with_help(
            "a table with no row matches no order, so the rules that read it could never fire; restore its rows from its source, or remove it and the rules that use it"
                .to_string(),
        )
}

/// Imports a screening list the pack names; its bad rows become located warnings (the rest of
/// the list is still used). A file in no known format, an OFAC set without its companions, or
/// a list the importer refuses (empty, cut off, mostly bad rows) is an error.
fn screening_list(
    files: &PackFiles,
    manifest: &SourceFile,
    d: Declared,
    acc: &mut Diagnostics,
) -> Option<ScreeningList> {
    use crate::screening::import::{self, NamedText, OfacFiles};
    let Some(bytes) = files.files.get(&d.file.value) else {
        acc.push(
            Diagnostic::error(
                "R052",
                format!(
                    "screening list `{}` names file `{}`, which the pack does not have",
                    d.name.value, d.file.value
                ),
            )
            .at(manifest, d.file.span.clone(), "missing file")
            .with_help(suggest(
                &d.file.value,
                files.files.keys().map(String::as_str),
            )),
        );
        return None;
    };
    let unreadable = |message: String| {
        Diagnostic::error("R054", message)
            .at(manifest, d.file.span.clone(), "unreadable list")
            .with_help(
                "a screening list that cannot be read whole stops the pack from loading (nothing is screened against part of a list); fetch the list again, or fix `file` and `format`"
                    .to_string(),
            )
    };
    let text = match import::text_of(&d.file.value, bytes) {
        Ok(text) => text,
        Err(e) => {
            acc.push(unreadable(e.to_string()));
            return None;
        }
    };
    let format = match &d.format {
        Some(f) => match import::parse_format_name(&f.value) {
            Some(format) => Some(format),
            None => {
                acc.push(
                    Diagnostic::error("R054", format!("unknown list format `{}`", f.value))
                        .at(manifest, f.span.clone(), "not a format")
                        .with_help(Some(format!(
                            "formats: {}",
                            import::FORMAT_NAMES.join(", ")
                        ))),
                );
                return None;
            }
        },
        None => import::detect_format(&d.file.value, text.as_bytes()),
    };
    let Some(format) = format else {
        acc.push(
            Diagnostic::error(
                "R054",
                format!("`{}` is in no list format redflag knows", d.file.value),
            )
            .at(manifest, d.file.span.clone(), "unknown format")
            .with_help(Some(format!(
                "name it with `format`: {}",
                import::FORMAT_NAMES.join(", ")
            ))),
        );
        return None;
    };
    let mut companions: Vec<(String, String)> = Vec::new();
    let mut companion_digests: Vec<String> = Vec::new();
    if format == crate::screening::ListFormat::OfacSdn {
        let dir = d.file.value.rsplit_once('/').map_or("", |(dir, _)| dir);
        for name in import::ofac_companions(&d.file.value) {
            let path = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            let text = match files.files.get(&path) {
                None => Err(import::missing_companion(&d.file.value, name)),
                Some(bytes) => {
                    companion_digests.push(sha256_hex(bytes));
                    import::text_of(&path, bytes)
                }
            };
            match text {
                Ok(text) => companions.push((path, text)),
                Err(e) => {
                    acc.push(unreadable(e.to_string()));
                    return None;
                }
            }
        }
    }
    let named = |i: usize| {
        companions
            .get(i)
            .map(|(n, t)| NamedText { name: n, text: t })
    };
    let imported = if format == crate::screening::ListFormat::OfacSdn {
        import::import_ofac(&OfacFiles {
            sdn: NamedText {
                name: &d.file.value,
                text: &text,
            },
            alt: named(0),
            add: named(1),
            comments: named(2),
        })
    } else {
        import::import_str(format, &d.file.value, &text)
    };
    let mut list = match imported {
        Ok(list) => list,
        Err(e) => {
            acc.push(unreadable(e.to_string()));
            return None;
        }
    };
    for p in &list.problems {
        acc.push(
            Diagnostic::warning(
                "R055",
                format!("{}:{}: {}", p.file, p.line, p.message),
            )
            .with_help(Some(format!(
                "the row was left out of screening list `{}` or only partly read; fix it at the source",
                d.name.value
            ))),
        );
    }
    // Rules name a pack list by the name the pack gives it.
    for e in &mut list.entries {
        e.list = d.name.value.clone();
    }
    Some(ScreeningList {
        name: d.name.value,
        file: d.file.value,
        format,
        as_of: d.as_of,
        source: d.source,
        // An OFAC set's digest covers every file of it, as for `--list`.
        digest: if companion_digests.is_empty() {
            sha256_hex(bytes)
        } else {
            import::ofac_set_digest(&sha256_hex(bytes), &companion_digests)
        },
        entries: list.entries,
        problems: list.problems,
    })
}
