;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A loop that never ends, for moat run's -W fuel and -W timeout.
(module
  (func $spin (export "spin")
    (loop $forever (br $forever))))
