// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The one checked cursor over module bytes. Every read checks bounds first (len compared
// against end - p, never p + len > end) and on failure records the offset and a message
// in the cursor, returning false; callers just propagate (MOAT_TRY).
#ifndef MOAT_UTIL_LEB_H
#define MOAT_UTIL_LEB_H

#include "util/types.h"

typedef struct moat__cursor {
    const u8 *base; // start of the whole module: offsets are p - base
    const u8 *p;
    const u8 *end;        // end of the current region (section, body, ...)
    const char *fail_msg; // static text of the first failure ("unexpected end", ...)
    u64 fail_offset;
} moat__cursor;

static inline u64 moat__cursor_offset(const moat__cursor *c) {
    return (u64)(c->p - c->base);
}

static inline bool moat__cursor_fail(moat__cursor *c, const char *msg) {
    if (!c->fail_msg) {
        c->fail_msg = msg;
        c->fail_offset = moat__cursor_offset(c);
    }
    return false;
}

static inline bool moat__cursor_at_end(const moat__cursor *c) {
    return c->p >= c->end;
}

static inline bool moat__read_u8(moat__cursor *c, u8 *out) {
    if (MOAT_UNLIKELY(c->p >= c->end)) return moat__cursor_fail(c, "unexpected end");
    *out = *c->p++;
    return true;
}

static inline bool moat__read_bytes(moat__cursor *c, size_t len, const u8 **out) {
    if (MOAT_UNLIKELY(len > (size_t)(c->end - c->p))) return moat__cursor_fail(c, "unexpected end");
    *out = c->p;
    c->p += len;
    return true;
}

// Unsigned LEB128 of at most `bits` bits (32 or 64): at most ceil(bits/7) bytes, and the
// unused bits of the last byte must be zero ("integer representation too long" /
// "integer too large", the spec testsuite's wording).
static inline bool moat__read_uleb(moat__cursor *c, unsigned bits, u64 *out) {
    u64 result = 0;
    unsigned shift = 0;
    const u8 *start = c->p;
    for (;;) {
        if (MOAT_UNLIKELY(c->p >= c->end)) return moat__cursor_fail(c, "unexpected end");
        u8 byte = *c->p++;
        if (shift + 7 >= bits) {
            // Last permitted byte: continuation bit set means too long; bits beyond the
            // width must be zero.
            if (byte & 0x80) {
                c->p = start;
                return moat__cursor_fail(c, "integer representation too long");
            }
            unsigned used = bits - shift; // meaningful bits in this byte
            if (used < 7 && (byte >> used) != 0) {
                c->p = start;
                return moat__cursor_fail(c, "integer too large");
            }
            result |= (u64)byte << shift;
            break;
        }
        result |= (u64)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80)) break;
    }
    *out = result;
    return true;
}

// Signed LEB128 of at most `bits` bits: the unused bits of the last byte must be a sign
// extension of the value's top bit.
static inline bool moat__read_sleb(moat__cursor *c, unsigned bits, i64 *out) {
    u64 result = 0;
    unsigned shift = 0;
    const u8 *start = c->p;
    u8 byte;
    for (;;) {
        if (MOAT_UNLIKELY(c->p >= c->end)) return moat__cursor_fail(c, "unexpected end");
        byte = *c->p++;
        if (shift + 7 >= bits) {
            if (byte & 0x80) {
                c->p = start;
                return moat__cursor_fail(c, "integer representation too long");
            }
            unsigned used = bits - shift; // meaningful bits incl. sign bit
            if (used < 7) {
                // bits [used-1 .. 6] must all equal the sign bit
                u8 rest = (u8)(byte >> (used - 1)) & (u8)(0x7f >> (used - 1));
                u8 all = (u8)(0x7f >> (used - 1));
                if (rest != 0 && rest != all) {
                    c->p = start;
                    return moat__cursor_fail(c, "integer too large");
                }
            }
            result |= (u64)(byte & 0x7f) << shift;
            shift += 7;
            break;
        }
        result |= (u64)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80)) break;
    }
    if (shift < 64 && (byte & 0x40)) result |= ~(u64)0 << shift;
    *out = (i64)result;
    return true;
}

static inline bool moat__read_u32(moat__cursor *c, u32 *out) {
    u64 v;
    if (!moat__read_uleb(c, 32, &v)) return false;
    *out = (u32)v;
    return true;
}

static inline bool moat__read_i32(moat__cursor *c, i32 *out) {
    i64 v;
    if (!moat__read_sleb(c, 32, &v)) return false;
    *out = (i32)v;
    return true;
}

static inline bool moat__read_i64(moat__cursor *c, i64 *out) {
    return moat__read_sleb(c, 64, out);
}

static inline bool moat__read_fixed32(moat__cursor *c, u32 *out) {
    const u8 *b;
    if (!moat__read_bytes(c, 4, &b)) return false;
    *out = (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
    return true;
}

static inline bool moat__read_fixed64(moat__cursor *c, u64 *out) {
    u32 lo, hi;
    if (!moat__read_fixed32(c, &lo) || !moat__read_fixed32(c, &hi)) return false;
    *out = (u64)hi << 32 | lo;
    return true;
}

#endif
