;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; Unbounded recursion: `moat run examples/recurse.wasm` must end in a
;; "call stack exhausted" trap (exit status 134), never in a crash of the host.
(module $recurse
  (func $recurse (export "recurse") (param $depth i32) (result i32)
    (call $recurse (i32.add (local.get $depth) (i32.const 1))))
  (func $start (export "_start")
    (drop (call $recurse (i32.const 0)))))
