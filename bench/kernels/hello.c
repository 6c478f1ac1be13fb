// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Start-up: a WASI process that prints one line and exits.
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
