//! `redflag schema`: the committed schemas are the generated ones, they are
//! valid draft-07, every TOML file of the default pack (and of the tutorial
//! pack) validates, the structural mistakes among the broken packs are
//! rejected, and the enumerations the schema offers are ones the loader
//! accepts.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value as Json};

use redflag::rules::pack::is_rule_file;
use redflag::rules::validate::{OPERATORS, QUANTIFIERS, RATE_DATES};
use redflag::rules::{build, PackFiles, Severity};
use redflag::schema::{schema, schema_text, SchemaKind};

/// TOML as JSON the way an editor sees it: dates become their text.
fn to_json(value: &toml::Value) -> Json {
    match value {
        toml::Value::String(s) => Json::String(s.clone()),
        toml::Value::Integer(i) => Json::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

#[track_caller]
fn read_toml(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    to_json(&toml::Value::Table(table))
}

/// The schema problems of one document, as `path: message` lines.
fn problems(kind: SchemaKind, instance: &Json) -> Vec<String> {
    let validator = jsonschema::draft7::new(&schema(kind)).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// The kind of a pack file, by the loaders' own classification.
fn kind_of(relative: &str) -> Option<SchemaKind> {
    if relative == "pack.toml" {
        Some(SchemaKind::Pack)
    } else if relative.ends_with(".test.toml") {
        Some(SchemaKind::Test)
    } else if is_rule_file(relative) {
        Some(SchemaKind::Rules)
    } else {
        None
    }
}

/// Every TOML file of a pack directory with its kind, by relative path.
fn pack_toml_files(dir: &str) -> BTreeMap<String, (SchemaKind, Json)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(kind) = kind_of(&relative).filter(|_| relative.ends_with(".toml")) {
            out.insert(relative, (kind, read_toml(entry.path())));
        }
    }
    out
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for kind in SchemaKind::ALL {
        let path = format!("schema/{}", kind.file_name());
        let committed = std::fs::read_to_string(&path).unwrap();
        let name = match kind {
            SchemaKind::Rules => "rules",
            SchemaKind::Pack => "pack",
            SchemaKind::Test => "test",
        };
        let out = Command::new(env!("CARGO_BIN_EXE_redflag"))
            .args(["schema", "--kind", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let printed = String::from_utf8(out.stdout).unwrap();
        assert!(
            committed == printed,
            "{path} is stale: regenerate it with `redflag schema --kind {name} > {path}`"
        );
        assert_eq!(printed, schema_text(kind));
    }
    // Without --kind: the rule-file schema.
    let out = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        schema_text(SchemaKind::Rules)
    );
}

#[test]
fn the_schemas_are_draft_07() {
    for kind in SchemaKind::ALL {
        let s = schema(kind);
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::draft7::meta::is_valid(&s), "{kind:?}");
    }
}

#[test]
fn every_toml_file_of_the_default_pack_validates() {
    let files = pack_toml_files("rules");
    let kinds: Vec<SchemaKind> = files.values().map(|(k, _)| *k).collect();
    assert!(kinds.contains(&SchemaKind::Pack) && kinds.contains(&SchemaKind::Rules));
    for (path, (kind, doc)) in &files {
        assert_eq!(problems(*kind, doc), Vec::<String>::new(), "rules/{path}");
    }
}

#[test]
fn every_toml_file_of_the_tutorial_pack_validates() {
    let files = pack_toml_files("fixtures/explain/tulip-pack");
    let kinds: Vec<SchemaKind> = files.values().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        [SchemaKind::Pack, SchemaKind::Rules, SchemaKind::Test]
    );
    for (path, (kind, doc)) in &files {
        assert_eq!(problems(*kind, doc), Vec::<String>::new(), "{path}");
    }
}

