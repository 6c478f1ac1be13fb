#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# `moat run` flags around WASI: usage errors, grants that cannot be set up, missing
# imports, --invoke with _initialize, --preload, --env copying, `--`.
# Usage: cli.sh MOAT WASM_DIR TMP
set -eu
moat=$1 wasm=$2 tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp"
name="cli.sh"
. "$(dirname "$0")/lib.sh"

expect 2 "$moat" run --dir a::b::rw "$wasm/hello.wasm"
has err "--dir 'a::b::rw': expected HOST[::GUEST][::ro]"
expect 2 "$moat" run --dir "" "$wasm/hello.wasm"
expect 2 "$moat" run -S bogus=1 "$wasm/hello.wasm"
has err "unknown -S option 'bogus=1'"
expect 2 "$moat" run --preload nofile "$wasm/hello.wasm"
has err "--preload expects NAME=FILE"
expect 2 "$moat" run --env
expect 1 "$moat" run --dir "$tmp/does-not-exist" "$wasm/hello.wasm"
has err "cannot open directory '$tmp/does-not-exist'"
expect 1 "$moat" run --tcplisten nonsense "$wasm/hello.wasm"
has err "'nonsense' is not an address of the form HOST:PORT"
expect 1 "$moat" run "$wasm/needs_import.wasm"
has err "env"
has err "missing_function"
has err "(i32, i64) -> (i32)"
# --env NAME copies from moat's environment; nothing is inherited otherwise.
export MOAT_TEST_VAR=from-host
expect 0 "$moat" run --env MOAT_TEST_VAR "$wasm/exit.wasm" env MOAT_TEST_VAR
has out "MOAT_TEST_VAR=from-host"
expect 0 "$moat" run "$wasm/exit.wasm" env MOAT_TEST_VAR
has out "MOAT_TEST_VAR=(unset)"
expect 0 "$moat" run -S inherit-env "$wasm/exit.wasm" env MOAT_TEST_VAR
has out "MOAT_TEST_VAR=from-host"
expect 0 "$moat" run --env MOAT_TEST_VAR=given "$wasm/exit.wasm" env MOAT_TEST_VAR
has out "MOAT_TEST_VAR=given"
# _initialize runs before --invoke; --preload links another module by name.
expect 0 "$moat" run --invoke add "$wasm/reactor.wasm" 2 3
has out "add called after init: base=1000"
has out "1005"
expect 0 "$moat" run --preload "lib=$wasm/reactor.wasm" "$wasm/preload_main.wasm"
has out "twice(21) = 1042"
expect 1 "$moat" run "$wasm/preload_main.wasm"
has err "lib"
# `--` ends the options; what follows the module belongs to the guest.
expect 2 "$moat" run -- "$wasm/hello.wasm" --dir /
has out "Hello, WebAssembly!"
has err "hello: cannot open --dir"
# A closed pipe gives the guest EPIPE instead of killing moat with SIGPIPE.
{
    st=0
    "$moat" run "$wasm/exit.wasm" spam || st=$?
    echo $st >"$tmp/status"
} | head -c 10 >/dev/null
[ "$(cat "$tmp/status")" = 3 ] || fail "spam into a closed pipe: status $(cat "$tmp/status")"
echo "cli.sh: ok"
