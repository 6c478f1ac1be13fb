// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Store limits through the public header only (built against include/ and libmoat.so):
// fuel runs out and refills, an epoch deadline stops a guest that loops forever within
// 100 ms of the epoch bump, memory and table growth stop at the store's caps, and the
// value-stack size bounds recursion.
#define _POSIX_C_SOURCE 200809L // nanosleep, clock_gettime
#include "embed_modules.h"
#include "moat.h"
#include "test.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct guest {
    moat_engine *engine;
    moat_module *module;
    moat_store *store;
    moat_instance *instance;
};

// Instantiates limits.wat in a new engine; fuel/epoch switches as given.
static bool guest_new(struct guest *g, bool fuel, bool epoch, size_t wasm_stack) {
    moat_config *config = moat_config_new();
    moat_config_consume_fuel_set(config, fuel);
    moat_config_epoch_interruption_set(config, epoch);
    moat_config_max_wasm_stack_set(config, wasm_stack);
    memset(g, 0, sizeof *g);
    if (moat_engine_new(config, &g->engine)) return false;
    if (moat_module_new(g->engine, limits_wasm, limits_wasm_len, &g->module)) return false;
    g->store = moat_store_new(g->engine);
    return g->store != NULL;
}

static bool guest_instantiate(struct guest *g) {
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_new(g->store, g->module, NULL, 0, &g->instance, &trap);
    moat_error_delete(err);
    moat_trap_delete(trap);
    return !err && !trap;
}

static void guest_delete(struct guest *g) {
    moat_store_delete(g->store);
    moat_module_delete(g->module);
    moat_engine_delete(g->engine);
}

// Calls export `name` with one i32 (or none when nargs is 0); returns the trap kind (0 if
// none) and the i32 result in *out.
static int call_i32(struct guest *g, const char *name, size_t nargs, int32_t arg, size_t nresults,
                    int32_t *out) {
    moat_val args[1] = {{.kind = MOAT_I32, .of.i32 = arg}};
    moat_val results[1] = {{.kind = MOAT_I32}};
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_call(g->instance, name, args, nargs, results, nresults, &trap);
    if (err) {
        fprintf(stderr, "%s: %s\n", name, moat_error_message(err));
        moat_error_delete(err);
        return -1;
    }
    int kind = trap ? (int)moat_trap_kind_get(trap) : 0;
    moat_trap_delete(trap);
    if (!kind && out && nresults) *out = results[0].of.i32;
    return kind;
}

static void test_fuel(void) {
    struct guest g;
    CHECK(guest_new(&g, true, false, 0) && guest_instantiate(&g));
    uint64_t fuel = 99;
    CHECK(moat_store_fuel_get(g.store, &fuel) == NULL);
    CHECK_EQ_INT(fuel, 0); // a new store has no fuel: nothing runs
    int32_t r = 0;
    CHECK_EQ_INT(call_i32(&g, "count", 1, 10, 1, &r), MOAT_TRAP_OUT_OF_FUEL);

    // Enough fuel: count(1000) costs about 7 units per iteration (the loop body's
    // instructions) plus the function's own.
    CHECK(moat_store_fuel_set(g.store, 100000) == NULL);
    CHECK_EQ_INT(call_i32(&g, "count", 1, 1000, 1, &r), 0);
    CHECK_EQ_INT(r, 1000);
    CHECK(moat_store_fuel_get(g.store, &fuel) == NULL);
    CHECK(fuel < 100000 - 1000 && fuel > 100000 - 20 * 1000);

    // An exhausting guest gets "out of fuel", and the store can be refuelled and reused.
    CHECK(moat_store_fuel_set(g.store, 5000) == NULL);
    moat_trap *trap = NULL;
    CHECK(moat_instance_call(g.instance, "spin", NULL, 0, NULL, 0, &trap) == NULL);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_OUT_OF_FUEL);
    CHECK_CONTAINS(trap ? moat_trap_message(trap) : NULL, "out of fuel");
    CHECK(trap && moat_trap_frame_count(trap) == 1);
    moat_trap_delete(trap);
    CHECK(moat_store_fuel_get(g.store, &fuel) == NULL);
    CHECK(fuel < 5);
    // Recursion without loops is metered at function entry.
    CHECK(moat_store_fuel_set(g.store, 5000) == NULL);
    CHECK_EQ_INT(call_i32(&g, "spin_calls", 1, 40, 0, NULL), MOAT_TRAP_OUT_OF_FUEL);
    CHECK(moat_store_fuel_set(g.store, 100000) == NULL);
    CHECK_EQ_INT(call_i32(&g, "count", 1, 10, 1, &r), 0);
    CHECK_EQ_INT(r, 10);
    guest_delete(&g);

    // Without fuel in the config the fuel API refuses and code runs unmetered.
    CHECK(guest_new(&g, false, false, 0) && guest_instantiate(&g));
    moat_error *err = moat_store_fuel_set(g.store, 10);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API);
    moat_error_delete(err);
    err = moat_store_fuel_get(g.store, &fuel);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API);
    moat_error_delete(err);
    CHECK_EQ_INT(call_i32(&g, "count", 1, 100000, 1, &r), 0);
    guest_delete(&g);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct ticker {
    moat_engine *engine;
    int delay_ms;
    double bumped_at;
};

