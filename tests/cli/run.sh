# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat run --invoke on the examples: argument parsing per type and results one per line.
. "$(dirname "$0")/lib.sh"

run moat run --invoke fib "$examples/fib.wasm" 10
expect_status 0
expect_out_exact "55"

run moat run --invoke=fib "$examples/fib.wasm" 0x32
expect_status 0
expect_out_exact "12586269025"

run moat run --invoke fib_rec "$examples/fib.wasm" 20
expect_status 0
expect_out_exact "6765"

run moat run --bounds-checks --invoke fib "$examples/fib.wasm" 90
expect_status 0
expect_out_exact "2880067194370816120"

run moat run -W bounds-checks=n --invoke fib -- "$examples/fib.wasm" 1
expect_status 0
expect_out_exact "1"

# Every value type in and out, and several results (values.wat).
run moat run --invoke swap "$wasm/values.wasm" -1 0xffffffffffffffff
expect_status 0
expect_out_exact "-1
-1"
run moat run --invoke floats "$wasm/values.wasm" 1.5 -inf
expect_status 0
expect_out_exact "-inf
1.5"
run moat run --invoke floats "$wasm/values.wasm" nan 0.1
expect_status 0
expect_out_exact "0.1
nan"
run moat run --invoke is_null "$wasm/values.wasm" null
expect_status 0
expect_out_exact "1"

# v128 in and out as one 128-bit hex number, also between scalar results (simd.wat).
run moat run --invoke add_i32x4 "$wasm/simd.wasm" 0x00000004000000030000000200000001 0xffffffff
expect_status 0
expect_out_exact "0x00000004000000030000000200000000"
run moat run --invoke lanes "$wasm/simd.wasm" 7 0x00000004000000030000000200000001
expect_status 0
expect_out_exact "4
0x00000004000000030000000200000007
8589934593"
run moat run --invoke add_i32x4 "$wasm/simd.wasm" 0x1 0x1g
expect_status 1
expect_err "not a valid v128"
finish
