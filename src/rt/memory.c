// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Linear memories. Guard mode (default) reserves 8 GiB + a guard page of address space
// so that any u32 address plus u32 offset lands inside the reservation: compiled code
// needs no bounds checks and the pages past `size` fault into a trap. Released
// reservations are reset to their initial state (written pages dropped, growth made
// inaccessible again) and pooled in the engine for the next memory of that size. Bounds-check mode
// allocates exactly `size` bytes and the interpreter checks every access.
#include "rt/rt_internal.h"
#include "util/error.h"
#include "util/os.h"

#include <stdlib.h>
#include <string.h>

// u32 address + u32 offset + an 8-byte access (16 for v128) stays below this.
#define GUARD_RESERVATION (((u64)8 << 30) + ((u64)1 << 16))

// The declared maximum, capped by the spec's 4 GiB and the store's limit
// (moat_store_max_memory_size_set): growth past it fails as memory.grow's -1.
static u64 effective_max_pages(const moat_store *store, const struct moat__memtype *type) {
    u64 max = type->limits.has_max ? type->limits.max : MOAT_MAX_PAGES32;
    if (max > MOAT_MAX_PAGES32) max = MOAT_MAX_PAGES32;
    u64 store_max = store->max_memory_size / MOAT_PAGE_SIZE;
    return max > store_max ? store_max : max;
}

// Takes a reservation from the pool for a memory of `size` bytes: preferably one whose
// first `size` bytes are accessible and hold image `image_id` (0: zeros), then *warm
// and there is nothing to do; else an empty one; else any other, emptied first. Maps a
// new one when the pool has none. NULL on failure.
static void *reservation_acquire(moat_engine *engine, u64 image_id, u64 size, bool *warm) {
    struct moat__reservation r = {NULL, 0, 0};
    pthread_mutex_lock(&engine->pool_lock);
    u32 n = engine->npooled, pick = n;
    for (u32 i = n; i-- > 0;) { // newest first
        const struct moat__reservation *p = &engine->pooled[i];
        if (p->image_id == image_id && p->used == size) {
            pick = i;
            break;
        }
        if (pick == n || (p->used == 0 && engine->pooled[pick].used != 0)) pick = i;
    }
    if (pick < n) {
        r = engine->pooled[pick];
        engine->pooled[pick] = engine->pooled[--engine->npooled];
    }
    pthread_mutex_unlock(&engine->pool_lock);
    *warm = r.base && r.image_id == image_id && r.used == size;
    if (*warm) return r.base;
    if (r.base && !moat__os_decommit(r.base, r.used)) {
        moat__os_release(r.base, GUARD_RESERVATION);
        r.base = NULL;
    }
    return r.base ? r.base : moat__os_reserve(GUARD_RESERVATION);
}

static void reservation_put(moat_engine *engine, struct moat__reservation r) {
    pthread_mutex_lock(&engine->pool_lock);
    bool kept = engine->npooled < MOAT_RESERVATION_POOL;
    if (kept) engine->pooled[engine->npooled++] = r;
    pthread_mutex_unlock(&engine->pool_lock);
    if (!kept) moat__os_release(r.base, GUARD_RESERVATION);
}

// Returns a reservation of which the first `used` bytes may be accessible, emptied.
static void reservation_release(moat_engine *engine, void *base, u64 used) {
    if (!moat__os_decommit(base, used)) {
        moat__os_release(base, GUARD_RESERVATION);
        return;
    }
    struct moat__reservation r = {base, 0, 0};
    reservation_put(engine, r);
}

// A released memory goes back as it was created, for the next memory of that size and
// image: growth made inaccessible again, written pages dropped (MADV_DONTNEED: pages of
// the image come back from its file, the others as zeros). Else, or if that fails,
// emptied.
static void memory_release(moat_engine *engine, moat_memory *mem) {
    u64 keep = mem->initial_size;
    if ((mem->size == keep || moat__os_decommit(mem->base + keep, mem->size - keep))
        && moat__os_discard(mem->base, keep)) {
        struct moat__reservation r = {mem->base, mem->image_id, keep};
        reservation_put(engine, r);
    } else {
        reservation_release(engine, mem->base, mem->size);
    }
}

void moat__memory_pool_forget(moat_engine *engine, u64 image_id) {
    pthread_mutex_lock(&engine->pool_lock);
    for (u32 i = engine->npooled; i-- > 0;) {
        struct moat__reservation *r = &engine->pooled[i];
        if (r->image_id != image_id) continue;
        if (moat__os_decommit(r->base, r->used)) {
            r->image_id = r->used = 0;
        } else {
            moat__os_release(r->base, GUARD_RESERVATION);
            *r = engine->pooled[--engine->npooled];
        }
    }
    pthread_mutex_unlock(&engine->pool_lock);
}

void moat__memory_pool_drain(moat_engine *engine) {
    for (u32 i = 0; i < engine->npooled; i++)
        moat__os_release(engine->pooled[i].base, GUARD_RESERVATION);
    engine->npooled = 0;
}

void moat__memory_free(moat_memory *mem) {
    if (mem->guarded)
        memory_release(mem->store->engine, mem);
    else
        free(mem->base);
    free(mem);
}

