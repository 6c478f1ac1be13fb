// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Translator, numeric and memory instructions: the opcode -> handler tables, lazy i32
// address sums (K_ADDR entries, see compile.c) and the fusions that turn an operator and
// its neighbours (a load feeding it, a shift, a chained operator, a store taking its
// result) into one handler. Control flow, calls and the translation loop are in compile.c.
#include "exec/interp/compile_internal.h"

#include <string.h>

// --- opcode -> handler tables ---------------------------------------------------------
#define OPSLOT(code) ((code) < 0x100 ? (code) : 0x100 + ((code) & 0xFF))

#undef BIN_I
#undef BIN_F
#undef BIN
#undef BIN_T
#undef UN
#undef UN_T
#undef LOAD
#undef STORE
#define BIN_I(NAME, TA, TR, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, H_##NAME##_I},
#define BIN_F(NAME, TA, TR, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, H_##NAME##_I},
#define BIN(NAME, TA, TR, EXPR)   [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, 0},
#define BIN_T(NAME, TA, TR, ...)  [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, 0},
#define UN(NAME, TA, TR, EXPR)    [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, 0},
#define UN_T(NAME, TA, TR, ...)   [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, 0},
#define LOAD(NAME, TM, TR, CONV)  [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, H_##NAME##_CHK},
#define STORE(NAME, TM)           [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME, H_##NAME##_CHK},
static const struct hpair op_handlers[0x120] = {
#include "exec/interp/ops_load_store.inc"
#include "exec/interp/ops_numeric.inc"
};

// Float operators with a constant first operand (NAME_IA): the only entries.
#undef BIN_I
#undef BIN_F
#undef BIN
#undef BIN_T
#undef UN
#undef UN_T
#define BIN_I(NAME, TA, TR, EXPR)
#define BIN_F(NAME, TA, TR, EXPR) [OPSLOT(MOAT_OP_##NAME)] = H_##NAME##_IA,
#define BIN(NAME, TA, TR, EXPR)
#define BIN_T(NAME, TA, TR, ...)
#define UN(NAME, TA, TR, EXPR)
#define UN_T(NAME, TA, TR, ...)
static const u16 imm_first_handlers[0x100] = {
#include "exec/interp/ops_numeric.inc"
};

// Loads and stores whose address is slot + imm (the folded i32.add): guard-page and
// bounds-checked handlers.
#undef LOAD
#undef STORE
#define LOAD(NAME, TM, TR, CONV) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_A, H_##NAME##_A_CHK},
#define STORE(NAME, TM)          [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_A, H_##NAME##_A_CHK},
static const struct hpair mem_addr_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};

// Loads and stores at a constant address.
#undef LOAD
#undef STORE
#define LOAD(NAME, TM, TR, CONV) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_Z, H_##NAME##_Z_CHK},
#define STORE(NAME, TM)          [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_Z, H_##NAME##_Z_CHK},
static const struct hpair mem_const_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};

// Loads and stores whose address is base + (idx << shift) + imm (a pending K_ADDR sum).
#undef LOAD
#undef STORE
#define LOAD(NAME, TM, TR, CONV) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_X, H_##NAME##_X_CHK},
#define STORE(NAME, TM)          [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_X, H_##NAME##_X_CHK},
static const struct hpair mem_x_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};
#undef LOAD
#undef STORE
#define LOAD(NAME, TM, TR, CONV)
#define STORE(NAME, TM) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_XK, H_##NAME##_XK_CHK},
static const struct hpair store_xk_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};

// Stores of an immediate value: plain address (h) and folded base + imm (h2); each
// table for one memory mode.
#undef LOAD
#undef STORE
#define LOAD(NAME, TM, TR, CONV)
#define STORE(NAME, TM) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_K, H_##NAME##_AK},
static const struct hpair store_k_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};
#undef STORE
#define STORE(NAME, TM) [OPSLOT(MOAT_OP_##NAME)] = {H_##NAME##_K_CHK, H_##NAME##_AK_CHK},
static const struct hpair store_k_chk_handlers[0x40] = {
#include "exec/interp/ops_load_store.inc"
};

