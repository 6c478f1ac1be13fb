;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Loop- and call-heavy guests for bench/limits.sh: every iteration and every call passes
;; a fuel/epoch check when those are enabled, so this is their worst case.
(module $loops
  ;; A tight counting loop: n iterations of 4 instructions.
  (func $count (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  ;; Naive recursive Fibonacci: ~2 * fib(n) calls.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
