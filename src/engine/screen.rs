//! `screen` and `invalid_id`: parties against the denied-party lists, identifiers by their check digits.

use crate::order::Fields;

use super::*;
use crate::screening::ownership::Resolution;
use crate::screening::steps::{ScoreStep, ScoreSteps, StepKind};

/// Screens one party (an order object with `name`, `aliases`, `country`, `city`, `address`,
/// `ids`): by name, alias and identifier, or with `match_on = "address"` by its street address.
pub(super) fn screen_party(spec: &ScreenSpec, value: &Value, loc: &Loc, cx: &Cx) -> Check {
    if spec.match_on == MatchOn::Mentions {
        return screen_text(spec, value, loc, cx);
    }
    let Value::Map(party) = value else {
        return Check::unknown("is not a party");
    };
    // With lists, a party that cannot be screened must not pass as clear.
    let Some(screener) = cx.engine.screener.as_deref() else {
        return not_screened();
    };
    if spec.match_on == MatchOn::Address {
        return screen_address(spec, party, loc, cx, screener);
    }
    screen_names(spec, party, loc, cx, screener)
}

/// What a `screen` answers without any list: nothing was screened, and `check` says so once
/// (`S004`).
fn not_screened() -> Check {
    Check {
        note: Some("was not screened: no screening list was given".into()),
        ..Check::of(Truth::False)
    }
}

/// A text (an end-use statement, an item description) for listed company names it writes out
/// (`match_on = "mentions"`, `Screener::mentions`); an object (`attributes`) for them in every
/// text below it, since an export keeps free text there under any name (`Remarks`, `Notes`,
/// `Bemerkung`): the first text, in name order, that names a listed company is the evidence.
fn screen_text(spec: &ScreenSpec, value: &Value, loc: &Loc, cx: &Cx) -> Check {
    match (value, cx.engine.screener.as_deref()) {
        (Value::Text(_) | Value::Map(_), None) => not_screened(),
        (Value::Text(text), Some(screener)) => screen_one_text(spec, text, loc, cx, screener),
        (Value::Map(members), Some(screener)) => {
            let mut answer = Check::of(Truth::False);
            walk_scalars(members, &mut Vec::new(), &mut |path, _, text| {
                if answer.truth == Truth::True || mentions(cx, screener, &text).is_empty() {
                    return;
                }
                let here = Loc::Row(format!("{}.{}", loc.text(), path.join(".")));
                let check = screen_one_text(spec, &text, &here, cx, screener);
                // A listing the condition sets aside (too late, ended, another list) says
                // so, as for a text of its own, unless a later text names one it keeps.
                if check.truth == Truth::True || answer.note.is_none() {
                    answer = check;
                }
            });
            answer
        }
        _ => Check::unknown("is not a text"),
    }
}

/// The listed names `text` writes out (`Screener::mentions`); a text this thread found to
/// write out none before is not read again (`text_memo::mentions_any`).
fn mentions(cx: &Cx, screener: &Screener, text: &str) -> Vec<screening::Match> {
    let mut read = None;
    let any = super::text_memo::mentions_any(cx.engine.screener_memo_id, text, |text| {
        let found = screener.mentions(text);
        let any = !found.is_empty();
        read = Some(found);
        any
    });
    match read {
        Some(found) => found,
        None if any => screener.mentions(text),
        None => Vec::new(),
    }
}

/// One text for listed company names it writes out.
fn screen_one_text(
    spec: &ScreenSpec,
    text: &str,
    loc: &Loc,
    cx: &Cx,
    screener: &Screener,
) -> Check {
    let candidates = mentions(cx, screener, text).into_iter().map(|m| Candidate {
        entry_index: m.entry_index,
        score: m.score,
        basis: match m.matched_on {
            MatchedOn::Alias(a) => MatchBasis::Alias(a),
            _ => MatchBasis::Name,
        },
        query_normalized: m.query_normalized,
        entry_normalized: m.entry_normalized,
        country_match: None,
        steps: m.steps,
        id_written_in: None,
    });
    judge_candidates(spec, loc, cx, screener, text, candidates)
}

/// One candidate entry of a screening, before the condition's filters.
struct Candidate {
    entry_index: usize,
    score: f64,
    basis: MatchBasis,
    query_normalized: String,
    entry_normalized: String,
    country_match: Option<bool>,
    steps: ScoreSteps,
    /// Where a matched identifier was written when only `attributes` hold it.
    id_written_in: Option<String>,
}

