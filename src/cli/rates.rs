//! `check --rates FILE`: an exchange-rate table that replaces the pack's for one run.

use crate::diag::{Diagnostic, Diagnostics};
use crate::rules::RulePack;

/// Replaces the pack's rates table with `--rates FILE`, read and checked as a pack's
/// `rates.csv` is (in the pack's base currency, USD when it has none).
pub fn replace_rates(pack: &mut RulePack, path: &std::path::Path) -> Result<(), Diagnostics> {
    let mut acc = Diagnostics::new();
    let shown = path.display().to_string();
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            acc.push(Diagnostic::error(
                "R069",
                format!("`{shown}` is not UTF-8 text"),
            ));
            return Err(acc);
        }
        Err(e) => {
            acc.push(
                Diagnostic::error("R069", format!("cannot read rates file `{shown}`: {e}"))
                    .with_help(
                        "`--rates` takes a CSV with columns `date`, `currency` and `per_base`"
                            .to_string(),
                    ),
            );
            return Err(acc);
        }
    };
    let file = crate::diag::SourceFile::new(shown.as_str(), text.as_str());
    if text.trim().is_empty() {
        acc.push(Diagnostic::error("R044", "the rates table is empty").at(
            &file,
            file.line_span(1),
            "no header and no row",
        ));
        return Err(acc);
    }
    let base = pack
        .rates
        .as_ref()
        .map_or_else(|| "USD".to_string(), |r| r.base.clone());
    let meta = crate::rules::lists::TableMeta {
        name: "rates".into(),
        file: shown.clone(),
        as_of: chrono::NaiveDate::MIN,
        source: format!("--rates {shown}"),
        description: "exchange rates given with --rates, in place of the pack's table".into(),
        digest: crate::digest::sha256_hex(text.as_bytes()),
    };
    let table = crate::rules::lists::RatesTable::parse(meta, &base, &file, &mut acc);
    match table {
        Some(mut table) if !acc.has_errors() => match table.latest_date() {
            Some(latest) => {
                table.meta.as_of = latest;
                pack.rates = Some(std::sync::Arc::new(table));
                Ok(())
            }
            None => {
                acc.push(
                    Diagnostic::error("R044", "the rates table has a header and no row").at(
                        &file,
                        file.line_span(1),
                        "nothing after the header",
                    ),
                );
                Err(acc)
            }
        },
        _ => Err(acc),
    }
}
