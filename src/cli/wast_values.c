// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Values in wabt's wast2json form: every number is the unsigned decimal of its bits (f32
// and f64 too), so parsing and comparing work on bits and never round through a float.
#include "wast.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool parse_bits(const char *s, uint64_t max, uint64_t *out) {
    if (!s || *s < '0' || *s > '9') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max) return false;
    *out = v;
    return true;
}

static const char *parse_kind(const char *type, moat_valkind *out) {
    static const struct {
        const char *name;
        moat_valkind kind;
    } kinds[] = {
        {"i32", MOAT_I32},
        {"i64", MOAT_I64},
        {"f32", MOAT_F32},
        {"f64", MOAT_F64},
        {"v128", MOAT_V128},
        {"funcref", MOAT_FUNCREF},
        {"externref", MOAT_EXTERNREF},
    };
    if (!type) return "value without a type";
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!strcmp(type, kinds[i].name)) {
            *out = kinds[i].kind;
            return NULL;
        }
    }
    return "unknown value type";
}

// Fills out->of from the bits string `s` for the numeric and reference kinds.
static const char *parse_payload(const char *s, moat_val *out) {
    uint64_t bits;
    switch (out->kind) {
    case MOAT_I32:
    case MOAT_F32:
        if (!parse_bits(s, UINT32_MAX, &bits)) return "bad 32-bit value";
        if (out->kind == MOAT_I32) {
            out->of.i32 = (int32_t)(uint32_t)bits;
        } else {
            uint32_t b32 = (uint32_t)bits;
            memcpy(&out->of.f32, &b32, sizeof b32);
        }
        return NULL;
    case MOAT_I64:
    case MOAT_F64:
        if (!parse_bits(s, UINT64_MAX, &bits)) return "bad 64-bit value";
        if (out->kind == MOAT_I64)
            out->of.i64 = (int64_t)bits;
        else
            memcpy(&out->of.f64, &bits, sizeof bits);
        return NULL;
    case MOAT_FUNCREF:
        out->of.funcref = NULL;
        return s && !strcmp(s, "null") ? NULL : "funcref argument must be null";
    case MOAT_EXTERNREF:
        out->of.externref = NULL;
        if (s && !strcmp(s, "null")) return NULL;
        if (!parse_bits(s, UINTPTR_MAX - 1, &bits)) return "bad externref value";
        out->of.externref = (void *)(uintptr_t)(bits + 1);
        return NULL;
    case MOAT_V128:
        break;
    }
    return "v128 value without lanes";
}

// The lanes of a v128 ({"lane_type": "i32", "value": ["1", "2", "3", "4"]}), each the
// unsigned decimal of its bits, stored little-endian. With `want`, f32/f64 lanes may be
// NaN patterns.
static const char *parse_v128(const json_t *obj, moat_val *out, wast_expected *want) {
    static const struct {
        const char *name;
        unsigned bytes;
        bool is_float;
    } shapes[] = {{"i8", 1, false},  {"i16", 2, false}, {"i32", 4, false},
                  {"i64", 8, false}, {"f32", 4, true},  {"f64", 8, true}};
    const char *lane_type = json_string_value(json_object_get(obj, "lane_type"));
    size_t k = 0;
    while (k < sizeof shapes / sizeof shapes[0]
           && (!lane_type || strcmp(lane_type, shapes[k].name)))
        k++;
    if (k == sizeof shapes / sizeof shapes[0]) return "unknown v128 lane type";
    unsigned bytes = shapes[k].bytes;
    const json_t *lanes = json_object_get(obj, "value");
    size_t n = 16 / bytes;
    if (json_array_size(lanes) != n) return "wrong number of v128 lanes";
    if (want) want->lane_bytes = bytes;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(lanes, i));
        uint64_t bits = 0;
        if (want && shapes[k].is_float && s && !strcmp(s, "nan:canonical")) {
            want->lanes[i] = WAST_MATCH_NAN_CANONICAL;
        } else if (want && shapes[k].is_float && s && !strcmp(s, "nan:arithmetic")) {
            want->lanes[i] = WAST_MATCH_NAN_ARITHMETIC;
        } else if (!parse_bits(s, bytes == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1,
                               &bits)) {
            return "bad v128 lane value";
        }
        for (unsigned b = 0; b < bytes; b++)
            out->of.v128[i * bytes + b] = (uint8_t)(bits >> (8 * b));
    }
    return NULL;
}

const char *wast_value_parse(const json_t *obj, moat_val *out) {
    memset(out, 0, sizeof *out);
    const char *why = parse_kind(json_string_value(json_object_get(obj, "type")), &out->kind);
    if (why) return why;
    if (out->kind == MOAT_V128) return parse_v128(obj, out, NULL);
    return parse_payload(json_string_value(json_object_get(obj, "value")), out);
}

