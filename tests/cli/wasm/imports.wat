;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A module with one import of each kind: `moat run` cannot satisfy them (no WASI yet).
(module
  (import "host" "log" (func $log (param i32)))
  (import "host" "mem" (memory 1))
  (import "host" "tab" (table 2 10 funcref))
  (import "host" "g" (global (mut i64)))
  (func (export "twice") (param i32) (result i32)
    (call $log (local.get 0))
    (i32.add (local.get 0) (local.get 0))))
