//! The raw mirror of rule files: what the TOML says, with a span on every value.
//!
//! This layer only checks shapes (a string where a string belongs, no unknown
//! keys) and keeps spans so that validation can point at the exact text. It
//! holds no logic about paths, operators or lists; `validate.rs` does that.

use std::ops::Range;

use chrono::NaiveDate;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Byte range in the file.
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    /// Wraps a value with its span.
    pub fn new(value: T, span: Range<usize>) -> Sp<T> {
        Sp { value, span }
    }
}

/// A scalar literal as written in TOML.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// An integer or float, kept as its text so no precision is lost.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// A TOML local date (`2024-02-24`).
    Date(String),
}

impl Scalar {
    /// The literal as text: a string, a number's digits, `true`/`false` or
    /// the date.
    pub fn text(&self) -> String {
        match self {
            Scalar::Str(t) | Scalar::Num(t) | Scalar::Date(t) => t.clone(),
            Scalar::Bool(b) => b.to_string(),
        }
    }

    /// A short name of the literal's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "string",
            Scalar::Num(_) => "number",
            Scalar::Bool(_) => "boolean",
            Scalar::Date(_) => "date",
        }
    }
}

/// A `references` entry: a citation with an optional URL.
#[derive(Debug, Clone, PartialEq)]
pub struct RawReference {
    /// The citation (`15 CFR 732 Supp. 3, red flag 5`).
    pub cite: Sp<String>,
    /// A link to the source, if any.
    pub url: Option<Sp<String>>,
}

/// A `[[rule.escalate]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEscalation {
    /// Condition expression over the rule's condition names.
    pub condition: Sp<String>,
    /// The severity when it holds.
    pub severity: Sp<String>,
    /// Why the severity rises, shown in the finding.
    pub reason: Option<Sp<String>>,
}

/// One named condition (`[rule.when.NAME]`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawCondition {
    /// The condition's name.
    pub name: Sp<String>,
    /// The whole table, for "missing key" errors.
    pub span: Range<usize>,
    /// `path`: the value tested.
    pub path: Option<Sp<String>>,
    /// `op`: the operator.
    pub op: Option<Sp<String>>,
    /// `value`: one literal operand.
    pub value: Option<Sp<Scalar>>,
    /// `values`: a literal set.
    pub values: Option<Sp<Vec<Sp<Scalar>>>>,
    /// `field`: another path as the operand.
    pub field: Option<Sp<String>>,
    /// `list`: a named list of the pack.
    pub list: Option<Sp<String>>,
    /// `column`: the list column to match (default: the list's key).
    pub column: Option<Sp<String>>,
    /// `match_columns`: further list columns that must equal order paths.
    pub match_columns: Vec<(Sp<String>, Sp<String>)>,
    /// `pattern`: a regular expression.
    pub pattern: Option<Sp<String>>,
    /// `offset`: a date offset such as `-6 months`.
    pub offset: Option<Sp<String>>,
    /// `days` for `within`.
    pub days: Option<Sp<i64>>,
    /// `months` for `within`.
    pub months: Option<Sp<i64>>,
    /// `quantifier`: `any` or `all` over a path with `[*]`.
    pub quantifier: Option<Sp<String>>,
    /// `if_missing`: `false`, `true` or `unknown`.
    pub if_missing: Option<Sp<Scalar>>,
    /// `case_sensitive` for text comparisons.
    pub case_sensitive: Option<Sp<bool>>,
    /// `rate_date`: which order date picks the exchange rate.
    pub rate_date: Option<Sp<String>>,
    /// `lists` for `screen`: screening lists by name.
    pub lists: Option<Sp<Vec<Sp<Scalar>>>>,
    /// `min_score` for `screen`.
    pub min_score: Option<Sp<Scalar>>,
    /// `below_score` for `screen`.
    pub below_score: Option<Sp<Scalar>>,
    /// `listed` for `screen`: `at_shipment`, `after_shipment` or `any`.
    pub listed: Option<Sp<String>>,
    /// `match_on` for `screen`: `any`, `id`, `name`, `address` or `mentions`.
    pub match_on: Option<Sp<String>>,
    /// `ownership` for `screen`: `include`, `exclude`, `only` or `unresolved`.
    pub ownership: Option<Sp<String>>,
}

