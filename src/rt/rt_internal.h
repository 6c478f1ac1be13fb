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

// A value the host hands to `store` holds no function of another store: a funcref must
// be null or one of the store's own (as moat.h says). Another store's function would
// run on this store's stacks, and dangle once its own store is deleted.
static inline bool moat__val_in_store(const moat_val *val, const moat_store *store) {
    return val->kind != MOAT_FUNCREF || !val->of.funcref || val->of.funcref->store == store;
}

// Creation of runtime objects inside instantiation (no public checks).
moat_memory *moat__memory_create(moat_store *store, const struct moat__memtype *type);
moat_table *moat__table_create(moat_store *store, const struct moat__tabletype *type, void *init);
moat_global *moat__global_create(moat_store *store, u8 valtype, bool is_mutable);
// A guard-mode memory holding `image` from the start: from a pooled reservation that
// already holds it (no system call), else mapped. NULL on any failure (the caller falls
// back to moat__memory_create, which reports it).
moat_memory *moat__memory_create_imaged(moat_store *store, const struct moat__memtype *type,
                                        const struct moat__image *image);
// Frees a memory; a guard-mode reservation goes back to the engine's pool.
void moat__memory_free(moat_memory *mem);
// Empties the pooled reservations that hold image `image_id` (its module is freed).
void moat__memory_pool_forget(moat_engine *engine, u64 image_id);
// Releases the engine's pooled reservations (moat_engine_delete).
void moat__memory_pool_drain(moat_engine *engine);

// Copy-on-write memory images (rt/image.c), built on first use.
// moat__image_memory_create makes memory 0 of `inst` with the image in place when that
// cannot be observed before the data segments would be written (no active element
// segment into an imported table, which a trap could leave holding a function of the
// failed instance); NULL otherwise. moat__image_apply is the data segments' step: true
// if memory 0 holds the image (already, or mapped now); false when the module has none
// or the mapping failed and left zero pages (the caller copies the segments). *err is
// set only when the memory could not be restored.
moat_memory *moat__image_memory_create(moat_instance *inst);
bool moat__image_apply(moat_instance *inst, moat_error **err);
void moat__image_init(moat_module *module);
void moat__image_free(moat_module *module);

// Evaluates a validated constant expression to one value (two slots for v128). Without
// an instance (NULL), global.get and ref.func make it fail: only constants evaluate.
bool moat__eval_const(const struct moat__module_ir *ir, const moat_instance *inst,
                      struct moat__const_expr expr, moat__slot *out);

// An UNLINKABLE error naming import `import_index` (module, field, expected type).
moat_error *moat__import_error(const moat_module *module, u32 import_index, const char *phrase,
                               const char *detail);

#endif
