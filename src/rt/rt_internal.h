// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Helpers shared between the files of rt/ (not used by other layers).
#ifndef MOAT_RT_INTERNAL_H
#define MOAT_RT_INTERNAL_H

#include "rt/runtime.h"

void moat__module_retain(moat_module *module);
void moat__module_release(moat_module *module);
moat_limits moat__limits_public(struct moat__limits l);

// Records `object` (of a moat_externkind, or MOAT__OBJ_INSTANCE) for freeing with the
// store. Returns false on OOM (the caller frees the object itself).
#define MOAT__OBJ_INSTANCE 4
bool moat__store_track(moat_store *store, void *object, u8 kind);

// Value conversion between the public moat_val and 8-byte slots: a v128 takes two
// (moat__valtype_slots), any other value one.
void moat__val_to_slot(const moat_val *val, moat__slot *slot);
void moat__slot_to_val(const moat__slot *slot, u8 valtype, moat_val *out);

// Creation of runtime objects inside instantiation (no public checks).
moat_memory *moat__memory_create(moat_store *store, const struct moat__memtype *type);
moat_table *moat__table_create(moat_store *store, const struct moat__tabletype *type, void *init);
moat_global *moat__global_create(moat_store *store, u8 valtype, bool is_mutable);

// An UNLINKABLE error naming import `import_index` (module, field, expected type).
moat_error *moat__import_error(const moat_module *module, u32 import_index, const char *phrase,
                               const char *detail);

#endif
