// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Host->wasm calls through moat_func_call's fast and general paths (rt/func.c,
// exec/interp/run.c): API misuse is an error before and after the code is cached; values
// of every kind arrive and return intact; traps, guard faults, fuel, epochs and stack
// exhaustion leave the store usable; a nested entry that traps returns to the right
// recovery point and instance. Store isolation: no function, memory, table or global of
// one store reaches another (imports, funcref arguments, tables, globals, host results),
// and memories reused from the engine's pool show nothing of their previous owner.
#include "moat.h"
#include "test.h"
#include "wat_module.h"

#include <pthread.h>
#include <stdlib.h>

static moat_engine *engine_new(bool bounds_checks, bool fuel, bool epochs, size_t wasm_stack) {
    moat_config *config = moat_config_new();
    moat_config_bounds_checks_set(config, bounds_checks);
    moat_config_consume_fuel_set(config, fuel);
    moat_config_epoch_interruption_set(config, epochs);
    if (wasm_stack) moat_config_max_wasm_stack_set(config, wasm_stack);
    moat_engine *engine = NULL;
    moat_error *err = moat_engine_new(config, &engine);
    if (err) moat_error_delete(err);
    return engine;
}

static moat_instance *instantiate(moat_store *store, const moat_module *module,
                                  const moat_extern *imports, size_t n) {
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_new(store, module, imports, n, &inst, &trap);
    if (err) {
        fprintf(stderr, "instantiate: %s\n", moat_error_message(err));
        moat_error_delete(err);
        return NULL;
    }
    if (trap) moat_trap_delete(trap);
    return trap ? NULL : inst;
}

static moat_extern export_of(moat_instance *inst, const char *name) {
    moat_extern ext = {0};
    CHECK(moat_instance_export_get(inst, moat_name_from(name), &ext));
    return ext;
}

static moat_val i32v(int32_t v) {
    moat_val val = {.kind = MOAT_I32, .of.i32 = v};
    return val;
}

// Calls `name` with i32 arguments and one i32 result: the result, or -1000 - trap kind
// on a trap (with *message set if not NULL), or -2000 on an error.
static int32_t call1(moat_instance *inst, const char *name, const moat_val *args, size_t n,
                     char *message) {
    moat_val result = {.kind = MOAT_I32, .of.i32 = -1};
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_call(inst, name, args, n, &result, 1, &trap);
    if (err) {
        fprintf(stderr, "call %s: %s\n", name, moat_error_message(err));
        moat_error_delete(err);
        return -2000;
    }
    if (trap) {
        int32_t kind = (int32_t)moat_trap_kind_get(trap);
        if (message) snprintf(message, 256, "%s", moat_trap_message(trap));
        moat_trap_delete(trap);
        return -1000 - kind;
    }
    return result.of.i32;
}

static const char *const calls_wat =
    "(module\n"
    "  (import \"host\" \"cb\" (func $cb (param i32) (result i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (table (export \"table\") 2 funcref)\n"
    "  (global (export \"g\") (mut funcref) (ref.null func))\n"
    "  (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))\n"
    "  (func (export \"widen\") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))\n"
    "  (func (export \"f32bits\") (param f32) (result i64)\n"
    "    (i64.extend_i32_u (i32.reinterpret_f32 (local.get 0))))\n"
    "  (func (export \"swap\") (param externref funcref) (result funcref externref)\n"
    "    (local.get 1) (local.get 0))\n"
    "  (func (export \"store_ref\") (param funcref) (table.set (i32.const 0) (local.get 0)))\n"
    "  (func (export \"call_ref\") (param i32) (result i32)\n"
    "    (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))\n"
    "  (func (export \"vadd\") (param v128 i32) (result v128)\n"
    "    (i32x4.add (local.get 0) (i32x4.splat (local.get 1))))\n"
    "  (func (export \"div\") (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))\n"
    "  (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))\n"
    "  (func (export \"put\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))\n"
    "  (func $rec (export \"rec\") (param i32) (result i32)\n"
    "    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))\n"
    "  (func (export \"spin\") (param i32) (result i32)\n"
    "    (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (br_if $l (i32.ne (local.get 0) (i32.const 0))))\n"
    "    (i32.const 7))\n"
    "  ;; put x at 16, let the host call back (which may touch another instance's memory\n"
    "  ;; at 16, and trap), then load 16 from this instance's memory.\n"
    "  (func (export \"outer\") (param i32) (result i32)\n"
    "    (i32.store (i32.const 16) (local.get 0))\n"
    "    (drop (call $cb (local.get 0)))\n"
    "    (i32.load (i32.const 16))))\n";

