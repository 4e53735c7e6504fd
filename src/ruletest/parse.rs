//! A test file's TOML into [`TestFile`]: shapes, types and file references
//! checked, every problem reported. Names of rules, conditions and lists are
//! resolved later, against the pack (`Suite::check`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Case, CaseSpans, Expect, Fires, Input, ListOverride, TestFile};
use crate::diag::{suggest, Diagnostic, Diagnostics, SourceFile};
use crate::findings::Truth;
use crate::order::InputFormat;
use crate::rules::raw::{self, Sp};
use crate::rules::{PackFiles, Severity};

/// Top-level keys of a test file.
pub const FILE_KEYS: &[&str] = &["base", "case"];
/// Keys of a `[[case]]`.
pub const CASE_KEYS: &[&str] = &[
    "name",
    "rule",
    "expect",
    "order",
    "orders",
    "file",
    "id",
    "todo",
    "as_of",
    "lists",
    "screening",
];
/// Keys of a case's `expect` table.
pub const EXPECT_KEYS: &[&str] = &["fires", "severity", "conditions", "values"];

/// Reads one test file; `None` when it cannot be parsed at all.
pub(super) fn parse_file(
    file: &SourceFile,
    files: &PackFiles,
    acc: &mut Diagnostics,
) -> Option<TestFile> {
    let root = raw::parse_toml(file, "T001", acc)?;
    let mut r = Reader {
        shape: raw::Reader::with_codes(file, acc, "T002", "T004"),
        files,
        base: Map::new(),
    };
    let root = root.get_ref();
    r.shape.deny_unknown(root, FILE_KEYS, "a test file");
    if let Some(base) = root.get("base") {
        if let Some(Json::Object(map)) = r.table_json(base, "`base`") {
            if let Some((key, _)) = base
                .get_ref()
                .as_table()
                .and_then(|t| t.get_key_value("id"))
            {
                r.shape.acc.push(
                    Diagnostic::error("T009", "`base` must not set `id`")
                        .at(file, key.span(), "here")
                        .with_help(
                            "each order takes its own `id`, or the case's name when it has none"
                                .to_string(),
                        ),
                );
            }
            r.base = map;
        }
    }
    let Some(cases) = root.get("case") else {
        r.shape.acc.push(
            Diagnostic::error("T006", format!("`{}` defines no `[[case]]`", file.name()))
                .in_file(file)
                .with_help(
                    "a test file holds one or more `[[case]]` tables with `name`, `rule`, an order and `expect`"
                        .to_string(),
                ),
        );
        return None;
    };
    if matches!(cases.get_ref(), DeValue::Array(items) if items.is_empty()) {
        r.shape.acc.push(
            Diagnostic::error("T006", format!("`{}` defines no `[[case]]`", file.name())).at(
                file,
                cases.span(),
                "empty",
            ),
        );
    }
    let tables = r.shape.tables(cases, "case", true)?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (table, span) in tables {
        if let Some(case) = r.case(table, span, &mut seen) {
            out.push(case);
        }
    }
    Some(TestFile {
        path: file.name().to_string(),
        source: file.clone(),
        cases: out,
    })
}

/// `expect` with the spans of the condition names under `conditions` and
/// `values`.
type ReadExpect = (Expect, Vec<Range<usize>>, Vec<Range<usize>>);

/// The shape checks of [`raw::Reader`] (under `T002`/`T004`), with what a
/// test file's cases need besides: the pack's files and the file's `base`.
struct Reader<'a> {
    shape: raw::Reader<'a>,
    files: &'a PackFiles,
    /// The file's `base` order.
    base: Map<String, Json>,
}

