//! SARIF 2.1.0 output (`--format sarif`), for code-scanning and review tools.
//!
//! One run per document. The pack's rules are the driver's rules; each
//! finding is a result located at its order record's file and line. The
//! document streams: the tool and its rules first, then results as orders
//! are judged, then the artifacts (inputs with their digests) and the
//! provenance, which are only known at the end. SARIF does not order an
//! object's properties, so writing them late changes nothing for a reader.
//!
//! Built from `serde_json` values, not from typed SARIF structs, so the
//! mapping stays visible here and the wire format stays in this module.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};

use super::json::{condition_json, pack_json, summary_json};
use super::{kind_str, references_line, Reporter, RunInfo, Summary};
use crate::findings::{Finding, Judgement, Verdict};
use crate::rules::model::Rule;
use crate::rules::Severity;

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The id of the extra rule under which unreadable records are reported.
pub const RECORD_ERROR_RULE: &str = "redflag/record-error";

/// Characters escaped in artifact URIs: controls, space and the characters a
/// relative URI reference may not hold literally.
const URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The SARIF reporter.
#[derive(Default)]
pub struct SarifReporter {
    first: bool,
    rule_index: BTreeMap<String, usize>,
    inputs: Vec<String>,
}

impl SarifReporter {
    /// A reporter writing one SARIF document.
    pub fn new() -> SarifReporter {
        SarifReporter {
            first: true,
            ..SarifReporter::default()
        }
    }
}

/// The SARIF level of a severity: block and hold stop an order (`error`),
/// review asks for a look (`warning`), info is a `note`.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Block | Severity::Hold => "error",
        Severity::Review => "warning",
        Severity::Info => "note",
    }
}

/// A file name as given on the command line, as a relative URI reference. A colon before the
/// first `/` is percent-encoded too: left as it is, `javascript:alert(1)` (or `C:/orders.csv`)
/// would read as a URI with a scheme, which a viewer might follow; a leading `//` likewise
/// would name a host.
pub fn uri(file: &str) -> String {
    let encoded = utf8_percent_encode(&file.replace('\\', "/"), URI).to_string();
    match encoded.split_once('/') {
        Some((first, rest)) if first.contains(':') => {
            format!("{}/{rest}", first.replace(':', "%3A"))
        }
        None if encoded.contains(':') => encoded.replace(':', "%3A"),
        // `//host/path` would name a host; keep it a path.
        _ => match encoded.strip_prefix("//") {
            Some(rest) => format!("/%2F{rest}"),
            None => encoded,
        },
    }
}

fn text(s: &str) -> Json {
    json!({ "text": s })
}

fn rule_json(rule: &Rule) -> Json {
    let mut tags = vec![rule.family.clone()];
    tags.extend(rule.red_flags.iter().cloned());
    tags.extend(rule.icp.iter().cloned());
    let mut help = String::new();
    if !rule.action.is_empty() {
        help.push_str(&rule.action);
    }
    for r in &rule.references {
        if !help.is_empty() {
            help.push('\n');
        }
        match &r.url {
            Some(url) => help.push_str(&format!("{} <{url}>", r.cite)),
            None => help.push_str(&r.cite),
        }
    }
    let mut out = Map::new();
    out.insert("id".into(), json!(rule.id));
    out.insert("shortDescription".into(), text(&rule.title));
    if !rule.why.is_empty() {
        out.insert("fullDescription".into(), text(&rule.why));
    }
    if !help.is_empty() {
        out.insert("help".into(), text(&help));
    }
    // Only a web address becomes `helpUri`, which viewers turn into a link; any other URL
    // stays in the help text only.
    if let Some(url) = rule
        .references
        .iter()
        .find_map(|r| r.url.as_deref().and_then(super::web_url))
    {
        out.insert("helpUri".into(), json!(url));
    }
    out.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(rule.severity) }),
    );
    out.insert(
        "properties".into(),
        json!({
            "tags": tags,
            "family": rule.family,
            "version": rule.version,
            "severity": rule.severity.as_str(),
            "red_flags": rule.red_flags,
            "icp": rule.icp,
            "condition": rule.condition_text,
            "file": rule.file,
            "line": rule.line,
        }),
    );
    Json::Object(out)
}