// The host callback: env selects what it does with the instance in `partner`.
enum cb_mode {
    CB_PUT_OTHER,
    CB_TRAP_OTHER,
    CB_FAULT_OTHER,
    CB_PASS_TRAP,
    CB_BAD_KIND,
    CB_FOREIGN_REF
};
static enum cb_mode cb_mode;
static moat_instance *partner;
static moat_func *foreign_func; // a function of another store

static moat_trap *cb(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                     moat_val *results, size_t nresults) {
    (void)env, (void)nargs, (void)nresults;
    moat_trap *trap = NULL;
    moat_error *err = NULL;
    switch (cb_mode) {
    case CB_PUT_OTHER: {
        moat_val a[2] = {i32v(16), i32v(args[0].of.i32 + 1000)};
        err = moat_instance_call(partner, "put", a, 2, NULL, 0, &trap);
        break;
    }
    case CB_TRAP_OTHER: {
        moat_val a = i32v(0);
        err = moat_instance_call(partner, "div", &a, 1, results, 1, &trap);
        break;
    }
    case CB_FAULT_OTHER:
    case CB_PASS_TRAP: {
        moat_val a = i32v(70000);
        err = moat_instance_call(partner, "load", &a, 1, results, 1, &trap);
        break;
    }
    case CB_BAD_KIND:
        results[0].kind = MOAT_EXTERNREF;
        results[0].of.externref = (void *)caller;
        return NULL;
    case CB_FOREIGN_REF:
        results[0].kind = MOAT_FUNCREF;
        results[0].of.funcref = foreign_func;
        return NULL;
    }
    CHECK(!err);
    if (err) moat_error_delete(err);
    if (cb_mode == CB_PASS_TRAP) return trap; // hand the inner trap on
    CHECK(trap || cb_mode == CB_PUT_OTHER);
    moat_trap_delete(trap);
    results[0] = i32v(5);
    return NULL;
}

struct env {
    moat_engine *engine;
    moat_module *module;
    moat_store *store;
    moat_func *cb;
    moat_instance *a, *b; // two instances of the module in `store`
};

static bool env_new(struct env *e, moat_engine *engine) {
    memset(e, 0, sizeof *e);
    e->engine = engine;
    e->module = module_from_wat(engine, calls_wat);
    if (!e->module) return false;
    e->store = moat_store_new(engine);
    moat_valkind i32 = MOAT_I32;
    moat_functype *type = moat_functype_new(&i32, 1, &i32, 1);
    moat_error *err = moat_func_new(e->store, type, cb, NULL, NULL, &e->cb);
    moat_functype_delete(type);
    if (err) {
        moat_error_delete(err);
        return false;
    }
    moat_extern imp = {.kind = MOAT_EXTERN_FUNC, .of.func = e->cb};
    e->a = instantiate(e->store, e->module, &imp, 1);
    e->b = instantiate(e->store, e->module, &imp, 1);
    return e->a && e->b;
}

static void env_delete(struct env *e) {
    moat_store_delete(e->store);
    moat_module_delete(e->module);
}

// Misuse is an error, nothing runs and results stay as they were, whether or not the
// function's code is cached yet (the first call takes the general path).
static void test_misuse(struct env *e) {
    moat_func *add = export_of(e->a, "add").of.func;
    for (int round = 0; round < 2; round++) {
        moat_val args[3] = {i32v(1), i32v(2), i32v(3)};
        moat_val result = {.kind = MOAT_I64, .of.i64 = 77};
        moat_trap *trap = (moat_trap *)&result; // must be reset to NULL
        moat_error *err = moat_func_call(e->store, add, args, 3, &result, 1, &trap);
        CHECK(err && !trap && result.kind == MOAT_I64 && result.of.i64 == 77);
        CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "takes 2 arguments");
        moat_error_delete(err);
        err = moat_func_call(e->store, add, args, 2, &result, 0, &trap);
        CHECK(err && !trap);
        moat_error_delete(err);
        args[1].kind = MOAT_F32;
        err = moat_func_call(e->store, add, args, 2, &result, 1, &trap);
        CHECK(err && !trap && result.of.i64 == 77);
        CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "argument 1");
        moat_error_delete(err);
        // Another store: an error, never a run on the wrong store's stacks.
        moat_store *other = moat_store_new(e->engine);
        args[1].kind = MOAT_I32;
        err = moat_func_call(other, add, args, 2, &result, 1, &trap);
        CHECK(err && !trap && result.of.i64 == 77);
        CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "another store");
        moat_error_delete(err);
        moat_store_delete(other);
        CHECK_EQ_INT(call1(e->a, "add", args, 2, NULL), 3); // caches the code
    }
}

