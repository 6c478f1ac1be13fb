// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The public API end to end: modules, calls, host functions and re-entrancy, traps with
// backtraces (including unbounded recursion: the host must survive), memories, tables,
// globals and linking errors. Every test runs with guard pages and with bounds checks.
#include "moat.h"
#include "test.h"

#include "api_modules.h"

#include <stdlib.h>

struct host_state {
    int32_t logged[4];
    int nlogged;
    bool saw_memory; // the caller's exported memory was visible to the host function
    moat_store *store;
    moat_func *add; // called back from the "reenter" host function
};

static moat_trap *host_log(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                           moat_val *results, size_t nresults) {
    struct host_state *st = env;
    if (args[0].of.i32 == 13) return moat_trap_new("thirteen is unlucky");
    st->saw_memory = moat_caller_memory(caller) != NULL;
    if (st->nlogged < 4) st->logged[st->nlogged++] = args[0].of.i32;
    return NULL;
}

// wasm -> host -> wasm: computes add(x, x) by calling back into the instance.
static moat_trap *host_reenter(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                               moat_val *results, size_t nresults) {
    struct host_state *st = env;
    moat_val in[2] = {args[0], args[0]};
    moat_trap *trap = NULL;
    moat_error *err = moat_func_call(moat_caller_store(caller), st->add, in, 2, results, 1, &trap);
    if (err) {
        moat_error_delete(err);
        return moat_trap_new("re-entrant call failed");
    }
    return trap;
}

static int finalized;
static void count_finalize(void *env) {
    finalized++;
}

static moat_func *export_func(moat_instance *inst, const char *name) {
    moat_extern ext;
    if (!moat_instance_export_get(inst, moat_name_from(name), &ext) || ext.kind != MOAT_EXTERN_FUNC)
        return NULL;
    return ext.of.func;
}

static moat_val i32v(int32_t v) {
    moat_val val = {.kind = MOAT_I32, .of.i32 = v};
    return val;
}

