#!/usr/bin/env bash
# Reproduces the numbers in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200000}"
echo "machine: $(nproc) cores, $(uname -m), $(rustc --version)"
cargo bench --bench check -- "$N"