/// The party's name and identifiers against the index.
fn screen_names(
    spec: &ScreenSpec,
    party: &Fields,
    loc: &Loc,
    cx: &Cx,
    screener: &Screener,
) -> Check {
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
    if name.trim().is_empty() && ids.is_empty() {
        return Check::unknown("has no name or identifier to screen");
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
    // Numbers in `attributes` are screened too, but do not make a nameless party screenable:
    // a phone number there is no identity to clear it by.
    let mut from_attributes = attribute_ids(party);
    from_attributes.extend(order_attribute_ids(&cx.order.root, party));
    // Where a matched number was written, when only `attributes` hold it.
    let written_in = |query_normalized: &str| -> Option<String> {
        let number = query_normalized.rsplit(':').next()?;
        let holds = |text: &str| {
            screening::ids::in_text(text).iter().any(|n| n == number)
                || screening::ids::readings("ID", text)
                    .iter()
                    .any(|r| r.rsplit(':').next() == Some(number))
        };
        if ids.iter().any(|(_, value)| holds(value)) {
            return None;
        }
        let found = from_attributes.iter().find(|a| holds(&a.text))?;
        Some(if found.of_order {
            format!("the order's `{}`", found.path)
        } else {
            format!("`{}.{}`", loc.text(), found.path)
        })
    };
    let all_ids: Vec<(String, String)> = ids
        .iter()
        .cloned()
        .chain(
            from_attributes
                .iter()
                .map(|a| (a.scheme.clone(), a.text.clone())),
        )
        .collect();
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
        ids: all_ids,
        kind: None,
        address: text("address"),
    };
    let min = min_of(spec);
    // The same party is screened by several rules (match, near miss, lookback): once per order.
    let key = party_key(&query);
    let cached = cx.screened.parties.borrow().get(&key).cloned();
    let matches = match cached {
        Some(m) => m,
        None => {
            let started = cx.screened.cost.as_ref().map(|_| std::time::Instant::now());
            let m = Arc::new(screener.screen(&query, cx.engine.screen_floor.min(min)));
            if let (Some(cost), Some(started)) = (&cx.screened.cost, started) {
                cost.set(cost.get().add(started));
            }
            cx.screened.parties.borrow_mut().insert(key, m.clone());
            m
        }
    };
    let candidates = matches
        .iter()
        .filter(|m| m.score >= min)
        .map(|m| Candidate {
            entry_index: m.entry_index,
            score: m.score,
            basis: match &m.matched_on {
                MatchedOn::Name => MatchBasis::Name,
                MatchedOn::Alias(a) => MatchBasis::Alias(a.clone()),
                MatchedOn::Id { scheme, value } => MatchBasis::Id {
                    scheme: scheme.clone(),
                    value: value.clone(),
                },
            },
            id_written_in: match m.matched_on {
                MatchedOn::Id { .. } => written_in(&m.query_normalized),
                _ => None,
            },
            query_normalized: m.query_normalized.clone(),
            entry_normalized: m.entry_normalized.clone(),
            country_match: m.country_match,
            steps: m.steps.clone(),
        });
    judge_candidates(spec, loc, cx, screener, &query.name, candidates)
}

/// The key of a party's screen in the order's cache: everything the query holds, each text
/// after its length and each list after its count, so that two different queries never share
/// a key (no text can fake a boundary). Asked by every screening rule for every party; the
/// `{:?}` formatting it replaces escaped each character and cost more than the rest of a
/// cached screen.
fn party_key(query: &Query) -> String {
    use std::fmt::Write;
    let text = |key: &mut String, t: &str| {
        let _ = write!(key, "{}:", t.len());
        key.push_str(t);
    };
    let mut key = String::with_capacity(96);
    text(&mut key, &query.name);
    let _ = write!(key, "#{}", query.aliases.len());
    for alias in &query.aliases {
        text(&mut key, alias);
    }
    let _ = write!(key, "#{}", query.ids.len());
    for (scheme, value) in &query.ids {
        text(&mut key, scheme);
        text(&mut key, value);
    }
    for part in [&query.country, &query.address] {
        match part {
            Some(t) => {
                key.push('+');
                text(&mut key, t);
            }
            None => key.push('-'),
        }
    }
    key
}

