# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Helpers for the CLI tests, sourced by each tests/cli/*.sh, which ctest runs as
# `sh SCRIPT MOAT_BINARY SOURCE_DIR`. Usage:
#   run moat run --invoke fib "$examples/fib.wasm" 10   # captures stdout, stderr, status
#   expect_status 0; expect_out "55"; expect_err "trap"; expect_out_exact "55"
#   finish                                              # exit 1 if any check failed
moat=$1
src=$2
examples=$src/examples
wasm=$src/tests/cli/wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
what=""

run() {
    what="$*"
    shift # the word "moat": the binary under test is $moat
    "$moat" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
}

fail() {
    echo "FAIL: $what: $*"
    echo "--- stdout:"; cat "$tmp/out"
    echo "--- stderr:"; cat "$tmp/err"
    failures=$((failures + 1))
}

expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"; }
expect_out() { grep -qF -- "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1'"; }
expect_no_out() { [ ! -s "$tmp/out" ] || fail "stdout is not empty"; }
expect_out_exact() {
    printf '%s\n' "$1" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/out" || fail "stdout is not exactly '$1'"
}
expect_err_line() { # a line of stderr matching an extended regex
    grep -qE -- "$1" "$tmp/err" || fail "no stderr line matches /$1/"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed"
        exit 1
    fi
    echo "all checks passed"
}
