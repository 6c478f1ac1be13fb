// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A tiny test harness: CHECK* macros print both sides and count failures; main() ends
// with TEST_DONE(), which prints "N passed, N failed" and returns the exit status.
#ifndef MOAT_TEST_H
#define MOAT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            test_passed++;                                                           \
        } else {                                                                     \
            test_failed++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                        \
    do {                                                                                          \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                           \
        if (check_a_ == check_b_) {                                                               \
            test_passed++;                                                                        \
        } else {                                                                                  \
            test_failed++;                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, \
                    #a, #b, check_a_, check_b_);                                                  \
        }                                                                                         \
    } while (0)

// `haystack` (may be NULL) contains `needle`.
#define CHECK_CONTAINS(haystack, needle)                                                       \
    do {                                                                                       \
        const char *check_h_ = (haystack), *check_n_ = (needle);                               \
        if (check_h_ && strstr(check_h_, check_n_)) {                                          \
            test_passed++;                                                                     \
        } else {                                                                               \
            test_failed++;                                                                     \
            fprintf(stderr, "%s:%d: check failed: \"%s\" does not contain \"%s\"\n", __FILE__, \
                    __LINE__, check_h_ ? check_h_ : "(null)", check_n_);                       \
        }                                                                                      \
    } while (0)

#define TEST_DONE()                                                 \
    do {                                                            \
        printf("%d passed, %d failed\n", test_passed, test_failed); \
        return test_failed ? 1 : 0;                                 \
    } while (0)

#endif
