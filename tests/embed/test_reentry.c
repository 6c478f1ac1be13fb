// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Re-entrancy and trap propagation through the public header only: wasm -> host -> wasm
// calls, a host trap reaching the outer caller with the host's message, a trap in a
// nested call unwinding only to the host frame that made that call, and the store
// staying usable after each. Also store data, moat_caller_export_get and
// moat_trap_format.
#include "embed_modules.h"
#include "moat.h"
#include "test.h"

#include <stdlib.h>

enum mode { CALL_INNER, CALL_TRAPPING_INNER, CALL_OOB_INNER, PASS_TRAP_UP, RETURN_HOST_TRAP };

struct host {
    enum mode mode;
    int depth;           // current nesting of call_back
    int max_depth;       // deepest nesting seen
    int inner_trap_kind; // kind of the trap the nested call returned (0 = none)
    size_t inner_frames; // its backtrace length
    bool finalized;      // the store data's finalizer ran
    moat_instance *inst; // set after instantiation
    int recurse;         // CALL_INNER: how many more levels of outer() to nest
};

// host.call_back(x): calls back into the instance that called it, by mode.
static moat_trap *call_back(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                            moat_val *results, size_t nresults) {
    (void)nargs, (void)nresults;
    struct host *h = env;
    CHECK(moat_store_data(moat_caller_store(caller)) == h);
    h->depth++;
    if (h->depth > h->max_depth) h->max_depth = h->depth;
    const char *name = h->mode == CALL_INNER       ? "inner"
                       : h->mode == CALL_OOB_INNER ? "oob_inner"
                                                   : "trapping_inner";
    if (h->mode == CALL_INNER && h->recurse > 0) {
        h->recurse--;
        name = "outer"; // wasm -> host -> wasm -> host -> ...
    }
    moat_extern fn;
    moat_trap *result = NULL;
    if (!moat_caller_export_get(caller, moat_name_from(name), &fn) || fn.kind != MOAT_EXTERN_FUNC) {
        result = moat_trap_new("export missing");
        goto out;
    }
    moat_trap *trap = NULL;
    moat_val res = {.kind = MOAT_I32};
    moat_error *err =
        moat_func_call(moat_caller_store(caller), fn.of.func, args, 1, &res, 1, &trap);
    if (err) {
        moat_error_delete(err);
        result = moat_trap_new("nested call failed");
        goto out;
    }
    if (trap) {
        h->inner_trap_kind = (int)moat_trap_kind_get(trap);
        h->inner_frames = moat_trap_frame_count(trap);
        if (h->mode == PASS_TRAP_UP) {
            result = trap; // the inner trap, handed on as this function's trap
            goto out;
        }
        moat_trap_delete(trap);
        if (h->mode == RETURN_HOST_TRAP) {
            result = moat_trap_new("host gave up: divide failed");
            goto out;
        }
        res.of.i32 = -1; // CALL_TRAPPING_INNER, CALL_OOB_INNER: the host recovers
    }
    results[0] = res;
out:
    h->depth--;
    return result;
}

// host.fail(code): traps with a message of the host's unless code is 0.
static moat_trap *fail(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                       moat_val *results, size_t nresults) {
    (void)env, (void)caller, (void)nargs, (void)results, (void)nresults;
    if (args[0].of.i32 == 0) return NULL;
    char msg[64];
    snprintf(msg, sizeof msg, "plugin error %d", (int)args[0].of.i32);
    return moat_trap_new(msg);
}

static void finalize(void *data) {
    ((struct host *)data)->finalized = true;
}

static int32_t call1(moat_instance *inst, const char *name, int32_t x, moat_trap **trap) {
    moat_val arg = {.kind = MOAT_I32, .of.i32 = x}, res = {.kind = MOAT_I32};
    const moat_functype *type = NULL;
    moat_extern fn;
    if (moat_instance_export_get(inst, moat_name_from(name), &fn))
        type = moat_func_type(fn.of.func);
    size_t nres = type ? moat_functype_result_count(type) : 0;
    moat_error *err = moat_instance_call(inst, name, &arg, 1, &res, nres, trap);
    CHECK(err == NULL);
    moat_error_delete(err);
    return res.of.i32;
}