// Float operators with a memory operand (ops_mem_op.inc): [guard pages, bounds checks].
struct memop_h {
    u16 l, la, m;
};
#undef BIN_MEM
#undef MADD_PAIR
#undef F64_OP_STORE
#define F64_OP_STORE(NAME, EXPR)
#define MADD_PAIR(NAME, EB, EC, NOPS)
#define BIN_MEM(NAME, TM, TA, EXPR)                                          \
    [OPSLOT(MOAT_OP_##NAME)] = {{H_##NAME##_L, H_##NAME##_LA, H_##NAME##_M}, \
                                {H_##NAME##_L_CHK, H_##NAME##_LA_CHK, H_##NAME##_M_CHK}},
static const struct memop_h memop_handlers[0x100][2] = {
#include "exec/interp/ops_mem_op.inc"
};
#undef MADD_PAIR

// i32 add/and/or/xor with a shifted operand (ops_shifted.inc): [operator][shift].
enum { ALU_I32_ADD, ALU_I32_AND, ALU_I32_OR, ALU_I32_XOR, ALU_NONE };
enum { SH_I32_SHL, SH_I32_SHR_U, SH_I32_SHR_S, SH_I32_ROTL, SH_I32_ROTR, SH_NONE };
#undef SHIFTED2
#define SHIFTED2(NAME, EXPR)
#undef ALU_SHIFTED
#define ALU_SHIFTED(NAME, SNAME, EXPR, SEXPR) [ALU_##NAME][SH_##SNAME] = H_##NAME##_##SNAME,
static const u16 shifted_handlers[ALU_NONE][SH_NONE] = {
#include "exec/interp/ops_shifted.inc"
};
#undef SHIFTED2
#undef ALU_SHIFTED

// Chains of two f64 add/sub/mul (ops_chain.inc): [first][second][chained value second].
enum { FOP_ADD, FOP_SUB, FOP_MUL, FOP_NONE };
#undef F64_CHAIN
#define F64_CHAIN(N1, N2, E1, E2) [FOP_##N1][FOP_##N2] = {H_F64_##N1##_##N2, H_F64_##N1##_##N2##_R},
#undef I32_CHAIN
#define I32_CHAIN(N1, N2, E1, E2)
static const u16 chain_handlers[FOP_NONE][FOP_NONE][2] = {
#include "exec/interp/ops_chain.inc"
};
#undef I32_CHAIN
#undef F64_CHAIN

enum { IOP_ADD, IOP_SUB, IOP_AND, IOP_OR, IOP_XOR, IOP_NONE };
#define F64_CHAIN(N1, N2, E1, E2)
#define I32_CHAIN(N1, N2, E1, E2) [IOP_##N1][IOP_##N2] = H_CH_I32_##N1##_##N2,
static const u16 i32_chain_handlers[IOP_NONE][IOP_NONE] = {
#include "exec/interp/ops_chain.inc"
};
#undef F64_CHAIN
#undef I32_CHAIN

static u32 iop_index(u32 op) {
    switch (op) {
    case MOAT_OP_I32_ADD:
        return IOP_ADD;
    case MOAT_OP_I32_SUB:
        return IOP_SUB;
    case MOAT_OP_I32_AND:
        return IOP_AND;
    case MOAT_OP_I32_OR:
        return IOP_OR;
    case MOAT_OP_I32_XOR:
        return IOP_XOR;
    default:
        return IOP_NONE;
    }
}

// f64 add/sub/mul stored right away (ops_mem_op.inc): [op][bounds checks][constant address].
#undef BIN_MEM
#undef MADD_PAIR
#undef F64_OP_STORE
#define BIN_MEM(NAME, TM, TA, EXPR)
#define MADD_PAIR(NAME, EB, EC, NOPS)
#define F64_OP_STORE(NAME, EXPR) \
    [FOP_##NAME] = {{H_##NAME##_S, H_##NAME##_SZ}, {H_##NAME##_S_CHK, H_##NAME##_SZ_CHK}},
enum { FOP_F64_ADD = FOP_ADD, FOP_F64_SUB = FOP_SUB, FOP_F64_MUL = FOP_MUL };
static const u16 op_store_handlers[FOP_NONE][2][2] = {
#include "exec/interp/ops_mem_op.inc"
};
#undef BIN_MEM
#undef MADD_PAIR
#undef F64_OP_STORE

static u32 fop_index(u32 op) {
    return op == MOAT_OP_F64_ADD   ? FOP_ADD
           : op == MOAT_OP_F64_SUB ? FOP_SUB
           : op == MOAT_OP_F64_MUL ? FOP_MUL
                                   : FOP_NONE;
}

static u32 alu_index(u32 op) {
    switch (op) {
    case MOAT_OP_I32_ADD:
        return ALU_I32_ADD;
    case MOAT_OP_I32_AND:
        return ALU_I32_AND;
    case MOAT_OP_I32_OR:
        return ALU_I32_OR;
    case MOAT_OP_I32_XOR:
        return ALU_I32_XOR;
    default:
        return ALU_NONE;
    }
}

static u32 shift_index(u32 op) {
    switch (op) {
    case MOAT_OP_I32_SHL:
        return SH_I32_SHL;
    case MOAT_OP_I32_SHR_U:
        return SH_I32_SHR_U;
    case MOAT_OP_I32_SHR_S:
        return SH_I32_SHR_S;
    case MOAT_OP_I32_ROTL:
        return SH_I32_ROTL;
    case MOAT_OP_I32_ROTR:
        return SH_I32_ROTR;
    default:
        return SH_NONE;
    }
}

#undef BR_CMP
#undef ADD_BR_CMP
#define HANDLER(NAME, ...)
#define BR_CMP(NAME, TA, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_BR_##NAME, H_BR_##NAME##_I},
#define ADD_BR_CMP(NAME, EXPR)
const struct hpair moat__comp_br_handlers[0x60] = {
#include "exec/interp/ops_branch.inc"
};
#undef BR_CMP
#undef ADD_BR_CMP
#define BR_CMP(NAME, TA, EXPR)
#define ADD_BR_CMP(NAME, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_ADD_BR_##NAME, H_ADD_BR_##NAME##_I},
const struct hpair moat__comp_add_br_handlers[0x60] = {
#include "exec/interp/ops_branch.inc"
};
#undef ADD_BR_CMP
#define ADD_BR_CMP(NAME, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_ADDS_BR_##NAME, H_ADDS_BR_##NAME##_I},
const struct hpair moat__comp_adds_br_handlers[0x60] = {
#include "exec/interp/ops_branch.inc"
};
#undef ADD_BR_CMP
#define ADD_BR_CMP(NAME, EXPR) [OPSLOT(MOAT_OP_##NAME)] = {H_SELECT_##NAME, H_SELECT_##NAME##_I},
const struct hpair moat__comp_select_handlers[0x60] = {
#include "exec/interp/ops_branch.inc"
};
#undef HANDLER

static bool is_int_compare(u32 op) {
    return op >= MOAT_OP_I32_EQZ && op <= MOAT_OP_I64_GE_U;
}

// The comparison with the opposite outcome (integers only: no NaN).
u32 moat__comp_negate_compare(u32 op) {
    static const u8 neg[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3}; // EQ NE LT_S LT_U GT_S ...
    u32 base = op >= MOAT_OP_I64_EQ ? MOAT_OP_I64_EQ : MOAT_OP_I32_EQ;
    return base + neg[op - base];
}

// --- lazy address arithmetic -------------------------------------------------------------

// The value at stack position `pos` as an address sum (terms and constant) for a result at
// position `at`: false when it is none, or reads a temporary other than HOME(at) (a slot
// later pushes overwrite while the sum is pending).
static bool as_addr(const struct comp *c, u32 pos, u32 at, struct ventry *a) {
    const struct ventry *e = &c->stack[pos];
    if (e->type != MOAT_VT_I32) return false;
    *a = *e;
    switch (e->kind) {
    case K_CONST:
        a->terms = 0;
        return true;
    case K_LOCAL:
        a->terms = ADDR_BASE;
        a->imm = 0;
        return true;
    case K_TEMP:
        if (pos != at) return false;
        a->terms = ADDR_BASE;
        a->local = HOME(c, pos);
        a->imm = 0;
        return true;
    default: // K_ADDR
        return pos == at || !(moat__comp_addr_reads(e, HOME(c, pos)));
    }
}

// i32.add, i32.sub of a constant, i32.shl by a constant: when the operands are locals,
// constants, the first operand's home or such sums, the result is kept as a K_ADDR entry
// of at most two terms (one of them shifted) instead of being computed. Loads and stores
// take it as their address (`a[i]` is base + (i << 2) + k: three instructions fewer), and
// anything else computes it when it pops it, by the instruction it would have had anyway.
bool moat__comp_lazy_addr(struct comp *c, u32 op) {
    u32 pa = c->h - 2, pb = c->h - 1;
    struct ventry a, b, r;
    bool retarget = false;
    if (!as_addr(c, pa, pa, &a)) return false;
    if (op == MOAT_OP_I32_ADD) {
        if (!as_addr(c, pb, pa, &b)) {
            // b reads its own home, just written by the previous instruction: when a
            // leaves HOME(pa) unused, that instruction writes there instead, the slot
            // the sum may read (`base[load(...) << 2]`).
            u32 hb = HOME(c, pb), ha = HOME(c, pa);
            const struct ventry *eb = &c->stack[pb];
            if (!c->last_dst || c->last_dst_slot != hb || a.kind == K_TEMP
                || moat__comp_addr_reads(&a, ha)
                || (eb->kind != K_TEMP && !moat__comp_addr_reads(eb, hb)))
                return false;
            // A loaded or chained value: fuse_load_operand / fuse_chain do better.
            if (eb->kind == K_TEMP && (c->last_load_op || c->last_fop)) return false;
            retarget = true; // once the sum is known to fit
            b = *eb;
            if (b.kind == K_TEMP) {
                b.terms = ADDR_BASE;
                b.local = ha;
                b.imm = 0;
            } else {
                if ((b.terms & ADDR_BASE) && b.local == hb) b.local = ha;
                if ((b.terms & ADDR_IDX) && b.idx == hb) b.idx = ha;
            }
        }
    } else {
        if (c->stack[pb].kind != K_CONST) return false;
        u32 k = (u32)c->stack[pb].imm;
        if (op == MOAT_OP_I32_SHL) {
            if (a.terms != ADDR_BASE || (u32)a.imm || !(k & 31)) return false;
            a.terms = ADDR_IDX;
            a.idx = a.local;
            a.shift = (u8)(k & 31);
            b.terms = 0;
            b.imm = 0;
        } else {
            b.terms = 0;
            b.imm = (u32)-k;
        }
    }
    // Collect the terms: slot and shift.
    u32 slot[4], shift[4], n = 0;
    const struct ventry *src[2] = {&a, &b};
    for (u32 i = 0; i < 2; i++) {
        if (src[i]->terms & ADDR_BASE) slot[n] = src[i]->local, shift[n++] = 0;
        if (src[i]->terms & ADDR_IDX) slot[n] = src[i]->idx, shift[n++] = src[i]->shift;
    }
    if (n > 2 || (n == 2 && shift[0] && shift[1])) return false;
    if (retarget) {
        c->buf[c->last_dst] = HOME(c, pa);
        c->last_dst = 0;
    }
    r = c->stack[pa];
    r.imm = (u32)((u32)a.imm + (u32)b.imm);
    r.shift = 0;
    r.terms = 0;
    if (n == 1 && !shift[0] && !(u32)r.imm) { // x + 0: x itself
        c->h -= 2;
        if (slot[0] < c->temp_base)
            moat__comp_push(c, MOAT_VT_I32, K_LOCAL, slot[0], 0);
        else
            moat__comp_push_temp(c, MOAT_VT_I32);
        return true;
    }
    if (n == 0) {
        c->h -= 2;
        moat__comp_push(c, MOAT_VT_I32, K_CONST, 0, r.imm);
        return true;
    }
    if (n == 2 && shift[0]) { // the shifted term is the index
        u32 t = slot[0];
        slot[0] = slot[1], slot[1] = t;
        shift[1] = shift[0], shift[0] = 0;
    }
    if (n == 1 && shift[0]) {
        r.terms = ADDR_IDX;
        r.idx = slot[0];
        r.shift = (u8)shift[0];
    } else {
        r.terms = ADDR_BASE | (n == 2 ? ADDR_IDX : 0);
        r.local = slot[0];
        r.idx = n == 2 ? slot[1] : 0;
        r.shift = n == 2 ? (u8)shift[1] : 0;
    }
    c->h -= 2;
    moat__comp_push(c, MOAT_VT_I32, K_ADDR, r.local, r.imm);
    struct ventry *e = &c->stack[c->h - 1];
    e->terms = r.terms;
    e->idx = r.idx;
    e->shift = r.shift;
    return true;
}

// Drops the instructions from buffer index `s` on, and their backtrace entries. What the
// fusion flags said about the previous instruction no longer holds.
void moat__comp_drop_code(struct comp *c, u32 s) {
    c->len = s;
    moat__comp_forget_last(c);
    while (c->nsrc && c->src[c->nsrc - 1].pos >= s / 2)
        c->nsrc--;
}

// The load and store opcodes of a value type's full width (i32, f32, f64 here).
static u32 load_op_of(u8 type) {
    return type == MOAT_VT_I32   ? MOAT_OP_I32_LOAD
           : type == MOAT_VT_F32 ? MOAT_OP_F32_LOAD
                                 : MOAT_OP_F64_LOAD;
}

static u32 store_op_of(u8 type) {
    return type == MOAT_VT_I32   ? MOAT_OP_I32_STORE
           : type == MOAT_VT_F32 ? MOAT_OP_F32_STORE
                                 : MOAT_OP_F64_STORE;
}

// A binary operator of ops_mem_op.inc whose second operand was just loaded into its
// temporary: the load is removed and the operator reads memory itself (NAME_L, NAME_LA).
// Integer operators commute, so for them the loaded value may also be the first operand
// when the second is a local (nothing emitted after the load).
static bool fuse_load_operand(struct comp *c, u32 op, const struct moat__opinfo *info) {
    u32 pa = c->h - 2, pb = c->h - 1;
    if (!c->last_load_op || op >= 0x100 || !memop_handlers[op][0].l || !c->last_dst
        || c->last_load_op != load_op_of(info->params[0]))
        return false;
    bool swap = false;
    if (c->stack[pb].kind != K_TEMP || c->last_dst_slot != HOME(c, pb)) {
        swap = info->params[0] == MOAT_VT_I32 && op != MOAT_OP_I32_SUB
               && c->stack[pa].kind == K_TEMP && c->last_dst_slot == HOME(c, pa)
               && c->stack[pb].kind == K_LOCAL;
        if (!swap) return false;
    }
    u32 s = c->last_op_start;
    bool la = c->last_load_a;
    u32 base = c->buf[s + 3], imm = c->buf[s + 4], offset = c->buf[s + (la ? 5 : 4)];
    // An F64_MUL_L[A] right before the load (its length: handler, operands, padding).
    u32 mul_at = c->prev_op_start;
    bool mul_la = c->prev_memop_la;
    bool after_mul = c->prev_memop == MOAT_OP_F64_MUL && mul_at + (mul_la ? 8 : 6) == s;
    moat__comp_drop_code(c, s);
    u32 a;
    if (swap) {
        a = moat__comp_slot_of(c, pb);
        c->h -= 2;
    } else {
        c->h--;
        a = moat__comp_pop(c);
    }
    u32 dst = moat__comp_push_temp(c, info->result);
    const struct memop_h *mh = &memop_handlers[op][c->checked];
    moat__comp_op(c, la ? mh->la : mh->l);
    moat__comp_dst(c, dst);
    moat__comp_u32(c, a);
    moat__comp_u32(c, base);
    if (la) moat__comp_u32(c, imm);
    moat__comp_u32(c, offset);
    c->last_memop = op;
    c->last_memop_la = la;
    // The product is a temporary used only here: ADD_L of it + a store back = MUL_ADD_M.
    if (op == MOAT_OP_F64_ADD && !la && !swap && after_mul && c->buf[mul_at + 2] == a
        && a >= c->temp_base)
        c->madd_from = mul_at + 1, c->madd_la = mul_la;
    return true;
}

// The top two operands, one a pending i32 sum (K_ADDR) a fused handler reads term by term:
// pops both, pushes the result's temporary (*dst) and returns the slot of the other one,
// `other`, materialized first if it is a constant or a pending sum itself (that writes
// HOME(other), which the sum's terms never read).
static u32 take_beside_pending(struct comp *c, u32 other, u32 *dst) {
    if (c->stack[other].kind == K_CONST || c->stack[other].kind == K_ADDR)
        moat__comp_materialize(c, other);
    u32 slot = moat__comp_slot_of(c, other);
    c->h -= 2;
    *dst = moat__comp_push_temp(c, MOAT_VT_I32);
    return slot;
}

// An i32 add/and/or/xor one of whose operands the previous instruction computed by a
// shift or rotate by a constant: that instruction is removed and one handler does both.
// Its source slot is still intact: nothing was emitted in between. Integer operators
// commute, so the shifted value may be either operand.
static bool fuse_shifted_operand(struct comp *c, u32 op) {
    u32 alu = alu_index(op), pa = c->h - 2, pb = c->h - 1;
    if (alu == ALU_NONE) return false;
    // A pending x << k (a K_ADDR of one shifted term) is such an operand as it stands.
    for (u32 spos = pb + 1; spos-- > pa;) {
        const struct ventry *e = &c->stack[spos];
        if (e->kind != K_ADDR || e->terms != ADDR_IDX || (u32)e->imm) continue;
        u32 x = e->idx, k = e->shift;
        u32 dst, a = take_beside_pending(c, spos == pb ? pa : pb, &dst);
        moat__comp_op(c, shifted_handlers[alu][SH_I32_SHL]);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, a);
        moat__comp_u32(c, x);
        moat__comp_u32(c, k);
        return true;
    }
    if (!c->last_shift_op || !c->last_dst) return false;
    u32 spos;
    if (c->stack[pb].kind == K_TEMP && c->last_dst_slot == HOME(c, pb))
        spos = pb;
    else if (c->stack[pa].kind == K_TEMP && c->last_dst_slot == HOME(c, pa))
        spos = pa;
    else
        return false;
    if (c->stack[spos == pb ? pa : pb].kind == K_ADDR) return false; // would need computing
    u32 s = c->last_op_start;                                        // shift _I: dst, x, k
    u32 hid = shifted_handlers[alu][shift_index(c->last_shift_op)];
    u32 x = c->buf[s + 3], k = c->buf[s + 4];
    // rotl ^ rotl, the other rotl the instruction just before (SHA-2's Σ, σ): one handler.
    u32 other = spos == pb ? pa : pb, p = c->prev_op_start;
    if (op == MOAT_OP_I32_XOR && c->last_shift_op == MOAT_OP_I32_ROTL
        && c->prev_shift_op == MOAT_OP_I32_ROTL && p + 6 == s && c->stack[other].kind == K_TEMP
        && c->buf[p + 2] == HOME(c, other)) {
        u32 x1 = c->buf[p + 3], k1 = c->buf[p + 4];
        moat__comp_drop_code(c, p);
        c->h -= 2;
        u32 dst = moat__comp_push_temp(c, MOAT_VT_I32);
        moat__comp_op(c, H_I32_ROTL_XOR_ROTL);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, x1);
        moat__comp_u32(c, k1);
        moat__comp_u32(c, x);
        moat__comp_u32(c, k);
        return true;
    }
    moat__comp_drop_code(c, s);
    u32 a = moat__comp_slot_of(c, spos == pb ? pa : pb);
    c->h -= 2;
    u32 dst = moat__comp_push_temp(c, MOAT_VT_I32);
    moat__comp_op(c, hid);
    moat__comp_dst(c, dst);
    moat__comp_u32(c, a);
    moat__comp_u32(c, x);
    moat__comp_u32(c, k);
    return true;
}

// An f64 add/sub/mul (or i32 add/and/or/xor) one of whose operands the previous such
// operator of two slots (for i32 also sub) just computed into its temporary: one handler
// computes both, in the same order and with the same rounding. The other operand is a
// local or a temporary untouched since. The i32 second operators commute.
static bool fuse_chain(struct comp *c, u32 op) {
    u32 pa = c->h - 2, pb = c->h - 1;
    // A pending sum of two slots (K_ADDR) is such a first operator as it stands.
    u32 n2 = iop_index(op);
    for (u32 spos = pb + 1; n2 != IOP_NONE && n2 != IOP_SUB && spos-- > pa;) {
        const struct ventry *e = &c->stack[spos];
        if (e->kind != K_ADDR || e->terms != (ADDR_BASE | ADDR_IDX) || e->shift || (u32)e->imm)
            continue;
        u32 x = e->local, y = e->idx;
        u32 dst, z = take_beside_pending(c, spos == pb ? pa : pb, &dst);
        moat__comp_op(c, i32_chain_handlers[IOP_ADD][n2]);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, x);
        moat__comp_u32(c, y);
        moat__comp_u32(c, z);
        return true;
    }
    if (!c->last_fop || !c->last_dst) return false;
    bool is_f64 = fop_index(op) != FOP_NONE;
    u32 hid;
    if (is_f64) {
        if (fop_index(c->last_fop) == FOP_NONE) return false;
    } else if (n2 == IOP_NONE || n2 == IOP_SUB || iop_index(c->last_fop) == IOP_NONE) {
        return false;
    }
    bool second; // the chained value is the second operand
    if (c->stack[pb].kind == K_TEMP && c->last_dst_slot == HOME(c, pb)
        && c->stack[pa].kind != K_CONST && c->stack[pa].kind != K_ADDR)
        second = true;
    else if (c->stack[pa].kind == K_TEMP && c->last_dst_slot == HOME(c, pa)
             && c->stack[pb].kind == K_LOCAL)
        second = false;
    else
        return false;
    if (is_f64)
        hid = chain_handlers[fop_index(c->last_fop)][fop_index(op)][second];
    else
        hid = i32_chain_handlers[iop_index(c->last_fop)][iop_index(op)];
    u32 s = c->last_op_start; // dst, x, y
    u32 x = c->buf[s + 3], y = c->buf[s + 4];
    moat__comp_drop_code(c, s);
    u32 z = moat__comp_slot_of(c, second ? pa : pb);
    c->h -= 2;
    u32 dst = moat__comp_push_temp(c, is_f64 ? MOAT_VT_F64 : MOAT_VT_I32);
    moat__comp_op(c, hid);
    moat__comp_dst(c, dst);
    moat__comp_u32(c, x);
    moat__comp_u32(c, y);
    moat__comp_u32(c, z);
    return true;
}

// A store of a NAME_L result to the address its operand came from (`c[j] += x`): one
// read-modify-write NAME_M. The address entry names the load's address slot only if it is
// the same local, unchanged since (a local.set in between would have copied it out).
static bool fuse_rmw(struct comp *c, u32 op, u32 offset) {
    u32 mop = c->last_memop, top = c->h - 1;
    if (!mop || c->last_memop_la || !c->last_dst || c->stack[top].kind != K_TEMP
        || c->last_dst_slot != HOME(c, top))
        return false;
    u32 want = store_op_of(moat__opinfo(mop)->params[0]);
    u32 s = c->last_op_start; // NAME_L: dst, a, addr, offset
    if (op != want || c->stack[top - 1].kind != K_LOCAL || c->stack[top - 1].local != c->buf[s + 4]
        || c->buf[s + 5] != offset)
        return false;
    u32 a = c->buf[s + 3], addr = c->buf[s + 4];
    if (c->madd_from) { // F64_MUL_L[A]: dst, x, b, [imm,] offset
        u32 m = c->madd_from - 1;
        bool mla = c->madd_la;
        u32 x = c->buf[m + 3], b = c->buf[m + 4], bimm = c->buf[m + 5];
        u32 boff = c->buf[m + (mla ? 6 : 5)];
        moat__comp_drop_code(c, m);
        c->h -= 2;
        u32 hid = mla ? (c->checked ? H_F64_MUL_ADD_MA_CHK : H_F64_MUL_ADD_MA)
                      : (c->checked ? H_F64_MUL_ADD_M_CHK : H_F64_MUL_ADD_M);
        moat__comp_op(c, hid);
        moat__comp_u32(c, addr);
        moat__comp_u32(c, x);
        moat__comp_u32(c, b);
        if (mla) moat__comp_u32(c, bimm);
        moat__comp_u32(c, boff);
        moat__comp_u32(c, offset);
        return true;
    }
    moat__comp_drop_code(c, s);
    c->h -= 2;
    moat__comp_op(c, memop_handlers[mop][c->checked].m);
    moat__comp_u32(c, addr);
    moat__comp_u32(c, a);
    moat__comp_u32(c, offset);
    return true;
}

// An f64.store of the value the previous f64 add/sub/mul (of two slots) just computed,
// into a temporary or the local it was set to: one handler computes, writes that slot
// and stores (NAME_S, or NAME_SZ at a constant address).
static bool fuse_op_store(struct comp *c, u32 op, u32 offset) {
    u32 fop = fop_index(c->last_fop), top = c->h - 1, s = c->last_op_start;
    if (op != MOAT_OP_F64_STORE || fop == FOP_NONE) return false;
    u32 dst = c->buf[s + 2];
    const struct ventry *v = &c->stack[top], *ad = &c->stack[top - 1];
    bool computed = v->kind == K_TEMP ? c->last_dst && c->last_dst_slot == HOME(c, top)
                                      : v->kind == K_LOCAL && v->local == dst;
    if (!computed || ad->kind == K_ADDR) return false; // a pending sum: the store's own modes
    bool kaddr = ad->kind == K_CONST;
    u32 addr = kaddr ? (u32)ad->imm : moat__comp_slot_of(c, top - 1);
    u32 a = c->buf[s + 3], b = c->buf[s + 4];
    moat__comp_drop_code(c, s);
    c->h -= 2;
    moat__comp_op(c, op_store_handlers[fop][c->checked][kaddr]);
    moat__comp_u32(c, addr);
    moat__comp_u32(c, dst);
    moat__comp_u32(c, a);
    moat__comp_u32(c, b);
    moat__comp_u32(c, offset);
    return true;
}

void moat__comp_numeric(struct comp *c, u32 op, const struct moat__opinfo *info) {
    const struct hpair *hp = &op_handlers[OPSLOT(op)];
    if (!hp->h) moat__comp_bail(c);
    if (!info->params[1]) { // unary
        u32 a = moat__comp_pop(c);
        u32 dst = moat__comp_push_temp(c, info->result);
        moat__comp_op(c, hp->h);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, a);
        if (is_int_compare(op)) {
            c->last_cmp_op = op;
            c->last_cmp_imm = false;
        }
        return;
    }
    if ((op == MOAT_OP_I32_ADD || op == MOAT_OP_I32_SUB || op == MOAT_OP_I32_SHL)
        && moat__comp_lazy_addr(c, op))
        return;
    u32 pa = c->h - 2, pb = c->h - 1;
    bool commutative = op == MOAT_OP_I32_ADD || op == MOAT_OP_I32_MUL || op == MOAT_OP_I32_AND
                       || op == MOAT_OP_I32_OR || op == MOAT_OP_I32_XOR || op == MOAT_OP_I32_EQ
                       || op == MOAT_OP_I32_NE || op == MOAT_OP_I64_ADD || op == MOAT_OP_I64_MUL
                       || op == MOAT_OP_I64_AND || op == MOAT_OP_I64_OR || op == MOAT_OP_I64_XOR
                       || op == MOAT_OP_I64_EQ || op == MOAT_OP_I64_NE;
    u32 kpos = 0; // position of the constant operand that becomes an immediate
    u32 hk = hp->h2;
    if (hp->h2 && c->stack[pb].kind == K_CONST) {
        kpos = pb + 1;
    } else if (hp->h2 && c->stack[pa].kind == K_CONST) {
        if (commutative)
            kpos = pa + 1;
        else if (op < 0x100 && imm_first_handlers[op])
            kpos = pa + 1, hk = imm_first_handlers[op];
    }
    if (kpos) {
        u32 xpos = kpos - 1 == pb ? pa : pb;
        u64 imm = c->stack[kpos - 1].imm;
        if (c->stack[xpos].kind == K_CONST || c->stack[xpos].kind == K_ADDR)
            moat__comp_materialize(c, xpos);
        u32 x = moat__comp_slot_of(c, xpos);
        c->h -= 2;
        u32 dst = moat__comp_push_temp(c, info->result);
        moat__comp_op(c, hk);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, x);
        moat__comp_u32(c, (u32)imm);
        if (info->params[0] == MOAT_VT_I64 || info->params[0] == MOAT_VT_F64)
            moat__comp_u32(c, (u32)(imm >> 32));
        if (is_int_compare(op)) {
            c->last_cmp_op = op;
            c->last_cmp_imm = true;
        }
        c->last_add_imm = op == MOAT_OP_I32_ADD;
        c->last_shl_imm = op == MOAT_OP_I32_SHL;
        c->last_shift_op = shift_index(op) != SH_NONE ? op : 0;
        return;
    }
    if (fuse_load_operand(c, op, info)) return;
    if (fuse_shifted_operand(c, op)) return;
    if (fuse_chain(c, op)) return;
    u32 b = moat__comp_pop(c);
    u32 a = moat__comp_pop(c);
    u32 dst = moat__comp_push_temp(c, info->result);
    moat__comp_op(c, hp->h);
    moat__comp_dst(c, dst);
    moat__comp_u32(c, a);
    moat__comp_u32(c, b);
    if (is_int_compare(op)) {
        c->last_cmp_op = op;
        c->last_cmp_imm = false;
    }
    c->last_add_slots = op == MOAT_OP_I32_ADD;
    c->last_fop = fop_index(op) != FOP_NONE || iop_index(op) != IOP_NONE ? op : 0;
}

