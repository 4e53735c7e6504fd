#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/TARGET/ from the repository's own fixtures and
default pack (run from anywhere; it replaces the seeds it writes and leaves others alone).

Seeds are kept small (libFuzzer mutates small inputs faster, and scripts/fuzz.sh caps an
input at 16 KiB): long files are cut to their first lines. Multi-file targets (pack,
order_csv_map, list_ofac) take files joined by `--- path` lines, as fuzz/src/lib.rs `unpack`
reads them.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def head(path, lines=None, limit=6000):
    data = (ROOT / path).read_bytes() if isinstance(path, str) else path.read_bytes()
    if lines is not None:
        data = b"".join(data.splitlines(keepends=True)[:lines])
    return data[:limit]


def seed(target, name, data):
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(data)


def archive(files):
    """`files` as (path, bytes); the first file's content comes without a mark."""
    parts = []
    for index, (path, data) in enumerate(files):
        if index:
            parts.append(b"--- " + path.encode() + b"\n")
        if data and not data.endswith(b"\n"):
            data += b"\n"
        parts.append(data)
    return b"".join(parts)


def pack_files(directory, skip=("tests", "broken", "failing"), lines=15):
    base = ROOT / directory
    files = [("pack.toml", head(base / "pack.toml", limit=8000))]
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).as_posix()
        if not path.is_file() or rel == "pack.toml" or rel.split("/")[0] in skip:
            continue
        if rel.endswith(".md") or rel.startswith("."):
            continue
        files.append((rel, head(path, lines=lines, limit=4000)))
    return files


# Orders.
orders = ROOT / "fixtures" / "orders"
clean = head("fixtures/adversarial/clean-order.jsonl")
for target in ("order_jsonl",):
    seed(target, "clean-order.jsonl", clean)
    for name in ("sample.jsonl", "screening.jsonl", "xss.jsonl"):
        seed(target, name, head(orders / name, limit=16000))
    for name in ("bad.jsonl", "duplicate-ids.jsonl"):
        seed(target, name, head(orders / "bad" / name))
    for case in ("embargoed-end-user", "truncated-json-line"):
        seed(target, case + ".jsonl", head(f"fixtures/adversarial/orders/{case}/orders.jsonl"))
    for name in ("dandong.jsonl", "sparse.jsonl"):
        seed(target, name, head(f"rules/tests/orders/{name}"))
for target in ("order_json", "judge"):
    seed(target, "sample.json", head(orders / "sample.json", limit=16000))
    seed(target, "bad-array.json", head(orders / "bad" / "bad-array.json"))
    seed(target, "clean-order.json", clean)
    for name in ("sample.jsonl", "screening.jsonl"):
        lines = (orders / name).read_text().splitlines()
        array = "[\n" + ",\n".join(line for line in lines if line.strip()) + "\n]\n"
        seed(target, name.replace(".jsonl", "-array.json"), array.encode()[:16000])
        for index, line in enumerate(lines[:6]):
            if line.strip():
                seed(target, f"{name.split('.')[0]}-{index + 1}.json", line.encode() + b"\n")
seed("order_csv", "sample-plain.csv", head(orders / "sample-plain.csv"))
seed("order_csv", "bad.csv", head(orders / "bad" / "bad.csv"))
seed(
    "order_csv_map",
    "sample-with-map",
    archive([("map.toml", head(orders / "sample-map.toml")), ("orders.csv", head(orders / "sample.csv"))]),
)
seed(
    "order_csv_map",
    "plain-with-ignore",
    archive([("map.toml", b'ignore = ["note"]\n'), ("orders.csv", head(orders / "sample-plain.csv"))]),
)

# Rule packs: the default pack one rule file at a time (lists cut short), and the
# fixture packs whole.
default = pack_files("rules", skip=("tests", "rules"), lines=12)
for rule in sorted((ROOT / "rules" / "rules").glob("*.toml")):
    seed("pack", f"default-{rule.stem}", archive(default + [(f"rules/{rule.name}", head(rule, limit=8000))]))
for directory in sorted((ROOT / "fixtures" / "lint").iterdir()):
    if directory.is_dir() and (directory / "pack.toml").exists():
        seed("pack", f"lint-{directory.name}", archive(pack_files(directory.relative_to(ROOT).as_posix())))
for name, directory in (
    ("ruletest", "fixtures/ruletest/pack"),
    ("screening-own", "fixtures/packs/screening-own"),
    ("tulip", "fixtures/explain/tulip-pack"),
    ("reports", "fixtures/reports-pack"),
    ("coverage", "fixtures/coverage/pack"),
):
    seed("pack", name, archive(pack_files(directory)))

# Screening lists.
lists = ROOT / "fixtures" / "lists"
seed(
    "list_ofac",
    "sample-set",
    archive(
        [("sdn.csv", head(lists / "ofac-sample" / "sdn.csv", limit=8000))]
        + [(n, head(lists / "ofac-sample" / n)) for n in ("alt.csv", "add.csv", "sdn_comments.csv")]
    ),
)
seed("list_ofac", "sdn-only", head(lists / "ofac-sample" / "sdn.csv", lines=12))
seed("list_csl", "consolidated.csv", head(lists / "csl" / "consolidated.csv", limit=9000))
seed("list_dpl", "dpl-head.txt", head(lists / "dpl" / "dpl.txt", lines=25))
seed("list_ftm", "sample.ftm.json", head(lists / "ftm" / "sample.ftm.json"))
seed("list_ftm", "designated.ftm.json", head(lists / "designated" / "designated.ftm.json"))
seed("list_ftm", "pack-designated.ftm.json", head("rules/tests/lists/designated.ftm.json"))
seed("list_watchlist_csv", "own.csv", head(lists / "watchlist" / "own.csv"))
seed("list_watchlist_toml", "own.toml", head(lists / "watchlist" / "own.toml"))
for path in sorted((ROOT / "fixtures" / "packs" / "screening-own" / "lists").iterdir()):
    if path.suffix == ".csv":
        seed("list_watchlist_csv", "screening-own-" + path.name, head(path))
    elif path.suffix == ".toml":
        seed("list_watchlist_toml", "screening-own-" + path.name, head(path))

# Waivers.
for path in sorted((ROOT / "fixtures" / "waivers").rglob("*.toml")):
    seed("waivers", path.relative_to(ROOT / "fixtures" / "waivers").as_posix().replace("/", "-"), head(path))

print(json.dumps({t.name: len(list(t.iterdir())) for t in sorted(CORPUS.iterdir())}))
