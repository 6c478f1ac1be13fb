// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Instantiation of modules with data segments, with guard pages (copy-on-write memory
// images, pooled reservations) and with bounds checks (copies): every instance sees
// exactly its segments and zeros, never a previous or concurrent instance's writes;
// growth, limits, segments at imported offsets, out-of-bounds segments and the order of
// element and data initialisation behave as the spec says; no descriptor leaks.
#include "moat.h"
#include "test.h"
#include "wat_module.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>

#define PAGE     65536u
#define PAGES    4u
#define SEG_LEN  20000u // above the image threshold (rt/image.c), so images are used
#define SEG1_AT  4096u
#define SEG2_AT  100000u
#define SEG3_AT  20000u // overlaps the end of segment 1: the later segment wins
#define SEG3_LEN 200u

static unsigned variant; // image_module() and fill_expected(): 0 or 1, two contents

static uint8_t seg_byte(unsigned seg, uint32_t i) {
    return (uint8_t)((i * 2654435761u >> 24) + seg * 77u + variant * 5u) | 1u; // never 0
}

// Text of `(data (OFFSET) "...")` with SEG_LEN-style content of segment `seg`.
static size_t put_data(char *out, const char *offset, unsigned seg, uint32_t len) {
    size_t n = (size_t)sprintf(out, "(data (%s) \"", offset);
    for (uint32_t i = 0; i < len; i++)
        n += (size_t)sprintf(out + n, "\\%02x", seg_byte(seg, i));
    n += (size_t)sprintf(out + n, "\")\n");
    return n;
}

static char *text_buf(void) {
    return malloc(3 * 4 * (SEG_LEN + 100) + 4096);
}

// Memory of PAGES pages (max 8): segments 1, 2 and 3 at constant offsets.
static moat_module *image_module(moat_engine *engine) {
    char *t = text_buf(), offset[32];
    size_t n = (size_t)sprintf(t, "(module (memory (export \"memory\") %u 8)\n", PAGES);
    snprintf(offset, sizeof offset, "i32.const %u", SEG1_AT);
    n += put_data(t + n, offset, 1, SEG_LEN);
    snprintf(offset, sizeof offset, "i32.const %u", SEG2_AT);
    n += put_data(t + n, offset, 2, SEG_LEN);
    snprintf(offset, sizeof offset, "i32.const %u", SEG3_AT);
    n += put_data(t + n, offset, 3, SEG3_LEN);
    sprintf(t + n, "(func (export \"load\") (param i32) (result i32) local.get 0 i32.load8_u)\n"
                   "(func (export \"store\") (param i32 i32) local.get 0 local.get 1 i32.store8)\n"
                   "(func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)\n"
                   "(func (export \"size\") (result i32) memory.size))");
    moat_module *m = module_from_wat(engine, t);
    free(t);
    return m;
}

static uint8_t expected[PAGES * PAGE];

static void fill_expected(void) {
    memset(expected, 0, sizeof expected);
    for (uint32_t i = 0; i < SEG_LEN; i++)
        expected[SEG1_AT + i] = seg_byte(1, i), expected[SEG2_AT + i] = seg_byte(2, i);
    for (uint32_t i = 0; i < SEG3_LEN; i++)
        expected[SEG3_AT + i] = seg_byte(3, i);
}

static moat_engine *engine_new(bool bounds_checks) {
    moat_config *config = moat_config_new();
    moat_config_bounds_checks_set(config, bounds_checks);
    moat_engine *engine = NULL;
    moat_error *err = moat_engine_new(config, &engine);
    if (err) moat_error_delete(err);
    return engine;
}

static moat_instance *instantiate(moat_store *store, const moat_module *module,
                                  const moat_extern *imports, size_t n, moat_trap **trap) {
    moat_instance *inst = NULL;
    *trap = NULL;
    moat_error *err = moat_instance_new(store, module, imports, n, &inst, trap);
    if (err) {
        fprintf(stderr, "instantiate: %s\n", moat_error_message(err));
        moat_error_delete(err);
        return NULL;
    }
    return *trap ? NULL : inst;
}

