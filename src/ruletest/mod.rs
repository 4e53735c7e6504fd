//! Rule tests: `*.test.toml` files of a pack, read into cases and run
//! against the pack's engine.
//!
//! A [`Suite`] is read from [`PackFiles`] (so the embedded default pack's
//! tests work like a directory's) in two steps that both report every
//! problem at once: [`Suite::load`] checks each file's shape, and
//! [`Suite::check`] resolves the names a case uses (rule, conditions, lists)
//! against a validated [`RulePack`]. [`run`] then judges each case's orders
//! and compares the rule's finding with the case's expectation. Nothing here
//! prints; `report::ruletest` renders a [`RunReport`].
//!
//! The format is documented in `docs/testing-rules.md`; the codes `T0xx` are
//! listed there with an example and a fix each.

mod outline;
mod parse;
mod run;

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::findings::Truth;
use crate::rules::{PackFiles, RulePack, Severity};

pub use outline::{CaseOutline, Outline, OutlineProblem};
pub use parse::{CASE_KEYS, EXPECT_KEYS, FILE_KEYS};
pub use run::run;

/// True for a rule test file: a pack file whose name ends in `.test.toml`.
pub fn is_test_file(path: &str) -> bool {
    path.ends_with(".test.toml")
}

/// The test files of a pack whose pack-relative path `select` accepts, in
/// path order.
pub fn test_files<'a>(files: &'a PackFiles, select: &dyn Fn(&str) -> bool) -> Vec<&'a str> {
    files
        .files
        .keys()
        .map(String::as_str)
        .filter(|p| is_test_file(p) && select(p))
        .collect()
}

/// What a case expects of the rule under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fires {
    /// `fires = true`: the rule fires.
    Yes,
    /// `fires = false`: the rule gives no finding at all (an undecided
    /// finding is not "no finding": it fails such a case).
    No,
    /// `fires = "unknown"`: the rule cannot decide and gives an undecided
    /// finding.
    Unknown,
}

impl Fires {
    /// As written in a test file.
    pub fn as_str(self) -> &'static str {
        match self {
            Fires::Yes => "true",
            Fires::No => "false",
            Fires::Unknown => "\"unknown\"",
        }
    }
}

/// The `expect` table of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// `fires`.
    pub fires: Fires,
    /// `severity`: the finding's severity after escalation.
    pub severity: Option<Severity>,
    /// `conditions`: condition name to its expected outcome, in file order.
    pub conditions: Vec<(String, Truth)>,
    /// `values`: condition name to a value text the condition must have read.
    pub values: Vec<(String, String)>,
}

/// Where a case's orders come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `order` or `orders`: a JSON array of the orders (each laid over the
    /// file's `base`, with an `id` filled in), ready for the JSON loader.
    Inline {
        /// The JSON text.
        json: String,
        /// How many orders it holds.
        count: usize,
    },
    /// `file` (pack-relative, resolved from the test file) and optional `id`.
    File {
        /// The order file, relative to the pack.
        path: String,
        /// The one order of the file to use; all of them when absent.
        id: Option<String>,
    },
}

/// `lists`: a list of the pack replaced, for one case, by another CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOverride {
    /// The list's name in the pack.
    pub list: String,
    /// The replacement file, relative to the pack.
    pub file: String,
}

/// One `[[case]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// `name`, unique in its file.
    pub name: String,
    /// The test file, relative to the pack.
    pub file: String,
    /// 1-based line of the case's `name`.
    pub line: usize,
    /// `rule`: the id of the rule under test.
    pub rule: String,
    /// The orders.
    pub input: Input,
    /// `expect`.
    pub expect: Expect,
    /// `todo`: the reason the case is not expected to pass yet.
    pub todo: Option<String>,
    /// `as_of`: the date the case is judged at. Recorded in the result; the
    /// engine leaves out screening-list entries listed after it (`check --as-of`).
    pub as_of: Option<NaiveDate>,
    /// `lists`: lists replaced for this case.
    pub lists: Vec<ListOverride>,
    /// `screening`: screening-list files (pack paths) the case's parties are screened against,
    /// besides the pack's own `[screening.NAME]` lists.
    pub screening: Vec<String>,
    spans: CaseSpans,
}

