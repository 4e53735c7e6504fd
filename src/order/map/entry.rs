//! One column entry's value format (`date`, `decimal` and `thousands`, `country` with its
//! `names`, `currency` with its `symbols`), checked against the type of the entry's target.

use super::super::country_names::{country_of_name, CountryName};
use super::formats::{
    ambiguous_symbol, date_pattern_problem, iso_currency, number_format_problem, symbol_currency,
};
use super::{codes, list, target_shape, Check, ValueFormat};
use crate::order::Shape;

/// The value format of one column entry, checked against its target's type.
pub(super) fn read_format(
    header: &str,
    target: &str,
    spec: &toml::Table,
    check: &mut Check,
) -> Option<ValueFormat> {
    let declared: Vec<&str> = ["date", "decimal", "country", "currency"]
        .into_iter()
        .filter(|k| spec.contains_key(*k))
        .collect();
    if spec.contains_key("thousands") && !spec.contains_key("decimal") {
        check.at(
            codes::NUMBER_FORMAT,
            "thousands",
            format!("`{header}` has a thousands separator but no `decimal`"),
            "name both: decimal = \",\", thousands = \".\"",
        );
        return None;
    }
    if spec.contains_key("names") && !spec.contains_key("country") {
        check.at(
            codes::WRONG_TYPE,
            "names",
            format!("`{header}` has `names` but no `country = \"name\"`"),
            "country = \"name\", names = { \"Holland\" = \"NL\" }",
        );
        return None;
    }
    if spec.contains_key("symbols") && !spec.contains_key("currency") {
        check.at(
            codes::SYMBOL,
            "symbols",
            format!("`{header}` has `symbols` but no `currency = \"symbol\"`"),
            "currency = \"symbol\", symbols = { \"$\" = \"USD\" }",
        );
        return None;
    }
    let kind = match declared.as_slice() {
        [] => return None,
        [one] => *one,
        _ => {
            check.at(
                codes::FORMAT_MISFIT,
                header,
                format!(
                    "`{header}` has several value formats ({}); a column has one",
                    list(&declared)
                ),
                "keep the format that fits the target's type",
            );
            return None;
        }
    };
    let shape = target_shape(target);
    let fits = match kind {
        "date" => matches!(shape, Some(Shape::Date | Shape::Any)),
        "decimal" => matches!(shape, Some(Shape::Number | Shape::Money | Shape::Any)),
        "country" => shape == Some(Shape::Country),
        _ => shape == Some(Shape::Currency),
    };
    if !fits {
        let name = shape.map(Shape::name).unwrap_or_default();
        check.at(
            codes::FORMAT_MISFIT,
            kind,
            format!("`{header}` fills `{target}`, a {name}, which a `{kind}` format does not fit"),
            "`date` fits dates, `decimal` numbers and amounts, `country` country codes, `currency` currency codes",
        );
        return None;
    }
    let value = spec.get(kind)?;
    match kind {
        "date" => {
            let Some(pattern) = value.as_str() else {
                check.at(
                    codes::DATE_FORMAT,
                    "date",
                    format!("the date format of `{header}` must be a string"),
                    "date = \"%d/%m/%Y\", or date = \"excel-serial\"",
                );
                return None;
            };
            if pattern == "excel-serial" {
                return Some(ValueFormat::Serial);
            }
            if let Some(problem) = date_pattern_problem(pattern) {
                check.at(
                    codes::DATE_FORMAT,
                    pattern,
                    format!("`{header}`: {problem}"),
                    "write the pattern in strftime form: `%d/%m/%Y`, `%d.%m.%Y`, `%m/%d/%Y`, `%d-%b-%Y`",
                );
                return None;
            }
            Some(ValueFormat::Date(pattern.to_string()))
        }
        "decimal" => {
            let help = "decimal = \".\" with thousands = \",\" (1,050,000.00), or decimal = \",\" with thousands = \".\" (64.200,00)";
            let Some(decimal) = one_char(value) else {
                check.at(
                    codes::NUMBER_FORMAT,
                    "decimal",
                    format!("the decimal separator of `{header}` must be one character"),
                    help,
                );
                return None;
            };
            let thousands = match spec.get("thousands") {
                None => None,
                Some(value) => match one_char(value) {
                    Some(t) => Some(t),
                    None => {
                        check.at(
                            codes::NUMBER_FORMAT,
                            "thousands",
                            format!("the thousands separator of `{header}` must be one character"),
                            help,
                        );
                        return None;
                    }
                },
            };
            if let Some(problem) = number_format_problem(decimal, thousands) {
                check.at(
                    codes::NUMBER_FORMAT,
                    header,
                    format!("`{header}`: {problem}"),
                    help,
                );
                return None;
            }
            Some(ValueFormat::Number { decimal, thousands })
        }
        "country" => {
            if value.as_str() != Some("name") {
                check.at(
                    codes::WRONG_TYPE,
                    "country",
                    format!("`country` of `{header}` must be `\"name\"`"),
                    "country = \"name\" reads English country names and ISO codes",
                );
                return None;
            }
            let names = read_names(header, spec.get("names"), check)?;
            Some(ValueFormat::CountryName { names })
        }
        _ => {
            if value.as_str() != Some("symbol") {
                check.at(
                    codes::WRONG_TYPE,
                    "currency",
                    format!("`currency` of `{header}` must be `\"symbol\"`"),
                    "currency = \"symbol\" reads ISO codes and currency symbols",
                );
                return None;
            }
            let symbols = read_symbols(header, spec.get("symbols"), check)?;
            Some(ValueFormat::CurrencySymbol { symbols })
        }
    }
}