// After moat__comp_take_add_imm removed an I32_ADD_I whose base is `base`: if the instruction
// before it was an I32_SHL_I that computed that temporary, removes it too and returns
// its operand and shift count.
static bool take_shl(struct comp *c, u32 base, u32 *x, u32 *shift) {
    u32 p = c->prev_op_start;
    if (!c->prev_shl_imm || p + 6 != c->len || c->buf[p + 2] != base || base < c->temp_base)
        return false;
    *x = c->buf[p + 3];
    *shift = c->buf[p + 4];
    c->len = p;
    c->prev_shl_imm = false;
    while (c->nsrc && c->src[c->nsrc - 1].pos >= p / 2)
        c->nsrc--;
    return true;
}

// Bytes a load reads or a store writes (memarg operators below 0x40).
static u32 access_bytes(u32 op) {
    switch (op) {
    case MOAT_OP_I64_LOAD:
    case MOAT_OP_F64_LOAD:
    case MOAT_OP_I64_STORE:
    case MOAT_OP_F64_STORE:
        return 8;
    case MOAT_OP_I32_LOAD:
    case MOAT_OP_F32_LOAD:
    case MOAT_OP_I64_LOAD32_S:
    case MOAT_OP_I64_LOAD32_U:
    case MOAT_OP_I32_STORE:
    case MOAT_OP_F32_STORE:
    case MOAT_OP_I64_STORE32:
        return 4;
    case MOAT_OP_I32_LOAD16_S:
    case MOAT_OP_I32_LOAD16_U:
    case MOAT_OP_I64_LOAD16_S:
    case MOAT_OP_I64_LOAD16_U:
    case MOAT_OP_I32_STORE16:
    case MOAT_OP_I64_STORE16:
        return 2;
    default:
        return 1;
    }
}

