// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// random_get: getrandom(2) straight into the guest's buffer (no intermediate copy). It
// blocks only until the kernel's pool is first initialised, as the preview1 contract
// ("cryptographically secure") requires.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <sys/random.h>

uint32_t moat__wasi_random_get(wasi_call *c) {
    uint32_t len = wasi_u32(c, 1);
    uint8_t *p = wasi_ptr(c, wasi_u32(c, 0), len);
    if (!p) return WASI_EFAULT;
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return moat__wasi_errno(errno);
        }
        p += n;
        len -= (uint32_t)n;
    }
    return WASI_ESUCCESS;
}
