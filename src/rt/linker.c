// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The linker: a table of named definitions (module name, field name -> extern) used to
// resolve a module's imports at instantiation.
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

struct linker_entry {
    char *module, *name; // owned copies
    size_t module_len, name_len;
    moat_extern item;
};

struct moat_linker {
    moat_engine *engine;
    struct linker_entry *entries;
    size_t count, cap;
};

moat_linker *moat_linker_new(moat_engine *engine) {
    moat_linker *linker = calloc(1, sizeof *linker);
    if (linker) linker->engine = engine, moat__engine_retain(engine);
    return linker;
}

void moat_linker_delete(moat_linker *linker) {
    if (!linker) return;
    for (size_t i = 0; i < linker->count; i++) {
        free(linker->entries[i].module);
        free(linker->entries[i].name);
    }
    free(linker->entries);
    moat__engine_release(linker->engine);
    free(linker);
}

static char *copy_name(moat_name n) {
    char *s = malloc(n.len + 1);
    if (s) {
        memcpy(s, n.data, n.len);
        s[n.len] = 0;
    }
    return s;
}

static struct linker_entry *find(moat_linker *linker, const char *module, size_t module_len,
                                 const char *name, size_t name_len) {
    for (size_t i = linker->count; i-- > 0;) {
        struct linker_entry *e = &linker->entries[i];
        if (e->module_len == module_len && e->name_len == name_len
            && memcmp(e->module, module, module_len) == 0 && memcmp(e->name, name, name_len) == 0)
            return e;
    }
    return NULL;
}

moat_error *moat_linker_define(moat_linker *linker, moat_name module_name, moat_name name,
                               const moat_extern *item) {
    struct linker_entry *e = find(linker, module_name.data, module_name.len, name.data, name.len);
    if (e) {
        e->item = *item;
        return NULL;
    }
    if (linker->count == linker->cap) {
        size_t cap = linker->cap ? linker->cap * 2 : 16;
        struct linker_entry *entries = realloc(linker->entries, cap * sizeof *entries);
        if (!entries) return moat__error_oom();
        linker->entries = entries;
        linker->cap = cap;
    }
    struct linker_entry entry = {copy_name(module_name), copy_name(name), module_name.len, name.len,
                                 *item};
    if (!entry.module || !entry.name) {
        free(entry.module);
        free(entry.name);
        return moat__error_oom();
    }
    linker->entries[linker->count++] = entry;
    return NULL;
}

moat_error *moat_linker_define_instance(moat_linker *linker, moat_name module_name,
                                        moat_instance *instance) {
    size_t n = moat_instance_export_count(instance);
    for (size_t i = 0; i < n; i++) {
        moat_name name;
        moat_extern item;
        moat_instance_export_nth(instance, i, &name, &item);
        moat_error *err = moat_linker_define(linker, module_name, name, &item);
        if (err) return err;
    }
    return NULL;
}

moat_error *moat_linker_instantiate(moat_linker *linker, moat_store *store,
                                    const moat_module *module, moat_instance **out,
                                    moat_trap **trap) {
    *trap = NULL;
    const struct moat__module_ir *ir = module->ir;
    moat_extern *imports = calloc(ir->nimports + 1, sizeof *imports);
    if (!imports) return moat__error_oom();
    for (u32 i = 0; i < ir->nimports; i++) {
        const struct moat__import *imp = &ir->imports[i];
        struct linker_entry *e =
            find(linker, imp->module.data, imp->module.len, imp->name.data, imp->name.len);
        if (!e) {
            free(imports);
            return moat__import_error(module, i, "unknown import", NULL);
        }
        imports[i] = e->item;
    }
    moat_error *err = moat_instance_new(store, module, imports, ir->nimports, out, trap);
    free(imports);
    return err;
}
