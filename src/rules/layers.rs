//! Packs that extend another: `extends` in `pack.toml` (the embedded default pack or a
//! directory relative to the extending pack), `[overrides."ID"]` tables that disable, re-grade
//! or replace a base rule with a stated reason, and the composition of the layers into one
//! [`RulePack`] whose provenance names each of them.
//!
//! Everything fails closed: a base that cannot be found or does not load, a cycle, an
//! override of a rule the base does not have, an override without a reason and a rule id the
//! base already uses are errors, so a layered pack never silently loses or doubles a rule.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::PathBuf;

use toml::de::{DeTable, DeValue};

use super::model::{OverrideChange, PackLayer, RuleOverride, RulePack, Severity};
use super::pack::PackFiles;
use super::raw::{Reader, Sp};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::digest::sha256_hex;

/// The name `extends` gives the pack built into redflag.
pub const DEFAULT_PACK: &str = "redflag-default";

/// Keys of an `[overrides."ID"]` table.
pub const OVERRIDE_KEYS: &[&str] = &["disabled", "severity", "replace", "reason"];

/// One `[overrides."ID"]` table as written.
#[derive(Debug, Clone)]
pub(super) struct RawOverride {
    id: Sp<String>,
    span: Range<usize>,
    disabled: Option<Sp<bool>>,
    severity: Option<Sp<String>>,
    replace: Option<Sp<bool>>,
    reason: Option<Sp<String>>,
}

impl RawOverride {
    fn replaces(&self) -> bool {
        self.replace.as_ref().is_some_and(|r| r.value)
    }
}

/// True when `overrides` lets the extending pack define rule `id` in place of the base's.
pub(super) fn replaces(overrides: &[RawOverride], id: &str) -> bool {
    overrides.iter().any(|o| o.id.value == id && o.replaces())
}

/// Reads `[overrides]` of `pack.toml`, reporting shape problems.
pub(super) fn read_overrides(reader: &mut Reader, root: &DeTable) -> Vec<RawOverride> {
    let Some(value) = root.get("overrides") else {
        return Vec::new();
    };
    let DeValue::Table(table) = value.get_ref() else {
        reader.wrong_type(value, "`overrides`", "a table of `[overrides.\"RULE-ID\"]`");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let DeValue::Table(t) = value.get_ref() else {
            reader.wrong_type(value, &format!("override `{}`", key.get_ref()), "a table");
            continue;
        };
        reader.deny_unknown(t, OVERRIDE_KEYS, "an `[overrides]` table");
        out.push(RawOverride {
            id: Sp::new(key.get_ref().to_string(), key.span()),
            span: value.span(),
            disabled: reader.boolean(t, "disabled"),
            severity: reader.string(t, "severity"),
            replace: reader.boolean(t, "replace"),
            reason: reader.string(t, "reason"),
        });
    }
    out
}

/// Who a pack is, for cycle detection: `embedded`, or its directory made absolute.
pub(super) fn identity(files: &PackFiles) -> String {
    match &files.root {
        None => files.origin.clone(),
        Some(root) => std::fs::canonicalize(root)
            .unwrap_or_else(|_| root.clone())
            .display()
            .to_string(),
    }
}

/// Where the pack came from, as provenance shows it.
pub(super) fn origin(files: &PackFiles) -> String {
    match &files.root {
        None if files.origin == PackFiles::EMBEDDED_ORIGIN => "embedded".into(),
        None => files.origin.clone(),
        Some(root) => root.display().to_string(),
    }
}

