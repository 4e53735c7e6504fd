//! OFAC's 50 % rule from FtM `Ownership` entities (`fixtures/lists/ownership/`): which unlisted
//! entities count as listed, with what chain of owners, and what cannot be resolved.

use std::collections::{BTreeMap, BTreeSet};

use redflag::screening::ownership::{derive, parse_percent, Holding, Resolution, HALF, WHOLE};
use redflag::screening::{import_str, Entry, ListFile, ListFormat, RowProblemKind};

fn list() -> ListFile {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/lists/ownership/ownership.ftm.json"
    ))
    .unwrap();
    import_str(ListFormat::Ftm, "ownership.ftm.json", &text).unwrap()
}

fn entry<'a>(l: &'a ListFile, id: &str) -> Option<&'a Entry> {
    l.entries.iter().find(|e| e.entry_id == id)
}

#[test]
fn fifty_percent_by_one_or_together_counts_as_listed() {
    let l = list();
    let a1 = entry(&l, "os-a1").expect("50 % by one listed owner");
    let owned = a1.owned_by.as_ref().unwrap();
    assert_eq!(owned.resolution, Resolution::Known);
    assert_eq!(owned.share, HALF);
    assert_eq!(owned.links.len(), 1);
    assert_eq!(owned.links[0].owner_id, "os-x1");
    assert_eq!(owned.links[0].owner_name, "Volkov Holding JSC");
    assert!(owned.links[0].owner_listed);
    // Listed from the day its owner was.
    assert_eq!(a1.listed_on.unwrap().to_string(), "2022-03-01");

    let a2 = entry(&l, "os-a2").expect("25 % + 25 % by two listed owners");
    let owned = a2.owned_by.as_ref().unwrap();
    assert_eq!(owned.share, HALF);
    let owners: Vec<&str> = owned.links.iter().map(|k| k.owner_id.as_str()).collect();
    assert_eq!(owners, ["os-x2", "os-x3"]);
    // Together only from the later listing.
    assert_eq!(a2.listed_on.unwrap().to_string(), "2023-05-19");
    // Its address entity is resolved.
    assert_eq!(a2.addresses, ["Arch. Makariou III 155, 3026 Limassol, CY"]);
}

#[test]
fn below_fifty_percent_is_not_listed() {
    let l = list();
    assert!(entry(&l, "os-a3").is_none(), "49.99 % is not 50 %");
    // 40 % of a holding that owns 100 %: the holding is not blocked, so neither is its asset.
    assert!(entry(&l, "os-a8").is_none());
    assert!(entry(&l, "os-a9").is_none());
    // A circle that no listed party touches.
    assert!(entry(&l, "os-d1").is_none());
    assert!(entry(&l, "os-d2").is_none());
}

#[test]
fn ownership_propagates_through_owned_entities() {
    let l = list();
    let a5 = entry(&l, "os-a5").expect("100 % then 60 %");
    let owned = a5.owned_by.as_ref().unwrap();
    assert_eq!(owned.resolution, Resolution::Known);
    let chain: Vec<(&str, &str, Option<u64>, bool)> = owned
        .links
        .iter()
        .map(|k| {
            (
                k.owner_id.as_str(),
                k.asset_id.as_str(),
                k.share,
                k.owner_listed,
            )
        })
        .collect();
    assert_eq!(
        chain,
        [
            ("os-a4", "os-a5", Some(600_000), false),
            ("os-x1", "os-a4", Some(WHOLE), true),
        ]
    );
    // OFAC counts status, not products: 50 % of 50 % is a blocked owner's 50 %.
    let a7 = entry(&l, "os-a7").expect("50 % then 50 %");
    assert_eq!(a7.owned_by.as_ref().unwrap().share, HALF);
}

