// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Tables: arrays of references (moat_func * or host externref pointers, NULL = null).
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

// Largest table moat creates or grows to (elements); larger requests fail like an
// allocation failure (table.grow returns -1). docs/limits.md.
#define MAX_TABLE_ELEMS 10000000u

moat_table *moat__table_create(moat_store *store, const struct moat__tabletype *type, void *init) {
    if (type->limits.min > MAX_TABLE_ELEMS) return NULL;
    moat_table *table = calloc(1, sizeof *table);
    if (!table) return NULL;
    table->store = store;
    table->type.elem = (moat_valkind)type->elem_type;
    table->type.limits = moat__limits_public(type->limits);
    u64 max = type->limits.has_max ? type->limits.max : UINT32_MAX;
    if (max > store->max_table_elements) // moat_store_max_table_elements_set
        max = store->max_table_elements;
    table->max = max > UINT32_MAX ? UINT32_MAX : (u32)max;
    if (type->limits.min > table->max) {
        free(table);
        return NULL;
    }
    table->size = (u32)type->limits.min;
    table->capacity = table->size;
    table->elems = calloc(table->size ? table->size : 1, sizeof *table->elems);
    if (!table->elems || !moat__store_track(store, table, MOAT_EXTERN_TABLE)) {
        free(table->elems);
        free(table);
        return NULL;
    }
    for (u32 i = 0; i < table->size; i++)
        table->elems[i] = init;
    return table;
}

i64 moat__table_grow(moat_table *table, u32 delta, void *init) {
    u32 old = table->size;
    if (delta > table->max - old || delta > MAX_TABLE_ELEMS - old) return -1;
    u32 size = old + delta;
    if (size > table->capacity) {
        u32 cap = table->capacity * 2 > size ? table->capacity * 2 : size;
        if (cap > MAX_TABLE_ELEMS) cap = size;
        void **elems = realloc(table->elems, (size_t)cap * sizeof *elems);
        if (!elems) return -1;
        table->elems = elems;
        table->capacity = cap;
    }
    for (u32 i = old; i < size; i++)
        table->elems[i] = init;
    table->size = size;
    table->type.limits.min = size;
    return old;
}

static bool ref_kind_ok(const moat_table *table, const moat_val *val) {
    return val->kind == table->type.elem && moat__val_in_store(val, table->store);
}

moat_error *moat_table_new(moat_store *store, const moat_tabletype *type, const moat_val *init,
                           moat_table **out) {
    if (type->elem != MOAT_FUNCREF && type->elem != MOAT_EXTERNREF)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "table element type must be funcref or externref");
    if (type->limits.has_max && type->limits.max < type->limits.min)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "size minimum must not be greater than maximum");
    void *ref = NULL;
    if (init) {
        if (init->kind != type->elem)
            return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                                   "table initial value has the wrong type");
        if (!moat__val_in_store(init, store))
            return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                                   "table initial value is a function of another store");
        ref = init->kind == MOAT_FUNCREF ? (void *)init->of.funcref : init->of.externref;
    }
    struct moat__tabletype t = {(u8)type->elem,
                                {type->limits.min, type->limits.max, type->limits.has_max}};
    moat_table *table = moat__table_create(store, &t, ref);
    if (!table)
        return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                               "cannot allocate a table of %llu elements",
                               (unsigned long long)type->limits.min);
    *out = table;
    return NULL;
}

moat_tabletype moat_table_type(const moat_table *table) {
    return table->type;
}

uint64_t moat_table_size(const moat_table *table) {
    return table->size;
}

bool moat_table_get(const moat_table *table, uint64_t index, moat_val *out) {
    if (index >= table->size) return false;
    out->kind = table->type.elem;
    if (out->kind == MOAT_FUNCREF)
        out->of.funcref = table->elems[index];
    else
        out->of.externref = table->elems[index];
    return true;
}

bool moat_table_set(moat_table *table, uint64_t index, const moat_val *val) {
    if (index >= table->size || !ref_kind_ok(table, val)) return false;
    table->elems[index] = val->kind == MOAT_FUNCREF ? (void *)val->of.funcref : val->of.externref;
    return true;
}
