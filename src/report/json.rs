//! JSON and JSON Lines output, schema `redflag.check/1` (see docs/output.md).
//!
//! Key order is fixed by construction (serde_json keeps insertion order here),
//! findings arrive sorted from the engine, and nothing time- or
//! machine-dependent is written, so the same inputs give the same bytes.

use std::io::{self, Write};

use serde_json::{json, Map, Value as Json};

use super::{Reporter, RunInfo, Summary};
use crate::findings::*;

/// The schema identifier written in every document.
pub const SCHEMA: &str = "redflag.check/1";

/// Whole-document JSON (`--format json`) or one object per line (`jsonl`).
pub struct JsonReporter {
    lines: bool,
    first: bool,
}

impl JsonReporter {
    /// A reporter writing one JSON document.
    pub fn document() -> JsonReporter {
        JsonReporter {
            lines: false,
            first: true,
        }
    }

    /// A reporter writing JSON Lines.
    pub fn lines() -> JsonReporter {
        JsonReporter {
            lines: true,
            first: true,
        }
    }
}

/// The run's provenance: tool, pack, lists, inputs.
pub fn run_json(run: &RunInfo) -> Json {
    let other_files: Vec<Json> = run
        .other_files
        .iter()
        .map(|f| json!({"role": f.role, "file": f.file, "sha256": f.sha256}))
        .collect();
    json!({
        "schema": SCHEMA,
        "redflag_version": env!("CARGO_PKG_VERSION"),
        "pack": pack_json(run),
        "inputs": run.inputs,
        "fail_on": run.fail_on.as_str(),
        "as_of": run.as_of.map(|d| d.to_string()),
        "other_files": other_files,
        "waivers": run.waiver_file.map(|w| json!({
            "file": w.file,
            "sha256": w.digest,
            "count": w.waivers.len(),
        })),
        "screening": screening_lists_json(run),
        "filter": filter_json(run),
    })
}

/// What the report holds: `null` for every order, else the lowest severity kept and the
/// option that chose it.
pub(crate) fn filter_json(run: &RunInfo) -> Json {
    match run.filter.min_str() {
        None => Json::Null,
        Some(min) => json!({
            "min_verdict": min,
            "option": run.filter.option(),
            "holds": run.filter.describe(),
        }),
    }
}

/// An order's buyer, destination and value (`null` parts when the order does not give them);
/// the value is a string, exact as the order gave it.
pub fn context_json(c: &crate::context::OrderContext) -> Json {
    json!({
        "buyer_name": c.buyer_name,
        "buyer_country": c.buyer_country,
        "destination": c.destination,
        "value": c.value.map(|v| v.to_string()),
        "currency": c.currency,
    })
}

/// The screening lists of a run: name, file, format, date, source, digest, counts.
pub(crate) fn screening_lists_json(run: &RunInfo) -> Json {
    run.screening
        .iter()
        .map(|l| {
            json!({
                "name": l.name,
                "file": l.file,
                "format": l.format,
                "as_of": l.as_of.map(|d| d.to_string()),
                "source": l.source,
                "sha256": l.digest,
                "entries": l.entries,
                "bad_rows": l.problems,
            })
        })
        .collect()
}

/// The pack's provenance: name, version, digest, every list and file.
pub(crate) fn pack_json(run: &RunInfo) -> Json {
    let pack = run.pack;
    let lists: Vec<Json> = pack
        .lists
        .values()
        .map(|l| {
            json!({
                "name": l.meta.name,
                "file": l.meta.file,
                "as_of": l.meta.as_of.to_string(),
                "rows": l.rows.len(),
                "source": l.meta.source,
                "sha256": l.meta.digest,
            })
        })
        .collect();
    let rates = pack.rates.as_ref().map(|r| {
        json!({
            "file": r.meta.file,
            "base": r.base,
            "as_of": r.meta.as_of.to_string(),
            "rows": r.row_count(),
            "source": r.meta.source,
            "sha256": r.meta.digest,
        })
    });
    let files: Vec<Json> = pack
        .files
        .iter()
        .map(|(path, digest)| json!({"path": path, "sha256": digest}))
        .collect();
    let mut out = json!({
        "name": pack.name,
        "version": pack.version,
        "origin": run.pack_origin,
        "sha256": pack.digest,
        "rules": pack.rules.len(),
        "lists": lists,
        "rates": rates,
        "files": files,
    });
    // Only a layered pack has more to say; a pack that extends nothing keeps its shape.
    if let (Some(map), true) = (out.as_object_mut(), is_layered(pack)) {
        map.insert("layers".into(), layers_json(pack));
        map.insert("overrides".into(), overrides_json(pack));
    }
    out
}

/// True when the pack is made of more than one layer or changes base rules.
pub fn is_layered(pack: &crate::rules::RulePack) -> bool {
    pack.layers.len() > 1 || !pack.overrides.is_empty()
}

