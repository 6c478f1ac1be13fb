// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Reading a module the way every command takes one: from a file or `-` (stdin), in the
// binary format or the text format (converted with moat_wat2wasm).
#include "cli.h"

#include <stdlib.h>
#include <string.h>

bool cli_read_input(const char *path, uint8_t **out, size_t *out_len) {
    return cli_read_file(strcmp(path, "-") ? path : "/dev/stdin", out, out_len);
}

bool cli_is_binary(const uint8_t *bytes, size_t len) {
    return len >= 4 && !memcmp(bytes, "\0asm", 4);
}

bool cli_wat_convert(const char *path, uint8_t *text, size_t len, uint8_t **out, size_t *out_len) {
    moat_byte_vec wasm = {0};
    moat_error *err =
        moat_wat2wasm((const char *)text, len, strcmp(path, "-") ? path : "<stdin>", &wasm);
    free(text);
    if (err) {
        fprintf(stderr, "moat: %s\n", moat_error_message(err));
        moat_error_delete(err);
        return false;
    }
    *out = wasm.data;
    *out_len = wasm.size;
    return true;
}

bool cli_read_module(const char *path, uint8_t **out, size_t *out_len) {
    uint8_t *bytes;
    size_t len;
    if (!cli_read_input(path, &bytes, &len)) return false;
    if (cli_is_binary(bytes, len)) {
        *out = bytes;
        *out_len = len;
        return true;
    }
    return cli_wat_convert(path, bytes, len, out, out_len);
}
