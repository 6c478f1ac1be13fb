// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// memcpy/memset/memcmp and string work (strlen, strchr, strstr, strcpy): in wasm these are
// wasi-libc's code (or bulk-memory ops), so the kernel measures how the runtime runs them.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF (1u << 20)

int main(void) {
    char *a = malloc(BUF), *b = malloc(BUF);
    uint32_t x = 1;
    for (unsigned i = 0; i < BUF; i++)
        x = x * 1664525u + 1013904223u, a[i] = (char)('a' + (x >> 24) % 26);
    uint64_t check = 0;
    for (int round = 0; round < 40; round++) {
        // Bulk copies and fills of varied sizes and alignments.
        for (unsigned off = 0; off < 64; off++) {
            size_t n = BUF / 2 - off * 997;
            memcpy(b + off, a + (off * 13) % 4096, n);
            check += (uint8_t)b[off + n / 3];
        }
        memset(b, 'x' + round % 3, BUF / 2);
        check += (uint8_t)b[round * 1000];
        check += memcmp(a, b, BUF / 4) > 0;
        // Many short strings: the common case in real programs.
        a[BUF - 1] = 0;
        char word[64];
        for (unsigned i = 0; i + 64 < BUF / 8; i += 61 + round) {
            memcpy(word, a + i, 40);
            word[20 + i % 19] = 0;
            check += strlen(word);
            char *p = strchr(word, 'q');
            check += p ? (uint64_t)(p - word) : 0;
            check += strstr(word, "ab") != NULL;
            strcpy(b + (i % 4096), word);
            check += (uint64_t)strcmp(b + (i % 4096), word) == 0;
        }
    }
    printf("memstr: %llu\n", (unsigned long long)check);
    free(a), free(b);
    return 0;
}
