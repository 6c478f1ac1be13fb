// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Interpreter edge cases the spec suite touches only lightly: the translator's pending
// local.get values, retargeted destinations, value-carrying branches, permuting
// multi-value returns, fused compare-and-branch; and the per-store state across deep
// recursion, stack exhaustion and nested host -> wasm -> host entries (including traps
// from the inner entry). Runs with guard pages and with bounds checks.
#include "moat.h"
#include "test.h"

#include "interp_modules.h"

enum { MODE_NEST, MODE_TRAP };

struct host {
    int mode;
    moat_func *via_host, *trap_inner;
};

// reenter(n): MODE_NEST returns via_host(n - 1) (= n) or 0; MODE_TRAP returns the trap of
// trap_inner(0).
static moat_trap *host_reenter(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                               moat_val *results, size_t nresults) {
    struct host *h = env;
    moat_store *store = moat_caller_store(caller);
    moat_trap *trap = NULL;
    moat_val in = {.kind = MOAT_I32, .of.i32 = 0};
    moat_error *err = NULL;
    if (h->mode == MODE_TRAP) {
        err = moat_func_call(store, h->trap_inner, &in, 1, results, 1, &trap);
    } else if (args[0].of.i32 == 0) {
        results[0].of.i32 = 0;
    } else {
        in.of.i32 = args[0].of.i32 - 1;
        err = moat_func_call(store, h->via_host, &in, 1, results, 1, &trap);
    }
    if (err) {
        moat_error_delete(err);
        return moat_trap_new("re-entrant call failed");
    }
    return trap;
}

static moat_func *func(moat_instance *inst, const char *name) {
    moat_extern ext;
    if (!moat_instance_export_get(inst, moat_name_from(name), &ext) || ext.kind != MOAT_EXTERN_FUNC)
        return NULL;
    return ext.of.func;
}

// Calls `name` with i32 (or, for kinds[i] == MOAT_I64, i64) arguments; returns the first
// result, or INT32_MIN after a trap (message in *msg when asked).
static int64_t call(moat_store *store, moat_instance *inst, const char *name, int n,
                    const int64_t *args, const moat_valkind *kinds, moat_val *out, size_t nout,
                    char *msg) {
    moat_val in[4];
    for (int i = 0; i < n; i++) {
        in[i].kind = kinds ? kinds[i] : MOAT_I32;
        if (in[i].kind == MOAT_I64)
            in[i].of.i64 = args[i];
        else
            in[i].of.i32 = (int32_t)args[i];
    }
    moat_val res[4];
    moat_val *r = out ? out : res;
    moat_trap *trap = NULL;
    moat_func *f = func(inst, name);
    if (!f) return INT32_MIN + 1;
    moat_error *err = moat_func_call(store, f, in, (size_t)n, r, out ? nout : 1, &trap);
    if (err) {
        fprintf(stderr, "%s: %s\n", name, moat_error_message(err));
        moat_error_delete(err);
        return INT32_MIN + 2;
    }
    if (trap) {
        if (msg) snprintf(msg, 128, "%s", moat_trap_message(trap));
        moat_trap_delete(trap);
        return INT32_MIN;
    }
    return r[0].of.i32;
}

#define CALL1(name, a)    call(store, inst, name, 1, (const int64_t[]){a}, NULL, NULL, 0, NULL)
#define CALL2(name, a, b) call(store, inst, name, 2, (const int64_t[]){a, b}, NULL, NULL, 0, NULL)

