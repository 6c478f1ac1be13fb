// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The `spectest` host module the spec scripts import, built with the public API like any
// embedder's host module: print functions, four immutable globals (666 / 666.6), a
// funcref table 10..20 and a memory 1..2 pages. Anything else (e.g. "unknown") is left
// undefined, so importing it fails to link as the scripts expect.
#include "wast.h"

#include <string.h>

// Prints each argument as "VALUE : TYPE", one per line, like the reference interpreter.
static moat_trap *spectest_print(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                                 moat_val *results, size_t nresults) {
    for (size_t i = 0; i < nargs; i++) {
        cli_print_value(stdout, &args[i]);
        printf(" : %s\n", cli_valkind_name(args[i].kind));
    }
    fflush(stdout);
    return NULL;
}

static moat_error *define(moat_linker *linker, const char *name, const moat_extern *item) {
    return moat_linker_define(linker, moat_name_from("spectest"), moat_name_from(name), item);
}

static moat_error *define_print(moat_store *store, moat_linker *linker, const char *name,
                                const moat_valkind *params, size_t nparams) {
    moat_functype *type = moat_functype_new(params, nparams, NULL, 0);
    if (!type) return NULL; // out of memory: the import stays undefined and fails to link
    moat_extern item = {.kind = MOAT_EXTERN_FUNC};
    moat_error *err = moat_func_new(store, type, spectest_print, NULL, NULL, &item.of.func);
    moat_functype_delete(type);
    return err ? err : define(linker, name, &item);
}

static moat_error *define_global(moat_store *store, moat_linker *linker, const char *name,
                                 moat_val init) {
    moat_globaltype type = {.kind = init.kind, .is_mutable = false};
    moat_extern item = {.kind = MOAT_EXTERN_GLOBAL};
    moat_error *err = moat_global_new(store, &type, &init, &item.of.global);
    return err ? err : define(linker, name, &item);
}

static moat_error *define_functions(moat_store *store, moat_linker *linker) {
    static const struct {
        const char *name;
        moat_valkind params[2];
        size_t nparams;
    } prints[] = {
        {"print", {0}, 0},
        {"print_i32", {MOAT_I32}, 1},
        {"print_i64", {MOAT_I64}, 1},
        {"print_f32", {MOAT_F32}, 1},
        {"print_f64", {MOAT_F64}, 1},
        {"print_i32_f32", {MOAT_I32, MOAT_F32}, 2},
        {"print_f64_f64", {MOAT_F64, MOAT_F64}, 2},
    };
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        moat_error *err =
            define_print(store, linker, prints[i].name, prints[i].params, prints[i].nparams);
        if (err) return err;
    }
    return NULL;
}

static moat_error *define_globals(moat_store *store, moat_linker *linker) {
    moat_val v = {.kind = MOAT_I32, .of.i32 = 666};
    moat_error *err = define_global(store, linker, "global_i32", v);
    v = (moat_val){.kind = MOAT_I64, .of.i64 = 666};
    err = err ? err : define_global(store, linker, "global_i64", v);
    v = (moat_val){.kind = MOAT_F32, .of.f32 = 666.6f};
    err = err ? err : define_global(store, linker, "global_f32", v);
    v = (moat_val){.kind = MOAT_F64, .of.f64 = 666.6};
    err = err ? err : define_global(store, linker, "global_f64", v);
    return err;
}

moat_error *wast_spectest_define(moat_store *store, moat_linker *linker) {
    moat_error *err = define_functions(store, linker);
    err = err ? err : define_globals(store, linker);
    if (err) return err;

    moat_tabletype table_type = {.elem = MOAT_FUNCREF, .limits = {10, 20, true}};
    moat_val null_ref = {.kind = MOAT_FUNCREF, .of.funcref = NULL};
    moat_extern table = {.kind = MOAT_EXTERN_TABLE};
    err = moat_table_new(store, &table_type, &null_ref, &table.of.table);
    err = err ? err : define(linker, "table", &table);
    if (err) return err;

    moat_memorytype memory_type = {.limits = {1, 2, true}};
    moat_extern memory = {.kind = MOAT_EXTERN_MEMORY};
    err = moat_memory_new(store, &memory_type, &memory.of.memory);
    return err ? err : define(linker, "memory", &memory);
}
