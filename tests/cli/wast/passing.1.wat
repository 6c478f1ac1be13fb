;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Malformed text (i32.const without its immediate): assert_malformed holds.
(module (func (result i32) i32.const))
