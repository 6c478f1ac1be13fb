// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Translator: one pass over a validated function body into register code (see
// interp_internal.h for the code and frame layout). The operand stack is simulated at
// compile time; each entry says where its value is:
//   TEMP   in its home slot, temp_base + stack position
//   LOCAL  still in a local's slot (local.get emits nothing)
//   CONST  not materialized yet (an immediate of the consumer, or a CONST op on demand)
//   ADDR   an i32 sum base + (index << shift) + constant of slots that stay intact (locals,
//          or the entry's own home), not computed yet: a load or store takes it as its
//          addressing mode, anything else computes it on demand (see moat__comp_lazy_addr)
// Invariants: at every label (block/if end with branches, loop header, else) and at
// block/loop/if entry, no entry is LOCAL and the values a label receives are TEMP at
// the label's base height. A local.set/tee first copies out stack entries still naming
// that local ("preservation"), and retargets the previous instruction's destination
// when it produced the value being stored. Branch targets: loops are known, forward
// branches are patched at `end` through fixup lists.
#include "exec/interp/compile_internal.h"

#include <stdlib.h>
#include <string.h>

// --- buffers -------------------------------------------------------------------------------

_Noreturn void moat__comp_bail(struct comp *c) {
    longjmp(c->bail, 1);
}

void *moat__comp_grow(struct comp *c, void *p, u32 *cap, u32 need, size_t elem) {
    if (need <= *cap) return p;
    u32 n = *cap ? *cap : 16;
    while (n < need) {
        if (n > UINT32_MAX / 2) moat__comp_bail(c);
        n *= 2;
    }
    void *q = realloc(p, (size_t)n * elem);
    if (!q) moat__comp_bail(c);
    *cap = n;
    return q;
}

// Pads the code to a whole word and returns the word index of the next instruction.
// Any jump may land there, so the previous destination can no longer be retargeted.
u32 moat__comp_label(struct comp *c) {
    c->buf = moat__comp_grow(c, c->buf, &c->cap, c->len + 1, sizeof *c->buf);
    if (c->len & 1) c->buf[c->len++] = 0;
    c->straight = false;
    moat__comp_forget_last(c);
    return c->len / 2;
}

u32 moat__comp_op(struct comp *c, u32 hid) {
    c->buf = moat__comp_grow(c, c->buf, &c->cap, c->len + 3, sizeof *c->buf);
    if (c->len & 1) c->buf[c->len++] = 0;
    u32 pos = c->len / 2;
    c->prev_op_start = c->last_op_start;
    c->prev_add_imm = c->last_add_imm;
    c->prev_add_slots = c->last_add_slots;
    c->prev_shl_imm = c->last_shl_imm;
    c->prev_load_op = c->last_load_op;
    c->prev_load_a = c->last_load_a;
    c->prev_shift_op = c->last_shift_op;
    c->prev_memop = c->last_memop;
    c->prev_memop_la = c->last_memop_la;
    c->last_op_start = c->len;
#ifdef MOAT_INTERP_DEBUG
    while (c->nstarts && c->starts[c->nstarts - 1] >= pos) // removed by a fusion
        c->nstarts--;
    c->starts = moat__comp_grow(c, c->starts, &c->cap_starts, c->nstarts + 1, sizeof *c->starts);
    c->starts[c->nstarts++] = pos;
#endif
    moat__insn w = moat__interp_handler_word(hid);
    memcpy(&c->buf[c->len], &w, sizeof w);
    c->len += 2;
    moat__comp_forget_last(c);
    if (c->nsrc && c->src[c->nsrc - 1].pos == pos) { // a fused instruction replaced it
        c->src[c->nsrc - 1].offset = c->cur_off;
    } else if (!c->nsrc || c->src[c->nsrc - 1].offset != c->cur_off) {
        c->src = moat__comp_grow(c, c->src, &c->cap_src, c->nsrc + 1, sizeof *c->src);
        c->src[c->nsrc].pos = pos;
        c->src[c->nsrc].offset = c->cur_off;
        c->nsrc++;
    }
    return pos;
}

u32 moat__comp_u32(struct comp *c, u32 v) {
    c->buf = moat__comp_grow(c, c->buf, &c->cap, c->len + 1, sizeof *c->buf);
    c->buf[c->len] = v;
    return c->len++;
}

// Emits the destination operand and remembers it for local.set retargeting.
void moat__comp_dst(struct comp *c, u32 slot) {
    c->last_dst = moat__comp_u32(c, slot);
    c->last_dst_slot = slot;
}

// --- operand stack -------------------------------------------------------------------------

void moat__comp_push(struct comp *c, u8 type, u8 kind, u32 local, u64 imm) {
    c->stack = moat__comp_grow(c, c->stack, &c->cap_stack, c->h + 1, sizeof *c->stack);
    u32 off = HOME(c, c->h) - c->temp_base;
    struct ventry *e = &c->stack[c->h++];
    e->type = type;
    e->kind = kind;
    e->terms = 0;
    e->shift = 0;
    e->idx = 0;
    e->off = off;
    e->local = local;
    e->imm = imm;
    if (c->h > c->max_h) c->max_h = c->h;
    u32 top = off + moat__valtype_slots(type);
    if (top > c->max_slots) c->max_slots = top;
}

u32 moat__comp_push_temp(struct comp *c, u8 type) {
    moat__comp_push(c, type, K_TEMP, 0, 0);
    return HOME(c, c->h - 1);
}

u32 moat__comp_slot_of(const struct comp *c, u32 pos) {
    const struct ventry *e = &c->stack[pos];
    return e->kind == K_LOCAL ? e->local : HOME(c, pos);
}

void moat__comp_const(struct comp *c, u32 dst, u64 v) {
    if (v <= UINT32_MAX) {
        moat__comp_op(c, H_CONST32);
        moat__comp_u32(c, dst);
        moat__comp_u32(c, (u32)v);
    } else {
        moat__comp_op(c, H_CONST64);
        moat__comp_u32(c, dst);
        moat__comp_u32(c, (u32)v);
        moat__comp_u32(c, (u32)(v >> 32));
    }
}