const char *wast_expected_parse(const json_t *obj, wast_expected *out) {
    memset(out, 0, sizeof *out);
    out->match = WAST_MATCH_BITS;
    const char *why = parse_kind(json_string_value(json_object_get(obj, "type")), &out->val.kind);
    if (why) return why;
    if (out->val.kind == MOAT_V128) return parse_v128(obj, &out->val, out);
    const char *s = json_string_value(json_object_get(obj, "value"));
    if (out->val.kind == MOAT_FUNCREF && !s) {
        out->match = WAST_MATCH_NONNULL;
        return NULL;
    }
    if ((out->val.kind == MOAT_F32 || out->val.kind == MOAT_F64) && s && !strncmp(s, "nan:", 4)) {
        if (!strcmp(s, "nan:canonical"))
            out->match = WAST_MATCH_NAN_CANONICAL;
        else if (!strcmp(s, "nan:arithmetic"))
            out->match = WAST_MATCH_NAN_ARITHMETIC;
        else
            return "unknown NaN pattern";
        return NULL;
    }
    return parse_payload(s, &out->val);
}

static uint64_t float_bits(const moat_val *v) {
    if (v->kind == MOAT_F32) {
        uint32_t b;
        memcpy(&b, &v->of.f32, sizeof b);
        return b;
    }
    uint64_t b;
    memcpy(&b, &v->of.f64, sizeof b);
    return b;
}

// spec: "canonical NaN" has only the most significant payload bit set; an "arithmetic
// NaN" has that bit set and any other payload. Either may have either sign.
static bool nan_bits_match(wast_match match, uint64_t bits, bool is_f32) {
    uint64_t exp_mask = is_f32 ? 0x7f800000u : 0x7ff0000000000000u;
    uint64_t payload_mask = is_f32 ? 0x007fffffu : 0x000fffffffffffffu;
    uint64_t quiet = is_f32 ? 0x00400000u : 0x0008000000000000u;
    uint64_t payload = bits & payload_mask;
    if ((bits & exp_mask) != exp_mask) return false;
    return match == WAST_MATCH_NAN_CANONICAL ? payload == quiet : (payload & quiet) != 0;
}

static bool nan_matches(wast_match match, const moat_val *got) {
    return nan_bits_match(match, float_bits(got), got->kind == MOAT_F32);
}

// Lane by lane: NaN patterns where given, the same bits elsewhere.
static bool v128_matches(const wast_expected *want, const moat_val *got) {
    unsigned bytes = want->lane_bytes ? want->lane_bytes : 16;
    for (unsigned i = 0; i < 16 / bytes; i++) {
        const uint8_t *g = got->of.v128 + i * bytes, *w = want->val.of.v128 + i * bytes;
        if (want->lanes[i] == WAST_MATCH_BITS) {
            if (memcmp(g, w, bytes)) return false;
            continue;
        }
        uint64_t bits = 0;
        for (unsigned b = 0; b < bytes; b++)
            bits |= (uint64_t)g[b] << (8 * b);
        if (!nan_bits_match(want->lanes[i], bits, bytes == 4)) return false;
    }
    return true;
}

bool wast_expected_matches(const wast_expected *want, const moat_val *got) {
    if (got->kind != want->val.kind) return false;
    switch (want->match) {
    case WAST_MATCH_NAN_CANONICAL:
    case WAST_MATCH_NAN_ARITHMETIC:
        return nan_matches(want->match, got);
    case WAST_MATCH_NONNULL:
        return got->of.funcref != NULL;
    case WAST_MATCH_BITS:
        break;
    }
    switch (got->kind) {
    case MOAT_I32:
        return got->of.i32 == want->val.of.i32;
    case MOAT_I64:
        return got->of.i64 == want->val.of.i64;
    case MOAT_F32:
    case MOAT_F64:
        return float_bits(got) == float_bits(&want->val);
    case MOAT_FUNCREF:
        return got->of.funcref == want->val.of.funcref;
    case MOAT_EXTERNREF:
        return got->of.externref == want->val.of.externref;
    case MOAT_V128:
        return v128_matches(want, got);
    }
    return false;
}

void wast_value_print(FILE *out, const moat_val *val) {
    fprintf(out, "%s:", cli_valkind_name(val->kind));
    if (val->kind == MOAT_EXTERNREF && val->of.externref) {
        fprintf(out, "%" PRIuPTR, (uintptr_t)val->of.externref - 1);
        return;
    }
    cli_print_value(out, val);
    if (val->kind == MOAT_F32)
        fprintf(out, " (0x%08" PRIx64 ")", float_bits(val));
    else if (val->kind == MOAT_F64)
        fprintf(out, " (0x%016" PRIx64 ")", float_bits(val));
}

void wast_expected_print(FILE *out, const wast_expected *want) {
    switch (want->match) {
    case WAST_MATCH_BITS:
        wast_value_print(out, &want->val);
        if (want->val.kind == MOAT_V128)
            for (unsigned i = 0; want->lane_bytes && i < 16 / want->lane_bytes; i++)
                if (want->lanes[i] != WAST_MATCH_BITS)
                    fprintf(out, " (lane %u: %s)", i,
                            want->lanes[i] == WAST_MATCH_NAN_CANONICAL ? "nan:canonical"
                                                                       : "nan:arithmetic");
        break;
    case WAST_MATCH_NAN_CANONICAL:
        fprintf(out, "%s:nan:canonical", cli_valkind_name(want->val.kind));
        break;
    case WAST_MATCH_NAN_ARITHMETIC:
        fprintf(out, "%s:nan:arithmetic", cli_valkind_name(want->val.kind));
        break;
    case WAST_MATCH_NONNULL:
        fputs("funcref:<non-null>", out);
        break;
    }
}