static moat_memory *memory_new(moat_store *store, const struct moat__memtype *type) {
    if (type->limits.min > effective_max_pages(store, type)) return NULL;
    moat_memory *mem = calloc(1, sizeof *mem);
    if (!mem) return NULL;
    mem->store = store;
    mem->type.limits = moat__limits_public(type->limits);
    mem->max_pages = effective_max_pages(store, type);
    mem->size = mem->initial_size = type->limits.min * MOAT_PAGE_SIZE;
    return mem;
}

moat_memory *moat__memory_create_imaged(moat_store *store, const struct moat__memtype *type,
                                        const struct moat__image *image) {
    moat_memory *mem = memory_new(store, type);
    if (!mem) return NULL;
    bool warm;
    mem->base = reservation_acquire(store->engine, image->id, mem->size, &warm);
    if (!mem->base) goto fail;
    mem->guarded = true;
    mem->reserved = GUARD_RESERVATION;
    if (!warm
        && (!moat__os_commit(mem->base, mem->size)
            || !moat__os_image_map(image->fd, mem->base + image->start, image->len))) {
        reservation_release(store->engine, mem->base, mem->size);
        goto fail;
    }
    mem->image_id = image->id;
    if (!moat__store_track(store, mem, MOAT_EXTERN_MEMORY)) {
        moat__memory_free(mem);
        return NULL;
    }
    return mem;
fail:
    free(mem);
    return NULL;
}

moat_memory *moat__memory_create(moat_store *store, const struct moat__memtype *type) {
    moat_memory *mem = memory_new(store, type);
    if (!mem) return NULL;
    u64 size = mem->size;
    if (!store->engine->config.bounds_checks) {
        mem->guarded = true;
        mem->reserved = GUARD_RESERVATION;
        bool warm;
        mem->base = reservation_acquire(store->engine, 0, size, &warm);
        if (!mem->base) goto fail;
        if (!warm && !moat__os_commit(mem->base, size)) {
            reservation_release(store->engine, mem->base, size);
            goto fail;
        }
    } else {
        // +1 so a zero-page memory still has a distinct non-NULL base.
        mem->base = calloc(1, size + 1);
        if (!mem->base) goto fail;
        mem->reserved = size;
    }
    if (!moat__store_track(store, mem, MOAT_EXTERN_MEMORY)) {
        moat__memory_free(mem);
        return NULL;
    }
    return mem;
fail:
    free(mem);
    return NULL;
}

i64 moat__memory_grow(moat_memory *mem, u64 delta_pages) {
    u64 old_pages = mem->size / MOAT_PAGE_SIZE;
    if (delta_pages > mem->max_pages - old_pages) return -1;
    u64 new_size = (old_pages + delta_pages) * MOAT_PAGE_SIZE;
    if (delta_pages == 0) return (i64)old_pages;
    if (mem->guarded) {
        if (!moat__os_commit(mem->base + mem->size, new_size - mem->size)) {
            // A partial commit must not leave accessible pages past `size`.
            moat__os_decommit(mem->base + mem->size, new_size - mem->size);
            return -1;
        }
    } else {
        u8 *base = realloc(mem->base, new_size + 1);
        if (!base) return -1;
        memset(base + mem->size, 0, new_size - mem->size);
        mem->base = base;
        mem->reserved = new_size;
    }
    mem->size = new_size;
    mem->type.limits.min = old_pages + delta_pages;
    return (i64)old_pages;
}

moat_error *moat_memory_new(moat_store *store, const moat_memorytype *type, moat_memory **out) {
    if (type->limits.has_max && type->limits.max < type->limits.min)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "size minimum must not be greater than maximum");
    struct moat__memtype t = {{type->limits.min, type->limits.max, type->limits.has_max}};
    moat_memory *mem = moat__memory_create(store, &t);
    if (!mem)
        return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                               "cannot allocate a memory of %llu pages",
                               (unsigned long long)type->limits.min);
    *out = mem;
    return NULL;
}

moat_memorytype moat_memory_type(const moat_memory *memory) {
    return memory->type;
}

uint8_t *moat_memory_data(const moat_memory *memory) {
    return memory->base;
}

uint64_t moat_memory_data_size(const moat_memory *memory) {
    return memory->size;
}

moat_error *moat_memory_grow(moat_memory *memory, uint64_t delta, uint64_t *out_old_pages) {
    i64 old = moat__memory_grow(memory, delta);
    if (old < 0)
        return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                               "memory cannot grow by %llu pages (maximum %llu pages)",
                               (unsigned long long)delta, (unsigned long long)memory->max_pages);
    if (out_old_pages) *out_old_pages = (u64)old;
    return NULL;
}

bool moat_memory_read(const moat_memory *memory, uint64_t offset, void *buf, size_t len) {
    if (offset > memory->size || len > memory->size - offset) return false;
    memcpy(buf, memory->base + offset, len);
    return true;
}

bool moat_memory_write(moat_memory *memory, uint64_t offset, const void *buf, size_t len) {
    if (offset > memory->size || len > memory->size - offset) return false;
    memcpy(memory->base + offset, buf, len);
    return true;
}
