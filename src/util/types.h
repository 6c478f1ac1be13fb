// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Short integer aliases and the few macros every engine file uses.
// Public headers spell out <stdint.h> names; inside the engine these are fine.
#ifndef MOAT_UTIL_TYPES_H
#define MOAT_UTIL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;
typedef float f32;
typedef double f64;

#if defined(__GNUC__) || defined(__clang__)
#define MOAT_LIKELY(x)    __builtin_expect(!!(x), 1)
#define MOAT_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define MOAT_NOINLINE     __attribute__((noinline))
#define MOAT_INLINE       inline __attribute__((always_inline))
#define MOAT_COLD         __attribute__((cold, noinline))
#define MOAT_MUST_USE     __attribute__((warn_unused_result))
#define MOAT_INTERNAL     __attribute__((visibility("hidden")))
#define MOAT_FALLTHROUGH  __attribute__((fallthrough))
#define MOAT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MOAT_LIKELY(x)   (x)
#define MOAT_UNLIKELY(x) (x)
#define MOAT_NOINLINE
#define MOAT_INLINE inline
#define MOAT_COLD
#define MOAT_MUST_USE
#define MOAT_INTERNAL
#define MOAT_FALLTHROUGH
#define MOAT_PRINTF(f, a)
#endif

// Facts the code itself guarantees (never about input): checked in debug builds only.
#ifdef MOAT_DEBUG
#include <stdio.h>
#include <stdlib.h>
// Expressions, not statements, so that MOAT_ALWAYS/MOAT_NEVER work inside conditions;
// they return x's truth value in every build, asserting first in debug builds.
#define MOAT_ASSERT(x)                                                                         \
    ((x) ? (void)0                                                                             \
         : (fprintf(stderr, "%s:%d: internal assertion failed: %s\n", __FILE__, __LINE__, #x), \
            __builtin_trap()))
#define MOAT_ALWAYS(x) ((x) ? 1 : (MOAT_ASSERT(!"MOAT_ALWAYS(" #x ")"), 0))
#define MOAT_NEVER(x)  ((x) ? (MOAT_ASSERT(!"MOAT_NEVER(" #x ")"), 1) : 0)
#else
#define MOAT_ASSERT(x) ((void)0)
// Self-healing checks (SQLite's ALWAYS/NEVER): still evaluated in release builds.
#define MOAT_ALWAYS(x) (x)
#define MOAT_NEVER(x)  (x)
#endif

// Propagate a failure: `expr` returns false/NULL-on-success conventions are spelled out
// at each use; MOAT_TRY jumps to the function's `fail:` label when `expr` is false.
#define MOAT_TRY(expr)                         \
    do {                                       \
        if (MOAT_UNLIKELY(!(expr))) goto fail; \
    } while (0)

#define MOAT_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
