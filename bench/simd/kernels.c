// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Freestanding kernels for bench/simd/run.sh, built twice with clang-19 (with and
// without -msimd128): the same C, so the SIMD build differs only in what the
// compiler's auto-vectorizer may emit. No libc: the buffer is a static array.
#include <stddef.h>
#include <stdint.h>

#define MB       (1u << 20)
#define BUF_SIZE (64u * MB)

static uint8_t buf[BUF_SIZE];
static int16_t va[1u << 20], vb[1u << 20];

// Fills the buffer and the float arrays from a fixed LCG, so every run sees the same data.
__attribute__((export_name("init"))) void init(void) {
    uint32_t x = 12345;
    for (size_t i = 0; i < BUF_SIZE; i += 4) {
        x = x * 1103515245u + 12345u;
        __builtin_memcpy(&buf[i], &x, 4);
    }
    for (size_t i = 0; i < (1u << 20); i++) {
        va[i] = (int16_t)((i & 1023) - 512);
        vb[i] = (int16_t)(((i * 7) & 1023) - 300);
    }
}

// Byte search: how many bytes of the 64 MB buffer equal `needle`, `reps` times over.
__attribute__((export_name("count_byte"))) uint32_t count_byte(uint32_t needle, uint32_t reps) {
    uint32_t total = 0;
    for (uint32_t r = 0; r < reps; r++) {
        uint32_t n = 0;
        for (size_t i = 0; i < BUF_SIZE; i++)
            n += buf[i] == (uint8_t)needle;
        total += n;
    }
    return total;
}

// i16 x i16 -> i32 dot product of two 1 Mi-element arrays (2 MB each), `reps` times
// over. Integer, so the compiler may reorder the sum (a float one it may not).
__attribute__((export_name("dot"))) int32_t dot(uint32_t reps) {
    int32_t total = 0;
    for (uint32_t r = 0; r < reps; r++) {
        int32_t s = 0;
        for (size_t i = 0; i < (1u << 20); i++)
            s += (int32_t)va[i] * vb[i];
        total += s;
    }
    return total;
}

// What run.sh times: init, then one kernel `reps` times (reps = 0 times init alone).
__attribute__((export_name("bench_count"))) uint32_t bench_count(uint32_t reps) {
    init();
    return count_byte(0x5A, reps);
}

__attribute__((export_name("bench_dot"))) int32_t bench_dot(uint32_t reps) {
    init();
    return dot(reps);
}
