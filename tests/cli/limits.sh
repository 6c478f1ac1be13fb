# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat run's store limits: growth past -W max-memory-size / max-table-elements fails the
# way the spec allows (memory.grow / table.grow return -1), below it succeeds.
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
finish