// A store of the value the previous instruction loaded (into the temporary `val`, which
// nothing reads afterwards) becomes one memory-to-memory MOVE of as many bytes: the
// store narrows the value back to exactly the bytes loaded. Both addresses are slot + imm
// (+ offset). Returns false when the previous instruction is no such load.
static bool emit_move(struct comp *c, u32 op, u32 val, u32 base, u32 imm, u32 offset) {
    u32 n = access_bytes(op);
    if (!c->last_load_op || access_bytes(c->last_load_op) != n || !c->last_dst
        || c->last_dst_slot != val || val < c->temp_base)
        return false;
    u32 s = c->last_op_start; // dst, base, [imm,] offset
    bool a = c->last_load_a;
    u32 lb = c->buf[s + 3], li = a ? c->buf[s + 4] : 0, lo = c->buf[s + (a ? 5 : 4)];
    moat__comp_drop_code(c, s);
    static const u16 h[2][4] = {{H_MOVE1, H_MOVE2, H_MOVE4, H_MOVE8},
                                {H_MOVE1_CHK, H_MOVE2_CHK, H_MOVE4_CHK, H_MOVE8_CHK}};
    moat__comp_op(c, h[c->checked][n == 8 ? 3 : n == 4 ? 2 : n - 1]);
    moat__comp_u32(c, lb);
    moat__comp_u32(c, li);
    moat__comp_u32(c, lo);
    moat__comp_u32(c, base);
    moat__comp_u32(c, imm);
    moat__comp_u32(c, offset);
    return true;
}

