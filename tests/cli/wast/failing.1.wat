;; SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
;; A well-formed text module: the assert_malformed that names it must fail.
(module)
