//! An order's context in reports: who buys, where the goods go, what the order is worth.
//!
//! Reports carry it so a reader can sort and filter orders (all orders to one country, all
//! over a value) without opening the input. It is read from the normalised order, so codes
//! are already upper-case ISO codes and amounts exact decimals; it is never used to judge.
//! Each part is `None` when the order does not say it: nothing is guessed.

use rust_decimal::Decimal;

use crate::order::{Order, Value};

/// The buyer, destination and value of one order (docs/output.md, Order context).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderContext {
    /// `buyer.name`.
    pub buyer_name: Option<String>,
    /// `buyer.country`.
    pub buyer_country: Option<String>,
    /// Where the goods go: the last consignee's country (the ultimate consignee), else the
    /// end user's, else the last route stop's.
    pub destination: Option<String>,
    /// The order's value: the sum of its items' values when every item has a value in one
    /// currency, else the payment amount.
    pub value: Option<Decimal>,
    /// The currency of `value`.
    pub currency: Option<String>,
    /// The later of `date` and `ship_date`: what a run judged as of an earlier day cannot
    /// have known about.
    pub latest_date: Option<chrono::NaiveDate>,
}

impl OrderContext {
    /// The context of a normalised order.
    pub fn of(order: &Order) -> OrderContext {
        let root = &order.root;
        let buyer = root.get("buyer");
        let (value, currency) = match items_total(root) {
            Some((value, currency)) => (Some(value), Some(currency)),
            None => {
                let payment = root.get("payment");
                let amount = payment.and_then(|p| p.get("amount")).and_then(number);
                let currency = payment.and_then(|p| p.get("currency")).and_then(text);
                match (amount, currency) {
                    (Some(amount), currency) => (Some(amount), currency),
                    (None, _) => (None, None),
                }
            }
        };
        OrderContext {
            buyer_name: buyer.and_then(|b| b.get("name")).and_then(text),
            buyer_country: buyer.and_then(|b| b.get("country")).and_then(text),
            destination: destination(root),
            value,
            currency,
            latest_date: ["date", "ship_date"]
                .iter()
                .filter_map(|key| match root.get(key) {
                    Some(Value::Date(d)) => Some(*d),
                    _ => None,
                })
                .max(),
        }
    }
}

fn text(value: &Value) -> Option<String> {
    value
        .as_text()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn number(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// The country of the last member of the list `key` that has one.
fn last_country(root: &Value, key: &str) -> Option<String> {
    root.get(key)?
        .as_list()?
        .iter()
        .rev()
        .find_map(|member| member.get("country").and_then(text))
}

fn destination(root: &Value) -> Option<String> {
    last_country(root, "consignees")
        .or_else(|| {
            root.get("end_user")
                .and_then(|e| e.get("country"))
                .and_then(text)
        })
        .or_else(|| last_country(root, "route"))
}

/// The sum of the items' values, when every item has a value and all share one currency; the
/// sum is checked, so an overflow gives no total rather than a wrong one.
fn items_total(root: &Value) -> Option<(Decimal, String)> {
    let items = root.get("items")?.as_list()?;
    let mut total = Decimal::ZERO;
    let mut currency: Option<String> = None;
    for item in items {
        let value = item.get("value").and_then(number)?;
        let code = item.get("currency").and_then(text)?;
        match &currency {
            Some(c) if *c != code => return None,
            Some(_) => {}
            None => currency = Some(code),
        }
        total = total.checked_add(value)?;
    }
    currency.map(|c| (total, c))
}
