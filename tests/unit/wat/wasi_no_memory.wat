;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A WASI caller without a "memory" export: every pointer it passes is EFAULT.
(module $wasi_no_memory
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (func (export "write") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
