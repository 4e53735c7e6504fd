#!/usr/bin/env bash
# Reproduces the numbers in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200000}"
echo "machine: $(nproc) cores, $(uname -m), $(rustc --version)"
# BENCH_LIST=path/to/sdn.csv screens every party against that list too (default: the DPL fixture).
cargo bench --bench check -- "$N"
