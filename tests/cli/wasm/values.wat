;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Functions over every value type moat run can pass, with several results.
(module
  (func (export "swap") (param i32 i64) (result i64 i32)
    (local.get 1) (local.get 0))
  (func (export "floats") (param f32 f64) (result f64 f32)
    (local.get 1) (local.get 0))
  (func (export "is_null") (param externref) (result i32)
    (ref.is_null (local.get 0))))