/// Identifiers an export left in the party's `attributes` (`{"inn": 7719717008}`, a column
/// the column map had no field for): each value that holds a number long enough to be an
/// identifier (`ids::in_text`), with its key as the scheme, so `inn`, `tax_id` or
/// `imo_number` name theirs. Left out, a listed firm's tax ID written there passed unseen.
fn attribute_ids(party: &Fields) -> Vec<AttributeId> {
    let mut out = Vec::new();
    if let Some(Value::Map(attributes)) = party.get("attributes") {
        walk_attributes(attributes, &mut Vec::new(), &mut |path, key, text| {
            out.push(AttributeId {
                scheme: key.to_string(),
                text,
                path: format!("attributes.{}", path.join(".")),
                of_order: false,
            });
        });
    }
    out
}

/// An identifier read from `attributes`, and where: a match on it names the attribute, as
/// the party's `ids` hold nothing a reviewer could find it by.
struct AttributeId {
    scheme: String,
    text: String,
    /// The keys that lead to it from the party (or the order), `attributes.registration.inn`.
    path: String,
    /// Whether it is in the order's own `attributes` rather than the party's.
    of_order: bool,
}

/// The parties an order names, as the words an export's attribute keys name them by
/// (`buyer_inn`, `consignee.tax_id`, `ship_to_vat`), in lower case: a key is compared in lower
/// case and names a role when it holds one of its words.
const ROLE_WORDS: &[(&str, &[&str])] = &[
    (
        "buyer",
        &["buyer", "customer", "sold_to", "soldto", "sold-to", "kunde"],
    ),
    ("end_user", &["end_user", "enduser", "end-user", "end user"]),
    (
        "consignees",
        &[
            "consignee",
            "ship_to",
            "shipto",
            "ship-to",
            "empfänger",
            "empfaenger",
        ],
    ),
    ("forwarder", &["forwarder", "freight_agent", "spediteur"]),
    ("payer", &["payer", "paying"]),
    // Named so that the seller's own identifiers are given to no one screened.
    (
        "seller",
        &["seller", "vendor", "exporter", "supplier", "lieferant"],
    ),
];

/// Identifiers left in the order's own `attributes` (`{"buyer_inn": 7719717008}`) that belong
/// to `party`: those whose keys name its role (`ROLE_WORDS`), and for the buyer also those
/// that name no party, as an order header's identifiers are the sold-to party's. Left out, a
/// listed buyer's tax ID written beside the order rather than in the party passed unseen.
fn order_attribute_ids(root: &Value, party: &Fields) -> Vec<AttributeId> {
    let Value::Map(order) = root else {
        return Vec::new();
    };
    let Some(Value::Map(attributes)) = order.get("attributes") else {
        return Vec::new();
    };
    let is = |value: Option<&Value>| matches!(value, Some(Value::Map(m)) if std::ptr::eq(m, party));
    let payer = match order.get("payment") {
        Some(Value::Map(payment)) => payment.get("payer"),
        _ => None,
    };
    let consignee = match order.get("consignees") {
        Some(Value::List(items)) => items.iter().any(|c| is(Some(c))),
        _ => false,
    };
    let role = if is(order.get("buyer")) {
        "buyer"
    } else if is(order.get("end_user")) {
        "end_user"
    } else if consignee {
        "consignees"
    } else if is(order.get("forwarder")) {
        "forwarder"
    } else if is(payer) {
        "payer"
    } else {
        return Vec::new();
    };
    // An order that names no payer is paid by its buyer: what a key gives the payer
    // (`payer_bank_bic`) is the buyer's.
    let pays = role == "buyer" && payer.is_none();
    let mut out = Vec::new();
    walk_attributes(attributes, &mut Vec::new(), &mut |path, key, text| {
        let path = path.join(".");
        let lower = path.to_lowercase();
        // A role word is found where a word of the key starts (`buyer_inn`, `buyerINN`), not
        // inside another word: `reseller_inn` names a reseller, most often the buyer, and
        // read as `seller` it was given to no one and a listed buyer's number passed.
        let starts = |w: &str| {
            lower.match_indices(w).any(|(at, _)| {
                lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            })
        };
        let named: Vec<&str> = ROLE_WORDS
            .iter()
            .filter(|(_, words)| words.iter().any(|w| starts(w)))
            .map(|(role, _)| *role)
            .collect();
        if named.contains(&role)
            || (named.is_empty() && role == "buyer")
            || (pays && named == ["payer"])
        {
            out.push(AttributeId {
                scheme: key.to_string(),
                text,
                path: format!("attributes.{path}"),
                of_order: true,
            });
        }
    });
    out
}