static moat_memory *memory_of(moat_instance *inst) {
    moat_extern ext;
    if (!moat_instance_export_get(inst, moat_name_from("memory"), &ext)) return NULL;
    return ext.kind == MOAT_EXTERN_MEMORY ? ext.of.memory : NULL;
}

static int32_t call_i32(moat_instance *inst, const char *name, const moat_val *args, size_t n) {
    moat_val result = {.kind = MOAT_I32, .of.i32 = -99};
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_call(inst, name, args, n, &result, 1, &trap);
    if (err) moat_error_delete(err);
    if (trap) moat_trap_delete(trap);
    return err || trap ? -98 : result.of.i32;
}

static void store8(moat_instance *inst, uint32_t addr, uint8_t v) {
    moat_val args[2] = {{.kind = MOAT_I32, .of.i32 = (int32_t)addr},
                        {.kind = MOAT_I32, .of.i32 = v}};
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_call(inst, "store", args, 2, NULL, 0, &trap);
    CHECK(!err && !trap);
    if (err) moat_error_delete(err);
    if (trap) moat_trap_delete(trap);
}

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

// A fresh instance's memory: exactly the segments, zeros elsewhere, PAGES pages.
static void check_fresh(moat_instance *inst) {
    moat_memory *mem = memory_of(inst);
    CHECK(mem != NULL);
    if (!mem) return;
    CHECK_EQ_INT(moat_memory_data_size(mem), PAGES * PAGE);
    CHECK(memcmp(moat_memory_data(mem), expected, sizeof expected) == 0);
    CHECK_EQ_INT(call_i32(inst, "size", NULL, 0), PAGES);
    moat_val a = {.kind = MOAT_I32, .of.i32 = SEG2_AT + 5};
    CHECK_EQ_INT(call_i32(inst, "load", &a, 1), expected[SEG2_AT + 5]);
    moat_val past = {.kind = MOAT_I32, .of.i32 = PAGES * PAGE};
    CHECK_EQ_INT(call_i32(inst, "load", &past, 1), -98); // traps
}

// Dirties everything an instance can reach: all pages (host and wasm writes), and grown
// pages, so that a reused reservation would show it.
static void scribble(moat_instance *inst) {
    moat_memory *mem = memory_of(inst);
    store8(inst, SEG1_AT, 0);
    store8(inst, PAGES * PAGE - 1, 0xEE);
    memset(moat_memory_data(mem), 0xAB, PAGES * PAGE);
    moat_val two = {.kind = MOAT_I32, .of.i32 = 2};
    CHECK_EQ_INT(call_i32(inst, "grow", &two, 1), PAGES);
    CHECK(all_zero(moat_memory_data(mem) + PAGES * PAGE, 2 * PAGE));
    memset(moat_memory_data(mem) + PAGES * PAGE, 0xCD, 2 * PAGE);
}

static void test_reuse(moat_engine *engine, moat_module *module) {
    for (int round = 0; round < 50; round++) {
        moat_store *store = moat_store_new(engine);
        moat_trap *trap;
        moat_instance *inst = instantiate(store, module, NULL, 0, &trap);
        CHECK(inst != NULL);
        if (inst) {
            check_fresh(inst);
            scribble(inst);
        }
        moat_store_delete(store);
    }
    // More live memories than the pool keeps, then all released, then reused.
    enum { LIVE = 40 };
    moat_store *stores[LIVE];
    moat_instance *insts[LIVE];
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < LIVE; i++) {
            moat_trap *trap;
            stores[i] = moat_store_new(engine);
            insts[i] = instantiate(stores[i], module, NULL, 0, &trap);
            CHECK(insts[i] != NULL);
        }
        for (int i = 0; i < LIVE; i++)
            if (insts[i]) check_fresh(insts[i]);
        // Copy-on-write: one instance's writes stay its own.
        if (insts[0] && insts[1]) {
            store8(insts[0], SEG1_AT + 1, 0x55);
            moat_val a = {.kind = MOAT_I32, .of.i32 = SEG1_AT + 1};
            CHECK_EQ_INT(call_i32(insts[0], "load", &a, 1), 0x55);
            CHECK_EQ_INT(call_i32(insts[1], "load", &a, 1), expected[SEG1_AT + 1]);
        }
        for (int i = 0; i < LIVE; i++)
            if (insts[i]) scribble(insts[i]);
        for (int i = 0; i < LIVE; i++)
            moat_store_delete(stores[i]);
    }
}

