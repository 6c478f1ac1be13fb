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
finish