// Is the previous instruction handler `hid` (`hid_chk` in bounds-check mode), and did it
// write the temporary `val`?
static bool last_is(const struct comp *c, u32 hid, u32 hid_chk, u32 val) {
    if (!c->last_dst || c->last_dst_slot != val || val < c->temp_base) return false;
    moat__insn w;
    memcpy(&w, &c->buf[c->last_op_start], sizeof w);
    return w.bits == moat__interp_handler_word(c->checked ? hid_chk : hid).bits;
}

// emit_move for a 4-byte store to base + (idx << shift) + imm of what an i32.load from
// an indexed array (I32_LOAD_X or I32_LOAD_S) just loaded: `a[i] = b[j]`, a stack VM's
// push of a constant or a variable. MOVE4_XX / MOVE4_SX: the load's address operands,
// then the store's (base, idx, shift, imm, offset).
static bool emit_move_x(struct comp *c, u32 op, u32 val, u32 base, u32 idx, u32 shift, u32 imm,
                        u32 offset) {
    if (access_bytes(op) != 4) return false;
    bool xx = last_is(c, H_I32_LOAD_X, H_I32_LOAD_X_CHK, val);
    if (!xx && !last_is(c, H_I32_LOAD_S, H_I32_LOAD_S_CHK, val)) return false;
    u32 s = c->last_op_start, n = xx ? 5 : 4, ops[5]; // after dst: the load's address
    for (u32 i = 0; i < n; i++)
        ops[i] = c->buf[s + 3 + i];
    moat__comp_drop_code(c, s);
    moat__comp_op(c, xx ? (c->checked ? H_MOVE4_XX_CHK : H_MOVE4_XX)
                        : (c->checked ? H_MOVE4_SX_CHK : H_MOVE4_SX));
    for (u32 i = 0; i < n; i++)
        moat__comp_u32(c, ops[i]);
    moat__comp_u32(c, base);
    moat__comp_u32(c, idx);
    moat__comp_u32(c, shift);
    moat__comp_u32(c, imm);
    moat__comp_u32(c, offset);
    return true;
}