// Growth past the image gives zeros; the declared maximum and the store's cap hold.
static void test_grow(moat_engine *engine, moat_module *module) {
    moat_store *store = moat_store_new(engine);
    moat_trap *trap;
    moat_instance *inst = instantiate(store, module, NULL, 0, &trap);
    CHECK(inst != NULL);
    if (inst) {
        moat_memory *mem = memory_of(inst);
        moat_val one = {.kind = MOAT_I32, .of.i32 = 1}, five = {.kind = MOAT_I32, .of.i32 = 5};
        CHECK_EQ_INT(call_i32(inst, "grow", &one, 1), PAGES);
        CHECK_EQ_INT(call_i32(inst, "size", NULL, 0), PAGES + 1);
        CHECK(all_zero(moat_memory_data(mem) + PAGES * PAGE, PAGE));
        CHECK(memcmp(moat_memory_data(mem), expected, sizeof expected) == 0);
        CHECK_EQ_INT(call_i32(inst, "grow", &five, 1), -1); // max 8
        moat_val last = {.kind = MOAT_I32, .of.i32 = (PAGES + 1) * PAGE - 1};
        CHECK_EQ_INT(call_i32(inst, "load", &last, 1), 0);
        moat_val past = {.kind = MOAT_I32, .of.i32 = (PAGES + 1) * PAGE};
        CHECK_EQ_INT(call_i32(inst, "load", &past, 1), -98); // traps
    }
    moat_store_delete(store);

    // The store's cap: instantiation fails above it, growth stops at it.
    store = moat_store_new(engine);
    moat_store_max_memory_size_set(store, (PAGES - 1) * PAGE);
    moat_instance *out = NULL;
    trap = NULL;
    moat_error *err = moat_instance_new(store, module, NULL, 0, &out, &trap);
    CHECK(err != NULL);
    if (err) moat_error_delete(err);
    moat_store_delete(store);
    store = moat_store_new(engine);
    moat_store_max_memory_size_set(store, (PAGES + 1) * PAGE);
    inst = instantiate(store, module, NULL, 0, &trap);
    CHECK(inst != NULL);
    if (inst) {
        moat_val two = {.kind = MOAT_I32, .of.i32 = 2}, one = {.kind = MOAT_I32, .of.i32 = 1};
        CHECK_EQ_INT(call_i32(inst, "grow", &two, 1), -1);
        CHECK_EQ_INT(call_i32(inst, "grow", &one, 1), PAGES);
        moat_memory *mem = memory_of(inst);
        CHECK(mem && memcmp(moat_memory_data(mem), expected, sizeof expected) == 0);
    }
    moat_store_delete(store);
}

// An offset from an imported global: no image, the segment is copied where it says.
static void test_global_offset(moat_engine *engine) {
    char *t = text_buf();
    size_t n = (size_t)sprintf(t, "(module (import \"env\" \"at\" (global i32))\n"
                                  "(memory (export \"memory\") 2)\n");
    n += put_data(t + n, "global.get 0", 1, SEG_LEN);
    sprintf(t + n, ")");
    moat_module *module = module_from_wat(engine, t);
    free(t);
    CHECK(module != NULL);
    if (!module) return;
    for (uint32_t at = 0; at <= 2 * PAGE; at += 50000) {
        moat_store *store = moat_store_new(engine);
        moat_globaltype gt = {.kind = MOAT_I32, .is_mutable = false};
        moat_val v = {.kind = MOAT_I32, .of.i32 = (int32_t)at};
        moat_global *g = NULL;
        moat_error *err = moat_global_new(store, &gt, &v, &g);
        CHECK(!err);
        moat_extern imp = {.kind = MOAT_EXTERN_GLOBAL, .of.global = g};
        moat_trap *trap;
        moat_instance *inst = err ? NULL : instantiate(store, module, &imp, 1, &trap);
        if (at + SEG_LEN > 2 * PAGE) { // out of bounds: traps
            CHECK(inst == NULL && trap != NULL);
            if (trap) {
                CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
                moat_trap_delete(trap);
            }
        } else {
            CHECK(inst != NULL);
            moat_memory *mem = inst ? memory_of(inst) : NULL;
            if (mem) {
                const uint8_t *p = moat_memory_data(mem);
                bool ok = all_zero(p, at) && all_zero(p + at + SEG_LEN, 2 * PAGE - at - SEG_LEN);
                for (uint32_t i = 0; i < SEG_LEN; i++)
                    ok = ok && p[at + i] == seg_byte(1, i);
                CHECK(ok);
            }
        }
        moat_store_delete(store);
    }
    moat_module_delete(module);
}