// Copies a value of `type` between slots (two for a v128).
// Up to four scalar copies in a row (register moves of a C loop: \`a = b; b = c\`) become
// one COPY2/3/4 that does them in order. Nothing can jump between them: a label clears
// last_copy.
void moat__comp_copy(struct comp *c, u8 type, u32 dst, u32 src) {
    if (type != MOAT_VT_V128 && c->last_add_imm && c->last_op_start + 5 == c->len
        && c->buf[c->last_op_start + 2] == src) {
        // A copy of the i32 an I32_ADD_I just computed (`local.set x (local.tee y (...))`):
        // I32_ADD2_I with the copy as its second add of 0.
        moat__insn w = moat__interp_handler_word(H_I32_ADD2_I);
        memcpy(&c->buf[c->last_op_start], &w, sizeof w);
        c->last_add_imm = false;
        c->last_dst = 0;
        moat__comp_u32(c, dst);
        moat__comp_u32(c, src);
        moat__comp_u32(c, 0);
        return;
    }
    if (type != MOAT_VT_V128 && c->last_copy && c->last_copy < 4
        && c->last_op_start + 2 + 2 * c->last_copy == c->len) {
        static const u16 copy_n[5] = {0, 0, H_COPY2, H_COPY3, H_COPY4};
        moat__insn w = moat__interp_handler_word(copy_n[++c->last_copy]);
        memcpy(&c->buf[c->last_op_start], &w, sizeof w);
    } else {
        moat__comp_op(c, type == MOAT_VT_V128 ? H_COPY128 : H_COPY);
        c->last_copy = type != MOAT_VT_V128;
    }
    moat__comp_u32(c, dst);
    moat__comp_u32(c, src);
}

// Computes the K_ADDR value `e` into slot `dst`, by the same instructions (and fusion
// flags) as the eager translation of the arithmetic would have emitted.
static void emit_addr(struct comp *c, const struct ventry *e, u32 dst) {
    u32 imm = (u32)e->imm;
    if (e->terms == ADDR_BASE && !imm) {
        if (dst != e->local) moat__comp_copy(c, MOAT_VT_I32, dst, e->local);
        return;
    }
    if (e->terms == ADDR_BASE) {
        if (c->last_add_imm && c->last_op_start + 5 == c->len) {
            // Right after another I32_ADD_I (pointer bumps, loop counters): both in one
            // I32_ADD2_I, like COPY2. Nothing can jump between them: a label clears
            // last_add_imm.
            moat__insn w = moat__interp_handler_word(H_I32_ADD2_I);
            memcpy(&c->buf[c->last_op_start], &w, sizeof w);
            moat__comp_dst(c, dst);
            moat__comp_u32(c, e->local);
            moat__comp_u32(c, imm);
            c->last_add_imm = false;
            return;
        }
        moat__comp_op(c, H_I32_ADD_I);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, e->local);
        moat__comp_u32(c, imm);
        c->last_add_imm = true;
        return;
    }
    if (e->terms == ADDR_IDX) {
        moat__comp_op(c, H_I32_SHL_I);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, e->idx);
        moat__comp_u32(c, e->shift);
        c->last_shl_imm = true;
        if (imm) {
            moat__comp_op(c, H_I32_ADD_I);
            moat__comp_dst(c, dst);
            moat__comp_u32(c, dst);
            moat__comp_u32(c, imm);
            c->last_add_imm = true;
        }
        return;
    }
    if (!e->shift && !imm) {
        moat__comp_op(c, H_I32_ADD);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, e->local);
        moat__comp_u32(c, e->idx);
        c->last_add_slots = true;
        c->last_fop = MOAT_OP_I32_ADD;
        return;
    }
    moat__comp_op(c, H_I32_ADDX);
    moat__comp_dst(c, dst);
    moat__comp_u32(c, e->local);
    moat__comp_u32(c, e->idx);
    moat__comp_u32(c, e->shift);
    moat__comp_u32(c, imm);
}

// Does the K_ADDR entry `e` read `slot`?
bool moat__comp_addr_reads(const struct ventry *e, u32 slot) {
    return e->kind == K_ADDR
           && (((e->terms & ADDR_BASE) && e->local == slot)
               || ((e->terms & ADDR_IDX) && e->idx == slot));
}

// Puts the value at stack position `pos` into its home slot.
void moat__comp_materialize(struct comp *c, u32 pos) {
    struct ventry *e = &c->stack[pos];
    if (e->kind == K_ADDR) {
        e->kind = K_TEMP;
        emit_addr(c, e, HOME(c, pos));
    } else if (e->kind == K_LOCAL) {
        u32 local = e->local;
        e->kind = K_TEMP;
        moat__comp_copy(c, e->type, HOME(c, pos), local);
    } else if (e->kind == K_CONST) {
        u64 imm = e->imm;
        e->kind = K_TEMP;
        moat__comp_const(c, HOME(c, pos), imm);
    }
}

// Pops the top value and returns a slot holding it (constants are materialized).
u32 moat__comp_pop(struct comp *c) {
    if (MOAT_NEVER(c->h <= c->frames[c->nframes - 1].height)) moat__comp_bail(c);
    u32 pos = --c->h;
    if (c->stack[pos].kind == K_CONST || c->stack[pos].kind == K_ADDR)
        moat__comp_materialize(c, pos);
    return moat__comp_slot_of(c, pos);
}

// Copies out every entry at positions < `below` that still names `local`.
static void preserve_local(struct comp *c, u32 local, u32 below) {
    for (u32 pos = 0; pos < below; pos++)
        if ((c->stack[pos].kind == K_LOCAL && c->stack[pos].local == local)
            || moat__comp_addr_reads(&c->stack[pos], local))
            moat__comp_materialize(c, pos);
}

// Block/loop/if entry: the top `nparams` values must be in their home slots, and no
// entry may stay LOCAL across the block (a local.set on one path would copy it out on
// that path only).
static void settle_stack(struct comp *c, u32 nparams) {
    for (u32 pos = 0; pos < c->h; pos++)
        if (c->stack[pos].kind == K_LOCAL || c->stack[pos].kind == K_ADDR
            || (pos >= c->h - nparams && c->stack[pos].kind))
            moat__comp_materialize(c, pos);
}

