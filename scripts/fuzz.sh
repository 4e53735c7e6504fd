#!/usr/bin/env bash
# Coverage-guided fuzzing of redflag's readers, loaders and judging on the stable toolchain.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --smoke [TARGET...]     run each target over its seed corpus and its
#                                           regressions, then fuzz it for 5 seconds
#   scripts/fuzz.sh --list                  name the targets
#
# libFuzzer comes from the libfuzzer-sys crate (built with the C++ compiler); coverage
# comes from LLVM's SanitizerCoverage pass, which stable rustc runs when asked with
# `-C passes=sancov-module` and `-C llvm-args` (the same flags cargo-fuzz passes with
# `--sanitizer none`). No sanitizer: Rust is memory-safe here, and a panic is what we
# look for. New inputs that reach new coverage go to a scratch copy of the corpus
# (fuzz/target/corpus/), so the committed seeds stay small; crashes go to
# fuzz/artifacts/TARGET/. Exit status 1 when any target crashed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz=$root/fuzz

targets_all() {
    sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz/Cargo.toml" | grep -v '^redflag-fuzz$'
}

seconds=60
smoke=0
case "${1:-}" in
--list)
    targets_all
    exit 0
    ;;
--smoke)
    smoke=1
    seconds=5
    shift
    ;;
'' | *[!0-9]*) ;;
*)
    seconds=$1
    shift
    ;;
esac
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(targets_all); fi
for target in "${targets[@]}"; do
    if ! targets_all | grep -qx "$target"; then
        echo "fuzz.sh: no target \`$target\` (see --list)" >&2
        exit 2
    fi
done

export RUSTFLAGS="${RUSTFLAGS:-} --cfg fuzzing -C passes=sancov-module \
-C llvm-args=-sanitizer-coverage-level=4 \
-C llvm-args=-sanitizer-coverage-inline-8bit-counters \
-C llvm-args=-sanitizer-coverage-pc-table \
-C llvm-args=-sanitizer-coverage-trace-compares \
-C codegen-units=1"
target_dir=$fuzz/target
# One core: the judging and screening code use rayon, and fuzzing must not take the machine.
export RAYON_NUM_THREADS=1
echo "fuzz.sh: building ${#targets[@]} target(s)" >&2
bins=()
for target in "${targets[@]}"; do bins+=(--bin "$target"); done
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros.
host=$(rustc -vV | sed -n "s/^host: //p")
cargo build --release --manifest-path "$fuzz/Cargo.toml" --target "$host" --target-dir "$target_dir" "${bins[@]}" >&2

crashed=()
for target in "${targets[@]}"; do
    bin=$target_dir/$host/release/$target
    seeds=$fuzz/corpus/$target
    regressions=$fuzz/regressions/$target
    scratch=$target_dir/corpus/$target
    artifacts=$fuzz/artifacts/$target
    mkdir -p "$seeds" "$scratch" "$artifacts"
    log=$target_dir/$target.log
    # FUZZ_KEEP_GOING=1: fork mode, which records a crash and goes on fuzzing, for a target
    # whose known crash would otherwise end every run early.
    keep_going=()
    if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then keep_going=(-fork=1 -ignore_crashes=1); fi
    dict=()
    if [ -f "$fuzz/dict/$target.dict" ]; then dict=(-dict="$fuzz/dict/$target.dict"); fi
    status=0
    if [ "$smoke" = 1 ] && [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        # Every fixed crash must stay fixed: run each reproducer once.
        "$bin" -runs=0 "$regressions"/* >"$log.regressions" 2>&1 || status=$?
        if [ "$status" != 0 ]; then
            echo "fuzz.sh: $target: a regression input fails again; see $log.regressions" >&2
            crashed+=("$target")
            continue
        fi
    fi
    # The scratch corpus comes first: libFuzzer writes new inputs to the first directory.
    "$bin" "${keep_going[@]}" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$scratch" "$seeds" >"$log" 2>&1 || status=$?
    stats=$(grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" |
        sed 's/^stat:://' | tr -s ' \t' ' ' | tr '\n' ' ' || true)
    cov=$(grep -E '^#[0-9]+[[:space:]]+(INITED|DONE|pulse|NEW|REDUCE)' "$log" | tail -1 |
        sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9/a-zA-Z]*\).*/cov \1 ft \2 corp \3/p' || true)
    if [ "$status" != 0 ]; then
        echo "fuzz.sh: $target: CRASH (exit $status) after ${seconds}s; $cov; artifacts in $artifacts, log $log" >&2
        grep -m1 -E "panicked at|ERROR: libFuzzer" "$log" >&2 || true
        crashed+=("$target")
    else
        echo "fuzz.sh: $target: ok ${seconds}s; $cov; $stats" >&2
    fi
done
if [ ${#crashed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashed: ${crashed[*]}" >&2
    exit 1
fi
