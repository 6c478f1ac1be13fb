# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat run's store limits: growth past -W max-memory-size / max-table-elements fails the
# way the spec allows (memory.grow / table.grow return -1), below it succeeds; a guest
# that never stops traps "out of fuel" under -W fuel and "interrupted" under -W timeout.
. "$(dirname "$0")/lib.sh"

run moat run -W max-memory-size=128K --invoke grow_memory "$wasm/grow.wasm" 1
expect_status 0
expect_out_exact "1"
run moat run -W max-memory-size=128K --invoke grow_memory "$wasm/grow.wasm" 2
expect_status 0
expect_out_exact "-1"
run moat run --invoke grow_memory "$wasm/grow.wasm" 2
expect_status 0
expect_out_exact "1"

run moat run -W max-table-elements=5 --invoke grow_table "$wasm/grow.wasm" 4
expect_status 0
expect_out_exact "1"
run moat run -W max-table-elements=5 --invoke grow_table "$wasm/grow.wasm" 5
expect_status 0
expect_out_exact "-1"

run moat run -W fuel=100000 --invoke spin "$wasm/spin.wasm"
expect_status 134
expect_err "moat: trap: out of fuel"
expect_err_line "^ +0: +0x[0-9a-f]+ - <unknown>!spin$"
run moat run -W timeout=100ms --invoke spin "$wasm/spin.wasm"
expect_status 134
expect_err "moat: trap: interrupted"
# Without a limit the guest would spin forever; with a generous one, fib still runs.
run moat run -W fuel=1000000 -W timeout=10s --invoke fib "$examples/fib.wasm" 50
expect_status 0
expect_out_exact "12586269025"
finish