// --- control ---------------------------------------------------------------------------------

static void read_blocktype(struct comp *c, struct cframe *f) {
    const u8 *at = c->cur.p;
    i64 bt;
    if (!moat__read_sleb(&c->cur, 33, &bt)) moat__comp_bail(c);
    f->nparams = f->nresults = 0;
    f->params = f->results = NULL;
    if (bt == -64) // 0x40: no values
        return;
    if (bt < 0) { // a value type: the byte itself
        f->nresults = 1;
        f->results = at;
        return;
    }
    if ((u64)bt >= c->ir->ntypes) moat__comp_bail(c);
    const struct moat__functype *t = &c->ir->types[bt];
    f->nparams = t->nparams;
    f->params = t->params;
    f->nresults = t->nresults;
    f->results = t->results;
}

static struct cframe *push_frame(struct comp *c, const struct cframe *proto) {
    c->frames = moat__comp_grow(c, c->frames, &c->cap_frames, c->nframes + 1, sizeof *c->frames);
    struct cframe *f = &c->frames[c->nframes++];
    *f = *proto;
    return f;
}

static struct cframe *frame_at_depth(struct comp *c, u32 depth) {
    if (depth >= c->nframes) moat__comp_bail(c);
    return &c->frames[c->nframes - 1 - depth];
}

static u32 label_arity(const struct cframe *f) {
    return f->kind == MOAT_OP_LOOP ? f->nparams : f->nresults;
}

// Do the values a branch to `f` carries need moving into the label's home slots?
static bool moves_needed_at(const struct comp *c, const struct cframe *f, u32 h) {
    u32 n = label_arity(f);
    for (u32 i = 0; i < n; i++) {
        u32 pos = h - n + i;
        if (c->stack[pos].kind != K_TEMP || pos != f->height + i) return true;
    }
    return false;
}

static bool moves_needed(const struct comp *c, const struct cframe *f) {
    return moves_needed_at(c, f, c->h);
}

// Moves the top values into the home slots of `f`'s label. Ascending order is safe:
// destinations are temps at or below their sources, and locals are never destinations.
static void emit_moves(struct comp *c, const struct cframe *f) {
    u32 n = label_arity(f);
    u32 dst = HOME(c, f->height); // the label's values follow each other from there
    for (u32 i = 0; i < n; i++) {
        u32 pos = c->h - n + i;
        const struct ventry *e = &c->stack[pos];
        if (e->kind == K_CONST) {
            moat__comp_const(c, dst, e->imm);
        } else if (e->kind == K_ADDR) {
            emit_addr(c, e, dst);
        } else {
            u32 src = moat__comp_slot_of(c, pos);
            if (src != dst) moat__comp_copy(c, e->type, dst, src);
        }
        dst += moat__valtype_slots(e->type);
    }
}

// Emits the offset operand of a jump (instruction at word `insn`) to `f`'s label.
static void emit_target(struct comp *c, u32 insn, struct cframe *f) {
    if (f->kind == MOAT_OP_LOOP) {
        moat__comp_u32(c, (u32)((i32)f->loop_pos - (i32)insn));
        return;
    }
    c->fixups = moat__comp_grow(c, c->fixups, &c->cap_fixups, c->nfixups + 1, sizeof *c->fixups);
    struct fixup *fx = &c->fixups[c->nfixups];
    fx->opnd = moat__comp_u32(c, 0);
    fx->insn = insn;
    fx->next = f->fixups;
    f->fixups = ++c->nfixups;
}

static void patch(struct comp *c, u32 fixup_plus1, u32 target) {
    while (fixup_plus1) {
        struct fixup *fx = &c->fixups[fixup_plus1 - 1];
        c->buf[fx->opnd] = (u32)((i32)target - (i32)fx->insn);
        fixup_plus1 = fx->next;
    }
}

// A conditional branch about to be emitted: handler and operands, the offset follows.
struct condbr {
    u32 hid;
    u32 nops;
    u32 ops[5];
};

// The I32_ADD_I (dst, a, imm) at buffer index `s`, if it computed `slot`: it is removed
// (with what follows it) and the branch becomes an ADD_BR_* that adds, stores the sum
// and tests it, a loop's step and back-edge test in one dispatch.
static bool take_add_into(struct comp *c, bool is_add, u32 s, u32 slot, struct condbr *cb) {
    if (!is_add || c->buf[s + 2] != slot) return false;
    memmove(&cb->ops[3], &cb->ops[1], (cb->nops - 1) * sizeof *cb->ops);
    cb->ops[0] = slot;
    cb->ops[1] = c->buf[s + 3];
    cb->ops[2] = c->buf[s + 4];
    cb->nops += 2;
    c->len = s;
    c->last_dst = 0;
    c->last_add_imm = false;
    // Backtrace entries of the removed instructions: the fused one gets its own.
    while (c->nsrc && c->src[c->nsrc - 1].pos >= s / 2)
        c->nsrc--;
    return true;
}

// The plain I32_LOAD8_U at buffer index `p`, the last instruction: if it loaded `slot`, it
// is removed and the branch (taken when the byte is non-zero, or zero) loads the byte
// itself (`while (*p)`), still writing `slot`, which may be a local read later.
static void take_load8(struct comp *c, u32 p, u32 slot, bool nonzero, struct condbr *cb) {
    if (c->buf[p + 2] != slot) return;
    cb->ops[0] = slot;
    cb->ops[1] = c->buf[p + 3];
    cb->ops[2] = c->buf[p + 4];
    cb->nops = 3;
    moat__comp_drop_code(c, p);
    cb->hid = c->checked ? (nonzero ? H_BR_IF_L8_CHK : H_BR_UNLESS_L8_CHK)
                         : (nonzero ? H_BR_IF_L8 : H_BR_UNLESS_L8);
}

