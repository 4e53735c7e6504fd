//! List entries none of whose names has a letter or digit (`-`, `***`, a zero-width space: a
//! placeholder where an export masked or lost the name) match no party by name. Without an
//! identifier to match by, such an entry is a bad row in every list format: left out, located,
//! counted, so a list made of them is refused as mostly bad instead of screening every party
//! clear. With an identifier, or an alias that has letters, it still matches and is kept.

use redflag::screening::{EntryKind, ListFile};

use crate::hostile_lists::{
    csl_row, dir_with, dpl_row, ftm_row, loaded, ofac_set, refused, watch_row, CSL_HEADER,
    DPL_HEADER, SDN_ROW, WATCH_HEADER,
};
use crate::support::{code, redflag, stderr};

/// Names with no letter or digit once folded.
const PLACEHOLDERS: &[&str] = &["-", "***", "\u{200b}", "?!", "— · —"];

/// One list file per format, `good` good rows, then one row named `name`, then `rest` more
/// rows named `name`: (file name, text, line of the first row named `name`).
fn lists(name: &str, good: usize, rest: usize) -> Vec<(&'static str, String, u64)> {
    let json_name = name.replace('"', "\\\"");
    let mut out = Vec::new();
    let mut text = WATCH_HEADER.to_string();
    (0..good).for_each(|i| text.push_str(&watch_row(i)));
    for i in 0..=rest {
        text.push_str(&format!("WL-P{i},\"{name}\",,RU,,2024-01-01,,,\n"));
    }
    out.push(("watch.csv", text, good as u64 + 2));
    let mut text = String::new();
    (0..good).for_each(|i| {
        text.push_str(&format!(
            "[[entry]]\nid = \"WL-{i}\"\nname = \"Listed Party {i}\"\n"
        ))
    });
    for i in 0..=rest {
        text.push_str(&format!(
            "[[entry]]\nid = \"WL-P{i}\"\nname = \"{json_name}\"\n"
        ));
    }
    out.push(("watch.toml", text, good as u64 * 3 + 1));
    let mut text = CSL_HEADER.to_string();
    (0..good).for_each(|i| text.push_str(&csl_row(i)));
    for i in 0..=rest {
        text.push_str(&format!(
            "P{i},Entity List (EL) - Bureau of Industry and Security,,,,,,,,,\"{name}\",,\"Moscow, RU\"\n"
        ));
    }
    out.push(("csl.csv", text, good as u64 + 2));
    let mut text = DPL_HEADER.to_string();
    (0..good).for_each(|i| text.push_str(&dpl_row(i)));
    for i in 0..=rest {
        // Each placeholder row at its own address: one DPL entry per name and address.
        text.push_str(&format!(
            "\"{name}\"\t\"{i} SIDE ST\"\t\"TOWN\"\t\"\"\t\"US\"\t\"\"\t\"01/02/2020\"\t\"\"\t\"85 F.R. 9{i}\"\n"
        ));
    }
    out.push(("dpl.txt", text, good as u64 + 2));
    let mut text = String::new();
    (0..good).for_each(|i| text.push_str(&ftm_row(i)));
    for i in 0..=rest {
        text.push_str(&format!(
            "{{\"id\": \"p{i}\", \"schema\": \"Company\", \"properties\": {{\"name\": [\"{json_name}\"]}}}}\n"
        ));
    }
    out.push(("list.ftm.json", text, good as u64 + 1));
    out
}

/// An OFAC set of `good` listed entries (36, 37, ...) and then `bad` entries named `name`
/// (50, 51, ...), their companions naming only the first entry.
fn ofac_text(name: &str, good: usize, bad: usize) -> String {
    let mut text = String::new();
    for i in 0..good {
        text.push_str(&SDN_ROW.replacen("36,", &format!("{},", 36 + i), 1));
    }
    for i in 0..bad {
        text.push_str(&format!(
            "{},\"{name}\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
            50 + i
        ));
    }
    text
}

fn has_placeholder(list: &ListFile, name: &str) -> bool {
    list.entries.iter().any(|e| e.primary_name == name)
}

#[track_caller]
fn assert_reported(list: &ListFile, line: u64, what: &str) {
    assert!(
        list.problems
            .iter()
            .any(|p| p.line == line && p.message.contains("could never match")),
        "{what}: no problem on line {line}: {:?}",
        list.problems
    );
}

#[test]
fn an_entry_named_only_by_placeholders_is_a_bad_row_in_every_format() {
    for name in PLACEHOLDERS {
        for (file, text, line) in lists(name, 3, 0) {
            let dir = dir_with(&[(file, text.as_bytes())]);
            let list = loaded(dir.path(), file);
            let what = format!("{file} with `{name}`");
            assert!(!has_placeholder(&list, name), "{what}: entry kept");
            assert_eq!(list.entries.len(), 3, "{what}");
            assert_reported(&list, line, &what);
        }
        let set = ofac_set(&ofac_text(name, 3, 1));
        let list = loaded(set.path(), "sdn.csv");
        assert!(
            !has_placeholder(&list, name),
            "sdn.csv with `{name}`: entry kept"
        );
        assert_eq!(list.entries.len(), 3);
        assert_reported(&list, 4, &format!("sdn.csv with `{name}`"));
    }
}

