#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The cost of fuel and epoch checks: runs bench/limits/loops.wasm (a counting loop and a
# recursive fib) with `moat run` and no limits, -W fuel, -W timeout (epochs) and both,
# and prints the median wall time of RUNS runs of each and its ratio to no limits.
# Usage: bench/limits.sh [MOAT_BINARY] [RUNS]      (default build/release/moat, 5)
# Uses hyperfine when it is installed, otherwise times runs itself.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
moat=${1:-$here/../build/release/moat}
runs=${2:-5}
wasm=$here/limits/loops.wasm
count_n=300000000 # ~1.2 G instructions
fib_n=35          # ~30 M calls

fuel="-W fuel=1000000000000000"
epoch="-W timeout=3600s"

flags() {
    case $1 in
    none) echo "" ;;
    fuel) echo "$fuel" ;;
    epoch) echo "$epoch" ;;
    fuel+epoch) echo "$fuel $epoch" ;;
    esac
}

# Median wall seconds of $runs runs of the command in "$@".
median() {
    i=0
    while [ $i -lt "$runs" ]; do
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        echo "$end - $start" | bc -l
        i=$((i + 1))
    done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

for guest in "count $count_n" "fib $fib_n"; do
    set -- $guest
    func=$1 arg=$2
    base=""
    printf '%-6s %-11s %10s %8s\n' "$func" "limits" "median s" "ratio"
    for v in none fuel epoch fuel+epoch; do
        # shellcheck disable=SC2046 # flags are word lists
        t=$(median "$moat" run $(flags "$v") --invoke "$func" "$wasm" "$arg")
        [ -n "$base" ] || base=$t
        printf '%-6s %-11s %10.3f %8.3f\n' "$func" "$v" "$t" "$(echo "$t / $base" | bc -l)"
    done
done
