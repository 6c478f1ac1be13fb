;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; v128 arguments and results through moat run, a v128 between scalars (two slots).
(module
  (func (export "add_i32x4") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1)))
  (func (export "lanes") (param i32 v128) (result i32 v128 i64)
    (i32x4.extract_lane 3 (local.get 1))
    (i32x4.replace_lane 0 (local.get 1) (local.get 0))
    (i64x2.extract_lane 0 (local.get 1))))
