# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# moat inspect: sections with offsets and sizes, imports/exports with types, names.
. "$(dirname "$0")/lib.sh"

run moat inspect "$examples/trap.wasm"
expect_status 0
expect_out "module name \"trap\""
expect_out_line() { grep -qE -- "$1" "$tmp/out" || fail "no stdout line matches /$1/"; }
expect_out_line "^ +1 type +offset +0x8 +size 7$"
expect_out_line "^ +10 code +offset +0x[0-9a-f]+ +size [0-9]+$"
expect_out_line "^ +0 custom +offset +0x[0-9a-f]+ +size [0-9]+ +\"name\"$"
expect_out "exports: 1"
expect_out "  average: func (i32, i32) -> (i32)"
expect_out "functions: 3 (0 imported, 3 defined)"
expect_out "  0: divide (i32, i32) -> (i32)"

run moat inspect "$wasm/imports.wasm"
expect_status 0
expect_out "imports: 4"
expect_out "  host.log: func (i32) -> ()"
expect_out "  host.mem: memory 1.."
expect_out "  host.tab: table 2..10 funcref"
expect_out "  host.g: global mut i64"
expect_out "  0 (import): log (i32) -> ()"
expect_out "  1: (i32) -> (i32)"
finish