/// Where the names a case uses are written, for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CaseSpans {
    rule: Range<usize>,
    conditions: Vec<Range<usize>>,
    values: Vec<Range<usize>>,
    lists: Vec<Range<usize>>,
}

impl Case {
    /// True when the case is `todo`.
    pub fn is_todo(&self) -> bool {
        self.todo.is_some()
    }
}

/// One test file and its cases, in file order.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// The file, relative to the pack.
    pub path: String,
    /// Its text.
    pub source: SourceFile,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// The test cases of one rule, split by what they expect. `todo` cases are
/// counted apart: they do not show that the rule works.
#[derive(Debug, Clone, Default)]
pub struct RuleCases<'a> {
    /// Cases with `fires = true`.
    pub fires: Vec<&'a Case>,
    /// Cases with `fires = false`.
    pub silent: Vec<&'a Case>,
    /// Cases with `fires = "unknown"`.
    pub undecided: Vec<&'a Case>,
    /// `todo` cases, whatever they expect.
    pub todo: Vec<&'a Case>,
}

/// The test files of a pack.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    /// Files in path order.
    pub files: Vec<TestFile>,
}

impl Suite {
    /// Reads the test files of `files` that `select` accepts (by
    /// pack-relative path). Returns what could be read and every problem
    /// found; a file with an error still contributes its good cases, so a
    /// caller must look at [`Diagnostics::has_errors`] before running.
    pub fn load(files: &PackFiles, select: &dyn Fn(&str) -> bool) -> (Suite, Diagnostics) {
        let mut acc = Diagnostics::new();
        let mut suite = Suite::default();
        for path in test_files(files, select) {
            let Some(bytes) = files.files.get(path) else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(bytes) else {
                acc.push(Diagnostic::error(
                    "T005",
                    format!("`{path}` is not UTF-8 text"),
                ));
                continue;
            };
            let source = SourceFile::new(path, text);
            if let Some(file) = parse::parse_file(&source, files, &mut acc) {
                suite.files.push(file);
            }
        }
        acc.sort();
        (suite, acc)
    }

    /// Checks the names every case uses against a validated pack: the rule
    /// (T020), the conditions named in `expect` (T021) and the lists named in
    /// `lists` (T022). `todo` cases are not checked: they may be written
    /// before the rule.
    pub fn check(&self, pack: &RulePack) -> Diagnostics {
        let mut acc = Diagnostics::new();
        for file in &self.files {
            for case in file.cases.iter().filter(|c| !c.is_todo()) {
                check_case(case, &file.source, pack, &mut acc);
            }
        }
        acc.sort();
        acc
    }

    /// Every case, with its file, in file and case order.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.files.iter().flat_map(|f| f.cases.iter())
    }

    /// The cases of each rule named by some case, by rule id. A rule of the
    /// pack missing from the map has no test.
    pub fn by_rule(&self) -> BTreeMap<&str, RuleCases<'_>> {
        let mut map: BTreeMap<&str, RuleCases> = BTreeMap::new();
        for case in self.cases() {
            let entry = map.entry(case.rule.as_str()).or_default();
            let bucket = match (case.is_todo(), case.expect.fires) {
                (true, _) => &mut entry.todo,
                (false, Fires::Yes) => &mut entry.fires,
                (false, Fires::No) => &mut entry.silent,
                (false, Fires::Unknown) => &mut entry.undecided,
            };
            bucket.push(case);
        }
        map
    }

    /// Keeps only the cases whose `FILE: NAME`, name or rule id contains
    /// `text`, and the files that still have cases. Returns how many cases
    /// are left.
    pub fn retain_matching(&mut self, text: &str) -> usize {
        for file in &mut self.files {
            let path = file.path.clone();
            file.cases
                .retain(|c| c.rule.contains(text) || format!("{path}: {}", c.name).contains(text));
        }
        self.files.retain(|f| !f.cases.is_empty());
        self.cases().count()
    }
}