fn layers_json(pack: &crate::rules::RulePack) -> Json {
    Json::Array(
        pack.layers
            .iter()
            .map(|l| json!({"name": l.name, "version": l.version, "origin": l.origin, "sha256": l.digest}))
            .collect(),
    )
}

fn overrides_json(pack: &crate::rules::RulePack) -> Json {
    Json::Array(
        pack.overrides
            .iter()
            .map(|o| json!({"rule": o.rule, "change": o.change.describe(), "reason": o.reason, "by": o.layer}))
            .collect(),
    )
}

/// One judgement as JSON.
pub fn judgement_json(j: &Judgement) -> Json {
    let mut order = Map::new();
    order.insert(
        "id".into(),
        j.order_id.clone().map(Json::String).unwrap_or(Json::Null),
    );
    order.insert("file".into(), json!(j.origin.file));
    order.insert("line".into(), json!(j.origin.line));
    order.insert("verdict".into(), json!(j.verdict.as_str()));
    order.insert(
        "context".into(),
        j.context.as_ref().map(context_json).unwrap_or(Json::Null),
    );
    order.insert(
        "findings".into(),
        Json::Array(j.findings.iter().map(finding_json).collect()),
    );
    if !j.problems.is_empty() {
        let problems = j
            .problems
            .iter()
            .map(|p| {
                json!({
                    "code": p.code,
                    "path": p.path,
                    "column": p.column,
                    "line": p.line,
                    "message": p.message,
                })
            })
            .collect();
        order.insert("problems".into(), Json::Array(problems));
    }
    Json::Object(order)
}

/// One finding, as in `redflag.check/1`.
pub fn finding_json(f: &Finding) -> Json {
    json!({
        "rule_id": f.rule_id,
        "rule_version": f.rule_version,
        "kind": super::kind_str(f),
        "severity": f.severity.as_str(),
        "title": f.title,
        "message": f.message,
        "family": f.family,
        "red_flags": f.red_flags,
        "icp": f.icp,
        "references": f.references.iter().map(|r| json!({"cite": r.cite, "url": r.url})).collect::<Vec<_>>(),
        "why": f.why,
        "action": f.action,
        "escalation": f.escalation,
        "condition": f.condition,
        "matches": f.matches,
        "bindings": f.bindings.iter().map(|b| json!({"name": b.name, "path": b.path, "label": b.label})).collect::<Vec<_>>(),
        "evidence": f.conditions.iter().map(condition_json).collect::<Vec<_>>(),
        "waiver": f.waiver.as_ref().map(|w| json!({
            "id": w.id,
            "reason": w.reason,
            "approver": w.approver,
            "date": w.date.to_string(),
            "expires": w.expires.to_string(),
            "order": w.order,
            "party": w.party,
            "path": w.path,
            "line": w.line,
        })),
        "waived_in_part": f.waived_in_part,
    })
}

/// One condition's evidence, as in `redflag.check/1`.
pub fn condition_json(c: &ConditionEvidence) -> Json {
    json!({
        "condition": c.name,
        "op": c.op,
        "path": c.path,
        "truth": c.truth.as_str(),
        "observations": c.observations.iter().map(|o| {
            let row = o.row.as_ref().map(|r| {
                let cells: Map<String, Json> = r.cells.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                json!({"list": r.list, "line": r.line, "cells": cells})
            });
            let mut obs = json!({
                "path": o.path,
                "seen": o.seen,
                "expected": o.expected,
                "holds": o.holds.as_str(),
                "note": o.note,
                "row": row,
            });
            if let (Some(s), Some(map)) = (o.screening.as_deref(), obs.as_object_mut()) {
                map.insert("screening".into(), screening_json(s));
            }
            obs
        }).collect::<Vec<_>>(),
        "more": c.more,
    })
}

fn screening_json(s: &ScreeningEvidence) -> Json {
    let (basis, alias, id) = match &s.basis {
        MatchBasis::Name => ("name", None, None),
        MatchBasis::Alias(a) => ("alias", Some(a.clone()), None),
        MatchBasis::Id { scheme, value } => {
            ("id", None, Some(json!({"scheme": scheme, "value": value})))
        }
    };
    json!({
        "role": s.role,
        "party": s.party,
        "list": s.list,
        "source": s.source,
        "entry_id": s.entry_id,
        "primary_name": s.primary_name,
        "programs": s.programs,
        "listed_on": s.listed_on.map(|d| d.to_string()),
        "ends_on": s.ends_on.map(|d| d.to_string()),
        "shipment_date": s.shipment_date.map(|d| d.to_string()),
        "listing": s.status.as_str(),
        "matched_on": basis,
        "alias": alias,
        "id": id,
        "score": s.score.to_string(),
        "query_normalized": s.query_normalized,
        "entry_normalized": s.entry_normalized,
        "country_match": s.country_match,
        "other_matches": s.other_matches,
    })
}