fn record_error_rule() -> Json {
    json!({
        "id": RECORD_ERROR_RULE,
        "shortDescription": text("Order record could not be read"),
        "fullDescription": text("A record that cannot be read is never clear: it is judged `error` and must be fixed and checked again."),
        "help": text("Fix the record at the given line (see the problems in the message) and run the check again."),
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": ["input"] },
    })
}

/// A stable identity for a result: the rule and the order id (or, for a
/// record without id, its file and line), so a tool can tell a finding seen
/// before from a new one across runs and edits that move lines.
fn fingerprint(rule: &str, j: &Judgement) -> String {
    let identity = match &j.order_id {
        Some(id) => format!("{rule}\u{0}order\u{0}{id}"),
        None => format!("{rule}\u{0}at\u{0}{}\u{0}{}", j.origin.file, j.origin.line),
    };
    format!("{:x}", Sha256::digest(identity.as_bytes()))
}

impl SarifReporter {
    fn location(&self, j: &Judgement) -> Json {
        let mut artifact = Map::new();
        artifact.insert("uri".into(), json!(uri(&j.origin.file)));
        if let Some(index) = self.inputs.iter().position(|i| *i == j.origin.file) {
            artifact.insert("index".into(), json!(index));
        }
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": j.origin.line.max(1) },
            },
        });
        if let (Some(id), Json::Object(map)) = (&j.order_id, &mut location) {
            map.insert(
                "logicalLocations".into(),
                json!([{ "name": id, "kind": "object" }]),
            );
        }
        location
    }

    fn finding_result(&self, j: &Judgement, f: &Finding) -> Json {
        let id = j.order_id.as_deref().unwrap_or("(no id)");
        let mut result = Map::new();
        result.insert("ruleId".into(), json!(f.rule.id));
        if let Some(index) = self.rule_index.get(&f.rule.id) {
            result.insert("ruleIndex".into(), json!(index));
        }
        result.insert("level".into(), json!(level(f.severity)));
        let undecided = match f.kind {
            crate::findings::FindingKind::Undecided => " (could not be decided)",
            crate::findings::FindingKind::Fired => "",
        };
        result.insert(
            "message".into(),
            text(&format!("{id}: {}{undecided}", f.message)),
        );
        result.insert("locations".into(), json!([self.location(j)]));
        if let Some(w) = &f.waiver {
            // A waiver is compliance's decision recorded outside the rules: SARIF's external,
            // accepted suppression, which viewers show as suppressed rather than hide.
            result.insert(
                "suppressions".into(),
                json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (waiver {}, approved by {} on {}, until {})", w.reason, w.id, w.approver, w.date, w.expires),
                }]),
            );
        }
        result.insert(
            "partialFingerprints".into(),
            json!({ "redflagFinding/v1": fingerprint(&f.rule.id, j) }),
        );
        result.insert(
            "properties".into(),
            json!({
                "order_id": j.order_id,
                "verdict": j.verdict.as_str(),
                "context": j.context.as_ref().map(super::json::context_json),
                "severity": f.severity.as_str(),
                "kind": kind_str(f),
                "rule_version": f.rule.version,
                "family": f.rule.family,
                "escalation": f.escalation,
                "matches": f.matches,
                "references": references_line(f),
                "bindings": f.bindings.iter().map(|b| json!({"name": b.name, "path": b.path, "label": b.label})).collect::<Vec<_>>(),
                "evidence": f.conditions.iter().map(condition_json).collect::<Vec<_>>(),
            }),
        );
        if let (Some(why), Some(Json::Object(properties))) =
            (&f.later, result.get_mut("properties"))
        {
            properties.insert("later".into(), Json::String(why.clone()));
        }
        Json::Object(result)
    }

    fn error_result(&self, j: &Judgement) -> Json {
        let problems: Vec<String> = j
            .problems
            .iter()
            .map(|p| {
                if p.path.is_empty() {
                    format!("{} {}", p.code, p.message)
                } else {
                    format!("{} {}: {}", p.code, p.path, p.message)
                }
            })
            .collect();
        let id = j.order_id.as_deref().unwrap_or("(no id)");
        json!({
            "ruleId": RECORD_ERROR_RULE,
            "ruleIndex": self.rule_index.len(),
            "level": "error",
            "message": text(&format!("{id}: the record could not be read: {}", problems.join("; "))),
            "locations": [self.location(j)],
            "partialFingerprints": { "redflagFinding/v1": fingerprint(RECORD_ERROR_RULE, j) },
            "properties": {
                "order_id": j.order_id,
                "verdict": "error",
                "problems": j.problems.iter().map(|p| json!({
                    "code": p.code,
                    "path": p.path,
                    "column": p.column,
                    "line": p.line,
                    "message": p.message,
                })).collect::<Vec<_>>(),
            },
        })
    }

    fn result(&mut self, out: &mut dyn Write, value: &Json) -> io::Result<()> {
        if !self.first {
            out.write_all(b",")?;
        }
        self.first = false;
        out.write_all(b"\n")?;
        super::json::write(out, value, false)
    }
}