// Out-of-bounds constant segments trap, and with an imported memory the segments before
// the failing one stay written (spec 2.0).
static void test_out_of_bounds(moat_engine *engine) {
    char *t = text_buf();
    size_t n = (size_t)sprintf(t, "(module (memory 1)\n");
    n += put_data(t + n, "i32.const 0", 1, SEG_LEN);
    n += put_data(t + n, "i32.const 60000", 2, SEG_LEN);
    sprintf(t + n, ")");
    moat_module *module = module_from_wat(engine, t);
    CHECK(module != NULL);
    for (int i = 0; module && i < 3; i++) {
        moat_store *store = moat_store_new(engine);
        moat_trap *trap;
        CHECK(instantiate(store, module, NULL, 0, &trap) == NULL);
        CHECK(trap != NULL);
        if (trap) {
            CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
            moat_trap_delete(trap);
        }
        moat_store_delete(store);
    }
    moat_module_delete(module);

    n = (size_t)sprintf(t, "(module (import \"env\" \"mem\" (memory 1))\n");
    n += put_data(t + n, "i32.const 0", 1, SEG_LEN);
    n += put_data(t + n, "i32.const 60000", 2, SEG_LEN);
    sprintf(t + n, ")");
    module = module_from_wat(engine, t);
    free(t);
    CHECK(module != NULL);
    if (!module) return;
    moat_store *store = moat_store_new(engine);
    moat_memorytype mt = {{1, 0, false}};
    moat_memory *mem = NULL;
    moat_error *err = moat_memory_new(store, &mt, &mem);
    CHECK(!err);
    if (!err) {
        moat_extern imp = {.kind = MOAT_EXTERN_MEMORY, .of.memory = mem};
        moat_trap *trap;
        CHECK(instantiate(store, module, &imp, 1, &trap) == NULL);
        CHECK(trap != NULL);
        moat_trap_delete(trap);
        const uint8_t *p = moat_memory_data(mem);
        CHECK(p[0] == seg_byte(1, 0) && p[SEG_LEN - 1] == seg_byte(1, SEG_LEN - 1));
        CHECK(all_zero(p + SEG_LEN, PAGE - SEG_LEN));
    }
    moat_store_delete(store);
    moat_module_delete(module);
}

// Element segments run before data segments: when one traps, a function the instance
// already put into an imported table must find its memory without the data.
static void test_elem_trap_first(moat_engine *engine) {
    char *t = text_buf();
    size_t n = (size_t)sprintf(t, "(module (import \"env\" \"tab\" (table 1 funcref))\n"
                                  "(memory 1)\n"
                                  "(func $peek (result i32) i32.const 0 i32.load8_u)\n"
                                  "(elem (i32.const 0) $peek)\n"
                                  "(elem (i32.const 1) $peek)\n");
    n += put_data(t + n, "i32.const 0", 1, SEG_LEN);
    sprintf(t + n, ")");
    moat_module *module = module_from_wat(engine, t);
    free(t);
    CHECK(module != NULL);
    if (!module) return;
    moat_store *store = moat_store_new(engine);
    moat_tabletype tt = {.elem = MOAT_FUNCREF, .limits = {1, 0, false}};
    moat_val null = {.kind = MOAT_FUNCREF, .of.funcref = NULL};
    moat_table *table = NULL;
    moat_error *err = moat_table_new(store, &tt, &null, &table);
    CHECK(!err);
    if (!err) {
        moat_extern imp = {.kind = MOAT_EXTERN_TABLE, .of.table = table};
        moat_trap *trap;
        CHECK(instantiate(store, module, &imp, 1, &trap) == NULL);
        CHECK(trap != NULL);
        if (trap) {
            CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_TABLE_OUT_OF_BOUNDS);
            moat_trap_delete(trap);
        }
        moat_val f;
        CHECK(moat_table_get(table, 0, &f) && f.of.funcref);
        if (f.of.funcref) {
            moat_val r = {.kind = MOAT_I32, .of.i32 = -1};
            trap = NULL;
            err = moat_func_call(store, f.of.funcref, NULL, 0, &r, 1, &trap);
            CHECK(!err && !trap);
            CHECK_EQ_INT(r.of.i32, 0); // not seg_byte(1, 0), which is never 0
            if (err) moat_error_delete(err);
            if (trap) moat_trap_delete(trap);
        }
    }
    moat_store_delete(store);
    moat_module_delete(module);
}

