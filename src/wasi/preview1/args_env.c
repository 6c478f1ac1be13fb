// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// args_get/args_sizes_get and environ_get/environ_sizes_get: the guest sees only what the
// configuration granted (moat_wasi_config_arg/_env), never the host's own environment.
#include "wasi/wasi.h"

// Writes `n` strings as NUL-terminated copies into guest `buf` and a pointer to each
// into guest array `ptrs`; the sizes come from sizes_get, so both ranges are checked
// in full before anything is written.
static uint32_t put_strings(wasi_call *c, char **list, size_t n, uint32_t ptrs, uint32_t buf) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(list[i]) + 1;
    uint8_t *array = wasi_ptr(c, ptrs, (uint64_t)n * 4);
    uint8_t *bytes = wasi_ptr(c, buf, total);
    if (!array || !bytes) return WASI_EFAULT;
    uint32_t at = buf;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list[i]) + 1;
        memcpy(c->mem + at, list[i], len);
        wasi_put32(array + 4 * i, at);
        at += (uint32_t)len;
    }
    return WASI_ESUCCESS;
}

static uint32_t put_sizes(wasi_call *c, char **list, size_t n, uint32_t count_ptr,
                          uint32_t size_ptr) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(list[i]) + 1;
    if (total > UINT32_MAX) return WASI_EOVERFLOW;
    uint32_t e = moat__wasi_out32(c, count_ptr, (uint32_t)n);
    return e ? e : moat__wasi_out32(c, size_ptr, (uint32_t)total);
}

uint32_t moat__wasi_args_get(wasi_call *c) {
    return put_strings(c, c->wasi->argv, c->wasi->argc, wasi_u32(c, 0), wasi_u32(c, 1));
}

uint32_t moat__wasi_args_sizes_get(wasi_call *c) {
    return put_sizes(c, c->wasi->argv, c->wasi->argc, wasi_u32(c, 0), wasi_u32(c, 1));
}

uint32_t moat__wasi_environ_get(wasi_call *c) {
    return put_strings(c, c->wasi->envp, c->wasi->envc, wasi_u32(c, 0), wasi_u32(c, 1));
}

uint32_t moat__wasi_environ_sizes_get(wasi_call *c) {
    return put_sizes(c, c->wasi->envp, c->wasi->envc, wasi_u32(c, 0), wasi_u32(c, 1));
}
