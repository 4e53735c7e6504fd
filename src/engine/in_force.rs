//! Whether a dated list row or a dated rule was in force when an order shipped.
//!
//! A row counts when it was in force on the shipment date. A row that came into force only
//! after an order's stated `ship_date` (on or after its order date) is "later": the law did
//! not ask for it then, so a rule that fires only through such rows (or a rule dated after
//! the shipment, judged with the rows of its own first day) gives a lookback finding, marked
//! and held at `review`, like screening's listed-after-shipment rule. The order date alone
//! never makes a row later: goods ship on or after it, possibly today, so an order without a
//! `ship_date` is judged against every row in force on any day from the earlier of its date
//! and the run's day on (an unknown date never clears an order; an order date in the future,
//! a typing error or a date chosen to slip past, does not end a row still in force today).
//! Before shipment ([`ShipDates::Planned`]) a stated `ship_date` is a plan and nothing is
//! later through it. With `--as-of`, rows that came into force after that day were not known
//! yet and do not count at all, as list entries listed after it; the run's day is then that
//! day.

use std::cell::{Cell, RefCell};

use chrono::NaiveDate;

use super::conditions::Rows;
use super::ShipDates;
use crate::order::{Order, Value};
use crate::rules::lists::{ListTable, RowDate};

/// Where a row stands for one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowStatus {
    /// In force at shipment, or no date says otherwise.
    InForce,
    /// In force only from this day, after the stated shipment date.
    Later(NaiveDate),
    /// Ended on this day, before the order date (and, for an order not shipped, before the
    /// run's day).
    Ended(NaiveDate),
    /// In force only from this day, after the as-of date: not known on it.
    AfterAsOf(NaiveDate),
}

/// The dates of one order that rows are compared with.
#[derive(Debug, Clone, Copy)]
pub(super) struct OrderDates {
    /// The stated shipment date.
    ship: Option<NaiveDate>,
    /// The order date.
    ordered: Option<NaiveDate>,
    /// The as-of date of the run, if one was given.
    as_of: Option<NaiveDate>,
    /// The run's day: the as-of date, else the day the caller said the run is made on
    /// (`Engine::run_day`); `None` when neither is known.
    run_day: Option<NaiveDate>,
    /// Whether the order states a ship date that was taken as a plan, not the shipment.
    ship_planned: bool,
    /// Whether `ship` was moved to the day a rule came into force ([`OrderDates::for_rule`]):
    /// what is evaluated with these dates is not what other rules see, so it is not shared.
    moved_to_rule: bool,
}

impl OrderDates {
    /// `ship_dates`: whether a stated `ship_date` is the day the goods left, or a plan.
    pub(super) fn of(
        order: &Order,
        as_of: Option<NaiveDate>,
        run_day: Option<NaiveDate>,
        ship_dates: ShipDates,
    ) -> OrderDates {
        let date = |name: &str| match order.root.get(name) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        let ordered = date("date");
        OrderDates {
            // A ship date before the order date is a placeholder (`1900-01-01` from an ERP's
            // empty date) or a mistake, not evidence that the goods left early. Before a
            // shipment, a ship date is a plan, stale or wrong as often as not (an ERP that
            // fills in the order date), not evidence either: believed, it turned a block into
            // a lookback review.
            ship: match ship_dates {
                ShipDates::Shipped => date("ship_date").filter(|s| ordered.is_none_or(|o| *s >= o)),
                ShipDates::Planned => None,
            },
            ordered,
            as_of,
            run_day: as_of.or(run_day),
            ship_planned: ship_dates == ShipDates::Planned && date("ship_date").is_some(),
            moved_to_rule: false,
        }
    }

    /// The dates a rule in force from `valid_from` is judged with. An order that shipped
    /// before the rule existed is judged as if it had shipped on the day the rule came into
    /// force: its lookback finding asks what the rule says of it as the law then stood. Judged
    /// with the rows of the earlier shipment, a rule that asks for a good outside a list
    /// (RF-CHPL-003: described as CHPL, not coded as CHPL) found every good outside the list
    /// that did not exist yet, and said so in a second, misleading lookback.
    pub(super) fn for_rule(self, valid_from: Option<NaiveDate>) -> OrderDates {
        match valid_from.filter(|from| self.shipped_before(*from).is_some()) {
            Some(from) => OrderDates {
                ship: Some(from),
                moved_to_rule: true,
                ..self
            },
            None => self,
        }
    }

    /// The stated shipment date, when it can show that the goods left before something
    /// came into force.
    pub(super) fn stated_ship(&self) -> Option<NaiveDate> {
        self.ship
    }

    /// Whether the order states a ship date that was taken as a plan (a run before shipment).
    pub(super) fn ship_planned(&self) -> bool {
        self.ship_planned
    }

    /// The stated shipment date, if it is before `day`: the order shipped before something
    /// dated `day` came into force.
    pub(super) fn shipped_before(&self, day: NaiveDate) -> Option<NaiveDate> {
        self.ship.filter(|s| *s < day)
    }

