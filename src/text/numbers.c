// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Integer and float literals of the text format. Decimal floats go through strtod /
// strtof after the grammar is checked and underscores removed (glibc rounds them
// correctly); hex floats are rounded here, to nearest-even, so that no libc's hex
// parsing matters; NaN payloads are placed by hand.
#include "text/text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int digit_value(char c, bool hex) {
    if (c >= '0' && c <= '9') return c - '0';
    if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) return (c | 0x20) - 'a' + 10;
    return -1;
}

// Length of a run of digits with single underscores between them (0 if none).
static size_t digits_len(const char *s, size_t len, bool hex) {
    size_t i = 0;
    while (i < len) {
        if (digit_value(s[i], hex) >= 0) {
            i++;
        } else if (s[i] == '_' && i > 0 && i + 1 < len && digit_value(s[i + 1], hex) >= 0) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

// Parses a whole unsigned number (decimal or 0x hex, underscores allowed). Returns false
// if the text is not one; sets *overflow if it exceeds `max`.
static bool parse_unsigned(const char *s, size_t len, u64 max, u64 *out, bool *overflow) {
    bool hex = len > 2 && s[0] == '0' && s[1] == 'x';
    if (hex) {
        s += 2;
        len -= 2;
    }
    if (!len || digits_len(s, len, hex) != len) return false;
    u64 v = 0;
    *overflow = false;
    unsigned base = hex ? 16 : 10;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_') continue;
        u64 d = (u64)digit_value(s[i], hex);
        if (v > (max - d) / base) *overflow = true;
        v = v * base + d;
    }
    *out = v;
    return true;
}

const char *moat__wat_nat(const char *text, size_t len, u64 max, u64 *out) {
    bool overflow;
    if (!parse_unsigned(text, len, max, out, &overflow)) return "unexpected token";
    return overflow ? "constant out of range" : NULL;
}

const char *moat__wat_int(const char *text, size_t len, unsigned bits, u64 *out) {
    const char *what = bits == 64   ? "i64 constant"
                       : bits == 32 ? "i32 constant"
                       : bits == 16 ? "i16 constant"
                                    : "i8 constant";
    bool neg = len && text[0] == '-', signed_ = len && (text[0] == '-' || text[0] == '+');
    u64 umax = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    u64 limit = signed_ ? (umax >> 1) + (neg ? 1 : 0) : umax;
    u64 v;
    bool overflow;
    if (!parse_unsigned(text + signed_, len - signed_, limit, &v, &overflow)) return what;
    if (overflow) return what;
    *out = (neg ? 0 - v : v) & umax;
    return NULL;
}

// Float formats: mantissa bits, exponent bias, exponent field width.
typedef struct float_fmt {
    unsigned mant_bits;
    int bias;
    unsigned exp_bits;
} float_fmt;

static const float_fmt F32_FMT = {23, 127, 8}, F64_FMT = {52, 1023, 11};

// Rounds mant * 2^exp (plus a sticky bit below mant) to the format, nearest-even.
// Returns false on overflow to infinity.
static bool round_binary(u64 mant, bool sticky, i64 exp, const float_fmt *f, u64 *out) {
    if (!mant) {
        *out = 0;
        return true;
    }
    int msb = 63 - __builtin_clzll(mant);
    i64 e = msb + exp; // power of two of the leading bit
    i64 emin = 1 - f->bias;
    i64 keep = (i64)f->mant_bits + 1 - (e < emin ? emin - e : 0);
    i64 shift = msb + 1 - keep;
    u64 q;
    if (shift <= 0) {
        q = mant << -shift;
    } else if (shift > 64) {
        q = 0; // below half the smallest subnormal
    } else {
        u64 rem = shift == 64 ? mant : mant & ((1ull << shift) - 1);
        u64 half = 1ull << (shift - 1);
        q = shift == 64 ? 0 : mant >> shift;
        if (rem > half || (rem == half && (sticky || (q & 1)))) q++;
    }
    u64 bits;
    if (e < emin) {
        bits = q; // subnormal; rounding up into 2^mant_bits is the smallest normal's bits
    } else {
        if (q >> (f->mant_bits + 1)) {
            q >>= 1;
            e++;
        }
        if (e + f->bias >= (i64)((1u << f->exp_bits) - 1)) return false;
        bits = (u64)(e + f->bias) << f->mant_bits | (q & ((1ull << f->mant_bits) - 1));
    }
    *out = bits;
    return true;
}

// A hex float body after "0x": hexdigits [. hexdigits] [p [sign] digits].
static const char *hex_float(const char *s, size_t len, const float_fmt *f, u64 *out) {
    size_t i = digits_len(s, len, true);
    if (!i) return "unexpected token";
    u64 mant = 0;
    bool sticky = false;
    i64 exp = 0;
    for (size_t k = 0; k < i; k++) {
        if (s[k] == '_') continue;
        if (mant >> 60)
            exp += 4, sticky |= digit_value(s[k], true) != 0;
        else
            mant = mant << 4 | (u64)digit_value(s[k], true);
    }
    if (i < len && s[i] == '.') {
        i++;
        size_t n = digits_len(s + i, len - i, true);
        for (size_t k = i; k < i + n; k++) {
            if (s[k] == '_') continue;
            if (mant >> 60) {
                sticky |= digit_value(s[k], true) != 0;
            } else {
                mant = mant << 4 | (u64)digit_value(s[k], true);
                exp -= 4;
            }
        }
        i += n;
    }
    if (i < len && (s[i] == 'p' || s[i] == 'P')) {
        i++;
        bool neg = i < len && s[i] == '-';
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t n = digits_len(s + i, len - i, false);
        if (!n) return "unexpected token";
        i64 e = 0;
        for (size_t k = i; k < i + n; k++)
            if (s[k] != '_' && e < (1 << 30)) e = e * 10 + digit_value(s[k], false);
        exp += neg ? -e : e;
        i += n;
    }
    if (i != len) return "unexpected token";
    // Fold the sticky bit below the mantissa so ties are broken correctly.
    if (sticky && !(mant >> 63)) {
        mant = mant << 1 | 1;
        exp -= 1;
        sticky = false;
    }
    return round_binary(mant, sticky, exp, f, out) ? NULL : "constant out of range";
}

// Checks the decimal float grammar: digits [. [digits]] [e [sign] digits].
static bool decimal_float_ok(const char *s, size_t len) {
    size_t i = digits_len(s, len, false);
    if (!i) return false;
    if (i < len && s[i] == '.') {
        i++;
        i += digits_len(s + i, len - i, false);
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t n = digits_len(s + i, len - i, false);
        if (!n) return false;
        i += n;
    }
    return i == len;
}

// Parses a float literal into bits of format f (sign included).
static const char *parse_float(const char *text, size_t len, const float_fmt *f, u64 *out) {
    bool neg = len && text[0] == '-';
    size_t skip = len && (text[0] == '-' || text[0] == '+');
    const char *s = text + skip;
    len -= skip;
    u64 sign = (u64)neg << (f->mant_bits + f->exp_bits);
    u64 exp_all = ((1ull << f->exp_bits) - 1) << f->mant_bits;
    u64 bits;
    if (len == 3 && !memcmp(s, "inf", 3)) {
        bits = exp_all;
    } else if (len == 3 && !memcmp(s, "nan", 3)) {
        bits = exp_all | 1ull << (f->mant_bits - 1);
    } else if (len > 6 && !memcmp(s, "nan:0x", 6)) {
        u64 payload;
        bool overflow;
        if (!parse_unsigned(s + 4, len - 4, (1ull << f->mant_bits) - 1, &payload, &overflow))
            return "unexpected token";
        if (overflow || !payload) return "constant out of range";
        bits = exp_all | payload;
    } else if (len > 2 && s[0] == '0' && s[1] == 'x') {
        const char *why = hex_float(s + 2, len - 2, f, &bits);
        if (why) return why;
    } else {
        if (!decimal_float_ok(s, len)) return "unexpected token";
        char small[128], *buf = len < sizeof small ? small : malloc(len + 1);
        if (!buf) return "out of memory";
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            if (s[i] != '_') buf[n++] = s[i];
        buf[n] = 0;
        errno = 0;
        if (f->mant_bits == 23) {
            float v = strtof(buf, NULL);
            u32 b;
            memcpy(&b, &v, sizeof b);
            bits = b;
        } else {
            double v = strtod(buf, NULL);
            memcpy(&bits, &v, sizeof bits);
        }
        if (buf != small) free(buf);
        if ((bits & exp_all) == exp_all) return "constant out of range";
    }
    *out = bits | sign;
    return NULL;
}

const char *moat__wat_f32(const char *text, size_t len, u32 *out) {
    u64 bits;
    const char *why = parse_float(text, len, &F32_FMT, &bits);
    if (!why) *out = (u32)bits;
    return why;
}

const char *moat__wat_f64(const char *text, size_t len, u64 *out) {
    return parse_float(text, len, &F64_FMT, out);
}