static void run_all(bool bounds_checks) {
    moat_config *config = moat_config_new();
    moat_config_bounds_checks_set(config, bounds_checks);
    moat_config_max_call_depth_set(config, 5000);
    moat_engine *engine = NULL;
    CHECK(moat_engine_new(config, &engine) == NULL);
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, api_add_wasm, sizeof api_add_wasm, &module);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "load: %s\n", moat_error_message(err));
        moat_error_delete(err);
        moat_engine_delete(engine);
        return;
    }
    moat_name name;
    CHECK(moat_module_name(module, &name) && name.len == 7);
    CHECK_EQ_INT(moat_module_import_count(module), 2);
    CHECK(moat_module_export_count(module) >= 8);

    moat_store *store = moat_store_new(engine);
    struct host_state st = {.store = store};
    moat_linker *linker = moat_linker_new(engine);

    // Instantiating without the imports names the missing one and its type.
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    err = moat_linker_instantiate(linker, store, module, &inst, &trap);
    CHECK(err != NULL);
    if (err) {
        CHECK_EQ_INT(moat_error_kind_get(err), MOAT_ERROR_UNLINKABLE);
        CHECK_CONTAINS(moat_error_message(err), "unknown import");
        CHECK_CONTAINS(moat_error_message(err), "\"env\" \"log\"");
        CHECK_CONTAINS(moat_error_message(err), "func (i32) -> ()");
        moat_error_delete(err);
    }

    moat_valkind i32 = MOAT_I32;
    moat_functype *log_type = moat_functype_new(&i32, 1, NULL, 0);
    moat_functype *reenter_type = moat_functype_new(&i32, 1, &i32, 1);
    moat_func *log_fn = NULL, *reenter_fn = NULL;
    finalized = 0;
    CHECK(moat_func_new(store, log_type, host_log, &st, count_finalize, &log_fn) == NULL);
    CHECK(moat_func_new(store, reenter_type, host_reenter, &st, NULL, &reenter_fn) == NULL);

    // A host function of the wrong type is refused with "incompatible import type".
    moat_extern wrong = {.kind = MOAT_EXTERN_FUNC, .of.func = reenter_fn};
    moat_linker_define(linker, moat_name_from("env"), moat_name_from("log"), &wrong);
    moat_extern right = {.kind = MOAT_EXTERN_FUNC, .of.func = reenter_fn};
    moat_linker_define(linker, moat_name_from("env"), moat_name_from("reenter"), &right);
    err = moat_linker_instantiate(linker, store, module, &inst, &trap);
    CHECK(err != NULL);
    if (err) {
        CHECK_CONTAINS(moat_error_message(err), "incompatible import type");
        moat_error_delete(err);
    }
    moat_extern log_ext = {.kind = MOAT_EXTERN_FUNC, .of.func = log_fn};
    moat_linker_define(linker, moat_name_from("env"), moat_name_from("log"), &log_ext);
    err = moat_linker_instantiate(linker, store, module, &inst, &trap);
    CHECK(err == NULL && trap == NULL);
    if (err || trap) {
        moat_error_delete(err);
        moat_trap_delete(trap);
        goto done;
    }

    // Plain call, arity and type errors.
    moat_func *add = export_func(inst, "add");
    st.add = add;
    moat_val args[2] = {i32v(40), i32v(2)}, res[1];
    CHECK(moat_func_call(store, add, args, 2, res, 1, &trap) == NULL && !trap);
    CHECK_EQ_INT(res[0].of.i32, 42);
    err = moat_func_call(store, add, args, 1, res, 1, &trap);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API);
    moat_error_delete(err);
    moat_val bad[2] = {{.kind = MOAT_I64, .of.i64 = 1}, i32v(2)};
    err = moat_func_call(store, add, bad, 2, res, 1, &trap);
    CHECK(err != NULL);
    if (err) CHECK_CONTAINS(moat_error_message(err), "argument 0 is i64, expected i32");
    moat_error_delete(err);

    // Host calls and a host trap carrying the host's message.
    moat_val one = i32v(5);
    CHECK(moat_func_call(store, export_func(inst, "log_twice"), &one, 1, NULL, 0, &trap) == NULL);
    CHECK(!trap);
    CHECK_EQ_INT(st.nlogged, 2);
    CHECK_EQ_INT(st.logged[1], 5);
    CHECK(st.saw_memory);
    moat_val thirteen = i32v(13);
    moat_func_call(store, export_func(inst, "log_twice"), &thirteen, 1, NULL, 0, &trap);
    CHECK(trap != NULL);
    if (trap) {
        CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_HOST);
        CHECK_CONTAINS(moat_trap_message(trap), "thirteen is unlucky");
        moat_trap_delete(trap);
    }

    // Re-entrancy: wasm -> host -> wasm.
    moat_val x = i32v(21);
    CHECK(moat_func_call(store, export_func(inst, "double_via_host"), &x, 1, res, 1, &trap)
          == NULL);
    CHECK(!trap);
    CHECK_EQ_INT(res[0].of.i32, 42);

    // Unbounded recursion becomes a trap, with a named backtrace; the host survives.
    moat_val zero = i32v(0);
    moat_func_call(store, export_func(inst, "recurse"), &zero, 1, res, 1, &trap);
    CHECK(trap != NULL);
    if (trap) {
        CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_STACK_EXHAUSTED);
        CHECK_CONTAINS(moat_trap_message(trap), "call stack exhausted");
        CHECK(moat_trap_frame_count(trap) > 0);
        if (moat_trap_frame_count(trap) > 0) {
            moat_frame frame;
            moat_trap_frame(trap, 0, &frame);
            CHECK(frame.func_name.len == 7 && memcmp(frame.func_name.data, "recurse", 7) == 0);
        }
        moat_trap_delete(trap);
    }
    // ... and the store still works afterwards.
    CHECK(moat_func_call(store, add, args, 2, res, 1, &trap) == NULL && !trap);
    CHECK_EQ_INT(res[0].of.i32, 42);

    // Out-of-bounds access traps in both memory modes, with the function in the trace.
    moat_func_call(store, export_func(inst, "oob"), NULL, 0, res, 1, &trap);
    CHECK(trap != NULL);
    if (trap) {
        CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHECK_CONTAINS(moat_trap_message(trap), "out of bounds memory access");
        CHECK(moat_trap_frame_count(trap) >= 1);
        moat_trap_delete(trap);
    }

    // A trap two frames deep lists both frames, innermost first.
    moat_func_call(store, export_func(inst, "calls_div"), NULL, 0, res, 1, &trap);
    CHECK(trap != NULL);
    if (trap) {
        CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO);
        CHECK_EQ_INT(moat_trap_frame_count(trap), 2);
        if (moat_trap_frame_count(trap) == 2) {
            moat_frame frame;
            moat_trap_frame(trap, 0, &frame);
            CHECK(frame.func_name.len == 3 && memcmp(frame.func_name.data, "div", 3) == 0);
            CHECK(frame.module_offset > 0);
        }
        moat_trap_delete(trap);
    }

    // memory.grow honours the declared maximum (2 pages).
    moat_val g1 = i32v(1);
    CHECK(moat_func_call(store, export_func(inst, "grow"), &g1, 1, res, 1, &trap) == NULL);
    CHECK_EQ_INT(res[0].of.i32, 1);
    CHECK(moat_func_call(store, export_func(inst, "grow"), &g1, 1, res, 1, &trap) == NULL);
    CHECK_EQ_INT(res[0].of.i32, -1);
    moat_extern mem_ext;
    CHECK(moat_instance_export_get(inst, moat_name_from("memory"), &mem_ext));
    CHECK_EQ_INT(moat_memory_data_size(mem_ext.of.memory), 2 * 65536);
    uint32_t word = 0xdeadbeef, back = 0;
    CHECK(moat_memory_write(mem_ext.of.memory, 100, &word, 4));
    CHECK(moat_memory_read(mem_ext.of.memory, 100, &back, 4) && back == word);
    CHECK(!moat_memory_read(mem_ext.of.memory, 2 * 65536 - 2, &back, 4));

    // Globals.
    moat_extern g_ext;
    CHECK(moat_instance_export_get(inst, moat_name_from("g"), &g_ext));
    moat_val gv;
    moat_global_get(g_ext.of.global, &gv);
    CHECK_EQ_INT(gv.of.i32, 7);
    moat_val nine = i32v(9);
    CHECK(moat_global_set(g_ext.of.global, &nine) == NULL);
    moat_global_get(g_ext.of.global, &gv);
    CHECK_EQ_INT(gv.of.i32, 9);

    // Accessors, and a second module linked against this instance's exports.
    CHECK(moat_instance_module(inst) == module);
    CHECK_EQ_INT(moat_module_func_import_count(module), 2);
    moat_memorytype mtype = moat_memory_type(mem_ext.of.memory);
    CHECK(mtype.limits.min == 2 && mtype.limits.has_max && mtype.limits.max == 2);
    uint8_t *data = moat_memory_data(mem_ext.of.memory);
    CHECK(data != NULL);
    if (data) {
        data[200] = 0x5a;
        uint8_t byte = 0;
        CHECK(moat_memory_read(mem_ext.of.memory, 200, &byte, 1) && byte == 0x5a);
    }
    moat_globaltype gtype = moat_global_type(g_ext.of.global);
    CHECK(gtype.kind == MOAT_I32 && gtype.is_mutable);
    {
        moat_linker *linker2 = moat_linker_new(engine);
        CHECK(moat_linker_define_instance(linker2, moat_name_from("api"), inst) == NULL);
        moat_module *user = NULL;
        CHECK(moat_module_new(engine, api_user_wasm, sizeof api_user_wasm, &user) == NULL);
        moat_instance *user_inst = NULL;
        if (user && moat_linker_instantiate(linker2, store, user, &user_inst, &trap) == NULL
            && !trap) {
            moat_val in[2] = {i32v(30), i32v(12)};
            CHECK(
                moat_func_call(store, export_func(user_inst, "add_and_store"), in, 2, res, 1, &trap)
                == NULL);
            CHECK_EQ_INT(res[0].of.i32, 42);
            uint32_t stored = 0; // through the shared memory
            CHECK(moat_memory_read(mem_ext.of.memory, 8, &stored, 4) && stored == 42);
        } else {
            CHECK(!"instantiating a module against define_instance exports failed");
        }
        moat_module_delete(user);
        moat_linker_delete(linker2);
    }