/// The closing counts.
pub fn summary_json(s: &Summary, run: &RunInfo) -> Json {
    json!({
        "read": s.read,
        "judged": s.judged,
        "rejected": s.rejected,
        "verdicts": {
            "block": s.block,
            "hold": s.hold,
            "review": s.review,
            "info": s.info,
            "clear": s.clear,
            "error": s.rejected,
        },
        "findings": s.findings,
        "undecided": s.undecided,
        "fail_on": run.fail_on.as_str(),
        "failing": s.failing,
        "waived": s.waived,
        "waivers_expired": s.waivers_expired,
        "waivers_unused": s.waivers_unused,
        "left_out": s.left_out,
        "inputs": s.inputs.iter().map(|i| json!({
            "file": i.file,
            "records": i.records,
            "bytes": i.bytes,
            "sha256": i.sha256,
        })).collect::<Vec<_>>(),
    })
}

fn write_json(out: &mut dyn Write, value: &Json) -> io::Result<()> {
    write(out, value, false)
}

/// Writes a JSON value, compact or pretty-printed, as every JSON format of redflag does: like
/// serde_json, except that the characters [`super::escape::is_hidden`] names beyond the C0
/// controls JSON escapes anyway (DEL, C1 controls, bidirectional and invisible format
/// characters, line and paragraph separators) are written as `\uXXXX` escapes. A JSON reader
/// gets the same strings; a terminal showing the file gets nothing it would act on or reorder.
pub fn write(out: &mut dyn Write, value: &Json, pretty: bool) -> io::Result<()> {
    use serde::Serialize;
    let result = if pretty {
        let formatter = Escaping(serde_json::ser::PrettyFormatter::new());
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))
    } else {
        let formatter = Escaping(serde_json::ser::CompactFormatter);
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))
    };
    result.map_err(io::Error::other)
}

/// A JSON value as pretty-printed text with a final line feed, written by [`write`].
pub fn pretty_text(value: &Json) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and serde_json writes UTF-8.
    let _ = write(&mut out, value, true);
    out.push(b'\n');
    String::from_utf8_lossy(&out).into_owned()
}

/// serde_json's formatter `F` with hidden characters escaped in strings. Only the methods
/// `PrettyFormatter` overrides are passed on; the rest are the trait's defaults either way.
struct Escaping<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has escaped C0 already; printable ASCII, nearly all text, needs nothing.
        if fragment.bytes().all(|b| b < 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut copied = 0;
        for (i, c) in fragment.char_indices() {
            if !super::escape::is_hidden(c) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[copied..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            copied = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[copied..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

impl JsonReporter {
    /// One judgement's text: a JSON Lines line with its line break, or a document's element.
    fn rendered(&self, judgement: &Judgement) -> io::Result<Vec<u8>> {
        let mut value = judgement_json(judgement);
        let mut out = Vec::with_capacity(1024);
        if self.lines {
            if let Json::Object(m) = &mut value {
                m.shift_insert(0, "type".into(), json!("order"));
            }
            write_json(&mut out, &value)?;
            out.push(b'\n');
        } else {
            write_json(&mut out, &value)?;
        }
        Ok(out)
    }
}

impl Reporter for JsonReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        let mut head = run_json(run);
        if self.lines {
            if let Json::Object(m) = &mut head {
                m.shift_insert(0, "type".into(), json!("run"));
            }
            write_json(out, &head)?;
            return out.write_all(b"\n");
        }
        // Stream the document: the run fields, then orders one by one.
        let Json::Object(fields) = head else {
            return Ok(());
        };
        out.write_all(b"{")?;
        for (key, value) in &fields {
            write_json(out, &json!(key))?;
            out.write_all(b":")?;
            write_json(out, value)?;
            out.write_all(b",")?;
        }
        out.write_all(b"\"orders\":[")
    }

    fn judgement(&mut self, out: &mut dyn Write, judgement: &Judgement) -> io::Result<()> {
        let rendered = self.rendered(judgement)?;
        self.write_rendered(out, &rendered)
    }

    fn render(&self, judgement: &Judgement) -> Option<Vec<u8>> {
        self.rendered(judgement).ok()
    }

    fn write_rendered(&mut self, out: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        if !self.lines {
            if !self.first {
                out.write_all(b",")?;
            }
            self.first = false;
            out.write_all(b"\n")?;
        }
        out.write_all(rendered)
    }

    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let mut value = summary_json(summary, run);
        if self.lines {
            if let Json::Object(m) = &mut value {
                m.shift_insert(0, "type".into(), json!("summary"));
            }
            write_json(out, &value)?;
            return out.write_all(b"\n");
        }
        out.write_all(b"\n],\"summary\":")?;
        write_json(out, &value)?;
        out.write_all(b"}\n")
    }
}
