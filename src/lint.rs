//! `redflag lint`: every problem of a rule pack at once, errors and warnings.
//!
//! Lint starts from what loading already reports (`rules::pack::analyse`:
//! unknown keys, paths, operators and lists with did-you-mean, type
//! mismatches, regular expressions that do not compile, duplicate ids) and
//! adds checks that loading does not need but an author wants: costly
//! patterns, conditions that can never hold, untested or unreferenced rules,
//! confusable characters, stale tables. Each lint-only check has a stable
//! `L` code listed in [`CODES`] and documented in `docs/lint-codes.md`.
//!
//! Like validation, lint does no I/O and never prints: it takes the pack's
//! files already read ([`PackFiles`]) and returns [`Diagnostics`].

mod cases;
mod leaves;
mod logic;
mod pattern;
mod scripts;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::order::Shape;
use crate::rules::model::{Members, Op, Rule};
use crate::rules::pack::{analyse, Analysis, RuleFile};
use crate::rules::raw::RawRule;
use crate::rules::PackFiles;

/// Every lint-only code with a one-line summary; `docs/lint-codes.md` has an
/// example and a fix for each (a test keeps the two in step).
pub const CODES: &[(&str, &str)] = &[
    ("L001", "a pattern starts or ends with a needless `.*`"),
    (
        "L002",
        "a pattern nests one unbounded repetition in another",
    ),
    ("L003", "a pattern compiles to a very large matcher"),
    ("L010", "a rule's condition can never hold"),
    ("L011", "part of a rule's condition can never hold"),
    ("L012", "an escalation can never hold when its rule fires"),
    (
        "L013",
        "a condition always holds, or never holds, on its own",
    ),
    (
        "L014",
        "a list row or literal that can never match the field it is compared with",
    ),
    ("L020", "two rules have the same title"),
    ("L021", "two conditions of a rule test the same thing"),
    ("L023", "a list has the same row twice"),
    ("L030", "a rule has no test"),
    (
        "L031",
        "a rule's tests lack a case that fires or one that must not",
    ),
    ("L032", "a test case names a rule the pack does not have"),
    ("L033", "a rule cites no reference"),
    ("L034", "a rule names no red flag"),
    ("L040", "a word mixes Latin, Cyrillic or Greek letters"),
    ("L041", "an invisible or direction-changing character"),
    (
        "L050",
        "a list or the rates table is older than the allowed age",
    ),
    ("L051", "a list or the rates table is dated in the future"),
];

/// What lint needs besides the pack. No `Default`: the date must be stated so
/// that results do not depend on when tests run.
#[derive(Debug, Clone, Copy)]
pub struct LintOptions {
    /// The date tables' `as_of` dates are measured against.
    pub today: NaiveDate,
    /// The oldest `as_of` accepted, in days before `today`.
    pub max_age_days: u32,
}

/// Lints a pack: what loading reports plus every lint-only check, sorted by
/// file and position.
pub fn lint(files: &PackFiles, options: &LintOptions) -> Diagnostics {
    let mut analysis = analyse(files);
    let mut acc = std::mem::take(&mut analysis.diagnostics);
    let cx = Cx {
        files,
        analysis: &analysis,
        options,
    };
    cx.rules(&mut acc);
    cx.lists(&mut acc);
    cx.tables(&mut acc);
    cx.text(&mut acc);
    acc.sort();
    acc
}

/// The rules of an analysed pack whose condition can never hold (L010), for the commands that
/// judge orders: a rule that can never fire lets every order it was written to stop pass, so
/// `check`, `explain` and `serve` refuse the pack for it as lint reports it (docs/lint-codes.md).
/// Only the rule files of this layer are judged; a base layer is judged when it is loaded.
pub fn dead_rules(analysis: &Analysis) -> Diagnostics {
    let mut found = Diagnostics::new();
    for rule_file in &analysis.rule_files {
        for (raw, rule) in &rule_file.rules {
            let Some(rule) = rule else { continue };
            let mut acc = Diagnostics::new();
            logic::check(rule, raw, &rule_file.file, &analysis.lists, &mut acc);
            for d in acc.iter().filter(|d| d.code() == "L010") {
                found.push(d.clone());
            }
        }
    }
    found.sort();
    found
}