/// Every value of `attributes` at any depth (`{"registration": {"inn": …}}`) that holds a
/// number long enough to be an identifier, with the keys that lead to it and the one nearest.
fn walk_attributes<'a>(
    attributes: &'a Fields,
    path: &mut Vec<&'a str>,
    found: &mut dyn FnMut(&[&'a str], &'a str, String),
) {
    walk_scalars(attributes, path, &mut |path, key, text| {
        if !screening::ids::in_text(&text).is_empty() {
            found(path, key, text);
        } else if names_bic(key) && bic_in(&text) {
            // A BIC has two digits or none (`ROSYRU2P`): under a key that says so it is read
            // as one, under the scheme that lets its bank code meet a listed branch's.
            found(path, "SWIFT-BIC", text);
        }
    });
}

/// Whether an attribute's key names a BIC (`payer_bank_bic`, `SWIFT`, `swiftCode`).
fn names_bic(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("bic") || key.contains("swift")
}

/// Whether a text is one BIC (eight or eleven characters of ISO 9362's shape).
fn bic_in(text: &str) -> bool {
    screening::ids::bic_bank(&screening::ids::normalize_value("SWIFT-BIC", text)).is_some()
}

/// Every text or number below `members`, at any depth and in lists, with the keys that lead
/// to it and the one nearest, in name order.
fn walk_scalars<'a>(
    members: &'a Fields,
    path: &mut Vec<&'a str>,
    found: &mut dyn FnMut(&[&'a str], &'a str, String),
) {
    fn walk<'a>(
        key: &'a str,
        value: &'a Value,
        path: &mut Vec<&'a str>,
        found: &mut dyn FnMut(&[&'a str], &'a str, String),
    ) {
        match value {
            Value::Map(members) => walk_scalars(members, path, found),
            Value::List(items) => {
                for item in items {
                    walk(key, item, path, found);
                }
            }
            scalar => {
                let text = match scalar {
                    Value::Text(text) => Some(text.to_string()),
                    // A number column keeps its digits: `7719717008`, not `7.719717008E9`.
                    Value::Number(number) => Some(number.normalize().to_string()),
                    _ => None,
                };
                if let Some(text) = text {
                    found(path, key, text);
                }
            }
        }
    }
    for (key, value) in members.iter() {
        path.push(key);
        walk(key, value, path, found);
        path.pop();
    }
}

/// The party's street address against the listed addresses, whatever the names: a listed
/// firm trading under a new name from its old premises.
fn screen_address(
    spec: &ScreenSpec,
    party: &Fields,
    loc: &Loc,
    cx: &Cx,
    screener: &Screener,
) -> Check {
    let text = |key: &str| party.get(key).and_then(Value::as_text).map(str::to_string);
    let name = text("name").unwrap_or_default();
    let Some(address) = text("address").filter(|a| !a.trim().is_empty()) else {
        return Check {
            note: Some("has no `address` to screen by".into()),
            ..Check::of(Truth::False)
        };
    };
    let city = text("city");
    let country = text("country");
    let form = screening::address::parse_party(&address, city.as_deref(), country.as_deref());
    if !form.street_level() {
        return Check {
            note: Some(format!(
                "address `{address}` names no premises (a house or box number and a street) with a known country, so it is not compared with listed addresses"
            ).into()),
            ..Check::of(Truth::False)
        };
    }
    let party_address = [Some(address), city, country]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let found = screener
        .addresses()
        .screen(screener.entries(), &form, min_of(spec));
    let party_form = form.summary();
    let candidates = found.into_iter().map(|m| {
        let entry_normalized = screener
            .entries()
            .get(m.entry_index)
            .map(|e| screening::address::parse_listed(&m.listed_address, &e.countries).summary())
            .unwrap_or_default();
        Candidate {
            entry_index: m.entry_index,
            score: m.score,
            basis: MatchBasis::Address {
                party_address: party_address.clone(),
                listed_address: m.listed_address,
                shared_by: m.shared_by,
            },
            id_written_in: None,
            query_normalized: party_form.clone(),
            entry_normalized,
            country_match: Some(true),
            steps: smallvec::smallvec![ScoreStep {
                kind: StepKind::Address,
                score: m.score,
            }],
        }
    });
    judge_candidates(spec, loc, cx, screener, &name, candidates)
}

fn min_of(spec: &ScreenSpec) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    spec.min_score.to_f64().unwrap_or(1.0)
}