#[test]
fn check_warns_of_unsettled_ownership_apart_from_unread_rows() {
    let out = crate::support::redflag_in(
        None,
        &[
            "check",
            "fixtures/orders/ownership-and-addresses.jsonl",
            "--list",
            "fixtures/lists/ownership/ownership.ftm.json",
            "-o",
            "/dev/null",
        ],
        None,
    );
    let err = crate::support::stderr(&out);
    let warnings = |code: &str| err.matches(&format!("{code}\n")).count();
    assert_eq!(warnings("S001"), 1, "{err}");
    assert!(warnings("S005") >= 3, "{err}");
    assert!(err.contains("check the list's ownership data"), "{err}");
}

#[test]
fn unknown_percentages_and_circles_fail_closed() {
    let l = list();
    let a10 = entry(&l, "os-a10").expect("a holding without a percentage counts");
    assert_eq!(
        a10.owned_by.as_ref().unwrap().resolution,
        Resolution::UnknownShare
    );
    for id in ["os-c1", "os-c2"] {
        let e = entry(&l, id).expect("a circle with a listed owner counts");
        assert_eq!(
            e.owned_by.as_ref().unwrap().resolution,
            Resolution::Circular
        );
    }
    let messages: Vec<&str> = l.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages
        .iter()
        .any(|m| m.contains("`os-a10`") && m.contains("without a percentage")));
    assert!(messages
        .iter()
        .any(|m| m.contains("`os-c1`") && m.contains("circle")));
    assert!(messages
        .iter()
        .any(|m| m.contains("`own-bad` names no `owner` or no `asset`")));
    // A row left out is told apart from what the 50 % rule could not settle (S001, S005).
    let kind_of = |needle: &str| {
        l.problems
            .iter()
            .find(|p| p.message.contains(needle))
            .map(|p| p.kind)
    };
    assert_eq!(kind_of("`own-bad` names no"), Some(RowProblemKind::Unread));
    assert_eq!(kind_of("`os-c1`"), Some(RowProblemKind::Ownership));
    assert_eq!(kind_of("`os-a10`"), Some(RowProblemKind::Ownership));
    // Context entities that are not owned are not screened at all.
    assert!(entry(&l, "os-a3").is_none());
    // Listed parties keep their addresses, from an address entity or inline.
    assert_eq!(
        entry(&l, "os-x1").unwrap().addresses,
        ["Hauptstrasse 12, 10115 Berlin, DE"]
    );
    assert_eq!(
        entry(&l, "os-x2").unwrap().addresses,
        ["ul. Tverskaya 7, 125009 Moscow, Russia"]
    );
}

#[test]
fn percentages_parse_exactly_and_round_up() {
    assert_eq!(parse_percent("50"), Ok(HALF));
    assert_eq!(parse_percent("50.0%"), Ok(HALF));
    assert_eq!(parse_percent(" 12,5 "), Ok(125_000));
    assert_eq!(parse_percent("49.99999"), Ok(499_999 + 1));
    assert_eq!(parse_percent("49.999951"), Ok(HALF));
    assert!(parse_percent("101").is_err());
    assert!(parse_percent("half").is_err());
    assert!(parse_percent("-5").is_err());
    assert!(parse_percent("").is_err());
    assert!(parse_percent("99999999999999999999999").is_err());
}

#[test]
fn deep_chains_and_wide_cycles_end() {
    // A chain of 200 companies each owning the next wholly: every one is owned, and the
    // evidence is cut at the depth limit instead of growing without bound.
    let ids: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
    let mut holdings: Vec<Holding> = ids
        .windows(2)
        .map(|w| Holding {
            owner: w[0].clone(),
            asset: w[1].clone(),
            share: Some(WHOLE),
        })
        .collect();
    // And a circle back to the start.
    holdings.push(Holding {
        owner: ids[199].clone(),
        asset: ids[0].clone(),
        share: Some(WHOLE),
    });
    let listed: BTreeSet<&str> = ["c0"].into_iter().collect();
    let names: BTreeMap<&str, &str> = BTreeMap::new();
    let (owned, _) = derive(&listed, &names, &holdings);
    assert_eq!(owned.len(), 199);
    let last = &owned["c199"];
    assert!(last.cut);
    assert!(last.links.len() <= redflag::screening::ownership::MAX_LINKS);
    let first = &owned["c1"];
    assert!(!first.cut);
}
