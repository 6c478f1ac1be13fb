#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Fuzzes fuzz_load for SECONDS (default 60), seeded with the spec suite's modules.
#   tests/fuzz/run.sh [SECONDS]
# Environment: FUZZ_BIN (the libFuzzer binary, default build/fuzz/fuzz_load),
# MOAT_SPEC_DIR (default ../shared/testsuite), FUZZ_WORK (corpus and artifacts, default
# build/fuzz/fuzz-work). Inputs that crash, trip a sanitizer or time out are copied to
# tests/fuzz/corpus/ (commit them with the fix: ctest replays that folder) and the
# script exits 1.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${FUZZ_BIN:-$root/build/fuzz/fuzz_load}
spec=${MOAT_SPEC_DIR:-$root/../shared/testsuite}
work=${FUZZ_WORK:-$root/build/fuzz/fuzz-work}
if [ ! -x "$bin" ]; then
  echo "run.sh: no fuzz binary at $bin (configure with -DMOAT_FUZZ=ON and build fuzz_load)" >&2
  exit 2
fi
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
rm -f "$work/artifacts"/*
if [ -z "$(ls -A "$work/seeds")" ]; then
  # Seeds: every binary module of the 2.0 core suite; tests/fuzz/corpus/ is added below.
  find "$spec/json/core" -name '*.wasm' -exec cp {} "$work/seeds/" \;
  echo "run.sh: $(ls "$work/seeds" | wc -l) seed modules from $spec/json/core"
fi
# Every input has fuel (fuzz_load.c), so a guest loop ends in an "out of fuel" trap: a
# timeout (10 s for one input) is a finding like a crash or a sanitizer report, and
# stops the run with its input in the artifacts.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1} \
"$bin" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -max_total_time="$seconds" \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$work/seeds" "$root/tests/fuzz/corpus" || status=$?
crashes=$(find "$work/artifacts" -type f | wc -l)
if [ "$crashes" -gt 0 ] || [ "$status" -ne 0 ]; then
  find "$work/artifacts" -type f -exec cp {} "$root/tests/fuzz/corpus/" \;
  echo "run.sh: fuzzing failed (status $status, $crashes crash input(s) copied to tests/fuzz/corpus/)" >&2
  exit 1
fi
echo "run.sh: ${seconds}s of fuzzing, no crash"
