// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Shared state of the validator: module-level rules (validate.c) and function bodies
// (validate_func.c). The operand and control stacks live here and are reused by every
// function of a module, so validating a body allocates only when a stack must grow.
#ifndef MOAT_CORE_VALIDATE_INTERNAL_H
#define MOAT_CORE_VALIDATE_INTERNAL_H

#include "core/module.h"
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

struct moat__vctx {
    const struct moat__module_ir *m;
    moat_error *err; // the first failure; validation stops there

    // Reused across functions; grown with realloc, freed by moat__vctx_free.
    u8 *vals;
    u32 nvals, vals_cap;
    struct moat__vframe *frames;
    u32 nframes, frames_cap;
    u8 *locals; // types of parameters then declared locals of the current function
    u32 nlocals, locals_cap;

    u32 br_table_count; // br_table instructions seen, to mark frames already checked
    u32 func_index;     // function being checked, or MOAT_NO_INDEX at module level
    u64 instr_offset;   // offset of the instruction being checked
};

// Validates the body of defined function `func_index` (types of every function are
// already known to be in range). Returns false with v->err set on failure.
bool moat__validate_func(struct moat__vctx *v, u32 func_index);

void moat__vctx_free(struct moat__vctx *v);

// A value type byte that may appear in a signature, a local or a block type.
static inline bool moat__is_valtype(u8 t) {
    return t == MOAT_VT_I32 || t == MOAT_VT_I64 || t == MOAT_VT_F32 || t == MOAT_VT_F64
           || t == MOAT_VT_V128 || t == MOAT_VT_FUNCREF || t == MOAT_VT_EXTERNREF;
}

static inline bool moat__is_reftype(u8 t) {
    return t == MOAT_VT_FUNCREF || t == MOAT_VT_EXTERNREF;
}

// "i32", "funcref", ...; "unknown" for MOAT_VT_UNKNOWN.
const char *moat__valtype_name(u8 t);

#endif
