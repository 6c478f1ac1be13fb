// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A module from text for C tests: NULL (after printing why) when the text or the module
// is refused.
#ifndef MOAT_TEST_WAT_MODULE_H
#define MOAT_TEST_WAT_MODULE_H

#include "moat.h"

#include <stdio.h>
#include <string.h>

static inline moat_module *module_from_wat(moat_engine *engine, const char *text) {
    moat_byte_vec bin;
    moat_error *err = moat_wat2wasm(text, strlen(text), "test", &bin);
    if (err) {
        fprintf(stderr, "wat2wasm: %s\n", moat_error_message(err));
        moat_error_delete(err);
        return NULL;
    }
    moat_module *module = NULL;
    err = moat_module_new(engine, bin.data, bin.size, &module);
    if (err) {
        fprintf(stderr, "module: %s\n", moat_error_message(err));
        moat_error_delete(err);
    }
    moat_byte_vec_delete(&bin);
    return module;
}

#endif
