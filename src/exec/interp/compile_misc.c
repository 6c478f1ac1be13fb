// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Translation of the "other" instructions: drop/select, globals, references, memory
// size/grow, bulk memory and table operators. All operands are slots; constants are
// materialized by moat__comp_pop.
#include "exec/interp/compile_internal.h"

static u32 read_u32(struct comp *c) {
    u32 v;
    if (!moat__read_u32(&c->cur, &v)) moat__comp_bail(c);
    return v;
}

static void skip_bytes(struct comp *c, size_t n) {
    const u8 *b;
    if (!moat__read_bytes(&c->cur, n, &b)) moat__comp_bail(c);
}

// Emits handler `hid` with the popped operand slots (first pushed first), then `imms`.
static void emit_popped(struct comp *c, u32 hid, u32 nops, const u32 *imms, u32 nimms) {
    u32 slots[3];
    for (u32 i = nops; i-- > 0;)
        slots[i] = moat__comp_pop(c);
    moat__comp_op(c, hid);
    for (u32 i = 0; i < nops; i++)
        moat__comp_u32(c, slots[i]);
    for (u32 i = 0; i < nimms; i++)
        moat__comp_u32(c, imms[i]);
}

// Pops `nops` operands and pushes one result of `type`: handler dst, ops..., imms...
static void emit_result(struct comp *c, u32 hid, u8 type, u32 nops, const u32 *imms, u32 nimms) {
    u32 slots[3];
    for (u32 i = nops; i-- > 0;)
        slots[i] = moat__comp_pop(c);
    u32 dst = moat__comp_push_temp(c, type);
    moat__comp_op(c, hid);
    moat__comp_dst(c, dst);
    for (u32 i = 0; i < nops; i++)
        moat__comp_u32(c, slots[i]);
    for (u32 i = 0; i < nimms; i++)
        moat__comp_u32(c, imms[i]);
}

static u8 table_type(struct comp *c, u32 table) {
    if (table >= c->ir->ntables) moat__comp_bail(c);
    return c->ir->tables[table].elem_type;
}

