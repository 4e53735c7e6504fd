//! OFAC's 50 % rule: an entity owned 50 % or more, directly or indirectly, by one or more
//! blocked persons, alone or together, is blocked itself, listed or not (OFAC, "Revised
//! Guidance on Entities Owned by Persons Whose Property and Interests in Property Are
//! Blocked", 13 August 2014, and FAQ 401).
//!
//! The guidance propagates status, not products of percentages: when X (listed) owns 50 % of
//! A and A owns 50 % of B, A is blocked, so A's 50 % of B is a blocked person's 50 % and B is
//! blocked too (a product would say 25 %). An entity's share is therefore the sum of the
//! direct holdings of its owners that are listed or already found blocked, computed to a fixed
//! point. A holding of an owner that is not blocked does not count, however much the listed
//! party owns of that owner below 50 %.
//!
//! What cannot be decided is not cleared (fail closed): a holding without a usable percentage
//! counts as enough, and an entity that reaches 50 % only through circular ownership counts
//! as owned; both are marked unresolved, so a rule can send them to review instead of blocking.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// 100 % in the units shares are counted in (ten-thousandths of a percent), so sums are exact
/// integers.
pub const WHOLE: u64 = 1_000_000;

/// 50 %: the share from which an entity counts as owned.
pub const HALF: u64 = WHOLE / 2;

/// The longest chain of owners shown in evidence; deeper chains are cut there (the entity
/// stays owned, and the evidence says the chain was cut).
pub const MAX_CHAIN_DEPTH: usize = 32;

/// The most links shown in one entity's evidence.
pub const MAX_LINKS: usize = 64;

/// One holding: `owner` holds `share` of `asset` (FtM `Ownership`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// The owner's entity id.
    pub owner: String,
    /// The owned entity's id.
    pub asset: String,
    /// The share in units of [`WHOLE`]; `None` when the list gives no usable percentage.
    pub share: Option<u64>,
}

/// Why an owned entity counts as owned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// Listed owners hold 50 % or more by the percentages the list gives.
    Known,
    /// 50 % is reached only if holdings without a percentage count (they are counted: fail
    /// closed).
    UnknownShare,
    /// 50 % is reached only through owners that own each other in a circle.
    Circular,
}

/// One link of the chain of owners: `owner` holds `share` of `asset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerLink {
    /// The owner's entity id.
    pub owner_id: String,
    /// The owner's primary name.
    pub owner_name: String,
    /// Whether the owner is listed in its own right (else it is owned itself, and its own
    /// owners follow in the chain).
    pub owner_listed: bool,
    /// The owned entity's id.
    pub asset_id: String,
    /// The owned entity's name.
    pub asset_name: String,
    /// The share in units of [`WHOLE`]; `None`: not given.
    pub share: Option<u64>,
}

/// How an unlisted entity comes to be treated as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedBy {
    /// The summed share of the owners counted, in units of [`WHOLE`] (holdings without a
    /// percentage add nothing here).
    pub share: u64,
    /// Known, or counted only by assumption.
    pub resolution: Resolution,
    /// The chain of owners: this entity's counted owners first, then their owners, breadth
    /// first, down to listed parties.
    pub links: Vec<OwnerLink>,
    /// Whether the chain was cut at [`MAX_CHAIN_DEPTH`] or [`MAX_LINKS`].
    pub cut: bool,
}

/// Formats a share in units of [`WHOLE`] as a percentage (`50`, `33.3333`).
pub fn percent(share: u64) -> String {
    let whole = share / 10_000;
    let frac = share % 10_000;
    if frac == 0 {
        whole.to_string()
    } else {
        let f = format!("{frac:04}");
        format!("{whole}.{}", f.trim_end_matches('0'))
    }
}

/// Parses an FtM percentage (`50`, `50.5`, `33.33%`, `12,5`) into units of [`WHOLE`].
/// Digits beyond the fourth decimal round up, so a share never falls below 50 % by rounding.
/// `Err` says why the text is not a share (the caller counts the holding as unknown).
pub fn parse_percent(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("percentage `{text}` is not a number"));
    }
    let int: u64 = if int.is_empty() {
        0
    } else {
        int.parse()
            .map_err(|_| format!("percentage `{text}` is out of range"))?
    };
    let mut units = int
        .checked_mul(10_000)
        .ok_or_else(|| format!("percentage `{text}` is out of range"))?;
    let mut scale = 1_000;
    for (i, b) in frac.bytes().enumerate() {
        let d = u64::from(b - b'0');
        if i < 4 {
            units = units.saturating_add(d * scale);
            scale /= 10;
        } else if d > 0 {
            units = units.saturating_add(1);
            break;
        }
    }
    if units > WHOLE {
        return Err(format!("percentage `{text}` is above 100"));
    }
    Ok(units)
}