struct Cx<'a> {
    files: &'a PackFiles,
    analysis: &'a Analysis,
    options: &'a LintOptions,
}

/// The span a rule-level diagnostic points at: its id, else the whole table.
fn rule_span(raw: &RawRule) -> std::ops::Range<usize> {
    raw.id
        .as_ref()
        .map(|i| i.span.clone())
        .unwrap_or(raw.span.start..raw.span.start + 6)
}

fn rule_name(raw: &RawRule) -> String {
    raw.id
        .as_ref()
        .map(|i| i.value.clone())
        .unwrap_or_else(|| "without id".into())
}

impl Cx<'_> {
    fn source(&self, path: &str) -> Option<SourceFile> {
        let bytes = self.files.files.get(path)?;
        std::str::from_utf8(bytes)
            .ok()
            .map(|text| SourceFile::new(path, text))
    }

    fn rules(&self, acc: &mut Diagnostics) {
        let index = cases::index(self.files);
        let mut ids = Vec::new();
        let mut titles: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for RuleFile { file, rules } in &self.analysis.rule_files {
            for (raw, rule) in rules {
                if let Some(id) = &raw.id {
                    ids.push(id.value.clone());
                }
                self.metadata(file, raw, acc);
                index.check_rule(file, raw, acc);
                if let Some(title) = &raw.title {
                    let key = crate::rules::lists::fold(&title.value);
                    let line = file.line_col(title.span.start).0;
                    match titles.get(&key) {
                        Some((other_file, other_line)) => acc.push(
                            Diagnostic::warning(
                                "L020",
                                format!(
                                    "rule `{}` has the same title as another rule",
                                    rule_name(raw)
                                ),
                            )
                            .at(file, title.span.clone(), "same title")
                            .with_help(format!(
                                "the other is in `{other_file}` line {other_line}; give each rule a title that says what sets it apart"
                            )),
                        ),
                        None => {
                            titles.insert(key, (file.name().to_string(), line));
                        }
                    }
                }
                self.duplicate_conditions(file, raw, acc);
                for c in &raw.when {
                    if c.op.as_ref().is_some_and(|o| o.value == "matches") {
                        if let Some(p) = &c.pattern {
                            let case_sensitive = c.case_sensitive.as_ref().is_some_and(|b| b.value);
                            for problem in pattern::problems(&p.value, !case_sensitive) {
                                acc.push(problem.at_span(file, p.span.clone()));
                            }
                        }
                    }
                }
                if let Some(rule) = rule {
                    logic::check(rule, raw, file, &self.analysis.lists, acc);
                }
            }
        }
        // Tests of an extending pack may name the base's rules.
        if let Some(pack) = &self.analysis.pack {
            ids.extend(pack.rules.iter().map(|r| r.id.clone()));
        }
        // A rule file that is not TOML hides its ids; its cases are not unknown.
        let unread = acc.iter().any(|d| matches!(d.code(), "R001" | "R005"));
        if !unread {
            index.check_unknown_rules(&ids, acc);
        }
    }

    fn metadata(&self, file: &SourceFile, raw: &RawRule, acc: &mut Diagnostics) {
        if raw.references.is_empty() {
            acc.push(
                Diagnostic::warning(
                    "L033",
                    format!("rule `{}` cites no reference", rule_name(raw)),
                )
                .at(file, rule_span(raw), "no `references`")
                .with_help(
                    "add `references = [{ cite = \"...\", url = \"...\" }]` naming the guidance the rule follows"
                        .to_string(),
                ),
            );
        }
        if raw.red_flags.is_empty() {
            acc.push(
                Diagnostic::warning(
                    "L034",
                    format!("rule `{}` names no red flag", rule_name(raw)),
                )
                .at(file, rule_span(raw), "no `red_flags`")
                .with_help(
                    "add `red_flags = [\"BIS-KYC-RF-05\"]` with the catalogue ids the rule covers, so coverage can count it"
                        .to_string(),
                ),
            );
        }
    }

    fn duplicate_conditions(&self, file: &SourceFile, raw: &RawRule, acc: &mut Diagnostics) {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for c in &raw.when {
            // Spans differ between two copies, so the key keeps only values.
            let key = format!(
                "{:?}",
                (
                    c.path.as_ref().map(|v| &v.value),
                    c.op.as_ref().map(|v| &v.value),
                    c.value.as_ref().map(|v| &v.value),
                    c.values
                        .as_ref()
                        .map(|v| v.value.iter().map(|s| &s.value).collect::<Vec<_>>()),
                    c.field.as_ref().map(|v| &v.value),
                    c.list.as_ref().map(|v| &v.value),
                    c.column.as_ref().map(|v| &v.value),
                    c.match_columns
                        .iter()
                        .map(|(k, v)| (&k.value, &v.value))
                        .collect::<Vec<_>>(),
                    c.pattern.as_ref().map(|v| &v.value),
                    (
                        c.offset.as_ref().map(|v| &v.value),
                        c.days.as_ref().map(|v| v.value),
                        c.months.as_ref().map(|v| v.value),
                        c.quantifier.as_ref().map(|v| &v.value),
                        c.if_missing.as_ref().map(|v| &v.value),
                        c.case_sensitive.as_ref().map(|v| v.value),
                        c.rate_date.as_ref().map(|v| &v.value),
                    ),
                )
            );
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => acc.push(
                    Diagnostic::warning(
                        "L021",
                        format!(
                            "condition `{}` tests the same thing as `{first}`",
                            c.name.value
                        ),
                    )
                    .at(file, c.name.span.clone(), "a copy")
                    .with_help(format!(
                        "remove one and use `{first}` in the condition, or change what this one tests"
                    )),
                ),
                None => seen.push((key, &c.name.value)),
            }
        }
    }

    /// Row-level checks of lists: duplicate rows, and patterns of lists used
    /// by `matches_list`.
    fn lists(&self, acc: &mut Diagnostics) {
        let mut pattern_columns: Vec<(String, String)> = Vec::new();
        for rule in self.valid_rules() {
            for c in &rule.conditions {
                if let Op::MatchesList { list, column, .. } = &c.op {
                    if !pattern_columns.contains(&(list.clone(), column.clone())) {
                        pattern_columns.push((list.clone(), column.clone()));
                    }
                }
            }
        }
        // Lists matched against country, currency or HS code fields, whose
        // cells must be such codes to match at all.
        let mut coded: Vec<(String, String, Shape, bool, String)> = Vec::new();
        for rule in self.valid_rules() {
            for c in &rule.conditions {
                let shape = c.target.shape();
                if !matches!(shape, Shape::Country | Shape::Currency | Shape::Hs) {
                    continue;
                }
                let (list, column, prefix) = match &c.op {
                    Op::InList { list, column, .. } => (list, column, false),
                    Op::StartsWith {
                        members: Members::List { list, column },
                    } => (list, column, true),
                    _ => continue,
                };
                if !coded.iter().any(|(l, col, s, p, _)| {
                    l == list && col == column && *s == shape && *p == prefix
                }) {
                    coded.push((list.clone(), column.clone(), shape, prefix, c.target.text()));
                }
            }
        }
        for (name, list) in &self.analysis.lists {
            let Some(file) = self.source(&list.meta.file) else {
                continue;
            };
            for (_, column, shape, prefix, target) in coded.iter().filter(|c| &c.0 == name) {
                let bad: Vec<(usize, String)> = list
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let cell = list.cell(r, column)?;
                        logic::out_of_domain(*shape, cell, *prefix).map(|why| (r.line, why))
                    })
                    .collect();
                // A list none of whose rows can match is reported once, on
                // the condition (L010, L011 or L013).
                if bad.len() == list.rows.len() {
                    continue;
                }
                for (line, why) in bad {
                    acc.push(
                        Diagnostic::warning(
                            "L014",
                            format!("this row of list `{name}` can never match `{target}`"),
                        )
                        .at(&file, file.line_span(line), "never matches")
                        .with_help(format!("in column `{column}`, {why}")),
                    );
                }
            }
            let mut seen: BTreeMap<&[String], usize> = BTreeMap::new();
            for row in &list.rows {
                match seen.get(row.cells.as_slice()) {
                    Some(first) => acc.push(
                        Diagnostic::warning("L023", format!("list `{name}` has this row twice"))
                            .at(&file, file.line_span(row.line), "a copy")
                            .with_help(format!("the same row is on line {first}; remove one")),
                    ),
                    None => {
                        seen.insert(&row.cells, row.line);
                    }
                }
            }
            for (_, column) in pattern_columns.iter().filter(|(l, _)| l == name) {
                for row in &list.rows {
                    let Some(p) = list.cell(row, column) else {
                        continue;
                    };
                    for problem in pattern::problems(p, true) {
                        acc.push(problem.at_span(&file, file.line_span(row.line)));
                    }
                }
            }
        }
    }

    fn valid_rules(&self) -> impl Iterator<Item = &Rule> {
        self.analysis
            .rule_files
            .iter()
            .flat_map(|f| f.rules.iter().filter_map(|(_, r)| r.as_ref()))
    }

    /// `as_of` of every list and of the rates table against `--today` and
    /// `--max-age`, read from `pack.toml` so that the date itself is pointed at.
    fn tables(&self, acc: &mut Diagnostics) {
        let Some(manifest) = &self.analysis.manifest else {
            return;
        };
        let Ok(root) = DeTable::parse(manifest.text()) else {
            return;
        };
        let root = root.get_ref();
        let mut dated = Vec::new();
        if let Some(DeValue::Table(lists)) = root.get("lists").map(|l| l.get_ref()) {
            for (name, value) in lists.iter() {
                if let DeValue::Table(t) = value.get_ref() {
                    dated.push((format!("list `{}`", name.get_ref()), t.get("as_of")));
                }
            }
        }
        if let Some(DeValue::Table(t)) = root.get("rates").map(|r| r.get_ref()) {
            dated.push(("the rates table".to_string(), t.get("as_of")));
        }
        for (what, as_of) in dated {
            let Some(as_of) = as_of else { continue };
            let text = match as_of.get_ref() {
                DeValue::Datetime(d) => d.to_string(),
                DeValue::String(s) => s.to_string(),
                _ => continue,
            };
            // A malformed date has been reported by loading (R004).
            let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
                continue;
            };
            let age = (self.options.today - date).num_days();
            if let Some(stale) =
                stale_table(&what, date, self.options.today, self.options.max_age_days)
            {
                acc.push(
                    stale
                        .at(manifest, as_of.span(), "older than the allowed age")
                        .with_help(format!(
                            "check the data against its source and update `as_of`; lint allows {} days (`--max-age`)",
                            self.options.max_age_days
                        )),
                );
            } else if age < 0 {
                acc.push(
                    Diagnostic::warning(
                        "L051",
                        format!(
                            "{what} is dated `{text}`, after `{}`",
                            self.options.today
                        ),
                    )
                    .at(manifest, as_of.span(), "in the future")
                    .with_help(
                        "`as_of` is the day the data was last checked against its source, so it cannot be later than today"
                            .to_string(),
                    ),
                );
            }
        }
    }

    /// Confusable and invisible characters in every text file a rule author
    /// writes: `pack.toml`, rule files and list files. Test files are left out:
    /// their orders may hold mixed-script names on purpose.
    fn text(&self, acc: &mut Diagnostics) {
        let mut paths: Vec<&str> = vec!["pack.toml"];
        paths.extend(self.analysis.rule_files.iter().map(|f| f.file.name()));
        paths.extend(self.analysis.lists.values().map(|l| l.meta.file.as_str()));
        paths.sort_unstable();
        paths.dedup();
        for path in paths {
            if let Some(file) = self.source(path) {
                scripts::scan(&file, acc);
            }
        }
    }
}