    /// Whether a row or a listing that ended on `until` had ended for this order. It ends only
    /// before the order date: a ship date after the end may be an ERP's `9999-12-31`
    /// placeholder, and a stated date must not take a row out (the goods may have left while
    /// it was in force; a false alarm is the safe error). An order without a stated shipment
    /// may also ship on the run's day (`--as-of`, else the day the caller gave, today for
    /// `check`) or any day after, so for it a row ends only before the earlier of the two: an
    /// order dated `2099-01-01` does not end an embargo row in force until `2030-12-31` when it
    /// may ship today. With no run's day known, such a row does not end for it at all.
    pub(super) fn ended_by(&self, until: NaiveDate) -> bool {
        let Some(ordered) = self.ordered.or(self.ship) else {
            return false;
        };
        if until >= ordered {
            return false;
        }
        self.ship.is_some() || self.run_day.is_some_and(|day| until < day)
    }

    fn status(&self, from: RowDate, until: RowDate) -> RowStatus {
        if let (Some(as_of), Some(from)) = (self.as_of, from.date()) {
            if from > as_of {
                return RowStatus::AfterAsOf(from);
            }
        }
        if let Some(until) = until.date().filter(|u| self.ended_by(*u)) {
            return RowStatus::Ended(until);
        }
        match (self.ship, from.date()) {
            (Some(ship), Some(from)) if from > ship => RowStatus::Later(from),
            _ => RowStatus::InForce,
        }
    }
}

/// A row that came into force after the shipment, as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LaterRow {
    pub(super) list: String,
    pub(super) line: usize,
    pub(super) key: String,
    pub(super) from: NaiveDate,
}

/// Which rows count while one rule is judged on one order, and what was seen.
#[derive(Debug)]
pub(super) struct RowDates {
    pub(super) dates: OrderDates,
    /// Whether rows that came into force after the shipment count (the second pass).
    include_later: bool,
    /// Set when a later row was left out: the rule may fire in the second pass.
    pub(super) left_out_later: Cell<bool>,
    /// The first later row that counted in the second pass.
    pub(super) first_later: RefCell<Option<LaterRow>>,
}

impl RowDates {
    pub(super) fn at_shipment(dates: OrderDates) -> RowDates {
        RowDates {
            dates,
            include_later: false,
            left_out_later: Cell::new(false),
            first_later: RefCell::new(None),
        }
    }

    pub(super) fn with_later(dates: OrderDates) -> RowDates {
        RowDates {
            include_later: true,
            ..RowDates::at_shipment(dates)
        }
    }

    /// True in the lookback pass, which counts rows in force only after the shipment.
    pub(super) fn include_later(&self) -> bool {
        self.include_later
    }

    /// Whether outcomes evaluated with these rows may be shared with the order's other rules
    /// (`memo`): not in the lookback pass, nor on dates moved to a rule's first day.
    pub(super) fn shares(&self) -> bool {
        !self.include_later && !self.dates.moved_to_rule
    }

    /// [`RowDates::retain`] on rows borrowed from a list's index, copied only when a row is
    /// left out or a later one is recorded: nearly every matched row is simply in force.
    pub(super) fn retain_borrowed(
        &self,
        table: &ListTable,
        rows: &mut std::borrow::Cow<'_, [usize]>,
    ) -> Option<String> {
        if !table.is_dated() {
            return None;
        }
        let in_force = |&r: &usize| {
            let validity = table.validity(r);
            matches!(
                self.dates.status(validity.from, validity.until),
                RowStatus::InForce
            )
        };
        if rows.iter().all(in_force) {
            return None;
        }
        // Rare (a row not in force): the copy back and forth is not worth a second `retain`.
        let mut kept: Rows = rows.iter().copied().collect();
        let set_aside = self.retain(table, &mut kept);
        *rows = std::borrow::Cow::Owned(kept.into_vec());
        set_aside
    }

    /// Keeps the rows of `table` that count and returns why the first one left out was, for
    /// a note when none is left.
    pub(super) fn retain(&self, table: &ListTable, rows: &mut Rows) -> Option<String> {
        if !table.is_dated() {
            return None;
        }
        let mut set_aside = None;
        rows.retain(|&mut r| {
            let validity = table.validity(r);
            let why = match self.dates.status(validity.from, validity.until) {
                RowStatus::InForce => return true,
                RowStatus::Later(from) if self.include_later => {
                    let mut first = self.first_later.borrow_mut();
                    if first.is_none() {
                        *first = Some(LaterRow {
                            list: table.meta.name.clone(),
                            line: table.rows.get(r).map_or(0, |row| row.line),
                            key: key_of(table, r),
                            from,
                        });
                    }
                    return true;
                }
                RowStatus::Later(from) => {
                    self.left_out_later.set(true);
                    format!(
                        "in force from {from}, after the shipment date {}",
                        self.dates.ship.map(|d| d.to_string()).unwrap_or_default()
                    )
                }
                RowStatus::Ended(until) => format!("in force until {until}, before the order date"),
                RowStatus::AfterAsOf(from) => format!(
                    "in force from {from}, after the as-of date {}",
                    self.dates.as_of.map(|d| d.to_string()).unwrap_or_default()
                ),
            };
            if set_aside.is_none() {
                set_aside = Some(format!(
                    "row `{}` of `{}` (line {}) matched but is {why}",
                    key_of(table, r),
                    table.meta.name,
                    table.rows.get(r).map_or(0, |row| row.line)
                ));
            }
            false
        });
        set_aside
    }
}

fn key_of(table: &ListTable, r: usize) -> String {
    table
        .rows
        .get(r)
        .and_then(|row| table.cell(row, &table.key))
        .unwrap_or_default()
        .to_string()
}
