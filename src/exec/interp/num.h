// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Float helpers for the numeric handlers (spec: Numerics): bit views, min/max with the
// NaN and signed-zero rules, and saturating truncation. Static inline: used by run.c only.
#ifndef MOAT_EXEC_INTERP_NUM_H
#define MOAT_EXEC_INTERP_NUM_H

#include "moat.h"
#include "util/types.h"

#include <math.h>
#include <string.h>

static inline f32 moat__f32_from(u32 bits) {
    f32 f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline u32 moat__f32_bits(f32 f) {
    u32 bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

static inline f64 moat__f64_from(u64 bits) {
    f64 f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline u64 moat__f64_bits(f64 f) {
    u64 bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

// NaN in -> NaN out (a + b quiets it); -0 < +0; otherwise the smaller/larger value.
static inline f32 moat__fmin32(f32 a, f32 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return moat__f32_from(moat__f32_bits(a) | moat__f32_bits(b));
    return a < b ? a : b;
}

static inline f32 moat__fmax32(f32 a, f32 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return moat__f32_from(moat__f32_bits(a) & moat__f32_bits(b));
    return a > b ? a : b;
}

static inline f64 moat__fmin64(f64 a, f64 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return moat__f64_from(moat__f64_bits(a) | moat__f64_bits(b));
    return a < b ? a : b;
}

static inline f64 moat__fmax64(f64 a, f64 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return moat__f64_from(moat__f64_bits(a) & moat__f64_bits(b));
    return a > b ? a : b;
}

// The trap of a failed trapping truncation: NaN is an invalid conversion, anything else
// out of range an overflow.
static inline int moat__trunc_fault(bool is_nan) {
    return is_nan ? MOAT_TRAP_INVALID_CONVERSION : MOAT_TRAP_INTEGER_OVERFLOW;
}

// Saturating truncations; f32 arguments widen to f64 exactly.
static inline u32 moat__sat_s32(f64 x) {
    if (x != x) return 0;
    if (x <= -2147483648.0) return 0x80000000u;
    if (x >= 2147483648.0) return 0x7FFFFFFFu;
    return (u32)(i32)x;
}

static inline u32 moat__sat_u32(f64 x) {
    if (x != x || x <= -1.0) return 0;
    if (x >= 4294967296.0) return 0xFFFFFFFFu;
    return (u32)x;
}

static inline u64 moat__sat_s64(f64 x) {
    if (x != x) return 0;
    if (x <= -9223372036854775808.0) return 0x8000000000000000u;
    if (x >= 9223372036854775808.0) return 0x7FFFFFFFFFFFFFFFu;
    return (u64)(i64)x;
}

static inline u64 moat__sat_u64(f64 x) {
    if (x != x || x <= -1.0) return 0;
    if (x >= 18446744073709551616.0) return ~(u64)0;
    return (u64)x;
}

#endif