int main(void) {
    moat_engine *engine = NULL;
    CHECK(moat_engine_new(NULL, &engine) == NULL);
    moat_module *module = NULL;
    CHECK(moat_module_new(engine, reentry_wasm, reentry_wasm_len, &module) == NULL);
    moat_store *store = moat_store_new(engine);
    struct host h = {0};
    moat_store_data_set(store, &h, finalize);
    CHECK(moat_store_engine(store) == engine);

    moat_valkind i32 = MOAT_I32;
    moat_functype *i32_i32 = moat_functype_new(&i32, 1, &i32, 1);
    moat_functype *i32_void = moat_functype_new(&i32, 1, NULL, 0);
    moat_func *cb = NULL, *fl = NULL;
    CHECK(moat_func_new(store, i32_i32, call_back, &h, NULL, &cb) == NULL);
    CHECK(moat_func_new(store, i32_void, fail, NULL, NULL, &fl) == NULL);
    moat_functype_delete(i32_i32);
    moat_functype_delete(i32_void);
    moat_extern imports[2] = {{.kind = MOAT_EXTERN_FUNC, .of.func = cb},
                              {.kind = MOAT_EXTERN_FUNC, .of.func = fl}};
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    CHECK(moat_instance_new(store, module, imports, 2, &inst, &trap) == NULL && !trap);
    h.inst = inst;

    // wasm -> host -> wasm: outer(4) = inner(4) + 1 = 41.
    h.mode = CALL_INNER;
    CHECK_EQ_INT(call1(inst, "outer", 4, &trap), 41);
    CHECK(trap == NULL);
    // Nested five deep: outer -> host -> outer -> host ... -> inner.
    h.recurse = 4;
    h.max_depth = 0;
    CHECK_EQ_INT(call1(inst, "outer", 4, &trap), 45);
    CHECK(trap == NULL);
    CHECK_EQ_INT(h.max_depth, 5);

    // Past 1000 nested host->wasm entries the next one is refused with "call stack
    // exhausted"; the host recovers and the whole chain unwinds normally.
    h.recurse = 1100;
    h.max_depth = 0;
    h.inner_trap_kind = 0;
    call1(inst, "outer", 4, &trap);
    CHECK(trap == NULL);
    CHECK_EQ_INT(h.inner_trap_kind, MOAT_TRAP_STACK_EXHAUSTED);
    CHECK_EQ_INT(h.max_depth, 1000);
    CHECK_EQ_INT(h.depth, 0);
    h.recurse = 0;
    CHECK_EQ_INT(call1(inst, "outer", 4, &trap), 41);
    CHECK(trap == NULL);

    // A trap in the nested call unwinds to the host frame that made it (two wasm
    // frames: divide, trapping_inner), and the host recovers: outer returns -1 + 1.
    h.mode = CALL_TRAPPING_INNER;
    CHECK_EQ_INT(call1(inst, "outer", 0, &trap), 0);
    CHECK(trap == NULL);
    CHECK_EQ_INT(h.inner_trap_kind, MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO);
    CHECK_EQ_INT(h.inner_frames, 2);
    CHECK_EQ_INT(h.depth, 0);

    // The same with a memory fault in the nested call (a guard-page fault: the recovery
    // point of the inner entry catches it, not the outer one's), twice, and then one in
    // an outermost call.
    h.mode = CALL_OOB_INNER;
    for (int i = 0; i < 2; i++) {
        h.inner_trap_kind = 0;
        CHECK_EQ_INT(call1(inst, "outer", 0, &trap), 0);
        CHECK(trap == NULL);
        CHECK_EQ_INT(h.inner_trap_kind, MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        CHECK_EQ_INT(h.inner_frames, 1);
        CHECK_EQ_INT(h.depth, 0);
    }
    call1(inst, "oob_inner", 0, &trap);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
    CHECK(trap && moat_trap_frame_count(trap) == 1);
    moat_trap_delete(trap);
    h.mode = CALL_INNER;
    CHECK_EQ_INT(call1(inst, "outer", 4, &trap), 41);
    CHECK(trap == NULL);

    // The host hands the inner trap up: the outer caller gets "integer divide by zero"
    // with the inner frames and then outer's own.
    h.mode = PASS_TRAP_UP;
    call1(inst, "outer", 0, &trap);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO);
    CHECK(trap && moat_trap_frame_count(trap) == 3);
    if (trap) {
        moat_frame f;
        moat_trap_frame(trap, 0, &f);
        CHECK(f.func_name.data && !strcmp(f.func_name.data, "divide"));
        moat_trap_frame(trap, 2, &f);
        CHECK(f.func_name.data && !strcmp(f.func_name.data, "outer"));
        char text[256];
        size_t n = moat_trap_format(trap, text, sizeof text);
        CHECK(n < sizeof text && n == strlen(text));
        CHECK_CONTAINS(text, "integer divide by zero\nwasm backtrace:\n");
        CHECK_CONTAINS(text, "reentry!divide");
        CHECK_CONTAINS(text, "reentry!outer");
        char small[8];
        CHECK_EQ_INT(moat_trap_format(trap, small, sizeof small), n); // cut, length told
        CHECK_EQ_INT(strlen(small), sizeof small - 1);
    }
    moat_trap_delete(trap);

    // The host replaces it with its own trap: kind HOST, the host's message.
    h.mode = RETURN_HOST_TRAP;
    call1(inst, "outer", 0, &trap);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_HOST);
    CHECK_CONTAINS(trap ? moat_trap_message(trap) : NULL, "host gave up: divide failed");
    CHECK(trap && moat_trap_frame_count(trap) == 1); // outer
    moat_trap_delete(trap);

    // A host trap raised two wasm frames deep carries the host's message and both frames.
    call1(inst, "calls_fails", 7, &trap);
    CHECK(trap && moat_trap_kind_get(trap) == MOAT_TRAP_HOST);
    CHECK_CONTAINS(trap ? moat_trap_message(trap) : NULL, "plugin error 7");
    CHECK(trap && moat_trap_frame_count(trap) == 2);
    moat_trap_delete(trap);

    // After all that the store still works, and the nesting is back to zero.
    h.mode = CALL_INNER;
    CHECK_EQ_INT(call1(inst, "outer", 2, &trap), 21);
    CHECK(trap == NULL);
    call1(inst, "calls_fails", 0, &trap);
    CHECK(trap == NULL);
    CHECK_EQ_INT(h.depth, 0);

    // moat_instance_call with an unknown name is an API error, not a trap.
    moat_error *err = moat_instance_call(inst, "nope", NULL, 0, NULL, 0, &trap);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API && !trap);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "nope");
    moat_error_delete(err);

    // The host calling a host function directly: no calling instance.
    moat_val in = {.kind = MOAT_I32, .of.i32 = 1}, out = {.kind = MOAT_I32};
    CHECK(moat_func_call(store, cb, &in, 1, &out, 1, &trap) == NULL);
    CHECK(trap && !strcmp(moat_trap_message(trap), "export missing"));
    moat_trap_delete(trap);

    CHECK(!h.finalized);
    moat_store_delete(store);
    CHECK(h.finalized);
    moat_module_delete(module);
    moat_engine_delete(engine);
    TEST_DONE();
}