#[test]
fn structural_mistakes_in_broken_packs_are_rejected() {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir("fixtures/rules-bad").unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        if case == "toml-syntax" {
            // Not TOML at all: an editor's parser reports it, not the schema.
            continue;
        }
        let dir = dir.to_string_lossy().to_string();
        for (path, (kind, doc)) in pack_toml_files(&dir) {
            let problems = problems(kind, &doc);
            if !problems.is_empty() {
                found.insert(format!("{case}/{path}"), problems);
            }
        }
    }
    // The other broken packs are wrong in ways only the loader can see:
    // unknown paths, lists and columns, types of fields, expressions,
    // regular expressions, list rows, ids reused across files.
    insta::assert_debug_snapshot!(found, @r#"
    {
        "bad-screen/rules/screen.toml": [
            "/rule/0/when/when/min_score: 90 is greater than the maximum of 1",
            "/rule/0/when/when/listed: \"before_shipment\" is not one of \"at_shipment\", \"after_shipment\" or \"any\"",
            "/rule/0/when/basis/match_on: \"phone\" is not one of \"any\", \"id\" or 3 other candidates",
        ],
        "bad-severity/rules/r.toml": [
            "/rule/0/severity: \"warning\" is not one of \"block\", \"hold\" or 2 other candidates",
        ],
        "bad-sum/rules/r.toml": [
            "/rule/0/when/no_bound: \"value\" is a required property",
        ],
        "on-unknown-review/rules/r.toml": [
            "/rule/0/on_unknown: \"review\" is not one of \"block\" or \"hold\"",
        ],
        "several-errors/rules/a.toml": [
            "/rule/0/when/border/op: \"in_lst\" is not one of \"eq\", \"ne\" or 32 other candidates",
        ],
        "several-errors/rules/b.toml": [
            "/rule/0/severity: \"hld\" is not one of \"block\", \"hold\" or 2 other candidates",
        ],
        "several-errors/rules/c.toml": [
            "/rule/0/when/border/quantifier: \"most\" is not one of \"any\" or \"all\"",
        ],
        "unknown-key/rules/r.toml": [
            "/rule/0: Additional properties are not allowed ('mesage' was unexpected)",
        ],
        "unknown-operator/rules/r.toml": [
            "/rule/0/when/border/op: \"in_lst\" is not one of \"eq\", \"ne\" or 32 other candidates",
        ],
        "wrong-type/rules/r.toml": [
            "/rule/0/severity: 3 is not of type \"string\"",
            "/rule/0/severity: 3 is not one of \"block\", \"hold\" or 2 other candidates",
        ],
    }
    "#);
}

