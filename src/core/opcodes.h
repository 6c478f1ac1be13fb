// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Opcode numbers, immediate kinds and the per-opcode facts from opcodes.def.
// An opcode is one byte (0x00-0xFF), 0xFC00 | sub for the 0xFC prefix, or 0xFD000 | sub
// for the 0xFD (SIMD) prefix.
#ifndef MOAT_CORE_OPCODES_H
#define MOAT_CORE_OPCODES_H

#include "util/leb.h"
#include "util/types.h"

enum moat__opcode {
#define OP(NAME, CODE, TEXT, IMM, R, A, B, BYTES) MOAT_OP_##NAME = CODE,
#include "core/opcodes.def"
#undef OP
};

enum moat__imm {
    MOAT_IMM_NONE,
    MOAT_IMM_BLOCKTYPE,     // s33 block type: 0x40, a value type, or a type index
    MOAT_IMM_LABEL,         // u32 label depth
    MOAT_IMM_BR_TABLE,      // vec(u32) labels + u32 default
    MOAT_IMM_FUNC,          // u32 function index
    MOAT_IMM_CALL_INDIRECT, // u32 type index, u32 table index
    MOAT_IMM_LOCAL,         // u32 local index
    MOAT_IMM_GLOBAL,        // u32 global index
    MOAT_IMM_TABLE,         // u32 table index
    MOAT_IMM_MEMARG,        // u32 align, u32 offset
    MOAT_IMM_MEMORY,        // memory index (a single 0x00 byte in 2.0)
    MOAT_IMM_I32,           // s32
    MOAT_IMM_I64,           // s64
    MOAT_IMM_F32,           // 4 bytes
    MOAT_IMM_F64,           // 8 bytes
    MOAT_IMM_SELECT_T,      // vec(valtype)
    MOAT_IMM_REFTYPE,       // heap type byte
    MOAT_IMM_MEMORY_INIT,   // u32 data index, memory index byte
    MOAT_IMM_DATA,          // u32 data index
    MOAT_IMM_MEMORY_COPY,   // two memory index bytes
    MOAT_IMM_TABLE_INIT,    // u32 elem index, u32 table index
    MOAT_IMM_ELEM,          // u32 elem index
    MOAT_IMM_TABLE_COPY,    // u32 dst table, u32 src table
    MOAT_IMM_V128,          // 16 bytes (v128.const)
    MOAT_IMM_SHUFFLE,       // 16 lane index bytes, each < 32 (i8x16.shuffle)
    MOAT_IMM_LANE,          // lane index byte, < 16 / BYTES
    MOAT_IMM_MEMARG_LANE,   // memarg, then a lane index byte
};

// Dense index of every opcode (one-byte, 0xFC-, 0xFD-prefixed) for tables indexed by
// opcode: moat__op_index(code) < MOAT_OP_INDEX_COUNT for any code of opcodes.def.
#define MOAT_OP_FC_BASE     0x100u
#define MOAT_OP_FC_COUNT    0x20u
#define MOAT_OP_FD_BASE     (MOAT_OP_FC_BASE + MOAT_OP_FC_COUNT)
#define MOAT_OP_FD_COUNT    0x114u
#define MOAT_OP_INDEX_COUNT (MOAT_OP_FD_BASE + MOAT_OP_FD_COUNT)
#define moat__op_index(code)                                  \
    ((code) < 0x100u     ? (code)                             \
     : (code) < 0x10000u ? MOAT_OP_FC_BASE + ((code) & 0xFFu) \
                         : MOAT_OP_FD_BASE + ((code) & 0xFFFu))

// Relaxed SIMD (WebAssembly 3.0): 0xFD sub-opcodes 0x100-0x113.
#define moat__op_is_relaxed(code) ((code) >= 0xFD100u && (code) <= 0xFD1FFu)

// Operand/result types in opinfo: 0 = none, else a value type byte (0x7F i32 ...).
#define MOAT_OPT_X 0xFF // typed by hand in the validator/compiler

struct moat__opinfo {
    u32 code;
    const char *text;
    u8 imm;       // enum moat__imm
    u8 result;    // value type byte, 0, or MOAT_OPT_X
    u8 params[2]; // value type bytes or 0
    u8 mem_bytes; // access size for loads/stores, else 0
};

// Facts for a known opcode, or NULL when `code` is not in opcodes.def.
const struct moat__opinfo *moat__opinfo(u32 code);

// Reads an opcode (a byte, or a prefix byte + u32 sub-opcode). Fails with "unexpected end" only;
// unknown opcodes are returned as read so the caller can name them.
bool moat__read_opcode(moat__cursor *c, u32 *out);

// For an opcode that is not WebAssembly 2.0: the proposal that defines it, as a phrase
// ("exception handling", "tail calls", "SIMD", ...), or NULL for a plainly illegal opcode.
const char *moat__opcode_proposal(u32 code);

// Skips the immediates of a known opcode (used to find the end of constant expressions).
bool moat__skip_immediates(moat__cursor *c, const struct moat__opinfo *info);

#endif
