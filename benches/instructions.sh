#!/usr/bin/env bash
# benches/instructions.sh [N] BIN...: instructions (valgrind callgrind, Ir) each binary executes
# to judge the first N (default 1000) of the generated orders of benches/peer.sh with the
# default pack, one thread, JSON Lines out, and the same with no orders (the start: pack load,
# regex sets), so the difference is the cost of judging N orders. Instruction counts are
# deterministic, so an A/B of two builds holds on a noisy, shared machine where times do not;
# they do not see cache misses, and under valgrind sha2 runs its portable code (no SHA-NI), so
# input hashing counts more than it costs. Outputs are compared byte for byte.
#   EXTRA="--list target/bench-peer/list-20k.csv" adds the generated list.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/first-orders.sh
set -- "${BINS[@]}"
ir() { # BIN INPUT OUT; check's exit status says what it found, so it is not checked here
  { valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$1" check "$2" --format jsonl \
    -o "$3" -q --threads 1 ${EXTRA:-} 2>&1 || true; } | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# Outputs are named by position, since the builds compared are often all called `redflag`.
i=0
for bin in "$@"; do
  i=$((i + 1))
  # A build's first run with a list builds and keeps its list index cache (keyed by the build),
  # which the run without orders would then not repeat: run it once first, so both find it.
  [ -n "${EXTRA:-}" ] && { "$bin" check "$WORK/none.jsonl" -q ${EXTRA} >/dev/null 2>&1 || true; }
  total=$(ir "$bin" "$WORK/orders.jsonl" "$WORK/out-$i.jsonl")
  start=$(ir "$bin" "$WORK/none.jsonl" /dev/null)
  printf "%-40s %6.1f M instructions for %d orders, %6.1f M to start\n" "$bin" \
    "$(echo "($total - $start) / 1000000" | bc -l)" "$N" "$(echo "$start / 1000000" | bc -l)"
  if [ "$i" -gt 1 ] && ! cmp -s "$WORK/out-1.jsonl" "$WORK/out-$i.jsonl"; then
    echo "OUTPUT DIFFERS: $bin" >&2
  fi
done
