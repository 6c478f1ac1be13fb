// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Sieve of Eratosthenes: byte loads/stores and tight loops.
#include <stdio.h>
#include <string.h>

#define N (8 * 1024 * 1024)
static unsigned char composite[N];

int main(void) {
    unsigned total = 0;
    for (int round = 0; round < 2; round++) {
        memset(composite, 0, N);
        unsigned count = 0;
        for (unsigned i = 2; i < N; i++) {
            if (composite[i]) continue;
            count++;
            for (unsigned j = i * 2; j < N; j += i)
                composite[j] = 1;
        }
        total += count;
    }
    printf("primes: %u\n", total);
    return 0;
}
