// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Copy-on-write memory images: a module's active data segments are written once into an
// in-memory file, and each guard-mode instantiation maps that file privately over its
// fresh memory instead of copying the bytes. Pages stay shared until the instance
// writes them. Modules whose segments could trap, or depend on imports, copy as before.
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
    module->image_fd = fd;
    module->image_start = start;
    module->image_len = end - start;
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

bool moat__image_apply(moat_instance *inst, moat_error **err) {
    const struct moat__module_ir *ir = inst->ir;
    if (ir->nmems != 1 || ir->nmem_imports != 0 || !inst->mems[0]->guarded) return false;
    moat_memory *mem = inst->mems[0];
    moat_module *module = inst->module;
    if (!image_ready(module) || module->image_start + module->image_len > mem->size) return false;
    // The memory is fresh (nothing has run yet): its pages there are untouched zeros.
    u8 *at = mem->base + module->image_start;
    if (moat__os_image_map(module->image_fd, at, module->image_len)) return true;
    // A failed MAP_FIXED may have unmapped the range: make it fresh zero pages again.
    if (moat__os_decommit(at, module->image_len) && moat__os_commit(at, module->image_len))
        return false;
    *err = moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                           "cannot map the initial contents of memory 0");
    return false;
}

void moat__image_init(moat_module *module) {
    module->image_state = IMAGE_UNTRIED;
    module->image_fd = -1;
    pthread_mutex_init(&module->image_lock, NULL);
}

void moat__image_free(moat_module *module) {
    if (module->image_state == IMAGE_READY) moat__os_image_close(module->image_fd);
    pthread_mutex_destroy(&module->image_lock);
}