done:
    // Stand-alone objects.
    {
        moat_memorytype mt = {{1, 3, true}};
        moat_memory *mem = NULL;
        CHECK(moat_memory_new(store, &mt, &mem) == NULL);
        uint64_t old = 0;
        CHECK(moat_memory_grow(mem, 2, &old) == NULL && old == 1);
        err = moat_memory_grow(mem, 1, &old);
        CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_RESOURCE);
        moat_error_delete(err);

        moat_tabletype tt = {MOAT_FUNCREF, {2, 4, true}};
        moat_table *table = NULL;
        CHECK(moat_table_new(store, &tt, NULL, &table) == NULL);
        CHECK_EQ_INT(moat_table_size(table), 2);
        moat_val ref = {.kind = MOAT_FUNCREF, .of.funcref = log_fn}, got;
        CHECK(moat_table_set(table, 1, &ref));
        CHECK(moat_table_get(table, 1, &got) && got.of.funcref == log_fn);
        CHECK(!moat_table_get(table, 2, &got));
        moat_tabletype ttype = moat_table_type(table);
        CHECK(ttype.elem == MOAT_FUNCREF && ttype.limits.min == 2 && ttype.limits.max == 4);

        moat_globaltype gt = {MOAT_I64, false};
        moat_val init = {.kind = MOAT_I64, .of.i64 = -3};
        moat_global *glob = NULL;
        CHECK(moat_global_new(store, &gt, &init, &glob) == NULL);
        err = moat_global_set(glob, &init);
        CHECK(err != NULL);
        if (err) CHECK_CONTAINS(moat_error_message(err), "immutable");
        moat_error_delete(err);
    }
    moat_functype_delete(log_type);
    moat_functype_delete(reenter_type);
    moat_linker_delete(linker);
    moat_store_delete(store);
    CHECK_EQ_INT(finalized, 1); // the finalizer runs exactly once, with the store
    moat_module_delete(module);
    moat_engine_delete(engine);
}