static void run_all(bool bounds_checks) {
    moat_config *config = moat_config_new();
    moat_config_bounds_checks_set(config, bounds_checks);
    moat_engine *engine = NULL;
    CHECK(moat_engine_new(config, &engine) == NULL);
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, interp_edges_wasm, sizeof interp_edges_wasm, &module);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "%s\n", moat_error_message(err));
        moat_error_delete(err);
        moat_engine_delete(engine);
        return;
    }
    moat_store *store = moat_store_new(engine);
    moat_valkind i32 = MOAT_I32;
    moat_functype *type = moat_functype_new(&i32, 1, &i32, 1);
    struct host h = {MODE_NEST, NULL, NULL};
    moat_func *reenter = NULL;
    CHECK(moat_func_new(store, type, host_reenter, &h, NULL, &reenter) == NULL);
    moat_extern imports[1] = {{.kind = MOAT_EXTERN_FUNC, .of.func = reenter}};
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    CHECK(moat_instance_new(store, module, imports, 1, &inst, &trap) == NULL && !trap);
    if (!inst) goto done;
    h.via_host = func(inst, "via_host");
    h.trap_inner = func(inst, "trap_inner");

    CHECK_EQ_INT(CALL1("preserve", 3), 8);
    CHECK_EQ_INT(CALL2("preserve_if", 3, 0), 0);
    CHECK_EQ_INT(CALL2("preserve_if", 3, 1), 3 - 100);
    CHECK_EQ_INT(CALL1("tee", 5), 30);
    CHECK_EQ_INT(CALL1("tee_pending", 5), 5 * 6 + 6);
    moat_val two[3];
    CHECK_EQ_INT(call(store, inst, "swap", 2, (const int64_t[]){1, 2}, NULL, two, 2, NULL), 2);
    CHECK_EQ_INT(two[1].of.i32, 1);
    CHECK_EQ_INT(call(store, inst, "swap3", 3, (const int64_t[]){1, 2, 3}, NULL, two, 3, NULL), 3);
    CHECK_EQ_INT(two[1].of.i32, 1);
    CHECK_EQ_INT(two[2].of.i32, 2);
    CHECK_EQ_INT(CALL1("br_if_value", 1), 1007);
    CHECK_EQ_INT(CALL1("br_if_value", 0), 1009);
    CHECK_EQ_INT(CALL2("br_if_local", 1, 42), 42);
    CHECK_EQ_INT(CALL2("br_if_local", 0, 42), 9);
    CHECK_EQ_INT(CALL1("br_table_values", 0), 110);
    CHECK_EQ_INT(CALL1("br_table_values", 1), 101);
    CHECK_EQ_INT(CALL1("br_table_values", 2), 2);
    CHECK_EQ_INT(CALL1("br_table_values", 3), 3);
    CHECK_EQ_INT(CALL1("br_table_values", 99), 99);
    CHECK_EQ_INT(CALL1("loop_params", 4), 4 + 3 + 2 + 1 + 0);
    const moat_valkind ki[2] = {MOAT_I64, MOAT_I32};
    CHECK_EQ_INT(
        call(store, inst, "cmp_if", 2, (const int64_t[]){-5000000001LL, 0}, ki, NULL, 0, NULL), 1);
    CHECK_EQ_INT(
        call(store, inst, "cmp_if", 2, (const int64_t[]){-5000000000LL, 7}, ki, NULL, 0, NULL), 2);
    CHECK_EQ_INT(call(store, inst, "cmp_if", 2, (const int64_t[]){0, 6}, ki, NULL, 0, NULL), 3);
    CHECK_EQ_INT(CALL1("count", 1000), 2000);
    char msg[128] = "";
    CHECK_EQ_INT(CALL1("lazy_set", 3), 107);
    CHECK_EQ_INT(CALL2("lazy_shl_set", 3, 5), 29);
    CHECK_EQ_INT(CALL1("lazy_block", 3), 9);
    CHECK_EQ_INT(CALL2("lazy_br_if", 3, 1), 13);
    CHECK_EQ_INT(CALL2("lazy_br_if", 3, 0), 3);
    CHECK_EQ_INT(call(store, inst, "lazy_ret2", 2, (const int64_t[]){100, 3}, NULL, two, 2, NULL),
                 4);
    CHECK_EQ_INT(two[1].of.i32, 112);
    CHECK_EQ_INT(CALL1("lazy_br_table", 1), 10);
    CHECK_EQ_INT(CALL1("lazy_br_table", 2), 20);
    CHECK_EQ_INT(CALL1("lazy_br_table", 0), 20);
    CHECK_EQ_INT(
        call(store, inst, "mem_x", 3, (const int64_t[]){1000, 5, 1234}, NULL, NULL, 0, NULL), 1234);
    CHECK_EQ_INT(CALL2("mem_retarget", 2000, 3000), 99);
    CHECK_EQ_INT(
        call(store, inst, "mem_three_terms", 3, (const int64_t[]){100, 1, 3}, NULL, NULL, 0, NULL),
        55);
    CHECK_EQ_INT(CALL2("mem_temp_base", 300, 400), 42);
    CHECK_EQ_INT(CALL2("add2", 5, 0), 16 - 600);
    CHECK_EQ_INT(CALL1("tee_set", 9), 5005);
    CHECK_EQ_INT(CALL2("mem_move_x", 2000, 1), 5);
    msg[0] = 0;
    CHECK_EQ_INT(
        call(store, inst, "mem_move_x", 2, (const int64_t[]){65534, 1}, NULL, NULL, 0, msg),
        INT32_MIN);
    CHECK_CONTAINS(msg, "out of bounds memory access");
    CHECK_EQ_INT(CALL1("strlen8", 512), 515000);
    CHECK_EQ_INT(CALL1("skip8", 519), 522);
    msg[0] = 0;
    CHECK_EQ_INT(call(store, inst, "strlen8", 1, (const int64_t[]){65536}, NULL, NULL, 0, msg),
                 INT32_MIN);
    CHECK_CONTAINS(msg, "out of bounds memory access");
    CHECK_EQ_INT(CALL1("br_table_load", 0), 20);
    CHECK_EQ_INT(CALL1("br_table_load", 1), 10);
    CHECK_EQ_INT(CALL1("br_table_load", 2), 20);
    msg[0] = 0;
    CHECK_EQ_INT(
        call(store, inst, "br_table_load", 1, (const int64_t[]){0x4000}, NULL, NULL, 0, msg),
        INT32_MIN);
    CHECK_CONTAINS(msg, "out of bounds memory access");
    // Memory-to-memory moves: 600.. holds 08 07 06 05 04 03 02 01; 700.. gets 07 06 05 04
    // (the store32 after the store8 to 703), 06 05 00 00, then the eight bytes.
    CHECK_EQ_INT(CALL2("mem_move", 600, 700), (int32_t)(0x04050607u + 0x0506u + 0x05060708u));
    msg[0] = 0;
    CHECK_EQ_INT(
        call(store, inst, "mem_move", 2, (const int64_t[]){65536 - 4, 0}, NULL, NULL, 0, msg),
        INT32_MIN);
    CHECK_CONTAINS(msg, "out of bounds memory access");
    msg[0] = 0;
    CHECK_EQ_INT(
        call(store, inst, "mem_x", 3, (const int64_t[]){65536 - 12, 1, 0}, NULL, NULL, 0, msg),
        INT32_MIN);
    CHECK_CONTAINS(msg, "out of bounds memory access");

    // Deep recursion, exhaustion, and a working store afterwards.
    msg[0] = 0;
    CHECK_EQ_INT(CALL1("deep", 15000), 15000);
    CHECK_EQ_INT(call(store, inst, "deep", 1, (const int64_t[]){100000}, NULL, NULL, 0, msg),
                 INT32_MIN);
    CHECK_CONTAINS(msg, "call stack exhausted");
    CHECK_EQ_INT(CALL1("deep", 100), 100);

    // host -> wasm -> host -> wasm ... nesting, then too deep, then a trap from inside.
    CHECK_EQ_INT(CALL1("via_host", 50), 51);
    msg[0] = 0;
    CHECK_EQ_INT(call(store, inst, "via_host", 1, (const int64_t[]){100000}, NULL, NULL, 0, msg),
                 INT32_MIN);
    CHECK_CONTAINS(msg, "call stack exhausted");
    h.mode = MODE_TRAP;
    msg[0] = 0;
    CHECK_EQ_INT(call(store, inst, "via_host", 1, (const int64_t[]){1}, NULL, NULL, 0, msg),
                 INT32_MIN);
    CHECK_CONTAINS(msg, "integer divide by zero");
    h.mode = MODE_NEST;
    CHECK_EQ_INT(CALL1("via_host", 3), 4);
    CHECK_EQ_INT(CALL1("deep", 15000), 15000);

done:
    moat_store_delete(store);
    moat_functype_delete(type);
    moat_module_delete(module);
    moat_engine_delete(engine);
}

int main(void) {
    run_all(false);
    run_all(true);
    TEST_DONE();
}