fn check_case(case: &Case, file: &SourceFile, pack: &RulePack, acc: &mut Diagnostics) {
    let Some(rule) = pack.rules.iter().find(|r| r.id == case.rule) else {
        acc.push(
            Diagnostic::error(
                "T020",
                format!(
                    "case `{}` tests rule `{}`, which the pack does not have",
                    case.name, case.rule
                ),
            )
            .at(file, case.spans.rule.clone(), "unknown rule")
            .with_help(
                suggest(&case.rule, pack.rules.iter().map(|r| r.id.as_str())).or_else(|| {
                    Some("mark a case for a rule not written yet with `todo = \"...\"`".into())
                }),
            ),
        );
        return;
    };
    let names: Vec<&str> = rule.conditions.iter().map(|c| c.name.as_str()).collect();
    let named = case
        .expect
        .conditions
        .iter()
        .map(|(n, _)| n)
        .zip(&case.spans.conditions)
        .chain(
            case.expect
                .values
                .iter()
                .map(|(n, _)| n)
                .zip(&case.spans.values),
        );
    for (name, span) in named {
        if !names.contains(&name.as_str()) {
            acc.push(
                Diagnostic::error(
                    "T021",
                    format!("rule `{}` has no condition `{name}`", rule.id),
                )
                .at(file, span.clone(), "unknown condition")
                .with_help(
                    suggest(name, names.iter().copied())
                        .or_else(|| Some(format!("its conditions: {}", names.join(", ")))),
                ),
            );
        }
    }
    for (o, span) in case.lists.iter().zip(&case.spans.lists) {
        if !pack.lists.contains_key(&o.list) {
            acc.push(
                Diagnostic::error(
                    "T022",
                    format!("the pack has no list `{}` to replace", o.list),
                )
                .at(file, span.clone(), "unknown list")
                .with_help(
                    suggest(&o.list, pack.lists.keys().map(String::as_str)).or_else(|| {
                        Some(format!(
                            "its lists: {}",
                            pack.lists.keys().cloned().collect::<Vec<_>>().join(", ")
                        ))
                    }),
                ),
            );
        }
    }
}

/// How one case came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every order met the expectation.
    Passed,
    /// Some order did not; one reason per mismatch, `expected ..., got ...`.
    Failed(Vec<String>),
    /// A `todo` case: reported, never failed.
    Todo {
        /// The `todo` text.
        reason: String,
        /// What running it gave.
        status: TodoStatus,
    },
    /// The case could not be run: its orders or a list override could not
    /// be read.
    Error {
        /// The stable code (`T040`...).
        code: &'static str,
        /// What went wrong, lowercase.
        message: String,
    },
}

/// What a `todo` case gave when it was run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TodoStatus {
    /// It passes now: the `todo` can go.
    Passes,
    /// It fails, as expected for now.
    Fails(Vec<String>),
    /// It could not be run (the rule does not exist yet, or its data cannot be read).
    NotRun(String),
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// The rule under test.
    pub rule: String,
    /// 1-based line of the case in its file.
    pub line: usize,
    /// The case's `as_of`, carried for the report.
    pub as_of: Option<NaiveDate>,
    /// How many orders were judged.
    pub orders: usize,
    /// The outcome.
    pub outcome: Outcome,
}

/// The results of one test file, in case order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    /// The file, relative to the pack.
    pub path: String,
    /// Its cases' results.
    pub cases: Vec<CaseResult>,
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// `todo` cases.
    pub todo: usize,
    /// Cases that could not be run.
    pub errors: usize,
}

impl Counts {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Todo { .. } => self.todo += 1,
            Outcome::Error { .. } => self.errors += 1,
        }
    }

    /// All cases.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.todo + self.errors
    }
}

/// Everything a run found, for the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// The pack's name.
    pub pack: String,
    /// The pack's version.
    pub version: String,
    /// Where the pack came from (`<default pack>` or a directory).
    pub origin: String,
    /// Results per test file, in path order.
    pub files: Vec<FileResult>,
}

impl RunReport {
    /// Counts over every file.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for case in self.files.iter().flat_map(|f| &f.cases) {
            counts.add(&case.outcome);
        }
        counts
    }
}