/// The files of the pack `extends` names, or `None`, reported.
pub(super) fn resolve(
    files: &PackFiles,
    extends: &Sp<String>,
    manifest: &SourceFile,
    acc: &mut Diagnostics,
) -> Option<PackFiles> {
    if extends.value == DEFAULT_PACK {
        return Some(PackFiles::embedded());
    }
    let missing = |message: String, help: String| {
        Diagnostic::error("R060", message)
            .at(manifest, extends.span.clone(), "base pack")
            .with_help(help)
    };
    let Some(root) = &files.root else {
        acc.push(missing(
            format!("`{}` cannot extend `{}`", files.origin, extends.value),
            format!("a pack that is not a directory can only extend `{DEFAULT_PACK}`"),
        ));
        return None;
    };
    let dir: PathBuf = root.join(&extends.value);
    if !dir.join("pack.toml").is_file() {
        acc.push(missing(
            format!(
                "base pack `{}` not found: `{}` is not a pack directory",
                extends.value,
                dir.display()
            ),
            format!(
                "`extends` is `{DEFAULT_PACK}` (the pack built into redflag) or a directory holding `pack.toml`, relative to this pack"
            ),
        ));
        return None;
    }
    match PackFiles::read_dir(&dir) {
        Ok(base) => Some(base),
        Err(d) => {
            acc.push(*d);
            None
        }
    }
}

/// A cycle of `extends`: `stack` holds the packs being loaded (identity, origin), outermost
/// first.
pub(super) fn cycle(
    stack: &[(String, String)],
    base: &PackFiles,
    extends: &Sp<String>,
    manifest: &SourceFile,
) -> Option<Diagnostic> {
    let id = identity(base);
    stack.iter().any(|(i, _)| *i == id).then(|| {
        let mut chain: Vec<String> = stack.iter().map(|(_, o)| o.clone()).collect();
        chain.push(origin(base));
        Diagnostic::error(
            "R061",
            format!("`extends` makes a cycle: {}", chain.join(" -> ")),
        )
        .at(
            manifest,
            extends.span.clone(),
            "back to a pack already being loaded",
        )
        .with_help("a pack cannot extend itself, directly or through its bases".to_string())
    })
}

/// The base pack did not load: one error at `extends`, then the base's own diagnostics.
pub(super) fn base_failed(extends: &Sp<String>, manifest: &SourceFile) -> Diagnostic {
    Diagnostic::error(
        "R062",
        format!("base pack `{}` does not load", extends.value),
    )
    .at(manifest, extends.span.clone(), "this base")
    .with_help(
        "its own problems are reported with it; an extending pack is never used without its base"
            .to_string(),
    )
}