// Address modes of a load or store (operands after dst or before the value, see
// ops_families.h): a slot; base + imm; base + (idx << shift) + imm; (x << shift) + imm; a
// constant (in the slot operand's place).
enum { M_SLOT, M_A, M_X, M_S, M_Z };

void moat__comp_memory(struct comp *c, u32 op, const struct moat__opinfo *info) {
    u32 align, offset;
    if (!moat__read_u32(&c->cur, &align) || !moat__read_u32(&c->cur, &offset)) moat__comp_bail(c);
    if (MOAT_NEVER(op >= 0x40)) moat__comp_bail(c); // the tables below
    bool load = info->result != 0;
    if (!load && (fuse_rmw(c, op, offset) || fuse_op_store(c, op, offset))) return;
    u32 apos = c->h - (load ? 1 : 2);
    // The address: a pending K_ADDR sum, or an I32_ADD_I (and I32_SHL_I) just emitted.
    // A store's value is computed after this into HOME(apos + 1): a base there is not
    // taken.
    u32 mode = M_SLOT, base = 0, idx = 0, shift = 0, imm = 0;
    const struct ventry *ae = &c->stack[apos];
    if (ae->kind == K_ADDR) {
        imm = (u32)ae->imm;
        if (ae->terms == ADDR_BASE) {
            mode = M_A;
            base = ae->local;
        } else if (ae->terms == (ADDR_BASE | ADDR_IDX)) {
            mode = M_X;
            base = ae->local;
            idx = ae->idx;
            shift = ae->shift;
        } else if (op == MOAT_OP_I32_LOAD) {
            mode = M_S;
            base = ae->idx;
            shift = ae->shift;
        }
    } else if ((load || !c->last_add_imm || c->buf[c->last_op_start + 3] < HOME(c, apos + 1))
               && moat__comp_take_add_imm(c, apos, &base, &imm)) {
        mode = M_A;
        if (load && op == MOAT_OP_I32_LOAD && take_shl(c, base, &base, &shift)) mode = M_S;
    } else if (ae->kind == K_CONST && (load || c->stack[c->h - 1].kind != K_CONST)) {
        // A constant address (data at a fixed place) is an operand too, unless a constant
        // store value already is.
        mode = M_Z;
        base = (u32)ae->imm;
    }
    u32 h;
    if (mode == M_A) {
        h = c->checked ? mem_addr_handlers[OPSLOT(op)].h2 : mem_addr_handlers[OPSLOT(op)].h;
    } else if (mode == M_X) {
        h = c->checked ? mem_x_handlers[OPSLOT(op)].h2 : mem_x_handlers[OPSLOT(op)].h;
    } else if (mode == M_S) {
        h = c->checked ? H_I32_LOAD_S_CHK : H_I32_LOAD_S;
    } else if (mode == M_Z) {
        h = c->checked ? mem_const_handlers[OPSLOT(op)].h2 : mem_const_handlers[OPSLOT(op)].h;
    } else {
        h = c->checked ? op_handlers[OPSLOT(op)].h2 : op_handlers[OPSLOT(op)].h;
    }
    if (!h) moat__comp_bail(c);
    if (load) {
        if (mode != M_SLOT)
            c->h--;
        else
            base = moat__comp_pop(c);
        u32 dst = moat__comp_push_temp(c, info->result);
        moat__comp_op(c, h);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, base);
        if (mode == M_SLOT || mode == M_A) {
            c->last_load_op = op;
            c->last_load_a = mode == M_A;
        }
    } else {
        // A constant value that fits in 32 bits (all but wide i64/f64 ones) is an operand.
        const struct ventry *ve = &c->stack[c->h - 1];
        bool kval =
            ve->kind == K_CONST
            && (ve->imm <= UINT32_MAX || (op != MOAT_OP_I64_STORE && op != MOAT_OP_F64_STORE));
        u32 val;
        if (kval) {
            const struct hpair *hk =
                c->checked ? &store_k_chk_handlers[OPSLOT(op)] : &store_k_handlers[OPSLOT(op)];
            h = mode == M_X   ? (c->checked ? store_xk_handlers[OPSLOT(op)].h2
                                            : store_xk_handlers[OPSLOT(op)].h)
                : mode == M_A ? hk->h2
                              : hk->h;
            val = (u32)ve->imm;
            c->h--;
        } else {
            val = moat__comp_pop(c); // lands in its home slot, above the address's slots
        }
        if (mode != M_SLOT)
            c->h--;
        else
            base = moat__comp_pop(c);
        if (!kval && (mode == M_SLOT || mode == M_A)
            && emit_move(c, op, val, base, mode == M_A ? imm : 0, offset))
            return;
        if (!kval && mode == M_X && emit_move_x(c, op, val, base, idx, shift, imm, offset)) return;
        moat__comp_op(c, h);
        moat__comp_u32(c, base);
        moat__comp_u32(c, val);
    }
    if (mode == M_X) {
        moat__comp_u32(c, idx);
        moat__comp_u32(c, shift);
    } else if (mode == M_S) {
        moat__comp_u32(c, shift);
    }
    if (mode != M_SLOT && mode != M_Z) moat__comp_u32(c, imm);
    moat__comp_u32(c, offset);
}
