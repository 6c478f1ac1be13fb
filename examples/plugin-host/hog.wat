;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A plugin that allocates without bound: it grows its memory a page at a time and
;; touches every page. The store's memory cap makes memory.grow fail, and the plugin
;; aborts the way a guest allocator does (unreachable).
(module $hog
  (import "host" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hog: allocating")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "transform") (param i32 i32) (result i64)
    (local $page i32)
    (call $log (i32.const 0) (i32.const 15))
    (loop $more
      (local.set $page (memory.grow (i32.const 1)))
      (if (i32.eq (local.get $page) (i32.const -1))
        (then unreachable)) ;; out of memory: abort
      (i32.store (i32.mul (local.get $page) (i32.const 65536)) (i32.const 1))
      (br $more))
    (i64.const 0)))
