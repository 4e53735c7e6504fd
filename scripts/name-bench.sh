#!/usr/bin/env bash
# scripts/name-bench.sh: name-matching accuracy (examples/name_bench.rs) with uniform token
# weights, then with token rarity from the 2019 OFAC SDN and the true negatives screened
# against it, then address screening (examples/address_bench.rs) on the SDN's addresses and
# the Denied Persons List's, then the SDN's long names cut at a field's length
# (examples/cut_bench.rs), then listed company names misspelt by one and two edits screened
# with and without the candidate cut (examples/vote_bench.rs; also against the generated list
# of benches/peer.sh when it is there). Numbers go to docs/performance-screening.md.
#
# The SDN set of ../shared/data/ofac-2019 does not hold together: its sdn_comments.csv comes
# from a later download (10 of its 13 rows continue entries up to 45430, which the 2019
# sdn.csv lacks), and redflag refuses such a set rather than screen against a damaged list.
# The bench uses the 2019 sdn.csv, alt.csv and add.csv with only the comment rows whose
# entries they hold (3 of 13), in target/name-bench-sdn/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared/data/ofac-2019}"
SET=target/name-bench-sdn
mkdir -p "$SET"
cp "$SHARED/sdn.csv" "$SHARED/alt.csv" "$SHARED/add.csv" "$SET/"
python3 - "$SHARED/sdn_comments.csv" "$SET" <<'PY'
import csv, sys
source, target = sys.argv[1], sys.argv[2]
def rows(path):
    with open(path, newline="", encoding="latin-1") as f:
        return [r for r in csv.reader(f) if r]
entries = {r[0] for r in rows(f"{target}/sdn.csv")}
kept = [r for r in rows(source) if r[0] in entries]
with open(f"{target}/sdn_comments.csv", "w", newline="", encoding="latin-1") as f:
    csv.writer(f).writerows(kept)
print(f"sdn_comments.csv: kept {len(kept)} rows whose entries the 2019 sdn.csv holds", file=sys.stderr)
PY
cargo build --release --quiet --example name_bench
BENCH=target/release/examples/name_bench
CASES=fixtures/lists/name-bench
echo "## uniform token weights"
"$BENCH" --cases "$CASES/cases.csv" --frozen "$CASES/logicv2-frozen.csv" \
  --cross-script "$CASES/cross_script_pairs.csv" --extra-cases "$CASES/translit_cases.csv" \
  --extra-cases "$CASES/number_cases.csv"
echo
echo "## token rarity from the 2019 SDN, true negatives screened against it"
"$BENCH" --cases "$CASES/cases.csv" --frozen "$CASES/logicv2-frozen.csv" \
  --sdn "$SET/sdn.csv" \
  --negatives fixtures/lists/negatives/negatives_global.csv \
  --negatives fixtures/lists/negatives/negatives_us.csv
echo
echo "## addresses: the 2019 SDN's street-level addresses, and the BIS Denied Persons List's against them"
cargo build --release --quiet --example address_bench
target/release/examples/address_bench --list "$SET/sdn.csv" --negatives-list "${SHARED%/*}/dpl/dpl.txt"
echo
echo "## names cut at a field's length: the 2019 SDN's long names cut at 30, 35 and 40 characters"
cargo build --release --quiet --example cut_bench
target/release/examples/cut_bench --list "$SET/sdn.csv"
echo
echo "## misspelt names and the candidate cut: listed company names misspelt, with 200 candidates and with all"
cargo build --release --quiet --example vote_bench
target/release/examples/vote_bench --list "$SET/sdn.csv"
if [ -f target/bench-peer/list-20k.csv ]; then
  target/release/examples/vote_bench --list target/bench-peer/list-20k.csv
fi
