#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# SIMD guest vs scalar guest: kernels.c built twice with clang-19 (with and without
# -msimd128, same -O2), each kernel run under moat with farm-bench, the SIMD build as A
# and the scalar build as B. Prints farm-bench's paired A/B ratios; below 1 means the
# SIMD build is faster. `reps 0` runs init alone (the same scalar fill in both builds),
# to subtract from the totals.
# Usage: bench/simd/run.sh [MOAT_BINARY] [RUNS]       (default build/release/moat, 5)
# The .wasm files are checked in; they are rebuilt when clang-19 and wasm-ld are there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
moat=${1:-$here/../../build/release/moat}
runs=${2:-5}
cd "$here"

if command -v clang-19 >/dev/null && command -v wasm-ld >/dev/null; then
    for variant in simd scalar; do
        flags=""
        [ $variant = simd ] && flags=-msimd128
        # 80 MiB of memory: the 64 MiB buffer and the two 2 MiB arrays.
        clang-19 --target=wasm32 -O2 $flags -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
            -Wl,--initial-memory=83886080 -o kernels_$variant.wasm kernels.c
    done
fi

bench() { # NAME EXPORT REPS
    echo "== $1: $2 $3"
    farm-bench -n "$runs" --timeout 600 \
        --vs "$moat run --invoke $2 kernels_scalar.wasm $3" \
        -- "$moat" run --invoke "$2" kernels_simd.wasm "$3" | grep -E 'user s|A/B'
}
bench "init only" bench_count 0
bench "byte count, 64 MiB x 4" bench_count 4
bench "i16 dot product, 1 Mi x 64" bench_dot 64
