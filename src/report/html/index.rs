//! The index of orders at the top of the report: one row per order in the report (id, buyer,
//! destination, value, verdict, rules), in input order, each id linking to its entry.
//!
//! Rows are grouped in blocks of tables with fixed column widths, so the columns line up from
//! block to block and a browser lays out only the blocks on screen (`content-visibility`): a
//! single table of 200,000 rows takes a browser many seconds to lay out; blocks, a fraction.

use std::io::{self, Write};

use super::text::esc;
use super::verdict_class;
use crate::findings::Judgement;

/// The column widths, in `<colgroup>` form, shared by every block.
const COLUMNS: &str = "<colgroup><col style=\"width:17%\"><col style=\"width:29%\"><col style=\"width:8%\"><col style=\"width:16%\"><col style=\"width:8%\"><col style=\"width:22%\"></colgroup>";

/// The section's heading and the table head; the rows follow, then [`end`].
pub(crate) fn begin(out: &mut dyn Write, orders: usize) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"index\"><h2>Index of orders</h2><p class=\"note\">{orders} order{} in the report, in input order; an id links to the order's evidence.</p>",
        if orders == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "<table class=\"ix head\">{COLUMNS}<thead><tr><th>order</th><th>buyer</th><th>destination</th><th>value</th><th>verdict</th><th>rules</th></tr></thead></table>"
    )?;
    open_block(out)
}

fn open_block(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"block\"><table class=\"ix\">{COLUMNS}<tbody>"
    )
}

/// Closes a block of rows and opens the next.
pub(crate) fn next_block(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</tbody></table></div>")?;
    open_block(out)
}

/// Closes the last block and the section.
pub(crate) fn end(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</tbody></table></div></section>")
}

/// One order's row; `linked`: the id links to the order's entry (`#o-N`), which orders with
/// findings or problems always have.
pub(crate) fn row(
    out: &mut dyn Write,
    number: usize,
    j: &Judgement,
    linked: bool,
) -> io::Result<()> {
    let class = verdict_class(j.verdict);
    let id = esc(j.order_id.as_deref().unwrap_or("(no id)"));
    let (buyer, destination, value) = match &j.context {
        Some(c) => {
            let buyer = match (&c.buyer_name, &c.buyer_country) {
                (Some(name), Some(country)) => format!("{} ({})", esc(name), esc(country)),
                (Some(name), None) => esc(name).into_owned(),
                (None, Some(country)) => format!("({})", esc(country)),
                (None, None) => String::new(),
            };
            let value = crate::report::value_text(c)
                .map(|v| esc(&v).into_owned())
                .unwrap_or_default();
            (
                buyer,
                esc(c.destination.as_deref().unwrap_or("")).into_owned(),
                value,
            )
        }
        None => Default::default(),
    };
    // Rules that fired (waived ones marked), or the problem codes of an unreadable record.
    let mut rules: Vec<String> = j
        .findings
        .iter()
        .map(|f| {
            if f.waiver.is_some() {
                format!("{} (waived)", f.rule_id)
            } else {
                f.rule_id.clone()
            }
        })
        .chain(j.problems.iter().map(|p| p.code.to_string()))
        .collect();
    rules.dedup();
    let id_cell = if linked {
        format!("<a href=\"#o-{number}\">{id}</a>")
    } else {
        id.into_owned()
    };
    writeln!(
        out,
        "<tr class=\"v-{class}\"><td>{id_cell}</td><td>{buyer}</td><td>{destination}</td><td class=\"num\">{value}</td><td class=\"vd\">{class}</td><td>{}</td></tr>",
        esc(&rules.join(" "))
    )
}
