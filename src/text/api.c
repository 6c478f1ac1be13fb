// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The text format's public entry points (moat.h): moat_wat2wasm and moat_byte_vec.
#include "text/text.h"

#include <stdlib.h>

void moat_byte_vec_delete(moat_byte_vec *vec) {
    if (!vec) return;
    free(vec->data);
    vec->data = NULL;
    vec->size = 0;
}

moat_error *moat_wat2wasm(const char *text, size_t len, const char *filename, moat_byte_vec *out) {
    u8 *bytes = NULL;
    size_t size = 0;
    moat_error *err = moat__wat_to_wasm(text, len, filename, &bytes, &size);
    if (err) return err;
    out->data = bytes;
    out->size = size;
    return NULL;
}