/// One `[[rule]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRule {
    /// The whole table's span.
    pub span: Range<usize>,
    /// Every key the table has, valid or not, so that a key reported as
    /// having the wrong type is not also reported as missing.
    pub keys: Vec<String>,
    /// `id`.
    pub id: Option<Sp<String>>,
    /// `version`.
    pub version: Option<Sp<i64>>,
    /// `title`.
    pub title: Option<Sp<String>>,
    /// `severity`.
    pub severity: Option<Sp<String>>,
    /// `family`.
    pub family: Option<Sp<String>>,
    /// `status`.
    pub status: Option<Sp<String>>,
    /// `red_flags`: catalogue ids of the red flags the rule covers.
    pub red_flags: Vec<Sp<String>>,
    /// `icp`: ICP / ECP elements.
    pub icp: Vec<Sp<String>>,
    /// `references`.
    pub references: Vec<RawReference>,
    /// `why`.
    pub why: Option<Sp<String>>,
    /// `action`.
    pub action: Option<Sp<String>>,
    /// `for_each`: variable name to one path or several.
    pub for_each: Vec<(Sp<String>, Vec<Sp<String>>)>,
    /// `condition`.
    pub condition: Option<Sp<String>>,
    /// `message`.
    pub message: Option<Sp<String>>,
    /// `on_unknown`.
    pub on_unknown: Option<Sp<String>>,
    /// `valid_from`: the first day the rule applies.
    pub valid_from: Option<Sp<NaiveDate>>,
    /// `escalate`.
    pub escalate: Vec<RawEscalation>,
    /// `when`.
    pub when: Vec<RawCondition>,
}

/// Keys a `[[rule]]` table may hold.
pub const RULE_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "severity",
    "family",
    "status",
    "red_flags",
    "icp",
    "references",
    "why",
    "action",
    "for_each",
    "condition",
    "message",
    "on_unknown",
    "valid_from",
    "escalate",
    "when",
];

/// Keys an `escalate` entry may hold.
pub const ESCALATION_KEYS: &[&str] = &["condition", "severity", "reason"];

/// Keys a `references` entry written as a table may hold.
pub const REFERENCE_KEYS: &[&str] = &["cite", "url"];

/// Keys a condition table may hold.
pub const CONDITION_KEYS: &[&str] = &[
    "path",
    "op",
    "value",
    "values",
    "field",
    "list",
    "column",
    "match_columns",
    "pattern",
    "offset",
    "days",
    "months",
    "quantifier",
    "if_missing",
    "case_sensitive",
    "rate_date",
    "lists",
    "min_score",
    "below_score",
    "listed",
    "match_on",
    "ownership",
];

/// Parses a TOML file of any kind, reporting every syntax error under `code` (`R001` for
/// packs); `None` when there is one.
pub fn parse_toml<'a>(
    file: &'a SourceFile,
    code: &'static str,
    acc: &mut Diagnostics,
) -> Option<Spanned<DeTable<'a>>> {
    let (root, errors) = DeTable::parse_recoverable(file.text());
    for error in &errors {
        acc.push(
            Diagnostic::error(
                code,
                format!("invalid TOML: {}", first_line(error.message())),
            )
            .at(file, error.span().unwrap_or(0..0), "here"),
        );
    }
    errors.is_empty().then_some(root)
}

/// Reads one rule file into raw rules, reporting every shape problem.
pub fn read_rule_file(file: &SourceFile, acc: &mut Diagnostics) -> Vec<RawRule> {
    let Some(root) = parse_toml(file, "R001", acc) else {
        return Vec::new();
    };
    let mut reader = Reader::new(file, acc);
    let root = root.get_ref();
    reader.deny_unknown(root, &["rule"], "a rule file");
    let Some(rules) = root.get("rule") else {
        reader.acc.push(
            Diagnostic::error("R003", "the file defines no `[[rule]]`")
                .in_file(file)
                .with_help("a rule file holds one or more `[[rule]]` tables".to_string()),
        );
        return Vec::new();
    };
    let Some(tables) = reader.tables(rules, "rule", true) else {
        return Vec::new();
    };
    tables
        .into_iter()
        .map(|(table, span)| reader.rule(table, span))
        .collect()
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    let mut out = line.to_string();
    if let Some(first) = out.get(0..1) {
        let lower = first.to_lowercase();
        out.replace_range(0..1, &lower);
    }
    out.trim_end_matches('.').to_string()
}