/// A problem found before its location is known (a pattern is checked the
/// same way whether it sits in a rule file or in a list row).
struct Problem {
    code: &'static str,
    message: String,
    label: String,
    help: String,
}

impl Problem {
    fn at_span(self, file: &SourceFile, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::warning(self.code, self.message)
            .at(file, span, self.label)
            .with_help(self.help)
    }
}

/// The oldest `as_of` accepted by default, in days (`--max-age` of `lint` and `check`).
pub const DEFAULT_MAX_AGE_DAYS: u32 = 365;

/// `L050` for every list of the pack, its rates table and every screening list last checked
/// more than `max_age_days` before `today`: what `lint` says about the pack's files, said by
/// `check` without pointing into them. A screening list that states no date is not judged.
pub fn stale_tables(
    pack: &crate::rules::RulePack,
    screening: &[crate::report::ScreeningInfo],
    today: NaiveDate,
    max_age_days: u32,
) -> Diagnostics {
    let mut dated: Vec<(String, NaiveDate)> = pack
        .lists
        .values()
        .map(|l| (format!("list `{}`", l.meta.name), l.meta.as_of))
        .collect();
    if let Some(rates) = &pack.rates {
        dated.push(("the rates table".to_string(), rates.meta.as_of));
    }
    for list in screening {
        if let Some(as_of) = list.as_of {
            dated.push((format!("screening list `{}`", list.name), as_of));
        }
    }
    let mut acc = Diagnostics::new();
    for (what, as_of) in dated {
        if let Some(stale) = stale_table(&what, as_of, today, max_age_days) {
            acc.push(stale.with_help(Some(format!(
                "check the data against its source and update `as_of`; findings may miss what changed since (warned beyond {max_age_days} days, `--max-age`)"
            ))));
        }
    }
    acc
}