/// A pack with one rule whose body is `body`; the codes of its diagnostics.
fn codes_of(body: &str) -> Vec<&'static str> {
    let mut files = BTreeMap::new();
    files.insert(
        "pack.toml".to_string(),
        b"[pack]\nname = \"t\"\nversion = \"1\"\n[rates]\nfile = \"rates.csv\"\nas_of = 2025-01-01\n"
            .to_vec(),
    );
    files.insert(
        "rates.csv".to_string(),
        b"date,currency,per_usd\n2000-01-01,USD,1\n".to_vec(),
    );
    files.insert(
        "rules/t.toml".to_string(),
        format!(
            "[[rule]]\nid = \"T-1\"\ntitle = \"t\"\ncondition = \"c\"\nmessage = \"m\"\n{body}"
        )
        .into_bytes(),
    );
    let (_, diagnostics) = build(&PackFiles {
        origin: "<test>".into(),
        files,
        root: None,
    });
    diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn the_schemas_enumerations_are_what_the_loader_accepts() {
    let rules = schema(SchemaKind::Rules);
    let defs = &rules["definitions"];
    let strings = |v: &Json| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        strings(&defs["condition"]["properties"]["op"]["enum"]),
        OPERATORS
    );
    let severities = strings(&defs["severity"]["enum"]);
    assert_eq!(severities.len(), Severity::ALL.len());
    for severity in &severities {
        let body = format!(
            "severity = \"{severity}\"\n[rule.when.c]\npath = \"buyer.name\"\nop = \"exists\"\n"
        );
        assert_eq!(codes_of(&body), Vec::<&str>::new(), "{severity}");
    }
    for on_unknown in strings(&defs["rule"]["properties"]["on_unknown"]["enum"]) {
        let body = format!("severity = \"info\"\non_unknown = \"{on_unknown}\"\n[rule.when.c]\npath = \"buyer.name\"\nop = \"exists\"\n");
        assert_eq!(codes_of(&body), Vec::<&str>::new(), "{on_unknown}");
    }
    let quantifiers = strings(&defs["condition"]["properties"]["quantifier"]["enum"]);
    assert_eq!(quantifiers, QUANTIFIERS);
    for quantifier in quantifiers {
        let body = format!("severity = \"info\"\n[rule.when.c]\npath = \"items[*].hs\"\nop = \"starts_with\"\nvalues = [\"84\"]\nquantifier = \"{quantifier}\"\n");
        assert_eq!(codes_of(&body), Vec::<&str>::new(), "{quantifier}");
    }
    let rate_dates = strings(&defs["condition"]["properties"]["rate_date"]["enum"]);
    assert_eq!(rate_dates, RATE_DATES);
    for rate_date in rate_dates {
        let body = format!("severity = \"info\"\n[rule.when.c]\npath = \"payment.amount\"\nop = \"gte\"\nvalue = \"10 USD\"\nrate_date = \"{rate_date}\"\n");
        assert_eq!(codes_of(&body), Vec::<&str>::new(), "{rate_date}");
    }
    for if_missing in defs["condition"]["properties"]["if_missing"]["enum"]
        .as_array()
        .unwrap()
    {
        let body = format!("severity = \"info\"\n[rule.when.c]\npath = \"buyer.name\"\nop = \"eq\"\nvalue = \"x\"\nif_missing = {if_missing}\n");
        assert_eq!(codes_of(&body), Vec::<&str>::new(), "{if_missing}");
    }
    for key in ["match_on", "ownership", "listed"] {
        for value in strings(&defs["condition"]["properties"][key]["enum"]) {
            // `mentions` reads a text, every other basis a party.
            let path = if value == "mentions" {
                "end_use.statement"
            } else {
                "buyer"
            };
            let body = format!("severity = \"info\"\n[rule.when.c]\npath = \"{path}\"\nop = \"screen\"\nmin_score = 0.9\n{key} = \"{value}\"\n");
            assert_eq!(codes_of(&body), Vec::<&str>::new(), "{key} = {value}");
        }
        let body = format!("severity = \"info\"\n[rule.when.c]\npath = \"buyer\"\nop = \"screen\"\nmin_score = 0.9\n{key} = \"sometimes\"\n");
        assert_eq!(codes_of(&body), ["R035"], "{key}");
    }
    // Values outside the enumerations are loader errors too.
    assert_eq!(
        codes_of("severity = \"info\"\n[rule.when.c]\npath = \"buyer.name\"\nop = \"eq\"\nvalue = \"x\"\nrate_date = \"invoice_date\"\n"),
        ["R029"]
    );
}

#[test]
fn an_operator_without_its_operands_is_rejected() {
    let rule = |condition: &str| -> Json {
        let text = format!(
            "[[rule]]\nid = \"T-1\"\ntitle = \"t\"\nseverity = \"info\"\ncondition = \"c\"\nmessage = \"m\"\n[rule.when.c]\n{condition}"
        );
        to_json(&toml::Value::Table(text.parse().unwrap()))
    };
    let cases = [
        ("path = \"buyer.city\"\nop = \"in_list\"\n", false),
        (
            "path = \"buyer.city\"\nop = \"in_list\"\nlist = \"cities\"\n",
            true,
        ),
        ("path = \"buyer.name\"\nop = \"eq\"\n", false),
        (
            "path = \"buyer.name\"\nop = \"eq\"\nvalue = \"x\"\nfield = \"seller.name\"\n",
            false,
        ),
        (
            "path = \"buyer.name\"\nop = \"eq\"\nfield = \"seller.name\"\n",
            true,
        ),
        (
            "path = \"date\"\nop = \"within\"\nfield = \"ship_date\"\n",
            false,
        ),
        (
            "path = \"date\"\nop = \"within\"\nfield = \"ship_date\"\ndays = 30\n",
            true,
        ),
        (
            "path = \"items\"\nop = \"count_gt\"\nvalue = \"two\"\n",
            false,
        ),
        ("path = \"items\"\nop = \"count_gt\"\nvalue = 2\n", true),
        (
            "path = \"buyer.name\"\nop = \"contains_any\"\nvalues = [\"a\"]\nlist = \"l\"\n",
            false,
        ),
        ("path = \"buyer.name\"\nop = \"matches\"\n", false),
        ("path = \"buyer.name\"\nop = \"blank\"\n", true),
        ("op = \"blank\"\n", false),
    ];
    for (condition, valid) in cases {
        let found = problems(SchemaKind::Rules, &rule(condition));
        assert_eq!(found.is_empty(), valid, "{condition}: {found:?}");
    }
}
