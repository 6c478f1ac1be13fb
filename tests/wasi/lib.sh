# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Shared by the WASI test scripts (sourced; $name and $tmp set by the caller).
# fail MSG: reports and exits 1.
fail() { echo "$name: $*"; exit 1; }
# expect STATUS CMD...: runs CMD, which must exit STATUS; its output is kept in $tmp/out
# and $tmp/err (and shown).
expect() {
    want=$1; shift
    status=0
    "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    cat "$tmp/out" "$tmp/err"
    [ "$status" -eq "$want" ] || fail "exit status $status, expected $want: $*"
}
# has out|err TEXT: the last expect's stdout/stderr contains TEXT.
has() { grep -qF -- "$2" "$tmp/$1" || fail "no '$2' in $1"; }
