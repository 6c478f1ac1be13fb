// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The store owns every object created in it and frees them all together: wasm objects
// may reference each other in cycles (a table holding a function of its own instance),
// so per-object lifetimes would need a collector; a store-wide lifetime does not.
#include "exec/interp/interp.h"
#include "rt/rt_internal.h"

#include <stdlib.h>

moat_store *moat_store_new(moat_engine *engine) {
    moat_store *store = calloc(1, sizeof *store);
    if (!store) return NULL;
    store->engine = engine;
    moat__engine_retain(engine);
    store->epoch = &engine->epoch;
    store->epoch_deadline = UINT64_MAX;
    store->fuel = 0; // as in Wasmtime: a fuel-consuming engine runs nothing until refuelled
    store->max_memory_size = UINT64_MAX;
    store->max_table_elements = UINT64_MAX;
    return store;
}

void moat_store_data_set(moat_store *store, void *data, void (*finalizer)(void *data)) {
    if (store->data_finalizer) store->data_finalizer(store->data);
    store->data = data;
    store->data_finalizer = finalizer;
}

void *moat_store_data(const moat_store *store) {
    return store->data;
}

moat_engine *moat_store_engine(const moat_store *store) {
    return store->engine;
}

bool moat__store_track(moat_store *store, void *object, u8 kind) {
    if (store->nobjects == store->cap_objects) {
        size_t cap = store->cap_objects ? store->cap_objects * 2 : 32;
        void **objects = realloc(store->objects, cap * sizeof *objects);
        if (!objects) return false;
        store->objects = objects;
        u8 *kinds = realloc(store->object_kinds, cap);
        if (!kinds) return false;
        store->object_kinds = kinds;
        store->cap_objects = cap;
    }
    store->objects[store->nobjects] = object;
    store->object_kinds[store->nobjects] = kind;
    store->nobjects++;
    return true;
}

static void free_instance(moat_instance *inst) {
    if (inst->elems)
        for (u32 i = 0; i < inst->ir->nelems; i++)
            free(inst->elems[i].refs);
    free(inst->elems);
    free(inst->datas);
    free(inst->funcs);
    free(inst->tables);
    free(inst->mems);
    free(inst->globals);
    free(inst->exports);
    moat__module_release(inst->module);
    free(inst);
}

void moat_store_delete(moat_store *store) {
    if (!store) return;
    moat__interp_store_free(store);
    for (size_t i = store->nobjects; i-- > 0;) {
        void *obj = store->objects[i];
        switch (store->object_kinds[i]) {
        case MOAT_EXTERN_FUNC: {
            moat_func *f = obj;
            if (f->finalizer) f->finalizer(f->env);
            moat_functype_delete(f->owned_type);
            free(f);
            break;
        }
        case MOAT_EXTERN_TABLE:
            free(((moat_table *)obj)->elems);
            free(obj);
            break;
        case MOAT_EXTERN_MEMORY:
            moat__memory_free(obj);
            break;
        case MOAT_EXTERN_GLOBAL:
            free(obj);
            break;
        case MOAT__OBJ_INSTANCE:
            free_instance(obj);
            break;
        }
    }
    free(store->objects);
    free(store->object_kinds);
    // Last: host function finalizers above may still use the store's data.
    if (store->data_finalizer) store->data_finalizer(store->data);
    moat_engine *engine = store->engine;
    free(store);
    moat__engine_release(engine);
}
