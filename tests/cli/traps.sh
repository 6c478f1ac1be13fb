# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Traps: the message and a wasm backtrace (innermost first, names from the name section)
# on stderr, exit status 134; unbounded recursion ends in "call stack exhausted" and the
# host process survives to report it, in both memory modes.
. "$(dirname "$0")/lib.sh"

run moat run --invoke average "$examples/trap.wasm" 10 0
expect_status 134
expect_no_out
expect_err "moat: trap: integer divide by zero"
expect_err "wasm backtrace:"
expect_err_line "^ +0: +0x[0-9a-f]+ - trap!divide$"
expect_err_line "^ +1: +0x[0-9a-f]+ - trap!mean$"
expect_err_line "^ +2: +0x[0-9a-f]+ - trap!average$"

run moat run --invoke average "$examples/trap.wasm" 10 4
expect_status 0
expect_out_exact "2"

for mode in y n; do
    run moat run -W bounds-checks=$mode "$examples/recurse.wasm"
    expect_status 134
    expect_err "moat: trap: call stack exhausted"
    expect_err_line "^ +0: +0x[0-9a-f]+ - recurse!recurse$"
    # 20000 identical frames collapse into three and a count; the outermost is _start.
    expect_err_line "^ +\.\.\. the frame above repeats [0-9]+ more times$"
    expect_err_line "^ +[0-9]+: +0x[0-9a-f]+ - recurse!start$"
done

run moat run -W max-call-depth=100 --invoke recurse "$examples/recurse.wasm" 0
expect_status 134
expect_err "call stack exhausted"
finish