impl Reporter for SarifReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        self.inputs = run.inputs.clone();
        let mut rules: Vec<Json> = Vec::new();
        for (index, rule) in run.pack.rules.iter().enumerate() {
            self.rule_index.insert(rule.id.clone(), index);
            rules.push(rule_json(rule));
        }
        rules.push(record_error_rule());
        let tool = json!({
            "driver": {
                "name": "redflag",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            },
        });
        out.write_all(b"{\"$schema\":")?;
        super::json::write(out, &json!(SCHEMA_URI), false)?;
        out.write_all(b",\"version\":\"2.1.0\",\"runs\":[{\"tool\":")?;
        super::json::write(out, &tool, false)?;
        out.write_all(b",\"results\":[")
    }

    fn judgement(&mut self, out: &mut dyn Write, j: &Judgement) -> io::Result<()> {
        if j.verdict == Verdict::Error {
            let value = self.error_result(j);
            return self.result(out, &value);
        }
        for f in &j.findings {
            let value = self.finding_result(j, f);
            self.result(out, &value)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let artifacts: Vec<Json> = summary
            .inputs
            .iter()
            .map(|input| {
                let mut roles = vec!["analysisTarget"];
                if input.file == "-" {
                    roles.push("standardStream");
                }
                let mut artifact = Map::new();
                artifact.insert("location".into(), json!({ "uri": uri(&input.file) }));
                artifact.insert("roles".into(), json!(roles));
                if let Some(bytes) = input.bytes {
                    artifact.insert("length".into(), json!(bytes));
                }
                if let Some(sha256) = &input.sha256 {
                    artifact.insert("hashes".into(), json!({ "sha-256": sha256 }));
                }
                artifact.insert("properties".into(), json!({ "records": input.records }));
                Json::Object(artifact)
            })
            .collect();
        let other_files: Vec<Json> = run
            .other_files
            .iter()
            .map(|f| json!({"role": f.role, "file": f.file, "sha256": f.sha256}))
            .collect();
        let mut properties = json!({
            "redflag_version": env!("CARGO_PKG_VERSION"),
            "pack": pack_json(run),
            "as_of": run.as_of.map(|d| d.to_string()),
            "other_files": other_files,
            "screening": super::json::screening_lists_json(run),
            "filter": super::json::filter_json(run),
            "summary": summary_json(summary, run),
        });
        // Only when set, as in the JSON header: the reports of other runs keep their bytes.
        if let (true, Some(fields)) = (run.shipped, properties.as_object_mut()) {
            fields.insert("shipped".into(), Json::Bool(true));
        }
        out.write_all(b"\n],\"artifacts\":")?;
        super::json::write(out, &Json::Array(artifacts), false)?;
        out.write_all(b",\"properties\":")?;
        super::json::write(out, &properties, false)?;
        out.write_all(b"}]}\n")
    }
}
