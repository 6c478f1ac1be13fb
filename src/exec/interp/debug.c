// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Translator and dispatch diagnostics for tuning the interpreter, compiled in only with
// -DMOAT_INTERP_DEBUG (e.g. CMAKE_C_FLAGS): every translated function is printed to
// stderr, and the switch dispatch build counts executed handlers and handler pairs,
// printed at exit (the pairs are the candidates for fusion).
#include "exec/interp/interp_internal.h"

#ifdef MOAT_INTERP_DEBUG
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const handler_names[H_COUNT] = {
#define HANDLER(NAME, ...) [H_##NAME] = #NAME,
#include "exec/interp/ops_all.inc"
#undef HANDLER
};

static u32 handler_id(moat__insn w) {
    for (u32 id = 1; id < H_COUNT; id++)
        if (moat__interp_handler_word(id).bits == w.bits) return id;
    return 0;
}

void moat__interp_debug_dump(const struct moat__code *code, const u32 *starts, u32 nstarts) {
    if (!getenv("MOAT_INTERP_DUMP")) return;
    fprintf(stderr, "== func %u: %u words, frame %u slots\n", code->func_index, code->ninsns,
            code->frame_size);
    for (u32 i = 0; i < nstarts; i++) {
        u32 pos = starts[i];
        if (pos >= code->ninsns || (i + 1 < nstarts && starts[i + 1] <= pos)) continue;
        u32 end = i + 1 < nstarts ? starts[i + 1] : code->ninsns;
        if (end > code->ninsns) end = code->ninsns;
        u32 id = handler_id(code->insns[pos]);
        fprintf(stderr, "%5u  %-22s", pos, id ? handler_names[id] : "?");
        const u32 *ops = (const u32 *)(code->insns + pos + 1);
        for (u32 k = 0; k < (end - pos - 1) * 2; k++)
            fprintf(stderr, " %d", (i32)ops[k]);
        fprintf(stderr, "\n");
    }
}

static u64 counts[H_COUNT];
static u64 (*pairs)[H_COUNT];

struct entry {
    u64 n;
    u32 a, b;
};

static int by_n(const void *a, const void *b) {
    const struct entry *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static void report(void) {
    struct entry *e = malloc(sizeof *e * H_COUNT);
    if (!e) return;
    u64 total = 0;
    u32 n = 0;
    for (u32 i = 0; i < H_COUNT; i++)
        if (counts[i]) {
            e[n++] = (struct entry){counts[i], i, 0};
            total += counts[i];
        }
    qsort(e, n, sizeof *e, by_n);
    fprintf(stderr, "== %llu dispatches\n", (unsigned long long)total);
    for (u32 i = 0; i < n && i < 40; i++)
        fprintf(stderr, "%12llu %5.1f%%  %s\n", (unsigned long long)e[i].n, 100.0 * e[i].n / total,
                handler_names[e[i].a]);
    free(e);
    if (!pairs) return;
    u32 cap = 4096;
    e = malloc(sizeof *e * cap);
    if (!e) return;
    n = 0;
    for (u32 a = 0; a < H_COUNT; a++)
        for (u32 b = 0; b < H_COUNT; b++)
            if (pairs[a][b] && n < cap) e[n++] = (struct entry){pairs[a][b], a, b};
    qsort(e, n, sizeof *e, by_n);
    fprintf(stderr, "== pairs\n");
    for (u32 i = 0; i < n && i < 40; i++)
        fprintf(stderr, "%12llu %5.1f%%  %s -> %s\n", (unsigned long long)e[i].n,
                100.0 * e[i].n / total, handler_names[e[i].a], handler_names[e[i].b]);
    free(e);
}

void moat__interp_debug_count(u32 prev, u32 cur) {
    static bool init;
    if (!init) {
        init = true;
        pairs = calloc(H_COUNT, sizeof *pairs);
        atexit(report);
    }
    counts[cur]++;
    if (pairs && prev < H_COUNT) pairs[prev][cur]++;
}
#else
typedef int moat__interp_debug_unused; // an empty translation unit is not ISO C
#endif
