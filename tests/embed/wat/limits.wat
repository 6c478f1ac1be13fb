;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Guests for the limit tests: loops that never end, counting loops, growth.
(module $limits
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  ;; Never returns: only an epoch deadline or fuel stops it.
  (func $spin (export "spin")
    (loop $l (br $l)))
  ;; 2^n calls, n deep, no loop: for n = 40 only the function-entry check stops it.
  (func $spin_calls (export "spin_calls") (param i32)
    (if (i32.eqz (local.get 0)) (then (return)))
    (call $spin_calls (i32.sub (local.get 0) (i32.const 1)))
    (call $spin_calls (i32.sub (local.get 0) (i32.const 1))))
  ;; Counts to n; returns n.
  (func $count (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func $grow (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  ;; Grows one page at a time until memory.grow fails; returns the size in pages.
  (func $grow_forever (export "grow_forever") (result i32)
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))
  (func $table_grow (export "table_grow") (param i32) (result i32)
    (table.grow 0 (ref.null func) (local.get 0)))
  ;; Unbounded recursion with a big frame: stops at the value-stack limit.
  (func $deep (export "deep") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
