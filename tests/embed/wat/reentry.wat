;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Re-entrancy: wasm -> host -> wasm, traps at each depth.
(module $reentry
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (import "host" "fail" (func $fail (param i32)))
  ;; outer(x) = call_back(x) + 1: the host calls inner or trapping_inner back.
  (func $outer (export "outer") (param i32) (result i32)
    (i32.add (call $call_back (local.get 0)) (i32.const 1)))
  (func $inner (export "inner") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 10)))
  ;; Traps with "integer divide by zero" inside a nested call.
  (func $divide (export "divide") (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func $trapping_inner (export "trapping_inner") (param i32) (result i32)
    (call $divide (local.get 0)))
  ;; A guard-page fault (or a bounds check) inside a nested call.
  (memory 1)
  (func $oob_inner (export "oob_inner") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 70000))))
  ;; Calls the host's failing function from two frames deep.
  (func $fails (export "fails") (param i32)
    (call $fail (local.get 0)))
  (func $calls_fails (export "calls_fails") (param i32)
    (call $fails (local.get 0))))