// Pops an i32 condition for a branch taken when it is `when`. When the previous
// instruction is the integer comparison that computed it, that instruction is removed
// and the branch becomes a fused compare-and-branch on its operands (whose slots stay
// intact: code emitted in between only writes home slots below them). An I32_ADD_I
// right before that, or right before a plain br_if, whose sum is tested, joins them.
static void take_cond(struct comp *c, bool when, struct condbr *cb) {
    u32 top = c->h - 1;
    if (c->last_cmp_op && c->last_dst && c->stack[top].kind == K_TEMP
        && c->last_dst_slot == HOME(c, top)) {
        u32 op = c->last_cmp_op, s = c->last_op_start;
        bool imm = c->last_cmp_imm;
        bool wide = imm && op >= MOAT_OP_I64_EQ;
        bool unary = op == MOAT_OP_I32_EQZ || op == MOAT_OP_I64_EQZ;
        u32 a = c->buf[s + 3], b = unary ? 0 : c->buf[s + 4], b_hi = wide ? c->buf[s + 5] : 0;
        // An I32_ADD_I right before the compare (handler, 3 operands, padding).
        bool adjacent = c->prev_op_start + 6 == s;
        bool after_add = c->prev_add_imm && adjacent;
        bool after_adds = c->prev_add_slots && adjacent; // I32_ADD (slots): compares only
        u32 add_start = c->prev_op_start;
        c->len = s;
        c->last_dst = 0;
        c->last_cmp_op = 0;
        c->h--;
        cb->ops[0] = a;
        cb->nops = 1;
        if (unary) {
            bool is64 = op == MOAT_OP_I64_EQZ;
            cb->hid = when ? (is64 ? H_BR_UNLESS64 : H_BR_UNLESS) : (is64 ? H_BR_IF64 : H_BR_IF);
            if (!is64 && take_add_into(c, after_add, add_start, a, cb))
                cb->hid = when ? H_ADD_BR_UNLESS : H_ADD_BR_IF;
            else if (!is64 && adjacent && c->prev_load_op == MOAT_OP_I32_LOAD8_U && !c->prev_load_a)
                take_load8(c, add_start, a, !when, cb);
            return;
        }
        if (!when) op = moat__comp_negate_compare(op);
        cb->hid = imm ? moat__comp_br_handlers[op].h2 : moat__comp_br_handlers[op].h;
        cb->ops[1] = b;
        cb->nops = 2;
        if (wide) cb->ops[cb->nops++] = b_hi;
        if (op < MOAT_OP_I64_EQZ && take_add_into(c, after_add || after_adds, add_start, a, cb)) {
            const struct hpair *hp =
                after_add ? &moat__comp_add_br_handlers[op] : &moat__comp_adds_br_handlers[op];
            cb->hid = imm ? hp->h2 : hp->h;
        }
        return;
    }
    cb->ops[0] = moat__comp_pop(c); // a K_ADDR sum is computed here: an I32_ADD_I to join
    cb->nops = 1;
    cb->hid = when ? H_BR_IF : H_BR_UNLESS;
    if (c->last_add_imm && take_add_into(c, true, c->last_op_start, cb->ops[0], cb)) {
        cb->hid = when ? H_ADD_BR_IF : H_ADD_BR_UNLESS;
        return;
    }
    if (c->last_load_op == MOAT_OP_I32_LOAD8_U && !c->last_load_a)
        take_load8(c, c->last_op_start, cb->ops[0], when, cb);
}

// For a select: if the i32 condition on top was just computed by an i32 compare of two
// operands (not eqz), removes the compare, pops the condition and returns the handler of
// the fused select and the compare's operands (x, y: slot or immediate).
bool moat__comp_take_select_cmp(struct comp *c, u32 *hid, u32 *x, u32 *y) {
    u32 top = c->h - 1, op = c->last_cmp_op;
    if (!op || op == MOAT_OP_I32_EQZ || op >= MOAT_OP_I64_EQZ || !c->last_dst
        || c->stack[top].kind != K_TEMP || c->last_dst_slot != HOME(c, top))
        return false;
    u32 s = c->last_op_start;
    *hid = c->last_cmp_imm ? moat__comp_select_handlers[op].h2 : moat__comp_select_handlers[op].h;
    *x = c->buf[s + 3];
    *y = c->buf[s + 4];
    c->len = s;
    c->last_dst = 0;
    c->last_cmp_op = 0;
    c->h--;
    return true;
}

static u32 emit_condbr(struct comp *c, const struct condbr *cb) {
    u32 insn = moat__comp_op(c, cb->hid);
    for (u32 i = 0; i < cb->nops; i++)
        moat__comp_u32(c, cb->ops[i]);
    return insn;
}

// Returns from the function with the top nresults values. Leaves the simulated stack as
// it is: this may be the taken arm of a br_if/br_table whose fall-through still needs it.
static void emit_return(struct comp *c) {
    u32 nr = c->nresults;
    if (nr == 0) {
        moat__comp_op(c, H_RETURN);
        return;
    }
    if (nr == 1 && c->stack[c->h - 1].type != MOAT_VT_V128) {
        const struct ventry *e = &c->stack[c->h - 1];
        if (e->kind == K_CONST || e->kind == K_ADDR) {
            if (e->kind == K_CONST)
                moat__comp_const(c, 0, e->imm);
            else
                emit_addr(c, e, 0); // one instruction, or SHL_I then ADD_I on slot 0
            moat__comp_op(c, H_RETURN);
            return;
        }
        if (e->kind == K_TEMP && c->last_dst && c->last_dst_slot == HOME(c, c->h - 1)) {
            // The previous instruction computed it: let it write the result slot.
            c->buf[c->last_dst] = 0;
            c->last_dst = 0;
            moat__comp_op(c, H_RETURN);
            return;
        }
        u32 src = moat__comp_slot_of(c, c->h - 1);
        moat__comp_op(c, H_RETURN1);
        moat__comp_u32(c, src);
        return;
    }
    // Results go to slots 0..nresult_slots-1; a local among those slots could be
    // overwritten before it is read, so such sources go through their home slots first.
    u32 nrs = c->nresult_slots;
    for (u32 i = 0; i < nr; i++) {
        u32 pos = c->h - nr + i;
        const struct ventry *e = &c->stack[pos];
        if (e->kind == K_LOCAL && e->local < nrs)
            moat__comp_copy(c, e->type, HOME(c, pos), e->local);
        else if (e->kind == K_ADDR) // computed before any result slot is written
            emit_addr(c, e, HOME(c, pos));
    }
    for (u32 i = 0, dst = 0; i < nr; i++) {
        u32 pos = c->h - nr + i;
        const struct ventry *e = &c->stack[pos];
        u32 src = (e->kind == K_LOCAL && e->local < nrs) || e->kind == K_ADDR
                      ? HOME(c, pos)
                      : moat__comp_slot_of(c, pos);
        if (e->kind == K_CONST)
            moat__comp_const(c, dst, e->imm);
        else if (src != dst)
            moat__comp_copy(c, e->type, dst, src);
        dst += moat__valtype_slots(e->type);
    }
    moat__comp_op(c, H_RETURN);
}

