;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A plugin with a bug: transform never returns. The host's epoch deadline stops it.
(module $spin
  (import "host" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "spin: thinking forever")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "transform") (param i32 i32) (result i64)
    (call $log (i32.const 0) (i32.const 22))
    (loop $forever (br $forever))
    (i64.const 0)))
