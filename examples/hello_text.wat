;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Hello world in the text format: a WASI command that writes one line to stdout.
;;   moat run examples/hello_text.wat
(module $hello
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; an iovec {ptr = 16, len = 29} at 0, the text at 16
  (data (i32.const 0) "\10\00\00\00\1d\00\00\00")
  (data (i32.const 16) "Hello from WebAssembly text!\n")
  (func $main (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
