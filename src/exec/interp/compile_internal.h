// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The translator's state, shared by compile.c (control, calls, the translation loop),
// compile_ops.c (numeric and memory operators, their fusions), compile_misc.c (variables,
// references, bulk memory and tables) and compile_simd.c.
#ifndef MOAT_EXEC_INTERP_COMPILE_INTERNAL_H
#define MOAT_EXEC_INTERP_COMPILE_INTERNAL_H

#include "core/opcodes.h"
#include "exec/interp/interp_internal.h"

#include <setjmp.h>

// Where a simulated operand-stack value lives (see compile.c).
enum { K_TEMP = 0, K_LOCAL = 1, K_CONST = 2, K_ADDR = 3 };

// K_ADDR terms: the i32 value [S(local)] + [S(idx) << shift] + imm, not computed yet.
enum { ADDR_BASE = 1, ADDR_IDX = 2 };

struct ventry {
    u8 type;   // value type byte (a v128 takes two slots)
    u8 kind;   // K_*
    u8 terms;  // K_ADDR: ADDR_BASE | ADDR_IDX
    u8 shift;  // K_ADDR: of the index (1..31)
    u32 off;   // home slot - temp_base: the slots of the values below, added up
    u32 local; // K_LOCAL: the local's slot; K_ADDR: the base slot
    u32 idx;   // K_ADDR: the index slot
    u64 imm;   // K_CONST: the value's slot bits (never a v128); K_ADDR: the constant
};

// A forward jump operand to patch when its label is bound.
struct fixup {
    u32 opnd; // index of the offset operand in the u32 buffer
    u32 insn; // word index of the jumping instruction
    u32 next; // next fixup of the same label, +1 (0 = none)
};

struct cframe {
    u8 kind;          // MOAT_OP_BLOCK / LOOP / IF, 0 for the function itself
    bool unreachable; // the rest of the block is dead code
    u32 height;       // operand stack height below the block's params
    u32 nparams, nresults;
    const u8 *params, *results;
    u32 loop_pos;   // LOOP: word index of the loop header
    u32 fixups;     // forward branches to the end, list head +1
    u32 check_opnd; // LOOP/function with fuel: buffer index of the check's cost, 0 = none
    u32 check_from; // c->nseen when the check was emitted
    u32 nested;     // wasm instructions inside nested loops (charged by their own check)
    u32 else_fixup; // IF: the BR_UNLESS to the else arm, +1
};

struct comp {
    const moat_module *module;
    const struct moat__module_ir *ir;
    moat__cursor cur;
    bool checked;  // bounds-check mode: _CHK memory handlers
    u32 check_hid; // fuel/epoch check at loop headers and function entry; 0 = none
    u32 nseen;     // wasm instructions translated so far (fuel costs)
    u32 nparams, nresults;
    u32 nparam_slots, nresult_slots;
    u32 nlocals;   // params + declared locals
    u32 temp_base; // slot of operand-stack position 0 (= slots of all locals)
    u8 *local_types;
    u8 *zeroed;      // [nlocals]: a declared local not yet set since entry (while `straight`)
    bool straight;   // no label yet: the code so far runs once, straight from the entry
    u32 *local_slot; // [nlocals]: the first slot of each local
    u32 max_slots;   // deepest operand stack, in slots
    struct ventry *stack;
    u32 h, cap_stack, max_h;
    struct cframe *frames;
    u32 nframes, cap_frames;
    struct fixup *fixups;
    u32 nfixups, cap_fixups;
    u32 *buf; // code in u32 units; instructions start at even indices
    u32 len, cap;
    struct moat__srcpos *src;
    u32 nsrc, cap_src;
    u32 *labels; // br_table scratch
    u32 cap_labels;
    u32 cur_off;  // module offset of the instruction being translated
    u32 last_dst; // buffer index of the previous instruction's dst operand, 0 = none
    u32 last_dst_slot;
    u32 last_op_start;   // buffer index of the previous instruction
    u32 last_cmp_op;     // wasm opcode when the previous instruction is an integer compare
    bool last_cmp_imm;   // ... in its immediate form
    bool last_add_imm;   // the previous instruction is I32_ADD_I (dst, a, imm): foldable address
    bool last_add_slots; // ... is I32_ADD (dst, a, b)
    u32 prev_op_start;   // last_op_start, last_add_imm, last_add_slots one instruction earlier
    bool prev_add_imm, prev_add_slots;
    bool last_shl_imm, prev_shl_imm; // I32_SHL_I (dst, a, imm), for scaled-index loads
    u8 last_copy;     // the previous instruction is a scalar COPY, COPY2..4: how many copies
    u32 last_load_op; // wasm opcode when the previous instruction is a plain or _A load
    bool last_load_a; // ... in the _A form
    u32 prev_load_op; // last_load_op, last_load_a one instruction earlier
    bool prev_load_a;
    u32 last_memop;     // wasm opcode when the previous instruction is an op's _L/_LA form
    bool last_memop_la; // ... the _LA form
    u32 prev_memop;     // last_memop, last_memop_la one instruction earlier
    bool prev_memop_la;
    u32 madd_from;     // the previous instruction is an f64 ADD_L on an F64_MUL_L[A] at this
                       // buffer index, +1 (0 = none): c[j] += x * b[j]
    bool madd_la;      // ... an F64_MUL_LA
    u32 last_shift_op; // wasm opcode when the previous instruction is an i32 shift/rotate _I
    u32 prev_shift_op; // ... one instruction earlier
    u32 last_fop;      // ... is an f64 add/sub/mul or i32 add/sub/and/or/xor of two slots
    struct moat__code *result;
#ifdef MOAT_INTERP_DEBUG
    u32 *starts; // word index of every instruction, for the dump
    u32 nstarts, cap_starts;
#endif
    jmp_buf bail; // out-of-memory (or an impossible input): abandon the translation
};

