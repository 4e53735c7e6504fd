//! Lists that are empty, cut off, mostly bad or in the wrong encoding: a failed download must
//! stop the run (an importer error, `S002`, `R054`, `R044`), never screen against nothing and
//! call a listed buyer clear.

use std::path::Path;

use redflag::rules::{build, PackFiles};
use redflag::screening::{load_file, ListFile, ScreeningError};

use crate::support::{code, redflag, stderr};

pub(crate) const WATCH_HEADER: &str =
    "id,name,aliases,country,ids,listed_on,ends_on,program,notes\n";
/// Every column the CSL importer reads (a CSL without one is refused), those left empty first.
pub(crate) const CSL_HEADER: &str = "_id,source,type,programs,start_date,end_date,remarks,citizenships,nationalities,ids,name,alt_names,addresses\n";
pub(crate) const DPL_HEADER: &str = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tFR_Citation\n";
pub(crate) const SDN_ROW: &str =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"remark\"\n";

pub(crate) fn watch_row(i: usize) -> String {
    format!("WL-{i},Listed Party {i},,RU,,2024-01-01,,,\n")
}

pub(crate) fn csl_row(i: usize) -> String {
    format!(
        "{i},Entity List (EL) - Bureau of Industry and Security,,,,,,,,,Listed Party {i},,\"Moscow, RU\"\n"
    )
}

pub(crate) fn dpl_row(i: usize) -> String {
    format!("\"LISTED PARTY {i}\"\t\"1 MAIN ST\"\t\"TOWN\"\t\"\"\t\"US\"\t\"\"\t\"01/02/2020\"\t\"\"\t\"85 F.R. {i}\"\n")
}

pub(crate) fn ftm_row(i: usize) -> String {
    format!("{{\"id\": \"e{i}\", \"schema\": \"Company\", \"properties\": {{\"name\": [\"Listed Party {i}\"]}}}}\n")
}

/// Writes `files` into a fresh directory.
pub(crate) fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

#[track_caller]
pub(crate) fn refused(dir: &Path, name: &str) -> String {
    match load_file(&dir.join(name)) {
        Err(ScreeningError::Unreadable { message, .. }) => message,
        Err(other) => panic!("{name}: another error: {other}"),
        Ok(list) => panic!(
            "{name} loaded {} entries, {} problems",
            list.entries.len(),
            list.problems.len()
        ),
    }
}

#[track_caller]
pub(crate) fn loaded(dir: &Path, name: &str) -> ListFile {
    match load_file(&dir.join(name)) {
        Ok(list) => list,
        Err(error) => panic!("{name}: {error}"),
    }
}

/// The four OFAC files, with `sdn` as the main one.
pub(crate) fn ofac_set(sdn: &str) -> tempfile::TempDir {
    dir_with(&[
        ("sdn.csv", sdn.as_bytes()),
        ("alt.csv", b"36,1,\"aka\",\"AEROCARIBBEAN\",-0- \n"),
        ("add.csv", b"36,1,-0- ,\"Havana\",\"Cuba\",-0- \n"),
        ("sdn_comments.csv", b"36,\" more\"\n"),
    ])
}

#[test]
fn an_empty_list_in_any_format_is_refused() {
    let dir = dir_with(&[
        ("watch.csv", WATCH_HEADER.as_bytes()),
        ("csl.csv", CSL_HEADER.as_bytes()),
        ("dpl.txt", DPL_HEADER.as_bytes()),
        ("watch.toml", b"# every entry was lost\n"),
        ("only-addresses.ftm.json", b"{\"id\": \"a1\", \"schema\": \"Address\", \"properties\": {\"full\": [\"Moscow\"]}}\n"),
    ]);
    for (name, why) in [
        ("watch.csv", "the file holds no data row"),
        ("csl.csv", "the file holds no data row"),
        ("dpl.txt", "the file holds no data row"),
        ("watch.toml", "the file holds no data row"),
        (
            "only-addresses.ftm.json",
            "none of its 1 rows gives an entry",
        ),
    ] {
        let message = refused(dir.path(), name);
        assert!(message.starts_with(why), "{name}: {message}");
        assert!(message.contains("no entry to screen against"), "{message}");
    }
    // A 0-byte OFAC sdn.csv, the classic failed download, beside its companions.
    let set = ofac_set("");
    assert!(refused(set.path(), "sdn.csv").starts_with("the file is empty"));
}

