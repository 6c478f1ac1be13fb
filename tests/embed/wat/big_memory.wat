;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A memory that starts larger than the limit tests allow.
(module (memory (export "memory") 100))