/// The owners counted toward each asset: per (owner, asset) the largest share given
/// (OpenSanctions repeats a holding once per source; repeats are not added up), `None` if
/// any statement of it has no percentage and none has one.
fn holdings_by_asset(holdings: &[Holding]) -> BTreeMap<&str, BTreeMap<&str, Option<u64>>> {
    let mut by_asset: BTreeMap<&str, BTreeMap<&str, Option<u64>>> = BTreeMap::new();
    for h in holdings {
        if h.owner == h.asset {
            continue;
        }
        let slot = by_asset
            .entry(h.asset.as_str())
            .or_default()
            .entry(h.owner.as_str())
            .or_insert(h.share);
        *slot = match (*slot, h.share) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    by_asset
}

/// The share of `asset` held by owners in `blocked`; unknown shares count as [`WHOLE`] when
/// `assume_unknown`, else as nothing.
fn share_of(
    owners: &BTreeMap<&str, Option<u64>>,
    blocked: &BTreeSet<&str>,
    assume_unknown: bool,
) -> u64 {
    owners
        .iter()
        .filter(|(o, _)| blocked.contains(*o))
        .map(|(_, s)| s.unwrap_or(if assume_unknown { WHOLE } else { 0 }))
        .fold(0u64, u64::saturating_add)
}

/// The least fixed point: listed parties, then every asset their (and so found) holdings
/// reach 50 % of, until nothing changes. Each pass adds at least one asset or stops, so there
/// are at most as many passes as assets.
fn least<'a>(
    by_asset: &BTreeMap<&'a str, BTreeMap<&'a str, Option<u64>>>,
    listed: &BTreeSet<&'a str>,
    assume_unknown: bool,
) -> BTreeSet<&'a str> {
    let mut blocked = listed.clone();
    loop {
        let found: Vec<&str> = by_asset
            .iter()
            .filter(|(a, owners)| {
                !blocked.contains(*a) && share_of(owners, &blocked, assume_unknown) >= HALF
            })
            .map(|(a, _)| *a)
            .collect();
        if found.is_empty() {
            return blocked;
        }
        blocked.extend(found);
    }
}

/// The greatest fixed point among entities reachable from listed parties: start from all of
/// them and drop each whose counted owners hold less than 50 %, until nothing changes. What it
/// keeps beyond [`least`] reaches 50 % only through owners that own each other in a circle.
fn greatest<'a>(
    by_asset: &BTreeMap<&'a str, BTreeMap<&'a str, Option<u64>>>,
    listed: &BTreeSet<&'a str>,
) -> BTreeSet<&'a str> {
    let mut owns: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (asset, owners) in by_asset {
        for owner in owners.keys() {
            owns.entry(owner).or_default().push(asset);
        }
    }
    let mut reach: BTreeSet<&str> = listed.clone();
    let mut stack: Vec<&str> = listed.iter().copied().collect();
    while let Some(x) = stack.pop() {
        for a in owns.get(x).into_iter().flatten() {
            if reach.insert(a) {
                stack.push(a);
            }
        }
    }
    loop {
        let dropped: Vec<&str> = reach
            .iter()
            .filter(|x| !listed.contains(*x))
            .filter(|x| {
                by_asset
                    .get(*x)
                    .is_none_or(|owners| share_of(owners, &reach, true) < HALF)
            })
            .copied()
            .collect();
        if dropped.is_empty() {
            return reach;
        }
        for d in dropped {
            reach.remove(d);
        }
    }
}

/// Derives which unlisted entities count as listed by ownership. `listed` holds the ids of
/// entities listed in their own right, `names` the names of all entities (for evidence).
/// Returns the owned entities by id, and a sentence for each one owned only by assumption
/// (unknown percentages or a circle), for the list's problems.
pub fn derive(
    listed: &BTreeSet<&str>,
    names: &BTreeMap<&str, &str>,
    holdings: &[Holding],
) -> (BTreeMap<String, OwnedBy>, Vec<String>) {
    let by_asset = holdings_by_asset(holdings);
    let known = least(&by_asset, listed, false);
    let assumed = least(&by_asset, listed, true);
    let circular = greatest(&by_asset, listed);
    let mut out = BTreeMap::new();
    let mut notes = Vec::new();
    for x in circular.iter().filter(|x| !listed.contains(*x)) {
        let (resolution, counted) = if known.contains(x) {
            (Resolution::Known, &known)
        } else if assumed.contains(x) {
            (Resolution::UnknownShare, &assumed)
        } else {
            (Resolution::Circular, &circular)
        };
        let Some(owners) = by_asset.get(x) else {
            continue;
        };
        let share = share_of(owners, counted, false);
        let (links, cut) = chain(x, &by_asset, counted, listed, names);
        let name = names.get(x).copied().unwrap_or(x);
        match resolution {
            Resolution::Known => {}
            Resolution::UnknownShare => notes.push(format!(
                "entity `{x}` ({name}) counts as owned by listed parties only if holdings without a percentage are counted; they are (fail closed)"
            )),
            Resolution::Circular => notes.push(format!(
                "entity `{x}` ({name}) reaches 50 % owned by listed parties only through owners that own each other in a circle; it counts as owned (fail closed)"
            )),
        }
        out.insert(
            x.to_string(),
            OwnedBy {
                share,
                resolution,
                links,
                cut,
            },
        );
    }
    (out, notes)
}

/// The chain of owners of `asset`, breadth first: each entity's counted owners, then the
/// owners of those that are not listed themselves, each entity expanded once.
fn chain(
    asset: &str,
    by_asset: &BTreeMap<&str, BTreeMap<&str, Option<u64>>>,
    counted: &BTreeSet<&str>,
    listed: &BTreeSet<&str>,
    names: &BTreeMap<&str, &str>,
) -> (Vec<OwnerLink>, bool) {
    let name = |id: &str| names.get(id).copied().unwrap_or(id).to_string();
    let mut links = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut level: Vec<&str> = vec![asset];
    seen.insert(asset);
    for _depth in 0..MAX_CHAIN_DEPTH {
        let mut next = Vec::new();
        for a in &level {
            for (owner, share) in by_asset.get(a).into_iter().flatten() {
                if !counted.contains(owner) {
                    continue;
                }
                if links.len() >= MAX_LINKS {
                    return (links, true);
                }
                links.push(OwnerLink {
                    owner_id: owner.to_string(),
                    owner_name: name(owner),
                    owner_listed: listed.contains(owner),
                    asset_id: a.to_string(),
                    asset_name: name(a),
                    share: *share,
                });
                if !listed.contains(owner) && seen.insert(owner) {
                    next.push(*owner);
                }
            }
        }
        if next.is_empty() {
            return (links, false);
        }
        level = next;
    }
    (links, true)
}