// Values arrive and return as given: i32 and f32 without the union's upper bytes,
// references, v128 (general path), and a host function called directly.
static void test_values(struct env *e) {
    for (int round = 0; round < 2; round++) {
        moat_val arg = {.kind = MOAT_I64, .of.i64 = (int64_t)0xdeadbeef00000005ull};
        arg.kind = MOAT_I32;
        moat_val result = {.kind = MOAT_I32};
        moat_trap *trap = NULL;
        moat_error *err = moat_instance_call(e->a, "widen", &arg, 1, &result, 1, &trap);
        CHECK(!err && !trap && result.kind == MOAT_I64 && result.of.i64 == 5);
        arg.of.i64 = (int64_t)0xdeadbeef00000000ull;
        arg.of.f32 = 1.5f;
        arg.kind = MOAT_F32;
        err = moat_instance_call(e->a, "f32bits", &arg, 1, &result, 1, &trap);
        CHECK(!err && !trap && result.of.i64 == 0x3fc00000);

        moat_func *add = export_of(e->a, "add").of.func;
        moat_val refs[2] = {{.kind = MOAT_EXTERNREF, .of.externref = (void *)&refs},
                            {.kind = MOAT_FUNCREF, .of.funcref = add}};
        moat_val out[2] = {{.kind = MOAT_I32}, {.kind = MOAT_I32}};
        err = moat_instance_call(e->a, "swap", refs, 2, out, 2, &trap);
        CHECK(!err && !trap);
        CHECK(out[0].kind == MOAT_FUNCREF && out[0].of.funcref == add);
        CHECK(out[1].kind == MOAT_EXTERNREF && out[1].of.externref == (void *)&refs);
        refs[0].of.externref = NULL, refs[1].of.funcref = NULL;
        err = moat_instance_call(e->a, "swap", refs, 2, out, 2, &trap);
        CHECK(!err && !trap && !out[0].of.funcref && !out[1].of.externref);

        moat_val v[2] = {{.kind = MOAT_V128}, i32v(3)};
        for (int i = 0; i < 16; i++)
            v[0].of.v128[i] = (uint8_t)i;
        moat_val vr = {.kind = MOAT_I32};
        err = moat_instance_call(e->a, "vadd", v, 2, &vr, 1, &trap);
        CHECK(!err && !trap && vr.kind == MOAT_V128 && vr.of.v128[0] == 3 && vr.of.v128[4] == 7
              && vr.of.v128[15] == 15);

        cb_mode = CB_PUT_OTHER;
        partner = e->b;
        moat_val x = i32v(4), r = {.kind = MOAT_F64};
        err = moat_func_call(e->store, e->cb, &x, 1, &r, 1, &trap);
        CHECK(!err && !trap && r.kind == MOAT_I32 && r.of.i32 == 5);
        x.kind = MOAT_I64;
        err = moat_func_call(e->store, e->cb, &x, 1, &r, 1, &trap);
        CHECK(err && !trap);
        moat_error_delete(err);
    }
}