// Skips unreachable code up to (not including) the `else` or `end` of the current block.
static void skip_unreachable(struct comp *c) {
    c->frames[c->nframes - 1].unreachable = true;
    u32 depth = 0;
    for (;;) {
        const u8 *at = c->cur.p;
        u32 op;
        if (!moat__read_opcode(&c->cur, &op)) moat__comp_bail(c);
        if (op == MOAT_OP_END || op == MOAT_OP_ELSE) {
            if (depth == 0) {
                c->cur.p = at;
                return;
            }
            if (op == MOAT_OP_END) depth--;
            continue;
        }
        if (op == MOAT_OP_BLOCK || op == MOAT_OP_LOOP || op == MOAT_OP_IF) depth++;
        const struct moat__opinfo *info = moat__opinfo(op);
        if (!info || !moat__skip_immediates(&c->cur, info)) moat__comp_bail(c);
    }
}

// Fuel/epoch check (rt/limits.c) at a loop header or function entry, when the engine's
// config asks for one: back-edges and calls all pass through one of these, and nothing
// is emitted otherwise. The fuel cost is patched in by end_check.
static void emit_check(struct comp *c, struct cframe *f) {
    if (!c->check_hid) return;
    moat__comp_op(c, c->check_hid);
    if (c->check_hid != H_EPOCH_CHECK) f->check_opnd = moat__comp_u32(c, 1);
    f->check_from = c->nseen;
}

// Charges a loop's check with the instructions of its body outside nested loops (the
// function's: outside every loop), and tells the enclosing check about them.
static void end_check(struct comp *c, u32 frame) {
    struct cframe *f = &c->frames[frame];
    u32 n = c->nseen - f->check_from;
    if (f->check_opnd && n > f->nested) c->buf[f->check_opnd] = n - f->nested;
    for (u32 i = frame; i-- > 0;) {
        if (c->frames[i].kind == MOAT_OP_LOOP || i == 0) {
            c->frames[i].nested += n;
            break;
        }
    }
}

static void op_block(struct comp *c, u32 op) {
    struct cframe f = {0};
    f.kind = (u8)op;
    read_blocktype(c, &f);
    struct condbr cb = {0};
    if (op == MOAT_OP_IF) take_cond(c, false, &cb);
    settle_stack(c, f.nparams);
    f.height = c->h - f.nparams;
    if (op == MOAT_OP_LOOP) {
        f.loop_pos = moat__comp_label(c);
        emit_check(c, &f);
    } else if (op == MOAT_OP_IF) {
        u32 insn = emit_condbr(c, &cb);
        c->fixups =
            moat__comp_grow(c, c->fixups, &c->cap_fixups, c->nfixups + 1, sizeof *c->fixups);
        struct fixup *fx = &c->fixups[c->nfixups];
        fx->opnd = moat__comp_u32(c, 0);
        fx->insn = insn;
        fx->next = 0;
        f.else_fixup = ++c->nfixups;
    }
    push_frame(c, &f);
}

// The values of a block that ends normally go to the block's home slots.
static void settle_results(struct comp *c, const struct cframe *f) {
    for (u32 i = 0; i < f->nresults; i++)
        if (c->stack[f->height + i].kind != K_TEMP) moat__comp_materialize(c, f->height + i);
}

static void op_else(struct comp *c) {
    struct cframe *f = &c->frames[c->nframes - 1];
    if (!f->unreachable) {
        settle_results(c, f);
        u32 insn = moat__comp_op(c, H_BR);
        emit_target(c, insn, f);
    }
    patch(c, f->else_fixup, moat__comp_label(c));
    f->else_fixup = 0;
    f->unreachable = false;
    c->h = f->height;
    for (u32 i = 0; i < f->nparams; i++)
        moat__comp_push_temp(c, f->params[i]);
}

// Returns true at the end of the function.
static bool op_end(struct comp *c) {
    struct cframe *f = &c->frames[c->nframes - 1];
    if (c->nframes == 1) {
        if (!f->unreachable) emit_return(c);
        return true;
    }
    if (!f->unreachable) settle_results(c, f);
    if (f->kind == MOAT_OP_LOOP) end_check(c, c->nframes - 1);
    if (f->else_fixup || f->fixups) {
        u32 here = moat__comp_label(c);
        patch(c, f->else_fixup, here);
        patch(c, f->fixups, here);
    }
    u32 height = f->height, nresults = f->nresults;
    const u8 *results = f->results;
    c->nframes--;
    c->h = height;
    for (u32 i = 0; i < nresults; i++)
        moat__comp_push_temp(c, results[i]);
    return false;
}

// An unconditional jump to frame f's label with its values moved into place; a branch
// to the function's own frame is a return.
static void emit_branch(struct comp *c, struct cframe *f) {
    if (f == &c->frames[0]) {
        emit_return(c);
        return;
    }
    emit_moves(c, f);
    u32 insn = moat__comp_op(c, H_BR);
    emit_target(c, insn, f);
}

static void op_br(struct comp *c, u32 depth) {
    struct cframe *f = frame_at_depth(c, depth);
    emit_branch(c, f);
    skip_unreachable(c);
}

