// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Imports `twice` from module "lib": run with --preload lib=reactor.wasm.
#include <stdio.h>

__attribute__((import_module("lib"), import_name("twice"))) int twice(int);

int main(void) {
    printf("twice(21) = %d\n", twice(21));
    return 0;
}
