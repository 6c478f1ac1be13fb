// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// moat_error objects: kind, message and the byte offset the failure was found at.
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static moat_error oom_error = {
    .kind = MOAT_ERROR_OOM,
    .offset = MOAT_NO_OFFSET,
    .func_index = MOAT_NO_INDEX,
    .is_static = true,
    .message = "out of memory",
};

moat_error *moat__error_oom(void) {
    return &oom_error;
}

moat_error *moat__error_new(moat_error_kind kind, uint64_t offset, const char *fmt, ...) {
    moat_error *err = calloc(1, sizeof *err);
    if (!err) return &oom_error;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    err->message = malloc((size_t)(n < 0 ? 0 : n) + 1);
    if (!err->message) {
        free(err);
        return &oom_error;
    }
    va_start(ap, fmt);
    vsnprintf(err->message, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    err->kind = kind;
    err->offset = offset;
    err->func_index = MOAT_NO_INDEX;
    return err;
}

void moat_error_delete(moat_error *err) {
    if (!err || err->is_static) return;
    free(err->message);
    free(err);
}

moat_error_kind moat_error_kind_get(const moat_error *err) {
    return err->kind;
}

const char *moat_error_message(const moat_error *err) {
    return err->message;
}

bool moat_error_offset(const moat_error *err, uint64_t *out) {
    if (err->offset == MOAT_NO_OFFSET) return false;
    *out = err->offset;
    return true;
}