#[test]
fn a_list_cut_off_in_the_middle_of_a_row_is_refused() {
    // Seven bytes short: the last row stops inside a cell.
    let cut = |text: String| text[..text.len() - 7].to_string();
    let watch = cut(format!("{WATCH_HEADER}{}{}", watch_row(1), watch_row(2)));
    let csl = cut(format!("{CSL_HEADER}{}{}", csl_row(1), csl_row(2)));
    let dpl = cut(format!("{DPL_HEADER}{}{}", dpl_row(1), dpl_row(2)));
    let ftm = cut(format!("{}{}", ftm_row(1), ftm_row(2)));
    let dir = dir_with(&[
        ("watch.csv", watch.as_bytes()),
        ("csl.csv", csl.as_bytes()),
        ("dpl.txt", dpl.as_bytes()),
        ("cut.ftm.json", ftm.as_bytes()),
    ]);
    for name in ["watch.csv", "csl.csv", "dpl.txt", "cut.ftm.json"] {
        let message = refused(dir.path(), name);
        assert!(
            message.starts_with("the file ends in the middle of a row (line "),
            "{name}: {message}"
        );
    }
    // OFAC: cut inside the quoted remarks of the last row, which still has its 12 cells.
    let second = SDN_ROW.replace("36,", "37,");
    let set = ofac_set(&format!("{SDN_ROW}{}", &second[..second.len() - 5]));
    let message = refused(set.path(), "sdn.csv");
    assert!(
        message.starts_with("the file ends in the middle of a row"),
        "{message}"
    );
    // The same rows ending with a line break, or a last row complete without one, are fine.
    let whole = dir_with(&[
        (
            "watch.csv",
            format!("{WATCH_HEADER}{}", watch_row(1)).as_bytes(),
        ),
        (
            "dpl.txt",
            format!("{DPL_HEADER}{}", dpl_row(1).trim_end()).as_bytes(),
        ),
    ]);
    assert_eq!(loaded(whole.path(), "watch.csv").entries.len(), 1);
    assert_eq!(loaded(whole.path(), "dpl.txt").entries.len(), 1);
}

#[test]
fn a_list_whose_rows_are_mostly_bad_is_refused() {
    let nameless = "WL-X,,,RU,,,,,\n";
    let bad = |good: usize, bad: usize| {
        let mut text = WATCH_HEADER.to_string();
        for i in 0..good {
            text.push_str(&watch_row(i));
        }
        for i in 0..bad {
            text.push_str(&nameless.replace("WL-X", &format!("WL-B{i}")));
        }
        text
    };
    let dir = dir_with(&[
        ("half.csv", bad(2, 2).as_bytes()),
        ("most.csv", bad(2, 3).as_bytes()),
    ]);
    // Half of the rows bad: loaded, each bad row a located problem.
    let half = loaded(dir.path(), "half.csv");
    assert_eq!((half.entries.len(), half.problems.len()), (2, 2));
    let message = refused(dir.path(), "most.csv");
    assert!(
        message.starts_with("3 of its 5 rows could not be read, more than half"),
        "{message}"
    );
    // The same for an FtM file of lines that are not JSON.
    let ftm = format!("{}not json\nnot json either\n", ftm_row(1));
    let dir = dir_with(&[("bad.ftm.json", ftm.as_bytes())]);
    assert!(refused(dir.path(), "bad.ftm.json").starts_with("2 of its 3 rows"));
}

#[test]
fn an_ofac_set_needs_all_its_files() {
    let whole = ofac_set(SDN_ROW);
    let list = loaded(whole.path(), "sdn.csv");
    assert_eq!(list.entries[0].aliases.len(), 1);
    for missing in ["alt.csv", "add.csv", "sdn_comments.csv"] {
        let set = ofac_set(SDN_ROW);
        std::fs::remove_file(set.path().join(missing)).unwrap();
        let message = refused(set.path(), "sdn.csv");
        assert!(
            message.starts_with(&format!("`{missing}` is not beside it")),
            "{message}"
        );
    }
    // A companion that is empty (a failed download) or refers to entries sdn.csv lacks
    // (another day's file, or a cut sdn.csv) breaks the set.
    let set = ofac_set(SDN_ROW);
    std::fs::write(set.path().join("alt.csv"), "").unwrap();
    assert!(refused(set.path(), "sdn.csv").starts_with("the file is empty"));
    let set = ofac_set(SDN_ROW);
    std::fs::write(
        set.path().join("add.csv"),
        "36,1,-0- ,\"Havana\",\"Cuba\",-0- \n99,2,-0- ,\"X\",\"Iran\",-0- \n98,3,-0- ,\"Y\",\"Iran\",-0- \n",
    )
    .unwrap();
    assert!(refused(set.path(), "sdn.csv").starts_with("2 of its 3 rows could not be read"));
}

