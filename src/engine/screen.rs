//! `screen` and `invalid_id`: parties against the denied-party lists, identifiers by their check digits.

use super::*;

/// Screens one party (an order object with `name`, `aliases`, `country`, `address`, `ids`).
pub(super) fn screen_party(spec: &ScreenSpec, value: &Value, loc: &Loc, cx: &Cx) -> Check {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    let Value::Map(party) = value else {
        return Check::unknown("is not a party".into());
    };
    let text = |key: &str| party.get(key).and_then(Value::as_text).map(str::to_string);
    let name = text("name").unwrap_or_default();
    let ids: Vec<(String, String)> = match party.get("ids") {
        Some(Value::List(ids)) => ids
            .iter()
            .filter_map(|id| match id {
                Value::Map(m) => Some((
                    m.get("scheme").and_then(Value::as_text)?.to_string(),
                    m.get("value").and_then(Value::as_text)?.to_string(),
                )),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    // Without lists nothing was screened (and `check` says so once); with lists, a party
    // that cannot be screened must not pass as clear.
    let Some(screener) = cx.engine.screener.as_deref() else {
        return Check {
            note: Some("was not screened: no screening list was given".into()),
            ..Check::of(Truth::False)
        };
    };
    if name.trim().is_empty() && ids.is_empty() {
        return Check::unknown("has no name or identifier to screen".into());
    }
    // A placeholder (`-`, `***`, an invisible character) is no name: screening it would find
    // nothing and let the party pass, so without an identifier the party cannot be screened.
    let screenable =
        |text: &str| screening::normalize::has_folded_text(text, screening::EntryKind::Unknown);
    let aliases_screenable = match party.get("aliases") {
        Some(Value::List(a)) => a.iter().filter_map(Value::as_text).any(screenable),
        _ => false,
    };
    if !screenable(&name) && !aliases_screenable && ids.is_empty() {
        return Check::unknown(format!(
            "has no name that can be screened (`{name}` has no letter or digit) and no identifier"
        ));
    }
    let query = Query {
        name,
        aliases: match party.get("aliases") {
            Some(Value::List(a)) => a
                .iter()
                .filter_map(Value::as_text)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        },
        country: text("country"),
        ids,
        kind: None,
        address: text("address"),
    };
    // A ship date before the order date is not used (see `OrderDates`): the order date
    // stands in, as when there is no ship date.
    let shipment_date = cx
        .rows
        .dates
        .stated_ship()
        .or_else(|| cx.order_date(RateDate::OrderDate));
    let min = spec.min_score.to_f64().unwrap_or(1.0);
    // Only a stated ship date (not before the order date) can show the goods left before a
    // listing: the order date is the earliest they could ship, and an order without a ship
    // date may ship today.
    let ship_stated = cx.rows.dates.stated_ship().is_some();
    let status_of = |entry: &screening::Entry| match shipment_date {
        None => ListingStatus::OrderUndated,
        Some(date) => match entry.listed_at(date) {
            ListedAt::ListedBefore => ListingStatus::AtShipment,
            ListedAt::ListedAfter if ship_stated => ListingStatus::AfterShipment,
            ListedAt::ListedAfter => ListingStatus::AfterOrderNoShipDate,
            ListedAt::Unknown => ListingStatus::Undated,
            ListedAt::Expired => ListingStatus::Ended,
        },
    };
    // The same party is screened by several rules (match, near miss, lookback): once per order.
    let key = format!(
        "{}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        query.name, query.aliases, query.country, query.ids, query.address
    );
    let cached = cx.screened.borrow().get(&key).cloned();
    let matches = match cached {
        Some(m) => m,
        None => {
            let m = Arc::new(screener.screen(&query, cx.engine.screen_floor.min(min)));
            cx.screened.borrow_mut().insert(key, m.clone());
            m
        }
    };
    // Each match at or above the condition's score either counts, or is set aside for a
    // reason the why-not names (the nearest such entry).
    let mut kept: Vec<(screening::Match, ListingStatus)> = Vec::new();
    let mut set_aside: Option<String> = None;
    for m in matches.iter().filter(|m| m.score >= min) {
        let Some(entry) = screener.entries().get(m.entry_index) else {
            continue;
        };
        let status = status_of(entry);
        let in_lists = spec.lists.is_empty()
            || spec.lists.iter().any(|l| {
                l.eq_ignore_ascii_case(&entry.list) || l.eq_ignore_ascii_case(&entry.source)
            });
        let basis_ok = match spec.match_on {
            MatchOn::Any => true,
            MatchOn::Id => matches!(m.matched_on, MatchedOn::Id { .. }),
            MatchOn::Name => !matches!(m.matched_on, MatchedOn::Id { .. }),
        };
        // Undated listings and undated orders count as listed at shipment: an unknown date
        // must not clear a party.
        let listed_ok = match spec.listed {
            ListedFilter::Any => true,
            ListedFilter::AtShipment => matches!(
                status,
                ListingStatus::AtShipment
                    | ListingStatus::Undated
                    | ListingStatus::OrderUndated
                    | ListingStatus::AfterOrderNoShipDate
            ),
            ListedFilter::AfterShipment => status == ListingStatus::AfterShipment,
        };
        let why_not = match (cx.engine.as_of, entry.listed_on) {
            (Some(as_of), Some(listed)) if listed > as_of => {
                Some(format!("listed {listed}, after the as-of date {as_of}"))
            }
            _ if !in_lists => Some(format!("on list `{}`, not one this rule uses", entry.list)),
            _ if !basis_ok => Some(format!(
                "matched on {}, which this rule does not count",
                match m.matched_on {
                    MatchedOn::Id { .. } => "an identifier",
                    _ => "a name",
                }
            )),
            _ if !listed_ok => Some(match entry.listed_on {
                Some(d) => format!("{} ({d})", status.as_str()),
                None => status.as_str().to_string(),
            }),
            _ => None,
        };
        match why_not {
            None => kept.push((m.clone(), status)),
            Some(reason) if set_aside.is_none() => {
                set_aside = Some(format!(
                    "nearest entry {} `{}` of {} scores {:.3} but is {reason}",
                    entry.entry_id, entry.primary_name, entry.list, m.score
                ));
            }
            Some(_) => {}
        }
    }
    if kept.is_empty() {
        return Check {
            note: set_aside,
            ..Check::of(Truth::False)
        };
    }
    let Some((best, status)) = kept.first() else {
        return Check::of(Truth::False);
    };
    let mut score = Decimal::from_f64(best.score)
        .unwrap_or(Decimal::ZERO)
        .round_dp(3);
    score.rescale(3);
    if let Some(below) = spec.below_score {
        if score >= below {
            return Check {
                note: Some(format!(
                    "best match `{}` scores {score}, at or above {below}: a stronger rule covers it",
                    best.entry_id
                )),
                ..Check::of(Truth::False)
            };
        }
    }
    let Some(entry) = screener.entries().get(best.entry_index) else {
        return Check::unknown("matched an entry that is not in the index".into());
    };
    let basis = match &best.matched_on {
        MatchedOn::Name => MatchBasis::Name,
        MatchedOn::Alias(a) => MatchBasis::Alias(a.clone()),
        MatchedOn::Id { scheme, value } => MatchBasis::Id {
            scheme: scheme.clone(),
            value: value.clone(),
        },
    };
    Check {
        screening: Some(Box::new(ScreeningEvidence {
            role: loc.text(),
            party: query.name.clone(),
            list: entry.list.clone(),
            source: entry.source.clone(),
            entry_id: entry.entry_id.clone(),
            primary_name: entry.primary_name.clone(),
            programs: entry.programs.clone(),
            listed_on: entry.listed_on,
            ends_on: entry.ends_on,
            shipment_date,
            status: *status,
            basis,
            score,
            query_normalized: best.query_normalized.clone(),
            entry_normalized: best.entry_normalized.clone(),
            country_match: best.country_match,
            other_matches: kept.len() - 1,
        })),
        ..Check::of(Truth::True)
    }
}

/// Tests a party identifier's check digits: wrong digits are a red flag of their own (a
/// made-up or mistyped tax number).
pub(super) fn check_id(value: &Value) -> Check {
    let Value::Map(id) = value else {
        return Check::unknown("is not a `{ scheme, value }` identifier".into());
    };
    let get = |key: &str| id.get(key).and_then(Value::as_text);
    let (Some(scheme), Some(number)) = (get("scheme"), get("value")) else {
        return Check::unknown("has no `scheme` or no `value`".into());
    };
    match screening::validate(scheme, number) {
        IdCheck::Invalid { reason } => Check {
            note: Some(reason),
            ..Check::of(Truth::True)
        },
        IdCheck::Valid => Check::of(Truth::False),
        IdCheck::Unchecked => Check {
            note: Some(format!(
                "scheme `{scheme}` has no check digit redflag knows"
            )),
            ..Check::of(Truth::False)
        },
    }
}
