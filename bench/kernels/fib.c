// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Recursion: call/return overhead dominates.
#include <stdio.h>

// noinline + volatile argument keep clang from turning the recursion into a loop.
__attribute__((noinline)) static unsigned fib(unsigned n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void) {
    volatile unsigned n = 35;
    printf("fib(%u) = %u\n", n, fib(n));
    return 0;
}
