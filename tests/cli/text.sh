# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The text format: `moat run` and `moat wat2wasm` on .wat files and stdin, `moat wast` on
# a .wast script, and the golden messages of tests/text/malformed/NAME.wat (NAME.err:
# stderr exactly, with FILE:LINE:COLUMN).
. "$(dirname "$0")/lib.sh"

run moat run --invoke fib "$examples/fib.wat" 20
expect_status 0
expect_out_exact "6765"

"$moat" run --invoke fib - 10 <"$examples/fib.wat" >"$tmp/out" 2>"$tmp/err"
status=$?
what="moat run --invoke fib - 10 <fib.wat"
expect_status 0
expect_out_exact "55"

# Traps name the functions from the name section made from the text's identifiers.
run moat run --invoke average "$examples/trap.wat" 10 0
expect_status 134
expect_err "moat: trap: integer divide by zero"
expect_err_line "^ +0: +0x[0-9a-f]+ - trap!divide$"

run moat wat2wasm "$examples/fib.wat" -o "$tmp/fib.wasm"
expect_status 0
cmp -s "$tmp/fib.wasm" "$examples/fib.wasm" || fail "fib.wasm differs from the checked-in binary"

run moat wat2wasm "$tmp/missing.wat"
expect_status 1
expect_err "cannot read"

run moat wast "$src/tests/text/script.wast"
expect_status 0
expect_out_exact "9 passed, 0 failed"

dir=$src/tests/text/malformed
for wat in "$dir"/*.wat; do
    name=$(basename "$wat" .wat)
    what="moat wat2wasm $name.wat"
    (cd "$dir" && "$moat" wat2wasm "$name.wat" -o "$tmp/out.wasm") >"$tmp/out" 2>"$tmp/err"
    status=$?
    expect_status 1
    cmp -s "$dir/$name.err" "$tmp/err" || fail "stderr differs from $name.err"
done

finish
