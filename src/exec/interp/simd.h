// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The v128 value of the SIMD handlers (ops_simd*.inc) and their lane helpers (spec:
// Numerics, vector operations). Two builds from the same handler source:
//   vector  (default on GCC/clang with SSE2, i.e. every x86-64): the union also holds
//           GCC/clang vector types, so the common lane-wise operators are one host
//           vector instruction (paddb, pcmpeqd, mulps, ...); a few operators that the
//           vector extensions cannot express use SSE2 intrinsics.
//   scalar  (-DMOAT_SIMD=scalar, or any other host): plain C loops over the lanes,
//           the portable fallback that CI also tests.
// Both give bit-identical results: the spec fixes every integer result, and the float
// operators used on vectors (+ - * / sqrt, compares) are IEEE 754 operations whose NaN
// results are canonical or arithmetic either way. Static inline: used by run.c only.
#ifndef MOAT_EXEC_INTERP_SIMD_H
#define MOAT_EXEC_INTERP_SIMD_H

#include "exec/interp/num.h"
#include "util/types.h"

#include <math.h>
#include <string.h>

#if !defined(MOAT_SIMD_SCALAR) && defined(__GNUC__) && defined(__SSE2__)
#define MOAT_SIMD_VEC 1
#include <emmintrin.h>
// 8-byte alignment, as slots have: a 16-byte aligned local would make clang realign the
// stack of preserve_none handlers, which it cannot do next to ASan's dynamic allocas.
typedef u8 moat__vu8 __attribute__((vector_size(16), aligned(8)));
typedef i8 moat__vi8 __attribute__((vector_size(16), aligned(8)));
typedef u16 moat__vu16 __attribute__((vector_size(16), aligned(8)));
typedef i16 moat__vi16 __attribute__((vector_size(16), aligned(8)));
typedef u32 moat__vu32 __attribute__((vector_size(16), aligned(8)));
typedef i32 moat__vi32 __attribute__((vector_size(16), aligned(8)));
typedef u64 moat__vu64 __attribute__((vector_size(16), aligned(8)));
typedef i64 moat__vi64 __attribute__((vector_size(16), aligned(8)));
typedef f32 moat__vf32 __attribute__((vector_size(16), aligned(8)));
typedef f64 moat__vf64 __attribute__((vector_size(16), aligned(8)));
#endif

// A v128 value in a handler. Frames hold it as two u64 slots (8-byte aligned only), so
// it is copied in and out with memcpy (movdqu).
typedef union moat__v128 {
    u8 u8[16];
    i8 i8[16];
    u16 u16[8];
    i16 i16[8];
    u32 u32[4];
    i32 i32[4];
    u64 u64[2];
    i64 i64[2];
    f32 f32[4];
    f64 f64[2];
#ifdef MOAT_SIMD_VEC
    moat__vu8 vu8;
    moat__vi8 vi8;
    moat__vu16 vu16;
    moat__vi16 vi16;
    moat__vu32 vu32;
    moat__vi32 vi32;
    moat__vu64 vu64;
    moat__vi64 vi64;
    moat__vf32 vf32;
    moat__vf64 vf64;
    __m128i_u mi;
    __m128_u mf;
    __m128d_u md;
#endif
} moat__v128;

static inline moat__v128 moat__v128_get(const u64 *slots) {
    moat__v128 v;
    memcpy(&v, slots, sizeof v);
    return v;
}

static inline void moat__v128_put(u64 *slots, moat__v128 v) {
    memcpy(slots, &v, sizeof v);
}

// --- SSSE3 variants, chosen at translation time by CPUID ------------------------------------
// pshufb makes a byte shuffle one instruction; SSE2 has none, and the lane loop costs
// ~100 instructions (perf: 40% of a clang -msimd128 byte count). The handlers that call
// these are only emitted when moat__simd_has_ssse3() (compile_simd.c).
#if defined(MOAT_SIMD_VEC) && defined(__x86_64__)
#define MOAT_SIMD_SSSE3 1
#include <tmmintrin.h>

// The operands and the result are slot pointers: these functions are not inlined into
// the (non-SSSE3) handlers, and a union returned by value comes back in two GPRs, whose
// two 8-byte stores the next handler's 16-byte load cannot be store-forwarded from.
//
// Lanes 0-15 pick from a, 16-31 from b (i8x16.shuffle; lanes < 32 by validation).
__attribute__((target("ssse3"))) static inline void
moat__shuffle_ssse3(u64 *dst, const u64 *a, const u64 *b, const void *lane_bytes) {
    __m128i lanes = _mm_loadu_si128((const __m128i *)lane_bytes);
    __m128i from_b = _mm_cmpgt_epi8(lanes, _mm_set1_epi8(15));
    __m128i high = _mm_set1_epi8((char)0x80); // a set high bit makes pshufb write 0
    __m128i idx_a = _mm_or_si128(lanes, _mm_and_si128(from_b, high));
    __m128i idx_b =
        _mm_or_si128(_mm_sub_epi8(lanes, _mm_set1_epi8(16)), _mm_andnot_si128(from_b, high));
    __m128i va = _mm_loadu_si128((const __m128i *)a), vb = _mm_loadu_si128((const __m128i *)b);
    _mm_storeu_si128((__m128i *)dst,
                     _mm_or_si128(_mm_shuffle_epi8(va, idx_a), _mm_shuffle_epi8(vb, idx_b)));
}

// i8x16.swizzle: an index above 15 gives 0 (saturating + 0x70 sets its high bit).
__attribute__((target("ssse3"))) static inline void moat__swizzle_ssse3(u64 *dst, const u64 *a,
                                                                        const u64 *idx) {
    __m128i va = _mm_loadu_si128((const __m128i *)a), vi = _mm_loadu_si128((const __m128i *)idx);
    _mm_storeu_si128((__m128i *)dst, _mm_shuffle_epi8(va, _mm_adds_epu8(vi, _mm_set1_epi8(0x70))));
}
#endif

// --- integer lane helpers (spec: Numerics, integer operations) --------------------------

static inline i32 moat__sat_i8(i32 x) {
    return x < -128 ? -128 : x > 127 ? 127 : x;
}
static inline i32 moat__sat_u8(i32 x) {
    return x < 0 ? 0 : x > 255 ? 255 : x;
}
static inline i32 moat__sat_i16(i32 x) {
    return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}
static inline i32 moat__sat_u16(i32 x) {
    return x < 0 ? 0 : x > 65535 ? 65535 : x;
}

// --- float lane helpers -------------------------------------------------------------------
// nearest: round to even in the default rounding mode (never changed by moat).
static inline f32 moat__nearest32(f32 x) {
    return nearbyintf(x);
}
static inline f64 moat__nearest64(f64 x) {
    return nearbyint(x);
}

// pmin/pmax: b < a ? b : a, exactly (no NaN or signed-zero rules: spec "pseudo-min").
static inline f32 moat__pmin32(f32 a, f32 b) {
    return b < a ? b : a;
}
static inline f32 moat__pmax32(f32 a, f32 b) {
    return a < b ? b : a;
}
static inline f64 moat__pmin64(f64 a, f64 b) {
    return b < a ? b : a;
}
static inline f64 moat__pmax64(f64 a, f64 b) {
    return a < b ? b : a;
}

// Saturating f64 -> i32/u32 of the _zero conversions; f32 lanes widen exactly.
static inline i32 moat__sat_f_s32(f64 x) {
    return (i32)moat__sat_s32(x);
}
static inline u32 moat__sat_f_u32(f64 x) {
    return moat__sat_u32(x);
}

#endif
