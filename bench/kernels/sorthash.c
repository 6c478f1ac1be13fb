// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Sorting (quicksort + insertion sort, our own: no libc qsort callback overhead to measure)
// and an open-addressing hash table: inserts, then hits and misses.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N     (1u << 19)
#define TABLE (1u << 20)

static void sort(uint32_t *a, long lo, long hi) {
    while (hi - lo > 16) {
        uint32_t p = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j], a[j--] = t;
            }
        }
        // Recurse into the smaller side, loop on the larger: bounded stack.
        if (j - lo < hi - i)
            sort(a, lo, j), lo = i;
        else
            sort(a, i, hi), hi = j;
    }
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v)
            a[j + 1] = a[j], j--;
        a[j + 1] = v;
    }
}

static uint32_t hash(uint32_t k) {
    k ^= k >> 16, k *= 0x7feb352d, k ^= k >> 15, k *= 0x846ca68b, k ^= k >> 16;
    return k;
}

int main(void) {
    uint32_t *a = malloc(N * sizeof *a), *keys = calloc(TABLE, sizeof *keys),
             *vals = calloc(TABLE, sizeof *vals);
    uint32_t x = 88172645u;
    for (unsigned i = 0; i < N; i++)
        x ^= x << 13, x ^= x >> 17, x ^= x << 5,
            a[i] = x % 10000000u + 1; // key 0 marks empty slots
    // Hash inserts (with duplicates counted), before sorting changes the order.
    unsigned distinct = 0;
    for (unsigned i = 0; i < N; i++) {
        uint32_t s = hash(a[i]) & (TABLE - 1);
        while (keys[s] && keys[s] != a[i])
            s = (s + 1) & (TABLE - 1);
        if (!keys[s]) keys[s] = a[i], distinct++;
        vals[s]++;
    }
    sort(a, 0, N - 1);
    uint64_t check = 0;
    for (unsigned i = 1; i < N; i++)
        if (a[i - 1] > a[i]) {
            puts("not sorted");
            return 1;
        }
    for (unsigned i = 0; i < N; i += 1024)
        check += a[i];
    // Lookups: every sorted key (hits) and as many keys that are mostly misses.
    uint64_t hits = 0;
    for (unsigned i = 0; i < 2 * N; i++) {
        uint32_t k = i < N ? a[i] : (i * 2654435761u) % 20000000u + 1;
        uint32_t s = hash(k) & (TABLE - 1);
        while (keys[s] && keys[s] != k)
            s = (s + 1) & (TABLE - 1);
        if (keys[s]) hits += vals[s];
    }
    printf("sorthash: distinct %u, check %llu, hits %llu\n", distinct, (unsigned long long)check,
           (unsigned long long)hits);
    free(a), free(keys), free(vals);
    return 0;
}
