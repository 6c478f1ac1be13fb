// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The opcode table generated from opcodes.def, opcode reading, and the proposal that an
// unsupported opcode belongs to (so users read "tail calls (proposal) is not supported"
// rather than "illegal opcode").
#include "core/opcodes.h"

#define V    0
#define X    MOAT_OPT_X
#define I32  0x7F
#define I64  0x7E
#define F32  0x7D
#define F64  0x7C
#define V128 0x7B

static const struct moat__opinfo op_table[MOAT_OP_INDEX_COUNT] = {
#define OP(NAME, CODE, TEXT, IMM, R, A, B, BYTES) \
    [moat__op_index(CODE)] = {CODE, TEXT, MOAT_IMM_##IMM, R, {A, B}, BYTES},
#include "core/opcodes.def"
#undef OP
};

const struct moat__opinfo *moat__opinfo(u32 code) {
    const struct moat__opinfo *info = NULL;
    if (code < 0x100)
        info = &op_table[code];
    else if ((code & 0xFFFFFF00u) == 0xFC00u && (code & 0xFF) < MOAT_OP_FC_COUNT)
        info = &op_table[moat__op_index(code)];
    else if ((code & 0xFFFFF000u) == 0xFD000u && (code & 0xFFF) < MOAT_OP_FD_COUNT)
        info = &op_table[moat__op_index(code)];
    return info && info->text ? info : NULL;
}

bool moat__read_opcode(moat__cursor *c, u32 *out) {
    u8 byte;
    if (!moat__read_u8(c, &byte)) return false;
    if (byte != 0xFC && byte != 0xFD && byte != 0xFB && byte != 0xFE) {
        *out = byte;
        return true;
    }
    u32 sub;
    if (!moat__read_u32(c, &sub)) return false;
    // SIMD sub-opcodes reach 0x113 (relaxed SIMD); other prefixes stop below 0x100. Larger
    // ones are defined by no proposal: fold them to an illegal code.
    if (byte == 0xFD)
        *out = 0xFD000u | (sub > 0xFFF ? 0xFFF : sub);
    else
        *out = (u32)byte << 8 | (sub > 0xFF ? 0xFF : sub);
    return true;
}

const char *moat__opcode_proposal(u32 code) {
    switch (code) {
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0A:
    case 0x18:
    case 0x19:
    case 0x1F:
        return "exception handling";
    case 0x12:
    case 0x13:
    case 0x15:
        return "tail calls";
    case 0x14:
    case 0xD3:
    case 0xD4:
    case 0xD5:
    case 0xD6:
        return "typed function references";
    case 0xD7:
        return "garbage collection";
    default:
        break;
    }
    if (moat__op_is_relaxed(code)) return "relaxed SIMD";
    switch (code >> 8) {
    case 0xFB:
        return "garbage collection";
    case 0xFE:
        return "threads";
    default:
        return NULL;
    }
}

bool moat__skip_immediates(moat__cursor *c, const struct moat__opinfo *info) {
    u32 u;
    i64 s;
    const u8 *bytes;
    switch ((enum moat__imm)info->imm) {
    case MOAT_IMM_NONE:
        return true;
    case MOAT_IMM_BLOCKTYPE:
        return moat__read_sleb(c, 33, &s);
    case MOAT_IMM_LABEL:
    case MOAT_IMM_FUNC:
    case MOAT_IMM_LOCAL:
    case MOAT_IMM_GLOBAL:
    case MOAT_IMM_TABLE:
    case MOAT_IMM_DATA:
    case MOAT_IMM_ELEM:
        return moat__read_u32(c, &u);
    case MOAT_IMM_BR_TABLE: {
        u32 n;
        if (!moat__read_u32(c, &n)) return false;
        for (u64 i = 0; i <= n; i++)
            if (!moat__read_u32(c, &u)) return false;
        return true;
    }
    case MOAT_IMM_CALL_INDIRECT:
    case MOAT_IMM_MEMARG:
    case MOAT_IMM_TABLE_INIT:
    case MOAT_IMM_TABLE_COPY:
        return moat__read_u32(c, &u) && moat__read_u32(c, &u);
    case MOAT_IMM_MEMORY:
        return moat__read_bytes(c, 1, &bytes);
    case MOAT_IMM_MEMORY_INIT:
        return moat__read_u32(c, &u) && moat__read_bytes(c, 1, &bytes);
    case MOAT_IMM_MEMORY_COPY:
        return moat__read_bytes(c, 2, &bytes);
    case MOAT_IMM_I32:
        return moat__read_sleb(c, 32, &s);
    case MOAT_IMM_I64:
        return moat__read_sleb(c, 64, &s);
    case MOAT_IMM_F32:
        return moat__read_bytes(c, 4, &bytes);
    case MOAT_IMM_F64:
        return moat__read_bytes(c, 8, &bytes);
    case MOAT_IMM_SELECT_T: {
        u32 n;
        if (!moat__read_u32(c, &n)) return false;
        return moat__read_bytes(c, n, &bytes);
    }
    case MOAT_IMM_REFTYPE:
        return moat__read_sleb(c, 33, &s);
    case MOAT_IMM_V128:
    case MOAT_IMM_SHUFFLE:
        return moat__read_bytes(c, 16, &bytes);
    case MOAT_IMM_LANE:
        return moat__read_bytes(c, 1, &bytes);
    case MOAT_IMM_MEMARG_LANE:
        return moat__read_u32(c, &u) && moat__read_u32(c, &u) && moat__read_bytes(c, 1, &bytes);
    }
    return true;
}
