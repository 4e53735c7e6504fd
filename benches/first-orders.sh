# benches/first-orders.sh, sourced by instructions.sh and allocations.sh (with "$@" of the
# caller): takes an optional leading N (default 1000) off the arguments, and writes the first N
# generated orders of benches/peer.sh to $WORK/orders.jsonl and no orders to
# $WORK/none.jsonl, in a temporary directory removed on exit. The caller is in the project root.
N=1000
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then N=$1; shift; fi
ORDERS=target/bench-peer/orders-20000.jsonl
[ -f "$ORDERS" ] || { echo "run benches/peer.sh 20000 first (it generates $ORDERS)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
head -"$N" "$ORDERS" > "$WORK/orders.jsonl"
: > "$WORK/none.jsonl"
BINS=("$@")
