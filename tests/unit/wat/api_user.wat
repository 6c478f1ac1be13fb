;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Imports what moat_linker_define_instance registers from api_add.wat's instance.
(module $api_user
  (import "api" "add" (func $add (param i32 i32) (result i32)))
  (import "api" "memory" (memory 1))
  (func (export "add_and_store") (param i32 i32) (result i32)
    (i32.store (i32.const 8) (call $add (local.get 0) (local.get 1)))
    (i32.load (i32.const 8))))
