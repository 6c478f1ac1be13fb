// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Globals and the conversion between public values (moat_val) and engine slots.
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void moat__val_to_slot(const moat_val *val, moat__slot *slot) {
    switch (val->kind) {
    case MOAT_I32:
        slot[0] = (u32)val->of.i32;
        break;
    case MOAT_I64:
        slot[0] = (u64)val->of.i64;
        break;
    case MOAT_F32: {
        u32 bits;
        memcpy(&bits, &val->of.f32, 4);
        slot[0] = bits;
        break;
    }
    case MOAT_F64:
        memcpy(slot, &val->of.f64, 8);
        break;
    case MOAT_V128:
        memcpy(slot, val->of.v128, 16);
        break;
    case MOAT_FUNCREF:
        slot[0] = (u64)(uintptr_t)val->of.funcref;
        break;
    case MOAT_EXTERNREF:
        slot[0] = (u64)(uintptr_t)val->of.externref;
        break;
    }
}

void moat__slot_to_val(const moat__slot *slots, u8 valtype, moat_val *out) {
    moat__slot slot = slots[0];
    out->kind = (moat_valkind)valtype;
    switch (valtype) {
    case MOAT_VT_I32:
        out->of.i32 = (i32)(u32)slot;
        break;
    case MOAT_VT_I64:
        out->of.i64 = (i64)slot;
        break;
    case MOAT_VT_F32: {
        u32 bits = (u32)slot;
        memcpy(&out->of.f32, &bits, 4);
        break;
    }
    case MOAT_VT_F64:
        memcpy(&out->of.f64, &slot, 8);
        break;
    case MOAT_VT_V128:
        memcpy(out->of.v128, slots, 16);
        break;
    case MOAT_VT_FUNCREF:
        out->of.funcref = (moat_func *)(uintptr_t)slot;
        break;
    case MOAT_VT_EXTERNREF:
        out->of.externref = (void *)(uintptr_t)slot;
        break;
    default:
        memset(&out->of, 0, sizeof out->of);
        break;
    }
}

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
    moat__val_to_slot(val, global->value);
    return NULL;
}
