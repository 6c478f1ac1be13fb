# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat wast on small scripts (tests/cli/wast/): what passes, the FILE:LINE failure lines,
# text-format modules (.wat, converted by moat's parser), the totals line (always last)
# and the exit status.
. "$(dirname "$0")/lib.sh"
scripts=$src/tests/cli/wast

run moat wast "$scripts/passing.json"
expect_status 0
last=$(tail -n 1 "$tmp/out")
[ "$last" = "10 passed, 0 failed" ] || fail "last line is '$last'"

run moat wast "$scripts/failing.json"
expect_status 1
expect_out "failing.json:42: assert_return: add(1, 2): expected i32:4, got i32:3"
expect_out "failing.json:43: assert_return: nope(): no such export"
expect_out "failing.json:44: assert_trap: div_s(1, 0): expected trap \"integer overflow\", got trap \"integer divide by zero\""
expect_out "failing.json:45: assert_trap: add(1, 0): expected trap \"integer overflow\", got i32:1"
expect_out "failing.json:46: assert_return: add(0x00000004000000030000000200000001, 2): cannot call: "
expect_out "failing.json:47: assert_invalid: ../wasm/arith.wasm loaded, expected \"type mismatch\""
expect_out "failing.json:48: assert_return: f32_div(0, 0): expected f32:1 (0x3f800000), got f32:"
expect_out "failing.json:49: assert_malformed: failing.1.wat loaded, expected \"unexpected token\""
expect_out "failing.json:50: module: cannot read module missing.wasm"
expect_out "failing.json:51: action: module \$bad failed to load earlier"
expect_out "failing.json:52: assert_return: the module failed to load earlier"
last=$(tail -n 1 "$tmp/out")
[ "$last" = "0 passed, 11 failed" ] || fail "last line is '$last'"

# Totals over several files; -v adds one summary line per file.
run moat wast -v "$scripts/passing.json" "$scripts/failing.json"
expect_status 1
expect_out "passing.json: 10 passed, 0 failed"
expect_out "failing.json: 0 passed, 11 failed"
last=$(tail -n 1 "$tmp/out")
[ "$last" = "10 passed, 11 failed" ] || fail "last line is '$last'"

run moat wast "$tmp/none.json"
expect_status 1
expect_out "cannot read the script"
run moat wast
expect_status 2
finish