impl Reader<'_> {
    fn case(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        seen: &mut BTreeMap<String, usize>,
    ) -> Option<Case> {
        self.shape.deny_unknown(t, CASE_KEYS, "a case");
        // The header line is where a reader looks for a case as a whole.
        let head = span.start..span.start;
        let name = self.shape.string(t, "name");
        let rule = self.shape.string(t, "rule");
        let todo = self.shape.string(t, "todo").map(|s| s.value);
        let as_of = self.date(t, "as_of");
        let file = self.shape.file;
        let missing = |what: &str| {
            Diagnostic::error("T003", format!("a case needs `{what}`")).at(
                file,
                head.clone(),
                format!("no `{what}` in this case"),
            )
        };
        let mut problems = Vec::new();
        if name.is_none() && t.get("name").is_none() {
            problems.push(missing("name"));
        }
        if rule.is_none() && t.get("rule").is_none() {
            problems.push(missing("rule"));
        }
        let expect = match t.get("expect") {
            Some(v) => self.expect(v),
            None => {
                problems.push(missing("expect").with_help(
                    "for example `expect = { fires = true, severity = \"hold\" }`".to_string(),
                ));
                None
            }
        };
        for p in problems {
            self.shape.acc.push(p);
        }
        let case_name = name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
        let input = self.input(t, head.clone(), &case_name);
        let lists = self.lists(t);
        let screening = self.screening(t);
        let Sp {
            value: name,
            span: name_span,
        } = name?;
        let line = self.shape.file.line_col(name_span.start).0;
        if let Some(first) = seen.get(&name) {
            self.shape.acc.push(
                Diagnostic::error("T007", format!("case name `{name}` is used twice"))
                    .at(self.shape.file, name_span, "second use")
                    .with_help(format!(
                        "first used on line {first}; names tell cases apart in reports"
                    )),
            );
            return None;
        }
        seen.insert(name.clone(), line);
        let Sp {
            value: rule,
            span: rule_span,
        } = rule?;
        let (expect, conditions, values) = expect?;
        let input = input?;
        let lists = lists?;
        let screening = screening?;
        Some(Case {
            name,
            file: self.shape.file.name().to_string(),
            line,
            rule,
            input,
            expect,
            todo,
            as_of,
            spans: CaseSpans {
                rule: rule_span,
                conditions,
                values,
                lists: lists.iter().map(|(_, s)| s.clone()).collect(),
            },
            lists: lists.into_iter().map(|(o, _)| o).collect(),
            screening,
        })
    }

    fn expect(&mut self, value: &Spanned<DeValue>) -> Option<ReadExpect> {
        let DeValue::Table(t) = value.get_ref() else {
            self.shape.wrong_type(value, "`expect`", "a table");
            return None;
        };
        self.shape.deny_unknown(t, EXPECT_KEYS, "`expect`");
        let fires = match t.get("fires") {
            None => {
                self.shape.acc.push(
                    Diagnostic::error("T003", "`expect` needs `fires`")
                        .at(self.shape.file, value.span(), "no `fires` here")
                        .with_help(
                            "`fires = true`, `fires = false` or `fires = \"unknown\"`".to_string(),
                        ),
                );
                None
            }
            Some(v) => match (super::outline::fires(v.get_ref()), v.get_ref()) {
                (Some(fires), _) => Some(fires),
                (None, DeValue::String(s)) => {
                    self.shape.acc.push(
                        Diagnostic::error(
                            "T009",
                            format!("`fires` must be true, false or `\"unknown\"`, not `\"{s}\"`"),
                        )
                        .at(self.shape.file, v.span(), "not an outcome")
                        .with_help(
                            "`\"unknown\"` expects a finding the rule could not decide".to_string(),
                        ),
                    );
                    None
                }
                (None, _) => {
                    self.shape
                        .wrong_type(v, "`fires`", "true, false or \"unknown\"");
                    None
                }
            },
        };
        let severity = match self.shape.string(t, "severity") {
            None => None,
            Some(Sp { value: text, span }) => match Severity::parse(&text) {
                Some(s) => Some((s, span)),
                None => {
                    self.shape.acc.push(
                        Diagnostic::error("T009", format!("unknown severity `{text}`"))
                            .at(self.shape.file, span, "not a severity")
                            .with_help(
                                suggest(&text, Severity::ALL.iter().map(|s| s.as_str())).or_else(
                                    || Some("severities: info, review, hold, block".to_string()),
                                ),
                            ),
                    );
                    return None;
                }
            },
        };
        if let (Some(Fires::No), Some((_, span))) = (fires, &severity) {
            self.shape.acc.push(
                Diagnostic::error("T008", "`severity` has no meaning with `fires = false`")
                    .at(self.shape.file, span.clone(), "no finding has a severity")
                    .with_help("remove `severity`, or expect `fires = true`".to_string()),
            );
        }
        let mut conditions = Vec::new();
        let mut condition_spans = Vec::new();
        if let Some(v) = t.get("conditions") {
            match v.get_ref() {
                DeValue::Table(ct) => {
                    for (key, value) in ct.iter() {
                        let truth = match value.get_ref() {
                            DeValue::Boolean(b) => Some(Truth::from_bool(*b)),
                            DeValue::String(s) if s == "unknown" => Some(Truth::Unknown),
                            _ => {
                                self.shape.acc.push(
                                    Diagnostic::error(
                                        "T009",
                                        format!(
                                            "the outcome of condition `{}` must be true, false or `\"unknown\"`",
                                            key.get_ref()
                                        ),
                                    )
                                    .at(self.shape.file, value.span(), "not an outcome"),
                                );
                                None
                            }
                        };
                        if let Some(truth) = truth {
                            conditions.push((key.get_ref().to_string(), truth));
                            condition_spans.push(key.span());
                        }
                    }
                }
                _ => self
                    .shape
                    .wrong_type(v, "`conditions`", "a table of condition = outcome"),
            }
        }
        let mut values = Vec::new();
        let mut value_spans = Vec::new();
        if let Some(v) = t.get("values") {
            match v.get_ref() {
                DeValue::Table(vt) => {
                    for (key, value) in vt.iter() {
                        let what = format!("the value of `{}`", key.get_ref());
                        if let Some(scalar) = self.shape.scalar(value, &what) {
                            values.push((key.get_ref().to_string(), scalar.value.text()));
                            value_spans.push(key.span());
                        }
                    }
                }
                _ => self
                    .shape
                    .wrong_type(v, "`values`", "a table of condition = value seen"),
            }
        }
        Some((
            Expect {
                fires: fires?,
                severity: severity.map(|(s, _)| s),
                conditions,
                values,
            },
            condition_spans,
            value_spans,
        ))
    }

    /// `order`, `orders` or `file` (+ `id`): exactly one source.
    fn input(&mut self, t: &DeTable, head: Range<usize>, name: &str) -> Option<Input> {
        let given: Vec<(&str, &Spanned<DeValue>)> = ["order", "orders", "file"]
            .into_iter()
            .filter_map(|k| t.get(k).map(|v| (k, v)))
            .collect();
        if let (Some(id), None) = (t.get_key_value("id"), t.get("file")) {
            self.shape.acc.push(
                Diagnostic::error("T008", "`id` picks an order from `file`, and there is none")
                    .at(self.shape.file, id.0.span(), "`id` without `file`")
                    .with_help("give `file = \"orders.jsonl\"`, or drop `id`".to_string()),
            );
        }
        let (key, value) = match given.as_slice() {
            [] => {
                self.shape.acc.push(
                    Diagnostic::error("T003", "a case needs an order")
                        .at(self.shape.file, head, "no order in this case")
                        .with_help(
                            "give `order = { ... }`, `[case.order]`, `[[case.orders]]` or `file = \"orders.jsonl\"`"
                                .to_string(),
                        ),
                );
                return None;
            }
            [one] => *one,
            [_, (second, value), ..] => {
                let first = given[0].0;
                self.shape.acc.push(
                    Diagnostic::error(
                        "T008",
                        format!("a case gives its orders once, by `{first}` or by `{second}`"),
                    )
                    .at(self.shape.file, value.span(), "second source of orders")
                    .with_help(
                        "put orders that belong together in one `orders` array, or split the case"
                            .to_string(),
                    ),
                );
                return None;
            }
        };
        match key {
            "order" => {
                let order = self.order(value, "`order`", name)?;
                Some(Input::Inline {
                    json: Json::Array(vec![order]).to_string(),
                    count: 1,
                })
            }
            "orders" => {
                let DeValue::Array(items) = value.get_ref() else {
                    self.shape.wrong_type(
                        value,
                        "`orders`",
                        "an array of tables (`[[case.orders]]`)",
                    );
                    return None;
                };
                if items.is_empty() {
                    self.shape.acc.push(
                        Diagnostic::error("T009", "`orders` is empty")
                            .at(self.shape.file, value.span(), "no order")
                            .with_help("give at least one order".to_string()),
                    );
                    return None;
                }
                let mut orders = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.order(
                        item,
                        "each member of `orders`",
                        &format!("{name}-{}", i + 1),
                    ) {
                        Some(order) => orders.push(order),
                        None => ok = false,
                    }
                }
                let count = orders.len();
                ok.then(|| Input::Inline {
                    json: Json::Array(orders).to_string(),
                    count,
                })
            }
            _ => {
                let Sp { value: path, span } = self.shape.string(t, "file")?;
                let resolved = self.pack_file(&path, span.clone(), "order file")?;
                if InputFormat::from_extension(&resolved).is_none() {
                    self.shape.acc.push(
                        Diagnostic::error(
                            "T010",
                            format!("cannot tell the format of order file `{path}`"),
                        )
                        .at(self.shape.file, span, "unknown extension")
                        .with_help("order files end in `.jsonl`, `.json` or `.csv`".to_string()),
                    );
                    return None;
                }
                let id = self.shape.string(t, "id").map(|s| s.value);
                Some(Input::File { path: resolved, id })
            }
        }
    }

    /// One inline order laid over `base`, with an `id`.
    fn order(&mut self, value: &Spanned<DeValue>, what: &str, default_id: &str) -> Option<Json> {
        let Json::Object(own) = self.table_json(value, what)? else {
            return None;
        };
        let mut order = self.base.clone();
        // Top-level fields replace the base's whole: a deep merge would let
        // a party keep fields of the base's party that the case never shows.
        order.extend(own);
        order
            .entry("id")
            .or_insert_with(|| Json::String(default_id.to_string()));
        Some(Json::Object(order))
    }

    fn lists(&mut self, t: &DeTable) -> Option<Vec<(ListOverride, Range<usize>)>> {
        let Some(value) = t.get("lists") else {
            return Some(Vec::new());
        };
        let DeValue::Table(lt) = value.get_ref() else {
            self.shape
                .wrong_type(value, "`lists`", "a table of list = \"file.csv\"");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (key, file) in lt.iter() {
            let DeValue::String(path) = file.get_ref() else {
                self.shape.wrong_type(
                    file,
                    &format!("the file of list `{}`", key.get_ref()),
                    "a string",
                );
                ok = false;
                continue;
            };
            match self.pack_file(path, file.span(), "list file") {
                Some(resolved) => out.push((
                    ListOverride {
                        list: key.get_ref().to_string(),
                        file: resolved,
                    },
                    key.span(),
                )),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `screening = ["lists/designated.ftm.json"]`: screening-list files in the pack.
    fn screening(&mut self, t: &DeTable) -> Option<Vec<String>> {
        let Some(value) = t.get("screening") else {
            return Some(Vec::new());
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.shape
                .wrong_type(value, "`screening`", "a list of list files");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            let DeValue::String(path) = item.get_ref() else {
                self.shape
                    .wrong_type(item, "a screening-list file", "a string");
                ok = false;
                continue;
            };
            match self.pack_file(path, item.span(), "screening-list file") {
                Some(resolved) => out.push(resolved),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A path relative to the test file, as a path in the pack that exists.
    fn pack_file(&mut self, path: &str, span: Range<usize>, what: &str) -> Option<String> {
        let Some(resolved) = resolve(self.shape.file.name(), path) else {
            self.shape.acc.push(
                Diagnostic::error("T010", format!("{what} `{path}` is outside the rule pack"))
                    .at(self.shape.file, span, "outside the pack")
                    .with_help(
                        "paths are relative to the test file and stay inside the pack, so the pack's tests run wherever the pack goes"
                            .to_string(),
                    ),
            );
            return None;
        };
        if self.files.files.contains_key(&resolved) {
            return Some(resolved);
        }
        let hint = suggest(&resolved, self.files.files.keys().map(String::as_str))
            .map(|s| format!("{s} (paths are relative to the test file)"))
            .unwrap_or_else(|| "paths are relative to the test file".to_string());
        self.shape.acc.push(
            Diagnostic::error(
                "T010",
                format!("{what} `{path}` does not exist (looked for `{resolved}` in the pack)"),
            )
            .at(self.shape.file, span, "no such file")
            .with_help(hint),
        );
        None
    }

    fn date(&mut self, t: &DeTable, key: &str) -> Option<NaiveDate> {
        let value = t.get(key)?;
        let text = match value.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => String::new(),
        };
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.shape.acc.push(
                    Diagnostic::error("T009", format!("`{key}` must be a date `YYYY-MM-DD`")).at(
                        self.shape.file,
                        value.span(),
                        "not a date",
                    ),
                );
                None
            }
        }
    }

    /// A TOML table as a JSON object; numbers keep their digits.
    fn table_json(&mut self, value: &Spanned<DeValue>, what: &str) -> Option<Json> {
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            self.shape.wrong_type(value, what, "a table (an order)");
            return None;
        }
        self.json(value)
    }

    fn json(&mut self, value: &Spanned<DeValue>) -> Option<Json> {
        Some(match value.get_ref() {
            DeValue::String(s) => Json::String(s.to_string()),
            DeValue::Boolean(b) => Json::Bool(*b),
            DeValue::Datetime(d) => Json::String(d.to_string()),
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let number = if i.radix() == 10 {
                    serde_json::Number::from_str(digits.trim_start_matches('+')).ok()
                } else {
                    i64::from_str_radix(&digits, i.radix())
                        .ok()
                        .map(serde_json::Number::from)
                };
                match number {
                    Some(n) => Json::Number(n),
                    None => return self.bad_number(value),
                }
            }
            DeValue::Float(f) => {
                let text = f.as_str().replace('_', "");
                match serde_json::Number::from_str(text.trim_start_matches('+')) {
                    Ok(n) => Json::Number(n),
                    Err(_) => return self.bad_number(value),
                }
            }
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    out.push(self.json(item)?);
                }
                Json::Array(out)
            }
            DeValue::Table(t) => {
                let mut out = Map::new();
                for (key, item) in t.iter() {
                    let item = self.json(item)?;
                    out.insert(key.get_ref().to_string(), item);
                }
                Json::Object(out)
            }
        })
    }

    fn bad_number(&mut self, value: &Spanned<DeValue>) -> Option<Json> {
        self.shape.acc.push(
            Diagnostic::error(
                "T009",
                "an order holds a number that is not a plain decimal",
            )
            .at(self.shape.file, value.span(), "not a plain decimal")
            .with_help("write amounts as decimals (`12500.00`) or as strings".to_string()),
        );
        None
    }
}

/// `relative` (to the directory of `from`) as a pack path, `None` when it
/// leaves the pack or is absolute.
pub(super) fn resolve(from: &str, relative: &str) -> Option<String> {
    let relative = relative.replace('\\', "/");
    if relative.starts_with('/') || relative.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn paths_resolve_inside_the_pack_only() {
        assert_eq!(
            resolve("tests/a.test.toml", "data/x.csv").as_deref(),
            Some("tests/data/x.csv")
        );
        assert_eq!(
            resolve("tests/a.test.toml", "../lists/x.csv").as_deref(),
            Some("lists/x.csv")
        );
        assert_eq!(
            resolve("a.test.toml", "./o.jsonl").as_deref(),
            Some("o.jsonl")
        );
        assert_eq!(resolve("tests/a.test.toml", "../../x.csv"), None);
        assert_eq!(resolve("tests/a.test.toml", "/etc/x.csv"), None);
    }
}