// Two modules with different images, and plain memories, taking turns with the pool;
// modules deleted while the pool still holds their images.
static void test_alternate(moat_engine *engine) {
    for (int round = 0; round < 6; round++) {
        moat_module *modules[2];
        for (variant = 0; variant < 2; variant++)
            modules[variant] = image_module(engine);
        for (int i = 0; i < 12; i++) {
            variant = (unsigned)(i * 7 / 3 + round) % 2;
            fill_expected();
            moat_store *store = moat_store_new(engine);
            moat_trap *trap;
            moat_instance *inst = instantiate(store, modules[variant], NULL, 0, &trap);
            CHECK(inst != NULL);
            if (inst) {
                check_fresh(inst);
                scribble(inst);
            }
            if (i % 3 == 0) { // a memory of no module takes a reservation too
                moat_memorytype mt = {{2, 0, false}};
                moat_memory *mem = NULL;
                moat_error *err = moat_memory_new(store, &mt, &mem);
                CHECK(!err && mem && all_zero(moat_memory_data(mem), 2 * PAGE));
                if (mem) memset(moat_memory_data(mem), 0x99, 2 * PAGE);
                if (err) moat_error_delete(err);
            }
            moat_store_delete(store);
        }
        moat_module_delete(modules[0]);
        moat_module_delete(modules[1]);
    }
    variant = 0;
    fill_expected();
}

// Lines of /proc/self/maps that map an image file (-1 without /proc).
static int image_mappings(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "moat-memory-image")) n++;
    fclose(f);
    return n;
}

// The same with no trap: the image is mapped at the data segments' step. Released, the
// memory must not come back with the image's bytes for a memory of no module.
static void test_elem_then_data(moat_engine *engine) {
    char *t = text_buf();
    size_t n = (size_t)sprintf(t, "(module (import \"env\" \"tab\" (table 1 funcref))\n"
                                  "(memory (export \"memory\") 1)\n"
                                  "(func $peek (result i32) i32.const 0 i32.load8_u)\n"
                                  "(elem (i32.const 0) $peek)\n");
    n += put_data(t + n, "i32.const 0", 1, SEG_LEN);
    sprintf(t + n, ")");
    moat_module *module = module_from_wat(engine, t);
    free(t);
    CHECK(module != NULL);
    for (int round = 0; module && round < 4; round++) {
        moat_store *store = moat_store_new(engine);
        moat_tabletype tt = {.elem = MOAT_FUNCREF, .limits = {1, 0, false}};
        moat_val null = {.kind = MOAT_FUNCREF, .of.funcref = NULL};
        moat_table *table = NULL;
        moat_error *err = moat_table_new(store, &tt, &null, &table);
        CHECK(!err);
        moat_extern imp = {.kind = MOAT_EXTERN_TABLE, .of.table = table};
        moat_trap *trap;
        moat_instance *inst = err ? NULL : instantiate(store, module, &imp, 1, &trap);
        CHECK(inst != NULL);
        moat_memory *mem = inst ? memory_of(inst) : NULL;
        if (mem) {
            const uint8_t *p = moat_memory_data(mem);
            bool ok = all_zero(p + SEG_LEN, PAGE - SEG_LEN);
            for (uint32_t i = 0; i < SEG_LEN; i++)
                ok = ok && p[i] == seg_byte(1, i);
            CHECK(ok);
            memset(moat_memory_data(mem), 0x42, 100);
        }
        moat_store_delete(store);
        store = moat_store_new(engine);
        moat_memorytype mt = {{1, 0, false}};
        err = moat_memory_new(store, &mt, &mem);
        CHECK(!err && all_zero(moat_memory_data(mem), PAGE));
        if (err) moat_error_delete(err);
        moat_store_delete(store);
    }
    moat_module_delete(module);
}