#[test]
fn a_list_in_utf16_or_with_nul_bytes_is_refused() {
    let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(format!("{WATCH_HEADER}{}", watch_row(1)).encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let dir = dir_with(&[("watch.csv", &utf16), ("sdn.csv", b"36,\"A\0B\"\n")]);
    for name in ["watch.csv", "sdn.csv"] {
        let message = refused(dir.path(), name);
        assert!(
            message.starts_with("the file is not text this tool reads"),
            "{message}"
        );
    }
}

#[test]
fn a_stray_latin1_byte_spoils_only_its_own_line() {
    let text = format!(
        "{WATCH_HEADER}WL-1,Müller Maschinenbau,,DE,,2024-01-01,,,\nWL-2,Caf\u{e9} Export,,FR,,2024-01-01,,,\n"
    );
    let bytes = text.replace('\u{e9}', "\u{1}").into_bytes();
    let bytes: Vec<u8> = bytes
        .into_iter()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect();
    let dir = dir_with(&[("watch.csv", &bytes)]);
    let list = loaded(dir.path(), "watch.csv");
    let names: Vec<&str> = list
        .entries
        .iter()
        .map(|e| e.primary_name.as_str())
        .collect();
    assert_eq!(names, ["Müller Maschinenbau", "Café Export"]);
}

#[test]
fn check_stops_on_a_list_that_yields_nothing() {
    let dir = dir_with(&[("watch.csv", WATCH_HEADER.as_bytes()), ("empty.csv", b"")]);
    for name in ["watch.csv", "empty.csv"] {
        let list = dir.path().join(name);
        let output = redflag(&[
            "check",
            "fixtures/orders/screening.jsonl",
            "--list",
            list.to_str().unwrap(),
        ]);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(stderr(&output).contains("S002"), "{}", stderr(&output));
    }
}

/// A copy of a pack directory with some files replaced.
fn pack_copy(from: &str, replace: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry.path().strip_prefix(from).unwrap();
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    for (file, text) in replace {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    dir
}

fn codes_of_pack(dir: &Path) -> Vec<&'static str> {
    let (pack, diagnostics) = build(&PackFiles::read_dir(dir).unwrap());
    assert!(pack.is_none());
    diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn a_pack_list_cut_to_its_header_stops_check_lint_and_test() {
    let header = std::fs::read_to_string("rules/lists/embargoed.csv").unwrap();
    let header = header
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .to_string()
        + "\n";
    for (file, text) in [
        ("lists/embargoed.csv", header.as_str()),
        ("lists/embargoed.csv", ""),
        ("rates.csv", "date,currency,per_base\n"),
    ] {
        let pack = pack_copy("rules", &[(file, text)]);
        assert_eq!(codes_of_pack(pack.path()), ["R044"], "{file} = {text:?}");
        let dir = pack.path().to_str().unwrap();
        let check = redflag(&[
            "check",
            "--rules",
            dir,
            "fixtures/adversarial/clean-order.jsonl",
        ]);
        assert_eq!(code(&check), 2, "{}", stderr(&check));
        assert!(stderr(&check).contains("R044"), "{}", stderr(&check));
        let lint = redflag(&["lint", dir]);
        assert_eq!(code(&lint), 1, "{}", stderr(&lint));
        assert!(
            stderr(&lint).contains("R044")
                || String::from_utf8_lossy(&lint.stdout).contains("R044")
        );
        let test = redflag(&["test", dir]);
        assert_ne!(code(&test), 0, "{}", stderr(&test));
    }
}

#[test]
fn a_pack_screening_list_that_yields_nothing_stops_the_pack() {
    let own = "fixtures/packs/screening-own";
    let cases = [
        ("lists/watch.csv", WATCH_HEADER.to_string()),
        ("lists/watch.csv", String::new()),
        (
            "lists/watch.csv",
            format!("{WATCH_HEADER}WL-1,,,,,,,,\nWL-2,,,,,,,,\n{}", watch_row(3)),
        ),
    ];
    for (file, text) in &cases {
        let pack = pack_copy(own, &[(file, text)]);
        assert_eq!(codes_of_pack(pack.path()), ["R054"], "{text:?}");
        let check = redflag(&[
            "check",
            "--rules",
            pack.path().to_str().unwrap(),
            "fixtures/orders/sample.jsonl",
        ]);
        assert_eq!(code(&check), 2, "{}", stderr(&check));
    }
    // An OFAC sdn.csv named by a pack needs its companions in the pack too.
    let pack = pack_copy(own, &[("lists/sdn.csv", SDN_ROW)]);
    let manifest = std::fs::read_to_string(pack.path().join("pack.toml"))
        .unwrap()
        .replace("lists/watch.csv", "lists/sdn.csv")
        .replace("watchlist-csv", "ofac");
    std::fs::write(pack.path().join("pack.toml"), manifest).unwrap();
    let (_, diagnostics) = build(&PackFiles::read_dir(pack.path()).unwrap());
    let messages: Vec<String> = diagnostics
        .iter()
        .map(|d| d.message().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`alt.csv` is not beside it")),
        "{messages:?}"
    );
}