/// A later `--rules` pack whose `extends` names a pack that is not beneath it.
pub(super) fn not_beneath(
    extends: &Sp<String>,
    manifest: &SourceFile,
    under: &RulePack,
) -> Diagnostic {
    Diagnostic::error(
        "R068",
        format!(
            "this pack extends `{}`, which is not among the packs it is layered over ({})",
            extends.value,
            under
                .layers
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .at(manifest, extends.span.clone(), "not beneath this pack")
    .with_help("give `--rules` the base first, then the packs that extend it".to_string())
}

/// The base of a pack: `under`, the pack `extends` names, or none. `Err` when a base is named
/// and cannot be had (reported).
pub(super) fn base_of(
    files: &PackFiles,
    extends: Option<&Sp<String>>,
    under: Option<&RulePack>,
    stack: &mut Vec<(String, String)>,
    manifest: &SourceFile,
    acc: &mut Diagnostics,
) -> Result<Option<RulePack>, ()> {
    let Some(extends) = extends else {
        return Ok(under.cloned());
    };
    let base_files = resolve(files, extends, manifest, acc).ok_or(())?;
    if let Some(under) = under {
        let (_, digest) = own_digest(&base_files);
        if under.layers.iter().any(|l| l.digest == digest) {
            return Ok(Some(under.clone()));
        }
        acc.push(not_beneath(extends, manifest, under));
        return Err(());
    }
    if let Some(cycle) = cycle(stack, &base_files, extends, manifest) {
        acc.push(cycle);
        return Err(());
    }
    let base = super::pack::analyse_stacked(&base_files, stack, None);
    match base.pack {
        Some(pack) => {
            acc.extend(base.diagnostics);
            Ok(Some(pack))
        }
        None => {
            acc.push(base_failed(extends, manifest));
            acc.extend(base.diagnostics);
            Err(())
        }
    }
}

/// An extending pack's names against its base: a list or screening list the base declares
/// (`R067`), or the name of a pack beneath it (`R070`).
pub(super) fn check_names<'a>(
    base: &RulePack,
    name: Option<&str>,
    lists: impl Iterator<Item = &'a Sp<String>>,
    screening: impl Iterator<Item = &'a Sp<String>>,
    manifest: &SourceFile,
    acc: &mut Diagnostics,
) {
    // A pack that takes a base's name would pass for it in every report header.
    if let Some(name) = name.filter(|n| base.layers.iter().any(|l| l.name == *n)) {
        acc.push(
            Diagnostic::error(
                "R070",
                format!("this pack is named `{name}`, like a pack beneath it"),
            )
            .in_file(manifest)
            .with_help(
                "give an extending pack a name of its own: reports name the top pack first"
                    .to_string(),
            ),
        );
    }
    let taken = lists
        .filter(|n| base.lists.contains_key(&n.value))
        .chain(screening.filter(|n| base.screening.iter().any(|s| s.name == n.value)));
    for n in taken {
        acc.push(
            Diagnostic::error(
                "R067",
                format!(
                    "list `{}` is already declared by base pack `{}`",
                    n.value, base.name
                ),
            )
            .at(manifest, n.span.clone(), "declared again")
            .with_help(
                "an extending pack adds lists under new names; rules of this pack can use the base's list as it is"
                    .to_string(),
            ),
        );
    }
}

/// The files' `sha256  path` listing and its digest: a pack's own digest.
pub(super) fn own_digest(files: &PackFiles) -> (Vec<(String, String)>, String) {
    let file_digests: Vec<(String, String)> = files
        .files
        .iter()
        .map(|(p, b)| (p.clone(), sha256_hex(b)))
        .collect();
    let digest = listing_digest(&file_digests);
    (file_digests, digest)
}

fn listing_digest(files: &[(String, String)]) -> String {
    let listing: String = files.iter().map(|(p, d)| format!("{d}  {p}\n")).collect();
    sha256_hex(listing.as_bytes())
}

/// A rule of the extending pack whose id the base already uses, without `replace = true`.
pub(super) fn redefined(id: &Sp<String>, file: &SourceFile, base: &RulePack) -> Option<Diagnostic> {
    base.rules.iter().any(|r| r.id == id.value).then(|| {
        Diagnostic::error(
            "R063",
            format!(
                "rule id `{}` is already defined by base pack `{}`",
                id.value,
                base.name
            ),
        )
        .at(file, id.span.clone(), "defined again")
        .with_help(format!(
            "to use this rule in place of the base's, add `[overrides.\"{}\"]` with `replace = true` and a `reason` to `pack.toml`; otherwise give it a new id",
            id.value
        ))
    })
}

/// Checks every override against the base and the extending pack's own rule ids.
pub(super) fn check_overrides(
    overrides: &[RawOverride],
    base: Option<&RulePack>,
    own_ids: &BTreeSet<String>,
    manifest: &SourceFile,
    acc: &mut Diagnostics,
) {
    for o in overrides {
        let id = &o.id;
        match base {
            None => acc.push(
                Diagnostic::error(
                    "R064",
                    format!("override of rule `{}` in a pack that extends nothing", id.value),
                )
                .at(manifest, id.span.clone(), "no base rule to override")
                .with_help(format!(
                    "overrides change a base pack's rules: add `extends = \"{DEFAULT_PACK}\"` (or a base directory), or change the rule itself"
                )),
            ),
            Some(base) if !base.rules.iter().any(|r| r.id == id.value) => acc.push(
                Diagnostic::error(
                    "R064",
                    format!("override of unknown rule `{}`", id.value),
                )
                .at(manifest, id.span.clone(), "no such rule in the base")
                .with_help(
                    suggest(&id.value, base.rules.iter().map(|r| r.id.as_str())).or_else(|| {
                        Some(format!(
                            "the base `{}` has no rule of that id (a rule a lower pack disabled is gone too)",
                            base.name
                        ))
                    }),
                ),
            ),
            Some(_) => {}
        }
        match &o.reason {
            Some(reason) if !reason.value.trim().is_empty() => {}
            Some(reason) => acc.push(no_reason(manifest, reason.span.clone(), &id.value)),
            None => acc.push(no_reason(manifest, id.span.clone(), &id.value)),
        }
        let disabled = o.disabled.as_ref().is_some_and(|d| d.value);
        let changes =
            usize::from(disabled) + usize::from(o.severity.is_some()) + usize::from(o.replaces());
        if changes != 1 {
            acc.push(
                Diagnostic::error(
                    "R066",
                    if changes == 0 {
                        format!("override of `{}` changes nothing", id.value)
                    } else {
                        format!("override of `{}` does more than one thing", id.value)
                    },
                )
                .at(manifest, o.span.clone(), "this override")
                .with_help(
                    "an override does one of: `disabled = true`, `severity = \"...\"`, `replace = true` (with a rule of the same id in this pack)"
                        .to_string(),
                ),
            );
        }
        if let Some(severity) = &o.severity {
            if Severity::parse(&severity.value).is_none() {
                acc.push(
                    Diagnostic::error("R011", format!("unknown severity `{}`", severity.value))
                        .at(manifest, severity.span.clone(), "not a severity")
                        .with_help(
                            suggest(&severity.value, Severity::ALL.iter().map(|s| s.as_str()))
                                .or(Some("severities: block, hold, review, info".to_string())),
                        ),
                );
            }
        }
        if o.replaces() && !own_ids.contains(&id.value) {
            acc.push(
                Diagnostic::error(
                    "R066",
                    format!("`replace = true` for `{}`, which this pack does not define", id.value),
                )
                .at(manifest, o.span.clone(), "nothing to replace it with")
                .with_help(
                    "write the replacement `[[rule]]` with the same id in a rule file of this pack, or use `disabled = true`"
                        .to_string(),
                ),
            );
        }
    }
}

fn no_reason(manifest: &SourceFile, span: Range<usize>, id: &str) -> Diagnostic {
    Diagnostic::error("R065", format!("override of `{id}` gives no reason"))
        .at(manifest, span, "needs a non-empty `reason`")
        .with_help(
            "reports show every override with its reason, so an auditor sees what was switched off and why: `reason = \"cash not accepted by policy, see ICP 4.2\"`"
                .to_string(),
        )
}

/// The layer a pack adds to provenance.
pub(super) fn layer(pack: &RulePack, origin: String, digest: String) -> PackLayer {
    PackLayer {
        name: pack.name.clone(),
        version: pack.version.clone(),
        origin,
        digest,
    }
}

/// `own` (a checked pack holding only its own rules, lists, rates and one layer) over `base`.
/// Overrides must have passed [`check_overrides`].
pub(super) fn compose(base: RulePack, own: RulePack, overrides: &[RawOverride]) -> RulePack {
    let mut notes = base.overrides;
    let mut rules = Vec::with_capacity(base.rules.len() + own.rules.len());
    for mut rule in base.rules {
        let Some(o) = overrides.iter().find(|o| o.id.value == rule.id) else {
            rules.push(rule);
            continue;
        };
        let reason = o
            .reason
            .as_ref()
            .map(|r| r.value.trim().to_string())
            .unwrap_or_default();
        let change = if o.replaces() {
            OverrideChange::Replaced
        } else if let Some(to) = o.severity.as_ref().and_then(|s| Severity::parse(&s.value)) {
            let from = rule.severity;
            rule.severity = to;
            rules.push(rule.clone());
            OverrideChange::Severity { from, to }
        } else {
            OverrideChange::Disabled
        };
        notes.push(RuleOverride {
            rule: rule.id,
            change,
            reason,
            layer: own.name.clone(),
        });
    }
    rules.extend(own.rules);
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut lists = base.lists;
    lists.extend(own.lists);
    let mut screening = base.screening;
    screening.extend(own.screening);
    let mut files: Vec<(String, String)> = base
        .files
        .into_iter()
        .map(|(p, d)| (format!("{}/{p}", base.name), d))
        .collect();
    files.extend(own.files);
    files.sort();
    let mut layers = base.layers;
    layers.extend(own.layers);
    RulePack {
        digest: listing_digest(&files),
        name: own.name,
        version: own.version,
        description: own.description,
        rules,
        lists,
        rates: own.rates.or(base.rates),
        screening,
        files,
        layers,
        overrides: notes,
    }
}