struct thread_arg {
    moat_engine *engine;
    moat_module *module;
    int bad;
};

static void *thread_main(void *p) {
    struct thread_arg *a = p;
    for (int i = 0; i < 30; i++) {
        moat_store *store = moat_store_new(a->engine);
        moat_instance *inst = NULL;
        moat_trap *trap = NULL;
        moat_error *err = moat_instance_new(store, a->module, NULL, 0, &inst, &trap);
        moat_memory *mem = err || trap ? NULL : memory_of(inst);
        if (!mem || memcmp(moat_memory_data(mem), expected, sizeof expected) != 0)
            a->bad++;
        else
            memset(moat_memory_data(mem), 0x77, PAGES * PAGE);
        if (err) moat_error_delete(err);
        if (trap) moat_trap_delete(trap);
        moat_store_delete(store);
    }
    return NULL;
}

// Several threads, each with its own stores, share one module (whose image is built by
// whichever comes first) and the engine's pool.
static void test_threads(moat_engine *engine) {
    moat_module *module = image_module(engine);
    CHECK(module != NULL);
    if (!module) return;
    enum { N = 4 };
    pthread_t th[N];
    struct thread_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (struct thread_arg){engine, module, 0};
        CHECK(pthread_create(&th[i], NULL, thread_main, &args[i]) == 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(args[i].bad, 0);
    }
    moat_module_delete(module);
}

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

// The embedder's engine handle may go first: its stores, modules and linkers keep the
// engine alive (pooled reservations, image mappings), in either order of their own
// deletion. Under ASan a use-after-free here fails the test.
static void test_engine_deleted_first(bool bounds_checks) {
    for (int order = 0; order < 2; order++) {
        moat_engine *engine = engine_new(bounds_checks);
        CHECK(engine != NULL);
        if (!engine) return;
        moat_module *module = image_module(engine);
        moat_store *store = moat_store_new(engine);
        moat_linker *linker = moat_linker_new(engine);
        moat_engine_delete(engine);
        CHECK(module != NULL && store != NULL && linker != NULL);
        if (!module || !store || !linker) return;
        moat_instance *inst = NULL;
        moat_trap *trap = NULL;
        moat_error *err = moat_linker_instantiate(linker, store, module, &inst, &trap);
        CHECK(!err && !trap && inst != NULL);
        if (inst) check_fresh(inst);
        moat_linker_delete(linker);
        if (order == 0) {
            moat_store_delete(store); // the memory goes back to the engine's pool
            moat_module_delete(module);
        } else {
            moat_module_delete(module); // the instance still holds the module
            moat_store_delete(store);
        }
        if (err) moat_error_delete(err);
        if (trap) moat_trap_delete(trap);
    }
}

static void run_all(bool bounds_checks) {
    int fds = count_fds();
    moat_engine *engine = engine_new(bounds_checks);
    CHECK(engine != NULL);
    if (!engine) return;
    moat_module *module = image_module(engine);
    CHECK(module != NULL);
    if (module) {
        test_reuse(engine, module);
        test_grow(engine, module);
        moat_module_delete(module);
    }
    test_global_offset(engine);
    test_out_of_bounds(engine);
    test_elem_trap_first(engine);
    test_elem_then_data(engine);
    test_threads(engine);
    test_alternate(engine);
    test_engine_deleted_first(bounds_checks);
    // Every module is gone: no pooled memory may still map one's image.
    int maps = image_mappings();
    CHECK(maps <= 0);
    moat_engine_delete(engine);
    CHECK_EQ_INT(count_fds(), fds); // every image's descriptor closed with its module
}

int main(void) {
    fill_expected();
    run_all(false);
    run_all(true);
    TEST_DONE();
}