// The home slot of stack position `pos` (<= c->h: the next push's home at c->h).
static inline u32 moat__comp_home(const struct comp *c, u32 pos) {
    if (pos == 0) return c->temp_base;
    const struct ventry *below = &c->stack[pos - 1];
    return c->temp_base + below->off + moat__valtype_slots(below->type);
}
#define HOME(c, pos) moat__comp_home((c), (pos))

// What the fusions know about the previous instruction no longer holds: a label, a new
// instruction or dropped code follows it.
static inline void moat__comp_forget_last(struct comp *c) {
    c->last_dst = 0;
    c->last_cmp_op = 0;
    c->last_add_imm = c->last_add_slots = c->last_shl_imm = false;
    c->last_copy = 0;
    c->last_load_op = c->last_memop = c->last_shift_op = c->last_fop = c->madd_from = 0;
}

_Noreturn void moat__comp_bail(struct comp *c);
void *moat__comp_grow(struct comp *c, void *p, u32 *cap, u32 need, size_t elem);
u32 moat__comp_label(struct comp *c);
u32 moat__comp_op(struct comp *c, u32 hid);
u32 moat__comp_u32(struct comp *c, u32 v);
void moat__comp_dst(struct comp *c, u32 slot);
void moat__comp_push(struct comp *c, u8 type, u8 kind, u32 local, u64 imm);
u32 moat__comp_push_temp(struct comp *c, u8 type);
u32 moat__comp_slot_of(const struct comp *c, u32 pos);
void moat__comp_const(struct comp *c, u32 dst, u64 v);
void moat__comp_materialize(struct comp *c, u32 pos);
void moat__comp_copy(struct comp *c, u8 type, u32 dst, u32 src);
u32 moat__comp_pop(struct comp *c);
bool moat__comp_take_select_cmp(struct comp *c, u32 *hid, u32 *x, u32 *y);

// compile.c <-> compile_ops.c.
struct hpair {
    u16 h;  // slots-only (or guard-page) handler
    u16 h2; // immediate variant (or bounds-checked) handler, 0 if none
};
extern const struct hpair moat__comp_br_handlers[0x60], moat__comp_add_br_handlers[0x60],
    moat__comp_adds_br_handlers[0x60], moat__comp_select_handlers[0x60];
u32 moat__comp_negate_compare(u32 op);
void moat__comp_drop_code(struct comp *c, u32 s);
bool moat__comp_lazy_addr(struct comp *c, u32 op);
void moat__comp_numeric(struct comp *c, u32 op, const struct moat__opinfo *info);
void moat__comp_memory(struct comp *c, u32 op, const struct moat__opinfo *info);
bool moat__comp_addr_reads(const struct ventry *e, u32 slot);
bool moat__comp_take_add_imm(struct comp *c, u32 pos, u32 *base, u32 *imm);

// Variables (global), references, select, memory size/grow, bulk memory and table ops.
void moat__comp_misc(struct comp *c, u32 op, const struct moat__opinfo *info);

// SIMD operators (compile_simd.c).
void moat__comp_simd(struct comp *c, u32 op, const struct moat__opinfo *info);
// True if the host has SSSE3 (x86-64 vector build only).
bool moat__simd_has_ssse3(void);

#endif
