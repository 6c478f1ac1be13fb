;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Small functions for the wast runner's own tests (tests/cli/wast/*.json).
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "f32_div") (param f32 f32) (result f32)
    (f32.div (local.get 0) (local.get 1)))
  (func (export "id_ref") (param externref) (result externref)
    (local.get 0))
  (global (export "answer") i32 (i32.const 42)))
