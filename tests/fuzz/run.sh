#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Fuzzes one entry point for SECONDS (default 60), seeded from the spec suite:
#   tests/fuzz/run.sh [SECONDS] [TARGET]
# TARGET is load (default: binary modules, fuzz_load.c) or text (fuzz_text.c: the .wast
# scripts and the .wat modules). Environment: FUZZ_BIN (the libFuzzer binary, default
# build/fuzz/fuzz_TARGET), MOAT_SPEC_DIR (default ../shared/testsuite), FUZZ_WORK (corpus
# and artifacts, default build/fuzz/fuzz-work/TARGET). Inputs that crash, trip a
# sanitizer or time out are copied to tests/fuzz/corpus/TARGET/ (commit them with the
# fix: ctest replays that folder) and the script exits 1.
set -euo pipefail
seconds=${1:-60}
target=${2:-load}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${FUZZ_BIN:-$root/build/fuzz/fuzz_$target}
spec=${MOAT_SPEC_DIR:-$root/../shared/testsuite}
work=${FUZZ_WORK:-$root/build/fuzz/fuzz-work/$target}
corpus=$root/tests/fuzz/corpus/$target
if [ ! -x "$bin" ]; then
  echo "run.sh: no fuzz binary at $bin (configure with -DMOAT_FUZZ=ON and build fuzz_load)" >&2
  exit 2
fi
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
rm -f "$work/artifacts"/*
if [ -z "$(ls -A "$work/seeds")" ]; then
  # Seeds from the 2.0 core suite; tests/fuzz/corpus/TARGET/ is added below.
  case $target in
  load) find "$spec/json/core" -name '*.wasm' -exec cp {} "$work/seeds/" \; ;;
  text) find "$spec/core" "$spec/json/core" \( -name '*.wast' -o -name '*.wat' \) \
            -size -64k -exec cp {} "$work/seeds/" \; ;;
  *) echo "run.sh: unknown target '$target' (load or text)" >&2; exit 2 ;;
  esac
  echo "run.sh: $(ls "$work/seeds" | wc -l) $target seeds from $spec"
fi
# Every input has fuel (fuzz_load.c), so a guest loop ends in an "out of fuel" trap: a
# timeout (10 s for one input) is a finding like a crash or a sanitizer report, and
# stops the run with its input in the artifacts.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1} \
"$bin" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -max_total_time="$seconds" \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$work/seeds" "$corpus" || status=$?
crashes=$(find "$work/artifacts" -type f | wc -l)
if [ "$crashes" -gt 0 ] || [ "$status" -ne 0 ]; then
  find "$work/artifacts" -type f -exec cp {} "$corpus/" \;
  echo "run.sh: fuzzing $target failed (status $status, $crashes input(s) copied to $corpus)" >&2
  exit 1
fi
echo "run.sh: ${seconds}s of fuzzing $target, no crash"
