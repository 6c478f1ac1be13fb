// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Shared state of the validator: module-level rules (validate.c) and function bodies
// (validate_func.c). The operand and control stacks live here and are reused by every
// function of a module, so validating a body allocates only when a stack must grow.
#ifndef MOAT_CORE_VALIDATE_INTERNAL_H
#define MOAT_CORE_VALIDATE_INTERNAL_H

#include "core/module.h"
#include "core/opcodes.h"
#include "moat.h"
#include "util/leb.h"

// Deepest block nesting accepted in a body. Bodies are checked without recursion, so
// this bounds memory, not the C stack; 10000 is far beyond what compilers emit.
#define MOAT_VALIDATE_MAX_NESTING 10000u

// Deepest operand stack accepted in a body. A `call` of a function with 1000 results is
// two bytes, so without a bound a 7 MB body could make the validator (and the
// interpreter's frames) hold billions of operands.
#define MOAT_VALIDATE_MAX_OPERANDS (1u << 20)

// The operand type of a value whose type is not known: it comes from the polymorphic
// stack after `unreachable`, `br`, `return`, ... (spec: appendix, validation algorithm).
#define MOAT_VT_UNKNOWN 0

// One entry of the control stack (spec: appendix, ctrl_frame).
struct moat__vframe {
    const u8 *params, *results; // start and end types
    u32 nparams, nresults;
    u32 height;        // operand stack height at entry
    u32 br_table_mark; // == vctx.br_table_count: checked by the current br_table
    u8 opcode;         // MOAT_OP_BLOCK / LOOP / IF / ELSE, or 0 for the function itself
    bool unreachable;  // the rest of the block is unreachable: the stack is polymorphic
};

// The decoded immediates of one instruction (validate_imm.c). Which fields are set
// depends on the opcode's immediate kind (enum moat__imm).
struct moat__immediates {
    u32 index;            // label, function, local, global, table, elem, data or type index;
                          // br_table: the default label; table.copy: the destination
    u32 index2;           // call_indirect, table.init: the table; table.copy: the source
    u32 align;            // memarg: alignment exponent (< 32)
    u32 count;            // br_table: number of targets; select t: number of types
    i64 blocktype;        // 0x40 or a value type as a negative s33, or a type index
    u8 valtype;           // select t: the first type; ref.null: the reference type
    u8 lane;              // lane operators: the lane index; i8x16.shuffle: the largest one
    moat__cursor targets; // br_table: positioned at the first target label
};

struct moat__vctx {
    const struct moat__module_ir *m;
    u32 features;    // bit (1 << moat_feature) for each enabled optional feature
    moat_error *err; // the first failure; validation stops there

    // After an INVALID error, the rest of the module is only decoded: a malformed body
    // anywhere makes the module malformed, as the spec decodes before it validates.
    moat_error *pending;
    bool decode_only;

    // Reused across functions; grown with realloc, freed by moat__vctx_free.
    u8 *vals;
    u32 nvals, vals_cap;
    struct moat__vframe *frames;
    u32 nframes, frames_cap;
    u8 *locals; // types of parameters then declared locals of the current function
    u32 nlocals, locals_cap;

    u32 br_table_count; // br_table instructions seen, to mark frames already checked
    u32 func_index;     // function being checked, or MOAT_NO_INDEX at module level
    const u8 *instr;    // the instruction being checked (its offset only on errors)
};

// Validates the body of defined function `func_index` (types of every function are
// already known to be in range). Returns false with v->err set on failure.
bool moat__validate_func(struct moat__vctx *v, u32 func_index);

void moat__vctx_free(struct moat__vctx *v);

static inline u64 moat__vinstr_offset(const struct moat__vctx *v) {
    return (u64)(v->instr - v->m->bytes);
}

// Keeps the current (INVALID) error aside and goes on decoding only: the error is
// reported unless decoding the rest of the module finds a malformed body.
static inline void moat__vctx_defer(struct moat__vctx *v) {
    v->pending = v->err;
    v->err = NULL;
    v->decode_only = true;
}

// Decodes the immediates of `code` at `c` into *out, with the binary format's checks
// (LEB128 form, reserved zero bytes, memop flags, value and reference type bytes, data
// count section). Returns false with v->err set (MOAT_ERROR_MALFORMED) on failure.
bool moat__decode_imm(struct moat__vctx *v, moat__cursor *c, u32 code,
                      const struct moat__opinfo *info, struct moat__immediates *out);

// Records the first error of a function body: "<message> (function N $name, offset 0x..)".
// Always returns false.
bool moat__vfail(struct moat__vctx *v, moat_error_kind kind, u64 offset, const char *fmt, ...)
    MOAT_PRINTF(4, 5);

// A value type byte that may appear in a signature, a local or a block type.
static inline bool moat__is_valtype(u8 t) {
    return t == MOAT_VT_I32 || t == MOAT_VT_I64 || t == MOAT_VT_F32 || t == MOAT_VT_F64
           || t == MOAT_VT_V128 || t == MOAT_VT_FUNCREF || t == MOAT_VT_EXTERNREF;
}

static inline bool moat__is_reftype(u8 t) {
    return t == MOAT_VT_FUNCREF || t == MOAT_VT_EXTERNREF;
}

#endif
