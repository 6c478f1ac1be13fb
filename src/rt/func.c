// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Functions as the host sees them: function types, host functions, and calls from the
// host into wasm (argument checks, slot conversion) and from wasm into the host.
#include "exec/interp/interp.h"
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

struct moat_caller {
    moat_store *store;
    moat_instance *instance; // NULL when unknown
};

moat_functype *moat_functype_new(const moat_valkind *params, size_t nparams,
                                 const moat_valkind *results, size_t nresults) {
    if (nparams > UINT32_MAX || nresults > UINT32_MAX) return NULL;
    moat_functype *type = calloc(1, sizeof *type + nparams + nresults + 1);
    if (!type) return NULL;
    u8 *bytes = (u8 *)(type + 1);
    for (size_t i = 0; i < nparams; i++)
        bytes[i] = (u8)params[i];
    for (size_t i = 0; i < nresults; i++)
        bytes[nparams + i] = (u8)results[i];
    type->t.nparams = (u32)nparams;
    type->t.nresults = (u32)nresults;
    type->t.params = bytes;
    type->t.results = bytes + nparams;
    type->t.type_id = MOAT_NO_INDEX;
    return type;
}

void moat_functype_delete(moat_functype *type) {
    free(type);
}

size_t moat_functype_param_count(const moat_functype *type) {
    return type->t.nparams;
}

size_t moat_functype_result_count(const moat_functype *type) {
    return type->t.nresults;
}

moat_valkind moat_functype_param(const moat_functype *type, size_t i) {
    return (moat_valkind)type->t.params[i];
}

moat_valkind moat_functype_result(const moat_functype *type, size_t i) {
    return (moat_valkind)type->t.results[i];
}

moat_error *moat_func_new(moat_store *store, const moat_functype *type, moat_host_callback callback,
                          void *env, void (*finalizer)(void *env), moat_func **out) {
    moat_func *func = calloc(1, sizeof *func);
    moat_functype *copy = calloc(1, sizeof *copy + type->t.nparams + type->t.nresults + 1);
    if (!func || !copy) goto oom;
    u8 *bytes = (u8 *)(copy + 1);
    memcpy(bytes, type->t.params, type->t.nparams);
    memcpy(bytes + type->t.nparams, type->t.results, type->t.nresults);
    copy->t = type->t;
    copy->t.params = bytes;
    copy->t.results = bytes + type->t.nparams;
    copy->t.type_id = moat__engine_type_id(store->engine, copy->t.nparams, copy->t.params,
                                           copy->t.nresults, copy->t.results);
    if (copy->t.type_id == MOAT_NO_INDEX) goto oom;
    func->store = store;
    func->is_host = true;
    func->callback = callback;
    func->env = env;
    func->finalizer = finalizer;
    func->owned_type = copy;
    func->type = &copy->t;
    if (!moat__store_track(store, func, MOAT_EXTERN_FUNC)) goto oom;
    *out = func;
    return NULL;
oom:
    free(copy);
    free(func);
    if (finalizer) finalizer(env);
    return moat__error_oom();
}

const moat_functype *moat_func_type(const moat_func *func) {
    if (func->owned_type) return func->owned_type;
    const moat_module *module = func->instance->module;
    return &module->types[module->ir->func_type_index[func->func_index]];
}

moat_memory *moat_caller_memory(moat_caller *caller) {
    moat_instance *inst = caller->instance;
    if (!inst) return NULL;
    for (u32 i = 0; i < inst->ir->nexports; i++) {
        const struct moat__export *e = &inst->ir->exports[i];
        if (e->kind == MOAT__EXTERN_MEMORY && e->name.len == 6
            && memcmp(e->name.data, "memory", 6) == 0)
            return inst->mems[e->index];
    }
    return NULL;
}

moat_store *moat_caller_store(moat_caller *caller) {
    return caller->store;
}

bool moat_caller_export_get(moat_caller *caller, moat_name name, moat_extern *out) {
    return caller->instance && moat_instance_export_get(caller->instance, name, out);
}

// Arguments and results of up to this many values convert without allocating.
#define INLINE_VALUES 16

