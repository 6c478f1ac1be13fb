;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A trap three calls deep, for the backtrace demo:
;;   moat run --invoke average examples/trap.wasm 10 0
;; traps with "integer divide by zero" in $divide, called by $mean, called by $average.
;; Built with `wat2wasm --debug-names` so the backtrace shows these names.
(module $trap
  (func $divide (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func $mean (param $sum i32) (param $count i32) (result i32)
    (call $divide (local.get $sum) (local.get $count)))
  (func $average (export "average") (param $sum i32) (param $count i32) (result i32)
    (call $mean (local.get $sum) (local.get $count))))
