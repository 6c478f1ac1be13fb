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

// Creation of runtime objects inside instantiation (no public checks).
moat_memory *moat__memory_create(moat_store *store, const struct moat__memtype *type);
moat_table *moat__table_create(moat_store *store, const struct moat__tabletype *type, void *init);
moat_global *moat__global_create(moat_store *store, u8 valtype, bool is_mutable);
// Frees a memory; a guard-mode reservation goes back to the engine's pool.
void moat__memory_free(moat_memory *mem);
// Releases the engine's pooled reservations (moat_engine_delete).
void moat__memory_pool_drain(moat_engine *engine);

// Copy-on-write memory images (rt/image.c). moat__image_apply writes the active data
// segments of `inst` by mapping its module's image over memory 0, building the image on
// first use. Returns true when done so; false when the module has no image (the caller
// copies the segments) or the mapping failed and left zero pages (likewise). *err is set
// only when the memory could not be restored.
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