static void op_br_if(struct comp *c, u32 depth) {
    struct cframe *f = frame_at_depth(c, depth);
    bool direct = f != &c->frames[0] && !moves_needed_at(c, f, c->h - 1);
    struct condbr cb;
    take_cond(c, direct, &cb);
    if (direct) {
        u32 insn = emit_condbr(c, &cb);
        emit_target(c, insn, f);
        return;
    }
    // Taken path moves values (or returns): branch around it when not taken.
    u32 skip = emit_condbr(c, &cb);
    u32 opnd = moat__comp_u32(c, 0);
    emit_branch(c, f);
    c->buf[opnd] = moat__comp_label(c) - skip;
}

// If the value at stack position `pos` was just computed by I32_ADD_I (slot + imm) into
// its home slot, removes that instruction and returns its operands: the consumer takes
// them instead (a load/store: base + imm wrapped to 32 bits, then + offset, the same
// address; br_table: the index).
bool moat__comp_take_add_imm(struct comp *c, u32 pos, u32 *base, u32 *imm) {
    if (!c->last_add_imm || !c->last_dst || c->stack[pos].kind != K_TEMP
        || c->last_dst_slot != HOME(c, pos))
        return false;
    u32 s = c->last_op_start;
    *base = c->buf[s + 3];
    *imm = c->buf[s + 4];
    c->len = s;
    c->last_dst = 0;
    c->last_add_imm = false;
    return true;
}

// Is the previous instruction I32_LOAD_S, and did it compute stack position `pos`?
static bool last_is_load_s(const struct comp *c, u32 pos) {
    if (!c->last_dst || c->stack[pos].kind != K_TEMP || c->last_dst_slot != HOME(c, pos))
        return false;
    moat__insn w;
    memcpy(&w, &c->buf[c->last_op_start], sizeof w);
    return w.bits == moat__interp_handler_word(c->checked ? H_I32_LOAD_S_CHK : H_I32_LOAD_S).bits;
}

static void op_br_table(struct comp *c) {
    u32 n;
    if (!moat__read_u32(&c->cur, &n)) moat__comp_bail(c);
    c->labels = moat__comp_grow(c, c->labels, &c->cap_labels, n + 1, sizeof *c->labels);
    for (u32 i = 0; i <= n; i++)
        if (!moat__read_u32(&c->cur, &c->labels[i])) moat__comp_bail(c);
    u32 index = 0, imm = 0;
    const struct ventry *te = &c->stack[c->h - 1];
    bool fused = te->kind == K_ADDR && te->terms == ADDR_BASE;
    u32 insn;
    if (last_is_load_s(c, c->h - 1)) {
        // The index was just loaded from a scaled array (a bytecode VM's `code[pc]`): the
        // load happens in the branch (dst, x, shift, imm, offset -> x, shift, imm, offset).
        u32 s = c->last_op_start,
            ops[4] = {c->buf[s + 3], c->buf[s + 4], c->buf[s + 5], c->buf[s + 6]};
        moat__comp_drop_code(c, s);
        c->h--;
        insn = moat__comp_op(c, c->checked ? H_BR_TABLE_LS_CHK : H_BR_TABLE_LS);
        for (u32 i = 0; i < 4; i++)
            moat__comp_u32(c, ops[i]);
    } else {
        if (fused) {
            index = te->local;
            imm = (u32)te->imm;
        } else {
            fused = moat__comp_take_add_imm(c, c->h - 1, &index, &imm);
        }
        if (fused)
            c->h--;
        else
            index = moat__comp_pop(c);
        insn = moat__comp_op(c, fused ? H_BR_TABLE_I : H_BR_TABLE);
        moat__comp_u32(c, index);
        if (fused) moat__comp_u32(c, imm);
    }
    moat__comp_u32(c, n);
    u32 table = c->len;
    for (u32 i = 0; i <= n; i++)
        moat__comp_u32(c, 0);
    // Direct entries first; labels that need value moves (or return) get a stub.
    bool stubs = false;
    for (u32 i = 0; i <= n; i++) {
        struct cframe *f = frame_at_depth(c, c->labels[i]);
        if (f == &c->frames[0] || moves_needed(c, f)) {
            stubs = true;
        } else if (f->kind == MOAT_OP_LOOP) {
            c->buf[table + i] = (u32)((i32)f->loop_pos - (i32)insn);
        } else {
            c->fixups =
                moat__comp_grow(c, c->fixups, &c->cap_fixups, c->nfixups + 1, sizeof *c->fixups);
            struct fixup *fx = &c->fixups[c->nfixups];
            fx->opnd = table + i;
            fx->insn = insn;
            fx->next = f->fixups;
            f->fixups = ++c->nfixups;
        }
    }
    for (u32 i = 0; stubs && i <= n; i++) {
        struct cframe *f = frame_at_depth(c, c->labels[i]);
        if (f != &c->frames[0] && !moves_needed(c, f)) continue;
        c->buf[table + i] = moat__comp_label(c) - insn;
        emit_branch(c, f);
    }
    skip_unreachable(c);
}

// --- calls -------------------------------------------------------------------------------

static void emit_call(struct comp *c, u32 func_index) {
    const struct moat__functype *t = moat__func_type(c->ir, func_index);
    u32 np = t->nparams;
    for (u32 i = 0; i < np; i++)
        moat__comp_materialize(c, c->h - np + i);
    u32 argbase = HOME(c, c->h - np);
    if (func_index < c->ir->nfunc_imports) {
        moat__comp_op(c, H_CALL_IMPORT);
        moat__comp_u32(c, func_index);
    } else {
        moat__comp_op(c, H_CALL);
        moat__comp_u32(c, func_index - c->ir->nfunc_imports);
    }
    moat__comp_u32(c, argbase);
    c->h -= np;
    for (u32 i = 0; i < t->nresults; i++)
        moat__comp_push_temp(c, t->results[i]);
}

static void emit_call_indirect(struct comp *c, u32 type_index, u32 table) {
    if (type_index >= c->ir->ntypes) moat__comp_bail(c);
    const struct moat__functype *t = &c->ir->types[type_index];
    u32 index = moat__comp_pop(c);
    u32 np = t->nparams;
    for (u32 i = 0; i < np; i++)
        moat__comp_materialize(c, c->h - np + i);
    u32 argbase = HOME(c, c->h - np);
    moat__comp_op(c, H_CALL_INDIRECT);
    moat__comp_u32(c, argbase);
    moat__comp_u32(c, index);
    moat__comp_u32(c, table);
    moat__comp_u32(c, t->type_id);
    c->h -= np;
    for (u32 i = 0; i < t->nresults; i++)
        moat__comp_push_temp(c, t->results[i]);
}