#[test]
fn a_list_of_placeholder_names_is_refused_as_mostly_bad() {
    for (file, text, _) in lists("***", 1, 1) {
        let dir = dir_with(&[(file, text.as_bytes())]);
        let message = refused(dir.path(), file);
        assert!(
            message.starts_with("2 of its 3 rows could not be read, more than half"),
            "{file}: {message}"
        );
    }
    let set = ofac_set(&ofac_text("***", 1, 2));
    let message = refused(set.path(), "sdn.csv");
    assert!(
        message.starts_with("2 of its 3 rows could not be read, more than half"),
        "sdn.csv: {message}"
    );
    // Only placeholders: no entry at all.
    let set = ofac_set(&ofac_text("-", 0, 2));
    // The companions name entry 36, which is not there: the set is refused either way.
    assert!(!refused(set.path(), "sdn.csv").is_empty());
    for (file, text, _) in lists("-", 0, 1) {
        let dir = dir_with(&[(file, text.as_bytes())]);
        let message = refused(dir.path(), file);
        assert!(
            message.starts_with("none of its 2 rows gives an entry"),
            "{file}: {message}"
        );
    }
}

#[test]
fn a_placeholder_name_with_an_alias_or_identifier_still_matches_and_is_kept() {
    let text = format!(
        "{WATCH_HEADER}{}WL-A,-,Ivan Sidorov,RU,,2024-01-01,,,\nWL-I,***,,RU,INN:7719717008,2024-01-01,,,\n",
        watch_row(1)
    );
    let dir = dir_with(&[("watch.csv", text.as_bytes())]);
    let list = loaded(dir.path(), "watch.csv");
    let ids: Vec<&str> = list.entries.iter().map(|e| e.entry_id.as_str()).collect();
    assert_eq!(ids, ["WL-1", "WL-A", "WL-I"]);
    let warnings: Vec<(u64, &str)> = list
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            4,
            "entry `WL-I` has no name with a letter or digit (`***`), so it matches by identifier only"
        )]
    );
    // An OFAC entry named `***` whose alias (from alt.csv) has letters.
    let set = ofac_set(&SDN_ROW.replace("AEROCARIBBEAN AIRLINES", "***"));
    let list = loaded(set.path(), "sdn.csv");
    assert_eq!(list.entries.len(), 1);
    assert_eq!(list.entries[0].aliases[0].name, "AEROCARIBBEAN");
}

#[test]
fn an_ftm_entity_named_by_blanks_has_no_name() {
    let lines = [
        ftm_row(1),
        ftm_row(2),
        // Blank names beside a real one: the real one is the name.
        "{\"id\": \"b1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"\", \" \", \"Ivan Sidorov\"]}}\n".to_string(),
        // Only blank names: no name, as with no `name` at all.
        "{\"id\": \"b2\", \"schema\": \"Company\", \"properties\": {\"name\": [\"\u{3000}\", \"\\t\"], \"alias\": [\"  \"]}}\n".to_string(),
    ];
    let dir = dir_with(&[("list.ftm.json", lines.concat().as_bytes())]);
    let list = loaded(dir.path(), "list.ftm.json");
    let names: Vec<(&str, &str)> = list
        .entries
        .iter()
        .map(|e| (e.entry_id.as_str(), e.primary_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("e1", "Listed Party 1"),
            ("e2", "Listed Party 2"),
            ("b1", "Ivan Sidorov")
        ]
    );
    assert!(list.entries[2].aliases.is_empty());
    assert_eq!(list.entries[2].kind, EntryKind::Person);
    let problems: Vec<(u64, &str)> = list
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems, [(4, "entity `b2` has no `name`")]);
}

#[test]
fn check_stops_on_a_list_of_placeholder_names_and_reports_one_among_good_rows() {
    let all_bad = format!("{WATCH_HEADER}WL-1,-,,RU,,,,,\nWL-2,***,,RU,,,,,\n");
    let one_bad = format!(
        "{WATCH_HEADER}{}{}WL-3,***,,RU,,,,,\n",
        watch_row(1),
        watch_row(2)
    );
    let dir = dir_with(&[
        ("all.csv", all_bad.as_bytes()),
        ("one.csv", one_bad.as_bytes()),
    ]);
    let run = |name: &str| {
        let list = dir.path().join(name);
        redflag(&[
            "check",
            "fixtures/orders/screening.jsonl",
            "--list",
            list.to_str().unwrap(),
        ])
    };
    let output = run("all.csv");
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("S002"), "{}", stderr(&output));
    let output = run("one.csv");
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    // A warning (S001) located on the row; the report wraps the message.
    let warning = stderr(&output)
        .split_whitespace()
        .filter(|word| *word != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        warning.contains("S001")
            && warning.contains(
                "one.csv:4: entry `WL-3` has no name with a letter or digit (`***`) and no identifier, so it could never match"
            ),
        "{warning}"
    );
}