/// `R071` for each pack list with rows that has none in force on `day` (the run's `--as-of`,
/// else today): every row ended, or none begun. Loading accepts it, since a list of a lifted
/// embargo is history rather than a mistake, but a rule reading it stops nothing for orders
/// shipped then, so a gate says so (a list emptied by a typo in its dates reads the same).
pub fn lists_out_of_force(pack: &crate::rules::RulePack, day: NaiveDate) -> Diagnostics {
    let mut acc = Diagnostics::new();
    for list in pack.lists.values() {
        if list.rows.is_empty() || list.any_in_force_on(day) {
            continue;
        }
        acc.push(
            Diagnostic::warning(
                "R071",
                format!(
                    "no row of list `{}` is in force on {day}, so the rules reading it find nothing for orders shipped then",
                    list.meta.name
                ),
            )
            .with_help(Some(
                "check the list's `valid_from` and `valid_until` against its source; a list whose rows have all ended belongs to orders of their time (`--as-of`)"
                    .to_string(),
            )),
        );
    }
    acc
}

/// `L050` for `what`, last checked on `as_of`, when that is more than `max_age_days` before
/// `today`; each command adds its own help.
fn stale_table(
    what: &str,
    as_of: NaiveDate,
    today: NaiveDate,
    max_age_days: u32,
) -> Option<Diagnostic> {
    let age = (today - as_of).num_days();
    (age > i64::from(max_age_days)).then(|| {
        Diagnostic::warning(
            "L050",
            format!("{what} was last checked on `{as_of}`, {age} days before `{today}`"),
        )
    })
}
