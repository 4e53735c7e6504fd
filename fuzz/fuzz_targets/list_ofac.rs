//! The OFAC SDN importer on a fuzzed set: `sdn.csv`, then optional companions after a line
//! `--- alt.csv`, `--- add.csv` or `--- sdn_comments.csv`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redflag::screening::import::{decode, import_ofac, NamedText, OfacFiles};
use redflag_fuzz::{check_list, unpack};

fn named<'a>(name: &'a str, text: Option<&'a str>) -> Option<NamedText<'a>> {
    text.map(|text| NamedText { name, text })
}

fuzz_target!(|data: &[u8]| {
    let files = unpack(data, "sdn.csv");
    let text = |name: &str| files.get(name).map(|bytes| decode(bytes));
    let sdn = text("sdn.csv").unwrap_or_default();
    let (alt, add, comments) = (text("alt.csv"), text("add.csv"), text("sdn_comments.csv"));
    check_list(|| {
        import_ofac(&OfacFiles {
            sdn: NamedText {
                name: "sdn.csv",
                text: &sdn,
            },
            alt: named("alt.csv", alt.as_deref()),
            add: named("add.csv", add.as_deref()),
            comments: named("sdn_comments.csv", comments.as_deref()),
        })
    });
});
