//! The index of orders at the top of the report: one row per order in the report (id, buyer,
//! destination, value, verdict, rules), in input order, each id linking to its entry.
//!
//! A run of up to [`super::LARGE_RUN`] orders gets a table. A larger run gets the same columns as
//! aligned text in `<pre>` blocks, the id a link where the order has an entry: a table costs a
//! browser a dozen elements a row, and 200,000 rows of them take longer to build than the whole
//! report may (docs/performance.md, HTML at volume). Blocks are laid out only when scrolled to
//! (`content-visibility`).

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
    let id_cell = if linked {
        format!("<a href=\"#o-{number}\">{id}</a>")
    } else {
        id.into_owned()
    };
    writeln!(
        out,
        "<tr class=\"v-{class}\"><td>{id_cell}</td><td>{buyer}</td><td>{destination}</td><td class=\"num\">{value}</td><td class=\"vd\">{class}</td><td>{}</td></tr>",
        esc(&rules(j))
    )
}

/// Column widths of the text index, in characters; a longer value pushes the rest of its row.
const ID: usize = 16;
const VERDICT: usize = 7;
const DESTINATION: usize = 4;
const VALUE: usize = 20;
const RULES: usize = 34;

/// The section's heading and the header line of a large run's text index; the blocks of rows
/// follow, then [`end_text`].
pub(crate) fn begin_text(out: &mut dyn Write, orders: usize) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"index\"><h2>Index of orders</h2><p class=\"note\">{orders} orders in the report, in input order, as text; an id links to the order's evidence.</p>"
    )?;
    writeln!(
        out,
        "<pre class=\"ix head\">{:<ID$} {:<VERDICT$} {:<DESTINATION$} {:>VALUE$}  {:<RULES$} buyer</pre>",
        "order", "verdict", "dest", "value", "rules"
    )
}

/// Closes the last block and the section.
pub(crate) fn end_text(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</pre></div></section>")
}

/// `text` made visible and padded to `width` characters (right-aligned if `right`), then
/// HTML-escaped: padding is counted on what is shown.
fn cell(text: &str, width: usize, right: bool) -> String {
    let shown = crate::report::escape::visible(text);
    let pad = " ".repeat(width.saturating_sub(shown.chars().count()));
    let escaped = html_escape::encode_quoted_attribute(&shown);
    if right {
        format!("{pad}{escaped}")
    } else {
        format!("{escaped}{pad}")
    }
}

/// One order's row of the text index, a line.
pub(crate) fn text_row(
    out: &mut dyn Write,
    number: usize,
    j: &Judgement,
    linked: bool,
) -> io::Result<()> {
    let id = j.order_id.as_deref().unwrap_or("(no id)");
    let id_cell = if linked {
        let shown = crate::report::escape::visible(id);
        let pad = " ".repeat(ID.saturating_sub(shown.chars().count()));
        format!("<a href=\"#o-{number}\">{}</a>{pad}", esc(id))
    } else {
        cell(id, ID, false)
    };
    let (buyer, destination, value) = match &j.context {
        Some(c) => (
            match (&c.buyer_name, &c.buyer_country) {
                (Some(name), Some(country)) => format!("{name} ({country})"),
                (Some(name), None) => name.clone(),
                (None, Some(country)) => format!("({country})"),
                (None, None) => String::new(),
            },
            c.destination.clone().unwrap_or_default(),
            crate::report::value_text(c).unwrap_or_default(),
        ),
        None => Default::default(),
    };
    writeln!(
        out,
        "{id_cell} {} {} {}  {} {}",
        cell(verdict_class(j.verdict), VERDICT, false),
        cell(&destination, DESTINATION, false),
        cell(&value, VALUE, true),
        cell(&rules(j), RULES, false),
        cell(&buyer, 0, false)
    )
}

/// The rules that fired (waived ones marked), or the problem codes of an unreadable record.
fn rules(j: &Judgement) -> String {
    let mut rules: Vec<String> = j
        .findings
        .iter()
        .map(|f| {
            if f.waiver.is_some() {
                format!("{} (waived)", f.rule.id)
            } else {
                f.rule.id.clone()
            }
        })
        .chain(j.problems.iter().map(|p| p.code.to_string()))
        .collect();
    rules.dedup();
    rules.join(" ")
}