// --- variables -----------------------------------------------------------------------------

static void op_local_set(struct comp *c, u32 index, bool tee) {
    if (index >= c->nlocals) moat__comp_bail(c);
    u32 local = c->local_slot[index];
    u32 top = c->h - 1;
    struct ventry e = c->stack[top];
    if (c->straight && c->zeroed[index]) {
        // Still zero from the entry (C's `int s = 0;`): setting zero changes nothing.
        if (e.kind == K_CONST && e.imm == 0) {
            if (!tee) c->h--;
            return;
        }
        c->zeroed[index] = 0;
    }
    if (e.kind == K_LOCAL && e.local == local) {
        if (!tee) c->h--;
        return;
    }
    preserve_local(c, local, top);
    if (e.kind == K_TEMP && c->last_dst && c->last_dst_slot == HOME(c, top)) {
        // The previous instruction computed this value: let it write the local directly.
        c->buf[c->last_dst] = local;
        c->last_dst = 0;
        if (tee) {
            c->stack[top].kind = K_LOCAL;
            c->stack[top].local = local;
        } else {
            c->h--;
        }
        return;
    }
    if (e.kind == K_ADDR) { // computed straight into the local
        emit_addr(c, &e, local);
        if (tee) {
            c->stack[top].kind = K_LOCAL;
            c->stack[top].local = local;
        } else {
            c->h--;
        }
        return;
    }
    if (e.kind == K_CONST)
        moat__comp_const(c, local, e.imm);
    else
        moat__comp_copy(c, e.type, local, moat__comp_slot_of(c, top));
    if (!tee) c->h--;
}

// --- the translation loop ------------------------------------------------------------------

// Translates one instruction; returns true after the function's final `end`.
static bool translate(struct comp *c, u32 op) {
    const struct moat__opinfo *info = moat__opinfo(op);
    if (!info) moat__comp_bail(c);
    u32 u = 0;
    switch (op) {
    case MOAT_OP_UNREACHABLE:
        moat__comp_op(c, H_UNREACHABLE);
        skip_unreachable(c);
        return false;
    case MOAT_OP_NOP:
        return false;
    case MOAT_OP_BLOCK:
    case MOAT_OP_LOOP:
    case MOAT_OP_IF:
        op_block(c, op);
        return false;
    case MOAT_OP_ELSE:
        op_else(c);
        return false;
    case MOAT_OP_END:
        return op_end(c);
    case MOAT_OP_BR:
    case MOAT_OP_BR_IF:
        if (!moat__read_u32(&c->cur, &u)) moat__comp_bail(c);
        if (op == MOAT_OP_BR)
            op_br(c, u);
        else
            op_br_if(c, u);
        return false;
    case MOAT_OP_BR_TABLE:
        op_br_table(c);
        return false;
    case MOAT_OP_RETURN:
        emit_return(c);
        skip_unreachable(c);
        return false;
    case MOAT_OP_CALL:
        if (!moat__read_u32(&c->cur, &u) || u >= c->ir->nfuncs) moat__comp_bail(c);
        emit_call(c, u);
        return false;
    case MOAT_OP_CALL_INDIRECT: {
        u32 table;
        if (!moat__read_u32(&c->cur, &u) || !moat__read_u32(&c->cur, &table)) moat__comp_bail(c);
        emit_call_indirect(c, u, table);
        return false;
    }
    case MOAT_OP_LOCAL_GET:
        if (!moat__read_u32(&c->cur, &u) || u >= c->nlocals) moat__comp_bail(c);
        moat__comp_push(c, c->local_types[u], K_LOCAL, c->local_slot[u], 0);
        return false;
    case MOAT_OP_LOCAL_SET:
    case MOAT_OP_LOCAL_TEE:
        if (!moat__read_u32(&c->cur, &u)) moat__comp_bail(c);
        op_local_set(c, u, op == MOAT_OP_LOCAL_TEE);
        return false;
    case MOAT_OP_I32_CONST: {
        i32 v;
        if (!moat__read_i32(&c->cur, &v)) moat__comp_bail(c);
        moat__comp_push(c, MOAT_VT_I32, K_CONST, 0, (u32)v);
        return false;
    }
    case MOAT_OP_I64_CONST: {
        i64 v;
        if (!moat__read_i64(&c->cur, &v)) moat__comp_bail(c);
        moat__comp_push(c, MOAT_VT_I64, K_CONST, 0, (u64)v);
        return false;
    }
    case MOAT_OP_F32_CONST:
        if (!moat__read_fixed32(&c->cur, &u)) moat__comp_bail(c);
        moat__comp_push(c, MOAT_VT_F32, K_CONST, 0, u);
        return false;
    case MOAT_OP_F64_CONST: {
        u64 v;
        if (!moat__read_fixed64(&c->cur, &v)) moat__comp_bail(c);
        moat__comp_push(c, MOAT_VT_F64, K_CONST, 0, v);
        return false;
    }
    default:
        break;
    }
    if (op >= MOAT_OP_V128_LOAD) {
        moat__comp_simd(c, op, info);
        return false;
    }
    if (info->imm == MOAT_IMM_MEMARG) {
        moat__comp_memory(c, op, info);
        return false;
    }
    if (info->imm == MOAT_IMM_NONE && info->result != MOAT_OPT_X) {
        moat__comp_numeric(c, op, info);
        return false;
    }
    moat__comp_misc(c, op, info);
    return false;
}

// Declared locals start at zero: up to four slots by direct stores, more by memset.
static void emit_zero(struct comp *c, u32 first, u32 n) {
    if (n > 4) {
        moat__comp_op(c, H_ZERO);
        moat__comp_u32(c, first);
        moat__comp_u32(c, n);
        return;
    }
    for (; n >= 2; n -= 2, first += 2) {
        moat__comp_op(c, H_ZERO2);
        moat__comp_u32(c, first);
    }
    if (n) {
        moat__comp_op(c, H_ZERO1);
        moat__comp_u32(c, first);
    }
}