static void *tick_later(void *arg) {
    struct ticker *t = arg;
    struct timespec ts = {t->delay_ms / 1000, (long)(t->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    t->bumped_at = now_ms();
    moat_engine_increment_epoch(t->engine);
    return NULL;
}

// Runs `name` while another thread bumps the epoch after 50 ms; returns the trap kind and
// the time from the bump to the trap in *latency_ms.
static int interrupted_after_bump(struct guest *g, const char *name, size_t nargs,
                                  double *latency_ms) {
    moat_store_epoch_deadline_set(g->store, 1);
    struct ticker t = {g->engine, 50, 0};
    pthread_t thread;
    if (pthread_create(&thread, NULL, tick_later, &t) != 0) return -1;
    int kind = call_i32(g, name, nargs, 40, 0, NULL);
    double trapped_at = now_ms();
    pthread_join(thread, NULL);
    *latency_ms = trapped_at - t.bumped_at;
    return kind;
}

static void test_epoch(void) {
    struct guest g;
    CHECK(guest_new(&g, false, true, 0) && guest_instantiate(&g));
    // No deadline by default.
    int32_t r = 0;
    CHECK_EQ_INT(call_i32(&g, "count", 1, 100000, 1, &r), 0);
    // A deadline 0 ticks ahead has passed: the next check traps.
    moat_store_epoch_deadline_set(g.store, 0);
    CHECK_EQ_INT(call_i32(&g, "count", 1, 10, 1, &r), MOAT_TRAP_INTERRUPTED);

    // A guest that loops forever stops within 100 ms of the bump (the bound;
    // in practice well under a millisecond).
    double latency = 1e9;
    CHECK_EQ_INT(interrupted_after_bump(&g, "spin", 0, &latency), MOAT_TRAP_INTERRUPTED);
    printf("epoch: loop stopped %.3f ms after the bump\n", latency);
    CHECK(latency >= 0 && latency < 100);
    latency = 1e9;
    CHECK_EQ_INT(interrupted_after_bump(&g, "spin_calls", 1, &latency), MOAT_TRAP_INTERRUPTED);
    printf("epoch: recursion stopped %.3f ms after the bump\n", latency);
    CHECK(latency >= 0 && latency < 100);

    // The trap says "interrupted"; the store runs again with a new deadline.
    moat_store_epoch_deadline_set(g.store, 0);
    moat_trap *trap = NULL;
    CHECK(moat_instance_call(g.instance, "spin", NULL, 0, NULL, 0, &trap) == NULL);
    CHECK_CONTAINS(trap ? moat_trap_message(trap) : NULL, "interrupted");
    moat_trap_delete(trap);
    moat_store_epoch_deadline_set(g.store, 1000);
    CHECK_EQ_INT(call_i32(&g, "count", 1, 10, 1, &r), 0);
    guest_delete(&g);

    // Fuel and epochs together: whichever comes first.
    CHECK(guest_new(&g, true, true, 0) && guest_instantiate(&g));
    CHECK(moat_store_fuel_set(g.store, UINT64_MAX) == NULL);
    CHECK_EQ_INT(interrupted_after_bump(&g, "spin", 0, &latency), MOAT_TRAP_INTERRUPTED);
    CHECK(latency >= 0 && latency < 100);
    moat_store_epoch_deadline_set(g.store, 1000);
    CHECK(moat_store_fuel_set(g.store, 1000) == NULL);
    CHECK_EQ_INT(call_i32(&g, "spin", 0, 0, 0, NULL), MOAT_TRAP_OUT_OF_FUEL);
    guest_delete(&g);
}

static void test_memory_and_table_caps(void) {
    struct guest g;
    CHECK(guest_new(&g, false, false, 0));
    moat_store_max_memory_size_set(g.store, 4 * 65536);
    moat_store_max_table_elements_set(g.store, 10);
    CHECK(guest_instantiate(&g));
    int32_t r = 0;
    CHECK_EQ_INT(call_i32(&g, "grow", 1, 2, 1, &r), 0);
    CHECK_EQ_INT(r, 1); // old size
    CHECK_EQ_INT(call_i32(&g, "grow", 1, 2, 1, &r), 0);
    CHECK_EQ_INT(r, -1); // 5 pages > 4: refused the way the spec allows
    CHECK_EQ_INT(call_i32(&g, "grow_forever", 0, 0, 1, &r), 0);
    CHECK_EQ_INT(r, 4);
    moat_extern mem;
    CHECK(moat_instance_export_get(g.instance, moat_name_from("memory"), &mem));
    CHECK_EQ_INT(moat_memory_data_size(mem.of.memory), 4 * 65536);
    moat_error *err = moat_memory_grow(mem.of.memory, 1, NULL);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_RESOURCE);
    moat_error_delete(err);

    CHECK_EQ_INT(call_i32(&g, "table_grow", 1, 9, 1, &r), 0);
    CHECK_EQ_INT(r, 1);
    CHECK_EQ_INT(call_i32(&g, "table_grow", 1, 1, 1, &r), 0);
    CHECK_EQ_INT(r, -1);

    // A module whose memory starts above the cap does not instantiate.
    moat_module *big = NULL;
    CHECK(moat_module_new(g.engine, big_memory_wasm, big_memory_wasm_len, &big) == NULL);
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    err = moat_instance_new(g.store, big, NULL, 0, &inst, &trap);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_RESOURCE);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "limit");
    moat_error_delete(err);
    // So does a host-made memory.
    moat_memorytype mt = {{8, 0, false}};
    moat_memory *hm = NULL;
    err = moat_memory_new(g.store, &mt, &hm);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_RESOURCE);
    moat_error_delete(err);
    moat_module_delete(big);
    guest_delete(&g);
}

static void test_wasm_stack(void) {
    // 64 KiB of value stack: "deep" (9 slots a frame + temporaries) runs out after a
    // few thousand frames, well before the default call depth of 20000.
    struct guest g;
    CHECK(guest_new(&g, false, false, 64 * 1024) && guest_instantiate(&g));
    moat_trap *trap = NULL;
    moat_val arg = {.kind = MOAT_I32, .of.i32 = 0}, res = {.kind = MOAT_I32};
    CHECK(moat_instance_call(g.instance, "deep", &arg, 1, &res, 1, &trap) == NULL);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_STACK_EXHAUSTED);
    size_t frames = trap ? moat_trap_frame_count(trap) : 0;
    printf("wasm stack: 64 KiB held %zu frames of \"deep\"\n", frames);
    CHECK(frames > 100 && frames < 64 * 1024 / 8 / 8);
    moat_trap_delete(trap);
    guest_delete(&g);
}

int main(void) {
    test_fuel();
    test_epoch();
    test_memory_and_table_caps();
    test_wasm_stack();
    TEST_DONE();
}