/// Shape-checking helpers over the spanned TOML tree, shared by every TOML
/// file redflag reads (rules, waivers, catalogues, rule tests); each kind of
/// file reports under its own codes.
pub(crate) struct Reader<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) acc: &'a mut Diagnostics,
    /// The code of an unknown key (`R002` in rule files).
    unknown_key_code: &'static str,
    /// The code of a value of the wrong type (`R004` in rule files).
    wrong_type_code: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader reporting under the rule files' codes (`R002`, `R004`).
    pub(crate) fn new(file: &'a SourceFile, acc: &'a mut Diagnostics) -> Reader<'a> {
        Reader::with_codes(file, acc, "R002", "R004")
    }

    /// A reader reporting an unknown key under `unknown_key_code` and a
    /// value of the wrong type under `wrong_type_code`.
    pub(crate) fn with_codes(
        file: &'a SourceFile,
        acc: &'a mut Diagnostics,
        unknown_key_code: &'static str,
        wrong_type_code: &'static str,
    ) -> Reader<'a> {
        Reader {
            file,
            acc,
            unknown_key_code,
            wrong_type_code,
        }
    }
}

impl Reader<'_> {
    pub(crate) fn deny_unknown(&mut self, table: &DeTable, allowed: &[&str], what: &str) {
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let name = key.get_ref();
                self.acc.push(
                    Diagnostic::error(
                        self.unknown_key_code,
                        format!("unknown key `{name}` in {what}"),
                    )
                    .at(self.file, key.span(), "not a known key")
                    .with_help(
                        suggest(name, allowed.iter().copied())
                            .or_else(|| Some(format!("known keys: {}", allowed.join(", ")))),
                    ),
                );
            }
        }
    }

    pub(crate) fn wrong_type(&mut self, value: &Spanned<DeValue>, what: &str, expected: &str) {
        self.acc.push(
            Diagnostic::error(
                self.wrong_type_code,
                format!(
                    "{what} must be {expected}, not {}",
                    type_name(value.get_ref())
                ),
            )
            .at(self.file, value.span(), format!("expected {expected}")),
        );
    }

    /// The tables of `[[key]]` (`value` is what `key` holds) with their
    /// spans; with `one_table_too`, a single `[key]` table counts as one.
    /// `None`, reported, when `value` is neither; entries that are not
    /// tables are reported and left out.
    pub(crate) fn tables<'t, 'de>(
        &mut self,
        value: &'t Spanned<DeValue<'de>>,
        key: &str,
        one_table_too: bool,
    ) -> Option<Vec<(&'t DeTable<'de>, Range<usize>)>> {
        let items: Vec<&Spanned<DeValue>> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            DeValue::Table(_) if one_table_too => vec![value],
            _ => {
                let expected = format!("an array of tables (`[[{key}]]`)");
                self.wrong_type(value, &format!("`{key}`"), &expected);
                return None;
            }
        };
        let entry = format!("a `{key}` entry");
        let tables = items
            .into_iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::Table(t) => Some((t, item.span())),
                _ => {
                    self.wrong_type(item, &entry, "a table");
                    None
                }
            })
            .collect();
        Some(tables)
    }

    pub(crate) fn string(&mut self, table: &DeTable, key: &str) -> Option<Sp<String>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), value.span())),
            _ => {
                self.wrong_type(value, &format!("`{key}`"), "a string");
                None
            }
        }
    }

    /// A date `YYYY-MM-DD`, written as a TOML date or a string.
    pub(crate) fn date(&mut self, table: &DeTable, key: &str) -> Option<Sp<NaiveDate>> {
        let v = table.get(key)?;
        let parsed = match self.scalar(v, &format!("`{key}`")) {
            Some(Sp {
                value: Scalar::Date(d) | Scalar::Str(d),
                ..
            }) => NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok(),
            _ => None,
        };
        match parsed {
            Some(d) => Some(Sp::new(d, v.span())),
            None => {
                self.wrong_type(v, &format!("`{key}`"), "a date `YYYY-MM-DD`");
                None
            }
        }
    }

    pub(crate) fn integer(&mut self, table: &DeTable, key: &str) -> Option<Sp<i64>> {
        let value = table.get(key)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        match parsed {
            Some(n) => Some(Sp::new(n, value.span())),
            None => {
                self.wrong_type(value, &format!("`{key}`"), "an integer");
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, table: &DeTable, key: &str) -> Option<Sp<bool>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, value.span())),
            _ => {
                self.wrong_type(value, &format!("`{key}`"), "`true` or `false`");
                None
            }
        }
    }

    pub(crate) fn scalar(&mut self, value: &Spanned<DeValue>, what: &str) -> Option<Sp<Scalar>> {
        let scalar = match value.get_ref() {
            DeValue::String(s) => Scalar::Str(s.to_string()),
            DeValue::Integer(i) => Scalar::Num(i.as_str().replace('_', "")),
            DeValue::Float(f) => Scalar::Num(f.as_str().replace('_', "")),
            DeValue::Boolean(b) => Scalar::Bool(*b),
            DeValue::Datetime(d) => Scalar::Date(d.to_string()),
            _ => {
                self.wrong_type(value, what, "a string, number, boolean or date");
                return None;
            }
        };
        Some(Sp::new(scalar, value.span()))
    }

    /// An array of scalars under `key`, with its span.
    pub(crate) fn scalar_array(
        &mut self,
        table: &DeTable,
        key: &str,
    ) -> Option<Sp<Vec<Sp<Scalar>>>> {
        let v = table.get(key)?;
        match v.get_ref() {
            DeValue::Array(items) => {
                let what = format!("each member of `{key}`");
                let scalars = items.iter().filter_map(|i| self.scalar(i, &what)).collect();
                Some(Sp::new(scalars, v.span()))
            }
            _ => {
                self.wrong_type(v, &format!("`{key}`"), "a list");
                None
            }
        }
    }

    pub(crate) fn strings(&mut self, table: &DeTable, key: &str) -> Vec<Sp<String>> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        match value.get_ref() {
            DeValue::String(s) => vec![Sp::new(s.to_string(), value.span())],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::String(s) => Some(Sp::new(s.to_string(), item.span())),
                    _ => {
                        self.wrong_type(item, &format!("each member of `{key}`"), "a string");
                        None
                    }
                })
                .collect(),
            _ => {
                self.wrong_type(value, &format!("`{key}`"), "a string or a list of strings");
                Vec::new()
            }
        }
    }

    fn rule(&mut self, table: &DeTable, span: Range<usize>) -> RawRule {
        self.deny_unknown(table, RULE_KEYS, "a rule");
        let references = self.references(table);
        let escalate = self.escalations(table);
        let when = self.conditions(table);
        let for_each = self.for_each(table);
        RawRule {
            span,
            keys: table.keys().map(|k| k.get_ref().to_string()).collect(),
            id: self.string(table, "id"),
            version: self.integer(table, "version"),
            title: self.string(table, "title"),
            severity: self.string(table, "severity"),
            family: self.string(table, "family"),
            status: self.string(table, "status"),
            red_flags: self.strings(table, "red_flags"),
            icp: self.strings(table, "icp"),
            references,
            why: self.string(table, "why"),
            action: self.string(table, "action"),
            for_each,
            condition: self.string(table, "condition"),
            message: self.string(table, "message"),
            on_unknown: self.string(table, "on_unknown"),
            valid_from: self.date(table, "valid_from"),
            escalate,
            when,
        }
    }

    fn references(&mut self, table: &DeTable) -> Vec<RawReference> {
        let Some(value) = table.get("references") else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, "`references`", "a list");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(RawReference {
                    cite: Sp::new(s.to_string(), item.span()),
                    url: None,
                }),
                DeValue::Table(t) => {
                    self.deny_unknown(t, REFERENCE_KEYS, "a reference");
                    match self.string(t, "cite") {
                        Some(cite) => out.push(RawReference {
                            cite,
                            url: self.string(t, "url"),
                        }),
                        None => {
                            self.acc
                                .push(Diagnostic::error("R003", "a reference needs `cite`").at(
                                    self.file,
                                    item.span(),
                                    "no `cite` here",
                                ))
                        }
                    }
                }
                _ => self.wrong_type(item, "a reference", "a string or `{ cite, url }`"),
            }
        }
        out
    }

    fn escalations(&mut self, table: &DeTable) -> Vec<RawEscalation> {
        let Some(value) = table.get("escalate") else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, "`escalate`", "a list of tables");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let DeValue::Table(t) = item.get_ref() else {
                self.wrong_type(item, "an `escalate` entry", "a table");
                continue;
            };
            self.deny_unknown(t, ESCALATION_KEYS, "an escalation");
            let condition = self.string(t, "condition");
            let severity = self.string(t, "severity");
            match (condition, severity) {
                (Some(condition), Some(severity)) => out.push(RawEscalation {
                    condition,
                    severity,
                    reason: self.string(t, "reason"),
                }),
                _ => {
                    self.acc.push(
                        Diagnostic::error("R003", "an escalation needs `condition` and `severity`")
                            .at(self.file, item.span(), "incomplete escalation"),
                    )
                }
            }
        }
        out
    }

    fn for_each(&mut self, table: &DeTable) -> Vec<(Sp<String>, Vec<Sp<String>>)> {
        let Some(value) = table.get("for_each") else {
            return Vec::new();
        };
        let DeValue::Table(t) = value.get_ref() else {
            self.wrong_type(value, "`for_each`", "a table of variable = path");
            return Vec::new();
        };
        t.iter()
            .map(|(key, _)| {
                let name = Sp::new(key.get_ref().to_string(), key.span());
                let paths = self.strings(t, key.get_ref());
                (name, paths)
            })
            .collect()
    }

    fn conditions(&mut self, table: &DeTable) -> Vec<RawCondition> {
        let Some(value) = table.get("when") else {
            return Vec::new();
        };
        let DeValue::Table(t) = value.get_ref() else {
            self.wrong_type(value, "`when`", "a table of named conditions");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, item) in t.iter() {
            let DeValue::Table(c) = item.get_ref() else {
                self.wrong_type(item, &format!("condition `{}`", key.get_ref()), "a table");
                continue;
            };
            self.deny_unknown(c, CONDITION_KEYS, "a condition");
            let match_columns = match c.get("match_columns") {
                None => Vec::new(),
                Some(mc) => match mc.get_ref() {
                    DeValue::Table(mt) => mt
                        .iter()
                        .filter_map(|(col, _)| {
                            self.string(mt, col.get_ref())
                                .map(|path| (Sp::new(col.get_ref().to_string(), col.span()), path))
                        })
                        .collect(),
                    _ => {
                        self.wrong_type(mc, "`match_columns`", "a table of column = path");
                        Vec::new()
                    }
                },
            };
            let values = self.scalar_array(c, "values");
            let lists = self.scalar_array(c, "lists");
            let value = c.get("value").and_then(|v| self.scalar(v, "`value`"));
            let if_missing = c
                .get("if_missing")
                .and_then(|v| self.scalar(v, "`if_missing`"));
            out.push(RawCondition {
                name: Sp::new(key.get_ref().to_string(), key.span()),
                span: item.span(),
                path: self.string(c, "path"),
                op: self.string(c, "op"),
                value,
                values,
                field: self.string(c, "field"),
                list: self.string(c, "list"),
                column: self.string(c, "column"),
                match_columns,
                pattern: self.string(c, "pattern"),
                offset: self.string(c, "offset"),
                days: self.integer(c, "days"),
                months: self.integer(c, "months"),
                quantifier: self.string(c, "quantifier"),
                if_missing,
                case_sensitive: self.boolean(c, "case_sensitive"),
                rate_date: self.string(c, "rate_date"),
                lists,
                min_score: c
                    .get("min_score")
                    .and_then(|v| self.scalar(v, "`min_score`")),
                below_score: c
                    .get("below_score")
                    .and_then(|v| self.scalar(v, "`below_score`")),
                listed: self.string(c, "listed"),
                match_on: self.string(c, "match_on"),
                ownership: self.string(c, "ownership"),
            });
        }
        out
    }
}

pub(crate) fn type_name(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
