#!/usr/bin/env bash
# benches/allocations.sh [N] BIN...: heap allocations (valgrind DHAT, blocks allocated) each binary
# makes to judge the first N (default 1000) of the generated orders of benches/peer.sh with the
# default pack, one thread, JSON Lines out, less the same run on no orders (the start), per
# order. BIN is a build of examples/sysalloc.rs (`cargo build --release --example sysalloc`:
# target/release/examples/sysalloc), the command line on the system allocator, since DHAT does
# not see the allocations of the binary's mimalloc. Like instructions.sh, the counts are
# deterministic, so an A/B holds on a shared machine.
#   EXTRA="--list target/bench-peer/list-20k.csv" adds the generated list.
#   SITES=K also prints, for each binary, the K program points that allocate most often in the
#   run with orders, per order (the innermost frame in redflag's own code, and what it called),
#   from DHAT's JSON output; start-up's allocations are among them.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/first-orders.sh
set -- "${BINS[@]}"
blocks() { # BIN INPUT OUT DHAT_OUT: prints "blocks bytes"; check's exit status says what it found
  { valgrind --tool=dhat --dhat-out-file="$4" "$1" check "$2" --format jsonl \
    -o "$3" -q --threads 1 ${EXTRA:-} 2>&1 || true; } |
    sed -n 's/.*Total: *\([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\2 \1/p' | tr -d ,
}
sites() { # DHAT_OUT K: the K program points with the most blocks
  python3 - "$1" "$2" "$N" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); k = int(sys.argv[2]); n = int(sys.argv[3])
frames = d["ftbl"]
def name(i):
    return frames[i].split(" (")[0].split(": ", 1)[-1]
def own(pp):
    # The innermost frame of redflag's own code, and the frame it called (what allocated).
    names = [name(i) for i in pp["fs"]]
    for j, f in enumerate(names):
        if f.startswith(("redflag::", "<redflag::")):
            return f, names[j - 1] if j > 0 else ""
    return names[0] if names else "?", ""
by = {}
for pp in d["pps"]:
    key = own(pp)
    by[key] = by.get(key, 0) + pp["tbk"]
for (f, c), b in sorted(by.items(), key=lambda x: -x[1])[:k]:
    print(f"  {b / n:7.1f}  {f[:110]}\n           -> {c[:110]}")
EOF
}
# Outputs are named by position, since the builds compared are often all called `redflag`.
first=""
i=0
for bin in "$@"; do
  i=$((i + 1))
  out="$WORK/out-$i.jsonl"
  read -r total tbytes < <(blocks "$bin" "$WORK/orders.jsonl" "$out" "$WORK/dhat.json")
  read -r start sbytes < <(blocks "$bin" "$WORK/none.jsonl" /dev/null "$WORK/dhat-none.json")
  printf "%-40s %7.1f allocations per order (%.0f bytes), %d to start\n" "$bin" \
    "$(echo "($total - $start) / $N" | bc -l)" "$(echo "($tbytes - $sbytes) / $N" | bc -l)" "$start"
  if [ -n "${SITES:-}" ]; then sites "$WORK/dhat.json" "$SITES"; fi
  if [ -z "$first" ]; then first=$out; elif ! cmp -s "$first" "$out"; then
    echo "OUTPUT DIFFERS: $bin" >&2
  fi
done
