// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Globals (the conversion between moat_val and slots is inline in rt/runtime.h).
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

moat_global *moat__global_create(moat_store *store, u8 valtype, bool is_mutable) {
    moat_global *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->store = store;
    g->type.kind = (moat_valkind)valtype;
    g->type.is_mutable = is_mutable;
    if (!moat__store_track(store, g, MOAT_EXTERN_GLOBAL)) {
        free(g);
        return NULL;
    }
    return g;
}

moat_error *moat_global_new(moat_store *store, const moat_globaltype *type, const moat_val *init,
                            moat_global **out) {
    if (init->kind != type->kind)
        return moat__error_new(
            MOAT_ERROR_API, MOAT_NO_OFFSET, "global initial value is %s, expected %s",
            moat__valtype_name((u8)init->kind), moat__valtype_name((u8)type->kind));
    if (!moat__val_in_store(init, store))
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "global initial value is a function of another store");
    moat_global *g = moat__global_create(store, (u8)type->kind, type->is_mutable);
    if (!g) return moat__error_oom();
    moat__val_to_slot(init, g->value);
    *out = g;
    return NULL;
}

moat_globaltype moat_global_type(const moat_global *global) {
    return global->type;
}

void moat_global_get(const moat_global *global, moat_val *out) {
    moat__slot_to_val(global->value, (u8)global->type.kind, out);
}

moat_error *moat_global_set(moat_global *global, const moat_val *val) {
    if (!global->type.is_mutable)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET, "global is immutable");
    if (val->kind != global->type.kind)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET, "global is %s, value is %s",
                               moat__valtype_name((u8)global->type.kind),
                               moat__valtype_name((u8)val->kind));
    if (!moat__val_in_store(val, global->store))
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "global value is a function of another store");
    moat__val_to_slot(val, global->value);
    return NULL;
}
