;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A well-behaved plugin: upper-cases its input, counts the words, and logs through the
;; host. ABI: alloc(len) -> ptr gives the host room for the input; transform(ptr, len)
;; returns the output as (ptr << 32) | len.
(module $upper
  (import "host" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 0) "upper: transforming")
  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (local.get $p))
  (func $transform (export "transform") (param $ptr i32) (param $len i32) (result i64)
    (local $out i32) (local $i i32) (local $c i32) (local $words i32) (local $in_word i32)
    (call $log (i32.const 0) (i32.const 19))
    (local.set $out (call $alloc (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        ;; a..z -> A..Z
        (if (i32.le_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 25))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
        ;; a word starts at a non-space after a space (or at the start)
        (if (i32.eq (local.get $c) (i32.const 32))
          (then (local.set $in_word (i32.const 0)))
          (else
            (if (i32.eqz (local.get $in_word))
              (then (local.set $words (i32.add (local.get $words) (i32.const 1)))))
            (local.set $in_word (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; append " (N words)" for N < 10, enough for the example
    (i64.store (i32.add (local.get $out) (local.get $len)) (i64.const 0x64726f7720302820))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 2)))
      (i32.add (i32.const 48) (local.get $words)))
    (i32.store16 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 8)))
      (i32.const 0x2973))
    (global.set $heap (i32.add (global.get $heap) (i32.const 10)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
            (i64.extend_i32_u (i32.add (local.get $len) (i32.const 10))))))
