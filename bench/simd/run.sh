#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# SIMD guest vs scalar guest: kernels.c built twice with clang-19 (with and without
# -msimd128, same -O2), each kernel run under moat RUNS times, SIMD and scalar builds
# alternating. Prints the median user CPU seconds of each and the median of the paired
# SIMD/scalar ratios; below 1 means the SIMD build is faster. `reps 0` runs init alone (the same scalar fill in both builds),
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
    python3 - "$runs" "$moat" "$2" "$3" <<'PY'
import resource, statistics, subprocess, sys
runs, moat, export, reps = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def user_seconds(wasm):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    subprocess.run([moat, "run", "--invoke", export, wasm, reps], check=True,
                   stdout=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
user_seconds("kernels_simd.wasm")  # warm-up
simd, scalar = [], []
for _ in range(runs):  # alternate, so drift on a noisy machine hits both alike
    simd.append(user_seconds("kernels_simd.wasm"))
    scalar.append(user_seconds("kernels_scalar.wasm"))
ratios = [a / b for a, b in zip(simd, scalar) if b > 0]
print(f"user s  simd {statistics.median(simd):.3f}  scalar {statistics.median(scalar):.3f}"
      f"  simd/scalar {statistics.median(ratios):.2f} (median of {runs} pairs)")
PY
}
bench "init only" bench_count 0
bench "byte count, 64 MiB x 4" bench_count 4
bench "i16 dot product, 1 Mi x 64" bench_dot 64