/// Keeps the candidates the condition counts (lists, basis, listing date, ownership), and
/// turns the best into evidence; the nearest one set aside is named in the why-not.
fn judge_candidates(
    spec: &ScreenSpec,
    loc: &Loc,
    cx: &Cx,
    screener: &Screener,
    party_name: &str,
    candidates: impl Iterator<Item = Candidate>,
) -> Check {
    use rust_decimal::prelude::FromPrimitive;
    // A ship date before the order date is not used (see `OrderDates`): the order date
    // stands in, as when there is no ship date.
    let shipment_date = cx
        .rows
        .dates
        .stated_ship()
        .or_else(|| cx.order_date(RateDate::OrderDate));
    // Only a stated ship date (not before the order date) can show the goods left before a
    // listing: the order date is the earliest they could ship, and an order without a ship
    // date may ship today.
    let ship_stated = cx.rows.dates.stated_ship().is_some();
    // A listing ends for an order only before its order date, as a list row does, and for
    // an order not shipped only before the run's day too (`OrderDates::ended_by`): a
    // `9999-12-31` placeholder ship date must not end it, nor an order date in the future.
    let unshipped = if cx.rows.dates.ship_planned() {
        ListingStatus::AfterOrderNotShipped
    } else {
        ListingStatus::AfterOrderNoShipDate
    };
    let status_of = |entry: &screening::Entry| match shipment_date {
        None => ListingStatus::OrderUndated,
        Some(date) => {
            let ended = entry.ends_on.is_some_and(|end| cx.rows.dates.ended_by(end));
            match entry.listed_at(date) {
                _ if ended => ListingStatus::Ended,
                ListedAt::ListedAfter if ship_stated => ListingStatus::AfterShipment,
                ListedAt::ListedAfter => unshipped,
                ListedAt::Unknown => ListingStatus::Undated,
                // Ended after the order date: still listed when the order was placed.
                ListedAt::Expired if entry.listed_on.is_some_and(|start| start > date) => {
                    if ship_stated {
                        ListingStatus::AfterShipment
                    } else {
                        unshipped
                    }
                }
                ListedAt::Expired if entry.listed_on.is_none() => ListingStatus::Undated,
                ListedAt::ListedBefore | ListedAt::Expired => ListingStatus::AtShipment,
            }
        }
    };
    let mut kept: Vec<(Candidate, ListingStatus)> = Vec::new();
    let mut set_aside: Option<String> = None;
    for m in candidates {
        let Some(entry) = screener.entries().get(m.entry_index) else {
            continue;
        };
        let status = status_of(entry);
        let in_lists = spec.lists.is_empty()
            || spec.lists.iter().any(|l| {
                l.eq_ignore_ascii_case(&entry.list) || l.eq_ignore_ascii_case(&entry.source)
            });
        let basis_ok = match spec.match_on {
            MatchOn::Any | MatchOn::Address | MatchOn::Mentions => true,
            MatchOn::Id => matches!(m.basis, MatchBasis::Id { .. }),
            MatchOn::Name => !matches!(m.basis, MatchBasis::Id { .. }),
        };
        let resolution = entry.owned_by.as_ref().map(|o| o.resolution);
        let ownership_ok = match spec.ownership {
            OwnershipFilter::Include => true,
            OwnershipFilter::Exclude => resolution.is_none(),
            OwnershipFilter::Only => resolution == Some(Resolution::Known),
            OwnershipFilter::Unresolved => {
                matches!(
                    resolution,
                    Some(Resolution::UnknownShare | Resolution::Circular)
                )
            }
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
                    | ListingStatus::AfterOrderNotShipped
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
                match m.basis {
                    MatchBasis::Id { .. } => "an identifier",
                    _ => "a name",
                }
            )),
            _ if !ownership_ok => Some(match resolution {
                None => "listed in its own right, which this rule does not count".to_string(),
                Some(Resolution::Known) => {
                    "listed through ownership, which this rule does not count".to_string()
                }
                Some(_) => {
                    "counted as owned by listed parties only by assumption, which this rule does not count"
                        .to_string()
                }
            }),
            _ if !listed_ok => Some(match entry.listed_on {
                Some(d) => format!("{} ({d})", status.as_str()),
                None => status.as_str().to_string(),
            }),
            _ => None,
        };
        match why_not {
            None => kept.push((m, status)),
            Some(reason) if set_aside.is_none() => {
                // As a kept match's evidence does, the steps say how the name score became
                // the score, when there is more than the name score itself.
                let steps = if m.steps.len() > 1 {
                    let each: Vec<String> = m
                        .steps
                        .iter()
                        .map(|s| format!("{} {:.3}", s.kind.words(), s.score))
                        .collect();
                    format!(" ({})", each.join(", "))
                } else {
                    String::new()
                };
                set_aside = Some(format!(
                    "nearest entry {} `{}` of {} scores {:.3}{steps} but is {reason}",
                    entry.entry_id, entry.primary_name, entry.list, m.score
                ));
            }
            Some(_) => {}
        }
    }
    let others = kept.len().saturating_sub(1);
    let Some((best, status)) = kept.into_iter().next() else {
        return Check {
            note: set_aside.map(Cow::Owned),
            ..Check::of(Truth::False)
        };
    };
    let three_places = |x: f64| {
        let mut d = Decimal::from_f64(x).unwrap_or(Decimal::ZERO).round_dp(3);
        d.rescale(3);
        d
    };
    let score = three_places(best.score);
    let Some(entry) = screener.entries().get(best.entry_index) else {
        return Check::unknown("matched an entry that is not in the index");
    };
    if let Some(below) = spec.below_score {
        if score >= below {
            return Check {
                note: Some(format!(
                    "best match `{}` scores {score}, at or above {below}: a stronger rule covers it",
                    entry.entry_id
                ).into()),
                ..Check::of(Truth::False)
            };
        }
    }
    Check {
        screening: Some(Box::new(ScreeningEvidence {
            role: loc.text(),
            party: party_name.to_string(),
            list: entry.list.clone(),
            source: entry.source.clone(),
            entry_id: entry.entry_id.clone(),
            primary_name: entry.primary_name.clone(),
            programs: entry.programs.clone(),
            listed_on: entry.listed_on,
            ends_on: entry.ends_on,
            shipment_date,
            status,
            basis: best.basis,
            score,
            score_steps: best
                .steps
                .iter()
                .map(|s| (s.kind, three_places(s.score)))
                .collect(),
            query_normalized: best.query_normalized,
            id_written_in: best.id_written_in,
            entry_normalized: best.entry_normalized,
            country_match: best.country_match,
            other_matches: others,
            ownership: entry.owned_by.clone(),
        })),
        ..Check::of(Truth::True)
    }
}

