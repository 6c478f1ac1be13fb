// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Decoding of instruction immediates inside function bodies, with every binary-format
// rule that applies to them. Kept apart from typing (validate_func.c) so that a body
// can be decoded without being validated: after an INVALID error the validator still
// decodes the rest of the module, because a malformed module is reported as malformed.
#include "core/validate_internal.h"
#include "util/error.h"

static MOAT_COLD bool fail_read(struct moat__vctx *v, const moat__cursor *c) {
    return moat__vfail(v, MOAT_ERROR_MALFORMED, c->fail_offset, "%s",
                       c->fail_msg ? c->fail_msg : "unexpected end");
}

#define READ(expr)                                          \
    do {                                                    \
        if (MOAT_UNLIKELY(!(expr))) return fail_read(v, c); \
    } while (0)

// The reserved memory index byte of memory.size/grow/fill/init/copy (spec 2.0: 0x00,
// one byte: a multi-byte LEB128 zero is not accepted either).
static bool read_zero_byte(struct moat__vctx *v, moat__cursor *c) {
    u8 b;
    READ(moat__read_u8(c, &b));
    if (b != 0)
        return moat__vfail(v, MOAT_ERROR_MALFORMED, moat__cursor_offset(c) - 1,
                           "zero byte expected");
    return true;
}

// memory.init and data.drop need the data count section (spec: binary, data count).
// Without one, an index that no data segment has is left to validation to report as
// unknown, as the spec testsuite expects.
static bool read_data_index(struct moat__vctx *v, moat__cursor *c, u32 *out) {
    READ(moat__read_u32(c, out));
    if (!v->m->has_data_count && *out < v->m->ndatas)
        return moat__vfail(v, MOAT_ERROR_MALFORMED, moat__vinstr_offset(v),
                           "data count section required");
    return true;
}

// Block type: 0x40, a value type (both one byte, so a negative s33 from -64 up), or a
// non-negative type index (spec: binary, blocktype).
static bool read_blocktype(struct moat__vctx *v, moat__cursor *c, i64 *out) {
    u64 at = moat__cursor_offset(c);
    READ(moat__read_sleb(c, 33, out));
    if (*out < 0) {
        u8 t = (u8)(*out + 0x80);
        if (*out < -0x40 || (t != MOAT_VT_EMPTY && !moat__is_valtype(t)))
            return moat__vfail(v, MOAT_ERROR_MALFORMED, at, "malformed value type");
    }
    return true;
}

bool moat__decode_imm(struct moat__vctx *v, moat__cursor *c, u32 code,
                      const struct moat__opinfo *info, struct moat__immediates *out) {
    const u8 *start = c->p; // the offset is computed only for an error
#define AT ((u64)(start - c->base))
    u32 ignored;
    switch ((enum moat__imm)info->imm) {
    case MOAT_IMM_NONE:
        return true;
    case MOAT_IMM_BLOCKTYPE:
        return read_blocktype(v, c, &out->blocktype);
    case MOAT_IMM_LABEL:
    case MOAT_IMM_FUNC:
    case MOAT_IMM_LOCAL:
    case MOAT_IMM_GLOBAL:
    case MOAT_IMM_TABLE:
    case MOAT_IMM_ELEM:
        READ(moat__read_u32(c, &out->index));
        return true;
    case MOAT_IMM_DATA:
        return read_data_index(v, c, &out->index);
    case MOAT_IMM_BR_TABLE:
        // The targets are read again while typing, from `targets`.
        READ(moat__read_u32(c, &out->count));
        out->targets = *c;
        for (u32 i = 0; i < out->count; i++)
            READ(moat__read_u32(c, &ignored));
        READ(moat__read_u32(c, &out->index));
        return true;
    case MOAT_IMM_CALL_INDIRECT: // type index, then table index
    case MOAT_IMM_TABLE_INIT:    // elem index, then table index
    case MOAT_IMM_TABLE_COPY:    // destination, then source
        READ(moat__read_u32(c, &out->index));
        READ(moat__read_u32(c, &out->index2));
        return true;
    case MOAT_IMM_MEMARG:
    case MOAT_IMM_MEMARG_LANE:
        // Exponents from 32 up are not 2.0 encodings (bit 6 is multi-memory's flag).
        READ(moat__read_u32(c, &out->align));
        if (out->align >= 32)
            return moat__vfail(v, MOAT_ERROR_MALFORMED, AT, "malformed memop flags");
        READ(moat__read_u32(c, &ignored)); // offset: any u32
        if (info->imm == MOAT_IMM_MEMARG_LANE) READ(moat__read_u8(c, &out->lane));
        return true;
    case MOAT_IMM_LANE:
        READ(moat__read_u8(c, &out->lane));
        return true;
    case MOAT_IMM_SHUFFLE: {
        // Lane indices are checked by validation (< 32): keep the largest.
        const u8 *lanes;
        READ(moat__read_bytes(c, 16, &lanes));
        out->lane = 0;
        for (int i = 0; i < 16; i++)
            if (lanes[i] > out->lane) out->lane = lanes[i];
        return true;
    }
    case MOAT_IMM_MEMORY:
        return read_zero_byte(v, c);
    case MOAT_IMM_MEMORY_INIT:
        return read_data_index(v, c, &out->index) && read_zero_byte(v, c);
    case MOAT_IMM_MEMORY_COPY:
        return read_zero_byte(v, c) && read_zero_byte(v, c);
    case MOAT_IMM_SELECT_T:
        // Every type of the vector is decoded; validation wants exactly one.
        READ(moat__read_u32(c, &out->count));
        for (u32 i = 0; i < out->count; i++) {
            u8 t;
            READ(moat__read_u8(c, &t));
            if (!moat__is_valtype(t))
                return moat__vfail(v, MOAT_ERROR_MALFORMED, moat__cursor_offset(c) - 1,
                                   "malformed value type");
            if (i == 0) out->valtype = t;
        }
        return true;
    case MOAT_IMM_REFTYPE:
        READ(moat__read_u8(c, &out->valtype));
        if (!moat__is_reftype(out->valtype))
            return moat__vfail(v, MOAT_ERROR_MALFORMED, AT, "malformed reference type");
        return true;
    case MOAT_IMM_I32:
    case MOAT_IMM_I64:
    case MOAT_IMM_F32:
    case MOAT_IMM_F64:
    case MOAT_IMM_V128:
        READ(moat__skip_immediates(c, info));
        return true;
    }
    return moat__vfail(v, MOAT_ERROR_MALFORMED, AT, "illegal opcode 0x%x", code);
#undef AT
}