static void malformed_inputs(void) {
    moat_engine *engine = NULL;
    CHECK(moat_engine_new(NULL, &engine) == NULL);
    static const uint8_t bad_magic[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
    static const uint8_t component[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, bad_magic, sizeof bad_magic, &module);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_MALFORMED);
    if (err) CHECK_CONTAINS(moat_error_message(err), "magic header not detected");
    moat_error_delete(err);
    err = moat_module_new(engine, component, sizeof component, &module);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_UNSUPPORTED);
    if (err) CHECK_CONTAINS(moat_error_message(err), "component");
    moat_error_delete(err);
    // Every truncation of a valid module fails cleanly.
    for (size_t len = 0; len < sizeof api_add_wasm; len++) {
        err = moat_module_new(engine, api_add_wasm, len, &module);
        if (!err) {
            moat_module_delete(module);
            continue; // a prefix ending exactly at a section boundary is a valid module
        }
        moat_error_delete(err);
    }
    moat_engine_delete(engine);
}

int main(void) {
    CHECK(strcmp(moat_version(), MOAT_VERSION_STRING) == 0);
    moat_config_delete(moat_config_new()); // a config need not be given to an engine
    moat_config_delete(NULL);
    moat_wasi_config *wasi = moat_wasi_config_new();
    CHECK(wasi != NULL);
    if (wasi) moat_wasi_config_inherit_stdio(wasi);
    moat_wasi_config_delete(wasi);
    run_all(false);
    run_all(true);
    malformed_inputs();
    TEST_DONE();
}
