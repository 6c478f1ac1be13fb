// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Copy-on-write memory images: a module's active data segments are written once into an
// in-memory file, and each guard-mode instantiation maps that file privately over its
// fresh memory instead of copying the bytes. Pages stay shared until the instance
// writes them. A released memory goes back to the engine's pool still holding the image
// (its written pages dropped), so the next instance of the module maps nothing at all
// (rt/memory.c). Modules whose segments could trap, or depend on imports, copy as before.
#include "rt/rt_internal.h"
#include "util/error.h"
#include "util/os.h"

// Below this many bytes of data, copying costs about as much as mapping; not worth a
// file descriptor per module.
#define IMAGE_MIN_BYTES (16u << 10)

enum { IMAGE_UNTRIED, IMAGE_READY, IMAGE_NONE };

// The host-page-aligned byte range [*start, *end) of memory 0 that the segments cover,
// if an image can stand for them: one memory, defined by the module, every active
// segment at a constant offset and inside the initial size (so none can trap and the
// order of evaluation cannot matter), and enough bytes to be worth it.
static bool image_range(const struct moat__module_ir *ir, u64 *start, u64 *end) {
    if (ir->nmems != 1 || ir->nmem_imports != 0) return false;
    u64 size = ir->mems[0].limits.min * MOAT_PAGE_SIZE, lo = UINT64_MAX, hi = 0, bytes = 0;
    for (u32 i = 0; i < ir->ndatas; i++) {
        const struct moat__data *seg = &ir->datas[i];
        if (seg->mode != MOAT__SEG_ACTIVE) continue;
        moat__slot off[2];
        if (!moat__eval_const(ir, NULL, seg->offset_expr, off)) return false;
        u64 dst = (u32)off[0];
        if (dst > size || seg->data_len > size - dst) return false;
        if (!seg->data_len) continue;
        if (dst < lo) lo = dst;
        if (dst + seg->data_len > hi) hi = dst + seg->data_len;
        bytes += seg->data_len;
    }
    u64 page = moat__os_page_size();
    if (bytes < IMAGE_MIN_BYTES || !page || MOAT_PAGE_SIZE % page) return false;
    *start = lo / page * page;
    *end = (hi + page - 1) / page * page; // <= size: size is a multiple of `page`
    return true;
}

static int image_build(moat_module *module) {
    const struct moat__module_ir *ir = module->ir;
    u64 start, end;
    if (!image_range(ir, &start, &end)) return IMAGE_NONE;
    int fd = moat__os_image_create(end - start);
    if (fd < 0) return IMAGE_NONE;
    // In segment order, so that where segments overlap the later one wins, as copying.
    for (u32 i = 0; i < ir->ndatas; i++) {
        const struct moat__data *seg = &ir->datas[i];
        if (seg->mode != MOAT__SEG_ACTIVE || !seg->data_len) continue;
        moat__slot off[2];
        moat__eval_const(ir, NULL, seg->offset_expr, off); // succeeded in image_range
        if (!moat__os_image_write(fd, (u32)off[0] - start, ir->bytes + seg->data_start,
                                  seg->data_len)) {
            moat__os_image_close(fd);
            return IMAGE_NONE;
        }
    }
    moat__os_image_seal(fd);
    module->image.id = __atomic_add_fetch(&module->engine->last_image_id, 1, __ATOMIC_RELAXED);
    module->image.fd = fd;
    module->image.start = start;
    module->image.len = end - start;
    return IMAGE_READY;
}

static bool image_ready(moat_module *module) {
    int state = __atomic_load_n(&module->image_state, __ATOMIC_ACQUIRE);
    if (state != IMAGE_UNTRIED) return state == IMAGE_READY;
    pthread_mutex_lock(&module->image_lock);
    state = module->image_state;
    if (state == IMAGE_UNTRIED) {
        state = image_build(module);
        __atomic_store_n(&module->image_state, state, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&module->image_lock);
    return state == IMAGE_READY;
}

// Could a trap in the element segments leave a function of the instance reachable?
static bool elems_reach_imported_table(const struct moat__module_ir *ir) {
    for (u32 i = 0; i < ir->nelems; i++)
        if (ir->elems[i].mode == MOAT__SEG_ACTIVE && ir->elems[i].table_index < ir->ntable_imports)
            return true;
    return false;
}

moat_memory *moat__image_memory_create(moat_instance *inst) {
    const struct moat__module_ir *ir = inst->ir;
    if (inst->store->engine->config.bounds_checks || ir->nmems != 1 || ir->nmem_imports != 0
        || elems_reach_imported_table(ir) || !image_ready(inst->module))
        return NULL;
    return moat__memory_create_imaged(inst->store, &ir->mems[0], &inst->module->image);
}

bool moat__image_apply(moat_instance *inst, moat_error **err) {
    const struct moat__module_ir *ir = inst->ir;
    if (ir->nmems != 1 || ir->nmem_imports != 0 || !inst->mems[0]->guarded) return false;
    moat_memory *mem = inst->mems[0];
    if (mem->image_id) return true;
    moat_module *module = inst->module;
    const struct moat__image *image = &module->image;
    if (!image_ready(module) || image->start + image->len > mem->size) return false;
    // The memory is fresh (nothing has run yet): its pages there are untouched zeros.
    u8 *at = mem->base + image->start;
    if (moat__os_image_map(image->fd, at, image->len)) {
        mem->image_id = image->id; // released, it is reset to the image, not to zeros
        return true;
    }
    // A failed MAP_FIXED may have unmapped the range: make it fresh zero pages again.
    if (moat__os_decommit(at, image->len) && moat__os_commit(at, image->len)) return false;
    *err = moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                           "cannot map the initial contents of memory 0");
    return false;
}

void moat__image_init(moat_module *module) {
    module->image_state = IMAGE_UNTRIED;
    module->image.fd = -1;
    pthread_mutex_init(&module->image_lock, NULL);
}

void moat__image_free(moat_module *module) {
    if (module->image_state == IMAGE_READY) {
        // Pooled memories still map the file: empty them, which frees its pages.
        moat__memory_pool_forget(module->engine, module->image.id);
        moat__os_image_close(module->image.fd);
    }
    pthread_mutex_destroy(&module->image_lock);
}