static void init_locals(struct comp *c, const struct moat__functype *t,
                        const struct moat__body *body) {
    u64 n = (u64)t->nparams + body->nlocals;
    if (n > UINT32_MAX / 2) moat__comp_bail(c);
    c->nlocals = (u32)n;
    c->local_types = malloc(n ? n : 1);
    c->local_slot = malloc((n ? n : 1) * sizeof *c->local_slot);
    c->zeroed = malloc(n ? n : 1);
    if (!c->local_types || !c->local_slot || !c->zeroed) moat__comp_bail(c);
    memset(c->zeroed, 0, t->nparams);
    memset(c->zeroed + t->nparams, 1, n - t->nparams);
    c->straight = true;
    memcpy(c->local_types, t->params, t->nparams);
    u32 k = t->nparams;
    for (u32 r = 0; r < body->nlocal_runs; r++)
        for (u32 i = 0; i < body->local_runs[r].count && k < n; i++)
            c->local_types[k++] = body->local_runs[r].type;
    u32 slot = 0; // n <= UINT32_MAX / 2, so two slots each cannot wrap
    for (u32 i = 0; i < n; i++) {
        if (i == t->nparams) c->nparam_slots = slot;
        c->local_slot[i] = slot;
        slot += moat__valtype_slots(c->local_types[i]);
    }
    if (n == t->nparams) c->nparam_slots = slot;
    for (u32 i = 0; i < t->nresults; i++)
        c->nresult_slots += moat__valtype_slots(t->results[i]);
    c->temp_base = slot;
}

static struct moat__code *finish(struct comp *c, u32 func_index, const struct moat__body *body) {
    moat__comp_label(c); // pad the last instruction
    u32 nwords = c->len / 2;
    u64 frame = (u64)c->temp_base + c->max_slots;
    if (frame < c->nresult_slots) frame = c->nresult_slots;
    if (frame > MOAT_INTERP_STACK_SLOTS)
        frame = MOAT_INTERP_STACK_SLOTS + 1; // can never run: traps as stack exhaustion
    size_t size = sizeof(struct moat__code) + (size_t)nwords * sizeof(moat__insn)
                  + (size_t)c->nsrc * sizeof(struct moat__srcpos);
    struct moat__code *code = malloc(size);
    if (!code) moat__comp_bail(c);
    code->module = c->module;
    code->func_index = func_index;
    code->frame_size = (u32)frame;
    code->nparams = c->nparams;
    code->nresults = c->nresults;
    code->nparam_slots = c->nparam_slots;
    code->nresult_slots = c->nresult_slots;
    code->body_offset = body->code_start;
    code->ninsns = nwords;
    memcpy(code->insns, c->buf, (size_t)nwords * sizeof(moat__insn));
    code->nsrc = c->nsrc;
    code->src = (struct moat__srcpos *)(code->insns + nwords);
    if (c->nsrc) memcpy(code->src, c->src, c->nsrc * sizeof *c->src);
    return code;
}

static void comp_free(struct comp *c) {
    free(c->local_types);
    free(c->local_slot);
    free(c->zeroed);
    free(c->stack);
    free(c->frames);
    free(c->fixups);
    free(c->buf);
    free(c->src);
    free(c->labels);
#ifdef MOAT_INTERP_DEBUG
    free(c->starts);
#endif
}

struct moat__code *moat__interp_compile(const moat_module *module, u32 func_index) {
    const struct moat__module_ir *ir = module->ir;
    if (func_index < ir->nfunc_imports || func_index >= ir->nfuncs) return NULL;
    const struct moat__body *body = &ir->bodies[func_index - ir->nfunc_imports];
    const struct moat__functype *t = moat__func_type(ir, func_index);
    struct comp *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    // `code` lives in the comp: locals set after setjmp are unreliable after longjmp.
    if (setjmp(c->bail) == 0) {
        c->module = module;
        c->ir = ir;
        c->checked = module->engine->config.bounds_checks;
        const struct moat_config *cfg = &module->engine->config;
        c->check_hid = cfg->consume_fuel && cfg->epoch_interruption ? H_FUEL_EPOCH_CHECK
                       : cfg->consume_fuel                          ? H_FUEL_CHECK
                       : cfg->epoch_interruption                    ? H_EPOCH_CHECK
                                                                    : 0;
        c->nparams = t->nparams;
        c->nresults = t->nresults;
        c->cur.base = ir->bytes;
        c->cur.p = ir->bytes + body->code_start;
        c->cur.end = ir->bytes + body->code_end;
        c->cur_off = body->code_start;
        init_locals(c, t, body);
        struct cframe f = {0};
        f.nresults = t->nresults;
        f.results = t->results;
        push_frame(c, &f);
        emit_check(c, &c->frames[0]);
        emit_zero(c, c->nparam_slots, c->temp_base - c->nparam_slots);
        for (;;) {
            c->cur_off = (u32)moat__cursor_offset(&c->cur);
            u32 op;
            if (!moat__read_opcode(&c->cur, &op)) moat__comp_bail(c);
            c->nseen++;
            if (translate(c, op)) break;
        }
        end_check(c, 0);
        c->result = finish(c, func_index, body);
#ifdef MOAT_INTERP_DEBUG
        moat__interp_debug_dump(c->result, c->starts, c->nstarts);
#endif
    }
    struct moat__code *code = c->result;
    comp_free(c);
    free(c);
    return code;
}

struct moat__code *moat__interp_code_get(const moat_module *module, u32 func_index) {
    u32 i = func_index - module->ir->nfunc_imports;
    struct moat__code *code = __atomic_load_n(&module->code[i], __ATOMIC_ACQUIRE);
    if (code) return code;
    code = moat__interp_compile(module, func_index);
    if (!code) return NULL;
    // Another thread may have compiled it meanwhile: keep the published one.
    struct moat__code *expected = NULL;
    if (!__atomic_compare_exchange_n(&module->code[i], &expected, code, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free(code);
        return expected;
    }
    return code;
}