moat_trap *moat__host_call(moat_func *func, moat_instance *caller_instance, moat__slot *slots) {
    const struct moat__functype *t = func->type;
    moat_val inline_vals[INLINE_VALUES];
    moat_val *vals = inline_vals;
    size_t n = (size_t)t->nparams + t->nresults;
    if (n > INLINE_VALUES) {
        vals = malloc(n * sizeof *vals);
        if (!vals) return moat_trap_new("out of memory calling a host function");
    }
    moat_val *args = vals, *results = vals + t->nparams;
    static const moat__slot zero[2];
    for (u32 i = 0, s = 0; i < t->nparams; s += moat__valtype_slots(t->params[i]), i++)
        moat__slot_to_val(&slots[s], t->params[i], &args[i]);
    for (u32 i = 0; i < t->nresults; i++)
        moat__slot_to_val(zero, t->results[i], &results[i]);
    struct moat_caller caller = {func->store, caller_instance};
    moat_trap *trap = func->callback(func->env, &caller, args, t->nparams, results, t->nresults);
    // Results as typed, or wasm would take another kind's bits (a host pointer as a
    // funcref, a v128 past the result slots) for what it expects.
    for (u32 i = 0; !trap && i < t->nresults; i++)
        if ((u8)results[i].kind != t->results[i])
            trap = moat_trap_new("host function returned a value of the wrong type");
        else if (!moat__val_in_store(&results[i], func->store))
            trap = moat_trap_new("host function returned a function of another store");
    if (!trap)
        for (u32 i = 0, s = 0; i < t->nresults; s += moat__valtype_slots(t->results[i]), i++)
            moat__val_to_slot(&results[i], &slots[s]);
    if (vals != inline_vals) free(vals);
    return trap;
}

moat_error *moat__call_misuse(const moat_store *store, const moat_func *func, const moat_val *args,
                              size_t nargs, size_t nresults, moat_trap **trap) {
    *trap = NULL;
    const struct moat__functype *t = func->type;
    if (func->store != store)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET, "function belongs to another store");
    if (nargs != t->nparams || nresults != t->nresults)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "function takes %u arguments and returns %u results; called "
                               "with %zu arguments and room for %zu results",
                               t->nparams, t->nresults, nargs, nresults);
    for (size_t i = 0; i < nargs; i++) {
        if ((u8)args[i].kind != t->params[i])
            return moat__error_new(
                MOAT_ERROR_API, MOAT_NO_OFFSET, "argument %zu is %s, expected %s", i,
                moat__valtype_name((u8)args[i].kind), moat__valtype_name(t->params[i]));
        if (!moat__val_in_store(&args[i], store))
            return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                                   "argument %zu is a function of another store", i);
    }
    return NULL;
}

// The host calling a host function directly: no calling instance.
static MOAT_NOINLINE moat_error *call_host(moat_store *store, moat_func *func, const moat_val *args,
                                           size_t nargs, moat_val *results, size_t nresults,
                                           moat_trap **trap) {
    moat_error *err = moat__call_misuse(store, func, args, nargs, nresults, trap);
    if (err) return err;
    const struct moat__functype *t = func->type;
    static const moat__slot zero[2];
    for (u32 i = 0; i < t->nresults; i++)
        moat__slot_to_val(zero, t->results[i], &results[i]);
    struct moat_caller caller = {store, NULL};
    *trap = func->callback(func->env, &caller, args, nargs, results, nresults);
    return NULL;
}

moat_error *moat_func_call(moat_store *store, moat_func *func, const moat_val *args, size_t nargs,
                           moat_val *results, size_t nresults, moat_trap **trap) {
    // The checks of a call into wasm are in moat__interp_call: one function on the hot
    // path. Both branches are tail calls, so this one needs no frame.
    if (MOAT_LIKELY(!func->is_host))
        return moat__interp_call(store, func, args, nargs, results, nresults, trap);
    return call_host(store, func, args, nargs, results, nresults, trap);
}

moat_error *moat_instance_call(moat_instance *instance, const char *name, const moat_val *args,
                               size_t nargs, moat_val *results, size_t nresults, moat_trap **trap) {
    *trap = NULL;
    moat_extern ext;
    if (!moat_instance_export_get(instance, moat_name_from(name), &ext)
        || ext.kind != MOAT_EXTERN_FUNC)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET, "no exported function '%s'", name);
    return moat_func_call(instance->store, ext.of.func, args, nargs, results, nresults, trap);
}
