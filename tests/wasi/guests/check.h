// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Checks for WASI test guests: each failed check prints the expression, the value it gave
// and the one expected; done() reports "N checks passed" or exits 1 after any failure.
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int checks_run, checks_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        checks_run++;                                                                \
        if (!(cond)) {                                                               \
            checks_failed++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

// A raw WASI call must return errno `want` (0 for success).
#define CHECK_ERRNO(call, want)                                                                \
    do {                                                                                       \
        checks_run++;                                                                          \
        unsigned got_ = (unsigned)(call);                                                      \
        if (got_ != (unsigned)(want)) {                                                        \
            checks_failed++;                                                                   \
            fprintf(stderr, "%s:%d: %s gave errno %u, expected %u (%s)\n", __FILE__, __LINE__, \
                    #call, got_, (unsigned)(want), #want);                                     \
        }                                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        checks_run++;                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                                    \
        if (a_ != b_) {                                                                        \
            checks_failed++;                                                                   \
            fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n", __FILE__, __LINE__, #a, #b, a_, \
                    b_);                                                                       \
        }                                                                                      \
    } while (0)

static inline int done(const char *name) {
    if (checks_failed) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, checks_failed, checks_run);
        return 1;
    }
    printf("%s: %d checks passed\n", name, checks_run);
    return 0;
}

// The preopen fd whose guest name is `name` (wasi-libc numbers them from 3).
static inline __wasi_fd_t preopen_fd(const char *name) {
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0) return (__wasi_fd_t)-1;
        char buf[256] = {0};
        if (ps.u.dir.pr_name_len < sizeof buf
            && __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) == 0
            && !strcmp(buf, name))
            return fd;
    }
}

#endif
