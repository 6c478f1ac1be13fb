// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// libFuzzer entry: arbitrary bytes -> decode + validate -> instantiate with dummy imports
// of the right types -> call up to 16 exported functions with zero arguments. Inputs of
// odd length run with explicit bounds checks, even ones with guard pages, so both memory
// modes are fuzzed and a given input always takes the same one. A small call-depth limit
// keeps runaway recursion cheap, fuel bounds loops, and store limits bound memory and
// table growth. Built twice: with libFuzzer (fuzz_load) and with replay_main.c as an
// ordinary program (fuzz_load_replay) that ctest runs over corpus/load/.
#include "moat.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    FUZZ_CALL_DEPTH = 500,  // frames; "call stack exhausted" is reached quickly
    FUZZ_MAX_CALLS = 16,    // exported functions called per input
    FUZZ_MAX_TABLE = 10000, // elements of an imported table (bigger: skip the input)
};
#define FUZZ_FUEL       1000000u            // per input: a few ms of interpretation
#define FUZZ_MAX_MEMORY (64u * 1024 * 1024) // bytes per linear memory
#define FUZZ_MAX_ELEMS  100000u             // elements per table

static moat_engine *engine_for(bool bounds_checks) {
    static moat_engine *engines[2];
    moat_engine **slot = &engines[bounds_checks];
    if (!*slot) {
        moat_config *config = moat_config_new();
        if (!config) abort();
        moat_config_bounds_checks_set(config, bounds_checks);
        moat_config_max_call_depth_set(config, FUZZ_CALL_DEPTH);
        moat_config_consume_fuel_set(config, true);
        moat_error *err = moat_engine_new(config, slot);
        if (err) abort(); // the fuzzer cannot run without an engine
    }
    return *slot;
}

// Host function for every imported function: returns zeros of the preset result kinds.
static moat_trap *dummy_func(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                             moat_val *results, size_t nresults) {
    for (size_t i = 0; i < nresults; i++)
        memset(&results[i].of, 0, sizeof results[i].of);
    return NULL;
}

static moat_val zero_of(moat_valkind kind) {
    moat_val v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    return v;
}

// Makes an extern matching import type `type`; false to skip the input.
static bool make_import(moat_store *store, const moat_externtype *type, moat_extern *out) {
    moat_error *err = NULL;
    out->kind = type->kind;
    switch (type->kind) {
    case MOAT_EXTERN_FUNC:
        err = moat_func_new(store, type->of.func, dummy_func, NULL, NULL, &out->of.func);
        break;
    case MOAT_EXTERN_TABLE: {
        if (type->of.table.limits.min > FUZZ_MAX_TABLE) return false;
        moat_val init = zero_of(type->of.table.elem);
        err = moat_table_new(store, &type->of.table, &init, &out->of.table);
        break;
    }
    case MOAT_EXTERN_MEMORY:
        err = moat_memory_new(store, &type->of.memory, &out->of.memory);
        break;
    case MOAT_EXTERN_GLOBAL: {
        moat_val init = zero_of(type->of.global.kind);
        err = moat_global_new(store, &type->of.global, &init, &out->of.global);
        break;
    }
    }
    if (!err) return true;
    moat_error_delete(err);
    return false;
}

// Reads what `moat inspect` reads, so the metadata accessors are fuzzed too.
static void touch_metadata(const moat_module *module) {
    moat_section_info section;
    for (size_t i = 0; i < moat_module_section_count(module); i++)
        moat_module_section(module, i, &section);
    moat_name name;
    moat_externtype type;
    for (size_t i = 0; i < moat_module_export_count(module); i++)
        moat_module_export(module, i, &name, &type);
    for (uint32_t i = 0; i < moat_module_func_count(module); i++) {
        moat_module_func_name(module, i, &name);
        moat_module_func_type(module, i);
    }
}

static void call_exports(moat_store *store, moat_instance *instance) {
    size_t nexports = moat_instance_export_count(instance);
    size_t calls = 0;
    for (size_t i = 0; i < nexports && calls < FUZZ_MAX_CALLS; i++) {
        moat_name name;
        moat_extern ext;
        moat_instance_export_nth(instance, i, &name, &ext);
        if (ext.kind != MOAT_EXTERN_FUNC) continue;
        const moat_functype *type = moat_func_type(ext.of.func);
        size_t np = moat_functype_param_count(type), nr = moat_functype_result_count(type);
        moat_val *args = calloc(np + 1, sizeof *args);
        moat_val *results = calloc(nr + 1, sizeof *results);
        if (args && results) {
            for (size_t j = 0; j < np; j++)
                args[j] = zero_of(moat_functype_param(type, j));
            for (size_t j = 0; j < nr; j++)
                results[j] = zero_of(moat_functype_result(type, j));
            moat_trap *trap = NULL;
            moat_error *err = moat_func_call(store, ext.of.func, args, np, results, nr, &trap);
            if (err) abort(); // arguments match the type: an error here is a library bug
            moat_trap_delete(trap);
            calls++;
        }
        free(args);
        free(results);
    }
}

static void instantiate_and_run(moat_engine *engine, const moat_module *module) {
    moat_store *store = moat_store_new(engine);
    if (store) {
        moat_store_max_memory_size_set(store, FUZZ_MAX_MEMORY);
        moat_store_max_table_elements_set(store, FUZZ_MAX_ELEMS);
        moat_error_delete(moat_store_fuel_set(store, FUZZ_FUEL));
    }
    size_t nimports = moat_module_import_count(module);
    moat_extern *imports = calloc(nimports + 1, sizeof *imports);
    bool ok = store && imports;
    for (size_t i = 0; ok && i < nimports; i++) {
        moat_name mod, name;
        moat_externtype type;
        moat_module_import(module, i, &mod, &name, &type);
        ok = make_import(store, &type, &imports[i]);
    }
    moat_instance *instance = NULL;
    moat_trap *trap = NULL;
    moat_error *err =
        ok ? moat_instance_new(store, module, imports, nimports, &instance, &trap) : NULL;
    if (ok && !err && !trap) call_exports(store, instance);
    moat_error_delete(err);
    moat_trap_delete(trap);
    free(imports);
    moat_store_delete(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    moat_engine *engine = engine_for(size % 2 == 1);
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, data, size, &module);
    if (err) {
        // Every refusal must carry a message; reading it also checks it is a string.
        if (!moat_error_message(err) || !*moat_error_message(err)) abort();
        moat_error_delete(err);
        return 0;
    }
    touch_metadata(module);
    instantiate_and_run(engine, module);
    moat_module_delete(module);
    return 0;
}
