// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Decodes each file named on the command line with the binary decoder alone and prints
// one line per file: "OK <path>" or "ERR <kind> <path>\t<message>". Used to check the
// decoder against the spec testsuite's .wasm files (a script compares the messages).
#include "core/module.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        size_t len;
        unsigned char *bytes = slurp(argv[i], &len);
        if (!bytes) {
            printf("NOFILE %s\n", argv[i]);
            continue;
        }
        struct moat__module_ir *m;
        moat_error *err = moat__module_decode(bytes, len, &m);
        if (err) {
            printf("ERR %d %s\t%s\n", (int)moat_error_kind_get(err), argv[i],
                   moat_error_message(err));
            moat_error_delete(err);
        } else {
            printf("OK %s\n", argv[i]);
            moat__module_ir_free(m);
        }
        free(bytes);
    }
    return 0;
}
