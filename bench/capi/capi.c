// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// C-API micro-benchmarks: (1) store + instantiation + store deletion of a module with a
// 1 MiB data segment, repeated; (2) host->wasm calls of a trivial export (i32) -> i32.
// Usage: capi [INSTANTIATIONS] [CALLS]     (default 10000, 10000000)
// Prints "instantiate_us <median-of-batches>" and "call_ns <median-of-batches>".
#include "moat.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint8_t *out;
static size_t len;

static void byte(uint8_t b) {
    out[len++] = b;
}
static void leb(uint32_t v) {
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        byte(v ? b | 0x80 : b);
    } while (v);
}
static void section(uint8_t id, const uint8_t *body, size_t n) {
    byte(id), leb((uint32_t)n);
    memcpy(out + len, body, n), len += n;
}

// The module, written byte by byte so the benchmark needs no tools: memory of 17 pages,
// an active data segment of 1 MiB at 0, and export "f" = local.get 0.
static void build_module(void) {
    out = malloc((2u << 20) + 256);
    static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    memcpy(out, head, sizeof head), len = sizeof head;
    static const uint8_t types[] = {1, 0x60, 1, 0x7f, 1, 0x7f}, funcs[] = {1, 0},
                         mems[] = {1, 0, 17}, exports[] = {1, 1, 'f', 0, 0},
                         code[] = {1, 4, 0, 0x20, 0, 0x0b};
    section(1, types, sizeof types), section(3, funcs, sizeof funcs), section(5, mems, sizeof mems);
    section(7, exports, sizeof exports), section(10, code, sizeof code);
    // Data section: count 1, flags 0, i32.const 0 end, size, bytes (non-zero, varied).
    uint32_t n = 1u << 20, body = 1 + 1 + 3 + 3 + n; // 3 = LEB length of 1 MiB
    byte(11), leb(body), byte(1), byte(0), byte(0x41), byte(0), byte(0x0b), leb(n);
    for (uint32_t i = 0; i < n; i++)
        byte((uint8_t)(i * 2654435761u >> 24));
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check(moat_error *err, const char *what) {
    if (err) {
        fprintf(stderr, "capi: %s: %s\n", what, moat_error_message(err));
        exit(1);
    }
}

#define BATCHES 10

int main(int argc, char **argv) {
    long inst = argc > 1 ? atol(argv[1]) : 10000, calls = argc > 2 ? atol(argv[2]) : 10000000;
    build_module();
    moat_engine *engine;
    check(moat_engine_new(moat_config_new(), &engine), "engine");
    moat_module *module;
    check(moat_module_new(engine, out, len, &module), "module");

    // Per batch, the mean; over batches, the median: one slow batch (a noisy neighbour)
    // must not move the figure.
    double per[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        double t0 = now();
        for (long i = 0; i < inst / BATCHES; i++) {
            moat_store *store = moat_store_new(engine);
            moat_instance *instance;
            moat_trap *trap = NULL;
            check(moat_instance_new(store, module, NULL, 0, &instance, &trap), "instantiate");
            if (trap) return fprintf(stderr, "capi: trap at instantiation\n"), 1;
            moat_store_delete(store);
        }
        per[b] = (now() - t0) / (double)(inst / BATCHES) * 1e6;
    }
    qsort(per, BATCHES, sizeof *per, cmp);
    printf("instantiate_us %.2f\n", per[BATCHES / 2]);

    moat_store *store = moat_store_new(engine);
    moat_instance *instance;
    moat_trap *trap = NULL;
    check(moat_instance_new(store, module, NULL, 0, &instance, &trap), "instantiate");
    moat_extern f;
    if (!moat_instance_export_get(instance, moat_name_from("f"), &f))
        return fprintf(stderr, "capi: no export f\n"), 1;
    uint32_t sum = 0;
    for (int b = 0; b < BATCHES; b++) {
        double t0 = now();
        for (long i = 0; i < calls / BATCHES; i++) {
            moat_val arg = {.kind = MOAT_I32, .of.i32 = (int32_t)i}, res = {.kind = MOAT_I32};
            check(moat_func_call(store, f.of.func, &arg, 1, &res, 1, &trap), "call");
            sum += (uint32_t)res.of.i32;
        }
        per[b] = (now() - t0) / (double)(calls / BATCHES) * 1e9;
    }
    qsort(per, BATCHES, sizeof *per, cmp);
    printf("call_ns %.2f\n", per[BATCHES / 2]);
    if (sum
        != (uint32_t)((uint64_t)(calls / BATCHES) * (uint64_t)(calls / BATCHES - 1) / 2 * BATCHES))
        return fprintf(stderr, "capi: wrong results\n"), 1;
    moat_store_delete(store);
    moat_module_delete(module);
    moat_engine_delete(engine);
    free(out);
    return 0;
}