void moat__comp_misc(struct comp *c, u32 op, const struct moat__opinfo *info) {
    u32 imm[2];
    (void)info;
    switch (op) {
    case MOAT_OP_DROP:
        if (MOAT_NEVER(c->h == 0)) moat__comp_bail(c);
        c->h--;
        return;
    case MOAT_OP_SELECT:
    case MOAT_OP_SELECT_T: {
        if (op == MOAT_OP_SELECT_T) {
            u32 n = read_u32(c);
            skip_bytes(c, n);
        }
        // The compare's operand slots lie at or above the condition's home: materializing
        // a or b (below it) cannot overwrite them.
        u32 hid = 0, x = 0, y = 0;
        bool fused =
            c->stack[c->h - 2].type != MOAT_VT_V128 && moat__comp_take_select_cmp(c, &hid, &x, &y);
        u32 cond = fused ? 0 : moat__comp_pop(c);
        u32 b = moat__comp_pop(c);
        u8 type = c->stack[c->h - 1].type;
        u32 a = moat__comp_pop(c);
        if (fused) {
            u32 dst = moat__comp_push_temp(c, type);
            moat__comp_op(c, hid);
            moat__comp_dst(c, dst);
            moat__comp_u32(c, a);
            moat__comp_u32(c, b);
            moat__comp_u32(c, x);
            moat__comp_u32(c, y);
            return;
        }
        u32 dst = moat__comp_push_temp(c, type);
        moat__comp_op(c, type == MOAT_VT_V128 ? H_SELECT128 : H_SELECT);
        moat__comp_dst(c, dst);
        moat__comp_u32(c, a);
        moat__comp_u32(c, b);
        moat__comp_u32(c, cond);
        return;
    }
    case MOAT_OP_GLOBAL_GET: {
        imm[0] = read_u32(c);
        if (imm[0] >= c->ir->nglobals) moat__comp_bail(c);
        u8 type = c->ir->globals[imm[0]].valtype;
        emit_result(c, type == MOAT_VT_V128 ? H_GLOBAL_GET128 : H_GLOBAL_GET, type, 0, imm, 1);
        return;
    }
    case MOAT_OP_GLOBAL_SET: {
        imm[0] = read_u32(c);
        if (imm[0] >= c->ir->nglobals) moat__comp_bail(c);
        bool wide = c->ir->globals[imm[0]].valtype == MOAT_VT_V128;
        emit_popped(c, wide ? H_GLOBAL_SET128 : H_GLOBAL_SET, 1, imm, 1);
        return;
    }
    case MOAT_OP_TABLE_GET:
        imm[0] = read_u32(c);
        emit_result(c, H_TABLE_GET, table_type(c, imm[0]), 1, imm, 1);
        return;
    case MOAT_OP_TABLE_SET:
        imm[0] = read_u32(c);
        emit_popped(c, H_TABLE_SET, 2, imm, 1);
        return;
    case MOAT_OP_MEMORY_SIZE:
        skip_bytes(c, 1);
        emit_result(c, H_MEMORY_SIZE, MOAT_VT_I32, 0, NULL, 0);
        return;
    case MOAT_OP_MEMORY_GROW:
        skip_bytes(c, 1);
        emit_result(c, H_MEMORY_GROW, MOAT_VT_I32, 1, NULL, 0);
        return;
    case MOAT_OP_REF_NULL: {
        i64 ht;
        if (!moat__read_sleb(&c->cur, 33, &ht)) moat__comp_bail(c);
        moat__comp_push(c, (u8)(ht & 0x7F), K_CONST, 0, 0);
        return;
    }
    case MOAT_OP_REF_IS_NULL:
        emit_result(c, H_REF_IS_NULL, MOAT_VT_I32, 1, NULL, 0);
        return;
    case MOAT_OP_REF_FUNC:
        imm[0] = read_u32(c);
        emit_result(c, H_REF_FUNC, MOAT_VT_FUNCREF, 0, imm, 1);
        return;
    case MOAT_OP_MEMORY_INIT:
        imm[0] = read_u32(c);
        skip_bytes(c, 1);
        emit_popped(c, H_MEMORY_INIT, 3, imm, 1);
        return;
    case MOAT_OP_DATA_DROP:
        imm[0] = read_u32(c);
        emit_popped(c, H_DATA_DROP, 0, imm, 1);
        return;
    case MOAT_OP_MEMORY_COPY:
        skip_bytes(c, 2);
        emit_popped(c, H_MEMORY_COPY, 3, NULL, 0);
        return;
    case MOAT_OP_MEMORY_FILL:
        skip_bytes(c, 1);
        emit_popped(c, H_MEMORY_FILL, 3, NULL, 0);
        return;
    case MOAT_OP_TABLE_INIT:
        imm[0] = read_u32(c); // elem
        imm[1] = read_u32(c); // table
        emit_popped(c, H_TABLE_INIT, 3, imm, 2);
        return;
    case MOAT_OP_ELEM_DROP:
        imm[0] = read_u32(c);
        emit_popped(c, H_ELEM_DROP, 0, imm, 1);
        return;
    case MOAT_OP_TABLE_COPY:
        imm[0] = read_u32(c); // dst table
        imm[1] = read_u32(c); // src table
        emit_popped(c, H_TABLE_COPY, 3, imm, 2);
        return;
    case MOAT_OP_TABLE_GROW:
        imm[0] = read_u32(c);
        emit_result(c, H_TABLE_GROW, MOAT_VT_I32, 2, imm, 1);
        return;
    case MOAT_OP_TABLE_SIZE:
        imm[0] = read_u32(c);
        emit_result(c, H_TABLE_SIZE, MOAT_VT_I32, 0, imm, 1);
        return;
    case MOAT_OP_TABLE_FILL:
        imm[0] = read_u32(c);
        emit_popped(c, H_TABLE_FILL, 3, imm, 1);
        return;
    default:
        moat__comp_bail(c);
    }
}
