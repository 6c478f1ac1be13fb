;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; memory.grow and table.grow, for moat run's -W max-memory-size / max-table-elements.
(module
  (memory 1)
  (table 1 funcref)
  (func (export "grow_memory") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow 0 (ref.null func) (local.get 0))))