/// Tests a party identifier's check digits: wrong digits are a red flag of their own (a
/// made-up or mistyped tax number).
pub(super) fn check_id(value: &Value) -> Check {
    let Value::Map(id) = value else {
        return Check::unknown("is not a `{ scheme, value }` identifier");
    };
    let get = |key: &str| id.get(key).and_then(Value::as_text);
    let (Some(scheme), Some(number)) = (get("scheme"), get("value")) else {
        return Check::unknown("has no `scheme` or no `value`");
    };
    match screening::ids::validate_written(scheme, number) {
        IdCheck::Invalid { reason } => Check {
            note: Some(reason.into()),
            ..Check::of(Truth::True)
        },
        IdCheck::Valid => Check::of(Truth::False),
        IdCheck::Unchecked => Check {
            note: Some(format!("scheme `{scheme}` has no check digit redflag knows").into()),
            ..Check::of(Truth::False)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str, aliases: &[&str], ids: &[(&str, &str)], country: Option<&str>) -> Query {
        Query {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ids: ids
                .iter()
                .map(|(s, v)| (s.to_string(), v.to_string()))
                .collect(),
            country: country.map(str::to_string),
            ..Query::default()
        }
    }

    /// Parties that differ anywhere get different keys, so one is never answered with the
    /// other's matches: text moved across a boundary, an empty text against none, an alias
    /// against an identifier. (That one party is screened once per order, the cache's hit, is
    /// `profile::screening_is_counted_apart_once_per_party_of_an_order_for_any_thread_count`.)
    #[test]
    fn different_parties_never_share_a_cache_key() {
        let parties = [
            query("ab", &[], &[], None),
            query("a", &["b"], &[], None),
            query("a", &[], &[("b", "")], None),
            query("a", &[""], &[], None),
            query("a", &[], &[], Some("b")),
            query("a", &[], &[], Some("")),
            query("a", &[], &[], None),
            query("a", &["1:b"], &[], None),
            query("a", &["1", "b"], &[], None),
            query("a#1", &[], &[], None),
            query("a", &[], &[("", "b")], None),
            query("a", &[], &[("b", ""), ("", "")], None),
        ];
        let keys: Vec<String> = parties.iter().map(party_key).collect();
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "parties {i} and {j} share a key");
            }
        }
    }
}
