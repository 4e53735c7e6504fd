//! A tolerant outline of a pack's rule tests: for each `[[case]]`, only the
//! rule it names, what it expects of `fires` and whether it is `todo`.
//!
//! Coverage, lint and explanations need no more, and must count what they
//! can even in a file that `redflag test` rejects, so this reader checks
//! nothing and reports nothing: a value of the wrong type reads as absent,
//! and a file it cannot read at all is a [`OutlineProblem`] for each caller
//! to report under its own codes, or to pass over. The strict reader with the
//! `T0xx` diagnostics is [`super::Suite::load`].

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::{is_test_file, Fires};
use crate::diag::SourceFile;
use crate::rules::raw::Sp;
use crate::rules::PackFiles;

/// One `[[case]]` table, as far as the outline reads it.
#[derive(Debug, Clone)]
pub struct CaseOutline {
    /// The test file.
    pub file: SourceFile,
    /// The whole case table.
    pub span: Range<usize>,
    /// `name`, when it is a string.
    pub name: Option<String>,
    /// `rule`, when it is a string.
    pub rule: Option<Sp<String>>,
    /// `expect.fires`, when it is an outcome (true, false or `"unknown"`).
    pub fires: Option<Fires>,
    /// True when the case has a `todo`, whatever its type.
    pub todo: bool,
    /// The `todo` reason, when it is a string.
    pub todo_reason: Option<String>,
}

impl CaseOutline {
    /// The id of the rule under test, when the case names one.
    pub fn rule_id(&self) -> Option<&str> {
        self.rule.as_ref().map(|r| r.value.as_str())
    }
}

/// A test file the outline could not read; its cases are left out.
#[derive(Debug, Clone)]
pub enum OutlineProblem {
    /// The file is not UTF-8 text.
    NotText {
        /// The file, relative to the pack.
        path: String,
    },
    /// The file is not valid TOML.
    InvalidToml {
        /// The file.
        file: SourceFile,
        /// The parser's message about its first error, as the parser gives it.
        message: String,
        /// Where that error is.
        span: Range<usize>,
    },
}

/// The cases of every test file of a pack.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// Every test file of the pack, read or not, in path order.
    pub files: Vec<String>,
    /// The case tables of the files that could be read, by file then
    /// position.
    pub cases: Vec<CaseOutline>,
    /// The files that could not be read, in path order.
    pub problems: Vec<OutlineProblem>,
}

impl Outline {
    /// Outlines every `*.test.toml` file of a pack.
    pub fn read(files: &PackFiles) -> Outline {
        let mut outline = Outline::default();
        for (path, bytes) in files.files.iter().filter(|(p, _)| is_test_file(p)) {
            outline.files.push(path.clone());
            let Ok(text) = std::str::from_utf8(bytes) else {
                outline
                    .problems
                    .push(OutlineProblem::NotText { path: path.clone() });
                continue;
            };
            outline.file(SourceFile::new(path.as_str(), text));
        }
        outline
    }

    /// The cases naming `rule_id`, by file then position.
    pub fn naming<'a>(&'a self, rule_id: &'a str) -> impl Iterator<Item = &'a CaseOutline> + 'a {
        self.cases
            .iter()
            .filter(move |c| c.rule_id() == Some(rule_id))
    }

    fn file(&mut self, file: SourceFile) {
        let (root, errors) = DeTable::parse_recoverable(file.text());
        if let Some(error) = errors.first() {
            self.problems.push(OutlineProblem::InvalidToml {
                message: error.message().to_string(),
                span: error.span().unwrap_or(0..0),
                file: file.clone(),
            });
            return;
        }
        let Some(DeValue::Array(cases)) = root.get_ref().get("case").map(|c| c.get_ref()) else {
            return;
        };
        for case in cases.iter() {
            let DeValue::Table(table) = case.get_ref() else {
                continue;
            };
            let string = |key: &str| match table.get(key).map(|v| (v.get_ref(), v.span())) {
                Some((DeValue::String(s), span)) => Some(Sp::new(s.to_string(), span)),
                _ => None,
            };
            let fires = match table.get("expect").map(|e| e.get_ref()) {
                Some(DeValue::Table(expect)) => {
                    expect.get("fires").and_then(|f| fires(f.get_ref()))
                }
                _ => None,
            };
            self.cases.push(CaseOutline {
                file: file.clone(),
                span: case.span(),
                name: string("name").map(|s| s.value),
                rule: string("rule"),
                fires,
                todo: table.contains_key("todo"),
                todo_reason: string("todo").map(|s| s.value),
            });
        }
    }
}

/// The outcome `expect.fires` names, if it names one.
pub(super) fn fires(value: &DeValue) -> Option<Fires> {
    match value {
        DeValue::Boolean(true) => Some(Fires::Yes),
        DeValue::Boolean(false) => Some(Fires::No),
        DeValue::String(s) if s == "unknown" => Some(Fires::Unknown),
        _ => None,
    }
}