// A trap or a guard fault leaves the store usable, on the fast path as on the first call.
static void test_traps(struct env *e) {
    char message[256];
    for (int round = 0; round < 3; round++) {
        moat_val zero = i32v(0), four = i32v(4), far = i32v(65535);
        CHECK_EQ_INT(call1(e->a, "div", &zero, 1, message),
                     -1000 - MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO);
        CHECK_EQ_INT(call1(e->a, "div", &four, 1, NULL), 25);
        CHECK_EQ_INT(call1(e->a, "load", &far, 1, message), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHECK_CONTAINS(message, "out of bounds");
        moat_val big = i32v(-4);
        CHECK_EQ_INT(call1(e->a, "load", &big, 1, NULL), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHECK_EQ_INT(call1(e->a, "load", &four, 1, NULL), 0);
        CHECK_EQ_INT(call1(e->a, "rec", &zero, 1, message), -1000 - MOAT_TRAP_STACK_EXHAUSTED);
        CHECK_EQ_INT(call1(e->a, "div", &four, 1, NULL), 25);
    }
}

// Nested entries: wasm of instance a -> host -> wasm of instance b. Whatever b does
// (writes its memory, traps, faults), a's frame continues with a's memory; a trap the
// host hands on unwinds a too; then both instances still work.
static void test_nested(struct env *e) {
    char message[256];
    partner = e->b;
    moat_val x = i32v(42);
    for (int round = 0; round < 2; round++) {
        cb_mode = CB_PUT_OTHER;
        CHECK_EQ_INT(call1(e->a, "outer", &x, 1, NULL), 42);
        moat_val at = i32v(16);
        CHECK_EQ_INT(call1(e->b, "load", &at, 1, NULL), 1042);
        cb_mode = CB_TRAP_OTHER;
        CHECK_EQ_INT(call1(e->a, "outer", &x, 1, NULL), 42);
        cb_mode = CB_FAULT_OTHER;
        CHECK_EQ_INT(call1(e->a, "outer", &x, 1, NULL), 42);
        cb_mode = CB_PASS_TRAP;
        CHECK_EQ_INT(call1(e->a, "outer", &x, 1, message), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        // After all that, a top-level fault is still caught, and a's memory is a's.
        moat_val far = i32v(70000);
        CHECK_EQ_INT(call1(e->a, "load", &far, 1, NULL), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHECK_EQ_INT(call1(e->a, "load", &at, 1, NULL), 42);
        CHECK_EQ_INT(call1(e->b, "load", &at, 1, NULL), 1042);
    }
    // Many nested traps: each unwinds its control records (the call depth is 20000).
    cb_mode = CB_FAULT_OTHER;
    int ok = 0;
    for (int i = 0; i < 25000; i++)
        ok += call1(e->a, "outer", &x, 1, NULL) == 42;
    CHECK_EQ_INT(ok, 25000);
    moat_val zero = i32v(0);
    CHECK_EQ_INT(call1(e->a, "rec", &zero, 1, NULL), -1000 - MOAT_TRAP_STACK_EXHAUSTED);
}

// A host function's results must be of its result types and of its store.
static void test_host_results(struct env *e, moat_func *foreign) {
    char message[256];
    moat_val x = i32v(1);
    cb_mode = CB_BAD_KIND;
    CHECK_EQ_INT(call1(e->a, "outer", &x, 1, message), -1000 - MOAT_TRAP_HOST);
    CHECK_CONTAINS(message, "wrong type");
    foreign_func = foreign;
    cb_mode = CB_FOREIGN_REF;
    CHECK_EQ_INT(call1(e->a, "outer", &x, 1, message), -1000 - MOAT_TRAP_HOST);
    // A host function typed to return a funcref returns one of another store.
    moat_module *m =
        module_from_wat(e->engine, "(module (import \"h\" \"r\" (func (result funcref)))\n"
                                   "  (table 1 funcref)\n"
                                   "  (func (export \"f\") (result i32)\n"
                                   "    (table.set (i32.const 0) (call 0))\n"
                                   "    (call_indirect (param i32 i32) (result i32)\n"
                                   "      (i32.const 1) (i32.const 2) (i32.const 0))))");
    moat_valkind funcref = MOAT_FUNCREF;
    moat_functype *type = moat_functype_new(NULL, 0, &funcref, 1);
    moat_func *r = NULL;
    moat_error *err = moat_func_new(e->store, type, cb, NULL, NULL, &r);
    moat_functype_delete(type);
    CHECK(!err);
    moat_extern imp = {.kind = MOAT_EXTERN_FUNC, .of.func = r};
    moat_instance *inst = m && r ? instantiate(e->store, m, &imp, 1) : NULL;
    CHECK(inst);
    if (inst) {
        CHECK_EQ_INT(call1(inst, "f", NULL, 0, message), -1000 - MOAT_TRAP_HOST);
        CHECK_CONTAINS(message, "another store");
    }
    moat_module_delete(m);
    moat_val args[2] = {i32v(1), i32v(2)};
    CHECK_EQ_INT(call1(e->a, "add", args, 2, NULL), 3);
}

// Functions, memories, tables and globals of store `o` never reach store `e->store`.
static void test_store_isolation(struct env *e) {
    struct env o;
    if (!env_new(&o, e->engine)) {
        CHECK(0);
        env_delete(&o);
        return;
    }
    moat_func *foreign = export_of(o.a, "add").of.func;
    // A host function may call into another store (its own entry, its own recovery
    // point): a fault there comes back to the callback, and each store keeps its memory.
    moat_val x = i32v(42), at = i32v(16);
    partner = o.b;
    cb_mode = CB_FAULT_OTHER;
    CHECK_EQ_INT(call1(e->a, "outer", &x, 1, NULL), 42);
    cb_mode = CB_PUT_OTHER;
    CHECK_EQ_INT(call1(e->a, "outer", &x, 1, NULL), 42);
    CHECK_EQ_INT(call1(o.b, "load", &at, 1, NULL), 1042);
    moat_val far = i32v(70000);
    CHECK_EQ_INT(call1(e->a, "load", &far, 1, NULL), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
    CHECK_EQ_INT(call1(o.b, "load", &far, 1, NULL), -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
    // Imports: every kind of item of another store is refused.
    moat_extern imp = {.kind = MOAT_EXTERN_FUNC, .of.func = o.cb};
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    moat_error *err = moat_instance_new(e->store, e->module, &imp, 1, &inst, &trap);
    CHECK(err && !trap);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "another store");
    moat_error_delete(err);
    static const char *const import_wat[] = {
        "(module (import \"o\" \"x\" (memory 1)))",
        "(module (import \"o\" \"x\" (table 2 funcref)))",
        "(module (import \"o\" \"x\" (global (mut funcref))))",
    };
    const char *names[] = {"memory", "table", "g"};
    for (int i = 0; i < 3; i++) {
        moat_module *m = module_from_wat(e->engine, import_wat[i]);
        moat_extern item = export_of(o.a, names[i]);
        err = moat_instance_new(e->store, m, &item, 1, &inst, &trap);
        CHECK(err && !trap);
        CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "another store");
        moat_error_delete(err);
        moat_module_delete(m);
    }
    // Funcref values: arguments (first call and cached), tables, globals.
    for (int round = 0; round < 2; round++) {
        moat_val ref = {.kind = MOAT_FUNCREF, .of.funcref = foreign};
        err = moat_instance_call(e->a, "store_ref", &ref, 1, NULL, 0, &trap);
        CHECK(err && !trap);
        CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "another store");
        moat_error_delete(err);
        moat_val refs[2] = {{.kind = MOAT_EXTERNREF}, ref};
        moat_val out[2] = {{.kind = MOAT_I32}, {.kind = MOAT_I32}};
        err = moat_instance_call(e->a, "swap", refs, 2, out, 2, &trap);
        CHECK(err && !trap);
        moat_error_delete(err);
        ref.of.funcref = export_of(e->a, "div").of.func; // this store's: fine
        err = moat_instance_call(e->a, "store_ref", &ref, 1, NULL, 0, &trap);
        CHECK(!err && !trap);
        moat_val four = i32v(4);
        CHECK_EQ_INT(call1(e->a, "call_ref", &four, 1, NULL), 25);
    }
    moat_val ref = {.kind = MOAT_FUNCREF, .of.funcref = foreign};
    CHECK(!moat_table_set(export_of(e->a, "table").of.table, 0, &ref));
    moat_tabletype tt = {.elem = MOAT_FUNCREF, .limits = {1, 0, false}};
    moat_table *table = NULL;
    err = moat_table_new(e->store, &tt, &ref, &table);
    CHECK(err);
    moat_error_delete(err);
    err = moat_global_set(export_of(e->a, "g").of.global, &ref);
    CHECK(err);
    moat_error_delete(err);
    moat_globaltype gt = {.kind = MOAT_FUNCREF, .is_mutable = true};
    moat_global *global = NULL;
    err = moat_global_new(e->store, &gt, &ref, &global);
    CHECK(err);
    moat_error_delete(err);
    test_host_results(e, foreign);
    env_delete(&o);
}

// Fuel and epochs stop calls on the fast path, and the store runs again afterwards.
static void test_limits(bool bounds_checks) {
    struct env e;
    moat_engine *engine = engine_new(bounds_checks, true, true, 0);
    if (!env_new(&e, engine)) {
        CHECK(0);
        return;
    }
    moat_val n = i32v(1000000), args[2] = {i32v(1), i32v(2)};
    char message[256];
    CHECK_EQ_INT(call1(e.a, "add", args, 2, message), -1000 - MOAT_TRAP_OUT_OF_FUEL);
    moat_error_delete(moat_store_fuel_set(e.store, 1000));
    moat_store_epoch_deadline_set(e.store, 1000);
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(call1(e.a, "add", args, 2, NULL), 3);
    CHECK_EQ_INT(call1(e.a, "spin", &n, 1, NULL), -1000 - MOAT_TRAP_OUT_OF_FUEL);
    moat_error_delete(moat_store_fuel_set(e.store, 100000000));
    CHECK_EQ_INT(call1(e.a, "spin", &n, 1, NULL), 7);
    moat_store_epoch_deadline_set(e.store, 0);
    CHECK_EQ_INT(call1(e.a, "add", args, 2, NULL), -1000 - MOAT_TRAP_INTERRUPTED);
    CHECK_EQ_INT(call1(e.a, "spin", &n, 1, NULL), -1000 - MOAT_TRAP_INTERRUPTED);
    moat_store_epoch_deadline_set(e.store, 1000);
    CHECK_EQ_INT(call1(e.a, "add", args, 2, NULL), 3);
    env_delete(&e);
    moat_engine_delete(engine);

    // A small value stack: recursion exhausts it, and the next call runs.
    engine = engine_new(bounds_checks, false, false, 64);
    if (!env_new(&e, engine)) {
        CHECK(0);
        return;
    }
    moat_val zero = i32v(0);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(call1(e.a, "add", args, 2, NULL), 3);
        CHECK_EQ_INT(call1(e.a, "rec", &zero, 1, NULL), -1000 - MOAT_TRAP_STACK_EXHAUSTED);
    }
    env_delete(&e);
    moat_engine_delete(engine);
}

// Memories handed out again from the engine's pool start as their module says: all
// zeros after another module (same size, no image) filled, grew and bulk-copied its
// memory, or after the host filled a memory of its own; the image of one module after
// another module's image of the same size.
static void test_reuse(bool bounds_checks) {
    moat_engine *engine = engine_new(bounds_checks, false, false, 0);
    char *text = malloc(200000);
    const char *dirty_wat =
        "(module (memory (export \"memory\") 2 6) (data \"xyz\")\n"
        "  (func (export \"dirty\")\n"
        "    (memory.fill (i32.const 0) (i32.const 0xab) (i32.const 131072))\n"
        "    (drop (memory.grow (i32.const 3)))\n"
        "    (memory.fill (i32.const 131072) (i32.const 0xcd) (i32.const 196608))\n"
        "    (memory.copy (i32.const 300000) (i32.const 0) (i32.const 1000))\n"
        "    (memory.init 0 (i32.const 5) (i32.const 0) (i32.const 3))))\n";
    const char *clean_wat =
        "(module (memory (export \"memory\") 2 6)\n"
        "  (func (export \"grow\") (result i32) (memory.grow (i32.const 3))))\n";
    moat_module *dirty = module_from_wat(engine, dirty_wat),
                *clean = module_from_wat(engine, clean_wat);
    moat_module *img[2];
    for (int v = 0; v < 2; v++) {
        size_t n = (size_t)sprintf(text, "(module (memory (export \"memory\") 2 6) (data "
                                         "(i32.const 1000) \"");
        for (int i = 0; i < 20000; i++)
            n += (size_t)sprintf(text + n, "\\%02x", (unsigned)(v ? 0x11 : 0x22));
        sprintf(text + n, "\"))");
        img[v] = module_from_wat(engine, text);
    }
    uint8_t *buf = malloc(5 * 65536);
    for (int round = 0; round < 3; round++) {
        moat_store *s = moat_store_new(engine);
        moat_instance *d = instantiate(s, dirty, NULL, 0);
        moat_trap *trap = NULL;
        moat_error *err = d ? moat_instance_call(d, "dirty", NULL, 0, NULL, 0, &trap) : NULL;
        CHECK(d && !err && !trap);
        moat_memorytype mt = {.limits = {2, 6, true}};
        moat_memory *hm = NULL;
        err = moat_memory_new(s, &mt, &hm);
        CHECK(!err);
        if (hm) memset(moat_memory_data(hm), 0xef, 2 * 65536);
        moat_instance *i0 = instantiate(s, img[0], NULL, 0);
        if (i0) memset(moat_memory_data(export_of(i0, "memory").of.memory), 0x5a, 2 * 65536);
        moat_store_delete(s);

        s = moat_store_new(engine);
        for (int k = 0; k < 3; k++) {
            moat_instance *c = instantiate(s, clean, NULL, 0);
            moat_memory *m = c ? export_of(c, "memory").of.memory : NULL;
            CHECK(m && call1(c, "grow", NULL, 0, NULL) == 2);
            bool zero = m && moat_memory_read(m, 0, buf, 5 * 65536);
            for (size_t i = 0; zero && i < 5 * 65536; i++)
                zero = buf[i] == 0;
            CHECK(zero);
        }
        err = moat_memory_new(s, &mt, &hm);
        CHECK(!err);
        bool zero = hm && moat_memory_read(hm, 0, buf, 2 * 65536);
        for (size_t i = 0; zero && i < 2 * 65536; i++)
            zero = buf[i] == 0;
        CHECK(zero);
        moat_instance *i1 = instantiate(s, img[1], NULL, 0);
        moat_memory *m = i1 ? export_of(i1, "memory").of.memory : NULL;
        bool ok = m && moat_memory_read(m, 0, buf, 2 * 65536);
        for (size_t i = 0; ok && i < 2 * 65536; i++)
            ok = buf[i] == (i >= 1000 && i < 21000 ? 0x11 : 0);
        CHECK(ok);
        moat_store_delete(s);
    }
    free(buf);
    free(text);
    moat_module_delete(dirty);
    moat_module_delete(clean);
    moat_module_delete(img[0]);
    moat_module_delete(img[1]);
    moat_engine_delete(engine);
}

static void *fault_thread(void *p) {
    moat_engine *engine = p;
    struct env e;
    long good = 0;
    if (env_new(&e, engine)) {
        moat_val far = i32v(70000), four = i32v(4);
        for (int i = 0; i < 2000; i++) {
            good += call1(e.a, "load", &far, 1, NULL) == -1000 - MOAT_TRAP_MEMORY_OUT_OF_BOUNDS;
            good += call1(e.b, "div", &four, 1, NULL) == 25;
        }
    }
    env_delete(&e);
    return (void *)good;
}

// Threads with a store each: the first entries install the fault handler concurrently,
// and each thread's guard faults come back to its own recovery points.
static void test_threads(void) {
    moat_engine *engine = engine_new(false, false, false, 0);
    enum { N = 3 };
    pthread_t th[N];
    for (int i = 0; i < N; i++)
        CHECK(pthread_create(&th[i], NULL, fault_thread, engine) == 0);
    for (int i = 0; i < N; i++) {
        void *good = NULL;
        pthread_join(th[i], &good);
        CHECK_EQ_INT((long)good, 4000);
    }
    moat_engine_delete(engine);
}

int main(void) {
    test_threads(); // first: no entry has installed the fault handler yet
    for (int bounds_checks = 0; bounds_checks < 2; bounds_checks++) {
        moat_engine *engine = engine_new(bounds_checks, false, false, 0);
        struct env e;
        if (!env_new(&e, engine)) {
            CHECK(0);
            TEST_DONE();
        }
        test_misuse(&e);
        test_values(&e);
        test_traps(&e);
        test_nested(&e);
        test_store_isolation(&e);
        env_delete(&e);
        moat_engine_delete(engine);
        test_limits(bounds_checks);
        test_reuse(bounds_checks);
    }
    TEST_DONE();
}
