# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Files that cannot be read or loaded, missing exports, imports without WASI, bad arguments.
. "$(dirname "$0")/lib.sh"

run moat run --invoke fib "$tmp/missing.wasm"
expect_status 1
expect_err "moat: cannot read '$tmp/missing.wasm': No such file or directory"

run moat inspect "$tmp"
expect_status 1
expect_err "moat: cannot read '$tmp'"

printf '\0asm\2\0\0\0' >"$tmp/version2.wasm"
run moat run "$tmp/version2.wasm"
expect_status 1
expect_err "moat: cannot load '$tmp/version2.wasm': "
expect_err "0x4"

printf 'not wasm' >"$tmp/text.wasm"
run moat inspect "$tmp/text.wasm"
expect_status 1
expect_err "moat: cannot load '$tmp/text.wasm': "

printf '(module (func (export "f") (result i32)\n  i32.const 0x))\n' >"$tmp/bad.wat"
run moat run --invoke f "$tmp/bad.wat"
expect_status 1
expect_err "moat: $tmp/bad.wat:2:13: i32 constant: '0x'"

run moat run --invoke nope "$examples/fib.wasm"
expect_status 1
expect_err "has no exported function 'nope'"
expect_err "exported functions: fib, fib_rec"

run moat run "$examples/fib.wasm"
expect_status 1
expect_err "no --invoke given and the module exports no _start"

run moat run --invoke fib "$examples/fib.wasm"
expect_status 1
expect_err "'fib' takes 1 argument, 0 given; its type is (i32) -> (i64)"

run moat run --invoke fib "$examples/fib.wasm" ten
expect_status 1
expect_err "argument 1 of 'fib': 'ten' is not a valid i32"

run moat run --invoke fib "$examples/fib.wasm" 4294967296
expect_status 1
expect_err "is not a valid i32"

run moat run --invoke twice "$wasm/imports.wasm" 1
expect_status 1
expect_err "moat: cannot instantiate '$wasm/imports.wasm': "
expect_err "host"
expect_err "log"
expect_err "func (i32) -> ()"
expect_err "provides wasi_snapshot_preview1 and the modules given with --preload"
finish
