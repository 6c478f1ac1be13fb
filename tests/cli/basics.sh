# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat --version / --help, every command's --help, and usage errors (exit 2 + a hint).
. "$(dirname "$0")/lib.sh"

run moat --version
expect_status 0
expect_out "moat 0."

run moat --help
expect_status 0
for cmd in run wast inspect compile; do expect_out "  $cmd "; done

for cmd in run wast inspect compile; do
    run moat $cmd --help
    expect_status 0
    expect_out "Usage: moat $cmd"
done
run moat help run
expect_status 0
expect_out "--invoke NAME"
run moat run --help
for flag in --invoke --bounds-checks "-W bounds-checks" "-W max-call-depth" "-W max-wasm-stack" \
    "-W fuel" "-W timeout" "-W max-memory-size" "-W max-table-elements" --help; do
    expect_out "$flag"
done
run moat wast --help
for flag in --verbose --bounds-checks "-W max-call-depth" --help; do expect_out "$flag"; done

run moat
expect_status 2
run moat frobnicate
expect_status 2
expect_err "unknown command 'frobnicate'"
expect_err "moat --help"
run moat --frobnicate
expect_status 2
expect_err "unknown option '--frobnicate'"
run moat run --frobnicate x.wasm
expect_status 2
expect_err "moat run: unknown option '--frobnicate'"
expect_err "Try 'moat run --help'"
run moat wast -x
expect_status 2
expect_err "Try 'moat wast --help'"
run moat run -W bounds-checks=maybe x.wasm
expect_status 2
expect_err "-W bounds-checks expects y|n, not 'maybe'"
run moat wast -W fuel=10 x.json
expect_status 2
expect_err "-W fuel is an option of moat run only"
run moat run -W max-memory-size=12X x.wasm
expect_status 2
expect_err "-W max-memory-size expects BYTES, not '12X'"
run moat run -W colour=blue x.wasm
expect_status 2
expect_err "unknown -W option 'colour'"
run moat run
expect_status 2
expect_err "missing the module file"

run moat compile x.wasm
expect_status 2
expect_err "moat compile is reserved for the optimizing tier (not available yet)"
finish