/// A column's `names` table: the exporter's own spellings, each to an ISO alpha-2 code.
fn read_names(
    header: &str,
    table: Option<&toml::Value>,
    check: &mut Check,
) -> Option<Vec<(String, String)>> {
    let help = "names = { \"Holland\" = \"NL\", \"Rep. Korea\" = \"KR\" }: each spelling to an ISO 3166-1 alpha-2 code";
    let Some(table) = table else {
        return Some(Vec::new());
    };
    let Some(table) = table.as_table() else {
        check.at(
            codes::WRONG_TYPE,
            "names",
            format!("`names` of `{header}` must be a table"),
            help,
        );
        return None;
    };
    let mut names = Vec::new();
    let mut good = true;
    for (name, code) in table {
        let code_text = code
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        let iso = code_text.len() == 2
            && super::super::iso::COUNTRIES
                .binary_search_by(|(alpha2, _)| (*alpha2).cmp(code_text.as_str()))
                .is_ok();
        if !iso || name.trim().is_empty() {
            check.at(
                codes::WRONG_TYPE,
                name,
                format!(
                    "`{name}` is named as `{code_text}`, which is not an ISO 3166-1 alpha-2 code"
                ),
                help,
            );
            good = false;
            continue;
        }
        // `names` settles spellings the table does not know or cannot decide (`Holland`,
        // `Korea`); a code or name the table reads as another country is not a spelling but a
        // rewrite, and `"KP" = "KR"` would clear every order to North Korea.
        let reads_as = match country_of_name(name) {
            Ok(code) => Some(vec![code]),
            Err(CountryName::Region(code)) => Some(vec![code]),
            Err(CountryName::Ambiguous(codes)) => Some(codes.to_vec()),
            Err(CountryName::Unknown) => None,
        };
        if let Some(codes) = reads_as.filter(|codes| !codes.contains(&code_text.as_str())) {
            check.at(
                codes::NAME_REMAPPED,
                name,
                format!(
                    "`{name}` is named as `{code_text}`, but it stands for {}",
                    codes.join(" or ")
                ),
                "`names` settles spellings no country has or several countries share; a country's own code or name cannot be read as another country",
            );
            good = false;
            continue;
        }
        names.push((name.trim().to_lowercase(), code_text));
    }
    good.then_some(names)
}

/// A column's `symbols` table: each symbol to the ISO code the exporter means by it.
fn read_symbols(
    header: &str,
    table: Option<&toml::Value>,
    check: &mut Check,
) -> Option<Vec<(String, String)>> {
    let help = "symbols = { \"$\" = \"USD\", \"£\" = \"GBP\" }: each symbol to an ISO 4217 code";
    let Some(table) = table else {
        return Some(Vec::new());
    };
    let Some(table) = table.as_table() else {
        check.at(
            codes::SYMBOL,
            "symbols",
            format!("`symbols` of `{header}` must be a table"),
            help,
        );
        return None;
    };
    let mut symbols = Vec::new();
    let mut good = true;
    for (symbol, code) in table {
        let code_text = code.as_str().unwrap_or_default();
        let Some(code) = iso_currency(code_text) else {
            check.at(
                codes::SYMBOL,
                symbol,
                format!(
                    "`{symbol}` is mapped to `{code_text}`, which is not an ISO 4217 currency code"
                ),
                help,
            );
            good = false;
            continue;
        };
        if symbol.trim().is_empty() || iso_currency(symbol).is_some() {
            check.at(
                codes::SYMBOL,
                symbol,
                format!("`{symbol}` is not a currency symbol (codes are read as themselves)"),
                help,
            );
            good = false;
            continue;
        }
        if let Some(fixed) = symbol_currency(symbol).filter(|fixed| *fixed != code) {
            check.at(
                codes::SYMBOL,
                symbol,
                format!("`{symbol}` always stands for {fixed}, not {code}"),
                "leave unambiguous symbols out of `symbols`",
            );
            good = false;
            continue;
        }
        if let Some(options) = ambiguous_symbol(symbol) {
            if !options.contains(&code.as_str()) {
                check.at(
                    codes::SYMBOL,
                    symbol,
                    format!(
                        "`{symbol}` does not stand for {code} (it stands for one of {})",
                        options.join(", ")
                    ),
                    help,
                );
                good = false;
                continue;
            }
        }
        symbols.push((symbol.clone(), code));
    }
    good.then_some(symbols)
}

/// A separator key's one character.
fn one_char(value: &toml::Value) -> Option<char> {
    let toml::Value::String(text) = value else {
        return None;
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}
