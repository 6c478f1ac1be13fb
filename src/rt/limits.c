// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Per-store resource limits (ARCHITECTURE decision 7): caps on linear memory and table
// growth, fuel and epoch deadlines. Memory and table caps are enforced where they grow
// (rt/memory.c, rt/table.c); fuel and epochs are checked by the interpreter at loop
// headers and function entries, and only when the engine's config enables them, so a
// store without them pays nothing.
#include "rt/runtime.h"
#include "util/error.h"

#include <stdint.h>

void moat_store_max_memory_size_set(moat_store *store, uint64_t bytes) {
    store->max_memory_size = bytes;
}

void moat_store_max_table_elements_set(moat_store *store, uint64_t elements) {
    store->max_table_elements = elements;
}

moat_error *moat_store_fuel_set(moat_store *store, uint64_t fuel) {
    if (!store->engine->config.consume_fuel)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "fuel is not enabled (moat_config_consume_fuel_set)");
    store->fuel = fuel > INT64_MAX ? INT64_MAX : (i64)fuel;
    return NULL;
}

moat_error *moat_store_fuel_get(const moat_store *store, uint64_t *out) {
    if (!store->engine->config.consume_fuel)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "fuel is not enabled (moat_config_consume_fuel_set)");
    *out = store->fuel > 0 ? (u64)store->fuel : 0;
    return NULL;
}

void moat_store_epoch_deadline_set(moat_store *store, uint64_t ticks) {
    u64 now = __atomic_load_n(store->epoch, __ATOMIC_RELAXED);
    store->epoch_deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
}
