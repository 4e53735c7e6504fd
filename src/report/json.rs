//! JSON and JSON Lines output, schema `redflag.check/1` (see docs/output.md).
//!
//! Key order is fixed by construction (serde_json keeps insertion order here),
//! findings arrive sorted from the engine, and nothing time- or
//! machine-dependent is written, so the same inputs give the same bytes.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use super::{Reporter, RunInfo, Summary};
use crate::findings::*;

mod compact;
mod wire;

use wire::{ConditionOut, ContextOut, FindingOut, JudgementOut};

/// The schema identifier written in every document.
pub const SCHEMA: &str = "redflag.check/1";

/// Whole-document JSON (`--format json`) or one object per line (`jsonl`).
pub struct JsonReporter {
    lines: bool,
    first: bool,
    /// The document's opening, rendered before for the same run (see [`JsonReporter::head`]).
    head: Option<std::sync::Arc<[u8]>>,
}

impl JsonReporter {
    /// A reporter writing one JSON document.
    pub fn document() -> JsonReporter {
        JsonReporter {
            lines: false,
            first: true,
            head: None,
        }
    }

    /// What [`JsonReporter::document`] writes before the first order of `run`: the run's
    /// provenance, the same for every report of one pack and its lists.
    pub fn head(run: &RunInfo) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to memory cannot fail.
        let _ = JsonReporter::document().begin(&mut out, run);
        out
    }

    /// A reporter writing one JSON document that opens with `head`, which
    /// [`JsonReporter::head`] rendered for the same run: a server answering many requests with
    /// one pack renders it once.
    pub fn document_after(head: std::sync::Arc<[u8]>) -> JsonReporter {
        JsonReporter {
            head: Some(head),
            ..JsonReporter::document()
        }
    }

    /// A reporter writing JSON Lines.
    pub fn lines() -> JsonReporter {
        JsonReporter {
            lines: true,
            first: true,
            head: None,
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
    let mut head = json!({
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
    });
    // Only when given, so that the reports of other runs keep their bytes.
    if let (true, Some(fields)) = (run.shipped, head.as_object_mut()) {
        fields.insert("shipped".into(), Json::Bool(true));
    }
    head
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
    to_json(&ContextOut::of(c))
}

/// A wire view as a value. Serializing these views into a value cannot fail (every map key is
/// a string); `null` stands in if it ever did.
fn to_json<T: serde::Serialize>(view: &T) -> Json {
    serde_json::to_value(view).unwrap_or(Json::Null)
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
    to_json(&JudgementOut::of(j, None))
}

/// One judgement as compact JSON text: the bytes of [`judgement_json`]'s value as [`write`]
/// writes it (hidden characters escaped, as in the JSON Lines report), without building it.
/// `serve` stores this text in its trail, which auditors export.
pub fn judgement_text(j: &Judgement) -> String {
    compact_text(&JudgementOut::of(j, None))
}

/// [`judgement_text`] without where the record sat (its `file` and `line`): the same order
/// judged the same way in another request or file has the same result text.
pub fn result_text(j: &Judgement) -> String {
    compact_text(&JudgementOut::result(j))
}

/// A view as compact JSON text, as the JSON Lines report writes it.
fn compact_text<T: serde::Serialize>(view: &T) -> String {
    let mut out = Vec::new();
    match compact::write(&mut out, view) {
        // The compact writer writes only JSON text, which is UTF-8.
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "null".into()),
        Err(_) => "null".into(),
    }
}

/// One finding, as in `redflag.check/1`.
pub fn finding_json(f: &Finding) -> Json {
    to_json(&FindingOut::of(f))
}

/// One condition's evidence, as in `redflag.check/1`.
pub fn condition_json(c: &ConditionEvidence) -> Json {
    to_json(&ConditionOut::of(c))
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
    write_view(out, value, pretty)
}

/// Writes anything serializable as [`write`] writes a value, without building one.
fn write_view<T: serde::Serialize + ?Sized, W: Write + ?Sized>(
    out: &mut W,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
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
        render_judgement(self.lines, judgement)
    }
}

fn render_judgement(lines: bool, judgement: &Judgement) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(8192);
    let record = lines.then_some("order");
    compact::write(&mut out, &JudgementOut::of(judgement, record)).map_err(io::Error::other)?;
    if lines {
        out.push(b'\n');
    }
    Ok(out)
}

impl Reporter for JsonReporter {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        if let Some(head) = &self.head {
            return out.write_all(head);
        }
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

    fn renderer(&self) -> Option<super::Renderer> {
        let lines = self.lines;
        Some(Box::new(move |judgement| {
            render_judgement(lines, judgement).ok()
        }))
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
